package invoice

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/internal/versioned"
)

// Options configure a Service. A nil *Options means the defaults.
type Options struct {
	psa.Options
}

// Service runs the invoice rules inside transactions of the host's store: numbering schemes,
// drafts, finalization with gapless numbers, payments, voids and credit notes.
type Service struct {
	run  psa.Runner[Tx]
	opts psa.Options
}

// NewService returns a Service that runs its work through run.
func NewService(run psa.Runner[Tx], opts *Options) *Service {
	s := &Service{run: run}
	if opts != nil {
		s.opts = opts.Options
	}
	return s
}

// PutScheme validates and stores a numbering scheme: created when s.Version is 0, replaced
// under the version rule otherwise. It returns the stored scheme.
func (s *Service) PutScheme(ctx context.Context, sc Scheme) (Scheme, error) {
	if err := sc.Validate(); err != nil {
		return Scheme{}, err
	}
	if psa.IsNil(sc.ID) {
		id, err := psa.NewID[psa.NumberingSchemeID](s.opts.IDs())
		if err != nil {
			return Scheme{}, err
		}
		sc.ID = id
	}
	if err := s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.PutScheme(ctx, sc) }); err != nil {
		return Scheme{}, err
	}
	sc.Version++
	return sc, nil
}

// Scheme returns the numbering scheme with id.
func (s *Service) Scheme(ctx context.Context, id psa.NumberingSchemeID) (Scheme, error) {
	return versioned.Get(ctx, s.run, Tx.GetScheme, id)
}

// updateScheme loads scheme id, checks version, applies change and stores it.
func (s *Service) updateScheme(ctx context.Context, id psa.NumberingSchemeID, version int64, change func(*Scheme) error) (Scheme, error) {
	return versioned.Update(ctx, s.run, "numbering scheme", id, version, Tx.GetScheme, Tx.PutScheme,
		func(sc *Scheme) (*int64, *time.Time) { return &sc.Version, nil }, s.opts.Clock,
		func(_ context.Context, _ Tx, sc *Scheme) error { return change(sc) }, nil)
}

// ConfirmScheme records that the MSP verified scheme id's settings (seed 000: "verify the default
// invoice numbering settings before generating invoices"); finalization needs it.
func (s *Service) ConfirmScheme(ctx context.Context, id psa.NumberingSchemeID, version int64) (Scheme, error) {
	return s.updateScheme(ctx, id, version, func(sc *Scheme) error {
		sc.Confirm()
		return nil
	})
}

// SetNextNumber aligns scheme id with the MSP's accounting software: the next number issued is n,
// which must be above the last number issued.
func (s *Service) SetNextNumber(ctx context.Context, id psa.NumberingSchemeID, version int64, n int64) (Scheme, error) {
	return s.updateScheme(ctx, id, version, func(sc *Scheme) error { return sc.SetNext(n) })
}

// CreateDraft validates and stores a draft invoice for bill-to client inv.ClientID, computing its
// totals. Its currency must be the client's billing currency; the billing-information gate runs
// first.
func (s *Service) CreateDraft(ctx context.Context, inv Invoice) (Invoice, error) {
	id, err := psa.NewID[psa.InvoiceID](s.opts.IDs())
	if err != nil {
		return Invoice{}, err
	}
	for i := range inv.Lines {
		if psa.IsNil(inv.Lines[i].ID) {
			if inv.Lines[i].ID, err = psa.NewID[psa.InvoiceLineID](s.opts.IDs()); err != nil {
				return Invoice{}, err
			}
		}
	}
	if inv.Kind == "" {
		inv.Kind = InvoiceNumbers
	}
	now := s.opts.Clock()
	inv.ID, inv.Number, inv.Status, inv.Version, inv.CreatedAt, inv.UpdatedAt = id, "", StatusDraft, 1, now, now
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		if err := client.RequireBillingInfo(ctx, tx, "invoice", inv.ClientID); err != nil {
			return err
		}
		c, err := tx.GetClient(ctx, inv.ClientID)
		if err != nil {
			return err
		}
		if inv.Currency != c.Billing.Currency {
			return psa.Invalid("invoice", "currency", inv.Currency.String(), "is not the client's billing currency "+c.Billing.Currency.String())
		}
		if err := inv.Recompute(); err != nil {
			return err
		}
		return tx.CreateInvoice(ctx, inv)
	})
	if err != nil {
		return Invoice{}, err
	}
	return inv, nil
}

// Get returns the invoice with id.
func (s *Service) Get(ctx context.Context, id psa.InvoiceID) (Invoice, error) {
	return versioned.Get(ctx, s.run, Tx.GetInvoice, id)
}

// update loads invoice id, checks version, applies change and stores the invoice.
func (s *Service) update(ctx context.Context, id psa.InvoiceID, version int64, change func(ctx context.Context, tx Tx, inv *Invoice) error) (Invoice, error) {
	return versioned.Update(ctx, s.run, "invoice", id, version, Tx.GetInvoice, Tx.UpdateInvoice,
		func(inv *Invoice) (*int64, *time.Time) { return &inv.Version, &inv.UpdatedAt }, s.opts.Clock, change, nil)
}

// Edit changes draft id, read at version (see Invoice.Edit); a finalized invoice is immutable.
func (s *Service) Edit(ctx context.Context, id psa.InvoiceID, version int64, change func(draft *Invoice) error) (Invoice, error) {
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, inv *Invoice) error { return inv.Edit(change) })
}

// Finalize numbers draft id, read at version, from numbering scheme scheme, dated date, with the
// bill-to client's payment terms, in one transaction that also stores the scheme's counter: the
// number is gapless and unique even under concurrent finalizations, and a finalization that fails
// burns no number. An unconfirmed scheme gives an *UnconfirmedError.
func (s *Service) Finalize(ctx context.Context, id psa.InvoiceID, version int64, scheme psa.NumberingSchemeID, date psa.Date) (Invoice, error) {
	return s.update(ctx, id, version, func(ctx context.Context, tx Tx, inv *Invoice) error {
		sc, err := tx.GetScheme(ctx, scheme)
		if err != nil {
			return err
		}
		c, err := tx.GetClient(ctx, inv.ClientID)
		if err != nil {
			return err
		}
		if err := inv.Finalize(&sc, date, c.Billing.PaymentTerms); err != nil {
			return err
		}
		return tx.PutScheme(ctx, sc)
	})
}

// MarkSent records that finalized invoice id was sent now.
func (s *Service) MarkSent(ctx context.Context, id psa.InvoiceID, version int64) (Invoice, error) {
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, inv *Invoice) error { return inv.MarkSent(s.opts.Clock()) })
}

// Pay records payment p against invoice id (see Invoice.Pay) and returns the invoice and the
// overpayment, which becomes the client's credit balance.
func (s *Service) Pay(ctx context.Context, id psa.InvoiceID, version int64, p Payment) (Invoice, psa.Money, error) {
	var over psa.Money
	if psa.IsNil(p.ID) {
		pid, err := psa.NewID[psa.PaymentID](s.opts.IDs())
		if err != nil {
			return Invoice{}, psa.Money{}, err
		}
		p.ID = pid
	}
	inv, err := s.update(ctx, id, version, func(_ context.Context, _ Tx, inv *Invoice) (err error) {
		over, err = inv.Pay(p)
		return err
	})
	return inv, over, err
}

// ApplyCredit settles what it can of invoice id's amount due from the client's credit balance
// (overpayments of its earlier invoices, see Credit), in one transaction, and returns the invoice
// and the credit used. With no credit it uses nothing and changes nothing.
func (s *Service) ApplyCredit(ctx context.Context, id psa.InvoiceID, version int64) (Invoice, psa.Money, error) {
	var used psa.Money
	inv, err := s.update(ctx, id, version, func(ctx context.Context, tx Tx, inv *Invoice) error {
		all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Invoice], error) {
			return tx.ListInvoices(ctx, inv.ClientID, p)
		})
		if err != nil {
			return err
		}
		credit := Credit(all, inv.Currency)
		if credit.Sign() < 0 {
			credit = psa.ZeroMoney(inv.Currency)
		}
		if used, err = inv.ApplyCredit(credit); err != nil {
			return err
		}
		if used.IsZero() {
			return versioned.ErrUnchanged
		}
		return nil
	})
	return inv, used, err
}

// Void voids invoice id with a reason; it keeps its number.
func (s *Service) Void(ctx context.Context, id psa.InvoiceID, version int64, reason string) (Invoice, error) {
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, inv *Invoice) error { return inv.Void(reason) })
}

// CreditNote stores a draft credit note against finalized invoice id for some of its lines (all
// when lines is nil). The credit notes against an invoice, drafts included, never credit more
// than its grand total.
func (s *Service) CreditNote(ctx context.Context, id psa.InvoiceID, lines []psa.InvoiceLineID) (Invoice, error) {
	nid, err := psa.NewID[psa.InvoiceID](s.opts.IDs())
	if err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		orig, err := tx.GetInvoice(ctx, id)
		if err != nil {
			return err
		}
		credited, err := s.credited(ctx, tx, orig)
		if err != nil {
			return err
		}
		note, err := CreditNote(orig, lines, credited)
		if err != nil {
			return err
		}
		now := s.opts.Clock()
		note.ID, note.Version, note.CreatedAt, note.UpdatedAt = nid, 1, now, now
		out = note
		return tx.CreateInvoice(ctx, note)
	})
	if err != nil {
		return Invoice{}, err
	}
	return out, nil
}

// credited sums what the credit notes against orig (not voided) credit.
func (s *Service) credited(ctx context.Context, tx Tx, orig Invoice) (psa.Money, error) {
	all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Invoice], error) {
		return tx.ListInvoices(ctx, orig.ClientID, p)
	})
	sum := psa.ZeroMoney(orig.Currency)
	if err != nil {
		return sum, err
	}
	for _, n := range all {
		if n.Kind == CreditNoteNumbers && n.CreditFor == orig.ID && n.Status != StatusVoid {
			if sum, err = sum.Add(n.Totals.Total.Neg()); err != nil {
				return sum, fmt.Errorf("psa: credit note %s: %w", n.ID, err)
			}
		}
	}
	return sum, nil
}

// Balance returns client id's outstanding balance in its billing currency today, by aging
// bucket.
func (s *Service) Balance(ctx context.Context, id psa.ClientID) (Balance, error) {
	var b Balance
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		c, err := tx.GetClient(ctx, id)
		if err != nil {
			return err
		}
		all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Invoice], error) {
			return tx.ListInvoices(ctx, id, p)
		})
		b = Outstanding(all, c.Billing.Currency, psa.DateOf(s.opts.Clock()))
		return err
	})
	return b, err
}

// OnboardingCheck returns the check of the onboarding step client.StepInvoicing (seed 000 "Ensure
// you can run the billing process and issue invoices"): done when the bill-to client has billing
// information and numbering scheme scheme is confirmed, so a billing run can issue its invoices.
func OnboardingCheck(s *Service, scheme psa.NumberingSchemeID) client.Check {
	return func(ctx context.Context, r client.Record) (client.Outcome, error) {
		if missing := r.BillTo.Billing.Missing(); len(missing) > 0 {
			return client.Outcome{Reason: fmt.Sprintf("%q lacks billing information (%d fields): invoices cannot be issued", r.BillTo.Name, len(missing))}, nil
		}
		sc, err := s.Scheme(ctx, scheme)
		switch {
		case errors.Is(err, psa.ErrNotFound):
			return client.Outcome{Reason: "the invoice numbering scheme does not exist: create and confirm one"}, nil
		case err != nil:
			return client.Outcome{}, err
		case !sc.Confirmed:
			return client.Outcome{Reason: fmt.Sprintf("numbering scheme %q is not confirmed: check it against the accounting software and confirm it", sc.Name)}, nil
		}
		return client.Outcome{Done: true, Reason: fmt.Sprintf("billing information is complete and numbering scheme %q is confirmed", sc.Name)}, nil
	}
}
