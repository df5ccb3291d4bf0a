package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// editWorld is a Kazoo handler over a fixture with an unconfirmed
// request (editable; with a public and a private comment) and a submitted
// one (not editable), both the customer's.
type editWorld struct {
	f                *portingtest.Fixture
	h                http.Handler
	draft, submitted string
	snap             fuzzSnapshot
}

// newEditWorld builds an editWorld.
func newEditWorld(tb testing.TB) *editWorld {
	tb.Helper()
	e := kazootest.Setup(tb)
	f, h := e.F, e.H
	draft, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, porting.RequestInput{
		Name: "Porting 202.555.9000",
		Numbers: []porting.NumberInput{
			{Raw: "+12025559000", Details: []byte(`{"state":"NY"}`)}, {Raw: "+13125354200"},
		},
		Bill:          porting.Bill{Name: "Acme", BTN: "+12025559000", StreetAddress: "1 Main St"},
		Carrier:       "Carrier A",
		Notifications: porting.Notifications{EmailSendTo: []string{"a@example.com"}},
	})
	require.NoError(tb, err)
	_, err = apitest.AddComment(f.Service, f.AsCustomer(), draft.ID, porting.CommentInput{Body: "public"})
	require.NoError(tb, err)
	_, err = apitest.AddComment(f.Service, f.AsAuthority(), draft.ID, porting.CommentInput{Body: "private", Private: true})
	require.NoError(tb, err)
	sub := f.Create(tb, "+12025559001")
	f.Move(tb, sub.ID, porting.StateSubmitted)
	return &editWorld{f: f, h: h, draft: draft.ID, submitted: sub.ID, snap: fuzzTake(tb, f, draft.ID, sub.ID)}
}

// editRoutes are the writes FuzzKazooBody makes, by the route byte
// modulo 3; the byte divided by 3 picks the request (even: unconfirmed,
// odd: submitted) and divided by 6 the caller (even: the customer, odd:
// the port authority).
var editRoutes = []struct{ method, rest string }{
	{"POST", ""}, {"PATCH", ""}, {"PUT", "/comments"},
}

// FuzzKazooBody sends arbitrary bodies to the writes of an existing
// request: POST (edit) and PATCH (merge) port_requests/{id} and PUT
// port_requests/{id}/comments, on an editable and a submitted request, as
// the customer and as the port authority. Never a 5xx nor a panic; a
// refusal is a 4xx with a message and leaves the store as it was; an
// accepted write reads back as it was answered, with the strings it set.
func FuzzKazooBody(f *testing.F) {
	for _, s := range []struct {
		route uint8
		body  string
	}{
		{0, `{"data":{"name":"Renamed","numbers":{"+12025559000":{"state":"NY"},"+13125354200":{}}}}`},
		{0, `{"data":{"name":"n","numbers":{"(202) 555-9000":null},"carrier":"c","winning_carrier":"w",` +
			`"reference_number":"r","signee_name":"s","signing_date":63900000000,"transfer_date":63900000000,` +
			`"bill":{"btn":"2025559000","name":"b","pin":"1234","x":{"y":1}},"notifications":{"email":{"send_to":["a@example.com","b@example.com"]}},` +
			`"ui_metadata":{"a":[1,2,{"b":null}]},"id":"x","port_state":"completed","pvt_x":1,"_rev":"1-x"}}`},
		{0, `{"data":{"name":"  ","numbers":{"+12025559000":{}}}}`},
		{0, `{"data":{"name":"n","numbers":{}}}`},
		{0, `{"data":{"name":"n","numbers":{"+12025559001":{}}}}`},
		{0, `{"data":{"name":"n","numbers":{"+12025559000":{},"2025559000":{}}}}`},
		{0, `{"data":{"name":"` + strings.Repeat("x", 129) + `","numbers":{"+12025559000":{}}}}`},
		{0, `{"data":{"name":"\u0000","numbers":{"+12025559000":{}}}}`},
		{0, `{"data":{"name":"` + "\xff\xfe" + `","numbers":{"+12025559000":{}}}}`},
		{0, `{"data":{"name":"a\ud800b","numbers":{"+12025559000":"x"}}}`},
		{0, `{"data":{"name":1,"numbers":[]}}`},
		{0, `{"data":{"name":"n","name":"m","numbers":{"+12025559000":{}}}}`},
		{0, `{"DATA":{"name":"n","numbers":{"+12025559000":{}}}}`},
		{0, `{"data":{"name":"n","numbers":{"+12025559000":{}},"transfer_date":1e300}}`},
		{0, `{"data":{"name":"n","numbers":{"+12025559000":{}},"signing_date":-62167219200}}`},
		{0, `{"data":{"name":"n","numbers":{"+12025559000":{}},"notifications":{"email":{"send_to":"not an address"}}}}`},
		{0, `{"data":{"name":"n","numbers":{"+12025559000":{}},"x":` + strings.Repeat("[", 30) + strings.Repeat("]", 30) + `}}`},
		{0, `{"data":{"name":"n","numbers":{"+12025559000":{}},"x":` + strings.Repeat("[", 31) + strings.Repeat("]", 31) + `}}`},
		{0, `{"data":{"name":"n","numbers":{"+12025559000":{}}}} {}`},
		{1, `{"data":{"name":"Patched"}}`},
		{1, `{"data":{"numbers":{"+13125354200":null,"+12025559002":{"a":1}}}}`},
		{1, `{"data":{"numbers":{"+12025559000":null,"+13125354200":null}}}`},
		{1, `{"data":{"bill":null,"notifications":null,"carrier":null,"unknown":null}}`},
		{1, `{"data":{"reference_number":"ref","winning_carrier":"` + "\x00" + `"}}`},
		{1, `{"data":{"scheduled_date":"tomorrow"}}`},
		{1, `{"data":{}}`},
		{1, `{"data":null}`},
		{1, `{"data":[]}`},
		{1, `{"data":"x"}`},
		{1, `{}`},
		{1, ``},
		{1, `null`},
		{1, `{"data":{"name":"x"`},
		{1, "\x00"},
		{1, `{"data":{"a":` + strings.Repeat(`{"a":`, 64) + `1` + strings.Repeat(`}`, 64) + `}}`},
		{2, `{"data":{"content":"hello"}}`},
		{2, `{"data":{"comments":[{"content":"one"},{"content":"two","action_required":true}]}}`},
		{2, `{"data":{"comments":[{"content":"one"},{"content":"  "}]}}`},
		{2, `{"data":{"comments":[]}}`},
		{2, `{"data":{"comments":[1,"x",null]}}`},
		{2, `{"data":{"comments":{"content":"x"}}}`},
		{2, `{"data":{"content":"secret","is_private":true}}`},
		{2, `{"data":{"content":"x","is_private":"yes"}}`},
		{2, `{"data":{"content":"x","id":"forged","timestamp":1,"author":"someone"}}`},
		{2, `{"data":{"content":"` + strings.Repeat("é", 10001) + `"}}`},
		{2, `{"data":{"content":"\u0000\u001f"}}`},
		{2, `{"data":{"content":"` + "\xc3\x28" + `"}}`},
		{2, `{"data":{"content":"a","content":"  "}}`},
		{3, `{"data":{"name":"Renamed","numbers":{"+12025559001":{}}}}`},
		{4, `{"data":{"name":"Patched"}}`},
		{4, `{"data":{"reference_number":"ref"}}`},
		{5, `{"data":{"content":"on a submitted request"}}`},
		{8, `{"data":{"content":"secret","is_private":true}}`},
		{6, `{"data":{"name":"By the authority","numbers":{"+12025559000":{}}}}`},
		{7, `{"data":{"name":"By the authority"}}`},
	} {
		f.Add(s.route, []byte(s.body))
	}
	bed := newFuzzBed(f, newEditWorld)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		w := bed.get(t)
		rt := editRoutes[int(route)%len(editRoutes)]
		id := w.draft
		if route/3%2 == 1 {
			id = w.submitted
		}
		token := apitest.CustomerToken
		if route/6%2 == 1 {
			token = apitest.AuthorityToken
		}
		p := kazootest.URL("customer", "port_requests/"+id+rt.rest)
		hdr := http.Header{"X-Auth-Token": {token}, "Content-Type": {"application/json"}}
		rec := fuzzServe(w.h, rt.method, p, "", hdr, bytes.NewReader(body))
		what := fmt.Sprintf("%s %s %q", rt.method, p, body)
		a := kazootest.CheckAnswer(t, rec, what)
		if a.Code >= http.StatusBadRequest {
			w.snap.requireUnchanged(t, w.f, what)
			return
		}
		bed.changed()
		require.Contains(t, []int{http.StatusOK, http.StatusCreated}, a.Code, "%s: %s", what, rec.Body)
		require.True(t, json.Valid(body), "%s: accepted a body that is not JSON", what)
		back := kazootest.CheckAnswer(t, fuzzServe(w.h, "GET", p, "", http.Header{"X-Auth-Token": {token}}, nil), what+": read back")
		require.Equal(t, http.StatusOK, back.Code, what)
		answered := a.Env.Data
		if rt.rest == "/comments" { // the PUT answers {"comments": [...]}, the GET the list
			var d struct {
				Comments json.RawMessage `json:"comments"`
			}
			require.NoError(t, json.Unmarshal(answered, &d), what)
			answered = d.Comments
		}
		require.JSONEq(t, string(answered), string(back.Env.Data), "%s: read back otherwise than answered", what)
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		require.NoError(t, json.Unmarshal(body, &env), "%s: accepted", what)
		sent, ok := fuzzObject(env.Data)
		require.True(t, ok, "%s: accepted without a data object", what)
		if rt.rest == "/comments" {
			checkComments(t, w.f, id, env.Data, sent, back.Env.Data, what)
			return
		}
		require.Equal(t, *a.Env.Revision, *back.Env.Revision, "%s: revision", what)
		checkStringFields(t, env.Data, sent, back.Env.Data, what)
	})
}

// checkStringFields checks that the plain string fields a body's data
// (decoded as sent) set read back as they were sent: name as it is, the
// others absent when empty. Of a field sent twice, it checks only that
// it reads back as one of the body's strings.
func checkStringFields(tb testing.TB, data []byte, sent map[string]json.RawMessage, back json.RawMessage, what string) {
	tb.Helper()
	var got map[string]any
	require.NoError(tb, json.Unmarshal(back, &got), what)
	for _, k := range []string{"name", "carrier", "winning_carrier", "reference_number", "signee_name"} {
		raw, ok := sent[k]
		if !ok {
			continue
		}
		if !fuzzSentOnce(data, sent, k) {
			if v, ok := got[k].(string); ok {
				require.True(tb, fuzzStrings(data)[v], "%s: %s reads back %q, which was not sent", what, k, v)
			}
			continue
		}
		v, ok := fuzzString(raw)
		if !ok {
			continue // null clears, anything else was refused
		}
		if v == "" && k != "name" {
			require.NotContains(tb, got, k, "%s: %s cleared", what, k)
			continue
		}
		require.Equal(tb, v, got[k], "%s: %s read back otherwise than sent", what, k)
	}
}

// checkComments checks an accepted comments write: the comments sent
// (data.comments, or data as one comment) are the last ones of the
// request, each with its content trimmed, and the comments read back
// (back) are a list of them. Where comments or a content is sent twice it
// checks no content: the answer reading back as it was (checked before)
// is all.
func checkComments(tb testing.TB, f *portingtest.Fixture, id string, data []byte, sent map[string]json.RawMessage, back json.RawMessage, what string) {
	tb.Helper()
	var got []struct {
		Content string `json:"content"`
	}
	require.NoError(tb, json.Unmarshal(back, &got), what)
	content := func(obj []byte, m map[string]json.RawMessage) (string, bool) {
		if !fuzzSentOnce(obj, m, "content") {
			return "", false
		}
		s, _ := fuzzString(m["content"])
		return strings.TrimSpace(s), true
	}
	var contents []string
	if list, ok := sent["comments"]; ok {
		if !fuzzSentOnce(data, sent, "comments") {
			return
		}
		var items []json.RawMessage
		require.NoError(tb, json.Unmarshal(list, &items), what)
		for _, it := range items {
			m, ok := fuzzObject(it)
			require.True(tb, ok, "%s: a comment that is no object accepted", what)
			c, ok := content(it, m)
			if !ok {
				return
			}
			contents = append(contents, c)
		}
	} else {
		c, ok := content(data, sent)
		if !ok {
			return
		}
		contents = []string{c}
	}
	page, err := f.Store.Timeline(tb.Context(), id, porting.TimelineQuery{Kind: porting.TimelineComments, Limit: porting.MaxPageSize})
	require.NoError(tb, err)
	require.GreaterOrEqual(tb, len(page.Entries), len(contents), what)
	stored := page.Entries[len(page.Entries)-len(contents):]
	for i, c := range contents {
		require.Equal(tb, c, stored[i].Comment.Body, "%s: comment %d stored otherwise than sent", what, i)
	}
}

// draftWorld is a Telnyx handler over a fixture with a draft (filled
// in, so that it may be submitted) and a submitted port request, both the
// customer's and each with a sub request per carrier.
type draftWorld struct {
	e           *telnyxtest.Env
	draft, port *porting.PortRequest
	snap        fuzzSnapshot
}

// newDraftWorld builds a draftWorld.
func newDraftWorld(tb testing.TB) *draftWorld {
	tb.Helper()
	e := telnyxtest.Setup(tb)
	draft, err := e.F.Service.CreateDraft(e.F.AsCustomer(), e.F.Customer.ID, []string{"+12025550100", "+13125354200"})
	require.NoError(tb, err)
	draft = e.F.FillSubRequests(tb, draft.ID)
	port := e.Submitted(tb, "+12025550110", "+13125354210")
	return &draftWorld{e: e, draft: draft, port: port, snap: fuzzTake(tb, e.F, draft.ID, port.ID)}
}

// writeRoute is a write FuzzTelnyxBody makes: its method and path,
// and where the write reads back (empty: the path itself).
type writeRoute struct{ method, path, back string }

// routes returns the writes FuzzTelnyxBody makes, by the route byte
// modulo their number; the byte divided by it picks the caller (even: the
// customer, odd: the port authority).
func (w *draftWorld) routes() []writeRoute {
	draftSub := "/draft_port_requests/" + w.draft.ID + "/sub_requests/" + w.draft.SubRequests[0].ID
	portSub := "/port_requests/" + w.port.ID + "/sub_requests/" + w.port.SubRequests[0].ID
	return []writeRoute{
		{"PUT", draftSub, draftSub},
		{"PUT", portSub, portSub},
		{"POST", "/port_requests/" + w.port.ID + "/comments", "/port_requests/" + w.port.ID + "/comments"},
		{"POST", "/draft_port_requests", "/draft_port_requests/{id}"},
		{"POST", "/draft_port_requests/" + w.draft.ID + "/submit", "/draft_port_requests/" + w.draft.ID},
		{"POST", portSub + "/request_cancellation", portSub},
	}
}

// plainSubRequestFields are the sub request fields a PUT stores as sent
// (none is checked or normalised), null when empty.
var plainSubRequestFields = []string{
	"person_or_company_name", "auth_person_name", "street_address", "extended_address", "locality",
	"postal_code", "pin_passcode", "account_number", "tax_identifier", "business_identifier", "description",
	"default_connection_id", "default_message_profile_id",
}

// FuzzTelnyxBody sends arbitrary bodies to the Telnyx writes: PUT a draft
// sub request and a port request's sub request, POST comments, POST
// draft_port_requests, POST submit and POST request_cancellation, as the
// customer and as the port authority. Never a 5xx nor a panic; a refusal
// is a 4xx with a message and errors, and leaves the store as it was; an
// accepted write reads back as it was answered, with the strings it set.
func FuzzTelnyxBody(f *testing.F) {
	sub := func(fields map[string]any) string {
		b, err := json.Marshal(fields)
		if err != nil {
			panic(err) // a seed's own value
		}
		return string(b)
	}
	for _, s := range []struct {
		route uint8
		body  string
	}{
		{0, sub(telnyxtest.Realistic)},
		{0, `{"person_or_company_name":"Acme","auth_person_name":null,"locality":""}`},
		{0, `{"foc_date_requested_by_user":"2026-03-05"}`},
		{0, `{"foc_date_requested_by_user":"2026-03-05T16:00"}`},
		{0, `{"foc_date_requested_by_user":"2026-03-05T16:00:00+99:00"}`},
		{0, `{"foc_date_requested_by_user":"0000-01-01T00:00:00Z"}`},
		{0, `{"foc_date_requested_by_user":"9999-12-31T23:59:59.999999999Z"}`},
		{0, `{"foc_date_requested_by_user":""}`},
		{0, `{"foc_date_requested_by_user":1}`},
		{0, `{"porting_option":null}`},
		{0, `{"porting_option":{"type":"partial","remaining_numbers":["+12025550199","x"],"new_billing_phone_number":"+12025550100"}}`},
		{0, `{"porting_option":{"type":"sideways"}}`},
		{0, `{"porting_option":[]}`},
		{0, `{"customer_rating":5}`},
		{0, `{"customer_rating":1e400}`},
		{0, `{"customer_rating":"5"}`},
		{0, `{"customer_rating":-0.5}`},
		{0, `{"billing_phone_number":"(202) 555-0100","country_code":"us","administrative_area":"dc"}`},
		{0, `{"billing_phone_number":"abc","country_code":"ZZ","administrative_area":"D.C."}`},
		{0, `{"street_address":"` + strings.Repeat("a", 257) + `"}`},
		{0, `{"street_address":"\u0000","locality":"` + "\xff" + `","postal_code":"\ud800"}`},
		{0, `{"pin_passcode":"1234","pin_passcode":"5678"}`},
		{0, `{"Pin_Passcode":"1234"}`},
		{0, `{"id":"forged","status":"completed","complete":true}`},
		{0, `{}`},
		{0, `[]`},
		{0, `null`},
		{0, ``},
		{0, `{"description":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`},
		{0, `{"description":"x"} trailing`},
		{1, `{"description":"office","default_connection_id":"c"}`},
		{1, `{"person_or_company_name":"too late"}`},
		{1, `{"customer_rating":4,"customer_rating_comment":"early"}`},
		{2, `{"body":"Please port on Friday"}`},
		{2, `{"body":"on a sub request","sub_request_id":null}`},
		{2, `{"body":"x","sub_request_id":"nope"}`},
		{2, `{"body":"   "}`},
		{2, `{"body":"` + strings.Repeat("ß", 10001) + `"}`},
		{2, `{"body":1}`},
		{2, `{"body":"\u0000"}`},
		{2, `{"body":"` + "\xed\xa0\x80" + `"}`},
		{3, `{"phone_numbers":[{"phone_number":"+12025550120"},{"phone_number":"+14155550120"}]}`},
		{3, `{"phone_numbers":[{"phone_number":"+12025550100"}]}`},
		{3, `{"phone_numbers":[{"phone_number":"+12025550121"},{"phone_number":"(202) 555-0121"}]}`},
		{3, `{"phone_numbers":[]}`},
		{3, `{"phone_numbers":[{"phone_number":"` + "\x00" + `"}]}`},
		{4, ``},
		{4, `{"accept_charges":true}`},
		{4, `{"accept_charges":"yes"}`},
		{5, ``},
		{5, `{"reason":"changed my mind"}`},
		{5, `{"reason":7}`},
		{6, `{"description":"by the authority"}`},
		{8, `{"body":"from the authority"}`},
		{9, `{"phone_numbers":[{"phone_number":"+12025550122"}]}`},
	} {
		f.Add(s.route, []byte(s.body))
	}
	bed := newFuzzBed(f, newDraftWorld)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		w := bed.get(t)
		routes := w.routes()
		rt := routes[int(route)%len(routes)]
		token := apitest.CustomerToken
		if int(route)/len(routes)%2 == 1 {
			token = apitest.AuthorityToken
		}
		hdr := http.Header{"Authorization": {"Token " + token}, "Content-Type": {"application/json"}}
		rec := fuzzServe(w.e.H, rt.method, w.e.Prefix+rt.path, "", hdr, bytes.NewReader(body))
		what := fmt.Sprintf("%s %s %q", rt.method, rt.path, body)
		telnyxtest.CheckAnswer(t, rec, what)
		if rec.Code >= http.StatusBadRequest {
			w.snap.requireUnchanged(t, w.e.F, what)
			return
		}
		bed.changed()
		if len(bytes.TrimSpace(body)) > 0 { // submit and request_cancellation need none
			require.True(t, json.Valid(body), "%s: accepted a body that is not JSON", what)
		}
		var answer any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &answer), what)
		if one, ok := answer.([]any); ok && len(one) == 1 {
			answer = one[0] // a sub request, in an array as the document shows
		}
		obj, ok := answer.(map[string]any)
		require.True(t, ok, "%s: answered no object: %s", what, rec.Body)
		backPath := strings.Replace(rt.back, "{id}", fmt.Sprint(obj["id"]), 1)
		backRec := fuzzServe(w.e.H, "GET", w.e.Prefix+backPath, "", http.Header{"Authorization": {"Token " + token}}, nil)
		telnyxtest.CheckAnswer(t, backRec, what+": read back")
		require.Equal(t, http.StatusOK, backRec.Code, "%s: read back: %s", what, backRec.Body)
		var back any
		require.NoError(t, json.Unmarshal(backRec.Body.Bytes(), &back), what)
		list, _ := back.([]any)
		switch {
		case strings.HasSuffix(rt.path, "/comments"):
			require.Contains(t, list, answer, "%s: the comment added is not listed", what)
			var in struct {
				Body string `json:"body"`
			}
			require.NoError(t, json.Unmarshal(body, &in), what)
			require.Equal(t, strings.TrimSpace(in.Body), obj["body"], "%s: comment stored otherwise than sent", what)
			return
		case len(list) == 1:
			back = list[0]
		}
		require.Equal(t, answer, back, "%s: read back otherwise than answered", what)
		if rt.method != "PUT" {
			return
		}
		var in map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(body, &in), what)
		for _, k := range plainSubRequestFields {
			raw, ok := in[k]
			if !ok {
				continue
			}
			var want any
			if s, _ := fuzzString(raw); s != "" {
				want = s
			}
			require.Equal(t, want, obj[k], "%s: %s stored otherwise than sent", what, k)
		}
	})
}
