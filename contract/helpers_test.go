package contract_test

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/memstore"
)

// The helpers of the service tests (package contract_test). The rule tests of package contract
// (schedule_test.go, proration_test.go) have their own, prefixed "rule".

// t0 is the instant every test service's clock starts at: "today" is 2026-03-20 in UTC.
var t0 = time.Date(2026, time.March, 20, 9, 30, 0, 0, time.UTC)

// cmpOpts compares the library's values: money and decimals by Equal, currencies and payment
// terms by ==, and nil and empty slices as equal. psa.Date and time.Time have Equal methods.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b currency.Unit) bool { return a == b }),
	cmp.Comparer(func(a, b psa.PaymentTerms) bool { return a == b }),
	cmpopts.EquateEmpty(),
}

// diff fails the test when got differs from want.
func diff(t testing.TB, want, got any, what string) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpOpts); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// seqIDs returns a deterministic IDFunc: ...0001, ...0002, ... in ascending order, so listings
// come in creation order.
func seqIDs() psa.IDFunc {
	var (
		mu sync.Mutex
		n  uint64
	)
	return func() (uuid.UUID, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[8:], n)
		return u, nil
	}
}

// env is a contract Service and a client Service on one empty memstore, sharing a settable fixed
// clock and one sequential ID generator.
type env struct {
	store   *memstore.Store
	clients *client.Service
	svc     *contract.Service
	assign  *assignments
	now     time.Time
}

// newEnv returns an env whose clock reads t0; opt, when given, adjusts the contract options
// (Location, ...). The env's assignments are empty until assign is called.
func newEnv(t testing.TB, opt ...func(*contract.Options)) *env {
	t.Helper()
	e := &env{store: memstore.New(), now: t0, assign: &assignments{}}
	base := psa.Options{Now: func() time.Time { return e.now }, NewID: seqIDs()}
	e.clients = client.NewService(memstore.Runner[client.Tx](e.store), &client.Options{Options: base})
	opts := &contract.Options{Options: base, Assignments: e.assign}
	for _, o := range opt {
		o(opts)
	}
	e.svc = contract.NewService(memstore.Runner[contract.Tx](e.store), opts)
	return e
}

// at sets the clock to midday (UTC) of day s.
func (e *env) at(t testing.TB, s string) {
	t.Helper()
	e.now = day(t, s).In(time.UTC).Add(12 * time.Hour)
}

// tx runs fn in a transaction of the store, as another package (billing) would.
func (e *env) tx(t testing.TB, fn func(ctx context.Context, tx contract.Tx) error) {
	t.Helper()
	require.NoError(t, memstore.Runner[contract.Tx](e.store)(t.Context(), fn))
}

// customer stores a top-level client called name with complete billing information in cur.
func (e *env) customer(t testing.TB, name, cur string) client.Client {
	t.Helper()
	b := billingInfo(t, cur)
	c, err := e.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: name}, Billing: &b})
	require.NoError(t, err)
	return c
}

// bare stores a client called name without billing information, under parent when parent is not
// nil (billed to it when billToParent).
func (e *env) bare(t testing.TB, name string, parent psa.ClientID, billToParent bool) client.Client {
	t.Helper()
	c, err := e.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: name}, ParentID: parent, BillToParent: billToParent})
	require.NoError(t, err)
	return c
}

// client returns the stored client id.
func (e *env) client(t testing.TB, id psa.ClientID) client.Client {
	t.Helper()
	c, err := e.clients.Get(t.Context(), id)
	require.NoError(t, err)
	return c
}

// create stores in and fails the test on error.
func (e *env) create(t testing.TB, in contract.NewContract) (contract.Contract, []contract.Part) {
	t.Helper()
	c, parts, err := e.svc.Create(t.Context(), in)
	require.NoError(t, err)
	return c, parts
}

// get returns the stored contract id.
func (e *env) get(t testing.TB, id psa.ContractID) contract.Contract {
	t.Helper()
	c, err := e.svc.Get(t.Context(), id)
	require.NoError(t, err)
	return c
}

// parts returns the stored parts of contract id.
func (e *env) parts(t testing.TB, id psa.ContractID) []contract.Part {
	t.Helper()
	ps, err := e.svc.Parts(t.Context(), id)
	require.NoError(t, err)
	return ps
}

// part returns the stored part id.
func (e *env) part(t testing.TB, id psa.PartID) contract.Part {
	t.Helper()
	var p contract.Part
	e.tx(t, func(ctx context.Context, tx contract.Tx) (err error) {
		p, err = tx.GetPart(ctx, id)
		return err
	})
	return p
}

// history returns the stored history of contract id.
func (e *env) history(t testing.TB, id psa.ContractID) []contract.HistoryEntry {
	t.Helper()
	h, err := e.svc.History(t.Context(), id)
	require.NoError(t, err)
	return h
}

// lastWhat returns the What of the newest history entry of contract id.
func (e *env) lastWhat(t testing.TB, id psa.ContractID) string {
	t.Helper()
	h := e.history(t, id)
	require.NotEmpty(t, h)
	return h[len(h)-1].What
}

// all returns every stored contract, in ID order.
func (e *env) all(t testing.TB) []contract.Contract {
	t.Helper()
	var all []contract.Contract
	e.tx(t, func(ctx context.Context, tx contract.Tx) (err error) {
		all, err = psa.All(ctx, tx.ListAllContracts)
		return err
	})
	return all
}

// state is everything stored about one contract, to show that a refused operation stored nothing.
type state struct {
	Contract contract.Contract
	Parts    []contract.Part
	History  []contract.HistoryEntry
	Count    int // contracts in the store
}

func (e *env) state(t testing.TB, id psa.ContractID) state {
	t.Helper()
	return state{Contract: e.get(t, id), Parts: e.parts(t, id), History: e.history(t, id), Count: len(e.all(t))}
}

// unchanged fails the test when contract id's stored state differs from before.
func (e *env) unchanged(t testing.TB, id psa.ContractID, before state) {
	t.Helper()
	diff(t, before, e.state(t, id), "stored state after a refused operation")
}

// untouched fails the test when contract id, its parts or its history differ from before (other
// contracts may have been added).
func (e *env) untouched(t testing.TB, id psa.ContractID, before state) {
	t.Helper()
	now := e.state(t, id)
	before.Count, now.Count = 0, 0
	diff(t, before, now, "stored state of an untouched contract")
}

// setBilled writes the part's BilledThrough through the store, as a billing run does.
func (e *env) setBilled(t testing.TB, id psa.PartID, through psa.Date) contract.Part {
	t.Helper()
	var p contract.Part
	e.tx(t, func(ctx context.Context, tx contract.Tx) error {
		var err error
		if p, err = tx.GetPart(ctx, id); err != nil {
			return err
		}
		p.BilledThrough = through
		if err := tx.UpdatePart(ctx, p); err != nil {
			return err
		}
		p.Version++
		return nil
	})
	return p
}

// recordUse records what approved work used of a prepaid contract, as billing does.
func (e *env) recordUse(t testing.TB, id psa.ContractID, uses ...contract.Use) {
	t.Helper()
	e.tx(t, func(ctx context.Context, tx contract.Tx) error {
		c, err := tx.GetContract(ctx, id)
		if err != nil {
			return err
		}
		for _, u := range uses {
			if err := c.Record(u); err != nil {
				return err
			}
		}
		return tx.UpdateContract(ctx, c)
	})
}

// assignments is a test contract.Assignments: services assigned per client.
type assignments struct {
	mu sync.Mutex
	m  map[psa.ClientID][]contract.Assignment
}

func (a *assignments) set(id psa.ClientID, as ...contract.Assignment) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = map[psa.ClientID][]contract.Assignment{}
	}
	a.m[id] = as
}

// AssignedServices implements contract.Assignments.
func (a *assignments) AssignedServices(_ context.Context, id psa.ClientID) ([]contract.Assignment, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.m[id]), nil
}

// ClientsWithAssignedServices implements contract.Assignments.
func (a *assignments) ClientsWithAssignedServices(context.Context) ([]psa.ClientID, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var ids []psa.ClientID
	for id, as := range a.m {
		if len(as) > 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// billingInfo returns complete billing information in currency code cur, net 30.
func billingInfo(t testing.TB, cur string) client.BillingInfo {
	t.Helper()
	u, err := psa.ParseCurrency(cur)
	require.NoError(t, err)
	terms, err := psa.NetDays(30)
	require.NoError(t, err)
	return client.BillingInfo{
		Address:      psa.Address{Line1: "1 Main Street", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"},
		InvoiceEmail: "ap@example.com",
		TaxRegion:    "US-IL",
		Currency:     u,
		PaymentTerms: terms,
	}
}

// day parses "YYYY-MM-DD".
func day(t testing.TB, s string) psa.Date {
	t.Helper()
	d, err := psa.ParseDate(s)
	require.NoError(t, err)
	return d
}

// money parses an amount of currency code cur.
func money(t testing.TB, amount, cur string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(amount, cur)
	require.NoError(t, err)
	return m
}

// usd parses an amount of US dollars.
func usd(t testing.TB, amount string) psa.Money { t.Helper(); return money(t, amount, "USD") }

// dec parses a decimal.
func dec(t testing.TB, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	require.NoError(t, err)
	return d
}

// period returns first..last, both included.
func period(t testing.TB, first, last string) psa.Period {
	t.Helper()
	p, err := psa.PeriodThrough(day(t, first), day(t, last))
	require.NoError(t, err)
	return p
}

// serviceID returns a catalogue service ID numbered n.
func serviceID(n byte) psa.ServiceID {
	var u uuid.UUID
	u[0], u[15] = 0x5e, n
	return psa.ServiceID{UUID: u}
}

// recurring returns the terms of a monthly recurring contract from first to last ("" for
// open-ended).
func recurring(t testing.TB, name, first, last string) contract.Terms {
	t.Helper()
	terms := contract.Terms{Name: name, Type: contract.Recurring, Start: day(t, first), Schedule: contract.Schedule{Cycle: contract.Monthly}}
	if last != "" {
		terms.End = day(t, last)
	}
	return terms
}

// priced returns a part of qty units at price USD per period.
func priced(t testing.TB, desc, price string, qty int64) contract.NewPart {
	t.Helper()
	return contract.NewPart{Description: desc, UnitPrice: usd(t, price), Quantity: decimal.NewFromInt(qty)}
}

// unpriced returns a part of qty units whose price is still to be set.
func unpriced(desc string, qty int64) contract.NewPart {
	return contract.NewPart{Description: desc, Quantity: decimal.NewFromInt(qty)}
}

// invalid asserts that err is a *psa.ValidationError of object (unwrapping to psa.ErrInvalid)
// and returns its fields as "field=value", in order.
func invalid(t testing.TB, err error, object string) []string {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrInvalid)
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.Truef(t, ok, "error %v (%T) is not a *psa.ValidationError", err, err)
	require.Equal(t, object, ve.Object)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		require.NotEmptyf(t, f.Reason, "field %s has no reason", f.Field)
		out[i] = f.Field + "=" + f.Value
	}
	return out
}

// precondition asserts that err is a *psa.PreconditionError (unwrapping to psa.ErrPrecondition).
func precondition(t testing.TB, err error) *psa.PreconditionError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	pe, ok := errors.AsType[*psa.PreconditionError](err)
	require.Truef(t, ok, "error %v (%T) is not a *psa.PreconditionError", err, err)
	return pe
}
