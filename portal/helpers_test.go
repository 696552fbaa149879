package portal_test

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// t0 is the instant every test world's clock starts at: Monday 2026-05-11 09:00 UTC.
var t0 = time.Date(2026, time.May, 11, 9, 0, 0, 0, time.UTC)

// cmpOpts compares the library's values by meaning.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b currency.Unit) bool { return a == b }),
	cmpopts.EquateEmpty(),
}

func diff(t testing.TB, want, got any, what string) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpOpts); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// seqIDs returns a deterministic IDFunc: ...0001, ...0002, ... in ascending order.
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

// outbox is a Notifier that keeps what it is given.
type outbox struct {
	mu   sync.Mutex
	sent []portal.Notification
}

func (o *outbox) Notify(_ context.Context, n portal.Notification) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, n)
	return nil
}

// last returns the last notification sent.
func (o *outbox) last(t testing.TB) portal.Notification {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	require.NotEmpty(t, o.sent, "no notification was sent")
	return o.sent[len(o.sent)-1]
}

func (o *outbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent)
}

// world is one MSP on a fresh memstore with a fixed clock, a fast password hasher and a
// deterministic source of randomness.
type world struct {
	t       testing.TB
	ctx     context.Context
	store   *memstore.Store
	run     psa.Runner[portal.Tx]
	clock   *clock
	clients *client.Service
	desk    *servicedesk.Service
	portal  *portal.Service
	mail    *outbox
	hasher  *portal.PBKDF2
}

// testIterations is the PBKDF2 iteration count of the test hasher: cheap, so that tests run fast.
const testIterations = 1000

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), store: memstore.New(), clock: &clock{now: t0}, mail: &outbox{}}
	w.run = memstore.Runner[portal.Tx](w.store)
	opts := psa.Options{Now: w.clock.Now, NewID: seqIDs()}
	random := rand.NewChaCha8([32]byte{7})
	var err error
	w.hasher, err = portal.NewPBKDF2(testIterations, random)
	require.NoError(t, err)
	w.clients = client.NewService(memstore.Runner[client.Tx](w.store), &client.Options{Options: opts})
	w.desk = servicedesk.NewService(memstore.Runner[servicedesk.Tx](w.store), &servicedesk.Options{Options: opts})
	w.portal, err = portal.NewService(w.run, &portal.Options{Options: opts, Hasher: w.hasher, Rand: random, Notifier: w.mail})
	require.NoError(t, err)
	return w
}

// service returns another portal service on w's store, on w's clock, with opts (a hasher or a
// notifier of a test's own); w.portal stays as it is.
func (w *world) service(opts portal.Options) *portal.Service {
	w.t.Helper()
	opts.Options.Now = w.clock.Now
	svc, err := portal.NewService(w.run, &opts)
	require.NoError(w.t, err)
	return svc
}

// newClient creates a client, optionally a sub-organization of parent.
func (w *world) newClient(name string, parent psa.ClientID) client.Client {
	w.t.Helper()
	c, err := w.clients.Create(w.ctx, client.NewClient{Profile: client.Profile{Name: name}, ParentID: parent})
	require.NoError(w.t, err)
	return c
}

// newContact adds a contact with e-mail address first@<domain> to c.
func (w *world) newContact(c client.Client, first, email string) client.Contact {
	w.t.Helper()
	ct, err := w.clients.AddContact(w.ctx, c.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: first, LastName: "Tester", Email: email}})
	require.NoError(w.t, err)
	return ct
}

// password is a password that meets the default policy.
const password = "correct horse battery staple"

// user gives ct portal access with role and a password, and returns its principal.
func (w *world) user(ct client.Contact, role portal.RoleID, subs bool) portal.Principal {
	w.t.Helper()
	_, err := w.portal.Enable(w.ctx, ct.ID, portal.Access{RoleID: role, SubOrganizations: subs, Invite: true})
	require.NoError(w.t, err)
	p, err := w.portal.AcceptInvitation(w.ctx, w.mail.last(w.t).Token, password, password)
	require.NoError(w.t, err)
	return p
}

// inTx runs fn in one transaction of the portal's store.
func (w *world) inTx(fn func(ctx context.Context, tx portal.Tx) error) {
	w.t.Helper()
	require.NoError(w.t, w.run(w.ctx, fn))
}

// ticket opens a ticket of c with contact person ct (nil for none) by staff.
func (w *world) ticket(c psa.ClientID, ct psa.ContactID, title string) servicedesk.Ticket {
	w.t.Helper()
	t, err := w.desk.Open(w.ctx, servicedesk.NewTicket{ClientID: c, ContactID: ct, Fields: servicedesk.Fields{Title: title, Priority: servicedesk.Medium}})
	require.NoError(w.t, err)
	return t
}

// note adds a staff note to ticket t.
func (w *world) note(t psa.TicketID, public bool, text string) servicedesk.Note {
	w.t.Helper()
	n, err := w.desk.AddNote(w.ctx, t, servicedesk.NewNote{StaffID: psa.StaffID{UUID: uuid.UUID{0: 9, 15: 1}}, Public: public, Text: text})
	require.NoError(w.t, err)
	return n
}

// timeEntry stores a time entry on ticket t of client c directly.
func (w *world) timeEntry(c psa.ClientID, t psa.TicketID, public bool, note string) servicedesk.TimeEntry {
	w.t.Helper()
	id, err := psa.NewID[psa.TimeEntryID](nil)
	require.NoError(w.t, err)
	e := servicedesk.TimeEntry{ID: id, Work: servicedesk.Work{TicketID: t, ClientID: c, StaffID: psa.StaffID{UUID: uuid.UUID{0: 9, 15: 1}},
		Date: psa.DateOf(t0), Duration: 30 * time.Minute, WorkType: "remote", Note: note, NotePublic: public},
		Status: servicedesk.EntrySubmitted, CreatedAt: t0, UpdatedAt: t0, Version: 1}
	w.inTx(func(ctx context.Context, tx portal.Tx) error { return tx.CreateTimeEntry(ctx, e) })
	return e
}

// showTime sets the tenant's "Show Time Entries in Client Portal".
func (w *world) showTime(on bool) {
	w.t.Helper()
	set, err := w.desk.Settings(w.ctx)
	require.NoError(w.t, err)
	set.ShowTimeEntriesInPortal = on
	_, err = w.desk.PutSettings(w.ctx, set)
	require.NoError(w.t, err)
}

func usd(t testing.TB, s string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(s, "USD")
	require.NoError(t, err)
	return m
}

// contract stores a contract of c directly.
func (w *world) contract(c psa.ClientID, name string, typ contract.Type, status contract.Status) contract.Contract {
	w.t.Helper()
	id, err := psa.NewID[psa.ContractID](nil)
	require.NoError(w.t, err)
	k := contract.Contract{ID: id, ClientID: c, Status: status, Currency: currency.USD, CreatedAt: t0, UpdatedAt: t0, Version: 1,
		Terms: contract.Terms{Name: name, Type: typ, Start: psa.NewDate(2026, time.January, 1),
			Schedule: contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar}}}
	w.inTx(func(ctx context.Context, tx portal.Tx) error { return tx.CreateContract(ctx, k) })
	return k
}

// invoice stores an invoice of c directly, with status and one payment when paid.
func (w *world) invoice(c psa.ClientID, number string, status invoice.Status) invoice.Invoice {
	w.t.Helper()
	id, err := psa.NewID[psa.InvoiceID](nil)
	require.NoError(w.t, err)
	inv := invoice.Invoice{ID: id, Kind: invoice.InvoiceNumbers, Number: number, ClientID: c, Status: status, Currency: currency.USD,
		Date: psa.NewDate(2026, time.April, 1), CreatedAt: t0, UpdatedAt: t0, Version: 1}
	if status == invoice.StatusDraft {
		inv.Number = ""
	}
	if status == invoice.StatusPaid {
		pid, err := psa.NewID[psa.PaymentID](nil)
		require.NoError(w.t, err)
		inv.Payments = []invoice.Payment{{ID: pid, Date: psa.NewDate(2026, time.April, 20), Amount: usd(w.t, "100.00"), Method: "card"}}
	}
	w.inTx(func(ctx context.Context, tx portal.Tx) error { return tx.CreateInvoice(ctx, inv) })
	return inv
}
