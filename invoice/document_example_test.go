package invoice_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

func ExampleInvoice_Finalize() {
	usd := func(s string) psa.Money {
		m, _ := psa.ParseMoney(s, "USD")
		return m
	}
	draft := invoice.Invoice{
		Kind:     invoice.InvoiceNumbers,
		Status:   invoice.StatusDraft,
		Currency: currency.USD,
		Lines: []invoice.Line{
			{Description: "Managed workstations, March", Quantity: decimal.NewFromInt(10),
				UnitPrice: usd("50.00"), Amount: usd("500.00"), TaxRegion: "US-TX-AUS"},
			{Description: "Onsite labour, 2 h", Quantity: decimal.NewFromInt(2),
				UnitPrice: usd("125.00"), Amount: usd("250.00"), TaxRegion: "US-TX-AUS",
				Discounts: []invoice.Discount{{Percent: decimal.NewFromInt(10), Reason: "loyalty"}}},
		},
		Regions: []invoice.TaxRegion{{Code: "US-TX-AUS", Name: "Austin, Texas", Components: []invoice.TaxComponent{
			{Name: "State", Rate: decimal.RequireFromString("6.25")},
			{Name: "City", Rate: decimal.RequireFromString("2")},
		}}},
	}

	tpl, _ := invoice.ParseTemplate("INV-{YYYY}-{SEQ:5}")
	scheme := invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tpl}
	scheme.Confirm()
	terms, _ := psa.NetDays(30)
	if err := draft.Finalize(&scheme, psa.NewDate(2026, time.March, 31), terms); err != nil {
		fmt.Println(err)
		return
	}
	inv := draft
	fmt.Println(inv.Number, inv.Status, "due", inv.DueDate)
	fmt.Println("subtotal", inv.Totals.Subtotal)
	fmt.Println("discount", inv.Totals.Discount)
	fmt.Println("tax     ", inv.Totals.Tax)
	fmt.Println("total   ", inv.Totals.Total)

	over, err := inv.Pay(invoice.Payment{Date: psa.NewDate(2026, time.April, 15), Amount: usd("500.00")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inv.Status, "amount due", inv.AmountDue(), "overpaid", over)
	fmt.Println("overdue on 2026-05-01:", inv.Overdue(psa.NewDate(2026, time.May, 1)))
	// Output:
	// INV-2026-00001 finalized due 2026-04-30
	// subtotal 750.00 USD
	// discount 25.00 USD
	// tax      59.81 USD
	// total    784.81 USD
	// partially paid amount due 284.81 USD overpaid 0.00 USD
	// overdue on 2026-05-01: true
}
