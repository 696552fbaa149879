package contract_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
)

// chargeCase builds the contract and part values PartCharge takes, as the service stores them.
type chargeCase struct {
	start, end         string // the contract's first and last day ("" = open-ended)
	cycle              contract.Cycle
	timing             contract.Timing
	dayCount           contract.DayCount
	rounding           psa.RoundingMode
	price              string // USD per unit per period
	partStart, partEnd string // "" = the contract's
	quantities         [][2]string
	discount           string
	trial              bool
}

func (cc chargeCase) build(t *testing.T) (contract.Contract, contract.Part) {
	t.Helper()
	c := contract.Contract{Status: contract.StatusActive, Currency: usd(t, "0").Currency(), Terms: contract.Terms{
		Name: "Managed", Type: contract.Recurring, Start: day(t, cc.start),
		Schedule: contract.Schedule{Cycle: cc.cycle, Alignment: contract.AlignCalendar},
		Timing:   cc.timing, DayCount: cc.dayCount, Rounding: cc.rounding,
	}}
	if c.Schedule.Cycle == "" {
		c.Schedule.Cycle = contract.Monthly
	}
	if c.Timing == "" {
		c.Timing = contract.InAdvance
	}
	if c.DayCount == "" {
		c.DayCount = contract.ActualDays
	}
	if cc.end != "" {
		c.End = day(t, cc.end)
	}
	p := contract.Part{ContractID: c.ID, Description: "Workstations", UnitKind: contract.UnitDevice, Start: c.Start, Trial: cc.trial}
	if cc.price != "" {
		p.UnitPrice = usd(t, cc.price)
	}
	if cc.partStart != "" {
		p.Start = day(t, cc.partStart)
	}
	if cc.partEnd != "" {
		p.End = day(t, cc.partEnd)
	}
	if cc.discount != "" {
		p.DiscountPercent = dec(t, cc.discount)
	}
	qs := cc.quantities
	if qs == nil {
		qs = [][2]string{{p.Start.String(), "10"}}
	}
	for _, q := range qs {
		p.Quantities = append(p.Quantities, contract.Quantity{From: day(t, q[0]), Quantity: dec(t, q[1])})
	}
	return c, p
}

// duePeriod returns the due period of the part's schedule that starts on first.
func duePeriod(t *testing.T, c contract.Contract, p contract.Part, run, first string) contract.DuePeriod {
	t.Helper()
	due, err := c.Schedule.Due(p.Served(c), c.Timing, psa.Date{}, day(t, run))
	require.NoError(t, err)
	for _, d := range due {
		if d.Period.Start == day(t, first) {
			return d
		}
	}
	t.Fatalf("no period starting %s is due on %s: %v", first, run, due)
	return contract.DuePeriod{}
}

// TestPartCharge computes what a part costs for one due billing period.
func TestPartCharge(t *testing.T) {
	tests := []struct {
		name         string
		cc           chargeCase
		run, period  string // run date and first day of the billing period charged
		want         string // USD
		wantProrated bool
		explains     []string // text the explanation must show
	}{
		{"mid-month start in advance is prorated",
			chargeCase{start: "2026-01-15", end: "2026-12-31", price: "30.00"}, "2026-01-15", "2026-01-01",
			"164.52", true, []string{"2026-01-15..2026-01-31", "10 x 30.00 USD", "17/31 days", "164.52 USD"}},
		{"start on the 1st is not prorated",
			chargeCase{start: "2026-02-01", end: "2026-12-31", price: "30.00"}, "2026-02-01", "2026-02-01",
			"300.00", false, []string{"2026-02-01..2026-02-28", "whole period"}},
		{"a later whole month of a mid-month start",
			chargeCase{start: "2026-01-15", end: "2026-12-31", price: "30.00"}, "2026-02-01", "2026-02-01",
			"300.00", false, nil},
		{"a trial part costs nothing",
			chargeCase{start: "2026-02-01", end: "2026-12-31", price: "30.00", trial: true}, "2026-02-01", "2026-02-01",
			"0.00", false, nil},
		{"10% discount",
			chargeCase{start: "2026-02-01", end: "2026-12-31", price: "30.00", discount: "10"}, "2026-02-01", "2026-02-01",
			"270.00", false, nil},
		{"100% discount",
			chargeCase{start: "2026-02-01", end: "2026-12-31", price: "30.00", discount: "100"}, "2026-02-01", "2026-02-01",
			"0.00", false, nil},
		{"discount rounds once",
			chargeCase{start: "2026-02-01", end: "2026-12-31", price: "9.99", discount: "15", quantities: [][2]string{{"2026-02-01", "1"}}}, "2026-02-01", "2026-02-01",
			"8.49", false, nil},
		{"open-ended part is charged normally",
			chargeCase{start: "2026-01-01", price: "30.00"}, "2026-03-01", "2026-03-01",
			"300.00", false, nil},
		{"open-ended part starting mid-month",
			chargeCase{start: "2026-01-01", partStart: "2026-03-11", price: "31.00"}, "2026-03-11", "2026-03-01",
			"210.00", true, []string{"21/31 days"}},
		{"part ending mid-period",
			chargeCase{start: "2026-01-01", end: "2026-12-31", partEnd: "2026-02-14", price: "30.00"}, "2026-02-01", "2026-02-01",
			"150.00", true, []string{"14/28 days"}},
		{"contract ending mid-period",
			chargeCase{start: "2026-01-01", end: "2026-02-07", price: "28.00"}, "2026-02-01", "2026-02-01",
			"70.00", true, nil},
		{"quantity change inside the period",
			chargeCase{start: "2026-01-01", end: "2026-12-31", price: "30.00", quantities: [][2]string{{"2026-01-01", "10"}, {"2026-02-15", "20"}}}, "2026-02-01", "2026-02-01",
			"450.00", true, []string{"2026-02-01..2026-02-14: 10 x", "2026-02-15..2026-02-28: 20 x"}},
		{"quarterly, starting inside the quarter",
			chargeCase{start: "2026-02-15", end: "2026-12-31", cycle: contract.Quarterly, price: "300.00", quantities: [][2]string{{"2026-02-15", "1"}}}, "2026-02-15", "2026-01-01",
			"150.00", true, []string{"45/90 days"}},
		{"in arrears, once the period has ended",
			chargeCase{start: "2026-01-15", end: "2026-12-31", timing: contract.InArrears, price: "30.00"}, "2026-02-01", "2026-01-01",
			"164.52", true, nil},
		{"30/360 day count",
			chargeCase{start: "2026-01-15", end: "2026-12-31", dayCount: contract.Thirty360, price: "30.00"}, "2026-01-15", "2026-01-01",
			"160.00", true, []string{"16/30 days (30E/360)"}},
		{"half a cent rounds half-up by default",
			chargeCase{start: "2026-01-16", end: "2026-12-31", dayCount: contract.Thirty360, price: "0.05", quantities: [][2]string{{"2026-01-16", "1"}}}, "2026-01-16", "2026-01-01",
			"0.03", true, nil},
		{"half a cent rounds half-even on request",
			chargeCase{start: "2026-01-16", end: "2026-12-31", dayCount: contract.Thirty360, rounding: psa.RoundHalfEven, price: "0.05", quantities: [][2]string{{"2026-01-16", "1"}}}, "2026-01-16", "2026-01-01",
			"0.02", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, p := tt.cc.build(t)
			due := duePeriod(t, c, p, tt.run, tt.period)
			got, err := contract.PartCharge(c, p, due)
			require.NoError(t, err)
			diff(t, usd(t, tt.want), got.Amount, "charge")
			require.Equal(t, tt.wantProrated, got.Prorated, "prorated")
			diff(t, due.Period, got.Period, "billing period")
			explain := got.Explain()
			for _, s := range tt.explains {
				if !strings.Contains(explain, s) {
					t.Errorf("explanation does not show %q:\n%s", s, explain)
				}
			}
		})
	}
}

// TestPartChargeWholePeriodIsExact: a part served for a whole period at one quantity costs
// exactly price x quantity, in every month length.
func TestPartChargeWholePeriodIsExact(t *testing.T) {
	for _, first := range []string{"2026-01-01", "2026-02-01", "2024-02-01", "2026-04-01"} {
		t.Run(first, func(t *testing.T) {
			c, p := chargeCase{start: first, price: "33.33", quantities: [][2]string{{first, "7"}}}.build(t)
			got, err := contract.PartCharge(c, p, duePeriod(t, c, p, first, first))
			require.NoError(t, err)
			diff(t, usd(t, "233.31"), got.Amount, "charge")
			require.True(t, got.Exact.Equal(dec(t, "233.31")), "exact charge %s", got.Exact)
			require.False(t, got.Prorated)
		})
	}
}

// TestPartChargeRefused: an unpriced part has no charge yet; a period outside the part's
// service is invalid.
func TestPartChargeRefused(t *testing.T) {
	t.Run("unpriced part", func(t *testing.T) {
		c, p := chargeCase{start: "2026-01-01"}.build(t)
		p.ID = psa.PartID{UUID: serviceID(5).UUID}
		_, err := contract.PartCharge(c, p, contract.DuePeriod{Period: period(t, "2026-01-01", "2026-01-31"), Served: period(t, "2026-01-01", "2026-01-31")})
		pe := precondition(t, err)
		require.Equal(t, p.ID.String(), pe.ID)
	})
	t.Run("period before the part", func(t *testing.T) {
		c, p := chargeCase{start: "2026-01-01", partStart: "2026-03-01", price: "30.00"}.build(t)
		_, err := contract.PartCharge(c, p, contract.DuePeriod{Period: period(t, "2026-01-01", "2026-01-31"), Served: period(t, "2026-01-01", "2026-01-31")})
		diff(t, []string{"period=2026-01-01..2026-01-31"}, invalid(t, err, "contract part"), "invalid fields")
	})
	t.Run("period after the contract", func(t *testing.T) {
		c, p := chargeCase{start: "2026-01-01", end: "2026-06-30", price: "30.00"}.build(t)
		_, err := contract.PartCharge(c, p, contract.DuePeriod{Period: period(t, "2026-07-01", "2026-07-31"), Served: period(t, "2026-07-01", "2026-07-31")})
		diff(t, []string{"period=2026-07-01..2026-07-31"}, invalid(t, err, "contract part"), "invalid fields")
	})
}

// TestPartChargeTrialExplainSaysTrial: PartCharge's documentation says "A trial part costs
// nothing, and says so. The result's explanation is what an invoice line prints."
func TestPartChargeTrialExplainSaysTrial(t *testing.T) {
	c, p := chargeCase{start: "2026-02-01", price: "30.00", trial: true}.build(t)
	got, err := contract.PartCharge(c, p, duePeriod(t, c, p, "2026-02-01", "2026-02-01"))
	require.NoError(t, err)
	diff(t, usd(t, "0"), got.Amount, "charge")
	if !strings.Contains(strings.ToLower(got.Explain()), "trial") {
		t.Errorf("the charge of a trial part does not say it is a trial:\n%s", got.Explain())
	}
}

// TestPartChargeOfStoredContract charges a part as the service stores it: a contract created
// mid-month with defaults, in advance.
func TestPartChargeOfStoredContract(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2026-03-16", ""),
		Parts: []contract.NewPart{priced(t, "Workstations", "31.00", 10)}})
	p, err := e.svc.ChangeQuantity(t.Context(), parts[0].ID, parts[0].Version, day(t, "2026-03-26"), dec(t, "20"))
	require.NoError(t, err)
	due, err := c.Schedule.Due(p.Served(c), c.Timing, psa.Date{}, day(t, "2026-03-20"))
	require.NoError(t, err)
	require.Len(t, due, 1)
	diff(t, contract.DuePeriod{Period: period(t, "2026-03-01", "2026-03-31"), Served: period(t, "2026-03-16", "2026-03-31")}, due[0], "first due period")
	got, err := contract.PartCharge(c, p, due[0])
	require.NoError(t, err)
	// 31.00 x (10 x 10 days + 20 x 6 days) / 31 = 220.00
	diff(t, usd(t, "220.00"), got.Amount, "first charge")
}

// TestAnnualSeatSubscription: seed 003's annual seat-based subscription is a fixed-price contract
// for twelve months whose bill amount is seats x price, with one seat part.
func TestAnnualSeatSubscription(t *testing.T) {
	tests := []struct {
		start, last string
		seats       int64
		price, bill string
	}{
		{"2026-03-15", "2027-03-14", 25, "12.00", "300.00"},
		{"2026-01-01", "2026-12-31", 1, "99.99", "99.99"},
		{"2026-01-31", "2027-01-30", 3, "10.50", "31.50"},
	}
	for _, tt := range tests {
		t.Run(tt.start, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			in := contract.AnnualSeatSubscription(cl.ID, "Microsoft 365", day(t, tt.start), tt.seats, usd(t, tt.price))
			want := contract.NewContract{ClientID: cl.ID,
				Terms: contract.Terms{Name: "Microsoft 365", Type: contract.FixedPrice, Start: day(t, tt.start), End: day(t, tt.last), BillAmount: usd(t, tt.bill)},
				Parts: []contract.NewPart{{Description: "Microsoft 365 seats", UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(tt.seats), UnitPrice: usd(t, tt.price)}},
			}
			diff(t, want, in, "subscription input")

			c, parts := e.create(t, in)
			require.Equal(t, contract.StatusActive, c.Status)
			require.Equal(t, contract.FixedPrice, c.Type)
			require.Len(t, parts, 1)
			diff(t, usd(t, tt.bill), e.get(t, c.ID).Remaining(), "remaining amount before billing")
		})
	}
}

// TestRemaining is the amount of a fixed-price contract not yet billed (seed 004).
func TestRemaining(t *testing.T) {
	tests := []struct {
		name   string
		amount psa.Money
		billed psa.Money
		want   psa.Money
	}{
		{"nothing billed", usd(t, "1000.00"), usd(t, "0"), usd(t, "1000.00")},
		{"billed not started", usd(t, "1000.00"), psa.Money{}, usd(t, "1000.00")},
		{"partly billed", usd(t, "1000.00"), usd(t, "250.50"), usd(t, "749.50")},
		{"fully billed", usd(t, "1000.00"), usd(t, "1000.00"), usd(t, "0")},
		{"no bill amount", psa.Money{}, usd(t, "0"), usd(t, "0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := contract.Contract{Currency: usd(t, "0").Currency(), Terms: contract.Terms{Type: contract.FixedPrice, BillAmount: tt.amount}, Billed: tt.billed}
			diff(t, tt.want, c.Remaining(), "remaining")
		})
	}
}

// TestOnboardingCheck decides the contract step of the onboarding checklist: missing without a
// contract, missing with only a draft, done with an active contract.
func TestOnboardingCheck(t *testing.T) {
	tests := []struct {
		name      string
		contracts func(t *testing.T, e *env, id psa.ClientID)
		want      client.StepStatus
		reason    string // the reason must mention it
	}{
		{"no contract", func(*testing.T, *env, psa.ClientID) {}, client.StatusMissing, "no contract"},
		{"only a draft", func(t *testing.T, e *env, id psa.ClientID) {
			e.create(t, contract.NewContract{ClientID: id, Terms: recurring(t, "M", "2026-01-01", ""), Parts: []contract.NewPart{unpriced("W", 1)}})
		}, client.StatusMissing, "draft"},
		{"only an expired contract", func(t *testing.T, e *env, id psa.ClientID) {
			e.create(t, contract.NewContract{ClientID: id, Terms: recurring(t, "M", "2025-01-01", "2025-12-31")})
			_, err := e.svc.ExpireEnded(t.Context())
			require.NoError(t, err)
		}, client.StatusMissing, "no contract"},
		{"an active contract", func(t *testing.T, e *env, id psa.ClientID) {
			e.create(t, contract.NewContract{ClientID: id, Terms: recurring(t, "M", "2026-01-01", ""), Parts: []contract.NewPart{unpriced("W", 1)}})
			e.create(t, contract.NewContract{ClientID: id, Terms: recurring(t, "M", "2026-01-01", ""), Parts: []contract.NewPart{priced(t, "W", "1.00", 1)}})
		}, client.StatusDone, "1 active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			other := e.customer(t, "Other", "USD")
			e.create(t, contract.NewContract{ClientID: other.ID, Terms: recurring(t, "Theirs", "2026-01-01", "")})
			tt.contracts(t, e, cl.ID)

			list := client.NewChecklist()
			require.NoError(t, list.SetCheck(client.StepContract, contract.OnboardingCheck(e.svc)))
			rep, err := e.clients.Onboarding(t.Context(), cl.ID, list)
			require.NoError(t, err)
			var step *client.StepReport
			for i := range rep.Steps {
				if rep.Steps[i].ID == client.StepContract {
					step = &rep.Steps[i]
				}
			}
			require.NotNil(t, step)
			require.Equal(t, tt.want, step.Status, "status (reason %q)", step.Reason)
			require.Contains(t, step.Reason, tt.reason)
		})
	}
}
