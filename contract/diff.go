package contract

import (
	"fmt"
	"strings"
)

// diffTerms describes every field that differs between old and new as "field old -> new",
// joined with "; ", for the contract history.
func diffTerms(old, new Terms) string {
	var changes []string
	add := func(field string, a, b any) {
		as, bs := fmt.Sprint(a), fmt.Sprint(b)
		if as != bs {
			changes = append(changes, fmt.Sprintf("%s %s -> %s", field, quoteEmpty(as), quoteEmpty(bs)))
		}
	}
	add("name", old.Name, new.Name)
	add("reference number", old.ReferenceNumber, new.ReferenceNumber)
	add("type", old.Type, new.Type)
	add("description", old.Description, new.Description)
	add("PO number", old.PONumber, new.PONumber)
	add("start", old.Start, new.Start)
	add("end", dateOrOpen(old.End), dateOrOpen(new.End))
	add("SLA policy", old.SLAPolicyID, new.SLAPolicyID)
	add("default", old.Default, new.Default)
	add("schedule", old.Schedule, new.Schedule)
	add("timing", old.Timing, new.Timing)
	add("day count", old.DayCount, new.DayCount)
	add("rounding", old.Rounding, new.Rounding)
	add("setup fee", moneyOrUnset(old.SetupFee), moneyOrUnset(new.SetupFee))
	add("billing price", moneyOrUnset(old.BillingPrice), moneyOrUnset(new.BillingPrice))
	add("bill amount", moneyOrUnset(old.BillAmount), moneyOrUnset(new.BillAmount))
	add("hours", old.Hours, new.Hours)
	add("rollover", old.Rollover, new.Rollover)
	add("overage rate", moneyOrUnset(old.OverageRate), moneyOrUnset(new.OverageRate))
	add("cap", moneyOrUnset(old.Cap), moneyOrUnset(new.Cap))
	add("payment terms", old.PaymentTerms, new.PaymentTerms)
	add("renewal", old.Renewal, new.Renewal)
	add("rates", fmt.Sprint(old.Rates), fmt.Sprint(new.Rates))
	add("time rounding", roundingText(old.TimeRounding), roundingText(new.TimeRounding))
	if len(changes) == 0 {
		return "nothing"
	}
	return strings.Join(changes, "; ")
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

func roundingText(r *TimeRounding) string {
	if r == nil {
		return "tenant's"
	}
	return fmt.Sprintf("minimum %d min, increment %d min", r.MinimumMinutes, r.IncrementMinutes)
}
