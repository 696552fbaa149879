package memstore

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// Concurrency levels of the tests below; RELIABILITY.md records them. Under -short fewer rounds
// run, and under the race detector, which makes each round several times slower, 10.
const (
	concurrentRuns   = 8  // billing runs for the same date at once
	concurrentRounds = 25 // fresh portfolios per test
)

func rounds() int {
	switch {
	case testing.Short():
		return 3
	case raceEnabled():
		return 10
	}
	return concurrentRounds
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
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

// TestConcurrentBillingRunsBillOnce: concurrentRuns billing runs for the same date at once, on a
// fresh portfolio each round, leave exactly the invoices one run leaves (the same lines and
// totals; the numbers 1 to n, in whatever order the clients got them), and every item billed
// once.
func TestConcurrentBillingRunsBillOnce(t *testing.T) {
	clean := newFaultEnv(t)
	require.NoError(t, clean.approve())
	require.NoError(t, clean.bill())
	want := clean.state(false)
	for round := range rounds() {
		e := newFaultEnv(t)
		require.NoError(t, e.approve())
		var wg sync.WaitGroup
		errs := make([]error, concurrentRuns)
		for i := range concurrentRuns {
			wg.Go(func() { errs[i] = e.bill() })
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...), "round %d", round)
		if d := cmp.Diff(want, e.state(false)); d != "" {
			t.Fatalf("round %d: %d concurrent runs left another state than one run (-want +got):\n%s", round, concurrentRuns, d)
		}
		e.checkClaims(clean)
	}
}

// TestApprovalBillingAndVoidingRace: on the same time entries at once, one goroutine approves,
// unapproves and approves again, two run billing and one voids what they bill. Whatever the
// interleaving, no entry, sales item or charge is billed twice at any time, and once the time is
// approved and a last run has billed, the live claims are exactly those of a run without races.
func TestApprovalBillingAndVoidingRace(t *testing.T) {
	clean := newFaultEnv(t)
	require.NoError(t, clean.approve())
	require.NoError(t, clean.bill())
	var voided, unapproved, billed atomic.Int64
	for round := range rounds() {
		e := newFaultEnv(t)
		rng := rand.New(rand.NewPCG(uint64(round), 0x5eed))
		seeds := [4]uint64{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
		ctx := t.Context()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var unexpected []error
		allow := func(err error) {
			if err != nil && !errors.Is(err, psa.ErrConflict) && !errors.Is(err, psa.ErrPrecondition) {
				mu.Lock()
				unexpected = append(unexpected, err)
				mu.Unlock()
			}
		}
		wg.Go(func() { // the approver
			r := rand.New(rand.NewPCG(seeds[0], 1))
			for range 3 * len(e.entries) {
				id := e.entries[r.IntN(len(e.entries))]
				if r.IntN(3) == 0 {
					te, err := e.desk.GetTime(ctx, id)
					allow(err)
					if _, err = e.desk.Unapprove(ctx, id, te.Version); err == nil {
						unapproved.Add(1)
					}
					allow(err)
					continue
				}
				_, err := e.desk.Approve(ctx, id)
				allow(err)
			}
		})
		for b := range 2 { // the billers
			wg.Go(func() {
				r := rand.New(rand.NewPCG(seeds[1+b], 2))
				for range 4 {
					run, err := e.bills.Bill(ctx, billing.RunOptions{AsOf: runDate, Scheme: e.scheme.ID})
					allow(err)
					for _, c := range run.Failed() {
						allow(c.Err)
					}
					billed.Add(int64(len(run.Invoices())))
					if r.IntN(2) == 0 {
						e.checkNothingBilledTwice()
					}
				}
			})
		}
		wg.Go(func() { // the voider
			r := rand.New(rand.NewPCG(seeds[3], 3))
			for attempts, tries := 0, 0; attempts < 6 && tries < 1000; tries++ {
				live := e.liveInvoices()
				if len(live) == 0 {
					runtime.Gosched() // wait for a biller
					continue
				}
				attempts++
				inv := live[r.IntN(len(live))]
				if _, err := e.bills.Void(ctx, inv.ID, inv.Version, "race"); err == nil {
					voided.Add(1)
				} else {
					allow(err)
				}
			}
		})
		wg.Wait()
		require.Empty(t, unexpected, "round %d", round)
		e.checkNothingBilledTwice()
		var submitted []psa.TimeEntryID
		for _, id := range e.entries {
			te, err := e.desk.GetTime(ctx, id)
			require.NoError(t, err)
			if te.Status == servicedesk.EntrySubmitted {
				submitted = append(submitted, id)
			}
		}
		_, err := e.desk.Approve(ctx, submitted...)
		require.NoError(t, err, "round %d", round)
		require.NoError(t, e.bill(), "round %d", round)
		e.checkClaims(clean)
	}
	t.Logf("%d rounds: %d invoices billed, %d voided, %d approvals reversed while racing", rounds(), billed.Load(), voided.Load(), unapproved.Load())
}

// liveInvoices returns the finalized invoices not void.
func (e *faultEnv) liveInvoices() []invoice.Invoice {
	var out []invoice.Invoice
	for _, inv := range committedOf(e.store).invoices {
		if inv.Status != invoice.StatusDraft && inv.Status != invoice.StatusVoid {
			out = append(out, inv)
		}
	}
	return out
}

// checkNothingBilledTwice checks the committed state: a once-billed item (a time entry, a sales
// item, a setup fee or fixed price) has at most one live claim; every live claim is on a live
// invoice and every claim of a void invoice is released; a billed time entry or sales item names
// the live invoice of its live claim, and an unbilled one has no live claim; the invoice numbers
// are unique.
func (e *faultEnv) checkNothingBilledTwice() {
	c := committedOf(e.store)
	invoices := map[psa.InvoiceID]invoice.Invoice{}
	for _, inv := range c.invoices {
		invoices[inv.ID] = inv
	}
	live := map[string]billing.Claim{}
	for _, cl := range c.claims {
		inv, ok := invoices[cl.InvoiceID]
		if !ok {
			e.t.Errorf("claim %s names invoice %s, which does not exist", cl.LineID, cl.InvoiceID)
			continue
		}
		void := inv.Status == invoice.StatusVoid
		if cl.Released != void {
			e.t.Errorf("claim %s %s: released %v on an invoice that is %s", cl.Key, cl.Subject, cl.Released, inv.Status)
		}
		if cl.Released {
			continue
		}
		switch cl.Key {
		case "time", "sales item", "setup fee", "fixed price":
			key := cl.Subject.String() + " " + cl.Key
			if other, dup := live[key]; dup {
				e.t.Errorf("%s billed twice: on invoices %s and %s", key, other.InvoiceID, cl.InvoiceID)
			}
			live[key] = cl
		}
	}
	for _, te := range c.entries {
		cl, claimed := live[billing.SubjectOf(te.ID).String()+" time"]
		switch {
		case te.Status == servicedesk.EntryBilled && (!claimed || cl.InvoiceID != te.InvoiceID):
			e.t.Errorf("entry %s is billed on %s, its live claim is %+v", te.ID, te.InvoiceID, cl)
		case te.Status != servicedesk.EntryBilled && claimed:
			e.t.Errorf("entry %s is %s, with a live claim on %s", te.ID, te.Status, cl.InvoiceID)
		}
	}
	for _, it := range c.salesItems {
		cl, claimed := live[billing.SubjectOf(it.ID).String()+" sales item"]
		if it.Billed() != claimed || claimed && cl.InvoiceID != it.InvoiceID {
			e.t.Errorf("sales item %s on %s, its live claim is %+v", it.ID, it.InvoiceID, cl)
		}
	}
	numbers := map[string]bool{}
	for _, inv := range c.invoices {
		if n := inv.Number; n != "" {
			if numbers[n] {
				e.t.Errorf("invoice number %s issued twice", n)
			}
			numbers[n] = true
		}
	}
}

// checkClaims checks checkNothingBilledTwice, and that the live claims add up, per billed
// subject and key (a time entry, a part's period, a cap, ...), to what they add up to in want.
// The portfolios are built alike, so their subjects have the same IDs.
func (e *faultEnv) checkClaims(want *faultEnv) {
	e.t.Helper()
	e.checkNothingBilledTwice()
	if d := cmp.Diff(want.liveTotals(), e.liveTotals()); d != "" {
		e.t.Fatalf("live claims per subject differ from a run without races (-want +got):\n%s", d)
	}
}

// liveTotals sums the live claims by subject and key.
func (e *faultEnv) liveTotals() []string {
	sums := map[string]psa.Money{}
	for _, c := range committedOf(e.store).claims {
		if c.Released {
			continue
		}
		key := c.Subject.String() + " " + c.Key
		sum, ok := sums[key]
		if !ok {
			sum = psa.ZeroMoney(c.Amount.Currency())
		}
		sum, err := sum.Add(c.Amount)
		require.NoError(e.t, err)
		sums[key] = sum
	}
	var out []string
	for k, v := range sums {
		out = append(out, fmt.Sprintf("%s: %s", k, v))
	}
	slices.Sort(out)
	return out
}
