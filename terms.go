package psa

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxNetDays is the longest payment term accepted.
const MaxNetDays = 365

// PaymentTerms say when an invoice is due: net N days after the invoice date, or on receipt (net
// 0). The zero value means "no terms given", which makes billing information incomplete.
type PaymentTerms struct {
	days int
	set  bool
}

// NetDays returns terms of net n days. n must be 0 (due on receipt) to MaxNetDays; otherwise the
// error is a *ValidationError naming n.
func NetDays(n int) (PaymentTerms, error) {
	if n < 0 || n > MaxNetDays {
		return PaymentTerms{}, Invalid("payment terms", "paymentTerms", strconv.Itoa(n), fmt.Sprintf("must be from 0 to %d days", MaxNetDays))
	}
	return PaymentTerms{days: n, set: true}, nil
}

// DueOnReceipt returns terms under which an invoice is due on its invoice date.
func DueOnReceipt() PaymentTerms { return PaymentTerms{set: true} }

// ParsePaymentTerms reads terms as written by String: "net 30" (also "net30", "NET 30") or "due on
// receipt", in any letter case, with surrounding white space. N is written in decimal digits only
// (no sign). Anything else is a *ValidationError naming s.
func ParsePaymentTerms(s string) (PaymentTerms, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	if norm == "due on receipt" {
		return DueOnReceipt(), nil
	}
	if rest, ok := strings.CutPrefix(norm, "net"); ok {
		digits := strings.TrimSpace(rest)
		n, err := strconv.Atoi(digits)
		if err == nil && strings.TrimLeft(digits, "0123456789") == "" {
			return NetDays(n)
		}
	}
	return PaymentTerms{}, Invalid("payment terms", "paymentTerms", s, `is not "net N" or "due on receipt"`)
}

// IsZero reports whether no terms were given.
func (t PaymentTerms) IsZero() bool { return !t.set }

// Days returns N of net N days (0 for due on receipt).
func (t PaymentTerms) Days() int { return t.days }

// DueDate returns the due date of an invoice dated invoiceDate: invoiceDate plus N days.
func (t PaymentTerms) DueDate(invoiceDate Date) Date { return invoiceDate.AddDays(t.days) }

// String returns "net N", "due on receipt", or "" for the zero value.
func (t PaymentTerms) String() string {
	switch {
	case !t.set:
		return ""
	case t.days == 0:
		return "due on receipt"
	default:
		return "net " + strconv.Itoa(t.days)
	}
}

// MarshalText returns the String form.
func (t PaymentTerms) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText parses the String form; empty text gives the zero value.
func (t *PaymentTerms) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = PaymentTerms{}
		return nil
	}
	p, err := ParsePaymentTerms(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}
