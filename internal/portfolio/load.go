package portfolio

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// Loaded is a portfolio in a store, ready for the run on its AsOf date.
type Loaded struct {
	// Scheme is the confirmed numbering scheme of the invoices.
	Scheme psa.NumberingSchemeID
	// Options are the services' shared options: a clock that now stands at 06:00 UTC on the run
	// date, and the deterministic identifiers of the portfolio.
	Options psa.Options
	// Billing is a billing service on the store with Options and the portfolio's tax regions.
	Billing *billing.Service
	// Counts of what was loaded.
	Clients, BillTo, Contracts, Parts, TimeEntries, SalesItems int
	// PreviousInvoices is how many invoices the previous run created.
	PreviousInvoices int
}

// Load loads the portfolio into an empty store through the public services: tenant settings
// (default rates in every currency, time rounding), a confirmed numbering scheme, the clients
// and their contracts; then it runs billing on the first of the previous month, and records the
// month's quantity changes, time (approved but for a couple of entries per client) and sales.
// run must be a runner of a store that holds nothing yet.
func (p *Portfolio) Load(ctx context.Context, run psa.Runner[billing.Tx]) (*Loaded, error) {
	clk := &clock{}
	clk.set(p.prev, 9)
	ids := newIDs(p.cfg.Seed)
	opts := psa.Options{Now: clk.now, NewID: ids.next}
	clients := client.NewService(psa.Adapt[client.Tx](run), &client.Options{Options: opts})
	contracts := contract.NewService(psa.Adapt[contract.Tx](run), &contract.Options{Options: opts})
	desk := servicedesk.NewService(psa.Adapt[servicedesk.Tx](run), &servicedesk.Options{Options: opts})
	invoices := invoice.NewService(psa.Adapt[invoice.Tx](run), &invoice.Options{Options: opts})
	bill, err := billing.NewService(run, &billing.Options{Options: opts, TaxRegions: TaxRegions()})
	if err != nil {
		return nil, err
	}
	out := &Loaded{Options: opts, Billing: bill}

	if err := p.settings(ctx, desk); err != nil {
		return nil, err
	}
	tmpl, err := invoice.ParseTemplate("INV-{YYYY}-{SEQ:6}")
	if err != nil {
		return nil, err
	}
	scheme, err := invoices.PutScheme(ctx, invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tmpl, Confirmed: true})
	if err != nil {
		return nil, err
	}
	out.Scheme = scheme.ID

	// The clients and their contracts, as they stood at the previous run.
	loaded := make([]loadedClient, p.cfg.Clients)
	for i := range loaded {
		s, err := p.client(i)
		if err != nil {
			return nil, err
		}
		lc := &loaded[i]
		in := client.NewClient{Profile: client.Profile{Name: s.name}, Billing: s.billing}
		if s.sub {
			in.ParentID, in.BillToParent = loaded[i-1].id, true
		} else {
			out.BillTo++
		}
		c, err := clients.Create(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("portfolio: client %d: %w", i, err)
		}
		lc.id = c.ID
		for _, ks := range s.contracts {
			k, parts, err := contracts.Create(ctx, contract.NewContract{ClientID: c.ID, Terms: ks.terms, Parts: ks.parts})
			if err != nil {
				return nil, fmt.Errorf("portfolio: client %d, contract %q: %w", i, ks.terms.Name, err)
			}
			lc.contracts = append(lc.contracts, k.ID)
			partIDs := make([]psa.PartID, len(parts))
			for j, part := range parts {
				partIDs[j] = part.ID
			}
			lc.parts = append(lc.parts, partIDs)
			out.Contracts++
			out.Parts += len(parts)
		}
	}
	out.Clients = len(loaded)

	prev, err := bill.Bill(ctx, billing.RunOptions{AsOf: p.prev, Scheme: scheme.ID})
	if err != nil {
		return nil, err
	}
	if failed := prev.Failed(); len(failed) > 0 {
		return nil, fmt.Errorf("portfolio: previous run: client %q: %w", failed[0].Name, failed[0].Err)
	}
	out.PreviousInvoices = len(prev.Invoices())

	// The month's activity.
	for i := range loaded {
		s, err := p.client(i)
		if err != nil {
			return nil, err
		}
		lc := &loaded[i]
		for j, ks := range s.contracts {
			if len(ks.changes) == 0 {
				continue
			}
			parts, err := contracts.Parts(ctx, lc.contracts[j])
			if err != nil {
				return nil, err
			}
			version := make(map[psa.PartID]int64, len(parts))
			for _, part := range parts {
				version[part.ID] = part.Version
			}
			for _, ch := range ks.changes {
				id := lc.parts[j][ch.part]
				part, err := contracts.ChangeQuantity(ctx, id, version[id], ch.from, ch.qty)
				if err != nil {
					return nil, fmt.Errorf("portfolio: client %d, quantity change of %s: %w", i, id, err)
				}
				version[id] = part.Version
			}
		}
		var approve []psa.TimeEntryID
		for _, w := range s.work {
			work := servicedesk.Work{ClientID: lc.id, StaffID: psa.StaffID{UUID: uuid.UUID{15: byte(1 + i%7)}}, Role: w.role,
				Date: w.date, Duration: w.duration, Billable: w.billable, Note: w.note, NotePublic: w.public}
			if w.contract >= 0 {
				work.ContractID = lc.contracts[w.contract]
			}
			e, err := desk.LogTime(ctx, work)
			if err != nil {
				return nil, fmt.Errorf("portfolio: client %d, time: %w", i, err)
			}
			if w.approve {
				approve = append(approve, e.ID)
			}
			out.TimeEntries++
		}
		if _, err := desk.Approve(ctx, approve...); err != nil {
			return nil, fmt.Errorf("portfolio: client %d, approval: %w", i, err)
		}
		if _, err := bill.CreateSalesItem(ctx, lc.id, s.sale); err != nil {
			return nil, fmt.Errorf("portfolio: client %d, sales item: %w", i, err)
		}
		out.SalesItems++
	}
	clk.set(p.cfg.AsOf, 6)
	return out, nil
}

// loadedClient is what Load keeps of a client between its two passes.
type loadedClient struct {
	id        psa.ClientID
	contracts []psa.ContractID
	parts     [][]psa.PartID
}

// settings stores the tenant's service-desk settings: a technician's and an engineer's hourly
// rate in every currency, and time billed in quarter hours (15 minutes at least).
func (p *Portfolio) settings(ctx context.Context, desk *servicedesk.Service) error {
	var rates []client.RateOverride
	for _, cur := range Currencies() {
		for _, r := range []struct {
			role  string
			cents int64
		}{{"technician", 11000}, {"engineer", 15500}} {
			m, err := psa.MoneyFromMinor(priceIn(r.cents, cur), cur)
			if err != nil {
				return err
			}
			rates = append(rates, client.RateOverride{Role: r.role, Rate: m})
		}
	}
	_, err := desk.PutSettings(ctx, servicedesk.Settings{DefaultRates: rates,
		TimeRounding: contract.TimeRounding{MinimumMinutes: 15, IncrementMinutes: 15}})
	return err
}

// clock is the loader's simulated clock; it is safe for concurrent use.
type clock struct{ t atomic.Int64 }

func (c *clock) set(d psa.Date, hour int) {
	y, m, day := d.Date()
	c.t.Store(time.Date(y, m, day, hour, 0, 0, 0, time.UTC).UnixNano())
}

func (c *clock) now() time.Time { return time.Unix(0, c.t.Load()).UTC() }

// ids draws deterministic, increasing version-7 UUIDs: a counter in the time and sequence
// fields, random bits from the seed in the rest. It is safe for concurrent use.
type ids struct {
	mu  sync.Mutex
	n   uint64
	rng *rand.Rand
}

// idEpoch is the millisecond timestamp of the first identifier (2026-01-01T00:00:00Z).
const idEpoch = 1767225600000

func newIDs(seed uint64) *ids {
	return &ids{rng: rand.New(rand.NewPCG(seed, 0x1D5))}
}

func (g *ids) next() (uuid.UUID, error) {
	g.mu.Lock()
	n, r := g.n, g.rng.Uint64()
	g.n++
	g.mu.Unlock()
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[0:8], (idEpoch+n>>12)<<16|0x7000|n&0xfff)
	binary.BigEndian.PutUint64(u[8:16], r&^(3<<62)|1<<63) // variant 10
	return u, nil
}
