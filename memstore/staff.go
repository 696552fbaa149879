package memstore

import (
	"context"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/staff"
)

var _ staff.Tx = (*Tx)(nil)

// staffTables are the tables of package staff's stores.
type staffTables struct {
	levels       *table[psa.SecurityLevelID, levelRow]
	levelsByName *unique[psa.SecurityLevelID, levelRow]
	liveLevels   *grouping[psa.SecurityLevelID, levelRow]

	members        *table[psa.StaffID, staff.Member]
	membersByLevel *grouping[psa.StaffID, staff.Member]

	apiUsers           *table[psa.APIUserID, staff.APIUser]
	apiUsersByUsername *unique[psa.APIUserID, staff.APIUser]
	apiUsersByLevel    *grouping[psa.APIUserID, staff.APIUser]
}

// levelRow is a security level, or the tombstone of a deleted one: a deleted level stays as a row
// that no read returns, the name index does not hold and the listing does not list, so that a
// delete is an ordinary write that commits, rolls back and conflicts like any other.
type levelRow struct {
	Level   staff.SecurityLevel
	Deleted bool
}

// levelGroup is the group of every level that is not deleted.
var levelGroup = uuid.UUID{15: 0x5e}

func (s *Store) initStaff() {
	t := &staffTables{}
	t.levels = newTable("security level", func(r levelRow) psa.SecurityLevelID { return r.Level.ID }, nil)
	t.levelsByName = t.levels.addUnique("name", func(r levelRow) string {
		if r.Deleted {
			return ""
		}
		return r.Level.Name
	})
	t.liveLevels = t.levels.addGrouping(func(r levelRow) uuid.UUID {
		if r.Deleted {
			return uuid.Nil
		}
		return levelGroup
	})

	t.members = newTable("staff member", func(m staff.Member) psa.StaffID { return m.ID }, nil)
	t.membersByLevel = t.members.addGrouping(func(m staff.Member) uuid.UUID { return m.LevelID.UUID })

	t.apiUsers = newTable("API user", func(u staff.APIUser) psa.APIUserID { return u.ID }, nil)
	t.apiUsersByUsername = t.apiUsers.addUnique("username", func(u staff.APIUser) string { return u.Username })
	t.apiUsersByLevel = t.apiUsers.addGrouping(func(u staff.APIUser) uuid.UUID { return u.LevelID.UUID })
	s.staff = t
}

// liveLevel returns the level id unless it is missing or deleted.
func (tx *Tx) liveLevel(ctx context.Context, id psa.SecurityLevelID) (levelRow, bool, error) {
	r, ok, err := viewOf(tx, tx.s.staff.levels).get(ctx, id)
	return r, ok && !r.Deleted, err
}

// GetSecurityLevel implements staff.LevelStore.
func (tx *Tx) GetSecurityLevel(ctx context.Context, id psa.SecurityLevelID) (staff.SecurityLevel, error) {
	r, ok, err := tx.liveLevel(ctx, id)
	return found(r.Level, ok, err, "security level", id.String())
}

// FindSecurityLevelByName implements staff.LevelStore.
func (tx *Tx) FindSecurityLevelByName(ctx context.Context, name string) (staff.SecurityLevel, error) {
	if name == "" {
		return staff.SecurityLevel{}, &psa.NotFoundError{Kind: "security level", Key: "with an empty name"}
	}
	r, ok, err := viewOf(tx, tx.s.staff.levels).findUnique(ctx, tx.s.staff.levelsByName, name)
	return found(r.Level, ok, err, "security level", "name "+name)
}

// CreateSecurityLevel implements staff.LevelStore.
func (tx *Tx) CreateSecurityLevel(ctx context.Context, l staff.SecurityLevel) error {
	v := viewOf(tx, tx.s.staff.levels)
	r, exists, err := v.get(ctx, l.ID)
	if err != nil {
		return err
	}
	// The ID of a deleted level is free: its tombstone is overwritten.
	return v.put(ctx, l.ID, levelRow{Level: l}, !exists || !r.Deleted)
}

// UpdateSecurityLevel implements staff.LevelStore.
func (tx *Tx) UpdateSecurityLevel(ctx context.Context, l staff.SecurityLevel) error {
	stored, err := tx.GetSecurityLevel(ctx, l.ID)
	if err != nil {
		return err
	}
	if l.Version != stored.Version {
		return &psa.VersionConflictError{Kind: "security level", ID: l.ID.String(), Given: l.Version, Stored: stored.Version}
	}
	l.Version++
	return viewOf(tx, tx.s.staff.levels).put(ctx, l.ID, levelRow{Level: l}, false)
}

// DeleteSecurityLevel implements staff.LevelStore.
func (tx *Tx) DeleteSecurityLevel(ctx context.Context, id psa.SecurityLevelID, version int64) error {
	stored, err := tx.GetSecurityLevel(ctx, id)
	if err != nil {
		return err
	}
	if version != stored.Version {
		return &psa.VersionConflictError{Kind: "security level", ID: id.String(), Given: version, Stored: stored.Version}
	}
	return viewOf(tx, tx.s.staff.levels).put(ctx, id, levelRow{Level: stored, Deleted: true}, false)
}

// ListSecurityLevels implements staff.LevelStore.
func (tx *Tx) ListSecurityLevels(ctx context.Context, page psa.PageRequest) (psa.Page[staff.SecurityLevel], error) {
	rows, err := viewOf(tx, tx.s.staff.levels).listGroup(ctx, tx.s.staff.liveLevels, levelGroup, page)
	if err != nil {
		return psa.Page[staff.SecurityLevel]{}, err
	}
	out := psa.Page[staff.SecurityLevel]{Items: make([]staff.SecurityLevel, len(rows.Items)), Next: rows.Next}
	for i, r := range rows.Items {
		out.Items[i] = r.Level
	}
	return out, nil
}

// GetMember implements staff.MemberStore.
func (tx *Tx) GetMember(ctx context.Context, id psa.StaffID) (staff.Member, error) {
	return viewOf(tx, tx.s.staff.members).mustGet(ctx, id)
}

// CreateMember implements staff.MemberStore.
func (tx *Tx) CreateMember(ctx context.Context, m staff.Member) error {
	return viewOf(tx, tx.s.staff.members).put(ctx, m.ID, m, true)
}

// UpdateMember implements staff.MemberStore.
func (tx *Tx) UpdateMember(ctx context.Context, m staff.Member) error {
	return updated(ctx, viewOf(tx, tx.s.staff.members), m.ID, m, func(m *staff.Member) *int64 { return &m.Version })
}

// ListMembers implements staff.MemberStore.
func (tx *Tx) ListMembers(ctx context.Context, level psa.SecurityLevelID, page psa.PageRequest) (psa.Page[staff.Member], error) {
	return viewOf(tx, tx.s.staff.members).listGroup(ctx, tx.s.staff.membersByLevel, level.UUID, page)
}

// ListAllMembers implements staff.MemberStore.
func (tx *Tx) ListAllMembers(ctx context.Context, page psa.PageRequest) (psa.Page[staff.Member], error) {
	return viewOf(tx, tx.s.staff.members).listAll(ctx, page)
}

// GetAPIUser implements staff.APIUserStore.
func (tx *Tx) GetAPIUser(ctx context.Context, id psa.APIUserID) (staff.APIUser, error) {
	return viewOf(tx, tx.s.staff.apiUsers).mustGet(ctx, id)
}

// FindAPIUserByUsername implements staff.APIUserStore.
func (tx *Tx) FindAPIUserByUsername(ctx context.Context, username string) (staff.APIUser, error) {
	if username == "" {
		return staff.APIUser{}, &psa.NotFoundError{Kind: "API user", Key: "with an empty username"}
	}
	u, ok, err := viewOf(tx, tx.s.staff.apiUsers).findUnique(ctx, tx.s.staff.apiUsersByUsername, username)
	return found(u, ok, err, "API user", "username "+username)
}

// CreateAPIUser implements staff.APIUserStore.
func (tx *Tx) CreateAPIUser(ctx context.Context, u staff.APIUser) error {
	return viewOf(tx, tx.s.staff.apiUsers).put(ctx, u.ID, u, true)
}

// UpdateAPIUser implements staff.APIUserStore.
func (tx *Tx) UpdateAPIUser(ctx context.Context, u staff.APIUser) error {
	return updated(ctx, viewOf(tx, tx.s.staff.apiUsers), u.ID, u, func(u *staff.APIUser) *int64 { return &u.Version })
}

// ListAPIUsers implements staff.APIUserStore.
func (tx *Tx) ListAPIUsers(ctx context.Context, level psa.SecurityLevelID, page psa.PageRequest) (psa.Page[staff.APIUser], error) {
	return viewOf(tx, tx.s.staff.apiUsers).listGroup(ctx, tx.s.staff.apiUsersByLevel, level.UUID, page)
}

// ListAllAPIUsers implements staff.APIUserStore.
func (tx *Tx) ListAllAPIUsers(ctx context.Context, page psa.PageRequest) (psa.Page[staff.APIUser], error) {
	return viewOf(tx, tx.s.staff.apiUsers).listAll(ctx, page)
}
