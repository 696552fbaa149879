package psa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// RoundingMode says how a value exactly halfway between two candidates is rounded. Values that are
// not halfway always go to the nearer candidate. The zero value is RoundHalfUp.
type RoundingMode int

const (
	// RoundHalfUp rounds halves away from zero: 2.5 -> 3, -2.5 -> -3. It is the default (the zero
	// value).
	RoundHalfUp RoundingMode = iota
	// RoundHalfEven rounds halves to the even neighbour (banker's rounding): 2.5 -> 2, 3.5 -> 4,
	// -2.5 -> -2.
	RoundHalfEven
)

// String returns "half-up" or "half-even", or "RoundingMode(n)" for a value that is not a mode.
func (m RoundingMode) String() string {
	switch m {
	case RoundHalfUp:
		return "half-up"
	case RoundHalfEven:
		return "half-even"
	}
	return "RoundingMode(" + strconv.Itoa(int(m)) + ")"
}

// MarshalText returns the mode's name as String gives it. A value that is not a mode gives a
// *ValidationError for field "rounding".
func (m RoundingMode) MarshalText() ([]byte, error) {
	switch m {
	case RoundHalfUp, RoundHalfEven:
		return []byte(m.String()), nil
	}
	return nil, Invalid("rounding mode", "rounding", m.String(), `is not "half-up" or "half-even"`)
}

// UnmarshalText sets m from its name, "half-up" or "half-even" (exactly, lower case). Any other
// text, the empty text included, gives a *ValidationError for field "rounding" and leaves m
// unchanged.
func (m *RoundingMode) UnmarshalText(b []byte) error {
	switch string(b) {
	case "half-up":
		*m = RoundHalfUp
	case "half-even":
		*m = RoundHalfEven
	default:
		return Invalid("rounding mode", "rounding", string(b), `is not "half-up" or "half-even"`)
	}
	return nil
}

// Round rounds d to places decimal places in mode m. The result has exactly places decimal places
// (exponent -places). A value of m that is not a mode rounds half-up.
func (m RoundingMode) Round(d decimal.Decimal, places int32) decimal.Decimal {
	if m == RoundHalfEven {
		return d.RoundBank(places)
	}
	return d.Round(places)
}

// Money is an amount of a currency: an exact decimal and an ISO 4217 currency. It is an immutable
// value; copy it freely. Arithmetic is exact and never rounds implicitly: Round, RoundCash and
// Allocate are the only operations that round, and they take the mode explicitly. Amounts of
// different currencies do not mix: Add, Sub and Cmp fail with a *CurrencyMismatchError.
//
// The zero value is the amount 0 of no currency (currency.XXX). No constructor makes a Money of no
// currency, and it marshals to JSON null.
//
// Compare amounts with Equal or Cmp, never with ==, which compares representations (1.5 and 1.50
// are equal amounts with different representations).
type Money struct {
	amount decimal.Decimal
	cur    currency.Unit
}

const moneyObject = "money"

// ParseCurrency parses an ISO 4217 currency code, in any letter case ("usd" is USD). The empty
// string, a malformed or unknown code and "XXX" (the code for "no currency") give a
// *ValidationError for field "currency" whose value is code.
func ParseCurrency(code string) (currency.Unit, error) {
	u, err := currency.ParseISO(code)
	if err != nil || u == currency.XXX {
		return currency.XXX, Invalid(moneyObject, "currency", code, "is not an ISO 4217 currency code")
	}
	return u, nil
}

// NewMoney returns amount of cur, exactly as given (no rounding). A cur of no currency (the zero
// Unit, currency.XXX) gives a *ValidationError for field "currency".
func NewMoney(amount decimal.Decimal, cur currency.Unit) (Money, error) {
	if cur == currency.XXX {
		return Money{}, Invalid(moneyObject, "currency", cur.String(), "is not an ISO 4217 currency code")
	}
	return Money{amount: amount, cur: cur}, nil
}

// ParseMoney parses amount in plain decimal notation and currencyCode as ParseCurrency does. The
// amount is an optional sign ('-' or '+'), one or more ASCII digits, and optionally a '.' followed
// by one or more digits: "12.30", "-0.5", "+1.50", "1000", "007". Exponents ("1e3"), white space,
// thousands separators, a bare point (".5", "5.") and the Unicode minus sign are rejected. The
// amount is kept exactly, trailing zeros included. Every broken rule is reported in one
// *ValidationError, with fields "amount" and "currency".
func ParseMoney(amount, currencyCode string) (Money, error) {
	var v Validator
	d, okAmount := parsePlainDecimal(amount)
	if !okAmount {
		v.Add("amount", amount, "is not a decimal number in plain notation")
	}
	cur, err := ParseCurrency(currencyCode)
	mergeFields(&v, err)
	if err := v.Err(moneyObject); err != nil {
		return Money{}, err
	}
	return Money{amount: d, cur: cur}, nil
}

// mergeFields adds the fields of err, a *ValidationError made by this file, to v unchanged (unlike
// Validator.Merge, which prefixes them).
func mergeFields(v *Validator, err error) {
	if err == nil {
		return
	}
	if ve, ok := errors.AsType[*ValidationError](err); ok {
		for _, f := range ve.Fields {
			v.Add(f.Field, f.Value, f.Reason)
		}
		return
	}
	v.Add("", "", err.Error())
}

// parsePlainDecimal parses s when it is in plain decimal notation: [+-]digits[.digits].
func parsePlainDecimal(s string) (decimal.Decimal, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return decimal.Decimal{}, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		frac := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == frac {
			return decimal.Decimal{}, false
		}
	}
	if i != len(s) {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, false
	}
	return d, true
}

// MoneyFromMinor returns minor minor units of the currency named by currencyCode (parsed as
// ParseCurrency does), using the currency's minor unit from MinorUnitScale: 1230 USD is 12.30,
// 1230 JPY is 1230 and 1230 BHD is 1.230.
func MoneyFromMinor(minor int64, currencyCode string) (Money, error) {
	cur, err := ParseCurrency(currencyCode)
	if err != nil {
		return Money{}, err
	}
	return Money{amount: decimal.New(minor, -MinorUnitScale(cur)), cur: cur}, nil
}

// ZeroMoney returns the amount 0 of cur, with the currency's minor-unit scale (0.00 USD).
func ZeroMoney(cur currency.Unit) Money {
	scale := MinorUnitScale(cur)
	if scale >= 0 && int(scale) < len(zeros) {
		return Money{amount: zeros[scale], cur: cur} // decimals are immutable: one zero serves all
	}
	return Money{amount: decimal.New(0, -scale), cur: cur}
}

// zeros are the zero amounts at the minor-unit scales of the currencies (0 to 4 decimals).
var zeros = [...]decimal.Decimal{decimal.New(0, 0), decimal.New(0, -1), decimal.New(0, -2), decimal.New(0, -3), decimal.New(0, -4)}

// MinorUnitScale returns the number of decimal places of cur's minor unit, as
// currency.Standard.Rounding reports it (CLDR data): USD 2, JPY 0, BHD 3, KWD 3, CLF 4. No
// currency (XXX) reports 2.
//
// CLDR's digits differ from ISO 4217's minor units for some currencies whose smallest coins are
// out of use: CLDR gives 0 for IQD, COP, PKR, RSD and others that ISO 4217 gives 2 or 3.
func MinorUnitScale(cur currency.Unit) int32 {
	scale, _ := currency.Standard.Rounding(cur)
	return int32(scale)
}

// Amount returns the amount, exactly as held (not rounded).
func (m Money) Amount() decimal.Decimal { return m.amount }

// Currency returns the currency; currency.XXX for the zero value.
func (m Money) Currency() currency.Unit { return m.cur }

// Add returns m + o. Amounts of different currencies give a *CurrencyMismatchError.
func (m Money) Add(o Money) (Money, error) {
	if m.cur != o.cur {
		return Money{}, &CurrencyMismatchError{Op: "add", Left: m.cur, Right: o.cur}
	}
	return Money{amount: m.amount.Add(o.amount), cur: m.cur}, nil
}

// Sub returns m - o. Amounts of different currencies give a *CurrencyMismatchError.
func (m Money) Sub(o Money) (Money, error) {
	if m.cur != o.cur {
		return Money{}, &CurrencyMismatchError{Op: "subtract", Left: m.cur, Right: o.cur}
	}
	return Money{amount: m.amount.Sub(o.amount), cur: m.cur}, nil
}

// Neg returns -m.
func (m Money) Neg() Money { return Money{amount: m.amount.Neg(), cur: m.cur} }

// Abs returns |m|.
func (m Money) Abs() Money { return Money{amount: m.amount.Abs(), cur: m.cur} }

// Mul returns m x d exactly, without rounding: 10.00 USD x 0.125 is 1.25000 USD. Round the result
// explicitly when it is charged.
//
// A product that decimal.Decimal cannot represent, because its exponent would leave the int32
// range (a factor of more than two billion decimal places, which no parsed value has), is
// returned as 0 instead of panicking.
func (m Money) Mul(d decimal.Decimal) Money {
	a := m.amount
	if e := int64(a.Exponent()) + int64(d.Exponent()); e < math.MinInt32 || e > math.MaxInt32 {
		a, d = a.Normalize(), d.Normalize()
		if e := int64(a.Exponent()) + int64(d.Exponent()); e < math.MinInt32 || e > math.MaxInt32 {
			return Money{amount: decimal.Decimal{}, cur: m.cur}
		}
	}
	return Money{amount: a.Mul(d), cur: m.cur}
}

// Cmp compares m and o: -1 if m < o, 0 if they are equal, +1 if m > o. Amounts of different
// currencies give a *CurrencyMismatchError.
func (m Money) Cmp(o Money) (int, error) {
	if m.cur != o.cur {
		return 0, &CurrencyMismatchError{Op: "compare", Left: m.cur, Right: o.cur}
	}
	return m.amount.Cmp(o.amount), nil
}

// Equal reports whether m and o have the same currency and numerically equal amounts (1.5 USD
// equals 1.50 USD; 0 USD does not equal 0 EUR).
func (m Money) Equal(o Money) bool {
	return m.cur == o.cur && m.amount.Equal(o.amount)
}

// IsZero reports whether the amount is zero, whatever the currency.
//
// encoding/json's omitzero option calls IsZero, so a field tagged omitzero is left out for every
// zero amount (0.00 USD included), not only for the zero value Money{}.
func (m Money) IsZero() bool { return m.amount.IsZero() }

// Sign returns -1, 0 or +1 as the amount is negative, zero or positive.
func (m Money) Sign() int { return m.amount.Sign() }

// Round returns m rounded to its currency's minor unit (MinorUnitScale: 2 decimals for USD, 0 for
// JPY, 3 for BHD) in mode. The result has exactly that many decimals.
func (m Money) Round(mode RoundingMode) Money {
	return Money{amount: mode.Round(m.amount, MinorUnitScale(m.cur)), cur: m.cur}
}

// RoundCash returns m rounded in mode to the smallest amount its currency is paid in cash
// (currency.Cash, CLDR data): 0.05 for CHF and CAD, 0.50 for DKK, 1 for SEK, NOK, HUF and CZK,
// the minor unit for most others (0.01 USD, 1 JPY). The result has the cash scale's decimals.
//
// The rounding is exact: m is divided by the increment with an integer quotient and an exact
// remainder, the quotient is moved away from zero when the remainder is more than half the
// increment (or exactly half, in mode), and multiplied back.
func (m Money) RoundCash(mode RoundingMode) Money {
	scale, incr := currency.Cash.Rounding(m.cur)
	if incr <= 1 {
		return Money{amount: mode.Round(m.amount, int32(scale)), cur: m.cur}
	}
	return Money{amount: roundToIncrement(m.amount, decimal.New(int64(incr), -int32(scale)), mode), cur: m.cur}
}

// roundToIncrement rounds d to a whole multiple of inc (> 0) in mode, exactly.
func roundToIncrement(d, inc decimal.Decimal, mode RoundingMode) decimal.Decimal {
	// Exponents near the int32 limits are out of QuoRem's range; no amount parsed from text or
	// computed from such amounts has them. A whole number of 10^(2^31-64) is a multiple of any
	// increment CLDR lists; an amount below 10^-(2^31-64) per coefficient digit rounds to 0.
	switch e := d.Exponent(); {
	case e > math.MaxInt32-64:
		return d
	case e < math.MinInt32+64:
		return decimal.New(0, inc.Exponent())
	}
	q, r := d.QuoRem(inc, 0) // d = q*inc + r; q an integer, truncated toward zero; r has d's sign
	if r.Sign() != 0 {
		abs := r.Abs()
		c := abs.Add(abs).Cmp(inc) // compare |r| with inc/2
		if c > 0 || c == 0 && (mode != RoundHalfEven || q.BigInt().Bit(0) == 1) {
			if d.Sign() < 0 {
				q = q.Sub(decimal.New(1, 0))
			} else {
				q = q.Add(decimal.New(1, 0))
			}
		}
	}
	return q.Mul(inc)
}

// IsRounded reports whether m is a whole number of its currency's minor units (12.30 USD and
// 12.300 USD are; 12.305 USD is not).
func (m Money) IsRounded() bool {
	return isWholeMultiple(m.amount, MinorUnitScale(m.cur))
}

// isWholeMultiple reports whether d is a whole multiple of 10^-scale.
func isWholeMultiple(d decimal.Decimal, scale int32) bool {
	k := -int64(d.Exponent()) - int64(scale) // decimals beyond scale
	if k <= 0 {
		return true
	}
	if d.Sign() == 0 {
		return true
	}
	digits := int64(d.NumDigits())
	if k > digits {
		return false
	}
	if digits <= 18 {
		return d.CoefficientInt64()%int64(pow10u[k]) == 0
	}
	var r big.Int
	return r.Rem(d.Coefficient(), pow10(k)).Sign() == 0
}

// pow10 returns 10^n for n >= 0.
func pow10(n int64) *big.Int {
	if n < int64(len(pow10u)) {
		return new(big.Int).SetUint64(pow10u[n])
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}

// minorUnits returns |d| x 10^scale as an integer; d must be a whole multiple of 10^-scale.
func minorUnits(d decimal.Decimal, scale int32) *big.Int {
	c := new(big.Int).Abs(d.Coefficient())
	switch e := int64(d.Exponent()) + int64(scale); {
	case e > 0:
		c.Mul(c, pow10(e))
	case e < 0:
		c.Quo(c, pow10(-e))
	}
	return c
}

// MinorUnits returns m as a whole number of its currency's minor units: 12.30 USD is 1230, 1230
// JPY is 1230, 1.230 BHD is 1230. An amount that is not a whole number of minor units (0.125 USD)
// or does not fit in an int64 gives a *ValidationError for field "amount"; round it first.
func (m Money) MinorUnits() (int64, error) {
	scale := MinorUnitScale(m.cur)
	if !isWholeMultiple(m.amount, scale) {
		return 0, Invalid(moneyObject, "amount", m.String(), "is not a whole number of minor units")
	}
	if u, ok := smallMinorUnits(m.amount, scale); ok && u <= math.MaxInt64 {
		if m.amount.Sign() < 0 {
			return -int64(u), nil
		}
		return int64(u), nil
	}
	if m.amount.Sign() != 0 && int64(m.amount.NumDigits())+int64(m.amount.Exponent())+int64(scale) > 19 {
		return 0, Invalid(moneyObject, "amount", m.String(), "is out of the int64 range of minor units")
	}
	u := minorUnits(m.amount, scale)
	if m.amount.Sign() < 0 {
		u.Neg(u)
	}
	if !u.IsInt64() {
		return 0, Invalid(moneyObject, "amount", m.String(), "is out of the int64 range of minor units")
	}
	return u.Int64(), nil
}

// maxWeightExponent bounds the exponent of an allocation weight (after trailing zeros are
// removed), so that no weight can make Allocate's integer arithmetic unbounded.
const maxWeightExponent = 1000

// Allocate splits m into len(weights) parts proportional to weights by the largest-remainder
// method, so that the parts sum exactly to m.
//
// m must be a whole number of its currency's minor units, else a *ValidationError for field
// "amount" (round it first). weights must be non-empty, each >= 0 and within 10^±1000, with a
// positive sum, else a *ValidationError for field "weights" or "weights[i]" naming the bad
// weight. Zero weights are allowed and get zero parts.
//
// With M the number of minor units of |m| and W the sum of the weights, line i's exact share is
// M x w_i / W. Each line first gets the whole part of its share; the units left over go one each
// to the lines with the largest remainders, and equal remainders go to the earlier line. All of
// this is exact integer arithmetic. A negative m is split as |m| and every part negated. So the
// parts sum to m, each part is less than one minor unit from its exact share, and lines of equal
// weight differ by at most one minor unit. Parts have the currency's minor-unit scale.
func (m Money) Allocate(weights []decimal.Decimal) ([]Money, error) {
	scale := MinorUnitScale(m.cur)
	var v Validator
	if !isWholeMultiple(m.amount, scale) {
		v.Add("amount", m.String(), "is not a whole number of minor units")
	}
	ws, minExp := checkWeights(weights, &v)
	if err := v.Err("allocation"); err != nil {
		return nil, err
	}

	parts := make([]Money, len(ws))
	neg := m.amount.Sign() < 0
	if units, ok := smallMinorUnits(m.amount, scale); ok {
		if ints, total, ok := smallWeights(ws, minExp); ok {
			zero := decimal.New(0, -scale) // shared by the zero parts: decimals are immutable
			for i, q := range allocateSmall(units, ints, total) {
				a := zero
				if q != 0 {
					a = minorAmount(q, neg, scale)
				}
				parts[i] = Money{amount: a, cur: m.cur}
			}
			return parts, nil
		}
	}
	for i, q := range allocateBig(minorUnits(m.amount, scale), bigWeights(ws, minExp)) {
		if neg {
			q.Neg(q)
		}
		parts[i] = Money{amount: decimal.NewFromBigInt(q, -scale), cur: m.cur}
	}
	return parts, nil
}

// minorAmount returns q minor units of scale as an amount, negated when neg.
func minorAmount(q uint64, neg bool, scale int32) decimal.Decimal {
	if q <= math.MaxInt64 {
		if neg {
			return decimal.New(-int64(q), -scale)
		}
		return decimal.New(int64(q), -scale)
	}
	b := new(big.Int).SetUint64(q)
	if neg {
		b.Neg(b)
	}
	return decimal.NewFromBigInt(b, -scale)
}

// checkWeights validates weights into v. It returns them with their exponents within
// ±maxWeightExponent, and the smallest exponent of a nonzero weight.
func checkWeights(weights []decimal.Decimal, v *Validator) ([]decimal.Decimal, int32) {
	if len(weights) == 0 {
		v.Add("weights", "", "must not be empty")
		return nil, 0
	}
	ws := weights // cloned before the first change: weights belongs to the caller
	minExp := int32(math.MaxInt32)
	ok, positive, cloned := true, false, false
	for i, w := range weights {
		if e := w.Exponent(); e > maxWeightExponent || e < -maxWeightExponent {
			w = w.Normalize()
			if !cloned {
				ws, cloned = slices.Clone(weights), true
			}
			ws[i] = w
		}
		switch e := w.Exponent(); {
		case e > maxWeightExponent || e < -maxWeightExponent:
			v.Add(weightField(i), w.Coefficient().String()+"e"+strconv.Itoa(int(e)), "is out of range")
			ok = false
		case w.Sign() < 0:
			v.Add(weightField(i), w.String(), "is negative")
			ok = false
		case w.Sign() > 0:
			positive = true
			minExp = min(minExp, e)
		}
	}
	if ok && !positive {
		v.Add("weights", "", "must have a positive sum")
	}
	return ws, minExp
}

// weightField names the i-th weight in a *ValidationError.
func weightField(i int) string { return "weights[" + strconv.Itoa(i) + "]" }

// pow10u holds the powers of ten that fit in a uint64.
var pow10u = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
	1e15, 1e16, 1e17, 1e18, 1e19}

// smallMinorUnits returns |d| x 10^scale when it fits in a uint64; d must be a whole multiple of
// 10^-scale.
func smallMinorUnits(d decimal.Decimal, scale int32) (uint64, bool) {
	if d.NumDigits() > 18 {
		return 0, false
	}
	c := d.CoefficientInt64()
	if c < 0 {
		c = -c
	}
	switch e := int64(d.Exponent()) + int64(scale); {
	case c == 0:
		return 0, true
	case e >= 0:
		if e >= int64(len(pow10u)) {
			return 0, false
		}
		hi, lo := bits.Mul64(uint64(c), pow10u[e])
		return lo, hi == 0
	case e > -int64(len(pow10u)):
		return uint64(c) / pow10u[-e], true
	}
	return 0, true // more decimals than digits: a whole multiple of 10^-scale with them is 0
}

// smallWeights scales the weights to integers of exponent minExp when they and their sum fit in a
// uint64.
func smallWeights(ws []decimal.Decimal, minExp int32) ([]uint64, uint64, bool) {
	ints := make([]uint64, len(ws), 3*len(ws)) // allocateSmall uses the capacity beyond
	var total uint64
	for i, w := range ws {
		if w.Sign() == 0 {
			continue
		}
		e := int64(w.Exponent()) - int64(minExp)
		if w.NumDigits() > 18 || e >= int64(len(pow10u)) {
			return nil, 0, false
		}
		hi, lo := bits.Mul64(uint64(w.CoefficientInt64()), pow10u[e])
		var carry uint64
		total, carry = bits.Add64(total, lo, 0)
		if hi != 0 || carry != 0 {
			return nil, 0, false
		}
		ints[i] = lo
	}
	return ints, total, true
}

// allocateSmall is the largest-remainder split of units by ints (summing to total > 0) in
// uint64 arithmetic.
func allocateSmall(units uint64, ints []uint64, total uint64) []uint64 {
	n := len(ints)
	buf := ints[n:]
	if cap(buf) < 2*n {
		buf = make([]uint64, 2*n)
	}
	shares, rems := buf[:n], buf[n:2*n]
	left := units
	for i, w := range ints {
		// units*w/total <= units, so the quotient fits and hi < total, as Div64 requires.
		hi, lo := bits.Mul64(units, w)
		shares[i], rems[i] = bits.Div64(hi, lo, total)
		left -= shares[i]
	}
	// The remainders sum to left x total and each is below total, so fewer than len(ints) units
	// are left and more lines than that have a positive remainder. Each unit goes to the first
	// line with the largest remainder, whose remainder is then spent.
	for ; left > 0; left-- {
		best := 0
		for i, r := range rems {
			if r > rems[best] {
				best = i
			}
		}
		shares[best]++
		rems[best] = 0
	}
	return shares
}

// bigWeights scales the weights to integers of exponent minExp.
func bigWeights(ws []decimal.Decimal, minExp int32) []*big.Int {
	ints := make([]*big.Int, len(ws))
	for i, w := range ws {
		c := w.Coefficient()
		if c.Sign() != 0 {
			if e := w.Exponent() - minExp; e > 0 {
				c.Mul(c, pow10(int64(e)))
			}
		}
		ints[i] = c
	}
	return ints
}

// allocateBig is the largest-remainder split of units by ints in big.Int arithmetic.
func allocateBig(units *big.Int, ints []*big.Int) []*big.Int {
	total := new(big.Int)
	for _, w := range ints {
		total.Add(total, w)
	}
	shares := make([]*big.Int, len(ints))
	rems := make([]*big.Int, len(ints))
	left := new(big.Int).Set(units)
	var prod big.Int
	for i, w := range ints {
		q, r := new(big.Int), new(big.Int)
		q.QuoRem(prod.Mul(units, w), total, r)
		shares[i], rems[i] = q, r
		left.Sub(left, q)
	}
	// Leftover units go out as in allocateSmall.
	one := big.NewInt(1)
	for ; left.Sign() > 0; left.Sub(left, one) {
		best := 0
		for i, r := range rems {
			if r.Cmp(rems[best]) > 0 {
				best = i
			}
		}
		shares[best].Add(shares[best], one)
		rems[best].SetInt64(0)
	}
	return shares
}

// String formats m as its amount and ISO code: "12.30 USD", "-0.50 USD", "1230 JPY", "1.230 BHD".
// The amount has at least the currency's minor-unit decimals and more when it holds more
// ("0.125 USD"); it is never rounded and never in scientific notation, whatever decimal's global
// settings.
func (m Money) String() string {
	var buf [40]byte
	return string(m.Append(buf[:0]))
}

// amountString formats the amount as String does, without the currency.
func (m Money) amountString() string {
	places := MinorUnitScale(m.cur)
	if e := m.amount.Exponent(); e < 0 && -e > places {
		places = -e
	}
	return m.amount.StringFixed(places)
}

// moneyJSON is the wire form of Money.
type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// MarshalJSON encodes m as {"amount":"12.30","currency":"USD"}, the amount a string formatted as
// in String, so that no JSON reader turns it into a float. The zero value Money{} (no currency)
// encodes as null.
func (m Money) MarshalJSON() ([]byte, error) {
	if m.cur == currency.XXX {
		if m.amount.IsZero() {
			return []byte("null"), nil
		}
		return nil, fmt.Errorf("psa: cannot encode amount %s of no currency: %w", m.amountString(), ErrInvalid)
	}
	return json.Marshal(moneyJSON{Amount: m.amountString(), Currency: m.cur.String()})
}

// UnmarshalJSON decodes the form MarshalJSON writes. Both members are required and must be JSON
// strings; they are validated as ParseMoney does, and every broken rule is reported in one
// *ValidationError with fields "amount" and "currency". JSON null leaves m unchanged, as
// encoding/json does for other types. On error m is unchanged.
func (m *Money) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var raw struct {
		Amount   json.RawMessage `json:"amount"`
		Currency json.RawMessage `json:"currency"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return Invalid(moneyObject, "money", "", "is not a JSON object of amount and currency")
	}
	var v Validator
	amount := jsonString(&v, "amount", raw.Amount)
	code := jsonString(&v, "currency", raw.Currency)
	if !v.OK() {
		return v.Err(moneyObject)
	}
	parsed, err := ParseMoney(amount, code)
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}

// jsonString decodes raw, the member field of a JSON object, as a JSON string, recording a missing
// member or any other JSON value in v.
func jsonString(v *Validator, field string, raw json.RawMessage) string {
	if len(raw) == 0 {
		v.Add(field, "", "is required")
		return ""
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		v.Add(field, string(raw), "is not a JSON string")
		return ""
	}
	return s
}

// CurrencyMismatchError reports an operation on two amounts of different currencies. It unwraps
// to ErrInvalid.
type CurrencyMismatchError struct {
	// Op names the operation: "add", "subtract" or "compare".
	Op string
	// Left is the currency of the receiver, Right the currency of the argument.
	Left, Right currency.Unit
}

func (e *CurrencyMismatchError) Error() string {
	switch e.Op {
	case "add":
		return fmt.Sprintf("psa: cannot add an amount in %s to an amount in %s", e.Right, e.Left)
	case "subtract":
		return fmt.Sprintf("psa: cannot subtract an amount in %s from an amount in %s", e.Right, e.Left)
	}
	return fmt.Sprintf("psa: cannot %s an amount in %s with an amount in %s", e.Op, e.Left, e.Right)
}

// Unwrap returns ErrInvalid.
func (e *CurrencyMismatchError) Unwrap() error { return ErrInvalid }

// Quo returns m divided by den, rounded once to the currency's minor unit in mode. The
// quotient's remainder is kept exactly, so a half is recognised as a half however many digits
// the quotient has (prorating by days, pricing minutes at an hourly rate). den must not be zero
// (*ValidationError, field "divisor").
func (m Money) Quo(den int64, mode RoundingMode) (Money, error) {
	if den == 0 {
		return Money{}, Invalid(moneyObject, "divisor", "0", "must not be zero")
	}
	scale := MinorUnitScale(m.cur)
	if q, ok := quoSmall(m.amount, den, scale, mode); ok {
		return Money{amount: decimal.New(q, -scale), cur: m.cur}, nil
	}
	d := decimal.NewFromInt(den)
	q, r := m.amount.QuoRem(d, scale) // truncated towards zero; |r| < |d| x 10^-scale
	if !r.IsZero() {
		unit := decimal.New(int64(m.amount.Sign()*d.Sign()), -scale)
		switch r.Abs().Add(r.Abs()).Cmp(d.Abs().Shift(-scale)) {
		case 1:
			q = q.Add(unit)
		case 0:
			if mode != RoundHalfEven || !q.Shift(scale).Mod(decimal.NewFromInt(2)).IsZero() {
				q = q.Add(unit)
			}
		}
	}
	return Money{amount: q, cur: m.cur}, nil
}
