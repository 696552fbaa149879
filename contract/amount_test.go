package contract_test

import (
	"math/rand/v2"
	"strings"
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
		if u, ok := contract.PartMinorUnits(k, p, due); ok {
			if werr != nil {
				t.Fatalf("case %d: PartMinorUnits %d where PartCharge fails: %v", i, u, werr)
			}
			if want, err := want.Amount.MinorUnits(); err != nil || want != u {
				t.Fatalf("case %d: PartMinorUnits %d, PartCharge %d (%v)", i, u, want, err)
			}
		}
		if werr == nil {
			if got, ref := want.Explain(), explainReference(want); got != ref {
				t.Fatalf("case %d: Explain\n%s\nwant\n%s", i, got, ref)
			}
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

// explainReference is ChargeResult.Explain as first written, with decimal arithmetic and string
// concatenation: the text Explain must keep giving.
func explainReference(r contract.ChargeResult) string {
	var b strings.Builder
	cur := r.Amount.Currency()
	scale := psa.MinorUnitScale(cur)
	share := func(num decimal.Decimal) (decimal.Decimal, bool) {
		if r.PeriodDays <= 0 {
			return decimal.Zero, num.IsZero()
		}
		d := decimal.NewFromInt(int64(r.PeriodDays))
		q, rem := num.QuoRem(d, scale)
		if rem.Sign() != 0 {
			abs := rem.Abs()
			half := abs.Add(abs).Cmp(decimal.New(int64(r.PeriodDays), -scale))
			if half > 0 || half == 0 && (r.Rounding != psa.RoundHalfEven || q.Coefficient().Bit(0) == 1) {
				unit := decimal.New(1, -scale)
				if num.Sign() < 0 {
					q = q.Sub(unit)
				} else {
					q = q.Add(unit)
				}
			}
		}
		return q, q.Mul(d).Equal(num)
	}
	text := func(d decimal.Decimal) string {
		m, err := psa.NewMoney(d, cur)
		if err != nil {
			return "?"
		}
		return m.Amount().StringFixed(max(scale, -min(d.Exponent(), 0))) + " " + cur.String()
	}
	if len(r.Lines) == 0 {
		b.WriteString("no service in " + r.Period.String() + "\n")
	}
	var num decimal.Decimal
	for _, l := range r.Lines {
		num = num.Add(l.Numerator.Amount())
		b.WriteString(l.Served.String() + ": " + l.Quantity.String() + " x " + text(r.UnitPrice.Amount()))
		sh, exact := share(l.Numerator.Amount())
		switch {
		case !r.Prorated && len(r.Lines) == 1:
			b.WriteString(", whole period")
		case r.DayCount == contract.Thirty360:
			b.WriteString(" x " + l.Fraction.String() + " days (30E/360)")
		default:
			b.WriteString(" x " + l.Fraction.String() + " days")
		}
		if exact {
			b.WriteString(" = ")
		} else {
			b.WriteString(" ≈ ")
		}
		b.WriteString(text(sh) + "\n")
	}
	b.WriteString("charge " + text(r.Amount.Amount()) + " (")
	_, exact := share(num)
	switch {
	case !r.Prorated && exact:
		b.WriteString("whole period, not prorated)")
	case !r.Prorated:
		b.WriteString("whole period, not prorated; rounded " + r.Rounding.String() + " once)")
	case exact:
		b.WriteString("exact)")
	default:
		b.WriteString("rounded " + r.Rounding.String() + " once)")
	}
	for _, n := range r.Notes {
		b.WriteString("\n" + n)
	}
	return b.String()
}
