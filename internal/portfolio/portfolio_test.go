package portfolio_test

import (
	"testing"
	"time"

	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/internal/portfolio"
	"github.com/psakit/psa/memstore"
)

// TestLoadAndBill loads a portfolio and bills it: nothing fails, and the run bills every client
// that has something due.
func TestLoadAndBill(t *testing.T) {
	p, err := portfolio.New(portfolio.Config{Clients: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	l, err := p.Load(t.Context(), memstore.Runner[billing.Tx](memstore.New()))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %v: %+v", time.Since(start), *l)
	start = time.Now()
	run, err := l.Billing.Bill(t.Context(), billing.RunOptions{AsOf: p.AsOf(), Scheme: l.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, inv := range run.Invoices() {
		lines += len(inv.Lines)
	}
	t.Logf("billed in %v: %d invoices, %d lines, %d failed", time.Since(start), len(run.Invoices()), lines, len(run.Failed()))
	for _, f := range run.Failed() {
		t.Error(f.Name, f.Err)
	}
	if len(run.Invoices()) < l.BillTo || lines < 20*l.BillTo {
		t.Errorf("%d invoices, %d lines for %d bill-to clients", len(run.Invoices()), lines, l.BillTo)
	}
}

// TestDeterministic: the same seed loads the same portfolio, identifiers included.
func TestDeterministic(t *testing.T) {
	load := func() *portfolio.Loaded {
		p, err := portfolio.New(portfolio.Config{Clients: 20, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		l, err := p.Load(t.Context(), memstore.Runner[billing.Tx](memstore.New()))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := load(), load()
	if a.Scheme != b.Scheme || a.Contracts != b.Contracts || a.Parts != b.Parts || a.TimeEntries != b.TimeEntries || a.PreviousInvoices != b.PreviousInvoices {
		t.Errorf("two loads differ: %+v and %+v", *a, *b)
	}
}
