package psa

import (
	"fmt"

	"github.com/google/uuid"
)

// Typed identifiers. Each entity has its own ID type so that a contact ID cannot be passed where a
// client ID is expected. Each embeds uuid.UUID and so keeps its text, JSON and SQL methods
// (String, MarshalText, UnmarshalText, Value, Scan). The zero value (uuid.Nil) means "none".
type (
	// TenantID identifies an MSP: one tenant of a host application.
	TenantID struct{ uuid.UUID }
	// StaffID identifies a staff member (resource, technician, account manager) of the MSP.
	StaffID struct{ uuid.UUID }
	// ClientID identifies a client organization.
	ClientID struct{ uuid.UUID }
	// ContactID identifies a person at a client organization.
	ContactID struct{ uuid.UUID }
	// AssetID identifies a device, server or piece of software managed for a client.
	AssetID struct{ uuid.UUID }
	// ContractID identifies a contract.
	ContractID struct{ uuid.UUID }
	// PartID identifies a contract part.
	PartID struct{ uuid.UUID }
	// ServiceID identifies a service or product of the MSP's catalogue.
	ServiceID struct{ uuid.UUID }
	// TicketID identifies a service-desk ticket.
	TicketID struct{ uuid.UUID }
	// NoteID identifies a ticket note.
	NoteID struct{ uuid.UUID }
	// TimeEntryID identifies a time entry.
	TimeEntryID struct{ uuid.UUID }
	// QueueID identifies a service-desk queue.
	QueueID struct{ uuid.UUID }
	// SLAPolicyID identifies a service-level agreement policy.
	SLAPolicyID struct{ uuid.UUID }
	// CalendarID identifies a business-hours calendar.
	CalendarID struct{ uuid.UUID }
	// SalesItemID identifies a one-off sales item.
	SalesItemID struct{ uuid.UUID }
	// UsageID identifies a usage record.
	UsageID struct{ uuid.UUID }
	// BillingRunID identifies a billing run.
	BillingRunID struct{ uuid.UUID }
	// InvoiceID identifies an invoice or credit note.
	InvoiceID struct{ uuid.UUID }
	// InvoiceLineID identifies an invoice line.
	InvoiceLineID struct{ uuid.UUID }
	// PaymentID identifies a payment.
	PaymentID struct{ uuid.UUID }
	// NumberingSchemeID identifies an invoice numbering scheme.
	NumberingSchemeID struct{ uuid.UUID }
	// PortalUserID identifies a contact's client-portal account.
	PortalUserID struct{ uuid.UUID }
	// MessageID identifies a portal message.
	MessageID struct{ uuid.UUID }
	// SecurityLevelID identifies a staff security level: a named set of permissions.
	SecurityLevelID struct{ uuid.UUID }
	// APIUserID identifies an API user: a non-human login for an integration.
	APIUserID struct{ uuid.UUID }
)

// ID is the constraint satisfied by every typed identifier of the library.
type ID interface {
	~struct{ uuid.UUID }
	fmt.Stringer
}

// IDFunc returns a new unique identifier. Options.NewID has this type; the default is uuid.NewV7,
// whose time-ordered values keep listings in creation order.
type IDFunc func() (uuid.UUID, error)

// NewID returns a new identifier of type T from gen, or from uuid.NewV7 when gen is nil.
func NewID[T ID](gen IDFunc) (T, error) {
	if gen == nil {
		gen = uuid.NewV7
	}
	u, err := gen()
	if err != nil {
		return T{}, fmt.Errorf("psa: new identifier: %w", err)
	}
	if u == uuid.Nil {
		return T{}, fmt.Errorf("psa: new identifier: generator returned the nil UUID: %w", ErrInvalid)
	}
	return T{u}, nil
}

// ParseID parses s (any form uuid.Parse accepts) as an identifier of type T. A malformed s gives a
// *ValidationError naming field and s.
func ParseID[T ID](field, s string) (T, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return T{}, Invalid("identifier", field, s, "is not a UUID")
	}
	return T{u}, nil
}

// IsNil reports whether id is the zero identifier, which stands for "none".
func IsNil[T ID](id T) bool {
	return struct{ uuid.UUID }(id).UUID == uuid.Nil
}
