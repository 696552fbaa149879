package servicedesk_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/servicedesk"
)

// Seed 000: tickets and time need no billing information, but approving the time does. The
// refusal names the client and what it lacks; once billing information is added, the same
// approval goes through and fixes the billable time, the rate and where the rate came from.
func ExampleService_Approve() {
	ctx := context.Background()
	now := time.Date(2026, time.May, 11, 14, 0, 0, 0, time.UTC)
	opts := psa.Options{Now: func() time.Time { return now }}
	store := memstore.New()
	clients := client.NewService(memstore.Runner[client.Tx](store), &client.Options{Options: opts})
	desk := servicedesk.NewService(memstore.Runner[servicedesk.Tx](store), &servicedesk.Options{Options: opts})

	rate, _ := psa.ParseMoney("95.00", "USD")
	if _, err := desk.PutSettings(ctx, servicedesk.Settings{
		TimeRounding: contract.TimeRounding{MinimumMinutes: 15, IncrementMinutes: 15},
		DefaultRates: []client.RateOverride{{Role: "technician", Rate: rate}},
	}); err != nil {
		fmt.Println(err)
		return
	}
	acme, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ticket, err := desk.Open(ctx, servicedesk.NewTicket{ClientID: acme.ID,
		Fields: servicedesk.Fields{Title: "Printer offline", Priority: servicedesk.Medium}})
	if err != nil {
		fmt.Println(err)
		return
	}
	technician := psa.StaffID{UUID: [16]byte{15: 1}}
	entry, err := desk.LogTime(ctx, servicedesk.Work{TicketID: ticket.ID, StaffID: technician, Role: "technician",
		Date: psa.DateOf(now), Duration: 50 * time.Minute, Billable: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("ticket #%d, %v logged, %s\n", ticket.Number, entry.Duration, entry.Status)

	_, err = desk.Approve(ctx, entry.ID)
	if gate, ok := errors.AsType[*client.BillingInfoError](err); ok {
		for _, c := range gate.Clients {
			fmt.Printf("approval refused: %s lacks %v (precondition: %v)\n", c.Name, c.Missing, errors.Is(err, psa.ErrPrecondition))
		}
	}

	usd, _ := psa.ParseCurrency("USD")
	terms, _ := psa.NetDays(30)
	if _, err := clients.SetBillingInfo(ctx, acme.ID, acme.Version, client.BillingInfo{
		Address:      psa.Address{Line1: "1 Foundry Road", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
		InvoiceEmail: "ap@acme.example", TaxRegion: "US-IL", Currency: usd, PaymentTerms: terms,
	}); err != nil {
		fmt.Println(err)
		return
	}
	approved, err := desk.Approve(psa.WithActor(ctx, "dispatcher"), entry.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	e := approved[0]
	value, _ := e.Value(psa.RoundHalfUp)
	fmt.Printf("approved by %s: %v billed as %v at %s (%s) = %s\n", e.ApprovedBy, e.Duration, e.BillableDuration, e.Rate, e.RateSource, value)
	// Output:
	// ticket #1, 50m0s logged, submitted
	// approval refused: Acme lacks [address invoiceEmail taxRegion currency paymentTerms] (precondition: true)
	// approved by dispatcher: 50m0s billed as 1h0m0s at 95.00 USD (default rate) = 95.00 USD
}

// A ticket's deadlines on Monday-to-Friday office hours: opened on Friday at 16:00, its
// 4-hour first response is due on Monday at 12:00. While it waits on the customer the clock
// stands still; the four business hours paused move every running deadline by four business
// hours.
func ExampleService_SLA() {
	ctx := context.Background()
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, time.May, 15, 16, 0, 0, 0, newYork) // a Friday
	opts := psa.Options{Now: func() time.Time { return now }}
	store := memstore.New()
	clients := client.NewService(memstore.Runner[client.Tx](store), &client.Options{Options: opts})
	desk := servicedesk.NewService(memstore.Runner[servicedesk.Tx](store), &servicedesk.Options{Options: opts})

	nineToFive := []servicedesk.Interval{{Start: 9 * 60, End: 17 * 60}}
	cal, err := desk.PutCalendar(ctx, servicedesk.Calendar{Name: "Office hours", TimeZone: "America/New_York",
		Week: [7][]servicedesk.Interval{time.Monday: nineToFive, time.Tuesday: nineToFive, time.Wednesday: nineToFive, time.Thursday: nineToFive, time.Friday: nineToFive}})
	if err != nil {
		fmt.Println(err)
		return
	}
	policy, err := desk.PutPolicy(ctx, servicedesk.Policy{Name: "Standard", CalendarID: cal.ID, Targets: []servicedesk.Target{
		{Priority: servicedesk.Medium, FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := desk.PutSettings(ctx, servicedesk.Settings{DefaultPolicyID: policy.ID}); err != nil {
		fmt.Println(err)
		return
	}
	acme, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ticket, err := desk.Open(ctx, servicedesk.NewTicket{ClientID: acme.ID,
		Fields: servicedesk.Fields{Title: "Printer offline", Priority: servicedesk.Medium}})
	if err != nil {
		fmt.Println(err)
		return
	}

	show := func(when string) {
		st, err := desk.SLA(ctx, ticket.ID)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s (paused: %v):\n", when, st.Paused)
		for _, ts := range st.Targets {
			fmt.Printf("  %-14s due %s  %-7s %v left\n", ts.Metric, ts.Due.In(newYork).Format("Mon 15:04"), ts.State, ts.Remaining)
		}
	}
	move := func(at time.Time, to servicedesk.Status) {
		now = at
		t, err := desk.Get(ctx, ticket.ID)
		if err == nil {
			_, err = desk.SetStatus(ctx, t.ID, t.Version, to)
		}
		if err != nil {
			fmt.Println(err)
		}
	}

	show("opened Friday 16:00")
	move(time.Date(2026, time.May, 18, 10, 0, 0, 0, newYork), servicedesk.StatusWaitingCustomer)
	now = time.Date(2026, time.May, 18, 12, 0, 0, 0, newYork)
	show("waiting on the customer, Monday 12:00")
	move(time.Date(2026, time.May, 18, 14, 0, 0, 0, newYork), servicedesk.StatusInProgress)
	show("back in progress, Monday 14:00")
	// Output:
	// opened Friday 16:00 (paused: false):
	//   first response due Mon 12:00  pending 4h0m0s left
	//   resolution     due Tue 16:00  pending 16h0m0s left
	// waiting on the customer, Monday 12:00 (paused: true):
	//   first response due Mon 14:00  pending 2h0m0s left
	//   resolution     due Wed 10:00  pending 14h0m0s left
	// back in progress, Monday 14:00 (paused: false):
	//   first response due Mon 16:00  pending 2h0m0s left
	//   resolution     due Wed 12:00  pending 14h0m0s left
}
