package porting_test

import (
	"context"
	"errors"
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

	// A handler error is retried at the next wake, in order.
	_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "flaky"})
	require.NoError(t, err)
	select {
	case <-failed:
	case <-time.After(10 * time.Second):
		t.Fatal("the flaky event was not handed over")
	}
	_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "after"})
	require.NoError(t, err)
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
