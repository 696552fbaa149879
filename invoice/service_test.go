package invoice_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
)

type serviceEnv struct {
	store    *memstore.Store
	clients  *client.Service
	invoices *invoice.Service
	client   client.Client
	scheme   invoice.Scheme
}

func newServiceEnv(t *testing.T, confirmed bool) *serviceEnv {
	t.Helper()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	opts := psa.Options{Now: func() time.Time { return now }}
	e := &serviceEnv{store: memstore.New()}
	e.clients = client.NewService(memstore.Runner[client.Tx](e.store), &client.Options{Options: opts})
	e.invoices = invoice.NewService(memstore.Runner[invoice.Tx](e.store), &invoice.Options{Options: opts})
	usd, err := psa.ParseCurrency("USD")
	require.NoError(t, err)
	net30, err := psa.NetDays(30)
	require.NoError(t, err)
	e.client, err = e.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "Acme"}, Billing: &client.BillingInfo{
		Address: psa.Address{Line1: "1 Main St", City: "Springfield", Country: "US"}, InvoiceEmail: "ap@acme.example",
		TaxRegion: "US-IL", Currency: usd, PaymentTerms: net30}})
	require.NoError(t, err)
	tmpl, err := invoice.ParseTemplate("INV-{SEQ:5}")
	require.NoError(t, err)
	e.scheme, err = e.invoices.PutScheme(t.Context(), invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tmpl, Confirmed: confirmed})
	require.NoError(t, err)
	return e
}

func (e *serviceEnv) draft(t *testing.T, amount string) invoice.Invoice {
	t.Helper()
	m, err := psa.ParseMoney(amount, "USD")
	require.NoError(t, err)
	inv, err := e.invoices.CreateDraft(t.Context(), invoice.Invoice{ClientID: e.client.ID, Currency: m.Currency(),
		Lines: []invoice.Line{{Description: "Managed services", Quantity: decimal.NewFromInt(1), UnitPrice: m, Amount: m}}})
	require.NoError(t, err)
	return inv
}

// TestConcurrentFinalizationIsGapless: 32 goroutines finalizing 200 invoices each get the numbers
// 1 to 6400 exactly once.
func TestConcurrentFinalizationIsGapless(t *testing.T) {
	e := newServiceEnv(t, true)
	const workers, each = 32, 200
	if testing.Short() {
		t.Skip("finalizes 6,400 invoices")
	}
	drafts := make([][]invoice.Invoice, workers)
	for w := range drafts {
		for range each {
			drafts[w] = append(drafts[w], e.draft(t, "10.00"))
		}
	}
	numbers := make(chan string, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, d := range drafts[w] {
				inv, err := e.invoices.Finalize(context.Background(), d.ID, d.Version, e.scheme.ID, psa.NewDate(2026, 11, 30))
				if err != nil {
					t.Errorf("finalize: %v", err)
					return
				}
				numbers <- inv.Number
			}
		})
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for n := range numbers {
		require.False(t, seen[n], "number %s issued twice", n)
		seen[n] = true
	}
	require.Len(t, seen, workers*each)
	tmpl, err := invoice.ParseTemplate("INV-{SEQ:5}")
	require.NoError(t, err)
	for i := int64(1); i <= workers*each; i++ {
		require.True(t, seen[tmpl.Format(i, psa.NewDate(2026, 11, 30))], "number %d missing", i)
	}
	sc, err := e.invoices.Scheme(t.Context(), e.scheme.ID)
	require.NoError(t, err)
	require.Equal(t, int64(workers*each), sc.Last)
}

// TestFinalizationRollbackBurnsNoNumber: a finalization whose transaction fails leaves the
// scheme's counter where it was, so the next invoice gets the number.
func TestFinalizationRollbackBurnsNoNumber(t *testing.T) {
	e := newServiceEnv(t, true)
	first := e.draft(t, "10.00")
	boom := errors.New("disk full")
	err := memstore.Runner[invoice.Tx](e.store)(t.Context(), func(ctx context.Context, tx invoice.Tx) error {
		sc, err := tx.GetScheme(ctx, e.scheme.ID)
		require.NoError(t, err)
		inv, err := tx.GetInvoice(ctx, first.ID)
		require.NoError(t, err)
		net30, _ := psa.NetDays(30)
		require.NoError(t, inv.Finalize(&sc, psa.NewDate(2026, 11, 30), net30))
		require.Equal(t, "INV-00001", inv.Number)
		require.NoError(t, tx.PutScheme(ctx, sc))
		require.NoError(t, tx.UpdateInvoice(ctx, inv))
		return boom // the host's transaction fails after the number was drawn
	})
	require.ErrorIs(t, err, boom)

	got, err := e.invoices.Finalize(t.Context(), first.ID, first.Version, e.scheme.ID, psa.NewDate(2026, 11, 30))
	require.NoError(t, err)
	require.Equal(t, "INV-00001", got.Number, "the rolled-back finalization burned no number")
}

// TestFinalizeNeedsConfirmedScheme: until the numbering settings are confirmed (seed 000),
// finalization returns a precondition error that says so, and nothing changes.
func TestFinalizeNeedsConfirmedScheme(t *testing.T) {
	e := newServiceEnv(t, false)
	d := e.draft(t, "10.00")
	_, err := e.invoices.Finalize(t.Context(), d.ID, d.Version, e.scheme.ID, psa.NewDate(2026, 11, 30))
	require.ErrorIs(t, err, psa.ErrPrecondition)
	_, ok := errors.AsType[*invoice.UnconfirmedError](err)
	require.True(t, ok, "%v", err)
	stored, err := e.invoices.Get(t.Context(), d.ID)
	require.NoError(t, err)
	require.Equal(t, invoice.StatusDraft, stored.Status)

	sc, err := e.invoices.ConfirmScheme(t.Context(), e.scheme.ID, e.scheme.Version)
	require.NoError(t, err)
	sc, err = e.invoices.SetNextNumber(t.Context(), sc.ID, sc.Version, 1001)
	require.NoError(t, err)
	got, err := e.invoices.Finalize(t.Context(), d.ID, d.Version, sc.ID, psa.NewDate(2026, 11, 30))
	require.NoError(t, err)
	require.Equal(t, "INV-01001", got.Number)
	require.Equal(t, "2026-12-30", got.DueDate.String(), "due date = invoice date + net 30")

	_, err = e.invoices.Edit(t.Context(), got.ID, got.Version, func(d *invoice.Invoice) error { d.Notes = "changed"; return nil })
	require.ErrorIs(t, err, psa.ErrPrecondition, "a finalized invoice is immutable")
}

// TestCreateDraftNeedsBillingInfoAndCurrency: drafts are for clients with billing information,
// in their billing currency.
func TestCreateDraftNeedsBillingInfoAndCurrency(t *testing.T) {
	e := newServiceEnv(t, true)
	bare, err := e.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "No billing"}})
	require.NoError(t, err)
	usd, _ := psa.ParseMoney("1.00", "USD")
	_, err = e.invoices.CreateDraft(t.Context(), invoice.Invoice{ClientID: bare.ID, Currency: usd.Currency()})
	_, ok := errors.AsType[*client.BillingInfoError](err)
	require.True(t, ok, "%v", err)

	eur, _ := psa.ParseMoney("1.00", "EUR")
	_, err = e.invoices.CreateDraft(t.Context(), invoice.Invoice{ClientID: e.client.ID, Currency: eur.Currency()})
	require.ErrorIs(t, err, psa.ErrInvalid)
}

// TestCreditNotesNeverExceedTheInvoice: credit notes against an invoice, together, credit at most
// its grand total; and a payment settles it with the overpayment returned.
func TestCreditNotesNeverExceedTheInvoice(t *testing.T) {
	e := newServiceEnv(t, true)
	d := e.draft(t, "100.00")
	inv, err := e.invoices.Finalize(t.Context(), d.ID, d.Version, e.scheme.ID, psa.NewDate(2026, 11, 30))
	require.NoError(t, err)
	note, err := e.invoices.CreditNote(t.Context(), inv.ID, nil)
	require.NoError(t, err)
	require.Equal(t, "-100.00 USD", note.Totals.Total.String())
	_, err = e.invoices.CreditNote(t.Context(), inv.ID, nil)
	require.ErrorIs(t, err, psa.ErrInvalid, "a second full credit would credit more than was billed")

	pay, _ := psa.ParseMoney("120.00", "USD")
	paid, over, err := e.invoices.Pay(t.Context(), inv.ID, inv.Version, invoice.Payment{Date: psa.NewDate(2026, 12, 5), Amount: pay})
	require.NoError(t, err)
	require.Equal(t, invoice.StatusPaid, paid.Status)
	require.Equal(t, "20.00 USD", over.String())
}

// TestBalanceAgesOutstandingInvoices: the client's outstanding balance sums what is due, by days
// past the due date, leaving out paid invoices and drafts.
func TestBalanceAgesOutstandingInvoices(t *testing.T) {
	e := newServiceEnv(t, true) // today is 2026-11-30; terms net 30
	finalize := func(amount string, date psa.Date) invoice.Invoice {
		d := e.draft(t, amount)
		inv, err := e.invoices.Finalize(t.Context(), d.ID, d.Version, e.scheme.ID, date)
		require.NoError(t, err)
		return inv
	}
	old := finalize("50.00", psa.NewDate(2026, 8, 1))    // due 2026-08-31: 91 days late
	late := finalize("70.00", psa.NewDate(2026, 10, 15)) // due 2026-11-14: 16 days late
	finalize("40.00", psa.NewDate(2026, 11, 15))         // due 2026-12-15: current
	paid := finalize("999.00", psa.NewDate(2026, 9, 1))
	e.draft(t, "5.00")
	_, _, err := e.invoices.Pay(t.Context(), paid.ID, paid.Version, invoice.Payment{Date: psa.NewDate(2026, 9, 5), Amount: usd(t, "999.00")})
	require.NoError(t, err)
	_, _, err = e.invoices.Pay(t.Context(), late.ID, late.Version, invoice.Payment{Date: psa.NewDate(2026, 11, 20), Amount: usd(t, "20.00")})
	require.NoError(t, err)
	require.NotEmpty(t, old.Number)

	b, err := e.invoices.Balance(t.Context(), e.client.ID)
	require.NoError(t, err)
	want := map[invoice.AgingBucket]string{
		invoice.AgingCurrent: "40.00 USD", invoice.Aging1To30: "50.00 USD", invoice.Aging31To60: "0.00 USD",
		invoice.Aging61To90: "0.00 USD", invoice.AgingOver90: "50.00 USD",
	}
	for k, v := range want {
		require.Equal(t, v, b.Buckets[k].String(), "bucket %s", k)
	}
	require.Equal(t, "140.00 USD", b.Outstanding.String())
}

// TestOverpaymentBecomesCredit: what a payment brings beyond the amount due is the client's
// credit balance; a later invoice uses it (only as much as it owes), and the balance goes down by
// what was used. With no credit left, ApplyCredit changes nothing; a draft cannot use credit.
func TestOverpaymentBecomesCredit(t *testing.T) {
	e := newServiceEnv(t, true)
	finalize := func(amount string) invoice.Invoice {
		d := e.draft(t, amount)
		inv, err := e.invoices.Finalize(t.Context(), d.ID, d.Version, e.scheme.ID, psa.NewDate(2026, 11, 1))
		require.NoError(t, err)
		return inv
	}
	credit := func() string {
		b, err := e.invoices.Balance(t.Context(), e.client.ID)
		require.NoError(t, err)
		return b.Credit.String()
	}
	first := finalize("100.00")
	paid, over, err := e.invoices.Pay(t.Context(), first.ID, first.Version, invoice.Payment{Date: psa.NewDate(2026, 11, 5), Amount: usd(t, "180.00")})
	require.NoError(t, err)
	require.Equal(t, "80.00 USD", over.String())
	require.Equal(t, "80.00 USD", paid.Payments[0].Overpaid.String())
	require.Equal(t, invoice.StatusPaid, paid.Status)
	require.Equal(t, "80.00 USD", credit())

	second := finalize("50.00")
	second, used, err := e.invoices.ApplyCredit(t.Context(), second.ID, second.Version)
	require.NoError(t, err)
	require.Equal(t, "50.00 USD", used.String())
	require.Equal(t, invoice.StatusPaid, second.Status)
	require.Equal(t, "30.00 USD", credit())

	third := finalize("45.00")
	third, used, err = e.invoices.ApplyCredit(t.Context(), third.ID, third.Version)
	require.NoError(t, err)
	require.Equal(t, "30.00 USD", used.String())
	require.Equal(t, invoice.StatusPartiallyPaid, third.Status)
	require.Equal(t, "15.00 USD", third.AmountDue().String())
	require.Equal(t, "0.00 USD", credit())

	again, used, err := e.invoices.ApplyCredit(t.Context(), third.ID, third.Version)
	require.NoError(t, err)
	require.True(t, used.IsZero())
	require.Equal(t, third.Version, again.Version, "nothing stored without credit")

	draft := e.draft(t, "10.00")
	_, _, err = e.invoices.ApplyCredit(t.Context(), draft.ID, draft.Version)
	require.ErrorIs(t, err, psa.ErrPrecondition)
}

func usd(t *testing.T, s string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(s, "USD")
	require.NoError(t, err)
	return m
}

// TestOnboardingCheck decides the billing-and-invoicing step: missing while the numbering scheme
// is unconfirmed or unknown, or the client lacks billing information; done otherwise.
func TestOnboardingCheck(t *testing.T) {
	for _, tt := range []struct {
		name      string
		confirmed bool
		scheme    func(e *serviceEnv) psa.NumberingSchemeID
		bare      bool
		done      bool
	}{
		{"confirmed", true, func(e *serviceEnv) psa.NumberingSchemeID { return e.scheme.ID }, false, true},
		{"unconfirmed", false, func(e *serviceEnv) psa.NumberingSchemeID { return e.scheme.ID }, false, false},
		{"unknown scheme", true, func(*serviceEnv) psa.NumberingSchemeID { return psa.NumberingSchemeID{UUID: uuid.New()} }, false, false},
		{"no billing information", true, func(e *serviceEnv) psa.NumberingSchemeID { return e.scheme.ID }, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newServiceEnv(t, tt.confirmed)
			r := client.Record{Client: e.client, BillTo: e.client}
			if tt.bare {
				r.BillTo.Billing = client.BillingInfo{}
			}
			out, err := invoice.OnboardingCheck(e.invoices, tt.scheme(e))(t.Context(), r)
			require.NoError(t, err)
			require.Equal(t, tt.done, out.Done, out.Reason)
			require.NotEmpty(t, out.Reason)
		})
	}
}
