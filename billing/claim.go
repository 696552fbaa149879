package billing

import (
	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

// Subject identifies what a claim bills: the ID of a contract part, contract, time entry or
// sales item (SubjectOf).
type Subject struct{ uuid.UUID }

// SubjectOf returns the subject of the object with id.
func SubjectOf[T psa.ID](id T) Subject { return Subject{struct{ uuid.UUID }(id).UUID} }

// Claim records that one invoice line billed an item: a (part, period), a contract's setup fee
// or fixed price, a time entry, a sales item. Every billed item is claimed by the lines of exactly
// one live invoice at a time, so a rerun bills nothing twice; a voided invoice's claims are
// released so that what it billed can be billed again. For a (part, period) the claims' amounts
// add up to what has been billed for it, which recompute-and-diff compares with the period's
// charge as it now stands.
type Claim struct {
	// LineID is the invoice line that billed the item: the claim's identity.
	LineID psa.InvoiceLineID `json:"lineId"`
	// Subject is what was billed.
	Subject Subject `json:"subject"`
	// Key says which piece of Subject was billed ("period 2026-11-01", "setup fee", "time").
	Key       string        `json:"key"`
	InvoiceID psa.InvoiceID `json:"invoiceId"`
	Amount    psa.Money     `json:"amount"`
	// Released is set when the invoice is voided.
	Released bool `json:"released,omitempty"`
	// Consumed is what the line used of a retainer's or per-ticket contract's allowance, given
	// back when the invoice is voided; nil for other lines.
	Consumed *Consumption `json:"consumed,omitempty"`
}

// Consumption is what one invoice line used of a prepaid contract's allowance.
type Consumption struct {
	ContractID psa.ContractID `json:"contractId"`
	contract.Use
}
