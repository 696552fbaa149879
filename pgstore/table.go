package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
)

// A table keeps one kind of aggregate: the whole value as a JSONB document (doc) next to its ID, its
// version, and the typed columns the store queries and constrains. Adding a kind of aggregate is
// declaring its table in a migration and one table value here: the generic methods below give
// Get, Create, Update, Put and the listings.
type table[K psa.ID, V any] struct {
	kind    string          // "client", for errors
	name    string          // the SQL table
	id      func(V) K       // the key of a value
	version func(*V) *int64 // the version of a value; nil for a table without versions
	cols    []column[V]     // typed columns besides id, version and doc
	uniques []uniqueKey[V]  // unique constraints besides the primary key, for errors
	// encode and decode convert a value to and from its document; nil means encoding/json.
	encode func(V) ([]byte, error)
	decode func([]byte, *V) error
	// violation maps a constraint violation the table knows better than the generic mapping
	// (an exclusion constraint); nil, or a nil result, leaves the generic mapping.
	violation func(ctx context.Context, tx *Tx, v V, pe *pgconn.PgError) error

	insertSQL, updateSQL, replaceSQL, getSQL, versionSQL, deleteSQL string
}

// column is a typed column of a table, computed from the value.
type column[V any] struct {
	name string
	val  func(V) any // nil (SQL NULL) or a value pgx encodes for the column's type
}

// uniqueKey names a unique constraint of a table for the errors that report it taken.
type uniqueKey[V any] struct {
	constraint string         // the constraint's name in the schema
	name       string         // "external ID"
	key        func(V) string // the value's key, for the error
}

// build computes the table's statements; it returns t for use in a variable declaration.
func (t *table[K, V]) build() *table[K, V] {
	names := []string{"id"}
	if t.version != nil {
		names = append(names, "version")
	}
	for _, c := range t.cols {
		names = append(names, c.name)
	}
	names = append(names, "doc")
	t.insertSQL = fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", t.name, strings.Join(names, ", "), placeholders(1, len(names)))
	sets := make([]string, 0, len(names)-1)
	for i, n := range names[1:] {
		sets = append(sets, n+" = $"+strconv.Itoa(i+2))
	}
	t.replaceSQL = fmt.Sprintf("UPDATE %s SET %s WHERE id = $1", t.name, strings.Join(sets, ", "))
	t.updateSQL = fmt.Sprintf("%s AND version = $%d", t.replaceSQL, len(names)+1)
	t.getSQL = fmt.Sprintf("SELECT doc FROM %s WHERE id = $1", t.name)
	t.versionSQL = fmt.Sprintf("SELECT version FROM %s WHERE id = $1", t.name)
	t.deleteSQL = fmt.Sprintf("DELETE FROM %s WHERE id = $1", t.name)
	return t
}

// placeholders returns "$from, ..., $(from+n-1)".
func placeholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ps, ", ")
}

// args returns the values of the table's columns for v, in the order of build: id, version (when
// the table has one), the typed columns, the document.
func (t *table[K, V]) args(v V) ([]any, error) {
	doc, err := t.marshal(v)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(t.cols)+3)
	out = append(out, pgKey(t.id(v)))
	if t.version != nil {
		out = append(out, *t.version(&v))
	}
	for _, c := range t.cols {
		out = append(out, c.val(v))
	}
	return append(out, doc), nil
}

func (t *table[K, V]) marshal(v V) ([]byte, error) {
	var (
		b   []byte
		err error
	)
	if t.encode != nil {
		b, err = t.encode(v)
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return nil, fmt.Errorf("psa: pgstore: encoding %s %s: %w", t.kind, t.id(v), err)
	}
	return b, nil
}

func (t *table[K, V]) unmarshal(b []byte) (V, error) {
	var v V
	var err error
	if t.decode != nil {
		err = t.decode(b, &v)
	} else {
		err = json.Unmarshal(b, &v)
	}
	if err != nil {
		return v, fmt.Errorf("psa: pgstore: decoding a stored %s: %w", t.kind, err)
	}
	return v, nil
}

// get returns the value with id, or a *psa.NotFoundError.
func (t *table[K, V]) get(ctx context.Context, tx *Tx, id K) (V, error) {
	v, ok, err := t.find(ctx, tx, t.getSQL, pgKey(id))
	if err == nil && !ok {
		err = psa.NotFound(t.kind, id)
	}
	return v, err
}

// find returns the value that query (selecting one doc) returns, and whether there was one.
func (t *table[K, V]) find(ctx context.Context, tx *Tx, query string, args ...any) (V, bool, error) {
	var doc []byte
	var zero V
	if err := tx.tx.QueryRow(ctx, query, args...).Scan(&doc); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return zero, false, nil
		}
		return zero, false, tx.fail("reading "+t.kind, err)
	}
	v, err := t.unmarshal(doc)
	return v, err == nil, err
}

// findBy returns the value whose column equals key, or a *psa.NotFoundError naming what (the key
// in words) when there is none.
func (t *table[K, V]) findBy(ctx context.Context, tx *Tx, what, where string, args ...any) (V, error) {
	v, ok, err := t.find(ctx, tx, "SELECT doc FROM "+t.name+" WHERE "+where, args...)
	if err == nil && !ok {
		err = &psa.NotFoundError{Kind: t.kind, Key: what}
	}
	return v, err
}

// create stores v as given; a taken ID or unique key is a *psa.AlreadyExistsError.
func (t *table[K, V]) create(ctx context.Context, tx *Tx, v V) error {
	tx.forget(t.name)
	args, err := t.args(v)
	if err != nil {
		return err
	}
	_, err = tx.write(ctx, "creating "+t.kind, t.insertSQL, args...)
	return t.mapWrite(ctx, tx, v, err)
}

// update replaces the stored value v's ID under the version rule: v's version must be the stored
// one (else a *psa.VersionConflictError) and is stored increased by one. An unknown ID is a
// *psa.NotFoundError.
func (t *table[K, V]) update(ctx context.Context, tx *Tx, v V) error {
	tx.forget(t.name)
	given := *t.version(&v)
	*t.version(&v) = given + 1
	args, err := t.args(v)
	if err != nil {
		return err
	}
	n, err := tx.write(ctx, "updating "+t.kind, t.updateSQL, append(args, given)...)
	if err != nil {
		return t.mapWrite(ctx, tx, v, err)
	}
	if n == 1 {
		return nil
	}
	var stored int64
	switch err := tx.tx.QueryRow(ctx, t.versionSQL, pgKey(t.id(v))).Scan(&stored); {
	case errors.Is(err, pgx.ErrNoRows):
		return psa.NotFound(t.kind, t.id(v))
	case err != nil:
		return tx.fail("reading the version of "+t.kind, err)
	}
	return &psa.VersionConflictError{Kind: t.kind, ID: t.id(v).String(), Given: given, Stored: stored}
}

// put creates v when its version is 0 (stored as version 1) and otherwise updates it.
func (t *table[K, V]) put(ctx context.Context, tx *Tx, v V) error {
	if *t.version(&v) == 0 {
		*t.version(&v) = 1
		return t.create(ctx, tx, v)
	}
	return t.update(ctx, tx, v)
}

// replace replaces the stored value v's ID as given (a table without versions), or gives a
// *psa.NotFoundError.
func (t *table[K, V]) replace(ctx context.Context, tx *Tx, v V) error {
	tx.forget(t.name)
	args, err := t.args(v)
	if err != nil {
		return err
	}
	n, err := tx.write(ctx, "replacing "+t.kind, t.replaceSQL, args...)
	if err != nil {
		return t.mapWrite(ctx, tx, v, err)
	}
	if n == 0 {
		return psa.NotFound(t.kind, t.id(v))
	}
	return nil
}

// remove deletes the stored value with id, or gives a *psa.NotFoundError. The row is removed, so
// its ID and unique keys are free again.
func (t *table[K, V]) remove(ctx context.Context, tx *Tx, id K) error {
	tx.forget(t.name)
	n, err := tx.write(ctx, "deleting "+t.kind, t.deleteSQL, pgKey(id))
	if err != nil {
		return fmt.Errorf("psa: pgstore: %s %s cannot be deleted: %w", t.kind, id, err)
	}
	if n == 0 {
		return psa.NotFound(t.kind, id)
	}
	return nil
}

// removeAt deletes the stored value with id under the version rule: version must be the stored
// one (else a *psa.VersionConflictError); an unknown ID is a *psa.NotFoundError.
func (t *table[K, V]) removeAt(ctx context.Context, tx *Tx, id K, version int64) error {
	tx.forget(t.name)
	n, err := tx.write(ctx, "deleting "+t.kind, t.deleteSQL+" AND version = $2", pgKey(id), version)
	if err != nil {
		return fmt.Errorf("psa: pgstore: %s %s cannot be deleted: %w", t.kind, id, err)
	}
	if n == 1 {
		return nil
	}
	var stored int64
	switch err := tx.tx.QueryRow(ctx, t.versionSQL, pgKey(id)).Scan(&stored); {
	case errors.Is(err, pgx.ErrNoRows):
		return psa.NotFound(t.kind, id)
	case err != nil:
		return tx.fail("reading the version of "+t.kind, err)
	}
	return &psa.VersionConflictError{Kind: t.kind, ID: id.String(), Given: version, Stored: stored}
}

// mapWrite maps the refusal of a write of v to psa's errors: a taken key to a
// *psa.AlreadyExistsError, a missing owner to a *psa.NotFoundError, any other constraint or value
// the database refuses (a string with a NUL character, which JSONB cannot hold) to an error
// wrapping psa.ErrInvalid.
func (t *table[K, V]) mapWrite(ctx context.Context, tx *Tx, v V, err error) error {
	pe, ok := pgError(err)
	if !ok {
		return err
	}
	if t.violation != nil {
		if mapped := t.violation(ctx, tx, v, pe); mapped != nil {
			return mapped
		}
	}
	switch pe.Code {
	case codeUniqueViolation:
		if pe.ConstraintName == t.name+"_pkey" {
			return &psa.AlreadyExistsError{Kind: t.kind, Key: t.id(v).String()}
		}
		for _, u := range t.uniques {
			if u.constraint == pe.ConstraintName {
				return &psa.AlreadyExistsError{Kind: t.kind, Key: u.name + " " + u.key(v)}
			}
		}
		return &psa.AlreadyExistsError{Kind: t.kind, Key: pe.ConstraintName + " " + pe.Detail}
	case codeForeignKeyViolation:
		return &psa.NotFoundError{Kind: referencedKind(pe.ConstraintName), Key: detailKey(pe.Detail)}
	}
	return fmt.Errorf("psa: pgstore: %s %s cannot be stored: %w: %w", t.kind, t.id(v), psa.ErrInvalid, err)
}

// detailKey returns the key value of a constraint error's detail ("Key (contract_id)=(x) is not
// present ..." gives "x"), or the whole detail.
func detailKey(detail string) string {
	_, rest, ok := strings.Cut(detail, ")=(")
	if !ok {
		return detail
	}
	key, _, ok := strings.Cut(rest, ")")
	if !ok {
		return detail
	}
	return key
}

// list returns a page of the values that where (with args) selects, in ascending ID order.
func (t *table[K, V]) list(ctx context.Context, tx *Tx, page psa.PageRequest, where string, args ...any) (psa.Page[V], error) {
	page, err := page.Normalize()
	if err != nil {
		return psa.Page[V]{}, err
	}
	if page.Cursor != "" {
		after, err := psa.ParseID[K]("cursor", page.Cursor)
		if err != nil {
			return psa.Page[V]{}, fmt.Errorf("%w: %q", psa.ErrBadCursor, page.Cursor)
		}
		args = append(args, pgKey(after))
		where += " AND id > $" + strconv.Itoa(len(args))
	}
	args = append(args, page.Limit+1)
	items, err := t.query(ctx, tx, fmt.Sprintf("SELECT doc FROM %s WHERE %s ORDER BY id LIMIT $%d", t.name, where, len(args)), args...)
	if err != nil {
		return psa.Page[V]{}, err
	}
	out := psa.Page[V]{Items: items}
	if len(items) > page.Limit {
		out.Items = items[:page.Limit]
		out.Next = t.id(out.Items[page.Limit-1]).String()
	}
	return out, nil
}

// all returns every value that where (with args) selects, in ascending ID order.
func (t *table[K, V]) all(ctx context.Context, tx *Tx, where string, args ...any) ([]V, error) {
	return t.query(ctx, tx, "SELECT doc FROM "+t.name+" WHERE "+where+" ORDER BY id", args...)
}

// query returns the values of the documents query selects.
func (t *table[K, V]) query(ctx context.Context, tx *Tx, query string, args ...any) ([]V, error) {
	rows, err := tx.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("listing "+t.kind, err)
	}
	docs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, tx.fail("listing "+t.kind, err)
	}
	out := make([]V, 0, len(docs))
	for _, d := range docs {
		v, err := t.unmarshal(d)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// write runs one statement that changes rows inside a savepoint, so that a constraint violation
// undoes only that statement and leaves the transaction usable (a caller may read on after a
// refused create, as with any store of psa). It returns the number of rows changed. A value the
// database refuses (an integrity constraint violation, SQLSTATE class 23, or a data exception,
// class 22) is returned as the database's *pgconn.PgError; any other failure is mapped by fail.
func (tx *Tx) write(ctx context.Context, op, query string, args ...any) (int64, error) {
	b := &pgx.Batch{}
	b.Queue("SAVEPOINT psa_write")
	b.Queue(query, args...)
	b.Queue("RELEASE SAVEPOINT psa_write")
	br := tx.tx.SendBatch(ctx, b)
	_, err := br.Exec()
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = br.Exec()
		if err == nil {
			_, err = br.Exec()
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		return tag.RowsAffected(), nil
	}
	if pe, ok := pgError(err); ok && (strings.HasPrefix(pe.Code, "23") || strings.HasPrefix(pe.Code, "22")) {
		if _, rerr := tx.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT psa_write; RELEASE SAVEPOINT psa_write"); rerr != nil {
			return 0, tx.fail(op, rerr)
		}
		return 0, pe
	}
	return 0, tx.fail(op, err)
}

// uuidOf returns the UUID of a typed identifier.
func uuidOf[K psa.ID](id K) uuid.UUID { return struct{ uuid.UUID }(id).UUID }

// pgID returns id as a uuid parameter; the nil ID is SQL NULL.
func pgID[K psa.ID](id K) pgtype.UUID {
	u := uuidOf(id)
	return pgtype.UUID{Bytes: u, Valid: u != uuid.Nil}
}

// pgKey returns id as a uuid parameter of a NOT NULL column: the nil ID is stored as the nil
// UUID.
func pgKey[K psa.ID](id K) pgtype.UUID { return pgtype.UUID{Bytes: uuidOf(id), Valid: true} }

// pgUUID returns u as a uuid parameter of a NOT NULL column.
func pgUUID(u uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: u, Valid: true} }

// pgText returns s as a text parameter; "" is SQL NULL (an empty key is never taken).
func pgText(s string) pgtype.Text { return pgtype.Text{String: s, Valid: s != ""} }

// pgDate returns d as a date parameter; the zero Date is SQL NULL.
func pgDate(d psa.Date) pgtype.Date {
	if d.IsZero() {
		return pgtype.Date{}
	}
	y, m, day := d.Date()
	return pgtype.Date{Time: time0(y, m, day), Valid: true}
}

// pgNumeric returns d as a numeric parameter, exactly.
func pgNumeric(d decimal.Decimal) pgtype.Numeric {
	return pgtype.Numeric{Int: d.Coefficient(), Exp: d.Exponent(), Valid: true}
}

// pgMoney returns the amount and currency code parameters of m; the zero Money (no currency) is
// two NULLs.
func pgMoney(m psa.Money) (pgtype.Numeric, pgtype.Text) {
	if m.Currency() == noCurrency {
		return pgtype.Numeric{}, pgtype.Text{}
	}
	return pgNumeric(m.Amount()), pgtype.Text{String: m.Currency().String(), Valid: true}
}
