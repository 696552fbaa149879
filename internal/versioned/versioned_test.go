package versioned_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/internal/versioned"
)

type thing struct {
	Name    string
	Version int64
	Updated time.Time
}

// store is a one-object store whose runner commits fn's writes only when fn succeeds.
type store struct{ puts int }

type tx struct {
	s     *store
	value *thing
}

var committed = thing{Name: "a", Version: 1}

func (t *tx) get(_ context.Context, _ psa.ClientID) (thing, error) { return *t.value, nil }

func (t *tx) put(_ context.Context, v thing) error {
	t.s.puts++
	v.Version++
	*t.value = v
	return nil
}

func (s *store) run(v *thing) psa.Runner[*tx] {
	return func(ctx context.Context, fn func(context.Context, *tx) error) error {
		work := *v
		if err := fn(ctx, &tx{s: s, value: &work}); err != nil {
			return err
		}
		*v = work
		return nil
	}
}

func TestUpdate(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	stamp := func(v *thing) (*int64, *time.Time) { return &v.Version, &v.Updated }
	id := psa.ClientID{UUID: uuid.UUID{15: 1}}
	rename := func(name string) func(context.Context, *tx, *thing) error {
		return func(_ context.Context, _ *tx, v *thing) error { v.Name = name; return nil }
	}
	clock := func() time.Time { return now }

	t.Run("applies, stamps and returns the stored version", func(t *testing.T) {
		s, v := &store{}, committed
		after := 0
		got, err := versioned.Update(t.Context(), s.run(&v), "thing", id, 1, (*tx).get, (*tx).put, stamp, clock, rename("b"),
			func(context.Context, *tx, thing) error { after++; return nil })
		require.NoError(t, err)
		require.Equal(t, thing{Name: "b", Version: 2, Updated: now}, got)
		require.Equal(t, got, v)
		require.Equal(t, 1, after)
	})
	t.Run("a stale version changes nothing", func(t *testing.T) {
		s, v := &store{}, committed
		_, err := versioned.Update(t.Context(), s.run(&v), "thing", id, 7, (*tx).get, (*tx).put, stamp, clock, rename("b"), nil)
		conflict, ok := errors.AsType[*psa.VersionConflictError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, psa.VersionConflictError{Kind: "thing", ID: id.String(), Given: 7, Stored: 1}, *conflict)
		require.Equal(t, committed, v)
		require.Zero(t, s.puts)
	})
	t.Run("ErrUnchanged stores nothing", func(t *testing.T) {
		s, v := &store{}, committed
		got, err := versioned.Update(t.Context(), s.run(&v), "thing", id, 1, (*tx).get, (*tx).put, stamp, clock,
			func(context.Context, *tx, *thing) error { return versioned.ErrUnchanged }, nil)
		require.NoError(t, err)
		require.Equal(t, committed, got)
		require.Zero(t, s.puts)
	})
	t.Run("a failing change or after rolls back", func(t *testing.T) {
		boom := errors.New("boom")
		s, v := &store{}, committed
		_, err := versioned.Update(t.Context(), s.run(&v), "thing", id, 1, (*tx).get, (*tx).put, stamp, clock, rename("b"),
			func(context.Context, *tx, thing) error { return boom })
		require.ErrorIs(t, err, boom)
		require.Equal(t, committed, v)
	})
	t.Run("objects without an update time", func(t *testing.T) {
		s, v := &store{}, committed
		got, err := versioned.Update(t.Context(), s.run(&v), "thing", id, 1, (*tx).get, (*tx).put,
			func(v *thing) (*int64, *time.Time) { return &v.Version, nil }, clock, rename("c"), nil)
		require.NoError(t, err)
		require.Equal(t, thing{Name: "c", Version: 2}, got)
	})
}
