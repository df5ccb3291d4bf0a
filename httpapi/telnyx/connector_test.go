package telnyx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/telnyx"
)

// A replay of a Telnyx v1 REST connector's porting flow, built from the
// document's examples (no v1 client of the porting API was found to read):
// a connector configured with a base URL ending in "/", so that every path
// it joins starts with "//" (served behind httpapi.CleanPaths, as portd
// does, without a redirect), "Authorization: Token", Accept and
// Content-Type application/json; and a browser dashboard of another origin
// calling the same API with its preflight. Each step checks the keys the
// document shows; the wrong shapes a client sends by mistake are 422
// naming the field, bytes that are not JSON 400.
func TestConnectorReplay(t *testing.T) {
	const origin = "https://dashboard.example.com"
	e := telnyxtest.Setup(t, func(o *telnyx.Options) { o.CORS = httpapi.CORS{Origins: []string{origin}} })
	mux := http.NewServeMux()
	mux.Handle(telnyx.DefaultPrefix+"/", e.H)
	h := httpapi.CleanPaths(mux)
	base := "/" + telnyx.DefaultPrefix + "/" // the connector's base URL ends in "/"

	call := func(method, path string, body any, header map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, base+path, apitest.BodyReader(body))
		req.Header.Set("Authorization", "Token "+apitest.CustomerToken)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Less(t, rec.Code, 300, "%s %s: %s", method, path, rec.Body)
		return rec
	}
	require.True(t, strings.HasPrefix(base+"/portability_checks", "//"), "the connector's paths start with //")

	// POST portability_checks, the document's example body.
	rec := call("POST", "/portability_checks", telnyxtest.DocPortabilityCheckRequest, nil)
	require.Equal(t, http.StatusOK, rec.Code)
	telnyxtest.RequireShape(t, telnyxtest.DocPortabilityCheckResponse, rec.Body.Bytes())

	// A draft, its sub request filled in with the document's fields, the
	// submission.
	rec = call("POST", "/draft_port_requests", telnyxtest.Numbers("+13125354200"), nil)
	require.Equal(t, http.StatusCreated, rec.Code)
	telnyxtest.RequireShape(t, telnyxtest.DocDraftCreated, rec.Body.Bytes())
	draft := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	id := draft["id"].(string)
	sid := telnyxtest.Subs(draft)[0]["id"].(string)
	rec = call("PUT", "/draft_port_requests/"+id+"/sub_requests/"+sid+"/",
		telnyxtest.BodyFrom(t, telnyxtest.DocDraftSubRequestUpdate), nil)
	require.Equal(t, http.StatusOK, rec.Code, "a trailing slash is the same path")
	rec = call("POST", "/draft_port_requests/"+id+"/submit", nil, nil)
	require.Equal(t, http.StatusCreated, rec.Code)
	telnyxtest.RequireShape(t, telnyxtest.DocDraftSubmitted, rec.Body.Bytes())

	// The port request, listed and read; a comment.
	rec = call("GET", "/port_requests?page=1&per_page=20&include_sub_requests=true", nil, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocPortRequestList, rec.Body.Bytes())
	require.Equal(t, "1", rec.Header().Get("Total"))
	rec = call("GET", "/port_requests/"+id, nil, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocPortRequest, rec.Body.Bytes())
	rec = call("POST", "/port_requests/"+id+"/comments", telnyxtest.DocCommentCreate, nil)
	require.Equal(t, http.StatusCreated, rec.Code)
	telnyxtest.RequireShape(t, telnyxtest.DocComment, rec.Body.Bytes())

	// A dashboard in a browser: the preflight before authentication, then
	// the call, whose answer it may read (Total among its headers).
	pre := httptest.NewRequest("OPTIONS", base+"/port_requests", nil)
	pre.Header.Set("Origin", origin)
	pre.Header.Set("Access-Control-Request-Method", "GET")
	pre.Header.Set("Access-Control-Request-Headers", "authorization")
	prec := httptest.NewRecorder()
	h.ServeHTTP(prec, pre)
	require.Equal(t, http.StatusNoContent, prec.Code)
	require.Equal(t, origin, prec.Header().Get("Access-Control-Allow-Origin"))
	require.Contains(t, strings.ToLower(prec.Header().Get("Access-Control-Allow-Headers")), "authorization")
	rec = call("GET", "/port_requests", nil, map[string]string{"Origin": origin})
	require.Equal(t, origin, rec.Header().Get("Access-Control-Allow-Origin"))
	require.Contains(t, rec.Header().Get("Access-Control-Expose-Headers"), "Total")

	// The mistakes: valid JSON of the wrong shape is 422 naming the field
	// (the document lists 401 and 422 only); bytes that are not JSON 400.
	for _, tc := range []struct {
		path, body string
		code       int
		pointer    string
		says       string
	}{
		{"/portability_checks", `{"phone_numbers":"oops"}`, 422, "/phone_numbers", "phone_numbers must be an array"},
		{"/portability_checks", `["+13125354200"]`, 422, "", "the body must be an object, not array"},
		{"/portability_checks", `{"phone_numbers":[{"phone_number":13125354200}]}`, 422, "/phone_numbers/phone_number", "phone_number must be a string"},
		{"/draft_port_requests", `{"phone_numbers":{"phone_number":"+13125354200"}}`, 422, "/phone_numbers", "phone_numbers must be an array"},
		{"/portability_checks", `{"phone_numbers":[`, 400, "", "malformed JSON"},
	} {
		req := httptest.NewRequest("POST", base+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Token "+apitest.CustomerToken)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := telnyxtest.RequireError(t, rec, tc.code)
		require.Contains(t, body["message"], tc.says, tc.body)
		if tc.pointer != "" {
			require.Equal(t, []string{tc.pointer}, telnyxtest.Pointers(t, rec), tc.body)
		}
		var b struct {
			Errors []struct {
				Code  string `json:"code"`
				Title string `json:"title"`
			} `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &b))
		if tc.code == 422 {
			require.Equal(t, "type", b.Errors[0].Code, tc.body)
		}
	}
}
