package portal_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// matrix is a random world: clients with sub-organizations, contacts with every kind of portal
// access, and tickets, notes, time entries, contracts and invoices of all of them. It keeps its
// own record of who owns what, from which the test derives what each user must see, without the
// portal's code.
type matrix struct {
	*world
	parent    map[psa.ClientID]psa.ClientID
	clients   []psa.ClientID
	users     []matrixUser
	tickets   []servicedesk.Ticket
	notes     map[psa.TicketID][]servicedesk.Note
	entries   map[psa.TicketID][]servicedesk.TimeEntry
	contracts []contract.Contract
	invoices  []invoice.Invoice
	timeOn    bool
}

type matrixUser struct {
	p       portal.Principal
	contact client.Contact
	role    portal.Role
	subs    bool
}

func buildMatrix(t *testing.T, seed uint64) *matrix {
	rng := rand.New(rand.NewPCG(seed, 17))
	m := &matrix{world: newWorld(t), parent: map[psa.ClientID]psa.ClientID{}, notes: map[psa.TicketID][]servicedesk.Note{},
		entries: map[psa.TicketID][]servicedesk.TimeEntry{}, timeOn: rng.IntN(2) == 0}
	m.showTime(m.timeOn)
	var roles []portal.Role
	for i := range 3 {
		r, err := m.portal.PutRole(m.ctx, portal.Role{Name: fmt.Sprintf("Custom %d", i), Permissions: portal.Permissions{
			OrganizationTickets: rng.IntN(2) == 0, Contracts: rng.IntN(2) == 0, Invoices: rng.IntN(2) == 0,
			TimeEntries: rng.IntN(2) == 0, QuickTickets: rng.IntN(2) == 0, ManageUsers: rng.IntN(2) == 0}})
		require.NoError(t, err)
		roles = append(roles, r)
	}
	roles = append(roles, portal.ExternalUser(), portal.ExternalManager(), portal.ExternalManager())

	// Clients: top-level ones with sub-organizations, some of those with their own.
	var contacts []client.Contact
	for i := range 4 {
		top := m.newClient(fmt.Sprintf("Client %d", i), psa.ClientID{})
		m.clients = append(m.clients, top.ID)
		for j := range rng.IntN(3) {
			sub := m.newClient(fmt.Sprintf("Client %d.%d", i, j), top.ID)
			m.parent[sub.ID] = top.ID
			m.clients = append(m.clients, sub.ID)
			if rng.IntN(2) == 0 {
				subsub := m.newClient(fmt.Sprintf("Client %d.%d.1", i, j), sub.ID)
				m.parent[subsub.ID] = sub.ID
				m.clients = append(m.clients, subsub.ID)
			}
		}
	}
	for i, c := range m.clients {
		cl, err := m.clients2(c)
		require.NoError(t, err)
		for j := range 1 + rng.IntN(3) {
			ct := m.newContact(cl, fmt.Sprintf("C%d-%d", i, j), fmt.Sprintf("c%d-%d@example.com", i, j))
			contacts = append(contacts, ct)
			if rng.IntN(5) == 0 {
				continue // no portal access
			}
			r := roles[rng.IntN(len(roles))]
			subs := rng.IntN(2) == 0
			m.users = append(m.users, matrixUser{p: m.user(ct, r.ID, subs), contact: ct, role: r, subs: subs})
		}
	}
	for _, c := range m.clients {
		var mine []client.Contact
		for _, ct := range contacts {
			if ct.ClientID == c {
				mine = append(mine, ct)
			}
		}
		for k := range 2 + rng.IntN(4) {
			var who psa.ContactID
			if rng.IntN(4) > 0 {
				who = mine[rng.IntN(len(mine))].ID
			}
			tk := m.ticket(c, who, fmt.Sprintf("ticket %d of %s", k, c))
			m.tickets = append(m.tickets, tk)
			for range rng.IntN(4) {
				m.notes[tk.ID] = append(m.notes[tk.ID], m.note(tk.ID, rng.IntN(2) == 0, "note on "+tk.Title))
			}
			for range rng.IntN(3) {
				m.entries[tk.ID] = append(m.entries[tk.ID], m.timeEntry(c, tk.ID, rng.IntN(2) == 0, "work on "+tk.Title))
			}
		}
		types := []contract.Type{contract.FixedPrice, contract.RetainerAmount, contract.RetainerHours, contract.Recurring}
		statuses := []contract.Status{contract.StatusActive, contract.StatusActive, contract.StatusDraft, contract.StatusExpired}
		for k := range rng.IntN(4) {
			m.contracts = append(m.contracts, m.contract(c, fmt.Sprintf("contract %d", k), types[rng.IntN(len(types))], statuses[rng.IntN(len(statuses))]))
		}
		invStatuses := []invoice.Status{invoice.StatusDraft, invoice.StatusFinalized, invoice.StatusSent, invoice.StatusPaid, invoice.StatusVoid}
		for k := range rng.IntN(4) {
			m.invoices = append(m.invoices, m.invoice(c, fmt.Sprintf("INV-%s-%d", c.String()[24:], k), invStatuses[rng.IntN(len(invStatuses))]))
		}
	}
	return m
}

func (m *matrix) clients2(id psa.ClientID) (client.Client, error) {
	return m.world.clients.Get(m.ctx, id)
}

// orgs returns the clients whose organization-wide data u's role shows, from the test's record.
func (m *matrix) orgs(u matrixUser) []psa.ClientID {
	out := []psa.ClientID{u.contact.ClientID}
	perm := u.role.Permissions
	if !u.subs || !(perm.OrganizationTickets || perm.Contracts || perm.Invoices || perm.ManageUsers) {
		return out
	}
	for changed := true; changed; {
		changed = false
		for c, p := range m.parent {
			if slices.Contains(out, p) && !slices.Contains(out, c) {
				out, changed = append(out, c), true
			}
		}
	}
	return out
}

func (m *matrix) seesTicket(u matrixUser, t servicedesk.Ticket) bool {
	if t.ClientID == u.contact.ClientID && t.ContactID == u.contact.ID {
		return true
	}
	return u.role.Permissions.OrganizationTickets && slices.Contains(m.orgs(u), t.ClientID)
}

func ids[T any, K comparable](xs []T, id func(T) K) []K {
	out := []K{}
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func sortedStrings[K fmt.Stringer](ks []K) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.String()
	}
	slices.Sort(out)
	return out
}

// TestAccessMatrix builds random worlds and checks, for every portal user and every object, that
// the user sees exactly what its role, client and sub-organization setting allow, that nothing
// it gets belongs to a client outside its organization, and that an object it may not see is
// reported exactly like one that does not exist.
func TestAccessMatrix(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			m := buildMatrix(t, seed)
			require.NotEmpty(t, m.users)
			for _, u := range m.users {
				t.Run(u.contact.Email, func(t *testing.T) { m.checkUser(t, u) })
			}
		})
	}
}

func (m *matrix) checkUser(t *testing.T, u matrixUser) {
	ctx, id, orgs := m.ctx, u.p.AccountID, m.orgs(u)
	inOrgs := func(what string, c psa.ClientID) {
		if !slices.Contains(orgs, c) {
			t.Errorf("%s of client %s leaked to %s of client %s", what, c, u.contact.Email, u.contact.ClientID)
		}
	}

	// Tickets, the list and one by one.
	var wantVisible, wantMine []psa.TicketID
	for _, tk := range m.tickets {
		if m.seesTicket(u, tk) {
			wantVisible = append(wantVisible, tk.ID)
		}
		if tk.ClientID == u.contact.ClientID && tk.ContactID == u.contact.ID {
			wantMine = append(wantMine, tk.ID)
		}
	}
	visible, err := m.portal.Tickets(ctx, id, portal.Visible)
	require.NoError(t, err)
	diff(t, sortedStrings(wantVisible), sortedStrings(ids(visible, func(x servicedesk.Ticket) psa.TicketID { return x.ID })), "visible tickets")
	mine, err := m.portal.Tickets(ctx, id, portal.Mine)
	require.NoError(t, err)
	diff(t, sortedStrings(wantMine), sortedStrings(ids(mine, func(x servicedesk.Ticket) psa.TicketID { return x.ID })), "my tickets")
	for _, tk := range visible {
		inOrgs("ticket "+tk.Title, tk.ClientID)
	}
	counts, err := m.portal.TicketCounts(ctx, id)
	require.NoError(t, err)
	require.Equal(t, len(wantMine), counts.Total, "personal ticket count")

	for _, tk := range m.tickets {
		d, err := m.portal.Ticket(ctx, id, tk.ID)
		if !m.seesTicket(u, tk) {
			m.wantHidden(t, "ticket", tk.ID.String(), err)
			_, err := m.portal.AddNote(ctx, id, tk.ID, "let me in")
			m.wantHidden(t, "ticket", tk.ID.String(), err)
			continue
		}
		require.NoError(t, err)
		var wantNotes []psa.NoteID
		for _, n := range m.notes[tk.ID] {
			if n.Public {
				wantNotes = append(wantNotes, n.ID)
			}
		}
		diff(t, sortedStrings(wantNotes), sortedStrings(ids(d.Notes, func(n servicedesk.Note) psa.NoteID { return n.ID })), "notes of "+tk.Title)
		for _, n := range d.Notes {
			require.True(t, n.Public, "internal note %s shown", n.ID)
		}
		wantShown := m.timeOn && u.role.Permissions.TimeEntries
		require.Equal(t, wantShown, d.TimeShown, "time shown on %s", tk.Title)
		var wantTime []psa.TimeEntryID
		if wantShown {
			for _, e := range m.entries[tk.ID] {
				wantTime = append(wantTime, e.ID)
			}
		}
		diff(t, sortedStrings(wantTime), sortedStrings(ids(d.Time, func(e portal.TimeEntry) psa.TimeEntryID { return e.ID })), "time of "+tk.Title)
		for _, e := range d.Time {
			i := slices.IndexFunc(m.entries[tk.ID], func(x servicedesk.TimeEntry) bool { return x.ID == e.ID })
			if want := m.entries[tk.ID][i]; want.NotePublic {
				require.Equal(t, want.Note, e.Note)
			} else {
				require.Empty(t, e.Note, "private time entry note shown")
			}
		}
	}

	// Contracts: active ones of the organization, for a role that shows contracts.
	got, err := m.portal.Contracts(ctx, id)
	if !u.role.Permissions.Contracts {
		wantForbidden(t, err)
	} else {
		require.NoError(t, err)
		var want []psa.ContractID
		for _, k := range m.contracts {
			if slices.Contains(orgs, k.ClientID) && k.Status == contract.StatusActive {
				want = append(want, k.ID)
			}
		}
		diff(t, sortedStrings(want), sortedStrings(ids(got, func(k portal.Contract) psa.ContractID { return k.ID })), "contracts")
		for _, k := range got {
			inOrgs("contract "+k.Name, k.ClientID)
		}
	}
	for _, k := range m.contracts {
		_, err := m.portal.Contract(ctx, id, k.ID)
		switch {
		case !u.role.Permissions.Contracts:
			wantForbidden(t, err)
		case slices.Contains(orgs, k.ClientID) && k.Status == contract.StatusActive:
			require.NoError(t, err)
		default:
			m.wantHidden(t, "contract", k.ID.String(), err)
		}
	}

	// Invoices: every one but drafts, of the organization, for a role that shows invoices.
	invs, err := m.portal.Invoices(ctx, id)
	if !u.role.Permissions.Invoices {
		wantForbidden(t, err)
	} else {
		require.NoError(t, err)
		var want []psa.InvoiceID
		for _, inv := range m.invoices {
			if slices.Contains(orgs, inv.ClientID) && inv.Status != invoice.StatusDraft {
				want = append(want, inv.ID)
			}
		}
		diff(t, sortedStrings(want), sortedStrings(ids(invs, func(inv invoice.Invoice) psa.InvoiceID { return inv.ID })), "invoices")
		for _, inv := range invs {
			inOrgs("invoice "+inv.Number, inv.ClientID)
		}
	}
	for _, inv := range m.invoices {
		got, err := m.portal.Invoice(ctx, id, inv.ID)
		switch {
		case !u.role.Permissions.Invoices:
			wantForbidden(t, err)
		case slices.Contains(orgs, inv.ClientID) && inv.Status != invoice.StatusDraft:
			require.NoError(t, err)
			require.Len(t, got.Payments, len(inv.Payments))
		default:
			m.wantHidden(t, "invoice", inv.ID.String(), err)
		}
	}
}

// wantHidden checks that err is the error of an object that does not exist: a
// *psa.NotFoundError of kind naming only the key asked for.
func (m *matrix) wantHidden(t *testing.T, kind, key string, err error) {
	t.Helper()
	nf, ok := errors.AsType[*psa.NotFoundError](err)
	require.True(t, ok, "want a *psa.NotFoundError for %s %s, got %v", kind, key, err)
	require.Equal(t, psa.NotFoundError{Kind: kind, Key: key}, *nf)
}

func wantForbidden(t *testing.T, err error) {
	t.Helper()
	_, ok := errors.AsType[*portal.ForbiddenError](err)
	require.True(t, ok, "want a *portal.ForbiddenError, got %v", err)
	require.ErrorIs(t, err, psa.ErrForbidden)
}

// TestHiddenLooksMissing checks that asking for another client's ticket, contract or invoice
// gives the very error a made-up ID gives, and that a note to another client's ticket writes
// nothing.
func TestHiddenLooksMissing(t *testing.T) {
	w := newWorld(t)
	acme, other := w.newClient("Acme", psa.ClientID{}), w.newClient("Other", psa.ClientID{})
	boss := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalManager().ID, false)
	theirs := w.ticket(other.ID, psa.ContactID{}, "theirs")
	k := w.contract(other.ID, "theirs", contract.FixedPrice, contract.StatusActive)
	inv := w.invoice(other.ID, "INV-1", invoice.StatusSent)

	var made [3]string
	for i := range made {
		made[i] = fmt.Sprintf("00000000-0000-0000-0000-00000000ff0%d", i)
	}
	for _, c := range []struct {
		kind, real, fake string
		get              func(id string) error
	}{
		{"ticket", theirs.ID.String(), made[0], func(s string) error {
			_, err := w.portal.Ticket(w.ctx, boss.AccountID, mustID[psa.TicketID](t, s))
			return err
		}},
		{"contract", k.ID.String(), made[1], func(s string) error {
			_, err := w.portal.Contract(w.ctx, boss.AccountID, mustID[psa.ContractID](t, s))
			return err
		}},
		{"invoice", inv.ID.String(), made[2], func(s string) error {
			_, err := w.portal.Invoice(w.ctx, boss.AccountID, mustID[psa.InvoiceID](t, s))
			return err
		}},
	} {
		real, fake := c.get(c.real), c.get(c.fake)
		require.ErrorIs(t, real, psa.ErrNotFound)
		require.Equal(t, fake.Error(), strings.ReplaceAll(real.Error(), c.real, c.fake), "%s: a hidden object is reported unlike a missing one", c.kind)
	}

	before := 0
	w.inTx(func(ctx context.Context, tx portal.Tx) error {
		ns, err := tx.ListNotes(ctx, theirs.ID)
		before = len(ns)
		return err
	})
	_, err := w.portal.AddNote(w.ctx, boss.AccountID, theirs.ID, "hello")
	require.ErrorIs(t, err, psa.ErrNotFound)
	w.inTx(func(ctx context.Context, tx portal.Tx) error {
		ns, err := tx.ListNotes(ctx, theirs.ID)
		require.Len(t, ns, before)
		return err
	})
}

func mustID[T psa.ID](t *testing.T, s string) T {
	t.Helper()
	id, err := psa.ParseID[T]("id", s)
	require.NoError(t, err)
	return id
}
