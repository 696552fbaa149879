package contract_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
)

// TestCreateEachType creates one contract of each of the six types with the fields its type
// requires, and checks what is returned is what is stored, with the defaults filled.
func TestCreateEachType(t *testing.T) {
	tests := []struct {
		name  string
		terms func(t *testing.T) contract.Terms
	}{
		{"time and materials", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Break/fix", Type: contract.TimeAndMaterials, Start: day(t, "2026-01-01"), Cap: usd(t, "5000.00")}
		}},
		{"recurring", func(t *testing.T) contract.Terms {
			return recurring(t, "Managed services", "2026-01-01", "2026-12-31")
		}},
		{"fixed price with its bill amount", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Migration", Type: contract.FixedPrice, Start: day(t, "2026-01-01"), End: day(t, "2026-06-30"), BillAmount: usd(t, "12000.00")}
		}},
		{"retainer by amount with its billing price", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Retainer", Type: contract.RetainerAmount, Start: day(t, "2026-01-01"),
				Schedule: contract.Schedule{Cycle: contract.Monthly}, BillingPrice: usd(t, "2000.00")}
		}},
		{"retainer by hours with positive hours", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Block of hours", Type: contract.RetainerHours, Start: day(t, "2026-01-01"),
				Schedule: contract.Schedule{Cycle: contract.Quarterly}, Hours: dec(t, "20.5"), OverageRate: usd(t, "150.00")}
		}},
		{"per ticket with whole incidents", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Ten incidents", Type: contract.PerTicket, Start: day(t, "2026-01-01"), Hours: dec(t, "10")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			terms := tt.terms(t)
			c, parts, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: cl.ID, Terms: terms})
			require.NoError(t, err)
			require.Empty(t, parts)

			want := terms
			want.Schedule.Alignment = contract.AlignCalendar
			want.Timing, want.DayCount = contract.InAdvance, contract.ActualDays
			diff(t, want, c.Terms, "returned terms")
			if c.Type != terms.Type || c.Status != contract.StatusActive || c.ClientID != cl.ID || c.Version != 1 {
				t.Errorf("got type %s, status %s, client %s, version %d; want %s, active, %s, 1", c.Type, c.Status, c.ClientID, c.Version, terms.Type, cl.ID)
			}
			diff(t, c, e.get(t, c.ID), "stored contract")
		})
	}
}

// TestCreateRequiresTypeFields checks the field each type requires: refused without it, with
// the field and value named, and nothing stored.
func TestCreateRequiresTypeFields(t *testing.T) {
	start := "2026-01-01"
	tests := []struct {
		name  string
		terms func(t *testing.T) contract.Terms
		want  []string
	}{
		{"fixed price without bill amount", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Migration", Type: contract.FixedPrice, Start: day(t, start)}
		}, []string{"billAmount="}},
		{"retainer by amount without billing price", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Retainer", Type: contract.RetainerAmount, Start: day(t, start), Schedule: contract.Schedule{Cycle: contract.Monthly}}
		}, []string{"billingPrice="}},
		{"retainer by hours without hours", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Block", Type: contract.RetainerHours, Start: day(t, start), Schedule: contract.Schedule{Cycle: contract.Monthly}}
		}, []string{"hours=0"}},
		{"retainer by hours with negative hours", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Block", Type: contract.RetainerHours, Start: day(t, start), Schedule: contract.Schedule{Cycle: contract.Monthly}, Hours: dec(t, "-4")}
		}, []string{"hours=-4"}},
		{"per ticket without incidents", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Tickets", Type: contract.PerTicket, Start: day(t, start)}
		}, []string{"hours=0"}},
		{"per ticket with part of an incident", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Tickets", Type: contract.PerTicket, Start: day(t, start), Hours: dec(t, "2.5")}
		}, []string{"hours=2.5"}},
		{"recurring without a cycle", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Managed", Type: contract.Recurring, Start: day(t, start)}
		}, []string{"schedule.cycle="}},
		{"retainer by hours without a cycle", func(t *testing.T) contract.Terms {
			return contract.Terms{Name: "Block", Type: contract.RetainerHours, Start: day(t, start), Hours: dec(t, "10")}
		}, []string{"schedule.cycle="}},
		{"no name and no start", func(t *testing.T) contract.Terms {
			return contract.Terms{Type: contract.TimeAndMaterials}
		}, []string{"name=", "start="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			_, _, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: cl.ID, Terms: tt.terms(t)})
			diff(t, tt.want, invalid(t, err, "contract"), "invalid fields")
			require.Empty(t, e.all(t), "a refused contract was stored")
		})
	}
}

// TestCreateFillsDefaults checks the billing settings left unset: calendar alignment, billing in
// advance, actual days, and an anniversary anchor on the contract start; set ones are kept.
func TestCreateFillsDefaults(t *testing.T) {
	tests := []struct {
		name  string
		given func(t *testing.T) contract.Terms
		want  func(t *testing.T) contract.Terms
	}{
		{"all unset", func(t *testing.T) contract.Terms {
			return recurring(t, "M", "2026-01-15", "")
		}, func(t *testing.T) contract.Terms {
			w := recurring(t, "M", "2026-01-15", "")
			w.Schedule.Alignment, w.Timing, w.DayCount = contract.AlignCalendar, contract.InAdvance, contract.ActualDays
			return w
		}},
		{"anniversary anchors on the start", func(t *testing.T) contract.Terms {
			g := recurring(t, "M", "2026-01-15", "")
			g.Schedule.Alignment = contract.AlignAnniversary
			return g
		}, func(t *testing.T) contract.Terms {
			w := recurring(t, "M", "2026-01-15", "")
			w.Schedule = contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignAnniversary, Anchor: day(t, "2026-01-15")}
			w.Timing, w.DayCount = contract.InAdvance, contract.ActualDays
			return w
		}},
		{"explicit settings kept", func(t *testing.T) contract.Terms {
			g := recurring(t, "M", "2026-01-15", "")
			g.Schedule = contract.Schedule{Cycle: contract.Quarterly, Alignment: contract.AlignAnniversary, Anchor: day(t, "2026-01-31")}
			g.Timing, g.DayCount, g.Rounding = contract.InArrears, contract.Thirty360, psa.RoundHalfEven
			return g
		}, func(t *testing.T) contract.Terms {
			w := recurring(t, "M", "2026-01-15", "")
			w.Schedule = contract.Schedule{Cycle: contract.Quarterly, Alignment: contract.AlignAnniversary, Anchor: day(t, "2026-01-31")}
			w.Timing, w.DayCount, w.Rounding = contract.InArrears, contract.Thirty360, psa.RoundHalfEven
			return w
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: tt.given(t)})
			diff(t, tt.want(t), e.get(t, c.ID).Terms, "stored terms")
		})
	}
}

// TestCreateRoundTripsContractInformation stores every field of seed 004's "Contract
// Information" that the MSP sets and reads it back unchanged, with the tracked amounts started.
func TestCreateRoundTripsContractInformation(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	net15, err := psa.NetDays(15)
	require.NoError(t, err)
	sla := psa.SLAPolicyID{UUID: serviceID(9).UUID}
	terms := contract.Terms{
		Name:            "Managed services 2026",
		ReferenceNumber: "C-2026-001",
		Type:            contract.RetainerHours,
		Description:     "Helpdesk and monitoring",
		PONumber:        "PO-7731",
		Start:           day(t, "2026-01-15"),
		End:             day(t, "2027-01-14"),
		SLAPolicyID:     sla,
		Default:         true,
		Schedule:        contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignAnniversary, Anchor: day(t, "2026-01-15")},
		Timing:          contract.InArrears,
		DayCount:        contract.Thirty360,
		Rounding:        psa.RoundHalfEven,
		SetupFee:        usd(t, "250.00"),
		BillingPrice:    usd(t, "1200.00"),
		BillAmount:      usd(t, "14400.00"),
		Hours:           dec(t, "12"),
		Rollover:        true,
		OverageRate:     usd(t, "140.00"),
		Cap:             usd(t, "3000.00"),
		PaymentTerms:    net15,
		Renewal:         contract.Renewal{Auto: true, TermMonths: 12, NoticeDays: 60},
	}
	np := contract.NewPart{ServiceID: serviceID(1), Description: "Workstations", UnitPrice: usd(t, "45.00"), UnitCost: usd(t, "20.00"),
		UnitKind: contract.UnitDevice, Quantity: dec(t, "12"), DiscountPercent: dec(t, "5"), Start: day(t, "2026-02-01"), End: day(t, "2026-12-31")}
	ctx := psa.WithActor(t.Context(), "alice@msp.example")
	c, parts, err := e.svc.Create(ctx, contract.NewContract{ClientID: cl.ID, Terms: terms, Parts: []contract.NewPart{np}})
	require.NoError(t, err)
	require.Len(t, parts, 1)

	wantContract := contract.Contract{
		ID: c.ID, ClientID: cl.ID, Terms: terms, Status: contract.StatusActive, Currency: cl.Billing.Currency,
		Billed: usd(t, "0"), TermAnchor: terms.Start, CreatedAt: t0, UpdatedAt: t0, Version: 1,
	}
	got := e.get(t, c.ID)
	diff(t, wantContract, got, "stored contract")
	diff(t, wantContract, c, "returned contract")
	diff(t, usd(t, "14400.00"), got.Remaining(), "remaining amount")
	summary, err := got.PrepaidHours(terms.Start)
	require.NoError(t, err)
	diff(t, contract.HoursSummary{Period: psa.Period{Start: terms.Start, End: terms.Start.AddMonths(1)}, Purchased: dec(t, "12"), Carried: dec(t, "0"),
		Used: dec(t, "0"), Remaining: dec(t, "12"), Rollover: true}, summary, "prepaid hours")

	wantPart := contract.Part{
		ID: parts[0].ID, ContractID: c.ID, ServiceID: np.ServiceID, Description: np.Description, UnitPrice: np.UnitPrice,
		UnitCost: np.UnitCost, UnitKind: contract.UnitDevice, DiscountPercent: np.DiscountPercent, Start: np.Start, End: np.End,
		Quantities: []contract.Quantity{{From: np.Start, Quantity: np.Quantity}}, CreatedAt: t0, UpdatedAt: t0, Version: 1,
	}
	diff(t, []contract.Part{wantPart}, e.parts(t, c.ID), "stored parts")

	h := e.history(t, c.ID)
	require.Len(t, h, 1)
	if h[0].ContractID != c.ID || h[0].Seq != 1 || !h[0].At.Equal(t0) || h[0].By != "alice@msp.example" {
		t.Errorf("history entry = %+v, want contract %s, seq 1, at %s, by alice@msp.example", h[0], c.ID, t0)
	}
	if !strings.HasPrefix(h[0].What, "created") {
		t.Errorf("history entry What = %q, want a \"created\" entry", h[0].What)
	}
}

// TestCreateStatus: a contract is active when every part has a price (an explicit 0 is a price)
// and a draft otherwise.
func TestCreateStatus(t *testing.T) {
	tests := []struct {
		name  string
		parts func(t *testing.T) []contract.NewPart
		want  contract.Status
	}{
		{"no parts", func(*testing.T) []contract.NewPart { return nil }, contract.StatusActive},
		{"every part priced", func(t *testing.T) []contract.NewPart {
			return []contract.NewPart{priced(t, "A", "10.00", 1), priced(t, "B", "20.00", 2)}
		}, contract.StatusActive},
		{"a free part is priced", func(t *testing.T) []contract.NewPart {
			return []contract.NewPart{priced(t, "Free", "0", 1)}
		}, contract.StatusActive},
		{"one part without price", func(t *testing.T) []contract.NewPart {
			return []contract.NewPart{priced(t, "A", "10.00", 1), unpriced("B", 2)}
		}, contract.StatusDraft},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", ""), Parts: tt.parts(t)})
			if c.Status != tt.want || e.get(t, c.ID).Status != tt.want {
				t.Errorf("status = %s (stored %s), want %s", c.Status, e.get(t, c.ID).Status, tt.want)
			}
		})
	}
}

// TestCreateInvalid: each bad input is a *psa.ValidationError naming the field and the value,
// and nothing is stored.
func TestCreateInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, in *contract.NewContract)
		want   []string
	}{
		{"end before start", func(t *testing.T, in *contract.NewContract) {
			in.Start, in.End, in.Parts = day(t, "2026-02-01"), day(t, "2026-01-31"), nil
		}, []string{"end=2026-01-31"}},
		{"part starting before the contract", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].Start = day(t, "2025-12-31")
		}, []string{"parts[0].start=2025-12-31"}},
		{"part starting after the contract", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].Start = day(t, "2027-01-01")
		}, []string{"parts[0].start=2027-01-01"}},
		{"part ending after the contract", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].End = day(t, "2027-01-01")
		}, []string{"parts[0].end=2027-01-01"}},
		{"part ending before it starts", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].Start, in.Parts[0].End = day(t, "2026-03-01"), day(t, "2026-02-28")
		}, []string{"parts[0].end=2026-02-28"}},
		{"negative unit price", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].UnitPrice = usd(t, "-5.00")
		}, []string{"parts[0].unitPrice=-5.00 USD"}},
		{"negative quantity", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].Quantity = dec(t, "-1")
		}, []string{"parts[0].quantity=-1"}},
		{"discount over 100 percent", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].DiscountPercent = dec(t, "100.5")
		}, []string{"parts[0].discountPercent=100.5"}},
		{"negative discount", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].DiscountPercent = dec(t, "-1")
		}, []string{"parts[0].discountPercent=-1"}},
		{"EUR price for a USD client", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].UnitPrice = money(t, "30.00", "EUR")
		}, []string{"parts[0].unitPrice=30.00 EUR"}},
		{"EUR billing price for a USD client", func(t *testing.T, in *contract.NewContract) {
			in.BillingPrice = money(t, "100.00", "EUR")
		}, []string{"billingPrice=100.00 EUR"}},
		{"part without description or service", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].Description = " "
		}, []string{"parts[0].description="}},
		{"unknown unit kind", func(t *testing.T, in *contract.NewContract) {
			in.Parts[0].UnitKind = "licence"
		}, []string{"parts[0].unitKind=licence"}},
		{"unknown type", func(t *testing.T, in *contract.NewContract) {
			in.Type = "managed"
		}, []string{"type=managed"}},
		{"unknown cycle for a recurring contract", func(t *testing.T, in *contract.NewContract) {
			in.Schedule.Cycle = "weekly"
		}, []string{"schedule.cycle=weekly"}},
		{"unknown timing", func(t *testing.T, in *contract.NewContract) {
			in.Timing = "later"
		}, []string{"timing=later"}},
		{"auto renewal without end date", func(t *testing.T, in *contract.NewContract) {
			in.End, in.Renewal.Auto = psa.Date{}, true
		}, []string{"renewal.auto=true"}},
		{"negative hours", func(t *testing.T, in *contract.NewContract) {
			in.Hours = dec(t, "-2")
		}, []string{"hours=-2"}},
		{"renewal term too long", func(t *testing.T, in *contract.NewContract) {
			in.Renewal.TermMonths = contract.MaxTermMonths + 1
		}, []string{fmt.Sprintf("renewal.termMonths=%d", contract.MaxTermMonths+1)}},
		{"negative notice", func(t *testing.T, in *contract.NewContract) {
			in.Renewal.NoticeDays = -1
		}, []string{"renewal.noticeDays=-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			in := contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2026-01-01", "2026-12-31"),
				Parts: []contract.NewPart{priced(t, "Workstations", "30.00", 10)}}
			tt.change(t, &in)
			_, _, err := e.svc.Create(t.Context(), in)
			diff(t, tt.want, invalid(t, err, "contract"), "invalid fields")
			require.Empty(t, e.all(t), "a refused contract was stored")
		})
	}
}

// TestCreateReportsEveryField: one ValidationError lists every bad field of the input at once,
// terms first, then each part's.
func TestCreateReportsEveryField(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	in := contract.NewContract{ClientID: cl.ID,
		Terms: contract.Terms{Type: contract.Recurring, Start: day(t, "2026-02-01"), End: day(t, "2026-01-31"),
			Schedule: contract.Schedule{Cycle: "weekly"}, Hours: dec(t, "-1"), SetupFee: money(t, "50.00", "EUR")},
		Parts: []contract.NewPart{
			{Description: "Ok", UnitPrice: usd(t, "1.00"), Quantity: dec(t, "1"), Start: day(t, "2026-01-31"), End: day(t, "2026-01-31")},
			{Description: "Bad", UnitPrice: money(t, "30.00", "EUR"), Quantity: dec(t, "-3"), DiscountPercent: dec(t, "101"), Start: day(t, "2026-01-31"), End: day(t, "2026-01-31")},
		},
	}
	_, _, err := e.svc.Create(t.Context(), in)
	want := []string{
		"name=",
		"end=2026-01-31",
		"schedule.cycle=weekly",
		"setupFee=50.00 EUR",
		"hours=-1",
		"parts[0].start=2026-01-31",
		"parts[1].quantity=-3",
		"parts[1].unitPrice=30.00 EUR",
		"parts[1].discountPercent=101",
		"parts[1].start=2026-01-31",
	}
	diff(t, want, invalid(t, err, "contract"), "invalid fields")
	require.Empty(t, e.all(t))
}

// TestCreateBillingGate runs seed 000's billing-information gate on contract creation.
func TestCreateBillingGate(t *testing.T) {
	t.Run("client without billing information", func(t *testing.T) {
		e := newEnv(t)
		cl := e.bare(t, "No billing", psa.ClientID{}, false)
		_, _, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", "")})
		require.ErrorIs(t, err, psa.ErrPrecondition)
		be, ok := errors.AsType[*client.BillingInfoError](err)
		require.Truef(t, ok, "error %v (%T) is not a *client.BillingInfoError", err, err)
		diff(t, []psa.ClientID{cl.ID}, be.ClientIDs(), "clients lacking billing information")
		require.Empty(t, e.all(t))
	})
	t.Run("billing information supplied in the same call", func(t *testing.T) {
		e := newEnv(t)
		cl := e.bare(t, "No billing", psa.ClientID{}, false)
		b := billingInfo(t, "GBP")
		terms := recurring(t, "M", "2026-01-01", "")
		c, _, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: cl.ID, Terms: terms, Billing: &b,
			Parts: []contract.NewPart{{Description: "Support", UnitPrice: money(t, "99.00", "GBP"), Quantity: dec(t, "1")}}})
		require.NoError(t, err)
		diff(t, b.Currency, c.Currency, "contract currency")
		diff(t, b, e.client(t, cl.ID).Billing, "stored billing information")
		require.Len(t, e.all(t), 1)
	})
	t.Run("supplied billing information is dropped with a refused contract", func(t *testing.T) {
		e := newEnv(t)
		cl := e.bare(t, "No billing", psa.ClientID{}, false)
		b := billingInfo(t, "USD")
		terms := recurring(t, "M", "2026-01-01", "")
		terms.Name = ""
		_, _, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: cl.ID, Terms: terms, Billing: &b})
		diff(t, []string{"name="}, invalid(t, err, "contract"), "invalid fields")
		require.Empty(t, e.all(t))
		diff(t, client.BillingInfo{}, e.client(t, cl.ID).Billing, "billing information after a refused contract")
	})
	t.Run("supplied billing information is ignored when the client has some", func(t *testing.T) {
		e := newEnv(t)
		cl := e.customer(t, "Acme", "USD")
		b := billingInfo(t, "EUR")
		c, _, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", ""), Billing: &b})
		require.NoError(t, err)
		diff(t, cl.Billing.Currency, c.Currency, "contract currency")
		diff(t, cl, e.client(t, cl.ID), "stored client")
	})
	t.Run("incomplete supplied billing information", func(t *testing.T) {
		e := newEnv(t)
		cl := e.bare(t, "No billing", psa.ClientID{}, false)
		b := billingInfo(t, "USD")
		b.InvoiceEmail, b.PaymentTerms = "", psa.PaymentTerms{}
		_, _, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", ""), Billing: &b})
		diff(t, []string{"invoiceEmail=", "paymentTerms="}, invalid(t, err, "billing information"), "invalid fields")
		require.Empty(t, e.all(t))
		diff(t, client.BillingInfo{}, e.client(t, cl.ID).Billing, "stored billing information")
	})
	t.Run("sub-organization billed to its parent uses the parent's currency", func(t *testing.T) {
		e := newEnv(t)
		parent := e.customer(t, "Parent", "EUR")
		sub := e.bare(t, "Branch", parent.ID, true)
		in := contract.NewContract{ClientID: sub.ID, Terms: recurring(t, "M", "2026-01-01", ""),
			Parts: []contract.NewPart{{Description: "Support", UnitPrice: money(t, "80.00", "EUR"), Quantity: dec(t, "1")}}}
		c, _ := e.create(t, in)
		if c.ClientID != sub.ID || c.Currency != parent.Billing.Currency {
			t.Errorf("contract client %s in %s, want %s in %s", c.ClientID, c.Currency, sub.ID, parent.Billing.Currency)
		}
		in.Parts[0].UnitPrice = usd(t, "80.00")
		_, _, err := e.svc.Create(t.Context(), in)
		diff(t, []string{"parts[0].unitPrice=80.00 USD"}, invalid(t, err, "contract"), "invalid fields")
		require.Len(t, e.all(t), 1)
	})
	t.Run("sub-organization billed to a parent without billing information", func(t *testing.T) {
		e := newEnv(t)
		parent := e.bare(t, "Parent", psa.ClientID{}, false)
		sub := e.bare(t, "Branch", parent.ID, true)
		in := contract.NewContract{ClientID: sub.ID, Terms: recurring(t, "M", "2026-01-01", "")}
		_, _, err := e.svc.Create(t.Context(), in)
		be, ok := errors.AsType[*client.BillingInfoError](err)
		require.Truef(t, ok, "error %v (%T) is not a *client.BillingInfoError", err, err)
		require.ErrorIs(t, err, psa.ErrPrecondition)
		diff(t, []psa.ClientID{parent.ID}, be.ClientIDs(), "clients lacking billing information")
		require.Empty(t, e.all(t))

		b := billingInfo(t, "USD")
		in.Billing = &b
		e.create(t, in)
		diff(t, b, e.client(t, parent.ID).Billing, "parent's billing information")
		diff(t, client.BillingInfo{}, e.client(t, sub.ID).Billing, "sub-organization's billing information")
	})
	t.Run("unknown client", func(t *testing.T) {
		e := newEnv(t)
		_, _, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: psa.ClientID{UUID: serviceID(1).UUID}, Terms: recurring(t, "M", "2026-01-01", "")})
		require.ErrorIs(t, err, psa.ErrNotFound)
		require.Empty(t, e.all(t))
	})
}

// TestDefaultContract: a client has at most one default contract in force at a time.
func TestDefaultContract(t *testing.T) {
	tests := []struct {
		name         string
		first        [2]string // first and last day of the existing default contract ("" = open)
		second       [2]string
		otherClient  bool
		secondNotDef bool
		wantRefused  bool
		firstDraft   bool // the existing default contract is a draft
	}{
		{"overlapping", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2026-06-01", "2027-05-31"}, false, false, true, false},
		{"same days", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2026-01-01", "2026-12-31"}, false, false, true, false},
		{"sharing the last day", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2026-12-31", "2027-12-30"}, false, false, true, false},
		{"existing open-ended", [2]string{"2026-01-01", ""}, [2]string{"2030-01-01", "2030-12-31"}, false, false, true, false},
		{"new open-ended before", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2025-01-01", ""}, false, false, true, false},
		{"starting after the first ends", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2027-01-01", "2027-12-31"}, false, false, false, false},
		{"ending before the first starts", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2025-01-01", "2025-12-31"}, false, false, false, false},
		{"another client", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2026-01-01", "2026-12-31"}, true, false, false, false},
		{"second not default", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2026-01-01", "2026-12-31"}, false, true, false, false},
		{"existing default is a draft", [2]string{"2026-01-01", "2026-12-31"}, [2]string{"2026-06-01", "2026-12-31"}, false, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			terms := recurring(t, "First", tt.first[0], tt.first[1])
			terms.Default = true
			var parts []contract.NewPart
			if tt.firstDraft {
				parts = []contract.NewPart{unpriced("Support", 1)}
			}
			first, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms, Parts: parts})
			require.Equal(t, len(parts) > 0, first.Status == contract.StatusDraft)

			owner := cl
			if tt.otherClient {
				owner = e.customer(t, "Other", "USD")
			}
			terms = recurring(t, "Second", tt.second[0], tt.second[1])
			terms.Default = !tt.secondNotDef
			_, _, err := e.svc.Create(t.Context(), contract.NewContract{ClientID: owner.ID, Terms: terms})
			if !tt.wantRefused {
				require.NoError(t, err)
				require.Len(t, e.all(t), 2)
				return
			}
			require.ErrorIs(t, err, psa.ErrPrecondition)
			de, ok := errors.AsType[*contract.DefaultContractError](err)
			require.Truef(t, ok, "error %v (%T) is not a *contract.DefaultContractError", err, err)
			diff(t, contract.DefaultContractError{ClientID: cl.ID, Current: first.ID}, *de, "error")
			require.Len(t, e.all(t), 1)
		})
	}
}

// TestUpdateTerms changes terms, records the change with old and new values, and bumps the
// version.
func TestUpdateTerms(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2026-01-01", "2026-12-31"),
		Parts: []contract.NewPart{priced(t, "Workstations", "30.00", 10)}})
	e.now = t0.Add(1)
	terms := c.Terms
	terms.Name, terms.End, terms.PONumber = "Managed plus", day(t, "2027-06-30"), "PO-9"
	ctx := psa.WithActor(t.Context(), "bob")
	got, err := e.svc.UpdateTerms(ctx, c.ID, c.Version, terms)
	require.NoError(t, err)
	diff(t, terms, got.Terms, "returned terms")
	diff(t, got, e.get(t, c.ID), "stored contract")
	if got.Version != 2 || !got.UpdatedAt.Equal(e.now) || !got.CreatedAt.Equal(t0) {
		t.Errorf("version %d, updated %s, created %s; want 2, %s, %s", got.Version, got.UpdatedAt, got.CreatedAt, e.now, t0)
	}
	h := e.history(t, c.ID)
	require.Len(t, h, 2)
	if h[1].By != "bob" || h[1].Seq != 2 {
		t.Errorf("history entry %+v, want seq 2 by bob", h[1])
	}
	for _, s := range []string{"name Managed -> Managed plus", "end 2026-12-31 -> 2027-06-30", `PO number "" -> PO-9`} {
		if !strings.Contains(h[1].What, s) {
			t.Errorf("history %q does not record %q", h[1].What, s)
		}
	}
}

// TestUpdateTermsRecordsEveryField changes each field of Terms alone and checks that the history
// names it.
func TestUpdateTermsRecordsEveryField(t *testing.T) {
	net15, err := psa.NetDays(15)
	require.NoError(t, err)
	tests := []struct {
		field  string // as the history names it
		change func(t *testing.T, terms *contract.Terms)
	}{
		{"name", func(t *testing.T, x *contract.Terms) { x.Name = "Renamed" }},
		{"reference number", func(t *testing.T, x *contract.Terms) { x.ReferenceNumber = "REF-2" }},
		{"type", func(t *testing.T, x *contract.Terms) { x.Type = contract.TimeAndMaterials }},
		{"description", func(t *testing.T, x *contract.Terms) { x.Description = "More" }},
		{"PO number", func(t *testing.T, x *contract.Terms) { x.PONumber = "PO-1" }},
		{"start", func(t *testing.T, x *contract.Terms) { x.Start = day(t, "2025-12-01") }},
		{"end", func(t *testing.T, x *contract.Terms) { x.End = day(t, "2027-06-30") }},
		{"SLA policy", func(t *testing.T, x *contract.Terms) { x.SLAPolicyID = psa.SLAPolicyID{UUID: serviceID(7).UUID} }},
		{"default", func(t *testing.T, x *contract.Terms) { x.Default = true }},
		{"schedule", func(t *testing.T, x *contract.Terms) { x.Schedule.Cycle = contract.Quarterly }},
		{"timing", func(t *testing.T, x *contract.Terms) { x.Timing = contract.InArrears }},
		{"day count", func(t *testing.T, x *contract.Terms) { x.DayCount = contract.Thirty360 }},
		{"rounding", func(t *testing.T, x *contract.Terms) { x.Rounding = psa.RoundHalfEven }},
		{"setup fee", func(t *testing.T, x *contract.Terms) { x.SetupFee = usd(t, "100.00") }},
		{"billing price", func(t *testing.T, x *contract.Terms) { x.BillingPrice = usd(t, "50.00") }},
		{"bill amount", func(t *testing.T, x *contract.Terms) { x.BillAmount = usd(t, "500.00") }},
		{"hours", func(t *testing.T, x *contract.Terms) { x.Hours = dec(t, "10") }},
		{"rollover", func(t *testing.T, x *contract.Terms) { x.Rollover = true }},
		{"overage rate", func(t *testing.T, x *contract.Terms) { x.OverageRate = usd(t, "120.00") }},
		{"cap", func(t *testing.T, x *contract.Terms) { x.Cap = usd(t, "1000.00") }},
		{"payment terms", func(t *testing.T, x *contract.Terms) { x.PaymentTerms = net15 }},
		{"renewal", func(t *testing.T, x *contract.Terms) { x.Renewal = contract.Renewal{Auto: true, NoticeDays: 30} }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2026-01-01", "2026-12-31"),
				Parts: []contract.NewPart{priced(t, "Workstations", "30.00", 10)}})
			terms := c.Terms
			tt.change(t, &terms)
			_, err := e.svc.UpdateTerms(t.Context(), c.ID, c.Version, terms)
			require.NoError(t, err)
			what := e.lastWhat(t, c.ID)
			if !strings.HasPrefix(what, "changed "+tt.field+" ") || strings.Contains(what, ";") {
				t.Errorf("history %q does not record exactly a change of %s", what, tt.field)
			}
		})
	}
}

// TestUpdateTermsRefused: the rules of Create apply, a part left outside the new dates is an
// error, and a stale version is a conflict; nothing is stored.
func TestUpdateTermsRefused(t *testing.T) {
	tests := []struct {
		name    string
		change  func(t *testing.T, x *contract.Terms)
		version int64
		check   func(t *testing.T, err error)
	}{
		{"end before start", func(t *testing.T, x *contract.Terms) { x.End = day(t, "2025-12-31") }, 1, func(t *testing.T, err error) {
			diff(t, []string{"end=2025-12-31", "parts[0].start=2026-01-01", "parts[1].start=2026-03-01", "parts[1].end=2026-06-30"},
				invalid(t, err, "contract"), "invalid fields")
		}},
		{"start after a part's start", func(t *testing.T, x *contract.Terms) { x.Start = day(t, "2026-02-01") }, 1, func(t *testing.T, err error) {
			diff(t, []string{"parts[0].start=2026-01-01"}, invalid(t, err, "contract"), "invalid fields")
		}},
		{"end before a part's end", func(t *testing.T, x *contract.Terms) { x.End = day(t, "2026-05-31") }, 1, func(t *testing.T, err error) {
			diff(t, []string{"parts[1].end=2026-06-30"}, invalid(t, err, "contract"), "invalid fields")
		}},
		{"amount in another currency", func(t *testing.T, x *contract.Terms) { x.Cap = money(t, "10.00", "EUR") }, 1, func(t *testing.T, err error) {
			diff(t, []string{"cap=10.00 EUR"}, invalid(t, err, "contract"), "invalid fields")
		}},
		{"stale version", func(t *testing.T, x *contract.Terms) { x.Name = "New" }, 0, func(t *testing.T, err error) {
			require.ErrorIs(t, err, psa.ErrConflict)
			ve, ok := errors.AsType[*psa.VersionConflictError](err)
			require.True(t, ok, "error %v (%T) is not a *psa.VersionConflictError", err, err)
			if ve.Given != 0 || ve.Stored != 1 {
				t.Errorf("conflict given %d stored %d, want 0 and 1", ve.Given, ve.Stored)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			late := priced(t, "Project", "10.00", 1)
			late.Start, late.End = day(t, "2026-03-01"), day(t, "2026-06-30")
			c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2026-01-01", "2026-12-31"),
				Parts: []contract.NewPart{priced(t, "Workstations", "30.00", 10), late}})
			before := e.state(t, c.ID)
			terms := c.Terms
			tt.change(t, &terms)
			_, err := e.svc.UpdateTerms(t.Context(), c.ID, tt.version, terms)
			tt.check(t, err)
			e.unchanged(t, c.ID, before)
		})
	}
}

// TestUpdateTermsDefaultContract: making a contract the default checks the client's other
// default contracts.
func TestUpdateTermsDefaultContract(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	terms := recurring(t, "First", "2026-01-01", "2026-12-31")
	terms.Default = true
	first, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms})
	second, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Second", "2026-06-01", "2026-12-31")})
	before := e.state(t, second.ID)
	terms = second.Terms
	terms.Default = true
	_, err := e.svc.UpdateTerms(t.Context(), second.ID, second.Version, terms)
	de, ok := errors.AsType[*contract.DefaultContractError](err)
	require.Truef(t, ok, "error %v (%T) is not a *contract.DefaultContractError", err, err)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	diff(t, first.ID, de.Current, "current default contract")
	e.unchanged(t, second.ID, before)
}

// TestTerminate sets the end, turns off auto-renewal and records it; a last day before the start
// is refused.
func TestTerminate(t *testing.T) {
	tests := []struct {
		name    string
		end     string
		lastDay string
		wantErr []string
	}{
		{"fixed term ended early", "2026-12-31", "2026-06-30", nil},
		{"open-ended contract ended", "", "2026-06-30", nil},
		{"on its first day", "2026-12-31", "2026-01-01", nil},
		{"before the start", "2026-12-31", "2025-12-31", []string{"end=2025-12-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cl := e.customer(t, "Acme", "USD")
			terms := recurring(t, "Managed", "2026-01-01", tt.end)
			terms.Renewal = contract.Renewal{Auto: tt.end != "", NoticeDays: 30}
			c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms, Parts: []contract.NewPart{priced(t, "W", "30.00", 10)}})
			before := e.state(t, c.ID)
			got, err := e.svc.Terminate(t.Context(), c.ID, c.Version, day(t, tt.lastDay))
			if tt.wantErr != nil {
				diff(t, tt.wantErr, invalid(t, err, "contract"), "invalid fields")
				e.unchanged(t, c.ID, before)
				return
			}
			require.NoError(t, err)
			want := c.Terms
			want.End, want.Renewal.Auto = day(t, tt.lastDay), false
			diff(t, want, got.Terms, "terms")
			diff(t, got, e.get(t, c.ID), "stored contract")
			what := e.lastWhat(t, c.ID)
			if !strings.HasPrefix(what, "terminated") || !strings.Contains(what, tt.lastDay) {
				t.Errorf("history %q does not record the termination on %s", what, tt.lastDay)
			}
		})
	}
}

// TestGetUnknown: unknown contracts are not found.
func TestGetUnknown(t *testing.T) {
	e := newEnv(t)
	id := psa.ContractID{UUID: serviceID(3).UUID}
	_, err := e.svc.Get(t.Context(), id)
	_, ok := errors.AsType[*psa.NotFoundError](err)
	require.True(t, ok, "error %v (%T) is not a *psa.NotFoundError", err, err)
	_, err = e.svc.History(t.Context(), id)
	require.ErrorIs(t, err, psa.ErrNotFound)
	_, err = e.svc.Parts(t.Context(), id)
	require.ErrorIs(t, err, psa.ErrNotFound)
}

// TestList lists a client's contracts only, in creation order.
func TestList(t *testing.T) {
	e := newEnv(t)
	a, b := e.customer(t, "A", "USD"), e.customer(t, "B", "USD")
	a1, _ := e.create(t, contract.NewContract{ClientID: a.ID, Terms: recurring(t, "A1", "2026-01-01", "")})
	e.create(t, contract.NewContract{ClientID: b.ID, Terms: recurring(t, "B1", "2026-01-01", "")})
	a2, _ := e.create(t, contract.NewContract{ClientID: a.ID, Terms: recurring(t, "A2", "2026-01-01", "")})
	page, err := e.svc.List(t.Context(), a.ID, psa.PageRequest{})
	require.NoError(t, err)
	diff(t, []contract.Contract{a1, a2}, page.Items, "client A's contracts")
}

// TestProposeParts gives one unpriced part per assigned service (seed 000), and a contract made
// from them is a draft until priced.
func TestProposeParts(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	assigned := []contract.Assignment{
		{ServiceID: serviceID(1), Description: "Cyber Protect per workstation", UnitKind: contract.UnitDevice, Quantity: dec(t, "12")},
		{ServiceID: serviceID(2), Description: "Microsoft 365 backup", UnitKind: contract.UnitSeat, Quantity: dec(t, "30")},
	}
	e.assign.set(cl.ID, assigned...)
	proposed, err := e.svc.ProposeParts(t.Context(), cl.ID)
	require.NoError(t, err)
	want := []contract.NewPart{
		{ServiceID: serviceID(1), Description: "Cyber Protect per workstation", UnitKind: contract.UnitDevice, Quantity: dec(t, "12")},
		{ServiceID: serviceID(2), Description: "Microsoft 365 backup", UnitKind: contract.UnitSeat, Quantity: dec(t, "30")},
	}
	diff(t, want, proposed, "proposed parts")

	none, err := e.svc.ProposeParts(t.Context(), e.customer(t, "Nothing assigned", "USD").ID)
	require.NoError(t, err)
	require.Empty(t, none)

	c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "Managed", "2026-01-01", ""), Parts: proposed})
	require.Equal(t, contract.StatusDraft, c.Status)
	require.Len(t, parts, 2)
	for _, p := range parts {
		require.False(t, p.PriceSet(), "proposed part %q has a price", p.Description)
	}
}

// TestProposePartsWithoutAssignments: a service without Options.Assignments proposes nothing and
// lists no clients.
func TestProposePartsWithoutAssignments(t *testing.T) {
	e := newEnv(t, func(o *contract.Options) { o.Assignments = nil })
	cl := e.customer(t, "Acme", "USD")
	parts, err := e.svc.ProposeParts(t.Context(), cl.ID)
	require.NoError(t, err)
	require.Empty(t, parts)
	ids, err := e.svc.ClientsWithoutContracts(t.Context())
	require.NoError(t, err)
	require.Empty(t, ids)
}

// TestClientsWithoutContracts lists the clients with assigned services and no active or draft
// contract (seed 000's banner).
func TestClientsWithoutContracts(t *testing.T) {
	e := newEnv(t)
	a := contract.Assignment{ServiceID: serviceID(1), Description: "Backup", UnitKind: contract.UnitSeat, Quantity: dec(t, "5")}
	none := e.customer(t, "No contract", "USD")
	active := e.customer(t, "Active contract", "USD")
	draft := e.customer(t, "Draft contract", "USD")
	expired := e.customer(t, "Expired contract", "USD")
	unassigned := e.customer(t, "Nothing assigned", "USD")
	for _, cl := range []client.Client{none, active, draft, expired} {
		e.assign.set(cl.ID, a)
	}
	e.create(t, contract.NewContract{ClientID: active.ID, Terms: recurring(t, "M", "2026-01-01", ""), Parts: []contract.NewPart{priced(t, "Backup", "4.00", 5)}})
	e.create(t, contract.NewContract{ClientID: draft.ID, Terms: recurring(t, "M", "2026-01-01", ""), Parts: []contract.NewPart{unpriced("Backup", 5)}})
	e.create(t, contract.NewContract{ClientID: expired.ID, Terms: recurring(t, "M", "2025-01-01", "2025-12-31")})
	e.create(t, contract.NewContract{ClientID: unassigned.ID, Terms: recurring(t, "M", "2026-01-01", "")})
	_, err := e.svc.ExpireEnded(t.Context())
	require.NoError(t, err)

	ids, err := e.svc.ClientsWithoutContracts(t.Context())
	require.NoError(t, err)
	diff(t, []psa.ClientID{none.ID, expired.ID}, ids, "clients without contracts")
}

// TestCreateFromDeal creates the contract of a closed CRM deal once (seed 002).
func TestCreateFromDeal(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	deal := contract.Deal{ID: "crm-deal-42", ClientID: cl.ID, Terms: recurring(t, "From deal", "2026-04-01", "2027-03-31"),
		Lines: []contract.NewPart{priced(t, "Managed workstation", "35.00", 20)}}
	c, created, err := e.svc.CreateFromDeal(t.Context(), deal)
	require.NoError(t, err)
	require.True(t, created)
	if c.DealID != deal.ID || c.Status != contract.StatusActive || c.Timing != contract.InAdvance {
		t.Errorf("contract deal %q, status %s, timing %q; want %q, active, advance (defaults filled)", c.DealID, c.Status, c.Timing, deal.ID)
	}
	require.Len(t, e.parts(t, c.ID), 1)
	before := e.state(t, c.ID)

	deal.Terms.Name = "Changed in the CRM"
	again, created, err := e.svc.CreateFromDeal(t.Context(), deal)
	require.NoError(t, err)
	require.False(t, created)
	diff(t, c, again, "contract of the deal")
	e.unchanged(t, c.ID, before)

	_, _, err = e.svc.CreateFromDeal(t.Context(), contract.Deal{ClientID: cl.ID, Terms: deal.Terms})
	diff(t, []string{"id="}, invalid(t, err, "deal"), "invalid fields")
	require.Len(t, e.all(t), 1)

	bad := deal
	bad.ID, bad.Terms.Name = "crm-deal-43", ""
	_, created, err = e.svc.CreateFromDeal(t.Context(), bad)
	diff(t, []string{"name="}, invalid(t, err, "contract"), "invalid fields")
	require.False(t, created)
	require.Len(t, e.all(t), 1)
}

// TestActorRecordedInHistory: every change records the actor of its context.
func TestActorRecordedInHistory(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	c, parts := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: recurring(t, "M", "2026-01-01", "2026-12-31"),
		Parts: []contract.NewPart{priced(t, "W", "30.00", 10)}})
	ctx := psa.WithActor(t.Context(), "carol")
	_, err := e.svc.ChangeQuantity(ctx, parts[0].ID, parts[0].Version, day(t, "2026-04-01"), dec(t, "12"))
	require.NoError(t, err)
	_, err = e.svc.AddPart(psa.WithActor(t.Context(), "dave"), c.ID, priced(t, "X", "1.00", 1))
	require.NoError(t, err)
	var by []string
	for _, h := range e.history(t, c.ID) {
		by = append(by, h.By)
	}
	diff(t, []string{"", "carol", "dave"}, by, "actors")
}

// TestPrepaidHoursOnCreate checks seed 004's "PrePaid Hours Summary" of a fresh retainer.
func TestPrepaidHoursOnCreate(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: contract.Terms{Name: "Block", Type: contract.RetainerHours,
		Start: day(t, "2026-01-01"), Schedule: contract.Schedule{Cycle: contract.Monthly}, Hours: dec(t, "20")}})
	e.recordUse(t, c.ID, contract.Use{Period: day(t, "2026-01-01"), Time: 7*time.Hour + 30*time.Minute})
	got, err := e.get(t, c.ID).PrepaidHours(day(t, "2026-01-20"))
	require.NoError(t, err)
	diff(t, contract.HoursSummary{Period: psa.Period{Start: day(t, "2026-01-01"), End: day(t, "2026-02-01")}, Purchased: dec(t, "20"),
		Carried: dec(t, "0"), Used: dec(t, "7.5"), Remaining: dec(t, "12.5")}, got, "prepaid hours")
}

// TestDefaultContractAfterExpiry: an expired default contract is no longer in force, so the
// client may have a new default contract for the same days.
func TestDefaultContractAfterExpiry(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	terms := recurring(t, "Old", "2025-01-01", "2025-12-31")
	terms.Default = true
	e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms})
	_, err := e.svc.ExpireEnded(t.Context())
	require.NoError(t, err)
	terms = recurring(t, "Backdated", "2025-06-01", "")
	terms.Default = true
	_, _, err = e.svc.Create(t.Context(), contract.NewContract{ClientID: cl.ID, Terms: terms})
	require.NoError(t, err)
}

// TestTerminateKeepsOneDefaultContract: Terminate sets the last day; given a day after the current
// end it must not extend a default contract over the client's next default contract (a client
// has at most one default contract in force at a time).
func TestTerminateKeepsOneDefaultContract(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "USD")
	terms := recurring(t, "This year", "2026-01-01", "2026-12-31")
	terms.Default = true
	c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms})
	terms = recurring(t, "Next year", "2027-01-01", "2027-12-31")
	terms.Default = true
	e.create(t, contract.NewContract{ClientID: cl.ID, Terms: terms})
	before := e.state(t, c.ID)

	_, err := e.svc.Terminate(t.Context(), c.ID, c.Version, day(t, "2027-06-30"))
	if err == nil {
		t.Fatalf("Terminate moved the last day of default contract %q from 2026-12-31 to 2027-06-30, over default contract \"Next year\"", c.Name)
	}
	require.ErrorIs(t, err, psa.ErrInvalid, "terminating only shortens a contract")
	e.unchanged(t, c.ID, before)
}

// TestContractJSON: a stored contract survives a JSON round trip, currency included.
func TestContractJSON(t *testing.T) {
	e := newEnv(t)
	cl := e.customer(t, "Acme", "EUR")
	net15, err := psa.NetDays(15)
	require.NoError(t, err)
	c, _ := e.create(t, contract.NewContract{ClientID: cl.ID, Terms: contract.Terms{
		Name: "Block", Type: contract.RetainerHours, Start: day(t, "2026-01-15"), End: day(t, "2027-01-14"),
		Schedule: contract.Schedule{Cycle: contract.Monthly, Alignment: contract.AlignAnniversary}, Rounding: psa.RoundHalfEven,
		Hours: dec(t, "12.5"), Rollover: true, OverageRate: money(t, "150.00", "EUR"), PaymentTerms: net15,
		Renewal: contract.Renewal{Auto: true, NoticeDays: 30},
	}})
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var back contract.Contract
	require.NoError(t, json.Unmarshal(b, &back))
	diff(t, c, back, "contract after a JSON round trip")

	var unknown contract.Contract
	require.Error(t, json.Unmarshal([]byte(`{"currency":"ZZZ"}`), &unknown))
}

// TestContractUnmarshalJSONErrorsAreInvalid: every malformed contract is invalid input (a
// *psa.ValidationError), whatever part of it is malformed, and the contract is left unchanged.
func TestContractUnmarshalJSONErrorsAreInvalid(t *testing.T) {
	for _, in := range []string{
		`{"currency":"ZZZ"}`,
		`{"currency":"USD","id":"not a uuid"}`,
		`{"currency":"USD","hours":true}`,
		`{"currency":"USD","hours":"1.2.3"}`,
		`{"currency":"USD","version":"7"}`,
		`{"currency":"USD","createdAt":"yesterday"}`,
		`{"currency":"USD","start":"2026-02-30"}`,
		`{"currency":"USD","setupFee":{"amount":"1e3","currency":"USD"}}`,
		`{"currency":`,
	} {
		c := contract.Contract{Terms: contract.Terms{Name: "before"}}
		err := c.UnmarshalJSON([]byte(in))
		_, ok := errors.AsType[*psa.ValidationError](err)
		require.True(t, ok && errors.Is(err, psa.ErrInvalid), "%s: %v", in, err)
		require.Equal(t, "before", c.Name, in)
	}
}
