// Package staff decides what the MSP's own people and integrations may do: security levels, the
// account-team restriction, staff members' levels and API users.
//
// # Security levels
//
// A SecurityLevel is a named set of Permissions: for each Area (clients, contacts, contracts,
// contract internal costs, services and products, tickets, time, billing, invoices, API login) the
// Actions it grants (view, add, edit, delete; login for the API). The built-in levels
// (AdministratorLevel, TechnicianLevel, AccountTeamLevel, APIUserLevel) are system levels: not stored, never
// changed. A custom level starts as a copy of another, as Autotask's "Copy Security Level" makes
// it (seed 003), and is edited with Grant, Revoke and RevokeAll:
//
//	integration := staff.APIUserLevel().Copy("Billing Sync")
//	integration.Grant(staff.AreaClients, staff.ActionView)
//	integration.Grant(staff.AreaContracts, staff.ActionView, staff.ActionEdit)
//	integration.Grant(staff.AreaContractCosts, staff.ActionView, staff.ActionEdit)
//
// # Authorize
//
// Authorize(principal, action, resource) is the one rule a host calls before it lets a staff
// member or an API user act. It returns nil, or a *PermissionError (unwrapping to
// psa.ErrForbidden) that names the missing permission ("psa: staff ... lacks tickets:edit") or
// the account team the principal is not on. A level with LimitToAccountTeams limits its holders to
// the clients whose account manager they are or on whose account team they are (seed 001); an
// account-team member also holds the account manager's permissions on that client's resources
// when the host supplies the manager's level (Resource.ManagerLevel, or Service.AuthorizeClient,
// which reads it from the store).
//
// # API users
//
// An APIUser logs in with a username and a secret of 256 random bits. The secret is returned once,
// by Service.CreateAPIUser and Service.RotateSecret, and stored only as its SHA-256 hash;
// Service.Authenticate compares hashes in constant time, gives the same *LoginError for an unknown
// username and a wrong secret, refuses inactive and locked users, and returns a Principal whose
// level must be API-only and grant api:login.
//
// # Stores
//
// Service runs in transactions over Tx: the client store and this package's LevelStore,
// MemberStore and APIUserStore. memstore implements them; storetest checks any other
// implementation.
package staff
