package portal

import (
	"context"
	"fmt"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
)

// OnboardingCheck returns the check of the onboarding step client.StepPortal (seed 002 step 5,
// "Configure Portal access"): done when the client's portal is on and at least one of its active
// contacts has portal access, with the reason counting those who have set their password and
// those still invited.
func OnboardingCheck(s *Service) client.Check {
	return func(ctx context.Context, r client.Record) (client.Outcome, error) {
		if r.Client.Settings.PortalDisabled {
			return client.Outcome{Reason: "the client portal is turned off for the client"}, nil
		}
		active := map[psa.ContactID]bool{}
		for _, c := range r.Contacts {
			active[c.ID] = c.Active
		}
		var ready, invited int
		err := s.run(ctx, func(ctx context.Context, tx Tx) error {
			accounts, err := psa.All(ctx, func(ctx context.Context, p psa.PageRequest) (psa.Page[Account], error) {
				return tx.ListAccounts(ctx, r.Client.ID, p)
			})
			ready, invited = 0, 0
			for _, a := range accounts {
				switch {
				case !a.Enabled || !active[a.ContactID]:
				case a.HasPassword():
					ready++
				default:
					invited++
				}
			}
			return err
		})
		switch {
		case err != nil:
			return client.Outcome{}, err
		case ready+invited == 0:
			return client.Outcome{Reason: "no contact has portal access: enable it and send invitations"}, nil
		}
		return client.Outcome{Done: true, Reason: fmt.Sprintf("%d contact(s) with portal access (%d still to set a password)", ready+invited, invited)}, nil
	}
}
