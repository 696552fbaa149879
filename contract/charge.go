package contract

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
)

// PartCharge computes what part p of contract c costs for one due billing period: its unit
// price (less its discount) times its dated quantities over the days of due.Served, over the days
// of due.Period, rounded once under the contract's day count and rounding mode. A trial part
// costs nothing, and says so. The result's explanation is what an invoice line prints.
func PartCharge(c Contract, p Part, due DuePeriod) (ChargeResult, error) {
	if !p.PriceSet() {
		return ChargeResult{}, &psa.PreconditionError{Kind: "contract part", ID: p.ID.String(), Rule: "has no unit price"}
	}
	price := p.UnitPrice
	var notes []string
	switch {
	case p.Trial:
		price = psa.ZeroMoney(price.Currency())
		notes = append(notes, fmt.Sprintf("trial: not charged (unit price %s)", p.UnitPrice))
	case p.DiscountPercent.IsPositive():
		price = price.Mul(hundred.Sub(p.DiscountPercent).Shift(-2))
		notes = append(notes, fmt.Sprintf("unit price %s less %s%% discount", p.UnitPrice, p.DiscountPercent))
	}
	segs := p.Segments(clip(due.Served, p.Served(c)))
	if len(segs) == 0 {
		return ChargeResult{}, psa.Invalid("contract part", "period", due.Served.String(), fmt.Sprintf("is outside the service of part %q", p.Description))
	}
	r, err := Charge(ChargeInput{Period: due.Period, Cycle: c.Schedule.Cycle, UnitPrice: price, Segments: segs, DayCount: c.DayCount, Rounding: c.Rounding})
	r.Notes = notes
	return r, err
}

// AnnualSeatSubscription returns the input of an annual seat-based subscription (seed 003:
// "Annual/annual subscriptions ... do not require recurring billing ... use the Fixed Price
// contract type"): a fixed-price contract from start for twelve months whose bill amount is seats
// times the price per seat, with one seat part.
func AnnualSeatSubscription(clientID psa.ClientID, name string, start psa.Date, seats int64, pricePerSeat psa.Money) NewContract {
	q := decimal.NewFromInt(seats)
	return NewContract{
		ClientID: clientID,
		Terms: Terms{
			Name: name, Type: FixedPrice, Start: start, End: start.AddMonths(12).AddDays(-1),
			BillAmount: pricePerSeat.Mul(q),
		},
		Parts: []NewPart{{Description: name + " seats", UnitKind: UnitSeat, Quantity: q, UnitPrice: pricePerSeat}},
	}
}

// clip returns the part of p inside span, where span may be open-ended (a zero End).
func clip(p, span psa.Period) psa.Period {
	if span.End.IsZero() {
		if p.Start.Before(span.Start) {
			p.Start = span.Start
		}
		if !p.End.After(p.Start) {
			return psa.Period{}
		}
		return p
	}
	return p.Intersect(span)
}
