package storetest

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
	"github.com/psakit/psa/staff"
)

// Harness is one fresh, empty store under test, seen through the transaction runners of the
// library's packages. Each runner must run its transactions on the same store, so that what one
// package's transaction writes another's can read. A nil runner means the store does not
// implement that package's stores: the cases that need it are skipped. Later packages add fields.
type Harness struct {
	// Client runs transactions over the stores of package client (clients, contacts, assets).
	Client psa.Runner[client.Tx]
	// Contract runs transactions over the stores of package contract (contracts, parts, contract
	// history) on the same store as Client. A contract.Tx is also a client.Tx, so one of its
	// transactions can write clients and contracts together.
	Contract psa.Runner[contract.Tx]
	// ServiceDesk runs transactions over the stores of package servicedesk (tickets and notes,
	// time entries, SLA policies, calendars, queues, settings and the ticket number sequence) on
	// the same store as Client. A servicedesk.Tx is also a contract.Tx and a client.Tx, so one of
	// its transactions can write clients, contracts and tickets together.
	ServiceDesk psa.Runner[servicedesk.Tx]
	// Invoice runs transactions over the stores of package invoice (numbering schemes, invoices
	// and credit notes) on the same store as Client. An invoice.Tx is also a client.Tx, so one of
	// its transactions can read and write clients and invoices together, as invoice.Service does.
	Invoice psa.Runner[invoice.Tx]
	// Billing runs transactions over the stores of package billing (sales items, claims, usage
	// records) on the same store as Client. A billing.Tx is also a servicedesk.Tx, a contract.Tx,
	// an invoice.Tx and a client.Tx, so one of its transactions can read and write all of them
	// together, as billing.Service does.
	Billing psa.Runner[billing.Tx]
	// Portal runs transactions over the stores of package portal (portal accounts, tokens,
	// roles, settings, messages, to-do items, news, knowledge-base articles) on the same store as
	// Client. A portal.Tx is also a servicedesk.Tx, an invoice.Tx and a client.Tx.
	Portal psa.Runner[portal.Tx]
	// Staff runs transactions over the stores of package staff (security levels, staff members,
	// API users) on the same store as Client. A staff.Tx is also a client.ClientStore, so one of
	// its transactions can read clients' account teams, as staff.Service does.
	Staff psa.Runner[staff.Tx]
}

// NewHarness returns a fresh, empty store for one test; it registers its own cleanup with
// t.Cleanup. Cases run in parallel (t.Parallel), each on its own harness, so the stores it returns
// must not share data with each other (one database schema, or one database, per call).
type NewHarness func(t *testing.T) Harness

// Run runs every conformance case as a subtest of t, each on a fresh harness; a case whose runner
// is nil in the harness is skipped with a message naming the missing runner.
//
// Each subtest logs the rule it checks ("contract: ...") before it starts, so the output of a
// failing case says which documented rule the store broke. Subtests run in parallel.
func Run(t *testing.T, newHarness NewHarness) {
	t.Helper()
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			t.Logf("contract: %s", tc.contract)
			h := newHarness(t)
			if missing := h.missing(t, tc.needs); len(missing) > 0 {
				verb := "is"
				if len(missing) > 1 {
					verb = "are"
				}
				t.Skipf("storetest: skipped: %s %s nil", joinAnd(missing), verb)
			}
			tc.run(t, h)
		})
	}
}

// testCase is one conformance case.
type testCase struct {
	// name is the subtest's name.
	name string
	// contract says, in one or two sentences, which documented rule the case checks.
	contract string
	// needs names the Harness fields (runners) the case uses.
	needs []string
	// run checks the rule on a fresh harness.
	run func(t *testing.T, h Harness)
}

// cases returns every case of the suite, in a fixed order.
func cases() []testCase {
	return slices.Concat(clientCases(), contractCases(), serviceDeskCases(), invoiceCases(), billingCases(), portalCases(), staffCases())
}

// missing returns the names of the runners among names that are nil in h.
func (h Harness) missing(t *testing.T, names []string) []string {
	t.Helper()
	v := reflect.ValueOf(h)
	var out []string
	for _, name := range names {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Kind() != reflect.Func {
			t.Fatalf("storetest: case needs Harness.%s, which is not a runner field (a bug in storetest)", name)
		}
		if f.IsNil() {
			out = append(out, "Harness."+name)
		}
	}
	return out
}

// joinAnd joins names as a sentence does: "A", "A and B", "A, B and C".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
