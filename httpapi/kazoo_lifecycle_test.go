package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The document's state PATCHes, from unconfirmed to completed, with
// charges to accept on submission.
func TestKazooLifecycle(t *testing.T) {
	e := kazooSetup(t)
	e.f.Charges.PerNumber = 10
	patch := func(token, id, rest string, body any) *kazooResp {
		return e.do("PATCH", token, kazooURL("customer", "port_requests/"+id+"/"+rest), body)
	}

	t.Run("charges have to be accepted", func(t *testing.T) {
		id := e.create("Porting 202.555.9001", "+12025559001")
		r := patch(customerToken, id, "submitted", nil)
		r.failed(http.StatusPaymentRequired, "accept charges")
		require.JSONEq(t, `{"activation_charges": 10.0, "number_services": {"port": {"activation_charges": 10.0}}}`,
			string(r.Env.Data))
	})
	var ids []string
	for i, tc := range []struct {
		name, query string
		body        any
	}{
		{"in the body", "", `{"data":{"accept_charges":true}}`},
		{"in the query", "?accept_charges=true", nil},
		{"in the envelope", "", `{"data":{},"accept_charges":true}`},
	} {
		t.Run("accept_charges "+tc.name, func(t *testing.T) {
			id := e.create("Porting", "+1202555905"+strconv.Itoa(i))
			r := patch(customerToken, id, "submitted"+tc.query, tc.body)
			r.ok(http.StatusOK, customerToken)
			d := r.obj()
			require.Equal(t, "submitted", d["port_state"])
			require.Equal(t, false, d["sent"])
			require.Regexp(t, `^2-[0-9a-f]{32}$`, r.revision())
			ids = append(ids, id)
		})
	}
	require.Len(t, ids, 3)
	id := ids[0]

	t.Run("pending is for the port authority", func(t *testing.T) {
		patch(customerToken, id, "pending", nil).failed(http.StatusForbidden, "forbidden")
	})
	e.f.Clock.Advance(time.Hour)
	r := patch(authorityToken, id, "pending?reason=sent+to+carrier", `{"data":{"reference_number":"LC-1234"}}`)
	r.ok(http.StatusOK, authorityToken)
	d := r.obj()
	require.Equal(t, "pending", d["port_state"])
	require.Equal(t, "LC-1234", d["reference_number"])
	require.Equal(t, "Porting", d["name"], "the merge keeps the other fields")

	t.Run("fields that cannot change in pending", func(t *testing.T) {
		r := patch(authorityToken, id, "scheduled", `{"data":{"name":"renamed","scheduled_date":63900000000}}`)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"pending": map[string]any{"type": map[string]any{
			"cause": "pending", "message": "Updating port requests not allowed in current port state"}}}, r.obj())
	})
	t.Run("a bad time zone or date", func(t *testing.T) {
		r := patch(authorityToken, id, "scheduled", `{"data":{"schedule_on":{"date_time":"2026-03-10 09:30","timezone":"Mars/Olympus"}}}`)
		r.failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "Mars/Olympus")
		r = patch(authorityToken, id, "scheduled", `{"data":{"schedule_on":{"date_time":"10/03/2026","timezone":"America/New_York"}}}`)
		r.failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "10/03/2026")
		r = patch(authorityToken, id, "scheduled", `{"data":{"scheduled_date":"soon"}}`)
		r.failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "scheduled_date")
	})
	t.Run("scheduled needs a date", func(t *testing.T) {
		r := patch(authorityToken, id, "scheduled", nil)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.obj(), "scheduled_date")
	})

	r = patch(authorityToken, id, "scheduled", `{"data":{"schedule_on":{"date_time":"2026-03-10 09:30","timezone":"America/New_York"}}}`)
	r.ok(http.StatusOK, authorityToken)
	d = r.obj()
	require.Equal(t, "scheduled", d["port_state"])
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	want := time.Date(2026, 3, 10, 9, 30, 0, 0, ny)
	require.Equal(t, kazooG(want), d["scheduled_date"])
	require.Equal(t, kazooG(time.Date(2026, 3, 10, 13, 30, 0, 0, time.UTC)), d["scheduled_date"], "EDT is UTC-4")

	r = patch(authorityToken, id, "completed", nil)
	r.ok(http.StatusOK, authorityToken)
	require.Equal(t, "completed", r.obj()["port_state"])
	charged := e.f.Charges.Charged()
	require.Len(t, charged, 1)
	require.Equal(t, []string{"+12025559050"}, charged[0].Numbers)

	t.Run("target state illegal given current state", func(t *testing.T) {
		r := patch(authorityToken, id, "pending", nil)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"port_state": map[string]any{"enum": map[string]any{
			"cause": "pending", "message": "Cannot move to new state from current state"}}}, r.obj())
	})
	t.Run("scheduled_date in Gregorian seconds", func(t *testing.T) {
		id := ids[1]
		patch(authorityToken, id, "pending", nil).ok(http.StatusOK, authorityToken)
		g := kazooG(time.Date(2026, 3, 12, 15, 0, 0, 0, time.UTC))
		r := patch(authorityToken, id, "scheduled", `{"data":{"scheduled_date":`+strconv.FormatInt(int64(g), 10)+`}}`)
		r.ok(http.StatusOK, authorityToken)
		require.Equal(t, g, r.obj()["scheduled_date"])
	})
}

// Rejected, fixed, resubmitted.
func TestKazooRejectAndResubmit(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	path := func(rest string) string { return kazooURL("customer", "port_requests/"+id+rest) }
	e.do("PATCH", customerToken, path("/submitted"), nil).ok(http.StatusOK, customerToken)

	t.Run("PATCH of fields refused in submitted", func(t *testing.T) {
		r := e.do("PATCH", customerToken, path(""), `{"data":{"name":"renamed"}}`)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"submitted": map[string]any{"type": map[string]any{
			"cause": "submitted", "message": "Updating port requests not allowed in current port state"}}}, r.obj())
		r = e.do("POST", customerToken, path(""), `{"data":{"name":"renamed","numbers":{"+12025559000":{}}}}`)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.obj(), "submitted")
	})
	t.Run("delete refused in submitted", func(t *testing.T) {
		e.do("DELETE", customerToken, path(""), nil).failed(http.StatusMethodNotAllowed, "delete not allowed in port state submitted")
	})

	r := e.do("PATCH", authorityToken, path("/rejected?reason=name+does+not+match+the+CSR"), nil)
	r.ok(http.StatusOK, authorityToken)
	require.Equal(t, "rejected", r.obj()["port_state"])

	r = e.do("PATCH", customerToken, path(""), `{"data":{"bill":{"name":"Jane Doe"}}}`)
	r.ok(http.StatusOK, customerToken)
	require.Equal(t, map[string]any{"name": "Jane Doe"}, r.obj()["bill"])

	r = e.do("PATCH", customerToken, path("/submitted"), `{"data":{"reason":"fixed the name"}}`)
	r.ok(http.StatusOK, customerToken)
	require.Equal(t, "submitted", r.obj()["port_state"])

	got, err := e.f.Service.Get(e.f.AsAuthority(), id)
	require.NoError(t, err)
	require.Len(t, got.Transitions, 3)
	require.Equal(t, "name does not match the CSR", got.Transitions[1].Reason)
	require.Equal(t, "fixed the name", got.Transitions[2].Reason)
}

// The document's "Cancel a port".
func TestKazooCancel(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	r := e.do("PATCH", customerToken, kazooURL("customer", "port_requests/"+id+"/canceled"), nil)
	r.ok(http.StatusOK, customerToken)
	d := r.obj()
	require.Equal(t, "canceled", d["port_state"])
	require.Equal(t, id, d["id"])
	require.Equal(t, map[string]any{kazooPhone: map[string]any{}}, d["numbers"])

	// A canceled request frees its number and may be deleted.
	e.create("Again", kazooPhone)
	e.do("DELETE", customerToken, kazooURL("customer", "port_requests/"+id), nil).ok(http.StatusOK, customerToken)
}

// If-Match: a write on a stale revision is 409.
func TestKazooIfMatch(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	path := kazooURL("customer", "port_requests/"+id)
	rev1 := e.do("GET", customerToken, path, nil).revision()
	edit := func(ifMatch string) *kazooResp {
		return e.send(kazooReq{method: "POST", path: path, token: customerToken,
			body:   strings.NewReader(`{"data":{"name":"edited","numbers":{"+12025559000":{}}}}`),
			header: map[string]string{"If-Match": ifMatch}})
	}
	r := edit(rev1)
	r.ok(http.StatusOK, customerToken)
	rev2 := r.revision()

	edit(rev1).failed(http.StatusConflict, "conflict")
	edit("1").failed(http.StatusConflict, "conflict")
	edit(`"`+rev1+`"`).failed(http.StatusConflict, "conflict")
	edit("2-00000000000000000000000000000000").failed(http.StatusConflict, "conflict")
	edit("two").failed(http.StatusBadRequest, "")
	edit(`"`+rev2+`"`).ok(http.StatusOK, customerToken)
	edit("3").ok(http.StatusOK, customerToken)

	for _, req := range []kazooReq{
		{method: "PATCH", path: path, body: strings.NewReader(`{"data":{"name":"x"}}`)},
		{method: "PATCH", path: path + "/submitted"},
		{method: "DELETE", path: path},
		{method: "PUT", path: path + "/comments", body: strings.NewReader(`{"data":{"content":"hi"}}`)},
		{method: "PUT", path: path + "/attachments?filename=a.pdf", body: strings.NewReader("%PDF"),
			header: map[string]string{"Content-Type": "application/pdf"}},
	} {
		req.token = customerToken
		if req.header == nil {
			req.header = map[string]string{}
		}
		req.header["If-Match"] = rev2
		e.send(req).failed(http.StatusConflict, "conflict")
	}
	r = e.do("GET", customerToken, path, nil)
	require.Equal(t, "edited", r.obj()["name"])
	require.Regexp(t, `^4-`, r.revision())
}
