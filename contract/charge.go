package contract

import (
	"fmt"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

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

// PartAmount returns PartCharge(c, p, due).Amount, or the error PartCharge returns, without the
// rest of the result: no explanation, no segments. It is for callers that compare a period's
// charge with what has been billed for it before they build a line (a billing run recomputes
// every period it has billed), and allocates only the amount when the numbers are small (every
// price and quantity with at most 18 digits, as they are in practice).
func PartAmount(c Contract, p Part, due DuePeriod) (psa.Money, error) {
	if amount, ok := partAmountSmall(c, p, due); ok {
		return amount, nil
	}
	r, err := PartCharge(c, p, due)
	if err != nil {
		return psa.Money{}, err
	}
	return r.Amount, nil
}

// PartMinorUnits returns PartAmount(c, p, due) as a whole number of minor units of the part's
// currency, without allocating, when the numbers are small (see PartAmount) and the input
// valid; ok is false otherwise, and the caller needs PartAmount (which reports what is invalid).
func PartMinorUnits(c Contract, p Part, due DuePeriod) (units int64, ok bool) {
	return partUnitsSmall(c, p, due)
}

// partAmountSmall computes PartAmount in 64-bit integers (128 bits for the division), as
// chargeSmall does, when the input is valid and every number fits; it reports false otherwise,
// and PartAmount takes the general path (which reports what is invalid).
func partAmountSmall(c Contract, p Part, due DuePeriod) (psa.Money, bool) {
	units, ok := partUnitsSmall(c, p, due)
	if !ok {
		return psa.Money{}, false
	}
	cur := p.UnitPrice.Currency()
	return mustMoney(decimal.New(units, -psa.MinorUnitScale(cur)), cur), true
}

// partUnitsSmall is partAmountSmall's amount in minor units.
func partUnitsSmall(c Contract, p Part, due DuePeriod) (int64, bool) {
	cur := p.UnitPrice.Currency()
	if !p.PriceSet() || p.Trial || cur == currency.XXX {
		return 0, false
	}
	pc, pe, ok := smallDecimal(p.UnitPrice.Amount())
	if !ok {
		return 0, false
	}
	if p.DiscountPercent.IsPositive() {
		// price x (100 - discount) / 100, exactly, for a discount of a whole percent.
		dc, de, ok := smallDecimal(p.DiscountPercent)
		if !ok || de != 0 || dc > 100 {
			return 0, false
		}
		if pc, ok = mulSmall(pc, 100-dc); !ok {
			return 0, false
		}
		pe -= 2
	}
	dc := c.DayCount
	if dc == "" {
		dc = ActualDays
	}
	period := due.Period
	switch {
	case period.IsEmpty(), c.Rounding != psa.RoundHalfUp && c.Rounding != psa.RoundHalfEven, !exponentSmall(pe):
		return 0, false
	case dc == Thirty360:
		if m := c.Schedule.Cycle.Months(); m == 0 || monthIndex(period.End)-monthIndex(period.Start) != m {
			return 0, false
		}
	case dc != ActualDays:
		return 0, false
	}
	pd := PeriodDays(period, c.Schedule.Cycle, dc)
	served := clip(due.Served, p.Served(c))
	// The segments of p.Segments(served), walked twice: for the smallest exponent, then the sum.
	minExp, lines := int32(0), 0
	var last psa.Date
	for pass := range 2 {
		var num int64
		for i, x := range p.Quantities {
			span := psa.Period{Start: x.From, End: served.End}
			if i+1 < len(p.Quantities) {
				span.End = p.Quantities[i+1].From
			}
			span = span.Intersect(served)
			if span.IsEmpty() {
				continue
			}
			qc, qe, ok := smallDecimal(x.Quantity)
			if !ok || qc < 0 || !exponentSmall(qe) {
				return 0, false
			}
			e := pe + qe
			if pass == 0 {
				if span.Start.Before(period.Start) || span.End.After(period.End) || (lines > 0 && span.Start.Before(last)) {
					return 0, false // invalid: the general path says why
				}
				last = span.End
				if lines == 0 || e < minExp {
					minExp = e
				}
				lines++
				continue
			}
			n, ok := mulSmall(pc, qc)
			if !ok {
				return 0, false
			}
			if n, ok = mulSmall(n, int64(segmentDays(span, period, pd, dc))); !ok {
				return 0, false
			}
			if shift := e - minExp; shift >= int32(len(pow10s)) {
				return 0, false
			} else if n, ok = mulSmall(n, int64(pow10s[shift])); !ok {
				return 0, false
			}
			if num, ok = addSmall(num, n); !ok {
				return 0, false
			}
		}
		if pass == 0 && lines == 0 {
			return 0, false // no service in the period: an error
		}
		if pass == 1 {
			return roundSmall(num, minExp, pd, psa.MinorUnitScale(cur), c.Rounding)
		}
	}
	return 0, false
}

// exponentSmall reports whether a decimal exponent is within ±maxExponent.
func exponentSmall(e int32) bool { return e >= -maxExponent && e <= maxExponent }
