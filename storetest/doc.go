// Package storetest is the conformance suite for stores of the psa library: a host that brings
// its own database implements the store interfaces the packages declare (client.ClientStore,
// client.ContactStore, client.AssetStore, contract.ContractStore, contract.PartStore,
// contract.HistoryStore, servicedesk.TicketStore, servicedesk.TimeStore, servicedesk.ConfigStore,
// invoice.SchemeStore, invoice.InvoiceStore, billing.SalesItemStore, billing.ClaimStore,
// billing.UsageStore, the stores of package portal, staff.LevelStore, staff.MemberStore,
// staff.APIUserStore) on one transaction type, provides a runner, and runs this suite until it
// passes. The in-memory store (memstore) passes it, and so must every store the project ships.
//
// The suite uses only the standard testing package and go-cmp, so a host runs it unchanged from
// an ordinary test. NewHarness returns a fresh, empty store for one case, with its runners, and
// cleans up after itself:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Harness {
//			pool := openEmptyTestSchema(t) // the host's own helper; t.Cleanup drops the schema
//			store := pgstore.New(pool, nil)
//			run := psa.Runner[*pgstore.Tx](store.Run)
//			return storetest.Harness{
//				Client:      psa.Adapt[client.Tx](run),
//				Contract:    psa.Adapt[contract.Tx](run),
//				ServiceDesk: psa.Adapt[servicedesk.Tx](run),
//				Invoice:     psa.Adapt[invoice.Tx](run),
//				Billing:     psa.Adapt[billing.Tx](run),
//				Portal:      psa.Adapt[portal.Tx](run),
//				Staff:       psa.Adapt[staff.Tx](run),
//			}
//		})
//	}
//
// Every runner of a harness runs on the same store. For the embedded store the harness is
//
//	s := memstore.New()
//	storetest.Harness{
//		Client:      memstore.Runner[client.Tx](s),
//		Contract:    memstore.Runner[contract.Tx](s),
//		ServiceDesk: memstore.Runner[servicedesk.Tx](s),
//		Invoice:     memstore.Runner[invoice.Tx](s),
//		Billing:     memstore.Runner[billing.Tx](s),
//		Portal:      memstore.Runner[portal.Tx](s),
//		Staff:       memstore.Runner[staff.Tx](s),
//	}
//
// # What it checks
//
// Run runs every case as a subtest of its own, in parallel, each on a new harness. A case checks
// one documented rule of the store interfaces or of psa.Runner, and logs that rule ("contract:
// ...") when it starts, so a failing case says which promise the store broke. The rules are:
//
//   - round trips: what Create, Update and Put store, Get, Find...ByExternalID,
//     FindContractByDealID and the List calls return unchanged, every field included (amounts
//     compare by value and currency, decimals by value, instants with time.Time.Equal, and a nil
//     slice equals an empty one): a contract's rates and time-rounding rule, a part's dated
//     quantities in order, the zero Money (an unset price) kept apart from an explicit zero
//     amount, a ticket's attachments and every instant and duration of its SLA clock to the
//     microsecond, notes through ListNotes, time entries through ListTimeEntries and
//     ListTicketTime, SLA policies with their issue-type overrides, calendars with every
//     weekday's intervals and their holidays, queues, invoices (every line with its discounts,
//     explanation and source, invoice discounts, tax regions with their components, totals with
//     every line's and region's tax components, payments, applied credit and the instant an
//     invoice was sent, to the microsecond), numbering schemes (template, yearly reset,
//     counter and confirmation), sales items (what they sell and the invoice that billed them),
//     usage records through ListUsage, and claims through ListClaims and ListInvoiceClaims,
//     where UpdateClaim takes no version and replaces a claim as given;
//   - categories and types of errors: *psa.NotFoundError, *psa.AlreadyExistsError and
//     *psa.VersionConflictError, matched with errors.Is and errors.As, never by message;
//   - unique keys (IDs, external IDs, per-client external IDs, contract DealIDs, where the empty
//     key is never taken, ticket Numbers, and invoice Numbers, unique within their numbering
//     scheme only, where a draft's empty Number is never taken, usage records unique per part and
//     period start, claims by LineID) and the version rule of updates;
//     a Put (PutPolicy, PutCalendar, PutQueue, PutScheme) with Version 0 creates (a taken ID is a
//     *psa.AlreadyExistsError) and stores Version 1, any other version must be the stored one;
//   - the ticket number sequence: NextTicketNumber gives 1, 2, 3, ... each once, a rolled-back
//     transaction gives its numbers back, and concurrent transactions get distinct consecutive
//     numbers;
//   - the service-desk settings: the zero Settings (Version 0) before any are stored, then the
//     version rule of PutSettings;
//   - invoice numbering: concurrent transactions that each read a numbering scheme and store it
//     with its counter incremented lose no update, and invoice.Service, run on Harness.Invoice,
//     finalizes drafts from several goroutines at once with the numbers 1 to n, each once;
//   - staff access: security levels with every permission, the account-team limit and the
//     API-only flag, unique non-empty level Names and API user Usernames, staff members and API
//     users listed per level, and DeleteSecurityLevel under the version rule, after which the
//     level is gone from every read and its ID and Name are free;
//   - contract history: entries only appended, listed per contract in ascending Seq order, a taken
//     (ContractID, Seq) refused with *psa.AlreadyExistsError, no history an empty list, and
//     concurrent appends losing no entry;
//   - transactions: commit if and only if fn returns nil, the runner returns fn's error unchanged,
//     a rolled-back transaction leaves nothing behind, a transaction reads its own writes and
//     never another's uncommitted ones, concurrent read-modify-write transactions lose no update,
//     and a cancelled context writes nothing; a contract.Tx also writes clients, a
//     servicedesk.Tx clients and contracts, and an invoice.Tx and a billing.Tx clients, in the
//     same transaction,
//     and the runners of a harness share one store;
//   - the portal stores: usernames, token hashes and the contact of an account unique; messages,
//     to-do items, news and articles deleted for good by their Delete methods (and a rolled-back
//     delete undone); the tenant's portal settings under the version rule like the service desk's;
//   - copies: no value passed to or returned by a store shares memory with the stored value;
//   - listings: stable ascending ID order (claims by LineID, per subject and per invoice), every
//     item exactly once across pages, limits, and malformed cursors and negative limits refused
//     with psa.ErrInvalid.
//
// # What a store may do
//
// The suite lets a store do whatever the contract allows. A runner may call fn more than once.
// A store may report a lost race as an error wrapping psa.ErrConflict (and a lost race for the
// next history Seq as psa.ErrAlreadyExists); the concurrency cases retry then, as a host would.
// A store may serialize transactions by locking: the isolation case then waits for the writer
// instead of failing. The instants and durations the suite stores have microsecond precision,
// so a database that keeps microseconds (PostgreSQL) round-trips them exactly. The ticket
// Numbers the suite stores are positive and below 2^53 (so a JSON or float64 column keeps them
// too), and most are not drawn from NextTicketNumber: CreateTicket stores the Number it is given. The
// contracts, tickets and time entries the suite stores mostly belong to clients it has not
// stored, as their store methods take a ClientID as a plain value; parts and history entries
// belong to stored contracts, and notes to stored tickets. Likewise most invoices belong to
// clients and numbering schemes the suite has not stored (drafts may have no scheme at all), and
// the invoice with every field set carries values no service would combine (a void reason on a
// partially paid invoice). Sales items, usage records and claims belong to clients, parts,
// subjects and invoices the suite has not stored either. A store keeps what it is given, and
// checks only the rules of its interface. A Put of an unknown ID with a version
// other than 0 may fail with a *psa.NotFoundError or a *psa.VersionConflictError.
//
// # Packages without a store
//
// A Harness field left nil means the host does not implement that package's stores: the cases
// that need it are skipped, with a message naming the field.
package storetest
