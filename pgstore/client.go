package pgstore

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

var _ client.Tx = (*Tx)(nil)

var (
	clients = (&table[psa.ClientID, client.Client]{
		kind: "client", name: "clients",
		id:      func(c client.Client) psa.ClientID { return c.ID },
		version: func(c *client.Client) *int64 { return &c.Version },
		cols: []column[client.Client]{
			{"external_id", func(c client.Client) any { return pgText(c.ExternalID) }},
			{"parent_id", func(c client.Client) any { return pgID(c.ParentID) }},
			{"primary_contact_id", func(c client.Client) any { return pgID(c.PrimaryContactID) }},
		},
		uniques: []uniqueKey[client.Client]{
			{"clients_external_id_key", "external ID", func(c client.Client) string { return c.ExternalID }},
			{"clients_primary_contact_key", "primary contact", func(c client.Client) string { return c.PrimaryContactID.String() }},
		},
	}).build()

	contacts = (&table[psa.ContactID, client.Contact]{
		kind: "contact", name: "contacts",
		id:      func(c client.Contact) psa.ContactID { return c.ID },
		version: func(c *client.Contact) *int64 { return &c.Version },
		cols: []column[client.Contact]{
			{"client_id", func(c client.Contact) any { return pgKey(c.ClientID) }},
			{"external_id", func(c client.Contact) any { return pgText(c.ExternalID) }},
		},
		uniques: []uniqueKey[client.Contact]{
			{"contacts_external_id_key", "external ID", func(c client.Contact) string { return c.ExternalID }},
		},
	}).build()

	assets = (&table[psa.AssetID, client.Asset]{
		kind: "asset", name: "assets",
		id:      func(a client.Asset) psa.AssetID { return a.ID },
		version: func(a *client.Asset) *int64 { return &a.Version },
		cols: []column[client.Asset]{
			{"client_id", func(a client.Asset) any { return pgKey(a.ClientID) }},
			{"external_id", func(a client.Asset) any { return pgText(a.ExternalID) }},
		},
		uniques: []uniqueKey[client.Asset]{
			{"assets_external_id_key", "external ID", func(a client.Asset) string { return a.ExternalID }},
		},
	}).build()
)

// GetClient implements client.ClientStore.
func (tx *Tx) GetClient(ctx context.Context, id psa.ClientID) (client.Client, error) {
	return clients.get(ctx, tx, id)
}

// FindClientByExternalID implements client.ClientStore.
func (tx *Tx) FindClientByExternalID(ctx context.Context, externalID string) (client.Client, error) {
	if externalID == "" {
		return client.Client{}, &psa.NotFoundError{Kind: "client", Key: "with an empty external ID"}
	}
	return clients.findBy(ctx, tx, "external ID "+externalID, "external_id = $1", externalID)
}

// CreateClient implements client.ClientStore.
func (tx *Tx) CreateClient(ctx context.Context, c client.Client) error {
	return clients.create(ctx, tx, c)
}

// UpdateClient implements client.ClientStore.
func (tx *Tx) UpdateClient(ctx context.Context, c client.Client) error {
	return clients.update(ctx, tx, c)
}

// ListClients implements client.ClientStore.
func (tx *Tx) ListClients(ctx context.Context, page psa.PageRequest) (psa.Page[client.Client], error) {
	return clients.list(ctx, tx, page, "true")
}

// ListSubOrganizations implements client.ClientStore.
func (tx *Tx) ListSubOrganizations(ctx context.Context, parent psa.ClientID) ([]client.Client, error) {
	if psa.IsNil(parent) {
		return nil, nil
	}
	return clients.all(ctx, tx, "parent_id = $1", pgID(parent))
}

// GetContact implements client.ContactStore.
func (tx *Tx) GetContact(ctx context.Context, id psa.ContactID) (client.Contact, error) {
	return contacts.get(ctx, tx, id)
}

// FindContactByExternalID implements client.ContactStore.
func (tx *Tx) FindContactByExternalID(ctx context.Context, clientID psa.ClientID, externalID string) (client.Contact, error) {
	if externalID == "" {
		return client.Contact{}, &psa.NotFoundError{Kind: "contact", Key: "with an empty external ID"}
	}
	return contacts.findBy(ctx, tx, "external ID "+externalID, "client_id = $1 AND external_id = $2", pgKey(clientID), externalID)
}

// CreateContact implements client.ContactStore.
func (tx *Tx) CreateContact(ctx context.Context, c client.Contact) error {
	return contacts.create(ctx, tx, c)
}

// UpdateContact implements client.ContactStore.
func (tx *Tx) UpdateContact(ctx context.Context, c client.Contact) error {
	return contacts.update(ctx, tx, c)
}

// ListContacts implements client.ContactStore.
func (tx *Tx) ListContacts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[client.Contact], error) {
	return contacts.list(ctx, tx, page, "client_id = $1", pgKey(clientID))
}

// GetAsset implements client.AssetStore.
func (tx *Tx) GetAsset(ctx context.Context, id psa.AssetID) (client.Asset, error) {
	return assets.get(ctx, tx, id)
}

// FindAssetByExternalID implements client.AssetStore.
func (tx *Tx) FindAssetByExternalID(ctx context.Context, clientID psa.ClientID, externalID string) (client.Asset, error) {
	if externalID == "" {
		return client.Asset{}, &psa.NotFoundError{Kind: "asset", Key: "with an empty external ID"}
	}
	return assets.findBy(ctx, tx, "external ID "+externalID, "client_id = $1 AND external_id = $2", pgKey(clientID), externalID)
}

// CreateAsset implements client.AssetStore.
func (tx *Tx) CreateAsset(ctx context.Context, a client.Asset) error {
	return assets.create(ctx, tx, a)
}

// UpdateAsset implements client.AssetStore.
func (tx *Tx) UpdateAsset(ctx context.Context, a client.Asset) error {
	return assets.update(ctx, tx, a)
}

// ListAssets implements client.AssetStore.
func (tx *Tx) ListAssets(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[client.Asset], error) {
	return assets.list(ctx, tx, page, "client_id = $1", pgKey(clientID))
}
