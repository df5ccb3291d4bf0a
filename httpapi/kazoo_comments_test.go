package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Comments: one or several at once, private ones for the port authority.
func TestKazooComments(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	path := func(acct string) string { return kazooURL(acct, "port_requests/"+id+"/comments") }

	r := e.do("GET", customerToken, path("customer"), nil)
	r.ok(http.StatusOK, customerToken)
	require.JSONEq(t, `[]`, string(r.Env.Data))

	e.f.Clock.Advance(time.Minute)
	r = e.do("PUT", customerToken, path("customer"), `{"data":{"content":"Is the bill attached?","action_required":true,"author":"forged","timestamp":1}}`)
	r.ok(http.StatusCreated, customerToken)
	cs := r.list()
	require.Len(t, cs, 1)
	require.Regexp(t, kazooHex32, cs[0]["id"])
	delete(cs[0], "id")
	require.Equal(t, map[string]any{
		"author": "Customer User", "content": "Is the bill attached?", "timestamp": kazooG(kazooEpoch.Add(time.Minute)),
		"account_id": "customer", "user_id": "customer-user", "is_private": false, "action_required": true,
	}, cs[0])
	require.Regexp(t, `^2-`, r.revision())

	e.f.Clock.Advance(time.Minute)
	r = e.do("PUT", authorityToken, path("authority"), `{"data":{"comments":[
		{"content":"CSR name differs","is_private":true},
		{"content":"We will check the name"}]}}`)
	r.ok(http.StatusCreated, authorityToken)
	require.Equal(t, []string{"Is the bill attached?", "CSR name differs", "We will check the name"}, stringsAt(r.list(), "content"))
	require.Equal(t, true, r.list()[1]["is_private"])
	require.Equal(t, "Authority User", r.list()[1]["author"])

	t.Run("private comments hidden from the customer", func(t *testing.T) {
		r := e.do("GET", customerToken, path("customer"), nil)
		r.ok(http.StatusOK, customerToken)
		require.Equal(t, []string{"Is the bill attached?", "We will check the name"}, stringsAt(r.list(), "content"))
		r = e.do("GET", authorityToken, path("customer"), nil)
		require.Equal(t, []string{"Is the bill attached?", "CSR name differs", "We will check the name"}, stringsAt(r.list(), "content"))
	})
	t.Run("only the authority writes private comments", func(t *testing.T) {
		r := e.do("PUT", customerToken, path("customer"), `{"data":{"content":"psst","is_private":true}}`)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.obj(), "is_private")
	})
	t.Run("content is required", func(t *testing.T) {
		r := e.do("PUT", customerToken, path("customer"), `{"data":{"comments":[{"content":"ok"},{"content":"  "}]}}`)
		r.failed(http.StatusBadRequest, "comments[1].content is required")
		r = e.do("PUT", customerToken, path("customer"), `{"data":{"comments":[]}}`)
		r.failed(http.StatusBadRequest, "")
		r = e.do("PUT", customerToken, path("customer"), `{"data":{"content":"x","is_private":"yes"}}`)
		r.failed(http.StatusBadRequest, "is_private must be a boolean")
		got, err := e.f.Service.Comments(e.f.AsAuthority(), id)
		require.NoError(t, err)
		require.Len(t, got, 3, "nothing added")
	})
}

// The timeline: transitions and comments sorted by time.
func TestKazooTimeline(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	url := func(acct, rest string) string { return kazooURL(acct, "port_requests/"+id+rest) }
	step := func(token, acct, method, rest, body string) {
		e.f.Clock.Advance(time.Minute)
		r := e.do(method, token, url(acct, rest), body)
		require.Less(t, r.Code, 300, "%s", r.Body)
	}
	step(customerToken, "customer", "PUT", "/comments", `{"data":{"content":"ready"}}`)
	step(customerToken, "customer", "PATCH", "/submitted?reason=go", "")
	step(authorityToken, "authority", "PUT", "/comments", `{"data":{"content":"internal","is_private":true}}`)
	step(authorityToken, "authority", "PATCH", "/pending", `{"data":{"reason":"sent to the carrier"}}`)

	r := e.do("GET", authorityToken, url("authority", "/timeline"), nil)
	r.ok(http.StatusOK, authorityToken)
	tl := r.list()
	require.Len(t, tl, 4)
	g := func(m int) float64 { return kazooG(kazooEpoch.Add(time.Duration(m) * time.Minute)) }
	require.Equal(t, "comment", tl[0]["type"])
	require.Equal(t, g(1), tl[0]["timestamp"])
	require.Equal(t, "ready", tl[0]["comment"].(map[string]any)["content"])
	require.Equal(t, map[string]any{
		"timestamp": g(2), "type": "transition", "reason": "go",
		"transition": map[string]any{"previous": "unconfirmed", "new": "submitted"},
		"authorization": map[string]any{
			"account": map[string]any{"id": "customer", "name": "Customer"},
			"user":    map[string]any{"id": "customer-user", "name": "Customer User"},
		},
	}, tl[1])
	require.Equal(t, "internal", tl[2]["comment"].(map[string]any)["content"])
	require.Equal(t, map[string]any{"previous": "submitted", "new": "pending"}, tl[3]["transition"])
	require.Equal(t, "sent to the carrier", tl[3]["reason"])
	require.Equal(t, map[string]any{"id": "authority", "name": "Port Authority"},
		tl[3]["authorization"].(map[string]any)["account"])

	r = e.do("GET", customerToken, url("customer", "/timeline"), nil)
	r.ok(http.StatusOK, customerToken)
	tl = r.list()
	require.Len(t, tl, 3, "no private comment")
	require.Equal(t, []any{"comment", "transition", "transition"}, []any{tl[0]["type"], tl[1]["type"], tl[2]["type"]})
	require.Equal(t, map[string]any{"id": "authority"}, tl[2]["authorization"].(map[string]any)["account"],
		"the name of an account the caller cannot reach is not shown")
}
