package billing

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/internal/versioned"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// Void voids invoice id, read at version, with a reason, and releases everything it billed in
// the same transaction: its claims, so that the next run bills those items again; its time
// entries, approved again; its sales items, unlocked; its fixed prices, no longer counted as
// billed; what its lines used of retainers and prepaid incidents, given back to the contracts.
// The invoice keeps its number.
func (s *Service) Void(ctx context.Context, id psa.InvoiceID, version int64, reason string) (invoice.Invoice, error) {
	return versioned.Update(ctx, s.run, "invoice", id, version, Tx.GetInvoice, Tx.UpdateInvoice,
		func(inv *invoice.Invoice) (*int64, *time.Time) { return &inv.Version, &inv.UpdatedAt }, s.opts.Clock,
		func(_ context.Context, _ Tx, inv *invoice.Invoice) error { return inv.Void(reason) },
		func(ctx context.Context, tx Tx, _ invoice.Invoice) error {
			claims, err := tx.ListInvoiceClaims(ctx, id)
			if err != nil {
				return err
			}
			for _, c := range claims {
				if err := release(ctx, tx, c); err != nil {
					return err
				}
			}
			return nil
		})
}

// release frees what claim c billed.
func release(ctx context.Context, tx Tx, c Claim) error {
	c.Released = true
	if err := tx.UpdateClaim(ctx, c); err != nil {
		return err
	}
	if c.Consumed != nil {
		k, err := tx.GetContract(ctx, c.Consumed.ContractID)
		if err != nil {
			return err
		}
		if err := k.Release(c.Consumed.Use); err != nil {
			return err
		}
		if err := tx.UpdateContract(ctx, k); err != nil {
			return err
		}
	}
	if strings.HasPrefix(c.Key, "period ") {
		// The part's periods are no longer all billed at their charge: the next run computes
		// every one of them again.
		p, err := tx.GetPart(ctx, psa.PartID{UUID: c.Subject.UUID})
		switch {
		case errors.Is(err, psa.ErrNotFound): // a contract's own fee, which is no stored part
		case err != nil:
			return err
		case !p.Reconciled.IsZero():
			p.Reconciled = contract.Reconciled{}
			if err := tx.UpdatePart(ctx, p); err != nil {
				return err
			}
		}
	}
	switch c.Key {
	case "time":
		e, err := tx.GetTimeEntry(ctx, psa.TimeEntryID{UUID: c.Subject.UUID})
		if err != nil {
			return err
		}
		e.Status, e.InvoiceID = servicedesk.EntryApproved, psa.InvoiceID{}
		return tx.UpdateTimeEntry(ctx, e)
	case "sales item":
		it, err := tx.GetSalesItem(ctx, psa.SalesItemID{UUID: c.Subject.UUID})
		if err != nil {
			return err
		}
		it.InvoiceID = psa.InvoiceID{}
		return tx.UpdateSalesItem(ctx, it)
	case "fixed price":
		k, err := tx.GetContract(ctx, psa.ContractID{UUID: c.Subject.UUID})
		if err != nil {
			return err
		}
		if k.Billed, err = k.Billed.Sub(c.Amount); err != nil {
			return err
		}
		return tx.UpdateContract(ctx, k)
	}
	return nil
}
