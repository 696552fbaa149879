package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/invoice"
)

// invoiceCases are the cases of the stores of package invoice (invoice.Tx): numbering schemes,
// and invoices and credit notes. The invoices they store belong to clients and schemes that are
// not stored (except where a case says so): the invoice store methods take a ClientID and a
// NumberingSchemeID as plain values.
func invoiceCases() []testCase {
	needs := []string{"Invoice"}
	return []testCase{
		{
			name: "RoundTripInvoice",
			contract: "CreateInvoice and UpdateInvoice store an invoice as given, every field included (lines with their discounts, " +
				"explanations and sources, invoice discounts, tax regions with their components, totals with every line's and region's " +
				"components, payments, applied credit, the instant it was sent to the microsecond), and GetInvoice and ListInvoices " +
				"return a value equal to it (142.5 EUR equals 142.50 EUR; a draft's unset amounts stay the zero Money).",
			needs: needs, run: testRoundTripInvoice,
		},
		{
			name: "RoundTripScheme",
			contract: "PutScheme with Version 0 stores a numbering scheme as given with Version 1, and with the stored version replaces it " +
				"(Version+1); GetScheme returns its kind, name, template, yearly reset, counter (Last, LastYear) and confirmation as stored.",
			needs: needs, run: testRoundTripScheme,
		},
		{
			name: "InvoiceNotFound",
			contract: "GetInvoice and GetScheme of an unknown ID, and UpdateInvoice of an unknown ID, fail with a *psa.NotFoundError; " +
				"PutScheme with a version other than 0 of an unknown ID fails with a *psa.NotFoundError or a *psa.VersionConflictError; " +
				"a failed write creates nothing.",
			needs: needs, run: testInvoiceNotFound,
		},
		{
			name: "InvoiceAlreadyExistsID",
			contract: "CreateInvoice, and PutScheme with Version 0, fail with a *psa.AlreadyExistsError (wrapping psa.ErrAlreadyExists) " +
				"when the ID is taken, and leave the stored value unchanged.",
			needs: needs, run: testInvoiceAlreadyExistsID,
		},
		{
			name: "UniqueInvoiceNumber",
			contract: "A non-empty invoice Number is unique within its scheme: CreateInvoice and UpdateInvoice fail with a " +
				"*psa.AlreadyExistsError when another invoice of the scheme (of any client) has it; a draft's empty Number is never " +
				"taken, and a Number changed away from is free again.",
			needs: needs, run: func(t *testing.T, h Harness) { checkUniqueKey(t, h.Invoice, invoiceKind) },
		},
		{
			name: "InvoiceNumbersPerScheme",
			contract: "Invoice Numbers are unique per scheme: a Number taken in a scheme is refused with a *psa.AlreadyExistsError when " +
				"another invoice is created with it, finalized with it (UpdateInvoice) or moved with it into the scheme, also within " +
				"one transaction, and the refused write changes nothing; the same Number in another scheme is fine, and any number " +
				"of drafts without a Number may share a scheme.",
			needs: needs, run: testInvoiceNumbersPerScheme,
		},
		{
			name: "InvoiceVersions",
			contract: "UpdateInvoice and PutScheme succeed only when the given Version equals the stored one, and then store Version+1; " +
				"a stale Version fails with a *psa.VersionConflictError and changes nothing (a PutScheme with Version 0 is a create, " +
				"refused with a *psa.AlreadyExistsError).",
			needs: needs, run: testInvoiceVersions,
		},
		{
			name: "InvoiceRollback",
			contract: "When fn returns an error the invoice runner returns that error unchanged and keeps nothing fn wrote: clients, " +
				"schemes, invoices, updates and the Numbers they claimed are all undone.",
			needs: needs, run: testInvoiceRollback,
		},
		{
			name: "InvoiceReadYourOwnWrites",
			contract: "An invoice.Tx is also a client.Tx: one transaction that creates a client, a numbering scheme and invoices for the " +
				"client reads all of them back through GetClient, GetScheme, GetInvoice and ListInvoices before it commits, updates " +
				"(a draft finalized with the scheme's next number) and the version rule included, and commits them together.",
			needs: needs, run: testInvoiceReadYourOwnWrites,
		},
		{
			name: "InvoiceNoAliasing",
			contract: "Stores take and return copies: changing an invoice's lines or their discounts, its invoice discounts, its regions " +
				"or their components, its totals' line and region components, or its payments after passing it to CreateInvoice or " +
				"UpdateInvoice, or in a value GetInvoice or ListInvoices returned, does not change what is stored.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkNoAliasing(t, h.Invoice, invoiceKind, fullInvoice(t, newID[psa.InvoiceID](t), randomID[psa.ClientID](), invoiceScheme, "INV-2025-00042"))
			},
		},
		{
			name: "PaginateInvoices",
			contract: "ListInvoices walks exactly the given client's invoices and credit notes, each once, in ascending ID order, at most " +
				"Limit per page, and follows an UpdateInvoice that changes ClientID.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkPagination(t, h.Invoice, invoiceKind, []int{23, 7, 0}, []int{10, 0}, nil)
			},
		},
		{
			name: "InvalidInvoicePageRequest",
			contract: "ListInvoices with a cursor the store did not issue fails with an error wrapping psa.ErrBadCursor (and " +
				"psa.ErrInvalid); a negative Limit fails with psa.ErrInvalid.",
			needs: needs, run: func(t *testing.T, h Harness) { checkInvalidPages(t, h.Invoice, invoiceKind) },
		},
		{
			name: "InvoiceConcurrentCreates",
			contract: "Of concurrent transactions creating invoices with one Number in one scheme (or one ID), or schemes with one ID, " +
				"exactly one succeeds; the others fail with psa.ErrAlreadyExists (a lost race may first be reported as psa.ErrConflict).",
			needs: needs, run: testInvoiceConcurrentCreates,
		},
		{
			name: "ConcurrentSchemeUpdates",
			contract: "Concurrent transactions that each read a numbering scheme, increment its Last and store it lose no update: a lost " +
				"race may only surface as an error wrapping psa.ErrConflict, after which a retry succeeds.",
			needs: needs, run: testConcurrentSchemeUpdates,
		},
		{
			name: "ConcurrentFinalization",
			contract: "Harness.Invoice runs on the same store as Harness.Client, and invoice.Service on it numbers gaplessly: drafts of a " +
				"client stored through Harness.Client, finalized concurrently from several goroutines, get the numbers 1 to n of their " +
				"scheme, each exactly once (a lost race may only surface as psa.ErrConflict, after which a retry succeeds).",
			needs: []string{"Client", "Invoice"}, run: testConcurrentFinalization,
		},
	}
}

// The kinds of package invoice, for the generic cases. Invoices belong to clients that are not
// stored; newInvoice numbers them in the scheme invoiceScheme, which is not stored either. Schemes
// have PutScheme for Create and Update.
var (
	invoiceKind = kind[invoice.Tx, psa.InvoiceID, psa.ClientID, invoice.Invoice]{
		name: "Invoice", ownerName: "client", keyName: "Number",
		fields: func(inv *invoice.Invoice) fields[psa.InvoiceID, psa.ClientID] {
			return fields[psa.InvoiceID, psa.ClientID]{id: &inv.ID, owner: &inv.ClientID, key: &inv.Number, version: &inv.Version, label: &inv.Notes}
		},
		create: invoice.Tx.CreateInvoice, get: invoice.Tx.GetInvoice, update: invoice.Tx.UpdateInvoice, listOf: invoice.Tx.ListInvoices,
		bare: func(_ *testing.T, id psa.InvoiceID, owner psa.ClientID, notes string) invoice.Invoice {
			return newInvoice(id, owner, notes)
		},
		owners: unstored[invoice.Tx, psa.ClientID],
		clone:  copyInvoice, scribble: scribbleInvoice,
	}
	schemeKind = kind[invoice.Tx, psa.NumberingSchemeID, psa.NumberingSchemeID, invoice.Scheme]{
		name: "Scheme",
		fields: func(s *invoice.Scheme) fields[psa.NumberingSchemeID, psa.NumberingSchemeID] {
			return fields[psa.NumberingSchemeID, psa.NumberingSchemeID]{id: &s.ID, version: &s.Version, label: &s.Name}
		},
		get: invoice.Tx.GetScheme,
		bare: func(t *testing.T, id, _ psa.NumberingSchemeID, name string) invoice.Scheme {
			return newScheme(t, id, name)
		},
	}.withPut(invoice.Tx.PutScheme)
)

// invoicesOf returns the read of every invoice of owner, page by page in one transaction.
func invoicesOf(owner psa.ClientID) func(ctx context.Context, tx invoice.Tx) ([]invoice.Invoice, error) {
	return func(ctx context.Context, tx invoice.Tx) ([]invoice.Invoice, error) {
		return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
			return tx.ListInvoices(ctx, owner, p)
		})
	}
}

// creatingClientsIn returns a write of an invoice transaction that creates clients.
func creatingClientsIn(clients ...client.Client) func(ctx context.Context, tx invoice.Tx) error {
	return func(ctx context.Context, tx invoice.Tx) error { return clientKind.creating(clients...)(ctx, tx) }
}

func testRoundTripInvoice(t *testing.T, h Harness) {
	owner, elsewhere := randomID[psa.ClientID](), randomID[psa.ClientID]()
	full := fullInvoice(t, newID[psa.InvoiceID](t), owner, newID[psa.NumberingSchemeID](t), "INV-2025-00042")
	draft := newInvoice(randomID[psa.InvoiceID](), owner, "A draft without lines")
	note := finalInvoice(newID[psa.InvoiceID](t), elsewhere, randomID[psa.NumberingSchemeID](), "GS-2025-00001", "A credit note of another client")
	note.Kind, note.CreditFor = invoice.CreditNoteNumbers, full.ID
	note.Lines = []invoice.Line{{ID: newID[psa.InvoiceLineID](t), Description: "Credit for a duplicate setup fee", ClientID: elsewhere,
		Quantity: dec(t, "-1"), UnitPrice: money(t, "250.00", "EUR"), Amount: money(t, "-250.00", "EUR"), Source: invoice.Source{Kind: "credit", ID: full.ID.String()}}}
	invoiceKind.store(t, h.Invoice, full, draft, note)

	// The same values, written differently.
	want := copyInvoice(full)
	want.Lines[1].UnitPrice = money(t, "142.50", "EUR")
	want.Lines[1].Quantity = dec(t, "1.50")
	want.Regions[1].Components[1].Rate = dec(t, "9.50")
	want.Payments[1].Amount = money(t, "400.00", "EUR")
	samples := []sample[invoice.Invoice]{
		{"an invoice with every field set", full, want}, same("a draft with only the required fields", draft), same("a credit note of another client", note),
	}
	wantReadBack(t, h.Invoice, invoiceKind, samples...)

	// An update stores every field too: a payment recorded, the invoice settled.
	u := copyInvoice(want)
	u.Payments = append(u.Payments, invoice.Payment{ID: newID[psa.PaymentID](t), Date: day(2025, time.May, 2), Amount: money(t, "50.00", "EUR"),
		Method: "SEPA transfer", Reference: "RF18 5390 0754 7035"})
	u.Status = invoice.StatusPaid
	u.Totals.Regions = slices.Insert(u.Totals.Regions, 1, invoice.RegionTax{Code: "EU", Name: "Without tax", Base: money(t, "0.00", "EUR"), Tax: money(t, "0.00", "EUR")})
	u.UpdatedAt = ts0.Add(50*time.Hour + 3*time.Microsecond)
	inTx(t, h.Invoice, "UpdateInvoice recording a payment", invoiceKind.updating(u))
	u.Version = 2
	samples[0] = same("an invoice after an UpdateInvoice recording a payment (want Version 2)", u)
	wantReadBack(t, h.Invoice, invoiceKind, samples...)
}

func testRoundTripScheme(t *testing.T, h Harness) {
	full := fullScheme(t, newID[psa.NumberingSchemeID](t))
	bare := newScheme(t, randomID[psa.NumberingSchemeID](), "Rechnungen")
	schemeKind.store(t, h.Invoice, full, bare)
	samples := []sample[invoice.Scheme]{same("a confirmed scheme with every field set", full), same("an unconfirmed scheme without numbers issued", bare)}
	wantReadBack(t, h.Invoice, schemeKind, samples...)

	// A put with the stored version replaces every field: a new template, the counter moved on.
	u := full
	u.Name, u.Template, u.Last, u.LastYear = "Gutschriften", template(t, "{{GS}}-{YY}-{SEQ:7}"), 1, 2026
	inTx(t, h.Invoice, "PutScheme with the stored version", schemeKind.updating(u))
	u.Version = 2
	samples[0] = same("a scheme after PutScheme with the stored version (want Version 2)", u)
	wantReadBack(t, h.Invoice, schemeKind, samples...)
}

func testInvoiceNotFound(t *testing.T, h Harness) {
	t.Run("invoice", func(t *testing.T) { checkNotFound(t, h.Invoice, invoiceKind) })
	t.Run("scheme", func(t *testing.T) { checkNotFound(t, h.Invoice, schemeKind) })
	// The ID of another kind of object is an unknown ID.
	inv := newInvoice(newID[psa.InvoiceID](t), randomID[psa.ClientID](), "Known")
	invoiceKind.store(t, h.Invoice, inv)
	schemeKind.wantNoID(t, h.Invoice, "GetScheme of an invoice's ID", psa.NumberingSchemeID(inv.ID))
}

func testInvoiceAlreadyExistsID(t *testing.T, h Harness) {
	t.Run("invoice", func(t *testing.T) { checkIDTaken(t, h.Invoice, invoiceKind) })
	t.Run("scheme", func(t *testing.T) { checkIDTaken(t, h.Invoice, schemeKind) })
}

func testInvoiceNumbersPerScheme(t *testing.T, h Harness) {
	run := h.Invoice
	owner, other := randomID[psa.ClientID](), randomID[psa.ClientID]()
	a, b := newScheme(t, newID[psa.NumberingSchemeID](t), "Scheme A"), newScheme(t, randomID[psa.NumberingSchemeID](), "Scheme B")
	first := finalInvoice(newID[psa.InvoiceID](t), owner, a.ID, "INV-0001", "First of A")
	setUp(t, run, schemeKind.creating(a, b), invoiceKind.creating(first))

	// A Number taken in a scheme is refused for another invoice of the scheme, of any client.
	for _, c := range []struct {
		what  string
		owner psa.ClientID
	}{{"of the same client", owner}, {"of another client", other}} {
		taker := finalInvoice(randomID[psa.InvoiceID](), c.owner, a.ID, first.Number, "Taker")
		what := fmt.Sprintf("CreateInvoice %s with a Number taken in its scheme", c.what)
		wantAlreadyExists(t, what, run(t.Context(), invoiceKind.creating(taker)))
		invoiceKind.wantNoID(t, run, "GetInvoice after the refused "+what, taker.ID)
	}

	// The same Number in another scheme is fine, and so are drafts without a Number, several in
	// one scheme (and one without a scheme), in one transaction.
	inB := finalInvoice(randomID[psa.InvoiceID](), owner, b.ID, first.Number, "First of B")
	inTx(t, run, "CreateInvoice with a Number taken only in another scheme", invoiceKind.creating(inB))
	drafts := make([]invoice.Invoice, 4)
	for i := range drafts {
		drafts[i] = newInvoice(mixedID[psa.InvoiceID](t, i), []psa.ClientID{owner, other}[i%2], fmt.Sprintf("Draft %d", i+1))
		drafts[i].SchemeID = []psa.NumberingSchemeID{a.ID, a.ID, b.ID, {}}[i]
	}
	inTx(t, run, "CreateInvoice of drafts without a Number in one scheme, in one transaction", invoiceKind.creating(drafts...))
	invoiceKind.wantStored(t, run, "of the first invoice of scheme A", first)
	invoiceKind.wantStored(t, run, "of an invoice of scheme B with the same Number", inB)

	// Finalizing a draft with the Number another invoice of the scheme has is refused, and
	// changes nothing, not even in the transaction that goes on after the refusal.
	d := drafts[0]
	fin := d
	fin.Number, fin.Status, fin.Date = first.Number, invoice.StatusFinalized, day(2025, time.April, 2)
	what := "UpdateInvoice finalizing a draft with a Number taken in its scheme"
	err := run(t.Context(), func(ctx context.Context, tx invoice.Tx) error {
		err := tx.UpdateInvoice(ctx, fin)
		if err == nil {
			return nil
		}
		got, gerr := tx.GetInvoice(ctx, d.ID)
		wantRead(t, what+", then GetInvoice in the same transaction", d, got, gerr)
		return err
	})
	wantAlreadyExists(t, what, err)
	invoiceKind.wantStored(t, run, "after the refused finalization", d)
	invoiceKind.wantStored(t, run, "of the invoice whose Number the refused finalization wanted", first)

	// The next Number is free; an invoice keeping its own Number is no conflict.
	fin.Number = "INV-0002"
	inTx(t, run, "UpdateInvoice finalizing a draft with a free Number", invoiceKind.updating(fin))
	fin.Version = 2
	invoiceKind.wantStored(t, run, "after the finalization", fin)
	sent := first
	sent.Status, sent.SentOn = invoice.StatusSent, ts0.Add(time.Hour)
	inTx(t, run, "UpdateInvoice keeping its Number", invoiceKind.updating(sent))
	sent.Version = 2
	invoiceKind.wantStored(t, run, "after an update keeping its Number", sent)

	// Moving an invoice into a scheme where its Number is taken is refused.
	moved := inB
	moved.SchemeID = a.ID
	wantAlreadyExists(t, "UpdateInvoice moving an invoice into a scheme where its Number is taken", run(t.Context(), invoiceKind.updating(moved)))
	invoiceKind.wantStored(t, run, "after the refused move", inB)

	// Within one transaction too: an invoice created with the Number a draft of the scheme was just
	// finalized with is refused.
	finalized := drafts[1]
	finalized.Number, finalized.Status = "INV-0003", invoice.StatusFinalized
	created := finalInvoice(randomID[psa.InvoiceID](), other, a.ID, finalized.Number, "Created after a finalization")
	wantAlreadyExists(t, "UpdateInvoice finalizing a draft, then CreateInvoice with its Number, in one transaction", run(t.Context(), func(ctx context.Context, tx invoice.Tx) error {
		if err := tx.UpdateInvoice(ctx, finalized); err != nil {
			return fmt.Errorf("UpdateInvoice finalizing a draft with a free Number: %v", err)
		}
		return tx.CreateInvoice(ctx, created)
	}))
	invoiceKind.wantStored(t, run, "after a rolled-back transaction that finalized it", drafts[1])
	invoiceKind.wantNoID(t, run, "GetInvoice of an invoice refused in a rolled-back transaction", created.ID)

	invoiceKind.wantListings(t, run, "of the first client", nil, owner, first.ID, inB.ID, drafts[0].ID, drafts[2].ID)
	invoiceKind.wantListings(t, run, "of the other client", nil, other, drafts[1].ID, drafts[3].ID)
}

func testInvoiceVersions(t *testing.T, h Harness) {
	t.Run("invoice", func(t *testing.T) {
		checkVersions(t, h.Invoice, invoiceKind, fullInvoice(t, randomID[psa.InvoiceID](), randomID[psa.ClientID](), invoiceScheme, "INV-versioned"))
	})
	t.Run("scheme", func(t *testing.T) {
		checkVersions(t, h.Invoice, schemeKind, fullScheme(t, randomID[psa.NumberingSchemeID]()))
	})
}

func testInvoiceRollback(t *testing.T, h Harness) {
	run := h.Invoice
	owner := randomID[psa.ClientID]()
	preScheme := fullScheme(t, randomID[psa.NumberingSchemeID]())
	pre := fullInvoice(t, randomID[psa.InvoiceID](), owner, preScheme.ID, "GS-2025/03-00041 {DE}")
	setUp(t, run, schemeKind.creating(preScheme), invoiceKind.creating(pre))

	cl := newClient(newID[psa.ClientID](t), "Rolled back client")
	cl.ExternalID = "crm-rolled-back"
	sc := newScheme(t, newID[psa.NumberingSchemeID](t), "Rolled back")
	inv := fullInvoice(t, newID[psa.InvoiceID](t), cl.ID, preScheme.ID, "GS-2025/03-00042 {DE}")
	draft := newInvoice(randomID[psa.InvoiceID](), cl.ID, "Rolled back draft")
	changed := copyInvoice(pre)
	changed.Number, changed.Status = "GS-2025/03-00043 {DE}", invoice.StatusPaid
	changed.Payments = append(changed.Payments, invoice.Payment{ID: newID[psa.PaymentID](t), Date: day(2025, time.May, 2), Amount: money(t, "50.00", "EUR")})
	bumped := preScheme
	bumped.Last, bumped.Name = preScheme.Last+2, "Changed by a rolled-back transaction"
	write := sequence(creatingClientsIn(cl), schemeKind.creating(sc), invoiceKind.creating(inv, draft), invoiceKind.updating(changed), schemeKind.updating(bumped))
	checkRollback(t, "invoice runner", run, write, func(how string) {
		t.Helper()
		clientKind.wantGone(t, psa.Adapt[client.Tx](run), "of the rolled-back client "+how, cl)
		schemeKind.wantGone(t, run, "of the rolled-back scheme "+how, sc)
		invoiceKind.wantGone(t, run, "of the rolled-back invoice "+how, inv)
		invoiceKind.wantGone(t, run, "of the rolled-back draft "+how, draft)
		invoiceKind.wantStored(t, run, "of the invoice the transaction updated "+how, pre)
		schemeKind.wantStored(t, run, "of the scheme the transaction updated "+how, preScheme)
		invoiceKind.wantListings(t, run, "of the committed invoice's client "+how, nil, owner, pre.ID)
		invoiceKind.wantListings(t, run, "of the rolled-back client "+how, nil, cl.ID)
	})
}

func testInvoiceReadYourOwnWrites(t *testing.T, h Harness) {
	run := h.Invoice
	cl := billable(t, newID[psa.ClientID](t))
	old := newInvoice(randomID[psa.InvoiceID](), cl.ID, "Committed before its client")
	setUp(t, run, invoiceKind.creating(old))

	sc := newScheme(t, newID[psa.NumberingSchemeID](t), "Invoices")
	sc.Confirmed = true
	full := fullInvoice(t, newID[psa.InvoiceID](t), cl.ID, sc.ID, "INV-1")
	draft := newInvoice(randomID[psa.InvoiceID](), cl.ID, "Draft")
	draft.SchemeID = sc.ID
	const in = "in the creating transaction"
	var finalScheme invoice.Scheme
	var final invoice.Invoice
	inTx(t, run, "read-your-own-writes transaction", func(ctx context.Context, tx invoice.Tx) error {
		if err := sequence(creatingClientsIn(cl), schemeKind.creating(sc), invoiceKind.creating(full, draft))(ctx, tx); err != nil {
			return err
		}
		clientKind.wantStoredIn(t, ctx, tx, in, cl)
		schemeKind.wantStoredIn(t, ctx, tx, in, sc)
		invoiceKind.wantStoredIn(t, ctx, tx, in, full)
		invoiceKind.wantStoredIn(t, ctx, tx, in, draft)
		listed := walk(t, "ListInvoices (limit 1) "+in, 1, inThisTx(ctx, tx, invoiceKind.of(cl.ID)))
		wantIDs(t, "ListInvoices (limit 1) of a committed and new invoices "+in, listed, invoiceKind.idOf, []psa.InvoiceID{old.ID, full.ID, draft.ID})

		// Finalize the draft as invoice.Service does: the scheme's counter and the invoice.
		s, err := tx.GetScheme(ctx, sc.ID)
		if err != nil {
			return fmt.Errorf("GetScheme of a scheme put in the same transaction: %w", err)
		}
		s.Last, s.LastYear = 2, 2025
		if err := tx.PutScheme(ctx, s); err != nil {
			return fmt.Errorf("PutScheme with version 1 of a scheme put in the same transaction: %w", err)
		}
		s.Version = 2
		schemeKind.wantStoredIn(t, ctx, tx, "after PutScheme (want Version 2) "+in, s)
		fin := draft
		fin.Number, fin.Status, fin.Date, fin.DueDate = "INV-2", invoice.StatusFinalized, day(2025, time.March, 14), day(2025, time.April, 13)
		if err := tx.UpdateInvoice(ctx, fin); err != nil {
			return fmt.Errorf("UpdateInvoice finalizing a draft created in the same transaction: %w", err)
		}
		fin.Version = 2
		invoiceKind.wantStoredIn(t, ctx, tx, "after UpdateInvoice (want Version 2) "+in, fin)
		if err := tx.UpdateInvoice(ctx, draft); !errors.Is(err, psa.ErrConflict) {
			t.Errorf("UpdateInvoice with version 1 after an update in the same transaction: got error %v, want one wrapping psa.ErrConflict", err)
		}
		listed = walk(t, "ListInvoices after the finalization "+in, 0, inThisTx(ctx, tx, invoiceKind.of(cl.ID)))
		if got, ok := find(listed, invoiceKind.idOf, fin.ID); ok {
			diff(t, "ListInvoices item of the invoice finalized "+in, fin, got)
		} else {
			t.Errorf("ListInvoices %s does not list the finalized invoice %s", in, fin.ID)
		}
		finalScheme, final = s, fin
		return nil
	})

	const after = "after the transaction committed"
	clientKind.wantStored(t, psa.Adapt[client.Tx](run), after, cl)
	schemeKind.wantStored(t, run, after, finalScheme)
	invoiceKind.wantStored(t, run, after, full)
	invoiceKind.wantStored(t, run, after, final)
	invoiceKind.wantListings(t, run, after, nil, cl.ID, old.ID, full.ID, draft.ID)
}

func testInvoiceConcurrentCreates(t *testing.T, h Harness) {
	t.Run("invoice", func(t *testing.T) { checkConcurrentCreates(t, h.Invoice, invoiceKind) })
	t.Run("scheme", func(t *testing.T) { checkConcurrentCreates(t, h.Invoice, schemeKind) })
}

func testConcurrentSchemeUpdates(t *testing.T, h Harness) {
	const n = 16
	run := h.Invoice
	sc := newScheme(t, newID[psa.NumberingSchemeID](t), "Contended")
	sc.Confirmed = true
	schemeKind.store(t, run, sc)

	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			wantRetried(t, fmt.Sprintf("transaction %d incrementing the scheme's Last", i), func() error {
				return run(t.Context(), func(ctx context.Context, tx invoice.Tx) error {
					s, err := tx.GetScheme(ctx, sc.ID)
					if err != nil {
						return fmt.Errorf("GetScheme: %w", err)
					}
					s.Last++
					return tx.PutScheme(ctx, s)
				})
			}, psa.ErrConflict)
		})
	}
	close(start)
	wg.Wait()
	got := mustRead(t, run, "GetScheme", schemeKind.getting(sc.ID))
	if got.Last != n || got.Version != n+1 {
		t.Errorf("after %d concurrent transactions each incrementing Last: Last %d, Version %d; want %d, %d (an update was lost)", n, got.Last, got.Version, n, n+1)
	}
}

// billable returns a client with complete billing information in EUR on net 30 terms, billed
// itself (not through a parent).
func billable(t *testing.T, id psa.ClientID) client.Client {
	t.Helper()
	c := fullClient(t, id, psa.ClientID{}, psa.ContactID{}, []psa.ContactID{randomID[psa.ContactID](), randomID[psa.ContactID]()}, "95.50")
	c.ExternalID, c.BillToParent = "", false
	return c
}

func testConcurrentFinalization(t *testing.T, h Harness) {
	const drafts, workers = 50, 8
	svc := invoice.NewService(h.Invoice, &invoice.Options{Options: psa.Options{Now: func() time.Time { return ts0 }}})
	cl := billable(t, newID[psa.ClientID](t))
	clientKind.store(t, h.Client, cl)
	sc, err := svc.PutScheme(t.Context(), invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: template(t, "INV-{SEQ:4}"), Confirmed: true})
	if err != nil {
		t.Fatalf("invoice.Service.PutScheme: %v", err)
	}
	amount := money(t, "10.00", "EUR")
	jobs := make(chan invoice.Invoice, drafts)
	for i := range drafts {
		d, err := svc.CreateDraft(t.Context(), invoice.Invoice{ClientID: cl.ID, Currency: currency.EUR, Lines: []invoice.Line{
			{Description: fmt.Sprintf("Line of draft %d", i+1), ClientID: cl.ID, Quantity: decimal.NewFromInt(1), UnitPrice: amount, Amount: amount},
		}})
		if err != nil {
			t.Fatalf("invoice.Service.CreateDraft %d (of a client stored through Harness.Client): %v (the runners must run on one store)", i+1, err)
		}
		jobs <- d
	}
	close(jobs)

	date := day(2025, time.March, 14)
	var mu sync.Mutex
	numbers := map[psa.InvoiceID]string{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for d := range jobs {
				var inv invoice.Invoice
				ok := wantRetried(t, fmt.Sprintf("worker %d finalizing draft %s", w, d.ID), func() error {
					var err error
					inv, err = svc.Finalize(t.Context(), d.ID, d.Version, sc.ID, date)
					return err
				}, psa.ErrConflict)
				if ok {
					mu.Lock()
					numbers[d.ID] = inv.Number
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()

	want := make([]string, drafts)
	for i := range want {
		want[i] = fmt.Sprintf("INV-%04d", i+1)
	}
	got := slices.Sorted(func(yield func(string) bool) {
		for _, n := range numbers {
			if !yield(n) {
				return
			}
		}
	})
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the numbers of %d drafts finalized concurrently from %d goroutines: want INV-0001 to INV-%04d, each once (-want +got):\n%s", drafts, workers, drafts, d)
	}
	stored := mustRead(t, h.Invoice, "ListInvoices", invoicesOf(cl.ID))
	if len(stored) != drafts {
		t.Errorf("ListInvoices of the client after the finalizations: got %d invoices, want %d", len(stored), drafts)
	}
	for _, inv := range stored {
		if inv.Status != invoice.StatusFinalized || inv.SchemeID != sc.ID || inv.Number != numbers[inv.ID] || inv.Version != 2 {
			t.Errorf("stored invoice %s: Status %q, scheme %s, Number %q, Version %d; want %q, %s, %q (as Finalize returned), 2",
				inv.ID, inv.Status, inv.SchemeID, inv.Number, inv.Version, invoice.StatusFinalized, sc.ID, numbers[inv.ID])
		}
	}
	if got := mustRead(t, h.Invoice, "GetScheme", schemeKind.getting(sc.ID)); got.Last != drafts || got.Version != drafts+1 {
		t.Errorf("GetScheme after %d finalizations: Last %d, Version %d; want %d, %d", drafts, got.Last, got.Version, drafts, drafts+1)
	}
}
