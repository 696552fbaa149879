// Package journey is the quickstart's journey of onboarding an existing client, the way seed 000
// ("Onboarding existing clients") and seed 001 ("Onboarding a new customer") describe it, on any
// store given by its transaction runners:
//
//  1. create the client record and its contacts (the first contact is the primary contact);
//  2. open a service-desk ticket, answer it and log time: tickets need no billing information;
//  3. try to approve the time: refused until the client has billing information;
//  4. add billing information and approve the time at the client's rates;
//  5. add a sub-organization billed to its parent, the account team, settings and assets;
//  6. create a contract from the client's assigned services, with a prorated first month;
//  7. print the ticket's SLA status and the onboarding checklist;
//  8. add a sales item and run billing: the first run stops until the invoice numbering is
//     confirmed (seed 000); confirm it, aligned with the accounting software; run; print the
//     invoice as text and write it as HTML; a second run creates nothing;
//  9. give the primary contact portal access with an invitation; print the onboarding checklist,
//     now complete, the client 360 summary and the client health score.
//
// It runs on a simulated clock, so its output is the same every time. examples/quickstart runs it
// on the embedded in-memory store, and the pgstore module's quickstart command on PostgreSQL.
package journey

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/overview"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// journey holds the services of one MSP on one store, and what the steps create.
type journey struct {
	out       io.Writer
	clock     *clock
	clients   *client.Service
	contracts *contract.Service
	desk      *servicedesk.Service
	invoices  *invoice.Service
	billing   *billing.Service
	overview  *overview.Service
	portal    *portal.Service
	assigned  assignments
	htmlDir   string

	acme     client.Client
	ann, bob client.Contact
	ticket   servicedesk.Ticket
	entries  []servicedesk.TimeEntry
	scheme   invoice.Scheme
}

// Runners are the transaction runners of one store, the one the journey runs on. Every runner
// must run its transactions on the same store, which must be empty for the journey's output to be
// the documented one.
type Runners struct {
	Client      psa.Runner[client.Tx]
	Contract    psa.Runner[contract.Tx]
	ServiceDesk psa.Runner[servicedesk.Tx]
	Invoice     psa.Runner[invoice.Tx]
	Billing     psa.Runner[billing.Tx]
	Portal      psa.Runner[portal.Tx]
	Overview    psa.Runner[overview.Tx]
}

// Run walks the journey on the store of r, printing what happens to out and writing the
// invoice's HTML to a file in htmlDir.
func Run(ctx context.Context, out io.Writer, htmlDir string, r Runners) error {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		return err
	}
	clk := &clock{now: time.Date(2026, 11, 17, 9, 0, 0, 0, chicago)}
	opts := psa.Options{Now: clk.Now}

	// One line wires each service onto the store.
	assigned := assignments{}
	j := &journey{
		out:       out,
		clock:     clk,
		assigned:  assigned,
		clients:   client.NewService(r.Client, &client.Options{Options: opts}),
		contracts: contract.NewService(r.Contract, &contract.Options{Options: opts, Assignments: assigned, Location: chicago}),
		desk:      servicedesk.NewService(r.ServiceDesk, &servicedesk.Options{Options: opts}),
		invoices:  invoice.NewService(r.Invoice, &invoice.Options{Options: opts}),
		overview:  overview.NewService(r.Overview, &overview.Options{Options: opts, Signals: rmm{}}),
		htmlDir:   htmlDir,
	}
	illinois := invoice.TaxRegion{Code: "US-IL", Name: "Illinois", Components: []invoice.TaxComponent{
		{Name: "State", Rate: decimal.RequireFromString("6.25")}, {Name: "County", Rate: decimal.RequireFromString("1.75")}}}
	if j.billing, err = billing.NewService(r.Billing, &billing.Options{Options: opts, TaxRegions: []invoice.TaxRegion{illinois}}); err != nil {
		return err
	}
	if j.portal, err = portal.NewService(r.Portal, &portal.Options{Options: opts, Notifier: mailer{out}}); err != nil {
		return err
	}
	for _, step := range []func(context.Context) error{
		j.createClient, j.configureServiceDesk, j.openTicket, j.approveTime, j.organize, j.createContract, j.report, j.bill, j.summarize,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// createClient creates the client record and its contacts (seed 002 steps 1 and 2).
func (j *journey) createClient(ctx context.Context) (err error) {
	j.acme, err = j.clients.Create(ctx, client.NewClient{Profile: client.Profile{
		Name:     "Acme Manufacturing",
		Address:  psa.Address{Line1: "1 Foundry Road", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
		Phone:    "+1 217 555 0100",
		Website:  "https://acme.example",
		Industry: "Manufacturing", EmployeeCount: 120,
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "Created client %q\n", j.acme.Name)

	// The first contact becomes the primary contact, who receives workflow notifications.
	if j.ann, err = j.clients.AddContact(ctx, j.acme.ID, client.NewContact{ContactInfo: client.ContactInfo{
		FirstName: "Ann", LastName: "Lee", Email: "ann.lee@acme.example", JobTitle: "IT Manager", Role: "technical"}}); err != nil {
		return err
	}
	if j.bob, err = j.clients.AddContact(ctx, j.acme.ID, client.NewContact{ContactInfo: client.ContactInfo{
		FirstName: "Bob", LastName: "Ray", Email: "bob.ray@acme.example", JobTitle: "Controller", Role: "billing"}}); err != nil {
		return err
	}
	fmt.Fprintf(j.out, "Contacts: %s (primary), %s\n", j.ann.Name(), j.bob.Name())

	// A second primary contact is refused: the primary contact is changed, not added.
	_, err = j.clients.AddContact(ctx, j.acme.ID, client.NewContact{Primary: true, ContactInfo: client.ContactInfo{FirstName: "Cy", Email: "cy@acme.example"}})
	if e, ok := errors.AsType[*client.PrimaryContactError](err); ok {
		fmt.Fprintf(j.out, "Second primary contact refused (%v)\n", errors.Is(e, psa.ErrPrecondition))
	}

	fmt.Fprintln(j.out, "\nOnboarding checklist before billing information:")
	return j.printChecklist(ctx, nil)
}

// configureServiceDesk sets up business hours, an SLA policy, default rates and time rounding.
func (j *journey) configureServiceDesk(ctx context.Context) error {
	nineToSix := []servicedesk.Interval{{Start: 8 * 60, End: 18 * 60}}
	cal, err := j.desk.PutCalendar(ctx, servicedesk.Calendar{Name: "Central business hours", TimeZone: "America/Chicago",
		Week:   [7][]servicedesk.Interval{time.Monday: nineToSix, time.Tuesday: nineToSix, time.Wednesday: nineToSix, time.Thursday: nineToSix, time.Friday: nineToSix},
		Yearly: []servicedesk.MonthDay{{Month: time.December, Day: 25}, {Month: time.January, Day: 1}}})
	if err != nil {
		return err
	}
	policy, err := j.desk.PutPolicy(ctx, servicedesk.Policy{Name: "Standard", CalendarID: cal.ID, Targets: []servicedesk.Target{
		{Priority: servicedesk.Critical, FirstResponse: 30 * time.Minute, Resolution: 4 * time.Hour, AlwaysOn: true},
		{Priority: servicedesk.High, FirstResponse: time.Hour, ResolutionPlan: 4 * time.Hour, Resolution: 8 * time.Hour},
		{Priority: servicedesk.Medium, FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour},
		{Priority: servicedesk.Low, FirstResponse: 8 * time.Hour, Resolution: 40 * time.Hour},
	}})
	if err != nil {
		return err
	}
	remote, err := psa.ParseMoney("110.00", "USD")
	if err != nil {
		return err
	}
	_, err = j.desk.PutSettings(ctx, servicedesk.Settings{DefaultPolicyID: policy.ID,
		TimeRounding: contract.TimeRounding{MinimumMinutes: 15, IncrementMinutes: 15},
		DefaultRates: []client.RateOverride{{Role: "technician", Rate: remote}}})
	return err
}

// openTicket opens a ticket, answers it and logs time, all before billing information exists
// (seed 000: tickets can be processed without it).
func (j *journey) openTicket(ctx context.Context) (err error) {
	j.ticket, err = j.desk.Open(ctx, servicedesk.NewTicket{ClientID: j.acme.ID, ContactID: j.ann.ID, Source: servicedesk.SourcePortal,
		Fields: servicedesk.Fields{Title: "Plant printer offline", Details: "The label printer on line 2 does not respond.",
			Priority: servicedesk.High, TicketType: "incident", IssueType: "hardware", Site: "Springfield"}})
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "\nOpened ticket #%d %q (%s, SLA policy from the %s)\n", j.ticket.Number, j.ticket.Title, j.ticket.Priority, j.ticket.SLA.Source)

	j.clock.advance(40 * time.Minute)
	if _, err = j.desk.AddNote(ctx, j.ticket.ID, servicedesk.NewNote{StaffID: staff(1), Text: "Internal: spare printer in stock."}); err != nil {
		return err
	}
	if _, err = j.desk.AddNote(ctx, j.ticket.ID, servicedesk.NewNote{StaffID: staff(1), Public: true, Text: "On it: a technician is on the way."}); err != nil {
		return err
	}
	day := psa.DateOf(j.clock.Now())
	for _, w := range []servicedesk.Work{
		{TicketID: j.ticket.ID, StaffID: staff(1), Role: "technician", Date: day, Duration: 50 * time.Minute, Billable: true, Note: "Replaced the printer's network card", NotePublic: true},
		{TicketID: j.ticket.ID, StaffID: staff(1), Role: "technician", WorkType: "onsite", Date: day, Duration: 7 * time.Minute, Billable: true, Note: "Drive to line 2"},
	} {
		e, err := j.desk.LogTime(ctx, w)
		if err != nil {
			return err
		}
		j.entries = append(j.entries, e)
	}
	fmt.Fprintf(j.out, "Answered publicly after 40 minutes; logged %d time entries\n", len(j.entries))
	return nil
}

// approveTime tries to approve the time, adds the billing information it needs, and approves.
func (j *journey) approveTime(ctx context.Context) (err error) {
	ids := []psa.TimeEntryID{j.entries[0].ID, j.entries[1].ID}
	_, err = j.desk.Approve(ctx, ids...)
	if e, ok := errors.AsType[*client.BillingInfoError](err); ok {
		fmt.Fprintf(j.out, "Approval refused: %q lacks billing information %v\n", e.Clients[0].Name, e.Clients[0].Missing)
	} else {
		return fmt.Errorf("approval without billing information: got %v", err)
	}

	terms, err := psa.ParsePaymentTerms("net 30")
	if err != nil {
		return err
	}
	usd, err := psa.ParseCurrency("USD")
	if err != nil {
		return err
	}
	if j.acme, err = j.clients.Get(ctx, j.acme.ID); err != nil {
		return err
	}
	j.acme, err = j.clients.SetBillingInfo(ctx, j.acme.ID, j.acme.Version, client.BillingInfo{
		Address:      psa.Address{Line1: "PO Box 42", City: "Springfield", Region: "IL", PostalCode: "62705", Country: "US"},
		Attention:    j.bob.Name(),
		InvoiceEmail: "ap@acme.example",
		TaxRegion:    "US-IL",
		TaxID:        "36-1234567",
		Currency:     usd,
		PaymentTerms: terms,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "Billing information added: %s, %s, invoices to %s\n", j.acme.Billing.Currency, j.acme.Billing.PaymentTerms, j.acme.Billing.InvoiceEmail)

	// The client pays its own rate for onsite work (a client-specific setting, seed 002).
	onsite, err := psa.ParseMoney("135.00", "USD")
	if err != nil {
		return err
	}
	if j.acme, err = j.clients.SetSettings(ctx, j.acme.ID, j.acme.Version, client.Settings{
		SelfManagedProfile:     true,
		PortalTicketCategories: []string{"Hardware", "Software", "Access"},
		NotificationRules:      []client.NotificationRule{{Event: client.EventInvoiceIssued, ContactIDs: []psa.ContactID{j.bob.ID}}},
		RateOverrides:          []client.RateOverride{{WorkType: "onsite", Rate: onsite}},
	}); err != nil {
		return err
	}
	approved, err := j.desk.Approve(psa.WithActor(ctx, "dispatcher"), ids...)
	if err != nil {
		return err
	}
	for _, e := range approved {
		value, err := e.Value(psa.RoundHalfUp)
		if err != nil {
			return err
		}
		fmt.Fprintf(j.out, "Approved %v worked, billed %v at %s (%s) = %s\n", e.Duration, e.BillableDuration, e.Rate, e.RateSource, value)
	}
	return nil
}

// organize adds a sub-organization billed to its parent, the account team and assets.
func (j *journey) organize(ctx context.Context) error {
	plant, err := j.clients.Create(ctx, client.NewClient{
		Profile:  client.Profile{Name: "Acme Plant East", Address: psa.Address{Line1: "9 Mill Lane", City: "Peoria", Region: "IL", Country: "US"}},
		ParentID: j.acme.ID, BillToParent: true,
	})
	if err != nil {
		return err
	}
	billTo, err := j.clients.BillTo(ctx, plant.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "\nSub-organization %q is billed to %q\n", plant.Name, billTo.Name)

	if j.acme, err = j.clients.SetAccountTeam(ctx, j.acme.ID, j.acme.Version, staff(9), []psa.StaffID{staff(1)}); err != nil {
		return err
	}
	fmt.Fprintf(j.out, "Invoices are announced to %d contact(s); the technician may see the client: %v\n",
		len(j.acme.Recipients(client.EventInvoiceIssued)), j.acme.MayAccess(staff(1), true))

	// Assets synced from the RMM tool; a re-sync changes nothing.
	for _, a := range []struct{ id, name string }{{"rmm-1001", "ACME-DC01"}, {"rmm-1002", "ACME-WS-ANN"}} {
		if _, _, err := j.clients.UpsertAsset(ctx, j.acme.ID, a.id, client.AssetInfo{Kind: client.AssetServer, Name: a.name}); err != nil {
			return err
		}
	}
	_, change, err := j.clients.UpsertAsset(ctx, j.acme.ID, "rmm-1001", client.AssetInfo{Kind: client.AssetServer, Name: "ACME-DC01"})
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "Assets linked; re-sync of rmm-1001: %s\n", change)
	return nil
}

// createContract creates a contract from the services already assigned to the client (seed 000):
// one part per assigned service, whose prices must be set.
func (j *journey) createContract(ctx context.Context) error {
	j.assigned[j.acme.ID] = []contract.Assignment{
		{ServiceID: serviceID(1), Description: "Managed workstation", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(1)},
		{ServiceID: serviceID(2), Description: "Microsoft 365 Business Premium", UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(25)},
	}
	waiting, err := j.contracts.ClientsWithoutContracts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "\n%d client(s) have assigned services but no contract\n", len(waiting))
	parts, err := j.contracts.ProposeParts(ctx, j.acme.ID)
	if err != nil {
		return err
	}
	for i, price := range []string{"45.00", "22.00"} {
		if parts[i].UnitPrice, err = psa.ParseMoney(price, "USD"); err != nil {
			return err
		}
	}
	start := psa.DateOf(j.clock.Now())
	msa, created, err := j.contracts.Create(ctx, contract.NewContract{ClientID: j.acme.ID, Parts: parts, Terms: contract.Terms{
		Name: "Managed services", Type: contract.Recurring, Start: start, Default: true,
		Schedule: contract.Schedule{Cycle: contract.Monthly}, Timing: contract.InAdvance,
		Renewal: contract.Renewal{NoticeDays: 60},
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "Contract %q (%s, %s, billed %s in advance) from %s with %d parts\n", msa.Name, msa.Type, msa.Status, msa.Schedule.Cycle, msa.Start, len(created))

	// The per-device quantity follows the client's managed devices.
	device, err := j.contracts.SyncDeviceQuantity(ctx, created[0].ID, created[0].Version, start)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "%s: quantity %s from the client's assets\n", device.Description, device.QuantityOn(start))

	periods, err := msa.Schedule.Periods(psa.Period{Start: start, End: start.AddMonths(2)})
	if err != nil {
		return err
	}
	fmt.Fprint(j.out, "Next billing periods:")
	for _, p := range periods {
		fmt.Fprintf(j.out, " %s;", p)
	}
	fmt.Fprintln(j.out)

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
		fmt.Fprintf(j.out, "First charge for %s:\n%s\n", part.Description, first.Explain())
	}
	return nil
}

// report prints the ticket's SLA status a day later and the onboarding checklist.
func (j *journey) report(ctx context.Context) error {
	j.clock.advance(3 * time.Hour)
	t, err := j.desk.Get(ctx, j.ticket.ID)
	if err != nil {
		return err
	}
	if _, err := j.desk.SetStatus(ctx, t.ID, t.Version, servicedesk.StatusResolved); err != nil {
		return err
	}
	status, err := j.desk.SLA(ctx, t.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "\nSLA of ticket #%d:\n", t.Number)
	for _, ts := range status.Targets {
		fmt.Fprintf(j.out, "  %-15s target %-4v due %s  %-8s used %3.0f%%\n", ts.Metric, ts.Target,
			ts.Due.In(j.clock.now.Location()).Format("Mon 15:04"), ts.State, 100*ts.Used)
	}

	fmt.Fprintln(j.out, "\nOnboarding checklist now:")
	checklist := client.NewChecklist()
	for step, check := range map[client.StepID]client.Check{
		client.StepContract: contract.OnboardingCheck(j.contracts),
		client.StepSLA:      servicedesk.OnboardingCheck(j.desk),
	} {
		if err := checklist.SetCheck(step, check); err != nil {
			return err
		}
	}
	return j.printChecklist(ctx, checklist)
}

func (j *journey) printChecklist(ctx context.Context, checklist *client.Checklist) error {
	report, err := j.clients.Onboarding(ctx, j.acme.ID, checklist)
	if err != nil {
		return err
	}
	fmt.Fprint(j.out, report)
	return nil
}

// bill adds a sales item and runs billing (seed 000 "Ensure you can run the billing process and
// issue invoices").
func (j *journey) bill(ctx context.Context) error {
	price, err := psa.ParseMoney("289.00", "USD")
	if err != nil {
		return err
	}
	day := psa.DateOf(j.clock.Now())
	if _, err := j.billing.CreateSalesItem(ctx, j.acme.ID, billing.Item{Description: "Label printer network card",
		Quantity: decimal.NewFromInt(1), UnitPrice: price, Date: day}); err != nil {
		return err
	}
	tmpl, err := invoice.ParseTemplate("INV-{YYYY}-{SEQ:5}")
	if err != nil {
		return err
	}
	scheme, err := j.invoices.PutScheme(ctx, invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tmpl})
	if err != nil {
		return err
	}
	j.scheme = scheme
	opts := billing.RunOptions{AsOf: day, Scheme: scheme.ID}
	_, err = j.billing.Bill(ctx, opts)
	if e, ok := errors.AsType[*invoice.UnconfirmedError](err); ok {
		fmt.Fprintf(j.out, "\nFirst billing run stopped: confirm the numbering first (next number would be %s)\n", e.Preview)
	} else {
		return fmt.Errorf("first run with unconfirmed numbering: got %v", err)
	}
	// Align with the accounting software, then confirm.
	if scheme, err = j.invoices.SetNextNumber(ctx, scheme.ID, scheme.Version, 1042); err != nil {
		return err
	}
	if scheme, err = j.invoices.ConfirmScheme(ctx, scheme.ID, scheme.Version); err != nil {
		return err
	}
	run, err := j.billing.Bill(ctx, opts)
	if err != nil {
		return err
	}
	invs := run.Invoices()
	if len(invs) != 1 {
		return fmt.Errorf("billing run created %d invoices, want 1", len(invs))
	}
	inv := invs[0]
	fmt.Fprintf(j.out, "Billing run on %s created invoice %s for %s\n\n", day, inv.Number, inv.Totals.Total)
	doc := invoice.Document{Invoice: inv,
		From: invoice.Party{Name: "Prairie IT Services", Address: psa.Address{Line1: "500 Main St", City: "Springfield", Region: "IL", Country: "US"}},
		To:   invoice.Party{Name: j.acme.Name, Address: j.acme.Billing.Address, TaxID: j.acme.Billing.TaxID, Email: j.acme.Billing.InvoiceEmail, Attention: j.acme.Billing.Attention}}
	if err := invoice.Text(j.out, doc); err != nil {
		return err
	}
	renderer, err := invoice.NewRenderer()
	if err != nil {
		return err
	}
	path := filepath.Join(j.htmlDir, inv.Number+".html")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := renderer.HTML(f, j.acme.Billing.InvoiceTemplate, doc); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(j.out, "\nHTML written to %s\n", path)

	again, err := j.billing.Bill(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "A second run for %s created %d invoice(s)\n", day, len(again.Invoices()))
	return nil
}

// summarize prints the onboarding checklist with every package's check, the client 360 summary
// and the client health score (seed 002).
func (j *journey) summarize(ctx context.Context) error {
	j.clock.advance(24 * time.Hour)
	fmt.Fprintln(j.out)
	if _, err := j.portal.Enable(ctx, j.ann.ID, portal.Access{RoleID: portal.ExternalManager().ID, Invite: true}); err != nil {
		return err
	}
	fmt.Fprintln(j.out, "\nOnboarding checklist at the end:")
	checklist := client.NewChecklist()
	for step, check := range map[client.StepID]client.Check{
		client.StepContract:  contract.OnboardingCheck(j.contracts),
		client.StepSLA:       servicedesk.OnboardingCheck(j.desk),
		client.StepInvoicing: invoice.OnboardingCheck(j.invoices, j.scheme.ID),
		client.StepPortal:    portal.OnboardingCheck(j.portal),
	} {
		if err := checklist.SetCheck(step, check); err != nil {
			return err
		}
	}
	if err := j.printChecklist(ctx, checklist); err != nil {
		return err
	}
	view, err := j.overview.View(ctx, j.acme.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "\nClient 360: %s", view)
	health, err := j.overview.Health(ctx, j.acme.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(j.out, "\nClient %s", health)
	return nil
}

// mailer is the host's e-mail: it prints the portal messages it would send.
type mailer struct{ out io.Writer }

func (m mailer) Notify(_ context.Context, n portal.Notification) error {
	fmt.Fprintf(m.out, "E-mail to %s <%s>: %s for user %q, link valid until %s\n", n.Name, n.Email, n.Kind, n.Username, n.ExpiresAt.UTC().Format("2006-01-02 15:04 MST"))
	return nil
}

// rmm is the host's monitoring platform, which scores endpoints and backups for the health score;
// it has no security or communications signals, which the score reports as missing.
type rmm struct{}

func (rmm) Signal(_ context.Context, _ client.Client, c overview.Component) (overview.Signal, bool, error) {
	switch c {
	case overview.ComponentEndpoints:
		return overview.Signal{Score: 92, Inputs: []overview.Input{{Name: "patched devices", Value: "23 of 25"}}}, true, nil
	case overview.ComponentBackups:
		return overview.Signal{Score: 100, Inputs: []overview.Input{{Name: "last successful backup", Value: "6h ago"}}}, true, nil
	}
	return overview.Signal{}, false, nil
}

// clock is the journey's simulated clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }

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

func serviceID(n byte) psa.ServiceID { return psa.ServiceID{UUID: uuid.UUID{15: n}} }

func staff(n byte) psa.StaffID { return psa.StaffID{UUID: uuid.UUID{15: n}} }
