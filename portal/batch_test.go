package portal_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/portal"
)

// TestBatchEnableChecksBeforeWriting: a batch with username conflicts (two contacts of the batch
// with one e-mail address, a contact whose address is another contact's username) is refused
// with one error listing every conflict, before anything is written: a store such as PostgreSQL
// aborts a transaction at its first failed write, so the batch must not attempt one.
func TestBatchEnableChecksBeforeWriting(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.newContact(acme, "Ann", "ann@acme.example")
	bob := w.newContact(acme, "Bob", "shared@acme.example")
	cid := w.newContact(acme, "Cid", "cid@acme.example")
	dan := w.newContact(acme, "Dan", "SHARED@acme.example")
	eve := w.newContact(acme, "Eve", "eve@acme.example")
	holder := w.newContact(acme, "Hal", "hal@acme.example")
	_, err := w.portal.Enable(w.ctx, holder.ID, portal.Access{Username: "eve@acme.example"})
	require.NoError(t, err)

	faulty := memstore.NewFaulty(w.store)
	var mu sync.Mutex
	var writes []string
	faulty.Inject(func(_ int, op string) error {
		if strings.HasPrefix(op, "Create") || strings.HasPrefix(op, "Update") || strings.HasPrefix(op, "Delete") {
			mu.Lock()
			writes = append(writes, op)
			mu.Unlock()
		}
		return nil
	})
	svc, err := portal.NewService(memstore.FaultyRunner[portal.Tx](faulty), &portal.Options{Options: psa.Options{Now: w.clock.Now}, Hasher: w.hasher, Notifier: w.mail})
	require.NoError(t, err)
	sent := w.mail.count()

	_, err = svc.BatchEnable(w.ctx, []psa.ContactID{ann.ID, bob.ID, cid.ID, dan.ID, eve.ID}, portal.RoleID{}, true)
	ve, ok := errors.AsType[*psa.ValidationError](err)
	require.True(t, ok, "got %T %v", err, err)
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	diff(t, []string{"contacts[3].username", "contacts[4].username"}, fields, "conflicts")
	require.Contains(t, ve.Fields[0].Reason, "contacts[1]", "the conflict names the other contact of the batch")
	require.Empty(t, writes, "the refused batch attempted writes")
	require.Equal(t, sent, w.mail.count())
	with, err := w.portal.Contacts(w.ctx, acme.ID, portal.WithAccess)
	require.NoError(t, err)
	require.Len(t, with, 1, "only Hal has access")

	// Without the conflicts the batch goes through.
	_, err = svc.BatchEnable(w.ctx, []psa.ContactID{ann.ID, bob.ID, cid.ID}, portal.RoleID{}, true)
	require.NoError(t, err)
	require.NotEmpty(t, writes)
}
