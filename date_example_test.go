package psa_test

import (
	"errors"
	"fmt"

	"github.com/psakit/psa"
)

func ExampleParseDate() {
	d, err := psa.ParseDate("2024-02-29")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d, d.Weekday())

	_, err = psa.ParseDate("2026-02-29")
	fmt.Println(err)
	fmt.Println(errors.Is(err, psa.ErrInvalid))
	// Output:
	// 2024-02-29 Thursday
	// psa: invalid date: date "2026-02-29" is not a day of February 2026 (01 to 28)
	// true
}

// A monthly schedule anchored on the 31st: every boundary is derived from the anchor, so the
// schedule returns to the 31st after February instead of drifting to the 28th.
func ExampleDate_AddMonths() {
	anchor := psa.NewDate(2026, 1, 31)
	for k := range 5 {
		fmt.Println(anchor.AddMonths(k)) // not previous.AddMonths(1)
	}
	// Output:
	// 2026-01-31
	// 2026-02-28
	// 2026-03-31
	// 2026-04-30
	// 2026-05-31
}

// A contract part served from January 20 through February 10, 2026 (its end date is the last
// day of service), billed by calendar month.
func ExamplePeriod_Intersect() {
	served, err := psa.PeriodThrough(psa.NewDate(2026, 1, 20), psa.NewDate(2026, 2, 10))
	if err != nil {
		fmt.Println(err)
		return
	}
	january := psa.Period{Start: psa.NewDate(2026, 1, 1), End: psa.NewDate(2026, 2, 1)}
	february := psa.Period{Start: psa.NewDate(2026, 2, 1), End: psa.NewDate(2026, 3, 1)}
	for _, month := range []psa.Period{january, february} {
		part := month.Intersect(served)
		fmt.Printf("%v: %d of %d days served (%v)\n", month, part.Days(), month.Days(), part)
	}
	// Output:
	// 2026-01-01..2026-01-31: 12 of 31 days served (2026-01-20..2026-01-31)
	// 2026-02-01..2026-02-28: 10 of 28 days served (2026-02-01..2026-02-10)
}

func ExamplePeriodThrough() {
	q1, err := psa.PeriodThrough(psa.NewDate(2024, 1, 1), psa.NewDate(2024, 3, 31))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q1, q1.Days(), q1.End)

	_, err = psa.PeriodThrough(psa.NewDate(2026, 3, 1), psa.NewDate(2026, 2, 28))
	fmt.Println(err)
	// Output:
	// 2024-01-01..2024-03-31 91 2024-04-01
	// psa: invalid period: last day "2026-02-28" is before start 2026-03-01
}
