package psa_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// randomDecimal returns a decimal with a coefficient of up to 20 digits (some beyond the
// 64-bit path) and an exponent from -14 to 4.
func randomDecimal(r *rand.Rand) decimal.Decimal {
	var c int64
	switch r.IntN(6) {
	case 0:
		c = 0
	case 1:
		c = r.Int64N(1000) - 500
	case 2:
		c = r.Int64() - r.Int64()
	case 3:
		c = math.MinInt64 + r.Int64N(3)
	default:
		c = r.Int64N(10_000_000) - 5_000_000
	}
	d := decimal.New(c, int32(r.IntN(19))-14)
	if r.IntN(10) == 0 {
		d = d.Mul(decimal.New(r.Int64N(1e12)+1, 0)) // more than 18 digits
	}
	return d
}

func TestAppendIsString(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	curs := []currency.Unit{currency.USD, currency.JPY, currency.MustParseISO("BHD"), currency.EUR}
	for range 50_000 {
		d := randomDecimal(r)
		if got, want := string(psa.AppendDecimal([]byte("x"), d)), "x"+d.String(); got != want {
			t.Fatalf("AppendDecimal(%s): %q, want %q", d.String(), got, want)
		}
		m, err := psa.NewMoney(d, curs[r.IntN(len(curs))])
		if err != nil {
			t.Fatal(err)
		}
		want := m.Amount().StringFixed(max(psa.MinorUnitScale(m.Currency()), -min(m.Amount().Exponent(), 0))) + " " + m.Currency().String()
		if got := string(m.Append(nil)); got != want {
			t.Fatalf("Money(%s).Append: %q, want %q", d.String(), got, want)
		}
		if got := m.String(); got != want {
			t.Fatalf("Money(%s).String: %q, want %q", d.String(), got, want)
		}
	}
	if got := (psa.Money{}).String(); got != "0 XXX" && got != "0.00 XXX" {
		t.Fatalf("zero Money: %q", got)
	}
	p := psa.Period{Start: psa.NewDate(2026, 1, 15), End: psa.NewDate(2026, 2, 1)}
	for _, p := range []psa.Period{p, {}, {Start: p.Start, End: p.Start}, {Start: p.End, End: p.Start}} {
		if got := string(p.Append([]byte("x"))); got != "x"+p.String() {
			t.Fatalf("Period.Append: %q, want %q", got, "x"+p.String())
		}
		if got := string(p.Start.Append(nil)); got != p.Start.String() {
			t.Fatalf("Date.Append: %q, want %q", got, p.Start.String())
		}
	}
}

// quoReference is Money.Quo's general path: QuoRem at the minor unit, then the remainder
// rounded.
func quoReference(m psa.Money, den int64, mode psa.RoundingMode) decimal.Decimal {
	d := decimal.NewFromInt(den)
	scale := psa.MinorUnitScale(m.Currency())
	q, r := m.Amount().QuoRem(d, scale)
	if !r.IsZero() {
		unit := decimal.New(int64(m.Amount().Sign()*d.Sign()), -scale)
		switch r.Abs().Add(r.Abs()).Cmp(d.Abs().Shift(-scale)) {
		case 1:
			q = q.Add(unit)
		case 0:
			if mode != psa.RoundHalfEven || !q.Shift(scale).Mod(decimal.NewFromInt(2)).IsZero() {
				q = q.Add(unit)
			}
		}
	}
	return q
}

func TestQuoMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	curs := []currency.Unit{currency.USD, currency.JPY, currency.MustParseISO("BHD")}
	dens := []int64{1, 2, 3, 7, 60, 3600e9, -4, math.MaxInt64, math.MinInt64, 1e18}
	for range 100_000 {
		m, err := psa.NewMoney(randomDecimal(r), curs[r.IntN(len(curs))])
		if err != nil {
			t.Fatal(err)
		}
		den := dens[r.IntN(len(dens))]
		if r.IntN(2) == 0 {
			den = r.Int64N(1e6) + 1
		}
		mode := psa.RoundingMode(r.IntN(2))
		got, err := m.Quo(den, mode)
		if err != nil {
			t.Fatal(err)
		}
		want := quoReference(m, den, mode)
		if !got.Amount().Equal(want) || got.Amount().Exponent() != want.Exponent() {
			t.Fatalf("%s / %d (%s): %s, want %s", m, den, mode, got.Amount(), want)
		}
	}
}
