package invoice

import (
	"cmp"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// Discount is a percentage of a line's gross or an amount (exactly one is set).
//
// On a line, a percentage is of the line's gross; on the invoice (ComputeTotals' invoice
// discounts), of the invoice's net after line discounts. A discount reduces the magnitude of what
// it applies to: on a credit line (a negative gross) it is negative too.
type Discount struct {
	// Percent is the discount as a percentage, more than 0 and at most 100, with at most 16
	// decimals ("12.5" is 12.5%). It is set when it is not zero.
	Percent decimal.Decimal
	// Amount is the discount as a fixed amount in the invoice's currency: >= 0 and a whole number
	// of minor units. It is set when it has a currency: the zero Money{} is "not set", while
	// 0.00 USD is a discount of nothing.
	Amount psa.Money
	// Reason says why the discount is given ("loyalty", "promotion SPRING26"); it is shown on the
	// invoice and not checked.
	Reason string
}

// TaxComponent is one tax of a region (state, county, city; or VAT). Rate is a percentage ("8.25").
type TaxComponent struct {
	// Name names the tax on the invoice ("State", "County", "VAT"); unique in its region, ignoring
	// letter case and surrounding white space.
	Name string
	// Rate is the percentage, 0 to 100 with at most 16 decimals ("6.25" is 6.25%).
	Rate decimal.Decimal
	// Compound makes the component tax the region's base plus the tax of every earlier component
	// of the region (a tax on tax), instead of the base alone. The first component cannot be
	// compound.
	Compound bool
}

// TaxRegion is a set of components applied together.
//
// Lines name their region by Code. A region without components is allowed and taxes nothing (a
// jurisdiction without sales tax).
type TaxRegion struct {
	// Code identifies the region among the invoice's regions ("US-TX-AUSTIN"); lines refer to it.
	Code string
	// Name is the region's name on the invoice ("Austin, Texas").
	Name string
	// Components are the region's taxes, in the order they are computed and shown.
	Components []TaxComponent
}

// regionObject names a TaxRegion in a *psa.ValidationError.
const regionObject = "tax region"

// totalsObject names the input of ComputeTotals in a *psa.ValidationError.
const totalsObject = "invoice"

// maxPercentDecimals is the most decimals a rate or a percentage discount may have. It keeps
// every tax and discount computable exactly in 128-bit integer arithmetic (a rate is a fraction
// with a denominator of at most 10^18); real rates have at most four.
const maxPercentDecimals = 16

// Validate reports every broken rule of r in one *psa.ValidationError: Code and Name are required
// ("code", "name"); every component has a name, unique in the region ignoring letter case and
// surrounding white space ("components[i].name"), and a rate from 0 to 100 with at most 16
// decimals ("components[i].rate"); the first component cannot be compound
// ("components[0].compound").
func (r TaxRegion) Validate() error {
	var v psa.Validator
	v.Require("code", r.Code)
	v.Require("name", r.Name)
	seen := make(map[string]int, len(r.Components))
	for i, c := range r.Components {
		f := "components[" + strconv.Itoa(i) + "]."
		key := strings.ToLower(strings.TrimSpace(c.Name))
		if key == "" {
			v.Add(f+"name", c.Name, "is required")
		} else if j, dup := seen[key]; dup {
			v.Add(f+"name", c.Name, "is the name of components["+strconv.Itoa(j)+"] too")
		} else {
			seen[key] = i
		}
		if _, reason := percentFraction(c.Rate); reason != "" {
			v.Add(f+"rate", percentText(c.Rate), reason)
		}
		if i == 0 && c.Compound {
			v.Add(f+"compound", "true", "cannot be set on the first component: there is no earlier tax to compound on")
		}
	}
	return v.Err(regionObject)
}

// Treatment says how an invoice is taxed.
type Treatment string

// Treatments.
const (
	// Taxed, the zero value, taxes every line by its tax region.
	Taxed Treatment = ""
	// Exempt carries zero tax because the client is exempt from tax; the reason (an exemption
	// certificate, a non-profit status) is shown on the invoice.
	Exempt Treatment = "exempt"
	// ReverseCharge carries zero tax because the client accounts for it (EU VAT reverse charge
	// between businesses); the reason (the legal mention) is shown on the invoice.
	ReverseCharge Treatment = "reverse charge"
)

// TaxOptions says how ComputeTotals rounds and taxes.
type TaxOptions struct {
	// Rounding rounds every percentage discount and every tax to the currency's minor unit: each
	// once. The zero value is psa.RoundHalfUp.
	Rounding psa.RoundingMode
	// PerLine rounds each line's tax of each component, instead of each component's tax of a
	// region once. The region's tax is then the sum of its lines' taxes, and may differ from the
	// tax of the region's base by up to half a minor unit per line and component: three lines
	// of 10.10 USD at 8.25% carry 0.83 each, 2.49 USD, where the region's base of 30.30 USD
	// carries 2.49975, rounded once 2.50 USD.
	PerLine bool
	// Treatment says whether the invoice is taxed, exempt or reverse-charged.
	Treatment Treatment
	// Reason says why an Exempt or ReverseCharge invoice carries no tax; required for them, and
	// must be empty for a Taxed invoice.
	Reason string
}

// LineInput is one line's amounts before tax.
type LineInput struct {
	// Gross is quantity x unit price, already rounded to minor units by the caller (a *psa.
	// ValidationError otherwise), in the invoice's currency. It may be negative (a credit line) or
	// zero.
	Gross psa.Money
	// Discounts are the line's discounts, each of its gross; together at most its gross.
	Discounts []Discount
	// TaxRegion is the Code of the line's tax region; "" means the line is not taxable.
	TaxRegion string
}

// ComponentTax is the tax of one component: of a region, or a line's share of it.
type ComponentTax struct {
	// Name, Rate and Compound are the component's, as given in its TaxRegion.
	Name     string
	Rate     decimal.Decimal
	Compound bool
	// Amount is the tax, in minor units of the invoice's currency; negative on a negative base.
	Amount psa.Money
}

// LineTotals are one line's amounts. Discounts carry the sign of what they reduce (negative on
// a credit line), so Net = Gross - LineDiscount - InvoiceDiscount on every line, and no discount
// changes the sign of a line.
type LineTotals struct {
	// Gross is the line's gross as given.
	Gross psa.Money
	// LineDiscount is the sum of the line's own discounts.
	LineDiscount psa.Money
	// InvoiceDiscount is the line's share of the invoice discounts.
	InvoiceDiscount psa.Money
	// Net is Gross - LineDiscount - InvoiceDiscount: the line's taxable amount.
	Net psa.Money
	// Tax is the line's share of its region's tax: the sum of Components' amounts. Zero on a line
	// that is not taxable.
	Tax psa.Money
	// Components are the line's shares of its region's components, in the region's order; nil
	// for a line that is not taxable.
	Components []ComponentTax
}

// RegionTax is the tax of one region of an invoice.
type RegionTax struct {
	// Code and Name are the region's.
	Code, Name string
	// Base is the sum of the nets of the region's lines, sign included.
	Base psa.Money
	// Components are the region's taxes, in the region's order.
	Components []ComponentTax
	// Tax is the sum of Components' amounts.
	Tax psa.Money
}

// Totals are an invoice's amounts, all in its currency and in whole minor units. They hold
// exactly: Net = Subtotal - Discount = the sum of the lines' Net; Tax = the sum of the lines' Tax
// = the sum of the regions' Tax; Total = Net + Tax; per region, the sum of its lines' Tax is its
// Tax, and per component, the sum of its lines' amounts is the region's amount.
type Totals struct {
	// Lines are the lines' amounts, in the order of the input.
	Lines []LineTotals
	// Regions are the taxes of the regions the lines use, in order of first appearance.
	Regions []RegionTax
	// Subtotal is the sum of the lines' gross.
	Subtotal psa.Money
	// Discount is the sum of the line and invoice discounts.
	Discount psa.Money
	// Net is Subtotal - Discount.
	Net psa.Money
	// Tax is the sum of the regions' tax.
	Tax psa.Money
	// Total is Net + Tax.
	Total psa.Money
	// Treatment and Reason are TaxOptions'.
	Treatment Treatment
	Reason    string
}

// ComputeTotals computes an invoice's totals in currency cur.
//
// Every amount is an exact whole number of cur's minor units (psa.MinorUnitScale), and each
// percentage discount and each tax is rounded once, in opts.Rounding.
//
// Discounts. A line's discounts each apply to its gross (percentages do not compound) and are
// rounded once each; together they must not exceed the gross in magnitude. The invoice discounts
// apply to the invoice's net after line discounts (the sum of the lines' nets, sign included),
// percentages of it rounded once each and amounts as given; together they must not exceed it in
// magnitude. Their sum is spread over the lines pro rata to their nets: every line gives up the
// same fraction of its net, split by the largest-remainder method (psa.Money.Allocate) so that
// the shares sum exactly. When the nets mix signs (credit lines next to charges), each line's
// exact share (its net x the discount / the invoice's net) is still between 0 and its net; the
// lines get their exact shares rounded down, and the units left over go one each to the largest
// remainders, equal remainders to the earlier line. So no discount changes a line's sign.
//
// Tax. A Taxed invoice is taxed per region: the region's Base is the sum of its lines' nets,
// sign included (a negative base gives a negative tax). Its components are computed in order,
// each on the base, or, when compound, on the base plus the earlier components' rounded tax, and
// rounded once. Each component's tax is spread over the region's lines by the largest-remainder
// method weighted by each line's base for it (its net, plus its shares of the earlier
// components' tax when compound). A line's tax is the sum of its components' shares, so a line's
// components always add up to its tax, and a line's tax may differ from a largest-remainder split
// of the region's tax by up to one minor unit per component beyond the first.
//
// When a region's lines mix signs, a split weighted by nets would go wrong: the region's tax is
// of the small difference of the lines, and a weight of net/base would give each line a
// multiple of its own tax (a line of +100.00 and one of -99.87 at 8% would carry +7.69 and
// -7.68 of the 0.01 region tax). Each line's exact share is then its own exact tax (its base x
// the rate); lines get those rounded down and the units left over go one each to the largest
// remainders (equal remainders to the earlier line), so the shares sum exactly to the region's
// component and each is within one minor unit of the line's exact tax (+8.00 and -7.99 above).
// A line's tax always has the sign of its net, or is zero.
//
// With opts.PerLine, each line's component taxes are rounded on the line instead, and a region's
// component is the sum of its lines' (see TaxOptions.PerLine).
//
// Exempt and ReverseCharge invoices carry zero tax on every line, region and component (regions
// are still listed with their bases), and opts.Reason is required.
//
// Errors. Input that breaks a rule gives one *psa.ValidationError (object "invoice") listing
// every broken rule found, each naming its field and value: "currency" (no currency);
// "rounding", "treatment", "reason" (the options); "regions[k]...." (a region's Validate, and a
// code used twice); "lines[i].gross" (another currency, not whole minor units, out of range);
// "lines[i].taxRegion" (a code not in regions); "lines[i].discounts[j]" (neither or both of
// percentage and amount set), "...percent" (out of 0 to 100 or too precise), "...amount"
// (another currency, negative, not whole minor units); and invoice discounts likewise as
// "discounts[j]". Once those hold, discounts larger than their line give "lines[i].discounts"
// naming the amounts, and invoice discounts larger than the net "discounts". Amounts whose sums
// leave the range of an int64 of minor units give an error for the field concerned.
//
// No lines gives zero totals. The inputs are not modified; the result shares nothing with them
// but the components' Rate decimals, which are immutable.
func ComputeTotals(cur currency.Unit, lines []LineInput, invoiceDiscounts []Discount, regions []TaxRegion, opts TaxOptions) (Totals, error) {
	c, err := newTotalsCalc(cur, lines, invoiceDiscounts, regions, opts)
	if err != nil {
		return Totals{}, err
	}
	if err := c.discountLines(); err != nil {
		return Totals{}, err
	}
	if err := c.discountInvoice(); err != nil {
		return Totals{}, err
	}
	if err := c.tax(); err != nil {
		return Totals{}, err
	}
	return c.totals()
}

// fraction is a percentage as an exact fraction of one, num/den, with num <= den and den a power
// of ten of at most 10^18.
type fraction struct{ num, den uint64 }

// hundredPercent is 100 as a decimal.
var hundredPercent = decimal.NewFromInt(100)

// percentFraction returns p/100 as a fraction, or the reason p is not a percentage from 0 to 100
// with at most maxPercentDecimals decimals.
func percentFraction(p decimal.Decimal) (fraction, string) {
	switch p.Sign() {
	case -1:
		return fraction{}, "is negative"
	case 0:
		return fraction{0, 1}, ""
	}
	if p.Exponent() < -maxPercentDecimals {
		p = p.Normalize()
		if p.Exponent() < -maxPercentDecimals {
			return fraction{}, "has more than " + strconv.Itoa(maxPercentDecimals) + " decimals"
		}
	}
	// A nonzero coefficient times 10^3 or more is more than 100; checked before Cmp, which would
	// scale a huge exponent out.
	if p.Exponent() > 2 || p.Cmp(hundredPercent) > 0 {
		return fraction{}, "is more than 100"
	}
	// p/100 = coefficient x 10^(exponent-2), exponent in [-16, 2], coefficient <= 10^18.
	e := p.Exponent()
	coef := uint64(p.CoefficientInt64())
	if e == 2 {
		return fraction{coef, 1}, ""
	}
	return fraction{coef, pow10(2 - int(e))}, ""
}

// pow10 returns 10^n for 0 <= n <= 19.
func pow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

// mulFraction returns |x| x f as a quotient and remainder: |x| x f.num = q x f.den + r. Since
// f.num <= f.den, q <= |x| and the 128-bit division cannot overflow.
func mulFraction(x int64, f fraction) (q, r uint64) {
	hi, lo := bits.Mul64(absUnits(x), f.num)
	return bits.Div64(hi, lo, f.den)
}

// absUnits returns |x| as a uint64 (x is never math.MinInt64 here).
func absUnits(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// roundQuotient rounds q + r/den (r < den <= 10^18) to an integer in mode: up when r/den is more
// than a half, and on exactly a half unless mode is half-even and q is even.
func roundQuotient(q, r, den uint64, mode psa.RoundingMode) uint64 {
	switch twice := 2 * r; {
	case twice > den, twice == den && (mode != psa.RoundHalfEven || q&1 == 1):
		return q + 1
	}
	return q
}

// roundMul returns x x f rounded to an integer in mode, half away from zero or half to even, so
// -x gives the negated result.
func roundMul(x int64, f fraction, mode psa.RoundingMode) int64 {
	q, r := mulFraction(x, f)
	u := int64(roundQuotient(q, r, f.den, mode)) // <= |x|: a half rounds up to at most |x|
	if x < 0 {
		return -u
	}
	return u
}

// floorTarget returns the floor of an exact share of sign neg and magnitude q + r/den, and the
// remainder above the floor, in units of 1/den.
func floorTarget(neg bool, q, r, den uint64) (int64, uint64) {
	switch {
	case !neg:
		return int64(q), r
	case r == 0:
		return -int64(q), 0
	}
	return -int64(q) - 1, den - r
}

// units is a checked sum of minor units: it records overflow instead of wrapping, and keeps
// within ±math.MaxInt64 so that every value can be negated.
type units struct {
	n        int64
	overflow bool
}

// add adds x to s.
func (s *units) add(x int64) {
	if s.overflow {
		return
	}
	n := s.n + x
	if (n > s.n) != (x > 0) || n == math.MinInt64 {
		s.overflow = true
		return
	}
	s.n = n
}

// sumUnits returns the checked sum of xs.
func sumUnits(xs ...int64) units {
	var s units
	for _, x := range xs {
		s.add(x)
	}
	return s
}

// mixedSigns reports whether xs holds both a positive and a negative value.
func mixedSigns(xs []int64) bool {
	pos, neg := false, false
	for _, x := range xs {
		pos = pos || x > 0
		neg = neg || x < 0
	}
	return pos && neg
}

// roundToTotal returns one integer per exact share, floors[i] + rems[i]/den, each its floor or
// the floor plus one, summing to total: the floors, plus one unit each to the shares with the
// largest remainders, equal remainders going to the earlier share. It reports false when total
// is not between the sums of the floors and of the ceilings, which the callers rule out.
func roundToTotal(total int64, floors []int64, rems []uint64) ([]int64, bool) {
	s := units{n: total}
	for _, f := range floors {
		s.add(-f)
	}
	var up []int
	for i, r := range rems {
		if r > 0 {
			up = append(up, i)
		}
	}
	left := s.n
	if s.overflow || left < 0 || left > int64(len(up)) {
		return nil, false
	}
	out := slices.Clone(floors)
	if left > 0 {
		slices.SortStableFunc(up, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
		for _, i := range up[:left] {
			out[i]++
		}
	}
	return out, true
}

// totalsLine is a line in computation, in minor units.
type totalsLine struct {
	gross   int64
	items   []discountItem // the line's discounts
	lineDis int64          // signed like gross
	invDis  int64          // signed like the net before it
	net     int64
	region  int // index into totalsCalc.regions; -1 for a line that is not taxable
	comps   []int64
}

// discountItem is a validated discount: a percentage (pct set) or an amount of minor units.
type discountItem struct {
	percent decimal.Decimal
	pct     fraction
	isPct   bool
	amount  int64 // >= 0
}

// totalsRegion is a validated region in computation.
type totalsRegion struct {
	in      TaxRegion
	index   int // in ComputeTotals' regions
	rates   []fraction
	members []int // lines of the region, in order
	base    int64
	comps   []int64
	tax     int64
}

// totalsCalc holds ComputeTotals' validated input and the amounts computed so far.
type totalsCalc struct {
	cur      currency.Unit
	scale    int32
	opts     TaxOptions
	lines    []totalsLine
	invItems []discountItem
	regions  []totalsRegion
	order    []int // regions used, in order of first appearance
}

// newTotalsCalc validates ComputeTotals' input into a totalsCalc.
func newTotalsCalc(cur currency.Unit, lines []LineInput, invDiscounts []Discount, regions []TaxRegion, opts TaxOptions) (*totalsCalc, error) {
	c := &totalsCalc{cur: cur, scale: psa.MinorUnitScale(cur), opts: opts}
	var v psa.Validator
	if cur == currency.XXX {
		v.Add("currency", "", "is required")
	}
	if opts.Rounding != psa.RoundHalfUp && opts.Rounding != psa.RoundHalfEven {
		v.Add("rounding", opts.Rounding.String(), `is not "half-up" or "half-even"`)
	}
	switch opts.Treatment {
	case Taxed:
		if opts.Reason != "" {
			v.Add("reason", opts.Reason, "must be empty when the invoice is taxed")
		}
	case Exempt, ReverseCharge:
		if strings.TrimSpace(opts.Reason) == "" {
			v.Add("reason", opts.Reason, "is required when the invoice is "+string(opts.Treatment))
		}
	default:
		v.Add("treatment", string(opts.Treatment), `is not "" (taxed), "exempt" or "reverse charge"`)
	}

	codes := make(map[string]int, len(regions))
	c.regions = make([]totalsRegion, len(regions))
	for k, r := range regions {
		prefix := "regions[" + strconv.Itoa(k) + "]"
		v.Merge(prefix, r.Validate())
		if j, dup := codes[r.Code]; dup && r.Code != "" {
			v.Add(prefix+".code", r.Code, "is the code of regions["+strconv.Itoa(j)+"] too")
		} else {
			codes[r.Code] = k
		}
		rates := make([]fraction, len(r.Components))
		for i, comp := range r.Components {
			rates[i], _ = percentFraction(comp.Rate) // a bad rate is reported by Validate
		}
		c.regions[k] = totalsRegion{in: r, index: k, rates: rates}
	}

	c.lines = make([]totalsLine, len(lines))
	for i, l := range lines {
		f := "lines[" + strconv.Itoa(i) + "]"
		tl := totalsLine{region: -1}
		tl.gross = c.amountUnits(&v, f+".gross", l.Gross, false)
		tl.items = c.discountItems(&v, f+".discounts", l.Discounts)
		if l.TaxRegion != "" {
			if k, ok := codes[l.TaxRegion]; ok {
				tl.region = k
				if len(c.regions[k].members) == 0 {
					c.order = append(c.order, k)
				}
				c.regions[k].members = append(c.regions[k].members, i)
			} else {
				v.Add(f+".taxRegion", l.TaxRegion, "is not the code of one of the invoice's tax regions")
			}
		}
		c.lines[i] = tl
	}
	c.invItems = c.discountItems(&v, "discounts", invDiscounts)
	if err := v.Err(totalsObject); err != nil {
		return nil, err
	}
	return c, nil
}

// amountUnits returns m as minor units of c.cur, recording in v why it cannot be: another
// currency, not a whole number of minor units, out of the int64 range, or negative when
// nonNegative.
func (c *totalsCalc) amountUnits(v *psa.Validator, field string, m psa.Money, nonNegative bool) int64 {
	if c.cur == currency.XXX {
		return 0 // reported once, as "currency"
	}
	if m.Currency() != c.cur {
		v.Add(field, moneyText(m), "is not in the invoice's currency "+c.cur.String())
		return 0
	}
	if nonNegative && m.Sign() < 0 {
		v.Add(field, moneyText(m), "is negative")
		return 0
	}
	if !m.IsRounded() {
		v.Add(field, moneyText(m), "is not a whole number of minor units")
		return 0
	}
	u, err := m.MinorUnits()
	if err != nil || u == math.MinInt64 {
		v.Add(field, moneyText(m), "is out of range")
		return 0
	}
	return u
}

// discountItems validates discounts, the discounts at field, into items.
func (c *totalsCalc) discountItems(v *psa.Validator, field string, discounts []Discount) []discountItem {
	if len(discounts) == 0 {
		return nil
	}
	items := make([]discountItem, len(discounts))
	for j, d := range discounts {
		f := field + "[" + strconv.Itoa(j) + "]"
		hasPct, hasAmount := !d.Percent.IsZero(), d.Amount.Currency() != currency.XXX
		switch {
		case hasPct && hasAmount:
			v.Add(f, "", "sets both a percentage and an amount; a discount is one or the other")
		case hasPct:
			pct, reason := percentFraction(d.Percent)
			if reason != "" {
				v.Add(f+".percent", percentText(d.Percent), reason)
			}
			items[j] = discountItem{percent: d.Percent, pct: pct, isPct: true}
		case hasAmount:
			items[j] = discountItem{amount: c.amountUnits(v, f+".amount", d.Amount, true)}
		default:
			v.Add(f, "", "sets neither a percentage nor an amount")
		}
	}
	return items
}

// discountSum returns the rounded amounts of items applied to of (>= 0), their sum, and whether
// the sum is at most of.
func (c *totalsCalc) discountSum(items []discountItem, of uint64) ([]uint64, uint64, bool) {
	amounts := make([]uint64, len(items))
	var sum uint64
	ok := true
	for j, it := range items {
		a := uint64(it.amount)
		if it.isPct {
			a = uint64(roundMul(int64(of), it.pct, c.opts.Rounding))
		}
		amounts[j] = a
		var carry uint64
		sum, carry = bits.Add64(sum, a, 0)
		ok = ok && carry == 0
	}
	return amounts, sum, ok && sum <= of
}

// discountText shows discounts and their amounts in an error: "10% (10.00 USD) + 95.00 USD =
// 105.00 USD".
func (c *totalsCalc) discountText(items []discountItem, amounts []uint64) string {
	var b strings.Builder
	total := new(big.Int)
	for j, it := range items {
		if j > 0 {
			b.WriteString(" + ")
		}
		a := new(big.Int).SetUint64(amounts[j])
		total.Add(total, a)
		if it.isPct {
			b.WriteString(it.percent.String() + "% (" + c.bigText(a) + ")")
		} else {
			b.WriteString(c.bigText(a))
		}
	}
	if len(items) > 1 {
		b.WriteString(" = " + c.bigText(total))
	}
	return b.String()
}

// bigText formats a number of minor units of c.cur as psa.Money's String does.
func (c *totalsCalc) bigText(u *big.Int) string {
	return decimal.NewFromBigInt(u, -c.scale).StringFixed(c.scale) + " " + c.cur.String()
}

// text formats a number of minor units of c.cur as psa.Money's String does.
func (c *totalsCalc) text(u int64) string { return c.bigText(big.NewInt(u)) }

// discountLines computes every line's discounts and its net before the invoice discounts.
func (c *totalsCalc) discountLines() error {
	var v psa.Validator
	for i := range c.lines {
		l := &c.lines[i]
		amounts, sum, ok := c.discountSum(l.items, absUnits(l.gross))
		if !ok {
			v.Add("lines["+strconv.Itoa(i)+"].discounts", c.discountText(l.items, amounts),
				"is a discount larger than its line (gross "+c.text(l.gross)+")")
			continue
		}
		l.lineDis = int64(sum) // <= |gross|
		if l.gross < 0 {
			l.lineDis = -l.lineDis
		}
		l.net = l.gross - l.lineDis
	}
	return v.Err(totalsObject)
}

// discountInvoice computes the invoice discounts and spreads them over the lines.
func (c *totalsCalc) discountInvoice() error {
	nets := make([]int64, len(c.lines))
	var total units
	for i, l := range c.lines {
		nets[i] = l.net
		total.add(l.net)
	}
	if total.overflow {
		return psa.Invalid(totalsObject, "lines", "", "add up to an amount out of range")
	}
	amounts, sum, ok := c.discountSum(c.invItems, absUnits(total.n))
	if !ok {
		return psa.Invalid(totalsObject, "discounts", c.discountText(c.invItems, amounts),
			"is larger than the invoice's net after line discounts, "+c.text(total.n))
	}
	d := int64(sum) // <= |total|
	if total.n < 0 {
		d = -d
	}
	shares, err := c.spreadDiscount(d, nets, total.n)
	if err != nil {
		return err
	}
	for i := range c.lines {
		c.lines[i].invDis = shares[i]
		c.lines[i].net -= shares[i]
	}
	return nil
}

// spreadDiscount splits d (signed like total, |d| <= |total|) over lines of the given nets
// (summing to total) pro rata to them.
func (c *totalsCalc) spreadDiscount(d int64, nets []int64, total int64) ([]int64, error) {
	if d == 0 || !mixedSigns(nets) {
		return c.allocate(d, nets)
	}
	// Line i's exact share is d x nets[i] / total: nets[i] times a fraction from 0 to 1, so it
	// has the sign of nets[i] and |share| <= |nets[i]|, and the 128-bit division fits.
	den := absUnits(total)
	floors := make([]int64, len(nets))
	rems := make([]uint64, len(nets))
	for i, n := range nets {
		hi, lo := bits.Mul64(absUnits(d), absUnits(n))
		q, r := bits.Div64(hi, lo, den)
		floors[i], rems[i] = floorTarget(n < 0, q, r, den)
	}
	shares, ok := roundToTotal(d, floors, rems)
	if !ok {
		return nil, psa.Invalid(totalsObject, "discounts", c.text(d), "cannot be spread exactly over the lines")
	}
	return shares, nil
}

// allocate splits total over weights of one sign (or zero) with psa.Money.Allocate, weighted by
// their magnitudes; a zero total gives zeros.
func (c *totalsCalc) allocate(total int64, weights []int64) ([]int64, error) {
	out := make([]int64, len(weights))
	if total == 0 {
		return out, nil
	}
	ws := make([]decimal.Decimal, len(weights))
	for i, w := range weights {
		ws[i] = decimal.New(int64(absUnits(w)), 0)
	}
	parts, err := c.money(total).Allocate(ws)
	if err != nil {
		return nil, err
	}
	for i, p := range parts {
		if out[i], err = p.MinorUnits(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// tax computes every used region's tax and spreads it over the region's lines.
func (c *totalsCalc) tax() error {
	for _, k := range c.order {
		if err := c.taxRegion(&c.regions[k]); err != nil {
			return err
		}
	}
	return nil
}

// taxRegion computes r's base and components and the lines' shares of them.
func (c *totalsCalc) taxRegion(r *totalsRegion) error {
	field := "regions[" + strconv.Itoa(r.index) + "]"
	nets := make([]int64, len(r.members))
	for m, i := range r.members {
		nets[m] = c.lines[i].net
	}
	base := sumUnits(nets...)
	if base.overflow {
		return psa.Invalid(totalsObject, field, r.in.Code, "has lines whose nets add up to an amount out of range")
	}
	r.base = base.n
	n := len(r.in.Components)
	r.comps = make([]int64, n)
	for _, i := range r.members {
		c.lines[i].comps = make([]int64, n)
	}
	if c.opts.Treatment != Taxed {
		return nil
	}
	earlier := make([]int64, len(r.members)) // each line's shares of the earlier components
	weights := make([]int64, len(r.members))
	var earlierTax units // the region's earlier components
	for k, comp := range r.in.Components {
		kbase := units{n: r.base}
		copy(weights, nets)
		if comp.Compound {
			kbase.add(earlierTax.n)
			for m := range weights {
				s := units{n: weights[m]}
				s.add(earlier[m])
				if s.overflow {
					kbase.overflow = true
				}
				weights[m] = s.n
			}
		}
		if kbase.overflow {
			return psa.Invalid(totalsObject, field, r.in.Code, "has a compound base out of range")
		}
		var shares []int64
		if c.opts.PerLine {
			shares = make([]int64, len(weights))
			for m, w := range weights {
				shares[m] = roundMul(w, r.rates[k], c.opts.Rounding)
			}
			sum := sumUnits(shares...)
			if sum.overflow {
				return psa.Invalid(totalsObject, field, r.in.Code, "has a tax out of range")
			}
			r.comps[k] = sum.n
		} else {
			r.comps[k] = roundMul(kbase.n, r.rates[k], c.opts.Rounding)
			var err error
			if shares, err = c.spreadTax(r.comps[k], weights, r.rates[k]); err != nil {
				return err
			}
		}
		for m, i := range r.members {
			c.lines[i].comps[k] = shares[m]
			s := units{n: earlier[m]}
			s.add(shares[m])
			if s.overflow {
				return psa.Invalid(totalsObject, field, r.in.Code, "has a tax out of range")
			}
			earlier[m] = s.n
		}
		if earlierTax.add(r.comps[k]); earlierTax.overflow {
			return psa.Invalid(totalsObject, field, r.in.Code, "has a tax out of range")
		}
	}
	tax := sumUnits(r.comps...)
	if tax.overflow {
		return psa.Invalid(totalsObject, field, r.in.Code, "has a tax out of range")
	}
	r.tax = tax.n
	return nil
}

// spreadTax splits tax, a region's component at rate f of the sum of weights (the lines' bases
// for it), over the lines: with psa.Money.Allocate weighted by the bases when they have one
// sign, else each line's exact tax (its base x f) rounded down plus the units left over by
// largest remainder (see ComputeTotals).
func (c *totalsCalc) spreadTax(tax int64, weights []int64, f fraction) ([]int64, error) {
	if !mixedSigns(weights) {
		return c.allocate(tax, weights)
	}
	floors := make([]int64, len(weights))
	rems := make([]uint64, len(weights))
	for i, w := range weights {
		q, r := mulFraction(w, f)
		floors[i], rems[i] = floorTarget(w < 0, q, r, f.den)
	}
	shares, ok := roundToTotal(tax, floors, rems)
	if !ok {
		return nil, psa.Invalid(totalsObject, "tax", c.text(tax), "cannot be spread exactly over the lines")
	}
	return shares, nil
}

// money returns u minor units of c.cur.
func (c *totalsCalc) money(u int64) psa.Money {
	m, _ := psa.NewMoney(decimal.New(u, -c.scale), c.cur) // c.cur was checked to be a currency
	return m
}

// totals assembles the result.
func (c *totalsCalc) totals() (Totals, error) {
	t := Totals{
		Lines:     make([]LineTotals, len(c.lines)),
		Treatment: c.opts.Treatment,
		Reason:    c.opts.Reason,
	}
	var subtotal, discount, net, tax units
	for i, l := range c.lines {
		subtotal.add(l.gross)
		discount.add(l.lineDis)
		discount.add(l.invDis)
		net.add(l.net)
		lt := LineTotals{
			Gross:           c.money(l.gross),
			LineDiscount:    c.money(l.lineDis),
			InvoiceDiscount: c.money(l.invDis),
			Net:             c.money(l.net),
		}
		var ltax units
		if l.region >= 0 {
			comps := c.regions[l.region].in.Components
			lt.Components = make([]ComponentTax, len(comps))
			for k, comp := range comps {
				ltax.add(l.comps[k])
				lt.Components[k] = ComponentTax{Name: comp.Name, Rate: comp.Rate, Compound: comp.Compound, Amount: c.money(l.comps[k])}
			}
		}
		if ltax.overflow {
			return Totals{}, psa.Invalid(totalsObject, "lines["+strconv.Itoa(i)+"]", "", "has a tax out of range")
		}
		lt.Tax = c.money(ltax.n)
		t.Lines[i] = lt
	}
	for _, k := range c.order {
		r := c.regions[k]
		rt := RegionTax{Code: r.in.Code, Name: r.in.Name, Base: c.money(r.base), Tax: c.money(r.tax)}
		rt.Components = make([]ComponentTax, len(r.comps))
		for j, comp := range r.in.Components {
			rt.Components[j] = ComponentTax{Name: comp.Name, Rate: comp.Rate, Compound: comp.Compound, Amount: c.money(r.comps[j])}
		}
		t.Regions = append(t.Regions, rt)
		tax.add(r.tax)
	}
	total := units{n: net.n}
	total.add(tax.n)
	if subtotal.overflow || discount.overflow || net.overflow || tax.overflow || total.overflow {
		return Totals{}, psa.Invalid(totalsObject, "lines", "", "add up to an amount out of range")
	}
	t.Subtotal, t.Discount, t.Net = c.money(subtotal.n), c.money(discount.n), c.money(net.n)
	t.Tax, t.Total = c.money(tax.n), c.money(total.n)
	return t, nil
}

// moneyText formats m for an error message as its String does, but never spells out a huge
// exponent digit by digit.
func moneyText(m psa.Money) string {
	if d := m.Amount(); d.Exponent() > 30 || d.Exponent() < -1000 {
		return d.Coefficient().String() + "e" + strconv.Itoa(int(d.Exponent())) + " " + m.Currency().String()
	}
	return m.String()
}

// percentText formats a percentage for an error message, never spelling out a huge exponent.
func percentText(p decimal.Decimal) string {
	if e := p.Exponent(); e > 30 || e < -1000 {
		return p.Coefficient().String() + "e" + strconv.Itoa(int(e))
	}
	return p.String()
}
