package portal

import (
	"context"
	"errors"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
	"github.com/psakit/psa/staff"
)

// AccountStore keeps portal accounts. Like every store of psa it takes and returns copies,
// isolates transactions (each sees only its own uncommitted writes), may be called from many
// goroutines each in its own transaction, and may report a lost race with an error wrapping
// psa.ErrConflict.
type AccountStore interface {
	// GetAccount returns the account with id, or a *psa.NotFoundError.
	GetAccount(ctx context.Context, id psa.PortalUserID) (Account, error)
	// FindAccountByUsername returns the account whose Username is username (compared as stored),
	// or a *psa.NotFoundError.
	FindAccountByUsername(ctx context.Context, username string) (Account, error)
	// FindAccountByContact returns the account of contact, or a *psa.NotFoundError.
	FindAccountByContact(ctx context.Context, contact psa.ContactID) (Account, error)
	// CreateAccount stores a as given. It fails with a *psa.AlreadyExistsError when a.ID, a.Username
	// or a.ContactID is taken by another account.
	CreateAccount(ctx context.Context, a Account) error
	// UpdateAccount replaces the stored account a.ID; a.Version must be the stored version (else a
	// *psa.VersionConflictError) and is stored increased by one. An unknown account is a
	// *psa.NotFoundError; a Username or ContactID taken by another account a *psa.AlreadyExistsError.
	UpdateAccount(ctx context.Context, a Account) error
	// ListAccounts returns a page of client's accounts in ascending ID order.
	ListAccounts(ctx context.Context, client psa.ClientID, page psa.PageRequest) (psa.Page[Account], error)
}

// TokenStore keeps create-password and reset tokens (their hashes), under the rules of
// AccountStore.
type TokenStore interface {
	// GetToken returns the token with id, or a *psa.NotFoundError.
	GetToken(ctx context.Context, id TokenID) (Token, error)
	// FindTokenByHash returns the token whose Hash is hash, or a *psa.NotFoundError.
	FindTokenByHash(ctx context.Context, hash string) (Token, error)
	// CreateToken stores t as given; a taken ID or Hash is a *psa.AlreadyExistsError.
	CreateToken(ctx context.Context, t Token) error
	// UpdateToken replaces the stored token t.ID under the version rule of UpdateAccount.
	UpdateToken(ctx context.Context, t Token) error
	// ListTokens returns every token of account in ascending ID order.
	ListTokens(ctx context.Context, account psa.PortalUserID) ([]Token, error)
}

// RoleStore keeps custom portal roles (the built-in roles are not stored).
type RoleStore interface {
	// GetRole returns the custom role with id, or a *psa.NotFoundError.
	GetRole(ctx context.Context, id RoleID) (Role, error)
	// PutRole creates r when r.Version is 0 (stored as version 1; a taken ID is a
	// *psa.AlreadyExistsError) and otherwise replaces it: r.Version must be the stored version
	// (else a *psa.VersionConflictError) and is stored increased by one.
	PutRole(ctx context.Context, r Role) error
	// ListRoles returns a page of the custom roles in ascending ID order.
	ListRoles(ctx context.Context, page psa.PageRequest) (psa.Page[Role], error)
}

// SettingsStore keeps the tenant's portal settings.
type SettingsStore interface {
	// GetPortalSettings returns the tenant's portal settings; before any are stored, the zero
	// Settings (Version 0).
	GetPortalSettings(ctx context.Context) (Settings, error)
	// PutPortalSettings stores s; s.Version must be the stored version (0 the first time, else a
	// *psa.VersionConflictError) and is stored increased by one.
	PutPortalSettings(ctx context.Context, s Settings) error
}

// MessageStore keeps portal messages, one copy per mailbox, under the rules of AccountStore.
type MessageStore interface {
	// GetMessage returns the message with id, or a *psa.NotFoundError.
	GetMessage(ctx context.Context, id psa.MessageID) (Message, error)
	// CreateMessage stores m as given; a taken ID is a *psa.AlreadyExistsError.
	CreateMessage(ctx context.Context, m Message) error
	// UpdateMessage replaces the stored message m.ID under the version rule of UpdateAccount.
	UpdateMessage(ctx context.Context, m Message) error
	// DeleteMessage removes the message with id; an unknown one is a *psa.NotFoundError.
	DeleteMessage(ctx context.Context, id psa.MessageID) error
	// ListMessages returns a page of the messages in owner's mailbox in ascending ID order.
	ListMessages(ctx context.Context, owner Party, page psa.PageRequest) (psa.Page[Message], error)
}

// TodoStore keeps to-do items, under the rules of AccountStore.
type TodoStore interface {
	// GetTodo returns the item with id, or a *psa.NotFoundError.
	GetTodo(ctx context.Context, id TodoID) (Todo, error)
	// CreateTodo stores t as given; a taken ID is a *psa.AlreadyExistsError.
	CreateTodo(ctx context.Context, t Todo) error
	// UpdateTodo replaces the stored item t.ID under the version rule of UpdateAccount.
	UpdateTodo(ctx context.Context, t Todo) error
	// DeleteTodo removes the item with id; an unknown one is a *psa.NotFoundError.
	DeleteTodo(ctx context.Context, id TodoID) error
	// ListTodos returns every item of account in ascending ID order.
	ListTodos(ctx context.Context, account psa.PortalUserID) ([]Todo, error)
}

// NewsStore keeps the MSP's news items, under the rules of AccountStore.
type NewsStore interface {
	// GetNews returns the news item with id, or a *psa.NotFoundError.
	GetNews(ctx context.Context, id NewsID) (NewsItem, error)
	// PutNews creates or replaces n like RoleStore.PutRole.
	PutNews(ctx context.Context, n NewsItem) error
	// DeleteNews removes the news item with id; an unknown one is a *psa.NotFoundError.
	DeleteNews(ctx context.Context, id NewsID) error
	// ListNews returns a page of every news item in ascending ID order.
	ListNews(ctx context.Context, page psa.PageRequest) (psa.Page[NewsItem], error)
}

// ArticleStore keeps knowledge-base articles, under the rules of AccountStore.
type ArticleStore interface {
	// GetArticle returns the article with id, or a *psa.NotFoundError.
	GetArticle(ctx context.Context, id ArticleID) (Article, error)
	// CreateArticle stores a as given; a taken ID is a *psa.AlreadyExistsError.
	CreateArticle(ctx context.Context, a Article) error
	// UpdateArticle replaces the stored article a.ID under the version rule of UpdateAccount.
	UpdateArticle(ctx context.Context, a Article) error
	// DeleteArticle removes the article with id; an unknown one is a *psa.NotFoundError.
	DeleteArticle(ctx context.Context, id ArticleID) error
	// ListArticles returns a page of every article in ascending ID order.
	ListArticles(ctx context.Context, page psa.PageRequest) (psa.Page[Article], error)
}

// StaffReader reads the staff members portal messages are addressed to: the part of
// staff.MemberStore the portal needs, under its rules.
type StaffReader interface {
	// GetMember returns the staff member with id, or a *psa.NotFoundError.
	GetMember(ctx context.Context, id psa.StaffID) (staff.Member, error)
}

// Tx is the transaction the portal Service runs in: the stores it reads (clients and contacts,
// contracts, tickets, notes and time entries, the service-desk settings, invoices, staff
// members) and this package's stores.
type Tx interface {
	servicedesk.Tx
	invoice.Tx
	StaffReader
	AccountStore
	TokenStore
	RoleStore
	SettingsStore
	MessageStore
	TodoStore
	NewsStore
	ArticleStore
}

// Settings are the tenant's portal settings.
type Settings struct {
	// Policy is the password policy.
	Policy Policy `json:"policy"`
	// MaxFailedLogins is how many wrong passwords in a row lock an account; 0 means
	// DefaultMaxFailedLogins.
	MaxFailedLogins int `json:"maxFailedLogins,omitempty"`
	// Lockout is how long a lockout lasts; 0 means DefaultLockout.
	Lockout time.Duration `json:"lockout,omitempty"`
	Version int64         `json:"version"`
}

// Lockout defaults.
const (
	DefaultMaxFailedLogins = 5
	DefaultLockout         = 15 * time.Minute
)

// lockout returns the effective lockout rule.
func (s Settings) lockout() (attempts int, period time.Duration) {
	attempts, period = s.MaxFailedLogins, s.Lockout
	if attempts == 0 {
		attempts = DefaultMaxFailedLogins
	}
	if period == 0 {
		period = DefaultLockout
	}
	return attempts, period
}

// Validate reports every broken rule of s: the policy's, 0 to 100 failed logins, and a lockout
// from 0 to 24 hours.
func (s Settings) Validate() error {
	var v psa.Validator
	v.Merge("policy", s.Policy.Validate())
	if s.MaxFailedLogins < 0 || s.MaxFailedLogins > 100 {
		v.Add("maxFailedLogins", itoa(s.MaxFailedLogins), "must be from 0 to 100")
	}
	if s.Lockout < 0 || s.Lockout > 24*time.Hour {
		v.Add("lockout", s.Lockout.String(), "must be from 0 to 24h")
	}
	return v.Err("portal settings")
}

func isNotFound(err error) bool { return errors.Is(err, psa.ErrNotFound) }
