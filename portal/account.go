package portal

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/psakit/psa"
)

// Identifiers of the portal's own objects. Like the identifiers of package psa they embed
// uuid.UUID, keep its text, JSON and SQL methods, and satisfy psa.ID.
type (
	// RoleID identifies a portal security role: one of the built-in roles or a custom role.
	RoleID struct{ uuid.UUID }
	// TokenID identifies a stored create-password or password-reset token.
	TokenID struct{ uuid.UUID }
	// TodoID identifies an item of a portal user's to-do list.
	TodoID struct{ uuid.UUID }
	// NewsID identifies a news item the MSP publishes on the portal dashboard.
	NewsID struct{ uuid.UUID }
	// ArticleID identifies a knowledge-base article.
	ArticleID struct{ uuid.UUID }
)

// ExternalUser returns the built-in role External User (seed 004), whose ID is fixed: the user
// may see and edit their own profile and messages, and the tickets they are the contact person
// of. Each call returns a new value, so that no caller can change what the role allows.
func ExternalUser() Role {
	return Role{ID: RoleID{uuid.UUID{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 15: 1}}, Name: "External User", BuiltIn: true,
		Permissions: Permissions{TimeEntries: true, QuickTickets: true}}
}

// ExternalManager returns the built-in role External Manager (seed 004), whose ID is fixed: the
// user may also see every ticket of their client organization (and of its sub-organizations
// when their account says so), its contracts and its invoices. Each call returns a new value.
func ExternalManager() Role {
	return Role{ID: RoleID{uuid.UUID{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 15: 2}}, Name: "External Manager", BuiltIn: true,
		Permissions: Permissions{OrganizationTickets: true, Contracts: true, Invoices: true, TimeEntries: true}}
}

// BuiltInRoles returns the built-in roles, ExternalUser and ExternalManager, in a new slice.
// Custom roles get new IDs.
func BuiltInRoles() []Role { return []Role{ExternalUser(), ExternalManager()} }

// builtInRole returns the built-in role with id.
func builtInRole(id RoleID) (Role, bool) {
	for _, r := range BuiltInRoles() {
		if r.ID == id {
			return r, true
		}
	}
	return Role{}, false
}

// Permissions are what a portal role allows beyond what every portal user may do (see their own
// profile, their own messages, the tickets they are the contact person of, the dashboard and the
// knowledge base).
type Permissions struct {
	// OrganizationTickets shows every ticket of the user's client organization, whoever its
	// contact person is, and lets the user open tickets for other contacts of the organization.
	OrganizationTickets bool `json:"organizationTickets,omitempty"`
	// Contracts shows the organization's active contracts with their contract information.
	Contracts bool `json:"contracts,omitempty"`
	// Invoices shows the organization's invoices (never drafts) with their payments.
	Invoices bool `json:"invoices,omitempty"`
	// TimeEntries shows the time entries of the tickets the user sees, when the tenant's
	// service-desk setting "Show Time Entries in Client Portal" is on as well.
	TimeEntries bool `json:"timeEntries,omitempty"`
	// QuickTickets gives the user the simplified new-ticket form (QuickTicketFields) instead of
	// the one staff use (FullTicketFields).
	QuickTickets bool `json:"quickTickets,omitempty"`
	// ManageUsers lets the user see the organization's contacts with their portal access
	// (Service.OrganizationUsers) and give or take it away (Service.ManageUser).
	ManageUsers bool `json:"manageUsers,omitempty"`
}

// organizationWide reports whether p shows anything of the organization beyond the user's own.
func (p Permissions) organizationWide() bool {
	return p.OrganizationTickets || p.Contracts || p.Invoices || p.ManageUsers
}

// Role is a portal security role: a named set of permissions.
type Role struct {
	ID          RoleID      `json:"id"`
	Name        string      `json:"name"`
	Permissions Permissions `json:"permissions"`
	// BuiltIn marks ExternalUser and ExternalManager, which are not stored and cannot change.
	BuiltIn bool  `json:"builtIn,omitempty"`
	Version int64 `json:"version"`
}

// Validate reports every broken rule of a custom role: a name is required and the ID must not
// be a built-in role's.
func (r Role) Validate() error {
	var v psa.Validator
	v.Require("name", r.Name)
	if _, ok := builtInRole(r.ID); ok || r.BuiltIn {
		v.Add("id", r.ID.String(), "is a built-in role, which cannot be changed")
	}
	return v.Err("portal role")
}

// LandingPage is the page a portal user sees first after logging in (seed 004 "My Settings",
// Preferences tab).
type LandingPage string

// Landing pages.
const (
	PageDashboard     LandingPage = "dashboard"
	PageMyTickets     LandingPage = "my tickets"
	PageTickets       LandingPage = "tickets"
	PageContracts     LandingPage = "contracts"
	PageInvoices      LandingPage = "invoices"
	PageMessages      LandingPage = "messages"
	PageKnowledgeBase LandingPage = "knowledge base"
)

// LandingPages returns every landing page, in a new slice.
func LandingPages() []LandingPage {
	return []LandingPage{PageDashboard, PageMyTickets, PageTickets, PageContracts, PageInvoices, PageMessages, PageKnowledgeBase}
}

// allowedBy reports whether a user with permissions p may land on page l.
func (l LandingPage) allowedBy(p Permissions) bool {
	switch l {
	case PageDashboard, PageMyTickets, PageMessages, PageKnowledgeBase:
		return true
	case PageTickets:
		return p.OrganizationTickets
	case PageContracts:
		return p.Contracts
	case PageInvoices:
		return p.Invoices
	}
	return false
}

// Account is a contact's portal account (seed 004 "Client Portal Access" tab): whether the
// contact has portal access, their username and security role, their password (as a hash), the
// lockout state, and their portal preferences.
type Account struct {
	ID        psa.PortalUserID `json:"id"`
	ContactID psa.ContactID    `json:"contactId"`
	// ClientID is the contact's client organization.
	ClientID psa.ClientID `json:"clientId"`
	// Username is unique per tenant; the service stores it in lower case.
	Username string `json:"username"`
	// Enabled is "Has Client Portal Access".
	Enabled bool   `json:"enabled"`
	RoleID  RoleID `json:"roleId"`
	// SubOrganizations extends what the role shows of the organization (its tickets, contracts,
	// invoices) to the organization's sub-organizations.
	SubOrganizations bool `json:"subOrganizations,omitempty"`
	// PasswordHash is the Hasher's encoding of the password; "" until a password is set.
	PasswordHash  string    `json:"-"`
	PasswordSetAt time.Time `json:"passwordSetAt"`
	// FailedLogins counts the password checks (of Login and ChangePassword) since the last
	// successful one or lockout; each is counted before it runs, so checks still running count
	// too. LockedUntil is the end of the current lockout.
	FailedLogins int       `json:"failedLogins,omitempty"`
	LockedUntil  time.Time `json:"lockedUntil"`
	LastLoginAt  time.Time `json:"lastLoginAt"`
	// Photo is the host's storage key of the user's photo; "" for none.
	Photo       string      `json:"photo,omitempty"`
	LandingPage LandingPage `json:"landingPage,omitempty"`
	// Notes are the user's personal notes (the dashboard's "My Notes").
	Notes     string    `json:"notes,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// HasPassword reports whether a password has been set (PasswordSetAt is set with the hash, and
// stays when the service returns an account without its hash).
func (a Account) HasPassword() bool { return !a.PasswordSetAt.IsZero() }

// NormalizeUsername returns the form usernames are stored and compared in: trimmed and in lower
// case.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validUsername reports why s (normalized) is not a username, or "".
func validUsername(s string) string {
	switch {
	case s == "":
		return "is required (or the contact's e-mail address)"
	case len(s) > 254:
		return "is longer than 254 bytes"
	case strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return "must not contain white space or control characters"
	}
	return ""
}

// Party is a sender or recipient of a portal message: exactly one of a portal user and a staff
// member.
type Party struct {
	Account psa.PortalUserID `json:"account"`
	Staff   psa.StaffID      `json:"staff"`
}

// IsZero reports whether p names nobody.
func (p Party) IsZero() bool { return psa.IsNil(p.Account) && psa.IsNil(p.Staff) }

// valid reports whether p names exactly one party.
func (p Party) valid() bool { return psa.IsNil(p.Account) != psa.IsNil(p.Staff) }

// UUID returns the identifier of whoever p names (the account's, else the staff member's).
func (p Party) UUID() uuid.UUID {
	if !psa.IsNil(p.Account) {
		return p.Account.UUID
	}
	return p.Staff.UUID
}

// String names the party ("portal user <id>" or "staff <id>").
func (p Party) String() string {
	if !psa.IsNil(p.Account) {
		return "portal user " + p.Account.String()
	}
	return "staff " + p.Staff.String()
}

// Folder is a mailbox folder (seed 004 "My Messages").
type Folder string

// Folders. Starred is not a folder but a flag; Service.Messages lists it like one.
const (
	FolderInbox   Folder = "inbox"
	FolderSent    Folder = "sent"
	FolderDrafts  Folder = "drafts"
	FolderArchive Folder = "archive"
	// FolderStarred lists the starred messages of every folder.
	FolderStarred Folder = "starred"
)

// Message is one copy of a portal message in one mailbox: the sender's copy (sent or draft) and
// each recipient's copy are separate messages, so that each party files, stars, reads and
// deletes its own. Messages are not linked to tickets.
type Message struct {
	ID psa.MessageID `json:"id"`
	// Owner is whose mailbox the copy is in.
	Owner  Party   `json:"owner"`
	Folder Folder  `json:"folder"`
	From   Party   `json:"from"`
	To     []Party `json:"to"`
	// Subject and Body are the message.
	Subject string `json:"subject"`
	Body    string `json:"body"`
	// InReplyTo is the owner's copy of the message this one answers (nil for none).
	InReplyTo psa.MessageID `json:"inReplyTo"`
	Starred   bool          `json:"starred,omitempty"`
	Read      bool          `json:"read,omitempty"`
	// SentAt is when it was sent; zero for a draft.
	SentAt    time.Time `json:"sentAt"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// Clone returns a copy of m that shares no memory with it.
func (m Message) Clone() Message {
	m.To = slices.Clone(m.To)
	return m
}

// Token is a stored create-password (invitation) or password-reset token. Only the SHA-256 hash
// of the token is stored: the token itself goes to the user and nowhere else.
type Token struct {
	ID        TokenID          `json:"id"`
	AccountID psa.PortalUserID `json:"accountId"`
	Purpose   Purpose          `json:"purpose"`
	// Hash is the hex SHA-256 of the token; unique.
	Hash      string    `json:"hash"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	// UsedAt is when the token was used; RevokedAt when a newer token or a change of access
	// revoked it. A token with either set is spent.
	UsedAt    time.Time `json:"usedAt"`
	RevokedAt time.Time `json:"revokedAt"`
	Version   int64     `json:"version"`
}

// Purpose is what a token is for.
type Purpose string

// Token purposes.
const (
	// PurposeInvitation is the create-password link of a new portal user, valid InvitationTTL.
	PurposeInvitation Purpose = "invitation"
	// PurposeReset is a password-reset link, valid ResetTTL.
	PurposeReset Purpose = "reset"
)

// How long tokens are valid (seed 004: the create-password link is active for 24 hours).
const (
	InvitationTTL = 24 * time.Hour
	ResetTTL      = time.Hour
)

// Todo is an item of a portal user's to-do list (seed 004 "My To-Do List").
type Todo struct {
	ID        TodoID           `json:"id"`
	AccountID psa.PortalUserID `json:"accountId"`
	Text      string           `json:"text"`
	// Due is the due date; the zero Date for none.
	Due psa.Date `json:"due"`
	// DoneAt is when the item was marked done; zero while it is to do.
	DoneAt    time.Time `json:"doneAt"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// Done reports whether the item is on the "Already Done" list.
func (t Todo) Done() bool { return !t.DoneAt.IsZero() }

// NewsItem is company news the MSP publishes on the portal dashboard (seed 004 "News").
type NewsItem struct {
	ID    NewsID `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
	// PublishAt is when the item appears on the portal; the zero time keeps it unpublished.
	PublishAt time.Time `json:"publishAt"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// Visibility says who may read a knowledge-base article.
type Visibility string

// Article visibilities.
const (
	// Internal articles are for staff only.
	Internal Visibility = "internal"
	// AllClients articles are visible in the portal to the users of every client.
	AllClients Visibility = "all clients"
	// SelectedClients articles are visible in the portal to the users of the clients listed in
	// Article.ClientIDs.
	SelectedClients Visibility = "selected clients"
)

// Article is a knowledge-base article (seed 002 "Browse knowledge base articles").
type Article struct {
	ID       ArticleID `json:"id"`
	Title    string    `json:"title"`
	Body     string    `json:"body"`
	Keywords []string  `json:"keywords,omitempty"`
	// Visibility decides who reads it; ClientIDs are the clients of SelectedClients.
	Visibility Visibility     `json:"visibility"`
	ClientIDs  []psa.ClientID `json:"clientIds,omitempty"`
	CreatedAt  time.Time      `json:"createdAt"`
	UpdatedAt  time.Time      `json:"updatedAt"`
	Version    int64          `json:"version"`
}

// Clone returns a copy of a that shares no memory with it.
func (a Article) Clone() Article {
	a.Keywords = slices.Clone(a.Keywords)
	a.ClientIDs = slices.Clone(a.ClientIDs)
	return a
}

// VisibleTo reports whether the users of client may read a in the portal.
func (a Article) VisibleTo(client psa.ClientID) bool {
	switch a.Visibility {
	case AllClients:
		return true
	case SelectedClients:
		return slices.Contains(a.ClientIDs, client)
	}
	return false
}

// Validate reports every broken rule of a: a title, a known visibility, clients exactly when
// the visibility is SelectedClients, each once.
func (a Article) Validate() error {
	var v psa.Validator
	v.Require("title", a.Title)
	switch a.Visibility {
	case Internal, AllClients:
		if len(a.ClientIDs) > 0 {
			v.Add("clientIds", fmt.Sprint(len(a.ClientIDs)), "are only for an article visible to selected clients")
		}
	case SelectedClients:
		if len(a.ClientIDs) == 0 {
			v.Add("clientIds", "", "are required for an article visible to selected clients")
		}
		seen := map[psa.ClientID]bool{}
		for i, c := range a.ClientIDs {
			if psa.IsNil(c) || seen[c] {
				v.Add(fmt.Sprintf("clientIds[%d]", i), c.String(), "is nil or listed twice")
			}
			seen[c] = true
		}
	default:
		v.Add("visibility", string(a.Visibility), `is not "internal", "all clients" or "selected clients"`)
	}
	return v.Err("article")
}
