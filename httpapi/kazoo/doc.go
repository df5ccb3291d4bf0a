// Package kazoo serves the 2600Hz Kazoo port_requests API over a
// porting.Service, so that Kazoo's clients (Monster UI's port apps,
// kazoo-php-sdk, curl from the document) work unchanged.
//
//	mux.Handle("/v2/", kazoo.New(svc, tokens, kazoo.Options{LOA: renderLOA}))
//
// # Routes
//
// Under {prefix} (prefix "/v2" by default; Routes lists them all):
//
//	GET    port_requests                       the requests the caller manages as a port authority (empty for others)
//
// and under {prefix}/accounts/{ACCOUNT_ID}/:
//
//	GET    port_requests                       the account's requests, grouped by account
//	PUT    port_requests                       create (state unconfirmed)
//	GET    port_requests?by_number=N           the requests holding N, flat
//	GET    port_requests?by_types=T            active, progressing, suspended, completed, all, or states
//	GET    port_requests/{state}               one state; completed and canceled are time-ranged and paged
//	GET    descendants/port_requests[/{state}] the same over every sub-account, at any depth
//	POST   port_requests/lnp_lookup            {"numbers": [...]}: each number's losing carrier and portability
//	GET    port_requests/last_submitted        each submitted request's last move to submitted, and who made it
//	GET    port_requests/{id}                  one request
//	POST   port_requests/{id}                  full edit (unconfirmed and rejected only)
//	PATCH  port_requests/{id}                  merge the body's fields, then edit
//	DELETE port_requests/{id}                  delete (unconfirmed, rejected, canceled)
//	PATCH  port_requests/{id}/{state}          move to state, merging the body's fields first
//	GET    port_requests/{id}/attachments      {name: {content_type, length}}
//	PUT    port_requests/{id}/attachments?filename=F   add or replace, raw bytes
//	GET    port_requests/{id}/attachments/{name}       the bytes
//	POST   port_requests/{id}/attachments/{name}       replace
//	DELETE port_requests/{id}/attachments/{name}       delete
//	GET    port_requests/{id}/loa              the Letter of Authorization (PDF)
//	GET    port_requests/{id}/comments         comments; private ones for the port authority only
//	PUT    port_requests/{id}/comments         add {"comments": [...]} or one comment; answers {"comments": [...]}
//	GET    port_requests/{id}/timeline         transitions and comments, by time
//
// and portkit's extension for the account's webhooks (webhooks.go; the
// test route answers 501 unless Options.Webhooks is set):
//
//	GET    port_webhooks                       the account's webhooks (no secrets)
//	PUT    port_webhooks                       create {url, event_types, descendants, secret, enabled, description}
//	GET    port_webhooks/{webhook}             one, with its secret
//	POST   port_webhooks/{webhook}             replace; PATCH merges; DELETE deletes
//	POST   port_webhooks/{webhook}/test        send a test message now
//	GET    port_webhooks/{webhook}/deliveries  deliveries with their attempts (?status=)
//	POST   port_webhooks/{webhook}/deliveries/{delivery}/replay
//
// A trailing slash and doubled slashes are the same path (kazoo-php-sdk
// creates with PUT port_requests/); nothing is redirected.
//
// # The wire
//
// Bodies are {"data": {...}}; every answer is Kazoo's envelope,
// {"auth_token", "data", "request_id", "revision", "status"}, with "error"
// and "message" on failures. Times are Gregorian seconds (Unix seconds +
// 62167219200). A request's revision is CouchDB's "N-hash"; send it back
// in If-Match to refuse a write on a stale version (409). Unknown keys of
// a request are kept and returned as sent (ui_metadata among them, which
// a transition leaves as it is). A single request's representation names
// its port authority in _read_only: {port_authority,
// port_authority_name} (an account's authority is remembered for 30
// seconds), and repeats reference_number as carrier_reference_number,
// which Monster UI's listing reads; both are read-only. Callers authenticate with X-Auth-Token (or
// ?auth_token=); a request outside the URL's account tree is 404, as one
// that does not exist. Browser apps of other origins are let in by
// Options.CORS.
//
// A comment's author and timestamp are the client's when it gives them
// and porting finds them plausible. The timeline's comments have their
// fields at the top level beside "type", and under "comment".
//
// # Errors
//
// porting's errors map to statuses once, for both dialects; this package
// renders them as Kazoo does. A validation failure is 400 with data keyed
// by field (or by the number as the client sent it) and code: {"name":
// {"required": {"message": "Field is required but missing"}}}, with
// Kazoo's documented messages ("Number is on a port request already: ID",
// "Number exists on the system already", "Cannot move to new state from
// current state"). A submission that costs money and was not accepted is
// 402 with the quote, {activation_charges, number_services}, or with
// Options.InvoiceCharges the newer body, a list of invoices
// [{bookkeeper: {type}, items: [{category, item, quantity, rate,
// discount, total}]}]; accept it with accept_charges=true in the query,
// the envelope or the data.
package kazoo
