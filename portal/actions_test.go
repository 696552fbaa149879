package portal_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

func TestOpenTicket(t *testing.T) {
	w := newWorld(t)
	set, err := w.desk.Settings(w.ctx)
	require.NoError(t, err)
	set.Categories = []string{"Hardware", "Software", "Billing"}
	_, err = w.desk.PutSettings(w.ctx, set)
	require.NoError(t, err)
	c := w.newClient("Acme", psa.ClientID{})
	c, err = w.clients.SetSettings(w.ctx, c.ID, c.Version, client.Settings{PortalTicketCategories: []string{"Hardware", "Software"}})
	require.NoError(t, err)
	ann := w.newContact(c, "Ann", "ann@acme.example")
	bob := w.newContact(c, "Bob", "bob@acme.example")
	user := w.user(ann, portal.ExternalUser().ID, false)
	boss := w.user(bob, portal.ExternalManager().ID, false)

	for _, tc := range []struct {
		name   string
		who    portal.Principal
		in     portal.NewTicket
		fields []string // the fields refused, nil for success
		forbid bool
	}{
		{"quick ticket, contact defaults to the user", user, portal.NewTicket{Fields: servicedesk.Fields{Title: "Printer jam", Category: "hardware"}}, nil, false},
		{"quick form has no site", user, portal.NewTicket{Fields: servicedesk.Fields{Title: "x", Site: "HQ", IssueType: "Printer"}}, []string{"site", "issueType"}, false},
		{"category the client may not choose", user, portal.NewTicket{Fields: servicedesk.Fields{Title: "x", Category: "Billing"}}, []string{"category"}, false},
		{"full form for a manager", boss, portal.NewTicket{Fields: servicedesk.Fields{Title: "Server down", Site: "HQ", IssueType: "Server", Priority: servicedesk.High}}, nil, false},
		{"a manager opens a ticket for a colleague", boss, portal.NewTicket{ContactID: ann.ID, Fields: servicedesk.Fields{Title: "For Ann"}}, nil, false},
		{"a user may not open one for a colleague", user, portal.NewTicket{ContactID: bob.ID, Fields: servicedesk.Fields{Title: "For Bob"}}, nil, true},
		{"title required", boss, portal.NewTicket{}, []string{"title"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := w.desk.List(w.ctx, c.ID, psa.PageRequest{})
			require.NoError(t, err)
			tk, err := w.portal.OpenTicket(w.ctx, tc.who.AccountID, tc.in)
			after, lerr := w.desk.List(w.ctx, c.ID, psa.PageRequest{})
			require.NoError(t, lerr)
			switch {
			case tc.forbid:
				require.ErrorIs(t, err, psa.ErrForbidden)
				require.Len(t, after.Items, len(before.Items))
			case tc.fields != nil:
				ve, ok := errors.AsType[*psa.ValidationError](err)
				require.True(t, ok, "got %v", err)
				var got []string
				for _, f := range ve.Fields {
					got = append(got, f.Field)
				}
				diff(t, tc.fields, got, "refused fields")
				require.Len(t, after.Items, len(before.Items), "a refused ticket was stored")
			default:
				require.NoError(t, err)
				require.Equal(t, servicedesk.SourcePortal, tk.Source)
				want := tc.in.ContactID
				if psa.IsNil(want) {
					want = tc.who.ContactID
				}
				require.Equal(t, want, tk.ContactID)
				require.Equal(t, c.ID, tk.ClientID)
				if tc.in.Priority == "" {
					require.Equal(t, servicedesk.Medium, tk.Priority)
				}
			}
		})
	}
	diff(t, portal.QuickTicketFields(), portal.TicketForm(portal.ExternalUser()), "External User's form")
	diff(t, portal.FullTicketFields(), portal.TicketForm(portal.ExternalManager()), "External Manager's form")
}

func TestAddNoteAndCounts(t *testing.T) {
	w := newWorld(t)
	c := w.newClient("Acme", psa.ClientID{})
	ann := w.newContact(c, "Ann", "ann@acme.example")
	bob := w.newContact(c, "Bob", "bob@acme.example")
	user := w.user(ann, portal.ExternalUser().ID, false)
	mine := w.ticket(c.ID, ann.ID, "mine")
	other := w.ticket(c.ID, bob.ID, "Bob's")
	closed := w.ticket(c.ID, ann.ID, "done")
	_, err := w.desk.SetStatus(w.ctx, closed.ID, closed.Version, servicedesk.StatusClosed)
	require.NoError(t, err)

	n, err := w.portal.AddNote(w.ctx, user.AccountID, mine.ID, "Any news?")
	require.NoError(t, err)
	require.True(t, n.Public)
	require.Equal(t, ann.ID, n.ContactID)
	d, err := w.portal.Ticket(w.ctx, user.AccountID, mine.ID)
	require.NoError(t, err)
	require.Len(t, d.Notes, 1)

	_, err = w.portal.AddNote(w.ctx, user.AccountID, other.ID, "peek")
	require.ErrorIs(t, err, psa.ErrNotFound, "an External User sees only their own tickets")
	_, err = w.portal.AddNote(w.ctx, user.AccountID, mine.ID, "   ")
	require.ErrorIs(t, err, psa.ErrInvalid)

	counts, err := w.portal.TicketCounts(w.ctx, user.AccountID)
	require.NoError(t, err)
	diff(t, portal.TicketCounts{Open: 1, Total: 2, ByStatus: map[servicedesk.Status]int{servicedesk.StatusNew: 1, servicedesk.StatusClosed: 1}}, counts, "counts")
}

func TestProfile(t *testing.T) {
	w := newWorld(t)
	c := w.newClient("Acme", psa.ClientID{})
	ann := w.newContact(c, "Ann", "ann@acme.example")
	p := w.user(ann, portal.ExternalUser().ID, false)
	phone := "+1 555 0100"

	prof, err := w.portal.Profile(w.ctx, p.AccountID)
	require.NoError(t, err)
	require.Empty(t, prof.Fields, "without a self-managed profile no field is editable")
	_, err = w.portal.UpdateProfile(w.ctx, p.AccountID, prof.ContactVersion, portal.ProfileChange{Phone: &phone})
	fe, ok := errors.AsType[*portal.ForbiddenError](err)
	require.True(t, ok, "got %v", err)
	require.Contains(t, fe.Action, "phone")

	c, err = w.clients.Get(w.ctx, c.ID)
	require.NoError(t, err)
	_, err = w.clients.SetSettings(w.ctx, c.ID, c.Version, client.Settings{SelfManagedProfile: true})
	require.NoError(t, err)
	prof, err = w.portal.UpdateProfile(w.ctx, p.AccountID, prof.ContactVersion, portal.ProfileChange{Phone: &phone})
	require.NoError(t, err)
	require.Equal(t, phone, prof.Phone)
	diff(t, client.ProfileFields, prof.Fields, "editable fields")
	_, err = w.portal.UpdateProfile(w.ctx, p.AccountID, prof.ContactVersion-1, portal.ProfileChange{Phone: &phone})
	require.ErrorIs(t, err, psa.ErrConflict)

	prof, err = w.portal.SetPreferences(w.ctx, p.AccountID, prof.AccountVersion, portal.Preferences{Photo: portal.StoragePrefix(c.ID) + "photos/ann.PNG", LandingPage: portal.PageMyTickets})
	require.NoError(t, err)
	require.Equal(t, portal.StoragePrefix(c.ID)+"photos/ann.PNG", prof.Photo)
	require.Equal(t, portal.PageMyTickets, prof.LandingPage)
	_, err = w.portal.SetPreferences(w.ctx, p.AccountID, prof.AccountVersion, portal.Preferences{LandingPage: portal.PageInvoices})
	require.ErrorIs(t, err, psa.ErrForbidden, "an External User cannot land on invoices")
	_, err = w.portal.SetPreferences(w.ctx, p.AccountID, prof.AccountVersion, portal.Preferences{Photo: portal.StoragePrefix(c.ID) + "ann.exe"})
	require.ErrorIs(t, err, psa.ErrInvalid)
	prof, err = w.portal.SetNotes(w.ctx, p.AccountID, prof.AccountVersion, "call the vendor")
	require.NoError(t, err)
	dash, err := w.portal.Dashboard(w.ctx, p.AccountID)
	require.NoError(t, err)
	require.Equal(t, "call the vendor", dash.Notes)
}

func TestManageUser(t *testing.T) {
	w := newWorld(t)
	c, other := w.newClient("Acme", psa.ClientID{}), w.newClient("Other", psa.ClientID{})
	admins, err := w.portal.PutRole(w.ctx, portal.Role{Name: "Client admin", Permissions: portal.Permissions{ManageUsers: true}})
	require.NoError(t, err)
	ann := w.newContact(c, "Ann", "ann@acme.example")
	bob := w.newContact(c, "Bob", "bob@acme.example")
	stranger := w.newContact(other, "Sam", "sam@other.example")
	admin := w.user(ann, admins.ID, false)
	plain := w.user(w.newContact(c, "Cid", "cid@acme.example"), portal.ExternalUser().ID, false)

	a, err := w.portal.ManageUser(w.ctx, admin.AccountID, bob.ID, true)
	require.NoError(t, err)
	require.True(t, a.HasAccess)
	require.False(t, a.PasswordSet, "invited")
	require.Equal(t, portal.ExternalUser().ID, a.RoleID)
	require.Equal(t, portal.ExternalUser().Name, a.Role)
	require.Equal(t, "bob@acme.example", w.mail.last(t).Username)
	_, err = w.portal.ManageUser(w.ctx, admin.AccountID, stranger.ID, true)
	require.ErrorIs(t, err, psa.ErrNotFound)
	_, err = w.portal.ManageUser(w.ctx, admin.AccountID, ann.ID, false)
	require.ErrorIs(t, err, psa.ErrForbidden)
	_, err = w.portal.ManageUser(w.ctx, plain.AccountID, bob.ID, false)
	require.ErrorIs(t, err, psa.ErrForbidden)
	users, err := w.portal.OrganizationUsers(w.ctx, admin.AccountID)
	require.NoError(t, err)
	require.Len(t, users, 3)
	a, err = w.portal.ManageUser(w.ctx, admin.AccountID, bob.ID, false)
	require.NoError(t, err)
	require.False(t, a.HasAccess)
}

func TestMessages(t *testing.T) {
	w := newWorld(t)
	c, other := w.newClient("Acme", psa.ClientID{}), w.newClient("Other", psa.ClientID{})
	ann := w.user(w.newContact(c, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	bob := w.user(w.newContact(c, "Bob", "bob@acme.example"), portal.ExternalUser().ID, false)
	sam := w.user(w.newContact(other, "Sam", "sam@other.example"), portal.ExternalUser().ID, false)
	staff := w.staffMember("Tess Tech")

	in, err := w.portal.StaffSend(w.ctx, staff, portal.Draft{To: []portal.Party{{Account: ann.AccountID}}, Subject: "Maintenance", Body: "Friday 6pm"})
	require.NoError(t, err)
	require.Equal(t, portal.FolderSent, in.Folder)
	n, err := w.portal.UnreadCount(w.ctx, ann.AccountID)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	inbox, err := w.portal.Messages(w.ctx, ann.AccountID, portal.FolderInbox)
	require.NoError(t, err)
	require.Len(t, inbox, 1)
	got, err := w.portal.ReadMessage(w.ctx, ann.AccountID, inbox[0].ID)
	require.NoError(t, err)
	require.True(t, got.Read)
	n, err = w.portal.UnreadCount(w.ctx, ann.AccountID)
	require.NoError(t, err)
	require.Zero(t, n)

	_, err = w.portal.ReadMessage(w.ctx, bob.AccountID, inbox[0].ID)
	require.ErrorIs(t, err, psa.ErrNotFound, "Bob reads Ann's mailbox")
	require.ErrorIs(t, w.portal.DeleteMessages(w.ctx, bob.AccountID, inbox[0].ID), psa.ErrNotFound)

	reply, err := w.portal.Reply(w.ctx, ann.AccountID, inbox[0].ID, "Thanks", true)
	require.NoError(t, err)
	require.Equal(t, "Re: Maintenance", reply.Subject)
	staffInbox, err := w.portal.StaffMessages(w.ctx, staff, portal.FolderInbox)
	require.NoError(t, err)
	require.Len(t, staffInbox, 1)
	require.Equal(t, portal.Party{Account: ann.AccountID}, staffInbox[0].From)

	_, err = w.portal.Send(w.ctx, ann.AccountID, portal.Draft{To: []portal.Party{{Account: sam.AccountID}}, Subject: "hi"})
	require.ErrorIs(t, err, psa.ErrInvalid, "another client's user is not a recipient")

	draft, err := w.portal.SaveDraft(w.ctx, ann.AccountID, psa.MessageID{}, 0, portal.Draft{Subject: "Lunch?"})
	require.NoError(t, err)
	require.Equal(t, portal.FolderDrafts, draft.Folder)
	_, err = w.portal.SendDraft(w.ctx, ann.AccountID, draft.ID, draft.Version)
	require.ErrorIs(t, err, psa.ErrInvalid, "a draft without recipients cannot be sent")
	draft, err = w.portal.SaveDraft(w.ctx, ann.AccountID, draft.ID, draft.Version, portal.Draft{To: []portal.Party{{Account: bob.AccountID}}, Subject: "Lunch?"})
	require.NoError(t, err)
	sent, err := w.portal.SendDraft(w.ctx, ann.AccountID, draft.ID, draft.Version)
	require.NoError(t, err)
	require.Equal(t, portal.FolderSent, sent.Folder)
	bobs, err := w.portal.Messages(w.ctx, bob.AccountID, portal.FolderInbox)
	require.NoError(t, err)
	require.Len(t, bobs, 1)

	require.NoError(t, w.portal.Star(w.ctx, bob.AccountID, true, bobs[0].ID))
	require.NoError(t, w.portal.Archive(w.ctx, bob.AccountID, bobs[0].ID))
	for folder, want := range map[portal.Folder]int{portal.FolderInbox: 0, portal.FolderArchive: 1, portal.FolderStarred: 1} {
		got, err := w.portal.Messages(w.ctx, bob.AccountID, folder)
		require.NoError(t, err)
		require.Len(t, got, want, folder)
	}
	require.NoError(t, w.portal.MoveToInbox(w.ctx, bob.AccountID, bobs[0].ID))
	require.NoError(t, w.portal.DeleteMessages(w.ctx, bob.AccountID, bobs[0].ID))
	bobs, err = w.portal.Messages(w.ctx, bob.AccountID, portal.FolderInbox)
	require.NoError(t, err)
	require.Empty(t, bobs)
	annSent, err := w.portal.Messages(w.ctx, ann.AccountID, portal.FolderSent)
	require.NoError(t, err)
	require.Len(t, annSent, 2, "deleting a copy leaves the sender's")
}

func TestParseDue(t *testing.T) {
	monday := psa.NewDate(2026, time.May, 11)
	for _, tc := range []struct {
		in   string
		want psa.Date
		bad  bool
	}{
		{"", psa.Date{}, false},
		{"today", monday, false},
		{" Tomorrow ", monday.AddDays(1), false},
		{"wednesday", monday.AddDays(2), false},
		{"FRI", monday.AddDays(4), false},
		{"sunday", monday.AddDays(6), false},
		{"monday", monday.AddDays(7), false},
		{"2026-06-01", psa.NewDate(2026, time.June, 1), false},
		{"2026-02-30", psa.Date{}, true},
		{"next week", psa.Date{}, true},
		{"mo", psa.Date{}, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := portal.ParseDue(tc.in, monday)
			if tc.bad {
				require.ErrorIs(t, err, psa.ErrInvalid)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func FuzzParseDue(f *testing.F) {
	for _, s := range []string{"today", "tomorrow", "friday", "2026-03-31", "", "x"} {
		f.Add(s)
	}
	today := psa.NewDate(2026, time.May, 11)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := portal.ParseDue(s, today)
		if err != nil {
			require.ErrorIs(t, err, psa.ErrInvalid)
			return
		}
		if !d.IsZero() && d.Before(today) {
			if _, perr := psa.ParseDate(s); perr != nil {
				t.Fatalf("%q gave %s, before today, without being a date", s, d)
			}
		}
	})
}

func TestTodosAndNews(t *testing.T) {
	w := newWorld(t)
	c := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(c, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	bob := w.user(w.newContact(c, "Bob", "bob@acme.example"), portal.ExternalUser().ID, false)

	later, err := w.portal.AddTodo(w.ctx, ann.AccountID, "renew certificate", "")
	require.NoError(t, err)
	cert, err := w.portal.AddTodo(w.ctx, ann.AccountID, "check on certification for site install", "tomorrow")
	require.NoError(t, err)
	require.Equal(t, psa.NewDate(2026, time.May, 12), cert.Due)
	today, err := w.portal.AddTodo(w.ctx, ann.AccountID, "call back", "today")
	require.NoError(t, err)
	_, err = w.portal.AddTodo(w.ctx, ann.AccountID, "x", "someday")
	require.ErrorIs(t, err, psa.ErrInvalid)

	_, err = w.portal.SetTodoDone(w.ctx, ann.AccountID, today.ID, true)
	require.NoError(t, err)
	list, err := w.portal.Todos(w.ctx, ann.AccountID)
	require.NoError(t, err)
	diff(t, []portal.TodoID{cert.ID, later.ID}, ids(list.ToDo, func(t portal.Todo) portal.TodoID { return t.ID }), "to do")
	diff(t, []portal.TodoID{today.ID}, ids(list.Done, func(t portal.Todo) portal.TodoID { return t.ID }), "already done")
	_, err = w.portal.SetTodoDone(w.ctx, ann.AccountID, today.ID, false)
	require.NoError(t, err)
	list, err = w.portal.Todos(w.ctx, ann.AccountID)
	require.NoError(t, err)
	require.Len(t, list.ToDo, 3)

	_, err = w.portal.SetTodoDone(w.ctx, bob.AccountID, today.ID, true)
	require.ErrorIs(t, err, psa.ErrNotFound, "Bob ticks Ann's item")
	require.ErrorIs(t, w.portal.DeleteTodo(w.ctx, bob.AccountID, today.ID), psa.ErrNotFound)
	require.NoError(t, w.portal.DeleteTodo(w.ctx, ann.AccountID, today.ID))
	list, err = w.portal.Todos(w.ctx, ann.AccountID)
	require.NoError(t, err)
	require.Len(t, list.ToDo, 2)

	_, err = w.portal.PublishNews(w.ctx, portal.NewsItem{Title: "New office", PublishAt: t0.Add(-time.Hour)})
	require.NoError(t, err)
	_, err = w.portal.PublishNews(w.ctx, portal.NewsItem{Title: "Next week", PublishAt: t0.Add(7 * 24 * time.Hour)})
	require.NoError(t, err)
	draft, err := w.portal.PublishNews(w.ctx, portal.NewsItem{Title: "Unpublished"})
	require.NoError(t, err)
	news, err := w.portal.News(w.ctx, ann.AccountID)
	require.NoError(t, err)
	diff(t, []string{"New office"}, ids(news, func(n portal.NewsItem) string { return n.Title }), "news")
	require.NoError(t, w.portal.DeleteNews(w.ctx, draft.ID))
	require.ErrorIs(t, w.portal.DeleteNews(w.ctx, draft.ID), psa.ErrNotFound)
	w.clock.advance(8 * 24 * time.Hour)
	dash, err := w.portal.Dashboard(w.ctx, ann.AccountID)
	require.NoError(t, err)
	diff(t, []string{"Next week", "New office"}, ids(dash.News, func(n portal.NewsItem) string { return n.Title }), "dashboard news")
}

func TestKnowledgeBase(t *testing.T) {
	w := newWorld(t)
	acme, other := w.newClient("Acme", psa.ClientID{}), w.newClient("Other", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)
	sam := w.user(w.newContact(other, "Sam", "sam@other.example"), portal.ExternalUser().ID, false)
	put := func(a portal.Article) portal.Article {
		a, err := w.portal.CreateArticle(w.ctx, a)
		require.NoError(t, err)
		return a
	}
	vpn := put(portal.Article{Title: "Connect to the VPN", Body: "Open the client and sign in.", Visibility: portal.AllClients})
	printer := put(portal.Article{Title: "Acme printer setup", Body: "Add the printer on floor 2.", Keywords: []string{"toner"}, Visibility: portal.SelectedClients, ClientIDs: []psa.ClientID{acme.ID}})
	internal := put(portal.Article{Title: "Firewall admin password rotation", Body: "Internal runbook.", Visibility: portal.Internal})
	_, err := w.portal.CreateArticle(w.ctx, portal.Article{Title: "x", Visibility: portal.SelectedClients})
	require.ErrorIs(t, err, psa.ErrInvalid)

	for _, tc := range []struct {
		who   portal.Principal
		query string
		want  []string
	}{
		{ann, "", []string{printer.Title, vpn.Title}},
		{sam, "", []string{vpn.Title}},
		{ann, "TONER", []string{printer.Title}},
		{ann, "printer floor", []string{printer.Title}},
		{ann, "password", nil},
		{sam, "printer", nil},
	} {
		got, err := w.portal.Articles(w.ctx, tc.who.AccountID, tc.query)
		require.NoError(t, err)
		diff(t, tc.want, ids(got, func(a portal.ArticleView) string { return a.Title }), tc.who.Username+" searching "+tc.query)
	}
	_, err = w.portal.Article(w.ctx, sam.AccountID, printer.ID)
	require.ErrorIs(t, err, psa.ErrNotFound)
	_, err = w.portal.Article(w.ctx, ann.AccountID, internal.ID)
	require.ErrorIs(t, err, psa.ErrNotFound)
	got, err := w.portal.Article(w.ctx, ann.AccountID, printer.ID)
	require.NoError(t, err)
	require.Equal(t, printer.Body, got.Body)

	printer.ClientIDs = []psa.ClientID{acme.ID, other.ID}
	printer, err = w.portal.UpdateArticle(w.ctx, printer)
	require.NoError(t, err)
	_, err = w.portal.Article(w.ctx, sam.AccountID, printer.ID)
	require.NoError(t, err)
	require.NoError(t, w.portal.DeleteArticle(w.ctx, printer.ID))
	_, err = w.portal.Article(w.ctx, ann.AccountID, printer.ID)
	require.ErrorIs(t, err, psa.ErrNotFound)
}
