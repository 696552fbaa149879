// Package versioned runs the read-modify-write that every service of psa performs on its
// versioned objects, so that the version rule is written once.
package versioned

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/psakit/psa"
)

// ErrUnchanged, returned by a change function, tells Update that nothing changed: the object is
// returned as loaded and not stored.
var ErrUnchanged = errors.New("psa: unchanged")

// Stamp gives Update access to an object's version and update time (nil when it has none).
type Stamp[T any] func(*T) (version *int64, updated *time.Time)

// Update loads the object of kind with id in one transaction of run, refuses it with a
// *psa.VersionConflictError unless its version is the one the caller read, applies change,
// sets its update time to now, stores it with put (which increases the stored version by one),
// runs after (when not nil) in the same transaction, and returns the object as stored.
func Update[Tx any, K fmt.Stringer, T any](ctx context.Context, run psa.Runner[Tx], kind string, id K, version int64,
	get func(Tx, context.Context, K) (T, error), put func(Tx, context.Context, T) error, stamp Stamp[T], now func() time.Time,
	change func(ctx context.Context, tx Tx, v *T) error, after func(ctx context.Context, tx Tx, v T) error) (T, error) {
	var out T
	err := run(ctx, func(ctx context.Context, tx Tx) error {
		v, err := get(tx, ctx, id)
		if err != nil {
			return err
		}
		if ver, _ := stamp(&v); *ver != version {
			return &psa.VersionConflictError{Kind: kind, ID: id.String(), Given: version, Stored: *ver}
		}
		if err := change(ctx, tx, &v); err != nil {
			if errors.Is(err, ErrUnchanged) {
				out = v
				return nil
			}
			return err
		}
		ver, updated := stamp(&v)
		if updated != nil {
			*updated = now()
		}
		if err := put(tx, ctx, v); err != nil {
			return err
		}
		*ver++
		out = v
		if after != nil {
			return after(ctx, tx, v)
		}
		return nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// Get reads one object with get in a transaction of its own.
func Get[Tx, K, T any](ctx context.Context, run psa.Runner[Tx], get func(Tx, context.Context, K) (T, error), id K) (T, error) {
	var out T
	err := run(ctx, func(ctx context.Context, tx Tx) (err error) {
		out, err = get(tx, ctx, id)
		return err
	})
	return out, err
}
