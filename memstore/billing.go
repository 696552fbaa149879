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
}

// GetSalesItem implements billing.SalesItemStore.
func (tx *Tx) GetSalesItem(ctx context.Context, id psa.SalesItemID) (billing.SalesItem, error) {
	return tx.salesItems.mustGet(ctx, id)
}

// CreateSalesItem implements billing.SalesItemStore.
func (tx *Tx) CreateSalesItem(ctx context.Context, it billing.SalesItem) error {
	return tx.salesItems.put(ctx, it.ID, it, true)
}

// UpdateSalesItem implements billing.SalesItemStore.
func (tx *Tx) UpdateSalesItem(ctx context.Context, it billing.SalesItem) error {
	return updated(ctx, tx.salesItems, it.ID, it, func(it *billing.SalesItem) *int64 { return &it.Version })
}

// ListSalesItems implements billing.SalesItemStore.
func (tx *Tx) ListSalesItems(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[billing.SalesItem], error) {
	return tx.salesItems.listGroup(ctx, tx.s.salesItemsByClient, clientID.UUID, page)
}
