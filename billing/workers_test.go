package billing_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/internal/portfolio"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
)

// runShape is what a run produced, without the identifiers drawn while it ran (which concurrent
// workers draw in another order).
type runShape struct {
	Client   string
	Invoices []invoiceShape
	Skipped  []billing.Skip
	Err      string
}

type invoiceShape struct {
	Number, PO, Net, Tax, Total string
	Lines                       []string
}

func shapeOf(run billing.Run) []runShape {
	var out []runShape
	for _, c := range run.Clients {
		rs := runShape{Client: c.Name, Skipped: c.Skipped}
		if c.Err != nil {
			rs.Err = c.Err.Error()
		}
		for _, inv := range c.Invoices {
			is := invoiceShape{Number: inv.Number, PO: inv.PONumber, Net: inv.Totals.Net.String(), Tax: inv.Totals.Tax.String(), Total: inv.Totals.Total.String()}
			for i, l := range inv.Lines {
				is.Lines = append(is.Lines, l.Description+" | "+l.Amount.String()+" | "+inv.Totals.Lines[i].Tax.String()+" | "+l.Source.Kind)
			}
			rs.Invoices = append(rs.Invoices, is)
		}
		out = append(out, rs)
	}
	return out
}

// TestWorkersGiveTheSequentialResult: a run with several workers bills every client as a
// sequential run does, in the same order, with the same invoice numbers; a preview too; and
// progress is reported once per client, in increasing order.
func TestWorkersGiveTheSequentialResult(t *testing.T) {
	const clients = 60
	bill := func(workers int, preview bool) (billing.Run, []int) {
		p, err := portfolio.New(portfolio.Config{Clients: clients, Seed: 7})
		require.NoError(t, err)
		l, err := p.Load(t.Context(), memstore.Runner[billing.Tx](memstore.New()))
		require.NoError(t, err)
		var done []int
		run, err := l.Billing.Bill(t.Context(), billing.RunOptions{AsOf: p.AsOf(), Scheme: l.Scheme, Workers: workers, Preview: preview,
			Progress: func(d, total int) {
				require.Equal(t, clients-clients/10, total)
				done = append(done, d)
			}})
		require.NoError(t, err)
		require.Empty(t, run.Failed())
		return run, done
	}
	for _, preview := range []bool{false, true} {
		seq, _ := bill(1, preview)
		require.NotEmpty(t, seq.Invoices())
		for _, workers := range []int{3} {
			par, done := bill(workers, preview)
			if diff := cmp.Diff(shapeOf(seq), shapeOf(par), cmp.Comparer(func(a, b invoice.Invoice) bool { return a.ID == b.ID })); diff != "" {
				t.Fatalf("workers %d, preview %v: (-sequential +concurrent)\n%s", workers, preview, diff)
			}
			require.Len(t, done, clients-clients/10)
			for i, d := range done {
				require.Equal(t, i+1, d)
			}
		}
	}
}

// TestWorkersStopWithTheContext: a cancelled run returns the clients billed before it stopped,
// in order, and the context's error.
func TestWorkersStopWithTheContext(t *testing.T) {
	p, err := portfolio.New(portfolio.Config{Clients: 100, Seed: 3})
	require.NoError(t, err)
	l, err := p.Load(t.Context(), memstore.Runner[billing.Tx](memstore.New()))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	run, err := l.Billing.Bill(ctx, billing.RunOptions{AsOf: p.AsOf(), Scheme: l.Scheme, Workers: 3, Progress: func(done, _ int) {
		if done == 20 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, len(run.Clients), 90)
	next := l.PreviousInvoices + 1
	for _, c := range run.Clients {
		for _, inv := range c.Invoices {
			require.Equal(t, fmt.Sprintf("INV-2026-%06d", next), inv.Number, "numbers follow the clients' order without gaps")
			next++
		}
	}
}
