package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/internal/versioned"
)

// Options configure a Service. A nil *Options means the defaults.
type Options struct {
	psa.Options
	// Hasher hashes passwords; nil means PBKDF2 with DefaultIterations.
	Hasher Hasher
	// Rand is the source of the random bytes of tokens (and of the default hasher's salts); nil
	// means crypto/rand. Tests inject a deterministic reader.
	Rand io.Reader
	// Notifier delivers invitations, welcome messages, reset links and lockout notices; nil means
	// nothing is sent (Invite still returns the link's token to its caller).
	Notifier Notifier
	// DeliveryFailed is told of each notification the Notifier failed to deliver where returning
	// the error would reveal whether a username exists: the reset link of RequestPasswordReset and
	// the lockout notice of Login, whose results are the same for every username. The host logs
	// or retries it; n carries the link's token, which it must not log. nil means such failures
	// are dropped. The other calls return the Notifier's error.
	DeliveryFailed func(ctx context.Context, n Notification, err error)
	// Location is the time zone in which the dashboard's "today" and "tomorrow" are read; nil
	// means UTC.
	Location *time.Location
}

// Notifier delivers the portal's messages to users: the host implements it (e-mail, say). It is
// called after the transaction that created the message's token has committed, never inside it.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// NotificationKind says which message a Notification is.
type NotificationKind string

// Notification kinds.
const (
	// NotifyInvitation carries a create-password link (seed 004, valid InvitationTTL).
	NotifyInvitation NotificationKind = "invitation"
	// NotifyWelcome is the batch-enable welcome e-mail (seed 004 "Batch Actions"); it carries a
	// create-password link like an invitation.
	NotifyWelcome NotificationKind = "welcome"
	// NotifyReset carries a password-reset link (valid ResetTTL).
	NotifyReset NotificationKind = "password reset"
	// NotifyLocked tells a user that too many wrong passwords have locked their account: it
	// carries no token, and ExpiresAt is when the lockout ends. Login's answer does not say that
	// an account is locked (it would tell real usernames from unknown ones); this notice does,
	// to the account's owner.
	NotifyLocked NotificationKind = "lockout"
)

// Notification is one message for a Notifier to deliver.
type Notification struct {
	Kind      NotificationKind
	AccountID psa.PortalUserID
	ContactID psa.ContactID
	ClientID  psa.ClientID
	// Name and Email are the contact's; Username the login name.
	Name, Email, Username string
	// Token is the secret of the link; the host builds the URL from it. ExpiresAt is when the
	// link stops working (for NotifyLocked, which has no link, when the lockout ends).
	Token     string
	ExpiresAt time.Time
}

// Service runs the portal rules inside transactions of the host's store.
type Service struct {
	run      psa.Runner[Tx]
	opts     psa.Options
	hasher   Hasher
	rand     io.Reader
	notifier Notifier
	failed   func(ctx context.Context, n Notification, err error)
	loc      *time.Location

	dummyOnce sync.Once
	dummy     string // a hash verified for unknown usernames, so that they cost what a wrong password costs
	dummyErr  error
}

// NewService returns a Service that runs its work through run. It fails only when the default
// hasher cannot be made, which it always can.
func NewService(run psa.Runner[Tx], opts *Options) (*Service, error) {
	s := &Service{run: run, rand: rand.Reader, loc: time.UTC}
	if opts != nil {
		s.opts, s.hasher, s.notifier, s.failed = opts.Options, opts.Hasher, opts.Notifier, opts.DeliveryFailed
		if opts.Rand != nil {
			s.rand = opts.Rand
		}
		if opts.Location != nil {
			s.loc = opts.Location
		}
	}
	if s.hasher == nil {
		h, err := NewPBKDF2(0, s.rand)
		if err != nil {
			return nil, err
		}
		s.hasher = h
	}
	return s, nil
}

// now returns the current instant from the options' clock.
func (s *Service) now() time.Time { return s.opts.Clock() }

// today returns the current date in the service's location.
func (s *Service) today() psa.Date { return psa.DateOf(s.now().In(s.loc)) }

// newToken returns a new random token (256 bits, base64url) and its stored hash.
func (s *Service) newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", "", fmt.Errorf("psa: random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken returns the stored form of a token: its hex SHA-256.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// notify delivers ns through the notifier, after a transaction has committed.
func (s *Service) notify(ctx context.Context, ns []Notification) error {
	if s.notifier == nil {
		return nil
	}
	for _, n := range ns {
		if err := s.notifier.Notify(ctx, n); err != nil {
			return fmt.Errorf("psa: %s for portal user %q was stored but not delivered: %w", n.Kind, n.Username, err)
		}
	}
	return nil
}

// notifyQuietly delivers ns like notify, after a transaction has committed, where a failure must
// not change the caller's result: each failure goes to the DeliveryFailed hook.
func (s *Service) notifyQuietly(ctx context.Context, ns []Notification) {
	if s.notifier == nil {
		return
	}
	for _, n := range ns {
		if err := s.notifier.Notify(ctx, n); err != nil && s.failed != nil {
			s.failed(ctx, n, fmt.Errorf("psa: %s for portal user %q was not delivered: %w", n.Kind, n.Username, err))
		}
	}
}

// Settings returns the tenant's portal settings.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	var set Settings
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		set, err = tx.GetPortalSettings(ctx)
		return err
	})
	return set, err
}

// PutSettings validates and stores the tenant's portal settings (the password policy and the
// lockout rule); set.Version is the version read (0 the first time).
func (s *Service) PutSettings(ctx context.Context, set Settings) (Settings, error) {
	if err := set.Validate(); err != nil {
		return Settings{}, err
	}
	set.Policy.Blocked = slices.Clone(set.Policy.Blocked)
	err := s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.PutPortalSettings(ctx, set) })
	if err != nil {
		return Settings{}, err
	}
	set.Version++
	return set, nil
}

// PutRole validates and stores a custom role: created (with a new ID when r.ID is nil) when
// r.Version is 0, replaced under the version rule otherwise.
func (s *Service) PutRole(ctx context.Context, r Role) (Role, error) {
	if err := r.Validate(); err != nil {
		return Role{}, err
	}
	if psa.IsNil(r.ID) {
		id, err := psa.NewID[RoleID](s.opts.IDs())
		if err != nil {
			return Role{}, err
		}
		r.ID = id
		if err := r.Validate(); err != nil {
			return Role{}, err
		}
	}
	if err := s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.PutRole(ctx, r) }); err != nil {
		return Role{}, err
	}
	r.Version++
	return r, nil
}

// Role returns the role with id: a built-in role or a stored custom role.
func (s *Service) Role(ctx context.Context, id RoleID) (Role, error) {
	var r Role
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		r, err = getRole(ctx, tx, id)
		return err
	})
	return r, err
}

// Roles returns the built-in roles followed by the custom roles in ascending ID order.
func (s *Service) Roles(ctx context.Context) ([]Role, error) {
	var out []Role
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		custom, err := psa.All(ctx, tx.ListRoles)
		out = append(BuiltInRoles(), custom...)
		return err
	})
	return out, err
}

func getRole(ctx context.Context, tx Tx, id RoleID) (Role, error) {
	if r, ok := builtInRole(id); ok {
		return r, nil
	}
	return tx.GetRole(ctx, id)
}

// Access is the input of Service.Enable: a contact's portal access (seed 004 "Client Portal
// Access" tab).
type Access struct {
	// Username defaults to the contact's e-mail address; it is stored in lower case and is unique
	// per tenant.
	Username string
	// RoleID defaults to ExternalUser.
	RoleID RoleID
	// SubOrganizations extends what the role shows of the organization to its sub-organizations.
	SubOrganizations bool
	// Invite sends a create-password link (a new one revokes the previous one) when the account
	// has no password yet.
	Invite bool
}

// Enable gives contact portal access, or changes the access it has: username, role and
// sub-organizations. The contact must be active. With in.Invite, an account without a password
// gets an invitation through the Notifier.
func (s *Service) Enable(ctx context.Context, contact psa.ContactID, in Access) (Account, error) {
	var out Account
	var notes []Notification
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		notes = nil
		a, n, err := s.enable(ctx, tx, contact, in, "contact", NotifyInvitation)
		if err != nil {
			return err
		}
		out, notes = a, n
		return nil
	})
	if err != nil {
		return Account{}, err
	}
	return out.redacted(), s.notify(ctx, notes)
}

// enabling is a checked request to give a contact portal access: the username and role it gets.
type enabling struct {
	username string
	role     RoleID
}

// checkEnable checks giving contact ct the access in, recording every broken rule in v under
// field; it returns an error only when the store fails.
func checkEnable(ctx context.Context, tx Tx, ct client.Contact, in Access, field string, v *psa.Validator) (enabling, error) {
	if !ct.Active {
		v.Add(field, ct.ID.String(), "is an inactive contact")
	}
	username := NormalizeUsername(in.Username)
	if username == "" {
		username = NormalizeUsername(ct.Email)
	}
	if why := validUsername(username); why != "" {
		v.Add(field+".username", username, why)
	}
	role := in.RoleID
	if psa.IsNil(role) {
		role = ExternalUser().ID
	}
	if _, err := getRole(ctx, tx, role); err != nil {
		if !isNotFound(err) {
			return enabling{}, err
		}
		v.Add(field+".roleId", role.String(), "is not a portal role")
	}
	return enabling{username: username, role: role}, nil
}

// enable is Enable inside tx; field names the contact in validation errors, and kind is the
// notification an invitation is sent as.
func (s *Service) enable(ctx context.Context, tx Tx, contactID psa.ContactID, in Access, field string, kind NotificationKind) (Account, []Notification, error) {
	ct, err := tx.GetContact(ctx, contactID)
	if err != nil {
		return Account{}, nil, err
	}
	var v psa.Validator
	e, err := checkEnable(ctx, tx, ct, in, field, &v)
	if err != nil {
		return Account{}, nil, err
	}
	if err := v.Err("portal access"); err != nil {
		return Account{}, nil, err
	}
	username, role := e.username, e.role
	now := s.now()
	a, err := tx.FindAccountByContact(ctx, contactID)
	switch {
	case isNotFound(err):
		id, err := psa.NewID[psa.PortalUserID](s.opts.IDs())
		if err != nil {
			return Account{}, nil, err
		}
		a = Account{ID: id, ContactID: ct.ID, ClientID: ct.ClientID, Username: username, Enabled: true, RoleID: role,
			SubOrganizations: in.SubOrganizations, LandingPage: PageDashboard, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.CreateAccount(ctx, a); err != nil {
			return Account{}, nil, err
		}
	case err != nil:
		return Account{}, nil, err
	default:
		a.Username, a.Enabled, a.RoleID, a.SubOrganizations, a.ClientID, a.UpdatedAt = username, true, role, in.SubOrganizations, ct.ClientID, now
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return Account{}, nil, err
		}
		a.Version++
	}
	if !in.Invite || a.HasPassword() {
		return a, nil, nil
	}
	n, err := s.issue(ctx, tx, a, ct, PurposeInvitation, kind)
	if err != nil {
		return Account{}, nil, err
	}
	return a, []Notification{n}, nil
}

// issue stores a new token of purpose for account a, revoking a's unspent tokens of that
// purpose, and returns its notification.
func (s *Service) issue(ctx context.Context, tx Tx, a Account, ct client.Contact, purpose Purpose, kind NotificationKind) (Notification, error) {
	now := s.now()
	if err := revokeTokens(ctx, tx, a.ID, now, purpose); err != nil {
		return Notification{}, err
	}
	token, hash, err := s.newToken()
	if err != nil {
		return Notification{}, err
	}
	id, err := psa.NewID[TokenID](s.opts.IDs())
	if err != nil {
		return Notification{}, err
	}
	ttl := InvitationTTL
	if purpose == PurposeReset {
		ttl = ResetTTL
	}
	t := Token{ID: id, AccountID: a.ID, Purpose: purpose, Hash: hash, CreatedAt: now, ExpiresAt: now.Add(ttl), Version: 1}
	if err := tx.CreateToken(ctx, t); err != nil {
		return Notification{}, err
	}
	return Notification{Kind: kind, AccountID: a.ID, ContactID: ct.ID, ClientID: ct.ClientID, Name: ct.Name(), Email: ct.Email,
		Username: a.Username, Token: token, ExpiresAt: t.ExpiresAt}, nil
}

// revokeTokens revokes account's unspent tokens of the given purposes (all of them when none is
// given).
func revokeTokens(ctx context.Context, tx Tx, account psa.PortalUserID, now time.Time, purposes ...Purpose) error {
	ts, err := tx.ListTokens(ctx, account)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if !t.UsedAt.IsZero() || !t.RevokedAt.IsZero() || (len(purposes) > 0 && !slices.Contains(purposes, t.Purpose)) {
			continue
		}
		t.RevokedAt = now
		if err := tx.UpdateToken(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// Invitation is a create-password link just issued.
type Invitation struct {
	AccountID psa.PortalUserID
	Username  string
	// Token is the link's secret: deliver it to the user and keep it nowhere.
	Token     string
	ExpiresAt time.Time
}

// Invite issues a create-password link to contact's enabled portal account (revoking any earlier
// one) and sends it through the Notifier; it also returns it, for a host without a Notifier. The
// client must have the portal enabled, and the account must have no password yet: an account
// with a password gets a *PasswordSetError (its user resets the password instead).
func (s *Service) Invite(ctx context.Context, contact psa.ContactID) (Invitation, error) {
	var n Notification
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		a, err := tx.FindAccountByContact(ctx, contact)
		if err != nil {
			return err
		}
		ct, err := tx.GetContact(ctx, contact)
		if err != nil {
			return err
		}
		c, err := tx.GetClient(ctx, ct.ClientID)
		if err != nil {
			return err
		}
		switch {
		case !a.Enabled:
			return &psa.PreconditionError{Kind: "portal user", ID: a.Username, Rule: "has no portal access: enable it first"}
		case a.HasPassword():
			return &PasswordSetError{AccountID: a.ID, Username: a.Username}
		case !ct.Active:
			return &psa.PreconditionError{Kind: "portal user", ID: a.Username, Rule: "is an inactive contact"}
		case c.Settings.PortalDisabled:
			return &psa.PreconditionError{Kind: "portal user", ID: a.Username, Rule: fmt.Sprintf("belongs to client %q, which has the portal disabled", c.Name)}
		}
		n, err = s.issue(ctx, tx, a, ct, PurposeInvitation, NotifyInvitation)
		return err
	})
	if err != nil {
		return Invitation{}, err
	}
	return Invitation{AccountID: n.AccountID, Username: n.Username, Token: n.Token, ExpiresAt: n.ExpiresAt}, s.notify(ctx, []Notification{n})
}

// Disable takes contact's portal access away and revokes its unused links. The account, its
// username and its messages stay, so access can be given back.
func (s *Service) Disable(ctx context.Context, contact psa.ContactID) (Account, error) {
	var out Account
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		out, err = s.disable(ctx, tx, contact)
		return err
	})
	return out.redacted(), err
}

func (s *Service) disable(ctx context.Context, tx Tx, contact psa.ContactID) (Account, error) {
	a, err := tx.FindAccountByContact(ctx, contact)
	if err != nil {
		return Account{}, err
	}
	now := s.now()
	if err := revokeTokens(ctx, tx, a.ID, now); err != nil {
		return Account{}, err
	}
	if !a.Enabled {
		return a, nil
	}
	a.Enabled, a.UpdatedAt = false, now
	if err := tx.UpdateAccount(ctx, a); err != nil {
		return Account{}, err
	}
	a.Version++
	return a, nil
}

// BatchEnable gives every contact of contacts portal access with role (nil: ExternalUser) and
// its e-mail address as its username (seed 004 "Batch Actions"), all or nothing: a
// *psa.ValidationError lists every contact that cannot have it (listed twice, inactive, no
// e-mail address, unusable username) and every username conflict (two contacts of the batch with
// the same address, an address that is another contact's username), and nothing is written.
// Every contact is checked before the first write, so that no write fails inside the
// transaction (which aborts it in stores such as PostgreSQL). With welcome, each account without
// a password gets the welcome e-mail with a create-password link.
func (s *Service) BatchEnable(ctx context.Context, contacts []psa.ContactID, role RoleID, welcome bool) ([]Account, error) {
	var out []Account
	var notes []Notification
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		out, notes = nil, nil
		var v psa.Validator
		seen := map[psa.ContactID]bool{}
		firstWith := map[string]int{} // username -> index of the first contact of the batch with it
		ok := make([]bool, len(contacts))
		for i, id := range contacts {
			field := "contacts[" + strconv.Itoa(i) + "]"
			if seen[id] {
				v.Add(field, id.String(), "is listed twice")
				continue
			}
			seen[id] = true
			ct, err := tx.GetContact(ctx, id)
			if err != nil {
				if !isNotFound(err) {
					return err
				}
				v.Add(field, id.String(), "is not a contact")
				continue
			}
			if ct.Email == "" {
				v.Add(field, id.String(), "has no e-mail address to use as username")
				continue
			}
			var cv psa.Validator
			e, err := checkEnable(ctx, tx, ct, Access{RoleID: role}, field, &cv)
			if err != nil {
				return err
			}
			if ve, bad := errors.AsType[*psa.ValidationError](cv.Err("")); bad {
				for _, f := range ve.Fields {
					v.Add(f.Field, f.Value, f.Reason)
				}
				continue
			}
			if j, dup := firstWith[e.username]; dup {
				v.Add(field+".username", e.username, "is also the username of contacts["+strconv.Itoa(j)+"] of this batch")
				continue
			}
			firstWith[e.username] = i
			holder, err := tx.FindAccountByUsername(ctx, e.username)
			switch {
			case err == nil && holder.ContactID != id:
				v.Add(field+".username", e.username, "is taken by another portal user")
				continue
			case err != nil && !isNotFound(err):
				return err
			}
			ok[i] = true
		}
		if err := v.Err("batch portal access"); err != nil {
			return err
		}
		for i, id := range contacts {
			if !ok[i] {
				continue
			}
			a, n, err := s.enable(ctx, tx, id, Access{RoleID: role, Invite: welcome}, "contacts["+strconv.Itoa(i)+"]", NotifyWelcome)
			if err != nil {
				return err
			}
			out = append(out, a.redacted())
			notes = append(notes, n...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.notify(ctx, notes)
}

// AccessFilter filters contacts by portal access (seed 004: "You can filter the Contacts page
// using the Has Client Portal Access option").
type AccessFilter int

// Access filters.
const (
	AnyAccess AccessFilter = iota
	WithAccess
	WithoutAccess
)

// ContactAccess is a contact with its portal account (nil for a contact that never had one).
type ContactAccess struct {
	Contact client.Contact
	Account *Account
}

// HasAccess reports whether the contact has portal access.
func (c ContactAccess) HasAccess() bool { return c.Account != nil && c.Account.Enabled }

// Contacts returns client's contacts with their portal access, filtered, in ascending contact
// ID order.
func (s *Service) Contacts(ctx context.Context, clientID psa.ClientID, filter AccessFilter) ([]ContactAccess, error) {
	var out []ContactAccess
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		out, err = contactsOf(ctx, tx, clientID, filter)
		return err
	})
	return out, err
}

func contactsOf(ctx context.Context, tx Tx, clientID psa.ClientID, filter AccessFilter) ([]ContactAccess, error) {
	if _, err := tx.GetClient(ctx, clientID); err != nil {
		return nil, err
	}
	contacts, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Contact], error) {
		return tx.ListContacts(ctx, clientID, p)
	})
	if err != nil {
		return nil, err
	}
	accounts, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Account], error) {
		return tx.ListAccounts(ctx, clientID, p)
	})
	if err != nil {
		return nil, err
	}
	byContact := map[psa.ContactID]Account{}
	for _, a := range accounts {
		byContact[a.ContactID] = a.redacted()
	}
	out := []ContactAccess{}
	for _, ct := range contacts {
		ca := ContactAccess{Contact: ct}
		if a, ok := byContact[ct.ID]; ok {
			ca.Account = &a
		}
		if filter == AnyAccess || (filter == WithAccess) == ca.HasAccess() {
			out = append(out, ca)
		}
	}
	return out, nil
}

// Account returns the portal account of contact (without its password hash).
func (s *Service) Account(ctx context.Context, contact psa.ContactID) (Account, error) {
	a, err := versioned.Get(ctx, s.run, Tx.FindAccountByContact, contact)
	return a.redacted(), err
}

// redacted returns a without its password hash.
func (a Account) redacted() Account {
	a.PasswordHash = ""
	return a
}

func itoa(n int) string { return strconv.Itoa(n) }
