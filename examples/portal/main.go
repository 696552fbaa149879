// Command portal walks the client portal (seed 004 "Working with Client Portal access") on the
// embedded in-memory store:
//
//  1. give a contact portal access: a create-password link, valid 24 hours, is "e-mailed";
//  2. set a password: one that breaks the tenant's policy is refused with every rule it breaks;
//     then the link is used, and a second use is refused;
//  3. log in, and see the same answer for an unknown user as for a wrong password (a locked
//     account gets it too);
//  4. open a ticket from the portal and add a note;
//  5. show what an External User and an External Manager of the same client each see: tickets,
//     notes, time entries, contracts and invoices, and what happens when one asks for the
//     other's data by ID.
//
// It runs on a fixed clock, so its output is the same every time.
//
//	go run ./examples/portal
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

func main() {
	if err := run(context.Background(), os.Stdout, 0); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// outbox stands in for the host's e-mail: it prints each message and keeps the last link.
type outbox struct {
	out  io.Writer
	last string
}

func (o *outbox) Notify(_ context.Context, n portal.Notification) error {
	fmt.Fprintf(o.out, "  [mail] %s for %s <%s>, link valid until %s\n", n.Kind, n.Name, n.Email, n.ExpiresAt.Format("Mon 2006-01-02 15:04"))
	o.last = n.Token
	return nil
}

// run writes the walkthrough to out. iterations is the PBKDF2 cost of password hashes: 0 for the
// production default, lower in tests.
func run(ctx context.Context, out io.Writer, iterations int) error {
	now := time.Date(2026, time.May, 11, 9, 0, 0, 0, time.UTC)
	ids := sequentialIDs()
	opts := psa.Options{Now: func() time.Time { return now }, NewID: ids}
	store := memstore.New()
	clients := client.NewService(memstore.Runner[client.Tx](store), &client.Options{Options: opts})
	desk := servicedesk.NewService(memstore.Runner[servicedesk.Tx](store), &servicedesk.Options{Options: opts})
	mail := &outbox{out: out}
	hasher, err := portal.NewPBKDF2(iterations, nil)
	if err != nil {
		return err
	}
	svc, err := portal.NewService(memstore.Runner[portal.Tx](store), &portal.Options{Options: opts, Notifier: mail, Hasher: hasher})
	if err != nil {
		return err
	}
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }

	// The MSP's side: a client, two contacts, the tenant's settings.
	acme, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme Manufacturing"}})
	if err != nil {
		return err
	}
	other, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Globex"}})
	if err != nil {
		return err
	}
	ann, err := clients.AddContact(ctx, acme.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Ann", LastName: "Lee", Email: "Ann.Lee@acme.example"}})
	if err != nil {
		return err
	}
	bob, err := clients.AddContact(ctx, acme.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Bob", LastName: "Ruiz", Email: "bob.ruiz@acme.example"}})
	if err != nil {
		return err
	}
	if _, err := svc.PutSettings(ctx, portal.Settings{Policy: portal.Policy{MinLength: 12, RequireDigit: true, Blocked: []string{"acme"}}}); err != nil {
		return err
	}
	set, err := desk.Settings(ctx)
	if err != nil {
		return err
	}
	set.ShowTimeEntriesInPortal = true
	if _, err := desk.PutSettings(ctx, set); err != nil {
		return err
	}

	say("1. Portal access for %s (External User)", ann.Name())
	acct, err := svc.Enable(ctx, ann.ID, portal.Access{Invite: true})
	if err != nil {
		return err
	}
	say("  username %q, role %s", acct.Username, portal.ExternalUser().Name)

	say("2. Setting the password")
	_, err = svc.AcceptInvitation(ctx, mail.last, "Acme2026", "Acme2026")
	if pe, ok := errors.AsType[*portal.PolicyError](err); ok {
		say("  refused %q: %d rules broken:", "Acme2026", len(pe.Violations))
		for _, v := range pe.Violations {
			say("    - %s: %s", v.Rule, v.Message)
		}
	}
	const annPassword = "tulips and 7 windmills"
	annP, err := svc.AcceptInvitation(ctx, mail.last, annPassword, annPassword)
	if err != nil {
		return err
	}
	say("  password set; logged in as %s", annP.Username)
	_, err = svc.AcceptInvitation(ctx, mail.last, annPassword, annPassword)
	say("  the link again: %v", err)

	say("3. Logging in")
	_, errUnknown := svc.Login(ctx, "nobody@acme.example", annPassword)
	_, errWrong := svc.Login(ctx, "ann.lee@acme.example", "wrong password 1")
	say("  unknown user:   %v", errUnknown)
	say("  wrong password: %v", errWrong)
	annP, err = svc.Login(ctx, "ANN.LEE@acme.example", annPassword)
	if err != nil {
		return err
	}
	say("  logged in: %s (%s), lands on %q", annP.Name, annP.Role.Name, annP.LandingPage)

	say("4. Opening a ticket from the portal (%s gets the quick form: %v)", annP.Role.Name, portal.TicketForm(annP.Role))
	tk, err := svc.OpenTicket(ctx, annP.AccountID, portal.NewTicket{Fields: servicedesk.Fields{Title: "Label printer offline", Details: "Since this morning."}})
	if err != nil {
		return err
	}
	say("  ticket #%d %q, contact person %s, priority %s, source %s", tk.Number, tk.Title, ann.Name(), tk.Priority, tk.Source)
	if _, err := svc.AddNote(ctx, annP.AccountID, tk.ID, "It shows error E-42."); err != nil {
		return err
	}

	// Staff work on it, and the MSP has other tickets, a contract and invoices for Acme.
	staff := psa.StaffID{UUID: [16]byte{15: 1}}
	if _, err := desk.AddNote(ctx, tk.ID, servicedesk.NewNote{StaffID: staff, Public: true, Text: "On my way."}); err != nil {
		return err
	}
	if _, err := desk.AddNote(ctx, tk.ID, servicedesk.NewNote{StaffID: staff, Text: "Firmware 1.2 is buggy; tell nobody."}); err != nil {
		return err
	}
	bobsTicket, err := desk.Open(ctx, servicedesk.NewTicket{ClientID: acme.ID, ContactID: bob.ID, Fields: servicedesk.Fields{Title: "New laptop for Bob", Priority: servicedesk.Low}})
	if err != nil {
		return err
	}
	globexTicket, err := desk.Open(ctx, servicedesk.NewTicket{ClientID: other.ID, Fields: servicedesk.Fields{Title: "Globex VPN", Priority: servicedesk.High}})
	if err != nil {
		return err
	}
	if err := seedAccounts(ctx, store, ids, acme.ID, tk, now); err != nil {
		return err
	}

	say("5. What each user of Acme Manufacturing sees")
	bobAcct, err := svc.Enable(ctx, bob.ID, portal.Access{RoleID: portal.ExternalManager().ID, Invite: true})
	if err != nil {
		return err
	}
	const bobPassword = "9 blue herons over the lake"
	if _, err := svc.AcceptInvitation(ctx, mail.last, bobPassword, bobPassword); err != nil {
		return err
	}
	for _, who := range []struct {
		name string
		id   psa.PortalUserID
	}{{ann.Name() + " (External User)", annP.AccountID}, {bob.Name() + " (External Manager)", bobAcct.ID}} {
		say("  %s", who.name)
		ts, err := svc.Tickets(ctx, who.id, portal.Visible)
		if err != nil {
			return err
		}
		for _, t := range ts {
			d, err := svc.Ticket(ctx, who.id, t.ID)
			if err != nil {
				return err
			}
			say("    ticket #%d %q: %d public note(s), %d time entr(ies)", t.Number, t.Title, len(d.Notes), len(d.Time))
			for _, n := range d.Notes {
				say("      note: %s", n.Text)
			}
			for _, e := range d.Time {
				say("      time: %s %s %q", e.Date, e.Duration, e.Note)
			}
		}
		ks, err := svc.Contracts(ctx, who.id)
		if err != nil {
			say("    contracts: %v", err)
		}
		for _, k := range ks {
			say("    contract %q (%s): remaining %s of %s", k.Name, k.Type, k.Info.Remaining, k.BillAmount)
		}
		invs, err := svc.Invoices(ctx, who.id)
		if err != nil {
			say("    invoices: %v", err)
		}
		for _, inv := range invs {
			say("    invoice %s (%s), %d payment(s)", inv.Number, inv.Status, len(inv.Payments))
		}
	}

	say("6. Asking for what is not yours")
	_, err = svc.Ticket(ctx, annP.AccountID, bobsTicket.ID)
	say("  Ann asks for Bob's ticket #%d:   %v", bobsTicket.Number, err)
	_, err = svc.Ticket(ctx, bobAcct.ID, globexTicket.ID)
	say("  Bob asks for Globex's ticket #%d: %v", globexTicket.Number, err)
	_, err = svc.AddNote(ctx, bobAcct.ID, globexTicket.ID, "hello?")
	say("  Bob adds a note to it:           %v", err)
	_, err = svc.Disable(ctx, ann.ID)
	if err != nil {
		return err
	}
	_, err = svc.Login(ctx, "ann.lee@acme.example", annPassword)
	say("  Ann logs in after her access was disabled: %v", err)
	return nil
}

// sequentialIDs returns identifiers 1, 2, 3, ... (as UUIDs), so that the output is the same
// every time.
func sequentialIDs() psa.IDFunc {
	var n uint64
	return func() (uuid.UUID, error) {
		n++
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[8:], n)
		return u, nil
	}
}

// seedAccounts stores what billing would have left for Acme: a time entry on ticket tk, a
// fixed-price contract partly billed, a draft and a sent, paid invoice.
func seedAccounts(ctx context.Context, store *memstore.Store, newID psa.IDFunc, acme psa.ClientID, tk servicedesk.Ticket, now time.Time) error {
	usd := func(s string) psa.Money {
		m, _ := psa.NewMoney(decimal.RequireFromString(s), currency.USD)
		return m
	}
	ids := make([]psa.InvoiceID, 2)
	for i := range ids {
		id, err := psa.NewID[psa.InvoiceID](newID)
		if err != nil {
			return err
		}
		ids[i] = id
	}
	entryID, err := psa.NewID[psa.TimeEntryID](newID)
	if err != nil {
		return err
	}
	kid, err := psa.NewID[psa.ContractID](newID)
	if err != nil {
		return err
	}
	pid, err := psa.NewID[psa.PaymentID](newID)
	if err != nil {
		return err
	}
	return memstore.Runner[portal.Tx](store)(ctx, func(ctx context.Context, tx portal.Tx) error {
		e := servicedesk.TimeEntry{ID: entryID, Work: servicedesk.Work{TicketID: tk.ID, ClientID: acme, StaffID: psa.StaffID{UUID: [16]byte{15: 1}},
			Date: psa.DateOf(now), Duration: 45 * time.Minute, WorkType: "onsite", Note: "Replaced the fuser.", NotePublic: true},
			Status: servicedesk.EntrySubmitted, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.CreateTimeEntry(ctx, e); err != nil {
			return err
		}
		k := contract.Contract{ID: kid, ClientID: acme, Status: contract.StatusActive, Currency: currency.USD, Billed: usd("1200.00"),
			Terms:     contract.Terms{Name: "Network refresh", Type: contract.FixedPrice, Start: psa.NewDate(2026, time.January, 1), BillAmount: usd("5000.00")},
			CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.CreateContract(ctx, k); err != nil {
			return err
		}
		for i, inv := range []invoice.Invoice{
			{Kind: invoice.InvoiceNumbers, Status: invoice.StatusDraft},
			{Kind: invoice.InvoiceNumbers, Number: "INV-2026-0007", Status: invoice.StatusPaid,
				Payments: []invoice.Payment{{ID: pid, Date: psa.NewDate(2026, time.May, 2), Amount: usd("1200.00"), Method: "bank transfer"}}},
		} {
			inv.ID, inv.ClientID, inv.Currency, inv.Date, inv.CreatedAt, inv.UpdatedAt, inv.Version = ids[i], acme, currency.USD, psa.NewDate(2026, time.April, 30), now, now, 1
			if err := tx.CreateInvoice(ctx, inv); err != nil {
				return err
			}
		}
		return nil
	})
}
