package kazoo_test

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
	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
)

func TestUnauthenticated(t *testing.T) {
	e := kazootest.Setup(t)
	path := kazootest.URL("customer", "port_requests")
	for _, token := range []string{"", "wrong"} {
		r := e.Do("GET", token, path, nil)
		r.Failed(http.StatusUnauthorized, "invalid credentials")
		require.Equal(t, token, *r.Env.AuthToken)
	}
	e.Do("GET", "", "/v2/no/such/route", nil).Failed(http.StatusUnauthorized, "invalid credentials")

	r := e.Do("GET", "", path+"?auth_token="+apitest.CustomerToken, nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
}

func TestForbiddenAndNotFound(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)

	t.Run("403: an account the caller cannot reach", func(t *testing.T) {
		e.Do("GET", apitest.CustomerToken, kazootest.URL("authority", "port_requests"), nil).Failed(http.StatusForbidden, "forbidden")
		e.Do("GET", apitest.OtherToken, kazootest.URL("customer", "port_requests/"+id), nil).Failed(http.StatusForbidden, "forbidden")
		e.Do("PUT", apitest.OtherToken, kazootest.URL("customer", "port_requests"), `{"data":{}}`).Failed(http.StatusForbidden, "forbidden")
		e.Do("GET", apitest.OtherToken, kazootest.URL("customer", "port_requests/no-such-id"), nil).Failed(http.StatusForbidden, "forbidden")
	})
	t.Run("404", func(t *testing.T) {
		e.Do("GET", apitest.CustomerToken, kazootest.URL("nobody", "port_requests"), nil).Failed(http.StatusNotFound, "bad identifier")
		e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/no-such-id"), nil).Failed(http.StatusNotFound, "bad identifier")
		e.Do("GET", apitest.CustomerToken, "/v2/accounts/customer/no_such_thing", nil).Failed(http.StatusNotFound, "bad identifier")
		e.Do("PATCH", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+"/nowhere"), nil).Failed(http.StatusNotFound, "bad identifier")
	})
	t.Run("404: a request outside the URL's account tree", func(t *testing.T) {
		own, err := e.F.Service.Create(e.F.AsAuthority(), "authority", porting.RequestInput{
			Name: "authority's own", Numbers: []porting.NumberInput{{Raw: "+12025559001"}}})
		require.NoError(t, err)
		e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "port_requests/"+own.ID), nil).OK(http.StatusOK, apitest.AuthorityToken)
		for _, rest := range []string{"", "/attachments", "/comments", "/timeline", "/loa"} {
			e.Do("GET", apitest.AuthorityToken, kazootest.URL("customer", "port_requests/"+own.ID+rest), nil).
				Failed(http.StatusNotFound, "bad identifier")
		}
		e.Do("DELETE", apitest.AuthorityToken, kazootest.URL("customer", "port_requests/"+own.ID), nil).Failed(http.StatusNotFound, "bad identifier")
	})
}

func TestMethodNotAllowed(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	for _, tc := range []struct{ method, path, allow string }{
		{"PUT", "port_requests/" + id, "GET, POST, PATCH, DELETE, HEAD"},
		{"DELETE", "port_requests", "GET, PUT, HEAD"},
		{"POST", "port_requests/" + id + "/submitted", "PATCH"},
		{"PUT", "port_requests/completed", "GET, HEAD"},
		{"POST", "port_requests/" + id + "/timeline", "GET, HEAD"},
	} {
		r := e.Do(tc.method, apitest.CustomerToken, kazootest.URL("customer", tc.path), nil)
		r.Failed(http.StatusMethodNotAllowed, "method "+tc.method+" not allowed")
		require.Equal(t, tc.allow, r.Header.Get("Allow"), tc.path)
	}
}

func TestMalformedBodies(t *testing.T) {
	e := kazootest.Setup(t)
	path := kazootest.URL("customer", "port_requests")
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
		r := e.Do("PUT", apitest.CustomerToken, path, tc.body)
		r.Failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, tc.message, tc.body)
	}
	t.Run("413", func(t *testing.T) {
		body := `{"data":{"name":"` + strings.Repeat("x", httpapi.MaxJSONBody) + `"}}`
		r := e.Do("PUT", apitest.CustomerToken, path, body)
		r.Failed(http.StatusRequestEntityTooLarge, "")
	})
}

// A failure the client cannot help is 500, logged, never shown.
func TestInternalError(t *testing.T) {
	e := kazootest.Setup(t)
	var logs bytes.Buffer
	auth := httpapi.AuthenticatorFunc(func(context.Context, httpapi.Credentials) (porting.Actor, error) {
		return porting.Actor{}, errors.New("token database at 10.0.0.7 unreachable")
	})
	h := kazoo.New(e.F.Service, auth, kazoo.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	req := httptest.NewRequest("GET", kazootest.URL("customer", "port_requests"), nil)
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
func TestPrefix(t *testing.T) {
	e := kazootest.Setup(t)
	tokens := &httpapi.Tokens{}
	tokens.Add("t", porting.Actor{AccountID: "customer"})
	h := kazoo.New(e.F.Service, tokens, kazoo.Options{Prefix: "/api/kazoo/"})
	req := httptest.NewRequest("GET", "/api/kazoo/accounts/customer/port_requests", nil)
	req.Header.Set("X-Auth-Token", "t")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

// A closed store is 503 (porting.ErrClosed: a retry may succeed), in
// Kazoo's error envelope, and logged.
func TestClosedStore(t *testing.T) {
	var logs bytes.Buffer
	e := kazootest.Setup(t, func(o *kazoo.Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	require.NoError(t, e.F.Store.Close())
	r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id), nil)
	r.Failed(http.StatusServiceUnavailable, "service unavailable")
	require.JSONEq(t, `{"message":"service unavailable"}`, string(r.Env.Data))
	require.Equal(t, apitest.CustomerToken, *r.Env.AuthToken)
	require.Contains(t, logs.String(), porting.ErrClosed.Error())
	require.Contains(t, logs.String(), r.Env.RequestID)
}
