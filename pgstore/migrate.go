package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles are the schema's migrations, applied in the order of their numbers.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockClass is the first key of the advisory lock Migrate holds; the second is a hash
// of the schema being migrated, so migrations of different schemas do not wait for each other.
const migrationLockClass = 0x70736121 // "psa!"

// Migration is one versioned step of the schema.
type Migration struct {
	// Version is the step's number: the migrations are applied in ascending Version order.
	Version int
	// Name is the file the step comes from ("0001_init.sql").
	Name string
	// SQL is the step's statements.
	SQL string
}

// Migrations returns the schema's migrations in the order Migrate applies them.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("psa: pgstore: migration file %q is not named NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("psa: pgstore: migrations %q and %q have one version", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

// Migrate creates or upgrades the store's tables in the schema the pool's connections use (the
// first schema of their search_path), applying each migration not yet applied in a transaction of
// its own and recording it in the table psa_schema_migrations. It is safe to run again (nothing
// is left to apply) and from several processes at once: it holds a session advisory lock for the
// schema while it works, so a second caller waits and then finds nothing to do. The first
// migration creates the extension btree_gist when the database lacks it (a trusted extension:
// the database's owner may create it).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	migrations, err := Migrations()
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("psa: pgstore: migrate: %w", err)
	}
	defer conn.Release()

	var schema *string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("psa: pgstore: migrate: %w", err)
	}
	if schema == nil {
		return errors.New("psa: pgstore: migrate: no schema of the search_path exists; create it first")
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1, hashtext($2))", migrationLockClass, *schema); err != nil {
		return fmt.Errorf("psa: pgstore: migrate: taking the migration lock: %w", err)
	}
	defer func() {
		// A lock left behind by a failed unlock ends with the session; the connection is then
		// closed rather than returned to the pool with the lock held.
		uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, "SELECT pg_advisory_unlock($1, hashtext($2))", migrationLockClass, *schema); err != nil {
			_ = conn.Conn().Close(uctx)
		}
	}()

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS psa_schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("psa: pgstore: migrate: %w", err)
	}
	rows, err := conn.Query(ctx, "SELECT version FROM psa_schema_migrations")
	if err != nil {
		return fmt.Errorf("psa: pgstore: migrate: %w", err)
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return fmt.Errorf("psa: pgstore: migrate: %w", err)
	}
	for _, m := range migrations {
		if slices.Contains(applied, int32(m.Version)) {
			continue
		}
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO psa_schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
			return err
		}); err != nil {
			return fmt.Errorf("psa: pgstore: migrate: applying %s: %w", m.Name, err)
		}
	}
	return nil
}
