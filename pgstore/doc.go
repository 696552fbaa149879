// Package pgstore is the PostgreSQL implementation of every store interface of psa: one
// transaction type, Tx, implements client.Tx, contract.Tx, servicedesk.Tx, invoice.Tx,
// billing.Tx, portal.Tx and staff.Tx, and Runner gives each package's Service its transaction
// runner.
//
//	pool, err := pgxpool.New(ctx, "postgres://psa@localhost/psa")
//	if err != nil { ... }
//	if err := pgstore.Migrate(ctx, pool); err != nil { ... }
//	store := pgstore.New(pool, nil)
//	clients := client.NewService(pgstore.Runner[client.Tx](store), nil)
//	billingRuns, err := billing.NewService(pgstore.Runner[billing.Tx](store), nil)
//
// # Schema
//
// Migrate applies the versioned SQL migrations embedded in the package (Migrations lists them) to
// the first schema of the connections' search_path, under an advisory lock, so it is safe to run
// at every start, from several processes at once. Each aggregate is one row: its ID, its
// version, the typed columns the store looks it up, lists and constrains by, and the whole value
// as a JSONB document, whose amounts are exact decimal strings with their currency code. Amounts
// the database constrains or queries are NUMERIC next to a currency code, civil dates DATE,
// instants timestamptz. A portal account's document holds its password hash too (the
// encoding of portal.Account leaves it out); a token's holds only the token's hash.
//
// The library's rules that the database can hold are constraints of the schema, so they hold even
// for writes that bypass the services:
//
//   - unique keys: client external IDs, contact and asset external IDs per client, contract deal
//     IDs, ticket numbers, invoice numbers per numbering scheme (a draft's missing number is
//     never taken), one usage record per part and period, one claim per invoice line, portal
//     usernames (per tenant: per schema), one portal account per contact, portal token hashes,
//     security level names, API user usernames;
//   - one primary contact per client: the client's row holds its one primary contact, and a
//     contact is the primary contact of one client at most;
//   - a client has at most one default contract in force (active or draft) on any day, an
//     exclusion constraint that reports a second one as a *contract.DefaultContractError;
//   - contract parts and history entries belong to stored contracts, notes to stored tickets.
//
// A delete (of a portal message, to-do item, news item or article, or of a security level)
// removes the row, so the deleted value's ID and keys (a level's name) are free again at once.
//
// # Transactions
//
// Store.Run runs each transaction at the SERIALIZABLE isolation level. A serialization failure
// (SQLSTATE 40001) or a deadlock (40P01) rolls the transaction back and runs it again after a
// short random pause, a bounded number of times (Options.MaxAttempts); when every attempt fails so,
// the error wraps psa.ErrConflict. Every write runs inside a savepoint, so a refused write (a
// taken key, a stale version) leaves the transaction usable, as the store interfaces require.
// Optimistic versions are checked with UPDATE ... WHERE id = $1 AND version = $2.
//
// Invoice numbers stay gapless and unique under concurrent finalization: the numbering scheme's
// counter row is updated in the finalizing transaction, so of two concurrent finalizations one
// commits and the other is retried with the new counter, and a rolled-back finalization burns no
// number. Ticket numbers come from a counter row in the same way.
//
// # Adding a store
//
// A store interface added to psa gets a table: a new numbered migration in migrations/ creates it
// (a released migration is never edited), and one table value in this package names its typed
// columns and unique constraints; the table's generic get, create, update, put, remove and list
// methods then implement each method of the interface in a line.
//
// # Tests
//
// The package's tests run the storetest conformance suite, and the quickstart journey, on a
// throwaway PostgreSQL cluster that they create and remove (PostgreSQL's server binaries must be
// installed), or on the database PSA_PG_DSN names; see the README. BenchmarkBillingRun bills the
// generated portfolio of 1,000 and 10,000 clients that billing's benchmark bills on memstore; it
// creates databases of its own (so with PSA_PG_DSN its user needs CREATEDB) and runs only when
// selected with -bench. BENCHMARKS.md gives its figures.
package pgstore
