package billing_test

import (
	"context"
	"fmt"
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
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/servicedesk"
)

// scenarioLine is what a scenario expects of an invoice line.
type scenarioLine struct {
	Org, Desc, Period, Qty, Price, Amount, Kind string
}

// scenarioInvoice is what a scenario expects of an invoice.
type scenarioInvoice struct {
	Number, PO, Date, Due, Net, Tax, Total string
	Lines                                  []scenarioLine
}

func viewInvoice(inv invoice.Invoice) scenarioInvoice {
	v := scenarioInvoice{Number: inv.Number, PO: inv.PONumber, Date: inv.Date.String(), Due: inv.DueDate.String(),
		Net: inv.Totals.Net.String(), Tax: inv.Totals.Tax.String(), Total: inv.Totals.Total.String()}
	for _, l := range inv.Lines {
		v.Lines = append(v.Lines, scenarioLine{Org: l.Organization, Desc: l.Description, Period: l.Period.String(), Qty: l.Quantity.String(),
			Price: l.UnitPrice.String(), Amount: l.Amount.String(), Kind: l.Source.Kind})
	}
	return v
}

func viewInvoices(invs []invoice.Invoice) []scenarioInvoice {
	out := []scenarioInvoice{}
	for _, inv := range invs {
		out = append(out, viewInvoice(inv))
	}
	return out
}

// at sets the clock to 09:00 UTC on d.
func (r *runEnv) at(d psa.Date) {
	y, m, day := d.Date()
	r.now = time.Date(y, m, day, 9, 0, 0, 0, time.UTC)
}

// runOn sets the clock to d, runs billing on d and returns the invoices it created.
func (r *runEnv) runOn(t *testing.T, d psa.Date) []scenarioInvoice {
	t.Helper()
	r.at(d)
	return viewInvoices(r.bill(t, d, false).Invoices())
}

func (r *runEnv) contract(t *testing.T, in contract.NewContract) (contract.Contract, []contract.Part) {
	t.Helper()
	k, parts, err := r.contracts.Create(t.Context(), in)
	require.NoError(t, err)
	require.Equal(t, contract.StatusActive, k.Status)
	return k, parts
}

func requireInvoices(t *testing.T, want, got []scenarioInvoice) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("invoices (-want +got):\n%s", diff)
	}
}

// TestScenarioQuarterlyInArrearsPartStopsMidQuarter: a quarter billed in arrears is billed once
// it has ended; a part that stops inside a quarter has its last, partial period billed once the
// part has ended, exactly once, and the quarter's other part when the quarter ends.
func TestScenarioQuarterlyInArrearsPartStopsMidQuarter(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.at(psa.NewDate(2026, 1, 1))
	r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Managed services", Type: contract.Recurring,
		Start: psa.NewDate(2026, 1, 1), Schedule: contract.Schedule{Cycle: contract.Quarterly}, Timing: contract.InArrears},
		Parts: []contract.NewPart{
			{Description: "Workstations", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(10), UnitPrice: usd(t, "30.00")},
			{Description: "Backup", UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(4), UnitPrice: usd(t, "45.00"), End: psa.NewDate(2026, 5, 15)},
		}})

	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2026, 3, 31)))
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0001", Date: "2026-04-01", Due: "2026-04-15", Net: "480.00 USD", Tax: "30.00 USD", Total: "510.00 USD",
		Lines: []scenarioLine{
			{Desc: "Workstations, 2026-01-01..2026-03-31", Period: "2026-01-01..2026-03-31", Qty: "10", Price: "30.00 USD", Amount: "300.00 USD", Kind: "contract part"},
			{Desc: "Backup, 2026-01-01..2026-03-31", Period: "2026-01-01..2026-03-31", Qty: "4", Price: "45.00 USD", Amount: "180.00 USD", Kind: "contract part"},
		}}}, r.runOn(t, psa.NewDate(2026, 4, 1)))
	// Backup stops on May 15: its last period, April 1 to May 15, is due once it has ended.
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2026, 5, 15)))
	// 4 x 45.00 x 45/91 days = 89.0109... = 89.01
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0002", Date: "2026-05-16", Due: "2026-05-30", Net: "89.01 USD", Tax: "5.56 USD", Total: "94.57 USD",
		Lines: []scenarioLine{
			{Desc: "Backup, 2026-04-01..2026-05-15", Period: "2026-04-01..2026-05-15", Qty: "4", Price: "45.00 USD", Amount: "89.01 USD", Kind: "contract part"},
		}}}, r.runOn(t, psa.NewDate(2026, 5, 16)))
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2026, 6, 30)))
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0003", Date: "2026-07-01", Due: "2026-07-15", Net: "300.00 USD", Tax: "18.75 USD", Total: "318.75 USD",
		Lines: []scenarioLine{
			{Desc: "Workstations, 2026-04-01..2026-06-30", Period: "2026-04-01..2026-06-30", Qty: "10", Price: "30.00 USD", Amount: "300.00 USD", Kind: "contract part"},
		}}}, r.runOn(t, psa.NewDate(2026, 7, 1)))
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2026, 7, 1)))
}

// TestScenarioAnniversaryAnchor31: monthly periods anchored on January 31 are Jan 31 - Feb 27,
// Feb 28 - Mar 30 and Mar 31 - Apr 29 (never drifting to the 28th); a whole period costs the full
// price whatever its length, and a part starting inside the 28-day period pays days/28.
func TestScenarioAnniversaryAnchor31(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.at(psa.NewDate(2027, 1, 15))
	r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Managed services", Type: contract.Recurring,
		Start: psa.NewDate(2027, 1, 31), Schedule: contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignAnniversary}},
		Parts: []contract.NewPart{
			{Description: "Server", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(1), UnitPrice: usd(t, "100.00")},
			{Description: "Firewall", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(1), UnitPrice: usd(t, "100.00"), Start: psa.NewDate(2027, 2, 14)},
		}})

	// A catch-up run on March 31 bills the three periods that have begun.
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2027-0001", Date: "2027-03-31", Due: "2027-04-14", Net: "550.00 USD", Tax: "34.38 USD", Total: "584.38 USD",
		Lines: []scenarioLine{
			{Desc: "Server, 2027-01-31..2027-02-27", Period: "2027-01-31..2027-02-27", Qty: "1", Price: "100.00 USD", Amount: "100.00 USD", Kind: "contract part"},
			{Desc: "Server, 2027-02-28..2027-03-30", Period: "2027-02-28..2027-03-30", Qty: "1", Price: "100.00 USD", Amount: "100.00 USD", Kind: "contract part"},
			{Desc: "Server, 2027-03-31..2027-04-29", Period: "2027-03-31..2027-04-29", Qty: "1", Price: "100.00 USD", Amount: "100.00 USD", Kind: "contract part"},
			// 14 of the period's 28 days
			{Desc: "Firewall, 2027-02-14..2027-02-27", Period: "2027-02-14..2027-02-27", Qty: "1", Price: "100.00 USD", Amount: "50.00 USD", Kind: "contract part"},
			{Desc: "Firewall, 2027-02-28..2027-03-30", Period: "2027-02-28..2027-03-30", Qty: "1", Price: "100.00 USD", Amount: "100.00 USD", Kind: "contract part"},
			{Desc: "Firewall, 2027-03-31..2027-04-29", Period: "2027-03-31..2027-04-29", Qty: "1", Price: "100.00 USD", Amount: "100.00 USD", Kind: "contract part"},
		}}}, r.runOn(t, psa.NewDate(2027, 3, 31)))
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2027, 4, 29)))
	got := r.runOn(t, psa.NewDate(2027, 4, 30))
	require.Len(t, got, 1)
	require.Equal(t, "Server, 2027-04-30..2027-05-30", got[0].Lines[0].Desc, "the period after April 30 ends on May 30: the anchor's 31st again")
}

// TestScenarioTerminatedInAdvanceCredit: a contract billed in advance and terminated inside a
// billed period gets a credit line for the days after its last day; nothing is billed after it.
func TestScenarioTerminatedInAdvanceCredit(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.at(psa.NewDate(2026, 12, 1))
	k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Managed services", Type: contract.Recurring,
		Start: psa.NewDate(2026, 12, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}},
		Parts: []contract.NewPart{{Description: "Workstations", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(10), UnitPrice: usd(t, "31.00")}}})
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0001", Date: "2026-12-01", Due: "2026-12-15", Net: "310.00 USD", Tax: "19.38 USD", Total: "329.38 USD",
		Lines: []scenarioLine{
			{Desc: "Workstations, 2026-12-01..2026-12-31", Period: "2026-12-01..2026-12-31", Qty: "10", Price: "31.00 USD", Amount: "310.00 USD", Kind: "contract part"},
		}}}, r.runOn(t, psa.NewDate(2026, 12, 1)))

	r.at(psa.NewDate(2026, 12, 10))
	_, err := r.contracts.Terminate(t.Context(), k.ID, k.Version, psa.NewDate(2026, 12, 20))
	require.NoError(t, err)
	// Served December 1-20: 10 x 31.00 x 20/31 = 200.00; billed 310.00: credit 110.00, and its tax.
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0002", Date: "2026-12-10", Due: "2026-12-24", Net: "-110.00 USD", Tax: "-6.88 USD", Total: "-116.88 USD",
		Lines: []scenarioLine{
			{Desc: "Workstations, 2026-12-01..2026-12-20 (adjustment)", Period: "2026-12-01..2026-12-20", Qty: "10", Price: "31.00 USD", Amount: "-110.00 USD", Kind: "contract part"},
		}}}, r.runOn(t, psa.NewDate(2026, 12, 10)))
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2026, 12, 21)))
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2027, 1, 1)))
}

// TestScenarioTerminationCreditsWholePeriods: a termination dated before a period that was
// already billed in advance credits that whole period (its charge as it now stands is 0), as
// Terminate promises ("credits what was billed in advance beyond it") and recompute-and-diff
// requires. Found by TestBillingProperties: a period no longer served was not due any more, so
// its charge stayed billed.
func TestScenarioTerminationCreditsWholePeriods(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.at(psa.NewDate(2026, 12, 1))
	k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Managed services", Type: contract.Recurring,
		Start: psa.NewDate(2026, 12, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}},
		Parts: []contract.NewPart{{Description: "Workstations", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(10), UnitPrice: usd(t, "31.00")}}})
	require.Len(t, r.runOn(t, psa.NewDate(2027, 1, 1)), 1, "December and January, billed in advance")

	// On January 5 the client's notice takes effect at the end of December.
	r.at(psa.NewDate(2027, 1, 5))
	_, err := r.contracts.Terminate(t.Context(), k.ID, k.Version, psa.NewDate(2026, 12, 31))
	require.NoError(t, err)
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2027-0002", Date: "2027-01-05", Due: "2027-01-19", Net: "-310.00 USD", Tax: "-19.38 USD", Total: "-329.38 USD",
		Lines: []scenarioLine{
			{Desc: "Workstations, 2027-01-01..2027-01-31 (credit: no longer in service)", Period: "2027-01-01..2027-01-31", Qty: "1", Price: "-310.00 USD", Amount: "-310.00 USD", Kind: "contract part"},
		}}}, r.runOn(t, psa.NewDate(2027, 1, 5)))
}

// TestScenarioTerminationBeforeAPartStarts: a contract terminated before one of its parts starts
// keeps billing its other parts; the part that never served costs nothing. Found by
// TestBillingProperties: the client's billing failed on every run after the termination
// ("invalid due periods: served.end ... is not after the start ...").
func TestScenarioTerminationBeforeAPartStarts(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.at(psa.NewDate(2026, 12, 1))
	k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Managed services", Type: contract.Recurring,
		Start: psa.NewDate(2026, 12, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}},
		Parts: []contract.NewPart{
			{Description: "Workstations", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(10), UnitPrice: usd(t, "31.00")},
			{Description: "Servers", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(1), UnitPrice: usd(t, "200.00"), Start: psa.NewDate(2027, 2, 1)},
		}})
	_, err := r.contracts.Terminate(t.Context(), k.ID, k.Version, psa.NewDate(2026, 12, 31))
	require.NoError(t, err)
	r.at(psa.NewDate(2026, 12, 1))
	run, err := r.billing.Bill(t.Context(), billing.RunOptions{AsOf: psa.NewDate(2026, 12, 1), Scheme: r.scheme.ID})
	require.NoError(t, err)
	require.NoError(t, run.Clients[0].Err)
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0001", Date: "2026-12-01", Due: "2026-12-15", Net: "310.00 USD", Tax: "19.38 USD", Total: "329.38 USD",
		Lines: []scenarioLine{
			{Desc: "Workstations, 2026-12-01..2026-12-31", Period: "2026-12-01..2026-12-31", Qty: "10", Price: "31.00 USD", Amount: "310.00 USD", Kind: "contract part"},
		}}}, viewInvoices(run.Invoices()))
}

// TestScenarioZeroChargePart: a part that costs nothing for its periods (quantity 0, a price of
// 0, a trial) bills no line and does not stop the run. Found by TestBillingProperties: the run
// panicked (index out of range [-1] in bill.periods) when such a part's charge was the first
// thing the client's run would bill.
func TestScenarioZeroChargePart(t *testing.T) {
	for _, tt := range []struct {
		name string
		part contract.NewPart
	}{
		{"quantity 0", contract.NewPart{Description: "Spare seats", UnitKind: contract.UnitSeat, Quantity: decimal.Zero, UnitPrice: usd(t, "10.00")}},
		{"price 0", contract.NewPart{Description: "Free seats", UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(3), UnitPrice: usd(t, "0.00")}},
		{"trial", contract.NewPart{Description: "Trial seats", UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(3), UnitPrice: usd(t, "10.00"), Trial: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRunEnv(t, true)
			acme := r.client(t, "Acme", "USD", psa.ClientID{})
			r.at(psa.NewDate(2026, 12, 1))
			r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Managed services", Type: contract.Recurring,
				Start: psa.NewDate(2026, 12, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}}, Parts: []contract.NewPart{tt.part}})
			var run billing.Run
			require.NotPanics(t, func() {
				var err error
				run, err = r.billing.Bill(t.Context(), billing.RunOptions{AsOf: psa.NewDate(2026, 12, 1), Scheme: r.scheme.ID})
				require.NoError(t, err)
			})
			require.Empty(t, run.Failed())
			require.Empty(t, run.Invoices())
		})
	}
}

// TestScenarioTimeAndMaterialsCap: time above a T&M contract's cap is shown as a negative line
// for the billing period (the calendar month when the contract has no schedule), so the invoice
// charges the cap.
func TestScenarioTimeAndMaterialsCap(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	_, err := r.desk.PutSettings(t.Context(), servicedesk.Settings{DefaultRates: []client.RateOverride{{Role: "technician", Rate: usd(t, "120.00")}}})
	require.NoError(t, err)
	k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Break/fix", Type: contract.TimeAndMaterials,
		Start: psa.NewDate(2026, 11, 1), Cap: usd(t, "300.00")}})
	var ids []psa.TimeEntryID
	for _, w := range []struct {
		day int
		d   time.Duration
	}{{10, 2 * time.Hour}, {12, 90 * time.Minute}} {
		e, err := r.desk.LogTime(t.Context(), servicedesk.Work{ClientID: acme.ID, ContractID: k.ID, StaffID: psa.StaffID{UUID: acme.ID.UUID},
			Role: "technician", Date: psa.NewDate(2026, 11, w.day), Duration: w.d, Billable: true})
		require.NoError(t, err)
		ids = append(ids, e.ID)
	}
	_, err = r.desk.Approve(t.Context(), ids...)
	require.NoError(t, err)

	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0001", Date: "2026-11-17", Due: "2026-12-01", Net: "300.00 USD", Tax: "18.75 USD", Total: "318.75 USD",
		Lines: []scenarioLine{
			{Desc: "2026-11-10 technician", Period: "2026-11-10..2026-11-10", Qty: "2", Price: "120.00 USD", Amount: "240.00 USD", Kind: "time entry"},
			{Desc: "2026-11-12 technician", Period: "2026-11-12..2026-11-12", Qty: "1.5", Price: "120.00 USD", Amount: "180.00 USD", Kind: "time entry"},
			{Desc: "Break/fix: time above the cap of 300.00 USD for 2026-11-01..2026-11-30, not charged", Period: "2026-11-01..2026-11-30", Qty: "1", Price: "-120.00 USD", Amount: "-120.00 USD", Kind: "cap"},
		}}}, r.runOn(t, psa.NewDate(2026, 11, 17)))
	requireInvoices(t, []scenarioInvoice{}, r.runOn(t, psa.NewDate(2026, 11, 17)))
}

// TestScenarioCapPerBillingPeriod: Terms.Cap is "the most billed for time and materials per
// billing period". Time of one month billed by two runs is capped over the month, and a catch-up
// run that bills two months caps each month on its own (a run used to cap the time it billed,
// whatever its dates).
func TestScenarioCapPerBillingPeriod(t *testing.T) {
	setup := func(t *testing.T) (*runEnv, client.Client, contract.Contract) {
		r := newRunEnv(t, true)
		acme := r.client(t, "Acme", "USD", psa.ClientID{})
		_, err := r.desk.PutSettings(t.Context(), servicedesk.Settings{DefaultRates: []client.RateOverride{{Role: "technician", Rate: usd(t, "100.00")}}})
		require.NoError(t, err)
		k, _ := r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Break/fix", Type: contract.TimeAndMaterials,
			Start: psa.NewDate(2026, 10, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}, Cap: usd(t, "300.00")}})
		return r, acme, k
	}
	logHours := func(t *testing.T, r *runEnv, c client.Client, k contract.Contract, d psa.Date, hours int) {
		e, err := r.desk.LogTime(t.Context(), servicedesk.Work{ClientID: c.ID, ContractID: k.ID, StaffID: psa.StaffID{UUID: c.ID.UUID},
			Role: "technician", Date: d, Duration: time.Duration(hours) * time.Hour, Billable: true})
		require.NoError(t, err)
		_, err = r.desk.Approve(t.Context(), e.ID)
		require.NoError(t, err)
	}
	net := func(invs []scenarioInvoice) []string {
		out := []string{}
		for _, inv := range invs {
			out = append(out, inv.Net)
		}
		return out
	}
	t.Run("one month, two runs", func(t *testing.T) {
		r, acme, k := setup(t)
		logHours(t, r, acme, k, psa.NewDate(2026, 11, 10), 2)
		require.Equal(t, []string{"200.00 USD"}, net(r.runOn(t, psa.NewDate(2026, 11, 12))))
		logHours(t, r, acme, k, psa.NewDate(2026, 11, 16), 2)
		require.Equal(t, []string{"100.00 USD"}, net(r.runOn(t, psa.NewDate(2026, 11, 17))), "November's time is capped at 300.00 over the month")
	})
	t.Run("two months, one run", func(t *testing.T) {
		r, acme, k := setup(t)
		logHours(t, r, acme, k, psa.NewDate(2026, 10, 20), 2)
		logHours(t, r, acme, k, psa.NewDate(2026, 11, 10), 2)
		require.Equal(t, []string{"400.00 USD"}, net(r.runOn(t, psa.NewDate(2026, 11, 17))), "each month's 200.00 is under its cap")
	})
}

// TestScenarioPONumberSplit: contracts with different PO numbers are billed on separate
// invoices, each carrying its PO number; a sales item without one goes on a third.
func TestScenarioPONumberSplit(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	r.at(psa.NewDate(2026, 12, 1))
	for _, po := range []string{"PO-100", "PO-200"} {
		r.contract(t, contract.NewContract{ClientID: acme.ID, Terms: contract.Terms{Name: "Services " + po, Type: contract.Recurring, PONumber: po,
			Start: psa.NewDate(2026, 12, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}},
			Parts: []contract.NewPart{{Description: "Seats " + po, UnitKind: contract.UnitSeat, Quantity: decimal.NewFromInt(2), UnitPrice: usd(t, "50.00")}}})
	}
	sale := item(t, "1", "80.00", "USD")
	sale.Date = psa.NewDate(2026, 12, 1)
	_, err := r.billing.CreateSalesItem(t.Context(), acme.ID, sale)
	require.NoError(t, err)

	requireInvoices(t, []scenarioInvoice{
		{Number: "INV-2026-0001", PO: "PO-100", Date: "2026-12-01", Due: "2026-12-15", Net: "100.00 USD", Tax: "6.25 USD", Total: "106.25 USD",
			Lines: []scenarioLine{{Desc: "Seats PO-100, 2026-12-01..2026-12-31", Period: "2026-12-01..2026-12-31", Qty: "2", Price: "50.00 USD", Amount: "100.00 USD", Kind: "contract part"}}},
		{Number: "INV-2026-0002", PO: "PO-200", Date: "2026-12-01", Due: "2026-12-15", Net: "100.00 USD", Tax: "6.25 USD", Total: "106.25 USD",
			Lines: []scenarioLine{{Desc: "Seats PO-200, 2026-12-01..2026-12-31", Period: "2026-12-01..2026-12-31", Qty: "2", Price: "50.00 USD", Amount: "100.00 USD", Kind: "contract part"}}},
		{Number: "INV-2026-0003", Date: "2026-12-01", Due: "2026-12-15", Net: "80.00 USD", Tax: "5.00 USD", Total: "85.00 USD",
			Lines: []scenarioLine{{Desc: "Label printer", Period: "2026-12-01..2026-12-01", Qty: "1", Price: "80.00 USD", Amount: "80.00 USD", Kind: "sales item"}}},
	}, r.runOn(t, psa.NewDate(2026, 12, 1)))
}

// TestScenarioSubOrganizationOnParentInvoice: a sub-organization billed to its parent has no
// invoice of its own; its contract charges and sales items are on the parent's invoice, labelled
// with its name.
func TestScenarioSubOrganizationOnParentInvoice(t *testing.T) {
	r := newRunEnv(t, true)
	acme := r.client(t, "Acme", "USD", psa.ClientID{})
	plant := r.client(t, "Acme Plant", "", acme.ID)
	r.at(psa.NewDate(2026, 12, 1))
	for _, org := range []client.Client{acme, plant} {
		r.contract(t, contract.NewContract{ClientID: org.ID, Terms: contract.Terms{Name: "Services", Type: contract.Recurring,
			Start: psa.NewDate(2026, 12, 1), Schedule: contract.Schedule{Cycle: contract.Monthly}},
			Parts: []contract.NewPart{{Description: "Workstations", UnitKind: contract.UnitDevice, Quantity: decimal.NewFromInt(3), UnitPrice: usd(t, "25.00")}}})
	}
	sale := item(t, "2", "40.00", "USD")
	sale.Date = psa.NewDate(2026, 11, 30)
	_, err := r.billing.CreateSalesItem(t.Context(), plant.ID, sale)
	require.NoError(t, err)

	run := r.bill(t, psa.NewDate(2026, 12, 1), false)
	require.Len(t, run.Clients, 1, "only the bill-to client is billed")
	require.Equal(t, acme.ID, run.Clients[0].ClientID)
	requireInvoices(t, []scenarioInvoice{{Number: "INV-2026-0001", Date: "2026-12-01", Due: "2026-12-15", Net: "230.00 USD", Tax: "14.38 USD", Total: "244.38 USD",
		Lines: []scenarioLine{
			{Desc: "Workstations, 2026-12-01..2026-12-31", Period: "2026-12-01..2026-12-31", Qty: "3", Price: "25.00 USD", Amount: "75.00 USD", Kind: "contract part"},
			{Org: "Acme Plant", Desc: "Workstations, 2026-12-01..2026-12-31", Period: "2026-12-01..2026-12-31", Qty: "3", Price: "25.00 USD", Amount: "75.00 USD", Kind: "contract part"},
			{Org: "Acme Plant", Desc: "Label printer", Period: "2026-11-30..2026-11-30", Qty: "2", Price: "40.00 USD", Amount: "80.00 USD", Kind: "sales item"},
		}}}, viewInvoices(run.Invoices()))
	inv := run.Invoices()[0]
	require.Equal(t, acme.ID, inv.ClientID)
	require.Equal(t, []psa.ClientID{acme.ID, plant.ID, plant.ID}, []psa.ClientID{inv.Lines[0].ClientID, inv.Lines[1].ClientID, inv.Lines[2].ClientID})
	require.Empty(t, scenarioInvoicesOf(t, r, plant.ID))
}

func scenarioInvoicesOf(t *testing.T, r *runEnv, id psa.ClientID) []invoice.Invoice {
	t.Helper()
	var out []invoice.Invoice
	require.NoError(t, memstore.Runner[billing.Tx](r.store)(t.Context(), func(ctx context.Context, tx billing.Tx) (err error) {
		out, err = psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
			return tx.ListInvoices(ctx, id, p)
		})
		return err
	}))
	return out
}

// TestScenarioOneClientFailsOthersBilled: a client without billing information is skipped; a
// client whose billing fails (its tax region is not configured) reports the error and has
// nothing written — no invoice, no number burned, its time and sales items still unbilled —
// while the clients before and after it are billed with consecutive numbers.
func TestScenarioOneClientFailsOthersBilled(t *testing.T) {
	r := newRunEnv(t, true)
	_, err := r.desk.PutSettings(t.Context(), servicedesk.Settings{DefaultRates: []client.RateOverride{{Role: "technician", Rate: usd(t, "120.00")}}})
	require.NoError(t, err)
	alpha := r.client(t, "Alpha", "USD", psa.ClientID{})
	terms, err := psa.NetDays(30)
	require.NoError(t, err)
	broken, err := r.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "Broken"}, Billing: &client.BillingInfo{
		Address: psa.Address{Line1: "2 Side St", City: "Toronto", Country: "CA"}, InvoiceEmail: "ap@broken.example", TaxRegion: "CA-ON",
		Currency: alpha.Billing.Currency, PaymentTerms: terms}})
	require.NoError(t, err)
	bare := r.client(t, "Bare", "", psa.ClientID{})
	gamma := r.client(t, "Gamma", "USD", psa.ClientID{})

	day := psa.NewDate(2026, 11, 16)
	var sales []billing.SalesItem
	for _, c := range []client.Client{alpha, broken, gamma} {
		sale := item(t, "1", "100.00", "USD")
		sale.Date = day
		si, err := r.billing.CreateSalesItem(t.Context(), c.ID, sale)
		require.NoError(t, err)
		sales = append(sales, si)
	}
	e, err := r.desk.LogTime(t.Context(), servicedesk.Work{ClientID: broken.ID, StaffID: psa.StaffID{UUID: broken.ID.UUID}, Role: "technician",
		Date: day, Duration: time.Hour, Billable: true})
	require.NoError(t, err)
	_, err = r.desk.Approve(t.Context(), e.ID)
	require.NoError(t, err)

	run, err := r.billing.Bill(t.Context(), billing.RunOptions{AsOf: psa.NewDate(2026, 11, 17), Scheme: r.scheme.ID})
	require.NoError(t, err)
	byID := map[psa.ClientID]billing.ClientRun{}
	for _, c := range run.Clients {
		byID[c.ClientID] = c
	}
	require.Len(t, byID, 4)

	require.NoError(t, byID[alpha.ID].Err)
	require.NoError(t, byID[gamma.ID].Err)
	got := []string{}
	for _, c := range []client.Client{alpha, gamma} {
		require.Len(t, byID[c.ID].Invoices, 1, c.Name)
		got = append(got, byID[c.ID].Invoices[0].Number+" "+byID[c.ID].Invoices[0].Totals.Total.String())
	}
	require.Equal(t, []string{"INV-2026-0001 106.25 USD", "INV-2026-0002 106.25 USD"}, got, "numbers stay gapless around the failed client")

	require.NoError(t, byID[bare.ID].Err)
	require.Empty(t, byID[bare.ID].Invoices)
	require.Equal(t, billing.NoBillingInfo, byID[bare.ID].Skipped[0].Reason)

	failed := byID[broken.ID]
	require.ErrorIs(t, failed.Err, psa.ErrInvalid)
	require.ErrorContains(t, failed.Err, "CA-ON")
	require.Empty(t, failed.Invoices)
	require.Equal(t, []billing.ClientRun{failed}, run.Failed())
	require.Empty(t, scenarioInvoicesOf(t, r, broken.ID), "the failed client's transaction wrote no invoice")
	si, err := r.billing.SalesItem(t.Context(), sales[1].ID)
	require.NoError(t, err)
	require.False(t, si.Billed())
	entry, err := r.desk.GetTime(t.Context(), e.ID)
	require.NoError(t, err)
	require.Equal(t, servicedesk.EntryApproved, entry.Status)
	require.True(t, psa.IsNil(entry.InvoiceID))
	sc, err := r.invoices.Scheme(t.Context(), r.scheme.ID)
	require.NoError(t, err)
	require.EqualValues(t, 2, sc.Last, "the failed client burned no number")
	for _, si := range []billing.SalesItem{sales[0], sales[2]} {
		got, err := r.billing.SalesItem(t.Context(), si.ID)
		require.NoError(t, err)
		require.True(t, got.Billed())
	}
}

// TestScenarioFailedClientRunNamesTheClient: the ClientRun of a client whose billing failed names
// it, like every other ClientRun (billOne used to keep the ID and drop the name).
func TestScenarioFailedClientRunNamesTheClient(t *testing.T) {
	r := newRunEnv(t, true)
	terms, err := psa.NetDays(30)
	require.NoError(t, err)
	usdUnit, err := psa.ParseCurrency("USD")
	require.NoError(t, err)
	broken, err := r.clients.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "Broken"}, Billing: &client.BillingInfo{
		Address: psa.Address{Line1: "2 Side St", City: "Toronto", Country: "CA"}, InvoiceEmail: "ap@broken.example", TaxRegion: "CA-ON",
		Currency: usdUnit, PaymentTerms: terms}})
	require.NoError(t, err)
	_, err = r.billing.CreateSalesItem(t.Context(), broken.ID, item(t, "1", "100.00", "USD"))
	require.NoError(t, err)
	run, err := r.billing.Bill(t.Context(), billing.RunOptions{AsOf: psa.NewDate(2026, 11, 20), Scheme: r.scheme.ID})
	require.NoError(t, err)
	require.Len(t, run.Failed(), 1)
	require.Equal(t, "Broken", run.Failed()[0].Name)
}

// TestScenarioPreviewNumbersAcrossClients: a preview shows the numbers the run will give, so two
// clients' previewed invoices do not share a number (each client's preview transaction is rolled
// back before the next client's, which used to show every client's first previewed invoice with
// the same next number).
func TestScenarioPreviewNumbersAcrossClients(t *testing.T) {
	r := newRunEnv(t, true)
	for _, name := range []string{"Alpha", "Beta"} {
		c := r.client(t, name, "USD", psa.ClientID{})
		_, err := r.billing.CreateSalesItem(t.Context(), c.ID, item(t, "1", "100.00", "USD"))
		require.NoError(t, err)
	}
	number := func(run billing.Run) []string {
		var out []string
		for _, inv := range run.Invoices() {
			out = append(out, fmt.Sprintf("%s %s", inv.Number, inv.Totals.Total))
		}
		return out
	}
	preview := r.bill(t, psa.NewDate(2026, 11, 20), true)
	real := r.bill(t, psa.NewDate(2026, 11, 20), false)
	require.Equal(t, []string{"INV-2026-0001 106.25 USD", "INV-2026-0002 106.25 USD"}, number(real))
	require.Equal(t, number(real), number(preview))
}
