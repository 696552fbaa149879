package staff

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/psakit/psa"
	"github.com/psakit/psa/internal/versioned"
)

// Options configure a Service. A nil *Options means the defaults.
type Options struct {
	psa.Options
	// Rand is the source of API secrets and generated usernames; nil means crypto/rand.Reader.
	// Tests may inject a deterministic reader; production code should not.
	Rand io.Reader
}

// Service keeps security levels, staff members' levels and API users in the host's store, and
// answers who may do what.
type Service struct {
	run  psa.Runner[Tx]
	opts psa.Options
	rand io.Reader
}

// NewService returns a Service that runs its work through run.
func NewService(run psa.Runner[Tx], opts *Options) *Service {
	s := &Service{run: run}
	if opts != nil {
		s.opts, s.rand = opts.Options, opts.Rand
	}
	return s
}

// level returns the built-in or stored level with id.
func level(ctx context.Context, tx Tx, id psa.SecurityLevelID) (SecurityLevel, error) {
	if l, ok := BuiltInLevel(id); ok {
		return l, nil
	}
	return tx.GetSecurityLevel(ctx, id)
}

// Level returns the built-in or custom level with id, or a *psa.NotFoundError.
func (s *Service) Level(ctx context.Context, id psa.SecurityLevelID) (SecurityLevel, error) {
	var l SecurityLevel
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		l, err = level(ctx, tx, id)
		return err
	})
	return l, err
}

// Levels returns every level: the built-in ones (BuiltIn), then the custom ones in ascending ID
// order.
func (s *Service) Levels(ctx context.Context) ([]SecurityLevel, error) {
	custom, err := readAll(ctx, s.run, Tx.ListSecurityLevels)
	if err != nil {
		return nil, err
	}
	return append(BuiltIn(), custom...), nil
}

// checkName fails with a *psa.AlreadyExistsError when name is a built-in level's, ignoring case.
func checkName(name string) error {
	if b, ok := builtInNamed(name); ok {
		return &psa.AlreadyExistsError{Kind: "security level", Key: "name " + strconv.Quote(b.Name) + " (built in)"}
	}
	return nil
}

// CreateLevel validates and stores a new custom level and returns it as stored (with an ID when
// l.ID is nil, Version 1 and its times set). A name taken by another level, built in or custom,
// is a *psa.AlreadyExistsError; l.System set is a *psa.ValidationError; a CopiedFrom level that
// does not exist is a *psa.NotFoundError.
func (s *Service) CreateLevel(ctx context.Context, l SecurityLevel) (SecurityLevel, error) {
	var v psa.Validator
	v.Merge("level", l.Validate())
	if l.System {
		v.Add("system", "true", "cannot be set: only built-in levels are system levels")
	}
	if err := v.Err("security level"); err != nil {
		return SecurityLevel{}, err
	}
	if err := checkName(l.Name); err != nil {
		return SecurityLevel{}, err
	}
	if psa.IsNil(l.ID) {
		id, err := psa.NewID[psa.SecurityLevelID](s.opts.IDs())
		if err != nil {
			return SecurityLevel{}, err
		}
		l.ID = id
	}
	now := s.opts.Clock()
	l.CreatedAt, l.UpdatedAt, l.Version = now, now, 1
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		if !psa.IsNil(l.CopiedFrom) {
			if _, err := level(ctx, tx, l.CopiedFrom); err != nil {
				return err
			}
		}
		return tx.CreateSecurityLevel(ctx, l)
	})
	if err != nil {
		return SecurityLevel{}, err
	}
	return l, nil
}

// CopyLevel stores a copy of the level with id called name (SecurityLevel.Copy), Autotask's
// "Copy Security Level", and returns it as stored.
func (s *Service) CopyLevel(ctx context.Context, id psa.SecurityLevelID, name string) (SecurityLevel, error) {
	src, err := s.Level(ctx, id)
	if err != nil {
		return SecurityLevel{}, err
	}
	return s.CreateLevel(ctx, src.Copy(name))
}

// UpdateLevel validates and stores l, a custom level read at l.Version, and returns it as stored.
// Its CreatedAt and CopiedFrom stay as stored. A built-in level is a *psa.PreconditionError, and
// so is a change of APIOnly (it would make the level wrong for everyone who holds it); a stale
// version is a *psa.VersionConflictError.
func (s *Service) UpdateLevel(ctx context.Context, l SecurityLevel) (SecurityLevel, error) {
	if b, ok := BuiltInLevel(l.ID); ok {
		return SecurityLevel{}, b.systemError()
	}
	var v psa.Validator
	v.Merge("level", l.Validate())
	if l.System {
		v.Add("system", "true", "cannot be set: only built-in levels are system levels")
	}
	if err := v.Err("security level"); err != nil {
		return SecurityLevel{}, err
	}
	if err := checkName(l.Name); err != nil {
		return SecurityLevel{}, err
	}
	now := s.opts.Clock()
	var out SecurityLevel
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		stored, err := tx.GetSecurityLevel(ctx, l.ID)
		if err != nil {
			return err
		}
		if stored.APIOnly != l.APIOnly {
			return &psa.PreconditionError{Kind: "security level", ID: strconv.Quote(stored.Name), Rule: "APIOnly cannot change: copy the level instead"}
		}
		out = l
		out.CreatedAt, out.CopiedFrom, out.UpdatedAt = stored.CreatedAt, stored.CopiedFrom, now
		if err := tx.UpdateSecurityLevel(ctx, out); err != nil {
			return err
		}
		out.Version++
		return nil
	})
	if err != nil {
		return SecurityLevel{}, err
	}
	return out, nil
}

// DeleteLevel deletes the custom level with id, read at version. A built-in level, and a level
// still held by a staff member or an API user, is a *psa.PreconditionError naming one holder; a
// stale version is a *psa.VersionConflictError.
func (s *Service) DeleteLevel(ctx context.Context, id psa.SecurityLevelID, version int64) error {
	if b, ok := BuiltInLevel(id); ok {
		return b.systemError()
	}
	return s.run(ctx, func(ctx context.Context, tx Tx) error {
		l, err := tx.GetSecurityLevel(ctx, id)
		if err != nil {
			return err
		}
		held := func(who string) error {
			return &psa.PreconditionError{Kind: "security level", ID: strconv.Quote(l.Name), Rule: "is held by " + who + " and cannot be deleted; assign another level first"}
		}
		members, err := tx.ListMembers(ctx, id, psa.PageRequest{Limit: 1})
		if err != nil {
			return err
		}
		if len(members.Items) > 0 {
			return held("staff member " + members.Items[0].ID.String())
		}
		users, err := tx.ListAPIUsers(ctx, id, psa.PageRequest{Limit: 1})
		if err != nil {
			return err
		}
		if len(users.Items) > 0 {
			return held("API user " + users.Items[0].ID.String())
		}
		return tx.DeleteSecurityLevel(ctx, id, version)
	})
}

// assignable returns the level with id if a staff member (apiUser false) or an API user (true)
// may hold it, a *psa.NotFoundError if there is none, and a *psa.PreconditionError otherwise.
func assignable(ctx context.Context, tx Tx, id psa.SecurityLevelID, apiUser bool) (SecurityLevel, error) {
	l, err := level(ctx, tx, id)
	if err != nil {
		return SecurityLevel{}, err
	}
	switch {
	case apiUser && !l.APIOnly:
		return SecurityLevel{}, &psa.PreconditionError{Kind: "security level", ID: strconv.Quote(l.Name), Rule: "is not API-only and cannot be assigned to an API user"}
	case !apiUser && l.APIOnly:
		return SecurityLevel{}, &psa.PreconditionError{Kind: "security level", ID: strconv.Quote(l.Name), Rule: "is API-only and cannot be assigned to a staff member"}
	}
	return l, nil
}

func (m Member) validate() error {
	var v psa.Validator
	v.Require("name", m.Name)
	if psa.IsNil(m.LevelID) {
		v.Add("levelId", "", "is required")
	}
	return v.Err("staff member")
}

// CreateMember stores a new staff member holding the level m.LevelID, which must exist and not be
// API-only (else a *psa.NotFoundError or *psa.PreconditionError). m.ID is kept when set (the
// host's staff IDs), else a new one is made. It returns the member as stored.
func (s *Service) CreateMember(ctx context.Context, m Member) (Member, error) {
	if err := m.validate(); err != nil {
		return Member{}, err
	}
	if psa.IsNil(m.ID) {
		id, err := psa.NewID[psa.StaffID](s.opts.IDs())
		if err != nil {
			return Member{}, err
		}
		m.ID = id
	}
	now := s.opts.Clock()
	m.CreatedAt, m.UpdatedAt, m.Version = now, now, 1
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		if _, err := assignable(ctx, tx, m.LevelID, false); err != nil {
			return err
		}
		return tx.CreateMember(ctx, m)
	})
	if err != nil {
		return Member{}, err
	}
	return m, nil
}

// UpdateMember stores m, read at m.Version (name, level, active flag), under the rules of
// CreateMember, and returns it as stored.
func (s *Service) UpdateMember(ctx context.Context, m Member) (Member, error) {
	if err := m.validate(); err != nil {
		return Member{}, err
	}
	now := s.opts.Clock()
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		stored, err := tx.GetMember(ctx, m.ID)
		if err != nil {
			return err
		}
		if _, err := assignable(ctx, tx, m.LevelID, false); err != nil {
			return err
		}
		m.CreatedAt, m.UpdatedAt = stored.CreatedAt, now
		return tx.UpdateMember(ctx, m)
	})
	if err != nil {
		return Member{}, err
	}
	m.Version++
	return m, nil
}

// Members returns every staff member in ascending ID order.
func (s *Service) Members(ctx context.Context) ([]Member, error) {
	return readAll(ctx, s.run, Tx.ListAllMembers)
}

// APIUsers returns every API user in ascending ID order.
func (s *Service) APIUsers(ctx context.Context) ([]APIUser, error) {
	return readAll(ctx, s.run, Tx.ListAllAPIUsers)
}

// readAll reads every page of a listing in a transaction of its own.
func readAll[T any](ctx context.Context, run psa.Runner[Tx], list func(Tx, context.Context, psa.PageRequest) (psa.Page[T], error)) ([]T, error) {
	var out []T
	err := run(ctx, func(ctx context.Context, tx Tx) (err error) {
		out, err = psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[T], error) { return list(tx, ctx, p) })
		return err
	})
	return out, err
}

// Member returns the staff member with id, or a *psa.NotFoundError.
func (s *Service) Member(ctx context.Context, id psa.StaffID) (Member, error) {
	return versioned.Get(ctx, s.run, Tx.GetMember, id)
}

// StaffPrincipal returns the principal of the staff member with id, holding their level. An
// unknown member is a *psa.NotFoundError, an inactive one a *PermissionError (ReasonInactive).
func (s *Service) StaffPrincipal(ctx context.Context, id psa.StaffID) (Principal, error) {
	var p Principal
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		m, err := tx.GetMember(ctx, id)
		if err != nil {
			return err
		}
		l, err := level(ctx, tx, m.LevelID)
		if err != nil {
			return err
		}
		p = Principal{Staff: id, Level: l}
		if !m.Active {
			return &PermissionError{Principal: p, Reason: ReasonInactive}
		}
		return nil
	})
	if err != nil {
		return Principal{}, err
	}
	return p, nil
}

// AuthorizeClient is Authorize for a resource of area belonging to the client with id, read from
// the store with the level of its account manager: when p is on the client's account team, the
// account manager's level counts too, provided the manager is an active staff member. An unknown
// client is a *psa.NotFoundError.
func (s *Service) AuthorizeClient(ctx context.Context, p Principal, act Action, area Area, id psa.ClientID) error {
	var r Resource
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		c, err := tx.GetClient(ctx, id)
		if err != nil {
			return err
		}
		r = On(area, c)
		if psa.IsNil(c.AccountManager) || p.IsAPIUser() || p.Staff == c.AccountManager || !c.MayAccess(p.Staff, true) {
			return nil
		}
		m, err := tx.GetMember(ctx, c.AccountManager)
		switch {
		case errors.Is(err, psa.ErrNotFound):
			return nil
		case err != nil:
			return err
		case !m.Active:
			return nil
		}
		l, err := level(ctx, tx, m.LevelID)
		if err != nil {
			return err
		}
		r.ManagerLevel = &l
		return nil
	})
	if err != nil {
		return err
	}
	return Authorize(p, act, r)
}

// NewAPIUser is what CreateAPIUser needs to make an API user.
type NewAPIUser struct {
	// Username is the login name; "" generates one ("api-" and 16 random characters). It is
	// stored normalized (NormalizeUsername).
	Username          string
	Name              string
	Email             string
	IntegrationVendor string
	// LevelID is the user's level, which must be API-only.
	LevelID psa.SecurityLevelID
}

// Credentials are an API user with its secret, returned once when the secret is made. The
// secret is not stored and cannot be shown again: the host shows it to the administrator once
// and then forgets it.
type Credentials struct {
	User   APIUser
	Secret string
}

// username returns a generated username: "api-" and 16 lower-case base32 characters (80 bits).
func (s *Service) username() (string, error) {
	b := make([]byte, 10)
	r := s.rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("psa: new API username: %w", err)
	}
	return "api-" + strings.ToLower(base32.StdEncoding.EncodeToString(b)), nil
}

// CreateAPIUser makes an active, unlocked API user with a new secret (seed 003: "Generate a
// Username and Secret") and returns it with the secret, which is shown only this once. A taken
// username is a *psa.AlreadyExistsError; a level that is not API-only a *psa.PreconditionError.
func (s *Service) CreateAPIUser(ctx context.Context, in NewAPIUser) (Credentials, error) {
	u := APIUser{
		Username: NormalizeUsername(in.Username), Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email),
		IntegrationVendor: strings.TrimSpace(in.IntegrationVendor), LevelID: in.LevelID, Active: true,
	}
	if strings.TrimSpace(in.Username) == "" {
		name, err := s.username()
		if err != nil {
			return Credentials{}, err
		}
		u.Username = name
	}
	if err := u.Validate(); err != nil {
		return Credentials{}, err
	}
	secret, hash, err := NewSecret(s.rand)
	if err != nil {
		return Credentials{}, err
	}
	id, err := psa.NewID[psa.APIUserID](s.opts.IDs())
	if err != nil {
		return Credentials{}, err
	}
	now := s.opts.Clock()
	u.ID, u.SecretHash, u.SecretSetAt, u.CreatedAt, u.UpdatedAt, u.Version = id, hash, now, now, now, 1
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		if _, err := assignable(ctx, tx, u.LevelID, true); err != nil {
			return err
		}
		return tx.CreateAPIUser(ctx, u)
	})
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{User: u, Secret: secret}, nil
}

// RotateSecret gives the API user with id, read at version, a new secret and returns it, shown
// only this once; the old secret stops working at once.
func (s *Service) RotateSecret(ctx context.Context, id psa.APIUserID, version int64) (Credentials, error) {
	secret, hash, err := NewSecret(s.rand)
	if err != nil {
		return Credentials{}, err
	}
	now := s.opts.Clock()
	var u APIUser
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		stored, err := tx.GetAPIUser(ctx, id)
		if err != nil {
			return err
		}
		u = stored
		u.Version = version
		u.SecretHash, u.SecretSetAt, u.UpdatedAt = hash, now, now
		return tx.UpdateAPIUser(ctx, u)
	})
	if err != nil {
		return Credentials{}, err
	}
	u.Version++
	return Credentials{User: u, Secret: secret}, nil
}

// UpdateAPIUser stores u, read at u.Version: its username, name, e-mail, vendor, level (which
// must be API-only) and the Active and Locked flags. The secret and the times stay as stored.
func (s *Service) UpdateAPIUser(ctx context.Context, u APIUser) (APIUser, error) {
	u.Username = NormalizeUsername(u.Username)
	u.Name, u.Email, u.IntegrationVendor = strings.TrimSpace(u.Name), strings.TrimSpace(u.Email), strings.TrimSpace(u.IntegrationVendor)
	if err := u.Validate(); err != nil {
		return APIUser{}, err
	}
	now := s.opts.Clock()
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		stored, err := tx.GetAPIUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if _, err := assignable(ctx, tx, u.LevelID, true); err != nil {
			return err
		}
		u.SecretHash, u.SecretSetAt, u.CreatedAt, u.UpdatedAt = stored.SecretHash, stored.SecretSetAt, stored.CreatedAt, now
		return tx.UpdateAPIUser(ctx, u)
	})
	if err != nil {
		return APIUser{}, err
	}
	u.Version++
	return u, nil
}

// APIUser returns the API user with id, or a *psa.NotFoundError.
func (s *Service) APIUser(ctx context.Context, id psa.APIUserID) (APIUser, error) {
	return versioned.Get(ctx, s.run, Tx.GetAPIUser, id)
}

// Authenticate checks an API login and returns the API user's principal. An unknown username and
// a wrong secret give the same *LoginError, after the same work (one hash and one constant-time
// comparison). Once the secret is right, an inactive or locked user is a *PermissionError
// (ReasonInactive, ReasonLocked), and so is a level that does not grant api:login.
func (s *Service) Authenticate(ctx context.Context, username, secret string) (Principal, error) {
	var (
		u     APIUser
		known bool
		l     SecurityLevel
	)
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		u, err = tx.FindAPIUserByUsername(ctx, NormalizeUsername(username))
		switch {
		case errors.Is(err, psa.ErrNotFound):
			known = false
			return nil
		case err != nil:
			return err
		}
		known = true
		l, err = level(ctx, tx, u.LevelID)
		return err
	})
	if err != nil {
		return Principal{}, err
	}
	if !known {
		verifyHash(unknownUserHash, secret)
		return Principal{}, &LoginError{Username: username}
	}
	if !u.VerifySecret(secret) {
		return Principal{}, &LoginError{Username: username}
	}
	p := Principal{APIUser: u.ID, Level: l}
	switch {
	case !u.Active:
		return Principal{}, &PermissionError{Principal: p, Area: AreaAPI, Action: ActionLogin, Reason: ReasonInactive}
	case u.Locked:
		return Principal{}, &PermissionError{Principal: p, Area: AreaAPI, Action: ActionLogin, Reason: ReasonLocked}
	}
	if err := Authorize(p, ActionLogin, Resource{Area: AreaAPI}); err != nil {
		return Principal{}, err
	}
	return p, nil
}
