package memstore

import (
	"context"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/servicedesk"
)

var _ servicedesk.Tx = (*Tx)(nil)

// tenantRow is the key of the store's one-per-tenant rows (the memstore holds one tenant).
var tenantRow = psa.TenantID{}

type ticketCounter struct {
	ID   psa.TenantID
	Last int64
}

type deskSettings struct {
	ID       psa.TenantID
	Settings servicedesk.Settings
}

func (s *Store) initServiceDesk() {
	s.tickets = newTable("ticket", func(t servicedesk.Ticket) psa.TicketID { return t.ID }, func(t servicedesk.Ticket) servicedesk.Ticket {
		t.Attachments = slices.Clone(t.Attachments)
		return t
	})
	s.ticketsByNumber = s.tickets.addUnique("number", func(t servicedesk.Ticket) string { return strconv.FormatInt(t.Number, 10) })
	s.ticketsByClient = s.tickets.addGrouping(func(t servicedesk.Ticket) uuid.UUID { return t.ClientID.UUID })
	s.notes = newTable("note", func(n servicedesk.Note) psa.NoteID { return n.ID }, nil)
	s.notesByTicket = s.notes.addGrouping(func(n servicedesk.Note) uuid.UUID { return n.TicketID.UUID })
	s.entries = newTable("time entry", func(e servicedesk.TimeEntry) psa.TimeEntryID { return e.ID }, nil)
	s.entriesByClient = s.entries.addGrouping(func(e servicedesk.TimeEntry) uuid.UUID { return e.ClientID.UUID })
	s.entriesByTicket = s.entries.addGrouping(func(e servicedesk.TimeEntry) uuid.UUID { return e.TicketID.UUID })
	s.policies = newTable("SLA policy", func(p servicedesk.Policy) psa.SLAPolicyID { return p.ID }, clonePolicy)
	s.calendars = newTable("calendar", func(c servicedesk.Calendar) psa.CalendarID { return c.ID }, cloneCalendar)
	s.queues = newTable("queue", func(q servicedesk.Queue) psa.QueueID { return q.ID }, nil)
	s.counters = newTable("ticket counter", func(c ticketCounter) psa.TenantID { return c.ID }, nil)
	s.deskSettings = newTable("service-desk settings", func(d deskSettings) psa.TenantID { return d.ID }, func(d deskSettings) deskSettings {
		d.Settings.DefaultRates = slices.Clone(d.Settings.DefaultRates)
		d.Settings.Categories = slices.Clone(d.Settings.Categories)
		return d
	})
}

func clonePolicy(p servicedesk.Policy) servicedesk.Policy {
	p.Targets = slices.Clone(p.Targets)
	p.ByIssue = slices.Clone(p.ByIssue)
	for i := range p.ByIssue {
		p.ByIssue[i].Targets = slices.Clone(p.ByIssue[i].Targets)
	}
	return p
}

func cloneCalendar(c servicedesk.Calendar) servicedesk.Calendar {
	for i := range c.Week {
		c.Week[i] = slices.Clone(c.Week[i])
	}
	c.Holidays = slices.Clone(c.Holidays)
	c.Yearly = slices.Clone(c.Yearly)
	return c
}

// put creates val when its version is 0 (storing version 1) and otherwise replaces it under the
// version rule: the ConfigStore Put methods.
func put[K psa.ID, V any](ctx context.Context, v *view[K, V], k K, val V, version func(*V) *int64) error {
	if *version(&val) == 0 {
		*version(&val) = 1
		return v.put(ctx, k, val, true)
	}
	return updated(ctx, v, k, val, version)
}

// NextTicketNumber implements servicedesk.TicketStore.
func (tx *Tx) NextTicketNumber(ctx context.Context) (int64, error) {
	c, exists, err := viewOf(tx, tx.s.counters).get(ctx, tenantRow)
	if err != nil {
		return 0, err
	}
	c.ID, c.Last = tenantRow, c.Last+1
	return c.Last, viewOf(tx, tx.s.counters).put(ctx, tenantRow, c, !exists)
}

// GetTicket implements servicedesk.TicketStore.
func (tx *Tx) GetTicket(ctx context.Context, id psa.TicketID) (servicedesk.Ticket, error) {
	return viewOf(tx, tx.s.tickets).mustGet(ctx, id)
}

// CreateTicket implements servicedesk.TicketStore.
func (tx *Tx) CreateTicket(ctx context.Context, t servicedesk.Ticket) error {
	return viewOf(tx, tx.s.tickets).put(ctx, t.ID, t, true)
}

// UpdateTicket implements servicedesk.TicketStore.
func (tx *Tx) UpdateTicket(ctx context.Context, t servicedesk.Ticket) error {
	return updated(ctx, viewOf(tx, tx.s.tickets), t.ID, t, func(t *servicedesk.Ticket) *int64 { return &t.Version })
}

// ListTickets implements servicedesk.TicketStore.
func (tx *Tx) ListTickets(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
	return viewOf(tx, tx.s.tickets).listGroup(ctx, tx.s.ticketsByClient, clientID.UUID, page)
}

// CreateNote implements servicedesk.TicketStore.
func (tx *Tx) CreateNote(ctx context.Context, n servicedesk.Note) error {
	return viewOf(tx, tx.s.notes).put(ctx, n.ID, n, true)
}

// ListNotes implements servicedesk.TicketStore.
func (tx *Tx) ListNotes(ctx context.Context, ticket psa.TicketID) ([]servicedesk.Note, error) {
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[servicedesk.Note], error) {
		return viewOf(tx, tx.s.notes).listGroup(ctx, tx.s.notesByTicket, ticket.UUID, p)
	})
}

// GetTimeEntry implements servicedesk.TimeStore.
func (tx *Tx) GetTimeEntry(ctx context.Context, id psa.TimeEntryID) (servicedesk.TimeEntry, error) {
	return viewOf(tx, tx.s.entries).mustGet(ctx, id)
}

// CreateTimeEntry implements servicedesk.TimeStore.
func (tx *Tx) CreateTimeEntry(ctx context.Context, e servicedesk.TimeEntry) error {
	return viewOf(tx, tx.s.entries).put(ctx, e.ID, e, true)
}

// UpdateTimeEntry implements servicedesk.TimeStore.
func (tx *Tx) UpdateTimeEntry(ctx context.Context, e servicedesk.TimeEntry) error {
	return updated(ctx, viewOf(tx, tx.s.entries), e.ID, e, func(e *servicedesk.TimeEntry) *int64 { return &e.Version })
}

// ListTimeEntries implements servicedesk.TimeStore.
func (tx *Tx) ListTimeEntries(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
	return viewOf(tx, tx.s.entries).listGroup(ctx, tx.s.entriesByClient, clientID.UUID, page)
}

// ListTicketTime implements servicedesk.TimeStore.
func (tx *Tx) ListTicketTime(ctx context.Context, ticket psa.TicketID) ([]servicedesk.TimeEntry, error) {
	if psa.IsNil(ticket) {
		return nil, nil
	}
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
		return viewOf(tx, tx.s.entries).listGroup(ctx, tx.s.entriesByTicket, ticket.UUID, p)
	})
}

// GetPolicy implements servicedesk.ConfigStore.
func (tx *Tx) GetPolicy(ctx context.Context, id psa.SLAPolicyID) (servicedesk.Policy, error) {
	return viewOf(tx, tx.s.policies).mustGet(ctx, id)
}

// PutPolicy implements servicedesk.ConfigStore.
func (tx *Tx) PutPolicy(ctx context.Context, p servicedesk.Policy) error {
	return put(ctx, viewOf(tx, tx.s.policies), p.ID, p, func(p *servicedesk.Policy) *int64 { return &p.Version })
}

// GetCalendar implements servicedesk.ConfigStore.
func (tx *Tx) GetCalendar(ctx context.Context, id psa.CalendarID) (servicedesk.Calendar, error) {
	return viewOf(tx, tx.s.calendars).mustGet(ctx, id)
}

// PutCalendar implements servicedesk.ConfigStore.
func (tx *Tx) PutCalendar(ctx context.Context, c servicedesk.Calendar) error {
	return put(ctx, viewOf(tx, tx.s.calendars), c.ID, c, func(c *servicedesk.Calendar) *int64 { return &c.Version })
}

// GetQueue implements servicedesk.ConfigStore.
func (tx *Tx) GetQueue(ctx context.Context, id psa.QueueID) (servicedesk.Queue, error) {
	return viewOf(tx, tx.s.queues).mustGet(ctx, id)
}

// PutQueue implements servicedesk.ConfigStore.
func (tx *Tx) PutQueue(ctx context.Context, q servicedesk.Queue) error {
	return put(ctx, viewOf(tx, tx.s.queues), q.ID, q, func(q *servicedesk.Queue) *int64 { return &q.Version })
}

// GetSettings implements servicedesk.ConfigStore.
func (tx *Tx) GetSettings(ctx context.Context) (servicedesk.Settings, error) {
	d, _, err := viewOf(tx, tx.s.deskSettings).get(ctx, tenantRow)
	return d.Settings, err
}

// PutSettings implements servicedesk.ConfigStore.
func (tx *Tx) PutSettings(ctx context.Context, set servicedesk.Settings) error {
	d, exists, err := viewOf(tx, tx.s.deskSettings).get(ctx, tenantRow)
	if err != nil {
		return err
	}
	if set.Version != d.Settings.Version {
		return &psa.VersionConflictError{Kind: "service-desk settings", ID: "tenant", Given: set.Version, Stored: d.Settings.Version}
	}
	set.Version++
	return viewOf(tx, tx.s.deskSettings).put(ctx, tenantRow, deskSettings{ID: tenantRow, Settings: set}, !exists)
}
