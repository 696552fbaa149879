package psa

import (
	"context"
	"fmt"
	"time"
)

// Runner runs fn inside one transaction over a store of type T and commits it if and only if fn
// returns nil. When fn returns an error the transaction is rolled back and that error is returned
// unchanged (wrapped errors stay matchable with errors.Is and errors.As). A runner may call fn more
// than once (for example after a serialization failure), so fn must have no effect outside tx.
//
// Each service declares the transaction interface it needs (client.Tx, for instance) and takes a
// Runner over it; a store provides the runner (memstore.Runner).
type Runner[T any] func(ctx context.Context, fn func(ctx context.Context, tx T) error) error

// Adapt turns a runner over a store's concrete transaction type C into a runner over the
// transaction interface T that a service needs. The store's transaction must implement T; when it
// does not, the returned runner reports an error naming both types instead of calling fn.
func Adapt[T, C any](run Runner[C]) Runner[T] {
	return func(ctx context.Context, fn func(ctx context.Context, tx T) error) error {
		return run(ctx, func(ctx context.Context, c C) error {
			t, ok := any(c).(T)
			if !ok {
				var want *T
				return fmt.Errorf("psa: transaction type %T does not implement %T: %w", c, want, ErrInvalid)
			}
			return fn(ctx, t)
		})
	}
}

// Options are the settings every service shares. A nil *Options means all defaults. Services
// embed it in their own options struct.
type Options struct {
	// Now returns the current instant; nil means time.Now. Tests and replays inject a fixed clock.
	Now func() time.Time
	// NewID returns new identifiers; nil means uuid.NewV7 (time-ordered).
	NewID IDFunc
}

// Clock returns the current instant in UTC from o.Now, or from time.Now when o or o.Now is nil.
func (o *Options) Clock() time.Time {
	if o == nil || o.Now == nil {
		return time.Now().UTC()
	}
	return o.Now().UTC()
}

// IDs returns the identifier generator of o, or nil (meaning uuid.NewV7) when o is nil.
func (o *Options) IDs() IDFunc {
	if o == nil {
		return nil
	}
	return o.NewID
}

// Page limits. A PageRequest with Limit 0 gets DefaultPageLimit items; a larger limit than
// MaxPageLimit is cut to it.
const (
	DefaultPageLimit = 100
	MaxPageLimit     = 1000
)

// PageRequest asks for one page of a listing. Listings have a stable order (documented on each
// List method) and are walked by passing each page's Next cursor back until it is empty.
type PageRequest struct {
	// Cursor is the Next value of the previous page, or "" for the first page. It is opaque: only
	// the store that issued it can read it.
	Cursor string
	// Limit is the most items to return; 0 means DefaultPageLimit.
	Limit int
}

// Normalize returns the request with Limit defaulted and capped, or a *ValidationError for a
// negative limit.
func (r PageRequest) Normalize() (PageRequest, error) {
	switch {
	case r.Limit < 0:
		return r, Invalid("page request", "limit", fmt.Sprint(r.Limit), "must not be negative")
	case r.Limit == 0:
		r.Limit = DefaultPageLimit
	case r.Limit > MaxPageLimit:
		r.Limit = MaxPageLimit
	}
	return r, nil
}

// Page is one page of a listing.
type Page[T any] struct {
	// Items are this page's items, in the listing's order. The caller owns them.
	Items []T
	// Next is the cursor of the following page, or "" when this is the last one.
	Next string
}

// ErrBadCursor is wrapped by the error a store returns for a cursor it did not issue.
var ErrBadCursor = fmt.Errorf("psa: malformed page cursor: %w", ErrInvalid)

// All walks every page of a listing and returns all items, for callers that know the listing is
// small (a client's contacts). list is called with successive cursors until Next is empty.
func All[T any](ctx context.Context, list func(ctx context.Context, page PageRequest) (Page[T], error)) ([]T, error) {
	var all []T
	req := PageRequest{Limit: MaxPageLimit}
	for {
		p, err := list(ctx, req)
		if err != nil {
			return nil, err
		}
		if p.Next == "" {
			if all == nil {
				return p.Items, nil // one page: the caller owns its items already
			}
			return append(all, p.Items...), nil
		}
		all = append(all, p.Items...)
		if p.Next == req.Cursor {
			return nil, fmt.Errorf("%w: listing returned cursor %q twice", ErrBadCursor, p.Next)
		}
		req.Cursor = p.Next
	}
}

type actorKey struct{}

// WithActor returns a context that names who is acting (a staff member's name or ID, an API
// user, "billing run"). Services record it in history entries; it has no other effect.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// Actor returns the actor named by WithActor, or "".
func Actor(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}
