package psa_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
)

type store struct{ committed []string }

type tx struct{ writes []string }

func (t *tx) Write(s string) { t.writes = append(t.writes, s) }

type writer interface{ Write(string) }

type reader interface{ Read() string }

func (s *store) run(ctx context.Context, fn func(ctx context.Context, t *tx) error) error {
	t := &tx{}
	if err := fn(ctx, t); err != nil {
		return err
	}
	s.committed = append(s.committed, t.writes...)
	return nil
}

func TestAdapt(t *testing.T) {
	s := &store{}
	run := psa.Adapt[writer](psa.Runner[*tx](s.run))
	require.NoError(t, run(t.Context(), func(_ context.Context, w writer) error {
		w.Write("a")
		return nil
	}))
	boom := errors.New("boom")
	err := run(t.Context(), func(_ context.Context, w writer) error {
		w.Write("b")
		return boom
	})
	require.Same(t, boom, err, "fn's error comes back unchanged")
	require.Equal(t, []string{"a"}, s.committed)

	bad := psa.Adapt[reader](psa.Runner[*tx](s.run))
	called := false
	err = bad(t.Context(), func(context.Context, reader) error { called = true; return nil })
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.False(t, called)
	require.Contains(t, err.Error(), "*psa_test.tx does not implement *psa_test.reader")
}

func TestOptions(t *testing.T) {
	var nilOpts *psa.Options
	require.WithinDuration(t, time.Now(), nilOpts.Clock(), time.Minute)
	require.Nil(t, nilOpts.IDs())

	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	fixed := time.Date(2026, 3, 1, 9, 0, 0, 0, berlin)
	o := &psa.Options{Now: func() time.Time { return fixed }}
	require.Equal(t, time.UTC, o.Clock().Location())
	require.True(t, o.Clock().Equal(fixed))
}

func TestPageRequestNormalize(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{0, psa.DefaultPageLimit}, {1, 1}, {psa.MaxPageLimit, psa.MaxPageLimit}, {psa.MaxPageLimit + 1, psa.MaxPageLimit}} {
		got, err := psa.PageRequest{Limit: tt.in}.Normalize()
		require.NoError(t, err)
		require.Equal(t, tt.want, got.Limit, "limit %d", tt.in)
	}
	_, err := psa.PageRequest{Limit: -1}.Normalize()
	require.ErrorIs(t, err, psa.ErrInvalid)
}

func TestAll(t *testing.T) {
	items := make([]int, 2500)
	for i := range items {
		items[i] = i
	}
	calls := 0
	list := func(_ context.Context, p psa.PageRequest) (psa.Page[int], error) {
		calls++
		start := 0
		if p.Cursor != "" {
			fmt.Sscan(p.Cursor, &start)
		}
		end := min(start+p.Limit, len(items))
		page := psa.Page[int]{Items: items[start:end]}
		if end < len(items) {
			page.Next = fmt.Sprint(end)
		}
		return page, nil
	}
	got, err := psa.All(t.Context(), list)
	require.NoError(t, err)
	require.Equal(t, items, got)
	require.Equal(t, 3, calls)

	stuck := func(context.Context, psa.PageRequest) (psa.Page[int], error) { return psa.Page[int]{Next: "same"}, nil }
	_, err = psa.All(t.Context(), stuck)
	require.Error(t, err)

	boom := errors.New("boom")
	_, err = psa.All(t.Context(), func(context.Context, psa.PageRequest) (psa.Page[int], error) { return psa.Page[int]{}, boom })
	require.ErrorIs(t, err, boom)
}
