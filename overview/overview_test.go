package overview_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/overview"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// tenant is every service on one memstore with a settable clock.
type tenant struct {
	now       time.Time
	store     *memstore.Store
	clients   *client.Service
	contracts *contract.Service
	desk      *servicedesk.Service
	invoices  *invoice.Service
	billing   *billing.Service
	portal    *portal.Service
	scheme    invoice.Scheme
	calls     int // store calls made by overview reads through counted
}

func newTenant(t *testing.T) *tenant {
	t.Helper()
	e := &tenant{now: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), store: memstore.New()}
	opts := psa.Options{Now: func() time.Time { return e.now }}
	e.clients = client.NewService(memstore.Runner[client.Tx](e.store), &client.Options{Options: opts})
	e.contracts = contract.NewService(memstore.Runner[contract.Tx](e.store), &contract.Options{Options: opts})
	e.desk = servicedesk.NewService(memstore.Runner[servicedesk.Tx](e.store), &servicedesk.Options{Options: opts})
	e.invoices = invoice.NewService(memstore.Runner[invoice.Tx](e.store), &invoice.Options{Options: opts})
	var err error
	e.billing, err = billing.NewService(memstore.Runner[billing.Tx](e.store), &billing.Options{Options: opts})
	require.NoError(t, err)
	hasher, err := portal.NewPBKDF2(1000, nil)
	require.NoError(t, err)
	e.portal, err = portal.NewService(memstore.Runner[portal.Tx](e.store), &portal.Options{Options: opts, Hasher: hasher})
	require.NoError(t, err)
	tmpl, err := invoice.ParseTemplate("INV-{SEQ:4}")
	require.NoError(t, err)
	e.scheme, err = e.invoices.PutScheme(t.Context(), invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tmpl, Confirmed: true})
	require.NoError(t, err)
	cal, err := e.desk.PutCalendar(t.Context(), servicedesk.Calendar{Name: "24x7", TimeZone: "UTC", AlwaysOpen: true})
	require.NoError(t, err)
	policy, err := e.desk.PutPolicy(t.Context(), servicedesk.Policy{Name: "Standard", CalendarID: cal.ID, Targets: []servicedesk.Target{
		{Priority: servicedesk.Medium, FirstResponse: time.Hour, Resolution: 8 * time.Hour, AlwaysOn: true}}})
	require.NoError(t, err)
	_, err = e.desk.PutSettings(t.Context(), servicedesk.Settings{DefaultPolicyID: policy.ID,
		DefaultRates: []client.RateOverride{{Role: "technician", Rate: usd(t, "100.00")}}})
	require.NoError(t, err)
	return e
}

// at sets the clock.
func (e *tenant) at(y int, m time.Month, d, h, min int) {
	e.now = time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// overview returns an overview service on the tenant's store, with signals, that counts the
// store calls of its transactions in e.calls.
func (e *tenant) overview(signals overview.Signals) *overview.Service {
	run := func(ctx context.Context, fn func(ctx context.Context, tx overview.Tx) error) error {
		return memstore.Runner[overview.Tx](e.store)(ctx, func(ctx context.Context, tx overview.Tx) error {
			return fn(ctx, countingTx{Tx: tx, n: &e.calls})
		})
	}
	return overview.NewService(run, &overview.Options{Options: psa.Options{Now: func() time.Time { return e.now }}, Signals: signals, RecentTickets: 2})
}

func usd(t *testing.T, s string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(s, "USD")
	require.NoError(t, err)
	return m
}

// signals is a fixed set of host signals; a component not in it has none.
type signals map[overview.Component]overview.Signal

func (s signals) Signal(_ context.Context, _ client.Client, c overview.Component) (overview.Signal, bool, error) {
	sig, ok := s[c]
	return sig, ok, nil
}

// acme is a client with billing information, two contacts, an asset and a sub-organization
// billed to it.
func (e *tenant) acme(t *testing.T) (client.Client, client.Contact) {
	t.Helper()
	terms, err := psa.NetDays(14)
	require.NoError(t, err)
	usdUnit, err := psa.ParseCurrency("USD")
	require.NoError(t, err)
	c, err := e.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "Acme"}, Notes: "Key account",
		Billing: &client.BillingInfo{Address: psa.Address{Line1: "1 Main St", City: "Springfield", Country: "US"},
			InvoiceEmail: "ap@acme.example", TaxRegion: "US-IL", Currency: usdUnit, PaymentTerms: terms}})
	require.NoError(t, err)
	ann, err := e.clients.AddContact(t.Context(), c.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Ann", LastName: "Lee", Email: "ann@acme.example"}})
	require.NoError(t, err)
	_, err = e.clients.AddContact(t.Context(), c.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Bob", LastName: "Ray", Email: "bob@acme.example"}})
	require.NoError(t, err)
	_, err = e.clients.AddAsset(t.Context(), c.ID, client.AssetInfo{Kind: client.AssetWorkstation, Name: "WS-01"})
	require.NoError(t, err)
	_, err = e.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "Acme Branch"}, ParentID: c.ID, BillToParent: true})
	require.NoError(t, err)
	c, err = e.clients.Get(t.Context(), c.ID)
	require.NoError(t, err)
	return c, ann
}

// ticket opens a medium ticket now.
func (e *tenant) ticket(t *testing.T, c client.Client, title string, source servicedesk.Source, contact psa.ContactID) servicedesk.Ticket {
	t.Helper()
	tk, err := e.desk.Open(t.Context(), servicedesk.NewTicket{ClientID: c.ID, ContactID: contact, Source: source,
		Fields: servicedesk.Fields{Title: title, Priority: servicedesk.Medium}})
	require.NoError(t, err)
	return tk
}

// story builds Acme's last three months: a September invoice still unpaid, a November invoice
// paid on time, a ticket answered and resolved in time, one breached and open, one new from the
// portal.
func (e *tenant) story(t *testing.T) client.Client {
	t.Helper()
	e.at(2026, 9, 1, 9, 0)
	acme, ann := e.acme(t)
	_, err := e.billing.CreateSalesItem(t.Context(), acme.ID, billing.Item{Description: "Firewall", Quantity: decimal.NewFromInt(1), UnitPrice: usd(t, "400.00"), Date: psa.NewDate(2026, 9, 1)})
	require.NoError(t, err)
	run, err := e.billing.Bill(t.Context(), billing.RunOptions{AsOf: psa.NewDate(2026, 9, 1), Scheme: e.scheme.ID})
	require.NoError(t, err)
	require.Len(t, run.Invoices(), 1) // due 2026-09-15, never paid

	e.at(2026, 11, 1, 9, 0)
	fixed, _, err := e.contracts.Create(t.Context(), contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Migration", Type: contract.FixedPrice,
		Start: psa.NewDate(2026, 11, 1), BillAmount: usd(t, "1000.00")}})
	require.NoError(t, err)
	block, _, err := e.contracts.Create(t.Context(), contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Block", Type: contract.RetainerHours,
		Start: psa.NewDate(2026, 11, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}, Hours: decimal.NewFromInt(10), BillingPrice: usd(t, "900.00")}})
	require.NoError(t, err)
	require.Equal(t, contract.StatusActive, fixed.Status)

	e.at(2026, 11, 10, 9, 0)
	t1 := e.ticket(t, acme, "Printer", servicedesk.SourcePhone, psa.ContactID{})
	e.at(2026, 11, 10, 9, 30)
	_, err = e.desk.AddNote(t.Context(), t1.ID, servicedesk.NewNote{StaffID: psa.StaffID{UUID: acme.ID.UUID}, Public: true, Text: "On it"})
	require.NoError(t, err)
	entry, err := e.desk.LogTime(t.Context(), servicedesk.Work{ClientID: acme.ID, ContractID: block.ID, StaffID: psa.StaffID{UUID: acme.ID.UUID},
		Role: "technician", Date: psa.NewDate(2026, 11, 10), Duration: 2 * time.Hour, Billable: true})
	require.NoError(t, err)
	_, err = e.desk.Approve(t.Context(), entry.ID)
	require.NoError(t, err)
	e.at(2026, 11, 10, 15, 0)
	t1, err = e.desk.Get(t.Context(), t1.ID)
	require.NoError(t, err)
	t1, err = e.desk.SetStatus(t.Context(), t1.ID, t1.Version, servicedesk.StatusInProgress)
	require.NoError(t, err)
	_, err = e.desk.SetStatus(t.Context(), t1.ID, t1.Version, servicedesk.StatusResolved)
	require.NoError(t, err)

	e.at(2026, 11, 15, 9, 0)
	run, err = e.billing.Bill(t.Context(), billing.RunOptions{AsOf: psa.NewDate(2026, 11, 15), Scheme: e.scheme.ID})
	require.NoError(t, err)
	nov := run.Invoices()[0]
	_, _, err = e.invoices.Pay(t.Context(), nov.ID, nov.Version, invoice.Payment{Date: psa.NewDate(2026, 11, 18), Amount: nov.Totals.Total})
	require.NoError(t, err)

	e.at(2026, 11, 19, 9, 0)
	e.ticket(t, acme, "VPN down", servicedesk.SourceEmail, psa.ContactID{})
	e.at(2026, 11, 20, 11, 0)
	inv, err := e.portal.Invite(t.Context(), ann.ID)
	require.Error(t, err, "Ann has no portal access yet")
	_, err = e.portal.Enable(t.Context(), ann.ID, portal.Access{RoleID: portal.ExternalUser().ID})
	require.NoError(t, err)
	inv, err = e.portal.Invite(t.Context(), ann.ID)
	require.NoError(t, err)
	const password = "correct horse battery staple"
	_, err = e.portal.AcceptInvitation(t.Context(), inv.Token, password, password)
	require.NoError(t, err)
	_, err = e.portal.Login(t.Context(), "ann@acme.example", password)
	require.NoError(t, err)
	e.at(2026, 11, 20, 11, 30)
	e.ticket(t, acme, "New laptop", servicedesk.SourcePortal, ann.ID)
	e.at(2026, 11, 20, 12, 0)
	return acme
}

// TestHealth: seed 002's score from the story: service 30 (SLA compliance 50%: 2 targets met, 2
// breached; 2 open tickets -10, 1 of them breached -10), financial 20 (1 of 2 due invoices paid
// on time: 50%; 400.00 overdue 66 days: -30), engagement 80 (the one portal user logged in today:
// 70; 1 of 3 recent tickets through the portal: 10), and the host's endpoints 80, backups 90 and
// communications 100; security has no signal, so it is missing and the score is over 80% of the
// weight: (750+200+400+1600+1350+500)/80 = 60.
func TestHealth(t *testing.T) {
	e := newTenant(t)
	acme := e.story(t)
	svc := e.overview(signals{
		overview.ComponentEndpoints:      {Score: 80, Inputs: []overview.Input{{"patched devices", "8 of 10"}}},
		overview.ComponentBackups:        {Score: 90},
		overview.ComponentCommunications: {Score: 100},
	})
	h, err := svc.Health(t.Context(), acme.ID)
	require.NoError(t, err)
	require.Equal(t, 60, h.Score, "%s", h)
	require.Equal(t, 80, h.Coverage)
	require.Equal(t, []overview.Component{overview.ComponentSecurity}, h.Missing())
	scores := map[overview.Component]int{}
	for _, c := range h.Components {
		scores[c.Component] = c.Score
	}
	require.Equal(t, map[overview.Component]int{overview.ComponentService: 30, overview.ComponentEndpoints: 80, overview.ComponentSecurity: 0,
		overview.ComponentBackups: 90, overview.ComponentFinancial: 20, overview.ComponentEngagement: 80, overview.ComponentCommunications: 100}, scores)
	require.Equal(t, []overview.Input{
		{"SLA compliance", "50% (2 met, 2 breached)"}, {"open tickets", "2"}, {"open with a breached target", "1"},
		{"average resolution", "6h0m0s over 1 tickets"},
	}, h.Components[0].Inputs)
	require.Equal(t, []overview.Input{{"paid on time", "50% (1 of 2 due invoices)"}, {"outstanding", "400.00 USD"},
		{"oldest overdue", "61-90 days late: 400.00 USD"}}, h.Components[4].Inputs)
	require.Equal(t, []overview.Input{{"patched devices", "8 of 10"}}, h.Components[1].Inputs)
}

// TestHealthSignalOutOfRange: a host score outside 0-100 is refused with a validation error
// naming the component and the value.
func TestHealthSignalOutOfRange(t *testing.T) {
	e := newTenant(t)
	acme, _ := e.acme(t)
	_, err := e.overview(signals{overview.ComponentBackups: {Score: 101}}).Health(t.Context(), acme.ID)
	require.ErrorIs(t, err, psa.ErrInvalid)
	ve, ok := asValidation(err)
	require.True(t, ok)
	require.Equal(t, []psa.FieldError{{Field: "backups", Value: "101", Reason: "must be from 0 to 100"}}, ve.Fields)
}

// TestView: the client 360 view of the story.
func TestView(t *testing.T) {
	e := newTenant(t)
	acme := e.story(t)
	v, err := e.overview(nil).View(t.Context(), acme.ID)
	require.NoError(t, err)
	require.Equal(t, "Key account", v.Client.Notes)
	require.Len(t, v.Contacts, 2)
	require.Len(t, v.SubOrganizations, 1)
	require.Len(t, v.Assets, 1)
	require.Equal(t, 2, v.Tickets.Open)
	require.Equal(t, 1, v.Tickets.Resolved)
	require.Equal(t, []string{"New laptop", "VPN down"}, []string{v.Tickets.Recent[0].Title, v.Tickets.Recent[1].Title})
	require.Len(t, v.Contracts, 2)
	for _, k := range v.Contracts {
		switch k.Type {
		case contract.FixedPrice:
			require.Equal(t, "0.00 USD", k.Info.Remaining.String())
		case contract.RetainerHours:
			require.NotNil(t, k.Info.PrepaidHours)
			require.Equal(t, "2", k.Info.PrepaidHours.Used.String())
			require.Equal(t, "8", k.Info.PrepaidHours.Remaining.String())
		}
	}
	require.Equal(t, []overview.MonthTime{{Month: psa.Period{Start: psa.NewDate(2026, 11, 1), End: psa.NewDate(2026, 12, 1)}, Entries: 1,
		Worked: 2 * time.Hour, Billable: 2 * time.Hour, Billed: 2 * time.Hour}}, v.Time)
	require.Equal(t, 2, v.Invoices.Count)
	require.Equal(t, "INV-0002", v.Invoices.Recent[0].Number)
	require.Equal(t, "400.00 USD", v.Invoices.Balance.Outstanding.String())
	require.Len(t, v.Invoices.Payments, 1)
	require.Equal(t, "INV-0002", v.Invoices.Payments[0].Number)
	require.Equal(t, "Standard", v.SLA.Policy.Name)
	require.Equal(t, servicedesk.FromTenant, v.SLA.Source)
	if d := cmp.Diff([]servicedesk.MetricCompliance{
		{Metric: servicedesk.FirstResponse, Met: 1, Breached: 1, Pending: 1, Share: 0.5},
		{Metric: servicedesk.ResolutionPlan, Share: 1},
		{Metric: servicedesk.Resolution, Met: 1, Breached: 1, Pending: 1, Share: 0.5},
	}, v.SLA.Compliance); d != "" {
		t.Fatalf("compliance (-want +got):\n%s", d)
	}
	require.Contains(t, v.String(), "tickets:   2 open, 1 resolved, 0 closed")
	require.True(t, v.Portal.Enabled)
	require.Len(t, v.Portal.Access, 1)
	require.Equal(t, overview.PortalAccess{ContactID: v.Contacts[0].ID, Name: "Ann Lee", Username: "ann@acme.example", Enabled: true, PasswordSet: true,
		RoleID: portal.ExternalUser().ID, LastLoginAt: time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)}, v.Portal.Access[0])
}

// TestViewStoreCallsAreBounded: the view reads each kind of data once, so many more tickets and
// time entries cost no more store calls.
func TestViewStoreCallsAreBounded(t *testing.T) {
	e := newTenant(t)
	acme := e.story(t)
	svc := e.overview(nil)
	count := func() int {
		e.calls = 0
		_, err := svc.View(t.Context(), acme.ID)
		require.NoError(t, err)
		_, err = svc.Health(t.Context(), acme.ID)
		require.NoError(t, err)
		return e.calls
	}
	before := count()
	for i := range 40 {
		tk := e.ticket(t, acme, "Noise", servicedesk.SourceEmail, psa.ContactID{})
		_, err := e.desk.LogTime(t.Context(), servicedesk.Work{TicketID: tk.ID, ClientID: acme.ID, StaffID: psa.StaffID{UUID: acme.ID.UUID},
			Role: "technician", Date: psa.NewDate(2026, 11, 1+i%19), Duration: 15 * time.Minute, Billable: true})
		require.NoError(t, err)
	}
	require.Equal(t, before, count(), "store calls for 3 tickets and for 43")
	require.Less(t, before, 40)
}
