package contract

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/internal/jsonerr"
)

// Type is a contract type (seed 004 "Contract Type", seed 002 "Contract type").
type Type string

// Contract types.
const (
	// TimeAndMaterials bills approved time and materials at rates (break/fix work).
	TimeAndMaterials Type = "time-and-materials"
	// Recurring is a recurring service contract: managed services billed every period, per
	// device, per seat or as a fixed fee (seed 001, seed 003).
	Recurring Type = "recurring"
	// FixedPrice bills an agreed amount (seed 003: annual seat-based subscriptions, which need no
	// recurring billing).
	FixedPrice Type = "fixed-price"
	// RetainerAmount is prepaid money that approved work consumes.
	RetainerAmount Type = "retainer-amount"
	// RetainerHours is a block of prepaid hours that approved work consumes.
	RetainerHours Type = "retainer-hours"
	// PerTicket is a number of prepaid incidents, one consumed per completed ticket.
	PerTicket Type = "per-ticket"
)

// Types lists every contract type.
var Types = []Type{TimeAndMaterials, Recurring, FixedPrice, RetainerAmount, RetainerHours, PerTicket}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

// recurringBilling reports whether contracts of type t bill every period of a schedule.
func (t Type) recurringBilling() bool {
	return t == Recurring || t == RetainerAmount || t == RetainerHours
}

// Status is where a contract stands.
type Status string

// Contract statuses. A contract is created as a draft; it is activated once every part has a
// price; it expires after its end date unless it is renewed, and may be cancelled.
const (
	StatusDraft     Status = "draft"
	StatusActive    Status = "active"
	StatusExpired   Status = "expired"
	StatusCancelled Status = "cancelled"
)

// Renewal is a contract's renewal setting (seed 002 "Auto-renewal settings").
type Renewal struct {
	// Auto renews the contract for another term of TermMonths when it ends.
	Auto bool `json:"auto,omitempty"`
	// TermMonths is the length of a renewed term; 0 means the length of the current term.
	TermMonths int `json:"termMonths,omitempty"`
	// NoticeDays is how many days before the end the contract comes up for renewal.
	NoticeDays int `json:"noticeDays,omitempty"`
}

// Terms are what a contract agrees: the fields of seed 004's "Contract Information" that the MSP
// sets. The amounts tracked as the contract is billed (remaining, consumed, hours used) are on
// Contract.
type Terms struct {
	Name            string `json:"name"`
	ReferenceNumber string `json:"referenceNumber,omitempty"`
	Type            Type   `json:"type"`
	Description     string `json:"description,omitempty"`
	PONumber        string `json:"poNumber,omitempty"`

	// Start is the first day of service; End the last (inclusive); a zero End is open-ended: the
	// contract bills until it is ended.
	Start psa.Date `json:"start"`
	End   psa.Date `json:"end"`

	// SLAPolicyID is the contract's service level; nil means the client's or the tenant's.
	SLAPolicyID psa.SLAPolicyID `json:"slaPolicyId"`
	// Default marks the client's default contract, which takes time not logged against another
	// one; a client has at most one.
	Default bool `json:"default,omitempty"`

	// Schedule, Timing, DayCount and Rounding decide the billing periods and the proration of
	// recurring contracts. A zero Schedule.Anchor of an anniversary schedule means Start.
	Schedule Schedule         `json:"schedule"`
	Timing   Timing           `json:"timing,omitempty"`
	DayCount DayCount         `json:"dayCount,omitempty"`
	Rounding psa.RoundingMode `json:"rounding"`

	// SetupFee is billed once with the first invoice; the zero Money means none.
	SetupFee psa.Money `json:"setupFee"`
	// BillingPrice is the contract billing price (seed 004): the fee per period of a recurring
	// contract beyond its parts, the price of a retainer by hours' block, or the amount per period
	// a retainer by amount is funded with.
	BillingPrice psa.Money `json:"billingPrice"`
	// BillAmount is the agreed amount of a fixed-price contract, or the price of a per-ticket
	// contract's prepaid incidents; either is billed once.
	BillAmount psa.Money `json:"billAmount"`
	// Hours is the block of hours per period of a retainer by hours, or the prepaid incidents of
	// a per-ticket contract.
	Hours decimal.Decimal `json:"hours"`
	// Rollover carries a retainer's unused allowance into the next periods; otherwise it expires
	// at the end of its period (see Contract.Left).
	Rollover bool `json:"rollover,omitempty"`
	// OverageRate is the hourly rate of work beyond a retainer by hours (the zero Money means the
	// work's own rate), or the price of each incident beyond a per-ticket contract's prepaid ones.
	OverageRate psa.Money `json:"overageRate"`
	// Cap is the most billed for time and materials per billing period; the part above it is
	// shown on the invoice and not charged. The zero Money means no cap.
	Cap psa.Money `json:"cap"`
	// PaymentTerms override the client's; the zero value means the client's.
	PaymentTerms psa.PaymentTerms `json:"paymentTerms"`
	Renewal      Renewal          `json:"renewal"`
	// Rates are the contract's hourly rates per work type or role, which apply to its time
	// unless the client overrides them.
	Rates []client.RateOverride `json:"rates,omitempty"`
	// TimeRounding turns logged time into billable time for this contract; nil means the
	// tenant's rule.
	TimeRounding *TimeRounding `json:"timeRounding,omitempty"`
}

// TimeRounding is how logged time becomes billable time: an entry shorter than MinimumMinutes is
// billed as MinimumMinutes, and billable time is rounded up to a multiple of IncrementMinutes.
// The zero value bills time as logged.
type TimeRounding struct {
	MinimumMinutes   int `json:"minimumMinutes,omitempty"`
	IncrementMinutes int `json:"incrementMinutes,omitempty"`
}

// Apply returns the billable time for worked time d (0 for d <= 0).
func (r TimeRounding) Apply(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	if minimum := time.Duration(r.MinimumMinutes) * time.Minute; d < minimum {
		d = minimum
	}
	if inc := time.Duration(r.IncrementMinutes) * time.Minute; inc > 0 {
		if rem := d % inc; rem != 0 {
			d += inc - rem
		}
	}
	return d
}

// Validate reports a minimum or increment outside 0 to 1440 minutes.
func (r TimeRounding) Validate() error {
	var v psa.Validator
	r.validate(&v, "")
	return v.Err("time rounding")
}

func (r TimeRounding) validate(v *psa.Validator, prefix string) {
	for _, f := range []struct {
		name string
		n    int
	}{{"minimumMinutes", r.MinimumMinutes}, {"incrementMinutes", r.IncrementMinutes}} {
		if f.n < 0 || f.n > 1440 {
			v.Add(prefix+f.name, fmt.Sprint(f.n), "must be from 0 to 1440 minutes")
		}
	}
}

// Contract is an agreement with a client (seed 000 "Create contracts", seed 002 "Service
// Contracts and Billing Agreements", seed 004 "Contract Information").
type Contract struct {
	ID       psa.ContractID `json:"id"`
	ClientID psa.ClientID   `json:"clientId"`
	Terms
	Status Status `json:"status"`
	// Currency is the bill-to client's billing currency; every amount of the contract is in it.
	Currency currency.Unit `json:"-"`

	// Billed is what has been invoiced against a fixed-price contract's BillAmount.
	Billed psa.Money `json:"billed"`
	// Usage is what approved work consumed of a retainer or per-ticket contract, per billing
	// period in ascending order (see Record, Left and PrepaidHours); billing runs keep it.
	Usage []Use `json:"usage,omitempty"`
	// HoursCarried are the unused hours a rolled-over retainer by hours brought from the term it
	// renews; they add to its first period's allowance.
	HoursCarried decimal.Decimal `json:"hoursCarried"`

	// TermAnchor is the first day of the contract's first term. Renewed terms step from it by
	// whole months (TermAnchor.AddMonths(k)), so a term that starts on the 30th never drifts to
	// the 28th after a February.
	TermAnchor psa.Date `json:"termAnchor"`

	// DealID is the CRM deal the contract was created from; a deal gives at most one contract.
	DealID string `json:"dealId,omitempty"`
	// RenewedFrom and RenewedTo link the terms of a renewed contract.
	RenewedFrom psa.ContractID `json:"renewedFrom"`
	RenewedTo   psa.ContractID `json:"renewedTo"`

	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// Served returns the contract's service span [Start, End+1); its End is the zero Date when the
// contract is open-ended.
func (c Contract) Served() psa.Period {
	p := psa.Period{Start: c.Start}
	if !c.End.IsZero() {
		p.End = c.End.AddDays(1)
	}
	return p
}

// Remaining is the amount of a fixed-price contract not yet billed (seed 004 "Remaining Amount").
func (c Contract) Remaining() psa.Money {
	if c.BillAmount.Currency() != c.Currency {
		return psa.ZeroMoney(c.Currency)
	}
	r, err := c.BillAmount.Sub(c.billedOrZero())
	if err != nil {
		return psa.ZeroMoney(c.Currency)
	}
	return r
}

func (c Contract) billedOrZero() psa.Money {
	if c.Billed.Currency() == c.Currency {
		return c.Billed
	}
	return psa.ZeroMoney(c.Currency)
}

// HoursSummary is the prepaid hours summary of a retainer by hours (seed 004) for one billing
// period: its block, the hours carried into it, the hours used in it and what remains.
type HoursSummary struct {
	Period                              psa.Period
	Purchased, Carried, Used, Remaining decimal.Decimal
	Rollover                            bool
}

// PrepaidHours returns the prepaid hours summary of the billing period that contains day d.
// Hours are exact to the second (4 decimal places shown as whole seconds of an hour may repeat,
// so they are rounded to 4 places). It returns the schedule's error for an invalid schedule.
func (c Contract) PrepaidHours(d psa.Date) (HoursSummary, error) {
	period, err := c.Schedule.PeriodOf(d)
	if err != nil {
		return HoursSummary{}, err
	}
	left, err := c.Left(d)
	if err != nil {
		return HoursSummary{}, err
	}
	var used time.Duration
	if i := slices.IndexFunc(c.Usage, func(u Use) bool { return u.Period == period.Start }); i >= 0 {
		used = c.Usage[i].Time
	}
	block := hoursDuration(c.Hours)
	carried := max(left.Time+used-block, 0)
	return HoursSummary{Period: period, Purchased: c.Hours, Carried: hours(carried), Used: hours(used),
		Remaining: hours(left.Time), Rollover: c.Rollover}, nil
}

// hours converts d to hours, rounded to 4 decimal places.
func hours(d time.Duration) decimal.Decimal {
	return decimal.NewFromInt(int64(d/time.Second)).DivRound(decimal.NewFromInt(3600), 4)
}

// ActiveOn reports whether c is active and serves day d.
func (c Contract) ActiveOn(d psa.Date) bool {
	if c.Status != StatusActive || d.Before(c.Start) {
		return false
	}
	return c.End.IsZero() || !d.After(c.End)
}

type contractJSON Contract

// MarshalJSON writes the contract with its currency as an ISO 4217 code.
func (c Contract) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		contractJSON
		Currency string `json:"currency"`
	}{contractJSON(c), c.Currency.String()})
}

// UnmarshalJSON reads what MarshalJSON writes. Every error unwraps to psa.ErrInvalid: an unknown
// currency code, malformed JSON, a value of the wrong JSON type, or a malformed identifier, date,
// decimal or amount (the nested value's *psa.ValidationError, or one for object "contract"). On
// error c is unchanged.
func (c *Contract) UnmarshalJSON(b []byte) error {
	var v struct {
		contractJSON
		Currency string `json:"currency"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return jsonerr.Invalid("contract", err)
	}
	cur, err := psa.ParseCurrency(v.Currency)
	if err != nil {
		return err
	}
	*c = Contract(v.contractJSON)
	c.Currency = cur
	return nil
}
