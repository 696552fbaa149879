package psa_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DateOf and In tests load named zones; do not depend on the host's zoneinfo

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
)

// isoDate returns the date written as "YYYY-MM-DD" in a test table. A malformed literal is a bug
// in the table, so it panics.
func isoDate(s string) psa.Date {
	d, err := psa.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// isoPeriod returns the period from first through last, both inclusive and written "YYYY-MM-DD".
func isoPeriod(first, last string) psa.Period {
	return psa.Period{Start: isoDate(first), End: isoDate(last).AddDays(1)}
}

func TestParseDate(t *testing.T) {
	good := []struct {
		name  string
		in    string
		year  int
		month time.Month
		day   int
	}{
		{"ordinary day", "2026-01-31", 2026, time.January, 31},
		{"leap day of a leap year", "2024-02-29", 2024, time.February, 29},
		{"leap day of a 400-year century", "2000-02-29", 2000, time.February, 29},
		{"last day of a 30-day month", "2026-04-30", 2026, time.April, 30},
		{"first supported day", "0001-01-01", 1, time.January, 1},
		{"last supported day", "9999-12-31", 9999, time.December, 31},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			d, err := psa.ParseDate(tc.in)
			require.NoError(t, err)
			if diff := cmp.Diff(psa.NewDate(tc.year, tc.month, tc.day), d); diff != "" {
				t.Errorf("ParseDate(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
			if diff := cmp.Diff(tc.in, d.String()); diff != "" {
				t.Errorf("String() of ParseDate(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}

	bad := []struct {
		name   string
		in     string
		reason string // a part of FieldError.Reason
	}{
		{"leap day of a common year", "2026-02-29", "not a day of February 2026"},
		{"leap day of a century not divisible by 400", "1900-02-29", "not a day of February 1900"},
		{"day 31 of a 30-day month", "2026-04-31", "not a day of April 2026"},
		{"day 32", "2026-01-32", "not a day of January 2026"},
		{"day 00", "2026-01-00", "not a day of January 2026"},
		{"month 13", "2026-13-01", "month outside 01 to 12"},
		{"month 00", "2026-00-10", "month outside 01 to 12"},
		{"year 0000", "0000-01-01", "before year 0001"},
		{"no zero padding", "2026-1-5", "form YYYY-MM-DD"},
		{"empty", "", "form YYYY-MM-DD"},
		{"basic format without dashes", "20260101", "form YYYY-MM-DD"},
		{"leading space", " 2026-01-01", "form YYYY-MM-DD"},
		{"trailing space", "2026-01-01 ", "form YYYY-MM-DD"},
		{"with a time of day", "2026-01-31T00:00:00Z", "form YYYY-MM-DD"},
		{"slashes", "2026/01/31", "form YYYY-MM-DD"},
		{"signed year", "+026-01-01", "form YYYY-MM-DD"},
		{"negative year", "-026-01-01", "form YYYY-MM-DD"},
		{"five-digit year", "10000-01-01", "form YYYY-MM-DD"},
		{"letter in day", "2026-01-3a", "form YYYY-MM-DD"},
		{"signed month", "2026-+1-01", "form YYYY-MM-DD"},
		{"non-ASCII digits", "２０２６-01-01", "form YYYY-MM-DD"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			d, err := psa.ParseDate(tc.in)
			require.Error(t, err)
			if !d.IsZero() {
				t.Errorf("ParseDate(%q) = %v with an error, want the zero Date", tc.in, d)
			}
			if !errors.Is(err, psa.ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok, "error %v is not a *ValidationError", err)
			require.Len(t, ve.Fields, 1)
			if diff := cmp.Diff("date", ve.Object); diff != "" {
				t.Errorf("Object mismatch (-want +got):\n%s", diff)
			}
			f := ve.Fields[0]
			if diff := cmp.Diff(psa.FieldError{Field: "date", Value: tc.in, Reason: f.Reason}, f); diff != "" {
				t.Errorf("FieldError mismatch (-want +got):\n%s", diff)
			}
			if !strings.Contains(f.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to contain %q", f.Reason, tc.reason)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "psa: ") {
				t.Errorf("message %q does not start with \"psa: \"", msg)
			}
			if tc.in != "" && !strings.Contains(msg, strconv.Quote(tc.in)) {
				t.Errorf("message %q does not name the value %q", msg, tc.in)
			}
		})
	}
}

// TestDateAgreesWithTime walks every day from 1600-01-01 to 2400-12-31 (two Gregorian 400-year
// cycles and the century rules 1700, 1800, 1900, 2000, 2100) and checks every conversion against
// the standard library, stepping the reference with time.Date(y, m, d+1) as the design asks.
func TestDateAgreesWithTime(t *testing.T) {
	first := time.Date(1600, time.January, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2400, time.December, 31, 0, 0, 0, 0, time.UTC)
	firstDate := psa.NewDate(1600, time.January, 1)
	want := psa.NewDate(1600, time.January, 1)
	days := 0
	for tm := first; !tm.After(last); {
		y, m, d := tm.Date()
		got := psa.NewDate(y, m, d)
		if got != want {
			t.Fatalf("NewDate(%d, %v, %d) = %v, want %v (the day after the previous one)", y, m, d, got, want)
		}
		if got.Year() != y || got.Month() != m || got.Day() != d || got.Weekday() != tm.Weekday() {
			t.Fatalf("%v: Year, Month, Day, Weekday = %d, %v, %d, %v; time says %d, %v, %d, %v",
				got, got.Year(), got.Month(), got.Day(), got.Weekday(), y, m, d, tm.Weekday())
		}
		if n := psa.DaysBetween(firstDate, got); n != days {
			t.Fatalf("DaysBetween(%v, %v) = %d, want %d", firstDate, got, n, days)
		}
		if n := psa.DaysBetween(got, firstDate); n != -days {
			t.Fatalf("DaysBetween(%v, %v) = %d, want %d", got, firstDate, n, -days)
		}
		if got.In(time.UTC) != tm {
			t.Fatalf("%v.In(UTC) = %v, want %v", got, got.In(time.UTC), tm)
		}
		tm = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
		want = got.AddDays(1)
		if next := psa.DateOf(tm); want != next {
			t.Fatalf("%v.AddDays(1) = %v, want %v", got, want, next)
		}
		days++
	}
	require.Equal(t, 2*146097+366, days, "days walked") // two 400-year cycles and the leap year 2400
}

// TestDateStringRoundTrip checks String and ParseDate on every day of the first and last years
// of the supported range and on every 97th day in between.
func TestDateStringRoundTrip(t *testing.T) {
	first := psa.NewDate(1, time.January, 1)
	last := psa.NewDate(9999, time.December, 31)
	step := func(d psa.Date) int {
		if d.Year() <= 2 || d.Year() >= 9998 {
			return 1
		}
		return 97
	}
	n := 0
	for d := first; ; d = d.AddDays(step(d)) {
		s := d.String()
		want := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		if s != want {
			t.Fatalf("String() = %q, want %q", s, want)
		}
		back, err := psa.ParseDate(s)
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %v, %v; want %v, nil", s, back, err, d)
		}
		n++
		if d == last {
			break
		}
		if d.After(last) {
			t.Fatalf("walked past %v to %v", last, d)
		}
	}
	require.Greater(t, n, 4*365)
}

func TestDateRangeSaturates(t *testing.T) {
	first := psa.NewDate(1, time.January, 1)
	last := psa.NewDate(9999, time.December, 31)
	wantSpan := int((time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix() - time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()) / 86400)
	require.Equal(t, wantSpan, psa.DaysBetween(first, last), "days in the supported range")

	tests := []struct {
		name      string
		got, want psa.Date
	}{
		{"NewDate before year 1", psa.NewDate(0, time.December, 31), first},
		{"NewDate after year 9999", psa.NewDate(10000, time.January, 1), last},
		{"NewDate of huge values", psa.NewDate(math.MaxInt, math.MaxInt, math.MaxInt), last},
		{"NewDate of huge negative values", psa.NewDate(math.MinInt, math.MinInt, math.MinInt), first},
		{"NewDate of a huge year and a huge negative day", psa.NewDate(math.MaxInt, time.January, math.MinInt), last},
		{"NewDate of a huge negative month", psa.NewDate(2026, math.MinInt, 1), first},
		{"NewDate of a huge day", psa.NewDate(2026, time.January, math.MaxInt), last},
		{"ClampedDate before year 1", psa.ClampedDate(0, time.December, 31), first},
		{"ClampedDate after year 9999", psa.ClampedDate(10000, time.January, 1), last},
		{"ClampedDate of a huge month", psa.ClampedDate(2026, math.MaxInt, 1), last},
		{"AddDays before the first day", first.AddDays(-1), first},
		{"AddDays after the last day", last.AddDays(1), last},
		{"AddDays of MaxInt", first.AddDays(math.MaxInt), last},
		{"AddDays of MinInt", last.AddDays(math.MinInt), first},
		{"AddDays back from the last to the first day", last.AddDays(-wantSpan), first},
		{"AddMonths before the first month", first.AddMonths(-1), first},
		{"AddMonths after the last month", last.AddMonths(1), last},
		{"AddMonths of MaxInt", first.AddMonths(math.MaxInt), last},
		{"AddMonths of MinInt", last.AddMonths(math.MinInt), first},
		{"AddMonths back from the last to the first month", last.AddMonths(-9999*12 + 1), psa.NewDate(1, time.January, 31)},
		{"DateOf a time before year 1", psa.DateOf(time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)), first},
		{"DateOf a time after year 9999", psa.DateOf(time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)), last},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewDateNormalizesLikeTime compares NewDate with time.Date on random out-of-range months and
// days, including years far outside the supported range brought back into it by a large negative
// day (fixed seed, so failures reproduce).
func TestNewDateNormalizesLikeTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(year int, month time.Month, day int) {
		t.Helper()
		want := psa.DateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
		if got := psa.NewDate(year, month, day); got != want {
			t.Fatalf("NewDate(%d, %d, %d) = %v, want %v", year, month, day, got, want)
		}
	}
	named := []struct {
		year  int
		month time.Month
		day   int
	}{
		{2026, time.February, 30}, {2024, time.February, 30}, {2026, 13, 1}, {2026, 0, 1}, {2026, -11, 1},
		{2026, time.March, 0}, {2024, time.March, 0}, {2026, time.January, -365}, {2026, time.January, 146097 + 1},
		{2026, time.January, -146097}, {1, time.January, 0}, {9999, time.December, 32}, {0, 13, 1}, {10000, 0, 31},
	}
	for _, c := range named {
		check(c.year, c.month, c.day)
	}
	for range 20000 {
		check(rng.IntN(14000)-2000, time.Month(rng.IntN(101)-50), rng.IntN(400001)-200000)
	}
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for range 2000 {
		year := rng.IntN(1<<30) - 1<<29
		toYear := int((time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Unix() - epoch) / 86400)
		check(year, time.January, 1-toYear+rng.IntN(3_000_000))
	}
}

func TestDaysIn(t *testing.T) {
	tests := []struct {
		name  string
		year  int
		month time.Month
		want  int
	}{
		{"January", 2026, time.January, 31},
		{"February of a common year", 2026, time.February, 28},
		{"February of a leap year", 2024, time.February, 29},
		{"February of 1900, a century", 1900, time.February, 28},
		{"February of 2000, divisible by 400", 2000, time.February, 29},
		{"April", 2026, time.April, 30},
		{"December", 2026, time.December, 31},
		{"month 14 is February of the next year", 2023, 14, 29},
		{"month 0 is December of the previous year", 2026, 0, 31},
		{"month -10 is February of the previous year", 2025, -10, 29},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, psa.DaysIn(tc.year, tc.month)); diff != "" {
				t.Errorf("DaysIn(%d, %d) mismatch (-want +got):\n%s", tc.year, tc.month, diff)
			}
		})
	}
	for y := 1600; y <= 2400; y++ {
		for m := time.January; m <= time.December; m++ {
			if got, want := psa.DaysIn(y, m), time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != want {
				t.Fatalf("DaysIn(%d, %v) = %d, want %d", y, m, got, want)
			}
		}
	}
}

func TestClampedDate(t *testing.T) {
	tests := []struct {
		name  string
		year  int
		month time.Month
		day   int
		want  string
	}{
		{"day that exists", 2026, time.January, 31, "2026-01-31"},
		{"31 in February of a common year", 2026, time.February, 31, "2026-02-28"},
		{"31 in February of a leap year", 2024, time.February, 31, "2024-02-29"},
		{"29 in February of a common year", 2026, time.February, 29, "2026-02-28"},
		{"31 in a 30-day month", 2026, time.April, 31, "2026-04-30"},
		{"day 0 clamps to 1", 2026, time.March, 0, "2026-03-01"},
		{"negative day clamps to 1", 2026, time.March, -5, "2026-03-01"},
		{"month 13 is January of the next year", 2025, 13, 31, "2026-01-31"},
		{"month 14 is February of the next year, clamped", 2025, 14, 31, "2026-02-28"},
		{"month 0 is December of the previous year", 2026, 0, 31, "2025-12-31"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := psa.ClampedDate(tc.year, tc.month, tc.day)
			if diff := cmp.Diff(isoDate(tc.want), got); diff != "" {
				t.Errorf("ClampedDate(%d, %d, %d) mismatch (-want +got):\n%s", tc.year, tc.month, tc.day, diff)
			}
		})
	}
}

// TestAddMonthsAnchored steps anchors on the 29th, 30th and 31st across common and leap years,
// always from the anchor (anchor.AddMonths(k)), and checks every boundary.
func TestAddMonthsAnchored(t *testing.T) {
	tests := []struct {
		name   string
		anchor string
		step   int      // months per period
		want   []string // anchor.AddMonths(k*step) for k = 0, 1, 2, ...
	}{
		{
			name: "anchor 31, monthly, through a leap February", anchor: "2023-01-31", step: 1,
			want: []string{
				"2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30", "2023-05-31", "2023-06-30", "2023-07-31",
				"2023-08-31", "2023-09-30", "2023-10-31", "2023-11-30", "2023-12-31", "2024-01-31", "2024-02-29",
				"2024-03-31",
			},
		},
		{
			name: "anchor 30, monthly", anchor: "2023-01-30", step: 1,
			want: []string{"2023-01-30", "2023-02-28", "2023-03-30", "2023-04-30", "2023-05-30"},
		},
		{
			name: "anchor 30, monthly, leap year", anchor: "2024-01-30", step: 1,
			want: []string{"2024-01-30", "2024-02-29", "2024-03-30", "2024-04-30"},
		},
		{
			name: "anchor 29, monthly, common year", anchor: "2026-01-29", step: 1,
			want: []string{"2026-01-29", "2026-02-28", "2026-03-29"},
		},
		{
			name: "anchor 29, monthly, leap year", anchor: "2024-01-29", step: 1,
			want: []string{"2024-01-29", "2024-02-29", "2024-03-29"},
		},
		{
			name: "anchor 31, quarterly", anchor: "2025-08-31", step: 3,
			want: []string{"2025-08-31", "2025-11-30", "2026-02-28", "2026-05-31", "2026-08-31"},
		},
		{
			name: "anchor 31, half-yearly", anchor: "2023-08-31", step: 6,
			want: []string{"2023-08-31", "2024-02-29", "2024-08-31", "2025-02-28", "2025-08-31"},
		},
		{
			name: "anchor leap day, yearly", anchor: "2024-02-29", step: 12,
			want: []string{"2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29", "2029-02-28"},
		},
		{
			name: "anchor 31, backwards", anchor: "2024-03-31", step: -1,
			want: []string{"2024-03-31", "2024-02-29", "2024-01-31", "2023-12-31", "2023-11-30", "2023-10-31"},
		},
		{
			name: "anchor 31, backwards across a year", anchor: "2026-01-31", step: -11,
			want: []string{"2026-01-31", "2025-02-28", "2024-03-31"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			anchor := isoDate(tc.anchor)
			var got []string
			for k := range tc.want {
				got = append(got, anchor.AddMonths(k*tc.step).String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%v.AddMonths(k*%d) mismatch (-want +got):\n%s", anchor, tc.step, diff)
			}
		})
	}
}

// TestAddMonthsFromAnchorDoesNotDrift shows why schedules step from the anchor: stepping from
// the previous, clamped boundary sticks to the 28th after February.
func TestAddMonthsFromAnchorDoesNotDrift(t *testing.T) {
	anchor := isoDate("2026-01-31")
	fromAnchor := anchor.AddMonths(2)
	chained := anchor.AddMonths(1).AddMonths(1)
	if diff := cmp.Diff(isoDate("2026-03-31"), fromAnchor); diff != "" {
		t.Errorf("anchor.AddMonths(2) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(isoDate("2026-03-28"), chained); diff != "" {
		t.Errorf("anchor.AddMonths(1).AddMonths(1) mismatch (-want +got):\n%s", diff)
	}
	for k := range 48 {
		got := anchor.AddMonths(k)
		if got != got.LastOfMonth() {
			t.Errorf("anchor.AddMonths(%d) = %v, not the last day of its month", k, got)
		}
	}
}

// TestAddMonthsAgreesWithTime compares AddMonths with a reference built from time.Date (whose
// month arithmetic does not clamp) on random dates and steps (fixed seed).
func TestAddMonthsAgreesWithTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	base := psa.NewDate(1600, time.January, 1)
	for range 50000 {
		d := base.AddDays(rng.IntN(292000))
		n := rng.IntN(481) - 240
		first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		want := psa.NewDate(first.Year(), first.Month(), min(d.Day(), last))
		if got := d.AddMonths(n); got != want {
			t.Fatalf("%v.AddMonths(%d) = %v, want %v", d, n, got, want)
		}
	}
}

func TestDateMonthBounds(t *testing.T) {
	tests := []struct {
		name        string
		d           string
		first, last string
	}{
		{"mid-month", "2026-01-15", "2026-01-01", "2026-01-31"},
		{"first day", "2026-03-01", "2026-03-01", "2026-03-31"},
		{"last day", "2026-04-30", "2026-04-01", "2026-04-30"},
		{"common February", "2026-02-10", "2026-02-01", "2026-02-28"},
		{"leap February", "2024-02-10", "2024-02-01", "2024-02-29"},
		{"December", "2025-12-24", "2025-12-01", "2025-12-31"},
		{"first supported month", "0001-01-05", "0001-01-01", "0001-01-31"},
		{"last supported month", "9999-12-05", "9999-12-01", "9999-12-31"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := isoDate(tc.d)
			if diff := cmp.Diff(isoDate(tc.first), d.FirstOfMonth()); diff != "" {
				t.Errorf("FirstOfMonth mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(isoDate(tc.last), d.LastOfMonth()); diff != "" {
				t.Errorf("LastOfMonth mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDateCompare(t *testing.T) {
	tests := []struct {
		name string
		d, e psa.Date
		want int
	}{
		{"earlier", isoDate("2026-01-31"), isoDate("2026-02-01"), -1},
		{"same", isoDate("2026-01-31"), isoDate("2026-01-31"), 0},
		{"later", isoDate("2026-02-01"), isoDate("2026-01-31"), +1},
		{"years apart", isoDate("2025-12-31"), isoDate("2026-01-01"), -1},
		{"zero before every date", psa.Date{}, isoDate("0001-01-01"), -1},
		{"zero and zero", psa.Date{}, psa.Date{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := []any{tc.d.Compare(tc.e), tc.d.Before(tc.e), tc.d.After(tc.e), tc.d == tc.e, tc.d.Equal(tc.e)}
			want := []any{tc.want, tc.want < 0, tc.want > 0, tc.want == 0, tc.want == 0}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Compare, Before, After, ==, Equal mismatch (-want +got):\n%s", diff)
			}
		})
	}
	dates := []psa.Date{isoDate("2026-03-01"), {}, isoDate("2024-02-29"), isoDate("2026-01-31")}
	slices.SortFunc(dates, psa.Date.Compare)
	if diff := cmp.Diff([]psa.Date{{}, isoDate("2024-02-29"), isoDate("2026-01-31"), isoDate("2026-03-01")}, dates); diff != "" {
		t.Errorf("sorted mismatch (-want +got):\n%s", diff)
	}
}

func TestZeroDate(t *testing.T) {
	var z psa.Date
	require.True(t, z.IsZero())
	require.False(t, isoDate("0001-01-01").IsZero())
	text, err := z.MarshalText()
	require.NoError(t, err)
	got := []any{
		z.Year(), z.Month(), z.Day(), z.String(), string(text),
		z.AddDays(5), z.AddMonths(1), z.FirstOfMonth(), z.LastOfMonth(),
		z.In(time.UTC), z.In(nil).IsZero(),
		psa.DaysBetween(z, isoDate("2026-01-01")), psa.DaysBetween(isoDate("2026-01-01"), z),
	}
	want := []any{
		0, time.Month(0), 0, "", "",
		z, z, z, z,
		time.Time{}, true,
		0, 0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("zero Date mismatch (-want +got):\n%s", diff)
	}
}

func TestDateOf(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	// 2026-01-31 23:30 in Berlin is 22:30 UTC and 2026-02-01 07:30 in Tokyo.
	instant := time.Date(2026, time.January, 31, 23, 30, 0, 0, berlin)

	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"Berlin just before midnight", instant, "2026-01-31"},
		{"same instant in UTC", instant.UTC(), "2026-01-31"},
		{"same instant in Tokyo", instant.In(tokyo), "2026-02-01"},
		{"Berlin at midnight", time.Date(2026, time.February, 1, 0, 0, 0, 0, berlin), "2026-02-01"},
		{"Berlin one nanosecond before midnight", time.Date(2026, time.January, 31, 23, 59, 59, 999999999, berlin), "2026-01-31"},
		{"New York evening is the next day in UTC", time.Date(2026, time.March, 31, 21, 0, 0, 0, newYork), "2026-03-31"},
		{"the same New York evening read in UTC", time.Date(2026, time.March, 31, 21, 0, 0, 0, newYork).UTC(), "2026-04-01"},
		{"fixed zone west of UTC", time.Date(2024, time.February, 29, 23, 59, 0, 0, time.FixedZone("UTC-12", -12*3600)), "2024-02-29"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(isoDate(tc.want), psa.DateOf(tc.t)); diff != "" {
				t.Errorf("DateOf(%v) mismatch (-want +got):\n%s", tc.t, diff)
			}
		})
	}
}

func TestDateIn(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	tests := []struct {
		name  string
		d     psa.Date
		hours time.Duration // from d.In(newYork) to d.AddDays(1).In(newYork)
	}{
		{"ordinary day", isoDate("2026-01-31"), 24 * time.Hour},
		{"clocks forward", isoDate("2026-03-08"), 23 * time.Hour},
		{"clocks back", isoDate("2026-11-01"), 25 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start, next := tc.d.In(newYork), tc.d.AddDays(1).In(newYork)
			if diff := cmp.Diff(time.Date(tc.d.Year(), tc.d.Month(), tc.d.Day(), 0, 0, 0, 0, newYork), start); diff != "" {
				t.Errorf("In(New York) mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.hours, next.Sub(start)); diff != "" {
				t.Errorf("length of %v in New York mismatch (-want +got):\n%s", tc.d, diff)
			}
			if diff := cmp.Diff(tc.d, psa.DateOf(start)); diff != "" {
				t.Errorf("DateOf(In) mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// Why calendar days are never stepped with Add(24*time.Hour): on a 25-hour day, midnight plus
	// 24 hours is still the same day.
	fallBack := isoDate("2026-11-01").In(newYork)
	if diff := cmp.Diff(isoDate("2026-11-01"), psa.DateOf(fallBack.Add(24*time.Hour))); diff != "" {
		t.Errorf("DateOf(midnight + 24h) on the fall-back day mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(time.Date(2026, time.March, 8, 0, 0, 0, 0, time.UTC), isoDate("2026-03-08").In(nil)); diff != "" {
		t.Errorf("In(nil) mismatch (-want +got):\n%s", diff)
	}
}

func TestDateText(t *testing.T) {
	tests := []struct {
		name string
		d    psa.Date
		want string
	}{
		{"ordinary", isoDate("2026-01-31"), "2026-01-31"},
		{"zero padded", psa.NewDate(7, time.March, 5), "0007-03-05"},
		{"zero Date", psa.Date{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, err := tc.d.MarshalText()
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, string(text)); diff != "" {
				t.Errorf("MarshalText mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, tc.d.String()); diff != "" {
				t.Errorf("String mismatch (-want +got):\n%s", diff)
			}
			back := isoDate("1999-12-31") // UnmarshalText must overwrite, also with the zero Date
			require.NoError(t, back.UnmarshalText(text))
			if diff := cmp.Diff(tc.d, back); diff != "" {
				t.Errorf("UnmarshalText mismatch (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("bad text leaves the date unchanged", func(t *testing.T) {
		d := isoDate("2026-01-31")
		err := d.UnmarshalText([]byte("2026-02-30"))
		require.ErrorIs(t, err, psa.ErrInvalid)
		if diff := cmp.Diff(isoDate("2026-01-31"), d); diff != "" {
			t.Errorf("date after a failed UnmarshalText mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestDateJSON(t *testing.T) {
	type contract struct {
		Start psa.Date `json:"start"`
		End   psa.Date `json:"end"`
		Ended psa.Date `json:"ended,omitzero"`
	}
	t.Run("marshal", func(t *testing.T) {
		b, err := json.Marshal(contract{Start: isoDate("2026-01-31")})
		require.NoError(t, err)
		if diff := cmp.Diff(`{"start":"2026-01-31","end":""}`, string(b)); diff != "" {
			t.Errorf("json.Marshal mismatch (-want +got):\n%s", diff)
		}
	})

	good := []struct {
		name string
		in   string
		want contract
	}{
		{"dates", `{"start":"2026-01-31","end":"2026-12-31","ended":"2026-06-30"}`,
			contract{Start: isoDate("2026-01-31"), End: isoDate("2026-12-31"), Ended: isoDate("2026-06-30")}},
		{"empty string is the zero Date", `{"start":"2026-01-31","end":""}`, contract{Start: isoDate("2026-01-31")}},
		{"null is the zero Date", `{"start":"2026-01-31","end":null}`, contract{Start: isoDate("2026-01-31")}},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			var got contract
			require.NoError(t, json.Unmarshal([]byte(tc.in), &got))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("json.Unmarshal(%s) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}

	bad := []struct {
		name    string
		in      string
		invalid bool // the error is the *ValidationError of ParseDate (else a JSON type error)
	}{
		{"no such day", `{"start":"2026-02-30"}`, true},
		{"no zero padding", `{"start":"2026-1-5"}`, true},
		{"with a time of day", `{"start":"2026-01-31T00:00:00Z"}`, true},
		{"space", `{"start":" 2026-01-31"}`, true},
		{"number", `{"start":20260131}`, false},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			var got contract
			err := json.Unmarshal([]byte(tc.in), &got)
			require.Error(t, err)
			if tc.invalid {
				_, ok := errors.AsType[*psa.ValidationError](err)
				require.True(t, ok, "error %v is not a *ValidationError", err)
				require.ErrorIs(t, err, psa.ErrInvalid)
			}
		})
	}
}

func TestNewPeriod(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		p, err := psa.NewPeriod(isoDate("2026-01-01"), isoDate("2026-02-01"))
		require.NoError(t, err)
		if diff := cmp.Diff(psa.Period{Start: isoDate("2026-01-01"), End: isoDate("2026-02-01")}, p); diff != "" {
			t.Errorf("NewPeriod mismatch (-want +got):\n%s", diff)
		}
	})

	bad := []struct {
		name       string
		start, end psa.Date
		want       []psa.FieldError
	}{
		{"end before start", isoDate("2026-02-01"), isoDate("2026-01-01"),
			[]psa.FieldError{{Field: "end", Value: "2026-01-01", Reason: "is not after start 2026-02-01"}}},
		{"end equals start", isoDate("2026-02-01"), isoDate("2026-02-01"),
			[]psa.FieldError{{Field: "end", Value: "2026-02-01", Reason: "is not after start 2026-02-01"}}},
		{"zero start", psa.Date{}, isoDate("2026-02-01"),
			[]psa.FieldError{{Field: "start", Reason: "is required"}}},
		{"zero end", isoDate("2026-02-01"), psa.Date{},
			[]psa.FieldError{{Field: "end", Reason: "is required"}}},
		{"both zero", psa.Date{}, psa.Date{},
			[]psa.FieldError{{Field: "start", Reason: "is required"}, {Field: "end", Reason: "is required"}}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p, err := psa.NewPeriod(tc.start, tc.end)
			require.Error(t, err)
			require.ErrorIs(t, err, psa.ErrInvalid)
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok, "error %v is not a *ValidationError", err)
			if diff := cmp.Diff(&psa.ValidationError{Object: "period", Fields: tc.want}, ve); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(psa.Period{}, p); diff != "" {
				t.Errorf("period with an error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPeriodThrough(t *testing.T) {
	good := []struct {
		name        string
		start, last string
		want        psa.Period
		days        int
	}{
		{"January", "2026-01-01", "2026-01-31", psa.Period{Start: isoDate("2026-01-01"), End: isoDate("2026-02-01")}, 31},
		{"one day", "2026-01-31", "2026-01-31", psa.Period{Start: isoDate("2026-01-31"), End: isoDate("2026-02-01")}, 1},
		{"through a leap day", "2024-02-01", "2024-02-29", psa.Period{Start: isoDate("2024-02-01"), End: isoDate("2024-03-01")}, 29},
		{"through New Year's Eve", "2026-01-01", "2026-12-31", psa.Period{Start: isoDate("2026-01-01"), End: isoDate("2027-01-01")}, 365},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			p, err := psa.PeriodThrough(isoDate(tc.start), isoDate(tc.last))
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, p); diff != "" {
				t.Errorf("PeriodThrough mismatch (-want +got):\n%s", diff)
			}
			got := []any{p.Days(), p.LastDay(), p.String()}
			want := []any{tc.days, isoDate(tc.last), tc.start + ".." + tc.last}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Days, LastDay, String mismatch (-want +got):\n%s", diff)
			}
		})
	}

	bad := []struct {
		name        string
		start, last psa.Date
		inMessage   []string
	}{
		{"last day before start", isoDate("2026-02-01"), isoDate("2026-01-31"), []string{`"2026-01-31"`, "2026-02-01", "before start"}},
		{"zero start", psa.Date{}, isoDate("2026-01-31"), []string{"start is required"}},
		{"zero last day", isoDate("2026-01-31"), psa.Date{}, []string{"last day is required"}},
		{"last supported day", isoDate("9999-01-01"), isoDate("9999-12-31"), []string{`"9999-12-31"`, "last supported date"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p, err := psa.PeriodThrough(tc.start, tc.last)
			require.Error(t, err)
			require.ErrorIs(t, err, psa.ErrInvalid)
			_, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok, "error %v is not a *ValidationError", err)
			msg := err.Error()
			require.True(t, strings.HasPrefix(msg, "psa: invalid period: "), "message %q", msg)
			for _, s := range tc.inMessage {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not contain %q", msg, s)
				}
			}
			if diff := cmp.Diff(psa.Period{}, p); diff != "" {
				t.Errorf("period with an error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPeriodDays(t *testing.T) {
	tests := []struct {
		name string
		p    psa.Period
		want int
	}{
		{"January", isoPeriod("2026-01-01", "2026-01-31"), 31},
		{"February of a common year", isoPeriod("2026-02-01", "2026-02-28"), 28},
		{"February 2024", isoPeriod("2024-02-01", "2024-02-29"), 29},
		{"February 1900", isoPeriod("1900-02-01", "1900-02-28"), 28},
		{"February 2000", isoPeriod("2000-02-01", "2000-02-29"), 29},
		{"Q1 2024", isoPeriod("2024-01-01", "2024-03-31"), 91},
		{"Q1 2026", isoPeriod("2026-01-01", "2026-03-31"), 90},
		{"Q3 2026", isoPeriod("2026-07-01", "2026-09-30"), 92},
		{"first half of 2026", isoPeriod("2026-01-01", "2026-06-30"), 181},
		{"second half of 2026", isoPeriod("2026-07-01", "2026-12-31"), 184},
		{"year 2024", isoPeriod("2024-01-01", "2024-12-31"), 366},
		{"year 2026", isoPeriod("2026-01-01", "2026-12-31"), 365},
		{"anniversary month across a month end", psa.Period{Start: isoDate("2026-01-31"), End: isoDate("2026-02-28")}, 28},
		{"anniversary month across a leap day", psa.Period{Start: isoDate("2024-02-29"), End: isoDate("2024-03-29")}, 29},
		{"across a year end", isoPeriod("2025-12-15", "2026-01-14"), 31},
		{"one day", isoPeriod("2026-01-31", "2026-01-31"), 1},
		{"empty: start equals end", psa.Period{Start: isoDate("2026-01-31"), End: isoDate("2026-01-31")}, 0},
		{"empty: start after end", psa.Period{Start: isoDate("2026-02-01"), End: isoDate("2026-01-01")}, 0},
		{"empty: zero end", psa.Period{Start: isoDate("2026-01-01")}, 0},
		{"empty: zero start", psa.Period{End: isoDate("2026-01-01")}, 0},
		{"empty: zero period", psa.Period{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.p.Days()); diff != "" {
				t.Errorf("%v.Days() mismatch (-want +got):\n%s", tc.p, diff)
			}
			if diff := cmp.Diff(tc.want == 0, tc.p.IsEmpty()); diff != "" {
				t.Errorf("%v.IsEmpty() mismatch (-want +got):\n%s", tc.p, diff)
			}
		})
	}
}

func TestPeriodContains(t *testing.T) {
	january := isoPeriod("2026-01-01", "2026-01-31")
	tests := []struct {
		name string
		p    psa.Period
		d    psa.Date
		want bool
	}{
		{"first day", january, isoDate("2026-01-01"), true},
		{"last day", january, isoDate("2026-01-31"), true},
		{"End is outside", january, isoDate("2026-02-01"), false},
		{"day before Start", january, isoDate("2025-12-31"), false},
		{"middle", january, isoDate("2026-01-15"), true},
		{"zero Date", january, psa.Date{}, false},
		{"empty period", psa.Period{Start: isoDate("2026-01-01"), End: isoDate("2026-01-01")}, isoDate("2026-01-01"), false},
		{"period with zero Start", psa.Period{End: isoDate("2026-01-01")}, isoDate("2025-01-01"), false},
		{"zero period and zero Date", psa.Period{}, psa.Date{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.p.Contains(tc.d)); diff != "" {
				t.Errorf("%v.Contains(%v) mismatch (-want +got):\n%s", tc.p, tc.d, diff)
			}
		})
	}
}

func TestPeriodIntersect(t *testing.T) {
	january := isoPeriod("2026-01-01", "2026-01-31")
	tests := []struct {
		name string
		p, q psa.Period
		want psa.Period
	}{
		{"overlap at the end", january, isoPeriod("2026-01-20", "2026-02-10"), isoPeriod("2026-01-20", "2026-01-31")},
		{"overlap at the start", january, isoPeriod("2025-12-20", "2026-01-10"), isoPeriod("2026-01-01", "2026-01-10")},
		{"touching after is empty", january, isoPeriod("2026-02-01", "2026-02-28"), psa.Period{}},
		{"touching before is empty", january, isoPeriod("2025-12-01", "2025-12-31"), psa.Period{}},
		{"disjoint", january, isoPeriod("2026-03-01", "2026-03-31"), psa.Period{}},
		{"contained", january, isoPeriod("2026-01-10", "2026-01-12"), isoPeriod("2026-01-10", "2026-01-12")},
		{"containing", isoPeriod("2026-01-10", "2026-01-12"), january, isoPeriod("2026-01-10", "2026-01-12")},
		{"same", january, january, january},
		{"one common day", january, isoPeriod("2026-01-31", "2026-02-28"), isoPeriod("2026-01-31", "2026-01-31")},
		{"with an empty period", january, psa.Period{Start: isoDate("2026-01-10"), End: isoDate("2026-01-10")}, psa.Period{}},
		{"with an inverted period", january, psa.Period{Start: isoDate("2026-01-20"), End: isoDate("2026-01-10")}, psa.Period{}},
		{"with the zero period", january, psa.Period{}, psa.Period{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, order := range []struct {
				name string
				p, q psa.Period
			}{{"p∩q", tc.p, tc.q}, {"q∩p", tc.q, tc.p}} {
				got := order.p.Intersect(order.q)
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("%s: %v.Intersect(%v) mismatch (-want +got):\n%s", order.name, order.p, order.q, diff)
				}
				if diff := cmp.Diff(!tc.want.IsEmpty(), order.p.Overlaps(order.q)); diff != "" {
					t.Errorf("%s: %v.Overlaps(%v) mismatch (-want +got):\n%s", order.name, order.p, order.q, diff)
				}
			}
		})
	}
}

func TestPeriodString(t *testing.T) {
	tests := []struct {
		name string
		p    psa.Period
		want string
	}{
		{"January", isoPeriod("2026-01-01", "2026-01-31"), "2026-01-01..2026-01-31"},
		{"one day", isoPeriod("2026-01-31", "2026-01-31"), "2026-01-31..2026-01-31"},
		{"leap February", psa.Period{Start: isoDate("2024-02-01"), End: isoDate("2024-03-01")}, "2024-02-01..2024-02-29"},
		{"zero period", psa.Period{}, ""},
		{"empty period shown half-open", psa.Period{Start: isoDate("2026-02-01"), End: isoDate("2026-02-01")}, "[2026-02-01, 2026-02-01)"},
		{"inverted period shown half-open", psa.Period{Start: isoDate("2026-02-01"), End: isoDate("2026-01-01")}, "[2026-02-01, 2026-01-01)"},
		{"period without an end", psa.Period{Start: isoDate("2026-02-01")}, "[2026-02-01, )"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.p.String()); diff != "" {
				t.Errorf("String mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPeriodLastDay(t *testing.T) {
	tests := []struct {
		name string
		p    psa.Period
		want psa.Date
	}{
		{"January", psa.Period{Start: isoDate("2026-01-01"), End: isoDate("2026-02-01")}, isoDate("2026-01-31")},
		{"leap February", psa.Period{Start: isoDate("2024-02-01"), End: isoDate("2024-03-01")}, isoDate("2024-02-29")},
		{"year", psa.Period{Start: isoDate("2025-01-01"), End: isoDate("2026-01-01")}, isoDate("2025-12-31")},
		{"empty period has none", psa.Period{Start: isoDate("2026-01-01"), End: isoDate("2026-01-01")}, psa.Date{}},
		{"zero period has none", psa.Period{}, psa.Date{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.p.LastDay()); diff != "" {
				t.Errorf("LastDay mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDateDoesNotAllocate checks that the arithmetic billing runs millions of times stays off
// the heap.
func TestDateDoesNotAllocate(t *testing.T) {
	anchor := isoDate("2024-01-31")
	january := isoPeriod("2026-01-01", "2026-01-31")
	var sink psa.Date
	var n int
	tests := []struct {
		name string
		fn   func()
	}{
		{"NewDate", func() { sink = psa.NewDate(2026, time.February, 30) }},
		{"ClampedDate", func() { sink = psa.ClampedDate(2026, time.February, 31) }},
		{"ParseDate", func() { sink, _ = psa.ParseDate("2026-01-31") }},
		{"AddDays", func() { sink = anchor.AddDays(400) }},
		{"AddMonths", func() { sink = anchor.AddMonths(13) }},
		{"DaysBetween", func() { n = psa.DaysBetween(anchor, sink) }},
		{"Year Month Day", func() { n = anchor.Year() + int(anchor.Month()) + anchor.Day() }},
		{"LastOfMonth", func() { sink = anchor.LastOfMonth() }},
		{"DateOf", func() { sink = psa.DateOf(time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)) }},
		{"Period Intersect Days", func() { n = january.Intersect(psa.Period{Start: anchor, End: sink}).Days() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if allocs := testing.AllocsPerRun(100, tc.fn); allocs != 0 {
				t.Errorf("%s allocates %v times per call, want 0", tc.name, allocs)
			}
		})
	}
	_, _ = sink, n
}

func BenchmarkAddMonths(b *testing.B) {
	anchor := isoDate("2024-01-31")
	k := 0
	for b.Loop() {
		_ = anchor.AddMonths(k)
		k = (k + 1) % 240
	}
}

func BenchmarkAddDays(b *testing.B) {
	d := isoDate("2024-01-31")
	k := 0
	for b.Loop() {
		_ = d.AddDays(k)
		k = (k + 1) % 3650
	}
}

func BenchmarkDaysBetween(b *testing.B) {
	from := isoDate("2024-01-31")
	k := 0
	for b.Loop() {
		_ = psa.DaysBetween(from, from.AddDays(k))
		k = (k + 1) % 3650
	}
}

func BenchmarkYearMonthDay(b *testing.B) {
	d := isoDate("2024-01-31")
	for b.Loop() {
		_, _, _ = d.Year(), d.Month(), d.Day()
	}
}

func BenchmarkNewDate(b *testing.B) {
	day := 1
	for b.Loop() {
		_ = psa.NewDate(2026, time.January, day)
		day = day%400 + 1
	}
}

func BenchmarkParseDate(b *testing.B) {
	for b.Loop() {
		_, _ = psa.ParseDate("2026-01-31")
	}
}
