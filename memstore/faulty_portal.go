package memstore

// The store methods of FaultyTx for the portal and staff stores; see faulty_tx.go.

import (
	"context"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/staff"
)

// GetAccount is Tx.GetAccount, failed when the fault function says so.
func (ft *FaultyTx) GetAccount(ctx context.Context, id psa.PortalUserID) (portal.Account, error) {
	if err := ft.f.call("GetAccount"); err != nil {
		return failed[portal.Account](err)
	}
	return ft.tx.GetAccount(ctx, id)
}

// FindAccountByUsername is Tx.FindAccountByUsername, failed when the fault function says so.
func (ft *FaultyTx) FindAccountByUsername(ctx context.Context, username string) (portal.Account, error) {
	if err := ft.f.call("FindAccountByUsername"); err != nil {
		return failed[portal.Account](err)
	}
	return ft.tx.FindAccountByUsername(ctx, username)
}

// FindAccountByContact is Tx.FindAccountByContact, failed when the fault function says so.
func (ft *FaultyTx) FindAccountByContact(ctx context.Context, contact psa.ContactID) (portal.Account, error) {
	if err := ft.f.call("FindAccountByContact"); err != nil {
		return failed[portal.Account](err)
	}
	return ft.tx.FindAccountByContact(ctx, contact)
}

// CreateAccount is Tx.CreateAccount, failed when the fault function says so.
func (ft *FaultyTx) CreateAccount(ctx context.Context, a portal.Account) error {
	if err := ft.f.call("CreateAccount"); err != nil {
		return err
	}
	return ft.tx.CreateAccount(ctx, a)
}

// UpdateAccount is Tx.UpdateAccount, failed when the fault function says so.
func (ft *FaultyTx) UpdateAccount(ctx context.Context, a portal.Account) error {
	if err := ft.f.call("UpdateAccount"); err != nil {
		return err
	}
	return ft.tx.UpdateAccount(ctx, a)
}

// ListAccounts is Tx.ListAccounts, failed when the fault function says so.
func (ft *FaultyTx) ListAccounts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[portal.Account], error) {
	if err := ft.f.call("ListAccounts"); err != nil {
		return failed[psa.Page[portal.Account]](err)
	}
	return ft.tx.ListAccounts(ctx, clientID, page)
}

// GetToken is Tx.GetToken, failed when the fault function says so.
func (ft *FaultyTx) GetToken(ctx context.Context, id portal.TokenID) (portal.Token, error) {
	if err := ft.f.call("GetToken"); err != nil {
		return failed[portal.Token](err)
	}
	return ft.tx.GetToken(ctx, id)
}

// FindTokenByHash is Tx.FindTokenByHash, failed when the fault function says so.
func (ft *FaultyTx) FindTokenByHash(ctx context.Context, hash string) (portal.Token, error) {
	if err := ft.f.call("FindTokenByHash"); err != nil {
		return failed[portal.Token](err)
	}
	return ft.tx.FindTokenByHash(ctx, hash)
}

// CreateToken is Tx.CreateToken, failed when the fault function says so.
func (ft *FaultyTx) CreateToken(ctx context.Context, t portal.Token) error {
	if err := ft.f.call("CreateToken"); err != nil {
		return err
	}
	return ft.tx.CreateToken(ctx, t)
}

// UpdateToken is Tx.UpdateToken, failed when the fault function says so.
func (ft *FaultyTx) UpdateToken(ctx context.Context, t portal.Token) error {
	if err := ft.f.call("UpdateToken"); err != nil {
		return err
	}
	return ft.tx.UpdateToken(ctx, t)
}

// ListTokens is Tx.ListTokens, failed when the fault function says so.
func (ft *FaultyTx) ListTokens(ctx context.Context, account psa.PortalUserID) ([]portal.Token, error) {
	if err := ft.f.call("ListTokens"); err != nil {
		return failed[[]portal.Token](err)
	}
	return ft.tx.ListTokens(ctx, account)
}

// GetRole is Tx.GetRole, failed when the fault function says so.
func (ft *FaultyTx) GetRole(ctx context.Context, id portal.RoleID) (portal.Role, error) {
	if err := ft.f.call("GetRole"); err != nil {
		return failed[portal.Role](err)
	}
	return ft.tx.GetRole(ctx, id)
}

// PutRole is Tx.PutRole, failed when the fault function says so.
func (ft *FaultyTx) PutRole(ctx context.Context, r portal.Role) error {
	if err := ft.f.call("PutRole"); err != nil {
		return err
	}
	return ft.tx.PutRole(ctx, r)
}

// ListRoles is Tx.ListRoles, failed when the fault function says so.
func (ft *FaultyTx) ListRoles(ctx context.Context, page psa.PageRequest) (psa.Page[portal.Role], error) {
	if err := ft.f.call("ListRoles"); err != nil {
		return failed[psa.Page[portal.Role]](err)
	}
	return ft.tx.ListRoles(ctx, page)
}

// GetPortalSettings is Tx.GetPortalSettings, failed when the fault function says so.
func (ft *FaultyTx) GetPortalSettings(ctx context.Context) (portal.Settings, error) {
	if err := ft.f.call("GetPortalSettings"); err != nil {
		return failed[portal.Settings](err)
	}
	return ft.tx.GetPortalSettings(ctx)
}

// PutPortalSettings is Tx.PutPortalSettings, failed when the fault function says so.
func (ft *FaultyTx) PutPortalSettings(ctx context.Context, set portal.Settings) error {
	if err := ft.f.call("PutPortalSettings"); err != nil {
		return err
	}
	return ft.tx.PutPortalSettings(ctx, set)
}

// GetMessage is Tx.GetMessage, failed when the fault function says so.
func (ft *FaultyTx) GetMessage(ctx context.Context, id psa.MessageID) (portal.Message, error) {
	if err := ft.f.call("GetMessage"); err != nil {
		return failed[portal.Message](err)
	}
	return ft.tx.GetMessage(ctx, id)
}

// CreateMessage is Tx.CreateMessage, failed when the fault function says so.
func (ft *FaultyTx) CreateMessage(ctx context.Context, m portal.Message) error {
	if err := ft.f.call("CreateMessage"); err != nil {
		return err
	}
	return ft.tx.CreateMessage(ctx, m)
}

// UpdateMessage is Tx.UpdateMessage, failed when the fault function says so.
func (ft *FaultyTx) UpdateMessage(ctx context.Context, m portal.Message) error {
	if err := ft.f.call("UpdateMessage"); err != nil {
		return err
	}
	return ft.tx.UpdateMessage(ctx, m)
}

// DeleteMessage is Tx.DeleteMessage, failed when the fault function says so.
func (ft *FaultyTx) DeleteMessage(ctx context.Context, id psa.MessageID) error {
	if err := ft.f.call("DeleteMessage"); err != nil {
		return err
	}
	return ft.tx.DeleteMessage(ctx, id)
}

// ListMessages is Tx.ListMessages, failed when the fault function says so.
func (ft *FaultyTx) ListMessages(ctx context.Context, owner portal.Party, page psa.PageRequest) (psa.Page[portal.Message], error) {
	if err := ft.f.call("ListMessages"); err != nil {
		return failed[psa.Page[portal.Message]](err)
	}
	return ft.tx.ListMessages(ctx, owner, page)
}

// GetTodo is Tx.GetTodo, failed when the fault function says so.
func (ft *FaultyTx) GetTodo(ctx context.Context, id portal.TodoID) (portal.Todo, error) {
	if err := ft.f.call("GetTodo"); err != nil {
		return failed[portal.Todo](err)
	}
	return ft.tx.GetTodo(ctx, id)
}

// CreateTodo is Tx.CreateTodo, failed when the fault function says so.
func (ft *FaultyTx) CreateTodo(ctx context.Context, t portal.Todo) error {
	if err := ft.f.call("CreateTodo"); err != nil {
		return err
	}
	return ft.tx.CreateTodo(ctx, t)
}

// UpdateTodo is Tx.UpdateTodo, failed when the fault function says so.
func (ft *FaultyTx) UpdateTodo(ctx context.Context, t portal.Todo) error {
	if err := ft.f.call("UpdateTodo"); err != nil {
		return err
	}
	return ft.tx.UpdateTodo(ctx, t)
}

// DeleteTodo is Tx.DeleteTodo, failed when the fault function says so.
func (ft *FaultyTx) DeleteTodo(ctx context.Context, id portal.TodoID) error {
	if err := ft.f.call("DeleteTodo"); err != nil {
		return err
	}
	return ft.tx.DeleteTodo(ctx, id)
}

// ListTodos is Tx.ListTodos, failed when the fault function says so.
func (ft *FaultyTx) ListTodos(ctx context.Context, account psa.PortalUserID) ([]portal.Todo, error) {
	if err := ft.f.call("ListTodos"); err != nil {
		return failed[[]portal.Todo](err)
	}
	return ft.tx.ListTodos(ctx, account)
}

// GetNews is Tx.GetNews, failed when the fault function says so.
func (ft *FaultyTx) GetNews(ctx context.Context, id portal.NewsID) (portal.NewsItem, error) {
	if err := ft.f.call("GetNews"); err != nil {
		return failed[portal.NewsItem](err)
	}
	return ft.tx.GetNews(ctx, id)
}

// PutNews is Tx.PutNews, failed when the fault function says so.
func (ft *FaultyTx) PutNews(ctx context.Context, n portal.NewsItem) error {
	if err := ft.f.call("PutNews"); err != nil {
		return err
	}
	return ft.tx.PutNews(ctx, n)
}

// DeleteNews is Tx.DeleteNews, failed when the fault function says so.
func (ft *FaultyTx) DeleteNews(ctx context.Context, id portal.NewsID) error {
	if err := ft.f.call("DeleteNews"); err != nil {
		return err
	}
	return ft.tx.DeleteNews(ctx, id)
}

// ListNews is Tx.ListNews, failed when the fault function says so.
func (ft *FaultyTx) ListNews(ctx context.Context, page psa.PageRequest) (psa.Page[portal.NewsItem], error) {
	if err := ft.f.call("ListNews"); err != nil {
		return failed[psa.Page[portal.NewsItem]](err)
	}
	return ft.tx.ListNews(ctx, page)
}

// GetArticle is Tx.GetArticle, failed when the fault function says so.
func (ft *FaultyTx) GetArticle(ctx context.Context, id portal.ArticleID) (portal.Article, error) {
	if err := ft.f.call("GetArticle"); err != nil {
		return failed[portal.Article](err)
	}
	return ft.tx.GetArticle(ctx, id)
}

// CreateArticle is Tx.CreateArticle, failed when the fault function says so.
func (ft *FaultyTx) CreateArticle(ctx context.Context, a portal.Article) error {
	if err := ft.f.call("CreateArticle"); err != nil {
		return err
	}
	return ft.tx.CreateArticle(ctx, a)
}

// UpdateArticle is Tx.UpdateArticle, failed when the fault function says so.
func (ft *FaultyTx) UpdateArticle(ctx context.Context, a portal.Article) error {
	if err := ft.f.call("UpdateArticle"); err != nil {
		return err
	}
	return ft.tx.UpdateArticle(ctx, a)
}

// DeleteArticle is Tx.DeleteArticle, failed when the fault function says so.
func (ft *FaultyTx) DeleteArticle(ctx context.Context, id portal.ArticleID) error {
	if err := ft.f.call("DeleteArticle"); err != nil {
		return err
	}
	return ft.tx.DeleteArticle(ctx, id)
}

// ListArticles is Tx.ListArticles, failed when the fault function says so.
func (ft *FaultyTx) ListArticles(ctx context.Context, page psa.PageRequest) (psa.Page[portal.Article], error) {
	if err := ft.f.call("ListArticles"); err != nil {
		return failed[psa.Page[portal.Article]](err)
	}
	return ft.tx.ListArticles(ctx, page)
}

// GetSecurityLevel is Tx.GetSecurityLevel, failed when the fault function says so.
func (ft *FaultyTx) GetSecurityLevel(ctx context.Context, id psa.SecurityLevelID) (staff.SecurityLevel, error) {
	if err := ft.f.call("GetSecurityLevel"); err != nil {
		return failed[staff.SecurityLevel](err)
	}
	return ft.tx.GetSecurityLevel(ctx, id)
}

// FindSecurityLevelByName is Tx.FindSecurityLevelByName, failed when the fault function says so.
func (ft *FaultyTx) FindSecurityLevelByName(ctx context.Context, name string) (staff.SecurityLevel, error) {
	if err := ft.f.call("FindSecurityLevelByName"); err != nil {
		return failed[staff.SecurityLevel](err)
	}
	return ft.tx.FindSecurityLevelByName(ctx, name)
}

// CreateSecurityLevel is Tx.CreateSecurityLevel, failed when the fault function says so.
func (ft *FaultyTx) CreateSecurityLevel(ctx context.Context, l staff.SecurityLevel) error {
	if err := ft.f.call("CreateSecurityLevel"); err != nil {
		return err
	}
	return ft.tx.CreateSecurityLevel(ctx, l)
}

// UpdateSecurityLevel is Tx.UpdateSecurityLevel, failed when the fault function says so.
func (ft *FaultyTx) UpdateSecurityLevel(ctx context.Context, l staff.SecurityLevel) error {
	if err := ft.f.call("UpdateSecurityLevel"); err != nil {
		return err
	}
	return ft.tx.UpdateSecurityLevel(ctx, l)
}

// DeleteSecurityLevel is Tx.DeleteSecurityLevel, failed when the fault function says so.
func (ft *FaultyTx) DeleteSecurityLevel(ctx context.Context, id psa.SecurityLevelID, version int64) error {
	if err := ft.f.call("DeleteSecurityLevel"); err != nil {
		return err
	}
	return ft.tx.DeleteSecurityLevel(ctx, id, version)
}

// ListSecurityLevels is Tx.ListSecurityLevels, failed when the fault function says so.
func (ft *FaultyTx) ListSecurityLevels(ctx context.Context, page psa.PageRequest) (psa.Page[staff.SecurityLevel], error) {
	if err := ft.f.call("ListSecurityLevels"); err != nil {
		return failed[psa.Page[staff.SecurityLevel]](err)
	}
	return ft.tx.ListSecurityLevels(ctx, page)
}

// GetMember is Tx.GetMember, failed when the fault function says so.
func (ft *FaultyTx) GetMember(ctx context.Context, id psa.StaffID) (staff.Member, error) {
	if err := ft.f.call("GetMember"); err != nil {
		return failed[staff.Member](err)
	}
	return ft.tx.GetMember(ctx, id)
}

// CreateMember is Tx.CreateMember, failed when the fault function says so.
func (ft *FaultyTx) CreateMember(ctx context.Context, m staff.Member) error {
	if err := ft.f.call("CreateMember"); err != nil {
		return err
	}
	return ft.tx.CreateMember(ctx, m)
}

// UpdateMember is Tx.UpdateMember, failed when the fault function says so.
func (ft *FaultyTx) UpdateMember(ctx context.Context, m staff.Member) error {
	if err := ft.f.call("UpdateMember"); err != nil {
		return err
	}
	return ft.tx.UpdateMember(ctx, m)
}

// ListMembers is Tx.ListMembers, failed when the fault function says so.
func (ft *FaultyTx) ListMembers(ctx context.Context, level psa.SecurityLevelID, page psa.PageRequest) (psa.Page[staff.Member], error) {
	if err := ft.f.call("ListMembers"); err != nil {
		return failed[psa.Page[staff.Member]](err)
	}
	return ft.tx.ListMembers(ctx, level, page)
}

// ListAllMembers is Tx.ListAllMembers, failed when the fault function says so.
func (ft *FaultyTx) ListAllMembers(ctx context.Context, page psa.PageRequest) (psa.Page[staff.Member], error) {
	if err := ft.f.call("ListAllMembers"); err != nil {
		return failed[psa.Page[staff.Member]](err)
	}
	return ft.tx.ListAllMembers(ctx, page)
}

// GetAPIUser is Tx.GetAPIUser, failed when the fault function says so.
func (ft *FaultyTx) GetAPIUser(ctx context.Context, id psa.APIUserID) (staff.APIUser, error) {
	if err := ft.f.call("GetAPIUser"); err != nil {
		return failed[staff.APIUser](err)
	}
	return ft.tx.GetAPIUser(ctx, id)
}

// FindAPIUserByUsername is Tx.FindAPIUserByUsername, failed when the fault function says so.
func (ft *FaultyTx) FindAPIUserByUsername(ctx context.Context, username string) (staff.APIUser, error) {
	if err := ft.f.call("FindAPIUserByUsername"); err != nil {
		return failed[staff.APIUser](err)
	}
	return ft.tx.FindAPIUserByUsername(ctx, username)
}

// CreateAPIUser is Tx.CreateAPIUser, failed when the fault function says so.
func (ft *FaultyTx) CreateAPIUser(ctx context.Context, u staff.APIUser) error {
	if err := ft.f.call("CreateAPIUser"); err != nil {
		return err
	}
	return ft.tx.CreateAPIUser(ctx, u)
}

// UpdateAPIUser is Tx.UpdateAPIUser, failed when the fault function says so.
func (ft *FaultyTx) UpdateAPIUser(ctx context.Context, u staff.APIUser) error {
	if err := ft.f.call("UpdateAPIUser"); err != nil {
		return err
	}
	return ft.tx.UpdateAPIUser(ctx, u)
}

// ListAPIUsers is Tx.ListAPIUsers, failed when the fault function says so.
func (ft *FaultyTx) ListAPIUsers(ctx context.Context, level psa.SecurityLevelID, page psa.PageRequest) (psa.Page[staff.APIUser], error) {
	if err := ft.f.call("ListAPIUsers"); err != nil {
		return failed[psa.Page[staff.APIUser]](err)
	}
	return ft.tx.ListAPIUsers(ctx, level, page)
}

// ListAllAPIUsers is Tx.ListAllAPIUsers, failed when the fault function says so.
func (ft *FaultyTx) ListAllAPIUsers(ctx context.Context, page psa.PageRequest) (psa.Page[staff.APIUser], error) {
	if err := ft.f.call("ListAllAPIUsers"); err != nil {
		return failed[psa.Page[staff.APIUser]](err)
	}
	return ft.tx.ListAllAPIUsers(ctx, page)
}
