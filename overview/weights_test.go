package overview_test

import (
	"testing"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/overview"
)

// TestWeightsCannotBeChanged: Weights returns a new slice, so changing it changes no score.
// (It was an exported variable, and setting a weight changed every client's health score.)
func TestWeightsCannotBeChanged(t *testing.T) {
	scores := []overview.ComponentScore{{Component: overview.ComponentService, Score: 100}, {Component: overview.ComponentFinancial, Score: 0}}
	before := overview.Combine(psa.ClientID{}, time.Time{}, scores)
	ws := overview.Weights()
	ws[0].Percent = 90
	if got := overview.Weights()[0].Percent; got != 25 {
		t.Fatalf("Weights()[0].Percent = %d after a caller changed its copy, want 25", got)
	}
	if after := overview.Combine(psa.ClientID{}, time.Time{}, scores); after.Score != before.Score || after.Coverage != before.Coverage {
		t.Fatalf("changing a copy of the weights changed a score from %d to %d", before.Score, after.Score)
	}
}
