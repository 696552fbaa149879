package billing_test

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/internal/portfolio"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
)

// benchLarge enables the 100,000-client sizes, whose portfolio takes a while to load.
var benchLarge = flag.Bool("psa.large", false, "also run the billing benchmarks on 100,000 clients")

// benchSizes are the portfolio sizes of the billing benchmarks.
var benchSizes = []int{1_000, 10_000, 100_000}

// benchSeed is the seed of every benchmark portfolio.
const benchSeed = 2026

func benchSize(b *testing.B, n int) {
	b.Helper()
	if n > 10_000 && !*benchLarge {
		b.Skip("run with -psa.large")
	}
}

// loadBench loads a fresh portfolio of n clients on a new memstore.
func loadBench(b *testing.B, n int) (*portfolio.Portfolio, *portfolio.Loaded, *memstore.Store) {
	b.Helper()
	p, err := portfolio.New(portfolio.Config{Clients: n, Seed: benchSeed})
	if err != nil {
		b.Fatal(err)
	}
	s := memstore.New()
	l, err := p.Load(context.Background(), memstore.Runner[billing.Tx](s))
	if err != nil {
		b.Fatal(err)
	}
	return p, l, s
}

// runStats accumulates what timed runs produced, for the per-invoice and per-line metrics.
type runStats struct {
	invoices, lines int
	mallocs, bytes  uint64
	ms              runtime.MemStats
	cpu, cpu0       time.Duration // process CPU time in the timed work, and at its start
}

// start reads the allocation counters; call it with the timer stopped, just before the timed
// work.
func (s *runStats) start() {
	runtime.ReadMemStats(&s.ms)
	s.cpu0 = cpuTime()
}

// stop adds the CPU time and the allocations since start; call it with the timer stopped, right
// after the timed work.
func (s *runStats) stop() {
	s.cpu += cpuTime() - s.cpu0
	before := s.ms
	runtime.ReadMemStats(&s.ms)
	s.mallocs += s.ms.Mallocs - before.Mallocs
	s.bytes += s.ms.TotalAlloc - before.TotalAlloc
}

// count adds what the timed work produced.
func (s *runStats) count(invoices, lines int) {
	s.invoices += invoices
	s.lines += lines
}

func (s *runStats) report(b *testing.B) {
	sec := b.Elapsed().Seconds()
	if s.lines == 0 || sec == 0 {
		return
	}
	b.ReportMetric(float64(s.invoices)/sec, "invoices/s")
	b.ReportMetric(float64(s.lines)/sec, "lines/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(s.lines), "ns/line")
	if s.cpu > 0 {
		// CPU time (every thread, the garbage collector's included) is what a shared machine
		// does not inflate: wall time there includes waiting for other processes.
		b.ReportMetric(float64(s.cpu.Nanoseconds())/float64(s.lines), "cpu-ns/line")
	}
	b.ReportMetric(float64(s.mallocs)/float64(s.lines), "allocs/line")
	b.ReportMetric(float64(s.bytes)/float64(s.lines), "B/line")
}

// BenchmarkBillingRun is the monthly billing run of a portfolio (internal/portfolio) on memstore:
// a steady month, the previous month already billed. Every iteration bills a freshly loaded
// portfolio: loading it is not timed (the timer is stopped, and the garbage of the previous
// iteration collected, before the run starts). The run uses GOMAXPROCS workers, so -cpu 1,2
// shows the speed-up of a second core.
//
// ns/line against BenchmarkBillingLimit's ns/line of the same size is the library's time over
// the arithmetic limit.
func BenchmarkBillingRun(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			benchSize(b, n)
			var st runStats
			for b.Loop() {
				b.StopTimer()
				p, l, _ := loadBench(b, n)
				runtime.GC()
				st.start()
				b.StartTimer()
				run, err := l.Billing.Bill(b.Context(), billing.RunOptions{AsOf: p.AsOf(), Scheme: l.Scheme, Workers: runtime.GOMAXPROCS(0)})
				b.StopTimer()
				st.stop()
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
				st.count(len(invs), lines)
				b.StartTimer()
			}
			st.report(b)
		})
	}
}

// limitTerm is one product of a line's charge: Price x Quantity x Days (Days is 1 but for the
// segments of a prorated period).
type limitTerm struct {
	price, qty, days decimal.Decimal
}

// limitLine is a line's charge, pre-resolved: the sum of its terms over den, rounded once to
// scale decimals in mode, less what was billed before (an adjustment).
type limitLine struct {
	terms  []limitTerm
	den    decimal.Decimal
	before decimal.Decimal
	mode   psa.RoundingMode
}

// limitInvoice is an invoice pre-resolved: its lines, its currency's scale and its region's tax
// rates (percentages, each rounded once on the invoice's net and spread over the lines).
type limitInvoice struct {
	scale int32
	lines []limitLine
	rates []decimal.Decimal
}

// BenchmarkBillingLimit is the arithmetic limit of BenchmarkBillingRun: the same invoices' charges
// computed from pre-resolved values with decimal arithmetic only, no store and no domain object.
// Every line's amount is its terms (price x quantity x served days, rate x minutes, quantity x
// price, an amount) summed, divided once and rounded once, less what an earlier run billed for
// the period; every invoice's tax is each component's rate on the net, rounded once and spread
// over the lines by largest remainder; subtotal, tax and total are summed. Resolving the values
// (reading the store and the schedules after a real run) is not timed; the computed amounts and
// totals are checked against the real run's before timing starts.
func BenchmarkBillingLimit(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			benchSize(b, n)
			invs, lines := resolveLimit(b, n)
			var st runStats
			runtime.GC()
			st.start()
			for b.Loop() {
				for i := range invs {
					computeLimit(&invs[i], nil)
				}
			}
			b.StopTimer()
			st.stop()
			st.count(len(invs)*b.N, lines*b.N)
			st.report(b)
		})
	}
}

// limitTotals is what computeLimit computes for one invoice.
type limitTotals struct {
	amounts, taxes       []decimal.Decimal
	subtotal, tax, total decimal.Decimal
}

var (
	decHundred = decimal.NewFromInt(100)
	decTwo     = decimal.NewFromInt(2)
)

// roundOnce returns num/den rounded once to scale decimals in mode.
func roundOnce(num, den decimal.Decimal, scale int32, mode psa.RoundingMode) decimal.Decimal {
	if mode != psa.RoundHalfEven {
		return num.DivRound(den, scale)
	}
	q, r := num.QuoRem(den, scale)
	unit := decimal.New(1, -scale)
	switch c := r.Abs().Mul(decTwo).Cmp(den.Abs().Mul(unit)); {
	case c > 0, c == 0 && q.Shift(scale).BigInt().Bit(0) == 1:
		if num.Sign() < 0 {
			return q.Sub(unit)
		}
		return q.Add(unit)
	}
	return q
}

// computeLimit computes inv's line amounts, tax and totals; out, when not nil, receives them.
func computeLimit(inv *limitInvoice, out *limitTotals) {
	amounts := make([]decimal.Decimal, len(inv.lines))
	net := decimal.Zero
	for i, l := range inv.lines {
		num := decimal.Zero
		for _, t := range l.terms {
			num = num.Add(t.price.Mul(t.qty).Mul(t.days))
		}
		amounts[i] = roundOnce(num, l.den, inv.scale, l.mode).Sub(l.before)
		net = net.Add(amounts[i])
	}
	unit := decimal.New(1, -inv.scale)
	taxes := make([]decimal.Decimal, len(inv.lines))
	tax := decimal.Zero
	rems := make([]decimal.Decimal, len(inv.lines))
	shares := make([]decimal.Decimal, len(inv.lines))
	order := make([]int, len(inv.lines))
	mixed := false
	for _, a := range amounts {
		mixed = mixed || a.Sign()*net.Sign() < 0
	}
	for _, rate := range inv.rates {
		t := net.Mul(rate).DivRound(decHundred, inv.scale)
		tax = tax.Add(t)
		// Spread t over the lines by largest remainder: pro rata to their nets when they have
		// one sign, else from each line's exact tax rounded down. A negative t (or a zero one
		// whose first line with a net is a credit) is spread as -t over the negated lines, and
		// the shares negated.
		flip := t.Sign() < 0
		if mixed && t.IsZero() {
			for _, a := range amounts {
				if !a.IsZero() {
					flip = a.Sign() < 0
					break
				}
			}
		}
		left := t
		if flip {
			left = t.Neg()
		}
		sum := decimal.Zero
		for _, a := range amounts {
			sum = sum.Add(a.Abs())
		}
		for i, a := range amounts {
			var q, r decimal.Decimal
			if mixed {
				if flip {
					a = a.Neg()
				}
				q, r = a.Mul(rate).QuoRem(decHundred, inv.scale)
				if r.Sign() < 0 {
					q, r = q.Sub(unit), r.Add(unit.Mul(decHundred))
				}
			} else if !sum.IsZero() {
				q, r = left.Mul(a.Abs()).QuoRem(sum, inv.scale)
			}
			shares[i], rems[i], order[i] = q, r, i
		}
		for _, q := range shares {
			left = left.Sub(q)
		}
		slices.SortStableFunc(order, func(x, y int) int { return rems[y].Cmp(rems[x]) })
		for _, i := range order {
			if left.Sign() <= 0 || rems[i].Sign() == 0 {
				break
			}
			shares[i] = shares[i].Add(unit)
			left = left.Sub(unit)
		}
		for i, q := range shares {
			if flip {
				q = q.Neg()
			}
			taxes[i] = taxes[i].Add(q)
		}
	}
	sub := decimal.Zero
	for _, a := range amounts {
		sub = sub.Add(a)
	}
	if out != nil {
		*out = limitTotals{amounts: amounts, taxes: taxes, subtotal: sub, tax: tax, total: sub.Add(tax)}
	}
}

// resolveLimit bills a fresh portfolio of n clients and resolves every invoice line of the run
// into the values its charge is computed from; it checks that computeLimit gives the run's
// amounts and totals.
func resolveLimit(b *testing.B, n int) ([]limitInvoice, int) {
	b.Helper()
	p, l, s := loadBench(b, n)
	ctx := context.Background()
	run, err := l.Billing.Bill(ctx, billing.RunOptions{AsOf: p.AsOf(), Scheme: l.Scheme})
	if err != nil {
		b.Fatal(err)
	}
	var out []limitInvoice
	lines := 0
	err = memstore.Runner[billing.Tx](s)(ctx, func(ctx context.Context, tx billing.Tx) error {
		rates := map[string][]decimal.Decimal{}
		for _, r := range portfolio.TaxRegions() {
			for _, c := range r.Components {
				rates[r.Code] = append(rates[r.Code], c.Rate)
			}
		}
		for _, inv := range run.Invoices() {
			li := limitInvoice{scale: psa.MinorUnitScale(inv.Currency), rates: rates[inv.Regions[0].Code]}
			for _, line := range inv.Lines {
				ll, err := resolveLine(ctx, tx, line)
				if err != nil {
					return fmt.Errorf("line %q: %w", line.Description, err)
				}
				li.lines = append(li.lines, ll)
			}
			var got limitTotals
			computeLimit(&li, &got)
			for i, line := range inv.Lines {
				if !got.amounts[i].Equal(line.Amount.Amount()) || !got.taxes[i].Equal(inv.Totals.Lines[i].Tax.Amount()) {
					return fmt.Errorf("invoice %s line %q: limit computes %s tax %s, the run billed %s tax %s", inv.Number, line.Description,
						got.amounts[i], got.taxes[i], line.Amount, inv.Totals.Lines[i].Tax)
				}
			}
			if !got.total.Equal(inv.Totals.Total.Amount()) {
				return fmt.Errorf("invoice %s: limit total %s, the run's %s", inv.Number, got.total, inv.Totals.Total)
			}
			out = append(out, li)
			lines += len(inv.Lines)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return out, lines
}

var one = decimal.NewFromInt(1)

// resolveLine resolves one line of a run into its terms, reading what it bills from tx.
func resolveLine(ctx context.Context, tx billing.Tx, line invoice.Line) (limitLine, error) {
	amount := limitLine{terms: []limitTerm{{line.Amount.Amount(), one, one}}, den: one}
	switch line.Source.Kind {
	case "contract part":
		id, start, _ := strings.Cut(line.Source.ID, "/")
		pid, err := psa.ParseID[psa.PartID]("part", id)
		if err != nil {
			return limitLine{}, err
		}
		periodStart, err := psa.ParseDate(start)
		if err != nil {
			return limitLine{}, err
		}
		part, err := tx.GetPart(ctx, pid)
		var k contract.Contract
		if err == nil {
			if k, err = tx.GetContract(ctx, part.ContractID); err != nil {
				return limitLine{}, err
			}
		} else {
			// The contract's billing price, billed as a part with the contract's ID.
			if k, err = tx.GetContract(ctx, psa.ContractID(pid)); err != nil {
				return limitLine{}, err
			}
			part = contract.Part{ID: pid, ContractID: k.ID, UnitPrice: k.BillingPrice, UnitKind: contract.UnitFixed, Start: k.Start,
				Quantities: []contract.Quantity{{From: k.Start, Quantity: one}}}
		}
		period, err := k.Schedule.PeriodOf(periodStart)
		if err != nil {
			return limitLine{}, err
		}
		charge, err := contract.PartCharge(k, part, contract.DuePeriod{Period: period, Served: line.Period})
		if err != nil {
			return limitLine{}, err
		}
		ll := limitLine{den: decimal.NewFromInt(int64(charge.PeriodDays)), before: decimal.Zero, mode: charge.Rounding}
		for _, seg := range charge.Lines {
			ll.terms = append(ll.terms, limitTerm{charge.UnitPrice.Amount(), seg.Quantity, decimal.NewFromInt(int64(seg.ServedDays))})
		}
		claims, err := tx.ListClaims(ctx, billing.SubjectOf(pid))
		if err != nil {
			return limitLine{}, err
		}
		for _, c := range claims {
			if c.LineID != line.ID && !c.Released && c.Key == "period "+start {
				ll.before = ll.before.Add(c.Amount.Amount())
			}
		}
		return ll, nil
	case "time entry":
		id, err := psa.ParseID[psa.TimeEntryID]("entry", line.Source.ID)
		if err != nil {
			return limitLine{}, err
		}
		e, err := tx.GetTimeEntry(ctx, id)
		if err != nil {
			return limitLine{}, err
		}
		mode := psa.RoundHalfUp
		var k contract.Contract
		if !psa.IsNil(e.ContractID) {
			if k, err = tx.GetContract(ctx, e.ContractID); err != nil {
				return limitLine{}, err
			}
			mode = k.Rounding
		}
		if k.Type == contract.RetainerHours || k.Type == contract.RetainerAmount {
			// Time under a retainer: what the line's claim used of the allowance is not charged.
			claims, err := tx.ListClaims(ctx, billing.SubjectOf(id))
			if err != nil {
				return limitLine{}, err
			}
			var used contract.Use
			for _, c := range claims {
				if c.LineID == line.ID && c.Consumed != nil {
					used = c.Consumed.Use
				}
			}
			if k.Type == contract.RetainerHours {
				// The time beyond the block, at the line's rate (the overage rate or the entry's).
				beyond := decimal.NewFromInt(int64(e.BillableDuration - used.Time))
				return limitLine{terms: []limitTerm{{line.UnitPrice.Amount(), beyond, one}}, den: decimal.NewFromInt(int64(time.Hour)),
					before: decimal.Zero, mode: mode}, nil
			}
			// The entry's value less what the retainer covered.
			minutes := decimal.NewFromInt(int64(e.BillableDuration.Minutes()))
			covered := decimal.Zero
			if used.Amount.Currency() == k.Currency {
				covered = used.Amount.Amount()
			}
			return limitLine{terms: []limitTerm{{e.Rate.Amount(), minutes, one}}, den: decimal.NewFromInt(60), before: covered, mode: mode}, nil
		}
		minutes := decimal.NewFromInt(int64(e.BillableDuration.Minutes()))
		return limitLine{terms: []limitTerm{{e.Rate.Amount(), minutes, one}}, den: decimal.NewFromInt(60), before: decimal.Zero, mode: mode}, nil
	case "sales item":
		return limitLine{terms: []limitTerm{{line.UnitPrice.Amount(), line.Quantity, one}}, den: one, before: decimal.Zero}, nil
	}
	// Setup fees, fixed prices and cap lines are amounts.
	amount.before = decimal.Zero
	return amount, nil
}
