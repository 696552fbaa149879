package portal

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/servicedesk"
)

// TicketField names a field of the portal's new-ticket form.
type TicketField string

// New-ticket fields (seed 004 "Creating a New Ticket"), with the contract staff also choose.
const (
	TicketSite          TicketField = "site"
	TicketType          TicketField = "ticketType"
	TicketPriority      TicketField = "priority"
	TicketIssueType     TicketField = "issueType"
	TicketSubIssueType  TicketField = "subIssueType"
	TicketHardwareAsset TicketField = "hardwareAssetId"
	TicketSoftwareAsset TicketField = "softwareAssetId"
	TicketAttachments   TicketField = "attachments"
	TicketTitle         TicketField = "title"
	TicketDetails       TicketField = "details"
	TicketCategory      TicketField = "category"
	TicketContract      TicketField = "contractId"
)

// QuickTicketFields returns the simplified new-ticket form of roles with the QuickTickets
// permission (seed 004 "Quick Tickets"), in the form's order and a new slice.
func QuickTicketFields() []TicketField {
	return []TicketField{TicketTitle, TicketDetails, TicketPriority, TicketCategory, TicketAttachments}
}

// FullTicketFields returns the new-ticket form staff use, which every role without the
// QuickTickets permission gets, in the form's order and a new slice.
func FullTicketFields() []TicketField {
	return []TicketField{TicketSite, TicketType, TicketPriority, TicketIssueType, TicketSubIssueType, TicketHardwareAsset,
		TicketSoftwareAsset, TicketAttachments, TicketTitle, TicketDetails, TicketCategory, TicketContract}
}

// TicketForm returns the new-ticket fields of role r, in the form's order.
func TicketForm(r Role) []TicketField {
	if r.Permissions.QuickTickets {
		return QuickTicketFields()
	}
	return FullTicketFields()
}

// NewTicket is the input of Service.OpenTicket.
type NewTicket struct {
	// ContactID is the contact person; nil means the portal user. Another contact of the
	// organization needs the OrganizationTickets permission.
	ContactID  psa.ContactID
	ContractID psa.ContractID
	servicedesk.Fields
}

// filled returns the fields of in that are set.
func (in NewTicket) filled() []TicketField {
	f := in.Fields
	var out []TicketField
	for _, x := range []struct {
		field TicketField
		set   bool
	}{
		{TicketSite, f.Site != ""}, {TicketType, f.TicketType != ""}, {TicketPriority, f.Priority != ""},
		{TicketIssueType, f.IssueType != ""}, {TicketSubIssueType, f.SubIssueType != ""},
		{TicketHardwareAsset, !psa.IsNil(f.HardwareAssetID)}, {TicketSoftwareAsset, !psa.IsNil(f.SoftwareAssetID)},
		{TicketAttachments, len(f.Attachments) > 0}, {TicketTitle, f.Title != ""}, {TicketDetails, f.Details != ""},
		{TicketCategory, f.Category != ""}, {TicketContract, !psa.IsNil(in.ContractID)},
	} {
		if x.set {
			out = append(out, x.field)
		}
	}
	return out
}

// OpenTicket opens a ticket for portal user id's client (seed 004 "My Tickets"): the contact
// person defaults to the user; the fields must be on the role's form (TicketForm); attachments
// must be stored under StoragePrefix of the user's client; the priority defaults to medium; the
// category must be one the client may choose. The ticket is opened by
// servicedesk's rules (numbering, routing, SLA) in the same transaction.
func (s *Service) OpenTicket(ctx context.Context, id psa.PortalUserID, in NewTicket) (servicedesk.Ticket, error) {
	var out servicedesk.Ticket
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		var v psa.Validator
		form := TicketForm(sc.role)
		for _, f := range in.filled() {
			if !slices.Contains(form, f) {
				v.Add(string(f), "", "is not on the new-ticket form of role "+sc.role.Name)
			}
		}
		for i, a := range in.Attachments {
			if why := keyProblem(a.StorageKey, sc.contact.ClientID); why != "" {
				v.Add(fmt.Sprintf("attachments[%d].storageKey", i), a.StorageKey, why)
			}
		}
		if err := v.Err("ticket"); err != nil {
			return err
		}
		if psa.IsNil(in.ContactID) {
			in.ContactID = sc.contact.ID
		}
		if in.ContactID != sc.contact.ID {
			if err := sc.require(sc.role.Permissions.OrganizationTickets, "open a ticket for another contact"); err != nil {
				return err
			}
		}
		if in.Priority == "" {
			in.Priority = servicedesk.Medium
		}
		desk := servicedesk.NewService(func(ctx context.Context, fn func(ctx context.Context, tx servicedesk.Tx) error) error {
			return fn(ctx, tx)
		}, &servicedesk.Options{Options: s.opts})
		t, err := desk.Open(ctx, servicedesk.NewTicket{ClientID: sc.contact.ClientID, ContactID: in.ContactID, ContractID: in.ContractID,
			Fields: in.Fields, Source: servicedesk.SourcePortal})
		out = t
		return err
	})
	return out, err
}

// MaxNoteLength bounds the text of a portal user's ticket note, in characters.
const MaxNoteLength = 20_000

// AddNote adds a public note by portal user id to ticket tid (seed 004: "Add Note to add a note
// for support to read"). A ticket the user does not see is a *psa.NotFoundError, and nothing is
// written.
func (s *Service) AddNote(ctx context.Context, id psa.PortalUserID, tid psa.TicketID, text string) (servicedesk.Note, error) {
	var v psa.Validator
	v.Require("text", text)
	if n := utf8.RuneCountInString(text); n > MaxNoteLength {
		v.Add("text", "", "is longer than "+itoa(MaxNoteLength)+" characters")
	}
	if err := v.Err("note"); err != nil {
		return servicedesk.Note{}, err
	}
	nid, err := psa.NewID[psa.NoteID](s.opts.IDs())
	if err != nil {
		return servicedesk.Note{}, err
	}
	var out servicedesk.Note
	err = s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		if _, err := visibleTicket(ctx, tx, sc, tid); err != nil {
			return err
		}
		out = servicedesk.Note{ID: nid, TicketID: tid, ContactID: sc.contact.ID, Public: true, Text: text, CreatedAt: s.now()}
		return tx.CreateNote(ctx, out)
	})
	if err != nil {
		return servicedesk.Note{}, err
	}
	return out, nil
}

// TicketCounts are a portal user's personal ticket counts (seed 004 "My Settings"): the tickets
// they are the contact person of.
type TicketCounts struct {
	// Open counts the tickets not resolved or closed.
	Open     int                        `json:"open"`
	ByStatus map[servicedesk.Status]int `json:"byStatus"`
	Total    int                        `json:"total"`
}

// TicketCounts returns portal user id's personal ticket counts.
func (s *Service) TicketCounts(ctx context.Context, id psa.PortalUserID) (TicketCounts, error) {
	var out TicketCounts
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) (err error) {
		out, err = ticketCounts(ctx, tx, sc)
		return err
	})
	return out, err
}

func ticketCounts(ctx context.Context, tx Tx, sc *scope) (TicketCounts, error) {
	ts, err := visibleTickets(ctx, tx, sc, Mine)
	if err != nil {
		return TicketCounts{}, err
	}
	out := TicketCounts{ByStatus: map[servicedesk.Status]int{}, Total: len(ts)}
	for _, t := range ts {
		out.ByStatus[t.Status]++
		if !t.Status.Completed() {
			out.Open++
		}
	}
	return out, nil
}

// Profile is a portal user's own profile (seed 004 "My Settings", Personal Information tab).
type Profile struct {
	AccountID psa.PortalUserID `json:"accountId"`
	Username  string           `json:"username"`
	Email     string           `json:"email,omitempty"`
	FirstName string           `json:"firstName"`
	LastName  string           `json:"lastName"`
	// Fields are the contact fields the user sees and may edit: those of client.ProfileFields
	// when the client has the self-managed customer profile, else none. Phone, Mobile,
	// CompanyContact and JobTitle are filled only when listed.
	Fields         []client.ContactField `json:"fields"`
	Phone          string                `json:"phone,omitempty"`
	Mobile         string                `json:"mobile,omitempty"`
	CompanyContact string                `json:"companyContact,omitempty"`
	JobTitle       string                `json:"jobTitle,omitempty"`
	// Photo is the storage key of the user's photo, under StoragePrefix of their client.
	Photo       string      `json:"photo,omitempty"`
	LandingPage LandingPage `json:"landingPage,omitempty"`
	Role        string      `json:"role"`
	// ContactVersion is the version UpdateProfile takes, AccountVersion the one SetPreferences and
	// SetNotes take.
	ContactVersion int64 `json:"contactVersion"`
	AccountVersion int64 `json:"accountVersion"`
}

func profileOf(sc *scope) Profile {
	ct, a := sc.contact, sc.account
	p := Profile{AccountID: a.ID, Username: a.Username, Email: ct.Email, FirstName: ct.FirstName, LastName: ct.LastName,
		Fields: sc.client.ContactFieldsForClientUsers(), LandingPage: a.LandingPage, Role: sc.role.Name,
		ContactVersion: ct.Version, AccountVersion: a.Version}
	if keyProblem(a.Photo, ct.ClientID) == "" {
		p.Photo = a.Photo // a key outside the client's prefix (stored before keys were checked) is not shown
	}
	if p.Fields == nil {
		p.Fields = []client.ContactField{}
	}
	for _, f := range p.Fields {
		*profileField(&p, f) = *contactField(&ct.ContactInfo, f)
	}
	return p
}

func profileField(p *Profile, f client.ContactField) *string {
	switch f {
	case client.FieldPhone:
		return &p.Phone
	case client.FieldMobile:
		return &p.Mobile
	case client.FieldCompanyContact:
		return &p.CompanyContact
	default:
		return &p.JobTitle
	}
}

func contactField(c *client.ContactInfo, f client.ContactField) *string {
	switch f {
	case client.FieldPhone:
		return &c.Phone
	case client.FieldMobile:
		return &c.Mobile
	case client.FieldCompanyContact:
		return &c.CompanyContact
	default:
		return &c.JobTitle
	}
}

// Profile returns portal user id's profile.
func (s *Service) Profile(ctx context.Context, id psa.PortalUserID) (Profile, error) {
	var out Profile
	err := s.scoped(ctx, id, func(_ context.Context, _ Tx, sc *scope) error {
		out = profileOf(sc)
		return nil
	})
	return out, err
}

// ProfileChange is the input of Service.UpdateProfile: the fields to change (nil leaves a field
// as it is).
type ProfileChange struct {
	Phone, Mobile, CompanyContact, JobTitle *string
}

func (ch ProfileChange) fields() map[client.ContactField]*string {
	m := map[client.ContactField]*string{}
	for f, v := range map[client.ContactField]*string{client.FieldPhone: ch.Phone, client.FieldMobile: ch.Mobile,
		client.FieldCompanyContact: ch.CompanyContact, client.FieldJobTitle: ch.JobTitle} {
		if v != nil {
			m[f] = v
		}
	}
	return m
}

// UpdateProfile changes portal user id's contact fields, read at contact version. Only the
// fields the client's self-managed customer profile setting allows may change; any other is a
// *ForbiddenError naming it, and nothing changes.
func (s *Service) UpdateProfile(ctx context.Context, id psa.PortalUserID, version int64, ch ProfileChange) (Profile, error) {
	var out Profile
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		allowed := sc.client.ContactFieldsForClientUsers()
		changes := ch.fields()
		var refused []string
		for _, f := range client.ProfileFields {
			if _, ok := changes[f]; ok && !slices.Contains(allowed, f) {
				refused = append(refused, string(f))
			}
		}
		if len(refused) > 0 {
			return &ForbiddenError{AccountID: id, Action: "change " + strings.Join(refused, ", "),
				Reason: "client " + sc.client.Name + " does not let its users manage their profile"}
		}
		ct := sc.contact
		if ct.Version != version {
			return &psa.VersionConflictError{Kind: "contact", ID: ct.ID.String(), Given: version, Stored: ct.Version}
		}
		for f, v := range changes {
			*contactField(&ct.ContactInfo, f) = strings.TrimSpace(*v)
		}
		if err := ct.ContactInfo.Validate(); err != nil {
			return err
		}
		ct.UpdatedAt = s.now()
		if err := tx.UpdateContact(ctx, ct); err != nil {
			return err
		}
		ct.Version++
		sc.contact = ct
		out = profileOf(sc)
		return nil
	})
	return out, err
}

// Preferences are a portal user's photo and landing page (seed 004 "My Settings").
type Preferences struct {
	// Photo is the host's storage key of a jpg, jpeg, png or gif image, under StoragePrefix of the
	// user's client; "" resets the photo.
	Photo       string
	LandingPage LandingPage
}

// SetPreferences stores portal user id's preferences, read at account version. The photo must be
// stored under StoragePrefix of the user's client (else a *psa.ValidationError), and the landing
// page must be one the role lets the user see.
func (s *Service) SetPreferences(ctx context.Context, id psa.PortalUserID, version int64, p Preferences) (Profile, error) {
	var v psa.Validator
	if p.Photo != "" {
		ext := strings.ToLower(path.Ext(p.Photo))
		if !slices.Contains([]string{".jpg", ".jpeg", ".png", ".gif"}, ext) {
			v.Add("photo", p.Photo, "is not a jpg, jpeg, png or gif file reference")
		}
	}
	if p.LandingPage == "" {
		p.LandingPage = PageDashboard
	}
	if !slices.Contains(LandingPages(), p.LandingPage) {
		v.Add("landingPage", string(p.LandingPage), "is not a landing page")
	}
	if err := v.Err("preferences"); err != nil {
		return Profile{}, err
	}
	return s.updateAccount(ctx, id, version, func(sc *scope, a *Account) error {
		if p.Photo != "" {
			if why := keyProblem(p.Photo, sc.contact.ClientID); why != "" {
				return psa.Invalid("preferences", "photo", p.Photo, why)
			}
		}
		if !p.LandingPage.allowedBy(sc.role.Permissions) {
			return &ForbiddenError{AccountID: id, Action: "land on " + string(p.LandingPage), Reason: "role " + sc.role.Name + " does not show it"}
		}
		a.Photo, a.LandingPage = p.Photo, p.LandingPage
		return nil
	})
}

// MaxPersonalNotes bounds the dashboard's personal notes, in characters.
const MaxPersonalNotes = 10_000

// SetNotes replaces portal user id's personal notes (the dashboard's "My Notes"), read at
// account version; "" erases them.
func (s *Service) SetNotes(ctx context.Context, id psa.PortalUserID, version int64, notes string) (Profile, error) {
	if utf8.RuneCountInString(notes) > MaxPersonalNotes {
		return Profile{}, psa.Invalid("personal notes", "notes", "", "is longer than "+itoa(MaxPersonalNotes)+" characters")
	}
	return s.updateAccount(ctx, id, version, func(_ *scope, a *Account) error {
		a.Notes = notes
		return nil
	})
}

// updateAccount changes portal user id's account, read at version, with change.
func (s *Service) updateAccount(ctx context.Context, id psa.PortalUserID, version int64, change func(sc *scope, a *Account) error) (Profile, error) {
	var out Profile
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		a := sc.account
		if a.Version != version {
			return &psa.VersionConflictError{Kind: "portal user", ID: id.String(), Given: version, Stored: a.Version}
		}
		if err := change(sc, &a); err != nil {
			return err
		}
		a.UpdatedAt = s.now()
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		a.Version++
		sc.account = a
		out = profileOf(sc)
		return nil
	})
	return out, err
}

// ManageUser gives or takes away portal access of a contact of portal user id's client, for a
// role with the ManageUsers permission (else a *ForbiddenError), and returns the contact as
// OrganizationUsers shows it. A contact given access keeps the role it had, or gets
// ExternalUser, with its e-mail address as username, and is invited when it has no password yet.
// The user cannot change their own access; a contact of another client is a *psa.NotFoundError.
func (s *Service) ManageUser(ctx context.Context, id psa.PortalUserID, contact psa.ContactID, enabled bool) (OrganizationUser, error) {
	var out OrganizationUser
	var notes []Notification
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		notes = nil
		if err := sc.require(sc.role.Permissions.ManageUsers, "manage portal users"); err != nil {
			return err
		}
		if contact == sc.contact.ID {
			return &ForbiddenError{AccountID: id, Action: "change their own portal access", Reason: "staff or another manager must"}
		}
		ct, err := tx.GetContact(ctx, contact)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || ct.ClientID != sc.contact.ClientID {
			return psa.NotFound("contact", contact)
		}
		var a Account
		if !enabled {
			a, err = s.disable(ctx, tx, contact)
		} else {
			in := Access{Invite: true}
			if cur, err := tx.FindAccountByContact(ctx, contact); err == nil {
				in.Username, in.RoleID, in.SubOrganizations = cur.Username, cur.RoleID, cur.SubOrganizations
			} else if !isNotFound(err) {
				return err
			}
			a, notes, err = s.enable(ctx, tx, contact, in, "contact", NotifyInvitation)
		}
		if err != nil {
			return err
		}
		out, err = organizationUser(ctx, tx, ct, &a)
		return err
	})
	if err != nil {
		return OrganizationUser{}, err
	}
	return out, s.notify(ctx, notes)
}

// StoragePrefix returns the prefix of the host storage keys a portal user of client may give:
// "portal/<client ID>/". The host stores the files a portal user uploads (ticket attachments, their
// photo) under it and passes their keys to OpenTicket and SetPreferences, which refuse a key
// outside it, so that a user cannot point the portal at a file of another client (or of staff).
// Files staff attach are not bound to it.
func StoragePrefix(client psa.ClientID) string { return "portal/" + client.String() + "/" }

// MaxStorageKeyLength bounds the storage keys a portal user gives, in bytes.
const MaxStorageKeyLength = 1024

// keyProblem says why storageKey is not a storage key a portal user of client may give, or "": it
// must lie under StoragePrefix(client), name something below it, and be in clean form (no "." or
// ".." elements, no empty elements, no trailing slash, no backslash or control character).
func keyProblem(storageKey string, client psa.ClientID) string {
	prefix := StoragePrefix(client)
	rest, under := strings.CutPrefix(storageKey, prefix)
	switch {
	case !under || rest == "":
		return "is not a key under " + prefix + ", where this client's files are stored"
	case len(storageKey) > MaxStorageKeyLength:
		return "is longer than " + itoa(MaxStorageKeyLength) + " bytes"
	case path.Clean(storageKey) != storageKey || strings.ContainsFunc(storageKey, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }):
		// path.Clean removes "." and ".." elements, doubled slashes and a trailing slash.
		return "is not a clean storage key (no ., .. or empty path elements, no backslash or control characters)"
	}
	return ""
}
