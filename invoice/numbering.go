package invoice

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/psakit/psa"
)

// MaxSeqWidth is the largest n of a {SEQ:n} placeholder. Wider padding would exceed the 19 digits
// of the largest counter value without serving any numbering an MSP or its accounting software
// uses.
const MaxSeqWidth = 18

// Template is a parsed numbering template: literal text plus the placeholders
//
//	{YYYY}   the invoice date's year, four digits ("2026"; year 999 is "0999")
//	{YY}     the last two digits of that year ("26")
//	{MM}     the invoice date's month, two digits ("01" to "12")
//	{SEQ}    the counter, in as many digits as it has ("42")
//	{SEQ:n}  the counter zero-padded to at least n digits, n from 1 to MaxSeqWidth ("00042" for
//	         {SEQ:5}); padding never truncates: with {SEQ:6}, 999999 is followed by 1000000
//	{{ }}    a literal "{" or "}"
//
// A template contains exactly one {SEQ} or {SEQ:n}: the counter is what makes numbers unique.
// Placeholders are case-sensitive. Literal text is any printable text, spaces included; control
// and other non-printable characters (line breaks, tabs, zero-width characters) and invalid UTF-8
// are refused, since an invoice number is printed on one line and typed into other software.
//
// Templates are immutable values made by ParseTemplate or UnmarshalText. Two templates are equal
// (== and Equal) when their source texts are equal, and then they format every number alike; the
// source text is the only spelling of a template (the width of {SEQ:n} is written without leading
// zeros), so ParseTemplate(t.String()) == t. The zero Template is "no template": its String is
// "", it has no counter, and a Scheme holding it fails Validate.
type Template struct {
	src     string
	hasYear bool
}

// partKind is the kind of one piece of a template.
type partKind uint8

const (
	partLiteral partKind = iota // text, with {{ and }} already unescaped
	partYYYY
	partYY
	partMM
	partSeq // width 0 for {SEQ}, n for {SEQ:n}
)

// part is one piece of a parsed template.
type part struct {
	kind  partKind
	text  string // partLiteral: the literal text
	width int    // partSeq: the padding width, 0 for none
}

// scanTemplate splits s into parts, calling emit for each in order, and returns the reason s is
// not a template ("" when it is one). Adjacent literal pieces may be emitted separately.
func scanTemplate(s string, emit func(part)) (reason string) {
	if s == "" {
		return "is empty: a template needs at least {SEQ}"
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	seqs := 0
	start := 0 // start of the pending literal run
	flush := func(end int) {
		if end > start {
			emit(part{kind: partLiteral, text: s[start:end]})
		}
	}
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '{':
			if i+1 < len(s) && s[i+1] == '{' {
				flush(i + 1) // keep one "{"
				i += 2
				start = i
				continue
			}
			end := strings.IndexAny(s[i+1:], "{}")
			if end < 0 || s[i+1+end] == '{' {
				return fmt.Sprintf("has a %q at offset %d that is not closed (write {{ for a literal brace)", "{", i)
			}
			name := s[i+1 : i+1+end]
			p, why := placeholder(name)
			if why != "" {
				return why
			}
			if p.kind == partSeq {
				if seqs++; seqs > 1 {
					return fmt.Sprintf("has %q at offset %d, a second counter (a template contains exactly one {SEQ} or {SEQ:n})", "{"+name+"}", i)
				}
			}
			flush(i)
			emit(p)
			i += end + 2
			start = i
		case '}':
			if i+1 < len(s) && s[i+1] == '}' {
				flush(i + 1) // keep one "}"
				i += 2
				start = i
				continue
			}
			return fmt.Sprintf("has a lone %q at offset %d (write }} for a literal brace)", "}", i)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsGraphic(r) {
				return fmt.Sprintf("has the non-printable character %U at offset %d (an invoice number is one line of printable text)", r, i)
			}
			i += size
		}
	}
	flush(len(s))
	if seqs == 0 {
		return "has no counter: a template contains exactly one {SEQ} or {SEQ:n}"
	}
	return ""
}

// placeholder returns the part that "{"+name+"}" stands for, or why it is not a placeholder.
func placeholder(name string) (part, string) {
	switch name {
	case "YYYY":
		return part{kind: partYYYY}, ""
	case "YY":
		return part{kind: partYY}, ""
	case "MM":
		return part{kind: partMM}, ""
	case "SEQ":
		return part{kind: partSeq}, ""
	}
	if w, ok := strings.CutPrefix(name, "SEQ:"); ok {
		n, ok := seqWidth(w)
		if !ok {
			return part{}, fmt.Sprintf("has %q: the width of {SEQ:n} must be a whole number from 1 to %d without leading zeros", "{"+name+"}", MaxSeqWidth)
		}
		return part{kind: partSeq, width: n}, ""
	}
	return part{}, fmt.Sprintf("has an unknown placeholder %q (placeholders are {YYYY}, {YY}, {MM}, {SEQ} and {SEQ:n}; write {{ and }} for literal braces)", "{"+name+"}")
}

// seqWidth parses the n of {SEQ:n}: 1 to MaxSeqWidth, decimal digits, no sign, no leading zero.
func seqWidth(w string) (int, bool) {
	if len(w) == 0 || len(w) > 2 || w[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(w); i++ {
		c := w[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	return n, n <= MaxSeqWidth
}

// ParseTemplate parses a numbering template (see Template), for example "INV-{YYYY}-{SEQ:5}".
// It returns a *psa.ValidationError for object "numbering template", field "template" and value
// s, which unwraps to psa.ErrInvalid, when s is empty, is not valid UTF-8, contains a
// non-printable character, an unknown placeholder ("{DD}", "{seq}"), a "{" that is not closed, a lone "}", a
// {SEQ:n} whose width is not 1 to MaxSeqWidth ("{SEQ:0}", "{SEQ:x}", "{SEQ:19}", "{SEQ:05}"), or
// not exactly one {SEQ} or {SEQ:n}. The reason names the offending piece and its byte offset.
func ParseTemplate(s string) (Template, error) {
	hasYear := false
	reason := scanTemplate(s, func(p part) {
		if p.kind == partYYYY || p.kind == partYY {
			hasYear = true
		}
	})
	if reason != "" {
		return Template{}, psa.Invalid("numbering template", "template", s, reason)
	}
	return Template{src: s, hasYear: hasYear}, nil
}

// String returns the template's source text, as given to ParseTemplate; "" for the zero Template.
func (t Template) String() string { return t.src }

// IsZero reports whether t is the zero Template, which means "no template".
func (t Template) IsZero() bool { return t.src == "" }

// Equal reports whether t and u are the same template (the same source text). It is t == u, for
// go-cmp and readers who look for it.
func (t Template) Equal(u Template) bool { return t == u }

// HasYear reports whether t contains {YYYY} or {YY}, which a scheme resetting its counter yearly
// needs so that the numbers of different years differ.
func (t Template) HasYear() bool { return t.hasYear }

// Format returns the number that t gives the counter value seq on an invoice dated date:
// placeholders filled in (see Template), {{ and }} written as single braces. The counter is
// zero-padded to the width of {SEQ:n} and never truncated, so "{SEQ:6}" formats 999999 as
// "999999" and 1000000 as "1000000". A negative seq, which no valid scheme issues, is written
// with its minus sign before the padded digits ("-00042"). The zero Date, which no valid scheme
// issues for either, fills {YYYY}, {YY} and {MM} with zeros. The zero Template formats as "".
// Format does not fail.
func (t Template) Format(seq int64, date psa.Date) string {
	if t.src == "" {
		return ""
	}
	year, month, _ := date.Date()
	var b strings.Builder
	b.Grow(len(t.src) + 20)
	scanTemplate(t.src, func(p part) {
		switch p.kind {
		case partLiteral:
			b.WriteString(p.text)
		case partYYYY:
			writePadded(&b, uint64(year), 4)
		case partYY:
			writePadded(&b, uint64(year%100), 2)
		case partMM:
			writePadded(&b, uint64(month), 2)
		case partSeq:
			u := uint64(seq)
			if seq < 0 {
				b.WriteByte('-')
				u = -u // two's complement: exact for math.MinInt64 too
			}
			writePadded(&b, u, p.width)
		}
	})
	return b.String()
}

// writePadded writes u in decimal, left-padded with zeros to at least width digits.
func writePadded(b *strings.Builder, u uint64, width int) {
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], u, 10)
	for i := len(digits); i < width; i++ {
		b.WriteByte('0')
	}
	b.Write(digits)
}

// MarshalText implements encoding.TextMarshaler: the source text, so a Template is a JSON
// string ("INV-{YYYY}-{SEQ:5}"). The zero Template gives empty text.
func (t Template) MarshalText() ([]byte, error) { return []byte(t.src), nil }

// UnmarshalText implements encoding.TextUnmarshaler: it parses text with ParseTemplate, and sets
// the zero Template for empty text, so that the zero Template round-trips (a Scheme holding it
// then fails Validate). On error t is left unchanged and the *psa.ValidationError of
// ParseTemplate is returned.
func (t *Template) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*t = Template{}
		return nil
	}
	v, err := ParseTemplate(string(text))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Kind separates numbering sequences: invoices and credit notes have their own schemes, so each
// document type has its own gapless series.
type Kind string

// Numbering kinds.
const (
	// InvoiceNumbers numbers invoices.
	InvoiceNumbers Kind = "invoice"
	// CreditNoteNumbers numbers credit notes.
	CreditNoteNumbers Kind = "credit note"
)

// Valid reports whether k is InvoiceNumbers or CreditNoteNumbers.
func (k Kind) Valid() bool { return k == InvoiceNumbers || k == CreditNoteNumbers }

// Scheme is a numbering scheme: a template and its counter. Numbers are drawn with Issue inside
// the transaction that finalizes the invoice (or credit note), and the updated scheme is stored
// in that same transaction, so a rollback burns no number and the series stays gapless and unique.
//
// The counter belongs to the scheme: it survives template changes (SetTemplate) and only restarts
// when YearlyReset is set. Issue, SetNext, SetTemplate and Confirm change the scheme in memory
// only; they never touch Version, which the store maintains.
type Scheme struct {
	ID   psa.NumberingSchemeID `json:"id"`
	Kind Kind                  `json:"kind"`
	// Name is how the MSP refers to the scheme ("Invoices", "Credit notes").
	Name     string   `json:"name"`
	Template Template `json:"template"`
	// YearlyReset restarts the counter at 1 in each new year of the invoice date. The template
	// must then contain the year ({YYYY} or {YY}), so numbers of different years differ.
	YearlyReset bool `json:"yearlyReset,omitempty"`
	// Last is the last counter value issued (0 = none yet); the next number gets Last+1 (or 1
	// in a new year with YearlyReset).
	Last int64 `json:"last"`
	// LastYear is the latest invoice-date year a number was issued for (0 = none yet): the year of
	// Last. With YearlyReset it tells a new year (the counter restarts) from a closed one
	// (refused).
	LastYear int `json:"lastYear,omitempty"`
	// Confirmed records that the MSP has verified the settings, so that numbers agree with its
	// accounting software. Seed 000 asks for it before the first billing run creates invoices;
	// Issue refuses an unconfirmed scheme.
	Confirmed bool `json:"confirmed"`
	// Version increases by one with every stored change; updates must name the version they read.
	Version int64 `json:"version"`
}

// Validate checks the scheme's settings and returns a *psa.ValidationError for object "numbering
// scheme" (unwrapping to psa.ErrInvalid) listing every broken rule: name is required, kind must be
// InvoiceNumbers or CreditNoteNumbers, template is required and must contain the year when
// YearlyReset is set, last must not be negative and lastYear must be 0 to 9999.
func (s Scheme) Validate() error {
	var v psa.Validator
	v.Require("name", s.Name)
	if !s.Kind.Valid() {
		v.Add("kind", string(s.Kind), fmt.Sprintf("is not a numbering kind (%q or %q)", InvoiceNumbers, CreditNoteNumbers))
	}
	switch {
	case s.Template.IsZero():
		v.Add("template", "", "is required")
	case s.YearlyReset && !s.Template.HasYear():
		v.Add("template", s.Template.String(), yearNeeded)
	}
	if s.Last < 0 {
		v.Add("last", strconv.FormatInt(s.Last, 10), "must not be negative")
	}
	if s.LastYear < 0 || s.LastYear > 9999 {
		v.Add("lastYear", strconv.Itoa(s.LastYear), "must be 0 (none yet) or a year from 1 to 9999")
	}
	return v.Err("numbering scheme")
}

// yearNeeded is the reason a template without the year is refused for a yearly reset.
const yearNeeded = "needs the year ({YYYY} or {YY}) because the counter resets yearly; otherwise numbers of different years would repeat"

// next returns the counter value the next invoice dated date would get, or a reason (as a
// *psa.PreconditionError) it cannot get one. s is valid and date is not zero.
func (s Scheme) next(date psa.Date) (int64, error) {
	y := date.Year()
	if s.YearlyReset && s.LastYear != 0 {
		switch {
		case y > s.LastYear:
			return 1, nil
		case y < s.LastYear:
			return 0, s.precondition(fmt.Sprintf(
				"cannot number an invoice dated %s: the counter resets yearly and numbering has moved on to %d, so numbers of a closed year cannot be issued any more",
				date, s.LastYear))
		}
	}
	if s.Last == math.MaxInt64 {
		return 0, s.precondition(fmt.Sprintf("the counter is at its maximum %d; no further number can be issued", s.Last))
	}
	return s.Last + 1, nil
}

// precondition returns a *psa.PreconditionError about s.
func (s Scheme) precondition(rule string) error {
	return &psa.PreconditionError{Kind: "numbering scheme", ID: fmt.Sprintf("%q (%s)", s.Name, s.ID), Rule: rule}
}

// Preview returns the number the next invoice dated date would get, without issuing it: what
// Issue would return for a confirmed scheme. It is what the MSP checks before confirming. Preview
// returns "" when no number could be issued for date: the scheme fails Validate, date is the zero
// Date, date is in a closed year of a yearly-reset scheme, or the counter is exhausted.
func (s Scheme) Preview(date psa.Date) string {
	if date.IsZero() || s.Validate() != nil {
		return ""
	}
	n, err := s.next(date)
	if err != nil {
		return ""
	}
	return s.Template.Format(n, date)
}

// Confirm records that the MSP has verified the scheme's settings (template, next number), which
// Issue requires before the first number (seed 000). Confirming again has no further effect.
func (s *Scheme) Confirm() { s.Confirmed = true }

// SetNext makes n the next counter value issued, to align numbering with the MSP's accounting
// software: Last becomes n-1. n must be greater than Last, so no number is ever issued twice;
// otherwise SetNext returns a *psa.ValidationError for object "numbering scheme", field "next"
// and value n, naming Last, and s is unchanged. With YearlyReset, n continues the counter of
// LastYear: a first invoice dated in a later year still restarts at 1.
func (s *Scheme) SetNext(n int64) error {
	if n <= s.Last || n < 1 {
		last := max(s.Last, 0)
		return psa.Invalid("numbering scheme", "next", strconv.FormatInt(n, 10),
			fmt.Sprintf("must be greater than the last number issued, %d", last))
	}
	s.Last = n - 1
	return nil
}

// SetTemplate replaces the template and keeps the counter: the next number continues the series
// in the new format. It returns a *psa.ValidationError for object "numbering scheme" and field
// "template", leaving s unchanged, when t is the zero Template or when YearlyReset is set and t
// lacks the year.
func (s *Scheme) SetTemplate(t Template) error {
	switch {
	case t.IsZero():
		return psa.Invalid("numbering scheme", "template", "", "is required")
	case s.YearlyReset && !t.HasYear():
		return psa.Invalid("numbering scheme", "template", t.String(), yearNeeded)
	}
	s.Template = t
	return nil
}

// Issue draws the next number for an invoice dated date, increments the counter (Last) and records
// the date's year in LastYear (which never goes back: without YearlyReset a backdated invoice
// simply takes the next number). Call it inside the transaction that finalizes the invoice and store
// the scheme there too. With YearlyReset, the first invoice dated in a later year than LastYear
// restarts the counter at 1.
//
// On error s is unchanged. Issue returns
//   - a *psa.ValidationError (psa.ErrInvalid) when s fails Validate or date is the zero Date;
//   - an *UnconfirmedError (psa.ErrPrecondition) when the scheme is not confirmed;
//   - a *psa.PreconditionError (psa.ErrPrecondition) when YearlyReset is set and date is in an
//     earlier year than LastYear (the numbers of a closed year cannot be issued any more), or
//     when Last is math.MaxInt64 and the counter cannot go further.
func (s *Scheme) Issue(date psa.Date) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	if date.IsZero() {
		return "", psa.Invalid("invoice", "date", "", "is required to draw an invoice number")
	}
	if !s.Confirmed {
		return "", &UnconfirmedError{SchemeID: s.ID, Name: s.Name, Preview: s.Preview(date)}
	}
	n, err := s.next(date)
	if err != nil {
		return "", err
	}
	s.Last = n
	s.LastYear = max(s.LastYear, date.Year())
	return s.Template.Format(n, date), nil
}

// UnconfirmedError reports a number drawn from a scheme the MSP has not confirmed yet (seed 000:
// on the first billing run the invoice numbering settings must be verified, so that numbers agree
// with the accounting software). It unwraps to psa.ErrPrecondition.
type UnconfirmedError struct {
	SchemeID psa.NumberingSchemeID
	// Name is the scheme's name.
	Name string
	// Preview is the number the invoice would have got, for the MSP to check before confirming
	// ("" when none could be issued; see Scheme.Preview).
	Preview string
}

func (e *UnconfirmedError) Error() string {
	msg := fmt.Sprintf("psa: numbering scheme %q (%s): confirm the invoice numbering settings before the first finalization", e.Name, e.SchemeID)
	if e.Preview != "" {
		msg += fmt.Sprintf("; the next number would be %q", e.Preview)
	}
	return msg
}

// Unwrap returns psa.ErrPrecondition.
func (e *UnconfirmedError) Unwrap() error { return psa.ErrPrecondition }
