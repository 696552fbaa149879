package memstore_test

import (
	"context"
	"testing"

	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
)

// BenchmarkReadTransaction measures a transaction that reads one client: the fixed cost of a
// transaction on the embedded store.
func BenchmarkReadTransaction(b *testing.B) {
	s := memstore.New()
	clients := client.NewService(memstore.Runner[client.Tx](s), nil)
	c, err := clients.Create(b.Context(), client.NewClient{Profile: client.Profile{Name: "Acme"}})
	if err != nil {
		b.Fatal(err)
	}
	run := memstore.Runner[client.Tx](s)
	read := func(ctx context.Context, tx client.Tx) error {
		_, err := tx.GetClient(ctx, c.ID)
		return err
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := run(b.Context(), read); err != nil {
			b.Fatal(err)
		}
	}
}
