package portal_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
)

func TestPolicyCheck(t *testing.T) {
	strict := portal.Policy{MinLength: 10, MaxLength: 16, RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSpecial: true}
	for _, tc := range []struct {
		name     string
		policy   portal.Policy
		password string
		want     []portal.Rule
	}{
		{"default policy, long passphrase", portal.Policy{}, "correct horse battery staple", nil},
		{"default minimum is 12", portal.Policy{}, "Xy7!qwpLmn3", []portal.Rule{portal.RuleMinLength}},
		{"exactly 12 code points", portal.Policy{}, "zx8!kq2#vm4@", nil},
		{"length counts code points, not bytes", portal.Policy{}, "ääääääääääää", nil},
		{"default maximum is 128", portal.Policy{}, strings.Repeat("ab3", 43), []portal.Rule{portal.RuleMaxLength}},
		{"no class requirement by default", portal.Policy{}, "onlylowercaseletters", nil},
		{"common password", portal.Policy{}, "password", []portal.Rule{portal.RuleMinLength, portal.RuleBlocklist}},
		{"common password with digits and symbols around it", portal.Policy{}, "Password123456!", []portal.Rule{portal.RuleBlocklist}},
		{"common password in capitals", portal.Policy{}, "!!QWERTYUIOP!!", []portal.Rule{portal.RuleBlocklist}},
		{"common digit run", portal.Policy{}, "123456789012", []portal.Rule{portal.RuleBlocklist}},
		{"other digits are fine", portal.Policy{}, "493817265049", nil},
		{"a common word inside a passphrase is fine", portal.Policy{}, "my password is long enough", nil},
		{"blocklist off", portal.Policy{AllowCommon: true}, "Password123456!", nil},
		{"tenant's own word", portal.Policy{Blocked: []string{"Acme"}}, "2024acme2024!", []portal.Rule{portal.RuleBlocklist}},
		{"strict, all good", strict, "Tr0ub4dor&3x", nil},
		{"strict, every rule broken at once", strict, "        ", []portal.Rule{portal.RuleMinLength, portal.RuleUpper, portal.RuleLower, portal.RuleDigit}},
		{"strict, too long and no special", strict, "Zkxqwmpt1234567890", []portal.Rule{portal.RuleMaxLength, portal.RuleSpecial}},
		{"special means neither letter nor digit", strict, "Abcdefgh12 x", nil},
		{"non-ASCII letters are letters", strict, "Ünïcödé-pass1", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.policy.Check(tc.password)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			pe, ok := errors.AsType[*portal.PolicyError](err)
			require.True(t, ok, "want a *portal.PolicyError, got %v", err)
			require.ErrorIs(t, err, psa.ErrInvalid)
			diff(t, tc.want, pe.Rules(), "broken rules")
			require.True(t, strings.HasPrefix(err.Error(), "psa: "))
			if len(strings.TrimSpace(tc.password)) >= 12 {
				require.NotContains(t, err.Error(), tc.password, "the error quotes the password")
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy portal.Policy
		fields []string
	}{
		{"defaults", portal.Policy{}, nil},
		{"custom", portal.Policy{MinLength: 8, MaxLength: 64, Blocked: []string{"acme"}}, nil},
		{"minimum below 8", portal.Policy{MinLength: 6}, []string{"minLength"}},
		{"negative", portal.Policy{MinLength: -1, MaxLength: -1}, []string{"minLength", "maxLength"}},
		{"minimum above maximum", portal.Policy{MinLength: 40, MaxLength: 20}, []string{"maxLength"}},
		{"maximum too large", portal.Policy{MaxLength: 5000}, []string{"maxLength"}},
		{"empty blocked word", portal.Policy{Blocked: []string{"ok", " "}}, []string{"blocked[1]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.policy.Validate()
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok, "want a *psa.ValidationError, got %v", err)
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			diff(t, tc.fields, got, "fields")
		})
	}
}

func TestPBKDF2(t *testing.T) {
	h, err := portal.NewPBKDF2(2000, nil)
	require.NoError(t, err)
	enc, err := h.Hash("s3cret pass phrase")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(enc, "$pbkdf2-sha256$i=2000$"), enc)
	again, err := h.Hash("s3cret pass phrase")
	require.NoError(t, err)
	require.NotEqual(t, enc, again, "two hashes of one password share a salt")

	for _, tc := range []struct {
		name     string
		password string
		encoded  string
		ok       bool
		invalid  bool
	}{
		{"right password", "s3cret pass phrase", enc, true, false},
		{"wrong password", "s3cret pass phrasE", enc, false, false},
		{"empty password", "", enc, false, false},
		{"other algorithm", "x", "$argon2id$v=19$m=65536$abc$def", false, true},
		{"iterations missing", "x", "$pbkdf2-sha256$abc$def$ghi", false, true},
		{"iterations out of range", "x", "$pbkdf2-sha256$i=0$c2FsdA$a2V5", false, true},
		{"absurd iterations", "x", "$pbkdf2-sha256$i=999999999999$c2FsdA$a2V5", false, true},
		{"bad base64", "x", "$pbkdf2-sha256$i=10$!!$a2V5", false, true},
		{"empty", "x", "", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := h.Verify(tc.password, tc.encoded)
			if tc.invalid {
				require.ErrorIs(t, err, psa.ErrInvalid)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.ok, ok)
		})
	}

	stronger, err := portal.NewPBKDF2(4000, nil)
	require.NoError(t, err)
	require.True(t, stronger.NeedsRehash(enc), "a hash with fewer iterations needs a rehash")
	require.False(t, h.NeedsRehash(enc))
	ok, err := stronger.Verify("s3cret pass phrase", enc)
	require.NoError(t, err)
	require.True(t, ok, "a hash made with fewer iterations still verifies")

	_, err = portal.NewPBKDF2(-5, nil)
	require.ErrorIs(t, err, psa.ErrInvalid)
}

// TestDefaultHasher checks the production parameters: at least 600,000 iterations, carried in
// the encoding, and a hash that verifies. It is slow on purpose (about a second).
func TestDefaultHasher(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes at the production cost")
	}
	h, err := portal.NewPBKDF2(0, nil)
	require.NoError(t, err)
	require.GreaterOrEqual(t, h.Iterations(), 600_000)
	enc, err := h.Hash("correct horse battery staple")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(enc, "$pbkdf2-sha256$i=600000$"), enc)
	ok, err := h.Verify("correct horse battery staple", enc)
	require.NoError(t, err)
	require.True(t, ok)
}

// FuzzPolicyCheck checks the password policy on any input: Check never panics, either accepts or
// returns a *PolicyError wrapping psa.ErrInvalid that lists the broken rules in a fixed order
// without quoting the password, and the length rules agree with a count of code points.
func FuzzPolicyCheck(f *testing.F) {
	for _, s := range []string{"", "password", "correct horse battery staple", "Tr0ub4dor&3x", "ääääääääääää", "\xff\xfe", "  qwerty  ", strings.Repeat("x", 200)} {
		f.Add(s, 10, 16, true, false)
	}
	f.Fuzz(func(t *testing.T, password string, minLen, maxLen int, classes, allowCommon bool) {
		p := portal.Policy{MinLength: minLen, MaxLength: maxLen, RequireUpper: classes, RequireLower: classes, RequireDigit: classes,
			RequireSpecial: classes, AllowCommon: allowCommon}
		if p.Validate() != nil {
			p = portal.Policy{AllowCommon: allowCommon, RequireDigit: classes}
		}
		err := p.Check(password)
		lo, hi := p.Lengths()
		n := len([]rune(password))
		var rules []portal.Rule
		if err != nil {
			pe, ok := errors.AsType[*portal.PolicyError](err)
			if !ok || !errors.Is(err, psa.ErrInvalid) {
				t.Fatalf("Check(%q) = %v: not a *PolicyError wrapping psa.ErrInvalid", password, err)
			}
			rules = pe.Rules()
			if len(rules) == 0 {
				t.Fatalf("Check(%q): a policy error without broken rules", password)
			}
			if len(password) >= 12 && strings.Contains(err.Error(), password) {
				t.Fatalf("the error quotes the password: %v", err)
			}
		}
		if got, want := slices.Contains(rules, portal.RuleMinLength), n < lo; got != want {
			t.Fatalf("Check(%q) with %d code points, minimum %d: min-length broken %v", password, n, lo, got)
		}
		if got, want := slices.Contains(rules, portal.RuleMaxLength), n > hi; got != want {
			t.Fatalf("Check(%q) with %d code points, maximum %d: max-length broken %v", password, n, hi, got)
		}
	})
}
