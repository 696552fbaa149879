package psa_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
)

func TestErrorsUnwrapToTheirCategory(t *testing.T) {
	id, err := psa.NewID[psa.ClientID](nil)
	require.NoError(t, err)
	tests := []struct {
		name     string
		err      error
		category error
		message  string
	}{
		{"validation", psa.Invalid("client", "name", "", "is required"), psa.ErrInvalid, "psa: invalid client: name is required"},
		{"not found", psa.NotFound("client", id), psa.ErrNotFound, "psa: client " + id.String() + " not found"},
		{"already exists", &psa.AlreadyExistsError{Kind: "client", Key: "external ID crm-1"}, psa.ErrAlreadyExists, "psa: client external ID crm-1 already exists"},
		{"version conflict", &psa.VersionConflictError{Kind: "client", ID: "c1", Given: 3, Stored: 4}, psa.ErrConflict, "psa: client c1 was changed concurrently: version 3 given, version 4 stored"},
		{"precondition", &psa.PreconditionError{Kind: "contact", ID: "k1", Rule: "is inactive"}, psa.ErrPrecondition, "psa: contact k1: is inactive"},
	}
	categories := []error{psa.ErrNotFound, psa.ErrAlreadyExists, psa.ErrConflict, psa.ErrInvalid, psa.ErrPrecondition, psa.ErrForbidden}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.message {
				t.Errorf("Error() = %q, want %q", got, tt.message)
			}
			for _, c := range categories {
				if got, want := errors.Is(tt.err, c), c == tt.category; got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", c, got, want)
				}
			}
		})
	}
}

func TestValidatorListsEveryField(t *testing.T) {
	var v psa.Validator
	require.True(t, v.OK())
	require.NoError(t, v.Err("thing"))

	v.Require("name", "  ")
	v.Require("kept", "x")
	v.Email("email", "not-an-address", false)
	v.Email("optional", "", false)
	v.Email("required", "", true)
	v.Country("country", "XX")
	v.Merge("address", psa.Address{Country: "DE"}.Validate())
	v.Merge("other", errors.New("boom"))
	v.Merge("none", nil)

	err := v.Err("thing")
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "error %v is not a *ValidationError", err)
	want := []psa.FieldError{
		{Field: "name", Value: "  ", Reason: "is required"},
		{Field: "email", Value: "not-an-address", Reason: "is not an e-mail address"},
		{Field: "required", Reason: "is required"},
		{Field: "country", Value: "XX", Reason: "is not an ISO 3166-1 alpha-2 country code"},
		{Field: "address.line1", Reason: "is required"},
		{Field: "address.city", Reason: "is required"},
		{Field: "other", Reason: "boom"},
	}
	if diff := cmp.Diff(want, ve.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.Equal(t, `psa: invalid thing: name "  " is required; email "not-an-address" is not an e-mail address; required is required; country "XX" is not an ISO 3166-1 alpha-2 country code; address.line1 is required; address.city is required; other boom`, err.Error())
}

func TestValidEmail(t *testing.T) {
	tests := map[string]bool{
		"ann@example.com":        true,
		"ann.lee+psa@sub.ex.org": true,
		"":                       false,
		"ann":                    false,
		"ann@localhost":          false,
		"@example.com":           false,
		"ann@.example.com":       false,
		"ann@example.com.":       false,
		"Ann <ann@example.com>":  false,
		" ann@example.com":       false,
		"ann@@example.com":       false,
	}
	for in, want := range tests {
		if got := psa.ValidEmail(in); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestAddress(t *testing.T) {
	a := psa.Address{Line1: "1 Main St", Line2: "Suite 4", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"}
	require.NoError(t, a.Validate())
	if diff := cmp.Diff([]string{"1 Main St", "Suite 4", "62701 Springfield, IL", "US"}, a.Lines()); diff != "" {
		t.Errorf("Lines (-want +got):\n%s", diff)
	}
	require.True(t, psa.Address{}.IsZero())
	for _, country := range []string{"", "USA", "ZZ", "us1", "001"} {
		err := psa.Address{Line1: "x", City: "y", Country: country}.Validate()
		ve, ok := errors.AsType[*psa.ValidationError](err)
		require.True(t, ok, "country %q: %v", country, err)
		require.Equal(t, "country", ve.Fields[0].Field)
		require.Equal(t, country, ve.Fields[0].Value)
	}
}
