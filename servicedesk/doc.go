// Package servicedesk holds the service desk: tickets with their notes, time entries and their
// approval, rates, and SLA policies measured on business-hours calendars (seed 000 "Ensure you
// can receive and process service desk tickets", seed 001 service level agreements, seed 002
// tickets, time entries and client-specific SLA, seed 004 ticket fields).
//
// # Tickets
//
// A Ticket carries seed 004's fields (site, type, priority, issue and sub-issue type, affected
// hardware and software assets, attachments, title, details), its client and contact person, a
// human-facing number from a per-tenant sequence, a queue or assignee (routed by the client's
// auto-assignment rule), and a Status that moves only along the workflow's transitions (CanMove).
// A client without billing information can have tickets opened, answered, resolved and closed.
//
// # Time and approval
//
// Time entries are logged against a ticket, or against a contract for work without one; they
// belong to the ticket's contract, else the client's default contract, else time and materials.
// Approve approves a batch all or nothing: it runs the client package's billing-information gate
// on every entry's bill-to client and, when any lacks billing information, approves nothing and
// returns one *client.BillingInfoError naming every such client. On approval each billable
// entry's billable time (TimeRounding: minimum and round-up increment, the contract's or the
// tenant's), hourly rate and the rate's source are fixed: the client's override, else the
// contract's rate, else the tenant's default rate (ResolveRate).
//
// # SLA
//
// A ticket's SLA policy is the affected asset's service level, else the client's override, else
// the contract's SLA, else the tenant's default; its targets (first response, optional resolution
// plan, resolution) depend on the priority and may differ by issue and sub-issue type. Business
// time is real elapsed time inside a Calendar's working intervals, in its time zone, with
// holidays; a priority may run 24x7. The ticket's Clock stops while it waits on the customer, and
// each restart moves the deadlines of the running targets by the business time paused, so
// Evaluate costs the same whatever the number of pauses. Evaluate reports each target's deadline,
// whether it was met or breached, and the share of it used.
package servicedesk
