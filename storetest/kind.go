package storetest

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/psakit/psa"
)

// kind describes one kind of value the stores keep (clients, contacts, contracts, parts, ...) to
// the generic cases of generic.go, which check a rule that every kind shares the same way for all
// of them. Tx is the transaction type whose stores keep the kind, K the kind's ID type, O the ID
// type of what owns a value (a contact's client, a part's contract; any ID type for a kind that is
// not owned) and V the value. Each package's file declares its kinds (clientKind, partKind, ...).
//
// The store methods are method expressions of Tx (client.Tx.CreateContact), so they take the
// transaction first; the helpers of kind take ctx first, as the rest of the suite does.
type kind[Tx any, K, O psa.ID, V any] struct {
	// name is the kind's name in its store's methods: Create<name>, Get<name>, Update<name> (or
	// Put<name> for both), Find<name>By<keyName>, List<name>s, and ListAll<name>s for the listing
	// of every value of a kind that also has a listing per owner.
	name string
	// plural is the plural of name in the listings' names when it is not name+"s" ("TimeEntries").
	plural string
	// ownerName names what owns a value ("client"), or is "" for a kind that is not owned.
	ownerName string
	// keyName names the kind's unique key besides the ID ("ExternalID"), or is "" for a kind
	// without one.
	keyName string
	// fields points into v at what the generic cases read and change.
	fields func(v *V) fields[K, O]

	// create and update are the store's Create<name> and Update<name>. For a kind whose store
	// has Put<name> instead (put is true), create is Put<name> with Version 0, which stores
	// version 1, and update is Put<name> with the stored version: see withPut. update is nil for
	// a kind whose values are never changed (notes).
	create, update func(tx Tx, ctx context.Context, v V) error
	put            bool
	// get is Get<name>; nil for a kind without one, whose values are read through every.
	get func(tx Tx, ctx context.Context, id K) (V, error)
	// find looks a value up by its key when the key is unique in the store, findIn when it is
	// unique within the value's owner; either may be set when keyName is, and neither for a key
	// the store keeps unique without a lookup by it (a ticket's Number).
	find   func(tx Tx, ctx context.Context, key string) (V, error)
	findIn func(tx Tx, ctx context.Context, owner O, key string) (V, error)
	// listAll lists every value of the kind and listOf the values of one owner, page by page;
	// every lists the values of one owner in one call (ListNotes). Each may be nil.
	listAll func(tx Tx, ctx context.Context, req psa.PageRequest) (psa.Page[V], error)
	listOf  func(tx Tx, ctx context.Context, owner O, req psa.PageRequest) (psa.Page[V], error)
	every   func(tx Tx, ctx context.Context, owner O) ([]V, error)
	// more returns the other reads that return the stored v among other values (the time entries
	// of v's ticket); nil when there are none.
	more func(v V) []reader[Tx, V]

	// bare returns a value of owner with only the required fields, called name, without a key
	// (with a key of its own, unique to id and name, for a kind whose every value has one).
	bare func(t *testing.T, id K, owner O, name string) V
	// owners returns n new owners for values of the kind, storing them where the suite promises
	// stored owners; nil for a kind that is not owned.
	owners func(t *testing.T, run psa.Runner[Tx], n int) []O
	// clone returns a copy of v that shares no memory with it, and scribble overwrites in place
	// every element of every slice v holds, and what every pointer v holds points to, as a
	// careless caller might. Both are nil for a kind whose values hold no slice or pointer.
	clone    func(v V) V
	scribble func(t *testing.T, v *V)
}

// fields points into one value at what the generic cases read and change.
type fields[K, O any] struct {
	id    *K
	owner *O      // nil for a kind that is not owned
	key   *string // nil for a kind without a key, or with a number for a key
	// number is the key of a kind whose key is a number that every value has (a ticket's
	// Number): there is no empty key, and the generic cases' keys ("ticket-1") become numbers
	// (see keyNumber). nil otherwise.
	number  *int64
	version *int64  // nil for a kind whose values are never changed
	label   *string // a plain text field that updates change; nil when setLabel is set
	// setLabel changes, for a kind without a plain text field (usage records), another field that
	// updates change, distinctly for each label; nil when label is set.
	setLabel func(label string)
}

// relabel sets v's label (see fields.label and fields.setLabel).
func (k kind[Tx, K, O, V]) relabel(v *V, label string) {
	f := k.fields(v)
	if f.label != nil {
		*f.label = label
		return
	}
	f.setLabel(label)
}

// listing is one listing of a kind: the listing of every value or the listing per owner.
type listing[Tx, O, V any] struct {
	name string
	// owned says that the listing lists one owner's values; owner is ignored otherwise.
	owned bool
	// whole says that the listing returns every value in one call, not in pages: it ignores the
	// page request and never returns a Next cursor.
	whole bool
	list  func(ctx context.Context, tx Tx, owner O, req psa.PageRequest) (psa.Page[V], error)
}

// of returns the listing of owner.
func (l listing[Tx, O, V]) of(owner O) func(ctx context.Context, tx Tx, req psa.PageRequest) (psa.Page[V], error) {
	return func(ctx context.Context, tx Tx, req psa.PageRequest) (psa.Page[V], error) {
		return l.list(ctx, tx, owner, req)
	}
}

// reader is one read of a store that returns stored values.
type reader[Tx, V any] struct {
	name string
	read func(ctx context.Context, tx Tx) ([]V, error)
}

// noun returns the kind's name in lower case, words apart ("time entry"), an initialism kept
// together ("APIUser": "api user").
func (k kind[Tx, K, O, V]) noun() string {
	var b strings.Builder
	rs := []rune(k.name)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func (k kind[Tx, K, O, V]) findName() string { return "Find" + k.name + "By" + k.keyName }

// createName and updateName name the store methods that create and update values, getName the
// read of one value: Get<name>, or the listing of its owner for a kind without one.
func (k kind[Tx, K, O, V]) createName() string {
	if k.put {
		return "Put" + k.name + " with Version 0"
	}
	return "Create" + k.name
}

func (k kind[Tx, K, O, V]) updateName() string {
	if k.put {
		return "Put" + k.name
	}
	return "Update" + k.name
}

func (k kind[Tx, K, O, V]) getName() string {
	if k.get == nil {
		return "List" + k.names() + " of its " + k.ownerName
	}
	return "Get" + k.name
}

// names returns the plural of the kind's name.
func (k kind[Tx, K, O, V]) names() string {
	if k.plural != "" {
		return k.plural
	}
	return k.name + "s"
}

// withPut returns k for a store that has put (PutPolicy) instead of Create<name> and
// Update<name>: create puts a value with Version 0, and update puts it as it is.
func (k kind[Tx, K, O, V]) withPut(put func(tx Tx, ctx context.Context, v V) error) kind[Tx, K, O, V] {
	k.put = true
	k.update = put
	k.create = func(tx Tx, ctx context.Context, v V) error {
		*k.fields(&v).version = 0
		return put(tx, ctx, v)
	}
	return k
}

func (k kind[Tx, K, O, V]) idOf(v V) K { return *k.fields(&v).id }

// keyOf returns v's key, "" for a kind without one.
func (k kind[Tx, K, O, V]) keyOf(v V) string {
	f := k.fields(&v)
	switch {
	case f.key != nil:
		return *f.key
	case f.number != nil:
		return strconv.FormatInt(*f.number, 10)
	}
	return ""
}

// numbered reports whether the kind's key is a number every value has.
func (k kind[Tx, K, O, V]) numbered() bool {
	var v V
	return k.fields(&v).number != nil
}

// hasLookup reports whether the kind's store looks values up by their key.
func (k kind[Tx, K, O, V]) hasLookup() bool { return k.find != nil || k.findIn != nil }

// keyNumber returns the number that stands for key in a kind whose key is a number: an FNV-1a
// hash of key from 1 to 2^53, so that the few distinct keys of a case give distinct numbers but
// for a collision too unlikely to matter; "" gives 0.
func keyNumber(key string) int64 {
	if key == "" {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return int64(h.Sum64()>>11) + 1
}

// ownerOf returns v's owner, the zero O for a kind that is not owned.
func (k kind[Tx, K, O, V]) ownerOf(v V) O {
	if p := k.fields(&v).owner; p != nil {
		return *p
	}
	var zero O
	return zero
}

// withKey returns v with key (for a kind whose key is a number, with keyNumber(key)).
func (k kind[Tx, K, O, V]) withKey(v V, key string) V {
	f := k.fields(&v)
	if f.number != nil {
		*f.number = keyNumber(key)
	} else {
		*f.key = key
	}
	return v
}

// newOwners returns n owners for new values (zero IDs for a kind that is not owned).
func (k kind[Tx, K, O, V]) newOwners(t *testing.T, run psa.Runner[Tx], n int) []O {
	t.Helper()
	if k.owners == nil {
		return make([]O, n)
	}
	return k.owners(t, run, n)
}

// listings returns the kind's listings: the listing of everything first, then the ones per owner.
func (k kind[Tx, K, O, V]) listings() []listing[Tx, O, V] {
	var out []listing[Tx, O, V]
	if k.listAll != nil {
		out = append(out, k.everything())
	}
	if k.listOf != nil {
		out = append(out, k.byOwner())
	}
	if k.every != nil {
		out = append(out, k.whole())
	}
	return out
}

// everything returns the listing of every value; k must have one.
func (k kind[Tx, K, O, V]) everything() listing[Tx, O, V] {
	name := "List" + k.names()
	if k.listOf != nil {
		name = "ListAll" + k.names()
	}
	return listing[Tx, O, V]{name: name, list: func(ctx context.Context, tx Tx, _ O, req psa.PageRequest) (psa.Page[V], error) {
		return k.listAll(tx, ctx, req)
	}}
}

// byOwner returns the listing of one owner's values; k must have one.
func (k kind[Tx, K, O, V]) byOwner() listing[Tx, O, V] {
	return listing[Tx, O, V]{name: "List" + k.names(), owned: true, list: func(ctx context.Context, tx Tx, owner O, req psa.PageRequest) (psa.Page[V], error) {
		return k.listOf(tx, ctx, owner, req)
	}}
}

// whole returns the listing of one owner's values in one call; k must have one.
func (k kind[Tx, K, O, V]) whole() listing[Tx, O, V] {
	return listing[Tx, O, V]{name: "List" + k.names(), owned: true, whole: true, list: func(ctx context.Context, tx Tx, owner O, _ psa.PageRequest) (psa.Page[V], error) {
		items, err := k.every(tx, ctx, owner)
		return psa.Page[V]{Items: items}, err
	}}
}

// ownedListings returns the kind's listings per owner.
func (k kind[Tx, K, O, V]) ownedListings() []listing[Tx, O, V] {
	return slices.DeleteFunc(k.listings(), func(l listing[Tx, O, V]) bool { return !l.owned })
}

// creating returns a write that creates vs, in order.
func (k kind[Tx, K, O, V]) creating(vs ...V) func(ctx context.Context, tx Tx) error {
	return k.each(k.createName(), k.create, vs)
}

// updating returns a write that updates vs, in order.
func (k kind[Tx, K, O, V]) updating(vs ...V) func(ctx context.Context, tx Tx) error {
	return k.each(k.updateName(), k.update, vs)
}

// each returns a write that calls the store method called method for each of vs, in order.
func (k kind[Tx, K, O, V]) each(method string, call func(tx Tx, ctx context.Context, v V) error, vs []V) func(ctx context.Context, tx Tx) error {
	return func(ctx context.Context, tx Tx) error {
		for _, v := range vs {
			if err := call(tx, ctx, v); err != nil {
				return fmt.Errorf("%s %s: %w", method, k.idOf(v), err)
			}
		}
		return nil
	}
}

// store creates vs in one transaction of run.
func (k kind[Tx, K, O, V]) store(t *testing.T, run psa.Runner[Tx], vs ...V) {
	t.Helper()
	setUp(t, run, k.creating(vs...))
}

// all returns the listing of every value, in the form eachPageInTx and inThisTx take.
func (k kind[Tx, K, O, V]) all() func(ctx context.Context, tx Tx, req psa.PageRequest) (psa.Page[V], error) {
	return func(ctx context.Context, tx Tx, req psa.PageRequest) (psa.Page[V], error) {
		return k.listAll(tx, ctx, req)
	}
}

// of returns the listing of owner's values, in the form eachPageInTx and inThisTx take.
func (k kind[Tx, K, O, V]) of(owner O) func(ctx context.Context, tx Tx, req psa.PageRequest) (psa.Page[V], error) {
	return func(ctx context.Context, tx Tx, req psa.PageRequest) (psa.Page[V], error) {
		return k.listOf(tx, ctx, owner, req)
	}
}

// getting returns the read of the value with id; k must have Get<name>.
func (k kind[Tx, K, O, V]) getting(id K) func(ctx context.Context, tx Tx) (V, error) {
	return func(ctx context.Context, tx Tx) (V, error) { return k.get(tx, ctx, id) }
}

// reading returns the read of the stored value with v's ID: Get<name>, or for a kind without one
// the listing of v's owner, which fails with a *psa.NotFoundError when it does not list it.
func (k kind[Tx, K, O, V]) reading(v V) func(ctx context.Context, tx Tx) (V, error) {
	if k.get != nil {
		return k.getting(k.idOf(v))
	}
	id, owner := k.idOf(v), k.ownerOf(v)
	return func(ctx context.Context, tx Tx) (V, error) {
		items, err := k.every(tx, ctx, owner)
		if err != nil {
			var zero V
			return zero, err
		}
		if got, ok := find(items, k.idOf, id); ok {
			return got, nil
		}
		var zero V
		return zero, &psa.NotFoundError{Kind: k.noun(), Key: fmt.Sprintf("%s (not listed by List%s of %s %s)", id, k.names(), k.ownerName, owner)}
	}
}

// lookingUp returns the read of the value with v's key (within v's owner, where keys are unique
// per owner).
func (k kind[Tx, K, O, V]) lookingUp(v V) func(ctx context.Context, tx Tx) (V, error) {
	return func(ctx context.Context, tx Tx) (V, error) {
		if k.findIn != nil {
			return k.findIn(tx, ctx, k.ownerOf(v), k.keyOf(v))
		}
		return k.find(tx, ctx, k.keyOf(v))
	}
}

// readers returns every read that returns the stored v: Get<name>, the lookup by v's key when it
// has one, the first page of every listing of v, and the kind's other reads of v.
func (k kind[Tx, K, O, V]) readers(v V) []reader[Tx, V] {
	one := func(get func(ctx context.Context, tx Tx) (V, error)) func(ctx context.Context, tx Tx) ([]V, error) {
		return func(ctx context.Context, tx Tx) ([]V, error) {
			v, err := get(ctx, tx)
			return []V{v}, err
		}
	}
	var out []reader[Tx, V]
	if k.get != nil {
		out = append(out, reader[Tx, V]{"Get" + k.name, one(k.getting(k.idOf(v)))})
	}
	if k.hasLookup() && k.keyOf(v) != "" {
		out = append(out, reader[Tx, V]{k.findName(), one(k.lookingUp(v))})
	}
	for _, l := range k.listings() {
		out = append(out, reader[Tx, V]{l.name, func(ctx context.Context, tx Tx) ([]V, error) {
			p, err := l.list(ctx, tx, k.ownerOf(v), psa.PageRequest{})
			return p.Items, err
		}})
	}
	if k.more != nil {
		out = append(out, k.more(v)...)
	}
	return out
}

// wantStored reports an error unless Get<name> of want's ID (for a kind without one, the listing
// of want's owner), and the lookup by want's key when it has one, return want, each in a
// transaction of its own; when ends the messages.
func (k kind[Tx, K, O, V]) wantStored(t *testing.T, run psa.Runner[Tx], when string, want V) {
	t.Helper()
	diff(t, k.getName()+" "+when, want, mustRead(t, run, k.getName(), k.reading(want)))
	if k.hasLookup() && k.keyOf(want) != "" {
		diff(t, k.findName()+" "+when, want, mustRead(t, run, k.findName(), k.lookingUp(want)))
	}
}

// wantStoredIn is wantStored inside the transaction tx.
func (k kind[Tx, K, O, V]) wantStoredIn(t *testing.T, ctx context.Context, tx Tx, when string, want V) {
	t.Helper()
	got, err := k.reading(want)(ctx, tx)
	wantRead(t, k.getName()+" "+when, want, got, err)
	if k.hasLookup() && k.keyOf(want) != "" {
		got, err = k.lookingUp(want)(ctx, tx)
		wantRead(t, k.findName()+" "+when, want, got, err)
	}
}

// wantNoID reports an error unless Get<name> of id, in a transaction of its own, fails with a
// *psa.NotFoundError; k must have Get<name>.
func (k kind[Tx, K, O, V]) wantNoID(t *testing.T, run psa.Runner[Tx], what string, id K) {
	t.Helper()
	_, err := read(t, run, k.getting(id))
	wantNotFound(t, what, err)
}

// wantNoKey reports an error unless the lookup by v's key, in a transaction of its own, fails
// with a *psa.NotFoundError. It checks nothing for a kind without a lookup by key.
func (k kind[Tx, K, O, V]) wantNoKey(t *testing.T, run psa.Runner[Tx], what string, v V) {
	t.Helper()
	if !k.hasLookup() {
		return
	}
	_, err := read(t, run, k.lookingUp(v))
	wantNotFound(t, what, err)
}

// wantGone reports an error unless neither Get<name> of v's ID (for a kind without one, the
// listing of v's owner) nor, when v has a key, the lookup by it finds anything; when ends the
// messages.
func (k kind[Tx, K, O, V]) wantGone(t *testing.T, run psa.Runner[Tx], when string, v V) {
	t.Helper()
	_, err := read(t, run, k.reading(v))
	wantNotFound(t, k.getName()+" "+when, err)
	if k.keyOf(v) != "" {
		k.wantNoKey(t, run, k.findName()+" "+when, v)
	}
}

// wantListed walks l for owner with limit, each page in a transaction of its own, and reports an
// error unless it lists exactly the values with the IDs want, each once, in ascending ID order,
// and (for a listing per owner) only values of owner. It returns what l listed.
//
// A listing that returns every value in one call ignores limit, and must not return a cursor.
func (k kind[Tx, K, O, V]) wantListed(t *testing.T, run psa.Runner[Tx], l listing[Tx, O, V], owner O, limit int, what string, want []K) []V {
	t.Helper()
	if l.whole {
		limit = 0
	}
	got := walk(t, what, limit, eachPageInTx(t, run, l.of(owner)))
	wantIDs(t, what, got, k.idOf, want)
	if l.owned {
		for _, v := range got {
			if o := k.ownerOf(v); o != owner {
				t.Errorf("%s: listed %s %s of %s %s", what, k.noun(), k.idOf(v), k.ownerName, o)
			}
		}
	}
	return got
}

// listedAll returns the IDs of every value of the kind stored now (nil for a kind without a
// listing of everything): a generic case that shares its harness with others takes them first,
// so that it can check that listing exactly.
func (k kind[Tx, K, O, V]) listedAll(t *testing.T, run psa.Runner[Tx]) []K {
	t.Helper()
	if k.listAll == nil {
		return nil
	}
	l := k.everything()
	var zero O
	ids := []K{}
	for _, v := range walk(t, l.name+" before the case", 0, eachPageInTx(t, run, l.of(zero))) {
		ids = append(ids, k.idOf(v))
	}
	return ids
}

// wantListings reports an error unless the listing of everything lists exactly before (what
// listedAll returned) and mine, and the listing of owner exactly mine; when ends the messages.
func (k kind[Tx, K, O, V]) wantListings(t *testing.T, run psa.Runner[Tx], when string, before []K, owner O, mine ...K) {
	t.Helper()
	for _, l := range k.listings() {
		want := mine
		if !l.owned {
			want = append(before[:len(before):len(before)], mine...)
		}
		k.wantListed(t, run, l, owner, 0, l.name+" "+when, want)
	}
}

// unstored is the owners function of a kind whose values belong to owners the suite does not
// store, as the store methods take the owner's ID as a plain value: it returns n random IDs.
func unstored[Tx any, O psa.ID](_ *testing.T, _ psa.Runner[Tx], n int) []O {
	ids := make([]O, n)
	for i := range ids {
		ids[i] = randomID[O]()
	}
	return ids
}

// ownersOf returns the owners function of a kind whose values k's values own: it stores n bare
// values of k and returns their IDs.
func ownersOf[Tx any, K, O psa.ID, V any](k kind[Tx, K, O, V]) func(t *testing.T, run psa.Runner[Tx], n int) []K {
	return func(t *testing.T, run psa.Runner[Tx], n int) []K {
		t.Helper()
		owners := k.newOwners(t, run, n)
		ids, vs := make([]K, n), make([]V, n)
		for i := range n {
			ids[i] = mixedID[K](t, i)
			vs[i] = k.bare(t, ids[i], owners[i], fmt.Sprintf("Owner %d", i+1))
		}
		k.store(t, run, vs...)
		return ids
	}
}
