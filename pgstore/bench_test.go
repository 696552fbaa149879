package pgstore_test

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/internal/portfolio"
	"github.com/psakit/psa/pgstore"
)

// benchSeed is the seed of every benchmark portfolio, the one of billing's benchmarks.
const benchSeed = 2026

var (
	benchProfile    = flag.String("psa.billprofile", "", "write a CPU profile of BenchmarkBillingRun's timed billing runs (only) to this file")
	benchStatements = flag.Bool("psa.statements", false, "print BenchmarkBillingRun's statements by count and time to stderr")
)

// benchSizes are the portfolio sizes of BenchmarkBillingRun.
var benchSizes = []int{1_000, 10_000}

// A benchTemplate is a database holding a loaded portfolio, never billed for its run date: each
// iteration of the benchmark bills a copy of it.
type benchTemplate struct {
	db   string
	p    *portfolio.Portfolio
	l    *portfolio.Loaded
	load time.Duration // how long loading it through the services took
}

// benchDBs are the benchmark's databases: the templates by size, loaded once per test process,
// and every database created, dropped when the tests end.
var benchDBs struct {
	sync.Mutex
	templates map[int]*benchTemplate
	created   []string
}

// dropBenchDatabases drops the databases the benchmarks created.
func dropBenchDatabases(ctx context.Context) {
	benchDBs.Lock()
	defer benchDBs.Unlock()
	for _, db := range benchDBs.created {
		if _, err := adminPool.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "pgstore benchmarks: dropping database %s: %v\n", db, err)
		}
	}
	benchDBs.created = nil
}

// benchPool returns a pool on database db of the tests' server.
func benchPool(ctx context.Context, db string, maxConns int32, tracer pgx.QueryTracer) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(adminDSN)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.Database = db
	cfg.MaxConns = maxConns
	cfg.ConnConfig.Tracer = tracer
	return pgxpool.NewWithConfig(ctx, cfg)
}

// createDatabase creates db, as a copy of template when it is not "".
func createDatabase(ctx context.Context, db, template string) error {
	q := "CREATE DATABASE " + pgx.Identifier{db}.Sanitize()
	if template != "" {
		// A file copy is much faster than the default WAL_LOG strategy for a large database.
		q += " TEMPLATE " + pgx.Identifier{template}.Sanitize() + " STRATEGY FILE_COPY"
	}
	if _, err := adminPool.Exec(ctx, q); err != nil {
		return fmt.Errorf("creating database %s: %w", db, err)
	}
	benchDBs.Lock()
	benchDBs.created = append(benchDBs.created, db)
	benchDBs.Unlock()
	return nil
}

// dropDatabase drops db.
func dropDatabase(ctx context.Context, db string) error {
	_, err := adminPool.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)")
	return err
}

// benchTemplateOf returns the template database of a portfolio of n clients, loading it through
// the services the first time: migrated, loaded by portfolio.Load (the previous month billed,
// then the month's activity), vacuumed and analyzed, with autovacuum off on its tables so that
// no vacuum runs while a copy is billed.
func benchTemplateOf(b *testing.B, n int) *benchTemplate {
	b.Helper()
	benchDBs.Lock()
	t := benchDBs.templates[n]
	benchDBs.Unlock()
	if t != nil {
		return t
	}
	ctx := context.Background()
	p, err := portfolio.New(portfolio.Config{Clients: n, Seed: benchSeed})
	if err != nil {
		b.Fatal(err)
	}
	t = &benchTemplate{db: fmt.Sprintf("psa_bench_%d_%d", n, benchSeed), p: p}
	if err := dropDatabase(ctx, t.db); err != nil {
		b.Fatal(err)
	}
	if err := createDatabase(ctx, t.db, ""); err != nil {
		b.Fatal(err)
	}
	pool, err := benchPool(ctx, t.db, 4, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if err := pgstore.Migrate(ctx, pool); err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	if t.l, err = p.Load(ctx, pgstore.Runner[billing.Tx](pgstore.New(pool, nil))); err != nil {
		b.Fatalf("loading %d clients: %v", n, err)
	}
	t.load = time.Since(started)
	if _, err := pool.Exec(ctx, `DO $$ DECLARE t text; BEGIN
		FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
			EXECUTE format('ALTER TABLE %I SET (autovacuum_enabled = false)', t);
		END LOOP; END $$`); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		b.Fatal(err)
	}
	var size string
	if err := pool.QueryRow(ctx, "SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(&size); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d clients (%d bill-to, %d contracts, %d parts, %d time entries) through the services in %v; database %s",
		t.l.Clients, t.l.BillTo, t.l.Contracts, t.l.Parts, t.l.TimeEntries, t.load.Round(time.Millisecond), size)
	pool.Close()
	benchDBs.Lock()
	if benchDBs.templates == nil {
		benchDBs.templates = map[int]*benchTemplate{}
	}
	benchDBs.templates[n] = t
	benchDBs.Unlock()
	return t
}

// statementCounter counts the statements sent through a pool: single statements and the
// statements of batches, and the round trips (a batch is one). With byText set it also keeps
// each statement's count and, for single statements, its time.
type statementCounter struct {
	statements, roundTrips atomic.Int64

	byText bool
	mu     sync.Mutex
	texts  map[string]*statementStats
}

// statementStats are the calls of one statement text.
type statementStats struct {
	calls int
	time  time.Duration
}

type statementStart struct{}

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.statements.Add(1)
	c.roundTrips.Add(1)
	if c.byText {
		c.add(d.SQL, 0)
		return context.WithValue(ctx, statementStart{}, statementTiming{d.SQL, time.Now()})
	}
	return ctx
}

type statementTiming struct {
	sql   string
	start time.Time
}

func (c *statementCounter) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if t, ok := ctx.Value(statementStart{}).(statementTiming); ok {
		c.addTime(t.sql, time.Since(t.start))
	}
}

func (c *statementCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.roundTrips.Add(1)
	return ctx
}

func (c *statementCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	c.statements.Add(1)
	if c.byText {
		c.add("(batch) "+d.SQL, 0)
	}
}

func (c *statementCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// statementKey shortens a statement to its first 90 characters, spaces collapsed.
func statementKey(sql string) string {
	k := strings.Join(strings.Fields(sql), " ")
	if len(k) > 90 {
		k = k[:90]
	}
	return k
}

func (c *statementCounter) add(sql string, d time.Duration) {
	k := statementKey(sql)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.texts == nil {
		c.texts = map[string]*statementStats{}
	}
	st := c.texts[k]
	if st == nil {
		st = &statementStats{}
		c.texts[k] = st
	}
	st.calls++
	st.time += d
}

func (c *statementCounter) addTime(sql string, d time.Duration) {
	k := statementKey(sql)
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.texts[k]; st != nil {
		st.time += d
	}
}

// print writes the statements to stderr by count per client, with their total time (0 for
// those of batches, which are sent together). It does not use b.Log, which keeps only the first
// lines of a benchmark's log.
func (c *statementCounter) print(clients int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := slices.SortedFunc(maps.Keys(c.texts), func(x, y string) int { return cmp.Compare(c.texts[y].calls, c.texts[x].calls) })
	for _, k := range keys {
		st := c.texts[k]
		fmt.Fprintf(os.Stderr, "%8.2f/client %10v  %s\n", float64(st.calls)/float64(clients), st.time.Round(time.Millisecond), k)
	}
}

// benchStats accumulates what the timed runs produced.
type benchStats struct {
	invoices, lines, clients int
	statements, roundTrips   int64
	mallocs, bytes           uint64
	ms                       runtime.MemStats
	cpu, serverCPU           time.Duration
	serverCPUKnown           bool // every run could read the server's CPU time
}

// BenchmarkBillingRun is the monthly billing run of a portfolio (internal/portfolio) on
// PostgreSQL, the counterpart of billing's BenchmarkBillingRun on memstore: the same portfolio
// (seed 2026), the same run (Workers: GOMAXPROCS), the same metrics, plus the statements and
// round trips per bill-to client and the CPU time of the server's backends.
//
// The portfolio is loaded once per size through the services into a template database (which
// takes minutes for 10,000 clients); every iteration bills a fresh copy of it (CREATE DATABASE
// ... TEMPLATE, not timed), on a pool whose connections are open before the timer starts. The
// copy is dropped after the iteration.
func BenchmarkBillingRun(b *testing.B) {
	if skipReason != "" {
		b.Skip(skipReason)
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			tmpl := benchTemplateOf(b, n)
			workers := runtime.GOMAXPROCS(0)
			st := benchStats{serverCPUKnown: true}
			for b.Loop() {
				b.StopTimer()
				st.once(b, tmpl, workers)
				b.StartTimer()
			}
			st.report(b)
		})
	}
}

// once bills one copy of tmpl; the timer is stopped and restarted around Bill only.
func (st *benchStats) once(b *testing.B, tmpl *benchTemplate, workers int) {
	ctx := context.Background()
	db := tmpl.db + "_run"
	if err := dropDatabase(ctx, db); err != nil {
		b.Fatal(err)
	}
	copied := time.Now()
	if err := createDatabase(ctx, db, tmpl.db); err != nil {
		b.Fatal(err)
	}
	b.Logf("copied the template in %v", time.Since(copied).Round(time.Millisecond))
	count := statementCounter{byText: *benchStatements}
	pool, err := benchPool(ctx, db, int32(workers+2), &count)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		pool.Close()
		if err := dropDatabase(ctx, db); err != nil {
			b.Error(err)
		}
	}()
	// Open every connection before the timer starts.
	conns := make([]*pgxpool.Conn, workers+2)
	for i := range conns {
		if conns[i], err = pool.Acquire(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range conns {
		c.Release()
	}
	svc, err := billing.NewService(pgstore.Runner[billing.Tx](pgstore.New(pool, nil)),
		&billing.Options{Options: tmpl.l.Options, TaxRegions: portfolio.TaxRegions()})
	if err != nil {
		b.Fatal(err)
	}
	count.statements.Store(0)
	count.roundTrips.Store(0)
	server0, serverOK0 := serverCPU(ctx, db)
	runtime.GC()
	runtime.ReadMemStats(&st.ms)
	cpu0 := processCPU()

	if *benchProfile != "" {
		f, err := os.Create(*benchProfile)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
	}
	b.StartTimer()
	run, err := svc.Bill(ctx, billing.RunOptions{AsOf: tmpl.p.AsOf(), Scheme: tmpl.l.Scheme, Workers: workers})
	b.StopTimer()
	if *benchProfile != "" {
		pprof.StopCPUProfile()
	}

	st.cpu += processCPU() - cpu0
	before := st.ms
	runtime.ReadMemStats(&st.ms)
	st.mallocs += st.ms.Mallocs - before.Mallocs
	st.bytes += st.ms.TotalAlloc - before.TotalAlloc
	server1, serverOK1 := serverCPU(ctx, db)
	st.serverCPUKnown = st.serverCPUKnown && serverOK0 && serverOK1
	st.serverCPU += server1 - server0
	st.statements += count.statements.Load()
	st.roundTrips += count.roundTrips.Load()
	if err != nil {
		b.Fatal(err)
	}
	if failed := run.Failed(); len(failed) > 0 {
		b.Fatalf("client %q: %v", failed[0].Name, failed[0].Err)
	}
	invs := run.Invoices()
	lines := 0
	for _, inv := range invs {
		lines += len(inv.Lines)
	}
	b.Logf("billed %d clients: %d invoices, %d lines, %d statements in %d round trips", tmpl.l.BillTo, len(invs), lines,
		count.statements.Load(), count.roundTrips.Load())
	if *benchStatements {
		count.print(tmpl.l.BillTo)
	}
	st.lines += lines
	st.invoices += len(invs)
	st.clients += tmpl.l.BillTo
}

func (st *benchStats) report(b *testing.B) {
	sec := b.Elapsed().Seconds()
	if st.lines == 0 || sec == 0 {
		return
	}
	lines := float64(st.lines)
	b.ReportMetric(float64(st.invoices)/sec, "invoices/s")
	b.ReportMetric(lines/sec, "lines/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/lines, "ns/line")
	if st.cpu > 0 {
		b.ReportMetric(float64(st.cpu.Nanoseconds())/lines, "cpu-ns/line")
	}
	if st.serverCPUKnown {
		b.ReportMetric(float64(st.serverCPU.Nanoseconds())/lines, "pg-cpu-ns/line")
	}
	b.ReportMetric(float64(st.mallocs)/lines, "allocs/line")
	b.ReportMetric(float64(st.bytes)/lines, "B/line")
	b.ReportMetric(float64(st.statements)/float64(st.clients), "queries/client")
	b.ReportMetric(float64(st.roundTrips)/float64(st.clients), "roundtrips/client")
}

// processCPU returns the CPU time (user and system, every thread) of this process so far, or 0
// where /proc is not available.
func processCPU() time.Duration {
	d, _ := procCPU("self")
	return d
}

// serverCPU returns the CPU time the server's backends connected to db have used so far, read
// from /proc: it is known only when the server runs on this machine (the throwaway cluster) and
// its processes' statistics are readable.
func serverCPU(ctx context.Context, db string) (time.Duration, bool) {
	rows, err := adminPool.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1", db)
	if err != nil {
		return 0, false
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil || len(pids) == 0 {
		return 0, false
	}
	var sum time.Duration
	for _, pid := range pids {
		d, ok := procCPU(strconv.Itoa(int(pid)))
		if !ok {
			return 0, false
		}
		sum += d
	}
	return sum, true
}

// procCPU returns the user and system CPU time of process pid ("self" for this one) from
// /proc/pid/stat, assuming the usual 100 clock ticks per second.
func procCPU(pid string) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, false
	}
	// The fields after the command (which is in parentheses and may hold spaces): state is
	// field 3, utime 14, stime 15.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}
