package servicedesk_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/servicedesk"
)

// billingGate asserts that err is one *client.BillingInfoError (unwrapping to
// psa.ErrPrecondition) and returns it.
func billingGate(t testing.TB, err error) *client.BillingInfoError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	bie, ok := errors.AsType[*client.BillingInfoError](err)
	require.Truef(t, ok, "error %v (%T) is not a *client.BillingInfoError", err, err)
	return bie
}

// gateClients returns the clients a billing-information error names, in order.
func gateClients(bie *client.BillingInfoError) []psa.ClientID {
	ids := make([]psa.ClientID, len(bie.Clients))
	for i, c := range bie.Clients {
		ids[i] = c.ClientID
	}
	return ids
}

// withRates gives the tenant default rates for technicians in USD and EUR.
func (e *desk) withRates(t testing.TB) {
	t.Helper()
	e.settings(t, func(s *servicedesk.Settings) {
		s.DefaultRates = []client.RateOverride{{Role: "technician", Rate: usd(t, "95.00")}, {Role: "technician", Rate: money(t, "85.00", "EUR")}}
	})
}

// entryIn returns a 30-minute entry of client id in status st, reached the way staff and billing
// reach it.
func (e *desk) entryIn(t testing.TB, id psa.ClientID, st servicedesk.EntryStatus) servicedesk.TimeEntry {
	t.Helper()
	te := e.log(t, work(t, id, 30))
	switch st {
	case servicedesk.EntrySubmitted:
	case servicedesk.EntryRejected:
		var err error
		te, err = e.svc.Reject(t.Context(), te.ID, te.Version, "wrong ticket")
		require.NoError(t, err)
	case servicedesk.EntryApproved, servicedesk.EntryBilled:
		approved, err := e.svc.Approve(t.Context(), te.ID)
		require.NoError(t, err)
		te = approved[0]
		if st == servicedesk.EntryBilled {
			te = e.setBilled(t, te.ID)
		}
	}
	require.Equal(t, st, te.Status)
	diff(t, te, e.entry(t, te.ID), "stored entry in status "+string(st))
	return te
}

// Seed 000: approving time needs the bill-to client's billing information. A batch across three
// clients, two of which lack it, is refused with ONE error naming both, and nothing is approved,
// not even the ready client's time. Once both have billing information, the same batch approves.
func TestApproveNeedsBillingInfo(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	ready := e.customer(t, "Ready Co", "USD")
	first := e.bare(t, "First Lacking", psa.ClientID{}, false)
	second := e.bare(t, "Second Lacking", psa.ClientID{}, false)
	readyTicket := e.openFor(t, ready.ID, "Printer")
	firstTicket := e.openFor(t, first.ID, "VPN")

	onTicket := func(id psa.TicketID) servicedesk.Work {
		return servicedesk.Work{TicketID: id, StaffID: staffID(1), Role: "technician", Date: day(t, "2026-05-11"), Duration: 20 * time.Minute, Billable: true}
	}
	batch := []psa.TimeEntryID{
		e.log(t, onTicket(readyTicket.ID)).ID,
		e.log(t, onTicket(firstTicket.ID)).ID,
		e.log(t, work(t, ready.ID, 45)).ID,
		e.log(t, work(t, second.ID, 60)).ID,
		e.log(t, work(t, first.ID, 15)).ID,
	}

	before := e.state(t)
	_, err := e.svc.Approve(t.Context(), batch...)
	bie := billingGate(t, err)
	diff(t, []psa.ClientID{first.ID, second.ID}, gateClients(bie), "clients lacking billing information")
	require.Equal(t, "approve time", bie.Action)
	for _, m := range bie.Clients {
		require.NotEmpty(t, m.Missing, "what %s lacks", m.Name)
		require.Empty(t, m.For, "the clients bill to themselves")
	}
	e.unchanged(t, before)
	for _, id := range batch {
		require.Equal(t, servicedesk.EntrySubmitted, e.entry(t, id).Status, "entry %s after the refusal", id)
	}

	e.addBilling(t, first.ID, "USD")
	e.addBilling(t, second.ID, "EUR")
	e.at(t, "2026-05-12 08:00")
	approved, err := e.svc.Approve(t.Context(), batch...)
	require.NoError(t, err)
	require.Len(t, approved, len(batch))
	for _, te := range approved {
		require.Equal(t, servicedesk.EntryApproved, te.Status)
		require.Equal(t, int64(2), te.Version)
		diff(t, e.now, te.ApprovedAt, "approved at")
		diff(t, te, e.entry(t, te.ID), "stored entry")
	}
	diff(t, money(t, "85.00", "EUR"), e.entry(t, batch[3]).Rate, "the EUR client's rate")
}

// A sub-organization billed to its parent uses the parent's billing information (seed 001: direct
// bill the parent), and its rate is in the parent's currency.
func TestApproveSubOrganization(t *testing.T) {
	t.Run("parent with billing information", func(t *testing.T) {
		e := newDesk(t)
		e.withRates(t)
		parent := e.customer(t, "Parent AG", "EUR")
		sub := e.bare(t, "Branch", parent.ID, true)
		te := e.log(t, work(t, sub.ID, 60))
		approved, err := e.svc.Approve(t.Context(), te.ID)
		require.NoError(t, err)
		diff(t, money(t, "85.00", "EUR"), approved[0].Rate, "rate in the parent's currency")
		require.Equal(t, servicedesk.RateDefault, approved[0].RateSource)
	})
	t.Run("parent without billing information", func(t *testing.T) {
		e := newDesk(t)
		e.withRates(t)
		parent := e.bare(t, "Parent AG", psa.ClientID{}, false)
		sub := e.bare(t, "Branch", parent.ID, true)
		te := e.log(t, work(t, sub.ID, 60))
		before := e.state(t)
		_, err := e.svc.Approve(t.Context(), te.ID)
		bie := billingGate(t, err)
		diff(t, []psa.ClientID{parent.ID}, gateClients(bie), "the bill-to client lacks billing information")
		diff(t, []psa.ClientID{sub.ID}, bie.Clients[0].For, "on behalf of the sub-organization")
		e.unchanged(t, before)
	})
	t.Run("sub-organization billed on its own", func(t *testing.T) {
		e := newDesk(t)
		e.withRates(t)
		parent := e.customer(t, "Parent AG", "EUR")
		sub := e.bare(t, "Branch", parent.ID, false)
		te := e.log(t, work(t, sub.ID, 60))
		before := e.state(t)
		_, err := e.svc.Approve(t.Context(), te.ID)
		diff(t, []psa.ClientID{sub.ID}, gateClients(billingGate(t, err)), "clients lacking billing information")
		e.unchanged(t, before)
	})
}

// Approve by status: a submitted entry is approved; an approved one is left as it is; a rejected
// one must be resubmitted first and a billed one is on an invoice: both are *EntryStateErrors that
// refuse the whole batch.
func TestApproveByStatus(t *testing.T) {
	tests := []struct {
		status servicedesk.EntryStatus
		ok     bool
	}{
		{servicedesk.EntrySubmitted, true},
		{servicedesk.EntryApproved, true},
		{servicedesk.EntryRejected, false},
		{servicedesk.EntryBilled, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			e := newDesk(t)
			e.withRates(t)
			c := e.customer(t, "Acme", "USD")
			te := e.entryIn(t, c.ID, tt.status)
			other := e.log(t, work(t, c.ID, 10))
			e.at(t, "2026-05-12 08:00")
			before := e.state(t)
			approved, err := e.svc.Approve(t.Context(), te.ID, other.ID)
			if !tt.ok {
				es := entryState(t, err)
				diff(t, &servicedesk.EntryStateError{EntryID: te.ID, Status: tt.status, Action: "approve"}, es, "entry state error")
				e.unchanged(t, before)
				return
			}
			require.NoError(t, err)
			require.Len(t, approved, 2)
			got := e.entry(t, te.ID)
			require.Equal(t, servicedesk.EntryApproved, got.Status)
			require.True(t, slices.ContainsFunc(approved, func(x servicedesk.TimeEntry) bool { return x.ID == te.ID && x.Version == got.Version }))
			if tt.status == servicedesk.EntryApproved {
				diff(t, te, got, "an approved entry approved again is left as it is")
			}
		})
	}
}

// Approving an approved entry changes nothing: not the approver, the time or the version.
func TestApproveTwiceIsNoOp(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	te := e.log(t, work(t, c.ID, 30))
	first, err := e.svc.Approve(psa.WithActor(t.Context(), "alice"), te.ID)
	require.NoError(t, err)

	e.at(t, "2026-05-13 10:00")
	e.withRates(t) // a new settings version changes nothing either
	before := e.state(t)
	again, err := e.svc.Approve(psa.WithActor(t.Context(), "bob"), te.ID)
	require.NoError(t, err)
	diff(t, first, again, "approved again")
	e.unchanged(t, before)
}

// The same entry twice in one batch is approved once, like an entry that was approved already;
// it is not a conflict.
func TestApproveSameEntryTwiceInBatch(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	te := e.log(t, work(t, c.ID, 30))
	_, err := e.svc.Approve(t.Context(), te.ID, te.ID)
	require.NoError(t, err)
	got := e.entry(t, te.ID)
	require.Equal(t, servicedesk.EntryApproved, got.Status)
	require.Equal(t, te.Version+1, got.Version, "approved once")
}

// An unknown entry refuses the whole batch.
func TestApproveUnknownEntry(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	te := e.log(t, work(t, c.ID, 30))
	before := e.state(t)
	_, err := e.svc.Approve(t.Context(), te.ID, psa.TimeEntryID{UUID: uuid.UUID{15: 0xee}})
	require.ErrorIs(t, err, psa.ErrNotFound)
	e.unchanged(t, before)
}

// ApprovedBy records the actor psa.WithActor names.
func TestApprovedBy(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	tests := []struct {
		name  string
		actor string
	}{
		{"named actor", "dispatcher"},
		{"no actor", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := e.log(t, work(t, c.ID, 30))
			ctx := t.Context()
			if tt.actor != "" {
				ctx = psa.WithActor(ctx, tt.actor)
			}
			approved, err := e.svc.Approve(ctx, te.ID)
			require.NoError(t, err)
			require.Equal(t, tt.actor, approved[0].ApprovedBy)
			require.Equal(t, tt.actor, e.entry(t, te.ID).ApprovedBy)
			diff(t, e.now, approved[0].ApprovedAt, "approved at")
		})
	}
}

// A rejected entry is approved only after it is resubmitted, which clears the reason.
func TestRejectResubmitApprove(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	te := e.log(t, work(t, c.ID, 30))

	rejected, err := e.svc.Reject(t.Context(), te.ID, te.Version, "logged on the wrong ticket")
	require.NoError(t, err)
	require.Equal(t, servicedesk.EntryRejected, rejected.Status)
	require.Equal(t, "logged on the wrong ticket", rejected.RejectReason)
	require.Equal(t, te.Version+1, rejected.Version)
	diff(t, rejected, e.entry(t, te.ID), "stored rejected entry")

	before := e.state(t)
	_, err = e.svc.Approve(t.Context(), te.ID)
	diff(t, &servicedesk.EntryStateError{EntryID: te.ID, Status: servicedesk.EntryRejected, Action: "approve"}, entryState(t, err), "entry state error")
	e.unchanged(t, before)

	resubmitted, err := e.svc.Resubmit(t.Context(), te.ID, rejected.Version)
	require.NoError(t, err)
	require.Equal(t, servicedesk.EntrySubmitted, resubmitted.Status)
	require.Empty(t, resubmitted.RejectReason)
	diff(t, resubmitted, e.entry(t, te.ID), "stored resubmitted entry")

	approved, err := e.svc.Approve(t.Context(), te.ID)
	require.NoError(t, err)
	require.Equal(t, servicedesk.EntryApproved, approved[0].Status)
}

// Reject needs a reason and a submitted entry.
func TestRejectRefused(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	tests := []struct {
		name   string
		status servicedesk.EntryStatus
		reason string
		fields []string // invalid fields, or nil for an EntryStateError
	}{
		{"no reason", servicedesk.EntrySubmitted, "", []string{"reason="}},
		{"blank reason", servicedesk.EntrySubmitted, " \n", []string{"reason= \n"}},
		{"approved entry", servicedesk.EntryApproved, "late", nil},
		{"rejected entry", servicedesk.EntryRejected, "again", nil},
		{"billed entry", servicedesk.EntryBilled, "too late", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := e.entryIn(t, c.ID, tt.status)
			before := e.state(t)
			_, err := e.svc.Reject(t.Context(), te.ID, te.Version, tt.reason)
			if tt.fields != nil {
				diff(t, tt.fields, invalid(t, err, "time entry"), "invalid fields")
			} else {
				diff(t, &servicedesk.EntryStateError{EntryID: te.ID, Status: tt.status, Action: "reject"}, entryState(t, err), "entry state error")
			}
			e.unchanged(t, before)
		})
	}
}

// Resubmit applies only to a rejected entry.
func TestResubmitRefused(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	for _, st := range []servicedesk.EntryStatus{servicedesk.EntrySubmitted, servicedesk.EntryApproved, servicedesk.EntryBilled} {
		t.Run(string(st), func(t *testing.T) {
			te := e.entryIn(t, c.ID, st)
			before := e.state(t)
			_, err := e.svc.Resubmit(t.Context(), te.ID, te.Version)
			diff(t, &servicedesk.EntryStateError{EntryID: te.ID, Status: st, Action: "resubmit"}, entryState(t, err), "entry state error")
			e.unchanged(t, before)
		})
	}
}

// UpdateTime edits a submitted or rejected entry (which stays rejected until resubmitted);
// approved and billed entries are refused.
func TestUpdateTime(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	tests := []struct {
		status servicedesk.EntryStatus
		ok     bool
	}{
		{servicedesk.EntrySubmitted, true},
		{servicedesk.EntryRejected, true},
		{servicedesk.EntryApproved, false},
		{servicedesk.EntryBilled, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			te := e.entryIn(t, c.ID, tt.status)
			w := work(t, c.ID, 45)
			w.Note = "corrected"
			before := e.state(t)
			got, err := e.svc.UpdateTime(t.Context(), te.ID, te.Version, w)
			if !tt.ok {
				diff(t, &servicedesk.EntryStateError{EntryID: te.ID, Status: tt.status, Action: "edit"}, entryState(t, err), "entry state error")
				e.unchanged(t, before)
				return
			}
			require.NoError(t, err)
			want := te
			want.Work, want.Version, want.UpdatedAt = w, te.Version+1, e.now
			diff(t, want, got, "updated entry")
			diff(t, want, e.entry(t, te.ID), "stored entry")
		})
	}

	t.Run("invalid work", func(t *testing.T) {
		te := e.entryIn(t, c.ID, servicedesk.EntrySubmitted)
		w := work(t, c.ID, 45)
		w.Duration = -time.Minute
		before := e.state(t)
		_, err := e.svc.UpdateTime(t.Context(), te.ID, te.Version, w)
		diff(t, []string{"duration=-1m0s"}, invalid(t, err, "time entry"), "invalid fields")
		e.unchanged(t, before)
	})
}

// Unapprove puts an approved entry back to submitted and clears what approval fixed; an entry an
// invoice has claimed cannot be unapproved. Approved again, it takes the rate in force then.
func TestUnapprove(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")

	t.Run("approved", func(t *testing.T) {
		te := e.entryIn(t, c.ID, servicedesk.EntryApproved)
		require.Equal(t, servicedesk.RateDefault, te.RateSource)
		e.at(t, "2026-05-12 10:00")
		got, err := e.svc.Unapprove(t.Context(), te.ID, te.Version)
		require.NoError(t, err)
		want := te
		want.Status, want.BillableDuration, want.Rate, want.RateSource, want.ApprovedBy, want.ApprovedAt = servicedesk.EntrySubmitted, 0, psa.Money{}, "", "", time.Time{}
		want.Version, want.UpdatedAt = te.Version+1, e.now
		diff(t, want, got, "unapproved entry")
		diff(t, want, e.entry(t, te.ID), "stored entry")

		e.settings(t, func(s *servicedesk.Settings) {
			s.DefaultRates = []client.RateOverride{{Role: "technician", Rate: usd(t, "99.00")}}
		})
		again, err := e.svc.Approve(t.Context(), te.ID)
		require.NoError(t, err)
		diff(t, usd(t, "99.00"), again[0].Rate, "rate on the second approval")
	})
	for _, st := range []servicedesk.EntryStatus{servicedesk.EntrySubmitted, servicedesk.EntryRejected, servicedesk.EntryBilled} {
		t.Run(string(st), func(t *testing.T) {
			te := e.entryIn(t, c.ID, st)
			before := e.state(t)
			_, err := e.svc.Unapprove(t.Context(), te.ID, te.Version)
			diff(t, &servicedesk.EntryStateError{EntryID: te.ID, Status: st, Action: "unapprove"}, entryState(t, err), "entry state error")
			e.unchanged(t, before)
		})
	}
}

// Every change of an entry names the version it read: a stale one is a
// *psa.VersionConflictError (psa.ErrConflict) and changes nothing.
func TestTimeEntryStaleVersion(t *testing.T) {
	e := newDesk(t)
	e.withRates(t)
	c := e.customer(t, "Acme", "USD")
	tests := []struct {
		name   string
		status servicedesk.EntryStatus
		op     func(id psa.TimeEntryID, version int64) error
	}{
		{"update", servicedesk.EntrySubmitted, func(id psa.TimeEntryID, v int64) error {
			_, err := e.svc.UpdateTime(t.Context(), id, v, work(t, c.ID, 10))
			return err
		}},
		{"reject", servicedesk.EntrySubmitted, func(id psa.TimeEntryID, v int64) error {
			_, err := e.svc.Reject(t.Context(), id, v, "no")
			return err
		}},
		{"resubmit", servicedesk.EntryRejected, func(id psa.TimeEntryID, v int64) error {
			_, err := e.svc.Resubmit(t.Context(), id, v)
			return err
		}},
		{"unapprove", servicedesk.EntryApproved, func(id psa.TimeEntryID, v int64) error {
			_, err := e.svc.Unapprove(t.Context(), id, v)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := e.entryIn(t, c.ID, tt.status)
			before := e.state(t)
			for _, v := range []int64{te.Version - 1, te.Version + 1} {
				err := tt.op(te.ID, v)
				require.ErrorIs(t, err, psa.ErrConflict)
				vc, ok := errors.AsType[*psa.VersionConflictError](err)
				require.Truef(t, ok, "error %v (%T) is not a *psa.VersionConflictError", err, err)
				diff(t, [2]int64{v, te.Version}, [2]int64{vc.Given, vc.Stored}, "given and stored versions")
			}
			e.unchanged(t, before)
			require.NoError(t, tt.op(te.ID, te.Version), "the stored version is accepted")
		})
	}
}
