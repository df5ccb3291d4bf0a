package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/portkit/portkit/webhook"
)

// quiet is the logger of dispatchers under test.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// received is one delivery as a receiver got it.
type received struct {
	Path      string
	ID        string
	Timestamp string
	Header    http.Header
	Body      []byte
	Msg       porting.Message
	// Verified reports whether the signature checked out with the
	// receiver's secret.
	Verified bool
}

// receiver is an HTTP endpoint on loopback that records what it gets and
// answers with its behaviour (200 by default).
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret string
	now    func() time.Time // the clock signatures are checked against

	mu     sync.Mutex
	got    []received
	answer func(w http.ResponseWriter, r *http.Request) // nil: 200
}

// newReceiver starts a receiver; secret verifies what it gets (none:
// not verified).
func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	secret, answer, now := rc.secret, rc.answer, rc.now
	g := received{Path: r.URL.Path, ID: r.Header.Get("webhook-id"), Timestamp: r.Header.Get("webhook-timestamp"),
		Header: r.Header.Clone(), Body: body}
	if secret != "" {
		g.Verified = webhook.Verifier{Secret: secret, Now: now}.Verify(r.Header, body) == nil
	}
	_ = json.Unmarshal(body, &g.Msg)
	rc.got = append(rc.got, g)
	rc.mu.Unlock()
	if answer != nil {
		answer(w, r)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// setAnswer sets the receiver's behaviour.
func (rc *receiver) setAnswer(f func(w http.ResponseWriter, r *http.Request)) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.answer = f
}

// received returns what the receiver got so far.
func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// count returns how many deliveries the receiver got.
func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}

// world is a fixture (memory store, test clock) with "sub", a
// sub-account of the customer, and "other", an unrelated root.
type world struct {
	t *testing.T
	f *portingtest.Fixture
}

func newWorld(t *testing.T) *world {
	f := portingtest.New(t, func(o *porting.Options) { o.Logger = quiet })
	sys := porting.AsSystem(context.Background())
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "sub", Name: "Sub", ParentID: f.Customer.ID}))
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "other", Name: "Other"}))
	return &world{t: t, f: f}
}

// as acts as a user of account.
func as(account string) context.Context {
	return porting.WithActor(context.Background(), porting.Actor{AccountID: account, UserID: account + "-user", Name: account})
}

// subscribe makes a subscription of account to rc (all event types,
// with descendants) and tells rc its secret.
func (w *world) subscribe(account string, rc *receiver, edit ...func(*porting.SubscriptionInput)) *porting.Subscription {
	w.t.Helper()
	in := porting.SubscriptionInput{URL: rc.srv.URL + "/hook/" + account, Enabled: true, Descendants: true}
	for _, e := range edit {
		e(&in)
	}
	s, err := w.f.Service.CreateSubscription(as(account), account, in)
	require.NoError(w.t, err)
	rc.mu.Lock()
	rc.secret, rc.now = s.Secret, w.f.Clock.Now
	rc.mu.Unlock()
	return s
}

// run starts a dispatcher over the world's store, stopped when the test
// ends.
func (w *world) run(opt webhook.Options) *webhook.Dispatcher {
	w.t.Helper()
	if opt.Logger == nil {
		opt.Logger = quiet
	}
	if opt.Poll == 0 {
		opt.Poll = 20 * time.Millisecond
	}
	opt.AllowPrivate = true
	d := webhook.New(w.f.Service, w.f.Store, opt)
	runTillEnd(w.t, d)
	return d
}

// runTillEnd runs d until the test ends.
func runTillEnd(t *testing.T, d *webhook.Dispatcher) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.ErrorIs(t, err, context.Canceled)
		case <-time.After(20 * time.Second):
			t.Error("the dispatcher did not stop")
		}
	})
}

// waitFor polls cond until it holds, failing the test after 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// deliveries returns every delivery of a subscription, newest first.
func (w *world) deliveries(sub string, status porting.DeliveryStatus) []*porting.Delivery {
	w.t.Helper()
	page, err := w.f.Service.SubscriptionDeliveries(porting.AsSystem(context.Background()), sub,
		porting.DeliveryQuery{Status: status, Limit: porting.MaxPageSize})
	require.NoError(w.t, err)
	return page.Deliveries
}
