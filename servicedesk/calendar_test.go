package servicedesk_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // zones do not depend on the host

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/servicedesk"
)

// ---------------------------------------------------------------------------------------------
// Helpers (prefixed cal so that they do not collide with other test files of the package).

// calLoc loads an IANA zone.
func calLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// calAt parses "2026-03-06 16:00" or "2026-03-06 16:00:00.5" as a wall time in loc.
func calAt(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05.999999999"} {
		if x, err := time.ParseInLocation(layout, s, loc); err == nil {
			return x
		}
	}
	t.Fatalf("bad time %q", s)
	return time.Time{}
}

// calIv parses "09:00-17:00".
func calIv(t testing.TB, s string) servicedesk.Interval {
	t.Helper()
	a, b, ok := strings.Cut(s, "-")
	require.True(t, ok, s)
	start, err := servicedesk.ParseClockTime(a)
	require.NoError(t, err)
	end, err := servicedesk.ParseClockTime(b)
	require.NoError(t, err)
	return servicedesk.Interval{Start: start, End: end}
}

// calDays returns a week with the intervals ivs on the given weekdays.
func calDays(t testing.TB, days []time.Weekday, ivs ...string) [7][]servicedesk.Interval {
	t.Helper()
	var w [7][]servicedesk.Interval
	for _, d := range days {
		for _, s := range ivs {
			w[d] = append(w[d], calIv(t, s))
		}
	}
	return w
}

var (
	calWeekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	calEveryDay = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
)

// calDate parses "2026-07-03".
func calDate(t testing.TB, s string) psa.Date {
	t.Helper()
	d, err := psa.ParseDate(s)
	require.NoError(t, err)
	return d
}

// calCompile compiles c, which must be valid.
func calCompile(t testing.TB, c servicedesk.Calendar) *servicedesk.Hours {
	t.Helper()
	h, err := c.Compile()
	require.NoError(t, err)
	require.NotNil(t, h)
	return h
}

// calNineToFive is Mon-Fri 09:00-17:00 in zone with the given holidays.
func calNineToFive(t testing.TB, zone string, holidays []string, yearly ...servicedesk.MonthDay) servicedesk.Calendar {
	t.Helper()
	c := servicedesk.Calendar{Name: "Office", TimeZone: zone, Week: calDays(t, calWeekdays, "09:00-17:00"), Yearly: yearly}
	for _, s := range holidays {
		c.Holidays = append(c.Holidays, calDate(t, s))
	}
	return c
}

// calDiffTime compares instants (cmp uses time.Time.Equal).
func calDiffTime(t testing.TB, want, got time.Time) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("instant mismatch (-want +got):\n%s\nwant %s, got %s", diff, want.UTC(), got.UTC())
	}
}

// ---------------------------------------------------------------------------------------------
// ClockTime

func TestParseClockTime(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want servicedesk.ClockTime
		ok   bool
	}{
		{"midnight", "00:00", 0, true},
		{"half past eight", "08:30", 510, true},
		{"last minute", "23:59", 1439, true},
		{"end of day", "24:00", 1440, true},
		{"empty", "", 0, false},
		{"missing zero", "8:30", 0, false},
		{"short minutes", "08:3", 0, false},
		{"seconds", "08:30:00", 0, false},
		{"after end of day", "24:01", 0, false},
		{"hour 25", "25:00", 0, false},
		{"minute 60", "08:60", 0, false},
		{"wrong separator", "08-30", 0, false},
		{"leading space", " 08:30", 0, false},
		{"trailing space", "08:30 ", 0, false},
		{"negative", "-1:00", 0, false},
		{"letters", "ab:cd", 0, false},
		{"plus sign", "+8:30", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := servicedesk.ParseClockTime(tt.in)
			if tt.ok {
				require.NoError(t, err)
				require.Equal(t, tt.want, got)
				require.Equal(t, tt.in, got.String())
				return
			}
			require.ErrorIs(t, err, psa.ErrInvalid)
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok)
			if diff := cmp.Diff(&psa.ValidationError{Object: "clock time", Fields: []psa.FieldError{{Field: "time", Value: tt.in}}}, ve,
				cmpopts.IgnoreFields(psa.FieldError{}, "Reason")); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			require.True(t, strings.HasPrefix(err.Error(), "psa: invalid clock time: time "), err.Error())
		})
	}
}

func TestClockTimeString(t *testing.T) {
	tests := []struct {
		name string
		in   servicedesk.ClockTime
		want string
	}{
		{"midnight", 0, "00:00"},
		{"morning", 510, "08:30"},
		{"evening", 1439, "23:59"},
		{"end of day", 1440, "24:00"},
		{"out of range above", 1500, "25:00"},
		{"out of range below", -5, "-00:05"},
		{"far above", 6000, "100:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.in.String())
		})
	}
}

func TestClockTimeText(t *testing.T) {
	iv := servicedesk.Interval{Start: 9 * 60, End: 1440}
	b, err := json.Marshal(iv)
	require.NoError(t, err)
	require.JSONEq(t, `{"start":"09:00","end":"24:00"}`, string(b))
	var back servicedesk.Interval
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, iv, back)
	require.Equal(t, "09:00-24:00", iv.String())

	_, err = json.Marshal(servicedesk.Interval{Start: -1, End: 60})
	require.ErrorIs(t, err, psa.ErrInvalid)

	c := servicedesk.ClockTime(60)
	require.ErrorIs(t, c.UnmarshalText([]byte("9:00")), psa.ErrInvalid)
	require.Equal(t, servicedesk.ClockTime(60), c, "unchanged on error")
}

func TestCalendarJSON(t *testing.T) {
	c := calNineToFive(t, "Europe/London", []string{"2026-12-28"}, servicedesk.MonthDay{Month: time.December, Day: 25})
	c.Version = 3
	b, err := json.Marshal(c)
	require.NoError(t, err)
	require.Contains(t, string(b), `"timeZone":"Europe/London"`)
	require.Contains(t, string(b), `{"start":"09:00","end":"17:00"}`)
	require.Contains(t, string(b), `"holidays":["2026-12-28"]`)
	require.Contains(t, string(b), `"yearly":[{"month":12,"day":25}]`)
	var back servicedesk.Calendar
	require.NoError(t, json.Unmarshal(b, &back))
	if diff := cmp.Diff(c, back); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
}

func FuzzParseClockTime(f *testing.F) {
	for _, s := range []string{"00:00", "08:30", "24:00", "24:01", "8:30", "", "99:99", "12:3x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := servicedesk.ParseClockTime(s)
		u := servicedesk.ClockTime(600)
		uerr := u.UnmarshalText([]byte(s))
		if err != nil {
			ve, ok := errors.AsType[*psa.ValidationError](err)
			if !ok || !errors.Is(err, psa.ErrInvalid) || ve.Fields[0].Field != "time" || ve.Fields[0].Value != s || c != 0 {
				t.Fatalf("ParseClockTime(%q) = %v, %v; want a *psa.ValidationError naming it", s, c, err)
			}
			if uerr == nil || u != 600 {
				t.Fatalf("UnmarshalText(%q) = %v, %v; want an error and no change", s, u, uerr)
			}
			return
		}
		if c < 0 || c > 1440 {
			t.Fatalf("ParseClockTime(%q) = %d, outside 0..1440", s, int(c))
		}
		if c.String() != s {
			t.Fatalf("ParseClockTime(%q).String() = %q", s, c.String())
		}
		// The reference: two-digit hours and minutes, up to 24:00.
		h, herr := strconv.Atoi(s[:2])
		m, merr := strconv.Atoi(s[3:])
		if herr != nil || merr != nil || s[2] != ':' || int(c) != h*60+m || s[0] == '+' || s[0] == '-' || s[3] == '+' || s[3] == '-' {
			t.Fatalf("ParseClockTime(%q) = %d", s, int(c))
		}
		if uerr != nil || u != c {
			t.Fatalf("UnmarshalText(%q) = %v, %v; ParseClockTime gives %v", s, u, uerr, c)
		}
		text, err := c.MarshalText()
		if err != nil || string(text) != s {
			t.Fatalf("MarshalText of %v = %q, %v", c, text, err)
		}
		var iv servicedesk.Interval
		if err := json.Unmarshal([]byte(`{"start":"`+s+`","end":"24:00"}`), &iv); err != nil || iv.Start != c {
			t.Fatalf("an interval starting at %q decodes to %v, %v", s, iv, err)
		}
	})
}

// ---------------------------------------------------------------------------------------------
// Calendar validation

func TestCalendarValidate(t *testing.T) {
	valid := func() servicedesk.Calendar { return calNineToFive(t, "America/New_York", nil) }
	type fe struct{ Field, Value string }
	tests := []struct {
		name   string
		modify func(c *servicedesk.Calendar)
		want   []fe // nil: valid
	}{
		{"valid nine to five", func(c *servicedesk.Calendar) {}, nil},
		{"valid with lunch break and touching intervals", func(c *servicedesk.Calendar) {
			c.Week[time.Monday] = []servicedesk.Interval{calIv(t, "08:00-12:00"), calIv(t, "13:00-15:00"), calIv(t, "15:00-24:00")}
		}, nil},
		{"valid whole day", func(c *servicedesk.Calendar) {
			c.Week[time.Sunday] = []servicedesk.Interval{calIv(t, "00:00-24:00")}
		}, nil},
		{"valid holidays and yearly with Feb 29", func(c *servicedesk.Calendar) {
			c.Holidays = []psa.Date{calDate(t, "2026-07-03"), calDate(t, "2026-07-03")}
			c.Yearly = []servicedesk.MonthDay{{Month: time.February, Day: 29}, {Month: time.December, Day: 31}}
		}, nil},
		{"valid UTC", func(c *servicedesk.Calendar) { c.TimeZone = "UTC" }, nil},
		{"valid 24x7 without intervals", func(c *servicedesk.Calendar) {
			c.Week = [7][]servicedesk.Interval{}
			c.AlwaysOpen = true
		}, nil},
		{"name required", func(c *servicedesk.Calendar) { c.Name = " " }, []fe{{"name", " "}}},
		{"time zone required", func(c *servicedesk.Calendar) { c.TimeZone = "" }, []fe{{"timeZone", ""}}},
		{"time zone Local", func(c *servicedesk.Calendar) { c.TimeZone = "Local" }, []fe{{"timeZone", "Local"}}},
		{"time zone unknown", func(c *servicedesk.Calendar) { c.TimeZone = "Mars/Olympus_Mons" }, []fe{{"timeZone", "Mars/Olympus_Mons"}}},
		{"time zone path", func(c *servicedesk.Calendar) { c.TimeZone = "../../etc/passwd" }, []fe{{"timeZone", "../../etc/passwd"}}},
		{"interval empty", func(c *servicedesk.Calendar) {
			c.Week[time.Monday] = []servicedesk.Interval{calIv(t, "09:00-09:00")}
		}, []fe{{"week.monday[0]", "09:00-09:00"}}},
		{"interval backwards", func(c *servicedesk.Calendar) {
			c.Week[time.Tuesday] = []servicedesk.Interval{calIv(t, "17:00-09:00")}
		}, []fe{{"week.tuesday[0]", "17:00-09:00"}}},
		{"interval before midnight", func(c *servicedesk.Calendar) {
			c.Week[time.Wednesday] = []servicedesk.Interval{{Start: -30, End: 60}}
		}, []fe{{"week.wednesday[0]", "-00:30-01:00"}}},
		{"interval after 24:00", func(c *servicedesk.Calendar) {
			c.Week[time.Saturday] = []servicedesk.Interval{{Start: 1380, End: 1500}}
		}, []fe{{"week.saturday[0]", "23:00-25:00"}}},
		{"intervals overlap", func(c *servicedesk.Calendar) {
			c.Week[time.Thursday] = []servicedesk.Interval{calIv(t, "09:00-12:00"), calIv(t, "11:00-17:00")}
		}, []fe{{"week.thursday[1]", "11:00-17:00"}}},
		{"intervals not sorted", func(c *servicedesk.Calendar) {
			c.Week[time.Friday] = []servicedesk.Interval{calIv(t, "13:00-17:00"), calIv(t, "08:00-12:00")}
		}, []fe{{"week.friday[1]", "08:00-12:00"}}},
		{"third interval overlaps the second", func(c *servicedesk.Calendar) {
			c.Week[time.Sunday] = []servicedesk.Interval{calIv(t, "08:00-09:00"), calIv(t, "10:00-12:00"), calIv(t, "11:59-13:00")}
		}, []fe{{"week.sunday[2]", "11:59-13:00"}}},
		{"no working interval", func(c *servicedesk.Calendar) { c.Week = [7][]servicedesk.Interval{} }, []fe{{"week", ""}}},
		{"zero holiday", func(c *servicedesk.Calendar) {
			c.Holidays = []psa.Date{calDate(t, "2026-01-01"), {}}
		}, []fe{{"holidays[1]", ""}}},
		{"yearly month 0", func(c *servicedesk.Calendar) {
			c.Yearly = []servicedesk.MonthDay{{Month: 0, Day: 1}}
		}, []fe{{"yearly[0].month", "0"}}},
		{"yearly month 13", func(c *servicedesk.Calendar) {
			c.Yearly = []servicedesk.MonthDay{{Month: time.January, Day: 1}, {Month: 13, Day: 1}}
		}, []fe{{"yearly[1].month", "13"}}},
		{"yearly day 0", func(c *servicedesk.Calendar) {
			c.Yearly = []servicedesk.MonthDay{{Month: time.March, Day: 0}}
		}, []fe{{"yearly[0].day", "0"}}},
		{"yearly Feb 30", func(c *servicedesk.Calendar) {
			c.Yearly = []servicedesk.MonthDay{{Month: time.February, Day: 30}}
		}, []fe{{"yearly[0].day", "30"}}},
		{"yearly Apr 31", func(c *servicedesk.Calendar) {
			c.Yearly = []servicedesk.MonthDay{{Month: time.April, Day: 31}}
		}, []fe{{"yearly[0].day", "31"}}},
		{"24x7 still checks its intervals and holidays", func(c *servicedesk.Calendar) {
			c.AlwaysOpen = true
			c.Week[time.Monday] = []servicedesk.Interval{calIv(t, "17:00-09:00")}
			c.Holidays = []psa.Date{{}}
		}, []fe{{"week.monday[0]", "17:00-09:00"}, {"holidays[0]", ""}}},
		{"every rule at once, in field order", func(c *servicedesk.Calendar) {
			c.Name = ""
			c.TimeZone = "Nowhere/Town"
			c.Week = [7][]servicedesk.Interval{}
			c.Holidays = []psa.Date{{}}
			c.Yearly = []servicedesk.MonthDay{{Month: 14, Day: 1}, {Month: time.June, Day: 31}}
		}, []fe{{"name", ""}, {"timeZone", "Nowhere/Town"}, {"week", ""}, {"holidays[0]", ""}, {"yearly[0].month", "14"}, {"yearly[1].day", "31"}}},
		{"broken intervals are reported, not the missing working time", func(c *servicedesk.Calendar) {
			c.Week = [7][]servicedesk.Interval{}
			c.Week[time.Monday] = []servicedesk.Interval{calIv(t, "10:00-09:00")}
		}, []fe{{"week.monday[0]", "10:00-09:00"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.modify(&c)
			err := c.Validate()
			h, cerr := c.Compile()
			if tt.want == nil {
				require.NoError(t, err)
				require.NoError(t, cerr)
				require.NotNil(t, h)
				return
			}
			require.ErrorIs(t, err, psa.ErrInvalid)
			require.ErrorIs(t, cerr, psa.ErrInvalid)
			require.Nil(t, h)
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok)
			require.Equal(t, "calendar", ve.Object)
			var got []fe
			for _, f := range ve.Fields {
				require.NotEmpty(t, f.Reason, f.Field)
				got = append(got, fe{f.Field, f.Value})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("fields (-want +got):\n%s\n%v", diff, err)
			}
			require.Equal(t, cerr.Error(), err.Error())
		})
	}
}

func TestAlwaysOpenCalendar(t *testing.T) {
	c := servicedesk.AlwaysOpen("Europe/London")
	require.NoError(t, c.Validate())
	require.Equal(t, "24x7", c.Name)
	require.True(t, c.AlwaysOpen)
	require.Equal(t, "Europe/London", c.TimeZone)

	err := servicedesk.AlwaysOpen("Atlantis/Capital").Validate()
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok)
	require.Len(t, ve.Fields, 1)
	require.Equal(t, "timeZone", ve.Fields[0].Field)
}

// ---------------------------------------------------------------------------------------------
// Business time across clock changes

func TestIntervalLengthAcrossDST(t *testing.T) {
	tests := []struct {
		name     string
		zone     string
		day      string
		interval string
		want     time.Duration
	}{
		{"New York spring forward", "America/New_York", "2026-03-08", "00:00-06:00", 5 * time.Hour},
		{"New York ordinary day", "America/New_York", "2026-03-25", "00:00-06:00", 6 * time.Hour},
		{"New York fall back", "America/New_York", "2026-11-01", "00:00-06:00", 7 * time.Hour},
		{"New York whole spring-forward day", "America/New_York", "2026-03-08", "00:00-24:00", 23 * time.Hour},
		{"New York whole fall-back day", "America/New_York", "2026-11-01", "00:00-24:00", 25 * time.Hour},
		{"New York evening of spring forward", "America/New_York", "2026-03-08", "18:00-24:00", 6 * time.Hour},
		{"London spring forward", "Europe/London", "2026-03-29", "00:00-06:00", 5 * time.Hour},
		{"London fall back", "Europe/London", "2026-10-25", "00:00-06:00", 7 * time.Hour},
		{"London office day unaffected", "Europe/London", "2026-03-29", "09:00-17:00", 8 * time.Hour},
		{"Lord Howe fall back (30 minutes)", "Australia/Lord_Howe", "2026-04-05", "00:00-06:00", 6*time.Hour + 30*time.Minute},
		{"Lord Howe spring forward (30 minutes)", "Australia/Lord_Howe", "2026-10-04", "00:00-06:00", 5*time.Hour + 30*time.Minute},
		{"Lord Howe ordinary day", "Australia/Lord_Howe", "2026-10-20", "00:00-06:00", 6 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := calLoc(t, tt.zone)
			h := calCompile(t, servicedesk.Calendar{Name: "Night", TimeZone: tt.zone, Week: calDays(t, calEveryDay, tt.interval)})
			day := calDate(t, tt.day)
			from, to := day.In(loc), day.AddDays(1).In(loc)
			require.Equal(t, tt.want, h.BusinessTime(from, to))
			// The same from a week before to a week after: the neighbouring days are ordinary.
			wide := h.BusinessTime(day.AddDays(-7).In(loc), day.AddDays(8).In(loc))
			iv := calIv(t, tt.interval)
			ordinary := time.Duration(iv.End-iv.Start) * time.Minute
			require.Equal(t, 14*ordinary+tt.want, wide)
			// The deadline of the whole interval is its end.
			start := time.Date(day.Year(), day.Month(), day.Day(), 0, int(iv.Start), 0, 0, loc)
			end := time.Date(day.Year(), day.Month(), day.Day(), 0, int(iv.End), 0, 0, loc)
			calDiffTime(t, end, h.AddBusiness(start, tt.want))
		})
	}
}

func TestAddBusinessAcrossDSTNights(t *testing.T) {
	ny, london, lordHowe := calLoc(t, "America/New_York"), calLoc(t, "Europe/London"), calLoc(t, "Australia/Lord_Howe")
	night := func(zone string) servicedesk.Calendar {
		return servicedesk.Calendar{Name: "Night", TimeZone: zone, Week: calDays(t, calEveryDay, "00:00-06:00")}
	}
	shift := func(zone string) servicedesk.Calendar {
		return servicedesk.Calendar{Name: "Night shift", TimeZone: zone, Week: calDays(t, calEveryDay, "00:00-06:00", "22:00-24:00")}
	}
	office := servicedesk.Calendar{Name: "Office", TimeZone: "America/New_York", Week: calDays(t, calWeekdays, "09:00-17:00")}
	tests := []struct {
		name string
		cal  servicedesk.Calendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"NY spring: 5h is the whole short night", night("America/New_York"), calAt(t, ny, "2026-03-08 00:00"), 5 * time.Hour, calAt(t, ny, "2026-03-08 06:00")},
		{"NY spring: 5h30 runs into the next night", night("America/New_York"), calAt(t, ny, "2026-03-08 00:00"), 5*time.Hour + 30*time.Minute, calAt(t, ny, "2026-03-09 00:30")},
		{"NY spring: from 01:00 EST, 2h is 04:00 EDT", night("America/New_York"), calAt(t, ny, "2026-03-08 01:00"), 2 * time.Hour, calAt(t, ny, "2026-03-08 04:00")},
		{"NY fall: 6h is 05:00 EST", night("America/New_York"), calAt(t, ny, "2026-11-01 00:00"), 6 * time.Hour, calAt(t, time.UTC, "2026-11-01 10:00")},
		{"NY fall: 7h is the whole long night", night("America/New_York"), calAt(t, ny, "2026-11-01 00:00"), 7 * time.Hour, calAt(t, ny, "2026-11-01 06:00")},
		{"NY fall: 8h runs into the next night", night("America/New_York"), calAt(t, ny, "2026-11-01 00:00"), 8 * time.Hour, calAt(t, ny, "2026-11-02 01:00")},
		{"NY shift: Saturday 22:00 plus 7h crosses the short night", shift("America/New_York"), calAt(t, ny, "2026-03-07 22:00"), 7 * time.Hour, calAt(t, ny, "2026-03-08 06:00")},
		{"NY shift: Saturday 22:00 plus 8h", shift("America/New_York"), calAt(t, ny, "2026-03-07 22:00"), 8 * time.Hour, calAt(t, ny, "2026-03-08 23:00")},
		{"NY shift: fall-back night is 9h from 22:00", shift("America/New_York"), calAt(t, ny, "2026-10-31 22:00"), 9 * time.Hour, calAt(t, ny, "2026-11-01 06:00")},
		{"NY office: Friday 16:00 plus 2h over the DST weekend", office, calAt(t, ny, "2026-03-06 16:00"), 2 * time.Hour, calAt(t, ny, "2026-03-09 10:00")},
		{"London spring: 5h", night("Europe/London"), calAt(t, london, "2026-03-29 00:00"), 5 * time.Hour, calAt(t, london, "2026-03-29 06:00")},
		{"London fall: 7h", night("Europe/London"), calAt(t, london, "2026-10-25 00:00"), 7 * time.Hour, calAt(t, london, "2026-10-25 06:00")},
		{"London fall: 1h from 00:30 BST is 01:30 BST", night("Europe/London"), calAt(t, london, "2026-10-25 00:30"), time.Hour, calAt(t, time.UTC, "2026-10-25 00:30")},
		{"Lord Howe spring: 5h30", night("Australia/Lord_Howe"), calAt(t, lordHowe, "2026-10-04 00:00"), 5*time.Hour + 30*time.Minute, calAt(t, lordHowe, "2026-10-04 06:00")},
		{"Lord Howe spring: 3h from 00:00 is 03:30", night("Australia/Lord_Howe"), calAt(t, lordHowe, "2026-10-04 00:00"), 3 * time.Hour, calAt(t, lordHowe, "2026-10-04 03:30")},
		{"Lord Howe fall: 6h30", night("Australia/Lord_Howe"), calAt(t, lordHowe, "2026-04-05 00:00"), 6*time.Hour + 30*time.Minute, calAt(t, lordHowe, "2026-04-05 06:00")},
		{"Lord Howe fall: 6h31 is the next night", night("Australia/Lord_Howe"), calAt(t, lordHowe, "2026-04-05 00:00"), 6*time.Hour + 31*time.Minute, calAt(t, lordHowe, "2026-04-06 00:01")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := calCompile(t, tt.cal)
			got := h.AddBusiness(tt.from, tt.d)
			calDiffTime(t, tt.want, got)
			require.Equal(t, tt.d, h.BusinessTime(tt.from, got))
		})
	}
}

func TestManyIntervalsOnClockChangeDays(t *testing.T) {
	// Half an hour of work at the top of every hour: 24 intervals a day, 12 hours. On the
	// spring-forward night 02:00-02:30 does not exist and time.Date resolves it onto 01:00-01:30
	// EST, which is counted once; on the fall-back night 01:00-01:30 means its first occurrence.
	c := servicedesk.Calendar{Name: "Half hours", TimeZone: "America/New_York"}
	for h := range 24 {
		for _, wd := range calEveryDay {
			c.Week[wd] = append(c.Week[wd], servicedesk.Interval{Start: servicedesk.ClockTime(h * 60), End: servicedesk.ClockTime(h*60 + 30)})
		}
	}
	h := calCompile(t, c)
	ny := calLoc(t, "America/New_York")
	tests := []struct {
		name string
		day  string
		want time.Duration
	}{
		{"ordinary day", "2026-03-07", 12 * time.Hour},
		{"spring forward", "2026-03-08", 11*time.Hour + 30*time.Minute},
		{"fall back", "2026-11-01", 12 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			day := calDate(t, tt.day)
			from, to := day.In(ny), day.AddDays(1).In(ny)
			require.Equal(t, tt.want, h.BusinessTime(from, to))
			calDiffTime(t, calAt(t, ny, tt.day+" 23:30"), h.AddBusiness(from, tt.want))
			require.Equal(t, tt.want, calNewRef(t, c, from, to).businessTime(from, to))
		})
	}
}

func TestMonthDayString(t *testing.T) {
	require.Equal(t, "12-25", servicedesk.MonthDay{Month: time.December, Day: 25}.String())
	require.Equal(t, "02-29", servicedesk.MonthDay{Month: time.February, Day: 29}.String())
}

// ---------------------------------------------------------------------------------------------
// Deadlines on an office calendar

func TestAddBusiness(t *testing.T) {
	ny := calLoc(t, "America/New_York")
	july4 := servicedesk.MonthDay{Month: time.July, Day: 4}
	office := calNineToFive(t, "America/New_York", []string{"2026-05-25"}, july4, servicedesk.MonthDay{Month: time.December, Day: 25})
	observed := calNineToFive(t, "America/New_York", []string{"2026-07-03"}, july4)
	lunch := servicedesk.Calendar{Name: "Lunch", TimeZone: "America/New_York", Week: calDays(t, calWeekdays, "09:00-12:00", "13:00-17:00")}
	midnight := servicedesk.Calendar{Name: "Late", TimeZone: "America/New_York"}
	midnight.Week[time.Monday] = []servicedesk.Interval{calIv(t, "22:00-24:00")}
	midnight.Week[time.Tuesday] = []servicedesk.Interval{calIv(t, "00:00-02:00")}
	tests := []struct {
		name string
		cal  servicedesk.Calendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"inside hours", office, calAt(t, ny, "2026-05-04 10:00"), 2 * time.Hour, calAt(t, ny, "2026-05-04 12:00")},
		{"deadline exactly at closing time", office, calAt(t, ny, "2026-05-04 16:00"), time.Hour, calAt(t, ny, "2026-05-04 17:00")},
		{"one nanosecond more opens the next day", office, calAt(t, ny, "2026-05-04 16:00"), time.Hour + 1, calAt(t, ny, "2026-05-05 09:00:00.000000001")},
		{"a whole day from opening", office, calAt(t, ny, "2026-05-04 09:00"), 8 * time.Hour, calAt(t, ny, "2026-05-04 17:00")},
		{"opened before opening", office, calAt(t, ny, "2026-05-04 07:00"), time.Hour, calAt(t, ny, "2026-05-04 10:00")},
		{"opened at closing", office, calAt(t, ny, "2026-05-04 17:00"), time.Hour, calAt(t, ny, "2026-05-05 10:00")},
		{"opened after closing", office, calAt(t, ny, "2026-05-04 20:00"), 30 * time.Minute, calAt(t, ny, "2026-05-05 09:30")},
		{"opened Friday 16:00 with 4 hours", office, calAt(t, ny, "2026-05-15 16:00"), 4 * time.Hour, calAt(t, ny, "2026-05-18 12:00")},
		{"opened Saturday", office, calAt(t, ny, "2026-05-16 10:00"), time.Hour, calAt(t, ny, "2026-05-18 10:00")},
		{"opened Sunday night", office, calAt(t, ny, "2026-05-17 23:59"), 8 * time.Hour, calAt(t, ny, "2026-05-18 17:00")},
		{"opened on a one-off holiday", office, calAt(t, ny, "2026-05-25 10:00"), time.Hour, calAt(t, ny, "2026-05-26 10:00")},
		{"Friday before a holiday Monday", office, calAt(t, ny, "2026-05-22 15:00"), 3 * time.Hour, calAt(t, ny, "2026-05-26 10:00")},
		{"yearly holiday on a Friday", office, calAt(t, ny, "2026-12-24 16:00"), 2 * time.Hour, calAt(t, ny, "2026-12-28 10:00")},
		{"yearly holiday on Saturday does not move to Friday", office, calAt(t, ny, "2026-07-03 10:00"), time.Hour, calAt(t, ny, "2026-07-03 11:00")},
		{"yearly holiday on Saturday does not move to Monday", office, calAt(t, ny, "2026-07-03 16:00"), 2 * time.Hour, calAt(t, ny, "2026-07-06 10:00")},
		{"observed day listed too", observed, calAt(t, ny, "2026-07-02 16:00"), 2 * time.Hour, calAt(t, ny, "2026-07-06 10:00")},
		{"opened on the observed day", observed, calAt(t, ny, "2026-07-03 09:30"), time.Hour, calAt(t, ny, "2026-07-06 10:00")},
		{"ten business days", office, calAt(t, ny, "2026-05-04 09:00"), 80 * time.Hour, calAt(t, ny, "2026-05-15 17:00")},
		{"ten business days over a holiday", office, calAt(t, ny, "2026-05-18 09:00"), 80 * time.Hour, calAt(t, ny, "2026-06-01 17:00")},
		{"thirty business days", office, calAt(t, ny, "2026-01-05 09:00"), 240 * time.Hour, calAt(t, ny, "2026-02-13 17:00")},
		{"a year of business days over DST and holidays", office, calAt(t, ny, "2026-01-05 09:00"), 250 * 8 * time.Hour, calAt(t, ny, "2026-12-21 17:00")},
		{"lunch break: ends at the break", lunch, calAt(t, ny, "2026-05-04 11:00"), time.Hour, calAt(t, ny, "2026-05-04 12:00")},
		{"lunch break: skipped", lunch, calAt(t, ny, "2026-05-04 11:30"), time.Hour, calAt(t, ny, "2026-05-04 13:30")},
		{"lunch break: opened during it", lunch, calAt(t, ny, "2026-05-04 12:15"), 15 * time.Minute, calAt(t, ny, "2026-05-04 13:15")},
		{"interval to 24:00 then 00:00: ends at midnight", midnight, calAt(t, ny, "2026-05-04 22:00"), 2 * time.Hour, calAt(t, ny, "2026-05-05 00:00")},
		{"interval to 24:00 then 00:00: crosses midnight", midnight, calAt(t, ny, "2026-05-04 23:30"), time.Hour, calAt(t, ny, "2026-05-05 00:30")},
		{"interval to 24:00 then 00:00: next week", midnight, calAt(t, ny, "2026-05-05 01:00"), 2 * time.Hour, calAt(t, ny, "2026-05-11 23:00")},
		{"nanoseconds are kept", office, calAt(t, ny, "2026-05-04 10:00:00.5"), time.Second, calAt(t, ny, "2026-05-04 10:00:01.5")},
		{"from outside hours with nanoseconds", office, calAt(t, ny, "2026-05-04 08:59:59.999999999"), time.Nanosecond, calAt(t, ny, "2026-05-04 09:00:00.000000001")},
		{"zero duration is t itself, even outside hours", office, calAt(t, ny, "2026-05-16 10:00"), 0, calAt(t, ny, "2026-05-16 10:00")},
		{"negative duration is t itself", office, calAt(t, ny, "2026-05-04 10:00"), -time.Hour, calAt(t, ny, "2026-05-04 10:00")},
		{"instant given in UTC", office, calAt(t, time.UTC, "2026-05-04 20:00"), time.Hour, calAt(t, ny, "2026-05-04 17:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := calCompile(t, tt.cal)
			got, ok := h.TryAddBusiness(tt.from, tt.d)
			require.True(t, ok)
			calDiffTime(t, tt.want, got)
			calDiffTime(t, got, h.AddBusiness(tt.from, tt.d))
			require.Equal(t, tt.from.Location(), got.Location(), "the result is in t's location")
			if tt.d > 0 {
				require.Equal(t, tt.d, h.BusinessTime(tt.from, got))
				require.Less(t, h.BusinessTime(tt.from, got.Add(-1)), tt.d, "the earliest such instant")
				require.True(t, h.IsOpen(got.Add(-1)), "the last instant before the deadline is business time")
			}
		})
	}
}

func TestBusinessTime(t *testing.T) {
	ny := calLoc(t, "America/New_York")
	office := calNineToFive(t, "America/New_York", []string{"2026-05-25"}, servicedesk.MonthDay{Month: time.July, Day: 4})
	lunch := servicedesk.Calendar{Name: "Lunch", TimeZone: "America/New_York", Week: calDays(t, calWeekdays, "09:00-12:00", "13:00-17:00")}
	tests := []struct {
		name     string
		cal      servicedesk.Calendar
		from, to time.Time
		want     time.Duration
	}{
		{"inside one interval", office, calAt(t, ny, "2026-05-04 10:00"), calAt(t, ny, "2026-05-04 12:30"), 150 * time.Minute},
		{"before opening to after closing", office, calAt(t, ny, "2026-05-04 06:00"), calAt(t, ny, "2026-05-04 20:00"), 8 * time.Hour},
		{"overnight", office, calAt(t, ny, "2026-05-04 16:00"), calAt(t, ny, "2026-05-05 10:00"), 2 * time.Hour},
		{"weekend only", office, calAt(t, ny, "2026-05-16 00:00"), calAt(t, ny, "2026-05-18 00:00"), 0},
		{"holiday only", office, calAt(t, ny, "2026-05-25 00:00"), calAt(t, ny, "2026-05-26 00:00"), 0},
		{"yearly holiday on Saturday: Friday counts", office, calAt(t, ny, "2026-07-03 00:00"), calAt(t, ny, "2026-07-06 00:00"), 8 * time.Hour},
		{"a month with one holiday", office, calAt(t, ny, "2026-05-01 00:00"), calAt(t, ny, "2026-06-01 00:00"), 20 * 8 * time.Hour},
		{"lunch break not counted", lunch, calAt(t, ny, "2026-05-04 11:00"), calAt(t, ny, "2026-05-04 14:00"), 2 * time.Hour},
		{"to before from", office, calAt(t, ny, "2026-05-05 10:00"), calAt(t, ny, "2026-05-04 10:00"), 0},
		{"to equals from", office, calAt(t, ny, "2026-05-04 10:00"), calAt(t, ny, "2026-05-04 10:00"), 0},
		{"nanoseconds at both ends", office, calAt(t, ny, "2026-05-04 10:00:00.25"), calAt(t, ny, "2026-05-04 10:00:01.75"), 1500 * time.Millisecond},
		{"nanoseconds outside hours", office, calAt(t, ny, "2026-05-04 08:59:59.5"), calAt(t, ny, "2026-05-04 17:00:00.5"), 8 * time.Hour},
		{"400 years", calNineToFive(t, "UTC", nil), calAt(t, time.UTC, "2000-01-01 00:00"), calAt(t, time.UTC, "2400-01-01 00:00"), 104355 * 8 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := calCompile(t, tt.cal)
			require.Equal(t, tt.want, h.BusinessTime(tt.from, tt.to))
		})
	}
}

func TestBusinessTimeLongSpans(t *testing.T) {
	allDay := func(zone string) *servicedesk.Hours {
		return calCompile(t, servicedesk.Calendar{Name: "All day", TimeZone: zone, Week: calDays(t, calEveryDay, "00:00-24:00")})
	}
	t.Run("every hour of two centuries, DST included", func(t *testing.T) {
		for _, zone := range []string{"UTC", "America/New_York", "Australia/Lord_Howe"} {
			h := allDay(zone)
			from, to := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2150, 1, 1, 0, 0, 0, 0, time.UTC)
			require.Equal(t, to.Sub(from), h.BusinessTime(from, to), zone)
		}
	})
	t.Run("saturates beyond the largest duration", func(t *testing.T) {
		h := allDay("UTC")
		got := h.BusinessTime(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		require.Equal(t, time.Duration(math.MaxInt64), got)
	})
	t.Run("nothing counts after 9999-12-31T23:59:59Z", func(t *testing.T) {
		h := allDay("Pacific/Pago_Pago") // UTC-11: its 9999-12-31 runs on past that instant
		far := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
		require.Equal(t, time.Hour, h.BusinessTime(far.Add(-time.Hour), far.Add(time.Hour)))
		require.False(t, h.IsOpen(far))
		require.True(t, h.IsOpen(far.Add(-1)))
	})
	t.Run("nothing counts after the zone's 9999-12-31", func(t *testing.T) {
		h := allDay("Pacific/Kiritimati") // UTC+14: its 9999-12-31 ends at 10:00Z
		end := time.Date(9999, 12, 31, 10, 0, 0, 0, time.UTC)
		require.Equal(t, time.Hour, h.BusinessTime(end.Add(-time.Hour), end.Add(time.Hour)))
		require.False(t, h.IsOpen(end))
		require.True(t, h.IsOpen(end.Add(-1)))
	})
	t.Run("nothing counts before 0001-01-01", func(t *testing.T) {
		h := allDay("UTC")
		first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
		require.Equal(t, time.Hour, h.BusinessTime(first.Add(-time.Hour), first.Add(time.Hour)))
		require.False(t, h.IsOpen(first.Add(-1)))
		calDiffTime(t, first, h.NextOpen(first.Add(-24*time.Hour)))
	})
}

// ---------------------------------------------------------------------------------------------
// IsOpen, NextOpen, IsHoliday

func TestIsOpenAndNextOpen(t *testing.T) {
	ny := calLoc(t, "America/New_York")
	office := calNineToFive(t, "America/New_York", []string{"2026-05-25"}, servicedesk.MonthDay{Month: time.July, Day: 4})
	office.Week[time.Wednesday] = []servicedesk.Interval{calIv(t, "09:00-12:00"), calIv(t, "13:00-17:00")}
	office.Week[time.Friday] = []servicedesk.Interval{calIv(t, "09:00-17:00"), calIv(t, "22:00-24:00")}
	office.Week[time.Saturday] = []servicedesk.Interval{calIv(t, "00:00-02:00")}
	h := calCompile(t, office)
	tests := []struct {
		name string
		at   time.Time
		open bool
		next time.Time // zero: at itself
	}{
		{"at opening", calAt(t, ny, "2026-05-04 09:00"), true, time.Time{}},
		{"just before opening", calAt(t, ny, "2026-05-04 08:59:59.999999999"), false, calAt(t, ny, "2026-05-04 09:00")},
		{"last instant", calAt(t, ny, "2026-05-04 16:59:59.999999999"), true, time.Time{}},
		{"at closing", calAt(t, ny, "2026-05-04 17:00"), false, calAt(t, ny, "2026-05-05 09:00")},
		{"lunch break", calAt(t, ny, "2026-05-06 12:00"), false, calAt(t, ny, "2026-05-06 13:00")},
		{"after lunch", calAt(t, ny, "2026-05-06 13:00"), true, time.Time{}},
		{"Friday evening", calAt(t, ny, "2026-05-08 20:00"), false, calAt(t, ny, "2026-05-08 22:00")},
		{"Friday night to Saturday: midnight is open", calAt(t, ny, "2026-05-09 00:00"), true, time.Time{}},
		{"Saturday after the night", calAt(t, ny, "2026-05-09 02:00"), false, calAt(t, ny, "2026-05-11 09:00")},
		{"Friday before a holiday Monday", calAt(t, ny, "2026-05-22 17:30"), false, calAt(t, ny, "2026-05-22 22:00")},
		{"holiday", calAt(t, ny, "2026-05-25 10:00"), false, calAt(t, ny, "2026-05-26 09:00")},
		{"yearly holiday on Saturday: its night hours closed", calAt(t, ny, "2026-07-04 01:00"), false, calAt(t, ny, "2026-07-06 09:00")},
		{"in UTC", calAt(t, time.UTC, "2026-05-04 13:00"), true, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.open, h.IsOpen(tt.at))
			want := tt.next
			if want.IsZero() {
				want = tt.at
			}
			got := h.NextOpen(tt.at)
			calDiffTime(t, want, got)
			require.Equal(t, tt.at.Location(), got.Location())
			require.True(t, h.IsOpen(got))
			require.Zero(t, h.BusinessTime(tt.at, got))
		})
	}
}

func TestIsHoliday(t *testing.T) {
	c := calNineToFive(t, "Europe/London", []string{"2026-12-28", "2026-04-03"},
		servicedesk.MonthDay{Month: time.December, Day: 25}, servicedesk.MonthDay{Month: time.February, Day: 29})
	h := calCompile(t, c)
	tests := []struct {
		name string
		day  string
		want bool
	}{
		{"one-off", "2026-04-03", true},
		{"one-off substitute day", "2026-12-28", true},
		{"yearly", "2026-12-25", true},
		{"yearly, another year", "2031-12-25", true},
		{"yearly on a Saturday", "2027-12-25", true},
		{"weekend after a yearly Saturday holiday is not moved", "2027-12-27", false},
		{"ordinary weekday", "2026-04-02", false},
		{"weekend is not a holiday", "2026-04-04", false},
		{"Feb 29 in a leap year", "2028-02-29", true},
		{"Feb 28 in a common year", "2027-02-28", false},
		{"Mar 1 in a common year", "2027-03-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, h.IsHoliday(calDate(t, tt.day)))
		})
	}
	require.False(t, h.IsHoliday(psa.Date{}), "the zero date")
	require.False(t, calCompile(t, servicedesk.AlwaysOpen("UTC")).IsHoliday(calDate(t, "2026-12-25")))
}

func TestYearlyFeb29(t *testing.T) {
	c := servicedesk.Calendar{Name: "Every day", TimeZone: "Asia/Tokyo", Week: calDays(t, calEveryDay, "09:00-17:00"),
		Yearly: []servicedesk.MonthDay{{Month: time.February, Day: 29}}}
	h := calCompile(t, c)
	tokyo := calLoc(t, "Asia/Tokyo")
	feb := func(y int) time.Duration {
		return h.BusinessTime(time.Date(y, 2, 1, 0, 0, 0, 0, tokyo), time.Date(y, 3, 1, 0, 0, 0, 0, tokyo))
	}
	require.Equal(t, 28*8*time.Hour, feb(2028), "Feb 29 is a holiday in a leap year")
	require.Equal(t, 28*8*time.Hour, feb(2027), "and nothing moves in a common year")
	require.Equal(t, 28*8*time.Hour, feb(2100), "2100 is not a leap year")
	// Over eight years (2097-2104 includes the skipped 2100), only the leap days are missing.
	from, to := time.Date(2097, 1, 1, 0, 0, 0, 0, tokyo), time.Date(2105, 1, 1, 0, 0, 0, 0, tokyo)
	days := psa.DaysBetween(psa.DateOf(from), psa.DateOf(to))
	require.Equal(t, time.Duration(days-1)*8*time.Hour, h.BusinessTime(from, to), "only 2104-02-29")
	calDiffTime(t, time.Date(2028, 3, 1, 10, 0, 0, 0, tokyo), h.AddBusiness(time.Date(2028, 2, 28, 16, 0, 0, 0, tokyo), 2*time.Hour))
	// No leap day after 9996 within the range of psa.Date.
	from, to = time.Date(9997, 1, 1, 0, 0, 0, 0, tokyo), time.Date(9999, 12, 1, 0, 0, 0, 0, tokyo)
	days = psa.DaysBetween(psa.DateOf(from), psa.DateOf(to))
	require.Equal(t, time.Duration(days)*8*time.Hour, h.BusinessTime(from, to))
}

// ---------------------------------------------------------------------------------------------
// 24x7 and degenerate calendars

func TestAlwaysOpenHours(t *testing.T) {
	ny := calLoc(t, "America/New_York")
	h := calCompile(t, servicedesk.AlwaysOpen("America/New_York"))
	require.Equal(t, ny.String(), h.Location().String())
	night := calAt(t, ny, "2026-03-08 00:00")
	calDiffTime(t, calAt(t, ny, "2026-03-08 04:00"), h.AddBusiness(night, 3*time.Hour))
	calDiffTime(t, night.Add(3*time.Hour), h.AddBusiness(night, 3*time.Hour))
	require.Equal(t, 23*time.Hour, h.BusinessTime(night, calAt(t, ny, "2026-03-09 00:00")))
	require.Equal(t, 25*time.Hour, h.BusinessTime(calAt(t, ny, "2026-11-01 00:00"), calAt(t, ny, "2026-11-02 00:00")))
	require.True(t, h.IsOpen(calAt(t, ny, "2026-12-25 03:00")))
	calDiffTime(t, night, h.NextOpen(night))
	// Week and holidays are ignored.
	c := calNineToFive(t, "America/New_York", []string{"2026-12-25"})
	c.AlwaysOpen = true
	h2 := calCompile(t, c)
	require.True(t, h2.IsOpen(calAt(t, ny, "2026-12-25 03:00")))
	require.Equal(t, 48*time.Hour, h2.BusinessTime(calAt(t, ny, "2026-12-25 00:00"), calAt(t, ny, "2026-12-27 00:00")))
}

func TestZeroHours(t *testing.T) {
	var nilHours *servicedesk.Hours
	for name, h := range map[string]*servicedesk.Hours{"zero": {}, "nil": nilHours} {
		t.Run(name, func(t *testing.T) {
			at := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
			require.Equal(t, time.UTC, h.Location())
			require.True(t, h.IsOpen(at))
			require.False(t, h.IsHoliday(psa.DateOf(at)))
			calDiffTime(t, at.Add(time.Hour), h.AddBusiness(at, time.Hour))
			require.Equal(t, time.Hour, h.BusinessTime(at, at.Add(time.Hour)))
			calDiffTime(t, at, h.NextOpen(at))
		})
	}
}

func TestUnreachableDeadline(t *testing.T) {
	far := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	t.Run("every day a yearly holiday", func(t *testing.T) {
		c := calNineToFive(t, "Europe/London", nil)
		for m := time.January; m <= time.December; m++ {
			for d := 1; d <= psa.DaysIn(2024, m); d++ {
				c.Yearly = append(c.Yearly, servicedesk.MonthDay{Month: m, Day: d})
			}
		}
		h := calCompile(t, c)
		at := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
		got, ok := h.TryAddBusiness(at, time.Hour)
		require.False(t, ok)
		calDiffTime(t, far, got)
		calDiffTime(t, far, h.AddBusiness(at.In(calLoc(t, "Asia/Tokyo")), time.Hour))
		_, err := json.Marshal(h.AddBusiness(at.In(calLoc(t, "Asia/Tokyo")), time.Hour))
		require.NoError(t, err, "the far instant is in UTC, where JSON can encode it")
		calDiffTime(t, far, h.NextOpen(at))
		require.False(t, h.IsOpen(at))
		require.Zero(t, h.BusinessTime(at, at.AddDate(20, 0, 0)))
		got, ok = h.TryAddBusiness(at, 0)
		require.True(t, ok)
		calDiffTime(t, at, got)
	})
	t.Run("years of one-off holidays, then work", func(t *testing.T) {
		c := calNineToFive(t, "America/New_York", nil)
		for d := calDate(t, "2026-01-01"); d.Before(calDate(t, "2030-01-01")); d = d.AddDays(1) {
			c.Holidays = append(c.Holidays, d)
		}
		h := calCompile(t, c)
		ny := calLoc(t, "America/New_York")
		got, ok := h.TryAddBusiness(calAt(t, ny, "2026-01-01 00:00"), time.Hour)
		require.True(t, ok)
		calDiffTime(t, calAt(t, ny, "2030-01-01 10:00"), got)
		calDiffTime(t, calAt(t, ny, "2030-01-01 09:00"), h.NextOpen(calAt(t, ny, "2026-06-01 12:00")))
	})
	t.Run("beyond the year 9999", func(t *testing.T) {
		h := calCompile(t, calNineToFive(t, "UTC", nil))
		at := time.Date(9999, 12, 31, 16, 0, 0, 0, time.UTC) // a Friday
		got, ok := h.TryAddBusiness(at, time.Hour)
		require.True(t, ok)
		calDiffTime(t, at.Add(time.Hour), got)
		got, ok = h.TryAddBusiness(at, 2*time.Hour)
		require.False(t, ok)
		calDiffTime(t, far, got)
		calDiffTime(t, far, h.NextOpen(at.Add(2*time.Hour)))
		later := time.Date(10000, 6, 1, 0, 0, 0, 0, time.UTC)
		got, ok = h.TryAddBusiness(later, time.Hour)
		require.False(t, ok)
		calDiffTime(t, later, got) // never before t
	})
	t.Run("huge target on a sparse calendar ends", func(t *testing.T) {
		c := servicedesk.Calendar{Name: "Sparse", TimeZone: "America/New_York"}
		c.Week[time.Monday] = []servicedesk.Interval{calIv(t, "09:00-09:01")}
		h := calCompile(t, c)
		start := time.Now()
		got, ok := h.TryAddBusiness(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Duration(math.MaxInt64))
		require.False(t, ok)
		calDiffTime(t, far, got)
		require.Less(t, time.Since(start), 5*time.Second)
	})
}

func TestHoursConcurrent(t *testing.T) {
	h := calCompile(t, calNineToFive(t, "America/New_York", []string{"2026-05-25"}))
	ny := calLoc(t, "America/New_York")
	from := calAt(t, ny, "2026-05-15 16:00")
	want := h.AddBusiness(from, 40*time.Hour)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := h.AddBusiness(from, 40*time.Hour); !got.Equal(want) {
					t.Errorf("got %v, want %v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// ---------------------------------------------------------------------------------------------
// Properties over random calendars

// calZones are the zones of the random calendars: the three of the design note, zones that
// change their clocks at midnight (Santiago, Havana, Tehran until 2022, Asuncion), by odd amounts
// (Lord Howe, Chatham, Troll's two hours) or that skipped a whole day (Apia, 2011-12-30).
var calZones = []string{
	"America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC", "Asia/Kolkata",
	"America/Santiago", "America/Havana", "Asia/Tehran", "America/Asuncion", "Pacific/Chatham",
	"Antarctica/Troll", "Pacific/Apia", "America/St_Johns", "Asia/Beirut",
}

// calHistoric are zones and months in which they did something odd: Apia skipped a day, Amman
// fell back from 01:00 to 00:00 east of Greenwich (its first midnight is before the day's
// midnight as time.Date resolves it), Tehran and Sao Paulo changed their clocks at midnight.
var calHistoric = []struct {
	zone string
	base time.Time
}{
	{"Pacific/Apia", time.Date(2011, 11, 1, 0, 0, 0, 0, time.UTC)},
	{"Asia/Amman", time.Date(2021, 9, 1, 0, 0, 0, 0, time.UTC)},
	{"Asia/Tehran", time.Date(2021, 8, 1, 0, 0, 0, 0, time.UTC)},
	{"America/Sao_Paulo", time.Date(2017, 12, 1, 0, 0, 0, 0, time.UTC)},
	{"America/Sao_Paulo", time.Date(2018, 9, 1, 0, 0, 0, 0, time.UTC)},
}

// calRandomCalendar returns a random valid calendar in zone with holidays around base.
func calRandomCalendar(rng *rand.Rand, zone string, base psa.Date) servicedesk.Calendar {
	c := servicedesk.Calendar{Name: "random", TimeZone: zone}
	// Cut points that sit on clock changes and midnight come up often.
	special := []int{0, 0, 60, 90, 120, 150, 180, 1380, 1410, 1440, 1440}
	for wd := range 7 {
		switch k := rng.IntN(8); {
		case k == 0: // closed
		case k == 1:
			c.Week[wd] = []servicedesk.Interval{{Start: 0, End: 1440}}
		default:
			var pts []int
			for range 2 * (1 + rng.IntN(3)) {
				if rng.IntN(3) == 0 {
					pts = append(pts, special[rng.IntN(len(special))])
				} else {
					pts = append(pts, rng.IntN(1441))
				}
			}
			slices.Sort(pts)
			pts = slices.Compact(pts)
			for i := 0; i+1 < len(pts); i += 2 {
				c.Week[wd] = append(c.Week[wd], servicedesk.Interval{Start: servicedesk.ClockTime(pts[i]), End: servicedesk.ClockTime(pts[i+1])})
				if i+2 < len(pts) && rng.IntN(4) == 0 { // a touching interval
					c.Week[wd] = append(c.Week[wd], servicedesk.Interval{Start: servicedesk.ClockTime(pts[i+1]), End: servicedesk.ClockTime(pts[i+2])})
					i++
				}
			}
		}
	}
	if calWeekMinutes(c) == 0 {
		c.Week[time.Monday] = []servicedesk.Interval{{Start: 9 * 60, End: 17 * 60}}
	}
	for range rng.IntN(30) {
		c.Holidays = append(c.Holidays, base.AddDays(rng.IntN(800)-100))
	}
	for range rng.IntN(4) {
		m := time.Month(1 + rng.IntN(12))
		c.Yearly = append(c.Yearly, servicedesk.MonthDay{Month: m, Day: 1 + rng.IntN(psa.DaysIn(2024, m))})
	}
	if rng.IntN(8) == 0 {
		c.Yearly = append(c.Yearly, servicedesk.MonthDay{Month: time.February, Day: 29})
	}
	return c
}

// calWeekMinutes returns the working minutes of a week without holidays.
func calWeekMinutes(c servicedesk.Calendar) int {
	n := 0
	for _, day := range c.Week {
		for _, iv := range day {
			n += int(iv.End - iv.Start)
		}
	}
	return n
}

// calRandomInstant returns a random instant in the days after base: anywhere, at a clock change, or at the
// edge of working time.
func calRandomInstant(rng *rand.Rand, h *servicedesk.Hours, base time.Time, days int) time.Time {
	x := base.Add(time.Duration(rng.Int64N(int64(days) * int64(24*time.Hour))))
	switch rng.IntN(6) {
	case 0: // whole seconds
		x = x.Truncate(time.Second)
	case 1: // at or next to a clock change
		_, end := x.In(h.Location()).ZoneBounds()
		if !end.IsZero() {
			x = end.Add(time.Duration(rng.IntN(3)-1) * time.Duration(rng.Int64N(int64(2*time.Hour))))
		}
	case 2: // at or next to an opening
		x = h.NextOpen(x).Add(time.Duration(rng.IntN(3) - 1))
	case 3: // at or next to a closing
		x = h.AddBusiness(x, time.Duration(1+rng.IntN(5))*time.Hour).Add(time.Duration(rng.IntN(3) - 1))
	}
	return x
}

// calRandomDuration returns a random target up to about 30 business days of the calendar.
func calRandomDuration(rng *rand.Rand, weekMinutes int) time.Duration {
	limit := int64(weekMinutes) * int64(time.Minute) * 6
	switch rng.IntN(4) {
	case 0:
		return time.Duration(rng.Int64N(int64(10 * time.Second)))
	case 1:
		return time.Duration(rng.Int64N(limit/int64(time.Minute)+1)) * time.Minute
	}
	return time.Duration(rng.Int64N(limit + 1))
}

func TestHoursProperties(t *testing.T) {
	const cases = 20000
	rng := rand.New(rand.NewPCG(2026, 3))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var h *servicedesk.Hours
	var c servicedesk.Calendar
	for i := range cases {
		if i%20 == 0 { // a new calendar every 20 cases
			c = calRandomCalendar(rng, calZones[rng.IntN(len(calZones))], psa.DateOf(base))
			h = calCompile(t, c)
		}
		at := calRandomInstant(rng, h, base, 900)
		d1 := calRandomDuration(rng, calWeekMinutes(c))
		d2 := d1 + calRandomDuration(rng, calWeekMinutes(c))/4
		fail := func(format string, args ...any) {
			t.Helper()
			b, _ := json.Marshal(c)
			t.Fatalf("case %d: calendar %s\nat %s (%s), d1 %v, d2 %v:\n"+format,
				append([]any{i, b, at.UTC().Format(time.RFC3339Nano), at.In(h.Location()).Format(time.RFC3339Nano), d1, d2}, args...)...)
		}
		r1, ok1 := h.TryAddBusiness(at, d1)
		r2, ok2 := h.TryAddBusiness(at, d2)
		if !ok1 || !ok2 {
			fail("unreachable")
		}
		if r1.Before(at) {
			fail("deadline %v before the start", r1)
		}
		if got := h.BusinessTime(at, r1); got != d1 {
			fail("BusinessTime(t, AddBusiness(t, d)) = %v, want %v (deadline %v)", got, d1, r1)
		}
		if d1 > 0 {
			if got := h.BusinessTime(at, r1.Add(-1)); got >= d1 {
				fail("not the earliest: BusinessTime(t, deadline-1ns) = %v (deadline %v)", got, r1)
			}
			if !h.IsOpen(r1.Add(-1)) {
				fail("deadline %v does not end business time", r1)
			}
		}
		if r2.Before(r1) {
			fail("not monotonic: %v for %v, %v for %v", r1, d1, r2, d2)
		}
		// Additivity at a point between, and at a point anywhere.
		mid := at.Add(time.Duration(rng.Int64N(int64(r2.Sub(at)) + 1)))
		for _, b := range []time.Time{mid, calRandomInstant(rng, h, base, 900)} {
			lo, hi := at, r2
			if b.Before(lo) {
				lo, b = b, lo
			}
			if hi.Before(b) {
				hi, b = b, hi
			}
			if a, z, all := h.BusinessTime(lo, b), h.BusinessTime(b, hi), h.BusinessTime(lo, hi); a+z != all {
				fail("not additive at %v: %v + %v != %v", b, a, z, all)
			}
		}
		// NextOpen is where a clock started at t starts counting.
		next := h.NextOpen(at)
		if h.IsOpen(at) != next.Equal(at) || !h.IsOpen(next) || h.BusinessTime(at, next) != 0 {
			fail("NextOpen %v (open at t: %v)", next, h.IsOpen(at))
		}
		if first := h.AddBusiness(at, 1); !first.Add(-1).Equal(next) {
			fail("AddBusiness(t, 1ns) = %v, NextOpen(t) = %v", first, next)
		}
	}
}

// calRef is a reference model: the business time of a calendar computed naively, day by day
// with time.Date, as the Hours documentation defines it.
type calRef struct {
	c     servicedesk.Calendar
	loc   *time.Location
	spans [][2]time.Time // merged, sorted
}

// calNewRef builds the working spans of c on the days around [from, to].
func calNewRef(t testing.TB, c servicedesk.Calendar, from, to time.Time) calRef {
	r := calRef{c: c, loc: calLoc(t, c.TimeZone)}
	first, last := psa.DateOf(from.In(r.loc)).AddDays(-2), psa.DateOf(to.In(r.loc)).AddDays(2)
	var spans [][2]time.Time
	for d := first; !d.After(last); d = d.AddDays(1) {
		if r.holiday(d) {
			continue
		}
		y, m, day := d.Date()
		m0, m1 := time.Date(y, m, day, 0, 0, 0, 0, r.loc), time.Date(y, m, day+1, 0, 0, 0, 0, r.loc)
		for _, iv := range c.Week[d.Weekday()] {
			s := time.Date(y, m, day, 0, int(iv.Start), 0, 0, r.loc)
			e := time.Date(y, m, day, 0, int(iv.End), 0, 0, r.loc)
			if s.Before(m0) {
				s = m0
			}
			if e.After(m1) {
				e = m1
			}
			if s.Before(e) {
				spans = append(spans, [2]time.Time{s, e})
			}
		}
	}
	slices.SortFunc(spans, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	for _, s := range spans {
		if n := len(r.spans); n > 0 && !s[0].After(r.spans[n-1][1]) {
			if s[1].After(r.spans[n-1][1]) {
				r.spans[n-1][1] = s[1]
			}
			continue
		}
		r.spans = append(r.spans, s)
	}
	return r
}

func (r calRef) holiday(d psa.Date) bool {
	if slices.Contains(r.c.Holidays, d) {
		return true
	}
	_, m, day := d.Date()
	return slices.Contains(r.c.Yearly, servicedesk.MonthDay{Month: m, Day: day})
}

func (r calRef) businessTime(from, to time.Time) time.Duration {
	var sum time.Duration
	for _, s := range r.spans {
		lo, hi := s[0], s[1]
		if lo.Before(from) {
			lo = from
		}
		if hi.After(to) {
			hi = to
		}
		if lo.Before(hi) {
			sum += hi.Sub(lo)
		}
	}
	return sum
}

func (r calRef) isOpen(x time.Time) bool {
	for _, s := range r.spans {
		if !x.Before(s[0]) && x.Before(s[1]) {
			return true
		}
	}
	return false
}

func TestHoursMatchReference(t *testing.T) {
	const cases = 3000
	rng := rand.New(rand.NewPCG(7, 11))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range cases {
		zone := calZones[rng.IntN(len(calZones))]
		b := base
		if i%5 == 0 {
			hz := calHistoric[rng.IntN(len(calHistoric))]
			zone, b = hz.zone, hz.base
		}
		c := calRandomCalendar(rng, zone, psa.DateOf(b))
		h := calCompile(t, c)
		from := calRandomInstant(rng, h, b, 120)
		to := from.Add(time.Duration(rng.Int64N(int64(45 * 24 * time.Hour))))
		ref := calNewRef(t, c, from, to)
		fail := func(format string, args ...any) {
			t.Helper()
			js, _ := json.Marshal(c)
			t.Fatalf("case %d: calendar %s\nfrom %s to %s:\n"+format,
				append([]any{i, js, from.In(ref.loc).Format(time.RFC3339Nano), to.In(ref.loc).Format(time.RFC3339Nano)}, args...)...)
		}
		if got, want := h.BusinessTime(from, to), ref.businessTime(from, to); got != want {
			fail("BusinessTime = %v, reference %v", got, want)
		}
		for _, x := range []time.Time{from, to, from.Add(to.Sub(from) / 2)} {
			if got, want := h.IsOpen(x), ref.isOpen(x); got != want {
				fail("IsOpen(%s) = %v, reference %v", x.In(ref.loc).Format(time.RFC3339Nano), got, want)
			}
		}
		// Every span edge: open exactly from its start, closed from its end (unless another starts).
		for _, s := range ref.spans {
			if s[0].Before(from) || s[1].After(to) {
				continue
			}
			if !h.IsOpen(s[0]) || !h.IsOpen(s[1].Add(-1)) || h.IsOpen(s[1]) || h.IsOpen(s[0].Add(-1)) {
				fail("span %v..%v edges", s[0].In(ref.loc), s[1].In(ref.loc))
			}
		}
		if d := ref.businessTime(from, to); d > 0 {
			if got := h.AddBusiness(from, d); ref.businessTime(from, got) != d || ref.businessTime(from, got.Add(-1)) >= d {
				fail("AddBusiness(from, %v) = %v", d, got.In(ref.loc))
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

// calBenchHours is Mon-Fri 08:00-18:00 in New York with a year of holidays.
func calBenchHours(b *testing.B) *servicedesk.Hours {
	c := servicedesk.Calendar{Name: "Office", TimeZone: "America/New_York", Week: calDays(b, calWeekdays, "08:00-18:00")}
	for _, s := range []string{"2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19", "2026-07-03",
		"2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-11-27", "2026-12-24"} {
		c.Holidays = append(c.Holidays, calDate(b, s))
	}
	c.Yearly = []servicedesk.MonthDay{{Month: time.January, Day: 1}, {Month: time.July, Day: 4}, {Month: time.December, Day: 25}, {Month: time.December, Day: 31}}
	return calCompile(b, c)
}

var calSink time.Time

func BenchmarkAddBusiness(b *testing.B) {
	h := calBenchHours(b)
	ny := calLoc(b, "America/New_York")
	for _, bc := range []struct {
		name string
		from time.Time
		d    time.Duration
	}{
		{"8h", calAt(b, ny, "2026-05-20 10:00"), 8 * time.Hour},
		{"10days", calAt(b, ny, "2026-05-20 10:00"), 100 * time.Hour},
		{"10days-across-DST", calAt(b, ny, "2026-10-26 10:00"), 100 * time.Hour},
		{"250days", calAt(b, ny, "2026-01-05 10:00"), 2500 * time.Hour},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				calSink = h.AddBusiness(bc.from, bc.d)
			}
		})
	}
}

var calDurationSink time.Duration

func BenchmarkBusinessTime(b *testing.B) {
	h := calBenchHours(b)
	ny := calLoc(b, "America/New_York")
	for _, bc := range []struct {
		name     string
		from, to time.Time
	}{
		{"month", calAt(b, ny, "2026-05-04 10:00"), calAt(b, ny, "2026-06-04 10:00")},
		{"year", calAt(b, ny, "2026-01-05 10:00"), calAt(b, ny, "2027-01-05 10:00")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				calDurationSink = h.BusinessTime(bc.from, bc.to)
			}
		})
	}
}

// TestHoursMatchReferenceLongSpansDenseHolidays checks the week skipping over one-off holidays
// against the reference: random calendars with up to 200 one-off holidays (some weeks with
// several, some on closed days, duplicates), spans of up to 400 days, and AddBusiness targets
// up to the business time of such a span.
func TestHoursMatchReferenceLongSpansDenseHolidays(t *testing.T) {
	cases := 600
	if testing.Short() {
		cases = 100
	}
	rng := rand.New(rand.NewPCG(2026, 12))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range cases {
		zone := calZones[rng.IntN(len(calZones))]
		c := calRandomCalendar(rng, zone, psa.DateOf(base))
		for range rng.IntN(200) {
			c.Holidays = append(c.Holidays, psa.DateOf(base).AddDays(rng.IntN(500)))
		}
		h := calCompile(t, c)
		from := calRandomInstant(rng, h, base, 60)
		to := from.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
		ref := calNewRef(t, c, from, to)
		want := ref.businessTime(from, to)
		if got := h.BusinessTime(from, to); got != want {
			js, _ := json.Marshal(c)
			t.Fatalf("case %d: calendar %s\nBusinessTime(%s, %s) = %v, reference %v", i, js, from, to, got, want)
		}
		if want > 0 {
			d := time.Duration(rng.Int64N(int64(want))) + 1
			if got := h.AddBusiness(from, d); ref.businessTime(from, got) != d || ref.businessTime(from, got.Add(-1)) >= d {
				js, _ := json.Marshal(c)
				t.Fatalf("case %d: calendar %s\nAddBusiness(%s, %v) = %v", i, js, from, d, got)
			}
		}
	}
}
