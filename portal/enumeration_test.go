package portal_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/portal"
)

// TestLockoutRevealsNoUsername: once a real account is locked, its logins (with the right
// password or a wrong one) give the error an unknown username gives, and verify one hash like
// it, so that locking an account by guessing does not tell a real username from an unknown one.
func TestLockoutRevealsNoUsername(t *testing.T) {
	w := newWorld(t)
	counting := &slowCountingHasher{Hasher: w.hasher}
	svc := w.service(portal.Options{Hasher: counting})
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	_, err := w.portal.PutSettings(w.ctx, portal.Settings{MaxFailedLogins: 3})
	require.NoError(t, err)
	hash := w.storedHash(ann.AccountID)

	shape := func(err error, username string) string {
		t.Helper()
		_, ok := errors.AsType[*portal.LoginError](err)
		require.True(t, ok, "want a *portal.LoginError, got %T %v", err, err)
		return strings.Replace(err.Error(), username, "X", 1)
	}
	verifies := func() int {
		counting.mu.Lock()
		defer counting.mu.Unlock()
		n := 0
		for _, c := range counting.verified {
			n += c
		}
		return n
	}
	for range 3 {
		_, err := svc.Login(w.ctx, "ann@acme.example", "not the password at all")
		require.Error(t, err)
	}
	for range 3 {
		_, err := svc.Login(w.ctx, "nobody@acme.example", "not the password at all")
		require.Error(t, err)
	}
	before := verifies()
	_, unknown := svc.Login(w.ctx, "nobody@acme.example", password)
	require.Equal(t, before+1, verifies())
	_, lockedRight := svc.Login(w.ctx, "ann@acme.example", password)
	require.Equal(t, before+2, verifies(), "a locked account verifies a hash like an unknown username")
	_, lockedWrong := svc.Login(w.ctx, "ann@acme.example", "not the password at all")
	require.Equal(t, before+3, verifies())
	require.Equal(t, 3, counting.count(hash), "the locked account's own hash is not checked")

	want := shape(unknown, "nobody@acme.example")
	require.Equal(t, want, shape(lockedRight, "ann@acme.example"), "locked, right password")
	require.Equal(t, want, shape(lockedWrong, "ann@acme.example"), "locked, wrong password")
}

// failingNotifier fails every delivery.
type failingNotifier struct {
	mu    sync.Mutex
	tried []portal.Notification
}

func (f *failingNotifier) Notify(_ context.Context, n portal.Notification) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tried = append(f.tried, n)
	return errors.New("smtp: 451 try again later")
}

// TestResetRequestRevealsNothing: RequestPasswordReset answers alike for a real username and an
// unknown one, even when the reset link cannot be delivered.
func TestResetRequestRevealsNothing(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	broken := &failingNotifier{}
	svc := w.service(portal.Options{Hasher: w.hasher, Notifier: broken})

	real := svc.RequestPasswordReset(w.ctx, "ann@acme.example")
	unknown := svc.RequestPasswordReset(w.ctx, "nobody@acme.example")
	require.Equal(t, unknown, real, "the answers differ")
	require.NoError(t, real)
	require.Len(t, broken.tried, 1, "the link was to be delivered to the real user only")
}

// TestDeliveryFailedHook: a reset link or lockout notice the Notifier fails to deliver goes to
// Options.DeliveryFailed, since the call cannot return it.
func TestDeliveryFailedHook(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	_, err := w.portal.PutSettings(w.ctx, portal.Settings{MaxFailedLogins: 2})
	require.NoError(t, err)
	var failed []portal.NotificationKind
	svc := w.service(portal.Options{Hasher: w.hasher, Notifier: &failingNotifier{},
		DeliveryFailed: func(_ context.Context, n portal.Notification, err error) {
			require.ErrorContains(t, err, "smtp: 451")
			failed = append(failed, n.Kind)
		}})

	require.NoError(t, svc.RequestPasswordReset(w.ctx, "ann@acme.example"))
	require.NoError(t, svc.RequestPasswordReset(w.ctx, "nobody@acme.example"))
	for range 2 {
		_, err := svc.Login(w.ctx, "ann@acme.example", "not the password at all")
		_, ok := errors.AsType[*portal.LoginError](err)
		require.True(t, ok, "a failed lockout notice changes the answer: %v", err)
	}
	diff(t, []portal.NotificationKind{portal.NotifyReset, portal.NotifyLocked}, failed, "failed deliveries")
}

// TestLoginConflictRevealsNoUsername: when the store reports a lost race while a login attempt is
// counted (PostgreSQL does after its retries run out), the login fails like a wrong password,
// without checking the account's hash: a conflict, which only a real account can cause, must
// not tell it from an unknown username.
func TestLoginConflictRevealsNoUsername(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	hash := w.storedHash(ann.AccountID)
	faulty := memstore.NewFaulty(w.store)
	faulty.Inject(func(_ int, op string) error {
		if op == "UpdateAccount" {
			return &psa.VersionConflictError{Kind: "portal user", ID: ann.AccountID.String(), Given: 1, Stored: 2}
		}
		return nil
	})
	counting := &slowCountingHasher{Hasher: w.hasher}
	svc, err := portal.NewService(memstore.FaultyRunner[portal.Tx](faulty), &portal.Options{Options: psa.Options{Now: w.clock.Now}, Hasher: counting})
	require.NoError(t, err)

	_, unknown := svc.Login(w.ctx, "nobody@acme.example", password)
	for _, pw := range []string{password, "not the password at all"} {
		_, err := svc.Login(w.ctx, "ann@acme.example", pw)
		_, ok := errors.AsType[*portal.LoginError](err)
		require.True(t, ok, "want a *portal.LoginError, got %T %v", err, err)
		require.Equal(t, strings.Replace(unknown.Error(), "nobody@", "ann@", 1), err.Error())
	}
	require.Zero(t, counting.count(hash), "an uncounted attempt checked the password")
}
