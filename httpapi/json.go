package httpapi

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/portkit/portkit/porting"
)

// MaxJSONBody caps a JSON request body: 1 MiB. A larger body is 413.
const MaxJSONBody = 1 << 20

// readBody reads a JSON request body up to limit bytes. A body declared
// longer than limit is refused before any of it is read, and one that
// turns out longer is refused at limit+1 bytes: either is a
// *porting.TooLargeError. A Content-Type that is not JSON is a
// *porting.MediaTypeError (see jsonContentType).
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if !jsonContentType(r.Header.Get("Content-Type")) {
		return nil, &porting.MediaTypeError{ContentType: r.Header.Get("Content-Type"), Accepted: jsonContentTypes}
	}
	if r.ContentLength > limit {
		return nil, &porting.TooLargeError{What: "request body", Limit: limit}
	}
	b, err := io.ReadAll(io.LimitReader(clientBody{r.Body}, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &porting.TooLargeError{What: "request body", Limit: limit}
	}
	return b, nil
}

// clientBody is a request body whose read errors are the client's: a
// connection that broke or stalled past the server's read timeout
// mid-body is a malformed request (400), not a server error.
type clientBody struct{ r io.Reader }

// Read reads from the body, turning a failure into a *syntaxError.
func (b clientBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = &syntaxError{"the request body could not be read to its end: " + err.Error()}
	}
	return n, err
}

// jsonContentTypes are the Content-Types a JSON body may come with, as
// an error message lists them.
var jsonContentTypes = []string{"application/json", "application/*+json", "text/json", "text/plain", "application/x-www-form-urlencoded", "no Content-Type at all"}

// jsonContentType reports whether a body of this Content-Type is read as
// JSON: none at all, application/json or any +json type, text/json,
// text/plain, and application/x-www-form-urlencoded, which is what curl -d
// sends unless told otherwise (Kazoo's own clients rely on that). Anything
// else (multipart, XML, images...) is refused with 415 rather than parsed
// as what it is not.
func jsonContentType(ct string) bool {
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

// readJSON reads a JSON body of at most limit bytes into v (see
// decodeJSON).
func readJSON(r *http.Request, limit int64, v any) error {
	b, err := readBody(r, limit)
	if err != nil {
		return err
	}
	return decodeJSON(b, v)
}

// syntaxError is malformed JSON input; both dialects answer 400 with a
// message that says where.
type syntaxError struct{ msg string }

// Error returns the message, which says what is wrong and where.
func (e *syntaxError) Error() string { return e.msg }

// Is makes a syntaxError a validation failure.
func (e *syntaxError) Is(target error) bool { return target == porting.ErrValidation }

// decodeJSON decodes one JSON value from b into v, describing what is
// wrong (and where) when it cannot.
func decodeJSON(b []byte, v any) error {
	if len(trimJSONSpace(b)) == 0 {
		return &syntaxError{"request body is empty; expected JSON"}
	}
	if err := checkJSONText(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return &syntaxError{fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)}
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "the body"
			}
			return &syntaxError{fmt.Sprintf("%s must be %s, not %s", field, jsonKind(te.Type.Kind().String()), te.Value)}
		case errors.Is(err, io.ErrUnexpectedEOF):
			return &syntaxError{"malformed JSON: unexpected end of input"}
		}
		return &syntaxError{"malformed JSON: " + err.Error()}
	}
	// More is false before a stray "}" or "]" too: what follows the value
	// must be nothing but JSON's white space.
	if rest := trimJSONSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return &syntaxError{fmt.Sprintf("malformed JSON: %q after the value at byte %d; the body must be one JSON value", excerptBytes(rest), dec.InputOffset())}
	}
	return nil
}

// trimJSONSpace trims JSON's white space (space, tab, CR, LF): not the
// vertical tab, form feed or Unicode spaces that bytes.TrimSpace also
// takes, none of which may surround a JSON value.
func trimJSONSpace(b []byte) []byte { return bytes.Trim(b, " \t\r\n") }

// excerptBytes is the start of b, for an error message.
func excerptBytes(b []byte) string {
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

// writeJSON writes v as the JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"message":"encoding response"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderAll renders every item of a list to its wire form. The result
// is never nil, so that an empty list is [] in JSON, not null.
func renderAll[S, T any](items []S, render func(S) T) []T {
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = render(it)
	}
	return out
}

// requestIDPrefix makes this process's request IDs unlike any other's.
var (
	requestIDPrefix = func() [8]byte {
		var b [8]byte
		_, _ = rand.Read(b[:])
		return b
	}()
	requestIDCount atomic.Uint64
)

// newRequestID returns a request ID: 32 hex digits, a random prefix drawn
// once per process and a counter, so IDs are unique without drawing
// random bytes for every request.
func newRequestID() string {
	var b [16]byte
	copy(b[:8], requestIDPrefix[:])
	binary.BigEndian.PutUint64(b[8:], requestIDCount.Add(1))
	return hex.EncodeToString(b[:])
}
