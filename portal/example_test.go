package portal_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// mailer is a Notifier that prints what it would send and keeps the last link's token.
type mailer struct{ token string }

func (m *mailer) Notify(_ context.Context, n portal.Notification) error {
	fmt.Printf("mail %s to %s, link valid until %s\n", n.Kind, n.Email, n.ExpiresAt.Format(time.DateTime))
	m.token = n.Token
	return nil
}

// exampleClock is the fixed clock of the examples.
func exampleClock() time.Time { return time.Date(2026, time.May, 11, 9, 0, 0, 0, time.UTC) }

// An invitation: enabling a contact's portal access sends a create-password link valid 24
// hours; the contact sets a password that meets the tenant's policy and is logged in.
func ExampleService_AcceptInvitation() {
	ctx := context.Background()
	store := memstore.New()
	opts := psa.Options{Now: exampleClock}
	clients := client.NewService(memstore.Runner[client.Tx](store), &client.Options{Options: opts})
	mail := &mailer{}
	fast, _ := portal.NewPBKDF2(1000, nil) // production code keeps the default cost
	svc, err := portal.NewService(memstore.Runner[portal.Tx](store), &portal.Options{Options: opts, Notifier: mail, Hasher: fast})
	if err != nil {
		panic(err)
	}

	acme, _ := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme"}})
	ann, _ := clients.AddContact(ctx, acme.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Ann", LastName: "Lee", Email: "ann@acme.example"}})
	if _, err := svc.Enable(ctx, ann.ID, portal.Access{Invite: true}); err != nil {
		panic(err)
	}

	_, err = svc.AcceptInvitation(ctx, mail.token, "Welcome1!", "Welcome1!")
	if pe, ok := errors.AsType[*portal.PolicyError](err); ok {
		fmt.Println("refused:", pe.Rules())
	}
	p, err := svc.AcceptInvitation(ctx, mail.token, "tulips in the rain at noon", "tulips in the rain at noon")
	if err != nil {
		panic(err)
	}
	fmt.Printf("logged in as %s (%s), role %s\n", p.Username, p.Name, p.Role.Name)

	_, err = svc.AcceptInvitation(ctx, mail.token, "tulips in the rain at noon", "tulips in the rain at noon")
	fmt.Println("second use:", err)
	// Output:
	// mail invitation to ann@acme.example, link valid until 2026-05-12 09:00:00
	// refused: [min length blocklist]
	// logged in as ann@acme.example (Ann Lee), role External User
	// second use: psa: invitation token is already used
}

// What an External User and an External Manager of the same client see: the user only the
// tickets they are the contact person of, the manager every ticket of the organization.
func ExampleService_Tickets() {
	ctx := context.Background()
	store := memstore.New()
	opts := psa.Options{Now: exampleClock}
	clients := client.NewService(memstore.Runner[client.Tx](store), &client.Options{Options: opts})
	desk := servicedesk.NewService(memstore.Runner[servicedesk.Tx](store), &servicedesk.Options{Options: opts})
	mail := &mailer{}
	fast, _ := portal.NewPBKDF2(1000, nil)
	svc, _ := portal.NewService(memstore.Runner[portal.Tx](store), &portal.Options{Options: opts, Notifier: mail, Hasher: fast})

	acme, _ := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme"}})
	login := func(first string, role portal.RoleID) (psa.ContactID, psa.PortalUserID) {
		ct, _ := clients.AddContact(ctx, acme.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: first, Email: first + "@acme.example"}})
		if _, err := svc.Enable(ctx, ct.ID, portal.Access{RoleID: role, Invite: true}); err != nil {
			panic(err)
		}
		p, err := svc.AcceptInvitation(ctx, mail.token, "a long enough passphrase", "a long enough passphrase")
		if err != nil {
			panic(err)
		}
		return ct.ID, p.AccountID
	}
	annContact, ann := login("ann", portal.ExternalUser().ID)
	bobContact, bob := login("bob", portal.ExternalManager().ID)
	for _, t := range []struct {
		title   string
		contact psa.ContactID
	}{{"Ann's laptop", annContact}, {"Bob's phone", bobContact}, {"Office Wi-Fi", psa.ContactID{}}} {
		if _, err := desk.Open(ctx, servicedesk.NewTicket{ClientID: acme.ID, ContactID: t.contact, Fields: servicedesk.Fields{Title: t.title, Priority: servicedesk.Medium}}); err != nil {
			panic(err)
		}
	}

	for _, who := range []struct {
		name string
		id   psa.PortalUserID
	}{{"ann (External User)", ann}, {"bob (External Manager)", bob}} {
		ts, _ := svc.Tickets(ctx, who.id, portal.Visible)
		fmt.Printf("%s sees:", who.name)
		for _, t := range ts {
			fmt.Printf(" #%d %q", t.Number, t.Title)
		}
		_, err := svc.Invoices(ctx, who.id)
		fmt.Printf("; invoices forbidden: %v\n", errors.Is(err, psa.ErrForbidden))
	}
	// Output:
	// mail invitation to ann@acme.example, link valid until 2026-05-12 09:00:00
	// mail invitation to bob@acme.example, link valid until 2026-05-12 09:00:00
	// ann (External User) sees: #1 "Ann's laptop"; invoices forbidden: true
	// bob (External Manager) sees: #1 "Ann's laptop" #2 "Bob's phone" #3 "Office Wi-Fi"; invoices forbidden: false
}
