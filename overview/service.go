package overview

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// Tx is the transaction the overview Service reads in: the stores of the portal, which include
// those of the service desk, contracts, clients and invoices. It only reads.
type Tx interface {
	portal.Tx
}

// Options configure a Service; the zero value (or nil) means the defaults.
type Options struct {
	psa.Options
	// Signals supplies the host's health components (endpoints, security, backups,
	// communications); nil reports them all missing.
	Signals Signals
	// RecentTickets and RecentInvoices are how many of each the view lists (default 10 and 12).
	RecentTickets, RecentInvoices int
}

// Service assembles client 360 views and health scores from the host's stores.
type Service struct {
	run  psa.Runner[Tx]
	opts Options
	desk *servicedesk.Service
}

// NewService returns a Service running its reads through run.
func NewService(run psa.Runner[Tx], opts *Options) *Service {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.RecentTickets <= 0 {
		o.RecentTickets = 10
	}
	if o.RecentInvoices <= 0 {
		o.RecentInvoices = 12
	}
	desk := servicedesk.NewService(psa.Adapt[servicedesk.Tx](run), &servicedesk.Options{Options: o.Options})
	return &Service{run: run, opts: o, desk: desk}
}

// facts is everything a view and a health score are computed from, read in one transaction with
// one listing per kind (so a bounded number of store calls, whatever the client's size, beyond
// the pages of each listing).
type facts struct {
	today    psa.Date
	now      time.Time
	client   client.Client
	billTo   client.Client
	subs     []client.Client
	contacts []client.Contact
	assets   []client.Asset

	contracts []contract.Contract
	tickets   []servicedesk.Ticket
	statuses  []servicedesk.SLAStatus // of tickets, in their order
	entries   []servicedesk.TimeEntry
	invoices  []invoice.Invoice
	accounts  []portal.Account

	policy       servicedesk.Policy
	policySource servicedesk.PolicySource
	hasPolicy    bool
}

// load reads the facts of client id in tx.
func (s *Service) load(ctx context.Context, tx Tx, id psa.ClientID) (facts, error) {
	now := s.opts.Clock()
	f := facts{now: now, today: psa.DateOf(now)}
	var err error
	if f.client, err = tx.GetClient(ctx, id); err != nil {
		return facts{}, err
	}
	if f.billTo, err = client.BillTo(ctx, tx, id); err != nil {
		return facts{}, err
	}
	if f.subs, err = tx.ListSubOrganizations(ctx, id); err != nil {
		return facts{}, err
	}
	if f.contacts, err = all(ctx, id, tx.ListContacts); err != nil {
		return facts{}, err
	}
	if f.assets, err = all(ctx, id, tx.ListAssets); err != nil {
		return facts{}, err
	}
	if f.contracts, err = all(ctx, id, tx.ListContracts); err != nil {
		return facts{}, err
	}
	if f.tickets, err = all(ctx, id, tx.ListTickets); err != nil {
		return facts{}, err
	}
	if f.statuses, err = s.desk.EvaluateTickets(ctx, tx, f.tickets); err != nil {
		return facts{}, err
	}
	if f.entries, err = all(ctx, id, tx.ListTimeEntries); err != nil {
		return facts{}, err
	}
	if f.invoices, err = all(ctx, id, tx.ListInvoices); err != nil {
		return facts{}, err
	}
	if f.accounts, err = all(ctx, id, tx.ListAccounts); err != nil {
		return facts{}, err
	}
	if f.policy, f.policySource, f.hasPolicy, err = s.desk.ClientPolicy(ctx, tx, f.client); err != nil {
		return facts{}, err
	}
	return f, nil
}

// all reads every page of a listing of client id.
func all[T any](ctx context.Context, id psa.ClientID, list func(context.Context, psa.ClientID, psa.PageRequest) (psa.Page[T], error)) ([]T, error) {
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[T], error) { return list(ctx, id, p) })
}

// View returns the client 360 view of client id (seed 002 "Client Record"), read in one
// transaction. An unknown id is a *psa.NotFoundError.
func (s *Service) View(ctx context.Context, id psa.ClientID) (View, error) {
	var v View
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		f, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		v, err = s.view(f)
		return err
	})
	return v, err
}

// Health returns the health score of client id now (seed 002 "Client Health Score"): the service,
// financial and engagement components computed from the stores, the others from the host's
// Signals. An unknown id is a *psa.NotFoundError.
func (s *Service) Health(ctx context.Context, id psa.ClientID) (Health, error) {
	var h Health
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		f, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		h, err = s.health(ctx, f)
		return err
	})
	return h, err
}

// health computes the health score from f.
func (s *Service) health(ctx context.Context, f facts) (Health, error) {
	scores := []ComponentScore{ServiceScore(serviceFacts(f)), FinancialScore(financialFacts(f)), EngagementScore(engagementFacts(f))}
	for _, c := range hostComponents {
		cs, err := hostSignal(ctx, s.opts.Signals, f.client, c)
		if err != nil {
			return Health{}, err
		}
		scores = append(scores, cs)
	}
	return Combine(f.client.ID, f.now, scores), nil
}

// window is how far back the service and engagement components look.
const window = 90 * 24 * time.Hour

// open reports whether t is neither resolved nor closed.
func open(t servicedesk.Ticket) bool {
	return !t.Status.Completed()
}

// serviceFacts counts the open tickets (and those with a breached target), the SLA targets
// decided on tickets opened in the last 90 days, and their resolution times.
func serviceFacts(f facts) ServiceFacts {
	var out ServiceFacts
	var resolving time.Duration
	since := f.now.Add(-window)
	for i, t := range f.tickets {
		st := f.statuses[i]
		breached := slices.ContainsFunc(st.Targets, func(ts servicedesk.TargetStatus) bool { return ts.State == servicedesk.Breached })
		if open(t) {
			out.Open++
			if breached {
				out.OpenBreached++
			}
		}
		if t.CreatedAt.Before(since) {
			continue
		}
		for _, ts := range st.Targets {
			switch ts.State {
			case servicedesk.Met:
				out.Met++
			case servicedesk.Breached:
				out.Breached++
			}
		}
		if at := t.SLA.Resolution.MetAt; !at.IsZero() {
			out.Resolved++
			resolving += at.Sub(t.CreatedAt)
		}
	}
	if out.Resolved > 0 {
		out.AverageResolution = resolving / time.Duration(out.Resolved)
	}
	return out
}

// financialFacts counts the client's invoices of the last year that are due or paid, and those
// paid in full by their due date, with its balance.
func financialFacts(f facts) FinancialFacts {
	out := FinancialFacts{Balance: invoice.Outstanding(f.invoices, f.billTo.Billing.Currency, f.today)}
	since := f.today.AddMonths(-12)
	for _, inv := range f.invoices {
		if inv.Kind != invoice.InvoiceNumbers || inv.Status == invoice.StatusDraft || inv.Status == invoice.StatusVoid || inv.Date.Before(since) {
			continue
		}
		paid := inv.Status == invoice.StatusPaid
		if !paid && !inv.DueDate.Before(f.today) {
			continue // not due yet
		}
		out.Due++
		if paid && !slices.ContainsFunc(inv.Payments, func(p invoice.Payment) bool { return p.Date.After(inv.DueDate) }) {
			out.OnTime++
		}
	}
	return out
}

// active is how recent a portal login must be for its user to count as active.
const active = 30 * 24 * time.Hour

// engagementFacts counts the client's portal users (enabled accounts of active contacts, none
// when the client's portal is off) and those who logged in within 30 days, and the tickets of
// the last 90 days with those submitted in the portal.
func engagementFacts(f facts) EngagementFacts {
	var out EngagementFacts
	for _, a := range portalUsers(f) {
		out.PortalUsers++
		if !a.LastLoginAt.IsZero() && !a.LastLoginAt.Before(f.now.Add(-active)) {
			out.Active++
		}
	}
	since := f.now.Add(-window)
	for _, t := range f.tickets {
		if t.CreatedAt.Before(since) {
			continue
		}
		out.Tickets++
		if t.Source == servicedesk.SourcePortal {
			out.ThroughPortal++
		}
	}
	return out
}

// portalUsers returns the enabled portal accounts of the client's active contacts; none when
// the client's portal is off.
func portalUsers(f facts) []portal.Account {
	if f.client.Settings.PortalDisabled {
		return nil
	}
	activeContact := map[psa.ContactID]bool{}
	for _, c := range f.contacts {
		activeContact[c.ID] = c.Active
	}
	var out []portal.Account
	for _, a := range f.accounts {
		if a.Enabled && activeContact[a.ContactID] {
			out = append(out, a)
		}
	}
	return out
}

// newestFirst orders by a time, newest first, then by ID for a stable order.
func newestFirst[T any](xs []T, at func(T) time.Time, id func(T) string) {
	slices.SortStableFunc(xs, func(a, b T) int { return cmp.Or(at(b).Compare(at(a)), cmp.Compare(id(a), id(b))) })
}
