package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/psakit/psa"
)

// A singleton is a table of one row: a package's settings for the tenant, with a version and a
// document (the table's key is a boolean column "tenant" that can only be true).
type singleton[V any] struct {
	kind    string          // "portal settings", for errors
	name    string          // the SQL table
	version func(*V) *int64 // the version of a value
}

// get returns the stored value, or the zero V (version 0) before any is stored.
func (s singleton[V]) get(ctx context.Context, tx *Tx) (V, error) {
	var doc []byte
	var v V
	switch err := tx.tx.QueryRow(ctx, "SELECT doc FROM "+s.name).Scan(&doc); {
	case errors.Is(err, pgx.ErrNoRows):
		return v, nil
	case err != nil:
		return v, tx.fail("reading "+s.kind, err)
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		return v, fmt.Errorf("psa: pgstore: decoding the stored %s: %w", s.kind, err)
	}
	return v, nil
}

// put stores v under the version rule: v's version must be the stored one (0 when none is
// stored, else a *psa.VersionConflictError) and is stored increased by one.
func (s singleton[V]) put(ctx context.Context, tx *Tx, v V) error {
	given := *s.version(&v)
	*s.version(&v) = given + 1
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("psa: pgstore: encoding %s: %w", s.kind, err)
	}
	query := "UPDATE " + s.name + " SET version = $1, doc = $2 WHERE version = $3"
	args := []any{given + 1, doc, given}
	if given == 0 {
		query = "INSERT INTO " + s.name + " (version, doc) VALUES ($1, $2) ON CONFLICT (tenant) DO NOTHING"
		args = args[:2]
	}
	n, err := tx.write(ctx, "storing "+s.kind, query, args...)
	if err != nil {
		if _, ok := pgError(err); ok {
			return fmt.Errorf("psa: pgstore: %s cannot be stored: %w: %w", s.kind, psa.ErrInvalid, err)
		}
		return err
	}
	if n == 1 {
		return nil
	}
	var stored int64
	if err := tx.tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+s.name).Scan(&stored); err != nil {
		return tx.fail("reading the version of "+s.kind, err)
	}
	return &psa.VersionConflictError{Kind: s.kind, ID: "tenant", Given: given, Stored: stored}
}
