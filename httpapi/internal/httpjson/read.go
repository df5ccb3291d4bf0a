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

// Decode decodes one JSON value from b into v, describing what is
// wrong (and where) when it cannot.
func Decode(b []byte, v any) error {
	if len(TrimSpace(b)) == 0 {
		return &SyntaxError{Msg: "request body is empty; expected JSON"}
	}
	if err := checkText(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return &SyntaxError{Msg: fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)}
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "the body"
			}
			return &SyntaxError{Msg: fmt.Sprintf("%s must be %s, not %s", field, jsonKind(te.Type.Kind().String()), te.Value)}
		case errors.Is(err, io.ErrUnexpectedEOF):
			return &SyntaxError{Msg: "malformed JSON: unexpected end of input"}
		}
		return &SyntaxError{Msg: "malformed JSON: " + err.Error()}
	}
	// More is false before a stray "}" or "]" too: what follows the value
	// must be nothing but JSON's white space.
	if rest := TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return &SyntaxError{Msg: fmt.Sprintf("malformed JSON: %q after the value at byte %d; the body must be one JSON value", excerpt(rest), dec.InputOffset())}
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
