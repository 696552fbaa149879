package pgstore

import (
	"context"
	"encoding/json"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

var _ invoice.Tx = (*Tx)(nil)

var (
	schemes = (&table[psa.NumberingSchemeID, invoice.Scheme]{
		kind: "numbering scheme", name: "numbering_schemes",
		id:      func(s invoice.Scheme) psa.NumberingSchemeID { return s.ID },
		version: func(s *invoice.Scheme) *int64 { return &s.Version },
		cols: []column[invoice.Scheme]{
			{"last", func(s invoice.Scheme) any { return s.Last }},
		},
	}).build()

	invoices = (&table[psa.InvoiceID, invoice.Invoice]{
		kind: "invoice", name: "invoices",
		id:      func(inv invoice.Invoice) psa.InvoiceID { return inv.ID },
		version: func(inv *invoice.Invoice) *int64 { return &inv.Version },
		cols: []column[invoice.Invoice]{
			{"client_id", func(inv invoice.Invoice) any { return pgKey(inv.ClientID) }},
			{"scheme_id", func(inv invoice.Invoice) any { return pgKey(inv.SchemeID) }},
			{"number", func(inv invoice.Invoice) any { return pgText(inv.Number) }},
			{"kind", func(inv invoice.Invoice) any { return string(inv.Kind) }},
			{"status", func(inv invoice.Invoice) any { return string(inv.Status) }},
			{"invoice_date", func(inv invoice.Invoice) any { return pgDate(inv.Date) }},
			{"due_date", func(inv invoice.Invoice) any { return pgDate(inv.DueDate) }},
			{"total", func(inv invoice.Invoice) any { amount, _ := pgMoney(inv.Totals.Total); return amount }},
			{"currency", func(inv invoice.Invoice) any { return pgText(currencyCode(inv.Currency)) }},
		},
		uniques: []uniqueKey[invoice.Invoice]{
			{"invoices_number_key", "number", func(inv invoice.Invoice) string { return inv.Number }},
		},
		encode: encodeInvoice,
		decode: decodeInvoice,
	}).build()
)

// invoiceDoc is an invoice with its currency as an ISO 4217 code (invoice.Invoice leaves its
// currency out of its JSON). invoiceFields has the invoice's fields and none of its methods, so
// the document keeps this form even if the invoice gains JSON methods of its own.
type invoiceDoc struct {
	invoiceFields
	Currency string `json:"currency,omitempty"`
}

type invoiceFields invoice.Invoice

func encodeInvoice(inv invoice.Invoice) ([]byte, error) {
	return json.Marshal(invoiceDoc{invoiceFields(inv), currencyCode(inv.Currency)})
}

func decodeInvoice(b []byte, inv *invoice.Invoice) error {
	var d invoiceDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	cur, err := parseCurrency(d.Currency)
	if err != nil {
		return err
	}
	*inv = invoice.Invoice(d.invoiceFields)
	inv.Currency = cur
	return nil
}

// GetScheme implements invoice.SchemeStore.
func (tx *Tx) GetScheme(ctx context.Context, id psa.NumberingSchemeID) (invoice.Scheme, error) {
	return schemes.get(ctx, tx, id)
}

// PutScheme implements invoice.SchemeStore. The update of a scheme's counter by the finalizing
// transaction makes concurrent finalizations of one scheme conflict: all but one are retried.
func (tx *Tx) PutScheme(ctx context.Context, s invoice.Scheme) error {
	return schemes.put(ctx, tx, s)
}

// GetInvoice implements invoice.InvoiceStore.
func (tx *Tx) GetInvoice(ctx context.Context, id psa.InvoiceID) (invoice.Invoice, error) {
	return invoices.get(ctx, tx, id)
}

// CreateInvoice implements invoice.InvoiceStore.
func (tx *Tx) CreateInvoice(ctx context.Context, inv invoice.Invoice) error {
	return invoices.create(ctx, tx, inv)
}

// UpdateInvoice implements invoice.InvoiceStore.
func (tx *Tx) UpdateInvoice(ctx context.Context, inv invoice.Invoice) error {
	return invoices.update(ctx, tx, inv)
}

// ListInvoices implements invoice.InvoiceStore.
func (tx *Tx) ListInvoices(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[invoice.Invoice], error) {
	return invoices.list(ctx, tx, page, "client_id = $1", pgKey(clientID))
}
