package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// timeout bounds every wait of the suite on another goroutine, so that a store that deadlocks
// fails the case instead of hanging the test binary.
const timeout = 10 * time.Second

// ts0 is the instant fixtures are stamped with. It has microsecond precision, the finest that
// common databases keep.
var ts0 = time.Date(2025, time.March, 14, 9, 26, 53, 589_793_000, time.UTC)

// cmpOptions compare stored values by meaning: amounts by value and currency (95.5 EUR equals
// 95.50 EUR), decimals by value (10.0 equals 10), instants by Equal, dates, currencies and
// payment terms by ==, and a nil slice or map equal to an empty one.
var cmpOptions = cmp.Options{
	cmp.Comparer(func(a, b psa.Money) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b psa.Date) bool { return a == b }),
	cmp.Comparer(func(a, b psa.PaymentTerms) bool { return a == b }),
	cmp.Comparer(func(a, b currency.Unit) bool { return a == b }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.FilterValues(func(x, y any) bool {
		vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
		if !vx.IsValid() || !vy.IsValid() || vx.Type() != vy.Type() {
			return false
		}
		k := vx.Kind()
		return (k == reflect.Slice || k == reflect.Map) && vx.Len() == 0 && vy.Len() == 0
	}, cmp.Comparer(func(_, _ any) bool { return true })),
}

// diff reports (with t.Errorf) a difference between want and got, naming what was compared.
func diff[T any](t *testing.T, what string, want, got T) bool {
	t.Helper()
	if d := cmp.Diff(want, got, cmpOptions); d != "" {
		t.Errorf("%s: stored value differs (-want +got):\n%s", what, d)
		return false
	}
	return true
}

// newID returns a new time-ordered (UUIDv7) identifier.
func newID[T psa.ID](t *testing.T) T {
	t.Helper()
	id, err := psa.NewID[T](nil)
	if err != nil {
		t.Fatalf("storetest: new identifier: %v", err)
	}
	return id
}

// randomID returns a random (UUIDv4) identifier, so that ID order is not creation order.
func randomID[T psa.ID]() T { return T{uuid.New()} }

// mixedID returns a UUIDv7 identifier for even i and a random one for odd i.
func mixedID[T psa.ID](t *testing.T, i int) T {
	t.Helper()
	if i%2 == 0 {
		return newID[T](t)
	}
	return randomID[T]()
}

// uuidOf returns the UUID of a typed identifier.
func uuidOf[T psa.ID](id T) uuid.UUID { return struct{ uuid.UUID }(id).UUID }

// ascending sorts ids by their bytes, the order every listing of the stores uses.
func ascending(ids []uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return out
}

// money parses amount in code, failing the test on error.
func money(t *testing.T, amount, code string) psa.Money {
	t.Helper()
	m, err := psa.ParseMoney(amount, code)
	if err != nil {
		t.Fatalf("storetest: money %s %s: %v", amount, code, err)
	}
	return m
}

// newClient returns a client with only what every client has: name, status, timestamps and
// Version 1.
func newClient(id psa.ClientID, name string) client.Client {
	return client.Client{
		ID:        id,
		Profile:   client.Profile{Name: name},
		Status:    client.StatusActive,
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullClient returns a client with every field set: a parent, a primary contact, complete billing
// information in EUR on net 30 terms, an account team and settings with every slice non-empty.
// Its first rate override is rate EUR. recipients must hold at least two contact IDs.
func fullClient(t *testing.T, id, parent psa.ClientID, primary psa.ContactID, recipients []psa.ContactID, rate string) client.Client {
	t.Helper()
	net30, err := psa.NetDays(30)
	if err != nil {
		t.Fatalf("storetest: net 30: %v", err)
	}
	return client.Client{
		ID: id,
		Profile: client.Profile{
			Name:          "Contoso Fertigung GmbH",
			Address:       psa.Address{Line1: "Industriestraße 7", Line2: "Halle 3", City: "Stuttgart", Region: "BW", PostalCode: "70565", Country: "DE"},
			Phone:         "+49 711 123456",
			Website:       "https://contoso.example",
			Industry:      "Manufacturing",
			EmployeeCount: 240,
		},
		Status:           client.StatusProspect,
		Notes:            "Night shift on site; call before 06:00.\nKey safe code with the account manager.",
		ExternalID:       "crm-" + id.String(),
		ParentID:         parent,
		BillToParent:     true,
		PrimaryContactID: primary,
		Billing: client.BillingInfo{
			Address:         psa.Address{Line1: "Postfach 10 20 30", City: "Stuttgart", PostalCode: "70173", Country: "DE"},
			Attention:       "Kreditorenbuchhaltung",
			InvoiceEmail:    "ap@contoso.example",
			TaxRegion:       "DE-BW",
			TaxID:           "DE123456789",
			Currency:        currency.EUR,
			PaymentTerms:    net30,
			InvoiceTemplate: "eu-standard",
		},
		AccountManager: newID[psa.StaffID](t),
		AccountTeam:    []psa.StaffID{randomID[psa.StaffID](), newID[psa.StaffID](t)},
		Settings: client.Settings{
			SelfManagedProfile:     true,
			SLAPolicyID:            newID[psa.SLAPolicyID](t),
			CalendarID:             newID[psa.CalendarID](t),
			PortalTicketCategories: []string{"Hardware", "Software", "Network"},
			NotificationRules: []client.NotificationRule{
				{Event: client.EventTicketCreated, ContactIDs: slices.Clone(recipients)},
				{Event: client.EventInvoiceIssued, Off: true, ContactIDs: slices.Clone(recipients[:1])},
			},
			RateOverrides: []client.RateOverride{
				{WorkType: "remote support", Rate: money(t, rate, "EUR")},
				{Role: "senior engineer", Rate: money(t, "140", "EUR")},
			},
			AutoAssign: client.AutoAssign{QueueID: newID[psa.QueueID](t)},
		},
		CreatedAt: ts0,
		UpdatedAt: ts0.Add(90*time.Minute + 7*time.Microsecond),
		Version:   1,
	}
}

// deepCopy returns a copy of c that shares no memory with it.
func deepCopy(c client.Client) client.Client {
	c.AccountTeam = slices.Clone(c.AccountTeam)
	c.Settings.PortalTicketCategories = slices.Clone(c.Settings.PortalTicketCategories)
	c.Settings.RateOverrides = slices.Clone(c.Settings.RateOverrides)
	c.Settings.NotificationRules = slices.Clone(c.Settings.NotificationRules)
	for i := range c.Settings.NotificationRules {
		c.Settings.NotificationRules[i].ContactIDs = slices.Clone(c.Settings.NotificationRules[i].ContactIDs)
	}
	return c
}

// scribble overwrites, in place, every element of every slice c holds, as a careless caller
// might after handing c to a store or getting it from one.
func scribble(t *testing.T, c *client.Client) {
	for i := range c.AccountTeam {
		c.AccountTeam[i] = randomID[psa.StaffID]()
	}
	s := &c.Settings
	for i := range s.PortalTicketCategories {
		s.PortalTicketCategories[i] = "scribbled"
	}
	for i := range s.NotificationRules {
		s.NotificationRules[i].Event = "scribbled"
		s.NotificationRules[i].Off = !s.NotificationRules[i].Off
		for j := range s.NotificationRules[i].ContactIDs {
			s.NotificationRules[i].ContactIDs[j] = randomID[psa.ContactID]()
		}
	}
	for i := range s.RateOverrides {
		s.RateOverrides[i].WorkType = "scribbled"
		s.RateOverrides[i].Rate = money(t, "0.01", "EUR")
	}
}

// newContact returns a contact of owner with only a name, Active false and Version 1.
func newContact(id psa.ContactID, owner psa.ClientID, last string) client.Contact {
	return client.Contact{
		ID:          id,
		ClientID:    owner,
		ContactInfo: client.ContactInfo{LastName: last},
		CreatedAt:   ts0,
		UpdatedAt:   ts0,
		Version:     1,
	}
}

// fullContact returns a contact of owner with every field set.
func fullContact(id psa.ContactID, owner psa.ClientID, externalID string) client.Contact {
	return client.Contact{
		ID:       id,
		ClientID: owner,
		ContactInfo: client.ContactInfo{
			FirstName:      "Ana",
			LastName:       "Müller-Lüdenscheidt",
			Email:          "ana.mueller@contoso.example",
			Phone:          "+49 711 123456-12",
			Mobile:         "+49 170 1234567",
			CompanyContact: "ext. 12",
			JobTitle:       "Head of IT",
			Role:           "technical",
		},
		Active:     true,
		ExternalID: externalID,
		CreatedAt:  ts0,
		UpdatedAt:  ts0.Add(time.Hour + time.Microsecond),
		Version:    1,
	}
}

// newAsset returns an asset of owner with only a kind, a name and Version 1.
func newAsset(id psa.AssetID, owner psa.ClientID, name string) client.Asset {
	return client.Asset{
		ID:        id,
		ClientID:  owner,
		AssetInfo: client.AssetInfo{Kind: client.AssetWorkstation, Name: name},
		CreatedAt: ts0,
		UpdatedAt: ts0,
		Version:   1,
	}
}

// fullAsset returns an asset of owner with every field set.
func fullAsset(t *testing.T, id psa.AssetID, owner psa.ClientID, externalID string) client.Asset {
	t.Helper()
	return client.Asset{
		ID:       id,
		ClientID: owner,
		AssetInfo: client.AssetInfo{
			Kind:           client.AssetServer,
			Name:           "SRV-DC01",
			SerialNumber:   "CZJ1234XYZ",
			ServiceLevelID: newID[psa.SLAPolicyID](t),
			Retired:        true,
		},
		ExternalID: externalID,
		CreatedAt:  ts0,
		UpdatedAt:  ts0.Add(2*time.Hour + 3*time.Microsecond),
		Version:    1,
	}
}

// inTx runs fn in one transaction of run with t's context and fails the test when the
// transaction fails.
func inTx[X any](t *testing.T, run psa.Runner[X], what string, fn func(ctx context.Context, tx X) error) {
	t.Helper()
	if err := run(t.Context(), fn); err != nil {
		t.Fatalf("%s: transaction failed: %v", what, err)
	}
}

// create stores clients, contacts and assets (in that order) in one transaction.
func create(t *testing.T, run psa.Runner[client.Tx], clients []client.Client, contacts []client.Contact, assets []client.Asset) {
	t.Helper()
	inTx(t, run, "setting up", func(ctx context.Context, tx client.Tx) error {
		for _, c := range clients {
			if err := tx.CreateClient(ctx, c); err != nil {
				return fmt.Errorf("CreateClient %s: %w", c.ID, err)
			}
		}
		for _, c := range contacts {
			if err := tx.CreateContact(ctx, c); err != nil {
				return fmt.Errorf("CreateContact %s: %w", c.ID, err)
			}
		}
		for _, a := range assets {
			if err := tx.CreateAsset(ctx, a); err != nil {
				return fmt.Errorf("CreateAsset %s: %w", a.ID, err)
			}
		}
		return nil
	})
}

// read runs get in its own transaction of run and returns its result.
func read[X, T any](t *testing.T, run psa.Runner[X], get func(ctx context.Context, tx X) (T, error)) (T, error) {
	t.Helper()
	var v T
	err := run(t.Context(), func(ctx context.Context, tx X) error {
		var err error
		v, err = get(ctx, tx)
		return err
	})
	return v, err
}

// mustRead is read that fails the test on error.
func mustRead[X, T any](t *testing.T, run psa.Runner[X], what string, get func(ctx context.Context, tx X) (T, error)) T {
	t.Helper()
	v, err := read(t, run, get)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// wantNotFound reports an error unless err wraps psa.ErrNotFound and is a *psa.NotFoundError.
func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	switch {
	case !errors.Is(err, psa.ErrNotFound):
		t.Errorf("%s: got error %v, want one wrapping psa.ErrNotFound", what, err)
	case !isType[*psa.NotFoundError](err):
		t.Errorf("%s: error %q wraps psa.ErrNotFound but is not a *psa.NotFoundError", what, err)
	}
}

// wantAlreadyExists reports an error unless err wraps psa.ErrAlreadyExists and is a
// *psa.AlreadyExistsError.
func wantAlreadyExists(t *testing.T, what string, err error) {
	t.Helper()
	switch {
	case !errors.Is(err, psa.ErrAlreadyExists):
		t.Errorf("%s: got error %v, want one wrapping psa.ErrAlreadyExists", what, err)
	case !isType[*psa.AlreadyExistsError](err):
		t.Errorf("%s: error %q wraps psa.ErrAlreadyExists but is not a *psa.AlreadyExistsError", what, err)
	}
}

// wantInvalid reports an error unless err wraps psa.ErrInvalid.
func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, psa.ErrInvalid) {
		t.Errorf("%s: got error %v, want one wrapping psa.ErrInvalid", what, err)
	}
}

// wantBadCursor reports an error unless err wraps psa.ErrBadCursor (and so psa.ErrInvalid).
func wantBadCursor(t *testing.T, what string, err error) {
	t.Helper()
	switch {
	case !errors.Is(err, psa.ErrInvalid):
		t.Errorf("%s: got error %v, want one wrapping psa.ErrBadCursor and psa.ErrInvalid", what, err)
	case !errors.Is(err, psa.ErrBadCursor):
		t.Errorf("%s: error %q wraps psa.ErrInvalid but not psa.ErrBadCursor", what, err)
	}
}

func isType[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

// lister returns one page of a listing for req.
type lister[T any] func(req psa.PageRequest) (psa.Page[T], error)

// maxPages bounds a walk, so that a store that never ends a listing fails instead of looping.
const maxPages = 1000

// walk lists every page of a listing with limit, passing each page's Next back, and returns all
// items. It reports pages larger than the limit allows and a cursor given twice.
func walk[T any](t *testing.T, what string, limit int, list lister[T]) []T {
	t.Helper()
	most := limit
	switch {
	case limit == 0:
		most = psa.DefaultPageLimit
	case limit > psa.MaxPageLimit:
		most = psa.MaxPageLimit
	}
	var all []T
	seen := map[string]bool{}
	req := psa.PageRequest{Limit: limit}
	for n := 1; ; n++ {
		if n > maxPages {
			t.Fatalf("%s: listing did not end after %d pages (Next is never empty)", what, maxPages)
		}
		page, err := list(req)
		if err != nil {
			t.Fatalf("%s: page %d (cursor %q): %v", what, n, req.Cursor, err)
		}
		if len(page.Items) > most {
			t.Errorf("%s: page %d has %d items, more than the limit %d allows (%d)", what, n, len(page.Items), limit, most)
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		if seen[page.Next] {
			t.Fatalf("%s: page %d returned cursor %q a second time", what, n, page.Next)
		}
		seen[page.Next] = true
		req.Cursor = page.Next
	}
}

// eachPageInTx returns a lister that runs list in a transaction of its own for every page, as a
// host serving pages to a client application does.
func eachPageInTx[X, T any](t *testing.T, run psa.Runner[X], list func(ctx context.Context, tx X, req psa.PageRequest) (psa.Page[T], error)) lister[T] {
	return func(req psa.PageRequest) (psa.Page[T], error) {
		var p psa.Page[T]
		err := run(t.Context(), func(ctx context.Context, tx X) error {
			var err error
			p, err = list(ctx, tx, req)
			return err
		})
		return p, err
	}
}

// inThisTx returns a lister that lists in tx.
func inThisTx[X, T any](ctx context.Context, tx X, list func(ctx context.Context, tx X, req psa.PageRequest) (psa.Page[T], error)) lister[T] {
	return func(req psa.PageRequest) (psa.Page[T], error) { return list(ctx, tx, req) }
}

// listClients, listContactsOf and listAssetsOf adapt the store methods to lister form.
func listClients(ctx context.Context, tx client.Tx, req psa.PageRequest) (psa.Page[client.Client], error) {
	return tx.ListClients(ctx, req)
}

func listContactsOf(owner psa.ClientID) func(ctx context.Context, tx client.Tx, req psa.PageRequest) (psa.Page[client.Contact], error) {
	return func(ctx context.Context, tx client.Tx, req psa.PageRequest) (psa.Page[client.Contact], error) {
		return tx.ListContacts(ctx, owner, req)
	}
}

func listAssetsOf(owner psa.ClientID) func(ctx context.Context, tx client.Tx, req psa.PageRequest) (psa.Page[client.Asset], error) {
	return func(ctx context.Context, tx client.Tx, req psa.PageRequest) (psa.Page[client.Asset], error) {
		return tx.ListAssets(ctx, owner, req)
	}
}

// wantIDs reports an error unless got lists exactly the IDs want, each once, in ascending byte
// order.
func wantIDs[T any, K psa.ID](t *testing.T, what string, got []T, id func(T) K, want []K) {
	t.Helper()
	gotIDs := make([]string, len(got))
	for i, v := range got {
		gotIDs[i] = id(v).String()
	}
	u := make([]uuid.UUID, len(want))
	for i, k := range want {
		u[i] = uuidOf(k)
	}
	wantIDs := make([]string, len(want))
	for i, k := range ascending(u) {
		wantIDs[i] = k.String()
	}
	if d := cmp.Diff(wantIDs, gotIDs); d != "" {
		t.Errorf("%s: want every ID exactly once in ascending order; got %d items (-want +got):\n%s", what, len(got), d)
	}
}

func clientID(c client.Client) psa.ClientID    { return c.ID }
func contactID(c client.Contact) psa.ContactID { return c.ID }
func assetID(a client.Asset) psa.AssetID       { return a.ID }
