package contract_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
)

// managed creates an active monthly recurring contract for 2026 with one priced part of 10
// workstations at 30.00 USD, for a new USD client.
func managed(t *testing.T, e *env) (contract.Contract, contract.Part) {
	t.Helper()
	cl := e.customer(t, "Acme", "USD")
	c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2026-01-01", "2026-12-31"),
		Parts: []contract.NewPart{priced(t, "Workstations", "30.00", 10)}})
	return c, parts[0]
}

// TestAddPart adds a priced part: the part gets its defaults, the contract stays active, the
// history records it.
func TestAddPart(t *testing.T) {
	e := newEnv(t)
	c, _ := managed(t, e)
	e.now = t0.Add(time.Hour)
	np := contract.NewPart{ServiceID: serviceID(4), Description: "Firewall", UnitPrice: usd(t, "75.00"), Quantity: dec(t, "2"), End: day(t, "2026-09-30")}
	p, err := e.svc.AddPart(t.Context(), c.ID, np)
	require.NoError(t, err)
	want := contract.Part{ID: p.ID, ContractID: c.ID, ServiceID: np.ServiceID, Description: "Firewall", UnitPrice: np.UnitPrice,
		UnitKind: contract.UnitFixed, Start: c.Start, End: np.End, Quantities: []contract.Quantity{{From: c.Start, Quantity: dec(t, "2")}},
		CreatedAt: e.now, UpdatedAt: e.now, Version: 1}
	diff(t, want, p, "returned part")
	diff(t, want, e.part(t, p.ID), "stored part")
	require.Len(t, e.parts(t, c.ID), 2)
	got := e.get(t, c.ID)
	require.Equal(t, contract.StatusActive, got.Status)
	require.Equal(t, c.Version, got.Version, "adding a priced part changed the contract")
	if what := e.lastWhat(t, c.ID); !strings.Contains(what, "Firewall") {
		t.Errorf("history %q does not record the added part", what)
	}
}

// TestAddPartRefused: invalid parts and unknown contracts store nothing.
func TestAddPartRefused(t *testing.T) {
	tests := []struct {
		name string
		part func(t *testing.T) contract.NewPart
		want []string
	}{
		{"before the contract", func(t *testing.T) contract.NewPart {
			p := priced(t, "X", "1.00", 1)
			p.Start = day(t, "2025-12-01")
			return p
		}, []string{"part.start=2025-12-01"}},
		{"after the contract", func(t *testing.T) contract.NewPart {
			p := priced(t, "X", "1.00", 1)
			p.End = day(t, "2027-01-31")
			return p
		}, []string{"part.end=2027-01-31"}},
		{"another currency", func(t *testing.T) contract.NewPart {
			p := priced(t, "X", "1.00", 1)
			p.UnitPrice = money(t, "1.00", "EUR")
			return p
		}, []string{"part.unitPrice=1.00 EUR"}},
		{"negative quantity and discount", func(t *testing.T) contract.NewPart {
			p := priced(t, "X", "1.00", -2)
			p.DiscountPercent = dec(t, "-5")
			return p
		}, []string{"part.quantity=-2", "part.discountPercent=-5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c, _ := managed(t, e)
			before := e.state(t, c.ID)
			_, err := e.svc.AddPart(t.Context(), c.ID, tt.part(t))
			diff(t, tt.want, invalid(t, err, "contract part"), "invalid fields")
			e.unchanged(t, c.ID, before)
		})
	}
	t.Run("unknown contract", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.AddPart(t.Context(), psa.ContractID{UUID: serviceID(1).UUID}, priced(t, "X", "1.00", 1))
		require.ErrorIs(t, err, psa.ErrNotFound)
		require.Empty(t, e.all(t))
	})
}

// TestPricingActivates: an unpriced part turns an active contract into a draft; pricing it and
// activating makes it active again.
func TestPricingActivates(t *testing.T) {
	e := newEnv(t)
	c, _ := managed(t, e)
	p, err := e.svc.AddPart(t.Context(), c.ID, unpriced("Backup", 5))
	require.NoError(t, err)
	require.False(t, p.PriceSet())
	c = e.get(t, c.ID)
	require.Equal(t, contract.StatusDraft, c.Status)

	p, err = e.svc.SetPartPrice(t.Context(), p.ID, p.Version, usd(t, "4.50"), usd(t, "2.00"))
	require.NoError(t, err)
	diff(t, usd(t, "4.50"), p.UnitPrice, "unit price")
	diff(t, usd(t, "2.00"), p.UnitCost, "unit cost")
	diff(t, p, e.part(t, p.ID), "stored part")
	if what := e.lastWhat(t, c.ID); !strings.Contains(what, "unset -> 4.50 USD") {
		t.Errorf("history %q does not record the price with old and new values", what)
	}
	require.Equal(t, contract.StatusDraft, e.get(t, c.ID).Status, "pricing activated the contract by itself")

	got, err := e.svc.Activate(t.Context(), c.ID, c.Version)
	require.NoError(t, err)
	require.Equal(t, contract.StatusActive, got.Status)
	diff(t, got, e.get(t, c.ID), "stored contract")
	require.Equal(t, "activated", e.lastWhat(t, c.ID))
}

// TestActivateRefused: an unpriced part is listed; an active contract is not a draft; a stale
// version is a conflict. Nothing changes.
func TestActivateRefused(t *testing.T) {
	t.Run("unpriced parts listed", func(t *testing.T) {
		e := newEnv(t)
		cl := e.customer(t, "Acme", "USD")
		c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", ""),
			Parts: []contract.NewPart{unpriced("Backup", 5), priced(t, "Support", "10.00", 1), unpriced("Email", 20)}})
		require.Equal(t, contract.StatusDraft, c.Status)
		before := e.state(t, c.ID)
		_, err := e.svc.Activate(t.Context(), c.ID, c.Version)
		diff(t, []string{"parts[0].unitPrice=Backup", "parts[2].unitPrice=Email"}, invalid(t, err, "contract"), "invalid fields")
		e.unchanged(t, c.ID, before)
	})
	t.Run("already active", func(t *testing.T) {
		e := newEnv(t)
		c, _ := managed(t, e)
		before := e.state(t, c.ID)
		_, err := e.svc.Activate(t.Context(), c.ID, c.Version)
		pe := precondition(t, err)
		require.Equal(t, c.ID.String(), pe.ID)
		e.unchanged(t, c.ID, before)
	})
	t.Run("stale version", func(t *testing.T) {
		e := newEnv(t)
		cl := e.customer(t, "Acme", "USD")
		c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", ""), Parts: []contract.NewPart{unpriced("Backup", 5)}})
		_, err := e.svc.SetPartPrice(t.Context(), parts[0].ID, parts[0].Version, usd(t, "1.00"), psa.Money{})
		require.NoError(t, err)
		_, err = e.svc.Activate(t.Context(), c.ID, c.Version+1)
		require.ErrorIs(t, err, psa.ErrConflict)
		require.Equal(t, contract.StatusDraft, e.get(t, c.ID).Status)
	})
}

// TestSetPartPriceRefused: the price is required and must be in the contract's currency, the cost
// too when given; nothing changes.
func TestSetPartPriceRefused(t *testing.T) {
	tests := []struct {
		name        string
		price, cost func(t *testing.T) psa.Money
		version     int64
		want        []string
		conflict    bool
	}{
		{"price in another currency", func(t *testing.T) psa.Money { return money(t, "5.00", "EUR") }, func(*testing.T) psa.Money { return psa.Money{} }, 1,
			[]string{"unitPrice=5.00 EUR"}, false},
		{"no price", func(*testing.T) psa.Money { return psa.Money{} }, func(*testing.T) psa.Money { return psa.Money{} }, 1,
			[]string{"unitPrice="}, false},
		{"negative price and foreign cost", func(t *testing.T) psa.Money { return usd(t, "-1.00") }, func(t *testing.T) psa.Money { return money(t, "1.00", "GBP") }, 1,
			[]string{"unitPrice=-1.00 USD", "unitCost=1.00 GBP"}, false},
		{"stale version", func(t *testing.T) psa.Money { return usd(t, "5.00") }, func(*testing.T) psa.Money { return psa.Money{} }, 2,
			nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", ""), Parts: []contract.NewPart{unpriced("Backup", 5)}})
			before := e.state(t, c.ID)
			_, err := e.svc.SetPartPrice(t.Context(), parts[0].ID, tt.version, tt.price(t), tt.cost(t))
			if tt.conflict {
				require.ErrorIs(t, err, psa.ErrConflict)
			} else {
				diff(t, tt.want, invalid(t, err, "contract part"), "invalid fields")
			}
			e.unchanged(t, c.ID, before)
		})
	}
}

// TestChangeQuantity keeps every dated quantity in order: a later change is appended, a change
// on the same date replaces, an earlier one is inserted without removing later ones.
func TestChangeQuantity(t *testing.T) {
	type change struct {
		from string
		q    int64
	}
	type q struct {
		from string
		q    int64
	}
	tests := []struct {
		name    string
		changes []change
		want    []q
	}{
		{"one later change", []change{{"2026-04-01", 12}}, []q{{"2026-01-01", 10}, {"2026-04-01", 12}}},
		{"changes in order", []change{{"2026-04-01", 12}, {"2026-07-15", 8}}, []q{{"2026-01-01", 10}, {"2026-04-01", 12}, {"2026-07-15", 8}}},
		{"same date replaces", []change{{"2026-04-01", 12}, {"2026-04-01", 15}}, []q{{"2026-01-01", 10}, {"2026-04-01", 15}}},
		{"on the start date replaces the first", []change{{"2026-01-01", 11}}, []q{{"2026-01-01", 11}}},
		{"earlier change inserted, later ones kept", []change{{"2026-07-01", 20}, {"2026-04-01", 15}},
			[]q{{"2026-01-01", 10}, {"2026-04-01", 15}, {"2026-07-01", 20}}},
		{"inserted between two", []change{{"2026-04-01", 12}, {"2026-10-01", 14}, {"2026-06-01", 0}},
			[]q{{"2026-01-01", 10}, {"2026-04-01", 12}, {"2026-06-01", 0}, {"2026-10-01", 14}}},
		{"on the last day", []change{{"2026-12-31", 1}}, []q{{"2026-01-01", 10}, {"2026-12-31", 1}}},
		{"to zero", []change{{"2026-04-01", 0}}, []q{{"2026-01-01", 10}, {"2026-04-01", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.at(t, "2026-01-01")
			c, p := managed(t, e)
			for i, ch := range tt.changes {
				old := p.QuantityOn(day(t, ch.from))
				got, err := e.svc.ChangeQuantity(t.Context(), p.ID, p.Version, day(t, ch.from), decimal.NewFromInt(ch.q))
				require.NoError(t, err)
				require.Equal(t, p.Version+1, got.Version)
				p = got
				h := e.history(t, c.ID)
				require.Len(t, h, i+2)
				for _, s := range []string{"Workstations", old.String() + " -> " + decimal.NewFromInt(ch.q).String(), ch.from} {
					if !strings.Contains(h[i+1].What, s) {
						t.Errorf("history %q does not record %q", h[i+1].What, s)
					}
				}
			}
			want := make([]contract.Quantity, len(tt.want))
			for i, w := range tt.want {
				want[i] = contract.Quantity{From: day(t, w.from), Quantity: decimal.NewFromInt(w.q)}
			}
			diff(t, want, p.Quantities, "returned quantities")
			diff(t, want, e.part(t, p.ID).Quantities, "stored quantities")
		})
	}
}

// TestChangeQuantityNothingToRecord: the quantity already in force records nothing and keeps the
// version.
func TestChangeQuantityNothingToRecord(t *testing.T) {
	e := newEnv(t)
	c, p := managed(t, e)
	p, err := e.svc.ChangeQuantity(t.Context(), p.ID, p.Version, day(t, "2026-04-01"), dec(t, "12"))
	require.NoError(t, err)
	before := e.state(t, c.ID)
	for _, tc := range []struct{ from, q string }{{"2026-05-01", "12"}, {"2026-04-01", "12.0"}, {"2026-02-01", "10"}} {
		got, err := e.svc.ChangeQuantity(t.Context(), p.ID, p.Version, day(t, tc.from), dec(t, tc.q))
		require.NoError(t, err)
		diff(t, p, got, "part after a change to the same quantity")
	}
	e.unchanged(t, c.ID, before)
}

// TestChangeQuantityRefused: dates outside the part's service, negative quantities, stale
// versions and unknown parts; nothing changes.
func TestChangeQuantityRefused(t *testing.T) {
	tests := []struct {
		name    string
		from    string
		q       string
		version int64 // 0 means the part's
		check   func(t *testing.T, err error)
	}{
		{"before the part starts", "2026-01-31", "5", 0, func(t *testing.T, err error) {
			diff(t, []string{"from=2026-01-31"}, invalid(t, err, "contract part"), "invalid fields")
		}},
		{"after the part ends", "2026-07-01", "5", 0, func(t *testing.T, err error) {
			diff(t, []string{"from=2026-07-01"}, invalid(t, err, "contract part"), "invalid fields")
		}},
		{"negative", "2026-03-01", "-1", 0, func(t *testing.T, err error) {
			diff(t, []string{"quantity=-1"}, invalid(t, err, "contract part"), "invalid fields")
		}},
		{"stale version", "2026-03-01", "5", 7, func(t *testing.T, err error) {
			require.ErrorIs(t, err, psa.ErrConflict)
			ve, ok := errors.AsType[*psa.VersionConflictError](err)
			require.Truef(t, ok, "error %v (%T) is not a *psa.VersionConflictError", err, err)
			if ve.Given != 7 || ve.Stored != 1 {
				t.Errorf("conflict given %d stored %d, want 7 and 1", ve.Given, ve.Stored)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			np := priced(t, "Project", "10.00", 2)
			np.Start, np.End = day(t, "2026-02-01"), day(t, "2026-06-30")
			c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", "2026-12-31"), Parts: []contract.NewPart{np}})
			before := e.state(t, c.ID)
			version := tt.version
			if version == 0 {
				version = parts[0].Version
			}
			_, err := e.svc.ChangeQuantity(t.Context(), parts[0].ID, version, day(t, tt.from), dec(t, tt.q))
			tt.check(t, err)
			e.unchanged(t, c.ID, before)
		})
	}
	t.Run("after the contract ends", func(t *testing.T) {
		e := newEnv(t)
		c, p := managed(t, e)
		before := e.state(t, c.ID)
		_, err := e.svc.ChangeQuantity(t.Context(), p.ID, p.Version, day(t, "2027-01-01"), dec(t, "5"))
		diff(t, []string{"from=2027-01-01"}, invalid(t, err, "contract part"), "invalid fields")
		e.unchanged(t, c.ID, before)
	})
	t.Run("unknown part", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.ChangeQuantity(t.Context(), psa.PartID{UUID: serviceID(1).UUID}, 1, day(t, "2026-01-01"), dec(t, "5"))
		require.ErrorIs(t, err, psa.ErrNotFound)
	})
}

// TestChangeQuantityBilledHistory: a change dated before today inside service already invoiced
// is a *contract.BilledHistoryError; from today on it is accepted, even inside a period billed in
// advance.
func TestChangeQuantityBilledHistory(t *testing.T) {
	est := time.FixedZone("UTC-5", -5*60*60)
	tests := []struct {
		name     string
		now      time.Time
		loc      *time.Location
		billed   string // BilledThrough: the day after the last invoiced day
		from     string
		refused  bool
		wantFrom string
	}{
		{"before today, inside billed service", t0, nil, "2026-04-01", "2026-03-10", true, "2026-03-10"},
		{"yesterday, inside billed service", t0, nil, "2026-04-01", "2026-03-19", true, "2026-03-19"},
		{"before today, before the last billed day", t0, nil, "2026-03-20", "2026-03-19", true, "2026-03-19"},
		{"today, inside billed service", t0, nil, "2026-04-01", "2026-03-20", false, ""},
		{"after today, inside billed service", t0, nil, "2026-04-01", "2026-03-25", false, ""},
		{"before today, not billed yet", t0, nil, "2026-03-01", "2026-03-10", false, ""},
		{"before today, on the first unbilled day", t0, nil, "2026-03-01", "2026-03-01", false, ""},
		{"nothing billed", t0, nil, "", "2026-02-01", false, ""},
		{"today in the tenant's zone is still yesterday in UTC", time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC), est, "2026-04-01", "2026-03-19", false, ""},
		{"same instant in UTC", time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC), nil, "2026-04-01", "2026-03-19", true, "2026-03-19"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *contract.Options) { o.Location = tt.loc })
			c, p := managed(t, e)
			e.now = tt.now
			if tt.billed != "" {
				p = e.setBilled(t, p.ID, day(t, tt.billed))
			}
			before := e.state(t, c.ID)
			got, err := e.svc.ChangeQuantity(t.Context(), p.ID, p.Version, day(t, tt.from), dec(t, "14"))
			if !tt.refused {
				require.NoError(t, err)
				diff(t, dec(t, "14"), got.QuantityOn(day(t, tt.from)), "quantity from the change")
				return
			}
			require.ErrorIs(t, err, psa.ErrPrecondition)
			be, ok := errors.AsType[*contract.BilledHistoryError](err)
			require.Truef(t, ok, "error %v (%T) is not a *contract.BilledHistoryError", err, err)
			diff(t, contract.BilledHistoryError{PartID: p.ID, From: day(t, tt.wantFrom), BilledThrough: day(t, tt.billed)}, *be, "error")
			e.unchanged(t, c.ID, before)
		})
	}
}

// TestQuantityOn returns the quantity in force on a day: none before the part starts.
func TestQuantityOn(t *testing.T) {
	p := contract.Part{Start: day(t, "2026-01-15"), Quantities: []contract.Quantity{
		{From: day(t, "2026-01-15"), Quantity: dec(t, "10")},
		{From: day(t, "2026-02-10"), Quantity: dec(t, "12")},
		{From: day(t, "2026-03-01"), Quantity: dec(t, "7.5")},
	}}
	tests := []struct {
		day  string
		want string
	}{
		{"2026-01-14", "0"},
		{"2026-01-15", "10"},
		{"2026-02-09", "10"},
		{"2026-02-10", "12"},
		{"2026-02-28", "12"},
		{"2026-03-01", "7.5"},
		{"2030-01-01", "7.5"},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			diff(t, dec(t, tt.want), p.QuantityOn(day(t, tt.day)), "quantity")
		})
	}
}

// TestSegments cuts a period into pieces of constant quantity, merging equal neighbours.
func TestSegments(t *testing.T) {
	p := contract.Part{Start: day(t, "2026-01-10"), Quantities: []contract.Quantity{
		{From: day(t, "2026-01-10"), Quantity: dec(t, "2")},
		{From: day(t, "2026-01-15"), Quantity: dec(t, "5")},
		{From: day(t, "2026-01-20"), Quantity: dec(t, "5.0")},
		{From: day(t, "2026-01-25"), Quantity: dec(t, "3")},
		{From: day(t, "2026-02-10"), Quantity: dec(t, "4")},
	}}
	seg := func(first, last, q string) contract.Segment {
		return contract.Segment{Served: period(t, first, last), Quantity: dec(t, q)}
	}
	tests := []struct {
		name   string
		served psa.Period
		want   []contract.Segment
	}{
		{"January, starting after the 1st", period(t, "2026-01-01", "2026-01-31"), []contract.Segment{
			seg("2026-01-10", "2026-01-14", "2"), seg("2026-01-15", "2026-01-24", "5"), seg("2026-01-25", "2026-01-31", "3")}},
		{"February", period(t, "2026-02-01", "2026-02-28"), []contract.Segment{
			seg("2026-02-01", "2026-02-09", "3"), seg("2026-02-10", "2026-02-28", "4")}},
		{"inside one quantity", period(t, "2026-01-16", "2026-01-18"), []contract.Segment{seg("2026-01-16", "2026-01-18", "5")}},
		{"before the part", period(t, "2025-12-01", "2025-12-31"), nil},
		{"a quarter", period(t, "2026-01-01", "2026-03-31"), []contract.Segment{
			seg("2026-01-10", "2026-01-14", "2"), seg("2026-01-15", "2026-01-24", "5"), seg("2026-01-25", "2026-02-09", "3"), seg("2026-02-10", "2026-03-31", "4")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diff(t, tt.want, p.Segments(tt.served), "segments")
		})
	}
}

// TestSegmentsAfterChanges: the segments of a billing period after changes made through the
// service.
func TestSegmentsAfterChanges(t *testing.T) {
	e := newEnv(t)
	e.at(t, "2026-01-01")
	_, p := managed(t, e)
	for _, ch := range []struct{ from, q string }{{"2026-03-20", "4"}, {"2026-03-10", "12"}, {"2026-04-01", "10"}} {
		var err error
		p, err = e.svc.ChangeQuantity(t.Context(), p.ID, p.Version, day(t, ch.from), dec(t, ch.q))
		require.NoError(t, err)
	}
	want := []contract.Segment{
		{Served: period(t, "2026-03-01", "2026-03-09"), Quantity: dec(t, "10")},
		{Served: period(t, "2026-03-10", "2026-03-19"), Quantity: dec(t, "12")},
		{Served: period(t, "2026-03-20", "2026-03-31"), Quantity: dec(t, "4")},
	}
	diff(t, want, p.Segments(period(t, "2026-03-01", "2026-03-31")), "March segments")
}

// TestSyncDeviceQuantity counts the client's hardware assets that are not retired.
func TestSyncDeviceQuantity(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	np := priced(t, "Managed devices", "25.00", 0)
	np.UnitKind = contract.UnitDevice
	c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", "2026-12-31"), Parts: []contract.NewPart{np}})
	p := parts[0]
	other := e.customer(t, "Other", "USD")
	assets := []struct {
		client psa.ClientID
		ext    string
		info   client.AssetInfo
	}{
		{cl.ID, "rmm-1", client.AssetInfo{Kind: client.AssetWorkstation, Name: "WS-1"}},
		{cl.ID, "rmm-2", client.AssetInfo{Kind: client.AssetWorkstation, Name: "WS-2"}},
		{cl.ID, "rmm-3", client.AssetInfo{Kind: client.AssetServer, Name: "SRV-1"}},
		{cl.ID, "rmm-4", client.AssetInfo{Kind: client.AssetSoftware, Name: "Office"}},
		{cl.ID, "rmm-5", client.AssetInfo{Kind: client.AssetWorkstation, Name: "WS-old", Retired: true}},
		{other.ID, "rmm-6", client.AssetInfo{Kind: client.AssetWorkstation, Name: "Not theirs"}},
	}
	for _, a := range assets {
		_, _, err := e.clients.UpsertAsset(t.Context(), a.client, a.ext, a.info)
		require.NoError(t, err)
	}
	require.Equal(t, 3, contract.DeviceCount(mustAssets(t, e, cl.ID)))

	p, err := e.svc.SyncDeviceQuantity(t.Context(), p.ID, p.Version, day(t, "2026-03-01"))
	require.NoError(t, err)
	diff(t, dec(t, "3"), p.QuantityOn(day(t, "2026-03-01")), "synced quantity")
	diff(t, dec(t, "0"), p.QuantityOn(day(t, "2026-02-28")), "quantity before the sync")
	if what := e.lastWhat(t, c.ID); !strings.Contains(what, "0 -> 3") {
		t.Errorf("history %q does not record the synced change", what)
	}

	// Unchanged count: nothing recorded.
	before := e.state(t, c.ID)
	got, err := e.svc.SyncDeviceQuantity(t.Context(), p.ID, p.Version, day(t, "2026-04-01"))
	require.NoError(t, err)
	diff(t, p, got, "part after a sync with the same count")
	e.unchanged(t, c.ID, before)

	// Retiring a device lowers the count from the sync date on.
	_, _, err = e.clients.UpsertAsset(t.Context(), cl.ID, "rmm-2", client.AssetInfo{Kind: client.AssetWorkstation, Name: "WS-2", Retired: true})
	require.NoError(t, err)
	p, err = e.svc.SyncDeviceQuantity(t.Context(), p.ID, p.Version, day(t, "2026-05-01"))
	require.NoError(t, err)
	want := []contract.Quantity{{From: day(t, "2026-01-01"), Quantity: dec(t, "0")}, {From: day(t, "2026-03-01"), Quantity: dec(t, "3")}, {From: day(t, "2026-05-01"), Quantity: dec(t, "2")}}
	diff(t, want, e.part(t, p.ID).Quantities, "stored quantities")
}

func mustAssets(t *testing.T, e *env, id psa.ClientID) []client.Asset {
	t.Helper()
	page, err := e.clients.ListAssets(t.Context(), id, psa.PageRequest{})
	require.NoError(t, err)
	return page.Items
}

// TestSyncDeviceQuantityRefused: only per-device parts follow assets.
func TestSyncDeviceQuantityRefused(t *testing.T) {
	e := newEnv(t)
	c, p := managed(t, e)
	before := e.state(t, c.ID)
	pe := precondition(t, func() error {
		_, err := e.svc.SyncDeviceQuantity(t.Context(), p.ID, p.Version, day(t, "2026-03-01"))
		return err
	}())
	require.Equal(t, p.ID.String(), pe.ID)
	e.unchanged(t, c.ID, before)

	_, err := e.svc.SyncDeviceQuantity(t.Context(), p.ID, p.Version+1, day(t, "2026-03-01"))
	require.ErrorIs(t, err, psa.ErrConflict)
	e.unchanged(t, c.ID, before)
}

// TestDeviceCount counts hardware that is not retired.
func TestDeviceCount(t *testing.T) {
	tests := []struct {
		name   string
		assets []client.AssetInfo
		want   int
	}{
		{"none", nil, 0},
		{"every hardware kind", []client.AssetInfo{{Kind: client.AssetWorkstation}, {Kind: client.AssetServer}, {Kind: client.AssetNetwork},
			{Kind: client.AssetMobile}, {Kind: client.AssetPrinter}, {Kind: client.AssetOther}}, 6},
		{"software is not a device", []client.AssetInfo{{Kind: client.AssetSoftware}}, 0},
		{"retired devices do not count", []client.AssetInfo{{Kind: client.AssetServer, Retired: true}, {Kind: client.AssetServer}}, 1},
		{"unknown kinds do not count", []client.AssetInfo{{Kind: "toaster"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := make([]client.Asset, len(tt.assets))
			for i, a := range tt.assets {
				as[i] = client.Asset{AssetInfo: a}
			}
			require.Equal(t, tt.want, contract.DeviceCount(as))
		})
	}
}

// TestPartServed: a part serves from its start to its end, or to the contract's end when it has
// none or the contract ends first.
func TestPartServed(t *testing.T) {
	tests := []struct {
		name                 string
		contractEnd, partEnd string
		want                 psa.Period
	}{
		{"follows the contract's end", "2026-12-31", "", period(t, "2026-02-01", "2026-12-31")},
		{"its own end", "2026-12-31", "2026-06-30", period(t, "2026-02-01", "2026-06-30")},
		{"the contract ends first", "2026-03-31", "2026-06-30", period(t, "2026-02-01", "2026-03-31")},
		{"open-ended contract, own end", "", "2026-06-30", period(t, "2026-02-01", "2026-06-30")},
		{"both open-ended", "", "", psa.Period{Start: day(t, "2026-02-01")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := contract.Contract{Terms: contract.Terms{Start: day(t, "2026-01-01")}}
			p := contract.Part{Start: day(t, "2026-02-01")}
			if tt.contractEnd != "" {
				c.End = day(t, tt.contractEnd)
			}
			if tt.partEnd != "" {
				p.End = day(t, tt.partEnd)
			}
			diff(t, tt.want, p.Served(c), "served")
		})
	}
}
