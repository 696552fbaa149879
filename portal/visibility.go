package portal

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// scope is what one portal user may see, read inside one transaction.
type scope struct {
	account Account
	contact client.Contact
	client  client.Client
	role    Role
	// orgs are the clients whose organization-wide data the role shows: the user's client, and
	// its sub-organizations when the account says so.
	orgs []psa.ClientID
}

// noAccess is the reason of the *AccessError of every call for a portal user ID that may not use
// the portal, whatever the cause.
const noAccess = "portal access is not available"

// resolve reads portal user id's scope, or fails with an *AccessError. Every cause (no such
// account, access disabled, no password yet, contact gone or inactive, portal disabled for the
// client) gives the same error, with the reason noAccess: the ID comes from a session, perhaps
// a stale or forged one, and must not tell a missing account from a disabled one, nor name the
// client. Login, to a user who gave the right password, says which cause it is.
func resolve(ctx context.Context, tx Tx, id psa.PortalUserID) (*scope, error) {
	a, err := tx.GetAccount(ctx, id)
	if isNotFound(err) {
		return nil, &AccessError{AccountID: id, Reason: noAccess}
	}
	if err != nil {
		return nil, err
	}
	sc, err := resolveAccount(ctx, tx, a)
	if _, denied := errors.AsType[*AccessError](err); denied {
		return nil, &AccessError{AccountID: id, Reason: noAccess}
	}
	return sc, err
}

func resolveAccount(ctx context.Context, tx Tx, a Account) (*scope, error) {
	ct, c, err := checkAccess(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	r, err := getRole(ctx, tx, a.RoleID)
	if err != nil {
		return nil, err
	}
	sc := &scope{account: a, contact: ct, client: c, role: r, orgs: []psa.ClientID{c.ID}}
	if a.SubOrganizations && r.Permissions.organizationWide() {
		subs, err := client.Descendants(ctx, tx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, sub := range subs {
			sc.orgs = append(sc.orgs, sub.ID)
		}
	}
	return sc, nil
}

func (sc *scope) inOrg(id psa.ClientID) bool { return slices.Contains(sc.orgs, id) }

func (sc *scope) party() Party { return Party{Account: sc.account.ID} }

// canSeeTicket reports whether the user sees t: as its contact person, or through the role's
// organization tickets.
func (sc *scope) canSeeTicket(t servicedesk.Ticket) bool {
	if t.ClientID == sc.contact.ClientID && t.ContactID == sc.contact.ID {
		return true
	}
	return sc.role.Permissions.OrganizationTickets && sc.inOrg(t.ClientID)
}

// require returns a *ForbiddenError unless the role has the permission ok stands for.
func (sc *scope) require(ok bool, action string) error {
	if ok {
		return nil
	}
	return &ForbiddenError{AccountID: sc.account.ID, Action: action, Reason: "role " + sc.role.Name + " does not allow it"}
}

// run resolves portal user id's scope in a transaction and runs fn with it.
func (s *Service) scoped(ctx context.Context, id psa.PortalUserID, fn func(ctx context.Context, tx Tx, sc *scope) error) error {
	return s.run(ctx, func(ctx context.Context, tx Tx) error {
		sc, err := resolve(ctx, tx, id)
		if err != nil {
			return err
		}
		return fn(ctx, tx, sc)
	})
}

// TicketScope says which tickets Service.Tickets lists.
type TicketScope int

// The ticket scopes.
const (
	// Mine lists the tickets the user is the contact person of (seed 004 "My Tickets").
	Mine TicketScope = iota
	// Visible lists every ticket the user sees: for a role with organization tickets, every
	// ticket of the organization (seed 004 "Tickets").
	Visible
)

// Tickets returns the tickets portal user id sees, Mine or Visible, by ascending ticket number.
func (s *Service) Tickets(ctx context.Context, id psa.PortalUserID, which TicketScope) ([]servicedesk.Ticket, error) {
	var out []servicedesk.Ticket
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) (err error) {
		out, err = visibleTickets(ctx, tx, sc, which)
		return err
	})
	return out, err
}

func visibleTickets(ctx context.Context, tx Tx, sc *scope, which TicketScope) ([]servicedesk.Ticket, error) {
	clients := []psa.ClientID{sc.contact.ClientID}
	if which == Visible && sc.role.Permissions.OrganizationTickets {
		clients = sc.orgs
	}
	out := []servicedesk.Ticket{}
	for _, c := range clients {
		ts, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
			return tx.ListTickets(ctx, c, p)
		})
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			mine := t.ContactID == sc.contact.ID && t.ClientID == sc.contact.ClientID
			if (which == Mine && mine) || (which == Visible && sc.canSeeTicket(t)) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b servicedesk.Ticket) int { return cmp.Compare(a.Number, b.Number) })
	return out, nil
}

// TimeEntry is a time entry as a portal user sees it: when and how long, the kind of work, and
// the summary note only when it is public. Rates, approval and billing stay internal.
type TimeEntry struct {
	ID       psa.TimeEntryID `json:"id"`
	TicketID psa.TicketID    `json:"ticketId"`
	Date     psa.Date        `json:"date"`
	Start    time.Time       `json:"start"`
	End      time.Time       `json:"end"`
	Duration time.Duration   `json:"duration"`
	WorkType string          `json:"workType,omitempty"`
	Billable bool            `json:"billable"`
	// Note is the entry's summary note when it is public, else "".
	Note string `json:"note,omitempty"`
}

func timeEntryView(e servicedesk.TimeEntry) TimeEntry {
	v := TimeEntry{ID: e.ID, TicketID: e.TicketID, Date: e.Date, Start: e.Start, End: e.End, Duration: e.Duration, WorkType: e.WorkType, Billable: e.Billable}
	if e.NotePublic {
		v.Note = e.Note
	}
	return v
}

// TicketDetail is one ticket as a portal user sees it.
type TicketDetail struct {
	Ticket servicedesk.Ticket
	// Notes are the ticket's public notes, oldest first; internal notes are never shown.
	Notes []servicedesk.Note
	// TimeShown says whether time entries are shown at all (the tenant's "Show Time Entries in
	// Client Portal" setting and the role's TimeEntries permission); Time lists them when so.
	TimeShown bool
	Time      []TimeEntry
}

// Ticket returns ticket tid as portal user id sees it. A ticket the user does not see is a
// *psa.NotFoundError exactly like a ticket that does not exist.
func (s *Service) Ticket(ctx context.Context, id psa.PortalUserID, tid psa.TicketID) (TicketDetail, error) {
	var out TicketDetail
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		t, err := visibleTicket(ctx, tx, sc, tid)
		if err != nil {
			return err
		}
		notes, err := tx.ListNotes(ctx, tid)
		if err != nil {
			return err
		}
		out = TicketDetail{Ticket: t, Notes: []servicedesk.Note{}}
		for _, n := range notes {
			if n.Public {
				out.Notes = append(out.Notes, n)
			}
		}
		if out.TimeShown, err = timeShown(ctx, tx, sc); err != nil || !out.TimeShown {
			return err
		}
		entries, err := tx.ListTicketTime(ctx, tid)
		if err != nil {
			return err
		}
		out.Time = []TimeEntry{}
		for _, e := range entries {
			out.Time = append(out.Time, timeEntryView(e))
		}
		return nil
	})
	return out, err
}

// timeShown reports whether the user sees time entries: the tenant's setting and the role's
// permission.
func timeShown(ctx context.Context, tx Tx, sc *scope) (bool, error) {
	if !sc.role.Permissions.TimeEntries {
		return false, nil
	}
	set, err := tx.GetSettings(ctx)
	return set.ShowTimeEntriesInPortal, err
}

// visibleTicket returns ticket tid when sc sees it, and a *psa.NotFoundError otherwise.
func visibleTicket(ctx context.Context, tx Tx, sc *scope, tid psa.TicketID) (servicedesk.Ticket, error) {
	t, err := tx.GetTicket(ctx, tid)
	if err != nil && !isNotFound(err) {
		return servicedesk.Ticket{}, err
	}
	if err != nil || !sc.canSeeTicket(t) {
		return servicedesk.Ticket{}, psa.NotFound("ticket", tid)
	}
	return t, nil
}

// Contract is a contract as a portal user sees it (seed 004 "Contract Information").
type Contract struct {
	ID              psa.ContractID  `json:"id"`
	ClientID        psa.ClientID    `json:"clientId"`
	Name            string          `json:"name"`
	Type            contract.Type   `json:"type"`
	ReferenceNumber string          `json:"referenceNumber,omitempty"`
	Description     string          `json:"description,omitempty"`
	Start           psa.Date        `json:"start"`
	End             psa.Date        `json:"end"`
	SLAPolicyID     psa.SLAPolicyID `json:"slaPolicyId"`
	SetupFee        psa.Money       `json:"setupFee"`
	Status          contract.Status `json:"status"`
	Default         bool            `json:"default,omitempty"`
	// Schedule is the billing cycle of recurring contracts and retainers by hours.
	Schedule *contract.Schedule `json:"schedule,omitempty"`
	// BillingPrice applies to recurring, fixed-price and retainer-by-amount contracts, BillAmount
	// to fixed-price contracts.
	BillingPrice psa.Money     `json:"billingPrice"`
	BillAmount   psa.Money     `json:"billAmount"`
	Info         contract.Info `json:"info"`
	// History is the contract history of a recurring contract, oldest first; it is filled by
	// Service.Contract only.
	History []contract.HistoryEntry `json:"history,omitempty"`
}

// contractView returns what a portal user sees of k on day today.
func contractView(k contract.Contract, today psa.Date) (Contract, error) {
	info, err := k.Info(today)
	if err != nil {
		return Contract{}, err
	}
	v := Contract{ID: k.ID, ClientID: k.ClientID, Name: k.Name, Type: k.Type, ReferenceNumber: k.ReferenceNumber, Description: k.Description,
		Start: k.Start, End: k.End, SLAPolicyID: k.SLAPolicyID, SetupFee: k.SetupFee, Status: k.Status, Default: k.Default, Info: info}
	if k.Type == contract.Recurring || k.Type == contract.RetainerHours {
		sch := k.Schedule
		v.Schedule = &sch
	}
	if k.Type == contract.Recurring || k.Type == contract.FixedPrice || k.Type == contract.RetainerAmount {
		v.BillingPrice = k.BillingPrice
	}
	if k.Type == contract.FixedPrice {
		v.BillAmount = k.BillAmount
	}
	return v, nil
}

// contractVisible reports whether a role with the Contracts permission shows k: an active
// contract of the organization (seed 004 "view all active contracts").
func (sc *scope) contractVisible(k contract.Contract) bool {
	return sc.inOrg(k.ClientID) && k.Status == contract.StatusActive
}

// Contracts returns the active contracts of portal user id's organization in ascending ID order
// of clients then contracts. A role without the Contracts permission gets a *ForbiddenError.
func (s *Service) Contracts(ctx context.Context, id psa.PortalUserID) ([]Contract, error) {
	var out []Contract
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		if err := sc.require(sc.role.Permissions.Contracts, "view contracts"); err != nil {
			return err
		}
		out = []Contract{}
		for _, c := range sc.orgs {
			ks, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Contract], error) {
				return tx.ListContracts(ctx, c, p)
			})
			if err != nil {
				return err
			}
			for _, k := range ks {
				if !sc.contractVisible(k) {
					continue
				}
				v, err := contractView(k, psa.DateOf(s.opts.Clock()))
				if err != nil {
					return err
				}
				out = append(out, v)
			}
		}
		return nil
	})
	return out, err
}

// Contract returns contract kid with its history (for a recurring contract) as portal user id
// sees it. A role without the Contracts permission gets a *ForbiddenError; a contract the user
// does not see is a *psa.NotFoundError like one that does not exist.
func (s *Service) Contract(ctx context.Context, id psa.PortalUserID, kid psa.ContractID) (Contract, error) {
	var out Contract
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		if err := sc.require(sc.role.Permissions.Contracts, "view contracts"); err != nil {
			return err
		}
		k, err := tx.GetContract(ctx, kid)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || !sc.contractVisible(k) {
			return psa.NotFound("contract", kid)
		}
		if out, err = contractView(k, psa.DateOf(s.opts.Clock())); err != nil {
			return err
		}
		if k.Type == contract.Recurring {
			if out.History, err = tx.ListHistory(ctx, kid); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// invoiceVisible reports whether a role with the Invoices permission shows inv: an invoice or
// credit note of the organization that has been finalized (drafts never are).
func (sc *scope) invoiceVisible(inv invoice.Invoice) bool {
	return sc.inOrg(inv.ClientID) && inv.Status != invoice.StatusDraft
}

// Invoices returns the finalized invoices and credit notes (with their payments) of portal user
// id's organization, newest invoice date first. A role without the Invoices permission gets a
// *ForbiddenError.
func (s *Service) Invoices(ctx context.Context, id psa.PortalUserID) ([]invoice.Invoice, error) {
	var out []invoice.Invoice
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		if err := sc.require(sc.role.Permissions.Invoices, "view invoices"); err != nil {
			return err
		}
		out = []invoice.Invoice{}
		for _, c := range sc.orgs {
			invs, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
				return tx.ListInvoices(ctx, c, p)
			})
			if err != nil {
				return err
			}
			for _, inv := range invs {
				if sc.invoiceVisible(inv) {
					out = append(out, inv)
				}
			}
		}
		slices.SortStableFunc(out, func(a, b invoice.Invoice) int { return b.Date.Compare(a.Date) })
		return nil
	})
	return out, err
}

// Invoice returns invoice iid as portal user id sees it. A role without the Invoices permission
// gets a *ForbiddenError; an invoice the user does not see (another client's, or a draft) is a
// *psa.NotFoundError like one that does not exist.
func (s *Service) Invoice(ctx context.Context, id psa.PortalUserID, iid psa.InvoiceID) (invoice.Invoice, error) {
	var out invoice.Invoice
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		if err := sc.require(sc.role.Permissions.Invoices, "view invoices"); err != nil {
			return err
		}
		inv, err := tx.GetInvoice(ctx, iid)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || !sc.invoiceVisible(inv) {
			return psa.NotFound("invoice", iid)
		}
		out = inv
		return nil
	})
	return out, err
}

// OrganizationUser is a contact of a portal user's own client as a user with the ManageUsers
// permission sees it: who the contact is and the portal access it has, which is what granting and
// taking away access needs. What belongs to the colleague alone stays out: their personal notes,
// photo and preferences, to-do items, login times, failed logins and lockouts, and their links.
type OrganizationUser struct {
	ContactID psa.ContactID `json:"contactId"`
	FirstName string        `json:"firstName"`
	LastName  string        `json:"lastName"`
	Email     string        `json:"email,omitempty"`
	// Active is false for a contact who has left.
	Active bool `json:"active"`
	// AccountID is the contact's portal account (the recipient of a message to them); nil when
	// the contact never had portal access.
	AccountID psa.PortalUserID `json:"accountId"`
	// HasAccess is "Has Client Portal Access"; Username and Role are the account's, when there
	// is one.
	HasAccess bool   `json:"hasAccess"`
	Username  string `json:"username,omitempty"`
	RoleID    RoleID `json:"roleId"`
	Role      string `json:"role,omitempty"`
	// PasswordSet is false while the user has still to accept an invitation.
	PasswordSet bool `json:"passwordSet"`
}

// organizationUser returns what a user manager sees of contact ct and its account a (nil for
// none).
func organizationUser(ctx context.Context, tx Tx, ct client.Contact, a *Account) (OrganizationUser, error) {
	u := OrganizationUser{ContactID: ct.ID, FirstName: ct.FirstName, LastName: ct.LastName, Email: ct.Email, Active: ct.Active}
	if a == nil {
		return u, nil
	}
	u.AccountID, u.HasAccess, u.Username, u.RoleID, u.PasswordSet = a.ID, a.Enabled, a.Username, a.RoleID, a.HasPassword()
	r, err := getRole(ctx, tx, a.RoleID)
	switch {
	case err == nil:
		u.Role = r.Name
	case !isNotFound(err):
		return OrganizationUser{}, err
	}
	return u, nil
}

// OrganizationUsers returns the contacts of portal user id's client with their portal access, in
// ascending contact ID order, for a role with the ManageUsers permission (else a
// *ForbiddenError). It shows nothing of a colleague's account but its access (OrganizationUser).
func (s *Service) OrganizationUsers(ctx context.Context, id psa.PortalUserID) ([]OrganizationUser, error) {
	var out []OrganizationUser
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		if err := sc.require(sc.role.Permissions.ManageUsers, "manage portal users"); err != nil {
			return err
		}
		all, err := contactsOf(ctx, tx, sc.contact.ClientID, AnyAccess)
		if err != nil {
			return err
		}
		out = make([]OrganizationUser, 0, len(all))
		for _, ca := range all {
			u, err := organizationUser(ctx, tx, ca.Contact, ca.Account)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		return nil
	})
	return out, err
}
