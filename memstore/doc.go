// Package memstore is the in-memory implementation of every store interface of psa: the
// embedded default for examples, tests and small deployments whose data need not outlive the
// process.
//
// It is a real store, not a mock: transactions are serializable (optimistic, with a fallback to
// an exclusive lock so that none ever fails for contention), a failed transaction leaves nothing
// behind, unique keys and versions are enforced, values are copied in and out, and listings come
// in a stable order (ascending ID) with opaque cursors. It passes the storetest conformance suite,
// like every store of the project.
//
//	store := memstore.New()
//	clients := client.NewService(memstore.Runner[client.Tx](store), nil)
//
// Faulty wraps a Store for fault-injection tests: a function installed with Faulty.Inject can
// fail any store call, chosen by its number or its name, and the transaction making it then
// rolls back. The library's own tests fail every call of a billing run, a finalization, a batch
// approval and a void this way (see RELIABILITY.md).
package memstore
