package staff_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/staff"
)

func TestBuiltInLevels(t *testing.T) {
	levels := staff.BuiltIn()
	ids := map[psa.SecurityLevelID]bool{}
	for _, l := range levels {
		require.True(t, l.System, "%s is a system level", l.Name)
		require.NoError(t, l.Validate())
		require.False(t, ids[l.ID], "%s has the ID of another built-in level", l.Name)
		ids[l.ID] = true
		got, ok := staff.BuiltInLevel(l.ID)
		require.True(t, ok)
		if d := cmp.Diff(l, got); d != "" {
			t.Errorf("BuiltInLevel(%s) (-want +got):\n%s", l.Name, d)
		}
	}
	_, ok := staff.BuiltInLevel(psa.SecurityLevelID{})
	require.False(t, ok)

	tests := []struct {
		level       staff.SecurityLevel
		permissions string
		limited     bool
		apiOnly     bool
	}{
		{
			staff.AdministratorLevel(),
			"clients:view,clients:add,clients:edit,clients:delete,contacts:view,contacts:add,contacts:edit,contacts:delete," +
				"contracts:view,contracts:add,contracts:edit,contracts:delete,contractCosts:view,contractCosts:edit," +
				"services:view,services:add,services:edit,services:delete,tickets:view,tickets:add,tickets:edit,tickets:delete," +
				"time:view,time:add,time:edit,time:delete,billing:view,billing:add,billing:edit,billing:delete," +
				"invoices:view,invoices:add,invoices:edit,invoices:delete,api:login",
			false, false,
		},
		{
			staff.TechnicianLevel(),
			"clients:view,contacts:view,contacts:add,contacts:edit,contracts:view,services:view,tickets:view,tickets:add,tickets:edit,time:view,time:add,time:edit",
			false, false,
		},
		{
			staff.AccountTeamLevel(),
			"clients:view,contacts:view,contacts:add,contacts:edit,contracts:view,services:view,tickets:view,tickets:add,tickets:edit,time:view,time:add,time:edit",
			true, false,
		},
		{staff.APIUserLevel(), "api:login", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.level.Name, func(t *testing.T) {
			require.Equal(t, tt.permissions, tt.level.Permissions.String())
			require.Equal(t, tt.limited, tt.level.LimitToAccountTeams)
			require.Equal(t, tt.apiOnly, tt.level.APIOnly)
		})
	}
}

func TestCopyAndEdit(t *testing.T) {
	// Seed 003: copy the API User level, clear every area, grant what the integration needs.
	src := staff.APIUserLevel()
	l := src.Copy("Billing Sync")
	want := staff.SecurityLevel{Name: "Billing Sync", Description: src.Description, Permissions: src.Permissions, APIOnly: true, CopiedFrom: src.ID}
	if d := cmp.Diff(want, l); d != "" {
		t.Fatalf("Copy (-want +got):\n%s", d)
	}

	require.NoError(t, l.RevokeAll())
	require.True(t, l.Permissions.IsZero())
	require.NoError(t, l.Grant(staff.AreaClients, staff.ActionView))
	require.NoError(t, l.Grant(staff.AreaContracts, staff.ActionView, staff.ActionEdit))
	require.NoError(t, l.Grant(staff.AreaContractCosts, staff.ActionEdit, staff.ActionView))
	require.NoError(t, l.Grant(staff.AreaServices))
	require.NoError(t, l.Grant(staff.AreaAPI, staff.ActionLogin))
	require.Equal(t, "clients:view,contracts:view,contracts:edit,contractCosts:view,contractCosts:edit,services:view,services:add,services:edit,services:delete,api:login", l.Permissions.String())

	require.NoError(t, l.Revoke(staff.AreaServices, staff.ActionDelete))
	require.NoError(t, l.Revoke(staff.AreaContracts))
	require.Equal(t, "clients:view,contractCosts:view,contractCosts:edit,services:view,services:add,services:edit,api:login", l.Permissions.String())

	// The source is untouched: levels are values.
	require.Equal(t, "api:login", src.Permissions.String())

	before := l
	err := l.Grant(staff.AreaTickets, staff.ActionView, staff.ActionLogin)
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.ErrorContains(t, err, `"tickets:login" is not an action of area tickets`)
	err = l.Grant("payroll", staff.ActionView)
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.ErrorIs(t, l.Revoke(staff.AreaAPI, staff.ActionView), psa.ErrInvalid)
	if d := cmp.Diff(before, l); d != "" {
		t.Errorf("a refused edit changed the level (-before +after):\n%s", d)
	}
}

func TestSystemLevelsCannotBeEdited(t *testing.T) {
	for _, l := range staff.BuiltIn() {
		before := l
		for what, edit := range map[string]func() error{
			"Grant":     func() error { return l.Grant(staff.AreaInvoices, staff.ActionDelete) },
			"Revoke":    func() error { return l.Revoke(staff.AreaAPI) },
			"RevokeAll": l.RevokeAll,
		} {
			err := edit()
			require.ErrorIs(t, err, psa.ErrPrecondition, "%s on %s", what, l.Name)
			pe, ok := errors.AsType[*psa.PreconditionError](err)
			require.True(t, ok)
			require.Contains(t, pe.Error(), l.Name)
			require.Contains(t, pe.Error(), "copy it instead")
		}
		if d := cmp.Diff(before, l); d != "" {
			t.Errorf("a refused edit changed %s (-before +after):\n%s", l.Name, d)
		}
		c := l.Copy("Copy of " + l.Name)
		require.False(t, c.System)
		require.NoError(t, c.Grant(staff.AreaInvoices, staff.ActionView))
	}
}

func TestLevelValidate(t *testing.T) {
	tests := []struct {
		name   string
		level  string
		fields []string
	}{
		{"ok", "Billing Sync", nil},
		{"empty", "", []string{"name"}},
		{"spaces", "  ", []string{"name", "name"}},
		{"padded", " Billing", []string{"name"}},
		{"too long", strings.Repeat("é", staff.MaxNameLength+1), []string{"name"}},
		{"longest", strings.Repeat("é", staff.MaxNameLength), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := staff.SecurityLevel{Name: tt.level}.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok, "want a *psa.ValidationError, got %v", err)
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			require.Equal(t, tt.fields, got)
		})
	}
}
