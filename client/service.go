package client

import (
	"context"
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/internal/versioned"
)

// Options configure a Service. A nil *Options means the defaults.
type Options struct {
	psa.Options
}

// Service runs the client rules inside transactions of the host's store.
type Service struct {
	run  psa.Runner[Tx]
	opts psa.Options
}

// NewService returns a Service that runs its work through run.
func NewService(run psa.Runner[Tx], opts *Options) *Service {
	s := &Service{run: run}
	if opts != nil {
		s.opts = opts.Options
	}
	return s
}

// NewClient is the input of Service.Create.
type NewClient struct {
	Profile
	// Status defaults to StatusActive.
	Status Status
	Notes  string
	// ExternalID is the client's key in a CRM; unique when set.
	ExternalID string
	// ParentID makes the new client a sub-organization of an existing client.
	ParentID psa.ClientID
	// BillToParent bills the new client's work to its parent; it requires ParentID.
	BillToParent bool
	// Billing, when given, must be complete (seed 000's contract wizard asks for billing
	// information in the same step when it is not defined yet).
	Billing *BillingInfo
}

// Create validates in and stores a new client. Every broken rule of the input is reported in one
// *psa.ValidationError; an unknown parent gives a *psa.NotFoundError; a taken external ID a
// *psa.AlreadyExistsError.
func (s *Service) Create(ctx context.Context, in NewClient) (Client, error) {
	var v psa.Validator
	in.Profile.validate(&v)
	if in.Status != "" && !in.Status.Valid() {
		v.Add("status", string(in.Status), "is not a known status")
	}
	if in.BillToParent && psa.IsNil(in.ParentID) {
		v.Add("billToParent", "true", "requires a parent organization")
	}
	if in.Billing != nil {
		v.Merge("billing", in.Billing.Validate())
	}
	if err := v.Err("client"); err != nil {
		return Client{}, err
	}
	id, err := psa.NewID[psa.ClientID](s.opts.IDs())
	if err != nil {
		return Client{}, err
	}
	now := s.opts.Clock()
	c := Client{
		ID: id, Profile: in.Profile, Status: in.Status, Notes: in.Notes, ExternalID: in.ExternalID,
		ParentID: in.ParentID, BillToParent: in.BillToParent,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if c.Status == "" {
		c.Status = StatusActive
	}
	if in.Billing != nil {
		c.Billing = *in.Billing
	}
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		if c.HasParent() {
			if err := checkParent(ctx, tx, c.ID, c.ParentID); err != nil {
				return err
			}
		}
		return tx.CreateClient(ctx, c)
	})
	if err != nil {
		return Client{}, err
	}
	return c, nil
}

// Get returns the client with id, or a *psa.NotFoundError.
func (s *Service) Get(ctx context.Context, id psa.ClientID) (Client, error) {
	return versioned.Get(ctx, s.run, Tx.GetClient, id)
}

// List returns a page of clients in ascending ID order (creation order with the default IDs).
func (s *Service) List(ctx context.Context, page psa.PageRequest) (psa.Page[Client], error) {
	var p psa.Page[Client]
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		p, err = tx.ListClients(ctx, page)
		return err
	})
	return p, err
}

// update loads client id, checks that version is the one stored, applies change and stores the
// result, all in one transaction.
func (s *Service) update(ctx context.Context, id psa.ClientID, version int64, change func(ctx context.Context, tx Tx, c *Client) error) (Client, error) {
	return versioned.Update(ctx, s.run, "client", id, version, Tx.GetClient, Tx.UpdateClient,
		func(c *Client) (*int64, *time.Time) { return &c.Version, &c.UpdatedAt }, s.opts.Clock, change, nil)
}

// UpdateProfile replaces the company information of client id, read at version.
func (s *Service) UpdateProfile(ctx context.Context, id psa.ClientID, version int64, p Profile) (Client, error) {
	if err := p.Validate(); err != nil {
		return Client{}, err
	}
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, c *Client) error {
		c.Profile = p
		return nil
	})
}

// SetStatus sets the status of client id, read at version.
func (s *Service) SetStatus(ctx context.Context, id psa.ClientID, version int64, status Status) (Client, error) {
	if !status.Valid() {
		return Client{}, psa.Invalid("client", "status", string(status), "is not a known status")
	}
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, c *Client) error {
		c.Status = status
		return nil
	})
}

// SetNotes replaces the internal notes of client id, read at version.
func (s *Service) SetNotes(ctx context.Context, id psa.ClientID, version int64, notes string) (Client, error) {
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, c *Client) error {
		c.Notes = notes
		return nil
	})
}

// SetParent makes parent the parent organization of client id (read at version), or makes it a
// top-level client when parent is nil. billToParent bills its work to the parent (seed 001) and
// requires a parent. A parent that would make the client its own ancestor gives a *CycleError.
func (s *Service) SetParent(ctx context.Context, id psa.ClientID, version int64, parent psa.ClientID, billToParent bool) (Client, error) {
	if billToParent && psa.IsNil(parent) {
		return Client{}, psa.Invalid("client", "billToParent", "true", "requires a parent organization")
	}
	return s.update(ctx, id, version, func(ctx context.Context, tx Tx, c *Client) error {
		if !psa.IsNil(parent) {
			if err := checkParent(ctx, tx, id, parent); err != nil {
				return err
			}
		}
		c.ParentID, c.BillToParent = parent, billToParent
		return nil
	})
}

// Descendants returns every sub-organization below client id, breadth first.
func (s *Service) Descendants(ctx context.Context, id psa.ClientID) ([]Client, error) {
	var out []Client
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		out, err = Descendants(ctx, tx, id)
		return err
	})
	return out, err
}

// BillTo returns the client invoiced for client id's work (see the BillTo function).
func (s *Service) BillTo(ctx context.Context, id psa.ClientID) (Client, error) {
	var out Client
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		out, err = BillTo(ctx, tx, id)
		return err
	})
	return out, err
}

// SetBillingInfo stores the billing information of client id, read at version. It must be
// complete (BillingInfo.Validate).
func (s *Service) SetBillingInfo(ctx context.Context, id psa.ClientID, version int64, b BillingInfo) (Client, error) {
	if err := b.Validate(); err != nil {
		return Client{}, err
	}
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, c *Client) error {
		for i, r := range c.Settings.RateOverrides {
			if r.Rate.Currency() != b.Currency {
				return psa.Invalid("billing information", "currency", b.Currency.String(),
					fmt.Sprintf("differs from the client's rate override %d (%s); change the overrides first", i, r.Rate))
			}
		}
		c.Billing = b
		return nil
	})
}

// RequireBillingInfo runs the billing-information gate (the RequireBillingInfo function) for ids
// in a transaction of its own.
func (s *Service) RequireBillingInfo(ctx context.Context, action string, ids ...psa.ClientID) error {
	return s.run(ctx, func(ctx context.Context, tx Tx) error {
		return RequireBillingInfo(ctx, tx, action, ids...)
	})
}

// SetAccountTeam sets the account manager and the account team of client id, read at version
// (seed 001). Either may be empty; team members must be distinct non-nil staff IDs.
func (s *Service) SetAccountTeam(ctx context.Context, id psa.ClientID, version int64, manager psa.StaffID, team []psa.StaffID) (Client, error) {
	var v psa.Validator
	seen := map[psa.StaffID]bool{}
	for i, m := range team {
		field := fmt.Sprintf("accountTeam[%d]", i)
		switch {
		case psa.IsNil(m):
			v.Add(field, m.String(), "is the nil staff ID")
		case seen[m]:
			v.Add(field, m.String(), "is listed twice")
		}
		seen[m] = true
	}
	if err := v.Err("account team"); err != nil {
		return Client{}, err
	}
	team = append([]psa.StaffID(nil), team...)
	return s.update(ctx, id, version, func(_ context.Context, _ Tx, c *Client) error {
		c.AccountManager, c.AccountTeam = manager, team
		return nil
	})
}

// SetSettings replaces the client-specific settings of client id, read at version. Beyond
// Settings.Validate, every notification recipient must be an active contact of the client and
// every rate override must be in the client's billing currency (when billing information is
// given).
func (s *Service) SetSettings(ctx context.Context, id psa.ClientID, version int64, set Settings) (Client, error) {
	if err := set.Validate(); err != nil {
		return Client{}, err
	}
	return s.update(ctx, id, version, func(ctx context.Context, tx Tx, c *Client) error {
		var v psa.Validator
		for i, r := range set.NotificationRules {
			for j, cid := range r.ContactIDs {
				ct, err := tx.GetContact(ctx, cid)
				if err != nil && !isNotFound(err) {
					return err
				}
				if err != nil || ct.ClientID != id || !ct.Active {
					v.Add(fmt.Sprintf("notificationRules[%d].contactIds[%d]", i, j), cid.String(), "is not an active contact of the client")
				}
			}
		}
		if !c.Billing.IsZero() {
			for i, r := range set.RateOverrides {
				if r.Rate.Currency() != c.Billing.Currency {
					v.Add(fmt.Sprintf("rateOverrides[%d].rate", i), r.Rate.String(), "is not in the client's billing currency "+c.Billing.Currency.String())
				}
			}
		}
		if err := v.Err("client settings"); err != nil {
			return err
		}
		c.Settings = set
		return nil
	})
}
