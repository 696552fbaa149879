package psa_test

// Fuzz targets of every parser of the root package. Each checks properties of what it parses:
// canonical forms that round-trip, exact values, and that every failure is a *psa.ValidationError
// unwrapping to psa.ErrInvalid naming the input. RELIABILITY.md lists how long each has run.

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// fuzzValidation fails t unless err is a *psa.ValidationError of object that unwraps to
// psa.ErrInvalid and whose fields are all among fields, and returns it.
func fuzzValidation(t *testing.T, err error, object string, fields ...string) *psa.ValidationError {
	t.Helper()
	ve, ok := errors.AsType[*psa.ValidationError](err)
	if !ok || !errors.Is(err, psa.ErrInvalid) {
		t.Fatalf("error %#v is not a *psa.ValidationError unwrapping to ErrInvalid", err)
	}
	if ve.Object != object || len(ve.Fields) == 0 {
		t.Fatalf("error %v: object %q with %d fields, want object %q", err, ve.Object, len(ve.Fields), object)
	}
	for _, f := range ve.Fields {
		found := false
		for _, want := range fields {
			found = found || f.Field == want || strings.HasPrefix(f.Field, want+"[") && strings.HasSuffix(f.Field, "]")
		}
		if !found {
			t.Fatalf("error %v: field %q is not one of %q", err, f.Field, fields)
		}
	}
	return ve
}

// hasField reports whether ve names field.
func hasField(ve *psa.ValidationError, field string) bool {
	for _, f := range ve.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// plainDecimal is ParseMoney's amount syntax, written independently.
var plainDecimal = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// ratOf returns d as an exact rational.
func ratOf(d decimal.Decimal) *big.Rat { return d.Rat() }

// unitOf returns one minor unit of cur (0.01 USD) as a rational.
func unitOf(cur currency.Unit) *big.Rat {
	return new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(psa.MinorUnitScale(cur))), nil))
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12.30", "-0.5", "+1.50", "1e3", "", ".5", "5.", "0.125", "\u22121", "1230",
		"007", "-0", "+0.000", "1,000.00", " 1", "1 ", "99999999999999999999999999.999999999999"} {
		f.Add(s, "USD")
	}
	f.Add("1.234", "bhd")
	f.Add("1", "XXX")
	f.Add("12", "JPY")
	f.Add("1.2345", "CLF")
	f.Add("x", "")
	f.Fuzz(func(t *testing.T, amount, code string) {
		m, err := psa.ParseMoney(amount, code)
		_, curErr := psa.ParseCurrency(code)
		plain := plainDecimal.MatchString(amount)
		if err != nil {
			ve := fuzzValidation(t, err, "money", "amount", "currency")
			if hasField(ve, "amount") == plain || hasField(ve, "currency") != (curErr != nil) {
				t.Fatalf("ParseMoney(%q, %q): error %v; plain amount %v, currency error %v", amount, code, err, plain, curErr)
			}
			if !m.Equal(psa.Money{}) {
				t.Fatalf("ParseMoney(%q, %q) failed but returned %s", amount, code, m)
			}
			return
		}
		if !plain || curErr != nil {
			t.Fatalf("ParseMoney(%q, %q) = %s, want an error", amount, code, m)
		}
		// Exact: the amount is the decimal written, with the decimals written (trailing zeros too).
		want := decimal.RequireFromString(amount)
		frac := 0
		if _, after, ok := strings.Cut(amount, "."); ok {
			frac = len(after)
		}
		if !m.Amount().Equal(want) || m.Amount().Exponent() != int32(-frac) {
			t.Fatalf("ParseMoney(%q) amount %s (exponent %d), want %s with %d decimals", amount, m.Amount(), m.Amount().Exponent(), want, frac)
		}
		// Canonical form: String parses back to the same amount and prints the same again.
		s := m.String()
		a, c, ok := strings.Cut(s, " ")
		if !ok || c != m.Currency().String() {
			t.Fatalf("%q.String() = %q", amount, s)
		}
		back, err := psa.ParseMoney(a, c)
		if err != nil || !back.Equal(m) || back.String() != s {
			t.Fatalf("String form %q of %s does not parse back: %v, %v", s, m, back, err)
		}
		// JSON round trip.
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("marshal %s: %v", m, err)
		}
		var j psa.Money
		if err := json.Unmarshal(b, &j); err != nil || !j.Equal(m) || j.String() != s {
			t.Fatalf("JSON round trip %s -> %s -> %s: %v", m, b, j, err)
		}
	})
}

func FuzzParseCurrency(f *testing.F) {
	for _, s := range []string{"USD", "usd", "Eur", "XXX", "xxx", "", "US", "USDD", "ZZZ", "XAU", "BHD", "\u0130SK", "us\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		u, err := psa.ParseCurrency(code)
		if err != nil {
			ve := fuzzValidation(t, err, "money", "currency")
			if ve.Fields[0].Value != code || u != currency.XXX {
				t.Fatalf("ParseCurrency(%q): %v, %v", code, u, err)
			}
			return
		}
		iso := u.String()
		if u == currency.XXX || len(iso) != 3 || strings.ToUpper(iso) != iso || !strings.EqualFold(code, iso) || len(code) != 3 {
			t.Fatalf("ParseCurrency(%q) = %q", code, iso)
		}
		for _, alt := range []string{iso, strings.ToLower(iso)} {
			if v, err := psa.ParseCurrency(alt); err != nil || v != u {
				t.Fatalf("ParseCurrency(%q) = %v, %v; want %v as for %q", alt, v, err, u, code)
			}
		}
		if _, err := psa.NewMoney(decimal.Zero, u); err != nil {
			t.Fatalf("NewMoney in %s: %v", iso, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-01-31", "2024-02-29", "2026-02-29", "0001-01-01", "9999-12-31", "0000-01-01",
		"2026-1-5", "", "20260101", " 2026-01-01", "2026-13-01", "+026-01-01", "2026-01-3a",
		"1900-02-29", "2000-02-29", "2026-04-31", "2026-00-10", "2026-01-00", "2026-01-01T00:00:00Z",
	} {
		f.Add(s)
	}
	sentinel := psa.NewDate(2026, time.March, 9)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := psa.ParseDate(s)
		// time.Parse with the same strict layout is the reference.
		tm, terr := time.Parse(time.DateOnly, s)
		wantOK := terr == nil && tm.Year() >= 1
		if (err == nil) != wantOK {
			t.Fatalf("ParseDate(%q) error = %v; time.Parse error = %v", s, err, terr)
		}
		u := sentinel
		uerr := u.UnmarshalText([]byte(s))
		if err != nil {
			ve := fuzzValidation(t, err, "date", "date")
			if ve.Fields[0].Value != s || !d.IsZero() {
				t.Fatalf("ParseDate(%q): %v, %v", s, d, err)
			}
			switch {
			case s == "":
				if uerr != nil || !u.IsZero() {
					t.Fatalf("UnmarshalText of empty text: %v, %v", u, uerr)
				}
			case uerr == nil || u != sentinel:
				t.Fatalf("UnmarshalText(%q) = %v, %v; want an error and no change", s, u, uerr)
			}
			return
		}
		if d != psa.DateOf(tm) || d.IsZero() {
			t.Fatalf("ParseDate(%q) = %v, time.Parse gives %v", s, d, tm)
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		if uerr != nil || u != d {
			t.Fatalf("UnmarshalText(%q) = %v, %v; ParseDate gives %v", s, u, uerr, d)
		}
		text, err := d.MarshalText()
		if err != nil || string(text) != s {
			t.Fatalf("%v.MarshalText() = %q, %v", d, text, err)
		}
		y, m, day := d.Date()
		if psa.NewDate(y, m, day) != d || psa.DaysBetween(psa.NewDate(1, time.January, 1), d) != int((tm.Unix()-time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix())/86400) {
			t.Fatalf("%v: civil fields or day number disagree with time.Time", d)
		}
	})
}

func FuzzParsePaymentTerms(f *testing.F) {
	for _, s := range []string{"net 30", "net30", "NET 30", "Net 0", "due on receipt", "DUE ON RECEIPT", " net 14 ",
		"net 365", "net 366", "net -1", "net -0", "net +30", "net 030", "net", "", "net 3 0", "net 9999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := psa.ParsePaymentTerms(s)
		u := psa.DueOnReceipt()
		uerr := u.UnmarshalText([]byte(s))
		if err != nil {
			ve := fuzzValidation(t, err, "payment terms", "paymentTerms")
			if ve.Fields[0].Value != s && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "net") || !p.IsZero() {
				t.Fatalf("ParsePaymentTerms(%q): %v, %v", s, p, err)
			}
			switch {
			case s == "":
				if uerr != nil || !u.IsZero() {
					t.Fatalf("UnmarshalText of empty text: %v, %v", u, uerr)
				}
			case uerr == nil || u != psa.DueOnReceipt():
				t.Fatalf("UnmarshalText(%q) = %v, %v; want an error and no change", s, u, uerr)
			}
			return
		}
		if p.IsZero() || p.Days() < 0 || p.Days() > psa.MaxNetDays {
			t.Fatalf("ParsePaymentTerms(%q) = %+v", s, p)
		}
		// Only the documented forms: "due on receipt" or "net" and decimal digits, in any case,
		// with surrounding white space.
		norm := strings.ToLower(strings.TrimSpace(s))
		if norm != "due on receipt" {
			digits := strings.TrimSpace(strings.TrimPrefix(norm, "net"))
			n, convErr := strconv.Atoi(digits)
			if !strings.HasPrefix(norm, "net") || digits == "" || strings.TrimLeft(digits, "0123456789") != "" || convErr != nil || n != p.Days() {
				t.Fatalf("ParsePaymentTerms(%q) = %v: not a documented form", s, p)
			}
		}
		canon := p.String()
		if back, err := psa.ParsePaymentTerms(canon); err != nil || back != p {
			t.Fatalf("%q -> %q does not parse back: %v, %v", s, canon, back, err)
		}
		if uerr != nil || u != p {
			t.Fatalf("UnmarshalText(%q) = %v, %v; ParsePaymentTerms gives %v", s, u, uerr, p)
		}
		if text, err := p.MarshalText(); err != nil || string(text) != canon {
			t.Fatalf("MarshalText of %v = %q, %v", p, text, err)
		}
		d := psa.NewDate(2026, time.January, 31)
		if psa.DaysBetween(d, p.DueDate(d)) != p.Days() {
			t.Fatalf("%v: due date %v of %v", p, p.DueDate(d), d)
		}
	})
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"0190c3a2-7b4e-7c3d-9a1b-2c3d4e5f6a7b", "0190C3A2-7B4E-7C3D-9A1B-2C3D4E5F6A7B",
		"urn:uuid:0190c3a2-7b4e-7c3d-9a1b-2c3d4e5f6a7b", "{0190c3a2-7b4e-7c3d-9a1b-2c3d4e5f6a7b}",
		"0190c3a27b4e7c3d9a1b2c3d4e5f6a7b", "00000000-0000-0000-0000-000000000000", "", "x", "0190c3a2-7b4e-7c3d-9a1b-2c3d4e5f6a7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := psa.ParseID[psa.InvoiceID]("invoiceId", s)
		if err != nil {
			ve := fuzzValidation(t, err, "identifier", "invoiceId")
			if ve.Fields[0].Value != s || !psa.IsNil(id) {
				t.Fatalf("ParseID(%q): %v, %v", s, id, err)
			}
			return
		}
		canon := id.String()
		if len(canon) != 36 || strings.ToLower(canon) != canon {
			t.Fatalf("ParseID(%q).String() = %q", s, canon)
		}
		if !strings.Contains(strings.ToLower(strings.ReplaceAll(s, "-", "")), strings.ReplaceAll(canon, "-", "")) {
			t.Fatalf("ParseID(%q) = %q: the hex digits differ", s, canon)
		}
		back, err := psa.ParseID[psa.InvoiceID]("invoiceId", canon)
		if err != nil || back != id {
			t.Fatalf("%q does not parse back: %v, %v", canon, back, err)
		}
		var c psa.ClientID
		if err := c.UnmarshalText([]byte(canon)); err != nil || c.UUID != id.UUID {
			t.Fatalf("UnmarshalText(%q) = %v, %v", canon, c, err)
		}
	})
}

func FuzzRoundingModeUnmarshalText(f *testing.F) {
	for _, s := range []string{"half-up", "half-even", "", "HALF-UP", "half_up", "half-up ", "half-even\x00"} {
		f.Add(s, 0)
	}
	f.Add("x", 7)
	f.Add("x", -1)
	f.Fuzz(func(t *testing.T, s string, n int) {
		m := psa.RoundHalfEven
		err := m.UnmarshalText([]byte(s))
		switch s {
		case "half-up", "half-even":
			if err != nil || m.String() != s {
				t.Fatalf("UnmarshalText(%q) = %v, %v", s, m, err)
			}
			text, err := m.MarshalText()
			if err != nil || string(text) != s {
				t.Fatalf("MarshalText of %v = %q, %v", m, text, err)
			}
		default:
			fuzzValidation(t, err, "rounding mode", "rounding")
			if m != psa.RoundHalfEven {
				t.Fatalf("UnmarshalText(%q) changed the mode to %v", s, m)
			}
		}
		// Marshalling any int: the two modes round-trip, every other value is an error.
		mode := psa.RoundingMode(n)
		text, err := mode.MarshalText()
		if mode != psa.RoundHalfUp && mode != psa.RoundHalfEven {
			fuzzValidation(t, err, "rounding mode", "rounding")
			return
		}
		var back psa.RoundingMode
		if err != nil || back.UnmarshalText(text) != nil || back != mode {
			t.Fatalf("%d: MarshalText %q, %v; back %v", n, text, err, back)
		}
	})
}

func FuzzMoneyUnmarshalJSON(f *testing.F) {
	for _, s := range []string{`{"amount":"12.30","currency":"USD"}`, `null`, ` null `, `{}`, `{"amount":12.3,"currency":"USD"}`,
		`{"amount":"1e3","currency":"USD"}`, `{"amount":"1","currency":"xxx"}`, `{"amount":"1"}`, `[]`, `"12.30 USD"`,
		`{"amount":"1","currency":"usd","extra":true}`, `{"amount":"1","amount":"2","currency":"EUR"}`,
		`{"amount":null,"currency":null}`, `{"amount":"\u0031","currency":"EUR"}`, `{`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		before, err := psa.ParseMoney("1.23", "EUR")
		if err != nil {
			t.Fatal(err)
		}
		m := before
		err = m.UnmarshalJSON(b)
		if err != nil {
			fuzzValidation(t, err, "money", "money", "amount", "currency")
			if !m.Equal(before) || m.String() != before.String() {
				t.Fatalf("UnmarshalJSON(%q) failed and changed the value to %s", b, m)
			}
			return
		}
		if !json.Valid(b) {
			t.Fatalf("UnmarshalJSON accepted invalid JSON %q", b)
		}
		if string(bytes.TrimSpace(b)) == "null" {
			if !m.Equal(before) {
				t.Fatalf("null changed the value to %s", m)
			}
			return
		}
		if m.Currency() == currency.XXX {
			t.Fatalf("UnmarshalJSON(%q) = %s: no currency", b, m)
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("marshal %s: %v", m, err)
		}
		var back psa.Money
		if err := json.Unmarshal(out, &back); err != nil || !back.Equal(m) || back.String() != m.String() {
			t.Fatalf("%q -> %s -> %s -> %s: %v", b, m, out, back, err)
		}
		// The decoder agrees when the value is a member of a larger document.
		var doc struct{ M psa.Money }
		if err := json.Unmarshal([]byte(`{"M":`+string(b)+`}`), &doc); err != nil || !doc.M.Equal(m) {
			t.Fatalf("as a member: %v, %v", doc.M, err)
		}
	})
}

// fuzzWeights parses a comma-separated list of decimals, or reports false.
func fuzzWeights(s string) ([]decimal.Decimal, bool) {
	if len(s) > 200 {
		return nil, false
	}
	var ws []decimal.Decimal
	for _, part := range strings.Split(s, ",") {
		d, err := decimal.NewFromString(part)
		if err != nil || d.Exponent() > 30 || d.Exponent() < -30 {
			return nil, false
		}
		ws = append(ws, d)
	}
	return ws, true
}

func FuzzAllocate(f *testing.F) {
	f.Add("100.00", "USD", "1,1,1")
	f.Add("-0.05", "USD", "1,2")
	f.Add("1000", "JPY", "0.3,0.3,0.4")
	f.Add("1.001", "BHD", "31,28,31,30")
	f.Add("0.01", "USD", "0,0,1")
	f.Add("5.00", "USD", "0,0")
	f.Add("5.00", "USD", "-1,2")
	f.Add("0.125", "USD", "1")
	f.Add("99999999999999999999.99", "USD", "3,7,0.000001,123456789012345678901234567890")
	f.Fuzz(func(t *testing.T, amount, code, weights string) {
		if len(amount) > 100 {
			return
		}
		m, err := psa.ParseMoney(amount, code)
		if err != nil {
			return
		}
		ws, ok := fuzzWeights(weights)
		if !ok {
			return
		}
		parts, err := m.Allocate(ws)
		if err != nil {
			fuzzValidation(t, err, "allocation", "amount", "weights")
			positive := false
			for _, w := range ws {
				positive = positive || w.Sign() > 0
			}
			negative := false
			for _, w := range ws {
				negative = negative || w.Sign() < 0
			}
			if m.IsRounded() && positive && !negative {
				t.Fatalf("Allocate(%s, %v): %v", m, ws, err)
			}
			return
		}
		if !m.IsRounded() || len(parts) != len(ws) {
			t.Fatalf("Allocate(%s, %v) = %v", m, ws, parts)
		}
		total := new(big.Rat)
		for _, w := range ws {
			total.Add(total, ratOf(w))
		}
		unit := unitOf(m.Currency())
		sum := psa.ZeroMoney(m.Currency())
		for i, p := range parts {
			if p.Currency() != m.Currency() || !p.IsRounded() || p.Amount().Exponent() != -psa.MinorUnitScale(m.Currency()) {
				t.Fatalf("part %d of %s: %s", i, m, p)
			}
			if p.Sign()*m.Sign() < 0 || ws[i].IsZero() && !p.IsZero() {
				t.Fatalf("part %d of %s by %v: %s", i, m, ws, p)
			}
			// Less than one minor unit from the exact share m x w / W.
			share := new(big.Rat).Mul(ratOf(m.Amount()), ratOf(ws[i]))
			share.Quo(share, total)
			dist := new(big.Rat).Sub(ratOf(p.Amount()), share)
			if dist.Abs(dist).Cmp(unit) >= 0 {
				t.Fatalf("part %d of %s by %v: %s is %s from its share %s", i, m, ws, p, dist.FloatString(6), share.FloatString(6))
			}
			if sum, err = sum.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		if !sum.Equal(m) {
			t.Fatalf("Allocate(%s, %v) = %v, summing to %s", m, ws, parts, sum)
		}
	})
}

// checkRounded checks that r is x rounded to a multiple of unit in mode: at most half a unit
// away, and a tie broken as mode says.
func checkRounded(t *testing.T, what string, x, r, unit *big.Rat, mode psa.RoundingMode) {
	t.Helper()
	q := new(big.Rat).Quo(r, unit)
	if !q.IsInt() {
		t.Fatalf("%s: %s is not a multiple of %s", what, r.FloatString(10), unit.FloatString(10))
	}
	dist := new(big.Rat).Sub(r, x)
	twice := new(big.Rat).Add(dist, dist)
	switch twice.Abs(twice).Cmp(unit) {
	case 1:
		t.Fatalf("%s: %s is more than half of %s from %s", what, r.FloatString(10), unit.FloatString(10), x.FloatString(10))
	case 0: // a tie
		away := r.Sign() != 0 && new(big.Rat).Abs(r).Cmp(new(big.Rat).Abs(x)) > 0
		even := new(big.Int).Rem(q.Num(), big.NewInt(2)).Sign() == 0
		if mode == psa.RoundHalfUp && !away || mode == psa.RoundHalfEven && !even {
			t.Fatalf("%s: tie %s rounded %s to %s", what, x.FloatString(10), mode, r.FloatString(10))
		}
	}
}

func FuzzMoneyRound(f *testing.F) {
	for _, s := range []string{"0.125", "-0.125", "0.135", "2.5", "1.005", "-1.995", "0.025", "0.075", "12.30", "0"} {
		f.Add(s, "USD", int64(3))
	}
	f.Add("0.025", "CHF", int64(-2))
	f.Add("1.25", "DKK", int64(60))
	f.Add("12.5", "SEK", int64(0))
	f.Add("1.0005", "BHD", int64(1))
	f.Add("665.00", "USD", int64(60))
	f.Add("1.5", "USD", int64(-9223372036854775808))
	f.Fuzz(func(t *testing.T, amount, code string, den int64) {
		if len(amount) > 200 {
			return
		}
		m, err := psa.ParseMoney(amount, code)
		if err != nil {
			return
		}
		x := ratOf(m.Amount())
		unit := unitOf(m.Currency())
		scale := psa.MinorUnitScale(m.Currency())
		for _, mode := range []psa.RoundingMode{psa.RoundHalfUp, psa.RoundHalfEven} {
			r := m.Round(mode)
			if !r.IsRounded() || r.Amount().Exponent() != -scale || r.Currency() != m.Currency() {
				t.Fatalf("%s.Round(%s) = %s", m, mode, r)
			}
			checkRounded(t, m.String()+" Round "+mode.String(), x, ratOf(r.Amount()), unit, mode)
			// A rounded amount is a whole number of minor units and comes back from them.
			if u, err := r.MinorUnits(); err == nil {
				back, err := psa.MoneyFromMinor(u, m.Currency().String())
				if err != nil || !back.Equal(r) {
					t.Fatalf("%s: %d minor units back to %s, %v", r, u, back, err)
				}
			} else {
				fuzzValidation(t, err, "money", "amount")
				if len(r.Amount().Coefficient().String()) < 19 {
					t.Fatalf("%s.MinorUnits(): %v", r, err)
				}
			}
			cash := m.RoundCash(mode)
			cscale, incr := currency.Cash.Rounding(m.Currency())
			inc := new(big.Rat).SetFrac(big.NewInt(int64(max(incr, 1))), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(cscale)), nil))
			checkRounded(t, m.String()+" RoundCash "+mode.String(), x, ratOf(cash.Amount()), inc, mode)
			if den == 0 {
				if _, err := m.Quo(den, mode); err == nil {
					t.Fatalf("%s / 0 did not fail", m)
				}
				continue
			}
			q, err := m.Quo(den, mode)
			if err != nil {
				t.Fatalf("%s / %d: %v", m, den, err)
			}
			exact := new(big.Rat).Quo(x, new(big.Rat).SetInt64(den))
			checkRounded(t, m.String()+" Quo "+strconv.FormatInt(den, 10)+" "+mode.String(), exact, ratOf(q.Amount()), unit, mode)
		}
	})
}

func FuzzValidators(f *testing.F) {
	for _, s := range [][2]string{{"ann@example.com", "US"}, {"Ann <ann@example.com>", "us"}, {"ann@example", "UK"},
		{"@example.com", "GB"}, {"ann@.example.com", "DE"}, {"ann@example.com.", "XX"}, {"\"a b\"@example.com", "ZZ"},
		{"a@b.c ", "001"}, {"ann@exämple.de", "AA"}, {"(c)ann@example.com", "QO"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, email, country string) {
		if psa.ValidEmail(email) {
			at := strings.LastIndexByte(email, '@')
			if at <= 0 || !utf8.ValidString(email) || strings.IndexFunc(email, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 ||
				strings.ContainsAny(email, "<>()") || !strings.Contains(email[at+1:], ".") {
				t.Fatalf("ValidEmail(%q) = true", email)
			}
		}
		var v psa.Validator
		v.Email("email", email, true)
		if v.OK() != psa.ValidEmail(email) {
			t.Fatalf("Validator.Email(%q) disagrees with ValidEmail", email)
		}
		var c psa.Validator
		c.Country("country", country)
		if c.OK() {
			if len(country) != 2 || strings.Trim(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
				t.Fatalf("Country(%q) accepted", country)
			}
			return
		}
		fuzzValidation(t, c.Err("address"), "address", "country")
	})
}
