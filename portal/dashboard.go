package portal

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psakit/psa"
)

// ParseDue reads the due date of a to-do item as a user types it (seed 004: "click the calendar
// and set the date, or simply enter the word tomorrow"): "" (no due date), "today", "tomorrow",
// a weekday name or its three-letter abbreviation (the next such day after today: "friday" on a
// Friday is a week later), or an ISO date ("2026-03-31"). Case and surrounding space do not
// matter. Anything else is a *psa.ValidationError.
func ParseDue(s string, today psa.Date) (psa.Date, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	switch w {
	case "":
		return psa.Date{}, nil
	case "today":
		return today, nil
	case "tomorrow":
		return today.AddDays(1), nil
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if w == name || w == name[:3] {
			ahead := (int(d)-int(today.Weekday())+6)%7 + 1
			return today.AddDays(ahead), nil
		}
	}
	if d, err := psa.ParseDate(w); err == nil {
		return d, nil
	}
	return psa.Date{}, psa.Invalid("to-do item", "due", s, dueReason)
}

const dueReason = `is not "today", "tomorrow", a weekday name or a date like 2026-03-31`

// MaxTodoLength bounds the text of a to-do item, in characters.
const MaxTodoLength = 1000

// AddTodo adds an item to portal user id's to-do list, due as ParseDue reads due (in the
// service's time zone).
func (s *Service) AddTodo(ctx context.Context, id psa.PortalUserID, text, due string) (Todo, error) {
	var v psa.Validator
	v.Require("text", text)
	if utf8.RuneCountInString(text) > MaxTodoLength {
		v.Add("text", "", "is longer than "+itoa(MaxTodoLength)+" characters")
	}
	d, err := ParseDue(due, s.today())
	if err != nil {
		v.Add("due", due, dueReason)
	}
	if err := v.Err("to-do item"); err != nil {
		return Todo{}, err
	}
	tid, err := psa.NewID[TodoID](s.opts.IDs())
	if err != nil {
		return Todo{}, err
	}
	now := s.now()
	t := Todo{ID: tid, AccountID: id, Text: strings.TrimSpace(text), Due: d, CreatedAt: now, UpdatedAt: now, Version: 1}
	err = s.scoped(ctx, id, func(ctx context.Context, tx Tx, _ *scope) error { return tx.CreateTodo(ctx, t) })
	if err != nil {
		return Todo{}, err
	}
	return t, nil
}

// ownTodo returns item tid of portal user id; another user's item is a *psa.NotFoundError like
// one that does not exist.
func ownTodo(ctx context.Context, tx Tx, id psa.PortalUserID, tid TodoID) (Todo, error) {
	t, err := tx.GetTodo(ctx, tid)
	if err != nil && !isNotFound(err) {
		return Todo{}, err
	}
	if err != nil || t.AccountID != id {
		return Todo{}, psa.NotFound("to-do item", tid)
	}
	return t, nil
}

// SetTodoDone marks item tid of portal user id's to-do list done, or (done false) puts it back
// on the list (seed 004: the yellow arrow "if an item was completed by mistake").
func (s *Service) SetTodoDone(ctx context.Context, id psa.PortalUserID, tid TodoID, done bool) (Todo, error) {
	var out Todo
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, _ *scope) error {
		t, err := ownTodo(ctx, tx, id, tid)
		if err != nil {
			return err
		}
		if t.Done() != done {
			now := s.now()
			t.DoneAt, t.UpdatedAt = time.Time{}, now
			if done {
				t.DoneAt = now
			}
			if err := tx.UpdateTodo(ctx, t); err != nil {
				return err
			}
			t.Version++
		}
		out = t
		return nil
	})
	return out, err
}

// DeleteTodo removes item tid from portal user id's to-do list (seed 004: the red X).
func (s *Service) DeleteTodo(ctx context.Context, id psa.PortalUserID, tid TodoID) error {
	return s.scoped(ctx, id, func(ctx context.Context, tx Tx, _ *scope) error {
		if _, err := ownTodo(ctx, tx, id, tid); err != nil {
			return err
		}
		return tx.DeleteTodo(ctx, tid)
	})
}

// TodoList is a portal user's to-do list.
type TodoList struct {
	// ToDo are the open items, earliest due date first (items without one last, then in the
	// order they were added).
	ToDo []Todo `json:"toDo"`
	// Done is the "Already Done" list, most recently done first.
	Done []Todo `json:"done"`
}

// Todos returns portal user id's to-do list.
func (s *Service) Todos(ctx context.Context, id psa.PortalUserID) (TodoList, error) {
	var out TodoList
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, _ *scope) (err error) {
		out, err = todos(ctx, tx, id)
		return err
	})
	return out, err
}

func todos(ctx context.Context, tx Tx, id psa.PortalUserID) (TodoList, error) {
	all, err := tx.ListTodos(ctx, id)
	if err != nil {
		return TodoList{}, err
	}
	out := TodoList{ToDo: []Todo{}, Done: []Todo{}}
	for _, t := range all {
		if t.Done() {
			out.Done = append(out.Done, t)
		} else {
			out.ToDo = append(out.ToDo, t)
		}
	}
	slices.SortStableFunc(out.ToDo, func(a, b Todo) int {
		if a.Due.IsZero() != b.Due.IsZero() {
			if a.Due.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(a.Due.Compare(b.Due), a.CreatedAt.Compare(b.CreatedAt))
	})
	slices.SortStableFunc(out.Done, func(a, b Todo) int { return b.DoneAt.Compare(a.DoneAt) })
	return out, nil
}

// PublishNews stores a news item of the MSP: created (with a new ID when n.ID is nil) when
// n.Version is 0, replaced under the version rule otherwise. It appears in the portal from
// n.PublishAt on.
func (s *Service) PublishNews(ctx context.Context, n NewsItem) (NewsItem, error) {
	var v psa.Validator
	v.Require("title", n.Title)
	if err := v.Err("news item"); err != nil {
		return NewsItem{}, err
	}
	if psa.IsNil(n.ID) {
		id, err := psa.NewID[NewsID](s.opts.IDs())
		if err != nil {
			return NewsItem{}, err
		}
		n.ID = id
	}
	now := s.now()
	if n.CreatedAt.IsZero() {
		n.CreatedAt = now
	}
	n.UpdatedAt = now
	if err := s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.PutNews(ctx, n) }); err != nil {
		return NewsItem{}, err
	}
	n.Version++
	return n, nil
}

// DeleteNews removes news item id.
func (s *Service) DeleteNews(ctx context.Context, id NewsID) error {
	return s.run(ctx, func(ctx context.Context, tx Tx) error { return tx.DeleteNews(ctx, id) })
}

// News returns the news items published by now for portal user id, newest first.
func (s *Service) News(ctx context.Context, id psa.PortalUserID) ([]NewsItem, error) {
	var out []NewsItem
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, _ *scope) (err error) {
		out, err = publishedNews(ctx, tx, s.now())
		return err
	})
	return out, err
}

func publishedNews(ctx context.Context, tx Tx, now time.Time) ([]NewsItem, error) {
	all, err := psa.All(ctx, tx.ListNews)
	if err != nil {
		return nil, err
	}
	out := []NewsItem{}
	for _, n := range all {
		if !n.PublishAt.IsZero() && !n.PublishAt.After(now) {
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(a, b NewsItem) int { return b.PublishAt.Compare(a.PublishAt) })
	return out, nil
}

// Dashboard is what the portal dashboard shows a user (seed 004 "Client Portal Dashboard").
type Dashboard struct {
	Todos TodoList `json:"todos"`
	// Notes are the user's personal notes ("My Notes").
	Notes string     `json:"notes"`
	News  []NewsItem `json:"news"`
	// UnreadMessages is the count of unread inbox messages; Tickets the personal ticket counts.
	UnreadMessages int          `json:"unreadMessages"`
	Tickets        TicketCounts `json:"tickets"`
}

// Dashboard returns portal user id's dashboard, read in one transaction.
func (s *Service) Dashboard(ctx context.Context, id psa.PortalUserID) (Dashboard, error) {
	var out Dashboard
	err := s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) (err error) {
		out = Dashboard{Notes: sc.account.Notes}
		if out.Todos, err = todos(ctx, tx, id); err != nil {
			return err
		}
		if out.News, err = publishedNews(ctx, tx, s.now()); err != nil {
			return err
		}
		if out.UnreadMessages, err = unread(ctx, tx, sc.party()); err != nil {
			return err
		}
		out.Tickets, err = ticketCounts(ctx, tx, sc)
		return err
	})
	return out, err
}
