package contract

import (
	"iter"
	"time"

	"github.com/psakit/psa"
)

// Cycle is a billing cycle length.
type Cycle string

// Billing cycles.
const (
	// Monthly periods last one month.
	Monthly Cycle = "monthly"
	// Quarterly periods last three months.
	Quarterly Cycle = "quarterly"
	// SemiAnnual periods last six months.
	SemiAnnual Cycle = "semi-annual"
	// Annual periods last twelve months.
	Annual Cycle = "annual"
)

// Months returns the length of the cycle in months: 1, 3, 6 or 12, and 0 for an unknown cycle.
func (c Cycle) Months() int {
	switch c {
	case Monthly:
		return 1
	case Quarterly:
		return 3
	case SemiAnnual:
		return 6
	case Annual:
		return 12
	}
	return 0
}

// Valid reports whether c is one of the defined cycles.
func (c Cycle) Valid() bool { return c.Months() != 0 }

// Alignment decides where billing periods start.
type Alignment string

// Alignments.
const (
	// AlignCalendar starts periods on calendar boundaries: months on the 1st, quarters on
	// January, April, July and October 1, half-years on January and July 1, years on January 1.
	AlignCalendar Alignment = "calendar"
	// AlignAnniversary steps periods from the schedule's Anchor by the cycle's months. Every
	// boundary is derived from the anchor itself, boundary k being Anchor.AddMonths(k x months)
	// for every integer k (negative ones too, for days before the anchor), clamped to the length
	// of its month: an anchor on January 31 billed monthly gives boundaries on January 31,
	// February 28 (29 in a leap year), March 31, April 30, ...; it never drifts to the 28th.
	AlignAnniversary Alignment = "anniversary"
)

// Valid reports whether a is one of the defined alignments.
func (a Alignment) Valid() bool { return a == AlignCalendar || a == AlignAnniversary }

// Timing says when a billing period is billed.
type Timing string

// Timings.
const (
	// InAdvance bills a period once its first served day has come.
	InAdvance Timing = "advance"
	// InArrears bills a period once it has ended.
	InArrears Timing = "arrears"
)

// Valid reports whether t is one of the defined timings.
func (t Timing) Valid() bool { return t == InAdvance || t == InArrears }

// Schedule is the billing schedule of a contract (or of a part): the cycle and where its periods
// start. The zero Schedule is not valid; a Schedule is a plain value, safe to copy and to use
// from several goroutines.
type Schedule struct {
	// Cycle is the length of a billing period.
	Cycle Cycle `json:"cycle"`
	// Alignment decides where periods start.
	Alignment Alignment `json:"alignment"`
	// Anchor is the date the periods of an anniversary schedule step from (the caller sets it,
	// by default to the contract's start). A calendar schedule ignores it.
	Anchor psa.Date `json:"anchor,omitzero"`
}

// scheduleObject names a Schedule in a *psa.ValidationError.
const scheduleObject = "billing schedule"

// Validate reports every broken rule of s in one *psa.ValidationError (fields "cycle",
// "alignment", "anchor"): the cycle and the alignment must be defined ones, and an anniversary
// schedule needs a non-zero Anchor.
func (s Schedule) Validate() error {
	var v psa.Validator
	if !s.Cycle.Valid() {
		v.Add("cycle", string(s.Cycle), `is not "monthly", "quarterly", "semi-annual" or "annual"`)
	}
	if !s.Alignment.Valid() {
		v.Add("alignment", string(s.Alignment), `is not "calendar" or "anniversary"`)
	}
	if s.Alignment == AlignAnniversary && s.Anchor.IsZero() {
		v.Add("anchor", "", "is required for an anniversary schedule")
	}
	return v.Err(scheduleObject)
}

// PeriodOf returns the billing period of s that contains d. It is computed directly from the
// year and month of d (no walk over earlier periods), so it costs the same for any d and does
// not allocate. For an anniversary schedule d may be before the anchor: the periods extend
// backwards from it (anchor 2026-01-31 monthly: 2025-12-15 is in 2025-11-30..2025-12-30).
//
// It returns a *psa.ValidationError when s is invalid (see Validate), when d is the zero Date,
// or when the period would start before 0001-01-01 or end after 9999-12-31.
func (s Schedule) PeriodOf(d psa.Date) (psa.Period, error) {
	if err := s.Validate(); err != nil {
		return psa.Period{}, err
	}
	if d.IsZero() {
		return psa.Period{}, psa.Invalid(scheduleObject, "date", "", "is required")
	}
	g := s.grid()
	k, start, ok := g.locate(d)
	if !ok {
		return psa.Period{}, errOutOfRange(d)
	}
	end, ok := g.boundary(k + 1)
	if !ok {
		return psa.Period{}, errOutOfRange(d)
	}
	return psa.Period{Start: start, End: end}, nil
}

// Periods returns every billing period of s that overlaps span, in order. The periods are whole
// billing periods, not cut to span: the first may start before span.Start and the last end after
// span.End. An empty span (Start on or after End, or a zero date) gives none (a nil slice).
//
// It returns a *psa.ValidationError when s is invalid (see Validate) or when a period would
// leave the supported dates (0001-01-01 to 9999-12-31). The returned slice is the caller's.
func (s Schedule) Periods(span psa.Period) ([]psa.Period, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if span.IsEmpty() {
		return nil, nil
	}
	g := s.grid()
	k, start, ok := g.locate(span.Start)
	if !ok {
		return nil, errOutOfRange(span.Start)
	}
	// One period more than the whole months of the span can hold, plus the partial ones.
	n := (monthIndex(span.LastDay())-monthIndex(span.Start))/g.step + 2
	out := make([]psa.Period, 0, n)
	for start.Before(span.End) {
		end, ok := g.boundary(k + 1)
		if !ok {
			return nil, errOutOfRange(start)
		}
		out = append(out, psa.Period{Start: start, End: end})
		start = end
		k++
	}
	return out, nil
}

// Seq returns the periods that Periods returns, as an iterator that allocates no slice. Unlike
// Periods it cannot report an error: an invalid schedule (see Validate) or an empty span yields
// nothing, and the sequence stops before a period that would leave the supported dates. Call
// Validate (or Periods) first to tell these cases apart. The iterator may be ranged over any
// number of times.
func (s Schedule) Seq(span psa.Period) iter.Seq[psa.Period] {
	return func(yield func(psa.Period) bool) {
		if s.Validate() != nil || span.IsEmpty() {
			return
		}
		g := s.grid()
		k, start, ok := g.locate(span.Start)
		if !ok {
			return
		}
		for start.Before(span.End) {
			end, ok := g.boundary(k + 1)
			if !ok || !yield(psa.Period{Start: start, End: end}) {
				return
			}
			start = end
			k++
		}
	}
}

// DuePeriod is a billing period that is due, with the part of it that is in service.
type DuePeriod struct {
	// Period is the whole billing period: the denominator of its proration.
	Period psa.Period
	// Served is the part of Period in service: all of it, or less for the first period of a
	// service that starts inside it and the last period of one that ends inside it.
	Served psa.Period
}

// dueObject names the input of Due in a *psa.ValidationError.
const dueObject = "due periods"

// Due returns the billing periods of s that are due on runDate for a service span served, each
// with the part of it in service, in order. served is the service span of a part or contract,
// [first day, last day + 1); its End may be the zero Date for a service that has no end yet.
//
//   - InAdvance: a period is due once its first served day is on or before runDate.
//   - InArrears: a period is due once it has ended: its End, or for the last period of a service
//     that stops inside it the End of its served part, is on or before runDate.
//
// from is the first day not yet billed (the zero Date means served.Start; a from before
// served.Start counts as served.Start). Only periods with a served day on or after from are
// returned, so a caller that passes the day after the last billed period (the End of the last
// billed DuePeriod.Served) gets exactly the unbilled due periods: a run made late catches up on
// every missed period, each once. A from inside a period (service extended after its last,
// partial period was billed) returns that period again, with its whole served part, for the
// caller to recompute and bill the difference (see Adjustment).
//
// runDate bounds the work for an open-ended service: no period after it is considered. None due
// gives a nil slice. It returns a *psa.ValidationError listing every broken rule when s is
// invalid, timing is not a defined Timing, served.Start or runDate is the zero Date, or
// served.End is not after served.Start; and when a period would leave the supported dates.
func (s Schedule) Due(served psa.Period, timing Timing, from, runDate psa.Date) ([]DuePeriod, error) {
	var v psa.Validator
	v.Merge("schedule", s.Validate())
	if !timing.Valid() {
		v.Add("timing", string(timing), `is not "advance" or "arrears"`)
	}
	if served.Start.IsZero() {
		v.Add("served.start", "", "is required")
	} else if !served.End.IsZero() && !served.Start.Before(served.End) {
		v.Add("served.end", served.End.String(), "is not after the start "+served.Start.String())
	}
	if runDate.IsZero() {
		v.Add("runDate", "", "is required")
	}
	if err := v.Err(dueObject); err != nil {
		return nil, err
	}

	start := served.Start
	if from.After(start) {
		start = from
	}
	open := served.End.IsZero()
	if !open && !start.Before(served.End) {
		return nil, nil
	}
	g := s.grid()
	k, pStart, ok := g.locate(start)
	if !ok {
		return nil, errOutOfRange(start)
	}
	var out []DuePeriod
	for open || pStart.Before(served.End) {
		cut := psa.Period{Start: laterDate(pStart, served.Start)}
		if timing == InAdvance && cut.Start.After(runDate) {
			break
		}
		pEnd, ok := g.boundary(k + 1)
		if !ok {
			return nil, errOutOfRange(pStart)
		}
		cut.End = pEnd
		if !open && served.End.Before(pEnd) {
			cut.End = served.End
		}
		if timing == InArrears && cut.End.After(runDate) {
			break
		}
		if out == nil {
			// Room for every period up to runDate or the end of service: one allocation for a
			// catch-up run.
			last := runDate
			if !open && served.End.Before(last) {
				last = served.End
			}
			out = make([]DuePeriod, 0, max(1, (monthIndex(last)-monthIndex(pStart))/g.step+1))
		}
		out = append(out, DuePeriod{Period: psa.Period{Start: pStart, End: pEnd}, Served: cut})
		pStart = pEnd
		k++
	}
	return out, nil
}

// laterDate returns the later of two dates.
func laterDate(a, b psa.Date) psa.Date {
	if a.After(b) {
		return a
	}
	return b
}

// grid is the arithmetic of a valid schedule's boundaries: boundary k is day `day` (clamped to
// the month's length) of the month numbered base + k*step, months being numbered
// year*12 + month-1.
type grid struct {
	base, step, day int
}

// grid returns the boundaries of s, which must be valid.
func (s Schedule) grid() grid {
	if s.Alignment == AlignAnniversary {
		return grid{base: monthIndex(s.Anchor), step: s.Cycle.Months(), day: s.Anchor.Day()}
	}
	// Calendar periods start on the 1st of a month whose number is a multiple of the cycle's
	// months (they divide 12, so the count from January of year 0 works).
	return grid{base: 0, step: s.Cycle.Months(), day: 1}
}

// Month numbers of the supported dates.
const (
	minMonthIndex = 1 * 12
	maxMonthIndex = 9999*12 + 11
)

// monthIndex returns the month number of d: year*12 + month-1.
func monthIndex(d psa.Date) int {
	y, m, _ := d.Date()
	return y*12 + int(m) - 1
}

// boundary returns boundary k, or false when it is outside the supported dates.
func (g grid) boundary(k int) (psa.Date, bool) {
	t := g.base + k*g.step
	if t < minMonthIndex || t > maxMonthIndex {
		return psa.Date{}, false
	}
	return psa.ClampedDate(t/12, time.Month(t%12+1), g.day), true
}

// locate returns the number k and the start of the period containing d (a non-zero date), or
// false when that start is outside the supported dates. k is computed directly: the period whose
// boundary falls in d's month or the last one before it; one step back when clamping put that
// boundary after d.
func (g grid) locate(d psa.Date) (int, psa.Date, bool) {
	diff := monthIndex(d) - g.base
	k := diff / g.step
	if diff%g.step < 0 {
		k-- // floor division
	}
	start, ok := g.boundary(k)
	if !ok {
		return 0, psa.Date{}, false
	}
	if d.Before(start) {
		k--
		if start, ok = g.boundary(k); !ok {
			return 0, psa.Date{}, false
		}
	}
	return k, start, true
}

// errOutOfRange reports a billing period around d that the supported dates cannot hold.
func errOutOfRange(d psa.Date) error {
	return psa.Invalid(scheduleObject, "date", d.String(),
		"has a billing period outside the supported dates 0001-01-01 to 9999-12-31")
}
