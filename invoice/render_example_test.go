package invoice_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

func ExampleFormatMoney() {
	amount, _ := psa.ParseMoney("1234567.5", "USD")
	for _, tag := range []string{"en-US", "de-DE", "en-IN", "de-CH"} {
		fmt.Println(tag, invoice.FormatMoney(amount, language.MustParse(tag)))
	}
	yen, _ := psa.ParseMoney("-98765", "JPY")
	fmt.Println(invoice.FormatMoney(yen, language.Japanese))
	rupees, _ := psa.ParseMoney("12345678.90", "INR")
	fmt.Println(invoice.FormatMoney(rupees, language.MustParse("en-IN"))) // lakh and crore grouping
	// Exactly the amount's digits: more than the minor unit when it has them, never through float64.
	rate, _ := psa.ParseMoney("0.085", "USD")
	huge, _ := psa.ParseMoney("90071992547409931234.05", "USD")
	fmt.Println(invoice.FormatMoney(rate, language.Und), invoice.FormatMoney(huge, language.Und))
	// Output:
	// en-US $ 1,234,567.50
	// de-DE $ 1.234.567,50
	// en-IN US$ 12,34,567.50
	// de-CH $ 1’234’567.50
	// ￥ -98,765
	// ₹ 1,23,45,678.90
	// $ 0.085 $ 90,071,992,547,409,931,234.05
}

// exampleDocument returns a small finalized invoice for the examples.
func exampleDocument() (invoice.Document, error) {
	usd := func(s string) psa.Money { m, _ := psa.ParseMoney(s, "USD"); return m }
	jan, _ := psa.PeriodThrough(psa.NewDate(2026, time.January, 1), psa.NewDate(2026, time.January, 31))
	inv := invoice.Invoice{
		Kind: invoice.InvoiceNumbers, Status: invoice.StatusDraft, Currency: currency.USD,
		PONumber: "PO-7731", ServicePeriod: jan,
		Lines: []invoice.Line{
			{
				Description: "Managed workstations", Period: jan, Quantity: decimal.NewFromInt(12),
				UnitPrice: usd("45.00"), Amount: usd("540.00"), TaxRegion: "US-TX",
				Discounts:   []invoice.Discount{{Percent: decimal.NewFromInt(10), Reason: "loyalty"}},
				Explanation: "12 workstations x 45.00 USD, January 2026 (31 of 31 days)",
			},
			{
				Description: "Managed server", Organization: "Contoso East", Quantity: decimal.NewFromInt(1),
				UnitPrice: usd("150.00"), Amount: usd("96.77"), TaxRegion: "US-TX",
				Period:      psa.Period{Start: psa.NewDate(2026, time.January, 12), End: psa.NewDate(2026, time.February, 1)},
				Explanation: "1 server x 150.00 USD x 20/31 days (from January 12) = 96.774..., rounded half-up",
			},
		},
		Regions: []invoice.TaxRegion{{Code: "US-TX", Name: "Texas", Components: []invoice.TaxComponent{
			{Name: "State", Rate: decimal.RequireFromString("6.25")},
		}}},
	}
	tpl, err := invoice.ParseTemplate("INV-{YYYY}-{SEQ:4}")
	if err != nil {
		return invoice.Document{}, err
	}
	scheme := invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tpl, Confirmed: true, Last: 6}
	terms, _ := psa.NetDays(30)
	if err := inv.Finalize(&scheme, psa.NewDate(2026, time.February, 1), terms); err != nil {
		return invoice.Document{}, err
	}
	return invoice.Document{
		Invoice: inv,
		From:    invoice.Party{Name: "Northwind IT Services LLC", Address: psa.Address{Line1: "500 Congress Ave", City: "Austin", Region: "TX", PostalCode: "78701", Country: "US"}, TaxID: "US 74-1234567"},
		To:      invoice.Party{Name: "Contoso Ltd", Attention: "Jane Doe", Address: psa.Address{Line1: "12 Riverside Dr", City: "Round Rock", Region: "TX", PostalCode: "78664", Country: "US"}, Email: "ap@contoso.example"},
	}, nil
}

func ExampleText() {
	d, err := exampleDocument()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := invoice.Text(os.Stdout, d); err != nil {
		fmt.Println(err)
	}
	// Output:
	// INVOICE INV-2026-0007
	//
	// Status:          Finalized
	// Invoice date:    2026-02-01
	// Due date:        2026-03-03
	// Service period:  2026-01-01 to 2026-01-31
	// PO number:       PO-7731
	//
	// From                                    Bill to
	// Northwind IT Services LLC               Contoso Ltd
	// 500 Congress Ave                        Attn: Jane Doe
	// 78701 Austin, TX                        12 Riverside Dr
	// US                                      78664 Round Rock, TX
	// Tax ID: US 74-1234567                   US
	//                                         ap@contoso.example
	//
	// Description                                          Qty  Unit price    Amount
	// ------------------------------------------------------------------------------
	// Managed workstations                                  12     $ 45.00  $ 540.00
	//     Period: 2026-01-01 to 2026-01-31
	//     Discount: 10% (loyalty): $ -54.00
	//     Net: $ 486.00
	//     Tax: $ 30.37 (State 6.25% $ 30.37)
	//     12 workstations x 45.00 USD, January 2026 (31 of 31 days)
	// Managed server                                         1    $ 150.00   $ 96.77
	//     Organization: Contoso East
	//     Period: 2026-01-12 to 2026-01-31
	//     Tax: $ 6.05 (State 6.25% $ 6.05)
	//     1 server x 150.00 USD x 20/31 days (from January 12) = 96.774..., rounded
	//     half-up
	// ------------------------------------------------------------------------------
	//
	//                                                             Subtotal  $ 636.77
	//                                                       Line discounts  $ -54.00
	//                                                          Total price  $ 582.77
	//                                                        Taxable Texas  $ 582.77
	//                                                    Texas State 6.25%   $ 36.42
	//                                                            Total tax   $ 36.42
	//                                                          Grand total  $ 619.19
	//
	//                                                          Paid amount    $ 0.00
	//                                                          Payment due  $ 619.19
}

func ExampleRenderer_AddTemplate() {
	r, err := invoice.NewRenderer()
	if err != nil {
		fmt.Println(err)
		return
	}
	// A client whose BillingInfo.InvoiceTemplate is "reminder" gets this template.
	err = r.AddTemplate("reminder", `<p>{{title .Invoice}} {{docNumber .Invoice}} for {{.To.Name}} is due on {{date .Invoice.DueDate}}: {{money .Invoice.AmountDue}}.</p>`)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := exampleDocument()
	if err != nil {
		fmt.Println(err)
		return
	}
	d.To.Name = "Contoso <Ltd>" // escaped
	d.Language = language.German
	var b strings.Builder
	if err := r.HTML(&b, "reminder", d); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.String())

	err = r.AddTemplate("broken", `<p>{{.Invoice.Number</p>`)
	fmt.Println(errors.Is(err, psa.ErrInvalid))
	err = r.HTML(&b, "missing", d)
	fmt.Println(errors.Is(err, psa.ErrNotFound), err)
	// Output:
	// <p>Invoice INV-2026-0007 for Contoso &lt;Ltd&gt; is due on 2026-03-03: $ 619,19.</p>
	// true
	// true psa: invoice template "missing" not found
}
