package servicedesk_test

import (
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/servicedesk"
)

// A ticket opened on Friday at 16:00 with a 4-hour resolution target on a Monday-to-Friday
// 09:00-17:00 calendar: one hour on Friday, three on Monday.
func ExampleHours_AddBusiness() {
	nineToFive := []servicedesk.Interval{{Start: 9 * 60, End: 17 * 60}}
	cal := servicedesk.Calendar{
		Name:     "Office hours",
		TimeZone: "America/New_York",
		Week:     [7][]servicedesk.Interval{time.Monday: nineToFive, time.Tuesday: nineToFive, time.Wednesday: nineToFive, time.Thursday: nineToFive, time.Friday: nineToFive},
		Yearly:   []servicedesk.MonthDay{{Month: time.December, Day: 25}},
	}
	hours, err := cal.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	opened := time.Date(2026, time.May, 15, 16, 0, 0, 0, hours.Location())
	due := hours.AddBusiness(opened, 4*time.Hour)
	fmt.Println("due:", due.Format("Mon 2006-01-02 15:04 MST"))
	fmt.Println("business time:", hours.BusinessTime(opened, due))

	// The deadline may fall exactly at closing time.
	fmt.Println("1h from 16:00:", hours.AddBusiness(opened, time.Hour).Format("Mon 15:04"))
	// Opened on a holiday, the clock starts at the next opening.
	christmas := time.Date(2026, time.December, 25, 10, 0, 0, 0, hours.Location())
	fmt.Println("opened on Christmas, clock starts:", hours.NextOpen(christmas).Format("Mon 2006-01-02 15:04"))
	// Output:
	// due: Mon 2026-05-18 12:00 EDT
	// business time: 4h0m0s
	// 1h from 16:00: Fri 17:00
	// opened on Christmas, clock starts: Mon 2026-12-28 09:00
}

// Business time is real elapsed time: a 00:00-06:00 night shift lasts 5 hours on the night the
// clocks spring forward and 7 hours on the night they fall back.
func ExampleHours_BusinessTime_daylightSaving() {
	night := []servicedesk.Interval{{Start: 0, End: 6 * 60}}
	var week [7][]servicedesk.Interval
	for d := range week {
		week[d] = night
	}
	hours, err := servicedesk.Calendar{Name: "Night shift", TimeZone: "America/New_York", Week: week}.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range []string{"2026-03-07", "2026-03-08", "2026-11-01"} {
		day, _ := psa.ParseDate(s)
		fmt.Println(s, hours.BusinessTime(day.In(hours.Location()), day.AddDays(1).In(hours.Location())))
	}
	// A 6-hour target started at midnight on the short night ends one hour into the next night.
	start := time.Date(2026, time.March, 8, 0, 0, 0, 0, hours.Location())
	fmt.Println(hours.AddBusiness(start, 6*time.Hour).Format("2006-01-02 15:04 MST"))
	// Output:
	// 2026-03-07 6h0m0s
	// 2026-03-08 5h0m0s
	// 2026-11-01 7h0m0s
	// 2026-03-09 01:00 EDT
}

// Validate reports every broken rule at once, naming each field.
func ExampleCalendar_Validate() {
	cal := servicedesk.Calendar{
		Name:     "Support",
		TimeZone: "Europe/Lodnon",
		Week: [7][]servicedesk.Interval{
			time.Monday: {{Start: 9 * 60, End: 13 * 60}, {Start: 12 * 60, End: 17 * 60}},
		},
		Yearly: []servicedesk.MonthDay{{Month: time.February, Day: 30}},
	}
	fmt.Println(cal.Validate())
	// Output:
	// psa: invalid calendar: timeZone "Europe/Lodnon" is not a known IANA time zone; week.monday[1] "12:00-17:00" must start at or after the end of the previous interval 09:00-13:00 (a day's intervals are sorted and do not overlap); yearly[0].day "30" is not a day of February (1 to 29)
}

func ExampleParseClockTime() {
	for _, s := range []string{"08:30", "24:00", "8:30"} {
		c, err := servicedesk.ParseClockTime(s)
		fmt.Println(int(c), err)
	}
	// Output:
	// 510 <nil>
	// 1440 <nil>
	// 0 psa: invalid clock time: time "8:30" is not a time of day from "00:00" to "24:00" in the form HH:MM
}
