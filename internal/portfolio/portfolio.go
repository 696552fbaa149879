package portfolio

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
)

// Config says which portfolio to generate.
type Config struct {
	// Clients is the number of clients, sub-organizations included (one in ten is one).
	Clients int
	// Seed selects the portfolio: the same seed gives the same data.
	Seed uint64
	// AsOf is the date of the run the portfolio is prepared for, the first of a month; the zero
	// Date means 2026-12-01. The previous run is on the first of the month before.
	AsOf psa.Date
}

// DefaultAsOf is the run date of a Config without one.
var DefaultAsOf = psa.NewDate(2026, 12, 1)

// Portfolio is a generated portfolio: a pure function of its Config, generated client by client
// as it is loaded (so that a large one never sits in memory twice).
type Portfolio struct {
	cfg  Config
	prev psa.Date
}

// New returns the portfolio of cfg. Clients must be positive and AsOf, when set, the first of a
// month.
func New(cfg Config) (*Portfolio, error) {
	if cfg.Clients <= 0 {
		return nil, psa.Invalid("portfolio", "clients", fmt.Sprint(cfg.Clients), "must be positive")
	}
	if cfg.AsOf.IsZero() {
		cfg.AsOf = DefaultAsOf
	}
	if cfg.AsOf.Day() != 1 {
		return nil, psa.Invalid("portfolio", "asOf", cfg.AsOf.String(), "must be the first of a month")
	}
	return &Portfolio{cfg: cfg, prev: cfg.AsOf.AddMonths(-1)}, nil
}

// Config returns the portfolio's configuration, defaults filled in.
func (p *Portfolio) Config() Config { return p.cfg }

// AsOf returns the date of the run the portfolio is prepared for.
func (p *Portfolio) AsOf() psa.Date { return p.cfg.AsOf }

// Previous returns the date of the run Load makes before the month's activity.
func (p *Portfolio) Previous() psa.Date { return p.prev }

// region is a tax region with the currency its clients are billed in and an address there.
type region struct {
	tax      invoice.TaxRegion
	currency string
	weight   int // out of 100
	city     string
	country  string
}

func rate(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var regions = []region{
	{invoice.TaxRegion{Code: "US-IL", Name: "Illinois", Components: []invoice.TaxComponent{{Name: "State", Rate: rate("6.25")}, {Name: "County", Rate: rate("1.75")}}},
		"USD", 35, "Springfield", "US"},
	{invoice.TaxRegion{Code: "US-TX-AUSTIN", Name: "Austin, Texas", Components: []invoice.TaxComponent{{Name: "State", Rate: rate("6.25")}, {Name: "City", Rate: rate("2")}}},
		"USD", 20, "Austin", "US"},
	{invoice.TaxRegion{Code: "DE", Name: "Germany", Components: []invoice.TaxComponent{{Name: "VAT", Rate: rate("19")}}},
		"EUR", 15, "Berlin", "DE"},
	{invoice.TaxRegion{Code: "GB", Name: "United Kingdom", Components: []invoice.TaxComponent{{Name: "VAT", Rate: rate("20")}}},
		"GBP", 12, "London", "GB"},
	{invoice.TaxRegion{Code: "CA-QC", Name: "Quebec", Components: []invoice.TaxComponent{{Name: "GST", Rate: rate("5")}, {Name: "QST", Rate: rate("9.975")}}},
		"CAD", 10, "Montreal", "CA"},
	{invoice.TaxRegion{Code: "JP", Name: "Japan", Components: []invoice.TaxComponent{{Name: "Consumption tax", Rate: rate("10")}}},
		"JPY", 8, "Osaka", "JP"},
}

// TaxRegions returns the tenant's tax regions: billing.Options.TaxRegions of a service billing
// the portfolio.
func TaxRegions() []invoice.TaxRegion {
	out := make([]invoice.TaxRegion, len(regions))
	for i, r := range regions {
		out[i] = r.tax
	}
	return out
}

// Currencies returns the currencies clients are billed in.
func Currencies() []string { return []string{"USD", "EUR", "GBP", "CAD", "JPY"} }

// priceIn converts a price in US cents to cur's minor units at a fixed rate (whole yen for JPY).
func priceIn(cents int64, cur string) int64 {
	switch cur {
	case "EUR":
		return cents * 92 / 100
	case "GBP":
		return cents * 79 / 100
	case "CAD":
		return cents * 136 / 100
	case "JPY":
		return cents * 3 / 2
	}
	return cents
}

// catalogItem is a recurring service an MSP sells per device, per seat or as a fixed fee.
type catalogItem struct {
	name   string
	kind   contract.UnitKind
	cents  int64
	lo, hi int // quantity range
}

var managed = []catalogItem{
	{"Managed workstation", contract.UnitDevice, 4500, 5, 80},
	{"Managed server", contract.UnitDevice, 15000, 1, 6},
	{"Microsoft 365 Business Premium", contract.UnitSeat, 2200, 5, 120},
	{"Backup per device", contract.UnitDevice, 1250, 5, 80},
	{"Endpoint security", contract.UnitDevice, 675, 5, 90},
	{"Firewall management", contract.UnitFixed, 19900, 1, 1},
	{"Help desk per user", contract.UnitSeat, 3500, 5, 100},
	{"Email security", contract.UnitSeat, 325, 5, 120},
	{"Network monitoring", contract.UnitFixed, 9900, 1, 1},
}

var hardware = []struct {
	name  string
	cents int64
}{
	{"Business laptop", 129900}, {"24-port switch", 48900}, {"Docking station", 21900},
	{"Cat6 patch cables (10)", 1999}, {"Antivirus licence, 1 year", 9900}, {"UPS 1500 VA", 64950},
}

// spec is one generated client: its profile, billing information (nil for a sub-organization
// billed to its parent), contracts, time and sales.
type spec struct {
	name      string
	sub       bool // billed to the client before it
	billing   *client.BillingInfo
	cur       string
	contracts []contractSpec
	work      []workSpec
	sale      billing.Item
}

type contractSpec struct {
	terms   contract.Terms
	parts   []contract.NewPart
	changes []quantityChange
}

// quantityChange changes the quantity of a part from a day of the month before the run.
type quantityChange struct {
	part int
	from psa.Date
	qty  decimal.Decimal
}

// workSpec is a time entry; contract is an index into the client's contracts or -1.
type workSpec struct {
	contract int
	role     string
	date     psa.Date
	duration time.Duration
	billable bool
	note     string
	public   bool
	approve  bool
}

// gen draws one client's data from its own random stream.
type gen struct {
	rng *rand.Rand
	cur string
	err error
}

func (g *gen) chance(p float64) bool          { return g.rng.Float64() < p }
func (g *gen) between(lo, hi int) int         { return lo + g.rng.IntN(hi-lo+1) }
func (g *gen) qty(lo, hi int) decimal.Decimal { return decimal.NewFromInt(int64(g.between(lo, hi))) }

// money returns a US-cent price in the client's currency.
func (g *gen) money(cents int64) psa.Money {
	m, err := psa.MoneyFromMinor(priceIn(cents, g.cur), g.cur)
	if err != nil && g.err == nil {
		g.err = err
	}
	return m
}

// familyOf returns the index of the bill-to client of client i: sub-organizations (one in ten)
// are billed to the client before them.
func familyOf(i int) (int, bool) {
	if i%10 == 9 {
		return i - 1, true
	}
	return i, false
}

// regionOf returns the tax region of the bill-to client with index i.
func (p *Portfolio) regionOf(i int) region {
	x := rand.New(rand.NewPCG(p.cfg.Seed^0x7A8_2E61_0000, uint64(i))).IntN(100)
	for _, r := range regions {
		if x < r.weight {
			return r
		}
		x -= r.weight
	}
	return regions[0]
}

// client generates client i.
func (p *Portfolio) client(i int) (spec, error) {
	family, sub := familyOf(i)
	reg := p.regionOf(family)
	g := &gen{rng: rand.New(rand.NewPCG(p.cfg.Seed, uint64(i))), cur: reg.currency}
	s := spec{name: fmt.Sprintf("Client %06d", i+1), sub: sub, cur: reg.currency}
	if sub {
		s.name = fmt.Sprintf("Client %06d Branch", family+1)
	} else {
		s.billing = p.billingInfo(g, i, reg)
	}
	s.contracts = append(s.contracts, p.recurring(g, "Managed services", 4, 6))
	if g.chance(0.7) {
		s.contracts = append(s.contracts, p.timeAndMaterials(g))
	}
	switch x := g.rng.IntN(100); {
	case x < 40:
		s.contracts = append(s.contracts, p.recurring(g, "Security bundle", 3, 5))
	case x < 55:
		s.contracts = append(s.contracts, p.fixedPrice(g))
	case x < 70:
		s.contracts = append(s.contracts, p.retainer(g, contract.RetainerAmount))
	case x < 80:
		s.contracts = append(s.contracts, p.retainer(g, contract.RetainerHours))
	case x < 85:
		s.contracts = append(s.contracts, p.retainer(g, contract.PerTicket))
	}
	if g.chance(0.3) {
		s.contracts = append(s.contracts, p.recurring(g, "Cloud hosting", 2, 4))
	}
	s.work = p.work(g, s.contracts)
	h := hardware[g.rng.IntN(len(hardware))]
	s.sale = billing.Item{Description: h.name, Quantity: g.qty(1, 5), UnitPrice: g.money(h.cents), Date: p.monthDay(g)}
	if g.chance(0.15) {
		s.sale.PONumber = fmt.Sprintf("PO-%05d", g.between(1, 99999))
	}
	return s, g.err
}

func (p *Portfolio) billingInfo(g *gen, i int, reg region) *client.BillingInfo {
	cur, err := psa.ParseCurrency(reg.currency)
	if err != nil {
		g.err = err
	}
	terms, err := psa.NetDays(30)
	switch x := g.rng.IntN(10); {
	case x >= 9:
		terms = psa.DueOnReceipt()
	case x >= 7:
		terms, err = psa.NetDays(14)
	}
	if err != nil {
		g.err = err
	}
	return &client.BillingInfo{
		Address:      psa.Address{Line1: fmt.Sprintf("%d Market Street", g.between(1, 999)), City: reg.city, PostalCode: fmt.Sprintf("%05d", g.between(1000, 99999)), Country: reg.country},
		Attention:    "Accounts payable",
		InvoiceEmail: fmt.Sprintf("ap@client%06d.example", i+1),
		TaxRegion:    reg.tax.Code,
		Currency:     cur,
		PaymentTerms: terms,
	}
}

// start returns a contract start: most contracts started in the year before the previous run;
// one in twelve starts in the month being billed.
func (p *Portfolio) start(g *gen) psa.Date {
	if g.chance(1.0 / 12) {
		return p.prev.AddDays(g.between(1, 25))
	}
	return p.prev.AddMonths(-g.between(0, 11)).AddDays(-g.between(1, 27))
}

// monthDay returns a day of the month before the run date (from the previous run on).
func (p *Portfolio) monthDay(g *gen) psa.Date {
	return p.prev.AddDays(g.rng.IntN(psa.DaysBetween(p.prev, p.cfg.AsOf)))
}

func (p *Portfolio) recurring(g *gen, name string, lo, hi int) contractSpec {
	start := p.start(g)
	t := contract.Terms{Name: name, Type: contract.Recurring, Start: start,
		Schedule: contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar}, Timing: contract.InAdvance}
	switch x := g.rng.IntN(100); {
	case x < 10:
		t.Timing = contract.InArrears
	case x < 18:
		t.Schedule.Cycle = contract.Quarterly
	case x < 23:
		t.Schedule = contract.Schedule{Cycle: contract.Annual, Alignment: contract.AlignAnniversary}
	case x < 30:
		t.Schedule.Alignment = contract.AlignAnniversary
	}
	if g.chance(0.05) {
		t.DayCount = contract.Thirty360
	}
	if g.chance(0.1) {
		t.SetupFee = g.money(int64(g.between(100, 1000)) * 100)
	}
	if g.chance(0.15) {
		t.BillingPrice = g.money(int64(g.between(50, 500)) * 100)
	}
	if g.chance(0.1) {
		t.PONumber = fmt.Sprintf("PO-%05d", g.between(1, 99999))
	}
	if g.chance(0.1) {
		t.PaymentTerms, _ = psa.NetDays(45)
	}
	if g.chance(0.1) {
		t.End = p.cfg.AsOf.AddMonths(g.between(1, 24)).AddDays(-1)
		t.Renewal.Auto = g.chance(0.5)
	}
	k := contractSpec{terms: t}
	for _, j := range g.rng.Perm(len(managed))[:g.between(lo, hi)] {
		item := managed[j]
		np := contract.NewPart{Description: item.name, UnitKind: item.kind, UnitPrice: g.money(item.cents), Quantity: g.qty(item.lo, item.hi)}
		if g.chance(0.1) {
			np.DiscountPercent = decimal.NewFromInt(int64(5 * g.between(1, 4)))
		}
		k.parts = append(k.parts, np)
	}
	// Quantity changes in the middle of the month: one part in five.
	for j, np := range k.parts {
		if np.UnitKind == contract.UnitFixed || !g.chance(0.2) {
			continue
		}
		from := p.prev.AddDays(g.between(1, psa.DaysBetween(p.prev, p.cfg.AsOf)-1))
		if !from.After(start) {
			continue
		}
		delta := g.between(-3, 5)
		q := np.Quantity.Add(decimal.NewFromInt(int64(delta)))
		if q.IsNegative() || delta == 0 {
			q = np.Quantity.Add(decimal.NewFromInt(1))
		}
		k.changes = append(k.changes, quantityChange{part: j, from: from, qty: q})
	}
	return k
}

func (p *Portfolio) timeAndMaterials(g *gen) contractSpec {
	t := contract.Terms{Name: "Break/fix", Type: contract.TimeAndMaterials, Start: p.start(g)}
	if g.chance(0.3) {
		t.Cap = g.money(int64(g.between(5, 40)) * 10000)
	}
	if g.chance(0.2) {
		t.Rates = []client.RateOverride{{Role: "engineer", Rate: g.money(16500)}}
	}
	if g.chance(0.1) {
		t.PONumber = fmt.Sprintf("PO-%05d", g.between(1, 99999))
	}
	if g.chance(0.1) {
		t.Rounding = psa.RoundHalfEven
	}
	return contractSpec{terms: t}
}

func (p *Portfolio) fixedPrice(g *gen) contractSpec {
	t := contract.Terms{Name: "Office move project", Type: contract.FixedPrice, Start: p.start(g),
		BillAmount: g.money(int64(g.between(20, 300)) * 10000)}
	if g.chance(0.3) {
		t.SetupFee = g.money(50000)
	}
	return contractSpec{terms: t}
}

func (p *Portfolio) retainer(g *gen, typ contract.Type) contractSpec {
	t := contract.Terms{Name: "Retainer", Type: typ, Start: p.start(g),
		Schedule: contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignCalendar}}
	switch typ {
	case contract.RetainerAmount:
		t.BillingPrice = g.money(int64(g.between(10, 50)) * 10000)
	case contract.RetainerHours:
		t.Name, t.Hours, t.OverageRate = "Block of hours", g.qty(5, 40), g.money(14500)
	case contract.PerTicket:
		t.Name, t.Hours, t.Schedule = "Incident pack", g.qty(5, 20), contract.Schedule{}
		t.SetupFee = g.money(int64(g.between(5, 20)) * 10000)
	}
	return contractSpec{terms: t}
}

// work returns about twenty approved time entries, and a couple waiting for approval, in the
// month before the run, against the client's contracts (mostly time and materials).
func (p *Portfolio) work(g *gen, contracts []contractSpec) []workSpec {
	tm, other := -1, -1
	for j, k := range contracts {
		switch k.terms.Type {
		case contract.TimeAndMaterials:
			tm = j
		case contract.RetainerAmount, contract.RetainerHours, contract.PerTicket:
			other = j
		}
	}
	n := g.between(16, 24)
	out := make([]workSpec, 0, n+2)
	for j := range n + 2 {
		w := workSpec{contract: tm, role: "technician", date: p.monthDay(g), duration: time.Duration(g.between(2, 48)) * 5 * time.Minute,
			billable: g.chance(0.9), approve: j < n}
		switch x := g.rng.IntN(100); {
		case x < 15:
			w.contract = 0 // covered by the managed-services contract
		case x < 25 && other >= 0:
			w.contract = other
		case x < 35:
			w.contract = -1 // no contract: billed at the default rates
		}
		if w.contract >= 0 && contracts[w.contract].terms.Start.After(w.date) {
			w.date = contracts[w.contract].terms.Start
		}
		if g.chance(0.3) {
			w.role = "engineer"
		}
		if g.chance(0.4) {
			w.note, w.public = "Resolved user issue", g.chance(0.5)
		}
		out = append(out, w)
	}
	return out
}
