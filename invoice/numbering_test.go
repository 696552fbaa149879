package invoice

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
)

// numDate is a test shorthand for psa.NewDate.
func numDate(y int, m time.Month, d int) psa.Date { return psa.NewDate(y, m, d) }

// mustTemplate parses s or fails the test.
func mustTemplate(t testing.TB, s string) Template {
	t.Helper()
	tpl, err := ParseTemplate(s)
	require.NoError(t, err, "ParseTemplate(%q)", s)
	return tpl
}

// numScheme returns a valid, confirmed scheme with template tpl.
func numScheme(t testing.TB, tpl string) Scheme {
	t.Helper()
	return Scheme{
		ID:        psa.NumberingSchemeID{UUID: uuid.MustParse("0195a6b0-0000-7000-8000-000000000001")},
		Kind:      InvoiceNumbers,
		Name:      "Invoices",
		Template:  mustTemplate(t, tpl),
		Confirmed: true,
	}
}

// requireFieldError checks that err is a *psa.ValidationError for object with exactly one field
// error on field with value, whose reason contains reason.
func requireFieldError(t *testing.T, err error, object, field, value, reason string) {
	t.Helper()
	require.ErrorIs(t, err, psa.ErrInvalid)
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "error %T is not a *psa.ValidationError: %v", err, err)
	require.Equal(t, object, ve.Object)
	require.Len(t, ve.Fields, 1, "fields: %v", ve.Fields)
	f := ve.Fields[0]
	require.Equal(t, field, f.Field)
	require.Equal(t, value, f.Value)
	require.Contains(t, f.Reason, reason)
	require.True(t, strings.HasPrefix(err.Error(), "psa: "), "message %q", err.Error())
}

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		hasYear  bool
		wantPart []part // merged literals
	}{
		{"seq only", "{SEQ}", false, []part{{kind: partSeq}}},
		{"padded seq", "{SEQ:5}", false, []part{{kind: partSeq, width: 5}}},
		{"widest padding", "{SEQ:18}", false, []part{{kind: partSeq, width: 18}}},
		{"width one", "{SEQ:1}", false, []part{{kind: partSeq, width: 1}}},
		{"prefix year and padded seq", "INV-{YYYY}-{SEQ:5}", true, []part{
			{kind: partLiteral, text: "INV-"}, {kind: partYYYY}, {kind: partLiteral, text: "-"}, {kind: partSeq, width: 5}}},
		{"short year and month", "{YY}{MM}-{SEQ}", true, []part{
			{kind: partYY}, {kind: partMM}, {kind: partLiteral, text: "-"}, {kind: partSeq}}},
		{"month without year", "{MM}/{SEQ:4}", false, []part{
			{kind: partMM}, {kind: partLiteral, text: "/"}, {kind: partSeq, width: 4}}},
		{"escaped braces around seq", "{{{SEQ}}}", false, []part{
			{kind: partLiteral, text: "{"}, {kind: partSeq}, {kind: partLiteral, text: "}"}}},
		{"escaped braces in text", "a{{b}}c-{SEQ}", false, []part{
			{kind: partLiteral, text: "a{b}c-"}, {kind: partSeq}}},
		{"escaped placeholder name is literal", "{{SEQ}}-{SEQ}", false, []part{
			{kind: partLiteral, text: "{SEQ}-"}, {kind: partSeq}}},
		{"spaces and slashes", "RE 2026/{SEQ:3}", false, []part{
			{kind: partLiteral, text: "RE 2026/"}, {kind: partSeq, width: 3}}},
		{"non-ASCII text", "Rechnung-№{SEQ}-ä", false, []part{
			{kind: partLiteral, text: "Rechnung-№"}, {kind: partSeq}, {kind: partLiteral, text: "-ä"}}},
		{"year twice", "{YYYY}{YY}-{SEQ}", true, []part{
			{kind: partYYYY}, {kind: partYY}, {kind: partLiteral, text: "-"}, {kind: partSeq}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := ParseTemplate(tt.src)
			require.NoError(t, err)
			require.Equal(t, tt.src, tpl.String())
			require.Equal(t, tt.hasYear, tpl.HasYear())
			require.False(t, tpl.IsZero())
			if diff := cmp.Diff(tt.wantPart, templateParts(tpl), cmp.AllowUnexported(part{})); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
		})
	}
}

// templateParts returns t's parts with adjacent literals merged.
func templateParts(t Template) []part {
	var ps []part
	scanTemplate(t.String(), func(p part) {
		if n := len(ps); n > 0 && p.kind == partLiteral && ps[n-1].kind == partLiteral {
			ps[n-1].text += p.text
			return
		}
		ps = append(ps, p)
	})
	return ps
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		reason string
	}{
		{"empty", "", "is empty"},
		{"no counter", "INV-{YYYY}", "has no counter"},
		{"only literal", "INV", "has no counter"},
		{"escaped counter is no counter", "{{SEQ}}", "has no counter"},
		{"two counters", "{SEQ}-{SEQ:3}", `has "{SEQ:3}" at offset 6, a second counter`},
		{"unknown placeholder", "INV-{DD}-{SEQ}", `unknown placeholder "{DD}"`},
		{"lower-case placeholder", "{seq}", `unknown placeholder "{seq}"`},
		{"empty placeholder", "{}{SEQ}", `unknown placeholder "{}"`},
		{"spaced placeholder", "{ SEQ }", `unknown placeholder "{ SEQ }"`},
		{"unclosed at end", "INV-{SEQ", `"{" at offset 4 that is not closed`},
		{"unclosed lone brace", "{SEQ}-{", `"{" at offset 6 that is not closed`},
		{"brace inside placeholder", "{SE{Q}", `"{" at offset 0 that is not closed`},
		{"lone closing brace", "INV}-{SEQ}", `lone "}" at offset 3`},
		{"closing brace after placeholder", "{SEQ}}", `lone "}" at offset 5`},
		{"zero width", "{SEQ:0}", `"{SEQ:0}": the width of {SEQ:n} must be a whole number from 1 to 18`},
		{"letter width", "{SEQ:x}", `"{SEQ:x}": the width`},
		{"empty width", "{SEQ:}", `"{SEQ:}": the width`},
		{"width too large", "{SEQ:19}", `"{SEQ:19}": the width`},
		{"width far too large", "{SEQ:99999999999999999999}", `"{SEQ:99999999999999999999}": the width`},
		{"negative width", "{SEQ:-5}", `"{SEQ:-5}": the width`},
		{"signed width", "{SEQ:+5}", `"{SEQ:+5}": the width`},
		{"leading zero width", "{SEQ:05}", `"{SEQ:05}": the width`},
		{"lower-case seq with width", "{seq:5}", `unknown placeholder "{seq:5}"`},
		{"newline", "INV\n{SEQ}", "non-printable character U+000A at offset 3"},
		{"tab", "\t{SEQ}", "non-printable character U+0009 at offset 0"},
		{"zero-width space", "A\u200b{SEQ}", "non-printable character U+200B at offset 1"},
		{"invalid UTF-8", "INV-\xff{SEQ}", "is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := ParseTemplate(tt.src)
			requireFieldError(t, err, "numbering template", "template", tt.src, tt.reason)
			require.True(t, tpl.IsZero(), "a failed parse returns the zero Template")
		})
	}
}

func TestTemplateFormat(t *testing.T) {
	d := numDate(2026, time.March, 9)
	tests := []struct {
		name string
		tpl  string
		seq  int64
		date psa.Date
		want string
	}{
		{"year and padded seq", "INV-{YYYY}-{SEQ:5}", 42, d, "INV-2026-00042"},
		{"short year and month", "{YY}{MM}-{SEQ}", 42, d, "2603-42"},
		{"December", "{YYYY}/{MM}/{SEQ}", 7, numDate(2026, time.December, 31), "2026/12/7"},
		{"escaped braces", "{{{SEQ}}}", 42, d, "{42}"},
		{"escaped braces in text", "a{{b}}-{SEQ}", 1, d, "a{b}-1"},
		{"unpadded seq", "{SEQ}", 1234567, d, "1234567"},
		{"width one", "{SEQ:1}", 0, d, "0"},
		{"padding exactly filled", "{SEQ:6}", 999999, d, "999999"},
		{"padding never truncates", "{SEQ:6}", 1000000, d, "1000000"},
		{"widest padding small number", "{SEQ:18}", 42, d, "000000000000000042"},
		{"widest padding large number", "{SEQ:18}", 123456789012345678, d, "123456789012345678"},
		{"widest padding largest counter", "{SEQ:18}", math.MaxInt64, d, "9223372036854775807"},
		{"year below 1000 is four digits", "{YYYY}-{YY}-{SEQ}", 1, numDate(999, time.January, 1), "0999-99-1"},
		{"first supported year", "{YYYY}{YY}{MM}{SEQ}", 1, numDate(1, time.January, 1), "000101011"},
		{"last supported year", "{YYYY}{YY}{MM}{SEQ}", 1, numDate(9999, time.December, 31), "99999912" + "1"},
		{"year 2000 short year", "{YY}-{SEQ:2}", 3, numDate(2000, time.July, 1), "00-03"},
		{"zero date gives zeros", "{YYYY}-{YY}-{MM}-{SEQ}", 1, psa.Date{}, "0000-00-00-1"},
		{"negative seq keeps the sign before the padding", "{SEQ:5}", -42, d, "-00042"},
		{"most negative seq", "{SEQ}", math.MinInt64, d, "-9223372036854775808"},
		{"non-ASCII literal", "№{SEQ:3}ä", 5, d, "№005ä"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustTemplate(t, tt.tpl).Format(tt.seq, tt.date)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Format(%d, %s) (-want +got):\n%s", tt.seq, tt.date, diff)
			}
		})
	}
	t.Run("zero template", func(t *testing.T) {
		require.Equal(t, "", Template{}.Format(1, d))
		require.False(t, Template{}.HasYear())
		require.Equal(t, "", Template{}.String())
	})
}

// genPiece is one piece of a randomly generated template: the source text it is written as and
// what it formats to for seqFor and dateFor.
type genPiece struct {
	src, out string
	year     bool
}

// TestTemplateRoundTrip is a property test: templates assembled from random pieces parse, print
// back as their source (ParseTemplate(t.String()) == t) and format as an independent reference
// formatter says.
func TestTemplateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 42))
	literals := []string{"INV", "-", "/", " ", "RE", "{", "}", "{{", "}}", "ä", "№", "2026", "SEQ", "x.y", ":"}
	for i := range 2000 {
		seq := rng.Int64N(1 << uint(rng.IntN(63)))
		date := numDate(1+rng.IntN(9999), time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
		year, month, _ := date.Date()
		var pieces []genPiece
		for range rng.IntN(6) {
			pieces = append(pieces, randomPiece(rng, literals, year, int(month)))
		}
		// Exactly one counter, at a random position.
		width := 0
		seqSrc := "{SEQ}"
		if rng.IntN(2) == 0 {
			width = 1 + rng.IntN(MaxSeqWidth)
			seqSrc = "{SEQ:" + strconv.Itoa(width) + "}"
		}
		digits := strconv.FormatInt(seq, 10)
		if pad := width - len(digits); pad > 0 {
			digits = strings.Repeat("0", pad) + digits
		}
		at := rng.IntN(len(pieces) + 1)
		pieces = append(pieces[:at], append([]genPiece{{src: seqSrc, out: digits}}, pieces[at:]...)...)

		var src, want strings.Builder
		hasYear := false
		for _, p := range pieces {
			src.WriteString(p.src)
			want.WriteString(p.out)
			hasYear = hasYear || p.year
		}
		tpl, err := ParseTemplate(src.String())
		require.NoError(t, err, "case %d: %q", i, src.String())
		require.Equal(t, src.String(), tpl.String(), "case %d", i)
		again, err := ParseTemplate(tpl.String())
		require.NoError(t, err, "case %d", i)
		require.True(t, again == tpl && again.Equal(tpl), "case %d: %q does not round-trip", i, tpl)
		require.Equal(t, hasYear, tpl.HasYear(), "case %d: %q", i, tpl)
		require.Equal(t, want.String(), tpl.Format(seq, date), "case %d: %q with %d on %s", i, tpl, seq, date)
	}
}

// randomPiece returns a random non-counter piece: a literal (escaped in the source) or a date
// placeholder, with its expected output for year and month.
func randomPiece(rng *rand.Rand, literals []string, year, month int) genPiece {
	switch rng.IntN(5) {
	case 0:
		return genPiece{src: "{YYYY}", out: strconv.Itoa(10000 + year)[1:], year: true}
	case 1:
		return genPiece{src: "{YY}", out: strconv.Itoa(100 + year%100)[1:], year: true}
	case 2:
		return genPiece{src: "{MM}", out: strconv.Itoa(100 + month)[1:]}
	}
	lit := literals[rng.IntN(len(literals))]
	esc := strings.NewReplacer("{", "{{", "}", "}}").Replace(lit)
	return genPiece{src: esc, out: lit}
}

func TestTemplateText(t *testing.T) {
	t.Run("round trip", func(t *testing.T) {
		tpl := mustTemplate(t, "INV-{YYYY}-{SEQ:5}")
		text, err := tpl.MarshalText()
		require.NoError(t, err)
		require.Equal(t, "INV-{YYYY}-{SEQ:5}", string(text))
		var got Template
		require.NoError(t, got.UnmarshalText(text))
		require.True(t, got.Equal(tpl))
	})
	t.Run("zero template is empty text", func(t *testing.T) {
		text, err := Template{}.MarshalText()
		require.NoError(t, err)
		require.Empty(t, text)
		got := mustTemplate(t, "{SEQ}")
		require.NoError(t, got.UnmarshalText(nil))
		require.True(t, got.IsZero())
	})
	t.Run("invalid text leaves the template unchanged", func(t *testing.T) {
		got := mustTemplate(t, "{SEQ}")
		err := got.UnmarshalText([]byte("{DD}"))
		requireFieldError(t, err, "numbering template", "template", "{DD}", `unknown placeholder "{DD}"`)
		require.Equal(t, "{SEQ}", got.String())
	})
	t.Run("scheme JSON", func(t *testing.T) {
		s := numScheme(t, "INV-{YYYY}-{SEQ:5}")
		s.YearlyReset, s.Last, s.LastYear, s.Version = true, 41, 2026, 3
		data, err := json.Marshal(s)
		require.NoError(t, err)
		require.Contains(t, string(data), `"template":"INV-{YYYY}-{SEQ:5}"`)
		var got Scheme
		require.NoError(t, json.Unmarshal(data, &got))
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("JSON round trip (-want +got):\n%s", diff)
		}
	})
	t.Run("scheme JSON with a bad template", func(t *testing.T) {
		var got Scheme
		err := json.Unmarshal([]byte(`{"template":"INV-{DD}"}`), &got)
		require.ErrorIs(t, err, psa.ErrInvalid)
	})
}

func TestKind(t *testing.T) {
	tests := []struct {
		name  string
		kind  Kind
		valid bool
		text  string
	}{
		{"invoices", InvoiceNumbers, true, "invoice"},
		{"credit notes", CreditNoteNumbers, true, "credit note"},
		{"empty", "", false, ""},
		{"unknown", "quote", false, "quote"},
		{"case matters", "Invoice", false, "Invoice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.valid, tt.kind.Valid())
			require.Equal(t, tt.text, string(tt.kind))
		})
	}
	t.Run("kinds have separate schemes", func(t *testing.T) {
		inv := numScheme(t, "INV-{SEQ}")
		cn := numScheme(t, "CN-{SEQ}")
		cn.Kind, cn.Name = CreditNoteNumbers, "Credit notes"
		require.NoError(t, cn.Validate())
		for range 3 {
			_, err := inv.Issue(numDate(2026, time.May, 1))
			require.NoError(t, err)
		}
		got, err := cn.Issue(numDate(2026, time.May, 1))
		require.NoError(t, err)
		require.Equal(t, "CN-1", got)
	})
}

func TestSchemeValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Scheme)
		want   []psa.FieldError // nil: valid
	}{
		{"valid", func(*Scheme) {}, nil},
		{"valid credit notes with yearly reset", func(s *Scheme) {
			s.Kind, s.YearlyReset, s.Last, s.LastYear = CreditNoteNumbers, true, 7, 2026
			s.Template = mustTemplate(t, "CN-{YY}-{SEQ}")
		}, nil},
		{"unconfirmed is valid", func(s *Scheme) { s.Confirmed = false }, nil},
		{"missing name", func(s *Scheme) { s.Name = " " }, []psa.FieldError{{Field: "name", Value: " ", Reason: "is required"}}},
		{"missing kind", func(s *Scheme) { s.Kind = "" }, []psa.FieldError{
			{Field: "kind", Reason: `is not a numbering kind ("invoice" or "credit note")`}}},
		{"unknown kind", func(s *Scheme) { s.Kind = "quote" }, []psa.FieldError{
			{Field: "kind", Value: "quote", Reason: `is not a numbering kind ("invoice" or "credit note")`}}},
		{"missing template", func(s *Scheme) { s.Template = Template{} }, []psa.FieldError{
			{Field: "template", Reason: "is required"}}},
		{"yearly reset without year", func(s *Scheme) { s.YearlyReset = true }, []psa.FieldError{
			{Field: "template", Value: "INV-{MM}-{SEQ:5}", Reason: yearNeeded}}},
		{"negative last", func(s *Scheme) { s.Last = -1 }, []psa.FieldError{
			{Field: "last", Value: "-1", Reason: "must not be negative"}}},
		{"last year out of range", func(s *Scheme) { s.LastYear = 10000 }, []psa.FieldError{
			{Field: "lastYear", Value: "10000", Reason: "must be 0 (none yet) or a year from 1 to 9999"}}},
		{"every rule at once", func(s *Scheme) { *s = Scheme{Kind: "x", Last: -5, LastYear: -1} }, []psa.FieldError{
			{Field: "name", Reason: "is required"},
			{Field: "kind", Value: "x", Reason: `is not a numbering kind ("invoice" or "credit note")`},
			{Field: "template", Reason: "is required"},
			{Field: "last", Value: "-5", Reason: "must not be negative"},
			{Field: "lastYear", Value: "-1", Reason: "must be 0 (none yet) or a year from 1 to 9999"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := numScheme(t, "INV-{MM}-{SEQ:5}")
			tt.change(&s)
			err := s.Validate()
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, psa.ErrInvalid)
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok)
			require.Equal(t, "numbering scheme", ve.Object)
			if diff := cmp.Diff(tt.want, ve.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIssueSequence(t *testing.T) {
	s := numScheme(t, "INV-{YYYY}-{SEQ:5}")
	var got []string
	for _, d := range []psa.Date{numDate(2026, time.January, 31), numDate(2026, time.February, 1), numDate(2026, time.February, 1)} {
		require.Equal(t, s.Preview(d), s.Preview(d), "Preview does not issue")
		preview := s.Preview(d)
		n, err := s.Issue(d)
		require.NoError(t, err)
		require.Equal(t, preview, n, "Preview tells the number Issue gives")
		got = append(got, n)
	}
	if diff := cmp.Diff([]string{"INV-2026-00001", "INV-2026-00002", "INV-2026-00003"}, got); diff != "" {
		t.Errorf("numbers (-want +got):\n%s", diff)
	}
	require.Equal(t, int64(3), s.Last)
	require.Equal(t, 2026, s.LastYear)
	require.Equal(t, int64(0), s.Version, "Issue leaves Version to the store")

	t.Run("without yearly reset the counter continues across years and backdating", func(t *testing.T) {
		s := numScheme(t, "{YYYY}-{SEQ}")
		var got []string
		for _, d := range []psa.Date{numDate(2026, time.December, 31), numDate(2027, time.January, 1), numDate(2026, time.December, 30)} {
			n, err := s.Issue(d)
			require.NoError(t, err)
			got = append(got, n)
		}
		if diff := cmp.Diff([]string{"2026-1", "2027-2", "2026-3"}, got); diff != "" {
			t.Errorf("numbers (-want +got):\n%s", diff)
		}
		require.Equal(t, 2027, s.LastYear, "LastYear never goes back")
	})
}

func TestSetNext(t *testing.T) {
	tests := []struct {
		name    string
		next    int64
		want    string // the next number issued; "" when SetNext is refused
		refusal string
	}{
		{"align with accounting software", 1000, "INV-01000", ""},
		{"just after the last", 43, "INV-00043", ""},
		{"largest counter", math.MaxInt64, "INV-9223372036854775807", ""},
		{"the last number again", 42, "", "must be greater than the last number issued, 42"},
		{"below the last", 7, "", "must be greater than the last number issued, 42"},
		{"zero", 0, "", "must be greater than the last number issued, 42"},
		{"negative", -1, "", "must be greater than the last number issued, 42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := numScheme(t, "INV-{SEQ:5}")
			require.NoError(t, s.SetNext(42))
			_, err := s.Issue(numDate(2026, time.May, 4))
			require.NoError(t, err)
			require.Equal(t, int64(42), s.Last)
			before := s

			err = s.SetNext(tt.next)
			if tt.refusal != "" {
				requireFieldError(t, err, "numbering scheme", "next", strconv.FormatInt(tt.next, 10), tt.refusal)
				if diff := cmp.Diff(before, s); diff != "" {
					t.Errorf("a refused SetNext changed the scheme (-before +after):\n%s", diff)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.next-1, s.Last)
			got, err := s.Issue(numDate(2026, time.May, 5))
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	t.Run("before the first number", func(t *testing.T) {
		s := numScheme(t, "{SEQ}")
		requireFieldError(t, s.SetNext(0), "numbering scheme", "next", "0", "must be greater than the last number issued, 0")
		require.NoError(t, s.SetNext(1))
		got, err := s.Issue(numDate(2026, time.May, 5))
		require.NoError(t, err)
		require.Equal(t, "1", got)
	})
	t.Run("with yearly reset the next number continues the current year", func(t *testing.T) {
		s := numScheme(t, "{YYYY}-{SEQ}")
		s.YearlyReset = true
		_, err := s.Issue(numDate(2026, time.May, 5))
		require.NoError(t, err)
		require.NoError(t, s.SetNext(500))
		got, err := s.Issue(numDate(2026, time.June, 1))
		require.NoError(t, err)
		require.Equal(t, "2026-500", got)
		got, err = s.Issue(numDate(2027, time.January, 2))
		require.NoError(t, err)
		require.Equal(t, "2027-1", got)
	})
}

func TestSetTemplate(t *testing.T) {
	t.Run("the counter survives a template change", func(t *testing.T) {
		s := numScheme(t, "INV-{SEQ:5}")
		for range 42 {
			_, err := s.Issue(numDate(2026, time.May, 4))
			require.NoError(t, err)
		}
		require.NoError(t, s.SetTemplate(mustTemplate(t, "{YYYY}/{SEQ}")))
		got, err := s.Issue(numDate(2026, time.May, 5))
		require.NoError(t, err)
		require.Equal(t, "2026/43", got)
	})
	tests := []struct {
		name    string
		yearly  bool
		tpl     Template
		value   string
		refusal string // "" when accepted
	}{
		{"keep the year with yearly reset", true, mustTemplate(t, "{YY}-{SEQ:4}"), "", ""},
		{"drop the year without yearly reset", false, mustTemplate(t, "{SEQ:4}"), "", ""},
		{"drop the year with yearly reset", true, mustTemplate(t, "{MM}-{SEQ:4}"), "{MM}-{SEQ:4}", yearNeeded},
		{"zero template", false, Template{}, "", "is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := numScheme(t, "{YYYY}-{SEQ}")
			s.YearlyReset, s.Last, s.LastYear = tt.yearly, 9, 2026
			before := s
			err := s.SetTemplate(tt.tpl)
			if tt.refusal == "" {
				require.NoError(t, err)
				require.True(t, s.Template.Equal(tt.tpl))
				require.Equal(t, int64(9), s.Last)
				return
			}
			requireFieldError(t, err, "numbering scheme", "template", tt.value, tt.refusal)
			if diff := cmp.Diff(before, s); diff != "" {
				t.Errorf("a refused SetTemplate changed the scheme (-before +after):\n%s", diff)
			}
		})
	}
}

func TestYearlyReset(t *testing.T) {
	s := numScheme(t, "INV-{YYYY}-{SEQ:4}")
	s.YearlyReset = true
	steps := []struct {
		name string
		date psa.Date
		want string // "" when refused
	}{
		{"first of 2026", numDate(2026, time.March, 1), "INV-2026-0001"},
		{"second of 2026", numDate(2026, time.December, 31), "INV-2026-0002"},
		{"a new year restarts the counter", numDate(2027, time.January, 1), "INV-2027-0001"},
		{"a closed year is refused", numDate(2026, time.December, 31), ""},
		{"the new year continues", numDate(2027, time.January, 15), "INV-2027-0002"},
		{"a skipped year restarts too", numDate(2029, time.June, 1), "INV-2029-0001"},
	}
	for _, st := range steps {
		before := s
		got, err := s.Issue(st.date)
		if st.want != "" {
			require.NoError(t, err, st.name)
			require.Equal(t, st.want, got, st.name)
			continue
		}
		require.ErrorIs(t, err, psa.ErrPrecondition, st.name)
		pe, ok := errors.AsType[*psa.PreconditionError](err)
		require.True(t, ok, "%s: %T", st.name, err)
		require.Equal(t, "numbering scheme", pe.Kind)
		require.Contains(t, pe.ID, `"Invoices"`)
		require.Contains(t, pe.Rule, "numbers of a closed year cannot be issued any more")
		require.Contains(t, err.Error(), "2026-12-31")
		require.Empty(t, got)
		require.Equal(t, "", s.Preview(st.date), "%s: Preview of a closed year", st.name)
		if diff := cmp.Diff(before, s); diff != "" {
			t.Errorf("%s: refused Issue changed the scheme (-before +after):\n%s", st.name, diff)
		}
	}
}

func TestIssueUnconfirmed(t *testing.T) {
	s := numScheme(t, "INV-{YYYY}-{SEQ:5}")
	s.Confirmed = false
	require.NoError(t, s.SetNext(1001))
	before := s

	got, err := s.Issue(numDate(2026, time.January, 31))
	require.Empty(t, got)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	ue, ok := errors.AsType[*UnconfirmedError](err)
	require.True(t, ok, "%T", err)
	want := &UnconfirmedError{SchemeID: s.ID, Name: "Invoices", Preview: "INV-2026-01001"}
	if diff := cmp.Diff(want, ue); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	require.Equal(t, `psa: numbering scheme "Invoices" (0195a6b0-0000-7000-8000-000000000001): confirm the invoice numbering settings before the first finalization; the next number would be "INV-2026-01001"`, err.Error())
	if diff := cmp.Diff(before, s); diff != "" {
		t.Errorf("refused Issue changed the scheme (-before +after):\n%s", diff)
	}

	s.Confirm()
	s.Confirm() // confirming twice is harmless
	got, err = s.Issue(numDate(2026, time.January, 31))
	require.NoError(t, err)
	require.Equal(t, "INV-2026-01001", got)

	t.Run("message without a preview", func(t *testing.T) {
		err := &UnconfirmedError{Name: "Credit notes"}
		require.Equal(t, `psa: numbering scheme "Credit notes" (00000000-0000-0000-0000-000000000000): confirm the invoice numbering settings before the first finalization`, err.Error())
	})
}

func TestIssueErrors(t *testing.T) {
	d := numDate(2026, time.May, 4)
	t.Run("invalid scheme", func(t *testing.T) {
		s := numScheme(t, "{SEQ}")
		s.Name = ""
		before := s
		_, err := s.Issue(d)
		requireFieldError(t, err, "numbering scheme", "name", "", "is required")
		require.Equal(t, before, s)
		require.Equal(t, "", s.Preview(d))
	})
	t.Run("zero date", func(t *testing.T) {
		s := numScheme(t, "{SEQ}")
		_, err := s.Issue(psa.Date{})
		requireFieldError(t, err, "invoice", "date", "", "is required")
		require.Equal(t, int64(0), s.Last)
		require.Equal(t, "", s.Preview(psa.Date{}))
	})
	t.Run("counter exhausted", func(t *testing.T) {
		s := numScheme(t, "{SEQ}")
		require.NoError(t, s.SetNext(math.MaxInt64))
		got, err := s.Issue(d)
		require.NoError(t, err)
		require.Equal(t, "9223372036854775807", got)
		before := s
		_, err = s.Issue(d)
		require.ErrorIs(t, err, psa.ErrPrecondition)
		pe, ok := errors.AsType[*psa.PreconditionError](err)
		require.True(t, ok)
		require.Contains(t, pe.Rule, "the counter is at its maximum 9223372036854775807")
		require.Equal(t, before, s)
		require.Equal(t, "", s.Preview(d))
		requireFieldError(t, s.SetNext(math.MaxInt64), "numbering scheme", "next", "9223372036854775807",
			"must be greater than the last number issued, 9223372036854775807")
	})
	t.Run("counter exhausted but a new year restarts it", func(t *testing.T) {
		s := numScheme(t, "{YY}{SEQ}")
		s.YearlyReset, s.Last, s.LastYear = true, math.MaxInt64, 2026
		got, err := s.Issue(numDate(2027, time.January, 1))
		require.NoError(t, err)
		require.Equal(t, "271", got)
	})
}

func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{
		"", "{SEQ}", "INV-{YYYY}-{SEQ:5}", "{YY}{MM}-{SEQ}", "{{{SEQ}}}", "{{SEQ}}", "{SEQ:18}",
		"{SEQ:0}", "{SEQ:x}", "{SEQ:19}", "{DD}", "{", "}", "{SEQ", "{SEQ}}", "{SEQ}{SEQ}",
		"Rechnung-№{SEQ}-ä", "a\nb{SEQ}", "\xff{SEQ}", "{SEQ:05}",
	} {
		f.Add(s, int64(42), int32(739000))
	}
	f.Fuzz(func(t *testing.T, s string, seq int64, day int32) {
		tpl, err := ParseTemplate(s)
		if err != nil {
			ve, ok := errors.AsType[*psa.ValidationError](err)
			if !ok || len(ve.Fields) != 1 || ve.Fields[0].Field != "template" || ve.Fields[0].Value != s {
				t.Fatalf("ParseTemplate(%q): unexpected error %#v", s, err)
			}
			if !tpl.IsZero() {
				t.Fatalf("ParseTemplate(%q) failed but returned %q", s, tpl)
			}
			return
		}
		if tpl.String() != s {
			t.Fatalf("ParseTemplate(%q).String() = %q", s, tpl.String())
		}
		again, err := ParseTemplate(tpl.String())
		if err != nil || again != tpl {
			t.Fatalf("ParseTemplate(%q) does not round-trip: %v, %v", s, again, err)
		}
		date := psa.NewDate(1, time.January, 1).AddDays(int(day))
		out := tpl.Format(seq, date)
		if seq >= 0 && !strings.Contains(out, strconv.FormatInt(seq, 10)) {
			t.Fatalf("%q.Format(%d, %s) = %q lacks the counter", s, seq, date, out)
		}
		// The numbers parse back: a number is the same prefix and suffix around the counter,
		// zero-padded to the width, whatever the counter. The counter's place is where the
		// numbers of the two largest counters differ (in their last digit).
		hi, lo := tpl.Format(math.MaxInt64, date), tpl.Format(math.MaxInt64-1, date)
		pos := -1
		for i := 0; i < len(hi) && i < len(lo); i++ {
			if hi[i] != lo[i] {
				if pos >= 0 || len(hi) != len(lo) {
					t.Fatalf("%q: numbers %q and %q differ in more than one digit", s, hi, lo)
				}
				pos = i
			}
		}
		if pos < 18 || hi[pos-18:pos+1] != "9223372036854775807" {
			t.Fatalf("%q: number %q does not hold the counter where it changes (%d)", s, hi, pos)
		}
		prefix, suffix := hi[:pos-18], hi[pos+1:]
		width := len(tpl.Format(0, date)) - len(prefix) - len(suffix)
		if width < 1 || width > MaxSeqWidth {
			t.Fatalf("%q: counter width %d", s, width)
		}
		if seq >= 0 {
			digits, ok := strings.CutPrefix(out, prefix)
			if ok {
				digits, ok = strings.CutSuffix(digits, suffix)
			}
			n, err := strconv.ParseInt(digits, 10, 64)
			if !ok || err != nil || n != seq || len(digits) != max(width, len(strconv.FormatInt(seq, 10))) {
				t.Fatalf("%q.Format(%d, %s) = %q does not parse back (prefix %q, suffix %q, width %d)", s, seq, date, out, prefix, suffix, width)
			}
			if seq < math.MaxInt64 && tpl.Format(seq+1, date) == out {
				t.Fatalf("%q: counters %d and %d give the same number %q", s, seq, seq+1, out)
			}
		}
		text, err := tpl.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Template
		if err := back.UnmarshalText(text); err != nil || back != tpl {
			t.Fatalf("text round trip of %q: %v, %v", s, back, err)
		}
	})
}

// FuzzTemplateUnmarshalText decodes arbitrary text as a template: empty text is the zero
// Template, other text decodes exactly when ParseTemplate accepts it (to the same template, with
// its text as the canonical form), and a failure leaves the template unchanged.
func FuzzTemplateUnmarshalText(f *testing.F) {
	for _, s := range []string{"", "INV-{YYYY}-{SEQ:5}", "{SEQ", "{{SEQ}}", "\x00{SEQ}", "{SEQ}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		before, err := ParseTemplate("B-{SEQ}")
		if err != nil {
			t.Fatal(err)
		}
		tpl := before
		err = tpl.UnmarshalText(text)
		parsed, perr := ParseTemplate(string(text))
		switch {
		case len(text) == 0:
			if err != nil || !tpl.IsZero() {
				t.Fatalf("UnmarshalText of empty text: %v, %v", tpl, err)
			}
		case perr != nil:
			ve, ok := errors.AsType[*psa.ValidationError](err)
			if !ok || !errors.Is(err, psa.ErrInvalid) || ve.Fields[0].Value != string(text) || tpl != before {
				t.Fatalf("UnmarshalText(%q) = %v, %v; ParseTemplate error %v", text, tpl, err, perr)
			}
		default:
			if err != nil || tpl != parsed {
				t.Fatalf("UnmarshalText(%q) = %v, %v; ParseTemplate gives %v", text, tpl, err, parsed)
			}
			out, err := tpl.MarshalText()
			if err != nil || string(out) != string(text) {
				t.Fatalf("MarshalText of %v = %q, %v", tpl, out, err)
			}
		}
	})
}

func BenchmarkTemplateFormat(b *testing.B) {
	tpl := mustTemplate(b, "INV-{YYYY}-{MM}-{SEQ:6}")
	d := numDate(2026, time.March, 9)
	for b.Loop() {
		_ = tpl.Format(123456, d)
	}
}

func BenchmarkParseTemplate(b *testing.B) {
	for b.Loop() {
		_, _ = ParseTemplate("INV-{YYYY}-{MM}-{SEQ:6}")
	}
}
