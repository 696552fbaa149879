package contract

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// ContractStore keeps contracts. Like every store of psa it takes and returns copies, isolates
// transactions, and may report a lost race with an error wrapping psa.ErrConflict.
type ContractStore interface {
	// GetContract returns the contract with id, or a *psa.NotFoundError.
	GetContract(ctx context.Context, id psa.ContractID) (Contract, error)
	// FindContractByDealID returns the contract created from CRM deal dealID, or a
	// *psa.NotFoundError.
	FindContractByDealID(ctx context.Context, dealID string) (Contract, error)
	// CreateContract stores c as given. It fails with a *psa.AlreadyExistsError when c.ID or a
	// non-empty c.DealID is taken.
	CreateContract(ctx context.Context, c Contract) error
	// UpdateContract replaces the stored contract c.ID; c.Version must be the stored version
	// (else a *psa.VersionConflictError) and is stored increased by one.
	UpdateContract(ctx context.Context, c Contract) error
	// ListContracts returns a page of client's contracts in ascending ID order.
	ListContracts(ctx context.Context, client psa.ClientID, page psa.PageRequest) (psa.Page[Contract], error)
	// ListAllContracts returns a page of every contract in ascending ID order.
	ListAllContracts(ctx context.Context, page psa.PageRequest) (psa.Page[Contract], error)
}

// PartStore keeps contract parts, under the same rules as ContractStore.
type PartStore interface {
	// GetPart returns the part with id, or a *psa.NotFoundError.
	GetPart(ctx context.Context, id psa.PartID) (Part, error)
	// CreatePart stores p as given; a taken p.ID is a *psa.AlreadyExistsError.
	CreatePart(ctx context.Context, p Part) error
	// UpdatePart replaces the stored part p.ID under the version rule of UpdateContract.
	UpdatePart(ctx context.Context, p Part) error
	// ListParts returns a page of contract's parts in ascending ID order.
	ListParts(ctx context.Context, contract psa.ContractID, page psa.PageRequest) (psa.Page[Part], error)
}

// HistoryEntry is one change of a contract: when, by whom, what (seed 004 "Contract History").
type HistoryEntry struct {
	ContractID psa.ContractID `json:"contractId"`
	// Seq orders a contract's entries: 1 for the first, then one more for each.
	Seq int64     `json:"seq"`
	At  time.Time `json:"at"`
	// By is who made the change (psa.Actor of the call's context; "" when unknown).
	By string `json:"by,omitempty"`
	// What says what changed, with old and new values.
	What string `json:"what"`
}

// HistoryStore keeps contract history; entries are only ever appended.
type HistoryStore interface {
	// AppendHistory stores e. A (ContractID, Seq) already stored is a *psa.AlreadyExistsError.
	AppendHistory(ctx context.Context, e HistoryEntry) error
	// ListHistory returns every entry of contract in ascending Seq order.
	ListHistory(ctx context.Context, contract psa.ContractID) ([]HistoryEntry, error)
}

// Tx is the transaction the contract Service runs in: the client stores (for the bill-to
// client's billing information and assets) and this package's stores.
type Tx interface {
	client.Tx
	ContractStore
	PartStore
	HistoryStore
}

// Assignment is a service or product already assigned to a client (seed 000: "contract parts
// based on services already assigned to the client are added to the contract template").
type Assignment struct {
	ServiceID   psa.ServiceID
	Description string
	UnitKind    UnitKind
	Quantity    decimal.Decimal
}

// Assignments is implemented by the host: it knows which services its platform has assigned to
// which clients.
type Assignments interface {
	// AssignedServices returns the services assigned to client (none is not an error).
	AssignedServices(ctx context.Context, client psa.ClientID) ([]Assignment, error)
	// ClientsWithAssignedServices returns every client that has at least one assigned service.
	ClientsWithAssignedServices(ctx context.Context) ([]psa.ClientID, error)
}

func isNotFound(err error) bool { return errors.Is(err, psa.ErrNotFound) }
