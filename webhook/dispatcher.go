package webhook

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/portkit/portkit/porting"
)

// Options configure a Dispatcher. The zero value of every field selects
// its default.
type Options struct {
	// Holder names this process in the streams' leases. Default: the
	// host name and a random suffix.
	Holder string
	// LeaseTTL is how long a lease lasts unless renewed (it is renewed
	// every third of it): how soon another process takes a stream over
	// once this one died. Default 30 seconds.
	LeaseTTL time.Duration
	// Poll is how often the dispatcher looks for what this process did
	// not write itself (new subscriptions and events of other processes,
	// replays) and renews its leases. Default 1 second.
	Poll time.Duration
	// Schedule is the retry schedule: the wait after each failed attempt.
	// After the last, a delivery is failed. Default DefaultSchedule.
	Schedule []time.Duration
	// Jitter spreads each wait by up to this fraction either way: 0.2
	// makes a 10-minute wait 8 to 12 minutes. Default DefaultJitter; a
	// negative value turns it off.
	Jitter float64
	// Rand returns numbers in [0, 1) for the jitter. Default math/rand.
	Rand func() float64
	// ConnectTimeout bounds connecting (TCP, then TLS). Default 5
	// seconds.
	ConnectTimeout time.Duration
	// Timeout bounds a whole attempt, from connecting to the end of the
	// answer. Default 15 seconds.
	Timeout time.Duration
	// MaxResponse is how much of an answer is read (the rest is not).
	// Default 4 KiB.
	MaxResponse int64
	// AllowPrivate allows deliveries to loopback, link-local, private and
	// other non-public addresses (tests, on-premise endpoints).
	AllowPrivate bool
	// Transport, when set, carries the deliveries instead of the
	// dispatcher's own (which has the connect timeout and the address
	// guard): for tests.
	Transport http.RoundTripper
	// Clock tells the time and times the retry schedule. Default: the
	// Service's clock. A porting.Timer (portingtest.Clock) drives the
	// schedule's waits.
	Clock porting.Clock
	// Retention is how long a delivery that is over (delivered or
	// failed) is kept. Default 7 days.
	Retention time.Duration
	// MaxPending caps a stream's pending deliveries: past it the stream
	// reads no further into the event log until some are over, so a dead
	// endpoint's backlog stays in the log. Default 10,000.
	MaxPending int
	// Batch is how many events a stream reads at a time. Default 256.
	Batch int
	// HandOff delivers the hand-off stream: each request submitted under
	// an account with a submission URL (porting.Account.SubmissionURL) is
	// POSTed to that URL and, once accepted, marked sent (see handoff.go).
	HandOff bool
	// HandOffBody renders a request for the hand-off. Default: its JSON
	// in porting's own form.
	HandOffBody func(r *porting.PortRequest) ([]byte, error)
	// HandOffSecret, when set, signs hand-offs as webhooks are signed.
	HandOffSecret string
	// ShutdownTimeout bounds what a worker writes once Run's context has
	// ended: its results not yet written and the release of its lease
	// (a result lost is attempted again; a lease not released runs out).
	// Default 5 seconds.
	ShutdownTimeout time.Duration
	// UserAgent is sent with every delivery. Default "portkit-webhook/1".
	UserAgent string
	// Logger receives the dispatcher's log lines. Default slog.Default().
	Logger *slog.Logger
}

// Defaults for Options.
const (
	DefaultLeaseTTL       = 30 * time.Second
	DefaultPoll           = time.Second
	DefaultConnectTimeout = 5 * time.Second
	DefaultTimeout        = 15 * time.Second
	DefaultMaxResponse    = 4 << 10
	DefaultRetention      = 7 * 24 * time.Hour
	DefaultMaxPending     = 10_000
	DefaultBatch          = 256
	DefaultShutdown       = 5 * time.Second
)

// TestEvent is the type of the message a test delivery sends.
const TestEvent porting.EventType = "webhook.test"

// HandOffStream is the system stream of the hand-off of submitted
// requests.
var HandOffStream = porting.SystemStream("handoff")

// Dispatcher delivers the event log to every subscription, and hands
// submitted requests off. Run it in every process that shares the store:
// each stream is delivered by one of them at a time (the holder of its
// lease), and taken over by another when that one dies.
type Dispatcher struct {
	svc    *porting.Service
	store  porting.SubscriptionStore
	opt    Options
	client *http.Client
	msgs   *messageCache

	mu      sync.Mutex
	workers map[string]*worker // running, by stream
	wg      sync.WaitGroup
	randMu  sync.Mutex
}

// New returns a dispatcher over svc, whose store is store (the Service's
// own, which must implement porting.SubscriptionStore).
func New(svc *porting.Service, store porting.SubscriptionStore, opt Options) *Dispatcher {
	if opt.Holder == "" {
		host, _ := os.Hostname()
		opt.Holder = host + "/" + randomID(6)
	}
	if opt.LeaseTTL <= 0 {
		opt.LeaseTTL = DefaultLeaseTTL
	}
	if opt.Poll <= 0 {
		opt.Poll = DefaultPoll
	}
	if opt.Schedule == nil {
		opt.Schedule = DefaultSchedule
	}
	switch {
	case opt.Jitter == 0:
		opt.Jitter = DefaultJitter
	case opt.Jitter < 0:
		opt.Jitter = 0
	}
	if opt.Rand == nil {
		opt.Rand = mrand.Float64
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = DefaultConnectTimeout
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxResponse <= 0 {
		opt.MaxResponse = DefaultMaxResponse
	}
	if opt.Clock == nil {
		opt.Clock = svc.Options().Clock
	}
	if opt.Retention <= 0 {
		opt.Retention = DefaultRetention
	}
	if opt.MaxPending <= 0 {
		opt.MaxPending = DefaultMaxPending
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
	}
	if opt.HandOffBody == nil {
		opt.HandOffBody = func(r *porting.PortRequest) ([]byte, error) { return json.Marshal(r) }
	}
	if opt.ShutdownTimeout <= 0 {
		opt.ShutdownTimeout = DefaultShutdown
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "portkit-webhook/1"
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	tr := opt.Transport
	if tr == nil {
		tr = newTransport(opt.ConnectTimeout, opt.AllowPrivate)
	}
	return &Dispatcher{
		svc: svc, store: store, opt: opt, msgs: newMessageCache(4096), workers: map[string]*worker{},
		client: &http.Client{
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// now is the dispatcher's time.
func (d *Dispatcher) now() time.Time { return d.opt.Clock.Now().UTC() }

// rand returns a number in [0, 1) for the jitter.
func (d *Dispatcher) rand() float64 {
	d.randMu.Lock()
	defer d.randMu.Unlock()
	return d.opt.Rand()
}

// minReconcile spaces the looks at the subscriptions that writes of this
// process prompt (every write closes Service.Written).
const minReconcile = 200 * time.Millisecond

// Run delivers until ctx ends: it starts a worker for every enabled
// subscription (and the hand-off stream, with Options.HandOff) and
// stops the workers of subscriptions deleted or disabled. Each worker
// delivers its stream while it holds the stream's lease. Run returns
// ctx's error once every worker has stopped and given its lease up.
func (d *Dispatcher) Run(ctx context.Context) error {
	ctx = porting.AsSystem(ctx)
	poll := time.NewTicker(d.opt.Poll)
	defer poll.Stop()
	defer d.stopAll()
	for {
		wake := d.svc.Written()
		if err := d.reconcile(ctx); err != nil && ctx.Err() == nil {
			d.opt.Logger.Error("webhook: listing subscriptions", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-poll.C:
		case <-wake:
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(minReconcile):
			}
		}
	}
}

// reconcile starts the workers of the streams to deliver that have none,
// and stops those of streams no longer to deliver.
func (d *Dispatcher) reconcile(ctx context.Context) error {
	subs, err := d.store.Subscriptions(ctx, "")
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, s := range subs {
		if s.Enabled {
			want[s.ID] = true
		}
	}
	if d.opt.HandOff {
		want[HandOffStream] = true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for stream, w := range d.workers {
		if !want[stream] {
			w.cancel()
		}
	}
	for stream := range want {
		if _, ok := d.workers[stream]; !ok {
			d.start(ctx, stream)
		}
	}
	return nil
}

// start runs a worker for stream; d.mu is held.
func (d *Dispatcher) start(ctx context.Context, stream string) {
	wctx, cancel := context.WithCancel(ctx)
	w := &worker{d: d, stream: stream, handoff: stream == HandOffStream, cancel: cancel}
	d.workers[stream] = w
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer func() {
			d.mu.Lock()
			if d.workers[stream] == w {
				delete(d.workers, stream)
			}
			d.mu.Unlock()
			cancel()
		}()
		w.run(wctx)
	}()
}

// stopAll stops every worker and waits for them.
func (d *Dispatcher) stopAll() {
	d.mu.Lock()
	for _, w := range d.workers {
		w.cancel()
	}
	d.mu.Unlock()
	d.wg.Wait()
}

// Test sends a test message to a subscription's endpoint now, signed with
// its secret, and returns the attempt. It is not recorded. The caller
// checks that the subscription is one the actor reaches (Service.
// Subscription does).
func (d *Dispatcher) Test(ctx context.Context, sub *porting.Subscription) (porting.Attempt, error) {
	now := d.now()
	m := map[string]any{
		"id": "test_" + randomID(12), "type": TestEvent, "timestamp": now,
		"data": map[string]any{"subscription_id": sub.ID, "account_id": sub.AccountID},
	}
	body, err := json.Marshal(m)
	if err != nil {
		return porting.Attempt{}, err
	}
	h, err := Sign(sub.Secret, m["id"].(string), now, body)
	if err != nil {
		return porting.Attempt{}, err
	}
	return d.post(ctx, sub.URL, h, "application/json", body), nil
}

// errStop ends a worker's session: it lost its lease, or its stream is
// gone.
var errStop = errors.New("webhook: session over")

func randomID(n int) string {
	b := make([]byte, n)
	if _, err := crand.Read(b); err != nil {
		panic(fmt.Sprintf("webhook: crypto/rand: %v", err))
	}
	return hex.EncodeToString(b)
}
