// Command quickstart onboards a client the way an MSP does (seed 000 "Onboarding existing
// clients", seed 001 "Onboarding a new customer") on the embedded in-memory store: company,
// contacts and the primary contact, billing information, a sub-organization billed to its parent,
// assets, and a contract created from the client's assigned services with a prorated first month.
// It prints the onboarding checklist as the data stands before and after.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
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
	if err := printChecklist(ctx, out, clients, acme.ID, nil); err != nil {
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

	// 8. Create a contract from the services already assigned to the client (seed 000): the
	// wizard proposes one part per assigned service, and the prices must be set.
	assigned := assignments{acme.ID: {
		{ServiceID: serviceID(1), Description: "Managed workstation", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(1)},
		{ServiceID: serviceID(2), Description: "Microsoft 365 Business Premium", UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(25)},
	}}
	contracts := contract.NewService(memstore.Runner[contract.Tx](store), &contract.Options{Assignments: assigned})
	waiting, err := contracts.ClientsWithoutContracts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d client(s) have assigned services but no contract\n", len(waiting))
	parts, err := contracts.ProposeParts(ctx, acme.ID)
	if err != nil {
		return err
	}
	for i, price := range []string{"45.00", "22.00"} {
		if parts[i].UnitPrice, err = psa.ParseMoney(price, "USD"); err != nil {
			return err
		}
	}
	start, err := psa.ParseDate("2026-11-17")
	if err != nil {
		return err
	}
	msa, created, err := contracts.Create(ctx, contract.NewContract{ClientID: acme.ID, Parts: parts, Terms: contract.Terms{
		Name: "Managed services", Type: contract.Recurring, Start: start, Default: true,
		Schedule: contract.Schedule{Cycle: contract.Monthly}, Timing: contract.InAdvance,
		Renewal: contract.Renewal{NoticeDays: 60},
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Contract %q (%s, %s, billed %s in advance) from %s with %d parts\n", msa.Name, msa.Type, msa.Status, msa.Schedule.Cycle, msa.Start, len(created))

	// Per-device quantity follows the client's managed devices.
	device, err := contracts.SyncDeviceQuantity(ctx, created[0].ID, created[0].Version, start)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: quantity %s from the client's assets\n", device.Description, device.QuantityOn(start))

	periods, err := msa.Schedule.Periods(psa.Period{Start: start, End: start.AddMonths(2)})
	if err != nil {
		return err
	}
	fmt.Fprint(out, "Next billing periods:")
	for _, p := range periods {
		fmt.Fprintf(out, " %s;", p)
	}
	fmt.Fprintln(out)

	// The first month starts mid-period, so it is prorated: served days over the month's days,
	// rounded once.
	for _, part := range []contract.Part{device, created[1]} {
		due, err := msa.Schedule.Due(part.Served(msa), msa.Timing, psa.Date{}, start)
		if err != nil {
			return err
		}
		first, err := contract.PartCharge(msa, part, due[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "First charge for %s:\n%s\n", part.Description, first.Explain())
	}

	fmt.Fprintln(out, "\nOnboarding checklist now:")
	checklist := client.NewChecklist()
	if err := checklist.SetCheck(client.StepContract, contract.OnboardingCheck(contracts)); err != nil {
		return err
	}
	return printChecklist(ctx, out, clients, acme.ID, checklist)
}

// assignments is the host's record of which services its platform has assigned to which client.
type assignments map[psa.ClientID][]contract.Assignment

func (a assignments) AssignedServices(_ context.Context, id psa.ClientID) ([]contract.Assignment, error) {
	return a[id], nil
}

func (a assignments) ClientsWithAssignedServices(context.Context) ([]psa.ClientID, error) {
	ids := make([]psa.ClientID, 0, len(a))
	for id := range a {
		ids = append(ids, id)
	}
	return ids, nil
}

func serviceID(n byte) psa.ServiceID {
	return psa.ServiceID{UUID: uuid.UUID{15: n}}
}

func printChecklist(ctx context.Context, out io.Writer, clients *client.Service, id psa.ClientID, checklist *client.Checklist) error {
	report, err := clients.Onboarding(ctx, id, checklist)
	if err != nil {
		return err
	}
	fmt.Fprint(out, report)
	return nil
}
