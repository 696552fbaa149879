package billing

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/psakit/psa/servicedesk"
)

// TestTextHelpersMatchTheirReferences: the append helpers give the text of the String methods
// and expressions they replace, and durationHours decimal's DivRound.
func TestTextHelpersMatchTheirReferences(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 50_000 {
		var d time.Duration
		switch r.IntN(4) {
		case 0:
			d = time.Duration(r.Int64N(2000)) * time.Minute
		case 1:
			d = time.Duration(r.Int64N(1e7)) * time.Second
		case 2:
			d = time.Duration(r.Int64() - r.Int64())
		default:
			d = -time.Duration(r.Int64N(1e5)) * time.Minute
		}
		if got := string(appendDuration([]byte("x"), d)); got != "x"+d.String() {
			t.Fatalf("appendDuration(%d): %q, want %q", int64(d), got, "x"+d.String())
		}
		want := decimal.NewFromInt(int64(d/time.Minute)).DivRound(decimal.NewFromInt(60), 4)
		if got := durationHours(d); !got.Equal(want) || got.Exponent() != want.Exponent() {
			t.Fatalf("durationHours(%v): %s, want %s", d, got, want)
		}
		var u uuid.UUID
		for i := range u {
			u[i] = byte(r.UintN(256))
		}
		if got := string(appendUUID(nil, u)); got != u.String() {
			t.Fatalf("appendUUID: %q, want %q", got, u.String())
		}
	}
	words := []string{"", " ", "Remote", "support ", " engineer", "\t", "on-site visit"}
	for range 2_000 {
		e := servicedesk.TimeEntry{Work: servicedesk.Work{WorkType: words[r.IntN(len(words))], Role: words[r.IntN(len(words))],
			Note: words[r.IntN(len(words))], NotePublic: r.IntN(2) == 0}}
		want := strings.TrimSpace(strings.Join([]string{e.WorkType, e.Role}, " "))
		if e.Note != "" && e.NotePublic {
			want += ": " + e.Note
		}
		if got := string(appendWorkLabel([]byte("x"), ' ', e)); got != "x "+want {
			t.Fatalf("appendWorkLabel(%+v): %q, want %q", e, got, "x "+want)
		}
	}
}
