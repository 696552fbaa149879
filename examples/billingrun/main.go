// Command billingrun shows the library at scale: it generates a portfolio of MSP clients from a
// seed (internal/portfolio: contracts of every type, parts with quantity changes, a month of
// approved time and sales, several tax regions and currencies), loads it into the embedded
// store with the previous month already billed, runs the monthly billing with a progress line
// on stderr, and prints the run's summary.
//
//	go run ./examples/billingrun [-clients 10000] [-workers 2] [-seed 1]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/internal/portfolio"
	"github.com/psakit/psa/memstore"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.clients, "clients", 1000, "number of clients in the portfolio (one in ten a sub-organization)")
	flag.IntVar(&cfg.workers, "workers", runtime.GOMAXPROCS(0), "clients billed at once")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed of the portfolio")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, os.Stderr, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "billingrun:", err)
		os.Exit(1)
	}
}

type config struct {
	clients, workers int
	seed             uint64
}

func run(ctx context.Context, out, progress io.Writer, cfg config) error {
	p, err := portfolio.New(portfolio.Config{Clients: cfg.clients, Seed: cfg.seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(progress, "loading %d clients...\n", cfg.clients)
	started := time.Now()
	l, err := p.Load(ctx, memstore.Runner[billing.Tx](memstore.New()))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Portfolio (seed %d): %d clients (%d billed directly, the rest sub-organizations), %d contracts, %d contract parts, %d time entries, %d sales items\n",
		cfg.seed, l.Clients, l.BillTo, l.Contracts, l.Parts, l.TimeEntries, l.SalesItems)
	fmt.Fprintf(out, "Loaded through the services in %v, with the run of %s already made (%d invoices)\n",
		time.Since(started).Round(time.Millisecond), p.Previous(), l.PreviousInvoices)

	bar := &progressLine{w: progress, start: time.Now(), every: 100 * time.Millisecond}
	started = time.Now()
	res, err := l.Billing.Bill(ctx, billing.RunOptions{AsOf: p.AsOf(), Scheme: l.Scheme, Workers: cfg.workers, Progress: bar.update})
	elapsed := time.Since(started)
	bar.finish()
	if err != nil {
		return err
	}
	summarize(out, res, cfg.workers, elapsed)
	return nil
}

// progressLine rewrites one line on w: clients done of total, rate and time left.
type progressLine struct {
	w     io.Writer
	start time.Time
	last  time.Time
	every time.Duration
	wrote bool
}

func (p *progressLine) update(done, total int) {
	now := time.Now()
	if done < total && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(done) / max(elapsed, 1e-9)
	left := time.Duration(float64(total-done) / max(rate, 1e-9) * float64(time.Second)).Round(100 * time.Millisecond)
	fmt.Fprintf(p.w, "\rbilling: %d of %d clients, %.0f clients/s, %v left   ", done, total, rate, left)
	p.wrote = true
}

func (p *progressLine) finish() {
	if p.wrote {
		fmt.Fprintln(p.w)
	}
}

// summarize prints what the run did: invoices and lines, totals per currency, what was not
// billed, and the numbers issued.
func summarize(out io.Writer, res billing.Run, workers int, elapsed time.Duration) {
	invs := res.Invoices()
	lines := 0
	type sums struct{ net, tax, total psa.Money }
	byCur := map[string]*sums{}
	for _, inv := range invs {
		lines += len(inv.Lines)
		cur := inv.Currency.String()
		s := byCur[cur]
		if s == nil {
			z := psa.ZeroMoney(inv.Currency)
			s = &sums{z, z, z}
			byCur[cur] = s
		}
		s.net, _ = s.net.Add(inv.Totals.Net)
		s.tax, _ = s.tax.Add(inv.Totals.Tax)
		s.total, _ = s.total.Add(inv.Totals.Total)
	}
	sec := elapsed.Seconds()
	fmt.Fprintf(out, "Billing run on %s with %d worker(s): %d clients, %d invoices, %d lines, %d failed, in %v (%.0f invoices/s, %.0f lines/s)\n",
		res.AsOf, workers, len(res.Clients), len(invs), lines, len(res.Failed()), elapsed.Round(time.Millisecond),
		float64(len(invs))/sec, float64(lines)/sec)
	for _, cur := range slices.Sorted(maps.Keys(byCur)) {
		s := byCur[cur]
		fmt.Fprintf(out, "  %s: net %s, tax %s, total %s\n", cur, s.net, s.tax, s.total)
	}
	skips := map[billing.Reason]int{}
	entries := map[billing.Reason]int{}
	for _, c := range res.Clients {
		seen := map[billing.Reason]bool{}
		for _, sk := range c.Skipped {
			if !seen[sk.Reason] {
				seen[sk.Reason] = true
				skips[sk.Reason]++
			}
			entries[sk.Reason] += sk.Entries
		}
	}
	for _, r := range []billing.Reason{billing.NothingToBill, billing.NoBillingInfo, billing.NotBillable, billing.Unapproved} {
		if skips[r] > 0 {
			fmt.Fprintf(out, "Not billed: %s for %d client(s) (%d time entries)\n", r, skips[r], entries[r])
		}
	}
	if len(invs) > 0 {
		fmt.Fprintf(out, "Invoice numbers %s to %s\n", invs[0].Number, invs[len(invs)-1].Number)
	}
	for _, c := range res.Failed() {
		fmt.Fprintf(out, "Failed: %s: %v\n", c.Name, c.Err)
	}
}
