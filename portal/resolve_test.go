package portal_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/portal"
)

// TestStaleSessionsLookAlike: a call for a portal user ID that names no account gives the
// *portal.AccessError that an account without access gives (disabled, no password yet, contact
// inactive, portal off for the client), so that an ID from a stale or forged session tells
// nothing about the account, its contact or its client.
func TestStaleSessionsLookAlike(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	disabled := w.newContact(acme, "Dee", "dee@acme.example")
	dee := w.user(disabled, portal.ExternalUser().ID, false)
	_, err := w.portal.Disable(w.ctx, disabled.ID)
	require.NoError(t, err)
	invitedOnly, err := w.portal.Enable(w.ctx, w.newContact(acme, "Ivy", "ivy@acme.example").ID, portal.Access{Invite: true})
	require.NoError(t, err)
	leaver := w.newContact(acme, "Lee", "lee@acme.example")
	lee := w.user(leaver, portal.ExternalUser().ID, false)
	leaver, err = w.clients.GetContact(w.ctx, leaver.ID)
	require.NoError(t, err)
	_, err = w.clients.SetContactActive(w.ctx, leaver.ID, leaver.Version, false)
	require.NoError(t, err)
	closed := w.newClient("Closed Corp", psa.ClientID{})
	olga := w.user(w.newContact(closed, "Olga", "olga@closed.example"), portal.ExternalUser().ID, false)
	closed, err = w.clients.Get(w.ctx, closed.ID)
	require.NoError(t, err)
	_, err = w.clients.SetSettings(w.ctx, closed.ID, closed.Version, client.Settings{PortalDisabled: true})
	require.NoError(t, err)
	missing := psa.PortalUserID{UUID: [16]byte{0: 0xab, 15: 0xcd}}

	shape := func(id psa.PortalUserID, err error) string {
		t.Helper()
		ae, ok := errors.AsType[*portal.AccessError](err)
		require.True(t, ok, "want a *portal.AccessError for %s, got %T %v", id, err, err)
		require.Equal(t, id, ae.AccountID)
		require.ErrorIs(t, err, psa.ErrForbidden)
		return strings.Replace(err.Error(), id.String(), "ID", 1)
	}
	for name, call := range map[string]func(psa.PortalUserID) error{
		"Principal": func(id psa.PortalUserID) error { _, err := w.portal.Principal(w.ctx, id); return err },
		"Tickets":   func(id psa.PortalUserID) error { _, err := w.portal.Tickets(w.ctx, id, portal.Visible); return err },
		"Profile":   func(id psa.PortalUserID) error { _, err := w.portal.Profile(w.ctx, id); return err },
	} {
		want := shape(missing, call(missing))
		for _, id := range []psa.PortalUserID{dee.AccountID, invitedOnly.ID, lee.AccountID, olga.AccountID} {
			got := shape(id, call(id))
			require.Equal(t, want, got, "%s: an account without access reads unlike a missing one", name)
			require.NotContains(t, got, "Closed Corp")
		}
	}
}
