package portal

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// WrongPasswordError reports a wrong current password given to change a password. It unwraps to
// psa.ErrForbidden; it counts towards the lockout like a failed login.
type WrongPasswordError struct {
	AccountID psa.PortalUserID
}

// Error describes the refusal.
func (e *WrongPasswordError) Error() string {
	return fmt.Sprintf("psa: the current password of portal user %s is wrong", e.AccountID)
}

// Unwrap returns psa.ErrForbidden.
func (e *WrongPasswordError) Unwrap() error { return psa.ErrForbidden }

// Principal is a logged-in portal user: what Login returns, and what the host keeps in its
// session. Only AccountID identifies the user to the Service's calls, which read everything else
// afresh each time, so that disabling access or changing a role takes effect at once.
type Principal struct {
	AccountID psa.PortalUserID
	ContactID psa.ContactID
	ClientID  psa.ClientID
	Username  string
	// Name is the contact's name.
	Name string
	Role Role
	// SubOrganizations says whether the role's organization-wide permissions cover the
	// sub-organizations too.
	SubOrganizations bool
	LandingPage      LandingPage
}

// checkAccess returns the contact and client of account a, or an *AccessError when a may not
// use the portal: access disabled, no password, contact inactive, portal disabled for the client.
func checkAccess(ctx context.Context, tx Tx, a Account) (client.Contact, client.Client, error) {
	deny := func(reason string) (client.Contact, client.Client, error) {
		return client.Contact{}, client.Client{}, &AccessError{AccountID: a.ID, Reason: reason}
	}
	if !a.Enabled {
		return deny("portal access is disabled")
	}
	if !a.HasPassword() {
		return deny("no password has been set yet")
	}
	ct, err := tx.GetContact(ctx, a.ContactID)
	if isNotFound(err) {
		return deny("the contact no longer exists")
	}
	if err != nil {
		return client.Contact{}, client.Client{}, err
	}
	if !ct.Active {
		return deny("the contact is inactive")
	}
	c, err := tx.GetClient(ctx, ct.ClientID)
	if err != nil {
		return client.Contact{}, client.Client{}, err
	}
	if c.Settings.PortalDisabled {
		return deny(fmt.Sprintf("the portal is disabled for client %q", c.Name))
	}
	return ct, c, nil
}

func principalOf(a Account, ct client.Contact, r Role) Principal {
	return Principal{AccountID: a.ID, ContactID: a.ContactID, ClientID: ct.ClientID, Username: a.Username, Name: ct.Name(),
		Role: r, SubOrganizations: a.SubOrganizations, LandingPage: a.LandingPage}
}

// Principal returns the principal of portal user id as it stands now, or an *AccessError when
// the user may no longer use the portal or id names no portal user (the same error, whatever the
// cause). Hosts call it at the start of a request.
func (s *Service) Principal(ctx context.Context, id psa.PortalUserID) (Principal, error) {
	var p Principal
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		sc, err := resolve(ctx, tx, id)
		if err != nil {
			return err
		}
		p = principalOf(sc.account, sc.contact, sc.role)
		return nil
	})
	return p, err
}

// dummyHash returns a hash of a random password, verified for unknown usernames so that they
// take as long as a wrong password.
func (s *Service) dummyHash() (string, error) {
	s.dummyOnce.Do(func() {
		tok, _, err := s.newToken()
		if err != nil {
			s.dummyErr = err
			return
		}
		s.dummy, s.dummyErr = s.hasher.Hash(tok)
	})
	return s.dummy, s.dummyErr
}

// Login checks username and password and returns the principal. An unknown username, a wrong
// password and a locked account all give the same *LoginError, and each verifies one password
// hash, so that neither the answer nor the time it takes tells whether a username exists (a
// locked account's own hash is not checked: a dummy one is). A wrong password counts towards the
// tenant's lockout rule; the attempt that locks the account sends the user a NotifyLocked notice
// through the Notifier, which is how the user and the host learn of the lockout. A user who may
// not use the portal gets an *AccessError, but only after giving the right password. A
// successful login resets the count, and re-hashes a password hashed with weaker parameters than
// the hasher's.
//
// Each attempt is counted before its password is checked, in the transaction that reads the
// lockout, so that however many logins run at once, at most the tenant's number of failed logins
// check the password before the lockout takes effect. An attempt that cannot be counted because
// the store reports a lost race (psa.ErrConflict) is not checked, and fails like a wrong
// password.
func (s *Service) Login(ctx context.Context, username, password string) (Principal, error) {
	name := NormalizeUsername(username)
	now := s.now()
	var a Account
	var checked bool
	var notice []Notification
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		checked, notice = false, nil
		var err error
		a, err = tx.FindAccountByUsername(ctx, name)
		if isNotFound(err) {
			return nil
		}
		if err != nil || a.PasswordHash == "" || now.Before(a.LockedUntil) {
			return err
		}
		locked, err := s.reserveCheck(ctx, tx, &a, now)
		if err != nil {
			return err
		}
		checked = true
		if locked && a.Enabled {
			notice, err = lockNotice(ctx, tx, a)
		}
		return err
	})
	if errors.Is(err, psa.ErrConflict) {
		// The attempt lost a race and was not counted, so its password is not checked. Only a
		// real account can cause a conflict: it must read like a wrong password.
		checked, notice, err = false, nil, nil
	}
	if err != nil {
		return Principal{}, err
	}
	encoded := a.PasswordHash
	if !checked {
		if encoded, err = s.dummyHash(); err != nil {
			return Principal{}, err
		}
	}
	ok, err := s.hasher.Verify(password, encoded)
	if err != nil {
		return Principal{}, err
	}
	if !checked || !ok {
		s.notifyQuietly(ctx, notice)
		return Principal{}, &LoginError{Username: username}
	}
	rehash := ""
	if s.hasher.NeedsRehash(a.PasswordHash) {
		if rehash, err = s.hasher.Hash(password); err != nil {
			return Principal{}, err
		}
	}
	var p Principal
	var denied error
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		denied = nil
		cur, err := tx.GetAccount(ctx, a.ID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != a.PasswordHash {
			return &LoginError{Username: username} // the password changed meanwhile
		}
		// The password was right: the attempt is not a failure, and ends the count (and a
		// lockout that this or a parallel attempt started).
		cur.FailedLogins, cur.LockedUntil, cur.UpdatedAt = 0, time.Time{}, now
		sc, err := resolveAccount(ctx, tx, cur)
		if _, ok := errors.AsType[*AccessError](err); ok {
			denied = err
			return tx.UpdateAccount(ctx, cur)
		}
		if err != nil {
			return err
		}
		cur.LastLoginAt = now
		if rehash != "" {
			cur.PasswordHash = rehash
		}
		if err := tx.UpdateAccount(ctx, cur); err != nil {
			return err
		}
		p = principalOf(cur, sc.contact, sc.role)
		return nil
	})
	if err == nil && denied != nil {
		return Principal{}, denied
	}
	return p, err
}

// reserveCheck counts one check of account a's password against the tenant's lockout rule,
// before the check runs: it stores a.FailedLogins+1, and when that reaches the tenant's number of
// failed logins, locks a (from now, for the tenant's lockout period), restarts the count and
// reports locked. A check that then succeeds resets the count and ends the lockout. a must not
// be locked at now; a holds the stored account afterwards.
func (s *Service) reserveCheck(ctx context.Context, tx Tx, a *Account, now time.Time) (locked bool, err error) {
	set, err := tx.GetPortalSettings(ctx)
	if err != nil {
		return false, err
	}
	attempts, period := set.lockout()
	a.FailedLogins++
	if a.FailedLogins >= attempts {
		a.FailedLogins, a.LockedUntil, locked = 0, now.Add(period), true
	}
	a.UpdatedAt = now
	if err := tx.UpdateAccount(ctx, *a); err != nil {
		return false, err
	}
	a.Version++
	return locked, nil
}

// lockNotice returns the NotifyLocked notice of account a, just locked; none when its contact
// is gone.
func lockNotice(ctx context.Context, tx Tx, a Account) ([]Notification, error) {
	ct, err := tx.GetContact(ctx, a.ContactID)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []Notification{{Kind: NotifyLocked, AccountID: a.ID, ContactID: ct.ID, ClientID: ct.ClientID, Name: ct.Name(), Email: ct.Email,
		Username: a.Username, ExpiresAt: a.LockedUntil}}, nil
}

// checkNew reports a confirmation that differs from password as a *psa.ValidationError, and
// otherwise the policy's *PolicyError, if any.
func checkNew(policy Policy, password, confirm string) error {
	if password != confirm {
		return psa.Invalid("password", "confirm", "", "does not match the new password")
	}
	return policy.Check(password)
}

// AcceptInvitation sets the password of the portal user invited with token (a create-password
// link) and returns the principal, logged in. The token must be an unused, unrevoked,
// unexpired invitation of an account that has no password yet (else a *TokenError); password
// must equal confirm and meet the tenant's policy (else a *PolicyError listing every rule
// broken, and the token stays usable). Setting the password revokes every other unused link of
// the account.
func (s *Service) AcceptInvitation(ctx context.Context, token, password, confirm string) (Principal, error) {
	return s.redeem(ctx, PurposeInvitation, token, password, confirm)
}

// ResetPassword sets a new password with a password-reset token, like AcceptInvitation; it also
// ends a lockout.
func (s *Service) ResetPassword(ctx context.Context, token, password, confirm string) (Principal, error) {
	return s.redeem(ctx, PurposeReset, token, password, confirm)
}

// validToken returns the stored token for token if it is usable for purpose at now.
func validToken(ctx context.Context, tx Tx, purpose Purpose, token string, now time.Time) (Token, error) {
	if b, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(b) != 32 {
		return Token{}, &TokenError{Purpose: purpose, Problem: TokenMalformed}
	}
	t, err := tx.FindTokenByHash(ctx, hashToken(token))
	switch {
	case isNotFound(err):
		return Token{}, &TokenError{Purpose: purpose, Problem: TokenUnknown}
	case err != nil:
		return Token{}, err
	case t.Purpose != purpose:
		return Token{}, &TokenError{Purpose: purpose, Problem: TokenWrongUse}
	case !t.UsedAt.IsZero():
		return Token{}, &TokenError{Purpose: purpose, Problem: TokenUsed}
	case !t.RevokedAt.IsZero():
		return Token{}, &TokenError{Purpose: purpose, Problem: TokenRevoked}
	case !now.Before(t.ExpiresAt):
		return Token{}, &TokenError{Purpose: purpose, Problem: TokenExpired, ExpiredAt: t.ExpiresAt}
	}
	return t, nil
}

// usableToken returns the stored token for token, usable for purpose at now, and its account: the
// account must have portal access, and an invitation is for an account without a password.
func usableToken(ctx context.Context, tx Tx, purpose Purpose, token string, now time.Time) (Token, Account, error) {
	t, err := validToken(ctx, tx, purpose, token, now)
	if err != nil {
		return Token{}, Account{}, err
	}
	a, err := tx.GetAccount(ctx, t.AccountID)
	switch {
	case err != nil:
		return Token{}, Account{}, err
	case !a.Enabled:
		return Token{}, Account{}, &TokenError{Purpose: purpose, Problem: TokenNoAccess}
	case purpose == PurposeInvitation && a.HasPassword():
		return Token{}, Account{}, &TokenError{Purpose: purpose, Problem: TokenPasswordSet}
	}
	return t, a, nil
}

func (s *Service) redeem(ctx context.Context, purpose Purpose, token, password, confirm string) (Principal, error) {
	now := s.now()
	var policy Policy
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		if _, _, err := usableToken(ctx, tx, purpose, token, now); err != nil {
			return err
		}
		set, err := tx.GetPortalSettings(ctx)
		policy = set.Policy
		return err
	})
	if err != nil {
		return Principal{}, err
	}
	if err := checkNew(policy, password, confirm); err != nil {
		return Principal{}, err
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return Principal{}, err
	}
	var p Principal
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		t, a, err := usableToken(ctx, tx, purpose, token, now)
		if err != nil {
			return err
		}
		t.UsedAt = now
		if err := tx.UpdateToken(ctx, t); err != nil {
			return err
		}
		if err := revokeTokens(ctx, tx, a.ID, now); err != nil {
			return err
		}
		a.PasswordHash, a.PasswordSetAt, a.UpdatedAt = hash, now, now
		if purpose == PurposeReset {
			a.FailedLogins, a.LockedUntil = 0, time.Time{}
		}
		sc, err := resolveAccount(ctx, tx, a)
		if err != nil {
			return err
		}
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		p = principalOf(a, sc.contact, sc.role)
		return nil
	})
	return p, err
}

// RequestPasswordReset sends a password-reset link (valid ResetTTL) through the Notifier to the
// portal user with username, revoking earlier reset links. Its result does not depend on whether
// such a user exists (or may use the portal), so that it reveals no usernames: it returns nil
// for every username alike, and a link the Notifier fails to deliver is reported to
// Options.DeliveryFailed, not returned. It needs a Notifier, without which it is a
// *psa.PreconditionError for every username alike. The Notifier should queue the message
// rather than send it while the call waits, so that the time the call takes does not tell
// either.
func (s *Service) RequestPasswordReset(ctx context.Context, username string) error {
	if s.notifier == nil {
		return &psa.PreconditionError{Kind: "portal", ID: "password reset", Rule: "needs a Notifier to deliver reset links"}
	}
	var notes []Notification
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		notes = nil
		a, err := tx.FindAccountByUsername(ctx, NormalizeUsername(username))
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		ct, _, err := checkAccess(ctx, tx, a)
		if _, denied := errors.AsType[*AccessError](err); denied {
			return nil
		}
		if err != nil {
			return err
		}
		n, err := s.issue(ctx, tx, a, ct, PurposeReset, NotifyReset)
		notes = []Notification{n}
		return err
	})
	if err != nil {
		return err
	}
	s.notifyQuietly(ctx, notes)
	return nil
}

// ChangePassword changes the password of portal user id (seed 004 "Change Password": the old
// password, and the new one twice). The new password must equal confirm and meet the tenant's
// policy (checked first, so that a refused new password costs no attempt). A wrong old password
// is a *WrongPasswordError and counts towards the lockout like a failed login (counted before the
// check, as Login counts); a locked account gets a *LockedError. Every unused link of the account
// (invitations and reset links) is revoked. Other changes of the account made meanwhile (its
// notes, preferences) are kept; a password changed meanwhile is a *psa.VersionConflictError.
func (s *Service) ChangePassword(ctx context.Context, id psa.PortalUserID, old, password, confirm string) error {
	var a Account
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		sc, err := resolve(ctx, tx, id)
		if err != nil {
			return err
		}
		set, err := tx.GetPortalSettings(ctx)
		if err != nil {
			return err
		}
		if err := checkNew(set.Policy, password, confirm); err != nil {
			return err
		}
		a = sc.account
		now := s.now()
		if now.Before(a.LockedUntil) {
			return &LockedError{Username: a.Username, Until: a.LockedUntil}
		}
		_, err = s.reserveCheck(ctx, tx, &a, now)
		return err
	})
	if err != nil {
		return err
	}
	ok, err := s.hasher.Verify(old, a.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return &WrongPasswordError{AccountID: id}
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return err
	}
	return s.run(ctx, func(ctx context.Context, tx Tx) error {
		cur, err := tx.GetAccount(ctx, id)
		if err != nil {
			return err
		}
		if cur.PasswordHash != a.PasswordHash {
			return &psa.VersionConflictError{Kind: "portal user", ID: id.String(), Given: a.Version, Stored: cur.Version}
		}
		now := s.now()
		cur.PasswordHash, cur.PasswordSetAt, cur.UpdatedAt = hash, now, now
		cur.FailedLogins, cur.LockedUntil = 0, time.Time{}
		if err := revokeTokens(ctx, tx, id, now); err != nil {
			return err
		}
		return tx.UpdateAccount(ctx, cur)
	})
}
