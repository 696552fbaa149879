package servicedesk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/servicedesk"
)

// ---------------------------------------------------------------------------------------------
// Which policy applies.

// A ticket's SLA policy is the affected hardware asset's service level (seed 001), else the
// client's override (seed 002), else the ticket's contract's SLA (or the client's default
// contract's), else the tenant's default, else none.
func TestPolicySource(t *testing.T) {
	type fixture struct {
		e                                                        *desk
		c                                                        client.Client
		cal                                                      servicedesk.Calendar
		device, premium, contractSLA, defaultContractSLA, tenant servicedesk.Policy
	}
	type step func(t *testing.T, f *fixture, in *servicedesk.NewTicket)
	var (
		tenantDefault step = func(t *testing.T, f *fixture, _ *servicedesk.NewTicket) {
			f.e.settings(t, func(s *servicedesk.Settings) { s.DefaultPolicyID = f.tenant.ID })
		}
		clientOverride step = func(t *testing.T, f *fixture, _ *servicedesk.NewTicket) {
			f.e.clientSettings(t, f.c.ID, client.Settings{SLAPolicyID: f.premium.ID})
		}
		defaultContract step = func(t *testing.T, f *fixture, _ *servicedesk.NewTicket) {
			terms := tm(t, "Default", "2026-01-01", "")
			terms.Default, terms.SLAPolicyID = true, f.defaultContractSLA.ID
			f.e.contract(t, f.c.ID, terms)
		}
		endedDefaultContract step = func(t *testing.T, f *fixture, _ *servicedesk.NewTicket) {
			terms := tm(t, "Last year's default", "2025-01-01", "2025-12-31")
			terms.Default, terms.SLAPolicyID = true, f.defaultContractSLA.ID
			f.e.contract(t, f.c.ID, terms)
		}
		ticketContract step = func(t *testing.T, f *fixture, in *servicedesk.NewTicket) {
			terms := tm(t, "Project", "2026-01-01", "")
			terms.SLAPolicyID = f.contractSLA.ID
			in.ContractID = f.e.contract(t, f.c.ID, terms).ID
		}
		ticketContractWithoutSLA step = func(t *testing.T, f *fixture, in *servicedesk.NewTicket) {
			in.ContractID = f.e.contract(t, f.c.ID, tm(t, "Project", "2026-01-01", "")).ID
		}
		deviceLevel step = func(t *testing.T, f *fixture, in *servicedesk.NewTicket) {
			in.HardwareAssetID = f.e.asset(t, f.c.ID, client.AssetServer, "DC01", f.device.ID).ID
		}
		deviceWithoutLevel step = func(t *testing.T, f *fixture, in *servicedesk.NewTicket) {
			in.HardwareAssetID = f.e.asset(t, f.c.ID, client.AssetServer, "DC01", psa.SLAPolicyID{}).ID
		}
		softwareLevel step = func(t *testing.T, f *fixture, in *servicedesk.NewTicket) {
			in.SoftwareAssetID = f.e.asset(t, f.c.ID, client.AssetSoftware, "ERP", f.device.ID).ID
		}
	)
	tests := []struct {
		name   string
		steps  []step
		policy func(f *fixture) servicedesk.Policy // the zero Policy for none
		source servicedesk.PolicySource
	}{
		{"hardware asset's service level before everything else", []step{deviceLevel, clientOverride, ticketContract, defaultContract, tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.device }, servicedesk.FromAsset},
		{"hardware asset without a service level: the client's override", []step{deviceWithoutLevel, clientOverride, tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.premium }, servicedesk.FromClient},
		{"a software asset's service level does not count", []step{softwareLevel, clientOverride, tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.premium }, servicedesk.FromClient},
		{"client's override before the contract's SLA", []step{clientOverride, ticketContract, defaultContract, tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.premium }, servicedesk.FromClient},
		{"the ticket's contract before the default contract", []step{ticketContract, defaultContract, tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.contractSLA }, servicedesk.FromContract},
		{"the client's default contract", []step{defaultContract, tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.defaultContractSLA }, servicedesk.FromContract},
		{"a default contract no longer in force does not count", []step{endedDefaultContract, tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.tenant }, servicedesk.FromTenant},
		{"a contract without SLA: the tenant's default", []step{ticketContractWithoutSLA, tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.tenant }, servicedesk.FromTenant},
		{"the tenant's default", []step{tenantDefault},
			func(f *fixture) servicedesk.Policy { return f.tenant }, servicedesk.FromTenant},
		{"nothing: no SLA", nil,
			func(*fixture) servicedesk.Policy { return servicedesk.Policy{} }, ""},
		{"a hardware asset without a service level and nothing else: no SLA", []step{deviceWithoutLevel},
			func(*fixture) servicedesk.Policy { return servicedesk.Policy{} }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDesk(t)
			f := &fixture{e: e, c: e.customer(t, "Acme", "USD"), cal: e.calendar(t, officeHours())}
			for _, p := range []*servicedesk.Policy{&f.device, &f.premium, &f.contractSLA, &f.defaultContractSLA, &f.tenant} {
				*p = e.policy(t, servicedesk.Policy{Name: "policy", CalendarID: f.cal.ID, Targets: standardTargets})
			}
			in := servicedesk.NewTicket{ClientID: f.c.ID, Fields: servicedesk.Fields{Title: tt.name, Priority: servicedesk.Medium}}
			for _, s := range tt.steps {
				s(t, f, &in)
			}
			got := e.open(t, in)

			p := tt.policy(f)
			want := servicedesk.Clock{}
			wantStatus := servicedesk.SLAStatus{}
			if !psa.IsNil(p.ID) {
				want = servicedesk.Clock{PolicyID: p.ID, Source: tt.source, CalendarID: f.cal.ID, Start: e.now}
				wantStatus = servicedesk.SLAStatus{PolicyID: p.ID, Source: tt.source}
			}
			diff(t, want, got.SLA, "clock")
			diff(t, want, e.ticket(t, got.ID).SLA, "stored clock")

			st, err := e.svc.SLA(t.Context(), got.ID)
			require.NoError(t, err)
			if psa.IsNil(p.ID) {
				diff(t, wantStatus, st, "SLA status without a policy")
				return
			}
			require.Len(t, st.Targets, 2, "first response and resolution of a medium ticket")
			st.Targets = nil
			diff(t, wantStatus, st, "SLA status")
		})
	}
}

// TargetFor: the issue and sub-issue override, else the issue-type override, else the policy's
// own targets (seed 001: break/fix service levels tied to issue and sub-issue types).
func TestTargetFor(t *testing.T) {
	base := []servicedesk.Target{
		{Priority: servicedesk.High, FirstResponse: time.Hour, Resolution: 8 * time.Hour},
		{Priority: servicedesk.Medium, FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour},
	}
	hardwareHigh := servicedesk.Target{Priority: servicedesk.High, FirstResponse: 30 * time.Minute, Resolution: 4 * time.Hour}
	serverDownHigh := servicedesk.Target{Priority: servicedesk.High, FirstResponse: 15 * time.Minute, Resolution: 2 * time.Hour, AlwaysOn: true}
	networkLow := servicedesk.Target{Priority: servicedesk.Low, FirstResponse: 2 * time.Hour, Resolution: 8 * time.Hour}
	outageMedium := servicedesk.Target{Priority: servicedesk.Medium, FirstResponse: time.Hour, Resolution: 4 * time.Hour}
	p := servicedesk.Policy{Name: "Break/fix", CalendarID: psa.CalendarID{UUID: uuid.UUID{15: 1}}, Targets: base, ByIssue: []servicedesk.IssueTargets{
		{IssueType: "hardware", Targets: []servicedesk.Target{hardwareHigh}},
		{IssueType: "hardware", SubIssueType: "server down", Targets: []servicedesk.Target{serverDownHigh}},
		{IssueType: "network", Targets: []servicedesk.Target{networkLow}},
		{IssueType: "network", SubIssueType: "outage", Targets: []servicedesk.Target{outageMedium}},
	}}
	require.NoError(t, p.Validate(), "precondition: the policy is valid")

	tests := []struct {
		name            string
		priority        servicedesk.Priority
		issue, subIssue string
		want            servicedesk.Target
		ok              bool
	}{
		{"no issue type: the policy's", servicedesk.High, "", "", base[0], true},
		{"issue-type override", servicedesk.High, "hardware", "", hardwareHigh, true},
		{"sub-issue-type override", servicedesk.High, "hardware", "server down", serverDownHigh, true},
		{"sub-issue type without override: the issue type's", servicedesk.High, "hardware", "printer", hardwareHigh, true},
		{"issue-type override without the priority: the policy's", servicedesk.Medium, "hardware", "", base[1], true},
		{"sub-issue override without the priority: the issue type's", servicedesk.Low, "network", "outage", networkLow, true},
		{"sub-issue override for the priority", servicedesk.Medium, "network", "outage", outageMedium, true},
		{"override of a priority the policy does not list", servicedesk.Low, "network", "", networkLow, true},
		{"sub-issue type without issue type: the policy's", servicedesk.High, "", "server down", base[0], true},
		{"another issue type: the policy's", servicedesk.High, "software", "", base[0], true},
		{"priority listed nowhere", servicedesk.Critical, "hardware", "server down", servicedesk.Target{}, false},
		{"priority listed only in another issue type's override", servicedesk.Low, "hardware", "", servicedesk.Target{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := p.TargetFor(tt.priority, tt.issue, tt.subIssue)
			require.Equal(t, tt.ok, ok, "ok")
			diff(t, tt.want, got, "target")
		})
	}
}

// A ticket's targets follow its issue and sub-issue type.
func TestIssueTypeTargetsOnTickets(t *testing.T) {
	e := newDesk(t)
	cal := e.calendar(t, officeHours())
	p := e.policy(t, servicedesk.Policy{Name: "Break/fix", CalendarID: cal.ID, Targets: standardTargets, ByIssue: []servicedesk.IssueTargets{
		{IssueType: "hardware", Targets: []servicedesk.Target{{Priority: servicedesk.Medium, FirstResponse: 2 * time.Hour, Resolution: 8 * time.Hour}}},
		{IssueType: "hardware", SubIssueType: "server down", Targets: []servicedesk.Target{{Priority: servicedesk.Medium, FirstResponse: 30 * time.Minute, Resolution: 4 * time.Hour}}},
	}})
	e.settings(t, func(s *servicedesk.Settings) { s.DefaultPolicyID = p.ID })
	c := e.bare(t, "Acme", psa.ClientID{}, false)

	tests := []struct {
		issue, subIssue string
		firstResponse   string // deadline, opened Monday 09:00
	}{
		{"", "", "2026-05-11 13:00"},
		{"hardware", "", "2026-05-11 11:00"},
		{"hardware", "server down", "2026-05-11 09:30"},
		{"hardware", "printer", "2026-05-11 11:00"},
	}
	for _, tt := range tests {
		t.Run(tt.issue+"/"+tt.subIssue, func(t *testing.T) {
			tk := e.open(t, servicedesk.NewTicket{ClientID: c.ID, Fields: servicedesk.Fields{Title: "Down", Priority: servicedesk.Medium,
				IssueType: tt.issue, SubIssueType: tt.subIssue}})
			diff(t, ny(t, tt.firstResponse), e.target(t, tk.ID, servicedesk.FirstResponse).Due, "first-response deadline")
		})
	}
}

// Seed 002 "Business hours": a client's own support hours replace the policy's calendar.
func TestClientBusinessHours(t *testing.T) {
	e := newDesk(t)
	p := e.withDefaultPolicy(t)
	allDay := e.calendar(t, servicedesk.AlwaysOpen("America/New_York"))
	premium := e.bare(t, "Premium Co", psa.ClientID{}, false)
	e.clientSettings(t, premium.ID, client.Settings{CalendarID: allDay.ID})
	regular := e.bare(t, "Regular Co", psa.ClientID{}, false)
	e.at(t, "2026-05-15 16:00") // a Friday

	tests := []struct {
		name                      string
		client                    psa.ClientID
		calendar                  psa.CalendarID
		firstResponse, resolution string
	}{
		{"client with 24x7 support hours", premium.ID, allDay.ID, "2026-05-15 20:00", "2026-05-16 08:00"},
		{"client on the policy's office hours", regular.ID, p.CalendarID, "2026-05-18 12:00", "2026-05-19 16:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := e.openFor(t, tt.client, tt.name)
			diff(t, tt.calendar, tk.SLA.CalendarID, "calendar")
			diff(t, p.ID, tk.SLA.PolicyID, "policy")
			diff(t, ny(t, tt.firstResponse), e.target(t, tk.ID, servicedesk.FirstResponse).Due, "first-response deadline")
			diff(t, ny(t, tt.resolution), e.target(t, tk.ID, servicedesk.Resolution).Due, "resolution deadline")
		})
	}
}

// A priority with AlwaysOn counts every hour (24x7) on a calendar with office hours; the others
// count office hours only.
func TestAlwaysOnPriority(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	e.at(t, "2026-05-15 16:00") // a Friday

	tests := []struct {
		priority servicedesk.Priority
		due      map[servicedesk.Metric]string
	}{
		{servicedesk.Critical, map[servicedesk.Metric]string{servicedesk.FirstResponse: "2026-05-15 16:30", servicedesk.Resolution: "2026-05-15 20:00"}},
		{servicedesk.High, map[servicedesk.Metric]string{servicedesk.FirstResponse: "2026-05-15 17:00", // exactly at closing
			servicedesk.ResolutionPlan: "2026-05-18 12:00", servicedesk.Resolution: "2026-05-18 16:00"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.priority), func(t *testing.T) {
			tk := e.open(t, servicedesk.NewTicket{ClientID: c.ID, Fields: servicedesk.Fields{Title: "Down", Priority: tt.priority}})
			st, err := e.svc.SLA(t.Context(), tk.ID)
			require.NoError(t, err)
			got := map[servicedesk.Metric]time.Time{}
			for _, ts := range st.Targets {
				got[ts.Metric] = ts.Due
			}
			want := map[servicedesk.Metric]time.Time{}
			for m, s := range tt.due {
				want[m] = ny(t, s)
			}
			diff(t, want, got, "deadlines")
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Deadlines.

// Deadlines on a Monday-to-Friday 09:00-17:00 calendar, medium priority (first response 4h,
// resolution 16h of business time).
func TestDeadlines(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)

	tests := []struct {
		name, opened              string
		firstResponse, resolution string
	}{
		{"Friday 16:00: one hour on Friday, three on Monday", "2026-05-15 16:00", "2026-05-18 12:00", "2026-05-19 16:00"},
		{"Saturday: the clock starts at Monday's opening", "2026-05-16 10:00", "2026-05-18 13:00", "2026-05-19 17:00"},
		{"before opening: the clock starts at opening", "2026-05-11 07:30", "2026-05-11 13:00", "2026-05-12 17:00"},
		{"at closing time: the clock starts the next morning", "2026-05-11 17:00", "2026-05-12 13:00", "2026-05-13 17:00"},
		{"a deadline exactly at closing time", "2026-05-11 13:00", "2026-05-11 17:00", "2026-05-13 13:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.at(t, tt.opened)
			tk := e.openFor(t, c.ID, tt.name)
			st, err := e.svc.SLA(t.Context(), tk.ID)
			require.NoError(t, err)
			want := []servicedesk.TargetStatus{
				{Metric: servicedesk.FirstResponse, Target: 4 * time.Hour, Due: ny(t, tt.firstResponse), State: servicedesk.Pending, Remaining: 4 * time.Hour},
				{Metric: servicedesk.Resolution, Target: 16 * time.Hour, Due: ny(t, tt.resolution), State: servicedesk.Pending, Remaining: 16 * time.Hour},
			}
			diff(t, want, st.Targets, "targets at opening")
			require.False(t, st.Paused)
		})
	}
}

// A target met exactly at its deadline is met; one nanosecond later it is breached. An unmet
// target is pending until its deadline and breached from it on. Used is the share of the target
// used, Remaining the signed time left.
func TestMetOrBreached(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	due := ny(t, "2026-05-18 12:00") // opened Friday 16:00, first response 4h

	tests := []struct {
		name      string
		answered  string // when the first public note came; "" for none
		now       string
		state     servicedesk.State
		elapsed   time.Duration
		remaining time.Duration
		used      float64
	}{
		{"answered an hour early", "2026-05-18 11:00", "2026-05-19 10:00", servicedesk.Met, 3 * time.Hour, time.Hour, 0.75},
		{"answered exactly at the deadline", "2026-05-18 12:00", "2026-05-19 10:00", servicedesk.Met, 4 * time.Hour, 0, 1},
		{"answered one nanosecond late", "2026-05-18 12:00:00.000000001", "2026-05-19 10:00", servicedesk.Breached, 4*time.Hour + 1, -1, float64(4*time.Hour+1) / float64(4*time.Hour)},
		{"answered over the weekend, before any business time", "2026-05-16 12:00", "2026-05-19 10:00", servicedesk.Met, time.Hour, 3 * time.Hour, 0.25},
		{"half the target used", "", "2026-05-18 10:00", servicedesk.Pending, 2 * time.Hour, 2 * time.Hour, 0.5},
		{"unanswered one nanosecond before the deadline", "", "2026-05-18 11:59:59.999999999", servicedesk.Pending, 4*time.Hour - 1, 1, float64(4*time.Hour-1) / float64(4*time.Hour)},
		{"unanswered at the deadline", "", "2026-05-18 12:00", servicedesk.Breached, 4 * time.Hour, 0, 1},
		{"unanswered two hours late", "", "2026-05-18 14:00", servicedesk.Breached, 6 * time.Hour, -2 * time.Hour, 1.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.at(t, "2026-05-15 16:00")
			tk := e.openFor(t, c.ID, tt.name)
			var metAt time.Time
			if tt.answered != "" {
				e.at(t, tt.answered)
				e.answer(t, tk.ID)
				metAt = e.now
			}
			e.at(t, tt.now)
			want := servicedesk.TargetStatus{Metric: servicedesk.FirstResponse, Target: 4 * time.Hour, Due: due, MetAt: metAt,
				State: tt.state, Elapsed: tt.elapsed, Remaining: tt.remaining, Used: tt.used}
			diff(t, want, e.target(t, tk.ID, servicedesk.FirstResponse), "first response")
		})
	}
}

// Waiting on the customer stops the clock: on resumption, every running target's deadline moves
// by exactly the business time paused (a night, a weekend), so the business time between the old
// and the new deadline is the business time paused.
func TestPauseMovesDeadlines(t *testing.T) {
	hours, err := officeHours().Compile()
	require.NoError(t, err)
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)

	tests := []struct {
		name                  string
		opened, pause, resume string
		paused                time.Duration // business time paused
		frPaused              time.Duration // added to the first response (0 when breached before the pause)
		firstResponse         string        // deadlines after the resumption
		resolution            string
	}{
		{"overnight", "2026-05-11 15:00", "2026-05-11 16:00", "2026-05-12 10:00",
			2 * time.Hour, 2 * time.Hour, "2026-05-12 13:00", "2026-05-13 17:00"},
		{"over a weekend", "2026-05-15 10:00", "2026-05-15 11:00", "2026-05-18 10:00",
			7 * time.Hour, 7 * time.Hour, "2026-05-18 13:00", "2026-05-19 17:00"},
		{"across a night and a weekend", "2026-05-14 10:00", "2026-05-14 12:00", "2026-05-18 11:00",
			15 * time.Hour, 15 * time.Hour, "2026-05-18 13:00", "2026-05-19 17:00"},
		{"outside business hours only: nothing moves", "2026-05-15 10:00", "2026-05-16 10:00", "2026-05-17 10:00",
			0, 0, "2026-05-15 14:00", "2026-05-19 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.at(t, tt.opened)
			tk := e.openFor(t, c.ID, tt.name)
			frBefore := e.target(t, tk.ID, servicedesk.FirstResponse).Due
			resBefore := e.target(t, tk.ID, servicedesk.Resolution).Due

			e.at(t, tt.pause)
			paused := e.move(t, tk.ID, servicedesk.StatusWaitingCustomer)
			diff(t, e.now, paused.SLA.PausedSince, "paused since")
			st, err := e.svc.SLA(t.Context(), tk.ID)
			require.NoError(t, err)
			require.True(t, st.Paused, "the SLA status reports the pause")

			e.at(t, tt.resume)
			got := e.move(t, tk.ID, servicedesk.StatusInProgress)
			diff(t, time.Time{}, got.SLA.PausedSince, "paused since, after the resumption")
			diff(t, tt.paused, got.SLA.Resolution.Paused, "resolution's paused business time")
			diff(t, tt.frPaused, got.SLA.FirstResponse.Paused, "first response's paused business time")

			fr := e.target(t, tk.ID, servicedesk.FirstResponse).Due
			res := e.target(t, tk.ID, servicedesk.Resolution).Due
			diff(t, ny(t, tt.firstResponse), fr, "first-response deadline")
			diff(t, ny(t, tt.resolution), res, "resolution deadline")
			require.Equal(t, tt.paused, hours.BusinessTime(resBefore, res), "the resolution deadline moved by the business time paused")
			require.Equal(t, tt.frPaused, hours.BusinessTime(frBefore, fr), "the first-response deadline moved by its paused business time")
		})
	}
}

// While the clock stands still, a running target's deadline is where it would be if the clock ran
// again now; a target breached before the pause stays breached through the pause and after it,
// and answering it afterwards is late.
func TestPauseAfterBreach(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	e.at(t, "2026-05-14 10:00") // Thursday; first response due 14:00, resolution Monday 10:00
	tk := e.openFor(t, c.ID, "Printer")

	e.at(t, "2026-05-14 16:00") // the first response is 2h overdue
	e.move(t, tk.ID, servicedesk.StatusWaitingCustomer)

	e.at(t, "2026-05-15 12:00")
	st, err := e.svc.SLA(t.Context(), tk.ID)
	require.NoError(t, err)
	require.True(t, st.Paused)
	diff(t, []servicedesk.TargetStatus{
		{Metric: servicedesk.FirstResponse, Target: 4 * time.Hour, Due: ny(t, "2026-05-14 14:00"), State: servicedesk.Breached,
			Elapsed: 6 * time.Hour, Remaining: -2 * time.Hour, Used: 1.5},
		{Metric: servicedesk.Resolution, Target: 16 * time.Hour, Due: ny(t, "2026-05-18 14:00"), State: servicedesk.Pending,
			Elapsed: 6 * time.Hour, Remaining: 10 * time.Hour, Used: 6.0 / 16},
	}, st.Targets, "targets while paused")

	e.at(t, "2026-05-18 11:00") // paused: Thu 16-17, Fri 9-17, Mon 9-11 = 11h
	got := e.move(t, tk.ID, servicedesk.StatusInProgress)
	diff(t, time.Duration(0), got.SLA.FirstResponse.Paused, "first response's paused time")
	diff(t, 11*time.Hour, got.SLA.Resolution.Paused, "resolution's paused time")
	fr := e.target(t, tk.ID, servicedesk.FirstResponse)
	require.Equal(t, servicedesk.Breached, fr.State)
	diff(t, ny(t, "2026-05-14 14:00"), fr.Due, "first-response deadline")
	diff(t, ny(t, "2026-05-19 13:00"), e.target(t, tk.ID, servicedesk.Resolution).Due, "resolution deadline")

	e.at(t, "2026-05-18 11:30")
	e.answer(t, tk.ID)
	fr = e.target(t, tk.ID, servicedesk.FirstResponse)
	require.Equal(t, servicedesk.Breached, fr.State, "met late")
	diff(t, e.now, fr.MetAt, "met at")
}

// A pause stops the clock (DESIGN "Time, SLA and approval"): a first response given while the
// ticket waits on the customer is measured without the time paused before it.
func TestFirstResponseDuringPause(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	tk := e.openFor(t, c.ID, "Printer") // Monday 09:00, first response due 13:00

	e.at(t, "2026-05-11 10:00") // one hour used
	e.move(t, tk.ID, servicedesk.StatusWaitingCustomer)
	e.at(t, "2026-05-11 15:00") // answered while waiting: still one hour used
	e.answer(t, tk.ID)

	fr := e.target(t, tk.ID, servicedesk.FirstResponse)
	diff(t, servicedesk.TargetStatus{Metric: servicedesk.FirstResponse, Target: 4 * time.Hour, Due: fr.Due, MetAt: e.now,
		State: servicedesk.Met, Elapsed: time.Hour, Remaining: 3 * time.Hour, Used: 0.25}, fr, "first response met during the pause")

	e.at(t, "2026-05-11 16:00") // the clock runs again
	e.move(t, tk.ID, servicedesk.StatusInProgress)
	fr = e.target(t, tk.ID, servicedesk.FirstResponse)
	require.Equal(t, servicedesk.Met, fr.State, "still met after the resumption")
	diff(t, time.Hour, fr.Elapsed, "elapsed after the resumption")
}

// Clock.Pause keeps the first stop; Resume without a pause changes nothing; a target without a
// duration gets no paused time.
func TestClockPauseResume(t *testing.T) {
	hours, err := officeHours().Compile()
	require.NoError(t, err)
	target := servicedesk.Target{Priority: servicedesk.Medium, FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour}
	start := ny(t, "2026-05-11 09:00")
	c := servicedesk.Clock{PolicyID: psa.SLAPolicyID{UUID: uuid.UUID{15: 1}}, Start: start}
	require.True(t, c.Active())

	c.Resume(ny(t, "2026-05-11 10:00"), target, hours)
	diff(t, servicedesk.Clock{PolicyID: c.PolicyID, Start: start}, c, "resume without a pause")

	c.Pause(ny(t, "2026-05-11 10:00"))
	c.Pause(ny(t, "2026-05-11 11:00"))
	diff(t, ny(t, "2026-05-11 10:00"), c.PausedSince, "the first pause counts")
	c.Resume(ny(t, "2026-05-11 12:30"), target, hours)
	want := servicedesk.Clock{PolicyID: c.PolicyID, Start: start,
		FirstResponse: servicedesk.TargetClock{Paused: 150 * time.Minute}, Resolution: servicedesk.TargetClock{Paused: 150 * time.Minute}}
	diff(t, want, c, "clock after the resumption")

	require.False(t, servicedesk.Clock{}.Active(), "a clock without policy")
}

// SetPriority recomputes the deadlines from the ticket's opening with the new priority's targets.
func TestSetPriorityRecomputesDeadlines(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	e.at(t, "2026-05-11 10:00")
	tk := e.open(t, servicedesk.NewTicket{ClientID: c.ID, Fields: servicedesk.Fields{Title: "Slow PC", Priority: servicedesk.Low}})
	diff(t, ny(t, "2026-05-12 10:00"), e.target(t, tk.ID, servicedesk.FirstResponse).Due, "low first-response deadline")
	diff(t, ny(t, "2026-05-18 10:00"), e.target(t, tk.ID, servicedesk.Resolution).Due, "low resolution deadline")
	e.at(t, "2026-05-11 11:00")

	tests := []struct {
		priority                  servicedesk.Priority
		firstResponse, resolution string
		frState                   servicedesk.State
	}{
		{servicedesk.Medium, "2026-05-11 14:00", "2026-05-13 10:00", servicedesk.Pending},
		{servicedesk.Critical, "2026-05-11 10:30", "2026-05-11 14:00", servicedesk.Breached}, // 24x7, already overdue
		{servicedesk.High, "2026-05-11 11:00", "2026-05-12 10:00", servicedesk.Breached},     // due now
		{servicedesk.Low, "2026-05-12 10:00", "2026-05-18 10:00", servicedesk.Pending},
	}
	for _, tt := range tests {
		t.Run(string(tt.priority), func(t *testing.T) {
			before := e.ticket(t, tk.ID)
			got, err := e.svc.SetPriority(t.Context(), tk.ID, before.Version, tt.priority)
			require.NoError(t, err)
			require.Equal(t, before.Version+1, got.Version)
			diff(t, before.SLA, got.SLA, "the clock itself does not change")
			fr := e.target(t, tk.ID, servicedesk.FirstResponse)
			diff(t, ny(t, tt.firstResponse), fr.Due, "first-response deadline")
			require.Equal(t, tt.frState, fr.State)
			diff(t, ny(t, tt.resolution), e.target(t, tk.ID, servicedesk.Resolution).Due, "resolution deadline")
		})
	}
}

// Resolving meets the resolution (and the resolution plan); reopening runs the resolution again,
// from resolved and from closed; closing a resolved ticket keeps the first resolution time.
func TestResolveAndReopen(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	e.at(t, "2026-05-11 10:00")
	tk := e.open(t, servicedesk.NewTicket{ClientID: c.ID, Fields: servicedesk.Fields{Title: "Mail down", Priority: servicedesk.High}})
	// High: first response 1h, plan 4h (due 14:00), resolution 8h (due Tuesday 10:00).

	steps := []struct {
		at            string
		to            servicedesk.Status
		planMet       string // "" for not met
		resolutionMet string
		resolution    servicedesk.State
	}{
		{"2026-05-11 13:00", servicedesk.StatusResolved, "2026-05-11 13:00", "2026-05-11 13:00", servicedesk.Met},
		{"2026-05-11 14:00", servicedesk.StatusInProgress, "2026-05-11 13:00", "", servicedesk.Pending},
		{"2026-05-12 09:30", servicedesk.StatusResolved, "2026-05-11 13:00", "2026-05-12 09:30", servicedesk.Met},
		{"2026-05-12 10:00", servicedesk.StatusClosed, "2026-05-11 13:00", "2026-05-12 09:30", servicedesk.Met},
		{"2026-05-12 11:00", servicedesk.StatusInProgress, "2026-05-11 13:00", "", servicedesk.Breached}, // reopened after its deadline
		{"2026-05-12 12:00", servicedesk.StatusClosed, "2026-05-11 13:00", "2026-05-12 12:00", servicedesk.Breached},
	}
	for _, s := range steps {
		e.at(t, s.at)
		got := e.move(t, tk.ID, s.to)
		at := func(s string) time.Time {
			if s == "" {
				return time.Time{}
			}
			return ny(t, s)
		}
		what := string(s.to) + " at " + s.at
		diff(t, at(s.planMet), got.SLA.ResolutionPlan.MetAt, "plan met at, "+what)
		diff(t, at(s.resolutionMet), got.SLA.Resolution.MetAt, "resolution met at, "+what)
		res := e.target(t, tk.ID, servicedesk.Resolution)
		require.Equal(t, s.resolution, res.State, what)
		diff(t, ny(t, "2026-05-12 10:00"), res.Due, "resolution deadline, "+what)
	}
}

// RecordResolutionPlan meets the plan once; a later record does not move it.
func TestRecordResolutionPlan(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t)
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	tk := e.open(t, servicedesk.NewTicket{ClientID: c.ID, Fields: servicedesk.Fields{Title: "Mail down", Priority: servicedesk.High}})
	e.at(t, "2026-05-11 11:00")
	got, err := e.svc.RecordResolutionPlan(t.Context(), tk.ID, tk.Version)
	require.NoError(t, err)
	require.Equal(t, tk.Version+1, got.Version)
	e.at(t, "2026-05-11 12:00")
	got, err = e.svc.RecordResolutionPlan(t.Context(), tk.ID, got.Version)
	require.NoError(t, err)
	diff(t, ny(t, "2026-05-11 11:00"), got.SLA.ResolutionPlan.MetAt, "plan met at")
	plan := e.target(t, tk.ID, servicedesk.ResolutionPlan)
	require.Equal(t, servicedesk.Met, plan.State)
	diff(t, 2*time.Hour, plan.Remaining, "plan remaining")

	before := e.state(t)
	_, err = e.svc.RecordResolutionPlan(t.Context(), tk.ID, tk.Version)
	require.ErrorIs(t, err, psa.ErrConflict, "stale version")
	e.unchanged(t, before)
}

// Deadlines across the spring-forward night in New York (2026-03-08): business time is real
// elapsed time, so a 00:00-06:00 shift holds only five hours that night, and a 24x7 target counts
// real hours, not wall-clock ones.
func TestDeadlinesAcrossDST(t *testing.T) {
	night := []servicedesk.Interval{{Start: 0, End: 6 * 60}}
	nightShift := servicedesk.Calendar{Name: "Night shift", TimeZone: "America/New_York"}
	for d := range nightShift.Week {
		nightShift.Week[d] = night
	}
	tests := []struct {
		name     string
		calendar servicedesk.Calendar
		priority servicedesk.Priority
		opened   string
		metric   servicedesk.Metric
		due      time.Time
	}{
		{"night shift: 4h from midnight ends at 05:00 EDT", nightShift, servicedesk.Medium, "2026-03-08 00:00",
			servicedesk.FirstResponse, time.Date(2026, time.March, 8, 9, 0, 0, 0, time.UTC)},
		{"night shift: 16h from midnight spans the short night", nightShift, servicedesk.Medium, "2026-03-07 00:00",
			// Mar 7 6h, Mar 8 5h (short night), Mar 9 5h of 6h: 05:00 EDT.
			servicedesk.Resolution, time.Date(2026, time.March, 9, 9, 0, 0, 0, time.UTC)},
		{"24x7 priority: 4h from 23:00 EST is 04:00 EDT", officeHours(), servicedesk.Critical, "2026-03-07 23:00",
			servicedesk.Resolution, time.Date(2026, time.March, 8, 8, 0, 0, 0, time.UTC)},
		{"office hours over the changing weekend", officeHours(), servicedesk.Medium, "2026-03-06 16:00",
			servicedesk.FirstResponse, time.Date(2026, time.March, 9, 16, 0, 0, 0, time.UTC)}, // Monday 12:00 EDT
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDesk(t)
			cal := e.calendar(t, tt.calendar)
			p := e.policy(t, servicedesk.Policy{Name: "Standard", CalendarID: cal.ID, Targets: standardTargets})
			e.settings(t, func(s *servicedesk.Settings) { s.DefaultPolicyID = p.ID })
			c := e.bare(t, "Acme", psa.ClientID{}, false)
			e.at(t, tt.opened)
			tk := e.open(t, servicedesk.NewTicket{ClientID: c.ID, Fields: servicedesk.Fields{Title: "Down", Priority: tt.priority}})
			got := e.target(t, tk.ID, tt.metric).Due
			diff(t, tt.due, got, "deadline")
			t.Logf("due %s", got.In(newYork))
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Policies.

// Policy.Validate reports every broken rule with the field and the value.
func TestPolicyValidate(t *testing.T) {
	cal := psa.CalendarID{UUID: uuid.UUID{15: 1}}
	valid := func() servicedesk.Policy {
		return servicedesk.Policy{Name: "Standard", CalendarID: cal, Targets: []servicedesk.Target{
			{Priority: servicedesk.High, FirstResponse: time.Hour, ResolutionPlan: 4 * time.Hour, Resolution: 8 * time.Hour},
			{Priority: servicedesk.Low, FirstResponse: 8 * time.Hour},
		}, ByIssue: []servicedesk.IssueTargets{
			{IssueType: "hardware", Targets: []servicedesk.Target{{Priority: servicedesk.High, FirstResponse: 30 * time.Minute}}},
			{IssueType: "hardware", SubIssueType: "server down", Targets: []servicedesk.Target{{Priority: servicedesk.High, FirstResponse: 15 * time.Minute}}},
		}}
	}
	tests := []struct {
		name   string
		change func(p *servicedesk.Policy)
		want   []string // nil for valid
	}{
		{"valid", func(*servicedesk.Policy) {}, nil},
		{"no targets at all", func(p *servicedesk.Policy) { p.Targets, p.ByIssue = nil, nil }, nil},
		{"plan equal to the resolution", func(p *servicedesk.Policy) { p.Targets[0].ResolutionPlan = 8 * time.Hour }, nil},
		{"plan without resolution target", func(p *servicedesk.Policy) { p.Targets[0].Resolution = 0 }, nil},
		{"no name", func(p *servicedesk.Policy) { p.Name = " " }, []string{"name= "}},
		{"no calendar", func(p *servicedesk.Policy) { p.CalendarID = psa.CalendarID{} }, []string{"calendarId="}},
		{"unknown priority", func(p *servicedesk.Policy) { p.Targets[1].Priority = "urgent" }, []string{"targets[1].priority=urgent"}},
		{"priority listed twice", func(p *servicedesk.Policy) { p.Targets[1].Priority = servicedesk.High }, []string{"targets[1].priority=high"}},
		{"negative first response", func(p *servicedesk.Policy) { p.Targets[1].FirstResponse = -time.Hour }, []string{"targets[1].firstResponse=-1h0m0s"}},
		{"negative resolution plan", func(p *servicedesk.Policy) { p.Targets[0].ResolutionPlan = -time.Hour }, []string{"targets[0].resolutionPlan=-1h0m0s"}},
		{"negative resolution", func(p *servicedesk.Policy) { p.Targets[1].Resolution = -time.Minute }, []string{"targets[1].resolution=-1m0s"}},
		{"plan later than the resolution", func(p *servicedesk.Policy) { p.Targets[0].ResolutionPlan = 9 * time.Hour }, []string{"targets[0].resolutionPlan=9h0m0s"}},
		{"issue override without issue type", func(p *servicedesk.Policy) { p.ByIssue[1].IssueType = "" }, []string{"byIssue[1].issueType="}},
		{"issue override listed twice", func(p *servicedesk.Policy) { p.ByIssue[1].SubIssueType = "" }, []string{"byIssue[1]=hardware/"}},
		{"bad target in an issue override", func(p *servicedesk.Policy) { p.ByIssue[0].Targets[0].Priority = "asap" }, []string{"byIssue[0].targets[0].priority=asap"}},
		{"every broken rule at once", func(p *servicedesk.Policy) {
			p.Name, p.CalendarID, p.Targets[1].Priority, p.ByIssue[0].IssueType = "", psa.CalendarID{}, "urgent", ""
		}, []string{"name=", "calendarId=", "targets[1].priority=urgent", "byIssue[0].issueType="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.change(&p)
			err := p.Validate()
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			diff(t, tt.want, invalid(t, err, "SLA policy"), "invalid fields")
		})
	}
}

// PutPolicy stores only a valid policy on an existing calendar.
func TestPutPolicyRefused(t *testing.T) {
	e := newDesk(t)
	cal := e.calendar(t, officeHours())

	_, err := e.svc.PutPolicy(t.Context(), servicedesk.Policy{CalendarID: cal.ID})
	diff(t, []string{"name="}, invalid(t, err, "SLA policy"), "invalid fields")

	p, err := e.svc.PutPolicy(t.Context(), servicedesk.Policy{Name: "Lost", CalendarID: psa.CalendarID{UUID: uuid.UUID{15: 0x42}}})
	require.ErrorIs(t, err, psa.ErrNotFound, "unknown calendar")
	if !psa.IsNil(p.ID) {
		e.tx(t, func(ctx context.Context, tx servicedesk.Tx) error {
			_, err := tx.GetPolicy(ctx, p.ID)
			require.ErrorIs(t, err, psa.ErrNotFound, "nothing stored")
			return nil
		})
	}

	// The tenant's default policy must exist.
	before := e.state(t)
	_, err = e.svc.PutSettings(t.Context(), servicedesk.Settings{DefaultPolicyID: psa.SLAPolicyID{UUID: uuid.UUID{15: 0x43}}})
	require.ErrorIs(t, err, psa.ErrNotFound)
	e.unchanged(t, before)
}

// ---------------------------------------------------------------------------------------------
// Compliance and onboarding.

// Compliance counts, per metric, a client's tickets that met, breached or are still pending the
// target, and the share met of those decided.
func TestCompliance(t *testing.T) {
	e := newDesk(t)
	e.withDefaultPolicy(t) // medium: first response 4h, resolution 16h; low is 8h and 40h
	c := e.bare(t, "Acme", psa.ClientID{}, false)
	other := e.bare(t, "Globex", psa.ClientID{}, false)

	e.at(t, "2026-05-11 09:00")
	a := e.openFor(t, c.ID, "answered and resolved in time")
	b := e.openFor(t, c.ID, "answered late")
	e.openFor(t, c.ID, "unanswered, overdue")
	e.openFor(t, other.ID, "another client's") // not counted
	e.at(t, "2026-05-11 10:00")
	e.answer(t, a.ID)
	e.at(t, "2026-05-11 11:00")
	e.move(t, a.ID, servicedesk.StatusResolved)
	e.at(t, "2026-05-11 14:00")
	e.answer(t, b.ID) // 5h after opening
	e.openFor(t, c.ID, "opened an hour ago")
	e.at(t, "2026-05-11 15:00")

	got, err := e.svc.Compliance(t.Context(), c.ID)
	require.NoError(t, err)
	want := []servicedesk.MetricCompliance{
		{Metric: servicedesk.FirstResponse, Met: 1, Breached: 2, Pending: 1, Share: 1.0 / 3},
		{Metric: servicedesk.ResolutionPlan, Share: 1}, // medium tickets have no plan target
		{Metric: servicedesk.Resolution, Met: 1, Pending: 3, Share: 1},
	}
	diff(t, want, got, "compliance")

	t.Run("client without tickets", func(t *testing.T) {
		got, err := e.svc.Compliance(t.Context(), e.bare(t, "New Co", psa.ClientID{}, false).ID)
		require.NoError(t, err)
		diff(t, []servicedesk.MetricCompliance{
			{Metric: servicedesk.FirstResponse, Share: 1}, {Metric: servicedesk.ResolutionPlan, Share: 1}, {Metric: servicedesk.Resolution, Share: 1},
		}, got, "compliance")
	})
}

// The onboarding checklist's SLA step (seed 002 step 4) is done when a policy applies to the
// client's tickets, with the reason naming where it comes from, and missing otherwise.
func TestOnboardingSLAStep(t *testing.T) {
	tests := []struct {
		name    string
		arrange func(t *testing.T, e *desk, c client.Client)
		done    bool
		source  servicedesk.PolicySource
		policy  string
	}{
		{"no policy", func(*testing.T, *desk, client.Client) {}, false, "", ""},
		{"tenant default", func(t *testing.T, e *desk, _ client.Client) { e.withDefaultPolicy(t) }, true, servicedesk.FromTenant, "Standard"},
		{"client override", func(t *testing.T, e *desk, c client.Client) {
			e.withDefaultPolicy(t)
			p := e.policy(t, servicedesk.Policy{Name: "Premium", CalendarID: e.calendar(t, servicedesk.AlwaysOpen("UTC")).ID, Targets: standardTargets})
			e.clientSettings(t, c.ID, client.Settings{SLAPolicyID: p.ID})
		}, true, servicedesk.FromClient, "Premium"},
		{"default contract's SLA", func(t *testing.T, e *desk, c client.Client) {
			p := e.standard(t, "Contracted")
			terms := tm(t, "Managed services", "2026-01-01", "")
			terms.Default, terms.SLAPolicyID = true, p.ID
			e.contract(t, c.ID, terms)
		}, true, servicedesk.FromContract, "Contracted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newDesk(t)
			c := e.customer(t, "Acme", "USD")
			tt.arrange(t, e, c)
			checklist := client.NewChecklist()
			require.NoError(t, checklist.SetCheck(client.StepSLA, servicedesk.OnboardingCheck(e.svc)))
			report, err := e.clients.Onboarding(t.Context(), c.ID, checklist)
			require.NoError(t, err)
			var step *client.StepReport
			for i := range report.Steps {
				if report.Steps[i].ID == client.StepSLA {
					step = &report.Steps[i]
				}
			}
			require.NotNil(t, step, "the report has the SLA step")
			require.NotEmpty(t, step.Reason)
			if !tt.done {
				require.Equal(t, client.StatusMissing, step.Status)
				return
			}
			require.Equal(t, client.StatusDone, step.Status)
			require.Truef(t, strings.Contains(step.Reason, string(tt.source)) && strings.Contains(step.Reason, tt.policy),
				"reason %q names the policy %q and where it comes from (%s)", step.Reason, tt.policy, tt.source)
		})
	}
}
