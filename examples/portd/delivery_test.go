package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/internal/smtptest"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// hookSink records what an endpoint on loopback gets.
type hookSink struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []hookPost
}

type hookPost struct {
	path   string
	header http.Header
	body   []byte
}

func newHookSink(t *testing.T) *hookSink {
	s := &hookSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.got = append(s.got, hookPost{r.URL.Path, r.Header.Clone(), b})
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *hookSink) posts() []hookPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hookPost(nil), s.got...)
}

// waitUntil polls cond for up to 20 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// portd with the tenants file declaring a webhook, a submission URL and
// a port authority's email, and an SMTP relay: submitting a request
// delivers signed webhooks, hands the request off (Kazoo's document, then
// sent is true) and emails the authority; the webhook declared is
// managed over HTTP like any other.
func TestDelivery(t *testing.T) {
	hooks, handoff := newHookSink(t), newHookSink(t)
	relay := smtptest.Start(t)
	secret := porting.NewSecret()
	tenants := map[string]any{"accounts": []map[string]any{{
		"id": "master", "name": "Master", "port_authority": true, "tokens": []string{"master-token"},
		"email": "ports@master.example.net", "submission_url": handoff.srv.URL + "/submitted",
		"webhooks": []map[string]any{{"url": hooks.srv.URL + "/hook", "descendants": true, "secret": secret}},
	}}}
	b, err := json.Marshal(tenants)
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, "tenants.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	s := start(t, "-data", filepath.Join(dir, "data"), "-tenants", path, "-webhooks-allow-private", "-webhook-poll", "50ms",
		"-smtp-relay", relay.Addr, "-smtp-from", "Porting <noreply@example.net>")
	s.account, s.token = "master", "master-token"

	code, out := s.kazoo(t, "PUT", "", `{"data":{"name":"Acme","numbers":{"+12025550100":{}},"bill":{"name":"Acme","pin":"1357"}}}`)
	require.Equal(t, http.StatusCreated, code, "%v", out)
	id := data(out)["id"].(string)
	code, out = s.kazoo(t, "PATCH", "/"+id+"/submitted", "")
	require.Equal(t, http.StatusOK, code, "%v", out)

	waitUntil(t, "sent", func() bool {
		_, out := s.kazoo(t, "GET", "/"+id, "")
		return data(out)["sent"] == true
	})
	posts := handoff.posts()
	require.NotEmpty(t, posts)
	require.Equal(t, "/submitted/"+id, posts[0].path)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(posts[0].body, &doc))
	require.Equal(t, "submitted", doc["port_state"], "Kazoo's document")
	require.Equal(t, "1357", doc["bill"].(map[string]any)["pin"], "the processor gets the PIN")

	waitUntil(t, "webhooks", func() bool { return len(hooks.posts()) >= 3 }) // created, transitioned, sent
	var types []string
	for _, p := range hooks.posts() {
		require.Equal(t, "/hook", p.path)
		require.NoError(t, webhook.Verify(secret, p.header, p.body))
		require.NotContains(t, string(p.body), "1357", "no PIN in a webhook")
		var m porting.Message
		require.NoError(t, json.Unmarshal(p.body, &m))
		types = append(types, string(m.Type))
	}
	require.Equal(t, []string{"port_request.created", "port_request.transitioned", "port_request.sent"}, types[:3])

	waitUntil(t, "the email", func() bool { return len(relay.Messages()) >= 1 })
	msg := relay.Messages()[0]
	require.Equal(t, []string{"ports@master.example.net"}, msg.To)
	require.Contains(t, string(msg.Data), "X-Portkit-Notification: port_request")

	// The declared webhook is the account's, over HTTP.
	code, listed, raw := s.call(t, "GET", "/v2/accounts/master/port_webhooks", map[string]string{"X-Auth-Token": "master-token"}, "")
	require.Equal(t, http.StatusOK, code, "%s", raw)
	list := listed["data"].([]any)
	require.Len(t, list, 1)
	hook := list[0].(map[string]any)
	require.Equal(t, hooks.srv.URL+"/hook", hook["url"])
	code, out, raw = s.call(t, "POST", "/v2/accounts/master/port_webhooks/"+hook["id"].(string)+"/test",
		map[string]string{"X-Auth-Token": "master-token"}, "")
	require.Equal(t, http.StatusOK, code, "%s", raw)
	require.Equal(t, true, data(out)["delivered"])
	code, out, _ = s.call(t, "GET", "/v2/accounts/master/port_webhooks/"+hook["id"].(string)+"/deliveries",
		map[string]string{"X-Auth-Token": "master-token"}, "")
	require.Equal(t, http.StatusOK, code)
	require.GreaterOrEqual(t, len(out["data"].([]any)), 3)
	require.NoError(t, s.stop())

	// A restart keeps the declared webhook as it is (one, same secret).
	s = start(t, "-data", filepath.Join(dir, "data"), "-tenants", path, "-webhooks-allow-private")
	code, listed, _ = s.call(t, "GET", "/v2/accounts/master/port_webhooks", map[string]string{"X-Auth-Token": "master-token"}, "")
	require.Equal(t, http.StatusOK, code)
	require.Len(t, listed["data"].([]any), 1)
	require.True(t, strings.HasPrefix(secret, "whsec_"))
}

func TestDeliveryFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-webhook-schedule", "5s,soon"},
		{"-webhook-schedule", "-1s"},
		{"-webhook-poll", "0s"},
		{"-smtp-relay", "127.0.0.1:25"},
	} {
		_, err := parseFlags(args, io.Discard)
		require.Error(t, err, "%v", args)
	}
	c, err := parseFlags([]string{"-webhook-schedule", "1s, 2m,3h"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, []time.Duration{time.Second, 2 * time.Minute, 3 * time.Hour}, c.delivery.schedule)
}
