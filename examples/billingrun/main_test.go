package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestBillingRun(t *testing.T) {
	var out, progress bytes.Buffer
	if err := run(t.Context(), &out, &progress, config{clients: 50, workers: 2, seed: 1}); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	for _, want := range []string{
		"Portfolio (seed 1): 50 clients (45 billed directly, the rest sub-organizations)",
		"with the run of 2026-11-01 already made",
		"Billing run on 2026-12-01 with 2 worker(s): 45 clients,",
		"0 failed",
		"  USD: net ",
		"Not billed: approved but not billable",
		"Not billed: unapproved time waiting",
		"Invoice numbers INV-2026-",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; output:\n%s", want, out.String())
		}
	}
	if !strings.Contains(progress.String(), "billing: 45 of 45 clients") {
		t.Errorf("progress lacks the last client; progress:\n%s", progress.String())
	}
}
