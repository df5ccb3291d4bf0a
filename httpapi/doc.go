// Package httpapi serves portkit over HTTP in the dialects of two real
// porting APIs, so that clients written for them work unchanged. Each
// dialect is a package of its own:
//
//   - httpapi/kazoo: the 2600Hz Kazoo port_requests API
//     (/v2/accounts/{id}/port_requests...), answers in Kazoo's envelope;
//   - httpapi/telnyx: the Telnyx v1 porting API (/origination/porting/...),
//     bare JSON with Telnyx's error bodies.
//
// Each New returns an http.Handler for its prefix, to mount on any
// http.ServeMux. Both may serve one porting.Service, and then a request
// made through one dialect is visible and editable through the other,
// under the same ID:
//
//	tokens := &httpapi.Tokens{}
//	tokens.Add(token, porting.Actor{AccountID: "acme"})
//	mux.Handle("/v2/", kazoo.New(svc, tokens, kazoo.Options{}))
//	mux.Handle("/origination/porting/", telnyx.New(svc, tokens, telnyx.Options{LinkKey: key}))
//
// The dialects only translate: every rule lives in package porting, and
// the httpapi tree alone maps porting's errors to HTTP statuses, each
// dialect to its own error body. This package holds what both share: the
// Authenticator that turns a dialect's credentials into a porting.Actor,
// the limits on what clients send, the Route type the dialects list
// their routes with, the CORS policy that lets browser apps of other
// origins in (each dialect's Options.CORS), and CleanPaths for a mux in
// front of them (both route a trailing slash and doubled slashes as the
// clean path, never redirecting). Its tests are the cross-dialect ones: the access
// matrix over every route of both, races over real HTTP, round trips
// from one dialect to the other, hostile input and the fuzz targets.
package httpapi
