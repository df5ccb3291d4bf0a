package httpapi

import (
	"net/http"

	"github.com/portkit/portkit/httpapi/internal/route"
)

// CleanPaths returns next behind path cleaning: a request whose path has
// a trailing slash or doubled slashes reaches next with the path without
// them, as both dialects route such paths themselves. Put it in front of
// the http.ServeMux the dialects are mounted on, which would otherwise
// answer a doubled slash ("//origination/porting/...", from a client
// whose base URL ends in a slash) with a redirect that a client sending
// a body may not follow:
//
//	srv := &http.Server{Handler: httpapi.CleanPaths(mux)}
func CleanPaths(next http.Handler) http.Handler { return route.Handler(next) }
