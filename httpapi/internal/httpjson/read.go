package httpjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/portkit/portkit/porting"
)

// ReadBody reads a JSON request body up to limit bytes. A body declared
// longer than limit is refused before any of it is read, and one that
// turns out longer is refused at limit+1 bytes: either is a
// *porting.TooLargeError. A Content-Type that is not JSON is a
// *porting.MediaTypeError (see IsJSONContentType).
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if !IsJSONContentType(r.Header.Get("Content-Type")) {
		return nil, &porting.MediaTypeError{ContentType: r.Header.Get("Content-Type"), Accepted: ContentTypes}
	}
	if r.ContentLength > limit {
		return nil, &porting.TooLargeError{What: "request body", Limit: limit}
	}
	b, err := io.ReadAll(io.LimitReader(ClientBody{r.Body}, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &porting.TooLargeError{What: "request body", Limit: limit}
	}
	return b, nil
}

// ClientBody is a request body whose read errors are the client's: a
// connection that broke or stalled past the server's read timeout
// mid-body is a malformed request (400), not a server error.
type ClientBody struct{ R io.Reader }

// Read reads from the body, turning a failure into a *SyntaxError.
func (b ClientBody) Read(p []byte) (int, error) {
	n, err := b.R.Read(p)
	if err != nil && err != io.EOF {
		err = &SyntaxError{Msg: "the request body could not be read to its end: " + err.Error()}
	}
	return n, err
}

// ContentTypes are the Content-Types a JSON body may come with, as
// an error message lists them.
var ContentTypes = []string{"application/json", "application/*+json", "text/json", "text/plain", "application/x-www-form-urlencoded", "no Content-Type at all"}

// IsJSONContentType reports whether a body of this Content-Type is read as
// JSON: none at all, application/json or any +json type, text/json,
// text/plain, and application/x-www-form-urlencoded, which is what curl -d
// sends unless told otherwise (Kazoo's own clients rely on that). Anything
// else (multipart, XML, images...) is refused with 415 rather than parsed
// as what it is not.
func IsJSONContentType(ct string) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "application/json", "text/json", "text/plain", "application/x-www-form-urlencoded":
		return true
	}
	return strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

// Read reads a JSON body of at most limit bytes into v (see
// Decode).
func Read(r *http.Request, limit int64, v any) error {
	b, err := ReadBody(r, limit)
	if err != nil {
		return err
	}
	return Decode(b, v)
}

// SyntaxError is malformed input; both dialects answer 400 with its
// message, which says what is wrong and where.
type SyntaxError struct{ Msg string }

// Error returns the message, which says what is wrong and where.
func (e *SyntaxError) Error() string { return e.Msg }

// Is makes a SyntaxError a validation failure.
func (e *SyntaxError) Is(target error) bool { return target == porting.ErrValidation }

// TypeError is a body that is JSON but not of the shape asked for: a
// value of the wrong kind at Field. The Kazoo dialect answers it 400, as
// every invalid input; the Telnyx dialect 422, as its document lists
// (400 is for bytes that are not JSON).
type TypeError struct {
	// Field is the path of the value at fault, its keys joined by dots
	// ("phone_numbers", "phone_numbers.phone_number"); empty for the
	// body itself.
	Field string
	// Want and Got are the kinds of JSON value expected and found: "an
	// array", "string"...
	Want, Got string
}

// Error names the field and what it must be.
func (e *TypeError) Error() string {
	field := e.Field
	if field == "" {
		field = "the body"
	}
	return fmt.Sprintf("%s must be %s, not %s", field, e.Want, e.Got)
}

// Is makes a TypeError a validation failure.
func (e *TypeError) Is(target error) bool { return target == porting.ErrValidation }

// Pointer is the JSON pointer of the field ("/phone_numbers/phone_number"),
// "" for the body itself.
func (e *TypeError) Pointer() string {
	if e.Field == "" {
		return ""
	}
	return "/" + strings.ReplaceAll(e.Field, ".", "/")
}

// Decode decodes one JSON value from b into v, describing what is
// wrong (and where) when it cannot: a *SyntaxError for bytes that are not
// one JSON value, a *TypeError for JSON of the wrong shape.
func Decode(b []byte, v any) error {
	if len(TrimSpace(b)) == 0 {
		return &SyntaxError{Msg: "request body is empty; expected JSON"}
	}
	if err := checkText(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return &SyntaxError{Msg: fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)}
		case errors.Is(err, io.ErrUnexpectedEOF):
			return &SyntaxError{Msg: "malformed JSON: unexpected end of input"}
		}
		return &SyntaxError{Msg: "malformed JSON: " + err.Error()}
	}
	// More is false before a stray "}" or "]" too: what follows the value
	// must be nothing but JSON's white space. (A value of the wrong shape
	// was read whole: bytes that are not JSON after it are still that.)
	if rest := TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return &SyntaxError{Msg: fmt.Sprintf("malformed JSON: %q after the value at byte %d; the body must be one JSON value", excerpt(rest), dec.InputOffset())}
	}
	if te != nil {
		return &TypeError{Field: te.Field, Want: jsonKind(te.Type.Kind().String()), Got: te.Value}
	}
	return nil
}

// TrimSpace trims JSON's white space (space, tab, CR, LF): not the
// vertical tab, form feed or Unicode spaces that bytes.TrimSpace also
// takes, none of which may surround a JSON value.
func TrimSpace(b []byte) []byte { return bytes.Trim(b, " \t\r\n") }

// excerpt is the start of b, for an error message.
func excerpt(b []byte) string {
	if len(b) > 16 {
		return string(b[:16]) + "..."
	}
	return string(b)
}

// jsonKind names the JSON kind of value a Go kind decodes from.
func jsonKind(k string) string {
	switch {
	case k == "map" || k == "struct":
		return "an object"
	case k == "slice" || k == "array":
		return "an array"
	case strings.HasPrefix(k, "int") || strings.HasPrefix(k, "uint") || strings.HasPrefix(k, "float"):
		return "a number"
	case k == "bool":
		return "a boolean"
	}
	return "a " + k
}
