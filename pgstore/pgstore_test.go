package pgstore_test

import (
	"testing"

	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/pgstore"
	"github.com/psakit/psa/servicedesk"
	"github.com/psakit/psa/storetest"
)

// newHarness returns the runners of a store on a new, empty schema.
func newHarness(t *testing.T) storetest.Harness {
	s := pgstore.New(newSchema(t), nil)
	return storetest.Harness{
		Client:      pgstore.Runner[client.Tx](s),
		Contract:    pgstore.Runner[contract.Tx](s),
		ServiceDesk: pgstore.Runner[servicedesk.Tx](s),
		Invoice:     pgstore.Runner[invoice.Tx](s),
		Billing:     pgstore.Runner[billing.Tx](s),
	}
}

func TestConformance(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	storetest.Run(t, newHarness)
}
