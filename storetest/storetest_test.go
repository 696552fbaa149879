package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
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
	// wrap turns a runner of a fresh memstore into the mutant's runner; it is called once per
	// harness.
	wrap func(run psa.Runner[client.Tx]) psa.Runner[client.Tx]
}

const mutantEnv = "STORETEST_MUTANT"

// TestMutant runs the suite against the mutant named by $STORETEST_MUTANT; it is run by
// TestSuiteCatchesBrokenStores in a child process and skipped otherwise.
func TestMutant(t *testing.T) {
	name := os.Getenv(mutantEnv)
	if name == "" {
		t.Skip("run by TestSuiteCatchesBrokenStores")
	}
	if name == noRunners {
		storetest.Run(t, func(t *testing.T) storetest.Harness { return storetest.Harness{} })
		return
	}
	i := slices.IndexFunc(mutants, func(m mutant) bool { return m.name == name })
	if i < 0 {
		t.Fatalf("unknown mutant %q", name)
	}
	storetest.Run(t, func(t *testing.T) storetest.Harness {
		return storetest.Harness{Client: mutants[i].wrap(memstore.Runner[client.Tx](memstore.New()))}
	})
}

// noRunners names the child run of TestMutant with an empty Harness.
const noRunners = "no-runners"

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
	cmd.Env = append(os.Environ(), mutantEnv+"="+mutant)
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
	for _, want := range []string{"--- SKIP: TestMutant/RoundTripClient ", "Harness.Client is nil"} {
		if !strings.Contains(out, want) {
			t.Errorf("output of the suite on a Harness without runners lacks %q:\n%s", want, out)
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
func withTx(run psa.Runner[client.Tx], w func(tx client.Tx) client.Tx) psa.Runner[client.Tx] {
	return func(ctx context.Context, fn func(ctx context.Context, tx client.Tx) error) error {
		return run(ctx, func(ctx context.Context, tx client.Tx) error { return fn(ctx, w(tx)) })
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
	if m.createClient != nil {
		return m.createClient(ctx, c)
	}
	return m.Tx.CreateClient(ctx, c)
}

func (m *txMutant) GetClient(ctx context.Context, id psa.ClientID) (client.Client, error) {
	if m.getClient != nil {
		return m.getClient(ctx, id)
	}
	return m.Tx.GetClient(ctx, id)
}

func (m *txMutant) FindClientByExternalID(ctx context.Context, externalID string) (client.Client, error) {
	if m.findClient != nil {
		return m.findClient(ctx, externalID)
	}
	return m.Tx.FindClientByExternalID(ctx, externalID)
}

func (m *txMutant) UpdateClient(ctx context.Context, c client.Client) error {
	if m.updateClient != nil {
		return m.updateClient(ctx, c)
	}
	return m.Tx.UpdateClient(ctx, c)
}

func (m *txMutant) ListClients(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error) {
	if m.listClients != nil {
		return m.listClients(ctx, p)
	}
	return m.Tx.ListClients(ctx, p)
}

func (m *txMutant) ListSubOrganizations(ctx context.Context, parent psa.ClientID) ([]client.Client, error) {
	if m.subOrgs != nil {
		return m.subOrgs(ctx, parent)
	}
	return m.Tx.ListSubOrganizations(ctx, parent)
}

func (m *txMutant) CreateContact(ctx context.Context, c client.Contact) error {
	if m.createContact != nil {
		return m.createContact(ctx, c)
	}
	return m.Tx.CreateContact(ctx, c)
}

func (m *txMutant) ListContacts(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[client.Contact], error) {
	if m.listContacts != nil {
		return m.listContacts(ctx, owner, p)
	}
	return m.Tx.ListContacts(ctx, owner, p)
}

func (m *txMutant) CreateAsset(ctx context.Context, a client.Asset) error {
	if m.createAsset != nil {
		return m.createAsset(ctx, a)
	}
	return m.Tx.CreateAsset(ctx, a)
}

func (m *txMutant) ListAssets(ctx context.Context, owner psa.ClientID, p psa.PageRequest) (psa.Page[client.Asset], error) {
	if m.listAssets != nil {
		return m.listAssets(ctx, owner, p)
	}
	return m.Tx.ListAssets(ctx, owner, p)
}

// mutate returns a mutant wrap that changes each transaction with set.
func mutate(set func(m *txMutant)) func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
	return func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
		return withTx(run, func(tx client.Tx) client.Tx {
			m := &txMutant{Tx: tx}
			set(m)
			return m
		})
	}
}

func swallowAlreadyExists(err error) error {
	if errors.Is(err, psa.ErrAlreadyExists) {
		return nil
	}
	return err
}

// getOutside reads a client in a transaction of its own, ignoring the caller's.
func getOutside(run psa.Runner[client.Tx], ctx context.Context, id psa.ClientID) (client.Client, error) {
	var c client.Client
	err := run(ctx, func(ctx context.Context, tx client.Tx) error {
		var err error
		c, err = tx.GetClient(ctx, id)
		return err
	})
	return c, err
}

var mutants = []mutant{
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
		wrap: func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
			return func(ctx context.Context, fn func(ctx context.Context, tx client.Tx) error) error {
				var fnErr error
				if err := run(ctx, func(ctx context.Context, tx client.Tx) error { fnErr = fn(ctx, tx); return nil }); err != nil {
					return err
				}
				return fnErr
			}
		},
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
				m.getClient = func(ctx context.Context, id psa.ClientID) (client.Client, error) { return getOutside(run, ctx, id) }
			})(run)
		},
	},
	{
		name: "dirty-reads", breaks: "shows clients created by unfinished transactions",
		kills: []string{"Isolation"},
		wrap: func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
			var mu sync.Mutex
			pending := map[psa.ClientID]client.Client{}
			return mutate(func(m *txMutant) {
				m.createClient = func(ctx context.Context, c client.Client) error {
					mu.Lock()
					pending[c.ID] = c
					mu.Unlock()
					return m.Tx.CreateClient(ctx, c)
				}
				m.getClient = func(ctx context.Context, id psa.ClientID) (client.Client, error) {
					mu.Lock()
					c, ok := pending[id]
					mu.Unlock()
					if ok {
						return c, nil
					}
					return m.Tx.GetClient(ctx, id)
				}
			})(run)
		},
	},
	{
		name: "shares-memory", breaks: "keeps and returns the caller's slices instead of copies",
		kills: []string{"NoAliasing"},
		wrap: func(run psa.Runner[client.Tx]) psa.Runner[client.Tx] {
			var mu sync.Mutex
			kept := map[psa.ClientID]client.Client{}
			return mutate(func(m *txMutant) {
				m.createClient = func(ctx context.Context, c client.Client) error {
					mu.Lock()
					kept[c.ID] = c
					mu.Unlock()
					return m.Tx.CreateClient(ctx, c)
				}
				m.getClient = func(ctx context.Context, id psa.ClientID) (client.Client, error) {
					mu.Lock()
					c, ok := kept[id]
					mu.Unlock()
					if ok {
						return c, nil
					}
					return m.Tx.GetClient(ctx, id)
				}
			})(run)
		},
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
				page, err := m.Tx.ListContacts(ctx, owner, p)
				if len(page.Items) > 1 {
					page.Items = page.Items[:len(page.Items)-1]
				}
				return page, err
			}
		}),
	},
	{
		name: "lenient-pages", breaks: "reads a malformed cursor as the first page and a negative limit as the default",
		kills: []string{"InvalidPageRequest"},
		wrap: mutate(func(m *txMutant) {
			m.listClients = func(ctx context.Context, p psa.PageRequest) (psa.Page[client.Client], error) {
				if _, err := uuid.Parse(p.Cursor); err != nil {
					p.Cursor = ""
				}
				p.Limit = max(p.Limit, 0)
				return m.Tx.ListClients(ctx, p)
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
