// Command quickstart onboards a client the way an MSP does (seed 000 "Onboarding existing
// clients", seed 001 "Onboarding a new customer") on the embedded in-memory store, and prints the
// onboarding checklist as the data stands after each step.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	// One line wires a service onto the embedded store.
	store := memstore.New()
	clients := client.NewService(memstore.Runner[client.Tx](store), nil)

	// 1. Create the client record: company info.
	acme, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{
		Name:     "Acme Manufacturing",
		Address:  psa.Address{Line1: "1 Foundry Road", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
		Phone:    "+1 217 555 0100",
		Website:  "https://acme.example",
		Industry: "Manufacturing", EmployeeCount: 120,
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created client %q\n", acme.Name)

	// 2. Add contacts; the first one becomes the primary contact, who receives notifications.
	ann, err := clients.AddContact(ctx, acme.ID, client.NewContact{ContactInfo: client.ContactInfo{
		FirstName: "Ann", LastName: "Lee", Email: "ann.lee@acme.example", JobTitle: "IT Manager", Role: "technical"}})
	if err != nil {
		return err
	}
	bob, err := clients.AddContact(ctx, acme.ID, client.NewContact{ContactInfo: client.ContactInfo{
		FirstName: "Bob", LastName: "Ray", Email: "bob.ray@acme.example", JobTitle: "Controller", Role: "billing"}})
	if err != nil {
		return err
	}
	if acme, err = clients.Get(ctx, acme.ID); err != nil {
		return err
	}
	fmt.Fprintf(out, "Contacts: %s (primary), %s\n", ann.Name(), bob.Name())

	// 3. A second primary contact is refused: the primary contact is changed, not added.
	_, err = clients.AddContact(ctx, acme.ID, client.NewContact{Primary: true, ContactInfo: client.ContactInfo{FirstName: "Cy", Email: "cy@acme.example"}})
	if e, ok := errors.AsType[*client.PrimaryContactError](err); ok {
		fmt.Fprintf(out, "Second primary contact refused (%v)\n", errors.Is(e, psa.ErrPrecondition))
	}

	fmt.Fprintln(out, "\nOnboarding checklist before billing information:")
	if err := printChecklist(ctx, out, clients, acme.ID); err != nil {
		return err
	}

	// 4. Billing information gates time approval and sales items (seed 000).
	if err := clients.RequireBillingInfo(ctx, "approve time", acme.ID); err != nil {
		fmt.Fprintf(out, "\nGate: %v\n", err)
	}
	terms, err := psa.ParsePaymentTerms("net 30")
	if err != nil {
		return err
	}
	usd, err := psa.ParseCurrency("USD")
	if err != nil {
		return err
	}
	acme, err = clients.SetBillingInfo(ctx, acme.ID, acme.Version, client.BillingInfo{
		Address:      psa.Address{Line1: "PO Box 42", City: "Springfield", Region: "IL", PostalCode: "62705", Country: "US"},
		Attention:    bob.Name(),
		InvoiceEmail: "ap@acme.example",
		TaxRegion:    "US-IL",
		TaxID:        "36-1234567",
		Currency:     usd,
		PaymentTerms: terms,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Billing information added: %s, %s, invoices to %s\n", acme.Billing.Currency, acme.Billing.PaymentTerms, acme.Billing.InvoiceEmail)

	// 5. A sub-organization billed to its parent (seed 001 "direct bill the parent").
	plant, err := clients.Create(ctx, client.NewClient{
		Profile:  client.Profile{Name: "Acme Plant East", Address: psa.Address{Line1: "9 Mill Lane", City: "Peoria", Region: "IL", Country: "US"}},
		ParentID: acme.ID, BillToParent: true,
	})
	if err != nil {
		return err
	}
	billTo, err := clients.BillTo(ctx, plant.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Sub-organization %q is billed to %q\n", plant.Name, billTo.Name)

	// 6. Account team and client-specific settings.
	manager, err := psa.NewID[psa.StaffID](nil)
	if err != nil {
		return err
	}
	if acme, err = clients.SetAccountTeam(ctx, acme.ID, acme.Version, manager, nil); err != nil {
		return err
	}
	rate, err := psa.ParseMoney("135.00", "USD")
	if err != nil {
		return err
	}
	acme, err = clients.SetSettings(ctx, acme.ID, acme.Version, client.Settings{
		SelfManagedProfile:     true,
		PortalTicketCategories: []string{"Hardware", "Software", "Access"},
		NotificationRules: []client.NotificationRule{
			{Event: client.EventInvoiceIssued, ContactIDs: []psa.ContactID{bob.ID}},
		},
		RateOverrides: []client.RateOverride{{WorkType: "onsite", Rate: rate}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Invoices are announced to %d contact(s); onsite work is billed at %s\n", len(acme.Recipients(client.EventInvoiceIssued)), rate)

	// 7. Link assets synced from the RMM tool; a re-sync changes nothing.
	for _, a := range []struct{ id, name string }{{"rmm-1001", "ACME-DC01"}, {"rmm-1002", "ACME-WS-ANN"}} {
		if _, _, err := clients.UpsertAsset(ctx, acme.ID, a.id, client.AssetInfo{Kind: client.AssetServer, Name: a.name}); err != nil {
			return err
		}
	}
	_, change, err := clients.UpsertAsset(ctx, acme.ID, "rmm-1001", client.AssetInfo{Kind: client.AssetServer, Name: "ACME-DC01"})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Assets linked; re-sync of rmm-1001: %s\n", change)

	fmt.Fprintln(out, "\nOnboarding checklist now:")
	return printChecklist(ctx, out, clients, acme.ID)
}

func printChecklist(ctx context.Context, out io.Writer, clients *client.Service, id psa.ClientID) error {
	report, err := clients.Onboarding(ctx, id, nil)
	if err != nil {
		return err
	}
	fmt.Fprint(out, report)
	return nil
}
