package contract_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/contract"
)

// FuzzContractUnmarshalJSON decodes arbitrary input as a contract. A failure unwraps to
// psa.ErrInvalid and leaves the contract unchanged; a success is a canonical form: marshalling
// it and decoding that again gives the same JSON, and the currency is a real one.
func FuzzContractUnmarshalJSON(f *testing.F) {
	for _, s := range []string{
		`{"id":"0190c3a2-7b4e-7c3d-9a1b-2c3d4e5f6a7b","clientId":"0190c3a2-7b4e-7c3d-9a1b-2c3d4e5f6a7c","name":"Managed services",` +
			`"type":"recurring","start":"2026-01-15","end":"2027-01-14","schedule":{"cycle":"monthly","alignment":"anniversary"},` +
			`"rounding":"half-even","setupFee":{"amount":"99.00","currency":"EUR"},"hours":"12.5","paymentTerms":"net 15",` +
			`"renewal":{"auto":true,"noticeDays":30},"timeRounding":{"minimumMinutes":15,"incrementMinutes":6},"currency":"EUR"}`,
		`{"currency":"USD"}`, `{"currency":"ZZZ"}`, `{}`, `null`, `{"currency":"USD","id":"x"}`, `{"currency":"USD","hours":"1e-3"}`,
		`{"currency":"USD","hours":true}`, `{"currency":"USD","start":"2026-02-30"}`, `{"currency":"USD","rounding":"up"}`,
		`{"currency":"USD","setupFee":{"amount":"1","currency":"EUR"}}`, `{"currency":"USD","createdAt":"2026-01-01T00:00:00Z"}`,
		`{"currency":"USD","usage":[{"period":"2026-01-01","time":3600000000000}]}`, `[`, `{"currency":"USD","version":1e400}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		before := contract.Contract{Terms: contract.Terms{Name: "before"}, Version: 7}
		c := before
		if err := c.UnmarshalJSON(b); err != nil {
			if !errors.Is(err, psa.ErrInvalid) {
				t.Fatalf("UnmarshalJSON(%q): error %#v does not unwrap to psa.ErrInvalid", b, err)
			}
			if _, ok := errors.AsType[*psa.ValidationError](err); !ok {
				t.Fatalf("UnmarshalJSON(%q): error %#v is not a *psa.ValidationError", b, err)
			}
			if c.Name != "before" || c.Version != 7 {
				t.Fatalf("UnmarshalJSON(%q) failed and changed the contract", b)
			}
			return
		}
		if c.Currency.String() == "XXX" {
			t.Fatalf("UnmarshalJSON(%q): no currency", b)
		}
		out, err := json.Marshal(c)
		if err != nil {
			if _, ok := errors.AsType[*json.MarshalerError](err); ok {
				// A time of day before year 0 or after 9999 decodes and cannot be encoded again.
				if c.CreatedAt.Year() < 0 || c.CreatedAt.Year() > 9999 || c.UpdatedAt.Year() < 0 || c.UpdatedAt.Year() > 9999 {
					return
				}
			}
			t.Fatalf("marshal the contract decoded from %q: %v", b, err)
		}
		var back contract.Contract
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q -> %s does not decode: %v", b, out, err)
		}
		again, err := json.Marshal(back)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("not a canonical form: %s\nthen %s (%v)", out, again, err)
		}
	})
}

// FuzzTimeRounding applies a time-rounding rule to a duration: a valid rule bills at least the
// time worked and the minimum, a multiple of the increment, and less than one increment more
// than needed; an invalid rule is a *psa.ValidationError.
func FuzzTimeRounding(f *testing.F) {
	f.Add(15, 6, int64(7*time.Minute))
	f.Add(0, 0, int64(90*time.Second))
	f.Add(0, 15, int64(-time.Minute))
	f.Add(60, 60, int64(61*time.Minute))
	f.Add(-1, 1441, int64(time.Hour))
	f.Add(0, 1, int64(1))
	f.Add(1440, 1440, int64(1<<62))
	f.Fuzz(func(t *testing.T, minimum, increment int, worked int64) {
		r := contract.TimeRounding{MinimumMinutes: minimum, IncrementMinutes: increment}
		if err := r.Validate(); err != nil {
			if _, ok := errors.AsType[*psa.ValidationError](err); !ok || minimum >= 0 && minimum <= 1440 && increment >= 0 && increment <= 1440 {
				t.Fatalf("Validate(%+v) = %v", r, err)
			}
			return
		}
		if minimum < 0 || minimum > 1440 || increment < 0 || increment > 1440 {
			t.Fatalf("Validate accepted %+v", r)
		}
		// Work longer than a century is not logged as one entry; the product stays in range.
		d := time.Duration(worked)
		if d > 100*365*24*time.Hour {
			return
		}
		got := r.Apply(d)
		if d <= 0 {
			if got != 0 {
				t.Fatalf("%+v.Apply(%v) = %v, want 0", r, d, got)
			}
			return
		}
		need := max(d, time.Duration(minimum)*time.Minute)
		inc := time.Duration(increment) * time.Minute
		switch {
		case got < need:
			t.Fatalf("%+v.Apply(%v) = %v, below %v", r, d, got, need)
		case inc > 0 && got%inc != 0:
			t.Fatalf("%+v.Apply(%v) = %v, not a multiple of %v", r, d, got, inc)
		case inc > 0 && got-need >= inc, inc == 0 && got != need:
			t.Fatalf("%+v.Apply(%v) = %v, more than needed (%v)", r, d, got, need)
		}
		if r.Apply(got) != got {
			t.Fatalf("%+v.Apply is not idempotent at %v", r, got)
		}
	})
}
