package memstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// TestFaultyTxHasEveryMethod: FaultyTx has every store method of Tx, with the same signature, so
// a Faulty stands in for a Store in every service.
func TestFaultyTxHasEveryMethod(t *testing.T) {
	txType, faultyType := reflect.TypeFor[*Tx](), reflect.TypeFor[*FaultyTx]()
	for m := range txType.Methods() {
		fm, ok := faultyType.MethodByName(m.Name)
		if !ok {
			t.Errorf("FaultyTx lacks %s", m.Name)
			continue
		}
		if want, got := signature(m.Type), signature(fm.Type); want != got {
			t.Errorf("FaultyTx.%s is %s, Tx.%s is %s", m.Name, got, m.Name, want)
		}
	}
}

// signature formats a method type without its receiver.
func signature(f reflect.Type) string {
	var in, out []string
	for i := 1; i < f.NumIn(); i++ {
		in = append(in, f.In(i).String())
	}
	for i := range f.NumOut() {
		out = append(out, f.Out(i).String())
	}
	return "(" + strings.Join(in, ", ") + ") (" + strings.Join(out, ", ") + ")"
}

// TestFaultyFailsTheChosenCall: the fault function sees every call, numbered from 1 and named;
// the call it fails returns its error and stores nothing, and the transaction is rolled back.
func TestFaultyFailsTheChosenCall(t *testing.T) {
	f := NewFaulty(New())
	errBoom := errors.New("boom")
	var seen []string
	f.Inject(func(call int, op string) error {
		seen = append(seen, fmt.Sprint(call, " ", op))
		if call == 2 {
			return errBoom
		}
		return nil
	})
	a := client.Client{ID: psa.ClientID{UUID: uuid.MustParse("00000000-0000-7000-8000-000000000001")}, Profile: client.Profile{Name: "A"}, Version: 1}
	b := client.Client{ID: psa.ClientID{UUID: uuid.MustParse("00000000-0000-7000-8000-000000000002")}, Profile: client.Profile{Name: "B"}, Version: 1}
	err := f.Run(t.Context(), func(ctx context.Context, tx *FaultyTx) error {
		require.NoError(t, tx.CreateClient(ctx, a))
		err := tx.CreateClient(ctx, b)
		require.ErrorIs(t, err, errBoom)
		return err
	})
	require.ErrorIs(t, err, errBoom)
	require.Equal(t, []string{"1 CreateClient", "2 CreateClient"}, seen)
	require.Equal(t, 2, f.Calls())
	require.NoError(t, f.Store().Run(t.Context(), func(ctx context.Context, tx *Tx) error {
		page, err := tx.ListClients(ctx, psa.PageRequest{})
		require.Empty(t, page.Items, "the rolled-back transaction stored a client")
		return err
	}))

	f.Inject(nil)
	require.NoError(t, FaultyRunner[client.Tx](f)(t.Context(), func(ctx context.Context, tx client.Tx) error {
		return tx.CreateClient(ctx, a)
	}))
	require.Equal(t, 1, f.Calls())
}

// snapshot returns every row of every table of s, in key order, with the commit sequence: two
// snapshots are equal exactly when no transaction committed in between and no stored value was
// changed through shared memory.
func snapshot(s *Store) map[string]any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return map[string]any{
		"seq":          s.seq,
		"clients":      rowsOf(s.clients),
		"contacts":     rowsOf(s.contacts),
		"assets":       rowsOf(s.assets),
		"contracts":    rowsOf(s.contracts),
		"parts":        rowsOf(s.parts),
		"history":      rowsOf(s.history),
		"tickets":      rowsOf(s.tickets),
		"notes":        rowsOf(s.notes),
		"entries":      rowsOf(s.entries),
		"policies":     rowsOf(s.policies),
		"calendars":    rowsOf(s.calendars),
		"queues":       rowsOf(s.queues),
		"counters":     rowsOf(s.counters),
		"deskSettings": rowsOf(s.deskSettings),
		"schemes":      rowsOf(s.schemes),
		"invoices":     rowsOf(s.invoices),
		"salesItems":   rowsOf(s.salesItems),
		"claims":       rowsOf(s.claims),
		"usage":        rowsOf(s.usage),
	}
}

// rowsOf copies the committed rows of t in key order, with the commit sequence of each.
func rowsOf[K psa.ID, V any](t *table[K, V]) []any {
	out := make([]any, 0, len(t.keys))
	for _, k := range t.keys {
		r := t.rows[k]
		out = append(out, struct {
			Seq uint64
			V   V
		}{r.seq, t.clone(r.v)})
	}
	return out
}

// committed is a consistent copy of the rows the tests read, each table in key order: the only
// place besides snapshot where the tests read the Store's tables.
type committed struct {
	clients    []client.Client
	invoices   []invoice.Invoice
	entries    []servicedesk.TimeEntry
	claims     []billing.Claim
	schemes    []invoice.Scheme
	contracts  []contract.Contract
	parts      []contract.Part
	salesItems []billing.SalesItem
}

// committedOf copies the committed rows of s under one read lock.
func committedOf(s *Store) committed {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return committed{clients: valuesOf(s.clients), invoices: valuesOf(s.invoices), entries: valuesOf(s.entries), claims: valuesOf(s.claims),
		schemes: valuesOf(s.schemes), contracts: valuesOf(s.contracts), parts: valuesOf(s.parts), salesItems: valuesOf(s.salesItems)}
}

// valuesOf copies the committed rows of t in key order; the caller holds the store's lock.
func valuesOf[K psa.ID, V any](t *table[K, V]) []V {
	out := make([]V, 0, len(t.keys))
	for _, k := range t.keys {
		out = append(out, t.clone(t.rows[k].v))
	}
	return out
}

// snapshotOpts compares snapshots field by field, unexported fields included; decimals, money,
// dates and times by their Equal methods.
var snapshotOpts = cmp.Options{cmp.Exporter(func(reflect.Type) bool { return true })}

// TestSnapshotCoversEveryTable: snapshot lists every table of the Store.
func TestSnapshotCoversEveryTable(t *testing.T) {
	snap := snapshot(New())
	st := reflect.TypeFor[Store]()
	for f := range st.Fields() {
		if strings.HasPrefix(f.Type.String(), "*memstore.table[") {
			if _, ok := snap[f.Name]; !ok {
				t.Errorf("snapshot does not list table %s", f.Name)
			}
		}
	}
}

// errInjected is the error of every injected fault.
var errInjected = errors.New("injected store failure")

// faultEnv is a portfolio on a Faulty store with deterministic IDs and clock: built twice, it is
// the same, IDs included. Its services run every transaction through check.
type faultEnv struct {
	t      *testing.T
	store  *Store
	faulty *Faulty
	nextID atomic.Uint64

	clients   *client.Service
	contracts *contract.Service
	desk      *servicedesk.Service
	invoices  *invoice.Service
	bills     *billing.Service
	scheme    invoice.Scheme

	acme, plant, globex, bare client.Client
	entries                   []psa.TimeEntryID
	draft                     invoice.Invoice

	// failAt is the call to fail (0: none); fired is set when it has failed, op is its method.
	failAt int
	fired  bool
	op     string
	// failedTx counts the transactions that had their call failed and were checked.
	failedTx int
	// txs numbers the transactions since inject; firedTx is the number of the one whose call
	// failed. Transactions numbered below snapFrom are not snapshotted: the sweep knows the failed
	// call of a later k is in the same or a later transaction (the portfolio is deterministic).
	txs, firedTx, snapFrom int
}

// checked wraps run: when a transaction's call was failed, the transaction must return the
// injected error and leave the store exactly as it was before it began.
func checked[T any](e *faultEnv, run psa.Runner[T]) psa.Runner[T] {
	return func(ctx context.Context, fn func(ctx context.Context, tx T) error) error {
		if e.failAt == 0 { // no fault: the concurrency tests share e between goroutines
			return run(ctx, fn)
		}
		e.txs++
		if e.fired || e.txs < e.snapFrom {
			return run(ctx, fn)
		}
		before := snapshot(e.store)
		err := run(ctx, fn)
		if e.fired {
			e.failedTx++
			e.firedTx = e.txs
			if !errors.Is(err, errInjected) {
				e.t.Errorf("call %d (%s) failed, and its transaction returned %v", e.failAt, e.op, err)
			}
			if d := cmp.Diff(before, snapshot(e.store), snapshotOpts); d != "" {
				e.t.Errorf("call %d (%s) failed, and its transaction changed the store (-before +after):\n%s", e.failAt, e.op, d)
			}
		}
		return err
	}
}

// inject fails call k of what follows (k = 0: none) and restarts the count.
func (e *faultEnv) inject(k int) {
	e.failAt, e.fired, e.op, e.txs = k, false, "", 0
	e.faulty.Inject(func(call int, op string) error {
		if call == e.failAt {
			e.fired, e.op = true, op
			return errInjected
		}
		return nil
	})
}

func (e *faultEnv) newID() (uuid.UUID, error) {
	var u uuid.UUID
	u[0], u[6] = 0x01, 0x70
	binary.BigEndian.PutUint64(u[8:], 0x8000_0000_0000_0000|e.nextID.Add(1))
	return u, nil
}

// newFaultEnv builds the portfolio: three bill-to clients (one with a sub-organization billed
// to it, one without billing information), a recurring contract with two parts and a setup fee,
// a capped time-and-materials contract, a fixed-price contract and a retainer by hours; submitted
// time under each, a sales item, a manual draft invoice; tax, default rates and a confirmed
// numbering scheme.
func newFaultEnv(t *testing.T) *faultEnv {
	e := &faultEnv{t: t, store: New()}
	e.faulty = NewFaulty(e.store)
	now := time.Date(2026, 11, 17, 15, 0, 0, 0, time.UTC)
	opts := psa.Options{Now: func() time.Time { return now }, NewID: e.newID}
	region := invoice.TaxRegion{Code: "US-IL", Name: "Illinois", Components: []invoice.TaxComponent{{Name: "State", Rate: decimal.RequireFromString("6.25")}}}
	var err error
	e.bills, err = billing.NewService(checked(e, FaultyRunner[billing.Tx](e.faulty)), &billing.Options{Options: opts, TaxRegions: []invoice.TaxRegion{region}})
	require.NoError(t, err)
	e.clients = client.NewService(checked(e, FaultyRunner[client.Tx](e.faulty)), &client.Options{Options: opts})
	e.contracts = contract.NewService(checked(e, FaultyRunner[contract.Tx](e.faulty)), &contract.Options{Options: opts})
	e.desk = servicedesk.NewService(checked(e, FaultyRunner[servicedesk.Tx](e.faulty)), &servicedesk.Options{Options: opts})
	e.invoices = invoice.NewService(checked(e, FaultyRunner[invoice.Tx](e.faulty)), &invoice.Options{Options: opts})

	ctx := t.Context()
	tmpl, err := invoice.ParseTemplate("INV-{YYYY}-{SEQ:4}")
	require.NoError(t, err)
	e.scheme, err = e.invoices.PutScheme(ctx, invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tmpl, Confirmed: true})
	require.NoError(t, err)
	_, err = e.desk.PutSettings(ctx, servicedesk.Settings{
		TimeRounding: contract.TimeRounding{MinimumMinutes: 15, IncrementMinutes: 6},
		DefaultRates: []client.RateOverride{{Role: "technician", Rate: e.usd("120.00")}, {Role: "engineer", Rate: e.usd("165.00")}}})
	require.NoError(t, err)

	e.acme = e.client("Acme", true, psa.ClientID{})
	e.plant = e.client("Acme Plant", false, e.acme.ID)
	e.globex = e.client("Globex", true, psa.ClientID{})
	e.bare = e.client("Bare", false, psa.ClientID{})

	start := psa.NewDate(2026, 10, 15)
	_, parts, err := e.contracts.Create(ctx, contract.NewContract{ClientID: e.acme.ID, Terms: contract.Terms{
		Name: "Managed services", Type: contract.Recurring, Start: start, Schedule: contract.Schedule{Cycle: contract.Monthly},
		SetupFee: e.usd("250.00"), PONumber: "PO-1"},
		Parts: []contract.NewPart{
			{Description: "Managed workstation", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(12), UnitPrice: e.usd("45.00")},
			{Description: "Backup", UnitKind: contract.UnitSeat, Quantity: decimal.RequireFromString("2.5"), UnitPrice: e.usd("19.99")},
		}})
	require.NoError(t, err)
	_, err = e.contracts.ChangeQuantity(ctx, parts[0].ID, parts[0].Version, psa.NewDate(2026, 11, 20), decimal.NewFromInt(14))
	require.NoError(t, err)
	tm, _, err := e.contracts.Create(ctx, contract.NewContract{ClientID: e.globex.ID, Terms: contract.Terms{
		Name: "Break/fix", Type: contract.TimeAndMaterials, Start: start, Cap: e.usd("300.00")}})
	require.NoError(t, err)
	_, _, err = e.contracts.Create(ctx, contract.NewContract{ClientID: e.globex.ID, Terms: contract.Terms{
		Name: "Migration", Type: contract.FixedPrice, Start: start, BillAmount: e.usd("4800.00")}})
	require.NoError(t, err)
	block, _, err := e.contracts.Create(ctx, contract.NewContract{ClientID: e.plant.ID, Terms: contract.Terms{
		Name: "Support block", Type: contract.RetainerHours, Start: start, Hours: decimal.NewFromInt(2), BillingPrice: e.usd("200.00"),
		OverageRate: e.usd("140.00"), Schedule: contract.Schedule{Cycle: contract.Monthly}}})
	require.NoError(t, err)

	day := psa.NewDate(2026, 11, 16)
	for i, w := range []servicedesk.Work{
		{ClientID: e.acme.ID, Role: "technician", Duration: 50 * time.Minute, Billable: true, Note: "printer", NotePublic: true},
		{ClientID: e.acme.ID, Role: "engineer", Duration: 7 * time.Minute, Billable: false},
		{ClientID: e.globex.ID, ContractID: tm.ID, Role: "engineer", Duration: 95 * time.Minute, Billable: true},
		{ClientID: e.globex.ID, ContractID: tm.ID, Role: "technician", Duration: 70 * time.Minute, Billable: true},
		{ClientID: e.plant.ID, ContractID: block.ID, Role: "technician", Duration: 150 * time.Minute, Billable: true},
		{ClientID: e.plant.ID, Role: "technician", Duration: 20 * time.Minute, Billable: true},
	} {
		w.StaffID, w.Date = psa.StaffID{UUID: e.acme.ID.UUID}, day.AddDays(-i)
		te, err := e.desk.LogTime(ctx, w)
		require.NoError(t, err)
		e.entries = append(e.entries, te.ID)
	}
	_, err = e.bills.CreateSalesItem(ctx, e.acme.ID, billing.Item{Description: "Label printer", Quantity: decimal.NewFromInt(2),
		UnitPrice: e.usd("79.95"), Date: psa.NewDate(2026, 11, 10)})
	require.NoError(t, err)
	e.draft, err = e.invoices.CreateDraft(ctx, invoice.Invoice{ClientID: e.globex.ID, Currency: e.usd("0").Currency(), Lines: []invoice.Line{
		{Description: "Consulting", Quantity: decimal.NewFromInt(3), UnitPrice: e.usd("150.00"), Amount: e.usd("450.00"), TaxRegion: "US-IL"},
		{Description: "Cabling", Quantity: decimal.NewFromInt(1), UnitPrice: e.usd("89.10"), Amount: e.usd("89.10"), TaxRegion: "US-IL"}},
		Regions: []invoice.TaxRegion{region}})
	require.NoError(t, err)
	return e
}

func (e *faultEnv) usd(s string) psa.Money {
	m, err := psa.ParseMoney(s, "USD")
	require.NoError(e.t, err)
	return m
}

func (e *faultEnv) client(name string, billed bool, parent psa.ClientID) client.Client {
	in := client.NewClient{Profile: client.Profile{Name: name}, ParentID: parent, BillToParent: !psa.IsNil(parent)}
	if billed {
		terms, err := psa.NetDays(30)
		require.NoError(e.t, err)
		in.Billing = &client.BillingInfo{Address: psa.Address{Line1: "1 Main St", City: "Springfield", Country: "US"},
			InvoiceEmail: "ap@example.com", TaxRegion: "US-IL", Currency: e.usd("0").Currency(), PaymentTerms: terms}
	}
	c, err := e.clients.Create(e.t.Context(), in)
	require.NoError(e.t, err)
	return c
}

// approve approves every entry but the bare client's (there is none) in one batch.
func (e *faultEnv) approve() error {
	_, err := e.desk.Approve(e.t.Context(), e.entries...)
	return err
}

var runDate = psa.NewDate(2026, 11, 30)

// bill runs billing; a client's failure is returned as the run's error.
func (e *faultEnv) bill() error {
	run, err := e.bills.Bill(e.t.Context(), billing.RunOptions{AsOf: runDate, Scheme: e.scheme.ID})
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range run.Failed() {
		errs = append(errs, c.Err)
	}
	return errors.Join(errs...)
}

func (e *faultEnv) finalize() error {
	_, err := e.invoices.Finalize(e.t.Context(), e.draft.ID, e.draft.Version, e.scheme.ID, runDate)
	return err
}

// state is the business state of the store, without identifiers, which a failed transaction
// burns: every invoice with its number, client, lines and totals; every time entry's status and
// its invoice; the claims; the numbering counter; the contracts' billed amounts and retainer
// usage; the parts' billed-through dates. Invoices are named by their numbers, or, when
// byNumber is false, by their client and PO number (the numbers then listed apart, sorted).
func (e *faultEnv) state(byNumber bool) string {
	c := committedOf(e.store)
	numberOf := map[psa.InvoiceID]string{}
	names := map[psa.ClientID]string{}
	for _, cl := range c.clients {
		names[cl.ID] = cl.Name
	}
	var invoices, issued, lines []string
	for _, inv := range c.invoices {
		numberOf[inv.ID] = inv.Number
		if !byNumber {
			numberOf[inv.ID] = names[inv.ClientID] + " " + inv.PONumber
			issued = append(issued, inv.Number)
		}
		block := fmt.Sprintf("invoice %q %s %s %s due %s po %q net %s tax %s total %s v%d",
			numberOf[inv.ID], names[inv.ClientID], inv.Status, inv.Date, inv.DueDate, inv.PONumber, inv.Totals.Net, inv.Totals.Tax, inv.Totals.Total, inv.Version)
		for i, l := range inv.Lines {
			var tax psa.Money
			if i < len(inv.Totals.Lines) {
				tax = inv.Totals.Lines[i].Tax
			}
			block += fmt.Sprintf("\n  %s | %s | %s x %s = %s, tax %s | %s", l.Description, l.Period, l.Quantity, l.UnitPrice, l.Amount, tax, l.Organization)
		}
		invoices = append(invoices, block)
	}
	slices.Sort(invoices)
	slices.Sort(issued)
	lines = append(lines, invoices...)
	if !byNumber {
		lines = append(lines, "numbers issued: "+strings.Join(issued, " "))
	}
	for _, te := range c.entries {
		lines = append(lines, fmt.Sprintf("entry %s %s %v %s %s on %q v%d", names[te.ClientID], te.Date, te.Duration, te.Status, te.Rate, numberOf[te.InvoiceID], te.Version))
	}
	var claims []string
	for _, cl := range c.claims {
		claims = append(claims, fmt.Sprintf("claim %s %s on %q released %v", cl.Key, cl.Amount, numberOf[cl.InvoiceID], cl.Released))
	}
	slices.Sort(claims)
	lines = append(lines, claims...)
	for _, sc := range c.schemes {
		lines = append(lines, fmt.Sprintf("scheme %s last %d v%d", sc.Name, sc.Last, sc.Version))
	}
	for _, k := range c.contracts {
		lines = append(lines, fmt.Sprintf("contract %s billed %s usage %v v%d", k.Name, k.Billed, k.Usage, k.Version))
	}
	for _, p := range c.parts {
		lines = append(lines, fmt.Sprintf("part %s billed through %s v%d", p.Description, p.BilledThrough, p.Version))
	}
	for _, it := range c.salesItems {
		lines = append(lines, fmt.Sprintf("sales item %s on %q", it.Description, numberOf[it.InvoiceID]))
	}
	return strings.Join(lines, "\n")
}

// faultCase is one operation swept: prepare brings a fresh portfolio to the state before it,
// op performs it.
type faultCase struct {
	name    string
	prepare func(e *faultEnv)
	op      func(e *faultEnv) error
	// renumbered: the operation is several transactions that draw invoice numbers (one per
	// client), so a client whose transaction failed gets its numbers on the rerun, after the
	// others: the same numbers, in another order. Its states name invoices by client.
	renumbered bool
}

var faultCases = []faultCase{
	{name: "batch approval", prepare: func(*faultEnv) {}, op: (*faultEnv).approve},
	{name: "billing run", prepare: func(e *faultEnv) { require.NoError(e.t, e.approve()) }, op: (*faultEnv).bill, renumbered: true},
	{name: "finalization", prepare: func(*faultEnv) {}, op: (*faultEnv).finalize},
	{name: "void", prepare: func(e *faultEnv) {
		require.NoError(e.t, e.approve())
		require.NoError(e.t, e.bill())
	}, op: func(e *faultEnv) error {
		// Void the invoice with the most lines: Acme's, with time, a sales item, part periods and
		// the setup fee.
		var inv invoice.Invoice
		for _, v := range committedOf(e.store).invoices {
			if len(v.Lines) > len(inv.Lines) {
				inv = v
			}
		}
		_, err := e.bills.Void(e.t.Context(), inv.ID, inv.Version, "wrong quantity")
		return err
	}},
}

// TestFaultSweep fails, for each operation, every store call it makes, one per run on a fresh
// portfolio: the transaction of the failed call must return the injected error and leave the
// store exactly as it was before that transaction (see checked); the operation run again without
// faults must then bring the store to the state a run without faults leaves (the same invoices,
// numbers, lines and totals; the same statuses and claims), and a billing run after it too.
func TestFaultSweep(t *testing.T) {
	var total atomic.Int64
	t.Cleanup(func() { t.Logf("%d faults injected and survived", total.Load()) })
	for _, fc := range faultCases {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			// The run without faults: its calls and the states it leaves.
			clean := newFaultEnv(t)
			fc.prepare(clean)
			clean.inject(0)
			require.NoError(t, fc.op(clean))
			calls := clean.faulty.Calls()
			require.Greater(t, calls, 0)
			want := clean.state(!fc.renumbered)
			require.NoError(t, clean.bill())
			wantBilled := clean.state(!fc.renumbered)

			snapFrom := 0
			for k := 1; k <= calls; k++ {
				e := newFaultEnv(t)
				fc.prepare(e)
				e.inject(k)
				e.snapFrom = snapFrom
				err := fc.op(e)
				if !e.fired {
					t.Fatalf("call %d of %d was not made", k, calls)
				}
				if !errors.Is(err, errInjected) {
					t.Fatalf("call %d (%s) failed, and the operation returned %v", k, e.op, err)
				}
				if e.failedTx != 1 {
					t.Fatalf("call %d (%s) failed in %d checked transactions", k, e.op, e.failedTx)
				}
				snapFrom = e.firedTx
				e.inject(0)
				if err := fc.op(e); err != nil {
					t.Fatalf("call %d (%s) failed; the rerun: %v", k, e.op, err)
				}
				if d := cmp.Diff(want, e.state(!fc.renumbered)); d != "" {
					t.Fatalf("call %d (%s) failed; after the rerun the state differs from a run without faults (-want +got):\n%s", k, e.op, d)
				}
				require.NoError(t, e.bill())
				if d := cmp.Diff(wantBilled, e.state(!fc.renumbered)); d != "" {
					t.Fatalf("call %d (%s) failed; after the rerun and a billing run the state differs (-want +got):\n%s", k, e.op, d)
				}
			}
			total.Add(int64(calls))
			t.Logf("%s: %d store calls, each failed once and survived", fc.name, calls)
		})
	}
}
