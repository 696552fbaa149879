package portal

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/psakit/psa"
	"github.com/psakit/psa/internal/versioned"
)

// CreateArticle stores a new knowledge-base article (with a new ID when a.ID is nil).
func (s *Service) CreateArticle(ctx context.Context, a Article) (Article, error) {
	a = a.Clone()
	if err := a.Validate(); err != nil {
		return Article{}, err
	}
	if psa.IsNil(a.ID) {
		id, err := psa.NewID[ArticleID](s.opts.IDs())
		if err != nil {
			return Article{}, err
		}
		a.ID = id
	}
	now := s.now()
	a.CreatedAt, a.UpdatedAt, a.Version = now, now, 1
	if err := s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.CreateArticle(ctx, a) }); err != nil {
		return Article{}, err
	}
	return a, nil
}

// UpdateArticle replaces article a.ID, read at a.Version: its title, body, keywords and
// visibility.
func (s *Service) UpdateArticle(ctx context.Context, a Article) (Article, error) {
	a = a.Clone()
	if err := a.Validate(); err != nil {
		return Article{}, err
	}
	out, err := versioned.Update(ctx, s.run, "article", a.ID, a.Version, Tx.GetArticle, Tx.UpdateArticle,
		func(x *Article) (*int64, *time.Time) { return &x.Version, &x.UpdatedAt }, s.now,
		func(_ context.Context, _ Tx, x *Article) error {
			x.Title, x.Body, x.Keywords, x.Visibility, x.ClientIDs = a.Title, a.Body, a.Keywords, a.Visibility, a.ClientIDs
			return nil
		}, nil)
	return out, err
}

// DeleteArticle removes article id.
func (s *Service) DeleteArticle(ctx context.Context, id ArticleID) error {
	return s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.DeleteArticle(ctx, id) })
}

// StaffArticle returns article id whatever its visibility, for staff.
func (s *Service) StaffArticle(ctx context.Context, id ArticleID) (Article, error) {
	return versioned.Get(ctx, s.run, Tx.GetArticle, id)
}

// ArticleView is a knowledge-base article as a portal user reads it: its content, without who
// else may read it (its visibility and the clients it is visible to stay with staff).
type ArticleView struct {
	ID        ArticleID `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Keywords  []string  `json:"keywords,omitempty"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// articleView returns what a portal user reads of a.
func articleView(a Article) ArticleView {
	return ArticleView{ID: a.ID, Title: a.Title, Body: a.Body, Keywords: slices.Clone(a.Keywords), UpdatedAt: a.UpdatedAt}
}

// Articles returns the knowledge-base articles portal user id may read (visible to every client,
// or to the user's client) that match query: every word of query, ignoring case, occurs in the
// title, body or keywords (an empty query matches every article). Articles with more of the
// words in their title come first, then by title.
func (s *Service) Articles(ctx context.Context, id psa.PortalUserID, query string) ([]ArticleView, error) {
	words := strings.Fields(strings.ToLower(query))
	type hit struct {
		a     Article
		title int
	}
	var hits []hit
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		hits = nil
		all, err := psa.All(ctx, tx.ListArticles)
		if err != nil {
			return err
		}
		for _, a := range all {
			if !a.VisibleTo(sc.contact.ClientID) {
				continue
			}
			title := strings.ToLower(a.Title)
			text := title + "\n" + strings.ToLower(a.Body) + "\n" + strings.ToLower(strings.Join(a.Keywords, "\n"))
			h, all := hit{a: a}, true
			for _, w := range words {
				if !strings.Contains(text, w) {
					all = false
					break
				}
				if strings.Contains(title, w) {
					h.title++
				}
			}
			if all {
				hits = append(hits, h)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.title, a.title), strings.Compare(strings.ToLower(a.a.Title), strings.ToLower(b.a.Title)))
	})
	out := make([]ArticleView, len(hits))
	for i, h := range hits {
		out[i] = articleView(h.a)
	}
	return out, nil
}

// Article returns article aid for portal user id; an article the user may not read (internal,
// or for other clients) is a *psa.NotFoundError like one that does not exist.
func (s *Service) Article(ctx context.Context, id psa.PortalUserID, aid ArticleID) (ArticleView, error) {
	var out ArticleView
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		a, err := tx.GetArticle(ctx, aid)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || !a.VisibleTo(sc.contact.ClientID) {
			return psa.NotFound("article", aid)
		}
		out = articleView(a)
		return nil
	})
	return out, err
}
