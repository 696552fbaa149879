package pgstore

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
)

// PrefetchBilling implements billing.Prefetcher: seven queries read the contracts, parts, usage
// records, time entries, sales items and tickets of clients, and the claims on all of them; the
// transaction's later listings of them by owner are answered from what was read, until it writes
// to the table. A billing run of one client then costs the same number of reads whatever the
// client has.
func (tx *Tx) PrefetchBilling(ctx context.Context, clients []psa.ClientID) error {
	ids := make([]uuid.UUID, len(clients))
	for i, c := range clients {
		ids[i] = uuidOf(c)
	}
	ks, err := readAhead(ctx, tx, contracts, "client_id", ids)
	if err != nil {
		return err
	}
	ps, err := readAhead(ctx, tx, parts, "contract_id", idsOf(ks, contracts))
	if err != nil {
		return err
	}
	if _, err := readAhead(ctx, tx, usage, "part_id", idsOf(ps, parts)); err != nil {
		return err
	}
	es, err := readAhead(ctx, tx, timeEntries, "client_id", ids)
	if err != nil {
		return err
	}
	its, err := readAhead(ctx, tx, salesItems, "client_id", ids)
	if err != nil {
		return err
	}
	ts, err := readAhead(ctx, tx, tickets, "client_id", ids)
	if err != nil {
		return err
	}
	subjects := append(idsOf(ks, contracts), idsOf(ps, parts)...)
	subjects = append(subjects, idsOf(es, timeEntries)...)
	subjects = append(subjects, idsOf(its, salesItems)...)
	subjects = append(subjects, idsOf(ts, tickets)...)
	_, err = readAhead(ctx, tx, claims, "subject", subjects)
	return err
}

// readAhead reads the rows of t whose column is one of keys, keeps their documents in tx grouped
// by key (an empty group for a key without rows), and returns the values read.
func readAhead[K psa.ID, V any](ctx context.Context, tx *Tx, t *table[K, V], column string, keys []uuid.UUID) ([]V, error) {
	groups := make(map[uuid.UUID][][]byte, len(keys))
	for _, k := range keys {
		groups[k] = nil
	}
	if len(keys) == 0 {
		tx.keepAhead(t.name, column, groups)
		return nil, nil
	}
	params := make([]pgtype.UUID, len(keys))
	for i, k := range keys {
		params[i] = pgUUID(k)
	}
	rows, err := tx.tx.Query(ctx, "SELECT "+column+", doc FROM "+t.name+" WHERE "+column+" = ANY($1) ORDER BY id", params)
	if err != nil {
		return nil, tx.fail("reading ahead "+t.kind, err)
	}
	var out []V
	var key pgtype.UUID
	var doc []byte
	_, err = pgx.ForEachRow(rows, []any{&key, &doc}, func() error {
		v, err := t.unmarshal(doc)
		if err != nil {
			return err
		}
		out = append(out, v)
		groups[key.Bytes] = append(groups[key.Bytes], append([]byte(nil), doc...))
		return nil
	})
	if err != nil {
		return nil, tx.fail("reading ahead "+t.kind, err)
	}
	tx.keepAhead(t.name, column, groups)
	return out, nil
}

// idsOf returns the UUIDs of values of t.
func idsOf[K psa.ID, V any](vs []V, t *table[K, V]) []uuid.UUID {
	out := make([]uuid.UUID, len(vs))
	for i, v := range vs {
		out[i] = uuidOf(t.id(v))
	}
	return out
}

// keepAhead keeps the documents read ahead for table's rows by column.
func (tx *Tx) keepAhead(table, column string, groups map[uuid.UUID][][]byte) {
	if tx.ahead == nil {
		tx.ahead = map[string]map[uuid.UUID][][]byte{}
	}
	tx.ahead[table+"."+column] = groups
}

// forget drops what was read ahead of table: the transaction is writing to it.
func (tx *Tx) forget(table string) {
	for key := range tx.ahead {
		if len(key) > len(table) && key[:len(table)] == table && key[len(table)] == '.' {
			delete(tx.ahead, key)
		}
	}
}

// readAll returns the values of the rows of t whose column is key, from what was read ahead
// (decoded anew, so each call returns copies); ok is false when they were not read ahead.
func (t *table[K, V]) readAll(tx *Tx, column string, key uuid.UUID) (vs []V, ok bool, err error) {
	docs, ok := tx.ahead[t.name+"."+column][key]
	if !ok {
		return nil, false, nil
	}
	vs = make([]V, 0, len(docs))
	for _, d := range docs {
		v, err := t.unmarshal(d)
		if err != nil {
			return nil, true, err
		}
		vs = append(vs, v)
	}
	return vs, true, nil
}

// readPage returns the first page of the rows of t whose column is key from what was read
// ahead; ok is false when they were not read ahead, or the page is not the first, or they do not
// fit in it (the caller then queries).
func (t *table[K, V]) readPage(tx *Tx, page psa.PageRequest, column string, key uuid.UUID) (psa.Page[V], bool, error) {
	page, err := page.Normalize()
	if err != nil || page.Cursor != "" || len(tx.ahead[t.name+"."+column][key]) > page.Limit {
		return psa.Page[V]{}, false, nil
	}
	vs, ok, err := t.readAll(tx, column, key)
	return psa.Page[V]{Items: vs}, ok, err
}

var _ billing.Prefetcher = (*Tx)(nil)
