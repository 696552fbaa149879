package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/psakit/psa/pgstore"
)

// The database the tests run on: the one PSA_PG_DSN names, or a throwaway cluster TestMain starts
// from the PostgreSQL server binaries it finds (PSA_PG_BIN, else the newest
// /usr/lib/postgresql/*/bin, else initdb on PATH), or none, and then skipReason says why (unless
// PSA_PG_REQUIRED is set, as in CI: then no PostgreSQL fails the tests).
var (
	adminDSN   string
	adminPool  *pgxpool.Pool
	skipReason string
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	ctx := context.Background()
	adminDSN = os.Getenv("PSA_PG_DSN")
	if adminDSN == "" {
		bin, err := serverBinaries()
		if err != nil {
			if os.Getenv("PSA_PG_REQUIRED") != "" {
				fmt.Fprintln(os.Stderr, "pgstore tests: PSA_PG_REQUIRED is set:", err)
				return 1
			}
			skipReason = err.Error()
			return m.Run()
		}
		c, err := startCluster(ctx, bin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgstore tests: starting a throwaway PostgreSQL cluster:", err)
			return 1
		}
		defer c.stop()
		adminDSN = c.dsn
	}
	var err error
	if adminPool, err = pgxpool.New(ctx, adminDSN); err != nil {
		fmt.Fprintln(os.Stderr, "pgstore tests: connecting:", err)
		return 1
	}
	defer adminPool.Close()
	// The extension lives in public, so that dropping a test's schema never drops it.
	if _, err := adminPool.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"); err != nil {
		fmt.Fprintln(os.Stderr, "pgstore tests: creating extension btree_gist:", err)
		return 1
	}
	code := m.Run()
	dropBenchDatabases(ctx)
	return code
}

// serverBinaries returns the directory of PostgreSQL's server binaries (initdb, pg_ctl), or an
// error saying where it looked.
func serverBinaries() (string, error) {
	if dir := os.Getenv("PSA_PG_BIN"); dir != "" {
		return dir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("pgstore tests skipped: PSA_PG_DSN is not set and no PostgreSQL server binaries were found " +
		"(looked for PSA_PG_BIN, /usr/lib/postgresql/*/bin/initdb and initdb on PATH); " +
		"install PostgreSQL (Debian: apt-get install postgresql) or set PSA_PG_DSN to a database the tests may use")
}

// versionOf returns the major version of a /usr/lib/postgresql/N/bin directory.
func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// cluster is a throwaway PostgreSQL cluster in a temporary directory.
type cluster struct {
	bin, dir, data string
	dsn            string
	owner          *osUser // the user the server runs as; nil for the current one
}

// startCluster initializes a cluster in a new temporary directory and starts it on a free port of
// 127.0.0.1, with settings that trade durability for speed.
func startCluster(ctx context.Context, bin string) (*cluster, error) {
	dir, err := os.MkdirTemp("", "psa-pgstore-")
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin, dir: dir, data: filepath.Join(dir, "data")}
	if c.owner, err = serverUser(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.owner.own(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.run(ctx, "initdb", "-D", c.data, "-U", "psa", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off "+
		"-c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB", port, dir)
	if err := c.run(ctx, "pg_ctl", "-D", c.data, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, log)
	}
	c.dsn = fmt.Sprintf("postgres://psa@127.0.0.1:%d/postgres?sslmode=disable", port)
	return c, nil
}

// stop stops the server and removes the cluster.
func (c *cluster) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.run(ctx, "pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop"); err != nil {
		fmt.Fprintln(os.Stderr, "pgstore tests: stopping the throwaway cluster:", err)
	}
	os.RemoveAll(c.dir)
}

// run runs one of the server's programs as the cluster's owner.
func (c *cluster) run(ctx context.Context, program string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, program), args...)
	cmd.Dir = c.dir
	c.owner.apply(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w\n%s", program, err, out)
	}
	return nil
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// newSchema creates an empty schema for one test and returns a pool whose connections use it,
// with the store's tables migrated in. The pool is closed and the schema dropped when the test
// ends.
func newSchema(t testing.TB, configure ...func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	ctx := t.Context()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "psa_test_" + hex.EncodeToString(b)
	if _, err := adminPool.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := adminPool.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	cfg, err := pgxpool.ParseConfig(adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = 12
	for _, f := range configure {
		f(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatalf("migrating schema %s: %v", schema, err)
	}
	return pool
}
