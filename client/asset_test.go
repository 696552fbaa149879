package client_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

func TestAssetKind(t *testing.T) {
	tests := []struct {
		kind            client.AssetKind
		valid, hardware bool
	}{
		{client.AssetWorkstation, true, true},
		{client.AssetServer, true, true},
		{client.AssetNetwork, true, true},
		{client.AssetMobile, true, true},
		{client.AssetPrinter, true, true},
		{client.AssetOther, true, true},
		{client.AssetSoftware, true, false},
		{"", false, false},
		{"Server", false, false},
		{"toaster", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			require.Equal(t, tt.valid, tt.kind.Valid(), "Valid")
			require.Equal(t, tt.hardware, tt.kind.IsHardware(), "IsHardware")
		})
	}
}

func TestAddAsset(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	info := client.AssetInfo{Kind: client.AssetServer, Name: "dc01", SerialNumber: "SN-1"}
	got, err := e.svc.AddAsset(t.Context(), c.ID, info)
	require.NoError(t, err)
	want := client.Asset{ID: got.ID, ClientID: c.ID, AssetInfo: info, CreatedAt: t0, UpdatedAt: t0, Version: 1}
	diff(t, want, got, "returned asset")
	stored, err := e.svc.GetAsset(t.Context(), got.ID)
	require.NoError(t, err)
	diff(t, want, stored, "stored asset")

	// Assets entered by hand have no external ID, so the same one may be entered twice.
	second, err := e.svc.AddAsset(t.Context(), c.ID, info)
	require.NoError(t, err)
	require.NotEqual(t, got.ID, second.ID)
	require.Len(t, e.assets(t, c.ID), 2)
	diff(t, c, e.get(t, c.ID), "the client is not touched")
}

func TestAddAssetRefused(t *testing.T) {
	tests := []struct {
		name string
		info client.AssetInfo
		want []field
	}{
		{"invalid kind", client.AssetInfo{Kind: "toaster", Name: "t1"}, []field{{"kind", "toaster"}}},
		{"no kind", client.AssetInfo{Name: "t1"}, []field{{"kind", ""}}},
		{"no name", client.AssetInfo{Kind: client.AssetPrinter, Name: " "}, []field{{"name", " "}}},
		{"neither", client.AssetInfo{}, []field{{"kind", ""}, {"name", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			_, err := e.svc.AddAsset(t.Context(), c.ID, tt.info)
			diff(t, tt.want, validationFields(t, err), "AddAsset fields")
			_, _, err = e.svc.UpsertAsset(t.Context(), c.ID, "rmm-1", tt.info)
			diff(t, tt.want, validationFields(t, err), "UpsertAsset fields")
			require.Empty(t, e.assets(t, c.ID), "nothing is stored")
		})
	}

	t.Run("unknown client", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.AddAsset(t.Context(), clientID(1), client.AssetInfo{Kind: client.AssetServer, Name: "s"})
		require.ErrorIs(t, err, psa.ErrNotFound)
		_, _, err = e.svc.UpsertAsset(t.Context(), clientID(1), "rmm-1", client.AssetInfo{Kind: client.AssetServer, Name: "s"})
		require.ErrorIs(t, err, psa.ErrNotFound)
	})
}

// TestUpsertAsset checks the RMM sync of seed 002: create, then the same values again change
// nothing, then a changed value updates the asset.
func TestUpsertAsset(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	info := client.AssetInfo{Kind: client.AssetWorkstation, Name: "ws-17", SerialNumber: "ABC123"}

	created, change, err := e.svc.UpsertAsset(t.Context(), c.ID, "rmm-17", info)
	require.NoError(t, err)
	require.Equal(t, client.Created, change)
	want := client.Asset{ID: created.ID, ClientID: c.ID, AssetInfo: info, ExternalID: "rmm-17", CreatedAt: t0, UpdatedAt: t0, Version: 1}
	diff(t, want, created, "created asset")
	diff(t, []client.Asset{want}, e.assets(t, c.ID), "stored assets")

	e.now = t0.Add(time.Hour)
	again, change, err := e.svc.UpsertAsset(t.Context(), c.ID, "rmm-17", info)
	require.NoError(t, err)
	require.Equal(t, client.Unchanged, change)
	diff(t, want, again, "unchanged asset")
	diff(t, []client.Asset{want}, e.assets(t, c.ID), "stored assets after an unchanged upsert (version and time unchanged)")

	renamed := info
	renamed.Name = "ws-17-renamed"
	updated, change, err := e.svc.UpsertAsset(t.Context(), c.ID, "rmm-17", renamed)
	require.NoError(t, err)
	require.Equal(t, client.Updated, change)
	want.AssetInfo, want.UpdatedAt, want.Version = renamed, t0.Add(time.Hour), 2
	diff(t, want, updated, "updated asset")
	diff(t, []client.Asset{want}, e.assets(t, c.ID), "stored assets after an update")

	retired := renamed
	retired.Retired = true
	updated, change, err = e.svc.UpsertAsset(t.Context(), c.ID, "rmm-17", retired)
	require.NoError(t, err)
	require.Equal(t, client.Updated, change)
	require.Equal(t, int64(3), updated.Version)
}

func TestUpsertAssetEmptyExternalID(t *testing.T) {
	for _, ext := range []string{"", " ", "\t\n"} {
		t.Run("external ID "+ext, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			_, _, err := e.svc.UpsertAsset(t.Context(), c.ID, ext, client.AssetInfo{Kind: client.AssetServer, Name: "s"})
			diff(t, []field{{"externalId", ext}}, validationFields(t, err), "invalid fields")
			require.Empty(t, e.assets(t, c.ID), "nothing is stored")
		})
	}
}

func TestUpsertAssetSameExternalIDTwoClients(t *testing.T) {
	e := newEnv(t)
	a := e.named(t, "A")
	b := e.named(t, "B")
	info := client.AssetInfo{Kind: client.AssetNetwork, Name: "fw"}

	fa, change, err := e.svc.UpsertAsset(t.Context(), a.ID, "rmm-1", info)
	require.NoError(t, err)
	require.Equal(t, client.Created, change)
	fb, change, err := e.svc.UpsertAsset(t.Context(), b.ID, "rmm-1", info)
	require.NoError(t, err)
	require.Equal(t, client.Created, change, "another client's asset with the same external ID is another asset")
	require.NotEqual(t, fa.ID, fb.ID)
	diff(t, []client.Asset{fa}, e.assets(t, a.ID), "A's assets")
	diff(t, []client.Asset{fb}, e.assets(t, b.ID), "B's assets")

	// Updating one does not touch the other.
	renamed := info
	renamed.Name = "fw-b"
	fb2, change, err := e.svc.UpsertAsset(t.Context(), b.ID, "rmm-1", renamed)
	require.NoError(t, err)
	require.Equal(t, client.Updated, change)
	require.Equal(t, fb.ID, fb2.ID)
	diff(t, []client.Asset{fa}, e.assets(t, a.ID), "A's assets after B's update")
}
