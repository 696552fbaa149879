package pgstore_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/pgstore"
	"github.com/psakit/psa/servicedesk"
)

// readCounter counts the SELECT statements run through a pool.
type readCounter struct{ n atomic.Int64 }

func (c *readCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.HasPrefix(strings.TrimSpace(d.SQL), "SELECT") {
		c.n.Add(1)
	}
	return ctx
}

func (c *readCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestBillingReadsAreBounded: with PrefetchBilling, billing a client reads as many times whatever
// it has: a client with one contract of one part, one time entry and one sales item costs the
// same number of queries as one with three contracts of five parts, twenty time entries and five
// sales items. The invoices are the same as without the prefetch (the conformance suite and the
// quickstart check them).
func TestBillingReadsAreBounded(t *testing.T) {
	var reads readCounter
	pool := newSchema(t, func(cfg *pgxpool.Config) { cfg.ConnConfig.Tracer = &reads })
	s := pgstore.New(pool, nil)
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	opts := psa.Options{Now: func() time.Time { return now }}
	ctx := t.Context()
	clients := client.NewService(pgstore.Runner[client.Tx](s), &client.Options{Options: opts})
	contracts := contract.NewService(pgstore.Runner[contract.Tx](s), &contract.Options{Options: opts})
	desk := servicedesk.NewService(pgstore.Runner[servicedesk.Tx](s), &servicedesk.Options{Options: opts})
	invoices := invoice.NewService(pgstore.Runner[invoice.Tx](s), &invoice.Options{Options: opts})
	bills, err := billing.NewService(pgstore.Runner[billing.Tx](s), &billing.Options{Options: opts})
	must(t, err)
	tmpl, err := invoice.ParseTemplate("INV-{SEQ:4}")
	must(t, err)
	scheme, err := invoices.PutScheme(ctx, invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tmpl, Confirmed: true})
	must(t, err)
	usd := func(s string) psa.Money {
		m, err := psa.ParseMoney(s, "USD")
		must(t, err)
		return m
	}
	_, err = desk.PutSettings(ctx, servicedesk.Settings{DefaultRates: []client.RateOverride{{Role: "technician", Rate: usd("100.00")}}})
	must(t, err)
	unit, err := psa.ParseCurrency("USD")
	must(t, err)
	terms, err := psa.NetDays(30)
	must(t, err)
	newClient := func(name string, nContracts, nParts, nEntries, nItems int) psa.ClientID {
		c, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: name}, Billing: &client.BillingInfo{
			Address: psa.Address{Line1: "1 Main St", City: "Springfield", Country: "US"}, InvoiceEmail: "ap@example.com",
			TaxRegion: "US-IL", Currency: unit, PaymentTerms: terms}})
		must(t, err)
		for i := range nContracts {
			var ps []contract.NewPart
			for range nParts {
				ps = append(ps, contract.NewPart{Description: "Workstation", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(3), UnitPrice: usd("45.00")})
			}
			_, _, err := contracts.Create(ctx, contract.NewContract{ClientID: c.ID, Terms: contract.Terms{Name: "Managed " + string(rune('A'+i)),
				Type: contract.Recurring, Start: psa.NewDate(2026, 11, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}}, Parts: ps})
			must(t, err)
		}
		for i := range nEntries {
			e, err := desk.LogTime(ctx, servicedesk.Work{ClientID: c.ID, StaffID: psa.StaffID{UUID: c.ID.UUID}, Role: "technician",
				Date: psa.NewDate(2026, 11, 2+i%15), Duration: 30 * time.Minute, Billable: true})
			must(t, err)
			_, err = desk.Approve(ctx, e.ID)
			must(t, err)
		}
		for range nItems {
			_, err := bills.CreateSalesItem(ctx, c.ID, billing.Item{Description: "Cable", Quantity: decimal.NewFromInt(2), UnitPrice: usd("9.50"), Date: psa.NewDate(2026, 11, 3)})
			must(t, err)
		}
		return c.ID
	}
	small := newClient("Small", 1, 1, 1, 1)
	big := newClient("Big", 3, 5, 20, 5)
	bill := func(id psa.ClientID) (int64, int) {
		reads.n.Store(0)
		run, err := bills.Bill(ctx, billing.RunOptions{AsOf: psa.NewDate(2026, 11, 20), Scheme: scheme.ID, Clients: []psa.ClientID{id}})
		must(t, err)
		if len(run.Failed()) > 0 {
			t.Fatalf("billing failed: %v", run.Failed()[0].Err)
		}
		return reads.n.Load(), len(run.Invoices()[0].Lines)
	}
	smallReads, smallLines := bill(small)
	bigReads, bigLines := bill(big)
	t.Logf("reads: %d for %d lines, %d for %d lines", smallReads, smallLines, bigReads, bigLines)
	if bigLines != 3*5+20+5 || smallLines != 3 {
		t.Fatalf("lines: small %d, big %d", smallLines, bigLines)
	}
	if bigReads != smallReads {
		t.Errorf("billing reads %d queries for %d lines and %d for %d lines; want the same", smallReads, smallLines, bigReads, bigLines)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
