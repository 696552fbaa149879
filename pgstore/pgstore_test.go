package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/examples/quickstart/journey"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/memstore"
	"github.com/psakit/psa/overview"
	"github.com/psakit/psa/pgstore"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
	"github.com/psakit/psa/staff"
	"github.com/psakit/psa/storetest"
)

// newHarness returns the runners of a store on a new, empty schema.
func newHarness(t *testing.T) storetest.Harness {
	s := pgstore.New(newSchema(t), nil)
	return storetest.Harness{
		Client:      pgstore.Runner[client.Tx](s),
		Contract:    pgstore.Runner[contract.Tx](s),
		ServiceDesk: pgstore.Runner[servicedesk.Tx](s),
		Invoice:     pgstore.Runner[invoice.Tx](s),
		Billing:     pgstore.Runner[billing.Tx](s),
		Portal:      pgstore.Runner[portal.Tx](s),
		Staff:       pgstore.Runner[staff.Tx](s),
	}
}

func TestConformance(t *testing.T) {
	if skipReason != "" {
		t.Skip(skipReason)
	}
	storetest.Run(t, newHarness)
}

// TestQuickstart runs the quickstart journey on PostgreSQL and on the in-memory store: the
// outputs are the same, and the invoice's amounts are in the typed columns exactly.
func TestQuickstart(t *testing.T) {
	pool := newSchema(t)
	s := pgstore.New(pool, nil)
	dir := t.TempDir()
	var onPG, inMemory bytes.Buffer
	if err := journey.Run(t.Context(), &onPG, dir, journey.Runners{
		Client:      pgstore.Runner[client.Tx](s),
		Contract:    pgstore.Runner[contract.Tx](s),
		ServiceDesk: pgstore.Runner[servicedesk.Tx](s),
		Invoice:     pgstore.Runner[invoice.Tx](s),
		Billing:     pgstore.Runner[billing.Tx](s),
		Portal:      pgstore.Runner[portal.Tx](s),
		Overview:    pgstore.Runner[overview.Tx](s),
	}); err != nil {
		t.Fatalf("journey on PostgreSQL: %v\noutput so far:\n%s", err, onPG.String())
	}
	m := memstore.New()
	if err := journey.Run(t.Context(), &inMemory, dir, journey.Runners{
		Client:      memstore.Runner[client.Tx](m),
		Contract:    memstore.Runner[contract.Tx](m),
		ServiceDesk: memstore.Runner[servicedesk.Tx](m),
		Invoice:     memstore.Runner[invoice.Tx](m),
		Billing:     memstore.Runner[billing.Tx](m),
		Portal:      memstore.Runner[portal.Tx](m),
		Overview:    memstore.Runner[overview.Tx](m),
	}); err != nil {
		t.Fatalf("journey in memory: %v", err)
	}
	if d := cmp.Diff(inMemory.String(), onPG.String()); d != "" {
		t.Errorf("journey output on PostgreSQL differs from the in-memory one (-memstore +pgstore):\n%s", d)
	}

	var total, cur, date string
	if err := pool.QueryRow(t.Context(), "SELECT total::text, currency, invoice_date::text FROM invoices WHERE number = $1",
		"INV-2026-01042").Scan(&total, &cur, &date); err != nil {
		t.Fatalf("reading the invoice's columns: %v", err)
	}
	if total != "789.93" || cur != "USD" || date != "2026-11-17" {
		t.Errorf("invoice columns: total %s %s dated %s; want 789.93 USD dated 2026-11-17", total, cur, date)
	}
}

// TestMigrate checks that Migrate is safe to run again and from several goroutines at once: each
// migration is applied once.
func TestMigrate(t *testing.T) {
	pool := newSchema(t) // migrated once already
	migrations, err := pgstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = pgstore.Migrate(t.Context(), pool) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent Migrate %d: %v", i, err)
		}
	}
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM psa_schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(migrations) {
		t.Errorf("psa_schema_migrations has %d rows; want %d, one per migration", n, len(migrations))
	}
}

// TestMigrateFresh runs Migrate from several goroutines on a schema that has no tables yet.
func TestMigrateFresh(t *testing.T) {
	pool := newSchema(t)
	// Every table of the schema: the migrations' and the migrations' record.
	if _, err := pool.Exec(t.Context(), `DO $$ DECLARE t text; BEGIN
		FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
			EXECUTE format('DROP TABLE %I CASCADE', t);
		END LOOP; END $$`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() { errs[i] = pgstore.Migrate(t.Context(), pool) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent Migrate %d on an empty schema: %v", i, err)
		}
	}
	s := pgstore.New(pool, nil)
	if err := s.Run(t.Context(), func(ctx context.Context, tx *pgstore.Tx) error {
		_, err := tx.ListClients(ctx, psa.PageRequest{})
		return err
	}); err != nil {
		t.Errorf("listing clients after the migration: %v", err)
	}
}

// TestRetries checks the runner's retry of serialization failures and deadlocks: a lost
// transaction runs again, at most MaxAttempts times, and then the error wraps psa.ErrConflict;
// other errors are returned at once, unchanged.
func TestRetries(t *testing.T) {
	s := pgstore.New(newSchema(t), &pgstore.Options{MaxAttempts: 3, MaxBackoff: time.Millisecond})
	lost := func(code string, times int) (func(ctx context.Context, tx *pgstore.Tx) error, *int) {
		calls := new(int)
		return func(ctx context.Context, tx *pgstore.Tx) error {
			*calls++
			if *calls <= times {
				return fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: code, Message: "lost"})
			}
			_, err := tx.ListClients(ctx, psa.PageRequest{})
			return err
		}, calls
	}
	for _, code := range []string{"40001", "40P01"} {
		fn, calls := lost(code, 2)
		if err := s.Run(t.Context(), fn); err != nil || *calls != 3 {
			t.Errorf("SQLSTATE %s twice: Run gave %v after %d calls; want nil after 3", code, err, *calls)
		}
		fn, calls = lost(code, 5)
		if err := s.Run(t.Context(), fn); !errors.Is(err, psa.ErrConflict) || *calls != 3 {
			t.Errorf("SQLSTATE %s every time: Run gave %v after %d calls; want psa.ErrConflict after 3", code, err, *calls)
		}
	}
	mine := errors.New("mine")
	calls := 0
	if err := s.Run(t.Context(), func(context.Context, *pgstore.Tx) error { calls++; return mine }); err != mine || calls != 1 {
		t.Errorf("fn's own error: Run gave %v after %d calls; want it unchanged after 1", err, calls)
	}

	// A real serialization failure: two transactions each read what the other writes.
	c1, c2 := client.Client{ID: psa.ClientID{UUID: uuid.New()}, Version: 1}, client.Client{ID: psa.ClientID{UUID: uuid.New()}, Version: 1}
	c1.Name, c2.Name = "One", "Two"
	if err := s.Run(t.Context(), func(ctx context.Context, tx *pgstore.Tx) error {
		return errors.Join(tx.CreateClient(ctx, c1), tx.CreateClient(ctx, c2))
	}); err != nil {
		t.Fatal(err)
	}
	read, proceed := make(chan struct{}, 2), make(chan struct{})
	var attempts [2]int
	var wg sync.WaitGroup
	for i, pair := range [][2]client.Client{{c1, c2}, {c2, c1}} {
		wg.Go(func() {
			err := s.Run(t.Context(), func(ctx context.Context, tx *pgstore.Tx) error {
				attempts[i]++
				other, err := tx.GetClient(ctx, pair[1].ID)
				if err != nil {
					return err
				}
				if attempts[i] == 1 {
					read <- struct{}{}
					<-proceed
				}
				mine, err := tx.GetClient(ctx, pair[0].ID)
				if err != nil {
					return err
				}
				mine.Notes = "saw " + other.Name + " at version " + fmt.Sprint(other.Version)
				return tx.UpdateClient(ctx, mine)
			})
			if err != nil {
				t.Errorf("transaction %d: %v", i, err)
			}
		})
	}
	<-read
	<-read
	close(proceed)
	wg.Wait()
	if attempts[0]+attempts[1] < 3 {
		t.Errorf("write skew: attempts %v; want one transaction retried", attempts)
	}
}

// TestDefaultContract checks the exclusion constraint behind "a client has at most one default
// contract in force on any day": a second overlapping one is a *contract.DefaultContractError
// naming the first, and the transaction goes on.
func TestDefaultContract(t *testing.T) {
	s := pgstore.New(newSchema(t), nil)
	clientID := psa.ClientID{UUID: uuid.New()}
	mk := func(start, end psa.Date, status contract.Status) contract.Contract {
		c := contract.Contract{ID: psa.ContractID{UUID: uuid.New()}, ClientID: clientID, Status: status, Version: 1}
		c.Name, c.Default, c.Start, c.End = "Default", true, start, end
		return c
	}
	first := mk(psa.NewDate(2026, 1, 1), psa.NewDate(2026, 12, 31), contract.StatusActive)
	next := mk(psa.NewDate(2027, 1, 1), psa.Date{}, contract.StatusDraft)
	overlapping := mk(psa.NewDate(2026, 12, 31), psa.Date{}, contract.StatusActive)
	expired := mk(psa.NewDate(2026, 6, 1), psa.NewDate(2026, 6, 30), contract.StatusExpired)
	err := s.Run(t.Context(), func(ctx context.Context, tx *pgstore.Tx) error {
		for _, c := range []contract.Contract{first, next, expired} {
			if err := tx.CreateContract(ctx, c); err != nil {
				return fmt.Errorf("creating %s to %s (%s): %w", c.Start, c.End, c.Status, err)
			}
		}
		err := tx.CreateContract(ctx, overlapping)
		if e, ok := errors.AsType[*contract.DefaultContractError](err); !ok || !errors.Is(err, psa.ErrPrecondition) || e.ClientID != clientID || (e.Current != first.ID && e.Current != next.ID) {
			t.Errorf("creating an overlapping default contract: got %v; want a *contract.DefaultContractError naming one in force", err)
		}
		page, err := tx.ListContracts(ctx, clientID, psa.PageRequest{})
		if err != nil {
			return fmt.Errorf("listing after the refused create: %w", err)
		}
		if len(page.Items) != 3 {
			t.Errorf("after the refused create, the client has %d contracts; want 3", len(page.Items))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestForeignKeys checks that parts, history entries and notes of unknown owners are refused
// with a *psa.NotFoundError naming the owner's kind.
func TestForeignKeys(t *testing.T) {
	s := pgstore.New(newSchema(t), nil)
	contractID := psa.ContractID{UUID: uuid.New()}
	err := s.Run(t.Context(), func(ctx context.Context, tx *pgstore.Tx) error {
		for what, err := range map[string]error{
			"CreatePart":    tx.CreatePart(ctx, contract.Part{ID: psa.PartID{UUID: uuid.New()}, ContractID: contractID, Version: 1}),
			"AppendHistory": tx.AppendHistory(ctx, contract.HistoryEntry{ContractID: contractID, Seq: 1, At: time.Now(), What: "created"}),
			"CreateNote":    tx.CreateNote(ctx, servicedesk.Note{ID: psa.NoteID{UUID: uuid.New()}, TicketID: psa.TicketID{UUID: uuid.New()}}),
		} {
			if e, ok := errors.AsType[*psa.NotFoundError](err); !ok || (e.Kind != "contract" && e.Kind != "ticket") {
				t.Errorf("%s of an unknown owner: got %v; want a *psa.NotFoundError for a contract or ticket", what, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRefusedValue checks that a value the database cannot hold (a NUL character, which JSONB
// refuses) is an error wrapping psa.ErrInvalid that leaves the transaction usable.
func TestRefusedValue(t *testing.T) {
	s := pgstore.New(newSchema(t), nil)
	bad := client.Client{ID: psa.ClientID{UUID: uuid.New()}, Version: 1}
	bad.Name = "Nul\x00Corp"
	good := client.Client{ID: psa.ClientID{UUID: uuid.New()}, Version: 1}
	good.Name = "Good Corp"
	err := s.Run(t.Context(), func(ctx context.Context, tx *pgstore.Tx) error {
		if err := tx.CreateClient(ctx, bad); !errors.Is(err, psa.ErrInvalid) {
			t.Errorf("CreateClient with a NUL character: got %v; want an error wrapping psa.ErrInvalid", err)
		}
		return tx.CreateClient(ctx, good)
	})
	if err != nil {
		t.Fatalf("creating a client after a refused one in the same transaction: %v", err)
	}
}
