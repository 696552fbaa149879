package client

import (
	"fmt"
	"slices"
	"strings"

	"github.com/psakit/psa"
)

// Settings are a client's overrides of the tenant's defaults (seed 002 "Client-Specific
// Settings", seed 000 "General settings"). The zero value means "use the defaults" throughout.
// This package stores and validates them; the service desk, billing and portal apply them.
type Settings struct {
	// SelfManagedProfile shows client users (and lets them edit) the contact fields of
	// ProfileFields: phone numbers, company contact and job title (seed 000).
	SelfManagedProfile bool `json:"selfManagedProfile,omitempty"`
	// PortalDisabled turns the client portal off for the client's contacts. Every client has the
	// portal enabled unless this is set (seed 001: all customers are enabled by default).
	PortalDisabled bool `json:"portalDisabled,omitempty"`
	// SLAPolicyID assigns a premium or custom SLA policy; nil means the contract's or the tenant's.
	SLAPolicyID psa.SLAPolicyID `json:"slaPolicyId"`
	// CalendarID sets client-specific support hours (a 24x7 calendar for premium clients); nil
	// means the SLA policy's calendar.
	CalendarID psa.CalendarID `json:"calendarId"`
	// PortalTicketCategories limits the ticket categories the client's users may choose in the
	// portal; empty means every category.
	PortalTicketCategories []string `json:"portalTicketCategories,omitempty"`
	// NotificationRules decide which contacts are notified of which events; an event without a
	// rule goes to the primary contact.
	NotificationRules []NotificationRule `json:"notificationRules,omitempty"`
	// RateOverrides replace the default hourly rates for this client, per work type or per role.
	RateOverrides []RateOverride `json:"rateOverrides,omitempty"`
	// AutoAssign routes the client's new tickets to a queue or a technician.
	AutoAssign AutoAssign `json:"autoAssign"`
}

// Event is something a client may be notified of.
type Event string

// Notification events.
const (
	EventTicketCreated   Event = "ticket.created"
	EventTicketUpdated   Event = "ticket.updated"
	EventTicketResolved  Event = "ticket.resolved"
	EventInvoiceIssued   Event = "invoice.issued"
	EventInvoiceOverdue  Event = "invoice.overdue"
	EventContractRenewal Event = "contract.renewal"
)

// Events lists every notification event, in a fixed order.
var Events = []Event{EventTicketCreated, EventTicketUpdated, EventTicketResolved, EventInvoiceIssued, EventInvoiceOverdue, EventContractRenewal}

// Valid reports whether e is one of Events.
func (e Event) Valid() bool {
	for _, x := range Events {
		if x == e {
			return true
		}
	}
	return false
}

// NotificationRule says who is told of one event.
type NotificationRule struct {
	Event Event `json:"event"`
	// Off turns notifications of the event off for the client.
	Off bool `json:"off,omitempty"`
	// ContactIDs are the recipients; empty means the primary contact.
	ContactIDs []psa.ContactID `json:"contactIds,omitempty"`
}

// RateOverride is a client-specific hourly rate for one work type or one role (exactly one of
// the two is set).
type RateOverride struct {
	WorkType string    `json:"workType,omitempty"`
	Role     string    `json:"role,omitempty"`
	Rate     psa.Money `json:"rate"`
}

// AutoAssign routes new tickets: to a queue, to a technician, or (zero value) by the tenant's rules.
type AutoAssign struct {
	QueueID      psa.QueueID `json:"queueId"`
	TechnicianID psa.StaffID `json:"technicianId"`
}

// IsZero reports whether no routing is set.
func (a AutoAssign) IsZero() bool { return psa.IsNil(a.QueueID) && psa.IsNil(a.TechnicianID) }

// Validate reports every broken rule of s as a *psa.ValidationError: categories non-empty and
// unique (case-insensitively); one rule per known event; rate overrides name exactly one of work
// type and role, each key once, with a positive rate; auto-assignment to a queue or a technician,
// not both. Whether recipients are contacts of the client is checked by Service.SetSettings,
// which can see them.
func (s Settings) Validate() error {
	var v psa.Validator
	s.validate(&v)
	return v.Err("client settings")
}

func (s Settings) validate(v *psa.Validator) {
	cats := map[string]bool{}
	for i, c := range s.PortalTicketCategories {
		field := fmt.Sprintf("portalTicketCategories[%d]", i)
		key := strings.ToLower(strings.TrimSpace(c))
		switch {
		case key == "":
			v.Add(field, c, "must not be empty")
		case cats[key]:
			v.Add(field, c, "is listed twice")
		}
		cats[key] = true
	}
	events := map[Event]bool{}
	for i, r := range s.NotificationRules {
		field := fmt.Sprintf("notificationRules[%d].event", i)
		switch {
		case !r.Event.Valid():
			v.Add(field, string(r.Event), "is not a known event")
		case events[r.Event]:
			v.Add(field, string(r.Event), "has a rule already")
		}
		events[r.Event] = true
	}
	ValidateRates(v, "rateOverrides", s.RateOverrides)
	if !psa.IsNil(s.AutoAssign.QueueID) && !psa.IsNil(s.AutoAssign.TechnicianID) {
		v.Add("autoAssign", s.AutoAssign.QueueID.String(), "must route to a queue or a technician, not both")
	}
}

// TicketCategoryAllowed reports whether the client's users may choose category in the portal.
func (s Settings) TicketCategoryAllowed(category string) bool {
	if len(s.PortalTicketCategories) == 0 {
		return true
	}
	for _, c := range s.PortalTicketCategories {
		if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(category)) {
			return true
		}
	}
	return false
}

// RateFor returns the client's override rate for a piece of work: the work type's override if
// there is one, else the role's. ok is false when neither is overridden.
func (s Settings) RateFor(workType, role string) (rate psa.Money, ok bool) {
	return RateFor(s.RateOverrides, workType, role)
}

// RateFor returns the rate of rates for a piece of work: the work type's rate if there is one,
// else the role's. ok is false when neither is listed. Client overrides, contract rates and the
// tenant's default rates are all lists of RateOverride looked up this way.
func RateFor(rates []RateOverride, workType, role string) (rate psa.Money, ok bool) {
	for _, want := range []RateOverride{{WorkType: workType}, {Role: role}} {
		if want.WorkType == "" && want.Role == "" {
			continue
		}
		for _, r := range rates {
			if r.WorkType == want.WorkType && r.Role == want.Role {
				return r.Rate, true
			}
		}
	}
	return psa.Money{}, false
}

// ValidateRates records every broken rule of a list of rates under field (each names exactly one
// of work type and role, each key once, with a positive rate).
func ValidateRates(v *psa.Validator, field string, rates []RateOverride) {
	keys := map[string]bool{}
	for i, r := range rates {
		f := fmt.Sprintf("%s[%d]", field, i)
		key := "workType:" + r.WorkType
		switch {
		case (r.WorkType == "") == (r.Role == ""):
			v.Add(f, r.WorkType+r.Role, "must name exactly one of work type and role")
		case r.Role != "":
			key = "role:" + r.Role
		}
		if keys[key] {
			v.Add(f, r.WorkType+r.Role, "is listed twice")
		}
		keys[key] = true
		if r.Rate.Sign() <= 0 {
			v.Add(f+".rate", r.Rate.String(), "must be positive")
		}
	}
}

// Recipients returns the contacts to notify of event for c: the rule's contacts, the primary
// contact when the rule names none or there is no rule, and nobody when the rule is off or the
// client has no primary contact.
func (c Client) Recipients(event Event) []psa.ContactID {
	for _, r := range c.Settings.NotificationRules {
		if r.Event != event {
			continue
		}
		if r.Off {
			return nil
		}
		if len(r.ContactIDs) > 0 {
			return append([]psa.ContactID(nil), r.ContactIDs...)
		}
	}
	if psa.IsNil(c.PrimaryContactID) {
		return nil
	}
	return []psa.ContactID{c.PrimaryContactID}
}

// dropRecipient takes contact out of every notification rule and reports whether it was in one.
func (s *Settings) dropRecipient(contact psa.ContactID) bool {
	dropped := false
	rules := slices.Clone(s.NotificationRules)
	for i, r := range rules {
		if slices.Contains(r.ContactIDs, contact) {
			rules[i].ContactIDs = slices.DeleteFunc(slices.Clone(r.ContactIDs), func(c psa.ContactID) bool { return c == contact })
			dropped = true
		}
	}
	if dropped {
		s.NotificationRules = rules
	}
	return dropped
}
