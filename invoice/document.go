package invoice

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// Status is where an invoice stands in its lifecycle: draft (editable) -> finalized (numbered,
// immutable) -> sent -> partially paid -> paid; a finalized invoice without payments can be
// voided. Overdue is not a status: it is derived from the due date (Invoice.Overdue).
type Status string

// Invoice statuses.
const (
	StatusDraft         Status = "draft"
	StatusFinalized     Status = "finalized"
	StatusSent          Status = "sent"
	StatusPartiallyPaid Status = "partially paid"
	StatusPaid          Status = "paid"
	StatusVoid          Status = "void"
)

// open reports whether an invoice in status s is finalized and not settled or voided.
func (s Status) open() bool {
	return s == StatusFinalized || s == StatusSent || s == StatusPartiallyPaid
}

// StateError reports an operation that an invoice's status does not allow (editing a finalized
// invoice, paying a draft, voiding a paid one). It unwraps to psa.ErrPrecondition.
type StateError struct {
	InvoiceID psa.InvoiceID
	Number    string
	Status    Status
	// Action is what was refused ("edit", "finalize", "pay", "void", "credit").
	Action string
}

func (e *StateError) Error() string {
	name := e.InvoiceID.String()
	if e.Number != "" {
		name = e.Number
	}
	hint := ""
	if e.Action == "edit" && e.Status != StatusDraft {
		hint = ": finalized invoices are immutable; issue a credit note or void it"
	}
	return fmt.Sprintf("psa: cannot %s invoice %s, which is %s%s", e.Action, name, e.Status, hint)
}

// Unwrap returns psa.ErrPrecondition.
func (e *StateError) Unwrap() error { return psa.ErrPrecondition }

// Source says what an invoice line bills, so that every billed item is claimed by exactly one
// invoice and a voided invoice can release what it claimed.
type Source struct {
	// Kind is "contract part", "setup fee", "fixed price", "retainer", "time entry", "sales
	// item", "usage", "adjustment", ...
	Kind string `json:"kind"`
	// ID identifies the billed item ("<part id>/<period>", a time entry's ID, ...).
	ID string `json:"id"`
}

// Line is one line of an invoice. Amount is the line's gross, rounded to minor units; Explanation
// says how it was computed (period, days, quantity, rate, proration, rounding), so every amount
// can be explained from the line itself.
type Line struct {
	ID          psa.InvoiceLineID `json:"id"`
	Description string            `json:"description"`
	// ClientID and Organization name the organization the line is for: a sub-organization billed
	// to its parent appears on the parent's invoice labelled with its name.
	ClientID     psa.ClientID    `json:"clientId"`
	Organization string          `json:"organization,omitempty"`
	Period       psa.Period      `json:"period"`
	Quantity     decimal.Decimal `json:"quantity"`
	UnitPrice    psa.Money       `json:"unitPrice"`
	Amount       psa.Money       `json:"amount"`
	Discounts    []Discount      `json:"discounts,omitempty"`
	TaxRegion    string          `json:"taxRegion,omitempty"`
	Explanation  string          `json:"explanation,omitempty"`
	Source       Source          `json:"source"`
}

// Payment is a payment received against an invoice.
type Payment struct {
	ID        psa.PaymentID `json:"id"`
	Date      psa.Date      `json:"date"`
	Amount    psa.Money     `json:"amount"`
	Method    string        `json:"method,omitempty"`
	Reference string        `json:"reference,omitempty"`
	// Overpaid is what the payment brought beyond the amount due (Amount is what it paid of the
	// invoice): it goes to the client's credit balance (see Credit).
	Overpaid psa.Money `json:"overpaid"`
}

// Invoice is an invoice or a credit note (seed 004 "Invoices": number, status, PO number, service
// period from/to, invoice date, due date, sales representative, project, payment due, paid
// amount, total tax, total price, grand total, sent on, notes, details, invoice discount,
// payments).
type Invoice struct {
	ID psa.InvoiceID `json:"id"`
	// Kind is InvoiceNumbers for an invoice and CreditNoteNumbers for a credit note.
	Kind Kind `json:"kind"`
	// Number is assigned at finalization; a draft has none.
	Number   string                `json:"number,omitempty"`
	SchemeID psa.NumberingSchemeID `json:"schemeId"`
	// ClientID is the bill-to client.
	ClientID psa.ClientID  `json:"clientId"`
	Status   Status        `json:"status"`
	Currency currency.Unit `json:"-"`

	PONumber      string     `json:"poNumber,omitempty"`
	SalesRep      string     `json:"salesRep,omitempty"`
	Project       string     `json:"project,omitempty"`
	ServicePeriod psa.Period `json:"servicePeriod"`
	Date          psa.Date   `json:"date"`
	DueDate       psa.Date   `json:"dueDate"`
	Notes         string     `json:"notes,omitempty"`

	Lines            []Line     `json:"lines"`
	InvoiceDiscounts []Discount `json:"invoiceDiscounts,omitempty"`
	// Regions are the tax regions the lines name, as they stood when the invoice was computed.
	Regions []TaxRegion `json:"regions,omitempty"`
	Tax     TaxOptions  `json:"tax"`
	// Totals are computed from the lines (Recompute); they are fixed at finalization.
	Totals Totals `json:"totals"`

	Payments []Payment `json:"payments,omitempty"`
	// CreditApplied is the client's credit balance used to settle this invoice.
	CreditApplied psa.Money `json:"creditApplied"`
	SentOn        time.Time `json:"sentOn"`
	VoidReason    string    `json:"voidReason,omitempty"`
	// CreditFor is, on a credit note, the invoice it credits.
	CreditFor psa.InvoiceID `json:"creditFor"`

	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// Recompute computes the totals of a draft from its lines, discounts and tax settings.
func (inv *Invoice) Recompute() error {
	if inv.Status != StatusDraft {
		return &StateError{InvoiceID: inv.ID, Number: inv.Number, Status: inv.Status, Action: "edit"}
	}
	in := make([]LineInput, len(inv.Lines))
	for i, l := range inv.Lines {
		in[i] = LineInput{Gross: l.Amount, Discounts: l.Discounts, TaxRegion: l.TaxRegion}
	}
	t, err := ComputeTotals(inv.Currency, in, inv.InvoiceDiscounts, inv.Regions, inv.Tax)
	if err != nil {
		return err
	}
	inv.Totals = t
	return nil
}

// Edit applies change to a draft and recomputes it; a finalized invoice is immutable and gives a
// *StateError, and a change that breaks a rule leaves the invoice as it was.
func (inv *Invoice) Edit(change func(draft *Invoice) error) error {
	if inv.Status != StatusDraft {
		return &StateError{InvoiceID: inv.ID, Number: inv.Number, Status: inv.Status, Action: "edit"}
	}
	draft := inv.Clone()
	if err := change(&draft); err != nil {
		return err
	}
	draft.Status, draft.ID, draft.Number = StatusDraft, inv.ID, inv.Number
	if err := draft.Recompute(); err != nil {
		return err
	}
	*inv = draft
	return nil
}

// Clone returns a deep copy of inv: no slice of the copy shares memory with inv's.
func (inv Invoice) Clone() Invoice {
	inv.Lines = slices.Clone(inv.Lines)
	for i := range inv.Lines {
		inv.Lines[i].Discounts = slices.Clone(inv.Lines[i].Discounts)
	}
	inv.InvoiceDiscounts = slices.Clone(inv.InvoiceDiscounts)
	inv.Regions = slices.Clone(inv.Regions)
	for i := range inv.Regions {
		inv.Regions[i].Components = slices.Clone(inv.Regions[i].Components)
	}
	inv.Payments = slices.Clone(inv.Payments)
	inv.Totals.Lines = slices.Clone(inv.Totals.Lines)
	for i := range inv.Totals.Lines {
		inv.Totals.Lines[i].Components = slices.Clone(inv.Totals.Lines[i].Components)
	}
	inv.Totals.Regions = slices.Clone(inv.Totals.Regions)
	for i := range inv.Totals.Regions {
		inv.Totals.Regions[i].Components = slices.Clone(inv.Totals.Regions[i].Components)
	}
	return inv
}

// Finalize numbers a draft from scheme (inside the transaction that stores both, so a rollback
// burns no number), fixes its totals, and sets its invoice date and its due date from terms.
// The scheme must be confirmed (*UnconfirmedError) and of the invoice's kind.
func (inv *Invoice) Finalize(scheme *Scheme, date psa.Date, terms psa.PaymentTerms) error {
	return inv.finalize(scheme, date, terms, true)
}

// FinalizeComputed is Finalize without fixing the totals again: for a draft that Recompute has
// just totalled and that has not changed since. It lets a caller total its drafts before it
// takes the numbering scheme, so that whoever waits for the scheme waits only for the numbering
// (a concurrent billing run totals a client's invoices while the previous client's are
// numbered). On a draft changed after Recompute it would finalize stale totals: use Finalize.
func (inv *Invoice) FinalizeComputed(scheme *Scheme, date psa.Date, terms psa.PaymentTerms) error {
	return inv.finalize(scheme, date, terms, false)
}

func (inv *Invoice) finalize(scheme *Scheme, date psa.Date, terms psa.PaymentTerms, recompute bool) error {
	if inv.Status != StatusDraft {
		return &StateError{InvoiceID: inv.ID, Number: inv.Number, Status: inv.Status, Action: "finalize"}
	}
	if scheme == nil {
		return psa.Invalid("invoice", "schemeId", "", "a numbering scheme is required")
	}
	var v psa.Validator
	if scheme.Kind != inv.Kind {
		v.Add("schemeId", scheme.ID.String(), fmt.Sprintf("numbers %ss, not %ss", scheme.Kind, inv.Kind))
	}
	if terms.IsZero() {
		v.Add("paymentTerms", "", "are required to set the due date")
	}
	if date.IsZero() {
		v.Add("date", "", "is required")
	}
	if err := v.Err("invoice"); err != nil {
		return err
	}
	if recompute {
		if err := inv.Recompute(); err != nil {
			return err
		}
	}
	next := *scheme
	number, err := next.Issue(date)
	if err != nil {
		return err
	}
	*scheme = next
	inv.Number, inv.SchemeID, inv.Date, inv.DueDate, inv.Status = number, scheme.ID, date, terms.DueDate(date), StatusFinalized
	return nil
}

// MarkSent records that a finalized invoice was sent at instant at.
func (inv *Invoice) MarkSent(at time.Time) error {
	if !inv.Status.open() && inv.Status != StatusPaid {
		return &StateError{InvoiceID: inv.ID, Number: inv.Number, Status: inv.Status, Action: "send"}
	}
	if inv.SentOn.IsZero() {
		inv.SentOn = at
	}
	if inv.Status == StatusFinalized {
		inv.Status = StatusSent
	}
	return nil
}

// Paid returns the sum of the payments.
func (inv Invoice) Paid() psa.Money {
	sum := psa.ZeroMoney(inv.Currency)
	for _, p := range inv.Payments {
		sum, _ = sum.Add(p.Amount) // payments are in the invoice's currency (Pay checks)
	}
	return sum
}

// AmountDue returns what is still to be paid: the grand total less payments and applied credit
// (zero for a draft or a voided invoice).
func (inv Invoice) AmountDue() psa.Money {
	if !inv.Status.open() {
		return psa.ZeroMoney(inv.Currency)
	}
	due, _ := inv.Totals.Total.Sub(inv.Paid())
	if inv.CreditApplied.Currency() == inv.Currency {
		due, _ = due.Sub(inv.CreditApplied)
	}
	return due
}

// Pay records payment p. It must be in the invoice's currency and positive, and the invoice
// finalized and not settled. The invoice becomes partially paid or paid; what p pays beyond the
// amount due is recorded as the payment's Overpaid and returned: it becomes the client's credit
// balance, which later invoices can use (see Credit and ApplyCredit).
func (inv *Invoice) Pay(p Payment) (overpayment psa.Money, err error) {
	zero := psa.ZeroMoney(inv.Currency)
	if !inv.Status.open() || inv.Kind != InvoiceNumbers {
		return zero, &StateError{InvoiceID: inv.ID, Number: inv.Number, Status: inv.Status, Action: "pay"}
	}
	var v psa.Validator
	switch {
	case p.Amount.Currency() != inv.Currency:
		v.Add("amount", p.Amount.String(), "is not in the invoice's currency "+inv.Currency.String())
	case p.Amount.Sign() <= 0 || !p.Amount.IsRounded():
		v.Add("amount", p.Amount.String(), "must be positive, in whole minor units")
	}
	if p.Date.IsZero() {
		v.Add("date", "", "is required")
	}
	if err := v.Err("payment"); err != nil {
		return zero, err
	}
	due := inv.AmountDue()
	if c, _ := p.Amount.Cmp(due); c > 0 {
		overpayment, _ = p.Amount.Sub(due)
		p.Amount = due
	} else {
		overpayment = zero
	}
	p.Overpaid = overpayment
	inv.Payments = append(inv.Payments, p)
	inv.settle()
	return overpayment, nil
}

// ApplyCredit settles up to credit of the amount due from the client's credit balance and returns
// what it used.
func (inv *Invoice) ApplyCredit(credit psa.Money) (psa.Money, error) {
	zero := psa.ZeroMoney(inv.Currency)
	if !inv.Status.open() || inv.Kind != InvoiceNumbers {
		return zero, &StateError{InvoiceID: inv.ID, Number: inv.Number, Status: inv.Status, Action: "apply credit to"}
	}
	if credit.Currency() != inv.Currency || credit.Sign() < 0 {
		return zero, psa.Invalid("credit", "amount", credit.String(), "must be a non-negative amount in "+inv.Currency.String())
	}
	use := inv.AmountDue()
	if c, _ := credit.Cmp(use); c < 0 {
		use = credit
	}
	if inv.CreditApplied.Currency() != inv.Currency {
		inv.CreditApplied = zero
	}
	inv.CreditApplied, _ = inv.CreditApplied.Add(use)
	inv.settle()
	return use, nil
}

// settle sets the status from the amount due.
func (inv *Invoice) settle() {
	switch due := inv.AmountDue(); {
	case due.Sign() <= 0:
		inv.Status = StatusPaid
	case !inv.Paid().IsZero() || !inv.CreditApplied.IsZero():
		inv.Status = StatusPartiallyPaid
	}
}

// Overdue reports whether the invoice is unpaid after its due date on day today.
func (inv Invoice) Overdue(today psa.Date) bool {
	return inv.Kind == InvoiceNumbers && inv.Status.open() && today.After(inv.DueDate) && inv.AmountDue().Sign() > 0
}

// Void voids a finalized invoice that has no payments, with a reason. It keeps its number; the
// billing run releases what it billed so that it can be billed again.
func (inv *Invoice) Void(reason string) error {
	if !inv.Status.open() || len(inv.Payments) > 0 || !inv.CreditApplied.IsZero() {
		return &StateError{InvoiceID: inv.ID, Number: inv.Number, Status: inv.Status, Action: "void"}
	}
	if strings.TrimSpace(reason) == "" {
		return psa.Invalid("invoice", "voidReason", reason, "is required to void an invoice")
	}
	inv.Status, inv.VoidReason = StatusVoid, reason
	return nil
}

// CreditNote returns a draft credit note against finalized invoice orig for the given lines of
// orig (all of them when lines is nil), negated, with their discounts under orig's tax settings:
// a note for all lines carries orig's invoice discounts, a note for some lines each line's share
// of them, so that every line credits exactly what it was billed. What
// credit notes credit against an invoice may not exceed its grand total: credited is what
// earlier credit notes for orig already credit (a non-negative amount), and the new note's
// total counts against the rest. A note whose total would be positive (one for credit lines
// only) is refused: it would charge, not credit.
func CreditNote(orig Invoice, lines []psa.InvoiceLineID, credited psa.Money) (Invoice, error) {
	if orig.Kind != InvoiceNumbers || orig.Status == StatusDraft || orig.Status == StatusVoid {
		return Invoice{}, &StateError{InvoiceID: orig.ID, Number: orig.Number, Status: orig.Status, Action: "credit"}
	}
	note := Invoice{Kind: CreditNoteNumbers, ClientID: orig.ClientID, Status: StatusDraft, Currency: orig.Currency,
		PONumber: orig.PONumber, Project: orig.Project, ServicePeriod: orig.ServicePeriod, CreditFor: orig.ID,
		Regions: append([]TaxRegion(nil), orig.Regions...), Tax: orig.Tax, Notes: "Credit for invoice " + orig.Number}
	want := map[psa.InvoiceLineID]bool{}
	for _, id := range lines {
		want[id] = true
	}
	if credited.Currency() != orig.Currency || credited.Sign() < 0 {
		return Invoice{}, psa.Invalid("credit note", "credited", credited.String(), "must be a non-negative amount in "+orig.Currency.String())
	}
	for i, l := range orig.Lines {
		if lines != nil && !want[l.ID] {
			continue
		}
		delete(want, l.ID)
		// The credited line carries its own discounts (applied with the sign of the line, as on
		// the invoice); on a note for some lines, also its share of the invoice discounts as an
		// amount, so that it credits exactly what the line was billed.
		l.Amount, l.Quantity = l.Amount.Neg(), l.Quantity.Neg()
		l.Discounts = slices.Clone(l.Discounts)
		if lines != nil && i < len(orig.Totals.Lines) && !orig.Totals.Lines[i].InvoiceDiscount.IsZero() {
			l.Discounts = append(l.Discounts, Discount{Amount: orig.Totals.Lines[i].InvoiceDiscount.Abs(), Reason: "share of the invoice discount"})
		}
		l.Source = Source{Kind: "credit", ID: orig.ID.String() + "/" + l.ID.String()}
		note.Lines = append(note.Lines, l)
	}
	for id := range want {
		return Invoice{}, psa.Invalid("credit note", "lines", id.String(), "is not a line of invoice "+orig.Number)
	}
	if len(note.Lines) == 0 {
		return Invoice{}, psa.Invalid("credit note", "lines", "", "must name at least one line")
	}
	if lines == nil {
		note.InvoiceDiscounts = slices.Clone(orig.InvoiceDiscounts) // spread as on the invoice
	}
	if err := note.Recompute(); err != nil {
		return Invoice{}, err
	}
	if note.Totals.Total.Sign() > 0 {
		// Crediting only credit lines would charge the client, and make what the notes credit
		// negative, which no later note could then be checked against.
		return Invoice{}, psa.Invalid("credit note", "total", note.Totals.Total.String(),
			"is positive: a credit note credits and cannot charge (the lines named are credit lines)")
	}
	left, err := orig.Totals.Total.Sub(credited)
	if err != nil {
		return Invoice{}, err
	}
	if c, _ := note.Totals.Total.Neg().Cmp(left); c > 0 {
		return Invoice{}, psa.Invalid("credit note", "total", note.Totals.Total.Neg().String(),
			fmt.Sprintf("exceeds what is left to credit on invoice %s (%s)", orig.Number, left))
	}
	return note, nil
}

// AgingBucket names an aging bucket of outstanding invoices.
type AgingBucket string

// Aging buckets by days past the due date.
const (
	AgingCurrent AgingBucket = "current"
	Aging1To30   AgingBucket = "1-30"
	Aging31To60  AgingBucket = "31-60"
	Aging61To90  AgingBucket = "61-90"
	AgingOver90  AgingBucket = "over 90"
)

// AgingBuckets lists the buckets in order.
var AgingBuckets = []AgingBucket{AgingCurrent, Aging1To30, Aging31To60, Aging61To90, AgingOver90}

// Balance is a client's outstanding balance on day Today, in one currency, by aging bucket.
type Balance struct {
	Today       psa.Date
	Currency    currency.Unit
	Outstanding psa.Money
	Buckets     map[AgingBucket]psa.Money
	// Credit is the client's credit balance (see Credit), not netted against Outstanding.
	Credit psa.Money
}

// Credit returns the credit balance in currency cur of the client whose invoices are given: what
// payments brought beyond the amounts due, less the credit applied to invoices, and never below
// zero (credit a host applied from a balance of its own, with Invoice.ApplyCredit, does not make
// it negative). Voided invoices, credit notes and other currencies are left out.
func Credit(invoices []Invoice, cur currency.Unit) psa.Money {
	sum := psa.ZeroMoney(cur)
	for _, inv := range invoices {
		if inv.Currency != cur || inv.Kind != InvoiceNumbers || inv.Status == StatusVoid {
			continue
		}
		for _, p := range inv.Payments {
			if p.Overpaid.Currency() == cur {
				sum, _ = sum.Add(p.Overpaid)
			}
		}
		if inv.CreditApplied.Currency() == cur {
			sum, _ = sum.Sub(inv.CreditApplied)
		}
	}
	if sum.Sign() < 0 {
		return psa.ZeroMoney(cur)
	}
	return sum
}

// Outstanding sums the amounts due of invoices in currency cur (other currencies and credit notes
// are left out) by how many days past their due date they are on day today.
func Outstanding(invoices []Invoice, cur currency.Unit, today psa.Date) Balance {
	b := Balance{Today: today, Currency: cur, Outstanding: psa.ZeroMoney(cur), Buckets: map[AgingBucket]psa.Money{}, Credit: Credit(invoices, cur)}
	for _, k := range AgingBuckets {
		b.Buckets[k] = psa.ZeroMoney(cur)
	}
	for _, inv := range invoices {
		if inv.Currency != cur || inv.Kind != InvoiceNumbers {
			continue
		}
		due := inv.AmountDue()
		if due.Sign() <= 0 {
			continue
		}
		late := psa.DaysBetween(inv.DueDate, today)
		k := AgingCurrent
		switch {
		case late > 90:
			k = AgingOver90
		case late > 60:
			k = Aging61To90
		case late > 30:
			k = Aging31To60
		case late > 0:
			k = Aging1To30
		}
		b.Buckets[k], _ = b.Buckets[k].Add(due)
		b.Outstanding, _ = b.Outstanding.Add(due)
	}
	return b
}
