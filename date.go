package psa

import (
	"strconv"
	"time"
)

// Date is a civil calendar day (year, month, day) with no time of day and no time zone, as
// billing uses it: contract start and end dates, invoice dates, period boundaries.
//
// Dates are values: compare them with ==, Compare, Before and After, and use them as map keys.
// The zero Date means "no date" (IsZero); it is not a calendar day. Its Year, Month and Day are 0,
// it prints as "", it sorts before every real date, and AddDays, AddMonths, FirstOfMonth and
// LastOfMonth return it unchanged.
//
// The supported range is 0001-01-01 through 9999-12-31 of the proleptic Gregorian calendar, the
// years that the four-digit ISO form "YYYY-MM-DD" can write, so every Date round-trips through
// String and ParseDate (and MarshalText and UnmarshalText). Constructors and arithmetic whose
// result falls outside the range saturate: they return 0001-01-01 or 9999-12-31. Billing dates
// never come near either end.
//
// A Date is stored as a day number, so comparisons, AddDays and DaysBetween are single integer
// operations, and Year, Month and Day are a few integer operations; nothing allocates.
type Date struct {
	// n is the number of days since 0001-01-01, plus one; 0 is the zero Date.
	n int32
}

// Day-number constants. Internally a day is also counted from 0000-03-01 (the "z" number of
// Howard Hinnant's civil algorithms, where a year starts in March so that the leap day is the last
// day of a year): z = n + dateZOffset.
const (
	// dateZOffset is the z number of 0001-01-01 minus its n (1): 0000-03-01 to 0001-01-01 is 306 days.
	dateZOffset = 305
	// minDayNumber and maxDayNumber are the n of 0001-01-01 and 9999-12-31.
	minDayNumber = 1
	maxDayNumber = 3652059
	// daysPer400Years is the length of a Gregorian cycle of 400 years.
	daysPer400Years = 146097
	// dateYearShift moves any year the slow path handles (>= -1199) into positive years, so that the
	// conversion divides non-negative numbers only. It is a whole number of 400-year cycles.
	dateYearShift = 1200
)

// NewDate returns the date of year, month and day. Out-of-range months and days are normalized
// the way time.Date normalizes them: February 30 is March 2 (or March 1 in a leap year), month 13
// is January of the next year, day 0 is the last day of the previous month. NewDate cannot fail;
// a result outside the supported range saturates (see Date).
func NewDate(year int, month time.Month, day int) Date {
	if month >= time.January && month <= time.December && day >= 1 && day <= 28 && year >= 1 && year <= 9999 {
		return Date{int32(civilToZ(year, int(month), day) - dateZOffset)}
	}
	return normalizedDate(int64(year), int64(month), int64(day))
}

// normalizedDate is NewDate's general case, exact for any arguments: it never overflows.
func normalizedDate(year, month, day int64) Date {
	// Fold the month into the year: m in [1, 12].
	y, m := normalizeYearMonth(year, month)
	// Fold the day into 400-year cycles: d in [1, 146097]. A cycle is exactly 146097 days whatever
	// the month it starts in.
	c, d := dateFloorDivMod(day, daysPer400Years)
	if d == 0 {
		c, d = c-1, daysPer400Years
	}
	y = dateSatAdd(y, dateSatMul400(c))
	// Now the date is at most 400 years after y-m-01, so a y far outside the range decides alone.
	switch {
	case y < -1000:
		return Date{minDayNumber}
	case y > 11000:
		return Date{maxDayNumber}
	}
	z := zFromCivilShifted(y, m) + d - 1
	return dateFromDayNumber(z - dateZOffset)
}

// ClampedDate returns the date of year, month and day, with the month normalized as NewDate does
// (month 13 is January of the next year) and the day clamped to the month: to 1 when it is
// smaller, to DaysIn(year, month) when it is larger. This is the anchor-day rule of billing
// schedules: ClampedDate(2026, time.February, 31) is 2026-02-28, ClampedDate(2024,
// time.February, 31) is 2024-02-29. A result outside the supported range saturates (see Date).
func ClampedDate(year int, month time.Month, day int) Date {
	y, m := normalizeYearMonth(int64(year), int64(month))
	return clampedDate(y, m, int64(day))
}

// clampedDate returns y-m-day with m in [1, 12] and day clamped to the month.
func clampedDate(y, m, day int64) Date {
	switch {
	case y < 1:
		return Date{minDayNumber}
	case y > 9999:
		return Date{maxDayNumber}
	}
	if day < 1 {
		day = 1
	} else if dim := int64(monthLength(int(y), int(m))); day > dim {
		day = dim
	}
	return Date{int32(civilToZ(int(y), int(m), int(day)) - dateZOffset)}
}

// DateOf returns the calendar day of t in t's own location: an instant at 23:30 on January 31 in
// Europe/Berlin is 2026-01-31 there, though it is February 1 in Asia/Tokyo. Convert t with t.In
// first to take the day somewhere else. DateOf(time.Time{}) is 0001-01-01, the day of that
// instant, not the zero Date.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// ParseDate parses s in the strict ISO 8601 form "YYYY-MM-DD": a four-digit year from 0001 to
// 9999, a two-digit month and a two-digit day that exists in that month ("2024-02-29" is a date,
// "2026-02-29" is not). Anything else (other separators, missing zero padding, surrounding
// space, a time of day) is rejected with a *ValidationError for object "date", field "date" and
// value s, which unwraps to ErrInvalid.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, Invalid("date", "date", s, "is not in the form YYYY-MM-DD")
	}
	year, ok1 := dateDigits(s[0:4])
	month, ok2 := dateDigits(s[5:7])
	day, ok3 := dateDigits(s[8:10])
	switch {
	case !ok1 || !ok2 || !ok3:
		return Date{}, Invalid("date", "date", s, "is not in the form YYYY-MM-DD")
	case year < 1:
		return Date{}, Invalid("date", "date", s, "is before year 0001")
	case month < 1 || month > 12:
		return Date{}, Invalid("date", "date", s, "has a month outside 01 to 12")
	case day < 1 || day > monthLength(year, month):
		return Date{}, Invalid("date", "date", s,
			"is not a day of "+time.Month(month).String()+" "+strconv.Itoa(year)+
				" (01 to "+strconv.Itoa(monthLength(year, month))+")")
	}
	return Date{int32(civilToZ(year, month, day) - dateZOffset)}, nil
}

// dateDigits returns the value of s when it is made of ASCII digits only.
func dateDigits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + int(c)
	}
	return v, true
}

// DaysIn returns the number of days of month in year: 28 to 31, February having 29 days in
// Gregorian leap years (divisible by 4, except centuries not divisible by 400). A month outside
// January..December is normalized as NewDate does (month 13 is January of the next year).
func DaysIn(year int, month time.Month) int {
	if month < time.January || month > time.December {
		y, m := normalizeYearMonth(int64(year), int64(month))
		return monthLength(int(y), int(m))
	}
	return monthLength(year, int(month))
}

// monthLength returns the length of month m (1..12) of year y.
func monthLength(y, m int) int {
	if m == 2 {
		if isLeapYear(y) {
			return 29
		}
		return 28
	}
	// 31 for Jan, Mar, May, Jul, Aug, Oct, Dec; 30 for Apr, Jun, Sep, Nov.
	return 30 + (m+m>>3)&1
}

// isLeapYear reports whether y is a Gregorian leap year.
func isLeapYear(y int) bool {
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

// DaysBetween returns the number of days from from to to: positive when to is after from,
// negative when it is before, 0 when they are equal. DaysBetween(d, d.AddDays(n)) is n within the
// supported range. It returns 0 when either date is the zero Date, which has no day number.
func DaysBetween(from, to Date) int {
	if from.n == 0 || to.n == 0 {
		return 0
	}
	return int(to.n) - int(from.n)
}

// Year returns the year of d, 1 to 9999 (0 for the zero Date).
func (d Date) Year() int {
	y, _, _ := d.civil()
	return y
}

// Date returns the year, month and day of d in one conversion (zeros for the zero Date), like
// time.Time's Date method; prefer it to calling Year, Month and Day one after another.
func (d Date) Date() (year int, month time.Month, day int) {
	y, m, day := d.civil()
	return y, time.Month(m), day
}

// Month returns the month of d (0 for the zero Date).
func (d Date) Month() time.Month {
	_, m, _ := d.civil()
	return time.Month(m)
}

// Day returns the day of the month of d, 1 to 31 (0 for the zero Date).
func (d Date) Day() int {
	_, _, day := d.civil()
	return day
}

// Weekday returns the day of the week of d. It is meaningless for the zero Date (which gives
// time.Sunday).
func (d Date) Weekday() time.Weekday {
	// 0001-01-01 (n = 1) was a Monday.
	return time.Weekday(uint32(d.n) % 7)
}

// IsZero reports whether d is the zero Date, which means "no date".
func (d Date) IsZero() bool { return d.n == 0 }

// String returns d in the ISO 8601 form "YYYY-MM-DD", for example "2026-01-31". The zero Date
// gives "".
func (d Date) String() string {
	if d.n == 0 {
		return ""
	}
	var buf [10]byte
	return string(d.appendISO(buf[:0]))
}

// appendISO appends "YYYY-MM-DD" to b; d is not zero.
func (d Date) appendISO(b []byte) []byte {
	y, m, day := d.civil()
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+day/10), byte('0'+day%10))
}

// MarshalText implements encoding.TextMarshaler: d in the form "YYYY-MM-DD", or empty text for
// the zero Date. In JSON a Date is a string: "2026-01-31", or "" for the zero Date (a field
// tagged `json:",omitzero"` omits it instead).
func (d Date) MarshalText() ([]byte, error) {
	if d.n == 0 {
		return []byte{}, nil
	}
	return d.appendISO(make([]byte, 0, 10)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler: it parses text with ParseDate, and sets the
// zero Date for empty text. On error d is left unchanged and the *ValidationError of ParseDate is
// returned.
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// AddDays returns the date n days after d (before d when n is negative). The zero Date stays
// zero; a result outside the supported range saturates (see Date).
func (d Date) AddDays(n int) Date {
	if d.n == 0 {
		return d
	}
	if n >= -maxDayNumber && n <= maxDayNumber {
		return dateFromDayNumber(int64(d.n) + int64(n))
	}
	if n < 0 {
		return Date{minDayNumber}
	}
	return Date{maxDayNumber}
}

// AddMonths returns the same day of the month as d, n months later (earlier when n is negative),
// clamped to the last day of the target month: 2026-01-31 plus 1 month is 2026-02-28,
// 2024-01-31 plus 1 is 2024-02-29, 2026-03-31 plus 1 is 2026-04-30, 2024-02-29 plus 12 is
// 2025-02-28. The zero Date stays zero; a result outside the supported range saturates (see
// Date).
//
// Because of the clamp, AddMonths does not compose: 2026-01-31 plus 1 month is 2026-02-28, and
// that plus 1 month is 2026-03-28, while 2026-01-31 plus 2 months is 2026-03-31. A billing
// schedule must therefore always step from its anchor, computing boundary k as
// anchor.AddMonths(k) (or AddMonths(3*k) for quarters, AddMonths(12*k) for years), and never from
// the previous, possibly clamped boundary; otherwise an anchor on the 29th, 30th or 31st drifts to
// the 28th after the first February and stays there.
func (d Date) AddMonths(n int) Date {
	if d.n == 0 {
		return d
	}
	y, m, day := d.civil()
	if n >= -120000 && n <= 120000 {
		t := y*12 + (m - 1) + n // months since January of year 0
		if t < 12 {
			return Date{minDayNumber}
		}
		return clampedDate(int64(t/12), int64(t%12+1), int64(day))
	}
	if n < 0 {
		return Date{minDayNumber}
	}
	return Date{maxDayNumber}
}

// Compare returns -1 when d is before e, 0 when they are the same date and +1 when d is after e.
// The zero Date is before every other date.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return +1
	}
	return 0
}

// Equal reports whether d and e are the same date, as d == e does. It exists for packages that
// compare values through an Equal method, such as github.com/google/go-cmp, which cannot look
// into a Date's unexported field.
func (d Date) Equal(e Date) bool { return d == e }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.n > e.n }

// FirstOfMonth returns the first day of d's month. The zero Date stays zero.
func (d Date) FirstOfMonth() Date {
	if d.n == 0 {
		return d
	}
	_, _, day := d.civil()
	return Date{d.n - int32(day) + 1}
}

// LastOfMonth returns the last day of d's month. The zero Date stays zero.
func (d Date) LastOfMonth() Date {
	if d.n == 0 {
		return d
	}
	y, m, day := d.civil()
	return Date{d.n + int32(monthLength(y, m)-day)}
}

// In returns midnight at the start of d in loc, that is time.Date(d.Year(), d.Month(), d.Day(),
// 0, 0, 0, 0, loc), the first instant of the day where the day starts at midnight. (In the rare
// zones where a daylight-saving change skips midnight, time.Date's normalization applies.) A nil
// loc means UTC, where time.Date would panic. The zero Date gives the zero time.Time.
func (d Date) In(loc *time.Location) time.Time {
	if d.n == 0 {
		return time.Time{}
	}
	if loc == nil {
		loc = time.UTC
	}
	y, m, day := d.civil()
	return time.Date(y, time.Month(m), day, 0, 0, 0, 0, loc)
}

// civil returns the year, month (1..12) and day of d, or zeros for the zero Date. It is Howard
// Hinnant's civil_from_days on unsigned 32-bit numbers, whose divisions by constants compile to
// multiplications.
func (d Date) civil() (year, month, day int) {
	if d.n <= 0 {
		return 0, 0, 0
	}
	z := uint32(d.n) + dateZOffset                         // days since 0000-03-01
	era := z / daysPer400Years                             // 400-year cycle
	doe := z - era*daysPer400Years                         // day of the cycle [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of the cycle [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // day of the March-based year [0, 365]
	mp := (5*doy + 2) / 153                                // March-based month [0, 11]
	day = int(doy - (153*mp+2)/5 + 1)
	y := int(yoe + era*400)
	if mp < 10 {
		month = int(mp) + 3
	} else {
		month = int(mp) - 9
		y++
	}
	return y, month, day
}

// civilToZ returns the z number (days since 0000-03-01) of y-m-d for y >= 1, m in [1, 12], d in
// [1, 31]: Hinnant's days_from_civil on unsigned numbers.
func civilToZ(y, m, d int) int {
	yy, mm := uint32(y), uint32(m)
	if mm <= 2 {
		yy--
		mm += 9
	} else {
		mm -= 3
	}
	era := yy / 400
	yoe := yy - era*400
	doy := (153*mm+2)/5 + uint32(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int(era*daysPer400Years + doe)
}

// zFromCivilShifted returns the z number of y-m-01 for any y in [-1000, 11000] and m in [1, 12]
// (negative before 0000-03-01), by converting a year shifted by whole 400-year cycles.
func zFromCivilShifted(y, m int64) int64 {
	return int64(civilToZ(int(y+dateYearShift), int(m), 1)) - dateYearShift/400*daysPer400Years
}

// dateFromDayNumber returns the Date of day number n, clamped to the supported range.
func dateFromDayNumber(n int64) Date {
	switch {
	case n < minDayNumber:
		return Date{minDayNumber}
	case n > maxDayNumber:
		return Date{maxDayNumber}
	}
	return Date{int32(n)}
}

// normalizeYearMonth folds a month outside 1..12 into the year, as time.Date does.
func normalizeYearMonth(year, month int64) (y, m int64) {
	q, r := dateFloorDivMod(month, 12) // not month-1, which overflows for math.MinInt64
	if r == 0 {
		q, r = q-1, 12
	}
	return dateSatAdd(year, q), r
}

// dateFloorDivMod returns the floored quotient and the non-negative remainder of a / b, for b > 0.
func dateFloorDivMod(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

// dateSatAdd returns a + b, saturated at the int64 limits instead of overflowing.
func dateSatAdd(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return 1<<63 - 1
	case a < 0 && b < 0 && s >= 0:
		return -1 << 63
	}
	return s
}

// dateSatMul400 returns 400*c, saturated at the int64 limits instead of overflowing.
func dateSatMul400(c int64) int64 {
	const limit = (1<<63 - 1) / 400
	switch {
	case c > limit:
		return 1<<63 - 1
	case c < -limit:
		return -1 << 63
	}
	return 400 * c
}

// Period is a half-open range of days [Start, End): Start is the first day of the period and End
// the day after its last day, so the periods of a schedule meet without overlapping (January is
// [2026-01-01, 2026-02-01), February starts at its End) and the number of days is End minus
// Start. Contract end dates, which are the last day of service, become periods with
// PeriodThrough. A Period with Start on or after End, or with a zero date, is empty; Period{} is
// the canonical empty period.
type Period struct {
	// Start is the first day of the period.
	Start Date
	// End is the day after the last day of the period.
	End Date
}

// NewPeriod returns the period [start, end). It returns a *ValidationError (unwrapping to
// ErrInvalid) when start or end is the zero Date or when end is not after start.
func NewPeriod(start, end Date) (Period, error) {
	var v Validator
	if start.IsZero() {
		v.Add("start", "", "is required")
	}
	if end.IsZero() {
		v.Add("end", "", "is required")
	}
	if v.OK() && !start.Before(end) {
		v.Add("end", end.String(), "is not after start "+start.String())
	}
	if err := v.Err("period"); err != nil {
		return Period{}, err
	}
	return Period{Start: start, End: end}, nil
}

// PeriodThrough returns the period from start through last, both included: [start, last+1 day).
// Contract and part end dates are the last day of service, so this is how they become periods;
// start == last is a one-day period. It returns a *ValidationError (unwrapping to ErrInvalid)
// when a date is the zero Date, when last is before start (the message names both dates), or
// when last is 9999-12-31, whose following day (the period's End) is outside the supported range.
func PeriodThrough(start, last Date) (Period, error) {
	var v Validator
	if start.IsZero() {
		v.Add("start", "", "is required")
	}
	if last.IsZero() {
		v.Add("last day", "", "is required")
	}
	if v.OK() {
		switch {
		case last.Before(start):
			v.Add("last day", last.String(), "is before start "+start.String())
		case last.n == maxDayNumber:
			v.Add("last day", last.String(), "is the last supported date, so no period can include it")
		}
	}
	if err := v.Err("period"); err != nil {
		return Period{}, err
	}
	return Period{Start: start, End: Date{last.n + 1}}, nil
}

// Days returns the number of days in p, End minus Start: 31 for January, 29 for February 2024,
// 90 for the first quarter of 2026. An empty period has 0 days.
func (p Period) Days() int {
	if p.IsEmpty() {
		return 0
	}
	return int(p.End.n) - int(p.Start.n)
}

// IsEmpty reports whether p holds no day: Start is on or after End, or either is the zero Date.
func (p Period) IsEmpty() bool {
	return p.Start.n == 0 || p.End.n == 0 || p.Start.n >= p.End.n
}

// Contains reports whether d is a day of p: Start <= d < End. The first day is in the period,
// End is not. An empty period contains no day, and no period contains the zero Date.
func (p Period) Contains(d Date) bool {
	return !p.IsEmpty() && d.n >= p.Start.n && d.n < p.End.n
}

// Overlaps reports whether p and q have at least one day in common. Periods that merely touch
// (p.End == q.Start) do not overlap, and an empty period overlaps nothing.
func (p Period) Overlaps(q Period) bool {
	return !p.IsEmpty() && !q.IsEmpty() && p.Start.n < q.End.n && q.Start.n < p.End.n
}

// Intersect returns the days p and q have in common, or the empty Period{} when they do not
// overlap.
func (p Period) Intersect(q Period) Period {
	if !p.Overlaps(q) {
		return Period{}
	}
	r := p
	if q.Start.n > r.Start.n {
		r.Start = q.Start
	}
	if q.End.n < r.End.n {
		r.End = q.End
	}
	return r
}

// LastDay returns the last day of p, the day before End. An empty period has no last day: it
// gives the zero Date.
func (p Period) LastDay() Date {
	if p.IsEmpty() {
		return Date{}
	}
	return Date{p.End.n - 1}
}

// String returns p as people read it, first and last day included: "2026-01-01..2026-01-31" for
// January 2026. Period{} gives ""; any other empty period is shown half-open, as its fields are,
// so its emptiness is visible: "[2026-02-01, 2026-02-01)".
func (p Period) String() string {
	switch {
	case p == Period{}:
		return ""
	case p.IsEmpty():
		return "[" + p.Start.String() + ", " + p.End.String() + ")"
	}
	var buf [22]byte
	b := p.Start.appendISO(buf[:0])
	b = append(b, '.', '.')
	b = p.LastDay().appendISO(b)
	return string(b)
}
