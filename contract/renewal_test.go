package contract_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

// TestUpForRenewal lists the active, not yet renewed contracts whose last day falls within the
// next N days, today included, soonest first (seed 002's Renewal Dashboard).
func TestUpForRenewal(t *testing.T) {
	// Today is 2026-03-20.
	contracts := []struct {
		name, first, last string
		draft, renewed    bool
	}{
		{"ends in 21 days", "2025-04-11", "2026-04-10", false, false},
		{"open-ended", "2025-01-01", "", false, false},
		{"ends today", "2025-03-21", "2026-03-20", false, false},
		{"ended yesterday", "2025-03-20", "2026-03-19", false, false},
		{"ends in 30 days", "2025-04-20", "2026-04-19", false, false},
		{"ends in 31 days", "2025-04-21", "2026-04-20", false, false},
		{"draft ending in 12 days", "2025-04-01", "2026-04-01", true, false},
		{"renewed, ending in 16 days", "2025-04-06", "2026-04-05", false, true},
		{"ends in 5 days", "2025-03-26", "2026-03-25", false, false},
		{"ends in 300 days", "2026-01-01", "2027-01-14", false, false},
	}
	tests := []struct {
		name   string
		within int
		now    time.Time
		loc    *time.Location
		want   []string
	}{
		{"within 30 days", 30, t0, nil, []string{"ends today", "ends in 5 days", "ends in 21 days", "ends in 30 days"}},
		{"within 0 days", 0, t0, nil, []string{"ends today"}},
		{"within 10 days", 10, t0, nil, []string{"ends today", "ends in 5 days"}},
		{"within a year", 365, t0, nil, []string{"ends today", "ends in 5 days", "ends in 21 days", "ends in 30 days", "ends in 31 days", "ends in 300 days"}},
		{"today in the tenant's zone", 0, time.Date(2026, 3, 21, 2, 0, 0, 0, time.UTC), time.FixedZone("UTC-5", -5*60*60), []string{"ends today"}},
		{"the same instant in UTC is tomorrow", 0, time.Date(2026, 3, 21, 2, 0, 0, 0, time.UTC), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *contract.Options) { o.Location = tt.loc })
			cl := e.customer(t, "Acme", "USD")
			for _, k := range contracts {
				parts := []contract.NewPart{priced(t, "Support", "100.00", 1)}
				if k.draft {
					parts = []contract.NewPart{unpriced("Support", 1)}
				}
				c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, k.name, k.first, k.last), Parts: parts})
				if k.renewed {
					_, err := e.svc.Renew(t.Context(), c.ID)
					require.NoError(t, err)
				}
			}
			e.now = tt.now
			got, err := e.svc.UpForRenewal(t.Context(), tt.within)
			require.NoError(t, err)
			var names []string
			for _, c := range got {
				names = append(names, c.Name)
			}
			diff(t, tt.want, names, "contracts up for renewal")
		})
	}
	t.Run("negative window", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.UpForRenewal(t.Context(), -1)
		diff(t, []string{"within=-1"}, invalid(t, err, "renewal query"), "invalid fields")
	})
}

// TestRenewTerm: the next term starts the day after the end and lasts Renewal.TermMonths, or as
// long as the current term (whole months when it is whole months, days otherwise); the
// anniversary anchor moves to the new start when it was the old start.
func TestRenewTerm(t *testing.T) {
	tests := []struct {
		name        string
		first, last string
		termMonths  int
		align       contract.Alignment
		anchor      string
		wantFirst   string
		wantLast    string
		wantAnchor  string
	}{
		{"a year", "2026-01-01", "2026-12-31", 0, contract.AlignCalendar, "", "2027-01-01", "2027-12-31", ""},
		{"a year from mid-month", "2026-03-15", "2027-03-14", 0, contract.AlignCalendar, "", "2027-03-15", "2028-03-14", ""},
		{"term months set", "2026-01-01", "2026-12-31", 24, contract.AlignCalendar, "", "2027-01-01", "2028-12-31", ""},
		{"term months shorter than the current term", "2026-01-01", "2026-12-31", 3, contract.AlignCalendar, "", "2027-01-01", "2027-03-31", ""},
		{"six months", "2026-04-01", "2026-09-30", 0, contract.AlignCalendar, "", "2026-10-01", "2027-03-31", ""},
		{"a non-whole-month term keeps its days", "2026-01-01", "2026-02-14", 0, contract.AlignCalendar, "", "2026-02-15", "2026-03-31", ""},
		{"one day", "2026-03-10", "2026-03-10", 0, contract.AlignCalendar, "", "2026-03-11", "2026-03-11", ""},
		{"anniversary anchor moves to the new start", "2026-01-15", "2027-01-14", 0, contract.AlignAnniversary, "", "2027-01-15", "2028-01-14", "2027-01-15"},
		{"an anchor of its own is kept", "2026-01-15", "2027-01-14", 0, contract.AlignAnniversary, "2026-01-01", "2027-01-15", "2028-01-14", "2026-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			terms := recurring(t, "Managed", tt.first, tt.last)
			terms.Renewal.TermMonths = tt.termMonths
			terms.Schedule.Alignment = tt.align
			if tt.anchor != "" {
				terms.Schedule.Anchor = day(t, tt.anchor)
			}
			c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms})
			next, err := e.svc.Renew(t.Context(), c.ID)
			require.NoError(t, err)
			want := c.Terms
			want.Start, want.End = day(t, tt.wantFirst), day(t, tt.wantLast)
			if tt.wantAnchor != "" {
				want.Schedule.Anchor = day(t, tt.wantAnchor)
			}
			diff(t, want, next.Terms, "terms of the renewal")
		})
	}
}

// TestRenewCarriesParts: every part in service on the last day is carried over at its current
// quantity, starting with the new term; the contracts are linked and the history records both
// sides.
func TestRenewCarriesParts(t *testing.T) {
	e := newEnv(t)
	e.at(t, "2026-01-01")
	cl := e.customer(t, "Acme", "USD")
	project := priced(t, "Project", "500.00", 1)
	project.End = day(t, "2026-06-30")
	backup := contract.NewPart{ServiceID: serviceID(2), Description: "Backup", UnitPrice: usd(t, "4.00"), UnitCost: usd(t, "1.50"),
		UnitKind: contract.UnitSeat, Quantity: dec(t, "25"), DiscountPercent: dec(t, "10"), Start: day(t, "2026-03-01")}
	lastDay := priced(t, "Last day only", "1.00", 3)
	lastDay.Start, lastDay.End = day(t, "2026-12-31"), day(t, "2026-12-31")
	terms := recurring(t, "Managed", "2026-01-01", "2026-12-31")
	terms.Renewal = contract.Renewal{Auto: true, NoticeDays: 60}
	c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms,
		Parts: []contract.NewPart{priced(t, "Workstations", "30.00", 10), project, backup, lastDay}})
	ws, err := e.svc.ChangeQuantity(t.Context(), parts[0].ID, parts[0].Version, day(t, "2026-06-01"), dec(t, "14"))
	require.NoError(t, err)
	_, err = e.svc.ChangeQuantity(t.Context(), ws.ID, ws.Version, day(t, "2026-09-01"), dec(t, "17"))
	require.NoError(t, err)

	e.at(t, "2026-11-15")
	c = e.get(t, c.ID)
	next, err := e.svc.Renew(psa.WithActor(t.Context(), "erin"), c.ID)
	require.NoError(t, err)

	wantTerms := c.Terms
	wantTerms.Start, wantTerms.End = day(t, "2027-01-01"), day(t, "2027-12-31")
	want := contract.Contract{ID: next.ID, ClientID: cl.ID, Terms: wantTerms, Status: contract.StatusActive, Currency: c.Currency,
		Billed: usd(t, "0"), TermAnchor: c.Start, RenewedFrom: c.ID, CreatedAt: e.now, UpdatedAt: e.now, Version: 1}
	diff(t, want, next, "renewal")
	diff(t, want, e.get(t, next.ID), "stored renewal")
	old := e.get(t, c.ID)
	if old.RenewedTo != next.ID || old.Status != contract.StatusActive || old.Version != c.Version+1 {
		t.Errorf("renewed contract: renewed to %s, status %s, version %d; want %s, active, %d", old.RenewedTo, old.Status, old.Version, next.ID, c.Version+1)
	}

	got := e.parts(t, next.ID)
	require.Len(t, got, 3)
	newPart := func(p contract.Part, np contract.NewPart, q string) contract.Part {
		kind := np.UnitKind
		if kind == "" {
			kind = contract.UnitFixed
		}
		return contract.Part{ID: p.ID, ContractID: next.ID, ServiceID: np.ServiceID, Description: np.Description, UnitPrice: np.UnitPrice,
			UnitCost: np.UnitCost, UnitKind: kind, DiscountPercent: np.DiscountPercent, Start: next.Start,
			Quantities: []contract.Quantity{{From: next.Start, Quantity: dec(t, q)}}, CreatedAt: e.now, UpdatedAt: e.now, Version: 1}
	}
	wantParts := []contract.Part{
		newPart(got[0], priced(t, "Workstations", "30.00", 10), "17"),
		newPart(got[1], backup, "25"),
		newPart(got[2], lastDay, "3"),
	}
	diff(t, wantParts, got, "parts of the renewal")

	oldH, newH := e.history(t, c.ID), e.history(t, next.ID)
	require.Len(t, newH, 1)
	if oldH[len(oldH)-1].By != "erin" || !strings.Contains(oldH[len(oldH)-1].What, next.ID.String()) {
		t.Errorf("renewed contract's last history entry %+v does not name the renewal and the actor", oldH[len(oldH)-1])
	}
	if newH[0].By != "erin" || !strings.Contains(newH[0].What, c.ID.String()) {
		t.Errorf("renewal's history entry %+v does not name the renewed contract and the actor", newH[0])
	}
}

// TestRenewTwice: renewing the same term again returns the renewal made the first time and
// creates nothing.
func TestRenewTwice(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2025-04-01", "2026-03-31"),
		Parts: []contract.NewPart{priced(t, "W", "30.00", 10)}})
	first, err := e.svc.Renew(t.Context(), c.ID)
	require.NoError(t, err)
	before, beforeNext := e.state(t, c.ID), e.state(t, first.ID)
	second, err := e.svc.Renew(t.Context(), c.ID)
	require.NoError(t, err)
	diff(t, first, second, "second renewal")
	e.unchanged(t, c.ID, before)
	e.unchanged(t, first.ID, beforeNext)

	// The renewal itself renews into a third term.
	third, err := e.svc.Renew(t.Context(), first.ID)
	require.NoError(t, err)
	diff(t, period(t, "2027-04-01", "2028-03-31"), third.Served(), "third term")
	require.Len(t, e.all(t), 3)
}

// TestRenewRollover carries the unused hours of a rolled-over retainer into the renewal: every
// block of the term less what was used. Without rollover nothing is carried.
func TestRenewRollover(t *testing.T) {
	tests := []struct {
		name                string
		rollover            bool
		carried             string
		used                []contract.Use
		wantCarried         string
		wantRemainingInNext string
	}{
		{"twelve blocks less one month's use", true, "0", []contract.Use{{Period: day(t, "2026-03-01"), Time: 4 * time.Hour}}, "116", "126"},
		{"hours carried into the term count", true, "3", []contract.Use{{Period: day(t, "2025-04-01"), Time: 5 * time.Hour}}, "118", "128"},
		{"everything used carries nothing", true, "0", []contract.Use{{Period: day(t, "2025-06-01"), Time: 120 * time.Hour}}, "0", "10"},
		{"without rollover nothing is carried", false, "0", []contract.Use{{Period: day(t, "2026-03-01"), Time: 4 * time.Hour}}, "0", "10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: contract.Terms{Name: "Block", Type: contract.RetainerHours,
				Start: day(t, "2025-04-01"), End: day(t, "2026-03-31"), Schedule: contract.Schedule{Cycle: contract.Monthly},
				Hours: dec(t, "10"), Rollover: tt.rollover}})
			e.tx(t, func(ctx context.Context, tx contract.Tx) error {
				s, err := tx.GetContract(ctx, c.ID)
				if err != nil {
					return err
				}
				s.HoursCarried = dec(t, tt.carried)
				return tx.UpdateContract(ctx, s)
			})
			e.recordUse(t, c.ID, tt.used...)
			next, err := e.svc.Renew(t.Context(), c.ID)
			require.NoError(t, err)
			diff(t, dec(t, tt.wantCarried), next.HoursCarried, "hours carried into the renewal")
			got, err := next.PrepaidHours(next.Start)
			require.NoError(t, err)
			diff(t, contract.HoursSummary{Period: psa.Period{Start: next.Start, End: next.Start.AddMonths(1)}, Purchased: dec(t, "10"),
				Carried: dec(t, tt.wantCarried), Used: decimal.Zero, Remaining: dec(t, tt.wantRemainingInNext), Rollover: tt.rollover},
				got, "prepaid hours of the renewal's first month")
		})
	}
}

// TestRenewRefused: open-ended and draft contracts cannot be renewed; nothing is stored.
func TestRenewRefused(t *testing.T) {
	tests := []struct {
		name  string
		last  string
		parts func(t *testing.T) []contract.NewPart
	}{
		{"open-ended", "", func(t *testing.T) []contract.NewPart { return []contract.NewPart{priced(t, "W", "30.00", 1)} }},
		{"draft", "2026-12-31", func(t *testing.T) []contract.NewPart { return []contract.NewPart{unpriced("W", 1)} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2026-01-01", tt.last), Parts: tt.parts(t)})
			before := e.state(t, c.ID)
			_, err := e.svc.Renew(t.Context(), c.ID)
			pe := precondition(t, err)
			require.Equal(t, c.ID.String(), pe.ID)
			e.unchanged(t, c.ID, before)
		})
	}
	t.Run("unknown contract", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.Renew(t.Context(), psa.ContractID{UUID: serviceID(1).UUID})
		require.ErrorIs(t, err, psa.ErrNotFound)
	})
}

// TestRenewExpiredWithoutRenewal: Renew's documentation says an "expired-without-renewal
// contract cannot be renewed".
func TestRenewExpiredWithoutRenewal(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2025-03-01", "2026-02-28"),
		Parts: []contract.NewPart{priced(t, "W", "30.00", 1)}})
	expired, err := e.svc.ExpireEnded(t.Context())
	require.NoError(t, err)
	require.Len(t, expired, 1)
	before := e.state(t, c.ID)
	require.Equal(t, contract.StatusExpired, before.Contract.Status)
	_, err = e.svc.Renew(t.Context(), c.ID)
	precondition(t, err)
	e.unchanged(t, c.ID, before)
}

// TestRenewKeepsOneDefaultContract: a client has at most one default contract in force at a
// time, and a renewal is a new contract in force: renewing a default contract must not give the
// client two overlapping default contracts.
func TestRenewKeepsOneDefaultContract(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	terms := recurring(t, "This year", "2026-01-01", "2026-12-31")
	terms.Default = true
	c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms})
	terms = recurring(t, "Next year, signed already", "2027-01-01", "2027-12-31")
	terms.Default = true
	e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms})

	_, err := e.svc.Renew(t.Context(), c.ID)
	if err != nil {
		require.ErrorIs(t, err, psa.ErrPrecondition)
	}
	var defaults []contract.Contract
	for _, k := range e.all(t) {
		if k.Default && (k.Status == contract.StatusActive || k.Status == contract.StatusDraft) {
			defaults = append(defaults, k)
		}
	}
	for i := range defaults {
		for j := range i {
			if defaults[i].Served().Overlaps(defaults[j].Served()) {
				t.Errorf("default contracts %q (%s) and %q (%s) overlap", defaults[j].Name, defaults[j].Served(), defaults[i].Name, defaults[i].Served())
			}
		}
	}
}

// TestExpireEnded: a non-renewing contract past its end expires; an auto-renewing one is renewed
// then expired; contracts not yet ended are untouched; running it twice does nothing new.
func TestExpireEnded(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	mk := func(name, first, last string, auto bool, parts ...contract.NewPart) contract.Contract {
		terms := recurring(t, name, first, last)
		terms.Renewal.Auto = auto
		c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms, Parts: parts})
		return c
	}
	ended := mk("Ended yesterday", "2025-03-20", "2026-03-19", false, priced(t, "W", "30.00", 1))
	auto := mk("Auto-renewing, ended", "2025-03-16", "2026-03-15", true, priced(t, "W", "30.00", 4))
	today := mk("Ends today", "2025-03-21", "2026-03-20", true)
	open := mk("Open-ended", "2025-01-01", "", false)
	draft := mk("Draft, ended", "2025-01-01", "2025-12-31", false, unpriced("W", 1))
	byHand := mk("Renewed by hand, ended", "2025-03-18", "2026-03-17", true, priced(t, "W", "30.00", 1))
	byHandNext, err := e.svc.Renew(t.Context(), byHand.ID)
	require.NoError(t, err)
	untouched := []state{e.state(t, today.ID), e.state(t, open.ID), e.state(t, draft.ID), e.state(t, byHandNext.ID)}
	count := len(e.all(t))

	got, err := e.svc.ExpireEnded(t.Context())
	require.NoError(t, err)
	require.Len(t, e.all(t), count+1, "contracts after the run: one renewal more")
	var names []string
	for _, c := range got {
		names = append(names, c.Name)
		require.Equal(t, contract.StatusExpired, c.Status)
		diff(t, c, e.get(t, c.ID), "stored expired contract")
	}
	diff(t, []string{"Ended yesterday", "Auto-renewing, ended", "Renewed by hand, ended"}, names, "expired contracts")
	require.Equal(t, byHandNext.ID, e.get(t, byHand.ID).RenewedTo)

	require.True(t, psa.IsNil(e.get(t, ended.ID).RenewedTo), "a non-renewing contract was renewed")
	a := e.get(t, auto.ID)
	require.False(t, psa.IsNil(a.RenewedTo), "an auto-renewing contract was not renewed")
	next := e.get(t, a.RenewedTo)
	if next.Status != contract.StatusActive || next.Start != day(t, "2026-03-16") || next.End != day(t, "2027-03-15") || next.RenewedFrom != auto.ID {
		t.Errorf("renewal %s..%s status %s from %s; want 2026-03-16..2027-03-15, active, from %s", next.Start, next.End, next.Status, next.RenewedFrom, auto.ID)
	}
	diff(t, dec(t, "4"), e.parts(t, next.ID)[0].QuantityOn(next.Start), "carried quantity")
	if what := e.lastWhat(t, ended.ID); !strings.HasPrefix(what, "expired") {
		t.Errorf("history %q does not record the expiry", what)
	}
	for i, id := range []psa.ContractID{today.ID, open.ID, draft.ID, byHandNext.ID} {
		e.untouched(t, id, untouched[i])
	}

	all := len(e.all(t))
	states := map[psa.ContractID]state{}
	for _, c := range e.all(t) {
		states[c.ID] = e.state(t, c.ID)
	}
	again, err := e.svc.ExpireEnded(t.Context())
	require.NoError(t, err)
	require.Empty(t, again)
	require.Len(t, e.all(t), all)
	for id, s := range states {
		e.unchanged(t, id, s)
	}
}

// TestRenewalDue: an active, auto-renewing, not yet renewed contract is due for renewal from
// NoticeDays before its end.
func TestRenewalDue(t *testing.T) {
	base := func(t *testing.T) contract.Contract {
		return contract.Contract{Status: contract.StatusActive, Terms: contract.Terms{Start: day(t, "2025-05-01"), End: day(t, "2026-04-30"),
			Renewal: contract.Renewal{Auto: true, NoticeDays: 30}}}
	}
	tests := []struct {
		name   string
		change func(t *testing.T, c *contract.Contract)
		today  string
		want   bool
	}{
		{"before the notice period", nil, "2026-03-30", false},
		{"first day of the notice period", nil, "2026-03-31", true},
		{"inside the notice period", nil, "2026-04-15", true},
		{"last day", nil, "2026-04-30", true},
		{"after the end, not renewed", nil, "2026-05-02", true},
		{"no notice: not the day before", func(_ *testing.T, c *contract.Contract) { c.Renewal.NoticeDays = 0 }, "2026-04-29", false},
		{"no notice, last day", func(_ *testing.T, c *contract.Contract) { c.Renewal.NoticeDays = 0 }, "2026-04-30", true},
		{"not auto-renewing", func(_ *testing.T, c *contract.Contract) { c.Renewal.Auto = false }, "2026-04-15", false},
		{"open-ended", func(_ *testing.T, c *contract.Contract) { c.End = psa.Date{} }, "2026-04-15", false},
		{"already renewed", func(_ *testing.T, c *contract.Contract) { c.RenewedTo = psa.ContractID{UUID: serviceID(1).UUID} }, "2026-04-15", false},
		{"draft", func(_ *testing.T, c *contract.Contract) { c.Status = contract.StatusDraft }, "2026-04-15", false},
		{"expired", func(_ *testing.T, c *contract.Contract) { c.Status = contract.StatusExpired }, "2026-04-15", false},
		{"cancelled", func(_ *testing.T, c *contract.Contract) { c.Status = contract.StatusCancelled }, "2026-04-15", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base(t)
			if tt.change != nil {
				tt.change(t, &c)
			}
			require.Equal(t, tt.want, contract.RenewalDue(c, day(t, tt.today)))
		})
	}
}

// TestActiveOn: a contract serves the days from its start through its end while it is active.
func TestActiveOn(t *testing.T) {
	tests := []struct {
		name   string
		status contract.Status
		last   string
		day    string
		want   bool
	}{
		{"first day", contract.StatusActive, "2026-12-31", "2026-01-01", true},
		{"last day", contract.StatusActive, "2026-12-31", "2026-12-31", true},
		{"day before", contract.StatusActive, "2026-12-31", "2025-12-31", false},
		{"day after", contract.StatusActive, "2026-12-31", "2027-01-01", false},
		{"open-ended", contract.StatusActive, "", "2040-01-01", true},
		{"draft", contract.StatusDraft, "2026-12-31", "2026-06-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := contract.Contract{Status: tt.status, Terms: contract.Terms{Start: day(t, "2026-01-01")}}
			if tt.last != "" {
				c.End = day(t, tt.last)
			}
			require.Equal(t, tt.want, c.ActiveOn(day(t, tt.day)))
		})
	}
}

// TestExpireEndedCatchesUp: a run made long after an auto-renewing contract ended (an existing
// client onboarded late, a host that did not run it for a while) must leave no active contract
// whose last day has passed, so that running it again does nothing new.
func TestExpireEndedCatchesUp(t *testing.T) {
	e := newEnv(t) // today is 2026-03-20
	cl := e.customer(t, "Acme", "USD")
	terms := recurring(t, "Quarterly", "2025-04-01", "2025-06-30")
	terms.Renewal.Auto = true
	e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms, Parts: []contract.NewPart{priced(t, "W", "30.00", 2)}})

	_, err := e.svc.ExpireEnded(t.Context())
	require.NoError(t, err)
	today := day(t, "2026-03-20")
	var terms2 []string
	for _, c := range e.all(t) {
		terms2 = append(terms2, c.Served().String()+" "+string(c.Status))
		if c.Status == contract.StatusActive && c.End.Before(today) {
			t.Errorf("after ExpireEnded, contract %s is still active though it ended on %s", c.Served(), c.End)
		}
	}
	want := []string{
		"2025-04-01..2025-06-30 expired",
		"2025-07-01..2025-09-30 expired",
		"2025-10-01..2025-12-31 expired",
		"2026-01-01..2026-03-31 active",
	}
	diff(t, want, terms2, "terms after one run")

	count := len(e.all(t))
	again, err := e.svc.ExpireEnded(t.Context())
	require.NoError(t, err)
	for _, c := range again {
		t.Errorf("a second run expired %s", c.Served())
	}
	if n := len(e.all(t)); n != count {
		t.Errorf("a second run renewed again: %d contracts, want %d", n, count)
	}
}

// TestRenewalTermsDoNotDrift: renewed terms step from the first term's anchor, so a quarterly
// term that starts on the 30th ends on the 29th of its third month every time, after a February
// too (not the 27th, as stepping from a clamped end would give).
func TestRenewalTermsDoNotDrift(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	terms := recurring(t, "Quarterly", "2025-11-30", "2026-02-27")
	c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms})
	var got []string
	for range 4 {
		next, err := e.svc.Renew(t.Context(), c.ID)
		require.NoError(t, err)
		got = append(got, next.Start.String()+".."+next.End.String())
		c = next
	}
	want := []string{"2026-02-28..2026-05-29", "2026-05-30..2026-08-29", "2026-08-30..2026-11-29", "2026-11-30..2027-02-27"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("renewed terms (-want +got):\n%s", diff)
	}
}
