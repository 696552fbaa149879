package portal

import (
	"fmt"
	"strings"
	"time"

	"github.com/psakit/psa"
)

// LoginError reports a failed login: an unknown username, a wrong password, or an account locked
// after too many wrong passwords, which it does not tell apart, so that a login form reveals no
// usernames. It unwraps to psa.ErrForbidden.
type LoginError struct {
	// Username is the username as given.
	Username string
}

// Error describes the refusal.
func (e *LoginError) Error() string {
	return fmt.Sprintf("psa: login as %q failed: unknown username or wrong password, or locked after too many failed logins", e.Username)
}

// Unwrap returns psa.ErrForbidden.
func (e *LoginError) Unwrap() error { return psa.ErrForbidden }

// LockedError reports a password change refused because the account is locked after too many
// wrong passwords (Service.ChangePassword, for a user already logged in). Login never returns it:
// it gives a locked account the *LoginError of an unknown username. It unwraps to
// psa.ErrForbidden.
type LockedError struct {
	Username string
	// Until is when the lockout ends.
	Until time.Time
}

// Error describes the refusal.
func (e *LockedError) Error() string {
	return fmt.Sprintf("psa: portal user %q is locked after too many failed logins until %s", e.Username, e.Until.UTC().Format(time.RFC3339))
}

// Unwrap returns psa.ErrForbidden.
func (e *LockedError) Unwrap() error { return psa.ErrForbidden }

// AccessError reports a portal user who may not use the portal at all: access disabled, no
// password yet, contact inactive, or the portal disabled for the client. It unwraps to
// psa.ErrForbidden.
type AccessError struct {
	AccountID psa.PortalUserID
	// Reason says which ("portal access is disabled") when Login refuses a user who gave the
	// right password. Every call for a portal user ID (Principal, and every call that acts for a
	// user) gives one reason for every cause, an unknown ID included: "portal access is not
	// available", so that a session's ID reveals nothing of the account.
	Reason string
}

// Error describes the refusal.
func (e *AccessError) Error() string {
	return fmt.Sprintf("psa: portal user %s may not use the portal: %s", e.AccountID, e.Reason)
}

// Unwrap returns psa.ErrForbidden.
func (e *AccessError) Unwrap() error { return psa.ErrForbidden }

// ForbiddenError reports an action the portal user's role does not allow. It unwraps to
// psa.ErrForbidden.
type ForbiddenError struct {
	AccountID psa.PortalUserID
	// Action is what was refused ("view contracts"), Reason why.
	Action, Reason string
}

// Error describes the refusal.
func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("psa: portal user %s may not %s: %s", e.AccountID, e.Action, e.Reason)
}

// Unwrap returns psa.ErrForbidden.
func (e *ForbiddenError) Unwrap() error { return psa.ErrForbidden }

// TokenProblem says why a token was refused.
type TokenProblem string

// Token problems.
const (
	TokenUnknown   TokenProblem = "unknown"
	TokenExpired   TokenProblem = "expired"
	TokenUsed      TokenProblem = "already used"
	TokenRevoked   TokenProblem = "revoked"
	TokenWrongUse  TokenProblem = "not for this use"
	TokenNoAccess  TokenProblem = "for an account without portal access"
	TokenMalformed TokenProblem = "malformed"
	// TokenPasswordSet refuses an invitation (a create-password link) of an account that has a
	// password already: it was set after the link was sent, and a password is changed only with
	// the old one or with a reset link.
	TokenPasswordSet TokenProblem = "for an account that has a password already"
)

// TokenError reports a create-password or reset token that cannot be used. It unwraps to
// psa.ErrForbidden. It never carries the token itself.
type TokenError struct {
	// Purpose is the use the token was presented for.
	Purpose Purpose
	Problem TokenProblem
	// ExpiredAt is the token's expiry, for an expired token.
	ExpiredAt time.Time
}

// Error describes the refusal.
func (e *TokenError) Error() string {
	msg := fmt.Sprintf("psa: %s token is %s", e.Purpose, e.Problem)
	if e.Problem == TokenExpired {
		msg += " (since " + e.ExpiredAt.UTC().Format(time.RFC3339) + ")"
	}
	return msg
}

// Unwrap returns psa.ErrForbidden.
func (e *TokenError) Unwrap() error { return psa.ErrForbidden }

// PasswordSetError reports an invitation (a create-password link) asked for an account that has a
// password already: whoever held the link could set a new password without the old one. The user
// resets the password instead (Service.RequestPasswordReset). It unwraps to psa.ErrPrecondition.
type PasswordSetError struct {
	AccountID psa.PortalUserID
	Username  string
}

// Error describes the refusal.
func (e *PasswordSetError) Error() string {
	return fmt.Sprintf("psa: portal user %q has a password already: a password reset, not an invitation, sets a new one", e.Username)
}

// Unwrap returns psa.ErrPrecondition.
func (e *PasswordSetError) Unwrap() error { return psa.ErrPrecondition }

// Rule names one rule of a password policy.
type Rule string

// Password rules.
const (
	RuleMinLength Rule = "min length"
	RuleMaxLength Rule = "max length"
	RuleUpper     Rule = "upper case"
	RuleLower     Rule = "lower case"
	RuleDigit     Rule = "digit"
	RuleSpecial   Rule = "special"
	RuleBlocklist Rule = "blocklist"
)

// Violation is one broken rule of a password policy.
type Violation struct {
	Rule Rule
	// Message says what is wrong in words, never quoting the password.
	Message string
}

// PolicyError lists every rule of the tenant's password policy a new password breaks. It unwraps
// to psa.ErrInvalid. It never carries the password.
type PolicyError struct {
	Violations []Violation
}

// Error describes the refusal.
func (e *PolicyError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Message
	}
	return "psa: password breaks the password policy: " + strings.Join(parts, "; ")
}

// Unwrap returns psa.ErrInvalid.
func (e *PolicyError) Unwrap() error { return psa.ErrInvalid }

// Rules returns the rules broken, in the policy's order.
func (e *PolicyError) Rules() []Rule {
	out := make([]Rule, len(e.Violations))
	for i, v := range e.Violations {
		out[i] = v.Rule
	}
	return out
}
