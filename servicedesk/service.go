package servicedesk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/internal/versioned"
)

// Options configure a Service. A nil *Options means the defaults.
type Options struct {
	psa.Options
}

// Service runs the service-desk rules inside transactions of the host's store.
type Service struct {
	run  psa.Runner[Tx]
	opts psa.Options

	mu    sync.Mutex
	hours map[hoursKey]*Hours // compiled calendars
}

type hoursKey struct {
	id       psa.CalendarID
	version  int64
	alwaysOn bool
}

// NewService returns a Service that runs its work through run.
func NewService(run psa.Runner[Tx], opts *Options) *Service {
	s := &Service{run: run, hours: map[hoursKey]*Hours{}}
	if opts != nil {
		s.opts = opts.Options
	}
	return s
}

// compiled returns the business hours of calendar c (24x7 in c's zone when alwaysOn), compiling
// each calendar version once.
func (s *Service) compiled(c Calendar, alwaysOn bool) (*Hours, error) {
	key := hoursKey{c.ID, c.Version, alwaysOn}
	s.mu.Lock()
	h, ok := s.hours[key]
	s.mu.Unlock()
	if ok {
		return h, nil
	}
	src := c
	if alwaysOn {
		src = AlwaysOpen(c.TimeZone)
	}
	h, err := src.Compile()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.hours[key] = h
	s.mu.Unlock()
	return h, nil
}

// PutCalendar validates and stores a business-hours calendar: created when c.Version is 0,
// replaced under the version rule otherwise. It returns the stored calendar.
func (s *Service) PutCalendar(ctx context.Context, c Calendar) (Calendar, error) {
	if err := c.Validate(); err != nil {
		return Calendar{}, err
	}
	if psa.IsNil(c.ID) {
		id, err := psa.NewID[psa.CalendarID](s.opts.IDs())
		if err != nil {
			return Calendar{}, err
		}
		c.ID = id
	}
	err := s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.PutCalendar(ctx, c) })
	c.Version++
	return c, err
}

// PutPolicy validates and stores an SLA policy like PutCalendar; its calendar must exist.
func (s *Service) PutPolicy(ctx context.Context, p Policy) (Policy, error) {
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	if psa.IsNil(p.ID) {
		id, err := psa.NewID[psa.SLAPolicyID](s.opts.IDs())
		if err != nil {
			return Policy{}, err
		}
		p.ID = id
	}
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		if _, err := tx.GetCalendar(ctx, p.CalendarID); err != nil {
			return err
		}
		return tx.PutPolicy(ctx, p)
	})
	p.Version++
	return p, err
}

// PutQueue stores a queue like PutCalendar; its name is required.
func (s *Service) PutQueue(ctx context.Context, q Queue) (Queue, error) {
	if strings.TrimSpace(q.Name) == "" {
		return Queue{}, psa.Invalid("queue", "name", q.Name, "is required")
	}
	if psa.IsNil(q.ID) {
		id, err := psa.NewID[psa.QueueID](s.opts.IDs())
		if err != nil {
			return Queue{}, err
		}
		q.ID = id
	}
	err := s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.PutQueue(ctx, q) })
	q.Version++
	return q, err
}

// Settings returns the tenant's service-desk settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	var set Settings
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		set, err = tx.GetSettings(ctx)
		return err
	})
	return set, err
}

// PutSettings validates and stores the tenant's settings; set.Version is the version read (0 the
// first time). The default policy must exist.
func (s *Service) PutSettings(ctx context.Context, set Settings) (Settings, error) {
	if err := set.Validate(); err != nil {
		return Settings{}, err
	}
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		if !psa.IsNil(set.DefaultPolicyID) {
			if _, err := tx.GetPolicy(ctx, set.DefaultPolicyID); err != nil {
				return err
			}
		}
		return tx.PutSettings(ctx, set)
	})
	set.Version++
	return set, err
}

// NewTicket is the input of Service.Open.
type NewTicket struct {
	ClientID psa.ClientID
	// ContactID is the contact person: required for a portal ticket, optional otherwise.
	ContactID psa.ContactID
	// ContractID puts the ticket's work under a contract of the client; nil means the client's
	// default contract, or time and materials.
	ContractID psa.ContractID
	Fields
	Source Source
	// QueueID and AssigneeID route the ticket; when both are nil the client's auto-assignment
	// rule applies (seed 002).
	QueueID    psa.QueueID
	AssigneeID psa.StaffID
}

// Open opens a ticket (seed 004 "Creating a New Ticket"). A client without billing information
// can have tickets (seed 000). The ticket gets the next ticket number, is routed by the client's
// auto-assignment rule when no queue or assignee is given, and starts its SLA clock under the
// policy that applies: the affected asset's service level, else the client's override, else the
// contract's SLA, else the tenant's default. A portal ticket's category must be one the client's
// settings allow.
func (s *Service) Open(ctx context.Context, in NewTicket) (Ticket, error) {
	var v psa.Validator
	in.Fields.validate(&v)
	if in.Source == "" {
		in.Source = SourceStaff
	}
	if !in.Source.Valid() {
		v.Add("source", string(in.Source), "is not a ticket source")
	}
	if psa.IsNil(in.ClientID) {
		v.Add("clientId", "", "is required")
	}
	if in.Source == SourcePortal && psa.IsNil(in.ContactID) {
		v.Add("contactId", "", "is required for a portal ticket: the contact who opens it is its contact person")
	}
	if err := v.Err("ticket"); err != nil {
		return Ticket{}, err
	}
	id, err := psa.NewID[psa.TicketID](s.opts.IDs())
	if err != nil {
		return Ticket{}, err
	}
	now := s.opts.Clock()
	var out Ticket
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		c, err := tx.GetClient(ctx, in.ClientID)
		if err != nil {
			return err
		}
		if err := s.checkTicketRefs(ctx, tx, c, in); err != nil {
			return err
		}
		t := Ticket{ID: id, ClientID: c.ID, ContactID: in.ContactID, ContractID: in.ContractID, Fields: in.Fields,
			Source: in.Source, QueueID: in.QueueID, AssigneeID: in.AssigneeID, Status: StatusNew,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		if psa.IsNil(t.QueueID) && psa.IsNil(t.AssigneeID) {
			t.QueueID, t.AssigneeID = c.Settings.AutoAssign.QueueID, c.Settings.AutoAssign.TechnicianID
		}
		if t.Number, err = tx.NextTicketNumber(ctx); err != nil {
			return err
		}
		if t.SLA, err = s.startClock(ctx, tx, c, t, now); err != nil {
			return err
		}
		out = t
		return tx.CreateTicket(ctx, t)
	})
	if err != nil {
		return Ticket{}, err
	}
	return out, nil
}

// checkTicketRefs checks that the contact, contract, assets and queue of a new ticket exist and
// belong to client c, and that its category is allowed.
func (s *Service) checkTicketRefs(ctx context.Context, tx Tx, c client.Client, in NewTicket) error {
	var v psa.Validator
	if !psa.IsNil(in.ContactID) {
		if ct, err := tx.GetContact(ctx, in.ContactID); err != nil || ct.ClientID != c.ID {
			if err != nil && !isNotFound(err) {
				return err
			}
			v.Add("contactId", in.ContactID.String(), "is not a contact of the client")
		}
	}
	if !psa.IsNil(in.ContractID) {
		if k, err := tx.GetContract(ctx, in.ContractID); err != nil || k.ClientID != c.ID {
			if err != nil && !isNotFound(err) {
				return err
			}
			v.Add("contractId", in.ContractID.String(), "is not a contract of the client")
		}
	}
	for _, a := range []struct {
		field    string
		id       psa.AssetID
		hardware bool
	}{{"hardwareAssetId", in.HardwareAssetID, true}, {"softwareAssetId", in.SoftwareAssetID, false}} {
		if psa.IsNil(a.id) {
			continue
		}
		asset, err := tx.GetAsset(ctx, a.id)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || asset.ClientID != c.ID || asset.Kind.IsHardware() != a.hardware {
			v.Add(a.field, a.id.String(), "is not a "+map[bool]string{true: "hardware", false: "software"}[a.hardware]+" asset of the client")
		}
	}
	if !psa.IsNil(in.QueueID) {
		if _, err := tx.GetQueue(ctx, in.QueueID); err != nil {
			if !isNotFound(err) {
				return err
			}
			v.Add("queueId", in.QueueID.String(), "is not a queue")
		}
	}
	if in.Category != "" {
		set, err := tx.GetSettings(ctx)
		if err != nil {
			return err
		}
		if len(set.Categories) > 0 && !slices.ContainsFunc(set.Categories, func(x string) bool { return strings.EqualFold(x, in.Category) }) {
			v.Add("category", in.Category, "is not a ticket category")
		}
		if in.Source == SourcePortal && !c.Settings.TicketCategoryAllowed(in.Category) {
			v.Add("category", in.Category, "is not a category the client may choose")
		}
	}
	return v.Err("ticket")
}

// defaultContract returns the client's default contract in force on day d, if any.
func defaultContract(ctx context.Context, tx Tx, id psa.ClientID, d psa.Date) (contract.Contract, bool, error) {
	all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Contract], error) {
		return tx.ListContracts(ctx, id, p)
	})
	if err != nil {
		return contract.Contract{}, false, err
	}
	for _, k := range all {
		if k.Default && k.ActiveOn(d) {
			return k, true, nil
		}
	}
	return contract.Contract{}, false, nil
}

// ticketContract returns the contract a ticket's work falls under on day d: the ticket's, else
// the client's default contract; ok is false for time and materials.
func ticketContract(ctx context.Context, tx Tx, t Ticket, d psa.Date) (contract.Contract, bool, error) {
	if !psa.IsNil(t.ContractID) {
		k, err := tx.GetContract(ctx, t.ContractID)
		return k, err == nil, err
	}
	return defaultContract(ctx, tx, t.ClientID, d)
}

// startClock chooses the SLA policy and calendar of a new ticket and starts its clock at now.
func (s *Service) startClock(ctx context.Context, tx Tx, c client.Client, t Ticket, now time.Time) (Clock, error) {
	clock := Clock{Start: now}
	if !psa.IsNil(t.HardwareAssetID) {
		a, err := tx.GetAsset(ctx, t.HardwareAssetID)
		if err != nil {
			return Clock{}, err
		}
		clock.PolicyID, clock.Source = a.ServiceLevelID, FromAsset
	}
	if psa.IsNil(clock.PolicyID) && !psa.IsNil(c.Settings.SLAPolicyID) {
		clock.PolicyID, clock.Source = c.Settings.SLAPolicyID, FromClient
	}
	if psa.IsNil(clock.PolicyID) {
		k, ok, err := ticketContract(ctx, tx, t, psa.DateOf(now))
		if err != nil {
			return Clock{}, err
		}
		if ok && !psa.IsNil(k.SLAPolicyID) {
			clock.PolicyID, clock.Source = k.SLAPolicyID, FromContract
		}
	}
	if psa.IsNil(clock.PolicyID) {
		set, err := tx.GetSettings(ctx)
		if err != nil {
			return Clock{}, err
		}
		clock.PolicyID, clock.Source = set.DefaultPolicyID, FromTenant
	}
	if psa.IsNil(clock.PolicyID) {
		return Clock{}, nil // no SLA applies
	}
	p, err := tx.GetPolicy(ctx, clock.PolicyID)
	if err != nil {
		return Clock{}, err
	}
	clock.CalendarID = p.CalendarID
	if !psa.IsNil(c.Settings.CalendarID) {
		clock.CalendarID = c.Settings.CalendarID // client-specific support hours (seed 002)
	}
	return clock, nil
}

// Get returns the ticket with id, or a *psa.NotFoundError.
func (s *Service) Get(ctx context.Context, id psa.TicketID) (Ticket, error) {
	return versioned.Get(ctx, s.run, Tx.GetTicket, id)
}

// List returns a page of client's tickets in ascending ID order.
func (s *Service) List(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[Ticket], error) {
	var p psa.Page[Ticket]
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		p, err = tx.ListTickets(ctx, clientID, page)
		return err
	})
	return p, err
}

// update loads ticket id, checks version, applies change and stores the ticket.
func (s *Service) update(ctx context.Context, id psa.TicketID, version int64, change func(ctx context.Context, tx Tx, t *Ticket, now time.Time) error) (Ticket, error) {
	now := s.opts.Clock()
	return versioned.Update(ctx, s.run, "ticket", id, version, Tx.GetTicket, Tx.UpdateTicket,
		func(t *Ticket) (*int64, *time.Time) { return &t.Version, &t.UpdatedAt }, func() time.Time { return now },
		func(ctx context.Context, tx Tx, t *Ticket) error { return change(ctx, tx, t, now) }, nil)
}

// slaConfig reads SLA policies and calendars inside one transaction, each once.
type slaConfig struct {
	tx        Tx
	policies  map[psa.SLAPolicyID]Policy
	calendars map[psa.CalendarID]Calendar
}

func newSLAConfig(tx Tx) *slaConfig {
	return &slaConfig{tx: tx, policies: map[psa.SLAPolicyID]Policy{}, calendars: map[psa.CalendarID]Calendar{}}
}

// slaParts loads the policy target and business hours of ticket t's clock; ok is false when no
// SLA applies.
func (s *Service) slaParts(ctx context.Context, cfg *slaConfig, t Ticket) (Target, *Hours, bool, error) {
	if !t.SLA.Active() {
		return Target{}, nil, false, nil
	}
	p, ok := cfg.policies[t.SLA.PolicyID]
	if !ok {
		var err error
		if p, err = cfg.tx.GetPolicy(ctx, t.SLA.PolicyID); err != nil {
			return Target{}, nil, false, err
		}
		cfg.policies[p.ID] = p
	}
	target, ok := p.TargetFor(t.Priority, t.IssueType, t.SubIssueType)
	if !ok {
		return Target{}, nil, false, nil
	}
	cal, ok := cfg.calendars[t.SLA.CalendarID]
	if !ok {
		var err error
		if cal, err = cfg.tx.GetCalendar(ctx, t.SLA.CalendarID); err != nil {
			return Target{}, nil, false, err
		}
		cfg.calendars[cal.ID] = cal
	}
	h, err := s.compiled(cal, target.AlwaysOn)
	return target, h, err == nil, err
}

// SetStatus moves ticket id, read at version, to status to, if the workflow allows it (else a
// *TransitionError). Waiting on the customer stops the SLA clock and leaving that status
// restarts it; resolving meets the resolution target; reopening a resolved or closed ticket runs
// the resolution target again.
func (s *Service) SetStatus(ctx context.Context, id psa.TicketID, version int64, to Status) (Ticket, error) {
	if !to.Valid() {
		return Ticket{}, psa.Invalid("ticket", "status", string(to), "is not a ticket status")
	}
	return s.update(ctx, id, version, func(ctx context.Context, tx Tx, t *Ticket, now time.Time) error {
		if !CanMove(t.Status, to) {
			return &TransitionError{TicketID: id, From: t.Status, To: to}
		}
		from := t.Status
		t.Status = to
		if from == StatusWaitingCustomer {
			target, h, ok, err := s.slaParts(ctx, newSLAConfig(tx), *t)
			if err != nil {
				return err
			}
			if ok {
				t.SLA.Resume(now, target, h)
			}
		}
		switch to {
		case StatusWaitingCustomer:
			t.SLA.Pause(now)
		case StatusResolved, StatusClosed:
			// A resolved ticket has been responded to and needs no plan any more.
			t.SLA.Meet(FirstResponse, now)
			t.SLA.Meet(ResolutionPlan, now)
			t.SLA.Meet(Resolution, now)
		case StatusInProgress:
			if from.Completed() {
				t.SLA.Unmeet(Resolution)
			}
		}
		return nil
	})
}

// SetPriority changes the priority of ticket id, read at version; its SLA deadlines follow the
// new priority's targets, measured from the ticket's opening.
func (s *Service) SetPriority(ctx context.Context, id psa.TicketID, version int64, p Priority) (Ticket, error) {
	if !p.Valid() {
		return Ticket{}, psa.Invalid("ticket", "priority", string(p), `is not "critical", "high", "medium" or "low"`)
	}
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, t *Ticket, _ time.Time) error {
		t.Priority = p
		return nil
	})
}

// Assign routes ticket id, read at version, to a queue and/or a technician.
func (s *Service) Assign(ctx context.Context, id psa.TicketID, version int64, queue psa.QueueID, assignee psa.StaffID) (Ticket, error) {
	return s.update(ctx, id, version, func(ctx context.Context, tx Tx, t *Ticket, _ time.Time) error {
		if !psa.IsNil(queue) {
			if _, err := tx.GetQueue(ctx, queue); err != nil {
				return err
			}
		}
		t.QueueID, t.AssigneeID = queue, assignee
		return nil
	})
}

// RecordResolutionPlan meets the resolution-plan target of ticket id, read at version.
func (s *Service) RecordResolutionPlan(ctx context.Context, id psa.TicketID, version int64) (Ticket, error) {
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, t *Ticket, now time.Time) error {
		t.SLA.Meet(ResolutionPlan, now)
		return nil
	})
}

// NewNote is the input of Service.AddNote: a note by a staff member or by a contact (exactly one
// author).
type NewNote struct {
	StaffID   psa.StaffID
	ContactID psa.ContactID
	Public    bool
	Text      string
}

// AddNote adds a note to ticket id. The first public note by a staff member meets the ticket's
// first-response target. A contact may only write public notes on their own client's tickets.
func (s *Service) AddNote(ctx context.Context, id psa.TicketID, in NewNote) (Note, error) {
	var v psa.Validator
	v.Require("text", in.Text)
	if psa.IsNil(in.StaffID) == psa.IsNil(in.ContactID) {
		v.Add("author", "", "must be exactly one of a staff member and a contact")
	}
	if !psa.IsNil(in.ContactID) && !in.Public {
		v.Add("public", "false", "a contact's note is always public")
	}
	if err := v.Err("note"); err != nil {
		return Note{}, err
	}
	nid, err := psa.NewID[psa.NoteID](s.opts.IDs())
	if err != nil {
		return Note{}, err
	}
	var out Note
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetTicket(ctx, id)
		if err != nil {
			return err
		}
		if !psa.IsNil(in.ContactID) {
			ct, err := tx.GetContact(ctx, in.ContactID)
			if err != nil && !isNotFound(err) {
				return err
			}
			if err != nil || ct.ClientID != t.ClientID {
				return psa.Invalid("note", "contactId", in.ContactID.String(), "is not a contact of the ticket's client")
			}
		}
		now := s.opts.Clock()
		out = Note{ID: nid, TicketID: id, StaffID: in.StaffID, ContactID: in.ContactID, Public: in.Public, Text: in.Text, CreatedAt: now}
		if err := tx.CreateNote(ctx, out); err != nil {
			return err
		}
		if out.Public && out.ByStaff() && t.SLA.FirstResponse.MetAt.IsZero() {
			t.SLA.Meet(FirstResponse, now)
			t.UpdatedAt = now
			return tx.UpdateTicket(ctx, t)
		}
		return nil
	})
	if err != nil {
		return Note{}, err
	}
	return out, nil
}

// Notes returns the notes of ticket id, oldest first.
func (s *Service) Notes(ctx context.Context, id psa.TicketID) ([]Note, error) {
	var out []Note
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		if _, err = tx.GetTicket(ctx, id); err != nil {
			return err
		}
		out, err = tx.ListNotes(ctx, id)
		return err
	})
	return out, err
}

// SLA returns the SLA status of ticket id now: each target's deadline, whether it is met or
// breached, and the share of it used. A ticket without a policy has no targets.
func (s *Service) SLA(ctx context.Context, id psa.TicketID) (SLAStatus, error) {
	var out SLAStatus
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetTicket(ctx, id)
		if err != nil {
			return err
		}
		statuses, err := s.EvaluateTickets(ctx, tx, []Ticket{t})
		if err != nil {
			return err
		}
		out = statuses[0]
		return nil
	})
	return out, err
}

// MetricCompliance counts how a client's tickets did on one target.
type MetricCompliance struct {
	Metric                 Metric
	Met, Breached, Pending int
	// Share is Met / (Met + Breached), the share of decided tickets that met the target; 1 when
	// none is decided yet.
	Share float64
}

// Compliance summarises, for every target, how many of client's tickets met it, breached it or
// are still pending (the client health score's service component uses it).
func (s *Service) Compliance(ctx context.Context, clientID psa.ClientID) ([]MetricCompliance, error) {
	var out []MetricCompliance
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		tickets, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Ticket], error) {
			return tx.ListTickets(ctx, clientID, p)
		})
		if err != nil {
			return err
		}
		statuses, err := s.EvaluateTickets(ctx, tx, tickets)
		out = Summarize(statuses)
		return err
	})
	return out, err
}

// EvaluateTickets returns the SLA status of each of tickets now, in their order, inside the
// caller's transaction tx: each policy and calendar is read once per call. A ticket without a
// policy, or without a target for its priority, has no targets.
func (s *Service) EvaluateTickets(ctx context.Context, tx Tx, tickets []Ticket) ([]SLAStatus, error) {
	now := s.opts.Clock()
	cfg := newSLAConfig(tx)
	out := make([]SLAStatus, len(tickets))
	for i, t := range tickets {
		target, h, ok, err := s.slaParts(ctx, cfg, t)
		if err != nil {
			return nil, err
		}
		if !ok {
			out[i] = SLAStatus{PolicyID: t.SLA.PolicyID, Source: t.SLA.Source}
			continue
		}
		out[i] = Evaluate(t.SLA, target, h, now)
	}
	return out, nil
}

// Summarize counts, for every metric, the statuses whose target is met, breached or pending.
func Summarize(statuses []SLAStatus) []MetricCompliance {
	out := make([]MetricCompliance, len(Metrics))
	for i, m := range Metrics {
		out[i].Metric = m
	}
	for _, st := range statuses {
		for _, ts := range st.Targets {
			i := slices.Index(Metrics, ts.Metric)
			switch ts.State {
			case Met:
				out[i].Met++
			case Breached:
				out[i].Breached++
			default:
				out[i].Pending++
			}
		}
	}
	for i := range out {
		out[i].Share = 1
		if n := out[i].Met + out[i].Breached; n > 0 {
			out[i].Share = float64(out[i].Met) / float64(n)
		}
	}
	return out
}

// ClientPolicy returns, inside the caller's transaction tx, the SLA policy a new ticket of client
// c gets now when it names no asset or contract of its own: the client's override, else its
// default contract's SLA, else the tenant's default; ok is false when none applies.
func (s *Service) ClientPolicy(ctx context.Context, tx Tx, c client.Client) (p Policy, source PolicySource, ok bool, err error) {
	clock, err := s.startClock(ctx, tx, c, Ticket{ClientID: c.ID}, s.opts.Clock())
	if err != nil || !clock.Active() {
		return Policy{}, "", false, err
	}
	p, err = tx.GetPolicy(ctx, clock.PolicyID)
	return p, clock.Source, err == nil, err
}

// OnboardingCheck returns the check of the onboarding step client.StepSLA: done when an SLA
// policy applies to the client's tickets (its own override, a contract's SLA, or the tenant's
// default), with the reason naming where it comes from.
func OnboardingCheck(s *Service) client.Check {
	return func(ctx context.Context, r client.Record) (client.Outcome, error) {
		var out client.Outcome
		err := s.run(ctx, func(ctx context.Context, tx Tx) error {
			p, source, ok, err := s.ClientPolicy(ctx, tx, r.Client)
			switch {
			case err != nil:
				return err
			case !ok:
				out = client.Outcome{Reason: "no SLA policy: assign one to the client or set the tenant's default"}
			default:
				out = client.Outcome{Done: true, Reason: fmt.Sprintf("policy %q from the %s", p.Name, source)}
			}
			return nil
		})
		return out, err
	}
}
