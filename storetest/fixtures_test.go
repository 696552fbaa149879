package storetest

import (
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/psakit/psa"
	"github.com/psakit/psa/billing"
)

// TestFullFixturesSetEveryField checks that the fixtures the round trips promise to set every
// field of do so (each field in at least one element of every slice), so that a field added to
// the type later fails here until the fixture, and with it the round trip, covers it.
func TestFullFixturesSetEveryField(t *testing.T) {
	for _, c := range []struct {
		name  string
		value any
	}{
		{"fullInvoice", fullInvoice(t, newID[psa.InvoiceID](t), randomID[psa.ClientID](), invoiceScheme, "INV-1")},
		{"fullScheme", fullScheme(t, newID[psa.NumberingSchemeID](t))},
		{"fullSalesItem", fullSalesItem(t, newID[psa.SalesItemID](t), randomID[psa.ClientID]())},
		{"fullUsage", fullUsage(t, newID[psa.UsageID](t), randomID[psa.PartID]())},
		{"fullClaim", fullClaim(t, newID[psa.InvoiceLineID](t), billing.Subject{UUID: uuid.New()}, randomID[psa.InvoiceID]())},
	} {
		all, set := map[string]bool{}, map[string]bool{}
		v := reflect.ValueOf(c.value)
		fieldPaths(v.Type(), v.Type().Name(), all)
		setPaths(v, v.Type().Name(), set)
		for path := range all {
			if !set[path] {
				t.Errorf("%s leaves %s unset (the zero value everywhere)", c.name, path)
			}
		}
	}
}

// compared reports whether the suite compares values of typ as a whole: every type but slices and
// structs whose fields are all exported (time.Time, psa.Money and decimal.Decimal have unexported
// ones).
func compared(typ reflect.Type) bool {
	switch typ.Kind() {
	case reflect.Slice:
		return false
	case reflect.Struct:
		for i := range typ.NumField() {
			if !typ.Field(i).IsExported() {
				return true
			}
		}
		return false
	}
	return true
}

// fieldPaths records in paths the path of every field of typ compared as a whole, under prefix
// ("Invoice.Lines[].Discounts[].Percent").
func fieldPaths(typ reflect.Type, prefix string, paths map[string]bool) {
	switch {
	case typ.Kind() == reflect.Slice:
		fieldPaths(typ.Elem(), prefix+"[]", paths)
	case compared(typ):
		paths[prefix] = true
	default:
		for i := range typ.NumField() {
			fieldPaths(typ.Field(i).Type, prefix+"."+typ.Field(i).Name, paths)
		}
	}
}

// setPaths records in paths the path, as fieldPaths writes it, of every field of v compared as a
// whole that is not the zero value, in any element of a slice.
func setPaths(v reflect.Value, prefix string, paths map[string]bool) {
	switch {
	case v.Kind() == reflect.Slice:
		for i := range v.Len() {
			setPaths(v.Index(i), prefix+"[]", paths)
		}
	case compared(v.Type()):
		if !v.IsZero() {
			paths[prefix] = true
		}
	default:
		for i := range v.NumField() {
			setPaths(v.Field(i), prefix+"."+v.Type().Field(i).Name, paths)
		}
	}
}
