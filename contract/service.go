package contract

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/internal/versioned"
)

// Options configure a Service. A nil *Options means the defaults.
type Options struct {
	psa.Options
	// Assignments tells which services the host has assigned to which clients; nil means none.
	Assignments Assignments
	// Location is the tenant's time zone, which decides what "today" is; nil means UTC.
	Location *time.Location
}

// Service runs the contract rules inside transactions of the host's store.
type Service struct {
	run         psa.Runner[Tx]
	opts        psa.Options
	assignments Assignments
	loc         *time.Location
}

// NewService returns a Service that runs its work through run.
func NewService(run psa.Runner[Tx], opts *Options) *Service {
	s := &Service{run: run, loc: time.UTC}
	if opts != nil {
		s.opts, s.assignments = opts.Options, opts.Assignments
		if opts.Location != nil {
			s.loc = opts.Location
		}
	}
	return s
}

// today is the tenant's current calendar day.
func (s *Service) today() psa.Date { return psa.DateOf(s.opts.Clock().In(s.loc)) }

// DefaultContractError reports a second default contract for a client: a client has at most one
// default contract in force at a time. It unwraps to psa.ErrPrecondition.
type DefaultContractError struct {
	ClientID psa.ClientID
	// Current is the client's default contract whose service overlaps the new one's.
	Current psa.ContractID
}

func (e *DefaultContractError) Error() string {
	return fmt.Sprintf("psa: client %s already has default contract %s for that time; unset it first", e.ClientID, e.Current)
}

// Unwrap returns psa.ErrPrecondition.
func (e *DefaultContractError) Unwrap() error { return psa.ErrPrecondition }

// BilledHistoryError reports a quantity change dated inside service that has already been
// invoiced and already happened: billed history is never edited silently. Changes from today on
// are accepted even inside a period billed in advance; the next billing run bills or credits the
// difference. It unwraps to psa.ErrPrecondition.
type BilledHistoryError struct {
	PartID psa.PartID
	// From is the refused change's date; BilledThrough the day after the last invoiced day.
	From, BilledThrough psa.Date
}

func (e *BilledHistoryError) Error() string {
	return fmt.Sprintf("psa: part %s: a quantity change from %s would edit service already invoiced (through %s); date it today or later", e.PartID, e.From, e.BilledThrough.AddDays(-1))
}

// Unwrap returns psa.ErrPrecondition.
func (e *BilledHistoryError) Unwrap() error { return psa.ErrPrecondition }

// NewContract is the input of Service.Create.
type NewContract struct {
	ClientID psa.ClientID
	Terms
	Parts []NewPart
	// Billing supplies the bill-to client's billing information in the same call when it has none
	// (seed 000's contract wizard asks for it only then); it is ignored when the bill-to client
	// has billing information already.
	Billing *client.BillingInfo
	// DealID is the CRM deal the contract comes from (see CreateFromDeal).
	DealID string
}

// Create validates in and stores a new contract with its parts. The bill-to client must have
// billing information, or in.Billing must supply it (otherwise the error is the billing gate's
// *client.BillingInfoError). Every amount must be in the bill-to client's currency. The contract
// is active when every part has a price and a draft otherwise (Activate it after SetPartPrice).
func (s *Service) Create(ctx context.Context, in NewContract) (Contract, []Part, error) {
	in.Terms = in.Terms.withDefaults()
	var (
		out   Contract
		parts []Part
	)
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		out, parts, err = s.create(ctx, tx, in)
		return err
	})
	if err != nil {
		return Contract{}, nil, err
	}
	return out, parts, nil
}

func (s *Service) create(ctx context.Context, tx Tx, in NewContract) (Contract, []Part, error) {
	cur, err := s.billingCurrency(ctx, tx, in.ClientID, in.Billing)
	if err != nil {
		return Contract{}, nil, err
	}
	var v psa.Validator
	in.Terms.validate(&v, cur)
	for i, p := range in.Parts {
		p.validate(&v, fmt.Sprintf("parts[%d]", i), in.Terms, cur)
	}
	if err := v.Err("contract"); err != nil {
		return Contract{}, nil, err
	}
	id, err := psa.NewID[psa.ContractID](s.opts.IDs())
	if err != nil {
		return Contract{}, nil, err
	}
	now := s.opts.Clock()
	c := Contract{ID: id, ClientID: in.ClientID, Terms: in.Terms, Status: StatusActive, Currency: cur,
		Billed: psa.ZeroMoney(cur), TermAnchor: in.Start, DealID: in.DealID,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if c.Default {
		if err := s.checkDefault(ctx, tx, c); err != nil {
			return Contract{}, nil, err
		}
	}
	parts := make([]Part, len(in.Parts))
	for i, np := range in.Parts {
		if parts[i], err = s.newPart(c, np, now); err != nil {
			return Contract{}, nil, err
		}
		if !parts[i].PriceSet() {
			c.Status = StatusDraft
		}
	}
	if err := tx.CreateContract(ctx, c); err != nil {
		return Contract{}, nil, err
	}
	for _, p := range parts {
		if err := tx.CreatePart(ctx, p); err != nil {
			return Contract{}, nil, err
		}
	}
	what := fmt.Sprintf("created %s contract %q (%s) with %d part(s)", c.Type, c.Name, c.Status, len(parts))
	if err := s.record(ctx, tx, c.ID, what); err != nil {
		return Contract{}, nil, err
	}
	return c, parts, nil
}

// billingCurrency resolves the bill-to client of clientID, stores billing (when given and the
// bill-to client has none), runs the billing-information gate and returns the billing currency.
func (s *Service) billingCurrency(ctx context.Context, tx Tx, clientID psa.ClientID, billing *client.BillingInfo) (currency.Unit, error) {
	billTo, err := client.BillTo(ctx, tx, clientID)
	if err != nil {
		return currency.XXX, err
	}
	if billing != nil && !billTo.Billing.Complete() {
		if err := billing.Validate(); err != nil {
			return currency.XXX, err
		}
		billTo.Billing, billTo.UpdatedAt = *billing, s.opts.Clock()
		if err := tx.UpdateClient(ctx, billTo); err != nil {
			return currency.XXX, err
		}
	}
	if err := client.RequireBillingInfo(ctx, tx, "create a contract", clientID); err != nil {
		return currency.XXX, err
	}
	return billTo.Billing.Currency, nil
}

func (s *Service) newPart(c Contract, np NewPart, now time.Time) (Part, error) {
	id, err := psa.NewID[psa.PartID](s.opts.IDs())
	if err != nil {
		return Part{}, err
	}
	p := Part{ID: id, ContractID: c.ID, ServiceID: np.ServiceID, Description: np.Description, UnitPrice: np.UnitPrice,
		UnitCost: np.UnitCost, UnitKind: np.UnitKind, DiscountPercent: np.DiscountPercent, Start: np.Start, End: np.End,
		Trial: np.Trial, CreatedAt: now, UpdatedAt: now, Version: 1}
	if p.UnitKind == "" {
		p.UnitKind = UnitFixed
	}
	if p.Start.IsZero() {
		p.Start = c.Start
	}
	p.Quantities = []Quantity{{From: p.Start, Quantity: np.Quantity}}
	return p, nil
}

// checkDefault returns a *DefaultContractError when another default contract of c's client, not
// expired or cancelled, serves any day c serves.
func (s *Service) checkDefault(ctx context.Context, tx Tx, c Contract) error {
	all, err := s.clientContracts(ctx, tx, c.ClientID)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != c.ID && o.Default && (o.Status == StatusActive || o.Status == StatusDraft) && overlap(o.Served(), c.Served()) {
			return &DefaultContractError{ClientID: c.ClientID, Current: o.ID}
		}
	}
	return nil
}

func (s *Service) clientContracts(ctx context.Context, tx Tx, id psa.ClientID) ([]Contract, error) {
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Contract], error) {
		return tx.ListContracts(ctx, id, p)
	})
}

// overlap reports whether two service spans, either possibly open-ended (zero End), share a day.
func overlap(a, b psa.Period) bool {
	return (a.End.IsZero() || b.Start.Before(a.End)) && (b.End.IsZero() || a.Start.Before(b.End))
}

// record appends a history entry to contract id.
func (s *Service) record(ctx context.Context, tx Tx, id psa.ContractID, what string) error {
	h, err := tx.ListHistory(ctx, id)
	if err != nil {
		return err
	}
	return tx.AppendHistory(ctx, HistoryEntry{ContractID: id, Seq: int64(len(h)) + 1, At: s.opts.Clock(), By: psa.Actor(ctx), What: what})
}

// Get returns the contract with id, or a *psa.NotFoundError.
func (s *Service) Get(ctx context.Context, id psa.ContractID) (Contract, error) {
	return versioned.Get(ctx, s.run, Tx.GetContract, id)
}

// Parts returns the parts of contract id in ascending ID order.
func (s *Service) Parts(ctx context.Context, id psa.ContractID) ([]Part, error) {
	var parts []Part
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		if _, err = tx.GetContract(ctx, id); err != nil {
			return err
		}
		parts, err = contractParts(ctx, tx, id)
		return err
	})
	return parts, err
}

func contractParts(ctx context.Context, tx Tx, id psa.ContractID) ([]Part, error) {
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Part], error) {
		return tx.ListParts(ctx, id, p)
	})
}

// List returns a page of client's contracts in ascending ID order.
func (s *Service) List(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[Contract], error) {
	var p psa.Page[Contract]
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		p, err = tx.ListContracts(ctx, clientID, page)
		return err
	})
	return p, err
}

// History returns the change history of contract id, oldest first (seed 004 "Contract History").
func (s *Service) History(ctx context.Context, id psa.ContractID) ([]HistoryEntry, error) {
	var h []HistoryEntry
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		if _, err = tx.GetContract(ctx, id); err != nil {
			return err
		}
		h, err = tx.ListHistory(ctx, id)
		return err
	})
	return h, err
}

// update loads contract id, checks version, applies change, stores the contract and records what
// change returns in the history, in one transaction.
func (s *Service) update(ctx context.Context, id psa.ContractID, version int64, change func(ctx context.Context, tx Tx, c *Contract) (string, error)) (Contract, error) {
	var what string
	return versioned.Update(ctx, s.run, "contract", id, version, Tx.GetContract, Tx.UpdateContract,
		func(c *Contract) (*int64, *time.Time) { return &c.Version, &c.UpdatedAt }, s.opts.Clock,
		func(ctx context.Context, tx Tx, c *Contract) (err error) {
			what, err = change(ctx, tx, c)
			return err
		},
		func(ctx context.Context, tx Tx, c Contract) error { return s.record(ctx, tx, c.ID, what) })
}

// UpdateTerms replaces the terms of contract id, read at version, and records every changed
// field in the history. The rules of Create apply; a part left outside the new dates is an error.
func (s *Service) UpdateTerms(ctx context.Context, id psa.ContractID, version int64, t Terms) (Contract, error) {
	t = t.withDefaults()
	return s.update(ctx, id, version, func(ctx context.Context, tx Tx, c *Contract) (string, error) {
		var v psa.Validator
		t.validate(&v, c.Currency)
		parts, err := contractParts(ctx, tx, id)
		if err != nil {
			return "", err
		}
		for i, p := range parts {
			np := NewPart{Description: p.Description, ServiceID: p.ServiceID, UnitKind: p.UnitKind, Start: p.Start, End: p.End, DiscountPercent: p.DiscountPercent}
			np.validate(&v, fmt.Sprintf("parts[%d]", i), t, c.Currency)
		}
		if err := v.Err("contract"); err != nil {
			return "", err
		}
		old := c.Terms
		c.Terms = t
		if t.Default && !old.Default || t.Start != old.Start || t.End != old.End {
			if c.Default {
				if err := s.checkDefault(ctx, tx, *c); err != nil {
					return "", err
				}
			}
		}
		return "changed " + diffTerms(old, t), nil
	})
}

// Activate makes draft contract id, read at version, active; every part must have a price.
func (s *Service) Activate(ctx context.Context, id psa.ContractID, version int64) (Contract, error) {
	return s.update(ctx, id, version, func(ctx context.Context, tx Tx, c *Contract) (string, error) {
		if c.Status != StatusDraft {
			return "", &psa.PreconditionError{Kind: "contract", ID: id.String(), Rule: "is " + string(c.Status) + ", not a draft"}
		}
		parts, err := contractParts(ctx, tx, id)
		if err != nil {
			return "", err
		}
		var v psa.Validator
		for i, p := range parts {
			if !p.PriceSet() {
				v.Add(fmt.Sprintf("parts[%d].unitPrice", i), p.Description, "must be set before the contract activates")
			}
		}
		if err := v.Err("contract"); err != nil {
			return "", err
		}
		c.Status = StatusActive
		return "activated", nil
	})
}

// Terminate ends contract id, read at version, after lastDay (at the latest its current end)
// and turns off its auto-renewal. Billing then bills service through lastDay and credits what
// was billed in advance beyond it.
func (s *Service) Terminate(ctx context.Context, id psa.ContractID, version int64, lastDay psa.Date) (Contract, error) {
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, c *Contract) (string, error) {
		if lastDay.Before(c.Start) {
			return "", psa.Invalid("contract", "end", lastDay.String(), "is before the start "+c.Start.String())
		}
		if !c.End.IsZero() && lastDay.After(c.End) {
			return "", psa.Invalid("contract", "end", lastDay.String(), "is after the current end "+c.End.String()+"; terminating only shortens a contract (UpdateTerms extends it)")
		}
		what := fmt.Sprintf("terminated: end %s -> %s", dateOrOpen(c.End), lastDay)
		c.End, c.Renewal.Auto = lastDay, false
		return what, nil
	})
}

func dateOrOpen(d psa.Date) string {
	if d.IsZero() {
		return "open-ended"
	}
	return d.String()
}

// updatePart loads part id, checks version, applies change, stores the part and records the
// change in its contract's history; a change that reports nothing ("") stores nothing.
func (s *Service) updatePart(ctx context.Context, id psa.PartID, version int64, change func(ctx context.Context, tx Tx, c Contract, p *Part) (string, error)) (Part, error) {
	var what string
	return versioned.Update(ctx, s.run, "contract part", id, version, Tx.GetPart, Tx.UpdatePart,
		func(p *Part) (*int64, *time.Time) { return &p.Version, &p.UpdatedAt }, s.opts.Clock,
		func(ctx context.Context, tx Tx, p *Part) error {
			c, err := tx.GetContract(ctx, p.ContractID)
			if err != nil {
				return err
			}
			if what, err = change(ctx, tx, c, p); err == nil && what == "" {
				return versioned.ErrUnchanged
			}
			return err
		},
		func(ctx context.Context, tx Tx, p Part) error {
			return s.record(ctx, tx, p.ContractID, fmt.Sprintf("part %q: %s", p.Description, what))
		})
}

// AddPart adds a part to contract id. A part without a price turns an active contract back into
// a draft until it is priced.
func (s *Service) AddPart(ctx context.Context, id psa.ContractID, np NewPart) (Part, error) {
	var out Part
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		c, err := tx.GetContract(ctx, id)
		if err != nil {
			return err
		}
		var v psa.Validator
		np.validate(&v, "part", c.Terms, c.Currency)
		if err := v.Err("contract part"); err != nil {
			return err
		}
		if out, err = s.newPart(c, np, s.opts.Clock()); err != nil {
			return err
		}
		if err := tx.CreatePart(ctx, out); err != nil {
			return err
		}
		if !out.PriceSet() && c.Status == StatusActive {
			c.Status, c.UpdatedAt = StatusDraft, s.opts.Clock()
			if err := tx.UpdateContract(ctx, c); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, id, fmt.Sprintf("added part %q, quantity %s", out.Description, np.Quantity))
	})
	if err != nil {
		return Part{}, err
	}
	return out, nil
}

// SetPartPrice sets the unit price and unit cost of part id, read at version. Both must be in
// the contract's currency; a zero Money cost leaves the cost unset.
func (s *Service) SetPartPrice(ctx context.Context, id psa.PartID, version int64, price, cost psa.Money) (Part, error) {
	return s.updatePart(ctx, id, version, func(_ context.Context, _ Tx, c Contract, p *Part) (string, error) {
		var v psa.Validator
		amount(&v, "unitPrice", price, c.Currency, true)
		amount(&v, "unitCost", cost, c.Currency, false)
		if err := v.Err("contract part"); err != nil {
			return "", err
		}
		what := fmt.Sprintf("unit price %s -> %s", moneyOrUnset(p.UnitPrice), price)
		p.UnitPrice, p.UnitCost = price, cost
		return what, nil
	})
}

func moneyOrUnset(m psa.Money) string {
	if m.Currency() == currency.XXX {
		return "unset"
	}
	return m.String()
}

// ChangeQuantity sets the quantity of part id, read at version, from day from on; earlier
// quantities are kept (history is never overwritten). from must lie in the part's service. A
// change dated before today inside service already invoiced is a *BilledHistoryError.
func (s *Service) ChangeQuantity(ctx context.Context, id psa.PartID, version int64, from psa.Date, q decimal.Decimal) (Part, error) {
	if q.IsNegative() {
		return Part{}, psa.Invalid("contract part", "quantity", q.String(), "must not be negative")
	}
	return s.updatePart(ctx, id, version, func(_ context.Context, _ Tx, c Contract, p *Part) (string, error) {
		return s.changeQuantity(c, p, from, q)
	})
}

func (s *Service) changeQuantity(c Contract, p *Part, from psa.Date, q decimal.Decimal) (string, error) {
	served := p.Served(c)
	if from.Before(served.Start) || (!served.End.IsZero() && !from.Before(served.End)) {
		return "", psa.Invalid("contract part", "from", from.String(), fmt.Sprintf("is outside the part's service %s", spanString(served)))
	}
	if !p.BilledThrough.IsZero() && from.Before(p.BilledThrough) && from.Before(s.today()) {
		return "", &BilledHistoryError{PartID: p.ID, From: from, BilledThrough: p.BilledThrough}
	}
	old := p.QuantityOn(from)
	if old.Equal(q) {
		return "", nil
	}
	p.Quantities = withQuantity(p.Quantities, from, q)
	return fmt.Sprintf("quantity %s -> %s from %s", old, q, from), nil
}

func spanString(p psa.Period) string {
	if p.End.IsZero() {
		return p.Start.String() + ".. (open-ended)"
	}
	return p.String()
}

// SyncDeviceQuantity sets the quantity of per-device part id, read at version, from day from on
// to the number of the client's managed hardware assets (retired ones do not count). It changes
// nothing when the count is unchanged.
func (s *Service) SyncDeviceQuantity(ctx context.Context, id psa.PartID, version int64, from psa.Date) (Part, error) {
	return s.updatePart(ctx, id, version, func(ctx context.Context, tx Tx, c Contract, p *Part) (string, error) {
		if p.UnitKind != UnitDevice {
			return "", &psa.PreconditionError{Kind: "contract part", ID: id.String(), Rule: "is not billed per device"}
		}
		assets, err := psa.All(ctx, func(ctx context.Context, pg psa.PageRequest) (psa.Page[client.Asset], error) {
			return tx.ListAssets(ctx, c.ClientID, pg)
		})
		if err != nil {
			return "", err
		}
		what, err := s.changeQuantity(c, p, from, decimal.NewFromInt(int64(DeviceCount(assets))))
		if what != "" {
			what += " (synced from assets)"
		}
		return what, err
	})
}

// DeviceCount counts the managed devices among assets: hardware that is not retired.
func DeviceCount(assets []client.Asset) int {
	n := 0
	for _, a := range assets {
		if a.Kind.IsHardware() && !a.Retired {
			n++
		}
	}
	return n
}
