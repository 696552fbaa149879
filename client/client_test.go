package client_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

func TestCreate(t *testing.T) {
	e := newEnv(t)
	b := billing(t)
	in := client.NewClient{
		Profile: client.Profile{
			Name: "Acme Corp", Address: address(), Phone: "+44 117 496 0000", Website: "https://acme.example",
			Industry: "Manufacturing", EmployeeCount: 120,
		},
		Notes:      "prefers e-mail",
		ExternalID: "crm-1",
		Billing:    &b,
	}
	got, err := e.svc.Create(t.Context(), in)
	require.NoError(t, err)

	want := client.Client{
		ID:         got.ID,
		Profile:    in.Profile,
		Status:     client.StatusActive,
		Notes:      "prefers e-mail",
		ExternalID: "crm-1",
		Billing:    b,
		CreatedAt:  t0,
		UpdatedAt:  t0,
		Version:    1,
	}
	require.False(t, psa.IsNil(got.ID), "a new client gets an ID")
	diff(t, want, got, "returned client")
	diff(t, want, e.get(t, got.ID), "stored client")
	diff(t, []client.Client{want}, e.clients(t), "listing")
}

func TestCreateStatus(t *testing.T) {
	tests := []struct {
		name string
		in   client.Status
		want client.Status
	}{
		{"default is active", "", client.StatusActive},
		{"prospect", client.StatusProspect, client.StatusProspect},
		{"active", client.StatusActive, client.StatusActive},
		{"inactive", client.StatusInactive, client.StatusInactive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.create(t, client.NewClient{Profile: client.Profile{Name: "Acme"}, Status: tt.in})
			require.Equal(t, tt.want, c.Status)
			require.Equal(t, tt.want, e.get(t, c.ID).Status)
		})
	}
}

// TestCreateInvalid checks that bad input gets a *psa.ValidationError naming each bad field with
// its value, and that nothing is stored.
func TestCreateInvalid(t *testing.T) {
	badEmail := billing(t)
	badEmail.InvoiceEmail = "accounts payable"
	noCurrency := billing(t)
	noCurrency.Currency = currency.Unit{}
	abc, abcErr := psa.ParseCurrency("ABC")
	require.Error(t, abcErr)
	unknownCurrency := billing(t)
	unknownCurrency.Currency = abc
	negTerms, termsErr := psa.NetDays(-1)
	require.Error(t, termsErr)
	negativeTerms := billing(t)
	negativeTerms.PaymentTerms = negTerms

	tests := []struct {
		name string
		in   client.NewClient
		want []field
	}{
		{
			name: "empty name",
			in:   client.NewClient{},
			want: []field{{"name", ""}},
		},
		{
			name: "blank name",
			in:   client.NewClient{Profile: client.Profile{Name: " \t"}},
			want: []field{{"name", " \t"}},
		},
		{
			name: "unknown country",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme", Address: psa.Address{Line1: "1 Road", City: "Town", Country: "XX"}}},
			want: []field{{"address.country", "XX"}},
		},
		{
			name: "incomplete address",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme", Address: psa.Address{City: "Town"}}},
			want: []field{{"address.line1", ""}, {"address.country", ""}},
		},
		{
			name: "negative employee count",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme", EmployeeCount: -1}},
			want: []field{{"employeeCount", "-1"}},
		},
		{
			name: "website with white space",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme", Website: "acme .example"}},
			want: []field{{"website", "acme .example"}},
		},
		{
			name: "unknown status",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme"}, Status: "archived"},
			want: []field{{"status", "archived"}},
		},
		{
			name: "bill to parent without a parent",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme"}, BillToParent: true},
			want: []field{{"billToParent", "true"}},
		},
		{
			name: "malformed invoice e-mail",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme"}, Billing: &badEmail},
			want: []field{{"billing.invoiceEmail", "accounts payable"}},
		},
		{
			name: "billing without currency",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme"}, Billing: &noCurrency},
			want: []field{{"billing.currency", ""}},
		},
		{
			name: "billing with unknown currency ABC",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme"}, Billing: &unknownCurrency},
			want: []field{{"billing.currency", ""}},
		},
		{
			name: "billing with negative payment terms",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme"}, Billing: &negativeTerms},
			want: []field{{"billing.paymentTerms", ""}},
		},
		{
			name: "empty billing information",
			in:   client.NewClient{Profile: client.Profile{Name: "Acme"}, Billing: &client.BillingInfo{}},
			want: []field{
				{"billing.address.line1", ""}, {"billing.address.city", ""}, {"billing.address.country", ""},
				{"billing.invoiceEmail", ""}, {"billing.taxRegion", ""}, {"billing.currency", ""}, {"billing.paymentTerms", ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.svc.Create(t.Context(), tt.in)
			diff(t, tt.want, validationFields(t, err), "invalid fields")
			require.Empty(t, e.clients(t), "nothing is stored")
		})
	}
}

// TestCreateReportsEveryField checks that one ValidationError lists every bad field at once, in
// input order.
func TestCreateReportsEveryField(t *testing.T) {
	e := newEnv(t)
	b := billing(t)
	b.Currency = currency.Unit{}
	b.InvoiceEmail = "ap@"
	_, err := e.svc.Create(t.Context(), client.NewClient{
		Profile: client.Profile{Name: "", Address: psa.Address{Line1: "1 Road", City: "Town", Country: "Narnia"}},
		Billing: &b,
	})
	got := validationFields(t, err)
	diff(t, []string{"name", "address.country", "billing.invoiceEmail", "billing.currency"}, fieldNames(got), "field names")
	diff(t, []field{{"name", ""}, {"address.country", "Narnia"}, {"billing.invoiceEmail", "ap@"}, {"billing.currency", ""}}, got, "fields")
	ve, _ := errors.AsType[*psa.ValidationError](err)
	require.Equal(t, "client", ve.Object)
	require.True(t, strings.HasPrefix(err.Error(), "psa: "), "message starts with psa: %q", err)
	require.Empty(t, e.clients(t), "nothing is stored")
}

func TestCreateUnknownParent(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "Branch"}, ParentID: clientID(9)})
	require.ErrorIs(t, err, psa.ErrNotFound)
	nf, ok := errors.AsType[*psa.NotFoundError](err)
	require.True(t, ok, "error is a *psa.NotFoundError: %v", err)
	require.Equal(t, clientID(9).String(), nf.Key)
	require.Empty(t, e.clients(t), "nothing is stored")
}

func TestCreateExternalIDTaken(t *testing.T) {
	e := newEnv(t)
	first := e.create(t, client.NewClient{Profile: client.Profile{Name: "Acme"}, ExternalID: "crm-7"})
	_, err := e.svc.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "Acme again"}, ExternalID: "crm-7"})
	require.ErrorIs(t, err, psa.ErrAlreadyExists)
	_, ok := errors.AsType[*psa.AlreadyExistsError](err)
	require.True(t, ok, "error is a *psa.AlreadyExistsError: %v", err)
	diff(t, []client.Client{first}, e.clients(t), "stored clients")
}

func TestUpdateProfile(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	e.now = t0.Add(time.Hour)
	p := client.Profile{Name: "Acme Corporation", Address: address(), Industry: "Retail"}
	got, err := e.svc.UpdateProfile(t.Context(), c.ID, c.Version, p)
	require.NoError(t, err)

	want := c
	want.Profile = p
	want.UpdatedAt = t0.Add(time.Hour)
	want.Version = 2
	diff(t, want, got, "returned client")
	diff(t, want, e.get(t, c.ID), "stored client")
}

func TestUpdateProfileInvalid(t *testing.T) {
	tests := []struct {
		name string
		p    client.Profile
		want []field
	}{
		{"empty name", client.Profile{}, []field{{"name", ""}}},
		{"bad country", client.Profile{Name: "Acme", Address: psa.Address{Line1: "1 Road", City: "Town", Country: "usa"}}, []field{{"address.country", "usa"}}},
		{"too many employees", client.Profile{Name: "Acme", EmployeeCount: client.MaxEmployeeCount + 1}, []field{{"employeeCount", "10000001"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			_, err := e.svc.UpdateProfile(t.Context(), c.ID, c.Version, tt.p)
			diff(t, tt.want, validationFields(t, err), "invalid fields")
			diff(t, c, e.get(t, c.ID), "stored client")
		})
	}
}

func TestSetStatus(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	for i, s := range []client.Status{client.StatusInactive, client.StatusProspect, client.StatusActive} {
		var err error
		c, err = e.svc.SetStatus(t.Context(), c.ID, c.Version, s)
		require.NoError(t, err)
		require.Equal(t, s, c.Status)
		require.Equal(t, int64(i+2), c.Version)
		diff(t, c, e.get(t, c.ID), "stored client")
	}

	_, err := e.svc.SetStatus(t.Context(), c.ID, c.Version, "deleted")
	diff(t, []field{{"status", "deleted"}}, validationFields(t, err), "invalid fields")
	diff(t, c, e.get(t, c.ID), "stored client after a refused status")
}

func TestSetNotes(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	got, err := e.svc.SetNotes(t.Context(), c.ID, c.Version, "gate code 1234")
	require.NoError(t, err)
	require.Equal(t, "gate code 1234", got.Notes)
	diff(t, got, e.get(t, c.ID), "stored client")
}

func TestUpdateUnknownClient(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.SetNotes(t.Context(), clientID(1), 1, "x")
	require.ErrorIs(t, err, psa.ErrNotFound)
	_, err = e.svc.Get(t.Context(), clientID(1))
	require.ErrorIs(t, err, psa.ErrNotFound)
}

// TestStaleVersion checks that every update made against a version that is not the stored one
// fails with a *psa.VersionConflictError and changes nothing.
func TestStaleVersion(t *testing.T) {
	type op func(e *env, c client.Client, ct client.Contact, version int64) error
	ctx := t.Context
	clientOps := []struct {
		name string
		op   op
	}{
		{"UpdateProfile", func(e *env, c client.Client, _ client.Contact, v int64) error {
			_, err := e.svc.UpdateProfile(ctx(), c.ID, v, client.Profile{Name: "Renamed"})
			return err
		}},
		{"SetStatus", func(e *env, c client.Client, _ client.Contact, v int64) error {
			_, err := e.svc.SetStatus(ctx(), c.ID, v, client.StatusInactive)
			return err
		}},
		{"SetNotes", func(e *env, c client.Client, _ client.Contact, v int64) error {
			_, err := e.svc.SetNotes(ctx(), c.ID, v, "notes")
			return err
		}},
		{"SetParent", func(e *env, c client.Client, _ client.Contact, v int64) error {
			_, err := e.svc.SetParent(ctx(), c.ID, v, psa.ClientID{}, false)
			return err
		}},
		{"SetBillingInfo", func(e *env, c client.Client, _ client.Contact, v int64) error {
			_, err := e.svc.SetBillingInfo(ctx(), c.ID, v, billing(t))
			return err
		}},
		{"SetAccountTeam", func(e *env, c client.Client, _ client.Contact, v int64) error {
			_, err := e.svc.SetAccountTeam(ctx(), c.ID, v, staffID(1), nil)
			return err
		}},
		{"SetSettings", func(e *env, c client.Client, _ client.Contact, v int64) error {
			_, err := e.svc.SetSettings(ctx(), c.ID, v, client.Settings{SelfManagedProfile: true})
			return err
		}},
		{"SetPrimaryContact", func(e *env, c client.Client, ct client.Contact, v int64) error {
			_, err := e.svc.SetPrimaryContact(ctx(), c.ID, v, ct.ID)
			return err
		}},
	}
	for _, tt := range clientOps {
		for _, stale := range []int64{0, 1, 3} {
			t.Run(fmt.Sprintf("%s/version %d", tt.name, stale), func(t *testing.T) {
				e := newEnv(t)
				c := e.named(t, "Acme")
				ct := e.contact(t, c.ID, "ann") // the first contact moves the client to version 2
				c = e.get(t, c.ID)
				require.Equal(t, int64(2), c.Version)

				err := tt.op(e, c, ct, stale)
				require.ErrorIs(t, err, psa.ErrConflict)
				vc, ok := errors.AsType[*psa.VersionConflictError](err)
				require.True(t, ok, "error is a *psa.VersionConflictError: %v", err)
				diff(t, &psa.VersionConflictError{Kind: "client", ID: c.ID.String(), Given: stale, Stored: 2}, vc, "conflict")
				diff(t, c, e.get(t, c.ID), "stored client")
			})
		}
	}

	contactOps := []struct {
		name string
		op   op
	}{
		{"UpdateContact", func(e *env, _ client.Client, ct client.Contact, v int64) error {
			_, err := e.svc.UpdateContact(ctx(), ct.ID, v, client.ContactInfo{FirstName: "Anne"})
			return err
		}},
		{"SetContactActive", func(e *env, _ client.Client, ct client.Contact, v int64) error {
			_, err := e.svc.SetContactActive(ctx(), ct.ID, v, false)
			return err
		}},
	}
	for _, tt := range contactOps {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			ct := e.contact(t, c.ID, "ann")
			ct, err := e.svc.UpdateContact(t.Context(), ct.ID, ct.Version, client.ContactInfo{FirstName: "Ann", Email: "ann@example.com"})
			require.NoError(t, err)
			require.Equal(t, int64(2), ct.Version)
			c = e.get(t, c.ID)

			err = tt.op(e, c, ct, 1)
			require.ErrorIs(t, err, psa.ErrConflict)
			vc, ok := errors.AsType[*psa.VersionConflictError](err)
			require.True(t, ok, "error is a *psa.VersionConflictError: %v", err)
			diff(t, &psa.VersionConflictError{Kind: "contact", ID: ct.ID.String(), Given: 1, Stored: 2}, vc, "conflict")
			diff(t, []client.Contact{ct}, e.contacts(t, c.ID), "stored contacts")
			diff(t, c, e.get(t, c.ID), "stored client")
		})
	}
}

func TestListPages(t *testing.T) {
	e := newEnv(t)
	var want []string
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		e.named(t, name)
		want = append(want, name)
	}
	var got []string
	req := psa.PageRequest{Limit: 2}
	for pages := 1; ; pages++ {
		p, err := e.svc.List(t.Context(), req)
		require.NoError(t, err)
		require.LessOrEqual(t, len(p.Items), 2)
		got = append(got, names(p.Items)...)
		if p.Next == "" {
			require.Equal(t, 3, pages)
			break
		}
		req.Cursor = p.Next
	}
	diff(t, want, got, "clients in creation (ID) order")

	_, err := e.svc.List(t.Context(), psa.PageRequest{Limit: -1})
	require.ErrorIs(t, err, psa.ErrInvalid)
	_, err = e.svc.List(t.Context(), psa.PageRequest{Cursor: "not-a-cursor"})
	require.ErrorIs(t, err, psa.ErrInvalid)
}

// TestErrorMessages checks the message convention: every error starts with "psa: ".
func TestErrorMessages(t *testing.T) {
	for _, err := range []error{
		&client.PrimaryContactError{ClientID: clientID(1), Current: contactID(2)},
		&client.CycleError{Client: clientID(1), Parent: clientID(1), Path: []psa.ClientID{clientID(1)}},
		&client.BillingInfoError{Clients: []client.MissingBillingInfo{{ClientID: clientID(1), Name: "Acme", Missing: []client.BillingField{client.BillingCurrency}}}},
	} {
		t.Run(fmt.Sprintf("%T", err), func(t *testing.T) {
			require.True(t, strings.HasPrefix(err.Error(), "psa: "), "message %q", err)
			require.Contains(t, err.Error(), clientID(1).String(), "message names the client")
		})
	}
}

func TestAutoAssignIsZero(t *testing.T) {
	require.True(t, client.AutoAssign{}.IsZero())
	require.False(t, client.AutoAssign{TechnicianID: staffID(1)}.IsZero())
	require.False(t, client.AutoAssign{QueueID: psa.QueueID{UUID: clientID(1).UUID}}.IsZero())
}

// TestClientJSON checks that a client with every part set survives a JSON round trip, as a host
// storing clients as documents needs.
func TestClientJSON(t *testing.T) {
	e := newEnv(t)
	c := onboarded(t, e)
	parent := e.named(t, "Parent")
	c, err := e.svc.SetParent(t.Context(), c.ID, c.Version, parent.ID, false)
	require.NoError(t, err)
	c, err = e.svc.SetAccountTeam(t.Context(), c.ID, c.Version, staffID(1), []psa.StaffID{staffID(2)})
	require.NoError(t, err)
	set := c.Settings
	set.SelfManagedProfile = true
	set.PortalTicketCategories = []string{"Hardware"}
	set.RateOverrides = []client.RateOverride{{Role: "engineer", Rate: money(t, "150.00", "USD")}}
	set.AutoAssign = client.AutoAssign{TechnicianID: staffID(3)}
	c, err = e.svc.SetSettings(t.Context(), c.ID, c.Version, set)
	require.NoError(t, err)

	data, err := json.Marshal(c)
	require.NoError(t, err)
	var got client.Client
	require.NoError(t, json.Unmarshal(data, &got), "unmarshal %s", data)
	diff(t, c, got, "round trip")
}
