package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/psakit/psa"
)

// DefaultMaxAttempts is how many times Store.Run runs a transaction that keeps failing with a
// serialization failure or a deadlock, when Options.MaxAttempts is 0.
const DefaultMaxAttempts = 10

// Options are the settings of a Store. A nil *Options means all defaults.
type Options struct {
	// MaxAttempts bounds how many times Run runs one transaction: the first attempt and the
	// retries after serialization failures (SQLSTATE 40001) and deadlocks (40P01). 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
	// MaxBackoff bounds the random pause before a retry; the pause grows with each attempt up to
	// it. 0 means 100 ms.
	MaxBackoff time.Duration
}

// Store is the PostgreSQL implementation of every store interface of psa. It holds a connection
// pool and nothing else: any number of Stores (in any number of processes) may share a database.
// The schema must have been created with Migrate.
type Store struct {
	pool        *pgxpool.Pool
	maxAttempts int
	maxBackoff  time.Duration
}

// New returns a Store on pool. The pool's connections must see the schema Migrate created (its
// search_path names that schema, the default "public" unless configured otherwise). opts may be
// nil.
func New(pool *pgxpool.Pool, opts *Options) *Store {
	s := &Store{pool: pool, maxAttempts: DefaultMaxAttempts, maxBackoff: 100 * time.Millisecond}
	if opts != nil {
		if opts.MaxAttempts > 0 {
			s.maxAttempts = opts.MaxAttempts
		}
		if opts.MaxBackoff > 0 {
			s.maxBackoff = opts.MaxBackoff
		}
	}
	return s
}

// Tx is one transaction of a Store. It implements the transaction interface of every package
// of psa (client.Tx, contract.Tx, servicedesk.Tx, invoice.Tx, billing.Tx, portal.Tx, staff.Tx). It
// is valid only inside the function Store.Run calls, and is not safe for concurrent use.
type Tx struct {
	tx pgx.Tx
	// retry is set when a statement failed with a serialization failure or a deadlock: the
	// transaction is lost and Run runs it again.
	retry bool
	// ahead holds documents read ahead by PrefetchBilling, by "table.column" and the column's
	// value, in ID order; a write to a table drops its entries.
	ahead map[string]map[uuid.UUID][][]byte
}

// Run runs fn in one SERIALIZABLE transaction and commits it if and only if fn returns nil; when
// fn returns an error the transaction is rolled back and the error returned unchanged. When a
// statement or the commit fails with a serialization failure or a deadlock, Run rolls back, waits
// a short random time and runs fn again, at most Options.MaxAttempts times in all; when every
// attempt fails so, the error of the last one wraps psa.ErrConflict. A cancelled ctx ends Run
// with an error wrapping ctx.Err() and nothing written.
func (s *Store) Run(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	var err error
	for attempt := 1; attempt <= s.maxAttempts; attempt++ {
		if attempt > 1 {
			if werr := s.backoff(ctx, attempt); werr != nil {
				return werr
			}
		}
		var retry bool
		retry, err = s.attempt(ctx, fn)
		if !retry {
			return err
		}
	}
	if !errors.Is(err, psa.ErrConflict) {
		err = &conflictError{op: fmt.Sprintf("%d attempts", s.maxAttempts), err: err}
	}
	return err
}

// attempt runs fn once and reports whether a serialization failure or deadlock lost the
// transaction, so that running it again may succeed.
func (s *Store) attempt(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) (retry bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ptx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return false, fmt.Errorf("psa: pgstore: begin: %w", cerr)
		}
		return false, fmt.Errorf("psa: pgstore: begin: %w", err)
	}
	tx := &Tx{tx: ptx}
	if err := fn(ctx, tx); err != nil {
		rollback(ptx)
		return tx.retry || retryable(err), err
	}
	if err := ptx.Commit(ctx); err != nil {
		rollback(ptx)
		if tx.retry || retryable(err) {
			return true, &conflictError{op: "commit", err: err}
		}
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			return false, fmt.Errorf("psa: pgstore: commit: %w (%w)", cerr, err)
		}
		return false, fmt.Errorf("psa: pgstore: commit: %w", err)
	}
	return false, nil
}

// rollback ends tx; its error is of no use, as the transaction is abandoned either way (a broken
// connection is discarded by the pool).
func rollback(tx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = tx.Rollback(ctx)
}

// backoff waits a random time that grows with attempt, up to the store's MaxBackoff, or until ctx
// ends.
func (s *Store) backoff(ctx context.Context, attempt int) error {
	limit := time.Millisecond << min(attempt, 10)
	limit = min(limit, s.maxBackoff)
	t := time.NewTimer(rand.N(limit) + time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Runner returns a runner over the transaction interface T (client.Tx, billing.Tx, ...) that runs
// its transactions on s.
func Runner[T any](s *Store) psa.Runner[T] {
	return psa.Adapt[T](psa.Runner[*Tx](s.Run))
}

// retryable reports whether err is (or wraps) a serialization failure or a deadlock.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	return false
}
