package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
)

// billingCases are the cases of the stores of package billing (billing.Tx): sales items, usage
// records and claims. The values they store belong to clients, parts, subjects and invoices that
// are not stored (except where a case says so): the billing store methods take those IDs as
// plain values.
func billingCases() []testCase {
	needs := []string{"Billing"}
	return []testCase{
		{
			name: "RoundTripSalesItem",
			contract: "CreateSalesItem and UpdateSalesItem store a sales item as given, every field included (what it sells, its PO " +
				"number, the invoice that billed it), and GetSalesItem and ListSalesItems return a value equal to it (142.5 EUR equals " +
				"142.50 EUR); UpdateSalesItem stores Version+1.",
			needs: needs, run: testRoundTripSalesItem,
		},
		{
			name: "RoundTripUsage",
			contract: "CreateUsage and UpdateUsage store a usage record as given, every field included (part, period, quantity, " +
				"instants to the microsecond), and ListUsage of its part returns a value equal to it; UpdateUsage stores Version+1.",
			needs: needs, run: testRoundTripUsage,
		},
		{
			name: "RoundTripClaim",
			contract: "CreateClaim stores a claim as given, every field included, and ListClaims of its subject and ListInvoiceClaims " +
				"of its invoice return a value equal to it (a claim without an amount keeps the zero Money); UpdateClaim, which takes " +
				"no version, replaces it as given, as often as it is called.",
			needs: needs, run: testRoundTripClaim,
		},
		{
			name: "BillingNotFound",
			contract: "GetSalesItem of an unknown ID, and UpdateSalesItem, UpdateUsage and UpdateClaim of an unknown ID, fail with a " +
				"*psa.NotFoundError and create nothing; ListUsage, ListClaims and ListInvoiceClaims of what has none return an empty " +
				"list, not an error.",
			needs: needs, run: testBillingNotFound,
		},
		{
			name: "BillingAlreadyExistsID",
			contract: "CreateSalesItem, CreateUsage and CreateClaim fail with a *psa.AlreadyExistsError (wrapping psa.ErrAlreadyExists) " +
				"when the ID (a claim's LineID) is taken, and leave the stored value unchanged.",
			needs: needs, run: testBillingAlreadyExistsID,
		},
		{
			name: "UniqueUsagePerPeriod",
			contract: "CreateUsage fails with a *psa.AlreadyExistsError for a second record of the same part and period start (whatever " +
				"its period end), also within one transaction, and stores nothing; the same period of another part, and another " +
				"period of the same part, are fine, and an UpdateUsage keeping its period is no conflict.",
			needs: needs, run: testUniqueUsagePerPeriod,
		},
		{
			name: "BillingVersions",
			contract: "UpdateSalesItem and UpdateUsage succeed only when the given Version equals the stored one, and then store " +
				"Version+1; a stale Version fails with a *psa.VersionConflictError and changes nothing.",
			needs: needs, run: testBillingVersions,
		},
		{
			name: "BillingNoAliasing",
			contract: "Stores take and return copies: changing a sales item, usage record or claim after passing it to a store method, " +
				"or in the values (and the slices holding them) that GetSalesItem, ListSalesItems, ListUsage, ListClaims or " +
				"ListInvoiceClaims returned, does not change what is stored.",
			needs: needs, run: testBillingNoAliasing,
		},
		{
			name: "PaginateSalesItems",
			contract: "ListSalesItems walks exactly the given client's sales items, each once, in ascending ID order, at most Limit " +
				"per page, and follows an UpdateSalesItem that changes ClientID.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkPagination(t, h.Billing, salesItemKind, []int{23, 7, 0}, []int{10, 0}, nil)
			},
		},
		{
			name: "InvalidSalesItemPageRequest",
			contract: "ListSalesItems with a cursor the store did not issue fails with an error wrapping psa.ErrBadCursor (and " +
				"psa.ErrInvalid); a negative Limit fails with psa.ErrInvalid.",
			needs: needs, run: func(t *testing.T, h Harness) { checkInvalidPages(t, h.Billing, salesItemKind) },
		},
		{
			name: "ClaimOrder",
			contract: "ListClaims returns exactly the claims on a subject, and ListInvoiceClaims exactly the claims made by an invoice, " +
				"each once, in ascending LineID order (not creation order), released claims included, also inside the transaction " +
				"that creates some of them.",
			needs: needs, run: testClaimOrder,
		},
		{
			name: "BillingRollback",
			contract: "When fn returns an error the billing runner returns that error unchanged and keeps nothing fn wrote: clients, " +
				"sales items, usage records and claims, and the updates of stored ones, are all undone, and the part and period a " +
				"rolled-back usage record claimed are free again.",
			needs: needs, run: testBillingRollback,
		},
	}
}

// The kinds of package billing, for the generic cases. Sales items belong to clients, usage
// records to parts and claims to subjects, none of them stored. Their values hold no slice or
// pointer, so they are copied as they are, and scribbling overwrites every field: what the
// no-aliasing case checks is that the slices and pages the listings return are the caller's.
var (
	salesItemKind = kind[billing.Tx, psa.SalesItemID, psa.ClientID, billing.SalesItem]{
		name: "SalesItem", ownerName: "client",
		fields: func(it *billing.SalesItem) fields[psa.SalesItemID, psa.ClientID] {
			return fields[psa.SalesItemID, psa.ClientID]{id: &it.ID, owner: &it.ClientID, version: &it.Version, label: &it.Description}
		},
		create: billing.Tx.CreateSalesItem, get: billing.Tx.GetSalesItem, update: billing.Tx.UpdateSalesItem,
		listOf: billing.Tx.ListSalesItems,
		bare:   newSalesItem, owners: unstored[billing.Tx, psa.ClientID],
		clone: func(it billing.SalesItem) billing.SalesItem { return it },
		scribble: func(t *testing.T, it *billing.SalesItem) {
			*it = fullSalesItem(t, randomID[psa.SalesItemID](), randomID[psa.ClientID]())
			it.Description, it.Version = "scribbled", 99
		},
	}
	usageKind = kind[billing.Tx, psa.UsageID, psa.PartID, billing.Usage]{
		name: "Usage", plural: "Usage", ownerName: "part",
		fields: func(u *billing.Usage) fields[psa.UsageID, psa.PartID] {
			return fields[psa.UsageID, psa.PartID]{id: &u.ID, owner: &u.PartID, version: &u.Version,
				setLabel: func(label string) { u.Quantity = usageQuantity(label) }}
		},
		create: billing.Tx.CreateUsage, update: billing.Tx.UpdateUsage, every: billing.Tx.ListUsage,
		bare: func(_ *testing.T, id psa.UsageID, part psa.PartID, label string) billing.Usage {
			return newUsage(id, part, label)
		},
		owners: unstored[billing.Tx, psa.PartID],
		clone:  func(u billing.Usage) billing.Usage { return u },
		scribble: func(t *testing.T, u *billing.Usage) {
			*u = fullUsage(t, randomID[psa.UsageID](), randomID[psa.PartID]())
			u.Quantity, u.Version = usageQuantity("scribbled"), 99
		},
	}
	// claimKind's update is UpdateClaim, which takes no version: the generic cases that need one
	// (checkVersions, and the update of checkNoAliasing) do not apply to claims.
	claimKind = kind[billing.Tx, psa.InvoiceLineID, billing.Subject, billing.Claim]{
		name: "Claim", ownerName: "subject",
		fields: func(c *billing.Claim) fields[psa.InvoiceLineID, billing.Subject] {
			return fields[psa.InvoiceLineID, billing.Subject]{id: &c.LineID, owner: &c.Subject, label: &c.Key}
		},
		create: billing.Tx.CreateClaim, update: billing.Tx.UpdateClaim,
		every: func(tx billing.Tx, ctx context.Context, s billing.Subject) ([]billing.Claim, error) {
			return tx.ListClaims(ctx, s)
		},
		more: func(c billing.Claim) []reader[billing.Tx, billing.Claim] {
			return []reader[billing.Tx, billing.Claim]{{"ListInvoiceClaims", invoiceClaims(c.InvoiceID)}}
		},
		bare: func(_ *testing.T, id psa.InvoiceLineID, s billing.Subject, key string) billing.Claim {
			return newClaim(id, s, key)
		},
		owners: unstored[billing.Tx, billing.Subject],
		clone: func(c billing.Claim) billing.Claim {
			if c.Consumed != nil {
				u := *c.Consumed
				c.Consumed = &u
			}
			return c
		},
		scribble: func(t *testing.T, c *billing.Claim) {
			if c.Consumed != nil {
				*c.Consumed = billing.Consumption{ContractID: randomID[psa.ContractID](), Use: contract.Use{Period: day(1999, time.January, 1), Incidents: 99}}
			}
		},
	}
)

// invoiceClaims returns the read of the claims made by inv.
func invoiceClaims(inv psa.InvoiceID) func(ctx context.Context, tx billing.Tx) ([]billing.Claim, error) {
	return func(ctx context.Context, tx billing.Tx) ([]billing.Claim, error) {
		return tx.ListInvoiceClaims(ctx, inv)
	}
}

// claimsOn returns the read of the claims on subject.
func claimsOn(subject billing.Subject) func(ctx context.Context, tx billing.Tx) ([]billing.Claim, error) {
	return func(ctx context.Context, tx billing.Tx) ([]billing.Claim, error) { return tx.ListClaims(ctx, subject) }
}

func testRoundTripSalesItem(t *testing.T, h Harness) {
	run := h.Billing
	owner, elsewhere := randomID[psa.ClientID](), randomID[psa.ClientID]()
	full := fullSalesItem(t, newID[psa.SalesItemID](t), owner)
	bare := newSalesItem(t, randomID[psa.SalesItemID](), owner, "Only the required fields")
	other := newSalesItem(t, newID[psa.SalesItemID](t), elsewhere, "Of another client")
	salesItemKind.store(t, run, full, bare, other)

	// The same values, written differently.
	want := full
	want.UnitPrice, want.Quantity = money(t, "142.50", "EUR"), dec(t, "1.50")
	wantReadBack(t, run, salesItemKind, sample[billing.SalesItem]{"a sales item with every field set", full, want},
		same("a sales item with only the required fields", bare), same("a sales item of another client", other))

	// An update stores every field too.
	u := fullSalesItem(t, full.ID, owner)
	u.Item = billing.Item{ServiceID: randomID[psa.ServiceID](), Description: "Docking station, returned", Quantity: dec(t, "-1"),
		UnitPrice: money(t, "0.00", "EUR"), Date: day(2025, time.April, 1), PONumber: "PO-77814"}
	u.InvoiceID, u.UpdatedAt = randomID[psa.InvoiceID](), ts0.Add(48*time.Hour+time.Microsecond)
	inTx(t, run, "UpdateSalesItem changing every field", salesItemKind.updating(u))
	u.Version = 2
	wantReadBack(t, run, salesItemKind, same("the updated sales item (want Version 2)", u),
		same("a sales item with only the required fields", bare), same("a sales item of another client", other))
}

func testRoundTripUsage(t *testing.T, h Harness) {
	run := h.Billing
	part, elsewhere := randomID[psa.PartID](), randomID[psa.PartID]()
	full := fullUsage(t, newID[psa.UsageID](t), part)
	bare := newUsage(randomID[psa.UsageID](), part, "Another period")
	other := fullUsage(t, newID[psa.UsageID](t), elsewhere)
	usageKind.store(t, run, full, bare, other)

	want := full
	want.Quantity = dec(t, "12.50")
	wantReadBack(t, run, usageKind, sample[billing.Usage]{"a usage record with every field set", full, want},
		same("a usage record of another period", bare), same("a usage record of the same period of another part", other))

	u := full
	u.Quantity, u.UpdatedAt = dec(t, "0"), ts0.Add(24*time.Hour+9*time.Microsecond)
	u.Period.End = day(2025, time.March, 31)
	inTx(t, run, "UpdateUsage changing quantity, period end and UpdatedAt", usageKind.updating(u))
	u.Version = 2
	wantReadBack(t, run, usageKind, same("the updated usage record (want Version 2)", u),
		same("a usage record of another period", bare), same("a usage record of the same period of another part", other))
}

func testRoundTripClaim(t *testing.T, h Harness) {
	run := h.Billing
	subject, elsewhere := billing.Subject{UUID: uuid.New()}, billing.Subject{UUID: uuid.New()}
	inv := randomID[psa.InvoiceID]()
	full := fullClaim(t, newID[psa.InvoiceLineID](t), subject, inv)
	bare := newClaim(randomID[psa.InvoiceLineID](), subject, "setup fee")
	other := fullClaim(t, newID[psa.InvoiceLineID](t), elsewhere, inv)
	other.Released, other.Key, other.Amount = false, "time", money(t, "-20", "EUR")
	claimKind.store(t, run, full, bare, other)

	want := full
	want.Amount = money(t, "142.50", "EUR")
	samples := []sample[billing.Claim]{{"a claim with every field set", full, want},
		same("a claim without an amount", bare), same("a claim on another subject by the same invoice", other)}
	wantReadBack(t, run, claimKind, samples...)
	wantClaims(t, run, "ListInvoiceClaims of the invoice of two claims", invoiceClaims(inv), want, other)
	wantClaims(t, run, "ListInvoiceClaims of the invoice of the claim without an amount", invoiceClaims(claimInvoice), bare)

	// UpdateClaim takes no version: it replaces the claim as given, every time.
	for i, released := range []bool{true, false, true} {
		u := bare
		u.Released, u.Amount = released, money(t, fmt.Sprintf("%d.25", i), "EUR")
		inTx(t, run, fmt.Sprintf("UpdateClaim %d setting Released to %t", i+1, released), claimKind.updating(u))
		samples[1].want = u
		wantReadBack(t, run, claimKind, samples...)
	}
}

// wantClaims reports an error unless list, run in a transaction of its own, returns exactly want,
// in ascending LineID order.
func wantClaims(t *testing.T, run psa.Runner[billing.Tx], what string, list func(ctx context.Context, tx billing.Tx) ([]billing.Claim, error), want ...billing.Claim) {
	t.Helper()
	got := mustRead(t, run, what, list)
	ids := make([]psa.InvoiceLineID, len(want))
	for i, c := range want {
		ids[i] = c.LineID
	}
	wantIDs(t, what, got, claimKind.idOf, ids)
	for _, w := range want {
		if g, ok := find(got, claimKind.idOf, w.LineID); ok {
			diff(t, what+": claim "+w.LineID.String(), w, g)
		}
	}
}

func testBillingNotFound(t *testing.T, h Harness) {
	t.Run("sales item", func(t *testing.T) { checkNotFound(t, h.Billing, salesItemKind) })
	t.Run("usage", func(t *testing.T) { checkNotFound(t, h.Billing, usageKind) })
	t.Run("claim", func(t *testing.T) {
		checkNotFound(t, h.Billing, claimKind)
		wantClaims(t, h.Billing, "ListInvoiceClaims of an invoice without claims", invoiceClaims(randomID[psa.InvoiceID]()))
	})
}

func testBillingAlreadyExistsID(t *testing.T, h Harness) {
	t.Run("sales item", func(t *testing.T) { checkIDTaken(t, h.Billing, salesItemKind) })
	t.Run("usage", func(t *testing.T) { checkIDTaken(t, h.Billing, usageKind) })
	t.Run("claim", func(t *testing.T) { checkIDTaken(t, h.Billing, claimKind) })
}

func testUniqueUsagePerPeriod(t *testing.T, h Harness) {
	run := h.Billing
	part, other := randomID[psa.PartID](), randomID[psa.PartID]()
	march := fullUsage(t, newID[psa.UsageID](t), part)
	usageKind.store(t, run, march)

	// A second record of the part for the period start is refused, whatever its period end.
	for _, end := range []psa.Date{march.Period.End, march.Period.End.AddDays(-3)} {
		dup := newUsage(randomID[psa.UsageID](), part, "Duplicate")
		dup.Period = psa.Period{Start: march.Period.Start, End: end}
		what := fmt.Sprintf("CreateUsage of a second record of the part for the period %s to %s", dup.Period.Start, end)
		wantAlreadyExists(t, what, run(t.Context(), usageKind.creating(dup)))
		usageKind.wantGone(t, run, "of the refused record, after "+what, dup)
	}
	usageKind.wantStored(t, run, "of the record whose period the duplicates wanted", march)

	// The same period of another part, and another period of the part, are fine.
	elsewhere := newUsage(newID[psa.UsageID](t), other, "Same period, other part")
	elsewhere.Period = march.Period
	april := newUsage(randomID[psa.UsageID](), part, "Next period")
	april.Period = psa.Period{Start: march.Period.End, End: march.Period.End.AddMonths(1)}
	inTx(t, run, "CreateUsage of the same period of another part, and of the next period of the part", usageKind.creating(elsewhere, april))

	// Keeping one's own period is no conflict.
	kept := march
	kept.Quantity = dec(t, "14")
	inTx(t, run, "UpdateUsage keeping its period", usageKind.updating(kept))
	kept.Version = 2
	usageKind.wantStored(t, run, "after an update keeping its period", kept)

	// Within one transaction too.
	may1 := newUsage(newID[psa.UsageID](t), part, "May, first")
	may1.Period = psa.Period{Start: april.Period.End, End: april.Period.End.AddMonths(1)}
	may2 := newUsage(randomID[psa.UsageID](), part, "May, second")
	may2.Period = may1.Period
	wantAlreadyExists(t, "CreateUsage of two records of one part and period in one transaction", run(t.Context(), func(ctx context.Context, tx billing.Tx) error {
		if err := tx.CreateUsage(ctx, may1); err != nil {
			return fmt.Errorf("first CreateUsage: %v", err)
		}
		return tx.CreateUsage(ctx, may2)
	}))
	usageKind.wantGone(t, run, "of a record of a rolled-back transaction", may1)
	usageKind.wantGone(t, run, "of a refused record", may2)

	usageKind.wantListings(t, run, "of the part", nil, part, march.ID, april.ID)
	usageKind.wantListings(t, run, "of the other part", nil, other, elsewhere.ID)
}

func testBillingVersions(t *testing.T, h Harness) {
	t.Run("sales item", func(t *testing.T) {
		checkVersions(t, h.Billing, salesItemKind, fullSalesItem(t, randomID[psa.SalesItemID](), randomID[psa.ClientID]()))
	})
	t.Run("usage", func(t *testing.T) {
		checkVersions(t, h.Billing, usageKind, fullUsage(t, randomID[psa.UsageID](), randomID[psa.PartID]()))
	})
}

func testBillingNoAliasing(t *testing.T, h Harness) {
	t.Run("sales item", func(t *testing.T) {
		checkNoAliasing(t, h.Billing, salesItemKind, fullSalesItem(t, randomID[psa.SalesItemID](), randomID[psa.ClientID]()))
	})
	t.Run("usage", func(t *testing.T) {
		checkNoAliasing(t, h.Billing, usageKind, fullUsage(t, randomID[psa.UsageID](), randomID[psa.PartID]()))
	})
	t.Run("claim", func(t *testing.T) {
		k := claimKind
		k.update = nil // UpdateClaim takes a value without slices, and no version
		checkNoAliasing(t, h.Billing, k, fullClaim(t, randomID[psa.InvoiceLineID](), billing.Subject{UUID: uuid.New()}, randomID[psa.InvoiceID]()))
	})
}

func testClaimOrder(t *testing.T, h Harness) {
	const n = 16
	run := h.Billing
	subjects := []billing.Subject{{UUID: uuid.New()}, {UUID: uuid.New()}}
	invoices := []psa.InvoiceID{randomID[psa.InvoiceID](), randomID[psa.InvoiceID]()}
	claims := make([]billing.Claim, n)
	for i := range claims {
		claims[i] = fullClaim(t, mixedID[psa.InvoiceLineID](t, i), subjects[i%2], invoices[i/2%2])
		claims[i].Key, claims[i].Released = fmt.Sprintf("period %d", i), i%3 == 0
	}
	// Created in two transactions, neither in ID order.
	setUp(t, run, claimKind.creating(claims[n/2:]...))
	setUp(t, run, claimKind.creating(claims[:n/2]...))

	of := func(keep func(c billing.Claim) bool) []billing.Claim {
		var out []billing.Claim
		for _, c := range claims {
			if keep(c) {
				out = append(out, c)
			}
		}
		return out
	}
	check := func(when string) {
		t.Helper()
		for i, s := range subjects {
			wantClaims(t, run, fmt.Sprintf("ListClaims of subject %d%s", i+1, when), claimsOn(s), of(func(c billing.Claim) bool { return c.Subject == s })...)
		}
		for i, inv := range invoices {
			wantClaims(t, run, fmt.Sprintf("ListInvoiceClaims of invoice %d%s", i+1, when), invoiceClaims(inv), of(func(c billing.Claim) bool { return c.InvoiceID == inv })...)
		}
		wantClaims(t, run, "ListClaims of a subject without claims"+when, claimsOn(billing.Subject{UUID: uuid.New()}))
		wantClaims(t, run, "ListInvoiceClaims of an invoice without claims"+when, invoiceClaims(randomID[psa.InvoiceID]()))
	}
	check("")

	// Releasing claims changes no order; claims created in a transaction are listed in it.
	for i := 1; i < n; i += 4 {
		claims[i].Released = true
	}
	inTx(t, run, "UpdateClaim releasing claims", claimKind.updating(claims[1], claims[5], claims[9], claims[13]))
	late := fullClaim(t, randomID[psa.InvoiceLineID](), subjects[0], invoices[1])
	claims = append(claims, late)
	inTx(t, run, "CreateClaim, then ListClaims and ListInvoiceClaims in the same transaction", func(ctx context.Context, tx billing.Tx) error {
		if err := tx.CreateClaim(ctx, late); err != nil {
			return fmt.Errorf("CreateClaim: %w", err)
		}
		got, err := tx.ListClaims(ctx, subjects[0])
		if err != nil {
			return fmt.Errorf("ListClaims: %w", err)
		}
		wantIDs(t, "ListClaims in the transaction that created a claim", got, claimKind.idOf, lineIDs(of(func(c billing.Claim) bool { return c.Subject == subjects[0] })))
		got, err = tx.ListInvoiceClaims(ctx, invoices[1])
		if err != nil {
			return fmt.Errorf("ListInvoiceClaims: %w", err)
		}
		wantIDs(t, "ListInvoiceClaims in the transaction that created a claim", got, claimKind.idOf, lineIDs(of(func(c billing.Claim) bool { return c.InvoiceID == invoices[1] })))
		return nil
	})
	check(" after releases and a late claim")
}

// lineIDs returns the LineIDs of claims.
func lineIDs(claims []billing.Claim) []psa.InvoiceLineID {
	out := make([]psa.InvoiceLineID, len(claims))
	for i, c := range claims {
		out[i] = c.LineID
	}
	return out
}

func testBillingRollback(t *testing.T, h Harness) {
	run := h.Billing
	owner, part, subject := randomID[psa.ClientID](), randomID[psa.PartID](), billing.Subject{UUID: uuid.New()}
	preItem := fullSalesItem(t, randomID[psa.SalesItemID](), owner)
	preUsage := fullUsage(t, randomID[psa.UsageID](), part)
	preClaim := fullClaim(t, randomID[psa.InvoiceLineID](), subject, randomID[psa.InvoiceID]())
	setUp(t, run, salesItemKind.creating(preItem), usageKind.creating(preUsage), claimKind.creating(preClaim))

	cl := newClient(newID[psa.ClientID](t), "Rolled back client")
	cl.ExternalID = "crm-rolled-back"
	item := fullSalesItem(t, newID[psa.SalesItemID](t), cl.ID)
	usage := newUsage(newID[psa.UsageID](t), part, "Rolled back")
	usage.Period = psa.Period{Start: preUsage.Period.End, End: preUsage.Period.End.AddMonths(1)}
	claim := fullClaim(t, newID[psa.InvoiceLineID](t), subject, preClaim.InvoiceID)
	changedItem, changedUsage, changedClaim := preItem, preUsage, preClaim
	changedItem.Description, changedItem.ClientID = "Changed by a rolled-back transaction", cl.ID
	changedUsage.Quantity = dec(t, "99")
	changedClaim.Released = !preClaim.Released
	write := sequence(
		func(ctx context.Context, tx billing.Tx) error { return clientKind.creating(cl)(ctx, tx) },
		salesItemKind.creating(item), usageKind.creating(usage), claimKind.creating(claim),
		salesItemKind.updating(changedItem), usageKind.updating(changedUsage), claimKind.updating(changedClaim))
	checkRollback(t, "billing runner", run, write, func(how string) {
		t.Helper()
		clientKind.wantGone(t, psa.Adapt[client.Tx](run), "of the rolled-back client "+how, cl)
		salesItemKind.wantGone(t, run, "of the rolled-back sales item "+how, item)
		usageKind.wantGone(t, run, "of the rolled-back usage record "+how, usage)
		claimKind.wantGone(t, run, "of the rolled-back claim "+how, claim)
		salesItemKind.wantStored(t, run, "of the sales item the transaction updated "+how, preItem)
		usageKind.wantStored(t, run, "of the usage record the transaction updated "+how, preUsage)
		claimKind.wantStored(t, run, "of the claim the transaction updated "+how, preClaim)
		salesItemKind.wantListings(t, run, "of the committed sales item's client "+how, nil, owner, preItem.ID)
		salesItemKind.wantListings(t, run, "of the rolled-back client "+how, nil, cl.ID)
		usageKind.wantListings(t, run, "of the part "+how, nil, part, preUsage.ID)
		claimKind.wantListings(t, run, "of the subject "+how, nil, subject, preClaim.LineID)
		wantClaims(t, run, "ListInvoiceClaims of the committed claim's invoice "+how, invoiceClaims(preClaim.InvoiceID), preClaim)
	})
}
