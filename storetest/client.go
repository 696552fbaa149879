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
			needs: needs, run: testUniqueClientExternalID,
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
			needs: needs, run: testPaginateClients,
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
			needs: needs, run: testConcurrentCreates,
		},
		{
			name:     "CancelledContext",
			contract: "A runner called with a cancelled context returns an error wrapping context.Canceled and writes nothing.",
			needs:    needs, run: testCancelledContext,
		},
	}
}

func getClient(id psa.ClientID) func(ctx context.Context, tx client.Tx) (client.Client, error) {
	return func(ctx context.Context, tx client.Tx) (client.Client, error) { return tx.GetClient(ctx, id) }
}

func findClient(externalID string) func(ctx context.Context, tx client.Tx) (client.Client, error) {
	return func(ctx context.Context, tx client.Tx) (client.Client, error) {
		return tx.FindClientByExternalID(ctx, externalID)
	}
}

func getContact(id psa.ContactID) func(ctx context.Context, tx client.Tx) (client.Contact, error) {
	return func(ctx context.Context, tx client.Tx) (client.Contact, error) { return tx.GetContact(ctx, id) }
}

func getAsset(id psa.AssetID) func(ctx context.Context, tx client.Tx) (client.Asset, error) {
	return func(ctx context.Context, tx client.Tx) (client.Asset, error) { return tx.GetAsset(ctx, id) }
}

func subOrganizations(parent psa.ClientID) func(ctx context.Context, tx client.Tx) ([]client.Client, error) {
	return func(ctx context.Context, tx client.Tx) ([]client.Client, error) {
		return tx.ListSubOrganizations(ctx, parent)
	}
}

// find returns the item of items with id, or false.
func find[T any, K comparable](items []T, id func(T) K, k K) (T, bool) {
	for _, v := range items {
		if id(v) == k {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func testRoundTripClient(t *testing.T, h Harness) {
	parent := newClient(randomID[psa.ClientID](), "Contoso Holding")
	id := newID[psa.ClientID](t)
	primary, other := newID[psa.ContactID](t), randomID[psa.ContactID]()
	c := fullClient(t, id, parent.ID, primary, []psa.ContactID{primary, other}, "95.5")
	want := deepCopy(c)
	want.Settings.RateOverrides[0].Rate = money(t, "95.50", "EUR")
	create(t, h.Client, []client.Client{parent, c},
		[]client.Contact{newContact(primary, id, "Primary"), newContact(other, id, "Other")}, nil)

	got := mustRead(t, h.Client, "GetClient", getClient(id))
	diff(t, "GetClient of a client with every field set", want, got)
	got = mustRead(t, h.Client, "FindClientByExternalID", findClient(c.ExternalID))
	diff(t, "FindClientByExternalID", want, got)
	all := walk(t, "ListClients", 0, eachPageInTx(t, h.Client, listClients))
	wantIDs(t, "ListClients", all, clientID, []psa.ClientID{parent.ID, id})
	if got, ok := find(all, clientID, id); ok {
		diff(t, "ListClients item", want, got)
	}
	if got, ok := find(all, clientID, parent.ID); ok {
		diff(t, "ListClients item of a client with only the required fields", parent, got)
	}
	subs := mustRead(t, h.Client, "ListSubOrganizations", subOrganizations(parent.ID))
	diff(t, "ListSubOrganizations", []client.Client{want}, subs)
	got = mustRead(t, h.Client, "GetClient", getClient(parent.ID))
	diff(t, "GetClient of a client with only the required fields", parent, got)
}

func testRoundTripContact(t *testing.T, h Harness) {
	owner := newClient(newID[psa.ClientID](t), "Owner")
	full := fullContact(newID[psa.ContactID](t), owner.ID, "hr-4711")
	bare := newContact(randomID[psa.ContactID](), owner.ID, "Bare")
	create(t, h.Client, []client.Client{owner}, []client.Contact{full, bare}, nil)

	for _, want := range []client.Contact{full, bare} {
		got := mustRead(t, h.Client, "GetContact", getContact(want.ID))
		diff(t, "GetContact", want, got)
	}
	got := mustRead(t, h.Client, "FindContactByExternalID", func(ctx context.Context, tx client.Tx) (client.Contact, error) {
		return tx.FindContactByExternalID(ctx, owner.ID, full.ExternalID)
	})
	diff(t, "FindContactByExternalID", full, got)
	all := walk(t, "ListContacts", 0, eachPageInTx(t, h.Client, listContactsOf(owner.ID)))
	wantIDs(t, "ListContacts", all, contactID, []psa.ContactID{full.ID, bare.ID})
	for _, want := range []client.Contact{full, bare} {
		if got, ok := find(all, contactID, want.ID); ok {
			diff(t, "ListContacts item", want, got)
		}
	}
}

func testRoundTripAsset(t *testing.T, h Harness) {
	owner := newClient(newID[psa.ClientID](t), "Owner")
	full := fullAsset(t, newID[psa.AssetID](t), owner.ID, "rmm-device-0815")
	bare := newAsset(randomID[psa.AssetID](), owner.ID, "WS-17")
	create(t, h.Client, []client.Client{owner}, nil, []client.Asset{full, bare})

	for _, want := range []client.Asset{full, bare} {
		got := mustRead(t, h.Client, "GetAsset", getAsset(want.ID))
		diff(t, "GetAsset", want, got)
	}
	got := mustRead(t, h.Client, "FindAssetByExternalID", func(ctx context.Context, tx client.Tx) (client.Asset, error) {
		return tx.FindAssetByExternalID(ctx, owner.ID, full.ExternalID)
	})
	diff(t, "FindAssetByExternalID", full, got)
	all := walk(t, "ListAssets", 0, eachPageInTx(t, h.Client, listAssetsOf(owner.ID)))
	wantIDs(t, "ListAssets", all, assetID, []psa.AssetID{full.ID, bare.ID})
	for _, want := range []client.Asset{full, bare} {
		if got, ok := find(all, assetID, want.ID); ok {
			diff(t, "ListAssets item", want, got)
		}
	}
}

func testNotFound(t *testing.T, h Harness) {
	known := newClient(newID[psa.ClientID](t), "Known")
	known.ExternalID = "crm-known"
	noKey := newClient(randomID[psa.ClientID](), "Without external ID")
	other := newClient(randomID[psa.ClientID](), "Other")
	ct := newContact(newID[psa.ContactID](t), known.ID, "Known")
	ct.ExternalID = "hr-known"
	as := newAsset(newID[psa.AssetID](t), known.ID, "Known")
	as.ExternalID = "rmm-known"
	create(t, h.Client, []client.Client{known, noKey, other}, []client.Contact{ct}, []client.Asset{as})

	lookups := []struct {
		what string
		call func(ctx context.Context, tx client.Tx) error
	}{
		{"GetClient of an unknown ID", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.GetClient(ctx, randomID[psa.ClientID]())
			return err
		}},
		{"GetContact of an unknown ID", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.GetContact(ctx, randomID[psa.ContactID]())
			return err
		}},
		{"GetContact of a client's ID", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.GetContact(ctx, psa.ContactID(known.ID))
			return err
		}},
		{"GetAsset of an unknown ID", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.GetAsset(ctx, randomID[psa.AssetID]())
			return err
		}},
		{"FindClientByExternalID of an unknown key", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindClientByExternalID(ctx, "crm-unknown")
			return err
		}},
		{`FindClientByExternalID("") while a client has no external ID`, func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindClientByExternalID(ctx, "")
			return err
		}},
		{"FindContactByExternalID of an unknown key", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindContactByExternalID(ctx, known.ID, "hr-unknown")
			return err
		}},
		{"FindContactByExternalID of another client's key", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindContactByExternalID(ctx, other.ID, ct.ExternalID)
			return err
		}},
		{"FindAssetByExternalID of an unknown key", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindAssetByExternalID(ctx, known.ID, "rmm-unknown")
			return err
		}},
		{"FindAssetByExternalID of another client's key", func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindAssetByExternalID(ctx, other.ID, as.ExternalID)
			return err
		}},
	}
	for _, l := range lookups {
		wantNotFound(t, l.what, h.Client(t.Context(), l.call))
	}

	ghost := newClient(randomID[psa.ClientID](), "Ghost")
	ghostContact := newContact(randomID[psa.ContactID](), known.ID, "Ghost")
	ghostAsset := newAsset(randomID[psa.AssetID](), known.ID, "Ghost")
	updates := []struct {
		what   string
		update func(ctx context.Context, tx client.Tx) error
		get    func(ctx context.Context, tx client.Tx) error
	}{
		{"UpdateClient of an unknown ID",
			func(ctx context.Context, tx client.Tx) error { return tx.UpdateClient(ctx, ghost) },
			func(ctx context.Context, tx client.Tx) error { _, err := tx.GetClient(ctx, ghost.ID); return err }},
		{"UpdateContact of an unknown ID",
			func(ctx context.Context, tx client.Tx) error { return tx.UpdateContact(ctx, ghostContact) },
			func(ctx context.Context, tx client.Tx) error {
				_, err := tx.GetContact(ctx, ghostContact.ID)
				return err
			}},
		{"UpdateAsset of an unknown ID",
			func(ctx context.Context, tx client.Tx) error { return tx.UpdateAsset(ctx, ghostAsset) },
			func(ctx context.Context, tx client.Tx) error { _, err := tx.GetAsset(ctx, ghostAsset.ID); return err }},
	}
	for _, u := range updates {
		wantNotFound(t, u.what, h.Client(t.Context(), u.update))
		// The failed update must not have created the object, even in a transaction that goes on
		// and commits.
		err := h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			_ = u.update(ctx, tx)
			return u.get(ctx, tx)
		})
		wantNotFound(t, u.what+", then a Get in the same transaction", err)
		wantNotFound(t, u.what+", then a Get in a later transaction", h.Client(t.Context(), u.get))
	}
}

func testAlreadyExistsID(t *testing.T, h Harness) {
	c := newClient(newID[psa.ClientID](t), "Original")
	ct := newContact(newID[psa.ContactID](t), c.ID, "Original")
	as := newAsset(newID[psa.AssetID](t), c.ID, "Original")
	other := newClient(randomID[psa.ClientID](), "Other")
	create(t, h.Client, []client.Client{c, other}, []client.Contact{ct}, []client.Asset{as})

	dupClient := newClient(c.ID, "Duplicate")
	dupClient.ExternalID = "crm-dup"
	dupContact := newContact(ct.ID, other.ID, "Duplicate")
	dupAsset := newAsset(as.ID, other.ID, "Duplicate")
	wantAlreadyExists(t, "CreateClient with a taken ID", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		return tx.CreateClient(ctx, dupClient)
	}))
	wantAlreadyExists(t, "CreateContact with a taken ID", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		return tx.CreateContact(ctx, dupContact)
	}))
	wantAlreadyExists(t, "CreateAsset with a taken ID", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		return tx.CreateAsset(ctx, dupAsset)
	}))
	fresh := newClient(randomID[psa.ClientID](), "Fresh")
	wantAlreadyExists(t, "CreateClient twice with one ID in one transaction", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		if err := tx.CreateClient(ctx, fresh); err != nil {
			return fmt.Errorf("first CreateClient: %v", err)
		}
		return tx.CreateClient(ctx, fresh)
	}))

	diff(t, "GetClient after a refused duplicate", c, mustRead(t, h.Client, "GetClient", getClient(c.ID)))
	diff(t, "GetContact after a refused duplicate", ct, mustRead(t, h.Client, "GetContact", getContact(ct.ID)))
	diff(t, "GetAsset after a refused duplicate", as, mustRead(t, h.Client, "GetAsset", getAsset(as.ID)))
	wantNotFound(t, "FindClientByExternalID of a refused duplicate's key", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		_, err := tx.FindClientByExternalID(ctx, dupClient.ExternalID)
		return err
	}))
	wantIDs(t, "ListContacts of the refused duplicate's client", walk(t, "ListContacts", 0, eachPageInTx(t, h.Client, listContactsOf(other.ID))), contactID, nil)
}

func testUniqueClientExternalID(t *testing.T, h Harness) {
	a := newClient(newID[psa.ClientID](t), "A")
	a.ExternalID = "crm-1"
	b := newClient(randomID[psa.ClientID](), "B")
	b.ExternalID = "crm-2"
	noKey1 := newClient(newID[psa.ClientID](t), "No key 1")
	noKey2 := newClient(randomID[psa.ClientID](), "No key 2")
	create(t, h.Client, []client.Client{a, b, noKey1, noKey2}, nil, nil)

	taker := newClient(randomID[psa.ClientID](), "Taker")
	taker.ExternalID = a.ExternalID
	wantAlreadyExists(t, "CreateClient with another client's ExternalID", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		return tx.CreateClient(ctx, taker)
	}))
	wantNotFound(t, "GetClient of the refused client", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		_, err := tx.GetClient(ctx, taker.ID)
		return err
	}))

	b2 := b
	b2.ExternalID = a.ExternalID
	wantAlreadyExists(t, "UpdateClient changing ExternalID to another client's", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		return tx.UpdateClient(ctx, b2)
	}))
	diff(t, "GetClient after the refused update", b, mustRead(t, h.Client, "GetClient", getClient(b.ID)))
	diff(t, "FindClientByExternalID after the refused update", a, mustRead(t, h.Client, "FindClientByExternalID", findClient(a.ExternalID)))

	// Keeping one's own ExternalID is no conflict; changing it frees the old one.
	a2 := a
	a2.Name = "A renamed"
	inTx(t, h.Client, "UpdateClient keeping its ExternalID", func(ctx context.Context, tx client.Tx) error { return tx.UpdateClient(ctx, a2) })
	a3 := a2
	a3.Version = 2
	a3.ExternalID = "crm-3"
	inTx(t, h.Client, "UpdateClient changing its ExternalID", func(ctx context.Context, tx client.Tx) error { return tx.UpdateClient(ctx, a3) })
	wantNotFound(t, "FindClientByExternalID of the ExternalID changed away from", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		_, err := tx.FindClientByExternalID(ctx, "crm-1")
		return err
	}))
	a3.Version = 3
	diff(t, "FindClientByExternalID of the new ExternalID", a3, mustRead(t, h.Client, "FindClientByExternalID", findClient("crm-3")))
	reuse := newClient(newID[psa.ClientID](t), "Reuses crm-1")
	reuse.ExternalID = "crm-1"
	inTx(t, h.Client, "CreateClient with an ExternalID freed by an update", func(ctx context.Context, tx client.Tx) error {
		return tx.CreateClient(ctx, reuse)
	})
	diff(t, "FindClientByExternalID of the reused ExternalID", reuse, mustRead(t, h.Client, "FindClientByExternalID", findClient("crm-1")))

	// Empty external IDs are never taken.
	noKey3 := newClient(randomID[psa.ClientID](), "No key 3")
	inTx(t, h.Client, "CreateClient with an empty ExternalID while others have none", func(ctx context.Context, tx client.Tx) error {
		return tx.CreateClient(ctx, noKey3)
	})
	nk := noKey1
	nk.Name = "No key 1 renamed"
	inTx(t, h.Client, "UpdateClient with an empty ExternalID while others have none", func(ctx context.Context, tx client.Tx) error {
		return tx.UpdateClient(ctx, nk)
	})

	// Uniqueness holds within one transaction too.
	f := newClient(newID[psa.ClientID](t), "F")
	f.ExternalID = "crm-9"
	g := newClient(randomID[psa.ClientID](), "G")
	g.ExternalID = "crm-9"
	wantAlreadyExists(t, "CreateClient of two clients with one ExternalID in one transaction", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		if err := tx.CreateClient(ctx, f); err != nil {
			return fmt.Errorf("first CreateClient: %v", err)
		}
		return tx.CreateClient(ctx, g)
	}))
}

func testUniqueExternalIDPerClient(t *testing.T, h Harness) {
	x := newClient(newID[psa.ClientID](t), "X")
	y := newClient(randomID[psa.ClientID](), "Y")
	create(t, h.Client, []client.Client{x, y}, nil, nil)

	t.Run("contacts", func(t *testing.T) {
		k1 := newContact(newID[psa.ContactID](t), x.ID, "K1")
		k1.ExternalID = "hr-7"
		k4 := newContact(randomID[psa.ContactID](), x.ID, "K4")
		k4.ExternalID = "hr-8"
		empty1 := newContact(newID[psa.ContactID](t), x.ID, "No key 1")
		empty2 := newContact(randomID[psa.ContactID](), x.ID, "No key 2")
		create(t, h.Client, nil, []client.Contact{k1, k4, empty1, empty2}, nil)

		k2 := newContact(randomID[psa.ContactID](), x.ID, "K2")
		k2.ExternalID = k1.ExternalID
		wantAlreadyExists(t, "CreateContact with an ExternalID taken within the client", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			return tx.CreateContact(ctx, k2)
		}))
		k3 := newContact(newID[psa.ContactID](t), y.ID, "K3")
		k3.ExternalID = k1.ExternalID
		inTx(t, h.Client, "CreateContact with an ExternalID used only under another client", func(ctx context.Context, tx client.Tx) error {
			return tx.CreateContact(ctx, k3)
		})
		k4b := k4
		k4b.ExternalID = k1.ExternalID
		wantAlreadyExists(t, "UpdateContact changing ExternalID to one taken within the client", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			return tx.UpdateContact(ctx, k4b)
		}))
		diff(t, "FindContactByExternalID under the first client", k1, mustRead(t, h.Client, "FindContactByExternalID", func(ctx context.Context, tx client.Tx) (client.Contact, error) {
			return tx.FindContactByExternalID(ctx, x.ID, k1.ExternalID)
		}))
		diff(t, "FindContactByExternalID under the other client", k3, mustRead(t, h.Client, "FindContactByExternalID", func(ctx context.Context, tx client.Tx) (client.Contact, error) {
			return tx.FindContactByExternalID(ctx, y.ID, k1.ExternalID)
		}))
		diff(t, "GetContact after the refused update", k4, mustRead(t, h.Client, "GetContact", getContact(k4.ID)))
	})

	t.Run("assets", func(t *testing.T) {
		a1 := newAsset(newID[psa.AssetID](t), x.ID, "A1")
		a1.ExternalID = "rmm-7"
		a4 := newAsset(randomID[psa.AssetID](), x.ID, "A4")
		a4.ExternalID = "rmm-8"
		empty1 := newAsset(newID[psa.AssetID](t), x.ID, "No key 1")
		empty2 := newAsset(randomID[psa.AssetID](), x.ID, "No key 2")
		create(t, h.Client, nil, nil, []client.Asset{a1, a4, empty1, empty2})

		a2 := newAsset(randomID[psa.AssetID](), x.ID, "A2")
		a2.ExternalID = a1.ExternalID
		wantAlreadyExists(t, "CreateAsset with an ExternalID taken within the client", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			return tx.CreateAsset(ctx, a2)
		}))
		a3 := newAsset(newID[psa.AssetID](t), y.ID, "A3")
		a3.ExternalID = a1.ExternalID
		inTx(t, h.Client, "CreateAsset with an ExternalID used only under another client", func(ctx context.Context, tx client.Tx) error {
			return tx.CreateAsset(ctx, a3)
		})
		a4b := a4
		a4b.ExternalID = a1.ExternalID
		wantAlreadyExists(t, "UpdateAsset changing ExternalID to one taken within the client", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			return tx.UpdateAsset(ctx, a4b)
		}))
		diff(t, "FindAssetByExternalID under the first client", a1, mustRead(t, h.Client, "FindAssetByExternalID", func(ctx context.Context, tx client.Tx) (client.Asset, error) {
			return tx.FindAssetByExternalID(ctx, x.ID, a1.ExternalID)
		}))
		diff(t, "FindAssetByExternalID under the other client", a3, mustRead(t, h.Client, "FindAssetByExternalID", func(ctx context.Context, tx client.Tx) (client.Asset, error) {
			return tx.FindAssetByExternalID(ctx, y.ID, a1.ExternalID)
		}))
		diff(t, "GetAsset after the refused update", a4, mustRead(t, h.Client, "GetAsset", getAsset(a4.ID)))
	})
}

// kind describes one versioned object type T of the stores of transaction type X for the version
// checks.
type kind[X, T any] struct {
	name    string
	create  func(ctx context.Context, tx X, v T) error
	get     func(ctx context.Context, tx X, v T) (T, error) // by v's ID
	update  func(ctx context.Context, tx X, v T) error
	version func(v *T) *int64
	label   func(v *T) *string // a plain field an update changes
}

func testVersions(t *testing.T, h Harness) {
	owner := newClient(newID[psa.ClientID](t), "Owner")
	create(t, h.Client, []client.Client{owner}, nil, nil)
	t.Run("client", func(t *testing.T) {
		c := newClient(randomID[psa.ClientID](), "Versioned")
		c.ExternalID = "crm-versioned"
		checkVersions(t, h.Client, kind[client.Tx, client.Client]{
			name:   "client",
			create: func(ctx context.Context, tx client.Tx, v client.Client) error { return tx.CreateClient(ctx, v) },
			get: func(ctx context.Context, tx client.Tx, v client.Client) (client.Client, error) {
				return tx.GetClient(ctx, v.ID)
			},
			update:  func(ctx context.Context, tx client.Tx, v client.Client) error { return tx.UpdateClient(ctx, v) },
			version: func(v *client.Client) *int64 { return &v.Version },
			label:   func(v *client.Client) *string { return &v.Name },
		}, c)
	})
	t.Run("contact", func(t *testing.T) {
		k := newContact(randomID[psa.ContactID](), owner.ID, "Versioned")
		k.ExternalID = "hr-versioned"
		checkVersions(t, h.Client, kind[client.Tx, client.Contact]{
			name:   "contact",
			create: func(ctx context.Context, tx client.Tx, v client.Contact) error { return tx.CreateContact(ctx, v) },
			get: func(ctx context.Context, tx client.Tx, v client.Contact) (client.Contact, error) {
				return tx.GetContact(ctx, v.ID)
			},
			update:  func(ctx context.Context, tx client.Tx, v client.Contact) error { return tx.UpdateContact(ctx, v) },
			version: func(v *client.Contact) *int64 { return &v.Version },
			label:   func(v *client.Contact) *string { return &v.JobTitle },
		}, k)
	})
	t.Run("asset", func(t *testing.T) {
		a := newAsset(randomID[psa.AssetID](), owner.ID, "Versioned")
		a.ExternalID = "rmm-versioned"
		checkVersions(t, h.Client, kind[client.Tx, client.Asset]{
			name:   "asset",
			create: func(ctx context.Context, tx client.Tx, v client.Asset) error { return tx.CreateAsset(ctx, v) },
			get: func(ctx context.Context, tx client.Tx, v client.Asset) (client.Asset, error) {
				return tx.GetAsset(ctx, v.ID)
			},
			update:  func(ctx context.Context, tx client.Tx, v client.Asset) error { return tx.UpdateAsset(ctx, v) },
			version: func(v *client.Asset) *int64 { return &v.Version },
			label:   func(v *client.Asset) *string { return &v.SerialNumber },
		}, a)
	})
}

// checkVersions creates v (Version 1) in a transaction of run and checks the version rule of k's
// update on it.
func checkVersions[X, T any](t *testing.T, run psa.Runner[X], k kind[X, T], v T) {
	ctx := t.Context()
	getIt := func(ctx context.Context, tx X) (T, error) { return k.get(ctx, tx, v) }
	inTx(t, run, "Create "+k.name, func(ctx context.Context, tx X) error { return k.create(ctx, tx, v) })

	// An update naming the stored version succeeds and stores the next one.
	want := v
	*k.label(&want) = "first update"
	inTx(t, run, "Update "+k.name+" with the stored version 1", func(ctx context.Context, tx X) error { return k.update(ctx, tx, want) })
	*k.version(&want) = 2
	diff(t, "Get "+k.name+" after an update with the stored version 1 (want Version 2)", want, mustRead(t, run, "Get "+k.name, getIt))

	// Stale versions fail with a *psa.VersionConflictError and change nothing, not even in the
	// transaction that goes on after the failure.
	for _, stale := range []int64{1, 3, 0} {
		what := fmt.Sprintf("Update %s with version %d while version 2 is stored", k.name, stale)
		u := want
		*k.version(&u) = stale
		*k.label(&u) = "stale update"
		err := run(ctx, func(ctx context.Context, tx X) error {
			err := k.update(ctx, tx, u)
			if err == nil {
				return nil
			}
			if got, gerr := k.get(ctx, tx, v); gerr == nil {
				diff(t, what+", then Get in the same transaction", want, got)
			} else {
				t.Errorf("%s, then Get in the same transaction: %v", what, gerr)
			}
			return err
		})
		switch vc, ok := errors.AsType[*psa.VersionConflictError](err); {
		case !errors.Is(err, psa.ErrConflict):
			t.Errorf("%s: got error %v, want one wrapping psa.ErrConflict", what, err)
		case !ok:
			t.Errorf("%s: error %q wraps psa.ErrConflict but is not a *psa.VersionConflictError", what, err)
		case vc.Given != stale || vc.Stored != 2:
			t.Errorf("%s: *psa.VersionConflictError has Given %d, Stored %d; want Given %d, Stored 2", what, vc.Given, vc.Stored, stale)
		}
		diff(t, what+", then Get", want, mustRead(t, run, "Get "+k.name, getIt))
	}

	// The version goes on counting.
	next := want
	*k.label(&next) = "second update"
	inTx(t, run, "Update "+k.name+" with the stored version 2", func(ctx context.Context, tx X) error { return k.update(ctx, tx, next) })
	*k.version(&next) = 3
	diff(t, "Get "+k.name+" after an update with the stored version 2 (want Version 3)", next, mustRead(t, run, "Get "+k.name, getIt))
}

func testRollback(t *testing.T, h Harness) {
	pre := newClient(randomID[psa.ClientID](), "Pre-existing")
	pre.ExternalID = "pre-1"
	create(t, h.Client, []client.Client{pre}, nil, nil)

	c := newClient(newID[psa.ClientID](t), "Rolled back")
	c.ExternalID = "rb-1"
	ct := newContact(newID[psa.ContactID](t), c.ID, "Rolled back")
	ct.ExternalID = "rb-contact"
	as := newAsset(newID[psa.AssetID](t), c.ID, "Rolled back")
	as.ExternalID = "rb-asset"
	sentinel := errors.New("storetest: rollback sentinel")
	attempt := func(fail func() error) error {
		return h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			if err := tx.CreateClient(ctx, c); err != nil {
				return fmt.Errorf("CreateClient: %v", err)
			}
			if err := tx.CreateContact(ctx, ct); err != nil {
				return fmt.Errorf("CreateContact: %v", err)
			}
			if err := tx.CreateAsset(ctx, as); err != nil {
				return fmt.Errorf("CreateAsset: %v", err)
			}
			p, err := tx.GetClient(ctx, pre.ID)
			if err != nil {
				return fmt.Errorf("GetClient: %v", err)
			}
			p.Name = "Changed by a rolled-back transaction"
			p.ExternalID = "pre-2"
			if err := tx.UpdateClient(ctx, p); err != nil {
				return fmt.Errorf("UpdateClient: %v", err)
			}
			return fail()
		})
	}
	nothingLeft := func(how string) {
		t.Helper()
		wantNotFound(t, how+": GetClient of the rolled-back client", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			_, err := tx.GetClient(ctx, c.ID)
			return err
		}))
		wantNotFound(t, how+": GetContact of the rolled-back contact", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			_, err := tx.GetContact(ctx, ct.ID)
			return err
		}))
		wantNotFound(t, how+": GetAsset of the rolled-back asset", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			_, err := tx.GetAsset(ctx, as.ID)
			return err
		}))
		wantNotFound(t, how+": FindClientByExternalID of the rolled-back client's key", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindClientByExternalID(ctx, c.ExternalID)
			return err
		}))
		wantNotFound(t, how+": FindClientByExternalID of the rolled-back update's key", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindClientByExternalID(ctx, "pre-2")
			return err
		}))
		wantNotFound(t, how+": FindContactByExternalID of the rolled-back contact's key", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindContactByExternalID(ctx, c.ID, ct.ExternalID)
			return err
		}))
		wantNotFound(t, how+": FindAssetByExternalID of the rolled-back asset's key", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
			_, err := tx.FindAssetByExternalID(ctx, c.ID, as.ExternalID)
			return err
		}))
		diff(t, how+": GetClient of the client the transaction updated", pre, mustRead(t, h.Client, "GetClient", getClient(pre.ID)))
		diff(t, how+": FindClientByExternalID of its original key", pre, mustRead(t, h.Client, "FindClientByExternalID", findClient(pre.ExternalID)))
		wantIDs(t, how+": ListClients", walk(t, "ListClients", 0, eachPageInTx(t, h.Client, listClients)), clientID, []psa.ClientID{pre.ID})
		wantIDs(t, how+": ListContacts of the rolled-back client", walk(t, "ListContacts", 0, eachPageInTx(t, h.Client, listContactsOf(c.ID))), contactID, nil)
		wantIDs(t, how+": ListAssets of the rolled-back client", walk(t, "ListAssets", 0, eachPageInTx(t, h.Client, listAssetsOf(c.ID))), assetID, nil)
	}

	err := attempt(func() error { return sentinel })
	if err != sentinel { // the runner must return fn's error unchanged, so == is the check here
		t.Errorf("fn returned the sentinel error itself: the runner returned %#v, want the very same error value %#v", err, sentinel)
	}
	nothingLeft("after fn returned an error")

	err = attempt(func() error { return fmt.Errorf("storetest: giving up: %w", sentinel) })
	if !errors.Is(err, sentinel) {
		t.Errorf("fn returned a wrapped sentinel error: the runner returned %v, for which errors.Is(err, sentinel) is false", err)
	}
	nothingLeft("after fn returned a wrapped error")

	// Everything the rolled-back transactions claimed is free again.
	inTx(t, h.Client, "creating the rolled-back client, contact and asset again", func(ctx context.Context, tx client.Tx) error {
		if err := tx.CreateClient(ctx, c); err != nil {
			return fmt.Errorf("CreateClient: %w", err)
		}
		if err := tx.CreateContact(ctx, ct); err != nil {
			return fmt.Errorf("CreateContact: %w", err)
		}
		if err := tx.CreateAsset(ctx, as); err != nil {
			return fmt.Errorf("CreateAsset: %w", err)
		}
		taker := newClient(randomID[psa.ClientID](), "Takes pre-2")
		taker.ExternalID = "pre-2"
		if err := tx.CreateClient(ctx, taker); err != nil {
			return fmt.Errorf("CreateClient with the external ID of the rolled-back update: %w", err)
		}
		return nil
	})
}

func testReadYourOwnWrites(t *testing.T, h Harness) {
	p1 := newClient(randomID[psa.ClientID](), "P1")
	p1.ExternalID = "ryow-p1"
	p2 := newClient(randomID[psa.ClientID](), "P2")
	p3 := newClient(newID[psa.ClientID](t), "P3")
	old1 := newContact(randomID[psa.ContactID](), p1.ID, "Old 1")
	old2 := newContact(newID[psa.ContactID](t), p1.ID, "Old 2")
	create(t, h.Client, []client.Client{p1, p2, p3}, []client.Contact{old1, old2}, nil)

	c := newClient(newID[psa.ClientID](t), "Fresh")
	c.ExternalID = "ryow-c"
	c.ParentID = p1.ID
	k := fullContact(randomID[psa.ContactID](), c.ID, "ryow-k")
	a := fullAsset(t, randomID[psa.AssetID](), c.ID, "ryow-a")
	new1, new2 := newContact(randomID[psa.ContactID](), p1.ID, "New 1"), newContact(newID[psa.ContactID](t), p1.ID, "New 2")
	var final client.Client
	inTx(t, h.Client, "read-your-own-writes transaction", func(ctx context.Context, tx client.Tx) error {
		if err := tx.CreateClient(ctx, c); err != nil {
			return fmt.Errorf("CreateClient: %w", err)
		}
		for _, v := range []client.Contact{k, new1, new2} {
			if err := tx.CreateContact(ctx, v); err != nil {
				return fmt.Errorf("CreateContact: %w", err)
			}
		}
		if err := tx.CreateAsset(ctx, a); err != nil {
			return fmt.Errorf("CreateAsset: %w", err)
		}

		check := func(what string, want, got any, err error) {
			t.Helper()
			if err != nil {
				t.Errorf("%s in the creating transaction: %v", what, err)
				return
			}
			diff(t, what+" in the creating transaction", want, got)
		}
		got, err := tx.GetClient(ctx, c.ID)
		check("GetClient", c, got, err)
		got, err = tx.FindClientByExternalID(ctx, c.ExternalID)
		check("FindClientByExternalID", c, got, err)
		clients := walk(t, "ListClients in the creating transaction", 2, inThisTx(ctx, tx, listClients))
		wantIDs(t, "ListClients (limit 2) in the creating transaction", clients, clientID, []psa.ClientID{p1.ID, p2.ID, p3.ID, c.ID})
		subs, err := tx.ListSubOrganizations(ctx, p1.ID)
		check("ListSubOrganizations", []client.Client{c}, subs, err)

		gotK, err := tx.GetContact(ctx, k.ID)
		check("GetContact", k, gotK, err)
		gotK, err = tx.FindContactByExternalID(ctx, c.ID, k.ExternalID)
		check("FindContactByExternalID", k, gotK, err)
		contacts := walk(t, "ListContacts in the creating transaction", 0, inThisTx(ctx, tx, listContactsOf(c.ID)))
		check("ListContacts", []client.Contact{k}, contacts, nil)
		mixed := walk(t, "ListContacts (limit 1) of committed and new contacts", 1, inThisTx(ctx, tx, listContactsOf(p1.ID)))
		wantIDs(t, "ListContacts (limit 1) of committed and new contacts in one transaction", mixed, contactID, []psa.ContactID{old1.ID, old2.ID, new1.ID, new2.ID})

		gotA, err := tx.GetAsset(ctx, a.ID)
		check("GetAsset", a, gotA, err)
		gotA, err = tx.FindAssetByExternalID(ctx, c.ID, a.ExternalID)
		check("FindAssetByExternalID", a, gotA, err)
		assets := walk(t, "ListAssets in the creating transaction", 0, inThisTx(ctx, tx, listAssetsOf(c.ID)))
		check("ListAssets", []client.Asset{a}, assets, nil)

		// Updates of what the transaction created, and of committed objects, are visible too.
		c2 := c
		c2.Name = "Fresh, renamed"
		c2.ExternalID = "ryow-c2"
		if err := tx.UpdateClient(ctx, c2); err != nil {
			return fmt.Errorf("UpdateClient of a client created in the same transaction (version 1): %w", err)
		}
		c2.Version = 2
		got, err = tx.GetClient(ctx, c.ID)
		check("GetClient after UpdateClient (want Version 2)", c2, got, err)
		got, err = tx.FindClientByExternalID(ctx, c2.ExternalID)
		check("FindClientByExternalID of the updated ExternalID", c2, got, err)
		_, err = tx.FindClientByExternalID(ctx, c.ExternalID)
		wantNotFound(t, "FindClientByExternalID of the ExternalID changed away from, in the same transaction", err)
		c3 := c2
		c3.Notes = "updated twice"
		if err := tx.UpdateClient(ctx, c3); err != nil {
			return fmt.Errorf("second UpdateClient in the same transaction (version 2): %w", err)
		}
		c3.Version = 3
		got, err = tx.GetClient(ctx, c.ID)
		check("GetClient after a second UpdateClient (want Version 3)", c3, got, err)
		stale := c3
		stale.Version = 1
		err = tx.UpdateClient(ctx, stale)
		if !errors.Is(err, psa.ErrConflict) {
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
		got, err = tx.GetClient(ctx, p2.ID)
		check("GetClient of an updated committed client", q, got, err)
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
			wantIDs(t, "ListSubOrganizations after re-parenting in the same transaction", subs, clientID, []psa.ClientID{c.ID, p3.ID})
		} else {
			t.Errorf("ListSubOrganizations after re-parenting in the same transaction: %v", err)
		}
		clients = walk(t, "ListClients after updates", 0, inThisTx(ctx, tx, listClients))
		if got, ok := find(clients, clientID, p2.ID); ok {
			diff(t, "ListClients item of an updated committed client in the updating transaction", q, got)
		}
		if got, ok := find(clients, clientID, c.ID); ok {
			diff(t, "ListClients item of an updated new client in the updating transaction", c3, got)
		}

		k2 := k
		k2.JobTitle = "CTO"
		if err := tx.UpdateContact(ctx, k2); err != nil {
			return fmt.Errorf("UpdateContact of a contact created in the same transaction: %w", err)
		}
		k2.Version = 2
		gotK, err = tx.GetContact(ctx, k.ID)
		check("GetContact after UpdateContact", k2, gotK, err)
		a2 := a
		a2.Name = "SRV-DC02"
		if err := tx.UpdateAsset(ctx, a2); err != nil {
			return fmt.Errorf("UpdateAsset of an asset created in the same transaction: %w", err)
		}
		a2.Version = 2
		gotA, err = tx.GetAsset(ctx, a.ID)
		check("GetAsset after UpdateAsset", a2, gotA, err)
		final = c3
		return nil
	})
	diff(t, "GetClient after the transaction committed", final, mustRead(t, h.Client, "GetClient", getClient(c.ID)))
	got := mustRead(t, h.Client, "GetClient", getClient(p2.ID))
	if got.Name != "P2 renamed" || got.Version != 2 {
		t.Errorf("GetClient of the committed client updated by the transaction: Name %q, Version %d; want %q, 2", got.Name, got.Version, "P2 renamed")
	}
}

func testIsolation(t *testing.T, h Harness) {
	pre := newClient(randomID[psa.ClientID](), "Before")
	pre.ExternalID = "iso-pre"
	create(t, h.Client, []client.Client{pre}, nil, nil)
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
			_, v.listed = find(all, clientID, c.ID)
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
	diff(t, "GetClient after the creating transaction committed", c, mustRead(t, h.Client, "GetClient", getClient(c.ID)))
	diff(t, "FindClientByExternalID after the creating transaction committed", c, mustRead(t, h.Client, "FindClientByExternalID", findClient(c.ExternalID)))
	want := pre
	want.Name, want.Version = "After", 2
	diff(t, "GetClient after the updating transaction committed", want, mustRead(t, h.Client, "GetClient", getClient(pre.ID)))
}

func testNoAliasing(t *testing.T, h Harness) {
	parent := newClient(randomID[psa.ClientID](), "Parent")
	create(t, h.Client, []client.Client{parent}, nil, nil)
	recipients := []psa.ContactID{newID[psa.ContactID](t), randomID[psa.ContactID]()}
	c := fullClient(t, newID[psa.ClientID](t), parent.ID, recipients[0], recipients, "95.50")
	want := deepCopy(c)

	inTx(t, h.Client, "creating a client and changing the value passed", func(ctx context.Context, tx client.Tx) error {
		v := deepCopy(c)
		if err := tx.CreateClient(ctx, v); err != nil {
			return fmt.Errorf("CreateClient: %w", err)
		}
		scribble(t, &v)
		got, err := tx.GetClient(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("GetClient: %w", err)
		}
		diff(t, "GetClient in the creating transaction after the caller changed the value it passed to CreateClient", want, got)
		scribble(t, &got)
		again, err := tx.GetClient(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("GetClient: %w", err)
		}
		diff(t, "GetClient in the creating transaction after the caller changed a value GetClient returned", want, again)
		return nil
	})
	diff(t, "GetClient after the caller changed the value it passed to CreateClient", want, mustRead(t, h.Client, "GetClient", getClient(c.ID)))

	reads := []struct {
		what string
		get  func(ctx context.Context, tx client.Tx) ([]client.Client, error)
	}{
		{"GetClient", func(ctx context.Context, tx client.Tx) ([]client.Client, error) {
			v, err := tx.GetClient(ctx, c.ID)
			return []client.Client{v}, err
		}},
		{"FindClientByExternalID", func(ctx context.Context, tx client.Tx) ([]client.Client, error) {
			v, err := tx.FindClientByExternalID(ctx, c.ExternalID)
			return []client.Client{v}, err
		}},
		{"ListClients", func(ctx context.Context, tx client.Tx) ([]client.Client, error) {
			p, err := tx.ListClients(ctx, psa.PageRequest{})
			return p.Items, err
		}},
		{"ListSubOrganizations", func(ctx context.Context, tx client.Tx) ([]client.Client, error) {
			return tx.ListSubOrganizations(ctx, parent.ID)
		}},
	}
	for _, r := range reads {
		// Change what the read returned, once in the reading transaction and once after it.
		inTx(t, h.Client, r.what, func(ctx context.Context, tx client.Tx) error {
			got, err := r.get(ctx, tx)
			if err != nil {
				return fmt.Errorf("%s: %w", r.what, err)
			}
			for i := range got {
				scribble(t, &got[i])
			}
			again, err := tx.GetClient(ctx, c.ID)
			if err != nil {
				return fmt.Errorf("GetClient: %w", err)
			}
			diff(t, "GetClient in the same transaction after the caller changed a value "+r.what+" returned", want, again)
			return nil
		})
		got := mustRead(t, h.Client, r.what, r.get)
		for i := range got {
			scribble(t, &got[i])
		}
		diff(t, "GetClient after the caller changed a value "+r.what+" returned", want, mustRead(t, h.Client, "GetClient", getClient(c.ID)))
	}
}

func testPaginateClients(t *testing.T, h Harness) {
	const n = 257
	ids := make([]psa.ClientID, n)
	clients := make([]client.Client, n)
	for i := range n {
		ids[i] = mixedID[psa.ClientID](t, i)
		clients[i] = newClient(ids[i], fmt.Sprintf("Client %03d", i))
	}
	for batch := range slices.Chunk(clients, 50) {
		create(t, h.Client, batch, nil, nil)
	}
	for _, limit := range []int{10, 0, 1000} {
		what := fmt.Sprintf("ListClients with Limit %d, each page in its own transaction", limit)
		wantIDs(t, what, walk(t, what, limit, eachPageInTx(t, h.Client, listClients)), clientID, ids)
	}
}

func testPaginateContactsAndAssets(t *testing.T, h Harness) {
	x := newClient(newID[psa.ClientID](t), "X")
	y := newClient(randomID[psa.ClientID](), "Y")
	z := newClient(randomID[psa.ClientID](), "Z, without contacts and assets")
	var contacts []client.Contact
	var assets []client.Asset
	var xContacts, yContacts []psa.ContactID
	var xAssets, yAssets []psa.AssetID
	for i := range 30 {
		owner := x.ID
		if i%4 == 3 {
			owner = y.ID
		}
		ct := newContact(mixedID[psa.ContactID](t, i), owner, fmt.Sprintf("Contact %02d", i))
		as := newAsset(mixedID[psa.AssetID](t, i+1), owner, fmt.Sprintf("Asset %02d", i))
		contacts, assets = append(contacts, ct), append(assets, as)
		if owner == x.ID {
			xContacts, xAssets = append(xContacts, ct.ID), append(xAssets, as.ID)
		} else {
			yContacts, yAssets = append(yContacts, ct.ID), append(yAssets, as.ID)
		}
	}
	create(t, h.Client, []client.Client{x, y, z}, contacts, assets)

	check := func(when string, xc, yc []psa.ContactID, xa, ya []psa.AssetID) {
		t.Helper()
		for _, limit := range []int{10, 0} {
			for _, o := range []struct {
				name     string
				id       psa.ClientID
				contacts []psa.ContactID
				assets   []psa.AssetID
			}{{"X", x.ID, xc, xa}, {"Y", y.ID, yc, ya}, {"Z", z.ID, nil, nil}} {
				what := fmt.Sprintf("%sListContacts of client %s with Limit %d", when, o.name, limit)
				wantIDs(t, what, walk(t, what, limit, eachPageInTx(t, h.Client, listContactsOf(o.id))), contactID, o.contacts)
				what = fmt.Sprintf("%sListAssets of client %s with Limit %d", when, o.name, limit)
				wantIDs(t, what, walk(t, what, limit, eachPageInTx(t, h.Client, listAssetsOf(o.id))), assetID, o.assets)
			}
		}
	}
	check("", xContacts, yContacts, xAssets, yAssets)

	// Move one contact and one asset from X to Y.
	moved := contacts[0]
	moved.ClientID = y.ID
	movedAsset := assets[0]
	movedAsset.ClientID = y.ID
	inTx(t, h.Client, "moving a contact and an asset to another client", func(ctx context.Context, tx client.Tx) error {
		if err := tx.UpdateContact(ctx, moved); err != nil {
			return fmt.Errorf("UpdateContact: %w", err)
		}
		return tx.UpdateAsset(ctx, movedAsset)
	})
	check("after a move: ",
		slices.DeleteFunc(slices.Clone(xContacts), func(id psa.ContactID) bool { return id == moved.ID }),
		append(slices.Clone(yContacts), moved.ID),
		slices.DeleteFunc(slices.Clone(xAssets), func(id psa.AssetID) bool { return id == movedAsset.ID }),
		append(slices.Clone(yAssets), movedAsset.ID))
}

func testInvalidPageRequest(t *testing.T, h Harness) {
	c := newClient(newID[psa.ClientID](t), "C")
	create(t, h.Client, []client.Client{c, newClient(randomID[psa.ClientID](), "D")},
		[]client.Contact{newContact(newID[psa.ContactID](t), c.ID, "K")},
		[]client.Asset{newAsset(newID[psa.AssetID](t), c.ID, "A")})

	lists := []struct {
		name string
		list func(ctx context.Context, tx client.Tx, req psa.PageRequest) error
	}{
		{"ListClients", func(ctx context.Context, tx client.Tx, req psa.PageRequest) error {
			_, err := tx.ListClients(ctx, req)
			return err
		}},
		{"ListContacts", func(ctx context.Context, tx client.Tx, req psa.PageRequest) error {
			_, err := tx.ListContacts(ctx, c.ID, req)
			return err
		}},
		{"ListAssets", func(ctx context.Context, tx client.Tx, req psa.PageRequest) error {
			_, err := tx.ListAssets(ctx, c.ID, req)
			return err
		}},
	}
	for _, l := range lists {
		for _, cursor := range []string{"%%% not a cursor %%%", "\x00\xff"} {
			err := h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
				return l.list(ctx, tx, psa.PageRequest{Cursor: cursor, Limit: 10})
			})
			wantBadCursor(t, fmt.Sprintf("%s with the malformed cursor %q", l.name, cursor), err)
		}
		for _, limit := range []int{-1, -100} {
			err := h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
				return l.list(ctx, tx, psa.PageRequest{Limit: limit})
			})
			wantInvalid(t, fmt.Sprintf("%s with Limit %d", l.name, limit), err)
		}
	}
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
	create(t, h.Client, all, nil, nil)

	check := func(when string, parent psa.ClientID, want []psa.ClientID) {
		t.Helper()
		got := mustRead(t, h.Client, "ListSubOrganizations", subOrganizations(parent))
		wantIDs(t, when+"ListSubOrganizations", got, clientID, want)
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
	toQ := mustRead(t, h.Client, "GetClient", getClient(pKids[2]))
	toQ.ParentID = q.ID
	toTop := mustRead(t, h.Client, "GetClient", getClient(pKids[3]))
	toTop.ParentID = psa.ClientID{}
	inTx(t, h.Client, "re-parenting", func(ctx context.Context, tx client.Tx) error {
		if err := tx.UpdateClient(ctx, toQ); err != nil {
			return err
		}
		return tx.UpdateClient(ctx, toTop)
	})
	check("after re-parenting, old parent P: ", p.ID, []psa.ClientID{pKids[0], pKids[1], pKids[4], pKids[5]})
	check("after re-parenting, new parent Q: ", q.ID, append(slices.Clone(qKids), pKids[2]))
}

func testConcurrentUpdates(t *testing.T, h Harness) {
	const workers, perWorker, maxAttempts = 32, 20, 100
	c := newClient(newID[psa.ClientID](t), "Contended")
	c.ExternalID = "crm-contended"
	create(t, h.Client, []client.Client{c}, nil, nil)

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				for attempt := 1; ; attempt++ {
					err := h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
						v, err := tx.GetClient(ctx, c.ID)
						if err != nil {
							return err
						}
						v.EmployeeCount++
						return tx.UpdateClient(ctx, v)
					})
					if err == nil {
						break
					}
					if !errors.Is(err, psa.ErrConflict) {
						t.Errorf("worker %d, increment %d: %v", w, i, err)
						return
					}
					if attempt == maxAttempts {
						t.Errorf("worker %d, increment %d: still a conflict after %d attempts: %v", w, i, attempt, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	got := mustRead(t, h.Client, "GetClient", getClient(c.ID))
	if got.EmployeeCount != workers*perWorker || got.Version != workers*perWorker+1 {
		t.Errorf("after %d concurrent increments: EmployeeCount %d, Version %d; want %d, %d",
			workers*perWorker, got.EmployeeCount, got.Version, workers*perWorker, workers*perWorker+1)
	}
}

func testConcurrentCreates(t *testing.T, h Harness) {
	const n, maxAttempts = 16, 100
	// race runs n concurrent transactions creating clients[i] and returns each one's result.
	race := func(clients []client.Client) []error {
		errs := make([]error, len(clients))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Go(func() {
				<-start
				for attempt := 1; ; attempt++ {
					errs[i] = h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error { return tx.CreateClient(ctx, c) })
					if !errors.Is(errs[i], psa.ErrConflict) || attempt == maxAttempts {
						return
					}
				}
			})
		}
		close(start)
		wg.Wait()
		return errs
	}
	// winner checks that exactly one transaction succeeded and the others got ErrAlreadyExists.
	winner := func(what string, clients []client.Client, errs []error) (client.Client, bool) {
		t.Helper()
		var won []client.Client
		for i, err := range errs {
			switch {
			case err == nil:
				won = append(won, clients[i])
			case !errors.Is(err, psa.ErrAlreadyExists):
				t.Errorf("%s: a losing transaction got error %v, want one wrapping psa.ErrAlreadyExists", what, err)
			}
		}
		if len(won) != 1 {
			t.Errorf("%s: %d of %d transactions succeeded, want exactly 1", what, len(won), len(clients))
			return client.Client{}, false
		}
		return won[0], true
	}

	sameKey := make([]client.Client, n)
	for i := range sameKey {
		sameKey[i] = newClient(mixedID[psa.ClientID](t, i), fmt.Sprintf("Racer %d", i))
		sameKey[i].ExternalID = "crm-race"
	}
	what := "concurrent CreateClient with one ExternalID"
	if w, ok := winner(what, sameKey, race(sameKey)); ok {
		diff(t, what+": FindClientByExternalID", w, mustRead(t, h.Client, "FindClientByExternalID", findClient("crm-race")))
		wantIDs(t, what+": ListClients", walk(t, "ListClients", 0, eachPageInTx(t, h.Client, listClients)), clientID, []psa.ClientID{w.ID})
	}

	sameID := make([]client.Client, n)
	id := randomID[psa.ClientID]()
	for i := range sameID {
		sameID[i] = newClient(id, fmt.Sprintf("Racer %d", i))
		sameID[i].ExternalID = fmt.Sprintf("crm-race-%d", i)
	}
	what = "concurrent CreateClient with one ID"
	if w, ok := winner(what, sameID, race(sameID)); ok {
		diff(t, what+": GetClient", w, mustRead(t, h.Client, "GetClient", getClient(id)))
		for _, c := range sameID {
			if c.ExternalID == w.ExternalID {
				continue
			}
			wantNotFound(t, what+": FindClientByExternalID of a loser's key", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
				_, err := tx.FindClientByExternalID(ctx, c.ExternalID)
				return err
			}))
		}
	}
}

func testCancelledContext(t *testing.T, h Harness) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c := newClient(newID[psa.ClientID](t), "Never")
	c.ExternalID = "crm-never"
	ct := newContact(newID[psa.ContactID](t), c.ID, "Never")
	err := h.Client(ctx, func(ctx context.Context, tx client.Tx) error {
		if err := tx.CreateClient(ctx, c); err != nil {
			return err
		}
		return tx.CreateContact(ctx, ct)
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("runner called with a cancelled context: got error %v, want one wrapping context.Canceled", err)
	}
	wantNotFound(t, "GetClient of a client created with a cancelled context", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		_, err := tx.GetClient(ctx, c.ID)
		return err
	}))
	wantNotFound(t, "GetContact of a contact created with a cancelled context", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		_, err := tx.GetContact(ctx, ct.ID)
		return err
	}))
	wantNotFound(t, "FindClientByExternalID of a client created with a cancelled context", h.Client(t.Context(), func(ctx context.Context, tx client.Tx) error {
		_, err := tx.FindClientByExternalID(ctx, c.ExternalID)
		return err
	}))
	wantIDs(t, "ListClients after a transaction with a cancelled context", walk(t, "ListClients", 0, eachPageInTx(t, h.Client, listClients)), clientID, nil)
}
