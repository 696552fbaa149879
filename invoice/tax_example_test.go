package invoice_test

import (
	"fmt"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

// taxExampleUSD parses an amount of USD for the examples, which use valid amounts only.
func taxExampleUSD(s string) psa.Money {
	m, err := psa.ParseMoney(s, "USD")
	if err != nil {
		panic(err)
	}
	return m
}

// A US invoice: a state, county and city sales tax on two of its three lines (the labor is not
// taxable). Each component is computed once on the region's base of 1,599.99 (6.25% is
// 99.999375, rounded once to 100.00) and spread over the taxable lines by the largest-remainder
// method, so the lines' taxes add up to the invoice's exactly.
func ExampleComputeTotals() {
	springfield := invoice.TaxRegion{Code: "US-XX-SPR", Name: "Springfield", Components: []invoice.TaxComponent{
		{Name: "State", Rate: decimal.RequireFromString("6.25")},
		{Name: "County", Rate: decimal.RequireFromString("1.75")},
		{Name: "City", Rate: decimal.RequireFromString("1")},
	}}
	descriptions := []string{"Managed services", "Firewall appliance", "Project labor"}
	lines := []invoice.LineInput{
		{Gross: taxExampleUSD("1250.00"), TaxRegion: "US-XX-SPR"},
		{Gross: taxExampleUSD("349.99"), TaxRegion: "US-XX-SPR"},
		{Gross: taxExampleUSD("500.00")}, // not taxable
	}
	t, err := invoice.ComputeTotals(currency.USD, lines, nil, []invoice.TaxRegion{springfield}, invoice.TaxOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, l := range t.Lines {
		fmt.Printf("%-20s %8s  tax %6s", descriptions[i], l.Net.Amount().StringFixed(2), l.Tax.Amount().StringFixed(2))
		for _, c := range l.Components {
			fmt.Printf("  %s %s", c.Name, c.Amount.Amount().StringFixed(2))
		}
		fmt.Println()
	}
	for _, r := range t.Regions {
		fmt.Printf("%s, on %s:", r.Name, r.Base)
		for _, c := range r.Components {
			fmt.Printf(" %s %s%% %s;", c.Name, c.Rate, c.Amount.Amount().StringFixed(2))
		}
		fmt.Println()
	}
	fmt.Println("Subtotal", t.Subtotal)
	fmt.Println("Tax     ", t.Tax)
	fmt.Println("Total   ", t.Total)
	// Output:
	// Managed services      1250.00  tax 112.51  State 78.13  County 21.88  City 12.50
	// Firewall appliance     349.99  tax  31.49  State 21.87  County 6.12  City 3.50
	// Project labor          500.00  tax   0.00
	// Springfield, on 1599.99 USD: State 6.25% 100.00; County 1.75% 28.00; City 1% 16.00;
	// Subtotal 2099.99 USD
	// Tax      144.00 USD
	// Total    2243.99 USD
}

// An invoice discount of 10.00 is spread over the lines pro rata to their nets (100.00, 200.00
// and 33.33 after its own discount): exactly 3.00003, 6.00006 and 0.99990, so 3.00, 6.00 and,
// with the cent left over by the largest remainder, 1.00. VAT is then computed on the
// discounted base and spread the same way.
func ExampleComputeTotals_invoiceDiscount() {
	vat := invoice.TaxRegion{Code: "GB", Name: "United Kingdom", Components: []invoice.TaxComponent{
		{Name: "VAT", Rate: decimal.RequireFromString("20")},
	}}
	lines := []invoice.LineInput{
		{Gross: taxExampleUSD("100.00"), TaxRegion: "GB"},
		{Gross: taxExampleUSD("200.00"), TaxRegion: "GB"},
		{Gross: taxExampleUSD("43.33"), TaxRegion: "GB", Discounts: []invoice.Discount{{Amount: taxExampleUSD("10.00"), Reason: "goodwill"}}},
	}
	discounts := []invoice.Discount{{Amount: taxExampleUSD("10.00"), Reason: "loyalty"}}
	t, err := invoice.ComputeTotals(currency.USD, lines, discounts, []invoice.TaxRegion{vat}, invoice.TaxOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("   gross  line disc  inv disc       net       VAT")
	for _, l := range t.Lines {
		fmt.Printf("%8s %10s %9s %9s %9s\n", l.Gross.Amount().StringFixed(2), l.LineDiscount.Amount().StringFixed(2),
			l.InvoiceDiscount.Amount().StringFixed(2), l.Net.Amount().StringFixed(2), l.Tax.Amount().StringFixed(2))
	}
	fmt.Printf("Subtotal %s, discount %s, net %s, VAT %s, total %s\n", t.Subtotal, t.Discount, t.Net, t.Tax, t.Total)
	// Output:
	//    gross  line disc  inv disc       net       VAT
	//   100.00       0.00      3.00     97.00     19.40
	//   200.00       0.00      6.00    194.00     38.80
	//    43.33      10.00      1.00     32.33      6.47
	// Subtotal 343.33 USD, discount 20.00 USD, net 323.33 USD, VAT 64.67 USD, total 388.00 USD
}
