package client

import (
	"time"

	"github.com/psakit/psa"
)

// AssetKind says what an asset is.
type AssetKind string

// Asset kinds. Hardware kinds count as devices for per-device billing.
const (
	AssetWorkstation AssetKind = "workstation"
	AssetServer      AssetKind = "server"
	AssetNetwork     AssetKind = "network"
	AssetMobile      AssetKind = "mobile"
	AssetPrinter     AssetKind = "printer"
	AssetSoftware    AssetKind = "software"
	AssetOther       AssetKind = "other"
)

// Valid reports whether k is a defined kind.
func (k AssetKind) Valid() bool {
	switch k {
	case AssetWorkstation, AssetServer, AssetNetwork, AssetMobile, AssetPrinter, AssetSoftware, AssetOther:
		return true
	}
	return false
}

// IsHardware reports whether k is a device (everything but software).
func (k AssetKind) IsHardware() bool { return k.Valid() && k != AssetSoftware }

// Asset is a device, server or piece of software managed for a client, typically synced from an
// RMM tool (seed 002 "Assets"); tickets name affected hardware and software assets (seed 004).
type Asset struct {
	ID       psa.AssetID  `json:"id"`
	ClientID psa.ClientID `json:"clientId"`
	AssetInfo
	// ExternalID is the asset's key in the RMM or CMDB it was synced from; unique per client when
	// set.
	ExternalID string    `json:"externalId,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	Version    int64     `json:"version"`
}

// AssetInfo is what an asset record says about the asset.
type AssetInfo struct {
	Kind         AssetKind `json:"kind"`
	Name         string    `json:"name"`
	SerialNumber string    `json:"serialNumber,omitempty"`
	// ServiceLevelID ties the asset to an SLA policy (seed 001: managed-services clients tie each
	// supported device to a service level); nil means none.
	ServiceLevelID psa.SLAPolicyID `json:"serviceLevelId"`
	// Retired marks an asset no longer managed: it is kept for ticket history but not counted.
	Retired bool `json:"retired,omitempty"`
}

// Validate reports every broken rule of a: a known kind and a name are required.
func (a AssetInfo) Validate() error {
	var v psa.Validator
	if !a.Kind.Valid() {
		v.Add("kind", string(a.Kind), "is not a known asset kind")
	}
	v.Require("name", a.Name)
	return v.Err("asset")
}

// Change says what an upsert or a sync did to one object.
type Change string

// Changes.
const (
	Created   Change = "created"
	Updated   Change = "updated"
	Unchanged Change = "unchanged"
)
