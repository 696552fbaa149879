package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// clientCases are the cases of the stores of package client (client.Tx).
func clientCases() []testCase {
	needs := []string{"Client"}
	return []testCase{
		{
			name: "RoundTripClient",
			contract: "CreateClient stores a client as given, and GetClient, FindClientByExternalID, ListClients and " +
				"ListSubOrganizations return a value equal to it, every field included (amounts compare by value: 95.5 EUR equals 95.50 EUR).",
			needs: needs, run: testRoundTripClient,
		},
		{
			name:     "RoundTripContact",
			contract: "CreateContact stores a contact as given, and GetContact, FindContactByExternalID and ListContacts return a value equal to it.",
			needs:    needs, run: testRoundTripContact,
		},
		{
			name:     "RoundTripAsset",
			contract: "CreateAsset stores an asset as given, and GetAsset, FindAssetByExternalID and ListAssets return a value equal to it.",
			needs:    needs, run: testRoundTripAsset,
		},
		{
			name: "NotFound",
			contract: "GetX and FindXByExternalID of an unknown key, and UpdateX of an unknown ID, fail with a *psa.NotFoundError " +
				"(wrapping psa.ErrNotFound); contact and asset external IDs are looked up within their client only.",
			needs: needs, run: testNotFound,
		},
		{
			name:     "AlreadyExistsID",
			contract: "CreateClient, CreateContact and CreateAsset fail with a *psa.AlreadyExistsError (wrapping psa.ErrAlreadyExists) when the ID is taken, and leave the stored object unchanged.",
			needs:    needs, run: testAlreadyExistsID,
		},
		{
			name: "UniqueClientExternalID",
			contract: "A non-empty client ExternalID is unique: CreateClient and UpdateClient fail with a *psa.AlreadyExistsError when it is taken " +
				"by another client; an empty ExternalID is never taken, and an ExternalID changed away from is free again.",
			needs: needs, run: func(t *testing.T, h Harness) { checkUniqueKey(t, h.Client, clientKind) },
		},
		{
			name: "UniqueExternalIDPerClient",
			contract: "A non-empty contact or asset ExternalID is unique within its client: creating or updating another one of the same client " +
				"with it fails with a *psa.AlreadyExistsError, while the same ExternalID under another client is fine.",
			needs: needs, run: testUniqueExternalIDPerClient,
		},
		{
			name: "Versions",
			contract: "UpdateClient, UpdateContact and UpdateAsset succeed only when the given Version equals the stored one, and then store " +
				"Version+1; a stale (older or newer) Version fails with a *psa.VersionConflictError (wrapping psa.ErrConflict) and changes nothing.",
			needs: needs, run: testVersions,
		},
		{
			name: "Rollback",
			contract: "When fn returns an error the runner returns that error unchanged (the same value, or one errors.Is matches when fn wrapped it) " +
				"and nothing fn wrote is kept: creates, updates and external-ID claims are all undone.",
			needs: needs, run: testRollback,
		},
		{
			name: "ReadYourOwnWrites",
			contract: "Inside one transaction, what it created or updated is returned by Get, Find...ByExternalID and every List call " +
				"before it commits, and the version rule applies to its own updates.",
			needs: needs, run: testReadYourOwnWrites,
		},
		{
			name: "Isolation",
			contract: "A transaction sees no uncommitted write of another transaction (a client created or updated by an unfinished " +
				"transaction is invisible to Get, Find and List); once that transaction commits, a new transaction sees its writes.",
			needs: needs, run: testIsolation,
		},
		{
			name: "NoAliasing",
			contract: "Stores take and return copies: changing the slices of a value after passing it to CreateClient, or of a value " +
				"returned by GetClient, FindClientByExternalID, ListClients or ListSubOrganizations, does not change the stored client.",
			needs: needs, run: testNoAliasing,
		},
		{
			name: "PaginateClients",
			contract: "ListClients walks every client exactly once in ascending ID order (UUID bytes), at most Limit per page " +
				"(0 meaning psa.DefaultPageLimit), with Next empty only on the last page.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkPagination(t, h.Client, clientKind, []int{257}, nil, []int{10, 0, 1000})
			},
		},
		{
			name: "PaginateContactsAndAssets",
			contract: "ListContacts and ListAssets walk exactly the given client's contacts or assets, each once, in ascending ID order, " +
				"and reflect one moved to another client.",
			needs: needs, run: testPaginateContactsAndAssets,
		},
		{
			name:     "InvalidPageRequest",
			contract: "A List call with a cursor the store did not issue fails with an error wrapping psa.ErrBadCursor (and psa.ErrInvalid); a negative Limit fails with psa.ErrInvalid.",
			needs:    needs, run: testInvalidPageRequest,
		},
		{
			name: "SubOrganizations",
			contract: "ListSubOrganizations returns exactly the clients whose ParentID is the parent (not grandchildren), in ascending ID order, " +
				"and follows an UpdateClient that changes ParentID.",
			needs: needs, run: testSubOrganizations,
		},
		{
			name: "ConcurrentUpdates",
			contract: "Concurrent read-modify-write transactions on one client lose no update: a lost race may only surface as an error " +
				"wrapping psa.ErrConflict, after which a retry succeeds.",
			needs: needs, run: testConcurrentUpdates,
		},
		{
			name: "ConcurrentCreates",
			contract: "Of concurrent CreateClient transactions claiming the same ExternalID (or the same ID), exactly one succeeds; " +
				"the others fail with psa.ErrAlreadyExists (a lost race may first be reported as psa.ErrConflict).",
			needs: needs, run: func(t *testing.T, h Harness) { checkConcurrentCreates(t, h.Client, clientKind) },
		},
		{
			name:     "CancelledContext",
			contract: "A runner called with a cancelled context returns an error wrapping context.Canceled and writes nothing.",
			needs:    needs, run: testCancelledContext,
		},
	}
}

// The kinds of package client, for the generic cases.
var (
	clientKind = kind[client.Tx, psa.ClientID, psa.ClientID, client.Client]{
		name: "Client", keyName: "ExternalID",
		fields: func(c *client.Client) fields[psa.ClientID, psa.ClientID] {
			return fields[psa.ClientID, psa.ClientID]{id: &c.ID, key: &c.ExternalID, version: &c.Version, label: &c.Name}
		},
		create: client.Tx.CreateClient, get: client.Tx.GetClient, update: client.Tx.UpdateClient,
		find: client.Tx.FindClientByExternalID, listAll: client.Tx.ListClients,
		bare:  func(_ *testing.T, id, _ psa.ClientID, name string) client.Client { return newClient(id, name) },
		clone: deepCopy, scribble: scribble,
	}
	contactKind = kind[client.Tx, psa.ContactID, psa.ClientID, client.Contact]{
		name: "Contact", ownerName: "client", keyName: "ExternalID",
		fields: func(c *client.Contact) fields[psa.ContactID, psa.ClientID] {
			return fields[psa.ContactID, psa.ClientID]{id: &c.ID, owner: &c.ClientID, key: &c.ExternalID, version: &c.Version, label: &c.JobTitle}
		},
		create: client.Tx.CreateContact, get: client.Tx.GetContact, update: client.Tx.UpdateContact,
		findIn: client.Tx.FindContactByExternalID, listOf: client.Tx.ListContacts,
		bare: func(_ *testing.T, id psa.ContactID, owner psa.ClientID, name string) client.Contact {
			return newContact(id, owner, name)
		},
		owners: ownersOf(clientKind),
	}
	assetKind = kind[client.Tx, psa.AssetID, psa.ClientID, client.Asset]{
		name: "Asset", ownerName: "client", keyName: "ExternalID",
		fields: func(a *client.Asset) fields[psa.AssetID, psa.ClientID] {
			return fields[psa.AssetID, psa.ClientID]{id: &a.ID, owner: &a.ClientID, key: &a.ExternalID, version: &a.Version, label: &a.SerialNumber}
		},
		create: client.Tx.CreateAsset, get: client.Tx.GetAsset, update: client.Tx.UpdateAsset,
		findIn: client.Tx.FindAssetByExternalID, listOf: client.Tx.ListAssets,
		bare: func(_ *testing.T, id psa.AssetID, owner psa.ClientID, name string) client.Asset {
			return newAsset(id, owner, name)
		},
		owners: ownersOf(clientKind),
	}
)

func subOrganizations(parent psa.ClientID) func(ctx context.Context, tx client.Tx) ([]client.Client, error) {
	return func(ctx context.Context, tx client.Tx) ([]client.Client, error) {
		return tx.ListSubOrganizations(ctx, parent)
	}
}

func testRoundTripClient(t *testing.T, h Harness) {
	parent := newClient(randomID[psa.ClientID](), "Contoso Holding")
	id := newID[psa.ClientID](t)
	primary, other := newID[psa.ContactID](t), randomID[psa.ContactID]()
	c := fullClient(t, id, parent.ID, primary, []psa.ContactID{primary, other}, "95.5")
	want := deepCopy(c)
	want.Settings.RateOverrides[0].Rate = money(t, "95.50", "EUR")
	setUp(t, h.Client, clientKind.creating(parent, c), contactKind.creating(newContact(primary, id, "Primary"), newContact(other, id, "Other")))

	wantReadBack(t, h.Client, clientKind,
		sample[client.Client]{"a client with every field set", c, want}, same("a client with only the required fields", parent))
	diff(t, "ListSubOrganizations", []client.Client{want}, mustRead(t, h.Client, "ListSubOrganizations", subOrganizations(parent.ID)))
}

func testRoundTripContact(t *testing.T, h Harness) {
	owner := newClient(newID[psa.ClientID](t), "Owner")
	full := fullContact(newID[psa.ContactID](t), owner.ID, "hr-4711")
	bare := newContact(randomID[psa.ContactID](), owner.ID, "Bare")
	setUp(t, h.Client, clientKind.creating(owner), contactKind.creating(full, bare))
	wantReadBack(t, h.Client, contactKind, same("a contact with every field set", full), same("a contact with only the required fields", bare))
}

func testRoundTripAsset(t *testing.T, h Harness) {
	owner := newClient(newID[psa.ClientID](t), "Owner")
	full := fullAsset(t, newID[psa.AssetID](t), owner.ID, "rmm-device-0815")
	bare := newAsset(randomID[psa.AssetID](), owner.ID, "WS-17")
	setUp(t, h.Client, clientKind.creating(owner), assetKind.creating(full, bare))
	wantReadBack(t, h.Client, assetKind, same("an asset with every field set", full), same("an asset with only the required fields", bare))
}

func testNotFound(t *testing.T, h Harness) {
	t.Run("client", func(t *testing.T) { checkNotFound(t, h.Client, clientKind) })
	t.Run("contact", func(t *testing.T) { checkNotFound(t, h.Client, contactKind) })
	t.Run("asset", func(t *testing.T) { checkNotFound(t, h.Client, assetKind) })
	// The ID of another kind of object is an unknown ID.
	c := newClient(newID[psa.ClientID](t), "Known")
	clientKind.store(t, h.Client, c)
	contactKind.wantNoID(t, h.Client, "GetContact of a client's ID", psa.ContactID(c.ID))
	assetKind.wantNoID(t, h.Client, "GetAsset of a client's ID", psa.AssetID(c.ID))
}

func testAlreadyExistsID(t *testing.T, h Harness) {
	t.Run("client", func(t *testing.T) { checkIDTaken(t, h.Client, clientKind) })
	t.Run("contact", func(t *testing.T) { checkIDTaken(t, h.Client, contactKind) })
	t.Run("asset", func(t *testing.T) { checkIDTaken(t, h.Client, assetKind) })
}

func testUniqueExternalIDPerClient(t *testing.T, h Harness) {
	t.Run("contacts", func(t *testing.T) { checkUniqueKey(t, h.Client, contactKind) })
	t.Run("assets", func(t *testing.T) { checkUniqueKey(t, h.Client, assetKind) })
}

func testVersions(t *testing.T, h Harness) {
	owner := newClient(newID[psa.ClientID](t), "Owner")
	clientKind.store(t, h.Client, owner)
	t.Run("client", func(t *testing.T) {
		checkVersions(t, h.Client, clientKind, clientKind.withKey(newClient(randomID[psa.ClientID](), "Versioned"), "crm-versioned"))
	})
	t.Run("contact", func(t *testing.T) {
		checkVersions(t, h.Client, contactKind, contactKind.withKey(newContact(randomID[psa.ContactID](), owner.ID, "Versioned"), "hr-versioned"))
	})
	t.Run("asset", func(t *testing.T) {
		checkVersions(t, h.Client, assetKind, assetKind.withKey(newAsset(randomID[psa.AssetID](), owner.ID, "Versioned"), "rmm-versioned"))
	})
}

func testRollback(t *testing.T, h Harness) {
	pre := newClient(randomID[psa.ClientID](), "Pre-existing")
	pre.ExternalID = "pre-1"
	clientKind.store(t, h.Client, pre)

	c := newClient(newID[psa.ClientID](t), "Rolled back")
	c.ExternalID = "rb-1"
	ct := newContact(newID[psa.ContactID](t), c.ID, "Rolled back")
	ct.ExternalID = "rb-contact"
	as := newAsset(newID[psa.AssetID](t), c.ID, "Rolled back")
	as.ExternalID = "rb-asset"
	changed := pre
	changed.Name, changed.ExternalID = "Changed by a rolled-back transaction", "pre-2"
	write := sequence(clientKind.creating(c), contactKind.creating(ct), assetKind.creating(as), func(ctx context.Context, tx client.Tx) error {
		p, err := tx.GetClient(ctx, pre.ID)
		if err != nil {
			return fmt.Errorf("GetClient: %v", err)
		}
		p.Name, p.ExternalID = changed.Name, changed.ExternalID
		return clientKind.updating(p)(ctx, tx)
	})
	checkRollback(t, "runner", h.Client, write, func(how string) {
		t.Helper()
		clientKind.wantGone(t, h.Client, "of the rolled-back client "+how, c)
		contactKind.wantGone(t, h.Client, "of the rolled-back contact "+how, ct)
		assetKind.wantGone(t, h.Client, "of the rolled-back asset "+how, as)
		clientKind.wantNoKey(t, h.Client, "FindClientByExternalID of the rolled-back update's key "+how, changed)
		clientKind.wantStored(t, h.Client, "of the client the transaction updated "+how, pre)
		clientKind.wantListings(t, h.Client, how, nil, psa.ClientID{}, pre.ID)
		contactKind.wantListings(t, h.Client, "of the rolled-back client "+how, nil, c.ID)
		assetKind.wantListings(t, h.Client, "of the rolled-back client "+how, nil, c.ID)
	})
}

func testReadYourOwnWrites(t *testing.T, h Harness) {
	p1 := newClient(randomID[psa.ClientID](), "P1")
	p1.ExternalID = "ryow-p1"
	p2 := newClient(randomID[psa.ClientID](), "P2")
	p3 := newClient(newID[psa.ClientID](t), "P3")
	old1 := newContact(randomID[psa.ContactID](), p1.ID, "Old 1")
	old2 := newContact(newID[psa.ContactID](t), p1.ID, "Old 2")
	setUp(t, h.Client, clientKind.creating(p1, p2, p3), contactKind.creating(old1, old2))

	c := newClient(newID[psa.ClientID](t), "Fresh")
	c.ExternalID = "ryow-c"
	c.ParentID = p1.ID
	k := fullContact(randomID[psa.ContactID](), c.ID, "ryow-k")
	a := fullAsset(t, randomID[psa.AssetID](), c.ID, "ryow-a")
	new1, new2 := newContact(randomID[psa.ContactID](), p1.ID, "New 1"), newContact(newID[psa.ContactID](t), p1.ID, "New 2")
	const in = "in the creating transaction"
	var final client.Client
	inTx(t, h.Client, "read-your-own-writes transaction", func(ctx context.Context, tx client.Tx) error {
		if err := sequence(clientKind.creating(c), contactKind.creating(k, new1, new2), assetKind.creating(a))(ctx, tx); err != nil {
			return err
		}
		clientKind.wantStoredIn(t, ctx, tx, in, c)
		clients := walk(t, "ListClients "+in, 2, inThisTx(ctx, tx, clientKind.all()))
		wantIDs(t, "ListClients (limit 2) "+in, clients, clientKind.idOf, []psa.ClientID{p1.ID, p2.ID, p3.ID, c.ID})
		subs, err := tx.ListSubOrganizations(ctx, p1.ID)
		wantRead(t, "ListSubOrganizations "+in, []client.Client{c}, subs, err)

		contactKind.wantStoredIn(t, ctx, tx, in, k)
		diff(t, "ListContacts "+in, []client.Contact{k}, walk(t, "ListContacts "+in, 0, inThisTx(ctx, tx, contactKind.of(c.ID))))
		mixed := walk(t, "ListContacts (limit 1) of committed and new contacts", 1, inThisTx(ctx, tx, contactKind.of(p1.ID)))
		wantIDs(t, "ListContacts (limit 1) of committed and new contacts in one transaction", mixed, contactKind.idOf, []psa.ContactID{old1.ID, old2.ID, new1.ID, new2.ID})
		assetKind.wantStoredIn(t, ctx, tx, in, a)
		diff(t, "ListAssets "+in, []client.Asset{a}, walk(t, "ListAssets "+in, 0, inThisTx(ctx, tx, assetKind.of(c.ID))))

		// Updates of what the transaction created, and of committed objects, are visible too.
		c2 := c
		c2.Name = "Fresh, renamed"
		c2.ExternalID = "ryow-c2"
		if err := tx.UpdateClient(ctx, c2); err != nil {
			return fmt.Errorf("UpdateClient of a client created in the same transaction (version 1): %w", err)
		}
		c2.Version = 2
		clientKind.wantStoredIn(t, ctx, tx, "after UpdateClient (want Version 2) "+in, c2)
		_, err = tx.FindClientByExternalID(ctx, c.ExternalID)
		wantNotFound(t, "FindClientByExternalID of the ExternalID changed away from, in the same transaction", err)
		c3 := c2
		c3.Notes = "updated twice"
		if err := tx.UpdateClient(ctx, c3); err != nil {
			return fmt.Errorf("second UpdateClient in the same transaction (version 2): %w", err)
		}
		c3.Version = 3
		clientKind.wantStoredIn(t, ctx, tx, "after a second UpdateClient (want Version 3) "+in, c3)
		stale := c3
		stale.Version = 1
		if err := tx.UpdateClient(ctx, stale); !errors.Is(err, psa.ErrConflict) {
			t.Errorf("UpdateClient with version 1 after two updates in the same transaction: got error %v, want one wrapping psa.ErrConflict", err)
		}

		q, err := tx.GetClient(ctx, p2.ID)
		if err != nil {
			return fmt.Errorf("GetClient of a committed client: %w", err)
		}
		q.Name = "P2 renamed"
		if err := tx.UpdateClient(ctx, q); err != nil {
			return fmt.Errorf("UpdateClient of a committed client: %w", err)
		}
		q.Version = 2
		clientKind.wantStoredIn(t, ctx, tx, "of an updated committed client "+in, q)
		r, err := tx.GetClient(ctx, p3.ID)
		if err != nil {
			return fmt.Errorf("GetClient of a committed client: %w", err)
		}
		r.ParentID = p1.ID
		if err := tx.UpdateClient(ctx, r); err != nil {
			return fmt.Errorf("UpdateClient re-parenting a committed client: %w", err)
		}
		subs, err = tx.ListSubOrganizations(ctx, p1.ID)
		if err == nil {
			wantIDs(t, "ListSubOrganizations after re-parenting in the same transaction", subs, clientKind.idOf, []psa.ClientID{c.ID, p3.ID})
		} else {
			t.Errorf("ListSubOrganizations after re-parenting in the same transaction: %v", err)
		}
		clients = walk(t, "ListClients after updates", 0, inThisTx(ctx, tx, clientKind.all()))
		if got, ok := find(clients, clientKind.idOf, p2.ID); ok {
			diff(t, "ListClients item of an updated committed client in the updating transaction", q, got)
		}
		if got, ok := find(clients, clientKind.idOf, c.ID); ok {
			diff(t, "ListClients item of an updated new client in the updating transaction", c3, got)
		}

		k2 := k
		k2.JobTitle = "CTO"
		a2 := a
		a2.Name = "SRV-DC02"
		if err := sequence(contactKind.updating(k2), assetKind.updating(a2))(ctx, tx); err != nil {
			return fmt.Errorf("updating a contact and an asset created in the same transaction: %w", err)
		}
		k2.Version, a2.Version = 2, 2
		contactKind.wantStoredIn(t, ctx, tx, "after UpdateContact "+in, k2)
		assetKind.wantStoredIn(t, ctx, tx, "after UpdateAsset "+in, a2)
		final = c3
		return nil
	})
	clientKind.wantStored(t, h.Client, "after the transaction committed", final)
	got := mustRead(t, h.Client, "GetClient", clientKind.getting(p2.ID))
	if got.Name != "P2 renamed" || got.Version != 2 {
		t.Errorf("GetClient of the committed client updated by the transaction: Name %q, Version %d; want %q, 2", got.Name, got.Version, "P2 renamed")
	}
}

func testIsolation(t *testing.T, h Harness) {
	pre := newClient(randomID[psa.ClientID](), "Before")
	pre.ExternalID = "iso-pre"
	clientKind.store(t, h.Client, pre)
	c := newClient(newID[psa.ClientID](t), "Uncommitted")
	c.ExternalID = "iso-new"

	// Transaction A creates c and updates pre, signals, and waits for the go-ahead to commit. A
	// runner may run A's fn again: it signals once, and after the go-ahead never waits.
	created, release := make(chan struct{}), make(chan struct{})
	var signal, releaseOnce sync.Once
	releaseA := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(releaseA)
	aDone := make(chan error, 1)
	go func() {
		aDone <- h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			if err := tx.CreateClient(ctx, c); err != nil {
				return fmt.Errorf("CreateClient: %w", err)
			}
			p, err := tx.GetClient(ctx, pre.ID)
			if err != nil {
				return fmt.Errorf("GetClient: %w", err)
			}
			p.Name = "After"
			if err := tx.UpdateClient(ctx, p); err != nil {
				return fmt.Errorf("UpdateClient: %w", err)
			}
			signal.Do(func() { close(created) })
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	select {
	case <-created:
	case err := <-aDone:
		t.Fatalf("transaction A ended before it had written: %v", err)
	case <-time.After(timeout):
		t.Fatalf("transaction A did not create its client within %v", timeout)
	}

	// Transaction B only reads, and notes whether A could have committed when it had read.
	type view struct {
		getErr, findErr error
		listed          bool
		pre             client.Client
		afterRelease    bool
	}
	type result struct {
		v   view
		err error
	}
	bDone := make(chan result, 1)
	go func() {
		var v view
		err := h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			v = view{}
			_, v.getErr = tx.GetClient(ctx, c.ID)
			_, v.findErr = tx.FindClientByExternalID(ctx, c.ExternalID)
			all, err := psa.All(ctx, tx.ListClients)
			if err != nil {
				return fmt.Errorf("ListClients: %w", err)
			}
			_, v.listed = find(all, clientKind.idOf, c.ID)
			if v.pre, err = tx.GetClient(ctx, pre.ID); err != nil {
				return fmt.Errorf("GetClient of the committed client: %w", err)
			}
			select {
			case <-release:
				v.afterRelease = true
			default:
			}
			return nil
		})
		bDone <- result{v, err}
	}()
	var r result
	select {
	case r = <-bDone:
	case <-time.After(2 * time.Second):
		// B waits for A: the store serializes by locking. Let A commit so that B can finish.
		releaseA()
		select {
		case r = <-bDone:
		case <-time.After(timeout):
			t.Fatalf("transaction B did not finish within %v after transaction A was let go", timeout)
		}
	}
	releaseA()
	if r.err != nil {
		t.Fatalf("transaction B (reads only) failed: %v", r.err)
	}
	if r.v.afterRelease {
		t.Logf("transaction B waited for transaction A to finish, so uncommitted writes could not be observed")
	} else {
		wantNotFound(t, "GetClient of a client created by an unfinished transaction", r.v.getErr)
		wantNotFound(t, "FindClientByExternalID of a client created by an unfinished transaction", r.v.findErr)
		if r.v.listed {
			t.Errorf("ListClients listed a client created by an unfinished transaction")
		}
		diff(t, "GetClient of a client updated by an unfinished transaction", pre, r.v.pre)
	}

	select {
	case err := <-aDone:
		if err != nil {
			t.Fatalf("transaction A failed to commit: %v", err)
		}
	case <-time.After(timeout):
		t.Fatalf("transaction A did not commit within %v of its go-ahead", timeout)
	}
	clientKind.wantStored(t, h.Client, "after the creating transaction committed", c)
	want := pre
	want.Name, want.Version = "After", 2
	clientKind.wantStored(t, h.Client, "after the updating transaction committed", want)
}

func testNoAliasing(t *testing.T, h Harness) {
	parent := newClient(randomID[psa.ClientID](), "Parent")
	clientKind.store(t, h.Client, parent)
	recipients := []psa.ContactID{newID[psa.ContactID](t), randomID[psa.ContactID]()}
	c := fullClient(t, newID[psa.ClientID](t), parent.ID, recipients[0], recipients, "95.50")
	checkNoAliasing(t, h.Client, clientKind, c, reader[client.Tx, client.Client]{"ListSubOrganizations", subOrganizations(parent.ID)})
}

func testPaginateContactsAndAssets(t *testing.T, h Harness) {
	checkPagination(t, h.Client, contactKind, []int{23, 7, 0}, []int{10, 0}, nil)
	checkPagination(t, h.Client, assetKind, []int{23, 7, 0}, []int{10, 0}, nil)
}

func testInvalidPageRequest(t *testing.T, h Harness) {
	checkInvalidPages(t, h.Client, clientKind)
	checkInvalidPages(t, h.Client, contactKind)
	checkInvalidPages(t, h.Client, assetKind)
}

func testSubOrganizations(t *testing.T, h Harness) {
	p := newClient(newID[psa.ClientID](t), "P")
	q := newClient(randomID[psa.ClientID](), "Q")
	all := []client.Client{p, q}
	var pKids, qKids []psa.ClientID
	for i := range 6 {
		k := newClient(mixedID[psa.ClientID](t, i), fmt.Sprintf("P child %d", i))
		k.ParentID = p.ID
		all, pKids = append(all, k), append(pKids, k.ID)
	}
	for i := range 2 {
		k := newClient(mixedID[psa.ClientID](t, i+1), fmt.Sprintf("Q child %d", i))
		k.ParentID = q.ID
		all, qKids = append(all, k), append(qKids, k.ID)
	}
	grandchild := newClient(randomID[psa.ClientID](), "P grandchild")
	grandchild.ParentID = pKids[0]
	all = append(all, grandchild)
	clientKind.store(t, h.Client, all...)

	check := func(when string, parent psa.ClientID, want []psa.ClientID) {
		t.Helper()
		got := mustRead(t, h.Client, "ListSubOrganizations", subOrganizations(parent))
		wantIDs(t, when+"ListSubOrganizations", got, clientKind.idOf, want)
		for _, c := range got {
			if c.ParentID != parent {
				t.Errorf("%sListSubOrganizations(%s) returned client %s with ParentID %s", when, parent, c.ID, c.ParentID)
			}
		}
	}
	check("parent P: ", p.ID, pKids)
	check("parent Q: ", q.ID, qKids)
	check("parent with a grandchild: ", pKids[0], []psa.ClientID{grandchild.ID})
	check("client without children: ", pKids[1], nil)

	// Re-parent one child of P under Q, and make another top-level.
	toQ := mustRead(t, h.Client, "GetClient", clientKind.getting(pKids[2]))
	toQ.ParentID = q.ID
	toTop := mustRead(t, h.Client, "GetClient", clientKind.getting(pKids[3]))
	toTop.ParentID = psa.ClientID{}
	inTx(t, h.Client, "re-parenting", clientKind.updating(toQ, toTop))
	check("after re-parenting, old parent P: ", p.ID, []psa.ClientID{pKids[0], pKids[1], pKids[4], pKids[5]})
	check("after re-parenting, new parent Q: ", q.ID, append(slices.Clone(qKids), pKids[2]))
}

func testConcurrentUpdates(t *testing.T, h Harness) {
	const workers, perWorker = 32, 20
	c := newClient(newID[psa.ClientID](t), "Contended")
	c.ExternalID = "crm-contended"
	clientKind.store(t, h.Client, c)

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				increment := func() error {
					return h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
						v, err := tx.GetClient(ctx, c.ID)
						if err != nil {
							return err
						}
						v.EmployeeCount++
						return tx.UpdateClient(ctx, v)
					})
				}
				if !wantRetried(t, fmt.Sprintf("worker %d, increment %d", w, i), increment, psa.ErrConflict) {
					return
				}
			}
		})
	}
	wg.Wait()
	got := mustRead(t, h.Client, "GetClient", clientKind.getting(c.ID))
	if got.EmployeeCount != workers*perWorker || got.Version != workers*perWorker+1 {
		t.Errorf("after %d concurrent increments: EmployeeCount %d, Version %d; want %d, %d",
			workers*perWorker, got.EmployeeCount, got.Version, workers*perWorker, workers*perWorker+1)
	}
}

func testCancelledContext(t *testing.T, h Harness) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c := newClient(newID[psa.ClientID](t), "Never")
	c.ExternalID = "crm-never"
	ct := newContact(newID[psa.ContactID](t), c.ID, "Never")
	if err := h.Client(ctx, sequence(clientKind.creating(c), contactKind.creating(ct))); !errors.Is(err, context.Canceled) {
		t.Errorf("runner called with a cancelled context: got error %v, want one wrapping context.Canceled", err)
	}
	clientKind.wantGone(t, h.Client, "of a client created with a cancelled context", c)
	contactKind.wantGone(t, h.Client, "of a contact created with a cancelled context", ct)
	clientKind.wantListings(t, h.Client, "after a transaction with a cancelled context", nil, psa.ClientID{})
}
