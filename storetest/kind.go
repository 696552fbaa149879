package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
	// name is the kind's name in its store's methods: Create<name>, Get<name>, Update<name>,
	// Find<name>By<keyName>, List<name>s, and ListAll<name>s for the listing of every value of a
	// kind that also has a listing per owner.
	name string
	// ownerName names what owns a value ("client"), or is "" for a kind that is not owned.
	ownerName string
	// keyName names the kind's unique key besides the ID ("ExternalID"), or is "" for a kind
	// without one.
	keyName string
	// fields points into v at what the generic cases read and change.
	fields func(v *V) fields[K, O]

	create, update func(tx Tx, ctx context.Context, v V) error
	get            func(tx Tx, ctx context.Context, id K) (V, error)
	// find looks a value up by its key when the key is unique in the store, findIn when it is
	// unique within the value's owner; one of them is set when keyName is.
	find   func(tx Tx, ctx context.Context, key string) (V, error)
	findIn func(tx Tx, ctx context.Context, owner O, key string) (V, error)
	// listAll lists every value of the kind and listOf the values of one owner; either may be nil.
	listAll func(tx Tx, ctx context.Context, req psa.PageRequest) (psa.Page[V], error)
	listOf  func(tx Tx, ctx context.Context, owner O, req psa.PageRequest) (psa.Page[V], error)

	// bare returns a value of owner with only the required fields, called name, without a key.
	bare func(t *testing.T, id K, owner O, name string) V
	// owners returns n new owners for values of the kind, storing them where the suite promises
	// stored owners; nil for a kind that is not owned.
	owners func(t *testing.T, run psa.Runner[Tx], n int) []O
	// clone returns a copy of v that shares no memory with it, and scribble overwrites in place
	// every element of every slice v holds, as a careless caller might. Both are nil for a kind
	// whose values hold no slice.
	clone    func(v V) V
	scribble func(t *testing.T, v *V)
}

// fields points into one value at what the generic cases read and change.
type fields[K, O any] struct {
	id      *K
	owner   *O      // nil for a kind that is not owned
	key     *string // nil for a kind without a key
	version *int64
	label   *string // a plain text field that updates change
}

// listing is one paged listing of a kind: the listing of every value or the listing per owner.
type listing[Tx, O, V any] struct {
	name string
	// owned says that the listing lists one owner's values; owner is ignored otherwise.
	owned bool
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

func (k kind[Tx, K, O, V]) noun() string { return strings.ToLower(k.name) }

func (k kind[Tx, K, O, V]) findName() string { return "Find" + k.name + "By" + k.keyName }

func (k kind[Tx, K, O, V]) idOf(v V) K { return *k.fields(&v).id }

// keyOf returns v's key, "" for a kind without one.
func (k kind[Tx, K, O, V]) keyOf(v V) string {
	if p := k.fields(&v).key; p != nil {
		return *p
	}
	return ""
}

// ownerOf returns v's owner, the zero O for a kind that is not owned.
func (k kind[Tx, K, O, V]) ownerOf(v V) O {
	if p := k.fields(&v).owner; p != nil {
		return *p
	}
	var zero O
	return zero
}

// withKey returns v with key.
func (k kind[Tx, K, O, V]) withKey(v V, key string) V {
	*k.fields(&v).key = key
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

// listings returns the kind's listings: the listing of everything first, then the one per owner.
func (k kind[Tx, K, O, V]) listings() []listing[Tx, O, V] {
	var out []listing[Tx, O, V]
	if k.listAll != nil {
		out = append(out, k.everything())
	}
	if k.listOf != nil {
		out = append(out, k.byOwner())
	}
	return out
}

// everything returns the listing of every value; k must have one.
func (k kind[Tx, K, O, V]) everything() listing[Tx, O, V] {
	name := "List" + k.name + "s"
	if k.listOf != nil {
		name = "ListAll" + k.name + "s"
	}
	return listing[Tx, O, V]{name: name, list: func(ctx context.Context, tx Tx, _ O, req psa.PageRequest) (psa.Page[V], error) {
		return k.listAll(tx, ctx, req)
	}}
}

// byOwner returns the listing of one owner's values; k must have one.
func (k kind[Tx, K, O, V]) byOwner() listing[Tx, O, V] {
	return listing[Tx, O, V]{name: "List" + k.name + "s", owned: true, list: func(ctx context.Context, tx Tx, owner O, req psa.PageRequest) (psa.Page[V], error) {
		return k.listOf(tx, ctx, owner, req)
	}}
}

// creating returns a write that creates vs, in order.
func (k kind[Tx, K, O, V]) creating(vs ...V) func(ctx context.Context, tx Tx) error {
	return k.each("Create", k.create, vs)
}

// updating returns a write that updates vs, in order.
func (k kind[Tx, K, O, V]) updating(vs ...V) func(ctx context.Context, tx Tx) error {
	return k.each("Update", k.update, vs)
}

// each returns a write that calls the store method <verb><name> for each of vs, in order.
func (k kind[Tx, K, O, V]) each(verb string, method func(tx Tx, ctx context.Context, v V) error, vs []V) func(ctx context.Context, tx Tx) error {
	return func(ctx context.Context, tx Tx) error {
		for _, v := range vs {
			if err := method(tx, ctx, v); err != nil {
				return fmt.Errorf("%s%s %s: %w", verb, k.name, k.idOf(v), err)
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

// getting returns the read of the value with id.
func (k kind[Tx, K, O, V]) getting(id K) func(ctx context.Context, tx Tx) (V, error) {
	return func(ctx context.Context, tx Tx) (V, error) { return k.get(tx, ctx, id) }
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
// has one, and the first page of every listing of v.
func (k kind[Tx, K, O, V]) readers(v V) []reader[Tx, V] {
	one := func(get func(ctx context.Context, tx Tx) (V, error)) func(ctx context.Context, tx Tx) ([]V, error) {
		return func(ctx context.Context, tx Tx) ([]V, error) {
			v, err := get(ctx, tx)
			return []V{v}, err
		}
	}
	out := []reader[Tx, V]{{"Get" + k.name, one(k.getting(k.idOf(v)))}}
	if k.keyOf(v) != "" {
		out = append(out, reader[Tx, V]{k.findName(), one(k.lookingUp(v))})
	}
	for _, l := range k.listings() {
		out = append(out, reader[Tx, V]{l.name, func(ctx context.Context, tx Tx) ([]V, error) {
			p, err := l.list(ctx, tx, k.ownerOf(v), psa.PageRequest{})
			return p.Items, err
		}})
	}
	return out
}

// wantStored reports an error unless Get<name> of want's ID, and the lookup by want's key when it
// has one, return want, each in a transaction of its own; when ends the messages.
func (k kind[Tx, K, O, V]) wantStored(t *testing.T, run psa.Runner[Tx], when string, want V) {
	t.Helper()
	diff(t, "Get"+k.name+" "+when, want, mustRead(t, run, "Get"+k.name, k.getting(k.idOf(want))))
	if k.keyOf(want) != "" {
		diff(t, k.findName()+" "+when, want, mustRead(t, run, k.findName(), k.lookingUp(want)))
	}
}

// wantStoredIn is wantStored inside the transaction tx.
func (k kind[Tx, K, O, V]) wantStoredIn(t *testing.T, ctx context.Context, tx Tx, when string, want V) {
	t.Helper()
	got, err := k.get(tx, ctx, k.idOf(want))
	wantRead(t, "Get"+k.name+" "+when, want, got, err)
	if k.keyOf(want) != "" {
		got, err = k.lookingUp(want)(ctx, tx)
		wantRead(t, k.findName()+" "+when, want, got, err)
	}
}

// wantNoID reports an error unless Get<name> of id, in a transaction of its own, fails with a
// *psa.NotFoundError.
func (k kind[Tx, K, O, V]) wantNoID(t *testing.T, run psa.Runner[Tx], what string, id K) {
	t.Helper()
	_, err := read(t, run, k.getting(id))
	wantNotFound(t, what, err)
}

// wantNoKey reports an error unless the lookup by v's key, in a transaction of its own, fails
// with a *psa.NotFoundError.
func (k kind[Tx, K, O, V]) wantNoKey(t *testing.T, run psa.Runner[Tx], what string, v V) {
	t.Helper()
	_, err := read(t, run, k.lookingUp(v))
	wantNotFound(t, what, err)
}

// wantGone reports an error unless neither Get<name> of v's ID nor, when v has a key, the lookup
// by it finds anything; when ends the messages.
func (k kind[Tx, K, O, V]) wantGone(t *testing.T, run psa.Runner[Tx], when string, v V) {
	t.Helper()
	k.wantNoID(t, run, "Get"+k.name+" "+when, k.idOf(v))
	if k.keyOf(v) != "" {
		k.wantNoKey(t, run, k.findName()+" "+when, v)
	}
}

// wantListed walks l for owner with limit, each page in a transaction of its own, and reports an
// error unless it lists exactly the values with the IDs want, each once, in ascending ID order,
// and (for a listing per owner) only values of owner. It returns what l listed.
func (k kind[Tx, K, O, V]) wantListed(t *testing.T, run psa.Runner[Tx], l listing[Tx, O, V], owner O, limit int, what string, want []K) []V {
	t.Helper()
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
