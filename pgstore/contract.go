package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

var _ contract.Tx = (*Tx)(nil)

var (
	contracts = (&table[psa.ContractID, contract.Contract]{
		kind: "contract", name: "contracts",
		id:      func(c contract.Contract) psa.ContractID { return c.ID },
		version: func(c *contract.Contract) *int64 { return &c.Version },
		cols: []column[contract.Contract]{
			{"client_id", func(c contract.Contract) any { return pgKey(c.ClientID) }},
			{"deal_id", func(c contract.Contract) any { return pgText(c.DealID) }},
			{"status", func(c contract.Contract) any { return string(c.Status) }},
			{"is_default", func(c contract.Contract) any { return c.Default }},
			{"served", func(c contract.Contract) any { return servedRange(c.Start, c.End) }},
			{"currency", func(c contract.Contract) any { return pgText(currencyCode(c.Currency)) }},
		},
		uniques: []uniqueKey[contract.Contract]{
			{"contracts_deal_id_key", "deal ID", func(c contract.Contract) string { return c.DealID }},
		},
		encode:    encodeContract,
		decode:    decodeContract,
		violation: defaultContractTaken,
	}).build()

	parts = (&table[psa.PartID, contract.Part]{
		kind: "contract part", name: "contract_parts",
		id:      func(p contract.Part) psa.PartID { return p.ID },
		version: func(p *contract.Part) *int64 { return &p.Version },
		cols: []column[contract.Part]{
			{"contract_id", func(p contract.Part) any { return pgKey(p.ContractID) }},
		},
	}).build()
)

// contractDoc is a contract without its JSON methods, whose currency the document keeps as an
// ISO 4217 code, or none for the zero currency (which contract.Contract's own encoding cannot
// read back).
type contractDoc struct {
	contractFields
	Currency string `json:"currency,omitempty"`
}

type contractFields contract.Contract

func encodeContract(c contract.Contract) ([]byte, error) {
	return json.Marshal(contractDoc{contractFields(c), currencyCode(c.Currency)})
}

func decodeContract(b []byte, c *contract.Contract) error {
	var d contractDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	cur, err := parseCurrency(d.Currency)
	if err != nil {
		return err
	}
	*c = contract.Contract(d.contractFields)
	c.Currency = cur
	return nil
}

// servedRange returns the days [start, end] as a daterange: unbounded where a date is zero, empty
// when end is before start.
func servedRange(start, end psa.Date) pgtype.Range[pgtype.Date] {
	r := pgtype.Range[pgtype.Date]{LowerType: pgtype.Unbounded, UpperType: pgtype.Unbounded, Valid: true}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return pgtype.Range[pgtype.Date]{LowerType: pgtype.Empty, UpperType: pgtype.Empty, Valid: true}
	}
	if !start.IsZero() {
		r.Lower, r.LowerType = pgDate(start), pgtype.Inclusive
	}
	if !end.IsZero() {
		r.Upper, r.UpperType = pgDate(end), pgtype.Inclusive
	}
	return r
}

// defaultContractTaken maps a violation of the one-default-contract constraint to the
// *contract.DefaultContractError the contract service reports for it, naming the default
// contract in force.
func defaultContractTaken(ctx context.Context, tx *Tx, c contract.Contract, pe *pgconn.PgError) error {
	if pe.Code != codeExclusionViolation || pe.ConstraintName != "contracts_one_default" {
		return nil
	}
	e := &contract.DefaultContractError{ClientID: c.ClientID}
	var current pgtype.UUID
	err := tx.tx.QueryRow(ctx, `SELECT id FROM contracts WHERE client_id = $1 AND id <> $2 AND is_default
		AND status IN ('active', 'draft') AND served && $3 ORDER BY id LIMIT 1`,
		pgKey(c.ClientID), pgKey(c.ID), servedRange(c.Start, c.End)).Scan(&current)
	switch {
	case err == nil:
		e.Current = psa.ContractID{UUID: current.Bytes}
	case !errors.Is(err, pgx.ErrNoRows):
		return tx.fail("reading the default contract", err)
	}
	return e
}

// GetContract implements contract.ContractStore.
func (tx *Tx) GetContract(ctx context.Context, id psa.ContractID) (contract.Contract, error) {
	return contracts.get(ctx, tx, id)
}

// FindContractByDealID implements contract.ContractStore.
func (tx *Tx) FindContractByDealID(ctx context.Context, dealID string) (contract.Contract, error) {
	if dealID == "" {
		return contract.Contract{}, &psa.NotFoundError{Kind: "contract", Key: "with an empty deal ID"}
	}
	return contracts.findBy(ctx, tx, "deal ID "+dealID, "deal_id = $1", dealID)
}

// CreateContract implements contract.ContractStore.
func (tx *Tx) CreateContract(ctx context.Context, c contract.Contract) error {
	return contracts.create(ctx, tx, c)
}

// UpdateContract implements contract.ContractStore.
func (tx *Tx) UpdateContract(ctx context.Context, c contract.Contract) error {
	return contracts.update(ctx, tx, c)
}

// ListContracts implements contract.ContractStore.
func (tx *Tx) ListContracts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[contract.Contract], error) {
	if p, ok, err := contracts.readPage(tx, page, "client_id", uuidOf(clientID)); ok || err != nil {
		return p, err
	}
	return contracts.list(ctx, tx, page, "client_id = $1", pgKey(clientID))
}

// ListAllContracts implements contract.ContractStore.
func (tx *Tx) ListAllContracts(ctx context.Context, page psa.PageRequest) (psa.Page[contract.Contract], error) {
	return contracts.list(ctx, tx, page, "true")
}

// GetPart implements contract.PartStore.
func (tx *Tx) GetPart(ctx context.Context, id psa.PartID) (contract.Part, error) {
	return parts.get(ctx, tx, id)
}

// CreatePart implements contract.PartStore.
func (tx *Tx) CreatePart(ctx context.Context, p contract.Part) error {
	return parts.create(ctx, tx, p)
}

// UpdatePart implements contract.PartStore.
func (tx *Tx) UpdatePart(ctx context.Context, p contract.Part) error {
	return parts.update(ctx, tx, p)
}

// ListParts implements contract.PartStore.
func (tx *Tx) ListParts(ctx context.Context, contractID psa.ContractID, page psa.PageRequest) (psa.Page[contract.Part], error) {
	if p, ok, err := parts.readPage(tx, page, "contract_id", uuidOf(contractID)); ok || err != nil {
		return p, err
	}
	return parts.list(ctx, tx, page, "contract_id = $1", pgKey(contractID))
}

// AppendHistory implements contract.HistoryStore. Seq must be the contract's next sequence
// number: a Seq already stored is a *psa.AlreadyExistsError (so is the loser of two concurrent
// appends of one Seq), a gap or a Seq below 1 a *psa.ValidationError.
func (tx *Tx) AppendHistory(ctx context.Context, e contract.HistoryEntry) error {
	const kind = "contract history entry"
	if e.Seq < 1 {
		return psa.Invalid(kind, "seq", fmt.Sprint(e.Seq), "must be 1 or more")
	}
	var last int64
	if err := tx.tx.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM contract_history WHERE contract_id = $1",
		pgKey(e.ContractID)).Scan(&last); err != nil {
		return tx.fail("reading contract history", err)
	}
	taken := &psa.AlreadyExistsError{Kind: kind, Key: fmt.Sprintf("%s #%d", e.ContractID, e.Seq)}
	switch {
	case e.Seq <= last:
		return taken
	case e.Seq != last+1:
		return psa.Invalid(kind, "seq", fmt.Sprint(e.Seq), fmt.Sprintf("must be the next sequence number %d", last+1))
	}
	_, err := tx.write(ctx, "appending contract history",
		"INSERT INTO contract_history (contract_id, seq, at, by_actor, what) VALUES ($1, $2, $3, $4, $5)",
		pgKey(e.ContractID), e.Seq, e.At, e.By, e.What)
	if pe, ok := pgError(err); ok {
		switch pe.Code {
		case codeUniqueViolation:
			return taken
		case codeForeignKeyViolation:
			return psa.NotFound("contract", e.ContractID)
		}
	}
	return err
}

// ListHistory implements contract.HistoryStore.
func (tx *Tx) ListHistory(ctx context.Context, contractID psa.ContractID) ([]contract.HistoryEntry, error) {
	rows, err := tx.tx.Query(ctx, "SELECT seq, at, by_actor, what FROM contract_history WHERE contract_id = $1 ORDER BY seq",
		pgKey(contractID))
	if err != nil {
		return nil, tx.fail("listing contract history", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (contract.HistoryEntry, error) {
		e := contract.HistoryEntry{ContractID: contractID}
		err := row.Scan(&e.Seq, &e.At, &e.By, &e.What)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, tx.fail("listing contract history", err)
	}
	return out, nil
}
