package servicedesk_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/servicedesk"
)

// benchHours compiles a New York office calendar, 09:00-12:00 and 13:00-17:00 on weekdays, with
// 365 one-off holidays: one a week (a different weekday each week) for seven years from
// 2026-01-01, so that no week of those years can be skipped whole.
func benchHours(b *testing.B) *servicedesk.Hours {
	b.Helper()
	day := []servicedesk.Interval{{Start: 9 * 60, End: 12 * 60}, {Start: 13 * 60, End: 17 * 60}}
	cal := servicedesk.Calendar{Name: "Office", TimeZone: "America/New_York",
		Week: [7][]servicedesk.Interval{time.Monday: day, time.Tuesday: day, time.Wednesday: day, time.Thursday: day, time.Friday: day}}
	d := psa.NewDate(2026, 1, 5) // a Monday
	for i := range 365 {
		cal.Holidays = append(cal.Holidays, d.AddDays(7*i+i%5))
	}
	h, err := cal.Compile()
	if err != nil {
		b.Fatal(err)
	}
	return h
}

var benchStart = time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC)

// BenchmarkSLADeadline computes a deadline (AddBusiness) on benchHours for targets from an hour
// to a year of business time (2,000 hours): the cost does not grow with the target.
func BenchmarkSLADeadline(b *testing.B) {
	h := benchHours(b)
	for _, target := range []time.Duration{time.Hour, 8 * time.Hour, 40 * time.Hour, 160 * time.Hour, 2000 * time.Hour} {
		b.Run(fmt.Sprintf("target=%v", target), func(b *testing.B) {
			var due time.Time
			for b.Loop() {
				due = h.AddBusiness(benchStart, target)
			}
			if got := h.BusinessTime(benchStart, due); got != target {
				b.Fatalf("deadline %v holds %v of business time, want %v", due, got, target)
			}
		})
	}
}

// BenchmarkSLAEvaluate evaluates a ticket's SLA (the deadline, elapsed and remaining business
// time of each target) on benchHours after a pause history of 0 to 10,000 pauses: the cost
// does not grow with the pauses.
func BenchmarkSLAEvaluate(b *testing.B) {
	h := benchHours(b)
	target := servicedesk.Target{Priority: servicedesk.Medium, FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour}
	for _, pauses := range []int{0, 10, 1000, 10000} {
		b.Run(fmt.Sprintf("pauses=%d", pauses), func(b *testing.B) {
			c := servicedesk.Clock{PolicyID: psa.SLAPolicyID{UUID: [16]byte{15: 1}}, Start: benchStart}
			at := benchStart
			for range pauses {
				at = at.Add(10 * time.Minute)
				c.Pause(at)
				at = at.Add(5 * time.Minute)
				c.Resume(at, target, h)
			}
			now := at.Add(time.Hour)
			var st servicedesk.SLAStatus
			for b.Loop() {
				st = servicedesk.Evaluate(c, target, h, now)
			}
			if len(st.Targets) != 2 {
				b.Fatalf("%d targets", len(st.Targets))
			}
		})
	}
}
