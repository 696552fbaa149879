package psa

import (
	"errors"
	"fmt"
	"strings"
)

// Error categories. Every error the library returns wraps exactly one of them, so a host maps an
// error to a response with one errors.Is per category:
//
//	switch {
//	case errors.Is(err, psa.ErrNotFound):     // 404
//	case errors.Is(err, psa.ErrInvalid):      // 400 or 422
//	case errors.Is(err, psa.ErrConflict):     // 409, reload and retry
//	case errors.Is(err, psa.ErrPrecondition): // 412 or 422, fix the named prerequisite first
//	}
var (
	// ErrNotFound reports that the object asked for does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("psa: not found")
	// ErrAlreadyExists reports that an object with the same identity or unique key exists already.
	ErrAlreadyExists = errors.New("psa: already exists")
	// ErrConflict reports a concurrent change: the object's stored version is not the one the
	// caller read, or a transaction lost a race. Reloading and retrying is the remedy.
	ErrConflict = errors.New("psa: conflict")
	// ErrInvalid reports input that breaks a rule on its own: a malformed value, a missing field,
	// a value out of range.
	ErrInvalid = errors.New("psa: invalid input")
	// ErrPrecondition reports valid input that cannot be applied in the current state: missing
	// billing information, an unconfirmed numbering scheme, a forbidden status transition.
	ErrPrecondition = errors.New("psa: precondition failed")
	// ErrForbidden reports that the caller may not do or see what it asked for.
	ErrForbidden = errors.New("psa: forbidden")
)

// FieldError is one broken rule of one input field.
type FieldError struct {
	// Field names the field, dotted for nested values ("billing.address.city", "contacts[2].email").
	Field string
	// Value is the offending value as given, formatted for a message ("" for a missing value).
	Value string
	// Reason says which rule the value breaks, in words ("is required", "is not an e-mail address").
	Reason string
}

func (e FieldError) String() string {
	if e.Value == "" {
		return e.Field + " " + e.Reason
	}
	return fmt.Sprintf("%s %q %s", e.Field, e.Value, e.Reason)
}

// ValidationError lists every field of an input that breaks a rule. It unwraps to ErrInvalid.
type ValidationError struct {
	// Object names what was being validated ("client", "contact", "billing information").
	Object string
	// Fields lists every broken rule, in the order of the input's fields.
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return fmt.Sprintf("psa: invalid %s: %s", e.Object, strings.Join(parts, "; "))
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Validator collects field errors while an input is checked, so that one call reports every broken
// rule instead of the first one.
//
//	var v psa.Validator
//	v.Require("name", c.Name)
//	if !ok { v.Add("email", c.Email, "is not an e-mail address") }
//	return v.Err("client")
type Validator struct {
	fields []FieldError
}

// Add records that field with value breaks the rule described by reason.
func (v *Validator) Add(field, value, reason string) {
	v.fields = append(v.fields, FieldError{Field: field, Value: value, Reason: reason})
}

// Require records a "is required" error for field when value is empty or only white space.
func (v *Validator) Require(field, value string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, value, "is required")
	}
}

// Merge records the fields of err under prefix when err is a *ValidationError, so nested inputs
// report dotted field names ("billing." + "currency"). Any other non-nil error is recorded as a
// reason for the prefix itself.
func (v *Validator) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	if ve, ok := errors.AsType[*ValidationError](err); ok {
		for _, f := range ve.Fields {
			f.Field = prefix + "." + f.Field
			v.fields = append(v.fields, f)
		}
		return
	}
	v.Add(prefix, "", err.Error())
}

// OK reports whether no error has been recorded.
func (v *Validator) OK() bool { return len(v.fields) == 0 }

// Err returns a *ValidationError for object listing every recorded field, or nil when there is none.
func (v *Validator) Err(object string) error {
	if len(v.fields) == 0 {
		return nil
	}
	return &ValidationError{Object: object, Fields: v.fields}
}

// Invalid returns a *ValidationError for a single field.
func Invalid(object, field, value, reason string) error {
	return &ValidationError{Object: object, Fields: []FieldError{{Field: field, Value: value, Reason: reason}}}
}

// NotFoundError reports that an object of a kind was looked up by a key and does not exist. It
// unwraps to ErrNotFound.
type NotFoundError struct {
	// Kind names the object ("client", "contact", "invoice").
	Kind string
	// Key is the identifier or unique key it was looked up by.
	Key string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("psa: %s %s not found", e.Kind, e.Key) }

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// NotFound returns a *NotFoundError for an object of kind looked up by key.
func NotFound(kind string, key fmt.Stringer) error {
	return &NotFoundError{Kind: kind, Key: key.String()}
}

// AlreadyExistsError reports that an object of a kind with the same identity or unique key exists
// already. It unwraps to ErrAlreadyExists.
type AlreadyExistsError struct {
	// Kind names the object ("client", "asset").
	Kind string
	// Key is the identity or unique key that is taken ("external ID crm-42").
	Key string
}

func (e *AlreadyExistsError) Error() string {
	return fmt.Sprintf("psa: %s %s already exists", e.Kind, e.Key)
}

// Unwrap returns ErrAlreadyExists.
func (e *AlreadyExistsError) Unwrap() error { return ErrAlreadyExists }

// VersionConflictError reports an update or delete made against a stale version of an object. It
// unwraps to ErrConflict.
type VersionConflictError struct {
	// Kind names the object.
	Kind string
	// ID identifies it.
	ID string
	// Given is the version the caller read; Stored is the version in the store now.
	Given, Stored int64
}

func (e *VersionConflictError) Error() string {
	return fmt.Sprintf("psa: %s %s was changed concurrently: version %d given, version %d stored", e.Kind, e.ID, e.Given, e.Stored)
}

// Unwrap returns ErrConflict.
func (e *VersionConflictError) Unwrap() error { return ErrConflict }

// PreconditionError reports a rule that the current state of an object does not allow. It unwraps
// to ErrPrecondition. Packages define richer precondition errors where a caller needs more facts
// (client.BillingInfoError); this one carries the object and the rule in words.
type PreconditionError struct {
	// Kind and ID name the object.
	Kind, ID string
	// Rule says what is not allowed and why ("cannot remove the primary contact while other
	// contacts exist").
	Rule string
}

func (e *PreconditionError) Error() string {
	return fmt.Sprintf("psa: %s %s: %s", e.Kind, e.ID, e.Rule)
}

// Unwrap returns ErrPrecondition.
func (e *PreconditionError) Unwrap() error { return ErrPrecondition }
