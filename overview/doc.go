// Package overview assembles what a PSA shows about one client: the client 360 view and the
// client health score (seed 002 "Client Record", "Client Health Score").
//
// # Client 360 view
//
// Service.View returns, from one transaction with one listing per kind of data, the client's
// company info and notes, contacts, sub-organizations, contracts with seed 004's contract
// information (remaining amount, consumed amount, prepaid hours, incidents left), tickets
// (open, resolved and closed counts and the most recent), assets, time by month, invoices
// (history, outstanding balance by aging bucket, credit balance, payments), and the SLA policy
// with the client's compliance.
//
// # Health score
//
// Service.Health scores the client from 0 to 100 with seed 002's components and weights: service
// 25%, endpoints 20%, security 20%, backups 15%, financial 10%, engagement 5%, communications 5%.
// psa computes service (ServiceScore: SLA compliance and open tickets), financial
// (FinancialScore: payment timeliness and overdue balance) and engagement (EngagementScore: portal
// use); the host supplies the others through Signals. Every component is returned with its score
// and the inputs it came from. A component the host has no signal for is reported as missing and
// left out of the score (Combine), never counted as 0 or 100; Health.Coverage says how much of
// the weight is present.
package overview
