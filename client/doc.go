// Package client holds the rules of the client record: clients and their company information,
// contacts with exactly one primary contact, parent and sub-organizations with billing to the
// parent, billing information and the gate it guards, the account team, client-specific settings,
// assets, the onboarding checklist, and synchronisation with an external system of record.
//
// # Billing information and its gate
//
// A client's BillingInfo (address, attention, invoice e-mail, tax region, tax ID, currency,
// payment terms, invoice template) is stored only when complete. Seed 000's rule is that tickets
// can be processed without it, but ticket time cannot be approved and sales items cannot be
// created: RequireBillingInfo is that gate. Given one or many clients it resolves each one's
// bill-to client (a sub-organization may be billed to its parent) and returns one
// *BillingInfoError naming every bill-to client that lacks billing information and what it lacks.
// The error unwraps to psa.ErrPrecondition.
//
// # Pure rules and the Service
//
// The rules are functions over values: BillingInfo.Missing, Client.MayAccess,
// Client.ContactFieldsForClientUsers, Client.Recipients, Settings.Validate, Settings.RateFor,
// and over a ClientStore: BillTo, Ancestors, Descendants, RequireBillingInfo. A Service runs them
// inside transactions of the host's store, given as a psa.Runner over Tx; every update names the
// Version it read, and a stale one fails with a *psa.VersionConflictError.
//
// # Onboarding
//
// The onboarding checklist (seed 002's seven steps and seed 000's "ensure" steps) is computed
// from data: each step is done or missing with a reason. Steps owned by other packages (contract,
// SLA policy, portal access, billing and invoicing) are reported as not checked until those
// packages' checks are set on the Checklist with SetCheck.
package client
