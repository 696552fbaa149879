package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// Fixtures: the values the cases store. Every one has Version 1 and instants of microsecond
// precision; "new" ones have only the required fields, "full" ones every field.

// money parses amount in code, failing the test on error.
func money(t *testing.T, amount, code string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(amount, code)
	if err != nil {
		t.Fatalf("storetest: money %s %s: %v", amount, code, err)
	}
	return m
}

// newClient returns a client with only what every client has: name, status, timestamps and
// Version 1.
func newClient(id psa.ClientID, name string) client.Client {
	return client.Client{
		ID:        id,
		Profile:   client.Profile{Name: name},
		Status:    client.StatusActive,
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullClient returns a client with every field set: a parent, a primary contact, complete billing
// information in EUR on net 30 terms, an account team and settings with every slice non-empty.
// Its first rate override is rate EUR. recipients must hold at least two contact IDs.
func fullClient(t *testing.T, id, parent psa.ClientID, primary psa.ContactID, recipients []psa.ContactID, rate string) client.Client {
	t.Helper()
	net30, err := psa.NetDays(30)
	if err != nil {
		t.Fatalf("storetest: net 30: %v", err)
	}
	return client.Client{
		ID: id,
		Profile: client.Profile{
			Name:          "Contoso Fertigung GmbH",
			Address:       psa.Address{Line1: "Industriestraße 7", Line2: "Halle 3", City: "Stuttgart", Region: "BW", PostalCode: "70565", Country: "DE"},
			Phone:         "+49 711 123456",
			Website:       "https://contoso.example",
			Industry:      "Manufacturing",
			EmployeeCount: 240,
		},
		Status:           client.StatusProspect,
		Notes:            "Night shift on site; call before 06:00.\nKey safe code with the account manager.",
		ExternalID:       "crm-" + id.String(),
		ParentID:         parent,
		BillToParent:     true,
		PrimaryContactID: primary,
		Billing: client.BillingInfo{
			Address:         psa.Address{Line1: "Postfach 10 20 30", City: "Stuttgart", PostalCode: "70173", Country: "DE"},
			Attention:       "Kreditorenbuchhaltung",
			InvoiceEmail:    "ap@contoso.example",
			TaxRegion:       "DE-BW",
			TaxID:           "DE123456789",
			Currency:        currency.EUR,
			PaymentTerms:    net30,
			InvoiceTemplate: "eu-standard",
		},
		AccountManager: newID[psa.StaffID](t),
		AccountTeam:    []psa.StaffID{randomID[psa.StaffID](), newID[psa.StaffID](t)},
		Settings: client.Settings{
			SelfManagedProfile:     true,
			PortalDisabled:         true,
			SLAPolicyID:            newID[psa.SLAPolicyID](t),
			CalendarID:             newID[psa.CalendarID](t),
			PortalTicketCategories: []string{"Hardware", "Software", "Network"},
			NotificationRules: []client.NotificationRule{
				{Event: client.EventTicketCreated, ContactIDs: slices.Clone(recipients)},
				{Event: client.EventInvoiceIssued, Off: true, ContactIDs: slices.Clone(recipients[:1])},
			},
			RateOverrides: []client.RateOverride{
				{WorkType: "remote support", Rate: money(t, rate, "EUR")},
				{Role: "senior engineer", Rate: money(t, "140", "EUR")},
			},
			AutoAssign: client.AutoAssign{QueueID: newID[psa.QueueID](t)},
		},
		CreatedAt: ts0,
		UpdatedAt: ts0.Add(90*time.Minute + 7*time.Microsecond),
		Version:   1,
	}
}

// deepCopy returns a copy of c that shares no memory with it.
func deepCopy(c client.Client) client.Client {
	c.AccountTeam = slices.Clone(c.AccountTeam)
	c.Settings.PortalTicketCategories = slices.Clone(c.Settings.PortalTicketCategories)
	c.Settings.RateOverrides = slices.Clone(c.Settings.RateOverrides)
	c.Settings.NotificationRules = slices.Clone(c.Settings.NotificationRules)
	for i := range c.Settings.NotificationRules {
		c.Settings.NotificationRules[i].ContactIDs = slices.Clone(c.Settings.NotificationRules[i].ContactIDs)
	}
	return c
}

// scribble overwrites, in place, every element of every slice c holds, as a careless caller
// might after handing c to a store or getting it from one.
func scribble(t *testing.T, c *client.Client) {
	for i := range c.AccountTeam {
		c.AccountTeam[i] = randomID[psa.StaffID]()
	}
	s := &c.Settings
	for i := range s.PortalTicketCategories {
		s.PortalTicketCategories[i] = "scribbled"
	}
	for i := range s.NotificationRules {
		s.NotificationRules[i].Event = "scribbled"
		s.NotificationRules[i].Off = !s.NotificationRules[i].Off
		for j := range s.NotificationRules[i].ContactIDs {
			s.NotificationRules[i].ContactIDs[j] = randomID[psa.ContactID]()
		}
	}
	for i := range s.RateOverrides {
		s.RateOverrides[i].WorkType = "scribbled"
		s.RateOverrides[i].Rate = money(t, "0.01", "EUR")
	}
}

// newContact returns a contact of owner with only a name, Active false and Version 1.
func newContact(id psa.ContactID, owner psa.ClientID, last string) client.Contact {
	return client.Contact{
		ID:          id,
		ClientID:    owner,
		ContactInfo: client.ContactInfo{LastName: last},
		CreatedAt:   ts0,
		UpdatedAt:   ts0,
		Version:     1,
	}
}

// fullContact returns a contact of owner with every field set.
func fullContact(id psa.ContactID, owner psa.ClientID, externalID string) client.Contact {
	return client.Contact{
		ID:       id,
		ClientID: owner,
		ContactInfo: client.ContactInfo{
			FirstName:      "Ana",
			LastName:       "Müller-Lüdenscheidt",
			Email:          "ana.mueller@contoso.example",
			Phone:          "+49 711 123456-12",
			Mobile:         "+49 170 1234567",
			CompanyContact: "ext. 12",
			JobTitle:       "Head of IT",
			Role:           "technical",
		},
		Active:     true,
		ExternalID: externalID,
		CreatedAt:  ts0,
		UpdatedAt:  ts0.Add(time.Hour + time.Microsecond),
		Version:    1,
	}
}

// newAsset returns an asset of owner with only a kind, a name and Version 1.
func newAsset(id psa.AssetID, owner psa.ClientID, name string) client.Asset {
	return client.Asset{
		ID:        id,
		ClientID:  owner,
		AssetInfo: client.AssetInfo{Kind: client.AssetWorkstation, Name: name},
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullAsset returns an asset of owner with every field set.
func fullAsset(t *testing.T, id psa.AssetID, owner psa.ClientID, externalID string) client.Asset {
	t.Helper()
	return client.Asset{
		ID:       id,
		ClientID: owner,
		AssetInfo: client.AssetInfo{
			Kind:           client.AssetServer,
			Name:           "SRV-DC01",
			SerialNumber:   "CZJ1234XYZ",
			ServiceLevelID: newID[psa.SLAPolicyID](t),
			Retired:        true,
		},
		ExternalID: externalID,
		CreatedAt:  ts0,
		UpdatedAt:  ts0.Add(2*time.Hour + 3*time.Microsecond),
		Version:    1,
	}
}

// day returns the date of year, month and day.
func day(year int, month time.Month, d int) psa.Date { return psa.NewDate(year, month, d) }

// dec parses a decimal, failing the test on error.
func dec(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("storetest: decimal %q: %v", s, err)
	}
	return d
}

// newContract returns a time-and-materials draft contract of owner in EUR with only a name, a
// start date, timestamps and Version 1: every amount is the zero Money, every decimal zero.
func newContract(id psa.ContractID, owner psa.ClientID, name string) contract.Contract {
	return contract.Contract{
		ID:        id,
		ClientID:  owner,
		Terms:     contract.Terms{Name: name, Type: contract.TimeAndMaterials, Start: day(2025, time.January, 1)},
		Status:    contract.StatusDraft,
		Currency:  currency.EUR,
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullContract returns a retainer-by-hours contract of owner in EUR with every field set: every
// term (an anniversary quarterly schedule in arrears, 30/360, half-even rounding, net 14 terms,
// auto-renewal, two rates, the first 125.5 EUR, and a time-rounding rule), every tracked amount,
// a term anchor a year before the start, dealID and both renewal links.
func fullContract(t *testing.T, id psa.ContractID, owner psa.ClientID, dealID string) contract.Contract {
	t.Helper()
	net14, err := psa.NetDays(14)
	if err != nil {
		t.Fatalf("storetest: net 14: %v", err)
	}
	return contract.Contract{
		ID:       id,
		ClientID: owner,
		Terms: contract.Terms{
			Name:            "Managed Workplace Premium 2025",
			ReferenceNumber: "MSA-2025-0042",
			Type:            contract.RetainerHours,
			Description:     "Block of hours for on-site and remote support.\nUnused hours roll over.",
			PONumber:        "PO-77813",
			Start:           day(2025, time.January, 31),
			End:             day(2026, time.January, 30),
			SLAPolicyID:     newID[psa.SLAPolicyID](t),
			Default:         true,
			Schedule:        contract.Schedule{Cycle: contract.Quarterly, Alignment: contract.AlignAnniversary, Anchor: day(2025, time.January, 31)},
			Timing:          contract.InArrears,
			DayCount:        contract.Thirty360,
			Rounding:        psa.RoundHalfEven,
			SetupFee:        money(t, "250", "EUR"),
			BillingPrice:    money(t, "1500.00", "EUR"),
			BillAmount:      money(t, "18000.5", "EUR"),
			Hours:           dec(t, "12.5"),
			Rollover:        true,
			OverageRate:     money(t, "142.5", "EUR"),
			Cap:             money(t, "5000.00", "EUR"),
			PaymentTerms:    net14,
			Renewal:         contract.Renewal{Auto: true, TermMonths: 24, NoticeDays: 60},
			Rates: []client.RateOverride{
				{WorkType: "remote support", Rate: money(t, "125.5", "EUR")},
				{Role: "senior engineer", Rate: money(t, "160", "EUR")},
			},
			TimeRounding: &contract.TimeRounding{MinimumMinutes: 15, IncrementMinutes: 6},
		},
		Status:   contract.StatusActive,
		Currency: currency.EUR,
		Billed:   money(t, "4500.25", "EUR"),
		Usage: []contract.Use{
			{Period: day(2024, time.January, 31), Time: 3*time.Hour + 45*time.Minute + 7*time.Second, Amount: money(t, "1234.567", "EUR")},
			{Period: day(2024, time.February, 29), Amount: money(t, "0", "EUR"), Incidents: 3},
		},
		HoursCarried: dec(t, "0.25"),
		TermAnchor:   day(2024, time.January, 31),
		DealID:       dealID,
		RenewedFrom:  randomID[psa.ContractID](),
		RenewedTo:    newID[psa.ContractID](t),
		CreatedAt:    ts0,
		UpdatedAt:    ts0.Add(26*time.Hour + 11*time.Microsecond),
		Version:      1,
	}
}

// copyContract returns a copy of c that shares no memory with it.
func copyContract(c contract.Contract) contract.Contract {
	c.Rates = slices.Clone(c.Rates)
	c.Usage = slices.Clone(c.Usage)
	if c.TimeRounding != nil {
		r := *c.TimeRounding
		c.TimeRounding = &r
	}
	return c
}

// scribbleContract overwrites, in place, every rate and use of c and the time-rounding rule it
// points to.
func scribbleContract(t *testing.T, c *contract.Contract) {
	for i := range c.Rates {
		c.Rates[i] = client.RateOverride{WorkType: "scribbled", Rate: money(t, "0.01", "EUR")}
	}
	for i := range c.Usage {
		c.Usage[i] = contract.Use{Period: day(1999, time.January, 1), Time: time.Minute, Amount: money(t, "0.01", "EUR")}
	}
	if c.TimeRounding != nil {
		*c.TimeRounding = contract.TimeRounding{MinimumMinutes: 999, IncrementMinutes: 999}
	}
}

// newPart returns a fixed-quantity part of owner with only a description, a start, one quantity
// (1), timestamps and Version 1; its unit price is unset (the zero Money).
func newPart(t *testing.T, id psa.PartID, owner psa.ContractID, description string) contract.Part {
	t.Helper()
	return contract.Part{
		ID:          id,
		ContractID:  owner,
		Description: description,
		UnitKind:    contract.UnitFixed,
		Start:       day(2025, time.January, 1),
		Quantities:  []contract.Quantity{{From: day(2025, time.January, 1), Quantity: dec(t, "1")}},
		CreatedAt:   ts0,
		UpdatedAt:   ts0,
		Version:     1,
	}
}

// fullPart returns a per-device part of owner with every field set and four dated quantities,
// the first of them 10.0.
func fullPart(t *testing.T, id psa.PartID, owner psa.ContractID) contract.Part {
	t.Helper()
	return contract.Part{
		ID:              id,
		ContractID:      owner,
		ServiceID:       newID[psa.ServiceID](t),
		Description:     "Managed workstation (Windows 11): patching, monitoring, antivirus",
		UnitPrice:       money(t, "39.90", "EUR"),
		UnitCost:        money(t, "12.125", "EUR"),
		UnitKind:        contract.UnitDevice,
		DiscountPercent: dec(t, "12.5"),
		Start:           day(2025, time.January, 31),
		End:             day(2025, time.December, 31),
		Trial:           true,
		Quantities: []contract.Quantity{
			{From: day(2025, time.January, 31), Quantity: dec(t, "10.0")},
			{From: day(2025, time.March, 15), Quantity: dec(t, "12")},
			{From: day(2025, time.June, 1), Quantity: dec(t, "7.5")},
			{From: day(2025, time.September, 30), Quantity: dec(t, "0")},
		},
		BilledThrough: day(2025, time.April, 30),
		Reconciled:    contract.Reconciled{PartID: id, AsOf: day(2025, time.April, 1), PartVersion: 1, ContractVersion: 3, Usage: 2},
		CreatedAt:     ts0,
		UpdatedAt:     ts0.Add(3*time.Hour + 5*time.Microsecond),
		Version:       1,
	}
}

// copyPart returns a copy of p that shares no memory with it.
func copyPart(p contract.Part) contract.Part {
	p.Quantities = slices.Clone(p.Quantities)
	return p
}

// scribblePart overwrites, in place, every dated quantity of p.
func scribblePart(t *testing.T, p *contract.Part) {
	for i := range p.Quantities {
		p.Quantities[i] = contract.Quantity{From: day(1999, time.December, 31), Quantity: dec(t, "999")}
	}
}

// entry returns history entry seq of c.
func entry(c psa.ContractID, seq int64, at time.Time, by, what string) contract.HistoryEntry {
	return contract.HistoryEntry{ContractID: c, Seq: seq, At: at, By: by, What: what}
}

// newTicket returns a ticket of owner with only what every ticket has: a number of its own
// (derived from id and title), a title, a priority, a source, a status, timestamps and Version 1.
func newTicket(id psa.TicketID, owner psa.ClientID, title string) servicedesk.Ticket {
	return servicedesk.Ticket{
		ID:        id,
		Number:    keyNumber(id.String() + " " + title),
		ClientID:  owner,
		Fields:    servicedesk.Fields{Priority: servicedesk.Medium, Title: title},
		Source:    servicedesk.SourceStaff,
		Status:    servicedesk.StatusNew,
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullTicket returns a ticket of owner with every field set: every field of the form with two
// attachments, and an SLA clock that stands still, with every instant and every paused duration
// set, at microsecond precision.
func fullTicket(t *testing.T, id psa.TicketID, owner psa.ClientID, number int64) servicedesk.Ticket {
	t.Helper()
	start := ts0.Add(-3*time.Hour - 17*time.Microsecond)
	return servicedesk.Ticket{
		ID:         id,
		Number:     number,
		ClientID:   owner,
		ContactID:  newID[psa.ContactID](t),
		ContractID: randomID[psa.ContractID](),
		Fields: servicedesk.Fields{
			Site:            "Stuttgart, Halle 3",
			TicketType:      "Incident",
			Priority:        servicedesk.High,
			IssueType:       "Hardware",
			SubIssueType:    "Docking station",
			HardwareAssetID: newID[psa.AssetID](t),
			SoftwareAssetID: randomID[psa.AssetID](),
			Attachments: []servicedesk.Attachment{
				{Name: "Bildschirmfoto 2025-03-14 um 06.12.png", ContentType: "image/png", Size: 482_113, StorageKey: "tickets/" + id.String() + "/1"},
				{Name: "System.evtx", ContentType: "application/octet-stream", Size: 69_632, StorageKey: "tickets/" + id.String() + "/2"},
			},
			Title:    "Laptop no longer detects its dock",
			Details:  "Since this morning's update the dock is not detected.\nTried two docks; both work on another laptop.",
			Category: "Hardware",
		},
		Source:     servicedesk.SourceEmail,
		QueueID:    newID[psa.QueueID](t),
		AssigneeID: randomID[psa.StaffID](),
		Status:     servicedesk.StatusWaitingCustomer,
		SLA: servicedesk.Clock{
			PolicyID:       newID[psa.SLAPolicyID](t),
			Source:         servicedesk.FromContract,
			CalendarID:     randomID[psa.CalendarID](),
			Start:          start,
			PausedSince:    ts0.Add(-20*time.Minute + 3*time.Microsecond),
			FirstResponse:  servicedesk.TargetClock{MetAt: start.Add(12*time.Minute + 41*time.Second + 5*time.Microsecond), Paused: 7*time.Minute + 9*time.Microsecond},
			ResolutionPlan: servicedesk.TargetClock{MetAt: start.Add(47*time.Minute + 11*time.Microsecond), Paused: 31*time.Minute + 2*time.Second + 250*time.Microsecond},
			Resolution:     servicedesk.TargetClock{MetAt: start.Add(2*time.Hour + 999_999*time.Microsecond), Paused: time.Hour + 1*time.Microsecond},
		},
		CreatedAt: start,
		UpdatedAt: ts0.Add(13 * time.Microsecond),
		Version:   1,
	}
}

// copyTicket returns a copy of tk that shares no memory with it.
func copyTicket(tk servicedesk.Ticket) servicedesk.Ticket {
	tk.Attachments = slices.Clone(tk.Attachments)
	return tk
}

// scribbleTicket overwrites, in place, every attachment of tk.
func scribbleTicket(_ *testing.T, tk *servicedesk.Ticket) {
	for i := range tk.Attachments {
		tk.Attachments[i] = servicedesk.Attachment{Name: "scribbled", Size: -1, StorageKey: "scribbled"}
	}
}

// newNote returns an internal note of ticket by a staff member with only a text and an instant.
func newNote(t *testing.T, id psa.NoteID, ticket psa.TicketID, text string) servicedesk.Note {
	t.Helper()
	return servicedesk.Note{ID: id, TicketID: ticket, StaffID: newID[psa.StaffID](t), Text: text, CreatedAt: ts0}
}

// newTimeEntry returns a submitted entry of owner's without a ticket, with only a staff member, a
// date, a duration, a note, timestamps and Version 1: its rate is unset (the zero Money).
func newTimeEntry(t *testing.T, id psa.TimeEntryID, owner psa.ClientID, note string) servicedesk.TimeEntry {
	t.Helper()
	return servicedesk.TimeEntry{
		ID: id,
		Work: servicedesk.Work{
			ClientID: owner,
			StaffID:  newID[psa.StaffID](t),
			Date:     day(2025, time.March, 14),
			Duration: 30 * time.Minute,
			Note:     note,
		},
		Status:    servicedesk.EntrySubmitted,
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullTimeEntry returns a billed entry of owner's work on ticket with every field set: start and
// end at microsecond precision, a billable duration, a rate of rate EUR from the contract, the
// approval, the invoice that claimed it and an old rejection reason.
func fullTimeEntry(t *testing.T, id psa.TimeEntryID, owner psa.ClientID, ticket psa.TicketID, rate string) servicedesk.TimeEntry {
	t.Helper()
	start := ts0.Add(-2*time.Hour + 250*time.Microsecond)
	end := start.Add(time.Hour + 27*time.Minute + 13*time.Second + 500*time.Microsecond)
	return servicedesk.TimeEntry{
		ID: id,
		Work: servicedesk.Work{
			TicketID:   ticket,
			ContractID: newID[psa.ContractID](t),
			ClientID:   owner,
			StaffID:    randomID[psa.StaffID](),
			WorkType:   "remote support",
			Role:       "senior engineer",
			Date:       day(2025, time.March, 14),
			Start:      start,
			End:        end,
			Duration:   end.Sub(start),
			Billable:   true,
			Note:       "Updated the dock firmware; the user confirmed it works.",
			NotePublic: true,
		},
		Status:           servicedesk.EntryBilled,
		RejectReason:     "No ticket reference (resubmitted with one)",
		BillableDuration: 90 * time.Minute,
		Rate:             money(t, rate, "EUR"),
		RateSource:       servicedesk.RateContract,
		ApprovedBy:       "ana@msp.example",
		ApprovedAt:       ts0.Add(26*time.Hour + 9*time.Microsecond),
		InvoiceID:        newID[psa.InvoiceID](t),
		CreatedAt:        start,
		UpdatedAt:        ts0.Add(27*time.Hour + 31*time.Microsecond),
		Version:          1,
	}
}

// newPolicy returns an SLA policy with only a name, a calendar and Version 1: no targets.
func newPolicy(id psa.SLAPolicyID, name string) servicedesk.Policy {
	return servicedesk.Policy{ID: id, Name: name, CalendarID: randomID[psa.CalendarID](), Version: 1}
}

// fullPolicy returns an SLA policy with targets for every priority (critical ones 24x7) and
// overrides for an issue type and for one of its sub-issue types.
func fullPolicy(t *testing.T, id psa.SLAPolicyID) servicedesk.Policy {
	t.Helper()
	return servicedesk.Policy{
		ID:         id,
		Name:       "Gold (business hours, critical 24x7)",
		CalendarID: newID[psa.CalendarID](t),
		Targets: []servicedesk.Target{
			{Priority: servicedesk.Critical, FirstResponse: 15 * time.Minute, ResolutionPlan: time.Hour, Resolution: 4 * time.Hour, AlwaysOn: true},
			{Priority: servicedesk.High, FirstResponse: 30 * time.Minute, ResolutionPlan: 2 * time.Hour, Resolution: 8 * time.Hour},
			{Priority: servicedesk.Medium, FirstResponse: 2 * time.Hour, Resolution: 16 * time.Hour},
			{Priority: servicedesk.Low, FirstResponse: 4 * time.Hour, Resolution: 40 * time.Hour},
		},
		ByIssue: []servicedesk.IssueTargets{
			{IssueType: "Network", Targets: []servicedesk.Target{
				{Priority: servicedesk.Critical, FirstResponse: 10 * time.Minute, ResolutionPlan: 30 * time.Minute, Resolution: 2 * time.Hour, AlwaysOn: true},
				{Priority: servicedesk.High, FirstResponse: 20 * time.Minute, Resolution: 4 * time.Hour},
			}},
			{IssueType: "Network", SubIssueType: "VPN", Targets: []servicedesk.Target{
				{Priority: servicedesk.High, FirstResponse: 15 * time.Minute, ResolutionPlan: 45 * time.Minute, Resolution: 3*time.Hour + 30*time.Minute},
			}},
		},
		Version: 1,
	}
}

// copyPolicy returns a copy of p that shares no memory with it.
func copyPolicy(p servicedesk.Policy) servicedesk.Policy {
	p.Targets = slices.Clone(p.Targets)
	p.ByIssue = slices.Clone(p.ByIssue)
	for i := range p.ByIssue {
		p.ByIssue[i].Targets = slices.Clone(p.ByIssue[i].Targets)
	}
	return p
}

// scribblePolicy overwrites, in place, every target and every override of p.
func scribblePolicy(_ *testing.T, p *servicedesk.Policy) {
	scribbled := servicedesk.Target{Priority: "scribbled", FirstResponse: time.Nanosecond}
	for i := range p.Targets {
		p.Targets[i] = scribbled
	}
	for i := range p.ByIssue {
		p.ByIssue[i].IssueType = "scribbled"
		for j := range p.ByIssue[i].Targets {
			p.ByIssue[i].Targets[j] = scribbled
		}
	}
}

// at returns the time of day h:m.
func at(h, m int) servicedesk.ClockTime { return servicedesk.ClockTime(h*60 + m) }

// newCalendar returns a calendar with only a name, a zone and Version 1: no working hours.
func newCalendar(id psa.CalendarID, name string) servicedesk.Calendar {
	return servicedesk.Calendar{ID: id, Name: name, TimeZone: "Europe/Berlin", Version: 1}
}

// fullCalendar returns a calendar that is not always open, with working hours on six days (a
// lunch break, a night shift that runs to 24:00 and on from 00:00 the next day), one-off
// holidays and yearly ones (February 29 among them).
func fullCalendar(id psa.CalendarID) servicedesk.Calendar {
	office := []servicedesk.Interval{{Start: at(8, 0), End: at(12, 0)}, {Start: at(13, 0), End: at(17, 30)}}
	var week [7][]servicedesk.Interval
	for d := time.Monday; d <= time.Thursday; d++ {
		week[d] = slices.Clone(office)
	}
	week[time.Friday] = []servicedesk.Interval{{Start: at(8, 0), End: at(12, 0)}, {Start: at(13, 0), End: at(15, 0)}, {Start: at(22, 0), End: at(24, 0)}}
	week[time.Saturday] = []servicedesk.Interval{{Start: at(0, 0), End: at(6, 0)}}
	return servicedesk.Calendar{
		ID:       id,
		Name:     "Office hours Stuttgart",
		TimeZone: "Europe/Berlin",
		Week:     week,
		Holidays: []psa.Date{day(2025, time.April, 18), day(2025, time.December, 24), day(2025, time.December, 31)},
		Yearly: []servicedesk.MonthDay{
			{Month: time.January, Day: 1}, {Month: time.May, Day: 1}, {Month: time.October, Day: 3},
			{Month: time.December, Day: 25}, {Month: time.December, Day: 26}, {Month: time.February, Day: 29},
		},
		Version: 1,
	}
}

// copyCalendar returns a copy of c that shares no memory with it.
func copyCalendar(c servicedesk.Calendar) servicedesk.Calendar {
	for d := range c.Week {
		c.Week[d] = slices.Clone(c.Week[d])
	}
	c.Holidays = slices.Clone(c.Holidays)
	c.Yearly = slices.Clone(c.Yearly)
	return c
}

// scribbleCalendar overwrites, in place, every working interval and holiday of c.
func scribbleCalendar(_ *testing.T, c *servicedesk.Calendar) {
	for d := range c.Week {
		for i := range c.Week[d] {
			c.Week[d][i] = servicedesk.Interval{Start: at(23, 58), End: at(23, 59)}
		}
	}
	for i := range c.Holidays {
		c.Holidays[i] = day(1999, time.December, 31)
	}
	for i := range c.Yearly {
		c.Yearly[i] = servicedesk.MonthDay{Month: time.June, Day: 6}
	}
}

// newQueue returns a queue called name with Version 1.
func newQueue(id psa.QueueID, name string) servicedesk.Queue {
	return servicedesk.Queue{ID: id, Name: name, Version: 1}
}

// fullSettings returns service-desk settings with every field set (Version 0: not yet stored):
// default rates in two currencies, the first 120.5 EUR, and three categories.
func fullSettings(t *testing.T) servicedesk.Settings {
	t.Helper()
	return servicedesk.Settings{
		DefaultPolicyID: newID[psa.SLAPolicyID](t),
		TimeRounding:    contract.TimeRounding{MinimumMinutes: 15, IncrementMinutes: 6},
		DefaultRates: []client.RateOverride{
			{WorkType: "remote support", Rate: money(t, "120.5", "EUR")},
			{Role: "senior engineer", Rate: money(t, "150", "EUR")},
			{WorkType: "remote support", Rate: money(t, "130", "CHF")},
		},
		Categories:              []string{"Hardware", "Software", "Network"},
		ShowTimeEntriesInPortal: true,
	}
}

// copySettings returns a copy of s that shares no memory with it.
func copySettings(s servicedesk.Settings) servicedesk.Settings {
	s.DefaultRates = slices.Clone(s.DefaultRates)
	s.Categories = slices.Clone(s.Categories)
	return s
}

// scribbleSettings overwrites, in place, every default rate and category of s.
func scribbleSettings(t *testing.T, s *servicedesk.Settings) {
	for i := range s.DefaultRates {
		s.DefaultRates[i] = client.RateOverride{WorkType: "scribbled", Rate: money(t, "0.01", "EUR")}
	}
	for i := range s.Categories {
		s.Categories[i] = "scribbled"
	}
}

// invoiceScheme is the numbering scheme of the invoices that newInvoice returns. It is not
// stored: the invoice store methods take a NumberingSchemeID as a plain value. The Numbers the
// generic cases give those invoices are unique within it.
var invoiceScheme = psa.NumberingSchemeID{UUID: uuid.MustParse("0195942e-3c1d-7b6a-9f52-4e8d1c0a7b36")}

// template parses a numbering template, failing the test on error.
func template(t *testing.T, s string) invoice.Template {
	t.Helper()
	tmpl, err := invoice.ParseTemplate(s)
	if err != nil {
		t.Fatalf("storetest: numbering template %q: %v", s, err)
	}
	return tmpl
}

// newScheme returns an unconfirmed invoice numbering scheme with only a name, a template
// ("INV-{SEQ}"), no number issued yet and Version 1.
func newScheme(t *testing.T, id psa.NumberingSchemeID, name string) invoice.Scheme {
	t.Helper()
	return invoice.Scheme{ID: id, Kind: invoice.InvoiceNumbers, Name: name, Template: template(t, "INV-{SEQ}"), Version: 1}
}

// fullScheme returns a confirmed credit-note numbering scheme with every field set: a template
// with the year, a yearly reset, and 41 numbers issued in 2025.
func fullScheme(t *testing.T, id psa.NumberingSchemeID) invoice.Scheme {
	t.Helper()
	return invoice.Scheme{
		ID:          id,
		Kind:        invoice.CreditNoteNumbers,
		Name:        "Gutschriften (Stuttgart)",
		Template:    template(t, "GS-{YYYY}/{MM}-{SEQ:5} {{DE}}"),
		YearlyReset: true,
		Last:        41,
		LastYear:    2025,
		Confirmed:   true,
		Version:     1,
	}
}

// newInvoice returns a draft invoice of owner in EUR, in scheme invoiceScheme, with only notes,
// timestamps and Version 1: no Number (a draft has none), no lines, and every amount the zero
// Money.
func newInvoice(id psa.InvoiceID, owner psa.ClientID, notes string) invoice.Invoice {
	return invoice.Invoice{
		ID:        id,
		Kind:      invoice.InvoiceNumbers,
		SchemeID:  invoiceScheme,
		ClientID:  owner,
		Status:    invoice.StatusDraft,
		Currency:  currency.EUR,
		Notes:     notes,
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// finalInvoice returns newInvoice(id, owner, notes) finalized with number in scheme.
func finalInvoice(id psa.InvoiceID, owner psa.ClientID, scheme psa.NumberingSchemeID, number, notes string) invoice.Invoice {
	inv := newInvoice(id, owner, notes)
	inv.SchemeID, inv.Number, inv.Status = scheme, number, invoice.StatusFinalized
	inv.Date, inv.DueDate = day(2025, time.April, 1), day(2025, time.May, 1)
	return inv
}

// fullInvoice returns an invoice of owner in EUR, numbered number in scheme, with every field of
// the type set: three lines (the first for a sub-organization, with a percentage and an amount
// discount; the second at 142.5 EUR for 1.5 hours in a region with a compound tax; the third not
// taxable), a percentage invoice discount and one of 0.00 EUR (set, unlike the zero Money), two
// tax regions with their components, totals with every line's and region's components, two
// payments, applied credit, an instant it was sent at microsecond precision, a void reason and
// the invoice it credits. No service would combine all of these on one invoice (a void reason on
// a partially paid invoice, a tax treatment with tax): a store keeps what it is given.
// TestFullFixturesSetEveryField checks that every field stays set.
func fullInvoice(t *testing.T, id psa.InvoiceID, owner psa.ClientID, scheme psa.NumberingSchemeID, number string) invoice.Invoice {
	t.Helper()
	eur := func(amount string) psa.Money { return money(t, amount, "EUR") }
	march := psa.Period{Start: day(2025, time.March, 1), End: day(2025, time.April, 1)}
	vat := invoice.ComponentTax{Name: "VAT", Rate: dec(t, "19"), Amount: eur("78.90")}
	gst := invoice.ComponentTax{Name: "GST", Rate: dec(t, "5"), Amount: eur("10.42")}
	qst := invoice.ComponentTax{Name: "QST", Rate: dec(t, "9.5"), Compound: true, Amount: eur("20.79")}
	return invoice.Invoice{
		ID:            id,
		Kind:          invoice.InvoiceNumbers,
		Number:        number,
		SchemeID:      scheme,
		ClientID:      owner,
		Status:        invoice.StatusPartiallyPaid,
		Currency:      currency.EUR,
		PONumber:      "PO-77813",
		SalesRep:      "ana@msp.example",
		Project:       "Workplace refresh 2025",
		ServicePeriod: march,
		Date:          day(2025, time.April, 1),
		DueDate:       day(2025, time.May, 1),
		Notes:         "Bitte bei Zahlung die Rechnungsnummer angeben.\nPlease quote the invoice number.",
		Lines: []invoice.Line{
			{
				ID:           newID[psa.InvoiceLineID](t),
				Description:  "Managed workstation (Windows 11)",
				ClientID:     randomID[psa.ClientID](),
				Organization: "Contoso Logistik GmbH",
				Period:       march,
				Quantity:     dec(t, "12"),
				UnitPrice:    eur("39.90"),
				Amount:       eur("478.80"),
				Discounts: []invoice.Discount{
					{Percent: dec(t, "10"), Reason: "loyalty"},
					{Amount: eur("5.00"), Reason: "promotion SPRING25"},
				},
				TaxRegion:   "DE",
				Explanation: "12 devices x 39.90 EUR, 2025-03-01 to 2025-03-31",
				Source:      invoice.Source{Kind: "contract part", ID: randomID[psa.PartID]().String() + "/2025-03"},
			},
			{
				ID:          randomID[psa.InvoiceLineID](),
				Description: "Remote support",
				ClientID:    owner,
				Period:      psa.Period{Start: day(2025, time.March, 14), End: day(2025, time.March, 15)},
				Quantity:    dec(t, "1.5"),
				UnitPrice:   eur("142.5"),
				Amount:      eur("213.75"),
				TaxRegion:   "CA-QC-2012",
				Explanation: "1 h 30 min at 142.50 EUR (rounded up to 6 minutes)",
				Source:      invoice.Source{Kind: "time entry", ID: newID[psa.TimeEntryID](t).String()},
			},
			{
				ID:          newID[psa.InvoiceLineID](t),
				Description: "Setup fee",
				ClientID:    owner,
				Quantity:    dec(t, "1"),
				UnitPrice:   eur("250.00"),
				Amount:      eur("250.00"),
				Source:      invoice.Source{Kind: "setup fee", ID: randomID[psa.ContractID]().String()},
			},
		},
		InvoiceDiscounts: []invoice.Discount{{Percent: dec(t, "2.5"), Reason: "early payment"}, {Amount: eur("0.00"), Reason: "goodwill (waived)"}},
		Regions: []invoice.TaxRegion{
			{Code: "DE", Name: "Deutschland", Components: []invoice.TaxComponent{{Name: "VAT", Rate: dec(t, "19")}}},
			{Code: "CA-QC-2012", Name: "Québec (2012)", Components: []invoice.TaxComponent{
				{Name: "GST", Rate: dec(t, "5")},
				{Name: "QST", Rate: dec(t, "9.5"), Compound: true},
			}},
		},
		Tax: invoice.TaxOptions{Rounding: psa.RoundHalfEven, PerLine: true, Treatment: invoice.ReverseCharge, Reason: "Steuerschuldnerschaft des Leistungsempfängers"},
		Totals: invoice.Totals{
			Lines: []invoice.LineTotals{
				{Gross: eur("478.80"), LineDiscount: eur("52.88"), InvoiceDiscount: eur("10.65"), Net: eur("415.27"), Tax: eur("78.90"), Components: []invoice.ComponentTax{vat}},
				{Gross: eur("213.75"), LineDiscount: eur("0.00"), InvoiceDiscount: eur("5.34"), Net: eur("208.41"), Tax: eur("31.21"), Components: []invoice.ComponentTax{gst, qst}},
				{Gross: eur("250.00"), LineDiscount: eur("0.00"), InvoiceDiscount: eur("6.25"), Net: eur("243.75"), Tax: eur("0.00")},
			},
			Regions: []invoice.RegionTax{
				{Code: "DE", Name: "Deutschland", Base: eur("415.27"), Components: []invoice.ComponentTax{vat}, Tax: eur("78.90")},
				{Code: "CA-QC-2012", Name: "Québec (2012)", Base: eur("208.41"), Components: []invoice.ComponentTax{gst, qst}, Tax: eur("31.21")},
			},
			Subtotal:  eur("942.55"),
			Discount:  eur("75.12"),
			Net:       eur("867.43"),
			Tax:       eur("110.11"),
			Total:     eur("977.54"),
			Treatment: invoice.ReverseCharge,
			Reason:    "Steuerschuldnerschaft des Leistungsempfängers",
		},
		Payments: []invoice.Payment{
			{ID: newID[psa.PaymentID](t), Date: day(2025, time.April, 10), Amount: eur("500.00"), Method: "SEPA transfer", Reference: "RF18 5390 0754 7034"},
			{ID: randomID[psa.PaymentID](), Date: day(2025, time.April, 28), Amount: eur("400"), Method: "card", Reference: "ch_3PxQ2k", Overpaid: eur("12.5")},
		},
		CreditApplied: eur("27.54"),
		SentOn:        ts0.Add(26*time.Hour + 13*time.Microsecond),
		VoidReason:    "Issued to the wrong legal entity; replaced by a credit note.",
		CreditFor:     randomID[psa.InvoiceID](),
		CreatedAt:     ts0,
		UpdatedAt:     ts0.Add(27*time.Hour + 41*time.Microsecond),
		Version:       1,
	}
}

// copyInvoice returns a copy of inv that shares no memory with it. It does not use
// invoice.Invoice.Clone, so that the suite does not take the copying it checks for granted.
func copyInvoice(inv invoice.Invoice) invoice.Invoice {
	inv.Lines = slices.Clone(inv.Lines)
	for i := range inv.Lines {
		inv.Lines[i].Discounts = slices.Clone(inv.Lines[i].Discounts)
	}
	inv.InvoiceDiscounts = slices.Clone(inv.InvoiceDiscounts)
	inv.Regions = slices.Clone(inv.Regions)
	for i := range inv.Regions {
		inv.Regions[i].Components = slices.Clone(inv.Regions[i].Components)
	}
	inv.Totals.Lines = slices.Clone(inv.Totals.Lines)
	for i := range inv.Totals.Lines {
		inv.Totals.Lines[i].Components = slices.Clone(inv.Totals.Lines[i].Components)
	}
	inv.Totals.Regions = slices.Clone(inv.Totals.Regions)
	for i := range inv.Totals.Regions {
		inv.Totals.Regions[i].Components = slices.Clone(inv.Totals.Regions[i].Components)
	}
	inv.Payments = slices.Clone(inv.Payments)
	return inv
}

// scribbleInvoice overwrites, in place, every element of every slice inv holds: its lines and
// their discounts, its invoice discounts, its regions and their components, the totals of its
// lines and regions and their components, and its payments.
func scribbleInvoice(t *testing.T, inv *invoice.Invoice) {
	scribbled := money(t, "0.01", "EUR")
	discounts := func(ds []invoice.Discount) {
		for i := range ds {
			ds[i] = invoice.Discount{Amount: scribbled, Reason: "scribbled"}
		}
	}
	components := func(cs []invoice.ComponentTax) {
		for i := range cs {
			cs[i] = invoice.ComponentTax{Name: "scribbled", Amount: scribbled}
		}
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		discounts(l.Discounts)
		l.Description, l.Amount, l.TaxRegion, l.Source = "scribbled", scribbled, "scribbled", invoice.Source{Kind: "scribbled"}
	}
	discounts(inv.InvoiceDiscounts)
	for i := range inv.Regions {
		r := &inv.Regions[i]
		for j := range r.Components {
			r.Components[j] = invoice.TaxComponent{Name: "scribbled", Rate: dec(t, "99")}
		}
		r.Code, r.Name = "scribbled", "scribbled"
	}
	for i := range inv.Totals.Lines {
		l := &inv.Totals.Lines[i]
		components(l.Components)
		l.Net, l.Tax = scribbled, scribbled
	}
	for i := range inv.Totals.Regions {
		r := &inv.Totals.Regions[i]
		components(r.Components)
		r.Code, r.Base = "scribbled", scribbled
	}
	for i := range inv.Payments {
		inv.Payments[i] = invoice.Payment{ID: randomID[psa.PaymentID](), Amount: scribbled, Reference: "scribbled"}
	}
}

// newSalesItem returns a sales item of owner with only the required fields: description, one
// unit at 10.00 EUR, a date.
func newSalesItem(t *testing.T, id psa.SalesItemID, owner psa.ClientID, description string) billing.SalesItem {
	t.Helper()
	return billing.SalesItem{
		ID:       id,
		ClientID: owner,
		Item: billing.Item{
			Description: description,
			Quantity:    decimal.NewFromInt(1),
			UnitPrice:   money(t, "10.00", "EUR"),
			Date:        day(2025, time.March, 3),
		},
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullSalesItem returns a sales item of owner with every field of the type set: a catalogue
// service, 1.5 units at 142.5 EUR, a PO number, and the invoice that billed it.
// TestFullFixturesSetEveryField checks that every field stays set.
func fullSalesItem(t *testing.T, id psa.SalesItemID, owner psa.ClientID) billing.SalesItem {
	t.Helper()
	return billing.SalesItem{
		ID:       id,
		ClientID: owner,
		Item: billing.Item{
			ServiceID:   psa.ServiceID{UUID: uuid.MustParse("0195942e-3c1d-7b6a-9f52-4e8d1c0a7c01")},
			Description: "Docking station, installed",
			Quantity:    dec(t, "1.5"),
			UnitPrice:   money(t, "142.5", "EUR"),
			Date:        day(2025, time.March, 12),
			PONumber:    "PO-77813",
		},
		InvoiceID: randomID[psa.InvoiceID](),
		CreatedAt: ts0,
		UpdatedAt: ts0.Add(90*time.Minute + 7*time.Microsecond),
		Version:   1,
	}
}

// usagePeriod returns a one-month billing period that starts on a day derived from key, so that
// the few usage records of a case that differ in key differ in period start, but for a collision
// too unlikely to matter.
func usagePeriod(key string) psa.Period {
	start := day(2000, time.January, 1).AddDays(int(keyNumber(key) % 2_900_000))
	return psa.Period{Start: start, End: start.AddMonths(1)}
}

// usageQuantity returns the quantity that stands for label in a usage record, which has no text
// field: a whole number derived from label, distinct for the few labels of a case.
func usageQuantity(label string) decimal.Decimal {
	return decimal.NewFromInt(keyNumber(label) % 1_000_000)
}

// newUsage returns a usage record of part with a period and quantity derived from its ID and
// label (see usagePeriod and usageQuantity).
func newUsage(id psa.UsageID, part psa.PartID, label string) billing.Usage {
	return billing.Usage{
		ID:        id,
		PartID:    part,
		Period:    usagePeriod(id.String() + " " + label),
		Quantity:  usageQuantity(label),
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullUsage returns a usage record of part with every field of the type set: March 2025, 12.5
// seats. TestFullFixturesSetEveryField checks that every field stays set.
func fullUsage(t *testing.T, id psa.UsageID, part psa.PartID) billing.Usage {
	t.Helper()
	return billing.Usage{
		ID:        id,
		PartID:    part,
		Period:    psa.Period{Start: day(2025, time.March, 1), End: day(2025, time.April, 1)},
		Quantity:  dec(t, "12.5"),
		CreatedAt: ts0,
		UpdatedAt: ts0.Add(time.Hour + 3*time.Microsecond),
		Version:   1,
	}
}

// claimInvoice is the invoice that the claims newClaim returns are made by. It is not stored:
// the claim store methods take an InvoiceID as a plain value.
var claimInvoice = psa.InvoiceID{UUID: uuid.MustParse("0195942e-3c1d-7b6a-9f52-4e8d1c0a7c02")}

// newClaim returns a claim of line on subject, made by claimInvoice, with key and no amount.
func newClaim(line psa.InvoiceLineID, subject billing.Subject, key string) billing.Claim {
	return billing.Claim{LineID: line, Subject: subject, Key: key, InvoiceID: claimInvoice}
}

// fullClaim returns a released claim of line on subject, made by inv, with every field of the
// type set. TestFullFixturesSetEveryField checks that every field stays set.
func fullClaim(t *testing.T, line psa.InvoiceLineID, subject billing.Subject, inv psa.InvoiceID) billing.Claim {
	t.Helper()
	return billing.Claim{LineID: line, Subject: subject, Key: "period 2025-03-01", InvoiceID: inv, Amount: money(t, "142.5", "EUR"), Released: true,
		Consumed: &billing.Consumption{ContractID: randomID[psa.ContractID](), Use: contract.Use{Period: day(2025, time.March, 1),
			Time: 2*time.Hour + 7*time.Second, Amount: money(t, "17.125", "EUR"), Incidents: 2}}}
}
