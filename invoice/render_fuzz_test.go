package invoice_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

// FuzzRender renders the sample invoice with free text from the fuzzer in its description, the
// client's name, the notes and the language tag, with the built-in templates and with a template
// source from the fuzzer. Checked: a source that AddTemplate refuses, and a template that fails
// on the document, give a *psa.ValidationError; the built-in templates render any text, and the
// text adds no markup (the page has as many '<' as with a plain word in its place); Text writes
// valid UTF-8 without control characters other than newlines and without trailing spaces.
func FuzzRender(f *testing.F) {
	for _, s := range [][3]string{
		{`{{template "lines" .}}`, "Managed workstations", "en-US"},
		{`<p>{{.Invoice.Notes}}</p>`, `<script>alert("x")</script>`, "de-CH"},
		{`<a href="{{.To.Email}}">`, "Tom & Jerry's <b>notes</b>", "ja"},
		{`{{range .Invoice.Lines}}{{money .Amount}}{{end}}`, "Workstations\x1b[31m red\r\n", "ar-EG-u-nu-arab"},
		{`<div {{.To.Name}}>`, "\u202eevil", "und"},
		{`{{index .Invoice.Lines 99}}`, "管理対象ワークステーション", "zh-Hant-TW"},
		{`{{define "x"}}`, "\xff\xfe", "x-invalid-tag"},
		{`{{.Invoice.Nope}}`, "", ""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	r, err := invoice.NewRenderer()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, source, text, lang string) {
		if len(source) > 2000 || len(text) > 2000 || len(lang) > 100 {
			return
		}
		tag, _ := language.Parse(lang)
		doc := func(s string) invoice.Document {
			d := renderSample(t)
			d.Invoice.Lines[0].Description, d.To.Name, d.Invoice.Notes, d.Language = s, s, s, tag
			return d
		}
		d := doc(text)
		for _, name := range []string{"standard", "compact"} {
			var page, plain bytes.Buffer
			if err := r.HTML(&page, name, d); err != nil {
				t.Fatalf("template %s, text %q, language %q: %v", name, text, lang, err)
			}
			if text == "" || strings.TrimSpace(text) == "" {
				continue // a blank value may leave out its element
			}
			if err := r.HTML(&plain, name, doc("plain")); err != nil {
				t.Fatal(err)
			}
			if a, b := bytes.Count(page.Bytes(), []byte("<")), bytes.Count(plain.Bytes(), []byte("<")); a != b {
				t.Fatalf("template %s: text %q adds markup: %d '<' instead of %d", name, text, a, b)
			}
		}
		var out bytes.Buffer
		if err := invoice.Text(&out, d); err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(out.Bytes()) {
			t.Fatalf("Text of %q is not valid UTF-8", text)
		}
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.HasSuffix(line, " ") {
				t.Fatalf("Text of %q: trailing space in %q", text, line)
			}
			for _, c := range line {
				if c < 0x20 || c >= 0x7f && c < 0xa0 {
					t.Fatalf("Text of %q: control character %U in %q", text, c, line)
				}
			}
		}

		err := r.AddTemplate("custom", source)
		if err != nil {
			if ve, ok := errors.AsType[*psa.ValidationError](err); !ok || !errors.Is(err, psa.ErrInvalid) || ve.Object != `invoice template "custom"` {
				t.Fatalf("AddTemplate(%q): %#v", source, err)
			}
			return
		}
		var page bytes.Buffer
		if err := r.HTML(&page, "custom", d); err != nil {
			if _, ok := errors.AsType[*psa.ValidationError](err); !ok || !errors.Is(err, psa.ErrInvalid) || page.Len() != 0 {
				t.Fatalf("HTML with template %q: %#v (%d bytes written)", source, err, page.Len())
			}
		}
	})
}
