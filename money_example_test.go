package psa_test

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
)

func ExampleParseMoney() {
	fee, err := psa.ParseMoney("12.30", "USD")
	if err != nil {
		fmt.Println(err)
		return
	}
	extra, err := psa.ParseMoney("0.125", "usd")
	if err != nil {
		fmt.Println(err)
		return
	}
	total, err := fee.Add(extra)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(total)
	fmt.Println(total.Round(psa.RoundHalfUp))

	eur, _ := psa.ParseMoney("5", "EUR")
	if _, err := total.Add(eur); errors.Is(err, psa.ErrInvalid) {
		fmt.Println(err)
	}

	_, err = psa.ParseMoney("1e3", "ABC")
	fmt.Println(err)
	// Output:
	// 12.425 USD
	// 12.43 USD
	// psa: cannot add an amount in EUR to an amount in USD
	// psa: invalid money: amount "1e3" is not a decimal number in plain notation; currency "ABC" is not an ISO 4217 currency code
}

func ExampleMoney_Round() {
	for _, s := range []string{"2.345", "-2.345", "2.355"} {
		m, _ := psa.ParseMoney(s, "USD")
		fmt.Printf("%s: half-up %s, half-even %s\n", m, m.Round(psa.RoundHalfUp), m.Round(psa.RoundHalfEven))
	}
	yen, _ := psa.ParseMoney("12.5", "JPY")
	dinar, _ := psa.ParseMoney("1.2345", "BHD")
	fmt.Println(yen.Round(psa.RoundHalfUp), yen.Round(psa.RoundHalfEven))
	fmt.Println(dinar.Round(psa.RoundHalfUp), dinar.Round(psa.RoundHalfEven))
	// Output:
	// 2.345 USD: half-up 2.35 USD, half-even 2.34 USD
	// -2.345 USD: half-up -2.35 USD, half-even -2.34 USD
	// 2.355 USD: half-up 2.36 USD, half-even 2.36 USD
	// 13 JPY 12 JPY
	// 1.235 BHD 1.234 BHD
}

func ExampleMoney_RoundCash() {
	// Swiss francs are paid in cash to 0.05.
	for _, s := range []string{"1.025", "1.074", "1.075"} {
		m, _ := psa.ParseMoney(s, "CHF")
		fmt.Printf("%s: half-up %s, half-even %s\n", m, m.RoundCash(psa.RoundHalfUp), m.RoundCash(psa.RoundHalfEven))
	}
	// Output:
	// 1.025 CHF: half-up 1.05 CHF, half-even 1.00 CHF
	// 1.074 CHF: half-up 1.05 CHF, half-even 1.05 CHF
	// 1.075 CHF: half-up 1.10 CHF, half-even 1.10 CHF
}

func ExampleMoney_Allocate() {
	discount, _ := psa.ParseMoney("-100.00", "USD")
	parts, err := discount.Allocate([]decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(1), decimal.NewFromInt(1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(parts)

	// A month's fee split by days served: 10 and 21 of 31.
	fee, _ := psa.ParseMoney("100.00", "USD")
	parts, _ = fee.Allocate([]decimal.Decimal{decimal.NewFromInt(10), decimal.NewFromInt(21)})
	fmt.Println(parts)
	// Output:
	// [-33.34 USD -33.33 USD -33.33 USD]
	// [32.26 USD 67.74 USD]
}
