package pgstore

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
)

var _ portal.Tx = (*Tx)(nil)

var (
	accounts = (&table[psa.PortalUserID, portal.Account]{
		kind: "portal user", name: "portal_accounts",
		id:      func(a portal.Account) psa.PortalUserID { return a.ID },
		version: func(a *portal.Account) *int64 { return &a.Version },
		cols: []column[portal.Account]{
			{"client_id", func(a portal.Account) any { return pgKey(a.ClientID) }},
			{"contact_id", func(a portal.Account) any { return pgID(a.ContactID) }},
			{"username", func(a portal.Account) any { return pgText(a.Username) }},
		},
		uniques: []uniqueKey[portal.Account]{
			{"portal_accounts_contact_key", "of contact", func(a portal.Account) string { return a.ContactID.String() }},
			{"portal_accounts_username_key", "username", func(a portal.Account) string { return a.Username }},
		},
		encode: encodeAccount, decode: decodeAccount,
	}).build()

	tokens = (&table[portal.TokenID, portal.Token]{
		kind: "portal token", name: "portal_tokens",
		id:      func(t portal.Token) portal.TokenID { return t.ID },
		version: func(t *portal.Token) *int64 { return &t.Version },
		cols: []column[portal.Token]{
			{"account_id", func(t portal.Token) any { return pgKey(t.AccountID) }},
			{"hash", func(t portal.Token) any { return pgText(t.Hash) }},
		},
		uniques: []uniqueKey[portal.Token]{
			// The hash is a secret's: the error does not repeat it.
			{"portal_tokens_hash_key", "hash", func(portal.Token) string { return "(taken)" }},
		},
	}).build()

	roles = (&table[portal.RoleID, portal.Role]{
		kind: "portal role", name: "portal_roles",
		id:      func(r portal.Role) portal.RoleID { return r.ID },
		version: func(r *portal.Role) *int64 { return &r.Version },
	}).build()

	portalSettings = singleton[portal.Settings]{
		kind: "portal settings", name: "portal_settings",
		version: func(s *portal.Settings) *int64 { return &s.Version },
	}

	messages = (&table[psa.MessageID, portal.Message]{
		kind: "message", name: "portal_messages",
		id:      func(m portal.Message) psa.MessageID { return m.ID },
		version: func(m *portal.Message) *int64 { return &m.Version },
		cols: []column[portal.Message]{
			{"owner", func(m portal.Message) any { return pgUUID(m.Owner.UUID()) }},
		},
	}).build()

	todos = (&table[portal.TodoID, portal.Todo]{
		kind: "to-do item", name: "portal_todos",
		id:      func(t portal.Todo) portal.TodoID { return t.ID },
		version: func(t *portal.Todo) *int64 { return &t.Version },
		cols: []column[portal.Todo]{
			{"account_id", func(t portal.Todo) any { return pgKey(t.AccountID) }},
		},
	}).build()

	news = (&table[portal.NewsID, portal.NewsItem]{
		kind: "news item", name: "portal_news",
		id:      func(n portal.NewsItem) portal.NewsID { return n.ID },
		version: func(n *portal.NewsItem) *int64 { return &n.Version },
	}).build()

	articles = (&table[portal.ArticleID, portal.Article]{
		kind: "article", name: "portal_articles",
		id:      func(a portal.Article) portal.ArticleID { return a.ID },
		version: func(a *portal.Article) *int64 { return &a.Version },
	}).build()
)

// accountDoc is the document of a portal account: the account and its password hash, which
// portal.Account's own encoding leaves out (it is not for clients of the host's API).
type accountDoc struct {
	portal.Account
	PasswordHash string `json:"passwordHash,omitempty"`
}

func encodeAccount(a portal.Account) ([]byte, error) {
	return json.Marshal(accountDoc{a, a.PasswordHash})
}

func decodeAccount(b []byte, a *portal.Account) error {
	var d accountDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	*a = d.Account
	a.PasswordHash = d.PasswordHash
	return nil
}

// GetAccount implements portal.AccountStore.
func (tx *Tx) GetAccount(ctx context.Context, id psa.PortalUserID) (portal.Account, error) {
	return accounts.get(ctx, tx, id)
}

// FindAccountByUsername implements portal.AccountStore.
func (tx *Tx) FindAccountByUsername(ctx context.Context, username string) (portal.Account, error) {
	if username == "" {
		return portal.Account{}, &psa.NotFoundError{Kind: "portal user", Key: "with an empty username"}
	}
	return accounts.findBy(ctx, tx, "username "+username, "username = $1", username)
}

// FindAccountByContact implements portal.AccountStore.
func (tx *Tx) FindAccountByContact(ctx context.Context, contact psa.ContactID) (portal.Account, error) {
	if psa.IsNil(contact) {
		return portal.Account{}, &psa.NotFoundError{Kind: "portal user", Key: "of the nil contact"}
	}
	return accounts.findBy(ctx, tx, "of contact "+contact.String(), "contact_id = $1", pgID(contact))
}

// CreateAccount implements portal.AccountStore.
func (tx *Tx) CreateAccount(ctx context.Context, a portal.Account) error {
	return accounts.create(ctx, tx, a)
}

// UpdateAccount implements portal.AccountStore.
func (tx *Tx) UpdateAccount(ctx context.Context, a portal.Account) error {
	return accounts.update(ctx, tx, a)
}

// ListAccounts implements portal.AccountStore.
func (tx *Tx) ListAccounts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[portal.Account], error) {
	return accounts.list(ctx, tx, page, "client_id = $1", pgKey(clientID))
}

// GetToken implements portal.TokenStore.
func (tx *Tx) GetToken(ctx context.Context, id portal.TokenID) (portal.Token, error) {
	return tokens.get(ctx, tx, id)
}

// FindTokenByHash implements portal.TokenStore.
func (tx *Tx) FindTokenByHash(ctx context.Context, hash string) (portal.Token, error) {
	if hash == "" {
		return portal.Token{}, &psa.NotFoundError{Kind: "portal token", Key: "with an empty hash"}
	}
	return tokens.findBy(ctx, tx, "with that hash", "hash = $1", hash)
}

// CreateToken implements portal.TokenStore.
func (tx *Tx) CreateToken(ctx context.Context, t portal.Token) error {
	return tokens.create(ctx, tx, t)
}

// UpdateToken implements portal.TokenStore.
func (tx *Tx) UpdateToken(ctx context.Context, t portal.Token) error {
	return tokens.update(ctx, tx, t)
}

// ListTokens implements portal.TokenStore.
func (tx *Tx) ListTokens(ctx context.Context, account psa.PortalUserID) ([]portal.Token, error) {
	if psa.IsNil(account) {
		return nil, nil
	}
	return tokens.all(ctx, tx, "account_id = $1", pgKey(account))
}

// GetRole implements portal.RoleStore.
func (tx *Tx) GetRole(ctx context.Context, id portal.RoleID) (portal.Role, error) {
	return roles.get(ctx, tx, id)
}

// PutRole implements portal.RoleStore.
func (tx *Tx) PutRole(ctx context.Context, r portal.Role) error {
	return roles.put(ctx, tx, r)
}

// ListRoles implements portal.RoleStore.
func (tx *Tx) ListRoles(ctx context.Context, page psa.PageRequest) (psa.Page[portal.Role], error) {
	return roles.list(ctx, tx, page, "true")
}

// GetPortalSettings implements portal.SettingsStore.
func (tx *Tx) GetPortalSettings(ctx context.Context) (portal.Settings, error) {
	return portalSettings.get(ctx, tx)
}

// PutPortalSettings implements portal.SettingsStore.
func (tx *Tx) PutPortalSettings(ctx context.Context, s portal.Settings) error {
	return portalSettings.put(ctx, tx, s)
}

// GetMessage implements portal.MessageStore.
func (tx *Tx) GetMessage(ctx context.Context, id psa.MessageID) (portal.Message, error) {
	return messages.get(ctx, tx, id)
}

// CreateMessage implements portal.MessageStore.
func (tx *Tx) CreateMessage(ctx context.Context, m portal.Message) error {
	return messages.create(ctx, tx, m)
}

// UpdateMessage implements portal.MessageStore.
func (tx *Tx) UpdateMessage(ctx context.Context, m portal.Message) error {
	return messages.update(ctx, tx, m)
}

// DeleteMessage implements portal.MessageStore: the row is removed.
func (tx *Tx) DeleteMessage(ctx context.Context, id psa.MessageID) error {
	return messages.remove(ctx, tx, id)
}

// ListMessages implements portal.MessageStore. The mailbox of no party is empty.
func (tx *Tx) ListMessages(ctx context.Context, owner portal.Party, page psa.PageRequest) (psa.Page[portal.Message], error) {
	if owner.UUID() == uuid.Nil {
		if _, err := page.Normalize(); err != nil {
			return psa.Page[portal.Message]{}, err
		}
		return psa.Page[portal.Message]{}, nil
	}
	return messages.list(ctx, tx, page, "owner = $1", pgUUID(owner.UUID()))
}

// GetTodo implements portal.TodoStore.
func (tx *Tx) GetTodo(ctx context.Context, id portal.TodoID) (portal.Todo, error) {
	return todos.get(ctx, tx, id)
}

// CreateTodo implements portal.TodoStore.
func (tx *Tx) CreateTodo(ctx context.Context, t portal.Todo) error {
	return todos.create(ctx, tx, t)
}

// UpdateTodo implements portal.TodoStore.
func (tx *Tx) UpdateTodo(ctx context.Context, t portal.Todo) error {
	return todos.update(ctx, tx, t)
}

// DeleteTodo implements portal.TodoStore: the row is removed.
func (tx *Tx) DeleteTodo(ctx context.Context, id portal.TodoID) error {
	return todos.remove(ctx, tx, id)
}

// ListTodos implements portal.TodoStore.
func (tx *Tx) ListTodos(ctx context.Context, account psa.PortalUserID) ([]portal.Todo, error) {
	if psa.IsNil(account) {
		return nil, nil
	}
	return todos.all(ctx, tx, "account_id = $1", pgKey(account))
}

// GetNews implements portal.NewsStore.
func (tx *Tx) GetNews(ctx context.Context, id portal.NewsID) (portal.NewsItem, error) {
	return news.get(ctx, tx, id)
}

// PutNews implements portal.NewsStore.
func (tx *Tx) PutNews(ctx context.Context, n portal.NewsItem) error {
	return news.put(ctx, tx, n)
}

// DeleteNews implements portal.NewsStore: the row is removed.
func (tx *Tx) DeleteNews(ctx context.Context, id portal.NewsID) error {
	return news.remove(ctx, tx, id)
}

// ListNews implements portal.NewsStore.
func (tx *Tx) ListNews(ctx context.Context, page psa.PageRequest) (psa.Page[portal.NewsItem], error) {
	return news.list(ctx, tx, page, "true")
}

// GetArticle implements portal.ArticleStore.
func (tx *Tx) GetArticle(ctx context.Context, id portal.ArticleID) (portal.Article, error) {
	return articles.get(ctx, tx, id)
}

// CreateArticle implements portal.ArticleStore.
func (tx *Tx) CreateArticle(ctx context.Context, a portal.Article) error {
	return articles.create(ctx, tx, a)
}

// UpdateArticle implements portal.ArticleStore.
func (tx *Tx) UpdateArticle(ctx context.Context, a portal.Article) error {
	return articles.update(ctx, tx, a)
}

// DeleteArticle implements portal.ArticleStore: the row is removed.
func (tx *Tx) DeleteArticle(ctx context.Context, id portal.ArticleID) error {
	return articles.remove(ctx, tx, id)
}

// ListArticles implements portal.ArticleStore.
func (tx *Tx) ListArticles(ctx context.Context, page psa.PageRequest) (psa.Page[portal.Article], error) {
	return articles.list(ctx, tx, page, "true")
}
