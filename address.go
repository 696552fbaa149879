package psa

import (
	"net/mail"
	"strings"

	"golang.org/x/text/language"
)

// Address is a postal address.
type Address struct {
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"` // state, province or county
	PostalCode string `json:"postalCode,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code such as "US" or "DE".
	Country string `json:"country,omitempty"`
}

// IsZero reports whether no field is set.
func (a Address) IsZero() bool { return a == Address{} }

// Validate reports every broken rule of a (line 1, city and a known country code are required) as
// a *ValidationError with fields named relative to the address.
func (a Address) Validate() error {
	var v Validator
	v.Require("line1", a.Line1)
	v.Require("city", a.City)
	v.Country("country", a.Country)
	return v.Err("address")
}

// Lines returns the non-empty lines of the address as printed on an invoice.
func (a Address) Lines() []string {
	city := strings.TrimSpace(strings.Join(nonEmpty(a.PostalCode, a.City), " "))
	if a.Region != "" {
		city = strings.TrimSpace(strings.Join(nonEmpty(city, a.Region), ", "))
	}
	return nonEmpty(a.Line1, a.Line2, city, a.Country)
}

func nonEmpty(s ...string) []string {
	out := make([]string, 0, len(s))
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Email records an error for field unless value is a bare e-mail address ("ann@example.com", not
// "Ann <ann@example.com>"). An empty value is an error only when required.
func (v *Validator) Email(field, value string, required bool) {
	if value == "" {
		if required {
			v.Add(field, value, "is required")
		}
		return
	}
	if !ValidEmail(value) {
		v.Add(field, value, "is not an e-mail address")
	}
}

// Country records an error for field unless value is an ISO 3166-1 alpha-2 country code, in
// upper case and current ("GB", not "UK" or "gb").
func (v *Validator) Country(field, value string) {
	if value == "" {
		v.Add(field, value, "is required")
		return
	}
	if r, err := language.ParseRegion(value); len(value) != 2 || err != nil || !r.IsCountry() || r.String() != value {
		v.Add(field, value, "is not an ISO 3166-1 alpha-2 country code")
	}
}

// ValidEmail reports whether s is a bare e-mail address with a local part and a dotted domain.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
