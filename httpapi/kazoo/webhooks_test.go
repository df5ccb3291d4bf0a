package kazoo_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// stubTester answers every test delivery with its attempt.
type stubTester struct{ a porting.Attempt }

func (s stubTester) Test(context.Context, *porting.Subscription) (porting.Attempt, error) {
	return s.a, nil
}

// port_webhooks: create (the secret shown once more on a GET of one,
// never in the listing), replace, merge, delete, with revisions; bad
// input names the field; a webhook is found only under its own account.
func TestWebhooks(t *testing.T) {
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	e := kazootest.Setup(t, func(o *kazoo.Options) {
		o.Webhooks = stubTester{porting.Attempt{At: at, StatusCode: 204, Duration: 12 * time.Millisecond}}
	})
	list := kazootest.URL("customer", "port_webhooks")
	r := e.Do("PUT", apitest.CustomerToken, list, `{"data":{"url":"https://hooks.example.net/ports","event_types":["port_request.transitioned"],"descendants":true,"description":"billing"}}`)
	r.OK(http.StatusCreated, apitest.CustomerToken)
	w := r.Obj()
	id := w["id"].(string)
	require.Regexp(t, kazootest.Hex32, id)
	secret := w["secret"].(string)
	require.True(t, strings.HasPrefix(secret, "whsec_"))
	require.Equal(t, map[string]any{
		"id": id, "account_id": "customer", "url": "https://hooks.example.net/ports", "descendants": true,
		"enabled": true, "event_types": []any{"port_request.transitioned"}, "description": "billing", "secret": secret,
		"created": kazootest.Gregorian(e.F.Clock.Now()), "updated": kazootest.Gregorian(e.F.Clock.Now()),
	}, w)
	require.Regexp(t, `^1-`, r.Revision())

	one := kazootest.URL("customer", "port_webhooks/"+id)
	r = e.Do("GET", apitest.AuthorityToken, kazootest.URL("customer", "port_webhooks/"+id), nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	require.Equal(t, secret, r.Obj()["secret"])
	r = e.Do("GET", apitest.CustomerToken, list, nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Len(t, r.List(), 1)
	require.NotContains(t, string(r.Env.Data), secret, "a listing shows no secret")

	// Under another account (the authority's own), it is not found.
	e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "port_webhooks/"+id), nil).Failed(http.StatusNotFound, "bad identifier")
	e.Do("GET", apitest.OtherToken, kazootest.URL("other", "port_webhooks/"+id), nil).Failed(http.StatusNotFound, "bad identifier")
	e.Do("GET", apitest.OtherToken, one, nil).Failed(http.StatusForbidden, "forbidden")

	// PATCH merges; POST replaces (enabled unless sent); both keep the
	// secret unless one is sent.
	r = e.Send(kazootest.Req{Method: "PATCH", Token: apitest.CustomerToken, Path: one, Body: strings.NewReader(`{"data":{"enabled":false}}`)})
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, false, r.Obj()["enabled"])
	require.Equal(t, []any{"port_request.transitioned"}, r.Obj()["event_types"])
	require.Equal(t, secret, r.Obj()["secret"])
	r = e.Do("POST", apitest.CustomerToken, one, `{"data":{"url":"https://hooks.example.net/v2"}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, true, r.Obj()["enabled"])
	require.Equal(t, []any{}, r.Obj()["event_types"], "every type")
	require.Equal(t, false, r.Obj()["descendants"])
	require.Equal(t, secret, r.Obj()["secret"])
	rev := r.Revision()
	require.Regexp(t, `^3-`, rev)
	e.Send(kazootest.Req{Method: "POST", Token: apitest.CustomerToken, Path: one, Body: strings.NewReader(`{"data":{"url":"https://x.example.net"}}`),
		Header: map[string]string{"If-Match": "2"}}).Failed(http.StatusConflict, "conflict")

	for body, field := range map[string]string{
		`{"data":{"url":"ftp://x"}}`: "url",
		`{"data":{"url":""}}`:        "url",
		`{"data":{"url":"https://x.example.net","event_types":["eaten"]}}`: "event_types",
		`{"data":{"url":"https://x.example.net","event_types":"all"}}`:     "event_types",
		`{"data":{"url":"https://x.example.net","secret":"hunter2"}}`:      "secret",
		`{"data":{"url":"https://x.example.net","enabled":"yes"}}`:         "enabled",
	} {
		r := e.Do("PUT", apitest.CustomerToken, list, body)
		require.Equal(t, http.StatusBadRequest, r.Code, "%s: %s", body, r.Body)
		require.Contains(t, string(r.Env.Data), `"`+field+`"`, body)
	}

	// The test route answers the attempt.
	r = e.Do("POST", apitest.CustomerToken, one+"/test", nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, map[string]any{"delivered": true, "attempt": map[string]any{
		"timestamp": kazootest.Gregorian(at), "status_code": float64(204), "duration_ms": float64(12)}}, r.Obj())

	r = e.Do("DELETE", apitest.CustomerToken, one, nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.NotContains(t, string(r.Env.Data), secret)
	e.Do("GET", apitest.CustomerToken, one, nil).Failed(http.StatusNotFound, "bad identifier")
}

// The deliveries of a webhook, with their attempts, and a replay.
func TestWebhookDeliveries(t *testing.T) {
	e := kazootest.Setup(t)
	s, err := e.F.Service.CreateSubscription(e.F.AsCustomer(), "customer", porting.SubscriptionInput{URL: "https://hooks.example.net", Enabled: true})
	require.NoError(t, err)
	now := e.F.Clock.Now()
	d := &porting.Delivery{Stream: s.ID, Seq: 7, ID: "msg-7", EventType: porting.EventCreated, RequestID: "req-1",
		Payload: []byte(`{"id":"msg-7"}`), Created: now, Updated: now}
	require.NoError(t, e.F.Store.Enqueue(context.Background(), s.ID, 0, 7, []*porting.Delivery{d}))
	d.AddAttempt(porting.Attempt{At: now, StatusCode: 500, Error: "HTTP 500", Duration: 3 * time.Millisecond})
	d.Status = porting.DeliveryFailed
	require.NoError(t, e.F.Store.UpdateDeliveries(context.Background(), []*porting.Delivery{d}))

	path := kazootest.URL("customer", "port_webhooks/"+s.ID+"/deliveries")
	r := e.Do("GET", apitest.CustomerToken, path+"?status=failed", nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, []map[string]any{{
		"id": "msg-7", "seq": float64(7), "event_type": "port_request.created", "request_id": "req-1", "status": "failed",
		"attempt_count": float64(1), "created": kazootest.Gregorian(now), "updated": kazootest.Gregorian(now),
		"payload":  map[string]any{"id": "msg-7"},
		"attempts": []any{map[string]any{"timestamp": kazootest.Gregorian(now), "status_code": float64(500), "error": "HTTP 500", "duration_ms": float64(3)}},
	}}, r.List())
	r = e.Do("GET", apitest.CustomerToken, path+"?status=lost", nil)
	require.Equal(t, http.StatusBadRequest, r.Code)
	r = e.Do("GET", apitest.CustomerToken, path+"?status=pending", nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Empty(t, r.List())

	r = e.Do("POST", apitest.CustomerToken, path+"/msg-7/replay", nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, "pending", r.Obj()["status"])
	r = e.Do("POST", apitest.CustomerToken, path+"/msg-7/replay", nil)
	require.Equal(t, http.StatusBadRequest, r.Code, "a pending delivery is not replayed: %s", r.Body)
	e.Do("POST", apitest.CustomerToken, path+"/msg-none/replay", nil).Failed(http.StatusNotFound, "bad identifier")

	// Without a tester, the test route is not implemented.
	e.Do("POST", apitest.CustomerToken, kazootest.URL("customer", "port_webhooks/"+s.ID+"/test"), nil).
		Failed(http.StatusNotImplemented, "webhook deliveries are not configured")
}

// Two PATCHes of different fields of a webhook at once, without
// If-Match: each merges over the webhook as the other left it, so
// neither change is lost.
func TestWebhookConcurrentPatches(t *testing.T) {
	e := kazootest.Setup(t)
	s, err := e.F.Service.CreateSubscription(e.F.AsCustomer(), "customer", porting.SubscriptionInput{URL: "https://hooks.example.net", Enabled: true})
	require.NoError(t, err)
	one := kazootest.URL("customer", "port_webhooks/"+s.ID)
	for round := range 40 {
		bodies := []string{
			fmt.Sprintf(`{"data":{"description":"round %d"}}`, round),
			fmt.Sprintf(`{"data":{"url":"https://hooks.example.net/%d"}}`, round),
		}
		codes := portingtest.Race(2, func(i int) int {
			return e.Send(kazootest.Req{Method: "PATCH", Token: apitest.CustomerToken, Path: one, Body: strings.NewReader(bodies[i])}).Code
		})
		require.Equal(t, []int{http.StatusOK, http.StatusOK}, codes)
		r := e.Do("GET", apitest.CustomerToken, one, nil)
		r.OK(http.StatusOK, apitest.CustomerToken)
		require.Equal(t, fmt.Sprintf("round %d", round), r.Obj()["description"], "round %d: the description's PATCH lost", round)
		require.Equal(t, fmt.Sprintf("https://hooks.example.net/%d", round), r.Obj()["url"], "round %d: the URL's PATCH lost", round)
	}
}
