package client_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// FuzzBillingInfoUnmarshalJSON decodes arbitrary input as billing information. A failure is a
// *psa.ValidationError (unwrapping to psa.ErrInvalid) and leaves the value unchanged; a success
// is a canonical form: it encodes, decodes to the same value and encodes to the same JSON, and
// Missing and Validate agree on whether it is complete.
func FuzzBillingInfoUnmarshalJSON(f *testing.F) {
	for _, s := range []string{
		`{"address":{"line1":"1 Main St","city":"Springfield","postalCode":"12345","country":"US"},"attention":"AP",` +
			`"invoiceEmail":"ap@example.com","taxRegion":"US-CA","taxId":"X1","currency":"USD","paymentTerms":"net 30","invoiceTemplate":"modern"}`,
		`{}`, `null`, `{"currency":"usd"}`, `{"currency":"XXX"}`, `{"currency":""}`, `{"paymentTerms":"due on receipt"}`,
		`{"paymentTerms":"net -1"}`, `{"paymentTerms":30}`, `{"address":[]}`, `{"invoiceEmail":"Ann <a@example.com>"}`, `{`, `"x"`,
		`{"address":{"country":"gb"},"currency":"EUR","currency":"GBP"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		before := client.BillingInfo{Attention: "before", PaymentTerms: psa.DueOnReceipt()}
		bi := before
		if err := bi.UnmarshalJSON(b); err != nil {
			if _, ok := errors.AsType[*psa.ValidationError](err); !ok || !errors.Is(err, psa.ErrInvalid) {
				t.Fatalf("UnmarshalJSON(%q): error %#v is not a *psa.ValidationError", b, err)
			}
			if diff := cmp.Diff(before, bi, cmpOpts); diff != "" {
				t.Fatalf("UnmarshalJSON(%q) failed and changed the value (-before +after):\n%s", b, diff)
			}
			return
		}
		out, err := json.Marshal(bi)
		if err != nil {
			t.Fatalf("marshal the billing information decoded from %q: %v", b, err)
		}
		var back client.BillingInfo
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q -> %s does not decode: %v", b, out, err)
		}
		if diff := cmp.Diff(bi, back, cmpOpts); diff != "" {
			t.Fatalf("round trip through %s (-first +second):\n%s", out, diff)
		}
		if again, err := json.Marshal(back); err != nil || !bytes.Equal(out, again) {
			t.Fatalf("not a canonical form: %s then %s (%v)", out, again, err)
		}
		if bi.Complete() != (bi.Validate() == nil) {
			t.Fatalf("%s: Complete() = %v but Validate() = %v", out, bi.Complete(), bi.Validate())
		}
		if err := bi.Validate(); err != nil && !errors.Is(err, psa.ErrInvalid) {
			t.Fatalf("Validate: %v", err)
		}
	})
}
