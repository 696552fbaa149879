package invoice_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

// The tests of document.go. Helpers are prefixed "doc" (tax's and numbering's tests share the
// package or the directory).

var (
	docClientID  = psa.ClientID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-0000000000c1")}
	docInvoiceID = psa.InvoiceID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-0000000000a1")}
	docSchemeID  = psa.NumberingSchemeID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-0000000000f1")}
	docNoteSchID = psa.NumberingSchemeID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-0000000000f2")}

	// docInvoiceDate is the date the tests finalize on.
	docInvoiceDate = psa.NewDate(2026, time.March, 31)
	// docSentAt is when the tests send invoices.
	docSentAt = time.Date(2026, time.April, 1, 9, 30, 0, 0, time.UTC)
	// docPayDate is when the tests pay.
	docPayDate = psa.NewDate(2026, time.April, 15)
)

// docCmp compares invoices and schemes: amounts by Money.Equal, currencies by ==.
var docCmp = cmp.Options{
	cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b currency.Unit) bool { return a == b }),
}

// docLineID returns the line ID number n.
func docLineID(n int) psa.InvoiceLineID {
	return psa.InvoiceLineID{UUID: uuid.MustParse(fmt.Sprintf("0195a6b0-0000-7000-8000-%012d", n))}
}

// docMoney parses an amount of USD, or of the currency given as "12.30 EUR".
func docMoney(t testing.TB, s string) psa.Money {
	t.Helper()
	amount, code, ok := strings.Cut(s, " ")
	if !ok {
		code = "USD"
	}
	m, err := psa.ParseMoney(amount, code)
	require.NoError(t, err)
	return m
}

// docNet returns net n days terms.
func docNet(t testing.TB, n int) psa.PaymentTerms {
	t.Helper()
	terms, err := psa.NetDays(n)
	require.NoError(t, err)
	return terms
}

// docScheme returns a confirmed scheme of kind numbering "INV-{YYYY}-{SEQ:4}" (or "CN-..." for
// credit notes).
func docScheme(t testing.TB, kind invoice.Kind) *invoice.Scheme {
	t.Helper()
	s := &invoice.Scheme{ID: docSchemeID, Kind: kind, Name: "Invoices", Confirmed: true}
	tpl := "INV-{YYYY}-{SEQ:4}"
	if kind == invoice.CreditNoteNumbers {
		s.ID, s.Name, tpl = docNoteSchID, "Credit notes", "CN-{YYYY}-{SEQ:4}"
	}
	var err error
	s.Template, err = invoice.ParseTemplate(tpl)
	require.NoError(t, err)
	require.NoError(t, s.Validate())
	return s
}

// docRegion is the Austin, Texas region: State 6.25% and City 2%.
func docRegion() invoice.TaxRegion {
	return invoice.TaxRegion{Code: "US-TX-AUS", Name: "Austin, Texas", Components: []invoice.TaxComponent{
		{Name: "State", Rate: decimal.RequireFromString("6.25")},
		{Name: "City", Rate: decimal.RequireFromString("2")},
	}}
}

// docDraft returns a recomputed draft of two lines in Austin: 10 x 50.00 and 2 x 125.00 less 10%.
// Subtotal 750.00, discount 25.00, net 725.00, tax 45.31 + 14.50 = 59.81, total 784.81.
func docDraft(t testing.TB) invoice.Invoice {
	t.Helper()
	march := psa.Period{Start: psa.NewDate(2026, time.March, 1), End: psa.NewDate(2026, time.April, 1)}
	inv := invoice.Invoice{
		ID: docInvoiceID, Kind: invoice.InvoiceNumbers, ClientID: docClientID, Status: invoice.StatusDraft,
		Currency: currency.USD, PONumber: "PO-7", ServicePeriod: march,
		Lines: []invoice.Line{{
			ID: docLineID(1), Description: "Managed workstations", ClientID: docClientID, Period: march,
			Quantity: decimal.NewFromInt(10), UnitPrice: docMoney(t, "50.00"), Amount: docMoney(t, "500.00"),
			TaxRegion: "US-TX-AUS", Source: invoice.Source{Kind: "contract part", ID: "part-1/2026-03"},
		}, {
			ID: docLineID(2), Description: "Onsite labour", ClientID: docClientID, Period: march,
			Quantity: decimal.NewFromInt(2), UnitPrice: docMoney(t, "125.00"), Amount: docMoney(t, "250.00"),
			Discounts: []invoice.Discount{{Percent: decimal.NewFromInt(10), Reason: "loyalty"}},
			TaxRegion: "US-TX-AUS", Source: invoice.Source{Kind: "time entry", ID: "te-1"},
		}},
		Regions: []invoice.TaxRegion{docRegion()},
	}
	require.NoError(t, inv.Recompute())
	return inv
}

// docSimple returns a draft of one untaxed line of amount (as docMoney reads it).
func docSimple(t testing.TB, amount string) invoice.Invoice {
	t.Helper()
	m := docMoney(t, amount)
	inv := invoice.Invoice{
		ID: docInvoiceID, Kind: invoice.InvoiceNumbers, ClientID: docClientID, Status: invoice.StatusDraft,
		Currency: m.Currency(),
		Lines: []invoice.Line{{
			ID: docLineID(1), Description: "Service", ClientID: docClientID,
			Quantity: decimal.NewFromInt(1), UnitPrice: m, Amount: m,
		}},
	}
	require.NoError(t, inv.Recompute())
	return inv
}

// docFinalize finalizes inv on date with net 30 terms from a fresh confirmed scheme.
func docFinalize(t testing.TB, inv *invoice.Invoice, date psa.Date) {
	t.Helper()
	require.NoError(t, inv.Finalize(docScheme(t, inv.Kind), date, docNet(t, 30)))
}

// docPayment returns a payment of amount (as docMoney reads it) on docPayDate.
func docPayment(t testing.TB, amount string) invoice.Payment {
	t.Helper()
	return invoice.Payment{
		ID:     psa.PaymentID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-0000000000b1")},
		Date:   docPayDate,
		Amount: docMoney(t, amount),
		Method: "bank transfer",
	}
}

// docPay pays amount on inv and requires it to succeed with no overpayment.
func docPay(t testing.TB, inv *invoice.Invoice, amount string) {
	t.Helper()
	over, err := inv.Pay(docPayment(t, amount))
	require.NoError(t, err)
	require.True(t, over.IsZero(), "overpayment %s", over)
}

// docInStatus returns docDraft brought to status s: finalized on docInvoiceDate (due 2026-04-30),
// sent, paid 100.00 of 784.81, paid in full, or voided.
func docInStatus(t testing.TB, s invoice.Status) invoice.Invoice {
	t.Helper()
	inv := docDraft(t)
	if s == invoice.StatusDraft {
		return inv
	}
	docFinalize(t, &inv, docInvoiceDate)
	switch s {
	case invoice.StatusFinalized:
	case invoice.StatusSent:
		require.NoError(t, inv.MarkSent(docSentAt))
	case invoice.StatusPartiallyPaid:
		require.NoError(t, inv.MarkSent(docSentAt))
		docPay(t, &inv, "100.00")
	case invoice.StatusPaid:
		require.NoError(t, inv.MarkSent(docSentAt))
		docPay(t, &inv, "784.81")
	case invoice.StatusVoid:
		require.NoError(t, inv.Void("issued twice"))
	default:
		t.Fatalf("no fixture for status %q", s)
	}
	require.Equal(t, s, inv.Status)
	return inv
}

// docCopy returns a deep copy of inv, so that a before/after comparison sees changes made in
// place.
func docCopy(inv invoice.Invoice) invoice.Invoice {
	c := inv
	c.Lines = slices.Clone(inv.Lines)
	for i := range c.Lines {
		c.Lines[i].Discounts = slices.Clone(c.Lines[i].Discounts)
	}
	c.InvoiceDiscounts = slices.Clone(inv.InvoiceDiscounts)
	c.Regions = docCopyRegions(inv.Regions)
	c.Payments = slices.Clone(inv.Payments)
	c.Totals.Lines = slices.Clone(inv.Totals.Lines)
	for i := range c.Totals.Lines {
		c.Totals.Lines[i].Components = slices.Clone(c.Totals.Lines[i].Components)
	}
	c.Totals.Regions = slices.Clone(inv.Totals.Regions)
	for i := range c.Totals.Regions {
		c.Totals.Regions[i].Components = slices.Clone(c.Totals.Regions[i].Components)
	}
	return c
}

func docCopyRegions(rs []invoice.TaxRegion) []invoice.TaxRegion {
	rs = slices.Clone(rs)
	for i := range rs {
		rs[i].Components = slices.Clone(rs[i].Components)
	}
	return rs
}

// docRequireUnchanged fails when inv differs from before.
func docRequireUnchanged(t *testing.T, before, inv invoice.Invoice) {
	t.Helper()
	if diff := cmp.Diff(before, inv, docCmp); diff != "" {
		t.Fatalf("invoice changed by a refused operation (-before +after):\n%s", diff)
	}
}

// docRequireState checks that err is a *invoice.StateError for inv refusing action in status.
func docRequireState(t *testing.T, err error, inv invoice.Invoice, status invoice.Status, action string) {
	t.Helper()
	require.ErrorIs(t, err, psa.ErrPrecondition)
	se, ok := errors.AsType[*invoice.StateError](err)
	require.True(t, ok, "error %T is not a *invoice.StateError: %v", err, err)
	want := invoice.StateError{InvoiceID: inv.ID, Number: inv.Number, Status: status, Action: action}
	require.Equal(t, want, *se)
	require.True(t, strings.HasPrefix(err.Error(), "psa: "), "message %q", err)
}

// docRequireInvalid checks that err is a *psa.ValidationError for object naming field.
func docRequireInvalid(t *testing.T, err error, object, field string) {
	t.Helper()
	require.ErrorIs(t, err, psa.ErrInvalid)
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "error %T is not a *psa.ValidationError: %v", err, err)
	require.Equal(t, object, ve.Object, "error: %v", err)
	fields := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		fields[i] = f.Field
	}
	require.Contains(t, fields, field, "error: %v", err)
}

// docRequireTotalsInvariant checks Net = Subtotal - Discount and Total = Subtotal - Discount + Tax.
func docRequireTotalsInvariant(t *testing.T, tt invoice.Totals) {
	t.Helper()
	net, err := tt.Subtotal.Sub(tt.Discount)
	require.NoError(t, err)
	require.True(t, net.Equal(tt.Net), "net %s, subtotal - discount %s", tt.Net, net)
	total, err := net.Add(tt.Tax)
	require.NoError(t, err)
	require.True(t, total.Equal(tt.Total), "total %s, subtotal - discount + tax %s", tt.Total, total)
}

// docComputeTotals computes inv's totals afresh from its lines.
func docComputeTotals(t *testing.T, inv invoice.Invoice) invoice.Totals {
	t.Helper()
	in := make([]invoice.LineInput, len(inv.Lines))
	for i, l := range inv.Lines {
		in[i] = invoice.LineInput{Gross: l.Amount, Discounts: l.Discounts, TaxRegion: l.TaxRegion}
	}
	tt, err := invoice.ComputeTotals(inv.Currency, in, inv.InvoiceDiscounts, inv.Regions, inv.Tax)
	require.NoError(t, err)
	return tt
}

// docRequireMoney checks that got equals want (as docMoney reads it).
func docRequireMoney(t *testing.T, want string, got psa.Money, what string) {
	t.Helper()
	w := docMoney(t, want)
	require.True(t, w.Equal(got), "%s: got %s, want %s", what, got, w)
}

// TestDocumentLifecycle walks one invoice through its whole life: draft -> finalized -> sent ->
// partially paid -> paid.
func TestDocumentLifecycle(t *testing.T) {
	inv := docDraft(t)
	require.Equal(t, invoice.StatusDraft, inv.Status)
	require.Empty(t, inv.Number, "a draft carries no number")
	docRequireMoney(t, "0.00", inv.AmountDue(), "a draft's amount due")

	scheme := docScheme(t, invoice.InvoiceNumbers)
	require.NoError(t, scheme.SetNext(41))
	require.NoError(t, inv.Finalize(scheme, docInvoiceDate, docNet(t, 30)))
	require.Equal(t, invoice.StatusFinalized, inv.Status)
	require.Equal(t, "INV-2026-0041", inv.Number)
	require.Equal(t, int64(41), scheme.Last)
	require.Equal(t, docSchemeID, inv.SchemeID)
	require.Equal(t, docInvoiceDate, inv.Date)
	require.Equal(t, psa.NewDate(2026, time.April, 30), inv.DueDate)
	docRequireMoney(t, "750.00", inv.Totals.Subtotal, "subtotal")
	docRequireMoney(t, "25.00", inv.Totals.Discount, "discount")
	docRequireMoney(t, "725.00", inv.Totals.Net, "net")
	docRequireMoney(t, "59.81", inv.Totals.Tax, "tax")
	docRequireMoney(t, "784.81", inv.Totals.Total, "total")
	docRequireTotalsInvariant(t, inv.Totals)
	docRequireMoney(t, "784.81", inv.AmountDue(), "amount due after finalization")
	fixed := docCopy(inv).Totals

	require.NoError(t, inv.MarkSent(docSentAt))
	require.Equal(t, invoice.StatusSent, inv.Status)
	require.Equal(t, docSentAt, inv.SentOn)
	later := docSentAt.Add(48 * time.Hour)
	require.NoError(t, inv.MarkSent(later), "sending again")
	require.Equal(t, invoice.StatusSent, inv.Status)
	require.Equal(t, docSentAt, inv.SentOn, "SentOn is the first sending")

	docPay(t, &inv, "300.00")
	require.Equal(t, invoice.StatusPartiallyPaid, inv.Status)
	docRequireMoney(t, "300.00", inv.Paid(), "paid")
	docRequireMoney(t, "484.81", inv.AmountDue(), "amount due")
	require.NoError(t, inv.MarkSent(later), "sending a reminder")
	require.Equal(t, invoice.StatusPartiallyPaid, inv.Status)
	require.Equal(t, docSentAt, inv.SentOn)

	docPay(t, &inv, "484.81")
	require.Equal(t, invoice.StatusPaid, inv.Status)
	docRequireMoney(t, "784.81", inv.Paid(), "paid")
	docRequireMoney(t, "0.00", inv.AmountDue(), "amount due")
	require.Len(t, inv.Payments, 2)
	require.Equal(t, "INV-2026-0041", inv.Number)
	if diff := cmp.Diff(fixed, inv.Totals, docCmp); diff != "" {
		t.Errorf("totals changed after finalization (-fixed +now):\n%s", diff)
	}
}

// TestDocumentOperationsByStatus runs every operation on an invoice in every status: allowed ones
// move it to the expected status, refused ones give a *invoice.StateError (psa.ErrPrecondition)
// and leave it unchanged.
func TestDocumentOperationsByStatus(t *testing.T) {
	statuses := []invoice.Status{
		invoice.StatusDraft, invoice.StatusFinalized, invoice.StatusSent,
		invoice.StatusPartiallyPaid, invoice.StatusPaid, invoice.StatusVoid,
	}
	// open is every status in which the invoice is finalized and not settled or voided.
	open := func(to invoice.Status) map[invoice.Status]invoice.Status {
		return map[invoice.Status]invoice.Status{
			invoice.StatusFinalized: to, invoice.StatusSent: to, invoice.StatusPartiallyPaid: invoice.StatusPartiallyPaid,
		}
	}
	ops := []struct {
		name   string
		action string // StateError.Action when refused
		// allowed maps every status the operation is allowed in to the status it leads to.
		allowed map[invoice.Status]invoice.Status
		run     func(t *testing.T, inv *invoice.Invoice, scheme *invoice.Scheme) error
	}{{
		name: "Edit", action: "edit",
		allowed: map[invoice.Status]invoice.Status{invoice.StatusDraft: invoice.StatusDraft},
		run: func(t *testing.T, inv *invoice.Invoice, _ *invoice.Scheme) error {
			return inv.Edit(func(d *invoice.Invoice) error { d.Notes = "edited"; return nil })
		},
	}, {
		name: "Recompute", action: "edit",
		allowed: map[invoice.Status]invoice.Status{invoice.StatusDraft: invoice.StatusDraft},
		run: func(t *testing.T, inv *invoice.Invoice, _ *invoice.Scheme) error {
			return inv.Recompute()
		},
	}, {
		name: "Finalize", action: "finalize",
		allowed: map[invoice.Status]invoice.Status{invoice.StatusDraft: invoice.StatusFinalized},
		run: func(t *testing.T, inv *invoice.Invoice, scheme *invoice.Scheme) error {
			return inv.Finalize(scheme, psa.NewDate(2026, time.May, 4), docNet(t, 14))
		},
	}, {
		name: "MarkSent", action: "send",
		allowed: map[invoice.Status]invoice.Status{
			invoice.StatusFinalized: invoice.StatusSent, invoice.StatusSent: invoice.StatusSent,
			invoice.StatusPartiallyPaid: invoice.StatusPartiallyPaid, invoice.StatusPaid: invoice.StatusPaid,
		},
		run: func(t *testing.T, inv *invoice.Invoice, _ *invoice.Scheme) error {
			return inv.MarkSent(docSentAt.Add(time.Hour))
		},
	}, {
		name: "Pay", action: "pay", allowed: open(invoice.StatusPartiallyPaid),
		run: func(t *testing.T, inv *invoice.Invoice, _ *invoice.Scheme) error {
			_, err := inv.Pay(docPayment(t, "10.00"))
			return err
		},
	}, {
		name: "ApplyCredit", action: "apply credit to", allowed: open(invoice.StatusPartiallyPaid),
		run: func(t *testing.T, inv *invoice.Invoice, _ *invoice.Scheme) error {
			_, err := inv.ApplyCredit(docMoney(t, "10.00"))
			return err
		},
	}, {
		name: "Void", action: "void",
		allowed: map[invoice.Status]invoice.Status{invoice.StatusFinalized: invoice.StatusVoid, invoice.StatusSent: invoice.StatusVoid},
		run: func(t *testing.T, inv *invoice.Invoice, _ *invoice.Scheme) error {
			return inv.Void("wrong client")
		},
	}, {
		name: "CreditNote", action: "credit",
		allowed: map[invoice.Status]invoice.Status{
			invoice.StatusFinalized: invoice.StatusFinalized, invoice.StatusSent: invoice.StatusSent,
			invoice.StatusPartiallyPaid: invoice.StatusPartiallyPaid, invoice.StatusPaid: invoice.StatusPaid,
		},
		run: func(t *testing.T, inv *invoice.Invoice, _ *invoice.Scheme) error {
			_, err := invoice.CreditNote(*inv, nil, psa.ZeroMoney(inv.Currency))
			return err
		},
	}}
	for _, op := range ops {
		for _, status := range statuses {
			t.Run(op.name+"/"+strings.ReplaceAll(string(status), " ", "_"), func(t *testing.T) {
				inv := docInStatus(t, status)
				before := docCopy(inv)
				scheme := docScheme(t, invoice.InvoiceNumbers)
				schemeBefore := *scheme
				err := op.run(t, &inv, scheme)
				to, ok := op.allowed[status]
				if !ok {
					docRequireState(t, err, before, status, op.action)
					docRequireUnchanged(t, before, inv)
					if diff := cmp.Diff(schemeBefore, *scheme, docCmp); diff != "" {
						t.Fatalf("scheme changed by a refused operation (-before +after):\n%s", diff)
					}
					return
				}
				require.NoError(t, err)
				require.Equal(t, to, inv.Status)
				if status != invoice.StatusDraft {
					require.Equal(t, before.Number, inv.Number, "the number never changes")
					if diff := cmp.Diff(before.Totals, inv.Totals, docCmp); diff != "" {
						t.Fatalf("totals of a finalized invoice changed (-before +after):\n%s", diff)
					}
				}
			})
		}
	}
}

// TestDocumentEdit checks that a draft's edits apply and recompute, and that an edit that fails
// or breaks a rule leaves the draft as it was.
func TestDocumentEdit(t *testing.T) {
	errChange := errors.New("change refused by the caller")
	tests := []struct {
		name   string
		change func(t *testing.T, d *invoice.Invoice) error
		// check, for an edit that applies, checks the edited draft.
		check func(t *testing.T, inv invoice.Invoice)
		// wantErr, for an edit that is refused, checks the error.
		wantErr func(t *testing.T, err error)
	}{{
		name: "adds a line and recomputes",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.Lines = append(d.Lines, invoice.Line{
				ID: docLineID(3), Description: "Firewall", Quantity: decimal.NewFromInt(1),
				UnitPrice: docMoney(t, "100.00"), Amount: docMoney(t, "100.00"), TaxRegion: "US-TX-AUS",
			})
			return nil
		},
		check: func(t *testing.T, inv invoice.Invoice) {
			require.Len(t, inv.Lines, 3)
			docRequireMoney(t, "850.00", inv.Totals.Subtotal, "subtotal")
			docRequireMoney(t, "825.00", inv.Totals.Net, "net")
			// 825.00 x 6.25% = 51.5625 -> 51.56; x 2% = 16.50.
			docRequireMoney(t, "68.06", inv.Totals.Tax, "tax")
			docRequireMoney(t, "893.06", inv.Totals.Total, "total")
		},
	}, {
		name: "an invoice discount and a new rate",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.InvoiceDiscounts = []invoice.Discount{{Amount: docMoney(t, "25.00"), Reason: "goodwill"}}
			d.Regions[0].Components[1].Rate = decimal.RequireFromString("1")
			return nil
		},
		check: func(t *testing.T, inv invoice.Invoice) {
			docRequireMoney(t, "50.00", inv.Totals.Discount, "discount")
			docRequireMoney(t, "700.00", inv.Totals.Net, "net")
			docRequireMoney(t, "50.75", inv.Totals.Tax, "tax") // 43.75 + 7.00
			docRequireMoney(t, "750.75", inv.Totals.Total, "total")
		},
	}, {
		name: "status, identity and number stay a draft's",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.Status, d.Number = invoice.StatusPaid, "INV-FAKE"
			d.ID = psa.InvoiceID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-0000000000ff")}
			d.Notes = "thanks"
			return nil
		},
		check: func(t *testing.T, inv invoice.Invoice) {
			require.Equal(t, invoice.StatusDraft, inv.Status)
			require.Empty(t, inv.Number)
			require.Equal(t, docInvoiceID, inv.ID)
			require.Equal(t, "thanks", inv.Notes)
		},
	}, {
		name: "the change returns an error",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.Lines = d.Lines[:1]
			d.Lines[0].Amount = docMoney(t, "1.00")
			d.Lines[0].Discounts = append(d.Lines[0].Discounts, invoice.Discount{Percent: decimal.NewFromInt(5)})
			d.Notes = "half done"
			return errChange
		},
		wantErr: func(t *testing.T, err error) { require.ErrorIs(t, err, errChange) },
	}, {
		name: "a discount larger than its line",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.Lines[1].Discounts = append(d.Lines[1].Discounts, invoice.Discount{Amount: docMoney(t, "240.00")})
			return nil
		},
		wantErr: func(t *testing.T, err error) { docRequireInvalid(t, err, "invoice", "lines[1].discounts") },
	}, {
		name: "an unknown tax region",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.Lines[0].TaxRegion = "US-CA-SF"
			return nil
		},
		wantErr: func(t *testing.T, err error) { docRequireInvalid(t, err, "invoice", "lines[0].taxRegion") },
	}, {
		name: "an invoice discount larger than the net",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.InvoiceDiscounts = []invoice.Discount{{Amount: docMoney(t, "725.01")}}
			return nil
		},
		wantErr: func(t *testing.T, err error) { docRequireInvalid(t, err, "invoice", "discounts") },
	}, {
		name: "a line in another currency",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.Lines[0].Amount = docMoney(t, "500.00 EUR")
			return nil
		},
		wantErr: func(t *testing.T, err error) { docRequireInvalid(t, err, "invoice", "lines[0].gross") },
	}, {
		// A natural edit changes a rate in place; the clone Edit works on must not share the
		// regions' components with the draft, or a refused edit changes it anyway.
		name: "a tax rate over 100% set in place",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.Regions[0].Components[0].Rate = decimal.RequireFromString("150")
			return nil
		},
		wantErr: func(t *testing.T, err error) { require.ErrorIs(t, err, psa.ErrInvalid) },
	}, {
		name: "a line discount changed in place",
		change: func(t *testing.T, d *invoice.Invoice) error {
			d.Lines[1].Discounts[0].Percent = decimal.NewFromInt(101)
			return nil
		},
		wantErr: func(t *testing.T, err error) { require.ErrorIs(t, err, psa.ErrInvalid) },
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := docDraft(t)
			before := docCopy(inv)
			err := inv.Edit(func(d *invoice.Invoice) error { return tc.change(t, d) })
			if tc.wantErr != nil {
				require.Error(t, err)
				tc.wantErr(t, err)
				docRequireUnchanged(t, before, inv)
				return
			}
			require.NoError(t, err)
			tc.check(t, inv)
			if diff := cmp.Diff(docComputeTotals(t, inv), inv.Totals, docCmp); diff != "" {
				t.Fatalf("totals are not those of the edited lines (-want +got):\n%s", diff)
			}
			docRequireTotalsInvariant(t, inv.Totals)
		})
	}
}

// TestDocumentEditFinalized checks that a finalized invoice is immutable: Edit and Recompute are
// refused without calling the change.
func TestDocumentEditFinalized(t *testing.T) {
	inv := docInStatus(t, invoice.StatusFinalized)
	before := docCopy(inv)
	called := false
	err := inv.Edit(func(d *invoice.Invoice) error { called = true; d.Notes = "x"; return nil })
	docRequireState(t, err, before, invoice.StatusFinalized, "edit")
	require.False(t, called, "the change was called on a finalized invoice")
	docRequireUnchanged(t, before, inv)

	// Recompute on a finalized invoice whose lines were changed behind its back keeps the
	// fixed totals.
	inv.Lines[0].Amount = docMoney(t, "1.00")
	err = inv.Recompute()
	docRequireState(t, err, before, invoice.StatusFinalized, "edit")
	if diff := cmp.Diff(before.Totals, inv.Totals, docCmp); diff != "" {
		t.Fatalf("Recompute changed a finalized invoice's totals (-before +after):\n%s", diff)
	}
}

// TestDocumentFinalizeRefused checks the finalizations that are refused: none burns a number or
// changes the draft.
func TestDocumentFinalizeRefused(t *testing.T) {
	tests := []struct {
		name    string
		draft   func(t *testing.T) invoice.Invoice
		scheme  func(t *testing.T) *invoice.Scheme
		noDate  bool // finalize without an invoice date
		noTerms bool // finalize without payment terms
		wantErr func(t *testing.T, err error)
		// recompute: the refusal comes from totalling the lines, which only Finalize does
		recompute bool
	}{{
		name: "unconfirmed scheme",
		scheme: func(t *testing.T) *invoice.Scheme {
			s := docScheme(t, invoice.InvoiceNumbers)
			s.Confirmed = false
			require.NoError(t, s.SetNext(100))
			return s
		},
		wantErr: func(t *testing.T, err error) {
			require.ErrorIs(t, err, psa.ErrPrecondition)
			ue, ok := errors.AsType[*invoice.UnconfirmedError](err)
			require.True(t, ok, "error %T is not a *invoice.UnconfirmedError: %v", err, err)
			require.Equal(t, invoice.UnconfirmedError{SchemeID: docSchemeID, Name: "Invoices", Preview: "INV-2026-0100"}, *ue)
		},
	}, {
		name:   "a credit-note scheme for an invoice",
		scheme: func(t *testing.T) *invoice.Scheme { return docScheme(t, invoice.CreditNoteNumbers) },
		wantErr: func(t *testing.T, err error) {
			docRequireInvalid(t, err, "invoice", "schemeId")
		},
	}, {
		name: "an invoice scheme for a credit note",
		draft: func(t *testing.T) invoice.Invoice {
			note, err := invoice.CreditNote(docInStatus(t, invoice.StatusSent), nil, psa.ZeroMoney(currency.USD))
			require.NoError(t, err)
			return note
		},
		wantErr: func(t *testing.T, err error) {
			docRequireInvalid(t, err, "invoice", "schemeId")
		},
	}, {
		name:    "missing terms",
		noTerms: true,
		wantErr: func(t *testing.T, err error) { docRequireInvalid(t, err, "invoice", "paymentTerms") },
	}, {
		name:    "missing date",
		noDate:  true,
		wantErr: func(t *testing.T, err error) { docRequireInvalid(t, err, "invoice", "date") },
	}, {
		name: "an invalid scheme",
		scheme: func(t *testing.T) *invoice.Scheme {
			s := docScheme(t, invoice.InvoiceNumbers)
			s.Template = invoice.Template{}
			return s
		},
		wantErr: func(t *testing.T, err error) { docRequireInvalid(t, err, "numbering scheme", "template") },
	}, {
		name: "lines that break a rule",
		draft: func(t *testing.T) invoice.Invoice {
			inv := docDraft(t)
			inv.Lines[0].Discounts = []invoice.Discount{{Amount: docMoney(t, "500.01")}}
			return inv
		},
		wantErr:   func(t *testing.T, err error) { docRequireInvalid(t, err, "invoice", "lines[0].discounts") },
		recompute: true,
	}}
	finalizers := map[string]func(inv *invoice.Invoice, s *invoice.Scheme, d psa.Date, terms psa.PaymentTerms) error{
		"Finalize": (*invoice.Invoice).Finalize, "FinalizeComputed": (*invoice.Invoice).FinalizeComputed}
	for _, tc := range tests {
		for name, finalize := range finalizers {
			if tc.recompute && name == "FinalizeComputed" {
				continue // it does not compute the lines again (TestDocumentFinalizeComputed)
			}
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				inv := docDraft(t)
				if tc.draft != nil {
					inv = tc.draft(t)
				}
				scheme := docScheme(t, invoice.InvoiceNumbers)
				if tc.scheme != nil {
					scheme = tc.scheme(t)
				}
				date, terms := docInvoiceDate, docNet(t, 30)
				if tc.noDate {
					date = psa.Date{}
				}
				if tc.noTerms {
					terms = psa.PaymentTerms{}
				}
				before, schemeBefore := docCopy(inv), *scheme
				err := finalize(&inv, scheme, date, terms)
				require.Error(t, err)
				tc.wantErr(t, err)
				require.Equal(t, invoice.StatusDraft, inv.Status)
				require.Empty(t, inv.Number)
				if diff := cmp.Diff(schemeBefore, *scheme, docCmp); diff != "" {
					t.Fatalf("a refused finalization changed the scheme (-before +after):\n%s", diff)
				}
				docRequireUnchanged(t, before, inv)
			})
		}
	}
}

// TestDocumentFinalizeComputed: on a draft that Recompute totalled, FinalizeComputed gives what
// Finalize gives; it does not total the lines again, so a draft changed since keeps the totals it
// had (which Finalize would fix, or refuse).
func TestDocumentFinalizeComputed(t *testing.T) {
	want, got := docDraft(t), docDraft(t)
	require.NoError(t, want.Finalize(docScheme(t, invoice.InvoiceNumbers), docInvoiceDate, docNet(t, 30)))
	require.NoError(t, got.FinalizeComputed(docScheme(t, invoice.InvoiceNumbers), docInvoiceDate, docNet(t, 30)))
	if diff := cmp.Diff(want, got, docCmp); diff != "" {
		t.Fatalf("FinalizeComputed differs from Finalize (-Finalize +FinalizeComputed):\n%s", diff)
	}

	stale := docDraft(t)
	totals := docCopy(stale).Totals
	stale.Lines = stale.Lines[:1]
	require.NoError(t, stale.FinalizeComputed(docScheme(t, invoice.InvoiceNumbers), docInvoiceDate, docNet(t, 30)))
	if diff := cmp.Diff(totals, stale.Totals, docCmp); diff != "" {
		t.Fatalf("FinalizeComputed changed the totals (-before +after):\n%s", diff)
	}
	fresh := docDraft(t)
	fresh.Lines = fresh.Lines[:1]
	require.NoError(t, fresh.Finalize(docScheme(t, invoice.InvoiceNumbers), docInvoiceDate, docNet(t, 30)))
	require.Equal(t, "500.00 USD", fresh.Totals.Subtotal.String(), "Finalize totals the lines it finalizes")
}

// TestDocumentFinalize checks what finalization sets: the number, the dates from the terms, and
// totals that are those of the lines and hold Total = Subtotal - Discount + Tax.
func TestDocumentFinalize(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(t *testing.T, d *invoice.Invoice)
		date      psa.Date
		terms     int
		wantDue   psa.Date
		wantTotal string
	}{{
		name: "net 30", date: docInvoiceDate, terms: 30,
		wantDue: psa.NewDate(2026, time.April, 30), wantTotal: "784.81",
	}, {
		name: "due on receipt", date: docInvoiceDate, terms: 0,
		wantDue: docInvoiceDate, wantTotal: "784.81",
	}, {
		name: "net 14 across a year end", date: psa.NewDate(2026, time.December, 25), terms: 14,
		wantDue: psa.NewDate(2027, time.January, 8), wantTotal: "784.81",
	}, {
		name: "net 30 from January 31 counts days, not months", date: psa.NewDate(2028, time.January, 31), terms: 30,
		wantDue: psa.NewDate(2028, time.March, 1), wantTotal: "784.81",
	}, {
		name: "invoice discount",
		edit: func(t *testing.T, d *invoice.Invoice) {
			d.InvoiceDiscounts = []invoice.Discount{{Percent: decimal.RequireFromString("12.5")}}
		},
		// net 725.00 - 90.63 = 634.37; tax 39.65 + 12.69 = 52.34
		date: docInvoiceDate, terms: 30, wantDue: psa.NewDate(2026, time.April, 30), wantTotal: "686.71",
	}, {
		name: "tax exempt",
		edit: func(t *testing.T, d *invoice.Invoice) {
			d.Tax = invoice.TaxOptions{Treatment: invoice.Exempt, Reason: "certificate EX-1"}
		},
		date: docInvoiceDate, terms: 30, wantDue: psa.NewDate(2026, time.April, 30), wantTotal: "725.00",
	}, {
		name: "per-line rounding, half even",
		edit: func(t *testing.T, d *invoice.Invoice) {
			d.Tax = invoice.TaxOptions{PerLine: true, Rounding: psa.RoundHalfEven}
			d.Lines[0].Amount = docMoney(t, "10.10")
			d.Lines[1].Amount, d.Lines[1].Discounts = docMoney(t, "10.10"), nil
		},
		// each line: 0.63125 -> 0.63 and 0.202 -> 0.20
		date: docInvoiceDate, terms: 30, wantDue: psa.NewDate(2026, time.April, 30), wantTotal: "21.86",
	}, {
		name: "a stale total is recomputed",
		edit: func(t *testing.T, d *invoice.Invoice) {
			d.Lines[0].Amount = docMoney(t, "400.00") // without Recompute
		},
		// net 625.00; tax 39.06 + 12.50
		date: docInvoiceDate, terms: 30, wantDue: psa.NewDate(2026, time.April, 30), wantTotal: "676.56",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := docDraft(t)
			if tc.edit != nil {
				tc.edit(t, &inv)
			}
			scheme := docScheme(t, invoice.InvoiceNumbers)
			require.NoError(t, inv.Finalize(scheme, tc.date, docNet(t, tc.terms)))
			require.Equal(t, invoice.StatusFinalized, inv.Status)
			require.Equal(t, fmt.Sprintf("INV-%d-0001", tc.date.Year()), inv.Number)
			require.Equal(t, docSchemeID, inv.SchemeID)
			require.Equal(t, tc.date, inv.Date)
			require.Equal(t, tc.wantDue, inv.DueDate)
			require.Equal(t, int64(1), scheme.Last)
			docRequireMoney(t, tc.wantTotal, inv.Totals.Total, "total")
			docRequireTotalsInvariant(t, inv.Totals)
			if diff := cmp.Diff(docComputeTotals(t, inv), inv.Totals, docCmp); diff != "" {
				t.Fatalf("totals are not those of the lines (-want +got):\n%s", diff)
			}
			docRequireMoney(t, tc.wantTotal, inv.AmountDue(), "amount due")
		})
	}
}

// TestDocumentFinalizeGapless finalizes several drafts from one scheme: numbers follow each
// other without a gap, and a refused finalization in between burns none.
func TestDocumentFinalizeGapless(t *testing.T) {
	scheme := docScheme(t, invoice.InvoiceNumbers)
	terms := docNet(t, 30)
	var numbers []string
	for i := range 5 {
		inv := docSimple(t, fmt.Sprintf("%d.00", 10*(i+1)))
		date := docInvoiceDate.AddDays(i)
		if i == 2 {
			// Refused: lines breaking a rule, then an unconfirmed scheme.
			broken := docCopy(inv)
			broken.Lines[0].Discounts = []invoice.Discount{{Amount: docMoney(t, "1000.00")}}
			require.ErrorIs(t, broken.Finalize(scheme, date, terms), psa.ErrInvalid)
			scheme.Confirmed = false
			require.ErrorIs(t, inv.Finalize(scheme, date, terms), psa.ErrPrecondition)
			scheme.Confirm()
		}
		require.NoError(t, inv.Finalize(scheme, date, terms))
		numbers = append(numbers, inv.Number)
	}
	want := []string{"INV-2026-0001", "INV-2026-0002", "INV-2026-0003", "INV-2026-0004", "INV-2026-0005"}
	require.Equal(t, want, numbers)
	require.Equal(t, int64(5), scheme.Last)

	// Credit notes have their own series.
	notes := docScheme(t, invoice.CreditNoteNumbers)
	for i := range 2 {
		orig := docSimple(t, "50.00")
		docFinalize(t, &orig, docInvoiceDate)
		note, err := invoice.CreditNote(orig, nil, psa.ZeroMoney(currency.USD))
		require.NoError(t, err)
		require.NoError(t, note.Finalize(notes, docInvoiceDate.AddDays(1), terms))
		require.Equal(t, fmt.Sprintf("CN-2026-%04d", i+1), note.Number)
		require.Equal(t, docNoteSchID, note.SchemeID)
	}
	require.Equal(t, int64(5), scheme.Last, "credit notes draw no invoice number")
}

// TestDocumentMarkSent checks that SentOn is the first sending and that sending never changes a
// settled status.
func TestDocumentMarkSent(t *testing.T) {
	first, second := docSentAt, docSentAt.Add(72*time.Hour)
	tests := []struct {
		name       string
		status     invoice.Status
		wantStatus invoice.Status
	}{
		{"finalized", invoice.StatusFinalized, invoice.StatusSent},
		{"sent", invoice.StatusSent, invoice.StatusSent},
		{"partially paid", invoice.StatusPartiallyPaid, invoice.StatusPartiallyPaid},
		{"paid", invoice.StatusPaid, invoice.StatusPaid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := docInStatus(t, tc.status)
			inv.SentOn = time.Time{} // as if it had not been sent
			require.NoError(t, inv.MarkSent(first))
			require.Equal(t, tc.wantStatus, inv.Status)
			require.Equal(t, first, inv.SentOn)
			require.NoError(t, inv.MarkSent(second))
			require.Equal(t, tc.wantStatus, inv.Status)
			require.Equal(t, first, inv.SentOn, "a second sending keeps SentOn")
		})
	}
}

// TestDocumentPay checks payments: what is refused, how the status follows the amount due, and
// that an overpayment is returned.
func TestDocumentPay(t *testing.T) {
	tests := []struct {
		name    string
		status  invoice.Status // of docInStatus: 784.81 due, or 684.81 when partially paid
		payment func(t *testing.T) invoice.Payment
		// wantField, for a refused payment, is the field of the *psa.ValidationError.
		wantField  string
		wantStatus invoice.Status
		wantOver   string
		wantDue    string
		wantPaid   string
	}{{
		name: "another currency", status: invoice.StatusSent,
		payment:   func(t *testing.T) invoice.Payment { return docPayment(t, "100.00 EUR") },
		wantField: "amount",
	}, {
		name: "no currency", status: invoice.StatusSent,
		payment: func(t *testing.T) invoice.Payment {
			p := docPayment(t, "1.00")
			p.Amount = psa.Money{}
			return p
		},
		wantField: "amount",
	}, {
		name: "zero", status: invoice.StatusSent,
		payment:   func(t *testing.T) invoice.Payment { return docPayment(t, "0.00") },
		wantField: "amount",
	}, {
		name: "negative", status: invoice.StatusPartiallyPaid,
		payment:   func(t *testing.T) invoice.Payment { return docPayment(t, "-50.00") },
		wantField: "amount",
	}, {
		name: "fractions of a cent", status: invoice.StatusSent,
		payment:   func(t *testing.T) invoice.Payment { return docPayment(t, "10.005") },
		wantField: "amount",
	}, {
		name: "no date", status: invoice.StatusSent,
		payment: func(t *testing.T) invoice.Payment {
			p := docPayment(t, "10.00")
			p.Date = psa.Date{}
			return p
		},
		wantField: "date",
	}, {
		name: "partial on a finalized invoice", status: invoice.StatusFinalized,
		payment:    func(t *testing.T) invoice.Payment { return docPayment(t, "0.01") },
		wantStatus: invoice.StatusPartiallyPaid, wantOver: "0.00", wantDue: "784.80", wantPaid: "0.01",
	}, {
		name: "partial", status: invoice.StatusSent,
		payment:    func(t *testing.T) invoice.Payment { return docPayment(t, "784.80") },
		wantStatus: invoice.StatusPartiallyPaid, wantOver: "0.00", wantDue: "0.01", wantPaid: "784.80",
	}, {
		name: "exact", status: invoice.StatusSent,
		payment:    func(t *testing.T) invoice.Payment { return docPayment(t, "784.81") },
		wantStatus: invoice.StatusPaid, wantOver: "0.00", wantDue: "0.00", wantPaid: "784.81",
	}, {
		name: "the rest", status: invoice.StatusPartiallyPaid,
		payment:    func(t *testing.T) invoice.Payment { return docPayment(t, "684.81") },
		wantStatus: invoice.StatusPaid, wantOver: "0.00", wantDue: "0.00", wantPaid: "784.81",
	}, {
		name: "overpayment", status: invoice.StatusSent,
		payment:    func(t *testing.T) invoice.Payment { return docPayment(t, "800.00") },
		wantStatus: invoice.StatusPaid, wantOver: "15.19", wantDue: "0.00", wantPaid: "784.81",
	}, {
		name: "overpaying the rest", status: invoice.StatusPartiallyPaid,
		payment:    func(t *testing.T) invoice.Payment { return docPayment(t, "700.00") },
		wantStatus: invoice.StatusPaid, wantOver: "15.19", wantDue: "0.00", wantPaid: "784.81",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := docInStatus(t, tc.status)
			before := docCopy(inv)
			over, err := inv.Pay(tc.payment(t))
			if tc.wantField != "" {
				docRequireInvalid(t, err, "payment", tc.wantField)
				docRequireMoney(t, "0.00", over, "overpayment of a refused payment")
				docRequireUnchanged(t, before, inv)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.wantStatus, inv.Status)
			docRequireMoney(t, tc.wantOver, over, "overpayment")
			docRequireMoney(t, tc.wantDue, inv.AmountDue(), "amount due")
			docRequireMoney(t, tc.wantPaid, inv.Paid(), "paid")
			require.Len(t, inv.Payments, len(before.Payments)+1)
			last := inv.Payments[len(inv.Payments)-1]
			require.Equal(t, "bank transfer", last.Method)
			require.Equal(t, docPayDate, last.Date)
		})
	}
}

// TestDocumentPayCreditNote checks that a credit note is not paid: it is a credit, not a debt.
func TestDocumentPayCreditNote(t *testing.T) {
	note, err := invoice.CreditNote(docInStatus(t, invoice.StatusSent), nil, psa.ZeroMoney(currency.USD))
	require.NoError(t, err)
	require.NoError(t, note.Finalize(docScheme(t, invoice.CreditNoteNumbers), docInvoiceDate, docNet(t, 0)))
	before := docCopy(note)
	_, err = note.Pay(docPayment(t, "10.00"))
	docRequireState(t, err, before, invoice.StatusFinalized, "pay")
	_, err = note.ApplyCredit(docMoney(t, "10.00"))
	docRequireState(t, err, before, invoice.StatusFinalized, "apply credit to")
	docRequireUnchanged(t, before, note)
}

// TestDocumentApplyCredit checks that a credit balance settles at most the amount due and that
// ApplyCredit returns what it used.
func TestDocumentApplyCredit(t *testing.T) {
	tests := []struct {
		name       string
		status     invoice.Status
		credit     string
		wantField  string // for refused credit
		wantUsed   string
		wantStatus invoice.Status
		wantDue    string
	}{
		{name: "less than due", status: invoice.StatusSent, credit: "84.81",
			wantUsed: "84.81", wantStatus: invoice.StatusPartiallyPaid, wantDue: "700.00"},
		{name: "exactly due", status: invoice.StatusFinalized, credit: "784.81",
			wantUsed: "784.81", wantStatus: invoice.StatusPaid, wantDue: "0.00"},
		{name: "more than due", status: invoice.StatusSent, credit: "1000.00",
			wantUsed: "784.81", wantStatus: invoice.StatusPaid, wantDue: "0.00"},
		{name: "more than the rest after a payment", status: invoice.StatusPartiallyPaid, credit: "1000.00",
			wantUsed: "684.81", wantStatus: invoice.StatusPaid, wantDue: "0.00"},
		{name: "zero", status: invoice.StatusSent, credit: "0.00",
			wantUsed: "0.00", wantStatus: invoice.StatusSent, wantDue: "784.81"},
		{name: "another currency", status: invoice.StatusSent, credit: "10.00 EUR", wantField: "amount"},
		{name: "negative", status: invoice.StatusSent, credit: "-10.00", wantField: "amount"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := docInStatus(t, tc.status)
			before := docCopy(inv)
			used, err := inv.ApplyCredit(docMoney(t, tc.credit))
			if tc.wantField != "" {
				docRequireInvalid(t, err, "credit", tc.wantField)
				docRequireMoney(t, "0.00", used, "credit used")
				docRequireUnchanged(t, before, inv)
				return
			}
			require.NoError(t, err)
			docRequireMoney(t, tc.wantUsed, used, "credit used")
			docRequireMoney(t, tc.wantUsed, inv.CreditApplied, "credit applied")
			require.Equal(t, tc.wantStatus, inv.Status)
			docRequireMoney(t, tc.wantDue, inv.AmountDue(), "amount due")
			require.Len(t, inv.Payments, len(before.Payments), "credit is not a payment")
		})
	}

	t.Run("credit twice, then a payment", func(t *testing.T) {
		inv := docInStatus(t, invoice.StatusSent)
		for _, c := range []string{"100.00", "200.00"} {
			_, err := inv.ApplyCredit(docMoney(t, c))
			require.NoError(t, err)
		}
		docRequireMoney(t, "300.00", inv.CreditApplied, "credit applied")
		docRequireMoney(t, "484.81", inv.AmountDue(), "amount due")
		over, err := inv.Pay(docPayment(t, "500.00"))
		require.NoError(t, err)
		docRequireMoney(t, "15.19", over, "overpayment")
		require.Equal(t, invoice.StatusPaid, inv.Status)
	})
}

// TestDocumentOverdue checks that overdue is derived: the day after the due date, while an amount
// is due, for open invoices only.
func TestDocumentOverdue(t *testing.T) {
	due := psa.NewDate(2026, time.April, 30) // docInStatus: finalized 2026-03-31, net 30
	tests := []struct {
		name   string
		inv    func(t *testing.T) invoice.Invoice
		today  psa.Date
		wanted bool
	}{
		{"sent, before the due date", docAt(invoice.StatusSent), due.AddDays(-1), false},
		{"sent, on the due date", docAt(invoice.StatusSent), due, false},
		{"sent, the day after", docAt(invoice.StatusSent), due.AddDays(1), true},
		{"finalized, a year after", docAt(invoice.StatusFinalized), due.AddDays(365), true},
		{"partially paid, the day after", docAt(invoice.StatusPartiallyPaid), due.AddDays(1), true},
		{"paid, the day after", docAt(invoice.StatusPaid), due.AddDays(1), false},
		{"draft, long after", docAt(invoice.StatusDraft), due.AddDays(100), false},
		{"void, the day after", docAt(invoice.StatusVoid), due.AddDays(1), false},
		{"settled by credit, the day after", func(t *testing.T) invoice.Invoice {
			inv := docInStatus(t, invoice.StatusSent)
			_, err := inv.ApplyCredit(docMoney(t, "784.81"))
			require.NoError(t, err)
			return inv
		}, due.AddDays(1), false},
		{"due on receipt, the next day", func(t *testing.T) invoice.Invoice {
			inv := docDraft(t)
			require.NoError(t, inv.Finalize(docScheme(t, invoice.InvoiceNumbers), docInvoiceDate, psa.DueOnReceipt()))
			return inv
		}, docInvoiceDate.AddDays(1), true},
		{"due on receipt, the same day", func(t *testing.T) invoice.Invoice {
			inv := docDraft(t)
			require.NoError(t, inv.Finalize(docScheme(t, invoice.InvoiceNumbers), docInvoiceDate, psa.DueOnReceipt()))
			return inv
		}, docInvoiceDate, false},
		{"credit note, the day after", func(t *testing.T) invoice.Invoice {
			note, err := invoice.CreditNote(docInStatus(t, invoice.StatusSent), nil, psa.ZeroMoney(currency.USD))
			require.NoError(t, err)
			require.NoError(t, note.Finalize(docScheme(t, invoice.CreditNoteNumbers), docInvoiceDate, docNet(t, 30)))
			return note
		}, due.AddDays(1), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := tc.inv(t)
			require.Equal(t, tc.wanted, inv.Overdue(tc.today))
		})
	}
}

// docAt returns a fixture function for docInStatus(s).
func docAt(s invoice.Status) func(t *testing.T) invoice.Invoice {
	return func(t *testing.T) invoice.Invoice { return docInStatus(t, s) }
}

// TestDocumentVoid checks voiding: it keeps the number, needs a reason, and is refused once
// anything was paid.
func TestDocumentVoid(t *testing.T) {
	tests := []struct {
		name   string
		inv    func(t *testing.T) invoice.Invoice
		reason string
		// wantField is the field of a *psa.ValidationError; wantState the refused status.
		wantField string
		wantState invoice.Status
	}{
		{name: "finalized", inv: docAt(invoice.StatusFinalized), reason: "issued twice"},
		{name: "sent", inv: docAt(invoice.StatusSent), reason: "wrong client"},
		{name: "no reason", inv: docAt(invoice.StatusSent), reason: "", wantField: "voidReason"},
		{name: "blank reason", inv: docAt(invoice.StatusSent), reason: " \t ", wantField: "voidReason"},
		{name: "partially paid", inv: docAt(invoice.StatusPartiallyPaid), reason: "x", wantState: invoice.StatusPartiallyPaid},
		{name: "paid", inv: docAt(invoice.StatusPaid), reason: "x", wantState: invoice.StatusPaid},
		{name: "partially settled by credit", inv: func(t *testing.T) invoice.Invoice {
			inv := docInStatus(t, invoice.StatusSent)
			_, err := inv.ApplyCredit(docMoney(t, "1.00"))
			require.NoError(t, err)
			return inv
		}, reason: "x", wantState: invoice.StatusPartiallyPaid},
		{name: "already void", inv: docAt(invoice.StatusVoid), reason: "again", wantState: invoice.StatusVoid},
		{name: "draft", inv: docAt(invoice.StatusDraft), reason: "x", wantState: invoice.StatusDraft},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := tc.inv(t)
			before := docCopy(inv)
			err := inv.Void(tc.reason)
			switch {
			case tc.wantField != "":
				docRequireInvalid(t, err, "invoice", tc.wantField)
				docRequireUnchanged(t, before, inv)
			case tc.wantState != "":
				docRequireState(t, err, before, tc.wantState, "void")
				docRequireUnchanged(t, before, inv)
			default:
				require.NoError(t, err)
				require.Equal(t, invoice.StatusVoid, inv.Status)
				require.Equal(t, "INV-2026-0001", inv.Number, "a voided invoice keeps its number")
				require.Equal(t, tc.reason, inv.VoidReason)
				docRequireMoney(t, "0.00", inv.AmountDue(), "amount due")
				require.False(t, inv.Overdue(inv.DueDate.AddDays(10)))
				if diff := cmp.Diff(before.Totals, inv.Totals, docCmp); diff != "" {
					t.Fatalf("voiding changed the totals (-before +after):\n%s", diff)
				}
			}
		})
	}
}

// docNegTotals returns tt with every amount negated.
func docNegTotals(tt invoice.Totals) invoice.Totals {
	neg := func(cs []invoice.ComponentTax) []invoice.ComponentTax {
		cs = slices.Clone(cs)
		for i := range cs {
			cs[i].Amount = cs[i].Amount.Neg()
		}
		return cs
	}
	out := tt
	out.Lines = slices.Clone(tt.Lines)
	for i, l := range out.Lines {
		out.Lines[i] = invoice.LineTotals{
			Gross: l.Gross.Neg(), LineDiscount: l.LineDiscount.Neg(), InvoiceDiscount: l.InvoiceDiscount.Neg(),
			Net: l.Net.Neg(), Tax: l.Tax.Neg(), Components: neg(l.Components),
		}
	}
	out.Regions = slices.Clone(tt.Regions)
	for i, r := range out.Regions {
		out.Regions[i].Base, out.Regions[i].Tax, out.Regions[i].Components = r.Base.Neg(), r.Tax.Neg(), neg(r.Components)
	}
	out.Subtotal, out.Discount, out.Net, out.Tax, out.Total = tt.Subtotal.Neg(), tt.Discount.Neg(), tt.Net.Neg(), tt.Tax.Neg(), tt.Total.Neg()
	return out
}

// TestDocumentCreditNoteFull checks that a credit note for all lines negates the invoice exactly,
// whatever its discounts and tax.
func TestDocumentCreditNoteFull(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, d *invoice.Invoice)
	}{
		{"line percentage discount", nil},
		{"invoice percentage discount", func(t *testing.T, d *invoice.Invoice) {
			d.InvoiceDiscounts = []invoice.Discount{{Percent: decimal.RequireFromString("12.5")}}
		}},
		{"half-even rounding", func(t *testing.T, d *invoice.Invoice) {
			d.Tax.Rounding = psa.RoundHalfEven
			d.Lines[0].Amount = docMoney(t, "500.04") // 6.25% of 725.04 is 45.315
		}},
		{"reverse charge", func(t *testing.T, d *invoice.Invoice) {
			d.Tax = invoice.TaxOptions{Treatment: invoice.ReverseCharge, Reason: "VAT reverse charge"}
		}},
		// Discounts given as amounts: a Discount's Amount is never negative (ComputeTotals
		// refuses one), it is applied with the sign of the line it reduces.
		{"line amount discount", func(t *testing.T, d *invoice.Invoice) {
			d.Lines[0].Discounts = []invoice.Discount{{Amount: docMoney(t, "20.00"), Reason: "promotion"}}
		}},
		{"invoice amount discount", func(t *testing.T, d *invoice.Invoice) {
			d.InvoiceDiscounts = []invoice.Discount{{Amount: docMoney(t, "25.00"), Reason: "goodwill"}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := docDraft(t)
			if tc.edit != nil {
				tc.edit(t, &orig)
			}
			docFinalize(t, &orig, docInvoiceDate)
			require.NoError(t, orig.MarkSent(docSentAt))
			before := docCopy(orig)

			note, err := invoice.CreditNote(orig, nil, psa.ZeroMoney(currency.USD))
			require.NoError(t, err)
			docRequireUnchanged(t, before, orig)
			require.Equal(t, invoice.CreditNoteNumbers, note.Kind)
			require.Equal(t, invoice.StatusDraft, note.Status)
			require.Empty(t, note.Number)
			require.Equal(t, orig.ID, note.CreditFor)
			require.Equal(t, orig.ClientID, note.ClientID)
			require.Equal(t, orig.Currency, note.Currency)
			require.Len(t, note.Lines, len(orig.Lines))
			for i, l := range note.Lines {
				require.True(t, l.Amount.Equal(orig.Lines[i].Amount.Neg()), "line %d amount %s", i, l.Amount)
				require.True(t, l.Quantity.Equal(orig.Lines[i].Quantity.Neg()), "line %d quantity %s", i, l.Quantity)
				require.Equal(t, orig.Lines[i].TaxRegion, l.TaxRegion)
			}
			if diff := cmp.Diff(docNegTotals(orig.Totals), note.Totals, docCmp); diff != "" {
				t.Fatalf("credit note totals are not the invoice's negated (-want +got):\n%s", diff)
			}
			docRequireTotalsInvariant(t, note.Totals)

			// Numbered from the credit-note scheme, it settles nothing and owes nothing.
			require.NoError(t, note.Finalize(docScheme(t, invoice.CreditNoteNumbers), docInvoiceDate.AddDays(3), docNet(t, 0)))
			require.Equal(t, "CN-2026-0001", note.Number)
			require.False(t, note.Overdue(docInvoiceDate.AddDays(100)))

			// Everything is credited: nothing more can be.
			_, err = invoice.CreditNote(orig, []psa.InvoiceLineID{docLineID(1)}, orig.Totals.Total)
			docRequireInvalid(t, err, "credit note", "total")
		})
	}
}

// TestDocumentCreditNotePartial checks credit notes for some lines of an invoice.
func TestDocumentCreditNotePartial(t *testing.T) {
	orig := docInStatus(t, invoice.StatusPaid)
	zero := psa.ZeroMoney(currency.USD)

	t.Run("one line", func(t *testing.T) {
		note, err := invoice.CreditNote(orig, []psa.InvoiceLineID{docLineID(2)}, zero)
		require.NoError(t, err)
		require.Len(t, note.Lines, 1)
		require.Equal(t, "Onsite labour", note.Lines[0].Description)
		// 250.00 less 10% = 225.00; 6.25% = 14.0625 -> 14.06; 2% = 4.50.
		docRequireMoney(t, "-250.00", note.Totals.Subtotal, "subtotal")
		docRequireMoney(t, "-25.00", note.Totals.Discount, "discount")
		docRequireMoney(t, "-225.00", note.Totals.Net, "net")
		docRequireMoney(t, "-18.56", note.Totals.Tax, "tax")
		docRequireMoney(t, "-243.56", note.Totals.Total, "total")
		docRequireTotalsInvariant(t, note.Totals)
	})

	t.Run("lines in any order, each once", func(t *testing.T) {
		note, err := invoice.CreditNote(orig, []psa.InvoiceLineID{docLineID(2), docLineID(1), docLineID(2)}, zero)
		require.NoError(t, err)
		require.Len(t, note.Lines, 2)
		docRequireMoney(t, "-784.81", note.Totals.Total, "total")
	})

	t.Run("a line not on the invoice", func(t *testing.T) {
		_, err := invoice.CreditNote(orig, []psa.InvoiceLineID{docLineID(1), docLineID(9)}, zero)
		docRequireInvalid(t, err, "credit note", "lines")
		ve, _ := errors.AsType[*psa.ValidationError](err)
		require.Equal(t, docLineID(9).String(), ve.Fields[0].Value)
	})

	t.Run("credited so far plus the note up to the total", func(t *testing.T) {
		// Line 1 credits 500.00 + 31.25 + 10.00 = 541.25; 784.81 - 541.25 = 243.56 is left.
		_, err := invoice.CreditNote(orig, []psa.InvoiceLineID{docLineID(1)}, docMoney(t, "243.56"))
		require.NoError(t, err, "exactly what is left")
		_, err = invoice.CreditNote(orig, []psa.InvoiceLineID{docLineID(1)}, docMoney(t, "243.57"))
		docRequireInvalid(t, err, "credit note", "total")
		_, err = invoice.CreditNote(orig, nil, docMoney(t, "0.01"))
		docRequireInvalid(t, err, "credit note", "total")
	})

	t.Run("credited in another currency", func(t *testing.T) {
		_, err := invoice.CreditNote(orig, nil, docMoney(t, "0.00 EUR"))
		require.Error(t, err)
	})
}

// TestDocumentCreditNoteLineByLine credits an invoice with an invoice discount one line at a time:
// each note credits what its line was billed (its share of the invoice discount included), so
// the notes together credit exactly the invoice's total, as a full credit note does.
func TestDocumentCreditNoteLineByLine(t *testing.T) {
	orig := docDraft(t)
	orig.InvoiceDiscounts = []invoice.Discount{{Percent: decimal.NewFromInt(20)}}
	orig.Tax = invoice.TaxOptions{Treatment: invoice.Exempt, Reason: "non-profit"} // no tax rounding
	docFinalize(t, &orig, docInvoiceDate)
	// Line 1: 500.00 less 100.00 = 400.00; line 2: 225.00 less 45.00 = 180.00.
	docRequireMoney(t, "580.00", orig.Totals.Total, "invoice total")

	credited := psa.ZeroMoney(currency.USD)
	for i, l := range orig.Lines {
		note, err := invoice.CreditNote(orig, []psa.InvoiceLineID{l.ID}, credited)
		require.NoError(t, err, "credit note for line %d after %s credited", i+1, credited)
		want := orig.Totals.Lines[i].Net.Neg()
		require.True(t, want.Equal(note.Totals.Total),
			"credit note for line %d credits %s; the line was billed %s", i+1, note.Totals.Total.Neg(), want.Neg())
		credited, err = credited.Sub(note.Totals.Total)
		require.NoError(t, err)
	}
	require.True(t, credited.Equal(orig.Totals.Total), "credited %s of %s", credited, orig.Totals.Total)
}

// TestDocumentCreditNoteRefused checks the invoices no credit note can be issued for.
func TestDocumentCreditNoteRefused(t *testing.T) {
	tests := []struct {
		name   string
		orig   func(t *testing.T) invoice.Invoice
		status invoice.Status
	}{
		{"draft", docAt(invoice.StatusDraft), invoice.StatusDraft},
		{"void", docAt(invoice.StatusVoid), invoice.StatusVoid},
		{"a credit note", func(t *testing.T) invoice.Invoice {
			note, err := invoice.CreditNote(docInStatus(t, invoice.StatusSent), nil, psa.ZeroMoney(currency.USD))
			require.NoError(t, err)
			require.NoError(t, note.Finalize(docScheme(t, invoice.CreditNoteNumbers), docInvoiceDate, docNet(t, 0)))
			return note
		}, invoice.StatusFinalized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := tc.orig(t)
			note, err := invoice.CreditNote(orig, nil, psa.ZeroMoney(currency.USD))
			docRequireState(t, err, orig, tc.status, "credit")
			require.Empty(t, note.Lines)
		})
	}
}

// TestDocumentOutstanding checks the aging buckets at their boundaries.
func TestDocumentOutstanding(t *testing.T) {
	today := psa.NewDate(2026, time.September, 30)
	tests := []struct {
		late int // days past the due date on today
		want invoice.AgingBucket
	}{
		{-10, invoice.AgingCurrent},
		{0, invoice.AgingCurrent},
		{1, invoice.Aging1To30},
		{30, invoice.Aging1To30},
		{31, invoice.Aging31To60},
		{60, invoice.Aging31To60},
		{61, invoice.Aging61To90},
		{90, invoice.Aging61To90},
		{91, invoice.AgingOver90},
		{400, invoice.AgingOver90},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d days late", tc.late), func(t *testing.T) {
			inv := docSimple(t, "123.45")
			docFinalize(t, &inv, today.AddDays(-tc.late-30)) // net 30
			require.Equal(t, tc.late, psa.DaysBetween(inv.DueDate, today))
			b := invoice.Outstanding([]invoice.Invoice{inv}, currency.USD, today)
			want := docBalance(t, today, map[invoice.AgingBucket]string{tc.want: "123.45"})
			if diff := cmp.Diff(want, b, docCmp); diff != "" {
				t.Fatalf("balance (-want +got):\n%s", diff)
			}
		})
	}
}

// docBalance returns the USD balance on today with the given buckets, the others zero.
func docBalance(t *testing.T, today psa.Date, buckets map[invoice.AgingBucket]string) invoice.Balance {
	t.Helper()
	b := invoice.Balance{Today: today, Currency: currency.USD, Outstanding: docMoney(t, "0.00"), Buckets: map[invoice.AgingBucket]psa.Money{}, Credit: docMoney(t, "0.00")}
	for _, k := range invoice.AgingBuckets {
		b.Buckets[k] = docMoney(t, "0.00")
		if s, ok := buckets[k]; ok {
			b.Buckets[k] = docMoney(t, s)
			var err error
			b.Outstanding, err = b.Outstanding.Add(b.Buckets[k])
			require.NoError(t, err)
		}
	}
	return b
}

// TestDocumentOutstandingMixed sums a client's invoices: only open USD invoices count, each by
// what is still due.
func TestDocumentOutstandingMixed(t *testing.T) {
	today := psa.NewDate(2026, time.September, 30)
	dueIn := func(late int) psa.Date { return today.AddDays(-late - 30) } // invoice date, net 30
	open := func(amount string, late int) invoice.Invoice {
		inv := docSimple(t, amount)
		docFinalize(t, &inv, dueIn(late))
		require.NoError(t, inv.MarkSent(docSentAt))
		return inv
	}
	partly := open("64.00", 45)
	docPay(t, &partly, "32.00")
	paid := open("128.00", 45)
	docPay(t, &paid, "128.00")
	voided := open("256.00", 45)
	require.NoError(t, voided.Void("duplicate"))
	draft := docSimple(t, "512.00")
	euro := open("1024.00 EUR", 45)
	note, err := invoice.CreditNote(open("2048.00", 45), nil, psa.ZeroMoney(currency.USD))
	require.NoError(t, err)
	require.NoError(t, note.Finalize(docScheme(t, invoice.CreditNoteNumbers), dueIn(45), docNet(t, 30)))
	credited := open("4096.00", 100)
	_, err = credited.ApplyCredit(docMoney(t, "4000.00"))
	require.NoError(t, err)

	invoices := []invoice.Invoice{
		open("1.00", 0), open("2.00", 5), open("4.00", 30), open("8.00", 31), open("16.00", 95),
		partly, paid, voided, draft, euro, note, credited,
	}
	got := invoice.Outstanding(invoices, currency.USD, today)
	want := docBalance(t, today, map[invoice.AgingBucket]string{
		invoice.AgingCurrent: "1.00",
		invoice.Aging1To30:   "6.00",
		invoice.Aging31To60:  "40.00",  // 8.00 + the 32.00 left of 64.00
		invoice.AgingOver90:  "112.00", // 16.00 + the 96.00 left of 4096.00
	})
	if diff := cmp.Diff(want, got, docCmp); diff != "" {
		t.Fatalf("balance (-want +got):\n%s", diff)
	}

	eur := invoice.Outstanding(invoices, currency.EUR, today)
	docRequireMoney(t, "1024.00 EUR", eur.Outstanding, "EUR outstanding")
	docRequireMoney(t, "1024.00 EUR", eur.Buckets[invoice.Aging31To60], "EUR 31-60")

	none := invoice.Outstanding(nil, currency.USD, today)
	if diff := cmp.Diff(docBalance(t, today, nil), none, docCmp); diff != "" {
		t.Fatalf("balance of no invoices (-want +got):\n%s", diff)
	}
}

// TestInvoiceClone checks that a clone shares no memory with the original: changing every slice
// of the clone in place leaves the original as it was.
func TestInvoiceClone(t *testing.T) {
	orig := docInStatus(t, invoice.StatusPartiallyPaid)
	orig.InvoiceDiscounts = []invoice.Discount{{Percent: decimal.NewFromInt(1)}}
	before := docCopy(orig)
	c := orig.Clone()
	if diff := cmp.Diff(before, c, docCmp); diff != "" {
		t.Fatalf("clone differs from the original (-orig +clone):\n%s", diff)
	}
	c.Lines[0].Description = "changed"
	c.Lines[1].Discounts[0].Percent = decimal.NewFromInt(50)
	c.InvoiceDiscounts[0].Percent = decimal.NewFromInt(2)
	c.Regions[0].Code = "changed"
	c.Regions[0].Components[0].Rate = decimal.NewFromInt(99)
	c.Payments[0].Reference = "changed"
	c.Totals.Lines[0].Net = docMoney(t, "1.00")
	c.Totals.Lines[0].Components[0].Amount = docMoney(t, "1.00")
	c.Totals.Regions[0].Tax = docMoney(t, "1.00")
	c.Totals.Regions[0].Components[0].Amount = docMoney(t, "1.00")
	docRequireUnchanged(t, before, orig)

	var zero invoice.Invoice
	if diff := cmp.Diff(zero, zero.Clone(), docCmp); diff != "" {
		t.Fatalf("clone of the zero Invoice (-want +got):\n%s", diff)
	}
}
