package staff

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/psakit/psa"
)

// SecretBytes is how many random bytes an API user's secret carries: 256 bits.
const SecretBytes = 32

// APIUser is a non-human login for an integration (seed 003: "New API User"): a username and a
// secret, a security level that must be API-only, and the Active and Locked flags. The secret
// is shown once, when it is made (Service.CreateAPIUser, Service.RotateSecret); only its hash is
// stored.
type APIUser struct {
	ID psa.APIUserID `json:"id"`
	// Username is the login name, stored in lower case; unique.
	Username string `json:"username"`
	// Name is a display name ("Billing Sync").
	Name string `json:"name"`
	// Email is an actively monitored address for notifications about the user (seed 003).
	Email string `json:"email,omitempty"`
	// IntegrationVendor names the vendor of the integration that uses the login.
	IntegrationVendor string `json:"integrationVendor,omitempty"`
	// LevelID is the user's security level, which must be API-only.
	LevelID psa.SecurityLevelID `json:"levelId"`
	// Active is false for a user that may not log in; new users are active.
	Active bool `json:"active"`
	// Locked is true for a user that an administrator has locked out; new users are not locked.
	Locked bool `json:"locked"`
	// SecretHash is the lower-case hex SHA-256 of the secret's text. The secret itself is never
	// stored.
	SecretHash string `json:"secretHash"`
	// SecretSetAt is when the current secret was made.
	SecretSetAt time.Time `json:"secretSetAt"`

	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Version increases by one with every stored change; updates must name the version they read.
	Version int64 `json:"version"`
}

// NewSecret returns a new secret of SecretBytes random bytes read from r (crypto/rand.Reader when
// r is nil), as URL-safe base64 text without padding (43 characters), and its hash (HashSecret).
//
// A plain SHA-256 is the right hash for such a secret, unlike for a password: a slow,
// salted key-derivation function protects guessable secrets against a stolen hash, but 256 random
// bits cannot be guessed at any speed, and a salt adds nothing where no two secrets are alike.
func NewSecret(r io.Reader) (secret, hash string, err error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, SecretBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", "", fmt.Errorf("psa: new API secret: %w", err)
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret), nil
}

// HashSecret returns the lower-case hex SHA-256 of secret's text, as APIUser.SecretHash holds it.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// VerifySecret reports whether secret is u's current secret. It compares hashes in constant time,
// and is false for a user without a secret.
func (u APIUser) VerifySecret(secret string) bool {
	return verifyHash(u.SecretHash, secret)
}

// unknownUserHash is compared against when the username is unknown, so that a login with an
// unknown username takes as long as one with a wrong secret.
var unknownUserHash = HashSecret("psa: no such API user")

func verifyHash(stored, secret string) bool {
	got := HashSecret(secret)
	ok := subtle.ConstantTimeCompare([]byte(got), []byte(stored)) == 1
	return ok && stored != ""
}

// NormalizeUsername returns username as stored and looked up: without surrounding white space,
// in lower case.
func NormalizeUsername(username string) string {
	return strings.ToLower(strings.TrimSpace(username))
}

// Validate reports every broken rule of u's own fields: a username of 1 to MaxNameLength code
// points without white space or control characters, already normalized (NormalizeUsername); a
// name; a bare e-mail address when one is given; a level.
func (u APIUser) Validate() error {
	var v psa.Validator
	v.Require("username", u.Username)
	if u.Username != NormalizeUsername(u.Username) {
		v.Add("username", u.Username, "must be in lower case without surrounding white space")
	}
	if utf8.RuneCountInString(u.Username) > MaxNameLength {
		v.Add("username", u.Username, "is longer than "+itoa(MaxNameLength)+" characters")
	}
	if strings.IndexFunc(u.Username, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		v.Add("username", u.Username, "must not contain white space or control characters")
	}
	v.Require("name", u.Name)
	v.Email("email", u.Email, false)
	if psa.IsNil(u.LevelID) {
		v.Add("levelId", "", "is required")
	}
	return v.Err("API user")
}

// LoginError reports a failed API login: an unknown username or a wrong secret, which it does not
// tell apart, so that a caller learns no usernames. It unwraps to psa.ErrForbidden and never
// carries the secret.
type LoginError struct {
	// Username is the username as given.
	Username string
}

// Error names the username, never the secret.
func (e *LoginError) Error() string {
	return fmt.Sprintf("psa: API login as %q failed: unknown username or wrong secret", e.Username)
}

// Unwrap returns psa.ErrForbidden.
func (e *LoginError) Unwrap() error { return psa.ErrForbidden }
