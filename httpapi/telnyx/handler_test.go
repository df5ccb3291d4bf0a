package telnyx_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
)

func TestAuth(t *testing.T) {
	e := telnyxtest.Setup(t)
	send := func(hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", e.Prefix+"/port_requests", nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		e.H.ServeHTTP(rec, req)
		return rec
	}
	for name, hdr := range map[string]map[string]string{
		"token":         {"Authorization": "Token " + apitest.CustomerToken},
		"bearer":        {"Authorization": "Bearer " + apitest.CustomerToken},
		"lowercase":     {"Authorization": "token " + apitest.CustomerToken},
		"x-api headers": {"x-api-user": "jane@example.com", "x-api-token": apitest.CustomerToken},
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
		"basic":              {"Authorization": "Basic " + apitest.CustomerToken},
		"x-api-token alone":  {"x-api-token": apitest.CustomerToken},
		"revoked token user": {"x-api-user": "jane@example.com", "x-api-token": "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			body := telnyxtest.RequireError(t, send(hdr), http.StatusUnauthorized)
			require.Equal(t, "unauthorized", body["errors"].([]any)[0].(telnyxtest.Obj)["code"])
		})
	}
	// Every route but the download links needs credentials.
	for _, rt := range [][2]string{
		{"POST", "/portability_checks"}, {"GET", "/port_requests/x"}, {"GET", "/port_requests/x/sub_requests"},
		{"PUT", "/port_requests/x/sub_requests/y"}, {"GET", "/port_requests/x/comments"},
		{"POST", "/port_requests/x/supporting_documents"}, {"GET", "/draft_port_requests"},
		{"POST", "/draft_port_requests"}, {"POST", "/draft_port_requests/x/submit"},
	} {
		telnyxtest.RequireError(t, e.Do(rt[0], rt[1], "", nil), http.StatusUnauthorized)
	}
}

func TestRouting(t *testing.T) {
	e := telnyxtest.Setup(t)
	body := telnyxtest.RequireError(t, e.Do("GET", "/nothing_here", apitest.CustomerToken, nil), http.StatusNotFound)
	require.Equal(t, "Resource not found", body["message"])

	rec := e.Do("DELETE", "/port_requests", apitest.CustomerToken, nil)
	telnyxtest.RequireError(t, rec, http.StatusMethodNotAllowed)
	require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
	rec = e.Do("PATCH", "/draft_port_requests/x/sub_requests/y", apitest.CustomerToken, nil)
	telnyxtest.RequireError(t, rec, http.StatusMethodNotAllowed)
	require.Equal(t, "GET, PUT, HEAD", rec.Header().Get("Allow"))

	// Outside the prefix.
	req := httptest.NewRequest("GET", "/origination/portingx/port_requests", nil)
	req.Header.Set("Authorization", "Token "+apitest.CustomerToken)
	rec = httptest.NewRecorder()
	e.H.ServeHTTP(rec, req)
	telnyxtest.RequireError(t, rec, http.StatusNotFound)

	// A prefix of one's own, and at the root.
	for _, prefix := range []string{"/telnyx/v1/", "/"} {
		e := telnyxtest.Setup(t, func(o *telnyx.Options) { o.Prefix = prefix })
		e.Must(t, http.StatusOK, "GET", "/draft_port_requests", apitest.CustomerToken, nil)
	}

	// Malformed JSON is 400, with decodeJSON's message.
	body = telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests", apitest.CustomerToken, `{"phone_numbers": [`), http.StatusBadRequest)
	require.Contains(t, body["message"], "malformed JSON")
	// JSON of the wrong shape is 422, naming the field.
	body = telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests", apitest.CustomerToken, `{"phone_numbers": "+12025550100"}`), http.StatusUnprocessableEntity)
	require.Contains(t, body["message"], "phone_numbers must be an array")
}

func TestNewPanicsWithoutService(t *testing.T) {
	require.Panics(t, func() { telnyx.New(nil, &httpapi.Tokens{}, telnyx.Options{}) })
	e := telnyxtest.Setup(t)
	require.Panics(t, func() { telnyx.New(e.F.Service, nil, telnyx.Options{}) })
}

// A closed store is 503 (porting.ErrClosed: a retry may succeed), in
// Telnyx's error body, and logged.
func TestClosedStore(t *testing.T) {
	var logs bytes.Buffer
	e := telnyxtest.Setup(t, func(o *telnyx.Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	r := e.Submitted(t, "+12025550101")
	require.NoError(t, e.F.Store.Close())
	rec := e.Do("GET", "/port_requests/"+r.ID, apitest.CustomerToken, nil)
	body := telnyxtest.RequireError(t, rec, http.StatusServiceUnavailable)
	require.Equal(t, "unavailable", body["errors"].([]any)[0].(telnyxtest.Obj)["code"])
	require.NotEmpty(t, rec.Header().Get("X-Request-Id"))
	require.Contains(t, logs.String(), porting.ErrClosed.Error())
}
