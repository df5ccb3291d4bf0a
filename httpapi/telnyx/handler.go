package telnyx

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/requestid"
	"github.com/portkit/portkit/httpapi/internal/route"
	"github.com/portkit/portkit/porting"
)

// Defaults of Options.
const (
	// DefaultPrefix is where the Telnyx v1 porting API lives.
	DefaultPrefix = "/origination/porting"
	// DefaultLinkTTL is how long a supporting document's download
	// link works, as the Telnyx document says.
	DefaultLinkTTL = time.Hour
	// MaxPerPage caps the per_page of a listing; a larger value is
	// refused with 422, as every invalid query parameter is.
	MaxPerPage = 250
	// DefaultPerPage is the per_page of a listing that names none.
	DefaultPerPage = 20
)

// Options configure New. The zero value is usable; see LinkKey
// for what it means for download links.
type Options struct {
	// Prefix is the path the API is served under; default
	// DefaultPrefix. It is a plain path ("/porting"), not a pattern;
	// "/" serves the API at the root.
	Prefix string
	// LOA renders a request's Letter of Authorization (for example with
	// loa.Render). It serves supporting document uploads of
	// document_type=loa that carry no file: the letter is generated and
	// attached as "loa.pdf". When nil, such an upload is 422 "file is
	// required".
	LOA func(w io.Writer, r *porting.PortRequest) error
	// LinkKey signs download links with HMAC-SHA256. When empty, New
	// draws a random 32-byte key: links then stop working when the process
	// restarts and are not honoured by other replicas, so set it (to the
	// same secret on every replica) in production.
	LinkKey []byte
	// LinkTTL is how long a download link works; default
	// DefaultLinkTTL. Time is the Service's clock.
	LinkTTL time.Duration
	// BaseURL is the public base of download links, scheme://host with an
	// optional path under which the handler is mounted; the link is
	// BaseURL + Prefix + "/downloads/{token}". Default: derived from each
	// request (X-Forwarded-Proto and X-Forwarded-Host when present, else
	// r.Host; https under TLS, else http). Set it when the handler sits
	// behind a proxy that does not send those headers, or that clients
	// may forge them through.
	BaseURL string
	// Logger receives server errors (5xx); default slog.Default().
	Logger *slog.Logger
	// CORS lets browser apps of other origins call the API; the zero
	// value allows none. See httpapi.CORS.
	CORS httpapi.CORS
}

// handler serves the Telnyx v1 porting dialect.
type handler struct {
	svc    *porting.Service
	auth   httpapi.Authenticator
	opt    Options
	log    *slog.Logger
	routes *route.Table
}

// New returns a handler serving the Telnyx v1 porting API over svc,
// under opt.Prefix: the routes Routes lists (see the package
// documentation). Callers authenticate with "Authorization: Token <t>",
// "Authorization: Bearer <t>", or the x-api-user and x-api-token headers
// together; auth turns those credentials into the acting porting.Actor.
// New panics if svc or auth is nil.
func New(svc *porting.Service, auth httpapi.Authenticator, opt Options) http.Handler {
	if svc == nil || auth == nil {
		panic("telnyx: New needs a porting.Service and an httpapi.Authenticator")
	}
	opt.Prefix = cleanPrefix(opt.Prefix)
	if len(opt.LinkKey) == 0 {
		opt.LinkKey = make([]byte, 32)
		if _, err := rand.Read(opt.LinkKey); err != nil {
			panic("telnyx: crypto/rand: " + err.Error())
		}
	} else {
		opt.LinkKey = bytes.Clone(opt.LinkKey)
	}
	if opt.LinkTTL <= 0 {
		opt.LinkTTL = DefaultLinkTTL
	}
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	h := &handler{svc: svc, auth: auth, opt: opt, log: opt.Logger}
	var routes []route.Route
	for _, rt := range h.table() {
		routes = append(routes, route.Route{Method: rt.method, Path: rt.path, Handler: rt.serve})
	}
	h.routes = route.New(opt.Prefix, routes, route.Errors{
		NotFound:         http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.fail(w, r, errNoRoute, nil) }),
		MethodNotAllowed: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.fail(w, r, errMethod, nil) }),
	})
	return opt.CORS.Wrap(h)
}

// cleanPrefix gives a prefix one leading slash and no trailing one.
func cleanPrefix(p string) string {
	if p == "" {
		p = DefaultPrefix
	}
	return "/" + strings.Trim(p, "/")
}

// entry is one route: a method, a path under the prefix and its handler.
type entry struct {
	method, path string
	serve        http.HandlerFunc
}

// table lists every route, in the order Routes gives them. All but the
// download links authenticate (a); port loads the port request the path
// names, draft the request as a draft port request (see loading).
func (h *handler) table() []entry {
	a := h.authed
	port := func(f requestFunc) http.HandlerFunc { return a(h.loading(h.portRequest, f)) }
	draft := func(f requestFunc) http.HandlerFunc { return a(h.loading(h.svc.Get, f)) }
	return []entry{
		{http.MethodPost, "/portability_checks", a(h.checkPortability)},

		{http.MethodGet, "/port_requests", a(h.listPortRequests)},
		{http.MethodGet, "/port_requests/{id}", port(h.getPortRequest)},
		{http.MethodGet, "/port_requests/{id}/sub_requests", port(h.listSubRequests)},
		{http.MethodGet, "/port_requests/{id}/sub_requests/{sid}", port(h.getSubRequest)},
		{http.MethodPut, "/port_requests/{id}/sub_requests/{sid}", port(h.updateSubRequest)},
		{http.MethodGet, "/port_requests/{id}/sub_requests/{sid}/allowed_foc_dates", port(h.allowedFOCDates)},
		{http.MethodPost, "/port_requests/{id}/sub_requests/{sid}/request_cancellation", port(h.requestCancellation)},
		{http.MethodGet, "/port_requests/{id}/comments", port(h.listComments)},
		{http.MethodPost, "/port_requests/{id}/comments", port(h.addComment)},
		{http.MethodGet, "/port_requests/{id}/supporting_documents", port(h.listDocuments)},
		{http.MethodPost, "/port_requests/{id}/supporting_documents", port(h.uploadDocument)},
		{http.MethodGet, "/port_requests/{id}/supporting_documents/{doc}", port(h.getDocument)},
		{http.MethodPost, "/port_requests/{id}/supporting_documents/{doc}/download_links", port(h.createDownloadLink)},
		{http.MethodGet, "/downloads/{token}", h.download},

		{http.MethodGet, "/draft_port_requests", a(h.listDrafts)},
		{http.MethodPost, "/draft_port_requests", a(h.createDraft)},
		{http.MethodGet, "/draft_port_requests/{id}", draft(h.getDraft)},
		{http.MethodPost, "/draft_port_requests/{id}/submit", a(h.submitDraft)},
		{http.MethodGet, "/draft_port_requests/{id}/sub_requests", draft(h.listDraftSubRequests)},
		{http.MethodGet, "/draft_port_requests/{id}/sub_requests/{sid}", draft(h.getDraftSubRequest)},
		{http.MethodPut, "/draft_port_requests/{id}/sub_requests/{sid}", a(h.updateDraftSubRequest)},
		{http.MethodGet, "/draft_port_requests/{id}/sub_requests/{sid}/allowed_foc_dates", a(h.draftAllowedFOCDates)},
	}
}

// Routes lists the routes the dialect serves, each a method and a path
// under the prefix: for documentation, gateways and tests. Paths name
// their wildcards as http.ServeMux does ({id}, {sid}, {doc}, {token}).
func Routes() []httpapi.Route {
	var out []httpapi.Route
	for _, rt := range (&handler{}).table() {
		out = append(out, httpapi.Route{Method: rt.method, Path: rt.path})
	}
	return out
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", requestid.New())
	h.routes.ServeHTTP(w, r)
}

// actorHandler is a handler that runs as an authenticated actor.
type actorHandler func(w http.ResponseWriter, r *http.Request, a porting.Actor)

// authed authenticates the caller and puts the actor in the context the
// Service reads.
func (h *handler) authed(next actorHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := h.auth.Authenticate(r.Context(), credentials(r))
		if err != nil {
			h.fail(w, r, err, nil)
			return
		}
		next(w, r.WithContext(porting.WithActor(r.Context(), a)), a)
	}
}

// requestFunc is a handler of the request the path names, loaded.
type requestFunc func(w http.ResponseWriter, r *http.Request, req *porting.PortRequest)

// loading loads the request the path names ({id}) with load before next
// runs: Service.Get for the draft port request routes, portRequest for
// the port request routes (a draft never submitted is none of those).
func (h *handler) loading(load func(context.Context, string) (*porting.PortRequest, error), next requestFunc) actorHandler {
	return func(w http.ResponseWriter, r *http.Request, _ porting.Actor) {
		req, err := load(r.Context(), r.PathValue("id"))
		if err != nil {
			h.fail(w, r, err, nil)
			return
		}
		next(w, r, req)
	}
}

// credentials reads "Authorization: Token|Bearer <t>", or else the
// x-api-user and x-api-token pair (both are needed).
func credentials(r *http.Request) httpapi.Credentials {
	c := httpapi.Credentials{User: strings.TrimSpace(r.Header.Get("X-Api-User"))}
	if scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " "); ok &&
		(strings.EqualFold(scheme, "Token") || strings.EqualFold(scheme, "Bearer")) {
		c.Token = strings.TrimSpace(tok)
		return c
	}
	if c.User != "" {
		c.Token = strings.TrimSpace(r.Header.Get("X-Api-Token"))
	}
	return c
}

// listedAccount is the account whose requests a listing covers: the
// actor's own, or every account for a system admin.
func listedAccount(a porting.Actor) string {
	if a.Admin {
		return ""
	}
	return a.AccountID
}
