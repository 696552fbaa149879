package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
)

var allBillingFields = []client.BillingField{
	client.BillingAddress, client.BillingInvoiceEmail, client.BillingTaxRegion, client.BillingCurrency, client.BillingPaymentTerms,
}

func TestRequiredBillingFields(t *testing.T) {
	diff(t, allBillingFields, client.RequiredBillingFields, "required fields")
}

func TestBillingInfoMissing(t *testing.T) {
	with := func(change func(b *client.BillingInfo)) client.BillingInfo {
		b := billing(t)
		change(&b)
		return b
	}
	tests := []struct {
		name string
		b    client.BillingInfo
		want []client.BillingField
	}{
		{"complete", billing(t), nil},
		{"nothing given", client.BillingInfo{}, allBillingFields},
		{"optional fields empty", with(func(b *client.BillingInfo) { b.Attention, b.TaxID, b.InvoiceTemplate = "", "", "" }), nil},
		{"no address", with(func(b *client.BillingInfo) { b.Address = psa.Address{} }), []client.BillingField{client.BillingAddress}},
		{"address without city", with(func(b *client.BillingInfo) { b.Address.City = "" }), []client.BillingField{client.BillingAddress}},
		{"address with unknown country", with(func(b *client.BillingInfo) { b.Address.Country = "ZZ" }), []client.BillingField{client.BillingAddress}},
		{"no invoice e-mail", with(func(b *client.BillingInfo) { b.InvoiceEmail = "" }), []client.BillingField{client.BillingInvoiceEmail}},
		{"malformed invoice e-mail", with(func(b *client.BillingInfo) { b.InvoiceEmail = "ap at example.com" }), []client.BillingField{client.BillingInvoiceEmail}},
		{"invoice e-mail with display name", with(func(b *client.BillingInfo) { b.InvoiceEmail = "AP <ap@example.com>" }), []client.BillingField{client.BillingInvoiceEmail}},
		{"blank tax region", with(func(b *client.BillingInfo) { b.TaxRegion = "  " }), []client.BillingField{client.BillingTaxRegion}},
		{"no currency", with(func(b *client.BillingInfo) { b.Currency = currency.Unit{} }), []client.BillingField{client.BillingCurrency}},
		{"currency XXX", with(func(b *client.BillingInfo) { b.Currency = currency.XXX }), []client.BillingField{client.BillingCurrency}},
		{"no payment terms", with(func(b *client.BillingInfo) { b.PaymentTerms = psa.PaymentTerms{} }), []client.BillingField{client.BillingPaymentTerms}},
		{"due on receipt is terms", with(func(b *client.BillingInfo) { b.PaymentTerms = psa.DueOnReceipt() }), nil},
		{
			"several missing, in RequiredBillingFields order",
			with(func(b *client.BillingInfo) {
				b.PaymentTerms, b.InvoiceEmail, b.Address = psa.PaymentTerms{}, "", psa.Address{}
			}),
			[]client.BillingField{client.BillingAddress, client.BillingInvoiceEmail, client.BillingPaymentTerms},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diff(t, tt.want, tt.b.Missing(), "missing fields")
			require.Equal(t, len(tt.want) == 0, tt.b.Complete(), "Complete")
			require.Equal(t, len(tt.want) == 0, tt.b.Validate() == nil, "Validate agrees with Missing")
		})
	}
}

func TestBillingInfoIsZero(t *testing.T) {
	require.True(t, client.BillingInfo{}.IsZero())
	require.False(t, billing(t).IsZero())
	require.False(t, client.BillingInfo{TaxID: "x"}.IsZero())
	require.False(t, client.BillingInfo{PaymentTerms: psa.DueOnReceipt()}.IsZero())
}

func TestParseCurrencyUnknown(t *testing.T) {
	for _, code := range []string{"ABC", "", "US", "XXX", "usdollar"} {
		t.Run(code, func(t *testing.T) {
			_, err := psa.ParseCurrency(code)
			diff(t, []field{{"currency", code}}, validationFields(t, err), "invalid fields")
		})
	}
}

func TestNetDaysNegative(t *testing.T) {
	terms, err := psa.NetDays(-1)
	diff(t, []field{{"paymentTerms", "-1"}}, validationFields(t, err), "invalid fields")
	require.True(t, terms.IsZero(), "refused terms are the zero value")
}

func TestSetBillingInfo(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	b := billing(t)
	got, err := e.svc.SetBillingInfo(t.Context(), c.ID, c.Version, b)
	require.NoError(t, err)
	want := c
	want.Billing = b
	want.Version = 2
	diff(t, want, got, "returned client")
	diff(t, want, e.get(t, c.ID), "stored client")
	require.NoError(t, e.svc.RequireBillingInfo(t.Context(), "approve time", c.ID))
}

// TestSetBillingInfoRefused checks that incomplete or malformed billing information is refused
// with every missing field listed, and that the stored client is unchanged.
func TestSetBillingInfoRefused(t *testing.T) {
	with := func(change func(b *client.BillingInfo)) client.BillingInfo {
		b := billing(t)
		change(&b)
		return b
	}
	abc, abcErr := psa.ParseCurrency("ABC")
	require.Error(t, abcErr)
	negative, termsErr := psa.NetDays(-1)
	require.Error(t, termsErr)

	tests := []struct {
		name string
		b    client.BillingInfo
		want []field
	}{
		{"nothing given", client.BillingInfo{}, []field{
			{"address.line1", ""}, {"address.city", ""}, {"address.country", ""},
			{"invoiceEmail", ""}, {"taxRegion", ""}, {"currency", ""}, {"paymentTerms", ""},
		}},
		{"malformed invoice e-mail", with(func(b *client.BillingInfo) { b.InvoiceEmail = "ap@example" }), []field{{"invoiceEmail", "ap@example"}}},
		{"unknown currency ABC", with(func(b *client.BillingInfo) { b.Currency = abc }), []field{{"currency", ""}}},
		{"negative payment terms", with(func(b *client.BillingInfo) { b.PaymentTerms = negative }), []field{{"paymentTerms", ""}}},
		{"bad country and no tax region", with(func(b *client.BillingInfo) { b.Address.Country, b.TaxRegion = "ZZ", "" }), []field{
			{"address.country", "ZZ"}, {"taxRegion", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			_, err := e.svc.SetBillingInfo(t.Context(), c.ID, c.Version, tt.b)
			diff(t, tt.want, validationFields(t, err), "invalid fields")
			diff(t, c, e.get(t, c.ID), "stored client")
		})
	}
}

// TestSetBillingInfoCurrencyOfRateOverrides checks that billing information cannot switch to a
// currency other than the client's rate overrides'.
func TestSetBillingInfoCurrencyOfRateOverrides(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	c, err := e.svc.SetSettings(t.Context(), c.ID, c.Version, client.Settings{
		RateOverrides: []client.RateOverride{{WorkType: "onsite", Rate: money(t, "150.00", "EUR")}},
	})
	require.NoError(t, err, "without billing information any currency is accepted")

	_, err = e.svc.SetBillingInfo(t.Context(), c.ID, c.Version, billing(t)) // USD
	diff(t, []field{{"currency", "USD"}}, validationFields(t, err), "invalid fields")
	diff(t, c, e.get(t, c.ID), "stored client")

	eur := billing(t)
	eur.Currency = currency.EUR
	_, err = e.svc.SetBillingInfo(t.Context(), c.ID, c.Version, eur)
	require.NoError(t, err)
}

func TestBillingInfoJSON(t *testing.T) {
	tests := []struct {
		name string
		b    client.BillingInfo
	}{
		{"complete", billing(t)},
		{"due on receipt with template", func() client.BillingInfo {
			b := billing(t)
			b.PaymentTerms, b.InvoiceTemplate, b.Currency = psa.DueOnReceipt(), "modern", currency.JPY
			return b
		}()},
		{"nothing given", client.BillingInfo{}},
		{"partial", client.BillingInfo{InvoiceEmail: "ap@example.com", Currency: currency.CHF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(tt.b)
			require.NoError(t, err)
			var got client.BillingInfo
			require.NoError(t, json.Unmarshal(data, &got), "unmarshal %s", data)
			diff(t, tt.b, got, "round trip of "+string(data))
		})
	}

	t.Run("wire form", func(t *testing.T) {
		data, err := json.Marshal(billing(t))
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(data, &m))
		require.Equal(t, "USD", m["currency"])
		require.Equal(t, "net 30", m["paymentTerms"])
		require.Equal(t, "ap@example.com", m["invoiceEmail"])
	})
}

func TestBillingInfoUnmarshalUnknownCurrency(t *testing.T) {
	tests := []struct {
		name, json string
		want       []field
	}{
		{"unknown code", `{"address":{},"invoiceEmail":"ap@example.com","currency":"ABC","paymentTerms":"net 30"}`, []field{{"currency", "ABC"}}},
		{"no currency", `{"currency":"XXX"}`, []field{{"currency", "XXX"}}},
		{"not a code", `{"currency":"dollars"}`, []field{{"currency", "dollars"}}},
		{"negative terms", `{"currency":"USD","paymentTerms":"net -1"}`, []field{{"paymentTerms", "net -1"}}},
		{"terms too long", `{"currency":"USD","paymentTerms":"net 400"}`, []field{{"paymentTerms", "400"}}},
		{"unknown terms", `{"currency":"USD","paymentTerms":"net thirty"}`, []field{{"paymentTerms", "net thirty"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := billing(t)
			b := before
			err := json.Unmarshal([]byte(tt.json), &b)
			diff(t, tt.want, validationFields(t, err), "invalid fields")
			diff(t, before, b, "billing information after a failed unmarshal")
		})
	}
}

// TestBillingInfoUnmarshalJSONErrorsAreInvalid: malformed billing information, whatever is
// malformed, is invalid input (a *psa.ValidationError), and the value is left unchanged.
func TestBillingInfoUnmarshalJSONErrorsAreInvalid(t *testing.T) {
	for _, in := range []string{`{"paymentTerms":30}`, `{"address":[]}`, `{"currency":7}`, `[1]`, `{"taxRegion":"X"`} {
		before := billing(t)
		b := before
		err := b.UnmarshalJSON([]byte(in))
		_, ok := errors.AsType[*psa.ValidationError](err)
		require.True(t, ok && errors.Is(err, psa.ErrInvalid), "%s: %v", in, err)
		diff(t, before, b, "billing information after a failed unmarshal")
	}
}

// setRawBilling stores billing information on client id directly in the store, bypassing the
// service's completeness rule: billing information imported by a host from an older system.
func setRawBilling(t *testing.T, e *env, id psa.ClientID, b client.BillingInfo) {
	t.Helper()
	err := e.store.Run(t.Context(), func(ctx context.Context, tx *memstore.Tx) error {
		c, err := tx.GetClient(ctx, id)
		if err != nil {
			return err
		}
		c.Billing = b
		return tx.UpdateClient(ctx, c)
	})
	require.NoError(t, err)
}

// TestRequireBillingInfo checks the billing-information gate of seed 000: one error naming every
// bill-to client that lacks billing information, with the fields it lacks.
func TestRequireBillingInfo(t *testing.T) {
	e := newEnv(t)
	billed := e.withBilling(t, e.named(t, "Billed").ID)
	bare := e.named(t, "Bare")
	other := e.named(t, "Other")
	parentWithout := e.named(t, "Parent without billing")
	subOfWithout := e.sub(t, "Branch billed to parent without billing", parentWithout.ID, true)
	sub2OfWithout := e.sub(t, "Second branch billed to parent without billing", parentWithout.ID, true)
	parentWith := e.withBilling(t, e.named(t, "Parent with billing").ID)
	subOfWith := e.sub(t, "Branch billed to parent with billing", parentWith.ID, true)
	selfBilledSub := e.sub(t, "Branch billing itself", parentWith.ID, false)
	partial := e.named(t, "Partial")
	setRawBilling(t, e, partial.ID, client.BillingInfo{Address: address(), InvoiceEmail: "ap@partial.example", Currency: currency.GBP})

	all := allBillingFields
	tests := []struct {
		name string
		ids  []psa.ClientID
		want []client.MissingBillingInfo // nil: the gate passes
	}{
		{"no clients", nil, nil},
		{"one client with billing information", []psa.ClientID{billed.ID}, nil},
		{"one client without", []psa.ClientID{bare.ID}, []client.MissingBillingInfo{
			{ClientID: bare.ID, Name: "Bare", Missing: all},
		}},
		{"many clients, every one lacking is named", []psa.ClientID{billed.ID, bare.ID, other.ID}, []client.MissingBillingInfo{
			{ClientID: bare.ID, Name: "Bare", Missing: all},
			{ClientID: other.ID, Name: "Other", Missing: all},
		}},
		{"duplicates are reported once", []psa.ClientID{bare.ID, billed.ID, bare.ID, bare.ID}, []client.MissingBillingInfo{
			{ClientID: bare.ID, Name: "Bare", Missing: all},
		}},
		{"sub-organization billed to a parent without billing names the parent", []psa.ClientID{subOfWithout.ID}, []client.MissingBillingInfo{
			{ClientID: parentWithout.ID, Name: "Parent without billing", Missing: all, For: []psa.ClientID{subOfWithout.ID}},
		}},
		{"parent named once for two sub-organizations and itself", []psa.ClientID{subOfWithout.ID, parentWithout.ID, sub2OfWithout.ID}, []client.MissingBillingInfo{
			{ClientID: parentWithout.ID, Name: "Parent without billing", Missing: all, For: []psa.ClientID{subOfWithout.ID, sub2OfWithout.ID}},
		}},
		{"sub-organization billed to a parent with billing passes", []psa.ClientID{subOfWith.ID}, nil},
		{"sub-organization billing itself needs its own", []psa.ClientID{selfBilledSub.ID}, []client.MissingBillingInfo{
			{ClientID: selfBilledSub.ID, Name: "Branch billing itself", Missing: all},
		}},
		{"partial billing information names the fields it lacks", []psa.ClientID{partial.ID}, []client.MissingBillingInfo{
			{ClientID: partial.ID, Name: "Partial", Missing: []client.BillingField{client.BillingTaxRegion, client.BillingPaymentTerms}},
		}},
		{"mixed, in the order first met", []psa.ClientID{subOfWith.ID, partial.ID, billed.ID, subOfWithout.ID, bare.ID}, []client.MissingBillingInfo{
			{ClientID: partial.ID, Name: "Partial", Missing: []client.BillingField{client.BillingTaxRegion, client.BillingPaymentTerms}},
			{ClientID: parentWithout.ID, Name: "Parent without billing", Missing: all, For: []psa.ClientID{subOfWithout.ID}},
			{ClientID: bare.ID, Name: "Bare", Missing: all},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(t *testing.T, err error) {
				t.Helper()
				if tt.want == nil {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, psa.ErrPrecondition)
				bie, ok := errors.AsType[*client.BillingInfoError](err)
				require.True(t, ok, "error is a *client.BillingInfoError: %v", err)
				diff(t, &client.BillingInfoError{Action: "approve time", Clients: tt.want}, bie, "gate error")
				wantIDs := make([]psa.ClientID, len(tt.want))
				for i, m := range tt.want {
					wantIDs[i] = m.ClientID
					require.True(t, bie.Lacks(m.ClientID), "Lacks(%s)", m.Name)
				}
				diff(t, wantIDs, bie.ClientIDs(), "ClientIDs")
				require.False(t, bie.Lacks(billed.ID), "Lacks a client with billing information")
			}
			t.Run("service", func(t *testing.T) {
				check(t, e.svc.RequireBillingInfo(t.Context(), "approve time", tt.ids...))
			})
			t.Run("function in a transaction", func(t *testing.T) {
				check(t, e.store.Run(t.Context(), func(ctx context.Context, tx *memstore.Tx) error {
					return client.RequireBillingInfo(ctx, tx, "approve time", tt.ids...)
				}))
			})
		})
	}
}

func TestRequireBillingInfoUnknownClient(t *testing.T) {
	e := newEnv(t)
	bare := e.named(t, "Bare")
	err := e.svc.RequireBillingInfo(t.Context(), "bill", bare.ID, clientID(99))
	require.ErrorIs(t, err, psa.ErrNotFound)
	nf, ok := errors.AsType[*psa.NotFoundError](err)
	require.True(t, ok, "error is a *psa.NotFoundError: %v", err)
	require.Equal(t, clientID(99).String(), nf.Key)
	require.NotErrorIs(t, err, psa.ErrPrecondition)
}

func TestBillingInfoErrorMessage(t *testing.T) {
	err := &client.BillingInfoError{Action: "create a sales item", Clients: []client.MissingBillingInfo{
		{ClientID: clientID(1), Name: "Acme", Missing: []client.BillingField{client.BillingCurrency}},
	}}
	require.Contains(t, err.Error(), "psa: cannot create a sales item")
	require.Contains(t, err.Error(), `"Acme"`)
	require.Contains(t, err.Error(), clientID(1).String())
}
