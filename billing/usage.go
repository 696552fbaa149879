package billing

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

// Usage is a quantity a host measured for a per-device or per-seat part over one billing period
// (seed 003: usage synced from another system and billed in arrears). When a period has usage,
// its charge uses that quantity instead of the part's dated quantities.
type Usage struct {
	ID     psa.UsageID `json:"id"`
	PartID psa.PartID  `json:"partId"`
	// Period is one billing period of the part's contract.
	Period    psa.Period      `json:"period"`
	Quantity  decimal.Decimal `json:"quantity"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
	Version   int64           `json:"version"`
}

// RecordUsage records the quantity of per-device or per-seat part partID for the billing period
// that starts on periodStart. The part's contract must bill in arrears, the period must be one of
// its schedule's periods, and it may not start before the contract does (seed 003: the contract
// start must be before the first usage records). Recording a period again replaces its quantity;
// a period already billed is then billed or credited the difference by the next run.
func (s *Service) RecordUsage(ctx context.Context, partID psa.PartID, periodStart psa.Date, qty decimal.Decimal) (Usage, error) {
	if qty.IsNegative() {
		return Usage{}, psa.Invalid("usage", "quantity", qty.String(), "must not be negative")
	}
	id, err := psa.NewID[psa.UsageID](s.opts.IDs())
	if err != nil {
		return Usage{}, err
	}
	var out Usage
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		p, err := tx.GetPart(ctx, partID)
		if err != nil {
			return err
		}
		k, err := tx.GetContract(ctx, p.ContractID)
		if err != nil {
			return err
		}
		var v psa.Validator
		if p.UnitKind != contract.UnitDevice && p.UnitKind != contract.UnitSeat {
			v.Add("partId", partID.String(), "is not billed per device or per seat")
		}
		if k.Timing != contract.InArrears {
			v.Add("partId", partID.String(), "belongs to a contract billed in advance; usage is billed in arrears")
		}
		period, perr := k.Schedule.PeriodOf(periodStart)
		switch {
		case perr != nil:
			return perr
		case period.Start != periodStart:
			v.Add("period", periodStart.String(), "is not the start of a billing period (that period starts "+period.Start.String()+")")
		case periodStart.Before(k.Start):
			v.Add("period", periodStart.String(), "is before the contract start "+k.Start.String())
		}
		if err := v.Err("usage"); err != nil {
			return err
		}
		now := s.opts.Clock()
		existing, err := tx.ListUsage(ctx, partID)
		if err != nil {
			return err
		}
		for _, u := range existing {
			if u.Period.Start == periodStart {
				u.Quantity, u.UpdatedAt = qty, now
				if err := tx.UpdateUsage(ctx, u); err != nil {
					return err
				}
				u.Version++
				out = u
				return nil
			}
		}
		out = Usage{ID: id, PartID: partID, Period: period, Quantity: qty, CreatedAt: now, UpdatedAt: now, Version: 1}
		return tx.CreateUsage(ctx, out)
	})
	if err != nil {
		return Usage{}, err
	}
	return out, nil
}
