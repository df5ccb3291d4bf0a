package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/portkit/portkit/webhook"
)

// lockedBuffer is a bytes.Buffer for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// post sends body to h signed with secret at time at, under id.
func post(t *testing.T, h http.Handler, secret, id string, at time.Time, body string) int {
	t.Helper()
	hdr, err := webhook.Sign(secret, id, at, []byte(body))
	require.NoError(t, err)
	req := httptest.NewRequest("POST", "/", strings.NewReader(body))
	for k, v := range hdr {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// The receiver accepts a signed message once, however often it comes,
// and refuses what is not signed with its secret, or too old.
func TestReceiver(t *testing.T) {
	secret := porting.NewSecret()
	var out lockedBuffer
	rc := newReceiver(secret, &out)
	now := time.Now()
	msg := `{"id":"ev1","type":"port_request.transitioned","timestamp":"2026-03-02T14:00:00Z",
		"data":{"request_id":"r1","account_id":"a1","previous_state":"unconfirmed","state":"submitted"}}`
	require.Equal(t, http.StatusNoContent, post(t, rc, secret, "ev1", now, msg))
	require.Equal(t, http.StatusNoContent, post(t, rc, secret, "ev1", now.Add(time.Second), msg), "a duplicate is accepted")
	require.Equal(t, 1, strings.Count(out.String(), "\n"), "and handled once: %s", out.String())
	require.Contains(t, out.String(), "port_request.transitioned request=r1 account=a1 state=unconfirmed->submitted")

	require.Equal(t, http.StatusUnauthorized, post(t, rc, porting.NewSecret(), "ev2", now, msg), "another secret")
	require.Equal(t, http.StatusUnauthorized, post(t, rc, secret, "ev3", now.Add(-time.Hour), msg), "too old")
	require.Equal(t, http.StatusBadRequest, post(t, rc, secret, "ev4", now, "[1,2]"))
	rec := httptest.NewRecorder()
	rc.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	require.Equal(t, 1, strings.Count(out.String(), "\n"))

	s := newSeenIDs(2)
	require.True(t, s.add("a"))
	require.True(t, s.add("b"))
	require.False(t, s.add("a"))
	require.True(t, s.add("c"))
	require.True(t, s.add("a"), "the oldest is forgotten past max")
}

// The receiver, run as a program, gets the deliveries of a real
// dispatcher.
func TestReceiverGetsDeliveries(t *testing.T) {
	// The receiver checks timestamps against its own clock: the Service
	// runs on real time.
	f := portingtest.New(t, func(o *porting.Options) { o.Clock = porting.ClockFunc(func() time.Time { return time.Now().UTC() }) })
	secret := porting.NewSecret()
	var out lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-secret", secret}, &out, &out, func(a string) { addr <- a })
	}()
	url := "http://" + <-addr + "/"

	_, err := f.Service.CreateSubscription(f.AsCustomer(), f.Customer.ID, porting.SubscriptionInput{URL: url, Secret: secret, Enabled: true})
	require.NoError(t, err)
	d := webhook.New(f.Service, f.Store, webhook.Options{AllowPrivate: true, Poll: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	dctx, dcancel := context.WithCancel(context.Background())
	ddone := make(chan struct{})
	go func() { _ = d.Run(dctx); close(ddone) }()
	defer func() { dcancel(); <-ddone }()

	r := f.Create(t, "+12025550100")
	f.Move(t, r.ID, porting.StateSubmitted)
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(out.String(), "\n") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	require.Contains(t, out.String(), "port_request.created request="+r.ID)
	require.Contains(t, out.String(), "port_request.transitioned request="+r.ID+" account=customer state=unconfirmed->submitted")
	cancel()
	require.NoError(t, <-done)

	require.Error(t, run(context.Background(), []string{"-secret", "nope"}, &out, &out, nil))
}
