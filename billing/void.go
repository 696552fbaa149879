package billing

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// Void voids invoice id, read at version, with a reason, and releases everything it billed in
// the same transaction: its claims, so that the next run bills those items again; its time
// entries, approved again; its sales items, unlocked; its fixed prices, no longer counted as
// billed. The invoice keeps its number.
func (s *Service) Void(ctx context.Context, id psa.InvoiceID, version int64, reason string) (invoice.Invoice, error) {
	var out invoice.Invoice
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		inv, err := tx.GetInvoice(ctx, id)
		if err != nil {
			return err
		}
		if inv.Version != version {
			return &psa.VersionConflictError{Kind: "invoice", ID: id.String(), Given: version, Stored: inv.Version}
		}
		if err := inv.Void(reason); err != nil {
			return err
		}
		inv.UpdatedAt = s.opts.Clock()
		if err := tx.UpdateInvoice(ctx, inv); err != nil {
			return err
		}
		inv.Version++
		out = inv
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
	if err != nil {
		return invoice.Invoice{}, err
	}
	return out, nil
}

// release frees what claim c billed.
func release(ctx context.Context, tx Tx, c Claim) error {
	c.Released = true
	if err := tx.UpdateClaim(ctx, c); err != nil {
		return err
	}
	switch c.Key {
	case "time":
		e, err := tx.GetTimeEntry(ctx, psa.TimeEntryID{UUID: c.Subject})
		if err != nil {
			return err
		}
		e.Status, e.InvoiceID = servicedesk.EntryApproved, psa.InvoiceID{}
		return tx.UpdateTimeEntry(ctx, e)
	case "sales item":
		it, err := tx.GetSalesItem(ctx, psa.SalesItemID{UUID: c.Subject})
		if err != nil {
			return err
		}
		it.InvoiceID = psa.InvoiceID{}
		return tx.UpdateSalesItem(ctx, it)
	case "fixed price":
		k, err := tx.GetContract(ctx, psa.ContractID{UUID: c.Subject})
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
