package memstore

import (
	"context"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

var _ invoice.Tx = (*Tx)(nil)

func (s *Store) initInvoices() {
	s.schemes = newTable("numbering scheme", func(sc invoice.Scheme) psa.NumberingSchemeID { return sc.ID }, nil)
	s.invoices = newTable("invoice", func(inv invoice.Invoice) psa.InvoiceID { return inv.ID }, invoice.Invoice.Clone)
	s.invoicesByNumber = s.invoices.addUnique("number", func(inv invoice.Invoice) string {
		if inv.Number == "" {
			return ""
		}
		return inv.SchemeID.String() + "/" + inv.Number
	})
	s.invoicesByClient = s.invoices.addGrouping(func(inv invoice.Invoice) uuid.UUID { return inv.ClientID.UUID })
}

// GetScheme implements invoice.SchemeStore.
func (tx *Tx) GetScheme(ctx context.Context, id psa.NumberingSchemeID) (invoice.Scheme, error) {
	return viewOf(tx, tx.s.schemes).mustGet(ctx, id)
}

// PutScheme implements invoice.SchemeStore.
func (tx *Tx) PutScheme(ctx context.Context, sc invoice.Scheme) error {
	return put(ctx, viewOf(tx, tx.s.schemes), sc.ID, sc, func(sc *invoice.Scheme) *int64 { return &sc.Version })
}

// GetInvoice implements invoice.InvoiceStore.
func (tx *Tx) GetInvoice(ctx context.Context, id psa.InvoiceID) (invoice.Invoice, error) {
	return viewOf(tx, tx.s.invoices).mustGet(ctx, id)
}

// CreateInvoice implements invoice.InvoiceStore.
func (tx *Tx) CreateInvoice(ctx context.Context, inv invoice.Invoice) error {
	return viewOf(tx, tx.s.invoices).put(ctx, inv.ID, inv, true)
}

// UpdateInvoice implements invoice.InvoiceStore.
func (tx *Tx) UpdateInvoice(ctx context.Context, inv invoice.Invoice) error {
	return updated(ctx, viewOf(tx, tx.s.invoices), inv.ID, inv, func(inv *invoice.Invoice) *int64 { return &inv.Version })
}

// ListInvoices implements invoice.InvoiceStore.
func (tx *Tx) ListInvoices(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[invoice.Invoice], error) {
	return viewOf(tx, tx.s.invoices).listGroup(ctx, tx.s.invoicesByClient, clientID.UUID, page)
}
