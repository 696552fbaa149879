package staff

import (
	"context"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// Member is a staff member (a resource: technician, account manager, administrator) and the
// security level they hold. Client.AccountManager and Client.AccountTeam refer to members by ID.
type Member struct {
	ID   psa.StaffID `json:"id"`
	Name string      `json:"name"`
	// LevelID is the member's security level, which must not be API-only.
	LevelID psa.SecurityLevelID `json:"levelId"`
	// Active is false for a former member, who may do nothing.
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Version increases by one with every stored change; updates must name the version they read.
	Version int64 `json:"version"`
}

// LevelStore keeps the custom security levels (the built-in levels are not stored). It is
// implemented by the host's storage (memstore for the embedded default) and used only inside a
// transaction of a psa.Runner.
//
// Every method takes and returns copies. A method may be called from many goroutines, each in its
// own transaction; the store isolates transactions from each other (a transaction sees only its
// own uncommitted writes) and may report a lost race with an error wrapping psa.ErrConflict, at
// any call or at commit.
type LevelStore interface {
	// GetSecurityLevel returns the level with id, or a *psa.NotFoundError (also for a deleted one).
	GetSecurityLevel(ctx context.Context, id psa.SecurityLevelID) (SecurityLevel, error)
	// FindSecurityLevelByName returns the level whose Name is name (compared as stored), or a
	// *psa.NotFoundError.
	FindSecurityLevelByName(ctx context.Context, name string) (SecurityLevel, error)
	// CreateSecurityLevel stores l as given (Version is already 1). It fails with a
	// *psa.AlreadyExistsError when l.ID or a non-empty l.Name is taken by a level that is not
	// deleted.
	CreateSecurityLevel(ctx context.Context, l SecurityLevel) error
	// UpdateSecurityLevel replaces the stored level l.ID. l.Version must be the stored version
	// (else a *psa.VersionConflictError) and is stored increased by one. It fails with a
	// *psa.NotFoundError for an unknown or deleted level and a *psa.AlreadyExistsError when a
	// changed Name is taken.
	UpdateSecurityLevel(ctx context.Context, l SecurityLevel) error
	// DeleteSecurityLevel removes the level with id, whose stored version must be version (else
	// a *psa.VersionConflictError). It fails with a *psa.NotFoundError for an unknown or deleted
	// level. Afterwards no read returns the level, and its ID and Name are free.
	DeleteSecurityLevel(ctx context.Context, id psa.SecurityLevelID, version int64) error
	// ListSecurityLevels returns a page of the levels in ascending ID order, deleted ones left out.
	ListSecurityLevels(ctx context.Context, page psa.PageRequest) (psa.Page[SecurityLevel], error)
}

// MemberStore keeps staff members, under the rules of LevelStore. Members are never deleted (an
// inactive member stays for history).
type MemberStore interface {
	// GetMember returns the member with id, or a *psa.NotFoundError.
	GetMember(ctx context.Context, id psa.StaffID) (Member, error)
	// CreateMember stores m as given (Version is already 1); a taken ID is a
	// *psa.AlreadyExistsError.
	CreateMember(ctx context.Context, m Member) error
	// UpdateMember replaces the stored member m.ID under the version rule of UpdateSecurityLevel;
	// an unknown member is a *psa.NotFoundError.
	UpdateMember(ctx context.Context, m Member) error
	// ListMembers returns a page of the members whose LevelID is level, in ascending ID order.
	ListMembers(ctx context.Context, level psa.SecurityLevelID, page psa.PageRequest) (psa.Page[Member], error)
	// ListAllMembers returns a page of every member in ascending ID order.
	ListAllMembers(ctx context.Context, page psa.PageRequest) (psa.Page[Member], error)
}

// APIUserStore keeps API users, under the rules of LevelStore. API users are never deleted (an
// inactive one stays for history).
type APIUserStore interface {
	// GetAPIUser returns the API user with id, or a *psa.NotFoundError.
	GetAPIUser(ctx context.Context, id psa.APIUserID) (APIUser, error)
	// FindAPIUserByUsername returns the API user whose Username is username (compared as
	// stored), or a *psa.NotFoundError.
	FindAPIUserByUsername(ctx context.Context, username string) (APIUser, error)
	// CreateAPIUser stores u as given (Version is already 1). It fails with a
	// *psa.AlreadyExistsError when u.ID or a non-empty u.Username is taken.
	CreateAPIUser(ctx context.Context, u APIUser) error
	// UpdateAPIUser replaces the stored API user u.ID under the version rule of
	// UpdateSecurityLevel; an unknown user is a *psa.NotFoundError and a changed Username that is
	// taken a *psa.AlreadyExistsError.
	UpdateAPIUser(ctx context.Context, u APIUser) error
	// ListAPIUsers returns a page of the API users whose LevelID is level, in ascending ID order.
	ListAPIUsers(ctx context.Context, level psa.SecurityLevelID, page psa.PageRequest) (psa.Page[APIUser], error)
	// ListAllAPIUsers returns a page of every API user in ascending ID order.
	ListAllAPIUsers(ctx context.Context, page psa.PageRequest) (psa.Page[APIUser], error)
}

// Tx is the transaction staff access runs in: the client store (for the account manager and team
// of a client) and this package's stores.
type Tx interface {
	client.ClientStore
	LevelStore
	MemberStore
	APIUserStore
}
