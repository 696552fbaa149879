// Package billing holds what is billed when: sales items (seed 000 "Ensure you can create sales
// items"), usage records, and the billing run that turns contracts, approved time, sales items
// and usage into invoices (seed 000 "Ensure you can run the billing process and issue invoices",
// seed 002 "Contracts drive automated invoicing").
//
// # Sales items
//
// A sales item is a one-off charge for a client. Creating one for a client whose bill-to client
// has no billing information returns the client package's *client.BillingInfoError, and moving
// an existing item to such a client is refused the same way; once an invoice bills the item, it
// is locked.
//
// # The billing run
//
// Service.Bill bills, per bill-to client and in a transaction of its own, what is due on the run
// date: recurring part charges in advance or in arrears, prorated by the contract's rules and
// recomputed so that a later change (quantity, termination, usage) bills or credits the
// difference ("recompute and diff"); a part left unchanged since the run that last billed it
// (contract.Reconciled) has only its newly due periods computed; contract billing prices (a retainer's block or funding
// each period); setup fees, fixed prices and prepaid incidents once; usage quantities of
// per-device and per-seat parts billed in arrears; approved time and materials at the rates fixed
// on approval, capped by the contract's cap; retainer consumption; completed tickets under
// per-ticket contracts; and sales items.
//
// # Retainers and prepaid incidents
//
// Approved time under a retainer consumes its allowance in work-date order: the hours of a
// retainer by hours, the money of a retainer by amount, each granted per billing period (unused
// allowance expires at the period's end, or rolls over with Terms.Rollover; contract.Contract.Left
// gives the rule). An entry that crosses the remaining balance is split: what lies beyond is
// charged at the contract's overage rate, else at the entry's own rate. Every entry gets a line
// saying what it used; each completed ticket under a per-ticket contract uses one prepaid
// incident, and a ticket beyond them is charged the overage rate. What a line used is recorded on
// the contract (Contract.Usage, for seed 004's consumed amount and prepaid hours summary) and on
// its claim, so a void gives it back.
//
// RunOptions.ApplyCredit settles new invoices from the client's credit balance (overpayments).
// Sub-organizations billed to their parent appear on the parent's invoice, their lines labelled.
// Lines are grouped into one invoice per PO number and payment terms, taxed in the client's tax
// region, and finalized with the next numbers of a confirmed numbering scheme.
//
// Every billed item is claimed by one invoice line (Claim), so a run is idempotent: a second run
// for the same date creates nothing. Voiding an invoice through Service.Void releases what it
// billed, to be billed again. A preview computes the same result and writes nothing. The run
// reports per client what it did not bill and why: no billing information, nothing to bill,
// approved time no line bills, and unapproved time waiting with its hours and estimated value.
package billing
