package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/servicedesk"
)

// serviceDeskCases are the cases of the stores of package servicedesk (servicedesk.Tx): tickets
// and notes, time entries, SLA policies, calendars, queues, the tenant's settings and its ticket
// number sequence. The tickets and time entries they store belong to clients that are not stored
// (except where a case says so): the store methods take a ClientID as a plain value; notes belong
// to stored tickets.
func serviceDeskCases() []testCase {
	needs := []string{"ServiceDesk"}
	return []testCase{
		{
			name: "RoundTripTicket",
			contract: "CreateTicket and UpdateTicket store a ticket as given, every field included (its attachments in order, and every instant " +
				"and duration of its SLA clock to the microsecond), and GetTicket and ListTickets return a value equal to it.",
			needs: needs, run: testRoundTripTicket,
		},
		{
			name: "RoundTripNote",
			contract: "CreateNote stores a note as given, and ListNotes returns every note of the ticket, each equal to what was stored, in " +
				"ascending ID order and only that ticket's; a ticket without notes has an empty list, not an error.",
			needs: needs, run: testRoundTripNote,
		},
		{
			name: "RoundTripTimeEntry",
			contract: "CreateTimeEntry and UpdateTimeEntry store a time entry as given, every field included (start, end, approval instant, " +
				"rate, rate source, invoice), and GetTimeEntry, ListTimeEntries and ListTicketTime return a value equal to it " +
				"(142.5 EUR equals 142.50 EUR; an unset rate stays the zero Money).",
			needs: needs, run: testRoundTripTimeEntry,
		},
		{
			name: "RoundTripPolicy",
			contract: "PutPolicy with Version 0 stores an SLA policy as given with Version 1, and with the stored version replaces it " +
				"(Version+1); GetPolicy returns it with every target and issue-type override, in order.",
			needs: needs, run: testRoundTripPolicy,
		},
		{
			name: "RoundTripCalendar",
			contract: "PutCalendar with Version 0 stores a calendar as given with Version 1, and with the stored version replaces it; " +
				"GetCalendar returns it with every weekday's intervals, one-off and yearly holidays and AlwaysOpen as stored.",
			needs: needs, run: testRoundTripCalendar,
		},
		{
			name:     "RoundTripQueue",
			contract: "PutQueue with Version 0 stores a queue as given with Version 1, and with the stored version replaces it; GetQueue returns it.",
			needs:    needs, run: testRoundTripQueue,
		},
		{
			name: "ServiceDeskNotFound",
			contract: "GetTicket, GetTimeEntry, GetPolicy, GetCalendar and GetQueue of an unknown ID, and UpdateTicket and UpdateTimeEntry of an " +
				"unknown ID, fail with a *psa.NotFoundError; PutPolicy, PutCalendar and PutQueue with a version other than 0 of an unknown ID " +
				"fail with a *psa.NotFoundError or a *psa.VersionConflictError; a failed write creates nothing.",
			needs: needs, run: testServiceDeskNotFound,
		},
		{
			name: "ServiceDeskAlreadyExistsID",
			contract: "CreateTicket, CreateNote and CreateTimeEntry, and PutPolicy, PutCalendar and PutQueue with Version 0, fail with a " +
				"*psa.AlreadyExistsError (wrapping psa.ErrAlreadyExists) when the ID is taken, and leave the stored value unchanged.",
			needs: needs, run: testServiceDeskAlreadyExistsID,
		},
		{
			name: "UniqueTicketNumber",
			contract: "A ticket Number is unique: CreateTicket and UpdateTicket fail with a *psa.AlreadyExistsError when another ticket (of " +
				"any client) has it, in another transaction or the same one; a Number changed away from is free again.",
			needs: needs, run: func(t *testing.T, h Harness) { checkUniqueKey(t, h.ServiceDesk, ticketKind) },
		},
		{
			name: "ServiceDeskVersions",
			contract: "UpdateTicket, UpdateTimeEntry, PutPolicy, PutCalendar and PutQueue succeed only when the given Version equals the stored " +
				"one, and then store Version+1; a stale Version fails with a *psa.VersionConflictError and changes nothing (a Put with " +
				"Version 0 is a create, refused with a *psa.AlreadyExistsError).",
			needs: needs, run: testServiceDeskVersions,
		},
		{
			name: "TicketNumbers",
			contract: "NextTicketNumber returns 1, 2, 3, ... each once, also several in one transaction; a transaction that rolls back gives " +
				"its numbers back, so the next transaction gets the same number.",
			needs: needs, run: testTicketNumbers,
		},
		{
			name: "ConcurrentTicketNumbers",
			contract: "Concurrent transactions that each take a ticket number get distinct, consecutive numbers: a lost race may only surface " +
				"as an error wrapping psa.ErrConflict, after which a retry succeeds.",
			needs: needs, run: testConcurrentTicketNumbers,
		},
		{
			name: "Settings",
			contract: "GetSettings before any PutSettings returns the zero Settings (Version 0); PutSettings with the stored version (0 the " +
				"first time) stores the settings as given with Version+1, a stale version fails with a *psa.VersionConflictError, a " +
				"rolled-back PutSettings leaves nothing, and the settings' slices are copied in and out.",
			needs: needs, run: testSettings,
		},
		{
			name: "TicketTime",
			contract: "ListTicketTime returns exactly the ticket's time entries, in ascending ID order, each equal to what was stored, follows " +
				"an UpdateTimeEntry that moves an entry to another ticket, sees the transaction's own writes, and is empty, not an error, " +
				"for a ticket without time.",
			needs: needs, run: testTicketTime,
		},
		{
			name: "ServiceDeskRollback",
			contract: "When fn returns an error the service-desk runner returns that error unchanged and keeps nothing fn wrote: the ticket " +
				"number it took, tickets, notes, time entries, policies, calendars, queues, settings and updates are all undone.",
			needs: needs, run: testServiceDeskRollback,
		},
		{
			name: "ServiceDeskReadYourOwnWrites",
			contract: "Inside one transaction, the tickets, notes, time entries, policies, calendars, queues and settings it wrote are returned by " +
				"every read before it commits, updates and the version rule included, and commit together.",
			needs: needs, run: testServiceDeskReadYourOwnWrites,
		},
		{
			name: "ServiceDeskSharesStore",
			contract: "Harness.ServiceDesk runs on the same store as Harness.Client and Harness.Contract: what one commits, a later transaction " +
				"of another reads, and a servicedesk.Tx writes clients, contracts and tickets in one transaction.",
			needs: []string{"Client", "Contract", "ServiceDesk"}, run: testServiceDeskSharesStore,
		},
		{
			name: "ServiceDeskNoAliasing",
			contract: "Stores take and return copies: changing a ticket's Attachments, a policy's Targets or overrides, or a calendar's Week " +
				"intervals or holidays after passing the value to a Create, Update or Put call, or in a value a Get or List call returned, " +
				"does not change what is stored.",
			needs: needs, run: testServiceDeskNoAliasing,
		},
		{
			name: "PaginateTickets",
			contract: "ListTickets walks exactly the given client's tickets, each once, in ascending ID order, at most Limit per page, and " +
				"follows an UpdateTicket that changes ClientID.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkPagination(t, h.ServiceDesk, ticketKind, []int{23, 7, 0}, []int{10, 0}, nil)
			},
		},
		{
			name: "PaginateTimeEntries",
			contract: "ListTimeEntries walks exactly the given client's time entries, each once, in ascending ID order, at most Limit per page, " +
				"and follows an UpdateTimeEntry that changes ClientID.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkPagination(t, h.ServiceDesk, timeEntryKind, []int{23, 7, 0}, []int{10, 0}, nil)
			},
		},
		{
			name: "InvalidServiceDeskPageRequest",
			contract: "ListTickets and ListTimeEntries with a cursor the store did not issue fail with an error wrapping psa.ErrBadCursor " +
				"(and psa.ErrInvalid); a negative Limit fails with psa.ErrInvalid.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkInvalidPages(t, h.ServiceDesk, ticketKind)
				checkInvalidPages(t, h.ServiceDesk, timeEntryKind)
			},
		},
		{
			name: "ServiceDeskConcurrentCreates",
			contract: "Of concurrent transactions creating tickets with one Number (or one ID), notes, time entries or policies with one ID, " +
				"exactly one succeeds; the others fail with psa.ErrAlreadyExists (a lost race may first be reported as psa.ErrConflict).",
			needs: needs, run: testServiceDeskConcurrentCreates,
		},
	}
}

// The kinds of package servicedesk, for the generic cases. Tickets and time entries belong to
// clients that are not stored, notes to stored tickets; policies, calendars and queues have
// Put<name> for Create and Update.
var (
	ticketKind = kind[servicedesk.Tx, psa.TicketID, psa.ClientID, servicedesk.Ticket]{
		name: "Ticket", ownerName: "client", keyName: "Number",
		fields: func(tk *servicedesk.Ticket) fields[psa.TicketID, psa.ClientID] {
			return fields[psa.TicketID, psa.ClientID]{id: &tk.ID, owner: &tk.ClientID, number: &tk.Number, version: &tk.Version, label: &tk.Title}
		},
		create: servicedesk.Tx.CreateTicket, get: servicedesk.Tx.GetTicket, update: servicedesk.Tx.UpdateTicket, listOf: servicedesk.Tx.ListTickets,
		bare: func(_ *testing.T, id psa.TicketID, owner psa.ClientID, title string) servicedesk.Ticket {
			return newTicket(id, owner, title)
		},
		owners: unstored[servicedesk.Tx, psa.ClientID],
		clone:  copyTicket, scribble: scribbleTicket,
	}
	noteKind = kind[servicedesk.Tx, psa.NoteID, psa.TicketID, servicedesk.Note]{
		name: "Note", ownerName: "ticket",
		fields: func(n *servicedesk.Note) fields[psa.NoteID, psa.TicketID] {
			return fields[psa.NoteID, psa.TicketID]{id: &n.ID, owner: &n.TicketID, label: &n.Text}
		},
		create: servicedesk.Tx.CreateNote, every: servicedesk.Tx.ListNotes,
		bare: newNote, owners: ownersOf(ticketKind),
	}
	timeEntryKind = kind[servicedesk.Tx, psa.TimeEntryID, psa.ClientID, servicedesk.TimeEntry]{
		name: "TimeEntry", plural: "TimeEntries", ownerName: "client",
		fields: func(e *servicedesk.TimeEntry) fields[psa.TimeEntryID, psa.ClientID] {
			return fields[psa.TimeEntryID, psa.ClientID]{id: &e.ID, owner: &e.ClientID, version: &e.Version, label: &e.Note}
		},
		create: servicedesk.Tx.CreateTimeEntry, get: servicedesk.Tx.GetTimeEntry, update: servicedesk.Tx.UpdateTimeEntry,
		listOf: servicedesk.Tx.ListTimeEntries,
		more: func(e servicedesk.TimeEntry) []reader[servicedesk.Tx, servicedesk.TimeEntry] {
			if psa.IsNil(e.TicketID) {
				return nil
			}
			return []reader[servicedesk.Tx, servicedesk.TimeEntry]{{"ListTicketTime", ticketTime(e.TicketID)}}
		},
		bare: newTimeEntry, owners: unstored[servicedesk.Tx, psa.ClientID],
	}
	policyKind = kind[servicedesk.Tx, psa.SLAPolicyID, psa.SLAPolicyID, servicedesk.Policy]{
		name: "Policy",
		fields: func(p *servicedesk.Policy) fields[psa.SLAPolicyID, psa.SLAPolicyID] {
			return fields[psa.SLAPolicyID, psa.SLAPolicyID]{id: &p.ID, version: &p.Version, label: &p.Name}
		},
		get: servicedesk.Tx.GetPolicy,
		bare: func(_ *testing.T, id, _ psa.SLAPolicyID, name string) servicedesk.Policy {
			return newPolicy(id, name)
		},
		clone: copyPolicy, scribble: scribblePolicy,
	}.withPut(servicedesk.Tx.PutPolicy)
	calendarKind = kind[servicedesk.Tx, psa.CalendarID, psa.CalendarID, servicedesk.Calendar]{
		name: "Calendar",
		fields: func(c *servicedesk.Calendar) fields[psa.CalendarID, psa.CalendarID] {
			return fields[psa.CalendarID, psa.CalendarID]{id: &c.ID, version: &c.Version, label: &c.Name}
		},
		get: servicedesk.Tx.GetCalendar,
		bare: func(_ *testing.T, id, _ psa.CalendarID, name string) servicedesk.Calendar {
			return newCalendar(id, name)
		},
		clone: copyCalendar, scribble: scribbleCalendar,
	}.withPut(servicedesk.Tx.PutCalendar)
	queueKind = kind[servicedesk.Tx, psa.QueueID, psa.QueueID, servicedesk.Queue]{
		name: "Queue",
		fields: func(q *servicedesk.Queue) fields[psa.QueueID, psa.QueueID] {
			return fields[psa.QueueID, psa.QueueID]{id: &q.ID, version: &q.Version, label: &q.Name}
		},
		get: servicedesk.Tx.GetQueue,
		bare: func(_ *testing.T, id, _ psa.QueueID, name string) servicedesk.Queue {
			return newQueue(id, name)
		},
	}.withPut(servicedesk.Tx.PutQueue)
)

// ticketTime returns the read of ticket's time entries.
func ticketTime(ticket psa.TicketID) func(ctx context.Context, tx servicedesk.Tx) ([]servicedesk.TimeEntry, error) {
	return func(ctx context.Context, tx servicedesk.Tx) ([]servicedesk.TimeEntry, error) {
		return tx.ListTicketTime(ctx, ticket)
	}
}

// notesOf returns the read of ticket's notes.
func notesOf(ticket psa.TicketID) func(ctx context.Context, tx servicedesk.Tx) ([]servicedesk.Note, error) {
	return func(ctx context.Context, tx servicedesk.Tx) ([]servicedesk.Note, error) {
		return tx.ListNotes(ctx, ticket)
	}
}

func getSettings(ctx context.Context, tx servicedesk.Tx) (servicedesk.Settings, error) {
	return tx.GetSettings(ctx)
}

// puttingSettings returns a write that stores s with PutSettings.
func puttingSettings(s servicedesk.Settings) func(ctx context.Context, tx servicedesk.Tx) error {
	return func(ctx context.Context, tx servicedesk.Tx) error {
		if err := tx.PutSettings(ctx, s); err != nil {
			return fmt.Errorf("PutSettings with version %d: %w", s.Version, err)
		}
		return nil
	}
}

// takingNumbers returns the read of n ticket numbers, taken in one transaction.
func takingNumbers(n int) func(ctx context.Context, tx servicedesk.Tx) ([]int64, error) {
	return func(ctx context.Context, tx servicedesk.Tx) ([]int64, error) {
		var out []int64
		for range n {
			v, err := tx.NextTicketNumber(ctx)
			if err != nil {
				return out, fmt.Errorf("NextTicketNumber: %w", err)
			}
			out = append(out, v)
		}
		return out, nil
	}
}

// wantNumbers reports an error unless got are the numbers from, from+1, ...
func wantNumbers(t *testing.T, what string, got []int64, from int64) {
	t.Helper()
	want := make([]int64, len(got))
	for i := range want {
		want[i] = from + int64(i)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s: ticket numbers differ (-want +got):\n%s", what, d)
	}
}

// wantTicketTime reports an error unless ListTicketTime of ticket, in a transaction of its own,
// returns exactly want, in ascending ID order.
func wantTicketTime(t *testing.T, run psa.Runner[servicedesk.Tx], what string, ticket psa.TicketID, want ...servicedesk.TimeEntry) {
	t.Helper()
	got, err := read(t, run, ticketTime(ticket))
	wantTicketTimeIs(t, what, got, err, want)
}

// wantTicketTimeIs reports an error unless a ListTicketTime call returned want, in ascending ID
// order, without error.
func wantTicketTimeIs(t *testing.T, what string, got []servicedesk.TimeEntry, err error, want []servicedesk.TimeEntry) {
	t.Helper()
	if err != nil {
		t.Errorf("ListTicketTime %s: %v", what, err)
		return
	}
	ids := make([]psa.TimeEntryID, len(want))
	for i, e := range want {
		ids[i] = e.ID
	}
	wantIDs(t, "ListTicketTime "+what, got, timeEntryKind.idOf, ids)
	for _, w := range want {
		if g, ok := find(got, timeEntryKind.idOf, w.ID); ok {
			diff(t, "ListTicketTime "+what+": item", w, g)
		}
	}
}

func testRoundTripTicket(t *testing.T, h Harness) {
	owner, elsewhere := randomID[psa.ClientID](), randomID[psa.ClientID]()
	full := fullTicket(t, newID[psa.TicketID](t), owner, 4711)
	bare := newTicket(randomID[psa.TicketID](), owner, "Printer jam")
	other := newTicket(newID[psa.TicketID](t), elsewhere, "Another client's")
	ticketKind.store(t, h.ServiceDesk, full, bare, other)
	samples := []sample[servicedesk.Ticket]{
		same("a ticket with every field set", full), same("a ticket with only the required fields", bare), same("a ticket of another client", other),
	}
	wantReadBack(t, h.ServiceDesk, ticketKind, samples...)

	// An update stores every field too: the clock resumed, an attachment added, the status moved.
	u := copyTicket(full)
	u.Attachments = append(u.Attachments, servicedesk.Attachment{Name: "dock-firmware.log", ContentType: "text/plain", Size: 1_337, StorageKey: "tickets/" + u.ID.String() + "/3"})
	u.Status = servicedesk.StatusInProgress
	u.SLA.PausedSince = time.Time{}
	u.SLA.Resolution = servicedesk.TargetClock{Paused: u.SLA.Resolution.Paused + 19*time.Minute + 59*time.Second + 999_999*time.Microsecond}
	u.UpdatedAt = ts0.Add(time.Hour + 1*time.Microsecond)
	inTx(t, h.ServiceDesk, "UpdateTicket resuming the clock and adding an attachment", ticketKind.updating(u))
	u.Version = 2
	samples[0] = same("a ticket after an UpdateTicket (want Version 2)", u)
	wantReadBack(t, h.ServiceDesk, ticketKind, samples...)
}

func testRoundTripNote(t *testing.T, h Harness) {
	owner := randomID[psa.ClientID]()
	tk, other, quiet := newTicket(newID[psa.TicketID](t), owner, "T"), newTicket(randomID[psa.TicketID](), owner, "Other"), newTicket(newID[psa.TicketID](t), owner, "Quiet")
	ticketKind.store(t, h.ServiceDesk, tk, other, quiet)

	byStaff := servicedesk.Note{
		ID: newID[psa.NoteID](t), TicketID: tk.ID, StaffID: newID[psa.StaffID](t), Public: true,
		Text: "Hallo Frau Müller,\nwir haben das Dock-Firmware-Update eingespielt. Bitte testen Sie erneut.", CreatedAt: ts0.Add(5*time.Minute + 7*time.Microsecond),
	}
	byContact := servicedesk.Note{
		ID: randomID[psa.NoteID](), TicketID: tk.ID, ContactID: newID[psa.ContactID](t), Public: true,
		Text: "Works again, thank you!", CreatedAt: ts0.Add(2*time.Hour + 11*time.Microsecond),
	}
	internal := newNote(t, randomID[psa.NoteID](), tk.ID, "Internal: firmware 1.2.3 fixes it; roll out to the other docks.")
	internal.CreatedAt = ts0.Add(time.Hour + 3*time.Microsecond)
	elsewhere := newNote(t, newID[psa.NoteID](t), other.ID, "A note on another ticket")
	// Two transactions, each creating notes out of ID order.
	setUp(t, h.ServiceDesk, noteKind.creating(byContact, byStaff))
	setUp(t, h.ServiceDesk, noteKind.creating(elsewhere, internal))

	wantReadBack(t, h.ServiceDesk, noteKind, same("a note by a staff member", byStaff), same("a note by a contact", byContact),
		same("an internal note", internal), same("a note on another ticket", elsewhere))
	for _, c := range []struct {
		what string
		id   psa.TicketID
	}{{"a ticket without notes", quiet.ID}, {"an unknown ticket", randomID[psa.TicketID]()}} {
		got, err := read(t, h.ServiceDesk, notesOf(c.id))
		switch {
		case err != nil:
			t.Errorf("ListNotes of %s: got error %v, want an empty list", c.what, err)
		case len(got) != 0:
			t.Errorf("ListNotes of %s: got %d notes, want none:\n%+v", c.what, len(got), got)
		}
	}
}

func testRoundTripTimeEntry(t *testing.T, h Harness) {
	owner, elsewhere := randomID[psa.ClientID](), randomID[psa.ClientID]()
	tk := newTicket(newID[psa.TicketID](t), owner, "Worked on")
	ticketKind.store(t, h.ServiceDesk, tk)
	full := fullTimeEntry(t, newID[psa.TimeEntryID](t), owner, tk.ID, "142.5")
	bare := newTimeEntry(t, randomID[psa.TimeEntryID](), owner, "Quick call")
	other := newTimeEntry(t, newID[psa.TimeEntryID](t), elsewhere, "Another client's")
	other.Rate = money(t, "0.00", "CHF")
	timeEntryKind.store(t, h.ServiceDesk, full, bare, other)

	// The same values, written differently.
	want := full
	want.Rate = money(t, "142.50", "EUR")
	samples := []sample[servicedesk.TimeEntry]{
		{"an entry with every field set", full, want}, same("an entry with only the required fields", bare), same("an entry with an explicit zero rate", other),
	}
	wantReadBack(t, h.ServiceDesk, timeEntryKind, samples...)

	// An update stores every field too.
	u := want
	u.Status, u.InvoiceID = servicedesk.EntryApproved, psa.InvoiceID{}
	u.Start, u.End = u.Start.Add(-15*time.Minute-1*time.Microsecond), u.End.Add(2*time.Microsecond)
	u.Duration = u.End.Sub(u.Start)
	u.ApprovedAt = ts0.Add(30*time.Hour + 5*time.Microsecond)
	inTx(t, h.ServiceDesk, "UpdateTimeEntry", timeEntryKind.updating(u))
	u.Version = 2
	samples[0] = same("an entry after an UpdateTimeEntry (want Version 2)", u)
	wantReadBack(t, h.ServiceDesk, timeEntryKind, samples...)
}

func testRoundTripPolicy(t *testing.T, h Harness) {
	full := fullPolicy(t, newID[psa.SLAPolicyID](t))
	bare := newPolicy(randomID[psa.SLAPolicyID](), "No targets")
	policyKind.store(t, h.ServiceDesk, full, bare)
	samples := []sample[servicedesk.Policy]{same("a policy with targets and issue-type overrides", full), same("a policy without targets", bare)}
	wantReadBack(t, h.ServiceDesk, policyKind, samples...)

	// A put with the stored version replaces the targets and overrides.
	u := copyPolicy(full)
	u.Targets = u.Targets[1:]
	u.ByIssue = append(u.ByIssue, servicedesk.IssueTargets{IssueType: "Printing", Targets: []servicedesk.Target{{Priority: servicedesk.Low, FirstResponse: 8 * time.Hour}}})
	u.ByIssue[0].Targets[1].Resolution = 5*time.Hour + 15*time.Minute
	inTx(t, h.ServiceDesk, "PutPolicy with the stored version", policyKind.updating(u))
	u.Version = 2
	samples[0] = same("a policy after PutPolicy with the stored version (want Version 2)", u)
	wantReadBack(t, h.ServiceDesk, policyKind, samples...)
}

func testRoundTripCalendar(t *testing.T, h Harness) {
	full := fullCalendar(newID[psa.CalendarID](t))
	bare := newCalendar(randomID[psa.CalendarID](), "Not worked")
	always := servicedesk.AlwaysOpen("America/New_York")
	always.ID, always.Version = newID[psa.CalendarID](t), 1
	calendarKind.store(t, h.ServiceDesk, full, bare, always)
	samples := []sample[servicedesk.Calendar]{
		same("a calendar with working hours on six days and holidays", full), same("a calendar without hours", bare), same("a 24x7 calendar", always),
	}
	wantReadBack(t, h.ServiceDesk, calendarKind, samples...)

	// A put with the stored version replaces the hours and holidays.
	u := copyCalendar(full)
	u.Week[time.Sunday] = []servicedesk.Interval{{Start: at(10, 0), End: at(14, 0)}}
	u.Week[time.Saturday] = nil
	u.Holidays = append(u.Holidays[1:], day(2026, time.January, 2))
	u.Yearly = u.Yearly[:3]
	u.TimeZone = "Europe/Zurich"
	inTx(t, h.ServiceDesk, "PutCalendar with the stored version", calendarKind.updating(u))
	u.Version = 2
	samples[0] = same("a calendar after PutCalendar with the stored version (want Version 2)", u)
	wantReadBack(t, h.ServiceDesk, calendarKind, samples...)
}

func testRoundTripQueue(t *testing.T, h Harness) {
	a, b := newQueue(newID[psa.QueueID](t), "Tier 1 – Service desk"), newQueue(randomID[psa.QueueID](), "Tier 2 – Network & VPN")
	queueKind.store(t, h.ServiceDesk, a, b)
	wantReadBack(t, h.ServiceDesk, queueKind, same("a queue", a), same("another queue", b))
	a.Name = "Tier 1 – Onsite"
	inTx(t, h.ServiceDesk, "PutQueue with the stored version", queueKind.updating(a))
	a.Version = 2
	wantReadBack(t, h.ServiceDesk, queueKind, same("a queue after PutQueue with the stored version (want Version 2)", a), same("another queue", b))
}

func testServiceDeskNotFound(t *testing.T, h Harness) {
	t.Run("ticket", func(t *testing.T) { checkNotFound(t, h.ServiceDesk, ticketKind) })
	t.Run("time entry", func(t *testing.T) { checkNotFound(t, h.ServiceDesk, timeEntryKind) })
	t.Run("policy", func(t *testing.T) { checkNotFound(t, h.ServiceDesk, policyKind) })
	t.Run("calendar", func(t *testing.T) { checkNotFound(t, h.ServiceDesk, calendarKind) })
	t.Run("queue", func(t *testing.T) { checkNotFound(t, h.ServiceDesk, queueKind) })
	// The ID of another kind of object is an unknown ID.
	tk := newTicket(newID[psa.TicketID](t), randomID[psa.ClientID](), "Known")
	ticketKind.store(t, h.ServiceDesk, tk)
	timeEntryKind.wantNoID(t, h.ServiceDesk, "GetTimeEntry of a ticket's ID", psa.TimeEntryID(tk.ID))
	queueKind.wantNoID(t, h.ServiceDesk, "GetQueue of a ticket's ID", psa.QueueID(tk.ID))
}

func testServiceDeskAlreadyExistsID(t *testing.T, h Harness) {
	t.Run("ticket", func(t *testing.T) { checkIDTaken(t, h.ServiceDesk, ticketKind) })
	t.Run("note", func(t *testing.T) { checkIDTaken(t, h.ServiceDesk, noteKind) })
	t.Run("time entry", func(t *testing.T) { checkIDTaken(t, h.ServiceDesk, timeEntryKind) })
	t.Run("policy", func(t *testing.T) { checkIDTaken(t, h.ServiceDesk, policyKind) })
	t.Run("calendar", func(t *testing.T) { checkIDTaken(t, h.ServiceDesk, calendarKind) })
	t.Run("queue", func(t *testing.T) { checkIDTaken(t, h.ServiceDesk, queueKind) })
}

func testServiceDeskVersions(t *testing.T, h Harness) {
	run := h.ServiceDesk
	t.Run("ticket", func(t *testing.T) {
		checkVersions(t, run, ticketKind, fullTicket(t, randomID[psa.TicketID](), randomID[psa.ClientID](), 1))
	})
	t.Run("time entry", func(t *testing.T) {
		checkVersions(t, run, timeEntryKind, fullTimeEntry(t, randomID[psa.TimeEntryID](), randomID[psa.ClientID](), randomID[psa.TicketID](), "99"))
	})
	t.Run("policy", func(t *testing.T) { checkVersions(t, run, policyKind, fullPolicy(t, randomID[psa.SLAPolicyID]())) })
	t.Run("calendar", func(t *testing.T) { checkVersions(t, run, calendarKind, fullCalendar(randomID[psa.CalendarID]())) })
	t.Run("queue", func(t *testing.T) { checkVersions(t, run, queueKind, newQueue(randomID[psa.QueueID](), "Versioned")) })
}

func testTicketNumbers(t *testing.T, h Harness) {
	run := h.ServiceDesk
	wantNumbers(t, "NextTicketNumber in the first transaction", mustRead(t, run, "NextTicketNumber", takingNumbers(1)), 1)
	wantNumbers(t, "NextTicketNumber three times in one transaction", mustRead(t, run, "NextTicketNumber", takingNumbers(3)), 2)

	// A transaction that rolls back gives its numbers back: the next one gets the same numbers.
	sentinel := errors.New("storetest: rollback sentinel")
	next := int64(5)
	for _, n := range []int{1, 2} {
		var taken []int64
		err := run(t.Context(), func(ctx context.Context, tx servicedesk.Tx) error {
			var err error
			if taken, err = takingNumbers(n)(ctx, tx); err != nil {
				return err
			}
			return sentinel
		})
		if !errors.Is(err, sentinel) {
			t.Fatalf("a transaction taking %d ticket numbers, then returning an error: the runner returned %v, want the sentinel", n, err)
		}
		what := fmt.Sprintf("%d NextTicketNumber calls in a transaction that rolls back", n)
		wantNumbers(t, what, taken, next)
		wantNumbers(t, fmt.Sprintf("as many NextTicketNumber calls in the transaction after %s", what), mustRead(t, run, "NextTicketNumber", takingNumbers(n)), next)
		next += int64(n)
	}
	wantNumbers(t, "NextTicketNumber at last", mustRead(t, run, "NextTicketNumber", takingNumbers(1)), next)
}

func testConcurrentTicketNumbers(t *testing.T, h Harness) {
	const n = 16
	run := h.ServiceDesk
	got := make([]int64, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			wantRetried(t, fmt.Sprintf("transaction %d taking a ticket number", i), func() error {
				return run(t.Context(), func(ctx context.Context, tx servicedesk.Tx) error {
					var err error
					got[i], err = tx.NextTicketNumber(ctx)
					return err
				})
			}, psa.ErrConflict)
		})
	}
	close(start)
	wg.Wait()
	slices.Sort(got)
	wantNumbers(t, fmt.Sprintf("the numbers %d concurrent transactions took, sorted", n), got, 1)
	wantNumbers(t, "NextTicketNumber after the concurrent transactions", mustRead(t, run, "NextTicketNumber", takingNumbers(1)), n+1)
}

func testSettings(t *testing.T, h Harness) {
	run := h.ServiceDesk
	var zero servicedesk.Settings
	diff(t, "GetSettings before any PutSettings (want the zero Settings, Version 0)", zero, mustRead(t, run, "GetSettings before any PutSettings", getSettings))

	// A rolled-back first PutSettings leaves nothing; one that commits stores Version 1.
	s := fullSettings(t)
	checkRollback(t, "service-desk runner", run, puttingSettings(s), func(how string) {
		t.Helper()
		diff(t, "GetSettings "+how+" (want the zero Settings, Version 0)", zero, mustRead(t, run, "GetSettings", getSettings))
	})
	want := copySettings(s)
	want.Version = 1
	want.DefaultRates[0].Rate = money(t, "120.50", "EUR")
	diff(t, "GetSettings after PutSettings with Version 0 (want Version 1)", want, mustRead(t, run, "GetSettings", getSettings))

	// Stale versions fail with a *psa.VersionConflictError and change nothing, not even in the
	// transaction that goes on after the failure.
	for _, stale := range []int64{0, 2} {
		what := fmt.Sprintf("PutSettings with version %d while version 1 is stored", stale)
		u := copySettings(want)
		u.Version, u.Categories = stale, []string{"stale"}
		err := run(t.Context(), func(ctx context.Context, tx servicedesk.Tx) error {
			err := tx.PutSettings(ctx, u)
			if err == nil {
				return nil
			}
			got, gerr := tx.GetSettings(ctx)
			wantRead(t, what+", then GetSettings in the same transaction", want, got, gerr)
			return err
		})
		wantVersionConflict(t, what, err, stale, 1)
		diff(t, what+", then GetSettings", want, mustRead(t, run, "GetSettings", getSettings))
	}

	// The stored version succeeds; the settings' slices are copied in and out.
	u := copySettings(want)
	u.Categories = append(u.Categories, "Security")
	u.ShowTimeEntriesInPortal = false
	wantU := copySettings(u)
	wantU.Version = 2
	inTx(t, run, "PutSettings with the stored version 1, changing the values passed and returned", func(ctx context.Context, tx servicedesk.Tx) error {
		passed := copySettings(u)
		if err := tx.PutSettings(ctx, passed); err != nil {
			return fmt.Errorf("PutSettings with the stored version 1: %w", err)
		}
		scribbleSettings(t, &passed)
		got, err := tx.GetSettings(ctx)
		wantRead(t, "GetSettings in the same transaction after the caller changed the value it passed to PutSettings (want Version 2)", wantU, got, err)
		scribbleSettings(t, &got)
		again, err := tx.GetSettings(ctx)
		wantRead(t, "GetSettings in the same transaction after the caller changed a value GetSettings returned", wantU, again, err)
		return nil
	})
	diff(t, "GetSettings after the caller changed the value it passed to PutSettings (want Version 2)", wantU, mustRead(t, run, "GetSettings", getSettings))
	got := mustRead(t, run, "GetSettings", getSettings)
	scribbleSettings(t, &got)
	diff(t, "GetSettings after the caller changed a value GetSettings returned", wantU, mustRead(t, run, "GetSettings", getSettings))
}

func testTicketTime(t *testing.T, h Harness) {
	run := h.ServiceDesk
	owner := randomID[psa.ClientID]()
	a, b, quiet := newTicket(newID[psa.TicketID](t), owner, "A"), newTicket(randomID[psa.TicketID](), owner, "B"), newTicket(newID[psa.TicketID](t), owner, "Quiet")
	ticketKind.store(t, run, a, b, quiet)
	on := func(i int, ticket psa.TicketID) servicedesk.TimeEntry {
		e := newTimeEntry(t, mixedID[psa.TimeEntryID](t, i), owner, fmt.Sprintf("Entry %d", i))
		e.TicketID = ticket
		return e
	}
	a1, a2, a3, b1 := on(0, a.ID), on(1, a.ID), on(2, a.ID), on(3, b.ID)
	loose := newTimeEntry(t, randomID[psa.TimeEntryID](), owner, "Without a ticket")
	setUp(t, run, timeEntryKind.creating(a3, b1, loose))
	setUp(t, run, timeEntryKind.creating(a2, a1))
	wantTicketTime(t, run, "of ticket A", a.ID, a1, a2, a3)
	wantTicketTime(t, run, "of ticket B", b.ID, b1)
	wantTicketTime(t, run, "of a ticket without time", quiet.ID)
	wantTicketTime(t, run, "of an unknown ticket", randomID[psa.TicketID]())

	// An entry moved to another ticket is listed there only.
	moved := a2
	moved.TicketID = b.ID
	inTx(t, run, "UpdateTimeEntry moving an entry to ticket B", timeEntryKind.updating(moved))
	moved.Version = 2
	wantTicketTime(t, run, "of ticket A after an entry moved away", a.ID, a1, a3)
	wantTicketTime(t, run, "of ticket B after an entry moved to it", b.ID, b1, moved)

	// A transaction lists the entries it created.
	a4 := on(4, a.ID)
	inTx(t, run, "creating an entry and listing its ticket's time", func(ctx context.Context, tx servicedesk.Tx) error {
		if err := timeEntryKind.creating(a4)(ctx, tx); err != nil {
			return err
		}
		got, err := tx.ListTicketTime(ctx, a.ID)
		wantTicketTimeIs(t, "of ticket A in the transaction that created an entry on it", got, err, []servicedesk.TimeEntry{a1, a3, a4})
		return nil
	})
	wantTicketTime(t, run, "of ticket A after that transaction committed", a.ID, a1, a3, a4)
}

func testServiceDeskRollback(t *testing.T, h Harness) {
	run := h.ServiceDesk
	owner := randomID[psa.ClientID]()
	pre := fullTicket(t, randomID[psa.TicketID](), owner, 1)
	preNote := newNote(t, newID[psa.NoteID](t), pre.ID, "Committed")
	preEntry := fullTimeEntry(t, newID[psa.TimeEntryID](t), owner, pre.ID, "120")
	prePolicy, preCalendar, preQueue := fullPolicy(t, randomID[psa.SLAPolicyID]()), fullCalendar(newID[psa.CalendarID](t)), newQueue(randomID[psa.QueueID](), "Committed")
	preSettings := fullSettings(t)
	setUp(t, run, func(ctx context.Context, tx servicedesk.Tx) error {
		n, err := tx.NextTicketNumber(ctx)
		if err != nil {
			return fmt.Errorf("NextTicketNumber: %w", err)
		}
		if n != 1 {
			return fmt.Errorf("NextTicketNumber of a new store: got %d, want 1", n)
		}
		return nil
	}, ticketKind.creating(pre), noteKind.creating(preNote), timeEntryKind.creating(preEntry),
		policyKind.creating(prePolicy), calendarKind.creating(preCalendar), queueKind.creating(preQueue), puttingSettings(preSettings))
	storedSettings := copySettings(preSettings)
	storedSettings.Version = 1

	tk := fullTicket(t, newID[psa.TicketID](t), owner, 0) // numbered in the transaction
	note, noteOnPre := newNote(t, randomID[psa.NoteID](), tk.ID, "Rolled back"), newNote(t, randomID[psa.NoteID](), pre.ID, "Rolled back, on a committed ticket")
	entry := fullTimeEntry(t, randomID[psa.TimeEntryID](), owner, tk.ID, "99")
	policy, cal, queue := newPolicy(newID[psa.SLAPolicyID](t), "Rolled back"), newCalendar(randomID[psa.CalendarID](), "Rolled back"), newQueue(newID[psa.QueueID](t), "Rolled back")
	changedTicket := copyTicket(pre)
	changedTicket.Title, changedTicket.Attachments = "Changed by a rolled-back transaction", changedTicket.Attachments[:1]
	changedEntry := preEntry
	changedEntry.Note = "Changed by a rolled-back transaction"
	changedPolicy := copyPolicy(prePolicy)
	changedPolicy.Targets = changedPolicy.Targets[:1]
	changedCalendar := copyCalendar(preCalendar)
	changedCalendar.Holidays = nil
	changedQueue := preQueue
	changedQueue.Name = "Changed by a rolled-back transaction"
	changedSettings := copySettings(storedSettings)
	changedSettings.Categories = nil
	write := func(ctx context.Context, tx servicedesk.Tx) error {
		n, err := tx.NextTicketNumber(ctx)
		if err != nil {
			return fmt.Errorf("NextTicketNumber: %w", err)
		}
		if n != 2 {
			t.Errorf("NextTicketNumber after 1 was taken, in a transaction after rolled-back ones: got %d, want 2 (a rolled-back transaction gives its number back)", n)
		}
		numbered := tk
		numbered.Number = n
		return sequence(ticketKind.creating(numbered), noteKind.creating(note, noteOnPre), timeEntryKind.creating(entry),
			policyKind.creating(policy), calendarKind.creating(cal), queueKind.creating(queue),
			ticketKind.updating(changedTicket), timeEntryKind.updating(changedEntry), policyKind.updating(changedPolicy),
			calendarKind.updating(changedCalendar), queueKind.updating(changedQueue), puttingSettings(changedSettings))(ctx, tx)
	}
	checkRollback(t, "service-desk runner", run, write, func(how string) {
		t.Helper()
		ticketKind.wantGone(t, run, "of the rolled-back ticket "+how, tk)
		noteKind.wantListings(t, run, "of the rolled-back ticket "+how, nil, tk.ID)
		noteKind.wantListings(t, run, "of the committed ticket "+how, nil, pre.ID, preNote.ID)
		timeEntryKind.wantGone(t, run, "of the rolled-back entry "+how, entry)
		policyKind.wantGone(t, run, "of the rolled-back policy "+how, policy)
		calendarKind.wantGone(t, run, "of the rolled-back calendar "+how, cal)
		queueKind.wantGone(t, run, "of the rolled-back queue "+how, queue)
		ticketKind.wantStored(t, run, "of the ticket the transaction updated "+how, pre)
		timeEntryKind.wantStored(t, run, "of the entry the transaction updated "+how, preEntry)
		policyKind.wantStored(t, run, "of the policy the transaction updated "+how, prePolicy)
		calendarKind.wantStored(t, run, "of the calendar the transaction updated "+how, preCalendar)
		queueKind.wantStored(t, run, "of the queue the transaction updated "+how, preQueue)
		diff(t, "GetSettings "+how, storedSettings, mustRead(t, run, "GetSettings", getSettings))
		ticketKind.wantListings(t, run, how, nil, owner, pre.ID)
		timeEntryKind.wantListings(t, run, how, nil, owner, preEntry.ID)
		wantTicketTime(t, run, "of the committed ticket "+how, pre.ID, preEntry)
	})
}

func testServiceDeskReadYourOwnWrites(t *testing.T, h Harness) {
	run := h.ServiceDesk
	owner := randomID[psa.ClientID]()
	old := newTicket(randomID[psa.TicketID](), owner, "Committed")
	oldEntry := newTimeEntry(t, randomID[psa.TimeEntryID](), owner, "Committed")
	setUp(t, run, ticketKind.creating(old), timeEntryKind.creating(oldEntry))

	tk := fullTicket(t, newID[psa.TicketID](t), owner, 0) // numbered in the transaction
	note := newNote(t, newID[psa.NoteID](t), tk.ID, "First note")
	entry := fullTimeEntry(t, newID[psa.TimeEntryID](t), owner, tk.ID, "120")
	policy, cal, queue := fullPolicy(t, newID[psa.SLAPolicyID](t)), fullCalendar(newID[psa.CalendarID](t)), newQueue(newID[psa.QueueID](t), "New")
	settings := fullSettings(t)
	storedSettings := copySettings(settings)
	storedSettings.Version = 1
	const in = "in the writing transaction"
	var final servicedesk.Ticket
	var finalCalendar servicedesk.Calendar
	inTx(t, run, "read-your-own-writes transaction", func(ctx context.Context, tx servicedesk.Tx) error {
		numbers, err := takingNumbers(1)(ctx, tx)
		if err != nil {
			return err
		}
		wantNumbers(t, "NextTicketNumber of a new store "+in, numbers, 1)
		tk.Number = numbers[0]
		if err := sequence(ticketKind.creating(tk), noteKind.creating(note), timeEntryKind.creating(entry), policyKind.creating(policy),
			calendarKind.creating(cal), queueKind.creating(queue), puttingSettings(settings))(ctx, tx); err != nil {
			return err
		}
		ticketKind.wantStoredIn(t, ctx, tx, in, tk)
		tickets := walk(t, "ListTickets "+in, 1, inThisTx(ctx, tx, ticketKind.of(owner)))
		wantIDs(t, "ListTickets (limit 1) of a committed and a new ticket "+in, tickets, ticketKind.idOf, []psa.TicketID{old.ID, tk.ID})
		noteKind.wantStoredIn(t, ctx, tx, in, note)
		timeEntryKind.wantStoredIn(t, ctx, tx, in, entry)
		entries := walk(t, "ListTimeEntries "+in, 1, inThisTx(ctx, tx, timeEntryKind.of(owner)))
		wantIDs(t, "ListTimeEntries (limit 1) of a committed and a new entry "+in, entries, timeEntryKind.idOf, []psa.TimeEntryID{oldEntry.ID, entry.ID})
		got, err := tx.ListTicketTime(ctx, tk.ID)
		wantTicketTimeIs(t, "of the new ticket "+in, got, err, []servicedesk.TimeEntry{entry})
		policyKind.wantStoredIn(t, ctx, tx, in, policy)
		calendarKind.wantStoredIn(t, ctx, tx, in, cal)
		queueKind.wantStoredIn(t, ctx, tx, in, queue)
		s, err := tx.GetSettings(ctx)
		wantRead(t, "GetSettings "+in+" (want Version 1)", storedSettings, s, err)

		// Updates of what the transaction wrote are visible too, under the version rule.
		tk2 := copyTicket(tk)
		tk2.Status = servicedesk.StatusResolved
		if err := tx.UpdateTicket(ctx, tk2); err != nil {
			return fmt.Errorf("UpdateTicket of a ticket created in the same transaction (version 1): %w", err)
		}
		tk2.Version = 2
		ticketKind.wantStoredIn(t, ctx, tx, "after UpdateTicket (want Version 2) "+in, tk2)
		if err := tx.UpdateTicket(ctx, tk); !errors.Is(err, psa.ErrConflict) {
			t.Errorf("UpdateTicket with version 1 after an update in the same transaction: got error %v, want one wrapping psa.ErrConflict", err)
		}
		cal2 := copyCalendar(cal)
		cal2.Name = "Office hours, renamed"
		if err := tx.PutCalendar(ctx, cal2); err != nil {
			return fmt.Errorf("PutCalendar with version 1 of a calendar put in the same transaction: %w", err)
		}
		cal2.Version = 2
		calendarKind.wantStoredIn(t, ctx, tx, "after PutCalendar (want Version 2) "+in, cal2)
		if err := tx.PutCalendar(ctx, cal); !errors.Is(err, psa.ErrConflict) {
			t.Errorf("PutCalendar with version 1 after a put in the same transaction: got error %v, want one wrapping psa.ErrConflict", err)
		}
		numbers, err = takingNumbers(1)(ctx, tx)
		if err != nil {
			return err
		}
		wantNumbers(t, "a second NextTicketNumber "+in, numbers, 2)
		final, finalCalendar = tk2, cal2
		return nil
	})

	const after = "after the transaction committed"
	ticketKind.wantStored(t, run, after, final)
	noteKind.wantStored(t, run, after, note)
	timeEntryKind.wantStored(t, run, after, entry)
	policyKind.wantStored(t, run, after, policy)
	calendarKind.wantStored(t, run, after, finalCalendar)
	queueKind.wantStored(t, run, after, queue)
	diff(t, "GetSettings "+after, storedSettings, mustRead(t, run, "GetSettings", getSettings))
	wantNumbers(t, "NextTicketNumber "+after, mustRead(t, run, "NextTicketNumber", takingNumbers(1)), 3)
}

func testServiceDeskSharesStore(t *testing.T, h Harness) {
	desk := h.ServiceDesk
	viaClient := newClient(newID[psa.ClientID](t), "Created through Harness.Client")
	clientKind.store(t, h.Client, viaClient)
	viaContract := newContract(newID[psa.ContractID](t), viaClient.ID, "Created through Harness.Contract")
	contractKind.store(t, h.Contract, viaContract)
	// shared reports an error unless get, through one runner, reads want, which another wrote.
	shared := func(what string, want, got any, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v (the runners must run on one store)", what, err)
			return
		}
		diff(t, what, want, got)
	}
	got, err := read(t, psa.Adapt[client.Tx](desk), clientKind.getting(viaClient.ID))
	shared("GetClient through Harness.ServiceDesk of a client created through Harness.Client", viaClient, got, err)
	gotContract, err := read(t, psa.Adapt[contract.Tx](desk), contractKind.getting(viaContract.ID))
	shared("GetContract through Harness.ServiceDesk of a contract created through Harness.Contract", viaContract, gotContract, err)

	// One service-desk transaction writes a client, a contract and a ticket.
	cl := newClient(randomID[psa.ClientID](), "Created through Harness.ServiceDesk")
	k := newContract(randomID[psa.ContractID](), cl.ID, "Created through Harness.ServiceDesk")
	tk := newTicket(newID[psa.TicketID](t), cl.ID, "Created with its client and contract")
	tk.ContractID = k.ID
	inTx(t, desk, "creating a client, a contract and a ticket through Harness.ServiceDesk", func(ctx context.Context, tx servicedesk.Tx) error {
		if err := clientKind.creating(cl)(ctx, tx); err != nil {
			return err
		}
		if err := contractKind.creating(k)(ctx, tx); err != nil {
			return err
		}
		return ticketKind.creating(tk)(ctx, tx)
	})
	got, err = read(t, h.Client, clientKind.getting(cl.ID))
	shared("GetClient through Harness.Client of a client created through Harness.ServiceDesk", cl, got, err)
	gotContract, err = read(t, h.Contract, contractKind.getting(k.ID))
	shared("GetContract through Harness.Contract of a contract created through Harness.ServiceDesk", k, gotContract, err)
	ticketKind.wantStored(t, desk, "after the transaction committed", tk)
}

func testServiceDeskNoAliasing(t *testing.T, h Harness) {
	t.Run("ticket", func(t *testing.T) {
		checkNoAliasing(t, h.ServiceDesk, ticketKind, fullTicket(t, newID[psa.TicketID](t), randomID[psa.ClientID](), 7))
	})
	t.Run("policy", func(t *testing.T) {
		checkNoAliasing(t, h.ServiceDesk, policyKind, fullPolicy(t, newID[psa.SLAPolicyID](t)))
	})
	t.Run("calendar", func(t *testing.T) {
		checkNoAliasing(t, h.ServiceDesk, calendarKind, fullCalendar(newID[psa.CalendarID](t)))
	})
}

func testServiceDeskConcurrentCreates(t *testing.T, h Harness) {
	t.Run("ticket", func(t *testing.T) { checkConcurrentCreates(t, h.ServiceDesk, ticketKind) })
	t.Run("note", func(t *testing.T) { checkConcurrentCreates(t, h.ServiceDesk, noteKind) })
	t.Run("time entry", func(t *testing.T) { checkConcurrentCreates(t, h.ServiceDesk, timeEntryKind) })
	t.Run("policy", func(t *testing.T) { checkConcurrentCreates(t, h.ServiceDesk, policyKind) })
}
