package client_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/memstore"
)

func ids(cs ...client.Client) []psa.ClientID {
	out := make([]psa.ClientID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func names(cs []client.Client) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func TestSetParent(t *testing.T) {
	e := newEnv(t)
	parent := e.named(t, "Parent")
	c := e.named(t, "Branch")

	got, err := e.svc.SetParent(t.Context(), c.ID, c.Version, parent.ID, true)
	require.NoError(t, err)
	want := c
	want.ParentID, want.BillToParent, want.Version = parent.ID, true, 2
	diff(t, want, got, "returned client")
	diff(t, want, e.get(t, c.ID), "stored client")
	require.True(t, got.HasParent())

	kids, err := e.svc.Descendants(t.Context(), parent.ID)
	require.NoError(t, err)
	diff(t, []psa.ClientID{c.ID}, ids(kids...), "descendants of the parent")

	// Back to a top-level client.
	got, err = e.svc.SetParent(t.Context(), c.ID, got.Version, psa.ClientID{}, false)
	require.NoError(t, err)
	require.False(t, got.HasParent())
	require.False(t, got.BillToParent)
	kids, err = e.svc.Descendants(t.Context(), parent.ID)
	require.NoError(t, err)
	require.Empty(t, kids)
}

func TestBillToParentRequiresParent(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")

	_, err := e.svc.SetParent(t.Context(), c.ID, c.Version, psa.ClientID{}, true)
	diff(t, []field{{"billToParent", "true"}}, validationFields(t, err), "SetParent fields")
	diff(t, c, e.get(t, c.ID), "stored client")

	_, err = e.svc.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "Orphan"}, BillToParent: true})
	diff(t, []field{{"billToParent", "true"}}, validationFields(t, err), "Create fields")
	diff(t, []client.Client{c}, e.clients(t), "stored clients")
}

func TestSetParentUnknownParent(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	_, err := e.svc.SetParent(t.Context(), c.ID, c.Version, clientID(42), false)
	require.ErrorIs(t, err, psa.ErrNotFound)
	diff(t, c, e.get(t, c.ID), "stored client")
}

// TestSetParentCycle checks that a parent that would make a client its own ancestor is refused
// with a *client.CycleError carrying the path, and that nothing changes.
func TestSetParentCycle(t *testing.T) {
	tests := []struct {
		name string
		// run builds a tree and returns the client, the proposed parent and the expected path.
		run func(t *testing.T, e *env) (child, parent client.Client, path []psa.ClientID)
	}{
		{"self as parent", func(t *testing.T, e *env) (client.Client, client.Client, []psa.ClientID) {
			a := e.named(t, "A")
			return a, a, []psa.ClientID{a.ID}
		}},
		{"child as parent", func(t *testing.T, e *env) (client.Client, client.Client, []psa.ClientID) {
			a := e.named(t, "A")
			b := e.sub(t, "B", a.ID, false)
			return e.get(t, a.ID), b, []psa.ClientID{b.ID, a.ID}
		}},
		{"A->B->C, then C's parent := A", func(t *testing.T, e *env) (client.Client, client.Client, []psa.ClientID) {
			// A's parent is B, B's parent is C (arrows point to the parent).
			c := e.named(t, "C")
			b := e.sub(t, "B", c.ID, true)
			a := e.sub(t, "A", b.ID, true)
			return e.get(t, c.ID), a, []psa.ClientID{a.ID, b.ID, c.ID}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			child, parent, path := tt.run(t, e)
			before := e.clients(t)

			_, err := e.svc.SetParent(t.Context(), child.ID, child.Version, parent.ID, false)
			require.ErrorIs(t, err, psa.ErrInvalid)
			ce, ok := errors.AsType[*client.CycleError](err)
			require.True(t, ok, "error is a *client.CycleError: %v", err)
			diff(t, &client.CycleError{Client: child.ID, Parent: parent.ID, Path: path}, ce, "cycle")
			require.Contains(t, err.Error(), child.ID.String())
			diff(t, before, e.clients(t), "stored clients")
		})
	}
}

// chain creates n clients, each the parent of the next, and returns them root first: the client
// at index i has i ancestors.
func chain(t *testing.T, e *env, prefix string, n int) []client.Client {
	t.Helper()
	out := []client.Client{e.named(t, prefix+"0")}
	for i := 1; i < n; i++ {
		out = append(out, e.sub(t, fmt.Sprintf("%s%d", prefix, i), out[i-1].ID, false))
	}
	return out
}

// TestMaxDepth checks that no client gets more than client.MaxDepth ancestors.
func TestMaxDepth(t *testing.T) {
	e := newEnv(t)
	cs := chain(t, e, "level", client.MaxDepth+1) // the last one has MaxDepth ancestors
	deepest := cs[len(cs)-1]

	anc, err := client.Ancestors(t.Context(), txStore(t, e), deepest.ID)
	require.NoError(t, err)
	require.Len(t, anc, client.MaxDepth)

	_, err = e.svc.Create(t.Context(), client.NewClient{Profile: client.Profile{Name: "too deep"}, ParentID: deepest.ID})
	require.ErrorIs(t, err, psa.ErrPrecondition)
	_, ok := errors.AsType[*psa.PreconditionError](err)
	require.True(t, ok, "error is a *psa.PreconditionError: %v", err)

	loose := e.named(t, "loose")
	_, err = e.svc.SetParent(t.Context(), loose.ID, loose.Version, deepest.ID, false)
	require.ErrorIs(t, err, psa.ErrPrecondition)
	diff(t, loose, e.get(t, loose.ID), "stored client")

	_, err = e.svc.SetParent(t.Context(), loose.ID, loose.Version, cs[len(cs)-2].ID, false)
	require.NoError(t, err, "a parent with MaxDepth-1 ancestors is fine")
}

// TestMaxDepthMovingASubtree checks that moving a client with sub-organizations under a new
// parent cannot give its sub-organizations more than client.MaxDepth ancestors.
func TestMaxDepthMovingASubtree(t *testing.T) {
	e := newEnv(t)
	upper := chain(t, e, "upper", 20) // upper19 has 19 ancestors
	lower := chain(t, e, "lower", 20) // lower19 has 19 ancestors below lower0

	root := lower[0]
	// lower0 under upper19 would have 20 ancestors, but lower19 would have 39 > MaxDepth.
	_, err := e.svc.SetParent(t.Context(), root.ID, root.Version, upper[19].ID, false)
	if err == nil {
		for _, c := range e.clients(t) {
			anc, err := client.Ancestors(t.Context(), txStore(t, e), c.ID)
			require.NoErrorf(t, err, "after the move, %s has more than %d ancestors", c.Name, client.MaxDepth)
			require.LessOrEqual(t, len(anc), client.MaxDepth, c.Name)
		}
		return
	}
	require.ErrorIs(t, err, psa.ErrPrecondition)
	diff(t, root, e.get(t, root.ID), "stored client")
}

// txStore returns a client.ClientStore reading the committed state of e's store (for the
// package-level functions Ancestors, BillTo and Descendants).
func txStore(t *testing.T, e *env) client.ClientStore {
	t.Helper()
	return storeFunc{e: e}
}

// storeFunc runs each read in a transaction of its own.
type storeFunc struct{ e *env }

func (s storeFunc) GetClient(ctx context.Context, id psa.ClientID) (c client.Client, err error) {
	err = s.e.store.Run(ctx, func(ctx context.Context, tx *memstore.Tx) error {
		c, err = tx.GetClient(ctx, id)
		return err
	})
	return c, err
}

func (s storeFunc) FindClientByExternalID(ctx context.Context, ext string) (c client.Client, err error) {
	err = s.e.store.Run(ctx, func(ctx context.Context, tx *memstore.Tx) error {
		c, err = tx.FindClientByExternalID(ctx, ext)
		return err
	})
	return c, err
}

func (s storeFunc) CreateClient(ctx context.Context, c client.Client) error {
	return s.e.store.Run(ctx, func(ctx context.Context, tx *memstore.Tx) error { return tx.CreateClient(ctx, c) })
}

func (s storeFunc) UpdateClient(ctx context.Context, c client.Client) error {
	return s.e.store.Run(ctx, func(ctx context.Context, tx *memstore.Tx) error { return tx.UpdateClient(ctx, c) })
}

func (s storeFunc) ListClients(ctx context.Context, page psa.PageRequest) (p psa.Page[client.Client], err error) {
	err = s.e.store.Run(ctx, func(ctx context.Context, tx *memstore.Tx) error {
		p, err = tx.ListClients(ctx, page)
		return err
	})
	return p, err
}

func (s storeFunc) ListSubOrganizations(ctx context.Context, parent psa.ClientID) (cs []client.Client, err error) {
	err = s.e.store.Run(ctx, func(ctx context.Context, tx *memstore.Tx) error {
		cs, err = tx.ListSubOrganizations(ctx, parent)
		return err
	})
	return cs, err
}

func TestAncestors(t *testing.T) {
	e := newEnv(t)
	cs := chain(t, e, "c", 4)
	anc, err := client.Ancestors(t.Context(), txStore(t, e), cs[3].ID)
	require.NoError(t, err)
	diff(t, []string{"c2", "c1", "c0"}, names(anc), "ancestors, nearest first")

	anc, err = client.Ancestors(t.Context(), txStore(t, e), cs[0].ID)
	require.NoError(t, err)
	require.Empty(t, anc)
}

// TestDescendants checks the breadth-first walk over three levels of sub-organizations. The tree
// is created depth first, so creation order (which is ID order) differs from the expected order.
func TestDescendants(t *testing.T) {
	e := newEnv(t)
	root := e.named(t, "root")
	c1 := e.sub(t, "child 1", root.ID, false)
	g1 := e.sub(t, "grandchild 1.1", c1.ID, true)
	gg1 := e.sub(t, "great-grandchild 1.1.1", g1.ID, false)
	c2 := e.sub(t, "child 2", root.ID, true)
	g2 := e.sub(t, "grandchild 2.1", c2.ID, false)
	e.sub(t, "grandchild 1.2", c1.ID, false)
	other := e.named(t, "unrelated")
	e.sub(t, "unrelated child", other.ID, false)

	tests := []struct {
		name string
		of   client.Client
		want []string
	}{
		{"root: breadth first, children in listing order", root, []string{
			"child 1", "child 2", "grandchild 1.1", "grandchild 1.2", "grandchild 2.1", "great-grandchild 1.1.1",
		}},
		{"middle", c1, []string{"grandchild 1.1", "grandchild 1.2", "great-grandchild 1.1.1"}},
		{"leaf", gg1, nil},
		{"other leaf", g2, nil},
		{"one child", g1, []string{"great-grandchild 1.1.1"}},
		{"other branch", c2, []string{"grandchild 2.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.svc.Descendants(t.Context(), tt.of.ID)
			require.NoError(t, err)
			diff(t, tt.want, names(got), "descendants")
			fn, err := client.Descendants(t.Context(), txStore(t, e), tt.of.ID)
			require.NoError(t, err)
			diff(t, got, fn, "function and service agree")
		})
	}

	_, err := e.svc.Descendants(t.Context(), clientID(77))
	require.ErrorIs(t, err, psa.ErrNotFound)
}

// TestBillTo checks that a client's work is billed up the chain while each link bills to its
// parent, and stops at the first link that does not.
func TestBillTo(t *testing.T) {
	e := newEnv(t)
	// top <-bills- mid <-bills- low <-own- own <-bills- leaf
	top := e.named(t, "top")
	mid := e.sub(t, "mid", top.ID, true)
	low := e.sub(t, "low", mid.ID, true)
	own := e.sub(t, "own", low.ID, false)
	leaf := e.sub(t, "leaf", own.ID, true)
	lone := e.named(t, "lone")

	tests := []struct {
		name string
		of   client.Client
		want client.Client
	}{
		{"top-level client bills itself", top, top},
		{"sub-organization billed to its parent", mid, top},
		{"two links billed to their parents", low, top},
		{"link not billed to its parent bills itself", own, own},
		{"chain stops where a link does not bill to its parent", leaf, own},
		{"client without parent", lone, lone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.svc.BillTo(t.Context(), tt.of.ID)
			require.NoError(t, err)
			diff(t, e.get(t, tt.want.ID), got, "bill-to client")
		})
	}

	_, err := e.svc.BillTo(t.Context(), clientID(5))
	require.ErrorIs(t, err, psa.ErrNotFound)
}

// TestLoopInStoredTree checks that walks up and down the tree stay bounded over inconsistent
// data: a loop written straight into the store (by a faulty import, say).
func TestLoopInStoredTree(t *testing.T) {
	e := newEnv(t)
	a := e.named(t, "A")
	b := e.sub(t, "B", a.ID, true)
	err := e.store.Run(t.Context(), func(ctx context.Context, tx *memstore.Tx) error {
		c, err := tx.GetClient(ctx, a.ID)
		if err != nil {
			return err
		}
		c.ParentID, c.BillToParent = b.ID, true
		return tx.UpdateClient(ctx, c)
	})
	require.NoError(t, err)

	_, err = client.Ancestors(t.Context(), txStore(t, e), b.ID)
	require.ErrorIs(t, err, psa.ErrInvalid)
	ce, ok := errors.AsType[*client.CycleError](err)
	require.True(t, ok, "error is a *client.CycleError: %v", err)
	require.Equal(t, b.ID, ce.Client)

	_, err = e.svc.BillTo(t.Context(), b.ID)
	require.ErrorIs(t, err, psa.ErrPrecondition, "a looping bill-to chain ends at MaxDepth")

	got, err := e.svc.Descendants(t.Context(), a.ID)
	require.NoError(t, err)
	diff(t, []string{"B"}, names(got), "descendants of a loop, each once")

	err = e.svc.RequireBillingInfo(t.Context(), "bill", b.ID)
	require.ErrorIs(t, err, psa.ErrPrecondition)
}
