package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, t.TempDir()); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	for _, want := range []string{
		"Second primary contact refused (true)",
		"[ ] Provide billing information: the client lacks billing information: address, invoiceEmail, taxRegion, currency, paymentTerms",
		`Opened ticket #1 "Plant printer offline" (high, SLA policy from the tenant default)`,
		`Approval refused: "Acme Manufacturing" lacks billing information [address invoiceEmail taxRegion currency paymentTerms]`,
		"Approved 50m0s worked, billed 1h0m0s at 110.00 USD (default rate) = 110.00 USD",
		"Approved 7m0s worked, billed 15m0s at 135.00 USD (client override) = 33.75 USD",
		"first response  target 1h0m0s due Tue 10:00  met",
		"resolution      target 8h0m0s due Tue 17:00  met",
		`[x] Assign an SLA policy: policy "Standard" from the tenant default`,
		"First billing run stopped: confirm the numbering first (next number would be INV-2026-00001)",
		"Billing run on 2026-11-17 created invoice INV-2026-01042 for 789.93 USD",
		"INVOICE INV-2026-01042",
		"Grand total  $ 789.93",
		"A second run for 2026-11-17 created 0 invoice(s)",
		`Sub-organization "Acme Plant East" is billed to "Acme Manufacturing"`,
		"re-sync of rmm-1001: unchanged",
		"[x] Provide billing information: billing information is complete",
		"[x] Create sales items: sales items can be created",
		"1 client(s) have assigned services but no contract",
		`Contract "Managed services" (recurring, active, billed monthly in advance) from 2026-11-17 with 2 parts`,
		"Managed workstation: quantity 2 from the client's assets",
		"2026-11-17..2026-11-30: 2 x 45.00 USD x 14/30 days = 42.00 USD",
		"2026-11-17..2026-11-30: 25 x 22.00 USD x 14/30 days",
		"charge 256.67 USD",
		"[x] Set up a contract: 1 active contract(s)",
		`E-mail to Ann Lee <ann.lee@acme.example>: invitation for user "ann.lee@acme.example"`,
		"[x] Configure portal access: 1 contact(s) with portal access (1 still to set a password)",
		`[x] Run billing and issue invoices: billing information is complete and numbering scheme "Invoices" is confirmed`,
		"Client 360: Acme Manufacturing (active)",
		"  invoices:  1, outstanding 789.93 USD, credit 0.00 USD, 0 payments",
		"Client health 93/100 (coverage 75%)",
		"  security        20%  missing: no signal",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; output:\n%s", want, out.String())
		}
	}
}
