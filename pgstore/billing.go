package pgstore

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
)

var _ billing.Tx = (*Tx)(nil)

var (
	salesItems = (&table[psa.SalesItemID, billing.SalesItem]{
		kind: "sales item", name: "sales_items",
		id:      func(it billing.SalesItem) psa.SalesItemID { return it.ID },
		version: func(it *billing.SalesItem) *int64 { return &it.Version },
		cols: []column[billing.SalesItem]{
			{"client_id", func(it billing.SalesItem) any { return pgKey(it.ClientID) }},
			{"invoice_id", func(it billing.SalesItem) any { return pgID(it.InvoiceID) }},
		},
	}).build()

	claims = (&table[psa.InvoiceLineID, billing.Claim]{
		kind: "claim", name: "billing_claims",
		id: func(c billing.Claim) psa.InvoiceLineID { return c.LineID },
		cols: []column[billing.Claim]{
			{"subject", func(c billing.Claim) any { return pgUUID(c.Subject.UUID) }},
			{"key", func(c billing.Claim) any { return c.Key }},
			{"invoice_id", func(c billing.Claim) any { return pgKey(c.InvoiceID) }},
			{"amount", func(c billing.Claim) any { amount, _ := pgMoney(c.Amount); return amount }},
			{"currency", func(c billing.Claim) any { _, cur := pgMoney(c.Amount); return cur }},
			{"released", func(c billing.Claim) any { return c.Released }},
		},
	}).build()

	usage = (&table[psa.UsageID, billing.Usage]{
		kind: "usage record", name: "usage_records",
		id:      func(u billing.Usage) psa.UsageID { return u.ID },
		version: func(u *billing.Usage) *int64 { return &u.Version },
		cols: []column[billing.Usage]{
			{"part_id", func(u billing.Usage) any { return pgKey(u.PartID) }},
			{"period_start", func(u billing.Usage) any { return pgDate(u.Period.Start) }},
		},
		uniques: []uniqueKey[billing.Usage]{
			{"usage_records_part_period_key", "part and period", func(u billing.Usage) string {
				return u.PartID.String() + " " + u.Period.Start.String()
			}},
		},
	}).build()
)

// GetSalesItem implements billing.SalesItemStore.
func (tx *Tx) GetSalesItem(ctx context.Context, id psa.SalesItemID) (billing.SalesItem, error) {
	return salesItems.get(ctx, tx, id)
}

// CreateSalesItem implements billing.SalesItemStore.
func (tx *Tx) CreateSalesItem(ctx context.Context, it billing.SalesItem) error {
	return salesItems.create(ctx, tx, it)
}

// UpdateSalesItem implements billing.SalesItemStore.
func (tx *Tx) UpdateSalesItem(ctx context.Context, it billing.SalesItem) error {
	return salesItems.update(ctx, tx, it)
}

// ListSalesItems implements billing.SalesItemStore.
func (tx *Tx) ListSalesItems(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[billing.SalesItem], error) {
	if p, ok, err := salesItems.readPage(tx, page, "client_id", uuidOf(clientID)); ok || err != nil {
		return p, err
	}
	return salesItems.list(ctx, tx, page, "client_id = $1", pgKey(clientID))
}

// CreateClaim implements billing.ClaimStore.
func (tx *Tx) CreateClaim(ctx context.Context, c billing.Claim) error {
	return claims.create(ctx, tx, c)
}

// UpdateClaim implements billing.ClaimStore.
func (tx *Tx) UpdateClaim(ctx context.Context, c billing.Claim) error {
	return claims.replace(ctx, tx, c)
}

// ListClaims implements billing.ClaimStore.
func (tx *Tx) ListClaims(ctx context.Context, subject billing.Subject) ([]billing.Claim, error) {
	if vs, ok, err := claims.readAll(tx, "subject", subject.UUID); ok || err != nil {
		return vs, err
	}
	return claims.all(ctx, tx, "subject = $1", pgUUID(subject.UUID))
}

// ListInvoiceClaims implements billing.ClaimStore.
func (tx *Tx) ListInvoiceClaims(ctx context.Context, invoiceID psa.InvoiceID) ([]billing.Claim, error) {
	return claims.all(ctx, tx, "invoice_id = $1", pgKey(invoiceID))
}

// CreateUsage implements billing.UsageStore.
func (tx *Tx) CreateUsage(ctx context.Context, u billing.Usage) error {
	return usage.create(ctx, tx, u)
}

// UpdateUsage implements billing.UsageStore.
func (tx *Tx) UpdateUsage(ctx context.Context, u billing.Usage) error {
	return usage.update(ctx, tx, u)
}

// ListUsage implements billing.UsageStore.
func (tx *Tx) ListUsage(ctx context.Context, part psa.PartID) ([]billing.Usage, error) {
	if vs, ok, err := usage.readAll(tx, "part_id", uuidOf(part)); ok || err != nil {
		return vs, err
	}
	return usage.all(ctx, tx, "part_id = $1", pgKey(part))
}
