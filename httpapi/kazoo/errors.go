package kazoo

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/portkit/portkit/httpapi/internal/status"
	"github.com/portkit/portkit/porting"
)

// fieldProblem is one problem with one input field, in the shape of
// Kazoo's validation errors: data[key][code] = {cause, message}.
type fieldProblem struct{ key, code, cause, message string }

// invalidInput is a validation failure the dialect finds itself, before
// porting sees the input: a field of the wrong JSON type, a bad date, an
// unknown state. It answers 400 with a message naming the problem.
type invalidInput struct{ problems []fieldProblem }

// problem returns a *invalidInput with one problem.
func problem(key, code, cause, msg string) error {
	return &invalidInput{problems: []fieldProblem{{key, code, cause, msg}}}
}

// add adds a problem.
func (e *invalidInput) add(key, code, cause, msg string) {
	e.problems = append(e.problems, fieldProblem{key, code, cause, msg})
}

// addErr adds the problems of another error.
func (e *invalidInput) addErr(err error) {
	var ki *invalidInput
	if errors.As(err, &ki) {
		e.problems = append(e.problems, ki.problems...)
		return
	}
	e.add("", "", "", err.Error())
}

// err returns the collected problems as an error, or nil.
func (e *invalidInput) err() error {
	if len(e.problems) == 0 {
		return nil
	}
	return &invalidInput{problems: e.problems}
}

// Error joins the problems' messages.
func (e *invalidInput) Error() string {
	msgs := make([]string, len(e.problems))
	for i, p := range e.problems {
		msgs[i] = p.message
	}
	return strings.Join(msgs, "; ")
}

// Is makes a invalidInput a validation failure (400).
func (e *invalidInput) Is(target error) bool { return target == porting.ErrValidation }

// causeBody is the innermost object of a validation error.
type causeBody struct {
	Cause   string `json:"cause,omitempty"`
	Message string `json:"message"`
}

// errorData is the data of a validation failure, keyed by field and
// code.
type errorData map[string]map[string]causeBody

// add sets a problem, unless the key has one of that code already.
func (d errorData) add(key, code, cause, msg string) {
	if code == "" {
		code = "invalid"
	}
	if d[key] == nil {
		d[key] = map[string]causeBody{}
	}
	if _, dup := d[key][code]; !dup {
		d[key][code] = causeBody{Cause: cause, Message: msg}
	}
}

// validationData renders porting's field errors as Kazoo does. A
// number's error is keyed by the number as the client sent it; an edit
// refused in the current state, by the state; any other by the field's
// dotted path (renamed by rename, when the dialect's name differs).
func validationData(ve *porting.ValidationError, rename map[string]string) errorData {
	data := errorData{}
	for _, f := range ve.Fields {
		key := f.Field
		var se *porting.StateError
		if f.Value != "" && (f.Field == "numbers" || errors.As(f.Err, &se)) {
			key = f.Value
		} else if to, ok := rename[key]; ok {
			key = to
		}
		data.add(key, f.Code, f.Value, fieldMessage(f))
	}
	return data
}

// fieldMessage is Kazoo's wording of a field error: the messages its
// document and its schema validation give, and porting's own words where
// Kazoo has none.
func fieldMessage(f porting.FieldError) string {
	var (
		te *porting.TransitionError
		se *porting.StateError
		ne *porting.NumberOnRequestError
		oe *porting.NumberOwnedError
	)
	switch {
	case errors.As(f.Err, &te):
		return "Cannot move to new state from current state"
	case errors.As(f.Err, &se) && se.Op == "edit":
		return "Updating port requests not allowed in current port state"
	case errors.As(f.Err, &ne) && ne.RequestID != "":
		return "Number is on a port request already: " + ne.RequestID
	case errors.As(f.Err, &ne):
		return "Number is on a port request already"
	case errors.As(f.Err, &oe):
		return "Number exists on the system already"
	case f.Code == "required" && f.Field == "name":
		return "Field is required but missing"
	case f.Code == "maxLength" && f.Limit > 0:
		return fmt.Sprintf("String must not be more than %d characters", f.Limit)
	}
	return f.Message
}

// messageBody is the data of an error answer without field details.
type messageBody struct {
	Message string `json:"message"`
}

// fail answers an error in the Kazoo error envelope.
func (c *call) fail(err error) { c.failRenamed(err, nil) }

// failRenamed is fail with validation fields renamed to the dialect's
// names.
func (c *call) failRenamed(err error, rename map[string]string) {
	code := status.Of(err, http.StatusBadRequest)
	var data any
	var msg string
	switch code {
	case http.StatusBadRequest:
		var ki *invalidInput
		var ve *porting.ValidationError
		switch {
		case errors.As(err, &ki):
			d := errorData{}
			for _, p := range ki.problems {
				d.add(p.key, p.code, p.cause, p.message)
			}
			data, msg = d, ki.Error()
		case errors.As(err, &ve):
			data, msg = validationData(ve, rename), "invalid request"
		default:
			msg = err.Error()
		}
	case http.StatusUnauthorized:
		msg = "invalid credentials"
	case http.StatusPaymentRequired:
		var q porting.Quote
		var ce *porting.ChargesError
		if errors.As(err, &ce) {
			q = ce.Quote
		}
		data, msg = c.k.chargesData(q), "accept charges"
	case http.StatusForbidden:
		msg = "forbidden"
	case http.StatusNotFound:
		msg = "bad identifier"
	case http.StatusConflict:
		msg = "conflict"
	case http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusNotImplemented:
		msg = err.Error()
	case http.StatusInsufficientStorage:
		msg = "insufficient storage: the write was refused and changed nothing; reads still work"
		c.logError(err)
	case http.StatusServiceUnavailable:
		msg = "service unavailable"
		c.logError(err)
	default:
		code, msg = http.StatusInternalServerError, "internal error"
		c.logError(err)
	}
	c.failWith(code, msg, data)
}

// failWith answers an error with a status, a message and data (nil: the
// message).
func (c *call) failWith(code int, msg string, data any) {
	if data == nil {
		data = messageBody{msg}
	}
	bp := c.start()
	*bp = marshal(*bp, data)
	c.finish(bp, code, tail{message: msg})
}

// logError logs a server-side failure; the client only sees its status.
func (c *call) logError(err error) {
	c.k.log.ErrorContext(c.r.Context(), "kazoo: request failed",
		"method", c.r.Method, "path", c.r.URL.Path, "request_id", c.requestID(), "error", err)
}

// errNotUnderAccount is the error of a request outside the URL's account tree.
var errNotUnderAccount = fmt.Errorf("port request not under this account: %w", porting.ErrNotFound)
