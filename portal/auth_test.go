package portal_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// invited returns a world with one contact invited to the portal, and the invitation's token.
func invited(t *testing.T) (*world, client.Contact, string) {
	w := newWorld(t)
	c := w.newClient("Acme", psa.ClientID{})
	ct := w.newContact(c, "Ann", "Ann@Acme.example")
	a, err := w.portal.Enable(w.ctx, ct.ID, portal.Access{Invite: true})
	require.NoError(t, err)
	require.Equal(t, "ann@acme.example", a.Username, "the username defaults to the e-mail address, in lower case")
	n := w.mail.last(t)
	require.Equal(t, portal.NotifyInvitation, n.Kind)
	require.Equal(t, t0.Add(24*time.Hour), n.ExpiresAt)
	return w, ct, n.Token
}

func wantTokenProblem(t *testing.T, err error, want portal.TokenProblem) {
	t.Helper()
	te, ok := errors.AsType[*portal.TokenError](err)
	require.True(t, ok, "want a *portal.TokenError (%s), got %v", want, err)
	require.Equal(t, want, te.Problem)
	require.ErrorIs(t, err, psa.ErrForbidden)
}

// TestTokenLifecycle checks every way a create-password or reset link can be refused, and that
// a refused link changes nothing: no password is set, and a link refused for a bad password
// still works.
func TestTokenLifecycle(t *testing.T) {
	accept := func(w *world, token string) error {
		_, err := w.portal.AcceptInvitation(w.ctx, token, password, password)
		return err
	}
	for _, tc := range []struct {
		name string
		// act does something to the world and returns the token to try and how to use it.
		act func(t *testing.T, w *world, ct client.Contact, token string) (string, func(w *world, token string) error)
		// problem is the refusal expected, "" for success.
		problem portal.TokenProblem
	}{
		{"fresh invitation", func(_ *testing.T, _ *world, _ client.Contact, tok string) (string, func(*world, string) error) {
			return tok, accept
		}, ""},
		{"a moment before expiry", func(_ *testing.T, w *world, _ client.Contact, tok string) (string, func(*world, string) error) {
			w.clock.advance(24*time.Hour - time.Nanosecond)
			return tok, accept
		}, ""},
		{"expired after 24 hours", func(_ *testing.T, w *world, _ client.Contact, tok string) (string, func(*world, string) error) {
			w.clock.advance(24 * time.Hour)
			return tok, accept
		}, portal.TokenExpired},
		{"used once already", func(t *testing.T, w *world, _ client.Contact, tok string) (string, func(*world, string) error) {
			require.NoError(t, accept(w, tok))
			return tok, accept
		}, portal.TokenUsed},
		{"revoked by a newer invitation", func(t *testing.T, w *world, ct client.Contact, tok string) (string, func(*world, string) error) {
			inv, err := w.portal.Invite(w.ctx, ct.ID)
			require.NoError(t, err)
			require.NotEqual(t, tok, inv.Token)
			return tok, accept
		}, portal.TokenRevoked},
		{"revoked by disabling access", func(t *testing.T, w *world, ct client.Contact, tok string) (string, func(*world, string) error) {
			_, err := w.portal.Disable(w.ctx, ct.ID)
			require.NoError(t, err)
			return tok, accept
		}, portal.TokenRevoked},
		{"invitation used as a reset link", func(_ *testing.T, _ *world, _ client.Contact, tok string) (string, func(*world, string) error) {
			return tok, func(w *world, token string) error {
				_, err := w.portal.ResetPassword(w.ctx, token, password, password)
				return err
			}
		}, portal.TokenWrongUse},
		{"unknown token", func(_ *testing.T, _ *world, _ client.Contact, _ string) (string, func(*world, string) error) {
			return base64.RawURLEncoding.EncodeToString(make([]byte, 32)), accept
		}, portal.TokenUnknown},
		{"token with a character changed", func(_ *testing.T, _ *world, _ client.Contact, tok string) (string, func(*world, string) error) {
			b := []byte(tok)
			b[5] ^= 1
			return string(b), accept
		}, portal.TokenUnknown},
		{"malformed token", func(_ *testing.T, _ *world, _ client.Contact, _ string) (string, func(*world, string) error) {
			return "not-a-token", accept
		}, portal.TokenMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ct, tok := invited(t)
			try, use := tc.act(t, w, ct, tok)
			hadPassword := w.hasPassword(ct.ID)
			err := use(w, try)
			if tc.problem == "" {
				require.NoError(t, err)
				_, err := w.portal.Login(w.ctx, "ANN@acme.example ", password)
				require.NoError(t, err, "log in with the new password")
				return
			}
			wantTokenProblem(t, err, tc.problem)
			require.NotContains(t, err.Error(), try, "the error carries the token")
			require.Equal(t, hadPassword, w.hasPassword(ct.ID), "a refused token changed the password")
		})
	}
}

func (w *world) hasPassword(ct psa.ContactID) bool {
	w.t.Helper()
	a, err := w.portal.Account(w.ctx, ct)
	require.NoError(w.t, err)
	require.Empty(w.t, a.PasswordHash, "Account returns the password hash")
	return a.HasPassword()
}

func TestSetPasswordChecksPolicy(t *testing.T) {
	w, ct, tok := invited(t)
	_, err := w.portal.PutSettings(w.ctx, portal.Settings{Policy: portal.Policy{MinLength: 10, RequireDigit: true, RequireUpper: true}})
	require.NoError(t, err)

	_, err = w.portal.AcceptInvitation(w.ctx, tok, "short", "short")
	pe, ok := errors.AsType[*portal.PolicyError](err)
	require.True(t, ok, "got %v", err)
	diff(t, []portal.Rule{portal.RuleMinLength, portal.RuleUpper, portal.RuleDigit}, pe.Rules(), "broken rules")
	require.False(t, w.hasPassword(ct.ID))

	_, err = w.portal.AcceptInvitation(w.ctx, tok, "Tr0ub4dor&3x", "Tr0ub4dor&3y")
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "got %v", err)
	require.Equal(t, "confirm", ve.Fields[0].Field)
	require.NotContains(t, err.Error(), "Tr0ub4dor")

	p, err := w.portal.AcceptInvitation(w.ctx, tok, "Tr0ub4dor&3x", "Tr0ub4dor&3x")
	require.NoError(t, err, "the token survives refused passwords")
	require.Equal(t, ct.ID, p.ContactID)
	require.Equal(t, portal.ExternalUser().ID, p.Role.ID)
}

func TestLogin(t *testing.T) {
	w, ct, tok := invited(t)
	_, err := w.portal.AcceptInvitation(w.ctx, tok, password, password)
	require.NoError(t, err)

	unknown, err1 := w.portal.Login(w.ctx, "nobody@acme.example", password)
	wrong, err2 := w.portal.Login(w.ctx, "ann@acme.example", "wrong password here")
	require.Equal(t, portal.Principal{}, unknown)
	require.Equal(t, portal.Principal{}, wrong)
	for _, err := range []error{err1, err2} {
		_, ok := errors.AsType[*portal.LoginError](err)
		require.True(t, ok, "got %v", err)
		require.ErrorIs(t, err, psa.ErrForbidden)
	}
	require.Equal(t, err1.Error(), strings.Replace(err2.Error(), "ann@acme.example", "nobody@acme.example", 1),
		"an unknown user and a wrong password must read alike")

	p, err := w.portal.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err)
	require.Equal(t, ct.ID, p.ContactID)
	require.Equal(t, "Ann Tester", p.Name)
	require.Equal(t, portal.PageDashboard, p.LandingPage)
}

func TestLockout(t *testing.T) {
	w, ct, tok := invited(t)
	_, err := w.portal.AcceptInvitation(w.ctx, tok, password, password)
	require.NoError(t, err)
	_, err = w.portal.PutSettings(w.ctx, portal.Settings{MaxFailedLogins: 3, Lockout: 10 * time.Minute})
	require.NoError(t, err)

	sent := w.mail.count()
	for i := range 3 {
		_, err := w.portal.Login(w.ctx, "ann@acme.example", "not the password")
		_, ok := errors.AsType[*portal.LoginError](err)
		require.True(t, ok, "attempt %d: %v", i+1, err)
	}
	require.Equal(t, sent+1, w.mail.count(), "the lockout is notified once")
	notice := w.mail.last(t)
	require.Equal(t, portal.NotifyLocked, notice.Kind)
	require.Equal(t, "ann@acme.example", notice.Username)
	require.Empty(t, notice.Token)
	require.Equal(t, t0.Add(10*time.Minute), notice.ExpiresAt, "the notice says when the lockout ends")
	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	_, ok := errors.AsType[*portal.LoginError](err)
	require.True(t, ok, "the right password while locked reads like a wrong one: %v", err)
	require.ErrorIs(t, err, psa.ErrForbidden)
	w.clock.advance(10*time.Minute - time.Nanosecond)
	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	require.Error(t, err, "still locked a moment before the end")
	w.clock.advance(time.Nanosecond)

	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err, "the lockout is over")

	// Two failures, a success, two failures: the count restarts after a success.
	for range 2 {
		_, err := w.portal.Login(w.ctx, "ann@acme.example", "nope nope nope")
		require.Error(t, err)
	}
	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err)
	for range 2 {
		_, err := w.portal.Login(w.ctx, "ann@acme.example", "nope nope nope")
		require.Error(t, err)
	}
	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err)

	// A reset link ends a lockout.
	for range 3 {
		_, _ = w.portal.Login(w.ctx, "ann@acme.example", "nope nope nope")
	}
	require.NoError(t, w.portal.RequestPasswordReset(w.ctx, "ann@acme.example"))
	reset := w.mail.last(t)
	require.Equal(t, portal.NotifyReset, reset.Kind)
	require.Equal(t, w.clock.Now().Add(time.Hour), reset.ExpiresAt)
	_, err = w.portal.ResetPassword(w.ctx, reset.Token, "a brand new passphrase", "a brand new passphrase")
	require.NoError(t, err)
	_, err = w.portal.Login(w.ctx, "ann@acme.example", "a brand new passphrase")
	require.NoError(t, err)
	_ = ct
}

func TestResetLinks(t *testing.T) {
	w, _, tok := invited(t)
	_, err := w.portal.AcceptInvitation(w.ctx, tok, password, password)
	require.NoError(t, err)

	sent := w.mail.count()
	require.NoError(t, w.portal.RequestPasswordReset(w.ctx, "nobody@acme.example"), "an unknown user is not revealed")
	require.Equal(t, sent, w.mail.count(), "nothing is sent for an unknown user")

	require.NoError(t, w.portal.RequestPasswordReset(w.ctx, "ann@acme.example"))
	first := w.mail.last(t).Token
	require.NoError(t, w.portal.RequestPasswordReset(w.ctx, "ann@acme.example"))
	second := w.mail.last(t).Token
	_, err = w.portal.ResetPassword(w.ctx, first, "a brand new passphrase", "a brand new passphrase")
	wantTokenProblem(t, err, portal.TokenRevoked)

	w.clock.advance(time.Hour)
	_, err = w.portal.ResetPassword(w.ctx, second, "a brand new passphrase", "a brand new passphrase")
	wantTokenProblem(t, err, portal.TokenExpired)
	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err, "the old password still works after refused resets")

	noMail, err := portal.NewService(w.run, nil)
	require.NoError(t, err)
	require.ErrorIs(t, noMail.RequestPasswordReset(w.ctx, "ann@acme.example"), psa.ErrPrecondition)
}

func TestChangePassword(t *testing.T) {
	w, ct, tok := invited(t)
	p, err := w.portal.AcceptInvitation(w.ctx, tok, password, password)
	require.NoError(t, err)
	const next = "another good passphrase"

	err = w.portal.ChangePassword(w.ctx, p.AccountID, "wrong old password", next, next)
	_, ok := errors.AsType[*portal.WrongPasswordError](err)
	require.True(t, ok, "got %v", err)
	require.ErrorIs(t, err, psa.ErrForbidden)

	err = w.portal.ChangePassword(w.ctx, p.AccountID, password, next, next+"!")
	require.ErrorIs(t, err, psa.ErrInvalid)
	err = w.portal.ChangePassword(w.ctx, p.AccountID, password, "letmein", "letmein")
	_, ok = errors.AsType[*portal.PolicyError](err)
	require.True(t, ok, "got %v", err)
	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err, "refused changes leave the password")

	require.NoError(t, w.portal.ChangePassword(w.ctx, p.AccountID, password, next, next))
	_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
	require.Error(t, err)
	_, err = w.portal.Login(w.ctx, "ann@acme.example", next)
	require.NoError(t, err)
	_ = ct
}

// TestAccessRefused checks the users who may not use the portal: they are told so only after
// giving the right password, and their calls are refused.
func TestAccessRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		cut  func(t *testing.T, w *world, c client.Client, ct client.Contact)
	}{
		{"access disabled", func(t *testing.T, w *world, _ client.Client, ct client.Contact) {
			_, err := w.portal.Disable(w.ctx, ct.ID)
			require.NoError(t, err)
		}},
		{"contact inactive", func(t *testing.T, w *world, _ client.Client, ct client.Contact) {
			_, err := w.clients.SetContactActive(w.ctx, ct.ID, ct.Version, false)
			require.NoError(t, err)
		}},
		{"portal disabled for the client", func(t *testing.T, w *world, c client.Client, _ client.Contact) {
			c, err := w.clients.Get(w.ctx, c.ID)
			require.NoError(t, err)
			set := c.Settings
			set.PortalDisabled = true
			_, err = w.clients.SetSettings(w.ctx, c.ID, c.Version, set)
			require.NoError(t, err)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			c := w.newClient("Acme", psa.ClientID{})
			ct := w.newContact(c, "Ann", "ann@acme.example")
			p := w.user(ct, portal.ExternalManager().ID, false)
			tc.cut(t, w, c, ct)

			_, err := w.portal.Login(w.ctx, "ann@acme.example", "not the password")
			_, ok := errors.AsType[*portal.LoginError](err)
			require.True(t, ok, "a wrong password must not reveal the state of access: %v", err)
			_, err = w.portal.Login(w.ctx, "ann@acme.example", password)
			_, ok = errors.AsType[*portal.AccessError](err)
			require.True(t, ok, "got %v", err)
			require.ErrorIs(t, err, psa.ErrForbidden)

			for name, call := range map[string]func() error{
				"Principal": func() error { _, err := w.portal.Principal(w.ctx, p.AccountID); return err },
				"Tickets":   func() error { _, err := w.portal.Tickets(w.ctx, p.AccountID, portal.Visible); return err },
				"Invoices":  func() error { _, err := w.portal.Invoices(w.ctx, p.AccountID); return err },
				"Messages":  func() error { _, err := w.portal.Messages(w.ctx, p.AccountID, portal.FolderInbox); return err },
				"OpenTicket": func() error {
					_, err := w.portal.OpenTicket(w.ctx, p.AccountID, portal.NewTicket{Fields: fieldsTitled("x")})
					return err
				},
			} {
				_, ok := errors.AsType[*portal.AccessError](call())
				require.True(t, ok, "%s was not refused", name)
			}
		})
	}
}

// TestRehashOnLogin checks that raising the hasher's cost re-hashes a password at the next
// successful login, and that the old hash keeps working until then.
func TestRehashOnLogin(t *testing.T) {
	w, ct, tok := invited(t)
	_, err := w.portal.AcceptInvitation(w.ctx, tok, password, password)
	require.NoError(t, err)
	stored := func() string {
		var enc string
		w.inTx(func(ctx context.Context, tx portal.Tx) error {
			a, err := tx.FindAccountByContact(ctx, ct.ID)
			enc = a.PasswordHash
			return err
		})
		return enc
	}
	require.True(t, strings.HasPrefix(stored(), "$pbkdf2-sha256$i=1000$"))

	stronger, err := portal.NewPBKDF2(3000, nil)
	require.NoError(t, err)
	raised := w.service(portal.Options{Hasher: stronger})
	_, err = raised.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(stored(), "$pbkdf2-sha256$i=3000$"), stored())
	_, err = raised.Login(w.ctx, "ann@acme.example", password)
	require.NoError(t, err)
}

func TestBatchEnable(t *testing.T) {
	w := newWorld(t)
	c := w.newClient("Acme", psa.ClientID{})
	a := w.newContact(c, "Ann", "Ann@acme.example")
	b := w.newContact(c, "Bob", "bob@acme.example")
	noMail, err := w.clients.AddContact(w.ctx, c.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Carl"}})
	require.NoError(t, err)

	_, err = w.portal.BatchEnable(w.ctx, []psa.ContactID{a.ID, noMail.ID, b.ID, a.ID}, portal.RoleID{}, true)
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "got %v", err)
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	diff(t, []string{"contacts[1]", "contacts[3]"}, fields, "refused contacts")
	with, err := w.portal.Contacts(w.ctx, c.ID, portal.WithAccess)
	require.NoError(t, err)
	require.Empty(t, with, "a refused batch enabled someone")
	require.Zero(t, w.mail.count(), "a refused batch sent mail")

	accounts, err := w.portal.BatchEnable(w.ctx, []psa.ContactID{a.ID, b.ID}, portal.ExternalManager().ID, true)
	require.NoError(t, err)
	diff(t, []string{"ann@acme.example", "bob@acme.example"}, ids(accounts, func(a portal.Account) string { return a.Username }), "usernames")
	require.Equal(t, 2, w.mail.count())
	require.Equal(t, portal.NotifyWelcome, w.mail.last(t).Kind)

	with, err = w.portal.Contacts(w.ctx, c.ID, portal.WithAccess)
	require.NoError(t, err)
	diff(t, []psa.ContactID{a.ID, b.ID}, ids(with, func(x portal.ContactAccess) psa.ContactID { return x.Contact.ID }), "contacts with access")
	without, err := w.portal.Contacts(w.ctx, c.ID, portal.WithoutAccess)
	require.NoError(t, err)
	diff(t, []psa.ContactID{noMail.ID}, ids(without, func(x portal.ContactAccess) psa.ContactID { return x.Contact.ID }), "contacts without access")

	d := w.newContact(c, "Dan", "dan@acme.example")
	_, err = w.portal.BatchEnable(w.ctx, []psa.ContactID{d.ID}, portal.RoleID{}, false)
	require.NoError(t, err)
	require.Equal(t, 2, w.mail.count(), "a batch without the welcome e-mail sent one")

	// A username is unique: another contact cannot take Ann's.
	_, err = w.portal.Enable(w.ctx, noMail.ID, portal.Access{Username: "ANN@acme.example"})
	require.ErrorIs(t, err, psa.ErrAlreadyExists)
}

func fieldsTitled(title string) servicedesk.Fields {
	return servicedesk.Fields{Title: title}
}
