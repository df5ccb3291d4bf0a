package kazoo_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// A replay of 2600hz Monster UI's port apps, call by call, as they reach
// the API through its Kazoo SDK (src/js/lib/jquery.kazoosdk.js, the
// port.* methods): the port wizard (portWizard.js: carrier lookup,
// create, attachments, submit and its charges), the listing
// (portListing.js: the account, agent and descendants tabs, the detail
// view with its timeline and last_submitted, comments, the port
// authority's status updates). Written from reading those files; no
// code of theirs is here.
//
// What the SDK sends, on every call: the browser's preflight first (the
// X-Auth-Token header makes every call a non-simple cross-origin
// request), then the call with Origin, X-Auth-Token, Content-Type:
// application/json (jQuery sends the contentType it is given, GET
// included), jQuery's Accept for dataType json, "_=<ms>" on a GET (cache:
// false), filters as query parameters (paginate=false on the listings),
// and for every other method the body {"data": {...,"ui_metadata":
// {...}}} (DELETE included), accept_charges: true beside data once the
// user accepted the charges. What it reads: the fields this test checks
// after each call, and a refusal's body only when its Content-Type is
// exactly application/json.

// monsterOrigin is where Monster UI is served from, and monsterAPI its
// apiRoot.
const (
	monsterOrigin = "https://monster.example.com"
	monsterAPI    = "/v2/"
)

// monsterUI is a browser running Monster UI, logged in as one user.
type monsterUI struct {
	t     *testing.T
	h     http.Handler
	f     *portingtest.Fixture
	token string
	// user is monster.apps.auth.currentUser, account its
	// originalAccount.
	first, last, account string
}

// monsterCall is one call of the SDK: a method of its port group.
type monsterCall struct {
	verb string
	// url is the method's URL under apiRoot, its {ids} filled in.
	url string
	// filters are the SDK's filters (query parameters).
	filters [][2]string
	// data is what the app passes as data (non-GET): the SDK wraps it.
	data map[string]any
	// raw is a body the SDK sends as it is, with contentType.
	raw         string
	contentType string
	// acceptCharges is set once the user accepted the charges.
	acceptCharges bool
}

// monsterMetadata is the ui_metadata Monster adds to every call's data.
var monsterMetadata = map[string]any{"version": "4.3.0", "ui": "monster-ui", "origin": "common"}

// monsterAnswer is an answer as the SDK reads it.
type monsterAnswer struct {
	code   int
	header http.Header
	body   []byte
	env    map[string]any
}

// data returns the envelope's data.
func (a monsterAnswer) data() any { return a.env["data"] }

// obj returns data as an object.
func (a monsterAnswer) obj(t *testing.T) map[string]any {
	t.Helper()
	d, ok := a.data().(map[string]any)
	require.True(t, ok, "data is not an object: %s", a.body)
	return d
}

// list returns data as a list of objects.
func (a monsterAnswer) list(t *testing.T) []map[string]any {
	t.Helper()
	raw, ok := a.data().([]any)
	require.True(t, ok, "data is not a list: %s", a.body)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}

// send makes one call as the browser does: the preflight, then the call.
// It checks what the browser checks before the app may read the answer.
func (m *monsterUI) send(c monsterCall) monsterAnswer {
	m.t.Helper()
	ct := c.contentType
	if ct == "" {
		ct = "application/json"
	}
	// The preflight: no credentials; the headers the call will set.
	pre := httptest.NewRequest("OPTIONS", monsterAPI+c.url, nil)
	pre.Header.Set("Origin", monsterOrigin)
	pre.Header.Set("Access-Control-Request-Method", c.verb)
	pre.Header.Set("Access-Control-Request-Headers", "content-type,x-auth-token")
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, pre)
	require.Equal(m.t, http.StatusNoContent, rec.Code, "preflight of %s %s: %s", c.verb, c.url, rec.Body)
	ph := rec.Header()
	require.Equal(m.t, monsterOrigin, ph.Get("Access-Control-Allow-Origin"), "preflight of %s %s", c.verb, c.url)
	require.Contains(m.t, strings.Split(ph.Get("Access-Control-Allow-Methods"), ", "), c.verb)
	allowed := strings.Split(strings.ToLower(ph.Get("Access-Control-Allow-Headers")), ", ")
	require.Contains(m.t, allowed, "content-type")
	require.Contains(m.t, allowed, "x-auth-token")

	u := monsterAPI + c.url
	q := url.Values{}
	for _, f := range c.filters {
		q.Add(f[0], f[1])
	}
	if c.verb == "GET" {
		q.Set("_", strconv.FormatInt(m.f.Clock.Now().UnixMilli(), 10)) // jQuery's cache: false
	}
	if len(q) > 0 {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + q.Encode()
	}
	var body io.Reader
	if c.verb != "GET" {
		if c.raw != "" || ct != "application/json" {
			body = strings.NewReader(c.raw)
		} else {
			data := map[string]any{}
			for k, v := range c.data {
				data[k] = v
			}
			data["ui_metadata"] = monsterMetadata
			payload := map[string]any{"data": data}
			if c.acceptCharges {
				payload["accept_charges"] = true
			}
			b, err := json.Marshal(payload)
			require.NoError(m.t, err)
			body = strings.NewReader(string(b))
		}
	}
	req := httptest.NewRequest(c.verb, u, body)
	req.Header.Set("Origin", monsterOrigin)
	req.Header.Set("X-Auth-Token", m.token)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json, text/javascript, */*; q=0.01")
	rec = httptest.NewRecorder()
	m.h.ServeHTTP(rec, req)
	a := monsterAnswer{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	require.Equal(m.t, monsterOrigin, a.header.Get("Access-Control-Allow-Origin"), "the browser would hide the answer to %s %s", c.verb, c.url)
	require.Less(m.t, a.code, 500, "%s %s: %s", c.verb, u, a.body)
	if a.header.Get("Content-Type") == "application/json" {
		require.NoError(m.t, json.Unmarshal(a.body, &a.env), "%s %s: %s", c.verb, u, a.body)
	}
	if a.code >= 400 {
		require.Equal(m.t, "application/json", a.header.Get("Content-Type"), "the SDK parses a refusal only as exactly application/json")
	}
	return a
}

// ok makes a call that must succeed with code.
func (m *monsterUI) ok(code int, c monsterCall) monsterAnswer {
	m.t.Helper()
	a := m.send(c)
	require.Equal(m.t, code, a.code, "%s %s: %s", c.verb, c.url, a.body)
	require.Equal(m.t, "success", a.env["status"])
	return a
}

// monsterApp builds the API as portd serves it, behind CORS for
// Monster's origin, with the newer 402 body current Monster reads, a
// price per number and a carrier table for the wizard's lookup.
func monsterApp(t *testing.T) (*portingtest.Fixture, http.Handler) {
	f := portingtest.New(t)
	f.Charges.PerNumber = 1.5
	f.Carriers.Add("+1202555", "PACIFIC BELL")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(f.Service, apitest.Tokens(f), kazoo.Options{
		Logger: quiet, CORS: httpapi.CORS{Origins: []string{monsterOrigin}}, CarrierName: "Acme Voice", InvoiceCharges: true}))
	return f, httpapi.CleanPaths(mux)
}

func TestMonsterUI(t *testing.T) {
	f, h := monsterApp(t)
	customer := &monsterUI{t: t, h: h, f: f, token: apitest.CustomerToken, first: "Jane", last: "Roe", account: "customer"}
	agent := &monsterUI{t: t, h: h, f: f, token: apitest.AuthorityToken, first: "Alex", last: "Agent", account: "authority"}
	acct := "accounts/customer/"
	held := f.Create(t, "+12025550150") // a number already on a request

	// The wizard's carrier step: port.portabilityLookup.
	numbers := []string{"+12025550100", "+12025550101"}
	lookup := customer.ok(http.StatusOK, monsterCall{verb: "POST", url: acct + "port_requests/lnp_lookup",
		data: map[string]any{"numbers": append(slices.Clone(numbers), "+12025550150", "+10005550100")}})
	byNumber := lookup.obj(t)["numbers"].(map[string]any)
	losing := map[string][]string{} // the wizard's numbersByLosingCarrier
	var winning [][]string          // per number, the carriers with portability
	for _, n := range append(slices.Clone(numbers), "+12025550150", "+10005550100") {
		nd, ok := byNumber[n].(map[string]any)
		require.True(t, ok, "no entry for %s: %s", n, lookup.body)
		name := "Unknown"
		if lc, ok := nd["losing_carrier"].(map[string]any); ok {
			name = lc["name"].(string)
		}
		losing[name] = append(losing[name], n)
		var offers []string
		for _, c := range nd["carriers"].([]any) {
			if c.(map[string]any)["portability"] == true {
				offers = append(offers, c.(map[string]any)["name"].(string))
			}
		}
		winning = append(winning, offers)
	}
	require.Equal(t, map[string][]string{"PACIFIC BELL": {"+12025550100", "+12025550101", "+12025550150"}, "Unknown": {"+10005550100"}}, losing)
	require.Equal(t, [][]string{{"Acme Voice"}, {"Acme Voice"}, nil, nil}, winning, "a number on a request, or invalid, goes nowhere")
	require.Equal(t, "already_being_ported", byNumber["+12025550150"].(map[string]any)["non_portable_reason"])
	require.Equal(t, held.ID, byNumber["+12025550150"].(map[string]any)["port_request_id"])

	// The wizard saves the request: port.create.
	f.Clock.Advance(time.Minute)
	nums := map[string]any{}
	for _, n := range numbers {
		nums[n] = map[string]any{}
	}
	created := customer.ok(http.StatusCreated, monsterCall{verb: "PUT", url: acct + "port_requests", data: map[string]any{
		"name": "Main office", "numbers": nums, "carrier": "PACIFIC BELL", "winning_carrier": "Acme Voice",
		"ui_flags": map[string]any{"type": "local", "portion": "full", "validation": true},
		"bill": map[string]any{"name": "John Doe", "street_number": "116", "street_address": "Natoma", "street_type": "St",
			"locality": "San Francisco", "region": "CA", "postal_code": "94105", "account_number": "8675309", "pin": "1234",
			"btn": "+12025550100"},
		"notifications": map[string]any{"email": map[string]any{"send_to": []string{"it@acme.example"}}},
		"transfer_date": kazootest.Gregorian(f.Clock.Now().Add(7 * 24 * time.Hour)),
		"signee_name":   "John Doe",
		"signing_date":  kazootest.Gregorian(f.Clock.Now()),
	}}).obj(t)
	id := created["id"].(string)
	require.Equal(t, "unconfirmed", created["port_state"])
	require.Equal(t, map[string]any{"type": "local", "portion": "full", "validation": true}, created["ui_flags"])
	require.Equal(t, monsterMetadata, created["ui_metadata"])
	require.Equal(t, map[string]any{"port_authority": "authority", "port_authority_name": "Port Authority"}, created["_read_only"])

	// The documents: port.createAttachment sends the file as the data URL
	// the browser read, port.getAttachment gets it back as text.
	bill := "data:application/pdf;base64,JVBERi0xLjQKYmlsbA=="
	for _, name := range []string{"bill.pdf", "form.pdf"} {
		a := customer.ok(http.StatusCreated, monsterCall{verb: "PUT", url: acct + "port_requests/" + id + "/attachments?filename=" + name,
			raw: bill, contentType: "application/pdf"})
		require.Equal(t, map[string]any{}, a.data())
	}
	got := customer.send(monsterCall{verb: "GET", url: acct + "port_requests/" + id + "/attachments/bill.pdf"})
	require.Equal(t, http.StatusOK, got.code)
	require.Equal(t, bill, string(got.body))
	require.Contains(t, got.header.Get("Access-Control-Expose-Headers"), "Content-Disposition")
	// port.deleteAttachment: a DELETE with a JSON body.
	customer.ok(http.StatusOK, monsterCall{verb: "DELETE", url: acct + "port_requests/" + id + "/attachments/form.pdf"})
	uploads := customer.ok(http.StatusOK, monsterCall{verb: "GET", url: acct + "port_requests/" + id + "/attachments"}).obj(t)
	require.Equal(t, []string{"bill.pdf"}, keys(uploads))

	// A draft the user gives up on: port.delete, with a JSON body.
	f.Clock.Advance(time.Minute)
	dropped := customer.ok(http.StatusCreated, monsterCall{verb: "PUT", url: acct + "port_requests",
		data: map[string]any{"name": "Second thoughts", "numbers": map[string]any{"+12025550199": map[string]any{}}}}).obj(t)["id"].(string)
	require.Equal(t, dropped, customer.ok(http.StatusOK, monsterCall{verb: "DELETE", url: acct + "port_requests/" + dropped}).obj(t)["id"])

	// Submit: port.changeState to submitted costs money; the 402's
	// invoices feed monster.ui.charges; accepted, the SDK sends the same
	// call with accept_charges.
	f.Clock.Advance(time.Minute)
	submit := monsterCall{verb: "PATCH", url: acct + "port_requests/" + id + "/submitted", data: map[string]any{}}
	refused := customer.send(submit)
	require.Equal(t, http.StatusPaymentRequired, refused.code, "%s", refused.body)
	invoices := refused.list(t)
	require.Len(t, invoices, 1)
	require.Equal(t, "default", invoices[0]["bookkeeper"].(map[string]any)["type"])
	items := invoices[0]["items"].([]any)
	require.Len(t, items, 1)
	item := items[0].(map[string]any)
	require.Equal(t, "port", item["item"])
	require.Equal(t, 2.0, item["quantity"])
	require.Equal(t, 1.5, item["rate"])
	require.Equal(t, 3.0, item["total"])
	require.Equal(t, 0.0, item["discount"])
	submit.acceptCharges = true
	submitted := customer.ok(http.StatusOK, submit).obj(t)
	require.Equal(t, "submitted", submitted["port_state"])
	require.Equal(t, monsterMetadata, submitted["ui_metadata"], "ui_metadata is kept as it was")

	// The listing, as the customer (no agent tab): the progressing and
	// suspended sub tabs.
	rows := customer.listing(t, acct+"port_requests", "progressing")
	require.Len(t, rows, 1)
	require.Equal(t, map[string]any{"account": "customer", "account_name": "Customer", "id": id, "name": "Main office",
		"amount": 2, "losing": "PACIFIC BELL", "winning": "Acme Voice", "state": "submitted"}, rows[0])
	require.Equal(t, []string{held.ID}, ids(customer.listing(t, acct+"port_requests", "suspended")))

	// The detail view: port.get, port.listLastSubmitted, port.getTimeline.
	d := customer.detail(t, "customer", id)
	require.False(t, d.isAgent, "the customer is not the port authority")
	require.Equal(t, "submitted", d.request["port_state"])
	require.Equal(t, 2, d.numbersAmount)
	require.Equal(t, kazootest.Gregorian(f.Clock.Now()), d.lastSubmitted.timestamp)
	require.Equal(t, "Customer User", d.lastSubmitted.submitter)
	require.Equal(t, []monsterEntry{{status: "submitted", at: f.Clock.Now()}}, d.timeline)

	// A comment: port.addComment with the app's author and time.
	f.Clock.Advance(time.Minute)
	c := customer.comment(t, "customer", id, "Please port after 6pm", false, false)
	require.Equal(t, monsterEntry{title: "Jane Roe", content: "Please port after 6pm", at: f.Clock.Now()}, c)

	// The port authority: the agent tab, the descendants tab, the detail
	// with its controls, a private comment requiring action, then the
	// status updates of portListingBindUpdateStatusEvents.
	require.Equal(t, []string{id}, ids(agent.listing(t, "port_requests", "progressing")))
	require.Equal(t, []string{id}, ids(agent.listing(t, "accounts/authority/descendants/port_requests", "progressing")))
	ad := agent.detail(t, "customer", id)
	require.True(t, ad.isAgent, "the authority gets the controls")
	f.Clock.Advance(time.Minute)
	pc := agent.comment(t, "customer", id, "The CSR shows another name", true, true)
	require.Equal(t, monsterEntry{title: "Alex Agent", content: "The CSR shows another name", private: true, at: f.Clock.Now()}, pc)

	f.Clock.Advance(time.Hour)
	pending := agent.ok(http.StatusOK, monsterCall{verb: "PATCH", url: acct + "port_requests/" + id + "/pending", data: map[string]any{
		"winning_carrier": "Acme Voice", "reference_number": "PB-1234", "reason": "Sent to PACIFIC BELL"}}).obj(t)
	require.Equal(t, "pending", pending["port_state"])
	require.Equal(t, "PB-1234", pending["reference_number"])
	f.Clock.Advance(time.Hour)
	when := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC) // a Monday
	scheduled := agent.ok(http.StatusOK, monsterCall{verb: "PATCH", url: acct + "port_requests/" + id + "/scheduled", data: map[string]any{
		"schedule_on":     map[string]any{"date_time": when.In(nyc(t)).Format("2006-01-02 15:04"), "timezone": "America/New_York"},
		"winning_carrier": "Acme Voice", "reference_number": "PB-1234"}}).obj(t)
	require.Equal(t, "scheduled", scheduled["port_state"])
	require.Equal(t, kazootest.Gregorian(when), scheduled["scheduled_date"])
	f.Clock.Advance(time.Hour)
	completed := agent.ok(http.StatusOK, monsterCall{verb: "PATCH", url: acct + "port_requests/" + id + "/completed", data: map[string]any{}}).obj(t)
	require.Equal(t, "completed", completed["port_state"])

	// The customer's completed tab (time ranged by modification), and the
	// detail's timeline: transitions and public comments, by time.
	done := customer.listing(t, acct+"port_requests", "completed", [2]string{"modified_from", gregorianDay(f.Clock.Now(), 0)},
		[2]string{"modified_to", gregorianDay(f.Clock.Now(), 1)})
	require.Equal(t, []string{id}, ids(done))
	require.Equal(t, "PB-1234", done[0]["reference"], "the listing's reference column")
	d = customer.detail(t, "customer", id)
	start := portingtest.Epoch.Add(2 * time.Minute)
	require.Equal(t, []monsterEntry{
		{status: "submitted", at: start.Add(time.Minute)},
		{title: "Jane Roe", content: "Please port after 6pm", at: start.Add(2 * time.Minute)},
		{status: "pending", content: "Sent to PACIFIC BELL", at: start.Add(3*time.Minute + time.Hour)},
		{status: "scheduled", at: start.Add(3*time.Minute + 2*time.Hour)},
		{status: "completed", at: start.Add(3*time.Minute + 3*time.Hour)},
	}, d.timeline)
	require.Contains(t, agent.detail(t, "customer", id).timeline, pc, "the authority sees its private comment too")
	require.NotContains(t, d.timeline, pc)
}

// nyc is America/New_York.
func nyc(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	return loc
}

// gregorianDay is the start of t's day plus days, in Gregorian seconds,
// as monster.util.dateToBeginningOfGregorianDay gives it (in UTC here).
func gregorianDay(t time.Time, days int) string {
	d := time.Date(t.Year(), t.Month(), t.Day()+days, 0, 0, 0, 0, time.UTC)
	return strconv.FormatInt(int64(kazootest.Gregorian(d)), 10)
}

// listing loads one sub tab as portListingHelperListPorts does and
// returns its rows as portListingFormatDataToTemplate renders them, after
// portListingSetters read the groups.
func (m *monsterUI) listing(t *testing.T, path, byTypes string, extra ...[2]string) []map[string]any {
	t.Helper()
	filters := append([][2]string{{"paginate", "false"}, {"by_types", byTypes}}, extra...)
	groups := m.ok(http.StatusOK, monsterCall{verb: "GET", url: path, filters: filters}).list(t)
	var rows []map[string]any
	for _, g := range groups {
		for _, r := range g["port_requests"].([]any) {
			req := r.(map[string]any)
			row := map[string]any{"account": req["account_id"], "account_name": g["account_name"], "id": req["id"],
				"name": req["name"], "amount": len(req["numbers"].(map[string]any)), "state": req["port_state"]}
			if v, ok := req["carrier"]; ok {
				row["losing"] = v
			}
			if v, ok := req["winning_carrier"]; ok {
				row["winning"] = v
			}
			if v, ok := req["carrier_reference_number"]; ok {
				row["reference"] = v
			}
			require.Equal(t, g["account_id"], req["account_id"])
			rows = append(rows, row)
		}
	}
	return rows
}

// ids returns the IDs of listing rows.
func ids(rows []map[string]any) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r["id"].(string))
	}
	return out
}

// keys returns an object's keys, sorted.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// monsterEntry is a timeline entry as portListingFormatEntriesToTimeline
// renders it: a comment (title: its author) or a transition (status).
type monsterEntry struct {
	title, content, status string
	private                bool
	at                     time.Time
}

// monsterDetail is what portListingRenderDetail shows.
type monsterDetail struct {
	request       map[string]any
	isAgent       bool
	numbersAmount int
	lastSubmitted struct {
		timestamp float64
		submitter string
	}
	timeline []monsterEntry
}

// detail loads the detail view of a request of account.
func (m *monsterUI) detail(t *testing.T, account, id string) monsterDetail {
	t.Helper()
	base := "accounts/" + account + "/port_requests/"
	var d monsterDetail
	d.request = m.ok(http.StatusOK, monsterCall{verb: "GET", url: base + id}).obj(t)
	ro, _ := d.request["_read_only"].(map[string]any)
	d.isAgent = ro != nil && ro["port_authority"] == m.account
	numbers, ok := d.request["numbers"].(map[string]any)
	require.True(t, ok)
	d.numbersAmount = len(numbers)
	for _, k := range []string{"carrier", "name", "port_state", "winning_carrier"} {
		require.Contains(t, d.request, k)
	}

	transitions := m.ok(http.StatusOK, monsterCall{verb: "GET", url: base + "last_submitted", filters: [][2]string{{"paginate", "false"}}}).list(t)
	for _, tr := range transitions {
		if tr["id"] != id {
			continue
		}
		last := tr["transition"].(map[string]any)
		d.lastSubmitted.timestamp = last["timestamp"].(float64)
		user := last["authorization"].(map[string]any)["user"].(map[string]any)
		d.lastSubmitted.submitter = user["first_name"].(string) + " " + user["last_name"].(string)
	}

	entries := m.ok(http.StatusOK, monsterCall{verb: "GET", url: base + id + "/timeline"}).list(t)
	for _, e := range entries {
		at := fromGregorianSeconds(e["timestamp"].(float64))
		if author, ok := e["author"].(string); ok && author != "" { // _.filter('author')
			private, _ := e["is_private"].(bool)
			d.timeline = append(d.timeline, monsterEntry{title: author, content: e["content"].(string), private: private, at: at})
			continue
		}
		tr, _ := e["transition"].(map[string]any)
		status, _ := tr["new"].(string)
		if status == "" || status == "unconfirmed" {
			continue
		}
		reason, _ := e["reason"].(string)
		d.timeline = append(d.timeline, monsterEntry{status: status, content: reason, at: at})
	}
	sort.SliceStable(d.timeline, func(i, j int) bool { return d.timeline[i].at.Before(d.timeline[j].at) })
	return d
}

// comment adds a comment as portListingHelperAddComment does and returns
// the entry it appends to the timeline from the answer's last comment.
func (m *monsterUI) comment(t *testing.T, account, id, text string, private, actionRequired bool) monsterEntry {
	t.Helper()
	a := m.ok(http.StatusCreated, monsterCall{verb: "PUT", url: "accounts/" + account + "/port_requests/" + id + "/comments",
		data: map[string]any{"comments": []any{map[string]any{
			"timestamp": kazootest.Gregorian(m.f.Clock.Now()), "action_required": actionRequired,
			"author": m.first + " " + m.last, "content": text, "is_private": private,
		}}}})
	comments, ok := a.obj(t)["comments"].([]any)
	require.True(t, ok, "data.comments: %s", a.body)
	last := comments[len(comments)-1].(map[string]any)
	return monsterEntry{title: last["author"].(string), content: last["content"].(string), private: last["is_private"].(bool),
		at: fromGregorianSeconds(last["timestamp"].(float64))}
}

// fromGregorianSeconds is monster.util.gregorianToDate.
func fromGregorianSeconds(g float64) time.Time {
	return time.Unix(int64(g)-kazootest.GregorianOffset, 0).UTC()
}

// Monster's listing sends _=<ms> and paginate=false with every GET, and
// ui_metadata with every write; none is a filter or a field that changes
// a request's state, and a transition in any state takes them.
func TestMonsterUIParametersAccepted(t *testing.T) {
	f, h := monsterApp(t)
	m := &monsterUI{t: t, h: h, f: f, token: apitest.AuthorityToken, first: "Alex", last: "Agent", account: "authority"}
	r := f.Create(t, "+12025550100")
	f.Move(t, r.ID, porting.StateSubmitted)
	base := "accounts/customer/port_requests"
	for _, p := range []string{base, base + "/submitted", base + "/" + r.ID, base + "/" + r.ID + "/comments",
		base + "/" + r.ID + "/timeline", base + "/last_submitted", "accounts/customer/descendants/port_requests"} {
		m.ok(http.StatusOK, monsterCall{verb: "GET", url: p, filters: [][2]string{{"paginate", "false"}}})
	}
	// A transition with a new ui_metadata (another app, another version)
	// while the request is not editable.
	moved := m.ok(http.StatusOK, monsterCall{verb: "PATCH", url: base + "/" + r.ID + "/pending", data: map[string]any{"reason": "sent"}}).obj(t)
	require.Equal(t, "pending", moved["port_state"])
	require.NotContains(t, moved, "ui_metadata", "a transition does not set it")
	// A write that may change it keeps it, inside data.
	fresh := f.Create(t, "+12025550101")
	edited := m.ok(http.StatusOK, monsterCall{verb: "PATCH", url: base + "/" + fresh.ID, data: map[string]any{"name": "renamed"}}).obj(t)
	require.Equal(t, monsterMetadata, edited["ui_metadata"])
	require.Equal(t, "renamed", edited["name"])
}

// The 402 as each Monster UI reads it: older releases' charges dialog
// takes the document's body, an object of categories of items beside
// activation_charges (the default); current ones a list of invoices
// (Options.InvoiceCharges, TestMonsterUI).
func TestMonsterUICharges(t *testing.T) {
	f := portingtest.New(t)
	f.Charges.PerNumber = 2.5
	h := kazoo.New(f.Service, apitest.Tokens(f), kazoo.Options{CORS: httpapi.CORS{Origins: []string{monsterOrigin}}})
	m := &monsterUI{t: t, h: h, f: f, token: apitest.CustomerToken, first: "Jane", last: "Roe", account: "customer"}
	r := f.Create(t, "+12025550100", "+12025550101")
	submit := monsterCall{verb: "PATCH", url: "accounts/customer/port_requests/" + r.ID + "/submitted", data: map[string]any{}}
	a := m.send(submit)
	require.Equal(t, http.StatusPaymentRequired, a.code)
	data := a.obj(t)
	// The older dialog: activation_charges is the total; every other key
	// is a category whose values are items.
	require.Equal(t, 5.0, data["activation_charges"])
	for category, items := range data {
		if category == "activation_charges" {
			continue
		}
		for name, item := range items.(map[string]any) {
			require.IsType(t, map[string]any{}, item, "%s.%s", category, name)
		}
	}
	require.Equal(t, 5.0, data["number_services"].(map[string]any)["port"].(map[string]any)["activation_charges"])
	submit.acceptCharges = true
	require.Equal(t, "submitted", m.ok(http.StatusOK, submit).obj(t)["port_state"])
}
