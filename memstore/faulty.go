package memstore

import (
	"context"
	"sync"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// Faulty is a Store whose store calls can be made to fail, for fault-injection tests of the
// library's services and of a host's code on top of them. Every store call of a transaction
// (GetClient, CreateInvoice, ...) first asks the fault function installed with Inject, passing
// the number of the call and the method's name; when it returns an error, the call returns that
// error and does nothing else. The service then returns the error and its transaction is rolled
// back, so a test can fail the k-th call of any operation and check that nothing of that
// transaction was stored.
//
// Faulty is safe for concurrent use. Its transactions are those of the Store it wraps, which
// stays usable directly, without faults.
type Faulty struct {
	s *Store

	mu    sync.Mutex
	fail  func(call int, op string) error
	calls int
}

// NewFaulty returns a Faulty over s, with no fault function installed.
func NewFaulty(s *Store) *Faulty { return &Faulty{s: s} }

// Store returns the wrapped Store.
func (f *Faulty) Store() *Store { return f.s }

// Inject installs fail, which decides the fate of every store call from now on: call counts the
// calls from 1, restarting at this Inject, across transactions, retries and goroutines; op is
// the method's name ("CreateInvoice"). A nil fail removes the fault function; calls are still
// counted.
func (f *Faulty) Inject(fail func(call int, op string) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail, f.calls = fail, 0
}

// Calls returns the number of store calls since the last Inject (or since NewFaulty).
func (f *Faulty) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// call counts a call of op and returns the error the fault function gives it.
func (f *Faulty) call(op string) error {
	f.mu.Lock()
	f.calls++
	n, fail := f.calls, f.fail
	f.mu.Unlock()
	if fail == nil {
		return nil
	}
	return fail(n, op)
}

// Run is Store.Run with every store call of the transaction subject to the fault function.
func (f *Faulty) Run(ctx context.Context, fn func(ctx context.Context, tx *FaultyTx) error) error {
	return f.s.Run(ctx, func(ctx context.Context, tx *Tx) error {
		return fn(ctx, &FaultyTx{tx: tx, f: f})
	})
}

// FaultyRunner returns a psa.Runner over the transaction interface T (billing.Tx, ...) running
// on f, as Runner does for a Store:
//
//	f := memstore.NewFaulty(memstore.New())
//	bills, err := billing.NewService(memstore.FaultyRunner[billing.Tx](f), nil)
func FaultyRunner[T any](f *Faulty) psa.Runner[T] {
	return psa.Adapt[T](psa.Runner[*FaultyTx](f.Run))
}

// FaultyTx is a transaction of a Faulty: a Tx whose store calls ask the fault function first.
// Like Tx, it implements the transaction interface of every package.
type FaultyTx struct {
	tx *Tx
	f  *Faulty
}

var (
	_ client.Tx      = (*FaultyTx)(nil)
	_ contract.Tx    = (*FaultyTx)(nil)
	_ servicedesk.Tx = (*FaultyTx)(nil)
	_ invoice.Tx     = (*FaultyTx)(nil)
	_ billing.Tx     = (*FaultyTx)(nil)
)

// failed returns the zero R and err.
func failed[R any](err error) (R, error) {
	var zero R
	return zero, err
}
