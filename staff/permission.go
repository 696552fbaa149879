package staff

import (
	"slices"
	"strings"

	"github.com/psakit/psa"
)

// Area is a security area: a part of the PSA whose use a security level grants action by action.
type Area string

// Security areas.
const (
	// AreaClients covers client records: company information, settings, account team.
	AreaClients Area = "clients"
	// AreaContacts covers the contacts of clients.
	AreaContacts Area = "contacts"
	// AreaContracts covers contracts and contract parts, without their internal costs.
	AreaContracts Area = "contracts"
	// AreaContractCosts covers the internal costs and sensitive data of contracts and services
	// (seed 003: "Can View Internal Cost and Sensitive Data", "Can modify contract Internal
	// Costs"). It is a separate area so that a level can edit contracts without seeing costs.
	AreaContractCosts Area = "contractCosts"
	// AreaServices covers the catalogue of services and products (seed 003: Products, Services,
	// & Inventory).
	AreaServices Area = "services"
	// AreaTickets covers service-desk tickets and their notes.
	AreaTickets Area = "tickets"
	// AreaTime covers time entries and their approval.
	AreaTime Area = "time"
	// AreaBilling covers sales items, usage, billing runs and billing settings.
	AreaBilling Area = "billing"
	// AreaInvoices covers invoices, credit notes, payments and numbering.
	AreaInvoices Area = "invoices"
	// AreaAPI covers logging in to the web services API (seed 003: "Can login to Web Services
	// API"). Its one action is ActionLogin.
	AreaAPI Area = "api"
)

// Action is what a principal does in an area.
type Action string

// Actions.
const (
	ActionView   Action = "view"
	ActionAdd    Action = "add"
	ActionEdit   Action = "edit"
	ActionDelete Action = "delete"
	// ActionLogin is the one action of AreaAPI.
	ActionLogin Action = "login"
)

// areas lists every area in its canonical order, the order of Permissions.Grants and String.
var areas = [...]Area{AreaClients, AreaContacts, AreaContracts, AreaContractCosts, AreaServices, AreaTickets, AreaTime, AreaBilling, AreaInvoices, AreaAPI}

// actions lists every action in its canonical order.
var actions = [...]Action{ActionView, ActionAdd, ActionEdit, ActionDelete, ActionLogin}

// Areas returns every security area, in canonical order.
func Areas() []Area { return slices.Clone(areas[:]) }

// Actions returns the actions that area supports, in canonical order: view and edit for
// AreaContractCosts, login for AreaAPI, and view, add, edit and delete for every other area. It
// returns nil for an unknown area.
func (a Area) Actions() []Action {
	var out []Action
	for i, act := range actions {
		if a.mask()&(1<<i) != 0 {
			out = append(out, act)
		}
	}
	return out
}

// Valid reports whether a is one of the defined areas.
func (a Area) Valid() bool { return a.index() >= 0 }

// Supports reports whether act is one of the actions of area a.
func (a Area) Supports(act Action) bool {
	bit := act.bit()
	return bit != 0 && a.mask()&bit != 0
}

func (a Area) index() int { return slices.Index(areas[:], a) }

// mask returns the bits of the actions area a supports.
func (a Area) mask() uint8 {
	switch {
	case !a.Valid():
		return 0
	case a == AreaContractCosts:
		return ActionView.bit() | ActionEdit.bit()
	case a == AreaAPI:
		return ActionLogin.bit()
	}
	return ActionView.bit() | ActionAdd.bit() | ActionEdit.bit() | ActionDelete.bit()
}

// bit returns the bit of act, 0 for an unknown action.
func (act Action) bit() uint8 {
	i := slices.Index(actions[:], act)
	if i < 0 {
		return 0
	}
	return 1 << i
}

// Permission is one action in one area, written "area:action" ("tickets:edit").
type Permission struct {
	Area   Area
	Action Action
}

// String returns "area:action".
func (p Permission) String() string { return string(p.Area) + ":" + string(p.Action) }

// Valid reports whether p's area supports p's action.
func (p Permission) Valid() bool { return p.Area.Supports(p.Action) }

// Permissions is a set of permissions: for each area, the actions granted in it. The zero value
// grants nothing. It is a value: copies share nothing, and == compares two sets. Its text form
// (String, MarshalText) lists the permissions in canonical order, separated by commas:
// "clients:view,tickets:view,tickets:edit"; the empty set is "".
type Permissions struct {
	bits [len(areas)]uint8
}

// NewPermissions returns the set of ps, or a *psa.ValidationError naming every permission whose
// area does not support its action.
func NewPermissions(ps ...Permission) (Permissions, error) {
	var set Permissions
	var v psa.Validator
	for i, p := range ps {
		if !p.Valid() {
			v.Add("permissions["+itoa(i)+"]", p.String(), invalidReason(p))
			continue
		}
		set.bits[p.Area.index()] |= p.Action.bit()
	}
	return set, v.Err("permissions")
}

func invalidReason(p Permission) string {
	if !p.Area.Valid() {
		return "names an unknown area"
	}
	return "is not an action of area " + string(p.Area) + " (it has " + joinActions(p.Area.Actions()) + ")"
}

func joinActions(acts []Action) string {
	s := make([]string, len(acts))
	for i, a := range acts {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// Has reports whether the set grants act in area.
func (p Permissions) Has(area Area, act Action) bool {
	i := area.index()
	return i >= 0 && act.bit() != 0 && p.bits[i]&act.bit() != 0
}

// Union returns the permissions granted by p or by o.
func (p Permissions) Union(o Permissions) Permissions {
	for i := range p.bits {
		p.bits[i] |= o.bits[i]
	}
	return p
}

// Without returns p without the permissions of o.
func (p Permissions) Without(o Permissions) Permissions {
	for i := range p.bits {
		p.bits[i] &^= o.bits[i]
	}
	return p
}

// Area returns the actions p grants in area, in canonical order.
func (p Permissions) Area(area Area) []Action {
	var out []Action
	for _, act := range area.Actions() {
		if p.Has(area, act) {
			out = append(out, act)
		}
	}
	return out
}

// Grants returns every permission of the set, in canonical order (areas as Areas lists them,
// actions as Area.Actions lists them).
func (p Permissions) Grants() []Permission {
	var out []Permission
	for _, area := range areas {
		for _, act := range p.Area(area) {
			out = append(out, Permission{area, act})
		}
	}
	return out
}

// IsZero reports whether the set grants nothing.
func (p Permissions) IsZero() bool { return p == Permissions{} }

// Equal reports whether p and o grant the same permissions.
func (p Permissions) Equal(o Permissions) bool { return p == o }

// String returns the text form of p: its permissions in canonical order, separated by commas.
func (p Permissions) String() string {
	grants := p.Grants()
	s := make([]string, len(grants))
	for i, g := range grants {
		s[i] = g.String()
	}
	return strings.Join(s, ",")
}

// ParsePermissions parses the text form of a set of permissions: "area:action" items separated
// by commas, in any order, white space around items ignored, repeats allowed; "" is the empty
// set. A malformed item or an action its area does not support gives a *psa.ValidationError
// naming every such item.
func ParsePermissions(s string) (Permissions, error) {
	if strings.TrimSpace(s) == "" {
		return Permissions{}, nil
	}
	var set Permissions
	var v psa.Validator
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		area, act, ok := strings.Cut(item, ":")
		p := Permission{Area(area), Action(act)}
		switch {
		case !ok:
			v.Add("permissions["+itoa(i)+"]", item, "is not of the form area:action")
		case !p.Valid():
			v.Add("permissions["+itoa(i)+"]", item, invalidReason(p))
		default:
			set.bits[p.Area.index()] |= p.Action.bit()
		}
	}
	if err := v.Err("permissions"); err != nil {
		return Permissions{}, err
	}
	return set, nil
}

// MarshalText returns the text form of p (see String).
func (p Permissions) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses the text form of a set of permissions as ParsePermissions does.
func (p *Permissions) UnmarshalText(b []byte) error {
	set, err := ParsePermissions(string(b))
	if err != nil {
		return err
	}
	*p = set
	return nil
}

// all returns every permission of every area.
func all() Permissions {
	var set Permissions
	for i, a := range areas {
		set.bits[i] = a.mask()
	}
	return set
}

// only returns the permissions of ps, which must be valid.
func only(ps ...Permission) Permissions {
	var set Permissions
	for _, p := range ps {
		set.bits[p.Area.index()] |= p.Action.bit()
	}
	return set
}
