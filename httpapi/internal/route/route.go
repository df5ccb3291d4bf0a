// Package route is the one routing table both dialects declare their
// routes in: a method and a path under the dialect's prefix each, with
// path wildcards as http.ServeMux takes them. A Table answers what no
// route serves in the dialect's own error body: 405 with an Allow header
// when the path is served with another method, else 404.
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

// ServeHTTP routes r.
func (t *Table) ServeHTTP(w http.ResponseWriter, r *http.Request) { t.mux.ServeHTTP(w, r) }

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
