// Package billing holds what is billed when: sales items (seed 000 "Ensure you can create sales
// items"), and the billing run that turns contracts, approved time, sales items and usage into
// invoices.
//
// A sales item is a one-off charge for a client. Creating one for a client whose bill-to client
// has no billing information returns the client package's *client.BillingInfoError, and moving
// an existing item to such a client is refused the same way; once an invoice bills the item, it
// is locked.
package billing
