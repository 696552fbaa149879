package servicedesk

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
)

// MaxEntry is the longest a single time entry may be.
const MaxEntry = 24 * time.Hour

// EntryStatus is where a time entry stands in approval.
type EntryStatus string

// Time entry statuses. An entry is submitted when logged; approved or rejected (with a reason);
// a rejected entry is edited and resubmitted; an approved entry becomes billed once an invoice
// claims it.
const (
	EntrySubmitted EntryStatus = "submitted"
	EntryApproved  EntryStatus = "approved"
	EntryRejected  EntryStatus = "rejected"
	EntryBilled    EntryStatus = "billed"
)

// RateSource says where an approved entry's rate came from.
type RateSource string

// Rate sources, in order of precedence.
const (
	RateClient   RateSource = "client override"
	RateContract RateSource = "contract rate"
	RateDefault  RateSource = "default rate"
	RateNone     RateSource = "not billable"
)

// Work is what a time entry says about the work done.
type Work struct {
	// TicketID is the ticket worked on; nil for work logged against a contract (or a client)
	// without a ticket.
	TicketID psa.TicketID `json:"ticketId"`
	// ContractID names the contract for non-ticket work; for ticket work it is resolved from the
	// ticket (see Service.LogTime).
	ContractID psa.ContractID `json:"contractId"`
	// ClientID is the client the work is for (the ticket's client for ticket work).
	ClientID psa.ClientID `json:"clientId"`
	StaffID  psa.StaffID  `json:"staffId"`
	WorkType string       `json:"workType,omitempty"`
	Role     string       `json:"role,omitempty"`
	// Date is the work date.
	Date psa.Date `json:"date"`
	// Start and End are the instants worked, or both zero when only Duration is given.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Duration is the time worked; with Start and End it must equal End - Start (or be zero, and
	// is then derived).
	Duration time.Duration `json:"duration"`
	Billable bool          `json:"billable"`
	// Note is the summary note; NotePublic shows it to the client.
	Note       string `json:"note,omitempty"`
	NotePublic bool   `json:"notePublic,omitempty"`
}

// normalize derives Duration from Start and End and reports every broken rule: a date, a staff
// member, and a client (or a ticket) are required; end not before start; a duration that is
// positive and at most MaxEntry; a billable entry names a work type or role (its rate depends on
// them).
func (w *Work) normalize() error {
	var v psa.Validator
	if w.Date.IsZero() {
		v.Add("date", "", "is required")
	}
	if psa.IsNil(w.StaffID) {
		v.Add("staffId", "", "is required")
	}
	if psa.IsNil(w.ClientID) && psa.IsNil(w.TicketID) {
		v.Add("clientId", "", "is required for work without a ticket")
	}
	switch {
	case w.Start.IsZero() != w.End.IsZero():
		v.Add("end", w.End.String(), "start and end go together")
	case !w.Start.IsZero() && w.End.Before(w.Start):
		v.Add("end", w.End.Format(time.RFC3339), "is before the start "+w.Start.Format(time.RFC3339))
	case !w.Start.IsZero():
		span := w.End.Sub(w.Start)
		if w.Duration == 0 {
			w.Duration = span
		} else if w.Duration != span {
			v.Add("duration", w.Duration.String(), "differs from end - start ("+span.String()+")")
		}
	}
	switch {
	case w.Duration < 0:
		v.Add("duration", w.Duration.String(), "must not be negative")
	case w.Duration == 0 && v.OK():
		v.Add("duration", "0s", "must be positive")
	case w.Duration > MaxEntry:
		v.Add("duration", w.Duration.String(), fmt.Sprintf("is longer than %s: split it into entries of at most a day", MaxEntry))
	}
	if w.Billable && w.WorkType == "" && w.Role == "" {
		v.Add("workType", "", "or a role is required for billable time")
	}
	return v.Err("time entry")
}

// TimeEntry is time logged by a staff member.
type TimeEntry struct {
	ID psa.TimeEntryID `json:"id"`
	Work
	Status EntryStatus `json:"status"`
	// RejectReason says why an entry was rejected.
	RejectReason string `json:"rejectReason,omitempty"`
	// BillableDuration is Duration after the time-rounding rule (0 when not billable), Rate the
	// hourly rate and RateSource where it came from: all three are fixed on approval.
	BillableDuration time.Duration `json:"billableDuration"`
	Rate             psa.Money     `json:"rate"`
	RateSource       RateSource    `json:"rateSource,omitempty"`
	ApprovedBy       string        `json:"approvedBy,omitempty"`
	ApprovedAt       time.Time     `json:"approvedAt"`
	// InvoiceID is the invoice that claimed the entry (status billed).
	InvoiceID psa.InvoiceID `json:"invoiceId"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
	Version   int64         `json:"version"`
}

// Value returns the entry's billable value: Rate times BillableDuration in hours, rounded once
// to the currency's minor unit in mode.
func (e TimeEntry) Value(mode psa.RoundingMode) (psa.Money, error) {
	return e.Rate.Mul(decimal.NewFromInt(int64(e.BillableDuration))).Quo(int64(time.Hour), mode)
}

// ResolveRate returns the hourly rate of work billed to bill-to client c under contract k (nil
// for time and materials): the client's override first, then the contract's rate, then the
// tenant's default rate in the client's currency, each looked up by work type before role. It
// is a *psa.PreconditionError when none applies.
func ResolveRate(c client.Client, k *contract.Contract, defaults []client.RateOverride, workType, role string) (psa.Money, RateSource, error) {
	if r, ok := c.Settings.RateFor(workType, role); ok {
		return r, RateClient, nil
	}
	if k != nil {
		if r, ok := client.RateFor(k.Rates, workType, role); ok {
			return r, RateContract, nil
		}
	}
	var inCurrency []client.RateOverride
	for _, r := range defaults {
		if r.Rate.Currency() == c.Billing.Currency {
			inCurrency = append(inCurrency, r)
		}
	}
	if r, ok := client.RateFor(inCurrency, workType, role); ok {
		return r, RateDefault, nil
	}
	return psa.Money{}, "", &psa.PreconditionError{Kind: "time entry", ID: fmt.Sprintf("work type %q, role %q", workType, role),
		Rule: "has no rate: set a default rate in " + c.Billing.Currency.String() + ", a contract rate or a client override"}
}
