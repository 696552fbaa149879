// Package jsonerr turns the errors of encoding/json and of the field types it decodes (UUIDs,
// decimals, times) into errors of psa's ErrInvalid category, so that a custom UnmarshalJSON of
// the library reports malformed input as every other parser does.
package jsonerr

import (
	"encoding/json"
	"errors"

	"github.com/psakit/psa"
)

// Invalid returns err as it is when it already unwraps to psa.ErrInvalid (a nested value's
// *psa.ValidationError), and otherwise a *psa.ValidationError for object: for a JSON value of
// the wrong type it names the field and the JSON type given, for anything else (malformed JSON,
// a malformed UUID, decimal or time) it gives the decoder's message as the reason. A nil err
// gives nil.
func Invalid(object string, err error) error {
	if err == nil || errors.Is(err, psa.ErrInvalid) {
		return err
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
		return psa.Invalid(object, te.Field, te.Value, "is not a JSON value of the field's type ("+te.Type.String()+")")
	}
	if _, ok := errors.AsType[*json.SyntaxError](err); ok {
		return psa.Invalid(object, "json", "", "is not valid JSON: "+err.Error())
	}
	return psa.Invalid(object, "json", "", "is not a valid "+object+": "+err.Error())
}
