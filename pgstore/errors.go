package pgstore

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/psakit/psa"
)

// PostgreSQL error codes the store maps to psa's error categories.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeExclusionViolation  = "23P01"
)

// conflictError reports a transaction lost to a concurrent one: a serialization failure or a
// deadlock. It wraps both psa.ErrConflict and the database's error.
type conflictError struct {
	op  string
	err error
}

func (e *conflictError) Error() string {
	return fmt.Sprintf("psa: pgstore: %s: transaction lost to a concurrent one: %v", e.op, e.err)
}

// Unwrap returns psa.ErrConflict and the database's error.
func (e *conflictError) Unwrap() []error { return []error{psa.ErrConflict, e.err} }

// fail turns an error of a statement run for op into the error a store method returns: a
// serialization failure or deadlock becomes a *conflictError (and marks the transaction for a
// retry); anything else, a cancelled context included, is wrapped with op so that errors.Is and
// errors.As still find it.
func (tx *Tx) fail(op string, err error) error {
	if retryable(err) {
		tx.retry = true
		return &conflictError{op: op, err: err}
	}
	return fmt.Errorf("psa: pgstore: %s: %w", op, err)
}

// pgError returns the database error err wraps, if any.
func pgError(err error) (*pgconn.PgError, bool) {
	return errors.AsType[*pgconn.PgError](err)
}

// referencedKind names the kind of object a foreign key constraint refers to.
func referencedKind(constraint string) string {
	if k, ok := foreignKeys[constraint]; ok {
		return k
	}
	return "referenced object"
}

// foreignKeys names the kind of object each foreign key constraint of the schema refers to.
var foreignKeys = map[string]string{
	"contract_parts_contract_fkey":   "contract",
	"contract_history_contract_fkey": "contract",
	"ticket_notes_ticket_fkey":       "ticket",
}
