package contract_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

// retainer returns an active prepaid contract of type typ starting 2026-01-01, billed monthly.
func retainer(t *testing.T, typ contract.Type, rollover bool, uses ...contract.Use) contract.Contract {
	t.Helper()
	c := contract.Contract{Terms: contract.Terms{Name: "Block", Type: typ, Start: day(t, "2026-01-01"), End: day(t, "2026-03-31"),
		Schedule: contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar},
		Hours:    dec(t, "10"), BillingPrice: usd(t, "1000"), Rollover: rollover}, Status: contract.StatusActive, Currency: currency.USD}
	for _, u := range uses {
		require.NoError(t, c.Record(u))
	}
	return c
}

// TestLeft is what remains of a prepaid contract's allowance for work on a day: per period
// without rollover (unused allowance expires), pooled from the first period with rollover, once
// for the contract for per-ticket incidents; never negative.
func TestLeft(t *testing.T) {
	jan, feb, mar := day(t, "2026-01-01"), day(t, "2026-02-01"), day(t, "2026-03-01")
	tests := []struct {
		name     string
		typ      contract.Type
		rollover bool
		uses     []contract.Use
		on       string
		want     contract.Use
	}{
		{"fresh block", contract.RetainerHours, false, nil, "2026-01-15",
			contract.Use{Period: jan, Time: 10 * time.Hour, Amount: usd(t, "0")}},
		{"used in its own period", contract.RetainerHours, false, []contract.Use{{Period: jan, Time: 7*time.Hour + 30*time.Minute}}, "2026-01-31",
			contract.Use{Period: jan, Time: 2*time.Hour + 30*time.Minute, Amount: usd(t, "0")}},
		{"unused hours expire without rollover", contract.RetainerHours, false, []contract.Use{{Period: jan, Time: time.Hour}}, "2026-02-01",
			contract.Use{Period: feb, Time: 10 * time.Hour, Amount: usd(t, "0")}},
		{"unused hours carry with rollover", contract.RetainerHours, true, []contract.Use{{Period: jan, Time: time.Hour}}, "2026-03-10",
			contract.Use{Period: mar, Time: 29 * time.Hour, Amount: usd(t, "0")}},
		{"a later period's use is taken from the pool", contract.RetainerHours, true,
			[]contract.Use{{Period: jan, Time: 5 * time.Hour}, {Period: mar, Time: 14 * time.Hour}}, "2026-02-27",
			contract.Use{Period: feb, Time: 1 * time.Hour, Amount: usd(t, "0")}},
		{"never negative", contract.RetainerHours, true, []contract.Use{{Period: mar, Time: 40 * time.Hour}}, "2026-01-05",
			contract.Use{Period: jan, Amount: usd(t, "0")}},
		{"amount retainer funded each period", contract.RetainerAmount, false, []contract.Use{{Period: feb, Amount: usd(t, "250.50")}}, "2026-02-14",
			contract.Use{Period: feb, Amount: usd(t, "749.50")}},
		{"amount retainer with rollover", contract.RetainerAmount, true, []contract.Use{{Period: jan, Amount: usd(t, "250.50")}}, "2026-02-14",
			contract.Use{Period: feb, Amount: usd(t, "1749.50")}},
		{"nothing before the start", contract.RetainerHours, false, nil, "2025-12-31",
			contract.Use{Period: day(t, "2025-12-01"), Amount: usd(t, "0")}},
		{"nothing after the end", contract.RetainerHours, true, nil, "2026-04-01",
			contract.Use{Period: day(t, "2026-04-01"), Amount: usd(t, "0")}},
		{"the last day of the term", contract.RetainerHours, true, []contract.Use{{Period: mar, Time: 5 * time.Hour}}, "2026-03-31",
			contract.Use{Period: mar, Time: 25 * time.Hour, Amount: usd(t, "0")}},
		{"no incidents after the end", contract.PerTicket, false, nil, "2026-04-01",
			contract.Use{Amount: usd(t, "0")}},
		{"per-ticket incidents are for the whole contract", contract.PerTicket, false, []contract.Use{{Period: jan, Incidents: 3}, {Period: mar, Incidents: 2}}, "2026-03-20",
			contract.Use{Amount: usd(t, "0"), Incidents: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := retainer(t, tt.typ, tt.rollover, tt.uses...).Left(day(t, tt.on))
			require.NoError(t, err)
			diff(t, tt.want, got, "left")
		})
	}
}

// TestRecordRelease keeps the ledger sorted by period, merges uses of one period, drops a period
// released to nothing, and refuses to release more than was used, a use in another currency, and
// a ledger on a contract that is not prepaid; a refused change leaves the ledger as it was.
func TestRecordRelease(t *testing.T) {
	jan, feb := day(t, "2026-01-01"), day(t, "2026-02-01")
	c := retainer(t, contract.RetainerAmount, false,
		contract.Use{Period: feb, Amount: usd(t, "100")}, contract.Use{Period: jan, Amount: usd(t, "40")}, contract.Use{Period: feb, Amount: usd(t, "5.25")})
	diff(t, []contract.Use{{Period: jan, Amount: usd(t, "40")}, {Period: feb, Amount: usd(t, "105.25")}}, c.Usage, "ledger")
	diff(t, usd(t, "145.25"), c.Consumed(), "consumed amount")

	require.NoError(t, c.Release(contract.Use{Period: jan, Amount: usd(t, "40")}))
	diff(t, []contract.Use{{Period: feb, Amount: usd(t, "105.25")}}, c.Usage, "ledger after a release")

	before := append([]contract.Use(nil), c.Usage...)
	err := c.Release(contract.Use{Period: feb, Amount: usd(t, "105.26")})
	require.ErrorIs(t, err, psa.ErrPrecondition)
	err = c.Record(contract.Use{Period: feb, Amount: money(t, "1", "EUR")})
	require.ErrorIs(t, err, psa.ErrInvalid)
	diff(t, before, c.Usage, "ledger after refused changes")

	tm := contract.Contract{Terms: contract.Terms{Type: contract.TimeAndMaterials}, Currency: currency.USD}
	err = tm.Record(contract.Use{Period: jan, Time: time.Hour})
	var pe *psa.PreconditionError
	require.True(t, errors.As(err, &pe), "error %v", err)
	require.Empty(t, tm.Usage)
}

// TestPrepaidHours is seed 004's prepaid hours summary for the period of a day.
func TestPrepaidHours(t *testing.T) {
	jan, feb := day(t, "2026-01-01"), day(t, "2026-02-01")
	tests := []struct {
		name     string
		rollover bool
		uses     []contract.Use
		on       string
		want     contract.HoursSummary
	}{
		{"fresh block", false, nil, "2026-01-10",
			contract.HoursSummary{Period: psa.Period{Start: jan, End: feb}, Purchased: dec(t, "10"), Carried: dec(t, "0"), Used: dec(t, "0"), Remaining: dec(t, "10")}},
		{"partly used, to the second", false, []contract.Use{{Period: jan, Time: 7*time.Hour + 15*time.Minute + 9*time.Second}}, "2026-01-31",
			contract.HoursSummary{Period: psa.Period{Start: jan, End: feb}, Purchased: dec(t, "10"), Carried: dec(t, "0"), Used: dec(t, "7.2525"), Remaining: dec(t, "2.7475")}},
		{"carried over", true, []contract.Use{{Period: jan, Time: 4 * time.Hour}, {Period: feb, Time: 12 * time.Hour}}, "2026-02-10",
			contract.HoursSummary{Period: psa.Period{Start: feb, End: day(t, "2026-03-01")}, Purchased: dec(t, "10"), Carried: dec(t, "6"), Used: dec(t, "12"), Remaining: dec(t, "4"), Rollover: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := retainer(t, contract.RetainerHours, tt.rollover, tt.uses...).PrepaidHours(day(t, tt.on))
			require.NoError(t, err)
			diff(t, tt.want, got, "prepaid hours")
		})
	}
}

// TestInfo is seed 004's contract information per type: remaining amount of a fixed price,
// consumed amount of a retainer by amount, prepaid hours of a retainer by hours (its first period
// before it starts), incidents left of a per-ticket contract, nothing for the others.
func TestInfo(t *testing.T) {
	jan := day(t, "2026-01-01")
	fixed := contract.Contract{Terms: contract.Terms{Type: contract.FixedPrice, BillAmount: usd(t, "1000")}, Currency: currency.USD, Billed: usd(t, "400")}
	info, err := fixed.Info(day(t, "2026-03-01"))
	require.NoError(t, err)
	diff(t, contract.Info{Remaining: ptr(usd(t, "600"))}, info, "fixed price")

	amount := retainer(t, contract.RetainerAmount, false, contract.Use{Period: jan, Amount: usd(t, "120.50")})
	info, err = amount.Info(day(t, "2026-03-01"))
	require.NoError(t, err)
	diff(t, contract.Info{Consumed: ptr(usd(t, "120.50"))}, info, "retainer by amount")

	hours := retainer(t, contract.RetainerHours, false, contract.Use{Period: jan, Time: 90 * time.Minute})
	info, err = hours.Info(day(t, "2025-12-15")) // before the start: the first period
	require.NoError(t, err)
	diff(t, contract.Info{PrepaidHours: &contract.HoursSummary{Period: psa.Period{Start: jan, End: day(t, "2026-02-01")}, Purchased: dec(t, "10"),
		Carried: dec(t, "0"), Used: dec(t, "1.5"), Remaining: dec(t, "8.5")}}, info, "retainer by hours")

	incidents := retainer(t, contract.PerTicket, false, contract.Use{Period: jan, Incidents: 3})
	info, err = incidents.Info(day(t, "2026-03-01"))
	require.NoError(t, err)
	diff(t, contract.Info{IncidentsLeft: ptr(int64(7))}, info, "per ticket")

	info, err = contract.Contract{Terms: contract.Terms{Type: contract.TimeAndMaterials}, Currency: currency.USD}.Info(jan)
	require.NoError(t, err)
	diff(t, contract.Info{}, info, "time and materials")
}

func ptr[T any](v T) *T { return &v }
