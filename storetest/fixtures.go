package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
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
// auto-renewal), every tracked amount, dealID and both renewal links.
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
		},
		Status:       contract.StatusActive,
		Currency:     currency.EUR,
		Billed:       money(t, "4500.25", "EUR"),
		Consumed:     money(t, "1234.567", "EUR"),
		HoursUsed:    dec(t, "3.75"),
		HoursCarried: dec(t, "0.25"),
		DealID:       dealID,
		RenewedFrom:  randomID[psa.ContractID](),
		RenewedTo:    newID[psa.ContractID](t),
		CreatedAt:    ts0,
		UpdatedAt:    ts0.Add(26*time.Hour + 11*time.Microsecond),
		Version:      1,
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
