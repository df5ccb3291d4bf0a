package httpapi_test

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

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// kazooPhone is the number of the document's examples.
const kazooPhone = "+12025559000"

// kazooGregorianOffset is Unix seconds to Gregorian seconds.
const kazooGregorianOffset = 62167219200

func kazooG(t time.Time) float64 { return float64(t.Unix() + kazooGregorianOffset) }

// kazooEnv is a Kazoo handler over a fixture.
type kazooEnv struct {
	t *testing.T
	f *portingtest.Fixture
	h http.Handler
}

// kazooSetup builds the environment: the fixture's accounts plus "other",
// an unrelated root account, and a token per caller (see testTokens).
func kazooSetup(t *testing.T, opts ...func(*httpapi.KazooOptions)) *kazooEnv {
	t.Helper()
	f := portingtest.New(t)
	require.NoError(t, f.Service.PutAccount(porting.AsSystem(context.Background()),
		porting.Account{ID: "other", Name: "Other Root"}))
	tokens := testTokens(f)
	var opt httpapi.KazooOptions
	for _, o := range opts {
		o(&opt)
	}
	mux := http.NewServeMux()
	mux.Handle("/v2/", httpapi.NewKazoo(f.Service, tokens, opt))
	return &kazooEnv{t: t, f: f, h: mux}
}

// kazooResp is an answer.
type kazooResp struct {
	t      *testing.T
	Code   int
	Header http.Header
	Body   []byte
	Env    kazooEnvelope
}

// kazooEnvelope is the Kazoo envelope as a client reads it.
type kazooEnvelope struct {
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

// kazooReq is a request to send.
type kazooReq struct {
	method, path, token string
	body                io.Reader
	header              map[string]string
}

func (e *kazooEnv) send(q kazooReq) *kazooResp {
	e.t.Helper()
	req := httptest.NewRequest(q.method, q.path, q.body)
	if q.token != "" {
		req.Header.Set("X-Auth-Token", q.token)
	}
	for k, v := range q.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	r := &kazooResp{t: e.t, Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		require.NoError(e.t, json.Unmarshal(r.Body, &r.Env), "body: %s", r.Body)
	}
	return r
}

// do sends a body (see bodyReader) as token.
func (e *kazooEnv) do(method, token, path string, body any) *kazooResp {
	e.t.Helper()
	return e.send(kazooReq{method: method, path: path, token: token, body: bodyReader(body)})
}

// url returns the path of a route under an account.
func kazooURL(account, rest string) string { return "/v2/accounts/" + account + "/" + rest }

var kazooHex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ok checks a success envelope.
func (r *kazooResp) ok(code int, token string) {
	r.t.Helper()
	require.Equal(r.t, code, r.Code, "body: %s", r.Body)
	require.Equal(r.t, "success", r.Env.Status)
	require.NotNil(r.t, r.Env.AuthToken)
	require.Equal(r.t, token, *r.Env.AuthToken)
	require.Regexp(r.t, kazooHex32, r.Env.RequestID)
	require.NotNil(r.t, r.Env.Revision)
	require.Empty(r.t, r.Env.Error)
}

// failed checks an error envelope.
func (r *kazooResp) failed(code int, message string) {
	r.t.Helper()
	require.Equal(r.t, code, r.Code, "body: %s", r.Body)
	require.Equal(r.t, "error", r.Env.Status)
	require.Equal(r.t, strconv.Itoa(code), r.Env.Error)
	if message != "" {
		require.Equal(r.t, message, r.Env.Message)
	}
	require.Regexp(r.t, kazooHex32, r.Env.RequestID)
}

// obj returns data as an object.
func (r *kazooResp) obj() map[string]any {
	r.t.Helper()
	var m map[string]any
	require.NoError(r.t, json.Unmarshal(r.Env.Data, &m), "data: %s", r.Env.Data)
	return m
}

// list returns data as a list of objects.
func (r *kazooResp) list() []map[string]any {
	r.t.Helper()
	var l []map[string]any
	require.NoError(r.t, json.Unmarshal(r.Env.Data, &l), "data: %s", r.Env.Data)
	return l
}

// revision returns the envelope's revision.
func (r *kazooResp) revision() string {
	r.t.Helper()
	require.NotNil(r.t, r.Env.Revision)
	return *r.Env.Revision
}

// create makes a request through the API as the customer and returns
// its ID.
func (e *kazooEnv) create(name string, numbers ...string) string {
	e.t.Helper()
	nums := map[string]any{}
	for _, n := range numbers {
		nums[n] = map[string]any{}
	}
	r := e.do("PUT", customerToken, kazooURL("customer", "port_requests"),
		map[string]any{"data": map[string]any{"name": name, "numbers": nums}})
	r.ok(http.StatusCreated, customerToken)
	return r.obj()["id"].(string)
}

// kazooKeys returns the keys of a map.
func kazooKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// kazooEpoch is the fixture clock's start.
var kazooEpoch = portingtest.Epoch
