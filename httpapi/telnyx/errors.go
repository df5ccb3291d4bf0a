package telnyx

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/httpapi/internal/status"
	"github.com/portkit/portkit/porting"
)

// The Telnyx error body:
//
//	{"message": "...", "errors": [{"code": "...", "title": "...",
//	  "detail": "...", "source": {"pointer": "/field/path"}}]}
//
// A 402 adds "activation_charges", the quote to accept.
type errorBody struct {
	Message           string      `json:"message"`
	Errors            []errorItem `json:"errors"`
	ActivationCharges *float64    `json:"activation_charges,omitempty"`
}

// errorItem is one problem.
type errorItem struct {
	Code   string       `json:"code"`
	Title  string       `json:"title"`
	Detail string       `json:"detail,omitempty"`
	Source *errorSource `json:"source,omitempty"`
}

// errorSource says where a problem is: a JSON pointer into the
// body, or a query parameter.
type errorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

// routeError is a routing failure: no such path, or not with this
// method.
type routeError struct{ status int }

// Error returns the status text.
func (e *routeError) Error() string { return http.StatusText(e.status) }

var (
	errNoRoute = &routeError{http.StatusNotFound}
	errMethod  = &routeError{http.StatusMethodNotAllowed}
)

// paramError is an invalid query parameter: 422, with
// source.parameter.
type paramError struct{ param, value, msg string }

// Error names the parameter, its value and the problem.
func (e *paramError) Error() string {
	return fmt.Sprintf("query parameter %s=%q: %s", e.param, e.value, e.msg)
}

// Is makes a paramError a validation failure.
func (e *paramError) Is(target error) bool { return target == porting.ErrValidation }

// invalidField returns a ValidationError on one body field.
func invalidField(field, value, code, msg string) error {
	return &porting.ValidationError{Fields: []porting.FieldError{{Field: field, Value: value, Index: -1, Code: code, Message: msg}}}
}

// statusFor maps an error to the dialect's HTTP status: bytes that are
// not JSON are 400; every other validation failure, JSON of the wrong
// shape among them, is 422 (the document's "Unprocessable entity"), and
// so is an operation the request's state forbids.
func statusFor(err error) int {
	var se *httpjson.SyntaxError
	var te *httpjson.TypeError
	var re *routeError
	switch {
	case errors.As(err, &re):
		return re.status
	case errors.As(err, &te):
		return http.StatusUnprocessableEntity
	case errors.As(err, &se):
		return http.StatusBadRequest
	case errors.Is(err, porting.ErrNotAllowedInState) && !errors.Is(err, porting.ErrValidation):
		return http.StatusUnprocessableEntity
	}
	return status.Of(err, http.StatusUnprocessableEntity)
}

// errorCodes are the error codes of the statuses.
var errorCodes = map[int]string{
	400: "bad_request", 401: "unauthorized", 402: "accept_charges", 403: "forbidden", 404: "not_found",
	405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
	422: "unprocessable_entity", 500: "internal_error", 503: "unavailable", 507: "insufficient_storage",
}

// fieldTitles are the titles of porting's validation codes.
var fieldTitles = map[string]string{
	"required": "Missing required field", "forbidden": "Field cannot change now", "format": "Invalid format",
	"enum": "Invalid value", "type": "Invalid value", "unique": "Duplicate value",
	"maxLength": "Value too long", "minLength": "Value too short", "maxItems": "Too many items",
	"minItems": "Too few items", "maxProperties": "Too many items", "minProperties": "Too few items",
	"minimum": "Value too small", "maximum": "Value out of range",
}

// fail writes err as the dialect's error response. numbers are the raw
// phone numbers of the body, in order, so errors about a number point at
// its position.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error, numbers []string) {
	code, body := errorFor(err, numbers)
	if code >= 500 {
		h.log.ErrorContext(r.Context(), "telnyx: request failed", "method", r.Method, "path", r.URL.Path,
			"status", code, "request_id", w.Header().Get("X-Request-Id"), "err", err)
	}
	httpjson.Write(w, code, body)
}

// errorFor builds the status and body for err.
func errorFor(err error, numbers []string) (int, errorBody) {
	code := statusFor(err)
	title := http.StatusText(code)
	if code == http.StatusNotFound {
		title = "Resource not found"
	}
	var (
		se *httpjson.SyntaxError
		te *httpjson.TypeError
		ce *porting.ChargesError
		ve *porting.ValidationError
		pe *paramError
		re *routeError
	)
	one := func(detail string, src *errorSource) errorBody {
		msg := title
		if detail != "" {
			msg = detail
		}
		return errorBody{Message: msg, Errors: []errorItem{{Code: errorCodes[code], Title: title, Detail: detail, Source: src}}}
	}
	switch {
	case code == http.StatusInsufficientStorage:
		return code, one("The server is out of storage: the write was refused and changed nothing; reads still work", nil)
	case code >= 500 || errors.As(err, &re):
		return code, one("", nil)
	case code == http.StatusBadRequest && errors.As(err, &se):
		return code, one(se.Msg, nil)
	case code == http.StatusUnauthorized:
		b := one("Authenticate with \"Authorization: Token <token>\" (or Bearer), or with x-api-user and x-api-token", nil)
		b.Message = "Authentication failed"
		return code, b
	case code == http.StatusPaymentRequired && errors.As(err, &ce):
		charges := ce.Quote.ActivationCharges
		b := one(fmt.Sprintf("Submitting costs %s in activation charges; send accept_charges=true to accept them",
			strconv.FormatFloat(charges, 'f', 2, 64)), &errorSource{Parameter: "accept_charges"})
		b.Message, b.ActivationCharges = "accept charges", &charges
		b.Errors[0].Title = "Charges must be accepted"
		return code, b
	case code == http.StatusUnprocessableEntity && errors.As(err, &te):
		var src *errorSource
		if p := te.Pointer(); p != "" {
			src = &errorSource{Pointer: p}
		}
		b := one(te.Error(), src)
		b.Errors[0].Code, b.Errors[0].Title = "type", fieldTitles["type"]
		return code, b
	case code == http.StatusUnprocessableEntity && errors.As(err, &pe):
		return code, one(fmt.Sprintf("%s (got %q)", pe.msg, pe.value), &errorSource{Parameter: pe.param})
	case code == http.StatusUnprocessableEntity && errors.As(err, &ve) && len(ve.Fields) > 0:
		return code, validationBody(ve, numbers)
	}
	return code, one(err.Error(), nil)
}

// validationBody lists every field problem, each with a pointer.
func validationBody(ve *porting.ValidationError, numbers []string) errorBody {
	b := errorBody{Errors: make([]errorItem, 0, len(ve.Fields))}
	details := make([]string, 0, len(ve.Fields))
	for _, f := range ve.Fields {
		title := fieldTitles[f.Code]
		if title == "" {
			title = "Invalid value"
		}
		detail := fieldDetail(f)
		if f.Value != "" && isNumberField(f.Field) {
			detail = f.Value + ": " + detail
		}
		details = append(details, detail)
		code := f.Code
		if code == "" {
			code = errorCodes[http.StatusUnprocessableEntity]
		}
		b.Errors = append(b.Errors, errorItem{Code: code, Title: title, Detail: detail,
			Source: &errorSource{Pointer: pointerOf(f, numbers)}})
	}
	if subs := incompleteSubs(ve.Fields); subs > 0 {
		b.Message = fmt.Sprintf("Draft port request is incomplete: %d sub request(s) miss %d required field(s), listed in errors", subs, len(ve.Fields))
		return b
	}
	const shown = 5
	b.Message = strings.Join(details[:min(len(details), shown)], "; ")
	if len(details) > shown {
		b.Message += fmt.Sprintf("; and %d more", len(details)-shown)
	}
	return b
}

// fieldDetail is the dialect's wording of a field error: its own
// for the problems porting names by type, porting's words otherwise.
func fieldDetail(f porting.FieldError) string {
	var (
		te *porting.TransitionError
		ne *porting.NumberOnRequestError
		oe *porting.NumberOwnedError
	)
	switch {
	case errors.As(f.Err, &te):
		return fmt.Sprintf("A sub request cannot move from %s to %s", statusOf(te.From), statusOf(te.To))
	case errors.As(f.Err, &ne) && ne.RequestID != "":
		return "Number is on a port request already: " + ne.RequestID
	case errors.As(f.Err, &ne):
		return "Number is on a port request already"
	case errors.As(f.Err, &oe):
		return "Number is already in use on this platform"
	}
	return f.Message
}

// incompleteSubs counts the sub requests named when every problem
// is a missing sub request field (a refused submission), else 0.
func incompleteSubs(fields []porting.FieldError) int {
	seen := map[string]bool{}
	for _, f := range fields {
		if !strings.HasPrefix(f.Field, "sub_requests.") || f.Code != "required" {
			return 0
		}
		seen[f.Value] = true
	}
	return len(seen)
}

// isNumberField reports whether a porting field is the list of numbers.
func isNumberField(field string) bool { return field == "numbers" || field == "phone_numbers" }

// pointerOf is the JSON pointer of a porting field, in Telnyx names:
//
//	numbers, phone_numbers   /phone_numbers/{index}/phone_number (or /phone_numbers)
//	sub_requests.x.y         /sub_requests/{sub request id}/x/y
//	port_state, state        /status
//	filename                 /file
//	a.b                      /a/b
func pointerOf(f porting.FieldError, numbers []string) string {
	switch {
	case isNumberField(f.Field):
		i := f.Index
		if i < 0 && f.Value != "" {
			i = slices.Index(numbers, f.Value)
		}
		if i >= 0 {
			return "/phone_numbers/" + strconv.Itoa(i) + "/phone_number"
		}
		return "/phone_numbers"
	case strings.HasPrefix(f.Field, "sub_requests."):
		return "/sub_requests/" + escapePointer(f.Value) + "/" + strings.ReplaceAll(strings.TrimPrefix(f.Field, "sub_requests."), ".", "/")
	case f.Field == "port_state" || f.Field == "state":
		return "/status"
	case f.Field == "filename":
		return "/file"
	}
	return "/" + strings.ReplaceAll(f.Field, ".", "/")
}

// escapePointer escapes a JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
