package invoice

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// SchemeStore keeps numbering schemes. Like every store of psa it takes and returns copies,
// isolates transactions, and may report a lost race with an error wrapping psa.ErrConflict. The
// scheme's counter is updated in the transaction that finalizes an invoice, so concurrent
// finalizations serialize on it and numbers stay gapless.
type SchemeStore interface {
	// GetScheme returns the scheme with id, or a *psa.NotFoundError.
	GetScheme(ctx context.Context, id psa.NumberingSchemeID) (Scheme, error)
	// PutScheme creates s when s.Version is 0 (stored as version 1; a taken ID is a
	// *psa.AlreadyExistsError) and otherwise replaces it: s.Version must be the stored version
	// (else a *psa.VersionConflictError) and is stored increased by one.
	PutScheme(ctx context.Context, s Scheme) error
}

// InvoiceStore keeps invoices and credit notes, under the same rules as SchemeStore.
type InvoiceStore interface {
	// GetInvoice returns the invoice with id, or a *psa.NotFoundError.
	GetInvoice(ctx context.Context, id psa.InvoiceID) (Invoice, error)
	// CreateInvoice stores inv as given; a taken ID, or a non-empty Number taken within its
	// scheme, is a *psa.AlreadyExistsError.
	CreateInvoice(ctx context.Context, inv Invoice) error
	// UpdateInvoice replaces the stored invoice inv.ID; inv.Version must be the stored version
	// (else a *psa.VersionConflictError) and is stored increased by one. A Number taken by
	// another invoice of the scheme is a *psa.AlreadyExistsError.
	UpdateInvoice(ctx context.Context, inv Invoice) error
	// ListInvoices returns a page of client's invoices and credit notes in ascending ID order.
	ListInvoices(ctx context.Context, client psa.ClientID, page psa.PageRequest) (psa.Page[Invoice], error)
}

// Tx is the transaction the invoice Service runs in: the client stores (billing information and
// payment terms) and this package's stores.
type Tx interface {
	client.Tx
	SchemeStore
	InvoiceStore
}
