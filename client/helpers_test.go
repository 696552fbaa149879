package client_test

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
)

// t0 is the fixed instant every test service starts its clock at.
var t0 = time.Date(2025, time.March, 14, 9, 30, 0, 0, time.UTC)

// cmpOpts compares the library's values: currencies and payment terms by ==, money with Equal,
// and nil and empty slices as equal.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b currency.Unit) bool { return a == b }),
	cmp.Comparer(func(a, b psa.PaymentTerms) bool { return a == b }),
	cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) }),
	cmpopts.EquateEmpty(),
}

// seqIDs returns a deterministic IDFunc: 00000000-0000-0000-0000-000000000001, ...002, ... in
// ascending order, so that listings come in creation order.
func seqIDs() psa.IDFunc {
	var (
		mu sync.Mutex
		n  uint64
	)
	return func() (uuid.UUID, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[8:], n)
		return u, nil
	}
}

// env is a client Service on an empty memstore with a settable fixed clock and deterministic IDs.
type env struct {
	store *memstore.Store
	svc   *client.Service
	now   time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{store: memstore.New(), now: t0}
	e.svc = client.NewService(memstore.Runner[client.Tx](e.store), &client.Options{Options: psa.Options{
		Now:   func() time.Time { return e.now },
		NewID: seqIDs(),
	}})
	return e
}

// create stores a client with name (and the rest of in) and fails the test on error.
func (e *env) create(t *testing.T, in client.NewClient) client.Client {
	t.Helper()
	c, err := e.svc.Create(t.Context(), in)
	require.NoError(t, err)
	return c
}

// named stores a bare client called name.
func (e *env) named(t *testing.T, name string) client.Client {
	t.Helper()
	return e.create(t, client.NewClient{Profile: client.Profile{Name: name}})
}

// sub stores a client called name under parent, billed to the parent when billToParent.
func (e *env) sub(t *testing.T, name string, parent psa.ClientID, billToParent bool) client.Client {
	t.Helper()
	return e.create(t, client.NewClient{Profile: client.Profile{Name: name}, ParentID: parent, BillToParent: billToParent})
}

// get returns the stored client id.
func (e *env) get(t *testing.T, id psa.ClientID) client.Client {
	t.Helper()
	c, err := e.svc.Get(t.Context(), id)
	require.NoError(t, err)
	return c
}

// clients returns every stored client.
func (e *env) clients(t *testing.T) []client.Client {
	t.Helper()
	all, err := psa.All(t.Context(), e.svc.List)
	require.NoError(t, err)
	return all
}

// contacts returns every stored contact of client id.
func (e *env) contacts(t *testing.T, id psa.ClientID) []client.Contact {
	t.Helper()
	all, err := psa.All(t.Context(), func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Contact], error) {
		return e.svc.ListContacts(ctx, id, p)
	})
	require.NoError(t, err)
	return all
}

// assets returns every stored asset of client id.
func (e *env) assets(t *testing.T, id psa.ClientID) []client.Asset {
	t.Helper()
	all, err := psa.All(t.Context(), func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Asset], error) {
		return e.svc.ListAssets(ctx, id, p)
	})
	require.NoError(t, err)
	return all
}

// contact adds an active contact with first name first to client id.
func (e *env) contact(t *testing.T, id psa.ClientID, first string) client.Contact {
	t.Helper()
	ct, err := e.svc.AddContact(t.Context(), id, client.NewContact{ContactInfo: client.ContactInfo{
		FirstName: first, LastName: "Doe", Email: first + "@example.com",
	}})
	require.NoError(t, err)
	return ct
}

// withBilling gives client id complete billing information (in USD) and returns the client.
func (e *env) withBilling(t *testing.T, id psa.ClientID) client.Client {
	t.Helper()
	c := e.get(t, id)
	c, err := e.svc.SetBillingInfo(t.Context(), id, c.Version, billing(t))
	require.NoError(t, err)
	return c
}

// billing returns complete billing information in USD, net 30.
func billing(t testing.TB) client.BillingInfo {
	t.Helper()
	usd, err := psa.ParseCurrency("USD")
	require.NoError(t, err)
	terms, err := psa.NetDays(30)
	require.NoError(t, err)
	return client.BillingInfo{
		Address:      psa.Address{Line1: "1 Main Street", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
		Attention:    "Accounts Payable",
		InvoiceEmail: "ap@example.com",
		TaxRegion:    "US-IL",
		TaxID:        "12-3456789",
		Currency:     usd,
		PaymentTerms: terms,
	}
}

// address returns a complete company address.
func address() psa.Address {
	return psa.Address{Line1: "42 Harbour Road", City: "Bristol", PostalCode: "BS1 5TY", Country: "GB"}
}

func money(t testing.TB, amount, cur string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(amount, cur)
	require.NoError(t, err)
	return m
}

func staffID(n byte) psa.StaffID {
	var u uuid.UUID
	u[0], u[15] = 0x5a, n
	return psa.StaffID{UUID: u}
}

func contactID(n byte) psa.ContactID {
	var u uuid.UUID
	u[0], u[15] = 0xc0, n
	return psa.ContactID{UUID: u}
}

func clientID(n byte) psa.ClientID {
	var u uuid.UUID
	u[0], u[15] = 0xc1, n
	return psa.ClientID{UUID: u}
}

// field is the part of a psa.FieldError a test asserts: the field and the value, not the wording.
type field struct{ Field, Value string }

// validationFields asserts that err is a *psa.ValidationError (and ErrInvalid) and returns its
// fields and values.
func validationFields(t *testing.T, err error) []field {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrInvalid)
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.Truef(t, ok, "error %v (%T) is not a *psa.ValidationError", err, err)
	out := make([]field, len(ve.Fields))
	for i, f := range ve.Fields {
		require.NotEmptyf(t, f.Reason, "field %s has no reason", f.Field)
		out[i] = field{f.Field, f.Value}
	}
	return out
}

// fieldNames returns only the names of fields.
func fieldNames(fs []field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Field
	}
	return out
}

// diff fails the test when got and want differ.
func diff(t *testing.T, want, got any, what string) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpOpts); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}
