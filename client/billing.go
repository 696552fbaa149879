package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/internal/jsonerr"
)

// BillingInfo is what the MSP needs to invoice a client (seed 000 "Provide billing information",
// seed 001 "Invoice Settings").
type BillingInfo struct {
	// Address is the billing address printed on invoices.
	Address psa.Address
	// Attention is the client's billing contact, printed in the invoice's attention line.
	Attention string
	// InvoiceEmail is where invoices are sent.
	InvoiceEmail string
	// TaxRegion selects the tax rates applied to the client's invoices.
	TaxRegion string
	// TaxID is the client's tax or VAT identification number (optional).
	TaxID string
	// Currency is the currency the client is billed in; every contract of the client uses it.
	Currency currency.Unit
	// PaymentTerms decide invoice due dates.
	PaymentTerms psa.PaymentTerms
	// InvoiceTemplate names the template invoices are rendered with; "" means the tenant default.
	InvoiceTemplate string
}

// BillingField names a field of BillingInfo.
type BillingField string

// Fields of BillingInfo, as named in errors and in the completeness rule.
const (
	BillingAddress         BillingField = "address"
	BillingAttention       BillingField = "attention"
	BillingInvoiceEmail    BillingField = "invoiceEmail"
	BillingTaxRegion       BillingField = "taxRegion"
	BillingTaxID           BillingField = "taxId"
	BillingCurrency        BillingField = "currency"
	BillingPaymentTerms    BillingField = "paymentTerms"
	BillingInvoiceTemplate BillingField = "invoiceTemplate"
)

// RequiredBillingFields are the fields billing information must have to be complete: an invoice
// can then be addressed, sent, taxed, priced and given a due date. Attention, tax ID and
// template are optional.
var RequiredBillingFields = []BillingField{BillingAddress, BillingInvoiceEmail, BillingTaxRegion, BillingCurrency, BillingPaymentTerms}

// Missing returns the required fields that b lacks, in the order of RequiredBillingFields; an
// empty result means b is complete. A field counts as present only when it is usable: an address
// that fails validation, or a malformed e-mail address, is missing.
func (b BillingInfo) Missing() []BillingField {
	var missing []BillingField
	for _, f := range RequiredBillingFields {
		var present bool
		switch f {
		case BillingAddress:
			present = b.Address.Validate() == nil
		case BillingInvoiceEmail:
			present = psa.ValidEmail(b.InvoiceEmail)
		case BillingTaxRegion:
			present = strings.TrimSpace(b.TaxRegion) != ""
		case BillingCurrency:
			present = b.Currency != currency.Unit{} && b.Currency != currency.XXX
		case BillingPaymentTerms:
			present = !b.PaymentTerms.IsZero()
		}
		if !present {
			missing = append(missing, f)
		}
	}
	return missing
}

// Complete reports whether b has every required field.
func (b BillingInfo) Complete() bool { return len(b.Missing()) == 0 }

// IsZero reports whether nothing at all has been given.
func (b BillingInfo) IsZero() bool {
	return b.Address.IsZero() && b.Attention == "" && b.InvoiceEmail == "" && b.TaxRegion == "" &&
		b.TaxID == "" && (b.Currency == currency.Unit{}) && b.PaymentTerms.IsZero() && b.InvoiceTemplate == ""
}

// Validate reports every broken rule of b as a *psa.ValidationError: every required field must be
// present and well formed. Billing information is stored only when it is complete, so that the
// gate has one meaning: complete or not given.
func (b BillingInfo) Validate() error {
	var v psa.Validator
	v.Merge("address", b.Address.Validate())
	v.Email(string(BillingInvoiceEmail), b.InvoiceEmail, true)
	v.Require(string(BillingTaxRegion), b.TaxRegion)
	if b.Currency == (currency.Unit{}) || b.Currency == currency.XXX {
		v.Add(string(BillingCurrency), "", "is required")
	}
	if b.PaymentTerms.IsZero() {
		v.Add(string(BillingPaymentTerms), "", `is required ("net N" or "due on receipt")`)
	}
	return v.Err("billing information")
}

type billingJSON struct {
	Address         psa.Address      `json:"address"`
	Attention       string           `json:"attention,omitempty"`
	InvoiceEmail    string           `json:"invoiceEmail,omitempty"`
	TaxRegion       string           `json:"taxRegion,omitempty"`
	TaxID           string           `json:"taxId,omitempty"`
	Currency        string           `json:"currency,omitempty"`
	PaymentTerms    psa.PaymentTerms `json:"paymentTerms"`
	InvoiceTemplate string           `json:"invoiceTemplate,omitempty"`
}

// MarshalJSON writes the currency as its ISO 4217 code.
func (b BillingInfo) MarshalJSON() ([]byte, error) {
	j := billingJSON{b.Address, b.Attention, b.InvoiceEmail, b.TaxRegion, b.TaxID, "", b.PaymentTerms, b.InvoiceTemplate}
	if b.Currency != (currency.Unit{}) {
		j.Currency = b.Currency.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the form MarshalJSON writes. Every error unwraps to psa.ErrInvalid: an
// unknown currency code, malformed JSON, a value of the wrong JSON type, or malformed payment
// terms (their *psa.ValidationError, or one for object "billing information"). On error b is
// unchanged.
func (b *BillingInfo) UnmarshalJSON(data []byte) error {
	var j billingJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return jsonerr.Invalid("billing information", err)
	}
	var cur currency.Unit
	if j.Currency != "" {
		var err error
		if cur, err = psa.ParseCurrency(j.Currency); err != nil {
			return err
		}
	}
	*b = BillingInfo{j.Address, j.Attention, j.InvoiceEmail, j.TaxRegion, j.TaxID, cur, j.PaymentTerms, j.InvoiceTemplate}
	return nil
}

// MissingBillingInfo is one client that lacks billing information, found by the gate.
type MissingBillingInfo struct {
	// ClientID and Name identify the bill-to client whose billing information is needed.
	ClientID psa.ClientID
	Name     string
	// Missing lists the required fields it lacks.
	Missing []BillingField
	// For lists the clients asked about that bill to this one, when they are not the client
	// itself (sub-organizations billed to their parent).
	For []psa.ClientID
}

// BillingInfoError is the gate's answer when billing information is missing: it names every
// client that lacks it and what each lacks, so a caller can prompt for all of them at once (seed
// 000: "you are prompted to add billing information for the relevant clients"). It unwraps to
// psa.ErrPrecondition.
type BillingInfoError struct {
	// Action is what was refused ("approve time", "create a sales item", "bill").
	Action string
	// Clients lists the bill-to clients lacking billing information, in the order first met.
	Clients []MissingBillingInfo
}

func (e *BillingInfoError) Error() string {
	parts := make([]string, len(e.Clients))
	for i, c := range e.Clients {
		fields := make([]string, len(c.Missing))
		for j, f := range c.Missing {
			fields[j] = string(f)
		}
		parts[i] = fmt.Sprintf("%q (%s) lacks %s", c.Name, c.ClientID, strings.Join(fields, ", "))
	}
	action := e.Action
	if action == "" {
		action = "continue"
	}
	return fmt.Sprintf("psa: cannot %s without billing information: %s", action, strings.Join(parts, "; "))
}

// Unwrap returns psa.ErrPrecondition.
func (e *BillingInfoError) Unwrap() error { return psa.ErrPrecondition }

// ClientIDs returns the IDs of the clients lacking billing information.
func (e *BillingInfoError) ClientIDs() []psa.ClientID {
	ids := make([]psa.ClientID, len(e.Clients))
	for i, c := range e.Clients {
		ids[i] = c.ClientID
	}
	return ids
}

// Lacks reports whether the error names id as lacking billing information.
func (e *BillingInfoError) Lacks(id psa.ClientID) bool {
	for _, c := range e.Clients {
		if c.ClientID == id {
			return true
		}
	}
	return false
}

// RequireBillingInfo is the billing-information gate (seed 000). For each client in ids it
// resolves the bill-to client (BillTo) and checks that one's billing information. It returns nil
// when all are complete, and otherwise one *BillingInfoError naming every bill-to client that
// lacks billing information and what it lacks, with action as the refused action. Unknown clients
// give a *psa.NotFoundError. Time approval, sales items and billing runs call it inside their own
// transactions, so it takes the store rather than a service.
func RequireBillingInfo(ctx context.Context, store ClientStore, action string, ids ...psa.ClientID) error {
	var missing []MissingBillingInfo
	index := map[psa.ClientID]int{}
	seen := map[psa.ClientID]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		billTo, err := BillTo(ctx, store, id)
		if err != nil {
			return err
		}
		gaps := billTo.Billing.Missing()
		if len(gaps) == 0 {
			continue
		}
		i, ok := index[billTo.ID]
		if !ok {
			i = len(missing)
			index[billTo.ID] = i
			missing = append(missing, MissingBillingInfo{ClientID: billTo.ID, Name: billTo.Name, Missing: gaps})
		}
		if id != billTo.ID {
			missing[i].For = append(missing[i].For, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &BillingInfoError{Action: action, Clients: missing}
}
