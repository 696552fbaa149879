// Package contract holds contracts and the rules that say what is owed for which period (seed
// 000 "Create contracts", seed 002 "Service Contracts and Billing Agreements", seed 003 recurring
// service and annual seat-based contracts, seed 004 "Contract Information").
//
// # Contracts and parts
//
// A Contract is one of the Types (time and materials, recurring service, fixed price, retainer by
// amount, retainer by hours, per ticket) with the Terms of seed 004: dates (the end date is the
// last day of service; a zero end is open-ended), SLA, setup fee, default flag, billing schedule
// and timing, prices, caps, payment terms and renewal. Its Parts (seed 000 "contract parts") each
// bill one service or product at a unit price per period and a quantity that changes on dated
// Quantity entries, never overwriting history. Every change is recorded in the contract history.
//
// Creating a contract runs the client package's billing-information gate on the bill-to client,
// unless the billing information is supplied in the same call, and every amount must be in the
// bill-to client's currency. Parts proposed from the services the host has assigned to a client
// (ProposeParts) have no price: the contract stays a draft until each is priced and it is
// activated.
//
// # Schedules and proration
//
// The pure rules take values and return values: Schedule.Periods and Schedule.Due give the
// billing periods under calendar or anniversary alignment (anchor days 29-31 clamped per month,
// re-derived from the anchor every period) and which are due on a run date in advance or in
// arrears; Charge and PartCharge compute a period's charge as the exact sum over its dated
// quantity segments of price x quantity x served days / days of the period, rounded once, with
// an explanation an invoice line can print; Adjustment bills or credits the difference between a
// period's charge as it now stands and what was billed for it ("recompute and diff").
//
// # Retainers and prepaid incidents
//
// A retainer's approved work is recorded in the contract's ledger (Record, Release; billing does
// it). Allowance and Left say what a period grants and what remains for work on a day (per
// period, or pooled with rollover); PrepaidHours is seed 004's prepaid hours summary and Consumed
// its consumed amount.
//
// # Renewals
//
// UpForRenewal lists the contracts ending within N days (seed 002 "Renewal Dashboard"); Renew
// creates the next term with the parts and their current quantities, once; ExpireEnded renews
// auto-renewing contracts and expires the rest after their end date.
package contract
