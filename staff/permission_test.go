package staff_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/staff"
)

func TestAreaActions(t *testing.T) {
	crud := []staff.Action{staff.ActionView, staff.ActionAdd, staff.ActionEdit, staff.ActionDelete}
	tests := []struct {
		area staff.Area
		want []staff.Action
	}{
		{staff.AreaClients, crud},
		{staff.AreaContacts, crud},
		{staff.AreaContracts, crud},
		{staff.AreaContractCosts, []staff.Action{staff.ActionView, staff.ActionEdit}},
		{staff.AreaServices, crud},
		{staff.AreaTickets, crud},
		{staff.AreaTime, crud},
		{staff.AreaBilling, crud},
		{staff.AreaInvoices, crud},
		{staff.AreaAPI, []staff.Action{staff.ActionLogin}},
		{staff.Area("payroll"), nil},
	}
	require.Len(t, staff.Areas(), len(tests)-1, "every area has a case")
	for _, tt := range tests {
		t.Run(string(tt.area), func(t *testing.T) {
			if d := cmp.Diff(tt.want, tt.area.Actions()); d != "" {
				t.Errorf("Actions() (-want +got):\n%s", d)
			}
			for _, a := range []staff.Action{staff.ActionView, staff.ActionAdd, staff.ActionEdit, staff.ActionDelete, staff.ActionLogin, "approve"} {
				want := false
				for _, w := range tt.want {
					want = want || w == a
				}
				require.Equal(t, want, tt.area.Supports(a), "Supports(%s)", a)
			}
		})
	}
}

func TestParsePermissions(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []staff.Permission
		text    string
		invalid []string // offending items, when the input is invalid
	}{
		{name: "empty", in: "", text: ""},
		{name: "blank", in: "  ", text: ""},
		{name: "one", in: "tickets:edit", want: []staff.Permission{{Area: staff.AreaTickets, Action: staff.ActionEdit}}, text: "tickets:edit"},
		{
			name: "canonical order and repeats", in: " api:login, tickets:edit,clients:view , tickets:view,tickets:edit",
			want: []staff.Permission{{Area: staff.AreaClients, Action: staff.ActionView}, {Area: staff.AreaTickets, Action: staff.ActionView}, {Area: staff.AreaTickets, Action: staff.ActionEdit}, {Area: staff.AreaAPI, Action: staff.ActionLogin}},
			text: "clients:view,tickets:view,tickets:edit,api:login",
		},
		{
			name: "contract costs", in: "contractCosts:edit,contractCosts:view",
			want: []staff.Permission{{Area: staff.AreaContractCosts, Action: staff.ActionView}, {Area: staff.AreaContractCosts, Action: staff.ActionEdit}},
			text: "contractCosts:view,contractCosts:edit",
		},
		{name: "unknown area", in: "payroll:view", invalid: []string{"payroll:view"}},
		{name: "action of another area", in: "tickets:login,api:view,contractCosts:delete", invalid: []string{"tickets:login", "api:view", "contractCosts:delete"}},
		{name: "no colon", in: "tickets", invalid: []string{"tickets"}},
		{name: "empty item", in: "tickets:view,,clients:view", invalid: []string{""}},
		{name: "case matters", in: "Tickets:View", invalid: []string{"Tickets:View"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := staff.ParsePermissions(tt.in)
			if tt.invalid != nil {
				require.ErrorIs(t, err, psa.ErrInvalid)
				ve, ok := errors.AsType[*psa.ValidationError](err)
				require.True(t, ok, "want a *psa.ValidationError, got %T", err)
				var values []string
				for _, f := range ve.Fields {
					values = append(values, f.Value)
				}
				if d := cmp.Diff(tt.invalid, values); d != "" {
					t.Errorf("offending items (-want +got):\n%s", d)
				}
				require.True(t, got.IsZero())
				return
			}
			require.NoError(t, err)
			if d := cmp.Diff(tt.want, got.Grants()); d != "" {
				t.Errorf("Grants (-want +got):\n%s", d)
			}
			require.Equal(t, tt.text, got.String())
			again, err := staff.ParsePermissions(got.String())
			require.NoError(t, err)
			require.True(t, again.Equal(got), "String does not parse back: %q", got.String())
		})
	}
}

func TestPermissionsJSON(t *testing.T) {
	l := staff.TechnicianLevel()
	b, err := json.Marshal(l)
	require.NoError(t, err)
	var back staff.SecurityLevel
	require.NoError(t, json.Unmarshal(b, &back))
	if d := cmp.Diff(l, back); d != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", d)
	}
	require.Error(t, json.Unmarshal([]byte(`{"permissions":"tickets:fly"}`), &back))
}

func TestPermissionsSetAlgebra(t *testing.T) {
	a, err := staff.NewPermissions(staff.Permission{Area: staff.AreaTickets, Action: staff.ActionView}, staff.Permission{Area: staff.AreaTime, Action: staff.ActionAdd})
	require.NoError(t, err)
	b, err := staff.NewPermissions(staff.Permission{Area: staff.AreaTime, Action: staff.ActionAdd}, staff.Permission{Area: staff.AreaInvoices, Action: staff.ActionDelete})
	require.NoError(t, err)
	require.Equal(t, "tickets:view,time:add,invoices:delete", a.Union(b).String())
	require.Equal(t, "tickets:view", a.Without(b).String())
	require.Equal(t, []staff.Action{staff.ActionAdd}, a.Area(staff.AreaTime))
	require.False(t, a.Has(staff.AreaTickets, staff.ActionEdit))
	require.False(t, a.Has("payroll", staff.ActionView))

	_, err = staff.NewPermissions(staff.Permission{Area: staff.AreaTickets, Action: staff.ActionLogin})
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.ErrorContains(t, err, `permissions[0] "tickets:login" is not an action of area tickets (it has view, add, edit, delete)`)
}

func FuzzParsePermissions(f *testing.F) {
	for _, s := range []string{"", "tickets:edit", "api:login,clients:view", "x:y", ",", "contractCosts:view , time:delete"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := staff.ParsePermissions(s)
		if err != nil {
			if !errors.Is(err, psa.ErrInvalid) {
				t.Fatalf("ParsePermissions(%q): error %v does not wrap psa.ErrInvalid", s, err)
			}
			return
		}
		for _, g := range p.Grants() {
			if !g.Valid() {
				t.Fatalf("ParsePermissions(%q) grants the invalid %s", s, g)
			}
		}
		again, err := staff.ParsePermissions(p.String())
		if err != nil || !again.Equal(p) {
			t.Fatalf("ParsePermissions(%q).String() = %q does not parse back: %v", s, p.String(), err)
		}
	})
}
