package pgstore

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/servicedesk"
)

var _ servicedesk.Tx = (*Tx)(nil)

var (
	tickets = (&table[psa.TicketID, servicedesk.Ticket]{
		kind: "ticket", name: "tickets",
		id:      func(t servicedesk.Ticket) psa.TicketID { return t.ID },
		version: func(t *servicedesk.Ticket) *int64 { return &t.Version },
		cols: []column[servicedesk.Ticket]{
			{"number", func(t servicedesk.Ticket) any { return t.Number }},
			{"client_id", func(t servicedesk.Ticket) any { return pgKey(t.ClientID) }},
		},
		uniques: []uniqueKey[servicedesk.Ticket]{
			{"tickets_number_key", "number", func(t servicedesk.Ticket) string { return itoa(t.Number) }},
		},
	}).build()

	notes = (&table[psa.NoteID, servicedesk.Note]{
		kind: "note", name: "ticket_notes",
		id: func(n servicedesk.Note) psa.NoteID { return n.ID },
		cols: []column[servicedesk.Note]{
			{"ticket_id", func(n servicedesk.Note) any { return pgKey(n.TicketID) }},
		},
	}).build()

	timeEntries = (&table[psa.TimeEntryID, servicedesk.TimeEntry]{
		kind: "time entry", name: "time_entries",
		id:      func(e servicedesk.TimeEntry) psa.TimeEntryID { return e.ID },
		version: func(e *servicedesk.TimeEntry) *int64 { return &e.Version },
		cols: []column[servicedesk.TimeEntry]{
			{"client_id", func(e servicedesk.TimeEntry) any { return pgKey(e.ClientID) }},
			{"ticket_id", func(e servicedesk.TimeEntry) any { return pgID(e.TicketID) }},
		},
	}).build()

	policies = (&table[psa.SLAPolicyID, servicedesk.Policy]{
		kind: "SLA policy", name: "sla_policies",
		id:      func(p servicedesk.Policy) psa.SLAPolicyID { return p.ID },
		version: func(p *servicedesk.Policy) *int64 { return &p.Version },
	}).build()

	calendars = (&table[psa.CalendarID, servicedesk.Calendar]{
		kind: "calendar", name: "calendars",
		id:      func(c servicedesk.Calendar) psa.CalendarID { return c.ID },
		version: func(c *servicedesk.Calendar) *int64 { return &c.Version },
	}).build()

	deskSettings = singleton[servicedesk.Settings]{
		kind: "service-desk settings", name: "desk_settings",
		version: func(s *servicedesk.Settings) *int64 { return &s.Version },
	}

	queues = (&table[psa.QueueID, servicedesk.Queue]{
		kind: "queue", name: "queues",
		id:      func(q servicedesk.Queue) psa.QueueID { return q.ID },
		version: func(q *servicedesk.Queue) *int64 { return &q.Version },
	}).build()
)

// NextTicketNumber implements servicedesk.TicketStore: the counter row is updated in the calling
// transaction, so a rollback gives the number back and concurrent transactions serialize on it.
func (tx *Tx) NextTicketNumber(ctx context.Context) (int64, error) {
	var n int64
	err := tx.tx.QueryRow(ctx, `INSERT INTO ticket_counter (tenant, last) VALUES (true, 1)
		ON CONFLICT (tenant) DO UPDATE SET last = ticket_counter.last + 1 RETURNING last`).Scan(&n)
	if err != nil {
		return 0, tx.fail("drawing a ticket number", err)
	}
	return n, nil
}

// GetTicket implements servicedesk.TicketStore.
func (tx *Tx) GetTicket(ctx context.Context, id psa.TicketID) (servicedesk.Ticket, error) {
	return tickets.get(ctx, tx, id)
}

// CreateTicket implements servicedesk.TicketStore.
func (tx *Tx) CreateTicket(ctx context.Context, t servicedesk.Ticket) error {
	return tickets.create(ctx, tx, t)
}

// UpdateTicket implements servicedesk.TicketStore.
func (tx *Tx) UpdateTicket(ctx context.Context, t servicedesk.Ticket) error {
	return tickets.update(ctx, tx, t)
}

// ListTickets implements servicedesk.TicketStore.
func (tx *Tx) ListTickets(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
	if p, ok, err := tickets.readPage(tx, page, "client_id", uuidOf(clientID)); ok || err != nil {
		return p, err
	}
	return tickets.list(ctx, tx, page, "client_id = $1", pgKey(clientID))
}

// CreateNote implements servicedesk.TicketStore. The note's ticket must be stored: an unknown
// ticket is a *psa.NotFoundError.
func (tx *Tx) CreateNote(ctx context.Context, n servicedesk.Note) error {
	return notes.create(ctx, tx, n)
}

// ListNotes implements servicedesk.TicketStore.
func (tx *Tx) ListNotes(ctx context.Context, ticket psa.TicketID) ([]servicedesk.Note, error) {
	return notes.all(ctx, tx, "ticket_id = $1", pgKey(ticket))
}

// GetTimeEntry implements servicedesk.TimeStore.
func (tx *Tx) GetTimeEntry(ctx context.Context, id psa.TimeEntryID) (servicedesk.TimeEntry, error) {
	return timeEntries.get(ctx, tx, id)
}

// CreateTimeEntry implements servicedesk.TimeStore.
func (tx *Tx) CreateTimeEntry(ctx context.Context, e servicedesk.TimeEntry) error {
	return timeEntries.create(ctx, tx, e)
}

// UpdateTimeEntry implements servicedesk.TimeStore.
func (tx *Tx) UpdateTimeEntry(ctx context.Context, e servicedesk.TimeEntry) error {
	return timeEntries.update(ctx, tx, e)
}

// ListTimeEntries implements servicedesk.TimeStore.
func (tx *Tx) ListTimeEntries(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
	if p, ok, err := timeEntries.readPage(tx, page, "client_id", uuidOf(clientID)); ok || err != nil {
		return p, err
	}
	return timeEntries.list(ctx, tx, page, "client_id = $1", pgKey(clientID))
}

// ListTicketTime implements servicedesk.TimeStore.
func (tx *Tx) ListTicketTime(ctx context.Context, ticket psa.TicketID) ([]servicedesk.TimeEntry, error) {
	if psa.IsNil(ticket) {
		return nil, nil
	}
	return timeEntries.all(ctx, tx, "ticket_id = $1", pgID(ticket))
}

// GetPolicy implements servicedesk.ConfigStore.
func (tx *Tx) GetPolicy(ctx context.Context, id psa.SLAPolicyID) (servicedesk.Policy, error) {
	return policies.get(ctx, tx, id)
}

// PutPolicy implements servicedesk.ConfigStore.
func (tx *Tx) PutPolicy(ctx context.Context, p servicedesk.Policy) error {
	return policies.put(ctx, tx, p)
}

// GetCalendar implements servicedesk.ConfigStore.
func (tx *Tx) GetCalendar(ctx context.Context, id psa.CalendarID) (servicedesk.Calendar, error) {
	return calendars.get(ctx, tx, id)
}

// PutCalendar implements servicedesk.ConfigStore.
func (tx *Tx) PutCalendar(ctx context.Context, c servicedesk.Calendar) error {
	return calendars.put(ctx, tx, c)
}

// GetQueue implements servicedesk.ConfigStore.
func (tx *Tx) GetQueue(ctx context.Context, id psa.QueueID) (servicedesk.Queue, error) {
	return queues.get(ctx, tx, id)
}

// PutQueue implements servicedesk.ConfigStore.
func (tx *Tx) PutQueue(ctx context.Context, q servicedesk.Queue) error {
	return queues.put(ctx, tx, q)
}

// GetSettings implements servicedesk.ConfigStore.
func (tx *Tx) GetSettings(ctx context.Context) (servicedesk.Settings, error) {
	return deskSettings.get(ctx, tx)
}

// PutSettings implements servicedesk.ConfigStore.
func (tx *Tx) PutSettings(ctx context.Context, s servicedesk.Settings) error {
	return deskSettings.put(ctx, tx, s)
}
