package billing_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// work logs and approves billable time of a technician under contract k on day d.
func (r *runEnv) work(t *testing.T, c client.Client, k contract.Contract, d psa.Date, dur time.Duration) psa.TimeEntryID {
	t.Helper()
	e, err := r.desk.LogTime(t.Context(), servicedesk.Work{ClientID: c.ID, ContractID: k.ID, StaffID: psa.StaffID{UUID: c.ID.UUID},
		Role: "technician", Date: d, Duration: dur, Billable: true})
	require.NoError(t, err)
	_, err = r.desk.Approve(t.Context(), e.ID)
	require.NoError(t, err)
	return e.ID
}

// diff fails t when got differs from want (decimals and money compared by value).
func diff(t *testing.T, want, got any, what string) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("%s (-want +got):\n%s", what, d)
	}
}

// retainerEnv is a tenant whose technicians cost 120.00 an hour, with client Acme.
func retainerEnv(t *testing.T) (*runEnv, client.Client) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	_, err := r.desk.PutSettings(t.Context(), servicedesk.Settings{DefaultRates: []client.RateOverride{{Role: "technician", Rate: usd(t, "120.00")}}})
	require.NoError(t, err)
	return r, acme
}

func (r *runEnv) stored(t *testing.T, id psa.ContractID) contract.Contract {
	t.Helper()
	k, err := r.contracts.Get(t.Context(), id)
	require.NoError(t, err)
	return k
}

// TestScenarioRetainerHours: a block of 10 hours a month billed in advance at 1,000.00. Approved
// time consumes the block in work-date order, not in the order it was logged; the entry that
// crosses the remaining balance is split, its 2 hours beyond charged at the contract's overage
// rate. Unused hours expire; the next month's block is fresh. A rerun creates nothing, and a void
// gives the hours back to the block so the next run bills them again the same way.
func TestScenarioRetainerHours(t *testing.T) {
	r, acme := retainerEnv(t)
	k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Block", Type: contract.RetainerHours,
		Start: psa.NewDate(2026, 11, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}, Hours: decimal.NewFromInt(10),
		BillingPrice: usd(t, "1000.00"), OverageRate: usd(t, "150.00")}})
	r.work(t, acme, k, psa.NewDate(2026, 11, 3), 4*time.Hour)
	r.work(t, acme, k, psa.NewDate(2026, 11, 5), 5*time.Hour)
	r.work(t, acme, k, psa.NewDate(2026, 11, 4), 3*time.Hour)

	november := []scenarioInvoice{{Number: "INV-2026-0001", Date: "2026-11-17", Due: "2026-12-01", Net: "1300.00 USD", Tax: "81.25 USD", Total: "1381.25 USD",
		Lines: []scenarioLine{
			{Desc: "Block, 2026-11-01..2026-11-30", Period: "2026-11-01..2026-11-30", Qty: "1", Price: "1000.00 USD", Amount: "1000.00 USD", Kind: "contract part"},
			{Desc: "2026-11-03 technician (4h0m0s from the retainer)", Period: "2026-11-03..2026-11-03", Qty: "0", Price: "150.00 USD", Amount: "0.00 USD", Kind: "time entry"},
			{Desc: "2026-11-04 technician (3h0m0s from the retainer)", Period: "2026-11-04..2026-11-04", Qty: "0", Price: "150.00 USD", Amount: "0.00 USD", Kind: "time entry"},
			{Desc: "2026-11-05 technician (3h0m0s from the retainer)", Period: "2026-11-05..2026-11-05", Qty: "2", Price: "150.00 USD", Amount: "300.00 USD", Kind: "time entry"},
		}}}
	got := r.runOn(t, psa.NewDate(2026, 11, 17))
	requireInvoices(t, november, got)
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2026, 11, 17)))
	summary, err := r.stored(t, k.ID).PrepaidHours(psa.NewDate(2026, 11, 30))
	require.NoError(t, err)
	diff(t, contract.HoursSummary{Period: psa.Period{Start: psa.NewDate(2026, 11, 1), End: psa.NewDate(2026, 12, 1)}, Purchased: decimal.NewFromInt(10),
		Carried: decimal.Zero, Used: decimal.NewFromInt(10), Remaining: decimal.Zero}, summary, "November's prepaid hours")

	// A void gives the hours back; the rerun bills the same lines on a new number.
	inv := r.bill(t, psa.NewDate(2026, 11, 17), true) // preview: nothing
	require.Empty(t, inv.Invoices())
	first := scenarioInvoicesOf(t, r, acme.ID)[0]
	_, err = r.billing.Void(t.Context(), first.ID, first.Version, "sent to the wrong address")
	require.NoError(t, err)
	require.Empty(t, r.stored(t, k.ID).Usage, "the void gave the hours back")
	again := r.runOn(t, psa.NewDate(2026, 11, 17))
	november[0].Number = "INV-2026-0002"
	requireInvoices(t, november, again)

	// December: a fresh block; November's unused hours (none) would have expired anyway.
	r.work(t, acme, k, psa.NewDate(2026, 12, 2), 90*time.Minute)
	dec := r.runOn(t, psa.NewDate(2026, 12, 17))
	require.Len(t, dec, 1)
	require.Equal(t, "1000.00 USD", dec[0].Net)
	require.Equal(t, scenarioLine{Desc: "2026-12-02 technician (1h30m0s from the retainer)", Period: "2026-12-02..2026-12-02", Qty: "0", Price: "150.00 USD", Amount: "0.00 USD", Kind: "time entry"}, dec[0].Lines[1])
}

// TestScenarioRetainerHoursRollover: with rollover, November's 4 unused hours carry into December,
// so 13 hours of December work fit in its 14; without rollover they expire and 3 hours go beyond
// the block, at the technician's rate as the contract sets no overage rate.
func TestScenarioRetainerHoursRollover(t *testing.T) {
	for _, tt := range []struct {
		rollover bool
		wantNet  string
	}{{true, "1000.00 USD"}, {false, "1360.00 USD"}} {
		r, acme := retainerEnv(t)
		k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Block", Type: contract.RetainerHours,
			Start: psa.NewDate(2026, 11, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}, Hours: decimal.NewFromInt(10),
			BillingPrice: usd(t, "1000.00"), Rollover: tt.rollover}})
		r.work(t, acme, k, psa.NewDate(2026, 11, 10), 6*time.Hour)
		require.Equal(t, "1000.00 USD", r.runOn(t, psa.NewDate(2026, 11, 30))[0].Net)
		r.work(t, acme, k, psa.NewDate(2026, 12, 10), 13*time.Hour)
		got := r.runOn(t, psa.NewDate(2026, 12, 31))
		require.Len(t, got, 1)
		require.Equal(t, tt.wantNet, got[0].Net, "rollover %v", tt.rollover)
		summary, err := r.stored(t, k.ID).PrepaidHours(psa.NewDate(2026, 12, 31))
		require.NoError(t, err)
		carried := decimal.Zero
		if tt.rollover {
			carried = decimal.NewFromInt(4)
		}
		diff(t, carried, summary.Carried, "hours carried into December")
	}
}

// TestScenarioRetainerAmount: a retainer funded with 500.00 a month. Approved time at 120.00 an
// hour consumes it; the entry crossing the balance is split and what lies beyond is charged at
// time-and-materials rates; the consumed amount is tracked on the contract.
func TestScenarioRetainerAmount(t *testing.T) {
	r, acme := retainerEnv(t)
	k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Retainer", Type: contract.RetainerAmount,
		Start: psa.NewDate(2026, 11, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}, BillingPrice: usd(t, "500.00")}})
	r.work(t, acme, k, psa.NewDate(2026, 11, 2), 3*time.Hour)                // 360.00
	r.work(t, acme, k, psa.NewDate(2026, 11, 9), 2*time.Hour+30*time.Minute) // 300.00: 140.00 covered, 160.00 beyond
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0001", Date: "2026-11-17", Due: "2026-12-01", Net: "660.00 USD", Tax: "41.25 USD", Total: "701.25 USD",
		Lines: []scenarioLine{
			{Desc: "Retainer, 2026-11-01..2026-11-30", Period: "2026-11-01..2026-11-30", Qty: "1", Price: "500.00 USD", Amount: "500.00 USD", Kind: "contract part"},
			{Desc: "2026-11-02 technician (360.00 USD from the retainer)", Period: "2026-11-02..2026-11-02", Qty: "3", Price: "120.00 USD", Amount: "0.00 USD", Kind: "time entry"},
			{Desc: "2026-11-09 technician (140.00 USD from the retainer)", Period: "2026-11-09..2026-11-09", Qty: "2.5", Price: "120.00 USD", Amount: "160.00 USD", Kind: "time entry"},
		}}}, r.runOn(t, psa.NewDate(2026, 11, 17)))
	stored := r.stored(t, k.ID)
	diff(t, usd(t, "500.00"), stored.Consumed(), "consumed amount")
	left, err := stored.Left(psa.NewDate(2026, 11, 20))
	require.NoError(t, err)
	diff(t, usd(t, "0.00"), left.Amount, "left of November's funding")
}

// TestScenarioPerTicket: 2 prepaid incidents bought for 300.00; each completed ticket under the
// contract uses one, a ticket still open uses none, and the third completed ticket is charged the
// overage rate. Time on the tickets is covered by the contract.
func TestScenarioPerTicket(t *testing.T) {
	r, acme := retainerEnv(t)
	k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Incidents", Type: contract.PerTicket,
		Start: psa.NewDate(2026, 11, 1), Hours: decimal.NewFromInt(2), BillAmount: usd(t, "300.00"), OverageRate: usd(t, "175.00")}})
	ticket := func(title string, status servicedesk.Status) {
		tk, err := r.desk.Open(t.Context(), servicedesk.NewTicket{ClientID: acme.ID, ContractID: k.ID, Fields: servicedesk.Fields{Title: title, Priority: servicedesk.Medium}})
		require.NoError(t, err)
		for _, to := range []servicedesk.Status{servicedesk.StatusInProgress, status} {
			if status == servicedesk.StatusNew {
				break
			}
			tk, err = r.desk.SetStatus(t.Context(), tk.ID, tk.Version, to)
			require.NoError(t, err)
		}
	}
	ticket("Printer", servicedesk.StatusResolved)
	ticket("VPN", servicedesk.StatusNew)
	ticket("E-mail", servicedesk.StatusResolved)
	r.work(t, acme, k, psa.NewDate(2026, 11, 3), time.Hour)
	got := r.bill(t, psa.NewDate(2026, 11, 17), false)
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0001", Date: "2026-11-17", Due: "2026-12-01", Net: "300.00 USD", Tax: "18.75 USD", Total: "318.75 USD",
		Lines: []scenarioLine{
			{Desc: "Incidents: prepaid incidents", Period: "", Qty: "1", Price: "300.00 USD", Amount: "300.00 USD", Kind: "prepaid incidents"},
			{Desc: "Ticket #1 Printer: incident 1 of 2 prepaid", Qty: "1", Price: "0.00 USD", Amount: "0.00 USD", Kind: "ticket"},
			{Desc: "Ticket #3 E-mail: incident 2 of 2 prepaid", Qty: "1", Price: "0.00 USD", Amount: "0.00 USD", Kind: "ticket"},
		}}}, viewInvoices(got.Invoices()))
	require.Equal(t, "covered by the contract", got.Clients[0].Skipped[0].Detail)

	ticket("Laptop", servicedesk.StatusResolved)
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0002", Date: "2026-11-18", Due: "2026-12-02", Net: "175.00 USD", Tax: "10.94 USD", Total: "185.94 USD",
		Lines: []scenarioLine{{Desc: "Ticket #4 Laptop: incident beyond the 2 prepaid", Qty: "1", Price: "175.00 USD", Amount: "175.00 USD", Kind: "ticket"}}}},
		r.runOn(t, psa.NewDate(2026, 11, 18)))
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2026, 11, 18)))
	left, err := r.stored(t, k.ID).Left(psa.NewDate(2026, 11, 18))
	require.NoError(t, err)
	require.Zero(t, left.Incidents)
}

// TestRunAppliesCredit: with ApplyCredit, a run's new invoice is settled from the client's credit
// balance (an earlier overpayment) as far as it goes; without it the credit stays.
func TestRunAppliesCredit(t *testing.T) {
	for _, apply := range []bool{false, true} {
		r, acme := retainerEnv(t)
		_, err := r.billing.CreateSalesItem(t.Context(), acme.ID, item(t, "1", "100.00", "USD"))
		require.NoError(t, err)
		first := r.bill(t, psa.NewDate(2026, 11, 20), false).Invoices()[0] // 100.00 + 6.25 tax
		_, _, err = r.invoices.Pay(t.Context(), first.ID, first.Version, invoice.Payment{Date: psa.NewDate(2026, 11, 21), Amount: usd(t, "150.00")})
		require.NoError(t, err)
		_, err = r.billing.CreateSalesItem(t.Context(), acme.ID, item(t, "1", "200.00", "USD"))
		require.NoError(t, err)
		run, err := r.billing.Bill(t.Context(), billing.RunOptions{AsOf: psa.NewDate(2026, 11, 25), Scheme: r.scheme.ID, ApplyCredit: apply})
		require.NoError(t, err)
		second := run.Invoices()[0] // 200.00 + 12.50 tax
		b, err := r.invoices.Balance(t.Context(), acme.ID)
		require.NoError(t, err)
		if apply {
			require.Equal(t, "43.75 USD", second.CreditApplied.String())
			require.Equal(t, "168.75 USD", second.AmountDue().String())
			require.Equal(t, invoice.StatusPartiallyPaid, second.Status)
			require.Equal(t, "0.00 USD", b.Credit.String())
		} else {
			require.Equal(t, "212.50 USD", second.AmountDue().String())
			require.Equal(t, "43.75 USD", b.Credit.String())
		}
	}
}

// TestScenarioRetainerOutsideTerm: work dated after a retainer's end uses nothing of it, even with
// rollover: it is charged in full (at the overage rate), never taken from blocks the client did
// not buy.
func TestScenarioRetainerOutsideTerm(t *testing.T) {
	r, acme := retainerEnv(t)
	k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Block", Type: contract.RetainerHours,
		Start: psa.NewDate(2026, 10, 1), End: psa.NewDate(2026, 11, 30), Schedule: contract.Schedule{Cycle: contract.Monthly},
		Hours: decimal.NewFromInt(10), BillingPrice: usd(t, "1000.00"), OverageRate: usd(t, "150.00"), Rollover: true}})
	r.work(t, acme, k, psa.NewDate(2026, 10, 5), 8*time.Hour)
	r.work(t, acme, k, psa.NewDate(2026, 12, 5), 8*time.Hour)
	got := r.runOn(t, psa.NewDate(2026, 12, 10))
	require.Len(t, got, 1)
	var lines []scenarioLine
	for _, l := range got[0].Lines {
		if l.Kind == "time entry" {
			lines = append(lines, l)
		}
	}
	require.Equal(t, []scenarioLine{
		{Desc: "2026-10-05 technician (8h0m0s from the retainer)", Period: "2026-10-05..2026-10-05", Qty: "0", Price: "150.00 USD", Amount: "0.00 USD", Kind: "time entry"},
		{Desc: "2026-12-05 technician", Period: "2026-12-05..2026-12-05", Qty: "8", Price: "150.00 USD", Amount: "1200.00 USD", Kind: "time entry"},
	}, lines)
}
