package staff

import (
	"fmt"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// Principal is who acts: a staff member or an API user, with the security level they hold. Exactly
// one of Staff and APIUser is set. Service.StaffPrincipal and Service.Authenticate return
// principals; a host may also build one from levels it caches.
type Principal struct {
	Staff   psa.StaffID
	APIUser psa.APIUserID
	// Level is the principal's security level.
	Level SecurityLevel
}

// IsAPIUser reports whether p is an API user.
func (p Principal) IsAPIUser() bool { return !psa.IsNil(p.APIUser) }

// String names p for messages: "staff <id>" or "API user <id>".
func (p Principal) String() string {
	switch {
	case !psa.IsNil(p.Staff) && !psa.IsNil(p.APIUser):
		return fmt.Sprintf("principal with both staff %s and API user %s", p.Staff, p.APIUser)
	case !psa.IsNil(p.Staff):
		return "staff " + p.Staff.String()
	case !psa.IsNil(p.APIUser):
		return "API user " + p.APIUser.String()
	}
	return "unidentified principal"
}

// Resource is what a principal acts on: something in an area, of a client or of none.
type Resource struct {
	Area Area
	// Client is the client the resource belongs to (a client's ticket, contract, invoice, the
	// client record itself), or nil for a resource of no client (the service catalogue, a billing
	// run, the tenant's settings). Its AccountManager and AccountTeam decide the account-team
	// rules. To list across clients, authorize each item with its client.
	Client *client.Client
	// ManagerLevel is the security level of the client's account manager, when the host supplies
	// it: an account-team member then holds the manager's permissions on this client's resources
	// as well as their own (seed 001: "The account team has the same security permissions as the
	// account manager"). nil means the members hold only their own permissions.
	ManagerLevel *SecurityLevel
}

// On returns the resource of area that belongs to c.
func On(area Area, c client.Client) Resource { return Resource{Area: area, Client: &c} }

// Reason says why Authorize refused an action.
type Reason string

// Reasons for a refusal.
const (
	// ReasonMissing: the principal's level (with the account manager's, for an account-team
	// member) does not grant the permission.
	ReasonMissing Reason = "missing permission"
	// ReasonNotOnTeam: the level limits its holders to their account teams and the principal is
	// neither the client's account manager nor on its account team.
	ReasonNotOnTeam Reason = "not on account team"
	// ReasonLevelKind: a staff member holds an API-only level, or an API user a level that is not
	// API-only.
	ReasonLevelKind Reason = "wrong kind of security level"
	// ReasonUnidentified: the principal names neither a staff member nor an API user.
	ReasonUnidentified Reason = "unidentified principal"
	// ReasonInactive: the staff member or API user is not active.
	ReasonInactive Reason = "inactive"
	// ReasonLocked: the API user is locked.
	ReasonLocked Reason = "locked"
)

// PermissionError reports an action a principal may not take. It unwraps to psa.ErrForbidden.
type PermissionError struct {
	Principal Principal
	// Area and Action are the permission asked for.
	Area   Area
	Action Action
	// ClientID is the client of the resource, or the nil ID.
	ClientID psa.ClientID
	Reason   Reason
}

// Permission returns the permission that was asked for.
func (e *PermissionError) Permission() Permission { return Permission{e.Area, e.Action} }

// Error names the principal, and the missing permission or the rule that refused it.
func (e *PermissionError) Error() string {
	p, level := e.Principal, e.Principal.Level.Name
	switch e.Reason {
	case ReasonMissing:
		msg := fmt.Sprintf("psa: %s lacks %s", p, e.Permission())
		if !psa.IsNil(e.ClientID) {
			msg += " on client " + e.ClientID.String()
		}
		return msg + fmt.Sprintf(" (security level %q)", level)
	case ReasonNotOnTeam:
		return fmt.Sprintf("psa: %s is not on the account team of client %s (security level %q is limited to account teams)", p, e.ClientID, level)
	case ReasonLevelKind:
		if p.IsAPIUser() {
			return fmt.Sprintf("psa: %s holds security level %q, which is not API-only", p, level)
		}
		return fmt.Sprintf("psa: %s holds security level %q, which is for API users only", p, level)
	case ReasonUnidentified:
		return fmt.Sprintf("psa: %s refused: the principal names neither a staff member nor an API user", e.Permission())
	case ReasonInactive, ReasonLocked:
		return fmt.Sprintf("psa: %s is %s", p, e.Reason)
	}
	return fmt.Sprintf("psa: %s may not %s: %s", p, e.Permission(), e.Reason)
}

// Unwrap returns psa.ErrForbidden.
func (e *PermissionError) Unwrap() error { return psa.ErrForbidden }

// Authorize decides whether p may take action act on r. It returns nil when p may, a
// *PermissionError (unwrapping to psa.ErrForbidden) saying why not when p may not, and a
// *psa.ValidationError when act is not an action of r.Area or p names both a staff member and an
// API user. The rules, in order:
//
//  1. A staff member may not act with an API-only level, nor an API user with a level that is
//     not API-only (ReasonLevelKind).
//  2. The permissions that count are those of p.Level; on a resource of a client, a staff member
//     on the client's account team (not its account manager) also holds those of r.ManagerLevel
//     when the host supplies it. Lacking the permission is ReasonMissing.
//  3. When p.Level limits its holders to account teams, a resource of a client is allowed only to
//     the client's account manager and account team (client.Client.MayAccess); an API user is on
//     no account team. Otherwise ReasonNotOnTeam. A resource of no client, and an AreaAPI
//     resource, are not limited.
func Authorize(p Principal, act Action, r Resource) error {
	perm := Permission{r.Area, act}
	if !perm.Valid() {
		return psa.Invalid("authorization", "permission", perm.String(), invalidReason(perm))
	}
	if !psa.IsNil(p.Staff) && !psa.IsNil(p.APIUser) {
		return psa.Invalid("authorization", "principal", p.String(), "must be a staff member or an API user, not both")
	}
	c := r.Client
	if r.Area == AreaAPI {
		c = nil // logging in to the API concerns no client
	}
	deny := func(reason Reason) error {
		e := &PermissionError{Principal: p, Area: r.Area, Action: act, Reason: reason}
		if c != nil {
			e.ClientID = c.ID
		}
		return e
	}
	switch {
	case psa.IsNil(p.Staff) && psa.IsNil(p.APIUser):
		return deny(ReasonUnidentified)
	case p.IsAPIUser() != p.Level.APIOnly:
		return deny(ReasonLevelKind)
	}

	perms, onTeam := p.Level.Permissions, false
	if c != nil && !p.IsAPIUser() {
		onTeam = c.MayAccess(p.Staff, true)
		if onTeam && p.Staff != c.AccountManager && r.ManagerLevel != nil && !r.ManagerLevel.APIOnly {
			perms = perms.Union(r.ManagerLevel.Permissions)
		}
	}
	if !perms.Has(r.Area, act) {
		return deny(ReasonMissing)
	}
	if c != nil && p.Level.LimitToAccountTeams && !onTeam {
		return deny(ReasonNotOnTeam)
	}
	return nil
}
