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
				"return a value equal to it, every field included (its rates, time-rounding rule and term anchor too; amounts and decimals " +
				"compare by value: 12.5 equals 12.50; a zero amount stays the zero Money; a nil TimeRounding stays nil).",
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
			needs: needs, run: func(t *testing.T, h Harness) { checkUniqueKey(t, h.Contract, contractKind) },
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
			name: "ContractNoAliasing",
			contract: "Stores take and return copies: changing a contract's Rates or the TimeRounding it points to, or a part's Quantities, " +
				"after passing it to Create or Update, or in a value returned by Get, Find or a List call, or changing the entries ListHistory " +
				"returned, does not change what is stored.",
			needs: needs, run: testContractNoAliasing,
		},
		{
			name: "PaginateContracts",
			contract: "ListContracts walks exactly the given client's contracts, and ListAllContracts every contract, each once, in ascending ID order, " +
				"at most Limit per page, and ListContracts follows an UpdateContract that changes ClientID.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkPagination(t, h.Contract, contractKind, []int{120, 17, 5, 0}, []int{7, 0}, []int{7, 0, 1000})
			},
		},
		{
			name: "PaginateParts",
			contract: "ListParts walks exactly the given contract's parts, each once, in ascending ID order, at most Limit per page, " +
				"and follows an UpdatePart that changes ContractID.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkPagination(t, h.Contract, partKind, []int{17, 8, 0}, []int{4, 0}, nil)
			},
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
			needs: needs, run: func(t *testing.T, h Harness) { checkConcurrentCreates(t, h.Contract, contractKind) },
		},
	}
}

// The kinds of package contract, for the generic cases. The contracts the cases store belong to
// clients that are not stored: the contract store methods take a ClientID as a plain value.
var (
	contractKind = kind[contract.Tx, psa.ContractID, psa.ClientID, contract.Contract]{
		name: "Contract", ownerName: "client", keyName: "DealID",
		fields: func(c *contract.Contract) fields[psa.ContractID, psa.ClientID] {
			return fields[psa.ContractID, psa.ClientID]{id: &c.ID, owner: &c.ClientID, key: &c.DealID, version: &c.Version, label: &c.Name}
		},
		create: contract.Tx.CreateContract, get: contract.Tx.GetContract, update: contract.Tx.UpdateContract,
		find: contract.Tx.FindContractByDealID, listAll: contract.Tx.ListAllContracts, listOf: contract.Tx.ListContracts,
		bare: func(_ *testing.T, id psa.ContractID, owner psa.ClientID, name string) contract.Contract {
			return newContract(id, owner, name)
		},
		owners: unstored[contract.Tx, psa.ClientID],
		clone:  copyContract, scribble: scribbleContract,
	}
	partKind = kind[contract.Tx, psa.PartID, psa.ContractID, contract.Part]{
		name: "Part", ownerName: "contract",
		fields: func(p *contract.Part) fields[psa.PartID, psa.ContractID] {
			return fields[psa.PartID, psa.ContractID]{id: &p.ID, owner: &p.ContractID, version: &p.Version, label: &p.Description}
		},
		create: contract.Tx.CreatePart, get: contract.Tx.GetPart, update: contract.Tx.UpdatePart, listOf: contract.Tx.ListParts,
		bare: newPart, owners: ownersOf(contractKind), clone: copyPart, scribble: scribblePart,
	}
)

// clientsOf returns run as a runner of client transactions, for the client kind.
func clientsOf(run psa.Runner[contract.Tx]) psa.Runner[client.Tx] { return psa.Adapt[client.Tx](run) }

// creatingClients returns a write of a contract transaction that creates clients.
func creatingClients(clients ...client.Client) func(ctx context.Context, tx contract.Tx) error {
	return func(ctx context.Context, tx contract.Tx) error { return clientKind.creating(clients...)(ctx, tx) }
}

// appending returns a write that appends history entries, in order.
func appending(entries ...contract.HistoryEntry) func(ctx context.Context, tx contract.Tx) error {
	return func(ctx context.Context, tx contract.Tx) error {
		for _, e := range entries {
			if err := tx.AppendHistory(ctx, e); err != nil {
				return fmt.Errorf("AppendHistory %s #%d: %w", e.ContractID, e.Seq, err)
			}
		}
		return nil
	}
}

func historyOf(id psa.ContractID) func(ctx context.Context, tx contract.Tx) ([]contract.HistoryEntry, error) {
	return func(ctx context.Context, tx contract.Tx) ([]contract.HistoryEntry, error) {
		return tx.ListHistory(ctx, id)
	}
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

func testRoundTripContract(t *testing.T, h Harness) {
	owner, elsewhere := randomID[psa.ClientID](), randomID[psa.ClientID]()
	full := fullContract(t, newID[psa.ContractID](t), owner, "crm-deal-4711")
	bare := newContract(randomID[psa.ContractID](), owner, "Break/fix")
	other := newContract(newID[psa.ContractID](t), elsewhere, "Another client's")
	other.Currency = currency.CHF
	other.Cap = money(t, "800", "CHF")
	contractKind.store(t, h.Contract, full, bare, other)

	// The same values, written differently.
	want := copyContract(full)
	want.Rates[0].Rate = money(t, "125.50", "EUR")
	want.Hours = dec(t, "12.50")
	want.BillingPrice = money(t, "1500", "EUR")
	want.HoursCarried = dec(t, "0.250")
	wantReadBack(t, h.Contract, contractKind, sample[contract.Contract]{"a contract with every field set", full, want},
		same("a contract with only the required fields", bare), same("a contract in CHF", other))
}

func testRoundTripPart(t *testing.T, h Harness) {
	c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Managed services")
	full := fullPart(t, newID[psa.PartID](t), c.ID)
	unpriced := newPart(t, randomID[psa.PartID](), c.ID, "Unpriced")
	unpriced.Quantities = nil
	free := newPart(t, newID[psa.PartID](t), c.ID, "Free onboarding")
	free.UnitPrice = money(t, "0.00", "EUR")
	setUp(t, h.Contract, contractKind.creating(c), partKind.creating(full, unpriced, free))

	// The same values, written differently.
	want := copyPart(full)
	want.Quantities[0].Quantity = dec(t, "10")
	want.Quantities[2].Quantity = dec(t, "7.50")
	want.UnitPrice = money(t, "39.9", "EUR")
	samples := []sample[contract.Part]{{"a part with every field set", full, want}, same("an unpriced part", unpriced), same("a free part", free)}
	wantReadBack(t, h.Contract, partKind, samples...)

	// An update stores every dated quantity too: one inserted before the last, one appended.
	u := copyPart(want)
	u.Quantities = slices.Insert(u.Quantities, 3, contract.Quantity{From: day(2025, time.August, 1), Quantity: dec(t, "9.25")})
	u.Quantities = append(u.Quantities, contract.Quantity{From: day(2025, time.November, 3), Quantity: dec(t, "4")})
	u.BilledThrough = day(2025, time.July, 31)
	u.UpdatedAt = ts0.Add(48 * time.Hour)
	inTx(t, h.Contract, "UpdatePart adding dated quantities", partKind.updating(u))
	u.Version = 2
	samples[0] = sample[contract.Part]{"a part after an UpdatePart adding dated quantities (want Version 2)", u, u}
	wantReadBack(t, h.Contract, partKind, samples...)
}

func testContractNotFound(t *testing.T, h Harness) {
	t.Run("contract", func(t *testing.T) { checkNotFound(t, h.Contract, contractKind) })
	t.Run("part", func(t *testing.T) { checkNotFound(t, h.Contract, partKind) })
	// The ID of another kind of object is an unknown ID.
	c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Known")
	p := newPart(t, newID[psa.PartID](t), c.ID, "Known")
	setUp(t, h.Contract, contractKind.creating(c), partKind.creating(p))
	contractKind.wantNoID(t, h.Contract, "GetContract of a part's ID", psa.ContractID(p.ID))
	partKind.wantNoID(t, h.Contract, "GetPart of a contract's ID", psa.PartID(c.ID))
}

func testContractAlreadyExistsID(t *testing.T, h Harness) {
	t.Run("contract", func(t *testing.T) { checkIDTaken(t, h.Contract, contractKind) })
	t.Run("part", func(t *testing.T) { checkIDTaken(t, h.Contract, partKind) })
}

func testContractVersions(t *testing.T, h Harness) {
	t.Run("contract", func(t *testing.T) {
		checkVersions(t, h.Contract, contractKind, fullContract(t, randomID[psa.ContractID](), randomID[psa.ClientID](), "crm-deal-versioned"))
	})
	t.Run("part", func(t *testing.T) {
		c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Owner")
		contractKind.store(t, h.Contract, c)
		checkVersions(t, h.Contract, partKind, fullPart(t, randomID[psa.PartID](), c.ID))
	})
}

func testHistory(t *testing.T, h Harness) {
	a := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "A")
	b := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "B")
	none := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Without history")
	contractKind.store(t, h.Contract, a, b, none)

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

	inTx(t, h.Contract, "appending A #1 and B #1", appending(wantA[0], wantB[0]))
	inTx(t, h.Contract, "appending A #2, B #2 and A #3", func(ctx context.Context, tx contract.Tx) error {
		if err := appending(wantA[1], wantB[1], wantA[2])(ctx, tx); err != nil {
			return err
		}
		got, err := tx.ListHistory(ctx, a.ID)
		wantRead(t, "ListHistory in the appending transaction", wantA, got, err)
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
	setUp(t, h.Contract, contractKind.creating(c, d), appending(want...))

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
			wantRead(t, what+", then ListHistory in the same transaction", want, got, err)
			return nil
		})
		wantHistory(t, h.Contract, what+", then", c.ID, want)
	}

	// Seq counts per contract: D may use the Seqs C has.
	wantD := []contract.HistoryEntry{entry(d.ID, 1, ts0, "", "contract created"), entry(d.ID, 2, ts0, "", "contract activated")}
	setUp(t, h.Contract, appending(wantD...))
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
	setUp(t, h.Contract, creatingClients(preClient), contractKind.creating(pre), partKind.creating(prePart), appending(preHistory...))

	cl := newClient(newID[psa.ClientID](t), "Rolled back client")
	cl.ExternalID = "crm-rolled-back"
	c := fullContract(t, newID[psa.ContractID](t), cl.ID, "crm-deal-rolled-back")
	p := fullPart(t, randomID[psa.PartID](), c.ID)
	changed := pre
	changed.Name, changed.DealID = "Changed by a rolled-back transaction", "crm-deal-pre-2"
	grown := copyPart(prePart)
	grown.Quantities = append(grown.Quantities, contract.Quantity{From: day(2025, time.November, 1), Quantity: dec(t, "99")})
	write := sequence(creatingClients(cl), contractKind.creating(c), partKind.creating(p),
		appending(entry(c.ID, 1, ts0, "", "contract created"), entry(pre.ID, 2, ts0, "", "rolled back change")),
		contractKind.updating(changed), partKind.updating(grown))
	checkRollback(t, "contract runner", h.Contract, write, func(how string) {
		t.Helper()
		clientKind.wantGone(t, clientsOf(h.Contract), "of the rolled-back client "+how, cl)
		contractKind.wantGone(t, h.Contract, "of the rolled-back contract "+how, c)
		partKind.wantGone(t, h.Contract, "of the rolled-back part "+how, p)
		contractKind.wantNoKey(t, h.Contract, "FindContractByDealID of the rolled-back update's DealID "+how, changed)
		wantHistory(t, h.Contract, how+": the rolled-back contract", c.ID, nil)
		wantHistory(t, h.Contract, how+": the committed contract", pre.ID, preHistory)
		contractKind.wantStored(t, h.Contract, "of the contract the transaction updated "+how, pre)
		partKind.wantStored(t, h.Contract, "of the part the transaction updated "+how, prePart)
		contractKind.wantListings(t, h.Contract, "of the rolled-back client "+how, []psa.ContractID{pre.ID}, cl.ID)
		partKind.wantListings(t, h.Contract, "of the rolled-back contract "+how, nil, c.ID)
	})
}

func testContractReadYourOwnWrites(t *testing.T, h Harness) {
	old := newContract(randomID[psa.ContractID](), randomID[psa.ClientID](), "Committed")
	oldPart := newPart(t, randomID[psa.PartID](), old.ID, "Committed")
	setUp(t, h.Contract, contractKind.creating(old), partKind.creating(oldPart))

	cl := fullClient(t, newID[psa.ClientID](t), psa.ClientID{}, psa.ContactID{}, []psa.ContactID{randomID[psa.ContactID](), randomID[psa.ContactID]()}, "95.50")
	cl.ExternalID = "crm-ryow"
	c := fullContract(t, newID[psa.ContractID](t), cl.ID, "crm-deal-ryow")
	p := fullPart(t, randomID[psa.PartID](), c.ID)
	moved := oldPart
	moved.ContractID = c.ID
	history := []contract.HistoryEntry{entry(c.ID, 1, ts0, "ana@msp.example", "contract created")}
	const in = "in the creating transaction"
	var final contract.Contract
	var finalPart contract.Part
	inTx(t, h.Contract, "read-your-own-writes transaction", func(ctx context.Context, tx contract.Tx) error {
		if err := sequence(creatingClients(cl), contractKind.creating(c), partKind.creating(p), appending(history...))(ctx, tx); err != nil {
			return err
		}
		clientKind.wantStoredIn(t, ctx, tx, in, cl)
		diff(t, "ListClients "+in, []client.Client{cl}, walk(t, "ListClients "+in, 0, inThisTx(ctx, client.Tx(tx), clientKind.all())))
		contractKind.wantStoredIn(t, ctx, tx, in, c)
		diff(t, "ListContracts of the new client "+in, []contract.Contract{c}, walk(t, "ListContracts "+in, 0, inThisTx(ctx, tx, contractKind.of(cl.ID))))
		all := walk(t, "ListAllContracts (limit 1) "+in, 1, inThisTx(ctx, tx, contractKind.all()))
		wantIDs(t, "ListAllContracts (limit 1) of committed and new contracts in one transaction", all, contractKind.idOf, []psa.ContractID{old.ID, c.ID})
		partKind.wantStoredIn(t, ctx, tx, in, p)
		diff(t, "ListParts "+in, []contract.Part{p}, walk(t, "ListParts "+in, 0, inThisTx(ctx, tx, partKind.of(c.ID))))
		gotHistory, err := tx.ListHistory(ctx, c.ID)
		wantRead(t, "ListHistory "+in, history, gotHistory, err)

		// Updates of what the transaction created, and of committed objects, are visible too.
		c2 := c
		c2.Status = contract.StatusCancelled
		c2.DealID = "crm-deal-ryow-2"
		if err := tx.UpdateContract(ctx, c2); err != nil {
			return fmt.Errorf("UpdateContract of a contract created in the same transaction (version 1): %w", err)
		}
		c2.Version = 2
		contractKind.wantStoredIn(t, ctx, tx, "after UpdateContract (want Version 2) "+in, c2)
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
		partKind.wantStoredIn(t, ctx, tx, "after UpdatePart (want Version 2) "+in, p2)

		if err := tx.UpdatePart(ctx, moved); err != nil {
			return fmt.Errorf("UpdatePart moving a committed part to the new contract: %w", err)
		}
		moved.Version = 2
		parts := walk(t, "ListParts after moving a part", 0, inThisTx(ctx, tx, partKind.of(c.ID)))
		wantIDs(t, "ListParts of the new contract after moving a committed part to it in the same transaction", parts, partKind.idOf, []psa.PartID{p.ID, moved.ID})
		parts = walk(t, "ListParts after moving a part", 0, inThisTx(ctx, tx, partKind.of(old.ID)))
		wantIDs(t, "ListParts of the committed contract after moving its part away in the same transaction", parts, partKind.idOf, nil)

		more := entry(c.ID, 2, ts0.Add(time.Second), "ana@msp.example", "contract cancelled")
		if err := tx.AppendHistory(ctx, more); err != nil {
			return fmt.Errorf("second AppendHistory: %w", err)
		}
		history = append(history, more)
		gotHistory, err = tx.ListHistory(ctx, c.ID)
		wantRead(t, "ListHistory after a second AppendHistory "+in, history, gotHistory, err)
		final, finalPart = c2, p2
		return nil
	})

	const after = "after the transaction committed"
	clientKind.wantStored(t, clientsOf(h.Contract), after, cl)
	contractKind.wantStored(t, h.Contract, after, final)
	partKind.wantStored(t, h.Contract, after, finalPart)
	partKind.wantStored(t, h.Contract, "of the moved part "+after, moved)
	wantHistory(t, h.Contract, after, c.ID, history)
	contractKind.wantListings(t, h.Contract, "of the new client "+after, []psa.ContractID{old.ID}, cl.ID, c.ID)
}

func testRunnersShareStore(t *testing.T, h Harness) {
	viaClient := newClient(newID[psa.ClientID](t), "Created through Harness.Client")
	clientKind.store(t, h.Client, viaClient)
	viaContract := newClient(randomID[psa.ClientID](), "Created through Harness.Contract")
	c := newContract(newID[psa.ContractID](t), viaContract.ID, "Created with its client")
	inTx(t, h.Contract, "creating a client and a contract through Harness.Contract", sequence(creatingClients(viaContract), contractKind.creating(c)))

	// shared reports a read through one runner of what the other wrote.
	shared := func(what string, want, got client.Client, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v (the runners must run on one store)", what, err)
			return
		}
		diff(t, what, want, got)
	}
	got, err := read(t, clientsOf(h.Contract), clientKind.getting(viaClient.ID))
	shared("GetClient through Harness.Contract of a client created through Harness.Client", viaClient, got, err)
	got, err = read(t, h.Client, clientKind.getting(viaContract.ID))
	shared("GetClient through Harness.Client of a client created through Harness.Contract", viaContract, got, err)

	// An update through one runner is read, and its version checked, through the other.
	u := viaContract
	u.Name = "Updated through Harness.Client"
	if err := h.Client(t.Context(), clientKind.updating(u)); err != nil {
		t.Errorf("UpdateClient through Harness.Client of a client created through Harness.Contract: %v (the runners must run on one store)", err)
		return
	}
	u.Version = 2
	got, err = read(t, clientsOf(h.Contract), clientKind.getting(u.ID))
	shared("GetClient through Harness.Contract after an update through Harness.Client", u, got, err)
	err = clientsOf(h.Contract)(t.Context(), clientKind.updating(viaContract))
	if !errors.Is(err, psa.ErrConflict) {
		t.Errorf("UpdateClient through Harness.Contract with version 1 after an update through Harness.Client: got error %v, want one wrapping psa.ErrConflict", err)
	}
}

func testContractNoAliasing(t *testing.T, h Harness) {
	t.Run("contract", func(t *testing.T) {
		checkNoAliasing(t, h.Contract, contractKind, fullContract(t, randomID[psa.ContractID](), randomID[psa.ClientID](), "crm-deal-aliasing"))
	})
	c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "C")
	contractKind.store(t, h.Contract, c)
	t.Run("part", func(t *testing.T) { checkNoAliasing(t, h.Contract, partKind, fullPart(t, newID[psa.PartID](t), c.ID)) })

	// History entries returned are the caller's.
	history := []contract.HistoryEntry{entry(c.ID, 1, ts0, "ana", "one"), entry(c.ID, 2, ts0, "ana", "two")}
	setUp(t, h.Contract, appending(history...))
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
		wantRead(t, "ListHistory in the same transaction after the caller changed the entries ListHistory returned", history, again, err)
		return nil
	})
	scribbleHistory(mustRead(t, h.Contract, "ListHistory", historyOf(c.ID)))
	wantHistory(t, h.Contract, "after the caller changed the entries ListHistory returned", c.ID, history)
}

func testInvalidContractPageRequest(t *testing.T, h Harness) {
	checkInvalidPages(t, h.Contract, contractKind)
	checkInvalidPages(t, h.Contract, partKind)
}

func testConcurrentHistoryAppends(t *testing.T, h Harness) {
	const workers, perWorker = 16, 5
	c := newContract(newID[psa.ContractID](t), randomID[psa.ClientID](), "Contended")
	contractKind.store(t, h.Contract, c)

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				what := fmt.Sprintf("worker %d, entry %d", w, i)
				next := func() error {
					return h.Contract(t.Context(), func(ctx context.Context, tx contract.Tx) error {
						hist, err := tx.ListHistory(ctx, c.ID)
						if err != nil {
							return err
						}
						return tx.AppendHistory(ctx, entry(c.ID, int64(len(hist))+1, ts0, "", what))
					})
				}
				if !wantRetried(t, what, next, psa.ErrConflict, psa.ErrAlreadyExists) {
					return
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
