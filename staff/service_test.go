package staff_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/staff"
)

var t0 = time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)

type fixture struct {
	store *memstore.Store
	svc   *staff.Service
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{store: memstore.New(), now: t0}
	f.svc = staff.NewService(memstore.Runner[staff.Tx](f.store), &staff.Options{
		Options: psa.Options{Now: func() time.Time { return f.now }},
		Rand:    rand.NewChaCha8([32]byte{1, 2, 3}),
	})
	return f
}

// putClient stores c directly, as client.Service would have.
func (f *fixture) putClient(t *testing.T, c client.Client) {
	t.Helper()
	c.Name, c.Status, c.Version = "Client "+c.ID.String()[30:], client.StatusActive, 1
	require.NoError(t, memstore.Runner[client.Tx](f.store)(t.Context(), func(ctx context.Context, tx client.Tx) error {
		return tx.CreateClient(ctx, c)
	}))
}

func TestLevelLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()

	// Seed 003: copy the API User level, name it, and edit it down to what the integration needs.
	sync, err := f.svc.CopyLevel(ctx, staff.APIUserLevel().ID, "Billing Sync")
	require.NoError(t, err)
	want := staff.SecurityLevel{ID: sync.ID, Name: "Billing Sync", Description: staff.APIUserLevel().Description, Permissions: staff.APIUserLevel().Permissions,
		APIOnly: true, CopiedFrom: staff.APIUserLevel().ID, CreatedAt: t0, UpdatedAt: t0, Version: 1}
	if d := cmp.Diff(want, sync); d != "" {
		t.Fatalf("CopyLevel (-want +got):\n%s", d)
	}
	got, err := f.svc.Level(ctx, sync.ID)
	require.NoError(t, err)
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("Level after CopyLevel (-want +got):\n%s", d)
	}

	f.now = t0.Add(time.Hour)
	require.NoError(t, sync.Grant(staff.AreaClients, staff.ActionView))
	require.NoError(t, sync.Grant(staff.AreaContracts, staff.ActionView, staff.ActionEdit))
	require.NoError(t, sync.Grant(staff.AreaContractCosts))
	sync.Description = "Least privilege for Billing Sync"
	updated, err := f.svc.UpdateLevel(ctx, sync)
	require.NoError(t, err)
	require.Equal(t, int64(2), updated.Version)
	require.Equal(t, t0.Add(time.Hour), updated.UpdatedAt)
	require.Equal(t, t0, updated.CreatedAt)
	got, err = f.svc.Level(ctx, sync.ID)
	require.NoError(t, err)
	if d := cmp.Diff(updated, got); d != "" {
		t.Fatalf("Level after UpdateLevel (-want +got):\n%s", d)
	}

	// A stale version changes nothing.
	stale := sync // Version 1
	require.NoError(t, stale.Grant(staff.AreaInvoices))
	_, err = f.svc.UpdateLevel(ctx, stale)
	require.ErrorIs(t, err, psa.ErrConflict)
	_, ok := errors.AsType[*psa.VersionConflictError](err)
	require.True(t, ok)

	// Names are unique among custom and built-in levels.
	_, err = f.svc.CopyLevel(ctx, staff.TechnicianLevel().ID, "Billing Sync")
	require.ErrorIs(t, err, psa.ErrAlreadyExists)
	_, err = f.svc.CreateLevel(ctx, staff.TechnicianLevel().Copy("administrator"))
	require.ErrorIs(t, err, psa.ErrAlreadyExists)
	require.ErrorContains(t, err, `name "Administrator" (built in)`)
	renamed := updated
	renamed.Name = "technician"
	_, err = f.svc.UpdateLevel(ctx, renamed)
	require.ErrorIs(t, err, psa.ErrAlreadyExists)

	// Invalid levels.
	_, err = f.svc.CreateLevel(ctx, staff.SecurityLevel{Name: " ", System: true})
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.ErrorContains(t, err, "level.name")
	require.ErrorContains(t, err, "system")
	_, err = f.svc.CreateLevel(ctx, staff.SecurityLevel{Name: "Orphan", CopiedFrom: levelID(99)})
	require.ErrorIs(t, err, psa.ErrNotFound)

	// Built-in levels cannot be changed or deleted, and APIOnly cannot change.
	admin := staff.AdministratorLevel()
	admin.System = false
	_, err = f.svc.UpdateLevel(ctx, admin)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	require.ErrorIs(t, f.svc.DeleteLevel(ctx, staff.TechnicianLevel().ID, 0), psa.ErrPrecondition)
	flip := updated
	flip.APIOnly = false
	_, err = f.svc.UpdateLevel(ctx, flip)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	require.ErrorContains(t, err, "APIOnly cannot change")

	// A level held by an API user cannot be deleted until the user holds another.
	cred, err := f.svc.CreateAPIUser(ctx, staff.NewAPIUser{Username: "sync@msp.example", Name: "Billing Sync", LevelID: sync.ID})
	require.NoError(t, err)
	err = f.svc.DeleteLevel(ctx, sync.ID, 2)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	require.ErrorContains(t, err, "is held by API user "+cred.User.ID.String())
	u := cred.User
	u.LevelID = staff.APIUserLevel().ID
	_, err = f.svc.UpdateAPIUser(ctx, u)
	require.NoError(t, err)

	// A stale delete changes nothing; a current one deletes, and frees the name.
	require.ErrorIs(t, f.svc.DeleteLevel(ctx, sync.ID, 1), psa.ErrConflict)
	require.NoError(t, f.svc.DeleteLevel(ctx, sync.ID, 2))
	_, err = f.svc.Level(ctx, sync.ID)
	require.ErrorIs(t, err, psa.ErrNotFound)
	require.ErrorIs(t, f.svc.DeleteLevel(ctx, sync.ID, 2), psa.ErrNotFound)
	again, err := f.svc.CopyLevel(ctx, staff.APIUserLevel().ID, "Billing Sync")
	require.NoError(t, err)

	levels, err := f.svc.Levels(ctx)
	require.NoError(t, err)
	var names []string
	for _, l := range levels {
		names = append(names, l.Name)
	}
	require.Equal(t, []string{"Administrator", "Technician", "Account Team Technician", "API User (system) (API-only)", "Billing Sync"}, names)
	require.Equal(t, again.ID, levels[4].ID)
}

func TestMembers(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	clerk, err := f.svc.CreateLevel(ctx, level(t, "Billing Clerk", "clients:view,invoices:view,invoices:edit,contractCosts:view", false, false))
	require.NoError(t, err)

	m, err := f.svc.CreateMember(ctx, staff.Member{ID: manager, Name: "Maria Manager", LevelID: clerk.ID, Active: true})
	require.NoError(t, err)
	require.Equal(t, staff.Member{ID: manager, Name: "Maria Manager", LevelID: clerk.ID, Active: true, CreatedAt: t0, UpdatedAt: t0, Version: 1}, m)
	_, err = f.svc.CreateMember(ctx, staff.Member{ID: member, Name: "Tom Team", LevelID: staff.AccountTeamLevel().ID, Active: true})
	require.NoError(t, err)
	_, err = f.svc.CreateMember(ctx, staff.Member{ID: outsider, Name: "Olga Outside", LevelID: staff.AccountTeamLevel().ID, Active: true})
	require.NoError(t, err)

	// Staff members may not hold API-only levels, nor unknown ones.
	_, err = f.svc.CreateMember(ctx, staff.Member{Name: "Bot", LevelID: staff.APIUserLevel().ID, Active: true})
	require.ErrorIs(t, err, psa.ErrPrecondition)
	require.ErrorContains(t, err, "is API-only and cannot be assigned to a staff member")
	_, err = f.svc.CreateMember(ctx, staff.Member{Name: "Ghost", LevelID: levelID(42), Active: true})
	require.ErrorIs(t, err, psa.ErrNotFound)
	_, err = f.svc.CreateMember(ctx, staff.Member{})
	require.ErrorIs(t, err, psa.ErrInvalid)

	// A level held by a staff member cannot be deleted.
	err = f.svc.DeleteLevel(ctx, clerk.ID, 1)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	require.ErrorContains(t, err, "is held by staff member "+manager.String())

	members, err := f.svc.Members(ctx)
	require.NoError(t, err)
	require.Len(t, members, 3)
	f.putClient(t, acme)
	pm, err := f.svc.StaffPrincipal(ctx, member)
	require.NoError(t, err)
	require.Equal(t, staff.AccountTeamLevel(), pm.Level)
	po, err := f.svc.StaffPrincipal(ctx, outsider)
	require.NoError(t, err)

	// The team member holds the account manager's level on acme; the outsider is not on the team.
	require.NoError(t, f.svc.AuthorizeClient(ctx, pm, staff.ActionEdit, staff.AreaInvoices, acme.ID))
	require.NoError(t, f.svc.AuthorizeClient(ctx, pm, staff.ActionEdit, staff.AreaTickets, acme.ID))
	err = f.svc.AuthorizeClient(ctx, po, staff.ActionView, staff.AreaTickets, acme.ID)
	pe, ok := errors.AsType[*staff.PermissionError](err)
	require.True(t, ok, "got %v", err)
	require.Equal(t, staff.ReasonNotOnTeam, pe.Reason)
	_, err = f.svc.StaffPrincipal(ctx, staffID(77))
	require.ErrorIs(t, err, psa.ErrNotFound)
	err = f.svc.AuthorizeClient(ctx, pm, staff.ActionView, staff.AreaTickets, clientID(77))
	require.ErrorIs(t, err, psa.ErrNotFound)

	// An inactive manager lends nothing; an inactive member may do nothing.
	m.Active = false
	m, err = f.svc.UpdateMember(ctx, m)
	require.NoError(t, err)
	require.Equal(t, int64(2), m.Version)
	err = f.svc.AuthorizeClient(ctx, pm, staff.ActionEdit, staff.AreaInvoices, acme.ID)
	pe, ok = errors.AsType[*staff.PermissionError](err)
	require.True(t, ok, "got %v", err)
	require.Equal(t, staff.ReasonMissing, pe.Reason)
	_, err = f.svc.StaffPrincipal(ctx, manager)
	pe, ok = errors.AsType[*staff.PermissionError](err)
	require.True(t, ok, "got %v", err)
	require.Equal(t, staff.ReasonInactive, pe.Reason)
	require.EqualError(t, err, "psa: staff "+manager.String()+" is inactive")

	// m is at version 2: the first update stores version 3, so the second is stale.
	_, err = f.svc.UpdateMember(ctx, m)
	require.NoError(t, err)
	_, err = f.svc.UpdateMember(ctx, m)
	require.ErrorIs(t, err, psa.ErrConflict)
}

func TestAPIUserSecretLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	sync, err := f.svc.CreateLevel(ctx, level(t, "Billing Sync", "clients:view,contracts:view,contracts:edit,api:login", false, true))
	require.NoError(t, err)

	cred, err := f.svc.CreateAPIUser(ctx, staff.NewAPIUser{
		Username: "  Sync@MSP.example ", Name: "Billing Sync", Email: "ops@msp.example", IntegrationVendor: "Rhipe - Cloud Services", LevelID: sync.ID,
	})
	require.NoError(t, err)
	require.Len(t, cred.Secret, 43, "256 bits, base64 without padding")
	u := cred.User
	want := staff.APIUser{ID: u.ID, Username: "sync@msp.example", Name: "Billing Sync", Email: "ops@msp.example", IntegrationVendor: "Rhipe - Cloud Services",
		LevelID: sync.ID, Active: true, SecretHash: staff.HashSecret(cred.Secret), SecretSetAt: t0, CreatedAt: t0, UpdatedAt: t0, Version: 1}
	if d := cmp.Diff(want, u); d != "" {
		t.Fatalf("CreateAPIUser (-want +got):\n%s", d)
	}

	// The secret is stored only as its hash.
	stored, err := f.svc.APIUser(ctx, u.ID)
	require.NoError(t, err)
	if d := cmp.Diff(want, stored); d != "" {
		t.Fatalf("stored API user (-want +got):\n%s", d)
	}
	b, err := json.Marshal(stored)
	require.NoError(t, err)
	require.NotContains(t, string(b), cred.Secret)
	require.True(t, stored.VerifySecret(cred.Secret))

	// The right secret logs in, whatever the username's case.
	p, err := f.svc.Authenticate(ctx, "SYNC@msp.example", cred.Secret)
	require.NoError(t, err)
	if d := cmp.Diff(staff.Principal{APIUser: u.ID, Level: sync}, p); d != "" {
		t.Errorf("principal (-want +got):\n%s", d)
	}
	require.NoError(t, staff.Authorize(p, staff.ActionEdit, staff.On(staff.AreaContracts, acme)))

	// A wrong secret and an unknown username fail alike.
	wrong := func(username, secret string) {
		t.Helper()
		_, err := f.svc.Authenticate(ctx, username, secret)
		require.ErrorIs(t, err, psa.ErrForbidden)
		le, ok := errors.AsType[*staff.LoginError](err)
		require.True(t, ok, "want a *staff.LoginError, got %T: %v", err, err)
		require.Equal(t, username, le.Username)
		if secret != "" {
			require.NotContains(t, err.Error(), secret)
		}
	}
	wrong("sync@msp.example", cred.Secret[:42]+"x")
	wrong("sync@msp.example", "")
	wrong("nobody@msp.example", cred.Secret)
	wrong("", cred.Secret)

	// Rotation: the new secret works, the old one stops working; a stale version changes nothing.
	f.now = t0.Add(24 * time.Hour)
	rotated, err := f.svc.RotateSecret(ctx, u.ID, 1)
	require.NoError(t, err)
	require.NotEqual(t, cred.Secret, rotated.Secret)
	require.Equal(t, int64(2), rotated.User.Version)
	require.Equal(t, f.now, rotated.User.SecretSetAt)
	require.Equal(t, staff.HashSecret(rotated.Secret), rotated.User.SecretHash)
	wrong("sync@msp.example", cred.Secret)
	_, err = f.svc.Authenticate(ctx, "sync@msp.example", rotated.Secret)
	require.NoError(t, err)
	_, err = f.svc.RotateSecret(ctx, u.ID, 1)
	require.ErrorIs(t, err, psa.ErrConflict)
	_, err = f.svc.Authenticate(ctx, "sync@msp.example", rotated.Secret)
	require.NoError(t, err, "a refused rotation keeps the secret")
	_, err = f.svc.RotateSecret(ctx, apiUserID(9), 1)
	require.ErrorIs(t, err, psa.ErrNotFound)

	// Locked and inactive users are refused once the secret is right; updates keep the secret.
	refused := func(reason staff.Reason) {
		t.Helper()
		_, err := f.svc.Authenticate(ctx, "sync@msp.example", rotated.Secret)
		pe, ok := errors.AsType[*staff.PermissionError](err)
		require.True(t, ok, "want a *staff.PermissionError, got %T: %v", err, err)
		require.Equal(t, reason, pe.Reason)
		require.ErrorIs(t, err, psa.ErrForbidden)
	}
	cur := rotated.User
	cur.Locked = true
	cur.SecretHash = staff.HashSecret("attempt to set a secret through an update")
	cur, err = f.svc.UpdateAPIUser(ctx, cur)
	require.NoError(t, err)
	require.Equal(t, rotated.User.SecretHash, cur.SecretHash)
	refused(staff.ReasonLocked)
	wrong("sync@msp.example", cred.Secret) // a wrong secret says nothing about the lock
	cur.Locked, cur.Active = false, false
	cur, err = f.svc.UpdateAPIUser(ctx, cur)
	require.NoError(t, err)
	refused(staff.ReasonInactive)

	// A level without api:login may not log in.
	cur.Active = true
	cur, err = f.svc.UpdateAPIUser(ctx, cur)
	require.NoError(t, err)
	noLogin := sync
	require.NoError(t, noLogin.Revoke(staff.AreaAPI))
	_, err = f.svc.UpdateLevel(ctx, noLogin)
	require.NoError(t, err)
	refused(staff.ReasonMissing)
	_, err = f.svc.Authenticate(ctx, "sync@msp.example", rotated.Secret)
	require.ErrorContains(t, err, "lacks api:login")

	// API users hold API-only levels, with unique usernames.
	cur.LevelID = staff.TechnicianLevel().ID
	_, err = f.svc.UpdateAPIUser(ctx, cur)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	require.ErrorContains(t, err, "is not API-only")
	_, err = f.svc.CreateAPIUser(ctx, staff.NewAPIUser{Username: "SYNC@msp.example", Name: "Again", LevelID: sync.ID})
	require.ErrorIs(t, err, psa.ErrAlreadyExists)
	_, err = f.svc.CreateAPIUser(ctx, staff.NewAPIUser{Username: "two words", Email: "not an address", LevelID: psa.SecurityLevelID{}})
	require.ErrorIs(t, err, psa.ErrInvalid)
	for _, field := range []string{"username", "name is required", "email", "levelId"} {
		require.ErrorContains(t, err, field)
	}
}

func TestAPIUserGeneratedUsername(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a, err := f.svc.CreateAPIUser(ctx, staff.NewAPIUser{Name: "RMM", LevelID: staff.APIUserLevel().ID})
	require.NoError(t, err)
	b, err := f.svc.CreateAPIUser(ctx, staff.NewAPIUser{Name: "RMM 2", LevelID: staff.APIUserLevel().ID})
	require.NoError(t, err)
	for _, c := range []staff.Credentials{a, b} {
		require.Regexp(t, `^api-[a-z2-7]{16}$`, c.User.Username)
		p, err := f.svc.Authenticate(ctx, c.User.Username, c.Secret)
		require.NoError(t, err)
		require.Equal(t, c.User.ID, p.APIUser)
	}
	require.NotEqual(t, a.User.Username, b.User.Username)
	all, err := f.svc.APIUsers(ctx)
	require.NoError(t, err)
	if d := cmp.Diff([]staff.APIUser{a.User, b.User}, all); d != "" {
		t.Errorf("APIUsers (-want +got):\n%s", d)
	}
	require.NotEqual(t, a.Secret, b.Secret)
}

func TestAPIUserRandomnessFailure(t *testing.T) {
	store := memstore.New()
	broken := errors.New("entropy source failed")
	svc := staff.NewService(memstore.Runner[staff.Tx](store), &staff.Options{Rand: iotest.ErrReader(broken)})
	_, err := svc.CreateAPIUser(t.Context(), staff.NewAPIUser{Username: "x", Name: "X", LevelID: staff.APIUserLevel().ID})
	require.ErrorIs(t, err, broken)
	_, err = svc.CreateAPIUser(t.Context(), staff.NewAPIUser{Name: "X", LevelID: staff.APIUserLevel().ID})
	require.ErrorIs(t, err, broken)
	var n int
	require.NoError(t, memstore.Runner[staff.Tx](store)(t.Context(), func(ctx context.Context, tx staff.Tx) error {
		all, err := psa.All(ctx, tx.ListAllAPIUsers)
		n = len(all)
		return err
	}))
	require.Zero(t, n, "nothing is stored when no secret can be made")
}

func TestSecrets(t *testing.T) {
	s1, h1, err := staff.NewSecret(nil)
	require.NoError(t, err)
	s2, h2, err := staff.NewSecret(nil)
	require.NoError(t, err)
	require.NotEqual(t, s1, s2)
	require.NotEqual(t, h1, h2)
	require.Len(t, h1, 64)
	require.Equal(t, strings.ToLower(h1), h1)
	require.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", staff.HashSecret("abc"), "SHA-256 test vector")

	u := staff.APIUser{SecretHash: h1}
	require.True(t, u.VerifySecret(s1))
	require.False(t, u.VerifySecret(s2))
	require.False(t, u.VerifySecret(""))
	require.False(t, u.VerifySecret(h1), "the hash is not the secret")
	require.False(t, staff.APIUser{}.VerifySecret(""), "a user without a secret matches nothing")
}
