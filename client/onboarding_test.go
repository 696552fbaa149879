package client_test

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// line is the part of a step report a test asserts.
type line struct {
	ID     client.StepID
	Status client.StepStatus
	Reason string
}

// lines returns the steps of r. The reason of a step that is not checked is replaced by the
// owner package it names ("the contract package"), so tests do not depend on its wording.
func lines(r client.OnboardingReport) []line {
	out := make([]line, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = line{s.ID, s.Status, s.Reason}
		if s.Status == client.StatusNotChecked {
			if m := ownerRE.FindStringSubmatch(s.Reason); m != nil {
				out[i].Reason = "owner " + m[1]
			}
		}
	}
	return out
}

var ownerRE = regexp.MustCompile(`the (\S+) package`)

const allBillingMissing = "address, invoiceEmail, taxRegion, currency, paymentTerms"

func notChecked(id client.StepID, owner string) line {
	return line{id, client.StatusNotChecked, "owner " + owner}
}

func TestNewChecklistSteps(t *testing.T) {
	steps := client.NewChecklist().Steps()
	got := make([]client.StepID, len(steps))
	for i, s := range steps {
		got[i] = s.ID
		require.NotEmpty(t, s.Title, s.ID)
		require.NotEmpty(t, s.Source, s.ID)
		require.NotEmpty(t, s.Owner, s.ID)
		require.Equal(t, s.Owner == "client", s.Check != nil, "step %s: client-owned steps have a check, others not yet", s.ID)
	}
	diff(t, []client.StepID{
		client.StepClientRecord, client.StepContacts, client.StepBillingInfo, client.StepContract, client.StepSLA,
		client.StepPortal, client.StepAssets, client.StepNotifications, client.StepServiceDesk, client.StepSalesItems,
		client.StepInvoicing,
	}, got, "steps")

	// Steps returns a copy.
	steps[0].Title = "changed"
	require.NotEqual(t, "changed", client.NewChecklist().Steps()[0].Title)
}

func TestOnboardingBareClient(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	rep, err := e.svc.Onboarding(t.Context(), c.ID, nil)
	require.NoError(t, err)
	require.Equal(t, c.ID, rep.ClientID)
	require.False(t, rep.Complete())
	diff(t, []line{
		{client.StepClientRecord, client.StatusMissing, "company address is missing"},
		{client.StepContacts, client.StatusMissing, "no active contact with an e-mail address to submit tickets or receive notifications"},
		{client.StepBillingInfo, client.StatusMissing, "the client lacks billing information: " + allBillingMissing},
		notChecked(client.StepContract, "contract"),
		notChecked(client.StepSLA, "servicedesk"),
		notChecked(client.StepPortal, "portal"),
		{client.StepAssets, client.StatusMissing, "no assets linked: import or sync devices from RMM"},
		{client.StepNotifications, client.StatusMissing, "no notification rules and no primary contact: nobody would be notified"},
		{client.StepServiceDesk, client.StatusDone, "tickets can be received and processed (billing information is not needed for that)"},
		{client.StepSalesItems, client.StatusMissing, "the client lacks billing information: " + allBillingMissing},
		notChecked(client.StepInvoicing, "invoice"),
	}, lines(rep), "report")
}

// TestOnboardingSteps checks each client-owned step's verdict as the data changes.
func TestOnboardingSteps(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, e *env, c client.Client)
		step  client.StepID
		want  line
	}{
		{"client record: address but no contact", func(t *testing.T, e *env, c client.Client) {
			_, err := e.svc.UpdateProfile(t.Context(), c.ID, c.Version, client.Profile{Name: c.Name, Address: address()})
			require.NoError(t, err)
		}, client.StepClientRecord, line{client.StepClientRecord, client.StatusMissing, "no primary contact: add a contact"}},
		{"contacts: only a contact without e-mail", func(t *testing.T, e *env, c client.Client) {
			_, err := e.svc.AddContact(t.Context(), c.ID, client.NewContact{ContactInfo: client.ContactInfo{FirstName: "Ann"}})
			require.NoError(t, err)
		}, client.StepContacts, line{client.StepContacts, client.StatusMissing, "no active contact with an e-mail address to submit tickets or receive notifications"}},
		{"contacts: an inactive contact does not count", func(t *testing.T, e *env, c client.Client) {
			ct := e.contact(t, c.ID, "ann")
			_, err := e.svc.SetContactActive(t.Context(), ct.ID, ct.Version, false)
			require.NoError(t, err)
		}, client.StepContacts, line{client.StepContacts, client.StatusMissing, "no active contact with an e-mail address to submit tickets or receive notifications"}},
		{"contacts: two", func(t *testing.T, e *env, c client.Client) {
			e.contact(t, c.ID, "ann")
			e.contact(t, c.ID, "bob")
		}, client.StepContacts, line{client.StepContacts, client.StatusDone, "2 active contacts with e-mail"}},
		{"notifications: primary contact but no rules", func(t *testing.T, e *env, c client.Client) {
			e.contact(t, c.ID, "ann")
		}, client.StepNotifications, line{client.StepNotifications, client.StatusMissing, "no notification rules: every notification goes to the primary contact"}},
		{"assets: only retired ones", func(t *testing.T, e *env, c client.Client) {
			_, err := e.svc.AddAsset(t.Context(), c.ID, client.AssetInfo{Kind: client.AssetServer, Name: "old", Retired: true})
			require.NoError(t, err)
		}, client.StepAssets, line{client.StepAssets, client.StatusMissing, "no assets linked: import or sync devices from RMM"}},
		{"assets: two, one retired", func(t *testing.T, e *env, c client.Client) {
			for _, retired := range []bool{false, true, false} {
				_, err := e.svc.AddAsset(t.Context(), c.ID, client.AssetInfo{Kind: client.AssetServer, Name: "s", Retired: retired})
				require.NoError(t, err)
			}
		}, client.StepAssets, line{client.StepAssets, client.StatusDone, "2 assets linked"}},
		{"service desk: inactive client", func(t *testing.T, e *env, c client.Client) {
			_, err := e.svc.SetStatus(t.Context(), c.ID, c.Version, client.StatusInactive)
			require.NoError(t, err)
		}, client.StepServiceDesk, line{client.StepServiceDesk, client.StatusMissing, "the client is inactive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.named(t, "Acme")
			tt.setup(t, e, c)
			rep, err := e.svc.Onboarding(t.Context(), c.ID, nil)
			require.NoError(t, err)
			var got []line
			for _, l := range lines(rep) {
				if l.ID == tt.step {
					got = append(got, l)
				}
			}
			diff(t, []line{tt.want}, got, "step")
		})
	}
}

// onboarded creates a client with everything the client package checks.
func onboarded(t *testing.T, e *env) client.Client {
	t.Helper()
	b := billing(t)
	c := e.create(t, client.NewClient{Profile: client.Profile{Name: "Acme", Address: address()}, Billing: &b})
	ann := e.contact(t, c.ID, "ann")
	_, err := e.svc.AddAsset(t.Context(), c.ID, client.AssetInfo{Kind: client.AssetServer, Name: "dc01"})
	require.NoError(t, err)
	c = e.get(t, c.ID)
	c, err = e.svc.SetSettings(t.Context(), c.ID, c.Version, client.Settings{NotificationRules: []client.NotificationRule{
		{Event: client.EventInvoiceIssued, ContactIDs: []psa.ContactID{ann.ID}},
	}})
	require.NoError(t, err)
	return c
}

func TestOnboardingFullyOnboarded(t *testing.T) {
	e := newEnv(t)
	c := onboarded(t, e)
	rep, err := e.svc.Onboarding(t.Context(), c.ID, nil)
	require.NoError(t, err)
	require.False(t, rep.Complete(), "steps of other packages are not checked")
	diff(t, []line{
		{client.StepClientRecord, client.StatusDone, "company info and primary contact are set"},
		{client.StepContacts, client.StatusDone, "1 active contact with e-mail"},
		{client.StepBillingInfo, client.StatusDone, "billing information is complete"},
		notChecked(client.StepContract, "contract"),
		notChecked(client.StepSLA, "servicedesk"),
		notChecked(client.StepPortal, "portal"),
		{client.StepAssets, client.StatusDone, "1 asset linked"},
		{client.StepNotifications, client.StatusDone, "1 notification rule set"},
		{client.StepServiceDesk, client.StatusDone, "tickets can be received and processed (billing information is not needed for that)"},
		{client.StepSalesItems, client.StatusDone, "sales items can be created"},
		notChecked(client.StepInvoicing, "invoice"),
	}, lines(rep), "report")
}

// TestOnboardingChecksOfOtherPackages checks that steps owned by other packages are not checked
// until SetCheck adds a check, and are then done or missing as the check says.
func TestOnboardingChecksOfOtherPackages(t *testing.T) {
	e := newEnv(t)
	c := onboarded(t, e)
	done := func(reason string) client.Check {
		return func(context.Context, client.Record) (client.Outcome, error) {
			return client.Outcome{Done: true, Reason: reason}, nil
		}
	}
	var seen client.Record
	l := client.NewChecklist()
	require.NoError(t, l.SetCheck(client.StepContract, func(_ context.Context, r client.Record) (client.Outcome, error) {
		seen = r
		return client.Outcome{Reason: "no active contract"}, nil
	}))
	require.NoError(t, l.SetCheck(client.StepSLA, done("premium SLA")))
	require.NoError(t, l.SetCheck(client.StepPortal, done("1 portal user")))

	rep, err := e.svc.Onboarding(t.Context(), c.ID, l)
	require.NoError(t, err)
	got := lines(rep)
	diff(t, []line{
		{client.StepContract, client.StatusMissing, "no active contract"},
		{client.StepSLA, client.StatusDone, "premium SLA"},
		{client.StepPortal, client.StatusDone, "1 portal user"},
	}, got[3:6], "steps of other packages")
	diff(t, notChecked(client.StepInvoicing, "invoice"), got[10], "step without a check")
	require.False(t, rep.Complete())

	// The check was given the client's record.
	diff(t, c, seen.Client, "record's client")
	diff(t, c, seen.BillTo, "record's bill-to client")
	require.Len(t, seen.Contacts, 1)
	require.Len(t, seen.Assets, 1)

	require.NoError(t, l.SetCheck(client.StepContract, done("1 active contract")))
	require.NoError(t, l.SetCheck(client.StepInvoicing, done("numbering confirmed")))
	rep, err = e.svc.Onboarding(t.Context(), c.ID, l)
	require.NoError(t, err)
	require.True(t, rep.Complete(), "every step done:\n%s", rep)

	// The default checklist is not affected by another checklist's checks.
	rep, err = e.svc.Onboarding(t.Context(), c.ID, client.NewChecklist())
	require.NoError(t, err)
	require.Equal(t, client.StatusNotChecked, rep.Steps[3].Status)
}

func TestChecklistAdd(t *testing.T) {
	e := newEnv(t)
	c := onboarded(t, e)
	l := client.NewChecklist()
	err := l.Add(client.Step{ID: "welcome-call", Title: "Hold the welcome call", Owner: "host", Check: func(_ context.Context, r client.Record) (client.Outcome, error) {
		return client.Outcome{Reason: "not yet called " + r.Client.Name}, nil
	}})
	require.NoError(t, err)
	require.NoError(t, l.Add(client.Step{ID: "kick-off", Title: "Kick-off meeting", Owner: "host"}))

	rep, err := e.svc.Onboarding(t.Context(), c.ID, l)
	require.NoError(t, err)
	require.Len(t, rep.Steps, 13)
	diff(t, []line{
		{"welcome-call", client.StatusMissing, "not yet called Acme"},
		notChecked("kick-off", "host"),
	}, lines(rep)[11:], "added steps")
	require.Equal(t, "Hold the welcome call", rep.Steps[11].Title)

	t.Run("invalid", func(t *testing.T) {
		err := l.Add(client.Step{Title: " "})
		diff(t, []field{{"id", ""}, {"title", " "}}, validationFields(t, err), "invalid fields")
		require.Len(t, l.Steps(), 13, "nothing added")
	})
	t.Run("taken ID", func(t *testing.T) {
		for _, id := range []client.StepID{client.StepContacts, "welcome-call"} {
			err := l.Add(client.Step{ID: id, Title: "again"})
			require.ErrorIs(t, err, psa.ErrAlreadyExists)
			_, ok := errors.AsType[*psa.AlreadyExistsError](err)
			require.True(t, ok, "error is a *psa.AlreadyExistsError: %v", err)
		}
		require.Len(t, l.Steps(), 13, "nothing added")
	})
}

func TestChecklistSetCheckUnknownStep(t *testing.T) {
	l := client.NewChecklist()
	err := l.SetCheck("no-such-step", nil)
	require.ErrorIs(t, err, psa.ErrNotFound)
	nf, ok := errors.AsType[*psa.NotFoundError](err)
	require.True(t, ok, "error is a *psa.NotFoundError: %v", err)
	require.Equal(t, "no-such-step", nf.Key)
}

func TestOnboardingCheckError(t *testing.T) {
	e := newEnv(t)
	c := e.named(t, "Acme")
	errDown := errors.New("contract store unavailable")
	l := client.NewChecklist()
	require.NoError(t, l.SetCheck(client.StepContract, func(context.Context, client.Record) (client.Outcome, error) {
		return client.Outcome{}, errDown
	}))
	rep, err := e.svc.Onboarding(t.Context(), c.ID, l)
	require.ErrorIs(t, err, errDown)
	require.Contains(t, err.Error(), string(client.StepContract), "the error names the step")
	require.Empty(t, rep.Steps)

	// A typed error of a check keeps its category.
	require.NoError(t, l.SetCheck(client.StepContract, func(context.Context, client.Record) (client.Outcome, error) {
		return client.Outcome{}, &psa.NotFoundError{Kind: "contract", Key: "x"}
	}))
	_, err = e.svc.Onboarding(t.Context(), c.ID, l)
	require.ErrorIs(t, err, psa.ErrNotFound)
}

func TestOnboardingUnknownClient(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Onboarding(t.Context(), clientID(1), nil)
	require.ErrorIs(t, err, psa.ErrNotFound)
	_, err = e.svc.Record(t.Context(), clientID(1))
	require.ErrorIs(t, err, psa.ErrNotFound)
}

// TestOnboardingSubOrganization checks that a sub-organization billed to its parent gets its
// billing and sales-items steps from the parent's billing information.
func TestOnboardingSubOrganization(t *testing.T) {
	billingSteps := func(rep client.OnboardingReport) []line {
		var out []line
		for _, l := range lines(rep) {
			if l.ID == client.StepBillingInfo || l.ID == client.StepSalesItems {
				out = append(out, l)
			}
		}
		return out
	}
	e := newEnv(t)
	parent := e.named(t, "Parent Co")
	sub := e.sub(t, "Branch", parent.ID, true)
	own := e.sub(t, "Own Billing Branch", parent.ID, false)

	r, err := e.svc.Record(t.Context(), sub.ID)
	require.NoError(t, err)
	require.Equal(t, parent.ID, r.BillTo.ID)
	require.Equal(t, sub.ID, r.Client.ID)

	rep, err := e.svc.Onboarding(t.Context(), sub.ID, nil)
	require.NoError(t, err)
	diff(t, []line{
		{client.StepBillingInfo, client.StatusMissing, `the bill-to parent "Parent Co" lacks billing information: ` + allBillingMissing},
		{client.StepSalesItems, client.StatusMissing, `the bill-to parent "Parent Co" lacks billing information: ` + allBillingMissing},
	}, billingSteps(rep), "billing steps while the parent lacks billing information")

	e.withBilling(t, parent.ID)
	rep, err = e.svc.Onboarding(t.Context(), sub.ID, nil)
	require.NoError(t, err)
	diff(t, []line{
		{client.StepBillingInfo, client.StatusDone, `billing information is complete (billed to parent "Parent Co")`},
		{client.StepSalesItems, client.StatusDone, `sales items can be created (billed to parent "Parent Co")`},
	}, billingSteps(rep), "billing steps once the parent has billing information")

	rep, err = e.svc.Onboarding(t.Context(), own.ID, nil)
	require.NoError(t, err)
	diff(t, []line{
		{client.StepBillingInfo, client.StatusMissing, "the client lacks billing information: " + allBillingMissing},
		{client.StepSalesItems, client.StatusMissing, "the client lacks billing information: " + allBillingMissing},
	}, billingSteps(rep), "a sub-organization not billed to its parent needs its own")
}

func TestOnboardingReportString(t *testing.T) {
	rep := client.OnboardingReport{Steps: []client.StepReport{
		{Title: "One", Status: client.StatusDone, Reason: "fine"},
		{Title: "Two", Status: client.StatusMissing, Reason: "do it"},
		{Title: "Three", Status: client.StatusNotChecked},
	}}
	require.Equal(t, "[x] One: fine\n[ ] Two: do it\n[?] Three\n", rep.String())
	require.False(t, rep.Complete())
	require.True(t, client.OnboardingReport{Steps: rep.Steps[:1]}.Complete())
}
