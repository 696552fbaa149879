// Package invoice holds the invoice document and its rules (seed 000 "Ensure you can run the
// billing process and issue invoices", seed 001 "Invoice Settings", seed 004 "Invoices").
//
// # Documents and lifecycle
//
// An Invoice (or a credit note) carries seed 004's fields: number, status, PO number, service
// period, invoice and due dates, sales representative, project, lines with their explanations,
// line and invoice discounts, tax per region, totals, payments, sent on and notes. A draft is
// editable (Edit) and its Totals are recomputed from its lines; Finalize numbers it and makes it
// immutable; then it is sent, partially paid and paid (Pay, ApplyCredit), and overdue is derived
// from its due date. Corrections are credit notes (CreditNote, never more than was billed) or a
// Void, which keeps the number. Outstanding sums amounts due by aging bucket. What a payment
// brings beyond the amount due is recorded on it (Payment.Overpaid) and becomes the client's
// credit balance (Credit), which Service.ApplyCredit uses to settle later invoices.
//
// # Tax and discounts
//
// ComputeTotals applies line discounts (percentages of the gross or amounts, together at most
// the gross) and invoice discounts (spread over the lines pro rata to their net), then taxes each
// region once on the sum of its lines' nets, component by component (compound components tax the
// base plus the earlier components), each rounded once and spread over the lines by the
// largest-remainder method; per-line rounding, exemption and reverse charge are options. Its
// totals hold exactly: Total = Subtotal - Discount + Tax, and the lines sum to the totals.
//
// # Numbering
//
// A Scheme numbers invoices from a Template ("INV-{YYYY}-{SEQ:5}"): gapless, unique, never
// truncated, optionally reset every year. It must be confirmed before its first finalization,
// and its next number can be set above the last one issued to align with accounting software.
// Service.Finalize draws the number in the finalizing transaction, so a rollback burns none.
//
// # Rendering
//
// A Renderer renders invoices to HTML with named html/templates (the client's invoice template),
// and Text renders them as plain text, with amounts formatted for the reader's language.
package invoice
