package invoice_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

// totalReason returns the reason of err when it is a *psa.ValidationError for a credit note's
// total, else "".
func totalReason(err error) string {
	if ve, ok := errors.AsType[*psa.ValidationError](err); ok && ve.Object == "credit note" && ve.Fields[0].Field == "total" {
		return ve.Fields[0].Reason
	}
	return ""
}

// TestFullCreditNoteNegatesEveryLine: a credit note for every line of an invoice credits each
// line exactly what it was billed, its net and its tax, also when a region's lines mix charges
// and credits and its tax is negative on one document and positive on the other, and an invoice
// discount is spread over lines of mixed signs. (The mixed-sign splits once rounded every exact
// share down on both documents, and floor(-x) is not -floor(x): this invoice's second line was
// billed 854.00 of tax and credited 853.99.)
func TestFullCreditNoteNegatesEveryLine(t *testing.T) {
	regions := []invoice.TaxRegion{taxRegion("R0", "Region 0", "C0 0.74", "C1 10"), taxRegion("R1", "Region 1", "C0 1.67", "C1 +24", "C2 6")}
	in := []invoice.LineInput{
		taxLine(t, "-9917.50", "R0", taxPct("10.47"), taxOff(t, "1028.25"), taxPct("19.3")),
		taxLine(t, "9793.96", "R0"),
		taxLine(t, "-17552.35", "", taxOff(t, "3078.60"), taxOff(t, "3361.16"), taxOff(t, "2828.04")),
		taxLine(t, "15817.27", "R0", taxPct("13"), taxOff(t, "3757.40"), taxOff(t, "2121.75")),
		taxLine(t, "-4252.14", "R1", taxOff(t, "992.13"), taxPct("5.622"), taxOff(t, "735.28")),
	}
	inv := invoice.Invoice{ID: psa.InvoiceID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-000000000010")}, Kind: invoice.InvoiceNumbers,
		Status: invoice.StatusDraft, Currency: in[0].Gross.Currency(), InvoiceDiscounts: []invoice.Discount{taxPct("18.812")}, Regions: regions}
	for i, l := range in {
		inv.Lines = append(inv.Lines, invoice.Line{ID: psa.InvoiceLineID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-00000000002" + strconv.Itoa(i))},
			Amount: l.Gross, UnitPrice: l.Gross, Discounts: l.Discounts, TaxRegion: l.TaxRegion})
	}
	tpl, err := invoice.ParseTemplate("INV-{SEQ}")
	require.NoError(t, err)
	scheme := invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tpl, Confirmed: true}
	require.NoError(t, inv.Finalize(&scheme, psa.NewDate(2026, 11, 30), psa.DueOnReceipt()))
	require.Equal(t, "1377.39 USD", inv.Totals.Total.String())
	note, err := invoice.CreditNote(inv, nil, psa.ZeroMoney(inv.Currency))
	require.NoError(t, err)
	require.True(t, note.Totals.Total.Neg().Equal(inv.Totals.Total))
	for i, l := range note.Totals.Lines {
		billed := inv.Totals.Lines[i]
		require.True(t, l.Net.Neg().Equal(billed.Net) && l.Tax.Neg().Equal(billed.Tax) && l.InvoiceDiscount.Neg().Equal(billed.InvoiceDiscount),
			"line %d credited net %s tax %s, billed net %s tax %s", i, l.Net, l.Tax, billed.Net, billed.Tax)
		for j, c := range l.Components {
			require.True(t, c.Amount.Neg().Equal(billed.Components[j].Amount), "line %d component %d", i, j)
		}
	}
}

// TestFullCreditNoteNegatesZeroTaxShares: a region whose lines' taxes cancel out (a credit of
// -0.59 and a charge of +0.66 at 4%: exactly -0.0236 and +0.0264, a tax of 0.00) splits its zero
// tax the same way on the invoice and on its credit note, negated. (The shares were -0.02 and
// +0.02 on the invoice, but +0.03 and -0.03 on the note.)
func TestFullCreditNoteNegatesZeroTaxShares(t *testing.T) {
	regions := []invoice.TaxRegion{taxRegion("R2", "Region 2", "C0 4", "C1 +1.7")}
	inv := invoice.Invoice{ID: psa.InvoiceID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-000000000050")}, Kind: invoice.InvoiceNumbers,
		Status: invoice.StatusDraft, Currency: taxMoney(t, "0").Currency(), Regions: regions}
	for i, l := range []invoice.LineInput{taxLine(t, "-0.70", "R2", taxPct("3.29"), taxPct("12.3")), taxLine(t, "0.95", "R2", taxOff(t, "0.29"))} {
		inv.Lines = append(inv.Lines, invoice.Line{ID: psa.InvoiceLineID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-00000000006" + strconv.Itoa(i))},
			Amount: l.Gross, UnitPrice: l.Gross, Discounts: l.Discounts, TaxRegion: l.TaxRegion})
	}
	tpl, err := invoice.ParseTemplate("INV-{SEQ}")
	require.NoError(t, err)
	scheme := invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tpl, Confirmed: true}
	require.NoError(t, inv.Finalize(&scheme, psa.NewDate(2026, 11, 30), psa.DueOnReceipt()))
	require.True(t, inv.Totals.Tax.IsZero(), "tax %s", inv.Totals.Tax)
	note, err := invoice.CreditNote(inv, nil, psa.ZeroMoney(inv.Currency))
	require.NoError(t, err)
	for i, l := range note.Totals.Lines {
		billed := inv.Totals.Lines[i]
		require.True(t, l.Tax.Neg().Equal(billed.Tax), "line %d credited tax %s, billed %s", i, l.Tax, billed.Tax)
	}
}

// TestCreditNoteForCreditLinesIsRefused: a credit note for the credit lines of an invoice only
// would charge the client; it is refused, and the invoice can still be credited in full. (Such a
// note was once accepted, and the negative amount it "credited" then made every later credit
// note of the invoice fail.)
func TestCreditNoteForCreditLinesIsRefused(t *testing.T) {
	inv := invoice.Invoice{ID: psa.InvoiceID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-000000000030")}, Kind: invoice.InvoiceNumbers,
		Status: invoice.StatusDraft, Currency: taxMoney(t, "0").Currency()}
	for i, amount := range []string{"100.00", "-20.00"} {
		inv.Lines = append(inv.Lines, invoice.Line{ID: psa.InvoiceLineID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-00000000004" + strconv.Itoa(i))},
			Amount: taxMoney(t, amount), UnitPrice: taxMoney(t, amount)})
	}
	tpl, err := invoice.ParseTemplate("INV-{SEQ}")
	require.NoError(t, err)
	scheme := invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tpl, Confirmed: true}
	require.NoError(t, inv.Finalize(&scheme, psa.NewDate(2026, 11, 30), psa.DueOnReceipt()))

	_, err = invoice.CreditNote(inv, []psa.InvoiceLineID{inv.Lines[1].ID}, psa.ZeroMoney(inv.Currency))
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.True(t, strings.HasPrefix(totalReason(err), "is positive"), "%v", err)

	note, err := invoice.CreditNote(inv, nil, psa.ZeroMoney(inv.Currency))
	require.NoError(t, err)
	require.Equal(t, "-80.00 USD", note.Totals.Total.String())
}
