package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/staff"
)

// staffCases are the cases of the stores of package staff (staff.Tx): security levels, staff
// members and API users. Members and API users belong to levels that are not stored: their store
// methods take a SecurityLevelID as a plain value.
func staffCases() []testCase {
	needs := []string{"Staff"}
	return []testCase{
		{
			name: "RoundTripSecurityLevel",
			contract: "CreateSecurityLevel and UpdateSecurityLevel store a level as given, every field included (its permissions in every " +
				"area, the account-team limit, the API-only flag, CopiedFrom, times to the microsecond), and GetSecurityLevel, " +
				"FindSecurityLevelByName and ListSecurityLevels return a value equal to it.",
			needs: needs, run: testRoundTripSecurityLevel,
		},
		{
			name: "RoundTripStaffMember",
			contract: "CreateMember and UpdateMember store a staff member as given, and GetMember, ListMembers of its level and " +
				"ListAllMembers return a value equal to it.",
			needs: needs, run: testRoundTripMember,
		},
		{
			name: "RoundTripAPIUser",
			contract: "CreateAPIUser and UpdateAPIUser store an API user as given, every field included (secret hash, Active and " +
				"Locked flags, times), and GetAPIUser, FindAPIUserByUsername, ListAPIUsers of its level and ListAllAPIUsers return " +
				"a value equal to it.",
			needs: needs, run: testRoundTripAPIUser,
		},
		{
			name: "StaffNotFound",
			contract: "GetSecurityLevel, GetMember and GetAPIUser of an unknown ID, FindSecurityLevelByName and FindAPIUserByUsername " +
				"of an unknown or empty key, and the Update methods of an unknown ID fail with a *psa.NotFoundError; a failed write " +
				"creates nothing.",
			needs: needs, run: testStaffNotFound,
		},
		{
			name: "StaffAlreadyExistsID",
			contract: "CreateSecurityLevel, CreateMember and CreateAPIUser fail with a *psa.AlreadyExistsError when the ID is taken, " +
				"and leave the stored value unchanged.",
			needs: needs, run: testStaffAlreadyExistsID,
		},
		{
			name: "UniqueSecurityLevelName",
			contract: "A non-empty security level Name is unique: CreateSecurityLevel and UpdateSecurityLevel fail with a " +
				"*psa.AlreadyExistsError when another level has it; a Name changed away from is free again.",
			needs: needs, run: func(t *testing.T, h Harness) { checkUniqueKey(t, h.Staff, levelKind) },
		},
		{
			name: "UniqueAPIUsername",
			contract: "A non-empty API user Username is unique: CreateAPIUser and UpdateAPIUser fail with a *psa.AlreadyExistsError " +
				"when another API user (of any level) has it; a Username changed away from is free again.",
			needs: needs, run: func(t *testing.T, h Harness) { checkUniqueKey(t, h.Staff, apiUserKind) },
		},
		{
			name: "StaffVersions",
			contract: "UpdateSecurityLevel, UpdateMember and UpdateAPIUser succeed only when the given Version equals the stored one, " +
				"and then store Version+1; a stale Version fails with a *psa.VersionConflictError and changes nothing.",
			needs: needs, run: testStaffVersions,
		},
		{
			name: "DeleteSecurityLevel",
			contract: "DeleteSecurityLevel with the stored version removes a level: GetSecurityLevel, FindSecurityLevelByName, " +
				"UpdateSecurityLevel and a second delete then fail with a *psa.NotFoundError, ListSecurityLevels leaves it out, and " +
				"its ID and Name are free for CreateSecurityLevel; the transaction that deletes sees the deletion before it " +
				"commits. A stale version fails with a *psa.VersionConflictError, an unknown ID with a *psa.NotFoundError, and a " +
				"rolled-back delete leaves the level stored.",
			needs: needs, run: testDeleteSecurityLevel,
		},
		{
			name: "PaginateStaff",
			contract: "ListSecurityLevels and ListAllMembers and ListAllAPIUsers walk every value, and ListMembers and ListAPIUsers " +
				"exactly those of the given level, each once, in ascending ID order, at most Limit per page; the listings per level " +
				"follow an update that changes LevelID.",
			needs: needs, run: func(t *testing.T, h Harness) {
				t.Run("levels", func(t *testing.T) { checkPagination(t, h.Staff, levelKind, []int{23}, nil, []int{10, 0}) })
				t.Run("members", func(t *testing.T) { checkPagination(t, h.Staff, memberKind, []int{13, 5, 0}, []int{4, 0}, []int{7}) })
				t.Run("api users", func(t *testing.T) { checkPagination(t, h.Staff, apiUserKind, []int{13, 5, 0}, []int{4, 0}, []int{7}) })
			},
		},
		{
			name: "InvalidStaffPageRequest",
			contract: "The listings of security levels, staff members and API users fail for a cursor the store did not issue with " +
				"an error wrapping psa.ErrBadCursor (and psa.ErrInvalid), and for a negative Limit with psa.ErrInvalid.",
			needs: needs, run: func(t *testing.T, h Harness) {
				t.Run("levels", func(t *testing.T) { checkInvalidPages(t, h.Staff, levelKind) })
				t.Run("members", func(t *testing.T) { checkInvalidPages(t, h.Staff, memberKind) })
				t.Run("api users", func(t *testing.T) { checkInvalidPages(t, h.Staff, apiUserKind) })
			},
		},
		{
			name: "StaffConcurrentCreates",
			contract: "Of concurrent transactions creating security levels with one Name (or one ID), or API users with one Username " +
				"(or one ID), exactly one succeeds; the others fail with psa.ErrAlreadyExists (a lost race may first be reported as " +
				"psa.ErrConflict).",
			needs: needs, run: func(t *testing.T, h Harness) {
				t.Run("levels", func(t *testing.T) { checkConcurrentCreates(t, h.Staff, levelKind) })
				t.Run("api users", func(t *testing.T) { checkConcurrentCreates(t, h.Staff, apiUserKind) })
			},
		},
		{
			name: "StaffRollback",
			contract: "When fn returns an error the staff runner returns that error unchanged and keeps nothing fn wrote: levels, " +
				"members, API users, updates, deletes and the Names and Usernames they claimed are all undone.",
			needs: needs, run: testStaffRollback,
		},
		{
			name: "StaffSharesStore",
			contract: "Harness.Staff runs on the same store as Harness.Client: a staff.Tx is also a client.ClientStore, and a client " +
				"created through Harness.Client is read by GetClient in a staff transaction, and the other way round.",
			needs: []string{"Client", "Staff"}, run: testStaffSharesStore,
		},
	}
}

// The kinds of package staff, for the generic cases.
var (
	levelKind = kind[staff.Tx, psa.SecurityLevelID, psa.SecurityLevelID, staff.SecurityLevel]{
		name: "SecurityLevel", keyName: "Name",
		fields: func(l *staff.SecurityLevel) fields[psa.SecurityLevelID, psa.SecurityLevelID] {
			return fields[psa.SecurityLevelID, psa.SecurityLevelID]{id: &l.ID, key: &l.Name, version: &l.Version, label: &l.Description}
		},
		create: staff.Tx.CreateSecurityLevel, get: staff.Tx.GetSecurityLevel, update: staff.Tx.UpdateSecurityLevel,
		find: staff.Tx.FindSecurityLevelByName, listAll: staff.Tx.ListSecurityLevels,
		bare: func(_ *testing.T, id, _ psa.SecurityLevelID, description string) staff.SecurityLevel {
			return newLevel(id, description)
		},
	}
	memberKind = kind[staff.Tx, psa.StaffID, psa.SecurityLevelID, staff.Member]{
		name: "Member", ownerName: "security level",
		fields: func(m *staff.Member) fields[psa.StaffID, psa.SecurityLevelID] {
			return fields[psa.StaffID, psa.SecurityLevelID]{id: &m.ID, owner: &m.LevelID, version: &m.Version, label: &m.Name}
		},
		create: staff.Tx.CreateMember, get: staff.Tx.GetMember, update: staff.Tx.UpdateMember,
		listAll: staff.Tx.ListAllMembers, listOf: staff.Tx.ListMembers,
		bare: func(_ *testing.T, id psa.StaffID, owner psa.SecurityLevelID, name string) staff.Member {
			return newMember(id, owner, name)
		},
		owners: unstored[staff.Tx, psa.SecurityLevelID],
	}
	apiUserKind = kind[staff.Tx, psa.APIUserID, psa.SecurityLevelID, staff.APIUser]{
		name: "APIUser", ownerName: "security level", keyName: "Username",
		fields: func(u *staff.APIUser) fields[psa.APIUserID, psa.SecurityLevelID] {
			return fields[psa.APIUserID, psa.SecurityLevelID]{id: &u.ID, owner: &u.LevelID, key: &u.Username, version: &u.Version, label: &u.Name}
		},
		create: staff.Tx.CreateAPIUser, get: staff.Tx.GetAPIUser, update: staff.Tx.UpdateAPIUser,
		find: staff.Tx.FindAPIUserByUsername, listAll: staff.Tx.ListAllAPIUsers, listOf: staff.Tx.ListAPIUsers,
		bare: func(_ *testing.T, id psa.APIUserID, owner psa.SecurityLevelID, name string) staff.APIUser {
			return newAPIUser(id, owner, name)
		},
		owners: unstored[staff.Tx, psa.SecurityLevelID],
	}
)

// newLevel returns a level without a name, described as description, granting ticket views.
func newLevel(id psa.SecurityLevelID, description string) staff.SecurityLevel {
	p, _ := staff.ParsePermissions("tickets:view")
	return staff.SecurityLevel{ID: id, Description: description, Permissions: p, CreatedAt: ts0, UpdatedAt: ts0, Version: 1}
}

// fullLevel returns a level with every field set.
func fullLevel(t *testing.T, id, from psa.SecurityLevelID, name string) staff.SecurityLevel {
	t.Helper()
	p, err := staff.ParsePermissions("clients:view,contacts:add,contracts:edit,contractCosts:view,contractCosts:edit,services:delete," +
		"tickets:view,tickets:add,tickets:edit,tickets:delete,time:add,billing:view,invoices:edit,api:login")
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return staff.SecurityLevel{
		ID: id, Name: name, Description: "Every field set, Ünïcode included", Permissions: p,
		LimitToAccountTeams: true, APIOnly: true, CopiedFrom: from,
		CreatedAt: time.Date(2025, time.February, 3, 4, 5, 6, 789_012_000, time.UTC), UpdatedAt: ts0, Version: 1,
	}
}

func newMember(id psa.StaffID, level psa.SecurityLevelID, name string) staff.Member {
	return staff.Member{ID: id, Name: name, LevelID: level, Active: true, CreatedAt: ts0, UpdatedAt: ts0, Version: 1}
}

func newAPIUser(id psa.APIUserID, level psa.SecurityLevelID, name string) staff.APIUser {
	return staff.APIUser{ID: id, Name: name, LevelID: level, Active: true, SecretHash: staff.HashSecret(name), SecretSetAt: ts0, CreatedAt: ts0, UpdatedAt: ts0, Version: 1}
}

func testRoundTripSecurityLevel(t *testing.T, h Harness) {
	full := fullLevel(t, newID[psa.SecurityLevelID](t), randomID[psa.SecurityLevelID](), "Billing Sync")
	bare := newLevel(randomID[psa.SecurityLevelID](), "No name")
	empty := newLevel(newID[psa.SecurityLevelID](t), "No permissions")
	empty.Name, empty.Permissions = "Nothing", staff.Permissions{}
	levelKind.store(t, h.Staff, full, bare, empty)
	wantReadBack(t, h.Staff, levelKind, same("a level with every field set", full), same("a level with only the required fields", bare),
		same("a level without permissions", empty))

	u := full
	u.Permissions, u.LimitToAccountTeams, u.APIOnly, u.Name = staff.Permissions{}, false, false, "Renamed"
	inTx(t, h.Staff, "UpdateSecurityLevel clearing every permission and flag", levelKind.updating(u))
	u.Version = 2
	wantReadBack(t, h.Staff, levelKind, same("an updated level", u), same("a level with only the required fields", bare), same("a level without permissions", empty))
}

func testRoundTripMember(t *testing.T, h Harness) {
	level := randomID[psa.SecurityLevelID]()
	a := newMember(newID[psa.StaffID](t), level, "Maria Manager")
	a.CreatedAt = time.Date(2024, time.December, 31, 23, 59, 59, 999_999_000, time.UTC)
	b := newMember(randomID[psa.StaffID](), randomID[psa.SecurityLevelID](), "Former technician")
	b.Active = false
	memberKind.store(t, h.Staff, a, b)
	wantReadBack(t, h.Staff, memberKind, same("an active member", a), same("an inactive member", b))
}

func testRoundTripAPIUser(t *testing.T, h Harness) {
	level := randomID[psa.SecurityLevelID]()
	full := newAPIUser(newID[psa.APIUserID](t), level, "Billing Sync")
	full.Username, full.Email, full.IntegrationVendor = "sync@msp.example", "ops@msp.example", "Rhipe - Cloud Services"
	full.Locked, full.SecretSetAt = true, time.Date(2025, time.January, 2, 3, 4, 5, 6_000, time.UTC)
	bare := newAPIUser(randomID[psa.APIUserID](), level, "Without a username")
	bare.Active, bare.SecretHash = false, ""
	apiUserKind.store(t, h.Staff, full, bare)
	wantReadBack(t, h.Staff, apiUserKind, same("an API user with every field set", full), same("an API user with only the required fields", bare))

	u := full
	u.Locked, u.SecretHash = false, staff.HashSecret("rotated")
	inTx(t, h.Staff, "UpdateAPIUser unlocking and rotating the secret", apiUserKind.updating(u))
	u.Version = 2
	wantReadBack(t, h.Staff, apiUserKind, same("an updated API user", u), same("an API user with only the required fields", bare))
}

func testStaffNotFound(t *testing.T, h Harness) {
	t.Run("level", func(t *testing.T) { checkNotFound(t, h.Staff, levelKind) })
	t.Run("member", func(t *testing.T) { checkNotFound(t, h.Staff, memberKind) })
	t.Run("api user", func(t *testing.T) { checkNotFound(t, h.Staff, apiUserKind) })
}

func testStaffAlreadyExistsID(t *testing.T, h Harness) {
	t.Run("level", func(t *testing.T) { checkIDTaken(t, h.Staff, levelKind) })
	t.Run("member", func(t *testing.T) { checkIDTaken(t, h.Staff, memberKind) })
	t.Run("api user", func(t *testing.T) { checkIDTaken(t, h.Staff, apiUserKind) })
}

func testStaffVersions(t *testing.T, h Harness) {
	t.Run("level", func(t *testing.T) {
		checkVersions(t, h.Staff, levelKind, levelKind.withKey(newLevel(randomID[psa.SecurityLevelID](), "Versioned"), "versioned"))
	})
	t.Run("member", func(t *testing.T) {
		checkVersions(t, h.Staff, memberKind, newMember(randomID[psa.StaffID](), randomID[psa.SecurityLevelID](), "Versioned"))
	})
	t.Run("api user", func(t *testing.T) {
		checkVersions(t, h.Staff, apiUserKind, apiUserKind.withKey(newAPIUser(randomID[psa.APIUserID](), randomID[psa.SecurityLevelID](), "Versioned"), "versioned"))
	})
}

// deleting returns a write that deletes the level id at version.
func deleting(id psa.SecurityLevelID, version int64) func(ctx context.Context, tx staff.Tx) error {
	return func(ctx context.Context, tx staff.Tx) error {
		if err := tx.DeleteSecurityLevel(ctx, id, version); err != nil {
			return fmt.Errorf("DeleteSecurityLevel %s: %w", id, err)
		}
		return nil
	}
}

func testDeleteSecurityLevel(t *testing.T, h Harness) {
	before := levelKind.listedAll(t, h.Staff)
	keep := levelKind.withKey(newLevel(newID[psa.SecurityLevelID](t), "Kept"), "Kept")
	doomed := levelKind.withKey(newLevel(randomID[psa.SecurityLevelID](), "Doomed"), "Doomed")
	levelKind.store(t, h.Staff, keep, doomed)
	inTx(t, h.Staff, "UpdateSecurityLevel", levelKind.updating(doomed))
	doomed.Version = 2

	// Stale versions and unknown IDs change nothing.
	for _, stale := range []int64{1, 3, 0} {
		what := fmt.Sprintf("DeleteSecurityLevel with version %d while version 2 is stored", stale)
		wantVersionConflict(t, what, h.Staff(t.Context(), deleting(doomed.ID, stale)), stale, 2)
		levelKind.wantStored(t, h.Staff, "after "+what, doomed)
	}
	wantNotFound(t, "DeleteSecurityLevel of an unknown ID", h.Staff(t.Context(), deleting(randomID[psa.SecurityLevelID](), 1)))

	// A rolled-back delete leaves the level stored.
	sentinel := errors.New("storetest: rollback sentinel")
	err := h.Staff(t.Context(), func(ctx context.Context, tx staff.Tx) error {
		if err := deleting(doomed.ID, 2)(ctx, tx); err != nil {
			return err
		}
		return sentinel
	})
	if !errors.Is(err, sentinel) {
		t.Errorf("a transaction that deletes a level and returns an error: got %v, want the sentinel", err)
	}
	levelKind.wantStored(t, h.Staff, "after a rolled-back delete", doomed)
	levelKind.wantListings(t, h.Staff, "after a rolled-back delete", before, psa.SecurityLevelID{}, keep.ID, doomed.ID)

	// The deleting transaction sees the deletion.
	inTx(t, h.Staff, "DeleteSecurityLevel with the stored version, then reads", func(ctx context.Context, tx staff.Tx) error {
		if err := deleting(doomed.ID, 2)(ctx, tx); err != nil {
			return err
		}
		_, err := tx.GetSecurityLevel(ctx, doomed.ID)
		wantNotFound(t, "GetSecurityLevel in the deleting transaction", err)
		_, err = tx.FindSecurityLevelByName(ctx, doomed.Name)
		wantNotFound(t, "FindSecurityLevelByName in the deleting transaction", err)
		wantIDs(t, "ListSecurityLevels in the deleting transaction", walk(t, "ListSecurityLevels", 1, inThisTx(ctx, tx, levelKind.all())), levelKind.idOf,
			append(before[:len(before):len(before)], keep.ID))
		return nil
	})

	// Later transactions see it too.
	levelKind.wantGone(t, h.Staff, "after DeleteSecurityLevel", doomed)
	levelKind.wantListings(t, h.Staff, "after DeleteSecurityLevel", before, psa.SecurityLevelID{}, keep.ID)
	levelKind.wantStored(t, h.Staff, "of the level kept", keep)
	wantNotFound(t, "a second DeleteSecurityLevel", h.Staff(t.Context(), deleting(doomed.ID, 2)))
	wantNotFound(t, "UpdateSecurityLevel of a deleted level", h.Staff(t.Context(), levelKind.updating(doomed)))

	// Its ID and its Name are free.
	reborn := levelKind.withKey(newLevel(doomed.ID, "Reborn"), doomed.Name)
	inTx(t, h.Staff, "CreateSecurityLevel with the ID and Name of a deleted level", levelKind.creating(reborn))
	levelKind.wantStored(t, h.Staff, "of a level created with a deleted level's ID and Name", reborn)
	other := levelKind.withKey(newLevel(randomID[psa.SecurityLevelID](), "Other"), "Other")
	levelKind.store(t, h.Staff, other)
	inTx(t, h.Staff, "DeleteSecurityLevel", deleting(other.ID, 1))
	renamed := keep
	renamed.Name = other.Name
	inTx(t, h.Staff, "UpdateSecurityLevel taking a deleted level's Name", levelKind.updating(renamed))
}

func testStaffRollback(t *testing.T, h Harness) {
	pre := levelKind.withKey(newLevel(randomID[psa.SecurityLevelID](), "Pre-existing"), "Pre-existing")
	gone := levelKind.withKey(newLevel(randomID[psa.SecurityLevelID](), "Survives"), "Survives")
	levelKind.store(t, h.Staff, pre, gone)

	l := levelKind.withKey(newLevel(newID[psa.SecurityLevelID](t), "Rolled back"), "Rolled back")
	m := newMember(newID[psa.StaffID](t), l.ID, "Rolled back")
	u := apiUserKind.withKey(newAPIUser(newID[psa.APIUserID](t), l.ID, "Rolled back"), "rolled-back")
	changed := pre
	changed.Name, changed.Description = "Changed by a rolled-back transaction", "Changed"
	write := sequence(levelKind.creating(l), memberKind.creating(m), apiUserKind.creating(u), levelKind.updating(changed), deleting(gone.ID, 1))
	checkRollback(t, "runner", h.Staff, write, func(how string) {
		t.Helper()
		levelKind.wantGone(t, h.Staff, "of the rolled-back level "+how, l)
		memberKind.wantGone(t, h.Staff, "of the rolled-back member "+how, m)
		apiUserKind.wantGone(t, h.Staff, "of the rolled-back API user "+how, u)
		levelKind.wantNoKey(t, h.Staff, "FindSecurityLevelByName of the rolled-back update's Name "+how, changed)
		levelKind.wantStored(t, h.Staff, "of the level the transaction updated "+how, pre)
		levelKind.wantStored(t, h.Staff, "of the level the transaction deleted "+how, gone)
		memberKind.wantListings(t, h.Staff, "of the rolled-back level "+how, nil, l.ID)
		apiUserKind.wantListings(t, h.Staff, "of the rolled-back level "+how, nil, l.ID)
	})
}

func testStaffSharesStore(t *testing.T, h Harness) {
	c := newClient(newID[psa.ClientID](t), "Shared")
	clientKind.store(t, h.Client, c)
	inTx(t, h.Staff, "GetClient in a staff transaction", func(ctx context.Context, tx staff.Tx) error {
		got, err := tx.GetClient(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("GetClient of a client created through Harness.Client: %w", err)
		}
		diff(t, "GetClient in a staff transaction of a client created through Harness.Client", c, got)
		return nil
	})
	d := newClient(randomID[psa.ClientID](), "Created in a staff transaction")
	inTx(t, h.Staff, "CreateClient and CreateSecurityLevel in one staff transaction", func(ctx context.Context, tx staff.Tx) error {
		if err := tx.CreateClient(ctx, d); err != nil {
			return fmt.Errorf("CreateClient: %w", err)
		}
		return levelKind.creating(newLevel(randomID[psa.SecurityLevelID](), "Shared"))(ctx, tx)
	})
	clientKind.wantStored(t, h.Client, "through Harness.Client of a client created in a staff transaction", d)
}
