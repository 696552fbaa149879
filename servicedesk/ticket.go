package servicedesk

import (
	"fmt"
	"time"

	"github.com/psakit/psa"
)

// Priority is a ticket's priority.
type Priority string

// Priorities, most urgent first.
const (
	Critical Priority = "critical"
	High     Priority = "high"
	Medium   Priority = "medium"
	Low      Priority = "low"
)

// Priorities lists every priority, most urgent first.
var Priorities = []Priority{Critical, High, Medium, Low}

// Valid reports whether p is one of Priorities.
func (p Priority) Valid() bool { return p == Critical || p == High || p == Medium || p == Low }

// Source is how a ticket came in.
type Source string

// Ticket sources.
const (
	SourcePortal Source = "portal"
	SourceEmail  Source = "email"
	SourcePhone  Source = "phone"
	SourceStaff  Source = "staff"
)

// Valid reports whether s is a defined source.
func (s Source) Valid() bool {
	return s == SourcePortal || s == SourceEmail || s == SourcePhone || s == SourceStaff
}

// Status is where a ticket stands in its workflow.
type Status string

// Ticket statuses.
const (
	StatusNew             Status = "new"
	StatusInProgress      Status = "in progress"
	StatusWaitingCustomer Status = "waiting customer" // stops the SLA clock
	StatusResolved        Status = "resolved"         // meets the resolution target
	StatusClosed          Status = "closed"
)

// transitions lists, for each status, the statuses a ticket may move to. A resolved or closed
// ticket is reopened by moving it to in progress.
var transitions = map[Status][]Status{
	StatusNew:             {StatusInProgress, StatusWaitingCustomer, StatusResolved, StatusClosed},
	StatusInProgress:      {StatusWaitingCustomer, StatusResolved, StatusClosed},
	StatusWaitingCustomer: {StatusInProgress, StatusResolved, StatusClosed},
	StatusResolved:        {StatusClosed, StatusInProgress},
	StatusClosed:          {StatusInProgress},
}

// Valid reports whether s is a defined status.
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Completed reports whether s ends the work on a ticket: resolved or closed.
func (s Status) Completed() bool { return s == StatusResolved || s == StatusClosed }

// CanMove reports whether a ticket in status from may move to status to.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// TransitionError reports a status change the workflow does not allow. It unwraps to
// psa.ErrPrecondition.
type TransitionError struct {
	TicketID psa.TicketID
	From, To Status
}

func (e *TransitionError) Error() string {
	allowed := fmt.Sprint(transitions[e.From])
	return fmt.Sprintf("psa: ticket %s cannot move from %q to %q (allowed: %s)", e.TicketID, e.From, e.To, allowed)
}

// Unwrap returns psa.ErrPrecondition.
func (e *TransitionError) Unwrap() error { return psa.ErrPrecondition }

// Attachment is a file attached to a ticket; the file itself lives in the host's storage under
// StorageKey.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType,omitempty"`
	Size        int64  `json:"size"`
	StorageKey  string `json:"storageKey"`
}

// Fields are what the person opening a ticket fills in (seed 004 "Creating a New Ticket").
type Fields struct {
	Site            string       `json:"site,omitempty"`
	TicketType      string       `json:"ticketType,omitempty"`
	Priority        Priority     `json:"priority"`
	IssueType       string       `json:"issueType,omitempty"`
	SubIssueType    string       `json:"subIssueType,omitempty"`
	HardwareAssetID psa.AssetID  `json:"hardwareAssetId"`
	SoftwareAssetID psa.AssetID  `json:"softwareAssetId"`
	Attachments     []Attachment `json:"attachments,omitempty"`
	Title           string       `json:"title"`
	Details         string       `json:"details,omitempty"`
	Category        string       `json:"category,omitempty"`
}

func (f Fields) validate(v *psa.Validator) {
	v.Require("title", f.Title)
	if !f.Priority.Valid() {
		v.Add("priority", string(f.Priority), `is not "critical", "high", "medium" or "low"`)
	}
	if f.SubIssueType != "" && f.IssueType == "" {
		v.Add("subIssueType", f.SubIssueType, "needs an issue type")
	}
	for i, a := range f.Attachments {
		field := fmt.Sprintf("attachments[%d]", i)
		v.Require(field+".name", a.Name)
		v.Require(field+".storageKey", a.StorageKey)
		if a.Size < 0 {
			v.Add(field+".size", fmt.Sprint(a.Size), "must not be negative")
		}
	}
}

// Ticket is a service-desk ticket.
type Ticket struct {
	ID psa.TicketID `json:"id"`
	// Number is the human-facing ticket number, from a per-tenant sequence starting at 1.
	Number   int64        `json:"number"`
	ClientID psa.ClientID `json:"clientId"`
	// ContactID is the contact person: the client's contact the ticket is for.
	ContactID psa.ContactID `json:"contactId"`
	// ContractID is the contract the ticket's work is done under; nil means the client's default
	// contract (or time and materials).
	ContractID psa.ContractID `json:"contractId"`
	Fields
	Source     Source      `json:"source"`
	QueueID    psa.QueueID `json:"queueId"`
	AssigneeID psa.StaffID `json:"assigneeId"`
	Status     Status      `json:"status"`
	// SLA is the ticket's service-level clock.
	SLA       Clock     `json:"sla"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// Note is a note on a ticket, written by a staff member or by a contact (through the portal).
type Note struct {
	ID       psa.NoteID   `json:"id"`
	TicketID psa.TicketID `json:"ticketId"`
	// Exactly one of StaffID and ContactID is set: the author.
	StaffID   psa.StaffID   `json:"staffId"`
	ContactID psa.ContactID `json:"contactId"`
	// Public notes are visible to the client; internal notes only to staff.
	Public    bool      `json:"public"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"createdAt"`
}

// ByStaff reports whether a staff member wrote the note.
func (n Note) ByStaff() bool { return !psa.IsNil(n.StaffID) }

// Queue is a service-desk queue tickets are routed to.
type Queue struct {
	ID      psa.QueueID `json:"id"`
	Name    string      `json:"name"`
	Version int64       `json:"version"`
}
