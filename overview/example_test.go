package overview_test

import (
	"context"
	"fmt"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/overview"
)

// ExampleService_View reads a client's 360 view and health score; the host supplies no signals,
// so endpoints, security, backups and communications are reported missing.
func ExampleService_View() {
	ctx := context.Background()
	store := memstore.New()
	opts := psa.Options{Now: func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }}
	clients := client.NewService(memstore.Runner[client.Tx](store), &client.Options{Options: opts})
	acme, err := clients.Create(ctx, client.NewClient{Profile: client.Profile{Name: "Acme"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := clients.AddContact(ctx, acme.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Ann", LastName: "Lee", Email: "ann@acme.example"}}); err != nil {
		fmt.Println(err)
		return
	}

	views := overview.NewService(memstore.Runner[overview.Tx](store), &overview.Options{Options: opts})
	v, err := views.View(ctx, acme.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(v)
	h, err := views.Health(ctx, acme.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Score, h.Coverage, h.Missing())
	// Output:
	// Acme (active)
	//   contacts:  1 (1 active), 0 sub-organizations, 0 assets
	//   tickets:   0 open, 0 resolved, 0 closed
	//   invoices:  0 (no billing currency)
	//   portal:    0 contacts with access
	//   SLA:       no policy applies
	// 88 40 [endpoints security backups communications]
}
