package servicedesk_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/servicedesk"
)

// LogTime stores a submitted entry: ticket work takes the ticket's client, and the duration is
// derived from start and end.
func TestLogTime(t *testing.T) {
	e := newDesk(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false) // no billing information needed to log time
	tk := e.openFor(t, c.ID, "Printer")
	e.at(t, "2026-05-11 11:00")

	w := servicedesk.Work{TicketID: tk.ID, StaffID: staffID(1), WorkType: "remote", Role: "technician", Date: day(t, "2026-05-11"),
		Start: ny(t, "2026-05-11 10:00"), End: ny(t, "2026-05-11 10:45"), Billable: true, Note: "Reset the spooler", NotePublic: true}
	got, err := e.svc.LogTime(t.Context(), w)
	require.NoError(t, err)
	require.False(t, psa.IsNil(got.ID))

	wantWork := w
	wantWork.ClientID, wantWork.Duration = c.ID, 45*time.Minute
	want := servicedesk.TimeEntry{ID: got.ID, Work: wantWork, Status: servicedesk.EntrySubmitted, CreatedAt: e.now, UpdatedAt: e.now, Version: 1}
	diff(t, want, got, "logged entry")
	diff(t, want, e.entry(t, got.ID), "stored entry")
	entries, err := e.svc.TicketTime(t.Context(), tk.ID)
	require.NoError(t, err)
	diff(t, []servicedesk.TimeEntry{want}, entries, "ticket's time")

	// The bounds: exactly a day, and time that is not billable needs no work type or role.
	for _, w := range []servicedesk.Work{
		{ClientID: c.ID, StaffID: staffID(1), Role: "technician", Date: day(t, "2026-05-11"), Duration: servicedesk.MaxEntry, Billable: true},
		{ClientID: c.ID, StaffID: staffID(1), Date: day(t, "2026-05-11"), Duration: time.Minute},
		{ClientID: c.ID, StaffID: staffID(1), Date: day(t, "2026-05-11"), Start: ny(t, "2026-05-11 09:00"), End: ny(t, "2026-05-11 09:20"), Duration: 20 * time.Minute},
	} {
		_, err := e.svc.LogTime(t.Context(), w)
		require.NoError(t, err, "%+v", w)
	}
}

// Every broken rule of logged time is a *psa.ValidationError naming the field and the value,
// and nothing is stored.
func TestLogTimeRefused(t *testing.T) {
	e := newDesk(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	other := e.bare(t, "Globex", psa.ClientID{}, false)
	tk := e.openFor(t, c.ID, "Printer")
	valid := func() servicedesk.Work {
		return servicedesk.Work{TicketID: tk.ID, StaffID: staffID(1), Role: "technician", Date: day(t, "2026-05-11"), Duration: 30 * time.Minute, Billable: true}
	}
	tests := []struct {
		name   string
		change func(w *servicedesk.Work)
		want   []string
	}{
		{"end before start", func(w *servicedesk.Work) {
			w.Start, w.End, w.Duration = ny(t, "2026-05-11 11:00"), ny(t, "2026-05-11 10:00"), 0
		}, []string{"end=2026-05-11T10:00:00-04:00"}},
		{"start without end", func(w *servicedesk.Work) { w.Start = ny(t, "2026-05-11 10:00") }, []string{"end=" + time.Time{}.String()}},
		{"duration differs from end - start", func(w *servicedesk.Work) {
			w.Start, w.End, w.Duration = ny(t, "2026-05-11 10:00"), ny(t, "2026-05-11 10:30"), 45*time.Minute
		}, []string{"duration=45m0s"}},
		{"duration over a day", func(w *servicedesk.Work) { w.Duration = 24*time.Hour + time.Minute }, []string{"duration=24h1m0s"}},
		{"start to end over a day", func(w *servicedesk.Work) {
			w.Start, w.End, w.Duration = ny(t, "2026-05-11 09:00"), ny(t, "2026-05-12 09:01"), 0
		}, []string{"duration=24h1m0s"}},
		{"negative duration", func(w *servicedesk.Work) { w.Duration = -30 * time.Minute }, []string{"duration=-30m0s"}},
		{"zero duration", func(w *servicedesk.Work) { w.Duration = 0 }, []string{"duration=0s"}},
		{"start equal to end", func(w *servicedesk.Work) {
			w.Start, w.End, w.Duration = ny(t, "2026-05-11 10:00"), ny(t, "2026-05-11 10:00"), 0
		}, []string{"duration=0s"}},
		{"no date", func(w *servicedesk.Work) { w.Date = psa.Date{} }, []string{"date="}},
		{"no staff member", func(w *servicedesk.Work) { w.StaffID = psa.StaffID{} }, []string{"staffId="}},
		{"billable without work type or role", func(w *servicedesk.Work) { w.Role = "" }, []string{"workType="}},
		{"neither ticket nor client", func(w *servicedesk.Work) { w.TicketID = psa.TicketID{} }, []string{"clientId="}},
		{"a client that is not the ticket's", func(w *servicedesk.Work) { w.ClientID = other.ID }, []string{"clientId=" + other.ID.String()}},
		{"every broken rule at once", func(w *servicedesk.Work) {
			w.Date, w.StaffID, w.Duration, w.Role = psa.Date{}, psa.StaffID{}, -time.Minute, ""
		}, []string{"date=", "staffId=", "duration=-1m0s", "workType="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := valid()
			tt.change(&w)
			before := e.state(t)
			_, err := e.svc.LogTime(t.Context(), w)
			diff(t, tt.want, invalid(t, err, "time entry"), "invalid fields")
			e.unchanged(t, before)
		})
	}

	t.Run("unknown ticket or client", func(t *testing.T) {
		before := e.state(t)
		w := valid()
		w.TicketID = psa.TicketID{UUID: uuid.UUID{15: 0xee}}
		_, err := e.svc.LogTime(t.Context(), w)
		require.ErrorIs(t, err, psa.ErrNotFound)
		w.TicketID, w.ClientID = psa.TicketID{}, psa.ClientID{UUID: uuid.UUID{15: 0xee}}
		_, err = e.svc.LogTime(t.Context(), w)
		require.ErrorIs(t, err, psa.ErrNotFound)
		e.unchanged(t, before)
	})
}

// An entry belongs to the ticket's contract, else to the client's default contract in force on
// the work date, else to time and materials (no contract). Work without a ticket names a contract
// of its own client, or takes the default contract.
func TestLogTimeContract(t *testing.T) {
	e := newDesk(t)
	acme := e.customer(t, "Acme", "USD")
	managedTerms := tm(t, "Managed services", "2026-01-01", "2026-06-30")
	managedTerms.Default = true
	managed := e.contract(t, acme.ID, managedTerms)
	project := e.contract(t, acme.ID, tm(t, "Migration project", "2026-04-01", ""))
	globex := e.customer(t, "Globex", "USD")
	globexMSA := e.contract(t, globex.ID, tm(t, "Globex MSA", "2026-01-01", ""))
	walkIn := e.bare(t, "Walk-in", psa.ClientID{}, false)

	onProject := e.open(t, servicedesk.NewTicket{ClientID: acme.ID, ContractID: project.ID, Fields: servicedesk.Fields{Title: "Migrate", Priority: servicedesk.Low}})
	plain := e.openFor(t, acme.ID, "Printer")
	walkInTicket := e.openFor(t, walkIn.ID, "Laptop")

	none := psa.ContractID{}
	tests := []struct {
		name     string
		ticket   psa.TicketID
		client   psa.ClientID
		contract psa.ContractID // named on the work
		date     string
		want     psa.ContractID
	}{
		{"the ticket's contract", onProject.ID, psa.ClientID{}, none, "2026-05-11", project.ID},
		{"ticket without contract: the default contract in force on the work date", plain.ID, psa.ClientID{}, none, "2026-05-11", managed.ID},
		{"on the default contract's last day", plain.ID, psa.ClientID{}, none, "2026-06-30", managed.ID},
		{"after the default contract: time and materials", plain.ID, psa.ClientID{}, none, "2026-07-01", none},
		{"before the default contract: time and materials", plain.ID, psa.ClientID{}, none, "2025-12-31", none},
		{"client without contracts: time and materials", walkInTicket.ID, psa.ClientID{}, none, "2026-05-11", none},
		{"a contract named on ticket work gives way to the ticket's", onProject.ID, psa.ClientID{}, managed.ID, "2026-05-11", project.ID},
		{"ticket work with the ticket's client named", plain.ID, acme.ID, none, "2026-05-11", managed.ID},
		{"work without a ticket under a contract of the client", psa.TicketID{}, acme.ID, project.ID, "2026-05-11", project.ID},
		{"work without a ticket or contract: the default contract", psa.TicketID{}, acme.ID, none, "2026-05-11", managed.ID},
		{"work without a ticket after the default contract: none", psa.TicketID{}, acme.ID, none, "2026-07-01", none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.log(t, servicedesk.Work{TicketID: tt.ticket, ClientID: tt.client, ContractID: tt.contract, StaffID: staffID(1),
				Role: "technician", Date: day(t, tt.date), Duration: time.Hour, Billable: true})
			diff(t, tt.want, got.ContractID, "contract")
			diff(t, tt.want, e.entry(t, got.ID).ContractID, "stored contract")
		})
	}

	t.Run("work without a ticket under another client's contract", func(t *testing.T) {
		before := e.state(t)
		_, err := e.svc.LogTime(t.Context(), servicedesk.Work{ClientID: acme.ID, ContractID: globexMSA.ID, StaffID: staffID(1),
			Role: "technician", Date: day(t, "2026-05-11"), Duration: time.Hour, Billable: true})
		diff(t, []string{"contractId=" + globexMSA.ID.String()}, invalid(t, err, "time entry"), "invalid fields")
		e.unchanged(t, before)
	})
	t.Run("work without a ticket under an unknown contract", func(t *testing.T) {
		before := e.state(t)
		_, err := e.svc.LogTime(t.Context(), servicedesk.Work{ClientID: acme.ID, ContractID: psa.ContractID{UUID: uuid.UUID{15: 0xee}},
			StaffID: staffID(1), Role: "technician", Date: day(t, "2026-05-11"), Duration: time.Hour, Billable: true})
		require.ErrorIs(t, err, psa.ErrNotFound)
		e.unchanged(t, before)
	})
}

// The tenant's rounding rule turns logged time into billable time on approval: time shorter than
// the minimum is billed as the minimum, and billable time is rounded up to the increment.
func TestTimeRounding(t *testing.T) {
	tests := []struct {
		name           string
		rule           contract.TimeRounding
		logged, billed time.Duration
	}{
		{"7m with a 15-minute minimum and increment", contract.TimeRounding{MinimumMinutes: 15, IncrementMinutes: 15}, 7 * time.Minute, 15 * time.Minute},
		{"50m in 15-minute increments", contract.TimeRounding{IncrementMinutes: 15}, 50 * time.Minute, time.Hour},
		{"61m in 6-minute increments", contract.TimeRounding{IncrementMinutes: 6}, 61 * time.Minute, 66 * time.Minute},
		{"a whole increment stays", contract.TimeRounding{IncrementMinutes: 15}, 45 * time.Minute, 45 * time.Minute},
		{"minimum only", contract.TimeRounding{MinimumMinutes: 30}, 20 * time.Minute, 30 * time.Minute},
		{"minimum only, above it", contract.TimeRounding{MinimumMinutes: 30}, 31 * time.Minute, 31 * time.Minute},
		{"minimum not a multiple of the increment", contract.TimeRounding{MinimumMinutes: 10, IncrementMinutes: 15}, 5 * time.Minute, 15 * time.Minute},
		{"seconds round up to the increment", contract.TimeRounding{IncrementMinutes: 1}, 90 * time.Second, 2 * time.Minute},
		{"no rule: as logged", contract.TimeRounding{}, 7 * time.Minute, 7 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDesk(t)
			e.settings(t, func(s *servicedesk.Settings) {
				s.TimeRounding = tt.rule
				s.DefaultRates = []client.RateOverride{{Role: "technician", Rate: usd(t, "95.00")}}
			})
			c := e.customer(t, "Acme", "USD")
			w := work(t, c.ID, 0)
			w.Duration = tt.logged
			te := e.log(t, w)
			approved, err := e.svc.Approve(t.Context(), te.ID)
			require.NoError(t, err)
			require.Len(t, approved, 1)
			diff(t, tt.billed, approved[0].BillableDuration, "billable time")
			diff(t, tt.logged, approved[0].Duration, "logged time stays")
			diff(t, tt.billed, e.entry(t, te.ID).BillableDuration, "stored billable time")
		})
	}
}

// A contract's rounding rule replaces the tenant's, even when it is "as logged".
func TestContractTimeRounding(t *testing.T) {
	tests := []struct {
		name   string
		rule   *contract.TimeRounding
		billed time.Duration
	}{
		{"contract without a rule: the tenant's", nil, 15 * time.Minute},
		{"contract rounding to 6 minutes", &contract.TimeRounding{IncrementMinutes: 6}, 12 * time.Minute},
		{"contract billing as logged", &contract.TimeRounding{}, 7 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDesk(t)
			e.settings(t, func(s *servicedesk.Settings) {
				s.TimeRounding = contract.TimeRounding{MinimumMinutes: 15, IncrementMinutes: 15}
				s.DefaultRates = []client.RateOverride{{Role: "technician", Rate: usd(t, "95.00")}}
			})
			c := e.customer(t, "Acme", "USD")
			terms := tm(t, "Support", "2026-01-01", "")
			terms.TimeRounding = tt.rule
			k := e.contract(t, c.ID, terms)
			w := work(t, c.ID, 7)
			w.ContractID = k.ID
			te := e.log(t, w)
			approved, err := e.svc.Approve(t.Context(), te.ID)
			require.NoError(t, err)
			diff(t, tt.billed, approved[0].BillableDuration, "billable time")
		})
	}
}

// ResolveRate: the client's override, then the contract's rate, then the tenant's default rate in
// the client's billing currency; within each list the work type's rate before the role's.
func TestResolveRate(t *testing.T) {
	usdClient := client.Client{ID: psa.ClientID{UUID: uuid.UUID{15: 1}}, Billing: billingInfo(t, "USD")}
	usdClient.Settings.RateOverrides = []client.RateOverride{
		{WorkType: "onsite", Rate: usd(t, "135.00")},
		{Role: "technician", Rate: usd(t, "125.00")},
	}
	eurClient := client.Client{ID: psa.ClientID{UUID: uuid.UUID{15: 2}}, Billing: billingInfo(t, "EUR")}
	k := &contract.Contract{Terms: contract.Terms{Rates: []client.RateOverride{
		{WorkType: "onsite", Rate: usd(t, "120.00")},
		{Role: "engineer", Rate: usd(t, "150.00")},
		{WorkType: "project", Rate: usd(t, "140.00")},
	}}}
	defaults := []client.RateOverride{
		{Role: "technician", Rate: usd(t, "95.00")},
		{Role: "technician", Rate: money(t, "80.00", "EUR")},
		{WorkType: "remote", Rate: usd(t, "90.00")},
		{Role: "admin", Rate: money(t, "70.00", "EUR")},
	}
	tests := []struct {
		name           string
		client         client.Client
		contract       *contract.Contract
		workType, role string
		rate           psa.Money
		source         servicedesk.RateSource
	}{
		{"client's work-type override", usdClient, k, "onsite", "technician", usd(t, "135.00"), servicedesk.RateClient},
		{"client's role override before the contract's work-type rate", usdClient, k, "project", "technician", usd(t, "125.00"), servicedesk.RateClient},
		{"contract's work-type rate before its role rate", usdClient, k, "project", "engineer", usd(t, "140.00"), servicedesk.RateContract},
		{"contract's role rate before the default work-type rate", usdClient, k, "remote", "engineer", usd(t, "150.00"), servicedesk.RateContract},
		{"default work-type rate before the default role rate", eurClient, nil, "remote", "admin", money(t, "70.00", "EUR"), servicedesk.RateDefault},
		{"default rate without a contract", usdClient, nil, "remote", "engineer", usd(t, "90.00"), servicedesk.RateDefault},
		{"default rate in the client's currency", eurClient, nil, "", "technician", money(t, "80.00", "EUR"), servicedesk.RateDefault},
		{"default work-type rate in the client's currency", usdClient, nil, "remote", "", usd(t, "90.00"), servicedesk.RateDefault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rate, source, err := servicedesk.ResolveRate(tt.client, tt.contract, defaults, tt.workType, tt.role)
			require.NoError(t, err)
			diff(t, tt.rate, rate, "rate")
			require.Equal(t, tt.source, source)
		})
	}

	t.Run("no rate in the client's currency", func(t *testing.T) {
		_, _, err := servicedesk.ResolveRate(usdClient, nil, defaults, "", "admin")
		require.ErrorIs(t, err, psa.ErrPrecondition)
		_, ok := errors.AsType[*psa.PreconditionError](err)
		require.Truef(t, ok, "error %v (%T) is not a *psa.PreconditionError", err, err)
	})
}

// Approval fixes each entry's rate and where it came from; time without a rate is a
// *psa.PreconditionError and nothing of the batch is approved.
func TestApprovalRates(t *testing.T) {
	e := newDesk(t)
	e.settings(t, func(s *servicedesk.Settings) {
		s.DefaultRates = []client.RateOverride{{Role: "technician", Rate: usd(t, "95.00")}, {Role: "technician", Rate: money(t, "85.00", "EUR")}}
	})
	acme := e.customer(t, "Acme", "USD")
	e.clientSettings(t, acme.ID, client.Settings{RateOverrides: []client.RateOverride{{WorkType: "onsite", Rate: usd(t, "135.00")}}})
	terms := tm(t, "Support", "2026-01-01", "")
	terms.Default, terms.Rates = true, []client.RateOverride{{Role: "engineer", Rate: usd(t, "150.00")}}
	e.contract(t, acme.ID, terms)
	euro := e.customer(t, "Euro GmbH", "EUR")

	tests := []struct {
		name           string
		client         psa.ClientID
		workType, role string
		billable       bool
		rate           psa.Money
		source         servicedesk.RateSource
	}{
		{"client override", acme.ID, "onsite", "technician", true, usd(t, "135.00"), servicedesk.RateClient},
		{"contract rate", acme.ID, "remote", "engineer", true, usd(t, "150.00"), servicedesk.RateContract},
		{"default rate", acme.ID, "remote", "technician", true, usd(t, "95.00"), servicedesk.RateDefault},
		{"default rate in the client's currency", euro.ID, "", "technician", true, money(t, "85.00", "EUR"), servicedesk.RateDefault},
		{"not billable", acme.ID, "", "", false, psa.Money{}, servicedesk.RateNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := work(t, tt.client, 30)
			w.WorkType, w.Role, w.Billable = tt.workType, tt.role, tt.billable
			te := e.log(t, w)
			approved, err := e.svc.Approve(t.Context(), te.ID)
			require.NoError(t, err)
			require.Len(t, approved, 1)
			got := approved[0]
			diff(t, tt.rate, got.Rate, "rate")
			require.Equal(t, tt.source, got.RateSource)
			diff(t, got, e.entry(t, te.ID), "stored entry")
			if !tt.billable {
				diff(t, time.Duration(0), got.BillableDuration, "billable time of time that is not billable")
			}
		})
	}

	t.Run("no rate", func(t *testing.T) {
		ok := e.log(t, work(t, acme.ID, 30))
		w := work(t, acme.ID, 30)
		w.Role = "architect"
		noRate := e.log(t, w)
		before := e.state(t)
		_, err := e.svc.Approve(t.Context(), ok.ID, noRate.ID)
		require.ErrorIs(t, err, psa.ErrPrecondition)
		_, isPE := errors.AsType[*psa.PreconditionError](err)
		require.Truef(t, isPE, "error %v (%T) is not a *psa.PreconditionError", err, err)
		e.unchanged(t, before)
	})
}

// Value is the rate times the billable hours, computed exactly and rounded once to the
// currency's minor unit.
func TestEntryValue(t *testing.T) {
	tests := []struct {
		name     string
		rate     psa.Money
		billable time.Duration
		mode     psa.RoundingMode
		want     psa.Money
	}{
		{"7 minutes at 95.00", usd(t, "95.00"), 7 * time.Minute, psa.RoundHalfUp, usd(t, "11.08")}, // 11.0833..., not 7 x 1.58
		{"an hour at 95.00", usd(t, "95.00"), time.Hour, psa.RoundHalfUp, usd(t, "95.00")},
		{"10 minutes at 100.00", usd(t, "100.00"), 10 * time.Minute, psa.RoundHalfUp, usd(t, "16.67")},
		{"90 seconds at 60.00", usd(t, "60.00"), 90 * time.Second, psa.RoundHalfUp, usd(t, "1.50")},
		{"a half cent, half up", usd(t, "0.30"), time.Minute, psa.RoundHalfUp, usd(t, "0.01")},
		{"a half cent, half even down", usd(t, "0.30"), time.Minute, psa.RoundHalfEven, usd(t, "0.00")},
		{"one and a half cents, half even up", usd(t, "0.90"), time.Minute, psa.RoundHalfEven, usd(t, "0.02")},
		{"yen have no minor unit", money(t, "1000", "JPY"), 7 * time.Minute, psa.RoundHalfUp, money(t, "117", "JPY")},
		{"no billable time", usd(t, "95.00"), 0, psa.RoundHalfUp, usd(t, "0.00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := servicedesk.TimeEntry{Rate: tt.rate, BillableDuration: tt.billable}.Value(tt.mode)
			require.NoError(t, err)
			diff(t, tt.want, got, "value")
		})
	}
}
