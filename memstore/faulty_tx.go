package memstore

// The store methods of FaultyTx: each asks the fault function, then calls the Tx method of the
// same name. TestFaultyTxHasEveryMethod fails when Tx gains a method that is missing here.

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// GetSalesItem is Tx.GetSalesItem, failed when the fault function says so.
func (ft *FaultyTx) GetSalesItem(ctx context.Context, id psa.SalesItemID) (billing.SalesItem, error) {
	if err := ft.f.call("GetSalesItem"); err != nil {
		return failed[billing.SalesItem](err)
	}
	return ft.tx.GetSalesItem(ctx, id)
}

// CreateSalesItem is Tx.CreateSalesItem, failed when the fault function says so.
func (ft *FaultyTx) CreateSalesItem(ctx context.Context, it billing.SalesItem) error {
	if err := ft.f.call("CreateSalesItem"); err != nil {
		return err
	}
	return ft.tx.CreateSalesItem(ctx, it)
}

// UpdateSalesItem is Tx.UpdateSalesItem, failed when the fault function says so.
func (ft *FaultyTx) UpdateSalesItem(ctx context.Context, it billing.SalesItem) error {
	if err := ft.f.call("UpdateSalesItem"); err != nil {
		return err
	}
	return ft.tx.UpdateSalesItem(ctx, it)
}

// ListSalesItems is Tx.ListSalesItems, failed when the fault function says so.
func (ft *FaultyTx) ListSalesItems(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[billing.SalesItem], error) {
	if err := ft.f.call("ListSalesItems"); err != nil {
		return failed[psa.Page[billing.SalesItem]](err)
	}
	return ft.tx.ListSalesItems(ctx, clientID, page)
}

// CreateClaim is Tx.CreateClaim, failed when the fault function says so.
func (ft *FaultyTx) CreateClaim(ctx context.Context, c billing.Claim) error {
	if err := ft.f.call("CreateClaim"); err != nil {
		return err
	}
	return ft.tx.CreateClaim(ctx, c)
}

// UpdateClaim is Tx.UpdateClaim, failed when the fault function says so.
func (ft *FaultyTx) UpdateClaim(ctx context.Context, c billing.Claim) error {
	if err := ft.f.call("UpdateClaim"); err != nil {
		return err
	}
	return ft.tx.UpdateClaim(ctx, c)
}

// ListClaims is Tx.ListClaims, failed when the fault function says so.
func (ft *FaultyTx) ListClaims(ctx context.Context, subject billing.Subject) ([]billing.Claim, error) {
	if err := ft.f.call("ListClaims"); err != nil {
		return failed[[]billing.Claim](err)
	}
	return ft.tx.ListClaims(ctx, subject)
}

// ListInvoiceClaims is Tx.ListInvoiceClaims, failed when the fault function says so.
func (ft *FaultyTx) ListInvoiceClaims(ctx context.Context, invoiceID psa.InvoiceID) ([]billing.Claim, error) {
	if err := ft.f.call("ListInvoiceClaims"); err != nil {
		return failed[[]billing.Claim](err)
	}
	return ft.tx.ListInvoiceClaims(ctx, invoiceID)
}

// CreateUsage is Tx.CreateUsage, failed when the fault function says so.
func (ft *FaultyTx) CreateUsage(ctx context.Context, u billing.Usage) error {
	if err := ft.f.call("CreateUsage"); err != nil {
		return err
	}
	return ft.tx.CreateUsage(ctx, u)
}

// UpdateUsage is Tx.UpdateUsage, failed when the fault function says so.
func (ft *FaultyTx) UpdateUsage(ctx context.Context, u billing.Usage) error {
	if err := ft.f.call("UpdateUsage"); err != nil {
		return err
	}
	return ft.tx.UpdateUsage(ctx, u)
}

// ListUsage is Tx.ListUsage, failed when the fault function says so.
func (ft *FaultyTx) ListUsage(ctx context.Context, part psa.PartID) ([]billing.Usage, error) {
	if err := ft.f.call("ListUsage"); err != nil {
		return failed[[]billing.Usage](err)
	}
	return ft.tx.ListUsage(ctx, part)
}

// GetClient is Tx.GetClient, failed when the fault function says so.
func (ft *FaultyTx) GetClient(ctx context.Context, id psa.ClientID) (client.Client, error) {
	if err := ft.f.call("GetClient"); err != nil {
		return failed[client.Client](err)
	}
	return ft.tx.GetClient(ctx, id)
}

// FindClientByExternalID is Tx.FindClientByExternalID, failed when the fault function says so.
func (ft *FaultyTx) FindClientByExternalID(ctx context.Context, externalID string) (client.Client, error) {
	if err := ft.f.call("FindClientByExternalID"); err != nil {
		return failed[client.Client](err)
	}
	return ft.tx.FindClientByExternalID(ctx, externalID)
}

// CreateClient is Tx.CreateClient, failed when the fault function says so.
func (ft *FaultyTx) CreateClient(ctx context.Context, c client.Client) error {
	if err := ft.f.call("CreateClient"); err != nil {
		return err
	}
	return ft.tx.CreateClient(ctx, c)
}

// UpdateClient is Tx.UpdateClient, failed when the fault function says so.
func (ft *FaultyTx) UpdateClient(ctx context.Context, c client.Client) error {
	if err := ft.f.call("UpdateClient"); err != nil {
		return err
	}
	return ft.tx.UpdateClient(ctx, c)
}

// ListClients is Tx.ListClients, failed when the fault function says so.
func (ft *FaultyTx) ListClients(ctx context.Context, page psa.PageRequest) (psa.Page[client.Client], error) {
	if err := ft.f.call("ListClients"); err != nil {
		return failed[psa.Page[client.Client]](err)
	}
	return ft.tx.ListClients(ctx, page)
}

// ListSubOrganizations is Tx.ListSubOrganizations, failed when the fault function says so.
func (ft *FaultyTx) ListSubOrganizations(ctx context.Context, parent psa.ClientID) ([]client.Client, error) {
	if err := ft.f.call("ListSubOrganizations"); err != nil {
		return failed[[]client.Client](err)
	}
	return ft.tx.ListSubOrganizations(ctx, parent)
}

// GetContact is Tx.GetContact, failed when the fault function says so.
func (ft *FaultyTx) GetContact(ctx context.Context, id psa.ContactID) (client.Contact, error) {
	if err := ft.f.call("GetContact"); err != nil {
		return failed[client.Contact](err)
	}
	return ft.tx.GetContact(ctx, id)
}

// FindContactByExternalID is Tx.FindContactByExternalID, failed when the fault function says so.
func (ft *FaultyTx) FindContactByExternalID(ctx context.Context, clientID psa.ClientID, externalID string) (client.Contact, error) {
	if err := ft.f.call("FindContactByExternalID"); err != nil {
		return failed[client.Contact](err)
	}
	return ft.tx.FindContactByExternalID(ctx, clientID, externalID)
}

// CreateContact is Tx.CreateContact, failed when the fault function says so.
func (ft *FaultyTx) CreateContact(ctx context.Context, c client.Contact) error {
	if err := ft.f.call("CreateContact"); err != nil {
		return err
	}
	return ft.tx.CreateContact(ctx, c)
}

// UpdateContact is Tx.UpdateContact, failed when the fault function says so.
func (ft *FaultyTx) UpdateContact(ctx context.Context, c client.Contact) error {
	if err := ft.f.call("UpdateContact"); err != nil {
		return err
	}
	return ft.tx.UpdateContact(ctx, c)
}

// ListContacts is Tx.ListContacts, failed when the fault function says so.
func (ft *FaultyTx) ListContacts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[client.Contact], error) {
	if err := ft.f.call("ListContacts"); err != nil {
		return failed[psa.Page[client.Contact]](err)
	}
	return ft.tx.ListContacts(ctx, clientID, page)
}

// GetAsset is Tx.GetAsset, failed when the fault function says so.
func (ft *FaultyTx) GetAsset(ctx context.Context, id psa.AssetID) (client.Asset, error) {
	if err := ft.f.call("GetAsset"); err != nil {
		return failed[client.Asset](err)
	}
	return ft.tx.GetAsset(ctx, id)
}

// FindAssetByExternalID is Tx.FindAssetByExternalID, failed when the fault function says so.
func (ft *FaultyTx) FindAssetByExternalID(ctx context.Context, clientID psa.ClientID, externalID string) (client.Asset, error) {
	if err := ft.f.call("FindAssetByExternalID"); err != nil {
		return failed[client.Asset](err)
	}
	return ft.tx.FindAssetByExternalID(ctx, clientID, externalID)
}

// CreateAsset is Tx.CreateAsset, failed when the fault function says so.
func (ft *FaultyTx) CreateAsset(ctx context.Context, a client.Asset) error {
	if err := ft.f.call("CreateAsset"); err != nil {
		return err
	}
	return ft.tx.CreateAsset(ctx, a)
}

// UpdateAsset is Tx.UpdateAsset, failed when the fault function says so.
func (ft *FaultyTx) UpdateAsset(ctx context.Context, a client.Asset) error {
	if err := ft.f.call("UpdateAsset"); err != nil {
		return err
	}
	return ft.tx.UpdateAsset(ctx, a)
}

// ListAssets is Tx.ListAssets, failed when the fault function says so.
func (ft *FaultyTx) ListAssets(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[client.Asset], error) {
	if err := ft.f.call("ListAssets"); err != nil {
		return failed[psa.Page[client.Asset]](err)
	}
	return ft.tx.ListAssets(ctx, clientID, page)
}

// GetContract is Tx.GetContract, failed when the fault function says so.
func (ft *FaultyTx) GetContract(ctx context.Context, id psa.ContractID) (contract.Contract, error) {
	if err := ft.f.call("GetContract"); err != nil {
		return failed[contract.Contract](err)
	}
	return ft.tx.GetContract(ctx, id)
}

// FindContractByDealID is Tx.FindContractByDealID, failed when the fault function says so.
func (ft *FaultyTx) FindContractByDealID(ctx context.Context, dealID string) (contract.Contract, error) {
	if err := ft.f.call("FindContractByDealID"); err != nil {
		return failed[contract.Contract](err)
	}
	return ft.tx.FindContractByDealID(ctx, dealID)
}

// CreateContract is Tx.CreateContract, failed when the fault function says so.
func (ft *FaultyTx) CreateContract(ctx context.Context, c contract.Contract) error {
	if err := ft.f.call("CreateContract"); err != nil {
		return err
	}
	return ft.tx.CreateContract(ctx, c)
}

// UpdateContract is Tx.UpdateContract, failed when the fault function says so.
func (ft *FaultyTx) UpdateContract(ctx context.Context, c contract.Contract) error {
	if err := ft.f.call("UpdateContract"); err != nil {
		return err
	}
	return ft.tx.UpdateContract(ctx, c)
}

// ListContracts is Tx.ListContracts, failed when the fault function says so.
func (ft *FaultyTx) ListContracts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[contract.Contract], error) {
	if err := ft.f.call("ListContracts"); err != nil {
		return failed[psa.Page[contract.Contract]](err)
	}
	return ft.tx.ListContracts(ctx, clientID, page)
}

// ListAllContracts is Tx.ListAllContracts, failed when the fault function says so.
func (ft *FaultyTx) ListAllContracts(ctx context.Context, page psa.PageRequest) (psa.Page[contract.Contract], error) {
	if err := ft.f.call("ListAllContracts"); err != nil {
		return failed[psa.Page[contract.Contract]](err)
	}
	return ft.tx.ListAllContracts(ctx, page)
}

// GetPart is Tx.GetPart, failed when the fault function says so.
func (ft *FaultyTx) GetPart(ctx context.Context, id psa.PartID) (contract.Part, error) {
	if err := ft.f.call("GetPart"); err != nil {
		return failed[contract.Part](err)
	}
	return ft.tx.GetPart(ctx, id)
}

// CreatePart is Tx.CreatePart, failed when the fault function says so.
func (ft *FaultyTx) CreatePart(ctx context.Context, p contract.Part) error {
	if err := ft.f.call("CreatePart"); err != nil {
		return err
	}
	return ft.tx.CreatePart(ctx, p)
}

// UpdatePart is Tx.UpdatePart, failed when the fault function says so.
func (ft *FaultyTx) UpdatePart(ctx context.Context, p contract.Part) error {
	if err := ft.f.call("UpdatePart"); err != nil {
		return err
	}
	return ft.tx.UpdatePart(ctx, p)
}

// ListParts is Tx.ListParts, failed when the fault function says so.
func (ft *FaultyTx) ListParts(ctx context.Context, contractID psa.ContractID, page psa.PageRequest) (psa.Page[contract.Part], error) {
	if err := ft.f.call("ListParts"); err != nil {
		return failed[psa.Page[contract.Part]](err)
	}
	return ft.tx.ListParts(ctx, contractID, page)
}

// AppendHistory is Tx.AppendHistory, failed when the fault function says so.
func (ft *FaultyTx) AppendHistory(ctx context.Context, e contract.HistoryEntry) error {
	if err := ft.f.call("AppendHistory"); err != nil {
		return err
	}
	return ft.tx.AppendHistory(ctx, e)
}

// ListHistory is Tx.ListHistory, failed when the fault function says so.
func (ft *FaultyTx) ListHistory(ctx context.Context, contractID psa.ContractID) ([]contract.HistoryEntry, error) {
	if err := ft.f.call("ListHistory"); err != nil {
		return failed[[]contract.HistoryEntry](err)
	}
	return ft.tx.ListHistory(ctx, contractID)
}

// GetScheme is Tx.GetScheme, failed when the fault function says so.
func (ft *FaultyTx) GetScheme(ctx context.Context, id psa.NumberingSchemeID) (invoice.Scheme, error) {
	if err := ft.f.call("GetScheme"); err != nil {
		return failed[invoice.Scheme](err)
	}
	return ft.tx.GetScheme(ctx, id)
}

// PutScheme is Tx.PutScheme, failed when the fault function says so.
func (ft *FaultyTx) PutScheme(ctx context.Context, sc invoice.Scheme) error {
	if err := ft.f.call("PutScheme"); err != nil {
		return err
	}
	return ft.tx.PutScheme(ctx, sc)
}

// GetInvoice is Tx.GetInvoice, failed when the fault function says so.
func (ft *FaultyTx) GetInvoice(ctx context.Context, id psa.InvoiceID) (invoice.Invoice, error) {
	if err := ft.f.call("GetInvoice"); err != nil {
		return failed[invoice.Invoice](err)
	}
	return ft.tx.GetInvoice(ctx, id)
}

// CreateInvoice is Tx.CreateInvoice, failed when the fault function says so.
func (ft *FaultyTx) CreateInvoice(ctx context.Context, inv invoice.Invoice) error {
	if err := ft.f.call("CreateInvoice"); err != nil {
		return err
	}
	return ft.tx.CreateInvoice(ctx, inv)
}

// UpdateInvoice is Tx.UpdateInvoice, failed when the fault function says so.
func (ft *FaultyTx) UpdateInvoice(ctx context.Context, inv invoice.Invoice) error {
	if err := ft.f.call("UpdateInvoice"); err != nil {
		return err
	}
	return ft.tx.UpdateInvoice(ctx, inv)
}

// ListInvoices is Tx.ListInvoices, failed when the fault function says so.
func (ft *FaultyTx) ListInvoices(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[invoice.Invoice], error) {
	if err := ft.f.call("ListInvoices"); err != nil {
		return failed[psa.Page[invoice.Invoice]](err)
	}
	return ft.tx.ListInvoices(ctx, clientID, page)
}

// NextTicketNumber is Tx.NextTicketNumber, failed when the fault function says so.
func (ft *FaultyTx) NextTicketNumber(ctx context.Context) (int64, error) {
	if err := ft.f.call("NextTicketNumber"); err != nil {
		return failed[int64](err)
	}
	return ft.tx.NextTicketNumber(ctx)
}

// GetTicket is Tx.GetTicket, failed when the fault function says so.
func (ft *FaultyTx) GetTicket(ctx context.Context, id psa.TicketID) (servicedesk.Ticket, error) {
	if err := ft.f.call("GetTicket"); err != nil {
		return failed[servicedesk.Ticket](err)
	}
	return ft.tx.GetTicket(ctx, id)
}

// CreateTicket is Tx.CreateTicket, failed when the fault function says so.
func (ft *FaultyTx) CreateTicket(ctx context.Context, t servicedesk.Ticket) error {
	if err := ft.f.call("CreateTicket"); err != nil {
		return err
	}
	return ft.tx.CreateTicket(ctx, t)
}

// UpdateTicket is Tx.UpdateTicket, failed when the fault function says so.
func (ft *FaultyTx) UpdateTicket(ctx context.Context, t servicedesk.Ticket) error {
	if err := ft.f.call("UpdateTicket"); err != nil {
		return err
	}
	return ft.tx.UpdateTicket(ctx, t)
}

// ListTickets is Tx.ListTickets, failed when the fault function says so.
func (ft *FaultyTx) ListTickets(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
	if err := ft.f.call("ListTickets"); err != nil {
		return failed[psa.Page[servicedesk.Ticket]](err)
	}
	return ft.tx.ListTickets(ctx, clientID, page)
}

// CreateNote is Tx.CreateNote, failed when the fault function says so.
func (ft *FaultyTx) CreateNote(ctx context.Context, n servicedesk.Note) error {
	if err := ft.f.call("CreateNote"); err != nil {
		return err
	}
	return ft.tx.CreateNote(ctx, n)
}

// ListNotes is Tx.ListNotes, failed when the fault function says so.
func (ft *FaultyTx) ListNotes(ctx context.Context, ticket psa.TicketID) ([]servicedesk.Note, error) {
	if err := ft.f.call("ListNotes"); err != nil {
		return failed[[]servicedesk.Note](err)
	}
	return ft.tx.ListNotes(ctx, ticket)
}

// GetTimeEntry is Tx.GetTimeEntry, failed when the fault function says so.
func (ft *FaultyTx) GetTimeEntry(ctx context.Context, id psa.TimeEntryID) (servicedesk.TimeEntry, error) {
	if err := ft.f.call("GetTimeEntry"); err != nil {
		return failed[servicedesk.TimeEntry](err)
	}
	return ft.tx.GetTimeEntry(ctx, id)
}

// CreateTimeEntry is Tx.CreateTimeEntry, failed when the fault function says so.
func (ft *FaultyTx) CreateTimeEntry(ctx context.Context, e servicedesk.TimeEntry) error {
	if err := ft.f.call("CreateTimeEntry"); err != nil {
		return err
	}
	return ft.tx.CreateTimeEntry(ctx, e)
}

// UpdateTimeEntry is Tx.UpdateTimeEntry, failed when the fault function says so.
func (ft *FaultyTx) UpdateTimeEntry(ctx context.Context, e servicedesk.TimeEntry) error {
	if err := ft.f.call("UpdateTimeEntry"); err != nil {
		return err
	}
	return ft.tx.UpdateTimeEntry(ctx, e)
}

// ListTimeEntries is Tx.ListTimeEntries, failed when the fault function says so.
func (ft *FaultyTx) ListTimeEntries(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
	if err := ft.f.call("ListTimeEntries"); err != nil {
		return failed[psa.Page[servicedesk.TimeEntry]](err)
	}
	return ft.tx.ListTimeEntries(ctx, clientID, page)
}

// ListTicketTime is Tx.ListTicketTime, failed when the fault function says so.
func (ft *FaultyTx) ListTicketTime(ctx context.Context, ticket psa.TicketID) ([]servicedesk.TimeEntry, error) {
	if err := ft.f.call("ListTicketTime"); err != nil {
		return failed[[]servicedesk.TimeEntry](err)
	}
	return ft.tx.ListTicketTime(ctx, ticket)
}

// GetPolicy is Tx.GetPolicy, failed when the fault function says so.
func (ft *FaultyTx) GetPolicy(ctx context.Context, id psa.SLAPolicyID) (servicedesk.Policy, error) {
	if err := ft.f.call("GetPolicy"); err != nil {
		return failed[servicedesk.Policy](err)
	}
	return ft.tx.GetPolicy(ctx, id)
}

// PutPolicy is Tx.PutPolicy, failed when the fault function says so.
func (ft *FaultyTx) PutPolicy(ctx context.Context, p servicedesk.Policy) error {
	if err := ft.f.call("PutPolicy"); err != nil {
		return err
	}
	return ft.tx.PutPolicy(ctx, p)
}

// GetCalendar is Tx.GetCalendar, failed when the fault function says so.
func (ft *FaultyTx) GetCalendar(ctx context.Context, id psa.CalendarID) (servicedesk.Calendar, error) {
	if err := ft.f.call("GetCalendar"); err != nil {
		return failed[servicedesk.Calendar](err)
	}
	return ft.tx.GetCalendar(ctx, id)
}

// PutCalendar is Tx.PutCalendar, failed when the fault function says so.
func (ft *FaultyTx) PutCalendar(ctx context.Context, c servicedesk.Calendar) error {
	if err := ft.f.call("PutCalendar"); err != nil {
		return err
	}
	return ft.tx.PutCalendar(ctx, c)
}

// GetQueue is Tx.GetQueue, failed when the fault function says so.
func (ft *FaultyTx) GetQueue(ctx context.Context, id psa.QueueID) (servicedesk.Queue, error) {
	if err := ft.f.call("GetQueue"); err != nil {
		return failed[servicedesk.Queue](err)
	}
	return ft.tx.GetQueue(ctx, id)
}

// PutQueue is Tx.PutQueue, failed when the fault function says so.
func (ft *FaultyTx) PutQueue(ctx context.Context, q servicedesk.Queue) error {
	if err := ft.f.call("PutQueue"); err != nil {
		return err
	}
	return ft.tx.PutQueue(ctx, q)
}

// GetSettings is Tx.GetSettings, failed when the fault function says so.
func (ft *FaultyTx) GetSettings(ctx context.Context) (servicedesk.Settings, error) {
	if err := ft.f.call("GetSettings"); err != nil {
		return failed[servicedesk.Settings](err)
	}
	return ft.tx.GetSettings(ctx)
}

// PutSettings is Tx.PutSettings, failed when the fault function says so.
func (ft *FaultyTx) PutSettings(ctx context.Context, set servicedesk.Settings) error {
	if err := ft.f.call("PutSettings"); err != nil {
		return err
	}
	return ft.tx.PutSettings(ctx, set)
}
