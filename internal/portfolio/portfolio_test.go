package portfolio_test

import (
	"testing"
	"time"

	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/internal/portfolio"
	"github.com/psakit/psa/memstore"
)

func TestLoadAndBill(t *testing.T) {
	p, err := portfolio.New(portfolio.Config{Clients: 2000, Seed: 1})
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
}
