package client

import (
	"context"
	"fmt"
	"strings"

	"github.com/psakit/psa"
)

// StepID names a step of the onboarding checklist.
type StepID string

// The onboarding steps of seed 002's "Client Onboarding Checklist" and seed 000's "Onboarding
// existing clients", merged where they ask for the same thing (both ask for a contract).
const (
	StepClientRecord  StepID = "client-record"            // seed 002 step 1
	StepContacts      StepID = "contacts"                 // seed 002 step 2
	StepBillingInfo   StepID = "billing-information"      // seed 000 "Provide billing information"
	StepContract      StepID = "contract"                 // seed 002 step 3, seed 000 "Create contracts"
	StepSLA           StepID = "sla-policy"               // seed 002 step 4
	StepPortal        StepID = "portal-access"            // seed 002 step 5
	StepAssets        StepID = "assets"                   // seed 002 step 6
	StepNotifications StepID = "notification-preferences" // seed 002 step 7
	StepServiceDesk   StepID = "service-desk"             // seed 000 "Ensure you can receive and process tickets"
	StepSalesItems    StepID = "sales-items"              // seed 000 "Ensure you can create sales items"
	StepInvoicing     StepID = "billing-and-invoicing"    // seed 000 "Ensure you can run the billing process"
)

// Record is what the client package knows about one client, loaded in one transaction and given
// to every check: the client, its bill-to client (itself unless billed to a parent), its contacts
// and its assets.
type Record struct {
	Client   Client
	BillTo   Client
	Contacts []Contact
	Assets   []Asset
}

// Outcome is a check's verdict on one step. Reason says why a step is missing (what to do), or
// what a done step found.
type Outcome struct {
	Done   bool
	Reason string
}

// Check evaluates one step for a client from data, never from a box ticked by hand. Checks of
// other packages close over their own services and may read their own stores.
type Check func(ctx context.Context, r Record) (Outcome, error)

// Step is one step of the onboarding checklist.
type Step struct {
	ID    StepID
	Title string
	// Source names the seed document and step it comes from.
	Source string
	// Owner is the package whose data decides the step.
	Owner string
	// Check decides the step; nil means that the owner package's check has not been added to the
	// checklist, and the step is reported as StatusNotChecked.
	Check Check
}

// StepStatus is the state of one step in a report.
type StepStatus string

// Step statuses.
const (
	StatusDone       StepStatus = "done"
	StatusMissing    StepStatus = "missing"
	StatusNotChecked StepStatus = "not checked"
)

// StepReport is one step's line in an onboarding report.
type StepReport struct {
	ID     StepID
	Title  string
	Source string
	Status StepStatus
	Reason string
}

// OnboardingReport is a client's onboarding checklist as its data stands.
type OnboardingReport struct {
	ClientID psa.ClientID
	Steps    []StepReport
}

// Complete reports whether every step is done.
func (r OnboardingReport) Complete() bool {
	for _, s := range r.Steps {
		if s.Status != StatusDone {
			return false
		}
	}
	return true
}

// String renders the report one step a line: "[x] Title: reason", "[ ] ..." for missing and
// "[?] ..." for steps not checked.
func (r OnboardingReport) String() string {
	var b strings.Builder
	for _, s := range r.Steps {
		mark := map[StepStatus]string{StatusDone: "[x]", StatusMissing: "[ ]", StatusNotChecked: "[?]"}[s.Status]
		fmt.Fprintf(&b, "%s %s", mark, s.Title)
		if s.Reason != "" {
			fmt.Fprintf(&b, ": %s", s.Reason)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Checklist is an ordered list of onboarding steps. NewChecklist returns the standard steps with
// the checks this package can make; the contract, service-desk, portal and invoice packages
// provide checks for the steps they own, added with SetCheck, and hosts may Add steps of their
// own. A Checklist is not safe for concurrent modification; build it once and share it.
type Checklist struct {
	steps []Step
}

// NewChecklist returns the standard onboarding checklist. The steps that depend on other
// packages' data (contract, SLA policy, portal access, billing and invoicing) have no check
// until one is set.
func NewChecklist() *Checklist {
	return &Checklist{steps: []Step{
		{StepClientRecord, "Create the client record", "seed 002 step 1", "client", checkClientRecord},
		{StepContacts, "Add contacts", "seed 002 step 2", "client", checkContacts},
		{StepBillingInfo, "Provide billing information", "seed 000", "client", checkBillingInfo},
		{StepContract, "Set up a contract", "seed 002 step 3, seed 000", "contract", nil},
		{StepSLA, "Assign an SLA policy", "seed 002 step 4", "servicedesk", nil},
		{StepPortal, "Configure portal access", "seed 002 step 5", "portal", nil},
		{StepAssets, "Link assets", "seed 002 step 6", "client", checkAssets},
		{StepNotifications, "Set notification preferences", "seed 002 step 7", "client", checkNotifications},
		{StepServiceDesk, "Receive and process service desk tickets", "seed 000", "client", checkServiceDesk},
		{StepSalesItems, "Create sales items", "seed 000", "client", checkSalesItems},
		{StepInvoicing, "Run billing and issue invoices", "seed 000", "invoice", nil},
	}}
}

// Steps returns a copy of the steps in order.
func (l *Checklist) Steps() []Step { return append([]Step(nil), l.steps...) }

// SetCheck sets the check of step id. An unknown id is a *psa.NotFoundError.
func (l *Checklist) SetCheck(id StepID, check Check) error {
	for i := range l.steps {
		if l.steps[i].ID == id {
			l.steps[i].Check = check
			return nil
		}
	}
	return &psa.NotFoundError{Kind: "onboarding step", Key: string(id)}
}

// Add appends a step. A step without ID or title is a *psa.ValidationError; a taken ID a
// *psa.AlreadyExistsError.
func (l *Checklist) Add(step Step) error {
	var v psa.Validator
	v.Require("id", string(step.ID))
	v.Require("title", step.Title)
	if err := v.Err("onboarding step"); err != nil {
		return err
	}
	for _, s := range l.steps {
		if s.ID == step.ID {
			return &psa.AlreadyExistsError{Kind: "onboarding step", Key: string(step.ID)}
		}
	}
	l.steps = append(l.steps, step)
	return nil
}

// Evaluate runs every step's check against r. A check's error stops the evaluation and is
// returned with the step named.
func (l *Checklist) Evaluate(ctx context.Context, r Record) (OnboardingReport, error) {
	rep := OnboardingReport{ClientID: r.Client.ID, Steps: make([]StepReport, 0, len(l.steps))}
	for _, s := range l.steps {
		line := StepReport{ID: s.ID, Title: s.Title, Source: s.Source, Status: StatusNotChecked,
			Reason: fmt.Sprintf("not checked: the %s package provides this check", s.Owner)}
		if s.Check != nil {
			o, err := s.Check(ctx, r)
			if err != nil {
				return OnboardingReport{}, fmt.Errorf("psa: onboarding step %s: %w", s.ID, err)
			}
			line.Status, line.Reason = StatusMissing, o.Reason
			if o.Done {
				line.Status = StatusDone
			}
		}
		rep.Steps = append(rep.Steps, line)
	}
	return rep, nil
}

// Record loads the onboarding record of client id in one transaction.
func (s *Service) Record(ctx context.Context, id psa.ClientID) (Record, error) {
	var r Record
	err := s.run(ctx, func(ctx context.Context, tx Tx) error {
		var err error
		if r.Client, err = tx.GetClient(ctx, id); err != nil {
			return err
		}
		if r.BillTo, err = BillTo(ctx, tx, id); err != nil {
			return err
		}
		if r.Contacts, err = psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Contact], error) {
			return tx.ListContacts(ctx, id, p)
		}); err != nil {
			return err
		}
		r.Assets, err = psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Asset], error) {
			return tx.ListAssets(ctx, id, p)
		})
		return err
	})
	return r, err
}

// Onboarding evaluates checklist (NewChecklist() when nil) for client id: each step done or
// missing with the reason, computed from the stored data.
func (s *Service) Onboarding(ctx context.Context, id psa.ClientID, checklist *Checklist) (OnboardingReport, error) {
	if checklist == nil {
		checklist = NewChecklist()
	}
	r, err := s.Record(ctx, id)
	if err != nil {
		return OnboardingReport{}, err
	}
	return checklist.Evaluate(ctx, r)
}

func checkClientRecord(_ context.Context, r Record) (Outcome, error) {
	switch {
	case r.Client.Address.IsZero():
		return Outcome{Reason: "company address is missing"}, nil
	case psa.IsNil(r.Client.PrimaryContactID):
		return Outcome{Reason: "no primary contact: add a contact"}, nil
	}
	return Outcome{Done: true, Reason: "company info and primary contact are set"}, nil
}

func checkContacts(_ context.Context, r Record) (Outcome, error) {
	n := 0
	for _, c := range r.Contacts {
		if c.Active && c.Email != "" {
			n++
		}
	}
	if n == 0 {
		return Outcome{Reason: "no active contact with an e-mail address to submit tickets or receive notifications"}, nil
	}
	return Outcome{Done: true, Reason: plural(n, "active contact") + " with e-mail"}, nil
}

func checkBillingInfo(_ context.Context, r Record) (Outcome, error) {
	return billingOutcome(r, "billing information is complete")
}

func billingOutcome(r Record, done string) (Outcome, error) {
	missing := r.BillTo.Billing.Missing()
	if len(missing) == 0 {
		if r.BillTo.ID != r.Client.ID {
			done += fmt.Sprintf(" (billed to parent %q)", r.BillTo.Name)
		}
		return Outcome{Done: true, Reason: done}, nil
	}
	who := "the client"
	if r.BillTo.ID != r.Client.ID {
		who = fmt.Sprintf("the bill-to parent %q", r.BillTo.Name)
	}
	fields := make([]string, len(missing))
	for i, f := range missing {
		fields[i] = string(f)
	}
	return Outcome{Reason: fmt.Sprintf("%s lacks billing information: %s", who, strings.Join(fields, ", "))}, nil
}

func checkAssets(_ context.Context, r Record) (Outcome, error) {
	n := 0
	for _, a := range r.Assets {
		if !a.Retired {
			n++
		}
	}
	if n == 0 {
		return Outcome{Reason: "no assets linked: import or sync devices from RMM"}, nil
	}
	return Outcome{Done: true, Reason: plural(n, "asset") + " linked"}, nil
}

func checkNotifications(_ context.Context, r Record) (Outcome, error) {
	if len(r.Client.Settings.NotificationRules) == 0 {
		if psa.IsNil(r.Client.PrimaryContactID) {
			return Outcome{Reason: "no notification rules and no primary contact: nobody would be notified"}, nil
		}
		return Outcome{Reason: "no notification rules: every notification goes to the primary contact"}, nil
	}
	return Outcome{Done: true, Reason: plural(len(r.Client.Settings.NotificationRules), "notification rule") + " set"}, nil
}

func checkServiceDesk(_ context.Context, r Record) (Outcome, error) {
	if r.Client.Status == StatusInactive {
		return Outcome{Reason: "the client is inactive"}, nil
	}
	return Outcome{Done: true, Reason: "tickets can be received and processed (billing information is not needed for that)"}, nil
}

func checkSalesItems(_ context.Context, r Record) (Outcome, error) {
	return billingOutcome(r, "sales items can be created")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
