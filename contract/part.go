package contract

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
)

// UnitKind says what a part's quantity counts.
type UnitKind string

// Unit kinds.
const (
	UnitFixed  UnitKind = "fixed"  // a fixed quantity set by hand
	UnitDevice UnitKind = "device" // managed devices: the quantity can follow the client's assets
	UnitSeat   UnitKind = "seat"   // users or licences
)

// Valid reports whether k is a defined unit kind.
func (k UnitKind) Valid() bool { return k == UnitFixed || k == UnitDevice || k == UnitSeat }

// Quantity is a part's quantity from a date on, until the next Quantity.
type Quantity struct {
	From     psa.Date        `json:"from"`
	Quantity decimal.Decimal `json:"quantity"`
}

// Part is a contract part: one service or product billed under the contract (seed 000 "Add
// contract parts"). Quantity changes are dated and kept: history is never overwritten.
type Part struct {
	ID         psa.PartID     `json:"id"`
	ContractID psa.ContractID `json:"contractId"`
	// ServiceID refers to the service or product of the MSP's catalogue.
	ServiceID   psa.ServiceID `json:"serviceId"`
	Description string        `json:"description"`
	// UnitPrice is the price of one unit for one full billing period (for a non-recurring contract,
	// for the whole contract). The zero Money (no currency) means the price has not been set yet,
	// which keeps the contract from being activated; an explicit 0 is a free part.
	UnitPrice psa.Money `json:"unitPrice"`
	// UnitCost is the MSP's internal cost of one unit (seed 003 "internal costs").
	UnitCost psa.Money `json:"unitCost"`
	UnitKind UnitKind  `json:"unitKind"`
	// DiscountPercent is a discount on the part's charge, 0 to 100.
	DiscountPercent decimal.Decimal `json:"discountPercent"`
	// Start is the part's first day of service; End its last (inclusive), or the zero Date to
	// follow the contract's end.
	Start psa.Date `json:"start"`
	End   psa.Date `json:"end"`
	// Trial parts are served but not charged.
	Trial bool `json:"trial,omitempty"`
	// Quantities are the dated quantities, ascending by From; the first is from Start.
	Quantities []Quantity `json:"quantities"`
	// BilledThrough is the day after the last day of service that billing has invoiced (the end of
	// the last billed period); the zero Date means nothing has been billed.
	BilledThrough psa.Date `json:"billedThrough"`
	// Reconciled is set by the billing run that last billed the part; the zero value means no run
	// has, or a void undid what one did. Hosts leave it alone (and clear it on a copy).
	Reconciled Reconciled `json:"reconciled,omitzero"`

	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// Reconciled records what the billing run that last billed a part left behind: every billing
// period of the part due on AsOf was billed at its charge, and no later period was billed. The
// charges depended on the part as stored at PartVersion, on its contract at ContractVersion and on
// usage records up to that last period whose versions sum to Usage. The next run that finds all
// of them unchanged knows those periods need nothing and computes only the periods due since; any
// change (a quantity, a price, the contract's terms, a usage record, a void) makes it compute
// every period again, as a run does for a part it has never billed.
type Reconciled struct {
	// PartID is the part the mark was made for: a copy of the part under another ID does not
	// inherit it.
	PartID          psa.PartID `json:"partId"`
	AsOf            psa.Date   `json:"asOf"`
	PartVersion     int64      `json:"partVersion"`
	ContractVersion int64      `json:"contractVersion"`
	Usage           int64      `json:"usage"`
}

// IsZero reports whether r is the zero Reconciled (no mark).
func (r Reconciled) IsZero() bool { return r == Reconciled{} }

// PriceSet reports whether the part's unit price has been set.
func (p Part) PriceSet() bool { return p.UnitPrice.Currency() != currency.XXX }

// QuantityOn returns the quantity in force on day d (zero before the part starts).
func (p Part) QuantityOn(d psa.Date) decimal.Decimal {
	q := decimal.Zero
	for _, x := range p.Quantities {
		if x.From.After(d) {
			break
		}
		q = x.Quantity
	}
	return q
}

// Served returns the part's service span within contract c: from the part's start to its end, or
// to the contract's end when the part has none (open-ended when neither has one).
func (p Part) Served(c Contract) psa.Period {
	span := psa.Period{Start: p.Start}
	last := p.End
	if last.IsZero() || (!c.End.IsZero() && c.End.Before(last)) {
		last = c.End
	}
	if !last.IsZero() {
		span.End = last.AddDays(1)
	}
	return span
}

// Segments cuts served (a stretch of one billing period) into pieces of constant quantity,
// merging neighbours whose quantity is equal. Days before the first dated quantity have none.
func (p Part) Segments(served psa.Period) []Segment {
	var segs []Segment
	for i, x := range p.Quantities {
		span := psa.Period{Start: x.From, End: served.End}
		if i+1 < len(p.Quantities) {
			span.End = p.Quantities[i+1].From
		}
		span = span.Intersect(served)
		if span.IsEmpty() {
			continue
		}
		if n := len(segs); n > 0 && segs[n-1].Served.End == span.Start && segs[n-1].Quantity.Equal(x.Quantity) {
			segs[n-1].Served.End = span.End
			continue
		}
		segs = append(segs, Segment{Served: span, Quantity: x.Quantity})
	}
	return segs
}

// withQuantity returns the dated quantities with q from day from on, keeping every other dated
// change: a change on the same day as an existing one replaces it, any other is inserted in date
// order.
func withQuantity(qs []Quantity, from psa.Date, q decimal.Decimal) []Quantity {
	i, found := slices.BinarySearchFunc(qs, from, func(x Quantity, d psa.Date) int { return x.From.Compare(d) })
	out := slices.Clone(qs)
	if found {
		out[i].Quantity = q
		return out
	}
	return slices.Insert(out, i, Quantity{From: from, Quantity: q})
}
