package servicedesk_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/servicedesk"
)

// FuzzCalendar decodes arbitrary JSON as a business-hours calendar (a time zone name, working
// intervals, holidays), then, when it is valid, measures business time between instants of a
// two-month window and adds it back. Checked: a calendar that decodes has a canonical JSON form;
// Validate's failures are *psa.ValidationErrors and Compile fails exactly when Validate does;
// business time lies between 0 and the real time elapsed and is additive; and AddBusiness gives
// the earliest instant at which a target is used up (BusinessTime(t, AddBusiness(t, d)) == d,
// and no business time is left just before it).
func FuzzCalendar(f *testing.F) {
	for _, s := range []string{
		`{"name":"Office","timeZone":"America/New_York","week":[[],[{"start":"09:00","end":"17:00"}],[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"17:00"}],[],[],[],[]],"holidays":["2026-11-26"],"yearly":[{"month":12,"day":25}]}`,
		`{"name":"Nights","timeZone":"Europe/London","week":[[{"start":"00:00","end":"06:00"},{"start":"22:00","end":"24:00"}],[],[],[],[],[],[]]}`,
		`{"name":"24x7","timeZone":"UTC","alwaysOpen":true}`,
		`{"name":"Lord Howe","timeZone":"Australia/Lord_Howe","week":[[{"start":"01:00","end":"03:00"}],[{"start":"00:00","end":"24:00"}],[],[],[],[],[]]}`,
		`{"name":"x","timeZone":"Local"}`, `{"name":"x","timeZone":"../../etc/passwd"}`, `{"name":"","timeZone":""}`,
		`{"name":"x","timeZone":"UTC","week":[[{"start":"17:00","end":"09:00"}],[],[],[],[],[],[]]}`,
		`{"name":"x","timeZone":"UTC","yearly":[{"month":2,"day":30}]}`, `{"week":[[{"start":"24:01"}]]}`, `[]`,
	} {
		f.Add([]byte(s), int64(0), int64(3600*30), int64(3600*5))
	}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix()
	const window = 62 * 24 * 3600
	f.Fuzz(func(t *testing.T, b []byte, a, z, d int64) {
		var c servicedesk.Calendar
		if err := json.Unmarshal(b, &c); err != nil {
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			if c.Validate() == nil {
				t.Fatalf("a valid calendar does not encode: %v", err)
			}
			return
		}
		var back servicedesk.Calendar
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s does not decode: %v", out, err)
		}
		if again, _ := json.Marshal(back); !bytes.Equal(again, out) {
			t.Fatalf("not a canonical form: %s then %s", out, again)
		}
		verr := c.Validate()
		h, cerr := c.Compile()
		if (verr == nil) != (cerr == nil) {
			t.Fatalf("Validate: %v; Compile: %v", verr, cerr)
		}
		if verr != nil {
			if _, ok := errors.AsType[*psa.ValidationError](verr); !ok || !errors.Is(verr, psa.ErrInvalid) {
				t.Fatalf("Validate: %#v is not a *psa.ValidationError", verr)
			}
			return
		}
		in := func(x int64) time.Time {
			x %= window
			if x < 0 {
				x += window
			}
			return time.Unix(base+x, 0).UTC()
		}
		from, to := in(a), in(z)
		if to.Before(from) {
			from, to = to, from
		}
		mid := from.Add(to.Sub(from) / 3)
		bt := h.BusinessTime(from, to)
		if bt < 0 || bt > to.Sub(from) {
			t.Fatalf("BusinessTime(%v, %v) = %v", from, to, bt)
		}
		if sum := h.BusinessTime(from, mid) + h.BusinessTime(mid, to); sum != bt {
			t.Fatalf("BusinessTime is not additive at %v: %v + %v != %v", mid, h.BusinessTime(from, mid), h.BusinessTime(mid, to), bt)
		}
		target := time.Duration(d%(14*24*3600)) * time.Second
		deadline, ok := h.TryAddBusiness(from, target)
		if !ok {
			return // no working time for ten years: every day a holiday
		}
		if target <= 0 {
			if !deadline.Equal(from) {
				t.Fatalf("AddBusiness(%v, %v) = %v", from, target, deadline)
			}
			return
		}
		if got := h.BusinessTime(from, deadline); got != target {
			t.Fatalf("BusinessTime(t, AddBusiness(t, %v)) = %v (t %v, deadline %v)", target, got, from, deadline)
		}
		if h.BusinessTime(from, deadline.Add(-time.Second)) >= target {
			t.Fatalf("AddBusiness(%v, %v) = %v is not the earliest instant", from, target, deadline)
		}
	})
}
