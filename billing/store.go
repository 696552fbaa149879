package billing

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// SalesItemStore keeps sales items. Like every store of psa it takes and returns copies,
// isolates transactions, and may report a lost race with an error wrapping psa.ErrConflict.
type SalesItemStore interface {
	// GetSalesItem returns the sales item with id, or a *psa.NotFoundError.
	GetSalesItem(ctx context.Context, id psa.SalesItemID) (SalesItem, error)
	// CreateSalesItem stores it as given; a taken ID is a *psa.AlreadyExistsError.
	CreateSalesItem(ctx context.Context, it SalesItem) error
	// UpdateSalesItem replaces the stored item it.ID; it.Version must be the stored version (else
	// a *psa.VersionConflictError) and is stored increased by one.
	UpdateSalesItem(ctx context.Context, it SalesItem) error
	// ListSalesItems returns a page of client's sales items in ascending ID order.
	ListSalesItems(ctx context.Context, client psa.ClientID, page psa.PageRequest) (psa.Page[SalesItem], error)
}

// ClaimStore keeps the claims of billed items, under the same rules as SalesItemStore.
type ClaimStore interface {
	// CreateClaim stores c; a taken LineID is a *psa.AlreadyExistsError.
	CreateClaim(ctx context.Context, c Claim) error
	// UpdateClaim replaces the stored claim c.LineID (claims carry no version: only Released
	// changes, when an invoice is voided), or gives a *psa.NotFoundError.
	UpdateClaim(ctx context.Context, c Claim) error
	// ListClaims returns every claim on subject, in ascending LineID order.
	ListClaims(ctx context.Context, subject Subject) ([]Claim, error)
	// ListInvoiceClaims returns every claim made by invoice, in ascending LineID order.
	ListInvoiceClaims(ctx context.Context, invoice psa.InvoiceID) ([]Claim, error)
}

// UsageStore keeps usage records, under the same rules as SalesItemStore.
type UsageStore interface {
	// CreateUsage stores u; a taken ID, or a second record for the same part and period start,
	// is a *psa.AlreadyExistsError.
	CreateUsage(ctx context.Context, u Usage) error
	// UpdateUsage replaces the stored record u.ID; u.Version must be the stored version (else a
	// *psa.VersionConflictError) and is stored increased by one.
	UpdateUsage(ctx context.Context, u Usage) error
	// ListUsage returns every usage record of part, in ascending ID order.
	ListUsage(ctx context.Context, part psa.PartID) ([]Usage, error)
}

// Tx is the transaction billing runs in: every store of the packages it reads (clients,
// contracts, time) and writes (invoices), and its own.
type Tx interface {
	servicedesk.Tx
	invoice.Tx
	SalesItemStore
	ClaimStore
	UsageStore
}

// Prefetcher is an optional capability of a billing transaction, for stores where each read is a
// round trip (database/sql/driver style: a store that lacks it works the same, with more reads).
// A billing run calls PrefetchBilling at the start of each bill-to client's transaction with the
// client and its sub-organizations billed to it. The store then reads, in a number of queries
// that does not depend on how much the clients have, their contracts, the contracts' parts, the
// parts' usage records, their time entries, sales items and tickets, and the claims on all of
// these; and it answers the transaction's later ListContracts, ListParts, ListUsage,
// ListTimeEntries, ListSalesItems, ListTickets and ListClaims of them from what it read, until the
// transaction writes to the table read. What it returns must be what the reads would return:
// copies, in the same order.
type Prefetcher interface {
	PrefetchBilling(ctx context.Context, clients []psa.ClientID) error
}
