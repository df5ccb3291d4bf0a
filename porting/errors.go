package porting

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error the Service or a Store returns matches one of
// these with errors.Is; the typed errors below carry the details and are
// reached with errors.As.
var (
	// ErrNotFound: the request, sub request, attachment, comment or
	// account does not exist (or the caller may not know it exists).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a write was based on a stale revision.
	ErrConflict = errors.New("revision conflict")
	// ErrInvalidTransition: the lifecycle does not allow the move. See
	// *TransitionError, which the Service wraps in a ValidationError on
	// the field "port_state".
	ErrInvalidTransition = errors.New("the lifecycle does not allow the move")
	// ErrNumberOnRequest: a number is already on another active port
	// request. See *NumberOnRequestError.
	ErrNumberOnRequest = errors.New("number is on a port request already")
	// ErrNumberOwned: the platform already owns the number. See
	// *NumberOwnedError.
	ErrNumberOwned = errors.New("number exists on the system already")
	// ErrChargesNotAccepted: the operation costs money and the caller did
	// not accept the charges. See *ChargesError.
	ErrChargesNotAccepted = errors.New("accept charges")
	// ErrForbidden: the actor may not do this to this request or account.
	ErrForbidden = errors.New("forbidden")
	// ErrValidation: the input is invalid. See *ValidationError.
	ErrValidation = errors.New("invalid request")
	// ErrNotAllowedInState: the operation is not allowed in the request's
	// current state (delete, attachment delete). See *StateError.
	ErrNotAllowedInState = errors.New("not allowed in current state")
	// ErrTooLarge: a body or attachment exceeds its size limit. See
	// *TooLargeError.
	ErrTooLarge = errors.New("too large")
	// ErrUnsupportedMediaType: the content type of an attachment or of a
	// request body is not accepted. See *MediaTypeError.
	ErrUnsupportedMediaType = errors.New("unsupported media type")
	// ErrInsufficientStorage: the Store has too little room left to take
	// the write, which changed nothing; reads still work, and writes do
	// again once room is made. Dialects answer 507.
	ErrInsufficientStorage = errors.New("insufficient storage")
	// ErrClosed: the Store has been closed (or the process is shutting
	// down). Every Store returns it, wrapped, from every method called
	// after Close; a dialect answers 503, since a retry elsewhere may
	// succeed.
	ErrClosed = errors.New("store closed")
	// ErrUnavailable: the Store cannot reach its database (down,
	// restarting, the connection lost): the call did nothing it
	// acknowledged, and the same call may succeed once the database is
	// back. A dialect answers 503.
	ErrUnavailable = errors.New("store unavailable")
	// ErrSupportKeyTaken is returned by a Store when a support key is
	// already in use. The Service handles it by drawing a new key; callers
	// of the Service never see it.
	ErrSupportKeyTaken = errors.New("support key taken")
)

// FieldError is one problem with one input field.
type FieldError struct {
	// Field is the field's path in the domain's vocabulary, with dots
	// between levels: "name", "numbers", "bill.postal_code",
	// "port_state", "sub_requests.billing_phone_number".
	Field string
	// Value is the client's input at fault, as sent, where that matters:
	// the raw form of a number ("(202) 555-0100"), the target state.
	Value string
	// Index is the position of the offending item in a list input, or -1.
	Index int
	// Code is the kind of problem, in JSON Schema's vocabulary: "required",
	// "type", "enum", "format", "minLength", "maxLength", "minimum",
	// "maximum", "minItems", "maxItems", "minProperties", "maxProperties",
	// "unique", and "forbidden" for a field that may not change now. A
	// dialect renders its own words from the code, the field and Err.
	Code string
	// Limit is the bound a "max…" or "min…" problem broke (characters,
	// items or bytes), 0 for other codes.
	Limit int64
	// Message says what is wrong in porting's own words, for humans and
	// logs; dialects may say it their way.
	Message string
	// Err is the underlying domain error, when there is one (for example a
	// *NumberOnRequestError); errors.As reaches it through the
	// ValidationError.
	Err error
}

// Error returns the field, the value at fault (if any) and the message.
func (f FieldError) Error() string {
	if f.Value != "" {
		return fmt.Sprintf("%s %q: %s", f.Field, f.Value, f.Message)
	}
	return f.Field + ": " + f.Message
}

// ValidationError lists every problem found in one input. It matches
// ErrValidation, and errors.As reaches the Err of each field.
type ValidationError struct {
	// Fields lists the problems in a fixed order for a given input (each
	// operation documents its order), so that a client sees the same list
	// for the same mistake.
	Fields []FieldError
}

// Error lists every field's problem.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// Is reports whether target is ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Unwrap returns the domain errors behind the fields.
func (e *ValidationError) Unwrap() []error {
	var errs []error
	for _, f := range e.Fields {
		if f.Err != nil {
			errs = append(errs, f.Err)
		}
	}
	return errs
}

// fieldErrors collects FieldErrors and turns them into a *ValidationError.
type fieldErrors []FieldError

func (fe *fieldErrors) add(field, value, code, msg string) {
	*fe = append(*fe, FieldError{Field: field, Value: value, Index: -1, Code: code, Message: msg})
}

// tooLong adds a maxLength problem: the field is over limit characters.
func (fe *fieldErrors) tooLong(field string, limit int) {
	*fe = append(*fe, FieldError{Field: field, Index: -1, Code: "maxLength", Limit: int64(limit),
		Message: fmt.Sprintf("Must be at most %d characters", limit)})
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return &ValidationError{Fields: fe}
}

// invalid returns a *ValidationError with a single field.
func invalid(field, value, code, msg string) error {
	return &ValidationError{Fields: []FieldError{{Field: field, Value: value, Index: -1, Code: code, Message: msg}}}
}

// TransitionError says that a request or sub request cannot move from one
// state to another. It matches ErrInvalidTransition; the Service wraps it
// in a ValidationError on the field "port_state", valued the target state.
type TransitionError struct {
	// RequestID is the request that could not move.
	RequestID string
	// SubRequestID is the sub request that could not move; empty for a
	// whole-request transition.
	SubRequestID string
	// From is the state it is in, To the state it was asked to move to.
	From, To State
}

// Error names the refused move.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("the lifecycle does not allow moving from %s to %s", e.From, e.To)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// NumberOnRequestError says a number is already on another active request.
type NumberOnRequestError struct {
	Number Number // as the client sent it (Raw) and normalised (E164)
	// RequestID is the request that holds the number. The Service leaves
	// it empty when the actor cannot see that request.
	RequestID string
}

// Error names the number and, when known, the request holding it.
func (e *NumberOnRequestError) Error() string {
	if e.RequestID == "" {
		return "number " + e.Number.E164 + " is on another active port request"
	}
	return "number " + e.Number.E164 + " is on active port request " + e.RequestID
}

// Is reports whether target is ErrNumberOnRequest.
func (e *NumberOnRequestError) Is(target error) bool { return target == ErrNumberOnRequest }

// NumberOwnedError says the platform already owns a number.
type NumberOwnedError struct {
	// Number is the number as the client sent it (Raw) and normalised.
	Number    Number
	AccountID string // the owning account, when known
}

// Error names the number.
func (e *NumberOwnedError) Error() string {
	return "number " + e.Number.E164 + " is the platform's already"
}

// Is reports whether target is ErrNumberOwned.
func (e *NumberOwnedError) Is(target error) bool { return target == ErrNumberOwned }

// ChargesError says an operation needs the caller to accept a quote.
type ChargesError struct {
	// Quote is what the operation costs.
	Quote Quote
}

// Error states the charges to accept.
func (e *ChargesError) Error() string {
	return fmt.Sprintf("accept charges: activation charges %.2f", e.Quote.ActivationCharges)
}

// Is reports whether target is ErrChargesNotAccepted.
func (e *ChargesError) Is(target error) bool { return target == ErrChargesNotAccepted }

// StateError says an operation is not allowed in the request's state.
type StateError struct {
	Op string // "delete", "delete attachment", "edit", ...
	// State is the request's state, which does not allow Op.
	State State
}

// Error names the operation and the state.
func (e *StateError) Error() string {
	return fmt.Sprintf("%s not allowed in port state %s", e.Op, e.State)
}

// Is reports whether target is ErrNotAllowedInState.
func (e *StateError) Is(target error) bool { return target == ErrNotAllowedInState }

// TooLargeError says an input exceeds its size limit.
type TooLargeError struct {
	What string // "attachment", "numbers", ...
	// Limit is the largest size allowed (bytes, or items for a list).
	Limit int64
}

// Error names the input and its limit.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s exceeds the limit of %d", e.What, e.Limit)
}

// Is reports whether target is ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// MediaTypeError says the content type of an attachment or of a request
// body is not accepted.
type MediaTypeError struct {
	// ContentType is the content type as the client sent it.
	ContentType string
	// Accepted lists the content types that are.
	Accepted []string
}

// Error names the refused type and the accepted ones.
func (e *MediaTypeError) Error() string {
	return fmt.Sprintf("content type %q not accepted (accepted: %s)", e.ContentType, strings.Join(e.Accepted, ", "))
}

// Is reports whether target is ErrUnsupportedMediaType.
func (e *MediaTypeError) Is(target error) bool { return target == ErrUnsupportedMediaType }
