package invoice_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

// renderMoney parses amount in currency code, failing the test on error.
func renderMoney(t testing.TB, amount, code string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(amount, code)
	require.NoError(t, err)
	return m
}

// renderPeriod returns the period from first through last, both included.
func renderPeriod(t testing.TB, first, last psa.Date) psa.Period {
	t.Helper()
	p, err := psa.PeriodThrough(first, last)
	require.NoError(t, err)
	return p
}

// renderParties returns the MSP and its client as printed on the sample invoices.
func renderParties() (from, to invoice.Party) {
	from = invoice.Party{
		Name:    "Northwind IT Services LLC",
		Address: psa.Address{Line1: "500 Congress Ave", Line2: "Suite 210", City: "Austin", Region: "TX", PostalCode: "78701", Country: "US"},
		TaxID:   "US 74-1234567",
		Email:   "billing@northwind.example",
	}
	to = invoice.Party{
		Name:      "Contoso Ltd",
		Address:   psa.Address{Line1: "12 Riverside Dr", City: "Round Rock", Region: "TX", PostalCode: "78664", Country: "US"},
		TaxID:     "US 98-7654321",
		Email:     "ap@contoso.example",
		Attention: "Jane Doe, Accounts Payable",
	}
	return from, to
}

// renderSample returns a realistic invoice: five lines (a sub-organization's prorated line, a
// time entry, usage at a sub-cent rate, an untaxed setup fee), line and invoice discounts, three
// Texas tax components, finalized through a numbering scheme, sent and partially paid.
func renderSample(t testing.TB) invoice.Document {
	t.Helper()
	usd := func(s string) psa.Money { return renderMoney(t, s, "USD") }
	dec := decimal.RequireFromString
	jan := renderPeriod(t, psa.NewDate(2026, time.January, 1), psa.NewDate(2026, time.January, 31))
	inv := invoice.Invoice{
		Kind:          invoice.InvoiceNumbers,
		Status:        invoice.StatusDraft,
		Currency:      currency.USD,
		PONumber:      "PO-7731",
		SalesRep:      "Dana Whitfield",
		Project:       "Office move 2026",
		ServicePeriod: jan,
		Notes:         "Thank you for your business.\nPlease pay by bank transfer to account 12345678.",
		Lines: []invoice.Line{
			{
				Description: "Managed workstations", Period: jan, Quantity: dec("12"), UnitPrice: usd("45.00"), Amount: usd("540.00"),
				Discounts: []invoice.Discount{{Percent: dec("10"), Reason: "loyalty"}}, TaxRegion: "US-TX-AUSTIN",
				Explanation: "12 workstations x 45.00 USD per month, January 2026 (31 of 31 days) = 540.00 USD",
			},
			{
				Description: "Managed servers", Organization: "Contoso East",
				Period:   renderPeriod(t, psa.NewDate(2026, time.January, 12), psa.NewDate(2026, time.January, 31)),
				Quantity: dec("2"), UnitPrice: usd("150.00"), Amount: usd("193.55"), TaxRegion: "US-TX-AUSTIN",
				Explanation: "2 servers x 150.00 USD x 20/31 days (from January 12) = 193.548387..., rounded half-up to 193.55 USD",
			},
			{
				Description: "Onsite support: printer replacement",
				Period:      renderPeriod(t, psa.NewDate(2026, time.January, 20), psa.NewDate(2026, time.January, 20)),
				Quantity:    dec("2.5"), UnitPrice: usd("120.00"), Amount: usd("300.00"), TaxRegion: "US-TX-AUSTIN",
				Explanation: "Time entry of 2.5 hours on 2026-01-20 by A. Rivera, approved, at 120.00 USD per hour",
			},
			{
				Description: "Backup storage overage", Period: jan, Quantity: dec("37.5"), UnitPrice: usd("0.085"), Amount: usd("3.19"),
				TaxRegion:   "US-TX-AUSTIN",
				Explanation: "37.5 GB above the 500 GB included x 0.085 USD per GB = 3.1875, rounded half-up to 3.19 USD",
			},
			{
				Description: "Onboarding setup fee", Quantity: dec("1"), UnitPrice: usd("250.00"), Amount: usd("250.00"),
				Discounts: []invoice.Discount{{Amount: usd("50.00"), Reason: "waived in part"}},
			},
		},
		InvoiceDiscounts: []invoice.Discount{{Percent: dec("5"), Reason: "spring promotion"}},
		Regions: []invoice.TaxRegion{{Code: "US-TX-AUSTIN", Name: "Austin, Texas", Components: []invoice.TaxComponent{
			{Name: "State", Rate: dec("6.25")}, {Name: "City", Rate: dec("1")}, {Name: "Transit", Rate: dec("1")},
		}}},
	}
	tpl, err := invoice.ParseTemplate("INV-{YYYY}-{SEQ:6}")
	require.NoError(t, err)
	scheme := invoice.Scheme{Kind: invoice.InvoiceNumbers, Name: "Invoices", Template: tpl, Confirmed: true, Last: 41}
	terms, err := psa.NetDays(30)
	require.NoError(t, err)
	require.NoError(t, inv.Finalize(&scheme, psa.NewDate(2026, time.February, 1), terms))
	require.NoError(t, inv.MarkSent(time.Date(2026, time.February, 1, 9, 30, 0, 0, time.UTC)))
	_, err = inv.Pay(invoice.Payment{Date: psa.NewDate(2026, time.February, 10), Amount: usd("500.00"), Method: "Bank transfer", Reference: "TRX-4471"})
	require.NoError(t, err)
	from, to := renderParties()
	return invoice.Document{Invoice: inv, From: from, To: to}
}

// renderWants lists what every rendering of renderSample shows, from the seed 004 fields.
func renderWants(t testing.TB, d invoice.Document) []string {
	t.Helper()
	inv := d.Invoice
	m := func(x psa.Money) string { return invoice.FormatMoney(x, language.AmericanEnglish) }
	return []string{
		"INV-2026-000042",          // number
		"Partially paid",           // status
		"PO-7731",                  // PO number
		"2026-01-01 to 2026-01-31", // service period from/to
		"2026-02-01",               // invoice date, sent on
		"2026-03-03",               // due date
		"Dana Whitfield",           // sales representative
		"Office move 2026",         // project
		// From and To.
		"Northwind IT Services LLC", "500 Congress Ave", "Suite 210", "78701 Austin, TX", "US 74-1234567", "billing@northwind.example",
		"Contoso Ltd", "12 Riverside Dr", "78664 Round Rock, TX", "US 98-7654321", "ap@contoso.example", "Jane Doe, Accounts Payable",
		// Lines: description, organization, period, quantity, unit price, amount, discounts, explanation.
		"Managed workstations", "$ 45.00", "$ 540.00", "10% (loyalty)", "$ -54.00", "31 of 31 days",
		"Managed servers", "Contoso East", "2026-01-12 to 2026-01-31", "$ 193.55", "rounded half-up to 193.55 USD",
		"Onsite support: printer replacement", "2.5", "$ 120.00", "$ 300.00", "A. Rivera",
		"Backup storage overage", "37.5", "$ 0.085", "$ 3.19",
		"Onboarding setup fee", "$ 250.00", "$ 50.00 (waived in part)",
		// Totals.
		"5% (spring promotion)", m(inv.Totals.Subtotal), m(inv.Totals.Net), m(inv.Totals.Tax), m(inv.Totals.Total),
		"State 6.25%", "City 1%", "Transit 1%", m(inv.Totals.Regions[0].Components[0].Amount), "Austin, Texas",
		"Subtotal", "Total price", "Total tax", "Grand total",
		// Payments.
		"2026-02-10", "Bank transfer", "TRX-4471", "$ 500.00", "Paid amount", "Payment due", m(inv.AmountDue()),
		// Notes.
		"Thank you for your business.",
	}
}

func TestRenderSampleTotals(t *testing.T) {
	// The sample's amounts, computed by hand, so the renderings below check real numbers.
	// Lines net of their discounts: 486.00, 193.55, 300.00, 3.19, 200.00 = 1182.74; 5% of it is
	// 59.137, rounded 59.14; net 1123.60, of which the untaxed setup fee's 190.00 (200.00 less
	// its 10.00 share of the invoice discount); taxable 933.60 at 6.25% = 58.35, 1% = 9.336 ->
	// 9.34 twice; tax 77.03; total 1200.63; paid 500.00; due 700.63.
	inv := renderSample(t).Invoice
	for _, c := range []struct {
		name string
		got  psa.Money
		want string
	}{
		{"subtotal", inv.Totals.Subtotal, "1286.74"},
		{"discount", inv.Totals.Discount, "163.14"},
		{"net", inv.Totals.Net, "1123.60"},
		{"tax", inv.Totals.Tax, "77.03"},
		{"total", inv.Totals.Total, "1200.63"},
		{"due", inv.AmountDue(), "700.63"},
	} {
		require.True(t, c.got.Equal(renderMoney(t, c.want, "USD")), "%s = %s, want %s", c.name, c.got, c.want)
	}
	require.Equal(t, invoice.StatusPartiallyPaid, inv.Status)
}

// renderAll renders d with every built-in template and as text.
func renderAll(t *testing.T, d invoice.Document) map[string]string {
	t.Helper()
	r, err := invoice.NewRenderer()
	require.NoError(t, err)
	out := map[string]string{}
	for _, name := range []string{"standard", "compact"} {
		var b bytes.Buffer
		require.NoError(t, r.HTML(&b, name, d), "template %s", name)
		out["HTML "+name] = b.String()
	}
	var b bytes.Buffer
	require.NoError(t, invoice.Text(&b, d))
	out["Text"] = b.String()
	return out
}

func TestRenderShowsEveryField(t *testing.T) {
	d := renderSample(t)
	wants := renderWants(t, d)
	for name, got := range renderAll(t, d) {
		t.Run(name, func(t *testing.T) {
			for _, want := range wants {
				if strings.HasPrefix(name, "HTML") {
					want = htmlEscapeForTest(want)
				}
				require.Contains(t, got, want)
			}
			require.NotContains(t, got, "DRAFT")
			require.NotContains(t, got, "XXX")
		})
	}
}

// htmlEscapeForTest escapes s as html/template escapes text.
func htmlEscapeForTest(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

func TestRenderHTMLStandardStructure(t *testing.T) {
	d := renderSample(t)
	got := renderAll(t, d)["HTML standard"]
	for _, want := range []string{
		"<!DOCTYPE html>", `<html lang="en-US">`, "<title>Invoice INV-2026-000042</title>",
		`<dd class="status" data-status="partially paid">Partially paid</dd>`,
		`<td class="num">$ 540.00</td>`,
		`<tr class="grand"><th>Grand total</th><td class="num">$ 1,200.63</td></tr>`,
		`<tr class="due"><th>Payment due</th><td class="num">$ 700.63</td></tr>`,
		`<tr class="invoice-discount"><th>Invoice discount 5% (spring promotion)</th><td class="num">$ -59.14</td></tr>`,
		`<tr class="tax-component"><th>Austin, Texas State 6.25%</th><td class="num">$ 58.35</td></tr>`,
		"<dt>Sent on</dt><dd>2026-02-01</dd>",
		"<h2>Bill to</h2>",
	} {
		require.Contains(t, got, want)
	}
}

func TestRenderText(t *testing.T) {
	d := renderSample(t)
	var b bytes.Buffer
	require.NoError(t, invoice.Text(&b, d))
	got := b.String()
	for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		require.Equal(t, strings.TrimRight(l, " "), l, "line %d has trailing spaces", i+1)
		require.LessOrEqual(t, len([]rune(l)), 78, "line %d is wider than 78 columns: %q", i+1, l)
	}
	for _, want := range []string{
		"INVOICE INV-2026-000042\n",
		"Status:                Partially paid\n",
		"Description                                          Qty  Unit price    Amount\n",
		"Managed workstations                                  12     $ 45.00  $ 540.00\n",
		"Backup storage overage                              37.5     $ 0.085    $ 3.19\n",
		"    Discount: 10% (loyalty): $ -54.00\n",
		"    Organization: Contoso East\n",
		"                                                       Grand total  $ 1,200.63\n",
		"  2026-02-10  Bank transfer  ref TRX-4471                             $ 500.00\n",
		"                                                         Payment due  $ 700.63\n",
		"From                                    Bill to\n",
		"78701 Austin, TX                        78664 Round Rock, TX\n",
	} {
		require.Contains(t, got, want)
	}
}

func TestRenderDraft(t *testing.T) {
	d := renderSample(t)
	d.Invoice.Number, d.Invoice.Status, d.Invoice.Payments, d.Invoice.SentOn = "", invoice.StatusDraft, nil, time.Time{}
	for name, got := range renderAll(t, d) {
		require.Contains(t, got, "DRAFT", name)
		require.Contains(t, got, "Draft", name)
		require.NotContains(t, got, "Payment due", name) // a draft is not payable
		require.NotContains(t, got, "Sent on", name)
	}
}

func TestRenderVoid(t *testing.T) {
	d := renderSample(t)
	d.Invoice.Payments, d.Invoice.Status = nil, invoice.StatusSent
	require.NoError(t, d.Invoice.Void("issued to the wrong client"))
	for name, got := range renderAll(t, d) {
		require.Contains(t, got, "Void", name)
		require.Contains(t, got, "issued to the wrong client", name)
		require.Contains(t, got, "INV-2026-000042", name) // a voided invoice keeps its number
		require.NotContains(t, got, "Payment due", name)
	}
}

func TestRenderTaxTreatment(t *testing.T) {
	for _, c := range []struct {
		treatment invoice.Treatment
		reason    string
		want      string
	}{
		{invoice.Exempt, "Texas sales tax exemption certificate 01-339", "Tax exempt: Texas sales tax exemption certificate 01-339"},
		{invoice.ReverseCharge, "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)", "Reverse charge: Reverse charge: VAT"},
	} {
		t.Run(string(c.treatment), func(t *testing.T) {
			d := renderSample(t)
			inv := &d.Invoice
			inv.Status, inv.Payments = invoice.StatusDraft, nil
			inv.Tax = invoice.TaxOptions{Treatment: c.treatment, Reason: c.reason}
			require.NoError(t, inv.Recompute())
			require.True(t, inv.Totals.Tax.IsZero())
			for name, got := range renderAll(t, d) {
				require.Contains(t, got, c.want, name)
				require.NotContains(t, got, "State 6.25%", name) // no tax components on an untaxed invoice
			}
		})
	}
}

func TestRenderCreditNote(t *testing.T) {
	d := renderSample(t)
	note, err := invoice.CreditNote(d.Invoice, []psa.InvoiceLineID{d.Invoice.Lines[0].ID}, psa.ZeroMoney(currency.USD))
	require.NoError(t, err)
	d.Invoice = note
	for name, got := range renderAll(t, d) {
		require.Contains(t, strings.ToLower(got), "credit note", name)
		require.Contains(t, got, "$ -540.00", name)
		require.Contains(t, got, "Credit for invoice INV-2026-000042", name)
	}
}

func TestRenderHTMLEscapes(t *testing.T) {
	d := renderSample(t)
	d.Invoice.Lines[0].Description = `<script>alert("x")</script>`
	d.Invoice.Lines[0].Explanation = `<img src=x onerror=alert(1)>`
	d.Invoice.Notes = "Tom & Jerry's <b>notes</b>"
	d.To.Name = `"><script>alert(2)</script>`
	d.To.Address.Line1 = "<i>12 Riverside</i>"
	r, err := invoice.NewRenderer()
	require.NoError(t, err)
	for _, name := range []string{"standard", "compact"} {
		var b bytes.Buffer
		require.NoError(t, r.HTML(&b, name, d))
		got := b.String()
		require.NotContains(t, got, "<script>", name)
		require.NotContains(t, got, "<img", name)
		require.NotContains(t, got, "<b>", name)
		require.NotContains(t, got, "<i>", name)
		require.Contains(t, got, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", name)
		require.Contains(t, got, "Tom &amp; Jerry&#39;s &lt;b&gt;notes&lt;/b&gt;", name)
	}
}

func TestRenderTextCleansControlCharacters(t *testing.T) {
	d := renderSample(t)
	d.Invoice.Lines[0].Description = "Workstations\x1b[31m red\r\n"
	d.To.Name = "Contoso\tLtd"
	var b bytes.Buffer
	require.NoError(t, invoice.Text(&b, d))
	require.NotContains(t, b.String(), "\x1b")
	require.NotContains(t, b.String(), "\r")
	require.NotContains(t, b.String(), "\t")
	require.Contains(t, b.String(), "Workstations [31m red")
}

func TestRenderTextWideCharacters(t *testing.T) {
	// Japanese text takes two columns per character; the amounts stay aligned.
	d := renderSample(t)
	d.Language = language.Japanese
	d.Invoice.Lines[0].Description = "管理対象ワークステーション"
	var b bytes.Buffer
	require.NoError(t, invoice.Text(&b, d))
	var rows []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "管理") || strings.HasPrefix(l, "Managed servers") {
			rows = append(rows, l)
		}
	}
	require.Len(t, rows, 2)
	width := func(s string) int {
		n := 0
		for _, r := range s {
			if r >= 0x3000 {
				n += 2
			} else {
				n++
			}
		}
		return n
	}
	require.Equal(t, width(rows[0]), width(rows[1]), "rows %q", rows)
}

func TestRenderLanguage(t *testing.T) {
	d := renderSample(t)
	d.Language = language.MustParse("de-DE")
	for name, got := range renderAll(t, d) {
		require.Contains(t, got, "$ 1.200,63", name)
		require.Contains(t, got, "6,25", name)
		require.Contains(t, got, "2,5", name)
		if strings.HasPrefix(name, "HTML") {
			require.Contains(t, got, `lang="de-DE"`, name)
		}
	}
}

func TestRenderUnknownTemplate(t *testing.T) {
	r, err := invoice.NewRenderer()
	require.NoError(t, err)
	var b bytes.Buffer
	err = r.HTML(&b, "fancy", renderSample(t))
	require.ErrorIs(t, err, psa.ErrNotFound)
	nf, ok := errors.AsType[*psa.NotFoundError](err)
	require.True(t, ok)
	require.Equal(t, "invoice template", nf.Kind)
	require.Contains(t, err.Error(), `"fancy"`)
	require.Zero(t, b.Len())
}

func TestRenderAddTemplateInvalid(t *testing.T) {
	for _, c := range []struct{ name, tmplName, source, reason string }{
		{"unclosed action", "broken", "<p>{{.Invoice.Number</p>", "does not parse"},
		{"unknown function", "broken", "<p>{{shout .Invoice.Number}}</p>", "does not parse"},
		{"unknown partial", "broken", `{{template "nope" .}}`, "cannot be escaped"},
		{"branches end in different contexts", "broken", `{{if .Invoice.Number}}<a href="{{end}}x">`, "cannot be escaped"},
		{"no name", "", "<p>hi</p>", "is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := invoice.NewRenderer()
			require.NoError(t, err)
			err = r.AddTemplate(c.tmplName, c.source)
			require.ErrorIs(t, err, psa.ErrInvalid)
			ve, ok := errors.AsType[*psa.ValidationError](err)
			require.True(t, ok)
			require.Contains(t, err.Error(), c.reason)
			if c.tmplName != "" {
				require.Contains(t, ve.Object, `"`+c.tmplName+`"`)
			}
			require.Equal(t, []string{"compact", "standard"}, r.Templates(), "a failed AddTemplate changes nothing")
		})
	}
}

func TestRenderCustomTemplate(t *testing.T) {
	r, err := invoice.NewRenderer()
	require.NoError(t, err)
	const src = `<h1>{{docNumber .Invoice}} for {{.To.Name}}</h1>
<p>Due {{date .Invoice.DueDate}}: {{money .Invoice.AmountDue}}</p>
{{template "lines" .}}`
	require.NoError(t, r.AddTemplate("brief", src))
	require.Equal(t, []string{"brief", "compact", "standard"}, r.Templates())
	var b bytes.Buffer
	require.NoError(t, r.HTML(&b, "brief", renderSample(t)))
	got := b.String()
	require.True(t, strings.HasPrefix(got, "<h1>INV-2026-000042 for Contoso Ltd</h1>\n<p>Due 2026-03-03: $ 700.63</p>"), got)
	require.Contains(t, got, `<td class="description">Managed servers<div class="org">Contoso East</div></td>`)

	// Replacing the default template changes what "" renders, in every language already used.
	b.Reset()
	require.NoError(t, r.HTML(&b, "", renderSample(t)))
	require.Contains(t, b.String(), "<!DOCTYPE html>")
	require.NoError(t, r.AddTemplate("standard", `<p>{{title .Invoice}} {{docNumber .Invoice}}</p>`))
	b.Reset()
	require.NoError(t, r.HTML(&b, "", renderSample(t)))
	require.Equal(t, "<p>Invoice INV-2026-000042</p>", b.String())
}

func TestRenderTemplateNamedLikeAPartial(t *testing.T) {
	// A template may be named like a partial it calls.
	r, err := invoice.NewRenderer()
	require.NoError(t, err)
	require.NoError(t, r.AddTemplate("lines", `<h1>{{docNumber .Invoice}}</h1>{{template "lines" .}}`))
	var b bytes.Buffer
	require.NoError(t, r.HTML(&b, "lines", renderSample(t)))
	require.Contains(t, b.String(), `<table class="lines">`)
}

func TestRenderTemplateFailsOnDocument(t *testing.T) {
	r, err := invoice.NewRenderer()
	require.NoError(t, err)
	require.NoError(t, r.AddTemplate("tenth", `<p>before</p>{{(index .Invoice.Lines 9).Description}}`))
	var b bytes.Buffer
	err = r.HTML(&b, "tenth", renderSample(t))
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.Contains(t, err.Error(), `invoice template "tenth"`)
	require.Contains(t, err.Error(), "INV-2026-000042")
	require.Zero(t, b.Len(), "nothing is written when rendering fails")
}

// renderFailingWriter fails every write.
type renderFailingWriter struct{}

var errRenderWrite = errors.New("disk full")

func (renderFailingWriter) Write([]byte) (int, error) { return 0, errRenderWrite }

func TestRenderWriterError(t *testing.T) {
	r, err := invoice.NewRenderer()
	require.NoError(t, err)
	d := renderSample(t)
	require.ErrorIs(t, r.HTML(renderFailingWriter{}, "", d), errRenderWrite)
	require.ErrorIs(t, invoice.Text(renderFailingWriter{}, d), errRenderWrite)
}

func TestRenderEmptyDocument(t *testing.T) {
	// A zero Document renders without error: nothing is required to print.
	for name, got := range renderAll(t, invoice.Document{}) {
		require.Contains(t, got, "DRAFT", name)
	}
}

func TestRenderHTMLConcurrent(t *testing.T) {
	r, err := invoice.NewRenderer()
	require.NoError(t, err)
	d := renderSample(t)
	tags := []language.Tag{language.AmericanEnglish, language.German, language.French, language.Japanese}
	var wg sync.WaitGroup
	errs := make([]error, 16)
	outs := make([]string, 16)
	for i := range errs {
		wg.Go(func() {
			dd := d
			dd.Language = tags[i%len(tags)]
			var b bytes.Buffer
			errs[i] = r.HTML(&b, []string{"standard", "compact"}[i%2], dd)
			outs[i] = b.String()
		})
	}
	var addErr error
	wg.Go(func() { addErr = r.AddTemplate("extra", "<p>{{docNumber .Invoice}}</p>") })
	wg.Wait()
	require.NoError(t, addErr)
	for i, err := range errs {
		require.NoError(t, err)
		want := invoice.FormatMoney(d.Invoice.Totals.Total, tags[i%len(tags)])
		require.Contains(t, outs[i], htmlEscapeForTest(want), "render %d", i)
	}
}

func TestFormatMoney(t *testing.T) {
	const nbsp = "\u00a0"
	for _, c := range []struct {
		amount, code, tag, want string
	}{
		{"1234.50", "USD", "en-US", "$ 1,234.50"},
		{"1234.5", "USD", "en-US", "$ 1,234.50"}, // padded to the minor unit
		{"0", "USD", "en-US", "$ 0.00"},
		{"0.07", "USD", "en-US", "$ 0.07"},
		{"-1234.50", "USD", "en-US", "$ -1,234.50"},
		{"1234567.89", "USD", "und", "$ 1,234,567.89"}, // language.Und is en-US
		{"1234.50", "EUR", "de-DE", "€ 1.234,50"},
		{"-1234.50", "EUR", "de-DE", "€ -1.234,50"},
		{"1234.50", "USD", "de-DE", "$ 1.234,50"},
		{"1234.50", "EUR", "fr-FR", "€ 1" + nbsp + "234,50"},
		{"1234567.50", "CHF", "fr-CH", "CHF 1" + nbsp + "234" + nbsp + "567,50"},
		{"1234567.50", "CHF", "de-CH", "CHF 1’234’567.50"},
		{"1235", "JPY", "ja-JP", "￥ 1,235"},
		{"1234.5", "JPY", "ja-JP", "￥ 1,234.5"}, // more decimals than the minor unit: as given
		{"-98765", "JPY", "ja-JP", "￥ -98,765"},
		{"12345678.50", "INR", "en-IN", "₹ 1,23,45,678.50"}, // lakh and crore grouping
		{"1234.50", "INR", "en-IN", "₹ 1,234.50"},
		{"100", "INR", "en-IN", "₹ 100.00"},
		{"0.085", "USD", "en-US", "$ 0.085"},       // a sub-cent unit price, never rounded
		{"12.500", "USD", "en-US", "$ 12.500"},     // the amount's own digits, as psa.Money.String
		{"0.125", "USD", "en-US", "$ 0.125"},       // x/text would round to $ 0.13
		{"1.5", "BHD", "en-US", "BHD 1.500"},       // three decimals
		{"1234.5", "EUR", "ar-EG", "€ 1,234.50"},   // Latin digits in Egypt
		{"1234.5", "EUR", "ar", "€ ١٬٢٣٤٫٥٠"},      // Arabic-Indic digits and separators
		{"-5", "SEK", "sv-SE", "kr −5,00"},         // U+2212 minus sign
		{"1234.5", "USD", "en-CA", "US$ 1,234.50"}, // the symbol depends on the locale
		{"123456789012345678901234567890.12", "USD", "en-US", "$ 123,456,789,012,345,678,901,234,567,890.12"},
		{"-9007199254740993.01", "USD", "en-US", "$ -9,007,199,254,740,993.01"}, // 2^53+1: beyond float64
		{"0.000000000000000000000000000001", "USD", "en-US", "$ 0.000000000000000000000000000001"},
	} {
		t.Run(c.tag+" "+c.amount+" "+c.code, func(t *testing.T) {
			m := renderMoney(t, c.amount, c.code)
			require.Equal(t, c.want, invoice.FormatMoney(m, language.MustParse(c.tag)))
		})
	}
}

func TestFormatMoneyEdgeAmounts(t *testing.T) {
	usd := func(d decimal.Decimal) psa.Money {
		m, err := psa.NewMoney(d, currency.USD)
		require.NoError(t, err)
		return m
	}
	en := language.AmericanEnglish
	require.Equal(t, "$ 1,200.00", invoice.FormatMoney(usd(decimal.New(12, 2)), en)) // positive exponent
	require.Equal(t, "$ 0.00", invoice.FormatMoney(usd(decimal.New(0, 5)), en))
	require.Equal(t, "$ 1e2000", invoice.FormatMoney(usd(decimal.New(1, 2000)), en))
	require.Equal(t, "$ -12e-3000", invoice.FormatMoney(usd(decimal.New(-12, -3000)), en))
	require.Equal(t, "XXX 0.00", invoice.FormatMoney(psa.Money{}, en))
	// language.Und is English (US), where x/text's root locale would write "US$".
	require.Equal(t, "$ 1,234.50", invoice.FormatMoney(renderMoney(t, "1234.50", "USD"), language.Und))
}

// TestFormatMoneyMatchesXText checks FormatMoney against x/text's own currency formatting, for
// amounts that float64 holds exactly and that have the currency's minor-unit decimals (x/text
// rounds to them; FormatMoney prints the digits as given).
func TestFormatMoneyMatchesXText(t *testing.T) {
	tags := []string{"en-US", "en-GB", "en-IN", "de-DE", "de-CH", "fr-FR", "fr-CH", "es-ES", "it-IT", "nl-NL", "pt-BR",
		"sv-SE", "pl-PL", "ru-RU", "ja-JP", "zh-CN", "ko-KR", "hi-IN", "ar", "ar-EG", "fa-IR", "he-IL", "th-TH", "my", "bn"}
	amounts := []float64{0, 1, 7.5, 12.25, 999.75, 1234.5, -1234.5, 1e6, 12345678.75, -98765432.5, 4503599627370495.5}
	curs := []currency.Unit{currency.USD, currency.EUR, currency.JPY, currency.INR, currency.CHF, currency.MustParseISO("BHD")}
	for _, tagText := range tags {
		tag := language.MustParse(tagText)
		p := message.NewPrinter(tag)
		for _, cur := range curs {
			scale := psa.MinorUnitScale(cur)
			for _, a := range amounts {
				d := decimal.NewFromFloat(a)
				if !d.Round(scale).Equal(d) {
					continue // x/text would round it; FormatMoney does not
				}
				m, err := psa.NewMoney(d, cur)
				require.NoError(t, err)
				want := p.Sprint(currency.Symbol(cur.Amount(a)))
				require.Equal(t, want, invoice.FormatMoney(m, tag), "%s %v %s", tagText, a, cur)
			}
		}
	}
}

func BenchmarkRenderHTML(b *testing.B) {
	r, err := invoice.NewRenderer()
	require.NoError(b, err)
	d := renderSample(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := r.HTML(&buf, "", d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderText(b *testing.B) {
	d := renderSample(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := invoice.Text(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatMoney(b *testing.B) {
	m, _ := psa.ParseMoney("1234567.89", "EUR")
	tag := language.MustParse("de-DE")
	for b.Loop() {
		_ = invoice.FormatMoney(m, tag)
	}
}
