package client

import (
	"context"
	"strings"

	"github.com/psakit/psa"
	"github.com/psakit/psa/internal/versioned"
)

// AddAsset adds an asset entered by hand (no external ID) to client clientID.
func (s *Service) AddAsset(ctx context.Context, clientID psa.ClientID, info AssetInfo) (Asset, error) {
	a, _, err := s.putAsset(ctx, clientID, "", info)
	return a, err
}

// UpsertAsset creates or updates the asset of client clientID whose key in the RMM or CMDB is
// externalID (seed 002: assets synced from RMM). Running it again with the same values changes
// nothing and reports Unchanged; the stored version then stays as it was.
func (s *Service) UpsertAsset(ctx context.Context, clientID psa.ClientID, externalID string, info AssetInfo) (Asset, Change, error) {
	if strings.TrimSpace(externalID) == "" {
		return Asset{}, "", psa.Invalid("asset", "externalId", externalID, "is required for an upsert")
	}
	return s.putAsset(ctx, clientID, externalID, info)
}

func (s *Service) putAsset(ctx context.Context, clientID psa.ClientID, externalID string, info AssetInfo) (Asset, Change, error) {
	if err := info.Validate(); err != nil {
		return Asset{}, "", err
	}
	id, err := psa.NewID[psa.AssetID](s.opts.IDs())
	if err != nil {
		return Asset{}, "", err
	}
	var (
		out    Asset
		change Change
	)
	err = s.run(ctx, func(ctx context.Context, tx Tx) error {
		if _, err := tx.GetClient(ctx, clientID); err != nil {
			return err
		}
		now := s.opts.Clock()
		if externalID != "" {
			a, err := tx.FindAssetByExternalID(ctx, clientID, externalID)
			switch {
			case err == nil && a.AssetInfo == info:
				out, change = a, Unchanged
				return nil
			case err == nil:
				a.AssetInfo, a.UpdatedAt = info, now
				if err := tx.UpdateAsset(ctx, a); err != nil {
					return err
				}
				a.Version++
				out, change = a, Updated
				return nil
			case !isNotFound(err):
				return err
			}
		}
		out = Asset{ID: id, ClientID: clientID, AssetInfo: info, ExternalID: externalID, CreatedAt: now, UpdatedAt: now, Version: 1}
		change = Created
		return tx.CreateAsset(ctx, out)
	})
	if err != nil {
		return Asset{}, "", err
	}
	return out, change, nil
}

// GetAsset returns the asset with id, or a *psa.NotFoundError.
func (s *Service) GetAsset(ctx context.Context, id psa.AssetID) (Asset, error) {
	return versioned.Get(ctx, s.run, Tx.GetAsset, id)
}

// ListAssets returns a page of client clientID's assets in ascending ID order.
func (s *Service) ListAssets(ctx context.Context, clientID psa.ClientID, page psa.PageRequest) (psa.Page[Asset], error) {
	var p psa.Page[Asset]
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		if _, err := tx.GetClient(ctx, clientID); err != nil {
			return err
		}
		var err error
		p, err = tx.ListAssets(ctx, clientID, page)
		return err
	})
	return p, err
}
