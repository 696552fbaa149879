package psa

import (
	"math"
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"
)

// Append appends d.String() to b, without allocating when b has room.
func (d Date) Append(b []byte) []byte {
	if d.n == 0 {
		return b
	}
	return d.appendISO(b)
}

// Append appends p.String() to b, without allocating when b has room.
func (p Period) Append(b []byte) []byte {
	switch {
	case p == Period{}:
		return b
	case p.IsEmpty():
		b = append(b, '[')
		b = p.Start.Append(b)
		b = append(b, ", "...)
		b = p.End.Append(b)
		return append(b, ')')
	}
	b = p.Start.appendISO(b)
	b = append(b, '.', '.')
	return p.LastDay().appendISO(b)
}

// Append appends m.String() to b, without allocating when b has room.
func (m Money) Append(b []byte) []byte {
	b = m.appendAmount(b)
	b = append(b, ' ')
	return append(b, m.cur.String()...)
}

// appendAmount appends m.amountString() to b.
func (m Money) appendAmount(b []byte) []byte {
	places := MinorUnitScale(m.cur)
	e := m.amount.Exponent()
	if e < 0 && -e > places {
		places = -e
	}
	// StringFixed(places) with places >= -e adds zeros and never rounds: the coefficient at
	// exponent -places is c x 10^(e+places).
	if k := int64(e) + int64(places); m.amount.NumDigits() <= 18 && k >= 0 && k < int64(len(pow10u)) {
		c := m.amount.CoefficientInt64()
		if n, ok := mulSmall64(c, int64(pow10u[k])); ok {
			return appendCoefficient(b, n, -places, false)
		}
	}
	return append(b, m.amount.StringFixed(places)...)
}

// AppendDecimal appends d.String() to b, without allocating when b has room and d's
// coefficient has at most 18 digits.
func AppendDecimal(b []byte, d decimal.Decimal) []byte {
	e := d.Exponent()
	if !decimal.TrimTrailingZeros || decimal.UseScientificNotation || d.NumDigits() > 18 || e > 18 || e < -1000 {
		return append(b, d.String()...)
	}
	c := d.CoefficientInt64()
	if e > 0 {
		n, ok := mulSmall64(c, int64(pow10u[e]))
		if !ok {
			return append(b, d.String()...)
		}
		c, e = n, 0
	}
	return appendCoefficient(b, c, e, true)
}

// appendCoefficient appends c x 10^e (e <= 0) as decimal's String (trim) or StringFixed(-e)
// (!trim) formats it.
func appendCoefficient(b []byte, c int64, e int32, trim bool) []byte {
	if e == 0 {
		return strconv.AppendInt(b, c, 10)
	}
	var digits [20]byte
	str := strconv.AppendUint(digits[:0], absUint64(c), 10)
	if c < 0 {
		b = append(b, '-')
	}
	exp := int(-e)
	var intPart, frac []byte
	leading := 0
	if len(str) > exp {
		intPart, frac = str[:len(str)-exp], str[len(str)-exp:]
	} else {
		intPart, leading, frac = []byte{'0'}, exp-len(str), str
	}
	if trim {
		i := len(frac) - 1
		for ; i >= 0 && frac[i] == '0'; i-- {
		}
		frac = frac[:i+1]
		if len(frac) == 0 {
			leading = 0
		}
	}
	b = append(b, intPart...)
	if leading+len(frac) > 0 {
		b = append(b, '.')
		for range leading {
			b = append(b, '0')
		}
		b = append(b, frac...)
	}
	return b
}

// absUint64 returns |c| as a uint64 (math.MinInt64 included).
func absUint64(c int64) uint64 {
	if c < 0 {
		return uint64(-(c + 1)) + 1
	}
	return uint64(c)
}

// mulSmall64 returns a x b when it fits in an int64 (and is not math.MinInt64).
func mulSmall64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(absUint64(a), absUint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

// quoSmall returns d / den rounded to scale decimals in mode (half away from zero unless mode is
// RoundHalfEven), as the coefficient of exponent -scale, exactly as Money.Quo's general path
// does, when every number fits in 64 bits (128 for the division).
func quoSmall(d decimal.Decimal, den int64, scale int32, mode RoundingMode) (int64, bool) {
	if d.NumDigits() > 18 || den == 0 {
		return 0, false
	}
	c := d.CoefficientInt64()
	a, dd := absUint64(c), absUint64(den)
	var q, r, div uint64
	switch k := int64(d.Exponent()) + int64(scale); {
	case k >= 0:
		if k >= int64(len(pow10u)) {
			return 0, false
		}
		hi, lo := bits.Mul64(a, pow10u[k])
		if hi >= dd {
			return 0, false
		}
		q, r = bits.Div64(hi, lo, dd)
		div = dd
	default:
		if -k >= int64(len(pow10u)) {
			return 0, false
		}
		hi, lo := bits.Mul64(dd, pow10u[-k])
		if hi != 0 {
			return 0, false
		}
		div = lo
		q, r = a/div, a%div
	}
	// r < div: compare r with div - r rather than 2r with div, which could overflow.
	if r > div-r || (r == div-r && r != 0 && (mode != RoundHalfEven || q&1 == 1)) {
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if (c < 0) != (den < 0) {
		return -int64(q), true
	}
	return int64(q), true
}
