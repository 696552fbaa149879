package memstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/psakit/psa"
)

// A table holds the committed rows of one kind, keyed by a typed ID, with its unique indexes and
// groupings. It is read and written only under Store.mu (read lock to read, write lock at commit).
type table[K psa.ID, V any] struct {
	kind  string            // "client", for errors
	id    func(V) K         // the key of a row value
	clone func(V) V         // deep copy, so no caller ever shares memory with a stored value
	rows  map[K]*row[V]     // committed rows
	keys  []K               // committed keys in ascending order
	seq   uint64            // commit sequence of the last change to any row
	uniq  []*unique[K, V]   // unique indexes
	group []*grouping[K, V] // groupings (contacts by client, ...)
}

type row[V any] struct {
	v   V
	seq uint64 // commit sequence that wrote it
}

// unique is a unique index over a string key derived from a row; rows whose key is "" are not
// indexed.
type unique[K psa.ID, V any] struct {
	name string // "external ID", for errors
	key  func(V) string
	m    map[string]K
}

// grouping lists the keys of the rows that share a group ID (the contacts of one client), in
// ascending key order, with the commit sequence of each group's last change.
type grouping[K psa.ID, V any] struct {
	of  func(V) uuid.UUID
	m   map[uuid.UUID][]K
	seq map[uuid.UUID]uint64
}

func newTable[K psa.ID, V any](kind string, id func(V) K, clone func(V) V) *table[K, V] {
	if clone == nil {
		clone = func(v V) V { return v }
	}
	return &table[K, V]{kind: kind, id: id, clone: clone, rows: map[K]*row[V]{}}
}

func (t *table[K, V]) addUnique(name string, key func(V) string) *unique[K, V] {
	u := &unique[K, V]{name: name, key: key, m: map[string]K{}}
	t.uniq = append(t.uniq, u)
	return u
}

func (t *table[K, V]) addGrouping(of func(V) uuid.UUID) *grouping[K, V] {
	g := &grouping[K, V]{of: of, m: map[uuid.UUID][]K{}, seq: map[uuid.UUID]uint64{}}
	t.group = append(t.group, g)
	return g
}

func cmpKey[K psa.ID](a, b K) int {
	ua, ub := struct{ uuid.UUID }(a).UUID, struct{ uuid.UUID }(b).UUID
	return bytes.Compare(ua[:], ub[:])
}

func (t *table[K, V]) rowSeq(k K) uint64 {
	if r, ok := t.rows[k]; ok {
		return r.seq
	}
	return 0
}

// apply writes v under k at commit sequence seq, keeping indexes and groupings current.
func (t *table[K, V]) apply(k K, v V, seq uint64) {
	old, existed := t.rows[k]
	for _, u := range t.uniq {
		if existed {
			if ok := u.key(old.v); ok != "" && u.m[ok] == k {
				delete(u.m, ok)
			}
		}
		if nk := u.key(v); nk != "" {
			u.m[nk] = k
		}
	}
	for _, g := range t.group {
		ng := g.of(v)
		if existed {
			og := g.of(old.v)
			if og != ng {
				g.m[og] = removeSorted(g.m[og], k)
				g.seq[og] = seq
				g.m[ng] = insertSorted(g.m[ng], k)
			}
		} else {
			g.m[ng] = insertSorted(g.m[ng], k)
		}
		g.seq[ng] = seq
	}
	if !existed {
		t.keys = insertSorted(t.keys, k)
	}
	t.rows[k] = &row[V]{v: v, seq: seq}
	t.seq = seq
}

func insertSorted[K psa.ID](s []K, k K) []K {
	i, found := slices.BinarySearchFunc(s, k, cmpKey[K])
	if found {
		return s
	}
	return slices.Insert(s, i, k)
}

func removeSorted[K psa.ID](s []K, k K) []K {
	i, found := slices.BinarySearchFunc(s, k, cmpKey[K])
	if !found {
		return s
	}
	return slices.Delete(s, i, i+1)
}

// view is one transaction's view of a table: the committed rows under the transaction's own
// uncommitted writes. Every read of committed state registers a check that Store.commit re-runs
// under the write lock, so a transaction whose reads went stale is retried rather than committed.
type view[K psa.ID, V any] struct {
	tx     *Tx
	t      *table[K, V]
	writes map[K]V
	order  []K // written keys, in first-write order
}

// viewOf returns tx's view of table t, made on first use.
func viewOf[K psa.ID, V any](tx *Tx, t *table[K, V]) *view[K, V] {
	if v, ok := tx.views[t]; ok {
		return v.(*view[K, V])
	}
	v := &view[K, V]{tx: tx, t: t}
	if tx.views == nil {
		tx.views = map[any]any{}
	}
	tx.views[t] = v
	tx.applies = append(tx.applies, v.applyAll)
	return v
}

func (v *view[K, V]) applyAll(seq uint64) {
	for _, k := range v.order {
		v.t.apply(k, v.writes[k], seq)
	}
}

// get returns a copy of the row k as the transaction sees it.
func (v *view[K, V]) get(ctx context.Context, k K) (V, bool, error) {
	if err := v.tx.usable(ctx); err != nil {
		var zero V
		return zero, false, err
	}
	if w, ok := v.writes[k]; ok {
		return v.t.clone(w), true, nil
	}
	v.tx.rlock()
	r, ok := v.t.rows[k]
	var seq uint64
	var val V
	if ok {
		seq, val = r.seq, v.t.clone(r.v)
	}
	v.tx.runlock()
	v.tx.check(func() bool { return v.t.rowSeq(k) == seq })
	return val, ok, nil
}

// mustGet is get with a *psa.NotFoundError for a missing row.
func (v *view[K, V]) mustGet(ctx context.Context, k K) (V, error) {
	val, ok, err := v.get(ctx, k)
	if err == nil && !ok {
		err = psa.NotFound(v.t.kind, k)
	}
	return val, err
}

// findUnique returns the row whose key in index u is key, as the transaction sees it.
func (v *view[K, V]) findUnique(ctx context.Context, u *unique[K, V], key string) (V, bool, error) {
	var zero V
	if err := v.tx.usable(ctx); err != nil {
		return zero, false, err
	}
	for _, k := range v.order {
		if u.key(v.writes[k]) == key {
			return v.t.clone(v.writes[k]), true, nil
		}
	}
	v.tx.rlock()
	k, ok := u.m[key]
	v.tx.runlock()
	v.tx.check(func() bool { k2, ok2 := u.m[key]; return ok2 == ok && k2 == k })
	if !ok {
		return zero, false, nil
	}
	if _, shadowed := v.writes[k]; shadowed {
		return zero, false, nil // rewritten by this transaction under another key
	}
	return v.get(ctx, k)
}

// put writes val under k: a create when create is true (k must not exist), else an update of an
// existing row whose domain version the caller has checked. Unique keys must be free.
func (v *view[K, V]) put(ctx context.Context, k K, val V, create bool) error {
	if err := v.tx.usable(ctx); err != nil {
		return err
	}
	_, exists, err := v.get(ctx, k)
	if err != nil {
		return err
	}
	switch {
	case create && exists:
		return &psa.AlreadyExistsError{Kind: v.t.kind, Key: k.String()}
	case !create && !exists:
		return psa.NotFound(v.t.kind, k)
	}
	for _, u := range v.t.uniq {
		key := u.key(val)
		if key == "" {
			continue
		}
		other, ok, err := v.findUnique(ctx, u, key)
		if err != nil {
			return err
		}
		if ok && v.t.id(other) != k {
			return &psa.AlreadyExistsError{Kind: v.t.kind, Key: u.name + " " + key}
		}
	}
	if v.writes == nil {
		v.writes = map[K]V{}
	}
	if _, seen := v.writes[k]; !seen {
		v.order = append(v.order, k)
	}
	v.writes[k] = v.t.clone(val)
	return nil
}

// list returns the page after cursor of the keys in committed (under the read lock) merged with
// this transaction's writes that pass keep, then the rows.
func (v *view[K, V]) list(ctx context.Context, page psa.PageRequest, committed func() ([]K, uint64, func() uint64), keep func(V) bool) (psa.Page[V], error) {
	if err := v.tx.usable(ctx); err != nil {
		return psa.Page[V]{}, err
	}
	page, err := page.Normalize()
	if err != nil {
		return psa.Page[V]{}, err
	}
	var after K
	if page.Cursor != "" {
		if after, err = psa.ParseID[K]("cursor", page.Cursor); err != nil {
			return psa.Page[V]{}, fmt.Errorf("%w: %q", psa.ErrBadCursor, page.Cursor)
		}
	}
	v.tx.rlock()
	base, seq, seqNow := committed()
	start := 0
	if page.Cursor != "" {
		start, _ = slices.BinarySearchFunc(base, after, cmpKey[K])
		if start < len(base) && base[start] == after {
			start++
		}
	}
	// Copy the tail we may need: the committed slice can change once the lock is released.
	var cand []K
	for i := start; i < len(base) && len(cand) <= page.Limit+len(v.order); i++ {
		cand = append(cand, base[i])
	}
	v.tx.runlock()
	v.tx.check(func() bool { return seqNow() == seq })

	for _, k := range v.order {
		if _, inBase := slices.BinarySearchFunc(cand, k, cmpKey[K]); !inBase && (page.Cursor == "" || cmpKey(k, after) > 0) {
			cand = insertSorted(cand, k)
		}
	}
	out := psa.Page[V]{}
	for _, k := range cand {
		val, ok, err := v.get(ctx, k)
		if err != nil {
			return psa.Page[V]{}, err
		}
		if !ok || !keep(val) {
			continue
		}
		if len(out.Items) == page.Limit {
			out.Next = v.t.id(out.Items[len(out.Items)-1]).String()
			break
		}
		out.Items = append(out.Items, val)
	}
	return out, nil
}

// listAll lists every row of the table.
func (v *view[K, V]) listAll(ctx context.Context, page psa.PageRequest) (psa.Page[V], error) {
	t := v.t
	return v.list(ctx, page, func() ([]K, uint64, func() uint64) {
		return t.keys, t.seq, func() uint64 { return t.seq }
	}, func(V) bool { return true })
}

// listGroup lists the rows of group id in grouping g.
func (v *view[K, V]) listGroup(ctx context.Context, g *grouping[K, V], id uuid.UUID, page psa.PageRequest) (psa.Page[V], error) {
	return v.list(ctx, page, func() ([]K, uint64, func() uint64) {
		return g.m[id], g.seq[id], func() uint64 { return g.seq[id] }
	}, func(val V) bool { return g.of(val) == id })
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
