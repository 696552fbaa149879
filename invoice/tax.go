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
	r.check(&v, func(f string) string { return f }, nil)
	return v.Err(regionObject)
}

// check records every broken rule of r in v, naming fields with field, and the rates as
// fractions in rates when it is not nil (of the components' length).
func (r TaxRegion) check(v *psa.Validator, field func(string) string, rates []fraction) {
	if strings.TrimSpace(r.Code) == "" {
		v.Add(field("code"), r.Code, "is required")
	}
	if strings.TrimSpace(r.Name) == "" {
		v.Add(field("name"), r.Name, "is required")
	}
	var names map[string]int // for regions of many components; few are compared pairwise
	if len(r.Components) > 16 {
		names = make(map[string]int, len(r.Components))
	}
	for i := range r.Components {
		c := &r.Components[i]
		if name := strings.TrimSpace(c.Name); name == "" {
			v.Add(field(componentField(i, "name")), c.Name, "is required")
		} else if j := r.earlierName(i, name, names); j >= 0 {
			v.Add(field(componentField(i, "name")), c.Name, "is the name of components["+strconv.Itoa(j)+"] too")
		}
		f, reason := percentFraction(c.Rate)
		if reason != "" {
			v.Add(field(componentField(i, "rate")), percentText(c.Rate), reason)
		}
		if rates != nil {
			rates[i] = f
		}
		if i == 0 && c.Compound {
			v.Add(field(componentField(i, "compound")), "true", "cannot be set on the first component: there is no earlier tax to compound on")
		}
	}
}

// earlierName returns the index of the first component before i named name (trimmed), ignoring
// letter case, or -1. With names, it looks name up there, and records it.
func (r TaxRegion) earlierName(i int, name string, names map[string]int) int {
	if names != nil {
		key := strings.ToLower(name)
		if j, ok := names[key]; ok {
			return j
		}
		names[key] = i
		return -1
	}
	for j := range i {
		if strings.EqualFold(strings.TrimSpace(r.Components[j].Name), name) {
			return j
		}
	}
	return -1
}

// componentField names a field of component i.
func componentField(i int, field string) string {
	return "components[" + strconv.Itoa(i) + "]." + field
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
	// Gross is the line's gross as given, at the currency's scale.
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
// magnitude. Their sum is spread over the lines pro rata to their nets, so that every line gives
// up the same fraction of its net, by the largest-remainder method exactly as psa.Money.Allocate
// splits: the shares sum exactly to the discount. When the nets mix signs (credit lines next to
// charges), each line's exact share (its net x the discount / the invoice's net) is still
// between 0 and its net: a 10% discount of an invoice of +1000.00 and -200.00 takes 100.00 and
// -20.00. The lines get their exact shares rounded down, and the minor units still missing go
// one each to the largest remainders, equal remainders to the earlier line; a negative discount
// (of an invoice whose net is negative) is split so as its magnitude over the negated lines, and
// negated, so that a credit note for every line of an invoice gets exactly the invoice's shares,
// negated. No discount changes a line's sign.
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
// Lines of mixed signs. When a region's lines mix charges and credits, its base is a difference
// of larger amounts, and a split weighted by net / base no longer gives each line about its own
// tax: of a line of +100.00 and one of -99.87 at 8%, the region's tax of 0.01 would split into
// +7.69 and -7.68. A line's exact share is then its own exact tax, its base for the component x
// the rate. Each line gets that rounded down, and the minor units still missing to the region's
// component go one each to the largest remainders, equal remainders to the earlier line (+8.00
// and -7.99 above); a negative component is split so as its magnitude over the negated lines,
// and negated, as discounts are, and so is a zero component whose first line with a base is a
// credit. So the shares sum exactly to the region's component, each is within one minor unit of
// the line's exact tax, and a document whose lines are another's negated gets its shares negated. Either way, a line's tax has the sign of its net, or is
// zero.
//
// With opts.PerLine, each line's component taxes are rounded on the line instead, and a region's
// component is the sum of its lines' (see TaxOptions.PerLine).
//
// Exempt and ReverseCharge invoices carry zero tax on every line, region and component (regions
// are still listed with their bases), and opts.Reason is required.
//
// Errors. Input that breaks a rule gives one *psa.ValidationError (object "invoice") listing
// every broken rule found, each naming its field and value, in this order: "currency" (none);
// "rounding", "treatment", "reason" (the options); "regions[k]...." (a region's Validate, and a
// code used twice); "lines[i].gross" (another currency, not whole minor units, out of range);
// "lines[i].taxRegion" (a code not in regions); "lines[i].discounts[j]" (neither or both of
// percentage and amount set), "...percent" (out of 0 to 100 or too precise), "...amount"
// (another currency, negative, not whole minor units); and invoice discounts likewise as
// "discounts[j]". Once those hold, discounts larger than their line give "lines[i].discounts"
// naming the amounts, and invoice discounts larger than the net "discounts". Amounts whose sums
// leave the range of an int64 of minor units give an error for the field concerned.
//
// No lines gives zero totals. The inputs are not modified; the result shares no slice with them,
// only immutable values (names, rates, and amounts such as a line's Gross).
func ComputeTotals(cur currency.Unit, lines []LineInput, invoiceDiscounts []Discount, regions []TaxRegion, opts TaxOptions) (Totals, error) {
	var c totalsCalc
	if err := c.init(cur, lines, invoiceDiscounts, regions, opts); err != nil {
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

// percentFraction returns p/100 as a fraction, or the reason p is not a percentage from 0 to 100
// with at most maxPercentDecimals decimals.
func percentFraction(p decimal.Decimal) (fraction, string) {
	switch p.Sign() {
	case -1:
		return fraction{}, "is negative"
	case 0:
		return fraction{0, 1}, ""
	}
	if p.Exponent() < -maxPercentDecimals || p.NumDigits() > 18 {
		p = p.Normalize()
		if p.Exponent() < -maxPercentDecimals {
			return fraction{}, "has more than " + strconv.Itoa(maxPercentDecimals) + " decimals"
		}
	}
	// p/100 = coefficient / 10^(2-exponent). A nonzero coefficient times 10^3 or more is more
	// than 100, and so is one of 19 digits or more once trailing zeros are removed (the exponent
	// is at least -16).
	e := p.Exponent()
	if e > 2 || p.NumDigits() > 18 {
		return fraction{}, "is more than 100"
	}
	f := fraction{num: uint64(p.CoefficientInt64()), den: pow10(int(2 - e))}
	if f.num > f.den {
		return fraction{}, "is more than 100"
	}
	return f, ""
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

// mixedSigns reports whether xs holds both a positive and a negative value.
func mixedSigns(xs []int64) bool {
	pos, neg := false, false
	for _, x := range xs {
		pos = pos || x > 0
		neg = neg || x < 0
	}
	return pos && neg
}

// totalsLine is a line in computation, in minor units.
type totalsLine struct {
	gross    int64
	tooLarge bool  // its discounts are more than its gross
	lineDis  int64 // signed like gross
	invDis   int64 // signed like the net before it
	net      int64
	region   int     // index into totalsCalc.regions; -1 for a line that is not taxable
	comps    []int64 // the line's shares of its region's components
}

// totalsRegion is a validated region in computation.
type totalsRegion struct {
	in       TaxRegion
	index    int // in ComputeTotals' regions
	rates    []fraction
	members  []int   // lines of the region, in order
	nMembers int     // their number, counted first
	buf      []int64 // taxRegion's buffers
	base     int64
	comps    []int64
	tax      int64
}

// totalsCalc holds ComputeTotals' validated input and the amounts computed so far.
type totalsCalc struct {
	cur     currency.Unit
	scale   int32
	opts    TaxOptions
	in      []LineInput
	invIn   []Discount
	lines   []totalsLine
	regions []totalsRegion
	order   []int           // regions used, in order of first appearance
	codes   map[string]int  // the regions' indexes by code, when there are many
	discBuf []int64         // discountInvoice's buffers
	zero    psa.Money       // 0 of cur, shared by every zero amount of the result
	rems    []uint64        // scratch for settle
	idx     []int           // scratch for settle
	cache   [31]cachedMoney // by amount modulo 31
}

// init validates ComputeTotals' input into c, a zero totalsCalc.
func (c *totalsCalc) init(cur currency.Unit, lines []LineInput, invDiscounts []Discount, regions []TaxRegion, opts TaxOptions) error {
	c.cur, c.scale, c.opts, c.in, c.invIn, c.zero = cur, psa.MinorUnitScale(cur), opts, lines, invDiscounts, psa.ZeroMoney(cur)
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

	c.regions = make([]totalsRegion, len(regions))
	nRates := 0
	for k := range regions {
		nRates += len(regions[k].Components)
	}
	rates := make([]fraction, nRates)
	if len(regions) > 8 {
		c.codes = make(map[string]int, len(regions))
	}
	for k := range regions {
		r := &regions[k]
		rs := rates[:len(r.Components):len(r.Components)]
		rates = rates[len(r.Components):]
		r.check(&v, func(f string) string { return regionField(k, "."+f) }, rs)
		if j := c.regionIndex(r.Code, k); j >= 0 && r.Code != "" {
			v.Add(regionField(k, ".code"), r.Code, "is the code of regions["+strconv.Itoa(j)+"] too")
		} else if c.codes != nil {
			c.codes[r.Code] = k
		}
		c.regions[k] = totalsRegion{in: *r, index: k, rates: rs}
	}

	c.lines = make([]totalsLine, len(lines))
	c.order = make([]int, 0, len(regions))
	taxable := 0 // lines
	for i := range lines {
		l, tl := &lines[i], &c.lines[i]
		tl.region = -1
		u, reason := c.amountUnits(l.Gross, false)
		if reason != "" {
			v.Add(lineField(i, ".gross"), moneyText(l.Gross), reason)
		}
		// The line's discounts, of its gross: their sum when all are valid, and whether it is
		// more than the gross (reported once every field is valid).
		of, sum, ok := absUnits(u), uint64(0), true
		for j := range l.Discounts {
			a, valid := c.checkDiscount(&v, &l.Discounts[j], of, func() string { return lineField(i, ".discounts["+strconv.Itoa(j)+"]") })
			var carry uint64
			sum, carry = bits.Add64(sum, a, 0)
			ok = ok && valid && carry == 0
		}
		if ok && reason == "" {
			tl.gross = u
			tl.tooLarge = sum > of
			tl.lineDis = int64(sum) // checked against the gross in discountLines
			if u < 0 {
				tl.lineDis = -tl.lineDis
			}
		}
		if l.TaxRegion != "" {
			if k := c.regionIndex(l.TaxRegion, len(regions)); k >= 0 {
				tl.region = k
				if c.regions[k].nMembers == 0 {
					c.order = append(c.order, k)
				}
				c.regions[k].nMembers++
				taxable++
			} else {
				v.Add(lineField(i, ".taxRegion"), l.TaxRegion, "is not the code of one of the invoice's tax regions")
			}
		}
	}
	for j := range invDiscounts {
		c.checkDiscount(&v, &invDiscounts[j], 0, func() string { return "discounts[" + strconv.Itoa(j) + "]" })
	}
	if err := v.Err(totalsObject); err != nil {
		return err
	}
	// One array of amounts for the computation: the lines' components, each used region's
	// buffers, and the invoice discount's.
	size := 2 * len(lines)
	for _, k := range c.order {
		r := &c.regions[k]
		size += (len(r.rates) + 4) * r.nMembers // the lines' components and the region's buffers
		size += len(r.rates)
	}
	arena := make([]int64, size)
	take := func(n int) []int64 {
		s := arena[:n:n]
		arena = arena[n:]
		return s
	}
	c.discBuf = take(2 * len(lines))
	members := make([]int, taxable)
	for _, k := range c.order {
		r := &c.regions[k]
		r.members, members = members[:0:r.nMembers], members[r.nMembers:]
		r.buf = take(4*r.nMembers + len(r.rates))
	}
	for i := range c.lines {
		if k := c.lines[i].region; k >= 0 {
			r := &c.regions[k]
			r.members = append(r.members, i) // within its capacity
			c.lines[i].comps = take(len(r.rates))
		}
	}
	return nil
}

// regionIndex returns the index of the first of the first n regions with code, or -1. Regions
// are usually few, and a linear search is faster than a map; c.codes serves many.
func (c *totalsCalc) regionIndex(code string, n int) int {
	if c.codes != nil {
		if k, ok := c.codes[code]; ok && k < n {
			return k
		}
		return -1
	}
	for k := range n {
		if c.regions[k].in.Code == code {
			return k
		}
	}
	return -1
}

// lineField names a field of line i.
func lineField(i int, field string) string { return "lines[" + strconv.Itoa(i) + "]" + field }

// regionField names a field of region k.
func regionField(k int, field string) string { return "regions[" + strconv.Itoa(k) + "]" + field }

// amountUnits returns m as minor units of c.cur, or the reason it cannot be: another currency,
// not a whole number of minor units, out of the int64 range, or negative when nonNegative.
func (c *totalsCalc) amountUnits(m psa.Money, nonNegative bool) (int64, string) {
	switch {
	case c.cur == currency.XXX:
		return 0, "" // reported once, as "currency"
	case m.Currency() != c.cur:
		return 0, "is not in the invoice's currency " + c.cur.String()
	case nonNegative && m.Sign() < 0:
		return 0, "is negative"
	case !m.IsRounded():
		return 0, "is not a whole number of minor units"
	}
	u, err := m.MinorUnits()
	if err != nil || u == math.MinInt64 {
		return 0, "is out of range"
	}
	return u, ""
}

// checkDiscount records in v every broken rule of d, the discount at field(), and returns d's
// magnitude applied to of (see discountUnits) and whether d is valid.
func (c *totalsCalc) checkDiscount(v *psa.Validator, d *Discount, of uint64, field func() string) (uint64, bool) {
	hasPct, hasAmount := !d.Percent.IsZero(), d.Amount.Currency() != currency.XXX
	switch {
	case hasPct && hasAmount:
		v.Add(field(), "", "sets both a percentage and an amount; a discount is one or the other")
	case hasPct:
		f, reason := percentFraction(d.Percent)
		if reason == "" {
			return uint64(roundMul(int64(of), f, c.opts.Rounding)), true
		}
		v.Add(field()+".percent", percentText(d.Percent), reason)
	case hasAmount:
		u, reason := c.amountUnits(d.Amount, true)
		if reason == "" {
			return uint64(u), c.cur != currency.XXX
		}
		v.Add(field()+".amount", moneyText(d.Amount), reason)
	default:
		v.Add(field(), "", "sets neither a percentage nor an amount")
	}
	return 0, false
}

// discountUnits returns the magnitude of d, a valid discount, applied to of (>= 0): a percentage
// of it rounded once, or the amount.
func (c *totalsCalc) discountUnits(d *Discount, of uint64) uint64 {
	if !d.Percent.IsZero() {
		f, _ := percentFraction(d.Percent)
		return uint64(roundMul(int64(of), f, c.opts.Rounding))
	}
	u, _ := d.Amount.MinorUnits()
	return uint64(u)
}

// discountSum returns the sum of discounts applied to of (>= 0), and whether it is at most of.
func (c *totalsCalc) discountSum(discounts []Discount, of uint64) (uint64, bool) {
	var sum uint64
	for j := range discounts {
		var carry uint64
		if sum, carry = bits.Add64(sum, c.discountUnits(&discounts[j], of), 0); carry != 0 || sum > of {
			return 0, false
		}
	}
	return sum, true
}

// discountText shows discounts applied to of in an error: "10% (10.00 USD) + 95.00 USD =
// 105.00 USD".
func (c *totalsCalc) discountText(discounts []Discount, of uint64) string {
	var b strings.Builder
	total := new(big.Int)
	for j := range discounts {
		d := &discounts[j]
		if j > 0 {
			b.WriteString(" + ")
		}
		a := new(big.Int).SetUint64(c.discountUnits(d, of))
		total.Add(total, a)
		if !d.Percent.IsZero() {
			b.WriteString(d.Percent.String() + "% (" + c.bigText(a) + ")")
		} else {
			b.WriteString(c.bigText(a))
		}
	}
	if len(discounts) > 1 {
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

// discountLines checks every line's discounts, summed by init, against its gross, and computes
// its net before the invoice discounts.
func (c *totalsCalc) discountLines() error {
	var v psa.Validator
	for i := range c.lines {
		l := &c.lines[i]
		if l.tooLarge {
			v.Add(lineField(i, ".discounts"), c.discountText(c.in[i].Discounts, absUnits(l.gross)),
				"is a discount larger than its line (gross "+c.text(l.gross)+")")
			continue
		}
		l.net = l.gross - l.lineDis // |lineDis| <= |gross|
	}
	return v.Err(totalsObject)
}

// discountInvoice computes the invoice discounts and spreads them over the lines.
func (c *totalsCalc) discountInvoice() error {
	var total units
	for i := range c.lines {
		total.add(c.lines[i].net)
	}
	if total.overflow {
		return psa.Invalid(totalsObject, "lines", "", "add up to an amount out of range")
	}
	of := absUnits(total.n)
	sum, ok := c.discountSum(c.invIn, of)
	if !ok {
		return psa.Invalid(totalsObject, "discounts", c.discountText(c.invIn, of),
			"is larger than the invoice's net after line discounts, "+c.text(total.n))
	}
	if sum == 0 {
		return nil
	}
	d := int64(sum) // <= |total|
	if total.n < 0 {
		d = -d
	}
	nets, shares := c.discBuf[:len(c.lines)], c.discBuf[len(c.lines):]
	for i := range c.lines {
		nets[i] = c.lines[i].net
	}
	if err := c.spreadDiscount(shares, d, nets, total.n); err != nil {
		return err
	}
	for i := range c.lines {
		c.lines[i].invDis = shares[i]
		c.lines[i].net -= shares[i]
	}
	return nil
}

// spreadDiscount splits d (signed like total, |d| <= |total|) into shares over lines of the given
// nets (summing to total) pro rata to them.
func (c *totalsCalc) spreadDiscount(shares []int64, d int64, nets []int64, total int64) error {
	if !mixedSigns(nets) {
		return c.allocate(shares, d, nets)
	}
	// Line i's exact share is d x nets[i] / total: nets[i] times a fraction from 0 to 1, so it
	// has the sign of nets[i] and |share| <= |nets[i]|, and the 128-bit division fits. A negative
	// d is split as -d over the negated nets, and the shares negated, so that negating every line
	// (a credit note) negates every share.
	flip := d < 0
	den := absUnits(total)
	rems := c.scratch(len(nets))
	for i, n := range nets {
		hi, lo := bits.Mul64(absUnits(d), absUnits(n))
		q, r := bits.Div64(hi, lo, den)
		shares[i], rems[i] = floorTarget(n < 0 != flip, q, r, den)
	}
	if flip {
		d = -d
	}
	if !c.settleTo(shares, rems, d) {
		return psa.Invalid(totalsObject, "discounts", c.text(d), "cannot be spread exactly over the lines")
	}
	negateIf(flip, shares)
	return nil
}

// negateIf negates every share when flip is true.
func negateIf(flip bool, shares []int64) {
	if flip {
		for i := range shares {
			shares[i] = -shares[i]
		}
	}
}

// allocate splits total into shares over weights of one sign (or zero), weighted by their
// magnitudes, by the largest-remainder method exactly as psa.Money.Allocate does: each share is
// the whole part of |total| x |weight| / sum, the units left over go one each to the largest
// remainders (equal remainders to the earlier line), and a negative total is split as its
// magnitude and negated. A zero total gives zeros. The callers' weights have one sign, so their
// magnitudes sum to the magnitude of their sum, an int64, at least |total|.
func (c *totalsCalc) allocate(shares []int64, total int64, weights []int64) error {
	if total == 0 {
		clear(shares)
		return nil
	}
	t := absUnits(total)
	var sum uint64
	ok := true
	for _, w := range weights {
		var carry uint64
		sum, carry = bits.Add64(sum, absUnits(w), 0)
		ok = ok && carry == 0
	}
	if !ok || t > sum {
		return psa.Invalid(totalsObject, "lines", c.text(total), "cannot be spread over lines whose amounts sum to less")
	}
	rems := c.scratch(len(weights))
	left := t
	for i, w := range weights {
		hi, lo := bits.Mul64(t, absUnits(w)) // the quotient is at most |w|: no overflow
		q, r := bits.Div64(hi, lo, sum)
		shares[i], rems[i] = int64(q), r
		left -= q
	}
	if !c.settle(shares, rems, left) {
		return psa.Invalid(totalsObject, "lines", c.text(total), "cannot be spread exactly over the lines")
	}
	if total < 0 {
		for i := range shares {
			shares[i] = -shares[i]
		}
	}
	return nil
}

// settleTo adds to shares, the floors of exact shares whose remainders are rems, the units they
// lack to sum to total (see settle).
func (c *totalsCalc) settleTo(shares []int64, rems []uint64, total int64) bool {
	s := units{n: total}
	for _, x := range shares {
		s.add(-x)
	}
	return !s.overflow && s.n >= 0 && c.settle(shares, rems, uint64(s.n))
}

// settle adds one unit each to the left shares with the largest remainders, equal remainders
// going to the earlier share. It reports false when fewer than left shares have a remainder,
// which the callers rule out: the remainders sum to left whole units.
func (c *totalsCalc) settle(shares []int64, rems []uint64, left uint64) bool {
	if left == 0 {
		return true
	}
	idx := c.idx[:0]
	for i, r := range rems {
		if r > 0 {
			idx = append(idx, i)
		}
	}
	c.idx = idx
	if left > uint64(len(idx)) {
		return false
	}
	if len(idx) <= 32 {
		// Few shares: take the first largest remainder left times, as psa.Money.Allocate does.
		for range left {
			best := idx[0]
			for _, i := range idx {
				if rems[i] > rems[best] {
					best = i
				}
			}
			shares[best]++
			rems[best] = 0
		}
		return true
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
	for _, i := range idx[:left] {
		shares[i]++
	}
	return true
}

// scratch returns c's scratch remainders, of length n.
func (c *totalsCalc) scratch(n int) []uint64 {
	if cap(c.rems) < n {
		c.rems = make([]uint64, n)
	}
	return c.rems[:n]
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
	rangeErr := func() error {
		return psa.Invalid(totalsObject, regionField(r.index, ""), r.in.Code, "has a base or tax out of range")
	}
	n := len(r.members)
	buf := r.buf
	nets, earlier, weights, shares := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n]
	r.comps = buf[4*n:]
	var base units
	for m, i := range r.members {
		nets[m] = c.lines[i].net
		base.add(nets[m])
	}
	if base.overflow {
		return rangeErr()
	}
	r.base = base.n
	if c.opts.Treatment != Taxed {
		return nil
	}
	var tax units // the region's components so far
	for k, comp := range r.in.Components {
		kbase := base
		copy(weights, nets)
		if comp.Compound {
			kbase.add(tax.n)
			for m := range weights {
				s := units{n: weights[m]}
				s.add(earlier[m])
				kbase.overflow = kbase.overflow || s.overflow
				weights[m] = s.n
			}
		}
		if kbase.overflow {
			return rangeErr()
		}
		if c.opts.PerLine {
			var sum units
			for m, w := range weights {
				shares[m] = roundMul(w, r.rates[k], c.opts.Rounding)
				sum.add(shares[m])
			}
			if sum.overflow {
				return rangeErr()
			}
			r.comps[k] = sum.n
		} else {
			r.comps[k] = roundMul(kbase.n, r.rates[k], c.opts.Rounding)
			if err := c.spreadTax(shares, r.comps[k], weights, r.rates[k]); err != nil {
				return err
			}
		}
		for m, i := range r.members {
			c.lines[i].comps[k] = shares[m]
			s := units{n: earlier[m]}
			s.add(shares[m])
			if s.overflow {
				return rangeErr()
			}
			earlier[m] = s.n
		}
		tax.add(r.comps[k])
		if tax.overflow {
			return rangeErr()
		}
	}
	r.tax = tax.n
	return nil
}

// spreadTax splits tax, a region's component at rate f of the sum of weights (the lines' bases
// for it), into shares over the lines: by largest remainder weighted by the bases when they
// have one sign, else each line's exact tax (its base x f) rounded down plus the units left
// over by largest remainder (see ComputeTotals).
func (c *totalsCalc) spreadTax(shares []int64, tax int64, weights []int64, f fraction) error {
	if !mixedSigns(weights) {
		return c.allocate(shares, tax, weights)
	}
	// A negative tax is split as -tax over the negated weights, and the shares negated, so that
	// negating every line (a credit note) negates every share; a zero tax (charges and credits
	// that cancel out) is split so when the first line with a base is a credit.
	flip := tax < 0
	if tax == 0 {
		if i := slices.IndexFunc(weights, func(w int64) bool { return w != 0 }); i >= 0 {
			flip = weights[i] < 0
		}
	}
	rems := c.scratch(len(weights))
	for i, w := range weights {
		q, r := mulFraction(w, f)
		shares[i], rems[i] = floorTarget(w < 0 != flip, q, r, f.den)
	}
	if flip {
		tax = -tax
	}
	if !c.settleTo(shares, rems, tax) {
		return psa.Invalid(totalsObject, "tax", c.text(tax), "cannot be spread exactly over the lines")
	}
	negateIf(flip, shares)
	return nil
}

// money returns u minor units of c.cur. Amounts are immutable, so equal amounts of the result
// may share one Money: a net equal to the gross, a tax equal to its only component.
func (c *totalsCalc) money(u int64) psa.Money {
	if u == 0 {
		return c.zero
	}
	e := &c.cache[uint64(u)%uint64(len(c.cache))]
	if e.set && e.u == u {
		return e.m
	}
	m, _ := psa.NewMoney(decimal.New(u, -c.scale), c.cur) // c.cur was checked to be a currency
	*e = cachedMoney{u: u, m: m, set: true}
	return m
}

// gross returns line i's gross: the input's own Money when it has the currency's scale (amounts
// are immutable), remembered for equal amounts such as a net without discounts.
func (c *totalsCalc) gross(i int) psa.Money {
	m, u := c.in[i].Gross, c.lines[i].gross
	if u == 0 || m.Amount().Exponent() != -c.scale {
		return c.money(u)
	}
	c.cache[uint64(u)%uint64(len(c.cache))] = cachedMoney{u: u, m: m, set: true}
	return m
}

// cachedMoney is an entry of totalsCalc's cache of amounts.
type cachedMoney struct {
	u   int64
	m   psa.Money
	set bool
}

// totals assembles the result.
func (c *totalsCalc) totals() (Totals, error) {
	t := Totals{
		Lines:     make([]LineTotals, len(c.lines)),
		Regions:   make([]RegionTax, 0, len(c.order)),
		Treatment: c.opts.Treatment,
		Reason:    c.opts.Reason,
	}
	nComps := 0
	for i := range c.lines {
		nComps += len(c.lines[i].comps)
	}
	for _, k := range c.order {
		nComps += len(c.regions[k].comps)
	}
	comps := make([]ComponentTax, nComps)
	components := func(in []TaxComponent, amounts []int64) []ComponentTax {
		out := comps[:len(in):len(in)]
		comps = comps[len(in):]
		for k := range in {
			o, comp := &out[k], &in[k]
			o.Name, o.Rate, o.Compound, o.Amount = comp.Name, comp.Rate, comp.Compound, c.money(amounts[k])
		}
		return out
	}
	var subtotal, discount, net, tax units
	for i := range c.lines {
		l, lt := &c.lines[i], &t.Lines[i]
		subtotal.add(l.gross)
		discount.add(l.lineDis)
		discount.add(l.invDis)
		net.add(l.net)
		lt.Gross, lt.LineDiscount, lt.InvoiceDiscount = c.gross(i), c.money(l.lineDis), c.money(l.invDis)
		lt.Net, lt.Tax = c.money(l.net), c.zero
		if l.region >= 0 {
			var ltax units
			for _, a := range l.comps {
				ltax.add(a)
			}
			if ltax.overflow {
				return Totals{}, psa.Invalid(totalsObject, lineField(i, ""), "", "has a tax out of range")
			}
			lt.Tax = c.money(ltax.n)
			lt.Components = components(c.regions[l.region].in.Components, l.comps)
		}
	}
	for _, k := range c.order {
		r := &c.regions[k]
		t.Regions = append(t.Regions, RegionTax{
			Code: r.in.Code, Name: r.in.Name, Base: c.money(r.base),
			Components: components(r.in.Components, r.comps), Tax: c.money(r.tax),
		})
		tax.add(r.tax)
	}
	if len(t.Regions) == 0 {
		t.Regions = nil
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
