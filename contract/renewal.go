package contract

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// allContracts walks every contract in the store.
func allContracts(ctx context.Context, tx Tx) ([]Contract, error) {
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Contract], error) {
		return tx.ListAllContracts(ctx, p)
	})
}

// UpForRenewal returns the active contracts not yet renewed whose last day falls within the next
// within days from today (today included), soonest first (seed 002 "Renewal Dashboard").
func (s *Service) UpForRenewal(ctx context.Context, within int) ([]Contract, error) {
	if within < 0 {
		return nil, psa.Invalid("renewal query", "within", fmt.Sprint(within), "must not be negative")
	}
	today := s.today()
	until := today.AddDays(within)
	var out []Contract
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		all, err := allContracts(ctx, tx)
		if err != nil {
			return err
		}
		out = slices.DeleteFunc(all, func(c Contract) bool {
			return c.Status != StatusActive || c.End.IsZero() || !psa.IsNil(c.RenewedTo) || c.End.Before(today) || c.End.After(until)
		})
		return nil
	})
	slices.SortStableFunc(out, func(a, b Contract) int { return a.End.Compare(b.End) })
	return out, err
}

// RenewalDue reports whether c's renewal notice period has begun on day today: an active,
// auto-renewing contract not yet renewed whose end is at most Renewal.NoticeDays away.
func RenewalDue(c Contract, today psa.Date) bool {
	return c.Status == StatusActive && c.Renewal.Auto && !c.End.IsZero() && psa.IsNil(c.RenewedTo) &&
		!today.AddDays(c.Renewal.NoticeDays).Before(c.End)
}

// nextTerm returns the service span of the term after c: from the day after c's end, for
// Renewal.TermMonths months, or for as many months as c's term when that is not set. Term
// boundaries are re-derived from the term anchor every time, never from a clamped end. A term that
// is not a whole number of months on the anchor's grid is followed by one of the same length in
// days.
func nextTerm(c Contract) (start, last psa.Date) {
	start = c.End.AddDays(1)
	anchor := c.TermAnchor
	if anchor.IsZero() {
		anchor = c.Start
	}
	onGrid := func(d psa.Date) (int, bool) {
		k := monthNumber(d) - monthNumber(anchor)
		return k, anchor.AddMonths(k) == d
	}
	k, startOK := onGrid(start)
	kc, currentOK := onGrid(c.Start)
	months := c.Renewal.TermMonths
	if months == 0 && startOK && currentOK {
		months = k - kc
	}
	if months <= 0 || !startOK {
		return start, start.AddDays(psa.DaysBetween(c.Start, c.End))
	}
	return start, anchor.AddMonths(k + months).AddDays(-1)
}

func monthNumber(d psa.Date) int {
	y, m, _ := d.Date()
	return y*12 + int(m)
}

// Renew creates the next term of contract id: the same terms from the day after its end, with
// every part in service on its last day carried over at its current quantity. Renewing the same
// term again does nothing and returns the renewal made the first time. Only an active contract
// with an end date renews; a renewal that would overlap another default contract of the client
// is a *DefaultContractError.
func (s *Service) Renew(ctx context.Context, id psa.ContractID) (Contract, error) {
	var out Contract
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		out, err = s.renew(ctx, tx, id)
		return err
	})
	return out, err
}

func (s *Service) renew(ctx context.Context, tx Tx, id psa.ContractID) (Contract, error) {
	c, err := tx.GetContract(ctx, id)
	if err != nil {
		return Contract{}, err
	}
	if !psa.IsNil(c.RenewedTo) {
		return tx.GetContract(ctx, c.RenewedTo)
	}
	if c.End.IsZero() || c.Status != StatusActive {
		return Contract{}, &psa.PreconditionError{Kind: "contract", ID: id.String(), Rule: fmt.Sprintf("cannot be renewed: it is %s and %s", c.Status, dateOrOpen(c.End))}
	}
	nid, err := psa.NewID[psa.ContractID](s.opts.IDs())
	if err != nil {
		return Contract{}, err
	}
	now := s.opts.Clock()
	next := Contract{ID: nid, ClientID: c.ClientID, Terms: c.Terms, Status: StatusActive, Currency: c.Currency,
		Billed: psa.ZeroMoney(c.Currency), TermAnchor: c.TermAnchor, RenewedFrom: c.ID,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	next.Start, next.End = nextTerm(c)
	if next.Default {
		if err := s.checkDefault(ctx, tx, next); err != nil {
			return Contract{}, err
		}
	}
	if next.Schedule.Alignment == AlignAnniversary && next.Schedule.Anchor == c.Start {
		next.Schedule.Anchor = next.Start
	}
	if c.Rollover && c.Type == RetainerHours {
		left, err := c.Left(c.End)
		if err != nil {
			return Contract{}, err
		}
		next.HoursCarried = hours(left.Time)
	}
	parts, err := contractParts(ctx, tx, c.ID)
	if err != nil {
		return Contract{}, err
	}
	if err := tx.CreateContract(ctx, next); err != nil {
		return Contract{}, err
	}
	carried := 0
	for _, p := range parts {
		if !p.Served(c).Contains(c.End) {
			continue
		}
		renewed, err := s.newPart(next, NewPart{ServiceID: p.ServiceID, Description: p.Description, UnitPrice: p.UnitPrice,
			UnitCost: p.UnitCost, UnitKind: p.UnitKind, Quantity: p.QuantityOn(c.End), DiscountPercent: p.DiscountPercent}, now)
		if err != nil {
			return Contract{}, err
		}
		if err := tx.CreatePart(ctx, renewed); err != nil {
			return Contract{}, err
		}
		carried++
	}
	c.RenewedTo, c.UpdatedAt = next.ID, now
	if err := tx.UpdateContract(ctx, c); err != nil {
		return Contract{}, err
	}
	if err := s.record(ctx, tx, c.ID, fmt.Sprintf("renewed as %s from %s", next.ID, next.Start)); err != nil {
		return Contract{}, err
	}
	return next, s.record(ctx, tx, next.ID, fmt.Sprintf("created as the renewal of %s for %s..%s with %d part(s)", c.ID, next.Start, next.End, carried))
}

// ExpireEnded processes contracts whose last day is before today: an auto-renewing one is renewed
// first, then every ended active contract becomes expired, including renewals that a late run
// finds already ended themselves. It returns the contracts it expired, each processed in a
// transaction of its own; running it twice does nothing new.
func (s *Service) ExpireEnded(ctx context.Context) ([]Contract, error) {
	today := s.today()
	var ended []psa.ContractID
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		all, err := allContracts(ctx, tx)
		ended = ended[:0]
		for _, c := range all {
			if c.Status == StatusActive && !c.End.IsZero() && c.End.Before(today) {
				ended = append(ended, c.ID)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []Contract
	for len(ended) > 0 {
		id := ended[0]
		ended = ended[1:]
		err := s.run(ctx, func(ctx context.Context, tx Tx) error {
			c, err := tx.GetContract(ctx, id)
			if err != nil || c.Status != StatusActive {
				return err
			}
			if c.Renewal.Auto && psa.IsNil(c.RenewedTo) {
				if _, err := s.renew(ctx, tx, id); err != nil {
					return err
				}
				if c, err = tx.GetContract(ctx, id); err != nil {
					return err
				}
			}
			c.Status, c.UpdatedAt = StatusExpired, s.opts.Clock()
			if err := tx.UpdateContract(ctx, c); err != nil {
				return err
			}
			c.Version++
			out = append(out, c)
			return s.record(ctx, tx, id, "expired after its end date "+c.End.String())
		})
		if err == nil && len(out) > 0 && out[len(out)-1].ID == id && !psa.IsNil(out[len(out)-1].RenewedTo) {
			// A renewal made by a late run may itself have ended already: process it too.
			next, gerr := s.Get(ctx, out[len(out)-1].RenewedTo)
			if gerr != nil {
				return out, gerr
			}
			if next.Status == StatusActive && next.End.Before(today) {
				ended = append(ended, next.ID)
			}
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// ClientsWithoutContracts returns the clients that have services assigned (Options.Assignments)
// but no active or draft contract, in ascending ID order: seed 000's "a specified number of
// clients do not have contracts assigned" banner.
func (s *Service) ClientsWithoutContracts(ctx context.Context) ([]psa.ClientID, error) {
	if s.assignments == nil {
		return nil, nil
	}
	assigned, err := s.assignments.ClientsWithAssignedServices(ctx)
	if err != nil {
		return nil, err
	}
	var out []psa.ClientID
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		out = out[:0]
		for _, id := range assigned {
			cs, err := s.clientContracts(ctx, tx, id)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(cs, func(c Contract) bool { return c.Status == StatusActive || c.Status == StatusDraft }) {
				out = append(out, id)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b psa.ClientID) int { return cmp.Compare(a.String(), b.String()) })
	return slices.Compact(out), err
}

// ProposeParts returns the default parts for a new contract of client id, one per service
// assigned to it (seed 000: "contract parts based on services already assigned to the client are
// added to the contract template"). Their prices are not set: the contract stays a draft until
// they are.
func (s *Service) ProposeParts(ctx context.Context, id psa.ClientID) ([]NewPart, error) {
	if s.assignments == nil {
		return nil, nil
	}
	as, err := s.assignments.AssignedServices(ctx, id)
	if err != nil {
		return nil, err
	}
	parts := make([]NewPart, len(as))
	for i, a := range as {
		parts[i] = NewPart{ServiceID: a.ServiceID, Description: a.Description, UnitKind: a.UnitKind, Quantity: a.Quantity}
	}
	return parts, nil
}

// Deal is a closed CRM deal (seed 002: "Deal closed in CRM -> can auto-create a service
// contract in PSA").
type Deal struct {
	// ID is the deal's key in the CRM; it gives at most one contract.
	ID       string
	ClientID psa.ClientID
	Terms    Terms
	Lines    []NewPart
}

// CreateFromDeal creates the contract of a closed deal, once: when the deal already has a
// contract, that one is returned with created false and nothing changes.
func (s *Service) CreateFromDeal(ctx context.Context, d Deal) (c Contract, created bool, err error) {
	if d.ID == "" {
		return Contract{}, false, psa.Invalid("deal", "id", "", "is required")
	}
	in := NewContract{ClientID: d.ClientID, Terms: d.Terms.withDefaults(), Parts: d.Lines, DealID: d.ID}
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		existing, err := tx.FindContractByDealID(ctx, d.ID)
		switch {
		case err == nil:
			c, created = existing, false
			return nil
		case !isNotFound(err):
			return err
		}
		c, _, err = s.create(ctx, tx, in)
		created = err == nil
		return err
	})
	if err != nil {
		return Contract{}, false, err
	}
	return c, created, nil
}

// OnboardingCheck returns the check of the onboarding step client.StepContract: done when the
// client has an active contract.
func OnboardingCheck(s *Service) client.Check {
	return func(ctx context.Context, r client.Record) (client.Outcome, error) {
		var n, drafts int
		err := s.run(ctx, func(ctx context.Context, tx Tx) error {
			cs, err := s.clientContracts(ctx, tx, r.Client.ID)
			n, drafts = 0, 0
			for _, c := range cs {
				switch c.Status {
				case StatusActive:
					n++
				case StatusDraft:
					drafts++
				}
			}
			return err
		})
		switch {
		case err != nil:
			return client.Outcome{}, err
		case n > 0:
			return client.Outcome{Done: true, Reason: fmt.Sprintf("%d active contract(s)", n)}, nil
		case drafts > 0:
			return client.Outcome{Reason: fmt.Sprintf("%d draft contract(s): set every part's price and activate", drafts)}, nil
		}
		return client.Outcome{Reason: "no contract: create one to start billing"}, nil
	}
}
