package portal

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/psakit/psa"
)

// Message limits.
const (
	MaxRecipients    = 50
	MaxSubjectLength = 200
	MaxBodyLength    = 50_000
)

// Draft is the content of a message being composed.
type Draft struct {
	// To are the recipients: staff members, and portal users of the sender's own client (for a
	// portal user) or of any client (for staff).
	To      []Party
	Subject string
	Body    string
	// InReplyTo is the sender's own copy of the message answered; nil for none.
	InReplyTo psa.MessageID
}

// validate reports every broken rule of d's content; send asks for the rules of a message being
// sent (recipients and a subject), which a draft may still lack.
func (d Draft) validate(v *psa.Validator, send bool) {
	if send && len(d.To) == 0 {
		v.Add("to", "", "needs at least one recipient")
	}
	if len(d.To) > MaxRecipients {
		v.Add("to", itoa(len(d.To)), fmt.Sprintf("lists more than %d recipients", MaxRecipients))
	}
	seen := map[Party]bool{}
	for i, p := range d.To {
		switch {
		case !p.valid():
			v.Add(fmt.Sprintf("to[%d]", i), "", "must name exactly one of a portal user and a staff member")
		case seen[p]:
			v.Add(fmt.Sprintf("to[%d]", i), p.String(), "is listed twice")
		}
		seen[p] = true
	}
	if send {
		v.Require("subject", d.Subject)
	}
	if utf8.RuneCountInString(d.Subject) > MaxSubjectLength {
		v.Add("subject", "", fmt.Sprintf("is longer than %d characters", MaxSubjectLength))
	}
	if utf8.RuneCountInString(d.Body) > MaxBodyLength {
		v.Add("body", "", fmt.Sprintf("is longer than %d characters", MaxBodyLength))
	}
}

// mailbox is whose messages a call works on: a portal user (with the scope that limits whom they
// write to) or a staff member.
type mailbox struct {
	owner Party
	sc    *scope // nil for staff
}

// checkRecipients reports the recipients of d that mb may not write to: a staff member must be
// an active member, and a portal user must be enabled and, for a portal sender, of the sender's
// client. Another client's user is refused exactly like one that does not exist.
func checkRecipients(ctx context.Context, tx Tx, mb mailbox, d Draft, v *psa.Validator) error {
	for i, p := range d.To {
		if !p.valid() {
			continue
		}
		field := fmt.Sprintf("to[%d]", i)
		if p == mb.owner {
			v.Add(field, p.String(), "is the sender")
			continue
		}
		if psa.IsNil(p.Account) {
			ok, err := activeStaff(ctx, tx, p.Staff)
			if err != nil {
				return err
			}
			if !ok {
				v.Add(field, p.String(), "is not a staff member you can write to")
			}
			continue
		}
		a, err := tx.GetAccount(ctx, p.Account)
		if err != nil && !isNotFound(err) {
			return err
		}
		if err != nil || !a.Enabled || (mb.sc != nil && a.ClientID != mb.sc.contact.ClientID) {
			v.Add(field, p.String(), "is not a portal user you can write to")
		}
	}
	return nil
}

// activeStaff reports whether id is an active staff member.
func activeStaff(ctx context.Context, tx Tx, id psa.StaffID) (bool, error) {
	m, err := tx.GetMember(ctx, id)
	if isNotFound(err) {
		return false, nil
	}
	return err == nil && m.Active, err
}

// send stores the sender's copy m (a draft or new) as sent and a copy in each recipient's inbox.
// A portal user's copy lists, of the recipients, the staff members and the users of the
// recipient's own client only, so that a staff message to several clients shows no client
// another's users.
func (s *Service) send(ctx context.Context, tx Tx, m Message, create bool) (Message, error) {
	now := s.now()
	m.Folder, m.SentAt, m.Read, m.UpdatedAt = FolderSent, now, true, now
	if create {
		if err := tx.CreateMessage(ctx, m); err != nil {
			return Message{}, err
		}
	} else {
		if err := tx.UpdateMessage(ctx, m); err != nil {
			return Message{}, err
		}
		m.Version++
	}
	clientOf := map[psa.PortalUserID]psa.ClientID{}
	for _, p := range m.To {
		if psa.IsNil(p.Account) {
			continue
		}
		a, err := tx.GetAccount(ctx, p.Account)
		if err != nil {
			return Message{}, err
		}
		clientOf[a.ID] = a.ClientID
	}
	for _, to := range m.To {
		id, err := psa.NewID[psa.MessageID](s.opts.IDs())
		if err != nil {
			return Message{}, err
		}
		shown := slices.Clone(m.To)
		if !psa.IsNil(to.Account) {
			shown = slices.DeleteFunc(shown, func(p Party) bool {
				return !psa.IsNil(p.Account) && clientOf[p.Account] != clientOf[to.Account]
			})
		}
		c := Message{ID: id, Owner: to, Folder: FolderInbox, From: m.From, To: shown, Subject: m.Subject, Body: m.Body,
			SentAt: now, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := tx.CreateMessage(ctx, c); err != nil {
			return Message{}, err
		}
	}
	return m, nil
}

// compose stores a new message from mb: sent when send is true, else a draft.
func (s *Service) compose(ctx context.Context, tx Tx, mb mailbox, d Draft, send bool) (Message, error) {
	var v psa.Validator
	d.validate(&v, send)
	if err := checkRecipients(ctx, tx, mb, d, &v); err != nil {
		return Message{}, err
	}
	if !psa.IsNil(d.InReplyTo) {
		if _, err := ownMessage(ctx, tx, mb, d.InReplyTo); err != nil {
			if !isNotFound(err) {
				return Message{}, err
			}
			v.Add("inReplyTo", d.InReplyTo.String(), "is not a message of your mailbox")
		}
	}
	if err := v.Err("message"); err != nil {
		return Message{}, err
	}
	id, err := psa.NewID[psa.MessageID](s.opts.IDs())
	if err != nil {
		return Message{}, err
	}
	now := s.now()
	m := Message{ID: id, Owner: mb.owner, Folder: FolderDrafts, From: mb.owner, To: slices.Clone(d.To), Subject: d.Subject, Body: d.Body,
		InReplyTo: d.InReplyTo, Read: true, CreatedAt: now, UpdatedAt: now, Version: 1}
	if send {
		return s.send(ctx, tx, m, true)
	}
	return m, tx.CreateMessage(ctx, m)
}

// ownMessage returns message id of mb's mailbox; another mailbox's message is a
// *psa.NotFoundError like one that does not exist.
func ownMessage(ctx context.Context, tx Tx, mb mailbox, id psa.MessageID) (Message, error) {
	m, err := tx.GetMessage(ctx, id)
	if err != nil && !isNotFound(err) {
		return Message{}, err
	}
	if err != nil || m.Owner != mb.owner {
		return Message{}, psa.NotFound("message", id)
	}
	return m, nil
}

// inMailbox runs fn with portal user id's mailbox in a transaction.
func (s *Service) inMailbox(ctx context.Context, id psa.PortalUserID, fn func(ctx context.Context, tx Tx, mb mailbox) error) error {
	return s.scoped(ctx, id, func(ctx context.Context, tx Tx, sc *scope) error {
		return fn(ctx, tx, mailbox{owner: sc.party(), sc: sc})
	})
}

// Send sends a new message from portal user id (seed 004 "Compose Message") to active staff
// members and to portal users of the user's own client: the sender keeps a copy in the sent folder and each
// recipient gets one in the inbox.
func (s *Service) Send(ctx context.Context, id psa.PortalUserID, d Draft) (Message, error) {
	var out Message
	err := s.inMailbox(ctx, id, func(ctx context.Context, tx Tx, mb mailbox) (err error) {
		out, err = s.compose(ctx, tx, mb, d, true)
		return err
	})
	return out, err
}

// SaveDraft stores a draft of portal user id (seed 004 "Save/Draft"): a new one when draft is
// nil, else it replaces draft draft, read at version.
func (s *Service) SaveDraft(ctx context.Context, id psa.PortalUserID, draft psa.MessageID, version int64, d Draft) (Message, error) {
	var out Message
	err := s.inMailbox(ctx, id, func(ctx context.Context, tx Tx, mb mailbox) error {
		if psa.IsNil(draft) {
			var err error
			out, err = s.compose(ctx, tx, mb, d, false)
			return err
		}
		m, err := s.ownDraft(ctx, tx, mb, draft, version)
		if err != nil {
			return err
		}
		var v psa.Validator
		d.validate(&v, false)
		if err := checkRecipients(ctx, tx, mb, d, &v); err != nil {
			return err
		}
		if err := v.Err("message"); err != nil {
			return err
		}
		m.To, m.Subject, m.Body, m.UpdatedAt = slices.Clone(d.To), d.Subject, d.Body, s.now()
		if err := tx.UpdateMessage(ctx, m); err != nil {
			return err
		}
		m.Version++
		out = m
		return nil
	})
	return out, err
}

// ownDraft returns draft id of mb's mailbox at version.
func (s *Service) ownDraft(ctx context.Context, tx Tx, mb mailbox, id psa.MessageID, version int64) (Message, error) {
	m, err := ownMessage(ctx, tx, mb, id)
	if err != nil {
		return Message{}, err
	}
	if m.Folder != FolderDrafts {
		return Message{}, &psa.PreconditionError{Kind: "message", ID: id.String(), Rule: "is not a draft: it was sent already"}
	}
	if m.Version != version {
		return Message{}, &psa.VersionConflictError{Kind: "message", ID: id.String(), Given: version, Stored: m.Version}
	}
	return m, nil
}

// SendDraft sends draft draft of portal user id, read at version, as Send sends a message.
func (s *Service) SendDraft(ctx context.Context, id psa.PortalUserID, draft psa.MessageID, version int64) (Message, error) {
	var out Message
	err := s.inMailbox(ctx, id, func(ctx context.Context, tx Tx, mb mailbox) error {
		m, err := s.ownDraft(ctx, tx, mb, draft, version)
		if err != nil {
			return err
		}
		d := Draft{To: m.To, Subject: m.Subject, Body: m.Body, InReplyTo: m.InReplyTo}
		var v psa.Validator
		d.validate(&v, true)
		if err := checkRecipients(ctx, tx, mb, d, &v); err != nil {
			return err
		}
		if err := v.Err("message"); err != nil {
			return err
		}
		out, err = s.send(ctx, tx, m, false)
		return err
	})
	return out, err
}

// ReplySubject returns the subject of a reply to a message with subject: "Re: " and the subject
// without the reply prefixes it starts with ("Re:", "RE :", ... any number of them), cut to
// MaxSubjectLength characters, so that a reply to any message has a valid subject and replies do
// not stack "Re: Re: ".
func ReplySubject(subject string) string {
	rest := strings.TrimSpace(subject)
	for {
		head, tail, ok := strings.Cut(rest, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(head), "re") {
			break
		}
		rest = strings.TrimSpace(tail)
	}
	out := "Re: " + rest
	if utf8.RuneCountInString(out) > MaxSubjectLength {
		runes := []rune(out)[:MaxSubjectLength]
		out = strings.TrimRightFunc(string(runes), unicode.IsSpace)
	}
	return out
}

// Reply answers message msg of portal user id's mailbox (seed 004 "Reply"): to its sender (to
// the first recipient of the user's own sent message), with the subject ReplySubject gives; sent
// now when send is true, else saved as a draft.
func (s *Service) Reply(ctx context.Context, id psa.PortalUserID, msg psa.MessageID, body string, send bool) (Message, error) {
	var out Message
	err := s.inMailbox(ctx, id, func(ctx context.Context, tx Tx, mb mailbox) error {
		m, err := ownMessage(ctx, tx, mb, msg)
		if err != nil {
			return err
		}
		to := m.From
		if to == mb.owner && len(m.To) > 0 {
			to = m.To[0] // a reply to one's own sent message goes to its first recipient
		}
		out, err = s.compose(ctx, tx, mb, Draft{To: []Party{to}, Subject: ReplySubject(m.Subject), Body: body, InReplyTo: msg}, send)
		return err
	})
	return out, err
}

// Messages returns the messages of one folder of portal user id's mailbox, newest first
// (FolderStarred lists the starred messages of every folder).
func (s *Service) Messages(ctx context.Context, id psa.PortalUserID, folder Folder) ([]Message, error) {
	var out []Message
	err := s.inMailbox(ctx, id, func(ctx context.Context, tx Tx, mb mailbox) (err error) {
		out, err = listFolder(ctx, tx, mb.owner, folder)
		return err
	})
	return out, err
}

func listFolder(ctx context.Context, tx Tx, owner Party, folder Folder) ([]Message, error) {
	switch folder {
	case FolderInbox, FolderSent, FolderDrafts, FolderArchive, FolderStarred:
	default:
		return nil, psa.Invalid("mailbox", "folder", string(folder), "is not a folder")
	}
	all, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Message], error) {
		return tx.ListMessages(ctx, owner, p)
	})
	if err != nil {
		return nil, err
	}
	out := []Message{}
	for _, m := range all {
		if m.Folder == folder || (folder == FolderStarred && m.Starred) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b Message) int {
		return cmp.Or(b.stamp().Compare(a.stamp()), -cmp.Compare(a.ID.String(), b.ID.String()))
	})
	return out, nil
}

// stamp is when m was sent, or last saved for a draft.
func (m Message) stamp() time.Time {
	if m.SentAt.IsZero() {
		return m.UpdatedAt
	}
	return m.SentAt
}

// ReadMessage returns message msg of portal user id's mailbox and marks it read.
func (s *Service) ReadMessage(ctx context.Context, id psa.PortalUserID, msg psa.MessageID) (Message, error) {
	var out Message
	err := s.inMailbox(ctx, id, func(ctx context.Context, tx Tx, mb mailbox) error {
		m, err := ownMessage(ctx, tx, mb, msg)
		if err != nil {
			return err
		}
		if !m.Read {
			m.Read, m.UpdatedAt = true, s.now()
			if err := tx.UpdateMessage(ctx, m); err != nil {
				return err
			}
			m.Version++
		}
		out = m
		return nil
	})
	return out, err
}

// UnreadCount returns how many messages of portal user id's inbox are unread (seed 004: the
// envelope icon's count).
func (s *Service) UnreadCount(ctx context.Context, id psa.PortalUserID) (int, error) {
	var n int
	err := s.inMailbox(ctx, id, func(ctx context.Context, tx Tx, mb mailbox) (err error) {
		n, err = unread(ctx, tx, mb.owner)
		return err
	})
	return n, err
}

func unread(ctx context.Context, tx Tx, owner Party) (int, error) {
	inbox, err := listFolder(ctx, tx, owner, FolderInbox)
	n := 0
	for _, m := range inbox {
		if !m.Read {
			n++
		}
	}
	return n, err
}

// eachOwn applies change to each of the messages ids of portal user id's mailbox, all or
// nothing: a message of another mailbox is a *psa.NotFoundError and changes nothing.
func (s *Service) eachOwn(ctx context.Context, id psa.PortalUserID, ids []psa.MessageID, change func(ctx context.Context, tx Tx, m *Message) (bool, error)) error {
	return s.inMailbox(ctx, id, func(ctx context.Context, tx Tx, mb mailbox) error {
		for _, mid := range ids {
			m, err := ownMessage(ctx, tx, mb, mid)
			if err != nil {
				return err
			}
			update, err := change(ctx, tx, &m)
			if err != nil {
				return err
			}
			if !update {
				continue
			}
			m.UpdatedAt = s.now()
			if err := tx.UpdateMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// Archive moves the selected messages of portal user id's mailbox to the archive folder (seed 004
// "Archive"); drafts cannot be archived.
func (s *Service) Archive(ctx context.Context, id psa.PortalUserID, ids ...psa.MessageID) error {
	return s.eachOwn(ctx, id, ids, func(_ context.Context, _ Tx, m *Message) (bool, error) {
		if m.Folder == FolderDrafts {
			return false, &psa.PreconditionError{Kind: "message", ID: m.ID.String(), Rule: "is a draft: send or delete it"}
		}
		m.Folder = FolderArchive
		return true, nil
	})
}

// MoveToInbox moves the selected archived messages of portal user id's mailbox back (seed 004
// "Inbox"): received messages to the inbox, the user's own sent messages to the sent folder.
func (s *Service) MoveToInbox(ctx context.Context, id psa.PortalUserID, ids ...psa.MessageID) error {
	return s.eachOwn(ctx, id, ids, func(_ context.Context, _ Tx, m *Message) (bool, error) {
		if m.Folder != FolderArchive {
			return false, nil
		}
		m.Folder = FolderInbox
		if m.From == m.Owner {
			m.Folder = FolderSent
		}
		return true, nil
	})
}

// Star toggles the star of the selected messages of portal user id's mailbox on or off.
func (s *Service) Star(ctx context.Context, id psa.PortalUserID, starred bool, ids ...psa.MessageID) error {
	return s.eachOwn(ctx, id, ids, func(_ context.Context, _ Tx, m *Message) (bool, error) {
		if m.Starred == starred {
			return false, nil
		}
		m.Starred = starred
		return true, nil
	})
}

// DeleteMessages deletes the selected messages from portal user id's mailbox (seed 004 "Delete");
// the other parties' copies stay.
func (s *Service) DeleteMessages(ctx context.Context, id psa.PortalUserID, ids ...psa.MessageID) error {
	return s.eachOwn(ctx, id, ids, func(ctx context.Context, tx Tx, m *Message) (bool, error) {
		return false, tx.DeleteMessage(ctx, m.ID)
	})
}

// StaffSend sends a message from staff member staff (an active member) to portal users (of any
// client, enabled) and other active staff members; InReplyTo must be a message of the staff
// member's mailbox. A portal user's copy lists only the recipients of their own client and staff.
func (s *Service) StaffSend(ctx context.Context, staff psa.StaffID, d Draft) (Message, error) {
	if psa.IsNil(staff) {
		return Message{}, psa.Invalid("message", "from", "", "is required")
	}
	var out Message
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		ok, err := activeStaff(ctx, tx, staff)
		if err != nil {
			return err
		}
		if !ok {
			return psa.Invalid("message", "from", staff.String(), "is not an active staff member")
		}
		out, err = s.compose(ctx, tx, mailbox{owner: Party{Staff: staff}}, d, true)
		return err
	})
	return out, err
}

// StaffMessages returns one folder of staff member staff's mailbox, newest first.
func (s *Service) StaffMessages(ctx context.Context, staff psa.StaffID, folder Folder) ([]Message, error) {
	var out []Message
	err := s.run(ctx, func(ctx context.Context, tx Tx) (err error) {
		out, err = listFolder(ctx, tx, Party{Staff: staff}, folder)
		return err
	})
	return out, err
}
