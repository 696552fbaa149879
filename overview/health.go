package overview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/invoice"
)

// Component is one part of the client health score (seed 002 "Client Health Score").
type Component string

// The components of the health score, in seed 002's order.
const (
	// ComponentService: open ticket count, SLA compliance, resolution time (computed by psa).
	ComponentService Component = "service"
	// ComponentEndpoints: device health, patch compliance, from the host's RMM.
	ComponentEndpoints Component = "endpoints"
	// ComponentSecurity: threat detections, vulnerability status, from the host's security tools.
	ComponentSecurity Component = "security"
	// ComponentBackups: backup success rate, last successful backup age, from the host's backup tools.
	ComponentBackups Component = "backups"
	// ComponentFinancial: payment timeliness, outstanding balance (computed by psa).
	ComponentFinancial Component = "financial"
	// ComponentEngagement: portal usage (computed by psa).
	ComponentEngagement Component = "engagement"
	// ComponentCommunications: e-mail deliverability, response rates, from the host.
	ComponentCommunications Component = "communications"
)

// Weights returns seed 002's weights of the components, in percent, in seed 002's order and a
// new slice; they sum to 100.
func Weights() []Weight {
	return []Weight{
		{ComponentService, 25}, {ComponentEndpoints, 20}, {ComponentSecurity, 20}, {ComponentBackups, 15}, {ComponentFinancial, 10},
		{ComponentEngagement, 5}, {ComponentCommunications, 5},
	}
}

// Weight is a component's weight in the health score, in percent.
type Weight struct {
	Component Component
	Percent   int
}

// hostComponents are the components whose score the host supplies (Signals).
var hostComponents = []Component{ComponentEndpoints, ComponentSecurity, ComponentBackups, ComponentCommunications}

// Input is one fact a component's score was computed from, so that a user sees why a client
// scores low.
type Input struct {
	Name, Value string
}

// ComponentScore is one component's part of a health score.
type ComponentScore struct {
	Component Component
	// Weight is the component's weight in percent.
	Weight int
	// Score is from 0 to 100; it is 0 and means nothing when Missing.
	Score int
	// Missing reports that the host supplied no signal for the component: it is left out of the
	// score, not counted as 0 or 100.
	Missing bool
	Inputs  []Input
}

// Health is a client's health score (0-100) with every component's score and inputs.
type Health struct {
	ClientID psa.ClientID
	At       time.Time
	// Score is the weighted mean of the components that are not missing, rounded half up; the
	// weights of the present components are scaled to sum to 100.
	Score int
	// Coverage is the sum of the weights of the components present, in percent: 100 when no
	// signal is missing.
	Coverage   int
	Components []ComponentScore
}

// Missing returns the components without a signal.
func (h Health) Missing() []Component {
	var out []Component
	for _, c := range h.Components {
		if c.Missing {
			out = append(out, c.Component)
		}
	}
	return out
}

// String renders the score and one line per component with its inputs.
func (h Health) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "health %d/100 (coverage %d%%)\n", h.Score, h.Coverage)
	for _, c := range h.Components {
		if c.Missing {
			fmt.Fprintf(&b, "  %-14s %3d%%  missing: no signal\n", c.Component, c.Weight)
			continue
		}
		fmt.Fprintf(&b, "  %-14s %3d%%  %3d", c.Component, c.Weight, c.Score)
		for i, x := range c.Inputs {
			sep := ", "
			if i == 0 {
				sep = "  "
			}
			fmt.Fprintf(&b, "%s%s %s", sep, x.Name, x.Value)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Signal is a component score the host supplies, with the inputs it was computed from.
type Signal struct {
	Score  int
	Inputs []Input
}

// Signals supplies the components psa cannot compute: ComponentEndpoints, ComponentSecurity,
// ComponentBackups and ComponentCommunications (from the host's RMM, security, backup and mail tools). ok is false when the host
// has no signal for the client: the component is reported as missing. A score outside 0-100 is
// an error of the host, reported as a *psa.ValidationError.
type Signals interface {
	Signal(ctx context.Context, c client.Client, component Component) (s Signal, ok bool, err error)
}

// ServiceFacts are what the service component is computed from.
type ServiceFacts struct {
	// Open tickets (neither resolved nor closed), and of them those with a breached SLA target.
	Open, OpenBreached int
	// Met and Breached count the SLA targets decided on the client's tickets.
	Met, Breached int
	// Resolved counts the tickets whose resolution target was met, and AverageResolution is the
	// mean time from opening to resolution over them.
	Resolved          int
	AverageResolution time.Duration
}

// ServiceScore is the service component: the SLA compliance in percent (100 when no target is
// decided yet), less 5 points per open ticket (at most 25) and 10 more per open ticket with a
// breached target (at most 30), at least 0.
func ServiceScore(f ServiceFacts) ComponentScore {
	compliance := share(f.Met, f.Met+f.Breached)
	score := compliance - min(25, 5*f.Open) - min(30, 10*f.OpenBreached)
	inputs := []Input{
		{"SLA compliance", fmt.Sprintf("%d%% (%d met, %d breached)", compliance, f.Met, f.Breached)},
		{"open tickets", fmt.Sprint(f.Open)},
		{"open with a breached target", fmt.Sprint(f.OpenBreached)},
	}
	if f.Resolved > 0 {
		inputs = append(inputs, Input{"average resolution", fmt.Sprintf("%v over %d tickets", f.AverageResolution.Round(time.Minute), f.Resolved)})
	}
	return ComponentScore{Component: ComponentService, Score: max(score, 0), Inputs: inputs}
}

// FinancialFacts are what the financial component is computed from.
type FinancialFacts struct {
	// Due counts the invoices whose due date has passed or that are paid; OnTime those of them
	// paid in full on or before their due date.
	Due, OnTime int
	// Balance is the client's outstanding balance by aging bucket.
	Balance invoice.Balance
}

// overduePenalty is what the oldest overdue amount costs the financial score, by aging bucket.
var overduePenalty = map[invoice.AgingBucket]int{invoice.Aging1To30: 10, invoice.Aging31To60: 20, invoice.Aging61To90: 30, invoice.AgingOver90: 40}

// FinancialScore is the financial component: the share of due invoices paid on time in percent
// (100 when none is due yet), less a penalty for the oldest overdue amount: 10 points when it is
// 1-30 days late, 20 for 31-60, 30 for 61-90, 40 beyond; at least 0.
func FinancialScore(f FinancialFacts) ComponentScore {
	timely := share(f.OnTime, f.Due)
	penalty, oldest := 0, invoice.AgingBucket("")
	for _, k := range invoice.AgingBuckets {
		if m, ok := f.Balance.Buckets[k]; ok && m.Sign() > 0 && overduePenalty[k] > penalty {
			penalty, oldest = overduePenalty[k], k
		}
	}
	overdue := "none"
	if oldest != "" {
		overdue = fmt.Sprintf("%s days late: %s", oldest, f.Balance.Buckets[oldest])
	}
	return ComponentScore{Component: ComponentFinancial, Score: max(timely-penalty, 0), Inputs: []Input{
		{"paid on time", fmt.Sprintf("%d%% (%d of %d due invoices)", timely, f.OnTime, f.Due)},
		{"outstanding", f.Balance.Outstanding.String()},
		{"oldest overdue", overdue},
	}}
}

// EngagementFacts are what the engagement component is computed from.
type EngagementFacts struct {
	// PortalUsers are the client's contacts with portal access; Active those of them who logged
	// in within the last 30 days.
	PortalUsers, Active int
	// Tickets are the tickets opened within the last 90 days; ThroughPortal those of them
	// submitted in the portal.
	Tickets, ThroughPortal int
}

// EngagementScore is the engagement component: 70% the share of portal users active in the last
// 30 days and 30% the share of recent tickets submitted in the portal (only the first when there
// are no recent tickets), rounded half up; 0 when no contact has portal access.
func EngagementScore(f EngagementFacts) ComponentScore {
	inputs := []Input{
		{"portal users active in 30 days", fmt.Sprintf("%d of %d", f.Active, f.PortalUsers)},
		{"tickets through the portal in 90 days", fmt.Sprintf("%d of %d", f.ThroughPortal, f.Tickets)},
	}
	score := 0
	switch {
	case f.PortalUsers == 0:
	case f.Tickets == 0:
		score = share(f.Active, f.PortalUsers)
	default:
		// round(100 * (0.7 * active/users + 0.3 * portal/tickets))
		num, den := 70*f.Active*f.Tickets+30*f.ThroughPortal*f.PortalUsers, f.PortalUsers*f.Tickets
		score = (2*num + den) / (2 * den)
	}
	return ComponentScore{Component: ComponentEngagement, Score: score, Inputs: inputs}
}

// share returns part / whole in percent, rounded half up; 100 when whole is 0.
func share(part, whole int) int {
	if whole == 0 {
		return 100
	}
	return (200*part + whole) / (2 * whole)
}

// Combine returns the health score of the given component scores: their weighted mean over the
// components present (Weights), rounded half up, with the coverage; components are listed in
// seed 002's order, and a component not given at all is missing.
func Combine(id psa.ClientID, at time.Time, scores []ComponentScore) Health {
	h := Health{ClientID: id, At: at}
	var sum int
	for _, w := range Weights() {
		cs := ComponentScore{Component: w.Component, Missing: true}
		for _, s := range scores {
			if s.Component == w.Component {
				cs = s
			}
		}
		cs.Weight = w.Percent
		if cs.Missing {
			cs.Score = 0
		} else {
			sum += cs.Score * w.Percent
			h.Coverage += w.Percent
		}
		h.Components = append(h.Components, cs)
	}
	if h.Coverage > 0 {
		h.Score = (2*sum + h.Coverage) / (2 * h.Coverage)
	}
	return h
}

// hostSignal asks signals for component of c; nil signals supply none.
func hostSignal(ctx context.Context, signals Signals, c client.Client, component Component) (ComponentScore, error) {
	missing := ComponentScore{Component: component, Missing: true}
	if signals == nil {
		return missing, nil
	}
	s, ok, err := signals.Signal(ctx, c, component)
	switch {
	case err != nil:
		return ComponentScore{}, err
	case !ok:
		return missing, nil
	case s.Score < 0 || s.Score > 100:
		return ComponentScore{}, psa.Invalid("health signal", string(component), fmt.Sprint(s.Score), "must be from 0 to 100")
	}
	return ComponentScore{Component: component, Score: s.Score, Inputs: append([]Input(nil), s.Inputs...)}, nil
}
