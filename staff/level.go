package staff

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/psakit/psa"
)

// MaxNameLength bounds the length of a security level's name and of an API user's username, in
// Unicode code points.
const MaxNameLength = 100

// SecurityLevel is a named set of permissions assigned to staff members and API users, as in
// Autotask's Security Levels. The built-in levels (System) cannot be changed or deleted; a custom
// level starts as a Copy of another ("Copy Security Level", seed 003) and is then edited with
// Grant and Revoke.
type SecurityLevel struct {
	ID          psa.SecurityLevelID `json:"id"`
	Name        string              `json:"name"`
	Description string              `json:"description,omitempty"`
	// Permissions are the actions the level grants, area by area.
	Permissions Permissions `json:"permissions"`
	// LimitToAccountTeams limits the level's holders to the clients whose account manager they
	// are or on whose account team they are (seed 001: "limit the access of other technicians
	// who do not need to interact with this customer"). Resources of no client are not limited.
	LimitToAccountTeams bool `json:"limitToAccountTeams,omitempty"`
	// APIOnly marks a level for API users only (Autotask's "API User (system) (API-only)" and
	// its copies). API users must hold an API-only level and staff members must not.
	APIOnly bool `json:"apiOnly,omitempty"`
	// System marks a built-in level: it is not stored and cannot be changed or deleted.
	System bool `json:"system,omitempty"`
	// CopiedFrom is the level this one was copied from, or the nil ID.
	CopiedFrom psa.SecurityLevelID `json:"copiedFrom"`

	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Version increases by one with every stored change; updates must name the version they read.
	Version int64 `json:"version"`
}

// Copy returns an editable copy of l called name, as Autotask's "Copy Security Level" makes it:
// the same permissions, account-team limit and API-only flag, not a system level, CopiedFrom set
// to l.ID, and no ID, times or version of its own (Service.CreateLevel gives them).
func (l SecurityLevel) Copy(name string) SecurityLevel {
	return SecurityLevel{
		Name:                name,
		Description:         l.Description,
		Permissions:         l.Permissions,
		LimitToAccountTeams: l.LimitToAccountTeams,
		APIOnly:             l.APIOnly,
		CopiedFrom:          l.ID,
	}
}

// Grant adds actions in area to l's permissions; no actions grants every action of area
// (Autotask's "All"). It fails with a *psa.PreconditionError for a system level and with a
// *psa.ValidationError for an action area does not support, changing nothing.
func (l *SecurityLevel) Grant(area Area, acts ...Action) error {
	set, err := l.edit(area, acts)
	if err != nil {
		return err
	}
	l.Permissions = l.Permissions.Union(set)
	return nil
}

// Revoke removes actions in area from l's permissions; no actions revokes every action of area
// (Autotask's "No Permissions"). It fails like Grant.
func (l *SecurityLevel) Revoke(area Area, acts ...Action) error {
	set, err := l.edit(area, acts)
	if err != nil {
		return err
	}
	l.Permissions = l.Permissions.Without(set)
	return nil
}

// RevokeAll removes every permission of l, so that it can be built up from nothing with Grant.
// It fails with a *psa.PreconditionError for a system level.
func (l *SecurityLevel) RevokeAll() error {
	if l.System {
		return l.systemError()
	}
	l.Permissions = Permissions{}
	return nil
}

func (l *SecurityLevel) edit(area Area, acts []Action) (Permissions, error) {
	if l.System {
		return Permissions{}, l.systemError()
	}
	if !area.Valid() {
		return Permissions{}, psa.Invalid("security level", "area", string(area), "is not a security area")
	}
	if len(acts) == 0 {
		acts = area.Actions()
	}
	ps := make([]Permission, len(acts))
	for i, a := range acts {
		ps[i] = Permission{area, a}
	}
	return NewPermissions(ps...)
}

func (l SecurityLevel) systemError() error {
	return &psa.PreconditionError{Kind: "security level", ID: strconv.Quote(l.Name), Rule: "is a built-in level and cannot be changed or deleted; copy it instead"}
}

// Validate reports every broken rule of l's own fields: the name is required, without leading or
// trailing white space, and at most MaxNameLength code points long.
func (l SecurityLevel) Validate() error {
	var v psa.Validator
	v.Require("name", l.Name)
	if l.Name != strings.TrimSpace(l.Name) {
		v.Add("name", l.Name, "must not start or end with white space")
	}
	if n := utf8.RuneCountInString(l.Name); n > MaxNameLength {
		v.Add("name", l.Name, "is longer than "+itoa(MaxNameLength)+" characters")
	}
	return v.Err("security level")
}

// Built-in level IDs: fixed, so that hosts can refer to them in configuration and assignments.
var (
	administratorID = psa.SecurityLevelID{UUID: uuid.MustParse("5e1e7000-0000-4000-8000-000000000001")}
	technicianID    = psa.SecurityLevelID{UUID: uuid.MustParse("5e1e7000-0000-4000-8000-000000000002")}
	teamTechID      = psa.SecurityLevelID{UUID: uuid.MustParse("5e1e7000-0000-4000-8000-000000000003")}
	apiUserID       = psa.SecurityLevelID{UUID: uuid.MustParse("5e1e7000-0000-4000-8000-000000000004")}
)

// AdministratorLevel returns the built-in Administrator level: every permission of every area, not
// limited to account teams.
func AdministratorLevel() SecurityLevel {
	return SecurityLevel{
		ID: administratorID, Name: "Administrator", System: true,
		Description: "Every permission in every area.",
		Permissions: all(),
	}
}

// technicianPermissions are the permissions of the built-in Technician levels.
func technicianPermissions() Permissions {
	return only(
		Permission{AreaClients, ActionView},
		Permission{AreaContacts, ActionView}, Permission{AreaContacts, ActionAdd}, Permission{AreaContacts, ActionEdit},
		Permission{AreaContracts, ActionView},
		Permission{AreaServices, ActionView},
		Permission{AreaTickets, ActionView}, Permission{AreaTickets, ActionAdd}, Permission{AreaTickets, ActionEdit},
		Permission{AreaTime, ActionView}, Permission{AreaTime, ActionAdd}, Permission{AreaTime, ActionEdit},
	)
}

// TechnicianLevel returns the built-in Technician level: view clients, contracts and services; view,
// add and edit contacts, tickets and time; no deletes, internal costs, billing, invoices or API
// login. It is not limited to account teams.
func TechnicianLevel() SecurityLevel {
	return SecurityLevel{
		ID: technicianID, Name: "Technician", System: true,
		Description: "Service delivery for every client: tickets, time and contacts; no costs, billing or invoices.",
		Permissions: technicianPermissions(),
	}
}

// AccountTeamLevel returns the built-in Account Team Technician level: the permissions of
// Technician, limited to the clients whose account manager the holder is or on whose account team
// the holder is (seed 001).
func AccountTeamLevel() SecurityLevel {
	return SecurityLevel{
		ID: teamTechID, Name: "Account Team Technician", System: true,
		Description: "The Technician's permissions, limited to the clients of the holder's account teams.",
		Permissions: technicianPermissions(), LimitToAccountTeams: true,
	}
}

// APIUserLevel returns the built-in "API User (system) (API-only)" level: API-only, with only the
// permission to log in to the API. Copy it to make a least-privilege level for an integration
// (seed 003) and grant what the integration needs.
func APIUserLevel() SecurityLevel {
	return SecurityLevel{
		ID: apiUserID, Name: "API User (system) (API-only)", System: true, APIOnly: true,
		Description: "For API users: may log in to the API and nothing else; copy it and grant what an integration needs.",
		Permissions: only(Permission{AreaAPI, ActionLogin}),
	}
}

// BuiltIn returns the built-in levels: Administrator, Technician, Account Team Technician and
// API User, in that order.
func BuiltIn() []SecurityLevel {
	return []SecurityLevel{AdministratorLevel(), TechnicianLevel(), AccountTeamLevel(), APIUserLevel()}
}

// BuiltInLevel returns the built-in level with id, and whether there is one.
func BuiltInLevel(id psa.SecurityLevelID) (SecurityLevel, bool) {
	for _, l := range BuiltIn() {
		if l.ID == id {
			return l, true
		}
	}
	return SecurityLevel{}, false
}

// builtInNamed returns the built-in level whose name equals name, ignoring case.
func builtInNamed(name string) (SecurityLevel, bool) {
	for _, l := range BuiltIn() {
		if strings.EqualFold(l.Name, name) {
			return l, true
		}
	}
	return SecurityLevel{}, false
}

func itoa(n int) string { return strconv.Itoa(n) }
