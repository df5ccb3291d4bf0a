// Package kazootest is the Kazoo dialect's test environment: a handler
// over a portingtest fixture, requests in Kazoo's header, answers read
// as a Kazoo client reads the envelope, and Kazoo's Gregorian seconds.
package kazootest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// Phone is the number of the Kazoo document's examples.
const Phone = "+12025559000"

// GregorianOffset is Unix seconds to Gregorian seconds, the seconds
// since 0000-01-01 that Kazoo's dates are in.
const GregorianOffset = 62167219200

// Gregorian returns t in Gregorian seconds, as Kazoo's JSON numbers
// decode.
func Gregorian(t time.Time) float64 { return float64(t.Unix() + GregorianOffset) }

// Hex32 matches a request ID of the envelope, and a request's ID.
var Hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Env is a Kazoo handler, mounted on "/v2/" of a mux, over a fixture.
type Env struct {
	t testing.TB
	// F is the fixture the handler serves.
	F *portingtest.Fixture
	// H is the mux the handler is mounted on.
	H http.Handler
}

// Setup builds the environment: the fixture's accounts plus "other", an
// unrelated root account, and a token per caller (see apitest.Tokens).
// opts adjust the handler's options.
func Setup(t testing.TB, opts ...func(*kazoo.Options)) *Env {
	t.Helper()
	f := portingtest.New(t)
	require.NoError(t, f.Service.PutAccount(porting.AsSystem(context.Background()),
		porting.Account{ID: "other", Name: "Other Root"}))
	var opt kazoo.Options
	for _, o := range opts {
		o(&opt)
	}
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(f.Service, apitest.Tokens(f), opt))
	return &Env{t: t, F: f, H: mux}
}

// Envelope is the Kazoo envelope as a client reads it.
type Envelope struct {
	AuthToken    *string         `json:"auth_token"`
	Data         json.RawMessage `json:"data"`
	RequestID    string          `json:"request_id"`
	Revision     *string         `json:"revision"`
	Status       string          `json:"status"`
	Error        string          `json:"error"`
	Message      string          `json:"message"`
	PageSize     *int            `json:"page_size"`
	StartKey     *string         `json:"start_key"`
	NextStartKey *string         `json:"next_start_key"`
}

// Resp is an answer, its envelope decoded when it is JSON.
type Resp struct {
	t      testing.TB
	Code   int
	Header http.Header
	Body   []byte
	Env    Envelope
}

// Req is a request to send.
type Req struct {
	Method, Path, Token string
	Body                io.Reader
	Header              map[string]string
}

// Send sends q, its token (when set) in X-Auth-Token.
func (e *Env) Send(q Req) *Resp {
	e.t.Helper()
	req := httptest.NewRequest(q.Method, q.Path, q.Body)
	if q.Token != "" {
		req.Header.Set("X-Auth-Token", q.Token)
	}
	for k, v := range q.Header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.H.ServeHTTP(rec, req)
	r := &Resp{t: e.t, Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		require.NoError(e.t, json.Unmarshal(r.Body, &r.Env), "body: %s", r.Body)
	}
	return r
}

// Do sends a body (see apitest.BodyReader) as token.
func (e *Env) Do(method, token, path string, body any) *Resp {
	e.t.Helper()
	return e.Send(Req{Method: method, Path: path, Token: token, Body: apitest.BodyReader(body)})
}

// URL returns the path of a route under an account.
func URL(account, rest string) string { return "/v2/accounts/" + account + "/" + rest }

// OK checks a success envelope of status code, answered to token.
func (r *Resp) OK(code int, token string) {
	r.t.Helper()
	require.Equal(r.t, code, r.Code, "body: %s", r.Body)
	require.Equal(r.t, "success", r.Env.Status)
	require.NotNil(r.t, r.Env.AuthToken)
	require.Equal(r.t, token, *r.Env.AuthToken)
	require.Regexp(r.t, Hex32, r.Env.RequestID)
	require.NotNil(r.t, r.Env.Revision)
	require.Empty(r.t, r.Env.Error)
}

// Failed checks an error envelope of status code, with message unless
// it is empty.
func (r *Resp) Failed(code int, message string) {
	r.t.Helper()
	require.Equal(r.t, code, r.Code, "body: %s", r.Body)
	require.Equal(r.t, "error", r.Env.Status)
	require.Equal(r.t, strconv.Itoa(code), r.Env.Error)
	if message != "" {
		require.Equal(r.t, message, r.Env.Message)
	}
	require.Regexp(r.t, Hex32, r.Env.RequestID)
}

// Obj returns data as an object.
func (r *Resp) Obj() map[string]any {
	r.t.Helper()
	var m map[string]any
	require.NoError(r.t, json.Unmarshal(r.Env.Data, &m), "data: %s", r.Env.Data)
	return m
}

// List returns data as a list of objects.
func (r *Resp) List() []map[string]any {
	r.t.Helper()
	var l []map[string]any
	require.NoError(r.t, json.Unmarshal(r.Env.Data, &l), "data: %s", r.Env.Data)
	return l
}

// Revision returns the envelope's revision.
func (r *Resp) Revision() string {
	r.t.Helper()
	require.NotNil(r.t, r.Env.Revision)
	return *r.Env.Revision
}

// Create makes a request through the API as the customer and returns
// its ID.
func (e *Env) Create(name string, numbers ...string) string {
	e.t.Helper()
	nums := map[string]any{}
	for _, n := range numbers {
		nums[n] = map[string]any{}
	}
	r := e.Do("PUT", apitest.CustomerToken, URL("customer", "port_requests"),
		map[string]any{"data": map[string]any{"name": name, "numbers": nums}})
	r.OK(http.StatusCreated, apitest.CustomerToken)
	return r.Obj()["id"].(string)
}

// Answer is any Kazoo answer as CheckAnswer reads it.
type Answer struct {
	Code int
	Env  Envelope
}

// CheckAnswer checks any Kazoo answer: no 5xx; JSON in the envelope; a
// refusal is a 4xx with status "error", the code in error and a
// message; a success has status "success" and a revision. It returns the
// decoded envelope.
func CheckAnswer(tb testing.TB, rec *httptest.ResponseRecorder, what string) Answer {
	tb.Helper()
	apitest.RequireSuccessOrRefusal(tb, rec, what)
	require.Equal(tb, "application/json", rec.Header().Get("Content-Type"), "%s: %s", what, rec.Body)
	a := Answer{Code: rec.Code}
	require.NoError(tb, json.Unmarshal(rec.Body.Bytes(), &a.Env), "%s: answer is not JSON: %q", what, rec.Body)
	if rec.Code >= http.StatusBadRequest {
		require.Equal(tb, "error", a.Env.Status, "%s: %s", what, rec.Body)
		require.Equal(tb, strconv.Itoa(rec.Code), a.Env.Error, "%s: %s", what, rec.Body)
		require.NotEmpty(tb, strings.TrimSpace(a.Env.Message), "%s: a refusal without a message: %s", what, rec.Body)
		return a
	}
	require.Equal(tb, "success", a.Env.Status, "%s: %s", what, rec.Body)
	require.NotNil(tb, a.Env.Revision, "%s: %s", what, rec.Body)
	return a
}
