package contract_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

// ruleExampleDate parses "YYYY-MM-DD" for the examples, which use valid dates only.
func ruleExampleDate(s string) psa.Date {
	d, err := psa.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Anniversary periods step from the anchor, each boundary derived from the anchor itself: an
// anchor on the 31st gives boundaries on the 31st, or the month's last day when it is shorter,
// and comes back to the 31st after February.
func ExampleSchedule_Periods() {
	s := contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignAnniversary, Anchor: ruleExampleDate("2026-01-31")}
	span, _ := psa.PeriodThrough(ruleExampleDate("2026-01-31"), ruleExampleDate("2026-05-30"))
	periods, err := s.Periods(span)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range periods {
		fmt.Printf("%s (%d days)\n", p, p.Days())
	}
	// Output:
	// 2026-01-31..2026-02-27 (28 days)
	// 2026-02-28..2026-03-30 (31 days)
	// 2026-03-31..2026-04-29 (30 days)
	// 2026-04-30..2026-05-30 (31 days)
}

// A service billed monthly in arrears started on January 15 and no run has billed it yet. A run
// on April 10 catches up on every period that has ended, the first one partial; the next run
// passes the day after the last billed period and gets only what has become due since.
func ExampleSchedule_Due() {
	s := contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar}
	served := psa.Period{Start: ruleExampleDate("2026-01-15")} // open-ended

	var billedThrough psa.Date // nothing billed yet
	for _, run := range []string{"2026-04-10", "2026-05-01"} {
		due, err := s.Due(served, contract.InArrears, billedThrough, ruleExampleDate(run))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("run", run)
		for _, d := range due {
			fmt.Printf("  period %s, served %s\n", d.Period, d.Served)
			billedThrough = d.Served.End
		}
	}
	// Output:
	// run 2026-04-10
	//   period 2026-01-01..2026-01-31, served 2026-01-15..2026-01-31
	//   period 2026-02-01..2026-02-28, served 2026-02-01..2026-02-28
	//   period 2026-03-01..2026-03-31, served 2026-03-01..2026-03-31
	// run 2026-05-01
	//   period 2026-04-01..2026-04-30, served 2026-04-01..2026-04-30
}

// A part of 10 units at 30.00 USD a month starts on January 15: its first month is prorated by
// 17 of January's 31 days, computed exactly and rounded once.
func ExampleCharge() {
	jan, _ := psa.PeriodThrough(ruleExampleDate("2026-01-01"), ruleExampleDate("2026-01-31"))
	served, _ := psa.PeriodThrough(ruleExampleDate("2026-01-15"), ruleExampleDate("2026-01-31"))
	price, _ := psa.ParseMoney("30.00", "USD")
	r, err := contract.Charge(contract.ChargeInput{
		Period:    jan,
		UnitPrice: price,
		Segments:  []contract.Segment{{Served: served, Quantity: decimal.NewFromInt(10)}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Explain())
	fmt.Println("exact:", r.Exact)
	// Output:
	// 2026-01-15..2026-01-31: 10 x 30.00 USD x 17/31 days ≈ 164.52 USD
	// charge 164.52 USD (rounded half-up once)
	// exact: 164.516129032258
}

// Starting a part on the first day of the period (the 1st of the month for calendar schedules,
// the anchor for anniversary ones) avoids a prorated line: the whole period at one quantity costs
// exactly price x quantity (seed 003: "set the start date of the contract to the first day of
// the month").
func ExampleCharge_notProrated() {
	feb, _ := psa.PeriodThrough(ruleExampleDate("2026-02-01"), ruleExampleDate("2026-02-28"))
	price, _ := psa.ParseMoney("19.99", "USD")
	r, err := contract.Charge(contract.ChargeInput{
		Period:    feb,
		UnitPrice: price,
		Segments:  []contract.Segment{{Served: feb, Quantity: decimal.NewFromInt(7)}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Explain())
	fmt.Println("prorated:", r.Prorated)
	// Output:
	// 2026-02-01..2026-02-28: 7 x 19.99 USD, whole period = 139.93 USD
	// charge 139.93 USD (whole period, not prorated)
	// prorated: false
}

// A quantity change in the middle of a period makes two segments. Their exact shares are added
// and rounded once; SplitCharge shows the charge as one piece per segment that sum exactly to it.
func ExampleSplitCharge() {
	jan, _ := psa.PeriodThrough(ruleExampleDate("2026-01-01"), ruleExampleDate("2026-01-31"))
	first, _ := psa.PeriodThrough(ruleExampleDate("2026-01-01"), ruleExampleDate("2026-01-15"))
	rest, _ := psa.PeriodThrough(ruleExampleDate("2026-01-16"), ruleExampleDate("2026-01-31"))
	price, _ := psa.ParseMoney("1.00", "USD")
	r, err := contract.Charge(contract.ChargeInput{
		Period:    jan,
		UnitPrice: price,
		Segments: []contract.Segment{
			{Served: first, Quantity: decimal.NewFromInt(1)},
			{Served: rest, Quantity: decimal.NewFromInt(2)},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Explain())
	pieces, err := contract.SplitCharge(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("pieces:", pieces)
	// Output:
	// 2026-01-01..2026-01-15: 1 x 1.00 USD x 15/31 days ≈ 0.48 USD
	// 2026-01-16..2026-01-31: 2 x 1.00 USD x 16/31 days ≈ 1.03 USD
	// charge 1.52 USD (rounded half-up once)
	// pieces: [0.49 USD 1.03 USD]
}

// January was billed in advance for 10 units. The quantity then dropped to 4 from January 20:
// the period's charge is computed afresh and the difference to what was billed is credited, so
// the total billed for January equals a fresh computation.
func ExampleAdjustment() {
	jan, _ := psa.PeriodThrough(ruleExampleDate("2026-01-01"), ruleExampleDate("2026-01-31"))
	before, _ := psa.PeriodThrough(ruleExampleDate("2026-01-01"), ruleExampleDate("2026-01-19"))
	after, _ := psa.PeriodThrough(ruleExampleDate("2026-01-20"), ruleExampleDate("2026-01-31"))
	price, _ := psa.ParseMoney("31.00", "USD")
	billed, _ := psa.ParseMoney("310.00", "USD")

	now, err := contract.Charge(contract.ChargeInput{
		Period:    jan,
		UnitPrice: price,
		Segments: []contract.Segment{
			{Served: before, Quantity: decimal.NewFromInt(10)},
			{Served: after, Quantity: decimal.NewFromInt(4)},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	adj, err := contract.Adjustment(now, billed)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("charge now:", now.Amount)
	fmt.Println("adjustment:", adj)
	// Output:
	// charge now: 238.00 USD
	// adjustment: -72.00 USD
}
