package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// accessHook is an endpoint that keeps the bodies it gets.
type accessHook struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newAccessHook(t *testing.T) *accessHook {
	h := &accessHook{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *accessHook) got() [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.bodies)
}

// What each account's webhook receives, delivered for real: the events
// of the requests the account reaches (its own and, with descendants,
// its sub-accounts'; another account's never), private comments only
// when it is their port authority, and never a PIN or an account number.
// Each row is a webhook; every account has requests with private
// comments, PINs and account numbers, in several states.
func TestAccessWebhookDeliveries(t *testing.T) {
	w := newAccessWorld(t)
	rows := []struct {
		name        string
		account     string
		descendants bool
		reaches     []string // accounts whose requests it receives
		private     bool     // receives the private comments of those
	}{
		{"authority, with descendants", "authority", true, []string{"authority", "customer", "sub"}, true},
		{"authority, own only", "authority", false, []string{"authority"}, true},
		{"owner, with descendants", "customer", true, []string{"customer", "sub"}, false},
		{"owner, own only", "customer", false, []string{"customer"}, false},
		{"sub-account", "sub", true, []string{"sub"}, false},
		{"unrelated account", "other", true, []string{"other"}, false},
	}
	hooks := make([]*accessHook, len(rows))
	for i, row := range rows {
		hooks[i] = newAccessHook(t)
		_, err := w.f.Service.CreateSubscription(accessActor(row.account), row.account, porting.SubscriptionInput{
			URL: hooks[i].srv.URL, Enabled: true, Descendants: row.descendants})
		require.NoError(t, err)
	}
	// Every account's requests: private comments (of the authority, or of
	// the system for "other"), public ones, PINs, account numbers.
	byAccount := map[string][]string{}
	for _, acct := range []string{"authority", "customer", "sub", "other"} {
		for _, st := range []porting.State{porting.StateUnconfirmed, porting.StateSubmitted, porting.StateCompleted} {
			byAccount[acct] = append(byAccount[acct], w.targetOf(t, acct, st).ID)
		}
	}

	// What each row must receive, by the rule, from the event log.
	var events []porting.Event
	for after := uint64(0); ; {
		es, err := w.f.Service.Events(porting.AsSystem(t.Context()), after, 1000)
		require.NoError(t, err)
		if len(es) == 0 {
			break
		}
		events = append(events, es...)
		after = es[len(es)-1].Seq
	}
	want := make([]map[string]bool, len(rows))
	for i, row := range rows {
		want[i] = map[string]bool{}
		for _, e := range events {
			if !slices.Contains(row.reaches, e.AccountID) || (e.Comment != nil && e.Comment.Private && !row.private) {
				continue
			}
			want[i][e.ID] = true
		}
		require.NotEmpty(t, want[i], row.name)
	}

	d := webhook.New(w.f.Service, w.f.Store, webhook.Options{AllowPrivate: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Poll: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	for i, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			deadline := time.Now().Add(20 * time.Second)
			for len(hooks[i].got()) < len(want[i]) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(20 * time.Millisecond) // nothing more comes
			got := map[string]bool{}
			sawPrivate := false
			for _, body := range hooks[i].got() {
				s := string(body)
				accessRequireAbsent(t, s, accessPIN, "a PIN reached the webhook of "+row.account)
				accessRequireAbsent(t, s, accessAccountNumber, "an account number reached the webhook of "+row.account)
				if !row.private {
					accessRequireAbsent(t, s, accessPrivateBody, "a private comment reached the webhook of "+row.account)
				}
				sawPrivate = sawPrivate || strings.Contains(s, accessPrivateBody)
				var m porting.Message
				require.NoError(t, json.Unmarshal(body, &m))
				require.Contains(t, row.reaches, m.Data.AccountID, "an event of another account's request")
				require.Contains(t, m.Data.AccountPath, row.account)
				require.False(t, got[m.ID], "message %s twice", m.ID)
				got[m.ID] = true
			}
			require.Equal(t, want[i], got, "every event the account may see, and nothing else")
			require.Equal(t, row.private, sawPrivate, "private comments reach port authorities only")
		})
	}
}
