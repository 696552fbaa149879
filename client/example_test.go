package client_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
)

// exampleService returns a client service on an empty in-memory store with a fixed clock.
func exampleService() *client.Service {
	now := time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC)
	return client.NewService(memstore.Runner[client.Tx](memstore.New()), &client.Options{Options: psa.Options{
		Now: func() time.Time { return now },
	}})
}

// exampleBilling returns complete billing information.
func exampleBilling() client.BillingInfo {
	terms, err := psa.NetDays(30)
	if err != nil {
		panic(err)
	}
	return client.BillingInfo{
		Address:      psa.Address{Line1: "1 Main Street", City: "Springfield", PostalCode: "62701", Country: "US"},
		InvoiceEmail: "ap@example.com",
		TaxRegion:    "US-IL",
		Currency:     currency.USD,
		PaymentTerms: terms,
	}
}

// Approving ticket time needs the client's billing information (seed 000). The gate checks many
// clients at once and names every one that lacks it, with the missing fields.
func ExampleService_RequireBillingInfo() {
	ctx := context.Background()
	clients := exampleService()

	b := exampleBilling()
	acme, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme Corp"}, Billing: &b})
	if err != nil {
		panic(err)
	}
	globex, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Globex"}})
	if err != nil {
		panic(err)
	}

	err = clients.RequireBillingInfo(ctx, "approve time", acme.ID, globex.ID)
	if bie, ok := errors.AsType[*client.BillingInfoError](err); ok {
		for _, c := range bie.Clients {
			fmt.Printf("%s lacks %v\n", c.Name, c.Missing)
		}
	}
	fmt.Println("precondition failed:", errors.Is(err, psa.ErrPrecondition))
	// Output:
	// Globex lacks [address invoiceEmail taxRegion currency paymentTerms]
	// precondition failed: true
}

// The onboarding checklist is computed from the client's data; steps owned by packages whose
// checks have not been added are marked [?].
func ExampleService_Onboarding() {
	ctx := context.Background()
	clients := exampleService()

	b := exampleBilling()
	c, err := clients.Create(ctx, client.NewClient{
		Profile: client.Profile{Name: "Acme Corp", Address: psa.Address{Line1: "1 Main Street", City: "Springfield", Country: "US"}},
		Billing: &b,
	})
	if err != nil {
		panic(err)
	}
	if _, err := clients.AddContact(ctx, c.ID, client.NewContact{ContactInfo: client.ContactInfo{
		FirstName: "Ann", LastName: "Lee", Email: "ann@acme.example",
	}}); err != nil {
		panic(err)
	}

	checklist := client.NewChecklist()
	for _, id := range []client.StepID{client.StepContract, client.StepSLA, client.StepPortal, client.StepInvoicing} {
		// Other packages provide these checks; here every one reports the step as done.
		if err := checklist.SetCheck(id, func(context.Context, client.Record) (client.Outcome, error) {
			return client.Outcome{Done: true, Reason: "checked elsewhere"}, nil
		}); err != nil {
			panic(err)
		}
	}
	report, err := clients.Onboarding(ctx, c.ID, checklist)
	if err != nil {
		panic(err)
	}
	fmt.Print(report)
	fmt.Println("complete:", report.Complete())
	// Output:
	// [x] Create the client record: company info and primary contact are set
	// [x] Add contacts: 1 active contact with e-mail
	// [x] Provide billing information: billing information is complete
	// [x] Set up a contract: checked elsewhere
	// [x] Assign an SLA policy: checked elsewhere
	// [x] Configure portal access: checked elsewhere
	// [ ] Link assets: no assets linked: import or sync devices from RMM
	// [ ] Set notification preferences: no notification rules: every notification goes to the primary contact
	// [x] Receive and process service desk tickets: tickets can be received and processed (billing information is not needed for that)
	// [x] Create sales items: sales items can be created
	// [x] Run billing and issue invoices: checked elsewhere
	// complete: false
}

// A sub-organization can be billed to its parent (seed 001): its work is then invoiced to the
// parent, and the parent's billing information is what the gate checks.
func ExampleService_BillTo() {
	ctx := context.Background()
	clients := exampleService()

	b := exampleBilling()
	parent, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Initech Holdings"}, Billing: &b})
	if err != nil {
		panic(err)
	}
	branch, err := clients.Create(ctx, client.NewClient{
		Profile:      client.Profile{Name: "Initech Austin"},
		ParentID:     parent.ID,
		BillToParent: true,
	})
	if err != nil {
		panic(err)
	}

	billTo, err := clients.BillTo(ctx, branch.ID)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s is billed to %s\n", branch.Name, billTo.Name)
	fmt.Println("branch has own billing information:", branch.Billing.Complete())
	fmt.Println("gate passes:", clients.RequireBillingInfo(ctx, "approve time", branch.ID) == nil)
	// Output:
	// Initech Austin is billed to Initech Holdings
	// branch has own billing information: false
	// gate passes: true
}
