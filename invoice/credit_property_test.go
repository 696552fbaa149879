package invoice_test

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

// propertyCases returns the number of cases of a property test: PSA_PROPERTY_CASES when set
// (RELIABILITY.md runs the large sizes with it), else def, a tenth of def with -short.
func propertyCases(t *testing.T, def int) int {
	if s := os.Getenv("PSA_PROPERTY_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "PSA_PROPERTY_CASES")
		return n
	}
	if testing.Short() {
		return max(def/10, 1)
	}
	return def
}

// TestCreditNotesProperty finalizes random invoices (random lines in three currencies, line and
// invoice discounts, regions with compound components, exempt and reverse-charge invoices) and
// issues random credit notes against each, for all lines or random subsets, until one is refused,
// checking that
//   - the credit notes of an invoice never credit more than its grand total, and a note is
//     refused (as invalid input) exactly when it would;
//   - a note for all lines of an invoice not credited yet credits exactly its grand total, line
//     by line what each line was billed (its net and its tax);
//   - every note's totals hold: Total = Net + Tax = Subtotal - Discount + Tax, and its lines' net
//     and tax add up to its Net and Tax;
//   - a note for credit lines only, which would charge, is refused;
//   - a voided invoice cannot be credited.
//
// The number of invoices is PSA_PROPERTY_CASES (default 2,000).
func TestCreditNotesProperty(t *testing.T) {
	n := propertyCases(t, 2000)
	pool := newTaxPool()
	rng := rand.New(rand.NewPCG(2026, 11))
	var nextID uint64
	newID := func() uuid.UUID {
		nextID++
		var u uuid.UUID
		u[6] = 0x70
		binary.BigEndian.PutUint64(u[8:], nextID)
		return u
	}
	tpl, err := invoice.ParseTemplate("INV-{SEQ}")
	require.NoError(t, err)
	scheme := invoice.Scheme{ID: psa.NumberingSchemeID{UUID: newID()}, Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tpl, Confirmed: true}
	terms, err := psa.NetDays(30)
	require.NoError(t, err)
	date := psa.NewDate(2026, 11, 30)
	issued, refused, full, charging := 0, 0, 0, 0
	for c := range n {
		in := pool.random(rng)
		inv := invoice.Invoice{ID: psa.InvoiceID{UUID: newID()}, Kind: invoice.InvoiceNumbers, Status: invoice.StatusDraft,
			Currency: in.cur, InvoiceDiscounts: in.discount, Regions: in.regions, Tax: in.opts}
		for _, l := range in.lines {
			inv.Lines = append(inv.Lines, invoice.Line{ID: psa.InvoiceLineID{UUID: newID()}, Description: "line", Amount: l.Gross,
				UnitPrice: l.Gross, Discounts: l.Discounts, TaxRegion: l.TaxRegion})
		}
		if err := inv.Finalize(&scheme, date, terms); err != nil {
			if !taxExpectedError(err) {
				t.Fatalf("case %d: finalize: %v", c, err)
			}
			continue
		}
		if inv.Totals.Total.Sign() <= 0 {
			continue // a credit invoice is not credited further
		}
		if _, err := invoice.CreditNote(inv, nil, psa.ZeroMoney(inv.Currency)); err != nil {
			t.Fatalf("case %d: a note for all lines of %s: %v", c, inv.Totals.Total, err)
		}
		credited := psa.ZeroMoney(inv.Currency)
		for step := 0; ; step++ {
			var lines []psa.InvoiceLineID
			if step > 0 || rng.IntN(3) > 0 {
				for _, l := range inv.Lines {
					if rng.IntN(2) == 0 {
						lines = append(lines, l.ID)
					}
				}
				if len(lines) == 0 {
					lines = append(lines, inv.Lines[rng.IntN(len(inv.Lines))].ID)
				}
			}
			// The note as it would be if nothing were credited yet, to know whether it fits. A
			// note that would charge (for credit lines only) is refused whatever was credited, and
			// one that exceeds the invoice alone is refused after any credit.
			alone, err := invoice.CreditNote(inv, lines, psa.ZeroMoney(inv.Currency))
			var wouldBe psa.Money
			fits := 1
			switch reason := totalReason(err); {
			case err == nil:
				wouldBe, _ = credited.Sub(alone.Totals.Total)
				fits, _ = wouldBe.Cmp(inv.Totals.Total)
			case strings.HasPrefix(reason, "is positive"):
				charging++
				continue
			case !strings.HasPrefix(reason, "exceeds"):
				t.Fatalf("case %d step %d: %v", c, step, err)
			}
			note, err := invoice.CreditNote(inv, lines, credited)
			if err != nil {
				if !errors.Is(err, psa.ErrInvalid) || fits <= 0 {
					t.Fatalf("case %d step %d: credited %s of %s, a note of %s refused: %v", c, step, credited, inv.Totals.Total, alone.Totals.Total, err)
				}
				refused++
				break
			}
			if fits > 0 {
				t.Fatalf("case %d step %d: credited %s of %s, a note of %s accepted", c, step, credited, inv.Totals.Total, note.Totals.Total)
			}
			if !note.Totals.Total.Equal(alone.Totals.Total) || note.Kind != invoice.CreditNoteNumbers || note.CreditFor != inv.ID {
				t.Fatalf("case %d step %d: note %+v", c, step, note.Totals)
			}
			if err := noteTotalsHold(note); err != nil {
				t.Fatalf("case %d step %d: %v", c, step, err)
			}
			if lines == nil && step == 0 {
				full++
				if !note.Totals.Total.Neg().Equal(inv.Totals.Total) {
					t.Fatalf("case %d: a note for all lines credits %s of %s", c, note.Totals.Total, inv.Totals.Total)
				}
				for i, l := range note.Totals.Lines {
					if !l.Net.Neg().Equal(inv.Totals.Lines[i].Net) || !l.Tax.Neg().Equal(inv.Totals.Lines[i].Tax) {
						t.Fatalf("case %d: line %d credited %s + %s, billed %s + %s\ninput:\n%v\ninvoice:\n%s\nnote:\n%s", c, i, l.Net, l.Tax, inv.Totals.Lines[i].Net, inv.Totals.Lines[i].Tax, in, taxRender(inv.Totals), taxRender(note.Totals))
					}
				}
			}
			credited = wouldBe
			issued++
			if over, _ := credited.Cmp(inv.Totals.Total); over > 0 {
				t.Fatalf("case %d: credited %s of %s", c, credited, inv.Totals.Total)
			}
			if step == 5 {
				break
			}
		}
		void := inv
		require.NoError(t, void.Void("wrong client"))
		if _, err := invoice.CreditNote(void, nil, psa.ZeroMoney(inv.Currency)); !errors.Is(err, psa.ErrPrecondition) {
			t.Fatalf("case %d: crediting a void invoice: %v", c, err)
		}
	}
	t.Logf("%d invoices: %d credit notes issued (%d for all lines), %d refused as exceeding the invoice, %d as charging", n, issued, full, refused, charging)
	require.Greater(t, issued, n/2)
}

// noteTotalsHold checks a credit note's totals identities.
func noteTotalsHold(note invoice.Invoice) error {
	tot := note.Totals
	net, _ := tot.Subtotal.Sub(tot.Discount)
	total, _ := tot.Net.Add(tot.Tax)
	if !net.Equal(tot.Net) || !total.Equal(tot.Total) {
		return errors.New("totals: " + tot.Subtotal.String() + " - " + tot.Discount.String() + " != " + tot.Net.String() + " or + " + tot.Tax.String() + " != " + tot.Total.String())
	}
	sumNet, sumTax := psa.ZeroMoney(note.Currency), psa.ZeroMoney(note.Currency)
	for _, l := range tot.Lines {
		sumNet, _ = sumNet.Add(l.Net)
		sumTax, _ = sumTax.Add(l.Tax)
	}
	if !sumNet.Equal(tot.Net) || !sumTax.Equal(tot.Tax) {
		return errors.New("lines sum to " + sumNet.String() + " net and " + sumTax.String() + " tax, totals say " + tot.Net.String() + " and " + tot.Tax.String())
	}
	return nil
}
