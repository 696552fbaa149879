package billing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
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

// runEnv is a tenant with every service on one store, a settable clock, a confirmed or
// unconfirmed numbering scheme and one tax region.
type runEnv struct {
	*env
	now       time.Time
	contracts *contract.Service
	desk      *servicedesk.Service
	invoices  *invoice.Service
	scheme    invoice.Scheme
}

func newRunEnv(t *testing.T, confirmed bool) *runEnv {
	t.Helper()
	r := &runEnv{now: time.Date(2026, 11, 17, 15, 0, 0, 0, time.UTC)}
	opts := psa.Options{Now: func() time.Time { return r.now }}
	s := memstore.New()
	region := invoice.TaxRegion{Code: "US-IL", Name: "Illinois", Components: []invoice.TaxComponent{{Name: "State", Rate: decimal.RequireFromString("6.25")}}}
	b, err := billing.NewService(memstore.Runner[billing.Tx](s), &billing.Options{Options: opts, TaxRegions: []invoice.TaxRegion{region}})
	require.NoError(t, err)
	r.env = &env{store: s, clients: client.NewService(memstore.Runner[client.Tx](s), &client.Options{Options: opts}), billing: b}
	r.contracts = contract.NewService(memstore.Runner[contract.Tx](s), &contract.Options{Options: opts})
	r.desk = servicedesk.NewService(memstore.Runner[servicedesk.Tx](s), &servicedesk.Options{Options: opts})
	r.invoices = invoice.NewService(memstore.Runner[invoice.Tx](s), &invoice.Options{Options: opts})
	tmpl, err := invoice.ParseTemplate("INV-{YYYY}-{SEQ:4}")
	require.NoError(t, err)
	r.scheme, err = r.invoices.PutScheme(t.Context(), invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tmpl, Confirmed: confirmed})
	require.NoError(t, err)
	return r
}

func usd(t *testing.T, s string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(s, "USD")
	require.NoError(t, err)
	return m
}

// recurring creates a monthly in-advance contract from start with one part of qty at price.
func (r *runEnv) recurring(t *testing.T, c client.Client, start psa.Date, qty int64, price string) (contract.Contract, contract.Part) {
	t.Helper()
	k, parts, err := r.contracts.Create(t.Context(), contract.NewContract{ClientID: c.ID, Terms: contract.Terms{
		Name: "Managed services", Type: contract.Recurring, Start: start, Schedule: contract.Schedule{Cycle: contract.Monthly},
		SetupFee: usd(t, "100.00")},
		Parts: []contract.NewPart{{Description: "Managed workstation", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(qty), UnitPrice: usd(t, price)}}})
	require.NoError(t, err)
	return k, parts[0]
}

func (r *runEnv) bill(t *testing.T, asOf psa.Date, preview bool) billing.Run {
	t.Helper()
	run, err := r.billing.Bill(t.Context(), billing.RunOptions{AsOf: asOf, Scheme: r.scheme.ID, Preview: preview})
	require.NoError(t, err)
	require.Empty(t, run.Failed())
	return run
}

// TestRunBillsOnceAndIsIdempotent: the first run bills the setup fee, the prorated first month
// and a sales item on one numbered invoice; a second run for the same date creates nothing.
func TestRunBillsOnceAndIsIdempotent(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.recurring(t, acme, psa.NewDate(2026, 11, 17), 10, "30.00")
	sale := item(t, "2", "150.00", "USD")
	sale.Date = psa.NewDate(2026, 11, 17)
	_, err := r.billing.CreateSalesItem(t.Context(), acme.ID, sale)
	require.NoError(t, err)

	run := r.bill(t, psa.NewDate(2026, 11, 17), false)
	invs := run.Invoices()
	require.Len(t, invs, 1)
	inv := invs[0]
	require.Equal(t, "INV-2026-0001", inv.Number)
	require.Equal(t, invoice.StatusFinalized, inv.Status)
	// setup fee 100.00 + 10 x 30.00 x 14/30 = 140.00 + 2 x 150.00 = 300.00
	require.Equal(t, "540.00 USD", inv.Totals.Net.String())
	require.Equal(t, "33.75 USD", inv.Totals.Tax.String())
	require.Equal(t, "573.75 USD", inv.Totals.Total.String())
	require.Equal(t, "2026-12-01", inv.DueDate.String(), "net 14")

	again := r.bill(t, psa.NewDate(2026, 11, 17), false)
	require.Empty(t, again.Invoices(), "a rerun for the same date creates nothing")
	require.Equal(t, billing.NothingToBill, again.Clients[0].Skipped[len(again.Clients[0].Skipped)-1].Reason)

	next := r.bill(t, psa.NewDate(2026, 12, 1), false)
	require.Len(t, next.Invoices(), 1)
	require.Equal(t, "300.00 USD", next.Invoices()[0].Totals.Net.String(), "December in full: 10 x 30.00, no proration")
	require.Equal(t, "INV-2026-0002", next.Invoices()[0].Number)
}

// TestRunRecomputesAndDiffs: a quantity change after a period was billed in advance bills the
// difference, so the total billed for the period equals a fresh computation of it.
func TestRunRecomputesAndDiffs(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	_, part := r.recurring(t, acme, psa.NewDate(2026, 12, 1), 10, "30.00")
	r.now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	r.bill(t, psa.NewDate(2026, 12, 1), false)

	r.now = time.Date(2026, 12, 16, 9, 0, 0, 0, time.UTC)
	parts, err := r.contracts.Parts(t.Context(), part.ContractID)
	require.NoError(t, err)
	_, err = r.contracts.ChangeQuantity(t.Context(), parts[0].ID, parts[0].Version, psa.NewDate(2026, 12, 16), decimal.NewFromInt(12))
	require.NoError(t, err)
	run := r.bill(t, psa.NewDate(2026, 12, 16), false)
	require.Len(t, run.Invoices(), 1)
	inv := run.Invoices()[0]
	require.Len(t, inv.Lines, 1)
	// fresh: (10 x 15 + 12 x 16) x 30.00 / 31 = 330.97; billed 300.00; difference 30.97
	require.Equal(t, "30.97 USD", inv.Lines[0].Amount.String())
	require.Contains(t, inv.Lines[0].Explanation, "already billed 300.00 USD")
}

// TestRunNeedsConfirmedNumbering: until the numbering scheme is confirmed (seed 000), the run
// stops before billing anything.
func TestRunNeedsConfirmedNumbering(t *testing.T) {
	r := newRunEnv(t, false)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.recurring(t, acme, psa.NewDate(2026, 11, 1), 1, "30.00")
	_, err := r.billing.Bill(t.Context(), billing.RunOptions{AsOf: psa.NewDate(2026, 11, 17), Scheme: r.scheme.ID})
	_, ok := errors.AsType[*invoice.UnconfirmedError](err)
	require.True(t, ok, "%v", err)

	sc, err := r.invoices.ConfirmScheme(t.Context(), r.scheme.ID, r.scheme.Version)
	require.NoError(t, err)
	r.scheme = sc
	require.Len(t, r.bill(t, psa.NewDate(2026, 11, 17), false).Invoices(), 1)
}

// TestPreviewWritesNothing: a preview computes what a run would bill and stores nothing.
func TestPreviewWritesNothing(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.recurring(t, acme, psa.NewDate(2026, 11, 1), 2, "30.00")
	preview := r.bill(t, psa.NewDate(2026, 11, 17), true)
	require.Len(t, preview.Invoices(), 1)
	real := r.bill(t, psa.NewDate(2026, 11, 17), false)
	require.Len(t, real.Invoices(), 1)
	require.Equal(t, preview.Invoices()[0].Number, real.Invoices()[0].Number, "the preview burned no number")
	require.True(t, preview.Invoices()[0].Totals.Total.Equal(real.Invoices()[0].Totals.Total))
}

// TestRunBillsApprovedTimeAndReportsTheRest: approved time and materials is billed once and
// marked billed; unapproved time is reported as waiting; clients without billing information are
// skipped; a sub-organization's lines are labelled on its parent's invoice.
func TestRunBillsApprovedTimeAndReportsTheRest(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	plant := r.client(t, "Acme Plant", "", acme.ID)
	r.client(t, "Bare", "", psa.ClientID{})
	_, err := r.desk.PutSettings(t.Context(), servicedesk.Settings{DefaultRates: []client.RateOverride{{Role: "technician", Rate: usd(t, "120.00")}}})
	require.NoError(t, err)
	day := psa.NewDate(2026, 11, 16)
	approved, err := r.desk.LogTime(t.Context(), servicedesk.Work{ClientID: plant.ID, StaffID: psa.StaffID{UUID: acme.ID.UUID}, Role: "technician", Date: day, Duration: 90 * time.Minute, Billable: true})
	require.NoError(t, err)
	_, err = r.desk.LogTime(t.Context(), servicedesk.Work{ClientID: acme.ID, StaffID: psa.StaffID{UUID: acme.ID.UUID}, Role: "technician", Date: day, Duration: 30 * time.Minute, Billable: true})
	require.NoError(t, err)
	_, err = r.desk.Approve(t.Context(), approved.ID)
	require.NoError(t, err)

	run := r.bill(t, psa.NewDate(2026, 11, 17), false)
	byName := map[string]billing.ClientRun{}
	for _, c := range run.Clients {
		byName[c.Name] = c
	}
	require.Len(t, byName["Acme"].Invoices, 1)
	line := byName["Acme"].Invoices[0].Lines[0]
	require.Equal(t, "Acme Plant", line.Organization)
	require.Equal(t, "180.00 USD", line.Amount.String())
	require.Equal(t, billing.NoBillingInfo, byName["Bare"].Skipped[0].Reason)
	var waiting billing.Skip
	for _, sk := range byName["Acme"].Skipped {
		if sk.Reason == billing.Unapproved {
			waiting = sk
		}
	}
	require.Equal(t, 1, waiting.Entries)
	require.Equal(t, 30*time.Minute, waiting.Duration)
	require.Equal(t, "60.00 USD", waiting.Value.String())

	e, err := r.desk.GetTime(t.Context(), approved.ID)
	require.NoError(t, err)
	require.Equal(t, servicedesk.EntryBilled, e.Status)
	require.Equal(t, byName["Acme"].Invoices[0].ID, e.InvoiceID)
	require.Empty(t, r.bill(t, psa.NewDate(2026, 11, 17), false).Invoices())
}

// TestVoidReleasesWhatItBilled: a voided invoice keeps its number, and what it billed is billed
// again by the next run.
func TestVoidReleasesWhatItBilled(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	si, err := r.billing.CreateSalesItem(t.Context(), acme.ID, item(t, "1", "80.00", "USD"))
	require.NoError(t, err)
	first := r.bill(t, psa.NewDate(2026, 11, 20), false).Invoices()[0]
	voided, err := r.billing.Void(t.Context(), first.ID, first.Version, "wrong quantity")
	require.NoError(t, err)
	require.Equal(t, invoice.StatusVoid, voided.Status)
	require.Equal(t, first.Number, voided.Number)
	item, err := r.billing.SalesItem(t.Context(), si.ID)
	require.NoError(t, err)
	require.False(t, item.Billed())

	second := r.bill(t, psa.NewDate(2026, 11, 20), false).Invoices()
	require.Len(t, second, 1)
	require.Equal(t, "80.00 USD", second[0].Totals.Net.String())
	require.NotEqual(t, first.Number, second[0].Number)
	var claims []billing.Claim
	require.NoError(t, memstore.Runner[billing.Tx](r.store)(t.Context(), func(ctx context.Context, tx billing.Tx) (err error) {
		claims, err = tx.ListClaims(ctx, billing.SubjectOf(si.ID))
		return err
	}))
	require.Len(t, claims, 2)
	live := 0
	for _, c := range claims {
		if !c.Released {
			live++
		}
	}
	require.Equal(t, 1, live, "exactly one live claim per billed item")
}

// TestUsageBilledInArrears: seed 003 — usage quantities the host supplies for a per-seat part
// billed in arrears replace the part's quantity for their period; usage dated before the
// contract start is rejected; recording a billed period again bills the difference.
func TestUsageBilledInArrears(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	k, parts, err := r.contracts.Create(t.Context(), contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{
		Name: "Licences", Type: contract.Recurring, Start: psa.NewDate(2026, 1, 1), Timing: contract.InArrears,
		Schedule: contract.Schedule{Cycle: contract.Monthly}},
		Parts: []contract.NewPart{
			{Description: "Seats", UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(5), UnitPrice: usd(t, "10.00")},
			{Description: "Support", UnitKind: contract.UnitFixed, Quantity: decimal.NewFromInt(1), UnitPrice: usd(t, "50.00")}}})
	require.NoError(t, err)
	require.Equal(t, contract.InArrears, k.Timing)
	seats := parts[0]

	_, err = r.billing.RecordUsage(t.Context(), seats.ID, psa.NewDate(2025, 12, 1), decimal.NewFromInt(3))
	require.ErrorIs(t, err, psa.ErrInvalid, "usage before the contract start")
	_, err = r.billing.RecordUsage(t.Context(), seats.ID, psa.NewDate(2026, 1, 15), decimal.NewFromInt(3))
	require.ErrorIs(t, err, psa.ErrInvalid, "not the start of a billing period")
	_, err = r.billing.RecordUsage(t.Context(), parts[1].ID, psa.NewDate(2026, 1, 1), decimal.NewFromInt(3))
	require.ErrorIs(t, err, psa.ErrInvalid, "not a per-seat or per-device part")
	_, err = r.billing.RecordUsage(t.Context(), seats.ID, psa.NewDate(2026, 1, 1), decimal.NewFromInt(-1))
	require.ErrorIs(t, err, psa.ErrInvalid)

	_, err = r.billing.RecordUsage(t.Context(), seats.ID, psa.NewDate(2026, 1, 1), decimal.NewFromInt(8))
	require.NoError(t, err)
	run := r.bill(t, psa.NewDate(2026, 2, 1), false)
	require.Len(t, run.Invoices(), 1)
	// January in arrears: 8 measured seats x 10.00 + support 50.00
	require.Equal(t, "130.00 USD", run.Invoices()[0].Totals.Net.String())

	_, err = r.billing.RecordUsage(t.Context(), seats.ID, psa.NewDate(2026, 1, 1), decimal.NewFromInt(9))
	require.NoError(t, err)
	again := r.bill(t, psa.NewDate(2026, 2, 1), false)
	require.Len(t, again.Invoices(), 1)
	require.Equal(t, "10.00 USD", again.Invoices()[0].Totals.Net.String(), "one more seat measured for January")
}

// TestOnceChargesAreIndependent: a setup fee billed earlier does not keep a fixed price from
// being billed once the contract has one.
func TestOnceChargesAreIndependent(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	k, _ := r.recurring(t, acme, psa.NewDate(2026, 11, 1), 1, "30.00")
	first := r.bill(t, psa.NewDate(2026, 11, 1), false).Invoices()
	require.Len(t, first, 1)
	require.Equal(t, "130.00 USD", first[0].Totals.Net.String(), "setup fee 100.00 and November 30.00")

	terms := k.Terms
	terms.Type, terms.BillAmount = contract.FixedPrice, usd(t, "1200.00")
	_, err := r.contracts.UpdateTerms(t.Context(), k.ID, k.Version, terms)
	require.NoError(t, err)
	next := r.bill(t, psa.NewDate(2026, 11, 1), false).Invoices()
	require.Len(t, next, 1)
	require.Equal(t, "1200.00 USD", next[0].Totals.Net.String(), "the fixed price, the setup fee not again")
	stored, err := r.contracts.Get(t.Context(), k.ID)
	require.NoError(t, err)
	require.Equal(t, "0.00 USD", stored.Remaining().String())
}

// claimCounter counts the listings of each subject's claims.
type claimCounter struct {
	billing.Tx
	listed map[billing.Subject]int
}

func (c claimCounter) ListClaims(ctx context.Context, s billing.Subject) ([]billing.Claim, error) {
	c.listed[s]++
	return c.Tx.ListClaims(ctx, s)
}

// TestRunStartsAfterReconciledPeriods: a run leaves each part it billed marked with what it
// reconciled; the next run finds the part, its contract and its usage unchanged and computes
// only the periods due since, without reading what was billed for the part. A copy of a part
// under another ID does not inherit the mark.
func TestRunStartsAfterReconciledPeriods(t *testing.T) {
	r := newRunEnv(t, true)
	listed := map[billing.Subject]int{}
	base := memstore.Runner[billing.Tx](r.store)
	counting := func(ctx context.Context, fn func(context.Context, billing.Tx) error) error {
		return base(ctx, func(ctx context.Context, tx billing.Tx) error { return fn(ctx, claimCounter{tx, listed}) })
	}
	b, err := billing.NewService(counting, &billing.Options{Options: psa.Options{Now: func() time.Time { return r.now }},
		TaxRegions: []invoice.TaxRegion{{Code: "US-IL", Name: "Illinois", Components: []invoice.TaxComponent{{Name: "State", Rate: decimal.RequireFromString("6.25")}}}}})
	require.NoError(t, err)
	r.billing = b
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	k, part := r.recurring(t, acme, psa.NewDate(2026, 11, 17), 10, "30.00")
	subject := billing.SubjectOf(part.ID)

	stored := func() contract.Part {
		t.Helper()
		parts, err := r.contracts.Parts(t.Context(), k.ID)
		require.NoError(t, err)
		return parts[0]
	}
	r.bill(t, psa.NewDate(2026, 11, 17), false)
	require.Equal(t, 1, listed[subject], "a part never billed: what was billed for it is read")
	p := stored()
	require.Equal(t, contract.Reconciled{PartID: part.ID, AsOf: psa.NewDate(2026, 11, 17), PartVersion: p.Version, ContractVersion: k.Version}, p.Reconciled)

	for _, month := range []time.Month{12, 1, 2} {
		year := 2026
		if month < 12 {
			year = 2027
		}
		run := r.bill(t, psa.NewDate(year, month, 1), false)
		require.Len(t, run.Invoices(), 1)
		require.Equal(t, "300.00 USD", run.Invoices()[0].Totals.Net.String(), "the new month in full")
		require.Equal(t, 1, listed[subject], "a reconciled part: only the new period, nothing read")
		require.Equal(t, psa.NewDate(year, month, 1), stored().Reconciled.AsOf)
	}

	// The same part stored again under another ID, mark and all: the copy's periods are all
	// computed (and billed: nothing was billed for the copy).
	copied := stored()
	copied.ID = psa.PartID{UUID: uuid.Must(uuid.NewV7())}
	copied.Version = 1
	require.NoError(t, r.store.Run(t.Context(), func(ctx context.Context, tx *memstore.Tx) error { return tx.CreatePart(ctx, copied) }))
	run := r.bill(t, psa.NewDate(2027, 2, 1), false)
	require.Equal(t, 1, listed[billing.SubjectOf(copied.ID)])
	require.Len(t, run.Invoices(), 1)
	require.Len(t, run.Invoices()[0].Lines, 4, "the copy's four periods, November to February")
}
