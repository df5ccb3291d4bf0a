// Package httpapi serves portkit over HTTP in the dialects of two real
// porting APIs, so that clients written for them work unchanged:
//
//   - NewKazoo: the 2600Hz Kazoo port_requests API (/v2/accounts/{id}/port_requests...).
//   - NewTelnyx: the Telnyx v1 porting API (/origination/porting/...).
//
// Each constructor returns an http.Handler for its prefix, to mount on any
// http.ServeMux; both may serve one porting.Service, and then a request
// made through one dialect is visible and editable through the other.
//
// The dialects only translate: every rule lives in package porting. This
// package alone maps porting's errors to HTTP statuses and to each
// dialect's error body. Callers are authenticated by an Authenticator,
// which turns the dialect's credentials into a porting.Actor.
package httpapi
