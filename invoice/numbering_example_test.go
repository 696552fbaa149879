package invoice_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

func ExampleParseTemplate() {
	tpl, err := invoice.ParseTemplate("INV-{YYYY}-{SEQ:6}")
	if err != nil {
		fmt.Println(err)
		return
	}
	date := psa.NewDate(2026, time.March, 9)
	fmt.Println(tpl.Format(42, date))
	fmt.Println(tpl.Format(999999, date))
	fmt.Println(tpl.Format(1000000, date)) // padding never truncates

	short, _ := invoice.ParseTemplate("{YY}{MM}-{{{SEQ}}}")
	fmt.Println(short.Format(7, date))

	_, err = invoice.ParseTemplate("INV-{DD}-{SEQ}")
	fmt.Println(err)
	fmt.Println(errors.Is(err, psa.ErrInvalid))
	// Output:
	// INV-2026-000042
	// INV-2026-999999
	// INV-2026-1000000
	// 2603-{7}
	// psa: invalid numbering template: template "INV-{DD}-{SEQ}" has an unknown placeholder "{DD}" (placeholders are {YYYY}, {YY}, {MM}, {SEQ} and {SEQ:n}; write {{ and }} for literal braces)
	// true
}

func ExampleScheme_Issue() {
	tpl, _ := invoice.ParseTemplate("INV-{YYYY}-{SEQ:5}")
	s := invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tpl}
	date := psa.NewDate(2026, time.January, 31)

	// The first billing run: the MSP has not verified the numbering settings yet.
	_, err := s.Issue(date)
	if ue, ok := errors.AsType[*invoice.UnconfirmedError](err); ok {
		fmt.Println("unconfirmed; first number would be", ue.Preview)
	}
	fmt.Println(errors.Is(err, psa.ErrPrecondition))

	// The MSP aligns the counter with its accounting software and confirms.
	if err := s.SetNext(1001); err != nil {
		fmt.Println(err)
		return
	}
	s.Confirm()
	for range 2 {
		number, err := s.Issue(date)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(number)
	}
	fmt.Println("last:", s.Last)
	// Output:
	// unconfirmed; first number would be INV-2026-00001
	// true
	// INV-2026-01001
	// INV-2026-01002
	// last: 1002
}
