package jsonerr_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/internal/jsonerr"
)

func TestInvalid(t *testing.T) {
	var v struct {
		N  int       `json:"n"`
		ID uuid.UUID `json:"id"`
	}
	ve := psa.Invalid("money", "amount", "x", "is bad")
	tests := []struct {
		name      string
		err       error
		same      bool   // returned unchanged
		wantField string // else: the field named
	}{
		{"nil", nil, true, ""},
		{"already invalid", ve, true, ""},
		{"wrong type", json.Unmarshal([]byte(`{"n":"x"}`), &v), false, "n"},
		{"syntax", json.Unmarshal([]byte(`{`), &v), false, "json"},
		{"field decoder", json.Unmarshal([]byte(`{"id":"not a uuid"}`), &v), false, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := jsonerr.Invalid("thing", tt.err)
			if tt.same {
				if got != tt.err {
					t.Fatalf("Invalid(%v) = %v, want it unchanged", tt.err, got)
				}
				return
			}
			if tt.err == nil {
				t.Fatal("the case's decoding did not fail")
			}
			e, ok := errors.AsType[*psa.ValidationError](got)
			if !ok || !errors.Is(got, psa.ErrInvalid) || e.Object != "thing" || e.Fields[0].Field != tt.wantField {
				t.Fatalf("Invalid(%v) = %#v, want a *psa.ValidationError of thing naming %q", tt.err, got, tt.wantField)
			}
		})
	}
}
