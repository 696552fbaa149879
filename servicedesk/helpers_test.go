package servicedesk_test

import (
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // zones do not depend on the host

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/servicedesk"
)

// The helpers of the ticket, SLA, time and approval tests. (calendar_test.go has its own,
// prefixed "cal".)

// newYork is the zone of the test calendars and clocks.
var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

// deskT0 is the instant every test desk's clock starts at: Monday 2026-05-11 09:00 in New York.
var deskT0 = time.Date(2026, time.May, 11, 9, 0, 0, 0, newYork)

// cmpOpts compares the library's values: money and decimals by Equal, currencies and payment
// terms by ==, and nil and empty slices as equal. time.Time and psa.Date have Equal methods,
// which cmp uses.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b currency.Unit) bool { return a == b }),
	cmp.Comparer(func(a, b psa.PaymentTerms) bool { return a == b }),
	cmpopts.EquateEmpty(),
}

// diff fails the test when got differs from want.
func diff(t testing.TB, want, got any, what string) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpOpts); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// seqIDs returns a deterministic IDFunc: ...0001, ...0002, ... in ascending order, so listings
// come in creation order.
func seqIDs() psa.IDFunc {
	var (
		mu sync.Mutex
		n  uint64
	)
	return func() (uuid.UUID, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[8:], n)
		return u, nil
	}
}

// staffID returns the ID of staff member n.
func staffID(n byte) psa.StaffID {
	var u uuid.UUID
	u[0], u[15] = 0x5a, n
	return psa.StaffID{UUID: u}
}

// ny parses "2026-05-15 16:00", "2026-05-15 16:00:05" or "2026-05-15 16:00:00.000000001" as a
// wall time in New York.
func ny(t testing.TB, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05.999999999"} {
		if x, err := time.ParseInLocation(layout, s, newYork); err == nil {
			return x
		}
	}
	t.Fatalf("bad time %q", s)
	return time.Time{}
}

// day parses "YYYY-MM-DD".
func day(t testing.TB, s string) psa.Date {
	t.Helper()
	d, err := psa.ParseDate(s)
	require.NoError(t, err)
	return d
}

// money parses an amount of currency code cur.
func money(t testing.TB, amount, cur string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(amount, cur)
	require.NoError(t, err)
	return m
}

// usd parses an amount of US dollars.
func usd(t testing.TB, amount string) psa.Money { t.Helper(); return money(t, amount, "USD") }

// billingInfo returns complete billing information in currency code cur, net 30.
func billingInfo(t testing.TB, cur string) client.BillingInfo {
	t.Helper()
	u, err := psa.ParseCurrency(cur)
	require.NoError(t, err)
	terms, err := psa.NetDays(30)
	require.NoError(t, err)
	return client.BillingInfo{
		Address:      psa.Address{Line1: "1 Main Street", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
		InvoiceEmail: "ap@example.com",
		TaxRegion:    "US-IL",
		Currency:     u,
		PaymentTerms: terms,
	}
}

// invalid asserts that err is a *psa.ValidationError of object (unwrapping to psa.ErrInvalid)
// and returns its fields as "field=value", in order.
func invalid(t testing.TB, err error, object string) []string {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrInvalid)
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.Truef(t, ok, "error %v (%T) is not a *psa.ValidationError", err, err)
	require.Equal(t, object, ve.Object)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		require.NotEmptyf(t, f.Reason, "field %s has no reason", f.Field)
		out[i] = f.Field + "=" + f.Value
	}
	return out
}

// entryState asserts that err is a *servicedesk.EntryStateError (unwrapping to
// psa.ErrPrecondition) and returns it.
func entryState(t testing.TB, err error) *servicedesk.EntryStateError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	e, ok := errors.AsType[*servicedesk.EntryStateError](err)
	require.Truef(t, ok, "error %v (%T) is not a *servicedesk.EntryStateError", err, err)
	return e
}

// desk is a service desk, with the client and contract services it builds on, on one empty
// memstore, sharing a settable fixed clock and one sequential ID generator.
type desk struct {
	store     *memstore.Store
	clients   *client.Service
	contracts *contract.Service
	svc       *servicedesk.Service
	now       time.Time
}

// newDesk returns a desk whose clock reads deskT0.
func newDesk(t testing.TB) *desk {
	t.Helper()
	e := &desk{store: memstore.New(), now: deskT0}
	base := psa.Options{Now: func() time.Time { return e.now }, NewID: seqIDs()}
	e.clients = client.NewService(memstore.Runner[client.Tx](e.store), &client.Options{Options: base})
	e.contracts = contract.NewService(memstore.Runner[contract.Tx](e.store), &contract.Options{Options: base})
	e.svc = servicedesk.NewService(memstore.Runner[servicedesk.Tx](e.store), &servicedesk.Options{Options: base})
	return e
}

// at sets the clock to wall time s in New York (see ny).
func (e *desk) at(t testing.TB, s string) { t.Helper(); e.now = ny(t, s) }

// tx runs fn in a service-desk transaction of the store, as another package (billing) would.
func (e *desk) tx(t testing.TB, fn func(ctx context.Context, tx servicedesk.Tx) error) {
	t.Helper()
	require.NoError(t, memstore.Runner[servicedesk.Tx](e.store)(t.Context(), fn))
}

// ---------------------------------------------------------------------------------------------
// Clients, contracts and configuration.

// customer stores a top-level client called name with complete billing information in cur.
func (e *desk) customer(t testing.TB, name, cur string) client.Client {
	t.Helper()
	b := billingInfo(t, cur)
	c, err := e.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: name}, Billing: &b})
	require.NoError(t, err)
	return c
}

// bare stores a client called name without billing information, under parent when parent is not
// nil (billed to it when billToParent).
func (e *desk) bare(t testing.TB, name string, parent psa.ClientID, billToParent bool) client.Client {
	t.Helper()
	c, err := e.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: name}, ParentID: parent, BillToParent: billToParent})
	require.NoError(t, err)
	return c
}

// client returns the stored client id.
func (e *desk) client(t testing.TB, id psa.ClientID) client.Client {
	t.Helper()
	c, err := e.clients.Get(t.Context(), id)
	require.NoError(t, err)
	return c
}

// addBilling gives client id complete billing information in cur.
func (e *desk) addBilling(t testing.TB, id psa.ClientID, cur string) client.Client {
	t.Helper()
	c, err := e.clients.SetBillingInfo(t.Context(), id, e.client(t, id).Version, billingInfo(t, cur))
	require.NoError(t, err)
	return c
}

// clientSettings replaces the client-specific settings of client id.
func (e *desk) clientSettings(t testing.TB, id psa.ClientID, set client.Settings) client.Client {
	t.Helper()
	c, err := e.clients.SetSettings(t.Context(), id, e.client(t, id).Version, set)
	require.NoError(t, err)
	return c
}

// contact adds an active contact with first name first to client id.
func (e *desk) contact(t testing.TB, id psa.ClientID, first string) client.Contact {
	t.Helper()
	ct, err := e.clients.AddContact(t.Context(), id, client.NewContact{ContactInfo: client.ContactInfo{
		FirstName: first, LastName: "Doe", Email: first + "@example.com",
	}})
	require.NoError(t, err)
	return ct
}

// asset adds an asset of kind to client id, tied to service level sl (nil for none).
func (e *desk) asset(t testing.TB, id psa.ClientID, kind client.AssetKind, name string, sl psa.SLAPolicyID) client.Asset {
	t.Helper()
	a, err := e.clients.AddAsset(t.Context(), id, client.AssetInfo{Kind: kind, Name: name, ServiceLevelID: sl})
	require.NoError(t, err)
	return a
}

// contract stores a contract of client id with terms.
func (e *desk) contract(t testing.TB, id psa.ClientID, terms contract.Terms) contract.Contract {
	t.Helper()
	k, _, err := e.contracts.Create(t.Context(), contract.NewContract{ClientID: id, Terms: terms})
	require.NoError(t, err)
	return k
}

// tm returns the terms of a time-and-materials contract from first to last ("" for open-ended).
func tm(t testing.TB, name, first, last string) contract.Terms {
	t.Helper()
	terms := contract.Terms{Name: name, Type: contract.TimeAndMaterials, Start: day(t, first)}
	if last != "" {
		terms.End = day(t, last)
	}
	return terms
}

// officeHours is Monday to Friday 09:00-17:00 in New York.
func officeHours() servicedesk.Calendar {
	nineToFive := []servicedesk.Interval{{Start: 9 * 60, End: 17 * 60}}
	return servicedesk.Calendar{Name: "Office hours", TimeZone: "America/New_York", Week: [7][]servicedesk.Interval{
		time.Monday: nineToFive, time.Tuesday: nineToFive, time.Wednesday: nineToFive, time.Thursday: nineToFive, time.Friday: nineToFive,
	}}
}

// calendar stores c.
func (e *desk) calendar(t testing.TB, c servicedesk.Calendar) servicedesk.Calendar {
	t.Helper()
	c, err := e.svc.PutCalendar(t.Context(), c)
	require.NoError(t, err)
	return c
}

// policy stores p.
func (e *desk) policy(t testing.TB, p servicedesk.Policy) servicedesk.Policy {
	t.Helper()
	p, err := e.svc.PutPolicy(t.Context(), p)
	require.NoError(t, err)
	return p
}

// standardTargets are the targets of the test policies: critical tickets run 24x7.
var standardTargets = []servicedesk.Target{
	{Priority: servicedesk.Critical, FirstResponse: 30 * time.Minute, Resolution: 4 * time.Hour, AlwaysOn: true},
	{Priority: servicedesk.High, FirstResponse: time.Hour, ResolutionPlan: 4 * time.Hour, Resolution: 8 * time.Hour},
	{Priority: servicedesk.Medium, FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour},
	{Priority: servicedesk.Low, FirstResponse: 8 * time.Hour, Resolution: 40 * time.Hour},
}

// standard stores the office-hours calendar and a policy called name with standardTargets on
// it.
func (e *desk) standard(t testing.TB, name string) servicedesk.Policy {
	t.Helper()
	cal := e.calendar(t, officeHours())
	return e.policy(t, servicedesk.Policy{Name: name, CalendarID: cal.ID, Targets: standardTargets})
}

// settings changes the tenant's service-desk settings with change and stores them.
func (e *desk) settings(t testing.TB, change func(*servicedesk.Settings)) servicedesk.Settings {
	t.Helper()
	set, err := e.svc.Settings(t.Context())
	require.NoError(t, err)
	change(&set)
	set, err = e.svc.PutSettings(t.Context(), set)
	require.NoError(t, err)
	return set
}

// withDefaultPolicy stores the standard policy as the tenant's default and returns it.
func (e *desk) withDefaultPolicy(t testing.TB) servicedesk.Policy {
	t.Helper()
	p := e.standard(t, "Standard")
	e.settings(t, func(s *servicedesk.Settings) { s.DefaultPolicyID = p.ID })
	return p
}

// ---------------------------------------------------------------------------------------------
// Tickets.

// open opens a ticket and fails the test on error.
func (e *desk) open(t testing.TB, in servicedesk.NewTicket) servicedesk.Ticket {
	t.Helper()
	tk, err := e.svc.Open(t.Context(), in)
	require.NoError(t, err)
	return tk
}

// openFor opens a medium-priority staff ticket for client id called title.
func (e *desk) openFor(t testing.TB, id psa.ClientID, title string) servicedesk.Ticket {
	t.Helper()
	return e.open(t, servicedesk.NewTicket{ClientID: id, Fields: servicedesk.Fields{Title: title, Priority: servicedesk.Medium}})
}

// ticket returns the stored ticket id.
func (e *desk) ticket(t testing.TB, id psa.TicketID) servicedesk.Ticket {
	t.Helper()
	tk, err := e.svc.Get(t.Context(), id)
	require.NoError(t, err)
	return tk
}

// move sets the status of ticket id (at its stored version) and fails the test on error.
func (e *desk) move(t testing.TB, id psa.TicketID, to servicedesk.Status) servicedesk.Ticket {
	t.Helper()
	tk, err := e.svc.SetStatus(t.Context(), id, e.ticket(t, id).Version, to)
	require.NoError(t, err)
	return tk
}

// answer adds a public note by staff member 1 to ticket id.
func (e *desk) answer(t testing.TB, id psa.TicketID) servicedesk.Note {
	t.Helper()
	n, err := e.svc.AddNote(t.Context(), id, servicedesk.NewNote{StaffID: staffID(1), Public: true, Text: "We are on it."})
	require.NoError(t, err)
	return n
}

// target returns the status of metric m of ticket id now.
func (e *desk) target(t testing.TB, id psa.TicketID, m servicedesk.Metric) servicedesk.TargetStatus {
	t.Helper()
	st, err := e.svc.SLA(t.Context(), id)
	require.NoError(t, err)
	for _, ts := range st.Targets {
		if ts.Metric == m {
			return ts
		}
	}
	t.Fatalf("ticket %s has no %s target: %+v", id, m, st)
	return servicedesk.TargetStatus{}
}

// ---------------------------------------------------------------------------------------------
// Time.

// log logs w and fails the test on error.
func (e *desk) log(t testing.TB, w servicedesk.Work) servicedesk.TimeEntry {
	t.Helper()
	te, err := e.svc.LogTime(t.Context(), w)
	require.NoError(t, err)
	return te
}

// work returns billable work of minutes for client id by staff member 1 as a technician on
// 2026-05-11, without a ticket.
func work(t testing.TB, id psa.ClientID, minutes int) servicedesk.Work {
	t.Helper()
	return servicedesk.Work{ClientID: id, StaffID: staffID(1), Role: "technician", Date: day(t, "2026-05-11"),
		Duration: time.Duration(minutes) * time.Minute, Billable: true}
}

// entry returns the stored time entry id.
func (e *desk) entry(t testing.TB, id psa.TimeEntryID) servicedesk.TimeEntry {
	t.Helper()
	te, err := e.svc.GetTime(t.Context(), id)
	require.NoError(t, err)
	return te
}

// setBilled marks approved entry id billed through the store, as a billing run does.
func (e *desk) setBilled(t testing.TB, id psa.TimeEntryID) servicedesk.TimeEntry {
	t.Helper()
	var out servicedesk.TimeEntry
	e.tx(t, func(ctx context.Context, tx servicedesk.Tx) error {
		te, err := tx.GetTimeEntry(ctx, id)
		if err != nil {
			return err
		}
		te.Status, te.InvoiceID = servicedesk.EntryBilled, psa.InvoiceID{UUID: uuid.UUID{0: 0x1e, 15: 1}}
		if err := tx.UpdateTimeEntry(ctx, te); err != nil {
			return err
		}
		te.Version++
		out = te
		return nil
	})
	return out
}

// ---------------------------------------------------------------------------------------------
// Everything stored, to show that a refused operation stored nothing.

// deskState is everything the desk's store holds that the service desk reads or writes.
type deskState struct {
	Clients []client.Client
	Tickets []servicedesk.Ticket
	Notes   map[psa.TicketID][]servicedesk.Note
	Entries []servicedesk.TimeEntry
	// NextNumber is the ticket number the next ticket would get.
	NextNumber int64
	Settings   servicedesk.Settings
}

var errRollback = errors.New("test: roll back")

// state reads the whole desk.
func (e *desk) state(t testing.TB) deskState {
	t.Helper()
	s := deskState{Notes: map[psa.TicketID][]servicedesk.Note{}}
	e.tx(t, func(ctx context.Context, tx servicedesk.Tx) error {
		clients, err := psa.All(ctx, tx.ListClients)
		if err != nil {
			return err
		}
		s.Clients = clients
		for _, c := range clients {
			tickets, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
				return tx.ListTickets(ctx, c.ID, p)
			})
			if err != nil {
				return err
			}
			s.Tickets = append(s.Tickets, tickets...)
			for _, tk := range tickets {
				if s.Notes[tk.ID], err = tx.ListNotes(ctx, tk.ID); err != nil {
					return err
				}
			}
			entries, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
				return tx.ListTimeEntries(ctx, c.ID, p)
			})
			if err != nil {
				return err
			}
			s.Entries = append(s.Entries, entries...)
		}
		s.Settings, err = tx.GetSettings(ctx)
		return err
	})
	// Draw the next ticket number in a transaction that is rolled back, which gives it back.
	err := memstore.Runner[servicedesk.Tx](e.store)(t.Context(), func(ctx context.Context, tx servicedesk.Tx) (err error) {
		if s.NextNumber, err = tx.NextTicketNumber(ctx); err != nil {
			return err
		}
		return errRollback
	})
	require.ErrorIs(t, err, errRollback)
	return s
}

// unchanged fails the test when anything stored differs from before.
func (e *desk) unchanged(t testing.TB, before deskState) {
	t.Helper()
	after := e.state(t)
	if reflect.DeepEqual(before, after) {
		return // identical copies of the same stored values; cmp only to explain a difference
	}
	diff(t, before, after, "stored state after a refused operation")
}
