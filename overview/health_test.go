package overview_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/overview"
)

// TestServiceScore checks the service component at its boundaries.
func TestServiceScore(t *testing.T) {
	tests := []struct {
		name string
		f    overview.ServiceFacts
		want int
	}{
		{"no tickets at all", overview.ServiceFacts{}, 100},
		{"every target met", overview.ServiceFacts{Met: 7}, 100},
		{"compliance rounds half up", overview.ServiceFacts{Met: 1, Breached: 7}, 13}, // 12.5%
		{"one open ticket", overview.ServiceFacts{Met: 4, Open: 1}, 95},
		{"open tickets cost at most 25", overview.ServiceFacts{Met: 4, Open: 5}, 75},
		{"beyond the cap", overview.ServiceFacts{Met: 4, Open: 9}, 75},
		{"a breached open ticket costs 10 more", overview.ServiceFacts{Met: 4, Breached: 1, Open: 1, OpenBreached: 1}, 65},
		{"breached open tickets cost at most 30", overview.ServiceFacts{Met: 10, Open: 4, OpenBreached: 4}, 50},
		{"never below zero", overview.ServiceFacts{Breached: 3, Open: 9, OpenBreached: 9}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := overview.ServiceScore(tt.f)
			require.Equal(t, tt.want, got.Score)
			require.Equal(t, overview.ComponentService, got.Component)
			require.False(t, got.Missing)
		})
	}
}

// TestFinancialScore checks the financial component at its boundaries: the oldest overdue
// bucket decides the penalty.
func TestFinancialScore(t *testing.T) {
	balance := func(buckets map[invoice.AgingBucket]string) invoice.Balance {
		b := invoice.Balance{Currency: currency.USD, Outstanding: psa.ZeroMoney(currency.USD), Buckets: map[invoice.AgingBucket]psa.Money{}}
		for k, v := range buckets {
			m, err := psa.ParseMoney(v, "USD")
			require.NoError(t, err)
			b.Buckets[k] = m
			b.Outstanding, _ = b.Outstanding.Add(m)
		}
		return b
	}
	tests := []struct {
		name    string
		due, on int
		buckets map[invoice.AgingBucket]string
		want    int
	}{
		{"nothing due yet", 0, 0, nil, 100},
		{"all on time", 4, 4, nil, 100},
		{"one of three late", 3, 2, nil, 67},
		{"current amounts cost nothing", 2, 2, map[invoice.AgingBucket]string{invoice.AgingCurrent: "900.00"}, 100},
		{"1-30 days late", 2, 2, map[invoice.AgingBucket]string{invoice.Aging1To30: "10.00"}, 90},
		{"31-60 days late", 2, 2, map[invoice.AgingBucket]string{invoice.Aging31To60: "10.00"}, 80},
		{"61-90 days late", 2, 2, map[invoice.AgingBucket]string{invoice.Aging61To90: "10.00"}, 70},
		{"over 90 days late", 2, 2, map[invoice.AgingBucket]string{invoice.AgingOver90: "10.00"}, 60},
		{"the oldest bucket decides", 2, 2, map[invoice.AgingBucket]string{invoice.Aging1To30: "10.00", invoice.Aging61To90: "10.00"}, 70},
		{"never below zero", 4, 0, map[invoice.AgingBucket]string{invoice.AgingOver90: "10.00"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := overview.FinancialScore(overview.FinancialFacts{Due: tt.due, OnTime: tt.on, Balance: balance(tt.buckets)})
			require.Equal(t, tt.want, got.Score, "%v", got.Inputs)
		})
	}
}

// TestEngagementScore checks the engagement component at its boundaries.
func TestEngagementScore(t *testing.T) {
	tests := []struct {
		name string
		f    overview.EngagementFacts
		want int
	}{
		{"no portal users", overview.EngagementFacts{Tickets: 5, ThroughPortal: 5}, 0},
		{"no recent tickets: usage only", overview.EngagementFacts{PortalUsers: 3, Active: 2}, 67},
		{"everyone active, every ticket in the portal", overview.EngagementFacts{PortalUsers: 4, Active: 4, Tickets: 6, ThroughPortal: 6}, 100},
		{"active but no portal tickets", overview.EngagementFacts{PortalUsers: 4, Active: 4, Tickets: 6}, 70},
		{"mixed, rounded half up", overview.EngagementFacts{PortalUsers: 4, Active: 1, Tickets: 4, ThroughPortal: 1}, 25}, // 17.5 + 7.5
		{"nobody active", overview.EngagementFacts{PortalUsers: 2, Tickets: 3, ThroughPortal: 1}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, overview.EngagementScore(tt.f).Score)
		})
	}
}

// TestCombine: the weighted mean over the components present, rounded half up; a component not
// given is missing and left out, never counted as 0 or 100.
func TestCombine(t *testing.T) {
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	score := func(c overview.Component, s int) overview.ComponentScore {
		return overview.ComponentScore{Component: c, Score: s}
	}
	tests := []struct {
		name          string
		scores        []overview.ComponentScore
		want, covered int
	}{
		{"all at 100", []overview.ComponentScore{score(overview.ComponentService, 100), score(overview.ComponentEndpoints, 100), score(overview.ComponentSecurity, 100),
			score(overview.ComponentBackups, 100), score(overview.ComponentFinancial, 100), score(overview.ComponentEngagement, 100), score(overview.ComponentCommunications, 100)}, 100, 100},
		{"weights", []overview.ComponentScore{score(overview.ComponentService, 100), score(overview.ComponentEndpoints, 0), score(overview.ComponentSecurity, 0),
			score(overview.ComponentBackups, 0), score(overview.ComponentFinancial, 0), score(overview.ComponentEngagement, 0), score(overview.ComponentCommunications, 0)}, 25, 100},
		{"missing components are left out", []overview.ComponentScore{score(overview.ComponentService, 80), score(overview.ComponentFinancial, 50)}, 71, 35}, // (2000+500)/35 = 71.4
		{"half rounds up", []overview.ComponentScore{score(overview.ComponentEngagement, 1), score(overview.ComponentCommunications, 0)}, 1, 10},             // 0.5
		{"nothing present", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := overview.Combine(psa.ClientID{}, at, tt.scores)
			require.Equal(t, tt.want, h.Score)
			require.Equal(t, tt.covered, h.Coverage)
			require.Len(t, h.Components, len(overview.Weights()))
			require.Equal(t, len(overview.Weights())-len(tt.scores), len(h.Missing()))
		})
	}
	sum := 0
	for _, w := range overview.Weights() {
		sum += w.Percent
	}
	require.Equal(t, 100, sum, "seed 002's weights sum to 100")
}

// ExampleCombine scores a client whose host has no security signal: the component is reported
// missing and the score is the weighted mean over the rest.
func ExampleCombine() {
	h := overview.Combine(psa.ClientID{}, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), []overview.ComponentScore{
		overview.ServiceScore(overview.ServiceFacts{Met: 9, Breached: 1, Open: 2}),
		overview.FinancialScore(overview.FinancialFacts{Due: 4, OnTime: 4, Balance: invoice.Outstanding(nil, currency.USD, psa.NewDate(2026, 11, 20))}),
		overview.EngagementScore(overview.EngagementFacts{PortalUsers: 2, Active: 1}),
		{Component: overview.ComponentEndpoints, Score: 85, Inputs: []overview.Input{{"patched", "17 of 20"}}},
		{Component: overview.ComponentBackups, Score: 100},
		{Component: overview.ComponentCommunications, Score: 90},
	})
	fmt.Print(h)
	// Output:
	// health 86/100 (coverage 80%)
	//   service         25%   80  SLA compliance 90% (9 met, 1 breached), open tickets 2, open with a breached target 0
	//   endpoints       20%   85  patched 17 of 20
	//   security        20%  missing: no signal
	//   backups         15%  100
	//   financial       10%  100  paid on time 100% (4 of 4 due invoices), outstanding 0.00 USD, oldest overdue none
	//   engagement       5%   50  portal users active in 30 days 1 of 2, tickets through the portal in 90 days 0 of 0
	//   communications   5%   90
}
