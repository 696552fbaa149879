package contract_test

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

// TestPartAmountIsPartChargeAmount: over random contracts, parts and due periods (every cycle,
// both alignments and timings, both day counts and rounding modes, dated quantity changes,
// fractional and large quantities and prices, discounts, trials, parts with their own dates,
// periods the part does not serve), PartAmount gives PartCharge's Amount exactly, and an error
// exactly when PartCharge does.
func TestPartAmountIsPartChargeAmount(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	cycles := []contract.Cycle{contract.Monthly, contract.Quarterly, contract.SemiAnnual, contract.Annual}
	curs := []string{"USD", "JPY", "BHD"}
	origin := psa.NewDate(2025, 1, 1)
	n := 20000
	if testing.Short() {
		n = 2000
	}
	compared := 0
	for i := range n {
		cur := curs[rng.IntN(len(curs))]
		start := origin.AddDays(rng.IntN(900))
		k := contract.Contract{Currency: mustCurrency(t, cur), Terms: contract.Terms{Type: contract.Recurring, Start: start,
			Schedule: contract.Schedule{Cycle: cycles[rng.IntN(len(cycles))], Alignment: contract.AlignCalendar}, Timing: contract.InAdvance,
			DayCount: contract.ActualDays, Rounding: psa.RoundHalfUp}}
		if rng.IntN(2) == 0 {
			k.Schedule.Alignment, k.Schedule.Anchor = contract.AlignAnniversary, start.AddDays(rng.IntN(60)-30)
		}
		if rng.IntN(2) == 0 {
			k.Timing = contract.InArrears
		}
		if rng.IntN(4) == 0 {
			k.DayCount = contract.Thirty360
		}
		if rng.IntN(3) == 0 {
			k.Rounding = psa.RoundHalfEven
		}
		if rng.IntN(3) == 0 {
			k.End = start.AddDays(rng.IntN(400))
		}
		price := decimal.New(rng.Int64N(2_000_000)-100_000, -int32(rng.IntN(5)))
		if rng.IntN(50) == 0 {
			price = decimal.RequireFromString("123456789012345678901234.5")
		}
		p := contract.Part{UnitPrice: money(t, price.String(), cur), Start: start}
		if rng.IntN(4) == 0 {
			p.Start = start.AddDays(rng.IntN(100))
		}
		if rng.IntN(5) == 0 {
			p.End = p.Start.AddDays(rng.IntN(200))
		}
		switch rng.IntN(10) {
		case 0:
			p.DiscountPercent = decimal.NewFromInt(int64(rng.IntN(101)))
		case 1:
			p.DiscountPercent = decimal.New(int64(rng.IntN(1000)), -1)
		}
		p.Trial = rng.IntN(30) == 0
		from := p.Start
		for range 1 + rng.IntN(4) {
			q := decimal.New(rng.Int64N(500), -int32(rng.IntN(3)))
			if rng.IntN(100) == 0 {
				q = decimal.RequireFromString("98765432109876543210.25")
			}
			p.Quantities = append(p.Quantities, contract.Quantity{From: from, Quantity: q})
			from = from.AddDays(1 + rng.IntN(60))
		}
		run := start.AddDays(rng.IntN(500))
		dues, err := k.Schedule.Due(p.Served(k), k.Timing, psa.Date{}, run)
		if err != nil || len(dues) == 0 {
			continue
		}
		due := dues[rng.IntN(len(dues))]
		if rng.IntN(20) == 0 {
			due.Served = psa.Period{Start: due.Period.End, End: due.Period.End.AddDays(5)} // outside: an error
		}
		compared++
		want, werr := contract.PartCharge(k, p, due)
		got, gerr := contract.PartAmount(k, p, due)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("case %d: PartCharge error %v, PartAmount error %v", i, werr, gerr)
		}
		if werr == nil && (!want.Amount.Equal(got) || want.Amount.Currency() != got.Currency()) {
			t.Fatalf("case %d: %+v %+v %+v: PartCharge %s, PartAmount %s", i, k.Terms, p, due, want.Amount, got)
		}
	}
	if compared < n/2 {
		t.Fatalf("only %d of %d cases had a due period", compared, n)
	}
}

func mustCurrency(t *testing.T, code string) currency.Unit {
	t.Helper()
	c, err := psa.ParseCurrency(code)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
