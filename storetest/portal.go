package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/staff"
)

// portalCases are the cases of the stores of package portal (portal.Tx): accounts, tokens,
// roles, settings, messages, to-do items, news and articles. The accounts, tokens, messages and
// to-do items they store belong to clients, contacts and accounts that are not stored (except
// where a case says so): the store methods take those IDs as plain values.
func portalCases() []testCase {
	needs := []string{"Portal"}
	return []testCase{
		{
			name: "RoundTripPortal",
			contract: "CreateAccount, CreateToken, PutRole, CreateMessage, CreateTodo, PutNews and CreateArticle store values as given, " +
				"every field included (a message's recipients in order, an article's keywords and clients, instants to the microsecond), " +
				"and every Get, Find and List call returns a value equal to it.",
			needs: needs, run: testRoundTripPortal,
		},
		{
			name: "PortalNotFound",
			contract: "GetAccount, GetToken, GetRole, GetMessage, GetTodo, GetNews and GetArticle of an unknown ID, FindAccountByUsername and " +
				"FindTokenByHash of an unknown key, and the updates of an unknown ID fail with a *psa.NotFoundError and create nothing.",
			needs: needs, run: testPortalNotFound,
		},
		{
			name: "PortalAlreadyExistsID",
			contract: "Every Create (and Put with Version 0) of package portal fails with a *psa.AlreadyExistsError when the ID is taken, " +
				"and leaves the stored value unchanged.",
			needs: needs, run: testPortalAlreadyExistsID,
		},
		{
			name: "UniqueUsername",
			contract: "An account's Username is unique in the store: CreateAccount and UpdateAccount fail with a *psa.AlreadyExistsError " +
				"when another account has it; a username changed away from is free again; FindAccountByUsername follows every change.",
			needs: needs, run: func(t *testing.T, h Harness) { checkUniqueKey(t, h.Portal, accountKind) },
		},
		{
			name: "UniqueTokenHash",
			contract: "A token's Hash is unique: CreateToken and UpdateToken fail with a *psa.AlreadyExistsError when another token has " +
				"it, and FindTokenByHash follows every change.",
			needs: needs, run: func(t *testing.T, h Harness) { checkUniqueKey(t, h.Portal, tokenKind) },
		},
		{
			name: "OneAccountPerContact",
			contract: "A contact has at most one account: CreateAccount and UpdateAccount fail with a *psa.AlreadyExistsError for a " +
				"ContactID another account has, and FindAccountByContact returns the contact's account, or a *psa.NotFoundError.",
			needs: needs, run: testOneAccountPerContact,
		},
		{
			name: "PortalVersions",
			contract: "UpdateAccount, UpdateToken, PutRole, UpdateMessage, UpdateTodo, PutNews and UpdateArticle succeed only with the " +
				"stored Version, and then store Version+1; a stale Version fails with a *psa.VersionConflictError and changes nothing.",
			needs: needs, run: testPortalVersions,
		},
		{
			name: "PortalDelete",
			contract: "DeleteMessage, DeleteTodo, DeleteNews and DeleteArticle remove the value: Get then fails with a *psa.NotFoundError, " +
				"no listing returns it, an Update of it fails with a *psa.NotFoundError, a second delete too; a rolled-back delete " +
				"keeps it, and a delete is seen by the transaction that made it.",
			needs: needs, run: testPortalDelete,
		},
		{
			name: "PortalSettings",
			contract: "GetPortalSettings before any PutPortalSettings returns the zero Settings (Version 0); PutPortalSettings with the " +
				"stored version stores the settings as given with Version+1, a stale version fails with a *psa.VersionConflictError, " +
				"and the blocked words are copied in and out.",
			needs: needs, run: testPortalSettings,
		},
		{
			name: "PortalNoAliasing",
			contract: "Stores take and return copies: changing a message's recipients or an article's keywords or clients after passing " +
				"it to a store method, or in a value a Get or List call returned, does not change what is stored.",
			needs: needs, run: testPortalNoAliasing,
		},
		{
			name: "PaginatePortal",
			contract: "ListAccounts (per client), ListMessages (per mailbox), ListRoles, ListNews and ListArticles walk exactly their values, " +
				"each once, in ascending ID order, at most Limit per page, and follow an update that moves a value to another owner.",
			needs: needs, run: testPaginatePortal,
		},
		{
			name: "InvalidPortalPageRequest",
			contract: "The paged listings of package portal fail for a cursor the store did not issue with an error wrapping " +
				"psa.ErrBadCursor (and psa.ErrInvalid), and for a negative Limit with psa.ErrInvalid.",
			needs: needs, run: func(t *testing.T, h Harness) {
				checkInvalidPages(t, h.Portal, accountKind)
				checkInvalidPages(t, h.Portal, messageKind)
				checkInvalidPages(t, h.Portal, roleKind)
				checkInvalidPages(t, h.Portal, newsKind)
				checkInvalidPages(t, h.Portal, articleKind)
			},
		},
		{
			name: "PortalRollback",
			contract: "When fn returns an error the portal runner returns that error unchanged and keeps nothing fn wrote: accounts, tokens, " +
				"roles, settings, messages, to-do items, news, articles, updates and deletes are all undone.",
			needs: needs, run: testPortalRollback,
		},
		{
			name: "PortalSharesStore",
			contract: "Harness.Portal runs on the same store as Harness.Client: a portal.Tx writes a client, a contact and its account in one " +
				"transaction, and a client transaction reads them.",
			needs: []string{"Client", "Portal"}, run: testPortalSharesStore,
		},
		{
			name: "PortalReadsStaff",
			contract: "Harness.Portal runs on the same store as Harness.Staff: GetMember of a portal.Tx (the staff members portal messages " +
				"are addressed to) returns a member a staff transaction stored, as stored, and a *psa.NotFoundError for an unknown ID.",
			needs: []string{"Staff", "Portal"}, run: testPortalReadsStaff,
		},
	}
}

// The kinds of package portal, for the generic cases.
var (
	accountKind = kind[portal.Tx, psa.PortalUserID, psa.ClientID, portal.Account]{
		name: "Account", ownerName: "client", keyName: "Username",
		fields: func(a *portal.Account) fields[psa.PortalUserID, psa.ClientID] {
			return fields[psa.PortalUserID, psa.ClientID]{id: &a.ID, owner: &a.ClientID, key: &a.Username, version: &a.Version, label: &a.Notes}
		},
		create: portal.Tx.CreateAccount, get: portal.Tx.GetAccount, update: portal.Tx.UpdateAccount, listOf: portal.Tx.ListAccounts,
		find: portal.Tx.FindAccountByUsername,
		bare: func(_ *testing.T, id psa.PortalUserID, owner psa.ClientID, label string) portal.Account {
			return newAccount(id, owner, label)
		},
		owners: unstored[portal.Tx, psa.ClientID],
	}
	tokenKind = kind[portal.Tx, portal.TokenID, psa.PortalUserID, portal.Token]{
		name: "Token", ownerName: "account", keyName: "Hash",
		fields: func(tk *portal.Token) fields[portal.TokenID, psa.PortalUserID] {
			return fields[portal.TokenID, psa.PortalUserID]{id: &tk.ID, owner: &tk.AccountID, key: &tk.Hash, version: &tk.Version,
				setLabel: func(label string) { tk.Purpose = portal.Purpose(label) }}
		},
		create: portal.Tx.CreateToken, get: portal.Tx.GetToken, update: portal.Tx.UpdateToken, every: portal.Tx.ListTokens, find: portal.Tx.FindTokenByHash,
		bare: func(_ *testing.T, id portal.TokenID, owner psa.PortalUserID, label string) portal.Token {
			return portal.Token{ID: id, AccountID: owner, Purpose: portal.Purpose(label), CreatedAt: ts0, ExpiresAt: ts0.Add(time.Hour), Version: 1}
		},
		owners: unstored[portal.Tx, psa.PortalUserID],
	}
	roleKind = kind[portal.Tx, portal.RoleID, psa.ClientID, portal.Role]{
		name: "Role",
		fields: func(r *portal.Role) fields[portal.RoleID, psa.ClientID] {
			return fields[portal.RoleID, psa.ClientID]{id: &r.ID, version: &r.Version, label: &r.Name}
		},
		get: portal.Tx.GetRole, listAll: portal.Tx.ListRoles,
		bare: func(_ *testing.T, id portal.RoleID, _ psa.ClientID, label string) portal.Role {
			return portal.Role{ID: id, Name: label, Version: 1}
		},
	}.withPut(portal.Tx.PutRole)
	messageKind = kind[portal.Tx, psa.MessageID, psa.PortalUserID, portal.Message]{
		name: "Message", ownerName: "mailbox",
		fields: func(m *portal.Message) fields[psa.MessageID, psa.PortalUserID] {
			return fields[psa.MessageID, psa.PortalUserID]{id: &m.ID, owner: &m.Owner.Account, version: &m.Version, label: &m.Subject}
		},
		create: portal.Tx.CreateMessage, get: portal.Tx.GetMessage, update: portal.Tx.UpdateMessage,
		listOf: func(tx portal.Tx, ctx context.Context, owner psa.PortalUserID, p psa.PageRequest) (psa.Page[portal.Message], error) {
			return tx.ListMessages(ctx, portal.Party{Account: owner}, p)
		},
		bare: func(_ *testing.T, id psa.MessageID, owner psa.PortalUserID, label string) portal.Message {
			return portal.Message{ID: id, Owner: portal.Party{Account: owner}, Folder: portal.FolderDrafts, From: portal.Party{Account: owner},
				Subject: label, CreatedAt: ts0, UpdatedAt: ts0, Version: 1}
		},
		owners: unstored[portal.Tx, psa.PortalUserID],
		clone:  portal.Message.Clone,
		scribble: func(_ *testing.T, m *portal.Message) {
			for i := range m.To {
				m.To[i] = portal.Party{Staff: randomID[psa.StaffID]()}
			}
			m.Subject = "scribbled"
		},
	}
	todoKind = kind[portal.Tx, portal.TodoID, psa.PortalUserID, portal.Todo]{
		name: "Todo", ownerName: "account",
		fields: func(td *portal.Todo) fields[portal.TodoID, psa.PortalUserID] {
			return fields[portal.TodoID, psa.PortalUserID]{id: &td.ID, owner: &td.AccountID, version: &td.Version, label: &td.Text}
		},
		create: portal.Tx.CreateTodo, get: portal.Tx.GetTodo, update: portal.Tx.UpdateTodo, every: portal.Tx.ListTodos,
		bare: func(_ *testing.T, id portal.TodoID, owner psa.PortalUserID, label string) portal.Todo {
			return portal.Todo{ID: id, AccountID: owner, Text: label, CreatedAt: ts0, UpdatedAt: ts0, Version: 1}
		},
		owners: unstored[portal.Tx, psa.PortalUserID],
	}
	newsKind = kind[portal.Tx, portal.NewsID, psa.ClientID, portal.NewsItem]{
		name: "News", plural: "News",
		fields: func(n *portal.NewsItem) fields[portal.NewsID, psa.ClientID] {
			return fields[portal.NewsID, psa.ClientID]{id: &n.ID, version: &n.Version, label: &n.Title}
		},
		get: portal.Tx.GetNews, listAll: portal.Tx.ListNews,
		bare: func(_ *testing.T, id portal.NewsID, _ psa.ClientID, label string) portal.NewsItem {
			return portal.NewsItem{ID: id, Title: label, Version: 1}
		},
	}.withPut(portal.Tx.PutNews)
	articleKind = kind[portal.Tx, portal.ArticleID, psa.ClientID, portal.Article]{
		name: "Article",
		fields: func(a *portal.Article) fields[portal.ArticleID, psa.ClientID] {
			return fields[portal.ArticleID, psa.ClientID]{id: &a.ID, version: &a.Version, label: &a.Title}
		},
		create: portal.Tx.CreateArticle, get: portal.Tx.GetArticle, update: portal.Tx.UpdateArticle, listAll: portal.Tx.ListArticles,
		bare: func(_ *testing.T, id portal.ArticleID, _ psa.ClientID, label string) portal.Article {
			return portal.Article{ID: id, Title: label, Visibility: portal.Internal, Version: 1}
		},
		clone: portal.Article.Clone,
		scribble: func(_ *testing.T, a *portal.Article) {
			for i := range a.Keywords {
				a.Keywords[i] = "scribbled"
			}
			for i := range a.ClientIDs {
				a.ClientIDs[i] = randomID[psa.ClientID]()
			}
			a.Title = "scribbled"
		},
	}
)

// newAccount returns an account of client owner with its own contact and no username.
func newAccount(id psa.PortalUserID, owner psa.ClientID, label string) portal.Account {
	return portal.Account{ID: id, ContactID: randomID[psa.ContactID](), ClientID: owner, RoleID: portal.ExternalUser().ID, Notes: label,
		CreatedAt: ts0, UpdatedAt: ts0, Version: 1}
}

func fullAccount(id psa.PortalUserID, owner psa.ClientID) portal.Account {
	a := newAccount(id, owner, "Personal notes")
	a.Username, a.Enabled, a.RoleID, a.SubOrganizations = "ann@acme.example", true, randomID[portal.RoleID](), true
	a.PasswordHash, a.PasswordSetAt = "$pbkdf2-sha256$i=600000$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5", ts0.Add(time.Minute)
	a.FailedLogins, a.LockedUntil, a.LastLoginAt = 2, ts0.Add(15*time.Minute+time.Microsecond), ts0.Add(-time.Hour)
	a.Photo, a.LandingPage = "photos/ann.png", portal.PageTickets
	return a
}

func fullToken(id portal.TokenID, owner psa.PortalUserID) portal.Token {
	return portal.Token{ID: id, AccountID: owner, Purpose: portal.PurposeReset, Hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		CreatedAt: ts0, ExpiresAt: ts0.Add(time.Hour), UsedAt: ts0.Add(time.Minute), RevokedAt: ts0.Add(2 * time.Minute), Version: 1}
}

func fullRole(id portal.RoleID) portal.Role {
	return portal.Role{ID: id, Name: "Billing contact", Permissions: portal.Permissions{OrganizationTickets: true, Contracts: true, Invoices: true,
		TimeEntries: true, QuickTickets: true, ManageUsers: true}, Version: 1}
}

func fullMessage(id psa.MessageID, owner psa.PortalUserID) portal.Message {
	return portal.Message{ID: id, Owner: portal.Party{Account: owner}, Folder: portal.FolderArchive, From: portal.Party{Staff: randomID[psa.StaffID]()},
		To: []portal.Party{{Account: owner}, {Account: randomID[psa.PortalUserID]()}, {Staff: randomID[psa.StaffID]()}}, Subject: "Maintenance window",
		Body: "Friday 18:00–20:00.", InReplyTo: randomID[psa.MessageID](), Starred: true, Read: true, SentAt: ts0,
		CreatedAt: ts0, UpdatedAt: ts0.Add(time.Second), Version: 1}
}

func fullTodo(id portal.TodoID, owner psa.PortalUserID) portal.Todo {
	return portal.Todo{ID: id, AccountID: owner, Text: "check on certification", Due: day(2025, time.March, 15), DoneAt: ts0.Add(time.Hour),
		CreatedAt: ts0, UpdatedAt: ts0.Add(time.Hour), Version: 1}
}

func fullNews(id portal.NewsID) portal.NewsItem {
	return portal.NewsItem{ID: id, Title: "New office", Body: "We moved.", PublishAt: ts0.Add(time.Microsecond), CreatedAt: ts0, UpdatedAt: ts0, Version: 1}
}

func fullArticle(id portal.ArticleID) portal.Article {
	return portal.Article{ID: id, Title: "Connect to the VPN", Body: "Open the client.", Keywords: []string{"vpn", "remote"},
		Visibility: portal.SelectedClients, ClientIDs: []psa.ClientID{randomID[psa.ClientID](), randomID[psa.ClientID]()},
		CreatedAt: ts0, UpdatedAt: ts0, Version: 1}
}

func testRoundTripPortal(t *testing.T, h Harness) {
	run := h.Portal
	client1, acct := randomID[psa.ClientID](), randomID[psa.PortalUserID]()
	t.Run("account", func(t *testing.T) {
		full, bare := fullAccount(newID[psa.PortalUserID](t), client1), newAccount(randomID[psa.PortalUserID](), client1, "bare")
		accountKind.store(t, run, full, bare)
		wantReadBack(t, run, accountKind, same("an account with every field set", full), same("a bare account", bare))
		diff(t, "FindAccountByContact", full, mustRead(t, run, "FindAccountByContact", func(ctx context.Context, tx portal.Tx) (portal.Account, error) {
			return tx.FindAccountByContact(ctx, full.ContactID)
		}))
	})
	t.Run("token", func(t *testing.T) {
		full := fullToken(newID[portal.TokenID](t), acct)
		tokenKind.store(t, run, full)
		wantReadBack(t, run, tokenKind, same("a token with every field set", full))
	})
	t.Run("role", func(t *testing.T) {
		full := fullRole(newID[portal.RoleID](t))
		roleKind.store(t, run, full)
		wantReadBack(t, run, roleKind, same("a role with every permission", full))
	})
	t.Run("message", func(t *testing.T) {
		full := fullMessage(newID[psa.MessageID](t), acct)
		messageKind.store(t, run, full)
		wantReadBack(t, run, messageKind, same("a message with every field set", full))
	})
	t.Run("todo", func(t *testing.T) {
		full := fullTodo(newID[portal.TodoID](t), acct)
		todoKind.store(t, run, full)
		wantReadBack(t, run, todoKind, same("a done to-do item with a due date", full))
	})
	t.Run("news", func(t *testing.T) {
		full := fullNews(newID[portal.NewsID](t))
		newsKind.store(t, run, full)
		wantReadBack(t, run, newsKind, same("a published news item", full))
	})
	t.Run("article", func(t *testing.T) {
		full := fullArticle(newID[portal.ArticleID](t))
		articleKind.store(t, run, full)
		wantReadBack(t, run, articleKind, same("an article for selected clients", full))
	})
}

func testPortalNotFound(t *testing.T, h Harness) {
	t.Run("account", func(t *testing.T) { checkNotFound(t, h.Portal, accountKind) })
	t.Run("token", func(t *testing.T) { checkNotFound(t, h.Portal, tokenKind) })
	t.Run("role", func(t *testing.T) { checkNotFound(t, h.Portal, roleKind) })
	t.Run("message", func(t *testing.T) { checkNotFound(t, h.Portal, messageKind) })
	t.Run("todo", func(t *testing.T) { checkNotFound(t, h.Portal, todoKind) })
	t.Run("news", func(t *testing.T) { checkNotFound(t, h.Portal, newsKind) })
	t.Run("article", func(t *testing.T) { checkNotFound(t, h.Portal, articleKind) })
	_, err := read(t, h.Portal, func(ctx context.Context, tx portal.Tx) (portal.Account, error) {
		return tx.FindAccountByContact(ctx, randomID[psa.ContactID]())
	})
	wantNotFound(t, "FindAccountByContact of an unknown contact", err)
}

func testPortalAlreadyExistsID(t *testing.T, h Harness) {
	t.Run("account", func(t *testing.T) { checkIDTaken(t, h.Portal, accountKind) })
	t.Run("token", func(t *testing.T) { checkIDTaken(t, h.Portal, tokenKind) })
	t.Run("role", func(t *testing.T) { checkIDTaken(t, h.Portal, roleKind) })
	t.Run("message", func(t *testing.T) { checkIDTaken(t, h.Portal, messageKind) })
	t.Run("todo", func(t *testing.T) { checkIDTaken(t, h.Portal, todoKind) })
	t.Run("news", func(t *testing.T) { checkIDTaken(t, h.Portal, newsKind) })
	t.Run("article", func(t *testing.T) { checkIDTaken(t, h.Portal, articleKind) })
}

func findByContact(contact psa.ContactID) func(ctx context.Context, tx portal.Tx) (portal.Account, error) {
	return func(ctx context.Context, tx portal.Tx) (portal.Account, error) {
		return tx.FindAccountByContact(ctx, contact)
	}
}

func testOneAccountPerContact(t *testing.T, h Harness) {
	run, owner := h.Portal, randomID[psa.ClientID]()
	a := newAccount(newID[psa.PortalUserID](t), owner, "first")
	b := newAccount(newID[psa.PortalUserID](t), owner, "second")
	accountKind.store(t, run, a, b)

	dup := newAccount(randomID[psa.PortalUserID](), owner, "duplicate")
	dup.ContactID = a.ContactID
	wantAlreadyExists(t, "CreateAccount with another account's contact", run(t.Context(), accountKind.creating(dup)))
	moved := b
	moved.ContactID = a.ContactID
	wantAlreadyExists(t, "UpdateAccount to another account's contact", run(t.Context(), accountKind.updating(moved)))
	diff(t, "FindAccountByContact after refused duplicates", a, mustRead(t, run, "FindAccountByContact", findByContact(a.ContactID)))

	// A contact changed away from is free again.
	freed := a
	freed.ContactID = randomID[psa.ContactID]()
	inTx(t, run, "UpdateAccount changing its contact", accountKind.updating(freed))
	_, err := read(t, run, findByContact(a.ContactID))
	wantNotFound(t, "FindAccountByContact of a contact changed away from", err)
	dup.ContactID = a.ContactID
	inTx(t, run, "CreateAccount with a freed contact", accountKind.creating(dup))
	diff(t, "FindAccountByContact of the freed contact", dup, mustRead(t, run, "FindAccountByContact", findByContact(a.ContactID)))
}

func testPortalVersions(t *testing.T, h Harness) {
	run := h.Portal
	t.Run("account", func(t *testing.T) {
		checkVersions(t, run, accountKind, fullAccount(randomID[psa.PortalUserID](), randomID[psa.ClientID]()))
	})
	t.Run("token", func(t *testing.T) {
		checkVersions(t, run, tokenKind, fullToken(randomID[portal.TokenID](), randomID[psa.PortalUserID]()))
	})
	t.Run("role", func(t *testing.T) { checkVersions(t, run, roleKind, fullRole(randomID[portal.RoleID]())) })
	t.Run("message", func(t *testing.T) {
		checkVersions(t, run, messageKind, fullMessage(randomID[psa.MessageID](), randomID[psa.PortalUserID]()))
	})
	t.Run("todo", func(t *testing.T) {
		checkVersions(t, run, todoKind, fullTodo(randomID[portal.TodoID](), randomID[psa.PortalUserID]()))
	})
	t.Run("news", func(t *testing.T) { checkVersions(t, run, newsKind, fullNews(randomID[portal.NewsID]())) })
	t.Run("article", func(t *testing.T) { checkVersions(t, run, articleKind, fullArticle(randomID[portal.ArticleID]())) })
}

// checkDelete stores keep and gone, deletes gone and checks the rules of deletion: a rolled-back
// delete keeps the value; a delete is seen by its own transaction; after it, Get, every listing,
// Update and another delete see no value; keep is untouched.
func checkDelete[K, O psa.ID, V any](t *testing.T, run psa.Runner[portal.Tx], k kind[portal.Tx, K, O, V], del func(tx portal.Tx, ctx context.Context, id K) error, keep, gone V) {
	t.Helper()
	name := "Delete" + k.name
	before := k.listedAll(t, run)
	k.store(t, run, keep, gone)
	sentinel := errors.New("storetest: rollback sentinel")
	err := run(t.Context(), func(ctx context.Context, tx portal.Tx) error {
		if err := del(tx, ctx, k.idOf(gone)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		_, err := k.get(tx, ctx, k.idOf(gone))
		wantNotFound(t, "Get"+k.name+" in the transaction that deleted it", err)
		return sentinel
	})
	if !errors.Is(err, sentinel) {
		t.Fatalf("%s in a transaction that fails: got %v, want the sentinel", name, err)
	}
	k.wantStored(t, run, "after a rolled-back "+name, gone)

	inTx(t, run, name, func(ctx context.Context, tx portal.Tx) error { return del(tx, ctx, k.idOf(gone)) })
	k.wantNoID(t, run, "Get"+k.name+" after "+name, k.idOf(gone))
	k.wantStored(t, run, "of the value not deleted", keep)
	k.wantListings(t, run, "after "+name, before, k.ownerOf(keep), k.idOf(keep))
	wantNotFound(t, name+" twice", run(t.Context(), func(ctx context.Context, tx portal.Tx) error { return del(tx, ctx, k.idOf(gone)) }))
	wantNotFound(t, k.updateName()+" of a deleted value", run(t.Context(), k.updating(gone)))
	wantNotFound(t, name+" of an unknown ID", run(t.Context(), func(ctx context.Context, tx portal.Tx) error { return del(tx, ctx, randomID[K]()) }))
}

func testPortalDelete(t *testing.T, h Harness) {
	run, acct := h.Portal, randomID[psa.PortalUserID]()
	t.Run("message", func(t *testing.T) {
		checkDelete(t, run, messageKind, portal.Tx.DeleteMessage, fullMessage(newID[psa.MessageID](t), acct), fullMessage(newID[psa.MessageID](t), acct))
	})
	t.Run("todo", func(t *testing.T) {
		checkDelete(t, run, todoKind, portal.Tx.DeleteTodo, fullTodo(newID[portal.TodoID](t), acct), fullTodo(newID[portal.TodoID](t), acct))
	})
	t.Run("news", func(t *testing.T) {
		checkDelete(t, run, newsKind, portal.Tx.DeleteNews, fullNews(newID[portal.NewsID](t)), fullNews(newID[portal.NewsID](t)))
	})
	t.Run("article", func(t *testing.T) {
		checkDelete(t, run, articleKind, portal.Tx.DeleteArticle, fullArticle(newID[portal.ArticleID](t)), fullArticle(newID[portal.ArticleID](t)))
	})
}

func getPortalSettings(ctx context.Context, tx portal.Tx) (portal.Settings, error) {
	return tx.GetPortalSettings(ctx)
}

func testPortalSettings(t *testing.T, h Harness) {
	run := h.Portal
	diff(t, "GetPortalSettings before any PutPortalSettings", portal.Settings{}, mustRead(t, run, "GetPortalSettings", getPortalSettings))
	s := portal.Settings{Policy: portal.Policy{MinLength: 10, MaxLength: 64, RequireUpper: true, RequireLower: true, RequireDigit: true,
		RequireSpecial: true, AllowCommon: true, Blocked: []string{"acme", "widgets"}}, MaxFailedLogins: 7, Lockout: 20 * time.Minute}
	passed := s
	passed.Policy.Blocked = slices.Clone(s.Policy.Blocked)
	inTx(t, run, "PutPortalSettings with Version 0", func(ctx context.Context, tx portal.Tx) error {
		err := tx.PutPortalSettings(ctx, passed)
		passed.Policy.Blocked[0] = "scribbled"
		return err
	})
	want := s
	want.Version = 1
	got := mustRead(t, run, "GetPortalSettings", getPortalSettings)
	diff(t, "GetPortalSettings after PutPortalSettings (want Version 1)", want, got)
	if len(got.Policy.Blocked) > 0 {
		got.Policy.Blocked[0] = "scribbled"
	}
	diff(t, "GetPortalSettings after changing a returned value", want, mustRead(t, run, "GetPortalSettings", getPortalSettings))
	for _, stale := range []int64{0, 2} {
		u := want
		u.Version, u.MaxFailedLogins = stale, 99
		err := run(t.Context(), func(ctx context.Context, tx portal.Tx) error { return tx.PutPortalSettings(ctx, u) })
		wantVersionConflict(t, fmt.Sprintf("PutPortalSettings with version %d while 1 is stored", stale), err, stale, 1)
	}
	diff(t, "GetPortalSettings after stale puts", want, mustRead(t, run, "GetPortalSettings", getPortalSettings))
}

func testPortalNoAliasing(t *testing.T, h Harness) {
	t.Run("message", func(t *testing.T) {
		checkNoAliasing(t, h.Portal, messageKind, fullMessage(randomID[psa.MessageID](), randomID[psa.PortalUserID]()))
	})
	t.Run("article", func(t *testing.T) {
		checkNoAliasing(t, h.Portal, articleKind, fullArticle(randomID[portal.ArticleID]()))
	})
}

func testPaginatePortal(t *testing.T, h Harness) {
	t.Run("accounts", func(t *testing.T) { checkPagination(t, h.Portal, accountKind, []int{23, 7, 0}, []int{10, 0}, nil) })
	t.Run("messages", func(t *testing.T) { checkPagination(t, h.Portal, messageKind, []int{23, 7, 0}, []int{10, 0}, nil) })
	t.Run("roles", func(t *testing.T) { checkPagination(t, h.Portal, roleKind, []int{31}, nil, []int{10, 0}) })
	t.Run("news", func(t *testing.T) { checkPagination(t, h.Portal, newsKind, []int{31}, nil, []int{10, 0}) })
	t.Run("articles", func(t *testing.T) { checkPagination(t, h.Portal, articleKind, []int{31}, nil, []int{10, 0}) })
}

func testPortalRollback(t *testing.T, h Harness) {
	run, acctID := h.Portal, randomID[psa.PortalUserID]()
	kept := fullArticle(newID[portal.ArticleID](t))
	oldNews := fullNews(newID[portal.NewsID](t))
	articleKind.store(t, run, kept)
	newsKind.store(t, run, oldNews)
	acct := fullAccount(acctID, randomID[psa.ClientID]())
	tok := fullToken(newID[portal.TokenID](t), acctID)
	role := fullRole(newID[portal.RoleID](t))
	msg := fullMessage(newID[psa.MessageID](t), acctID)
	todo := fullTodo(newID[portal.TodoID](t), acctID)
	changed := oldNews
	changed.Title = "changed"

	sentinel := errors.New("storetest: rollback sentinel")
	err := run(t.Context(), sequence(accountKind.creating(acct), tokenKind.creating(tok), roleKind.creating(role), messageKind.creating(msg),
		todoKind.creating(todo), newsKind.updating(changed),
		func(ctx context.Context, tx portal.Tx) error { return tx.DeleteArticle(ctx, kept.ID) },
		func(ctx context.Context, tx portal.Tx) error {
			return tx.PutPortalSettings(ctx, portal.Settings{MaxFailedLogins: 3})
		},
		func(context.Context, portal.Tx) error { return sentinel }))
	if err != sentinel { //nolint:errorlint // the runner must return fn's error unchanged
		t.Fatalf("the portal runner returned %v, want fn's error unchanged", err)
	}
	accountKind.wantNoID(t, run, "GetAccount after a rollback", acct.ID)
	accountKind.wantNoKey(t, run, "FindAccountByUsername after a rollback", acct)
	_, err = read(t, run, func(ctx context.Context, tx portal.Tx) (portal.Token, error) {
		return tx.FindTokenByHash(ctx, tok.Hash)
	})
	wantNotFound(t, "FindTokenByHash after a rollback", err)
	roleKind.wantNoID(t, run, "GetRole after a rollback", role.ID)
	messageKind.wantNoID(t, run, "GetMessage after a rollback", msg.ID)
	todoKind.wantNoID(t, run, "GetTodo after a rollback", todo.ID)
	newsKind.wantStored(t, run, "after a rolled-back update", oldNews)
	articleKind.wantStored(t, run, "after a rolled-back delete", kept)
	diff(t, "GetPortalSettings after a rollback", portal.Settings{}, mustRead(t, run, "GetPortalSettings", getPortalSettings))
}

func testPortalSharesStore(t *testing.T, h Harness) {
	c := newClient(newID[psa.ClientID](t), "Portal Client")
	ct := newContact(newID[psa.ContactID](t), c.ID, "Ann")
	a := newAccount(newID[psa.PortalUserID](t), c.ID, "shared")
	a.ContactID = ct.ID
	inTx(t, h.Portal, "writing a client, a contact and an account in one portal transaction", func(ctx context.Context, tx portal.Tx) error {
		if err := tx.CreateClient(ctx, c); err != nil {
			return err
		}
		if err := tx.CreateContact(ctx, ct); err != nil {
			return err
		}
		return tx.CreateAccount(ctx, a)
	})
	diff(t, "GetClient through Harness.Client", c, mustRead(t, h.Client, "GetClient", func(ctx context.Context, tx client.Tx) (client.Client, error) {
		return tx.GetClient(ctx, c.ID)
	}))
	diff(t, "FindAccountByContact through Harness.Portal", a, mustRead(t, h.Portal, "FindAccountByContact", findByContact(ct.ID)))
}

func testPortalReadsStaff(t *testing.T, h Harness) {
	m := newMember(newID[psa.StaffID](t), newID[psa.SecurityLevelID](t), "Tess Tech")
	inTx(t, h.Staff, "storing a staff member", func(ctx context.Context, tx staff.Tx) error { return tx.CreateMember(ctx, m) })
	diff(t, "GetMember through Harness.Portal", m, mustRead(t, h.Portal, "GetMember", func(ctx context.Context, tx portal.Tx) (staff.Member, error) {
		return tx.GetMember(ctx, m.ID)
	}))
	var err error
	inTx(t, h.Portal, "reading an unknown staff member", func(ctx context.Context, tx portal.Tx) error {
		_, err = tx.GetMember(ctx, newID[psa.StaffID](t))
		return nil
	})
	wantNotFound(t, "GetMember of an unknown ID", err)
}
