package servicedesk

import (
	"fmt"
	"strings"

	"github.com/psakit/psa"
	"github.com/psakit/psa/client"
	"github.com/psakit/psa/contract"
)

// Settings are the tenant's service-desk settings.
type Settings struct {
	// DefaultPolicyID is the SLA policy of tickets nothing else assigns one to; nil means none.
	DefaultPolicyID psa.SLAPolicyID `json:"defaultPolicyId"`
	// TimeRounding turns logged time into billable time unless the contract says otherwise.
	TimeRounding contract.TimeRounding `json:"timeRounding"`
	// DefaultRates are the hourly rates per work type or role, in one or more currencies; a
	// client is billed at the rate in its billing currency.
	DefaultRates []client.RateOverride `json:"defaultRates,omitempty"`
	// Categories are the ticket categories; empty means categories are free text. A client's
	// settings may limit which its users choose in the portal.
	Categories []string `json:"categories,omitempty"`
	// ShowTimeEntriesInPortal shows time entries and their public notes to portal users (seed
	// 004 "Admin Options").
	ShowTimeEntriesInPortal bool  `json:"showTimeEntriesInPortal,omitempty"`
	Version                 int64 `json:"version"`
}

// Validate reports every broken rule: the rounding rule, the default rates (each currency's
// work types and roles once), and categories (non-empty, unique case-insensitively).
func (s Settings) Validate() error {
	var v psa.Validator
	v.Merge("timeRounding", s.TimeRounding.Validate())
	byCurrency := map[string][]client.RateOverride{}
	for _, r := range s.DefaultRates {
		byCurrency[r.Rate.Currency().String()] = append(byCurrency[r.Rate.Currency().String()], r)
	}
	for cur, rates := range byCurrency {
		client.ValidateRates(&v, "defaultRates."+cur, rates)
	}
	seen := map[string]bool{}
	for i, c := range s.Categories {
		key := strings.ToLower(strings.TrimSpace(c))
		switch {
		case key == "":
			v.Add(fmt.Sprintf("categories[%d]", i), c, "must not be empty")
		case seen[key]:
			v.Add(fmt.Sprintf("categories[%d]", i), c, "is listed twice")
		}
		seen[key] = true
	}
	return v.Err("service-desk settings")
}
