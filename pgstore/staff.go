package pgstore

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/staff"
)

var _ staff.Tx = (*Tx)(nil)

var (
	levels = (&table[psa.SecurityLevelID, staff.SecurityLevel]{
		kind: "security level", name: "security_levels",
		id:      func(l staff.SecurityLevel) psa.SecurityLevelID { return l.ID },
		version: func(l *staff.SecurityLevel) *int64 { return &l.Version },
		cols: []column[staff.SecurityLevel]{
			{"name", func(l staff.SecurityLevel) any { return pgText(l.Name) }},
		},
		uniques: []uniqueKey[staff.SecurityLevel]{
			{"security_levels_name_key", "name", func(l staff.SecurityLevel) string { return l.Name }},
		},
	}).build()

	members = (&table[psa.StaffID, staff.Member]{
		kind: "staff member", name: "staff_members",
		id:      func(m staff.Member) psa.StaffID { return m.ID },
		version: func(m *staff.Member) *int64 { return &m.Version },
		cols: []column[staff.Member]{
			{"level_id", func(m staff.Member) any { return pgKey(m.LevelID) }},
		},
	}).build()

	apiUsers = (&table[psa.APIUserID, staff.APIUser]{
		kind: "API user", name: "api_users",
		id:      func(u staff.APIUser) psa.APIUserID { return u.ID },
		version: func(u *staff.APIUser) *int64 { return &u.Version },
		cols: []column[staff.APIUser]{
			{"level_id", func(u staff.APIUser) any { return pgKey(u.LevelID) }},
			{"username", func(u staff.APIUser) any { return pgText(u.Username) }},
		},
		uniques: []uniqueKey[staff.APIUser]{
			{"api_users_username_key", "username", func(u staff.APIUser) string { return u.Username }},
		},
	}).build()
)

// GetSecurityLevel implements staff.LevelStore.
func (tx *Tx) GetSecurityLevel(ctx context.Context, id psa.SecurityLevelID) (staff.SecurityLevel, error) {
	return levels.get(ctx, tx, id)
}

// FindSecurityLevelByName implements staff.LevelStore.
func (tx *Tx) FindSecurityLevelByName(ctx context.Context, name string) (staff.SecurityLevel, error) {
	if name == "" {
		return staff.SecurityLevel{}, &psa.NotFoundError{Kind: "security level", Key: "with an empty name"}
	}
	return levels.findBy(ctx, tx, "name "+name, "name = $1", name)
}

// CreateSecurityLevel implements staff.LevelStore. A deleted level's row is gone, so its ID and
// Name may be taken again.
func (tx *Tx) CreateSecurityLevel(ctx context.Context, l staff.SecurityLevel) error {
	return levels.create(ctx, tx, l)
}

// UpdateSecurityLevel implements staff.LevelStore.
func (tx *Tx) UpdateSecurityLevel(ctx context.Context, l staff.SecurityLevel) error {
	return levels.update(ctx, tx, l)
}

// DeleteSecurityLevel implements staff.LevelStore: the row is removed.
func (tx *Tx) DeleteSecurityLevel(ctx context.Context, id psa.SecurityLevelID, version int64) error {
	return levels.removeAt(ctx, tx, id, version)
}

// ListSecurityLevels implements staff.LevelStore.
func (tx *Tx) ListSecurityLevels(ctx context.Context, page psa.PageRequest) (psa.Page[staff.SecurityLevel], error) {
	return levels.list(ctx, tx, page, "true")
}

// GetMember implements staff.MemberStore.
func (tx *Tx) GetMember(ctx context.Context, id psa.StaffID) (staff.Member, error) {
	return members.get(ctx, tx, id)
}

// CreateMember implements staff.MemberStore.
func (tx *Tx) CreateMember(ctx context.Context, m staff.Member) error {
	return members.create(ctx, tx, m)
}

// UpdateMember implements staff.MemberStore.
func (tx *Tx) UpdateMember(ctx context.Context, m staff.Member) error {
	return members.update(ctx, tx, m)
}

// ListMembers implements staff.MemberStore.
func (tx *Tx) ListMembers(ctx context.Context, level psa.SecurityLevelID, page psa.PageRequest) (psa.Page[staff.Member], error) {
	return members.list(ctx, tx, page, "level_id = $1", pgKey(level))
}

// ListAllMembers implements staff.MemberStore.
func (tx *Tx) ListAllMembers(ctx context.Context, page psa.PageRequest) (psa.Page[staff.Member], error) {
	return members.list(ctx, tx, page, "true")
}

// GetAPIUser implements staff.APIUserStore.
func (tx *Tx) GetAPIUser(ctx context.Context, id psa.APIUserID) (staff.APIUser, error) {
	return apiUsers.get(ctx, tx, id)
}

// FindAPIUserByUsername implements staff.APIUserStore.
func (tx *Tx) FindAPIUserByUsername(ctx context.Context, username string) (staff.APIUser, error) {
	if username == "" {
		return staff.APIUser{}, &psa.NotFoundError{Kind: "API user", Key: "with an empty username"}
	}
	return apiUsers.findBy(ctx, tx, "username "+username, "username = $1", username)
}

// CreateAPIUser implements staff.APIUserStore.
func (tx *Tx) CreateAPIUser(ctx context.Context, u staff.APIUser) error {
	return apiUsers.create(ctx, tx, u)
}

// UpdateAPIUser implements staff.APIUserStore.
func (tx *Tx) UpdateAPIUser(ctx context.Context, u staff.APIUser) error {
	return apiUsers.update(ctx, tx, u)
}

// ListAPIUsers implements staff.APIUserStore.
func (tx *Tx) ListAPIUsers(ctx context.Context, level psa.SecurityLevelID, page psa.PageRequest) (psa.Page[staff.APIUser], error) {
	return apiUsers.list(ctx, tx, page, "level_id = $1", pgKey(level))
}

// ListAllAPIUsers implements staff.APIUserStore.
func (tx *Tx) ListAllAPIUsers(ctx context.Context, page psa.PageRequest) (psa.Page[staff.APIUser], error) {
	return apiUsers.list(ctx, tx, page, "true")
}
