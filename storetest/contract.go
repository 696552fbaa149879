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
	"github.com/psakit/psa/contract"
)

// contractCases are the cases of the stores of package contract (contract.Tx). The contracts they
// store belong to clients that are not stored (except where a case says so): the contract store
// methods take a ClientID as a plain value.
func contractCases() []testCase {
	needs := []string{"Contract"}
	return []testCase{
		{
			name: "RoundTripContract",
			contract: "CreateContract stores a contract as given, and GetContract, FindContractByDealID, ListContracts and ListAllContracts " +
				"return a value equal to it, every field included (amounts and decimals compare by value: 12.5 equals 12.50; a zero amount stays the zero Money).",
			needs: needs, run: testRoundTripContract,
		},
		{
			name: "RoundTripPart",
			contract: "CreatePart and UpdatePart store a part as given, every dated quantity kept in order, and GetPart and ListParts return a value equal to it " +
				"(quantity 10.0 equals 10; an unset unit price, the zero Money, differs from an explicit 0.00 EUR).",
			needs: needs, run: testRoundTripPart,
		},
		{
			name: "ContractNotFound",
			contract: "GetContract, GetPart and FindContractByDealID of an unknown key (and FindContractByDealID(\"\")), and UpdateContract and UpdatePart " +
				"of an unknown ID, fail with a *psa.NotFoundError (wrapping psa.ErrNotFound), and a failed update creates nothing.",
			needs: needs, run: testContractNotFound,
		},
		{
			name: "ContractAlreadyExistsID",
			contract: "CreateContract and CreatePart fail with a *psa.AlreadyExistsError (wrapping psa.ErrAlreadyExists) when the ID is taken, " +
				"and leave the stored object unchanged.",
			needs: needs, run: testContractAlreadyExistsID,
		},
		{
			name: "UniqueDealID",
			contract: "A non-empty contract DealID is unique: CreateContract and UpdateContract fail with a *psa.AlreadyExistsError when it is taken " +
				"by another contract; an empty DealID is never taken, and a DealID changed away from is free again.",
			needs: needs, run: testUniqueDealID,
		},
		{
			name: "ContractVersions",
			contract: "UpdateContract and UpdatePart succeed only when the given Version equals the stored one, and then store Version+1; " +
				"a stale (older or newer) Version fails with a *psa.VersionConflictError (wrapping psa.ErrConflict) and changes nothing.",
			needs: needs, run: testContractVersions,
		},
		{
			name: "History",
			contract: "ListHistory returns every entry AppendHistory stored for the contract, each field as given, in ascending Seq order, " +
				"and only that contract's entries; a contract without history has an empty list, not an error.",
			needs: needs, run: testHistory,
		},
		{
			name: "HistoryUniqueSeq",
			contract: "AppendHistory of a (ContractID, Seq) already stored fails with a *psa.AlreadyExistsError and changes nothing; " +
				"Seq is counted per contract, so another contract's entry may have the same Seq.",
			needs: needs, run: testHistoryUniqueSeq,
		},
		{
			name: "ContractRollback",
			contract: "When fn returns an error the contract runner returns that error unchanged and keeps nothing fn wrote: " +
				"clients, contracts, parts, history entries, updates and DealID claims are all undone.",
			needs: needs, run: testContractRollback,
		},
		{
			name: "ContractReadYourOwnWrites",
			contract: "A contract.Tx is also a client.Tx: one transaction that creates a client and a contract for it (with a part and history) " +
				"reads all of them back through Get, Find and every List call before it commits, updates included, and commits them together.",
			needs: needs, run: testContractReadYourOwnWrites,
		},
		{
			name:     "RunnersShareStore",
			contract: "Harness.Client and Harness.Contract run on the same store: what a transaction of one commits, a later transaction of the other reads.",
			needs:    []string{"Client", "Contract"}, run: testRunnersShareStore,
		},
		{
			name: "NoAliasingPartsAndHistory",
			contract: "Stores take and return copies: changing a part's Quantities after passing it to CreatePart or UpdatePart, or in a value returned " +
				"by GetPart or ListParts, or changing the entries ListHistory returned, does not change what is stored.",
			needs: needs, run: testNoAliasingPartsAndHistory,
		},
		{
			name: "PaginateContracts",
			contract: "ListContracts walks exactly the given client's contracts, and ListAllContracts every contract, each once, in ascending ID order, " +
				"at most Limit per page, and ListContracts follows an UpdateContract that changes ClientID.",
			needs: needs, run: testPaginateContracts,
		},
		{
			name: "PaginateParts",
			contract: "ListParts walks exactly the given contract's parts, each once, in ascending ID order, at most Limit per page, " +
				"and follows an UpdatePart that changes ContractID.",
			needs: needs, run: testPaginateParts,
		},
		{
			name: "InvalidContractPageRequest",
			contract: "ListContracts, ListAllContracts and ListParts with a cursor the store did not issue fail with an error wrapping psa.ErrBadCursor " +
				"(and psa.ErrInvalid); a negative Limit fails with psa.ErrInvalid.",
			needs: needs, run: testInvalidContractPageRequest,
		},
		{
			name: "ConcurrentHistoryAppends",
			contract: "Concurrent transactions that each append the next entry (ListHistory, then AppendHistory with Seq len+1) lose no entry and " +
				"store no Seq twice: a lost race surfaces only as psa.ErrAlreadyExists or psa.ErrConflict, after which a retry succeeds.",
			needs: needs, run: testConcurrentHistoryAppends,
		},
		{
			name: "ConcurrentDealIDClaims",
			contract: "Of concurrent CreateContract transactions claiming the same DealID, exactly one succeeds; the others fail with " +
				"psa.ErrAlreadyExists (a lost race may first be reported as psa.ErrConflict).",
			needs: needs, run: testConcurrentDealIDClaims,
		},
	}
}

// Fixtures.

// day returns the date of year, month and day.
func day(year int, month time.Month, d int) psa.Date { return psa.NewDate(year, month, d) }

// dec parses a decimal, failing the test on error.
func dec(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("storetest: decimal %q: %v", s, err)
	}
	return d
}

// newContract returns a time-and-materials draft contract of owner in EUR with only a name, a
// start date, timestamps and Version 1: every amount is the zero Money, every decimal zero.
func newContract(id psa.ContractID, owner psa.ClientID, name string) contract.Contract {
	return contract.Contract{
		ID:        id,
		ClientID:  owner,
		Terms:     contract.Terms{Name: name, Type: contract.TimeAndMaterials, Start: day(2025, time.January, 1)},
		Status:    contract.StatusDraft,
		Currency:  currency.EUR,
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullContract returns a retainer-by-hours contract of owner in EUR with every field set: every
// term (an anniversary quarterly schedule in arrears, 30/360, half-even rounding, net 14 terms,
// auto-renewal), every tracked amount, dealID and both renewal links.
func fullContract(t *testing.T, id psa.ContractID, owner psa.ClientID, dealID string) contract.Contract {
	t.Helper()
	net14, err := psa.NetDays(14)
	if err != nil {
		t.Fatalf("storetest: net 14: %v", err)
	}
	return contract.Contract{
		ID:       id,
		ClientID: owner,
		Terms: contract.Terms{
			Name:            "Managed Workplace Premium 2025",
			ReferenceNumber: "MSA-2025-0042",
			Type:            contract.RetainerHours,
			Description:     "Block of hours for on-site and remote support.\nUnused hours roll over.",
			PONumber:        "PO-77813",
			Start:           day(2025, time.January, 31),
			End:             day(2026, time.January, 30),
			SLAPolicyID:     newID[psa.SLAPolicyID](t),
			Default:         true,
			Schedule:        contract.Schedule{Cycle: contract.Quarterly, Alignment: contract.AlignAnniversary, Anchor: day(2025, time.January, 31)},
			Timing:          contract.InArrears,
			DayCount:        contract.Thirty360,
			Rounding:        psa.RoundHalfEven,
			SetupFee:        money(t, "250", "EUR"),
			BillingPrice:    money(t, "1500.00", "EUR"),
			BillAmount:      money(t, "18000.5", "EUR"),
			Hours:           dec(t, "12.5"),
			Rollover:        true,
			OverageRate:     money(t, "142.5", "EUR"),
			Cap:             money(t, "5000.00", "EUR"),
			PaymentTerms:    net14,
			Renewal:         contract.Renewal{Auto: true, TermMonths: 24, NoticeDays: 60},
		},
		Status:       contract.StatusActive,
		Currency:     currency.EUR,
		Billed:       money(t, "4500.25", "EUR"),
		Consumed:     money(t, "1234.567", "EUR"),
		HoursUsed:    dec(t, "3.75"),
		HoursCarried: dec(t, "0.25"),
		DealID:       dealID,
		RenewedFrom:  randomID[psa.ContractID](),
		RenewedTo:    newID[psa.ContractID](t),
		CreatedAt:    ts0,
		UpdatedAt:    ts0.Add(26*time.Hour + 11*time.Microsecond),
		Version:      1,
	}
}

// newPart returns a fixed-quantity part of owner with only a description, a start, one quantity
// (1), timestamps and Version 1; its unit price is unset (the zero Money).
func newPart(t *testing.T, id psa.PartID, owner psa.ContractID, description string) contract.Part {
	t.Helper()
	return contract.Part{
		ID:          id,
		ContractID:  owner,
		Description: description,
		UnitKind:    contract.UnitFixed,
		Start:       day(2025, time.January, 1),
		Quantities:  []contract.Quantity{{From: day(2025, time.January, 1), Quantity: dec(t, "1")}},
		CreatedAt:   ts0,
		UpdatedAt:   ts0,
		Version:     1,
	}
}

// fullPart returns a per-device part of owner with every field set and four dated quantities,
// the first of them 10.0.
func fullPart(t *testing.T, id psa.PartID, owner psa.ContractID) contract.Part {
	t.Helper()
	return contract.Part{
		ID:              id,
		ContractID:      owner,
		ServiceID:       newID[psa.ServiceID](t),
		Description:     "Managed workstation (Windows 11): patching, monitoring, antivirus",
		UnitPrice:       money(t, "39.90", "EUR"),
		UnitCost:        money(t, "12.125", "EUR"),
		UnitKind:        contract.UnitDevice,
		DiscountPercent: dec(t, "12.5"),
		Start:           day(2025, time.January, 31),
		End:             day(2025, time.December, 31),
		Trial:           true,
		Quantities: []contract.Quantity{
			{From: day(2025, time.January, 31), Quantity: dec(t, "10.0")},
			{From: day(2025, time.March, 15), Quantity: dec(t, "12")},
			{From: day(2025, time.June, 1), Quantity: dec(t, "7.5")},
			{From: day(2025, time.September, 30), Quantity: dec(t, "0")},
		},
		BilledThrough: day(2025, time.April, 30),
		CreatedAt:     ts0,
		UpdatedAt:     ts0.Add(3*time.Hour + 5*time.Microsecond),
		Version:       1,
	}
}

// copyPart returns a copy of p that shares no memory with it.
func copyPart(p contract.Part) contract.Part {
	p.Quantities = slices.Clone(p.Quantities)
	return p
}

// scribblePart overwrites, in place, every dated quantity of p.
func scribblePart(t *testing.T, p *contract.Part) {
	for i := range p.Quantities {
		p.Quantities[i] = contract.Quantity{From: day(1999, time.December, 31), Quantity: dec(t, "999")}
	}
}

// entry returns history entry seq of c.
func entry(c psa.ContractID, seq int64, at time.Time, by, what string) contract.HistoryEntry {
	return contract.HistoryEntry{ContractID: c, Seq: seq, At: at, By: by, What: what}
}

// createContracts stores contracts, then parts, then history entries (in that order) in one
// transaction of run.
func createContracts(t *testing.T, run psa.Runner[contract.Tx], contracts []contract.Contract, parts []contract.Part, history []contract.HistoryEntry) {
	t.Helper()
	inTx(t, run, "setting up", func(ctx context.Context, tx contract.Tx) error {
		for _, c := range contracts {
			if err := tx.CreateContract(ctx, c); err != nil {
				return fmt.Errorf("CreateContract %s: %w", c.ID, err)
			}
		}
		for _, p := range parts {
			if err := tx.CreatePart(ctx, p); err != nil {
				return fmt.Errorf("CreatePart %s: %w", p.ID, err)
			}
		}
		for _, e := range history {
			if err := tx.AppendHistory(ctx, e); err != nil {
				return fmt.Errorf("AppendHistory %s #%d: %w", e.ContractID, e.Seq, err)
			}
		}
		return nil
	})
}

// Reads in lister and mustRead form.

func getContract(id psa.ContractID) func(ctx context.Context, tx contract.Tx) (contract.Contract, error) {
	return func(ctx context.Context, tx contract.Tx) (contract.Contract, error) { return tx.GetContract(ctx, id) }
}

func findContract(dealID string) func(ctx context.Context, tx contract.Tx) (contract.Contract, error) {
	return func(ctx context.Context, tx contract.Tx) (contract.Contract, error) {
		return tx.FindContractByDealID(ctx, dealID)
	}
}

func getPart(id psa.PartID) func(ctx context.Context, tx contract.Tx) (contract.Part, error) {
	return func(ctx context.Context, tx contract.Tx) (contract.Part, error) { return tx.GetPart(ctx, id) }
}

func historyOf(id psa.ContractID) func(ctx context.Context, tx contract.Tx) ([]contract.HistoryEntry, error) {
	return func(ctx context.Context, tx contract.Tx) ([]contract.HistoryEntry, error) {
		return tx.ListHistory(ctx, id)
	}
}

func listAllContracts(ctx context.Context, tx contract.Tx, req psa.PageRequest) (psa.Page[contract.Contract], error) {
	return tx.ListAllContracts(ctx, req)
}

func listContractsOf(owner psa.ClientID) func(ctx context.Context, tx contract.Tx, req psa.PageRequest) (psa.Page[contract.Contract], error) {
	return func(ctx context.Context, tx contract.Tx, req psa.PageRequest) (psa.Page[contract.Contract], error) {
		return tx.ListContracts(ctx, owner, req)
	}
}

func listPartsOf(owner psa.ContractID) func(ctx context.Context, tx contract.Tx, req psa.PageRequest) (psa.Page[contract.Part], error) {
	return func(ctx context.Context, tx contract.Tx, req psa.PageRequest) (psa.Page[contract.Part], error) {
		return tx.ListParts(ctx, owner, req)
	}
}

func contractIDOf(c contract.Contract) psa.ContractID { return c.ID }
func partIDOf(p contract.Part) psa.PartID             { return p.ID }

// wantGone reports an error unless get fails in a transaction of run with a
// *psa.NotFoundError.
func wantGone[T any](t *testing.T, run psa.Runner[contract.Tx], what string, get func(ctx context.Context, tx contract.Tx) (T, error)) {
	t.Helper()
	_, err := read(t, run, get)
	wantNotFound(t, what, err)
}

// wantHistory reports an error unless ListHistory of c, in a transaction of its own, returns
// want without error.
func wantHistory(t *testing.T, run psa.Runner[contract.Tx], what string, c psa.ContractID, want []contract.HistoryEntry) {
	t.Helper()
	got, err := read(t, run, historyOf(c))
	if err != nil {
		t.Errorf("%s: ListHistory: %v", what, err)
		return
	}
	diff(t, what+": ListHistory", want, got)
}

// Cases.

func testRoundTripContract(t *testing.T, h Harness) {
	owner, elsewhere := randomID[psa.ClientID](), randomID[psa.ClientID]()
	full := fullContract(t, newID[psa.ContractID](t), owner, "crm-deal-4711")
	bare := newContract(randomID[psa.ContractID](), owner, "Break/fix")
	other := newContract(newID[psa.ContractID](t), elsewhere, "Another client's")
	other.Currency = currency.CHF
	other.Cap = money(t, "800", "CHF")
	createContracts(t, h.Contract, []contract.Contract{full, bare, other}, nil, nil)

	// The same values, written differently.
	want := full
	want.Hours = dec(t, "12.50")
	want.BillingPrice = money(t, "1500", "EUR")
	want.HoursCarried = dec(t, "0.250")

	diff(t, "GetContract of a contract with every field set", want, mustRead(t, h.Contract, "GetContract", getContract(full.ID)))
	diff(t, "GetContract of a contract with only the required fields", bare, mustRead(t, h.Contract, "GetContract", getContract(bare.ID)))
	diff(t, "GetContract of a contract in CHF", other, mustRead(t, h.Contract, "GetContract", getContract(other.ID)))
	diff(t, "FindContractByDealID", want, mustRead(t, h.Contract, "FindContractByDealID", findContract(full.DealID)))

	mine := walk(t, "ListContracts", 0, eachPageInTx(t, h.Contract, listContractsOf(owner)))
	wantIDs(t, "ListContracts", mine, contractIDOf, []psa.ContractID{full.ID, bare.ID})
	all := walk(t, "ListAllContracts", 0, eachPageInTx(t, h.Contract, listAllContracts))
	wantIDs(t, "ListAllContracts", all, contractIDOf, []psa.ContractID{full.ID, bare.ID, other.ID})
	for _, w := range []contract.Contract{want, bare, other} {
		if got, ok := find(mine, contractIDOf, w.ID); ok {
			diff(t, "ListContracts item", w, got)
		}
		if got, ok := find(all, contractIDOf, w.ID); ok {
			diff(t, "ListAllContracts item", w, got)
		}
	}
}

func testRoundTripPart(t *testing.T, h Harness) {
	c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Managed services")
	full := fullPart(t, newID[psa.PartID](t), c.ID)
	unpriced := newPart(t, randomID[psa.PartID](), c.ID, "Unpriced")
	unpriced.Quantities = nil
	free := newPart(t, newID[psa.PartID](t), c.ID, "Free onboarding")
	free.UnitPrice = money(t, "0.00", "EUR")
	createContracts(t, h.Contract, []contract.Contract{c}, []contract.Part{full, unpriced, free}, nil)

	// The same values, written differently.
	want := copyPart(full)
	want.Quantities[0].Quantity = dec(t, "10")
	want.Quantities[2].Quantity = dec(t, "7.50")
	want.UnitPrice = money(t, "39.9", "EUR")

	for _, w := range []contract.Part{want, unpriced, free} {
		diff(t, "GetPart of part "+w.Description, w, mustRead(t, h.Contract, "GetPart", getPart(w.ID)))
	}
	for _, limit := range []int{0, 1} {
		what := fmt.Sprintf("ListParts with Limit %d", limit)
		parts := walk(t, what, limit, eachPageInTx(t, h.Contract, listPartsOf(c.ID)))
		wantIDs(t, what, parts, partIDOf, []psa.PartID{full.ID, unpriced.ID, free.ID})
		for _, w := range []contract.Part{want, unpriced, free} {
			if got, ok := find(parts, partIDOf, w.ID); ok {
				diff(t, what+": item "+w.Description, w, got)
			}
		}
	}

	// An update stores every dated quantity too: one inserted before the last, one appended.
	u := copyPart(want)
	u.Quantities = slices.Insert(u.Quantities, 3, contract.Quantity{From: day(2025, time.August, 1), Quantity: dec(t, "9.25")})
	u.Quantities = append(u.Quantities, contract.Quantity{From: day(2025, time.November, 3), Quantity: dec(t, "4")})
	u.BilledThrough = day(2025, time.July, 31)
	u.UpdatedAt = ts0.Add(48 * time.Hour)
	inTx(t, h.Contract, "UpdatePart adding dated quantities", func(ctx context.Context, tx contract.Tx) error { return tx.UpdatePart(ctx, u) })
	u.Version = 2
	diff(t, "GetPart after an UpdatePart adding dated quantities (want Version 2)", u, mustRead(t, h.Contract, "GetPart", getPart(full.ID)))
	parts := walk(t, "ListParts after UpdatePart", 0, eachPageInTx(t, h.Contract, listPartsOf(c.ID)))
	if got, ok := find(parts, partIDOf, full.ID); ok {
		diff(t, "ListParts item after UpdatePart", u, got)
	} else {
		t.Errorf("ListParts after UpdatePart does not list part %s", full.ID)
	}
}

func testContractNotFound(t *testing.T, h Harness) {
	known := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Known")
	known.DealID = "crm-deal-known"
	noDeal := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "Without a deal")
	p := newPart(t, newID[psa.PartID](t), known.ID, "Known")
	createContracts(t, h.Contract, []contract.Contract{known, noDeal}, []contract.Part{p}, nil)

	lookups := []struct {
		what string
		call func(ctx context.Context, tx contract.Tx) error
	}{
		{"GetContract of an unknown ID", func(ctx context.Context, tx contract.Tx) error {
			_, err := tx.GetContract(ctx, randomID[psa.ContractID]())
			return err
		}},
		{"GetContract of a part's ID", func(ctx context.Context, tx contract.Tx) error {
			_, err := tx.GetContract(ctx, psa.ContractID(p.ID))
			return err
		}},
		{"GetPart of an unknown ID", func(ctx context.Context, tx contract.Tx) error {
			_, err := tx.GetPart(ctx, randomID[psa.PartID]())
			return err
		}},
		{"GetPart of a contract's ID", func(ctx context.Context, tx contract.Tx) error {
			_, err := tx.GetPart(ctx, psa.PartID(known.ID))
			return err
		}},
		{"FindContractByDealID of an unknown deal", func(ctx context.Context, tx contract.Tx) error {
			_, err := tx.FindContractByDealID(ctx, "crm-deal-unknown")
			return err
		}},
		{`FindContractByDealID("") while a contract has no DealID`, func(ctx context.Context, tx contract.Tx) error {
			_, err := tx.FindContractByDealID(ctx, "")
			return err
		}},
	}
	for _, l := range lookups {
		wantNotFound(t, l.what, h.Contract(t.Context(), l.call))
	}

	ghost := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "Ghost")
	ghost.DealID = "crm-deal-ghost"
	ghostPart := newPart(t, randomID[psa.PartID](), known.ID, "Ghost")
	updates := []struct {
		what   string
		update func(ctx context.Context, tx contract.Tx) error
		get    func(ctx context.Context, tx contract.Tx) error
	}{
		{"UpdateContract of an unknown ID",
			func(ctx context.Context, tx contract.Tx) error { return tx.UpdateContract(ctx, ghost) },
			func(ctx context.Context, tx contract.Tx) error { _, err := tx.GetContract(ctx, ghost.ID); return err }},
		{"UpdateContract of an unknown ID, then FindContractByDealID of its DealID",
			func(ctx context.Context, tx contract.Tx) error { return tx.UpdateContract(ctx, ghost) },
			func(ctx context.Context, tx contract.Tx) error {
				_, err := tx.FindContractByDealID(ctx, ghost.DealID)
				return err
			}},
		{"UpdatePart of an unknown ID",
			func(ctx context.Context, tx contract.Tx) error { return tx.UpdatePart(ctx, ghostPart) },
			func(ctx context.Context, tx contract.Tx) error { _, err := tx.GetPart(ctx, ghostPart.ID); return err }},
	}
	for _, u := range updates {
		wantNotFound(t, u.what, h.Contract(t.Context(), u.update))
		// The failed update must not have created the object, even in a transaction that goes on
		// and commits.
		err := h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
			_ = u.update(ctx, tx)
			return u.get(ctx, tx)
		})
		wantNotFound(t, u.what+", then a read in the same transaction", err)
		wantNotFound(t, u.what+", then a read in a later transaction", h.Contract(t.Context(), u.get))
	}
	wantIDs(t, "ListParts after a failed UpdatePart", walk(t, "ListParts", 0, eachPageInTx(t, h.Contract, listPartsOf(known.ID))), partIDOf, []psa.PartID{p.ID})
	wantIDs(t, "ListAllContracts after a failed UpdateContract", walk(t, "ListAllContracts", 0, eachPageInTx(t, h.Contract, listAllContracts)),
		contractIDOf, []psa.ContractID{known.ID, noDeal.ID})
}

func testContractAlreadyExistsID(t *testing.T, h Harness) {
	owner, elsewhere := randomID[psa.ClientID](), randomID[psa.ClientID]()
	c := newContract(newID[psa.ContractID](t), owner, "Original")
	c.DealID = "crm-deal-original"
	other := newContract(randomID[psa.ContractID](), elsewhere, "Other")
	p := newPart(t, newID[psa.PartID](t), c.ID, "Original")
	createContracts(t, h.Contract, []contract.Contract{c, other}, []contract.Part{p}, nil)

	dup := newContract(c.ID, elsewhere, "Duplicate")
	dup.DealID = "crm-deal-duplicate"
	dupPart := newPart(t, p.ID, other.ID, "Duplicate")
	wantAlreadyExists(t, "CreateContract with a taken ID", h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
		return tx.CreateContract(ctx, dup)
	}))
	wantAlreadyExists(t, "CreatePart with a taken ID", h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
		return tx.CreatePart(ctx, dupPart)
	}))
	fresh := newContract(randomID[psa.ContractID](), owner, "Fresh")
	wantAlreadyExists(t, "CreateContract twice with one ID in one transaction", h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
		if err := tx.CreateContract(ctx, fresh); err != nil {
			return fmt.Errorf("first CreateContract: %v", err)
		}
		return tx.CreateContract(ctx, fresh)
	}))
	freshPart := newPart(t, randomID[psa.PartID](), c.ID, "Fresh")
	wantAlreadyExists(t, "CreatePart twice with one ID in one transaction", h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
		if err := tx.CreatePart(ctx, freshPart); err != nil {
			return fmt.Errorf("first CreatePart: %v", err)
		}
		return tx.CreatePart(ctx, freshPart)
	}))

	diff(t, "GetContract after a refused duplicate", c, mustRead(t, h.Contract, "GetContract", getContract(c.ID)))
	diff(t, "GetPart after a refused duplicate", p, mustRead(t, h.Contract, "GetPart", getPart(p.ID)))
	wantGone(t, h.Contract, "FindContractByDealID of a refused duplicate's DealID", findContract(dup.DealID))
	wantIDs(t, "ListContracts of the refused duplicate's client", walk(t, "ListContracts", 0, eachPageInTx(t, h.Contract, listContractsOf(elsewhere))),
		contractIDOf, []psa.ContractID{other.ID})
	wantIDs(t, "ListParts of the refused duplicate's contract", walk(t, "ListParts", 0, eachPageInTx(t, h.Contract, listPartsOf(other.ID))), partIDOf, nil)
}

func testUniqueDealID(t *testing.T, h Harness) {
	owner := randomID[psa.ClientID]()
	a := newContract(newID[psa.ContractID](t), owner, "A")
	a.DealID = "crm-deal-1"
	b := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "B")
	b.DealID = "crm-deal-2"
	noDeal1 := newContract(newID[psa.ContractID](t), owner, "No deal 1")
	noDeal2 := newContract(randomID[psa.ContractID](), owner, "No deal 2")
	createContracts(t, h.Contract, []contract.Contract{a, b, noDeal1, noDeal2}, nil, nil)

	// DealIDs are unique across clients.
	taker := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "Taker")
	taker.DealID = a.DealID
	wantAlreadyExists(t, "CreateContract with another contract's DealID", h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
		return tx.CreateContract(ctx, taker)
	}))
	wantGone(t, h.Contract, "GetContract of the refused contract", getContract(taker.ID))

	b2 := b
	b2.DealID = a.DealID
	wantAlreadyExists(t, "UpdateContract changing DealID to another contract's", h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
		return tx.UpdateContract(ctx, b2)
	}))
	diff(t, "GetContract after the refused update", b, mustRead(t, h.Contract, "GetContract", getContract(b.ID)))
	diff(t, "FindContractByDealID after the refused update", a, mustRead(t, h.Contract, "FindContractByDealID", findContract(a.DealID)))
	diff(t, "FindContractByDealID of the refused update's old DealID", b, mustRead(t, h.Contract, "FindContractByDealID", findContract(b.DealID)))

	// Keeping one's own DealID is no conflict; changing it frees the old one.
	a2 := a
	a2.Name = "A renamed"
	inTx(t, h.Contract, "UpdateContract keeping its DealID", func(ctx context.Context, tx contract.Tx) error { return tx.UpdateContract(ctx, a2) })
	a3 := a2
	a3.Version = 2
	a3.DealID = "crm-deal-3"
	inTx(t, h.Contract, "UpdateContract changing its DealID", func(ctx context.Context, tx contract.Tx) error { return tx.UpdateContract(ctx, a3) })
	wantGone(t, h.Contract, "FindContractByDealID of the DealID changed away from", findContract("crm-deal-1"))
	a3.Version = 3
	diff(t, "FindContractByDealID of the new DealID", a3, mustRead(t, h.Contract, "FindContractByDealID", findContract("crm-deal-3")))
	reuse := newContract(newID[psa.ContractID](t), owner, "Reuses crm-deal-1")
	reuse.DealID = "crm-deal-1"
	inTx(t, h.Contract, "CreateContract with a DealID freed by an update", func(ctx context.Context, tx contract.Tx) error {
		return tx.CreateContract(ctx, reuse)
	})
	diff(t, "FindContractByDealID of the reused DealID", reuse, mustRead(t, h.Contract, "FindContractByDealID", findContract("crm-deal-1")))

	// Empty DealIDs are never taken.
	noDeal3 := newContract(randomID[psa.ContractID](), owner, "No deal 3")
	inTx(t, h.Contract, "CreateContract with an empty DealID while others have none", func(ctx context.Context, tx contract.Tx) error {
		return tx.CreateContract(ctx, noDeal3)
	})
	nd := noDeal1
	nd.Name = "No deal 1 renamed"
	inTx(t, h.Contract, "UpdateContract with an empty DealID while others have none", func(ctx context.Context, tx contract.Tx) error {
		return tx.UpdateContract(ctx, nd)
	})
	b3 := b
	b3.DealID = ""
	inTx(t, h.Contract, "UpdateContract clearing its DealID while others have none", func(ctx context.Context, tx contract.Tx) error {
		return tx.UpdateContract(ctx, b3)
	})
	wantGone(t, h.Contract, "FindContractByDealID of a cleared DealID", findContract(b.DealID))

	// Uniqueness holds within one transaction too.
	f := newContract(newID[psa.ContractID](t), owner, "F")
	f.DealID = "crm-deal-9"
	g := newContract(randomID[psa.ContractID](), owner, "G")
	g.DealID = "crm-deal-9"
	wantAlreadyExists(t, "CreateContract of two contracts with one DealID in one transaction", h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
		if err := tx.CreateContract(ctx, f); err != nil {
			return fmt.Errorf("first CreateContract: %v", err)
		}
		return tx.CreateContract(ctx, g)
	}))
}

func testContractVersions(t *testing.T, h Harness) {
	t.Run("contract", func(t *testing.T) {
		c := fullContract(t, randomID[psa.ContractID](), randomID[psa.ClientID](), "crm-deal-versioned")
		checkVersions(t, h.Contract, kind[contract.Tx, contract.Contract]{
			name:   "contract",
			create: func(ctx context.Context, tx contract.Tx, v contract.Contract) error { return tx.CreateContract(ctx, v) },
			get: func(ctx context.Context, tx contract.Tx, v contract.Contract) (contract.Contract, error) {
				return tx.GetContract(ctx, v.ID)
			},
			update:  func(ctx context.Context, tx contract.Tx, v contract.Contract) error { return tx.UpdateContract(ctx, v) },
			version: func(v *contract.Contract) *int64 { return &v.Version },
			label:   func(v *contract.Contract) *string { return &v.Name },
		}, c)
	})
	t.Run("part", func(t *testing.T) {
		c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Owner")
		createContracts(t, h.Contract, []contract.Contract{c}, nil, nil)
		checkVersions(t, h.Contract, kind[contract.Tx, contract.Part]{
			name:   "part",
			create: func(ctx context.Context, tx contract.Tx, v contract.Part) error { return tx.CreatePart(ctx, v) },
			get: func(ctx context.Context, tx contract.Tx, v contract.Part) (contract.Part, error) {
				return tx.GetPart(ctx, v.ID)
			},
			update:  func(ctx context.Context, tx contract.Tx, v contract.Part) error { return tx.UpdatePart(ctx, v) },
			version: func(v *contract.Part) *int64 { return &v.Version },
			label:   func(v *contract.Part) *string { return &v.Description },
		}, fullPart(t, randomID[psa.PartID](), c.ID))
	})
}

func testHistory(t *testing.T, h Harness) {
	a := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "A")
	b := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "B")
	none := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Without history")
	createContracts(t, h.Contract, []contract.Contract{a, b, none}, nil, nil)

	// Entries 2 and 3 of A share an instant, and entry 3's What sorts before entry 2's: only Seq
	// orders them.
	later := ts0.Add(time.Hour + 7*time.Microsecond)
	wantA := []contract.HistoryEntry{
		entry(a.ID, 1, ts0, "ana@msp.example", "contract created"),
		entry(a.ID, 2, later, "ana@msp.example", `status: "draft" -> "active"`),
		entry(a.ID, 3, later, "", `name: "A" -> "A (2025)"`),
	}
	wantB := []contract.HistoryEntry{
		entry(b.ID, 1, ts0.Add(time.Minute), "billing run", "contract created"),
		entry(b.ID, 2, ts0.Add(2*time.Minute), "billing run", "billed 2025-01"),
	}

	inTx(t, h.Contract, "appending A #1 and B #1", func(ctx context.Context, tx contract.Tx) error {
		for _, e := range []contract.HistoryEntry{wantA[0], wantB[0]} {
			if err := tx.AppendHistory(ctx, e); err != nil {
				return fmt.Errorf("AppendHistory #%d: %w", e.Seq, err)
			}
		}
		return nil
	})
	inTx(t, h.Contract, "appending A #2, B #2 and A #3", func(ctx context.Context, tx contract.Tx) error {
		for _, e := range []contract.HistoryEntry{wantA[1], wantB[1], wantA[2]} {
			if err := tx.AppendHistory(ctx, e); err != nil {
				return fmt.Errorf("AppendHistory #%d: %w", e.Seq, err)
			}
		}
		got, err := tx.ListHistory(ctx, a.ID)
		if err != nil {
			t.Errorf("ListHistory in the appending transaction: %v", err)
		} else {
			diff(t, "ListHistory in the appending transaction", wantA, got)
		}
		return nil
	})
	wantHistory(t, h.Contract, "contract A", a.ID, wantA)
	wantHistory(t, h.Contract, "contract B", b.ID, wantB)
	for _, c := range []struct {
		what string
		id   psa.ContractID
	}{{"a contract without history", none.ID}, {"an unknown contract", randomID[psa.ContractID]()}} {
		got, err := read(t, h.Contract, historyOf(c.id))
		switch {
		case err != nil:
			t.Errorf("ListHistory of %s: got error %v, want an empty list", c.what, err)
		case len(got) != 0:
			t.Errorf("ListHistory of %s: got %d entries, want none:\n%+v", c.what, len(got), got)
		}
	}
}

func testHistoryUniqueSeq(t *testing.T, h Harness) {
	c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "C")
	d := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "D")
	want := []contract.HistoryEntry{
		entry(c.ID, 1, ts0, "ana@msp.example", "contract created"),
		entry(c.ID, 2, ts0.Add(time.Second), "ana@msp.example", "part added"),
	}
	createContracts(t, h.Contract, []contract.Contract{c, d}, nil, want)

	for _, seq := range []int64{2, 1} {
		what := fmt.Sprintf("AppendHistory of taken Seq %d", seq)
		dup := entry(c.ID, seq, ts0.Add(time.Hour), "mallory", "rewritten")
		wantAlreadyExists(t, what, h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
			return tx.AppendHistory(ctx, dup)
		}))
		// A transaction that goes on after the refusal and commits keeps the entries as they were.
		inTx(t, h.Contract, what+", then ListHistory and commit", func(ctx context.Context, tx contract.Tx) error {
			if err := tx.AppendHistory(ctx, dup); err == nil {
				t.Errorf("%s in a transaction that goes on: no error", what)
			}
			got, err := tx.ListHistory(ctx, c.ID)
			if err != nil {
				t.Errorf("%s, then ListHistory in the same transaction: %v", what, err)
			} else {
				diff(t, what+", then ListHistory in the same transaction", want, got)
			}
			return nil
		})
		wantHistory(t, h.Contract, what+", then", c.ID, want)
	}

	// Seq counts per contract: D may use the Seqs C has.
	wantD := []contract.HistoryEntry{entry(d.ID, 1, ts0, "", "contract created"), entry(d.ID, 2, ts0, "", "contract activated")}
	createContracts(t, h.Contract, nil, nil, wantD)
	wantHistory(t, h.Contract, "another contract's entries with the same Seqs", d.ID, wantD)

	// The rule holds within one transaction too.
	third := entry(c.ID, 3, ts0.Add(time.Minute), "", "third")
	wantAlreadyExists(t, "AppendHistory of one Seq twice in one transaction", h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
		if err := tx.AppendHistory(ctx, third); err != nil {
			return fmt.Errorf("first AppendHistory: %v", err)
		}
		return tx.AppendHistory(ctx, entry(c.ID, 3, ts0.Add(time.Minute), "", "third again"))
	}))
	wantHistory(t, h.Contract, "after a rolled-back transaction appended one Seq twice", c.ID, want)
}

func testContractRollback(t *testing.T, h Harness) {
	preClient := newClient(randomID[psa.ClientID](), "Pre-existing client")
	pre := fullContract(t, randomID[psa.ContractID](), preClient.ID, "crm-deal-pre")
	prePart := fullPart(t, newID[psa.PartID](t), pre.ID)
	preHistory := []contract.HistoryEntry{entry(pre.ID, 1, ts0, "", "contract created")}
	inTx(t, h.Contract, "setting up", func(ctx context.Context, tx contract.Tx) error {
		if err := tx.CreateClient(ctx, preClient); err != nil {
			return fmt.Errorf("CreateClient: %w", err)
		}
		return nil
	})
	createContracts(t, h.Contract, []contract.Contract{pre}, []contract.Part{prePart}, preHistory)

	cl := newClient(newID[psa.ClientID](t), "Rolled back client")
	cl.ExternalID = "crm-rolled-back"
	c := fullContract(t, newID[psa.ContractID](t), cl.ID, "crm-deal-rolled-back")
	p := fullPart(t, randomID[psa.PartID](), c.ID)
	sentinel := errors.New("storetest: rollback sentinel")
	attempt := func(fail func() error) error {
		return h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
			if err := tx.CreateClient(ctx, cl); err != nil {
				return fmt.Errorf("CreateClient: %v", err)
			}
			if err := tx.CreateContract(ctx, c); err != nil {
				return fmt.Errorf("CreateContract: %v", err)
			}
			if err := tx.CreatePart(ctx, p); err != nil {
				return fmt.Errorf("CreatePart: %v", err)
			}
			if err := tx.AppendHistory(ctx, entry(c.ID, 1, ts0, "", "contract created")); err != nil {
				return fmt.Errorf("AppendHistory of the new contract: %v", err)
			}
			if err := tx.AppendHistory(ctx, entry(pre.ID, 2, ts0, "", "rolled back change")); err != nil {
				return fmt.Errorf("AppendHistory of the committed contract: %v", err)
			}
			u := pre
			u.Name = "Changed by a rolled-back transaction"
			u.DealID = "crm-deal-pre-2"
			if err := tx.UpdateContract(ctx, u); err != nil {
				return fmt.Errorf("UpdateContract: %v", err)
			}
			up := copyPart(prePart)
			up.Quantities = append(up.Quantities, contract.Quantity{From: day(2025, time.November, 1), Quantity: dec(t, "99")})
			if err := tx.UpdatePart(ctx, up); err != nil {
				return fmt.Errorf("UpdatePart: %v", err)
			}
			return fail()
		})
	}
	nothingLeft := func(how string) {
		t.Helper()
		wantGone(t, h.Contract, how+": GetClient of the rolled-back client", func(ctx context.Context, tx contract.Tx) (client.Client, error) {
			return tx.GetClient(ctx, cl.ID)
		})
		wantGone(t, h.Contract, how+": GetContract of the rolled-back contract", getContract(c.ID))
		wantGone(t, h.Contract, how+": GetPart of the rolled-back part", getPart(p.ID))
		wantGone(t, h.Contract, how+": FindContractByDealID of the rolled-back contract's DealID", findContract(c.DealID))
		wantGone(t, h.Contract, how+": FindContractByDealID of the rolled-back update's DealID", findContract("crm-deal-pre-2"))
		wantHistory(t, h.Contract, how+": the rolled-back contract", c.ID, nil)
		wantHistory(t, h.Contract, how+": the committed contract", pre.ID, preHistory)
		diff(t, how+": GetContract of the contract the transaction updated", pre, mustRead(t, h.Contract, "GetContract", getContract(pre.ID)))
		diff(t, how+": FindContractByDealID of its original DealID", pre, mustRead(t, h.Contract, "FindContractByDealID", findContract(pre.DealID)))
		diff(t, how+": GetPart of the part the transaction updated", prePart, mustRead(t, h.Contract, "GetPart", getPart(prePart.ID)))
		wantIDs(t, how+": ListAllContracts", walk(t, "ListAllContracts", 0, eachPageInTx(t, h.Contract, listAllContracts)), contractIDOf, []psa.ContractID{pre.ID})
		wantIDs(t, how+": ListContracts of the rolled-back client", walk(t, "ListContracts", 0, eachPageInTx(t, h.Contract, listContractsOf(cl.ID))), contractIDOf, nil)
		wantIDs(t, how+": ListParts of the rolled-back contract", walk(t, "ListParts", 0, eachPageInTx(t, h.Contract, listPartsOf(c.ID))), partIDOf, nil)
	}

	err := attempt(func() error { return sentinel })
	if err != sentinel { // the runner must return fn's error unchanged, so == is the check here
		t.Errorf("fn returned the sentinel error itself: the contract runner returned %#v, want the very same error value %#v", err, sentinel)
	}
	nothingLeft("after fn returned an error")

	err = attempt(func() error { return fmt.Errorf("storetest: giving up: %w", sentinel) })
	if !errors.Is(err, sentinel) {
		t.Errorf("fn returned a wrapped sentinel error: the contract runner returned %v, for which errors.Is(err, sentinel) is false", err)
	}
	nothingLeft("after fn returned a wrapped error")

	// Everything the rolled-back transactions claimed is free again.
	if err := attempt(func() error { return nil }); err != nil {
		t.Errorf("repeating the rolled-back writes in a transaction that commits: %v", err)
	}
}

func testContractReadYourOwnWrites(t *testing.T, h Harness) {
	old := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "Committed")
	oldPart := newPart(t, randomID[psa.PartID](), old.ID, "Committed")
	createContracts(t, h.Contract, []contract.Contract{old}, []contract.Part{oldPart}, nil)

	cl := fullClient(t, newID[psa.ClientID](t), psa.ClientID{}, psa.ContactID{}, []psa.ContactID{randomID[psa.ContactID](), randomID[psa.ContactID]()}, "95.50")
	cl.ExternalID = "crm-ryow"
	c := fullContract(t, newID[psa.ContractID](t), cl.ID, "crm-deal-ryow")
	p := fullPart(t, randomID[psa.PartID](), c.ID)
	moved := oldPart
	moved.ContractID = c.ID
	history := []contract.HistoryEntry{entry(c.ID, 1, ts0, "ana@msp.example", "contract created")}
	var final contract.Contract
	var finalPart contract.Part
	inTx(t, h.Contract, "read-your-own-writes transaction", func(ctx context.Context, tx contract.Tx) error {
		if err := tx.CreateClient(ctx, cl); err != nil {
			return fmt.Errorf("CreateClient: %w", err)
		}
		if err := tx.CreateContract(ctx, c); err != nil {
			return fmt.Errorf("CreateContract: %w", err)
		}
		if err := tx.CreatePart(ctx, p); err != nil {
			return fmt.Errorf("CreatePart: %w", err)
		}
		if err := tx.AppendHistory(ctx, history[0]); err != nil {
			return fmt.Errorf("AppendHistory: %w", err)
		}

		check := func(what string, want, got any, err error) {
			t.Helper()
			if err != nil {
				t.Errorf("%s in the creating transaction: %v", what, err)
				return
			}
			diff(t, what+" in the creating transaction", want, got)
		}
		gotClient, err := tx.GetClient(ctx, cl.ID)
		check("GetClient", cl, gotClient, err)
		gotClient, err = tx.FindClientByExternalID(ctx, cl.ExternalID)
		check("FindClientByExternalID", cl, gotClient, err)
		clients := walk(t, "ListClients in the creating transaction", 0, inThisTx(ctx, tx, func(ctx context.Context, tx contract.Tx, req psa.PageRequest) (psa.Page[client.Client], error) {
			return tx.ListClients(ctx, req)
		}))
		check("ListClients", []client.Client{cl}, clients, nil)

		got, err := tx.GetContract(ctx, c.ID)
		check("GetContract", c, got, err)
		got, err = tx.FindContractByDealID(ctx, c.DealID)
		check("FindContractByDealID", c, got, err)
		mine := walk(t, "ListContracts in the creating transaction", 0, inThisTx(ctx, tx, listContractsOf(cl.ID)))
		check("ListContracts of the new client", []contract.Contract{c}, mine, nil)
		all := walk(t, "ListAllContracts (limit 1) in the creating transaction", 1, inThisTx(ctx, tx, listAllContracts))
		wantIDs(t, "ListAllContracts (limit 1) of committed and new contracts in one transaction", all, contractIDOf, []psa.ContractID{old.ID, c.ID})
		gotPart, err := tx.GetPart(ctx, p.ID)
		check("GetPart", p, gotPart, err)
		parts := walk(t, "ListParts in the creating transaction", 0, inThisTx(ctx, tx, listPartsOf(c.ID)))
		check("ListParts", []contract.Part{p}, parts, nil)
		gotHistory, err := tx.ListHistory(ctx, c.ID)
		check("ListHistory", history, gotHistory, err)

		// Updates of what the transaction created, and of committed objects, are visible too.
		c2 := c
		c2.Status = contract.StatusCancelled
		c2.DealID = "crm-deal-ryow-2"
		if err := tx.UpdateContract(ctx, c2); err != nil {
			return fmt.Errorf("UpdateContract of a contract created in the same transaction (version 1): %w", err)
		}
		c2.Version = 2
		got, err = tx.GetContract(ctx, c.ID)
		check("GetContract after UpdateContract (want Version 2)", c2, got, err)
		got, err = tx.FindContractByDealID(ctx, c2.DealID)
		check("FindContractByDealID of the updated DealID", c2, got, err)
		_, err = tx.FindContractByDealID(ctx, c.DealID)
		wantNotFound(t, "FindContractByDealID of the DealID changed away from, in the same transaction", err)
		stale := c2
		stale.Version = 1
		if err := tx.UpdateContract(ctx, stale); !errors.Is(err, psa.ErrConflict) {
			t.Errorf("UpdateContract with version 1 after an update in the same transaction: got error %v, want one wrapping psa.ErrConflict", err)
		}

		p2 := copyPart(p)
		p2.Quantities = append(p2.Quantities, contract.Quantity{From: day(2025, time.December, 1), Quantity: dec(t, "3")})
		if err := tx.UpdatePart(ctx, p2); err != nil {
			return fmt.Errorf("UpdatePart of a part created in the same transaction: %w", err)
		}
		p2.Version = 2
		gotPart, err = tx.GetPart(ctx, p.ID)
		check("GetPart after UpdatePart (want Version 2)", p2, gotPart, err)

		if err := tx.UpdatePart(ctx, moved); err != nil {
			return fmt.Errorf("UpdatePart moving a committed part to the new contract: %w", err)
		}
		moved.Version = 2
		parts = walk(t, "ListParts after moving a part", 0, inThisTx(ctx, tx, listPartsOf(c.ID)))
		wantIDs(t, "ListParts of the new contract after moving a committed part to it in the same transaction", parts, partIDOf, []psa.PartID{p.ID, moved.ID})
		parts = walk(t, "ListParts after moving a part", 0, inThisTx(ctx, tx, listPartsOf(old.ID)))
		wantIDs(t, "ListParts of the committed contract after moving its part away in the same transaction", parts, partIDOf, nil)

		more := entry(c.ID, 2, ts0.Add(time.Second), "ana@msp.example", "contract cancelled")
		if err := tx.AppendHistory(ctx, more); err != nil {
			return fmt.Errorf("second AppendHistory: %w", err)
		}
		history = append(history, more)
		gotHistory, err = tx.ListHistory(ctx, c.ID)
		check("ListHistory after a second AppendHistory", history, gotHistory, err)
		final, finalPart = c2, p2
		return nil
	})

	diff(t, "GetClient after the transaction committed", cl, mustRead(t, h.Contract, "GetClient", func(ctx context.Context, tx contract.Tx) (client.Client, error) {
		return tx.GetClient(ctx, cl.ID)
	}))
	diff(t, "GetContract after the transaction committed", final, mustRead(t, h.Contract, "GetContract", getContract(c.ID)))
	diff(t, "FindContractByDealID after the transaction committed", final, mustRead(t, h.Contract, "FindContractByDealID", findContract(final.DealID)))
	diff(t, "GetPart after the transaction committed", finalPart, mustRead(t, h.Contract, "GetPart", getPart(p.ID)))
	diff(t, "GetPart of the moved part after the transaction committed", moved, mustRead(t, h.Contract, "GetPart", getPart(moved.ID)))
	wantHistory(t, h.Contract, "after the transaction committed", c.ID, history)
	wantIDs(t, "ListContracts of the new client after the transaction committed", walk(t, "ListContracts", 0, eachPageInTx(t, h.Contract, listContractsOf(cl.ID))),
		contractIDOf, []psa.ContractID{c.ID})
}

func testRunnersShareStore(t *testing.T, h Harness) {
	viaClient := newClient(newID[psa.ClientID](t), "Created through Harness.Client")
	create(t, h.Client, []client.Client{viaClient}, nil, nil)
	viaContract := newClient(randomID[psa.ClientID](), "Created through Harness.Contract")
	c := newContract(newID[psa.ContractID](t), viaContract.ID, "Created with its client")
	inTx(t, h.Contract, "creating a client and a contract through Harness.Contract", func(ctx context.Context, tx contract.Tx) error {
		if err := tx.CreateClient(ctx, viaContract); err != nil {
			return fmt.Errorf("CreateClient: %w", err)
		}
		return tx.CreateContract(ctx, c)
	})

	// shared reports a read through one runner of what the other wrote.
	shared := func(what string, want, got client.Client, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v (the runners must run on one store)", what, err)
			return
		}
		diff(t, what, want, got)
	}
	got, err := read(t, h.Contract, func(ctx context.Context, tx contract.Tx) (client.Client, error) {
		return tx.GetClient(ctx, viaClient.ID)
	})
	shared("GetClient through Harness.Contract of a client created through Harness.Client", viaClient, got, err)
	got, err = read(t, h.Client, getClient(viaContract.ID))
	shared("GetClient through Harness.Client of a client created through Harness.Contract", viaContract, got, err)

	// An update through one runner is read, and its version checked, through the other.
	u := viaContract
	u.Name = "Updated through Harness.Client"
	if err := h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error { return tx.UpdateClient(ctx, u) }); err != nil {
		t.Errorf("UpdateClient through Harness.Client of a client created through Harness.Contract: %v (the runners must run on one store)", err)
		return
	}
	u.Version = 2
	got, err = read(t, h.Contract, func(ctx context.Context, tx contract.Tx) (client.Client, error) { return tx.GetClient(ctx, u.ID) })
	shared("GetClient through Harness.Contract after an update through Harness.Client", u, got, err)
	err = h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error { return tx.UpdateClient(ctx, viaContract) })
	if !errors.Is(err, psa.ErrConflict) {
		t.Errorf("UpdateClient through Harness.Contract with version 1 after an update through Harness.Client: got error %v, want one wrapping psa.ErrConflict", err)
	}
}

func testNoAliasingPartsAndHistory(t *testing.T, h Harness) {
	c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "C")
	createContracts(t, h.Contract, []contract.Contract{c}, nil, nil)
	p := fullPart(t, newID[psa.PartID](t), c.ID)
	want := copyPart(p)

	inTx(t, h.Contract, "creating a part and changing the value passed", func(ctx context.Context, tx contract.Tx) error {
		v := copyPart(p)
		if err := tx.CreatePart(ctx, v); err != nil {
			return fmt.Errorf("CreatePart: %w", err)
		}
		scribblePart(t, &v)
		got, err := tx.GetPart(ctx, p.ID)
		if err != nil {
			return fmt.Errorf("GetPart: %w", err)
		}
		diff(t, "GetPart in the creating transaction after the caller changed the value it passed to CreatePart", want, got)
		scribblePart(t, &got)
		again, err := tx.GetPart(ctx, p.ID)
		if err != nil {
			return fmt.Errorf("GetPart: %w", err)
		}
		diff(t, "GetPart in the creating transaction after the caller changed a value GetPart returned", want, again)
		return nil
	})
	diff(t, "GetPart after the caller changed the value it passed to CreatePart", want, mustRead(t, h.Contract, "GetPart", getPart(p.ID)))

	reads := []struct {
		what string
		get  func(ctx context.Context, tx contract.Tx) ([]contract.Part, error)
	}{
		{"GetPart", func(ctx context.Context, tx contract.Tx) ([]contract.Part, error) {
			v, err := tx.GetPart(ctx, p.ID)
			return []contract.Part{v}, err
		}},
		{"ListParts", func(ctx context.Context, tx contract.Tx) ([]contract.Part, error) {
			page, err := tx.ListParts(ctx, c.ID, psa.PageRequest{})
			return page.Items, err
		}},
	}
	for _, r := range reads {
		// Change what the read returned, once in the reading transaction and once after it.
		inTx(t, h.Contract, r.what, func(ctx context.Context, tx contract.Tx) error {
			got, err := r.get(ctx, tx)
			if err != nil {
				return fmt.Errorf("%s: %w", r.what, err)
			}
			for i := range got {
				scribblePart(t, &got[i])
			}
			again, err := tx.GetPart(ctx, p.ID)
			if err != nil {
				return fmt.Errorf("GetPart: %w", err)
			}
			diff(t, "GetPart in the same transaction after the caller changed a value "+r.what+" returned", want, again)
			return nil
		})
		got := mustRead(t, h.Contract, r.what, r.get)
		for i := range got {
			scribblePart(t, &got[i])
		}
		diff(t, "GetPart after the caller changed a value "+r.what+" returned", want, mustRead(t, h.Contract, "GetPart", getPart(p.ID)))
	}

	// UpdatePart takes a copy too.
	inTx(t, h.Contract, "updating a part and changing the value passed", func(ctx context.Context, tx contract.Tx) error {
		v := copyPart(want)
		v.Description = "updated"
		if err := tx.UpdatePart(ctx, v); err != nil {
			return fmt.Errorf("UpdatePart: %w", err)
		}
		scribblePart(t, &v)
		return nil
	})
	want.Description, want.Version = "updated", 2
	diff(t, "GetPart after the caller changed the value it passed to UpdatePart", want, mustRead(t, h.Contract, "GetPart", getPart(p.ID)))

	// History entries returned are the caller's.
	history := []contract.HistoryEntry{entry(c.ID, 1, ts0, "ana", "one"), entry(c.ID, 2, ts0, "ana", "two")}
	createContracts(t, h.Contract, nil, nil, history)
	scribbleHistory := func(es []contract.HistoryEntry) {
		for i := range es {
			es[i] = entry(randomID[psa.ContractID](), 99, ts0.Add(time.Hour), "scribbled", "scribbled")
		}
	}
	inTx(t, h.Contract, "ListHistory", func(ctx context.Context, tx contract.Tx) error {
		got, err := tx.ListHistory(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("ListHistory: %w", err)
		}
		scribbleHistory(got)
		again, err := tx.ListHistory(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("ListHistory: %w", err)
		}
		diff(t, "ListHistory in the same transaction after the caller changed the entries ListHistory returned", history, again)
		return nil
	})
	scribbleHistory(mustRead(t, h.Contract, "ListHistory", historyOf(c.ID)))
	wantHistory(t, h.Contract, "after the caller changed the entries ListHistory returned", c.ID, history)
}

func testPaginateContracts(t *testing.T, h Harness) {
	x, y, w, z := randomID[psa.ClientID](), randomID[psa.ClientID](), randomID[psa.ClientID](), randomID[psa.ClientID]()
	counts := []struct {
		owner psa.ClientID
		n     int
	}{{x, 120}, {y, 17}, {w, 5}}
	byClient := map[psa.ClientID][]psa.ContractID{}
	var contracts []contract.Contract
	var all []psa.ContractID
	i := 0
	for _, o := range counts {
		for range o.n {
			c := newContract(mixedID[psa.ContractID](t, i), o.owner, fmt.Sprintf("Contract %03d", i))
			contracts, all = append(contracts, c), append(all, c.ID)
			byClient[o.owner] = append(byClient[o.owner], c.ID)
			i++
		}
	}
	for batch := range slices.Chunk(contracts, 50) {
		createContracts(t, h.Contract, batch, nil, nil)
	}

	check := func(when string) {
		t.Helper()
		for _, limit := range []int{7, 0} {
			for _, o := range []struct {
				name string
				id   psa.ClientID
			}{{"X", x}, {"Y", y}, {"W", w}, {"Z (none)", z}} {
				what := fmt.Sprintf("%sListContracts of client %s with Limit %d", when, o.name, limit)
				got := walk(t, what, limit, eachPageInTx(t, h.Contract, listContractsOf(o.id)))
				wantIDs(t, what, got, contractIDOf, byClient[o.id])
				for _, c := range got {
					if c.ClientID != o.id {
						t.Errorf("%s: listed contract %s of client %s", what, c.ID, c.ClientID)
					}
				}
			}
		}
		for _, limit := range []int{7, 0, 1000} {
			what := fmt.Sprintf("%sListAllContracts with Limit %d", when, limit)
			wantIDs(t, what, walk(t, what, limit, eachPageInTx(t, h.Contract, listAllContracts)), contractIDOf, all)
		}
	}
	check("")

	// Move one of X's contracts to Y.
	m := contracts[3]
	m.ClientID = y
	inTx(t, h.Contract, "moving a contract to another client", func(ctx context.Context, tx contract.Tx) error { return tx.UpdateContract(ctx, m) })
	byClient[x] = slices.DeleteFunc(byClient[x], func(id psa.ContractID) bool { return id == m.ID })
	byClient[y] = append(byClient[y], m.ID)
	check("after a move: ")
}

func testPaginateParts(t *testing.T, h Harness) {
	k1 := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "K1")
	k2 := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "K2")
	k3 := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "K3, without parts")
	byContract := map[psa.ContractID][]psa.PartID{}
	var parts []contract.Part
	for i := range 25 {
		owner := k1.ID
		if i%3 == 2 {
			owner = k2.ID
		}
		p := newPart(t, mixedID[psa.PartID](t, i), owner, fmt.Sprintf("Part %02d", i))
		parts = append(parts, p)
		byContract[owner] = append(byContract[owner], p.ID)
	}
	createContracts(t, h.Contract, []contract.Contract{k1, k2, k3}, parts, nil)

	check := func(when string) {
		t.Helper()
		for _, limit := range []int{4, 0} {
			for _, o := range []struct {
				name string
				id   psa.ContractID
			}{{"K1", k1.ID}, {"K2", k2.ID}, {"K3", k3.ID}} {
				what := fmt.Sprintf("%sListParts of contract %s with Limit %d", when, o.name, limit)
				got := walk(t, what, limit, eachPageInTx(t, h.Contract, listPartsOf(o.id)))
				wantIDs(t, what, got, partIDOf, byContract[o.id])
				for _, p := range got {
					if p.ContractID != o.id {
						t.Errorf("%s: listed part %s of contract %s", what, p.ID, p.ContractID)
					}
				}
			}
		}
	}
	check("")

	// Move one of K1's parts to K3.
	m := parts[0]
	m.ContractID = k3.ID
	inTx(t, h.Contract, "moving a part to another contract", func(ctx context.Context, tx contract.Tx) error { return tx.UpdatePart(ctx, m) })
	byContract[k1.ID] = slices.DeleteFunc(byContract[k1.ID], func(id psa.PartID) bool { return id == m.ID })
	byContract[k3.ID] = append(byContract[k3.ID], m.ID)
	check("after a move: ")
}

func testInvalidContractPageRequest(t *testing.T, h Harness) {
	owner := randomID[psa.ClientID]()
	c := newContract(newID[psa.ContractID](t), owner, "C")
	createContracts(t, h.Contract, []contract.Contract{c, newContract(randomID[psa.ContractID](), owner, "D")},
		[]contract.Part{newPart(t, newID[psa.PartID](t), c.ID, "P"), newPart(t, randomID[psa.PartID](), c.ID, "Q")}, nil)

	lists := []struct {
		name string
		list func(ctx context.Context, tx contract.Tx, req psa.PageRequest) error
	}{
		{"ListContracts", func(ctx context.Context, tx contract.Tx, req psa.PageRequest) error {
			_, err := tx.ListContracts(ctx, owner, req)
			return err
		}},
		{"ListAllContracts", func(ctx context.Context, tx contract.Tx, req psa.PageRequest) error {
			_, err := tx.ListAllContracts(ctx, req)
			return err
		}},
		{"ListParts", func(ctx context.Context, tx contract.Tx, req psa.PageRequest) error {
			_, err := tx.ListParts(ctx, c.ID, req)
			return err
		}},
	}
	for _, l := range lists {
		for _, cursor := range []string{"%%% not a cursor %%%", "\x00\xff"} {
			err := h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
				return l.list(ctx, tx, psa.PageRequest{Cursor: cursor, Limit: 1})
			})
			wantBadCursor(t, fmt.Sprintf("%s with the malformed cursor %q", l.name, cursor), err)
		}
		for _, limit := range []int{-1, -100} {
			err := h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
				return l.list(ctx, tx, psa.PageRequest{Limit: limit})
			})
			wantInvalid(t, fmt.Sprintf("%s with Limit %d", l.name, limit), err)
		}
	}
}

func testConcurrentHistoryAppends(t *testing.T, h Harness) {
	const workers, perWorker, maxAttempts = 16, 5, 100
	c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Contended")
	createContracts(t, h.Contract, []contract.Contract{c}, nil, nil)

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				what := fmt.Sprintf("worker %d, entry %d", w, i)
				for attempt := 1; ; attempt++ {
					err := h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
						hist, err := tx.ListHistory(ctx, c.ID)
						if err != nil {
							return err
						}
						return tx.AppendHistory(ctx, entry(c.ID, int64(len(hist))+1, ts0, "", what))
					})
					if err == nil {
						break
					}
					if !errors.Is(err, psa.ErrConflict) && !errors.Is(err, psa.ErrAlreadyExists) {
						t.Errorf("%s: %v", what, err)
						return
					}
					if attempt == maxAttempts {
						t.Errorf("%s: still failing after %d attempts: %v", what, attempt, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()

	got, err := read(t, h.Contract, historyOf(c.ID))
	if err != nil {
		t.Fatalf("ListHistory after the concurrent appends: %v", err)
	}
	seen := map[string]int{}
	gotSeqs, wantSeqs := make([]int64, len(got)), make([]int64, workers*perWorker)
	for i, e := range got {
		gotSeqs[i] = e.Seq
		seen[e.What]++
	}
	for i := range wantSeqs {
		wantSeqs[i] = int64(i) + 1
	}
	if d := cmp.Diff(wantSeqs, gotSeqs); d != "" {
		t.Errorf("ListHistory after %d concurrent appends: want Seqs 1 to %d, each once, in order; got %d entries (-want +got):\n%s",
			workers*perWorker, workers*perWorker, len(got), d)
	}
	for w := range workers {
		for i := range perWorker {
			if what := fmt.Sprintf("worker %d, entry %d", w, i); seen[what] != 1 {
				t.Errorf("ListHistory after concurrent appends: entry %q is listed %d times, want once", what, seen[what])
			}
		}
	}
}

func testConcurrentDealIDClaims(t *testing.T, h Harness) {
	const n, maxAttempts = 16, 100
	racers := make([]contract.Contract, n)
	for i := range racers {
		racers[i] = newContract(mixedID[psa.ContractID](t, i), randomID[psa.ClientID](), fmt.Sprintf("Racer %d", i))
		racers[i].DealID = "crm-deal-race"
	}
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range racers {
		wg.Go(func() {
			<-start
			for attempt := 1; ; attempt++ {
				errs[i] = h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error { return tx.CreateContract(ctx, c) })
				if !errors.Is(errs[i], psa.ErrConflict) || attempt == maxAttempts {
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()

	var won []contract.Contract
	for i, err := range errs {
		switch {
		case err == nil:
			won = append(won, racers[i])
		case !errors.Is(err, psa.ErrAlreadyExists):
			t.Errorf("a losing transaction got error %v, want one wrapping psa.ErrAlreadyExists", err)
		}
	}
	if len(won) != 1 {
		t.Fatalf("%d of %d concurrent CreateContract transactions with one DealID succeeded, want exactly 1", len(won), n)
	}
	diff(t, "FindContractByDealID after the race", won[0], mustRead(t, h.Contract, "FindContractByDealID", findContract("crm-deal-race")))
	wantIDs(t, "ListAllContracts after the race", walk(t, "ListAllContracts", 0, eachPageInTx(t, h.Contract, listAllContracts)),
		contractIDOf, []psa.ContractID{won[0].ID})
}
