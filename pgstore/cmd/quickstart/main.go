// Command quickstart runs the quickstart journey of psa (examples/quickstart in the core
// module: onboard a client, log and approve time, create a contract, run billing, read the
// invoice) on PostgreSQL instead of the in-memory store.
//
//	go run ./cmd/quickstart -dsn postgres://user@localhost/db [-schema NAME] [-reset] [-html DIR]
//
// It works in one schema of the database (psa_quickstart unless -schema names another), which it
// creates and migrates with pgstore.Migrate; its output is then the in-memory quickstart's. The
// journey needs an empty store, so a schema that already has tables (from an earlier run) is
// refused unless -reset is given, which drops the schema and everything in it first. PSA_PG_DSN
// is the default of -dsn.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/examples/quickstart/journey"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/overview"
	"github.com/psakit/psa/pgstore"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

func main() {
	dsn := flag.String("dsn", os.Getenv("PSA_PG_DSN"), "PostgreSQL connection string (default $PSA_PG_DSN)")
	schema := flag.String("schema", "psa_quickstart", "schema the journey's tables are created in")
	reset := flag.Bool("reset", false, "drop the schema and everything in it before the run")
	htmlDir := flag.String("html", os.TempDir(), "directory the invoice's HTML is written to")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *dsn, *schema, *reset, *htmlDir); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run prepares the schema, wires every package onto a pgstore.Store and walks the journey.
func run(ctx context.Context, out io.Writer, dsn, schema string, reset bool, htmlDir string) error {
	if dsn == "" {
		return errors.New("no database: give -dsn or set PSA_PG_DSN")
	}
	if schema == "" {
		return errors.New("-schema must not be empty")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return err
	}
	if err := prepareSchema(ctx, cfg.ConnConfig, schema, reset); err != nil {
		return err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := pgstore.Migrate(ctx, pool); err != nil {
		return err
	}
	store := pgstore.New(pool, nil)
	return journey.Run(ctx, out, htmlDir, journey.Runners{
		Client:      pgstore.Runner[client.Tx](store),
		Contract:    pgstore.Runner[contract.Tx](store),
		ServiceDesk: pgstore.Runner[servicedesk.Tx](store),
		Invoice:     pgstore.Runner[invoice.Tx](store),
		Billing:     pgstore.Runner[billing.Tx](store),
		Portal:      pgstore.Runner[portal.Tx](store),
		Overview:    pgstore.Runner[overview.Tx](store),
	})
}

// prepareSchema creates schema, after dropping it when reset is set; an existing schema with
// tables is an error, as the journey needs an empty store.
func prepareSchema(ctx context.Context, cfg *pgx.ConnConfig, schema string, reset bool) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// btree_gist goes to the database's default schema when it is missing there, so that dropping
	// the quickstart's schema never drops an extension other schemas use. Without the privilege
	// to create it, Migrate creates it in the quickstart's schema instead.
	_, _ = conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS btree_gist")
	name := pgx.Identifier{schema}.Sanitize()
	if reset {
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
			return fmt.Errorf("dropping schema %s: %w", schema, err)
		}
	}
	var tables int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1", schema).Scan(&tables); err != nil {
		return err
	}
	if tables > 0 {
		return fmt.Errorf("schema %s is not empty (an earlier run?): the journey needs an empty store; "+
			"give -reset to drop the schema first, or -schema to name another", schema)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+name); err != nil {
		return fmt.Errorf("creating schema %s: %w", schema, err)
	}
	return nil
}
