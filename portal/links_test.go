package portal_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
)

// plantToken stores a token of purpose for account directly, as an earlier version of the
// library (or a race with a password being set) could have left it, and returns its secret.
func (w *world) plantToken(account psa.PortalUserID, purpose portal.Purpose) string {
	w.t.Helper()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	tok := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(tok))
	id, err := psa.NewID[portal.TokenID](nil)
	require.NoError(w.t, err)
	now := w.clock.Now()
	w.inTx(func(ctx context.Context, tx portal.Tx) error {
		return tx.CreateToken(ctx, portal.Token{ID: id, AccountID: account, Purpose: purpose, Hash: hex.EncodeToString(sum[:]),
			CreatedAt: now, ExpiresAt: now.Add(portal.InvitationTTL), Version: 1})
	})
	return tok
}

// unspent returns the purposes of account's tokens that are neither used nor revoked.
func (w *world) unspent(account psa.PortalUserID) []portal.Purpose {
	w.t.Helper()
	var out []portal.Purpose
	w.inTx(func(ctx context.Context, tx portal.Tx) error {
		ts, err := tx.ListTokens(ctx, account)
		for _, t := range ts {
			if t.UsedAt.IsZero() && t.RevokedAt.IsZero() {
				out = append(out, t.Purpose)
			}
		}
		return err
	})
	return out
}

// TestInviteRefusedWithPassword: an account that has a password gets no create-password link
// (which would let whoever holds it set the password without the old one): Invite refuses with
// a *portal.PasswordSetError, stores no token and sends nothing.
func TestInviteRefusedWithPassword(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ct := w.newContact(acme, "Ann", "ann@acme.example")
	ann := w.user(ct, portal.ExternalUser().ID, false)
	sent := w.mail.count()

	inv, err := w.portal.Invite(w.ctx, ct.ID)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	pe, ok := errors.AsType[*portal.PasswordSetError](err)
	require.True(t, ok, "got %T %v", err, err)
	require.Equal(t, ann.AccountID, pe.AccountID)
	require.Equal(t, portal.Invitation{}, inv)
	require.Equal(t, sent, w.mail.count(), "a link was sent")
	require.Empty(t, w.unspent(ann.AccountID), "a link was stored")
}

// TestInvitationRefusedOncePasswordSet: an invitation left unspent when the account got a
// password is refused, and changes nothing.
func TestInvitationRefusedOncePasswordSet(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	tok := w.plantToken(ann.AccountID, portal.PurposeInvitation)

	_, err := w.portal.AcceptInvitation(w.ctx, tok, "a password set by the link", "a password set by the link")
	wantTokenProblem(t, err, portal.TokenPasswordSet)
	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err, "the password stays")
}

// TestPasswordChangesRevokeEveryLink: changing the password, or setting it with a reset link,
// revokes every unspent link of the account, invitations as well as reset links.
func TestPasswordChangesRevokeEveryLink(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	const next = "another good passphrase"

	inv := w.plantToken(ann.AccountID, portal.PurposeInvitation)
	require.NoError(t, w.portal.RequestPasswordReset(w.ctx, "ann@acme.example"))
	reset := w.mail.last(t).Token
	require.ElementsMatch(t, []portal.Purpose{portal.PurposeInvitation, portal.PurposeReset}, w.unspent(ann.AccountID))
	require.NoError(t, w.portal.ChangePassword(w.ctx, ann.AccountID, password, next, next))
	require.Empty(t, w.unspent(ann.AccountID), "ChangePassword left a link")
	_, err := w.portal.AcceptInvitation(w.ctx, inv, "a password set by the link", "a password set by the link")
	wantTokenProblem(t, err, portal.TokenRevoked)
	_, err = w.portal.ResetPassword(w.ctx, reset, "a password set by the link", "a password set by the link")
	wantTokenProblem(t, err, portal.TokenRevoked)

	w.clock.advance(time.Minute)
	w.plantToken(ann.AccountID, portal.PurposeInvitation)
	require.NoError(t, w.portal.RequestPasswordReset(w.ctx, "ann@acme.example"))
	_, err = w.portal.ResetPassword(w.ctx, w.mail.last(t).Token, "a third good passphrase", "a third good passphrase")
	require.NoError(t, err)
	require.Empty(t, w.unspent(ann.AccountID), "a reset left a link")
}
