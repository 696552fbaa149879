package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
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

// A mutant is memstore with one rule broken. TestSuiteCatchesBrokenStores runs the cases a mutant
// should fail against it and checks that they do, so that no case passes vacuously.
type mutant struct {
	name string
	// breaks says which rule the mutant breaks.
	breaks string
	// kills are the cases that must fail against it.
	kills []string
	// wrap turns the client runner of a fresh memstore into the mutant's, wrapContract its
	// contract runner, wrapDesk its service-desk runner, wrapInvoice its invoice runner and
	// wrapBilling its billing runner; each is called once per harness, and a nil one leaves its
	// runner as it is.
	wrap         func(run psa.Runner[client.Tx]) psa.Runner[client.Tx]
	wrapContract func(run psa.Runner[contract.Tx]) psa.Runner[contract.Tx]
	wrapDesk     func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx]
	wrapInvoice  func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx]
	wrapBilling  func(run psa.Runner[billing.Tx]) psa.Runner[billing.Tx]
	wrapPortal   func(run psa.Runner[portal.Tx]) psa.Runner[portal.Tx]
	// wrapStaff turns the staff runner of a fresh memstore into the mutant's.
	wrapStaff func(run psa.Runner[staff.Tx]) psa.Runner[staff.Tx]
}

const mutantEnv = "STORETEST_MUTANT"

// TestMutant runs the suite against the mutant named by $STORETEST_MUTANT; it is run by
// TestSuiteCatchesBrokenStores in a child process and skipped otherwise.
func TestMutant(t *testing.T) {
	name := os.Getenv(mutantEnv)
	if name == "" {
		t.Skip("run by TestSuiteCatchesBrokenStores")
	}
	switch name {
	case noRunners:
		storetest.Run(t, func(t *testing.T) storetest.Harness { return storetest.Harness{} })
		return
	case clientOnly:
		storetest.Run(t, func(t *testing.T) storetest.Harness {
			return storetest.Harness{Client: memstore.Runner[client.Tx](memstore.New())}
		})
		return
	}
	i := slices.IndexFunc(mutants, func(m mutant) bool { return m.name == name })
	if i < 0 {
		t.Fatalf("unknown mutant %q", name)
	}
	m := mutants[i]
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		s := memstore.New()
		h := storetest.Harness{
			Client:      memstore.Runner[client.Tx](s),
			Contract:    memstore.Runner[contract.Tx](s),
			ServiceDesk: memstore.Runner[servicedesk.Tx](s),
			Invoice:     memstore.Runner[invoice.Tx](s),
			Billing:     memstore.Runner[billing.Tx](s),
			Portal:      memstore.Runner[portal.Tx](s),
			Staff:       memstore.Runner[staff.Tx](s),
		}
		if m.wrap != nil {
			h.Client = m.wrap(h.Client)
		}
		if m.wrapContract != nil {
			h.Contract = m.wrapContract(h.Contract)
		}
		if m.wrapDesk != nil {
			h.ServiceDesk = m.wrapDesk(h.ServiceDesk)
		}
		if m.wrapInvoice != nil {
			h.Invoice = m.wrapInvoice(h.Invoice)
		}
		if m.wrapBilling != nil {
			h.Billing = m.wrapBilling(h.Billing)
		}
		if m.wrapPortal != nil {
			h.Portal = m.wrapPortal(h.Portal)
		}
		if m.wrapStaff != nil {
			h.Staff = m.wrapStaff(h.Staff)
		}
		return h
	})
}

// noRunners names the child run of TestMutant with an empty Harness, and clientOnly the one with
// only Harness.Client.
const (
	noRunners  = "no-runners"
	clientOnly = "client-only"
)

// child runs TestMutant's subtests matching pattern in a child process for mutant and returns its
// output and error.
func child(t *testing.T, mutant, pattern string) (string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^TestMutant$/"+pattern, "-test.count=1", "-test.v")
	// A binary built with -race sleeps a second at exit unless told otherwise.
	cmd.Env = append(os.Environ(), mutantEnv+"="+mutant, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestNilRunnerSkips(t *testing.T) {
	if os.Getenv(mutantEnv) != "" {
		t.Skip("in a child process")
	}
	out, err := child(t, noRunners, "")
	if err != nil {
		t.Fatalf("the suite failed on a Harness without runners: %v\n%s", err, out)
	}
	for _, want := range []string{
		"--- SKIP: TestMutant/RoundTripClient ", "Harness.Client is nil",
		"--- SKIP: TestMutant/RoundTripContract ", "Harness.Contract is nil",
		"--- SKIP: TestMutant/RunnersShareStore ", "Harness.Client and Harness.Contract are nil",
		"--- SKIP: TestMutant/RoundTripTicket ", "Harness.ServiceDesk is nil",
		"--- SKIP: TestMutant/ServiceDeskSharesStore ", "Harness.Client, Harness.Contract and Harness.ServiceDesk are nil",
		"--- SKIP: TestMutant/RoundTripInvoice ", "Harness.Invoice is nil",
		"--- SKIP: TestMutant/ConcurrentFinalization ", "Harness.Client and Harness.Invoice are nil",
		"--- SKIP: TestMutant/RoundTripSalesItem ", "Harness.Billing is nil",
		"--- SKIP: TestMutant/RoundTripPortal ", "Harness.Portal is nil",
		"--- SKIP: TestMutant/RoundTripSecurityLevel ", "Harness.Staff is nil",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output of the suite on a Harness without runners lacks %q:\n%s", want, out)
		}
	}

	out, err = child(t, clientOnly, "^(RoundTripClient|RoundTripContract|RunnersShareStore|ServiceDeskSharesStore|ConcurrentFinalization)$")
	if err != nil {
		t.Fatalf("the suite failed on a Harness with only Harness.Client: %v\n%s", err, out)
	}
	for _, want := range []string{
		"--- PASS: TestMutant/RoundTripClient ",
		"--- SKIP: TestMutant/RoundTripContract ", "--- SKIP: TestMutant/RunnersShareStore ", "Harness.Contract is nil",
		"--- SKIP: TestMutant/ServiceDeskSharesStore ", "Harness.Contract and Harness.ServiceDesk are nil",
		"--- SKIP: TestMutant/ConcurrentFinalization ", "Harness.Invoice is nil",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output of the suite on a Harness with only Harness.Client lacks %q:\n%s", want, out)
		}
	}
}

func TestSuiteCatchesBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	if os.Getenv(mutantEnv) != "" {
		t.Skip("in a child process")
	}
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			out, err := child(t, m.name, "^("+strings.Join(m.kills, "|")+")$")
			if err == nil {
				t.Fatalf("the suite passed a store that %s:\n%s", m.breaks, out)
			}
			for _, k := range m.kills {
				if !strings.Contains(out, "--- FAIL: TestMutant/"+k+" ") {
					t.Errorf("case %s did not fail against a store that %s:\n%s", k, m.breaks, out)
				}
			}
			if !strings.Contains(out, "contract: ") {
				t.Errorf("the failing output does not name the contract:\n%s", out)
			}
		})
	}
}

// withTx returns a runner that hands fn the transaction w makes of run's.
func withTx[X any](run psa.Runner[X], w func(tx X) X) psa.Runner[X] {
	return func(ctx context.Context, fn func(ctx context.Context, tx X) error) error {
		return run(ctx, func(ctx context.Context, tx X) error { return fn(ctx, w(tx)) })
	}
}

// txMutant wraps a transaction; each mutant overrides what it breaks through the function fields.
type txMutant struct {
	client.Tx
	createClient  func(ctx context.Context, c client.Client) error
	getClient     func(ctx context.Context, id psa.ClientID) (client.Client, error)
	findClient    func(ctx context.Context, externalID string) (client.Client, error)
	updateClient  func(ctx context.Context, c client.Client) error
	listClients   func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error)
	subOrgs       func(ctx context.Context, parent psa.ClientID) ([]client.Client, error)
	createContact func(ctx context.Context, c client.Contact) error
	listContacts  func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[client.Contact], error)
	createAsset   func(ctx context.Context, a client.Asset) error
	listAssets    func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[client.Asset], error)
}

func (m *txMutant) CreateClient(ctx context.Context, c client.Client) error {
	return or(m.createClient, m.Tx.CreateClient)(ctx, c)
}

func (m *txMutant) GetClient(ctx context.Context, id psa.ClientID) (client.Client, error) {
	return or(m.getClient, m.Tx.GetClient)(ctx, id)
}

func (m *txMutant) FindClientByExternalID(ctx context.Context, externalID string) (client.Client, error) {
	return or(m.findClient, m.Tx.FindClientByExternalID)(ctx, externalID)
}

func (m *txMutant) UpdateClient(ctx context.Context, c client.Client) error {
	return or(m.updateClient, m.Tx.UpdateClient)(ctx, c)
}

func (m *txMutant) ListClients(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error) {
	return or(m.listClients, m.Tx.ListClients)(ctx, p)
}

func (m *txMutant) ListSubOrganizations(ctx context.Context, parent psa.ClientID) ([]client.Client, error) {
	return or(m.subOrgs, m.Tx.ListSubOrganizations)(ctx, parent)
}

func (m *txMutant) CreateContact(ctx context.Context, c client.Contact) error {
	return or(m.createContact, m.Tx.CreateContact)(ctx, c)
}

func (m *txMutant) ListContacts(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[client.Contact], error) {
	return or(m.listContacts, m.Tx.ListContacts)(ctx, owner, p)
}

func (m *txMutant) CreateAsset(ctx context.Context, a client.Asset) error {
	return or(m.createAsset, m.Tx.CreateAsset)(ctx, a)
}

func (m *txMutant) ListAssets(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[client.Asset], error) {
	return or(m.listAssets, m.Tx.ListAssets)(ctx, owner, p)
}

// or returns override, or base when override is nil: a mutant's method calls the function the
// mutant set, or else the store's.
func or[F any](override, base F) F {
	if reflect.ValueOf(override).IsNil() {
		return base
	}
	return override
}

// mutation returns a mutant wrap that wraps each transaction with wrap and changes it with set.
func mutation[X any, M interface{ *T }, T any](wrap func(tx X) M, set func(m M)) func(run psa.Runner[X]) psa.Runner[X] {
	return func(run psa.Runner[X]) psa.Runner[X] {
		return withTx(run, func(tx X) X {
			m := wrap(tx)
			set(m)
			return any(m).(X)
		})
	}
}

// mutate returns a mutant wrap that changes each client transaction with set.
func mutate(set func(m *txMutant)) func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
	return mutation(func(tx client.Tx) *txMutant { return &txMutant{Tx: tx} }, set)
}

func swallowAlreadyExists(err error) error {
	if errors.Is(err, psa.ErrAlreadyExists) {
		return nil
	}
	return err
}

// outside returns get run in a transaction of its own, ignoring the caller's.
func outside[X, K, V any](run psa.Runner[X], get func(tx X, ctx context.Context, id K) (V, error)) func(ctx context.Context, id K) (V, error) {
	return func(ctx context.Context, id K) (V, error) {
		var v V
		err := run(ctx, func(ctx context.Context, tx X) error {
			var err error
			v, err = get(tx, ctx, id)
			return err
		})
		return v, err
	}
}

// commitsOnError returns a runner that commits what fn wrote even when fn returns an error.
func commitsOnError[X any](run psa.Runner[X]) psa.Runner[X] {
	return func(ctx context.Context, fn func(ctx context.Context, tx X) error) error {
		var fnErr error
		if err := run(ctx, func(ctx context.Context, tx X) error { fnErr = fn(ctx, tx); return nil }); err != nil {
			return err
		}
		return fnErr
	}
}

// memo keeps values outside the store and its transactions, uncopied, for the mutants that keep
// them there.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (k *memo[K, V]) put(id K, v V) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[K]V{}
	}
	k.m[id] = v
}

func (k *memo[K, V]) get(id K) (V, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[id]
	return v, ok
}

// keepsCreatedClients keeps every client as CreateClient got it, outside the store, and returns
// it from GetClient: uncommitted, and sharing memory with the caller.
func keepsCreatedClients(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
	var kept memo[psa.ClientID, client.Client]
	return mutate(func(m *txMutant) {
		m.createClient = func(ctx context.Context, c client.Client) error {
			kept.put(c.ID, c)
			return m.Tx.CreateClient(ctx, c)
		}
		m.getClient = func(ctx context.Context, id psa.ClientID) (client.Client, error) {
			if c, ok := kept.get(id); ok {
				return c, nil
			}
			return m.Tx.GetClient(ctx, id)
		}
	})(run)
}

var clientMutants = []mutant{
	{
		name: "drops-client-notes", breaks: "does not store a client's Notes",
		kills: []string{"RoundTripClient"},
		wrap: mutate(func(m *txMutant) {
			m.createClient = func(ctx context.Context, c client.Client) error {
				c.Notes = ""
				return m.Tx.CreateClient(ctx, c)
			}
		}),
	},
	{
		name: "rounds-rates", breaks: "stores rate overrides rounded to whole units",
		kills: []string{"RoundTripClient"},
		wrap: mutate(func(m *txMutant) {
			m.createClient = func(ctx context.Context, c client.Client) error {
				c.Settings.RateOverrides = slices.Clone(c.Settings.RateOverrides)
				for i, r := range c.Settings.RateOverrides {
					c.Settings.RateOverrides[i].Rate, _ = psa.NewMoney(r.Rate.Amount().Round(0), r.Rate.Currency())
				}
				return m.Tx.CreateClient(ctx, c)
			}
		}),
	},
	{
		name: "drops-contact-email", breaks: "does not store a contact's e-mail address",
		kills: []string{"RoundTripContact"},
		wrap: mutate(func(m *txMutant) {
			m.createContact = func(ctx context.Context, c client.Contact) error {
				c.Email = ""
				return m.Tx.CreateContact(ctx, c)
			}
		}),
	},
	{
		name: "drops-asset-serial", breaks: "does not store an asset's serial number",
		kills: []string{"RoundTripAsset"},
		wrap: mutate(func(m *txMutant) {
			m.createAsset = func(ctx context.Context, a client.Asset) error {
				a.SerialNumber = ""
				return m.Tx.CreateAsset(ctx, a)
			}
		}),
	},
	{
		name: "zero-for-unknown", breaks: "returns a zero client instead of psa.ErrNotFound",
		kills: []string{"NotFound"},
		wrap: mutate(func(m *txMutant) {
			m.getClient = func(ctx context.Context, id psa.ClientID) (client.Client, error) {
				c, err := m.Tx.GetClient(ctx, id)
				if errors.Is(err, psa.ErrNotFound) {
					return client.Client{}, nil
				}
				return c, err
			}
		}),
	},
	{
		name: "swallows-already-exists", breaks: "reports success for a create whose ID or external ID is taken",
		kills: []string{"AlreadyExistsID", "UniqueClientExternalID", "UniqueExternalIDPerClient", "ConcurrentCreates"},
		wrap: mutate(func(m *txMutant) {
			m.createClient = func(ctx context.Context, c client.Client) error {
				return swallowAlreadyExists(m.Tx.CreateClient(ctx, c))
			}
			m.createContact = func(ctx context.Context, c client.Contact) error {
				return swallowAlreadyExists(m.Tx.CreateContact(ctx, c))
			}
		}),
	},
	{
		name: "global-contact-keys", breaks: "makes contact external IDs unique across all clients",
		kills: []string{"UniqueExternalIDPerClient"},
		wrap: mutate(func(m *txMutant) {
			m.createContact = func(ctx context.Context, c client.Contact) error {
				if c.ExternalID != "" {
					clients, err := psa.All(ctx, m.Tx.ListClients)
					if err != nil {
						return err
					}
					for _, o := range clients {
						if _, err := m.Tx.FindContactByExternalID(ctx, o.ID, c.ExternalID); err == nil {
							return &psa.AlreadyExistsError{Kind: "contact", Key: "external ID " + c.ExternalID}
						}
					}
				}
				return m.Tx.CreateContact(ctx, c)
			}
		}),
	},
	{
		name: "ignores-versions", breaks: "accepts updates with a stale version",
		kills: []string{"Versions"},
		wrap: mutate(func(m *txMutant) {
			m.updateClient = func(ctx context.Context, c client.Client) error {
				if stored, err := m.Tx.GetClient(ctx, c.ID); err == nil {
					c.Version = stored.Version
				}
				return m.Tx.UpdateClient(ctx, c)
			}
		}),
	},
	{
		name: "commits-on-error", breaks: "commits a transaction whose fn returned an error",
		kills: []string{"Rollback"},
		wrap:  commitsOnError[client.Tx],
	},
	{
		name: "wraps-fn-error", breaks: "returns fn's error wrapped instead of unchanged",
		kills: []string{"Rollback"},
		wrap: func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
			return func(ctx context.Context, fn func(ctx context.Context, tx client.Tx) error) error {
				if err := run(ctx, fn); err != nil {
					return fmt.Errorf("store: %w", err)
				}
				return nil
			}
		},
	},
	{
		name: "reads-committed-only", breaks: "reads clients outside the transaction, missing its own writes",
		kills: []string{"ReadYourOwnWrites"},
		wrap: func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
			return mutate(func(m *txMutant) {
				m.getClient = outside(run, client.Tx.GetClient)
			})(run)
		},
	},
	{
		name: "dirty-reads", breaks: "shows clients created by unfinished transactions",
		kills: []string{"Isolation"},
		wrap:  keepsCreatedClients,
	},
	{
		name: "shares-memory", breaks: "keeps and returns the caller's slices instead of copies",
		kills: []string{"NoAliasing"},
		wrap:  keepsCreatedClients,
	},
	{
		name: "unordered-pages", breaks: "returns each page of clients in descending ID order",
		kills: []string{"PaginateClients"},
		wrap: mutate(func(m *txMutant) {
			m.listClients = func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error) {
				page, err := m.Tx.ListClients(ctx, p)
				slices.Reverse(page.Items)
				return page, err
			}
		}),
	},
	{
		name: "skips-items", breaks: "leaves the last contact and asset of every page out",
		kills: []string{"PaginateContactsAndAssets"},
		wrap: mutate(func(m *txMutant) {
			m.listContacts = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[client.Contact], error) {
				return dropLastOfPage(m.Tx.ListContacts(ctx, owner, p))
			}
		}),
	},
	{
		name: "lenient-pages", breaks: "reads a malformed cursor as the first page and a negative limit as the default",
		kills: []string{"InvalidPageRequest"},
		wrap: mutate(func(m *txMutant) {
			m.listClients = func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error) {
				return m.Tx.ListClients(ctx, firstPageIfMalformed(p))
			}
			m.listAssets = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[client.Asset], error) {
				p.Limit = max(p.Limit, 0)
				return m.Tx.ListAssets(ctx, owner, p)
			}
		}),
	},
	{
		name: "forgets-first-child", breaks: "leaves the first sub-organization out",
		kills: []string{"SubOrganizations"},
		wrap: mutate(func(m *txMutant) {
			m.subOrgs = func(ctx context.Context, parent psa.ClientID) ([]client.Client, error) {
				subs, err := m.Tx.ListSubOrganizations(ctx, parent)
				if len(subs) > 0 {
					subs = subs[1:]
				}
				return subs, err
			}
		}),
	},
	{
		name: "lost-updates", breaks: "keeps clients outside transactions and ignores versions, so concurrent updates overwrite each other",
		kills: []string{"ConcurrentUpdates"},
		wrap: func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
			var mu sync.Mutex
			rows := map[psa.ClientID]client.Client{}
			return mutate(func(m *txMutant) {
				m.createClient = func(ctx context.Context, c client.Client) error {
					mu.Lock()
					defer mu.Unlock()
					rows[c.ID] = c
					return nil
				}
				m.getClient = func(ctx context.Context, id psa.ClientID) (client.Client, error) {
					mu.Lock()
					c, ok := rows[id]
					mu.Unlock()
					if !ok {
						return c, psa.NotFound("client", id)
					}
					time.Sleep(time.Millisecond) // widen the window in which others write
					return c, nil
				}
				m.updateClient = func(ctx context.Context, c client.Client) error {
					mu.Lock()
					defer mu.Unlock()
					c.Version = rows[c.ID].Version + 1
					rows[c.ID] = c
					return nil
				}
			})(run)
		},
	},
	{
		name: "ignores-cancellation", breaks: "runs transactions whose context is cancelled",
		kills: []string{"CancelledContext"},
		wrap: func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
			return func(ctx context.Context, fn func(ctx context.Context, tx client.Tx) error) error {
				return run(context.WithoutCancel(ctx), fn)
			}
		},
	},
}

// mutants are the broken stores TestSuiteCatchesBrokenStores runs the suite against.
var mutants = slices.Concat(clientMutants, contractMutants, deskMutants, invoiceMutants, billingMutants, portalMutants, staffMutants)

// contractTxMutant wraps a contract transaction; each mutant overrides what it breaks through the
// function fields.
type contractTxMutant struct {
	contract.Tx
	createContract   func(ctx context.Context, c contract.Contract) error
	getContract      func(ctx context.Context, id psa.ContractID) (contract.Contract, error)
	findContract     func(ctx context.Context, dealID string) (contract.Contract, error)
	updateContract   func(ctx context.Context, c contract.Contract) error
	listContracts    func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[contract.Contract], error)
	listAllContracts func(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Contract], error)
	createPart       func(ctx context.Context, p contract.Part) error
	getPart          func(ctx context.Context, id psa.PartID) (contract.Part, error)
	updatePart       func(ctx context.Context, p contract.Part) error
	listParts        func(ctx context.Context, owner psa.ContractID, p psa.PageRequest) (psa.Page[contract.Part], error)
	appendHistory    func(ctx context.Context, e contract.HistoryEntry) error
	listHistory      func(ctx context.Context, id psa.ContractID) ([]contract.HistoryEntry, error)
}

func (m *contractTxMutant) CreateContract(ctx context.Context, c contract.Contract) error {
	return or(m.createContract, m.Tx.CreateContract)(ctx, c)
}

func (m *contractTxMutant) GetContract(ctx context.Context, id psa.ContractID) (contract.Contract, error) {
	return or(m.getContract, m.Tx.GetContract)(ctx, id)
}

func (m *contractTxMutant) FindContractByDealID(ctx context.Context, dealID string) (contract.Contract, error) {
	return or(m.findContract, m.Tx.FindContractByDealID)(ctx, dealID)
}

func (m *contractTxMutant) UpdateContract(ctx context.Context, c contract.Contract) error {
	return or(m.updateContract, m.Tx.UpdateContract)(ctx, c)
}

func (m *contractTxMutant) ListContracts(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[contract.Contract], error) {
	return or(m.listContracts, m.Tx.ListContracts)(ctx, owner, p)
}

func (m *contractTxMutant) ListAllContracts(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Contract], error) {
	return or(m.listAllContracts, m.Tx.ListAllContracts)(ctx, p)
}

func (m *contractTxMutant) CreatePart(ctx context.Context, p contract.Part) error {
	return or(m.createPart, m.Tx.CreatePart)(ctx, p)
}

func (m *contractTxMutant) GetPart(ctx context.Context, id psa.PartID) (contract.Part, error) {
	return or(m.getPart, m.Tx.GetPart)(ctx, id)
}

func (m *contractTxMutant) UpdatePart(ctx context.Context, p contract.Part) error {
	return or(m.updatePart, m.Tx.UpdatePart)(ctx, p)
}

func (m *contractTxMutant) ListParts(ctx context.Context, owner psa.ContractID, p psa.PageRequest) (psa.Page[contract.Part], error) {
	return or(m.listParts, m.Tx.ListParts)(ctx, owner, p)
}

func (m *contractTxMutant) AppendHistory(ctx context.Context, e contract.HistoryEntry) error {
	return or(m.appendHistory, m.Tx.AppendHistory)(ctx, e)
}

func (m *contractTxMutant) ListHistory(ctx context.Context, id psa.ContractID) ([]contract.HistoryEntry, error) {
	return or(m.listHistory, m.Tx.ListHistory)(ctx, id)
}

// mutateContract returns a mutant wrap that changes each contract transaction with set.
func mutateContract(set func(m *contractTxMutant)) func(run psa.Runner[contract.Tx]) psa.Runner[contract.Tx] {
	return mutation(func(tx contract.Tx) *contractTxMutant { return &contractTxMutant{Tx: tx} }, set)
}

// dropLastOfPage returns page without its last item when it has more than one.
func dropLastOfPage[T any](page psa.Page[T], err error) (psa.Page[T], error) {
	if len(page.Items) > 1 {
		page.Items = page.Items[:len(page.Items)-1]
	}
	return page, err
}

// firstPageIfMalformed replaces a cursor that is not a UUID with "" (the first page) and a
// negative limit with 0 (the default).
func firstPageIfMalformed(p psa.PageRequest) psa.PageRequest {
	if _, err := uuid.Parse(p.Cursor); err != nil {
		p.Cursor = ""
	}
	p.Limit = max(p.Limit, 0)
	return p
}

var contractMutants = []mutant{
	{
		name: "drops-later-quantities", breaks: "stores only a part's first dated quantity",
		kills: []string{"RoundTripPart"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.createPart = func(ctx context.Context, p contract.Part) error {
				p.Quantities = p.Quantities[:min(len(p.Quantities), 1)]
				return m.Tx.CreatePart(ctx, p)
			}
			m.updatePart = func(ctx context.Context, p contract.Part) error {
				p.Quantities = p.Quantities[:min(len(p.Quantities), 1)]
				return m.Tx.UpdatePart(ctx, p)
			}
		}),
	},
	{
		name: "unset-price-as-zero", breaks: "stores an unset unit price (the zero Money) as 0 in the contract's currency",
		kills: []string{"RoundTripPart"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.createPart = func(ctx context.Context, p contract.Part) error {
				if !p.PriceSet() {
					p.UnitPrice = psa.ZeroMoney(currency.EUR)
				}
				return m.Tx.CreatePart(ctx, p)
			}
		}),
	},
	{
		name: "rounds-hours", breaks: "stores a contract's hours rounded to whole hours",
		kills: []string{"RoundTripContract"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.createContract = func(ctx context.Context, c contract.Contract) error {
				c.Hours = c.Hours.Round(0)
				return m.Tx.CreateContract(ctx, c)
			}
		}),
	},
	{
		name: "zero-contract-for-unknown", breaks: "returns a zero contract or part instead of psa.ErrNotFound, and finds contracts without a deal by the empty DealID",
		kills: []string{"ContractNotFound"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.getPart = func(ctx context.Context, id psa.PartID) (contract.Part, error) {
				p, err := m.Tx.GetPart(ctx, id)
				if errors.Is(err, psa.ErrNotFound) {
					return contract.Part{}, nil
				}
				return p, err
			}
			m.findContract = func(ctx context.Context, dealID string) (contract.Contract, error) {
				if dealID == "" {
					all, err := psa.All(ctx, m.Tx.ListAllContracts)
					if err != nil {
						return contract.Contract{}, err
					}
					for _, c := range all {
						if c.DealID == "" {
							return c, nil
						}
					}
				}
				return m.Tx.FindContractByDealID(ctx, dealID)
			}
		}),
	},
	{
		name: "swallows-contract-already-exists", breaks: "reports success for a contract or part create whose ID or DealID is taken",
		kills: []string{"ContractAlreadyExistsID", "UniqueDealID", "ConcurrentDealIDClaims"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.createContract = func(ctx context.Context, c contract.Contract) error {
				return swallowAlreadyExists(m.Tx.CreateContract(ctx, c))
			}
			m.createPart = func(ctx context.Context, p contract.Part) error {
				return swallowAlreadyExists(m.Tx.CreatePart(ctx, p))
			}
		}),
	},
	{
		name: "deal-id-not-unique", breaks: "stores a contract whose DealID is taken, dropping the DealID, instead of refusing it",
		kills: []string{"UniqueDealID", "ConcurrentDealIDClaims"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.createContract = func(ctx context.Context, c contract.Contract) error {
				err := m.Tx.CreateContract(ctx, c)
				if errors.Is(err, psa.ErrAlreadyExists) {
					if _, gerr := m.Tx.GetContract(ctx, c.ID); errors.Is(gerr, psa.ErrNotFound) {
						c.DealID = ""
						return m.Tx.CreateContract(ctx, c)
					}
				}
				return err
			}
			m.updateContract = func(ctx context.Context, c contract.Contract) error {
				err := m.Tx.UpdateContract(ctx, c)
				if errors.Is(err, psa.ErrAlreadyExists) {
					c.DealID = ""
					return m.Tx.UpdateContract(ctx, c)
				}
				return err
			}
		}),
	},
	{
		name: "empty-deal-ids-clash", breaks: "treats the empty DealID as a key that only one contract may have",
		kills: []string{"UniqueDealID"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			clash := func(ctx context.Context, c contract.Contract) error {
				if c.DealID != "" {
					return nil
				}
				all, err := psa.All(ctx, m.Tx.ListAllContracts)
				if err != nil {
					return err
				}
				for _, o := range all {
					if o.ID != c.ID && o.DealID == "" {
						return &psa.AlreadyExistsError{Kind: "contract", Key: `deal ID ""`}
					}
				}
				return nil
			}
			m.createContract = func(ctx context.Context, c contract.Contract) error {
				if err := clash(ctx, c); err != nil {
					return err
				}
				return m.Tx.CreateContract(ctx, c)
			}
			m.updateContract = func(ctx context.Context, c contract.Contract) error {
				if err := clash(ctx, c); err != nil {
					return err
				}
				return m.Tx.UpdateContract(ctx, c)
			}
		}),
	},
	{
		name: "ignores-contract-versions", breaks: "accepts contract and part updates with a stale version",
		kills: []string{"ContractVersions"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.updateContract = func(ctx context.Context, c contract.Contract) error {
				if stored, err := m.Tx.GetContract(ctx, c.ID); err == nil {
					c.Version = stored.Version
				}
				return m.Tx.UpdateContract(ctx, c)
			}
			m.updatePart = func(ctx context.Context, p contract.Part) error {
				if stored, err := m.Tx.GetPart(ctx, p.ID); err == nil {
					p.Version = stored.Version
				}
				return m.Tx.UpdatePart(ctx, p)
			}
		}),
	},
	{
		name: "history-newest-first", breaks: "lists a contract's history in descending Seq order",
		kills: []string{"History"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.listHistory = func(ctx context.Context, id psa.ContractID) ([]contract.HistoryEntry, error) {
				h, err := m.Tx.ListHistory(ctx, id)
				slices.Reverse(h)
				return h, err
			}
		}),
	},
	{
		name: "no-history-is-not-found", breaks: "fails ListHistory of a contract without history with psa.ErrNotFound",
		kills: []string{"History"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.listHistory = func(ctx context.Context, id psa.ContractID) ([]contract.HistoryEntry, error) {
				h, err := m.Tx.ListHistory(ctx, id)
				if err == nil && len(h) == 0 {
					return nil, psa.NotFound("contract history", id)
				}
				return h, err
			}
		}),
	},
	{
		name: "history-seq-unchecked", breaks: "reports success for an AppendHistory whose Seq is taken",
		kills: []string{"HistoryUniqueSeq"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.appendHistory = func(ctx context.Context, e contract.HistoryEntry) error {
				return swallowAlreadyExists(m.Tx.AppendHistory(ctx, e))
			}
		}),
	},
	{
		name: "history-outside-store", breaks: "keeps history outside transactions and appends any Seq, so concurrent appends store one Seq twice",
		kills: []string{"HistoryUniqueSeq", "ConcurrentHistoryAppends"},
		wrapContract: func(run psa.Runner[contract.Tx]) psa.Runner[contract.Tx] {
			var mu sync.Mutex
			logs := map[psa.ContractID][]contract.HistoryEntry{}
			return mutateContract(func(m *contractTxMutant) {
				m.appendHistory = func(ctx context.Context, e contract.HistoryEntry) error {
					mu.Lock()
					defer mu.Unlock()
					logs[e.ContractID] = append(logs[e.ContractID], e)
					return nil
				}
				m.listHistory = func(ctx context.Context, id psa.ContractID) ([]contract.HistoryEntry, error) {
					mu.Lock()
					h := slices.Clone(logs[id])
					mu.Unlock()
					time.Sleep(time.Millisecond) // widen the window in which others append
					return h, nil
				}
			})(run)
		},
	},
	{
		name: "contract-commits-on-error", breaks: "commits a contract transaction whose fn returned an error",
		kills:        []string{"ContractRollback"},
		wrapContract: commitsOnError[contract.Tx],
	},
	{
		name: "contract-reads-committed-only", breaks: "reads contracts outside the transaction, missing its own writes",
		kills: []string{"ContractReadYourOwnWrites"},
		wrapContract: func(run psa.Runner[contract.Tx]) psa.Runner[contract.Tx] {
			return mutateContract(func(m *contractTxMutant) {
				m.getContract = outside(run, contract.Tx.GetContract)
			})(run)
		},
	},
	{
		name: "separate-stores", breaks: "runs Harness.Contract on a store of its own, apart from Harness.Client's",
		kills: []string{"RunnersShareStore"},
		wrapContract: func(psa.Runner[contract.Tx]) psa.Runner[contract.Tx] {
			return memstore.Runner[contract.Tx](memstore.New())
		},
	},
	{
		name: "shares-quantities", breaks: "keeps the caller's part, Quantities included, and returns it from GetPart",
		kills: []string{"ContractNoAliasing"},
		wrapContract: func(run psa.Runner[contract.Tx]) psa.Runner[contract.Tx] {
			var kept memo[psa.PartID, contract.Part]
			return mutateContract(func(m *contractTxMutant) {
				m.createPart = func(ctx context.Context, p contract.Part) error {
					kept.put(p.ID, p)
					return m.Tx.CreatePart(ctx, p)
				}
				m.getPart = func(ctx context.Context, id psa.PartID) (contract.Part, error) {
					if p, ok := kept.get(id); ok {
						return p, nil
					}
					return m.Tx.GetPart(ctx, id)
				}
			})(run)
		},
	},
	{
		name: "shares-history", breaks: "returns the slice it returned before from ListHistory while the history is unchanged",
		kills: []string{"ContractNoAliasing"},
		wrapContract: func(run psa.Runner[contract.Tx]) psa.Runner[contract.Tx] {
			var mu sync.Mutex
			cache := map[psa.ContractID][]contract.HistoryEntry{}
			return mutateContract(func(m *contractTxMutant) {
				m.listHistory = func(ctx context.Context, id psa.ContractID) ([]contract.HistoryEntry, error) {
					h, err := m.Tx.ListHistory(ctx, id)
					if err != nil {
						return h, err
					}
					mu.Lock()
					defer mu.Unlock()
					if c, ok := cache[id]; ok && len(c) == len(h) {
						return c, nil
					}
					cache[id] = h
					return h, nil
				}
			})(run)
		},
	},
	{
		name: "skips-contracts", breaks: "leaves the last contract of every page out",
		kills: []string{"PaginateContracts"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.listContracts = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[contract.Contract], error) {
				return dropLastOfPage(m.Tx.ListContracts(ctx, owner, p))
			}
			m.listAllContracts = func(ctx context.Context, p psa.PageRequest) (psa.Page[contract.Contract], error) {
				return dropLastOfPage(m.Tx.ListAllContracts(ctx, p))
			}
		}),
	},
	{
		name: "skips-parts", breaks: "leaves the last part of every page out",
		kills: []string{"PaginateParts"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.listParts = func(ctx context.Context, owner psa.ContractID, p psa.PageRequest) (psa.Page[contract.Part], error) {
				return dropLastOfPage(m.Tx.ListParts(ctx, owner, p))
			}
		}),
	},
	{
		name: "forgets-new-contract-terms", breaks: "does not store a contract's rates, time-rounding rule and term anchor",
		kills: []string{"RoundTripContract"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.createContract = func(ctx context.Context, c contract.Contract) error {
				c.Rates, c.TimeRounding, c.TermAnchor = nil, nil, psa.Date{}
				return m.Tx.CreateContract(ctx, c)
			}
		}),
	},
	{
		name: "shares-time-rounding", breaks: "returns from GetContract the TimeRounding pointer the caller passed to CreateContract or UpdateContract",
		kills: []string{"ContractNoAliasing"},
		wrapContract: func(run psa.Runner[contract.Tx]) psa.Runner[contract.Tx] {
			var kept memo[psa.ContractID, *contract.TimeRounding]
			return mutateContract(func(m *contractTxMutant) {
				m.createContract = func(ctx context.Context, c contract.Contract) error {
					kept.put(c.ID, c.TimeRounding)
					return m.Tx.CreateContract(ctx, c)
				}
				m.updateContract = func(ctx context.Context, c contract.Contract) error {
					kept.put(c.ID, c.TimeRounding)
					return m.Tx.UpdateContract(ctx, c)
				}
				m.getContract = func(ctx context.Context, id psa.ContractID) (contract.Contract, error) {
					c, err := m.Tx.GetContract(ctx, id)
					if r, ok := kept.get(id); ok && err == nil {
						c.TimeRounding = r
					}
					return c, err
				}
			})(run)
		},
	},
	{
		name: "lenient-contract-pages", breaks: "reads a malformed cursor as the first page and a negative limit as the default",
		kills: []string{"InvalidContractPageRequest"},
		wrapContract: mutateContract(func(m *contractTxMutant) {
			m.listParts = func(ctx context.Context, owner psa.ContractID, p psa.PageRequest) (psa.Page[contract.Part], error) {
				return m.Tx.ListParts(ctx, owner, firstPageIfMalformed(p))
			}
		}),
	},
}

// deskTxMutant wraps a service-desk transaction; each mutant overrides what it breaks through the
// function fields.
type deskTxMutant struct {
	servicedesk.Tx
	nextTicketNumber func(ctx context.Context) (int64, error)
	getTicket        func(ctx context.Context, id psa.TicketID) (servicedesk.Ticket, error)
	createTicket     func(ctx context.Context, t servicedesk.Ticket) error
	updateTicket     func(ctx context.Context, t servicedesk.Ticket) error
	listTickets      func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.Ticket], error)
	createNote       func(ctx context.Context, n servicedesk.Note) error
	listNotes        func(ctx context.Context, ticket psa.TicketID) ([]servicedesk.Note, error)
	createTimeEntry  func(ctx context.Context, e servicedesk.TimeEntry) error
	updateTimeEntry  func(ctx context.Context, e servicedesk.TimeEntry) error
	listTimeEntries  func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error)
	listTicketTime   func(ctx context.Context, ticket psa.TicketID) ([]servicedesk.TimeEntry, error)
	getPolicy        func(ctx context.Context, id psa.SLAPolicyID) (servicedesk.Policy, error)
	putPolicy        func(ctx context.Context, p servicedesk.Policy) error
	getCalendar      func(ctx context.Context, id psa.CalendarID) (servicedesk.Calendar, error)
	putCalendar      func(ctx context.Context, c servicedesk.Calendar) error
	getQueue         func(ctx context.Context, id psa.QueueID) (servicedesk.Queue, error)
	putQueue         func(ctx context.Context, q servicedesk.Queue) error
	getSettings      func(ctx context.Context) (servicedesk.Settings, error)
	putSettings      func(ctx context.Context, s servicedesk.Settings) error
}

func (m *deskTxMutant) NextTicketNumber(ctx context.Context) (int64, error) {
	return or(m.nextTicketNumber, m.Tx.NextTicketNumber)(ctx)
}

func (m *deskTxMutant) GetTicket(ctx context.Context, id psa.TicketID) (servicedesk.Ticket, error) {
	return or(m.getTicket, m.Tx.GetTicket)(ctx, id)
}

func (m *deskTxMutant) CreateTicket(ctx context.Context, t servicedesk.Ticket) error {
	return or(m.createTicket, m.Tx.CreateTicket)(ctx, t)
}

func (m *deskTxMutant) UpdateTicket(ctx context.Context, t servicedesk.Ticket) error {
	return or(m.updateTicket, m.Tx.UpdateTicket)(ctx, t)
}

func (m *deskTxMutant) ListTickets(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
	return or(m.listTickets, m.Tx.ListTickets)(ctx, owner, p)
}

func (m *deskTxMutant) CreateNote(ctx context.Context, n servicedesk.Note) error {
	return or(m.createNote, m.Tx.CreateNote)(ctx, n)
}

func (m *deskTxMutant) ListNotes(ctx context.Context, ticket psa.TicketID) ([]servicedesk.Note, error) {
	return or(m.listNotes, m.Tx.ListNotes)(ctx, ticket)
}

func (m *deskTxMutant) CreateTimeEntry(ctx context.Context, e servicedesk.TimeEntry) error {
	return or(m.createTimeEntry, m.Tx.CreateTimeEntry)(ctx, e)
}

func (m *deskTxMutant) UpdateTimeEntry(ctx context.Context, e servicedesk.TimeEntry) error {
	return or(m.updateTimeEntry, m.Tx.UpdateTimeEntry)(ctx, e)
}

func (m *deskTxMutant) ListTimeEntries(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
	return or(m.listTimeEntries, m.Tx.ListTimeEntries)(ctx, owner, p)
}

func (m *deskTxMutant) ListTicketTime(ctx context.Context, ticket psa.TicketID) ([]servicedesk.TimeEntry, error) {
	return or(m.listTicketTime, m.Tx.ListTicketTime)(ctx, ticket)
}

func (m *deskTxMutant) GetPolicy(ctx context.Context, id psa.SLAPolicyID) (servicedesk.Policy, error) {
	return or(m.getPolicy, m.Tx.GetPolicy)(ctx, id)
}

func (m *deskTxMutant) PutPolicy(ctx context.Context, p servicedesk.Policy) error {
	return or(m.putPolicy, m.Tx.PutPolicy)(ctx, p)
}

func (m *deskTxMutant) GetCalendar(ctx context.Context, id psa.CalendarID) (servicedesk.Calendar, error) {
	return or(m.getCalendar, m.Tx.GetCalendar)(ctx, id)
}

func (m *deskTxMutant) PutCalendar(ctx context.Context, c servicedesk.Calendar) error {
	return or(m.putCalendar, m.Tx.PutCalendar)(ctx, c)
}

func (m *deskTxMutant) GetQueue(ctx context.Context, id psa.QueueID) (servicedesk.Queue, error) {
	return or(m.getQueue, m.Tx.GetQueue)(ctx, id)
}

func (m *deskTxMutant) PutQueue(ctx context.Context, q servicedesk.Queue) error {
	return or(m.putQueue, m.Tx.PutQueue)(ctx, q)
}

func (m *deskTxMutant) GetSettings(ctx context.Context) (servicedesk.Settings, error) {
	return or(m.getSettings, m.Tx.GetSettings)(ctx)
}

func (m *deskTxMutant) PutSettings(ctx context.Context, s servicedesk.Settings) error {
	return or(m.putSettings, m.Tx.PutSettings)(ctx, s)
}

// mutateDesk returns a mutant wrap that changes each service-desk transaction with set.
func mutateDesk(set func(m *deskTxMutant)) func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
	return mutation(func(tx servicedesk.Tx) *deskTxMutant { return &deskTxMutant{Tx: tx} }, set)
}

// withStoredVersion returns v with the version of the stored value, when get finds one: a store
// that ignores the version a caller gives.
func withStoredVersion[K, V any](ctx context.Context, v V, id K, version func(*V) *int64, get func(ctx context.Context, id K) (V, error)) V {
	if stored, err := get(ctx, id); err == nil {
		*version(&v) = *version(&stored)
	}
	return v
}

// truncateClock returns c with every instant and duration truncated to whole seconds.
func truncateClock(c servicedesk.Clock) servicedesk.Clock {
	c.Start, c.PausedSince = c.Start.Truncate(time.Second), c.PausedSince.Truncate(time.Second)
	for _, tc := range []*servicedesk.TargetClock{&c.FirstResponse, &c.ResolutionPlan, &c.Resolution} {
		tc.MetAt, tc.Paused = tc.MetAt.Truncate(time.Second), tc.Paused.Truncate(time.Second)
	}
	return c
}

// hiddenNumber offsets the Number under which the mutant ticket-numbers-not-unique stores a
// ticket whose Number is taken; it shows the Number without the offset.
const hiddenNumber = 1 << 56

func showNumber(t servicedesk.Ticket) servicedesk.Ticket {
	t.Number %= hiddenNumber
	return t
}

var deskMutants = []mutant{
	{
		name: "burns-ticket-numbers", breaks: "keeps the ticket counter outside transactions, so a rolled-back transaction burns its number",
		kills: []string{"TicketNumbers", "ServiceDeskRollback"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			var last atomic.Int64
			return mutateDesk(func(m *deskTxMutant) {
				m.nextTicketNumber = func(context.Context) (int64, error) { return last.Add(1), nil }
			})(run)
		},
	},
	{
		name: "peeks-ticket-numbers", breaks: "returns the next ticket number without claiming it, so the same number comes again",
		kills: []string{"TicketNumbers", "ConcurrentTicketNumbers", "ServiceDeskReadYourOwnWrites"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			peeked := errors.New("peeked")
			return mutateDesk(func(m *deskTxMutant) {
				m.nextTicketNumber = func(ctx context.Context) (int64, error) {
					var n int64
					err := run(ctx, func(ctx context.Context, tx servicedesk.Tx) error {
						var err error
						if n, err = tx.NextTicketNumber(ctx); err != nil {
							return err
						}
						return peeked
					})
					if !errors.Is(err, peeked) {
						return 0, err
					}
					return n, nil
				}
			})(run)
		},
	},
	{
		name: "racy-ticket-counter", breaks: "reads and writes the ticket counter in two steps outside transactions, so concurrent transactions get one number",
		kills: []string{"ConcurrentTicketNumbers"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			var last atomic.Int64
			return mutateDesk(func(m *deskTxMutant) {
				m.nextTicketNumber = func(context.Context) (int64, error) {
					n := last.Load() + 1
					time.Sleep(time.Millisecond) // widen the window in which others read
					last.Store(n)
					return n, nil
				}
			})(run)
		},
	},
	{
		name: "truncates-sla-clock", breaks: "stores a ticket's SLA instants and durations to the second",
		kills: []string{"RoundTripTicket"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.createTicket = func(ctx context.Context, t servicedesk.Ticket) error {
				t.SLA = truncateClock(t.SLA)
				return m.Tx.CreateTicket(ctx, t)
			}
			m.updateTicket = func(ctx context.Context, t servicedesk.Ticket) error {
				t.SLA = truncateClock(t.SLA)
				return m.Tx.UpdateTicket(ctx, t)
			}
		}),
	},
	{
		name: "drops-later-attachments", breaks: "stores only a ticket's first attachment when it updates one",
		kills: []string{"RoundTripTicket"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.updateTicket = func(ctx context.Context, t servicedesk.Ticket) error {
				t.Attachments = t.Attachments[:min(len(t.Attachments), 1)]
				return m.Tx.UpdateTicket(ctx, t)
			}
		}),
	},
	{
		name: "drops-sub-issue-overrides", breaks: "does not store a policy's overrides for a sub-issue type",
		kills: []string{"RoundTripPolicy"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.putPolicy = func(ctx context.Context, p servicedesk.Policy) error {
				p.ByIssue = slices.DeleteFunc(slices.Clone(p.ByIssue), func(o servicedesk.IssueTargets) bool { return o.SubIssueType != "" })
				return m.Tx.PutPolicy(ctx, p)
			}
		}),
	},
	{
		name: "forgets-weekend-hours", breaks: "stores a calendar's working hours for Monday to Friday only",
		kills: []string{"RoundTripCalendar"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.putCalendar = func(ctx context.Context, c servicedesk.Calendar) error {
				c.Week[time.Saturday], c.Week[time.Sunday] = nil, nil
				return m.Tx.PutCalendar(ctx, c)
			}
		}),
	},
	{
		name: "keeps-queue-names", breaks: "keeps a queue's first name when PutQueue replaces it",
		kills: []string{"RoundTripQueue"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.putQueue = func(ctx context.Context, q servicedesk.Queue) error {
				if stored, err := m.Tx.GetQueue(ctx, q.ID); err == nil && q.Version != 0 {
					q.Name = stored.Name
				}
				return m.Tx.PutQueue(ctx, q)
			}
		}),
	},
	{
		name: "notes-newest-first", breaks: "lists a ticket's notes in descending ID order",
		kills: []string{"RoundTripNote"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.listNotes = func(ctx context.Context, ticket psa.TicketID) ([]servicedesk.Note, error) {
				notes, err := m.Tx.ListNotes(ctx, ticket)
				slices.Reverse(notes)
				return notes, err
			}
		}),
	},
	{
		name: "drops-entry-approval", breaks: "does not store when a time entry was approved and which invoice claimed it",
		kills: []string{"RoundTripTimeEntry"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.createTimeEntry = func(ctx context.Context, e servicedesk.TimeEntry) error {
				e.ApprovedAt, e.InvoiceID = time.Time{}, psa.InvoiceID{}
				return m.Tx.CreateTimeEntry(ctx, e)
			}
		}),
	},
	{
		name: "drops-last-ticket-time", breaks: "leaves the last time entry of a ticket out of ListTicketTime",
		kills: []string{"TicketTime", "RoundTripTimeEntry"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.listTicketTime = func(ctx context.Context, ticket psa.TicketID) ([]servicedesk.TimeEntry, error) {
				entries, err := m.Tx.ListTicketTime(ctx, ticket)
				if len(entries) > 0 {
					entries = entries[:len(entries)-1]
				}
				return entries, err
			}
		}),
	},
	{
		name: "zero-desk-for-unknown", breaks: "returns a zero ticket or queue instead of psa.ErrNotFound",
		kills: []string{"ServiceDeskNotFound"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.getTicket = func(ctx context.Context, id psa.TicketID) (servicedesk.Ticket, error) {
				t, err := m.Tx.GetTicket(ctx, id)
				if errors.Is(err, psa.ErrNotFound) {
					return servicedesk.Ticket{}, nil
				}
				return t, err
			}
			m.getQueue = func(ctx context.Context, id psa.QueueID) (servicedesk.Queue, error) {
				q, err := m.Tx.GetQueue(ctx, id)
				if errors.Is(err, psa.ErrNotFound) {
					return servicedesk.Queue{}, nil
				}
				return q, err
			}
		}),
	},
	{
		name: "swallows-desk-already-exists", breaks: "reports success for a ticket, note or time entry create whose ID or Number is taken",
		kills: []string{"ServiceDeskAlreadyExistsID", "UniqueTicketNumber", "ServiceDeskConcurrentCreates"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.createTicket = func(ctx context.Context, t servicedesk.Ticket) error {
				return swallowAlreadyExists(m.Tx.CreateTicket(ctx, t))
			}
			m.createNote = func(ctx context.Context, n servicedesk.Note) error {
				return swallowAlreadyExists(m.Tx.CreateNote(ctx, n))
			}
			m.createTimeEntry = func(ctx context.Context, e servicedesk.TimeEntry) error {
				return swallowAlreadyExists(m.Tx.CreateTimeEntry(ctx, e))
			}
		}),
	},
	{
		name: "ticket-numbers-not-unique", breaks: "stores a ticket whose Number another ticket has, as if Number had no unique index",
		kills: []string{"UniqueTicketNumber", "ServiceDeskConcurrentCreates"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			var hidden atomic.Int64
			return mutateDesk(func(m *deskTxMutant) {
				// store writes t, under a hidden Number when its Number is taken.
				store := func(ctx context.Context, t servicedesk.Ticket, write func(ctx context.Context, t servicedesk.Ticket) error) error {
					if err := write(ctx, t); !errors.Is(err, psa.ErrAlreadyExists) {
						return err
					}
					t.Number += hiddenNumber * (hidden.Add(1)%100 + 1)
					return write(ctx, t)
				}
				m.createTicket = func(ctx context.Context, t servicedesk.Ticket) error {
					if _, err := m.Tx.GetTicket(ctx, t.ID); err == nil {
						return m.Tx.CreateTicket(ctx, t) // the ID is taken: that error stays
					}
					return store(ctx, t, m.Tx.CreateTicket)
				}
				m.updateTicket = func(ctx context.Context, t servicedesk.Ticket) error { return store(ctx, t, m.Tx.UpdateTicket) }
				m.getTicket = func(ctx context.Context, id psa.TicketID) (servicedesk.Ticket, error) {
					t, err := m.Tx.GetTicket(ctx, id)
					return showNumber(t), err
				}
				m.listTickets = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
					page, err := m.Tx.ListTickets(ctx, owner, p)
					for i, t := range page.Items {
						page.Items[i] = showNumber(t)
					}
					return page, err
				}
			})(run)
		},
	},
	{
		name: "put-upserts", breaks: "replaces a stored policy, calendar or queue when a Put with Version 0 names its ID",
		kills: []string{"ServiceDeskAlreadyExistsID", "ServiceDeskVersions", "ServiceDeskConcurrentCreates"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.putPolicy = func(ctx context.Context, p servicedesk.Policy) error {
				if p.Version == 0 {
					p = withStoredVersion(ctx, p, p.ID, func(p *servicedesk.Policy) *int64 { return &p.Version }, m.Tx.GetPolicy)
				}
				return m.Tx.PutPolicy(ctx, p)
			}
			m.putCalendar = func(ctx context.Context, c servicedesk.Calendar) error {
				if c.Version == 0 {
					c = withStoredVersion(ctx, c, c.ID, func(c *servicedesk.Calendar) *int64 { return &c.Version }, m.Tx.GetCalendar)
				}
				return m.Tx.PutCalendar(ctx, c)
			}
			m.putQueue = func(ctx context.Context, q servicedesk.Queue) error {
				if q.Version == 0 {
					q = withStoredVersion(ctx, q, q.ID, func(q *servicedesk.Queue) *int64 { return &q.Version }, m.Tx.GetQueue)
				}
				return m.Tx.PutQueue(ctx, q)
			}
		}),
	},
	{
		name: "ignores-desk-versions", breaks: "accepts ticket and time entry updates, and policy, calendar and queue puts, with a stale version",
		kills: []string{"ServiceDeskVersions"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.updateTicket = func(ctx context.Context, t servicedesk.Ticket) error {
				return m.Tx.UpdateTicket(ctx, withStoredVersion(ctx, t, t.ID, func(t *servicedesk.Ticket) *int64 { return &t.Version }, m.Tx.GetTicket))
			}
			m.updateTimeEntry = func(ctx context.Context, e servicedesk.TimeEntry) error {
				return m.Tx.UpdateTimeEntry(ctx, withStoredVersion(ctx, e, e.ID, func(e *servicedesk.TimeEntry) *int64 { return &e.Version }, m.Tx.GetTimeEntry))
			}
			m.putQueue = func(ctx context.Context, q servicedesk.Queue) error {
				if q.Version != 0 {
					q = withStoredVersion(ctx, q, q.ID, func(q *servicedesk.Queue) *int64 { return &q.Version }, m.Tx.GetQueue)
				}
				return m.Tx.PutQueue(ctx, q)
			}
		}),
	},
	{
		name: "settings-version-unchecked", breaks: "stores settings whatever version PutSettings is given",
		kills: []string{"Settings"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.putSettings = func(ctx context.Context, s servicedesk.Settings) error {
				if stored, err := m.Tx.GetSettings(ctx); err == nil {
					s.Version = stored.Version
				}
				return m.Tx.PutSettings(ctx, s)
			}
		}),
	},
	{
		name: "no-settings-is-not-found", breaks: "fails GetSettings before any PutSettings with psa.ErrNotFound",
		kills: []string{"Settings"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.getSettings = func(ctx context.Context) (servicedesk.Settings, error) {
				s, err := m.Tx.GetSettings(ctx)
				if err == nil && s.Version == 0 {
					return s, &psa.NotFoundError{Kind: "service-desk settings", Key: "tenant"}
				}
				return s, err
			}
		}),
	},
	{
		name: "shares-settings-slices", breaks: "returns from GetSettings the slices the caller passed to PutSettings",
		kills: []string{"Settings"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			var kept memo[string, servicedesk.Settings]
			return mutateDesk(func(m *deskTxMutant) {
				m.putSettings = func(ctx context.Context, s servicedesk.Settings) error {
					err := m.Tx.PutSettings(ctx, s)
					if err == nil {
						kept.put("", s)
					}
					return err
				}
				m.getSettings = func(ctx context.Context) (servicedesk.Settings, error) {
					s, err := m.Tx.GetSettings(ctx)
					if k, ok := kept.get(""); ok && err == nil && s.Version == k.Version+1 {
						s.DefaultRates, s.Categories = k.DefaultRates, k.Categories
					}
					return s, err
				}
			})(run)
		},
	},
	{
		name: "shares-attachments", breaks: "returns from GetTicket the Attachments the caller passed to CreateTicket or UpdateTicket",
		kills: []string{"ServiceDeskNoAliasing"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			var kept memo[psa.TicketID, []servicedesk.Attachment]
			return mutateDesk(func(m *deskTxMutant) {
				m.createTicket = func(ctx context.Context, t servicedesk.Ticket) error {
					kept.put(t.ID, t.Attachments)
					return m.Tx.CreateTicket(ctx, t)
				}
				m.getTicket = func(ctx context.Context, id psa.TicketID) (servicedesk.Ticket, error) {
					t, err := m.Tx.GetTicket(ctx, id)
					if a, ok := kept.get(id); ok && err == nil {
						t.Attachments = a
					}
					return t, err
				}
			})(run)
		},
	},
	{
		name: "shares-calendar-week", breaks: "returns from GetCalendar the Week slices the caller passed to PutCalendar",
		kills: []string{"ServiceDeskNoAliasing"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			var kept memo[psa.CalendarID, [7][]servicedesk.Interval]
			return mutateDesk(func(m *deskTxMutant) {
				m.putCalendar = func(ctx context.Context, c servicedesk.Calendar) error {
					kept.put(c.ID, c.Week)
					return m.Tx.PutCalendar(ctx, c)
				}
				m.getCalendar = func(ctx context.Context, id psa.CalendarID) (servicedesk.Calendar, error) {
					c, err := m.Tx.GetCalendar(ctx, id)
					if w, ok := kept.get(id); ok && err == nil {
						c.Week = w
					}
					return c, err
				}
			})(run)
		},
	},
	{
		name: "shares-policy-targets", breaks: "returns from GetPolicy the Targets the caller passed to PutPolicy",
		kills: []string{"ServiceDeskNoAliasing"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			var kept memo[psa.SLAPolicyID, []servicedesk.Target]
			return mutateDesk(func(m *deskTxMutant) {
				m.putPolicy = func(ctx context.Context, p servicedesk.Policy) error {
					kept.put(p.ID, p.Targets)
					return m.Tx.PutPolicy(ctx, p)
				}
				m.getPolicy = func(ctx context.Context, id psa.SLAPolicyID) (servicedesk.Policy, error) {
					p, err := m.Tx.GetPolicy(ctx, id)
					if ts, ok := kept.get(id); ok && err == nil {
						p.Targets = ts
					}
					return p, err
				}
			})(run)
		},
	},
	{
		name: "desk-commits-on-error", breaks: "commits a service-desk transaction whose fn returned an error",
		kills:    []string{"ServiceDeskRollback", "TicketNumbers", "Settings"},
		wrapDesk: commitsOnError[servicedesk.Tx],
	},
	{
		name: "desk-reads-committed-only", breaks: "reads tickets outside the transaction, missing its own writes",
		kills: []string{"ServiceDeskReadYourOwnWrites"},
		wrapDesk: func(run psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			return mutateDesk(func(m *deskTxMutant) {
				m.getTicket = outside(run, servicedesk.Tx.GetTicket)
			})(run)
		},
	},
	{
		name: "separate-desk-store", breaks: "runs Harness.ServiceDesk on a store of its own, apart from Harness.Client's and Harness.Contract's",
		kills: []string{"ServiceDeskSharesStore"},
		wrapDesk: func(psa.Runner[servicedesk.Tx]) psa.Runner[servicedesk.Tx] {
			return memstore.Runner[servicedesk.Tx](memstore.New())
		},
	},
	{
		name: "skips-tickets", breaks: "leaves the last ticket of every page out",
		kills: []string{"PaginateTickets"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.listTickets = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.Ticket], error) {
				return dropLastOfPage(m.Tx.ListTickets(ctx, owner, p))
			}
		}),
	},
	{
		name: "skips-time-entries", breaks: "leaves the last time entry of every page out",
		kills: []string{"PaginateTimeEntries"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.listTimeEntries = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
				return dropLastOfPage(m.Tx.ListTimeEntries(ctx, owner, p))
			}
		}),
	},
	{
		name: "lenient-desk-pages", breaks: "reads a malformed cursor as the first page and a negative limit as the default",
		kills: []string{"InvalidServiceDeskPageRequest"},
		wrapDesk: mutateDesk(func(m *deskTxMutant) {
			m.listTimeEntries = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[servicedesk.TimeEntry], error) {
				return m.Tx.ListTimeEntries(ctx, owner, firstPageIfMalformed(p))
			}
		}),
	},
}

// invoiceTxMutant wraps an invoice transaction; each mutant overrides what it breaks through the
// function fields.
type invoiceTxMutant struct {
	invoice.Tx
	getScheme     func(ctx context.Context, id psa.NumberingSchemeID) (invoice.Scheme, error)
	putScheme     func(ctx context.Context, s invoice.Scheme) error
	getInvoice    func(ctx context.Context, id psa.InvoiceID) (invoice.Invoice, error)
	createInvoice func(ctx context.Context, inv invoice.Invoice) error
	updateInvoice func(ctx context.Context, inv invoice.Invoice) error
	listInvoices  func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[invoice.Invoice], error)
}

func (m *invoiceTxMutant) GetScheme(ctx context.Context, id psa.NumberingSchemeID) (invoice.Scheme, error) {
	return or(m.getScheme, m.Tx.GetScheme)(ctx, id)
}

func (m *invoiceTxMutant) PutScheme(ctx context.Context, s invoice.Scheme) error {
	return or(m.putScheme, m.Tx.PutScheme)(ctx, s)
}

func (m *invoiceTxMutant) GetInvoice(ctx context.Context, id psa.InvoiceID) (invoice.Invoice, error) {
	return or(m.getInvoice, m.Tx.GetInvoice)(ctx, id)
}

func (m *invoiceTxMutant) CreateInvoice(ctx context.Context, inv invoice.Invoice) error {
	return or(m.createInvoice, m.Tx.CreateInvoice)(ctx, inv)
}

func (m *invoiceTxMutant) UpdateInvoice(ctx context.Context, inv invoice.Invoice) error {
	return or(m.updateInvoice, m.Tx.UpdateInvoice)(ctx, inv)
}

func (m *invoiceTxMutant) ListInvoices(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
	return or(m.listInvoices, m.Tx.ListInvoices)(ctx, owner, p)
}

// mutateInvoice returns a mutant wrap that changes each invoice transaction with set.
func mutateInvoice(set func(m *invoiceTxMutant)) func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
	return mutation(func(tx invoice.Tx) *invoiceTxMutant { return &invoiceTxMutant{Tx: tx} }, set)
}

// disguiseInvoices returns a mutant wrap whose store writes every invoice changed by hide (which
// may keep what it needs to undo the change) and reads it back changed by show: a store whose
// unique index on (SchemeID, Number) is broken the way hide breaks it, and which hides that from
// the reads.
func disguiseInvoices(hide func(ctx context.Context, m *invoiceTxMutant, inv invoice.Invoice, write func(ctx context.Context, inv invoice.Invoice) error) error, show func(inv invoice.Invoice) invoice.Invoice) func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
	return mutateInvoice(func(m *invoiceTxMutant) {
		m.createInvoice = func(ctx context.Context, inv invoice.Invoice) error {
			if _, err := m.Tx.GetInvoice(ctx, inv.ID); err == nil {
				return m.Tx.CreateInvoice(ctx, inv) // the ID is taken: that error stays
			}
			return hide(ctx, m, inv, m.Tx.CreateInvoice)
		}
		m.updateInvoice = func(ctx context.Context, inv invoice.Invoice) error { return hide(ctx, m, inv, m.Tx.UpdateInvoice) }
		m.getInvoice = func(ctx context.Context, id psa.InvoiceID) (invoice.Invoice, error) {
			inv, err := m.Tx.GetInvoice(ctx, id)
			return show(inv), err
		}
		m.listInvoices = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
			page, err := m.Tx.ListInvoices(ctx, owner, p)
			for i, inv := range page.Items {
				page.Items[i] = show(inv)
			}
			return page, err
		}
	})
}

// hiddenSuffix starts what the mutants that disguise invoice Numbers append to a Number.
const hiddenSuffix = "\x00hidden"

// showInvoiceNumber returns inv with its Number as the caller gave it.
func showInvoiceNumber(inv invoice.Invoice) invoice.Invoice {
	inv.Number, _, _ = strings.Cut(inv.Number, hiddenSuffix)
	return inv
}

// oneScheme is the scheme the mutant numbers-unique-across-schemes files every invoice under.
var oneScheme = psa.NumberingSchemeID{UUID: uuid.MustParse("00000000-0000-7000-8000-00000000abcd")}

var invoiceMutants = []mutant{
	{
		name: "invoice-numbers-not-unique", breaks: "stores an invoice whose Number another invoice of its scheme has, as if Number had no unique index",
		kills: []string{"UniqueInvoiceNumber", "InvoiceNumbersPerScheme", "InvoiceConcurrentCreates"},
		wrapInvoice: func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
			var hidden atomic.Int64
			return disguiseInvoices(func(ctx context.Context, _ *invoiceTxMutant, inv invoice.Invoice, write func(ctx context.Context, inv invoice.Invoice) error) error {
				if err := write(ctx, inv); !errors.Is(err, psa.ErrAlreadyExists) {
					return err
				}
				inv.Number += fmt.Sprintf("%s-%d", hiddenSuffix, hidden.Add(1))
				return write(ctx, inv)
			}, showInvoiceNumber)(run)
		},
	},
	{
		name: "draft-numbers-clash", breaks: "indexes the empty Number of drafts, so that two drafts of one scheme clash",
		kills: []string{"UniqueInvoiceNumber", "InvoiceNumbersPerScheme"},
		wrapInvoice: disguiseInvoices(func(ctx context.Context, _ *invoiceTxMutant, inv invoice.Invoice, write func(ctx context.Context, inv invoice.Invoice) error) error {
			if inv.Number == "" {
				inv.Number = hiddenSuffix
			}
			return write(ctx, inv)
		}, showInvoiceNumber),
	},
	{
		name: "numbers-unique-across-schemes", breaks: "keeps invoice Numbers unique across all schemes, refusing a Number another scheme has",
		kills: []string{"InvoiceNumbersPerScheme"},
		wrapInvoice: func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
			var schemes memo[psa.InvoiceID, psa.NumberingSchemeID]
			return disguiseInvoices(func(ctx context.Context, _ *invoiceTxMutant, inv invoice.Invoice, write func(ctx context.Context, inv invoice.Invoice) error) error {
				scheme := inv.SchemeID
				inv.SchemeID = oneScheme
				err := write(ctx, inv)
				if err == nil {
					schemes.put(inv.ID, scheme)
				}
				return err
			}, func(inv invoice.Invoice) invoice.Invoice {
				if scheme, ok := schemes.get(inv.ID); ok {
					inv.SchemeID = scheme
				}
				return inv
			})(run)
		},
	},
	{
		name: "drops-payments", breaks: "does not store the payments an UpdateInvoice records",
		kills: []string{"RoundTripInvoice"},
		wrapInvoice: mutateInvoice(func(m *invoiceTxMutant) {
			m.updateInvoice = func(ctx context.Context, inv invoice.Invoice) error {
				if stored, err := m.Tx.GetInvoice(ctx, inv.ID); err == nil {
					inv.Payments = stored.Payments
				}
				return m.Tx.UpdateInvoice(ctx, inv)
			}
		}),
	},
	{
		name: "shares-totals-components", breaks: "returns from GetInvoice the tax components of the line totals the caller passed to CreateInvoice",
		kills: []string{"InvoiceNoAliasing"},
		wrapInvoice: func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
			var kept memo[psa.InvoiceID, [][]invoice.ComponentTax]
			return mutateInvoice(func(m *invoiceTxMutant) {
				m.createInvoice = func(ctx context.Context, inv invoice.Invoice) error {
					var cs [][]invoice.ComponentTax
					for _, l := range inv.Totals.Lines {
						cs = append(cs, l.Components)
					}
					kept.put(inv.ID, cs)
					return m.Tx.CreateInvoice(ctx, inv)
				}
				m.getInvoice = func(ctx context.Context, id psa.InvoiceID) (invoice.Invoice, error) {
					inv, err := m.Tx.GetInvoice(ctx, id)
					if cs, ok := kept.get(id); ok && err == nil && len(cs) == len(inv.Totals.Lines) {
						for i := range inv.Totals.Lines {
							inv.Totals.Lines[i].Components = cs[i]
						}
					}
					return inv, err
				}
			})(run)
		},
	},
	{
		name: "shares-region-components", breaks: "returns from ListInvoices the components of the tax regions the caller passed to CreateInvoice",
		kills: []string{"InvoiceNoAliasing"},
		wrapInvoice: func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
			var kept memo[psa.InvoiceID, [][]invoice.TaxComponent]
			return mutateInvoice(func(m *invoiceTxMutant) {
				m.createInvoice = func(ctx context.Context, inv invoice.Invoice) error {
					var cs [][]invoice.TaxComponent
					for _, r := range inv.Regions {
						cs = append(cs, r.Components)
					}
					kept.put(inv.ID, cs)
					return m.Tx.CreateInvoice(ctx, inv)
				}
				m.listInvoices = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
					page, err := m.Tx.ListInvoices(ctx, owner, p)
					for _, inv := range page.Items {
						if cs, ok := kept.get(inv.ID); ok && len(cs) == len(inv.Regions) {
							for i := range inv.Regions {
								inv.Regions[i].Components = cs[i]
							}
						}
					}
					return page, err
				}
			})(run)
		},
	},
	{
		// It caches schemes outside the store, so it never runs a transaction inside another
		// (memstore may run one holding its write lock).
		name: "scheme-lost-update", breaks: "reads numbering schemes from a cache that every PutScheme fills, and lets PutScheme overwrite whatever version is stored",
		kills: []string{"ConcurrentSchemeUpdates", "ConcurrentFinalization", "InvoiceVersions"},
		wrapInvoice: func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
			var cache memo[psa.NumberingSchemeID, invoice.Scheme]
			return mutateInvoice(func(m *invoiceTxMutant) {
				m.getScheme = func(ctx context.Context, id psa.NumberingSchemeID) (invoice.Scheme, error) {
					s, ok := cache.get(id)
					if !ok {
						return m.Tx.GetScheme(ctx, id)
					}
					time.Sleep(time.Millisecond) // widen the window in which others read the same version
					return s, nil
				}
				m.putScheme = func(ctx context.Context, s invoice.Scheme) error {
					if s.Version != 0 {
						s = withStoredVersion(ctx, s, s.ID, func(s *invoice.Scheme) *int64 { return &s.Version }, m.Tx.GetScheme)
					}
					err := m.Tx.PutScheme(ctx, s)
					if err == nil {
						s.Version++
						cache.put(s.ID, s)
					}
					return err
				}
			})(run)
		},
	},
	{
		name: "put-scheme-upserts", breaks: "replaces a stored numbering scheme when a PutScheme with Version 0 names its ID",
		kills: []string{"InvoiceAlreadyExistsID", "InvoiceVersions", "InvoiceConcurrentCreates"},
		wrapInvoice: mutateInvoice(func(m *invoiceTxMutant) {
			m.putScheme = func(ctx context.Context, s invoice.Scheme) error {
				if s.Version == 0 {
					s = withStoredVersion(ctx, s, s.ID, func(s *invoice.Scheme) *int64 { return &s.Version }, m.Tx.GetScheme)
				}
				return m.Tx.PutScheme(ctx, s)
			}
		}),
	},
	{
		name: "invoice-commits-on-error", breaks: "commits an invoice transaction whose fn returned an error",
		kills:       []string{"InvoiceRollback"},
		wrapInvoice: commitsOnError[invoice.Tx],
	},
	{
		name: "invoice-reads-committed-only", breaks: "reads invoices outside the transaction, missing its own writes",
		kills: []string{"InvoiceReadYourOwnWrites"},
		wrapInvoice: func(run psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
			return mutateInvoice(func(m *invoiceTxMutant) {
				m.getInvoice = outside(run, invoice.Tx.GetInvoice)
			})(run)
		},
	},
	{
		name: "skips-invoices", breaks: "leaves the last invoice of every page out",
		kills: []string{"PaginateInvoices"},
		wrapInvoice: mutateInvoice(func(m *invoiceTxMutant) {
			m.listInvoices = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
				return dropLastOfPage(m.Tx.ListInvoices(ctx, owner, p))
			}
		}),
	},
	{
		name: "lenient-invoice-pages", breaks: "reads a malformed cursor as the first page and a negative limit as the default",
		kills: []string{"InvalidInvoicePageRequest"},
		wrapInvoice: mutateInvoice(func(m *invoiceTxMutant) {
			m.listInvoices = func(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[invoice.Invoice], error) {
				return m.Tx.ListInvoices(ctx, owner, firstPageIfMalformed(p))
			}
		}),
	},
	{
		name: "separate-invoice-store", breaks: "runs Harness.Invoice on a store of its own, apart from Harness.Client's",
		kills: []string{"ConcurrentFinalization"},
		wrapInvoice: func(psa.Runner[invoice.Tx]) psa.Runner[invoice.Tx] {
			return memstore.Runner[invoice.Tx](memstore.New())
		},
	},
}

// billingTxMutant wraps a billing transaction; each mutant overrides what it breaks through the
// function fields.
type billingTxMutant struct {
	billing.Tx
	updateSalesItem   func(ctx context.Context, it billing.SalesItem) error
	createUsage       func(ctx context.Context, u billing.Usage) error
	listUsage         func(ctx context.Context, part psa.PartID) ([]billing.Usage, error)
	listInvoiceClaims func(ctx context.Context, inv psa.InvoiceID) ([]billing.Claim, error)
}

func (m *billingTxMutant) UpdateSalesItem(ctx context.Context, it billing.SalesItem) error {
	return or(m.updateSalesItem, m.Tx.UpdateSalesItem)(ctx, it)
}

func (m *billingTxMutant) CreateUsage(ctx context.Context, u billing.Usage) error {
	return or(m.createUsage, m.Tx.CreateUsage)(ctx, u)
}

func (m *billingTxMutant) ListUsage(ctx context.Context, part psa.PartID) ([]billing.Usage, error) {
	return or(m.listUsage, m.Tx.ListUsage)(ctx, part)
}

func (m *billingTxMutant) ListInvoiceClaims(ctx context.Context, inv psa.InvoiceID) ([]billing.Claim, error) {
	return or(m.listInvoiceClaims, m.Tx.ListInvoiceClaims)(ctx, inv)
}

// mutateBilling returns a mutant wrap that changes each billing transaction with set.
func mutateBilling(set func(m *billingTxMutant)) func(run psa.Runner[billing.Tx]) psa.Runner[billing.Tx] {
	return mutation(func(tx billing.Tx) *billingTxMutant { return &billingTxMutant{Tx: tx} }, set)
}

var billingMutants = []mutant{
	{
		// It stores a duplicate under a period start moved 5000 years on, and shows the start it
		// was given on ListUsage.
		name: "usage-period-not-unique", breaks: "stores a second usage record of one part and period start, as if that key had no unique index",
		kills: []string{"UniqueUsagePerPeriod"},
		wrapBilling: func(run psa.Runner[billing.Tx]) psa.Runner[billing.Tx] {
			var moved memo[psa.UsageID, psa.Date]
			return mutateBilling(func(m *billingTxMutant) {
				m.createUsage = func(ctx context.Context, u billing.Usage) error {
					err := m.Tx.CreateUsage(ctx, u)
					if !errors.Is(err, psa.ErrAlreadyExists) {
						return err
					}
					start := u.Period.Start
					u.Period.Start = start.AddMonths(5000 * 12)
					if err := m.Tx.CreateUsage(ctx, u); err != nil {
						return err // the ID is taken: that error stays
					}
					moved.put(u.ID, start)
					return nil
				}
				m.listUsage = func(ctx context.Context, part psa.PartID) ([]billing.Usage, error) {
					us, err := m.Tx.ListUsage(ctx, part)
					for i, u := range us {
						if start, ok := moved.get(u.ID); ok {
							us[i].Period.Start = start
						}
					}
					return us, err
				}
			})(run)
		},
	},
	{
		name: "invoice-claims-newest-first", breaks: "lists an invoice's claims in descending LineID order",
		kills: []string{"ClaimOrder", "RoundTripClaim"},
		wrapBilling: mutateBilling(func(m *billingTxMutant) {
			m.listInvoiceClaims = func(ctx context.Context, inv psa.InvoiceID) ([]billing.Claim, error) {
				cs, err := m.Tx.ListInvoiceClaims(ctx, inv)
				slices.Reverse(cs)
				return cs, err
			}
		}),
	},
	{
		name: "ignores-sales-item-versions", breaks: "accepts sales item updates with a stale version",
		kills: []string{"BillingVersions"},
		wrapBilling: mutateBilling(func(m *billingTxMutant) {
			m.updateSalesItem = func(ctx context.Context, it billing.SalesItem) error {
				it = withStoredVersion(ctx, it, it.ID, func(it *billing.SalesItem) *int64 { return &it.Version }, m.Tx.GetSalesItem)
				return m.Tx.UpdateSalesItem(ctx, it)
			}
		}),
	},
	{
		name: "billing-commits-on-error", breaks: "commits a billing transaction whose fn returned an error",
		kills:       []string{"BillingRollback"},
		wrapBilling: commitsOnError[billing.Tx],
	},
}

// portalTxMutant wraps a portal transaction; each mutant overrides what it breaks through the
// function fields.
type portalTxMutant struct {
	portal.Tx
	createAccount func(ctx context.Context, a portal.Account) error
	updateAccount func(ctx context.Context, a portal.Account) error
	deleteMessage func(ctx context.Context, id psa.MessageID) error
	listMessages  func(ctx context.Context, owner portal.Party, p psa.PageRequest) (psa.Page[portal.Message], error)
}

func (m *portalTxMutant) CreateAccount(ctx context.Context, a portal.Account) error {
	return or(m.createAccount, m.Tx.CreateAccount)(ctx, a)
}

func (m *portalTxMutant) UpdateAccount(ctx context.Context, a portal.Account) error {
	return or(m.updateAccount, m.Tx.UpdateAccount)(ctx, a)
}

func (m *portalTxMutant) DeleteMessage(ctx context.Context, id psa.MessageID) error {
	return or(m.deleteMessage, m.Tx.DeleteMessage)(ctx, id)
}

func (m *portalTxMutant) ListMessages(ctx context.Context, owner portal.Party, p psa.PageRequest) (psa.Page[portal.Message], error) {
	return or(m.listMessages, m.Tx.ListMessages)(ctx, owner, p)
}

// mutatePortal returns a mutant wrap that changes each portal transaction with set.
func mutatePortal(set func(m *portalTxMutant)) func(run psa.Runner[portal.Tx]) psa.Runner[portal.Tx] {
	return mutation(func(tx portal.Tx) *portalTxMutant { return &portalTxMutant{Tx: tx} }, set)
}

var portalMutants = []mutant{
	{
		name: "drops-password-hash", breaks: "does not store an account's password hash",
		kills: []string{"RoundTripPortal"},
		wrapPortal: mutatePortal(func(m *portalTxMutant) {
			m.createAccount = func(ctx context.Context, a portal.Account) error {
				a.PasswordHash = ""
				return m.Tx.CreateAccount(ctx, a)
			}
		}),
	},
	{
		name: "ignores-account-versions", breaks: "accepts account updates with a stale version",
		kills: []string{"PortalVersions"},
		wrapPortal: mutatePortal(func(m *portalTxMutant) {
			m.updateAccount = func(ctx context.Context, a portal.Account) error {
				a = withStoredVersion(ctx, a, a.ID, func(a *portal.Account) *int64 { return &a.Version }, m.Tx.GetAccount)
				return m.Tx.UpdateAccount(ctx, a)
			}
		}),
	},
	{
		name: "delete-is-a-no-op", breaks: "reports success for DeleteMessage and keeps the message",
		kills: []string{"PortalDelete"},
		wrapPortal: mutatePortal(func(m *portalTxMutant) {
			m.deleteMessage = func(ctx context.Context, id psa.MessageID) error {
				_, err := m.Tx.GetMessage(ctx, id)
				return err
			}
		}),
	},
	{
		name: "skips-messages", breaks: "leaves the last message of every page of a mailbox out",
		kills: []string{"PaginatePortal"},
		wrapPortal: mutatePortal(func(m *portalTxMutant) {
			m.listMessages = func(ctx context.Context, owner portal.Party, p psa.PageRequest) (psa.Page[portal.Message], error) {
				return dropLastOfPage(m.Tx.ListMessages(ctx, owner, p))
			}
		}),
	},
	{
		name: "contacts-not-unique", breaks: "stores a second account for a contact that has one",
		kills: []string{"OneAccountPerContact"},
		wrapPortal: mutatePortal(func(m *portalTxMutant) {
			m.createAccount = func(ctx context.Context, a portal.Account) error {
				err := m.Tx.CreateAccount(ctx, a)
				if !errors.Is(err, psa.ErrAlreadyExists) || a.Username != "" {
					return err
				}
				a.ContactID = psa.ContactID{UUID: uuid.New()} // stored under another contact, as if unindexed
				return m.Tx.CreateAccount(ctx, a)
			}
		}),
	},
	{
		name: "portal-commits-on-error", breaks: "commits a portal transaction whose fn returned an error",
		kills:      []string{"PortalRollback"},
		wrapPortal: commitsOnError[portal.Tx],
	},
}
