package kazoo

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/route"
	"github.com/portkit/portkit/porting"
)

// Options configure New. The zero value is usable.
type Options struct {
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
	// and canceled listings and for how long an account's port authority
	// is remembered. Default: the Service's clock.
	Now func() time.Time
	// CORS lets browser apps of other origins (Monster UI) call the API;
	// the zero value allows none. See httpapi.CORS.
	CORS httpapi.CORS
	// CarrierName is the carrier port_requests/lnp_lookup offers to port
	// numbers to: this platform's name. Default DefaultCarrierName.
	CarrierName string
	// InvoiceCharges makes the 402 of a submission that costs money
	// answer the newer Kazoo body, a list of invoices [{bookkeeper:
	// {type}, items: [...]}] (current Monster UI reads it), instead of the
	// document's {activation_charges, number_services}.
	InvoiceCharges bool
	// Webhooks sends the test messages of port_webhooks/{webhook}/test
	// (the program wires it to a webhook.Dispatcher). While it is nil
	// that route answers 501.
	Webhooks WebhookTester
}

// handler serves the Kazoo dialect.
type handler struct {
	svc  *porting.Service
	auth httpapi.Authenticator
	loa  func(io.Writer, *porting.PortRequest) error
	log  *slog.Logger
	// carrierName is Options.CarrierName; invoices Options.InvoiceCharges.
	carrierName string
	invoices    bool
	now         func() time.Time
	routes      *route.Table
	reps        repCache
	auths       authCache
	// webhooks sends test messages; nil: not configured.
	webhooks WebhookTester
	// base is the path of the account routes, prefix + "/accounts/";
	// getOne serves GET port_requests/{id}, the most frequent call, which
	// ServeHTTP routes itself (see ServeHTTP).
	base   string
	getOne http.Handler
}

// New returns the 2600Hz Kazoo port_requests API over svc, with callers
// authenticated by auth from their X-Auth-Token header (or auth_token
// query parameter). Mount it on its prefix:
//
//	mux.Handle("/v2/", kazoo.New(svc, auth, kazoo.Options{}))
//
// It serves the routes Routes lists, under the prefix: all but the port
// authority's listing under {prefix}/accounts/{ACCOUNT_ID}/. Every answer
// is in Kazoo's envelope. New panics if svc or auth is nil.
func New(svc *porting.Service, auth httpapi.Authenticator, opt Options) http.Handler {
	if svc == nil || auth == nil {
		panic("kazoo: New needs a porting.Service and an httpapi.Authenticator")
	}
	k := &handler{svc: svc, auth: auth, loa: opt.LOA, log: opt.Logger, now: opt.Now,
		carrierName: opt.CarrierName, invoices: opt.InvoiceCharges, webhooks: opt.Webhooks}
	if k.carrierName == "" {
		k.carrierName = DefaultCarrierName
	}
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
	var routes []route.Route
	for _, rt := range k.table() {
		routes = append(routes, route.Route{Method: rt.method, Path: rt.path, Handler: k.handle(rt.serve, strings.Contains(rt.path, "{id}"))})
	}
	k.routes = route.New(prefix, routes, route.Errors{
		NotFound:         k.handle(func(c *call) { c.fail(porting.ErrNotFound) }, false),
		MethodNotAllowed: k.handle(func(c *call) { c.failWith(http.StatusMethodNotAllowed, "method "+c.r.Method+" not allowed", nil) }, false),
	})
	k.base, k.getOne = prefix+"/accounts/", k.handle(k.get, true)
	return opt.CORS.Wrap(k)
}

// ServeHTTP implements http.Handler. A GET of one port request, the most
// frequent call, is recognised here without the routing table's general
// matching (which costs a quarter of such a call); everything else, and
// any path that is not plainly of that shape, goes to the table.
func (k *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		if account, id, ok := k.oneRequestPath(r.URL.Path); ok {
			r.SetPathValue("account", account)
			r.SetPathValue("id", id)
			k.getOne.ServeHTTP(w, r)
			return
		}
	}
	k.routes.ServeHTTP(w, r)
}

// oneRequestPath matches {base}{account}/port_requests/{id}, where both
// names are plain IDs (lowercase letters, digits, '-', '_') and id is not
// a state (port_requests/{state} is a listing) nor another literal
// (last_submitted, lnp_lookup).
func (k *handler) oneRequestPath(path string) (account, id string, ok bool) {
	rest, ok := strings.CutPrefix(path, k.base)
	if !ok {
		return "", "", false
	}
	account, rest, ok = strings.Cut(rest, "/")
	if !ok || !plainID(account) {
		return "", "", false
	}
	id, ok = strings.CutPrefix(rest, "port_requests/")
	if !ok || !plainID(id) {
		return "", "", false
	}
	if _, isState := stateOf(id); isState || literals[id] {
		return "", "", false
	}
	return account, id, true
}

// plainID reports whether s is a non-empty run of lowercase letters,
// digits, '-' and '_'.
func plainID(s string) bool {
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

// entry is one route: a method, a path under the prefix and what serves
// it.
type entry struct {
	method, path string
	serve        func(*call)
}

// acct is where the routes of one account live, under the prefix.
const acct = "/accounts/{account}"

// literals are the names that follow port_requests/ as routes of their
// own, not as a request ID.
var literals = map[string]bool{"last_submitted": true, "lnp_lookup": true}

// table lists every route, in the order Routes gives them.
func (k *handler) table() []entry {
	rs := []entry{
		{http.MethodGet, "/port_requests", k.listManaged},
		{http.MethodGet, acct + "/port_requests", k.list},
		{http.MethodPut, acct + "/port_requests", k.create},
		{http.MethodPost, acct + "/port_requests/lnp_lookup", k.lnpLookup},
		{http.MethodGet, acct + "/port_requests/last_submitted", k.lastSubmitted},
		{http.MethodGet, acct + "/descendants/port_requests", k.listDescendants},
		{http.MethodGet, acct + "/port_requests/{id}", k.get},
		{http.MethodPost, acct + "/port_requests/{id}", k.edit},
		{http.MethodPatch, acct + "/port_requests/{id}", k.patch},
		{http.MethodDelete, acct + "/port_requests/{id}", k.delete},
		{http.MethodGet, acct + "/port_requests/{id}/attachments", k.listAttachments},
		{http.MethodPut, acct + "/port_requests/{id}/attachments", k.putAttachment},
		{http.MethodGet, acct + "/port_requests/{id}/attachments/{name}", k.getAttachment},
		{http.MethodPost, acct + "/port_requests/{id}/attachments/{name}", k.replaceAttachment},
		{http.MethodDelete, acct + "/port_requests/{id}/attachments/{name}", k.deleteAttachment},
		{http.MethodGet, acct + "/port_requests/{id}/loa", k.getLOA},
		{http.MethodGet, acct + "/port_requests/{id}/comments", k.listComments},
		{http.MethodPut, acct + "/port_requests/{id}/comments", k.addComments},
		{http.MethodGet, acct + "/port_requests/{id}/timeline", k.timeline},
		// portkit's extension: webhooks (webhooks.go).
		{http.MethodGet, acct + "/port_webhooks", k.listWebhooks},
		{http.MethodPut, acct + "/port_webhooks", k.createWebhook},
		{http.MethodGet, acct + "/port_webhooks/{webhook}", k.getWebhook},
		{http.MethodPost, acct + "/port_webhooks/{webhook}", k.editWebhook},
		{http.MethodPatch, acct + "/port_webhooks/{webhook}", k.patchWebhook},
		{http.MethodDelete, acct + "/port_webhooks/{webhook}", k.deleteWebhook},
		{http.MethodPost, acct + "/port_webhooks/{webhook}/test", k.testWebhook},
		{http.MethodGet, acct + "/port_webhooks/{webhook}/deliveries", k.webhookDeliveries},
		{http.MethodPost, acct + "/port_webhooks/{webhook}/deliveries/{delivery}/replay", k.replayDelivery},
	}
	for _, st := range porting.States() {
		rs = append(rs,
			entry{http.MethodGet, acct + "/port_requests/" + string(st), k.listState(st, false)},
			entry{http.MethodGet, acct + "/descendants/port_requests/" + string(st), k.listState(st, true)},
			entry{http.MethodPatch, acct + "/port_requests/{id}/" + string(st), k.transition(st)})
	}
	return rs
}

// Routes lists the routes the dialect serves, each a method and a path
// under the prefix ("/v2"): the port authority's listing
// /port_requests, and every other under /accounts/{account}. For
// documentation, gateways and tests; paths name their wildcards as
// http.ServeMux does ({account}, {id}, {name}).
func Routes() []httpapi.Route {
	var out []httpapi.Route
	for _, rt := range (&handler{}).table() {
		out = append(out, httpapi.Route{Method: rt.method, Path: rt.path})
	}
	return out
}

// stateOf returns the state named s.
func stateOf(s string) (porting.State, bool) {
	st := porting.State(s) // a port request's state: any but cancel-pending
	return st, st.Valid() && st != porting.StateCancelPending
}
