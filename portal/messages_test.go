package portal_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/staff"
)

// staffMember stores an active staff member named name, holding the technician level.
func (w *world) staffMember(name string) psa.StaffID {
	w.t.Helper()
	svc := staff.NewService(memstore.Runner[staff.Tx](w.store), nil)
	m, err := svc.CreateMember(w.ctx, staff.Member{Name: name, LevelID: staff.TechnicianLevel().ID, Active: true})
	require.NoError(w.t, err)
	return m.ID
}

// TestReplySubjects: a reply to any valid message works: its subject is the message's with one
// "Re: " before it (never "Re: Re: "), cut to MaxSubjectLength characters.
func TestReplySubjects(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	bob := w.user(w.newContact(acme, "Bob", "bob@acme.example"), portal.ExternalUser().ID, false)
	long := strings.Repeat("é", portal.MaxSubjectLength)

	for _, tc := range []struct{ subject, want string }{
		{"Printer", "Re: Printer"},
		{"Re: Printer", "Re: Printer"},
		{"RE: Printer", "Re: Printer"},
		{"Re: Re: Printer", "Re: Printer"},
		{"re:Printer", "Re: Printer"},
		{"Re : re: Printer", "Re: Printer"},
		{"Regarding the printer", "Re: Regarding the printer"},
		{long[:2*196], "Re: " + long[:2*196]},
		{long[:2*197], "Re: " + long[:2*196]},
		{long[:2*199], "Re: " + long[:2*196]},
		{long, "Re: " + long[:2*196]},
		{"Re: " + long[:2*196], "Re: " + long[:2*196]},
	} {
		sent, err := w.portal.Send(w.ctx, ann.AccountID, portal.Draft{To: []portal.Party{{Account: bob.AccountID}}, Subject: tc.subject})
		require.NoError(t, err, "send %q", tc.subject)
		inbox, err := w.portal.Messages(w.ctx, bob.AccountID, portal.FolderInbox)
		require.NoError(t, err)
		reply, err := w.portal.Reply(w.ctx, bob.AccountID, inbox[0].ID, "ok", true)
		require.NoError(t, err, "reply to a subject of %d characters", utf8.RuneCountInString(tc.subject))
		require.Equal(t, tc.want, reply.Subject)
		require.LessOrEqual(t, utf8.RuneCountInString(reply.Subject), portal.MaxSubjectLength)
		// Replying to one's own sent message works as well.
		again, err := w.portal.Reply(w.ctx, ann.AccountID, sent.ID, "and?", false)
		require.NoError(t, err)
		require.Equal(t, tc.want, again.Subject)
	}
}

// TestMessagesToUnknownStaffRefused: a message to a staff ID that names no active staff member is
// refused like one to an unknown portal user, and nothing is stored.
func TestMessagesToUnknownStaffRefused(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	known := w.staffMember("Tess Tech")
	unknown := psa.StaffID{UUID: uuid.UUID{0: 9, 15: 99}}

	_, err := w.portal.Send(w.ctx, ann.AccountID, portal.Draft{To: []portal.Party{{Staff: known}, {Staff: unknown}}, Subject: "hello"})
	require.ErrorIs(t, err, psa.ErrInvalid)
	require.ErrorContains(t, err, "to[1]")
	require.NotContains(t, err.Error(), "to[0]")
	_, err = w.portal.SaveDraft(w.ctx, ann.AccountID, psa.MessageID{}, 0, portal.Draft{To: []portal.Party{{Staff: unknown}}})
	require.ErrorIs(t, err, psa.ErrInvalid, "a draft to an unknown staff member")
	_, err = w.portal.StaffSend(w.ctx, known, portal.Draft{To: []portal.Party{{Staff: unknown}}, Subject: "hello"})
	require.ErrorIs(t, err, psa.ErrInvalid, "staff to an unknown staff member")
	sent, err := w.portal.Messages(w.ctx, ann.AccountID, portal.FolderSent)
	require.NoError(t, err)
	require.Empty(t, sent)
	drafts, err := w.portal.Messages(w.ctx, ann.AccountID, portal.FolderDrafts)
	require.NoError(t, err)
	require.Empty(t, drafts)

	_, err = w.portal.Send(w.ctx, ann.AccountID, portal.Draft{To: []portal.Party{{Staff: known}}, Subject: "hello"})
	require.NoError(t, err)
}

// TestStaffMessageHidesOtherClientsRecipients: a staff message to users of several clients
// shows each user the recipients of their own client and staff, never another client's users.
func TestStaffMessageHidesOtherClientsRecipients(t *testing.T) {
	w := newWorld(t)
	acme, other := w.newClient("Acme", psa.ClientID{}), w.newClient("Other", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	bob := w.user(w.newContact(acme, "Bob", "bob@acme.example"), portal.ExternalUser().ID, false)
	sam := w.user(w.newContact(other, "Sam", "sam@other.example"), portal.ExternalUser().ID, false)
	tess, tom := w.staffMember("Tess Tech"), w.staffMember("Tom Tech")
	to := []portal.Party{{Account: ann.AccountID}, {Account: sam.AccountID}, {Staff: tom}, {Account: bob.AccountID}}

	sent, err := w.portal.StaffSend(w.ctx, tess, portal.Draft{To: to, Subject: "Maintenance", Body: "Friday 6pm"})
	require.NoError(t, err)
	diff(t, to, sent.To, "the sender's copy")
	for _, c := range []struct {
		who  portal.Principal
		want []portal.Party
	}{
		{ann, []portal.Party{{Account: ann.AccountID}, {Staff: tom}, {Account: bob.AccountID}}},
		{bob, []portal.Party{{Account: ann.AccountID}, {Staff: tom}, {Account: bob.AccountID}}},
		{sam, []portal.Party{{Account: sam.AccountID}, {Staff: tom}}},
	} {
		inbox, err := w.portal.Messages(w.ctx, c.who.AccountID, portal.FolderInbox)
		require.NoError(t, err)
		require.Len(t, inbox, 1)
		diff(t, c.want, inbox[0].To, c.who.Username+"'s copy")
	}
	staffInbox, err := w.portal.StaffMessages(w.ctx, tom, portal.FolderInbox)
	require.NoError(t, err)
	require.Len(t, staffInbox, 1)
	diff(t, to, staffInbox[0].To, "a staff recipient's copy")
}
