package kazoo_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/porting"
	"github.com/stretchr/testify/require"
)

// The document's state PATCHes, from unconfirmed to completed, with
// charges to accept on submission.
func TestLifecycle(t *testing.T) {
	e := kazootest.Setup(t)
	e.F.Charges.PerNumber = 10
	patch := func(token, id, rest string, body any) *kazootest.Resp {
		return e.Do("PATCH", token, kazootest.URL("customer", "port_requests/"+id+"/"+rest), body)
	}

	t.Run("charges have to be accepted", func(t *testing.T) {
		id := e.Create("Porting 202.555.9001", "+12025559001")
		r := patch(apitest.CustomerToken, id, "submitted", nil)
		r.Failed(http.StatusPaymentRequired, "accept charges")
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
			id := e.Create("Porting", "+1202555905"+strconv.Itoa(i))
			r := patch(apitest.CustomerToken, id, "submitted"+tc.query, tc.body)
			r.OK(http.StatusOK, apitest.CustomerToken)
			d := r.Obj()
			require.Equal(t, "submitted", d["port_state"])
			require.Equal(t, false, d["sent"])
			require.Regexp(t, `^2-[0-9a-f]{32}$`, r.Revision())
			ids = append(ids, id)
		})
	}
	require.Len(t, ids, 3)
	id := ids[0]

	t.Run("pending is for the port authority", func(t *testing.T) {
		patch(apitest.CustomerToken, id, "pending", nil).Failed(http.StatusForbidden, "forbidden")
	})
	e.F.Clock.Advance(time.Hour)
	r := patch(apitest.AuthorityToken, id, "pending?reason=sent+to+carrier", `{"data":{"reference_number":"LC-1234"}}`)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	d := r.Obj()
	require.Equal(t, "pending", d["port_state"])
	require.Equal(t, "LC-1234", d["reference_number"])
	require.Equal(t, "Porting", d["name"], "the merge keeps the other fields")

	t.Run("fields that cannot change in pending", func(t *testing.T) {
		r := patch(apitest.AuthorityToken, id, "scheduled", `{"data":{"name":"renamed","scheduled_date":63900000000}}`)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"pending": map[string]any{"type": map[string]any{
			"cause": "pending", "message": "Updating port requests not allowed in current port state"}}}, r.Obj())
	})
	t.Run("a bad time zone or date", func(t *testing.T) {
		r := patch(apitest.AuthorityToken, id, "scheduled", `{"data":{"schedule_on":{"date_time":"2026-03-10 09:30","timezone":"Mars/Olympus"}}}`)
		r.Failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "Mars/Olympus")
		r = patch(apitest.AuthorityToken, id, "scheduled", `{"data":{"schedule_on":{"date_time":"10/03/2026","timezone":"America/New_York"}}}`)
		r.Failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "10/03/2026")
		r = patch(apitest.AuthorityToken, id, "scheduled", `{"data":{"scheduled_date":"soon"}}`)
		r.Failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "scheduled_date")
	})
	t.Run("scheduled needs a date", func(t *testing.T) {
		r := patch(apitest.AuthorityToken, id, "scheduled", nil)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.Obj(), "scheduled_date")
	})

	r = patch(apitest.AuthorityToken, id, "scheduled", `{"data":{"schedule_on":{"date_time":"2026-03-10 09:30","timezone":"America/New_York"}}}`)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	d = r.Obj()
	require.Equal(t, "scheduled", d["port_state"])
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	want := time.Date(2026, 3, 10, 9, 30, 0, 0, ny)
	require.Equal(t, kazootest.Gregorian(want), d["scheduled_date"])
	require.Equal(t, kazootest.Gregorian(time.Date(2026, 3, 10, 13, 30, 0, 0, time.UTC)), d["scheduled_date"], "EDT is UTC-4")

	r = patch(apitest.AuthorityToken, id, "completed", nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	require.Equal(t, "completed", r.Obj()["port_state"])
	charged := e.F.Charges.Charged()
	require.Len(t, charged, 1)
	require.Equal(t, []string{"+12025559050"}, charged[0].Numbers)

	t.Run("target state illegal given current state", func(t *testing.T) {
		r := patch(apitest.AuthorityToken, id, "pending", nil)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"port_state": map[string]any{"enum": map[string]any{
			"cause": "pending", "message": "Cannot move to new state from current state"}}}, r.Obj())
	})
	t.Run("scheduled_date in Gregorian seconds", func(t *testing.T) {
		id := ids[1]
		patch(apitest.AuthorityToken, id, "pending", nil).OK(http.StatusOK, apitest.AuthorityToken)
		g := kazootest.Gregorian(time.Date(2026, 3, 12, 15, 0, 0, 0, time.UTC))
		r := patch(apitest.AuthorityToken, id, "scheduled", `{"data":{"scheduled_date":`+strconv.FormatInt(int64(g), 10)+`}}`)
		r.OK(http.StatusOK, apitest.AuthorityToken)
		require.Equal(t, g, r.Obj()["scheduled_date"])
	})
}

// Rejected, fixed, resubmitted.
func TestRejectAndResubmit(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	path := func(rest string) string { return kazootest.URL("customer", "port_requests/"+id+rest) }
	e.Do("PATCH", apitest.CustomerToken, path("/submitted"), nil).OK(http.StatusOK, apitest.CustomerToken)

	t.Run("PATCH of fields refused in submitted", func(t *testing.T) {
		r := e.Do("PATCH", apitest.CustomerToken, path(""), `{"data":{"name":"renamed"}}`)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"submitted": map[string]any{"type": map[string]any{
			"cause": "submitted", "message": "Updating port requests not allowed in current port state"}}}, r.Obj())
		r = e.Do("POST", apitest.CustomerToken, path(""), `{"data":{"name":"renamed","numbers":{"+12025559000":{}}}}`)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.Obj(), "submitted")
	})
	t.Run("delete refused in submitted", func(t *testing.T) {
		e.Do("DELETE", apitest.CustomerToken, path(""), nil).Failed(http.StatusMethodNotAllowed, "delete not allowed in port state submitted")
	})

	r := e.Do("PATCH", apitest.AuthorityToken, path("/rejected?reason=name+does+not+match+the+CSR"), nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	require.Equal(t, "rejected", r.Obj()["port_state"])

	r = e.Do("PATCH", apitest.CustomerToken, path(""), `{"data":{"bill":{"name":"Jane Doe"}}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, map[string]any{"name": "Jane Doe"}, r.Obj()["bill"])

	r = e.Do("PATCH", apitest.CustomerToken, path("/submitted"), `{"data":{"reason":"fixed the name"}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, "submitted", r.Obj()["port_state"])

	got, err := e.F.Service.Timeline(e.F.AsAuthority(), id, porting.TimelineQuery{Kind: porting.TimelineTransitions})
	require.NoError(t, err)
	require.Len(t, got.Entries, 3)
	require.Equal(t, "name does not match the CSR", got.Entries[1].Transition.Reason)
	require.Equal(t, "fixed the name", got.Entries[2].Transition.Reason)
}

// The document's "Cancel a port".
func TestCancel(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	r := e.Do("PATCH", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+"/canceled"), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	d := r.Obj()
	require.Equal(t, "canceled", d["port_state"])
	require.Equal(t, id, d["id"])
	require.Equal(t, map[string]any{kazootest.Phone: map[string]any{}}, d["numbers"])

	// A canceled request frees its number and may be deleted.
	e.Create("Again", kazootest.Phone)
	e.Do("DELETE", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id), nil).OK(http.StatusOK, apitest.CustomerToken)
}

// If-Match: a write on a stale revision is 409.
func TestIfMatch(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	path := kazootest.URL("customer", "port_requests/"+id)
	rev1 := e.Do("GET", apitest.CustomerToken, path, nil).Revision()
	edit := func(ifMatch string) *kazootest.Resp {
		return e.Send(kazootest.Req{Method: "POST", Path: path, Token: apitest.CustomerToken,
			Body:   strings.NewReader(`{"data":{"name":"edited","numbers":{"+12025559000":{}}}}`),
			Header: map[string]string{"If-Match": ifMatch}})
	}
	r := edit(rev1)
	r.OK(http.StatusOK, apitest.CustomerToken)
	rev2 := r.Revision()

	edit(rev1).Failed(http.StatusConflict, "conflict")
	edit("1").Failed(http.StatusConflict, "conflict")
	edit(`"`+rev1+`"`).Failed(http.StatusConflict, "conflict")
	edit("2-00000000000000000000000000000000").Failed(http.StatusConflict, "conflict")
	edit("two").Failed(http.StatusBadRequest, "")
	edit(`"`+rev2+`"`).OK(http.StatusOK, apitest.CustomerToken)
	edit("3").OK(http.StatusOK, apitest.CustomerToken)

	for _, req := range []kazootest.Req{
		{Method: "PATCH", Path: path, Body: strings.NewReader(`{"data":{"name":"x"}}`)},
		{Method: "PATCH", Path: path + "/submitted"},
		{Method: "DELETE", Path: path},
		{Method: "PUT", Path: path + "/comments", Body: strings.NewReader(`{"data":{"content":"hi"}}`)},
		{Method: "PUT", Path: path + "/attachments?filename=a.pdf", Body: strings.NewReader("%PDF"),
			Header: map[string]string{"Content-Type": "application/pdf"}},
	} {
		req.Token = apitest.CustomerToken
		if req.Header == nil {
			req.Header = map[string]string{}
		}
		req.Header["If-Match"] = rev2
		e.Send(req).Failed(http.StatusConflict, "conflict")
	}
	r = e.Do("GET", apitest.CustomerToken, path, nil)
	require.Equal(t, "edited", r.Obj()["name"])
	require.Regexp(t, `^4-`, r.Revision())
}
