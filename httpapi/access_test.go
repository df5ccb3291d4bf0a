package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
)

// Access control of both dialects, route by route and caller by caller:
// the owner of a request (the customer), its port authority, a
// sub-account of the owner, an unrelated account, and no token. See
// access_helpers_test.go for the world they run in.

// accessWant is the status each role must get.
type accessWant map[accessRole]int

// forbiddenToOthers is a Kazoo route of the customer's tree, called under
// the customer's account: the owner and the authority get their
// statuses; sub and other reach neither the account nor the request
// (403, the answer for an account outside the caller's tree, whether or
// not the request exists); no token is 401.
func forbiddenToOthers(owner, authority int) accessWant {
	return accessWant{roleOwner: owner, roleAuthority: authority, roleSub: 403, roleOther: 403, roleNone: 401}
}

// hiddenFromOthers is a Telnyx route of one request: the owner and the
// authority get their statuses; sub and other are told it does not exist
// (404); no token is 401.
func hiddenFromOthers(owner, authority int) accessWant {
	return accessWant{roleOwner: owner, roleAuthority: authority, roleSub: 404, roleOther: 404, roleNone: 401}
}

// accessEveryone is a route every authenticated caller may use (on its
// own account): code for each, 401 without a token.
func accessEveryone(code int) accessWant {
	return accessWant{roleOwner: code, roleAuthority: code, roleSub: code, roleOther: code, roleNone: 401}
}

// accessBody builds a cell's request body: its content type and bytes.
type accessBody func(w *accessWorld, tg accessTarget) (string, []byte)

// accessMarshal returns v as a JSON body: its content type and bytes.
func accessMarshal(v any) (string, []byte) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // a test's own value
	}
	return "application/json", b
}

// accessJSON is a body of a fixed JSON value.
func accessJSON(v any) accessBody {
	return func(*accessWorld, accessTarget) (string, []byte) { return accessMarshal(v) }
}

// accessRow is one route of the matrix (or a variant of it, in another
// starting state), with the status every role must get.
type accessRow struct {
	dialect string // "kazoo" or "telnyx"
	method  string
	// route is the path as the handler registers it, under its prefix
	// (/v2 for Kazoo, /origination/porting for Telnyx).
	route string
	// variant names a second row of the same route.
	variant string
	// state is the state of the fresh request each cell acts on.
	state porting.State
	query string
	body  accessBody
	want  accessWant
}

// name is the row's subtest name: dialect/METHOD route[ variant].
func (row accessRow) name() string {
	n := row.dialect + "/" + row.method + " " + row.route
	if row.variant != "" {
		n += " (" + row.variant + ")"
	}
	return n
}

// path is the URL of the row for request id of tg, under account (for
// Kazoo). A download link is made as the owner when the route needs one.
func (row accessRow) path(t *testing.T, w *accessWorld, tg accessTarget, account, id string) string {
	t.Helper()
	webhookID := tg.WebhookID
	if id == accessMissingID {
		webhookID = accessMissingID
	}
	p := strings.NewReplacer("{account}", account, "{id}", id, "{sid}", tg.SubID, "{doc}", tg.DocID, "{name}", accessDocName,
		"{webhook}", webhookID, "{delivery}", tg.DeliveryID).Replace(row.route)
	if strings.Contains(p, "{token}") {
		_, tok := w.link(t, apitest.CustomerToken, tg.ID, tg.DocID)
		p = strings.ReplaceAll(p, "{token}", tok)
	}
	if row.dialect == "kazoo" {
		return "/v2" + p + row.query
	}
	return "/origination/porting" + p + row.query
}

// payload is the row's body for tg: none when the row has none.
func (row accessRow) payload(w *accessWorld, tg accessTarget) (string, []byte) {
	if row.body == nil {
		return "", nil
	}
	return row.body(w, tg)
}

// accessRows is the matrix: every route of both dialects (see
// TestAccessRoutesCovered), with the expectations of the domain rules
// (domain-facts.md, porting.Lifecycle.Who): a caller that reaches the
// request (its account or an ancestor) may read it, edit it, comment,
// attach, submit it and cancel it while unconfirmed; every other move
// is for the port authority; a caller that does not reach it is refused
// as if it did not exist.
func accessRows() []accessRow {
	var rows []accessRow
	// kz is a Kazoo route under the account (/accounts/{account}/...);
	// kzRoot one at the prefix's root.
	kzRoot := func(method, route string, st porting.State, want accessWant, body accessBody) *accessRow {
		rows = append(rows, accessRow{dialect: "kazoo", method: method, route: route, state: st, body: body, want: want})
		return &rows[len(rows)-1]
	}
	kz := func(method, route string, st porting.State, want accessWant, body accessBody) *accessRow {
		return kzRoot(method, "/accounts/{account}"+route, st, want, body)
	}
	tx := func(method, route string, st porting.State, want accessWant, body accessBody) *accessRow {
		rows = append(rows, accessRow{dialect: "telnyx", method: method, route: route, state: st, body: body, want: want})
		return &rows[len(rows)-1]
	}
	pdf := func(s string) accessBody {
		return func(*accessWorld, accessTarget) (string, []byte) { return "application/pdf", []byte(s) }
	}
	un, sub := porting.StateUnconfirmed, porting.StateSubmitted

	// Kazoo: the requests the caller manages as a port authority (none
	// for the others: an empty list).
	kzRoot("GET", "/port_requests", sub, accessEveryone(200), nil)
	// Kazoo, under the customer's account.
	kz("GET", "/port_requests", un, forbiddenToOthers(200, 200), nil)
	kz("POST", "/port_requests/lnp_lookup", un, forbiddenToOthers(200, 200), func(w *accessWorld, tg accessTarget) (string, []byte) {
		return accessMarshal(map[string]any{"data": map[string]any{"numbers": []string{tg.Number, w.number()}}})
	})
	kz("GET", "/port_requests/last_submitted", sub, forbiddenToOthers(200, 200), nil)
	kz("PUT", "/port_requests", un, forbiddenToOthers(201, 201), func(w *accessWorld, _ accessTarget) (string, []byte) {
		return accessMarshal(map[string]any{"data": map[string]any{"name": "Created", "numbers": map[string]any{w.number(): map[string]any{}}}})
	})
	kz("GET", "/descendants/port_requests", un, forbiddenToOthers(200, 200), nil)
	kz("GET", "/port_requests/{id}", un, forbiddenToOthers(200, 200), nil)
	kz("POST", "/port_requests/{id}", un, forbiddenToOthers(200, 200), func(w *accessWorld, tg accessTarget) (string, []byte) {
		return accessMarshal(map[string]any{"data": map[string]any{"name": "Edited", "numbers": map[string]any{tg.Number: map[string]any{}}}})
	})
	kz("PATCH", "/port_requests/{id}", un, forbiddenToOthers(200, 200), accessJSON(map[string]any{"data": map[string]any{"name": "Patched"}}))
	kz("DELETE", "/port_requests/{id}", un, forbiddenToOthers(200, 200), nil)
	kz("GET", "/port_requests/{id}/attachments", un, forbiddenToOthers(200, 200), nil)
	kz("PUT", "/port_requests/{id}/attachments", un, forbiddenToOthers(201, 201), pdf("%PDF-1.4 extra")).query = "?filename=extra.pdf"
	kz("GET", "/port_requests/{id}/attachments/{name}", un, forbiddenToOthers(200, 200), nil)
	kz("POST", "/port_requests/{id}/attachments/{name}", un, forbiddenToOthers(200, 200), pdf("%PDF-1.4 replaced"))
	kz("DELETE", "/port_requests/{id}/attachments/{name}", un, forbiddenToOthers(200, 200), nil)
	kz("GET", "/port_requests/{id}/loa", un, forbiddenToOthers(200, 200), nil)
	kz("GET", "/port_requests/{id}/comments", un, forbiddenToOthers(200, 200), nil)
	kz("PUT", "/port_requests/{id}/comments", un, forbiddenToOthers(201, 201), accessJSON(map[string]any{"data": map[string]any{"content": "a new comment"}}))
	kz("GET", "/port_requests/{id}/timeline", un, forbiddenToOthers(200, 200), nil)
	for _, st := range porting.States() {
		// The listings of a state, with a request in that state.
		kz("GET", "/port_requests/"+string(st), st, forbiddenToOthers(200, 200), nil)
		kz("GET", "/descendants/port_requests/"+string(st), st, forbiddenToOthers(200, 200), nil)
	}
	scheduled := func(w *accessWorld, tg accessTarget) (string, []byte) {
		date := w.f.Clock.Now().Add(72*time.Hour).Unix() + kazootest.GregorianOffset
		return accessMarshal(map[string]any{"data": map[string]any{"scheduled_date": date}})
	}
	// Each move, from states it may be made from (Lifecycle.Who); nothing
	// moves to unconfirmed (400 for those who may see the request);
	// submitted, and canceled from unconfirmed, are for anyone reaching
	// the request; the rest for the port authority.
	transitions := []struct {
		to, from         porting.State
		variant          string
		owner, authority int
		body             accessBody
	}{
		{porting.StateUnconfirmed, sub, "", 400, 400, nil},
		{porting.StateSubmitted, un, "", 200, 200, nil},
		{porting.StatePending, sub, "", 403, 200, nil},
		{porting.StateScheduled, porting.StatePending, "", 403, 200, scheduled},
		{porting.StateCompleted, porting.StateScheduled, "", 403, 200, nil},
		{porting.StateRejected, sub, "", 403, 200, nil},
		{porting.StateCanceled, un, "", 200, 200, nil},
		{porting.StateCanceled, sub, "from submitted", 403, 200, nil},
		{porting.StateCanceled, porting.StateRejected, "from rejected", 403, 200, nil},
		{porting.StateSubmitted, porting.StateRejected, "from rejected", 200, 200, nil},
		{porting.StateCompleted, porting.StatePending, "from pending", 403, 200, nil},
		{porting.StateCompleted, porting.StateRejected, "from rejected", 403, 200, nil},
		{porting.StateRejected, porting.StateScheduled, "from scheduled", 403, 200, nil},
	}
	for _, tr := range transitions {
		kz("PATCH", "/port_requests/{id}/"+string(tr.to), tr.from, forbiddenToOthers(tr.owner, tr.authority), tr.body).variant = tr.variant
	}
	// portkit's webhooks, managed by the account and those above it
	// (each cell has a webhook of the customer with a failed delivery).
	hook := accessJSON(map[string]any{"data": map[string]any{"url": "https://hooks.example.net/new"}})
	kz("GET", "/port_webhooks", un, forbiddenToOthers(200, 200), nil)
	kz("PUT", "/port_webhooks", un, forbiddenToOthers(201, 201), hook)
	kz("GET", "/port_webhooks/{webhook}", un, forbiddenToOthers(200, 200), nil)
	kz("POST", "/port_webhooks/{webhook}", un, forbiddenToOthers(200, 200), hook)
	kz("PATCH", "/port_webhooks/{webhook}", un, forbiddenToOthers(200, 200), accessJSON(map[string]any{"data": map[string]any{"enabled": false}}))
	kz("DELETE", "/port_webhooks/{webhook}", un, forbiddenToOthers(200, 200), nil)
	kz("POST", "/port_webhooks/{webhook}/test", un, forbiddenToOthers(200, 200), nil)
	kz("GET", "/port_webhooks/{webhook}/deliveries", un, forbiddenToOthers(200, 200), nil)
	kz("POST", "/port_webhooks/{webhook}/deliveries/{delivery}/replay", un, forbiddenToOthers(200, 200), nil)

	// Telnyx, as each caller's own account.
	tx("POST", "/portability_checks", un, accessEveryone(200), func(w *accessWorld, tg accessTarget) (string, []byte) {
		return accessMarshal(telnyxtest.Numbers(tg.Number, w.number()))
	})
	tx("GET", "/port_requests", sub, accessEveryone(200), nil)
	tx("GET", "/port_requests/{id}", sub, hiddenFromOthers(200, 200), nil)
	tx("GET", "/port_requests/{id}/sub_requests", sub, hiddenFromOthers(200, 200), nil)
	tx("GET", "/port_requests/{id}/sub_requests/{sid}", sub, hiddenFromOthers(200, 200), nil)
	tx("PUT", "/port_requests/{id}/sub_requests/{sid}", sub, hiddenFromOthers(200, 200), accessJSON(map[string]any{"description": "edited"}))
	tx("GET", "/port_requests/{id}/sub_requests/{sid}/allowed_foc_dates", sub, hiddenFromOthers(200, 200), nil)
	tx("POST", "/port_requests/{id}/sub_requests/{sid}/request_cancellation", sub, hiddenFromOthers(200, 200), accessJSON(map[string]any{"reason": "changed my mind"}))
	tx("GET", "/port_requests/{id}/comments", sub, hiddenFromOthers(200, 200), nil)
	tx("POST", "/port_requests/{id}/comments", sub, hiddenFromOthers(201, 201), accessJSON(map[string]any{"body": "a new comment"}))
	tx("GET", "/port_requests/{id}/supporting_documents", sub, hiddenFromOthers(200, 200), nil)
	tx("POST", "/port_requests/{id}/supporting_documents", sub, hiddenFromOthers(201, 201), func(*accessWorld, accessTarget) (string, []byte) {
		return accessMultipart("other", "more.pdf", "application/pdf", []byte("%PDF-1.4 more"))
	})
	tx("GET", "/port_requests/{id}/supporting_documents/{doc}", sub, hiddenFromOthers(200, 200), nil)
	tx("POST", "/port_requests/{id}/supporting_documents/{doc}/download_links", sub, hiddenFromOthers(200, 200), nil)
	// A download link is the credential: anyone holding it, token or none.
	tx("GET", "/downloads/{token}", sub, accessWant{roleOwner: 200, roleAuthority: 200, roleSub: 200, roleOther: 200, roleNone: 200}, nil)
	tx("GET", "/draft_port_requests", un, accessEveryone(200), nil)
	tx("POST", "/draft_port_requests", un, accessEveryone(201), func(w *accessWorld, tg accessTarget) (string, []byte) {
		return accessMarshal(telnyxtest.Numbers(w.number()))
	})
	tx("GET", "/draft_port_requests/{id}", un, hiddenFromOthers(200, 200), nil)
	tx("POST", "/draft_port_requests/{id}/submit", un, hiddenFromOthers(201, 201), nil)
	tx("GET", "/draft_port_requests/{id}/sub_requests", un, hiddenFromOthers(200, 200), nil)
	tx("GET", "/draft_port_requests/{id}/sub_requests/{sid}", un, hiddenFromOthers(200, 200), nil)
	tx("PUT", "/draft_port_requests/{id}/sub_requests/{sid}", un, hiddenFromOthers(200, 200), accessJSON(map[string]any{"description": "edited"}))
	tx("GET", "/draft_port_requests/{id}/sub_requests/{sid}/allowed_foc_dates", un, hiddenFromOthers(200, 200), nil)
	return rows
}

// The matrix has a row for every route the dialects serve, as
// kazoo.Routes and telnyx.Routes list them, and no row for a route they
// do not serve.
func TestAccessRoutesCovered(t *testing.T) {
	served := map[string][]string{}
	for _, rt := range kazoo.Routes() {
		served["kazoo"] = append(served["kazoo"], rt.Method+" "+rt.Path)
	}
	for _, rt := range telnyx.Routes() {
		served["telnyx"] = append(served["telnyx"], rt.Method+" "+rt.Path)
	}
	require.Len(t, served["kazoo"], 19+9+3*len(porting.States()), "the Kazoo routes as kazoo.Routes lists them (9 of webhooks)")
	require.Len(t, served["telnyx"], 23, "the Telnyx routes as telnyx.Routes lists them")
	rows := map[string][]string{}
	for _, row := range accessRows() {
		rows[row.dialect] = append(rows[row.dialect], row.method+" "+row.route)
	}
	for _, dialect := range []string{"kazoo", "telnyx"} {
		for _, rt := range served[dialect] {
			require.Contains(t, rows[dialect], rt, "%s %s has no row in the matrix", dialect, rt)
		}
		for _, rt := range rows[dialect] {
			require.Contains(t, served[dialect], rt, "the matrix has a row for %s %s, which the dialect does not serve", dialect, rt)
		}
		slices.Sort(served[dialect])
		require.Equal(t, served[dialect], slices.Compact(slices.Sorted(slices.Values(rows[dialect]))))
	}
}

// TestAccessMatrix calls every route as every role, each cell on a
// fresh request of the customer in the row's state, and checks:
//
//   - the status is the row's for the role;
//   - no answer to anyone but the port authority holds a private comment;
//   - a refused call changed nothing;
//   - a caller that does not reach the request learns nothing of it: the
//     answer (status, content type, body with the ID replaced) is the
//     same for a request ID that does not exist; for Kazoo also when the
//     caller names its own account in the URL (404 both ways).
func TestAccessMatrix(t *testing.T) {
	w := newAccessWorld(t)
	for _, row := range accessRows() {
		for _, role := range accessRoles {
			t.Run(row.name()+"/"+string(role), func(t *testing.T) {
				want, ok := row.want[role]
				require.True(t, ok, "row has no expectation for %s", role)
				tg := w.target(t, row.state)
				if strings.Contains(row.route, "{webhook}") || strings.Contains(row.route, "/port_webhooks") {
					w.addWebhook(t, &tg)
				}
				before, err := w.f.Service.Get(porting.AsSystem(t.Context()), tg.ID)
				require.NoError(t, err)
				lastEvent := w.lastEvent(t)
				hookBefore := w.webhookState(t, tg)

				send := func(account, id string) accessResp {
					ct, body := row.payload(w, tg)
					return w.call(row.method, row.path(t, w, tg, account, id), role.token(), ct, body)
				}
				res := send("customer", tg.ID)
				require.Equal(t, want, res.Code, "%s %s as %s: %s", row.method, row.route, role, res.Body)
				if role != roleAuthority {
					accessRequireAbsent(t, string(res.Body), accessPrivateBody, "a private comment reached "+string(role))
				}
				if res.Code >= 400 {
					after, err := w.f.Service.Get(porting.AsSystem(t.Context()), tg.ID)
					require.NoError(t, err)
					require.Equal(t, before.Revision, after.Revision, "a refused call changed the request")
					written, err := w.f.Service.Events(porting.AsSystem(t.Context()), lastEvent, 1)
					require.NoError(t, err)
					require.Empty(t, written, "a refused call wrote something (a request, a comment...)")
					require.Equal(t, hookBefore, w.webhookState(t, tg), "a refused call changed a webhook or its delivery")
				}

				if role.reaches() || !strings.Contains(row.route, "{id}") && !strings.Contains(row.route, "{webhook}") {
					return
				}
				miss := send("customer", accessMissingID)
				accessRequireSame(t, res, tg.ID, miss, accessMissingID)
				if row.dialect == "kazoo" && role != roleNone {
					own := send(role.account(), tg.ID)
					require.Equal(t, http.StatusNotFound, own.Code, "%s under its own account: %s", role, own.Body)
					accessRequireSame(t, own, tg.ID, send(role.account(), accessMissingID), accessMissingID)
				}
			})
		}
	}
}

// lastEvent is the sequence number of the newest event in the log: every
// write adds one. It reads on from the last one it saw.
func (w *accessWorld) lastEvent(t *testing.T) uint64 {
	t.Helper()
	for {
		evs, err := w.f.Service.Events(porting.AsSystem(t.Context()), w.eventSeq, 1000)
		require.NoError(t, err)
		if len(evs) == 0 {
			return w.eventSeq
		}
		w.eventSeq = evs[len(evs)-1].Seq
	}
}

// accessRequireSame requires two answers to be the same but for the IDs
// they are about: status, content type and body.
func accessRequireSame(t *testing.T, a accessResp, idA string, b accessResp, idB string) {
	t.Helper()
	require.Equal(t, a.Code, b.Code, "existing: %s\nmissing: %s", a.Body, b.Body)
	require.Equal(t, a.Header.Get("Content-Type"), b.Header.Get("Content-Type"))
	require.Equal(t, accessNormalize(a.Body, idA), accessNormalize(b.Body, idB),
		"the answer about an existing request of another account differs from the one about no request")
}

// Private comments reach the port authority over the request and no one
// else: the routes that show comments show it to the authority (over the
// customer, and over the customer's sub-account), never to the owner; a
// root account without an authority does not see the private comment on
// its own request; only the authority may write one.
func TestAccessPrivateComments(t *testing.T) {
	w := newAccessWorld(t)
	cases := []struct {
		account string // the request's
		sees    []accessRole
		blind   []accessRole
	}{
		{"customer", []accessRole{roleAuthority}, []accessRole{roleOwner}},
		{"sub", []accessRole{roleAuthority}, []accessRole{roleOwner, roleSub}},
		{"other", nil, []accessRole{roleOther}},
	}
	for _, c := range cases {
		tg := w.targetOf(t, c.account, porting.StateSubmitted)
		kz := "/v2/accounts/" + c.account + "/port_requests/" + tg.ID
		tx := "/origination/porting/port_requests/" + tg.ID
		routes := []struct {
			method, path, ct, body string
			shows                  bool // the answer lists the request's comments
		}{
			{"GET", kz + "/comments", "", "", true},
			{"PUT", kz + "/comments", "application/json", `{"data":{"content":"one more"}}`, true},
			{"GET", kz + "/timeline", "", "", true},
			{"GET", kz, "", "", false},
			{"GET", tx + "/comments", "", "", true},
			{"POST", tx + "/comments", "application/json", `{"body":"one more"}`, false},
			{"GET", tx, "", "", false},
			{"GET", "/origination/porting/draft_port_requests/" + tg.ID, "", "", false},
		}
		for _, rt := range routes {
			for _, role := range append(slices.Clone(c.sees), c.blind...) {
				t.Run(fmt.Sprintf("%s/%s %s/%s", c.account, rt.method, strings.ReplaceAll(rt.path, tg.ID, "{id}"), role), func(t *testing.T) {
					res := w.call(rt.method, rt.path, role.token(), rt.ct, []byte(rt.body))
					require.Less(t, res.Code, 300, "%s", res.Body)
					body := string(res.Body)
					if slices.Contains(c.sees, role) && rt.shows {
						require.Contains(t, body, accessPrivateBody)
						require.Contains(t, body, accessPublicBody)
						return
					}
					accessRequireAbsent(t, body, accessPrivateBody, "a private comment reached "+string(role))
					if rt.shows {
						require.Contains(t, body, accessPublicBody)
					}
				})
			}
		}
	}

	t.Run("only the authority writes one", func(t *testing.T) {
		tg := w.target(t, porting.StateUnconfirmed)
		path := "/v2/accounts/customer/port_requests/" + tg.ID + "/comments"
		body := []byte(`{"data":{"content":"owner's secret","is_private":true}}`)
		res := w.call("PUT", path, apitest.CustomerToken, "application/json", body)
		require.Equal(t, http.StatusBadRequest, res.Code, "%s", res.Body)
		res = w.call("PUT", path, apitest.AuthorityToken, "application/json", body)
		require.Equal(t, http.StatusCreated, res.Code, "%s", res.Body)
		require.Contains(t, string(res.Body), "owner's secret")
		res = w.call("GET", path, apitest.CustomerToken, "", nil)
		require.Equal(t, http.StatusOK, res.Code)
		require.NotContains(t, string(res.Body), "owner's secret")
	})
}

// No listing of either dialect shows a PIN or an account number, to any
// caller, the port authority included; and no listing shows a request
// the caller does not reach. Every account has requests with both
// secrets set (on the bill and on the sub request), in every state for
// the customer.
func TestAccessListsHideSecrets(t *testing.T) {
	w := newAccessWorld(t)
	byAccount := map[string][]accessTarget{}
	for _, st := range porting.States() {
		byAccount["customer"] = append(byAccount["customer"], w.target(t, st))
	}
	for _, acct := range []string{"authority", "sub", "other"} {
		for _, st := range []porting.State{porting.StateUnconfirmed, porting.StateSubmitted} {
			byAccount[acct] = append(byAccount[acct], w.targetOf(t, acct, st))
		}
	}
	// reachable reports whether role reaches the requests of acct.
	reachable := func(role accessRole, acct string) bool {
		switch role {
		case roleAuthority:
			return acct != "other"
		case roleOwner:
			return acct == "customer" || acct == "sub"
		case roleSub, roleOther:
			return acct == role.account()
		}
		return false
	}
	someNumber := byAccount["customer"][1].Number

	accountLists := []string{
		"/port_requests", "/port_requests?by_types=all", "/port_requests?by_number=" + someNumber,
		"/descendants/port_requests", "/descendants/port_requests?by_types=all", "/port_requests/last_submitted",
	}
	for _, st := range porting.States() {
		accountLists = append(accountLists, "/port_requests/"+string(st), "/descendants/port_requests/"+string(st))
	}
	// The port authority's listing, at the root: what the caller manages.
	managedLists := []string{"/port_requests", "/port_requests?by_types=all", "/port_requests?by_number=" + someNumber}
	portingLists := []string{
		"/port_requests", "/port_requests?include_sub_requests=true",
		"/port_requests?status=incomplete&include_sub_requests=true", "/port_requests?status=complete&include_sub_requests=true",
		"/draft_port_requests", "/draft_port_requests?include_sub_requests=true",
		"/draft_port_requests?status=pending&include_sub_requests=true", "/draft_port_requests?status=submitted&include_sub_requests=true",
	}
	// The sub request listings of each request are listings too.
	type subList struct{ path, name, account string }
	var subLists []subList
	for _, acct := range []string{"customer", "authority", "sub", "other"} {
		for _, tg := range byAccount[acct] {
			st := string(w.state(t, tg))
			if st != string(porting.StateUnconfirmed) {
				subLists = append(subLists, subList{"/port_requests/" + tg.ID + "/sub_requests", "/port_requests/{" + acct + "-" + st + "}/sub_requests", acct})
			}
			subLists = append(subLists, subList{"/draft_port_requests/" + tg.ID + "/sub_requests", "/draft_port_requests/{" + acct + "-" + st + "}/sub_requests", acct})
		}
	}

	seen := map[string]bool{} // list -> some answer held a request with secrets
	check := func(t *testing.T, list string, role accessRole, res accessResp) {
		t.Helper()
		body := string(res.Body)
		if res.Code == http.StatusOK { // an error names the ID it was asked about
			for acct, tgs := range byAccount {
				for _, tg := range tgs {
					if strings.Contains(body, tg.ID) || strings.Contains(body, tg.Number) {
						require.True(t, reachable(role, acct), "%s sees a request of %s", role, acct)
						seen[list] = true
					}
				}
			}
		}
		accessRequireAbsent(t, body, accessPIN, "a PIN in a listing")
		accessRequireAbsent(t, body, accessAccountNumber, "an account number in a listing")
		accessRequireAbsent(t, body, accessPrivateBody, "a private comment in a listing")
	}
	for _, list := range accountLists {
		for _, role := range accessRoles {
			accounts := []string{"customer", role.account()}
			if role == roleNone || role == roleOwner {
				accounts = accounts[:1]
			}
			for _, acct := range accounts {
				t.Run(fmt.Sprintf("kazoo/GET /accounts/%s%s/%s", acct, list, role), func(t *testing.T) {
					res := w.call("GET", "/v2/accounts/"+acct+list, role.token(), "", nil)
					if role != roleNone && reachable(role, acct) {
						require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)
					}
					check(t, "kazoo "+list, role, res)
				})
			}
		}
	}
	for _, list := range managedLists {
		for _, role := range accessRoles {
			t.Run(fmt.Sprintf("kazoo/GET %s/%s", list, role), func(t *testing.T) {
				res := w.call("GET", "/v2"+list, role.token(), "", nil)
				if role != roleNone {
					require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)
				}
				if role != roleAuthority {
					require.NotContains(t, string(res.Body), `"port_requests"`, "only a port authority manages requests")
				}
				check(t, "kazoo root "+list, role, res)
			})
		}
	}
	for _, list := range portingLists {
		for _, role := range accessRoles {
			t.Run(fmt.Sprintf("telnyx/GET %s/%s", list, role), func(t *testing.T) {
				res := w.call("GET", "/origination/porting"+list, role.token(), "", nil)
				if role != roleNone {
					require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)
				}
				check(t, "telnyx "+list, role, res)
			})
		}
	}
	for _, sl := range subLists {
		for _, role := range accessRoles {
			t.Run(fmt.Sprintf("telnyx/GET %s/%s", sl.name, role), func(t *testing.T) {
				res := w.call("GET", "/origination/porting"+sl.path, role.token(), "", nil)
				if role != roleNone && reachable(role, sl.account) {
					require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)
				}
				check(t, "telnyx "+sl.path, role, res)
			})
		}
	}
	t.Run("every listing was tried with secrets in it", func(t *testing.T) {
		for _, list := range accountLists {
			require.True(t, seen["kazoo "+list], "kazoo %s listed no request", list)
		}
		for _, list := range managedLists {
			require.True(t, seen["kazoo root "+list], "kazoo root %s listed no request", list)
		}
		for _, list := range portingLists {
			require.True(t, seen["telnyx "+list], "telnyx %s listed no request", list)
		}
		for _, sl := range subLists {
			require.True(t, seen["telnyx "+sl.path], "telnyx %s listed no sub request", sl.name)
		}
	})
}

// state returns the current state of a target.
func (w *accessWorld) state(t *testing.T, tg accessTarget) porting.State {
	t.Helper()
	r, err := w.f.Service.Get(porting.AsSystem(t.Context()), tg.ID)
	require.NoError(t, err)
	return r.State
}

// What the single GETs show of the secrets, as implemented: to the
// callers that reach the request (owner, authority), Kazoo's bill has
// pin and account_number, and Telnyx's sub requests pin_passcode and
// account_number, as the Telnyx document's single-object examples do;
// the callers that do not reach it get nothing.
func TestAccessSingleGetSecrets(t *testing.T) {
	w := newAccessWorld(t)
	tg := w.target(t, porting.StateSubmitted)
	paths := []string{
		"/v2/accounts/customer/port_requests/" + tg.ID,
		"/origination/porting/port_requests/" + tg.ID,
		"/origination/porting/port_requests/" + tg.ID + "/sub_requests/" + tg.SubID,
		"/origination/porting/draft_port_requests/" + tg.ID,
		"/origination/porting/draft_port_requests/" + tg.ID + "/sub_requests/" + tg.SubID,
	}
	for _, p := range paths {
		for _, role := range accessRoles {
			t.Run(strings.ReplaceAll(p, tg.ID, "{id}")+"/"+string(role), func(t *testing.T) {
				res := w.call("GET", p, role.token(), "", nil)
				body := string(res.Body)
				if role.reaches() {
					require.Equal(t, http.StatusOK, res.Code, body)
					require.Contains(t, body, accessPIN)
					require.Contains(t, body, accessAccountNumber)
					return
				}
				accessRequireAbsent(t, body, accessPIN, "a PIN")
				accessRequireAbsent(t, body, accessAccountNumber, "an account number")
			})
		}
	}
}

// Creating a request with a number another account's active request
// holds is refused, but the refusal does not name that request to a
// caller who cannot reach it (as portability_checks does not); it may
// name it to one who can.
func TestAccessNumberClaimHidesRequestID(t *testing.T) {
	w := newAccessWorld(t)
	tg := w.target(t, porting.StateSubmitted)
	for _, role := range []accessRole{roleOwner, roleAuthority, roleSub, roleOther} {
		kzBody := fmt.Sprintf(`{"data":{"name":"Mine","numbers":{%q:{}}}}`, tg.Number)
		txBody := fmt.Sprintf(`{"phone_numbers":[{"phone_number":%q}]}`, tg.Number)
		for _, c := range []struct {
			name, method, path, body string
			code                     int
		}{
			{"kazoo/PUT /port_requests", "PUT", "/v2/accounts/" + role.account() + "/port_requests", kzBody, http.StatusBadRequest},
			{"telnyx/POST /draft_port_requests", "POST", "/origination/porting/draft_port_requests", txBody, http.StatusUnprocessableEntity},
			{"telnyx/POST /portability_checks", "POST", "/origination/porting/portability_checks", txBody, http.StatusOK},
		} {
			t.Run(c.name+"/"+string(role), func(t *testing.T) {
				res := w.call(c.method, c.path, role.token(), "application/json", []byte(c.body))
				require.Equal(t, c.code, res.Code, "%s", res.Body)
				if c.code == http.StatusOK {
					require.Contains(t, string(res.Body), "already_being_ported")
				}
				if !role.reaches() {
					accessRequireAbsent(t, string(res.Body), tg.ID, "the refusal names another account's request")
				}
			})
		}
	}
}

// Download links, beyond telnyx's TestDownloadLinks (which covers expiry at
// the TTL, flipped bytes, a payload re-pointed at another document, mixed
// MACs, garbage, content replaced through the Service, and the request
// deleted): a link gives its own document's bytes and nothing else, to
// anyone, whatever credentials come with it; truncated, extended and
// re-encoded tokens, and a MAC of another link to the same document or
// of another request, are refused; a document deleted alone, or replaced
// through Kazoo, or deleted and uploaded again under its name, is gone
// for the old link; and a refused link answers the same whether or not
// its document still exists.
func TestAccessDownloadLinks(t *testing.T) {
	w := newAccessWorld(t)
	tg := w.target(t, porting.StateSubmitted)
	ct, body := accessMultipart("invoice", accessDocName, "application/pdf", []byte("%PDF-1.4 document B"))
	res := w.call("POST", "/origination/porting/port_requests/"+tg.ID+"/supporting_documents", apitest.CustomerToken, ct, body)
	require.Equal(t, http.StatusCreated, res.Code, "%s", res.Body)
	var docB struct {
		ID   string `json:"id"`
		Body string `json:"body"`
	}
	require.NoError(t, json.Unmarshal(res.Body, &docB))
	require.Equal(t, "evidence (2).pdf", docB.Body, "the second upload of a name gets a name of its own")

	linkA, tokA := w.link(t, apitest.CustomerToken, tg.ID, tg.DocID)
	linkB, tokB := w.link(t, apitest.CustomerToken, tg.ID, docB.ID)
	linkAuth, _ := w.link(t, apitest.AuthorityToken, tg.ID, tg.DocID)
	fetch := func(path, token string) accessResp { return w.call("GET", path, token, "", nil) }

	t.Run("a link gives its document only, to anyone", func(t *testing.T) {
		for _, role := range accessRoles {
			for _, bogus := range []string{role.token(), "no-such-token"} {
				res := fetch(linkA, bogus)
				require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)
				require.Equal(t, tg.DocBytes, res.Body)
				require.Contains(t, res.Header.Get("Content-Disposition"), `filename=`+accessDocName)
			}
		}
		res := fetch(linkB, "")
		require.Equal(t, http.StatusOK, res.Code)
		require.Equal(t, "%PDF-1.4 document B", string(res.Body))
		require.Equal(t, tg.DocBytes, fetch(linkAuth, "").Body, "the authority's link to A is A")
	})

	t.Run("tampered tokens are refused", func(t *testing.T) {
		payA, macA, _ := strings.Cut(tokA, ".")
		payB, macB, _ := strings.Cut(tokB, ".")
		require.NotEqual(t, payA, payB)
		// Another link to A, with another expiry, and one to a document of
		// another request.
		w.f.Clock.Advance(time.Second)
		_, tokA2 := w.link(t, apitest.CustomerToken, tg.ID, tg.DocID)
		payA2, macA2, _ := strings.Cut(tokA2, ".")
		require.NotEqual(t, payA, payA2)
		other := w.target(t, porting.StateSubmitted)
		_, tokO := w.link(t, apitest.CustomerToken, other.ID, other.DocID)
		payO, macO, _ := strings.Cut(tokO, ".")
		raw, err := base64.RawURLEncoding.DecodeString(payA)
		require.NoError(t, err)
		for name, tok := range map[string]string{
			"mac truncated by one":           payA + "." + macA[:len(macA)-1],
			"mac truncated to half":          payA + "." + macA[:len(macA)/2],
			"payload truncated by one":       payA[:len(payA)-1] + "." + macA,
			"byte appended to the mac":       tokA + "A",
			"byte prepended to the payload":  "A" + tokA,
			"third segment":                  tokA + "." + macA,
			"padded payload":                 base64.URLEncoding.EncodeToString(raw) + "." + macA,
			"standard base64 payload":        base64.StdEncoding.EncodeToString(raw) + "." + macA,
			"upper-cased":                    strings.ToUpper(tokA),
			"mac of a later link to A":       payA + "." + macA2,
			"later payload with the old mac": payA2 + "." + macA,
			"mac of another request's link":  payA + "." + macO,
			"other request's payload, A mac": payO + "." + macA,
			"mac and payload swapped":        macA + "." + payA,
			"mac of B":                       payA + "." + macB,
			"empty payload":                  "." + macA,
		} {
			t.Run(name, func(t *testing.T) {
				res := fetch("/origination/porting/downloads/"+tok, apitest.CustomerToken)
				require.Equal(t, http.StatusForbidden, res.Code, "%s", res.Body)
				require.NotContains(t, string(res.Body), string(tg.DocBytes))
			})
		}
		require.Equal(t, http.StatusOK, fetch(linkA, "").Code, "the genuine link still works")
	})

	t.Run("refused links answer alike whether the document exists", func(t *testing.T) {
		gone := w.target(t, porting.StateSubmitted)
		live := w.target(t, porting.StateSubmitted)
		linkGone, tokGone := w.link(t, apitest.CustomerToken, gone.ID, gone.DocID)
		linkLive, tokLive := w.link(t, apitest.CustomerToken, live.ID, live.DocID)
		w.f.Move(t, gone.ID, porting.StateCanceled)
		_, err := w.f.Service.Delete(w.f.AsCustomer(), gone.ID, 0)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, fetch(linkGone, "").Code, "a genuine link to a deleted document")

		tamper := func(tok string) string {
			p, m, _ := strings.Cut(tok, ".")
			return p + "." + m[:len(m)-1]
		}
		same := func(a, b string) {
			t.Helper()
			ra, rb := fetch(a, ""), fetch(b, "")
			require.Equal(t, http.StatusForbidden, ra.Code)
			accessRequireSame(t, ra, "", rb, "")
		}
		same("/origination/porting/downloads/"+tamper(tokGone), "/origination/porting/downloads/"+tamper(tokLive))
		// Expired: refused before the document is looked up.
		w.f.Clock.Advance(2 * time.Hour)
		same(linkGone, linkLive)
	})

	t.Run("a document deleted alone is gone for its link", func(t *testing.T) {
		r := w.target(t, porting.StateSubmitted)
		link, _ := w.link(t, apitest.CustomerToken, r.ID, r.DocID)
		require.Equal(t, http.StatusOK, fetch(link, "").Code)
		w.f.Move(t, r.ID, porting.StateRejected) // attachments may be deleted again
		res := w.call("DELETE", "/v2/accounts/customer/port_requests/"+r.ID+"/attachments/"+accessDocName, apitest.CustomerToken, "", nil)
		require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)
		res = fetch(link, "")
		require.Equal(t, http.StatusNotFound, res.Code, "%s", res.Body)

		// A new document under the old name is another document.
		res = w.call("PUT", "/v2/accounts/customer/port_requests/"+r.ID+"/attachments?filename="+accessDocName,
			apitest.CustomerToken, "application/pdf", []byte("%PDF-1.4 newcomer"))
		require.Equal(t, http.StatusCreated, res.Code, "%s", res.Body)
		res = fetch(link, "")
		require.Equal(t, http.StatusNotFound, res.Code, "%s", res.Body)
		require.NotContains(t, string(res.Body), "newcomer")
	})

	t.Run("a document replaced through Kazoo is gone for its link", func(t *testing.T) {
		r := w.target(t, porting.StateSubmitted)
		link, _ := w.link(t, apitest.CustomerToken, r.ID, r.DocID)
		res := w.call("POST", "/v2/accounts/customer/port_requests/"+r.ID+"/attachments/"+accessDocName,
			apitest.CustomerToken, "application/pdf", []byte("%PDF-1.4 replacement"))
		require.Equal(t, http.StatusOK, res.Code, "%s", res.Body)
		res = fetch(link, "")
		require.Equal(t, http.StatusNotFound, res.Code, "%s", res.Body)
		require.False(t, bytes.Contains(res.Body, []byte("replacement")))
		fresh, _ := w.link(t, apitest.CustomerToken, r.ID, r.DocID)
		require.Equal(t, "%PDF-1.4 replacement", string(fetch(fresh, "").Body))
	})
}
