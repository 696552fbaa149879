// Package psa is the shared vocabulary of the psa library: the domain rules of PSA (professional
// services automation) software for IT managed-service providers, as an embeddable Go library.
//
// This package holds what every other package speaks:
//
//   - Money: an exact decimal amount in an ISO 4217 currency, with explicit rounding (RoundHalfUp by
//     default, RoundHalfEven on request) to the currency's minor unit or cash increment, and
//     Allocate, which splits an amount by weights with the largest-remainder method so that the
//     parts always sum exactly to the whole.
//   - Date and Period: civil dates without a time zone, and half-open periods [Start, End), with
//     month stepping anchored on a day and clamped per month (anchor 31: Jan 31, Feb 28, Mar 31,
//     Apr 30), never drifting.
//   - Typed identifiers (ClientID, ContactID, ...), each embedding uuid.UUID, generated through an
//     injectable IDFunc (default UUIDv7).
//   - Error categories (ErrNotFound, ErrAlreadyExists, ErrConflict, ErrInvalid, ErrPrecondition,
//     ErrForbidden) and typed errors that unwrap to them, so a host maps any error with one
//     errors.Is per category, and a ValidationError that lists every bad field with its value.
//   - Runner, the explicit unit of work a service runs in; Page and PageRequest for listings;
//     Options (Now, NewID), the settings every service shares.
//   - PaymentTerms and Address, used by billing information and invoices.
//
// The domain packages build on it: client (clients, contacts, billing information and its gate,
// sub-organizations, account teams, settings, assets, onboarding), contract (contracts, parts,
// billing schedules, proration, renewals) and servicedesk (tickets, time and its approval, SLA on
// business-hours calendars); memstore is the in-memory store that implements every store
// interface, and storetest the conformance suite any other store runs.
//
// psa imports no package of its own module; every other package may import it.
package psa
