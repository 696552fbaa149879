package memstore

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

var _ client.Tx = (*Tx)(nil)

func (s *Store) initClients() {
	s.clients = newTable("client", func(c client.Client) psa.ClientID { return c.ID }, cloneClient)
	s.clientsByExternalID = s.clients.addUnique("external ID", func(c client.Client) string { return c.ExternalID })
	s.clientsByParent = s.clients.addGrouping(func(c client.Client) uuid.UUID { return c.ParentID.UUID })

	s.contacts = newTable("contact", func(c client.Contact) psa.ContactID { return c.ID }, nil)
	s.contactsByExternal = s.contacts.addUnique("external ID", func(c client.Contact) string { return scoped(c.ClientID.UUID, c.ExternalID) })
	s.contactsByClient = s.contacts.addGrouping(func(c client.Contact) uuid.UUID { return c.ClientID.UUID })

	s.assets = newTable("asset", func(a client.Asset) psa.AssetID { return a.ID }, nil)
	s.assetsByExternal = s.assets.addUnique("external ID", func(a client.Asset) string { return scoped(a.ClientID.UUID, a.ExternalID) })
	s.assetsByClient = s.assets.addGrouping(func(a client.Asset) uuid.UUID { return a.ClientID.UUID })
}

// scoped makes a unique key that is unique within one owner: "" (not indexed) when key is empty.
func scoped(owner uuid.UUID, key string) string {
	if key == "" {
		return ""
	}
	return owner.String() + "/" + key
}

func cloneClient(c client.Client) client.Client {
	c.AccountTeam = slices.Clone(c.AccountTeam)
	s := &c.Settings
	s.PortalTicketCategories = slices.Clone(s.PortalTicketCategories)
	s.RateOverrides = slices.Clone(s.RateOverrides)
	s.NotificationRules = slices.Clone(s.NotificationRules)
	for i := range s.NotificationRules {
		s.NotificationRules[i].ContactIDs = slices.Clone(s.NotificationRules[i].ContactIDs)
	}
	return c
}

// updated checks the domain version rule of every Update method: stored must carry the version
// the caller read, and the value is then stored with the next version.
func updated[K psa.ID, V any](ctx context.Context, v *view[K, V], k K, val V, version func(*V) *int64) error {
	if err := v.tx.usable(ctx); err != nil {
		return err
	}
	var have int64
	if i, ok := v.written(k); ok {
		have = *version(&v.writes[i].r.v)
	} else {
		v.tx.rlock()
		r, ok := v.t.rows[k]
		var seq uint64
		if ok {
			seq, have = r.seq, *version(&r.v)
		}
		v.tx.runlock()
		v.readRow(k, seq)
		if !ok {
			return psa.NotFound(v.t.kind, k)
		}
	}
	if v.scratch == nil {
		v.scratch = new(V)
	}
	*v.scratch = val
	if given := *version(v.scratch); given != have {
		return &psa.VersionConflictError{Kind: v.t.kind, ID: k.String(), Given: given, Stored: have}
	}
	*version(v.scratch)++
	err := v.put(ctx, k, *v.scratch, false)
	var zero V
	*v.scratch = zero // keep nothing of the caller's
	return err
}

func found[V any](v V, ok bool, err error, kind, key string) (V, error) {
	if err == nil && !ok {
		err = &psa.NotFoundError{Kind: kind, Key: key}
	}
	return v, err
}

// GetClient implements client.ClientStore.
func (tx *Tx) GetClient(ctx context.Context, id psa.ClientID) (client.Client, error) {
	return viewOf(tx, tx.s.clients).mustGet(ctx, id)
}

// FindClientByExternalID implements client.ClientStore.
func (tx *Tx) FindClientByExternalID(ctx context.Context, externalID string) (client.Client, error) {
	if externalID == "" {
		return client.Client{}, &psa.NotFoundError{Kind: "client", Key: "with an empty external ID"}
	}
	c, ok, err := viewOf(tx, tx.s.clients).findUnique(ctx, tx.s.clientsByExternalID, externalID)
	return found(c, ok, err, "client", "external ID "+externalID)
}

// CreateClient implements client.ClientStore.
func (tx *Tx) CreateClient(ctx context.Context, c client.Client) error {
	return viewOf(tx, tx.s.clients).put(ctx, c.ID, c, true)
}

// UpdateClient implements client.ClientStore.
func (tx *Tx) UpdateClient(ctx context.Context, c client.Client) error {
	return updated(ctx, viewOf(tx, tx.s.clients), c.ID, c, func(c *client.Client) *int64 { return &c.Version })
}

// ListClients implements client.ClientStore.
func (tx *Tx) ListClients(ctx context.Context, page psa.PageRequest) (psa.Page[client.Client], error) {
	return viewOf(tx, tx.s.clients).listAll(ctx, page)
}

// ListSubOrganizations implements client.ClientStore.
func (tx *Tx) ListSubOrganizations(ctx context.Context, parent psa.ClientID) ([]client.Client, error) {
	if psa.IsNil(parent) {
		return nil, nil
	}
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error) {
		return viewOf(tx, tx.s.clients).listGroup(ctx, tx.s.clientsByParent, parent.UUID, p)
	})
}

// GetContact implements client.ContactStore.
func (tx *Tx) GetContact(ctx context.Context, id psa.ContactID) (client.Contact, error) {
	return viewOf(tx, tx.s.contacts).mustGet(ctx, id)
}

// FindContactByExternalID implements client.ContactStore.
func (tx *Tx) FindContactByExternalID(ctx context.Context, clientID psa.ClientID, externalID string) (client.Contact, error) {
	key := scoped(clientID.UUID, externalID)
	if key == "" {
		return client.Contact{}, &psa.NotFoundError{Kind: "contact", Key: "with an empty external ID"}
	}
	c, ok, err := viewOf(tx, tx.s.contacts).findUnique(ctx, tx.s.contactsByExternal, key)
	return found(c, ok, err, "contact", "external ID "+externalID)
}

// CreateContact implements client.ContactStore.
func (tx *Tx) CreateContact(ctx context.Context, c client.Contact) error {
	return viewOf(tx, tx.s.contacts).put(ctx, c.ID, c, true)
}

// UpdateContact implements client.ContactStore.
func (tx *Tx) UpdateContact(ctx context.Context, c client.Contact) error {
	return updated(ctx, viewOf(tx, tx.s.contacts), c.ID, c, func(c *client.Contact) *int64 { return &c.Version })
}

// ListContacts implements client.ContactStore.
func (tx *Tx) ListContacts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[client.Contact], error) {
	return viewOf(tx, tx.s.contacts).listGroup(ctx, tx.s.contactsByClient, clientID.UUID, page)
}

// GetAsset implements client.AssetStore.
func (tx *Tx) GetAsset(ctx context.Context, id psa.AssetID) (client.Asset, error) {
	return viewOf(tx, tx.s.assets).mustGet(ctx, id)
}

// FindAssetByExternalID implements client.AssetStore.
func (tx *Tx) FindAssetByExternalID(ctx context.Context, clientID psa.ClientID, externalID string) (client.Asset, error) {
	key := scoped(clientID.UUID, externalID)
	if key == "" {
		return client.Asset{}, &psa.NotFoundError{Kind: "asset", Key: "with an empty external ID"}
	}
	a, ok, err := viewOf(tx, tx.s.assets).findUnique(ctx, tx.s.assetsByExternal, key)
	return found(a, ok, err, "asset", "external ID "+externalID)
}

// CreateAsset implements client.AssetStore.
func (tx *Tx) CreateAsset(ctx context.Context, a client.Asset) error {
	return viewOf(tx, tx.s.assets).put(ctx, a.ID, a, true)
}

// UpdateAsset implements client.AssetStore.
func (tx *Tx) UpdateAsset(ctx context.Context, a client.Asset) error {
	return updated(ctx, viewOf(tx, tx.s.assets), a.ID, a, func(a *client.Asset) *int64 { return &a.Version })
}

// ListAssets implements client.AssetStore.
func (tx *Tx) ListAssets(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[client.Asset], error) {
	return viewOf(tx, tx.s.assets).listGroup(ctx, tx.s.assetsByClient, clientID.UUID, page)
}
