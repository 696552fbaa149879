package psa_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
)

func TestIDs(t *testing.T) {
	a, err := psa.NewID[psa.ClientID](nil)
	require.NoError(t, err)
	b, err := psa.NewID[psa.ClientID](nil)
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	require.Equal(t, uuid.Version(7), a.Version(), "default IDs are UUIDv7")
	require.False(t, psa.IsNil(a))
	require.True(t, psa.IsNil(psa.ClientID{}))

	fixed := uuid.MustParse("00000000-0000-4000-8000-000000000001")
	c, err := psa.NewID[psa.ContactID](func() (uuid.UUID, error) { return fixed, nil })
	require.NoError(t, err)
	require.Equal(t, fixed, c.UUID)

	boom := errors.New("entropy exhausted")
	_, err = psa.NewID[psa.ContactID](func() (uuid.UUID, error) { return uuid.Nil, boom })
	require.ErrorIs(t, err, boom)
	_, err = psa.NewID[psa.ContactID](func() (uuid.UUID, error) { return uuid.Nil, nil })
	require.ErrorIs(t, err, psa.ErrInvalid)

	// IDs keep uuid's text form, so JSON carries them as strings.
	type doc struct {
		Client psa.ClientID `json:"client"`
	}
	raw, err := json.Marshal(doc{a})
	require.NoError(t, err)
	require.JSONEq(t, `{"client":"`+a.String()+`"}`, string(raw))
	var back doc
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, a, back.Client)

	parsed, err := psa.ParseID[psa.ClientID]("clientId", a.String())
	require.NoError(t, err)
	require.Equal(t, a, parsed)
	_, err = psa.ParseID[psa.ClientID]("clientId", "nope")
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok)
	require.Equal(t, psa.FieldError{Field: "clientId", Value: "nope", Reason: "is not a UUID"}, ve.Fields[0])
}
