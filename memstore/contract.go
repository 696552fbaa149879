package memstore

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

var _ contract.Tx = (*Tx)(nil)

// historyLog is the stored history of one contract.
type historyLog struct {
	ContractID psa.ContractID
	Entries    []contract.HistoryEntry
}

func (s *Store) initContracts() {
	s.contracts = newTable("contract", func(c contract.Contract) psa.ContractID { return c.ID }, cloneContract)
	s.contractsByDeal = s.contracts.addUnique("deal ID", func(c contract.Contract) string { return c.DealID })
	s.contractsByClient = s.contracts.addGrouping(func(c contract.Contract) uuid.UUID { return c.ClientID.UUID })

	s.parts = newTable("contract part", func(p contract.Part) psa.PartID { return p.ID }, func(p contract.Part) contract.Part {
		p.Quantities = slices.Clone(p.Quantities)
		return p
	})
	s.partsByContract = s.parts.addGrouping(func(p contract.Part) uuid.UUID { return p.ContractID.UUID })

	s.history = newTable("contract history", func(h historyLog) psa.ContractID { return h.ContractID }, func(h historyLog) historyLog {
		h.Entries = slices.Clone(h.Entries)
		return h
	})
}

// GetContract implements contract.ContractStore.
func (tx *Tx) GetContract(ctx context.Context, id psa.ContractID) (contract.Contract, error) {
	return viewOf(tx, tx.s.contracts).mustGet(ctx, id)
}

// FindContractByDealID implements contract.ContractStore.
func (tx *Tx) FindContractByDealID(ctx context.Context, dealID string) (contract.Contract, error) {
	if dealID == "" {
		return contract.Contract{}, &psa.NotFoundError{Kind: "contract", Key: "with an empty deal ID"}
	}
	c, ok, err := viewOf(tx, tx.s.contracts).findUnique(ctx, tx.s.contractsByDeal, dealID)
	return found(c, ok, err, "contract", "deal ID "+dealID)
}

// CreateContract implements contract.ContractStore.
func (tx *Tx) CreateContract(ctx context.Context, c contract.Contract) error {
	return viewOf(tx, tx.s.contracts).put(ctx, c.ID, c, true)
}

// UpdateContract implements contract.ContractStore.
func (tx *Tx) UpdateContract(ctx context.Context, c contract.Contract) error {
	return updated(ctx, viewOf(tx, tx.s.contracts), c.ID, c, func(c *contract.Contract) *int64 { return &c.Version })
}

// ListContracts implements contract.ContractStore.
func (tx *Tx) ListContracts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[contract.Contract], error) {
	return viewOf(tx, tx.s.contracts).listGroup(ctx, tx.s.contractsByClient, clientID.UUID, page)
}

// ListAllContracts implements contract.ContractStore.
func (tx *Tx) ListAllContracts(ctx context.Context, page psa.PageRequest) (psa.Page[contract.Contract], error) {
	return viewOf(tx, tx.s.contracts).listAll(ctx, page)
}

// GetPart implements contract.PartStore.
func (tx *Tx) GetPart(ctx context.Context, id psa.PartID) (contract.Part, error) {
	return viewOf(tx, tx.s.parts).mustGet(ctx, id)
}

// CreatePart implements contract.PartStore.
func (tx *Tx) CreatePart(ctx context.Context, p contract.Part) error {
	return viewOf(tx, tx.s.parts).put(ctx, p.ID, p, true)
}

// UpdatePart implements contract.PartStore.
func (tx *Tx) UpdatePart(ctx context.Context, p contract.Part) error {
	return updated(ctx, viewOf(tx, tx.s.parts), p.ID, p, func(p *contract.Part) *int64 { return &p.Version })
}

// ListParts implements contract.PartStore.
func (tx *Tx) ListParts(ctx context.Context, contractID psa.ContractID, page psa.PageRequest) (psa.Page[contract.Part], error) {
	return viewOf(tx, tx.s.parts).listGroup(ctx, tx.s.partsByContract, contractID.UUID, page)
}

// AppendHistory implements contract.HistoryStore.
func (tx *Tx) AppendHistory(ctx context.Context, e contract.HistoryEntry) error {
	log, exists, err := viewOf(tx, tx.s.history).get(ctx, e.ContractID)
	if err != nil {
		return err
	}
	if e.Seq < 1 {
		return psa.Invalid("contract history entry", "seq", itoa(e.Seq), "must be 1 or more")
	}
	if e.Seq <= int64(len(log.Entries)) {
		return &psa.AlreadyExistsError{Kind: "contract history entry", Key: e.ContractID.String() + " #" + itoa(e.Seq)}
	}
	if e.Seq != int64(len(log.Entries))+1 {
		return psa.Invalid("contract history entry", "seq", itoa(e.Seq), "must be the next sequence number "+itoa(int64(len(log.Entries))+1))
	}
	log.ContractID = e.ContractID
	log.Entries = append(log.Entries, e)
	return viewOf(tx, tx.s.history).put(ctx, e.ContractID, log, !exists)
}

// ListHistory implements contract.HistoryStore.
func (tx *Tx) ListHistory(ctx context.Context, contractID psa.ContractID) ([]contract.HistoryEntry, error) {
	log, _, err := viewOf(tx, tx.s.history).get(ctx, contractID)
	return log.Entries, err
}

func cloneContract(c contract.Contract) contract.Contract {
	c.Rates = slices.Clone(c.Rates)
	c.Usage = slices.Clone(c.Usage)
	if c.TimeRounding != nil {
		r := *c.TimeRounding
		c.TimeRounding = &r
	}
	return c
}
