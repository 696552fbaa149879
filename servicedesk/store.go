package servicedesk

import (
	"context"
	"errors"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

// TicketStore keeps tickets and their notes. Like every store of psa it takes and returns
// copies, isolates transactions, and may report a lost race with an error wrapping
// psa.ErrConflict.
type TicketStore interface {
	// NextTicketNumber returns the next number of the tenant's ticket sequence: 1, 2, 3, ...,
	// each once (a rolled-back transaction gives its number back).
	NextTicketNumber(ctx context.Context) (int64, error)
	// GetTicket returns the ticket with id, or a *psa.NotFoundError.
	GetTicket(ctx context.Context, id psa.TicketID) (Ticket, error)
	// CreateTicket stores t as given; a taken ID or Number is a *psa.AlreadyExistsError.
	CreateTicket(ctx context.Context, t Ticket) error
	// UpdateTicket replaces the stored ticket t.ID; t.Version must be the stored version (else a
	// *psa.VersionConflictError) and is stored increased by one.
	UpdateTicket(ctx context.Context, t Ticket) error
	// ListTickets returns a page of client's tickets in ascending ID order.
	ListTickets(ctx context.Context, client psa.ClientID, page psa.PageRequest) (psa.Page[Ticket], error)
	// CreateNote stores n; a taken ID is a *psa.AlreadyExistsError. Notes are never changed.
	CreateNote(ctx context.Context, n Note) error
	// ListNotes returns every note of ticket in ascending ID order.
	ListNotes(ctx context.Context, ticket psa.TicketID) ([]Note, error)
}

// TimeStore keeps time entries, under the same rules as TicketStore.
type TimeStore interface {
	// GetTimeEntry returns the entry with id, or a *psa.NotFoundError.
	GetTimeEntry(ctx context.Context, id psa.TimeEntryID) (TimeEntry, error)
	// CreateTimeEntry stores e as given; a taken ID is a *psa.AlreadyExistsError.
	CreateTimeEntry(ctx context.Context, e TimeEntry) error
	// UpdateTimeEntry replaces the stored entry e.ID under the version rule of UpdateTicket.
	UpdateTimeEntry(ctx context.Context, e TimeEntry) error
	// ListTimeEntries returns a page of client's entries in ascending ID order.
	ListTimeEntries(ctx context.Context, client psa.ClientID, page psa.PageRequest) (psa.Page[TimeEntry], error)
	// ListTicketTime returns every entry of ticket in ascending ID order.
	ListTicketTime(ctx context.Context, ticket psa.TicketID) ([]TimeEntry, error)
}

// ConfigStore keeps the service desk's configuration: SLA policies, calendars, queues and the
// tenant's settings.
type ConfigStore interface {
	// GetPolicy returns the SLA policy with id, or a *psa.NotFoundError.
	GetPolicy(ctx context.Context, id psa.SLAPolicyID) (Policy, error)
	// PutPolicy creates p when p.Version is 0 (stored as version 1; a taken ID is a
	// *psa.AlreadyExistsError) and otherwise replaces it: p.Version must be the stored version
	// (else a *psa.VersionConflictError) and is stored increased by one.
	PutPolicy(ctx context.Context, p Policy) error
	// GetCalendar returns the calendar with id, or a *psa.NotFoundError.
	GetCalendar(ctx context.Context, id psa.CalendarID) (Calendar, error)
	// PutCalendar creates or replaces c like PutPolicy.
	PutCalendar(ctx context.Context, c Calendar) error
	// GetQueue returns the queue with id, or a *psa.NotFoundError.
	GetQueue(ctx context.Context, id psa.QueueID) (Queue, error)
	// PutQueue creates or replaces q like PutPolicy.
	PutQueue(ctx context.Context, q Queue) error
	// GetSettings returns the tenant's service-desk settings; before any are stored, the zero
	// Settings (Version 0).
	GetSettings(ctx context.Context) (Settings, error)
	// PutSettings stores s; s.Version must be the stored version (0 the first time) and is stored
	// increased by one.
	PutSettings(ctx context.Context, s Settings) error
}

// Tx is the transaction the service desk runs in: the client and contract stores (billing
// information, settings, assets, contracts) and this package's stores.
type Tx interface {
	contract.Tx
	TicketStore
	TimeStore
	ConfigStore
}

func isNotFound(err error) bool { return errors.Is(err, psa.ErrNotFound) }
