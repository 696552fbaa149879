package servicedesk

import (
	"fmt"
	"time"

	"github.com/psakit/psa"
)

// Metric names one service-level target of a ticket.
type Metric string

// The targets an SLA policy sets per priority.
const (
	FirstResponse  Metric = "first response"  // met by the first public note of a staff member
	ResolutionPlan Metric = "resolution plan" // met when a resolution plan is recorded (optional)
	Resolution     Metric = "resolution"      // met when the ticket is resolved
)

// Metrics lists the targets in the order they are reported.
var Metrics = []Metric{FirstResponse, ResolutionPlan, Resolution}

// field is the metric's field name in a Target, as errors and JSON name it.
func (m Metric) field() string {
	switch m {
	case FirstResponse:
		return "firstResponse"
	case ResolutionPlan:
		return "resolutionPlan"
	}
	return "resolution"
}

// Target is what an SLA policy promises for one priority, in business time. A zero duration
// means no target for that metric.
type Target struct {
	Priority       Priority      `json:"priority"`
	FirstResponse  time.Duration `json:"firstResponse"`
	ResolutionPlan time.Duration `json:"resolutionPlan,omitempty"`
	Resolution     time.Duration `json:"resolution"`
	// AlwaysOn counts every hour for this priority (24x7), whatever the calendar's hours.
	AlwaysOn bool `json:"alwaysOn,omitempty"`
}

// Of returns the target's duration for metric m.
func (t Target) Of(m Metric) time.Duration {
	switch m {
	case FirstResponse:
		return t.FirstResponse
	case ResolutionPlan:
		return t.ResolutionPlan
	case Resolution:
		return t.Resolution
	}
	return 0
}

// IssueTargets replace a policy's targets for one issue type, or one issue and sub-issue type
// (seed 001: break/fix service levels tied to issue and sub-issue types).
type IssueTargets struct {
	IssueType    string   `json:"issueType"`
	SubIssueType string   `json:"subIssueType,omitempty"`
	Targets      []Target `json:"targets"`
}

// Policy is an SLA policy: targets per priority on a business-hours calendar.
type Policy struct {
	ID         psa.SLAPolicyID `json:"id"`
	Name       string          `json:"name"`
	CalendarID psa.CalendarID  `json:"calendarId"`
	Targets    []Target        `json:"targets"`
	ByIssue    []IssueTargets  `json:"byIssue,omitempty"`
	Version    int64           `json:"version"`
}

// Validate reports every broken rule of p: a name and a calendar, known priorities each listed
// once per target list, non-negative durations, a resolution plan no later than the resolution,
// and issue-type overrides that name an issue type, each once.
func (p Policy) Validate() error {
	var v psa.Validator
	v.Require("name", p.Name)
	if psa.IsNil(p.CalendarID) {
		v.Add("calendarId", "", "is required")
	}
	validateTargets(&v, "targets", p.Targets)
	seen := map[[2]string]bool{}
	for i, o := range p.ByIssue {
		field := fmt.Sprintf("byIssue[%d]", i)
		key := [2]string{o.IssueType, o.SubIssueType}
		switch {
		case o.IssueType == "":
			v.Add(field+".issueType", "", "is required")
		case seen[key]:
			v.Add(field, o.IssueType+"/"+o.SubIssueType, "is listed twice")
		}
		seen[key] = true
		validateTargets(&v, field+".targets", o.Targets)
	}
	return v.Err("SLA policy")
}

func validateTargets(v *psa.Validator, field string, ts []Target) {
	seen := map[Priority]bool{}
	for i, t := range ts {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !t.Priority.Valid():
			v.Add(f+".priority", string(t.Priority), "is not a known priority")
		case seen[t.Priority]:
			v.Add(f+".priority", string(t.Priority), "is listed twice")
		}
		seen[t.Priority] = true
		for _, m := range Metrics {
			if d := t.Of(m); d < 0 {
				v.Add(f+"."+m.field(), d.String(), "must not be negative")
			}
		}
		if t.ResolutionPlan > 0 && t.Resolution > 0 && t.ResolutionPlan > t.Resolution {
			v.Add(f+".resolutionPlan", t.ResolutionPlan.String(), "is later than the resolution target "+t.Resolution.String())
		}
	}
}

// TargetFor returns the targets that apply to a ticket of priority p with the given issue and
// sub-issue types: the issue and sub-issue override, else the issue-type override, else the
// policy's own. ok is false when none lists the priority.
func (p Policy) TargetFor(pr Priority, issueType, subIssueType string) (Target, bool) {
	find := func(ts []Target) (Target, bool) {
		for _, t := range ts {
			if t.Priority == pr {
				return t, true
			}
		}
		return Target{}, false
	}
	if issueType != "" {
		for _, sub := range []string{subIssueType, ""} {
			for _, o := range p.ByIssue {
				if o.IssueType != issueType || o.SubIssueType != sub {
					continue
				}
				if t, ok := find(o.Targets); ok {
					return t, true
				}
			}
			if sub == "" {
				break
			}
		}
	}
	return find(p.Targets)
}

// PolicySource says where a ticket's SLA policy came from.
type PolicySource string

// Where a policy comes from, in order of precedence.
const (
	FromAsset    PolicySource = "asset"          // the affected asset's service level (seed 001)
	FromClient   PolicySource = "client"         // the client's SLA override (seed 002)
	FromContract PolicySource = "contract"       // the ticket's or default contract's SLA
	FromTenant   PolicySource = "tenant default" // the service desk's default policy
)

// TargetClock is the state of one target of a ticket's SLA clock.
type TargetClock struct {
	// MetAt is when the target was met; zero while it is not.
	MetAt time.Time `json:"metAt"`
	// Paused is the business time this target's clock stood still while the ticket waited on the
	// customer: its deadline moves by that much.
	Paused time.Duration `json:"paused"`
}

// Clock is a ticket's SLA clock: the policy and calendar that apply, when the clock started,
// whether it stands still now, and the state of each target. Its size does not grow with the
// number of pauses: each resumption adds the paused business time to the targets still running.
type Clock struct {
	PolicyID   psa.SLAPolicyID `json:"policyId"`
	Source     PolicySource    `json:"source,omitempty"`
	CalendarID psa.CalendarID  `json:"calendarId"`
	Start      time.Time       `json:"start"`
	// PausedSince is when the clock stopped (the ticket started waiting on the customer); zero
	// while it runs.
	PausedSince time.Time `json:"pausedSince"`

	FirstResponse  TargetClock `json:"firstResponse"`
	ResolutionPlan TargetClock `json:"resolutionPlan"`
	Resolution     TargetClock `json:"resolution"`
}

// Active reports whether the clock has a policy.
func (c Clock) Active() bool { return !psa.IsNil(c.PolicyID) }

func (c *Clock) of(m Metric) *TargetClock {
	switch m {
	case FirstResponse:
		return &c.FirstResponse
	case ResolutionPlan:
		return &c.ResolutionPlan
	}
	return &c.Resolution
}

// elapsed returns the business time counted against a target at instant x: business time since
// Start less what was paused (and less the current pause, up to x).
func (c Clock) elapsed(tc TargetClock, h *Hours, x time.Time) time.Duration {
	e := h.BusinessTime(c.Start, x) - tc.Paused
	if !c.PausedSince.IsZero() && c.PausedSince.Before(x) {
		e -= h.BusinessTime(c.PausedSince, x)
	}
	return e
}

// Pause stops the clock at instant at (no effect while it is stopped already).
func (c *Clock) Pause(at time.Time) {
	if c.PausedSince.IsZero() {
		c.PausedSince = at
	}
}

// Resume restarts a stopped clock at instant at. Every target still running when the clock
// stopped (not met, not yet breached) gets the business time paused added, which moves its
// deadline by that much (a target met during the pause gets the pause up to when it was met); a
// target already breached when the clock stopped stays breached.
func (c *Clock) Resume(at time.Time, t Target, h *Hours) {
	if c.PausedSince.IsZero() {
		return
	}
	before := h.BusinessTime(c.Start, c.PausedSince)
	for _, m := range Metrics {
		tc := c.of(m)
		if d := t.Of(m); d <= 0 || before-tc.Paused >= d {
			continue // no target, or breached before the clock stopped
		}
		switch {
		case tc.MetAt.IsZero():
			tc.Paused += h.BusinessTime(c.PausedSince, at)
		case tc.MetAt.After(c.PausedSince): // met while the clock stood still
			tc.Paused += h.BusinessTime(c.PausedSince, tc.MetAt)
		}
	}
	c.PausedSince = time.Time{}
}

// Meet records that metric m was met at instant at (the first time only).
func (c *Clock) Meet(m Metric, at time.Time) {
	if tc := c.of(m); tc.MetAt.IsZero() {
		tc.MetAt = at
	}
}

// Unmeet clears metric m (a reopened ticket's resolution runs again).
func (c *Clock) Unmeet(m Metric) { c.of(m).MetAt = time.Time{} }

// State is the state of one target.
type State string

// Target states.
const (
	Pending  State = "pending"  // running (or stopped) and not yet due
	Met      State = "met"      // met within the target
	Breached State = "breached" // met late, or due and not met
)

// TargetStatus reports one target of a ticket.
type TargetStatus struct {
	Metric Metric
	// Target is the promised business time.
	Target time.Duration
	// Due is the deadline: the earliest instant at which the target is used up. While the clock
	// stands still it is where the deadline would be if the clock ran again now.
	Due   time.Time
	MetAt time.Time
	State State
	// Elapsed is the business time counted so far (until MetAt for a met target), Remaining the
	// target less it (negative when overdue), Used the share of the target used (1 = all of it).
	Elapsed, Remaining time.Duration
	Used               float64
}

// SLAStatus is a ticket's SLA status at an instant.
type SLAStatus struct {
	PolicyID psa.SLAPolicyID
	Source   PolicySource
	// Paused reports that the clock stands still (the ticket waits on the customer).
	Paused  bool
	Targets []TargetStatus
}

// Evaluate reports the SLA status of clock c under target t on the business hours h at instant
// now: for each metric with a target, its deadline, whether it is met or breached, and the share
// used. It costs a few business-time computations, whatever the number of pauses.
func Evaluate(c Clock, t Target, h *Hours, now time.Time) SLAStatus {
	st := SLAStatus{PolicyID: c.PolicyID, Source: c.Source, Paused: !c.PausedSince.IsZero()}
	for _, m := range Metrics {
		d := t.Of(m)
		if d <= 0 {
			continue
		}
		tc := *c.of(m)
		end := now
		if !tc.MetAt.IsZero() {
			end = tc.MetAt
		}
		ts := TargetStatus{Metric: m, Target: d, MetAt: tc.MetAt, Elapsed: c.elapsed(tc, h, end)}
		ts.Remaining = d - ts.Elapsed
		ts.Used = float64(ts.Elapsed) / float64(d)
		switch {
		case st.Paused && tc.MetAt.IsZero() && ts.Remaining > 0:
			ts.Due = h.AddBusiness(now, ts.Remaining)
		default:
			ts.Due = h.AddBusiness(c.Start, d+tc.Paused)
		}
		switch {
		case ts.Remaining < 0:
			ts.State = Breached
		case !tc.MetAt.IsZero():
			ts.State = Met
		case ts.Remaining == 0:
			ts.State = Breached
		default:
			ts.State = Pending
		}
		st.Targets = append(st.Targets, ts)
	}
	return st
}
