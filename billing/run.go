package billing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/internal/versioned"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// RunOptions say what a billing run bills.
type RunOptions struct {
	// AsOf is the run date: what is due on it is billed, dated it.
	AsOf psa.Date
	// Scheme is the numbering scheme of the invoices; it must be confirmed (seed 000).
	Scheme psa.NumberingSchemeID
	// Clients limits the run to these bill-to clients, so that hosts can shard a run across
	// workers; nil means every client.
	Clients []psa.ClientID
	// Preview computes the same result and writes nothing.
	Preview bool
	// ApplyCredit settles the new invoices from their client's credit balance (overpayments of
	// earlier invoices, see invoice.Credit) as far as it goes.
	ApplyCredit bool
	// Workers is how many clients are billed at once; 0 and 1 bill them one after the other.
	// Clients are independent, so their transactions run concurrently; each draws its invoice
	// numbers only once the client before it (in the order of Clients, or of the store's
	// listing) has ended, so the result, numbers included, is the same whatever the number of
	// workers. The runner must let Workers transactions run at once.
	Workers int
	// Progress, when set, is called after each client with the number of clients done and
	// their total, never concurrently.
	Progress func(done, total int)
}

// Reason says why something was not billed.
type Reason string

// Reasons in a run's client summaries.
const (
	NoBillingInfo Reason = "no billing information"
	NothingToBill Reason = "nothing to bill"
	// NotBillable is approved time that no invoice bills: non-billable time, and time covered by
	// a recurring, fixed-price or per-ticket contract.
	NotBillable Reason = "approved but not billable"
	// Unapproved is time waiting for approval: billed by the first run after it is approved.
	Unapproved Reason = "unapproved time waiting"
)

// Skip is one reason something of a client was not billed, with what it concerns.
type Skip struct {
	Reason Reason
	Detail string
	// Entries, Duration and Value describe the time concerned (for NotBillable and Unapproved);
	// Value is the time at the rates it would be billed at, when they resolve.
	Entries  int
	Duration time.Duration
	Value    psa.Money
}

// ClientRun is what a run did for one bill-to client.
type ClientRun struct {
	ClientID psa.ClientID
	Name     string
	Invoices []invoice.Invoice
	Skipped  []Skip
	// Err is the error that stopped this client's billing; the client's transaction was rolled
	// back and the other clients are not affected.
	Err error
}

// Run is the result of a billing run.
type Run struct {
	AsOf    psa.Date
	Preview bool
	Clients []ClientRun
}

// Invoices returns every invoice the run created, client by client.
func (r Run) Invoices() []invoice.Invoice {
	var out []invoice.Invoice
	for _, c := range r.Clients {
		out = append(out, c.Invoices...)
	}
	return out
}

// Failed returns the clients whose billing failed.
func (r Run) Failed() []ClientRun {
	var out []ClientRun
	for _, c := range r.Clients {
		if c.Err != nil {
			out = append(out, c)
		}
	}
	return out
}

var errPreview = errors.New("billing preview: roll back")

// Bill runs billing for the bill-to clients of opts (every client when opts.Clients is nil):
// per client, in a transaction of its own, it bills what is due on opts.AsOf and not billed yet —
// recurring part charges (prorated, and recomputed so that a later change bills or credits the
// difference), contract billing prices, setup fees once, fixed prices once, approved time and
// materials (capped by the contract's cap), and sales items — on one invoice per PO number and
// payment terms, finalized with the next numbers of opts.Scheme. Sub-organizations billed to
// their parent appear on the parent's invoice, their lines labelled with their name. A client's
// failure is reported in its ClientRun and does not roll back the others.
//
// A run is idempotent: every billed item is claimed by one invoice line, so a second run for the
// same date creates nothing. An unconfirmed numbering scheme stops the whole run before anything
// is billed, with an *invoice.UnconfirmedError (seed 000).
func (s *Service) Bill(ctx context.Context, opts RunOptions) (Run, error) {
	if opts.AsOf.IsZero() {
		return Run{}, psa.Invalid("billing run", "asOf", "", "is required")
	}
	scheme, err := s.scheme(ctx, opts.Scheme)
	if err != nil {
		return Run{}, err
	}
	if !scheme.Confirmed {
		var probe = scheme
		_, err := probe.Issue(opts.AsOf)
		return Run{}, err
	}
	ids := opts.Clients
	if ids == nil {
		if ids, err = s.billToClients(ctx); err != nil {
			return Run{}, err
		}
	}
	run := Run{AsOf: opts.AsOf, Preview: opts.Preview}
	var carried *invoice.Scheme // a preview numbers its invoices as a real run would
	if opts.Preview {
		carried = &scheme
	}
	if opts.Workers > 1 && len(ids) > 1 {
		return s.billConcurrently(ctx, ids, opts, carried, run)
	}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return run, err
		}
		run.Clients = append(run.Clients, s.billOne(ctx, id, opts, carried, nil))
		if opts.Progress != nil {
			opts.Progress(i+1, len(ids))
		}
	}
	return run, nil
}

// billConcurrently bills ids with opts.Workers workers. Client i draws its invoice numbers once
// client i-1 has ended (turns), so numbering follows the order of ids as in a sequential run.
func (s *Service) billConcurrently(ctx context.Context, ids []psa.ClientID, opts RunOptions, carried *invoice.Scheme, run Run) (Run, error) {
	results := make([]ClientRun, len(ids))
	ended := make([]chan struct{}, len(ids))
	for i := range ended {
		ended[i] = make(chan struct{})
	}
	var (
		next     atomic.Int64
		mu       sync.Mutex
		finished int
		wg       sync.WaitGroup
	)
	for range min(opts.Workers, len(ids)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				var t *turn
				if i > 0 {
					t = &turn{prev: ended[i-1]}
				}
				results[i] = s.billOne(ctx, ids[i], opts, carried, t)
				if t != nil {
					<-t.prev // a client that failed early ends after the one before it all the same
				}
				close(ended[i])
				mu.Lock()
				finished++
				if opts.Progress != nil {
					opts.Progress(finished, len(ids))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// Every client before the first one not billed (when ctx ended the run) is done.
	for i := range ids {
		select {
		case <-ended[i]:
			run.Clients = append(run.Clients, results[i])
			continue
		default:
		}
		break
	}
	if len(run.Clients) < len(ids) {
		return run, ctx.Err()
	}
	return run, nil
}

// turn is a client's turn to draw invoice numbers in a concurrent run: it comes when the previous
// client's billing has ended (prev is closed).
type turn struct {
	prev <-chan struct{}
}

// errNotYourTurn ends a re-run transaction function that reached the numbering before its turn,
// so that it waits outside any transaction (a runner may re-run the function holding a lock
// the previous client needs).
var errNotYourTurn = errors.New("billing run: the previous client is not done yet")

// wait waits for the turn: in the first call of a transaction function only; a later call (the
// runner re-running the function) does not block, and gives errNotYourTurn before the turn.
func (t *turn) wait(ctx context.Context, first bool) error {
	if first {
		select {
		case <-t.prev:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case <-t.prev:
		return nil
	default:
		return errNotYourTurn
	}
}

func (s *Service) scheme(ctx context.Context, id psa.NumberingSchemeID) (invoice.Scheme, error) {
	return versioned.Get(ctx, s.run, Tx.GetScheme, id)
}

// billToClients lists every client that is its own bill-to client.
func (s *Service) billToClients(ctx context.Context) ([]psa.ClientID, error) {
	var ids []psa.ClientID
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error) {
			return tx.ListClients(ctx, p)
		})
		ids = ids[:0]
		for _, c := range all {
			if !(c.BillToParent && c.HasParent()) {
				ids = append(ids, c.ID)
			}
		}
		return err
	})
	return ids, err
}

// billOne bills one bill-to client in its own transaction; t, in a concurrent run, is the
// client's turn to draw invoice numbers.
func (s *Service) billOne(ctx context.Context, id psa.ClientID, opts RunOptions, carried *invoice.Scheme, t *turn) ClientRun {
	var res ClientRun
	var err error
	lines := s.lines.Get().(*[]pending)
	defer func() {
		clear((*lines)[:cap(*lines)]) // keep no reference to this client's values
		*lines = (*lines)[:0]
		s.lines.Put(lines)
	}()
	for {
		calls := 0
		err = s.run(ctx, func(ctx context.Context, tx Tx) error {
			calls++
			b := &bill{s: s, tx: tx, opts: opts, carried: carried, lines: (*lines)[:0]}
			defer func() { *lines = b.lines[:0] }() // the grown buffer serves the next call and client
			if t != nil {
				first := calls == 1
				b.wait = func(ctx context.Context) error { return t.wait(ctx, first) }
			}
			var err error
			res, err = b.client(ctx, id)
			if err == nil && opts.Preview {
				return errPreview
			}
			return err
		})
		if !errors.Is(err, errNotYourTurn) {
			break
		}
		if err = t.wait(ctx, true); err != nil {
			break
		}
	}
	if err != nil && !errors.Is(err, errPreview) {
		res = ClientRun{ClientID: id, Err: err}
		_ = s.run(ctx, func(ctx context.Context, tx Tx) error {
			c, err := tx.GetClient(ctx, id)
			res.Name = c.Name
			return err
		})
	}
	return res
}

// bill is one client's billing in one transaction.
type bill struct {
	s      *Service
	tx     Tx
	opts   RunOptions
	billTo client.Client
	lines  []pending
	set    servicedesk.Settings
	// credit is the client's credit balance as the bill's invoices leave it; nil until read.
	credit *psa.Money
	// listed are the contracts of the bill's organizations and those their time refers to, as
	// read in this transaction.
	listed map[psa.ContractID]contract.Contract
	// ticketsOf caches the tickets of the organizations read so far.
	ticketsOf map[psa.ClientID][]servicedesk.Ticket
	// carried is, in a preview, the numbering scheme as the previous clients left it: a preview
	// writes nothing, so the stored one does not move.
	carried *invoice.Scheme
	// wait, in a concurrent run, waits for the client's turn to draw invoice numbers.
	wait func(ctx context.Context) error
}

// pending is an invoice line to be, with what it claims and what to do once its invoice exists.
type pending struct {
	line     invoice.Line
	subject  Subject
	key      string
	consumed *Consumption
	po       string
	terms    psa.PaymentTerms
	after    func(ctx context.Context, inv psa.InvoiceID) error
	// entry, when set, is the time entry the line bills, as listed in this transaction (at its
	// stored version): once the invoice exists, the entry is marked billed by it, before after
	// runs.
	entry *servicedesk.TimeEntry
	// invoice is the position of the line's invoice among the bill's invoices.
	invoice int
	// item, when set, is the sales item the line bills, as listed in this transaction: once the
	// invoice exists, the item is marked billed by it, before after runs.
	item *SalesItem
}

func (b *bill) client(ctx context.Context, id psa.ClientID) (ClientRun, error) {
	c, err := b.tx.GetClient(ctx, id)
	if err != nil {
		return ClientRun{}, err
	}
	res := ClientRun{ClientID: c.ID, Name: c.Name}
	b.billTo = c
	if missing := c.Billing.Missing(); len(missing) > 0 {
		res.Skipped = append(res.Skipped, Skip{Reason: NoBillingInfo, Detail: fmt.Sprint(missing)})
		return res, nil
	}
	if b.set, err = b.tx.GetSettings(ctx); err != nil {
		return ClientRun{}, err
	}
	orgs, err := b.organizations(ctx)
	if err != nil {
		return ClientRun{}, err
	}
	if p, ok := b.tx.(Prefetcher); ok {
		ids := make([]psa.ClientID, len(orgs))
		for i, org := range orgs {
			ids[i] = org.ID
		}
		if err := p.PrefetchBilling(ctx, ids); err != nil {
			return ClientRun{}, err
		}
	}
	for _, org := range orgs {
		if err := b.contracts(ctx, org); err != nil {
			return ClientRun{}, err
		}
		skips, err := b.time(ctx, org)
		if err != nil {
			return ClientRun{}, err
		}
		res.Skipped = append(res.Skipped, skips...)
		if err := b.salesItems(ctx, org); err != nil {
			return ClientRun{}, err
		}
	}
	if res.Invoices, err = b.invoices(ctx); err != nil {
		return ClientRun{}, err
	}
	if len(res.Invoices) == 0 {
		res.Skipped = append(res.Skipped, Skip{Reason: NothingToBill})
	}
	return res, nil
}

// organizations returns the bill-to client and every sub-organization billed to it.
func (b *bill) organizations(ctx context.Context) ([]client.Client, error) {
	orgs := []client.Client{b.billTo}
	subs, err := client.Descendants(ctx, b.tx, b.billTo.ID)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		to, err := client.BillTo(ctx, b.tx, sub.ID)
		if err != nil {
			return nil, err
		}
		if to.ID == b.billTo.ID {
			orgs = append(orgs, sub)
		}
	}
	return orgs, nil
}

// add queues a line for org.
func (b *bill) add(org client.Client, p pending) {
	if org.ID != b.billTo.ID {
		p.line.Organization = org.Name
	}
	p.line.ClientID = org.ID
	if p.terms.IsZero() {
		p.terms = b.billTo.Billing.PaymentTerms
	}
	b.lines = append(b.lines, p)
}

// contracts queues the contract charges of org that are due.
func (b *bill) contracts(ctx context.Context, org client.Client) error {
	all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Contract], error) {
		return b.tx.ListContracts(ctx, org.ID, p)
	})
	if err != nil {
		return err
	}
	if b.listed == nil {
		b.listed = map[psa.ContractID]contract.Contract{}
	}
	for _, k := range all {
		b.listed[k.ID] = k
		if k.Status != contract.StatusActive && k.Status != contract.StatusExpired || k.Start.After(b.opts.AsOf) {
			continue
		}
		if err := b.once(ctx, org, k); err != nil {
			return err
		}
		if k.Type == contract.PerTicket {
			if err := b.incidents(ctx, org, k); err != nil {
				return err
			}
		}
		if k.Type != contract.Recurring && k.Type != contract.RetainerAmount && k.Type != contract.RetainerHours {
			continue
		}
		parts, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Part], error) {
			return b.tx.ListParts(ctx, k.ID, p)
		})
		if err != nil {
			return err
		}
		if k.BillingPrice.Currency() == k.Currency && !k.BillingPrice.IsZero() {
			fee := contract.Part{ID: psa.PartID{UUID: k.ID.UUID}, ContractID: k.ID, Description: k.Name, UnitPrice: k.BillingPrice,
				UnitKind: contract.UnitFixed, Start: k.Start, Quantities: []contract.Quantity{{From: k.Start, Quantity: decimal.NewFromInt(1)}}}
			if err := b.periods(ctx, org, k, fee, false); err != nil {
				return err
			}
		}
		for _, p := range parts {
			if p.PriceSet() {
				if err := b.periods(ctx, org, k, p, true); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// once queues a contract's setup fee and its fixed price (or the price of a per-ticket contract's
// prepaid incidents), each billed once (again after a void).
func (b *bill) once(ctx context.Context, org client.Client, k contract.Contract) error {
	type charge struct {
		key    string
		amount psa.Money
	}
	charges := []charge{{"setup fee", k.SetupFee}}
	switch k.Type {
	case contract.FixedPrice:
		charges = append(charges, charge{"fixed price", k.BillAmount})
	case contract.PerTicket:
		charges = append(charges, charge{"prepaid incidents", k.BillAmount})
	}
	billed, err := b.billedKeys(ctx, SubjectOf(k.ID))
	if err != nil {
		return err
	}
	for _, ch := range charges {
		if _, done := billed.get(ch.key); done || ch.amount.Currency() != k.Currency || ch.amount.IsZero() {
			continue
		}
		amount := ch.amount.Round(k.Rounding)
		p := pending{subject: SubjectOf(k.ID), key: ch.key, po: k.PONumber, terms: k.PaymentTerms,
			line: invoice.Line{Description: fmt.Sprintf("%s: %s", k.Name, ch.key), Quantity: decimal.NewFromInt(1), UnitPrice: amount, Amount: amount,
				Explanation: fmt.Sprintf("%s of contract %q, billed once", ch.key, k.Name), Source: invoice.Source{Kind: ch.key, ID: k.ID.String()}}}
		if ch.key == "fixed price" {
			id := k.ID
			p.after = func(ctx context.Context, _ psa.InvoiceID) error {
				c, err := b.tx.GetContract(ctx, id)
				if err != nil {
					return err
				}
				if c.Billed, err = c.Billed.Add(amount); err != nil {
					return err
				}
				return b.tx.UpdateContract(ctx, c)
			}
		}
		b.add(org, p)
	}
	return nil
}

// periods queues, for every billing period of part p that is due, the difference between its
// charge as it now stands and what was billed for it (recompute and diff). A stored part whose
// Reconciled mark still holds has its periods due on the mark's date billed at their charge and
// nothing billed after them: only the periods due since are computed, against nothing billed.
func (b *bill) periods(ctx context.Context, org client.Client, k contract.Contract, p contract.Part, stored bool) error {
	var dues []contract.DuePeriod
	served := p.Served(k)
	if served.End.IsZero() || served.Start.Before(served.End) {
		var err error
		if dues, err = k.Schedule.Due(served, k.Timing, psa.Date{}, b.opts.AsOf); err != nil {
			return err
		}
	}
	var usage map[psa.Date]decimal.Decimal
	var records []Usage
	if stored {
		var err error
		if records, err = b.tx.ListUsage(ctx, p.ID); err != nil {
			return err
		}
		for _, u := range records {
			if usage == nil {
				usage = make(map[psa.Date]decimal.Decimal, len(records))
			}
			usage[u.Period.Start] = u.Quantity
		}
	}
	done := 0 // dues[:done] need nothing
	if stored {
		done = b.reconciled(k, p, served, dues, records)
	}
	var billed billed
	if done == 0 {
		var err error
		if billed, err = b.billedKeys(ctx, SubjectOf(p.ID)); err != nil {
			return err
		}
	}
	queued := len(b.lines)
	latest := p.BilledThrough
	cur := p.UnitPrice.Currency()
	var keyBuf [32]byte
	for i, due := range dues {
		if latest.Before(due.Served.End) {
			latest = due.Served.End
		}
		if i < done {
			continue
		}
		priced := p
		if q, ok := usage[due.Period.Start]; ok {
			// The host's measured quantity for the period replaces the dated quantities.
			priced.Quantities = []contract.Quantity{{From: due.Served.Start, Quantity: q}}
		}
		units, small := contract.PartMinorUnits(k, priced, due)
		var amount psa.Money
		if !small {
			var err error
			if amount, err = contract.PartAmount(k, priced, due); err != nil {
				return err
			}
		}
		key := due.Period.Start.Append(append(keyBuf[:0], "period "...))
		var before psa.Money
		if i := billed.indexBytes(key); i >= 0 {
			before, billed[i].done = billed[i].sum, true
		}
		if small {
			if sameUnits(before, cur, units) {
				continue // billed as it stands: the full charge (and its explanation) is not needed
			}
		} else {
			if before.Currency() != amount.Currency() {
				before = psa.ZeroMoney(amount.Currency())
			}
			if amount.Equal(before) {
				continue
			}
		}
		charge, err := contract.PartCharge(k, priced, due)
		if err != nil {
			return err
		}
		if before.Currency() != charge.Amount.Currency() {
			before = psa.ZeroMoney(charge.Amount.Currency())
		}
		diff, err := contract.Adjustment(charge, before)
		if err != nil {
			return err
		}
		var buf [512]byte
		t := lineText{buf: append(buf[:0], p.Description...)}
		t.buf = append(t.buf, ", "...)
		t.buf = due.Served.Append(t.buf)
		if !before.IsZero() {
			t.buf = append(t.buf, " (adjustment)"...)
		}
		t.cut()
		t.buf = charge.AppendExplain(t.buf)
		if !before.IsZero() {
			t.buf = append(t.buf, "\nalready billed "...)
			t.buf = before.Append(t.buf)
			t.buf = append(t.buf, " for this period: adjustment "...)
			t.buf = diff.Append(t.buf)
		}
		t.cut()
		t.buf = appendUUID(t.buf, p.ID.UUID)
		t.buf = append(t.buf, '/')
		t.buf = due.Period.Start.Append(t.buf)
		desc, explain, source := t.texts()
		qty := decimal.NewFromInt(1)
		if len(charge.Lines) == 1 {
			qty = charge.Lines[0].Quantity
		}
		b.add(org, pending{subject: SubjectOf(p.ID), key: string(key), po: k.PONumber, terms: k.PaymentTerms,
			line: invoice.Line{Description: desc, Period: due.Served, Quantity: qty, UnitPrice: charge.UnitPrice, Amount: diff,
				Explanation: explain, Source: invoice.Source{Kind: "contract part", ID: source}}})
	}
	// Periods billed before and no longer served at all (the contract ended before them): their
	// charge is now nothing, so what was billed for them is credited.
	for _, left := range billed.left() {
		key, amount := left.key, left.sum
		if amount.IsZero() {
			continue
		}
		start, err := psa.ParseDate(strings.TrimPrefix(key, "period "))
		if err != nil {
			continue // not a period claim
		}
		period, err := k.Schedule.PeriodOf(start)
		if err != nil {
			return err
		}
		credit := amount.Neg()
		b.add(org, pending{subject: SubjectOf(p.ID), key: key, po: k.PONumber, terms: k.PaymentTerms,
			line: invoice.Line{Description: fmt.Sprintf("%s, %s (credit: no longer in service)", p.Description, period), Period: period,
				Quantity: decimal.NewFromInt(1), UnitPrice: credit, Amount: credit,
				Explanation: fmt.Sprintf("the part is not served in %s any more; the %s billed for it is credited", period, amount),
				Source:      invoice.Source{Kind: "contract part", ID: p.ID.String() + "/" + start.String()}}})
	}
	if !stored || len(b.lines) == queued {
		return nil
	}
	// Every due period is now billed at its charge, and every period no longer due credited: the
	// part is stored with the mark that lets the next run start after them.
	part, last := p, len(b.lines)-1 // p as listed in this transaction, at its stored version
	part.BilledThrough = latest
	part.Reconciled = contract.Reconciled{PartID: p.ID, AsOf: b.opts.AsOf, PartVersion: p.Version + 1, ContractVersion: k.Version}
	if len(dues) > 0 {
		part.Reconciled.Usage = usageMark(records, dues[len(dues)-1].Period.Start)
	}
	b.lines[last].after = chain(b.lines[last].after, func(ctx context.Context, _ psa.InvoiceID) error {
		return b.tx.UpdatePart(ctx, part)
	})
	return nil
}

// reconciled returns how many of dues, part p's periods due now, its Reconciled mark shows billed
// at the charges they still have: those due on the mark's date, when the part, its contract and
// its usage records up to them are as the marking run left them (0 when they are not).
func (b *bill) reconciled(k contract.Contract, p contract.Part, served psa.Period, dues []contract.DuePeriod, records []Usage) int {
	m := p.Reconciled
	if m.IsZero() || m.PartID != p.ID || m.PartVersion != p.Version || m.ContractVersion != k.Version {
		return 0
	}
	then, err := k.Schedule.Due(served, k.Timing, psa.Date{}, m.AsOf)
	if err != nil || len(then) == 0 || len(then) > len(dues) || !slices.Equal(then, dues[:len(then)]) {
		return 0
	}
	if usageMark(records, then[len(then)-1].Period.Start) != m.Usage {
		return 0
	}
	return len(then)
}

// usageMark sums the versions of the usage records of periods starting on or before last:
// recording a period's usage (or recording it again) changes the sum.
func usageMark(records []Usage, last psa.Date) int64 {
	var sum int64
	for _, u := range records {
		if !u.Period.Start.After(last) {
			sum += u.Version
		}
	}
	return sum
}

func chain(a, b func(context.Context, psa.InvoiceID) error) func(context.Context, psa.InvoiceID) error {
	if a == nil {
		return b
	}
	return func(ctx context.Context, id psa.InvoiceID) error {
		if err := a(ctx, id); err != nil {
			return err
		}
		return b(ctx, id)
	}
}

// time queues org's approved time and materials and reports the time it does not bill.
func (b *bill) time(ctx context.Context, org client.Client) ([]Skip, error) {
	entries, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
		return b.tx.ListTimeEntries(ctx, org.ID, p)
	})
	if err != nil {
		return nil, err
	}
	cur := b.billTo.Billing.Currency
	// Approved time no line bills, by why: non-billable time; time a recurring, fixed-price or
	// per-ticket contract covers (it stays approved and is reported at every run).
	notBillable := map[string]*Skip{}
	unbilled := func(detail string, e servicedesk.TimeEntry) {
		sk := notBillable[detail]
		if sk == nil {
			sk = &Skip{Reason: NotBillable, Detail: detail, Value: psa.ZeroMoney(cur)}
			notBillable[detail] = sk
		}
		sk.Entries++
		sk.Duration += e.Duration
	}
	waiting := Skip{Reason: Unapproved, Detail: "waiting for approval", Value: psa.ZeroMoney(cur)}
	capped := map[capKey]*capTotal{}
	if b.listed == nil {
		b.listed = map[psa.ContractID]contract.Contract{}
	}
	contracts := b.listed
	retained := map[psa.ContractID][]servicedesk.TimeEntry{} // time that consumes a retainer
	for i := range entries {
		e := entries[i]
		if e.Date.After(b.opts.AsOf) {
			continue
		}
		var k *contract.Contract
		if !psa.IsNil(e.ContractID) {
			c, ok := contracts[e.ContractID]
			if !ok {
				if c, err = b.tx.GetContract(ctx, e.ContractID); err != nil {
					return nil, err
				}
				contracts[e.ContractID] = c
			}
			k = &c
		}
		if e.Status == servicedesk.EntryBilled && k != nil && hasCap(*k) {
			// Time billed by earlier runs counts towards its period's cap.
			if err := b.countCap(capped, *k, e, false); err != nil {
				return nil, err
			}
			continue
		}
		switch e.Status {
		case servicedesk.EntrySubmitted:
			waiting.Entries++
			waiting.Duration += e.Duration
			if v, ok := b.estimate(org, k, e); ok {
				waiting.Value, _ = waiting.Value.Add(v)
			}
			continue
		case servicedesk.EntryApproved:
		default:
			continue
		}
		switch {
		case !e.Billable:
			unbilled("non-billable time", e)
			continue
		case k == nil || k.Type == contract.TimeAndMaterials:
		case k.Type == contract.RetainerAmount || k.Type == contract.RetainerHours:
			retained[k.ID] = append(retained[k.ID], e)
			continue
		default:
			unbilled("covered by the contract", e)
			continue
		}
		rounding := psa.RoundHalfUp
		if k != nil {
			rounding = k.Rounding
		}
		value, err := e.Value(rounding)
		if err != nil {
			return nil, err
		}
		var buf [256]byte
		t := lineText{buf: appendWorkLabel(e.Date.Append(buf[:0]), ' ', e)}
		t.cut()
		t.buf = appendDuration(t.buf, e.BillableDuration)
		t.buf = append(t.buf, " billable ("...)
		t.buf = appendDuration(t.buf, e.Duration)
		t.buf = append(t.buf, " worked) at "...)
		t.buf = e.Rate.Append(t.buf)
		t.buf = append(t.buf, " an hour ("...)
		t.buf = append(t.buf, e.RateSource...)
		t.buf = append(t.buf, "), rounded "...)
		t.buf = append(t.buf, rounding.String()...)
		t.buf = append(t.buf, " once"...)
		t.cut()
		t.buf = appendUUID(t.buf, e.ID.UUID)
		desc, explain, source := t.texts()
		p := pending{subject: SubjectOf(e.ID), key: "time", entry: &entries[i], line: invoice.Line{
			Description: desc,
			Period:      psa.Period{Start: e.Date, End: e.Date.AddDays(1)},
			Quantity:    durationHours(e.BillableDuration),
			UnitPrice:   e.Rate, Amount: value,
			Explanation: explain,
			Source:      invoice.Source{Kind: "time entry", ID: source}}}
		if k != nil {
			p.po, p.terms = k.PONumber, k.PaymentTerms
			if hasCap(*k) {
				if err := b.countCap(capped, *k, e, true); err != nil {
					return nil, err
				}
			}
		}
		b.add(org, p)
	}
	for _, id := range slices.SortedFunc(maps.Keys(retained), func(a, c psa.ContractID) int { return strings.Compare(a.String(), c.String()) }) {
		if err := b.consume(org, contracts[id], retained[id]); err != nil {
			return nil, err
		}
	}
	if err := b.capLines(ctx, org, capped, contracts); err != nil {
		return nil, err
	}
	var skips []Skip
	for _, detail := range []string{"non-billable time", "covered by the contract"} {
		if sk := notBillable[detail]; sk != nil {
			skips = append(skips, *sk)
			delete(notBillable, detail)
		}
	}
	if waiting.Entries > 0 {
		skips = append(skips, waiting)
	}
	return skips, nil
}

// appendWorkLabel appends sep and the name of a time entry's work on an invoice line to b: its
// work type and role, and its note when the note is public.
func appendWorkLabel(b []byte, sep byte, e servicedesk.TimeEntry) []byte {
	b = append(b, sep)
	start := len(b)
	b = append(b, e.WorkType...)
	b = append(b, ' ')
	b = append(b, e.Role...)
	trimmed := bytes.TrimSpace(b[start:])
	b = b[:start+copy(b[start:], trimmed)]
	if e.Note != "" && e.NotePublic {
		b = append(b, ": "...)
		b = append(b, e.Note...)
	}
	return b
}

// estimate values unapproved time at the rate and rounding it would be approved at; ok is false
// when no rate applies yet.
func (b *bill) estimate(org client.Client, k *contract.Contract, e servicedesk.TimeEntry) (psa.Money, bool) {
	if !e.Billable {
		return psa.Money{}, false
	}
	priced := org
	priced.Billing = b.billTo.Billing
	rate, _, err := servicedesk.ResolveRate(priced, k, b.set.DefaultRates, e.WorkType, e.Role)
	if err != nil {
		return psa.Money{}, false
	}
	rounding := b.set.TimeRounding
	if k != nil && k.TimeRounding != nil {
		rounding = *k.TimeRounding
	}
	e.Rate, e.BillableDuration = rate, rounding.Apply(e.Duration)
	v, err := e.Value(psa.RoundHalfUp)
	return v, err == nil
}

// salesItems queues org's sales items dated on or before the run date that no invoice billed.
func (b *bill) salesItems(ctx context.Context, org client.Client) error {
	items, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[SalesItem], error) {
		return b.tx.ListSalesItems(ctx, org.ID, p)
	})
	if err != nil {
		return err
	}
	for i := range items {
		it := &items[i] // as listed in this transaction, at its stored version
		if it.Billed() || it.Date.After(b.opts.AsOf) {
			continue
		}
		amount := it.Amount(b.s.rounding)
		var buf [128]byte
		t := lineText{buf: buf[:0]}
		t.cut() // the item's own description
		t.buf = psa.AppendDecimal(t.buf, it.Quantity)
		t.buf = append(t.buf, " x "...)
		t.buf = it.UnitPrice.Append(t.buf)
		t.buf = append(t.buf, ", sold "...)
		t.buf = it.Date.Append(t.buf)
		t.buf = append(t.buf, ", rounded "...)
		t.buf = append(t.buf, b.s.rounding.String()...)
		t.buf = append(t.buf, " once"...)
		t.cut()
		t.buf = appendUUID(t.buf, it.ID.UUID)
		_, explain, source := t.texts()
		b.add(org, pending{subject: SubjectOf(it.ID), key: "sales item", po: it.PONumber, item: it,
			line: invoice.Line{Description: it.Description, Period: psa.Period{Start: it.Date, End: it.Date.AddDays(1)}, Quantity: it.Quantity,
				UnitPrice: it.UnitPrice, Amount: amount,
				Explanation: explain,
				Source:      invoice.Source{Kind: "sales item", ID: source}}})
	}
	return nil
}

// invoices turns the queued lines into finalized invoices, one per PO number and payment terms,
// claims every line's item and runs the lines' follow-ups.
func (b *bill) invoices(ctx context.Context) ([]invoice.Invoice, error) {
	// One invoice per PO number and payment terms, in the order of their first lines: the lines
	// are sorted by invoice, in place, and each invoice takes its run of them.
	type group struct {
		po    string
		terms psa.PaymentTerms
	}
	var order []group
	for i := range b.lines {
		g := group{b.lines[i].po, b.lines[i].terms}
		k := slices.Index(order, g) // a client has few groups
		if k < 0 {
			k = len(order)
			order = append(order, g)
		}
		b.lines[i].invoice = k
	}
	if len(order) > 1 {
		slices.SortStableFunc(b.lines, func(p, q pending) int { return p.invoice - q.invoice })
	}
	regions, region, err := b.s.regionsFor(b.billTo)
	if err != nil {
		return nil, err
	}
	// The drafts, totalled, their lines claimed and followed up: none of it needs the numbering
	// scheme, so in a concurrent run it overlaps the previous client's numbering.
	out := make([]invoice.Invoice, len(order))
	for i, rest := 0, b.lines; i < len(order); i++ {
		n := 1
		for n < len(rest) && rest[n].invoice == i {
			n++
		}
		if out[i], err = b.draft(ctx, rest[:n], regions, region); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	if b.wait != nil {
		if err := b.wait(ctx); err != nil {
			return nil, err
		}
	}
	scheme, err := b.tx.GetScheme(ctx, b.opts.Scheme)
	if err != nil {
		return nil, err
	}
	if b.carried != nil {
		scheme = *b.carried
	}
	for i, g := range order {
		inv := &out[i]
		if err := inv.FinalizeComputed(&scheme, b.opts.AsOf, g.terms); err != nil {
			return nil, err
		}
		if b.opts.ApplyCredit {
			if err := b.applyCredit(ctx, inv); err != nil {
				return nil, err
			}
		}
		if err := b.tx.CreateInvoice(ctx, *inv); err != nil {
			return nil, err
		}
	}
	if len(out) > 0 {
		if b.carried != nil {
			*b.carried = scheme
		}
		if err := b.tx.PutScheme(ctx, scheme); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// draft makes the totalled draft invoice of lines, claims every line's item and runs the lines'
// follow-ups.
func (b *bill) draft(ctx context.Context, lines []pending, regions []invoice.TaxRegion, region string) (invoice.Invoice, error) {
	ids := b.s.opts.IDs()
	id, err := psa.NewID[psa.InvoiceID](ids)
	if err != nil {
		return invoice.Invoice{}, err
	}
	now := b.s.opts.Clock()
	inv := invoice.Invoice{ID: id, Kind: invoice.InvoiceNumbers, ClientID: b.billTo.ID, Status: invoice.StatusDraft,
		Currency: b.billTo.Billing.Currency, PONumber: lines[0].po, Regions: regions, Tax: invoice.TaxOptions{Rounding: b.s.rounding},
		CreatedAt: now, UpdatedAt: now, Version: 1}
	inv.Lines = make([]invoice.Line, 0, len(lines))
	for i := range lines {
		if lines[i].line.ID, err = psa.NewID[psa.InvoiceLineID](ids); err != nil {
			return invoice.Invoice{}, err
		}
		lines[i].line.TaxRegion = region
		inv.Lines = append(inv.Lines, lines[i].line)
		inv.ServicePeriod = span(inv.ServicePeriod, lines[i].line.Period)
	}
	if err := inv.Recompute(); err != nil {
		return invoice.Invoice{}, err
	}
	for _, p := range lines {
		claim := Claim{LineID: p.line.ID, Subject: p.subject, Key: p.key, InvoiceID: inv.ID, Amount: p.line.Amount, Consumed: p.consumed}
		if err := b.tx.CreateClaim(ctx, claim); err != nil {
			return invoice.Invoice{}, err
		}
		if p.entry != nil {
			e := *p.entry
			e.Status, e.InvoiceID = servicedesk.EntryBilled, inv.ID
			if err := b.tx.UpdateTimeEntry(ctx, e); err != nil {
				return invoice.Invoice{}, err
			}
		}
		if p.item != nil {
			it := *p.item
			it.InvoiceID = inv.ID
			if err := b.tx.UpdateSalesItem(ctx, it); err != nil {
				return invoice.Invoice{}, err
			}
		}
		if p.after != nil {
			if err := p.after(ctx, inv.ID); err != nil {
				return invoice.Invoice{}, err
			}
		}
	}
	return inv, nil
}

// applyCredit settles what it can of new invoice inv from the client's credit balance, read
// once per bill and then kept as the bill uses it.
func (b *bill) applyCredit(ctx context.Context, inv *invoice.Invoice) error {
	if b.credit == nil {
		all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
			return b.tx.ListInvoices(ctx, b.billTo.ID, p)
		})
		if err != nil {
			return err
		}
		credit := invoice.Credit(all, inv.Currency)
		b.credit = &credit
	}
	if b.credit.Sign() <= 0 || inv.AmountDue().Sign() <= 0 {
		return nil
	}
	used, err := inv.ApplyCredit(*b.credit)
	if err != nil {
		return err
	}
	*b.credit, err = b.credit.Sub(used)
	return err
}

// span widens p to cover q (either may be empty).
func span(p, q psa.Period) psa.Period {
	switch {
	case q.IsEmpty():
		return p
	case p.IsEmpty():
		return q
	}
	if q.Start.Before(p.Start) {
		p.Start = q.Start
	}
	if q.End.After(p.End) {
		p.End = q.End
	}
	return p
}

// regionsFor returns the tax regions an invoice of c carries and the region its lines are taxed
// in: none when the tenant configured no tax regions; c's tax region otherwise, which must be one
// of them.
func (s *Service) regionsFor(c client.Client) ([]invoice.TaxRegion, string, error) {
	if len(s.regions) == 0 {
		return nil, "", nil
	}
	i := slices.IndexFunc(s.regions, func(r invoice.TaxRegion) bool { return r.Code == c.Billing.TaxRegion })
	if i < 0 {
		return nil, "", psa.Invalid("client", "billing.taxRegion", c.Billing.TaxRegion, "is not a configured tax region")
	}
	return []invoice.TaxRegion{s.regions[i]}, s.regions[i].Code, nil
}

// capKey is one billing period of a capped time-and-materials contract.
type capKey struct {
	contract psa.ContractID
	period   psa.Date
}

// capTotal is the time of one capped period: billed before this run, and billed now.
type capTotal struct {
	period      psa.Period
	before, now psa.Money
}

func hasCap(k contract.Contract) bool { return k.Cap.Currency() == k.Currency && !k.Cap.IsZero() }

// capPeriod returns the billing period of k that contains day d: a period of k's schedule, or the
// calendar month when k has none.
func capPeriod(k contract.Contract, d psa.Date) (psa.Period, error) {
	sched := k.Schedule
	if !sched.Cycle.Valid() {
		sched = contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar}
	}
	return sched.PeriodOf(d)
}

// countCap adds the value of entry e to its period's total, as billed before this run or now.
func (b *bill) countCap(capped map[capKey]*capTotal, k contract.Contract, e servicedesk.TimeEntry, now bool) error {
	period, err := capPeriod(k, e.Date)
	if err != nil {
		return err
	}
	key := capKey{k.ID, period.Start}
	t := capped[key]
	if t == nil {
		t = &capTotal{period: period, before: psa.ZeroMoney(k.Currency), now: psa.ZeroMoney(k.Currency)}
		capped[key] = t
	}
	value, err := e.Value(k.Rounding)
	if err != nil {
		return err
	}
	if now {
		t.now, err = t.now.Add(value)
	} else {
		t.before, err = t.before.Add(value)
	}
	return err
}

// capLines queues, for every capped period with time billed now, the line that keeps what the
// period's time is charged at most the cap: the part above it is shown and not charged. Earlier
// runs' time and cap lines of the period count.
func (b *bill) capLines(ctx context.Context, org client.Client, capped map[capKey]*capTotal, contracts map[psa.ContractID]contract.Contract) error {
	keys := make([]capKey, 0, len(capped))
	for key, t := range capped {
		if !t.now.IsZero() {
			keys = append(keys, key)
		}
	}
	slices.SortFunc(keys, func(a, c capKey) int {
		if n := strings.Compare(a.contract.String(), c.contract.String()); n != 0 {
			return n
		}
		return a.period.Compare(c.period)
	})
	for _, key := range keys {
		t, k := capped[key], contracts[key.contract]
		claimKey := "cap " + key.period.String()
		claimed, err := b.billedKeys(ctx, SubjectOf(k.ID))
		if err != nil {
			return err
		}
		reduced, ok := claimed.get(claimKey)
		if !ok {
			reduced = psa.ZeroMoney(k.Currency)
		}
		total, _ := t.before.Add(t.now)
		charged := total
		if c, _ := total.Cmp(k.Cap); c > 0 {
			charged = k.Cap
		}
		// What the period's time is charged in all: before + now + earlier cap lines + this line.
		amount, _ := charged.Sub(total)
		if amount, err = amount.Sub(reduced); err != nil {
			return err
		}
		if amount.IsZero() {
			continue
		}
		b.add(org, pending{subject: SubjectOf(k.ID), key: claimKey, po: k.PONumber, terms: k.PaymentTerms,
			line: invoice.Line{Description: fmt.Sprintf("%s: time above the cap of %s for %s, not charged", k.Name, k.Cap, t.period),
				Period: t.period, Quantity: decimal.NewFromInt(1), UnitPrice: amount, Amount: amount,
				Explanation: fmt.Sprintf("time under %q in %s comes to %s; the contract caps each billing period at %s", k.Name, t.period, total, k.Cap),
				Source:      invoice.Source{Kind: "cap", ID: k.ID.String() + "/" + key.period.String()}}})
	}
	return nil
}
