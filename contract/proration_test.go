package contract

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// ruleMoneyCmp makes cmp.Diff compare Money by value (same currency, numerically equal amount)
// and decimals numerically.
var ruleMoneyCmp = cmp.Options{
	cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
}

func ruleMoney(t testing.TB, amount, code string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(amount, code)
	require.NoError(t, err)
	return m
}

func ruleDec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	require.NoError(t, err)
	return d
}

// ruleSeg is a segment from first through last at quantity q.
func ruleSeg(t testing.TB, first, last, q string) Segment {
	t.Helper()
	return Segment{Served: rulePeriod(t, first, last), Quantity: ruleDec(t, q)}
}

// ruleExact returns the exact charge of in as a fraction, computed independently of Charge:
// sum of price x quantity x days over the denominator, with big.Rat.
func ruleExact(in ChargeInput, days []int, den int) *big.Rat {
	sum := new(big.Rat)
	price := in.UnitPrice.Amount().Rat()
	for i, s := range in.Segments {
		term := new(big.Rat).Mul(price, s.Quantity.Rat())
		term.Mul(term, new(big.Rat).SetInt64(int64(days[i])))
		sum.Add(sum, term)
	}
	return sum.Quo(sum, new(big.Rat).SetInt64(int64(den)))
}

// ruleRound rounds x to scale decimals in mode with big.Rat arithmetic: the oracle for Charge.
func ruleRound(x *big.Rat, scale int32, mode psa.RoundingMode) decimal.Decimal {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	n := new(big.Int).Mul(x.Num(), p)
	q, r := new(big.Int).QuoRem(n, x.Denom(), new(big.Int)) // truncated toward zero
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	switch c := twice.Cmp(x.Denom()); {
	case c > 0, c == 0 && (mode == psa.RoundHalfUp || q.Bit(0) == 1):
		if x.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(q, -scale)
}

// ruleIsHalf reports whether x is exactly halfway between two multiples of 10^-scale.
func ruleIsHalf(x *big.Rat, scale int32) bool {
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	y.Mul(y, big.NewRat(2, 1)) // x x 10^scale x 2 is an odd integer
	return y.IsInt() && y.Num().Bit(0) == 1
}

func TestServedDays(t *testing.T) {
	tests := []struct {
		name         string
		p            psa.Period
		actual, e360 int
	}{
		{"31-day month", rulePeriod(t, "2026-01-01", "2026-01-31"), 31, 30},
		{"30-day month", rulePeriod(t, "2026-04-01", "2026-04-30"), 30, 30},
		{"common February", rulePeriod(t, "2026-02-01", "2026-02-28"), 28, 30},
		{"leap February", rulePeriod(t, "2024-02-01", "2024-02-29"), 29, 30},
		{"mid-January to the 31st: the 31st counts as the 30th", rulePeriod(t, "2026-01-15", "2026-01-31"), 17, 16},
		{"mid-February to its end: the 28th counts as the 30th", rulePeriod(t, "2026-02-15", "2026-02-28"), 14, 16},
		{"mid-February to its end in a leap year", rulePeriod(t, "2024-02-15", "2024-02-29"), 15, 16},
		{"mid-April to its end", rulePeriod(t, "2026-04-16", "2026-04-30"), 15, 15},
		{"the 31st alone", rulePeriod(t, "2026-01-31", "2026-01-31"), 1, 1},
		{"the 30th of a 31-day month alone", rulePeriod(t, "2026-01-30", "2026-01-30"), 1, 0},
		{"the last day of a common February alone", rulePeriod(t, "2026-02-28", "2026-02-28"), 1, 1},
		{"the day before it absorbs the missing days", rulePeriod(t, "2026-02-27", "2026-02-27"), 1, 3},
		{"first half of a month", rulePeriod(t, "2026-03-01", "2026-03-15"), 15, 15},
		{"across a month end", rulePeriod(t, "2026-01-20", "2026-02-10"), 22, 21},
		{"a quarter", rulePeriod(t, "2026-01-01", "2026-03-31"), 90, 90},
		{"a leap quarter", rulePeriod(t, "2024-01-01", "2024-03-31"), 91, 90},
		{"anniversary month anchored on the 31st", rulePeriod(t, "2026-01-31", "2026-02-27"), 28, 30},
		{"anniversary month Feb 28 to Mar 30", rulePeriod(t, "2026-02-28", "2026-03-30"), 31, 30},
		{"anniversary month anchored on the 30th", rulePeriod(t, "2026-03-30", "2026-04-29"), 31, 30},
		{"a leap year", rulePeriod(t, "2024-01-01", "2024-12-31"), 366, 360},
		{"empty", psa.Period{}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.actual, ServedDays(tt.p, ActualDays), "actual")
			require.Equal(t, tt.e360, ServedDays(tt.p, Thirty360), "30/360")
		})
	}
}

// TestServedDays30360Additive checks that 30/360 counts add up: for random cuts of a random
// stretch the pieces sum to the whole, and whole calendar months count 30.
func TestServedDays30360Additive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		start := psa.NewDate(1999+r.IntN(103), time.Month(1+r.IntN(12)), 1+r.IntN(31))
		end := start.AddDays(1 + r.IntN(800))
		cut := start.AddDays(r.IntN(psa.DaysBetween(start, end) + 1))
		whole := ServedDays(psa.Period{Start: start, End: end}, Thirty360)
		a := ServedDays(psa.Period{Start: start, End: cut}, Thirty360)
		b := ServedDays(psa.Period{Start: cut, End: end}, Thirty360)
		require.Equal(t, whole, a+b, "%s %s %s", start, cut, end)
		require.GreaterOrEqual(t, a, 0)
		months := psa.Period{Start: start.FirstOfMonth(), End: start.FirstOfMonth().AddMonths(1 + r.IntN(24))}
		require.Equal(t, 30*(monthIndex(months.End)-monthIndex(months.Start)), ServedDays(months, Thirty360), "whole months from %s", months.Start)
	}
}

func TestPeriodDays(t *testing.T) {
	calendar := func(c Cycle) Schedule { return Schedule{Cycle: c, Alignment: AlignCalendar} }
	tests := []struct {
		name         string
		s            Schedule
		date         string
		actual, e360 int
	}{
		{"January", calendar(Monthly), "2026-01-10", 31, 30},
		{"common February", calendar(Monthly), "2026-02-10", 28, 30},
		{"leap February", calendar(Monthly), "2024-02-10", 29, 30},
		{"April", calendar(Monthly), "2026-04-10", 30, 30},
		{"Q1 common year", calendar(Quarterly), "2026-02-10", 90, 90},
		{"Q1 leap year", calendar(Quarterly), "2024-02-10", 91, 90},
		{"Q2", calendar(Quarterly), "2026-05-10", 91, 90},
		{"Q3", calendar(Quarterly), "2026-08-10", 92, 90},
		{"Q4", calendar(Quarterly), "2026-11-10", 92, 90},
		{"H1 common year", calendar(SemiAnnual), "2026-03-10", 181, 180},
		{"H1 leap year", calendar(SemiAnnual), "2024-03-10", 182, 180},
		{"H2", calendar(SemiAnnual), "2026-09-10", 184, 180},
		{"common year", calendar(Annual), "2026-09-10", 365, 360},
		{"leap year", calendar(Annual), "2024-09-10", 366, 360},
		{"anchor 31 monthly, into February", Schedule{Cycle: Monthly, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2026-01-31")}, "2026-02-10", 28, 30},
		{"anchor Feb 29 annual, to leap 2028", Schedule{Cycle: Annual, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2024-02-29")}, "2027-06-10", 366, 360},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.s.PeriodOf(ruleDate(t, tt.date))
			require.NoError(t, err)
			require.Equal(t, tt.actual, PeriodDays(p, tt.s.Cycle, ActualDays), "actual")
			require.Equal(t, tt.e360, PeriodDays(p, tt.s.Cycle, Thirty360), "30/360")
		})
	}
}

func TestCharge(t *testing.T) {
	jan := rulePeriod(t, "2026-01-01", "2026-01-31")
	feb := rulePeriod(t, "2026-02-01", "2026-02-28")
	tests := []struct {
		name     string
		in       ChargeInput
		amount   string // in the price's currency
		prorated bool
		days     []int // served days per segment
		pd       int
	}{
		{"whole month at one quantity: price x quantity", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-31", "10")}}, "300.00", false, []int{31}, 31},
		{"start on the anchor: whole anniversary period", ChargeInput{Period: rulePeriod(t, "2026-01-31", "2026-02-27"), UnitPrice: ruleMoney(t, "19.99", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-31", "2026-02-27", "7")}}, "139.93", false, []int{28}, 28},
		{"whole period at a price with more decimals: rounded once", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "0.1251", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-31", "1")}}, "0.13", false, []int{31}, 31},
		{"mid-month start, 31-day month", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-15", "2026-01-31", "10")}}, "164.52", true, []int{17}, 31},
		{"mid-month start, 28-day February", ChargeInput{Period: feb, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-15", "2026-02-28", "10")}}, "150.00", true, []int{14}, 28},
		{"mid-month start, 29-day February", ChargeInput{Period: rulePeriod(t, "2024-02-01", "2024-02-29"), UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2024-02-15", "2024-02-29", "10")}}, "155.17", true, []int{15}, 29},
		{"mid-month start, 30-day month", ChargeInput{Period: rulePeriod(t, "2026-04-01", "2026-04-30"), UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-04-16", "2026-04-30", "10")}}, "150.00", true, []int{15}, 30},
		{"part stops mid-month", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "31.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-10", "2")}}, "20.00", true, []int{10}, 31},
		{"quarter of 90 days", ChargeInput{Period: rulePeriod(t, "2026-01-01", "2026-03-31"), UnitPrice: ruleMoney(t, "900.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-03-01", "2026-03-31", "1")}}, "310.00", true, []int{31}, 90},
		{"quarter of 91 days", ChargeInput{Period: rulePeriod(t, "2024-01-01", "2024-03-31"), UnitPrice: ruleMoney(t, "910.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2024-02-01", "2024-03-31", "1")}}, "600.00", true, []int{60}, 91},
		{"quarter of 92 days", ChargeInput{Period: rulePeriod(t, "2026-07-01", "2026-09-30"), UnitPrice: ruleMoney(t, "920.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-09-01", "2026-09-30", "1")}}, "300.00", true, []int{30}, 92},
		{"half-year of 181 days", ChargeInput{Period: rulePeriod(t, "2026-01-01", "2026-06-30"), UnitPrice: ruleMoney(t, "1810.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-06-01", "2026-06-30", "1")}}, "300.00", true, []int{30}, 181},
		{"half-year of 182 days", ChargeInput{Period: rulePeriod(t, "2024-01-01", "2024-06-30"), UnitPrice: ruleMoney(t, "1820.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2024-06-01", "2024-06-30", "1")}}, "300.00", true, []int{30}, 182},
		{"half-year of 184 days", ChargeInput{Period: rulePeriod(t, "2026-07-01", "2026-12-31"), UnitPrice: ruleMoney(t, "1840.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-12-01", "2026-12-31", "1")}}, "310.00", true, []int{31}, 184},
		{"year of 365 days", ChargeInput{Period: rulePeriod(t, "2026-01-01", "2026-12-31"), UnitPrice: ruleMoney(t, "365.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-12-01", "2026-12-31", "1")}}, "31.00", true, []int{31}, 365},
		{"year of 366 days", ChargeInput{Period: rulePeriod(t, "2024-01-01", "2024-12-31"), UnitPrice: ruleMoney(t, "366.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2024-12-01", "2024-12-31", "1")}}, "31.00", true, []int{31}, 366},
		{"quantity change mid-period, two segments rounded once", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "1.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-15", "1"), ruleSeg(t, "2026-01-16", "2026-01-31", "2")}}, "1.52", true, []int{15, 16}, 31},
		{"whole period in two segments at one quantity is not prorated", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "9.99", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-16", "2026-01-31", "3"), ruleSeg(t, "2026-01-01", "2026-01-15", "3")}}, "29.97", false, []int{16, 15}, 31},
		{"quantity 0 costs nothing", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-31", "0")}}, "0.00", false, []int{31}, 31},
		{"no segment costs nothing", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.00", "USD")}, "0.00", true, []int{}, 31},
		{"fractional quantity", ChargeInput{Period: feb, UnitPrice: ruleMoney(t, "100.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-08", "2026-02-28", "2.5")}}, "187.50", true, []int{21}, 28},
		{"credit: negative price", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "-30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-15", "2026-01-31", "10")}}, "-164.52", true, []int{17}, 31},
		{"JPY has no minor unit", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "3000", "JPY"),
			Segments: []Segment{ruleSeg(t, "2026-01-15", "2026-01-31", "1")}}, "1645", true, []int{17}, 31},
		{"BHD has three decimals", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.000", "BHD"),
			Segments: []Segment{ruleSeg(t, "2026-01-15", "2026-01-31", "1")}}, "16.452", true, []int{17}, 31},
		{"30/360: whole February counts 30", ChargeInput{Period: feb, Cycle: Monthly, DayCount: Thirty360, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-01", "2026-02-28", "1")}}, "30.00", false, []int{30}, 30},
		{"30/360: second half of February counts 16", ChargeInput{Period: feb, Cycle: Monthly, DayCount: Thirty360, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-15", "2026-02-28", "1")}}, "16.00", true, []int{16}, 30},
		{"30/360: January from the 15th counts 16, the 31st as the 30th", ChargeInput{Period: jan, Cycle: Monthly, DayCount: Thirty360, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-15", "2026-01-31", "1")}}, "16.00", true, []int{16}, 30},
		{"30/360: a whole quarter counts 90", ChargeInput{Period: rulePeriod(t, "2024-01-01", "2024-03-31"), Cycle: Quarterly, DayCount: Thirty360, UnitPrice: ruleMoney(t, "90.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2024-01-01", "2024-02-14", "1"), ruleSeg(t, "2024-02-15", "2024-03-31", "1")}}, "90.00", false, []int{44, 46}, 90},
		{"30/360: quarter from Feb 15", ChargeInput{Period: rulePeriod(t, "2026-01-01", "2026-03-31"), Cycle: Quarterly, DayCount: Thirty360, UnitPrice: ruleMoney(t, "90.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-15", "2026-03-31", "1")}}, "46.00", true, []int{46}, 90},
		{"30/360: anchor-31 period from Jan 31 to Feb 27 counts 30", ChargeInput{Period: rulePeriod(t, "2026-01-31", "2026-02-27"), Cycle: Monthly, DayCount: Thirty360, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-31", "2026-02-14", "1"), ruleSeg(t, "2026-02-15", "2026-02-27", "2")}}, "45.00", true, []int{15, 15}, 30},
		{"30/360: anchor-28 period through common February is kept to 30", ChargeInput{Period: rulePeriod(t, "2026-01-28", "2026-02-27"), Cycle: Monthly, DayCount: Thirty360, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-28", "2026-02-25", "1"), ruleSeg(t, "2026-02-26", "2026-02-27", "2")}}, "32.00", true, []int{28, 2}, 30},
		{"30/360: annual", ChargeInput{Period: rulePeriod(t, "2024-01-01", "2024-12-31"), Cycle: Annual, DayCount: Thirty360, UnitPrice: ruleMoney(t, "360.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2024-07-01", "2024-12-31", "1")}}, "180.00", true, []int{180}, 360},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []psa.RoundingMode{psa.RoundHalfUp, psa.RoundHalfEven} {
				in := tt.in
				in.Rounding = mode
				got, err := Charge(in)
				require.NoError(t, err)
				want := ruleMoney(t, tt.amount, in.UnitPrice.Currency().String())
				if diff := cmp.Diff(want, got.Amount, ruleMoneyCmp); diff != "" {
					t.Errorf("%s: amount (-want +got):\n%s", mode, diff)
				}
				require.True(t, got.Amount.IsRounded(), "amount %s is rounded", got.Amount)
				require.Equal(t, tt.prorated, got.Prorated, "prorated")
				require.Equal(t, tt.pd, got.PeriodDays, "period days")
				require.Len(t, got.Lines, len(tt.days))
				for i, l := range got.Lines {
					require.Equal(t, tt.days[i], l.ServedDays, "served days of line %d", i)
					require.Equal(t, Fraction{tt.days[i], tt.pd}, l.Fraction)
				}
				// The oracle: the exact sum rounded once, with big.Rat.
				oracle := ruleRound(ruleExact(in, tt.days, tt.pd), psa.MinorUnitScale(in.UnitPrice.Currency()), mode)
				require.True(t, oracle.Equal(got.Amount.Amount()), "oracle %s, got %s", oracle, got.Amount)
			}
		})
	}
}

// TestChargeRoundsOnce shows a quantity change mid-period where rounding each segment and
// summing would give a different amount: the library adds the exact shares and rounds once.
func TestChargeRoundsOnce(t *testing.T) {
	in := ChargeInput{
		Period:    rulePeriod(t, "2026-01-01", "2026-01-31"),
		UnitPrice: ruleMoney(t, "1.00", "USD"),
		Segments:  []Segment{ruleSeg(t, "2026-01-01", "2026-01-15", "1"), ruleSeg(t, "2026-01-16", "2026-01-31", "2")},
	}
	r, err := Charge(in)
	require.NoError(t, err)

	perSegment := psa.ZeroMoney(currency.USD)
	for _, s := range in.Segments {
		one := in
		one.Segments = []Segment{s}
		c, err := Charge(one)
		require.NoError(t, err)
		perSegment, err = perSegment.Add(c.Amount)
		require.NoError(t, err)
	}
	// 15/31 = 0.4838... -> 0.48 and 32/31 = 1.0322... -> 1.03 sum to 1.51; 47/31 = 1.5161... -> 1.52.
	require.Equal(t, "1.51 USD", perSegment.String(), "rounding per segment")
	require.Equal(t, "1.52 USD", r.Amount.String(), "rounding once")
	require.Equal(t, "1.516129032258", r.Exact.String())
	if diff := cmp.Diff([]psa.Money{ruleMoney(t, "15", "USD"), ruleMoney(t, "32", "USD")},
		[]psa.Money{r.Lines[0].Numerator, r.Lines[1].Numerator}, ruleMoneyCmp); diff != "" {
		t.Errorf("numerators (-want +got):\n%s", diff)
	}
	pieces, err := SplitCharge(r)
	require.NoError(t, err)
	if diff := cmp.Diff([]psa.Money{ruleMoney(t, "0.49", "USD"), ruleMoney(t, "1.03", "USD")}, pieces, ruleMoneyCmp); diff != "" {
		t.Errorf("pieces (-want +got):\n%s", diff)
	}
}

// TestChargeHalves checks amounts exactly halfway between two minor units, in both modes, for
// positive and negative prices and for currencies of 0, 2 and 3 decimals. Each case is checked
// to be a genuine half (with big.Rat) before the charge is.
func TestChargeHalves(t *testing.T) {
	feb := rulePeriod(t, "2026-02-01", "2026-02-28")
	jan := rulePeriod(t, "2026-01-01", "2026-01-31")
	tests := []struct {
		name         string
		in           ChargeInput
		genuineHalf  bool
		up, even     string
		days         []int
		periodDaysOf int
	}{
		// 12.25 x 2 x 3/28 = 2.625
		{"2.625 USD", ChargeInput{Period: feb, UnitPrice: ruleMoney(t, "12.25", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-26", "2026-02-28", "2")}}, true, "2.63", "2.62", []int{3}, 28},
		{"-2.625 USD, a credit rounds symmetrically", ChargeInput{Period: feb, UnitPrice: ruleMoney(t, "-12.25", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-26", "2026-02-28", "2")}}, true, "-2.63", "-2.62", []int{3}, 28},
		// 12.25 x 2 x 1/28 = 0.875: half-even goes up to the even 0.88 too
		{"0.875 USD, even neighbour above", ChargeInput{Period: feb, UnitPrice: ruleMoney(t, "12.25", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-28", "2026-02-28", "2")}}, true, "0.88", "0.88", []int{1}, 28},
		// 0.155 x 1 x 1/31 = 0.005
		{"0.005 USD in a 31-day month", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "0.155", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-31", "2026-01-31", "1")}}, true, "0.01", "0.00", []int{1}, 31},
		{"-0.005 USD", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "-0.155", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-31", "2026-01-31", "1")}}, true, "-0.01", "0.00", []int{1}, 31},
		// 90.45 x 1 x 1/90 = 1.005
		{"1.005 USD in a 90-day quarter", ChargeInput{Period: rulePeriod(t, "2026-01-01", "2026-03-31"), UnitPrice: ruleMoney(t, "90.45", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-03-31", "2026-03-31", "1")}}, true, "1.01", "1.00", []int{1}, 90},
		// 0.07 x 1 x 14/28 + 0.07 x 2 x 14/28 = 0.105; per segment 0.035 -> 0.04 and 0.07
		{"0.105 USD from two segments", ChargeInput{Period: feb, UnitPrice: ruleMoney(t, "0.07", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-01", "2026-02-14", "1"), ruleSeg(t, "2026-02-15", "2026-02-28", "2")}}, true, "0.11", "0.10", []int{14, 14}, 28},
		// 1001 x 14/28 = 500.5
		{"500.5 JPY", ChargeInput{Period: feb, UnitPrice: ruleMoney(t, "1001", "JPY"),
			Segments: []Segment{ruleSeg(t, "2026-02-15", "2026-02-28", "1")}}, true, "501", "500", []int{14}, 28},
		// 1.001 x 14/28 = 0.5005
		{"0.5005 BHD", ChargeInput{Period: feb, UnitPrice: ruleMoney(t, "1.001", "BHD"),
			Segments: []Segment{ruleSeg(t, "2026-02-15", "2026-02-28", "1")}}, true, "0.501", "0.500", []int{14}, 28},
		// The whole period is not prorated, but a price with more decimals still rounds once.
		{"whole period 0.125 USD", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "0.125", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-31", "1")}}, true, "0.13", "0.12", []int{31}, 31},
		// Within 10^-30 of a half is not a half: rounding at a fixed precision would see one.
		{"just below 0.005 USD", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "0.154999999999999999999999999969", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-31", "2026-01-31", "1")}}, false, "0.00", "0.00", []int{1}, 31},
		{"just above 0.005 USD", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "0.155000000000000000000000000031", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-31", "2026-01-31", "1")}}, false, "0.01", "0.01", []int{1}, 31},
		{"just above -0.005 USD", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "-0.154999999999999999999999999969", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-31", "2026-01-31", "1")}}, false, "0.00", "0.00", []int{1}, 31},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scale := psa.MinorUnitScale(tt.in.UnitPrice.Currency())
			exact := ruleExact(tt.in, tt.days, tt.periodDaysOf)
			require.Equal(t, tt.genuineHalf, ruleIsHalf(exact, scale), "%s is a genuine half", exact.FloatString(40))
			for mode, want := range map[psa.RoundingMode]string{psa.RoundHalfUp: tt.up, psa.RoundHalfEven: tt.even} {
				in := tt.in
				in.Rounding = mode
				got, err := Charge(in)
				require.NoError(t, err)
				if diff := cmp.Diff(ruleMoney(t, want, in.UnitPrice.Currency().String()), got.Amount, ruleMoneyCmp); diff != "" {
					t.Errorf("%s (-want +got):\n%s", mode, diff)
				}
				require.Equal(t, mode, got.Rounding)
			}
		})
	}
}

func TestChargeInvalid(t *testing.T) {
	jan := rulePeriod(t, "2026-01-01", "2026-01-31")
	usd := ruleMoney(t, "30.00", "USD")
	tests := []struct {
		name   string
		in     ChargeInput
		fields []string
	}{
		{"empty period", ChargeInput{UnitPrice: usd}, []string{"period="}},
		{"no currency", ChargeInput{Period: jan, Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-31", "1")}}, []string{"unitPrice=0.00 XXX"}},
		{"unknown day count", ChargeInput{Period: jan, UnitPrice: usd, DayCount: "actual/365"}, []string{"dayCount=actual/365"}},
		{"30/360 needs the cycle", ChargeInput{Period: jan, UnitPrice: usd, DayCount: Thirty360}, []string{"cycle="}},
		{"30/360 period is not one of the cycle", ChargeInput{Period: rulePeriod(t, "2026-01-01", "2026-03-31"), Cycle: Monthly, UnitPrice: usd, DayCount: Thirty360},
			[]string{"period=2026-01-01..2026-03-31"}},
		{"unknown rounding mode", ChargeInput{Period: jan, UnitPrice: usd, Rounding: 7}, []string{"rounding=RoundingMode(7)"}},
		{"segment outside the period", ChargeInput{Period: jan, UnitPrice: usd,
			Segments: []Segment{ruleSeg(t, "2026-01-20", "2026-02-05", "1")}}, []string{"segments[0].served=2026-01-20..2026-02-05"}},
		{"empty segment", ChargeInput{Period: jan, UnitPrice: usd,
			Segments: []Segment{{Served: psa.Period{Start: ruleDate(t, "2026-01-05"), End: ruleDate(t, "2026-01-05")}, Quantity: decimal.NewFromInt(1)}}},
			[]string{"segments[0].served=[2026-01-05, 2026-01-05)"}},
		{"negative quantity", ChargeInput{Period: jan, UnitPrice: usd,
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-31", "-1")}}, []string{"segments[0].quantity=-1"}},
		{"overlapping segments", ChargeInput{Period: jan, UnitPrice: usd,
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-15", "1"), ruleSeg(t, "2026-01-15", "2026-01-31", "2")}},
			[]string{"segments[1].served=2026-01-15..2026-01-31"}},
		{"overlapping segments out of order", ChargeInput{Period: jan, UnitPrice: usd,
			Segments: []Segment{ruleSeg(t, "2026-01-20", "2026-01-31", "1"), ruleSeg(t, "2026-01-01", "2026-01-05", "1"), ruleSeg(t, "2026-01-03", "2026-01-25", "2")}},
			[]string{"segments[2].served=2026-01-03..2026-01-25"}},
		{"every rule", ChargeInput{DayCount: Thirty360, Cycle: "weekly", Rounding: -1,
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-15", "-2"), ruleSeg(t, "2026-01-10", "2026-01-31", "1")}},
			[]string{"period=", "unitPrice=0.00 XXX", "cycle=weekly", "rounding=RoundingMode(-1)", "segments[0].quantity=-2", "segments[1].served=2026-01-10..2026-01-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Charge(tt.in)
			ruleRequireInvalid(t, err, "charge", tt.fields...)
		})
	}
}

func TestChargeHugeExponents(t *testing.T) {
	in := ChargeInput{
		Period:    rulePeriod(t, "2026-01-01", "2026-01-31"),
		UnitPrice: ruleMoney(t, "1.00", "USD"),
		Segments:  []Segment{{Served: rulePeriod(t, "2026-01-01", "2026-01-31"), Quantity: decimal.New(1, -2_000_000_000)}},
	}
	_, err := Charge(in)
	ruleRequireInvalid(t, err, "charge", "segments[0].quantity=")

	// 5 written with 2000 trailing zeros: an exponent out of range that normalizes into it.
	in.Segments[0].Quantity = decimal.NewFromBigInt(new(big.Int).Mul(big.NewInt(5), new(big.Int).Exp(big.NewInt(10), big.NewInt(2000), nil)), -2000)
	r, err := Charge(in)
	require.NoError(t, err)
	require.Equal(t, "5.00 USD", r.Amount.String())
}

func TestExplain(t *testing.T) {
	jan := rulePeriod(t, "2026-01-01", "2026-01-31")
	tests := []struct {
		name string
		in   ChargeInput
		want string
	}{
		{"prorated first month", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-15", "2026-01-31", "10")}},
			"2026-01-15..2026-01-31: 10 x 30.00 USD x 17/31 days ≈ 164.52 USD\ncharge 164.52 USD (rounded half-up once)"},
		{"whole period", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-31", "10")}},
			"2026-01-01..2026-01-31: 10 x 30.00 USD, whole period = 300.00 USD\ncharge 300.00 USD (whole period, not prorated)"},
		{"whole period at a sub-cent price", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "0.125", "USD"), Rounding: psa.RoundHalfEven,
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-31", "1")}},
			"2026-01-01..2026-01-31: 1 x 0.125 USD, whole period ≈ 0.12 USD\ncharge 0.12 USD (whole period, not prorated; rounded half-even once)"},
		{"exact proration", ChargeInput{Period: rulePeriod(t, "2026-02-01", "2026-02-28"), UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-15", "2026-02-28", "2.5")}},
			"2026-02-15..2026-02-28: 2.5 x 30.00 USD x 14/28 days = 37.50 USD\ncharge 37.50 USD (exact)"},
		{"quantity change", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "1.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-15", "1"), ruleSeg(t, "2026-01-16", "2026-01-31", "2")}},
			"2026-01-01..2026-01-15: 1 x 1.00 USD x 15/31 days ≈ 0.48 USD\n2026-01-16..2026-01-31: 2 x 1.00 USD x 16/31 days ≈ 1.03 USD\ncharge 1.52 USD (rounded half-up once)"},
		{"30/360", ChargeInput{Period: jan, Cycle: Monthly, DayCount: Thirty360, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-15", "2026-01-31", "1")}},
			"2026-01-15..2026-01-31: 1 x 30.00 USD x 16/30 days (30E/360) = 16.00 USD\ncharge 16.00 USD (exact)"},
		{"no service", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.00", "USD")},
			"no service in 2026-01-01..2026-01-31\ncharge 0.00 USD (exact)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Charge(tt.in)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, r.Explain()); diff != "" {
				t.Errorf("Explain (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdjustment(t *testing.T) {
	period := rulePeriod(t, "2026-01-01", "2026-01-31")
	charge := func(segs ...Segment) ChargeResult {
		r, err := Charge(ChargeInput{Period: period, UnitPrice: ruleMoney(t, "30.00", "USD"), Segments: segs})
		require.NoError(t, err)
		return r
	}
	tests := []struct {
		name   string
		now    ChargeResult
		billed psa.Money
		want   string
	}{
		{"nothing billed yet (zero Money)", charge(ruleSeg(t, "2026-01-01", "2026-01-31", "10")), psa.Money{}, "300.00 USD"},
		{"nothing billed yet (0.00 USD)", charge(ruleSeg(t, "2026-01-01", "2026-01-31", "10")), ruleMoney(t, "0", "USD"), "300.00 USD"},
		{"unchanged", charge(ruleSeg(t, "2026-01-01", "2026-01-31", "10")), ruleMoney(t, "300.00", "USD"), "0.00 USD"},
		{"quantity up from the 15th: bill the difference", charge(ruleSeg(t, "2026-01-01", "2026-01-14", "10"), ruleSeg(t, "2026-01-15", "2026-01-31", "12")),
			ruleMoney(t, "300.00", "USD"), "32.90 USD"},
		{"cancelled from the 16th: credit", charge(ruleSeg(t, "2026-01-01", "2026-01-15", "10")), ruleMoney(t, "300.00", "USD"), "-154.84 USD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Adjustment(tt.now, tt.billed)
			require.NoError(t, err)
			require.Equal(t, tt.want, got.String())
			total, err := ruleAddBilled(tt.billed, got)
			require.NoError(t, err)
			require.True(t, total.Equal(tt.now.Amount), "billed + adjustment = fresh charge")
		})
	}

	_, err := Adjustment(charge(ruleSeg(t, "2026-01-01", "2026-01-31", "1")), ruleMoney(t, "30.00", "EUR"))
	mismatch, ok := errors.AsType[*psa.CurrencyMismatchError](err)
	require.True(t, ok, "error %v", err)
	require.Equal(t, currency.USD, mismatch.Left)
	require.ErrorIs(t, err, psa.ErrInvalid)
}

func TestSplitCharge(t *testing.T) {
	jan := rulePeriod(t, "2026-01-01", "2026-01-31")
	tests := []struct {
		name string
		in   ChargeInput
		want []string
	}{
		{"one segment gets all", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "30.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-15", "2026-01-31", "10")}}, []string{"164.52"}},
		{"largest remainder", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "1.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-15", "1"), ruleSeg(t, "2026-01-16", "2026-01-31", "2")}}, []string{"0.49", "1.03"}},
		{"equal remainders go to the earlier line", ChargeInput{Period: rulePeriod(t, "2026-02-01", "2026-02-28"), UnitPrice: ruleMoney(t, "0.05", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-02-01", "2026-02-07", "1"), ruleSeg(t, "2026-02-08", "2026-02-14", "1")}}, []string{"0.02", "0.01"}},
		{"a credit is split as its absolute value", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "-1.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-15", "1"), ruleSeg(t, "2026-01-16", "2026-01-31", "2")}}, []string{"-0.49", "-1.03"}},
		{"a zero-quantity segment gets zero", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "31.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-10", "0"), ruleSeg(t, "2026-01-11", "2026-01-31", "1")}}, []string{"0.00", "21.00"}},
		{"all zero", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "31.00", "USD"),
			Segments: []Segment{ruleSeg(t, "2026-01-01", "2026-01-10", "0"), ruleSeg(t, "2026-01-11", "2026-01-31", "0")}}, []string{"0.00", "0.00"}},
		{"no segment", ChargeInput{Period: jan, UnitPrice: ruleMoney(t, "31.00", "USD")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Charge(tt.in)
			require.NoError(t, err)
			got, err := SplitCharge(r)
			require.NoError(t, err)
			var want []psa.Money
			for _, a := range tt.want {
				want = append(want, ruleMoney(t, a, "USD"))
			}
			if diff := cmp.Diff(want, got, ruleMoneyCmp); diff != "" {
				t.Errorf("pieces (-want +got):\n%s", diff)
			}
		})
	}

	_, err := SplitCharge(ChargeResult{Amount: ruleMoney(t, "1.00", "USD")})
	ruleRequireInvalid(t, err, "charge", "amount=1.00 USD")
}

// propertyCases returns the number of cases of a property test: PSA_PROPERTY_CASES when set
// (RELIABILITY.md runs the large sizes with it), else def, a tenth of def with -short.
func propertyCases(t *testing.T, def int) int {
	if s := os.Getenv("PSA_PROPERTY_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "PSA_PROPERTY_CASES")
		return n
	}
	if testing.Short() {
		return max(def/10, 1)
	}
	return def
}

// TestChargeProperties runs random charges (random calendar or anniversary periods of random
// cycles in 1999-2101, random prices in three currencies, random quantity segments partitioning
// the period, both day counts and rounding modes) and checks that
//   - the amount is the exact sum rounded once: the exact numerator minus the amount times the
//     period's days is at most half a minor unit times the period's days, and a tie is rounded
//     as the mode says;
//   - SplitCharge's pieces sum exactly to the amount, each within one minor unit of its share
//     of it;
//   - the whole period at one quantity costs price x quantity, rounded, and is not prorated;
//   - recompute and diff: after any sequence of amounts billed for the period, the adjustment
//     makes the total billed equal the fresh charge.
//
// The checks are exact integer arithmetic on scratch big.Ints (ruleOracle), independent of
// Charge's division, and plain ifs rather than require, whose t.Helper calls would dominate the
// run time.
func TestChargeProperties(t *testing.T) {
	n := propertyCases(t, 100_000)
	// Four shards of fixed seeds, run in parallel.
	const shards = 4
	for shard := range shards {
		t.Run("shard "+strconv.Itoa(shard), func(t *testing.T) {
			t.Parallel()
			ruleChargeProperties(t, rand.New(rand.NewPCG(2026, uint64(shard))), n/shards)
		})
	}
}

// ruleChargeProperties checks n random charges drawn from r (see TestChargeProperties).
func ruleChargeProperties(t *testing.T, r *rand.Rand, n int) {
	cycles := []Cycle{Monthly, Quarterly, SemiAnnual, Annual}
	curs := []currency.Unit{currency.USD, currency.USD, currency.JPY, currency.MustParseISO("BHD")}
	// Tables of random prices (-5,000.0000 to 15,000.0000, 0 to 4 decimals) and quantities (0 to
	// 499, 0 or 1 decimal), so that the loop does not allocate them.
	prices := make([]decimal.Decimal, 4096)
	for i := range prices {
		prices[i] = decimal.New(r.Int64N(2_000_000)-500_000, -int32(r.IntN(5)))
	}
	quantities := make([]decimal.Decimal, 4096)
	for i := range quantities {
		quantities[i] = decimal.New(r.Int64N(500), -int32(r.IntN(2)))
	}
	quantity := func() decimal.Decimal { return quantities[r.IntN(len(quantities))] }
	var (
		o     ruleOracle
		segs  []Segment
		whole = make([]Segment, 1)
		ties  int
	)
	for i := range n {
		c := cycles[r.IntN(len(cycles))]
		d := psa.NewDate(1999+r.IntN(103), time.Month(1+r.IntN(12)), 1+r.IntN(28))
		s := Schedule{Cycle: c, Alignment: AlignCalendar}
		if r.IntN(2) == 0 {
			s = Schedule{Cycle: c, Alignment: AlignAnniversary, Anchor: psa.ClampedDate(2000+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(31))}
		}
		period, err := s.PeriodOf(d)
		if err != nil {
			t.Fatal(err)
		}
		unit, _ := psa.NewMoney(prices[r.IntN(len(prices))], curs[r.IntN(len(curs))])
		in := ChargeInput{Period: period, Cycle: c, UnitPrice: unit, Rounding: psa.RoundingMode(r.IntN(2))}
		if r.IntN(3) == 0 {
			in.DayCount = Thirty360
		}
		scale := psa.MinorUnitScale(unit.Currency())

		// Whole period at one quantity: price x quantity, rounded once, not prorated.
		whole[0] = Segment{Served: period, Quantity: quantity()}
		in.Segments = whole
		w, err := Charge(in)
		if err != nil {
			t.Fatal(err)
		}
		if w.Prorated || w.PeriodDays != w.Lines[0].ServedDays {
			t.Fatalf("case %d: whole period %+v prorated", i, w)
		}
		if ok, _ := o.roundedOnce(&w, scale); !ok {
			t.Fatalf("case %d: whole period %s x %s: got %s", i, unit, whole[0].Quantity, w.Amount)
		}

		// Random segments partitioning the period, rounded once.
		segs = ruleRandomSegments(r, period, quantity, segs[:0])
		in.Segments = segs
		got, err := Charge(in)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		sumDays := 0
		for j, l := range got.Lines {
			sumDays += l.ServedDays
			if l.Served != segs[j].Served || !l.Quantity.Equal(segs[j].Quantity) {
				t.Fatalf("case %d: line %d explains %s at %s, not segment %+v", i, j, l.Served, l.Quantity, segs[j])
			}
		}
		if sumDays != got.PeriodDays {
			t.Fatalf("case %d: %+v: the segments of the whole period count %d days of %d", i, in, sumDays, got.PeriodDays)
		}
		ok, tie := o.roundedOnce(&got, scale)
		if !ok {
			t.Fatalf("case %d: %+v: %s is not the charge rounded %s once", i, in, got.Amount, in.Rounding)
		}
		if tie {
			ties++
		}

		// SplitCharge: the pieces sum to the amount, each less than one minor unit from its share
		// of it.
		pieces, err := SplitCharge(got)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !o.splitOK(&got, pieces, scale) {
			t.Fatalf("case %d: %+v: pieces %v of %s", i, in, pieces, got.Amount)
		}

		// Recompute and diff: whatever sequence of amounts was billed for the period before, the
		// adjustment brings the total to the fresh charge.
		billed := psa.Money{}
		for range r.IntN(4) {
			earlier, _ := psa.NewMoney(prices[r.IntN(len(prices))], unit.Currency())
			if billed, err = ruleAddBilled(billed, earlier.Round(in.Rounding)); err != nil {
				t.Fatal(err)
			}
		}
		adj, err := Adjustment(got, billed)
		if err != nil {
			t.Fatal(err)
		}
		total, err := ruleAddBilled(billed, adj)
		if err != nil || !total.Equal(got.Amount) {
			t.Fatalf("case %d: billed %s + adjustment %s = %s, fresh charge %s (%v)", i, billed, adj, total, got.Amount, err)
		}
	}
	t.Logf("%d cases, %d of them exact halves", n, ties)
	if ties == 0 {
		t.Error("no exact half among the cases: the tie rule went unchecked")
	}
}

// ruleOracle checks charges in exact integer arithmetic on scratch big.Ints that it reuses, so
// that checking allocates nothing once warm. Numbers are taken as coefficient x 10^exponent
// (coefficients of at most 18 digits) and brought to a common exponent.
type ruleOracle struct {
	num, amount, unit, days, x, y, sum big.Int
	pow                                []big.Int
}

// pow10 returns 10^k, k >= 0, from a table it grows once.
func (o *ruleOracle) pow10(k int32) *big.Int {
	for int32(len(o.pow)) <= k {
		var p big.Int
		p.Exp(big.NewInt(10), big.NewInt(int64(len(o.pow))), nil)
		o.pow = append(o.pow, p)
	}
	return &o.pow[k]
}

// set sets z to d x 10^(exponent - e), for e <= d's exponent.
func (o *ruleOracle) set(z *big.Int, d decimal.Decimal, e int32) *big.Int {
	z.Set(d.Coefficient())
	if k := d.Exponent() - e; k != 0 {
		z.Mul(z, o.pow10(k))
	}
	return z
}

// roundedOnce reports whether r.Amount is sum of price x quantity x days over r.PeriodDays,
// rounded to scale decimals once, in r.Rounding; and whether that sum was an exact half. With N
// the exact numerator, A the amount and D the period's days, all at one exponent, N - A x D must
// be at most half of a minor unit x D, and on a tie A must be the neighbour the mode picks.
func (o *ruleOracle) roundedOnce(r *ChargeResult, scale int32) (ok, tie bool) {
	price := r.UnitPrice.Amount()
	e := -scale
	for _, l := range r.Lines {
		e = min(e, price.Exponent()+l.Quantity.Exponent())
	}
	o.num.SetInt64(0)
	for _, l := range r.Lines {
		o.set(&o.x, price, price.Exponent())
		o.x.Mul(&o.x, o.set(&o.y, l.Quantity, e-price.Exponent()))
		o.x.Mul(&o.x, o.y.SetInt64(int64(l.ServedDays)))
		o.num.Add(&o.num, &o.x)
	}
	days := o.days.SetInt64(int64(r.PeriodDays))
	o.set(&o.amount, r.Amount.Amount(), e)
	o.x.Mul(&o.amount, days)
	o.x.Sub(&o.num, &o.x) // N - A x D
	o.unit.Mul(o.pow10(-scale-e), days)
	o.y.Abs(&o.x)
	o.y.Lsh(&o.y, 1)
	switch c := o.y.Cmp(&o.unit); {
	case c > 0:
		return false, false
	case c < 0 || o.x.Sign() == 0:
		return true, false
	}
	if r.Rounding == psa.RoundHalfEven {
		o.set(&o.y, r.Amount.Amount(), -scale) // the amount in minor units
		return o.y.Bit(0) == 0, true
	}
	return o.x.Sign() != o.num.Sign(), true // A x D beyond N: away from zero
}

// splitOK reports whether pieces sum to r.Amount and each is less than one minor unit from its
// share of it: |piece x W - amount x w| < minor unit x W, with w the line's |numerator| and W
// their sum.
func (o *ruleOracle) splitOK(r *ChargeResult, pieces []psa.Money, scale int32) bool {
	if len(pieces) != len(r.Lines) {
		return false
	}
	e := int32(0)
	for _, l := range r.Lines {
		e = min(e, l.Numerator.Amount().Exponent())
	}
	o.num.SetInt64(0) // W
	for _, l := range r.Lines {
		o.num.Add(&o.num, o.set(&o.x, l.Numerator.Amount(), e).Abs(&o.x))
	}
	o.set(&o.amount, r.Amount.Amount(), -scale)
	o.amount.Abs(&o.amount)
	o.sum.SetInt64(0)
	for j, p := range pieces {
		if p.Currency() != r.Amount.Currency() {
			return false
		}
		piece := o.set(&o.unit, p.Amount(), -scale)
		o.sum.Add(&o.sum, piece)
		if o.num.Sign() == 0 {
			if piece.Sign() != 0 {
				return false
			}
			continue
		}
		o.x.Mul(piece.Abs(piece), &o.num)
		o.y.Mul(&o.amount, o.set(&o.y, r.Lines[j].Numerator.Amount(), e).Abs(&o.y))
		o.x.Sub(&o.x, &o.y)
		if o.x.CmpAbs(&o.num) >= 0 {
			return false
		}
	}
	return o.sum.Cmp(o.set(&o.x, r.Amount.Amount(), -scale)) == 0
}

// TestChargeSmallMatchesDecimal checks that the 64-bit path of Charge gives exactly what the
// general decimal path gives, on random inputs around the limits of 64 bits, and that inputs
// beyond them are still computed (by the general path).
func TestChargeSmallMatchesDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n := 5_000
	if testing.Short() {
		n = 1_000
	}
	small := 0
	for i := range n {
		period := psa.Period{Start: psa.NewDate(2000+r.IntN(50), time.Month(1+r.IntN(12)), 1)}
		period.End = period.Start.AddMonths([]int{1, 3, 6, 12}[r.IntN(4)])
		digits := 1 + r.IntN(8) // mostly small numbers, sometimes up to 19 digits
		if r.IntN(4) == 0 {
			digits = 1 + r.IntN(19)
		}
		coef := r.Int64N(int64(min(pow10s[digits-1]*9, 1<<62))) + 1
		if r.IntN(2) == 0 {
			coef = -coef
		}
		unit, _ := psa.NewMoney(decimal.New(coef, -int32(r.IntN(12))+int32(r.IntN(3))), currency.USD)
		quantity := func() decimal.Decimal {
			digits := r.IntN(6)
			if r.IntN(4) == 0 {
				digits = r.IntN(19)
			}
			return decimal.New(r.Int64N(int64(pow10s[digits])), -int32(r.IntN(8)))
		}
		in := ChargeInput{Period: period, UnitPrice: unit, Rounding: psa.RoundingMode(r.IntN(2)), Segments: ruleRandomSegments(r, period, quantity, nil)}
		got, err := Charge(in)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		check := got
		check.Lines = append([]SegmentExplanation(nil), got.Lines...)
		if chargeSmall(&check, unit.Amount()) {
			small++
		}
		want := got
		want.Lines = append([]SegmentExplanation(nil), got.Lines...)
		for j := range want.Lines {
			want.Lines[j].Numerator, want.Lines[j].Amount = psa.Money{}, psa.Money{}
		}
		want.Amount, want.Exact = psa.Money{}, decimal.Decimal{}
		chargeDecimal(&want, unit.Amount())
		if ruleSameAmounts(want, got) {
			continue
		}
		if diff := cmp.Diff(want, got, ruleMoneyCmp); diff != "" {
			t.Fatalf("case %d: %+v (-decimal +Charge):\n%s", i, in, diff)
		}
		t.Fatalf("case %d: %+v: ruleSameAmounts and cmp.Diff disagree", i, in)
	}
	t.Logf("%d of %d cases on the 64-bit path", small, n)
	if small == 0 || small == n {
		t.Fatalf("%d of %d cases on the 64-bit path: both paths must be exercised", small, n)
	}
}

// ruleSameAmounts reports whether a and b have the same amounts, exact amounts and line
// numerators and shares, numerically.
func ruleSameAmounts(a, b ChargeResult) bool {
	if !a.Amount.Equal(b.Amount) || !a.Exact.Equal(b.Exact) || len(a.Lines) != len(b.Lines) {
		return false
	}
	for i := range a.Lines {
		if !a.Lines[i].Numerator.Equal(b.Lines[i].Numerator) || !a.Lines[i].Amount.Equal(b.Lines[i].Amount) {
			return false
		}
	}
	return true
}

// ruleAddBilled adds an adjustment to what has been billed, the zero Money meaning nothing.
func ruleAddBilled(billed, adj psa.Money) (psa.Money, error) {
	if billed.Currency() == currency.XXX {
		return adj, nil
	}
	return billed.Add(adj)
}

// ruleRandomSegments partitions period into 1 to 4 segments at quantities from quantity,
// appended to segs, in order or (one time in four) shuffled.
func ruleRandomSegments(r *rand.Rand, period psa.Period, quantity func() decimal.Decimal, segs []Segment) []Segment {
	n := 1 + r.IntN(4)
	days := period.Days()
	var buf [5]psa.Date
	cuts := append(buf[:0], period.Start)
	for range n - 1 {
		cuts = append(cuts, period.Start.AddDays(1+r.IntN(days-1)))
	}
	cuts = append(cuts, period.End)
	for i := 1; i < len(cuts); i++ { // insertion sort; duplicates give empty segments, dropped
		for j := i; j > 0 && cuts[j].Before(cuts[j-1]); j-- {
			cuts[j], cuts[j-1] = cuts[j-1], cuts[j]
		}
	}
	for i := 1; i < len(cuts); i++ {
		if cuts[i] == cuts[i-1] {
			continue
		}
		segs = append(segs, Segment{Served: psa.Period{Start: cuts[i-1], End: cuts[i]}, Quantity: quantity()})
	}
	if r.IntN(4) == 0 {
		r.Shuffle(len(segs), func(i, j int) { segs[i], segs[j] = segs[j], segs[i] })
	}
	return segs
}

func BenchmarkCharge(b *testing.B) {
	jan := psa.Period{Start: psa.NewDate(2026, time.January, 1), End: psa.NewDate(2026, time.February, 1)}
	price, _ := psa.ParseMoney("30.00", "USD")
	seg := func(from, to int, q int64) Segment {
		return Segment{Served: psa.Period{Start: psa.NewDate(2026, time.January, from), End: psa.NewDate(2026, time.January, to)}, Quantity: decimal.NewFromInt(q)}
	}
	for _, bc := range []struct {
		name string
		segs []Segment
	}{
		{"one segment", []Segment{seg(15, 32, 10)}},
		{"three segments", []Segment{seg(1, 10, 10), seg(10, 20, 12), seg(20, 32, 11)}},
	} {
		in := ChargeInput{Period: jan, UnitPrice: price, Segments: bc.segs}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Charge(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDue(b *testing.B) {
	s := Schedule{Cycle: Monthly, Alignment: AlignAnniversary, Anchor: psa.NewDate(2026, time.January, 31)}
	served := psa.Period{Start: psa.NewDate(2026, time.January, 31)}
	for _, bc := range []struct {
		name    string
		from    psa.Date
		runDate psa.Date
	}{
		{"one period", psa.NewDate(2026, time.May, 31), psa.NewDate(2026, time.June, 30)},
		{"catch-up of 12", psa.NewDate(2026, time.January, 31), psa.NewDate(2027, time.January, 31)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Due(served, InArrears, bc.from, bc.runDate); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPeriodOf(b *testing.B) {
	s := Schedule{Cycle: Quarterly, Alignment: AlignAnniversary, Anchor: psa.NewDate(2026, time.January, 31)}
	d := psa.NewDate(2031, time.August, 17)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.PeriodOf(d); err != nil {
			b.Fatal(err)
		}
	}
}
