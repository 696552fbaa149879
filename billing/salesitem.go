package billing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/internal/versioned"
)

// SalesItem is a one-off charge for a client: a product or service sold once (seed 000 "Ensure
// you can create sales items"). The next billing run bills it, and it is then locked.
type SalesItem struct {
	ID       psa.SalesItemID `json:"id"`
	ClientID psa.ClientID    `json:"clientId"`
	Item
	// InvoiceID is the invoice that billed the item; once set, the item cannot change.
	InvoiceID psa.InvoiceID `json:"invoiceId"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
	Version   int64         `json:"version"`
}

// Item is what a sales item sells.
type Item struct {
	// ServiceID refers to the product or service of the MSP's catalogue (optional).
	ServiceID   psa.ServiceID   `json:"serviceId"`
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	UnitPrice   psa.Money       `json:"unitPrice"`
	// Date is the day of the sale; the item is billed by the first run on or after it.
	Date     psa.Date `json:"date"`
	PONumber string   `json:"poNumber,omitempty"`
}

// validate records every broken rule of it for a client billed in cur: a description, a positive
// quantity, a non-negative unit price in cur, a date.
func (it Item) validate(v *psa.Validator, cur currency.Unit) {
	if strings.TrimSpace(it.Description) == "" {
		v.Add("description", it.Description, "is required")
	}
	if !it.Quantity.IsPositive() {
		v.Add("quantity", it.Quantity.String(), "must be positive")
	}
	switch {
	case it.UnitPrice.Currency() == currency.XXX:
		v.Add("unitPrice", "", "is required")
	case it.UnitPrice.Currency() != cur:
		v.Add("unitPrice", it.UnitPrice.String(), "is not in the bill-to client's currency "+cur.String())
	case it.UnitPrice.Sign() < 0:
		v.Add("unitPrice", it.UnitPrice.String(), "must not be negative")
	}
	if it.Date.IsZero() {
		v.Add("date", "", "is required")
	}
}

// Amount returns quantity x unit price, rounded once to the currency's minor unit in mode.
func (it Item) Amount(mode psa.RoundingMode) psa.Money {
	return it.UnitPrice.Mul(it.Quantity).Round(mode)
}

// Billed reports whether an invoice has billed the item.
func (s SalesItem) Billed() bool { return !psa.IsNil(s.InvoiceID) }

// LockedError reports a change to a sales item that an invoice has billed. It unwraps to
// psa.ErrPrecondition.
type LockedError struct {
	SalesItemID psa.SalesItemID
	InvoiceID   psa.InvoiceID
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("psa: sales item %s is billed on invoice %s and cannot change; credit the invoice instead", e.SalesItemID, e.InvoiceID)
}

// Unwrap returns psa.ErrPrecondition.
func (e *LockedError) Unwrap() error { return psa.ErrPrecondition }

// billingCurrency runs the billing-information gate for client id (seed 000: a sales item needs
// the client's billing information) and returns the bill-to client's currency.
func billingCurrency(ctx context.Context, tx Tx, id psa.ClientID) (currency.Unit, error) {
	if err := client.RequireBillingInfo(ctx, tx, "create a sales item", id); err != nil {
		return currency.XXX, err
	}
	billTo, err := client.BillTo(ctx, tx, id)
	return billTo.Billing.Currency, err
}

// CreateSalesItem records a sales item for client clientID. The bill-to client must have billing
// information (the error is then the gate's *client.BillingInfoError, and nothing is stored), and
// the price must be in its currency.
func (s *Service) CreateSalesItem(ctx context.Context, clientID psa.ClientID, it Item) (SalesItem, error) {
	id, err := psa.NewID[psa.SalesItemID](s.opts.IDs())
	if err != nil {
		return SalesItem{}, err
	}
	var out SalesItem
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		cur, err := billingCurrency(ctx, tx, clientID)
		if err != nil {
			return err
		}
		var v psa.Validator
		it.validate(&v, cur)
		if err := v.Err("sales item"); err != nil {
			return err
		}
		now := s.opts.Clock()
		out = SalesItem{ID: id, ClientID: clientID, Item: it, CreatedAt: now, UpdatedAt: now, Version: 1}
		return tx.CreateSalesItem(ctx, out)
	})
	if err != nil {
		return SalesItem{}, err
	}
	return out, nil
}

// UpdateSalesItem changes sales item id, read at version: its client and what it sells. Moving it
// to a client without billing information is refused (seed 000) with the gate's error; a billed
// item is locked (*LockedError).
func (s *Service) UpdateSalesItem(ctx context.Context, id psa.SalesItemID, version int64, clientID psa.ClientID, it Item) (SalesItem, error) {
	return versioned.Update(ctx, s.run, "sales item", id, version, Tx.GetSalesItem, Tx.UpdateSalesItem,
		func(si *SalesItem) (*int64, *time.Time) { return &si.Version, &si.UpdatedAt }, s.opts.Clock,
		func(ctx context.Context, tx Tx, si *SalesItem) error {
			if si.Billed() {
				return &LockedError{SalesItemID: id, InvoiceID: si.InvoiceID}
			}
			cur, err := billingCurrency(ctx, tx, clientID)
			if err != nil {
				return err
			}
			var v psa.Validator
			it.validate(&v, cur)
			if err := v.Err("sales item"); err != nil {
				return err
			}
			si.ClientID, si.Item = clientID, it
			return nil
		}, nil)
}

// SalesItem returns the sales item with id.
func (s *Service) SalesItem(ctx context.Context, id psa.SalesItemID) (SalesItem, error) {
	return versioned.Get(ctx, s.run, Tx.GetSalesItem, id)
}
