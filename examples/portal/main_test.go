package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestPortalWalkthrough(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, 1000); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	for _, want := range []string{
		"[mail] invitation for Ann Lee <Ann.Lee@acme.example>, link valid until Tue 2026-05-12 09:00",
		`username "ann.lee@acme.example", role External User`,
		`refused "Acme2026": 2 rules broken:`,
		"- min length: is 8 characters long, shorter than the minimum of 12",
		"- blocklist: is a common or blocked password",
		"the link again: psa: invitation token is already used",
		`unknown user:   psa: login as "nobody@acme.example" failed: unknown username or wrong password, or locked after too many failed logins`,
		`wrong password: psa: login as "ann.lee@acme.example" failed: unknown username or wrong password, or locked after too many failed logins`,
		`ticket #1 "Label printer offline", contact person Ann Lee, priority medium, source portal`,
		"contracts: psa: portal user 00000000-0000-0000-0000-000000000005 may not view contracts: role External User does not allow it",
		`ticket #2 "New laptop for Bob": 0 public note(s), 0 time entr(ies)`,
		`contract "Network refresh" (fixed-price): remaining 3800.00 USD of 5000.00 USD`,
		"invoice INV-2026-0007 (paid), 1 payment(s)",
		"Ann asks for Bob's ticket #2:   psa: ticket 00000000-0000-0000-0000-00000000000b not found",
		"Bob asks for Globex's ticket #3: psa: ticket 00000000-0000-0000-0000-00000000000c not found",
		"may not use the portal: portal access is disabled",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; output:\n%s", want, out.String())
		}
	}
	for _, never := range []string{"Firmware 1.2 is buggy", "Globex VPN"} {
		if strings.Contains(out.String(), never) {
			t.Errorf("output shows %q, which no portal user may see:\n%s", never, out.String())
		}
	}
	// Ann sees her ticket only; Bob, the manager, sees both of Acme's.
	before, _, _ := strings.Cut(out.String(), "Bob Ruiz (External Manager)")
	if _, annSees, _ := strings.Cut(before, "Ann Lee (External User)"); strings.Contains(annSees, "New laptop for Bob") {
		t.Errorf("the External User sees the manager's ticket:\n%s", out.String())
	}
}
