package invoice

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
	"golang.org/x/text/width"

	"github.com/psakit/psa"
)

// Party is who an invoice is from or to, as printed.
type Party struct {
	// Name is the organization's name.
	Name string
	// Address is its postal address (the client's billing address, BillingInfo.Address).
	Address psa.Address
	// TaxID is its tax or VAT identification number (BillingInfo.TaxID).
	TaxID string
	// Email is where invoices are sent (BillingInfo.InvoiceEmail) or where to write about them.
	Email string
	// Attention is the billing contact printed in the attention line (BillingInfo.Attention).
	Attention string
}

// Document is what a rendering needs: the invoice and the parties.
type Document struct {
	// Invoice is the invoice or credit note; its Totals are printed as they stand (call
	// Recompute on a draft first).
	Invoice Invoice
	// From is the MSP issuing the invoice; To is the bill-to client.
	From, To Party
	// Language selects the number formatting (FormatMoney); language.Und means English (US).
	// Dates are printed in ISO 8601 form (2026-01-31) in every language, and the labels are in
	// English: golang.org/x/text has no CLDR date patterns, and a template in another
	// language can be added with Renderer.AddTemplate.
	Language language.Tag
}

// builtinTemplates holds the templates NewRenderer installs and the partials every template
// can call.
//
//go:embed templates/*.tmpl
var builtinTemplates embed.FS

// commonTemplateFile defines the partials ("style", "party", "meta", "lines", "totals",
// "payments", "notes") parsed into every template.
const commonTemplateFile = "templates/common.html.tmpl"

// DefaultTemplate is the template HTML uses when none is named.
const DefaultTemplate = "standard"

// builtinTemplateNames are the templates NewRenderer installs, each from
// templates/<name>.html.tmpl.
var builtinTemplateNames = []string{"standard", "compact"}

// Renderer renders invoices with named HTML templates; the zero value is not usable: use
// NewRenderer. It is safe for concurrent use.
//
// Templates are html/template sources: every value they print is escaped for its context. A
// template is executed with the Document as its data, so it reads .Invoice, .From, .To and
// .Language, and may call the methods of those values (.Invoice.Paid, .Invoice.AmountDue,
// .Invoice.Date.IsZero). It can call the partials of the built-in templates ({{template
// "party" .From}}, "meta", "lines", "totals", "payments" and "notes" with the Document, and
// "style") and these functions, which format for the Document's language:
//
//	money     psa.Money -> string         FormatMoney; "" for the zero Money{} (no currency)
//	neg       psa.Money -> psa.Money      the amount negated
//	number    decimal.Decimal -> string   a quantity: locale separators, the digits as given
//	percent   decimal.Decimal -> string   a percentage as held by Discount and TaxComponent ("8.25" -> "8.25%")
//	date      psa.Date -> string          "2026-01-31"; "" for the zero Date
//	period    psa.Period -> string        "2026-01-01 to 2026-01-31" (first and last day); "" when empty
//	day       time.Time -> string         the UTC day of an instant ("2026-02-01"); "" for the zero time
//	address   psa.Address -> []string     the address lines (psa.Address.Lines)
//	discount  Discount -> string          "10% (loyalty)", "$ 5.00 (promotion)"
//	component ComponentTax -> string      "State 6.25%", "City 2% (compound)"
//	lineTotals Invoice int -> LineTotals  line i's amounts from Totals (zero when Totals lack the line)
//	lineDiscounts Invoice -> psa.Money    the sum of the lines' own discounts
//	invoiceDiscount Invoice -> psa.Money  the sum of the lines' shares of the invoice discounts
//	title     Invoice -> string           "Invoice" or "Credit note"
//	docNumber Invoice -> string           the number, or "DRAFT"
//	status    Status -> string            "Partially paid"
//	treatment Treatment -> string         "Tax exempt", "Reverse charge"; "" when taxed
//	payable   Invoice -> bool             whether paid amount and payment due apply (finalized, not void)
//	lang      -> string                   the BCP 47 tag of the language ("en-US" for language.Und)
type Renderer struct {
	mu sync.RWMutex
	// templates are the parsed templates by name. They are never executed, so that they can be
	// cloned with the functions of each language.
	templates map[string]*template.Template
	// prepared are clones of templates with the functions of a language, escaped at their first
	// execution and reused (at most maxPrepared).
	prepared map[preparedKey]*template.Template
}

// preparedKey names a template prepared for a language.
type preparedKey struct{ name, tag string }

// maxPrepared bounds Renderer.prepared: a language tag comes from data, and one with
// extensions can be unique.
const maxPrepared = 256

// NewRenderer returns a renderer with the built-in templates "standard" (a full invoice, the
// default) and "compact" (the same fields, denser: one-line addresses, no per-line amount
// breakdown beyond discounts). More templates can be added with AddTemplate.
func NewRenderer() (*Renderer, error) {
	r := &Renderer{templates: map[string]*template.Template{}}
	for _, name := range builtinTemplateNames {
		src, err := builtinTemplates.ReadFile("templates/" + name + ".html.tmpl")
		if err != nil {
			return nil, err
		}
		if err := r.AddTemplate(name, string(src)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// templateObject names a template in a *psa.ValidationError.
func templateObject(name string) string { return "invoice template " + strconv.Quote(name) }

// AddTemplate parses an html/template source under name (the client's BillingInfo.InvoiceTemplate
// refers to it), replacing any template of that name, the built-in ones included. The source is
// the template's body; it may define further templates and call the built-in partials and
// functions (see Renderer). A name that is empty, or a source that does not parse or that
// html/template cannot escape (an action inside an unquoted attribute name, an unclosed tag),
// gives a *psa.ValidationError naming the template, and the renderer is unchanged.
func (r *Renderer) AddTemplate(name, source string) error {
	if strings.TrimSpace(name) == "" {
		return psa.Invalid("invoice template", "name", name, "is required")
	}
	common, err := builtinTemplates.ReadFile(commonTemplateFile)
	if err != nil {
		return err
	}
	base := numFormatFor(language.AmericanEnglish)
	t, err := template.New("invoice:" + name).Funcs(renderFuncs(base, language.AmericanEnglish)).Parse(string(common))
	if err != nil {
		return err // the embedded partials always parse (tested)
	}
	if _, err := t.Parse(source); err != nil {
		return psa.Invalid(templateObject(name), "source", "", "does not parse: "+err.Error())
	}
	// Escaping happens at the first execution; run it on a clone (the stored template is never
	// executed, so it can be cloned for every rendering) to report escaping errors now.
	probe, err := t.Clone()
	if err != nil {
		return psa.Invalid(templateObject(name), "source", "", "cannot be prepared: "+err.Error())
	}
	if err := probe.Execute(io.Discard, Document{}); err != nil {
		if _, ok := errors.AsType[*template.Error](err); ok {
			return psa.Invalid(templateObject(name), "source", "", "cannot be escaped: "+err.Error())
		}
		// Other errors depend on the data (an index out of range on an empty invoice); they are
		// reported when a document is rendered.
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.templates[name] = t
	for k := range r.prepared {
		if k.name == name {
			delete(r.prepared, k)
		}
	}
	return nil
}

// Templates returns the names of the renderer's templates, sorted.
func (r *Renderer) Templates() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.templates))
	for n := range r.templates {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// HTML renders d with the named template ("" = "standard") and writes the page to w in one
// Write, so nothing is written when rendering fails. An unknown name is a *psa.NotFoundError
// (kind "invoice template"). A template that fails on d (a custom template indexing past the
// end of the lines) gives a *psa.ValidationError naming the template. An error from w is
// returned as it is.
func (r *Renderer) HTML(w io.Writer, name string, d Document) error {
	if name == "" {
		name = DefaultTemplate
	}
	run, err := r.prepare(name, renderTag(d.Language))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := run.Execute(&buf, d); err != nil {
		return psa.Invalid(templateObject(name), "source", "", "fails on invoice "+docNumber(d.Invoice)+": "+err.Error())
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// prepare returns template name with the functions of language tag, from r.prepared or cloned
// from r.templates.
func (r *Renderer) prepare(name string, tag language.Tag) (*template.Template, error) {
	key := preparedKey{name: name, tag: tag.String()}
	r.mu.RLock()
	t, run := r.templates[name], r.prepared[key]
	r.mu.RUnlock()
	if run != nil {
		return run, nil
	}
	if t == nil {
		return nil, &psa.NotFoundError{Kind: "invoice template", Key: strconv.Quote(name)}
	}
	f := numFormatFor(tag)
	run, err := t.Clone()
	if err != nil {
		return nil, psa.Invalid(templateObject(name), "source", "", "cannot be prepared: "+err.Error())
	}
	run.Funcs(renderFuncs(f, tag))
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.templates[name] != t { // replaced meanwhile: use this clone once, keep none
		return run, nil
	}
	if cached := r.prepared[key]; cached != nil {
		return cached, nil
	}
	if r.prepared == nil {
		r.prepared = map[preparedKey]*template.Template{}
	}
	if len(r.prepared) < maxPrepared {
		r.prepared[key] = run
	}
	return run, nil
}

// renderTag returns the tag rendering uses for tag: English (US) for language.Und.
func renderTag(tag language.Tag) language.Tag {
	if tag == language.Und {
		return language.AmericanEnglish
	}
	return tag
}

// renderFuncs returns the template functions (documented on Renderer) for format f of tag.
func renderFuncs(f *numFormat, tag language.Tag) template.FuncMap {
	return template.FuncMap{
		"money":      f.moneyOrBlank,
		"neg":        func(m psa.Money) psa.Money { return m.Neg() },
		"number":     func(d decimal.Decimal) string { return f.decimal(d, 0) },
		"percent":    f.percent,
		"date":       func(d psa.Date) string { return d.String() },
		"period":     periodText,
		"day":        dayText,
		"address":    func(a psa.Address) []string { return a.Lines() },
		"discount":   f.discount,
		"component":  f.component,
		"lineTotals": lineTotalsAt,
		"lineDiscounts": func(inv Invoice) psa.Money {
			return sumLines(inv, func(l LineTotals) psa.Money { return l.LineDiscount })
		},
		"invoiceDiscount": func(inv Invoice) psa.Money {
			return sumLines(inv, func(l LineTotals) psa.Money { return l.InvoiceDiscount })
		},
		"title":     docTitle,
		"docNumber": docNumber,
		"status":    statusText,
		"treatment": treatmentText,
		"payable":   payable,
		"lang":      func() string { return tag.String() },
	}
}

// docTitle returns "Invoice" or "Credit note".
func docTitle(inv Invoice) string {
	if inv.Kind == CreditNoteNumbers {
		return "Credit note"
	}
	return "Invoice"
}

// docNumber returns the invoice's number, or "DRAFT" when it has none.
func docNumber(inv Invoice) string {
	if inv.Number == "" {
		return "DRAFT"
	}
	return inv.Number
}

// statusText returns s with a capital first letter ("Partially paid").
func statusText(s Status) string {
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(string(s))
	return string(unicode.ToUpper(r)) + string(s)[n:]
}

// treatmentText returns how a treatment is named on an invoice; "" for Taxed.
func treatmentText(t Treatment) string {
	switch t {
	case Taxed:
		return ""
	case Exempt:
		return "Tax exempt"
	case ReverseCharge:
		return "Reverse charge"
	}
	return statusText(Status(t))
}

// payable reports whether the invoice's paid amount and payment due apply: it is finalized and
// not void.
func payable(inv Invoice) bool { return inv.Status.open() || inv.Status == StatusPaid }

// periodText returns "2026-01-01 to 2026-01-31" (first and last day), or "" for an empty period.
func periodText(p psa.Period) string {
	if p.IsEmpty() {
		return ""
	}
	if p.Days() == 1 {
		return p.Start.String()
	}
	return p.Start.String() + " to " + p.LastDay().String()
}

// dayText returns the UTC day of t ("2026-02-01"), or "" for the zero time.
func dayText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// lineTotalsAt returns line i's amounts from inv.Totals, or zero amounts in the invoice's
// currency when the totals do not cover line i (a draft not recomputed).
func lineTotalsAt(inv Invoice, i int) LineTotals {
	if i >= 0 && i < len(inv.Totals.Lines) && len(inv.Totals.Lines) == len(inv.Lines) {
		return inv.Totals.Lines[i]
	}
	z := psa.ZeroMoney(inv.Currency)
	return LineTotals{Gross: z, LineDiscount: z, InvoiceDiscount: z, Net: z, Tax: z}
}

// sumLines sums pick over the line totals of inv, in its currency (amounts of another currency
// are left out).
func sumLines(inv Invoice, pick func(LineTotals) psa.Money) psa.Money {
	sum := psa.ZeroMoney(inv.Currency)
	for _, l := range inv.Totals.Lines {
		if s, err := sum.Add(pick(l)); err == nil {
			sum = s
		}
	}
	return sum
}

// FormatMoney formats m for language tag (language.Und is English, US) as golang.org/x/text
// formats a currency amount with its Symbol formatter: the currency's symbol for the locale
// (its ISO code when the locale has none), a space, then the amount with the locale's digits,
// minus sign, grouping (lakh grouping for en-IN: "₹ 1,23,45,678.50") and decimal separator:
// en-US "$ 1,234.50", de-DE "€ 1.234,50", fr-FR "€ 1 234,50" (with U+00A0 no-break spaces),
// ja-JP "￥ 1,235", negative en-US "$ -1,234.50".
//
// x/text (as of v0.43) has no CLDR currency patterns: it puts the symbol before the amount in
// every locale, where CLDR would write "1.234,50 €" in German. FormatMoney follows x/text, so
// that amounts read the same as anything else the host formats with it.
//
// Unlike x/text, FormatMoney never goes through float64 and never rounds: it prints exactly the
// amount's digits, as psa.Money.String does, with at least the currency's minor-unit decimals
// (psa.MinorUnitScale) and more when the amount has them (a unit price of 0.085 USD is
// "$ 0.085"), so any amount, however large, is printed exactly. An amount whose exponent is
// beyond ±1000 (no parsed or computed amount has one) is printed in scientific form
// ("1e2000") rather than spelled out. The zero Money{} formats as an amount of currency XXX.
func FormatMoney(m psa.Money, tag language.Tag) string {
	f := numFormatFor(renderTag(tag))
	return f.money(m)
}

// numFormat is how a locale writes numbers, taken from x/text's formatting of sample numbers.
type numFormat struct {
	tag language.Tag
	// digits are the locale's digits 0 to 9.
	digits [10]string
	// group separates groups of integer digits: primary digits next to the decimal separator,
	// secondary further left; primary 0 means no grouping.
	group              string
	primary, secondary int
	decimalSep         string
	// minusPrefix and minusSuffix surround a negative number's digits.
	minusPrefix, minusSuffix string
	// percentPrefix and percentSuffix surround a percentage's digits.
	percentPrefix, percentSuffix string

	symbols sync.Map // currency.Unit -> string
}

// numFormats caches numFormat by tag (at most maxNumFormats entries).
var numFormats struct {
	sync.Mutex
	m map[string]*numFormat
}

// maxNumFormats bounds numFormats: tags come from data, and a tag with extensions can be unique.
const maxNumFormats = 256

// numFormatFor returns the format of tag.
func numFormatFor(tag language.Tag) *numFormat {
	key := tag.String()
	numFormats.Lock()
	f := numFormats.m[key]
	numFormats.Unlock()
	if f != nil {
		return f
	}
	f = newNumFormat(tag)
	numFormats.Lock()
	defer numFormats.Unlock()
	if numFormats.m == nil {
		numFormats.m = map[string]*numFormat{}
	}
	if len(numFormats.m) < maxNumFormats {
		numFormats.m[key] = f
	}
	return f
}

// newNumFormat reads tag's number format from x/text's formatting of sample numbers. What a
// sample does not show (x/text always shows it) stays as in English.
func newNumFormat(tag language.Tag) *numFormat {
	f := &numFormat{tag: tag, group: ",", primary: 3, secondary: 3, decimalSep: ".", minusPrefix: "-", percentSuffix: "%"}
	for i := range f.digits {
		f.digits[i] = strconv.Itoa(i)
	}
	p := message.NewPrinter(tag)

	// "1,234,567,890": the digits in the order 1..9, 0, and the group sizes.
	runs := splitDigits(p.Sprint(number.Decimal(int64(1234567890))))
	groups := []int{0} // digits per group, left to right
	var seps []string
	n := 0
	for _, r := range runs {
		switch {
		case r.digit:
			if n < 10 {
				f.digits[(n+1)%10] = r.text
			}
			n++
			groups[len(groups)-1]++
		case n > 0: // a separator, or a suffix
			seps = append(seps, r.text)
			groups = append(groups, 0)
		}
	}
	if groups[len(groups)-1] == 0 { // a suffix after the digits
		groups, seps = groups[:len(groups)-1], seps[:len(seps)-1]
	}
	switch {
	case n != 10:
		for i := range f.digits {
			f.digits[i] = strconv.Itoa(i)
		}
	case len(seps) == 0:
		f.primary, f.secondary, f.group = 0, 0, ""
	default:
		f.group = seps[0]
		f.primary = groups[len(groups)-1]
		f.secondary = f.primary
		if len(groups) > 2 {
			f.secondary = groups[len(groups)-2]
		}
	}

	// "0.5": the decimal separator.
	if runs := splitDigits(p.Sprint(number.Decimal(0.5, number.Scale(1)))); len(runs) == 3 && runs[0].digit && !runs[1].digit && runs[2].digit {
		f.decimalSep = runs[1].text
	}

	// "-1": the minus sign's prefix and suffix.
	if pre, suf, found := affixes(p.Sprint(number.Decimal(int64(-1)))); found {
		f.minusPrefix, f.minusSuffix = pre, suf
	}

	// "50%": the percent sign's prefix and suffix.
	if pre, suf, found := affixes(p.Sprint(number.Percent(0.5))); found {
		f.percentPrefix, f.percentSuffix = pre, suf
	}
	return f
}

// digitRun is a run of text that is a single digit or a run of non-digits.
type digitRun struct {
	text  string
	digit bool
}

// splitDigits splits s into single digits and runs of non-digits.
func splitDigits(s string) []digitRun {
	var runs []digitRun
	for _, r := range s {
		d := unicode.IsDigit(r)
		rs := string(r)
		if !d && len(runs) > 0 && !runs[len(runs)-1].digit {
			runs[len(runs)-1].text += rs
			continue
		}
		runs = append(runs, digitRun{text: rs, digit: d})
	}
	return runs
}

// affixes returns the text before the first digit and after the last digit of s.
func affixes(s string) (prefix, suffix string, found bool) {
	first, last := -1, -1
	for i, r := range s {
		if unicode.IsDigit(r) {
			if first < 0 {
				first = i
			}
			last = i + utf8.RuneLen(r)
		}
	}
	if first < 0 {
		return "", "", false
	}
	return s[:first], s[last:], true
}

// symbol returns the currency's symbol in f's locale, as x/text's Symbol formatter prints it.
func (f *numFormat) symbol(cur currency.Unit) string {
	if s, ok := f.symbols.Load(cur); ok {
		return s.(string)
	}
	s := message.NewPrinter(f.tag).Sprint(currency.Symbol(cur))
	f.symbols.Store(cur, s)
	return s
}

// money formats m as FormatMoney does.
func (f *numFormat) money(m psa.Money) string {
	cur := m.Currency()
	return f.symbol(cur) + " " + f.decimal(m.Amount(), int(psa.MinorUnitScale(cur)))
}

// moneyOrBlank formats m as FormatMoney does, and the zero Money{} (no currency: an amount never
// set) as "".
func (f *numFormat) moneyOrBlank(m psa.Money) string {
	if m.Currency() == currency.XXX || m.Currency() == (currency.Unit{}) {
		return ""
	}
	return f.money(m)
}

// percent formats p, a percentage ("8.25"), as "8.25%" in f's locale.
func (f *numFormat) percent(p decimal.Decimal) string {
	return f.percentPrefix + f.decimal(p, 0) + f.percentSuffix
}

// discount describes d: "10% (loyalty)", "$ 5.00 (promotion)".
func (f *numFormat) discount(d Discount) string {
	var s string
	if !d.Percent.IsZero() {
		s = f.percent(d.Percent)
	} else {
		s = f.moneyOrBlank(d.Amount)
	}
	if r := strings.TrimSpace(d.Reason); r != "" {
		if s == "" {
			return r
		}
		s += " (" + r + ")"
	}
	return s
}

// component describes a tax component: "State 6.25%", "City 2% (compound)".
func (f *numFormat) component(c ComponentTax) string {
	s := strings.TrimSpace(c.Name + " " + f.percent(c.Rate))
	if c.Compound {
		s += " (compound)"
	}
	return s
}

// maxPlainExponent bounds the exponents decimal spells out digit by digit.
const maxPlainExponent = 1000

// decimal formats d with f's digits and separators, with at least minFrac decimals and all of
// d's own: exactly the digits of d, never rounded.
func (f *numFormat) decimal(d decimal.Decimal, minFrac int) string {
	coef := d.Coefficient() // a copy
	neg := coef.Sign() < 0
	coef.Abs(coef)
	digits := coef.String()
	exp := int(d.Exponent())
	if exp > maxPlainExponent || exp < -maxPlainExponent {
		s := f.localDigits(digits) + "e" + strconv.Itoa(exp)
		if neg {
			s = f.minusPrefix + s + f.minusSuffix
		}
		return s
	}
	var intPart, frac string
	switch {
	case exp >= 0:
		intPart = digits + strings.Repeat("0", exp)
		if coef.Sign() == 0 {
			intPart = "0"
		}
	case len(digits) > -exp:
		intPart, frac = digits[:len(digits)+exp], digits[len(digits)+exp:]
	default:
		intPart, frac = "0", strings.Repeat("0", -exp-len(digits))+digits
	}
	if len(frac) < minFrac {
		frac += strings.Repeat("0", minFrac-len(frac))
	}
	var b strings.Builder
	if neg {
		b.WriteString(f.minusPrefix)
	}
	b.WriteString(f.grouped(intPart))
	if frac != "" {
		b.WriteString(f.decimalSep)
		b.WriteString(f.localDigits(frac))
	}
	if neg {
		b.WriteString(f.minusSuffix)
	}
	return b.String()
}

// grouped returns the ASCII digits s with f's digits and grouping.
func (f *numFormat) grouped(s string) string {
	if f.primary <= 0 || len(s) <= f.primary {
		return f.localDigits(s)
	}
	// Group sizes from the right: primary, then secondary.
	var parts []string
	end := len(s)
	size := f.primary
	for end > size {
		parts = append(parts, s[end-size:end])
		end -= size
		size = f.secondary
		if size <= 0 {
			size = f.primary
		}
	}
	parts = append(parts, s[:end])
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(f.localDigits(parts[i]))
		if i > 0 {
			b.WriteString(f.group)
		}
	}
	return b.String()
}

// localDigits maps the ASCII digits of s to f's digits.
func (f *numFormat) localDigits(s string) string {
	if f.digits[0] == "0" && f.digits[9] == "9" {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteString(f.digits[c-'0'])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// textWidth is the width of Text's output, in terminal columns.
const textWidth = 78

// Text renders d as plain text in fixed-width columns (78 columns; wider only when an amount or
// label does not fit), for e-mail bodies and terminals. It shows what the "standard" HTML
// template shows. Columns are aligned by display width (East Asian wide characters count two
// columns), control characters in the document's text are replaced by spaces, and no line has
// trailing spaces. The text is written to w in one Write; an error from w is returned as it is.
func Text(w io.Writer, d Document) error {
	tag := renderTag(d.Language)
	f := numFormatFor(tag)
	t := textRender{f: f, d: d, inv: d.Invoice}
	t.render()
	_, err := w.Write(t.b.Bytes())
	return err
}

// textRender builds Text's output.
type textRender struct {
	f   *numFormat
	d   Document
	inv Invoice
	b   bytes.Buffer
}

// line writes s without trailing spaces, its textGlue as spaces, and a newline.
func (t *textRender) line(s string) {
	t.b.WriteString(strings.TrimRight(strings.ReplaceAll(s, string(textGlue), " "), " "))
	t.b.WriteByte('\n')
}

// money formats m for the document, "" for an amount never set; the space after the symbol is
// textGlue, so that wrapping never separates the symbol from the amount.
func (t *textRender) money(m psa.Money) string {
	return strings.Replace(t.f.moneyOrBlank(m), " ", string(textGlue), 1)
}

// textGlue stands for a space that wrapping does not break at; line writes it as a space. It is
// a private-use character, which cleanText removes from the document's text.
const textGlue = '\uE000'

// labelRow is a label and its value.
type labelRow struct{ label, value string }

func (t *textRender) render() {
	inv := t.inv
	t.line(strings.ToUpper(docTitle(inv)) + " " + oneLine(docNumber(inv)))
	t.line("")

	var meta []labelRow
	add := func(label, value string) {
		if value = oneLine(value); value != "" {
			meta = append(meta, labelRow{label, value})
		}
	}
	add("Status", statusText(inv.Status))
	if inv.Status == StatusVoid {
		add("Void reason", inv.VoidReason)
	}
	add("Invoice date", inv.Date.String())
	add("Due date", inv.DueDate.String())
	add("Service period", periodText(inv.ServicePeriod))
	add("PO number", inv.PONumber)
	add("Sales representative", inv.SalesRep)
	add("Project", inv.Project)
	add("Sent on", dayText(inv.SentOn))
	t.labels(meta, 0)
	t.line("")

	t.parties()
	t.line("")
	t.lines()
	t.line("")
	t.totals()
	t.payments()
	if notes := strings.TrimSpace(inv.Notes); notes != "" {
		t.line("")
		t.line("Notes")
		for _, l := range wrapText(cleanText(notes), textWidth) {
			t.line(l)
		}
	}
}

// labels writes rows as "Label:  value", the values aligned, indented by indent columns; a long
// value wraps under itself.
func (t *textRender) labels(rows []labelRow, indent int) {
	lw := 0
	for _, r := range rows {
		lw = max(lw, displayWidth(r.label)+1)
	}
	for _, r := range rows {
		valueWidth := max(textWidth-indent-lw-2, 20)
		for i, v := range wrapText(r.value, valueWidth) {
			label := ""
			if i == 0 {
				label = r.label + ":"
			}
			t.line(strings.Repeat(" ", indent) + padRight(label, lw) + "  " + v)
		}
	}
}

// partyLines returns p's lines as printed.
func partyLines(p Party) []string {
	var out []string
	add := func(s string) {
		if s = oneLine(s); s != "" {
			out = append(out, s)
		}
	}
	add(p.Name)
	if a := oneLine(p.Attention); a != "" {
		add("Attn: " + a)
	}
	for _, l := range p.Address.Lines() {
		add(l)
	}
	if id := oneLine(p.TaxID); id != "" {
		add("Tax ID: " + id)
	}
	add(p.Email)
	return out
}

// parties writes the From and To parties side by side.
func (t *textRender) parties() {
	const gap = 2
	colWidth := (textWidth - gap) / 2
	var left, right []string
	for _, l := range append([]string{"From"}, partyLines(t.d.From)...) {
		left = append(left, wrapText(l, colWidth)...)
	}
	to := "To"
	if t.inv.Kind != CreditNoteNumbers {
		to = "Bill to"
	}
	for _, l := range append([]string{to}, partyLines(t.d.To)...) {
		right = append(right, wrapText(l, colWidth)...)
	}
	for i := range max(len(left), len(right)) {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		t.line(padRight(l, colWidth+gap) + r)
	}
}

// lines writes the table of lines: description, quantity, unit price and amount, each line
// followed by its details (organization, period, discounts, net, tax, explanation).
func (t *textRender) lines() {
	inv := t.inv
	headers := [4]string{"Description", "Qty", "Unit price", "Amount"}
	rows := make([][4]string, len(inv.Lines))
	var widths [4]int
	for i, h := range headers {
		widths[i] = displayWidth(h)
	}
	for i, l := range inv.Lines {
		rows[i] = [4]string{oneLine(l.Description), t.f.decimal(l.Quantity, 0), t.money(l.UnitPrice), t.money(l.Amount)}
		for c := 1; c < 4; c++ {
			widths[c] = max(widths[c], displayWidth(rows[i][c]))
		}
	}
	const gap = 2
	widths[0] = max(textWidth-widths[1]-widths[2]-widths[3]-3*gap, 20)
	total := widths[0] + widths[1] + widths[2] + widths[3] + 3*gap
	row := func(cells [4]string) string {
		return padRight(cells[0], widths[0]+gap) + padLeft(cells[1], widths[1]) + strings.Repeat(" ", gap) +
			padLeft(cells[2], widths[2]) + strings.Repeat(" ", gap) + padLeft(cells[3], widths[3])
	}
	t.line(row(headers))
	t.line(strings.Repeat("-", total))
	if len(inv.Lines) == 0 {
		t.line("(no lines)")
	}
	for i, l := range inv.Lines {
		desc := wrapText(rows[i][0], widths[0])
		if len(desc) == 0 {
			desc = []string{""}
		}
		first := rows[i]
		first[0] = desc[0]
		t.line(row(first))
		for _, d := range desc[1:] {
			t.line(d)
		}
		for _, d := range t.lineDetails(i, l) {
			for _, w := range wrapText(d, total-4) {
				t.line("    " + w)
			}
		}
	}
	t.line(strings.Repeat("-", total))
}

// lineDetails returns the details printed under line i.
func (t *textRender) lineDetails(i int, l Line) []string {
	var out []string
	if org := oneLine(l.Organization); org != "" {
		out = append(out, "Organization: "+org)
	}
	if p := periodText(l.Period); p != "" {
		out = append(out, "Period: "+p)
	}
	lt := lineTotalsAt(t.inv, i)
	if len(l.Discounts) > 0 {
		ds := make([]string, len(l.Discounts))
		for j, d := range l.Discounts {
			ds[j] = oneLine(t.f.discount(d))
		}
		out = append(out, "Discount: "+strings.Join(ds, "; ")+": "+t.money(lt.LineDiscount.Neg()))
	}
	if !lt.InvoiceDiscount.IsZero() {
		out = append(out, "Share of invoice discount: "+t.money(lt.InvoiceDiscount.Neg()))
	}
	if !lt.LineDiscount.IsZero() || !lt.InvoiceDiscount.IsZero() {
		out = append(out, "Net: "+t.money(lt.Net))
	}
	if len(lt.Components) > 0 && t.inv.Totals.Treatment == Taxed {
		cs := make([]string, len(lt.Components))
		for j, c := range lt.Components {
			cs[j] = oneLine(t.f.component(c)) + " " + t.money(c.Amount)
		}
		out = append(out, "Tax: "+t.money(lt.Tax)+" ("+strings.Join(cs, ", ")+")")
	}
	if e := strings.TrimSpace(l.Explanation); e != "" {
		out = append(out, cleanText(e))
	}
	return out
}

// amountRow is a label and an amount of the totals.
type amountRow struct{ label, amount string }

// amounts writes rows right-aligned: labels right-aligned against the amounts.
func (t *textRender) amounts(rows []amountRow) {
	lw, aw := 0, 0
	for _, r := range rows {
		lw = max(lw, displayWidth(r.label))
		aw = max(aw, displayWidth(r.amount))
	}
	indent := max(textWidth-lw-2-aw, 0)
	for _, r := range rows {
		t.line(strings.Repeat(" ", indent) + padLeft(r.label, lw) + "  " + padLeft(r.amount, aw))
	}
}

// totals writes the invoice's totals, tax per region and component, and the tax treatment.
func (t *textRender) totals() {
	inv, tot := t.inv, t.inv.Totals
	rows := []amountRow{{"Subtotal", t.money(tot.Subtotal)}}
	if d := sumLines(inv, func(l LineTotals) psa.Money { return l.LineDiscount }); !d.IsZero() {
		rows = append(rows, amountRow{"Line discounts", t.money(d.Neg())})
	}
	if len(inv.InvoiceDiscounts) > 0 {
		ds := make([]string, len(inv.InvoiceDiscounts))
		for j, d := range inv.InvoiceDiscounts {
			ds[j] = oneLine(t.f.discount(d))
		}
		d := sumLines(inv, func(l LineTotals) psa.Money { return l.InvoiceDiscount })
		rows = append(rows, amountRow{"Invoice discount " + strings.Join(ds, "; "), t.money(d.Neg())})
	}
	rows = append(rows, amountRow{"Total price", t.money(tot.Net)})
	for _, r := range tot.Regions {
		name := oneLine(r.Name)
		if name == "" {
			name = oneLine(r.Code)
		}
		rows = append(rows, amountRow{"Taxable " + name, t.money(r.Base)})
		if tot.Treatment != Taxed {
			continue
		}
		for _, c := range r.Components {
			rows = append(rows, amountRow{oneLine(name + " " + t.f.component(c)), t.money(c.Amount)})
		}
	}
	rows = append(rows, amountRow{"Total tax", t.money(tot.Tax)}, amountRow{"Grand total", t.money(tot.Total)})
	t.amounts(rows)
	if label := treatmentText(tot.Treatment); label != "" {
		t.line("")
		for _, l := range wrapText(label+": "+cleanText(tot.Reason), textWidth) {
			t.line(l)
		}
	}
}

// payments writes the payments, the paid amount and the payment due.
func (t *textRender) payments() {
	inv := t.inv
	if len(inv.Payments) > 0 {
		t.line("")
		t.line("Payments")
		var rows []amountRow
		for _, p := range inv.Payments {
			label := strings.Join(nonBlank(p.Date.String(), oneLine(p.Method), prefixed("ref ", oneLine(p.Reference))), "  ")
			rows = append(rows, amountRow{label, t.money(p.Amount)})
		}
		aw := 0
		for _, r := range rows {
			aw = max(aw, displayWidth(r.amount))
		}
		for _, r := range rows {
			lw := max(textWidth-2-2-aw, 20)
			ls := []string{r.label}
			if displayWidth(r.label) > lw {
				ls = wrapText(r.label, lw)
			}
			t.line("  " + padRight(ls[0], lw) + "  " + padLeft(r.amount, aw))
			for _, l := range ls[1:] {
				t.line("  " + l)
			}
		}
	}
	if !payable(inv) {
		return
	}
	t.line("")
	rows := []amountRow{{"Paid amount", t.money(inv.Paid())}}
	if !inv.CreditApplied.IsZero() {
		rows = append(rows, amountRow{"Credit applied", t.money(inv.CreditApplied)})
	}
	rows = append(rows, amountRow{"Payment due", t.money(inv.AmountDue())})
	t.amounts(rows)
}

// prefixed returns prefix+s, or "" for an empty s.
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// nonBlank returns the non-empty strings of s.
func nonBlank(s ...string) []string {
	out := s[:0:0]
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// cleanText replaces control characters other than newlines (and textGlue) by spaces, so a
// document's text cannot move a terminal's cursor or change its colours.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && (r < 0x20 || r >= 0x7f && r < 0xa0) || r == utf8.RuneError || r == textGlue {
			return ' '
		}
		return r
	}, s)
}

// oneLine returns s cleaned (cleanText), its line breaks as spaces, trimmed.
func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(cleanText(s), "\n", " "))
}

// displayWidth returns the columns s takes in a terminal: wide and fullwidth characters take
// two, combining marks and format characters (U+200E) none.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth returns the columns r takes in a terminal.
func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// padRight pads s with spaces to w columns.
func padRight(s string, w int) string {
	if n := displayWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// padLeft pads s with spaces on the left to w columns.
func padLeft(s string, w int) string {
	if n := displayWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// wrapText wraps s to lines of at most w columns, breaking at spaces (not at no-break spaces
// or textGlue) and keeping its line breaks; a word longer than w is cut. Empty lines of s are
// kept, except at its start and end. s is cleaned text (cleanText, oneLine).
func wrapText(s string, w int) []string {
	w = max(w, 1)
	var out []string
	for _, para := range strings.Split(strings.TrimFunc(s, breakingSpace), "\n") {
		words := strings.FieldsFunc(para, breakingSpace)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		cur, curW := "", 0
		for _, word := range words {
			ww := displayWidth(word)
			for ww > w { // cut a word longer than a line
				if cur != "" {
					out = append(out, cur)
					cur, curW = "", 0
				}
				head, rest := cutWidth(word, w)
				out = append(out, head)
				word, ww = rest, displayWidth(rest)
			}
			switch {
			case cur == "":
				cur, curW = word, ww
			case curW+1+ww <= w:
				cur, curW = cur+" "+word, curW+1+ww
			default:
				out = append(out, cur)
				cur, curW = word, ww
			}
		}
		if cur != "" {
			out = append(out, cur)
		}
	}
	if len(out) == 1 && out[0] == "" {
		return nil
	}
	return out
}

// breakingSpace reports whether a line may break at r: white space other than the no-break
// spaces (U+00A0, U+2007, U+202F), which locales use inside numbers.
func breakingSpace(r rune) bool {
	switch r {
	case '\u00a0', '\u2007', '\u202f':
		return false
	}
	return unicode.IsSpace(r)
}

// cutWidth splits s after at most w columns (at least one rune).
func cutWidth(s string, w int) (head, rest string) {
	n := 0
	for i, r := range s {
		rw := runeWidth(r)
		if n+rw > w && i > 0 {
			return s[:i], s[i:]
		}
		n += rw
	}
	return s, ""
}
