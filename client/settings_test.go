package client_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

func TestSettingsValidate(t *testing.T) {
	usd := func(s string) psa.Money { return money(t, s, "USD") }
	queue := psa.QueueID{UUID: uuid.MustParse("0000000a-0000-0000-0000-000000000001")}
	tests := []struct {
		name string
		s    client.Settings
		want []field // nil: valid
	}{
		{"zero value", client.Settings{}, nil},
		{"everything valid", client.Settings{
			SelfManagedProfile:     true,
			PortalTicketCategories: []string{"Hardware", "Software", "Network"},
			NotificationRules: []client.NotificationRule{
				{Event: client.EventTicketCreated, ContactIDs: []psa.ContactID{contactID(1)}},
				{Event: client.EventInvoiceOverdue, Off: true},
			},
			RateOverrides: []client.RateOverride{
				{WorkType: "onsite", Rate: usd("180.00")},
				{Role: "engineer", Rate: usd("150.00")},
				{Role: "onsite", Rate: usd("120.00")}, // a role may share a work type's name
			},
			AutoAssign: client.AutoAssign{QueueID: queue},
		}, nil},
		{"technician only", client.Settings{AutoAssign: client.AutoAssign{TechnicianID: staffID(1)}}, nil},
		{"empty category", client.Settings{PortalTicketCategories: []string{"Hardware", ""}}, []field{{"portalTicketCategories[1]", ""}}},
		{"blank category", client.Settings{PortalTicketCategories: []string{"  "}}, []field{{"portalTicketCategories[0]", "  "}}},
		{"duplicate category, case-insensitive", client.Settings{PortalTicketCategories: []string{"Hardware", "Software", "hardware "}}, []field{{"portalTicketCategories[2]", "hardware "}}},
		{"unknown event", client.Settings{NotificationRules: []client.NotificationRule{{Event: "ticket.deleted"}}}, []field{{"notificationRules[0].event", "ticket.deleted"}}},
		{"empty event", client.Settings{NotificationRules: []client.NotificationRule{{}}}, []field{{"notificationRules[0].event", ""}}},
		{"duplicate event rule", client.Settings{NotificationRules: []client.NotificationRule{
			{Event: client.EventTicketCreated}, {Event: client.EventTicketUpdated}, {Event: client.EventTicketCreated, Off: true},
		}}, []field{{"notificationRules[2].event", "ticket.created"}}},
		{"override with both keys", client.Settings{RateOverrides: []client.RateOverride{{WorkType: "onsite", Role: "engineer", Rate: usd("1")}}}, []field{{"rateOverrides[0]", "onsiteengineer"}}},
		{"override with neither key", client.Settings{RateOverrides: []client.RateOverride{{Rate: usd("1")}}}, []field{{"rateOverrides[0]", ""}}},
		{"duplicate work type", client.Settings{RateOverrides: []client.RateOverride{
			{WorkType: "onsite", Rate: usd("1")}, {WorkType: "onsite", Rate: usd("2")},
		}}, []field{{"rateOverrides[1]", "onsite"}}},
		{"duplicate role", client.Settings{RateOverrides: []client.RateOverride{
			{Role: "engineer", Rate: usd("1")}, {WorkType: "remote", Rate: usd("1")}, {Role: "engineer", Rate: usd("2")},
		}}, []field{{"rateOverrides[2]", "engineer"}}},
		{"zero rate", client.Settings{RateOverrides: []client.RateOverride{{WorkType: "onsite", Rate: usd("0.00")}}}, []field{{"rateOverrides[0].rate", usd("0.00").String()}}},
		{"negative rate", client.Settings{RateOverrides: []client.RateOverride{{Role: "engineer", Rate: usd("-5")}}}, []field{{"rateOverrides[0].rate", usd("-5").String()}}},
		{"auto-assign to queue and technician", client.Settings{AutoAssign: client.AutoAssign{QueueID: queue, TechnicianID: staffID(2)}}, []field{{"autoAssign", queue.String()}}},
		{"every rule at once", client.Settings{
			PortalTicketCategories: []string{"", "A", "a"},
			NotificationRules:      []client.NotificationRule{{Event: "nope"}},
			RateOverrides:          []client.RateOverride{{Rate: usd("-1")}},
			AutoAssign:             client.AutoAssign{QueueID: queue, TechnicianID: staffID(2)},
		}, []field{
			{"portalTicketCategories[0]", ""}, {"portalTicketCategories[2]", "a"},
			{"notificationRules[0].event", "nope"},
			{"rateOverrides[0]", ""}, {"rateOverrides[0].rate", usd("-1").String()},
			{"autoAssign", queue.String()},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			diff(t, tt.want, validationFields(t, err), "invalid fields")
		})
	}
}

func TestSetSettings(t *testing.T) {
	e := newEnv(t)
	c := e.withBilling(t, e.named(t, "Acme").ID)
	ann := e.contact(t, c.ID, "ann")
	bob := e.contact(t, c.ID, "bob")
	c = e.get(t, c.ID)
	newSettings := func() client.Settings {
		return client.Settings{
			SelfManagedProfile:     true,
			SLAPolicyID:            psa.SLAPolicyID{UUID: uuid.MustParse("0000000b-0000-0000-0000-000000000001")},
			CalendarID:             psa.CalendarID{UUID: uuid.MustParse("0000000c-0000-0000-0000-000000000001")},
			PortalTicketCategories: []string{"Hardware"},
			NotificationRules: []client.NotificationRule{
				{Event: client.EventInvoiceIssued, ContactIDs: []psa.ContactID{bob.ID, ann.ID}},
				{Event: client.EventTicketUpdated, Off: true},
			},
			RateOverrides: []client.RateOverride{{WorkType: "onsite", Rate: money(t, "175.00", "USD")}},
			AutoAssign:    client.AutoAssign{TechnicianID: staffID(4)},
		}
	}
	set := newSettings()
	got, err := e.svc.SetSettings(t.Context(), c.ID, c.Version, set)
	require.NoError(t, err)
	want := c
	want.Settings, want.Version = newSettings(), c.Version+1
	diff(t, want, got, "returned client")
	diff(t, want, e.get(t, c.ID), "stored client")

	// The store keeps its own copy.
	set.PortalTicketCategories[0] = "changed"
	set.NotificationRules[0].ContactIDs[0] = contactID(7)
	diff(t, want, e.get(t, c.ID), "stored client after changing the caller's settings")

	_, err = e.svc.SetSettings(t.Context(), c.ID, got.Version, client.Settings{PortalTicketCategories: []string{""}})
	diff(t, []field{{"portalTicketCategories[0]", ""}}, validationFields(t, err), "invalid fields")
	diff(t, want, e.get(t, c.ID), "stored client after refused settings")
}

// TestSetSettingsRefused checks the rules SetSettings adds to Settings.Validate: recipients are
// active contacts of the client, and rate overrides are in the client's billing currency.
func TestSetSettingsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.withBilling(t, e.named(t, "Acme").ID) // USD
	ann := e.contact(t, c.ID, "ann")
	gone := e.contact(t, c.ID, "gone")
	_, err := e.svc.SetContactActive(t.Context(), gone.ID, gone.Version, false)
	require.NoError(t, err)
	olga := e.contact(t, e.named(t, "Other").ID, "olga")
	unknown := contactID(200)
	c = e.get(t, c.ID)

	tests := []struct {
		name string
		set  client.Settings
		want []field
	}{
		{"unknown contact", client.Settings{NotificationRules: []client.NotificationRule{
			{Event: client.EventTicketCreated, ContactIDs: []psa.ContactID{ann.ID, unknown}},
		}}, []field{{"notificationRules[0].contactIds[1]", unknown.String()}}},
		{"contact of another client", client.Settings{NotificationRules: []client.NotificationRule{
			{Event: client.EventTicketCreated, ContactIDs: []psa.ContactID{olga.ID}},
		}}, []field{{"notificationRules[0].contactIds[0]", olga.ID.String()}}},
		{"inactive contact", client.Settings{NotificationRules: []client.NotificationRule{
			{Event: client.EventTicketCreated, ContactIDs: []psa.ContactID{ann.ID}},
			{Event: client.EventInvoiceIssued, ContactIDs: []psa.ContactID{gone.ID}},
		}}, []field{{"notificationRules[1].contactIds[0]", gone.ID.String()}}},
		{"rate override in another currency", client.Settings{RateOverrides: []client.RateOverride{
			{WorkType: "onsite", Rate: money(t, "100.00", "USD")},
			{Role: "engineer", Rate: money(t, "90.00", "EUR")},
		}}, []field{{"rateOverrides[1].rate", money(t, "90.00", "EUR").String()}}},
		{"all at once", client.Settings{
			NotificationRules: []client.NotificationRule{{Event: client.EventTicketCreated, ContactIDs: []psa.ContactID{olga.ID, gone.ID}}},
			RateOverrides:     []client.RateOverride{{WorkType: "onsite", Rate: money(t, "100", "GBP")}},
		}, []field{
			{"notificationRules[0].contactIds[0]", olga.ID.String()},
			{"notificationRules[0].contactIds[1]", gone.ID.String()},
			{"rateOverrides[0].rate", money(t, "100", "GBP").String()},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.SetSettings(t.Context(), c.ID, c.Version, tt.set)
			diff(t, tt.want, validationFields(t, err), "invalid fields")
			diff(t, c, e.get(t, c.ID), "stored client")
		})
	}
}

func TestTicketCategoryAllowed(t *testing.T) {
	limited := client.Settings{PortalTicketCategories: []string{"Hardware", " Software "}}
	tests := []struct {
		name     string
		s        client.Settings
		category string
		want     bool
	}{
		{"no limit: any category", client.Settings{}, "Anything", true},
		{"no limit: even empty", client.Settings{}, "", true},
		{"listed", limited, "Hardware", true},
		{"listed, other case", limited, "HARDWARE", true},
		{"listed with spaces", limited, "software", true},
		{"not listed", limited, "Billing", false},
		{"empty when limited", limited, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.s.TicketCategoryAllowed(tt.category))
		})
	}
}

func TestRateFor(t *testing.T) {
	s := client.Settings{RateOverrides: []client.RateOverride{
		{Role: "engineer", Rate: money(t, "150.00", "USD")},
		{WorkType: "onsite", Rate: money(t, "200.00", "USD")},
		{Role: "onsite", Rate: money(t, "99.00", "USD")},
		{WorkType: "engineer", Rate: money(t, "88.00", "USD")},
	}}
	tests := []struct {
		name           string
		workType, role string
		want           string // "" when no override applies
	}{
		{"work type before role", "onsite", "engineer", "200.00"},
		{"role when the work type has none", "remote", "engineer", "150.00"},
		{"work type alone", "onsite", "", "200.00"},
		{"role alone", "", "engineer", "150.00"},
		{"a work type does not match a role of the same name", "", "onsite", "99.00"},
		{"a role does not match a work type of the same name", "engineer", "", "88.00"},
		{"neither overridden", "remote", "helpdesk", ""},
		{"nothing asked", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.RateFor(tt.workType, tt.role)
			require.Equal(t, tt.want != "", ok)
			if tt.want != "" {
				diff(t, money(t, tt.want, "USD"), got, "rate")
			}
		})
	}
	_, ok := client.Settings{}.RateFor("onsite", "engineer")
	require.False(t, ok, "no overrides")
}

// TestMayAccess checks seed 001's account team: with access limited to account teams, only the
// account manager and the team have access.
func TestMayAccess(t *testing.T) {
	manager, member, outsider := staffID(1), staffID(2), staffID(3)
	c := client.Client{AccountManager: manager, AccountTeam: []psa.StaffID{staffID(9), member}}
	noTeam := client.Client{}
	tests := []struct {
		name    string
		c       client.Client
		staff   psa.StaffID
		limited bool
		want    bool
	}{
		{"not limited: outsider", c, outsider, false, true},
		{"not limited: nil staff", c, psa.StaffID{}, false, true},
		{"limited: account manager", c, manager, true, true},
		{"limited: team member", c, member, true, true},
		{"limited: outsider", c, outsider, true, false},
		{"limited: nil staff", c, psa.StaffID{}, true, false},
		{"limited: nil staff on a client without manager", noTeam, psa.StaffID{}, true, false},
		{"limited: client without team", noTeam, manager, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.c.MayAccess(tt.staff, tt.limited))
		})
	}
}

func TestSetAccountTeam(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	team := []psa.StaffID{staffID(2), staffID(3)}
	got, err := e.svc.SetAccountTeam(t.Context(), c.ID, c.Version, staffID(1), team)
	require.NoError(t, err)
	want := c
	want.AccountManager, want.AccountTeam, want.Version = staffID(1), []psa.StaffID{staffID(2), staffID(3)}, 2
	diff(t, want, got, "returned client")
	diff(t, want, e.get(t, c.ID), "stored client")
	team[0] = staffID(8)
	diff(t, want, e.get(t, c.ID), "stored client after changing the caller's slice")
	require.True(t, e.get(t, c.ID).MayAccess(staffID(3), true))

	// Clearing both is allowed.
	got, err = e.svc.SetAccountTeam(t.Context(), c.ID, got.Version, psa.StaffID{}, nil)
	require.NoError(t, err)
	require.True(t, psa.IsNil(got.AccountManager))
	require.Empty(t, got.AccountTeam)
}

func TestSetAccountTeamRefused(t *testing.T) {
	nilID := psa.StaffID{}
	tests := []struct {
		name string
		team []psa.StaffID
		want []field
	}{
		{"duplicate member", []psa.StaffID{staffID(2), staffID(3), staffID(2)}, []field{{"accountTeam[2]", staffID(2).String()}}},
		{"nil member", []psa.StaffID{staffID(2), nilID}, []field{{"accountTeam[1]", nilID.String()}}},
		{"both", []psa.StaffID{nilID, staffID(4), staffID(4), nilID}, []field{
			{"accountTeam[0]", nilID.String()}, {"accountTeam[2]", staffID(4).String()}, {"accountTeam[3]", nilID.String()},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			_, err := e.svc.SetAccountTeam(t.Context(), c.ID, c.Version, staffID(1), tt.team)
			diff(t, tt.want, validationFields(t, err), "invalid fields")
			diff(t, c, e.get(t, c.ID), "stored client")
		})
	}
}
