package billing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
)

type env struct {
	store   *memstore.Store
	clients *client.Service
	billing *billing.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	opts := psa.Options{Now: func() time.Time { return now }}
	s := memstore.New()
	b, err := billing.NewService(memstore.Runner[billing.Tx](s), &billing.Options{Options: opts})
	require.NoError(t, err)
	return &env{store: s, clients: client.NewService(memstore.Runner[client.Tx](s), &client.Options{Options: opts}), billing: b}
}

func (e *env) client(t *testing.T, name, cur string, parent psa.ClientID) client.Client {
	t.Helper()
	in := client.NewClient{Profile: client.Profile{Name: name}, ParentID: parent, BillToParent: !psa.IsNil(parent)}
	if cur != "" {
		u, err := psa.ParseCurrency(cur)
		require.NoError(t, err)
		terms, err := psa.NetDays(14)
		require.NoError(t, err)
		in.Billing = &client.BillingInfo{Address: psa.Address{Line1: "1 Main St", City: "Springfield", Country: "US"},
			InvoiceEmail: "ap@example.com", TaxRegion: "US-IL", Currency: u, PaymentTerms: terms}
	}
	c, err := e.clients.Create(t.Context(), in)
	require.NoError(t, err)
	return c
}

func item(t *testing.T, qty, price, cur string) billing.Item {
	t.Helper()
	p, err := psa.ParseMoney(price, cur)
	require.NoError(t, err)
	return billing.Item{Description: "Label printer", Quantity: decimal.RequireFromString(qty), UnitPrice: p, Date: psa.NewDate(2026, 11, 20)}
}

func (e *env) items(t *testing.T, id psa.ClientID) []billing.SalesItem {
	t.Helper()
	var out []billing.SalesItem
	require.NoError(t, memstore.Runner[billing.Tx](e.store)(t.Context(), func(ctx context.Context, tx billing.Tx) error {
		p, err := tx.ListSalesItems(ctx, id, psa.PageRequest{})
		out = p.Items
		return err
	}))
	return out
}

// TestSalesItemNeedsBillingInfo: seed 000 — creating a sales item for a client without billing
// information is refused with the gate's error and stores nothing; a sub-organization billed to
// a parent with billing information can have one.
func TestSalesItemNeedsBillingInfo(t *testing.T) {
	e := newEnv(t)
	bare := e.client(t, "Bare", "", psa.ClientID{})
	_, err := e.billing.CreateSalesItem(t.Context(), bare.ID, item(t, "1", "300.00", "USD"))
	bie, ok := errors.AsType[*client.BillingInfoError](err)
	require.True(t, ok, "%v", err)
	require.True(t, bie.Lacks(bare.ID))
	require.ErrorIs(t, err, psa.ErrPrecondition)
	require.Empty(t, e.items(t, bare.ID))

	parent := e.client(t, "Parent", "USD", psa.ClientID{})
	sub := e.client(t, "Sub", "", parent.ID)
	si, err := e.billing.CreateSalesItem(t.Context(), sub.ID, item(t, "2", "150.00", "USD"))
	require.NoError(t, err)
	require.Equal(t, "300.00 USD", si.Amount(psa.RoundHalfUp).String())
}

// TestSalesItemInvalid: bad input names field and value, and nothing is stored.
func TestSalesItemInvalid(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "Acme", "USD", psa.ClientID{})
	tests := []struct {
		name  string
		item  billing.Item
		field string
		value string
	}{
		{"negative quantity", item(t, "-1", "10.00", "USD"), "quantity", "-1"},
		{"zero quantity", item(t, "0", "10.00", "USD"), "quantity", "0"},
		{"negative price", item(t, "1", "-10.00", "USD"), "unitPrice", "-10.00 USD"},
		{"other currency", item(t, "1", "10.00", "EUR"), "unitPrice", "10.00 EUR"},
		{"no description", func() billing.Item { it := item(t, "1", "10.00", "USD"); it.Description = " "; return it }(), "description", " "},
		{"no date", func() billing.Item { it := item(t, "1", "10.00", "USD"); it.Date = psa.Date{}; return it }(), "date", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.billing.CreateSalesItem(t.Context(), c.ID, tt.item)
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok, "%v", err)
			if diff := cmp.Diff([]psa.FieldError{{Field: tt.field, Value: tt.value, Reason: ve.Fields[0].Reason}}, ve.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			require.Empty(t, e.items(t, c.ID))
		})
	}
}

// TestSalesItemChangeOfClient: a sales item cannot be moved to a client without billing
// information (seed 000), and a billed item is locked.
func TestSalesItemChangeOfClient(t *testing.T) {
	e := newEnv(t)
	acme := e.client(t, "Acme", "USD", psa.ClientID{})
	bare := e.client(t, "Bare", "", psa.ClientID{})
	other := e.client(t, "Other", "USD", psa.ClientID{})
	si, err := e.billing.CreateSalesItem(t.Context(), acme.ID, item(t, "1", "99.00", "USD"))
	require.NoError(t, err)

	_, err = e.billing.UpdateSalesItem(t.Context(), si.ID, si.Version, bare.ID, si.Item)
	_, ok := errors.AsType[*client.BillingInfoError](err)
	require.True(t, ok, "%v", err)
	stored, err := e.billing.SalesItem(t.Context(), si.ID)
	require.NoError(t, err)
	require.Equal(t, acme.ID, stored.ClientID)
	require.Equal(t, si.Version, stored.Version)

	moved, err := e.billing.UpdateSalesItem(t.Context(), si.ID, si.Version, other.ID, si.Item)
	require.NoError(t, err)
	require.Equal(t, other.ID, moved.ClientID)
	_, err = e.billing.UpdateSalesItem(t.Context(), si.ID, si.Version, other.ID, si.Item)
	require.ErrorIs(t, err, psa.ErrConflict, "stale version")

	// An invoice claims the item (as the billing run will): it is locked.
	require.NoError(t, memstore.Runner[billing.Tx](e.store)(t.Context(), func(ctx context.Context, tx billing.Tx) error {
		it, err := tx.GetSalesItem(ctx, si.ID)
		require.NoError(t, err)
		it.InvoiceID = psa.InvoiceID{UUID: it.ID.UUID}
		return tx.UpdateSalesItem(ctx, it)
	}))
	billed, err := e.billing.SalesItem(t.Context(), si.ID)
	require.NoError(t, err)
	_, err = e.billing.UpdateSalesItem(t.Context(), si.ID, billed.Version, other.ID, item(t, "5", "1.00", "USD"))
	le, ok := errors.AsType[*billing.LockedError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, si.ID, le.SalesItemID)
	require.ErrorIs(t, err, psa.ErrPrecondition)
}
