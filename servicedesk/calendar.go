package servicedesk

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/psakit/psa"
)

// ClockTime is a wall-clock time of day in minutes after midnight, 0 to 1440 (1440 = 24:00, the
// end of the day). In text and JSON it is "HH:MM": "08:30", "24:00".
type ClockTime int

// endOfDay is 24:00, the end of a day.
const endOfDay ClockTime = 24 * 60

// ParseClockTime parses a time of day in the strict form "HH:MM", from "00:00" to "24:00"
// ("24:00" is the end of the day, the end of an interval that runs to midnight). Anything else
// (a missing zero, seconds, white space, "24:30") is rejected with a *psa.ValidationError for
// object "clock time", field "time" and value s, which unwraps to psa.ErrInvalid.
func ParseClockTime(s string) (ClockTime, error) {
	if len(s) == 5 && s[2] == ':' {
		h, ok1 := twoDigits(s[0:2])
		m, ok2 := twoDigits(s[3:5])
		if ok1 && ok2 && m < 60 && (h < 24 || h == 24 && m == 0) {
			return ClockTime(h*60 + m), nil
		}
	}
	return 0, psa.Invalid("clock time", "time", s, `is not a time of day from "00:00" to "24:00" in the form HH:MM`)
}

// twoDigits returns the value of the two ASCII digits s.
func twoDigits(s string) (int, bool) {
	a, b := s[0]-'0', s[1]-'0'
	if a > 9 || b > 9 {
		return 0, false
	}
	return int(a)*10 + int(b), true
}

// String returns c as "HH:MM": "08:30", "24:00". A value outside 0..1440, which no calendar
// accepts, is shown the same way ("25:00", "-00:05") so that error messages can quote it.
func (c ClockTime) String() string {
	n := int(c)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	h, m := n/60, n%60
	hh := strconv.Itoa(h)
	if h < 10 {
		hh = "0" + hh
	}
	return sign + hh + ":" + string([]byte{byte('0' + m/10), byte('0' + m%10)})
}

// valid reports whether c is within 00:00 to 24:00.
func (c ClockTime) valid() bool { return c >= 0 && c <= endOfDay }

// MarshalText implements encoding.TextMarshaler: "HH:MM". A value outside 00:00 to 24:00 is an
// error (a *psa.ValidationError).
func (c ClockTime) MarshalText() ([]byte, error) {
	if !c.valid() {
		return nil, psa.Invalid("clock time", "time", c.String(), "is outside 00:00 to 24:00")
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseClockTime. On error c is left
// unchanged.
func (c *ClockTime) UnmarshalText(text []byte) error {
	v, err := ParseClockTime(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Interval is a working interval of one weekday, [Start, End) in wall-clock time: 09:00-17:00
// is open at 09:00 and at 16:59:59, closed at 17:00. End may be 24:00; an interval ending at
// 24:00 and one starting at 00:00 the next day make one stretch of working time across midnight.
type Interval struct {
	Start ClockTime `json:"start"`
	End   ClockTime `json:"end"`
}

// String returns the interval as "09:00-17:00".
func (iv Interval) String() string { return iv.Start.String() + "-" + iv.End.String() }

// MonthDay is a yearly date ("every Dec 25"). February 29 is a holiday only in leap years; it
// does not move to February 28 or March 1.
type MonthDay struct {
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
}

// String returns the month and day as "12-25".
func (md MonthDay) String() string { return fmt.Sprintf("%02d-%02d", int(md.Month), md.Day) }

// Calendar is a business-hours calendar as stored: an IANA time zone, working intervals per
// weekday, one-off and yearly holidays. Compile it to compute with it.
//
// Holidays are the dates listed, as whole days in the calendar's zone: there is no work at all
// on a holiday. A holiday that falls on a weekend does not move; when the MSP observes it on the
// Monday (or Friday), that date must be listed too.
type Calendar struct {
	// ID identifies the calendar; Name is what staff see ("Office hours", "24x7").
	ID   psa.CalendarID `json:"id"`
	Name string         `json:"name"`
	// TimeZone is the IANA name of the calendar's zone, for example "America/New_York". Working
	// intervals and holidays are wall-clock times and dates in this zone.
	TimeZone string `json:"timeZone"`
	// Week holds the working intervals of each weekday, indexed by time.Weekday (Week[0] is
	// Sunday). A day may have several intervals (a lunch break), sorted and not overlapping; a
	// day without intervals is not worked.
	Week [7][]Interval `json:"week"`
	// Holidays are one-off holidays: no work at all on these dates.
	Holidays []psa.Date `json:"holidays,omitempty"`
	// Yearly are holidays every year on the same month and day.
	Yearly []MonthDay `json:"yearly,omitempty"`
	// AlwaysOpen makes the calendar 24x7: every instant is business time, and Week, Holidays
	// and Yearly are ignored.
	AlwaysOpen bool `json:"alwaysOpen,omitempty"`
	// Version is the stored version: an update naming a stale one fails with psa.ErrConflict.
	Version int64 `json:"version"`
}

// AlwaysOpen returns a 24x7 calendar named "24x7" in zone tz (an IANA name): every instant is
// business time. It is valid when tz is a loadable zone.
func AlwaysOpen(tz string) Calendar {
	return Calendar{Name: "24x7", TimeZone: tz, AlwaysOpen: true}
}

// Validate reports every broken rule of c in one *psa.ValidationError (object "calendar",
// unwrapping to psa.ErrInvalid):
//
//   - "name" is required;
//   - "timeZone" must be an IANA zone name that time.LoadLocation loads (not empty, not "Local");
//   - each interval ("week.monday[1]": weekday, then position in the day) must lie within 00:00
//     to 24:00 and start before it ends, and a day's intervals must be sorted and must not
//     overlap (one may start where the previous one ends);
//   - "week": a calendar that is not AlwaysOpen must have at least one working interval;
//   - "holidays[i]" must not be the zero date;
//   - "yearly[i].month" must be 1 to 12 and "yearly[i].day" a day of that month (February 29
//     is allowed).
//
// Intervals and holidays are checked even when AlwaysOpen is set, though they are ignored then.
func (c Calendar) Validate() error {
	_, err := c.validate()
	return err
}

// validate is Validate; it also returns the loaded location when the calendar is valid.
func (c Calendar) validate() (*time.Location, error) {
	var v psa.Validator
	v.Require("name", c.Name)
	var loc *time.Location
	switch tz := c.TimeZone; {
	case strings.TrimSpace(tz) == "":
		v.Add("timeZone", tz, "is required (an IANA zone name such as America/New_York)")
	case tz == "Local":
		v.Add("timeZone", tz, "must be an IANA zone name, not the host's local zone")
	default:
		l, err := time.LoadLocation(tz)
		if err != nil {
			v.Add("timeZone", tz, "is not a known IANA time zone")
		}
		loc = l
	}
	intervals := 0
	for wd, day := range c.Week {
		intervals += len(day)
		var prev Interval
		havePrev := false
		for j, iv := range day {
			field := fmt.Sprintf("week.%s[%d]", strings.ToLower(time.Weekday(wd).String()), j)
			switch {
			case !iv.Start.valid() || !iv.End.valid():
				v.Add(field, iv.String(), "must lie within 00:00 to 24:00")
			case iv.Start >= iv.End:
				v.Add(field, iv.String(), "must start before it ends")
			case havePrev && iv.Start < prev.End:
				v.Add(field, iv.String(), "must start at or after the end of the previous interval "+prev.String()+
					" (a day's intervals are sorted and do not overlap)")
			default:
				prev, havePrev = iv, true
			}
		}
	}
	if !c.AlwaysOpen && intervals == 0 {
		v.Add("week", "", "has no working interval (a calendar without working time never opens; set AlwaysOpen for 24x7)")
	}
	for i, d := range c.Holidays {
		if d.IsZero() {
			v.Add(fmt.Sprintf("holidays[%d]", i), "", "is the zero date, not a day")
		}
	}
	for i, md := range c.Yearly {
		field := fmt.Sprintf("yearly[%d]", i)
		switch {
		case md.Month < time.January || md.Month > time.December:
			v.Add(field+".month", strconv.Itoa(int(md.Month)), "must be from 1 to 12")
		case md.Day < 1 || md.Day > psa.DaysIn(2024, md.Month): // 2024: a leap year, so Feb 29 is allowed
			v.Add(field+".day", strconv.Itoa(md.Day), fmt.Sprintf("is not a day of %s (1 to %d)", md.Month, psa.DaysIn(2024, md.Month)))
		}
	}
	if err := v.Err("calendar"); err != nil {
		return nil, err
	}
	return loc, nil
}

// Compile validates c (see Validate) and returns its compiled form, loading the time zone once.
func (c Calendar) Compile() (*Hours, error) {
	loc, err := c.validate()
	if err != nil {
		return nil, err
	}
	h := &Hours{loc: loc, always: c.AlwaysOpen}
	if c.AlwaysOpen {
		return h, nil
	}
	for wd, day := range c.Week {
		// Intervals that touch (09:00-12:00, 12:00-13:00) stay apart: on a day with a clock change
		// time.Date resolves each one's ends on their own.
		spans := make([]clockSpan, len(day))
		for i, iv := range day {
			spans[i] = clockSpan{int64(iv.Start) * secondsPerMinute, int64(iv.End) * secondsPerMinute}
			h.weekSec += spans[i].end - spans[i].start
		}
		h.week[wd] = spans
	}
	h.holidays = slices.Clone(c.Holidays)
	slices.SortFunc(h.holidays, psa.Date.Compare)
	h.holidays = slices.Compact(h.holidays)
	h.holidaySec = make([]int64, len(h.holidays)+1)
	for i, d := range h.holidays {
		var sec int64
		for _, c := range h.week[d.Weekday()] {
			sec += c.end - c.start
		}
		h.holidaySec[i+1] = h.holidaySec[i] + sec
	}
	for _, md := range c.Yearly {
		h.yearly[md.Month] |= 1 << md.Day
	}
	for m := time.January; m <= time.December; m++ {
		for d := 1; d <= 31; d++ {
			if h.yearly[m]&(1<<d) != 0 {
				h.yearlyDays = append(h.yearlyDays, MonthDay{m, d})
			}
		}
	}
	return h, nil
}

// Hours is a compiled business-hours calendar: what the SLA math runs on. It is immutable and
// safe for concurrent use. Get one from Calendar.Compile. The zero Hours (and a nil *Hours) is
// open around the clock in UTC, like a compiled AlwaysOpen("UTC").
//
// # Business time
//
// Business time is real elapsed time inside the working intervals, in the calendar's zone. The
// interval [Start, End) of a working day D covers the instants from time.Date(D, Start) to
// time.Date(D, End) in the calendar's location, so its length is the real time between them: a
// 00:00-06:00 interval lasts 5 hours on the night America/New_York springs forward and 7 hours
// on the night it falls back (5.5 and 6.5 hours on Australia/Lord_Howe's 30-minute shifts).
//
// A wall time that does not exist (inside a spring-forward gap) or occurs twice (inside a
// fall-back overlap) is resolved as time.Date resolves it; Go does not promise which of the two
// offsets it uses, and in practice it differs between zones (America/New_York maps 02:30 on its
// spring-forward night to 01:30 EST and 01:30 on its fall-back night to the first, EDT,
// occurrence; Europe/London maps 01:30 to 02:30 BST and to the second, GMT, occurrence). Only
// intervals whose start or end falls inside such a gap or overlap are affected. Each day's
// intervals are then kept within that day, from its midnight to the next as time.Date resolves
// them, which matters only in zones that change their clocks at midnight; midnights never run
// backwards in any zone of the tz database (checked for every zone from 1900 to 2150), so days
// never overlap.
//
// Working time is counted on the days 0001-01-01 to 9999-12-31 in the calendar's zone and
// before 9999-12-31T23:59:59Z, the last second that RFC 3339 (JSON) can encode; the SLA math
// never comes near either end.
type Hours struct {
	loc    *time.Location
	always bool
	// week holds the working intervals of each weekday, in seconds after midnight, sorted, not
	// overlapping (but possibly touching).
	week [7][]clockSpan
	// weekSec is the working time of a week without holidays, in seconds.
	weekSec int64
	// holidays are the one-off holidays, sorted, without duplicates.
	holidays []psa.Date
	// holidaySec[i] is the working time, in seconds, of the weekdays of holidays[:i] (as if
	// they were not holidays): what skipping a stretch of weeks with holidays i to j in it
	// takes off h.weekSec per week is holidaySec[j] - holidaySec[i].
	holidaySec []int64
	// yearly has bit d of yearly[m] set when month m day d is a yearly holiday.
	yearly [13]uint32
	// yearlyDays lists the yearly holidays in calendar order.
	yearlyDays []MonthDay
}

// Location returns the calendar's time zone.
func (h *Hours) Location() *time.Location {
	if h == nil || h.loc == nil {
		return time.UTC
	}
	return h.loc
}

// open24 reports whether h counts every instant: AlwaysOpen, or the zero Hours.
func (h *Hours) open24() bool { return h == nil || h.loc == nil || h.always }

// IsOpen reports whether instant t is business time: inside a working interval of a day that
// is not a holiday. Intervals are half-open, so 09:00-17:00 is open at 09:00 and closed at 17:00
// (unless another interval starts then).
func (h *Hours) IsOpen(t time.Time) bool {
	if h.open24() {
		return true
	}
	ts := t.Unix()
	var w walker
	w.start(h, ts)
	for i := range w.count() {
		if sp := w.at(i); sp.start <= ts && ts < sp.end {
			return true
		}
	}
	return false
}

// IsHoliday reports whether d is a holiday of the calendar: a listed one-off holiday, or a
// yearly holiday's month and day (February 29 only in leap years). A 24x7 calendar has no
// holidays.
func (h *Hours) IsHoliday(d psa.Date) bool {
	if h.open24() {
		return false
	}
	if _, ok := slices.BinarySearchFunc(h.holidays, d, psa.Date.Compare); ok {
		return true
	}
	if len(h.yearlyDays) == 0 || d.IsZero() {
		return false
	}
	_, m, day := d.Date()
	return h.yearly[m]&(1<<day) != 0
}

// BusinessTime returns the real elapsed time inside working intervals between from and to, or
// 0 when to is not after from. It is additive: BusinessTime(a, b) + BusinessTime(b, c) ==
// BusinessTime(a, c) for a <= b <= c. On a 24x7 calendar it is to.Sub(from). A result beyond
// the largest time.Duration (about 292 years) saturates.
//
// It works interval by interval and day by day, and skips whole weeks that have no yearly
// holiday and no clock change in one step (taking off the working time of their one-off
// holidays), so its cost grows with the yearly holidays and clock changes between from and to,
// not with the length of the span or its one-off holidays.
func (h *Hours) BusinessTime(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if h.open24() {
		return to.Sub(from)
	}
	fs, fn := from.Unix(), int64(from.Nanosecond())
	ts, tn := to.Unix(), int64(to.Nanosecond())
	var w walker
	w.start(h, fs)
	var secs, nanos int64
	for {
		for i := range w.count() {
			sp := w.at(i)
			ls, ln := sp.start, int64(0) // the later of the span's start and from
			if ls <= fs {
				ls, ln = fs, fn
			}
			us, un := sp.end, int64(0) // the earlier of the span's end and to
			if us > ts {
				us, un = ts, tn
			}
			if ls < us || ls == us && ln < un {
				secs += us - ls
				nanos += un - ln
			}
		}
		if w.m1 > ts || !w.next() {
			break
		}
		// Whole weeks that end before to.
		if k, s := w.skipWeeks((ts - w.m0) / secondsPerWeek); k > 0 {
			secs += s
		}
	}
	if secs >= math.MaxInt64/int64(time.Second)-1 {
		return math.MaxInt64
	}
	return time.Duration(secs*int64(time.Second) + nanos)
}

// AddBusiness returns the deadline of a target of d business time started at t: the earliest
// instant at which d of business time has elapsed since t, so that BusinessTime(t,
// AddBusiness(t, d)) == d. A deadline may fall exactly at a closing time: on a 09:00-17:00
// calendar, 1 hour from Monday 16:00 is Monday 17:00, not Tuesday 09:00. When t is outside
// business hours (before opening, after closing, on a holiday or a weekend) the clock starts at
// the next opening. For d == 0 and for a negative d it returns t itself; on a 24x7 calendar it
// returns t.Add(d), real elapsed time across clock changes too.
//
// The result is in t's location (time.Time.Add does the same); the SLA math compares instants,
// so the location does not matter to it.
//
// When the target cannot be reached (the calendar has no working time for ten years in a row
// after t, because every day is a holiday, or the deadline would fall after 9999-12-31T23:59:59Z)
// AddBusiness returns that far instant, 9999-12-31T23:59:59Z in UTC (or t when t is later): a
// deadline that never comes. TryAddBusiness reports this case. AddBusiness never loops forever;
// it skips whole weeks without yearly holidays or clock changes, one-off holidays or not, so its
// cost grows with the yearly holidays and clock changes it crosses, not with the target.
func (h *Hours) AddBusiness(t time.Time, d time.Duration) time.Time {
	r, _ := h.TryAddBusiness(t, d)
	return r
}

// TryAddBusiness is AddBusiness, and reports whether the target can be reached; when it cannot
// (see AddBusiness), it returns the far instant 9999-12-31T23:59:59Z (or t when t is later) and
// false.
func (h *Hours) TryAddBusiness(t time.Time, d time.Duration) (time.Time, bool) {
	if d <= 0 {
		return t, true
	}
	if h.open24() {
		return t.Add(d), true
	}
	ts, tn := t.Unix(), int64(t.Nanosecond())
	var w walker
	w.start(h, ts)
	r := int64(d)
	weekNs := h.weekSec * int64(time.Second)
	for idle := 0; idle <= maxIdleDays; idle++ {
		for i := range w.count() {
			sp := w.at(i)
			if sp.end <= ts {
				continue
			}
			ls, ln := sp.start, int64(0)
			if ls <= ts {
				ls, ln = ts, tn
			}
			avail := (sp.end-ls)*int64(time.Second) - ln
			if r <= avail {
				x := ln + r
				return time.Unix(ls+x/int64(time.Second), x%int64(time.Second)).In(t.Location()), true
			}
			r -= avail
			idle = 0
		}
		if !w.next() {
			break
		}
		// Whole weeks, as long as the deadline lies beyond them (they hold at most weekNs each).
		if weekNs > 0 && r > weekNs {
			if k, s := w.skipWeeks((r - 1) / weekNs); k > 0 {
				r -= s * int64(time.Second)
				if s > 0 {
					idle = 0
				} else {
					idle += int(min(7*k, maxIdleDays))
				}
			}
		}
	}
	return farAfter(t), false
}

// NextOpen returns t when it is business time, and otherwise the start of the next working
// interval after t (in t's location). On a 24x7 calendar it returns t. When the calendar has no
// working time for ten years in a row after t (every day a holiday) it returns the far instant
// 9999-12-31T23:59:59Z, or t when t is later.
func (h *Hours) NextOpen(t time.Time) time.Time {
	if h.open24() {
		return t
	}
	ts := t.Unix()
	var w walker
	w.start(h, ts)
	for range maxIdleDays + 1 {
		for i := range w.count() {
			sp := w.at(i)
			switch {
			case sp.end <= ts:
				continue
			case sp.start <= ts:
				return t
			}
			return time.Unix(sp.start, 0).In(t.Location())
		}
		if !w.next() {
			break
		}
	}
	return farAfter(t)
}

const (
	secondsPerMinute = 60
	secondsPerDay    = 24 * 60 * 60
	secondsPerWeek   = 7 * secondsPerDay
	// maxIdleDays bounds a search that finds no working time: ten years.
	maxIdleDays = 3653
	// farSec is 9999-12-31T23:59:59Z in Unix seconds: no working time is counted from then on.
	farSec = 253402300799
	// minSec and maxSec bound the instants the day arithmetic looks at: 0000-12-30T00:00:00Z and
	// 10000-01-02T00:00:00Z, a day outside the range of psa.Date on either side.
	minSec = -62135596800 - 2*secondsPerDay
	maxSec = farSec + 1 + secondsPerDay
)

var (
	// unixEpoch is 1970-01-01, day 0 of Unix time.
	unixEpoch = psa.NewDate(1970, time.January, 1)
	// firstDate and lastDate are the range of psa.Date.
	firstDate = psa.NewDate(1, time.January, 1)
	lastDate  = psa.NewDate(9999, time.December, 31)
	// lastFastDate is the first day computed with time.Date whatever the zone does, so that the
	// working time of the last days can be cut at farSec.
	lastFastDate = psa.NewDate(9999, time.December, 29)
)

// farAfter returns the far instant 9999-12-31T23:59:59Z, or t when t is later. The far instant
// is in UTC, where JSON can encode it (in a zone east of UTC it is in the year 10000).
func farAfter(t time.Time) time.Time {
	if t.Unix() > farSec {
		return t
	}
	return time.Unix(farSec, 0).UTC()
}

// clockSpan is a working interval in seconds after midnight, [start, end).
type clockSpan struct{ start, end int64 }

// span is a stretch of working time in Unix seconds, [start, end).
type span struct{ start, end int64 }

// zone is a period in which a location keeps one UTC offset: [start, end) in Unix seconds
// (math.MinInt64 and math.MaxInt64 when unbounded), offset off seconds east of UTC.
type zone struct{ start, end, off int64 }

// zoneAt returns the zone period of h's location that contains Unix second u.
func (h *Hours) zoneAt(u int64) zone {
	t := time.Unix(u, 0).In(h.loc)
	_, off := t.Zone()
	s, e := t.ZoneBounds()
	z := zone{start: math.MinInt64, end: math.MaxInt64, off: int64(off)}
	if !s.IsZero() {
		z.start = s.Unix()
	}
	if !e.IsZero() {
		z.end = e.Unix()
	}
	return z
}

// linear reports whether time.Date resolves every wall time of the day whose midnight, read as
// if it were UTC, is Unix second n, from 00:00 to 24:00, with z's offset, to n + wall - off.
// time.Date first looks up the offset of the wall time read as UTC and keeps it when the
// resulting instant lies in the same zone period; both lie in z when z covers
// [n + min(0, -off), n + 24h + max(0, -off)]. Such a day is exactly 24 hours long, its intervals
// last as long as they read, and Add gives the same instants as time.Date.
func (z zone) linear(n int64) bool {
	lo, hi := n, n+secondsPerDay
	if z.off > 0 {
		lo -= z.off
	} else {
		hi -= z.off
	}
	return z.start <= lo && hi < z.end
}

// walker walks the working time of a compiled calendar day by day. A day's window [m0, m1)
// runs from its midnight to the next, as time.Date resolves them; its spans are sorted, do not
// overlap (they may touch) and lie inside the window. A walker lives on its caller's stack.
type walker struct {
	h       *Hours
	date    psa.Date
	y, m, d int   // date's year, month and day
	n       int64 // the date's midnight read as UTC, in Unix seconds
	z       zone  // the last zone period looked up
	hol     int   // index in h.holidays of the first one-off holiday on or after date

	// skipFrom is the first day on which skipWeeks may find a week to skip.
	skipFrom psa.Date

	// The next yearly holiday on or after date, once looked up (nextYOK): nextY, or, when nextY is
	// the zero date, none before nextYEnd.
	nextY, nextYEnd psa.Date
	nextYOK         bool

	m0, m1 int64       // the day's window
	lin    bool        // the day is linear: its spans are m0 + ivs
	ivs    []clockSpan // the day's working intervals (nil on a holiday)
	small  [6]span     // the spans of a day that is not linear ...
	nsmall int
	large  []span // ... or here when there are more
}

// count returns the number of working spans of the current day.
func (w *walker) count() int {
	switch {
	case w.lin:
		return len(w.ivs)
	case w.large != nil:
		return len(w.large)
	}
	return w.nsmall
}

// at returns the current day's working span i.
func (w *walker) at(i int) span {
	switch {
	case w.lin:
		c := w.ivs[i]
		return span{w.m0 + c.start, w.m0 + c.end}
	case w.large != nil:
		return w.large[i]
	}
	return w.small[i]
}

// start places the walker on the day whose window holds Unix second ts.
func (w *walker) start(h *Hours, ts int64) {
	w.h = h
	ts = min(max(ts, minSec), maxSec)
	w.z = h.zoneAt(ts)
	days := floorDiv(ts+w.z.off, secondsPerDay)
	w.setDate(unixEpoch.AddDays(int(days)))
	// time.Date may resolve a midnight on either side of ts when the clocks change around it.
	for i := 0; i < 3 && ts < w.m0 && w.date != firstDate; i++ {
		w.setDate(w.date.AddDays(-1))
	}
	for i := 0; i < 3 && ts >= w.m1; i++ {
		if !w.next() {
			break
		}
	}
}

// setDate moves the walker to day d.
func (w *walker) setDate(d psa.Date) {
	w.date = d
	w.setCivil()
	w.hol, _ = slices.BinarySearchFunc(w.h.holidays, d, psa.Date.Compare)
	w.nextYOK = false
	w.load()
}

// next moves the walker to the next day; it reports false after 9999-12-31.
func (w *walker) next() bool {
	if w.date == lastDate {
		return false
	}
	w.date = w.date.AddDays(1)
	if w.d++; w.d > 28 && w.d > psa.DaysIn(w.y, time.Month(w.m)) {
		w.d, w.m = 1, w.m+1
		if w.m > 12 {
			w.m, w.y = 1, w.y+1
		}
	}
	hs := w.h.holidays
	for w.hol < len(hs) && hs[w.hol].Before(w.date) {
		w.hol++
	}
	w.load()
	return true
}

// holiday reports whether the current day is a holiday.
func (w *walker) holiday() bool {
	h := w.h
	if w.hol < len(h.holidays) && h.holidays[w.hol] == w.date {
		return true
	}
	return h.yearly[w.m]&(1<<w.d) != 0
}

// setCivil sets y, m and d from date.
func (w *walker) setCivil() {
	y, m, d := w.date.Date()
	w.y, w.m, w.d = y, int(m), d
}

// load computes the current day's window and working spans.
func (w *walker) load() {
	h, d := w.h, w.date
	w.n = int64(psa.DaysBetween(unixEpoch, d)) * secondsPerDay
	if !w.z.linear(w.n) {
		w.z = h.zoneAt(w.n)
	}
	work := h.week[d.Weekday()]
	if w.holiday() {
		work = nil
	}
	if w.z.linear(w.n) && d.Before(lastFastDate) {
		w.lin, w.ivs = true, work
		w.m0 = w.n - w.z.off
		w.m1 = w.m0 + secondsPerDay
		return
	}
	// A day with a clock change (or at the end of the range): ask time.Date.
	w.lin, w.ivs, w.large = false, nil, nil
	at := func(sec int64) int64 { return time.Date(w.y, time.Month(w.m), w.d, 0, 0, int(sec), 0, h.loc).Unix() }
	w.m0, w.m1 = at(0), at(secondsPerDay)
	var buf [8]span
	spans := buf[:0]
	for _, c := range work {
		s := max(at(c.start), w.m0)
		e := min(at(c.end), w.m1, farSec)
		if s < e {
			spans = append(spans, span{s, e})
		}
	}
	// Resolved wall times may come out of order or overlap (see Hours): merge them.
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	if len(merged) <= len(w.small) {
		w.nsmall = copy(w.small[:], merged)
		return
	}
	w.large = slices.Clone(merged)
}

// skipWeeks moves the walker, which stands at the start of its current day, over up to limit
// whole weeks in which nothing irregular happens: no yearly holiday, one UTC offset throughout,
// far from the end of the range. One-off holidays may lie in them: each week skipped holds
// h.weekSec of working time less that of its one-off holidays' weekdays, found by binary search
// and the prefix sums of Compile, so that the cost does not grow with the holidays skipped. It
// returns the number of weeks skipped and their working time in seconds.
func (w *walker) skipWeeks(limit int64) (weeks, secs int64) {
	h := w.h
	if limit <= 0 || !w.lin || w.date.Before(w.skipFrom) {
		return 0, 0
	}
	days := min(limit, math.MaxInt32/7) * 7
	if len(h.yearlyDays) > 0 {
		stale := !w.nextYOK ||
			!w.nextY.IsZero() && w.nextY.Before(w.date) ||
			w.nextY.IsZero() && !w.date.Before(w.nextYEnd)
		if stale {
			w.nextY, w.nextYEnd = h.nextYearly(w.date)
			w.nextYOK = true
		}
		if !w.nextY.IsZero() {
			days = min(days, int64(psa.DaysBetween(w.date, w.nextY)))
		} else {
			days = min(days, int64(psa.DaysBetween(w.date, w.nextYEnd)))
		}
	}
	if w.z.end != math.MaxInt64 {
		x := w.z.end - w.n - secondsPerDay - max(0, -w.z.off)
		days = min(days, (x+secondsPerDay-1)/secondsPerDay)
	}
	days = min(days, int64(psa.DaysBetween(w.date, lastFastDate)))
	k := days / 7
	if k <= 0 {
		// Something irregular happens on day date+days (or the limit is too small, and it only
		// shrinks): no week can be skipped before that day has passed.
		w.skipFrom = w.date.AddDays(int(days) + 1)
		return 0, 0
	}
	w.date = w.date.AddDays(int(7 * k))
	w.setCivil()
	from := w.hol
	skipped, _ := slices.BinarySearchFunc(h.holidays[from:], w.date, psa.Date.Compare)
	w.hol = from + skipped // the first one-off holiday on or after the new date
	w.load()
	return k, k*h.weekSec - (h.holidaySec[w.hol] - h.holidaySec[from])
}

// nextYearly returns the first yearly holiday on or after d. When there is none within the
// years it searches (enough for February 29), it returns the zero date and the day after the
// last day it searched.
func (h *Hours) nextYearly(d psa.Date) (next, searchedTo psa.Date) {
	y, m, day := d.Date()
	last := min(y+8, 9999)
	for yy := y; yy <= last; yy++ {
		for _, md := range h.yearlyDays {
			if yy == y && (md.Month < m || md.Month == m && md.Day < day) {
				continue
			}
			if md.Day > psa.DaysIn(yy, md.Month) {
				continue // February 29 in a common year
			}
			return psa.NewDate(yy, md.Month, md.Day), psa.Date{}
		}
	}
	return psa.Date{}, psa.NewDate(last+1, time.January, 1)
}

// floorDiv returns a / b rounded towards minus infinity, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}
