package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	for _, want := range []string{
		"Second primary contact refused (true)",
		"[ ] Provide billing information: the client lacks billing information: address, invoiceEmail, taxRegion, currency, paymentTerms",
		"Gate: psa: cannot approve time without billing information",
		`Sub-organization "Acme Plant East" is billed to "Acme Manufacturing"`,
		"re-sync of rmm-1001: unchanged",
		"[x] Provide billing information: billing information is complete",
		"[x] Create sales items: sales items can be created",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; output:\n%s", want, out.String())
		}
	}
}
