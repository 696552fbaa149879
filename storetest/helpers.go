package storetest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// timeout bounds every wait of the suite on another goroutine, so that a store that deadlocks
// fails the case instead of hanging the test binary.
const timeout = 10 * time.Second

// ts0 is the instant fixtures are stamped with. It has microsecond precision, the finest that
// common databases keep.
var ts0 = time.Date(2025, time.March, 14, 9, 26, 53, 589_793_000, time.UTC)

// cmpOptions compare stored values by meaning: amounts by value and currency (95.5 EUR equals
// 95.50 EUR), decimals by value (10.0 equals 10), instants by Equal, dates, currencies and
// payment terms by ==, and a nil slice or map equal to an empty one.
var cmpOptions = cmp.Options{
	cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b psa.Date) bool { return a == b }),
	cmp.Comparer(func(a, b psa.PaymentTerms) bool { return a == b }),
	cmp.Comparer(func(a, b currency.Unit) bool { return a == b }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.FilterValues(func(x, y any) bool {
		vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
		if !vx.IsValid() || !vy.IsValid() || vx.Type() != vy.Type() {
			return false
		}
		k := vx.Kind()
		return (k == reflect.Slice || k == reflect.Map) && vx.Len() == 0 && vy.Len() == 0
	}, cmp.Comparer(func(_, _ any) bool { return true })),
}

// diff reports (with t.Errorf) a difference between want and got, naming what was compared.
func diff[T any](t *testing.T, what string, want, got T) bool {
	t.Helper()
	if d := cmp.Diff(want, got, cmpOptions); d != "" {
		t.Errorf("%s: stored value differs (-want +got):\n%s", what, d)
		return false
	}
	return true
}

// newID returns a new time-ordered (UUIDv7) identifier.
func newID[T psa.ID](t *testing.T) T {
	t.Helper()
	id, err := psa.NewID[T](nil)
	if err != nil {
		t.Fatalf("storetest: new identifier: %v", err)
	}
	return id
}

// randomID returns a random (UUIDv4) identifier, so that ID order is not creation order.
func randomID[T psa.ID]() T { return T{uuid.New()} }

// mixedID returns a UUIDv7 identifier for even i and a random one for odd i.
func mixedID[T psa.ID](t *testing.T, i int) T {
	t.Helper()
	if i%2 == 0 {
		return newID[T](t)
	}
	return randomID[T]()
}

// uuidOf returns the UUID of a typed identifier.
func uuidOf[T psa.ID](id T) uuid.UUID { return struct{ uuid.UUID }(id).UUID }

// ascending sorts ids by their bytes, the order every listing of the stores uses.
func ascending(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return out
}

// inTx runs fn in one transaction of run with t's context and fails the test when the
// transaction fails.
func inTx[X any](t *testing.T, run psa.Runner[X], what string, fn func(ctx context.Context, tx X) error) {
	t.Helper()
	if err := run(t.Context(), fn); err != nil {
		t.Fatalf("%s: transaction failed: %v", what, err)
	}
}

// sequence returns a write that runs writes in order and stops at the first that fails.
func sequence[X any](writes ...func(ctx context.Context, tx X) error) func(ctx context.Context, tx X) error {
	return func(ctx context.Context, tx X) error {
		for _, w := range writes {
			if err := w(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	}
}

// setUp runs writes, in order, in one transaction of run and fails the test when it fails.
func setUp[X any](t *testing.T, run psa.Runner[X], writes ...func(ctx context.Context, tx X) error) {
	t.Helper()
	inTx(t, run, "setting up", sequence(writes...))
}

// read runs get in its own transaction of run and returns its result.
func read[X, T any](t *testing.T, run psa.Runner[X], get func(ctx context.Context, tx X) (T, error)) (T, error) {
	t.Helper()
	var v T
	err := run(t.Context(), func(ctx context.Context, tx X) error {
		var err error
		v, err = get(ctx, tx)
		return err
	})
	return v, err
}

// mustRead is read that fails the test on error.
func mustRead[X, T any](t *testing.T, run psa.Runner[X], what string, get func(ctx context.Context, tx X) (T, error)) T {
	t.Helper()
	v, err := read(t, run, get)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// wantNotFound reports an error unless err wraps psa.ErrNotFound and is a *psa.NotFoundError.
func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	wantCategory[*psa.NotFoundError](t, what, err, psa.ErrNotFound, "psa.ErrNotFound")
}

// wantAlreadyExists reports an error unless err wraps psa.ErrAlreadyExists and is a
// *psa.AlreadyExistsError.
func wantAlreadyExists(t *testing.T, what string, err error) {
	t.Helper()
	wantCategory[*psa.AlreadyExistsError](t, what, err, psa.ErrAlreadyExists, "psa.ErrAlreadyExists")
}

// wantVersionConflict reports an error unless err is a *psa.VersionConflictError (wrapping
// psa.ErrConflict) with Given given and Stored stored.
func wantVersionConflict(t *testing.T, what string, err error, given, stored int64) {
	t.Helper()
	switch vc, ok := errors.AsType[*psa.VersionConflictError](err); {
	case !errors.Is(err, psa.ErrConflict):
		t.Errorf("%s: got error %v, want one wrapping psa.ErrConflict", what, err)
	case !ok:
		t.Errorf("%s: error %q wraps psa.ErrConflict but is not a *psa.VersionConflictError", what, err)
	case vc.Given != given || vc.Stored != stored:
		t.Errorf("%s: *psa.VersionConflictError has Given %d, Stored %d; want Given %d, Stored %d", what, vc.Given, vc.Stored, given, stored)
	}
}

// wantCategory reports an error unless err wraps the category sentinel (called name) and is an E.
func wantCategory[E error](t *testing.T, what string, err, category error, name string) {
	t.Helper()
	switch _, ok := errors.AsType[E](err); {
	case !errors.Is(err, category):
		t.Errorf("%s: got error %v, want one wrapping %s", what, err, name)
	case !ok:
		var e E
		t.Errorf("%s: error %q wraps %s but is not a %T", what, err, name, e)
	}
}

// wantInvalid reports an error unless err wraps psa.ErrInvalid.
func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, psa.ErrInvalid) {
		t.Errorf("%s: got error %v, want one wrapping psa.ErrInvalid", what, err)
	}
}

// wantBadCursor reports an error unless err wraps psa.ErrBadCursor (and so psa.ErrInvalid).
func wantBadCursor(t *testing.T, what string, err error) {
	t.Helper()
	switch {
	case !errors.Is(err, psa.ErrInvalid):
		t.Errorf("%s: got error %v, want one wrapping psa.ErrBadCursor and psa.ErrInvalid", what, err)
	case !errors.Is(err, psa.ErrBadCursor):
		t.Errorf("%s: error %q wraps psa.ErrInvalid but not psa.ErrBadCursor", what, err)
	}
}

// lister returns one page of a listing for req.
type lister[T any] func(req psa.PageRequest) (psa.Page[T], error)

// maxPages bounds a walk, so that a store that never ends a listing fails instead of looping.
const maxPages = 1000

// walk lists every page of a listing with limit, passing each page's Next back, and returns all
// items. It reports pages larger than the limit allows and a cursor given twice.
func walk[T any](t *testing.T, what string, limit int, list lister[T]) []T {
	t.Helper()
	most := limit
	switch {
	case limit == 0:
		most = psa.DefaultPageLimit
	case limit > psa.MaxPageLimit:
		most = psa.MaxPageLimit
	}
	var all []T
	seen := map[string]bool{}
	req := psa.PageRequest{Limit: limit}
	for n := 1; ; n++ {
		if n > maxPages {
			t.Fatalf("%s: listing did not end after %d pages (Next is never empty)", what, maxPages)
		}
		page, err := list(req)
		if err != nil {
			t.Fatalf("%s: page %d (cursor %q): %v", what, n, req.Cursor, err)
		}
		if len(page.Items) > most {
			t.Errorf("%s: page %d has %d items, more than the limit %d allows (%d)", what, n, len(page.Items), limit, most)
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		if seen[page.Next] {
			t.Fatalf("%s: page %d returned cursor %q a second time", what, n, page.Next)
		}
		seen[page.Next] = true
		req.Cursor = page.Next
	}
}

// eachPageInTx returns a lister that runs list in a transaction of its own for every page, as a
// host serving pages to a client application does.
func eachPageInTx[X, T any](t *testing.T, run psa.Runner[X], list func(ctx context.Context, tx X, req psa.PageRequest) (psa.Page[T], error)) lister[T] {
	return func(req psa.PageRequest) (psa.Page[T], error) {
		var p psa.Page[T]
		err := run(t.Context(), func(ctx context.Context, tx X) error {
			var err error
			p, err = list(ctx, tx, req)
			return err
		})
		return p, err
	}
}

// inThisTx returns a lister that lists in tx.
func inThisTx[X, T any](ctx context.Context, tx X, list func(ctx context.Context, tx X, req psa.PageRequest) (psa.Page[T], error)) lister[T] {
	return func(req psa.PageRequest) (psa.Page[T], error) { return list(ctx, tx, req) }
}

// wantIDs reports an error unless got lists exactly the IDs want, each once, in ascending byte
// order.
func wantIDs[T any, K psa.ID](t *testing.T, what string, got []T, id func(T) K, want []K) {
	t.Helper()
	gotIDs := make([]string, len(got))
	for i, v := range got {
		gotIDs[i] = id(v).String()
	}
	u := make([]uuid.UUID, len(want))
	for i, k := range want {
		u[i] = uuidOf(k)
	}
	wantIDs := make([]string, len(want))
	for i, k := range ascending(u) {
		wantIDs[i] = k.String()
	}
	if d := cmp.Diff(wantIDs, gotIDs); d != "" {
		t.Errorf("%s: want every ID exactly once in ascending order; got %d items (-want +got):\n%s", what, len(got), d)
	}
}

// find returns the item of items with id, or false.
func find[T any, K comparable](items []T, id func(T) K, k K) (T, bool) {
	for _, v := range items {
		if id(v) == k {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// wantRead reports an error unless a read inside a transaction succeeded and returned want.
func wantRead[T any](t *testing.T, what string, want, got T, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	diff(t, what, want, got)
}

// maxAttempts bounds how often the suite runs a transaction that lost a race.
const maxAttempts = 100

// retry runs fn until it succeeds, fails with an error that wraps none of retryable, or has run
// maxAttempts times, as a host retries a transaction that lost a race. It returns how often fn
// ran and its last error.
func retry(fn func() error, retryable ...error) (int, error) {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == maxAttempts || !isAny(err, retryable) {
			return attempt, err
		}
	}
}

// wantRetried reports an error unless fn, run by retry, succeeds at last, and reports whether it
// did.
func wantRetried(t *testing.T, what string, fn func() error, retryable ...error) bool {
	t.Helper()
	switch attempts, err := retry(fn, retryable...); {
	case err == nil:
		return true
	case isAny(err, retryable):
		t.Errorf("%s: still failing after %d attempts: %v", what, attempts, err)
	default:
		t.Errorf("%s: %v", what, err)
	}
	return false
}

// isAny reports whether err wraps any of targets.
func isAny(err error, targets []error) bool {
	return slices.ContainsFunc(targets, func(target error) bool { return errors.Is(err, target) })
}
