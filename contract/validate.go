package contract

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// MaxNoticeDays bounds Renewal.NoticeDays; MaxTermMonths bounds Renewal.TermMonths.
const (
	MaxNoticeDays = 366
	MaxTermMonths = 120
)

var hundred = decimal.NewFromInt(100)

// withDefaults fills the unset billing settings: calendar alignment, billing in advance, actual
// days, and an anniversary anchor on the contract start.
func (t Terms) withDefaults() Terms {
	if t.Schedule.Alignment == "" {
		t.Schedule.Alignment = AlignCalendar
	}
	if t.Schedule.Alignment == AlignAnniversary && t.Schedule.Anchor.IsZero() {
		t.Schedule.Anchor = t.Start
	}
	if t.Timing == "" {
		t.Timing = InAdvance
	}
	if t.DayCount == "" {
		t.DayCount = ActualDays
	}
	return t
}

// validate records every broken rule of t (with defaults filled) for a contract billed in cur.
func (t Terms) validate(v *psa.Validator, cur currency.Unit) {
	v.Require("name", t.Name)
	if !t.Type.Valid() {
		v.Add("type", string(t.Type), "is not a contract type")
	}
	if t.Start.IsZero() {
		v.Add("start", "", "is required")
	}
	if !t.End.IsZero() && !t.Start.IsZero() && t.End.Before(t.Start) {
		v.Add("end", t.End.String(), "is before the start "+t.Start.String())
	}
	if t.Type.recurringBilling() || t.Schedule.Cycle != "" {
		if err := t.Schedule.Validate(); err != nil {
			v.Merge("schedule", err)
		}
	}
	if t.Timing != InAdvance && t.Timing != InArrears {
		v.Add("timing", string(t.Timing), `is not "advance" or "arrears"`)
	}
	if t.DayCount != ActualDays && t.DayCount != Thirty360 {
		v.Add("dayCount", string(t.DayCount), `is not "actual" or "30/360"`)
	}
	if t.Rounding != psa.RoundHalfUp && t.Rounding != psa.RoundHalfEven {
		v.Add("rounding", t.Rounding.String(), "is not a rounding mode")
	}
	amount(v, "setupFee", t.SetupFee, cur, false)
	amount(v, "billingPrice", t.BillingPrice, cur, t.Type == RetainerAmount)
	amount(v, "billAmount", t.BillAmount, cur, t.Type == FixedPrice)
	amount(v, "overageRate", t.OverageRate, cur, false)
	amount(v, "cap", t.Cap, cur, false)
	switch {
	case t.Hours.IsNegative():
		v.Add("hours", t.Hours.String(), "must not be negative")
	case (t.Type == RetainerHours || t.Type == PerTicket) && !t.Hours.IsPositive():
		v.Add("hours", t.Hours.String(), "must be positive for a "+string(t.Type)+" contract")
	case t.Type == PerTicket && !t.Hours.IsInteger():
		v.Add("hours", t.Hours.String(), "must be a whole number of incidents")
	}
	client.ValidateRates(v, "rates", t.Rates)
	for i, r := range t.Rates {
		if r.Rate.Currency() != cur {
			v.Add(fmt.Sprintf("rates[%d].rate", i), r.Rate.String(), "is not in the bill-to client's currency "+cur.String())
		}
	}
	if t.TimeRounding != nil {
		t.TimeRounding.validate(v, "timeRounding.")
	}
	r := t.Renewal
	if r.TermMonths < 0 || r.TermMonths > MaxTermMonths {
		v.Add("renewal.termMonths", fmt.Sprint(r.TermMonths), fmt.Sprintf("must be from 0 to %d", MaxTermMonths))
	}
	if r.NoticeDays < 0 || r.NoticeDays > MaxNoticeDays {
		v.Add("renewal.noticeDays", fmt.Sprint(r.NoticeDays), fmt.Sprintf("must be from 0 to %d", MaxNoticeDays))
	}
	if r.Auto && t.End.IsZero() {
		v.Add("renewal.auto", "true", "needs an end date: an open-ended contract does not renew")
	}
}

// amount records an error unless m is unset (and not required) or a non-negative amount of cur.
func amount(v *psa.Validator, field string, m psa.Money, cur currency.Unit, required bool) {
	switch {
	case m.Currency() == currency.XXX:
		if required {
			v.Add(field, "", "is required")
		}
	case m.Currency() != cur:
		v.Add(field, m.String(), "is not in the bill-to client's currency "+cur.String())
	case m.Sign() < 0:
		v.Add(field, m.String(), "must not be negative")
	}
}

// NewPart is the input of a contract part.
type NewPart struct {
	ServiceID   psa.ServiceID
	Description string
	// UnitPrice is the price per unit per full billing period; the zero Money leaves it to be set
	// (SetPartPrice) before the contract activates.
	UnitPrice psa.Money
	UnitCost  psa.Money
	// UnitKind defaults to UnitFixed.
	UnitKind        UnitKind
	Quantity        decimal.Decimal
	DiscountPercent decimal.Decimal
	// Start defaults to the contract start; End (inclusive) to the contract end.
	Start, End psa.Date
	Trial      bool
}

// validate records every broken rule of p as part of contract terms t billed in cur.
func (p NewPart) validate(v *psa.Validator, field string, t Terms, cur currency.Unit) {
	if strings.TrimSpace(p.Description) == "" && psa.IsNil(p.ServiceID) {
		v.Add(field+".description", "", "is required when no service is referenced")
	}
	if p.UnitKind != "" && !p.UnitKind.Valid() {
		v.Add(field+".unitKind", string(p.UnitKind), `is not "fixed", "device" or "seat"`)
	}
	if p.Quantity.IsNegative() {
		v.Add(field+".quantity", p.Quantity.String(), "must not be negative")
	}
	amount(v, field+".unitPrice", p.UnitPrice, cur, false)
	amount(v, field+".unitCost", p.UnitCost, cur, false)
	if p.DiscountPercent.IsNegative() || p.DiscountPercent.GreaterThan(hundred) {
		v.Add(field+".discountPercent", p.DiscountPercent.String(), "must be from 0 to 100")
	}
	start, end := p.Start, p.End
	if start.IsZero() {
		start = t.Start
	}
	switch {
	case !t.Start.IsZero() && start.Before(t.Start):
		v.Add(field+".start", start.String(), "is before the contract start "+t.Start.String())
	case !t.End.IsZero() && start.After(t.End):
		v.Add(field+".start", start.String(), "is after the contract end "+t.End.String())
	}
	switch {
	case end.IsZero():
	case end.Before(start):
		v.Add(field+".end", end.String(), "is before the part start "+start.String())
	case !t.End.IsZero() && end.After(t.End):
		v.Add(field+".end", end.String(), "is after the contract end "+t.End.String())
	}
}
