package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// CORS lets browser apps served from other origins call a dialect (Monster
// UI, served from its own host, calls Kazoo's API from the browser). Both
// dialects take one in their Options. The zero value allows no other
// origin: the handler is then served as it is, without CORS headers.
//
// A browser's preflight (OPTIONS with Origin and
// Access-Control-Request-Method) from an allowed origin is answered 204
// before authentication, since the browser sends no credentials with
// it; one from another origin gets 204 without the Access-Control
// headers, which the browser reads as a refusal. Every other answer to an
// allowed origin, errors included, carries Access-Control-Allow-Origin
// and Access-Control-Expose-Headers, so the app can read the status, the
// body and the headers it needs (Total, Location, X-Request-Id...).
type CORS struct {
	// Origins are the origins allowed, each as a browser sends it in
	// Origin: scheme://host[:port] ("https://monster.example.com",
	// "http://localhost:3000"). "*" allows every origin, and is answered
	// as "*"; it is never implied. See ParseOrigins.
	Origins []string
}

// Headers of the CORS answers.
const (
	// CORSAllowMethods are the methods a preflight allows: every method
	// either dialect serves.
	CORSAllowMethods = "GET, HEAD, PUT, POST, PATCH, DELETE, OPTIONS"
	// CORSAllowHeaders are the request headers a preflight allows: the
	// credentials of both dialects (X-Auth-Token; Authorization,
	// X-Api-User and X-Api-Token), the body's type, If-Match, and what
	// browsers and their libraries add.
	CORSAllowHeaders = "Accept, Authorization, Cache-Control, Content-Type, If-Match, If-Modified-Since, " +
		"X-Api-Token, X-Api-User, X-Auth-Token, X-Request-Id, X-Requested-With"
	// CORSExposeHeaders are the response headers an app may read beyond
	// the safelisted ones: Telnyx's paging totals, where a created
	// resource is, the revision, the request ID, an attachment's name and
	// a 405's Allow.
	CORSExposeHeaders = "Allow, Content-Disposition, Content-Length, ETag, Location, Total, Total-Pages, X-Request-Id"
	// CORSMaxAge is how long a browser may reuse a preflight's answer,
	// in seconds (browsers cap it lower).
	CORSMaxAge = "86400"
)

// ParseOrigins reads a comma-separated list of origins, as portd's
// -cors-origins flag takes it: each scheme://host[:port] (http or https;
// no path, query or user), or "*" alone for every origin. Empty items
// are skipped; scheme and host are lowercased, as browsers send them.
func ParseOrigins(list string) ([]string, error) {
	var out []string
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if item == "*" {
			out = append(out, item)
			continue
		}
		u, err := url.Parse(item)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Opaque != "" {
			return nil, fmt.Errorf("CORS origin %q must be scheme://host[:port] (http or https, no path), or *", item)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	if slices.Contains(out, "*") && len(out) > 1 {
		return nil, fmt.Errorf("CORS origins: * allows every origin and cannot be listed with others")
	}
	return out, nil
}

// Wrap returns next behind the policy; next itself when no origin is
// allowed.
func (c CORS) Wrap(next http.Handler) http.Handler {
	if len(c.Origins) == 0 {
		return next
	}
	p := &corsPolicy{next: next, any: slices.Contains(c.Origins, "*"), origins: map[string]bool{}}
	for _, o := range c.Origins {
		p.origins[strings.ToLower(strings.TrimRight(o, "/"))] = true
	}
	return p
}

// corsPolicy is a CORS policy in front of a handler.
type corsPolicy struct {
	next    http.Handler
	any     bool
	origins map[string]bool
}

// Shared header values (never modified once set).
var (
	corsExpose  = []string{CORSExposeHeaders}
	corsAny     = []string{"*"}
	corsMethods = []string{CORSAllowMethods}
	corsHeaders = []string{CORSAllowHeaders}
	corsMaxAge  = []string{CORSMaxAge}
	varyOrigin  = "Origin"
)

// ServeHTTP answers a preflight, or serves r with the CORS headers its
// origin gets. With "*" every answer has them, whatever the Origin;
// otherwise only an allowed origin's do, and every answer says it
// varies with Origin, for caches.
func (p *corsPolicy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	origin := r.Header.Get("Origin")
	allowed := p.any
	if !p.any {
		h.Add("Vary", varyOrigin)
		allowed = origin != "" && p.origins[strings.ToLower(origin)]
	}
	if allowed {
		if p.any {
			h["Access-Control-Allow-Origin"] = corsAny
		} else {
			h["Access-Control-Allow-Origin"] = []string{origin}
		}
	}
	if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		if allowed {
			h["Access-Control-Allow-Methods"] = corsMethods
			h["Access-Control-Allow-Headers"] = corsHeaders
			h["Access-Control-Max-Age"] = corsMaxAge
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if allowed {
		h["Access-Control-Expose-Headers"] = corsExpose
	}
	p.next.ServeHTTP(w, r)
}
