package psa_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// moneyComparer makes cmp.Diff compare Money by value (same currency, numerically equal amount).
var moneyComparer = cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) })

func money(t testing.TB, amount, code string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(amount, code)
	require.NoError(t, err)
	return m
}

func dec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	require.NoError(t, err)
	return d
}

func decs(t testing.TB, ss ...string) []decimal.Decimal {
	t.Helper()
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = dec(t, s)
	}
	return out
}

// requireValidation asserts that err is a *ValidationError that unwraps to ErrInvalid and has
// exactly the given fields (field and value; reasons are checked only for being present).
func requireValidation(t *testing.T, err error, want ...psa.FieldError) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.True(t, strings.HasPrefix(err.Error(), "psa: "), "message %q", err.Error())
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "error %T %v is not a *ValidationError", err, err)
	got := make([]psa.FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		require.NotEmpty(t, f.Reason, "field %q has no reason", f.Field)
		got[i] = psa.FieldError{Field: f.Field, Value: f.Value}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("fields (-want +got):\n%s", diff)
	}
}

func TestRoundingModeText(t *testing.T) {
	tests := []struct {
		name string
		mode psa.RoundingMode
		text string
	}{
		{"zero value is half-up", 0, "half-up"},
		{"half-up", psa.RoundHalfUp, "half-up"},
		{"half-even", psa.RoundHalfEven, "half-even"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.text, tt.mode.String())
			b, err := tt.mode.MarshalText()
			require.NoError(t, err)
			require.Equal(t, tt.text, string(b))
			var back psa.RoundingMode = 7
			require.NoError(t, back.UnmarshalText(b))
			require.Equal(t, tt.mode, back)
		})
	}

	t.Run("unknown mode", func(t *testing.T) {
		m := psa.RoundingMode(7)
		require.Equal(t, "RoundingMode(7)", m.String())
		_, err := m.MarshalText()
		requireValidation(t, err, psa.FieldError{Field: "rounding", Value: "RoundingMode(7)"})
	})
	for _, text := range []string{"", "HALF-UP", "half_even", "up", "bankers"} {
		t.Run("unknown text "+strconv.Quote(text), func(t *testing.T) {
			m := psa.RoundHalfEven
			err := m.UnmarshalText([]byte(text))
			requireValidation(t, err, psa.FieldError{Field: "rounding", Value: text})
			require.Equal(t, psa.RoundHalfEven, m, "mode changed on error")
		})
	}
	t.Run("in JSON", func(t *testing.T) {
		var v struct{ Rounding psa.RoundingMode }
		require.NoError(t, json.Unmarshal([]byte(`{"Rounding":"half-even"}`), &v))
		require.Equal(t, psa.RoundHalfEven, v.Rounding)
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.JSONEq(t, `{"Rounding":"half-even"}`, string(b))
	})
}

func TestRoundingModeRound(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		places   int32
		halfUp   string
		halfEven string
	}{
		{"positive half", "2.5", 0, "3", "2"},
		{"positive half to even up", "3.5", 0, "4", "4"},
		{"negative half", "-2.5", 0, "-3", "-2"},
		{"negative half to even up", "-3.5", 0, "-4", "-4"},
		{"below half", "2.4999", 0, "2", "2"},
		{"above half", "2.5001", 0, "3", "3"},
		{"two places", "2.345", 2, "2.35", "2.34"},
		{"already rounded gains zeros", "2.3", 2, "2.30", "2.30"},
		{"zero", "0", 2, "0.00", "0.00"},
		{"negative places", "125", -1, "130", "120"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dec(t, tt.in)
			require.Equal(t, tt.halfUp, psa.RoundHalfUp.Round(d, tt.places).StringFixed(max(tt.places, 0)))
			require.Equal(t, tt.halfEven, psa.RoundHalfEven.Round(d, tt.places).StringFixed(max(tt.places, 0)))
			require.Equal(t, tt.halfUp, psa.RoundingMode(42).Round(d, tt.places).StringFixed(max(tt.places, 0)),
				"an unknown mode rounds half-up")
		})
	}
}

func TestMoneyRound(t *testing.T) {
	tests := []struct {
		name     string
		amount   string
		code     string
		halfUp   string
		halfEven string
	}{
		{"USD half, odd neighbour below", "2.345", "USD", "2.35 USD", "2.34 USD"},
		{"USD negative half", "-2.345", "USD", "-2.35 USD", "-2.34 USD"},
		{"USD half, odd neighbour above", "2.355", "USD", "2.36 USD", "2.36 USD"},
		{"USD negative half, even above", "-2.355", "USD", "-2.36 USD", "-2.36 USD"},
		{"USD not a half", "2.3451", "USD", "2.35 USD", "2.35 USD"},
		{"USD many decimals below half", "2.344999999999999999999", "USD", "2.34 USD", "2.34 USD"},
		{"USD already rounded", "2.34", "USD", "2.34 USD", "2.34 USD"},
		{"USD fewer decimals", "7", "USD", "7.00 USD", "7.00 USD"},
		{"USD tiny negative to zero", "-0.004", "USD", "0.00 USD", "0.00 USD"},
		{"JPY half", "12.5", "JPY", "13 JPY", "12 JPY"},
		{"JPY negative half", "-12.5", "JPY", "-13 JPY", "-12 JPY"},
		{"JPY half to even up", "13.5", "JPY", "14 JPY", "14 JPY"},
		{"BHD half", "1.2345", "BHD", "1.235 BHD", "1.234 BHD"},
		{"BHD negative half", "-1.2345", "BHD", "-1.235 BHD", "-1.234 BHD"},
		{"KWD half", "0.0005", "KWD", "0.001 KWD", "0.000 KWD"},
		{"KWD half to even up", "0.0015", "KWD", "0.002 KWD", "0.002 KWD"},
		{"CLF four decimals", "1.00005", "CLF", "1.0001 CLF", "1.0000 CLF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := money(t, tt.amount, tt.code)
			before := m.String()
			up := m.Round(psa.RoundHalfUp)
			even := m.Round(psa.RoundHalfEven)
			require.Equal(t, tt.halfUp, up.String())
			require.Equal(t, tt.halfEven, even.String())
			require.True(t, up.IsRounded())
			require.True(t, even.IsRounded())
			require.Equal(t, m.Currency(), up.Currency())
			require.Equal(t, before, m.String(), "m changed")
		})
	}
}

func TestMoneyRoundCash(t *testing.T) {
	tests := []struct {
		name     string
		amount   string
		code     string
		halfUp   string
		halfEven string
	}{
		{"CHF half of 0.05, even quotient", "1.025", "CHF", "1.05 CHF", "1.00 CHF"},
		{"CHF half of 0.05, odd quotient", "1.075", "CHF", "1.10 CHF", "1.10 CHF"},
		{"CHF below half", "1.074", "CHF", "1.05 CHF", "1.05 CHF"},
		{"CHF above half", "1.076", "CHF", "1.10 CHF", "1.10 CHF"},
		{"CHF 2 cents down", "1.02", "CHF", "1.00 CHF", "1.00 CHF"},
		{"CHF 3 cents up", "1.03", "CHF", "1.05 CHF", "1.05 CHF"},
		{"CHF exact multiple", "1.05", "CHF", "1.05 CHF", "1.05 CHF"},
		{"CHF integer", "3", "CHF", "3.00 CHF", "3.00 CHF"},
		{"CHF negative half", "-1.025", "CHF", "-1.05 CHF", "-1.00 CHF"},
		{"CHF negative half, odd quotient", "-1.075", "CHF", "-1.10 CHF", "-1.10 CHF"},
		{"CHF negative below half", "-1.074", "CHF", "-1.05 CHF", "-1.05 CHF"},
		{"CHF small negative to zero", "-0.02", "CHF", "0.00 CHF", "0.00 CHF"},
		{"CAD is 0.05 too", "0.125", "CAD", "0.15 CAD", "0.10 CAD"},
		{"DKK is 0.50", "10.25", "DKK", "10.50 DKK", "10.00 DKK"},
		{"DKK above half", "10.26", "DKK", "10.50 DKK", "10.50 DKK"},
		{"USD is the minor unit", "2.345", "USD", "2.35 USD", "2.34 USD"},
		{"USD negative", "-2.345", "USD", "-2.35 USD", "-2.34 USD"},
		{"JPY is the yen", "12.5", "JPY", "13 JPY", "12 JPY"},
		{"SEK cash has no decimals", "10.50", "SEK", "11.00 SEK", "10.00 SEK"},
		{"HUF cash has no decimals", "99.5", "HUF", "100.00 HUF", "100.00 HUF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := money(t, tt.amount, tt.code)
			require.Equal(t, tt.halfUp, m.RoundCash(psa.RoundHalfUp).String())
			require.Equal(t, tt.halfEven, m.RoundCash(psa.RoundHalfEven).String())
		})
	}
}

func TestMoneyCurrencyMismatch(t *testing.T) {
	usd := money(t, "1.00", "USD")
	eur := money(t, "1.00", "EUR")
	tests := []struct {
		name    string
		call    func() error
		op      string
		message string
	}{
		{"add", func() error { _, err := usd.Add(eur); return err }, "add",
			"psa: cannot add an amount in EUR to an amount in USD"},
		{"sub", func() error { _, err := usd.Sub(eur); return err }, "subtract",
			"psa: cannot subtract an amount in EUR from an amount in USD"},
		{"cmp", func() error { _, err := usd.Cmp(eur); return err }, "compare",
			"psa: cannot compare an amount in USD with an amount in EUR"},
		{"add to the zero value", func() error { _, err := psa.Money{}.Add(eur); return err }, "add",
			"psa: cannot add an amount in EUR to an amount in XXX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.ErrorIs(t, err, psa.ErrInvalid)
			me, ok := errors.AsType[*psa.CurrencyMismatchError](err)
			require.True(t, ok, "error %T is not a *CurrencyMismatchError", err)
			require.Equal(t, tt.op, me.Op)
			require.Equal(t, currency.EUR, me.Right)
			require.Equal(t, tt.message, err.Error())
		})
	}
	require.False(t, usd.Equal(eur), "equal amounts of different currencies")
	require.False(t, psa.ZeroMoney(currency.USD).Equal(psa.ZeroMoney(currency.EUR)))
}

func TestMoneyArithmetic(t *testing.T) {
	a := money(t, "12.30", "USD")
	b := money(t, "0.705", "USD")

	sum, err := a.Add(b)
	require.NoError(t, err)
	diff, err := a.Sub(b)
	require.NoError(t, err)

	tests := []struct {
		name string
		got  psa.Money
		want string
	}{
		{"add", sum, "13.005 USD"},
		{"sub", diff, "11.595 USD"},
		{"neg", a.Neg(), "-12.30 USD"},
		{"neg of negative", a.Neg().Neg(), "12.30 USD"},
		{"abs of negative", b.Neg().Abs(), "0.705 USD"},
		{"abs of positive", a.Abs(), "12.30 USD"},
		{"mul is exact", a.Mul(dec(t, "0.125")), "1.53750 USD"},
		{"mul by negative", a.Mul(dec(t, "-3")), "-36.90 USD"},
		{"mul by zero", a.Mul(decimal.Zero), "0.00 USD"},
		{"mul by one third at high precision stays unrounded",
			money(t, "1.00", "USD").Mul(decimal.NewFromInt(1).DivRound(decimal.NewFromInt(3), 6)), "0.33333300 USD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.got.String())
			require.Equal(t, currency.USD, tt.got.Currency())
		})
	}

	t.Run("cmp", func(t *testing.T) {
		for _, c := range []struct {
			x, y string
			want int
		}{
			{"1.5", "1.50", 0},
			{"1.49", "1.5", -1},
			{"-1", "-2", 1},
			{"0", "-0.00", 0},
		} {
			got, err := money(t, c.x, "EUR").Cmp(money(t, c.y, "EUR"))
			require.NoError(t, err)
			require.Equal(t, c.want, got, "%s cmp %s", c.x, c.y)
		}
	})
	t.Run("equal", func(t *testing.T) {
		require.True(t, money(t, "1.5", "USD").Equal(money(t, "1.50", "USD")))
		require.True(t, money(t, "1.5", "USD").Equal(money(t, "1.500000", "usd")))
		require.False(t, money(t, "1.5", "USD").Equal(money(t, "1.51", "USD")))
		require.True(t, psa.Money{}.Equal(psa.Money{}))
		if d := cmp.Diff(money(t, "1.5", "USD"), money(t, "1.50", "USD"), moneyComparer); d != "" {
			t.Fatalf("cmp.Diff with the comparer:\n%s", d)
		}
	})
	t.Run("sign and zero", func(t *testing.T) {
		require.Equal(t, 1, a.Sign())
		require.Equal(t, -1, a.Neg().Sign())
		require.Equal(t, 0, psa.ZeroMoney(currency.USD).Sign())
		require.True(t, psa.ZeroMoney(currency.USD).IsZero())
		require.True(t, money(t, "-0.000", "USD").IsZero())
		require.False(t, a.IsZero())
		require.True(t, psa.Money{}.IsZero())
	})
	t.Run("values are immutable", func(t *testing.T) {
		require.Equal(t, "12.30 USD", a.String())
		require.Equal(t, "0.705 USD", b.String())
		require.Equal(t, "12.30", a.Amount().StringFixed(2))
	})
	t.Run("no panic at the limits of decimal exponents", func(t *testing.T) {
		cent := money(t, "0.01", "CHF")
		require.True(t, cent.Mul(decimal.New(1, math.MinInt32)).IsZero(), "unrepresentable product")
		require.True(t, cent.Mul(decimal.New(0, math.MinInt32)).IsZero())
		tiny, err := psa.NewMoney(decimal.New(7, math.MinInt32+1), currency.CHF)
		require.NoError(t, err)
		require.Equal(t, "0.00 CHF", tiny.RoundCash(psa.RoundHalfUp).String())
		huge, err := psa.NewMoney(decimal.New(7, math.MaxInt32-1), currency.CHF)
		require.NoError(t, err)
		require.Equal(t, 1, huge.RoundCash(psa.RoundHalfUp).Sign())
	})
	t.Run("zero value", func(t *testing.T) {
		var z psa.Money
		require.Equal(t, currency.XXX, z.Currency())
		require.Equal(t, "0.00 XXX", z.String())
		s, err := z.Add(z)
		require.NoError(t, err)
		require.True(t, s.IsZero())
	})
}

func TestParseCurrency(t *testing.T) {
	good := []struct {
		code string
		want currency.Unit
	}{
		{"USD", currency.USD},
		{"usd", currency.USD},
		{"Eur", currency.EUR},
		{"JPY", currency.JPY},
		{"BHD", currency.MustParseISO("BHD")},
		{"CHF", currency.CHF},
	}
	for _, tt := range good {
		t.Run(tt.code, func(t *testing.T) {
			got, err := psa.ParseCurrency(tt.code)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	for _, code := range []string{"ABC", "", "XXX", "xxx", "US", "USDD", "US1", " USD", "€"} {
		t.Run("reject "+strconv.Quote(code), func(t *testing.T) {
			got, err := psa.ParseCurrency(code)
			requireValidation(t, err, psa.FieldError{Field: "currency", Value: code})
			require.Equal(t, currency.XXX, got)
		})
	}
}

func TestNewMoney(t *testing.T) {
	m, err := psa.NewMoney(dec(t, "12.3"), currency.USD)
	require.NoError(t, err)
	require.Equal(t, "12.30 USD", m.String())
	require.Equal(t, int32(-1), m.Amount().Exponent(), "amount is kept as given")

	_, err = psa.NewMoney(dec(t, "1"), currency.Unit{})
	requireValidation(t, err, psa.FieldError{Field: "currency", Value: "XXX"})
}

func TestParseMoney(t *testing.T) {
	good := []struct {
		amount string
		code   string
		want   string
	}{
		{"12.30", "USD", "12.30 USD"},
		{"12.3", "USD", "12.30 USD"},
		{"-0.5", "USD", "-0.50 USD"},
		{"1000", "USD", "1000.00 USD"},
		{"+1.50", "USD", "1.50 USD"},
		{"007.50", "USD", "7.50 USD"},
		{"-0", "USD", "0.00 USD"},
		{"0.125", "USD", "0.125 USD"},
		{"1230", "JPY", "1230 JPY"},
		{"1.23", "JPY", "1.23 JPY"},
		{"1.23", "BHD", "1.230 BHD"},
		{"123456789012345678901234567890.123456789", "EUR", "123456789012345678901234567890.123456789 EUR"},
	}
	for _, tt := range good {
		t.Run(tt.amount+" "+tt.code, func(t *testing.T) {
			m, err := psa.ParseMoney(tt.amount, tt.code)
			require.NoError(t, err)
			require.Equal(t, tt.want, m.String())
		})
	}

	bad := []string{"", "12.3.4", "1e3", "1E3", "abc", " 1", "1 ", ".5", "5.", "-", "+", "--1", "+-1",
		"1,000.00", "1_000", "\u22121", "0x10", "Inf", "NaN", "1.2e-2", "١٢"}
	for _, amount := range bad {
		t.Run("reject "+strconv.Quote(amount), func(t *testing.T) {
			_, err := psa.ParseMoney(amount, "USD")
			requireValidation(t, err, psa.FieldError{Field: "amount", Value: amount})
		})
	}
	t.Run("reject bad currency", func(t *testing.T) {
		_, err := psa.ParseMoney("1.00", "ABC")
		requireValidation(t, err, psa.FieldError{Field: "currency", Value: "ABC"})
	})
	t.Run("both bad are both reported", func(t *testing.T) {
		_, err := psa.ParseMoney("1e3", "")
		requireValidation(t, err,
			psa.FieldError{Field: "amount", Value: "1e3"},
			psa.FieldError{Field: "currency", Value: ""})
		require.Equal(t, `psa: invalid money: amount "1e3" is not a decimal number in plain notation; `+
			`currency is not an ISO 4217 currency code`, err.Error())
	})
}

func TestMinorUnitScale(t *testing.T) {
	for _, tt := range []struct {
		code string
		want int32
	}{
		{"USD", 2}, {"EUR", 2}, {"JPY", 0}, {"KRW", 0}, {"BHD", 3}, {"KWD", 3}, {"JOD", 3}, {"CLF", 4},
	} {
		t.Run(tt.code, func(t *testing.T) {
			cur, err := psa.ParseCurrency(tt.code)
			require.NoError(t, err)
			require.Equal(t, tt.want, psa.MinorUnitScale(cur))
		})
	}
}

func TestMoneyFromMinor(t *testing.T) {
	tests := []struct {
		minor int64
		code  string
		want  string
	}{
		{1230, "USD", "12.30 USD"},
		{-5, "USD", "-0.05 USD"},
		{0, "USD", "0.00 USD"},
		{1230, "JPY", "1230 JPY"},
		{1230, "BHD", "1.230 BHD"},
		{1230, "KWD", "1.230 KWD"},
		{math.MaxInt64, "USD", "92233720368547758.07 USD"},
		{math.MinInt64, "USD", "-92233720368547758.08 USD"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			m, err := psa.MoneyFromMinor(tt.minor, tt.code)
			require.NoError(t, err)
			require.Equal(t, tt.want, m.String())
			back, err := m.MinorUnits()
			require.NoError(t, err)
			require.Equal(t, tt.minor, back)
		})
	}
	t.Run("bad currency", func(t *testing.T) {
		_, err := psa.MoneyFromMinor(1, "XXX")
		requireValidation(t, err, psa.FieldError{Field: "currency", Value: "XXX"})
	})
}

func TestMoneyMinorUnits(t *testing.T) {
	good := []struct {
		amount, code string
		want         int64
	}{
		{"12.30", "USD", 1230},
		{"12.3", "USD", 1230},
		{"12.300000", "USD", 1230},
		{"-0.01", "USD", -1},
		{"1230", "JPY", 1230},
		{"1230.000", "JPY", 1230},
		{"1.230", "BHD", 1230},
		{"92233720368547758.07", "USD", math.MaxInt64},
		{"-92233720368547758.08", "USD", math.MinInt64},
	}
	for _, tt := range good {
		t.Run(tt.amount+" "+tt.code, func(t *testing.T) {
			m := money(t, tt.amount, tt.code)
			require.True(t, m.IsRounded())
			got, err := m.MinorUnits()
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			back, err := psa.MoneyFromMinor(got, tt.code)
			require.NoError(t, err)
			require.True(t, back.Equal(m), "round trip %s -> %d -> %s", m, got, back)
		})
	}
	bad := []struct {
		amount, code, value string
	}{
		{"0.125", "USD", "0.125 USD"},
		{"-12.301", "USD", "-12.301 USD"},
		{"12.5", "JPY", "12.5 JPY"},
		{"1.2345", "BHD", "1.2345 BHD"},
		{"92233720368547758.08", "USD", "92233720368547758.08 USD"},
		{"-92233720368547758.09", "USD", "-92233720368547758.09 USD"},
		{"100000000000000000000000000000", "USD", "100000000000000000000000000000.00 USD"},
	}
	for _, tt := range bad {
		t.Run("reject "+tt.value, func(t *testing.T) {
			m := money(t, tt.amount, tt.code)
			_, err := m.MinorUnits()
			requireValidation(t, err, psa.FieldError{Field: "amount", Value: tt.value})
		})
	}
	t.Run("huge exponent", func(t *testing.T) {
		m, err := psa.NewMoney(decimal.New(1, 1000), currency.USD)
		require.NoError(t, err)
		require.True(t, m.IsRounded())
		_, err = m.MinorUnits()
		require.ErrorIs(t, err, psa.ErrInvalid)
	})
	t.Run("tiny exponent", func(t *testing.T) {
		m, err := psa.NewMoney(decimal.New(1, -1000), currency.USD)
		require.NoError(t, err)
		require.False(t, m.IsRounded())
		require.True(t, m.Round(psa.RoundHalfUp).IsZero())
	})
}

func TestMoneyString(t *testing.T) {
	tests := []struct {
		amount, code, want string
	}{
		{"12.30", "USD", "12.30 USD"},
		{"-0.5", "USD", "-0.50 USD"},
		{"-0.50", "USD", "-0.50 USD"},
		{"0.125", "USD", "0.125 USD"},
		{"0.1250", "USD", "0.1250 USD"},
		{"1230", "JPY", "1230 JPY"},
		{"1.230", "BHD", "1.230 BHD"},
		{"1.23", "BHD", "1.230 BHD"},
		{"0", "KWD", "0.000 KWD"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			require.Equal(t, tt.want, money(t, tt.amount, tt.code).String())
		})
	}
	t.Run("positive exponent", func(t *testing.T) {
		m, err := psa.NewMoney(decimal.New(12, 3), currency.USD)
		require.NoError(t, err)
		require.Equal(t, "12000.00 USD", m.String())
	})
}

func TestMoneyJSON(t *testing.T) {
	t.Run("wire form", func(t *testing.T) {
		b, err := json.Marshal(money(t, "12.3", "USD"))
		require.NoError(t, err)
		require.Equal(t, `{"amount":"12.30","currency":"USD"}`, string(b))
	})
	roundTrip := []struct {
		amount, code, wire string
	}{
		{"12.30", "USD", `{"amount":"12.30","currency":"USD"}`},
		{"0.125", "USD", `{"amount":"0.125","currency":"USD"}`},
		{"-0.5", "EUR", `{"amount":"-0.50","currency":"EUR"}`},
		{"1230", "JPY", `{"amount":"1230","currency":"JPY"}`},
		{"1.23", "BHD", `{"amount":"1.230","currency":"BHD"}`},
	}
	for _, tt := range roundTrip {
		t.Run("round trip "+tt.wire, func(t *testing.T) {
			m := money(t, tt.amount, tt.code)
			b, err := json.Marshal(m)
			require.NoError(t, err)
			require.Equal(t, tt.wire, string(b))
			var back psa.Money
			require.NoError(t, json.Unmarshal(b, &back))
			if d := cmp.Diff(m, back, moneyComparer); d != "" {
				t.Fatalf("round trip (-want +got):\n%s", d)
			}
			require.Equal(t, m.String(), back.String())
		})
	}
	t.Run("in a struct, zero value is null", func(t *testing.T) {
		type line struct {
			Net  psa.Money `json:"net"`
			Disc psa.Money `json:"disc"`
		}
		in := line{Net: money(t, "5", "CHF")}
		b, err := json.Marshal(in)
		require.NoError(t, err)
		require.Equal(t, `{"net":{"amount":"5.00","currency":"CHF"},"disc":null}`, string(b))
		var out line
		require.NoError(t, json.Unmarshal(b, &out))
		if d := cmp.Diff(in, out, moneyComparer); d != "" {
			t.Fatalf("(-want +got):\n%s", d)
		}
	})
	t.Run("null leaves the value unchanged", func(t *testing.T) {
		m := money(t, "1", "USD")
		require.NoError(t, json.Unmarshal([]byte(`null`), &m))
		require.Equal(t, "1.00 USD", m.String())
	})

	bad := []struct {
		name string
		in   string
		want []psa.FieldError
	}{
		{"amount as number", `{"amount":12.30,"currency":"USD"}`, []psa.FieldError{{Field: "amount", Value: "12.30"}}},
		{"exponent", `{"amount":"1e3","currency":"USD"}`, []psa.FieldError{{Field: "amount", Value: "1e3"}}},
		{"unknown currency", `{"amount":"1.00","currency":"ABC"}`, []psa.FieldError{{Field: "currency", Value: "ABC"}}},
		{"no currency", `{"amount":"1.00","currency":"XXX"}`, []psa.FieldError{{Field: "currency", Value: "XXX"}}},
		{"missing currency", `{"amount":"1.00"}`, []psa.FieldError{{Field: "currency"}}},
		{"missing both", `{}`, []psa.FieldError{{Field: "amount"}, {Field: "currency"}}},
		{"null amount", `{"amount":null,"currency":"USD"}`, []psa.FieldError{{Field: "amount", Value: "null"}}},
		{"currency as number", `{"amount":"1","currency":840}`, []psa.FieldError{{Field: "currency", Value: "840"}}},
		{"empty strings", `{"amount":"","currency":""}`, []psa.FieldError{{Field: "amount"}, {Field: "currency"}}},
		{"string", `"12.30 USD"`, []psa.FieldError{{Field: "money"}}},
		{"array", `["12.30","USD"]`, []psa.FieldError{{Field: "money"}}},
	}
	for _, tt := range bad {
		t.Run("reject "+tt.name, func(t *testing.T) {
			m := money(t, "7.00", "EUR")
			err := json.Unmarshal([]byte(tt.in), &m)
			requireValidation(t, err, tt.want...)
			require.Equal(t, "7.00 EUR", m.String(), "value changed on error")
		})
	}
	t.Run("reject malformed JSON passed directly", func(t *testing.T) {
		var m psa.Money
		requireValidation(t, m.UnmarshalJSON([]byte(`{"amount":`)), psa.FieldError{Field: "money"})
	})
}

func TestMoneyAllocate(t *testing.T) {
	tests := []struct {
		name    string
		amount  string
		code    string
		weights []string
		want    []string
	}{
		{"thirds", "100.00", "USD", []string{"1", "1", "1"}, []string{"33.34", "33.33", "33.33"}},
		{"negative thirds", "-100.00", "USD", []string{"1", "1", "1"}, []string{"-33.34", "-33.33", "-33.33"}},
		{"five cents over six", "0.05", "USD", []string{"1", "1", "1", "1", "1", "1"},
			[]string{"0.01", "0.01", "0.01", "0.01", "0.01", "0.00"}},
		{"negative five cents over six", "-0.05", "USD", []string{"1", "1", "1", "1", "1", "1"},
			[]string{"-0.01", "-0.01", "-0.01", "-0.01", "-0.01", "0.00"}},
		{"largest remainder wins over position", "0.05", "USD", []string{"1", "1", "2"},
			[]string{"0.01", "0.01", "0.03"}},
		{"zero weights get nothing", "10.00", "USD", []string{"0", "1", "0", "2", "0"},
			[]string{"0.00", "3.33", "0.00", "6.67", "0.00"}},
		{"single line takes all", "12.34", "USD", []string{"0.0001"}, []string{"12.34"}},
		{"zero amount", "0", "USD", []string{"1", "2"}, []string{"0.00", "0.00"}},
		{"decimal weights", "10.00", "USD", []string{"0.5", "0.25", "0.25"}, []string{"5.00", "2.50", "2.50"}},
		{"weights as amounts", "1.00", "USD", []string{"33.333", "66.667"}, []string{"0.33", "0.67"}},
		{"mixed-scale weights", "1.00", "USD", []string{"1", "0.5", "100"}, []string{"0.01", "0.00", "0.99"}},
		{"proration days", "100.00", "USD", []string{"10", "21"}, []string{"32.26", "67.74"}},
		{"JPY", "100", "JPY", []string{"1", "1", "1"}, []string{"34", "33", "33"}},
		{"JPY negative", "-1000", "JPY", []string{"3", "3", "1"}, []string{"-429", "-428", "-143"}},
		{"BHD", "1.000", "BHD", []string{"1", "1", "1"}, []string{"0.334", "0.333", "0.333"}},
		{"amount held with extra zeros", "1.0000", "USD", []string{"1", "2"}, []string{"0.33", "0.67"}},
		{"exact split keeps remainders zero", "9.00", "USD", []string{"1", "2", "6"}, []string{"1.00", "2.00", "6.00"}},
		{"beyond uint64", "100000000000000000000000000000.00", "USD", []string{"1", "1", "1"},
			[]string{"33333333333333333333333333333.34", "33333333333333333333333333333.33", "33333333333333333333333333333.33"}},
		{"weights beyond uint64", "1.00", "USD", []string{"18446744073709551615", "18446744073709551615", "0.000000000000000000001"},
			[]string{"0.50", "0.50", "0.00"}},
		{"weights of far apart scales", "1.00", "USD", []string{"1e-40", "1e40"}, []string{"0.00", "1.00"}},
		{"tie goes to the earlier line", "0.02", "USD", []string{"1", "1", "1", "1"},
			[]string{"0.01", "0.01", "0.00", "0.00"}},
		{"ties after unequal remainders", "0.10", "USD", []string{"3", "1", "3", "1", "3"},
			// shares 10*3/11=2.727.., 10/11=0.909.., floors 2,0,2,0,2 (6), 4 left: remainders
			// 8/11,10/11,8/11,10/11,8/11 -> lines 1 and 3, then lines 0 and 2.
			[]string{"0.03", "0.01", "0.03", "0.01", "0.02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := money(t, tt.amount, tt.code)
			parts, err := m.Allocate(decs(t, tt.weights...))
			require.NoError(t, err)
			want := make([]psa.Money, len(tt.want))
			for i, s := range tt.want {
				want[i] = money(t, s, tt.code)
			}
			if d := cmp.Diff(want, parts, moneyComparer); d != "" {
				t.Fatalf("parts (-want +got):\n%s", d)
			}
			sum := psa.ZeroMoney(m.Currency())
			for _, p := range parts {
				require.Equal(t, -psa.MinorUnitScale(m.Currency()), p.Amount().Exponent(), "part %s has not the minor-unit scale", p)
				sum, err = sum.Add(p)
				require.NoError(t, err)
			}
			require.True(t, sum.Equal(m), "parts sum to %s, not %s", sum, m)
		})
	}
}

func TestMoneyAllocateInvalid(t *testing.T) {
	tests := []struct {
		name    string
		amount  string
		weights []decimal.Decimal
		want    []psa.FieldError
	}{
		{"no weights", "1.00", nil, []psa.FieldError{{Field: "weights"}}},
		{"empty weights", "1.00", []decimal.Decimal{}, []psa.FieldError{{Field: "weights"}}},
		{"all zero", "1.00", decs(t, "0", "0.00"), []psa.FieldError{{Field: "weights"}}},
		{"negative weight", "1.00", decs(t, "1", "2", "-0.5"), []psa.FieldError{{Field: "weights[2]", Value: "-0.5"}}},
		{"every negative weight", "1.00", decs(t, "-1", "2", "-3"),
			[]psa.FieldError{{Field: "weights[0]", Value: "-1"}, {Field: "weights[2]", Value: "-3"}}},
		{"sum zero through negatives", "1.00", decs(t, "1", "-1"), []psa.FieldError{{Field: "weights[1]", Value: "-1"}}},
		{"not whole minor units", "0.125", decs(t, "1"), []psa.FieldError{{Field: "amount", Value: "0.125 USD"}}},
		{"bad amount and weights", "0.125", decs(t, "-1"),
			[]psa.FieldError{{Field: "amount", Value: "0.125 USD"}, {Field: "weights[0]", Value: "-1"}}},
		{"absurd exponent", "1.00", []decimal.Decimal{decimal.NewFromInt(1), decimal.New(3, -2_000_000_000)},
			[]psa.FieldError{{Field: "weights[1]", Value: "3e-2000000000"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts, err := money(t, tt.amount, "USD").Allocate(tt.weights)
			requireValidation(t, err, tt.want...)
			require.Nil(t, parts)
		})
	}
	t.Run("zero with absurd exponent is just zero", func(t *testing.T) {
		parts, err := money(t, "1.00", "USD").Allocate([]decimal.Decimal{decimal.New(0, -2_000_000_000), decimal.NewFromInt(1)})
		require.NoError(t, err)
		require.Equal(t, "1.00 USD", parts[1].String())
	})
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

// TestMoneyAllocateProperty checks Allocate's guarantees on random amounts and weights: the parts
// sum exactly to the amount, each part is less than one minor unit from its exact share, and parts
// of equal weight differ by at most one minor unit.
//
// To keep the test fast under -race, weights are drawn from pools made up front (so a case makes
// few allocations) and the checks run in integer minor units with reused big.Ints.
func TestMoneyAllocateProperty(t *testing.T) {
	cases := propertyCases(t, 100_000)
	rng := rand.New(rand.NewPCG(1, 2))

	// Weight pools: index 0 is zero. small weights have up to 4 decimals and fit uint64 arithmetic;
	// huge weights (int64 coefficients, up to 29 decimals) make Allocate leave uint64 arithmetic.
	const poolSize = 4096
	smallPool := make([]decimal.Decimal, poolSize)
	hugePool := make([]decimal.Decimal, poolSize)
	for i := 1; i < poolSize; i++ {
		smallPool[i] = decimal.New(1+rng.Int64N(100_000), -rng.Int32N(5))
		hugePool[i] = decimal.New(1+rng.Int64N(math.MaxInt64), -rng.Int32N(30))
	}

	codes := []string{"USD", "JPY", "BHD", "CLF", "CHF"}
	var (
		weights                 = make([]decimal.Decimal, 20)
		picks                   = make([]int, 20) // pool index of each weight: equal index, equal weight
		ws                      = make([]*big.Int, 20)
		ws64                    = make([]uint64, 20)
		pow10u                  = [...]uint64{1, 10, 100, 1000, 10000}
		units                   = make([]int64, 20)
		tens                    = make([]big.Int, 40) // tens[k] = 10^k
		total, bigM, off, share big.Int
	)
	for i := range ws {
		ws[i] = new(big.Int)
	}
	for k := range tens {
		tens[k].Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
	}

	for c := range cases {
		code := codes[rng.IntN(len(codes))]
		minor := rng.Int64N(1_000_000_000_001)
		if rng.IntN(4) == 0 {
			minor = rng.Int64N(100) // small amounts make many leftovers and ties
		}
		if rng.IntN(2) == 0 {
			minor = -minor
		}
		m, err := psa.MoneyFromMinor(minor, code)
		if err != nil {
			t.Fatal(err)
		}

		n := 1 + rng.IntN(20)
		huge := rng.IntN(20) == 0
		pool := smallPool
		if huge {
			pool = hugePool
		}
		positive := false
		for i := range n {
			switch r := rng.IntN(10); {
			case r < 2:
				picks[i] = 0
			case r < 4 && i > 0:
				picks[i] = picks[rng.IntN(i)] // an equal weight
			default:
				picks[i] = 1 + rng.IntN(poolSize-1)
			}
			positive = positive || picks[i] != 0
		}
		if !positive {
			picks[rng.IntN(n)] = 1 + rng.IntN(poolSize-1)
		}
		for i := range n {
			weights[i] = pool[picks[i]]
		}

		parts, err := m.Allocate(weights[:n])
		if err != nil || len(parts) != n {
			t.Fatalf("case %d: %s by %v: %d parts, error %v", c, m, weights[:n], len(parts), err)
		}

		// Scale the weights to integers w_i of one exponent, so that with M = m in minor units,
		// W = sum(w_i) and p_i = part i in minor units, |p_i - M*w_i/W| < 1 <=> |p_i*W - M*w_i| < W.
		minExp := int32(0)
		for _, w := range weights[:n] {
			minExp = min(minExp, w.Exponent())
		}
		// Small weights scale to at most 10^9 and sum to less than 2^64, so the products fit in
		// 128 bits; huge weights take big.Int.
		var total64 uint64
		total.SetInt64(0)
		for i, w := range weights[:n] { // every pooled weight has an int64 coefficient
			if !huge {
				ws64[i] = uint64(w.CoefficientInt64()) * pow10u[w.Exponent()-minExp]
				total64 += ws64[i]
				continue
			}
			ws[i].SetInt64(w.CoefficientInt64())
			ws[i].Mul(ws[i], &tens[w.Exponent()-minExp])
			total.Add(&total, ws[i])
		}
		mu, err := m.MinorUnits()
		if err != nil {
			t.Fatal(err)
		}
		bigM.SetInt64(mu)

		var sum int64
		scale := psa.MinorUnitScale(m.Currency())
		for i, p := range parts {
			// A part in the currency's minor-unit scale is its coefficient in minor units.
			if p.Currency() != m.Currency() || p.Amount().Exponent() != -scale {
				t.Fatalf("case %d: part %d is %s, not in minor units of %s", c, i, p, m.Currency())
			}
			pu := p.Amount().CoefficientInt64() // |part| <= |m| < 2^63
			units[i] = pu
			sum += pu
			var near bool
			if !huge {
				near = nearShare(abs64(pu), abs64(mu), ws64[i], total64)
			} else {
				off.Mul(off.SetInt64(pu), &total)
				share.Mul(&bigM, ws[i])
				near = off.Sub(&off, &share).CmpAbs(&total) < 0
			}
			if !near {
				t.Fatalf("case %d: %s by %v: part %d is %s, a minor unit or more from its share", c, m, weights[:n], i, p)
			}
			if p.Sign()*m.Sign() < 0 {
				t.Fatalf("case %d: %s by %v: part %d is %s, of the wrong sign", c, m, weights[:n], i, p)
			}
		}
		if sum != mu {
			t.Fatalf("case %d: %s by %v: parts %v sum to %d minor units", c, m, weights[:n], parts, sum)
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				if picks[i] == picks[j] && (units[i]-units[j] > 1 || units[j]-units[i] > 1) {
					t.Fatalf("case %d: %s by %v: equal weights %d and %d got %s and %s", c, m, weights[:n], i, j, parts[i], parts[j])
				}
			}
		}
	}
}

// nearShare reports whether |p*W - m*w| < W, in 128-bit arithmetic: whether p minor units are less
// than one minor unit from the share m*w/W.
func nearShare(p, m, w, total uint64) bool {
	ah, al := bits.Mul64(p, total)
	bh, bl := bits.Mul64(m, w)
	if ah < bh || ah == bh && al < bl {
		ah, al, bh, bl = bh, bl, ah, al
	}
	dl, borrow := bits.Sub64(al, bl, 0)
	dh, _ := bits.Sub64(ah, bh, borrow)
	return dh == 0 && dl < total
}

func abs64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

func BenchmarkAllocate(b *testing.B) {
	m := money(b, "1234567.89", "USD")
	weights := decs(b, "31", "28", "31", "30", "31", "30", "31", "31", "30", "31", "30", "31.5")
	for b.Loop() {
		if _, err := m.Allocate(weights); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMoneyQuo(t *testing.T) {
	tests := []struct {
		name, amount, cur string
		den               int64
		halfUp, halfEven  string
	}{
		{"exact", "10.00", "USD", 4, "2.50", "2.50"},
		{"below half", "0.10", "USD", 3, "0.03", "0.03"},
		{"above half", "0.20", "USD", 3, "0.07", "0.07"},
		{"half, even below", "0.25", "USD", 10, "0.03", "0.02"},
		{"half, odd below", "0.35", "USD", 10, "0.04", "0.04"},
		{"negative half", "-0.25", "USD", 10, "-0.03", "-0.02"},
		{"negative divisor", "0.25", "USD", -10, "-0.03", "-0.02"},
		{"minutes at an hourly rate", "95.00", "USD", 60, "1.58", "1.58"},
		{"95 x 7 minutes", "665.00", "USD", 60, "11.08", "11.08"},
		{"JPY", "1001", "JPY", 2, "501", "500"},
		{"BHD", "1.0005", "BHD", 1, "1.001", "1.000"},
		{"long quotient half", "1.5", "USD", 300, "0.01", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := psa.ParseMoney(tt.amount, tt.cur)
			require.NoError(t, err)
			for mode, want := range map[psa.RoundingMode]string{psa.RoundHalfUp: tt.halfUp, psa.RoundHalfEven: tt.halfEven} {
				got, err := m.Quo(tt.den, mode)
				require.NoError(t, err)
				w, err := psa.ParseMoney(want, tt.cur)
				require.NoError(t, err)
				require.True(t, got.Equal(w), "%s / %d %s = %s, want %s", m, tt.den, mode, got, w)
			}
		})
	}
	m, err := psa.ParseMoney("1.00", "USD")
	require.NoError(t, err)
	_, err = m.Quo(0, psa.RoundHalfUp)
	require.ErrorIs(t, err, psa.ErrInvalid)
}
