package contract

import (
	"math"
	"math/bits"
	"strconv"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// DayCount says how days are counted in proration.
type DayCount string

// Day counts.
const (
	// ActualDays, the default, prorates by served days over the actual days of the billing
	// period: 28 to 31 for a month, 90 to 92 for a quarter, 181 to 184 for a half-year, 365 or 366
	// for a year.
	ActualDays DayCount = "actual"
	// Thirty360 is the 30E/360 convention: every month counts 30 days and a billing period 30 x
	// its months (90 for a quarter, 360 for a year). Day numbers above 30 count as 30, and a
	// month's last day counts as day 30, so February 28 of a common year and the 31st both count
	// as day 30 (see ServedDays for the exact rule).
	Thirty360 DayCount = "30/360"
)

// Valid reports whether dc is one of the defined day counts. ChargeInput also accepts "", which
// means ActualDays.
func (dc DayCount) Valid() bool { return dc == ActualDays || dc == Thirty360 }

// ServedDays counts the days of p under dc; an empty p counts 0.
//
// Under ActualDays it is p.Days(). Under Thirty360 it is the 30E/360 count between p.Start and
// p.End (the day after the last day), each date taken as the day number of its month, except
// that a date on its month's last day counts as 30 and none counts more than 30:
//
//	360 x (Y2 - Y1) + 30 x (M2 - M1) + (D2 - D1)
//
// So a whole month counts 30; January 15 through 31 counts 16, days 15 to 30 (the 31st adds
// nothing); February 15 through 28 of a common year counts 16 too, days 15 to 30 (serving
// through the last day is serving through day 30). The count is additive: the
// counts of consecutive stretches sum to the count of the whole, and periods whose boundaries
// are all month ends or fall on the same day of every month (calendar periods and anniversary
// periods of anchors 1 to 27, 30 and 31) count exactly 30 per month. The quirks are those of the
// convention: in a 31-day month the 30th counts 0 (it and the 31st both are day 30), and in
// February the day before the last absorbs the missing days ([Feb 27, Feb 28) counts 3 in a
// common year).
//
// ServedDays does not allocate.
func ServedDays(p psa.Period, dc DayCount) int {
	if p.IsEmpty() {
		return 0
	}
	if dc == Thirty360 {
		return day30(p.End) - day30(p.Start)
	}
	return p.Days()
}

// day30 is the 30E/360 position of d: 360 x year + 30 x (month - 1) + day, the day counting 30
// when it is the month's last day or above 30. Differences of positions are 30E/360 day counts.
func day30(d psa.Date) int {
	y, m, day := d.Date()
	if day > 30 || day == psa.DaysIn(y, m) {
		day = 30
	}
	return 360*y + 30*(int(m)-1) + day
}

// PeriodDays returns the denominator of billing period p of cycle c under dc: p.Days() under
// ActualDays (c is then not used), 30 x c.Months() under Thirty360 (p is then not used; 0 for an
// unknown cycle).
func PeriodDays(p psa.Period, c Cycle, dc DayCount) int {
	if dc == Thirty360 {
		return 30 * c.Months()
	}
	return p.Days()
}

// Segment is a stretch of a billing period served at one quantity.
type Segment struct {
	// Served is the stretch, inside the billing period.
	Served psa.Period
	// Quantity is the number of units served, >= 0.
	Quantity decimal.Decimal
}

// ChargeInput is what the charge of one part for one billing period is computed from.
type ChargeInput struct {
	// Period is the whole billing period: the denominator of the proration.
	Period psa.Period
	// Cycle is the billing cycle of Period; required under Thirty360, where it gives the
	// denominator (30 x months), and otherwise not used.
	Cycle Cycle
	// UnitPrice is the price of one unit for one whole billing period. It may be negative (a
	// credit) and may have more decimals than its currency's minor unit.
	UnitPrice psa.Money
	// Segments are the stretches of Period in service at their quantities: non-overlapping,
	// inside Period, in any order (Lines keeps it). Days of Period in no segment are not served
	// and cost nothing; no segment at all costs 0.
	Segments []Segment
	// DayCount counts the days; "" means ActualDays.
	DayCount DayCount
	// Rounding rounds the charge to the currency's minor unit, once.
	Rounding psa.RoundingMode
}

// chargeObject names a ChargeInput in a *psa.ValidationError.
const chargeObject = "charge"

// maxExponent bounds the decimal exponents of a price or quantity, so that no input can make the
// exact arithmetic unbounded; no real price or quantity comes near it.
const maxExponent = 1000

// Validate reports every broken rule of in, in one *psa.ValidationError: Period must not be
// empty ("period"); UnitPrice must have a currency ("unitPrice"); DayCount must be "", ActualDays
// or Thirty360 ("dayCount"), and under Thirty360 Cycle a defined cycle ("cycle") of which Period
// is a billing period, from a day of a month to the same or the clamped day Cycle.Months()
// later ("period"); Rounding a
// defined mode ("rounding"); every segment non-empty and inside Period ("segments[i].served"),
// no two overlapping, and every quantity >= 0 ("segments[i].quantity"). Prices and quantities
// must have at most 1000 decimals (and no exponent above 1000).
func (in ChargeInput) Validate() error {
	var v psa.Validator
	if in.Period.IsEmpty() {
		v.Add("period", periodText(in.Period), "is empty")
	}
	if in.UnitPrice.Currency() == currency.XXX {
		v.Add("unitPrice", in.UnitPrice.String(), "has no currency")
	} else if e := in.UnitPrice.Amount().Exponent(); !exponentOK(in.UnitPrice.Amount()) {
		v.Add("unitPrice", "", "has an exponent of "+strconv.Itoa(int(e))+", out of range")
	}
	switch in.DayCount {
	case "", ActualDays:
	case Thirty360:
		switch months := in.Cycle.Months(); {
		case months == 0:
			v.Add("cycle", string(in.Cycle), "is required under the 30/360 day count")
		case !in.Period.IsEmpty() && monthIndex(in.Period.End)-monthIndex(in.Period.Start) != months:
			v.Add("period", in.Period.String(), "is not a "+string(in.Cycle)+" billing period, which the 30/360 day count needs")
		}
	default:
		v.Add("dayCount", string(in.DayCount), `is not "actual" or "30/360"`)
	}
	if in.Rounding != psa.RoundHalfUp && in.Rounding != psa.RoundHalfEven {
		v.Add("rounding", in.Rounding.String(), `is not "half-up" or "half-even"`)
	}
	sorted := true
	for i, s := range in.Segments {
		switch {
		case s.Served.IsEmpty():
			v.Add(segmentField(i, "served"), periodText(s.Served), "is empty")
		case !in.Period.IsEmpty() && (s.Served.Start.Before(in.Period.Start) || s.Served.End.After(in.Period.End)):
			v.Add(segmentField(i, "served"), periodText(s.Served), "is not inside the period "+in.Period.String())
		}
		if s.Quantity.Sign() < 0 {
			v.Add(segmentField(i, "quantity"), s.Quantity.String(), "is negative")
		} else if !exponentOK(s.Quantity) {
			v.Add(segmentField(i, "quantity"), "", "has an exponent of "+strconv.Itoa(int(s.Quantity.Exponent()))+", out of range")
		}
		if i > 0 && s.Served.Start.Before(in.Segments[i-1].Served.End) {
			sorted = false
		}
	}
	if !sorted {
		// Out of order: compare every pair (segments are few).
		for j := 1; j < len(in.Segments); j++ {
			for i := range j {
				if in.Segments[i].Served.Overlaps(in.Segments[j].Served) {
					v.Add(segmentField(j, "served"), periodText(in.Segments[j].Served),
						"overlaps segments["+strconv.Itoa(i)+"] "+in.Segments[i].Served.String())
					break
				}
			}
		}
	}
	return v.Err(chargeObject)
}

// exponentOK reports whether d's exponent is within ±maxExponent, once trailing zeros are
// removed.
func exponentOK(d decimal.Decimal) bool {
	if e := d.Exponent(); e >= -maxExponent && e <= maxExponent {
		return true
	}
	e := d.Normalize().Exponent()
	return e >= -maxExponent && e <= maxExponent
}

// segmentField names a field of segment i.
func segmentField(i int, field string) string {
	return "segments[" + strconv.Itoa(i) + "]." + field
}

// periodText shows a period in a message, empty ones half-open so their emptiness is visible.
func periodText(p psa.Period) string {
	if p == (psa.Period{}) {
		return ""
	}
	if p.IsEmpty() {
		return "[" + p.Start.String() + ", " + p.End.String() + ")"
	}
	return p.String()
}

// Fraction is a served share of a billing period, exactly: Num days of Den.
type Fraction struct {
	// Num is the served days, Den the days of the period (> 0).
	Num, Den int
}

// String returns the fraction as "17/31".
func (f Fraction) String() string { return strconv.Itoa(f.Num) + "/" + strconv.Itoa(f.Den) }

// Decimal returns Num/Den rounded half-up to places decimals (0 when Den is 0), for display.
func (f Fraction) Decimal(places int32) decimal.Decimal {
	if f.Den == 0 {
		return decimal.Zero
	}
	return decimal.NewFromInt(int64(f.Num)).DivRound(decimal.NewFromInt(int64(f.Den)), places)
}

// SegmentExplanation explains the share of one segment in a charge.
type SegmentExplanation struct {
	// Served and Quantity are the segment's.
	Served   psa.Period
	Quantity decimal.Decimal
	// ServedDays is the segment's days under the day count: the numerator of Fraction.
	ServedDays int
	// Fraction is ServedDays over the period's days.
	Fraction Fraction
	// Numerator is UnitPrice x Quantity x ServedDays, exactly; the segment's share is Numerator /
	// PeriodDays. The charge is the sum of the numerators over PeriodDays, rounded once.
	Numerator psa.Money
	// Amount is the segment's unrounded share, Numerator / PeriodDays, rounded half-up at
	// ExactPlaces decimal places (exact when the share has no more decimals). It is for display: the
	// charge is not the sum of the rounded shares.
	Amount psa.Money
}

// ChargeResult is the charge of one part for one billing period, with what explains it.
type ChargeResult struct {
	// Period is the billing period, UnitPrice the price per unit per whole period, DayCount the
	// day count used (ActualDays for an input's "").
	Period    psa.Period
	UnitPrice psa.Money
	DayCount  DayCount
	// Amount is the charge: the sum of the segments' numerators over PeriodDays, computed exactly
	// and rounded once to the currency's minor unit in Rounding.
	Amount psa.Money
	// Exact is the unrounded charge, rounded half-up at ExactPlaces decimal places (exact when it
	// has no more decimals), for display only: Amount is rounded from the exact quotient, not
	// from Exact.
	Exact decimal.Decimal
	// PeriodDays is the denominator: the actual days of Period, or 30 x months under Thirty360.
	PeriodDays int
	// Lines explain the segments, in the order of the input.
	Lines []SegmentExplanation
	// Prorated is false when the segments cover the whole period at one quantity: the charge is
	// then exactly UnitPrice x Quantity (rounded to the minor unit when the price has more
	// decimals).
	Prorated bool
	// Rounding is the rounding mode of Amount.
	Rounding psa.RoundingMode
	// Notes are facts the numbers alone do not show (a discount, a trial), added by the caller
	// that set up the charge (PartCharge); Explain prints one a line after the charge.
	Notes []string
}

// Charge computes the charge of one part for one billing period: the sum over the segments of
// UnitPrice x Quantity x ServedDays / PeriodDays.
//
// The sum is exact: the numerators UnitPrice x Quantity x ServedDays are added as exact
// decimals, divided by PeriodDays once with an integer quotient and an exact remainder at the
// currency's minor unit, and rounded once in in.Rounding, a remainder of exactly half a minor
// unit being a half (away from zero under psa.RoundHalfUp, so credits round symmetrically; to
// the even neighbour under psa.RoundHalfEven). A part served for the whole period at one
// quantity therefore costs exactly UnitPrice x Quantity: starting on the anchor (or, for
// calendar schedules, on the 1st) avoids proration.
//
// Under Thirty360 a segment's days are counted within its period: the 30E/360 position of a
// date in the period (ServedDays from the period's start), kept between 0 and PeriodDays, with
// the period's End at PeriodDays. For calendar periods and most anniversary periods this is
// ServedDays of the segment; for the few anniversary periods whose 30E/360 length is not 30 per
// month (anchors on the 28th or 29th, whose boundaries fall on the last day of February in some
// years only), it keeps the segments of a whole period summing to PeriodDays.
//
// It returns a *psa.ValidationError listing every broken rule of in (see ChargeInput.Validate).
func Charge(in ChargeInput) (ChargeResult, error) {
	if err := in.Validate(); err != nil {
		return ChargeResult{}, err
	}
	dc := in.DayCount
	if dc == "" {
		dc = ActualDays
	}
	price := in.UnitPrice.Amount()
	pd := PeriodDays(in.Period, in.Cycle, dc)

	res := ChargeResult{
		Period:     in.Period,
		UnitPrice:  in.UnitPrice,
		DayCount:   dc,
		PeriodDays: pd,
		Lines:      make([]SegmentExplanation, len(in.Segments)),
		Rounding:   in.Rounding,
	}
	covered, sameQty := 0, true
	for i, s := range in.Segments {
		days := segmentDays(s.Served, in.Period, pd, dc)
		covered += s.Served.Days()
		if i > 0 && !s.Quantity.Equal(in.Segments[0].Quantity) {
			sameQty = false
		}
		res.Lines[i] = SegmentExplanation{Served: s.Served, Quantity: s.Quantity, ServedDays: days, Fraction: Fraction{Num: days, Den: pd}}
	}
	res.Prorated = len(in.Segments) == 0 || !sameQty || covered != in.Period.Days()
	if !chargeSmall(&res, price) {
		chargeDecimal(&res, price)
	}
	return res, nil
}

// ExactPlaces is the number of decimal places of the display-only unrounded amounts:
// ChargeResult.Exact and SegmentExplanation.Amount.
const ExactPlaces = 12

// chargeDecimal sets the amounts of r, whose lines have their days, from price with decimal
// arithmetic: the general case.
func chargeDecimal(r *ChargeResult, price decimal.Decimal) {
	cur := r.UnitPrice.Currency()
	den := decimal.NewFromInt(int64(r.PeriodDays))
	var num decimal.Decimal
	for i := range r.Lines {
		l := &r.Lines[i]
		n := price.Mul(l.Quantity).Mul(decimal.NewFromInt(int64(l.ServedDays)))
		num = num.Add(n)
		l.Numerator = mustMoney(n, cur)
		l.Amount = mustMoney(n.DivRound(den, ExactPlaces), cur)
	}
	r.Amount = mustMoney(roundQuotient(num, r.PeriodDays, psa.MinorUnitScale(cur), r.Rounding), cur)
	r.Exact = num.DivRound(den, ExactPlaces)
}

// chargeSmall sets the amounts of r as chargeDecimal does, in 64-bit integer arithmetic (128 bits
// for the divisions), when every number fits; it reports false, having set nothing, otherwise.
// It gives exactly the results of chargeDecimal.
func chargeSmall(r *ChargeResult, price decimal.Decimal) bool {
	pc, pe, ok := smallDecimal(price)
	if !ok {
		return false
	}
	const maxLines = 8
	if len(r.Lines) > maxLines {
		return false
	}
	var (
		nums [maxLines]int64
		exps [maxLines]int32
	)
	// nums[i] x 10^exps[i] is line i's numerator; num x 10^minExp their sum.
	minExp := pe
	for i, l := range r.Lines {
		qc, qe, ok := smallDecimal(l.Quantity)
		if !ok {
			return false
		}
		n, ok := mulSmall(pc, qc)
		if !ok {
			return false
		}
		if nums[i], ok = mulSmall(n, int64(l.ServedDays)); !ok {
			return false
		}
		exps[i] = pe + qe
		if i == 0 || exps[i] < minExp {
			minExp = exps[i]
		}
	}
	var num int64
	for i := range r.Lines {
		shift := exps[i] - minExp
		if shift >= int32(len(pow10s)) {
			return false
		}
		n, ok := mulSmall(nums[i], int64(pow10s[shift]))
		if !ok {
			return false
		}
		if num, ok = addSmall(num, n); !ok {
			return false
		}
	}
	scale := psa.MinorUnitScale(r.UnitPrice.Currency())
	amount, ok := roundSmall(num, minExp, r.PeriodDays, scale, r.Rounding)
	if !ok {
		return false
	}
	cur := r.UnitPrice.Currency()
	r.Amount = mustMoney(decimal.New(amount, -scale), cur)
	r.Exact = exactShare(num, minExp, r.PeriodDays)
	for i := range r.Lines {
		r.Lines[i].Numerator = mustMoney(decimal.New(nums[i], exps[i]), cur)
		if len(r.Lines) == 1 {
			r.Lines[i].Amount = mustMoney(r.Exact, cur) // the same share; decimals are immutable
		} else {
			r.Lines[i].Amount = mustMoney(exactShare(nums[i], exps[i], r.PeriodDays), cur)
		}
	}
	return true
}

// exactShare returns n x 10^e / den rounded half-up at ExactPlaces, as decimal's DivRound does,
// in 64 bits when the result fits.
func exactShare(n int64, e int32, den int) decimal.Decimal {
	if q, ok := roundSmall(n, e, den, ExactPlaces, psa.RoundHalfUp); ok {
		return decimal.New(q, -ExactPlaces)
	}
	return decimal.New(n, e).DivRound(decimal.NewFromInt(int64(den)), ExactPlaces)
}

// pow10s holds the powers of ten that fit in a uint64.
var pow10s = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
	1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// smallLimit bounds the magnitudes of the small path, so that negation never overflows.
const smallLimit = 1<<63 - 1

// smallDecimal returns d as c x 10^e when its coefficient has at most 18 digits.
func smallDecimal(d decimal.Decimal) (int64, int32, bool) {
	if d.NumDigits() > 18 {
		return 0, 0, false
	}
	return d.CoefficientInt64(), d.Exponent(), true
}

// abs64 returns |a| for |a| <= smallLimit.
func abs64(a int64) uint64 {
	if a < 0 {
		return uint64(-a)
	}
	return uint64(a)
}

// signed returns u with the sign neg, when it is within smallLimit.
func signed(u uint64, neg bool) (int64, bool) {
	if u > smallLimit {
		return 0, false
	}
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}

// mulSmall returns a x b when it is within smallLimit; a and b are.
func mulSmall(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi != 0 {
		return 0, false
	}
	return signed(lo, (a < 0) != (b < 0) && lo != 0)
}

// addSmall returns a + b when it is within smallLimit; a and b are.
func addSmall(a, b int64) (int64, bool) {
	s := a + b // a and b are within ±(2^63-1): overflow shows in the sign
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) || s == math.MinInt64 {
		return 0, false
	}
	return s, true
}

// roundSmall returns round(n x 10^e / den x 10^places), the quotient rounded to places decimals
// as a coefficient of exponent -places, exactly as roundQuotient does, when it fits.
func roundSmall(n int64, e int32, den int, places int32, mode psa.RoundingMode) (int64, bool) {
	a, d := abs64(n), uint64(den)
	var q, r uint64
	switch k := int64(e) + int64(places); {
	case k >= 0:
		if k >= int64(len(pow10s)) {
			return 0, false
		}
		hi, lo := bits.Mul64(a, pow10s[k])
		if hi >= d {
			return 0, false // the quotient does not fit in 64 bits
		}
		q, r = bits.Div64(hi, lo, d)
	default:
		if -k >= int64(len(pow10s)) {
			return 0, false
		}
		hi, lo := bits.Mul64(d, pow10s[-k])
		if hi != 0 {
			return 0, false
		}
		d = lo
		q, r = a/d, a%d
	}
	// r < d: compare r with d - r rather than 2r with d, which could overflow.
	if r > d-r || (r == d-r && r != 0 && (mode != psa.RoundHalfEven || q&1 == 1)) {
		q++
	}
	return signed(q, n < 0)
}

// mustMoney returns amount of cur, a currency that has been validated.
func mustMoney(amount decimal.Decimal, cur currency.Unit) psa.Money {
	m, err := psa.NewMoney(amount, cur)
	if err != nil {
		return psa.Money{} // unreachable: cur is not XXX
	}
	return m
}

// segmentDays counts the days of s, inside period p of pd days, under dc (see Charge).
func segmentDays(s, p psa.Period, pd int, dc DayCount) int {
	if dc != Thirty360 {
		return s.Days()
	}
	origin := day30(p.Start)
	pos := func(d psa.Date) int {
		if d == p.End {
			return pd
		}
		return min(max(day30(d)-origin, 0), pd)
	}
	return pos(s.End) - pos(s.Start)
}

// roundQuotient returns num / den (den > 0) rounded to scale decimals in mode, exactly: num =
// den x q + r with q a whole multiple of 10^-scale truncated toward zero; q moves one unit away
// from zero when |r| is more than half of den x 10^-scale, or exactly half and the mode says so.
func roundQuotient(num decimal.Decimal, den int, scale int32, mode psa.RoundingMode) decimal.Decimal {
	d := decimal.NewFromInt(int64(den))
	q, r := num.QuoRem(d, scale)
	if r.Sign() == 0 {
		return q
	}
	abs := r.Abs()
	half := abs.Add(abs).Cmp(decimal.New(int64(den), -scale)) // 2|r| against den x 10^-scale
	if half > 0 || half == 0 && (mode != psa.RoundHalfEven || q.Coefficient().Bit(0) == 1) {
		unit := decimal.New(1, -scale)
		if num.Sign() < 0 {
			return q.Sub(unit)
		}
		return q.Add(unit)
	}
	return q
}

// Explain returns the charge in words, one line per segment and a total line, for invoice lines
// and logs. A prorated segment shows its share rounded to the minor unit in the charge's mode,
// with "≈" when that is not exact:
//
//	2026-01-15..2026-01-31: 10 x 30.00 USD x 17/31 days ≈ 164.52 USD
//	charge 164.52 USD (rounded half-up once)
//
// A whole period at one quantity reads
//
//	2026-01-01..2026-01-31: 10 x 30.00 USD, whole period = 300.00 USD
//	charge 300.00 USD (whole period, not prorated)
//
// The text depends only on r; lines end in "\n", the total line does not.
func (r ChargeResult) Explain() string {
	var buf [512]byte
	return string(r.AppendExplain(buf[:0]))
}

// AppendExplain appends Explain's text to b.
func (r ChargeResult) AppendExplain(b []byte) []byte {
	cur := r.Amount.Currency()
	scale := psa.MinorUnitScale(cur)
	if len(r.Lines) == 0 {
		b = append(b, "no service in "...)
		b = r.Period.Append(b)
		b = append(b, '\n')
	}
	var sum shareSum
	for _, l := range r.Lines {
		sum.add(l.Numerator.Amount())
		b = l.Served.Append(b)
		b = append(b, ": "...)
		b = psa.AppendDecimal(b, l.Quantity)
		b = append(b, " x "...)
		b = r.UnitPrice.Append(b)
		switch {
		case !r.Prorated && len(r.Lines) == 1:
			b = append(b, ", whole period"...)
		case r.DayCount == Thirty360:
			b = append(b, " x "...)
			b = l.Fraction.append(b)
			b = append(b, " days (30E/360)"...)
		default:
			b = append(b, " x "...)
			b = l.Fraction.append(b)
			b = append(b, " days"...)
		}
		b = r.appendShare(b, l.Numerator.Amount(), cur, scale)
		b = append(b, '\n')
	}
	b = append(b, "charge "...)
	b = r.Amount.Append(b)
	b = append(b, " ("...)
	exact := r.exactShare(sum, scale)
	switch {
	case !r.Prorated && exact:
		b = append(b, "whole period, not prorated)"...)
	case !r.Prorated:
		b = append(b, "whole period, not prorated; rounded "...)
		b = append(b, r.Rounding.String()...)
		b = append(b, " once)"...)
	case exact:
		b = append(b, "exact)"...)
	default:
		b = append(b, "rounded "...)
		b = append(b, r.Rounding.String()...)
		b = append(b, " once)"...)
	}
	for _, n := range r.Notes {
		b = append(b, '\n')
		b = append(b, n...)
	}
	return b
}

// append appends f.String() to b.
func (f Fraction) append(b []byte) []byte {
	b = strconv.AppendInt(b, int64(f.Num), 10)
	b = append(b, '/')
	return strconv.AppendInt(b, int64(f.Den), 10)
}

// appendShare appends " = " or " ≈ " and num / r.PeriodDays rounded to the minor unit (see
// share), as Explain shows a segment's share.
func (r ChargeResult) appendShare(b []byte, num decimal.Decimal, cur currency.Unit, scale int32) []byte {
	if q, exact, ok := r.shareSmall(num, scale); ok {
		if exact {
			b = append(b, " = "...)
		} else {
			b = append(b, " ≈ "...)
		}
		return mustMoney(decimal.New(q, -scale), cur).Append(b)
	}
	share, exact := r.share(num, scale)
	if exact {
		b = append(b, " = "...)
	} else {
		b = append(b, " ≈ "...)
	}
	return mustMoney(share, cur).Append(b)
}

// shareSmall is share in 64-bit integers: the share as a coefficient of exponent -scale, and
// whether it is exact; ok is false when the numbers do not fit (or PeriodDays is not positive).
func (r ChargeResult) shareSmall(num decimal.Decimal, scale int32) (q int64, exact, ok bool) {
	n, e, ok := smallDecimal(num)
	if !ok {
		return 0, false, false
	}
	return r.shareUnits(n, e, scale)
}

// shareUnits is shareSmall of n x 10^e.
func (r ChargeResult) shareUnits(n int64, e int32, scale int32) (q int64, exact, ok bool) {
	if r.PeriodDays <= 0 || r.Rounding != psa.RoundHalfUp && r.Rounding != psa.RoundHalfEven || n == math.MinInt64 {
		return 0, false, false
	}
	return quotientSmall(n, e, r.PeriodDays, scale, r.Rounding)
}

// shareSum is the sum of a charge's numerators, in 64 bits while it fits and as a decimal
// beyond.
type shareSum struct {
	n      int64
	e      int32
	terms  int
	big    bool
	bigSum decimal.Decimal
}

// add adds d to s.
func (s *shareSum) add(d decimal.Decimal) {
	if !s.big {
		if n, e, ok := smallDecimal(d); ok && n != math.MinInt64 {
			if s.terms == 0 {
				s.n, s.e, s.terms = n, e, 1
				return
			}
			if sum, se, ok := addAligned(s.n, s.e, n, e); ok {
				s.n, s.e = sum, se
				s.terms++
				return
			}
		}
		s.big = true
		s.bigSum = decimal.New(s.n, s.e)
		if s.terms == 0 {
			s.bigSum = decimal.Decimal{}
		}
	}
	s.bigSum = s.bigSum.Add(d)
	s.terms++
}

// addAligned returns a x 10^ae + b x 10^be as a coefficient of the smaller exponent, when it
// fits.
func addAligned(a int64, ae int32, b int64, be int32) (int64, int32, bool) {
	if ae < be {
		a, ae, b, be = b, be, a, ae
	}
	// be <= ae: scale a up to be.
	shift := int64(ae) - int64(be)
	if shift >= int64(len(pow10s)) {
		return 0, 0, false
	}
	a, ok := mulSmall(a, int64(pow10s[shift]))
	if !ok {
		return 0, 0, false
	}
	sum, ok := addSmall(a, b)
	return sum, be, ok
}

// exactShare reports whether the sum of the numerators over r.PeriodDays is a whole number of
// minor units, as share does.
func (r ChargeResult) exactShare(sum shareSum, scale int32) bool {
	var num decimal.Decimal
	switch {
	case sum.big:
		num = sum.bigSum
	case sum.terms > 0:
		if _, exact, ok := r.shareUnits(sum.n, sum.e, scale); ok {
			return exact
		}
		num = decimal.New(sum.n, sum.e)
	}
	_, exact := r.share(num, scale)
	return exact
}

// quotientSmall returns round(n x 10^e / den) at scale decimals in mode, as roundQuotient does,
// as a coefficient of exponent -scale, and whether the quotient is exact (no remainder); ok is
// false when it does not fit.
func quotientSmall(n int64, e int32, den int, scale int32, mode psa.RoundingMode) (q int64, exact, ok bool) {
	a, d := abs64(n), uint64(den)
	var uq, r uint64
	switch k := int64(e) + int64(scale); {
	case k >= 0:
		if k >= int64(len(pow10s)) {
			return 0, false, false
		}
		hi, lo := bits.Mul64(a, pow10s[k])
		if hi >= d {
			return 0, false, false
		}
		uq, r = bits.Div64(hi, lo, d)
	default:
		if -k >= int64(len(pow10s)) {
			return 0, false, false
		}
		hi, lo := bits.Mul64(d, pow10s[-k])
		if hi != 0 {
			return 0, false, false
		}
		d = lo
		uq, r = a/d, a%d
	}
	if r > d-r || (r == d-r && r != 0 && (mode != psa.RoundHalfEven || uq&1 == 1)) {
		uq++
	}
	q, ok = signed(uq, n < 0)
	return q, r == 0, ok
}

// share returns num / r.PeriodDays rounded to scale decimals in r's mode, and whether that is
// exact.
func (r ChargeResult) share(num decimal.Decimal, scale int32) (decimal.Decimal, bool) {
	if r.PeriodDays <= 0 {
		return decimal.Zero, num.IsZero()
	}
	q := roundQuotient(num, r.PeriodDays, scale, r.Rounding)
	return q, q.Mul(decimal.NewFromInt(int64(r.PeriodDays))).Equal(num)
}

// Adjustment returns what to bill (positive) or credit (negative) for a billing period whose
// charge now stands at now, when billed has been billed for it already: now.Amount - billed.
// Billing the adjustment makes the total billed for the period equal a fresh computation of it
// (recompute and diff). The zero Money (no currency) means nothing has been billed. Amounts of
// different currencies give a *psa.CurrencyMismatchError.
func Adjustment(now ChargeResult, billed psa.Money) (psa.Money, error) {
	if billed.Currency() == currency.XXX && billed.IsZero() && now.Amount.Currency() != currency.XXX {
		return now.Amount, nil
	}
	return now.Amount.Sub(billed)
}

// SplitCharge splits r.Amount into one piece per line of r, in order, that sum exactly to it: by
// the largest-remainder method weighted by each line's exact share (its Numerator), equal
// remainders going to the earlier line and a negative charge split as its absolute value (see
// psa.Money.Allocate). Lines whose share is 0 get 0. A result with no lines gives none.
//
// It returns a *psa.ValidationError when r cannot be split: an Amount that is not a whole number
// of minor units or not 0 while every share is, or numerators of another currency.
func SplitCharge(r ChargeResult) ([]psa.Money, error) {
	if len(r.Lines) == 0 {
		if !r.Amount.IsZero() {
			return nil, psa.Invalid(chargeObject, "amount", r.Amount.String(), "has no lines to split into")
		}
		return nil, nil
	}
	cur := r.Amount.Currency()
	if len(r.Lines) == 1 && r.Lines[0].Numerator.Currency() == cur && (r.Amount.IsZero() || !r.Lines[0].Numerator.IsZero()) &&
		r.Amount.Amount().Exponent() == -psa.MinorUnitScale(cur) {
		return []psa.Money{r.Amount}, nil // one line takes all (an amount at the minor-unit scale, as Charge makes it)
	}
	weights := make([]decimal.Decimal, len(r.Lines))
	positive := false
	for i, l := range r.Lines {
		if l.Numerator.Currency() != cur {
			return nil, psa.Invalid(chargeObject, "lines["+strconv.Itoa(i)+"].numerator", l.Numerator.String(), "is not in the charge's currency "+cur.String())
		}
		weights[i] = l.Numerator.Amount().Abs()
		positive = positive || weights[i].Sign() > 0
	}
	if !positive {
		if !r.Amount.IsZero() {
			return nil, psa.Invalid(chargeObject, "amount", r.Amount.String(), "is not 0 though every share is")
		}
		pieces := make([]psa.Money, len(r.Lines))
		for i := range pieces {
			pieces[i] = psa.ZeroMoney(cur)
		}
		return pieces, nil
	}
	return r.Amount.Allocate(weights)
}
