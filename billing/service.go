package billing

import (
	"fmt"
	"sync"

	"github.com/psakit/psa"
	"github.com/psakit/psa/invoice"
)

// Options configure a Service. A nil *Options means the defaults.
type Options struct {
	psa.Options
	// TaxRegions are the tenant's tax regions; a client's billing information names one of them.
	// None means invoices carry no tax.
	TaxRegions []invoice.TaxRegion
	// Rounding rounds sales items, invoice discounts and tax (contract charges and time use their
	// contract's mode); the zero value is psa.RoundHalfUp.
	Rounding psa.RoundingMode
}

// Service runs the billing rules inside transactions of the host's store.
type Service struct {
	run      psa.Runner[Tx]
	opts     psa.Options
	regions  []invoice.TaxRegion
	rounding psa.RoundingMode
	// lines recycles the buffers of the lines a client's billing queues (*[]pending), which
	// end with the client's transaction.
	lines sync.Pool
}

// NewService returns a Service that runs its work through run. Invalid tax regions are an error.
func NewService(run psa.Runner[Tx], opts *Options) (*Service, error) {
	s := &Service{run: run}
	s.lines.New = func() any { return new([]pending) }
	if opts != nil {
		s.opts, s.rounding = opts.Options, opts.Rounding
		s.regions = append([]invoice.TaxRegion(nil), opts.TaxRegions...)
	}
	var v psa.Validator
	for i, r := range s.regions {
		v.Merge(fmt.Sprintf("taxRegions[%d]", i), r.Validate())
	}
	if err := v.Err("billing options"); err != nil {
		return nil, err
	}
	return s, nil
}
