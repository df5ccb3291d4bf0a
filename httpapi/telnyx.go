package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// Defaults of TelnyxOptions.
const (
	// DefaultTelnyxPrefix is where the Telnyx v1 porting API lives.
	DefaultTelnyxPrefix = "/origination/porting"
	// DefaultTelnyxLinkTTL is how long a supporting document's download
	// link works, as the Telnyx document says.
	DefaultTelnyxLinkTTL = time.Hour
	// TelnyxMaxPerPage caps the per_page of a listing; a larger value is
	// refused with 422, as every invalid query parameter is.
	TelnyxMaxPerPage = 250
	// TelnyxDefaultPerPage is the per_page of a listing that names none.
	TelnyxDefaultPerPage = 20
)

// TelnyxOptions configure NewTelnyx. The zero value is usable; see LinkKey
// for what it means for download links.
type TelnyxOptions struct {
	// Prefix is the path the API is served under; default
	// DefaultTelnyxPrefix. It is a plain path ("/porting"), not a pattern;
	// "/" serves the API at the root.
	Prefix string
	// LOA renders a request's Letter of Authorization (for example with
	// loa.Render). It serves supporting document uploads of
	// document_type=loa that carry no file: the letter is generated and
	// attached as "loa.pdf". When nil, such an upload is 422 "file is
	// required".
	LOA func(w io.Writer, r *porting.PortRequest) error
	// LinkKey signs download links with HMAC-SHA256. When empty, NewTelnyx
	// draws a random 32-byte key: links then stop working when the process
	// restarts and are not honoured by other replicas, so set it (to the
	// same secret on every replica) in production.
	LinkKey []byte
	// LinkTTL is how long a download link works; default
	// DefaultTelnyxLinkTTL. Time is the Service's clock.
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
}

// telnyxHandler serves the Telnyx v1 porting dialect.
type telnyxHandler struct {
	svc  *porting.Service
	auth Authenticator
	opt  TelnyxOptions
	log  *slog.Logger
	mux  *http.ServeMux
}

// NewTelnyx returns a handler serving the Telnyx v1 ("Mission Control")
// porting API over svc, under opt.Prefix:
//
//	POST portability_checks
//	GET  port_requests, port_requests/{id}
//	GET  port_requests/{id}/sub_requests, .../sub_requests/{sid}
//	PUT  port_requests/{id}/sub_requests/{sid}
//	GET  port_requests/{id}/sub_requests/{sid}/allowed_foc_dates
//	POST port_requests/{id}/sub_requests/{sid}/request_cancellation
//	GET  port_requests/{id}/comments, POST the same
//	GET  port_requests/{id}/supporting_documents[/{doc_id}]
//	POST port_requests/{id}/supporting_documents (multipart/form-data)
//	POST port_requests/{id}/supporting_documents/{doc_id}/download_links
//	GET  downloads/{token} (the download links; no credentials)
//	GET  draft_port_requests, POST the same, GET draft_port_requests/{id}
//	POST draft_port_requests/{id}/submit
//	GET  draft_port_requests/{id}/sub_requests[/{sid}]
//	PUT  draft_port_requests/{id}/sub_requests/{sid}
//	GET  draft_port_requests/{id}/sub_requests/{sid}/allowed_foc_dates
//
// Callers authenticate with "Authorization: Token <t>", "Authorization:
// Bearer <t>", or the x-api-user and x-api-token headers together; auth
// turns those Credentials into the acting porting.Actor. A draft port
// request is a request in state unconfirmed; once submitted the same ID
// names a port request. NewTelnyx panics if svc or auth is nil.
func NewTelnyx(svc *porting.Service, auth Authenticator, opt TelnyxOptions) http.Handler {
	if svc == nil || auth == nil {
		panic("httpapi: NewTelnyx needs a porting.Service and an Authenticator")
	}
	opt.Prefix = telnyxCleanPrefix(opt.Prefix)
	if len(opt.LinkKey) == 0 {
		opt.LinkKey = make([]byte, 32)
		if _, err := rand.Read(opt.LinkKey); err != nil {
			panic("httpapi: crypto/rand: " + err.Error())
		}
	} else {
		opt.LinkKey = bytes.Clone(opt.LinkKey)
	}
	if opt.LinkTTL <= 0 {
		opt.LinkTTL = DefaultTelnyxLinkTTL
	}
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	h := &telnyxHandler{svc: svc, auth: auth, opt: opt, log: opt.Logger}
	h.routes()
	return h
}

// telnyxCleanPrefix gives a prefix one leading slash and no trailing one.
func telnyxCleanPrefix(p string) string {
	if p == "" {
		p = DefaultTelnyxPrefix
	}
	return "/" + strings.Trim(p, "/")
}

// routes registers every route. All but the download links authenticate
// (a); port loads the port request the path names, draft the request as
// a draft port request (see loading).
func (h *telnyxHandler) routes() {
	m := http.NewServeMux()
	a := h.authed
	port := func(f telnyxRequestFunc) http.HandlerFunc { return a(h.loading(h.portRequest, f)) }
	draft := func(f telnyxRequestFunc) http.HandlerFunc { return a(h.loading(h.svc.Get, f)) }
	m.HandleFunc("POST /portability_checks", a(h.checkPortability))

	m.HandleFunc("GET /port_requests", a(h.listPortRequests))
	m.HandleFunc("GET /port_requests/{id}", port(h.getPortRequest))
	m.HandleFunc("GET /port_requests/{id}/sub_requests", port(h.listSubRequests))
	m.HandleFunc("GET /port_requests/{id}/sub_requests/{sid}", port(h.getSubRequest))
	m.HandleFunc("PUT /port_requests/{id}/sub_requests/{sid}", port(h.updateSubRequest))
	m.HandleFunc("GET /port_requests/{id}/sub_requests/{sid}/allowed_foc_dates", port(h.allowedFOCDates))
	m.HandleFunc("POST /port_requests/{id}/sub_requests/{sid}/request_cancellation", port(h.requestCancellation))
	m.HandleFunc("GET /port_requests/{id}/comments", port(h.listComments))
	m.HandleFunc("POST /port_requests/{id}/comments", port(h.addComment))
	m.HandleFunc("GET /port_requests/{id}/supporting_documents", port(h.listDocuments))
	m.HandleFunc("POST /port_requests/{id}/supporting_documents", port(h.uploadDocument))
	m.HandleFunc("GET /port_requests/{id}/supporting_documents/{doc}", port(h.getDocument))
	m.HandleFunc("POST /port_requests/{id}/supporting_documents/{doc}/download_links", port(h.createDownloadLink))
	m.HandleFunc("GET /downloads/{token}", h.download)

	m.HandleFunc("GET /draft_port_requests", a(h.listDrafts))
	m.HandleFunc("POST /draft_port_requests", a(h.createDraft))
	m.HandleFunc("GET /draft_port_requests/{id}", draft(h.getDraft))
	m.HandleFunc("POST /draft_port_requests/{id}/submit", a(h.submitDraft))
	m.HandleFunc("GET /draft_port_requests/{id}/sub_requests", draft(h.listDraftSubRequests))
	m.HandleFunc("GET /draft_port_requests/{id}/sub_requests/{sid}", draft(h.getDraftSubRequest))
	m.HandleFunc("PUT /draft_port_requests/{id}/sub_requests/{sid}", a(h.updateDraftSubRequest))
	m.HandleFunc("GET /draft_port_requests/{id}/sub_requests/{sid}/allowed_foc_dates", a(h.draftAllowedFOCDates))

	m.HandleFunc("/", h.noRoute)
	h.mux = m
}

// ServeHTTP implements http.Handler: it strips the prefix and routes.
func (h *telnyxHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newRequestID())
	rest, ok := telnyxStrip(r.URL.Path, h.opt.Prefix)
	if !ok {
		h.fail(w, r, telnyxErrNoRoute, nil)
		return
	}
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path = rest
	r2.URL.RawPath = ""
	if raw, ok := telnyxStrip(r.URL.RawPath, h.opt.Prefix); ok {
		r2.URL.RawPath = raw
	}
	h.mux.ServeHTTP(w, r2)
}

// telnyxStrip removes prefix from path; the rest must be empty or start
// with a slash.
func telnyxStrip(path, prefix string) (string, bool) {
	if prefix == "/" {
		return path, strings.HasPrefix(path, "/")
	}
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		return "", false
	}
	if rest == "" {
		rest = "/"
	}
	return rest, true
}

// noRoute answers paths no route serves: 405 with Allow when another
// method would be served there, else 404.
func (h *telnyxHandler) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		h.fail(w, r, telnyxErrMethod, nil)
		return
	}
	h.fail(w, r, telnyxErrNoRoute, nil)
}

// telnyxHandlerFunc is a handler that runs as an authenticated actor.
type telnyxHandlerFunc func(w http.ResponseWriter, r *http.Request, a porting.Actor)

// authed authenticates the caller and puts the actor in the context the
// Service reads.
func (h *telnyxHandler) authed(next telnyxHandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, err := h.auth.Authenticate(r.Context(), telnyxCredentials(r))
		if err != nil {
			h.fail(w, r, err, nil)
			return
		}
		next(w, r.WithContext(porting.WithActor(r.Context(), a)), a)
	}
}

// telnyxRequestFunc is a handler of the request the path names, loaded.
type telnyxRequestFunc func(w http.ResponseWriter, r *http.Request, req *porting.PortRequest)

// loading loads the request the path names ({id}) with load before next
// runs: Service.Get for the draft port request routes, portRequest for
// the port request routes (a draft never submitted is none of those).
func (h *telnyxHandler) loading(load func(context.Context, string) (*porting.PortRequest, error), next telnyxRequestFunc) telnyxHandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ porting.Actor) {
		req, err := load(r.Context(), r.PathValue("id"))
		if err != nil {
			h.fail(w, r, err, nil)
			return
		}
		next(w, r, req)
	}
}

// telnyxCredentials reads "Authorization: Token|Bearer <t>", or else the
// x-api-user and x-api-token pair (both are needed).
func telnyxCredentials(r *http.Request) Credentials {
	c := Credentials{User: strings.TrimSpace(r.Header.Get("X-Api-User"))}
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

// telnyxAccount is the account whose requests a listing covers: the
// actor's own, or every account for a system admin.
func telnyxAccount(a porting.Actor) string {
	if a.Admin {
		return ""
	}
	return a.AccountID
}
