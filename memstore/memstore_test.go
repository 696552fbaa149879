package memstore_test

import (
	"runtime/debug"
	"slices"
	"testing"

	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
	"github.com/psakit/psa/staff"
	"github.com/psakit/psa/storetest"
)

// TestConformance runs the storetest conformance suite against the in-memory store.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		s := memstore.New()
		return storetest.Harness{
			Client:      memstore.Runner[client.Tx](s),
			Contract:    memstore.Runner[contract.Tx](s),
			ServiceDesk: memstore.Runner[servicedesk.Tx](s),
			Invoice:     memstore.Runner[invoice.Tx](s),
			Billing:     memstore.Runner[billing.Tx](s),
			Portal:      memstore.Runner[portal.Tx](s),
			Staff:       memstore.Runner[staff.Tx](s),
		}
	})
}

// TestFaultyConformance runs the conformance suite against a Faulty with no fault installed: it
// forwards every store call to the Store it wraps, unchanged. It does not run under the race
// detector, which TestConformance runs the same cases under, and the concurrency tests run
// Faulty under.
func TestFaultyConformance(t *testing.T) {
	if info, ok := debug.ReadBuildInfo(); ok && slices.Contains(info.Settings, debug.BuildSetting{Key: "-race", Value: "true"}) {
		t.Skip("the race detector runs TestConformance")
	}
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		f := memstore.NewFaulty(memstore.New())
		return storetest.Harness{
			Client:      memstore.FaultyRunner[client.Tx](f),
			Contract:    memstore.FaultyRunner[contract.Tx](f),
			ServiceDesk: memstore.FaultyRunner[servicedesk.Tx](f),
			Invoice:     memstore.FaultyRunner[invoice.Tx](f),
			Billing:     memstore.FaultyRunner[billing.Tx](f),
		}
	})
}
