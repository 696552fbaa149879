package psa_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
)

func TestPaymentTerms(t *testing.T) {
	tests := []struct {
		in      string
		days    int
		text    string
		invalid bool
	}{
		{in: "net 30", days: 30, text: "net 30"},
		{in: "NET30", days: 30, text: "net 30"},
		{in: " Net 7 ", days: 7, text: "net 7"},
		{in: "net 0", days: 0, text: "due on receipt"},
		{in: "due on receipt", days: 0, text: "due on receipt"},
		{in: "Due On Receipt", days: 0, text: "due on receipt"},
		{in: "net 365", days: 365, text: "net 365"},
		{in: "net -1", invalid: true},
		// N is digits only: a sign is not part of the written form.
		{in: "net +30", invalid: true},
		{in: "net -0", invalid: true},
		{in: "net 366", invalid: true},
		{in: "net", invalid: true},
		{in: "30", invalid: true},
		{in: "eom", invalid: true},
		{in: "", invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := psa.ParsePaymentTerms(tt.in)
			if tt.invalid {
				ve, ok := errors.AsType[*psa.ValidationError](err)
				require.True(t, ok, "ParsePaymentTerms(%q) = %v, %v; want a *ValidationError", tt.in, got, err)
				require.Equal(t, "paymentTerms", ve.Fields[0].Field)
				require.True(t, got.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.days, got.Days())
			require.Equal(t, tt.text, got.String())
			require.False(t, got.IsZero())
		})
	}
}

func TestPaymentTermsDueDate(t *testing.T) {
	net30, err := psa.NetDays(30)
	require.NoError(t, err)
	require.Equal(t, "2026-03-03", net30.DueDate(psa.NewDate(2026, 2, 1)).String())
	require.Equal(t, "2026-02-01", psa.DueOnReceipt().DueDate(psa.NewDate(2026, 2, 1)).String())

	_, err = psa.NetDays(-1)
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok)
	require.Equal(t, "-1", ve.Fields[0].Value)
}

func TestPaymentTermsJSON(t *testing.T) {
	type doc struct {
		Terms psa.PaymentTerms `json:"terms"`
	}
	net14, err := psa.NetDays(14)
	require.NoError(t, err)
	for _, tt := range []struct {
		terms psa.PaymentTerms
		json  string
	}{
		{net14, `{"terms":"net 14"}`},
		{psa.DueOnReceipt(), `{"terms":"due on receipt"}`},
		{psa.PaymentTerms{}, `{"terms":""}`},
	} {
		raw, err := json.Marshal(doc{tt.terms})
		require.NoError(t, err)
		require.JSONEq(t, tt.json, string(raw))
		var back doc
		require.NoError(t, json.Unmarshal(raw, &back))
		require.Equal(t, tt.terms, back.Terms)
	}
	var back doc
	require.ErrorIs(t, json.Unmarshal([]byte(`{"terms":"net -5"}`), &back), psa.ErrInvalid)
}
