package memstore

import (
	"context"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
)

var _ billing.Tx = (*Tx)(nil)

func (s *Store) initBilling() {
	s.salesItems = newTable("sales item", func(it billing.SalesItem) psa.SalesItemID { return it.ID }, nil)
	s.salesItemsByClient = s.salesItems.addGrouping(func(it billing.SalesItem) uuid.UUID { return it.ClientID.UUID })
	s.claims = newTable("claim", func(c billing.Claim) psa.InvoiceLineID { return c.LineID }, cloneClaim)
	s.claimsBySubject = s.claims.addGrouping(func(c billing.Claim) uuid.UUID { return c.Subject.UUID })
	s.claimsByInvoice = s.claims.addGrouping(func(c billing.Claim) uuid.UUID { return c.InvoiceID.UUID })
	s.usage = newTable("usage record", func(u billing.Usage) psa.UsageID { return u.ID }, nil)
	s.usageByPart = s.usage.addGrouping(func(u billing.Usage) uuid.UUID { return u.PartID.UUID })
	s.usage.addUnique("part and period", func(u billing.Usage) string { return scoped(u.PartID.UUID, u.Period.Start.String()) })
}

// GetSalesItem implements billing.SalesItemStore.
func (tx *Tx) GetSalesItem(ctx context.Context, id psa.SalesItemID) (billing.SalesItem, error) {
	return viewOf(tx, tx.s.salesItems).mustGet(ctx, id)
}

// CreateSalesItem implements billing.SalesItemStore.
func (tx *Tx) CreateSalesItem(ctx context.Context, it billing.SalesItem) error {
	return viewOf(tx, tx.s.salesItems).put(ctx, it.ID, it, true)
}

// UpdateSalesItem implements billing.SalesItemStore.
func (tx *Tx) UpdateSalesItem(ctx context.Context, it billing.SalesItem) error {
	return updated(ctx, viewOf(tx, tx.s.salesItems), it.ID, it, func(it *billing.SalesItem) *int64 { return &it.Version })
}

// ListSalesItems implements billing.SalesItemStore.
func (tx *Tx) ListSalesItems(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[billing.SalesItem], error) {
	return viewOf(tx, tx.s.salesItems).listGroup(ctx, tx.s.salesItemsByClient, clientID.UUID, page)
}

// CreateClaim implements billing.ClaimStore.
func (tx *Tx) CreateClaim(ctx context.Context, c billing.Claim) error {
	return viewOf(tx, tx.s.claims).put(ctx, c.LineID, c, true)
}

// UpdateClaim implements billing.ClaimStore.
func (tx *Tx) UpdateClaim(ctx context.Context, c billing.Claim) error {
	return viewOf(tx, tx.s.claims).put(ctx, c.LineID, c, false)
}

// ListClaims implements billing.ClaimStore.
func (tx *Tx) ListClaims(ctx context.Context, subject billing.Subject) ([]billing.Claim, error) {
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[billing.Claim], error) {
		return viewOf(tx, tx.s.claims).listGroup(ctx, tx.s.claimsBySubject, subject.UUID, p)
	})
}

// ListInvoiceClaims implements billing.ClaimStore.
func (tx *Tx) ListInvoiceClaims(ctx context.Context, invoiceID psa.InvoiceID) ([]billing.Claim, error) {
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[billing.Claim], error) {
		return viewOf(tx, tx.s.claims).listGroup(ctx, tx.s.claimsByInvoice, invoiceID.UUID, p)
	})
}

// CreateUsage implements billing.UsageStore.
func (tx *Tx) CreateUsage(ctx context.Context, u billing.Usage) error {
	return viewOf(tx, tx.s.usage).put(ctx, u.ID, u, true)
}

// UpdateUsage implements billing.UsageStore.
func (tx *Tx) UpdateUsage(ctx context.Context, u billing.Usage) error {
	return updated(ctx, viewOf(tx, tx.s.usage), u.ID, u, func(u *billing.Usage) *int64 { return &u.Version })
}

// ListUsage implements billing.UsageStore.
func (tx *Tx) ListUsage(ctx context.Context, part psa.PartID) ([]billing.Usage, error) {
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[billing.Usage], error) {
		return viewOf(tx, tx.s.usage).listGroup(ctx, tx.s.usageByPart, part.UUID, p)
	})
}

func cloneClaim(c billing.Claim) billing.Claim {
	if c.Consumed != nil {
		u := *c.Consumed
		c.Consumed = &u
	}
	return c
}
