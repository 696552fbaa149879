package billing

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// consume queues a line for each approved, unbilled time entry under retainer k, in work-date
// order (then start time, then ID): the entry uses what is left of the allowance of its billing
// period (contract.Left), an entry that crosses the remaining balance is split, and what lies
// beyond is charged. Beyond a retainer by hours, time is charged at the contract's overage rate,
// else at the entry's rate (its role's rate, else the default rate); beyond a retainer by amount,
// at the entry's time-and-materials rate. What each line used is recorded on the contract
// (Contract.Usage) and on its claim, so a void gives it back. Work already billed is never
// re-ordered: an entry approved late uses what is left when it is billed.
func (b *bill) consume(org client.Client, k contract.Contract, entries []servicedesk.TimeEntry) error {
	slices.SortFunc(entries, func(x, y servicedesk.TimeEntry) int {
		return cmp.Or(x.Date.Compare(y.Date), x.Start.Compare(y.Start), bytes.Compare(x.ID.UUID[:], y.ID.UUID[:]))
	})
	var uses []contract.Use
	for i := range entries {
		e := entries[i]
		left, err := k.Left(e.Date)
		if err != nil {
			return err
		}
		var use contract.Use
		var line invoice.Line
		if k.Type == contract.RetainerHours {
			use, line, err = hoursLine(k, e, left)
		} else {
			use, line, err = amountLine(k, e, left)
		}
		if err != nil {
			return err
		}
		var buf [256]byte
		text := appendWorkLabel(e.Date.Append(buf[:0]), ' ', e)
		if !use.IsZero() {
			text = append(text, " ("...)
			text = appendUseLabel(text, use)
			text = append(text, " from the retainer)"...)
		}
		line.Description = string(text)
		line.Period = psa.Period{Start: e.Date, End: e.Date.AddDays(1)}
		line.Source = invoice.Source{Kind: "time entry", ID: string(appendUUID(text[:0], e.ID.UUID))}
		p := pending{subject: SubjectOf(e.ID), key: "time", po: k.PONumber, terms: k.PaymentTerms, line: line, entry: &entries[i]}
		if !use.IsZero() {
			if err := k.Record(use); err != nil {
				return err
			}
			p.consumed = &Consumption{ContractID: k.ID, Use: use}
			uses = append(uses, use)
		}
		b.add(org, p)
	}
	b.record(k.ID, uses)
	return nil
}

// hoursLine splits entry e of retainer by hours k into the time the block covers and the time
// beyond it, given what is left.
func hoursLine(k contract.Contract, e servicedesk.TimeEntry, left contract.Use) (contract.Use, invoice.Line, error) {
	covered := min(e.BillableDuration, left.Time)
	beyond := e.BillableDuration - covered
	rate, source := e.Rate, string(e.RateSource)
	if k.OverageRate.Currency() == k.Currency && !k.OverageRate.IsZero() {
		rate, source = k.OverageRate, "contract overage rate"
	}
	amount, err := rate.Mul(decimal.NewFromInt(int64(beyond))).Quo(int64(time.Hour), k.Rounding)
	if err != nil {
		return contract.Use{}, invoice.Line{}, err
	}
	explain := fmt.Sprintf("%v billable (%v worked); the block of %s hours for the period from %s had %v left: %v used from it",
		e.BillableDuration, e.Duration, k.Hours, left.Period, left.Time, covered)
	if beyond > 0 {
		explain += fmt.Sprintf(", %v beyond it at %s an hour (%s), rounded %s once", beyond, rate, source, k.Rounding)
	}
	line := invoice.Line{Quantity: durationHours(beyond), UnitPrice: rate, Amount: amount, Explanation: explain}
	return contract.Use{Period: left.Period, Time: covered}, line, nil
}

// amountLine splits the value of entry e of retainer by amount k into what the retainer covers
// and what lies beyond it, given what is left.
func amountLine(k contract.Contract, e servicedesk.TimeEntry, left contract.Use) (contract.Use, invoice.Line, error) {
	value, err := e.Value(k.Rounding)
	if err != nil {
		return contract.Use{}, invoice.Line{}, err
	}
	covered := value
	if c, err := value.Cmp(left.Amount); err != nil {
		return contract.Use{}, invoice.Line{}, err
	} else if c > 0 {
		covered = left.Amount
	}
	beyond, _ := value.Sub(covered)
	explain := fmt.Sprintf("%v billable (%v worked) at %s an hour (%s) comes to %s, rounded %s once; the retainer had %s left for the period from %s: %s used from it",
		e.BillableDuration, e.Duration, e.Rate, e.RateSource, value, k.Rounding, left.Amount, left.Period, covered)
	if beyond.Sign() > 0 {
		explain += fmt.Sprintf(", %s beyond it charged", beyond)
	}
	line := invoice.Line{Quantity: durationHours(e.BillableDuration), UnitPrice: e.Rate, Amount: beyond, Explanation: explain}
	return contract.Use{Period: left.Period, Amount: covered}, line, nil
}

// appendUseLabel appends what u uses to b: time or money.
func appendUseLabel(b []byte, u contract.Use) []byte {
	if u.Time > 0 {
		return appendDuration(b, u.Time)
	}
	return u.Amount.Append(b)
}

// durationHours returns d's whole minutes in hours, rounded half away from zero to 4 decimal
// places (as decimal's DivRound rounds, exponent -4).
func durationHours(d time.Duration) decimal.Decimal {
	minutes := int64(d / time.Minute)
	if minutes > math.MaxInt64/10_000 || minutes < -math.MaxInt64/10_000 {
		return decimal.NewFromInt(minutes).DivRound(decimal.NewFromInt(60), 4)
	}
	n := minutes * 10_000
	q, r := n/60, n%60
	switch {
	case r >= 30:
		q++
	case r <= -30:
		q--
	}
	return decimal.New(q, -4)
}

// record adds to the last line queued, which is contract id's, the follow-up that records uses on
// the stored contract: one read and one update for every use the bill made of the contract.
func (b *bill) record(id psa.ContractID, uses []contract.Use) {
	if len(uses) == 0 {
		return
	}
	last := len(b.lines) - 1
	b.lines[last].after = chain(b.lines[last].after, func(ctx context.Context, _ psa.InvoiceID) error {
		k, err := b.tx.GetContract(ctx, id)
		if err != nil {
			return err
		}
		for _, u := range uses {
			if err := k.Record(u); err != nil {
				return err
			}
		}
		return b.tx.UpdateContract(ctx, k)
	})
}

// incidents queues a line for each completed (resolved or closed) ticket of org under per-ticket
// contract k that no invoice billed, in ticket-number order: each ticket opened in the contract's
// term uses one of its prepaid incidents while any are left (a line of no charge); beyond them, or
// opened outside the term, a ticket is charged the contract's overage rate, the price of one
// incident.
func (b *bill) incidents(ctx context.Context, org client.Client, k contract.Contract) error {
	tickets, err := b.tickets(ctx, org.ID)
	if err != nil {
		return err
	}
	var uses []contract.Use
	for _, t := range tickets {
		if t.ContractID != k.ID || !t.Status.Completed() {
			continue
		}
		billed, err := b.billedKeys(ctx, SubjectOf(t.ID))
		if err != nil {
			return err
		}
		if _, done := billed.get("incident"); done {
			continue
		}
		left, err := k.Left(psa.DateOf(t.CreatedAt)) // a ticket opened outside the term uses none
		if err != nil {
			return err
		}
		prepaid := k.Hours.IntPart()
		line := invoice.Line{Description: fmt.Sprintf("Ticket #%d %s", t.Number, t.Title), Quantity: decimal.NewFromInt(1),
			Source: invoice.Source{Kind: "ticket", ID: t.ID.String()}}
		p := pending{subject: SubjectOf(t.ID), key: "incident", po: k.PONumber, terms: k.PaymentTerms}
		if left.Incidents > 0 {
			use := contract.Use{Period: k.Start, Incidents: 1}
			if err := k.Record(use); err != nil {
				return err
			}
			line.UnitPrice, line.Amount = psa.ZeroMoney(k.Currency), psa.ZeroMoney(k.Currency)
			line.Description += fmt.Sprintf(": incident %d of %d prepaid", prepaid-left.Incidents+1, prepaid)
			line.Explanation = fmt.Sprintf("completed ticket under %q: one of its %d prepaid incidents", k.Name, prepaid)
			p.consumed = &Consumption{ContractID: k.ID, Use: use}
			uses = append(uses, use)
		} else {
			price := psa.ZeroMoney(k.Currency)
			if k.OverageRate.Currency() == k.Currency {
				price = k.OverageRate.Round(k.Rounding)
			}
			line.UnitPrice, line.Amount = price, price
			line.Description += fmt.Sprintf(": incident beyond the %d prepaid", prepaid)
			line.Explanation = fmt.Sprintf("completed ticket under %q after its %d prepaid incidents were used: charged the overage rate %s per incident", k.Name, prepaid, price)
		}
		p.line = line
		b.add(org, p)
	}
	b.record(k.ID, uses)
	return nil
}

// tickets returns the tickets of client id, read once per bill.
func (b *bill) tickets(ctx context.Context, id psa.ClientID) ([]servicedesk.Ticket, error) {
	if ts, ok := b.ticketsOf[id]; ok {
		return ts, nil
	}
	ts, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
		return b.tx.ListTickets(ctx, id, p)
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ts, func(x, y servicedesk.Ticket) int { return cmp.Compare(x.Number, y.Number) })
	if b.ticketsOf == nil {
		b.ticketsOf = map[psa.ClientID][]servicedesk.Ticket{}
	}
	b.ticketsOf[id] = ts
	return ts, nil
}
