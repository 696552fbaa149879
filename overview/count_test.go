package overview_test

import (
	"context"
	"errors"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/overview"
	"github.com/psakit/psa/servicedesk"
)

// countingTx counts the reads an overview transaction makes.
type countingTx struct {
	overview.Tx
	n *int
}

func (c countingTx) GetClient(ctx context.Context, id psa.ClientID) (client.Client, error) {
	*c.n++
	return c.Tx.GetClient(ctx, id)
}

func (c countingTx) ListSubOrganizations(ctx context.Context, id psa.ClientID) ([]client.Client, error) {
	*c.n++
	return c.Tx.ListSubOrganizations(ctx, id)
}

func (c countingTx) ListContacts(ctx context.Context, id psa.ClientID, p psa.PageRequest) (psa.Page[client.Contact], error) {
	*c.n++
	return c.Tx.ListContacts(ctx, id, p)
}

func (c countingTx) ListAssets(ctx context.Context, id psa.ClientID, p psa.PageRequest) (psa.Page[client.Asset], error) {
	*c.n++
	return c.Tx.ListAssets(ctx, id, p)
}

func (c countingTx) GetAsset(ctx context.Context, id psa.AssetID) (client.Asset, error) {
	*c.n++
	return c.Tx.GetAsset(ctx, id)
}

func (c countingTx) ListContracts(ctx context.Context, id psa.ClientID, p psa.PageRequest) (psa.Page[contract.Contract], error) {
	*c.n++
	return c.Tx.ListContracts(ctx, id, p)
}

func (c countingTx) GetContract(ctx context.Context, id psa.ContractID) (contract.Contract, error) {
	*c.n++
	return c.Tx.GetContract(ctx, id)
}

func (c countingTx) ListTickets(ctx context.Context, id psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
	*c.n++
	return c.Tx.ListTickets(ctx, id, p)
}

func (c countingTx) ListTimeEntries(ctx context.Context, id psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
	*c.n++
	return c.Tx.ListTimeEntries(ctx, id, p)
}

func (c countingTx) GetPolicy(ctx context.Context, id psa.SLAPolicyID) (servicedesk.Policy, error) {
	*c.n++
	return c.Tx.GetPolicy(ctx, id)
}

func (c countingTx) GetCalendar(ctx context.Context, id psa.CalendarID) (servicedesk.Calendar, error) {
	*c.n++
	return c.Tx.GetCalendar(ctx, id)
}

func (c countingTx) GetSettings(ctx context.Context) (servicedesk.Settings, error) {
	*c.n++
	return c.Tx.GetSettings(ctx)
}

func (c countingTx) ListInvoices(ctx context.Context, id psa.ClientID, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
	*c.n++
	return c.Tx.ListInvoices(ctx, id, p)
}

// asValidation returns err as a *psa.ValidationError.
func asValidation(err error) (*psa.ValidationError, bool) {
	return errors.AsType[*psa.ValidationError](err)
}
