package portal_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa/client"
	"github.com/psakit/psa/portal"
)

// TestOnboardingCheck decides the portal step of the onboarding checklist: missing without a
// contact with portal access or with the portal turned off; done once a contact has access,
// counting those still to set their password.
func TestOnboardingCheck(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", client.Client{}.ID)
	ann := w.newContact(acme, "Ann", "ann@acme.example")
	bob := w.newContact(acme, "Bob", "bob@acme.example")
	check := func() (bool, string) {
		t.Helper()
		r, err := w.clients.Record(w.ctx, acme.ID)
		require.NoError(t, err)
		out, err := portal.OnboardingCheck(w.portal)(w.ctx, r)
		require.NoError(t, err)
		return out.Done, out.Reason
	}
	done, reason := check()
	require.False(t, done)
	require.Equal(t, "no contact has portal access: enable it and send invitations", reason)

	w.user(ann, portal.ExternalUser().ID, false)
	_, err := w.portal.Enable(w.ctx, bob.ID, portal.Access{RoleID: portal.ExternalUser().ID})
	require.NoError(t, err)
	done, reason = check()
	require.True(t, done)
	require.Equal(t, "2 contact(s) with portal access (1 still to set a password)", reason)

	c, err := w.clients.Get(w.ctx, acme.ID)
	require.NoError(t, err)
	set := c.Settings
	set.PortalDisabled = true
	_, err = w.clients.SetSettings(w.ctx, acme.ID, c.Version, set)
	require.NoError(t, err)
	done, reason = check()
	require.False(t, done)
	require.Equal(t, "the client portal is turned off for the client", reason)
}
