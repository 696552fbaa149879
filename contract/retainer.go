package contract

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
)

// Use is what approved work consumed of a prepaid contract's allowance in one billing period: time
// of a retainer by hours, money of a retainer by amount, incidents of a per-ticket contract.
type Use struct {
	// Period is the first day of the billing period whose allowance was used; a per-ticket
	// contract's incidents are not per period and use the contract's start.
	Period    psa.Date      `json:"period"`
	Time      time.Duration `json:"time,omitempty"`
	Amount    psa.Money     `json:"amount"`
	Incidents int64         `json:"incidents,omitempty"`
}

// IsZero reports whether u uses nothing.
func (u Use) IsZero() bool { return u.Time == 0 && u.Amount.IsZero() && u.Incidents == 0 }

// add returns u plus (sign 1) or minus (sign -1) w.
func (u Use) add(w Use, sign int64) (Use, error) {
	amount := w.Amount
	if sign < 0 {
		amount = amount.Neg()
	}
	switch {
	case amount.IsZero():
	case u.Amount.IsZero() && u.Amount.Currency() != amount.Currency():
		u.Amount = amount
	default:
		sum, err := u.Amount.Add(amount)
		if err != nil {
			return u, err
		}
		u.Amount = sum
	}
	u.Time += time.Duration(sign) * w.Time
	u.Incidents += sign * w.Incidents
	return u, nil
}

// Prepaid reports whether approved work under contracts of type t consumes a prepaid allowance
// (retainers and per-ticket contracts).
func (t Type) Prepaid() bool { return t == RetainerAmount || t == RetainerHours || t == PerTicket }

// Record adds u to the contract's ledger of what work consumed (Usage), and Release (sign -1)
// takes it back, as when the invoice that consumed it is voided. Usage stays sorted by period
// and holds no empty period.
func (c *Contract) Record(u Use) error { return c.book(u, 1) }

// Release takes back a use recorded with Record.
func (c *Contract) Release(u Use) error { return c.book(u, -1) }

func (c *Contract) book(u Use, sign int64) error {
	if !c.Type.Prepaid() {
		return &psa.PreconditionError{Kind: "contract", ID: c.ID.String(), Rule: "only a retainer or per-ticket contract records consumption"}
	}
	if u.Amount.Currency() != c.Currency && !u.Amount.IsZero() {
		return psa.Invalid("contract use", "amount", u.Amount.String(), "is not in the contract's currency "+c.Currency.String())
	}
	i, found := slices.BinarySearchFunc(c.Usage, u.Period, func(x Use, d psa.Date) int { return x.Period.Compare(d) })
	cur := Use{Period: u.Period, Amount: psa.ZeroMoney(c.Currency)}
	if found {
		cur = c.Usage[i]
	}
	next, err := cur.add(u, sign)
	if err != nil {
		return err
	}
	if next.Time < 0 || next.Amount.Sign() < 0 || next.Incidents < 0 {
		return &psa.PreconditionError{Kind: "contract", ID: c.ID.String(),
			Rule: fmt.Sprintf("releases more than was used in the period from %s", u.Period)}
	}
	switch {
	case next.IsZero() && found:
		c.Usage = slices.Delete(c.Usage, i, i+1)
	case next.IsZero():
	case found:
		c.Usage[i] = next
	default:
		c.Usage = slices.Insert(c.Usage, i, next)
	}
	return nil
}

// Allowance is what a prepaid contract grants per billing period: the block of hours of a
// retainer by hours, the funding (BillingPrice) of a retainer by amount; the prepaid incidents
// (Hours) of a per-ticket contract, once for the whole contract.
func (c Contract) Allowance() Use {
	u := Use{Amount: psa.ZeroMoney(c.Currency)}
	switch c.Type {
	case RetainerHours:
		u.Time = hoursDuration(c.Hours)
	case RetainerAmount:
		if c.BillingPrice.Currency() == c.Currency {
			u.Amount = c.BillingPrice
		}
	case PerTicket:
		u.Incidents = c.Hours.IntPart()
	}
	return u
}

// hoursDuration converts hours to a duration, to the nearest second.
func hoursDuration(h decimal.Decimal) time.Duration {
	return time.Duration(h.Mul(decimal.NewFromInt(3600)).Round(0).IntPart()) * time.Second
}

// Left returns what remains of the allowance for work done on day d, given the ledger:
//
//   - without Rollover, each billing period's allowance is its own: the allowance less what work
//     of that period used; unused allowance expires when the period ends;
//   - with Rollover, unused allowance carries forward: work of a period may use every allowance
//     granted from the contract's first period through its own (plus HoursCarried from the term
//     it renews), less everything used so far. Work of a later period that already used carried
//     allowance is never re-ordered, so no allowance is used twice;
//   - a per-ticket contract's incidents are prepaid once for the whole contract;
//   - work outside the contract's term (before its start, after its end) has nothing left.
//
// The result is never negative. Left returns the schedule's error for an invalid schedule.
func (c Contract) Left(d psa.Date) (Use, error) {
	grant := c.Allowance()
	served := c.Served()
	outside := d.Before(served.Start) || !served.End.IsZero() && !d.Before(served.End)
	if c.Type == PerTicket {
		if outside {
			return Use{Amount: psa.ZeroMoney(c.Currency)}, nil
		}
		return c.remaining(grant, c.Usage)
	}
	period, err := c.Schedule.PeriodOf(d)
	if err != nil {
		return Use{}, err
	}
	if outside {
		return Use{Period: period.Start, Amount: psa.ZeroMoney(c.Currency)}, nil
	}
	grant.Period = period.Start
	if !c.Rollover {
		i := slices.IndexFunc(c.Usage, func(u Use) bool { return u.Period == period.Start })
		if i < 0 {
			return grant, nil
		}
		return c.remaining(grant, c.Usage[i:i+1])
	}
	granted := Use{Period: period.Start, Amount: psa.ZeroMoney(c.Currency), Time: hoursDuration(c.HoursCarried)}
	for p := range c.Schedule.Seq(psa.Period{Start: c.Start, End: period.End}) {
		if p.Start.After(period.Start) {
			break
		}
		if granted, err = granted.add(grant, 1); err != nil {
			return Use{}, err
		}
	}
	return c.remaining(granted, c.Usage)
}

// remaining returns granted less every use in used, each quantity at least zero.
func (c Contract) remaining(granted Use, used []Use) (Use, error) {
	left := granted
	for _, u := range used {
		var err error
		if left, err = left.add(u, -1); err != nil {
			return Use{}, err
		}
	}
	left.Time = max(left.Time, 0)
	left.Incidents = max(left.Incidents, 0)
	if left.Amount.Sign() < 0 {
		left.Amount = psa.ZeroMoney(c.Currency)
	}
	return left, nil
}

// Consumed is what work has consumed of a retainer by amount, in all (seed 004 "Consumed
// Amount").
func (c Contract) Consumed() psa.Money {
	sum := psa.ZeroMoney(c.Currency)
	for _, u := range c.Usage {
		if u.Amount.Currency() == c.Currency {
			sum, _ = sum.Add(u.Amount)
		}
	}
	return sum
}

// Info is seed 004's contract information as it stands on a day; each figure is set only for the
// contract types it applies to.
type Info struct {
	// Remaining is what of a fixed-price contract's bill amount is not billed yet.
	Remaining *psa.Money `json:"remaining,omitempty"`
	// Consumed is what approved work has consumed of a retainer by amount.
	Consumed *psa.Money `json:"consumed,omitempty"`
	// PrepaidHours is the prepaid hours summary of a retainer by hours for the billing period of
	// the day (its first period before it starts).
	PrepaidHours *HoursSummary `json:"prepaidHours,omitempty"`
	// IncidentsLeft is what remains of a per-ticket contract's prepaid incidents.
	IncidentsLeft *int64 `json:"incidentsLeft,omitempty"`
}

// Info returns the contract information of c on day d. It returns the schedule's error for a
// retainer by hours with an invalid schedule.
func (c Contract) Info(d psa.Date) (Info, error) {
	var out Info
	switch c.Type {
	case FixedPrice:
		r := c.Remaining()
		out.Remaining = &r
	case RetainerAmount:
		used := c.Consumed()
		out.Consumed = &used
	case RetainerHours:
		h, err := c.PrepaidHours(laterDate(d, c.Start))
		if err != nil {
			return Info{}, err
		}
		out.PrepaidHours = &h
	case PerTicket:
		left, err := c.Left(d)
		if err != nil {
			return Info{}, err
		}
		out.IncidentsLeft = &left.Incidents
	}
	return out, nil
}
