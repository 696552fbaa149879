package contract

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
)

// The helpers of the rule tests are prefixed "rule" so that they do not collide with the other
// tests of the package.

// ruleDate parses "YYYY-MM-DD".
func ruleDate(t testing.TB, s string) psa.Date {
	t.Helper()
	d, err := psa.ParseDate(s)
	require.NoError(t, err)
	return d
}

// rulePeriod returns the period from first through last, both "YYYY-MM-DD" and included, as
// people write billing periods.
func rulePeriod(t testing.TB, first, last string) psa.Period {
	t.Helper()
	p, err := psa.PeriodThrough(ruleDate(t, first), ruleDate(t, last))
	require.NoError(t, err)
	return p
}

// ruleOpenFrom returns the open-ended service span from first on.
func ruleOpenFrom(t testing.TB, first string) psa.Period {
	t.Helper()
	return psa.Period{Start: ruleDate(t, first)}
}

// ruleRequireInvalid asserts that err is a *psa.ValidationError of object, unwrapping to
// psa.ErrInvalid, with exactly the given fields ("field=value" each).
func ruleRequireInvalid(t *testing.T, err error, object string, fields ...string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.True(t, strings.HasPrefix(err.Error(), "psa: "), "message %q", err.Error())
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "error %T %v is not a *psa.ValidationError", err, err)
	require.Equal(t, object, ve.Object)
	got := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		require.NotEmpty(t, f.Reason, "field %q has no reason", f.Field)
		got[i] = f.Field + "=" + f.Value
	}
	if diff := cmp.Diff(fields, got); diff != "" {
		t.Fatalf("fields (-want +got):\n%s", diff)
	}
}

func TestCycle(t *testing.T) {
	tests := []struct {
		cycle  Cycle
		months int
	}{
		{Monthly, 1},
		{Quarterly, 3},
		{SemiAnnual, 6},
		{Annual, 12},
		{"", 0},
		{"weekly", 0},
		{"Monthly", 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.cycle), func(t *testing.T) {
			require.Equal(t, tt.months, tt.cycle.Months())
			require.Equal(t, tt.months != 0, tt.cycle.Valid())
		})
	}
}

func TestScheduleValidate(t *testing.T) {
	tests := []struct {
		name   string
		s      Schedule
		fields []string // nil: valid
	}{
		{"calendar monthly", Schedule{Cycle: Monthly, Alignment: AlignCalendar}, nil},
		{"calendar ignores the anchor", Schedule{Cycle: Annual, Alignment: AlignCalendar, Anchor: ruleDate(t, "2026-03-31")}, nil},
		{"anniversary quarterly", Schedule{Cycle: Quarterly, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2026-01-31")}, nil},
		{"unknown cycle", Schedule{Cycle: "weekly", Alignment: AlignCalendar}, []string{"cycle=weekly"}},
		{"missing alignment", Schedule{Cycle: Monthly}, []string{"alignment="}},
		{"anniversary without anchor", Schedule{Cycle: Monthly, Alignment: AlignAnniversary}, []string{"anchor="}},
		{"the zero schedule", Schedule{}, []string{"cycle=", "alignment="}},
		{"every rule", Schedule{Cycle: "fortnightly", Alignment: "fiscal"}, []string{"cycle=fortnightly", "alignment=fiscal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			ruleRequireInvalid(t, err, "billing schedule", tt.fields...)
		})
	}
}

func TestSchedulePeriodOf(t *testing.T) {
	calendar := func(c Cycle) Schedule { return Schedule{Cycle: c, Alignment: AlignCalendar} }
	anniversary := func(c Cycle, anchor string) Schedule {
		return Schedule{Cycle: c, Alignment: AlignAnniversary, Anchor: ruleDate(t, anchor)}
	}
	tests := []struct {
		name        string
		s           Schedule
		date        string
		first, last string // the period, both days included
	}{
		// Calendar months of every length.
		{"calendar monthly 31-day month, first day", calendar(Monthly), "2026-01-01", "2026-01-01", "2026-01-31"},
		{"calendar monthly 31-day month, last day", calendar(Monthly), "2026-01-31", "2026-01-01", "2026-01-31"},
		{"calendar monthly 28-day February", calendar(Monthly), "2026-02-28", "2026-02-01", "2026-02-28"},
		{"calendar monthly 29-day February", calendar(Monthly), "2024-02-29", "2024-02-01", "2024-02-29"},
		{"calendar monthly century non-leap February", calendar(Monthly), "2100-02-14", "2100-02-01", "2100-02-28"},
		{"calendar monthly 400-year leap February", calendar(Monthly), "2000-02-29", "2000-02-01", "2000-02-29"},
		{"calendar monthly 30-day month", calendar(Monthly), "2026-04-30", "2026-04-01", "2026-04-30"},
		{"calendar monthly December", calendar(Monthly), "2026-12-31", "2026-12-01", "2026-12-31"},
		{"calendar quarterly Q1", calendar(Quarterly), "2026-02-15", "2026-01-01", "2026-03-31"},
		{"calendar quarterly Q2 first day", calendar(Quarterly), "2026-04-01", "2026-04-01", "2026-06-30"},
		{"calendar quarterly Q3", calendar(Quarterly), "2026-09-30", "2026-07-01", "2026-09-30"},
		{"calendar quarterly Q4 last day", calendar(Quarterly), "2026-12-31", "2026-10-01", "2026-12-31"},
		{"calendar semi-annual H1 last day", calendar(SemiAnnual), "2026-06-30", "2026-01-01", "2026-06-30"},
		{"calendar semi-annual H2 first day", calendar(SemiAnnual), "2026-07-01", "2026-07-01", "2026-12-31"},
		{"calendar annual leap year", calendar(Annual), "2024-12-31", "2024-01-01", "2024-12-31"},
		{"calendar annual first day", calendar(Annual), "2026-01-01", "2026-01-01", "2026-12-31"},

		// Anniversary monthly, anchors 29, 30, 31: clamped in short months, back on the anchor
		// day afterwards.
		{"anchor 31 monthly, the anchor", anniversary(Monthly, "2026-01-31"), "2026-01-31", "2026-01-31", "2026-02-27"},
		{"anchor 31 monthly, day before Feb boundary", anniversary(Monthly, "2026-01-31"), "2026-02-27", "2026-01-31", "2026-02-27"},
		{"anchor 31 monthly, Feb 28 boundary", anniversary(Monthly, "2026-01-31"), "2026-02-28", "2026-02-28", "2026-03-30"},
		{"anchor 31 monthly, back on the 31st", anniversary(Monthly, "2026-01-31"), "2026-03-31", "2026-03-31", "2026-04-29"},
		{"anchor 31 monthly, Apr 30 boundary", anniversary(Monthly, "2026-01-31"), "2026-05-15", "2026-04-30", "2026-05-30"},
		{"anchor 31 monthly, leap Feb 29 boundary", anniversary(Monthly, "2026-01-31"), "2028-02-29", "2028-02-29", "2028-03-30"},
		{"anchor 31 monthly, leap day before", anniversary(Monthly, "2026-01-31"), "2028-02-28", "2028-01-31", "2028-02-28"},
		{"anchor 31 monthly, ten years on", anniversary(Monthly, "2026-01-31"), "2036-08-31", "2036-08-31", "2036-09-29"},
		{"anchor 30 monthly, Feb 28", anniversary(Monthly, "2026-01-30"), "2026-02-28", "2026-02-28", "2026-03-29"},
		{"anchor 30 monthly, back on the 30th", anniversary(Monthly, "2026-01-30"), "2026-03-30", "2026-03-30", "2026-04-29"},
		{"anchor 30 monthly, the day before the 30th", anniversary(Monthly, "2026-01-30"), "2026-03-29", "2026-02-28", "2026-03-29"},
		{"anchor 29 monthly, common Feb 28", anniversary(Monthly, "2026-01-29"), "2026-02-28", "2026-02-28", "2026-03-28"},
		{"anchor 29 monthly, leap Feb 29", anniversary(Monthly, "2026-01-29"), "2028-02-29", "2028-02-29", "2028-03-28"},
		{"anchor 29 monthly, leap Feb 28", anniversary(Monthly, "2026-01-29"), "2028-02-28", "2028-01-29", "2028-02-28"},
		{"anchor 1 monthly is the calendar", anniversary(Monthly, "2026-03-01"), "2026-07-31", "2026-07-01", "2026-07-31"},

		// Anniversary quarterly and semi-annual through February.
		{"anchor 31 quarterly, Apr 30", anniversary(Quarterly, "2026-01-31"), "2026-05-01", "2026-04-30", "2026-07-30"},
		{"anchor 31 quarterly, Jul 31", anniversary(Quarterly, "2026-01-31"), "2026-07-31", "2026-07-31", "2026-10-30"},
		{"anchor 30 quarterly, Feb 28", anniversary(Quarterly, "2025-11-30"), "2026-03-15", "2026-02-28", "2026-05-29"},
		{"anchor 29 quarterly, leap Feb 29", anniversary(Quarterly, "2027-11-29"), "2028-02-29", "2028-02-29", "2028-05-28"},
		{"anchor 31 semi-annual, Feb 28", anniversary(SemiAnnual, "2026-08-31"), "2027-03-01", "2027-02-28", "2027-08-30"},

		// Anniversary annual on a leap day.
		{"anchor Feb 29 annual, the anchor", anniversary(Annual, "2024-02-29"), "2024-02-29", "2024-02-29", "2025-02-27"},
		{"anchor Feb 29 annual, 2025", anniversary(Annual, "2024-02-29"), "2025-02-28", "2025-02-28", "2026-02-27"},
		{"anchor Feb 29 annual, 2026", anniversary(Annual, "2024-02-29"), "2026-12-31", "2026-02-28", "2027-02-27"},
		{"anchor Feb 29 annual, 2027 to leap 2028", anniversary(Annual, "2024-02-29"), "2028-02-28", "2027-02-28", "2028-02-28"},
		{"anchor Feb 29 annual, back on Feb 29", anniversary(Annual, "2024-02-29"), "2028-02-29", "2028-02-29", "2029-02-27"},

		// Dates before the anchor: the periods extend backwards.
		{"before anchor 31 monthly, Dec", anniversary(Monthly, "2026-01-31"), "2025-12-15", "2025-11-30", "2025-12-30"},
		{"before anchor 31 monthly, Dec 31", anniversary(Monthly, "2026-01-31"), "2025-12-31", "2025-12-31", "2026-01-30"},
		{"before anchor 31 monthly, Feb 28 2025", anniversary(Monthly, "2026-01-31"), "2025-03-01", "2025-02-28", "2025-03-30"},
		{"before anchor, clamped boundary after d", anniversary(Monthly, "2026-03-31"), "2026-02-27", "2026-01-31", "2026-02-27"},
		{"before anchor 31 semi-annual", anniversary(SemiAnnual, "2026-08-31"), "2026-01-05", "2025-08-31", "2026-02-27"},
		{"before anchor Feb 29 annual", anniversary(Annual, "2024-02-29"), "2021-01-01", "2020-02-29", "2021-02-27"},
		{"before anchor, years back", anniversary(Quarterly, "2026-01-15"), "1999-12-31", "1999-10-15", "2000-01-14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.PeriodOf(ruleDate(t, tt.date))
			require.NoError(t, err)
			if diff := cmp.Diff(rulePeriod(t, tt.first, tt.last), got); diff != "" {
				t.Errorf("PeriodOf(%s) (-want +got):\n%s", tt.date, diff)
			}
		})
	}
}

func TestSchedulePeriodOfInvalid(t *testing.T) {
	monthly := Schedule{Cycle: Monthly, Alignment: AlignCalendar}
	tests := []struct {
		name   string
		s      Schedule
		date   psa.Date
		object string
		fields []string
	}{
		{"invalid schedule", Schedule{Cycle: "daily", Alignment: AlignCalendar}, ruleDate(t, "2026-01-01"), "billing schedule", []string{"cycle=daily"}},
		{"zero date", monthly, psa.Date{}, "billing schedule", []string{"date="}},
		{"period ends after 9999-12-31", Schedule{Cycle: Annual, Alignment: AlignCalendar}, ruleDate(t, "9999-06-01"), "billing schedule", []string{"date=9999-06-01"}},
		{"period starts before 0001-01-01", Schedule{Cycle: Annual, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2026-07-01")}, ruleDate(t, "0001-03-01"), "billing schedule", []string{"date=0001-03-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.s.PeriodOf(tt.date)
			ruleRequireInvalid(t, err, tt.object, tt.fields...)
		})
	}
}

// TestAnniversaryNeverDrifts walks ten years of periods of every anchor day 28 to 31 and every
// cycle, and checks that boundary k is exactly Anchor.AddMonths(k x months): the anchor day when
// the month has it, else the month's last day.
func TestAnniversaryNeverDrifts(t *testing.T) {
	for _, anchor := range []string{"2024-01-28", "2024-01-29", "2024-01-30", "2024-01-31", "2023-08-31", "2024-02-29"} {
		for _, c := range []Cycle{Monthly, Quarterly, SemiAnnual, Annual} {
			t.Run(anchor+" "+string(c), func(t *testing.T) {
				a := ruleDate(t, anchor)
				s := Schedule{Cycle: c, Alignment: AlignAnniversary, Anchor: a}
				span := psa.Period{Start: a.AddMonths(-24), End: a.AddMonths(120)}
				k := -24 / c.Months()
				n := 0
				for p := range s.Seq(span) {
					require.Equal(t, a.AddMonths(k*c.Months()), p.Start, "start of period %d", k)
					require.Equal(t, a.AddMonths((k+1)*c.Months()), p.End, "end of period %d", k)
					wantDay := min(a.Day(), psa.DaysIn(p.Start.Year(), p.Start.Month()))
					require.Equal(t, wantDay, p.Start.Day(), "day of boundary %s", p.Start)
					k++
					n++
				}
				require.Equal(t, 144/c.Months(), n)
			})
		}
	}
}

// TestPeriodOfAgreesWithSeq checks PeriodOf, computed arithmetically, against the periods that
// Seq walks: for every day of a few years around the anchor, for every anchor day 1 to 31 of a
// random month and every cycle, PeriodOf(day) is the walked period holding the day.
func TestPeriodOfAgreesWithSeq(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for day := 1; day <= 31; day++ {
		anchor := psa.ClampedDate(2020+r.IntN(10), time.Month(1+r.IntN(12)), day)
		for _, align := range []Alignment{AlignCalendar, AlignAnniversary} {
			for _, c := range []Cycle{Monthly, Quarterly, SemiAnnual, Annual} {
				s := Schedule{Cycle: c, Alignment: align, Anchor: anchor}
				span := psa.Period{Start: anchor.AddDays(-800), End: anchor.AddDays(800)}
				prev := psa.Period{}
				for p := range s.Seq(span) {
					if prev != (psa.Period{}) && prev.End != p.Start {
						t.Fatalf("%+v: period %s does not meet the previous one %s", s, p, prev)
					}
					prev = p
					for d := p.Start; d.Before(p.End); d = d.AddDays(1) {
						got, err := s.PeriodOf(d)
						if err != nil || got != p {
							t.Fatalf("%+v: PeriodOf(%s) = %s, %v; want %s", s, d, got, err, p)
						}
					}
				}
			}
		}
	}
}

func TestSchedulePeriods(t *testing.T) {
	calendar := func(c Cycle) Schedule { return Schedule{Cycle: c, Alignment: AlignCalendar} }
	anchor31 := Schedule{Cycle: Monthly, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2026-01-31")}
	type period struct{ first, last string }
	tests := []struct {
		name string
		s    Schedule
		span psa.Period
		want []period
	}{
		{"calendar monthly across month ends", calendar(Monthly), rulePeriod(t, "2026-01-15", "2026-04-10"),
			[]period{{"2026-01-01", "2026-01-31"}, {"2026-02-01", "2026-02-28"}, {"2026-03-01", "2026-03-31"}, {"2026-04-01", "2026-04-30"}}},
		{"calendar monthly leap February", calendar(Monthly), rulePeriod(t, "2024-02-29", "2024-03-01"),
			[]period{{"2024-02-01", "2024-02-29"}, {"2024-03-01", "2024-03-31"}}},
		{"one whole period", calendar(Monthly), rulePeriod(t, "2026-02-01", "2026-02-28"),
			[]period{{"2026-02-01", "2026-02-28"}}},
		{"one day", calendar(Annual), rulePeriod(t, "2026-12-31", "2026-12-31"),
			[]period{{"2026-01-01", "2026-12-31"}}},
		{"calendar quarterly two days", calendar(Quarterly), rulePeriod(t, "2026-03-31", "2026-04-01"),
			[]period{{"2026-01-01", "2026-03-31"}, {"2026-04-01", "2026-06-30"}}},
		{"calendar semi-annual", calendar(SemiAnnual), rulePeriod(t, "2025-12-31", "2027-01-01"),
			[]period{{"2025-07-01", "2025-12-31"}, {"2026-01-01", "2026-06-30"}, {"2026-07-01", "2026-12-31"}, {"2027-01-01", "2027-06-30"}}},
		{"calendar annual", calendar(Annual), rulePeriod(t, "2023-06-01", "2025-01-01"),
			[]period{{"2023-01-01", "2023-12-31"}, {"2024-01-01", "2024-12-31"}, {"2025-01-01", "2025-12-31"}}},
		{"anchor 31 monthly from before the anchor", anchor31, rulePeriod(t, "2026-01-01", "2026-05-31"),
			[]period{{"2025-12-31", "2026-01-30"}, {"2026-01-31", "2026-02-27"}, {"2026-02-28", "2026-03-30"},
				{"2026-03-31", "2026-04-29"}, {"2026-04-30", "2026-05-30"}, {"2026-05-31", "2026-06-29"}}},
		{"anchor Feb 29 annual", Schedule{Cycle: Annual, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2024-02-29")}, rulePeriod(t, "2024-02-29", "2028-02-29"),
			[]period{{"2024-02-29", "2025-02-27"}, {"2025-02-28", "2026-02-27"}, {"2026-02-28", "2027-02-27"},
				{"2027-02-28", "2028-02-28"}, {"2028-02-29", "2029-02-27"}}},
		{"empty span", calendar(Monthly), psa.Period{Start: ruleDate(t, "2026-02-01"), End: ruleDate(t, "2026-02-01")}, nil},
		{"zero span", calendar(Monthly), psa.Period{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []psa.Period
			for _, p := range tt.want {
				want = append(want, rulePeriod(t, p.first, p.last))
			}
			got, err := tt.s.Periods(tt.span)
			require.NoError(t, err)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Periods(%s) (-want +got):\n%s", tt.span, diff)
			}
			var seq []psa.Period
			for p := range tt.s.Seq(tt.span) {
				seq = append(seq, p)
			}
			if diff := cmp.Diff(want, seq); diff != "" {
				t.Errorf("Seq(%s) (-want +got):\n%s", tt.span, diff)
			}
		})
	}
}

func TestSchedulePeriodsInvalid(t *testing.T) {
	bad := Schedule{Cycle: Monthly, Alignment: AlignAnniversary}
	span := rulePeriod(t, "2026-01-01", "2026-12-31")
	_, err := bad.Periods(span)
	ruleRequireInvalid(t, err, "billing schedule", "anchor=")
	for p := range bad.Seq(span) {
		t.Fatalf("Seq of an invalid schedule yielded %s", p)
	}

	_, err = Schedule{Cycle: Annual, Alignment: AlignCalendar}.Periods(rulePeriod(t, "9998-06-01", "9999-06-01"))
	ruleRequireInvalid(t, err, "billing schedule", "date=9999-01-01")
	var n int
	for range (Schedule{Cycle: Annual, Alignment: AlignCalendar}).Seq(rulePeriod(t, "9998-06-01", "9999-06-01")) {
		n++
	}
	require.Equal(t, 1, n, "Seq stops before the period it cannot represent")
}

func TestScheduleSeqStops(t *testing.T) {
	s := Schedule{Cycle: Monthly, Alignment: AlignCalendar}
	var got []psa.Period
	for p := range s.Seq(rulePeriod(t, "2026-01-01", "2026-12-31")) {
		got = append(got, p)
		if len(got) == 2 {
			break
		}
	}
	want := []psa.Period{rulePeriod(t, "2026-01-01", "2026-01-31"), rulePeriod(t, "2026-02-01", "2026-02-28")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestScheduleDue(t *testing.T) {
	monthly := Schedule{Cycle: Monthly, Alignment: AlignCalendar}
	quarterly31 := Schedule{Cycle: Quarterly, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2026-01-31")}
	type due struct{ period, served [2]string }
	tests := []struct {
		name    string
		s       Schedule
		served  psa.Period
		timing  Timing
		from    string // "" for the zero Date
		runDate string
		want    []due
	}{
		{"advance: not before the first served day", monthly, ruleOpenFrom(t, "2026-01-15"), InAdvance, "", "2026-01-14", nil},
		{"advance: the first served day, partial first period", monthly, ruleOpenFrom(t, "2026-01-15"), InAdvance, "", "2026-01-15",
			[]due{{[2]string{"2026-01-01", "2026-01-31"}, [2]string{"2026-01-15", "2026-01-31"}}}},
		{"advance: next period due on its first day", monthly, ruleOpenFrom(t, "2026-01-15"), InAdvance, "", "2026-02-01",
			[]due{
				{[2]string{"2026-01-01", "2026-01-31"}, [2]string{"2026-01-15", "2026-01-31"}},
				{[2]string{"2026-02-01", "2026-02-28"}, [2]string{"2026-02-01", "2026-02-28"}},
			}},
		{"advance: from the day after the last billed period", monthly, ruleOpenFrom(t, "2026-01-15"), InAdvance, "2026-02-01", "2026-02-27",
			[]due{{[2]string{"2026-02-01", "2026-02-28"}, [2]string{"2026-02-01", "2026-02-28"}}}},
		{"advance: everything billed", monthly, ruleOpenFrom(t, "2026-01-15"), InAdvance, "2026-03-01", "2026-02-28", nil},
		{"advance: catch-up after missed runs", monthly, ruleOpenFrom(t, "2026-01-01"), InAdvance, "2026-03-01", "2026-06-01",
			[]due{
				{[2]string{"2026-03-01", "2026-03-31"}, [2]string{"2026-03-01", "2026-03-31"}},
				{[2]string{"2026-04-01", "2026-04-30"}, [2]string{"2026-04-01", "2026-04-30"}},
				{[2]string{"2026-05-01", "2026-05-31"}, [2]string{"2026-05-01", "2026-05-31"}},
				{[2]string{"2026-06-01", "2026-06-30"}, [2]string{"2026-06-01", "2026-06-30"}},
			}},
		{"advance: last period of a part that ends inside it", monthly, rulePeriod(t, "2026-01-01", "2026-02-10"), InAdvance, "2026-02-01", "2026-12-01",
			[]due{{[2]string{"2026-02-01", "2026-02-28"}, [2]string{"2026-02-01", "2026-02-10"}}}},
		{"arrears: not before the period ends", monthly, ruleOpenFrom(t, "2026-01-15"), InArrears, "", "2026-01-31", nil},
		{"arrears: partial first period due when it ends", monthly, ruleOpenFrom(t, "2026-01-15"), InArrears, "", "2026-02-01",
			[]due{{[2]string{"2026-01-01", "2026-01-31"}, [2]string{"2026-01-15", "2026-01-31"}}}},
		{"arrears: catch-up after missed runs", monthly, ruleOpenFrom(t, "2026-01-01"), InArrears, "2026-02-01", "2026-06-15",
			[]due{
				{[2]string{"2026-02-01", "2026-02-28"}, [2]string{"2026-02-01", "2026-02-28"}},
				{[2]string{"2026-03-01", "2026-03-31"}, [2]string{"2026-03-01", "2026-03-31"}},
				{[2]string{"2026-04-01", "2026-04-30"}, [2]string{"2026-04-01", "2026-04-30"}},
				{[2]string{"2026-05-01", "2026-05-31"}, [2]string{"2026-05-01", "2026-05-31"}},
			}},
		{"arrears: part stops inside a period, not yet over", monthly, rulePeriod(t, "2026-01-01", "2026-03-10"), InArrears, "2026-02-01", "2026-03-10",
			[]due{{[2]string{"2026-02-01", "2026-02-28"}, [2]string{"2026-02-01", "2026-02-28"}}}},
		{"arrears: part stops inside a period, due the day after its last day", monthly, rulePeriod(t, "2026-01-01", "2026-03-10"), InArrears, "2026-02-01", "2026-03-11",
			[]due{
				{[2]string{"2026-02-01", "2026-02-28"}, [2]string{"2026-02-01", "2026-02-28"}},
				{[2]string{"2026-03-01", "2026-03-31"}, [2]string{"2026-03-01", "2026-03-10"}},
			}},
		{"arrears: nothing after the service ended", monthly, rulePeriod(t, "2026-01-01", "2026-03-10"), InArrears, "2026-03-11", "2027-01-01", nil},
		{"arrears: one-day service", monthly, rulePeriod(t, "2026-02-28", "2026-02-28"), InArrears, "", "2026-03-01",
			[]due{{[2]string{"2026-02-01", "2026-02-28"}, [2]string{"2026-02-28", "2026-02-28"}}}},
		{"arrears: from inside a period gives it again, whole served part", monthly, rulePeriod(t, "2026-01-01", "2026-03-20"), InArrears, "2026-03-11", "2026-04-01",
			[]due{{[2]string{"2026-03-01", "2026-03-31"}, [2]string{"2026-03-01", "2026-03-20"}}}},
		{"from before the service counts as its start", monthly, rulePeriod(t, "2026-01-10", "2026-01-20"), InArrears, "2025-06-01", "2026-02-01",
			[]due{{[2]string{"2026-01-01", "2026-01-31"}, [2]string{"2026-01-10", "2026-01-20"}}}},
		{"anniversary quarterly in advance", quarterly31, ruleOpenFrom(t, "2026-01-31"), InAdvance, "", "2026-08-01",
			[]due{
				{[2]string{"2026-01-31", "2026-04-29"}, [2]string{"2026-01-31", "2026-04-29"}},
				{[2]string{"2026-04-30", "2026-07-30"}, [2]string{"2026-04-30", "2026-07-30"}},
				{[2]string{"2026-07-31", "2026-10-30"}, [2]string{"2026-07-31", "2026-10-30"}},
			}},
		{"anniversary quarterly, service before the anchor", quarterly31, ruleOpenFrom(t, "2025-12-01"), InArrears, "", "2026-05-01",
			[]due{
				{[2]string{"2025-10-31", "2026-01-30"}, [2]string{"2025-12-01", "2026-01-30"}},
				{[2]string{"2026-01-31", "2026-04-29"}, [2]string{"2026-01-31", "2026-04-29"}},
			}},
		{"run date before the service", monthly, ruleOpenFrom(t, "2026-05-01"), InAdvance, "", "2026-01-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var from psa.Date
			if tt.from != "" {
				from = ruleDate(t, tt.from)
			}
			var want []DuePeriod
			for _, d := range tt.want {
				want = append(want, DuePeriod{Period: rulePeriod(t, d.period[0], d.period[1]), Served: rulePeriod(t, d.served[0], d.served[1])})
			}
			got, err := tt.s.Due(tt.served, tt.timing, from, ruleDate(t, tt.runDate))
			require.NoError(t, err)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Due (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScheduleDueOpenEndedLongCatchUp(t *testing.T) {
	s := Schedule{Cycle: Monthly, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2000-01-31")}
	for _, timing := range []Timing{InAdvance, InArrears} {
		got, err := s.Due(ruleOpenFrom(t, "2000-01-31"), timing, psa.Date{}, ruleDate(t, "2099-12-31"))
		require.NoError(t, err)
		want := 1199 // in arrears: through the period 2099-11-30..2099-12-30, which has ended
		if timing == InAdvance {
			want = 1200 // in advance: through the period starting on the run date, 2099-12-31
		}
		require.Len(t, got, want, string(timing))
		for i, d := range got {
			require.Equal(t, ruleDate(t, "2000-01-31").AddMonths(i), d.Period.Start)
			require.Equal(t, d.Period, d.Served)
		}
	}
}

func TestScheduleDueInvalid(t *testing.T) {
	monthly := Schedule{Cycle: Monthly, Alignment: AlignCalendar}
	tests := []struct {
		name    string
		s       Schedule
		served  psa.Period
		timing  Timing
		runDate psa.Date
		fields  []string
	}{
		{"invalid schedule", Schedule{Cycle: Monthly, Alignment: AlignAnniversary}, ruleOpenFrom(t, "2026-01-01"), InAdvance, ruleDate(t, "2026-01-01"), []string{"schedule.anchor="}},
		{"unknown timing", monthly, ruleOpenFrom(t, "2026-01-01"), "later", ruleDate(t, "2026-01-01"), []string{"timing=later"}},
		{"no service start", monthly, psa.Period{}, InAdvance, ruleDate(t, "2026-01-01"), []string{"served.start="}},
		{"service end not after its start", monthly, psa.Period{Start: ruleDate(t, "2026-01-10"), End: ruleDate(t, "2026-01-10")}, InAdvance, ruleDate(t, "2026-01-01"), []string{"served.end=2026-01-10"}},
		{"no run date", monthly, ruleOpenFrom(t, "2026-01-01"), InArrears, psa.Date{}, []string{"runDate="}},
		{"every rule", Schedule{}, psa.Period{}, "", psa.Date{}, []string{"schedule.cycle=", "schedule.alignment=", "timing=", "served.start=", "runDate="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.s.Due(tt.served, tt.timing, psa.Date{}, tt.runDate)
			ruleRequireInvalid(t, err, "due periods", tt.fields...)
		})
	}
}

// TestDueRunsBillEachPeriodOnce simulates billing runs on random dates, some far apart (missed
// runs), each passing the day after the last billed period as from: every period is billed
// exactly once, in order, with no gap, and after the last run the billed periods are exactly
// those due then.
func TestDueRunsBillEachPeriodOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cycles := []Cycle{Monthly, Quarterly, SemiAnnual, Annual}
	total := 0
	defer func() {
		t.Logf("%d periods billed", total)
		if total < 3000 {
			t.Errorf("only %d periods billed: the runs exercise too little", total)
		}
	}()
	for i := range 300 {
		start := psa.ClampedDate(2020+r.IntN(5), time.Month(1+r.IntN(12)), 1+r.IntN(31))
		s := Schedule{Cycle: cycles[r.IntN(4)], Alignment: AlignCalendar}
		if r.IntN(2) == 0 {
			s = Schedule{Cycle: s.Cycle, Alignment: AlignAnniversary, Anchor: start.AddDays(r.IntN(60) - 30)}
		}
		served := psa.Period{Start: start}
		if r.IntN(2) == 0 {
			served.End = start.AddDays(1 + r.IntN(1500))
		}
		timing := []Timing{InAdvance, InArrears}[r.IntN(2)]

		var billed []DuePeriod
		var from psa.Date
		run := start.AddDays(-10)
		for range 20 {
			run = run.AddDays(r.IntN(200))
			due, err := s.Due(served, timing, from, run)
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			for _, d := range due {
				want := served.Start
				if len(billed) > 0 {
					want = billed[len(billed)-1].Served.End // no gap, no overlap
				}
				if d.Served.Start != want {
					t.Fatalf("case %d: run %s billed %+v, want it to start on %s", i, run, d, want)
				}
				billed = append(billed, d)
				from = d.Served.End
			}
		}
		all, err := s.Due(served, timing, psa.Date{}, run)
		if err != nil {
			t.Fatal(err)
		}
		total += len(billed)
		if slices.Equal(all, billed) {
			continue
		}
		if diff := cmp.Diff(all, billed); diff != "" {
			t.Fatalf("case %d %+v %s %s: runs billed (-due at the last run +billed):\n%s", i, s, served, timing, diff)
		}
	}
}

func TestRulesDoNotAllocate(t *testing.T) {
	s := Schedule{Cycle: Quarterly, Alignment: AlignAnniversary, Anchor: ruleDate(t, "2026-01-31")}
	d := ruleDate(t, "2027-05-17")
	p := rulePeriod(t, "2026-01-15", "2026-03-31")
	var sink int
	allocs := testing.AllocsPerRun(100, func() {
		got, err := s.PeriodOf(d)
		if err != nil {
			t.Fatal(err)
		}
		sink += got.Days()
		sink += ServedDays(p, ActualDays) + ServedDays(p, Thirty360)
		sink += PeriodDays(got, Quarterly, Thirty360)
	})
	require.Zero(t, allocs, "PeriodOf, ServedDays and PeriodDays allocate")
	seq := s.Seq(rulePeriod(t, "2026-01-01", "2030-12-31"))
	allocs = testing.AllocsPerRun(100, func() {
		for p := range seq {
			sink += p.Days()
		}
	})
	require.Zero(t, allocs, "ranging over Seq allocates")
	require.NotZero(t, sink)
}
