package client_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

func externalAcme() client.ExternalClient {
	return client.ExternalClient{
		ExternalID: "crm-1",
		Profile:    client.Profile{Name: "Acme", Address: address(), Phone: "+44 117 496 0000", Industry: "Retail"},
		Contacts: []client.ExternalContact{
			{ExternalID: "p-1", ContactInfo: client.ContactInfo{FirstName: "Ann", LastName: "Lee", Email: "ann@acme.example"}},
			{ExternalID: "p-2", ContactInfo: client.ContactInfo{FirstName: "Bob", LastName: "Ray", Email: "bob@acme.example", JobTitle: "CFO"}, Primary: true},
		},
	}
}

// changes returns the contact changes of a sync result by external ID.
func changes(r client.SyncResult) map[string]client.Change {
	out := map[string]client.Change{}
	for _, c := range r.Contacts {
		out[c.ExternalID] = c.Change
	}
	return out
}

// TestSyncCreatesThenUnchanged checks seed 002's CRM sync: the first sync creates the client and
// its contacts; the same sync again changes nothing and moves no version.
func TestSyncCreatesThenUnchanged(t *testing.T) {
	e := newEnv(t)
	ext := externalAcme()

	res, err := e.svc.Sync(t.Context(), ext)
	require.NoError(t, err)
	require.Equal(t, client.Created, res.Client)
	require.True(t, res.Changed())
	diff(t, map[string]client.Change{"p-1": client.Created, "p-2": client.Created}, changes(res), "contact changes")

	c := e.get(t, res.ClientID)
	diff(t, ext.Profile, c.Profile, "profile")
	require.Equal(t, "crm-1", c.ExternalID)
	require.Equal(t, client.StatusActive, c.Status)
	cts := e.contacts(t, c.ID)
	require.Len(t, cts, 2)
	byExt := map[string]client.Contact{}
	for i, ct := range cts {
		byExt[ct.ExternalID] = ct
		require.Equal(t, res.Contacts[i].ContactID, ct.ID)
		require.True(t, ct.Active)
		diff(t, ext.Contacts[i].ContactInfo, ct.ContactInfo, "contact info")
	}
	require.Equal(t, byExt["p-2"].ID, c.PrimaryContactID, "the contact marked primary is primary")
	require.Len(t, e.clients(t), 1)

	// The same sync again, later: nothing changes, not even a version or a time.
	e.now = t0.Add(24 * time.Hour)
	clientsBefore, contactsBefore := e.clients(t), e.contacts(t, c.ID)
	res2, err := e.svc.Sync(t.Context(), ext)
	require.NoError(t, err)
	diff(t, client.SyncResult{
		ClientID: c.ID,
		Client:   client.Unchanged,
		Contacts: []client.ContactSync{
			{ExternalID: "p-1", ContactID: byExt["p-1"].ID, Change: client.Unchanged},
			{ExternalID: "p-2", ContactID: byExt["p-2"].ID, Change: client.Unchanged},
		},
	}, res2, "second sync")
	require.False(t, res2.Changed())
	diff(t, clientsBefore, e.clients(t), "stored clients after an identical sync")
	diff(t, contactsBefore, e.contacts(t, c.ID), "stored contacts after an identical sync")
}

// TestSyncExternalWins checks that the external system wins where values differ, and that what
// it does not carry stays as it is locally.
func TestSyncExternalWins(t *testing.T) {
	e := newEnv(t)
	ext := externalAcme()
	res, err := e.svc.Sync(t.Context(), ext)
	require.NoError(t, err)
	id := res.ClientID

	// Local edits: local-only fields, and fields the external system owns.
	c := e.get(t, id)
	c, err = e.svc.SetNotes(t.Context(), id, c.Version, "alarm code 1234")
	require.NoError(t, err)
	c, err = e.svc.SetStatus(t.Context(), id, c.Version, client.StatusProspect)
	require.NoError(t, err)
	c, err = e.svc.SetBillingInfo(t.Context(), id, c.Version, billing(t))
	require.NoError(t, err)
	localProfile := ext.Profile
	localProfile.Website = "https://local.example"
	c, err = e.svc.UpdateProfile(t.Context(), id, c.Version, localProfile)
	require.NoError(t, err)
	ann, err := e.svc.GetContact(t.Context(), res.Contacts[0].ContactID)
	require.NoError(t, err)
	ann, err = e.svc.UpdateContact(t.Context(), ann.ID, ann.Version, client.ContactInfo{FirstName: "Ann", LastName: "Lee", Email: "ann@local.example"})
	require.NoError(t, err)
	localOnly := e.contact(t, id, "carl")
	bob, err := e.svc.GetContact(t.Context(), res.Contacts[1].ContactID)
	require.NoError(t, err)

	// The external system changes the phone number and Ann's job title.
	e.now = t0.Add(time.Hour)
	ext.Profile.Phone = "+44 117 496 0999"
	ext.Contacts[0].JobTitle = "IT lead"
	res, err = e.svc.Sync(t.Context(), ext)
	require.NoError(t, err)
	require.Equal(t, client.Updated, res.Client)
	diff(t, map[string]client.Change{"p-1": client.Updated, "p-2": client.Unchanged}, changes(res), "contact changes")

	want := c
	want.Profile = ext.Profile // the local website is gone: the external profile wins
	want.UpdatedAt, want.Version = t0.Add(time.Hour), c.Version+1
	diff(t, want, e.get(t, id), "stored client: external profile, local notes, status and billing")

	wantAnn := ann
	wantAnn.ContactInfo = ext.Contacts[0].ContactInfo
	wantAnn.UpdatedAt, wantAnn.Version = t0.Add(time.Hour), ann.Version+1
	diff(t, []client.Contact{wantAnn, bob, localOnly}, e.contacts(t, id), "stored contacts")
}

func TestSyncPrimaryContact(t *testing.T) {
	e := newEnv(t)
	ext := externalAcme()
	ext.Contacts[1].Primary = false
	res, err := e.svc.Sync(t.Context(), ext)
	require.NoError(t, err)
	ann, bob := res.Contacts[0].ContactID, res.Contacts[1].ContactID
	require.Equal(t, ann, e.get(t, res.ClientID).PrimaryContactID, "with none marked, the first contact is primary")

	// Marking Bob primary in the external system makes him primary.
	ext.Contacts[1].Primary = true
	res, err = e.svc.Sync(t.Context(), ext)
	require.NoError(t, err)
	require.Equal(t, client.Updated, res.Client)
	c := e.get(t, res.ClientID)
	require.Equal(t, bob, c.PrimaryContactID)

	// A local choice stands while the external system marks nobody.
	c, err = e.svc.SetPrimaryContact(t.Context(), c.ID, c.Version, ann)
	require.NoError(t, err)
	ext.Contacts[1].Primary = false
	res, err = e.svc.Sync(t.Context(), ext)
	require.NoError(t, err)
	require.False(t, res.Changed())
	diff(t, c, e.get(t, c.ID), "stored client")
}

func TestSyncIntoExistingClient(t *testing.T) {
	e := newEnv(t)
	c := e.create(t, client.NewClient{Profile: client.Profile{Name: "Acme Ltd"}, ExternalID: "crm-1", Notes: "local"})
	ext := externalAcme()
	res, err := e.svc.Sync(t.Context(), ext)
	require.NoError(t, err)
	require.Equal(t, c.ID, res.ClientID)
	require.Equal(t, client.Updated, res.Client)
	got := e.get(t, c.ID)
	diff(t, ext.Profile, got.Profile, "profile")
	require.Equal(t, "local", got.Notes)
	require.Len(t, e.clients(t), 1)
}

// TestSyncInvalid checks that an external client that breaks a rule is refused with a
// ValidationError naming every bad field, and that nothing is stored.
func TestSyncInvalid(t *testing.T) {
	with := func(change func(x *client.ExternalClient)) client.ExternalClient {
		x := externalAcme()
		change(&x)
		return x
	}
	tests := []struct {
		name string
		ext  client.ExternalClient
		want []field
	}{
		{"no external ID", with(func(x *client.ExternalClient) { x.ExternalID = "" }), []field{{"externalId", ""}}},
		{"no name", with(func(x *client.ExternalClient) { x.Profile.Name = "" }), []field{{"profile.name", ""}}},
		{"two contacts marked primary", with(func(x *client.ExternalClient) { x.Contacts[0].Primary = true }), []field{{"contacts[0].primary", "true"}, {"contacts[1].primary", "true"}}},
		{"three contacts marked primary", with(func(x *client.ExternalClient) {
			x.Contacts[0].Primary = true
			x.Contacts = append(x.Contacts, client.ExternalContact{ExternalID: "p-3", ContactInfo: client.ContactInfo{FirstName: "Cy"}, Primary: true})
		}), []field{{"contacts[0].primary", "true"}, {"contacts[1].primary", "true"}, {"contacts[2].primary", "true"}}},
		{"duplicate contact external ID", with(func(x *client.ExternalClient) { x.Contacts[1].ExternalID = "p-1" }), []field{{"contacts[1].externalId", "p-1"}}},
		{"duplicate contact external ID with spaces", with(func(x *client.ExternalClient) { x.Contacts[1].ExternalID = " p-1" }), []field{{"contacts[1].externalId", " p-1"}}},
		{"contact without external ID", with(func(x *client.ExternalClient) { x.Contacts[0].ExternalID = " " }), []field{{"contacts[0].externalId", " "}}},
		{"contact without name and with bad e-mail", with(func(x *client.ExternalClient) {
			x.Contacts[1].ContactInfo = client.ContactInfo{Email: "bob"}
		}), []field{{"contacts[1].name", ""}, {"contacts[1].email", "bob"}}},
		{"everything at once", with(func(x *client.ExternalClient) {
			x.ExternalID, x.Profile.Name = "", ""
			x.Contacts[0].Primary = true
			x.Contacts[1].ExternalID = "p-1"
		}), []field{{"externalId", ""}, {"profile.name", ""}, {"contacts[1].externalId", "p-1"}, {"contacts[0].primary", "true"}, {"contacts[1].primary", "true"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.svc.Sync(t.Context(), tt.ext)
			diff(t, tt.want, validationFields(t, err), "invalid fields")
			require.Empty(t, e.clients(t), "nothing is stored")
		})
	}

	t.Run("nothing changes on an existing client", func(t *testing.T) {
		e := newEnv(t)
		res, err := e.svc.Sync(t.Context(), externalAcme())
		require.NoError(t, err)
		before, contacts := e.clients(t), e.contacts(t, res.ClientID)
		bad := externalAcme()
		bad.Profile.Phone = "changed"
		bad.Contacts[0].Primary = true
		_, err = e.svc.Sync(t.Context(), bad)
		require.ErrorIs(t, err, psa.ErrInvalid)
		diff(t, before, e.clients(t), "stored clients")
		diff(t, contacts, e.contacts(t, res.ClientID), "stored contacts")
	})
}

// TestConcurrentSync checks that the same new external client synced at the same time is
// created once.
func TestConcurrentSync(t *testing.T) {
	e := newEnv(t)
	const n = 6
	results := make([]client.SyncResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i], errs[i] = e.svc.Sync(t.Context(), externalAcme()) })
	}
	wg.Wait()
	created := 0
	for i, err := range errs {
		require.NoError(t, err)
		require.Equal(t, results[0].ClientID, results[i].ClientID)
		if results[i].Client == client.Created {
			created++
		}
	}
	require.Equal(t, 1, created, "exactly one sync creates the client")
	require.Len(t, e.clients(t), 1)
	require.Len(t, e.contacts(t, results[0].ClientID), 2)
}
