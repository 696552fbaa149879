package memstore

import (
	"context"
	"errors"
	"sync"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/servicedesk"
)

// optimisticAttempts is how many times Run runs a transaction function optimistically before it
// runs it once more holding the store's write lock throughout, which cannot lose a race: a
// transaction never fails for contention, however hot the rows it touches.
const optimisticAttempts = 3

// ErrTxDone is returned by the methods of a Tx used after its Run call has ended.
var ErrTxDone = errors.New("psa: memstore: transaction has already ended")

// Store is the in-memory store: it implements every store interface of psa, keeps all data in
// the process's memory, and is safe for concurrent use by any number of goroutines.
//
// Transactions are optimistic and serializable: a transaction reads committed data and its own
// writes, buffers its writes privately, and commits them atomically only if nothing it read has
// changed in the meantime; otherwise Run runs the transaction function again. A failed
// transaction leaves nothing behind. Values are copied in and out, so callers never share
// memory with stored data. Listings are in ascending ID order.
//
// It is the embedded default for examples, tests and small deployments that do not need data to
// outlive the process.
type Store struct {
	mu  sync.RWMutex
	seq uint64 // commit sequence

	staff *staffTables

	clients  *table[psa.ClientID, client.Client]
	contacts *table[psa.ContactID, client.Contact]
	assets   *table[psa.AssetID, client.Asset]

	clientsByExternalID *unique[psa.ClientID, client.Client]
	clientsByParent     *grouping[psa.ClientID, client.Client]
	contactsByExternal  *unique[psa.ContactID, client.Contact]
	contactsByClient    *grouping[psa.ContactID, client.Contact]
	assetsByExternal    *unique[psa.AssetID, client.Asset]
	assetsByClient      *grouping[psa.AssetID, client.Asset]

	contracts         *table[psa.ContractID, contract.Contract]
	contractsByDeal   *unique[psa.ContractID, contract.Contract]
	contractsByClient *grouping[psa.ContractID, contract.Contract]
	parts             *table[psa.PartID, contract.Part]
	partsByContract   *grouping[psa.PartID, contract.Part]
	history           *table[psa.ContractID, historyLog]

	tickets         *table[psa.TicketID, servicedesk.Ticket]
	ticketsByNumber *unique[psa.TicketID, servicedesk.Ticket]
	ticketsByClient *grouping[psa.TicketID, servicedesk.Ticket]
	notes           *table[psa.NoteID, servicedesk.Note]
	notesByTicket   *grouping[psa.NoteID, servicedesk.Note]
	entries         *table[psa.TimeEntryID, servicedesk.TimeEntry]
	entriesByClient *grouping[psa.TimeEntryID, servicedesk.TimeEntry]
	entriesByTicket *grouping[psa.TimeEntryID, servicedesk.TimeEntry]
	policies        *table[psa.SLAPolicyID, servicedesk.Policy]
	calendars       *table[psa.CalendarID, servicedesk.Calendar]
	queues          *table[psa.QueueID, servicedesk.Queue]
	counters        *table[psa.TenantID, ticketCounter]
	deskSettings    *table[psa.TenantID, deskSettings]

	schemes          *table[psa.NumberingSchemeID, invoice.Scheme]
	invoices         *table[psa.InvoiceID, invoice.Invoice]
	invoicesByNumber *unique[psa.InvoiceID, invoice.Invoice]
	invoicesByClient *grouping[psa.InvoiceID, invoice.Invoice]

	salesItems         *table[psa.SalesItemID, billing.SalesItem]
	salesItemsByClient *grouping[psa.SalesItemID, billing.SalesItem]
	claims             *table[psa.InvoiceLineID, billing.Claim]
	claimsBySubject    *grouping[psa.InvoiceLineID, billing.Claim]
	claimsByInvoice    *grouping[psa.InvoiceLineID, billing.Claim]
	usage              *table[psa.UsageID, billing.Usage]
	usageByPart        *grouping[psa.UsageID, billing.Usage]

	portal *portalTables
}

// New returns an empty Store.
func New() *Store {
	s := &Store{}
	s.initClients()
	s.initStaff()
	s.initContracts()
	s.initServiceDesk()
	s.initInvoices()
	s.initBilling()
	s.initPortal()
	return s
}

// Tx is one transaction on a Store. It implements the transaction interface of every package
// (client.Tx, ...). A Tx is used by one goroutine, only during the Run call that created it.
type Tx struct {
	s         *Store
	done      bool
	exclusive bool // runs under the store's write lock: reads take no lock and cannot go stale

	// views are the transaction's views of the tables it has touched, in the order it touched
	// them: a transaction pays only for the tables it uses. Each records what it read, checked
	// at commit, and buffers what it wrote, applied at commit.
	views []txView
}

// txView is a transaction's view of one table.
type txView struct {
	table any // *table[K, V]
	view  tableView
}

func (s *Store) begin(exclusive bool) *Tx { return &Tx{s: s, exclusive: exclusive} }

// rlock and runlock guard a read of committed state (nothing to do in an exclusive transaction,
// which holds the write lock already).
func (tx *Tx) rlock() {
	if !tx.exclusive {
		tx.s.mu.RLock()
	}
}

func (tx *Tx) runlock() {
	if !tx.exclusive {
		tx.s.mu.RUnlock()
	}
}

func (tx *Tx) usable(ctx context.Context) error {
	if tx.done {
		return ErrTxDone
	}
	return ctx.Err()
}

// valid reports whether every read of tx still holds; the caller holds s.mu.
func (tx *Tx) valid() bool {
	for _, e := range tx.views {
		if !e.view.valid() {
			return false
		}
	}
	return true
}

// Run runs fn in a transaction and commits its writes if and only if fn returns nil. When fn
// returns an error, nothing is written and the error is returned as fn returned it. When another
// transaction committed a change to something fn read, fn's result is discarded and fn runs
// again; after a few lost races it runs holding the store's write lock, so Run never fails for
// contention. fn must therefore have no effects outside tx. A cancelled ctx ends Run with
// ctx.Err() before fn runs (again).
func (s *Store) Run(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	for attempt := 1; attempt <= optimisticAttempts; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		tx := s.begin(false)
		err := fn(ctx, tx)
		committed, stale := s.finish(tx, err == nil)
		switch {
		case !stale && err != nil:
			return err
		case committed:
			return nil
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := s.begin(true)
	err := fn(ctx, tx)
	tx.done = true
	if err != nil {
		return err
	}
	s.apply(tx)
	return nil
}

// finish ends an optimistic tx: it commits when commit is true and every read of tx still holds.
// stale reports that a read did not hold (so fn's result, error or not, may rest on an
// inconsistent view).
func (s *Store) finish(tx *Tx, commit bool) (committed, stale bool) {
	tx.done = true
	if !commit {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return false, !tx.valid()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !tx.valid() {
		return false, true
	}
	s.apply(tx)
	return true, false
}

// apply writes tx's buffered changes as the next commit; the caller holds the write lock.
func (s *Store) apply(tx *Tx) {
	s.seq++
	for _, e := range tx.views {
		e.view.applyAll(s.seq)
	}
}

// Runner returns a psa.Runner over the transaction interface T (client.Tx, ...) running on s:
//
//	clients := client.NewService(memstore.Runner[client.Tx](store), nil)
func Runner[T any](s *Store) psa.Runner[T] {
	return psa.Adapt[T](psa.Runner[*Tx](s.Run))
}
