package servicedesk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/internal/versioned"
)

// EntryStateError reports an operation that a time entry's status does not allow (editing an
// approved or billed entry, approving a rejected one without resubmission, reversing the
// approval of a billed one). It unwraps to psa.ErrPrecondition.
type EntryStateError struct {
	EntryID psa.TimeEntryID
	Status  EntryStatus
	// Action is what was refused ("edit", "approve", "unapprove", "reject", "resubmit").
	Action string
}

func (e *EntryStateError) Error() string {
	hint := ""
	switch {
	case e.Action == "approve" && e.Status == EntryRejected:
		hint = "; resubmit it first"
	case e.Status == EntryBilled:
		hint = "; it is on an invoice"
	}
	return fmt.Sprintf("psa: cannot %s time entry %s: it is %s%s", e.Action, e.EntryID, e.Status, hint)
}

// Unwrap returns psa.ErrPrecondition.
func (e *EntryStateError) Unwrap() error { return psa.ErrPrecondition }

// LogTime records time worked, as a submitted entry. Ticket work takes the ticket's client; the
// entry belongs to the ticket's contract, else to the client's default contract in force on the
// work date, else to time and materials (no contract). Billing information is not needed to log
// time, only to approve it.
func (s *Service) LogTime(ctx context.Context, w Work) (TimeEntry, error) {
	id, err := psa.NewID[psa.TimeEntryID](s.opts.IDs())
	if err != nil {
		return TimeEntry{}, err
	}
	var out TimeEntry
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		if err := s.placeWork(ctx, tx, &w); err != nil {
			return err
		}
		now := s.opts.Clock()
		out = TimeEntry{ID: id, Work: w, Status: EntrySubmitted, CreatedAt: now, UpdatedAt: now, Version: 1}
		return tx.CreateTimeEntry(ctx, out)
	})
	if err != nil {
		return TimeEntry{}, err
	}
	return out, nil
}

// placeWork validates w and resolves its client and contract.
func (s *Service) placeWork(ctx context.Context, tx Tx, w *Work) error {
	if !psa.IsNil(w.TicketID) {
		t, err := tx.GetTicket(ctx, w.TicketID)
		if err != nil {
			return err
		}
		if !psa.IsNil(w.ClientID) && w.ClientID != t.ClientID {
			return psa.Invalid("time entry", "clientId", w.ClientID.String(), "is not the ticket's client")
		}
		w.ClientID = t.ClientID
		if err := w.normalize(); err != nil {
			return err
		}
		k, ok, err := ticketContract(ctx, tx, t, w.Date)
		if err != nil {
			return err
		}
		w.ContractID = psa.ContractID{}
		if ok {
			w.ContractID = k.ID
		}
		return nil
	}
	if err := w.normalize(); err != nil {
		return err
	}
	if _, err := tx.GetClient(ctx, w.ClientID); err != nil {
		return err
	}
	if !psa.IsNil(w.ContractID) {
		k, err := tx.GetContract(ctx, w.ContractID)
		if err != nil {
			return err
		}
		if k.ClientID != w.ClientID {
			return psa.Invalid("time entry", "contractId", w.ContractID.String(), "is not a contract of the client")
		}
		return nil
	}
	k, ok, err := defaultContract(ctx, tx, w.ClientID, w.Date)
	if ok {
		w.ContractID = k.ID
	}
	return err
}

// updateEntry loads entry id, checks version, applies change and stores it.
func (s *Service) updateEntry(ctx context.Context, id psa.TimeEntryID, version int64, change func(ctx context.Context, tx Tx, e *TimeEntry) error) (TimeEntry, error) {
	return versioned.Update(ctx, s.run, "time entry", id, version, Tx.GetTimeEntry, Tx.UpdateTimeEntry,
		func(e *TimeEntry) (*int64, *time.Time) { return &e.Version, &e.UpdatedAt }, s.opts.Clock, change, nil)
}

// UpdateTime replaces the work of entry id, read at version. Only a submitted or rejected entry
// can be edited (a rejected one stays rejected until resubmitted).
func (s *Service) UpdateTime(ctx context.Context, id psa.TimeEntryID, version int64, w Work) (TimeEntry, error) {
	return s.updateEntry(ctx, id, version, func(ctx context.Context, tx Tx, e *TimeEntry) error {
		if e.Status != EntrySubmitted && e.Status != EntryRejected {
			return &EntryStateError{EntryID: id, Status: e.Status, Action: "edit"}
		}
		if err := s.placeWork(ctx, tx, &w); err != nil {
			return err
		}
		e.Work = w
		return nil
	})
}

// Resubmit puts rejected entry id, read at version, up for approval again.
func (s *Service) Resubmit(ctx context.Context, id psa.TimeEntryID, version int64) (TimeEntry, error) {
	return s.updateEntry(ctx, id, version, func(_ context.Context, _ Tx, e *TimeEntry) error {
		if e.Status != EntryRejected {
			return &EntryStateError{EntryID: id, Status: e.Status, Action: "resubmit"}
		}
		e.Status, e.RejectReason = EntrySubmitted, ""
		return nil
	})
}

// Reject rejects submitted entry id, read at version, with a reason (required).
func (s *Service) Reject(ctx context.Context, id psa.TimeEntryID, version int64, reason string) (TimeEntry, error) {
	if strings.TrimSpace(reason) == "" {
		return TimeEntry{}, psa.Invalid("time entry", "reason", reason, "is required to reject time")
	}
	return s.updateEntry(ctx, id, version, func(_ context.Context, _ Tx, e *TimeEntry) error {
		if e.Status != EntrySubmitted {
			return &EntryStateError{EntryID: id, Status: e.Status, Action: "reject"}
		}
		e.Status, e.RejectReason = EntryRejected, reason
		return nil
	})
}

// Unapprove reverses the approval of entry id, read at version: it is submitted again, its rate
// and billable time cleared. An entry an invoice has claimed cannot be unapproved.
func (s *Service) Unapprove(ctx context.Context, id psa.TimeEntryID, version int64) (TimeEntry, error) {
	return s.updateEntry(ctx, id, version, func(_ context.Context, _ Tx, e *TimeEntry) error {
		if e.Status != EntryApproved {
			return &EntryStateError{EntryID: id, Status: e.Status, Action: "unapprove"}
		}
		e.Status, e.BillableDuration, e.Rate, e.RateSource, e.ApprovedBy, e.ApprovedAt = EntrySubmitted, 0, psa.Money{}, "", "", time.Time{}
		return nil
	})
}

// Approve approves time entries, all or nothing, in one transaction. Every entry must be
// submitted (an approved one is left as it is; a rejected one must be resubmitted first).
// Approving requires the billing information of every entry's bill-to client (seed 000: "you
// cannot approve a client's reported ticket time if billing information is not provided"): when
// any lacks it, nothing is approved and the error is one *client.BillingInfoError naming every
// such client, so the approver can add them all and approve the batch again. On approval each
// billable entry's billable time (the contract's or tenant's rounding rule), hourly rate and the
// rate's source are fixed.
func (s *Service) Approve(ctx context.Context, ids ...psa.TimeEntryID) ([]TimeEntry, error) {
	var out []TimeEntry
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		out = out[:0]
		entries := make([]TimeEntry, 0, len(ids))
		var clients []psa.ClientID
		seen := make(map[psa.TimeEntryID]bool, len(ids))
		for _, id := range ids {
			if seen[id] {
				continue // the same entry named twice is approved once
			}
			seen[id] = true
			e, err := tx.GetTimeEntry(ctx, id)
			if err != nil {
				return err
			}
			switch e.Status {
			case EntrySubmitted:
			case EntryApproved:
				out = append(out, e)
				continue
			default:
				return &EntryStateError{EntryID: id, Status: e.Status, Action: "approve"}
			}
			entries = append(entries, e)
			clients = append(clients, e.ClientID)
		}
		if err := client.RequireBillingInfo(ctx, tx, "approve time", clients...); err != nil {
			return err
		}
		set, err := tx.GetSettings(ctx)
		if err != nil {
			return err
		}
		now := s.opts.Clock()
		for _, e := range entries {
			if err := s.price(ctx, tx, &e, set); err != nil {
				return err
			}
			e.Status, e.ApprovedBy, e.ApprovedAt, e.UpdatedAt = EntryApproved, psa.Actor(ctx), now, now
			if err := tx.UpdateTimeEntry(ctx, e); err != nil {
				return err
			}
			e.Version++
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// price fixes the billable time, rate and rate source of entry e.
func (s *Service) price(ctx context.Context, tx Tx, e *TimeEntry, set Settings) error {
	if !e.Billable {
		e.BillableDuration, e.Rate, e.RateSource = 0, psa.Money{}, RateNone
		return nil
	}
	worker, err := tx.GetClient(ctx, e.ClientID)
	if err != nil {
		return err
	}
	billTo, err := client.BillTo(ctx, tx, e.ClientID)
	if err != nil {
		return err
	}
	var k *contract.Contract
	rounding := set.TimeRounding
	if !psa.IsNil(e.ContractID) {
		c, err := tx.GetContract(ctx, e.ContractID)
		if err != nil {
			return err
		}
		k = &c
		if c.TimeRounding != nil {
			rounding = *c.TimeRounding
		}
	}
	priced := worker
	priced.Billing = billTo.Billing // rates are in the bill-to client's currency
	rate, source, err := ResolveRate(priced, k, set.DefaultRates, e.WorkType, e.Role)
	if err != nil {
		return err
	}
	if rate.Currency() != billTo.Billing.Currency {
		return psa.Invalid("time entry", "rate", rate.String(), "is not in the bill-to client's currency "+billTo.Billing.Currency.String())
	}
	e.BillableDuration, e.Rate, e.RateSource = rounding.Apply(e.Duration), rate, source
	return nil
}

// GetTime returns the time entry with id, or a *psa.NotFoundError.
func (s *Service) GetTime(ctx context.Context, id psa.TimeEntryID) (TimeEntry, error) {
	return versioned.Get(ctx, s.run, Tx.GetTimeEntry, id)
}

// TicketTime returns the time entries of ticket id, oldest first.
func (s *Service) TicketTime(ctx context.Context, id psa.TicketID) ([]TimeEntry, error) {
	var out []TimeEntry
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		if _, err = tx.GetTicket(ctx, id); err != nil {
			return err
		}
		out, err = tx.ListTicketTime(ctx, id)
		return err
	})
	return out, err
}
