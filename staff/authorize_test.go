package staff_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/staff"
)

func staffID(n byte) psa.StaffID         { return psa.StaffID{UUID: uuid.UUID{15: n}} }
func clientID(n byte) psa.ClientID       { return psa.ClientID{UUID: uuid.UUID{14: 1, 15: n}} }
func apiUserID(n byte) psa.APIUserID     { return psa.APIUserID{UUID: uuid.UUID{14: 2, 15: n}} }
func levelID(n byte) psa.SecurityLevelID { return psa.SecurityLevelID{UUID: uuid.UUID{14: 3, 15: n}} }

// The people of the matrix: the account manager and a team member of client acme, and a
// technician on no team of it (the manager of another client).
var (
	manager  = staffID(1)
	member   = staffID(2)
	outsider = staffID(3)
	acme     = client.Client{ID: clientID(1), AccountManager: manager, AccountTeam: []psa.StaffID{member}}
	globex   = client.Client{ID: clientID(2), AccountManager: outsider}
)

// level returns a custom level with the permissions of text.
func level(t *testing.T, name, text string, limited, apiOnly bool) staff.SecurityLevel {
	t.Helper()
	p, err := staff.ParsePermissions(text)
	require.NoError(t, err)
	return staff.SecurityLevel{ID: levelID(byte(len(name))), Name: name, Permissions: p, LimitToAccountTeams: limited, APIOnly: apiOnly}
}

// outcome is what Authorize must say: allowed (""), or refused for a reason.
type outcome = staff.Reason

const allowed outcome = ""

func TestAuthorizeMatrix(t *testing.T) {
	admin, tech, team := staff.AdministratorLevel(), staff.TechnicianLevel(), staff.AccountTeamLevel()
	billingClerk := level(t, "Billing Clerk", "clients:view,contracts:view,contracts:edit,contractCosts:view,billing:view,billing:add,invoices:view,invoices:add,invoices:edit", false, false)
	sync := level(t, "Billing Sync", "clients:view,contracts:view,contracts:edit,contractCosts:view,contractCosts:edit,services:view,services:add,services:edit,services:delete,api:login", false, true)
	limitedSync := level(t, "Limited Sync", "tickets:view,api:login", true, true)

	as := func(id psa.StaffID, l staff.SecurityLevel) staff.Principal {
		return staff.Principal{Staff: id, Level: l}
	}
	api := func(l staff.SecurityLevel) staff.Principal { return staff.Principal{APIUser: apiUserID(1), Level: l} }
	on := func(area staff.Area, c client.Client) staff.Resource { return staff.On(area, c) }
	general := func(area staff.Area) staff.Resource { return staff.Resource{Area: area} }
	withManager := func(r staff.Resource, l staff.SecurityLevel) staff.Resource { r.ManagerLevel = &l; return r }

	tests := []struct {
		name string
		p    staff.Principal
		act  staff.Action
		r    staff.Resource
		want outcome
	}{
		// Administrator: everything, everywhere.
		{"administrator deletes an invoice of a client they do not manage", as(outsider, admin), staff.ActionDelete, on(staff.AreaInvoices, acme), allowed},
		{"administrator edits contract costs", as(outsider, admin), staff.ActionEdit, on(staff.AreaContractCosts, acme), allowed},
		{"administrator logs in to the API", as(outsider, admin), staff.ActionLogin, general(staff.AreaAPI), allowed},

		// Technician: not limited to account teams, limited by the level.
		{"technician edits a ticket of any client", as(outsider, tech), staff.ActionEdit, on(staff.AreaTickets, acme), allowed},
		{"technician adds time", as(outsider, tech), staff.ActionAdd, on(staff.AreaTime, acme), allowed},
		{"technician may not delete a ticket", as(outsider, tech), staff.ActionDelete, on(staff.AreaTickets, acme), staff.ReasonMissing},
		{"technician may not view contract costs", as(manager, tech), staff.ActionView, on(staff.AreaContractCosts, acme), staff.ReasonMissing},
		{"technician may not view invoices", as(manager, tech), staff.ActionView, on(staff.AreaInvoices, acme), staff.ReasonMissing},
		{"technician may not log in to the API", as(manager, tech), staff.ActionLogin, general(staff.AreaAPI), staff.ReasonMissing},
		{"technician views the service catalogue", as(outsider, tech), staff.ActionView, general(staff.AreaServices), allowed},

		// Account Team Technician: the Technician's permissions, on their account teams' clients.
		{"account manager edits a ticket of their client", as(manager, team), staff.ActionEdit, on(staff.AreaTickets, acme), allowed},
		{"team member edits a ticket of their client", as(member, team), staff.ActionEdit, on(staff.AreaTickets, acme), allowed},
		{"outsider may not view a ticket of the client", as(outsider, team), staff.ActionView, on(staff.AreaTickets, acme), staff.ReasonNotOnTeam},
		{"outsider may not view the client record", as(outsider, team), staff.ActionView, on(staff.AreaClients, acme), staff.ReasonNotOnTeam},
		{"outsider works on the client they manage", as(outsider, team), staff.ActionEdit, on(staff.AreaTickets, globex), allowed},
		{"team member of acme is an outsider at globex", as(member, team), staff.ActionView, on(staff.AreaTickets, globex), staff.ReasonNotOnTeam},
		{"a missing permission is reported before the team", as(outsider, team), staff.ActionDelete, on(staff.AreaTickets, acme), staff.ReasonMissing},
		{"team member still lacks what the level lacks", as(member, team), staff.ActionView, on(staff.AreaInvoices, acme), staff.ReasonMissing},
		{"resources of no client are not limited", as(outsider, team), staff.ActionView, general(staff.AreaServices), allowed},
		{"a client without a team admits no limited technician", as(member, team), staff.ActionView, on(staff.AreaTickets, client.Client{ID: clientID(9)}), staff.ReasonNotOnTeam},

		// Team members hold the account manager's permissions too, when the host supplies them.
		{"team member views invoices with the manager's level", as(member, team), staff.ActionView, withManager(on(staff.AreaInvoices, acme), billingClerk), allowed},
		{"team member views contract costs with the manager's level", as(member, tech), staff.ActionView, withManager(on(staff.AreaContractCosts, acme), billingClerk), allowed},
		{"team member keeps their own permissions", as(member, team), staff.ActionEdit, withManager(on(staff.AreaTickets, acme), billingClerk), allowed},
		{"the manager's level grants only what it grants", as(member, team), staff.ActionDelete, withManager(on(staff.AreaInvoices, acme), billingClerk), staff.ReasonMissing},
		{"an outsider does not borrow the manager's level", as(outsider, tech), staff.ActionView, withManager(on(staff.AreaInvoices, acme), billingClerk), staff.ReasonMissing},
		{"the manager holds only their own level", as(manager, team), staff.ActionView, withManager(on(staff.AreaInvoices, acme), admin), staff.ReasonMissing},
		{"an API-only manager level is not borrowed", as(member, team), staff.ActionEdit, withManager(on(staff.AreaContractCosts, acme), sync), staff.ReasonMissing},
		{"nothing is borrowed outside the client", as(member, team), staff.ActionView, withManager(general(staff.AreaInvoices), billingClerk), staff.ReasonMissing},

		// API users: API-only levels, no account teams.
		{"API user logs in", api(sync), staff.ActionLogin, general(staff.AreaAPI), allowed},
		{"API user updates a contract", api(sync), staff.ActionEdit, on(staff.AreaContracts, acme), allowed},
		{"API user edits contract costs", api(sync), staff.ActionEdit, on(staff.AreaContractCosts, acme), allowed},
		{"API user may not add a contract", api(sync), staff.ActionAdd, on(staff.AreaContracts, acme), staff.ReasonMissing},
		{"API user may not view tickets", api(sync), staff.ActionView, on(staff.AreaTickets, acme), staff.ReasonMissing},
		{"the built-in API user level only logs in", api(staff.APIUserLevel()), staff.ActionView, on(staff.AreaClients, acme), staff.ReasonMissing},
		{"the built-in API user level logs in", api(staff.APIUserLevel()), staff.ActionLogin, general(staff.AreaAPI), allowed},
		{"an API user is on no account team", api(limitedSync), staff.ActionView, on(staff.AreaTickets, acme), staff.ReasonNotOnTeam},
		{"a limited API user logs in all the same", api(limitedSync), staff.ActionLogin, on(staff.AreaAPI, acme), allowed},
		{"an API user may not hold a staff level", api(admin), staff.ActionLogin, general(staff.AreaAPI), staff.ReasonLevelKind},
		{"staff may not act with an API-only level", as(manager, sync), staff.ActionView, on(staff.AreaClients, acme), staff.ReasonLevelKind},

		// Nobody.
		{"an unidentified principal may do nothing", staff.Principal{Level: admin}, staff.ActionView, general(staff.AreaServices), staff.ReasonUnidentified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := staff.Authorize(tt.p, tt.act, tt.r)
			if tt.want == allowed {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, psa.ErrForbidden)
			pe, ok := errors.AsType[*staff.PermissionError](err)
			require.True(t, ok, "want a *staff.PermissionError, got %T: %v", err, err)
			want := &staff.PermissionError{Principal: tt.p, Area: tt.r.Area, Action: tt.act, Reason: tt.want}
			if tt.r.Client != nil && tt.r.Area != staff.AreaAPI {
				want.ClientID = tt.r.Client.ID
			}
			if d := cmp.Diff(want, pe); d != "" {
				t.Errorf("error (-want +got):\n%s", d)
			}
		})
	}
}

// TestAuthorizeProperties checks the rules over every built-in level, principal, area, action and
// client: an unlimited level allows exactly what it grants; a limited one allows it on a client's
// resources only to the client's account manager and team.
func TestAuthorizeProperties(t *testing.T) {
	clients := []*client.Client{nil, &acme, &globex, {ID: clientID(7)}}
	for _, l := range staff.BuiltIn() {
		for _, who := range []staff.Principal{{Staff: manager}, {Staff: member}, {Staff: outsider}, {APIUser: apiUserID(3)}} {
			who.Level = l
			for _, area := range staff.Areas() {
				for _, act := range area.Actions() {
					for _, c := range clients {
						r := staff.Resource{Area: area, Client: c}
						err := staff.Authorize(who, act, r)
						onTeam := c == nil || area == staff.AreaAPI || (!who.IsAPIUser() && c.MayAccess(who.Staff, true))
						want := who.IsAPIUser() == l.APIOnly && l.Permissions.Has(area, act) && (!l.LimitToAccountTeams || onTeam)
						if want != (err == nil) {
							client := "no client"
							if c != nil {
								client = "client " + c.ID.String()
							}
							t.Errorf("%s with %q, %s:%s on %s: got %v, want allowed=%t", who, l.Name, area, act, client, err, want)
						}
						if err != nil && !errors.Is(err, psa.ErrForbidden) {
							t.Errorf("%s %s:%s: error %v does not wrap psa.ErrForbidden", who, area, act, err)
						}
					}
				}
			}
		}
	}
}

func TestAuthorizeInvalid(t *testing.T) {
	tech := staff.Principal{Staff: manager, Level: staff.TechnicianLevel()}
	tests := []struct {
		name string
		p    staff.Principal
		act  staff.Action
		r    staff.Resource
		msg  string
	}{
		{"action of another area", tech, staff.ActionLogin, staff.On(staff.AreaTickets, acme), `permission "tickets:login" is not an action of area tickets`},
		{"unknown area", tech, staff.ActionView, staff.Resource{Area: "payroll"}, `permission "payroll:view" names an unknown area`},
		{"unknown action", tech, "approve", staff.Resource{Area: staff.AreaTime}, `permission "time:approve" is not an action of area time`},
		{"two principals", staff.Principal{Staff: manager, APIUser: apiUserID(1), Level: staff.AdministratorLevel()}, staff.ActionView, staff.Resource{Area: staff.AreaClients}, "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := staff.Authorize(tt.p, tt.act, tt.r)
			require.ErrorIs(t, err, psa.ErrInvalid)
			require.NotErrorIs(t, err, psa.ErrForbidden)
			require.ErrorContains(t, err, tt.msg)
		})
	}
}

func TestPermissionErrorMessages(t *testing.T) {
	tech, team := staff.TechnicianLevel(), staff.AccountTeamLevel()
	tests := []struct {
		err  error
		want string
	}{
		{
			staff.Authorize(staff.Principal{Staff: outsider, Level: tech}, staff.ActionEdit, staff.Resource{Area: staff.AreaInvoices}),
			fmt.Sprintf(`psa: staff %s lacks invoices:edit (security level "Technician")`, outsider),
		},
		{
			staff.Authorize(staff.Principal{Staff: outsider, Level: tech}, staff.ActionDelete, staff.On(staff.AreaTickets, acme)),
			fmt.Sprintf(`psa: staff %s lacks tickets:delete on client %s (security level "Technician")`, outsider, acme.ID),
		},
		{
			staff.Authorize(staff.Principal{Staff: outsider, Level: team}, staff.ActionEdit, staff.On(staff.AreaTickets, acme)),
			fmt.Sprintf(`psa: staff %s is not on the account team of client %s (security level "Account Team Technician" is limited to account teams)`, outsider, acme.ID),
		},
		{
			staff.Authorize(staff.Principal{APIUser: apiUserID(1), Level: tech}, staff.ActionLogin, staff.Resource{Area: staff.AreaAPI}),
			fmt.Sprintf(`psa: API user %s holds security level "Technician", which is not API-only`, apiUserID(1)),
		},
		{
			staff.Authorize(staff.Principal{Staff: manager, Level: staff.APIUserLevel()}, staff.ActionLogin, staff.Resource{Area: staff.AreaAPI}),
			fmt.Sprintf(`psa: staff %s holds security level "API User (system) (API-only)", which is for API users only`, manager),
		},
		{
			staff.Authorize(staff.Principal{}, staff.ActionView, staff.Resource{Area: staff.AreaClients}),
			`psa: clients:view refused: the principal names neither a staff member nor an API user`,
		},
	}
	for _, tt := range tests {
		require.EqualError(t, tt.err, tt.want)
	}
}
