package invoice_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

// The tests of tax.go. Helpers are prefixed "tax": the other files' tests share the package.

// taxMoney parses an amount of USD, or of the currency given as "12.30 EUR".
func taxMoney(t testing.TB, s string) psa.Money {
	t.Helper()
	amount, code, ok := strings.Cut(s, " ")
	if !ok {
		code = "USD"
	}
	m, err := psa.ParseMoney(amount, code)
	require.NoError(t, err)
	return m
}

// taxDec parses a decimal.
func taxDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// taxPct is a percentage discount.
func taxPct(s string) invoice.Discount { return invoice.Discount{Percent: taxDec(s)} }

// taxOff is an amount discount.
func taxOff(t testing.TB, s string) invoice.Discount {
	return invoice.Discount{Amount: taxMoney(t, s)}
}

// taxLine is a line of gross s in region.
func taxLine(t testing.TB, s, region string, discounts ...invoice.Discount) invoice.LineInput {
	return invoice.LineInput{Gross: taxMoney(t, s), TaxRegion: region, Discounts: discounts}
}

// taxRegion is a region of components "name rate", a "+" before the rate making it compound:
// "GST 5", "PST +10".
func taxRegion(code, name string, comps ...string) invoice.TaxRegion {
	r := invoice.TaxRegion{Code: code, Name: name}
	for _, c := range comps {
		n, rate, _ := strings.Cut(c, " ")
		compound := strings.HasPrefix(rate, "+")
		r.Components = append(r.Components, invoice.TaxComponent{Name: n, Rate: taxDec(strings.TrimPrefix(rate, "+")), Compound: compound})
	}
	return r
}

// taxAmt formats an amount without its currency, at its currency's scale.
func taxAmt(m psa.Money) string {
	return m.Amount().StringFixed(psa.MinorUnitScale(m.Currency()))
}

// taxRender shows totals one line of text per invoice line, per region and for the invoice.
func taxRender(tt invoice.Totals) string {
	var b strings.Builder
	comps := func(cs []invoice.ComponentTax) string {
		var parts []string
		for _, c := range cs {
			parts = append(parts, c.Name+" "+taxAmt(c.Amount))
		}
		if len(parts) == 0 {
			return ""
		}
		return " = " + strings.Join(parts, " + ")
	}
	for i, l := range tt.Lines {
		fmt.Fprintf(&b, "line %d: %s - %s - %s = %s; ", i, taxAmt(l.Gross), taxAmt(l.LineDiscount), taxAmt(l.InvoiceDiscount), taxAmt(l.Net))
		if l.Components == nil {
			b.WriteString("not taxed\n")
			continue
		}
		fmt.Fprintf(&b, "tax %s%s\n", taxAmt(l.Tax), comps(l.Components))
	}
	for _, r := range tt.Regions {
		fmt.Fprintf(&b, "region %s: base %s; tax %s%s\n", r.Code, taxAmt(r.Base), taxAmt(r.Tax), comps(r.Components))
	}
	fmt.Fprintf(&b, "invoice: %s - %s = %s; tax %s; total %s", taxAmt(tt.Subtotal), taxAmt(tt.Discount), taxAmt(tt.Net), taxAmt(tt.Tax), taxAmt(tt.Total))
	if tt.Treatment != invoice.Taxed {
		fmt.Fprintf(&b, "; %s: %s", tt.Treatment, tt.Reason)
	}
	return b.String()
}

// taxInput is the input of one ComputeTotals call.
type taxInput struct {
	cur        currency.Unit
	noCurrency bool // keep cur as currency.XXX; otherwise the tables default it to USD
	lines      []invoice.LineInput
	discount   []invoice.Discount
	regions    []invoice.TaxRegion
	opts       invoice.TaxOptions
}

func (in taxInput) compute() (invoice.Totals, error) {
	return invoice.ComputeTotals(in.cur, in.lines, in.discount, in.regions, in.opts)
}

func TestComputeTotals(t *testing.T) {
	us := taxRegion("US-XX-1", "Springfield", "State 6.25", "County 1.75", "City 1")
	vat := taxRegion("GB", "United Kingdom", "VAT 20")
	pei := taxRegion("CA-PE", "Prince Edward Island (2012)", "GST 5", "PST +10")
	one := func(rate string) []invoice.TaxRegion {
		return []invoice.TaxRegion{taxRegion("R", "Region", "Tax "+rate)}
	}
	halfEven := invoice.TaxOptions{Rounding: psa.RoundHalfEven}
	tests := []struct {
		name string
		in   taxInput
		want []string
	}{{
		// 1599.99 x 6.25% = 99.999375, x 1.75% = 27.999825, x 1% = 15.9999: each component rounded
		// once on the region's base, then spread by largest remainder over the two taxable lines.
		name: "US state, county and city on two of three lines",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "1250.00", "US-XX-1"), taxLine(t, "349.99", "US-XX-1"), taxLine(t, "500.00", "")},
			regions: []invoice.TaxRegion{us},
		},
		want: []string{
			"line 0: 1250.00 - 0.00 - 0.00 = 1250.00; tax 112.51 = State 78.13 + County 21.88 + City 12.50",
			"line 1: 349.99 - 0.00 - 0.00 = 349.99; tax 31.49 = State 21.87 + County 6.12 + City 3.50",
			"line 2: 500.00 - 0.00 - 0.00 = 500.00; not taxed",
			"region US-XX-1: base 1599.99; tax 144.00 = State 100.00 + County 28.00 + City 16.00",
			"invoice: 2099.99 - 0.00 = 2099.99; tax 144.00; total 2243.99",
		},
	}, {
		// GST 5% of 145.50 = 7.275 -> 7.28; PST 10% compound of 145.50 + 7.28 = 15.278 -> 15.28,
		// spread by each line's net plus its GST share (105.00 and 47.78).
		name: "compound component taxes the base plus the earlier tax",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "100.00", "CA-PE"), taxLine(t, "45.50", "CA-PE")},
			regions: []invoice.TaxRegion{pei},
		},
		want: []string{
			"line 0: 100.00 - 0.00 - 0.00 = 100.00; tax 15.50 = GST 5.00 + PST 10.50",
			"line 1: 45.50 - 0.00 - 0.00 = 45.50; tax 7.06 = GST 2.28 + PST 4.78",
			"region CA-PE: base 145.50; tax 22.56 = GST 7.28 + PST 15.28",
			"invoice: 145.50 - 0.00 = 145.50; tax 22.56; total 168.06",
		},
	}, {
		// 10% of 1234.56 = 123.456 -> 123.46; the discounts reduce the taxable base.
		name: "line discount as a percentage and as an amount",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "1234.56", "GB", taxPct("10")), taxLine(t, "300.00", "GB", taxOff(t, "50.00"))},
			regions: []invoice.TaxRegion{vat},
		},
		want: []string{
			"line 0: 1234.56 - 123.46 - 0.00 = 1111.10; tax 222.22 = VAT 222.22",
			"line 1: 300.00 - 50.00 - 0.00 = 250.00; tax 50.00 = VAT 50.00",
			"region GB: base 1361.10; tax 272.22 = VAT 272.22",
			"invoice: 1534.56 - 173.46 = 1361.10; tax 272.22; total 1633.32",
		},
	}, {
		// 10% and 5% are both of the gross (20.00 and 10.00), not compounded (20.00 and 9.00).
		name: "several discounts on one line each apply to the gross",
		in: taxInput{
			lines: []invoice.LineInput{taxLine(t, "200.00", "", taxPct("10"), taxPct("5"), taxOff(t, "20.00"))},
		},
		want: []string{
			"line 0: 200.00 - 50.00 - 0.00 = 150.00; not taxed",
			"invoice: 200.00 - 50.00 = 150.00; tax 0.00; total 150.00",
		},
	}, {
		name: "discounts of a whole line leave it at zero",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "80.00", "GB", taxPct("50"), taxOff(t, "40.00")), taxLine(t, "10.00", "GB")},
			regions: []invoice.TaxRegion{vat},
		},
		want: []string{
			"line 0: 80.00 - 80.00 - 0.00 = 0.00; tax 0.00 = VAT 0.00",
			"line 1: 10.00 - 0.00 - 0.00 = 10.00; tax 2.00 = VAT 2.00",
			"region GB: base 10.00; tax 2.00 = VAT 2.00",
			"invoice: 90.00 - 80.00 = 10.00; tax 2.00; total 12.00",
		},
	}, {
		// 10.00 over three equal nets: 3.333... each; the cent left over goes to the earliest.
		name: "invoice discount spread over equal lines",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "100.00", ""), taxLine(t, "100.00", ""), taxLine(t, "100.00", "")},
			discount: []invoice.Discount{taxOff(t, "10.00")},
		},
		want: []string{
			"line 0: 100.00 - 0.00 - 3.34 = 96.66; not taxed",
			"line 1: 100.00 - 0.00 - 3.33 = 96.67; not taxed",
			"line 2: 100.00 - 0.00 - 3.33 = 96.67; not taxed",
			"invoice: 300.00 - 10.00 = 290.00; tax 0.00; total 290.00",
		},
	}, {
		// Exact shares of 10.00 by nets of 333.33: 3.00003, 6.00006, 0.99990; the left-over cent
		// goes to the largest remainder, the third line's.
		name: "invoice discount spread pro rata by largest remainder",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "100.00", ""), taxLine(t, "200.00", ""), taxLine(t, "43.33", "", taxOff(t, "10.00"))},
			discount: []invoice.Discount{taxOff(t, "10.00")},
		},
		want: []string{
			"line 0: 100.00 - 0.00 - 3.00 = 97.00; not taxed",
			"line 1: 200.00 - 0.00 - 6.00 = 194.00; not taxed",
			"line 2: 43.33 - 10.00 - 1.00 = 32.33; not taxed",
			"invoice: 343.33 - 20.00 = 323.33; tax 0.00; total 323.33",
		},
	}, {
		// 5% + 2.50 of the net after line discounts (150.00): 7.50 + 2.50 = 10.00, spread 2:1; the
		// tax is on the discounted nets.
		name: "invoice discounts as a percentage and an amount, then tax",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "100.00", "GB"), taxLine(t, "60.00", "GB", taxOff(t, "10.00"))},
			discount: []invoice.Discount{taxPct("5"), taxOff(t, "2.50")},
			regions:  []invoice.TaxRegion{vat},
		},
		want: []string{
			"line 0: 100.00 - 0.00 - 6.67 = 93.33; tax 18.67 = VAT 18.67",
			"line 1: 60.00 - 10.00 - 3.33 = 46.67; tax 9.33 = VAT 9.33",
			"region GB: base 140.00; tax 28.00 = VAT 28.00",
			"invoice: 160.00 - 20.00 = 140.00; tax 28.00; total 168.00",
		},
	}, {
		// -123.33 x 8.25% = -10.174725 -> -10.17, split as 10.17 by 90.00 : 33.33 and negated.
		name: "credit lines give a negative base and a negative tax",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "-100.00", "R", taxPct("10")), taxLine(t, "-33.33", "R")},
			regions: one("8.25"),
		},
		want: []string{
			"line 0: -100.00 - -10.00 - 0.00 = -90.00; tax -7.42 = Tax -7.42",
			"line 1: -33.33 - 0.00 - 0.00 = -33.33; tax -2.75 = Tax -2.75",
			"region R: base -123.33; tax -10.17 = Tax -10.17",
			"invoice: -133.33 - -10.00 = -123.33; tax -10.17; total -133.50",
		},
	}, {
		// A credit line reduces the base: 10.00 - 4.00 = 6.00 at 8.25% = 0.495 -> 0.50. The lines'
		// own taxes are 0.825 and -0.33: rounded down 0.82 and -0.33, and the cent left over goes
		// to the larger remainder, the first line's.
		name: "a credit line in a taxed region reduces its tax",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "10.00", "R"), taxLine(t, "-4.00", "R")},
			regions: one("8.25"),
		},
		want: []string{
			"line 0: 10.00 - 0.00 - 0.00 = 10.00; tax 0.83 = Tax 0.83",
			"line 1: -4.00 - 0.00 - 0.00 = -4.00; tax -0.33 = Tax -0.33",
			"region R: base 6.00; tax 0.50 = Tax 0.50",
			"invoice: 6.00 - 0.00 = 6.00; tax 0.50; total 6.50",
		},
	}, {
		// The region's tax is 8% of 0.13 = 0.01, but each line carries about its own tax.
		name: "lines of mixed signs carry their own tax",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "100.00", "R"), taxLine(t, "-99.87", "R")},
			regions: one("8"),
		},
		want: []string{
			"line 0: 100.00 - 0.00 - 0.00 = 100.00; tax 8.00 = Tax 8.00",
			"line 1: -99.87 - 0.00 - 0.00 = -99.87; tax -7.99 = Tax -7.99",
			"region R: base 0.13; tax 0.01 = Tax 0.01",
			"invoice: 0.13 - 0.00 = 0.13; tax 0.01; total 0.14",
		},
	}, {
		// 10% of the net of 800.00 is 80.00: every line gives up 10% of its net, the credit too.
		name: "invoice discount over lines of mixed signs",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "1000.00", ""), taxLine(t, "-200.00", "")},
			discount: []invoice.Discount{taxPct("10")},
		},
		want: []string{
			"line 0: 1000.00 - 0.00 - 100.00 = 900.00; not taxed",
			"line 1: -200.00 - 0.00 - -20.00 = -180.00; not taxed",
			"invoice: 800.00 - 80.00 = 720.00; tax 0.00; total 720.00",
		},
	}, {
		name: "a credit invoice's discount is negative too",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "-30.00", ""), taxLine(t, "-60.00", "")},
			discount: []invoice.Discount{taxOff(t, "9.00")},
		},
		want: []string{
			"line 0: -30.00 - 0.00 - -3.00 = -27.00; not taxed",
			"line 1: -60.00 - 0.00 - -6.00 = -54.00; not taxed",
			"invoice: -90.00 - -9.00 = -81.00; tax 0.00; total -81.00",
		},
	}, {
		name: "exempt: zero tax, regions still listed with their base",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "1250.00", "US-XX-1"), taxLine(t, "500.00", "")},
			regions: []invoice.TaxRegion{us},
			opts:    invoice.TaxOptions{Treatment: invoice.Exempt, Reason: "exemption certificate EX-1234"},
		},
		want: []string{
			"line 0: 1250.00 - 0.00 - 0.00 = 1250.00; tax 0.00 = State 0.00 + County 0.00 + City 0.00",
			"line 1: 500.00 - 0.00 - 0.00 = 500.00; not taxed",
			"region US-XX-1: base 1250.00; tax 0.00 = State 0.00 + County 0.00 + City 0.00",
			"invoice: 1750.00 - 0.00 = 1750.00; tax 0.00; total 1750.00; exempt: exemption certificate EX-1234",
		},
	}, {
		name: "reverse charge: zero VAT with the legal mention",
		in: taxInput{
			cur:     currency.EUR,
			lines:   []invoice.LineInput{taxLine(t, "990.00 EUR", "DE")},
			regions: []invoice.TaxRegion{taxRegion("DE", "Germany", "USt 19")},
			opts:    invoice.TaxOptions{Treatment: invoice.ReverseCharge, Reason: "Reverse charge: Article 196, Directive 2006/112/EC"},
		},
		want: []string{
			"line 0: 990.00 - 0.00 - 0.00 = 990.00; tax 0.00 = USt 0.00",
			"region DE: base 990.00; tax 0.00 = USt 0.00",
			"invoice: 990.00 - 0.00 = 990.00; tax 0.00; total 990.00; reverse charge: Reverse charge: Article 196, Directive 2006/112/EC",
		},
	}, {
		// 30.30 x 8.25% = 2.49975 -> 2.50 once for the region, spread 0.84 + 0.83 + 0.83.
		name: "per-region rounding",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "10.10", "R"), taxLine(t, "10.10", "R"), taxLine(t, "10.10", "R")},
			regions: one("8.25"),
		},
		want: []string{
			"line 0: 10.10 - 0.00 - 0.00 = 10.10; tax 0.84 = Tax 0.84",
			"line 1: 10.10 - 0.00 - 0.00 = 10.10; tax 0.83 = Tax 0.83",
			"line 2: 10.10 - 0.00 - 0.00 = 10.10; tax 0.83 = Tax 0.83",
			"region R: base 30.30; tax 2.50 = Tax 2.50",
			"invoice: 30.30 - 0.00 = 30.30; tax 2.50; total 32.80",
		},
	}, {
		// 10.10 x 8.25% = 0.83325 -> 0.83 on each line: one cent less than per region.
		name: "per-line rounding of the same invoice",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "10.10", "R"), taxLine(t, "10.10", "R"), taxLine(t, "10.10", "R")},
			regions: one("8.25"),
			opts:    invoice.TaxOptions{PerLine: true},
		},
		want: []string{
			"line 0: 10.10 - 0.00 - 0.00 = 10.10; tax 0.83 = Tax 0.83",
			"line 1: 10.10 - 0.00 - 0.00 = 10.10; tax 0.83 = Tax 0.83",
			"line 2: 10.10 - 0.00 - 0.00 = 10.10; tax 0.83 = Tax 0.83",
			"region R: base 30.30; tax 2.49 = Tax 2.49",
			"invoice: 30.30 - 0.00 = 30.30; tax 2.49; total 32.79",
		},
	}, {
		// Compound per line: line 0 GST 5.00, PST 10% of 105.00 = 10.50; line 1 GST 2.275 ->
		// 2.28, PST 10% of 47.78 = 4.778 -> 4.78.
		name: "per-line rounding of a compound region",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "100.00", "CA-PE"), taxLine(t, "45.50", "CA-PE")},
			regions: []invoice.TaxRegion{pei},
			opts:    invoice.TaxOptions{PerLine: true},
		},
		want: []string{
			"line 0: 100.00 - 0.00 - 0.00 = 100.00; tax 15.50 = GST 5.00 + PST 10.50",
			"line 1: 45.50 - 0.00 - 0.00 = 45.50; tax 7.06 = GST 2.28 + PST 4.78",
			"region CA-PE: base 145.50; tax 22.56 = GST 7.28 + PST 15.28",
			"invoice: 145.50 - 0.00 = 145.50; tax 22.56; total 168.06",
		},
	}, {
		// 5% of 0.50 = 0.025 and of -0.50 = -0.025: half away from zero.
		name: "exact half of a tax, half-up",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "0.50", "A"), taxLine(t, "-0.50", "B"), taxLine(t, "0.70", "C")},
			regions: []invoice.TaxRegion{taxRegion("A", "A", "T 5"), taxRegion("B", "B", "T 5"), taxRegion("C", "C", "T 5")},
		},
		want: []string{
			"line 0: 0.50 - 0.00 - 0.00 = 0.50; tax 0.03 = T 0.03",
			"line 1: -0.50 - 0.00 - 0.00 = -0.50; tax -0.03 = T -0.03",
			"line 2: 0.70 - 0.00 - 0.00 = 0.70; tax 0.04 = T 0.04",
			"region A: base 0.50; tax 0.03 = T 0.03",
			"region B: base -0.50; tax -0.03 = T -0.03",
			"region C: base 0.70; tax 0.04 = T 0.04",
			"invoice: 0.70 - 0.00 = 0.70; tax 0.04; total 0.74",
		},
	}, {
		// 0.025 -> 0.02 and -0.025 -> -0.02 (to even), 0.035 -> 0.04 (to even).
		name: "exact half of a tax, half-even",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "0.50", "A"), taxLine(t, "-0.50", "B"), taxLine(t, "0.70", "C")},
			regions: []invoice.TaxRegion{taxRegion("A", "A", "T 5"), taxRegion("B", "B", "T 5"), taxRegion("C", "C", "T 5")},
			opts:    halfEven,
		},
		want: []string{
			"line 0: 0.50 - 0.00 - 0.00 = 0.50; tax 0.02 = T 0.02",
			"line 1: -0.50 - 0.00 - 0.00 = -0.50; tax -0.02 = T -0.02",
			"line 2: 0.70 - 0.00 - 0.00 = 0.70; tax 0.04 = T 0.04",
			"region A: base 0.50; tax 0.02 = T 0.02",
			"region B: base -0.50; tax -0.02 = T -0.02",
			"region C: base 0.70; tax 0.04 = T 0.04",
			"invoice: 0.70 - 0.00 = 0.70; tax 0.04; total 0.74",
		},
	}, {
		// 12.5% of 0.20 = 0.025 -> 0.03, and of -0.20 -> -0.03. The invoice's net is 0.50, and 5%
		// of it 0.025 -> 0.03, spread by exact shares 0.0102, -0.0102 and 0.03: rounded down 0.01,
		// -0.02 and 0.03, and the cent left over to the largest remainder, line 1's (0.98).
		name: "exact half of a discount, half-up",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "0.20", "", taxPct("12.5")), taxLine(t, "-0.20", "", taxPct("12.5")), taxLine(t, "0.50", "")},
			discount: []invoice.Discount{taxPct("5")},
		},
		want: []string{
			"line 0: 0.20 - 0.03 - 0.01 = 0.16; not taxed",
			"line 1: -0.20 - -0.03 - -0.01 = -0.16; not taxed",
			"line 2: 0.50 - 0.00 - 0.03 = 0.47; not taxed",
			"invoice: 0.50 - 0.03 = 0.47; tax 0.00; total 0.47",
		},
	}, {
		// 0.025 -> 0.02 and -0.025 -> -0.02 (to even); 5% of 0.50 = 0.025 -> 0.02, spread by
		// exact shares 0.0072, -0.0072 and 0.02: rounded down 0.00, -0.01 and 0.02, and the cent
		// left over to the largest remainder, line 0's (0.72).
		name: "exact half of a discount, half-even",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "0.20", "", taxPct("12.5")), taxLine(t, "-0.20", "", taxPct("12.5")), taxLine(t, "0.50", "")},
			discount: []invoice.Discount{taxPct("5")},
			opts:     halfEven,
		},
		want: []string{
			"line 0: 0.20 - 0.02 - 0.01 = 0.17; not taxed",
			"line 1: -0.20 - -0.02 - -0.01 = -0.17; not taxed",
			"line 2: 0.50 - 0.00 - 0.02 = 0.48; not taxed",
			"invoice: 0.50 - 0.02 = 0.48; tax 0.00; total 0.48",
		},
	}, {
		// Per line: 0.025 -> 0.02 (to even) and 0.015 -> 0.02; per region 0.80 x 5% = 0.04.
		name: "exact halves per line, half-even",
		in: taxInput{
			lines:   []invoice.LineInput{taxLine(t, "0.50", "R"), taxLine(t, "0.30", "R")},
			regions: one("5"),
			opts:    invoice.TaxOptions{Rounding: psa.RoundHalfEven, PerLine: true},
		},
		want: []string{
			"line 0: 0.50 - 0.00 - 0.00 = 0.50; tax 0.02 = Tax 0.02",
			"line 1: 0.30 - 0.00 - 0.00 = 0.30; tax 0.02 = Tax 0.02",
			"region R: base 0.80; tax 0.04 = Tax 0.04",
			"invoice: 0.80 - 0.00 = 0.80; tax 0.04; total 0.84",
		},
	}, {
		// 1,005 JPY x 10% = 100.5 -> 101 (half-up); BHD has three decimals (next case).
		name: "a currency without minor units",
		in: taxInput{
			cur:     currency.JPY,
			lines:   []invoice.LineInput{taxLine(t, "1005 JPY", "JP")},
			regions: []invoice.TaxRegion{taxRegion("JP", "Japan", "Consumption 10")},
		},
		want: []string{
			"line 0: 1005 - 0 - 0 = 1005; tax 101 = Consumption 101",
			"region JP: base 1005; tax 101 = Consumption 101",
			"invoice: 1005 - 0 = 1005; tax 101; total 1106",
		},
	}, {
		name: "a currency of three decimals",
		in: taxInput{
			cur:     currency.MustParseISO("BHD"),
			lines:   []invoice.LineInput{taxLine(t, "10.005 BHD", "BH", invoice.Discount{Percent: taxDec("10")})},
			regions: []invoice.TaxRegion{taxRegion("BH", "Bahrain", "VAT 10")},
		},
		want: []string{
			"line 0: 10.005 - 1.001 - 0.000 = 9.004; tax 0.900 = VAT 0.900",
			"region BH: base 9.004; tax 0.900 = VAT 0.900",
			"invoice: 10.005 - 1.001 = 9.004; tax 0.900; total 9.904",
		},
	}, {
		// Amounts of fewer decimals are whole minor units too; the result has the currency's
		// scale. The invoice's net of 70.00 gives up 8/70 of each line: exactly 10.2857 and
		// -2.2857, rounded down 10.28 and -2.29, and the cent left over to the larger
		// remainder, line 0's.
		name: "amounts without decimals",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "100", "GB", taxOff(t, "10")), taxLine(t, "-20.0", "")},
			discount: []invoice.Discount{taxOff(t, "8")},
			regions:  []invoice.TaxRegion{vat},
		},
		want: []string{
			"line 0: 100.00 - 10.00 - 10.29 = 79.71; tax 15.94 = VAT 15.94",
			"line 1: -20.00 - 0.00 - -2.29 = -17.71; not taxed",
			"region GB: base 79.71; tax 15.94 = VAT 15.94",
			"invoice: 80.00 - 18.00 = 62.00; tax 15.94; total 77.94",
		},
	}, {
		name: "no lines",
		in:   taxInput{regions: []invoice.TaxRegion{vat}},
		want: []string{"invoice: 0.00 - 0.00 = 0.00; tax 0.00; total 0.00"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in.cur == (currency.Unit{}) && !tt.in.noCurrency {
				tt.in.cur = currency.USD
			}
			got, err := tt.in.compute()
			require.NoError(t, err)
			if d := cmp.Diff(strings.Join(tt.want, "\n"), taxRender(got)); d != "" {
				t.Errorf("totals (-want +got):\n%s", d)
			}
			require.NoError(t, taxVerify(tt.in, got, true))
		})
	}
}

// TestComputeTotalsValues compares one result field by field, currencies, rates and the
// components' order included.
func TestComputeTotalsValues(t *testing.T) {
	pei := taxRegion("CA-PE", "Prince Edward Island (2012)", "GST 5", "PST +10")
	got, err := invoice.ComputeTotals(currency.CAD,
		[]invoice.LineInput{taxLine(t, "100.00 CAD", "CA-PE", taxPct("10")), taxLine(t, "20.00 CAD", "")},
		nil, []invoice.TaxRegion{pei}, invoice.TaxOptions{})
	require.NoError(t, err)
	cad := func(s string) psa.Money { return taxMoney(t, s+" CAD") }
	comps := func(gst, pst string) []invoice.ComponentTax {
		return []invoice.ComponentTax{
			{Name: "GST", Rate: taxDec("5"), Amount: cad(gst)},
			{Name: "PST", Rate: taxDec("10"), Compound: true, Amount: cad(pst)},
		}
	}
	want := invoice.Totals{
		Lines: []invoice.LineTotals{{
			Gross: cad("100.00"), LineDiscount: cad("10.00"), InvoiceDiscount: cad("0.00"), Net: cad("90.00"),
			Tax: cad("13.95"), Components: comps("4.50", "9.45"),
		}, {
			Gross: cad("20.00"), LineDiscount: cad("0.00"), InvoiceDiscount: cad("0.00"), Net: cad("20.00"), Tax: cad("0.00"),
		}},
		Regions:  []invoice.RegionTax{{Code: "CA-PE", Name: "Prince Edward Island (2012)", Base: cad("90.00"), Components: comps("4.50", "9.45"), Tax: cad("13.95")}},
		Subtotal: cad("120.00"), Discount: cad("10.00"), Net: cad("110.00"), Tax: cad("13.95"), Total: cad("123.95"),
	}
	opts := cmp.Options{
		cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) && a.Amount().Exponent() == b.Amount().Exponent() }),
		cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	}
	if d := cmp.Diff(want, got, opts); d != "" {
		t.Errorf("totals (-want +got):\n%s", d)
	}
}

// TestComputeTotalsSharesNothing checks that the result is not tied to the input, and the input is
// left as it was.
func TestComputeTotalsSharesNothing(t *testing.T) {
	regions := []invoice.TaxRegion{taxRegion("R", "Region", "A 5", "B +2")}
	lines := []invoice.LineInput{taxLine(t, "10.00", "R", taxPct("10")), taxLine(t, "5.00", "R")}
	discounts := []invoice.Discount{taxOff(t, "1.00")}
	before := fmt.Sprint(lines, discounts, regions)
	got, err := invoice.ComputeTotals(currency.USD, lines, discounts, regions, invoice.TaxOptions{})
	require.NoError(t, err)
	require.Equal(t, before, fmt.Sprint(lines, discounts, regions))
	got.Regions[0].Components[0].Name = "changed"
	got.Lines[0].Components[0].Name = "changed"
	require.Equal(t, "A", regions[0].Components[0].Name)
	again, err := invoice.ComputeTotals(currency.USD, lines, discounts, regions, invoice.TaxOptions{})
	require.NoError(t, err)
	require.Equal(t, "A", again.Lines[0].Components[0].Name)
}

// taxRequireInvalid asserts that err is a *psa.ValidationError of object, unwrapping to
// psa.ErrInvalid, with exactly the given fields ("field=value" each), each with a reason.
func taxRequireInvalid(t *testing.T, err error, object string, fields ...string) *psa.ValidationError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.True(t, strings.HasPrefix(err.Error(), "psa: "), "message %q", err.Error())
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "error %T %v is not a *psa.ValidationError", err, err)
	require.Equal(t, object, ve.Object)
	got := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		require.NotEmpty(t, f.Reason, "field %q has no reason", f.Field)
		got[i] = f.Field + "=" + f.Value
	}
	if d := cmp.Diff(fields, got); d != "" {
		t.Fatalf("fields (-want +got):\n%s\nerror: %v", d, err)
	}
	return ve
}

func TestComputeTotalsInvalid(t *testing.T) {
	vat := taxRegion("GB", "United Kingdom", "VAT 20")
	regions := []invoice.TaxRegion{vat}
	tests := []struct {
		name   string
		in     taxInput
		fields []string
		reason string // in the first field's reason
	}{{
		name:   "unknown tax region",
		in:     taxInput{lines: []invoice.LineInput{taxLine(t, "1.00", "GB"), taxLine(t, "1.00", "US-ZZ")}, regions: regions},
		fields: []string{"lines[1].taxRegion=US-ZZ"},
		reason: "is not the code of one of the invoice's tax regions",
	}, {
		name:   "a line in another currency",
		in:     taxInput{lines: []invoice.LineInput{taxLine(t, "100.00 EUR", "")}},
		fields: []string{"lines[0].gross=100.00 EUR"},
		reason: "is not in the invoice's currency USD",
	}, {
		name:   "a line without a currency",
		in:     taxInput{lines: []invoice.LineInput{{}}},
		fields: []string{"lines[0].gross=0.00 XXX"},
		reason: "is not in the invoice's currency USD",
	}, {
		name:   "a gross not rounded",
		in:     taxInput{lines: []invoice.LineInput{taxLine(t, "10.005", "")}},
		fields: []string{"lines[0].gross=10.005 USD"},
		reason: "is not a whole number of minor units",
	}, {
		name: "a gross out of range",
		in: taxInput{lines: []invoice.LineInput{{Gross: func() psa.Money {
			m, _ := psa.NewMoney(decimal.New(1, 40), currency.USD)
			return m
		}()}}},
		fields: []string{"lines[0].gross=1e40 USD"},
		reason: "is out of range",
	}, {
		name: "discount amounts in another currency, negative, not rounded",
		in: taxInput{lines: []invoice.LineInput{taxLine(t, "100.00", "", taxOff(t, "5.00 EUR"), taxOff(t, "-1.00"), taxOff(t, "0.125"))},
			discount: []invoice.Discount{taxOff(t, "1.00 GBP")}},
		fields: []string{"lines[0].discounts[0].amount=5.00 EUR", "lines[0].discounts[1].amount=-1.00 USD",
			"lines[0].discounts[2].amount=0.125 USD", "discounts[0].amount=1.00 GBP"},
		reason: "is not in the invoice's currency USD",
	}, {
		name: "discount percentages out of range or too precise",
		in: taxInput{lines: []invoice.LineInput{taxLine(t, "100.00", "", taxPct("100.01"), taxPct("-5"), taxPct("0.00000000000000001"), taxPct("100.000000000000000000"))},
			discount: []invoice.Discount{taxPct("1e5")}},
		fields: []string{"lines[0].discounts[0].percent=100.01", "lines[0].discounts[1].percent=-5",
			"lines[0].discounts[2].percent=0.00000000000000001", "discounts[0].percent=100000"},
		reason: "is more than 100",
	}, {
		name: "a discount of both or neither",
		in: taxInput{lines: []invoice.LineInput{taxLine(t, "100.00", "",
			invoice.Discount{Percent: taxDec("5"), Amount: taxMoney(t, "1.00")}, invoice.Discount{Reason: "nothing"}, invoice.Discount{Percent: taxDec("0")})}},
		fields: []string{"lines[0].discounts[0]=", "lines[0].discounts[1]=", "lines[0].discounts[2]="},
		reason: "sets both a percentage and an amount; a discount is one or the other",
	}, {
		name:   "discounts larger than their line",
		in:     taxInput{lines: []invoice.LineInput{taxLine(t, "100.00", "", taxPct("60"), taxOff(t, "50.00")), taxLine(t, "10.00", "")}},
		fields: []string{"lines[0].discounts=60% (60.00 USD) + 50.00 USD = 110.00 USD"},
		reason: "is a discount larger than its line (gross 100.00 USD)",
	}, {
		name:   "a discount larger than a credit line",
		in:     taxInput{lines: []invoice.LineInput{taxLine(t, "-10.00", "", taxOff(t, "10.01"))}},
		fields: []string{"lines[0].discounts=10.01 USD"},
		reason: "is a discount larger than its line (gross -10.00 USD)",
	}, {
		name:   "a discount on a line of zero",
		in:     taxInput{lines: []invoice.LineInput{taxLine(t, "0.00", "", taxPct("10"), taxOff(t, "0.01"))}},
		fields: []string{"lines[0].discounts=10% (0.00 USD) + 0.01 USD = 0.01 USD"},
		reason: "is a discount larger than its line (gross 0.00 USD)",
	}, {
		name: "invoice discounts larger than the net",
		in: taxInput{lines: []invoice.LineInput{taxLine(t, "100.00", "", taxOff(t, "20.00")), taxLine(t, "-30.00", "")},
			discount: []invoice.Discount{taxPct("50"), taxOff(t, "25.01")}},
		fields: []string{"discounts=50% (25.00 USD) + 25.01 USD = 50.01 USD"},
		reason: "is larger than the invoice's net after line discounts, 50.00 USD",
	}, {
		name:   "an invoice discount on a net of zero",
		in:     taxInput{lines: []invoice.LineInput{taxLine(t, "30.00", ""), taxLine(t, "-30.00", "")}, discount: []invoice.Discount{taxOff(t, "0.01")}},
		fields: []string{"discounts=0.01 USD"},
		reason: "is larger than the invoice's net after line discounts, 0.00 USD",
	}, {
		name:   "exempt without a reason",
		in:     taxInput{opts: invoice.TaxOptions{Treatment: invoice.Exempt, Reason: " "}},
		fields: []string{"reason= "},
		reason: "is required when the invoice is exempt",
	}, {
		name:   "reverse charge without a reason",
		in:     taxInput{opts: invoice.TaxOptions{Treatment: invoice.ReverseCharge}},
		fields: []string{"reason="},
		reason: "is required when the invoice is reverse charge",
	}, {
		name:   "a reason on a taxed invoice",
		in:     taxInput{opts: invoice.TaxOptions{Reason: "exempt"}},
		fields: []string{"reason=exempt"},
		reason: "must be empty when the invoice is taxed",
	}, {
		name:   "an unknown treatment and rounding",
		in:     taxInput{opts: invoice.TaxOptions{Treatment: "zero-rated", Rounding: 7}},
		fields: []string{"rounding=RoundingMode(7)", "treatment=zero-rated"},
		reason: `is not "half-up" or "half-even"`,
	}, {
		name:   "no currency",
		in:     taxInput{cur: currency.XXX, noCurrency: true, lines: []invoice.LineInput{taxLine(t, "1.00", "")}},
		fields: []string{"currency="},
		reason: "is required",
	}, {
		name: "invalid regions, and a code used twice",
		in: taxInput{regions: []invoice.TaxRegion{
			vat,
			{Code: "", Name: "", Components: []invoice.TaxComponent{{Name: "A", Rate: taxDec("1"), Compound: true}}},
			taxRegion("GB", "Again", "VAT 20"),
		}},
		fields: []string{"regions[1].code=", "regions[1].name=", "regions[1].components[0].compound=true", "regions[2].code=GB"},
		reason: "is required",
	}, {
		name: "every broken rule at once",
		in: taxInput{
			lines:    []invoice.LineInput{taxLine(t, "1.00 EUR", "XX", taxPct("101")), taxLine(t, "1.00", "GB", taxOff(t, "-2.00"))},
			discount: []invoice.Discount{{}},
			regions:  regions,
			opts:     invoice.TaxOptions{Treatment: invoice.Exempt},
		},
		fields: []string{"reason=", "lines[0].gross=1.00 EUR", "lines[0].discounts[0].percent=101", "lines[0].taxRegion=XX",
			"lines[1].discounts[0].amount=-2.00 USD", "discounts[0]="},
		reason: "is required when the invoice is exempt",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in.cur == (currency.Unit{}) && !tt.in.noCurrency {
				tt.in.cur = currency.USD
			}
			got, err := tt.in.compute()
			ve := taxRequireInvalid(t, err, "invoice", tt.fields...)
			require.Equal(t, tt.reason, ve.Fields[0].Reason)
			require.Empty(t, got.Lines)
		})
	}
}

func TestComputeTotalsOutOfRange(t *testing.T) {
	huge := taxMoney(t, "90000000000000000.00") // 9 x 10^18 cents, near the int64 limit
	_, err := invoice.ComputeTotals(currency.USD, []invoice.LineInput{{Gross: huge}, {Gross: huge}}, nil, nil, invoice.TaxOptions{})
	taxRequireInvalid(t, err, "invoice", "lines=")

	// A compound 100% tax on a huge base doubles it: out of range.
	regions := []invoice.TaxRegion{taxRegion("R", "R", "A 100", "B +100")}
	_, err = invoice.ComputeTotals(currency.USD, []invoice.LineInput{{Gross: huge, TaxRegion: "R"}}, nil, regions, invoice.TaxOptions{})
	taxRequireInvalid(t, err, "invoice", "regions[0]=R")

	// Mixed signs whose sum is fine compute exactly, even at the limit.
	got, err := invoice.ComputeTotals(currency.USD, []invoice.LineInput{{Gross: huge, TaxRegion: "R"}, {Gross: huge.Neg(), TaxRegion: "R"}},
		nil, []invoice.TaxRegion{taxRegion("R", "R", "A 7.5")}, invoice.TaxOptions{})
	require.NoError(t, err)
	require.Equal(t, "6750000000000000.00 USD", got.Lines[0].Tax.String())
	require.Equal(t, "-6750000000000000.00 USD", got.Lines[1].Tax.String())
	require.True(t, got.Total.IsZero())
}

// TestComputeTotalsLarge checks invoices of many lines and regions: the remainders are ranked by
// sorting past 32 lines and the regions looked up by map past 8, with the same results.
func TestComputeTotalsLarge(t *testing.T) {
	// 40 equal lines share 0.10: the earliest ten get a cent each.
	lines := make([]invoice.LineInput, 40)
	for i := range lines {
		lines[i] = taxLine(t, "1.00", "")
	}
	got, err := invoice.ComputeTotals(currency.USD, lines, []invoice.Discount{taxOff(t, "0.10")}, nil, invoice.TaxOptions{})
	require.NoError(t, err)
	for i, l := range got.Lines {
		want := "0.00"
		if i < 10 {
			want = "0.01"
		}
		require.Equal(t, want, taxAmt(l.InvoiceDiscount), "line %d", i)
	}

	rng := rand.New(rand.NewPCG(7, 7))
	pool := newTaxPool()
	computed := 0
	for n := range 40 {
		in := pool.random(rng)
		in.cur, in.discount, in.regions = currency.USD, nil, nil
		if n%3 > 0 {
			in.discount = []invoice.Discount{{Percent: pool.percents[rng.IntN(len(pool.percents))]}, {Amount: taxMoney(t, "12.34")}}
		}
		for k := range 12 {
			in.regions = append(in.regions, invoice.TaxRegion{Code: "R" + strconv.Itoa(k), Name: "Region", Components: []invoice.TaxComponent{
				{Name: "A", Rate: pool.rates[rng.IntN(len(pool.rates))]},
				{Name: "B", Rate: pool.rates[rng.IntN(len(pool.rates))], Compound: k%2 == 0},
			}})
		}
		in.lines = make([]invoice.LineInput, 300)
		for i := range in.lines {
			g := pool.gross[currency.USD][rng.IntN(len(pool.gross[currency.USD]))]
			in.lines[i] = invoice.LineInput{Gross: g, TaxRegion: "R" + strconv.Itoa(rng.IntN(12)*(n%2))} // half the invoices in one region
			if rng.IntN(4) == 0 {
				in.lines[i].Discounts = []invoice.Discount{{Percent: pool.percents[rng.IntN(len(pool.percents))]}}
			}
		}
		got, err := in.compute()
		if err != nil {
			require.True(t, taxExpectedError(err), "invoice %d: %v", n, err)
			continue
		}
		computed++
		require.NoError(t, taxVerify(in, got, true), "invoice %d", n)
	}
	require.Greater(t, computed, 35)
}

func TestTaxRegionValidate(t *testing.T) {
	tests := []struct {
		name   string
		region invoice.TaxRegion
		fields []string
	}{
		{"valid", taxRegion("US-TX", "Texas", "State 6.25", "City +2"), nil},
		{"no components", invoice.TaxRegion{Code: "US-OR", Name: "Oregon"}, nil},
		{"rates 0 and 100", taxRegion("X", "X", "A 0", "B 100", "C 0.0000000000000001"), nil},
		{"code and name required", invoice.TaxRegion{Code: " ", Components: []invoice.TaxComponent{{Name: "A"}}}, []string{"code= ", "name="}},
		{"first component compound", taxRegion("X", "X", "A +5"), []string{"components[0].compound=true"}},
		{"names required and unique", taxRegion("X", "X", "A 1", "a 2", " 3"), []string{"components[1].name=a", "components[2].name="}},
		{"rates out of range", taxRegion("X", "X", "A -1", "B 100.5", "C 0.00000000000000001", "D 1e3"),
			[]string{"components[0].rate=-1", "components[1].rate=100.5", "components[2].rate=0.00000000000000001", "components[3].rate=1000"}},
		{"huge exponents", invoice.TaxRegion{Code: "X", Name: "X", Components: []invoice.TaxComponent{
			{Name: "A", Rate: decimal.New(1, 2_000_000_000)}, {Name: "B", Rate: decimal.New(1, -2_000_000_000)}}},
			[]string{"components[0].rate=1e2000000000", "components[1].rate=1e-2000000000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.region.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			taxRequireInvalid(t, err, "tax region", tt.fields...)
		})
	}
}

// taxChecker verifies a result against its input; it records the first failure.
type taxChecker struct {
	cur   currency.Unit
	scale int32
	err   error
	arena []int64 // what take hands out
}

// take returns n zeros from c's arena.
func (c *taxChecker) take(n int) []int64 {
	if len(c.arena) < n {
		c.arena = make([]int64, max(n, 256))
	}
	s := c.arena[:n:n]
	c.arena = c.arena[n:]
	return s
}

func (c *taxChecker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

// u returns m in minor units, checking its currency and scale: the coefficient of an amount of
// exponent -scale (the tests' amounts fit an int64 by far).
func (c *taxChecker) u(m psa.Money, what fmt.Stringer) int64 {
	if m.Currency() != c.cur || m.Amount().Exponent() != -c.scale {
		c.fail("%s: %v is not at the scale of %v", what, m, c.cur)
		return 0
	}
	return m.Amount().CoefficientInt64()
}

// input returns m, an input amount of any scale, in minor units.
func (c *taxChecker) input(m psa.Money, what fmt.Stringer) int64 {
	n, err := m.MinorUnits()
	if err != nil {
		c.fail("%s: %v", what, err)
	}
	return n
}

// taxWhat names what a taxChecker checks, formatted only for a failure: "lines[2]".
type taxWhat struct {
	name  string
	index int
}

func (w taxWhat) String() string {
	if w.index < 0 {
		return w.name
	}
	return w.name + "[" + strconv.Itoa(w.index) + "]"
}

// dec returns n minor units as a decimal.
func (c *taxChecker) dec(n int64) decimal.Decimal { return decimal.New(n, -c.scale) }

// pct returns n x p% rounded in mode, in minor units: in int64 arithmetic with the rounding rule
// spelled out, or with decimals when the numbers are too large for that.
func (c *taxChecker) pct(n int64, p decimal.Decimal, mode psa.RoundingMode) int64 {
	coef, e := p.CoefficientInt64(), p.Exponent()
	if taxAbs(n) > 1e12 || p.NumDigits() > 6 || e < -6 || e > 2 {
		return mode.Round(c.dec(n).Mul(p).Shift(-2), c.scale).Shift(c.scale).IntPart()
	}
	num, den := n*coef, int64(100)
	if e >= 0 {
		num *= taxPow10(e)
	} else {
		den *= taxPow10(-e)
	}
	q, r := num/den, taxAbs(num%den) // q truncated toward zero
	if 2*r > den || 2*r == den && (mode == psa.RoundHalfUp || q%2 != 0) {
		q += taxSign(num) // away from zero
	}
	return q
}

// split splits total by |weights| by largest remainder, in int64 arithmetic written out here:
// each part the whole part of |total| x |w| / sum, the units left over one each to the first
// largest remainder, and negated for a negative total. With money, it checks that
// psa.Money.Allocate splits alike.
func (c *taxChecker) split(total int64, weights []int64, money bool) []int64 {
	out, rems := c.take(len(weights)), c.take(len(weights))
	if total == 0 {
		return out
	}
	var sum int64
	for _, w := range weights {
		sum += taxAbs(w)
	}
	left := taxAbs(total)
	for i, w := range weights {
		out[i], rems[i] = taxAbs(total)*taxAbs(w)/sum, taxAbs(total)*taxAbs(w)%sum
		left -= out[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i, r := range rems {
			if r > rems[best] {
				best = i
			}
		}
		out[best]++
		rems[best] = -1
	}
	for i := range out {
		out[i] *= taxSign(total)
	}
	if money {
		if want := c.allocate(total, weights); c.err == nil && !slices.Equal(want, out) {
			c.fail("split %d by %v: %v, psa.Money.Allocate %v", total, weights, out, want)
		}
	}
	return out
}

// allocate splits total by |weights| with psa.Money.Allocate.
func (c *taxChecker) allocate(total int64, weights []int64) []int64 {
	out := make([]int64, len(weights))
	if total == 0 {
		return out
	}
	ws := make([]decimal.Decimal, len(weights))
	for i, w := range weights {
		ws[i] = decimal.NewFromInt(w).Abs()
	}
	m, _ := psa.NewMoney(c.dec(total), c.cur)
	parts, err := m.Allocate(ws)
	if err != nil {
		c.fail("allocate %d by %v: %v", total, weights, err)
		return out
	}
	for i, p := range parts {
		out[i] = c.u(p, taxWhat{"allocation", -1})
	}
	return out
}

// floorSplit returns total split as the shares nums[i] / den (den > 0) rounded down, plus one
// unit each to the shares with the largest remainders, the first of equal ones. A negative total,
// or a zero total whose first nonzero share is negative, is split as its magnitude over the
// negated shares, and negated.
func (c *taxChecker) floorSplit(total int64, nums []int64, den int64) []int64 {
	out, rems := c.take(len(nums)), c.take(len(nums))
	if den == 0 {
		return out
	}
	first := slices.IndexFunc(nums, func(x int64) bool { return x != 0 })
	if total < 0 || total == 0 && first >= 0 && nums[first] < 0 {
		neg := c.take(len(nums))
		for i, x := range nums {
			neg[i] = -x
		}
		for i, x := range c.floorSplit(-total, neg, den) {
			out[i] = -x
		}
		return out
	}
	left := total
	for i, x := range nums {
		out[i], rems[i] = x/den, x%den
		if rems[i] < 0 { // Go truncates toward zero; the floor is one less
			out[i]--
			rems[i] += den
		}
		left -= out[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i, r := range rems {
			if r > rems[best] {
				best = i
			}
		}
		out[best]++
		rems[best] = -1
	}
	return out
}

func taxMixed(xs []int64) bool {
	pos, neg := false, false
	for _, x := range xs {
		pos, neg = pos || x > 0, neg || x < 0
	}
	return pos && neg
}

func taxSign(x int64) int64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func taxAbs(x int64) int64 { return x * taxSign(x) }

func taxPow10(n int32) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// String shows an input for a failure message.
func (in taxInput) String() string {
	var b strings.Builder
	disc := func(ds []invoice.Discount) string {
		var parts []string
		for _, d := range ds {
			if d.Amount.Currency() != currency.XXX {
				parts = append(parts, d.Amount.String())
			} else {
				parts = append(parts, d.Percent.String()+"%")
			}
		}
		return strings.Join(parts, ", ")
	}
	fmt.Fprintf(&b, "%v, %+v\n", in.cur, in.opts)
	for _, r := range in.regions {
		fmt.Fprintf(&b, "region %s:", r.Code)
		for _, c := range r.Components {
			fmt.Fprintf(&b, " %s %s%% compound=%v;", c.Name, c.Rate, c.Compound)
		}
		b.WriteString("\n")
	}
	for i, l := range in.lines {
		fmt.Fprintf(&b, "line %d: %v [%s] in %q\n", i, l.Gross, disc(l.Discounts), l.TaxRegion)
	}
	fmt.Fprintf(&b, "invoice discounts [%s]", disc(in.discount))
	return b.String()
}

// taxVerify checks every invariant of got, and recomputes each rounded amount independently:
// the discounts, each region component (per region) or line component (per line), and that
// every share is a largest-remainder split (one sign) or within one minor unit of the line's
// exact share (mixed signs). With cross, it also checks each split against psa.Money.Allocate.
func taxVerify(in taxInput, got invoice.Totals, cross bool) error {
	c := &taxChecker{cur: in.cur, scale: psa.MinorUnitScale(in.cur), arena: make([]int64, 32*len(in.lines)+16)}
	mode := in.opts.Rounding
	if len(got.Lines) != len(in.lines) {
		return fmt.Errorf("%d lines, want %d", len(got.Lines), len(in.lines))
	}
	if got.Treatment != in.opts.Treatment || got.Reason != in.opts.Reason {
		c.fail("treatment %q %q", got.Treatment, got.Reason)
	}
	n := len(in.lines)
	gross, ld, id, net, tax, net0 := c.take(n), c.take(n), c.take(n), c.take(n), c.take(n), c.take(n)
	var sumGross, sumDis, sumNet, sumTax, sumNet0 int64
	for i := range got.Lines {
		l := &got.Lines[i]
		what := taxWhat{"lines", i}
		gross[i], ld[i], id[i], net[i], tax[i] = c.u(l.Gross, what), c.u(l.LineDiscount, what), c.u(l.InvoiceDiscount, what), c.u(l.Net, what), c.u(l.Tax, what)
		net0[i] = gross[i] - ld[i]
		if want := c.input(in.lines[i].Gross, what); gross[i] != want {
			c.fail("%s gross %d, want %d", what, gross[i], want)
		}
		if net[i] != gross[i]-ld[i]-id[i] {
			c.fail("%s: net %d != %d - %d - %d", what, net[i], gross[i], ld[i], id[i])
		}
		// The line discount, recomputed: each discount of |gross|, signed like the gross.
		var want int64
		for j := range in.lines[i].Discounts {
			d := &in.lines[i].Discounts[j]
			if d.Amount.Currency() != currency.XXX {
				want += c.input(d.Amount, what)
			} else {
				want += c.pct(taxAbs(gross[i]), d.Percent, mode)
			}
		}
		if ld[i] != taxSign(gross[i])*want {
			c.fail("%s: line discount %d, want %d", what, ld[i], taxSign(gross[i])*want)
		}
		if taxSign(net0[i])*taxSign(gross[i]) < 0 || taxSign(id[i])*taxSign(net0[i]) < 0 || taxAbs(id[i]) > taxAbs(net0[i]) {
			c.fail("%s: a discount changes the line's sign: %d - %d - %d", what, gross[i], ld[i], id[i])
		}
		sumGross += gross[i]
		sumDis += ld[i] + id[i]
		sumNet += net[i]
		sumTax += tax[i]
		sumNet0 += net0[i]
		if in.lines[i].TaxRegion == "" && (l.Components != nil || tax[i] != 0) {
			c.fail("%s is not taxable but has tax %d %v", what, tax[i], l.Components)
		}
		var lt int64
		for k := range l.Components {
			comp := &l.Components[k]
			lt += c.u(comp.Amount, what)
		}
		if lt != tax[i] {
			c.fail("%s: tax %d, components sum to %d", what, tax[i], lt)
		}
		if taxSign(tax[i])*taxSign(net[i]) < 0 {
			c.fail("%s: tax %d and net %d differ in sign", what, tax[i], net[i])
		}
	}
	sub, dis, nt, tx, tot := c.u(got.Subtotal, taxWhat{"subtotal", -1}), c.u(got.Discount, taxWhat{"discount", -1}), c.u(got.Net, taxWhat{"net", -1}), c.u(got.Tax, taxWhat{"tax", -1}), c.u(got.Total, taxWhat{"total", -1})
	switch {
	case sub != sumGross:
		c.fail("subtotal %d, lines' gross %d", sub, sumGross)
	case dis != sumDis:
		c.fail("discount %d, lines' discounts %d", dis, sumDis)
	case nt != sub-dis || nt != sumNet:
		c.fail("net %d, subtotal - discount %d, lines' net %d", nt, sub-dis, sumNet)
	case tx != sumTax:
		c.fail("tax %d, lines' tax %d", tx, sumTax)
	case tot != sub-dis+tx || tot != nt+tx:
		c.fail("total %d, want %d", tot, sub-dis+tx)
	}

	// The invoice discount, recomputed and re-spread.
	var invDis int64
	for j := range in.discount {
		d := &in.discount[j]
		if d.Amount.Currency() != currency.XXX {
			invDis += c.input(d.Amount, taxWhat{"discounts", -1})
		} else {
			invDis += c.pct(taxAbs(sumNet0), d.Percent, mode)
		}
	}
	invDis *= taxSign(sumNet0)
	if !taxMixed(net0) {
		if want := c.split(invDis, net0, cross); c.err == nil && !slices.Equal(want, id) {
			c.fail("invoice discount %d spread %v, want %v", invDis, id, want)
		}
	} else {
		var s int64
		for i := range id {
			s += id[i]
			// |id x N - D x net0| < |N|: within one unit of the exact share.
			if sumNet0 == 0 && id[i] != 0 || sumNet0 != 0 && taxAbs(id[i]*sumNet0-invDis*net0[i]) >= taxAbs(sumNet0) {
				c.fail("invoice discount share %d of line %d is not within a unit of %d x %d / %d", id[i], i, invDis, net0[i], sumNet0)
			}
		}
		if s != invDis {
			c.fail("invoice discount shares sum to %d, want %d", s, invDis)
		}
		// Exactly: the exact shares D x net0 / N rounded down, the units left over to the
		// largest remainders.
		nums, den := c.take(n), sumNet0
		for i := range nums {
			nums[i] = invDis * net0[i] * taxSign(den)
		}
		if want := c.floorSplit(invDis, nums, taxAbs(den)); c.err == nil && den != 0 && !slices.Equal(want, id) {
			c.fail("invoice discount %d spread %v over mixed nets %v, want %v", invDis, id, net0, want)
		}
	}

	// Regions.
	var order []string
	for _, l := range in.lines {
		if l.TaxRegion != "" && !slices.Contains(order, l.TaxRegion) {
			order = append(order, l.TaxRegion)
		}
	}
	if len(got.Regions) != len(order) {
		c.fail("%d regions, want %d", len(got.Regions), len(order))
		return c.err
	}
	var regionTax int64
	for ri := range got.Regions {
		rt := &got.Regions[ri]
		what := taxWhat{"regions", ri}
		r := &in.regions[slices.IndexFunc(in.regions, func(r invoice.TaxRegion) bool { return r.Code == order[ri] })]
		if rt.Code != r.Code || rt.Name != r.Name || len(rt.Components) != len(r.Components) {
			c.fail("%s: region %d is %q %q, want %q", what, ri, rt.Code, rt.Name, r.Code)
			return c.err
		}
		members := make([]int, 0, n)
		for i := range in.lines {
			if in.lines[i].TaxRegion == r.Code {
				members = append(members, i)
			}
		}
		base, rtax := c.u(rt.Base, what), c.u(rt.Tax, what)
		regionTax += rtax
		var b, lineTax int64
		for _, i := range members {
			b += net[i]
			lineTax += tax[i]
		}
		if b != base || lineTax != rtax {
			c.fail("%s: base %d tax %d, lines' nets %d tax %d", what, base, rtax, b, lineTax)
		}
		earlier := c.take(len(members))
		var earlierTax, compSum int64
		for k := range r.Components {
			comp, rc := &r.Components[k], &rt.Components[k]
			amount := c.u(rc.Amount, what)
			compSum += amount
			if rc.Name != comp.Name || !rc.Rate.Equal(comp.Rate) || rc.Compound != comp.Compound {
				c.fail("%s: component %d is %+v, want %+v", what, k, rc, comp)
			}
			shares, weights := c.take(len(members)), c.take(len(members))
			var s int64
			for m, i := range members {
				lc := &got.Lines[i].Components[k]
				if lc.Name != comp.Name || !lc.Rate.Equal(comp.Rate) || lc.Compound != comp.Compound {
					c.fail("%s: line %d component %d is %+v, want %+v", what, i, k, lc, comp)
				}
				shares[m] = c.u(lc.Amount, what)
				s += shares[m]
				weights[m] = net[i]
				if comp.Compound {
					weights[m] += earlier[m]
				}
			}
			if s != amount {
				c.fail("%s: %s is %d, lines sum to %d", what, comp.Name, amount, s)
			}
			switch {
			case in.opts.Treatment != invoice.Taxed:
				if amount != 0 {
					c.fail("%s: %s is %d on an untaxed invoice", what, comp.Name, amount)
				}
			case in.opts.PerLine:
				for m, w := range weights {
					if want := c.pct(w, comp.Rate, mode); shares[m] != want {
						c.fail("%s: %s of line %d is %d, want %d", what, comp.Name, members[m], shares[m], want)
					}
				}
			default:
				kbase := base
				if comp.Compound {
					kbase += earlierTax
				}
				if want := c.pct(kbase, comp.Rate, mode); amount != want {
					c.fail("%s: %s is %d, want %d", what, comp.Name, amount, want)
				}
				if !taxMixed(weights) {
					if want := c.split(amount, weights, cross); c.err == nil && !slices.Equal(want, shares) {
						c.fail("%s: %s of %d spread %v, want %v by %v", what, comp.Name, amount, shares, want, weights)
					}
				} else {
					for m, w := range weights {
						exact := c.dec(w).Mul(comp.Rate).Shift(-2)
						if c.dec(shares[m]).Sub(exact).Abs().Cmp(c.dec(1)) >= 0 {
							c.fail("%s: %s of line %d is %d, not within a unit of %s", what, comp.Name, members[m], shares[m], exact)
						}
					}
					// Exactly: each line's exact tax w x rate / 100 rounded down, the units left
					// over to the largest remainders (the tests' rates have at most 3 decimals).
					if coef, e := comp.Rate.CoefficientInt64(), comp.Rate.Exponent(); e >= -3 && e <= 0 && comp.Rate.NumDigits() <= 6 {
						nums := c.take(len(weights))
						for m, w := range weights {
							nums[m] = w * coef
						}
						if want := c.floorSplit(amount, nums, 100*taxPow10(-e)); c.err == nil && !slices.Equal(want, shares) {
							c.fail("%s: %s of %d spread %v over mixed bases %v, want %v", what, comp.Name, amount, shares, weights, want)
						}
					}
				}
			}
			for m := range members {
				earlier[m] += shares[m]
			}
			earlierTax += amount
		}
		if compSum != rtax {
			c.fail("%s: tax %d, components sum to %d", what, rtax, compSum)
		}
	}
	if regionTax != tx {
		c.fail("tax %d, regions' tax %d", tx, regionTax)
	}
	return c.err
}

// taxPool holds the decimals and names random invoices draw from, made once: building decimals
// is most of the cost of making an invoice.
type taxPool struct {
	rates    []decimal.Decimal             // 0 to 25, 0 to 3 decimals; now and then 100
	percents []decimal.Decimal             // discount percentages, 0.001 to 100, some above 20
	gross    map[currency.Unit][]psa.Money // line amounts of both signs and every size
	codes    []string
	names    []string
	comps    []string
	curs     []currency.Unit // USD mostly, JPY, BHD
}

func newTaxPool() *taxPool {
	rng := rand.New(rand.NewPCG(1, 2))
	p := &taxPool{
		codes: []string{"R0", "R1", "R2"}, names: []string{"Region 0", "Region 1", "Region 2"},
		comps: []string{"C0", "C1", "C2"},
		curs:  []currency.Unit{currency.USD, currency.USD, currency.USD, currency.USD, currency.USD, currency.USD, currency.USD, currency.USD, currency.JPY, currency.MustParseISO("BHD")},
	}
	p.gross = make(map[currency.Unit][]psa.Money)
	for _, cur := range []currency.Unit{currency.USD, currency.JPY, currency.MustParseISO("BHD")} {
		for range 8192 {
			var g int64
			switch rng.IntN(10) {
			case 0:
				g = 0
			case 1, 2, 3:
				g = rng.Int64N(200)
			default:
				g = rng.Int64N(2_000_000)
			}
			if rng.IntN(10) < 3 {
				g = -g
			}
			m, _ := psa.NewMoney(decimal.New(g, -psa.MinorUnitScale(cur)), cur)
			p.gross[cur] = append(p.gross[cur], m)
		}
	}
	for range 4096 {
		d := int32(rng.IntN(4))
		rate := decimal.New(rng.Int64N(25*taxPow10(d)+1), -d)
		if rng.IntN(50) == 0 {
			rate = decimal.NewFromInt(100)
		}
		p.rates = append(p.rates, rate)
		var pct decimal.Decimal
		switch rng.IntN(50) {
		case 0:
			pct = decimal.NewFromInt(100)
		case 1, 2, 3:
			pct = decimal.New(rng.Int64N(100_000)+1, -3) // up to 100 with three decimals
		default:
			pct = decimal.New(rng.Int64N(20*taxPow10(d))+1, -d) // up to 20, so that most invoices pass
		}
		p.percents = append(p.percents, pct)
	}
	return p
}

// random makes a random invoice: lines of both signs and of every size, discounts, one to three
// regions of one to three components (some compound), both rounding modes, per line or per
// region, now and then exempt or reverse charge, in USD, JPY or BHD.
func (p *taxPool) random(rng *rand.Rand) taxInput {
	in := taxInput{cur: p.curs[rng.IntN(len(p.curs))]}
	scale := psa.MinorUnitScale(in.cur)
	money := func(u int64) psa.Money {
		m, _ := psa.NewMoney(decimal.New(u, -scale), in.cur)
		return m
	}
	discounts := func(of int64, max int) []invoice.Discount {
		n := rng.IntN(max + 1)
		if n == 0 {
			return nil
		}
		ds := make([]invoice.Discount, n)
		for j := range ds {
			if rng.IntN(2) == 0 {
				ds[j].Percent = p.percents[rng.IntN(len(p.percents))]
			} else {
				ds[j].Amount = money(rng.Int64N(of/3 + 1))
			}
		}
		return ds
	}
	nRegions := 1 + rng.IntN(3)
	in.regions = make([]invoice.TaxRegion, nRegions)
	for k := range in.regions {
		r := invoice.TaxRegion{Code: p.codes[k], Name: p.names[k], Components: make([]invoice.TaxComponent, 1+rng.IntN(3))}
		for j := range r.Components {
			r.Components[j] = invoice.TaxComponent{Name: p.comps[j], Rate: p.rates[rng.IntN(len(p.rates))], Compound: j > 0 && rng.IntN(3) == 0}
		}
		in.regions[k] = r
	}
	in.lines = make([]invoice.LineInput, rng.IntN(7))
	gross := p.gross[in.cur]
	for i := range in.lines {
		g := gross[rng.IntN(len(gross))]
		region := ""
		if rng.IntN(5) > 0 {
			region = p.codes[rng.IntN(nRegions)]
		}
		in.lines[i] = invoice.LineInput{Gross: g, Discounts: discounts(taxAbs(g.Amount().CoefficientInt64()), 3), TaxRegion: region}
	}
	in.discount = discounts(100, 2)
	in.opts.Rounding = psa.RoundingMode(rng.IntN(2))
	in.opts.PerLine = rng.IntN(2) == 0
	switch rng.IntN(20) {
	case 0:
		in.opts.Treatment, in.opts.Reason = invoice.Exempt, "certificate"
	case 1:
		in.opts.Treatment, in.opts.Reason = invoice.ReverseCharge, "reverse charge"
	}
	return in
}

// TestComputeTotalsProperties checks every invariant on random invoices, each rounded amount
// recomputed independently. Four workers, each with its own seed, share the invoices.
func TestComputeTotalsProperties(t *testing.T) {
	n := propertyCases(t, 100_000)
	const workers = 4
	pool := newTaxPool()
	type tally struct{ ok, lineErrs, invErrs int }
	tallies := make([]tally, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(2026, uint64(w)))
			tl := &tallies[w]
			for i := range n / workers {
				in := pool.random(rng)
				got, err := in.compute()
				if err != nil {
					if !taxExpectedError(err) {
						t.Errorf("worker %d case %d: unexpected error %v\ninput:\n%v", w, i, err, in)
						return
					}
					if ve, _ := errors.AsType[*psa.ValidationError](err); ve.Fields[0].Field == "discounts" {
						tl.invErrs++
					} else {
						tl.lineErrs++
					}
					continue
				}
				tl.ok++
				if err := taxVerify(in, got, i%16 == 0); err != nil {
					t.Errorf("worker %d case %d: %v\ninput:\n%v\ngot:\n%s", w, i, err, in, taxRender(got))
					return
				}
			}
		})
	}
	wg.Wait()
	var sum tally
	for _, tl := range tallies {
		sum.ok, sum.lineErrs, sum.invErrs = sum.ok+tl.ok, sum.lineErrs+tl.lineErrs, sum.invErrs+tl.invErrs
	}
	t.Logf("%d invoices: %d computed, %d with line discounts too large, %d with invoice discounts too large", n, sum.ok, sum.lineErrs, sum.invErrs)
	require.Greater(t, sum.ok, n*3/4)
}

// taxExpectedError reports whether err is one the random invoices may give: discounts larger
// than their lines, or invoice discounts larger than the net.
func taxExpectedError(err error) bool {
	ve, ok := errors.AsType[*psa.ValidationError](err)
	if !ok || ve.Object != "invoice" {
		return false
	}
	if len(ve.Fields) == 1 && ve.Fields[0].Field == "discounts" {
		return strings.HasPrefix(ve.Fields[0].Reason, "is larger than the invoice's net after line discounts")
	}
	for _, f := range ve.Fields {
		if !strings.HasSuffix(f.Field, "].discounts") || !strings.HasPrefix(f.Reason, "is a discount larger than its line") {
			return false
		}
	}
	return true
}

func BenchmarkComputeTotals(b *testing.B) {
	regions := []invoice.TaxRegion{
		taxRegion("US-XX-1", "Springfield", "State 6.25", "County 1.75", "City 1"),
		taxRegion("CA-PE", "Prince Edward Island (2012)", "GST 5", "PST +10"),
	}
	var lines []invoice.LineInput
	for i := range 20 {
		l := taxLine(b, strconv.Itoa(17+i*313)+"."+strconv.Itoa(10+i*7%90), regions[i%2].Code)
		if i%3 == 0 {
			l.Discounts = []invoice.Discount{taxPct("12.5"), taxOff(b, "1.00")}
		}
		if i%7 == 6 {
			l.TaxRegion = ""
		}
		lines = append(lines, l)
	}
	discounts := []invoice.Discount{taxPct("5")}
	for b.Loop() {
		if _, err := invoice.ComputeTotals(currency.USD, lines, discounts, regions, invoice.TaxOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
