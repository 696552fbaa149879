package contract_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/memstore"
)

// exampleAssignments is the host's knowledge of which services its platform has assigned to
// which clients.
type exampleAssignments map[psa.ClientID][]contract.Assignment

func (a exampleAssignments) AssignedServices(_ context.Context, id psa.ClientID) ([]contract.Assignment, error) {
	return a[id], nil
}

func (a exampleAssignments) ClientsWithAssignedServices(context.Context) ([]psa.ClientID, error) {
	var ids []psa.ClientID
	for id := range a {
		ids = append(ids, id)
	}
	return ids, nil
}

// exampleBilling is complete billing information in US dollars.
func exampleBilling() client.BillingInfo {
	usd, _ := psa.ParseCurrency("USD")
	net30, _ := psa.NetDays(30)
	return client.BillingInfo{
		Address:      psa.Address{Line1: "1 Main Street", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
		InvoiceEmail: "ap@example.com", TaxRegion: "US-IL", Currency: usd, PaymentTerms: net30,
	}
}

// Seed 000's onboarding of an existing client: the client has services assigned, so it is listed
// as lacking a contract; the contract is created from the proposed parts, priced, activated, and
// its first, prorated month is charged.
func ExampleService_ProposeParts() {
	ctx := context.Background()
	store := memstore.New()
	now := func() time.Time { return time.Date(2026, time.January, 15, 9, 0, 0, 0, time.UTC) }
	clients := client.NewService(memstore.Runner[client.Tx](store), &client.Options{Options: psa.Options{Now: now}})
	billing := exampleBilling()
	acme, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme"}, Billing: &billing})
	if err != nil {
		fmt.Println(err)
		return
	}
	assigned := exampleAssignments{acme.ID: {
		{Description: "Managed workstation", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(12)},
		{Description: "Microsoft 365 backup", UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(30)},
	}}
	contracts := contract.NewService(memstore.Runner[contract.Tx](store), &contract.Options{Options: psa.Options{Now: now}, Assignments: assigned})

	without, _ := contracts.ClientsWithoutContracts(ctx)
	fmt.Println("clients without a contract:", len(without))

	proposed, _ := contracts.ProposeParts(ctx, acme.ID)
	for _, p := range proposed {
		fmt.Printf("proposed: %s, %s %s\n", p.Description, p.Quantity, p.UnitKind)
	}
	start, _ := psa.ParseDate("2026-01-15")
	c, parts, err := contracts.Create(ctx, contract.NewContract{ClientID: acme.ID, Parts: proposed, Terms: contract.Terms{
		Name: "Managed services", Type: contract.Recurring, Start: start, Schedule: contract.Schedule{Cycle: contract.Monthly},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", c.Status)

	prices := []string{"35.00", "4.00"}
	for i, p := range parts {
		price, _ := psa.ParseMoney(prices[i], "USD")
		if parts[i], err = contracts.SetPartPrice(ctx, p.ID, p.Version, price, psa.Money{}); err != nil {
			fmt.Println(err)
			return
		}
	}
	if c, err = contracts.Activate(ctx, c.ID, c.Version); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after pricing:", c.Status)
	without, _ = contracts.ClientsWithoutContracts(ctx)
	fmt.Println("clients without a contract:", len(without))

	ws := parts[0]
	due, err := c.Schedule.Due(ws.Served(c), c.Timing, psa.Date{}, start)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("first due period %s, served %s\n", due[0].Period, due[0].Served)
	charge, err := contract.PartCharge(c, ws, due[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(charge.Explain())
	// Output:
	// clients without a contract: 1
	// proposed: Managed workstation, 12 device
	// proposed: Microsoft 365 backup, 30 seat
	// created: draft
	// after pricing: active
	// clients without a contract: 0
	// first due period 2026-01-01..2026-01-31, served 2026-01-15..2026-01-31
	// 2026-01-15..2026-01-31: 12 x 35.00 USD x 17/31 days ≈ 230.32 USD
	// charge 230.32 USD (rounded half-up once)
}

// Seed 002's Renewal Dashboard: the contracts ending within 45 days, renewed once; renewing the
// same term again returns the same renewal.
func ExampleService_Renew() {
	ctx := context.Background()
	store := memstore.New()
	now := func() time.Time { return time.Date(2026, time.December, 1, 9, 0, 0, 0, time.UTC) }
	clients := client.NewService(memstore.Runner[client.Tx](store), &client.Options{Options: psa.Options{Now: now}})
	contracts := contract.NewService(memstore.Runner[contract.Tx](store), &contract.Options{Options: psa.Options{Now: now}})
	billing := exampleBilling()
	acme, _ := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme"}, Billing: &billing})

	start, _ := psa.ParseDate("2026-01-01")
	end, _ := psa.ParseDate("2026-12-31")
	price, _ := psa.ParseMoney("30.00", "USD")
	_, parts, err := contracts.Create(ctx, contract.NewContract{ClientID: acme.ID,
		Terms: contract.Terms{Name: "Managed services 2026", Type: contract.Recurring, Start: start, End: end,
			Schedule: contract.Schedule{Cycle: contract.Monthly}, Renewal: contract.Renewal{Auto: true, NoticeDays: 60}},
		Parts: []contract.NewPart{{Description: "Workstations", UnitPrice: price, Quantity: decimal.NewFromInt(10)}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	july, _ := psa.ParseDate("2026-07-01")
	if _, err := contracts.ChangeQuantity(ctx, parts[0].ID, parts[0].Version, july, decimal.NewFromInt(12)); err != nil {
		fmt.Println(err)
		return
	}

	up, _ := contracts.UpForRenewal(ctx, 45)
	for _, c := range up {
		fmt.Printf("up for renewal: %s, last day %s, renewal due: %t\n", c.Name, c.End, contract.RenewalDue(c, psa.DateOf(now())))
		next, err := contracts.Renew(ctx, c.ID)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("renewed for", next.Served())
		nextParts, _ := contracts.Parts(ctx, next.ID)
		for _, p := range nextParts {
			fmt.Printf("  %s x %s from %s\n", p.Description, p.QuantityOn(next.Start), p.Start)
		}
		again, _ := contracts.Renew(ctx, c.ID)
		fmt.Println("second Renew returns the same term:", again.ID == next.ID, again.Served())
	}
	all, _ := contracts.List(ctx, acme.ID, psa.PageRequest{})
	fmt.Println("contracts:", len(all.Items))
	up, _ = contracts.UpForRenewal(ctx, 45)
	fmt.Println("still up for renewal:", len(up))
	// Output:
	// up for renewal: Managed services 2026, last day 2026-12-31, renewal due: true
	// renewed for 2027-01-01..2027-12-31
	//   Workstations x 12 from 2027-01-01
	// second Renew returns the same term: true 2027-01-01..2027-12-31
	// contracts: 2
	// still up for renewal: 0
}
