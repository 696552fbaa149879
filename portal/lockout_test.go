package portal_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
)

// slowCountingHasher counts the verifications against each encoding, safely from many
// goroutines, and makes each take a little while, so that parallel logins overlap.
type slowCountingHasher struct {
	portal.Hasher
	delay time.Duration

	mu       sync.Mutex
	verified map[string]int
}

func (h *slowCountingHasher) Verify(password, encoded string) (bool, error) {
	h.mu.Lock()
	if h.verified == nil {
		h.verified = map[string]int{}
	}
	h.verified[encoded]++
	h.mu.Unlock()
	time.Sleep(h.delay)
	return h.Hasher.Verify(password, encoded)
}

func (h *slowCountingHasher) count(encoded string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.verified[encoded]
}

// storedHash returns the stored password encoding of contact's account.
func (w *world) storedHash(id psa.PortalUserID) string {
	w.t.Helper()
	var enc string
	w.inTx(func(ctx context.Context, tx portal.Tx) error {
		a, err := tx.GetAccount(ctx, id)
		enc = a.PasswordHash
		return err
	})
	return enc
}

// TestParallelGuessesStopAtTheLimit: 40 wrong passwords sent at once check the account's hash
// at most MaxFailedLogins times: each attempt is counted before its hash is checked, in the
// transaction that reads the lockout, so the lockout takes effect however the logins overlap.
func TestParallelGuessesStopAtTheLimit(t *testing.T) {
	for _, limit := range []int{1, 5} {
		w := newWorld(t)
		counting := &slowCountingHasher{Hasher: w.hasher, delay: 5 * time.Millisecond}
		svc := w.service(portal.Options{Hasher: counting})
		acme := w.newClient("Acme", psa.ClientID{})
		ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
		_, err := w.portal.PutSettings(w.ctx, portal.Settings{MaxFailedLogins: limit})
		require.NoError(t, err)
		hash := w.storedHash(ann.AccountID)

		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 40)
		for i := range errs {
			wg.Go(func() {
				<-start
				_, errs[i] = svc.Login(w.ctx, "ann@acme.example", "not the password at all")
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			require.Error(t, err, "login %d", i)
			require.ErrorIs(t, err, psa.ErrForbidden, "login %d", i)
			require.False(t, errors.Is(err, psa.ErrConflict), "login %d: %v", i, err)
		}
		require.LessOrEqual(t, counting.count(hash), limit, "checks of the real hash with a limit of %d", limit)
		require.Positive(t, counting.count(hash))

		// The account is locked: even the right password is refused until the lockout ends.
		_, err = svc.Login(w.ctx, "ann@acme.example", password)
		require.ErrorIs(t, err, psa.ErrForbidden)
		require.LessOrEqual(t, counting.count(hash), limit, "a locked account's hash is checked")
		w.clock.advance(portal.DefaultLockout)
		_, err = svc.Login(w.ctx, "ann@acme.example", password)
		require.NoError(t, err, "the lockout is over")
	}
}

// hookHasher runs during each verification, outside any transaction, what the test wants to
// happen meanwhile.
type hookHasher struct {
	portal.Hasher
	during func()
}

func (h *hookHasher) Verify(password, encoded string) (bool, error) {
	if h.during != nil {
		h.during()
	}
	return h.Hasher.Verify(password, encoded)
}

// TestChangePasswordSurvivesOtherEdits: a change of the account that is not a change of its
// password (the user's notes, saved in another tab while the old password is checked) does not
// make ChangePassword fail; a change of the password meanwhile does.
func TestChangePasswordSurvivesOtherEdits(t *testing.T) {
	w := newWorld(t)
	hook := &hookHasher{Hasher: w.hasher}
	svc := w.service(portal.Options{Hasher: hook})
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	const next = "another good passphrase"

	hook.during = func() {
		hook.during = nil
		prof, err := w.portal.Profile(w.ctx, ann.AccountID)
		require.NoError(t, err)
		_, err = w.portal.SetNotes(w.ctx, ann.AccountID, prof.AccountVersion, "call the vendor")
		require.NoError(t, err)
	}
	require.NoError(t, svc.ChangePassword(w.ctx, ann.AccountID, password, next, next))
	_, err := w.portal.Login(w.ctx, "ann@acme.example", next)
	require.NoError(t, err)
	dash, err := w.portal.Dashboard(w.ctx, ann.AccountID)
	require.NoError(t, err)
	require.Equal(t, "call the vendor", dash.Notes, "the concurrent edit is kept")

	// A password changed meanwhile (by a reset link, say) wins: the change is refused.
	const third = "a third good passphrase"
	hook.during = func() {
		hook.during = nil
		require.NoError(t, w.portal.ChangePassword(w.ctx, ann.AccountID, next, third, third))
	}
	err = svc.ChangePassword(w.ctx, ann.AccountID, next, "a fourth good passphrase", "a fourth good passphrase")
	require.ErrorIs(t, err, psa.ErrConflict)
	_, err = w.portal.Login(w.ctx, "ann@acme.example", third)
	require.NoError(t, err, "the password set meanwhile stays")
}
