package client

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/psakit/psa"
)

// ExternalClient is a client as an external system of record (a CRM) holds it (seed 002 "CRM
// Sync"). The external system is the source of truth for company and contact information.
type ExternalClient struct {
	ExternalID string
	Profile    Profile
	Contacts   []ExternalContact
}

// ExternalContact is a contact as the external system holds it.
type ExternalContact struct {
	ExternalID string
	ContactInfo
	// Primary marks the external system's primary contact; at most one may be marked.
	Primary bool
}

// SyncResult says what a sync did.
type SyncResult struct {
	ClientID psa.ClientID
	Client   Change
	Contacts []ContactSync
}

// ContactSync says what a sync did to one contact.
type ContactSync struct {
	ExternalID string
	ContactID  psa.ContactID
	Change     Change
}

// Changed reports whether the sync stored anything.
func (r SyncResult) Changed() bool {
	if r.Client != Unchanged {
		return true
	}
	for _, c := range r.Contacts {
		if c.Change != Unchanged {
			return true
		}
	}
	return false
}

func (e ExternalClient) validate() error {
	var v psa.Validator
	v.Require("externalId", e.ExternalID)
	v.Merge("profile", e.Profile.Validate())
	ids := map[string]bool{}
	var primaries []string
	for i, c := range e.Contacts {
		field := fmt.Sprintf("contacts[%d]", i)
		key := strings.TrimSpace(c.ExternalID)
		switch {
		case key == "":
			v.Add(field+".externalId", c.ExternalID, "is required")
		case ids[key]:
			v.Add(field+".externalId", c.ExternalID, "is listed twice")
		}
		ids[key] = true
		v.Merge(field, c.ContactInfo.Validate())
		if c.Primary {
			primaries = append(primaries, field+".primary")
		}
	}
	if len(primaries) > 1 {
		for _, f := range primaries {
			v.Add(f, "true", fmt.Sprintf("is one of %d contacts marked primary; at most one may be", len(primaries)))
		}
	}
	return v.Err("external client")
}

// Sync upserts a client and its contacts from an external system, keyed by their external IDs,
// in one transaction. Where values differ the external system wins: the client's profile and each
// listed contact's information are overwritten, and a contact marked primary becomes the primary
// contact. What the external system does not carry (status, notes, billing information, settings,
// contacts it does not list) is left alone. Running the same sync twice changes nothing the second
// time: every change is Unchanged and no version moves.
func (s *Service) Sync(ctx context.Context, ext ExternalClient) (SyncResult, error) {
	if err := ext.validate(); err != nil {
		return SyncResult{}, err
	}
	var res SyncResult
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		res = SyncResult{}
		now := s.opts.Clock()
		c, err := tx.FindClientByExternalID(ctx, ext.ExternalID)
		switch {
		case err == nil:
			res.Client = Unchanged
		case isNotFound(err):
			id, err := psa.NewID[psa.ClientID](s.opts.IDs())
			if err != nil {
				return err
			}
			c = Client{ID: id, Profile: ext.Profile, Status: StatusActive, ExternalID: ext.ExternalID, CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := tx.CreateClient(ctx, c); err != nil {
				return err
			}
			res.Client = Created
		default:
			return err
		}
		res.ClientID = c.ID
		dirty := c.Profile != ext.Profile
		c.Profile = ext.Profile

		primary := c.PrimaryContactID
		for _, ec := range ext.Contacts {
			ct, change, err := s.syncContact(ctx, tx, c.ID, ec, now)
			if err != nil {
				return err
			}
			res.Contacts = append(res.Contacts, ContactSync{ExternalID: ec.ExternalID, ContactID: ct.ID, Change: change})
			if ct.Active && (ec.Primary || psa.IsNil(primary)) {
				primary = ct.ID
			}
		}
		if primary != c.PrimaryContactID {
			c.PrimaryContactID, dirty = primary, true
		}
		if !dirty {
			return nil
		}
		if res.Client == Unchanged {
			res.Client = Updated
		}
		c.UpdatedAt = now
		return tx.UpdateClient(ctx, c)
	})
	if err != nil {
		return SyncResult{}, err
	}
	return res, nil
}

func (s *Service) syncContact(ctx context.Context, tx Tx, client psa.ClientID, ec ExternalContact, now time.Time) (Contact, Change, error) {
	ct, err := tx.FindContactByExternalID(ctx, client, ec.ExternalID)
	switch {
	case err == nil && ct.ContactInfo == ec.ContactInfo:
		return ct, Unchanged, nil
	case err == nil:
		ct.ContactInfo, ct.UpdatedAt = ec.ContactInfo, now
		if err := tx.UpdateContact(ctx, ct); err != nil {
			return Contact{}, "", err
		}
		ct.Version++
		return ct, Updated, nil
	case !isNotFound(err):
		return Contact{}, "", err
	}
	id, err := psa.NewID[psa.ContactID](s.opts.IDs())
	if err != nil {
		return Contact{}, "", err
	}
	ct = Contact{ID: id, ClientID: client, ContactInfo: ec.ContactInfo, Active: true, ExternalID: ec.ExternalID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := tx.CreateContact(ctx, ct); err != nil {
		return Contact{}, "", err
	}
	return ct, Created, nil
}
