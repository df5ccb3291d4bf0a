package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
)

func TestKazooUnauthenticated(t *testing.T) {
	e := kazooSetup(t)
	path := kazooURL("customer", "port_requests")
	for _, token := range []string{"", "wrong"} {
		r := e.do("GET", token, path, nil)
		r.failed(http.StatusUnauthorized, "invalid credentials")
		require.Equal(t, token, *r.Env.AuthToken)
	}
	e.do("GET", "", "/v2/no/such/route", nil).failed(http.StatusUnauthorized, "invalid credentials")

	r := e.do("GET", "", path+"?auth_token="+customerToken, nil)
	r.ok(http.StatusOK, customerToken)
}

func TestKazooForbiddenAndNotFound(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)

	t.Run("403: an account the caller cannot reach", func(t *testing.T) {
		e.do("GET", customerToken, kazooURL("authority", "port_requests"), nil).failed(http.StatusForbidden, "forbidden")
		e.do("GET", otherToken, kazooURL("customer", "port_requests/"+id), nil).failed(http.StatusForbidden, "forbidden")
		e.do("PUT", otherToken, kazooURL("customer", "port_requests"), `{"data":{}}`).failed(http.StatusForbidden, "forbidden")
		e.do("GET", otherToken, kazooURL("customer", "port_requests/no-such-id"), nil).failed(http.StatusForbidden, "forbidden")
	})
	t.Run("404", func(t *testing.T) {
		e.do("GET", customerToken, kazooURL("nobody", "port_requests"), nil).failed(http.StatusNotFound, "bad identifier")
		e.do("GET", customerToken, kazooURL("customer", "port_requests/no-such-id"), nil).failed(http.StatusNotFound, "bad identifier")
		e.do("GET", customerToken, "/v2/accounts/customer/no_such_thing", nil).failed(http.StatusNotFound, "bad identifier")
		e.do("PATCH", customerToken, kazooURL("customer", "port_requests/"+id+"/nowhere"), nil).failed(http.StatusNotFound, "bad identifier")
	})
	t.Run("404: a request outside the URL's account tree", func(t *testing.T) {
		own, err := e.f.Service.Create(e.f.AsAuthority(), "authority", porting.RequestInput{
			Name: "authority's own", Numbers: []porting.NumberInput{{Raw: "+12025559001"}}})
		require.NoError(t, err)
		e.do("GET", authorityToken, kazooURL("authority", "port_requests/"+own.ID), nil).ok(http.StatusOK, authorityToken)
		for _, rest := range []string{"", "/attachments", "/comments", "/timeline", "/loa"} {
			e.do("GET", authorityToken, kazooURL("customer", "port_requests/"+own.ID+rest), nil).
				failed(http.StatusNotFound, "bad identifier")
		}
		e.do("DELETE", authorityToken, kazooURL("customer", "port_requests/"+own.ID), nil).failed(http.StatusNotFound, "bad identifier")
	})
}

func TestKazooMethodNotAllowed(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	for _, tc := range []struct{ method, path, allow string }{
		{"PUT", "port_requests/" + id, "GET, POST, PATCH, DELETE, HEAD"},
		{"DELETE", "port_requests", "GET, PUT, HEAD"},
		{"POST", "port_requests/" + id + "/submitted", "PATCH"},
		{"PUT", "port_requests/completed", "GET, HEAD"},
		{"POST", "port_requests/" + id + "/timeline", "GET, HEAD"},
	} {
		r := e.do(tc.method, customerToken, kazooURL("customer", tc.path), nil)
		r.failed(http.StatusMethodNotAllowed, "method "+tc.method+" not allowed")
		require.Equal(t, tc.allow, r.Header.Get("Allow"), tc.path)
	}
}

func TestKazooMalformedBodies(t *testing.T) {
	e := kazooSetup(t)
	path := kazooURL("customer", "port_requests")
	for _, tc := range []struct{ body, message string }{
		{``, "request body is empty; expected JSON"},
		{`{"data":`, "malformed JSON: unexpected end of input"},
		{`{"data":{"name":"x",}}`, "malformed JSON at byte"},
		{`[]`, "the body must be an object, not array"},
		{`{"data":[]}`, "data must be an object"},
		{`{"data":null}`, `request body must be {"data": {...}}`},
		{`{"name":"x"}`, `request body must be {"data": {...}}`},
		{`{"data":{"numbers":["+12025559000"],"name":"x"}}`, "numbers must be an object keyed by phone number"},
		{`{"data":{"bill":"John","name":"x","numbers":{"+12025559000":{}}}}`, "bill must be an object"},
		{`{"data":{"notifications":{"email":{"send_to":5}},"name":"x","numbers":{"+12025559000":{}}}}`, "notifications.email.send_to must be a string or a list of strings"},
		{`{} {}`, `malformed JSON: "{}" after the value at byte 2; the body must be one JSON value`},
		{`{}}`, `malformed JSON: "}" after the value at byte 2`},
	} {
		r := e.do("PUT", customerToken, path, tc.body)
		r.failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, tc.message, tc.body)
	}
	t.Run("413", func(t *testing.T) {
		body := `{"data":{"name":"` + strings.Repeat("x", httpapi.MaxJSONBody) + `"}}`
		r := e.do("PUT", customerToken, path, body)
		r.failed(http.StatusRequestEntityTooLarge, "")
	})
}

// A failure the client cannot help is 500, logged, never shown.
func TestKazooInternalError(t *testing.T) {
	e := kazooSetup(t)
	var logs bytes.Buffer
	auth := httpapi.AuthenticatorFunc(func(context.Context, httpapi.Credentials) (porting.Actor, error) {
		return porting.Actor{}, errors.New("token database at 10.0.0.7 unreachable")
	})
	h := httpapi.NewKazoo(e.f.Service, auth, httpapi.KazooOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	req := httptest.NewRequest("GET", kazooURL("customer", "port_requests"), nil)
	req.Header.Set("X-Auth-Token", "t")
	req.Header.Set("X-Request-ID", "trace-42")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.JSONEq(t, `{"auth_token":"t","data":{"message":"internal error"},"error":"500","message":"internal error",
		"request_id":"trace-42","status":"error"}`, rec.Body.String())
	require.Equal(t, "trace-42", rec.Header().Get("X-Request-ID"))
	require.Contains(t, logs.String(), "10.0.0.7")
	require.Contains(t, logs.String(), "trace-42")
}

// A prefix of one's own, and the handler mounted without a mux.
func TestKazooPrefix(t *testing.T) {
	e := kazooSetup(t)
	tokens := &httpapi.Tokens{}
	tokens.Add("t", porting.Actor{AccountID: "customer"})
	h := httpapi.NewKazoo(e.f.Service, tokens, httpapi.KazooOptions{Prefix: "/api/kazoo/"})
	req := httptest.NewRequest("GET", "/api/kazoo/accounts/customer/port_requests", nil)
	req.Header.Set("X-Auth-Token", "t")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}
