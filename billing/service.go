package billing

import (
	"github.com/psakit/psa"
)

// Options configure a Service. A nil *Options means the defaults.
type Options struct {
	psa.Options
}

// Service runs the billing rules inside transactions of the host's store.
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
