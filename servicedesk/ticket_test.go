package servicedesk_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/servicedesk"
)

// Seed 004 "Creating a New Ticket": site, ticket type, priority, issue and sub-issue type,
// affected hardware and software asset, attachments, title and details are all kept, with the
// contact person, contract, source, queue and assignee.
func TestOpenKeepsEveryField(t *testing.T) {
	e := newDesk(t)
	p := e.withDefaultPolicy(t)
	e.settings(t, func(s *servicedesk.Settings) { s.Categories = []string{"Hardware", "Software"} })
	acme := e.customer(t, "Acme", "USD")
	ann := e.contact(t, acme.ID, "Ann")
	k := e.contract(t, acme.ID, tm(t, "Break/fix", "2026-01-01", ""))
	hw := e.asset(t, acme.ID, client.AssetPrinter, "Label printer", psa.SLAPolicyID{})
	sw := e.asset(t, acme.ID, client.AssetSoftware, "Label designer", psa.SLAPolicyID{})
	q, err := e.svc.PutQueue(t.Context(), servicedesk.Queue{Name: "Level 1"})
	require.NoError(t, err)
	e.at(t, "2026-05-12 10:15")

	fields := servicedesk.Fields{
		Site:            "Springfield plant",
		TicketType:      "incident",
		Priority:        servicedesk.High,
		IssueType:       "hardware",
		SubIssueType:    "printer",
		HardwareAssetID: hw.ID,
		SoftwareAssetID: sw.ID,
		Attachments:     []servicedesk.Attachment{{Name: "error.png", ContentType: "image/png", Size: 2048, StorageKey: "blobs/7f3a"}},
		Title:           "Label printer offline",
		Details:         "The label printer on line 2 does not respond since this morning.",
		Category:        "Hardware",
	}
	got, err := e.svc.Open(t.Context(), servicedesk.NewTicket{ClientID: acme.ID, ContactID: ann.ID, ContractID: k.ID, Fields: fields,
		Source: servicedesk.SourcePortal, QueueID: q.ID, AssigneeID: staffID(2)})
	require.NoError(t, err)
	require.False(t, psa.IsNil(got.ID), "the ticket has an ID")

	want := servicedesk.Ticket{
		ID: got.ID, Number: 1, ClientID: acme.ID, ContactID: ann.ID, ContractID: k.ID, Fields: fields,
		Source: servicedesk.SourcePortal, QueueID: q.ID, AssigneeID: staffID(2), Status: servicedesk.StatusNew,
		SLA:       servicedesk.Clock{PolicyID: p.ID, Source: servicedesk.FromTenant, CalendarID: p.CalendarID, Start: e.now},
		CreatedAt: e.now, UpdatedAt: e.now, Version: 1,
	}
	diff(t, want, got, "opened ticket")
	diff(t, want, e.ticket(t, got.ID), "stored ticket")
}

// A ticket without a source is a staff ticket.
func TestOpenDefaultsToStaffSource(t *testing.T) {
	e := newDesk(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	got := e.openFor(t, c.ID, "No source given")
	require.Equal(t, servicedesk.SourceStaff, got.Source)
	require.Equal(t, servicedesk.SourceStaff, e.ticket(t, got.ID).Source)
}

// Ticket numbers come from one sequence per tenant, 1, 2, 3, across clients; a refused ticket
// does not use a number up.
func TestTicketNumbers(t *testing.T) {
	e := newDesk(t)
	a := e.bare(t, "Acme", psa.ClientID{}, false)
	b := e.bare(t, "Globex", psa.ClientID{}, false)
	bob := e.contact(t, b.ID, "Bob")

	first := e.openFor(t, a.ID, "First")
	// Refused before the transaction (no title) and inside it (a contact of another client).
	_, err := e.svc.Open(t.Context(), servicedesk.NewTicket{ClientID: a.ID, Fields: servicedesk.Fields{Priority: servicedesk.Low}})
	invalid(t, err, "ticket")
	_, err = e.svc.Open(t.Context(), servicedesk.NewTicket{ClientID: a.ID, ContactID: bob.ID, Fields: servicedesk.Fields{Title: "Refused", Priority: servicedesk.Low}})
	invalid(t, err, "ticket")
	second := e.openFor(t, b.ID, "Second")
	third := e.openFor(t, a.ID, "Third")

	diff(t, []int64{1, 2, 3}, []int64{first.Number, second.Number, third.Number}, "ticket numbers")

	page, err := e.svc.List(t.Context(), a.ID, psa.PageRequest{})
	require.NoError(t, err)
	var numbers []int64
	for _, tk := range page.Items {
		numbers = append(numbers, tk.Number)
	}
	diff(t, []int64{1, 3}, numbers, "numbers of the first client's tickets")
}

// Seed 000: a client without billing information can have tickets opened, answered, resolved
// and closed; only approving its time needs billing information.
func TestTicketsWithoutBillingInfo(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "No Billing Ltd", psa.ClientID{}, false)
	ann := e.contact(t, c.ID, "Ann")
	require.NotEmpty(t, e.client(t, c.ID).Billing.Missing(), "precondition: the client has no billing information")

	tk := e.open(t, servicedesk.NewTicket{ClientID: c.ID, ContactID: ann.ID, Source: servicedesk.SourcePortal,
		Fields: servicedesk.Fields{Title: "VPN down", Priority: servicedesk.High}})
	e.now = e.now.Add(10 * time.Minute)
	_, err := e.svc.AddNote(t.Context(), tk.ID, servicedesk.NewNote{StaffID: staffID(1), Public: true, Text: "Looking into it."})
	require.NoError(t, err)
	_, err = e.svc.AddNote(t.Context(), tk.ID, servicedesk.NewNote{ContactID: ann.ID, Public: true, Text: "Thanks!"})
	require.NoError(t, err)
	for _, to := range []servicedesk.Status{servicedesk.StatusInProgress, servicedesk.StatusResolved, servicedesk.StatusClosed} {
		e.now = e.now.Add(10 * time.Minute)
		e.move(t, tk.ID, to)
	}
	got := e.ticket(t, tk.ID)
	require.Equal(t, servicedesk.StatusClosed, got.Status)
	notes, err := e.svc.Notes(t.Context(), tk.ID)
	require.NoError(t, err)
	require.Len(t, notes, 2)

	// Time can be logged too; approving it is what the gate refuses.
	te := e.log(t, servicedesk.Work{TicketID: tk.ID, StaffID: staffID(1), Role: "technician", Date: day(t, "2026-05-11"), Duration: 30 * time.Minute, Billable: true})
	_, err = e.svc.Approve(t.Context(), te.ID)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	_, ok := errors.AsType[*client.BillingInfoError](err)
	require.Truef(t, ok, "error %v (%T) is not a *client.BillingInfoError", err, err)
}

var allStatuses = []servicedesk.Status{
	servicedesk.StatusNew, servicedesk.StatusInProgress, servicedesk.StatusWaitingCustomer, servicedesk.StatusResolved, servicedesk.StatusClosed,
}

// Every (from, to) pair of statuses: the workflow's moves succeed, every other one is a
// *servicedesk.TransitionError that changes nothing. Resolved and closed tickets reopen to in
// progress.
func TestStatusWorkflow(t *testing.T) {
	allowed := map[[2]servicedesk.Status]bool{
		{servicedesk.StatusNew, servicedesk.StatusInProgress}:             true,
		{servicedesk.StatusNew, servicedesk.StatusWaitingCustomer}:        true,
		{servicedesk.StatusNew, servicedesk.StatusResolved}:               true,
		{servicedesk.StatusNew, servicedesk.StatusClosed}:                 true,
		{servicedesk.StatusInProgress, servicedesk.StatusWaitingCustomer}: true,
		{servicedesk.StatusInProgress, servicedesk.StatusResolved}:        true,
		{servicedesk.StatusInProgress, servicedesk.StatusClosed}:          true,
		{servicedesk.StatusWaitingCustomer, servicedesk.StatusInProgress}: true,
		{servicedesk.StatusWaitingCustomer, servicedesk.StatusResolved}:   true,
		{servicedesk.StatusWaitingCustomer, servicedesk.StatusClosed}:     true,
		{servicedesk.StatusResolved, servicedesk.StatusClosed}:            true,
		{servicedesk.StatusResolved, servicedesk.StatusInProgress}:        true, // reopen
		{servicedesk.StatusClosed, servicedesk.StatusInProgress}:          true, // reopen
	}
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	for _, from := range allStatuses {
		for _, to := range allStatuses {
			ok := allowed[[2]servicedesk.Status{from, to}]
			t.Run(fmt.Sprintf("%s to %s", from, to), func(t *testing.T) {
				require.Equal(t, ok, servicedesk.CanMove(from, to), "CanMove")
				tk := e.openFor(t, c.ID, string(from)+" to "+string(to))
				if from != servicedesk.StatusNew {
					tk = e.move(t, tk.ID, from)
				}
				before := e.state(t)
				got, err := e.svc.SetStatus(t.Context(), tk.ID, tk.Version, to)
				if !ok {
					require.ErrorIs(t, err, psa.ErrPrecondition)
					te, isTE := errors.AsType[*servicedesk.TransitionError](err)
					require.Truef(t, isTE, "error %v (%T) is not a *servicedesk.TransitionError", err, err)
					diff(t, &servicedesk.TransitionError{TicketID: tk.ID, From: from, To: to}, te, "transition error")
					e.unchanged(t, before)
					return
				}
				require.NoError(t, err)
				require.Equal(t, to, got.Status)
				require.Equal(t, tk.Version+1, got.Version)
				diff(t, got, e.ticket(t, tk.ID), "stored ticket")
			})
		}
	}
}

// A status that is not one of the workflow's is invalid input.
func TestSetStatusUnknownStatus(t *testing.T) {
	e := newDesk(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	tk := e.openFor(t, c.ID, "Printer")
	before := e.state(t)
	_, err := e.svc.SetStatus(t.Context(), tk.ID, tk.Version, "escalated")
	diff(t, []string{"status=escalated"}, invalid(t, err, "ticket"), "invalid fields")
	e.unchanged(t, before)

	_, err = e.svc.SetStatus(t.Context(), tk.ID, tk.Version+1, servicedesk.StatusInProgress)
	require.ErrorIs(t, err, psa.ErrConflict, "stale version")
	e.unchanged(t, before)

	_, err = e.svc.SetStatus(t.Context(), psa.TicketID{UUID: uuid.UUID{15: 0xee}}, 1, servicedesk.StatusInProgress)
	require.ErrorIs(t, err, psa.ErrNotFound, "unknown ticket")
	e.unchanged(t, before)
}

// Every broken rule of a new ticket is a *psa.ValidationError naming the field and the value,
// and nothing is stored (not even a ticket number is used up).
func TestOpenRefusesBadInput(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	e.settings(t, func(s *servicedesk.Settings) { s.Categories = []string{"Hardware", "Software"} })
	acme := e.customer(t, "Acme", "USD")
	ann := e.contact(t, acme.ID, "Ann")
	acmePC := e.asset(t, acme.ID, client.AssetWorkstation, "ACME-WS-01", psa.SLAPolicyID{})
	acmeApp := e.asset(t, acme.ID, client.AssetSoftware, "Office suite", psa.SLAPolicyID{})
	other := e.customer(t, "Globex", "USD")
	bob := e.contact(t, other.ID, "Bob")
	otherContract := e.contract(t, other.ID, tm(t, "Globex break/fix", "2026-01-01", ""))
	otherServer := e.asset(t, other.ID, client.AssetServer, "GLOBEX-DC01", psa.SLAPolicyID{})
	noQueue := psa.QueueID{UUID: uuid.UUID{0: 0x9e, 15: 1}}
	noContact := psa.ContactID{UUID: uuid.UUID{0: 0xc0, 15: 0xff}}

	valid := func() servicedesk.NewTicket {
		return servicedesk.NewTicket{ClientID: acme.ID, ContactID: ann.ID, Source: servicedesk.SourceStaff,
			Fields: servicedesk.Fields{Title: "Printer offline", Priority: servicedesk.Medium}}
	}
	tests := []struct {
		name   string
		change func(in *servicedesk.NewTicket)
		want   []string
	}{
		{"empty title", func(in *servicedesk.NewTicket) { in.Title = "" }, []string{"title="}},
		{"blank title", func(in *servicedesk.NewTicket) { in.Title = "  \t" }, []string{"title=  \t"}},
		{"unknown priority", func(in *servicedesk.NewTicket) { in.Priority = "urgent" }, []string{"priority=urgent"}},
		{"no priority", func(in *servicedesk.NewTicket) { in.Priority = "" }, []string{"priority="}},
		{"unknown source", func(in *servicedesk.NewTicket) { in.Source = "fax" }, []string{"source=fax"}},
		{"sub-issue type without issue type", func(in *servicedesk.NewTicket) { in.SubIssueType = "toner" }, []string{"subIssueType=toner"}},
		{"attachment without storage key", func(in *servicedesk.NewTicket) {
			in.Attachments = []servicedesk.Attachment{{Name: "error.png", Size: 10}}
		}, []string{"attachments[0].storageKey="}},
		{"attachment without name", func(in *servicedesk.NewTicket) {
			in.Attachments = []servicedesk.Attachment{{Size: 10, StorageKey: "blobs/1"}}
		}, []string{"attachments[0].name="}},
		{"attachment of negative size", func(in *servicedesk.NewTicket) {
			in.Attachments = []servicedesk.Attachment{{Name: "ok.png", Size: 1, StorageKey: "blobs/1"}, {Name: "log.txt", Size: -1, StorageKey: "blobs/2"}}
		}, []string{"attachments[1].size=-1"}},
		{"contact of another client", func(in *servicedesk.NewTicket) { in.ContactID = bob.ID }, []string{"contactId=" + bob.ID.String()}},
		{"unknown contact", func(in *servicedesk.NewTicket) { in.ContactID = noContact }, []string{"contactId=" + noContact.String()}},
		{"contract of another client", func(in *servicedesk.NewTicket) { in.ContractID = otherContract.ID }, []string{"contractId=" + otherContract.ID.String()}},
		{"hardware asset of another client", func(in *servicedesk.NewTicket) { in.HardwareAssetID = otherServer.ID }, []string{"hardwareAssetId=" + otherServer.ID.String()}},
		{"software asset given as hardware", func(in *servicedesk.NewTicket) { in.HardwareAssetID = acmeApp.ID }, []string{"hardwareAssetId=" + acmeApp.ID.String()}},
		{"hardware asset given as software", func(in *servicedesk.NewTicket) { in.SoftwareAssetID = acmePC.ID }, []string{"softwareAssetId=" + acmePC.ID.String()}},
		{"unknown queue", func(in *servicedesk.NewTicket) { in.QueueID = noQueue }, []string{"queueId=" + noQueue.String()}},
		{"category not in the tenant's list", func(in *servicedesk.NewTicket) { in.Category = "Plumbing" }, []string{"category=Plumbing"}},
		{"every broken field at once", func(in *servicedesk.NewTicket) {
			in.Title, in.Priority, in.SubIssueType, in.Source = "", "urgent", "toner", "fax"
		}, []string{"title=", "priority=urgent", "subIssueType=toner", "source=fax"}},
		{"every wrong reference at once", func(in *servicedesk.NewTicket) {
			in.ContactID, in.ContractID, in.HardwareAssetID, in.SoftwareAssetID, in.QueueID = bob.ID, otherContract.ID, acmeApp.ID, acmePC.ID, noQueue
		}, []string{"contactId=" + bob.ID.String(), "contractId=" + otherContract.ID.String(), "hardwareAssetId=" + acmeApp.ID.String(),
			"softwareAssetId=" + acmePC.ID.String(), "queueId=" + noQueue.String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.change(&in)
			before := e.state(t)
			_, err := e.svc.Open(t.Context(), in)
			diff(t, tt.want, invalid(t, err, "ticket"), "invalid fields")
			e.unchanged(t, before)
		})
	}

	t.Run("unknown client", func(t *testing.T) {
		before := e.state(t)
		in := valid()
		in.ClientID = psa.ClientID{UUID: uuid.UUID{0: 0xc1, 15: 0xff}}
		_, err := e.svc.Open(t.Context(), in)
		require.ErrorIs(t, err, psa.ErrNotFound)
		e.unchanged(t, before)
	})

	// The refused tickets used up no number.
	require.Equal(t, int64(1), e.open(t, valid()).Number)
}

// NewTicket.ContactID is the contact person, "optional for staff-opened tickets": a portal
// ticket is opened by a contact, who is its contact person (seed 004 "My Tickets": "If you
// create a new ticket using this page, the ticket is assigned to you as the customer Contact
// Person by default"). A portal ticket without one is refused and nothing is stored.
func TestPortalTicketNeedsContactPerson(t *testing.T) {
	e := newDesk(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	before := e.state(t)
	_, err := e.svc.Open(t.Context(), servicedesk.NewTicket{ClientID: c.ID, Source: servicedesk.SourcePortal,
		Fields: servicedesk.Fields{Title: "Printer offline", Priority: servicedesk.Medium}})
	diff(t, []string{"contactId="}, invalid(t, err, "ticket"), "invalid fields")
	e.unchanged(t, before)
}

// Categories: the tenant's list is enforced on every ticket; the client's portal categories
// limit only what its users choose in the portal (seed 002 "Ticket categories").
func TestTicketCategories(t *testing.T) {
	e := newDesk(t)
	e.settings(t, func(s *servicedesk.Settings) { s.Categories = []string{"Hardware", "Software", "Access"} })
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	ann := e.contact(t, c.ID, "Ann")
	e.clientSettings(t, c.ID, client.Settings{PortalTicketCategories: []string{"Hardware"}})

	tests := []struct {
		name     string
		source   servicedesk.Source
		category string
		want     []string // invalid fields; nil means accepted
	}{
		{"staff ticket in a category the portal does not offer", servicedesk.SourceStaff, "Software", nil},
		{"email ticket in a category the portal does not offer", servicedesk.SourceEmail, "Access", nil},
		{"portal ticket in the client's category", servicedesk.SourcePortal, "Hardware", nil},
		{"portal ticket, category in another case", servicedesk.SourcePortal, "hardware", nil},
		{"portal ticket without a category", servicedesk.SourcePortal, "", nil},
		{"portal ticket in a category the client may not choose", servicedesk.SourcePortal, "Software", []string{"category=Software"}},
		{"staff ticket outside the tenant's categories", servicedesk.SourceStaff, "Plumbing", []string{"category=Plumbing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.state(t)
			got, err := e.svc.Open(t.Context(), servicedesk.NewTicket{ClientID: c.ID, ContactID: ann.ID, Source: tt.source,
				Fields: servicedesk.Fields{Title: "Help", Priority: servicedesk.Low, Category: tt.category}})
			if tt.want != nil {
				diff(t, tt.want, invalid(t, err, "ticket"), "invalid fields")
				e.unchanged(t, before)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.category, e.ticket(t, got.ID).Category)
		})
	}

	t.Run("free-text categories", func(t *testing.T) {
		e := newDesk(t) // no tenant list
		c := e.bare(t, "Acme", psa.ClientID{}, false)
		ann := e.contact(t, c.ID, "Ann")
		e.clientSettings(t, c.ID, client.Settings{PortalTicketCategories: []string{"Hardware"}})
		_, err := e.svc.Open(t.Context(), servicedesk.NewTicket{ClientID: c.ID, Fields: servicedesk.Fields{Title: "Help", Priority: servicedesk.Low, Category: "Anything"}})
		require.NoError(t, err, "a staff ticket takes any category")
		before := e.state(t)
		_, err = e.svc.Open(t.Context(), servicedesk.NewTicket{ClientID: c.ID, ContactID: ann.ID, Source: servicedesk.SourcePortal,
			Fields: servicedesk.Fields{Title: "Help", Priority: servicedesk.Low, Category: "Anything"}})
		diff(t, []string{"category=Anything"}, invalid(t, err, "ticket"), "invalid fields")
		e.unchanged(t, before)
	})
}

// Seed 002 "Auto-assignment": a ticket opened without queue or assignee is routed to the
// client's queue or technician; one that names either keeps what it names.
func TestAutoAssignment(t *testing.T) {
	e := newDesk(t)
	network, err := e.svc.PutQueue(t.Context(), servicedesk.Queue{Name: "Network team"})
	require.NoError(t, err)
	level1, err := e.svc.PutQueue(t.Context(), servicedesk.Queue{Name: "Level 1"})
	require.NoError(t, err)
	toQueue := e.bare(t, "Queue Co", psa.ClientID{}, false)
	e.clientSettings(t, toQueue.ID, client.Settings{AutoAssign: client.AutoAssign{QueueID: network.ID}})
	toTech := e.bare(t, "Tech Co", psa.ClientID{}, false)
	e.clientSettings(t, toTech.ID, client.Settings{AutoAssign: client.AutoAssign{TechnicianID: staffID(7)}})
	plain := e.bare(t, "Plain Co", psa.ClientID{}, false)

	tests := []struct {
		name         string
		client       psa.ClientID
		queue        psa.QueueID
		assignee     psa.StaffID
		wantQueue    psa.QueueID
		wantAssignee psa.StaffID
	}{
		{"client's queue", toQueue.ID, psa.QueueID{}, psa.StaffID{}, network.ID, psa.StaffID{}},
		{"client's technician", toTech.ID, psa.QueueID{}, psa.StaffID{}, psa.QueueID{}, staffID(7)},
		{"client without a rule", plain.ID, psa.QueueID{}, psa.StaffID{}, psa.QueueID{}, psa.StaffID{}},
		{"a given queue instead of the client's", toQueue.ID, level1.ID, psa.StaffID{}, level1.ID, psa.StaffID{}},
		{"a given assignee instead of the client's queue", toQueue.ID, psa.QueueID{}, staffID(3), psa.QueueID{}, staffID(3)},
		{"a given queue instead of the client's technician", toTech.ID, level1.ID, psa.StaffID{}, level1.ID, psa.StaffID{}},
		{"a given queue and assignee", toTech.ID, level1.ID, staffID(3), level1.ID, staffID(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.open(t, servicedesk.NewTicket{ClientID: tt.client, QueueID: tt.queue, AssigneeID: tt.assignee,
				Fields: servicedesk.Fields{Title: tt.name, Priority: servicedesk.Low}})
			stored := e.ticket(t, got.ID)
			diff(t, tt.wantQueue, stored.QueueID, "queue")
			diff(t, tt.wantAssignee, stored.AssigneeID, "assignee")
		})
	}
}

// SetPriority refuses a priority that is not one of Priorities and a stale version.
func TestSetPriorityRefused(t *testing.T) {
	e := newDesk(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	tk := e.openFor(t, c.ID, "Printer")
	before := e.state(t)

	_, err := e.svc.SetPriority(t.Context(), tk.ID, tk.Version, "urgent")
	diff(t, []string{"priority=urgent"}, invalid(t, err, "ticket"), "invalid fields")
	e.unchanged(t, before)

	_, err = e.svc.SetPriority(t.Context(), tk.ID, tk.Version-1, servicedesk.High)
	require.ErrorIs(t, err, psa.ErrConflict)
	_, ok := errors.AsType[*psa.VersionConflictError](err)
	require.True(t, ok, "a *psa.VersionConflictError")
	e.unchanged(t, before)

	got, err := e.svc.SetPriority(t.Context(), tk.ID, tk.Version, servicedesk.High)
	require.NoError(t, err)
	require.Equal(t, servicedesk.High, got.Priority)
	require.Equal(t, tk.Version+1, got.Version)
	diff(t, got, e.ticket(t, tk.ID), "stored ticket")
}

// Assign routes a ticket to an existing queue; an unknown queue is refused.
func TestAssign(t *testing.T) {
	e := newDesk(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	q, err := e.svc.PutQueue(t.Context(), servicedesk.Queue{Name: "Level 2"})
	require.NoError(t, err)
	tk := e.openFor(t, c.ID, "Printer")

	before := e.state(t)
	_, err = e.svc.Assign(t.Context(), tk.ID, tk.Version, psa.QueueID{UUID: uuid.UUID{15: 0x77}}, staffID(4))
	require.ErrorIs(t, err, psa.ErrNotFound)
	e.unchanged(t, before)

	got, err := e.svc.Assign(t.Context(), tk.ID, tk.Version, q.ID, staffID(4))
	require.NoError(t, err)
	diff(t, []any{q.ID, staffID(4), tk.Version + 1}, []any{got.QueueID, got.AssigneeID, got.Version}, "queue, assignee and version")
}

// Notes: exactly one author; a contact's note is public and the contact belongs to the ticket's
// client. Only a public note by staff meets the first-response target.
func TestAddNote(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	acme := e.bare(t, "Acme", psa.ClientID{}, false)
	ann := e.contact(t, acme.ID, "Ann")
	other := e.bare(t, "Globex", psa.ClientID{}, false)
	bob := e.contact(t, other.ID, "Bob")

	tests := []struct {
		name          string
		in            servicedesk.NewNote
		want          []string // invalid fields; nil means accepted
		firstResponse bool     // the note meets the first-response target
	}{
		{"public note by staff", servicedesk.NewNote{StaffID: staffID(1), Public: true, Text: "On our way."}, nil, true},
		{"internal note by staff", servicedesk.NewNote{StaffID: staffID(1), Text: "Spare in stock."}, nil, false},
		{"public note by the ticket's contact", servicedesk.NewNote{ContactID: ann.ID, Public: true, Text: "Still broken."}, nil, false},
		{"internal note by a contact", servicedesk.NewNote{ContactID: ann.ID, Text: "Psst."}, []string{"public=false"}, false},
		{"staff member and contact", servicedesk.NewNote{StaffID: staffID(1), ContactID: ann.ID, Public: true, Text: "Both"}, []string{"author="}, false},
		{"no author", servicedesk.NewNote{Public: true, Text: "Nobody"}, []string{"author="}, false},
		{"no text", servicedesk.NewNote{StaffID: staffID(1), Public: true}, []string{"text="}, false},
		{"contact of another client", servicedesk.NewNote{ContactID: bob.ID, Public: true, Text: "Hi"}, []string{"contactId=" + bob.ID.String()}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.at(t, "2026-05-11 09:00")
			tk := e.openFor(t, acme.ID, tt.name)
			e.at(t, "2026-05-11 09:30")
			before := e.state(t)
			got, err := e.svc.AddNote(t.Context(), tk.ID, tt.in)
			if tt.want != nil {
				diff(t, tt.want, invalid(t, err, "note"), "invalid fields")
				e.unchanged(t, before)
				return
			}
			require.NoError(t, err)
			want := servicedesk.Note{ID: got.ID, TicketID: tk.ID, StaffID: tt.in.StaffID, ContactID: tt.in.ContactID,
				Public: tt.in.Public, Text: tt.in.Text, CreatedAt: e.now}
			diff(t, want, got, "note")
			notes, err := e.svc.Notes(t.Context(), tk.ID)
			require.NoError(t, err)
			diff(t, []servicedesk.Note{want}, notes, "stored notes")

			stored := e.ticket(t, tk.ID)
			wantMet, wantVersion := time.Time{}, tk.Version
			if tt.firstResponse {
				wantMet, wantVersion = e.now, tk.Version+1
			}
			diff(t, wantMet, stored.SLA.FirstResponse.MetAt, "first response met at")
			require.Equal(t, wantVersion, stored.Version, "ticket version")
		})
	}

	t.Run("unknown ticket", func(t *testing.T) {
		before := e.state(t)
		_, err := e.svc.AddNote(t.Context(), psa.TicketID{UUID: uuid.UUID{15: 0xee}}, servicedesk.NewNote{StaffID: staffID(1), Text: "?"})
		require.ErrorIs(t, err, psa.ErrNotFound)
		e.unchanged(t, before)
	})
}

// The first public note by staff meets the first response; internal notes and a contact's notes
// before it do not, and a later public note does not move it.
func TestFirstResponseIsTheFirstPublicStaffNote(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	ann := e.contact(t, c.ID, "Ann")
	tk := e.openFor(t, c.ID, "Printer")

	steps := []struct {
		at      string
		note    servicedesk.NewNote
		wantMet string // "" while not met
	}{
		{"2026-05-11 09:10", servicedesk.NewNote{StaffID: staffID(1), Text: "internal"}, ""},
		{"2026-05-11 09:20", servicedesk.NewNote{ContactID: ann.ID, Public: true, Text: "any news?"}, ""},
		{"2026-05-11 09:30", servicedesk.NewNote{StaffID: staffID(2), Public: true, Text: "on it"}, "2026-05-11 09:30"},
		{"2026-05-11 10:00", servicedesk.NewNote{StaffID: staffID(1), Public: true, Text: "fixed"}, "2026-05-11 09:30"},
	}
	for _, s := range steps {
		e.at(t, s.at)
		_, err := e.svc.AddNote(t.Context(), tk.ID, s.note)
		require.NoError(t, err)
		want := time.Time{}
		if s.wantMet != "" {
			want = ny(t, s.wantMet)
		}
		diff(t, want, e.ticket(t, tk.ID).SLA.FirstResponse.MetAt, "first response met at, after the note at "+s.at)
	}
	require.Equal(t, servicedesk.Met, e.target(t, tk.ID, servicedesk.FirstResponse).State)
	notes, err := e.svc.Notes(t.Context(), tk.ID)
	require.NoError(t, err)
	var texts []string
	for _, n := range notes {
		texts = append(texts, n.Text)
	}
	diff(t, []string{"internal", "any news?", "on it", "fixed"}, texts, "notes, oldest first")
}

// TestStatusCompleted: resolved and closed tickets are completed (billing's per-ticket incidents
// and the health score's open tickets rely on it); the others are open.
func TestStatusCompleted(t *testing.T) {
	for s, want := range map[servicedesk.Status]bool{
		servicedesk.StatusNew: false, servicedesk.StatusInProgress: false, servicedesk.StatusWaitingCustomer: false,
		servicedesk.StatusResolved: true, servicedesk.StatusClosed: true,
	} {
		if got := s.Completed(); got != want {
			t.Errorf("%q.Completed() = %v, want %v", s, got, want)
		}
	}
}
