package portal

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/psakit/psa"
)

// Password policy defaults (NIST SP 800-63B: length over composition, and a blocklist).
const (
	DefaultMinLength = 12
	DefaultMaxLength = 128
	// MinMinLength and MaxMaxLength bound what a tenant may configure.
	MinMinLength = 8
	MaxMaxLength = 1024
)

// Policy is the tenant's password policy (seed 004: "the new password should meet the policy
// requirements set by the admin of your tenant"). The zero value is the default policy: 12 to
// 128 characters, no character-class requirement, the built-in blocklist on.
type Policy struct {
	// MinLength and MaxLength bound the length in Unicode code points; 0 means the default.
	MinLength int `json:"minLength,omitempty"`
	MaxLength int `json:"maxLength,omitempty"`
	// RequireUpper, RequireLower, RequireDigit and RequireSpecial ask for at least one upper-case
	// letter, lower-case letter, digit, and special character (neither a letter nor a digit).
	RequireUpper   bool `json:"requireUpper,omitempty"`
	RequireLower   bool `json:"requireLower,omitempty"`
	RequireDigit   bool `json:"requireDigit,omitempty"`
	RequireSpecial bool `json:"requireSpecial,omitempty"`
	// AllowCommon turns the built-in list of common passwords off.
	AllowCommon bool `json:"allowCommon,omitempty"`
	// Blocked are the tenant's own blocked words (its company name, product names), matched
	// like the built-in list.
	Blocked []string `json:"blocked,omitempty"`
}

// Lengths returns the effective minimum and maximum length.
func (p Policy) Lengths() (minLen, maxLen int) {
	minLen, maxLen = p.MinLength, p.MaxLength
	if minLen == 0 {
		minLen = DefaultMinLength
	}
	if maxLen == 0 {
		maxLen = DefaultMaxLength
	}
	return minLen, maxLen
}

// Validate reports every broken rule of the policy itself: lengths from MinMinLength to
// MaxMaxLength with the minimum not above the maximum, and no empty blocked word.
func (p Policy) Validate() error {
	var v psa.Validator
	minLen, maxLen := p.Lengths()
	if p.MinLength < 0 || minLen < MinMinLength || minLen > MaxMaxLength {
		v.Add("minLength", strconv.Itoa(p.MinLength), fmt.Sprintf("must be from %d to %d (0 for %d)", MinMinLength, MaxMaxLength, DefaultMinLength))
	}
	if p.MaxLength < 0 || maxLen < MinMinLength || maxLen > MaxMaxLength {
		v.Add("maxLength", strconv.Itoa(p.MaxLength), fmt.Sprintf("must be from %d to %d (0 for %d)", MinMinLength, MaxMaxLength, DefaultMaxLength))
	} else if minLen > maxLen {
		v.Add("maxLength", strconv.Itoa(maxLen), fmt.Sprintf("is below the minimum length %d", minLen))
	}
	for i, w := range p.Blocked {
		if strings.TrimSpace(w) == "" {
			v.Add(fmt.Sprintf("blocked[%d]", i), w, "must not be empty")
		}
	}
	return v.Err("password policy")
}

// Check returns a *PolicyError listing every rule password breaks, or nil. Lengths count
// Unicode code points; the blocklist matches case-insensitively after stripping leading and
// trailing characters that are not letters ("Password123!" is "password"), and also matches a
// listed entry exactly, ignoring case ("123456789012").
func (p Policy) Check(password string) error {
	var out []Violation
	add := func(r Rule, format string, args ...any) {
		out = append(out, Violation{Rule: r, Message: fmt.Sprintf(format, args...)})
	}
	n := utf8.RuneCountInString(password)
	minLen, maxLen := p.Lengths()
	if n < minLen {
		add(RuleMinLength, "is %d characters long, shorter than the minimum of %d", n, minLen)
	}
	if n > maxLen {
		add(RuleMaxLength, "is %d characters long, longer than the maximum of %d", n, maxLen)
	}
	var upper, lower, digit, special bool
	for _, r := range password {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case !unicode.IsLetter(r):
			special = true
		}
	}
	if p.RequireUpper && !upper {
		add(RuleUpper, "has no upper-case letter")
	}
	if p.RequireLower && !lower {
		add(RuleLower, "has no lower-case letter")
	}
	if p.RequireDigit && !digit {
		add(RuleDigit, "has no digit")
	}
	if p.RequireSpecial && !special {
		add(RuleSpecial, "has no special character (neither a letter nor a digit)")
	}
	if p.blocked(password) {
		add(RuleBlocklist, "is a common or blocked password")
	}
	if len(out) == 0 {
		return nil
	}
	return &PolicyError{Violations: out}
}

// blocked reports whether password is on the built-in list (unless AllowCommon) or the tenant's.
func (p Policy) blocked(password string) bool {
	raw, core := strings.ToLower(password), blockKey(password)
	match := func(w string) bool {
		lw := strings.ToLower(strings.TrimSpace(w))
		return lw == raw || (core != "" && blockKey(w) == core)
	}
	for _, w := range p.Blocked {
		if match(w) {
			return true
		}
	}
	if p.AllowCommon {
		return false
	}
	if commonPasswords[raw] || (core != "" && commonPasswords[core]) {
		return true
	}
	return false
}

// blockKey strips leading and trailing non-letters and lower-cases what remains.
func blockKey(s string) string {
	return strings.ToLower(strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }))
}

// commonPasswords is the built-in blocklist: the most common passwords of public breach
// corpora, in the form blockKey gives them, plus common all-digit and keyboard sequences of
// policy-conforming length as they are.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(commonList) {
		m[w] = true
	}
	return m
}()

const commonList = `
password passw passwort motdepasse contrasena qwerty qwertyuiop qwertyuiopasdfghjkl asdfghjkl
asdf zxcvbnm qwertz azerty abc abcd abcdef abcdefg abcdefgh abcdefghijkl iloveyou letmein
welcome admin administrator root login master monkey dragon football baseball basketball
soccer hockey superman batman trustno princess sunshine shadow michael jennifer hunter
charlie freedom whatever starwars pokemon computer internet secret changeme default
passpass pass test tester testing guest user qazwsx qazwsxedc zaq zaqxsw summer winter
spring autumn january february march april june july august september october november
december monday tuesday wednesday thursday friday saturday sunday lovely loveme flower
hello hellohello football killer jordan harley ranger buster thomas robert tigger
ginger pepper cookie chocolate cheese banana orange apple mustang corvette ferrari
mercedes porsche matrix hottie ninja naruto mynoob samsung google facebook linkedin
microsoft apple windows linux office company business manager support service helpdesk
portal client customer employee staff security secure access welcomeback newpassword
mypassword yourpassword onlyme iloveu blink whatsup nothing anything something everything
1234567890 123456789012 1234567890123 12345678901234 111111111111 000000000000
123123123123 121212121212 987654321098 qwerty123456 1q2w3e4r5t6y 1qaz2wsx3edc
`

// Hasher hashes passwords and verifies them against stored hashes.
type Hasher interface {
	// Hash returns an encoding of password that carries everything Verify needs (algorithm,
	// parameters, salt).
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded, comparing in constant time. A malformed
	// encoding is an error.
	Verify(password, encoded string) (bool, error)
	// NeedsRehash reports whether encoded was made with weaker parameters than the hasher's own,
	// so that a successful login re-hashes the password.
	NeedsRehash(encoded string) bool
}

// PBKDF2 parameters.
const (
	// DefaultIterations is the iteration count of the default hasher (OWASP's 2023 advice for
	// PBKDF2-HMAC-SHA256).
	DefaultIterations = 600_000
	// MaxIterations bounds the iteration count Verify accepts from a stored encoding, so that a
	// corrupt record cannot make a login run for minutes.
	MaxIterations = 100_000_000
	pbkdf2Prefix  = "$pbkdf2-sha256$"
	saltBytes     = 16
	keyBytes      = 32
)

// PBKDF2 is the default Hasher: PBKDF2-HMAC-SHA256 from the standard library with a random
// 16-byte salt and a 32-byte key, encoded as
//
//	$pbkdf2-sha256$i=<iterations>$<salt, base64>$<key, base64>
//
// so that the iteration count can be raised later: old hashes still verify, and NeedsRehash
// reports them.
type PBKDF2 struct {
	iterations int
	rand       io.Reader
}

// NewPBKDF2 returns a PBKDF2 hasher with iterations (0 means DefaultIterations) drawing salts
// from random (nil means crypto/rand). Tests use a low iteration count; production code should
// keep the default.
func NewPBKDF2(iterations int, random io.Reader) (*PBKDF2, error) {
	if iterations == 0 {
		iterations = DefaultIterations
	}
	if iterations < 1 || iterations > MaxIterations {
		return nil, psa.Invalid("password hasher", "iterations", strconv.Itoa(iterations), fmt.Sprintf("must be from 1 to %d", MaxIterations))
	}
	if random == nil {
		random = rand.Reader
	}
	return &PBKDF2{iterations: iterations, rand: random}, nil
}

// Iterations returns the hasher's iteration count.
func (h *PBKDF2) Iterations() int { return h.iterations }

// Hash implements Hasher.
func (h *PBKDF2) Hash(password string) (string, error) {
	salt := make([]byte, saltBytes)
	if _, err := io.ReadFull(h.rand, salt); err != nil {
		return "", fmt.Errorf("psa: password salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, h.iterations, keyBytes)
	if err != nil {
		return "", fmt.Errorf("psa: password hash: %w", err)
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("%si=%d$%s$%s", pbkdf2Prefix, h.iterations, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// parsePBKDF2 splits an encoding into its iteration count, salt and key.
func parsePBKDF2(encoded string) (iterations int, salt, key []byte, err error) {
	malformed := psa.Invalid("password hash", "encoding", "", "is not a "+strings.Trim(pbkdf2Prefix, "$")+" encoding")
	rest, ok := strings.CutPrefix(encoded, pbkdf2Prefix)
	if !ok {
		return 0, nil, nil, malformed
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "i=") {
		return 0, nil, nil, malformed
	}
	iterations, err = strconv.Atoi(parts[0][2:])
	if err != nil || iterations < 1 || iterations > MaxIterations {
		return 0, nil, nil, malformed
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[1]); err != nil || len(salt) == 0 {
		return 0, nil, nil, malformed
	}
	if key, err = b64.DecodeString(parts[2]); err != nil || len(key) == 0 {
		return 0, nil, nil, malformed
	}
	return iterations, salt, key, nil
}

// Verify implements Hasher, with the iteration count and salt the encoding carries.
func (h *PBKDF2) Verify(password, encoded string) (bool, error) {
	iterations, salt, key, err := parsePBKDF2(encoded)
	if err != nil {
		return false, err
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iterations, len(key))
	if err != nil {
		return false, fmt.Errorf("psa: password hash: %w", err)
	}
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash implements Hasher: true for an encoding with fewer iterations than h's, or one it
// cannot read.
func (h *PBKDF2) NeedsRehash(encoded string) bool {
	iterations, _, _, err := parsePBKDF2(encoded)
	return err != nil || iterations < h.iterations
}
