package client_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

func TestAddContact(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	e.now = t0.Add(time.Minute)
	info := client.ContactInfo{
		FirstName: "Ann", LastName: "Lee", Email: "ann@acme.example", Phone: "+1 555 0100",
		Mobile: "+1 555 0101", CompanyContact: "ext. 12", JobTitle: "IT lead", Role: "technical",
	}
	got, err := e.svc.AddContact(t.Context(), c.ID, client.NewContact{ContactInfo: info, ExternalID: "crm-c-1"})
	require.NoError(t, err)
	want := client.Contact{
		ID: got.ID, ClientID: c.ID, ContactInfo: info, Active: true, ExternalID: "crm-c-1",
		CreatedAt: e.now, UpdatedAt: e.now, Version: 1,
	}
	diff(t, want, got, "returned contact")
	stored, err := e.svc.GetContact(t.Context(), got.ID)
	require.NoError(t, err)
	diff(t, want, stored, "stored contact")
	require.Equal(t, "Ann Lee", got.Name())
}

// TestFirstContactBecomesPrimary checks seed 001's primary contact: the first contact is primary
// without being asked, later ones are not.
func TestFirstContactBecomesPrimary(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	require.True(t, psa.IsNil(c.PrimaryContactID))
	require.Empty(t, c.Recipients(client.EventTicketCreated), "no contact, nobody to notify")

	ann := e.contact(t, c.ID, "ann")
	c = e.get(t, c.ID)
	require.Equal(t, ann.ID, c.PrimaryContactID, "the first contact is primary")
	require.Equal(t, int64(2), c.Version)
	diff(t, []psa.ContactID{ann.ID}, c.Recipients(client.EventInvoiceIssued), "recipients default to the primary contact")

	bob := e.contact(t, c.ID, "bob")
	c = e.get(t, c.ID)
	require.Equal(t, ann.ID, c.PrimaryContactID, "a second contact does not take over")
	require.Equal(t, int64(2), c.Version, "adding a non-primary contact does not touch the client")
	diff(t, []psa.ContactID{ann.ID, bob.ID}, contactIDs(e.contacts(t, c.ID)), "contacts")
}

func TestFirstContactAskedPrimary(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	ct, err := e.svc.AddContact(t.Context(), c.ID, client.NewContact{ContactInfo: client.ContactInfo{LastName: "Lee"}, Primary: true})
	require.NoError(t, err)
	require.Equal(t, ct.ID, e.get(t, c.ID).PrimaryContactID)
}

func contactIDs(cs []client.Contact) []psa.ContactID {
	out := make([]psa.ContactID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestAddContactSecondPrimary(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	ann := e.contact(t, c.ID, "ann")
	c = e.get(t, c.ID)

	_, err := e.svc.AddContact(t.Context(), c.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Bob"}, Primary: true})
	require.ErrorIs(t, err, psa.ErrPrecondition)
	pe, ok := errors.AsType[*client.PrimaryContactError](err)
	require.True(t, ok, "error is a *client.PrimaryContactError: %v", err)
	diff(t, &client.PrimaryContactError{ClientID: c.ID, Current: ann.ID}, pe, "error")
	diff(t, []client.Contact{ann}, e.contacts(t, c.ID), "stored contacts")
	diff(t, c, e.get(t, c.ID), "stored client")
}

// TestAddContactInvalid checks that a contact without a name or with a malformed e-mail address
// is refused with the field and value named, and that nothing is stored.
func TestAddContactInvalid(t *testing.T) {
	tests := []struct {
		name string
		info client.ContactInfo
		want []field
	}{
		{"no name", client.ContactInfo{Email: "ann@example.com"}, []field{{"name", ""}}},
		{"blank names", client.ContactInfo{FirstName: " ", LastName: "\t"}, []field{{"name", ""}}},
		{"e-mail without @", client.ContactInfo{FirstName: "Ann", Email: "ann.example.com"}, []field{{"email", "ann.example.com"}}},
		{"e-mail without dotted domain", client.ContactInfo{FirstName: "Ann", Email: "ann@localhost"}, []field{{"email", "ann@localhost"}}},
		{"e-mail with display name", client.ContactInfo{FirstName: "Ann", Email: "Ann <ann@example.com>"}, []field{{"email", "Ann <ann@example.com>"}}},
		{"e-mail with spaces", client.ContactInfo{FirstName: "Ann", Email: " ann@example.com "}, []field{{"email", " ann@example.com "}}},
		{"no name and bad e-mail", client.ContactInfo{Email: "@example.com"}, []field{{"name", ""}, {"email", "@example.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			_, err := e.svc.AddContact(t.Context(), c.ID, client.NewContact{ContactInfo: tt.info})
			diff(t, tt.want, validationFields(t, err), "invalid fields")
			require.Empty(t, e.contacts(t, c.ID), "nothing is stored")
			diff(t, c, e.get(t, c.ID), "stored client")
		})
	}
}

func TestAddContactUnknownClient(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.AddContact(t.Context(), clientID(3), client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Ann"}})
	require.ErrorIs(t, err, psa.ErrNotFound)
	_, err = e.svc.ListContacts(t.Context(), clientID(3), psa.PageRequest{})
	require.ErrorIs(t, err, psa.ErrNotFound)
}

func TestAddContactExternalIDTaken(t *testing.T) {
	e := newEnv(t)
	a := e.named(t, "A")
	b := e.named(t, "B")
	add := func(id psa.ClientID) error {
		_, err := e.svc.AddContact(t.Context(), id, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Ann"}, ExternalID: "crm-c-1"})
		return err
	}
	require.NoError(t, add(a.ID))
	require.NoError(t, add(b.ID), "external IDs are unique per client")
	err := add(a.ID)
	require.ErrorIs(t, err, psa.ErrAlreadyExists)
	require.Len(t, e.contacts(t, a.ID), 1)
}

func TestUpdateContact(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	ct := e.contact(t, c.ID, "ann")
	e.now = t0.Add(time.Hour)
	info := client.ContactInfo{FirstName: "Ann", LastName: "Lee-Smith", Email: "ann.smith@acme.example", JobTitle: "CTO"}
	got, err := e.svc.UpdateContact(t.Context(), ct.ID, ct.Version, info)
	require.NoError(t, err)
	want := ct
	want.ContactInfo, want.UpdatedAt, want.Version = info, t0.Add(time.Hour), 2
	diff(t, want, got, "returned contact")
	diff(t, []client.Contact{want}, e.contacts(t, c.ID), "stored contacts")

	_, err = e.svc.UpdateContact(t.Context(), ct.ID, got.Version, client.ContactInfo{FirstName: "Ann", Email: "ann@"})
	diff(t, []field{{"email", "ann@"}}, validationFields(t, err), "invalid fields")
	diff(t, []client.Contact{want}, e.contacts(t, c.ID), "stored contacts after a refused update")

	_, err = e.svc.UpdateContact(t.Context(), contactID(1), 1, info)
	require.ErrorIs(t, err, psa.ErrNotFound)
}

func TestSetPrimaryContact(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	ann := e.contact(t, c.ID, "ann")
	bob := e.contact(t, c.ID, "bob")
	c = e.get(t, c.ID)
	require.Equal(t, ann.ID, c.PrimaryContactID)

	got, err := e.svc.SetPrimaryContact(t.Context(), c.ID, c.Version, bob.ID)
	require.NoError(t, err)
	want := c
	want.PrimaryContactID, want.Version = bob.ID, c.Version+1
	diff(t, want, got, "returned client")
	diff(t, want, e.get(t, c.ID), "stored client")
	diff(t, []psa.ContactID{bob.ID}, got.Recipients(client.EventTicketUpdated), "recipients follow the primary contact")
	require.NotEqual(t, ann.ID, got.PrimaryContactID, "the old primary contact is no longer primary")

	// The old primary contact can now be deactivated: it is not primary any more.
	_, err = e.svc.SetContactActive(t.Context(), ann.ID, ann.Version, false)
	require.NoError(t, err)
	require.Equal(t, bob.ID, e.get(t, c.ID).PrimaryContactID)
}

// TestSetPrimaryContactRefused checks that only an active contact of the client can be primary.
func TestSetPrimaryContactRefused(t *testing.T) {
	tests := []struct {
		name string
		// pick returns the contact to make primary of client c.
		pick  func(t *testing.T, e *env, c client.Client) psa.ContactID
		check func(t *testing.T, err error, contact psa.ContactID)
	}{
		{
			"contact of another client",
			func(t *testing.T, e *env, _ client.Client) psa.ContactID {
				return e.contact(t, e.named(t, "Other").ID, "olga").ID
			},
			func(t *testing.T, err error, contact psa.ContactID) {
				diff(t, []field{{"primaryContactId", contact.String()}}, validationFields(t, err), "invalid fields")
			},
		},
		{
			"inactive contact",
			func(t *testing.T, e *env, c client.Client) psa.ContactID {
				ct := e.contact(t, c.ID, "carl")
				_, err := e.svc.SetContactActive(t.Context(), ct.ID, ct.Version, false)
				require.NoError(t, err)
				return ct.ID
			},
			func(t *testing.T, err error, contact psa.ContactID) {
				require.ErrorIs(t, err, psa.ErrPrecondition)
				pe, ok := errors.AsType[*psa.PreconditionError](err)
				require.True(t, ok, "error is a *psa.PreconditionError: %v", err)
				require.Equal(t, contact.String(), pe.ID)
			},
		},
		{
			"unknown contact",
			func(*testing.T, *env, client.Client) psa.ContactID { return contactID(9) },
			func(t *testing.T, err error, _ psa.ContactID) { require.ErrorIs(t, err, psa.ErrNotFound) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			ann := e.contact(t, c.ID, "ann")
			contact := tt.pick(t, e, c)
			c = e.get(t, c.ID)
			require.Equal(t, ann.ID, c.PrimaryContactID)

			_, err := e.svc.SetPrimaryContact(t.Context(), c.ID, c.Version, contact)
			tt.check(t, err, contact)
			diff(t, c, e.get(t, c.ID), "stored client")
		})
	}
}

// TestDeactivatePrimaryContact checks that the primary contact cannot be deactivated while the
// client has other active contacts, and can when it is the last one (the client then has none).
func TestDeactivatePrimaryContact(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	ann := e.contact(t, c.ID, "ann")
	bob := e.contact(t, c.ID, "bob")
	c = e.get(t, c.ID)

	_, err := e.svc.SetContactActive(t.Context(), ann.ID, ann.Version, false)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	pe, ok := errors.AsType[*psa.PreconditionError](err)
	require.True(t, ok, "error is a *psa.PreconditionError: %v", err)
	require.Equal(t, ann.ID.String(), pe.ID)
	diff(t, []client.Contact{ann, bob}, e.contacts(t, c.ID), "stored contacts")
	diff(t, c, e.get(t, c.ID), "stored client")

	// A non-primary contact can go; the primary stays.
	bob, err = e.svc.SetContactActive(t.Context(), bob.ID, bob.Version, false)
	require.NoError(t, err)
	require.False(t, bob.Active)
	require.Equal(t, ann.ID, e.get(t, c.ID).PrimaryContactID)

	// Now ann is the last active contact: deactivating her clears the primary contact.
	ann, err = e.svc.SetContactActive(t.Context(), ann.ID, ann.Version, false)
	require.NoError(t, err)
	require.False(t, ann.Active)
	c = e.get(t, c.ID)
	require.True(t, psa.IsNil(c.PrimaryContactID), "the client has no primary contact")
	require.Empty(t, c.Recipients(client.EventTicketCreated))

	// Reactivation makes the contact primary when there is none ...
	bob, err = e.svc.SetContactActive(t.Context(), bob.ID, bob.Version, true)
	require.NoError(t, err)
	require.True(t, bob.Active)
	require.Equal(t, bob.ID, e.get(t, c.ID).PrimaryContactID)

	// ... and not when there is one.
	_, err = e.svc.SetContactActive(t.Context(), ann.ID, ann.Version, true)
	require.NoError(t, err)
	require.Equal(t, bob.ID, e.get(t, c.ID).PrimaryContactID)
}

func TestAddContactWhenAllInactive(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	ann := e.contact(t, c.ID, "ann")
	_, err := e.svc.SetContactActive(t.Context(), ann.ID, ann.Version, false)
	require.NoError(t, err)
	require.True(t, psa.IsNil(e.get(t, c.ID).PrimaryContactID))

	bob := e.contact(t, c.ID, "bob")
	require.Equal(t, bob.ID, e.get(t, c.ID).PrimaryContactID, "the first active contact becomes primary")
}

// TestContactFieldsForClientUsers checks seed 000's self-managed customer profile: client users
// see the phone numbers, company contact and job title only when it is enabled.
func TestContactFieldsForClientUsers(t *testing.T) {
	all := []client.ContactField{client.FieldPhone, client.FieldMobile, client.FieldCompanyContact, client.FieldJobTitle}
	tests := []struct {
		name string
		on   bool
		want []client.ContactField
	}{
		{"off", false, nil},
		{"on", true, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client.Client{Settings: client.Settings{SelfManagedProfile: tt.on}}
			got := c.ContactFieldsForClientUsers()
			diff(t, tt.want, got, "fields")
			if len(got) > 0 {
				got[0] = "changed"
				diff(t, all, client.ProfileFields, "ProfileFields after changing a result")
			}
		})
	}

	t.Run("through the service", func(t *testing.T) {
		e := newEnv(t)
		c := e.named(t, "Acme")
		require.Empty(t, c.ContactFieldsForClientUsers())
		c, err := e.svc.SetSettings(t.Context(), c.ID, c.Version, client.Settings{SelfManagedProfile: true})
		require.NoError(t, err)
		diff(t, all, e.get(t, c.ID).ContactFieldsForClientUsers(), "fields")
	})
}

func TestRecipients(t *testing.T) {
	primary, ann, bob := contactID(1), contactID(2), contactID(3)
	tests := []struct {
		name    string
		primary psa.ContactID
		rules   []client.NotificationRule
		event   client.Event
		want    []psa.ContactID
	}{
		{"no rule: the primary contact", primary, nil, client.EventTicketCreated, []psa.ContactID{primary}},
		{"no rule and no primary contact: nobody", psa.ContactID{}, nil, client.EventTicketCreated, nil},
		{"rule for another event", primary, []client.NotificationRule{{Event: client.EventInvoiceIssued, ContactIDs: []psa.ContactID{ann}}}, client.EventTicketCreated, []psa.ContactID{primary}},
		{"rule with contacts", primary, []client.NotificationRule{{Event: client.EventInvoiceIssued, ContactIDs: []psa.ContactID{ann, bob}}}, client.EventInvoiceIssued, []psa.ContactID{ann, bob}},
		{"rule without contacts: the primary contact", primary, []client.NotificationRule{{Event: client.EventInvoiceOverdue}}, client.EventInvoiceOverdue, []psa.ContactID{primary}},
		{"rule off", primary, []client.NotificationRule{{Event: client.EventTicketResolved, Off: true, ContactIDs: []psa.ContactID{ann}}}, client.EventTicketResolved, nil},
		{"rule with contacts and no primary contact", psa.ContactID{}, []client.NotificationRule{{Event: client.EventContractRenewal, ContactIDs: []psa.ContactID{bob}}}, client.EventContractRenewal, []psa.ContactID{bob}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client.Client{PrimaryContactID: tt.primary, Settings: client.Settings{NotificationRules: tt.rules}}
			got := c.Recipients(tt.event)
			diff(t, tt.want, got, "recipients")
			if len(got) > 0 && len(tt.rules) > 0 && len(tt.rules[0].ContactIDs) > 0 {
				got[0] = contactID(99)
				require.NotEqual(t, contactID(99), tt.rules[0].ContactIDs[0], "the result is a copy")
			}
		})
	}
}

// TestDeactivatedRecipientGetsNoNotifications checks the rule on Contact.Active: an inactive
// contact gets no notifications, also when a notification rule named it while it was active
// (either deactivation takes it out of the rules, or it is refused while a rule names it).
func TestDeactivatedRecipientGetsNoNotifications(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	ann := e.contact(t, c.ID, "ann")
	bob := e.contact(t, c.ID, "bob")
	c = e.get(t, c.ID)
	c, err := e.svc.SetSettings(t.Context(), c.ID, c.Version, client.Settings{NotificationRules: []client.NotificationRule{
		{Event: client.EventInvoiceIssued, ContactIDs: []psa.ContactID{ann.ID, bob.ID}},
	}})
	require.NoError(t, err)
	diff(t, []psa.ContactID{ann.ID, bob.ID}, c.Recipients(client.EventInvoiceIssued), "recipients while both are active")

	_, err = e.svc.SetContactActive(t.Context(), bob.ID, bob.Version, false)
	if err != nil {
		// Refusing to deactivate a named recipient also keeps the rule.
		require.ErrorIs(t, err, psa.ErrPrecondition)
		return
	}
	got := e.get(t, c.ID).Recipients(client.EventInvoiceIssued)
	require.NotContains(t, got, bob.ID, "a deactivated contact is still a recipient of %s", client.EventInvoiceIssued)
}

// TestConcurrentFirstContacts checks that contacts added at the same time to a client without a
// primary contact leave exactly one of them primary.
func TestConcurrentFirstContacts(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	const n = 8
	added := make([]client.Contact, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			added[i], errs[i] = e.svc.AddContact(t.Context(), c.ID, client.NewContact{ContactInfo: client.ContactInfo{
				FirstName: fmt.Sprintf("c%d", i), Email: fmt.Sprintf("c%d@example.com", i),
			}})
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, e.contacts(t, c.ID), n)
	c = e.get(t, c.ID)
	require.Equal(t, int64(2), c.Version, "only the first contact touches the client")
	require.Contains(t, contactIDs(added), c.PrimaryContactID)
}
