package portal_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
)

// The portal's security properties, one test each (the token lifecycle, lockout and access
// matrix tests elsewhere in this package check single use, expiry, lockout and cross-client
// access in detail; RELIABILITY.md lists them all).

// TestTokensAreRandomAndStoredOnlyAsHashes: every invitation token is 256 bits (32 bytes of
// base64url), no two of 500 are alike, and the store holds only its SHA-256: no stored token
// record contains the token.
func TestTokensAreRandomAndStoredOnlyAsHashes(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ct := w.newContact(acme, "Ann", "ann@acme.example")
	_, err := w.portal.Enable(w.ctx, ct.ID, portal.Access{RoleID: portal.ExternalUser().ID})
	require.NoError(t, err)
	seen := map[string]bool{}
	for range 500 {
		inv, err := w.portal.Invite(w.ctx, ct.ID)
		require.NoError(t, err)
		raw, err := base64.RawURLEncoding.DecodeString(inv.Token)
		require.NoError(t, err)
		require.Len(t, raw, 32, "256 random bits")
		require.False(t, seen[inv.Token], "a token repeats")
		seen[inv.Token] = true
	}
	var tokens []portal.Token
	w.inTx(func(ctx context.Context, tx portal.Tx) error {
		a, err := tx.FindAccountByContact(ctx, ct.ID)
		if err != nil {
			return err
		}
		tokens, err = tx.ListTokens(ctx, a.ID)
		return err
	})
	require.Len(t, tokens, 500)
	hashes := map[string]bool{}
	for _, tk := range tokens {
		hashes[tk.Hash] = true
		for tok := range seen {
			require.NotContains(t, tk.Hash, tok, "a stored record holds a token")
		}
	}
	for tok := range seen {
		sum := sha256.Sum256([]byte(tok))
		require.True(t, hashes[hex.EncodeToString(sum[:])], "each token is stored as its SHA-256")
	}
}

// TestPasswordsAreStoredOnlyHashed: the stored account holds the hasher's salted encoding, not
// the password, and two accounts with the same password get different encodings.
func TestPasswordsAreStoredOnlyHashed(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	a := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	b := w.user(w.newContact(acme, "Bob", "bob@acme.example"), portal.ExternalUser().ID, false)
	var encodings []string
	w.inTx(func(ctx context.Context, tx portal.Tx) error {
		for _, id := range []psa.PortalUserID{a.AccountID, b.AccountID} {
			acc, err := tx.GetAccount(ctx, id)
			if err != nil {
				return err
			}
			encodings = append(encodings, acc.PasswordHash)
		}
		return nil
	})
	for _, e := range encodings {
		require.True(t, strings.HasPrefix(e, "$pbkdf2-sha256$i="), e)
		require.NotContains(t, e, password)
	}
	require.NotEqual(t, encodings[0], encodings[1], "salted: equal passwords hash differently")
}

// countingHasher counts the password verifications, to show that an unknown user costs what a
// wrong password costs.
type countingHasher struct {
	portal.Hasher
	verifies int
}

func (h *countingHasher) Verify(password, encoded string) (bool, error) {
	h.verifies++
	return h.Hasher.Verify(password, encoded)
}

// TestNoUserEnumeration: logging in as an unknown user and with a wrong password give errors of
// the same type and message shape, and each verifies one password hash, so neither the answer
// nor the work done tells whether the username exists.
func TestNoUserEnumeration(t *testing.T) {
	w := newWorld(t)
	counting := &countingHasher{Hasher: w.hasher}
	svc := w.service(portal.Options{Hasher: counting})
	acme := w.newClient("Acme", psa.ClientID{})
	w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)

	counting.verifies = 0
	_, wrong := svc.Login(w.ctx, "ann@acme.example", "not the password at all")
	wrongWork := counting.verifies
	counting.verifies = 0
	_, unknown := svc.Login(w.ctx, "nobody@acme.example", "not the password at all")
	unknownWork := counting.verifies

	we, ok := errors.AsType[*portal.LoginError](wrong)
	require.True(t, ok, "%v", wrong)
	ue, ok := errors.AsType[*portal.LoginError](unknown)
	require.True(t, ok, "%v", unknown)
	require.Equal(t, strings.Replace(we.Error(), "ann@acme.example", "X", 1), strings.Replace(ue.Error(), "nobody@acme.example", "X", 1))
	require.ErrorIs(t, wrong, psa.ErrForbidden)
	require.Equal(t, 1, wrongWork)
	require.Equal(t, wrongWork, unknownWork, "an unknown user verifies a hash too")
}

// TestSecretsAreComparedInConstantTime checks the portal's source: secrets (password keys) are
// compared only with crypto/subtle, never with bytes.Equal or with == on a derived key; tokens are looked up by their SHA-256, which leaks nothing about the token.
func TestSecretsAreComparedInConstantTime(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	subtleCalls := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
					pkg, _ := sel.X.(*ast.Ident)
					switch {
					case pkg != nil && pkg.Name == "subtle" && sel.Sel.Name == "ConstantTimeCompare":
						subtleCalls++
					case pkg != nil && pkg.Name == "bytes" && sel.Sel.Name == "Equal":
						t.Errorf("%s: %s.%s compares bytes in variable time", fset.Position(x.Pos()), pkg.Name, sel.Sel.Name)
					}
				}
			case *ast.BinaryExpr:
				if x.Op == token.EQL || x.Op == token.NEQ {
					for _, side := range []ast.Expr{x.X, x.Y} {
						if id := secretName(side); id != "" {
							t.Errorf("%s: %s compared with %s", fset.Position(x.Pos()), id, x.Op)
						}
					}
				}
			}
			return true
		})
	}
	require.Positive(t, subtleCalls, "password keys are compared with subtle.ConstantTimeCompare")
}

// secretName returns the name of e when it names a derived key or a password hash's key bytes
// ("key", "got", "derived"), which must never be compared with == or !=; "" otherwise.
func secretName(e ast.Expr) string {
	id, ok := e.(*ast.Ident)
	if !ok {
		return ""
	}
	switch id.Name {
	case "key", "got", "derived":
		return id.Name
	}
	return ""
}
