package portal_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/psakit/psa"
	"github.com/psakit/psa/portal"
	"github.com/psakit/psa/servicedesk"
)

// TestBuiltInsCannotBeChanged: the built-in roles, the ticket forms and the landing pages are
// returned as new values by functions, so changing what a caller got changes nothing the portal
// allows. (They were exported variables: setting BuiltInRoles[0].Permissions.Invoices let every
// External User see the organization's invoices.)
func TestBuiltInsCannotBeChanged(t *testing.T) {
	w := newWorld(t)
	acme := w.newClient("Acme", psa.ClientID{})
	ann := w.user(w.newContact(acme, "Ann", "ann@acme.example"), portal.ExternalUser().ID, false)

	roles := portal.BuiltInRoles()
	roles[0].Permissions.Invoices, roles[0].Permissions.Contracts = true, true
	user := portal.ExternalUser()
	user.Permissions.Invoices = true
	quick := portal.QuickTicketFields()
	quick[0] = portal.TicketSite
	form := portal.TicketForm(user)
	form[1] = portal.TicketContract
	pages := portal.LandingPages()
	pages[0] = portal.PageInvoices

	require.False(t, portal.BuiltInRoles()[0].Permissions.Invoices)
	require.False(t, portal.ExternalUser().Permissions.Invoices)
	require.Equal(t, portal.TicketTitle, portal.QuickTicketFields()[0])
	require.False(t, slices.Contains(portal.TicketForm(portal.ExternalUser()), portal.TicketContract))
	require.Equal(t, portal.PageDashboard, portal.LandingPages()[0])

	_, err := w.portal.Invoices(w.ctx, ann.AccountID)
	require.ErrorIs(t, err, psa.ErrForbidden, "an External User views invoices")
	_, err = w.portal.Contracts(w.ctx, ann.AccountID)
	require.ErrorIs(t, err, psa.ErrForbidden, "an External User views contracts")
	_, err = w.portal.OpenTicket(w.ctx, ann.AccountID, portal.NewTicket{Fields: servicedesk.Fields{Title: "x", Site: "HQ"}})
	require.ErrorIs(t, err, psa.ErrInvalid, "the quick form has a site")
	r, err := w.portal.Role(w.ctx, portal.ExternalUser().ID)
	require.NoError(t, err)
	require.False(t, r.Permissions.Invoices)
}
