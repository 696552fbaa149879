package overview

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
	"github.com/psakit/psa/invoice"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// View is the client 360 view: what seed 002's client record lists, in one value. Company info,
// notes and client-specific settings are on Client.
type View struct {
	Client client.Client
	// BillTo is the client whose billing information applies: Client itself, or the parent it is
	// billed to.
	BillTo           client.Client
	SubOrganizations []client.Client
	Contacts         []client.Contact
	Contracts        []ContractSummary
	Tickets          TicketSummary
	Assets           []client.Asset
	// Time is the client's time by calendar month, newest first, for the months with time in
	// the last twelve.
	Time     []MonthTime
	Invoices InvoiceSummary
	SLA      SLASummary
	// Portal says which contacts have portal login credentials (seed 002 "Portal access").
	Portal PortalSummary
}

// PortalSummary is the client's portal access.
type PortalSummary struct {
	// Enabled reports whether the client portal is on for the client.
	Enabled bool
	// Access lists the contacts with a portal account, in the order of Contacts.
	Access []PortalAccess
}

// PortalAccess is one contact's portal account, without its credentials.
type PortalAccess struct {
	ContactID psa.ContactID
	Name      string
	Username  string
	// Enabled is "Has Client Portal Access"; PasswordSet is false while the invitation is open.
	Enabled, PasswordSet bool
	RoleID               portal.RoleID
	LastLoginAt          time.Time
}

// ContractSummary is a contract with seed 004's contract information as it stands today.
type ContractSummary struct {
	contract.Contract
	Info contract.Info
}

// TicketSummary counts the client's tickets by state and lists the most recent ones.
type TicketSummary struct {
	Open, Resolved, Closed int
	// Recent are the newest tickets, newest first (Options.RecentTickets of them).
	Recent []servicedesk.Ticket
}

// MonthTime totals the time logged for the client in one calendar month.
type MonthTime struct {
	Month   psa.Period
	Entries int
	// Worked is all time logged; Billable the time logged as billable; Billed the billable time
	// of entries already invoiced.
	Worked, Billable, Billed time.Duration
}

// InvoiceSummary is the client's invoice history, outstanding balance and payments.
type InvoiceSummary struct {
	// Count is the number of the client's invoices and credit notes; Recent the newest of them,
	// by invoice date (drafts, which have none, last), Options.RecentInvoices of them.
	Count  int
	Recent []invoice.Invoice
	// Balance is the outstanding balance by aging bucket, with the credit balance.
	Balance invoice.Balance
	// Payments are every payment received, newest first.
	Payments []PaymentRecord
}

// PaymentRecord is one payment with the invoice it paid.
type PaymentRecord struct {
	InvoiceID psa.InvoiceID
	Number    string
	invoice.Payment
}

// SLASummary is the SLA policy the client's tickets get and how they did against it.
type SLASummary struct {
	// Policy is the policy a new ticket of the client gets; Source where it comes from: the
	// client's override, its default contract, or the tenant's default. Both are zero when no
	// policy applies.
	Policy     servicedesk.Policy
	Source     servicedesk.PolicySource
	Compliance []servicedesk.MetricCompliance
}

// view assembles the view from f.
func (s *Service) view(f facts) (View, error) {
	v := View{Client: f.client, BillTo: f.billTo, SubOrganizations: f.subs, Contacts: f.contacts, Assets: f.assets}
	for _, k := range f.contracts {
		info, err := k.Info(f.today)
		if err != nil {
			return View{}, err
		}
		v.Contracts = append(v.Contracts, ContractSummary{Contract: k, Info: info})
	}
	for _, t := range f.tickets {
		switch {
		case open(t):
			v.Tickets.Open++
		case t.Status == servicedesk.StatusResolved:
			v.Tickets.Resolved++
		default:
			v.Tickets.Closed++
		}
	}
	recent := slices.Clone(f.tickets)
	newestFirst(recent, func(t servicedesk.Ticket) time.Time { return t.CreatedAt }, func(t servicedesk.Ticket) string { return t.ID.String() })
	v.Tickets.Recent = recent[:min(len(recent), s.opts.RecentTickets)]
	v.Time = monthTotals(f.entries, f.today)

	invs := slices.Clone(f.invoices)
	newestFirst(invs, func(inv invoice.Invoice) time.Time { return dayTime(inv.Date) }, func(inv invoice.Invoice) string { return inv.ID.String() })
	v.Invoices = InvoiceSummary{Count: len(invs), Recent: invs[:min(len(invs), s.opts.RecentInvoices)],
		Balance: invoice.Outstanding(f.invoices, f.billTo.Billing.Currency, f.today)}
	for _, inv := range invs {
		for _, p := range inv.Payments {
			v.Invoices.Payments = append(v.Invoices.Payments, PaymentRecord{InvoiceID: inv.ID, Number: inv.Number, Payment: p})
		}
	}
	newestFirst(v.Invoices.Payments, func(p PaymentRecord) time.Time { return dayTime(p.Date) }, func(p PaymentRecord) string { return p.ID.String() })

	if f.hasPolicy {
		v.SLA.Policy, v.SLA.Source = f.policy, f.policySource
	}
	v.SLA.Compliance = servicedesk.Summarize(f.statuses)
	v.Portal.Enabled = !f.client.Settings.PortalDisabled
	byContact := map[psa.ContactID]portal.Account{}
	for _, a := range f.accounts {
		byContact[a.ContactID] = a
	}
	for _, c := range f.contacts {
		if a, ok := byContact[c.ID]; ok {
			v.Portal.Access = append(v.Portal.Access, PortalAccess{ContactID: c.ID, Name: strings.TrimSpace(c.FirstName + " " + c.LastName), Username: a.Username,
				Enabled: a.Enabled, PasswordSet: a.HasPassword(), RoleID: a.RoleID, LastLoginAt: a.LastLoginAt})
		}
	}
	return v, nil
}

// dayTime returns the start of day d in UTC (the zero time for the zero Date), for ordering.
func dayTime(d psa.Date) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

// monthTotals totals entries by calendar month for the twelve months up to today, newest first,
// leaving out months without time.
func monthTotals(entries []servicedesk.TimeEntry, today psa.Date) []MonthTime {
	y, m, _ := today.Date()
	first := psa.NewDate(y, m, 1).AddMonths(-11)
	byMonth := map[psa.Date]*MonthTime{}
	for _, e := range entries {
		if e.Date.Before(first) || e.Date.After(today) {
			continue
		}
		ey, em, _ := e.Date.Date()
		start := psa.NewDate(ey, em, 1)
		mt := byMonth[start]
		if mt == nil {
			mt = &MonthTime{Month: psa.Period{Start: start, End: start.AddMonths(1)}}
			byMonth[start] = mt
		}
		mt.Entries++
		mt.Worked += e.Duration
		if e.Billable {
			mt.Billable += e.Duration
			if e.Status == servicedesk.EntryBilled {
				mt.Billed += e.Duration
			}
		}
	}
	out := make([]MonthTime, 0, len(byMonth))
	for _, mt := range byMonth {
		out = append(out, *mt)
	}
	slices.SortFunc(out, func(a, b MonthTime) int { return b.Month.Start.Compare(a.Month.Start) })
	return out
}

// String renders the view as a short text summary, one section a line.
func (v View) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)", v.Client.Name, v.Client.Status)
	if v.BillTo.ID != v.Client.ID {
		fmt.Fprintf(&b, ", billed to %s", v.BillTo.Name)
	}
	b.WriteByte('\n')
	active := 0
	for _, c := range v.Contacts {
		if c.Active {
			active++
		}
	}
	fmt.Fprintf(&b, "  contacts:  %d (%d active), %d sub-organizations, %d assets\n", len(v.Contacts), active, len(v.SubOrganizations), len(v.Assets))
	for _, k := range v.Contracts {
		fmt.Fprintf(&b, "  contract:  %s (%s, %s, %s)%s\n", k.Name, k.Type, k.Status, contractSpan(k.Contract), k.detail())
	}
	fmt.Fprintf(&b, "  tickets:   %d open, %d resolved, %d closed\n", v.Tickets.Open, v.Tickets.Resolved, v.Tickets.Closed)
	for _, t := range v.Time {
		fmt.Fprintf(&b, "  time:      %s: %d entries, %v worked, %v billable, %v billed\n", t.Month, t.Entries, t.Worked, t.Billable, t.Billed)
	}
	if v.Invoices.Balance.Currency == (currency.Unit{}) {
		fmt.Fprintf(&b, "  invoices:  %d (no billing currency)\n", v.Invoices.Count)
	} else {
		fmt.Fprintf(&b, "  invoices:  %d, outstanding %s, credit %s, %d payments\n", v.Invoices.Count, v.Invoices.Balance.Outstanding, v.Invoices.Balance.Credit, len(v.Invoices.Payments))
	}
	enabled := 0
	for _, a := range v.Portal.Access {
		if a.Enabled {
			enabled++
		}
	}
	if v.Portal.Enabled {
		fmt.Fprintf(&b, "  portal:    %d contacts with access\n", enabled)
	} else {
		b.WriteString("  portal:    turned off for the client\n")
	}
	if v.SLA.Source == "" {
		b.WriteString("  SLA:       no policy applies\n")
	} else {
		fmt.Fprintf(&b, "  SLA:       %q from the %s\n", v.SLA.Policy.Name, v.SLA.Source)
	}
	return b.String()
}

// contractSpan renders a contract's dates.
func contractSpan(k contract.Contract) string {
	if k.End.IsZero() {
		return "from " + k.Start.String()
	}
	return k.Start.String() + " to " + k.End.String()
}

// detail renders the contract information of the summary's type.
func (cs ContractSummary) detail() string {
	switch in := cs.Info; {
	case in.Remaining != nil:
		return ", remaining " + in.Remaining.String()
	case in.Consumed != nil:
		return ", consumed " + in.Consumed.String()
	case in.PrepaidHours != nil:
		h := in.PrepaidHours
		return fmt.Sprintf(", hours used %s of %s, %s left", h.Used, h.Purchased.Add(h.Carried), h.Remaining)
	case in.IncidentsLeft != nil:
		return fmt.Sprintf(", %d incidents left", *in.IncidentsLeft)
	}
	return ""
}
