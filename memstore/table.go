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
	of func(V) uuid.UUID
	m  map[uuid.UUID]*group[K]
}

// group is one group of a grouping: its keys and the commit sequence of its last change (any
// write of a row in it, or a row leaving it).
type group[K psa.ID] struct {
	keys []K
	seq  uint64
	one  [1]K // backs keys while the group has one row (most groups of claims have one)
}

// seqOf returns the commit sequence of the last change of group id (0 if it never had a row).
func (g *grouping[K, V]) seqOf(id uuid.UUID) uint64 {
	if e := g.m[id]; e != nil {
		return e.seq
	}
	return 0
}

// entry returns group id, made on first use.
func (g *grouping[K, V]) entry(id uuid.UUID) *group[K] {
	e := g.m[id]
	if e == nil {
		e = &group[K]{}
		e.keys = e.one[:0]
		g.m[id] = e
	}
	return e
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
	g := &grouping[K, V]{of: of, m: map[uuid.UUID]*group[K]{}}
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

// apply stores r (a row no one else holds) under k at commit sequence seq, keeping indexes and
// groupings current.
func (t *table[K, V]) apply(k K, r *row[V], seq uint64) {
	v := r.v
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
		e := g.entry(ng)
		if existed {
			if og := g.of(old.v); og != ng {
				o := g.m[og]
				o.keys = removeSorted(o.keys, k)
				o.seq = seq
				e.keys = insertSorted(e.keys, k)
			}
		} else {
			e.keys = insertSorted(e.keys, k)
		}
		e.seq = seq
	}
	if !existed {
		t.keys = insertSorted(t.keys, k)
	}
	r.seq = seq
	t.rows[k] = r
	t.seq = seq
}

// insertSorted inserts k into the ascending s; new keys (UUIDv7) mostly come last.
func insertSorted[K psa.ID](s []K, k K) []K {
	if n := len(s); n == 0 || cmpKey(s[n-1], k) < 0 {
		return append(s, k)
	}
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
// uncommitted writes. Every read of committed state is recorded (the row, group, unique key or
// table read and the commit sequence it had), and Store.finish re-checks the records under the
// write lock, so a transaction whose reads went stale is retried rather than committed. An
// exclusive transaction records nothing: nothing can change under it.
type view[K psa.ID, V any] struct {
	tx     *Tx
	t      *table[K, V]
	writes []write[K, V] // in first-write order
	index  map[K]int     // key -> position in writes, once there are more than a few

	// scratch holds an updated row while its version is checked, so that updates allocate
	// nothing of their own.
	scratch *V

	rowReads    []rowRead[K]
	groupReads  []groupRead[K, V]
	uniqueReads []uniqueRead[K, V]
	tableReads  []uint64 // table sequences seen by listings of the whole table
}

// write is a row the transaction wrote, made when written so that the commit only links it in.
type write[K psa.ID, V any] struct {
	k K
	r *row[V]
}

// indexAbove is how many writes a view scans before it indexes them.
const indexAbove = 8

// written returns the position of k in v.writes.
func (v *view[K, V]) written(k K) (int, bool) {
	if v.index != nil {
		i, ok := v.index[k]
		return i, ok
	}
	for i := range v.writes {
		if v.writes[i].k == k {
			return i, true
		}
	}
	return -1, false
}

// write buffers val (the caller's copy) under k.
func (v *view[K, V]) write(k K, val V) {
	if i, ok := v.written(k); ok {
		v.writes[i].r.v = val
		return
	}
	v.writes = append(v.writes, write[K, V]{k, &row[V]{v: val}})
	switch n := len(v.writes); {
	case v.index != nil:
		v.index[k] = n - 1
	case n > indexAbove:
		v.index = make(map[K]int, 2*n)
		for i, w := range v.writes {
			v.index[w.k] = i
		}
	}
}

// rowRead records that row k had commit sequence seq (0: it did not exist).
type rowRead[K psa.ID] struct {
	k   K
	seq uint64
}

// groupRead records that group id of g had commit sequence seq.
type groupRead[K psa.ID, V any] struct {
	g   *grouping[K, V]
	id  uuid.UUID
	seq uint64
}

// uniqueRead records that key was taken by row k in index u (ok) or free (!ok).
type uniqueRead[K psa.ID, V any] struct {
	u   *unique[K, V]
	key string
	k   K
	ok  bool
}

// tableView is what a transaction needs of each of its views at commit.
type tableView interface {
	valid() bool
	applyAll(seq uint64)
}

// viewOf returns tx's view of table t, made on first use.
func viewOf[K psa.ID, V any](tx *Tx, t *table[K, V]) *view[K, V] {
	for _, e := range tx.views {
		if e.table == any(t) {
			return e.view.(*view[K, V])
		}
	}
	v := &view[K, V]{tx: tx, t: t}
	tx.views = append(tx.views, txView{table: t, view: v})
	return v
}

// valid reports whether every read of v still holds; the caller holds the store's lock.
func (v *view[K, V]) valid() bool {
	t := v.t
	for _, r := range v.rowReads {
		if t.rowSeq(r.k) != r.seq {
			return false
		}
	}
	for _, r := range v.groupReads {
		if r.g.seqOf(r.id) != r.seq {
			return false
		}
	}
	for _, r := range v.uniqueReads {
		if k, ok := r.u.m[r.key]; ok != r.ok || k != r.k {
			return false
		}
	}
	for _, seq := range v.tableReads {
		if t.seq != seq {
			return false
		}
	}
	return true
}

func (v *view[K, V]) applyAll(seq uint64) {
	for _, w := range v.writes {
		v.t.apply(w.k, w.r, seq)
	}
}

// readRow records a read of row k at seq.
func (v *view[K, V]) readRow(k K, seq uint64) {
	if !v.tx.exclusive {
		v.rowReads = append(v.rowReads, rowRead[K]{k, seq})
	}
}

// get returns a copy of the row k as the transaction sees it.
func (v *view[K, V]) get(ctx context.Context, k K) (V, bool, error) {
	val, ok, err := v.peek(ctx, k)
	if ok {
		val = v.t.clone(val)
	}
	return val, ok, err
}

// peek is get without the copy: the caller must neither change nor keep what val shares.
func (v *view[K, V]) peek(ctx context.Context, k K) (val V, ok bool, err error) {
	if err := v.tx.usable(ctx); err != nil {
		return val, false, err
	}
	if i, ok := v.written(k); ok {
		return v.writes[i].r.v, true, nil
	}
	v.tx.rlock()
	r, ok := v.t.rows[k]
	var seq uint64
	if ok {
		seq, val = r.seq, r.v
	}
	v.tx.runlock()
	v.readRow(k, seq)
	return val, ok, nil
}

// has reports whether row k exists as the transaction sees it.
func (v *view[K, V]) has(k K) bool {
	if _, ok := v.written(k); ok {
		return true
	}
	v.tx.rlock()
	seq := v.t.rowSeq(k)
	v.tx.runlock()
	v.readRow(k, seq)
	return seq != 0
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
	for _, w := range v.writes {
		if u.key(w.r.v) == key {
			return v.t.clone(w.r.v), true, nil
		}
	}
	v.tx.rlock()
	k, ok := u.m[key]
	v.tx.runlock()
	if !v.tx.exclusive {
		v.uniqueReads = append(v.uniqueReads, uniqueRead[K, V]{u: u, key: key, k: k, ok: ok})
	}
	if !ok {
		return zero, false, nil
	}
	if _, shadowed := v.written(k); shadowed {
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
	switch exists := v.has(k); {
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
	v.write(k, v.t.clone(val))
	return nil
}

// list returns the page after cursor of the keys in base (committed keys in ascending order,
// read with their rows under one read lock) merged with this transaction's writes that pass
// keep. read is called under the lock and returns base and records the read.
func (v *view[K, V]) list(ctx context.Context, page psa.PageRequest, read func() []K, keep func(V) bool) (psa.Page[V], error) {
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
	if len(v.writes) == 0 {
		// Nothing written: the committed rows are the page, copied under the lock. Their
		// group's (or table's) sequence, recorded by read, covers them all: no row read is
		// recorded.
		v.tx.rlock()
		base := read()
		start := v.from(base, page.Cursor, after)
		out := psa.Page[V]{Items: make([]V, 0, min(len(base)-start, page.Limit))}
		for _, k := range base[start:] {
			if len(out.Items) == page.Limit {
				out.Next = v.t.id(out.Items[len(out.Items)-1]).String()
				break
			}
			out.Items = append(out.Items, v.t.clone(v.t.rows[k].v))
		}
		v.tx.runlock()
		return out, nil
	}
	// The committed rows we may need, copied under the lock (the rows the transaction has
	// written are taken from its writes below).
	v.tx.rlock()
	base := read()
	start := v.from(base, page.Cursor, after)
	n := min(len(base)-start, page.Limit+len(v.writes)+1)
	keys := make([]K, n)
	copy(keys, base[start:start+n])
	vals := make([]V, n)
	for i, k := range keys {
		if _, shadowed := v.written(k); !shadowed {
			vals[i] = v.t.clone(v.t.rows[k].v)
		}
	}
	v.tx.runlock()

	for _, w := range v.writes {
		if i, inBase := slices.BinarySearchFunc(keys, w.k, cmpKey[K]); !inBase && (page.Cursor == "" || cmpKey(w.k, after) > 0) {
			keys = slices.Insert(keys, i, w.k)
			var zero V
			vals = slices.Insert(vals, i, zero)
		}
	}
	out := psa.Page[V]{Items: make([]V, 0, min(len(keys), page.Limit))}
	for i, k := range keys {
		val := vals[i]
		if j, shadowed := v.written(k); shadowed {
			val = v.t.clone(v.writes[j].r.v)
		}
		if !keep(val) {
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

// from returns the position in base (ascending) of the first key after the cursor's.
func (v *view[K, V]) from(base []K, cursor string, after K) int {
	if cursor == "" {
		return 0
	}
	start, _ := slices.BinarySearchFunc(base, after, cmpKey[K])
	if start < len(base) && base[start] == after {
		start++
	}
	return start
}

// listAll lists every row of the table.
func (v *view[K, V]) listAll(ctx context.Context, page psa.PageRequest) (psa.Page[V], error) {
	t := v.t
	return v.list(ctx, page, func() []K {
		if !v.tx.exclusive {
			v.tableReads = append(v.tableReads, t.seq)
		}
		return t.keys
	}, func(V) bool { return true })
}

// listGroup lists the rows of group id in grouping g.
func (v *view[K, V]) listGroup(ctx context.Context, g *grouping[K, V], id uuid.UUID, page psa.PageRequest) (psa.Page[V], error) {
	return v.list(ctx, page, func() []K {
		e := g.m[id]
		var seq uint64
		var keys []K
		if e != nil {
			keys, seq = e.keys, e.seq
		}
		if !v.tx.exclusive {
			v.groupReads = append(v.groupReads, groupRead[K, V]{g: g, id: id, seq: seq})
		}
		return keys
	}, func(val V) bool { return g.of(val) == id })
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
