package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/psakit/psa"
)

// Generic cases: each checks, for one kind, a rule that every kind of every store shares. The
// cases of client.go and contract.go call them with their kinds; a package that adds a store
// declares its kinds and calls them too.

// sample is a value a round trip stores (in) and what every read must return for it (want: in, or
// the same values written differently, such as 95.50 EUR for 95.5 EUR).
type sample[V any] struct {
	what     string
	in, want V
}

// same returns the sample of a value the store must return as given.
func same[V any](what string, v V) sample[V] { return sample[V]{what, v, v} }

// wantReadBack reports an error unless every read of k returns each sample's want: Get<name>, the
// lookup by the sample's key when it has one, every listing, walked with limits 0 and 1 (once
// for a listing that is not paged), each page in a transaction of its own, and the kind's other
// reads of the sample. The samples must be stored, and be all the values of the kind that are
// stored.
func wantReadBack[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V], samples ...sample[V]) {
	t.Helper()
	for _, s := range samples {
		k.wantStored(t, run, "of "+s.what, s.want)
	}
	for _, l := range k.listings() {
		var owners []O
		ids := map[O][]K{}
		for _, s := range samples {
			var o O
			if l.owned {
				o = k.ownerOf(s.want)
			}
			if _, ok := ids[o]; !ok {
				owners = append(owners, o)
			}
			ids[o] = append(ids[o], k.idOf(s.want))
		}
		limits := []int{0, 1}
		if l.whole {
			limits = limits[:1]
		}
		for _, o := range owners {
			for _, limit := range limits {
				what := fmt.Sprintf("%s with Limit %d", l.name, limit)
				if l.whole {
					what = l.name
				}
				got := k.wantListed(t, run, l, o, limit, what, ids[o])
				for _, s := range samples {
					if g, ok := find(got, k.idOf, k.idOf(s.want)); ok {
						diff(t, what+": item of "+s.what, s.want, g)
					}
				}
			}
		}
	}
	if k.more == nil {
		return
	}
	for _, s := range samples {
		for _, r := range k.more(s.want) {
			got, err := read(t, run, r.read)
			if err != nil {
				t.Errorf("%s of %s: %v", r.name, s.what, err)
				continue
			}
			if g, ok := find(got, k.idOf, k.idOf(s.want)); ok {
				diff(t, r.name+": item of "+s.what, s.want, g)
			} else {
				t.Errorf("%s does not list %s (%s %s)", r.name, s.what, k.noun(), k.idOf(s.want))
			}
		}
	}
}

// checkNotFound checks that Get<name> of an unknown ID, the lookup by an unknown key (by the empty
// key, and by a key of another owner where keys are unique per owner), and Update<name> of an
// unknown ID fail with a *psa.NotFoundError, and that the failed update creates nothing, even in
// a transaction that goes on and commits. Put<name> with a version other than 0 of an unknown ID
// may also fail with a *psa.VersionConflictError (stored version 0). For a kind without Get<name>
// the listing of its owner stands in for it, and the listing of an unknown owner must be empty.
func checkNotFound[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V]) {
	owners := k.newOwners(t, run, 2)
	owner, other := owners[0], owners[1]
	before := k.listedAll(t, run)
	known := k.bare(t, newID[K](t), owner, "Known")
	noKey := k.bare(t, randomID[K](), owner, "Without a key")
	if k.keyName != "" {
		known = k.withKey(known, k.noun()+"-known")
	}
	k.store(t, run, known, noKey)

	if k.get != nil {
		k.wantNoID(t, run, "Get"+k.name+" of an unknown ID", randomID[K]())
	} else {
		// A kind without Get<name> is read through its owner's listing: an unknown owner has none.
		for _, l := range k.ownedListings() {
			k.wantListed(t, run, l, k.newOwners(t, run, 1)[0], 0, fmt.Sprintf("%s of an unknown %s", l.name, k.ownerName), nil)
		}
	}
	if k.hasLookup() {
		k.wantNoKey(t, run, k.findName()+" of an unknown key", k.withKey(known, k.noun()+"-unknown"))
		k.wantNoKey(t, run, fmt.Sprintf("%s(\"\") while one %s has no %s", k.findName(), k.noun(), k.keyName), noKey)
		if k.findIn != nil {
			elsewhere := known
			*k.fields(&elsewhere).owner = other
			k.wantNoKey(t, run, fmt.Sprintf("%s of another %s's key", k.findName(), k.ownerName), elsewhere)
		}
	}

	ghost := k.bare(t, randomID[K](), owner, "Ghost")
	if k.keyName != "" {
		ghost = k.withKey(ghost, k.noun()+"-ghost")
	}
	what := k.updateName() + " of an unknown ID"
	if err := run(t.Context(), k.updating(ghost)); k.put && errors.Is(err, psa.ErrConflict) {
		wantCategory[*psa.VersionConflictError](t, what, err, psa.ErrConflict, "psa.ErrConflict")
	} else {
		wantNotFound(t, what, err)
	}
	err := run(t.Context(), func(ctx context.Context, tx Tx) error {
		_ = k.update(tx, ctx, ghost)
		if k.hasLookup() && k.keyName != "" {
			_, err := k.lookingUp(ghost)(ctx, tx)
			wantNotFound(t, what+", then "+k.findName()+" in the same transaction", err)
		}
		_, err := k.reading(ghost)(ctx, tx)
		return err
	})
	wantNotFound(t, what+", then "+k.getName()+" in the same transaction", err)
	k.wantGone(t, run, "in a later transaction, after "+what, ghost)
	k.wantListings(t, run, "after "+what, before, owner, k.idOf(known), k.idOf(noKey))
}

// checkIDTaken checks that Create<name> (Put<name> with Version 0) with a taken ID, in another
// transaction or in the same one, fails with a *psa.AlreadyExistsError and leaves the stored
// value, its key and the listings unchanged.
func checkIDTaken[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V]) {
	owners := k.newOwners(t, run, 2)
	owner, elsewhere := owners[0], owners[1]
	before := k.listedAll(t, run)
	orig := k.bare(t, newID[K](t), owner, "Original")
	dup := k.bare(t, k.idOf(orig), elsewhere, "Duplicate")
	if k.keyName != "" {
		orig, dup = k.withKey(orig, k.noun()+"-original"), k.withKey(dup, k.noun()+"-duplicate")
	}
	k.store(t, run, orig)

	create := k.createName()
	wantAlreadyExists(t, create+" with a taken ID", run(t.Context(), k.creating(dup)))
	fresh := k.bare(t, randomID[K](), owner, "Fresh")
	wantAlreadyExists(t, create+" twice with one ID in one transaction", run(t.Context(), func(ctx context.Context, tx Tx) error {
		if err := k.create(tx, ctx, fresh); err != nil {
			return fmt.Errorf("first %s: %v", create, err)
		}
		return k.create(tx, ctx, fresh)
	}))

	k.wantStored(t, run, "after a refused duplicate", orig)
	if k.keyName != "" {
		k.wantNoKey(t, run, k.findName()+" of a refused duplicate's key", dup)
	}
	k.wantListings(t, run, "after refused duplicates", before, owner, k.idOf(orig))
	for _, l := range k.ownedListings() {
		k.wantListed(t, run, l, elsewhere, 0, fmt.Sprintf("%s of the refused duplicate's %s", l.name, k.ownerName), nil)
	}
}

// checkUniqueKey checks the rule of the kind's key: Create<name> and Update<name> fail with a
// *psa.AlreadyExistsError when the key is taken by another value (in the store, or within the
// owner where keys are unique per owner, when the same key under another owner is fine); keeping
// one's own key is no conflict, a key changed away from or cleared is free again, the empty key
// is never taken (for a kind where a value may have none), and the rule holds within one
// transaction too. The lookup by key, where the store has one, follows every change.
func checkUniqueKey[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V]) {
	owners := k.newOwners(t, run, 2)
	x, y := owners[0], owners[1]
	perOwner := k.findIn != nil
	// A value of another owner takes a's key: a conflict unless keys are unique per owner.
	rival := y
	if perOwner {
		rival = x
	}
	key := func(i int) string { return fmt.Sprintf("%s-%d", k.noun(), i) }
	mk := func(id K, owner O, name, key string) V { return k.withKey(k.bare(t, id, owner, name), key) }
	create, update, name, lookup := k.createName(), k.updateName(), k.noun(), k.findName()
	// found reports an error unless v is stored, and the lookup by its key finds it.
	found := func(what string, v V) {
		t.Helper()
		if k.hasLookup() {
			diff(t, lookup+" "+what, v, mustRead(t, run, lookup, k.lookingUp(v)))
		} else {
			k.wantStored(t, run, what, v)
		}
	}

	a := mk(newID[K](t), x, "A", key(1))
	b := mk(randomID[K](), rival, "B", key(2))
	noKey1, noKey2 := k.bare(t, newID[K](t), x, "No key 1"), k.bare(t, randomID[K](), x, "No key 2")
	k.store(t, run, a, b, noKey1, noKey2)

	taker := mk(randomID[K](), rival, "Taker", key(1))
	wantAlreadyExists(t, fmt.Sprintf("%s with another %s's %s", create, name, k.keyName), run(t.Context(), k.creating(taker)))
	k.wantNoID(t, run, "Get"+k.name+" of the refused "+name, k.idOf(taker))
	if perOwner {
		elsewhere := mk(newID[K](t), y, "Elsewhere", key(1))
		inTx(t, run, fmt.Sprintf("%s with a %s used only under another %s", create, k.keyName, k.ownerName), k.creating(elsewhere))
		found("under the first "+k.ownerName, a)
		found("under the other "+k.ownerName, elsewhere)
	}

	b2 := k.withKey(b, key(1))
	wantAlreadyExists(t, fmt.Sprintf("%s changing %s to another %s's", update, k.keyName, name), run(t.Context(), k.updating(b2)))
	k.wantStored(t, run, "after the refused update", b)
	found("of the key the refused update wanted", a)

	// Keeping one's own key is no conflict; changing it frees the old one.
	a2 := a
	k.relabel(&a2, "A renamed")
	inTx(t, run, update+" keeping its "+k.keyName, k.updating(a2))
	a3 := k.withKey(a2, key(3))
	*k.fields(&a3).version = 2
	inTx(t, run, update+" changing its "+k.keyName, k.updating(a3))
	k.wantNoKey(t, run, lookup+" of the "+k.keyName+" changed away from", a)
	*k.fields(&a3).version = 3
	found("of the new "+k.keyName, a3)
	reuse := mk(newID[K](t), x, "Reuses "+key(1), key(1))
	inTx(t, run, fmt.Sprintf("%s with a %s freed by an update", create, k.keyName), k.creating(reuse))
	found("of the reused "+k.keyName, reuse)

	// Empty keys are never taken.
	if !k.numbered() {
		emptyKeys(t, run, k, x, noKey1, b)
	}

	// Uniqueness holds within one transaction too.
	f, g := mk(newID[K](t), x, "F", key(9)), mk(randomID[K](), x, "G", key(9))
	wantAlreadyExists(t, fmt.Sprintf("%s of two %ss with one %s in one transaction", create, name, k.keyName), run(t.Context(), func(ctx context.Context, tx Tx) error {
		if err := k.create(tx, ctx, f); err != nil {
			return fmt.Errorf("first %s: %v", create, err)
		}
		return k.create(tx, ctx, g)
	}))
}

// emptyKeys checks that the empty key is never taken: values without one are created and updated
// while others have none, and b's key, cleared, is free.
func emptyKeys[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V], x O, noKey1, b V) {
	create, update, lookup := k.createName(), k.updateName(), k.findName()
	inTx(t, run, fmt.Sprintf("%s with an empty %s while others have none", create, k.keyName), k.creating(k.bare(t, randomID[K](), x, "No key 3")))
	nk := noKey1
	k.relabel(&nk, "No key 1 renamed")
	inTx(t, run, fmt.Sprintf("%s with an empty %s while others have none", update, k.keyName), k.updating(nk))
	inTx(t, run, fmt.Sprintf("%s clearing its %s while others have none", update, k.keyName), k.updating(k.withKey(b, "")))
	k.wantNoKey(t, run, lookup+" of a cleared "+k.keyName, b)
}

// checkVersions creates v (Version 1) in a transaction of run and checks the version rule of
// Update<name> on it: an update naming the stored version succeeds and stores the next one; a
// stale one fails with a *psa.VersionConflictError and changes nothing. For a kind with
// Put<name>, Version 0 asks for a create: with the ID taken, it fails with a
// *psa.AlreadyExistsError instead.
func checkVersions[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V], v V) {
	getIt := k.reading(v)
	version := func(v *V) *int64 { return k.fields(v).version }
	create, update, get := k.createName(), k.updateName(), k.getName()
	inTx(t, run, create, k.creating(v))

	// An update naming the stored version succeeds and stores the next one.
	want := v
	k.relabel(&want, "first update")
	inTx(t, run, update+" with the stored version 1", k.updating(want))
	*version(&want) = 2
	diff(t, get+" after an update with the stored version 1 (want Version 2)", want, mustRead(t, run, get, getIt))

	// Stale versions fail with a *psa.VersionConflictError and change nothing, not even in the
	// transaction that goes on after the failure.
	for _, stale := range []int64{1, 3, 0} {
		what := fmt.Sprintf("%s with version %d while version 2 is stored", update, stale)
		u := want
		*version(&u) = stale
		k.relabel(&u, "stale update")
		err := run(t.Context(), func(ctx context.Context, tx Tx) error {
			err := k.update(tx, ctx, u)
			if err == nil {
				return nil
			}
			got, gerr := getIt(ctx, tx)
			wantRead(t, what+", then "+get+" in the same transaction", want, got, gerr)
			return err
		})
		if k.put && stale == 0 {
			wantAlreadyExists(t, what+" (a create of a taken ID)", err)
		} else {
			wantVersionConflict(t, what, err, stale, 2)
		}
		diff(t, what+", then "+get, want, mustRead(t, run, get, getIt))
	}

	// The version goes on counting.
	next := want
	k.relabel(&next, "second update")
	inTx(t, run, update+" with the stored version 2", k.updating(next))
	*version(&next) = 3
	diff(t, get+" after an update with the stored version 2 (want Version 3)", next, mustRead(t, run, get, getIt))
}

// checkNoAliasing creates v, a value with slices (or pointers), and checks that neither a value
// passed to Create<name> or Update<name> nor one returned by a read of k (or by more) shares
// memory with the stored value: changing it, in the same transaction or after, changes nothing
// stored, as Get<name> and every other read sees it.
func checkNoAliasing[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V], v V, more ...reader[Tx, V]) {
	get, create, getIt := k.getName(), k.createName(), k.reading(v)
	want := k.clone(v)
	inTx(t, run, "creating a "+k.noun()+" and changing the value passed", func(ctx context.Context, tx Tx) error {
		c := k.clone(v)
		if err := k.create(tx, ctx, c); err != nil {
			return fmt.Errorf("%s: %w", create, err)
		}
		k.scribble(t, &c)
		got, err := getIt(ctx, tx)
		if err != nil {
			return fmt.Errorf("%s: %w", get, err)
		}
		diff(t, get+" in the creating transaction after the caller changed the value it passed to "+create, want, got)
		k.scribble(t, &got)
		again, err := getIt(ctx, tx)
		if err != nil {
			return fmt.Errorf("%s: %w", get, err)
		}
		diff(t, get+" in the creating transaction after the caller changed a value "+get+" returned", want, again)
		return nil
	})
	diff(t, get+" after the caller changed the value it passed to "+create, want, mustRead(t, run, get, getIt))

	// listed reports an error unless what a read returned lists want as it is stored.
	listed := func(what string, got []V) {
		t.Helper()
		if g, ok := find(got, k.idOf, k.idOf(want)); ok {
			diff(t, what, want, g)
		} else {
			t.Errorf("%s does not return the %s %s", what, k.noun(), k.idOf(want))
		}
	}
	for _, r := range append(k.readers(v), more...) {
		// Change what the read returned, once in the reading transaction and once after it; each
		// read, this one too, returns the stored value unchanged.
		inTx(t, run, r.name, func(ctx context.Context, tx Tx) error {
			got, err := r.read(ctx, tx)
			if err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			listed(r.name+" after the caller changed the values it passed to "+create+" and got from earlier reads", got)
			for i := range got {
				k.scribble(t, &got[i])
			}
			again, err := getIt(ctx, tx)
			if err != nil {
				return fmt.Errorf("%s: %w", get, err)
			}
			diff(t, get+" in the same transaction after the caller changed a value "+r.name+" returned", want, again)
			if got, err = r.read(ctx, tx); err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			listed(r.name+" in the same transaction after the caller changed a value it returned", got)
			return nil
		})
		got := mustRead(t, run, r.name, r.read)
		for i := range got {
			k.scribble(t, &got[i])
		}
		diff(t, get+" after the caller changed a value "+r.name+" returned", want, mustRead(t, run, get, getIt))
		listed(r.name+" after the caller changed a value it returned", mustRead(t, run, r.name, r.read))
	}

	// Update<name> takes a copy too.
	if k.update == nil {
		return
	}
	update := k.updateName()
	inTx(t, run, "updating a "+k.noun()+" and changing the value passed", func(ctx context.Context, tx Tx) error {
		u := k.clone(want)
		k.relabel(&u, "updated")
		if err := k.update(tx, ctx, u); err != nil {
			return fmt.Errorf("%s: %w", update, err)
		}
		k.scribble(t, &u)
		return nil
	})
	k.relabel(&want, "updated")
	*k.fields(&want).version = 2
	diff(t, get+" after the caller changed the value it passed to "+update, want, mustRead(t, run, get, getIt))
}

// checkPagination stores counts[i] values for owner i of len(counts) new owners (one count for a
// kind that is not owned), in batches, with IDs in another order than creation order, and checks
// that the listing of each owner, walked with each of limits, and the listing of everything,
// walked with each of allLimits, list every value exactly once in ascending ID order, each page in
// a transaction of its own. Then it moves two values of the first owner, one to the second and
// one to the last, and checks again.
func checkPagination[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V], counts, limits, allLimits []int) {
	owners := k.newOwners(t, run, len(counts))
	before := k.listedAll(t, run)
	// Deal the values out to the owners in turn, so that their IDs interleave.
	byOwner := make([][]V, len(owners))
	var all []V
	for left := slices.Clone(counts); slices.ContainsFunc(left, func(n int) bool { return n > 0 }); {
		for o := range owners {
			if left[o] > 0 {
				left[o]--
				v := k.bare(t, mixedID[K](t, len(all)), owners[o], fmt.Sprintf("%s %03d", k.name, len(all)))
				all, byOwner[o] = append(all, v), append(byOwner[o], v)
			}
		}
	}
	for batch := range slices.Chunk(all, 50) {
		k.store(t, run, batch...)
	}
	ids := func(vs []V) []K {
		out := make([]K, len(vs))
		for i, v := range vs {
			out[i] = k.idOf(v)
		}
		return out
	}

	check := func(when string) {
		t.Helper()
		for _, l := range k.listings() {
			if !l.owned {
				for _, limit := range allLimits {
					what := fmt.Sprintf("%s%s with Limit %d, each page in its own transaction", when, l.name, limit)
					k.wantListed(t, run, l, owners[0], limit, what, append(slices.Clone(before), ids(all)...))
				}
				continue
			}
			for _, limit := range limits {
				for o, owner := range owners {
					what := fmt.Sprintf("%s%s of %s %d (of %d) with Limit %d", when, l.name, k.ownerName, o+1, len(owners), limit)
					k.wantListed(t, run, l, owner, limit, what, ids(byOwner[o]))
				}
			}
		}
	}
	check("")
	if k.listOf == nil {
		return
	}

	last := len(owners) - 1
	for i, to := range []int{1, last} {
		m := byOwner[0][i]
		*k.fields(&m).owner = owners[to]
		inTx(t, run, fmt.Sprintf("moving a %s to another %s with %s", k.noun(), k.ownerName, k.updateName()), k.updating(m))
		byOwner[to] = append(byOwner[to], m)
	}
	byOwner[0] = byOwner[0][2:]
	check("after a move: ")
}

// checkInvalidPages checks that every paged listing of k fails for a cursor the store did not issue
// with an error wrapping psa.ErrBadCursor (and psa.ErrInvalid), and for a negative Limit with
// psa.ErrInvalid.
func checkInvalidPages[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V]) {
	owner := k.newOwners(t, run, 1)[0]
	k.store(t, run, k.bare(t, newID[K](t), owner, "P"), k.bare(t, randomID[K](), owner, "Q"))
	for _, l := range k.listings() {
		if l.whole {
			continue
		}
		list := func(req psa.PageRequest) error {
			return run(t.Context(), func(ctx context.Context, tx Tx) error {
				_, err := l.list(ctx, tx, owner, req)
				return err
			})
		}
		for _, cursor := range []string{"%%% not a cursor %%%", "\x00\xff"} {
			for _, limit := range []int{1, 10} {
				wantBadCursor(t, fmt.Sprintf("%s with the malformed cursor %q and Limit %d", l.name, cursor, limit), list(psa.PageRequest{Cursor: cursor, Limit: limit}))
			}
		}
		for _, limit := range []int{-1, -100} {
			wantInvalid(t, fmt.Sprintf("%s with Limit %d", l.name, limit), list(psa.PageRequest{Limit: limit}))
		}
	}
}

// checkConcurrentCreates checks that of concurrent transactions creating values with one key
// (where the kind has keys), or with one ID, exactly one succeeds and the others fail with
// psa.ErrAlreadyExists; a lost race may first be reported as psa.ErrConflict, and is retried then.
func checkConcurrentCreates[Tx any, K, O psa.ID, V any](t *testing.T, run psa.Runner[Tx], k kind[Tx, K, O, V]) {
	const n = 16
	owner := k.newOwners(t, run, 1)[0]
	before := k.listedAll(t, run)
	create := k.createName()

	// race runs one transaction for each of vs at once, each creating its value, and returns
	// each one's result.
	race := func(vs []V) []error {
		errs := make([]error, len(vs))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, v := range vs {
			wg.Go(func() {
				<-start
				_, errs[i] = retry(func() error { return run(t.Context(), k.creating(v)) }, psa.ErrConflict)
			})
		}
		close(start)
		wg.Wait()
		return errs
	}
	// winner checks that exactly one transaction succeeded and the others got ErrAlreadyExists.
	winner := func(what string, vs []V, errs []error) (V, bool) {
		t.Helper()
		var won []V
		for i, err := range errs {
			switch {
			case err == nil:
				won = append(won, vs[i])
			case !errors.Is(err, psa.ErrAlreadyExists):
				t.Errorf("%s: a losing transaction got error %v, want one wrapping psa.ErrAlreadyExists", what, err)
			}
		}
		if len(won) != 1 {
			t.Errorf("%s: %d of %d transactions succeeded, want exactly 1", what, len(won), len(vs))
			var zero V
			return zero, false
		}
		return won[0], true
	}

	var won []K
	if k.keyName != "" {
		sameKey := make([]V, n)
		for i := range sameKey {
			sameKey[i] = k.withKey(k.bare(t, mixedID[K](t, i), owner, fmt.Sprintf("Racer %d", i)), k.noun()+"-race")
		}
		what := fmt.Sprintf("concurrent %s with one %s", create, k.keyName)
		if w, ok := winner(what, sameKey, race(sameKey)); ok {
			won = append(won, k.idOf(w))
			k.wantStored(t, run, "after "+what, w)
			k.wantListings(t, run, "after "+what, before, owner, won...)
		}
	}

	sameID := make([]V, n)
	id := randomID[K]()
	for i := range sameID {
		sameID[i] = k.bare(t, id, owner, fmt.Sprintf("Racer %d", i))
		if k.keyName != "" {
			sameID[i] = k.withKey(sameID[i], fmt.Sprintf("%s-race-%d", k.noun(), i))
		}
	}
	what := fmt.Sprintf("concurrent %s with one ID", create)
	if w, ok := winner(what, sameID, race(sameID)); ok {
		won = append(won, k.idOf(w))
		k.wantStored(t, run, "after "+what, w)
		k.wantListings(t, run, "after "+what, before, owner, won...)
		for _, v := range sameID {
			if k.keyOf(v) != k.keyOf(w) {
				k.wantNoKey(t, run, what+": "+k.findName()+" of a loser's key", v)
			}
		}
	}
}

// checkRollback checks the rollback rule of run, which messages call runner: write, run in a
// transaction whose fn then returns an error (itself, then wrapped), must leave nothing behind,
// as nothingLeft checks after each attempt, and the runner must return fn's error unchanged. Last,
// write runs in a transaction that commits, which fails if anything the rolled-back ones claimed
// (an ID, a key, a version) is still taken.
func checkRollback[Tx any](t *testing.T, runner string, run psa.Runner[Tx], write func(ctx context.Context, tx Tx) error, nothingLeft func(how string)) {
	sentinel := errors.New("storetest: rollback sentinel")
	attempt := func(fail func() error) error {
		return run(t.Context(), func(ctx context.Context, tx Tx) error {
			if err := write(ctx, tx); err != nil {
				return err
			}
			return fail()
		})
	}

	err := attempt(func() error { return sentinel })
	if err != sentinel { // the runner must return fn's error unchanged, so == is the check here
		t.Errorf("fn returned the sentinel error itself: the %s returned %#v, want the very same error value %#v", runner, err, sentinel)
	}
	nothingLeft("after fn returned an error")

	err = attempt(func() error { return fmt.Errorf("storetest: giving up: %w", sentinel) })
	if !errors.Is(err, sentinel) {
		t.Errorf("fn returned a wrapped sentinel error: the %s returned %v, for which errors.Is(err, sentinel) is false", runner, err)
	}
	nothingLeft("after fn returned a wrapped error")

	// Everything the rolled-back transactions claimed is free again.
	if err := attempt(func() error { return nil }); err != nil {
		t.Errorf("repeating the rolled-back writes in a transaction that commits: %v", err)
	}
}
