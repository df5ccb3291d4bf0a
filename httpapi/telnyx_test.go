package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
)

func TestTelnyxAuth(t *testing.T) {
	e := telnyxSetup(t)
	send := func(hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", e.prefix+"/port_requests", nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec
	}
	for name, hdr := range map[string]map[string]string{
		"token":         {"Authorization": "Token " + customerToken},
		"bearer":        {"Authorization": "Bearer " + customerToken},
		"lowercase":     {"Authorization": "token " + customerToken},
		"x-api headers": {"x-api-user": "jane@example.com", "x-api-token": customerToken},
	} {
		t.Run(name, func(t *testing.T) {
			rec := send(hdr)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			require.NotEmpty(t, rec.Header().Get("X-Request-Id"))
		})
	}
	for name, hdr := range map[string]map[string]string{
		"none":               {},
		"unknown token":      {"Authorization": "Token nope"},
		"basic":              {"Authorization": "Basic " + customerToken},
		"x-api-token alone":  {"x-api-token": customerToken},
		"revoked token user": {"x-api-user": "jane@example.com", "x-api-token": "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			body := telnyxRequireError(t, send(hdr), http.StatusUnauthorized)
			require.Equal(t, "unauthorized", body["errors"].([]any)[0].(telnyxObj)["code"])
		})
	}
	// Every route but the download links needs credentials.
	for _, rt := range [][2]string{
		{"POST", "/portability_checks"}, {"GET", "/port_requests/x"}, {"GET", "/port_requests/x/sub_requests"},
		{"PUT", "/port_requests/x/sub_requests/y"}, {"GET", "/port_requests/x/comments"},
		{"POST", "/port_requests/x/supporting_documents"}, {"GET", "/draft_port_requests"},
		{"POST", "/draft_port_requests"}, {"POST", "/draft_port_requests/x/submit"},
	} {
		telnyxRequireError(t, e.do(rt[0], rt[1], "", nil), http.StatusUnauthorized)
	}
}

func TestTelnyxRouting(t *testing.T) {
	e := telnyxSetup(t)
	body := telnyxRequireError(t, e.do("GET", "/nothing_here", customerToken, nil), http.StatusNotFound)
	require.Equal(t, "Resource not found", body["message"])

	rec := e.do("DELETE", "/port_requests", customerToken, nil)
	telnyxRequireError(t, rec, http.StatusMethodNotAllowed)
	require.Equal(t, "GET", rec.Header().Get("Allow"))
	rec = e.do("PATCH", "/draft_port_requests/x/sub_requests/y", customerToken, nil)
	telnyxRequireError(t, rec, http.StatusMethodNotAllowed)
	require.Equal(t, "GET, PUT", rec.Header().Get("Allow"))

	// Outside the prefix.
	req := httptest.NewRequest("GET", "/origination/portingx/port_requests", nil)
	req.Header.Set("Authorization", "Token "+customerToken)
	rec = httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	telnyxRequireError(t, rec, http.StatusNotFound)

	// A prefix of one's own, and at the root.
	for _, prefix := range []string{"/telnyx/v1/", "/"} {
		e := telnyxSetup(t, func(o *httpapi.TelnyxOptions) { o.Prefix = prefix })
		e.must(t, http.StatusOK, "GET", "/draft_port_requests", customerToken, nil)
	}

	// Malformed JSON is 400, with decodeJSON's message.
	body = telnyxRequireError(t, e.do("POST", "/draft_port_requests", customerToken, `{"phone_numbers": [`), http.StatusBadRequest)
	require.Contains(t, body["message"], "malformed JSON")
	body = telnyxRequireError(t, e.do("POST", "/draft_port_requests", customerToken, `{"phone_numbers": "+12025550100"}`), http.StatusBadRequest)
	require.Contains(t, body["message"], "phone_numbers must be an array")
}

func TestTelnyxNewPanicsWithoutService(t *testing.T) {
	require.Panics(t, func() { httpapi.NewTelnyx(nil, &httpapi.Tokens{}, httpapi.TelnyxOptions{}) })
	e := telnyxSetup(t)
	require.Panics(t, func() { httpapi.NewTelnyx(e.f.Service, nil, httpapi.TelnyxOptions{}) })
}
