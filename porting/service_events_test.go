package porting_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

// svEventLog reads the events written since the last call.
type svEventLog struct {
	t    *testing.T
	f    *portingtest.Fixture
	last uint64
}

func (l *svEventLog) next() []porting.Event {
	l.t.Helper()
	es, err := l.f.Service.Events(porting.AsSystem(l.t.Context()), l.last, 1000)
	require.NoError(l.t, err)
	for _, e := range es {
		require.Greater(l.t, e.Seq, l.last, "events come in Seq order")
		l.last = e.Seq
	}
	return es
}

func TestServiceEveryWriteIsAnEvent(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	log := &svEventLog{t: t, f: f}
	customer := porting.Actor{AccountID: f.Customer.ID, UserID: "customer-user", Name: "Customer User"}
	authority := porting.Actor{AccountID: f.Authority.ID, UserID: "authority-user", Name: "Authority User"}

	// Create.
	r := f.Create(t, svOther1)
	es := log.next()
	require.Len(t, es, 1)
	e := es[0]
	require.Equal(t, porting.EventCreated, e.Type)
	require.Regexp(t, svID, e.ID)
	require.Equal(t, r.ID, e.RequestID)
	require.Equal(t, f.Customer.ID, e.AccountID)
	require.Equal(t, customer, e.Actor)
	require.Equal(t, f.Clock.Now(), e.At)
	require.Equal(t, porting.StateUnconfirmed, e.State)
	sub := r.SubRequests[0].ID

	// A failed write writes nothing.
	in := r.Input()
	in.Name = ""
	_, err := f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	require.Error(t, err)
	_, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StatePending, porting.TransitionOptions{})
	require.Error(t, err)
	require.Empty(t, log.next())

	f.Clock.Advance(time.Minute)
	in.Name = "renamed"
	_, err = f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	require.NoError(t, err)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventUpdated}, svTypes(es))
	require.Equal(t, f.Clock.Now(), es[0].At)

	_, err = f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{Description: svStr("x")})
	require.NoError(t, err)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventSubRequestUpdated}, svTypes(es))
	require.Equal(t, sub, es[0].SubRequestID)

	c, err := addComment(f.Service, f.AsAuthority(), r.ID, porting.CommentInput{Body: "hi", Private: true})
	require.NoError(t, err)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventCommentAdded}, svTypes(es))
	require.Equal(t, &c, es[0].Comment, "events carry private comments: they are for the system")
	require.Equal(t, authority, es[0].Actor)

	_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{Name: "loa", ContentType: "application/pdf", Body: svBody("x")})
	require.NoError(t, err)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventAttachmentAdded}, svTypes(es))
	require.Equal(t, "loa.pdf", es[0].Attachment)
	_, err = f.Service.DeleteAttachment(f.AsCustomer(), r.ID, "loa.pdf", 0)
	require.NoError(t, err)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventAttachmentDeleted}, svTypes(es))
	require.Equal(t, "loa.pdf", es[0].Attachment)

	in.SigneeName = "Jane"
	_, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{Input: &in, Reason: "go"})
	require.NoError(t, err)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventUpdated, porting.EventTransitioned}, svTypes(es), "one write, both events")
	require.Equal(t, porting.StateSubmitted, es[1].State)
	require.Equal(t, &porting.Transition{At: f.Clock.Now(), From: porting.StateUnconfirmed, To: porting.StateSubmitted,
		Reason: "go", Actor: customer}, es[1].Transition)

	_, err = f.Service.MarkSent(f.AsAuthority(), r.ID, 0)
	require.NoError(t, err)
	require.Equal(t, []porting.EventType{porting.EventSent}, svTypes(log.next()))

	f.Move(t, r.ID, porting.StatePending)
	f.Move(t, r.ID, porting.StateScheduled)
	require.Len(t, log.next(), 2)
	f.Move(t, r.ID, porting.StateCompleted)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventTransitioned}, svTypes(es))
	require.Equal(t, porting.StateCompleted, es[0].State)
	require.Equal(t, []string{svOther1}, es[0].Numbers)

	// Cancellation of each sub request is an event; so is a delete.
	svCarriers(f)
	r2 := f.Create(t, svAlpha1, svBeta1)
	log.next()
	r2, err = f.Service.RequestCancellation(f.AsCustomer(), r2.ID, "", 0, "")
	require.NoError(t, err)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventTransitioned, porting.EventTransitioned}, svTypes(es))
	require.ElementsMatch(t, []string{r2.SubRequests[0].ID, r2.SubRequests[1].ID}, []string{es[0].SubRequestID, es[1].SubRequestID})
	require.Equal(t, porting.StateCanceled, es[1].State)
	_, err = f.Service.Delete(f.AsCustomer(), r2.ID, 0)
	require.NoError(t, err)
	es = log.next()
	require.Equal(t, []porting.EventType{porting.EventDeleted}, svTypes(es))
	require.Equal(t, r2.ID, es[0].RequestID)

	// The log is the system's.
	_, err = f.Service.Events(f.AsAuthority(), 0, 10)
	require.ErrorIs(t, err, porting.ErrForbidden)
}

// svRecorder is an EventHandler that records what it gets and can be told
// to fail on an event.
type svRecorder struct {
	mu     sync.Mutex
	got    []porting.Event
	failOn func(porting.Event) bool
}

func (h *svRecorder) HandleEvent(_ context.Context, e porting.Event) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failOn != nil && h.failOn(e) {
		h.failOn = nil // fail once
		return errors.New("handler down")
	}
	h.got = append(h.got, e)
	return nil
}

func (h *svRecorder) seqs() []uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]uint64, len(h.got))
	for i, e := range h.got {
		out[i] = e.Seq
	}
	return out
}

func TestServiceDeliverEvents(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	sys := porting.AsSystem(t.Context())
	log := &svEventLog{t: t, f: f}

	r := f.Create(t, svOther1)
	f.Move(t, r.ID, porting.StateSubmitted)
	_, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "x"})
	require.NoError(t, err)
	all := log.next()
	require.Len(t, all, 3)
	seqs := func(es []porting.Event) []uint64 {
		out := make([]uint64, len(es))
		for i, e := range es {
			out[i] = e.Seq
		}
		return out
	}

	a := &svRecorder{}
	n, err := f.Service.DeliverEvents(sys, "a", a)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, all, a.got, "in order, each once")
	cursor, err := f.Store.EventCursor(t.Context(), "a")
	require.NoError(t, err)
	require.Equal(t, all[2].Seq, cursor)

	n, err = f.Service.DeliverEvents(sys, "a", a)
	require.NoError(t, err)
	require.Zero(t, n, "nothing new")

	// A handler error stops delivery; the event comes again next time.
	for range 3 {
		_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "more"})
		require.NoError(t, err)
	}
	more := log.next()
	require.Len(t, more, 3)
	a.failOn = func(e porting.Event) bool { return e.Seq == more[1].Seq }
	n, err = f.Service.DeliverEvents(sys, "a", a)
	require.Error(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, seqs(append(all, more[0])), a.seqs())
	n, err = f.Service.DeliverEvents(sys, "a", a)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, seqs(append(all, more...)), a.seqs())

	// A second consumer has its own cursor.
	b := &svRecorder{}
	n, err = f.Service.DeliverEvents(sys, "b", b)
	require.NoError(t, err)
	require.Equal(t, 6, n)
	require.Equal(t, a.got, b.got)

	// Delivery is for the system.
	_, err = f.Service.DeliverEvents(f.AsAuthority(), "c", &svRecorder{})
	require.ErrorIs(t, err, porting.ErrForbidden)
	_, err = f.Service.DeliverEvents(t.Context(), "c", &svRecorder{})
	require.ErrorIs(t, err, porting.ErrForbidden)
}

func TestServiceWatchEvents(t *testing.T) {
	t.Parallel()
	quiet := func(o *porting.Options) { o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) }
	f := portingtest.New(t, quiet)
	r := f.Create(t, svOther1)

	events := make(chan porting.Event, 100)
	failed := make(chan struct{})
	var once sync.Once
	handler := porting.EventHandlerFunc(func(_ context.Context, e porting.Event) error {
		if e.Type == porting.EventCommentAdded && e.Comment.Body == "flaky" {
			fail := false
			once.Do(func() { fail = true })
			if fail {
				close(failed)
				return errors.New("handler down")
			}
		}
		events <- e
		return nil
	})
	ctx, cancel := context.WithTimeout(porting.AsSystem(t.Context()), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.Service.WatchEvents(ctx, "watcher", handler, time.Hour) }()

	wait := func(want porting.EventType) porting.Event {
		t.Helper()
		select {
		case e := <-events:
			require.Equal(t, want, e.Type)
			return e
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s event delivered", want)
		}
		return porting.Event{}
	}
	e := wait(porting.EventCreated)
	require.Equal(t, r.ID, e.RequestID)

	// A write while it runs wakes it (the poll interval is an hour).
	_, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "hello"})
	require.NoError(t, err)
	require.Equal(t, "hello", wait(porting.EventCommentAdded).Comment.Body)

	// A handler error is retried after the backoff, in order; a write
	// during the backoff does not cut it short.
	_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "flaky"})
	require.NoError(t, err)
	select {
	case <-failed:
	case <-time.After(10 * time.Second):
		t.Fatal("the flaky event was not handed over")
	}
	svWaitFor(t, func() bool { return f.Clock.Waiting() == 1 }, "WatchEvents waits out its backoff")
	_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "after"})
	require.NoError(t, err)
	select {
	case e := <-events:
		t.Fatalf("delivered during the backoff: %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
	f.Clock.Advance(porting.DefaultWatchBackoffMin)
	require.Equal(t, "flaky", wait(porting.EventCommentAdded).Comment.Body)
	require.Equal(t, "after", wait(porting.EventCommentAdded).Comment.Body)

	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("WatchEvents did not stop")
	}
	select {
	case e := <-events:
		t.Fatalf("unexpected event %+v", e)
	default:
	}
}

func TestServiceWatchEventsNeedsTheSystem(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	h := porting.EventHandlerFunc(func(context.Context, porting.Event) error { return nil })
	for _, c := range []context.Context{ctx, porting.WithActor(ctx, porting.Actor{AccountID: f.Authority.ID})} {
		err := f.Service.WatchEvents(c, "w", h, time.Hour)
		require.ErrorIs(t, err, porting.ErrForbidden, "refused at once, not when the context ends")
	}
}

// svWaitFor polls cond until it holds, failing the test after 10 seconds.
func svWaitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// A handler that keeps failing is called again after a backoff that
// doubles from Options.WatchBackoff.Min up to Max, on the Service's
// clock; one success resets it.
func TestServiceWatchEventsBacksOff(t *testing.T) {
	t.Parallel()
	opts := func(o *porting.Options) {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		o.WatchBackoff = porting.Backoff{Min: time.Second, Max: 5 * time.Second}
	}
	f := portingtest.New(t, opts)
	f.Create(t, svOther1)

	var mu sync.Mutex
	calls, failing := 0, true
	h := porting.EventHandlerFunc(func(context.Context, porting.Event) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if failing {
			return errors.New("receiver down")
		}
		return nil
	})
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return calls
	}
	ctx, cancel := context.WithCancel(porting.AsSystem(t.Context()))
	done := make(chan error, 1)
	go func() { done <- f.Service.WatchEvents(ctx, "flaky", h, time.Hour) }()
	defer func() {
		cancel()
		<-done
	}()

	// Each failure: one call, then a wait of the next delay, during which
	// writes do not call the handler again.
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second} {
		svWaitFor(t, func() bool { return f.Clock.Waiting() == 1 }, "a backoff wait")
		require.Equal(t, i+1, count(), "one call per backoff")
		next, ok := f.Clock.NextWait()
		require.True(t, ok)
		require.Equal(t, want, next.Sub(f.Clock.Now()), "backoff after %d failures", i+1)
		_, err := addComment(f.Service, f.AsCustomer(), f.Create(t, fmt.Sprintf("+1202555%04d", 4000+i)).ID, porting.CommentInput{Body: "write"})
		require.NoError(t, err)
		time.Sleep(5 * time.Millisecond)
		require.Equal(t, i+1, count(), "a write does not end the backoff")
		f.Clock.Advance(want)
	}

	// A success resets it: the next failure waits Min again.
	svWaitFor(t, func() bool { return f.Clock.Waiting() == 1 }, "a backoff wait")
	mu.Lock()
	failing = false
	mu.Unlock()
	next, _ := f.Clock.NextWait()
	f.Clock.Set(next)
	svWaitFor(t, func() bool { return count() >= 7 && f.Clock.Waiting() == 0 }, "the retry that succeeds")
	mu.Lock()
	failing = true
	mu.Unlock()
	f.Create(t, "+12025554100")
	svWaitFor(t, func() bool { return f.Clock.Waiting() == 1 }, "a backoff wait after a new failure")
	next, _ = f.Clock.NextWait()
	require.Equal(t, time.Second, next.Sub(f.Clock.Now()), "the backoff starts over")
}

func TestBackoffDelay(t *testing.T) {
	t.Parallel()
	b := porting.Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	for failures, want := range []time.Duration{0, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond,
		800 * time.Millisecond, time.Second, time.Second} {
		require.Equal(t, want, b.Delay(failures), "after %d failures", failures)
	}
	require.Equal(t, time.Second, b.Delay(1000), "no overflow")
	require.Equal(t, time.Duration(0), porting.Backoff{}.Delay(3))
}

// An event says what a receiver needs without a second call: the account
// path (for filtering by tenant), the state before and after, and the
// revision the change wrote.
func TestServiceEventsCarryPathStatesAndRevision(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	log := &svEventLog{t: t, f: f}
	r := f.Create(t, svOther1)
	f.Move(t, r.ID, porting.StateSubmitted)
	f.Move(t, r.ID, porting.StateRejected)
	_, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "why?"})
	require.NoError(t, err)
	f.Move(t, r.ID, porting.StateCanceled)
	last, err := f.Service.Delete(f.AsCustomer(), r.ID, 0)
	require.NoError(t, err)

	type view struct {
		Type          porting.EventType
		Before, After porting.State
		Revision      int64
	}
	var got []view
	for _, e := range log.next() {
		require.Equal(t, []string{f.Authority.ID, f.Customer.ID}, e.AccountPath)
		got = append(got, view{e.Type, e.PreviousState, e.State, e.Revision})
	}
	un, sub, rej, can := porting.StateUnconfirmed, porting.StateSubmitted, porting.StateRejected, porting.StateCanceled
	require.Equal(t, []view{
		{porting.EventCreated, "", un, 1},
		{porting.EventTransitioned, un, sub, 2},
		{porting.EventTransitioned, sub, rej, 3},
		{porting.EventCommentAdded, rej, rej, 4},
		{porting.EventTransitioned, rej, can, 5},
		{porting.EventDeleted, can, can, last.Revision + 1},
	}, got)
}
