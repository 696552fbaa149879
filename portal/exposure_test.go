package portal_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// jsonOf returns v as JSON, the form a host hands to the portal's pages.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestUserManagerSeesNoPrivateData: a portal user with the ManageUsers permission sees who the
// organization's contacts are and their portal access, but nothing of a colleague's account
// that is the colleague's own: personal notes, photo, login times, failed logins and lockouts.
func TestUserManagerSeesNoPrivateData(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	admins, err := w.portal.PutRole(w.ctx, portal.Role{Name: "Client admin", Permissions: portal.Permissions{ManageUsers: true}})
	require.NoError(t, err)
	admin := w.user(w.newContact(acme, "Ann", "ann@acme.example"), admins.ID, false)
	bobContact := w.newContact(acme, "Bob", "bob@acme.example")
	bob := w.user(bobContact, portal.ExternalUser().ID, false)
	const secret = "salary talk with HR on friday"
	prof, err := w.portal.Profile(w.ctx, bob.AccountID)
	require.NoError(t, err)
	_, err = w.portal.SetNotes(w.ctx, bob.AccountID, prof.AccountVersion, secret)
	require.NoError(t, err)
	w.clock.advance(time.Hour)
	_, err = w.portal.Login(w.ctx, "bob@acme.example", password) // a login time
	require.NoError(t, err)
	_, err = w.portal.Login(w.ctx, "bob@acme.example", "not the password at all") // a failed login
	require.Error(t, err)

	users, err := w.portal.OrganizationUsers(w.ctx, admin.AccountID)
	require.NoError(t, err)
	listed := jsonOf(t, users)
	require.Contains(t, listed, "bob@acme.example", "the manager sees the colleague's username")
	managed, err := w.portal.ManageUser(w.ctx, admin.AccountID, bobContact.ID, false)
	require.NoError(t, err)
	changed := jsonOf(t, managed)
	require.Contains(t, changed, "bob@acme.example")
	for what, out := range map[string]string{"OrganizationUsers": listed, "ManageUser": changed} {
		for _, private := range []string{secret, "notes", "lastLogin", "failedLogins", "lockedUntil", "photo", "landingPage",
			w.clock.Now().Format(time.RFC3339)} {
			require.NotContains(t, out, private, "%s shows a colleague's %q: %s", what, private, out)
		}
	}
}

// TestArticlesShowNoVisibility: the knowledge-base articles a portal user reads carry neither the
// other clients an article is visible to nor its visibility.
func TestArticlesShowNoVisibility(t *testing.T) {
	w := newWorld(t)
	acme, other := w.newClient("Acme", psa.ClientID{}), w.newClient("Other", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	a, err := w.portal.CreateArticle(w.ctx, portal.Article{Title: "VPN setup", Body: "Install the client.", Keywords: []string{"vpn"},
		Visibility: portal.SelectedClients, ClientIDs: []psa.ClientID{acme.ID, other.ID}})
	require.NoError(t, err)

	list, err := w.portal.Articles(w.ctx, ann.AccountID, "vpn")
	require.NoError(t, err)
	one, err := w.portal.Article(w.ctx, ann.AccountID, a.ID)
	require.NoError(t, err)
	for what, out := range map[string]string{"Articles": jsonOf(t, list), "Article": jsonOf(t, one)} {
		require.Contains(t, out, "Install the client.", what)
		for _, internal := range []string{other.ID.String(), acme.ID.String(), "selected clients", "visibility", "clientIds"} {
			require.NotContains(t, out, internal, "%s shows %q: %s", what, internal, out)
		}
	}
}

// TestStorageKeysAreBoundToTheClient: the storage keys a portal user gives (a ticket attachment,
// their photo) must lie under their own client's prefix, so that a user cannot make the host
// serve another client's file; a photo key outside it is not shown.
func TestStorageKeysAreBoundToTheClient(t *testing.T) {
	w := newWorld(t)
	acme, other := w.newClient("Acme", psa.ClientID{}), w.newClient("Other", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	mine := "portal/" + acme.ID.String() + "/"
	theirs := "portal/" + other.ID.String() + "/"

	for _, key := range []string{theirs + "scan.png", "tickets/" + other.ID.String() + "/1", mine + "../" + other.ID.String() + "/scan.png",
		mine, "/" + mine + "scan.png", mine + "a//scan.png", mine + "./scan.png", "scan.png"} {
		before, err := w.portal.Tickets(w.ctx, ann.AccountID, portal.Mine)
		require.NoError(t, err)
		_, err = w.portal.OpenTicket(w.ctx, ann.AccountID, portal.NewTicket{Fields: servicedesk.Fields{Title: "see attachment",
			Attachments: []servicedesk.Attachment{{Name: "scan.png", StorageKey: key}}}})
		require.ErrorIs(t, err, psa.ErrInvalid, "attachment key %q", key)
		after, err := w.portal.Tickets(w.ctx, ann.AccountID, portal.Mine)
		require.NoError(t, err)
		require.Len(t, after, len(before), "a refused ticket was opened")

		prof, err := w.portal.Profile(w.ctx, ann.AccountID)
		require.NoError(t, err)
		_, err = w.portal.SetPreferences(w.ctx, ann.AccountID, prof.AccountVersion, portal.Preferences{Photo: key})
		require.ErrorIs(t, err, psa.ErrInvalid, "photo key %q", key)
	}

	_, err := w.portal.OpenTicket(w.ctx, ann.AccountID, portal.NewTicket{Fields: servicedesk.Fields{Title: "see attachment",
		Attachments: []servicedesk.Attachment{{Name: "scan.png", StorageKey: mine + "tickets/scan.png"}}}})
	require.NoError(t, err, "a key under the client's own prefix")
	prof, err := w.portal.Profile(w.ctx, ann.AccountID)
	require.NoError(t, err)
	prof, err = w.portal.SetPreferences(w.ctx, ann.AccountID, prof.AccountVersion, portal.Preferences{Photo: mine + "photos/ann.png"})
	require.NoError(t, err)
	require.Equal(t, mine+"photos/ann.png", prof.Photo)

	// A photo key that points elsewhere (stored by an earlier version) is not shown.
	w.inTx(func(ctx context.Context, tx portal.Tx) error {
		a, err := tx.GetAccount(ctx, ann.AccountID)
		if err != nil {
			return err
		}
		a.Photo = theirs + "photos/sam.png"
		return tx.UpdateAccount(ctx, a)
	})
	prof, err = w.portal.Profile(w.ctx, ann.AccountID)
	require.NoError(t, err)
	require.False(t, strings.Contains(jsonOf(t, prof), other.ID.String()), "another client's photo key is shown: %s", prof.Photo)
}
