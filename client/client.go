package client

import (
	"fmt"
	"strings"
	"time"

	"github.com/psakit/psa"
)

// Status is where a client stands in the MSP's relationship with it.
type Status string

// Client statuses.
const (
	StatusProspect Status = "prospect" // not yet a customer
	StatusActive   Status = "active"   // a customer (the default for a new client)
	StatusInactive Status = "inactive" // a former customer; kept for history
)

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusProspect, StatusActive, StatusInactive:
		return true
	}
	return false
}

// MaxEmployeeCount bounds Profile.EmployeeCount.
const MaxEmployeeCount = 10_000_000

// Profile is a client's company information: what a CRM holds and syncs (seed 002 "Company info").
type Profile struct {
	Name          string      `json:"name"`
	Address       psa.Address `json:"address"`
	Phone         string      `json:"phone,omitempty"`
	Website       string      `json:"website,omitempty"`
	Industry      string      `json:"industry,omitempty"`
	EmployeeCount int         `json:"employeeCount,omitempty"`
}

// Validate reports every broken rule of p: the name is required; the address, when any part is
// given, must be complete; the employee count is 0 to MaxEmployeeCount.
func (p Profile) Validate() error {
	var v psa.Validator
	p.validate(&v)
	return v.Err("client")
}

func (p Profile) validate(v *psa.Validator) {
	v.Require("name", p.Name)
	if !p.Address.IsZero() {
		v.Merge("address", p.Address.Validate())
	}
	if p.EmployeeCount < 0 || p.EmployeeCount > MaxEmployeeCount {
		v.Add("employeeCount", fmt.Sprint(p.EmployeeCount), fmt.Sprintf("must be from 0 to %d", MaxEmployeeCount))
	}
	if p.Website != "" && strings.ContainsAny(p.Website, " \t\n") {
		v.Add("website", p.Website, "must not contain white space")
	}
}

// Client is a client organization and everything the client record holds directly: company
// information, status, internal notes, its place in a parent / sub-organization tree, its primary
// contact, billing information, account team and client-specific settings. Contacts and assets
// are separate objects that refer to it.
type Client struct {
	ID psa.ClientID `json:"id"`
	Profile
	Status Status `json:"status"`
	// Notes are internal notes about the client; they are never shown to client users.
	Notes string `json:"notes,omitempty"`
	// ExternalID is the client's key in an external system (a CRM); unique when set.
	ExternalID string `json:"externalId,omitempty"`

	// ParentID is the parent organization, or the nil ID for a top-level client.
	ParentID psa.ClientID `json:"parentId"`
	// BillToParent makes the parent organization the bill-to client ("direct bill the parent",
	// seed 001). It requires a parent.
	BillToParent bool `json:"billToParent,omitempty"`

	// PrimaryContactID is the client's one primary contact (seed 001), the designated recipient of
	// workflow notifications. It is set whenever the client has an active contact.
	PrimaryContactID psa.ContactID `json:"primaryContactId"`

	// Billing is the billing information (seed 000 "Provide billing information", seed 001
	// "Invoice Settings"). Billing.Missing says what is still needed.
	Billing BillingInfo `json:"billing"`

	// AccountManager and AccountTeam are the staff members assigned to the client (seed 001).
	AccountManager psa.StaffID   `json:"accountManager"`
	AccountTeam    []psa.StaffID `json:"accountTeam,omitempty"`

	// Settings are the client-specific settings that override the tenant's defaults (seed 002).
	Settings Settings `json:"settings"`

	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Version increases by one with every stored change; updates must name the version they read.
	Version int64 `json:"version"`
}

// HasParent reports whether c is a sub-organization.
func (c Client) HasParent() bool { return !psa.IsNil(c.ParentID) }

// MayAccess answers whether staff member may see and work on c's information. When the staff
// member's access is limited to account teams, only the account manager and the account team
// have access (seed 001: the account team has the same permissions as the account manager);
// otherwise everyone does.
func (c Client) MayAccess(staff psa.StaffID, limitedToAccountTeams bool) bool {
	if !limitedToAccountTeams {
		return true
	}
	if psa.IsNil(staff) {
		return false
	}
	if staff == c.AccountManager {
		return true
	}
	for _, m := range c.AccountTeam {
		if m == staff {
			return true
		}
	}
	return false
}

// Contact is a person at a client organization.
type Contact struct {
	ID       psa.ContactID `json:"id"`
	ClientID psa.ClientID  `json:"clientId"`
	ContactInfo
	// Active is false for a contact who has left; inactive contacts get no notifications and
	// cannot be primary.
	Active bool `json:"active"`
	// ExternalID is the contact's key in an external system; unique per client when set.
	ExternalID string    `json:"externalId,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	Version    int64     `json:"version"`
}

// ContactInfo is what a contact record says about the person.
type ContactInfo struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Mobile    string `json:"mobile,omitempty"`
	// CompanyContact is the company contact number or extension (seed 000).
	CompanyContact string `json:"companyContact,omitempty"`
	JobTitle       string `json:"jobTitle,omitempty"`
	// Role is the contact's role towards the MSP, such as "billing" or "technical".
	Role string `json:"role,omitempty"`
}

// Name returns "First Last".
func (c ContactInfo) Name() string { return strings.TrimSpace(c.FirstName + " " + c.LastName) }

// Validate reports every broken rule of c: a first or last name is required and the e-mail
// address, when given, must be a bare address.
func (c ContactInfo) Validate() error {
	var v psa.Validator
	c.validate(&v)
	return v.Err("contact")
}

func (c ContactInfo) validate(v *psa.Validator) {
	if strings.TrimSpace(c.FirstName) == "" && strings.TrimSpace(c.LastName) == "" {
		v.Add("name", "", "is required (first or last name)")
	}
	v.Email("email", c.Email, false)
}

// ContactField names a contact field whose visibility to client users depends on the client's
// self-managed customer profile setting (seed 000).
type ContactField string

// Contact fields governed by the self-managed customer profile setting.
const (
	FieldPhone          ContactField = "phone"
	FieldMobile         ContactField = "mobile"
	FieldCompanyContact ContactField = "companyContact"
	FieldJobTitle       ContactField = "jobTitle"
)

// ProfileFields lists the contact fields that client users see and edit only when the client has
// the self-managed customer profile enabled.
var ProfileFields = []ContactField{FieldPhone, FieldMobile, FieldCompanyContact, FieldJobTitle}

// ContactFieldsForClientUsers returns the profile fields that c's own users (portal contacts) see
// and may edit: all of ProfileFields when the self-managed customer profile is enabled, none
// otherwise. Administrators always see every field.
func (c Client) ContactFieldsForClientUsers() []ContactField {
	if !c.Settings.SelfManagedProfile {
		return nil
	}
	return append([]ContactField(nil), ProfileFields...)
}
