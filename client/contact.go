package client

import (
	"context"
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/internal/versioned"
)

// PrimaryContactError reports an attempt to add a second primary contact: a client has exactly
// one, and Service.SetPrimaryContact is how it changes. It unwraps to psa.ErrPrecondition.
type PrimaryContactError struct {
	ClientID psa.ClientID
	// Current is the client's primary contact.
	Current psa.ContactID
}

func (e *PrimaryContactError) Error() string {
	return fmt.Sprintf("psa: client %s already has primary contact %s; make another contact primary with SetPrimaryContact", e.ClientID, e.Current)
}

// Unwrap returns psa.ErrPrecondition.
func (e *PrimaryContactError) Unwrap() error { return psa.ErrPrecondition }

// NewContact is the input of Service.AddContact.
type NewContact struct {
	ContactInfo
	// Primary asks for the contact to be the primary contact. The first active contact of a
	// client becomes primary whether asked or not; asking while the client has a primary contact
	// is a *PrimaryContactError.
	Primary bool
	// ExternalID is the contact's key in a CRM; unique per client when set.
	ExternalID string
}

// AddContact adds an active contact to client clientID. The client's first active contact
// becomes its primary contact.
func (s *Service) AddContact(ctx context.Context, clientID psa.ClientID, in NewContact) (Contact, error) {
	if err := in.ContactInfo.Validate(); err != nil {
		return Contact{}, err
	}
	id, err := psa.NewID[psa.ContactID](s.opts.IDs())
	if err != nil {
		return Contact{}, err
	}
	now := s.opts.Clock()
	ct := Contact{ID: id, ClientID: clientID, ContactInfo: in.ContactInfo, Active: true, ExternalID: in.ExternalID, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		return s.addContact(ctx, tx, ct, in.Primary)
	})
	if err != nil {
		return Contact{}, err
	}
	return ct, nil
}

// addContact stores ct and makes it the primary contact when the client has none.
func (s *Service) addContact(ctx context.Context, tx Tx, ct Contact, primary bool) error {
	c, err := tx.GetClient(ctx, ct.ClientID)
	if err != nil {
		return err
	}
	hasPrimary := !psa.IsNil(c.PrimaryContactID)
	if primary && hasPrimary {
		return &PrimaryContactError{ClientID: c.ID, Current: c.PrimaryContactID}
	}
	if err := tx.CreateContact(ctx, ct); err != nil {
		return err
	}
	if hasPrimary {
		return nil
	}
	c.PrimaryContactID, c.UpdatedAt = ct.ID, ct.UpdatedAt
	return tx.UpdateClient(ctx, c)
}

// GetContact returns the contact with id, or a *psa.NotFoundError.
func (s *Service) GetContact(ctx context.Context, id psa.ContactID) (Contact, error) {
	return versioned.Get(ctx, s.run, Tx.GetContact, id)
}

// ListContacts returns a page of client clientID's contacts in ascending ID order.
func (s *Service) ListContacts(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[Contact], error) {
	var p psa.Page[Contact]
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		if _, err := tx.GetClient(ctx, clientID); err != nil {
			return err
		}
		var err error
		p, err = tx.ListContacts(ctx, clientID, page)
		return err
	})
	return p, err
}

// updateContact loads contact id, checks version, applies change and stores it.
func (s *Service) updateContact(ctx context.Context, id psa.ContactID, version int64, change func(ctx context.Context, tx Tx, ct *Contact) error) (Contact, error) {
	return versioned.Update(ctx, s.run, "contact", id, version, Tx.GetContact, Tx.UpdateContact,
		func(c *Contact) (*int64, *time.Time) { return &c.Version, &c.UpdatedAt }, s.opts.Clock, change, nil)
}

// UpdateContact replaces what contact id (read at version) says about the person.
func (s *Service) UpdateContact(ctx context.Context, id psa.ContactID, version int64, info ContactInfo) (Contact, error) {
	if err := info.Validate(); err != nil {
		return Contact{}, err
	}
	return s.updateContact(ctx, id, version, func(_ context.Context, _ Tx, ct *Contact) error {
		ct.ContactInfo = info
		return nil
	})
}

// SetContactActive activates or deactivates contact id, read at version. The primary contact can
// be deactivated only when it is the client's last active contact (the client then has no primary
// contact until one is added or reactivated); otherwise make another contact primary first. A
// deactivated contact is taken out of the client's notification rules (a rule left without
// contacts goes to the primary contact). A reactivated contact becomes primary when the client
// has none.
func (s *Service) SetContactActive(ctx context.Context, id psa.ContactID, version int64, active bool) (Contact, error) {
	return s.updateContact(ctx, id, version, func(ctx context.Context, tx Tx, ct *Contact) error {
		if ct.Active == active {
			return nil
		}
		c, err := tx.GetClient(ctx, ct.ClientID)
		if err != nil {
			return err
		}
		ct.Active = active
		changed := false
		switch {
		case active:
			if psa.IsNil(c.PrimaryContactID) {
				c.PrimaryContactID, changed = ct.ID, true
			}
		case c.PrimaryContactID == ct.ID:
			others, err := s.otherActiveContacts(ctx, tx, ct)
			if err != nil {
				return err
			}
			if others {
				return &psa.PreconditionError{Kind: "contact", ID: id.String(), Rule: "is the primary contact and cannot be deactivated while the client has other active contacts; make another contact primary first"}
			}
			c.PrimaryContactID, changed = psa.ContactID{}, true
		}
		if !active && c.Settings.dropRecipient(ct.ID) {
			changed = true
		}
		if !changed {
			return nil
		}
		c.UpdatedAt = s.opts.Clock()
		return tx.UpdateClient(ctx, c)
	})
}

func (s *Service) otherActiveContacts(ctx context.Context, tx Tx, ct *Contact) (bool, error) {
	all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Contact], error) {
		return tx.ListContacts(ctx, ct.ClientID, p)
	})
	if err != nil {
		return false, err
	}
	for _, o := range all {
		if o.ID != ct.ID && o.Active {
			return true, nil
		}
	}
	return false, nil
}

// SetPrimaryContact makes contact the primary contact of client clientID, read at version; the
// previous primary contact stops being primary. The contact must be an active contact of the
// client.
func (s *Service) SetPrimaryContact(ctx context.Context, clientID psa.ClientID, version int64, contact psa.ContactID) (Client, error) {
	return s.update(ctx, clientID, version, func(ctx context.Context, tx Tx, c *Client) error {
		ct, err := tx.GetContact(ctx, contact)
		if err != nil {
			return err
		}
		if ct.ClientID != clientID {
			return psa.Invalid("client", "primaryContactId", contact.String(), "is a contact of another client")
		}
		if !ct.Active {
			return &psa.PreconditionError{Kind: "contact", ID: contact.String(), Rule: "is inactive and cannot be the primary contact"}
		}
		c.PrimaryContactID = contact
		return nil
	})
}
