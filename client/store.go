package client

import (
	"context"
	"errors"

	"github.com/psakit/psa"
)

// ClientStore keeps clients. It is implemented by the host's storage (memstore for the embedded
// default) and used only inside a transaction of a psa.Runner.
//
// Every method takes and returns copies: a stored value never shares memory with a caller's. A
// method may be called from many goroutines, each in its own transaction; the store isolates
// transactions from each other (a transaction sees only its own uncommitted writes) and may
// report a lost race with an error wrapping psa.ErrConflict, at any call or at commit.
type ClientStore interface {
	// GetClient returns the client with id, or a *psa.NotFoundError.
	GetClient(ctx context.Context, id psa.ClientID) (Client, error)
	// FindClientByExternalID returns the client whose ExternalID is externalID, or a
	// *psa.NotFoundError.
	FindClientByExternalID(ctx context.Context, externalID string) (Client, error)
	// CreateClient stores c as given (Version is already 1). It fails with a
	// *psa.AlreadyExistsError when c.ID or a non-empty c.ExternalID is taken.
	CreateClient(ctx context.Context, c Client) error
	// UpdateClient replaces the stored client c.ID. c.Version is the version the caller read: the
	// store fails with a *psa.VersionConflictError unless it equals the stored version, and then
	// stores c with Version increased by one. It fails with a *psa.NotFoundError for an unknown
	// client and a *psa.AlreadyExistsError when a changed ExternalID is taken.
	UpdateClient(ctx context.Context, c Client) error
	// ListClients returns a page of all clients in ascending ID order.
	ListClients(ctx context.Context, page psa.PageRequest) (psa.Page[Client], error)
	// ListSubOrganizations returns the clients whose ParentID is parent, in ascending ID order.
	ListSubOrganizations(ctx context.Context, parent psa.ClientID) ([]Client, error)
}

// ContactStore keeps contacts, with the same copy, isolation and version rules as ClientStore.
type ContactStore interface {
	// GetContact returns the contact with id, or a *psa.NotFoundError.
	GetContact(ctx context.Context, id psa.ContactID) (Contact, error)
	// FindContactByExternalID returns the contact of client whose ExternalID is externalID, or a
	// *psa.NotFoundError.
	FindContactByExternalID(ctx context.Context, client psa.ClientID, externalID string) (Contact, error)
	// CreateContact stores c as given. It fails with a *psa.AlreadyExistsError when c.ID, or a
	// non-empty c.ExternalID within c.ClientID, is taken.
	CreateContact(ctx context.Context, c Contact) error
	// UpdateContact replaces the stored contact c.ID under the version rule of
	// ClientStore.UpdateClient. It fails with a *psa.NotFoundError for an unknown contact and a
	// *psa.AlreadyExistsError when a changed ExternalID is taken within the client.
	UpdateContact(ctx context.Context, c Contact) error
	// ListContacts returns a page of client's contacts in ascending ID order.
	ListContacts(ctx context.Context, client psa.ClientID, page psa.PageRequest) (psa.Page[Contact], error)
}

// AssetStore keeps assets, with the same copy, isolation and version rules as ClientStore.
type AssetStore interface {
	// GetAsset returns the asset with id, or a *psa.NotFoundError.
	GetAsset(ctx context.Context, id psa.AssetID) (Asset, error)
	// FindAssetByExternalID returns the asset of client whose ExternalID is externalID, or a
	// *psa.NotFoundError.
	FindAssetByExternalID(ctx context.Context, client psa.ClientID, externalID string) (Asset, error)
	// CreateAsset stores a as given. It fails with a *psa.AlreadyExistsError when a.ID, or a
	// non-empty a.ExternalID within a.ClientID, is taken.
	CreateAsset(ctx context.Context, a Asset) error
	// UpdateAsset replaces the stored asset a.ID under the version rule of
	// ClientStore.UpdateClient. It fails with a *psa.NotFoundError for an unknown asset and a
	// *psa.AlreadyExistsError when a changed ExternalID is taken within the client.
	UpdateAsset(ctx context.Context, a Asset) error
	// ListAssets returns a page of client's assets in ascending ID order.
	ListAssets(ctx context.Context, client psa.ClientID, page psa.PageRequest) (psa.Page[Asset], error)
}

// Tx is the transaction the client Service runs in: every store of this package.
type Tx interface {
	ClientStore
	ContactStore
	AssetStore
}

func isNotFound(err error) bool { return errors.Is(err, psa.ErrNotFound) }
