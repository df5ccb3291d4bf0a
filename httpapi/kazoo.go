package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// KazooOptions configure NewKazoo. The zero value is usable.
type KazooOptions struct {
	// Prefix is the path under which the routes live: Prefix +
	// "/accounts/{ACCOUNT_ID}/port_requests...". Default "/v2".
	Prefix string
	// LOA renders the Letter of Authorization of a request, for GET
	// .../port_requests/{id}/loa (the program wires it to package loa).
	// While it is nil that route answers 501.
	LOA func(w io.Writer, r *porting.PortRequest) error
	// Logger receives the server-side failures (5xx). Default
	// slog.Default().
	Logger *slog.Logger
	// Now tells the time, for the default 31-day window of the completed
	// and canceled listings. Default: the Service's clock.
	Now func() time.Time
}

// kazooHandler serves the Kazoo dialect.
type kazooHandler struct {
	svc  *porting.Service
	auth Authenticator
	loa  func(io.Writer, *porting.PortRequest) error
	log  *slog.Logger
	now  func() time.Time
	mux  *http.ServeMux
	reps kazooRepCache
	// base is the path of the account routes, prefix + "/accounts/";
	// getOne serves GET port_requests/{id}, the most frequent call, which
	// ServeHTTP routes itself (see ServeHTTP).
	base   string
	getOne http.Handler
}

// NewKazoo returns the 2600Hz Kazoo port_requests API over svc, with
// callers authenticated by auth from their X-Auth-Token header (or
// auth_token query parameter). Mount it on its prefix:
//
//	mux.Handle("/v2/", httpapi.NewKazoo(svc, auth, httpapi.KazooOptions{}))
//
// It serves, under {prefix}/accounts/{ACCOUNT_ID}/: port_requests (list,
// PUT create, ?by_number=, ?by_types=), port_requests/{state} for every
// state, descendants/port_requests, port_requests/{id} (GET, POST edit,
// PATCH merge, DELETE), its attachments, the state PATCHes
// (port_requests/{id}/{state}), loa, comments and timeline. Every answer
// is in Kazoo's envelope. NewKazoo panics if svc or auth is nil.
func NewKazoo(svc *porting.Service, auth Authenticator, opt KazooOptions) http.Handler {
	if svc == nil || auth == nil {
		panic("httpapi: NewKazoo needs a porting.Service and an Authenticator")
	}
	k := &kazooHandler{svc: svc, auth: auth, loa: opt.LOA, log: opt.Logger, now: opt.Now, mux: http.NewServeMux()}
	if k.log == nil {
		k.log = slog.Default()
	}
	if k.now == nil {
		k.now = svc.Options().Clock.Now
	}
	prefix := opt.Prefix
	if prefix == "" {
		prefix = "/v2"
	}
	prefix = strings.TrimRight("/"+strings.TrimLeft(prefix, "/"), "/")
	k.register(prefix + "/accounts/{account}")
	k.base, k.getOne = prefix+"/accounts/", k.handle(k.get, true)
	return k
}

// ServeHTTP implements http.Handler. A GET of one port request, the most
// frequent call, is recognised here without the ServeMux's general
// matching (which costs a quarter of such a call); everything else, and
// any path that is not plainly of that shape, goes to the ServeMux.
func (k *kazooHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		if account, id, ok := k.oneRequestPath(r.URL.Path); ok {
			r.SetPathValue("account", account)
			r.SetPathValue("id", id)
			k.getOne.ServeHTTP(w, r)
			return
		}
	}
	k.mux.ServeHTTP(w, r)
}

// oneRequestPath matches {base}{account}/port_requests/{id}, where both
// names are plain IDs (lowercase letters, digits, '-', '_') and id is not
// a state (port_requests/{state} is a listing).
func (k *kazooHandler) oneRequestPath(path string) (account, id string, ok bool) {
	rest, ok := strings.CutPrefix(path, k.base)
	if !ok {
		return "", "", false
	}
	account, rest, ok = strings.Cut(rest, "/")
	if !ok || !kazooPlainID(account) {
		return "", "", false
	}
	id, ok = strings.CutPrefix(rest, "port_requests/")
	if !ok || !kazooPlainID(id) {
		return "", "", false
	}
	if _, isState := kazooStateOf(id); isState {
		return "", "", false
	}
	return account, id, true
}

// kazooPlainID reports whether s is a non-empty run of lowercase letters,
// digits, '-' and '_'.
func kazooPlainID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// kazooRoute is one route: a method and a path under the account.
type kazooRoute struct {
	method, path string
	serve        func(*kazooCall)
}

// routes lists every route.
func (k *kazooHandler) routes() []kazooRoute {
	rs := []kazooRoute{
		{http.MethodGet, "/port_requests", k.list},
		{http.MethodPut, "/port_requests", k.create},
		{http.MethodGet, "/descendants/port_requests", k.listDescendants},
		{http.MethodGet, "/port_requests/{id}", k.get},
		{http.MethodPost, "/port_requests/{id}", k.edit},
		{http.MethodPatch, "/port_requests/{id}", k.patch},
		{http.MethodDelete, "/port_requests/{id}", k.delete},
		{http.MethodGet, "/port_requests/{id}/attachments", k.listAttachments},
		{http.MethodPut, "/port_requests/{id}/attachments", k.putAttachment},
		{http.MethodGet, "/port_requests/{id}/attachments/{name}", k.getAttachment},
		{http.MethodPost, "/port_requests/{id}/attachments/{name}", k.replaceAttachment},
		{http.MethodDelete, "/port_requests/{id}/attachments/{name}", k.deleteAttachment},
		{http.MethodGet, "/port_requests/{id}/loa", k.getLOA},
		{http.MethodGet, "/port_requests/{id}/comments", k.listComments},
		{http.MethodPut, "/port_requests/{id}/comments", k.addComments},
		{http.MethodGet, "/port_requests/{id}/timeline", k.timeline},
	}
	for _, st := range porting.States() {
		rs = append(rs,
			kazooRoute{http.MethodGet, "/port_requests/" + string(st), k.listState(st)},
			kazooRoute{http.MethodPatch, "/port_requests/{id}/" + string(st), k.transition(st)})
	}
	return rs
}

// register adds the routes under base, a method-less route per path that
// answers 405 for the other methods, and a catch-all that answers 404,
// so that every answer is in the Kazoo envelope.
func (k *kazooHandler) register(base string) {
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range k.routes() {
		k.mux.Handle(rt.method+" "+base+rt.path, k.handle(rt.serve, strings.Contains(rt.path, "{id}")))
		if allowed[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	for _, p := range paths {
		// The state listings share their paths with port_requests/{id},
		// whose 405 route covers them.
		if _, isState := kazooStateOf(strings.TrimPrefix(p, "/port_requests/")); isState {
			continue
		}
		k.mux.Handle(base+p, k.handle(k.methodNotAllowed(p, allowed[p]), false))
	}
	k.mux.Handle("/", k.handle(func(c *kazooCall) { c.fail(porting.ErrNotFound) }, false))
}

// kazooStateOf returns the state named s.
func kazooStateOf(s string) (porting.State, bool) {
	st := porting.State(s)
	return st, slices.Contains(porting.States(), st)
}

// methodNotAllowed answers 405 with the methods allowed on path.
func (k *kazooHandler) methodNotAllowed(path string, methods []string) func(*kazooCall) {
	allow := slices.Clone(methods)
	if slices.Contains(allow, http.MethodGet) {
		allow = append(allow, http.MethodHead)
	}
	return func(c *kazooCall) {
		a := allow
		if _, isState := kazooStateOf(c.r.PathValue("id")); isState && path == "/port_requests/{id}" {
			a = []string{http.MethodGet, http.MethodHead} // a state listing
		}
		c.w.Header().Set("Allow", strings.Join(a, ", "))
		c.failWith(http.StatusMethodNotAllowed, "method "+c.r.Method+" not allowed", nil)
	}
}
