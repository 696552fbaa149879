package memstore

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
)

var _ portal.Tx = (*Tx)(nil)

// portalTables are the tables of package portal's stores.
type portalTables struct {
	accounts           *table[psa.PortalUserID, portal.Account]
	accountsByUsername *unique[psa.PortalUserID, portal.Account]
	accountsByContact  *unique[psa.PortalUserID, portal.Account]
	accountsByClient   *grouping[psa.PortalUserID, portal.Account]

	tokens          *table[portal.TokenID, portal.Token]
	tokensByHash    *unique[portal.TokenID, portal.Token]
	tokensByAccount *grouping[portal.TokenID, portal.Token]

	roles    *table[portal.RoleID, portal.Role]
	settings *table[psa.TenantID, portalSettings]

	messages        *table[psa.MessageID, tomb[portal.Message]]
	messagesByOwner *grouping[psa.MessageID, tomb[portal.Message]]
	todos           *table[portal.TodoID, tomb[portal.Todo]]
	todosByAccount  *grouping[portal.TodoID, tomb[portal.Todo]]
	news            *table[portal.NewsID, tomb[portal.NewsItem]]
	liveNews        *grouping[portal.NewsID, tomb[portal.NewsItem]]
	articles        *table[portal.ArticleID, tomb[portal.Article]]
	liveArticles    *grouping[portal.ArticleID, tomb[portal.Article]]
}

type portalSettings struct {
	ID       psa.TenantID
	Settings portal.Settings
}

// tomb is a row of a table whose rows can be deleted: a deleted row stays as a tombstone, which
// no read returns, no unique index holds, and no grouping lists (it moves to the nil group), so
// that deleting is an ordinary write that commits, rolls back and conflicts like any other.
type tomb[V any] struct {
	V       V
	Deleted bool
}

// liveGroup is the group of every live row of a table that is listed as a whole (news, articles).
var liveGroup = uuid.UUID{15: 1}

func tombTable[K psa.ID, V any](kind string, id func(V) K, clone func(V) V) *table[K, tomb[V]] {
	if clone == nil {
		clone = func(v V) V { return v }
	}
	return newTable(kind, func(t tomb[V]) K { return id(t.V) }, func(t tomb[V]) tomb[V] { t.V = clone(t.V); return t })
}

// groupLive adds a grouping of the live rows of t by of.
func groupLive[K psa.ID, V any](t *table[K, tomb[V]], of func(V) uuid.UUID) *grouping[K, tomb[V]] {
	return t.addGrouping(func(r tomb[V]) uuid.UUID {
		if r.Deleted {
			return uuid.Nil
		}
		return of(r.V)
	})
}

func (s *Store) initPortal() {
	p := &portalTables{}
	p.accounts = newTable("portal user", func(a portal.Account) psa.PortalUserID { return a.ID }, nil)
	p.accountsByUsername = p.accounts.addUnique("username", func(a portal.Account) string { return a.Username })
	p.accountsByContact = p.accounts.addUnique("of contact", func(a portal.Account) string {
		if psa.IsNil(a.ContactID) {
			return ""
		}
		return a.ContactID.String()
	})
	p.accountsByClient = p.accounts.addGrouping(func(a portal.Account) uuid.UUID { return a.ClientID.UUID })

	p.tokens = newTable("portal token", func(t portal.Token) portal.TokenID { return t.ID }, nil)
	p.tokensByHash = p.tokens.addUnique("hash", func(t portal.Token) string { return t.Hash })
	p.tokensByAccount = p.tokens.addGrouping(func(t portal.Token) uuid.UUID { return t.AccountID.UUID })

	p.roles = newTable("portal role", func(r portal.Role) portal.RoleID { return r.ID }, nil)
	p.settings = newTable("portal settings", func(d portalSettings) psa.TenantID { return d.ID }, func(d portalSettings) portalSettings {
		d.Settings.Policy.Blocked = slices.Clone(d.Settings.Policy.Blocked)
		return d
	})

	p.messages = tombTable("message", func(m portal.Message) psa.MessageID { return m.ID }, portal.Message.Clone)
	p.messagesByOwner = groupLive(p.messages, func(m portal.Message) uuid.UUID { return m.Owner.UUID() })
	p.todos = tombTable("to-do item", func(t portal.Todo) portal.TodoID { return t.ID }, nil)
	p.todosByAccount = groupLive(p.todos, func(t portal.Todo) uuid.UUID { return t.AccountID.UUID })
	p.news = tombTable("news item", func(n portal.NewsItem) portal.NewsID { return n.ID }, nil)
	p.liveNews = groupLive(p.news, func(portal.NewsItem) uuid.UUID { return liveGroup })
	p.articles = tombTable("article", func(a portal.Article) portal.ArticleID { return a.ID }, portal.Article.Clone)
	p.liveArticles = groupLive(p.articles, func(portal.Article) uuid.UUID { return liveGroup })
	s.portal = p
}

// getLive returns the live row k, or a *psa.NotFoundError for a missing or deleted one.
func getLive[K psa.ID, V any](ctx context.Context, v *view[K, tomb[V]], k K) (V, error) {
	r, ok, err := v.get(ctx, k)
	if err == nil && (!ok || r.Deleted) {
		err = psa.NotFound(v.t.kind, k)
	}
	return r.V, err
}

// updateLive replaces the live row k under the version rule.
func updateLive[K psa.ID, V any](ctx context.Context, v *view[K, tomb[V]], k K, val V, version func(*V) *int64) error {
	stored, err := getLive(ctx, v, k)
	if err != nil {
		return err
	}
	if given, have := *version(&val), *version(&stored); given != have {
		return &psa.VersionConflictError{Kind: v.t.kind, ID: k.String(), Given: given, Stored: have}
	}
	*version(&val)++
	return v.put(ctx, k, tomb[V]{V: val}, false)
}

// putLive is the Put of a deletable kind: a create for version 0, else updateLive.
func putLive[K psa.ID, V any](ctx context.Context, v *view[K, tomb[V]], k K, val V, version func(*V) *int64) error {
	if *version(&val) == 0 {
		*version(&val) = 1
		return v.put(ctx, k, tomb[V]{V: val}, true)
	}
	return updateLive(ctx, v, k, val, version)
}

// deleteLive turns the live row k into a tombstone.
func deleteLive[K psa.ID, V any](ctx context.Context, v *view[K, tomb[V]], k K) error {
	stored, err := getLive(ctx, v, k)
	if err != nil {
		return err
	}
	return v.put(ctx, k, tomb[V]{V: stored, Deleted: true}, false)
}

// listLive lists the live rows of group id.
func listLive[K psa.ID, V any](ctx context.Context, v *view[K, tomb[V]], g *grouping[K, tomb[V]], id uuid.UUID, page psa.PageRequest) (psa.Page[V], error) {
	p, err := v.listGroup(ctx, g, id, page)
	if err != nil {
		return psa.Page[V]{}, err
	}
	out := psa.Page[V]{Next: p.Next, Items: make([]V, len(p.Items))}
	for i, r := range p.Items {
		out.Items[i] = r.V
	}
	return out, nil
}

// GetAccount implements portal.AccountStore.
func (tx *Tx) GetAccount(ctx context.Context, id psa.PortalUserID) (portal.Account, error) {
	return viewOf(tx, tx.s.portal.accounts).mustGet(ctx, id)
}

// FindAccountByUsername implements portal.AccountStore.
func (tx *Tx) FindAccountByUsername(ctx context.Context, username string) (portal.Account, error) {
	if username == "" {
		return portal.Account{}, &psa.NotFoundError{Kind: "portal user", Key: "with an empty username"}
	}
	a, ok, err := viewOf(tx, tx.s.portal.accounts).findUnique(ctx, tx.s.portal.accountsByUsername, username)
	return found(a, ok, err, "portal user", "username "+username)
}

// FindAccountByContact implements portal.AccountStore.
func (tx *Tx) FindAccountByContact(ctx context.Context, contact psa.ContactID) (portal.Account, error) {
	if psa.IsNil(contact) {
		return portal.Account{}, &psa.NotFoundError{Kind: "portal user", Key: "of the nil contact"}
	}
	a, ok, err := viewOf(tx, tx.s.portal.accounts).findUnique(ctx, tx.s.portal.accountsByContact, contact.String())
	return found(a, ok, err, "portal user", "of contact "+contact.String())
}

// CreateAccount implements portal.AccountStore.
func (tx *Tx) CreateAccount(ctx context.Context, a portal.Account) error {
	return viewOf(tx, tx.s.portal.accounts).put(ctx, a.ID, a, true)
}

// UpdateAccount implements portal.AccountStore.
func (tx *Tx) UpdateAccount(ctx context.Context, a portal.Account) error {
	return updated(ctx, viewOf(tx, tx.s.portal.accounts), a.ID, a, func(a *portal.Account) *int64 { return &a.Version })
}

// ListAccounts implements portal.AccountStore.
func (tx *Tx) ListAccounts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[portal.Account], error) {
	return viewOf(tx, tx.s.portal.accounts).listGroup(ctx, tx.s.portal.accountsByClient, clientID.UUID, page)
}

// GetToken implements portal.TokenStore.
func (tx *Tx) GetToken(ctx context.Context, id portal.TokenID) (portal.Token, error) {
	return viewOf(tx, tx.s.portal.tokens).mustGet(ctx, id)
}

// FindTokenByHash implements portal.TokenStore.
func (tx *Tx) FindTokenByHash(ctx context.Context, hash string) (portal.Token, error) {
	if hash == "" {
		return portal.Token{}, &psa.NotFoundError{Kind: "portal token", Key: "with an empty hash"}
	}
	t, ok, err := viewOf(tx, tx.s.portal.tokens).findUnique(ctx, tx.s.portal.tokensByHash, hash)
	return found(t, ok, err, "portal token", "with that hash")
}

// CreateToken implements portal.TokenStore.
func (tx *Tx) CreateToken(ctx context.Context, t portal.Token) error {
	return viewOf(tx, tx.s.portal.tokens).put(ctx, t.ID, t, true)
}

// UpdateToken implements portal.TokenStore.
func (tx *Tx) UpdateToken(ctx context.Context, t portal.Token) error {
	return updated(ctx, viewOf(tx, tx.s.portal.tokens), t.ID, t, func(t *portal.Token) *int64 { return &t.Version })
}

// ListTokens implements portal.TokenStore.
func (tx *Tx) ListTokens(ctx context.Context, account psa.PortalUserID) ([]portal.Token, error) {
	if psa.IsNil(account) {
		return nil, nil
	}
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[portal.Token], error) {
		return viewOf(tx, tx.s.portal.tokens).listGroup(ctx, tx.s.portal.tokensByAccount, account.UUID, p)
	})
}

// GetRole implements portal.RoleStore.
func (tx *Tx) GetRole(ctx context.Context, id portal.RoleID) (portal.Role, error) {
	return viewOf(tx, tx.s.portal.roles).mustGet(ctx, id)
}

// PutRole implements portal.RoleStore.
func (tx *Tx) PutRole(ctx context.Context, r portal.Role) error {
	return put(ctx, viewOf(tx, tx.s.portal.roles), r.ID, r, func(r *portal.Role) *int64 { return &r.Version })
}

// ListRoles implements portal.RoleStore.
func (tx *Tx) ListRoles(ctx context.Context, page psa.PageRequest) (psa.Page[portal.Role], error) {
	return viewOf(tx, tx.s.portal.roles).listAll(ctx, page)
}

// GetPortalSettings implements portal.SettingsStore.
func (tx *Tx) GetPortalSettings(ctx context.Context) (portal.Settings, error) {
	d, _, err := viewOf(tx, tx.s.portal.settings).get(ctx, tenantRow)
	return d.Settings, err
}

// PutPortalSettings implements portal.SettingsStore.
func (tx *Tx) PutPortalSettings(ctx context.Context, set portal.Settings) error {
	d, exists, err := viewOf(tx, tx.s.portal.settings).get(ctx, tenantRow)
	if err != nil {
		return err
	}
	if set.Version != d.Settings.Version {
		return &psa.VersionConflictError{Kind: "portal settings", ID: "tenant", Given: set.Version, Stored: d.Settings.Version}
	}
	set.Version++
	return viewOf(tx, tx.s.portal.settings).put(ctx, tenantRow, portalSettings{ID: tenantRow, Settings: set}, !exists)
}

// GetMessage implements portal.MessageStore.
func (tx *Tx) GetMessage(ctx context.Context, id psa.MessageID) (portal.Message, error) {
	return getLive(ctx, viewOf(tx, tx.s.portal.messages), id)
}

// CreateMessage implements portal.MessageStore.
func (tx *Tx) CreateMessage(ctx context.Context, m portal.Message) error {
	return viewOf(tx, tx.s.portal.messages).put(ctx, m.ID, tomb[portal.Message]{V: m}, true)
}

// UpdateMessage implements portal.MessageStore.
func (tx *Tx) UpdateMessage(ctx context.Context, m portal.Message) error {
	return updateLive(ctx, viewOf(tx, tx.s.portal.messages), m.ID, m, func(m *portal.Message) *int64 { return &m.Version })
}

// DeleteMessage implements portal.MessageStore.
func (tx *Tx) DeleteMessage(ctx context.Context, id psa.MessageID) error {
	return deleteLive(ctx, viewOf(tx, tx.s.portal.messages), id)
}

// ListMessages implements portal.MessageStore.
func (tx *Tx) ListMessages(ctx context.Context, owner portal.Party, page psa.PageRequest) (psa.Page[portal.Message], error) {
	if owner.UUID() == uuid.Nil {
		if _, err := page.Normalize(); err != nil {
			return psa.Page[portal.Message]{}, err
		}
		return psa.Page[portal.Message]{}, nil
	}
	return listLive(ctx, viewOf(tx, tx.s.portal.messages), tx.s.portal.messagesByOwner, owner.UUID(), page)
}

// GetTodo implements portal.TodoStore.
func (tx *Tx) GetTodo(ctx context.Context, id portal.TodoID) (portal.Todo, error) {
	return getLive(ctx, viewOf(tx, tx.s.portal.todos), id)
}

// CreateTodo implements portal.TodoStore.
func (tx *Tx) CreateTodo(ctx context.Context, t portal.Todo) error {
	return viewOf(tx, tx.s.portal.todos).put(ctx, t.ID, tomb[portal.Todo]{V: t}, true)
}

// UpdateTodo implements portal.TodoStore.
func (tx *Tx) UpdateTodo(ctx context.Context, t portal.Todo) error {
	return updateLive(ctx, viewOf(tx, tx.s.portal.todos), t.ID, t, func(t *portal.Todo) *int64 { return &t.Version })
}

// DeleteTodo implements portal.TodoStore.
func (tx *Tx) DeleteTodo(ctx context.Context, id portal.TodoID) error {
	return deleteLive(ctx, viewOf(tx, tx.s.portal.todos), id)
}

// ListTodos implements portal.TodoStore.
func (tx *Tx) ListTodos(ctx context.Context, account psa.PortalUserID) ([]portal.Todo, error) {
	if psa.IsNil(account) {
		return nil, nil
	}
	return psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[portal.Todo], error) {
		return listLive(ctx, viewOf(tx, tx.s.portal.todos), tx.s.portal.todosByAccount, account.UUID, p)
	})
}

// GetNews implements portal.NewsStore.
func (tx *Tx) GetNews(ctx context.Context, id portal.NewsID) (portal.NewsItem, error) {
	return getLive(ctx, viewOf(tx, tx.s.portal.news), id)
}

// PutNews implements portal.NewsStore.
func (tx *Tx) PutNews(ctx context.Context, n portal.NewsItem) error {
	return putLive(ctx, viewOf(tx, tx.s.portal.news), n.ID, n, func(n *portal.NewsItem) *int64 { return &n.Version })
}

// DeleteNews implements portal.NewsStore.
func (tx *Tx) DeleteNews(ctx context.Context, id portal.NewsID) error {
	return deleteLive(ctx, viewOf(tx, tx.s.portal.news), id)
}

// ListNews implements portal.NewsStore.
func (tx *Tx) ListNews(ctx context.Context, page psa.PageRequest) (psa.Page[portal.NewsItem], error) {
	return listLive(ctx, viewOf(tx, tx.s.portal.news), tx.s.portal.liveNews, liveGroup, page)
}

// GetArticle implements portal.ArticleStore.
func (tx *Tx) GetArticle(ctx context.Context, id portal.ArticleID) (portal.Article, error) {
	return getLive(ctx, viewOf(tx, tx.s.portal.articles), id)
}

// CreateArticle implements portal.ArticleStore.
func (tx *Tx) CreateArticle(ctx context.Context, a portal.Article) error {
	return viewOf(tx, tx.s.portal.articles).put(ctx, a.ID, tomb[portal.Article]{V: a}, true)
}

// UpdateArticle implements portal.ArticleStore.
func (tx *Tx) UpdateArticle(ctx context.Context, a portal.Article) error {
	return updateLive(ctx, viewOf(tx, tx.s.portal.articles), a.ID, a, func(a *portal.Article) *int64 { return &a.Version })
}

// DeleteArticle implements portal.ArticleStore.
func (tx *Tx) DeleteArticle(ctx context.Context, id portal.ArticleID) error {
	return deleteLive(ctx, viewOf(tx, tx.s.portal.articles), id)
}

// ListArticles implements portal.ArticleStore.
func (tx *Tx) ListArticles(ctx context.Context, page psa.PageRequest) (psa.Page[portal.Article], error) {
	return listLive(ctx, viewOf(tx, tx.s.portal.articles), tx.s.portal.liveArticles, liveGroup, page)
}
