package client

import (
	"context"
	"fmt"
	"strings"

	"github.com/psakit/psa"
)

// MaxDepth bounds the parent / sub-organization tree: a client may have at most MaxDepth
// ancestors. It keeps every walk up or down the tree bounded even over inconsistent data.
const MaxDepth = 32

// CycleError reports a parent assignment that would make a client its own ancestor. It unwraps to
// psa.ErrInvalid.
type CycleError struct {
	// Client is the client being given a parent, Parent the proposed parent.
	Client, Parent psa.ClientID
	// Path is the chain of ancestors from Parent up to Client that closes the cycle.
	Path []psa.ClientID
}

func (e *CycleError) Error() string {
	ids := make([]string, len(e.Path))
	for i, id := range e.Path {
		ids[i] = id.String()
	}
	return fmt.Sprintf("psa: client %s cannot have parent %s: that would make it its own ancestor (%s)", e.Client, e.Parent, strings.Join(ids, " -> "))
}

// Unwrap returns psa.ErrInvalid.
func (e *CycleError) Unwrap() error { return psa.ErrInvalid }

// Ancestors returns the chain of parents of id, nearest first. It fails with a *CycleError if the
// stored tree loops and with a *psa.PreconditionError if it is deeper than MaxDepth.
func Ancestors(ctx context.Context, store ClientStore, id psa.ClientID) ([]Client, error) {
	c, err := store.GetClient(ctx, id)
	if err != nil {
		return nil, err
	}
	var chain []Client
	seen := map[psa.ClientID]bool{id: true}
	for c.HasParent() {
		if seen[c.ParentID] {
			return nil, &CycleError{Client: id, Parent: c.ParentID, Path: clientIDs(chain)}
		}
		if len(chain) == MaxDepth {
			return nil, &psa.PreconditionError{Kind: "client", ID: id.String(), Rule: fmt.Sprintf("has more than %d ancestors", MaxDepth)}
		}
		seen[c.ParentID] = true
		if c, err = store.GetClient(ctx, c.ParentID); err != nil {
			return nil, err
		}
		chain = append(chain, c)
	}
	return chain, nil
}

// checkParent returns a *CycleError if making parent the parent of child would close a cycle, and
// the error of Ancestors if the new tree would be too deep.
func checkParent(ctx context.Context, store ClientStore, child, parent psa.ClientID) error {
	if child == parent {
		return &CycleError{Client: child, Parent: parent, Path: []psa.ClientID{parent}}
	}
	chain, err := Ancestors(ctx, store, parent)
	if err != nil {
		return err
	}
	path := []psa.ClientID{parent}
	for _, a := range chain {
		path = append(path, a.ID)
		if a.ID == child {
			return &CycleError{Client: child, Parent: parent, Path: path}
		}
	}
	below, err := height(ctx, store, child)
	if err != nil {
		return err
	}
	if len(chain)+1+below > MaxDepth {
		return &psa.PreconditionError{Kind: "client", ID: child.String(),
			Rule: fmt.Sprintf("parent %s would give it or its sub-organizations more than %d ancestors", parent, MaxDepth)}
	}
	return nil
}

// height returns how many levels of sub-organizations lie below id (0 for none).
func height(ctx context.Context, store ClientStore, id psa.ClientID) (int, error) {
	levels := 0
	seen := map[psa.ClientID]bool{id: true}
	for level := []psa.ClientID{id}; ; levels++ {
		var next []psa.ClientID
		for _, p := range level {
			children, err := store.ListSubOrganizations(ctx, p)
			if err != nil {
				return 0, err
			}
			for _, c := range children {
				if !seen[c.ID] {
					seen[c.ID] = true
					next = append(next, c.ID)
				}
			}
		}
		if len(next) == 0 || levels > MaxDepth {
			return levels, nil
		}
		level = next
	}
}

// BillTo resolves the client that is invoiced for id's work: id itself, or, when id is billed to
// its parent, the parent's bill-to client (a sub-organization of a sub-organization billed to its
// parent bills up the chain while each link says so).
func BillTo(ctx context.Context, store ClientStore, id psa.ClientID) (Client, error) {
	c, err := store.GetClient(ctx, id)
	if err != nil {
		return Client{}, err
	}
	for depth := 0; c.BillToParent && c.HasParent(); depth++ {
		if depth == MaxDepth {
			return Client{}, &psa.PreconditionError{Kind: "client", ID: id.String(), Rule: fmt.Sprintf("bill-to chain is longer than %d", MaxDepth)}
		}
		if c, err = store.GetClient(ctx, c.ParentID); err != nil {
			return Client{}, err
		}
	}
	return c, nil
}

// Descendants returns every sub-organization below id, breadth first (children in the store's
// listing order, then grandchildren).
func Descendants(ctx context.Context, store ClientStore, id psa.ClientID) ([]Client, error) {
	if _, err := store.GetClient(ctx, id); err != nil {
		return nil, err
	}
	var out []Client
	seen := map[psa.ClientID]bool{id: true}
	level := []psa.ClientID{id}
	for depth := 0; len(level) > 0; depth++ {
		if depth > MaxDepth {
			return nil, &psa.PreconditionError{Kind: "client", ID: id.String(), Rule: fmt.Sprintf("has sub-organizations more than %d levels deep", MaxDepth)}
		}
		var next []psa.ClientID
		for _, p := range level {
			children, err := store.ListSubOrganizations(ctx, p)
			if err != nil {
				return nil, err
			}
			for _, c := range children {
				if seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				out = append(out, c)
				next = append(next, c.ID)
			}
		}
		level = next
	}
	return out, nil
}

func clientIDs(cs []Client) []psa.ClientID {
	ids := make([]psa.ClientID, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}
