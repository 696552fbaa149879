package billing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/servicedesk"
)

// propBaseSeed is the seed of case 0; case i uses propBaseSeed + i.
const propBaseSeed uint64 = 0x5EED_2026_1117

// propMaxFailures is how many failing cases TestBillingProperties reports before it stops.
const propMaxFailures = 3

// TestBillingProperties builds random portfolios on a fresh memstore and runs billing on random
// run dates, checking after every run, exactly (Money.Equal, no tolerance), that
//
//   - a rerun for the same date creates nothing, and a preview matches the run it precedes;
//   - nothing is billed twice: every time entry, sales item, setup fee and fixed price is billed
//     by at most one live (non-void) invoice line, a billed entry or item names the live invoice
//     that bills it, and everything billable on the run date is billed, at its value;
//   - recompute and diff: for every part (and contract billing price) and every billing period
//     due on the last run date, the live lines of that (part, period) add up to a fresh
//     contract.PartCharge of it, and the lines of a period no longer due (the service was ended
//     before it) add up to zero;
//   - every invoice's totals hold: Total = Subtotal - Discount + Tax, the lines' Net and Tax add
//     up to Net and Tax, and the tax is the region's rate on the invoice's net, rounded once;
//   - every line is on the invoice of its bill-to client, labelled with its sub-organization,
//     under its PO number and payment terms;
//   - a capped T&M contract's live time of each billing period, with the period's cap lines,
//     comes to the time or the cap, whichever is less;
//   - invoice numbers are unique and gapless from the first, a voided invoice keeps its number,
//     and what it billed is billed again by the next run;
//   - every line's claim matches it and is released exactly when its invoice is void.
//
// Portfolios have 1-3 clients (some with a sub-organization billed to them, some without billing
// information), recurring contracts (monthly to annual, calendar or anniversary with anchors on
// the 28th-31st, in advance or in arrears, 30/360 or actual days, setup fees, billing prices,
// end dates, auto-renewal, PO numbers and payment terms), T&M contracts with caps, fixed-price
// contracts, 1-3 parts (zero and fractional quantities and prices, discounts, trials, own
// dates), quantity changes dated today or later (and some earlier ones, refused once invoiced),
// approved and unapproved time, sales items, early terminations, extensions and expiry; 1-6
// non-decreasing run dates, some repeated, with payments and voids in between.
//
// The number of cases is PSA_BILLING_CASES (default 2000, 200 with -short); PSA_BILLING_SEED
// replays one case (the seed a failure prints). The 100,000 cases are run with
//
//	PSA_BILLING_CASES=100000 go test -run TestBillingProperties ./billing
//
// which took 6 minutes (363 s, without -race, on a shared 2-CPU machine). Under -race the default
// is a quarter of the cases, which keeps the run under 10 s.
func TestBillingProperties(t *testing.T) {
	if s := os.Getenv("PSA_BILLING_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 0, 64)
		require.NoError(t, err, "PSA_BILLING_SEED")
		if err := runPropCase(t, seed, true); err != nil {
			t.Fatal(err)
		}
		return
	}
	n := 2000
	if testing.Short() {
		n = 200
	}
	if propRaceEnabled() {
		n /= 4 // the race detector makes every case five to seven times slower
	}
	if s := os.Getenv("PSA_BILLING_CASES"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(t, err, "PSA_BILLING_CASES")
	}
	failures := 0
	for i := range n {
		if err := runPropCase(t, propBaseSeed+uint64(i), false); err != nil {
			t.Error(err)
			if failures++; failures == propMaxFailures {
				t.Fatalf("stopped after %d failing cases of %d", failures, i+1)
			}
		}
	}
}

// propRaceEnabled reports whether the test binary was built with -race.
func propRaceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// propFailure is a broken property, raised by failf and turned into the case's error.
type propFailure struct{ msg string }

// propCase is one random portfolio and its billing history.
type propCase struct {
	t       *testing.T
	ctx     context.Context
	r       *runEnv
	rng     *rand.Rand
	seed    uint64
	steps   []string
	verbose bool

	clients   []*propClient
	contracts []*propContract
	entries   []psa.TimeEntryID
	items     []psa.SalesItemID
	asOf      psa.Date
	runs      int
}

// propClient is a bill-to client, with the sub-organization billed to it if it has one.
type propClient struct {
	c    client.Client
	sub  *client.Client
	cur  string
	bare bool // no billing information
}

// orgs returns the organizations billed on c's invoices.
func (c *propClient) orgs() []client.Client {
	if c.sub != nil {
		return []client.Client{c.c, *c.sub}
	}
	return []client.Client{c.c}
}

type propContract struct {
	id         psa.ContractID
	org        client.Client
	billTo     *propClient
	parts      []psa.PartID
	terminated bool
}

// runPropCase runs the case of seed and returns the first broken property, with the seed and the
// steps that led to it.
func runPropCase(t *testing.T, seed uint64, verbose bool) (err error) {
	pc := &propCase{t: t, ctx: t.Context(), seed: seed, verbose: verbose,
		rng: rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))}
	finished := false
	defer func() {
		v := recover()
		if v == nil {
			if !finished { // a require in a helper stopped the test
				t.Logf("case failed: replay with PSA_BILLING_SEED=%d\nsteps:\n%s", seed, strings.Join(pc.steps, "\n"))
			}
			return
		}
		msg := ""
		if f, ok := v.(propFailure); ok {
			msg = f.msg
		} else {
			msg = fmt.Sprintf("panic: %v\n%s", v, debug.Stack())
		}
		err = fmt.Errorf("seed %d (replay: PSA_BILLING_SEED=%d go test -run TestBillingProperties ./billing): %s\nsteps:\n%s",
			seed, seed, msg, strings.Join(pc.steps, "\n"))
	}()
	pc.play()
	finished = true
	return nil
}

func (pc *propCase) failf(format string, args ...any) {
	panic(propFailure{msg: fmt.Sprintf(format, args...)})
}

func (pc *propCase) step(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	pc.steps = append(pc.steps, "  "+s)
	if pc.verbose {
		pc.t.Log(s)
	}
}

func (pc *propCase) check(err error, what string) {
	if err != nil {
		pc.failf("%s: %v", what, err)
	}
}

// chance reports true with probability p.
func (pc *propCase) chance(p float64) bool { return pc.rng.Float64() < p }

// between returns a random int in [lo, hi].
func (pc *propCase) between(lo, hi int) int { return lo + pc.rng.IntN(hi-lo+1) }

func propMoney(minor int64, cur string) psa.Money {
	m, err := psa.MoneyFromMinor(minor, cur)
	if err != nil {
		panic(err)
	}
	return m
}

// price returns a random amount of cur of up to max*100 minor units (JPY has no minor unit, so
// its prices are whole yen up to max*100).
func (pc *propCase) price(cur string, max int) psa.Money {
	return propMoney(int64(pc.rng.IntN(max*100+1)), cur)
}

func propClock(d psa.Date) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day, 9, 0, 0, 0, time.UTC)
}

var propOrigin = psa.NewDate(2026, 1, 1)

// play builds the portfolio and runs billing on random dates.
func (pc *propCase) play() {
	pc.r = newRunEnv(pc.t, true)
	pc.r.now = propClock(propOrigin)
	_, err := pc.r.desk.PutSettings(pc.ctx, servicedesk.Settings{DefaultRates: []client.RateOverride{
		{Role: "technician", Rate: propMoney(12000, "USD")},
		{Role: "technician", Rate: propMoney(11000, "EUR")},
		{Role: "technician", Rate: propMoney(15000, "JPY")},
	}})
	pc.check(err, "settings")

	first := pc.portfolio()
	pc.sideWork(propOrigin, first)

	// Run dates: non-decreasing, from around the first start on.
	d := first.AddDays(pc.between(-15, 90))
	if d.Before(propOrigin) {
		d = propOrigin
	}
	runs := pc.between(1, 6)
	for i := range runs {
		if i > 0 {
			switch {
			case pc.chance(0.2): // same date again
			case pc.chance(0.6):
				d = d.AddDays(pc.between(1, 45))
			default:
				d = d.AddDays(pc.between(46, 200))
			}
			pc.r.now = propClock(d)
			pc.events(d)
		}
		pc.r.now = propClock(d)
		pc.billAndCheck(d)
		if pc.chance(0.3) {
			pc.pay(d)
		}
		if pc.chance(0.35) {
			pc.voidAndRerun(d)
		}
	}
}

// portfolio creates 1-3 clients with contracts and returns the earliest contract start.
func (pc *propCase) portfolio() psa.Date {
	first := propOrigin.AddDays(pc.between(0, 729))
	n := pc.between(1, 3)
	for i := range n {
		cur := "USD"
		switch x := pc.rng.IntN(10); {
		case x >= 9:
			cur = "JPY"
		case x >= 7:
			cur = "EUR"
		}
		pcl := &propClient{cur: cur}
		name := fmt.Sprintf("Client %d", i+1)
		if pc.chance(0.1) {
			pcl.bare = true
			pcl.c = pc.r.client(pc.t, name, "", psa.ClientID{})
			pc.step("client %q without billing information", name)
			pc.clients = append(pc.clients, pcl)
			continue
		}
		pcl.c = pc.r.client(pc.t, name, cur, psa.ClientID{})
		pc.step("client %q (%s) %s", name, cur, pcl.c.ID)
		if pc.chance(0.3) {
			sub := pc.r.client(pc.t, name+" Branch", "", pcl.c.ID)
			pcl.sub = &sub
			pc.step("  sub-organization %q billed to it %s", sub.Name, sub.ID)
		}
		pc.clients = append(pc.clients, pcl)
		for range pc.between(0, 2) {
			start := pc.recurringContract(pcl)
			if start.Before(first) {
				first = start
			}
		}
		if pc.chance(0.3) {
			start := pc.tmContract(pcl)
			if start.Before(first) {
				first = start
			}
		}
		if pc.chance(0.1) {
			start := pc.fixedPriceContract(pcl)
			if start.Before(first) {
				first = start
			}
		}
		if pc.chance(0.2) {
			start := pc.retainerContract(pcl)
			if start.Before(first) {
				first = start
			}
		}
	}
	return first
}

func (pc *propCase) pickOrg(c *propClient) client.Client {
	orgs := c.orgs()
	return orgs[pc.rng.IntN(len(orgs))]
}

// anchor returns an anniversary anchor near start: the start itself, or a day 28-31.
func (pc *propCase) anchor(start psa.Date) psa.Date {
	if pc.chance(0.3) {
		return psa.Date{}
	}
	day := pc.between(28, 31)
	for {
		m := start.AddMonths(pc.between(-3, 3))
		if psa.DaysIn(m.Year(), m.Month()) >= day {
			return psa.NewDate(m.Year(), m.Month(), day)
		}
	}
}

func (pc *propCase) recurringContract(c *propClient) psa.Date {
	org := pc.pickOrg(c)
	start := propOrigin.AddDays(pc.between(0, 729))
	terms := contract.Terms{Name: fmt.Sprintf("Managed services %d", len(pc.contracts)+1), Type: contract.Recurring, Start: start,
		Schedule: contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar}, Timing: contract.InAdvance}
	switch x := pc.rng.IntN(20); {
	case x >= 18:
		terms.Schedule.Cycle = contract.Annual
	case x >= 16:
		terms.Schedule.Cycle = contract.SemiAnnual
	case x >= 9:
		terms.Schedule.Cycle = contract.Quarterly
	}
	if pc.chance(0.5) {
		terms.Schedule.Alignment = contract.AlignAnniversary
		terms.Schedule.Anchor = pc.anchor(start)
	}
	if pc.chance(0.5) {
		terms.Timing = contract.InArrears
	}
	if pc.chance(0.15) {
		terms.DayCount = contract.Thirty360
	}
	if pc.chance(0.2) {
		terms.Rounding = psa.RoundHalfEven
	}
	if pc.chance(0.3) {
		terms.End = start.AddDays(pc.between(20, 700))
		terms.Renewal.Auto = pc.chance(0.3)
	}
	if pc.chance(0.4) {
		terms.SetupFee = pc.price(c.cur, 500)
	}
	if pc.chance(0.15) {
		terms.BillingPrice = pc.price(c.cur, 300)
	}
	switch x := pc.rng.IntN(10); {
	case x >= 8:
		terms.PONumber = "PO-B"
	case x >= 6:
		terms.PONumber = "PO-A"
	}
	if pc.chance(0.15) {
		terms.PaymentTerms, _ = psa.NetDays(30)
	}
	var parts []contract.NewPart
	for i := range pc.between(1, 3) {
		np := contract.NewPart{Description: fmt.Sprintf("Part %d", i+1), UnitKind: contract.UnitDevice, UnitPrice: pc.price(c.cur, 200),
			Quantity: decimal.NewFromInt(int64(pc.between(0, 20)))}
		if pc.chance(0.1) {
			np.Quantity = np.Quantity.Add(decimal.RequireFromString("0.5"))
		}
		if pc.chance(0.1) {
			np.DiscountPercent = decimal.NewFromInt(int64(pc.between(5, 50)))
		}
		if pc.chance(0.05) {
			np.Trial = true
		}
		if pc.chance(0.3) {
			np.Start = start.AddDays(pc.between(1, 120))
			if !terms.End.IsZero() && np.Start.After(terms.End) {
				np.Start = terms.End
			}
		}
		if pc.chance(0.15) {
			from := start
			if !np.Start.IsZero() {
				from = np.Start
			}
			np.End = from.AddDays(pc.between(0, 300))
			if !terms.End.IsZero() && np.End.After(terms.End) {
				np.End = terms.End
			}
		}
		parts = append(parts, np)
	}
	k, ps, err := pc.r.contracts.Create(pc.ctx, contract.NewContract{ClientID: org.ID, Terms: terms, Parts: parts})
	pc.check(err, "create contract")
	pk := &propContract{id: k.ID, org: org, billTo: c}
	pc.step("recurring contract %s for %q: start %s end %s, %s %s anchor %s, %s, day count %q, rounding %s, setup %s, billing price %s, PO %q, terms %v",
		k.ID, org.Name, k.Start, k.End, k.Schedule.Cycle, k.Schedule.Alignment, k.Schedule.Anchor, k.Timing, k.DayCount, k.Rounding,
		k.SetupFee, k.BillingPrice, k.PONumber, k.PaymentTerms)
	for _, p := range ps {
		pk.parts = append(pk.parts, p.ID)
		pc.step("  part %s: %s x %s, discount %s%%, trial %v, %s..%s", p.ID, p.Quantities[0].Quantity, p.UnitPrice, p.DiscountPercent, p.Trial, p.Start, p.End)
	}
	pc.contracts = append(pc.contracts, pk)
	// Quantity changes planned at creation (today is the origin, before every start).
	for range pc.between(0, 2) {
		pc.changeQuantity(pk)
	}
	return start
}

func (pc *propCase) tmContract(c *propClient) psa.Date {
	org := pc.pickOrg(c)
	start := propOrigin.AddDays(pc.between(0, 729))
	terms := contract.Terms{Name: fmt.Sprintf("Break/fix %d", len(pc.contracts)+1), Type: contract.TimeAndMaterials, Start: start}
	if pc.chance(0.6) {
		terms.Cap = pc.price(c.cur, 600)
	}
	if pc.chance(0.3) {
		terms.Schedule = contract.Schedule{Cycle: contract.Quarterly, Alignment: contract.AlignCalendar}
	}
	if pc.chance(0.3) {
		terms.PONumber = "PO-TM"
	}
	if pc.chance(0.2) {
		terms.Rounding = psa.RoundHalfEven
	}
	k, _, err := pc.r.contracts.Create(pc.ctx, contract.NewContract{ClientID: org.ID, Terms: terms})
	pc.check(err, "create T&M contract")
	pc.step("T&M contract %s for %q: start %s, cap %s, PO %q", k.ID, org.Name, k.Start, k.Cap, k.PONumber)
	pc.contracts = append(pc.contracts, &propContract{id: k.ID, org: org, billTo: c})
	return start
}

func (pc *propCase) fixedPriceContract(c *propClient) psa.Date {
	org := pc.pickOrg(c)
	start := propOrigin.AddDays(pc.between(0, 729))
	terms := contract.Terms{Name: fmt.Sprintf("Project %d", len(pc.contracts)+1), Type: contract.FixedPrice, Start: start,
		BillAmount: pc.price(c.cur, 5000)}
	if pc.chance(0.3) {
		terms.SetupFee = pc.price(c.cur, 200)
	}
	if pc.chance(0.3) {
		terms.PONumber = "PO-A"
	}
	k, _, err := pc.r.contracts.Create(pc.ctx, contract.NewContract{ClientID: org.ID, Terms: terms})
	pc.check(err, "create fixed-price contract")
	pc.step("fixed-price contract %s for %q: start %s, amount %s, setup %s, PO %q", k.ID, org.Name, k.Start, k.BillAmount, k.SetupFee, k.PONumber)
	pc.contracts = append(pc.contracts, &propContract{id: k.ID, org: org, billTo: c})
	return start
}

func (pc *propCase) getContract(id psa.ContractID) contract.Contract {
	k, err := pc.r.contracts.Get(pc.ctx, id)
	pc.check(err, "get contract")
	return k
}

// changeQuantity changes the quantity of a random part of k: from today or later (accepted),
// or sometimes from an earlier day (accepted unless it edits invoiced service).
func (pc *propCase) changeQuantity(pk *propContract) {
	if len(pk.parts) == 0 {
		return
	}
	k := pc.getContract(pk.id)
	parts, err := pc.r.contracts.Parts(pc.ctx, k.ID)
	pc.check(err, "parts")
	p := parts[pc.rng.IntN(len(parts))]
	served := p.Served(k)
	today := psa.DateOf(pc.r.now)
	from := today.AddDays(pc.between(0, 60))
	past := false
	if pc.chance(0.15) && served.Start.Before(today) {
		from, past = served.Start.AddDays(pc.rng.IntN(psa.DaysBetween(served.Start, today))), true
	}
	if from.Before(served.Start) {
		from = served.Start.AddDays(pc.between(0, 45))
	}
	if !served.End.IsZero() && !from.Before(served.End) {
		return
	}
	q := decimal.NewFromInt(int64(pc.between(0, 25)))
	_, err = pc.r.contracts.ChangeQuantity(pc.ctx, p.ID, p.Version, from, q)
	refused := past && !p.BilledThrough.IsZero() && from.Before(p.BilledThrough)
	pc.step("today %s: quantity of part %s -> %s from %s (billed through %s): %v", today, p.ID, q, from, p.BilledThrough, err)
	if refused {
		if _, ok := errors.AsType[*contract.BilledHistoryError](err); !ok {
			pc.failf("quantity change of part %s from %s before today %s, billed through %s: want *contract.BilledHistoryError, got %v",
				p.ID, from, today, p.BilledThrough, err)
		}
		return
	}
	pc.check(err, "quantity change")
}

// sideWork logs time (approving most of it) and records sales items around day d.
// retainerContract creates a monthly retainer by hours or by amount for an organization of c.
func (pc *propCase) retainerContract(c *propClient) psa.Date {
	org := pc.pickOrg(c)
	start := propOrigin.AddDays(pc.between(0, 729))
	terms := contract.Terms{Name: fmt.Sprintf("Retainer %d", len(pc.contracts)+1), Type: contract.RetainerAmount, Start: start,
		Schedule: contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar}, BillingPrice: pc.price(c.cur, 800),
		Rollover: pc.chance(0.5)}
	if pc.chance(0.5) {
		terms.Type = contract.RetainerHours
		terms.Hours = decimal.NewFromInt(int64(pc.between(1, 8))).Div(decimal.NewFromInt(2))
		if pc.chance(0.5) {
			terms.OverageRate = pc.price(c.cur, 250)
		}
	}
	if pc.chance(0.2) {
		terms.Rounding = psa.RoundHalfEven
	}
	k, _, err := pc.r.contracts.Create(pc.ctx, contract.NewContract{ClientID: org.ID, Terms: terms})
	pc.check(err, "create retainer")
	pc.step("%s contract %s for %q: start %s, hours %s, funding %s, overage %s, rollover %v", k.Type, k.ID, org.Name, k.Start, k.Hours, k.BillingPrice, k.OverageRate, k.Rollover)
	pc.contracts = append(pc.contracts, &propContract{id: k.ID, org: org, billTo: c})
	return start
}

func (pc *propCase) sideWork(today, around psa.Date) {
	var billed []*propClient
	for _, c := range pc.clients {
		if !c.bare {
			billed = append(billed, c)
		}
	}
	if len(billed) == 0 {
		return
	}
	for range pc.between(0, 3) {
		c := billed[pc.rng.IntN(len(billed))]
		org := pc.pickOrg(c)
		w := servicedesk.Work{ClientID: org.ID, StaffID: psa.StaffID{UUID: c.c.ID.UUID}, Role: "technician",
			Date: around.AddDays(pc.between(-30, 10)), Duration: time.Duration(pc.between(1, 16)) * 15 * time.Minute, Billable: pc.chance(0.85)}
		// Against a contract of the organization sometimes (T&M or recurring).
		var mine []*propContract
		for _, k := range pc.contracts {
			if k.org.ID == org.ID {
				mine = append(mine, k)
			}
		}
		if len(mine) > 0 && pc.chance(0.6) {
			w.ContractID = mine[pc.rng.IntN(len(mine))].id
		}
		e, err := pc.r.desk.LogTime(pc.ctx, w)
		pc.check(err, "log time")
		pc.entries = append(pc.entries, e.ID)
		approve := pc.chance(0.75)
		pc.step("today %s: time %s for %q on %s, %v, billable %v, contract %s, approved %v", today, e.ID, org.Name, w.Date, w.Duration, w.Billable, w.ContractID, approve)
		if approve {
			_, err := pc.r.desk.Approve(pc.ctx, e.ID)
			pc.check(err, "approve")
		}
	}
	for range pc.between(0, 2) {
		c := billed[pc.rng.IntN(len(billed))]
		org := pc.pickOrg(c)
		it := billing.Item{Description: "Hardware", Quantity: decimal.NewFromInt(int64(pc.between(1, 5))), UnitPrice: pc.price(c.cur, 900),
			Date: around.AddDays(pc.between(-20, 20))}
		if pc.chance(0.1) {
			it.Quantity = decimal.RequireFromString("1.5")
		}
		if pc.chance(0.25) {
			it.PONumber = "PO-A"
		}
		si, err := pc.r.billing.CreateSalesItem(pc.ctx, org.ID, it)
		pc.check(err, "sales item")
		pc.items = append(pc.items, si.ID)
		pc.step("today %s: sales item %s for %q on %s: %s x %s, PO %q", today, si.ID, org.Name, it.Date, it.Quantity, it.UnitPrice, it.PONumber)
	}
}

// events happen on day d before its run: quantity changes, time, sales items, an early end.
func (pc *propCase) events(d psa.Date) {
	for _, k := range pc.contracts {
		if len(k.parts) > 0 && pc.chance(0.35) {
			pc.changeQuantity(k)
		}
	}
	if pc.chance(0.6) {
		pc.sideWork(d, d)
	}
	pc.extendOrExpire(d)
	if pc.chance(0.2) {
		var live []*propContract
		for _, k := range pc.contracts {
			if !k.terminated && len(k.parts) > 0 {
				live = append(live, k)
			}
		}
		if len(live) > 0 {
			pk := live[pc.rng.IntN(len(live))]
			k := pc.getContract(pk.id)
			last := d.AddDays(pc.between(-60, 90))
			if last.Before(k.Start) {
				last = k.Start.AddDays(pc.between(0, 20))
			}
			if !k.End.IsZero() && last.After(k.End) {
				last = k.End
			}
			_, err := pc.r.contracts.Terminate(pc.ctx, k.ID, k.Version, last)
			pc.step("today %s: terminate contract %s, last day %s: %v", d, k.ID, last, err)
			pc.check(err, "terminate")
			pk.terminated = true
		}
	}
}

// extendOrExpire sometimes extends a contract that has an end (UpdateTerms) and sometimes
// processes ended contracts (ExpireEnded: auto-renewing ones are renewed, the rest expire).
func (pc *propCase) extendOrExpire(d psa.Date) {
	if pc.chance(0.1) {
		var ending []*propContract
		for _, k := range pc.contracts {
			if len(k.parts) > 0 {
				ending = append(ending, k)
			}
		}
		if len(ending) > 0 {
			k := pc.getContract(ending[pc.rng.IntN(len(ending))].id)
			if !k.End.IsZero() {
				terms := k.Terms
				terms.End = k.End.AddDays(pc.between(1, 120))
				// Terminate leaves the parts' own dates as they were; the new end must cover them.
				parts, err := pc.r.contracts.Parts(pc.ctx, k.ID)
				pc.check(err, "parts")
				for _, p := range parts {
					if terms.End.Before(p.End) {
						terms.End = p.End
					}
					if terms.End.Before(p.Start) {
						terms.End = p.Start
					}
				}
				if !terms.Renewal.Auto && pc.chance(0.3) {
					terms.End = psa.Date{}
				}
				_, err = pc.r.contracts.UpdateTerms(pc.ctx, k.ID, k.Version, terms)
				pc.step("today %s: extend contract %s: end %s -> %s: %v", d, k.ID, k.End, terms.End, err)
				pc.check(err, "extend")
			}
		}
	}
	if pc.chance(0.25) {
		expired, err := pc.r.contracts.ExpireEnded(pc.ctx)
		pc.check(err, "expire ended")
		for _, k := range expired {
			pc.step("today %s: contract %s expired (end %s)", d, k.ID, k.End)
		}
	}
}

// bill runs billing on asOf and requires that no client failed.
func (pc *propCase) bill(asOf psa.Date, preview bool) billing.Run {
	run, err := pc.r.billing.Bill(pc.ctx, billing.RunOptions{AsOf: asOf, Scheme: pc.r.scheme.ID, Preview: preview})
	pc.check(err, "billing run "+asOf.String())
	for _, c := range run.Clients {
		if c.Err != nil {
			pc.failf("billing run %s (preview %v): client %q failed: %v", asOf, preview, c.Name, c.Err)
		}
	}
	return run
}

func propDescribeRun(run billing.Run) string {
	var b strings.Builder
	for _, inv := range run.Invoices() {
		fmt.Fprintf(&b, "\n    invoice %s %s PO %q net %s tax %s", inv.Number, inv.ID, inv.PONumber, inv.Totals.Net, inv.Totals.Tax)
		for _, l := range inv.Lines {
			fmt.Fprintf(&b, "\n      %s [%s %s] %s", l.Description, l.Source.Kind, l.Source.ID, l.Amount)
		}
	}
	return b.String()
}

// billAndCheck runs billing on asOf (after a preview sometimes) and checks every property.
func (pc *propCase) billAndCheck(asOf psa.Date) {
	var preview billing.Run
	withPreview := pc.chance(0.3)
	if withPreview {
		preview = pc.bill(asOf, true)
	}
	run := pc.bill(asOf, false)
	pc.runs++
	pc.asOf = asOf
	pc.step("run %d on %s: %d invoice(s)%s", pc.runs, asOf, len(run.Invoices()), propDescribeRun(run))
	if withPreview {
		pc.samePreview(preview, run)
	}
	snap := pc.snapshot()
	for _, inv := range run.Invoices() {
		stored, ok := snap.byID[inv.ID]
		switch {
		case !ok:
			pc.failf("run %s returned invoice %s, which is not stored", asOf, inv.ID)
		case inv.Status != invoice.StatusFinalized || inv.Number == "" || inv.Date != asOf:
			pc.failf("run %s created invoice %s in status %s, number %q, dated %s", asOf, inv.ID, inv.Status, inv.Number, inv.Date)
		case stored.Number != inv.Number || !stored.Totals.Total.Equal(inv.Totals.Total):
			pc.failf("run %s returned invoice %s (%s, %s), stored as (%s, %s)", asOf, inv.ID, inv.Number, inv.Totals.Total, stored.Number, stored.Totals.Total)
		}
	}
	pc.checkAll(snap)
	again := pc.bill(asOf, false)
	if n := len(again.Invoices()); n > 0 {
		pc.failf("a rerun on %s created %d invoice(s):%s", asOf, n, propDescribeRun(again))
	}
}

// samePreview requires that a preview showed the invoices the run then created, numbers
// included, line by line.
func (pc *propCase) samePreview(preview, run billing.Run) {
	p, r := preview.Invoices(), run.Invoices()
	if len(p) != len(r) {
		pc.failf("preview on %s showed %d invoice(s), the run created %d:%s\n  run:%s", run.AsOf, len(p), len(r), propDescribeRun(preview), propDescribeRun(run))
	}
	for i := range p {
		same := p[i].Number == r[i].Number && p[i].ClientID == r[i].ClientID && p[i].PONumber == r[i].PONumber && p[i].Totals.Total.Equal(r[i].Totals.Total) && len(p[i].Lines) == len(r[i].Lines)
		for j := 0; same && j < len(p[i].Lines); j++ {
			same = p[i].Lines[j].Source == r[i].Lines[j].Source && p[i].Lines[j].Amount.Equal(r[i].Lines[j].Amount)
		}
		if !same {
			pc.failf("preview on %s showed invoice %s total %s (%d lines), the run created %s total %s (%d lines)", run.AsOf,
				p[i].Number, p[i].Totals.Total, len(p[i].Lines), r[i].Number, r[i].Totals.Total, len(r[i].Lines))
		}
	}
}

// pay pays some open invoices, in full or in part.
func (pc *propCase) pay(d psa.Date) {
	snap := pc.snapshot()
	for _, inv := range snap.invoices {
		due := inv.AmountDue()
		if (inv.Status != invoice.StatusFinalized && inv.Status != invoice.StatusPartiallyPaid) || due.Sign() <= 0 || !pc.chance(0.5) {
			continue
		}
		amount := due
		if pc.chance(0.3) {
			units, err := due.MinorUnits()
			pc.check(err, "minor units")
			if units > 1 {
				amount = propMoney(units/2, inv.Currency.String())
			}
		}
		_, _, err := pc.r.invoices.Pay(pc.ctx, inv.ID, inv.Version, invoice.Payment{Date: d, Amount: amount})
		pc.step("pay %s of invoice %s: %v", amount, inv.Number, err)
		pc.check(err, "pay")
	}
}

// voidAndRerun voids one invoice (a paid one is refused), reruns the same date and checks that
// the voided invoice kept its number and what it billed was billed again.
func (pc *propCase) voidAndRerun(d psa.Date) {
	snap := pc.snapshot()
	var candidates []invoice.Invoice
	for _, inv := range snap.invoices {
		if inv.Status != invoice.StatusVoid {
			candidates = append(candidates, inv)
		}
	}
	if len(candidates) == 0 {
		return
	}
	v := candidates[pc.rng.IntN(len(candidates))]
	out, err := pc.r.billing.Void(pc.ctx, v.ID, v.Version, "property test")
	pc.step("void invoice %s (%s, %d payment(s)): %v", v.Number, v.Status, len(v.Payments), err)
	if len(v.Payments) > 0 {
		if _, ok := errors.AsType[*invoice.StateError](err); !ok {
			pc.failf("voiding invoice %s with payments: want *invoice.StateError, got %v", v.Number, err)
		}
		return
	}
	pc.check(err, "void")
	if out.Status != invoice.StatusVoid || out.Number != v.Number {
		pc.failf("voided invoice %s: status %s number %q", v.Number, out.Status, out.Number)
	}
	run := pc.bill(d, false)
	pc.runs++
	pc.step("run %d on %s after the void: %d invoice(s)%s", pc.runs, d, len(run.Invoices()), propDescribeRun(run))
	after := pc.snapshot()
	if got := after.byID[v.ID]; got.Status != invoice.StatusVoid || got.Number != v.Number {
		pc.failf("voided invoice %s is stored with status %s number %q", v.Number, got.Status, got.Number)
	}
	if len(v.Lines) > 0 && len(run.Invoices()) == 0 {
		pc.failf("the run after voiding invoice %s (%d lines) billed nothing again", v.Number, len(v.Lines))
	}
	pc.checkAll(after)
	// What the voided invoice billed once (time, sales items, setup fees, fixed prices) is billed
	// again by a live invoice; its (part, period) charges are covered by recompute and diff.
	rebilled := map[invoice.Source]bool{}
	for _, inv := range after.invoices {
		if propLive(inv) {
			for _, l := range inv.Lines {
				rebilled[l.Source] = true
			}
		}
	}
	for _, l := range v.Lines {
		switch l.Source.Kind {
		case "time entry", "sales item", "setup fee", "fixed price":
			if !rebilled[l.Source] {
				pc.failf("voided invoice %s billed %s %s (%q); the run after the void did not bill it again", v.Number, l.Source.Kind, l.Source.ID, l.Description)
			}
		}
	}
	again := pc.bill(d, false)
	if n := len(again.Invoices()); n > 0 {
		pc.failf("a rerun on %s after the void created %d invoice(s):%s", d, n, propDescribeRun(again))
	}
}

// propSnapshot is everything billing wrote, read in one transaction.
type propSnapshot struct {
	clients   map[psa.ClientID]client.Client
	invoices  []invoice.Invoice
	byID      map[psa.InvoiceID]invoice.Invoice
	claims    map[psa.InvoiceID][]billing.Claim
	entries   []servicedesk.TimeEntry
	items     []billing.SalesItem
	contracts []contract.Contract
	parts     map[psa.ContractID][]contract.Part
	scheme    invoice.Scheme
}

func (pc *propCase) snapshot() propSnapshot {
	s := propSnapshot{clients: map[psa.ClientID]client.Client{}, byID: map[psa.InvoiceID]invoice.Invoice{},
		claims: map[psa.InvoiceID][]billing.Claim{}, parts: map[psa.ContractID][]contract.Part{}}
	err := memstore.Runner[billing.Tx](pc.r.store)(pc.ctx, func(ctx context.Context, tx billing.Tx) error {
		clients, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error) {
			return tx.ListClients(ctx, p)
		})
		if err != nil {
			return err
		}
		for _, c := range clients {
			s.clients[c.ID] = c
			invs, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
				return tx.ListInvoices(ctx, c.ID, p)
			})
			if err != nil {
				return err
			}
			for _, inv := range invs {
				s.invoices = append(s.invoices, inv)
				s.byID[inv.ID] = inv
				if s.claims[inv.ID], err = tx.ListInvoiceClaims(ctx, inv.ID); err != nil {
					return err
				}
			}
			entries, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
				return tx.ListTimeEntries(ctx, c.ID, p)
			})
			if err != nil {
				return err
			}
			s.entries = append(s.entries, entries...)
			items, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[billing.SalesItem], error) {
				return tx.ListSalesItems(ctx, c.ID, p)
			})
			if err != nil {
				return err
			}
			s.items = append(s.items, items...)
			ks, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Contract], error) {
				return tx.ListContracts(ctx, c.ID, p)
			})
			if err != nil {
				return err
			}
			for _, k := range ks {
				s.contracts = append(s.contracts, k)
				if s.parts[k.ID], err = psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Part], error) {
					return tx.ListParts(ctx, k.ID, p)
				}); err != nil {
					return err
				}
			}
		}
		s.scheme, err = tx.GetScheme(ctx, pc.r.scheme.ID)
		return err
	})
	pc.check(err, "snapshot")
	return s
}

// billTo returns the bill-to client of c.
func (s propSnapshot) billTo(c client.Client) client.Client {
	if c.BillToParent && c.HasParent() {
		return s.billTo(s.clients[c.ParentID])
	}
	return c
}

func propLive(inv invoice.Invoice) bool { return inv.Status != invoice.StatusVoid }

type propLine struct {
	inv  invoice.Invoice
	line invoice.Line
}

// checkAll checks every property on snap as of the last run date.
func (pc *propCase) checkAll(snap propSnapshot) {
	asOf := pc.asOf
	contracts := map[psa.ContractID]contract.Contract{}
	for _, k := range snap.contracts {
		contracts[k.ID] = k
	}
	lines := map[invoice.Source][]propLine{} // live lines by source
	sums := map[invoice.Source]psa.Money{}
	for _, inv := range snap.invoices {
		pc.checkInvoice(snap, inv, contracts)
		if !propLive(inv) {
			continue
		}
		for _, l := range inv.Lines {
			lines[l.Source] = append(lines[l.Source], propLine{inv, l})
			sum, ok := sums[l.Source]
			if !ok {
				sum = psa.ZeroMoney(inv.Currency)
			}
			var err error
			sums[l.Source], err = sum.Add(l.Amount)
			pc.check(err, "sum lines")
		}
	}
	pc.checkNumbers(snap)
	seen := map[invoice.Source]bool{}

	// What live claims consumed of prepaid contracts, by contract.
	consumed := map[psa.ContractID][]contract.Use{}
	for _, inv := range snap.invoices {
		if !propLive(inv) {
			continue
		}
		for _, c := range snap.claims[inv.ID] {
			if c.Consumed != nil {
				consumed[c.Consumed.ContractID] = append(consumed[c.Consumed.ContractID], c.Consumed.Use)
			}
		}
	}
	pc.checkConsumption(contracts, consumed)

	// Time entries: billed at most once, billed exactly when billable, on the invoice they name.
	for _, e := range snap.entries {
		src := invoice.Source{Kind: "time entry", ID: e.ID.String()}
		seen[src] = true
		ls := lines[src]
		if len(ls) > 1 {
			pc.failf("time entry %s is billed twice: on %s and %s", e.ID, ls[0].inv.Number, ls[1].inv.Number)
		}
		var k *contract.Contract
		if !psa.IsNil(e.ContractID) {
			c := contracts[e.ContractID]
			k = &c
		}
		billTo := snap.billTo(snap.clients[e.ClientID])
		retainer := k != nil && (k.Type == contract.RetainerHours || k.Type == contract.RetainerAmount)
		billable := (e.Status == servicedesk.EntryApproved || e.Status == servicedesk.EntryBilled) && e.Billable &&
			(k == nil || k.Type == contract.TimeAndMaterials || retainer) && !e.Date.After(asOf) && len(billTo.Billing.Missing()) == 0
		switch {
		case e.Status == servicedesk.EntryBilled:
			if len(ls) != 1 || ls[0].inv.ID != e.InvoiceID {
				pc.failf("time entry %s is billed on invoice %s, but %d live line(s) bill it", e.ID, e.InvoiceID, len(ls))
			}
			if !billable {
				pc.failf("time entry %s (billable %v, contract %v, on %s) is billed", e.ID, e.Billable, e.ContractID, e.Date)
			}
			rounding := psa.RoundHalfUp
			if k != nil {
				rounding = k.Rounding
			}
			want, err := e.Value(rounding)
			pc.check(err, "time value")
			if retainer {
				want = pc.beyondRetainer(snap, *k, e, ls[0], consumed)
			}
			if !ls[0].line.Amount.Equal(want) {
				pc.failf("time entry %s worth %s is billed %s on %s", e.ID, want, ls[0].line.Amount, ls[0].inv.Number)
			}
		case len(ls) > 0:
			pc.failf("time entry %s in status %s (invoice %s) is billed on live invoice %s", e.ID, e.Status, e.InvoiceID, ls[0].inv.Number)
		case !psa.IsNil(e.InvoiceID):
			pc.failf("time entry %s in status %s names invoice %s", e.ID, e.Status, e.InvoiceID)
		case billable:
			pc.failf("time entry %s (approved, billable, on %s, contract %v) is not billed by the run on %s", e.ID, e.Date, e.ContractID, asOf)
		}
	}

	// Sales items: the same.
	for _, it := range snap.items {
		src := invoice.Source{Kind: "sales item", ID: it.ID.String()}
		seen[src] = true
		ls := lines[src]
		switch {
		case len(ls) > 1:
			pc.failf("sales item %s is billed twice: on %s and %s", it.ID, ls[0].inv.Number, ls[1].inv.Number)
		case it.Billed():
			if len(ls) != 1 || ls[0].inv.ID != it.InvoiceID {
				pc.failf("sales item %s names invoice %s, but %d live line(s) bill it", it.ID, it.InvoiceID, len(ls))
			}
			if want := it.Amount(psa.RoundHalfUp); !ls[0].line.Amount.Equal(want) {
				pc.failf("sales item %s worth %s is billed %s", it.ID, want, ls[0].line.Amount)
			}
		case len(ls) > 0:
			pc.failf("sales item %s is not marked billed but live invoice %s bills it", it.ID, ls[0].inv.Number)
		case !it.Date.After(asOf):
			pc.failf("sales item %s of %s is not billed by the run on %s", it.ID, it.Date, asOf)
		}
	}

	// Contracts: setup fees once; recompute and diff for every (part, period).
	for _, k := range snap.contracts {
		started := !k.Start.After(asOf) && (k.Status == contract.StatusActive || k.Status == contract.StatusExpired)
		fee := invoice.Source{Kind: "setup fee", ID: k.ID.String()}
		seen[fee] = true
		ls := lines[fee]
		wantFee := started && k.SetupFee.Currency() == k.Currency && !k.SetupFee.IsZero()
		switch {
		case wantFee && (len(ls) != 1 || !ls[0].line.Amount.Equal(k.SetupFee.Round(k.Rounding))):
			pc.failf("contract %s: setup fee %s is billed on %d live line(s) %v by %s", k.ID, k.SetupFee, len(ls), ls, asOf)
		case !wantFee && len(ls) > 0:
			pc.failf("contract %s (start %s) has its setup fee billed on %s before it is due", k.ID, k.Start, ls[0].inv.Number)
		}
		fixed := invoice.Source{Kind: "fixed price", ID: k.ID.String()}
		seen[fixed] = true
		ls = lines[fixed]
		wantFixed := started && k.Type == contract.FixedPrice && k.BillAmount.Currency() == k.Currency && !k.BillAmount.IsZero()
		billed := psa.ZeroMoney(k.Currency)
		switch {
		case wantFixed && (len(ls) != 1 || !ls[0].line.Amount.Equal(k.BillAmount.Round(k.Rounding))):
			pc.failf("contract %s: fixed price %s is billed on %d live line(s) %v by %s", k.ID, k.BillAmount, len(ls), propDescribeLines(ls), asOf)
		case wantFixed:
			billed = ls[0].line.Amount
		case len(ls) > 0:
			pc.failf("contract %s (%s, start %s) has a fixed price billed on %s", k.ID, k.Type, k.Start, ls[0].inv.Number)
		}
		if k.Type == contract.FixedPrice && !k.Billed.Equal(billed) {
			pc.failf("fixed-price contract %s: Billed is %s, its live fixed-price line bills %s", k.ID, k.Billed, billed)
		}
		parts := slices.Clone(snap.parts[k.ID])
		periodic := k.Type == contract.Recurring || k.Type == contract.RetainerAmount || k.Type == contract.RetainerHours
		if periodic && k.BillingPrice.Currency() == k.Currency && !k.BillingPrice.IsZero() {
			parts = append(parts, contract.Part{ID: psa.PartID{UUID: k.ID.UUID}, ContractID: k.ID, Description: k.Name, UnitPrice: k.BillingPrice,
				UnitKind: contract.UnitFixed, Start: k.Start, Quantities: []contract.Quantity{{From: k.Start, Quantity: decimal.NewFromInt(1)}}})
		}
		for _, p := range parts {
			want := map[invoice.Source]contract.ChargeResult{}
			served := p.Served(k)
			inService := served.End.IsZero() || served.Start.Before(served.End)
			if started && periodic && p.PriceSet() && inService {
				dues, err := k.Schedule.Due(served, k.Timing, psa.Date{}, asOf)
				pc.check(err, "due periods")
				for _, due := range dues {
					charge, err := contract.PartCharge(k, p, due)
					pc.check(err, "part charge")
					want[invoice.Source{Kind: "contract part", ID: p.ID.String() + "/" + due.Period.Start.String()}] = charge
				}
			}
			for src, charge := range want {
				seen[src] = true
				got, ok := sums[src]
				if !ok {
					got = psa.ZeroMoney(k.Currency)
				}
				if !got.Equal(charge.Amount) {
					pc.failf("recompute and diff: part %s (%s) of contract %s, period %s: live lines add up to %s, a fresh charge is %s\n%s\nlines: %v",
						p.ID, p.Description, k.ID, charge.Period, got, charge.Amount, charge.Explain(), propDescribeLines(lines[src]))
				}
			}
			prefix := p.ID.String() + "/"
			for src, sum := range sums {
				if src.Kind != "contract part" || !strings.HasPrefix(src.ID, prefix) || seen[src] {
					continue
				}
				seen[src] = true
				if !sum.IsZero() {
					pc.failf("recompute and diff: part %s (%s, service %s) of contract %s (%s, end %s): period %s is not due on %s (not in service), yet its live lines add up to %s: %v",
						p.ID, p.Description, served, k.ID, k.Timing, k.End, strings.TrimPrefix(src.ID, prefix), asOf, sum, propDescribeLines(lines[src]))
				}
			}
		}
	}

	pc.checkCaps(snap, contracts, lines, seen)

	// Every live line bills something known.
	for src, ls := range lines {
		if !seen[src] {
			pc.failf("live line %q on %s bills an unknown %s %s", ls[0].line.Description, ls[0].inv.Number, src.Kind, src.ID)
		}
	}
}

// beyondRetainer returns what time entry e under retainer k should be charged on line l: the
// part of it that its claim did not take from the allowance (none used when the claim records no
// consumption), at the overage rate or the entry's rate for a retainer by hours, at the entry's
// value for a retainer by amount. It fails the case when the claim uses more than the entry.
func (pc *propCase) beyondRetainer(snap propSnapshot, k contract.Contract, e servicedesk.TimeEntry, l propLine, consumed map[psa.ContractID][]contract.Use) psa.Money {
	var use contract.Use
	for _, c := range snap.claims[l.inv.ID] {
		if c.LineID == l.line.ID && c.Consumed != nil {
			use = c.Consumed.Use
			if c.Consumed.ContractID != k.ID {
				pc.failf("time entry %s under %s consumed contract %s", e.ID, k.ID, c.Consumed.ContractID)
			}
		}
	}
	if k.Type == contract.RetainerHours {
		if use.Time > e.BillableDuration {
			pc.failf("time entry %s of %v uses %v of retainer %s", e.ID, e.BillableDuration, use.Time, k.ID)
		}
		rate := e.Rate
		if k.OverageRate.Currency() == k.Currency && !k.OverageRate.IsZero() {
			rate = k.OverageRate
		}
		v, err := rate.Mul(decimal.NewFromInt(int64(e.BillableDuration-use.Time))).Quo(int64(time.Hour), k.Rounding)
		pc.check(err, "overage value")
		return v
	}
	value, err := e.Value(k.Rounding)
	pc.check(err, "time value")
	if use.Amount.IsZero() {
		return value
	}
	beyond, err := value.Sub(use.Amount)
	pc.check(err, "beyond the retainer")
	if beyond.Sign() < 0 {
		pc.failf("time entry %s worth %s uses %s of retainer %s", e.ID, value, use.Amount, k.ID)
	}
	return beyond
}

// checkConsumption checks the ledgers of prepaid contracts: each holds exactly what the live
// claims consumed, period by period, and no period uses more than its allowance (without
// rollover) and no use goes beyond the allowances granted up to its period (with rollover).
func (pc *propCase) checkConsumption(contracts map[psa.ContractID]contract.Contract, consumed map[psa.ContractID][]contract.Use) {
	for _, k := range contracts {
		if !k.Type.Prepaid() {
			continue
		}
		want := contract.Contract{Terms: k.Terms, Currency: k.Currency}
		for _, u := range consumed[k.ID] {
			pc.check(want.Record(u), "record")
		}
		if d := cmp.Diff(want.Usage, k.Usage); d != "" {
			pc.failf("retainer %s: ledger differs from its live claims (-claims +ledger):\n%s", k.ID, d)
		}
		grant := k.Allowance()
		var granted, used contract.Use
		granted.Amount, used.Amount = psa.ZeroMoney(k.Currency), psa.ZeroMoney(k.Currency)
		granted.Time = time.Duration(k.HoursCarried.Mul(decimal.NewFromInt(3600)).Round(0).IntPart()) * time.Second
		for p := range k.Schedule.Seq(psa.Period{Start: k.Start, End: pc.asOf.AddDays(1)}) {
			granted.Time += grant.Time
			granted.Amount, _ = granted.Amount.Add(grant.Amount)
			i := slices.IndexFunc(k.Usage, func(u contract.Use) bool { return u.Period == p.Start })
			if i < 0 {
				continue
			}
			u := k.Usage[i]
			used.Time += u.Time
			used.Amount, _ = used.Amount.Add(u.Amount)
			overTime, overAmount := u.Time > grant.Time, false
			if c, _ := u.Amount.Cmp(grant.Amount); c > 0 {
				overAmount = true
			}
			if k.Rollover {
				overTime = used.Time > granted.Time
				c, _ := used.Amount.Cmp(granted.Amount)
				overAmount = c > 0
			}
			if overTime || overAmount {
				pc.failf("retainer %s (rollover %v): period %s uses %v / %s, beyond what it may (granted %v / %s a period)", k.ID, k.Rollover, p, u.Time, u.Amount, grant.Time, grant.Amount)
			}
		}
	}
}

func propDescribeLines(ls []propLine) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%s: %s %q", l.inv.Number, l.line.Amount, l.line.Description))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// checkCaps checks that the live invoices charge a capped T&M contract's time at most its Cap
// per billing period (a period of its schedule, or the calendar month when it has none): the
// time billed for the period plus its cap lines ("<contract>/<period start>") come to the time
// or the cap, whichever is less.
func (pc *propCase) checkCaps(snap propSnapshot, contracts map[psa.ContractID]contract.Contract, lines map[invoice.Source][]propLine, seen map[invoice.Source]bool) {
	type periodKey struct {
		k     psa.ContractID
		start psa.Date
	}
	timeSums, capSums := map[periodKey]psa.Money{}, map[periodKey]psa.Money{}
	add := func(m map[periodKey]psa.Money, key periodKey, v psa.Money) {
		sum, ok := m[key]
		if !ok {
			sum = psa.ZeroMoney(v.Currency())
		}
		var err error
		m[key], err = sum.Add(v)
		pc.check(err, "cap sums")
	}
	for _, e := range snap.entries {
		k, ok := contracts[e.ContractID]
		ls := lines[invoice.Source{Kind: "time entry", ID: e.ID.String()}]
		if !ok || k.Cap.Currency() != k.Currency || k.Cap.IsZero() || len(ls) == 0 {
			continue
		}
		sched := k.Schedule
		if !sched.Cycle.Valid() {
			sched = contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar}
		}
		period, err := sched.PeriodOf(e.Date)
		pc.check(err, "cap period")
		key := periodKey{k.ID, period.Start}
		add(timeSums, key, ls[0].line.Amount)
		src := invoice.Source{Kind: "cap", ID: k.ID.String() + "/" + period.Start.String()}
		if !seen[src] {
			seen[src] = true
			for _, l := range lines[src] {
				add(capSums, key, l.line.Amount)
			}
		}
	}
	for key, sum := range timeSums {
		k := contracts[key.k]
		c, ok := capSums[key]
		if !ok {
			c = psa.ZeroMoney(k.Currency)
		}
		total, err := sum.Add(c)
		pc.check(err, "cap total")
		want := sum
		if cmp, _ := sum.Cmp(k.Cap); cmp > 0 {
			want = k.Cap
		}
		if !total.Equal(want) {
			pc.failf("contract %s, period from %s: live time lines %s with cap %s come to %s (cap lines %s: %s), want %s",
				k.ID, key.start, sum, k.Cap, total, c, propDescribeLines(lines[invoice.Source{Kind: "cap", ID: k.ID.String() + "/" + key.start.String()}]), want)
		}
	}
}

// propRate is the tax rate of the US-IL region of newRunEnv.
var propRate = decimal.RequireFromString("0.0625")

// checkInvoice checks one invoice's totals, claims, labels, PO number, payment terms and caps.
func (pc *propCase) checkInvoice(snap propSnapshot, inv invoice.Invoice, contracts map[psa.ContractID]contract.Contract) {
	tot := inv.Totals
	zero := psa.ZeroMoney(inv.Currency)
	sub, net, tax := zero, zero, zero
	if len(tot.Lines) != len(inv.Lines) {
		pc.failf("invoice %s has %d lines and %d line totals", inv.Number, len(inv.Lines), len(tot.Lines))
	}
	var err error
	for i, lt := range tot.Lines {
		if !lt.Gross.Equal(inv.Lines[i].Amount) {
			pc.failf("invoice %s line %d: gross %s, amount %s", inv.Number, i, lt.Gross, inv.Lines[i].Amount)
		}
		sub, err = sub.Add(lt.Gross)
		pc.check(err, "subtotal")
		net, err = net.Add(lt.Net)
		pc.check(err, "net")
		tax, err = tax.Add(lt.Tax)
		pc.check(err, "tax")
	}
	wantNet, err := tot.Subtotal.Sub(tot.Discount)
	pc.check(err, "net")
	wantTotal, err := wantNet.Add(tot.Tax)
	pc.check(err, "total")
	wantTax := tot.Net.Mul(propRate).Round(inv.Tax.Rounding)
	switch {
	case !sub.Equal(tot.Subtotal):
		pc.failf("invoice %s: lines' gross add up to %s, subtotal %s", inv.Number, sub, tot.Subtotal)
	case !wantNet.Equal(tot.Net):
		pc.failf("invoice %s: subtotal %s - discount %s != net %s", inv.Number, tot.Subtotal, tot.Discount, tot.Net)
	case !wantTotal.Equal(tot.Total):
		pc.failf("invoice %s: subtotal %s - discount %s + tax %s != total %s", inv.Number, tot.Subtotal, tot.Discount, tot.Tax, tot.Total)
	case !net.Equal(tot.Net):
		pc.failf("invoice %s: lines' net add up to %s, net %s", inv.Number, net, tot.Net)
	case !tax.Equal(tot.Tax):
		pc.failf("invoice %s: lines' tax add up to %s, tax %s", inv.Number, tax, tot.Tax)
	case !wantTax.Equal(tot.Tax):
		pc.failf("invoice %s: tax %s on net %s, want %s (6.25%%, rounded once)", inv.Number, tot.Tax, tot.Net, wantTax)
	}

	// Claims: one per line, with its amount, released exactly when the invoice is void.
	claims := snap.claims[inv.ID]
	if len(claims) != len(inv.Lines) {
		pc.failf("invoice %s has %d lines and %d claims", inv.Number, len(inv.Lines), len(claims))
	}
	byLine := map[psa.InvoiceLineID]billing.Claim{}
	for _, c := range claims {
		byLine[c.LineID] = c
	}
	for _, l := range inv.Lines {
		c, ok := byLine[l.ID]
		switch {
		case !ok:
			pc.failf("invoice %s line %q has no claim", inv.Number, l.Description)
		case !c.Amount.Equal(l.Amount):
			pc.failf("invoice %s line %q: amount %s, claimed %s", inv.Number, l.Description, l.Amount, c.Amount)
		case c.Released == propLive(inv):
			pc.failf("invoice %s (%s) line %q: claim released %v", inv.Number, inv.Status, l.Description, c.Released)
		}
	}

	// Labels, PO numbers and payment terms.
	for _, l := range inv.Lines {
		org := snap.clients[l.ClientID]
		if snap.billTo(org).ID != inv.ClientID {
			pc.failf("invoice %s of client %s bills line %q of client %s", inv.Number, inv.ClientID, l.Description, l.ClientID)
		}
		if wantOrg := map[bool]string{true: "", false: org.Name}[org.ID == inv.ClientID]; l.Organization != wantOrg {
			pc.failf("invoice %s line %q is labelled %q, want %q", inv.Number, l.Description, l.Organization, wantOrg)
		}
		po, kid := "", psa.ContractID{}
		switch l.Source.Kind {
		case "contract part", "cap":
			id, err := psa.ParseID[psa.ContractID]("source", strings.Split(l.Source.ID, "/")[0])
			if err == nil {
				if _, ok := contracts[id]; ok { // the contract's fee line
					kid = id
				}
			}
			if psa.IsNil(kid) {
				for _, k := range snap.contracts {
					for _, p := range snap.parts[k.ID] {
						if strings.HasPrefix(l.Source.ID, p.ID.String()+"/") {
							kid = k.ID
						}
					}
				}
			}
		case "setup fee", "fixed price":
			kid, _ = psa.ParseID[psa.ContractID]("source", l.Source.ID)
		case "time entry":
			for _, e := range snap.entries {
				if e.ID.String() == l.Source.ID {
					kid = e.ContractID
				}
			}
		case "sales item":
			for _, it := range snap.items {
				if it.ID.String() == l.Source.ID {
					po = it.PONumber
				}
			}
		}
		terms := snap.clients[inv.ClientID].Billing.PaymentTerms
		if !psa.IsNil(kid) {
			po = contracts[kid].PONumber
			if k := contracts[kid]; !k.PaymentTerms.IsZero() {
				terms = k.PaymentTerms
			}
		}
		if due := terms.DueDate(inv.Date); due != inv.DueDate {
			pc.failf("invoice %s dated %s, due %s, bills line %q whose terms %v make it due %s", inv.Number, inv.Date, inv.DueDate, l.Description, terms, due)
		}
		if po != inv.PONumber {
			pc.failf("invoice %s (PO %q) bills line %q of PO %q", inv.Number, inv.PONumber, l.Description, po)
		}
	}
}

// checkNumbers checks that the scheme's numbers are unique and gapless from the first.
func (pc *propCase) checkNumbers(snap propSnapshot) {
	seqs := map[int64]string{}
	for _, inv := range snap.invoices {
		if inv.Kind != invoice.InvoiceNumbers {
			continue
		}
		prefix := fmt.Sprintf("INV-%04d-", inv.Date.Year())
		n, err := strconv.ParseInt(strings.TrimPrefix(inv.Number, prefix), 10, 64)
		if !strings.HasPrefix(inv.Number, prefix) || err != nil {
			pc.failf("invoice %s dated %s: number not of the scheme INV-{YYYY}-{SEQ:4}", inv.Number, inv.Date)
		}
		if other, dup := seqs[n]; dup {
			pc.failf("invoice number %d is issued twice: %s and %s", n, other, inv.Number)
		}
		seqs[n] = inv.Number
	}
	for n := int64(1); n <= int64(len(seqs)); n++ {
		if _, ok := seqs[n]; !ok {
			pc.failf("invoice numbers have a gap at %d (%d invoices)", n, len(seqs))
		}
	}
	if snap.scheme.Last != int64(len(seqs)) {
		pc.failf("the scheme's last number is %d, %d invoices are stored", snap.scheme.Last, len(seqs))
	}
}
