// Package route is the one routing table both dialects declare their
// routes in: a method and a path under the dialect's prefix each, with
// path wildcards as http.ServeMux takes them. A Table answers what no
// route serves in the dialect's own error body: 405 with an Allow header
// when the path is served with another method, else 404.
//
// A path is routed in its clean form (see Clean): a trailing slash and
// doubled slashes are the client's way of writing the same path
// ("port_requests/" from a client that joins a base and an empty ID,
// "//origination" from a base URL ending in a slash), so they are routed
// where the path without them goes, never redirected: a client that
// does not resend its body on a redirect would lose its PUT or POST.
package route

import (
	"net/http"
	"slices"
	"strings"
)

// Route is one route: a method, a path under the table's prefix and the
// handler that serves it.
type Route struct {
	Method, Path string
	Handler      http.Handler
}

// Errors answers what no route serves, each dialect in its own body.
type Errors struct {
	// NotFound answers a path no route has.
	NotFound http.Handler
	// MethodNotAllowed answers a path served with other methods; the
	// table has set the Allow header to them already.
	MethodNotAllowed http.Handler
}

// Table routes requests under a prefix.
type Table struct {
	mux   *http.ServeMux // the routes, with their methods
	paths *http.ServeMux // the routes' paths, without: for 405
	allow map[string]string
	errs  Errors
}

// New returns a table of routes under prefix ("" or "/" for the root, else
// a path without a trailing slash). Routes on one path share a resource:
// a request for it with another method is 405, with Allow listing the
// path's methods in the order declared and HEAD after them where GET is
// one. A path with a literal segment shadows a wildcard one for that
// purpose ("/requests/completed" beside "/requests/{id}").
func New(prefix string, routes []Route, errs Errors) *Table {
	prefix = strings.TrimRight(prefix, "/")
	t := &Table{mux: http.NewServeMux(), paths: http.NewServeMux(), allow: map[string]string{}, errs: errs}
	methods := map[string][]string{}
	var order []string
	for _, rt := range routes {
		t.mux.Handle(rt.Method+" "+prefix+rt.Path, rt.Handler)
		if methods[rt.Path] == nil {
			order = append(order, rt.Path)
		}
		methods[rt.Path] = append(methods[rt.Path], rt.Method)
	}
	for _, p := range order {
		allow := methods[p]
		if slices.Contains(allow, http.MethodGet) && !slices.Contains(allow, http.MethodHead) {
			allow = append(allow, http.MethodHead)
		}
		t.allow[prefix+p] = strings.Join(allow, ", ")
		t.paths.Handle(prefix+p, http.NotFoundHandler()) // a marker: only its pattern is used
	}
	t.mux.HandleFunc("/", t.miss)
	return t
}

// ServeHTTP routes r by its clean path (see Clean).
func (t *Table) ServeHTTP(w http.ResponseWriter, r *http.Request) { t.mux.ServeHTTP(w, Cleaned(r)) }

// Clean returns a path without doubled slashes and without a trailing
// slash ("/" stays "/"). Dot segments are left as they are: what they
// name is not the same path.
func Clean(p string) string {
	if !needsCleaning(p) {
		return p
	}
	b := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && len(b) > 0 && b[len(b)-1] == '/' {
			continue
		}
		b = append(b, p[i])
	}
	if len(b) > 1 && b[len(b)-1] == '/' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// needsCleaning reports whether Clean changes p.
func needsCleaning(p string) bool {
	return len(p) > 1 && p[len(p)-1] == '/' || strings.Contains(p, "//")
}

// Cleaned returns r itself when its path is clean, else a shallow copy
// of r whose path (and escaped path) is.
func Cleaned(r *http.Request) *http.Request {
	if !needsCleaning(r.URL.Path) && !needsCleaning(r.URL.RawPath) {
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path, u.RawPath = Clean(u.Path), Clean(u.RawPath)
	r2.URL = &u
	return r2
}

// Handler returns next behind path cleaning: next sees every request
// with its clean path. Put it in front of an http.ServeMux that mounts
// the dialects, which would otherwise answer a doubled slash with a
// redirect.
func Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, Cleaned(r)) })
}

// miss answers a request no route serves.
func (t *Table) miss(w http.ResponseWriter, r *http.Request) {
	if _, pattern := t.paths.Handler(r); pattern != "" {
		if allow, ok := t.allow[pattern]; ok {
			w.Header().Set("Allow", allow)
			t.errs.MethodNotAllowed.ServeHTTP(w, r)
			return
		}
	}
	t.errs.NotFound.ServeHTTP(w, r)
}
