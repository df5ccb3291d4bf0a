package route_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/route"
)

func TestTable(t *testing.T) {
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(name + " " + r.PathValue("id")))
		})
	}
	tb := route.New("/api/", []route.Route{
		{Method: "GET", Path: "/things", Handler: named("list")},
		{Method: "PUT", Path: "/things", Handler: named("create")},
		{Method: "GET", Path: "/things/{id}", Handler: named("get")},
		{Method: "DELETE", Path: "/things/{id}", Handler: named("delete")},
		{Method: "GET", Path: "/things/special", Handler: named("special")},
		{Method: "PATCH", Path: "/things/{id}/done", Handler: named("done")},
	}, route.Errors{
		NotFound:         http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) }),
		MethodNotAllowed: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(405) }),
	})
	for _, tc := range []struct {
		method, path string
		code         int
		body, allow  string
	}{
		{"GET", "/api/things", 200, "list ", ""},
		{"HEAD", "/api/things", 200, "", ""},
		{"GET", "/api/things/7", 200, "get 7", ""},
		{"GET", "/api/things/special", 200, "special ", ""},
		{"PATCH", "/api/things/7/done", 200, "done 7", ""},
		{"POST", "/api/things", 405, "", "GET, PUT, HEAD"},
		{"PUT", "/api/things/7", 405, "", "GET, DELETE, HEAD"},
		// A literal path is its own resource: the wildcard's methods are not its.
		{"PUT", "/api/things/special", 405, "", "GET, HEAD"},
		{"GET", "/api/things/7/done", 405, "", "PATCH"},
		{"GET", "/api/nothing", 404, "", ""},
		{"GET", "/elsewhere/things", 404, "", ""},
		// A trailing slash and doubled slashes route where the clean path
		// does, without a redirect.
		{"PUT", "/api/things/", 200, "create ", ""},
		{"GET", "/api/things/7/", 200, "get 7", ""},
		{"PATCH", "//api//things///7/done/", 200, "done 7", ""},
		{"POST", "/api/things/", 405, "", "GET, PUT, HEAD"},
		{"GET", "/api/nothing/", 404, "", ""},
	} {
		rec := httptest.NewRecorder()
		tb.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		require.Equal(t, tc.code, rec.Code, "%s %s", tc.method, tc.path)
		if tc.method != "HEAD" {
			require.Equal(t, tc.body, rec.Body.String(), "%s %s", tc.method, tc.path)
		}
		require.Equal(t, tc.allow, rec.Header().Get("Allow"), "%s %s", tc.method, tc.path)
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"/":                   "/",
		"//":                  "/",
		"/a":                  "/a",
		"/a/":                 "/a",
		"/a//b":               "/a/b",
		"//origination/x///":  "/origination/x",
		"/a/%2F/":             "/a/%2F",
		"/a/./b/":             "/a/./b",
		"/v2/accounts/x/pr/":  "/v2/accounts/x/pr",
		"/v2///accounts/x/pr": "/v2/accounts/x/pr",
	} {
		require.Equal(t, want, route.Clean(in), "Clean(%q)", in)
	}
}

// An escaped path is cleaned too, so that a wildcard gets the escaped
// segment as sent.
func TestTableEscapedPath(t *testing.T) {
	tb := route.New("/api", []route.Route{
		{Method: "GET", Path: "/files/{name}", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(r.PathValue("name")))
		})},
	}, route.Errors{NotFound: http.NotFoundHandler(), MethodNotAllowed: http.NotFoundHandler()})
	for _, p := range []string{"/api/files/a%2Fb", "/api/files/a%2Fb/", "//api//files/a%2Fb"} {
		rec := httptest.NewRecorder()
		tb.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		require.Equal(t, 200, rec.Code, p)
		require.Equal(t, "a/b", rec.Body.String(), p)
	}
}

// Handler cleans the path for the mux behind it, which would redirect a
// doubled slash itself.
func TestHandler(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/origination/", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(r.URL.Path)) })
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", "//origination/porting/x", nil))
	require.Equal(t, http.StatusTemporaryRedirect, rec.Code, "a bare ServeMux redirects")
	rec = httptest.NewRecorder()
	route.Handler(mux).ServeHTTP(rec, httptest.NewRequest("POST", "//origination/porting/x/", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "/origination/porting/x", rec.Body.String())
}
