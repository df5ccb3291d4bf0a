package webhook

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"slices"
	"sort"
	"time"

	"github.com/portkit/portkit/porting"
)

// A worker delivers one stream. It holds the stream's lease while it
// delivers (a session), and loops: it reads the event log after the
// stream's cursor, enqueues a delivery for each event the stream wants
// (moving the cursor in the same write, by compare-and-swap), and
// attempts the pending deliveries as they fall due, one at a time. Per
// request, only the oldest pending delivery is attempted: a request's
// messages arrive in order, and one that keeps failing holds back only
// its own request's. Results are written in batches: a delivery whose
// result a crash lost is attempted again, with the same ID.

// worker is the goroutine of one stream.
type worker struct {
	d       *Dispatcher
	stream  string
	handoff bool
	cancel  context.CancelFunc
}

// Flushing: results are written once this many are waiting, or this long
// after the first of them.
const (
	flushCount = 64
	flushAfter = 200 * time.Millisecond
	// cursorEvery is how far the cursor may run ahead of the stored one
	// over events the stream does not want before it is written.
	cursorEvery = 4 * DefaultBatch
	// pruneEvery spaces the pruning of old deliveries.
	pruneEvery = time.Hour
)

// run holds the stream's lease and delivers it while it can, until ctx
// ends or the stream is gone.
func (w *worker) run(ctx context.Context) {
	d := w.d
	poll := time.NewTicker(d.opt.Poll)
	defer poll.Stop()
	for ctx.Err() == nil {
		now := d.now()
		held, err := d.store.AcquireLease(ctx, w.stream, d.opt.Holder, now, now.Add(d.opt.LeaseTTL))
		switch {
		case err == nil:
			s := &session{w: w, renewAt: now.Add(d.opt.LeaseTTL / 3), leaseUntil: now.Add(d.opt.LeaseTTL)}
			err = s.deliver(ctx)
			if ctx.Err() != nil {
				// Shutting down: give the lease up so another process
				// takes over at once.
				sctx, cancel := d.stopping(ctx)
				_ = d.store.ReleaseLease(sctx, w.stream, d.opt.Holder)
				cancel()
				return
			}
			switch {
			case errors.Is(err, porting.ErrNotFound):
				return // the subscription is gone
			case errors.Is(err, errDisabled):
				_ = d.store.ReleaseLease(ctx, w.stream, d.opt.Holder)
				return
			case err != nil && !errors.Is(err, errStop):
				d.opt.Logger.Error("webhook: delivering", "stream", w.stream, "err", err)
			}
		case errors.Is(err, porting.ErrLeaseHeld):
			// Another process delivers it: try again when its lease runs
			// out (on the clock), or after a lease's time at the latest.
			select {
			case <-ctx.Done():
			case <-porting.After(d.opt.Clock, held.Expires.Sub(now)):
			case <-time.After(d.opt.LeaseTTL):
			}
			continue
		case errors.Is(err, porting.ErrNotFound):
			return
		default:
			if ctx.Err() == nil {
				d.opt.Logger.Error("webhook: taking a lease", "stream", w.stream, "err", err)
			}
		}
		select {
		case <-ctx.Done():
		case <-poll.C:
		}
	}
}

// stopping returns the context of the writes a worker makes once ctx
// has ended (or the session is over): ctx's values, without its end,
// within ShutdownTimeout, so that a store that stopped answering does
// not hold Run up for ever.
func (d *Dispatcher) stopping(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d.opt.ShutdownTimeout)
}

// errDisabled ends a session whose subscription was disabled.
var errDisabled = errors.New("webhook: subscription disabled")

// session is one lease's worth of delivering a stream.
type session struct {
	w          *worker
	sub        *porting.Subscription // nil for a system stream
	renewAt    time.Time
	leaseUntil time.Time

	stored  uint64          // the cursor as stored
	cursor  uint64          // how far the log has been read
	more    bool            // the log may hold events past cursor
	wake    <-chan struct{} // closed by this process's next write after the last read
	queues  map[string]*queue
	heads   headHeap
	pending int
	dirty   map[uint64]*porting.Delivery
	dirtyAt time.Time // when the first of dirty was added (real time)
	pruned  time.Time
	// refreshed is when the session last looked at the store for what
	// this process may not have written (real time): see refresh.
	refreshed time.Time

	timerAt time.Time // the deadline of timer, on the clock
	timer   <-chan time.Time
}

// queue is one request's pending deliveries, oldest first.
type queue struct {
	ds    []*porting.Delivery
	index int // in the heap
}

// headHeap orders the queues by their first delivery's NextAttempt, then
// Seq.
type headHeap []*queue

func (h headHeap) Len() int { return len(h) }
func (h headHeap) Less(i, j int) bool {
	a, b := h[i].ds[0], h[j].ds[0]
	if !a.NextAttempt.Equal(b.NextAttempt) {
		return a.NextAttempt.Before(b.NextAttempt)
	}
	return a.Seq < b.Seq
}
func (h headHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *headHeap) Push(x any) {
	q := x.(*queue)
	q.index = len(*h)
	*h = append(*h, q)
}
func (h *headHeap) Pop() any {
	old := *h
	q := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	q.index = -1
	return q
}

// deliver runs the session until it loses the lease, its stream is gone
// or disabled, or ctx ends.
func (s *session) deliver(ctx context.Context) error {
	d := s.w.d
	s.queues, s.dirty, s.more, s.pruned = map[string]*queue{}, map[uint64]*porting.Delivery{}, true, d.now()
	s.wake = d.svc.Written()
	if err := s.reload(ctx); err != nil {
		return err
	}
	cur, err := d.store.DeliveryCursor(ctx, s.w.stream)
	if err != nil {
		return err
	}
	s.stored, s.cursor = cur, cur
	if err := s.rescan(ctx); err != nil {
		return err
	}
	s.refreshed = time.Now()
	defer func() {
		sctx, cancel := d.stopping(ctx)
		defer cancel()
		_ = s.flush(sctx)
	}()
	poll := time.NewTimer(d.opt.Poll)
	defer poll.Stop()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.renew(ctx); err != nil {
			return err
		}
		// Every Poll, busy or idle, look at what this process may not
		// have written: the subscription (URL, secret, filter), replays,
		// events of other processes; and prune. A backlog that is due
		// takes this path only: waiting for it to drain (hours, with an
		// endpoint that times out) would hold every change up as long.
		if time.Since(s.refreshed) >= d.opt.Poll {
			if err := s.refresh(ctx); err != nil {
				return err
			}
		}
		select {
		case <-s.wake: // written since the last read
			s.more = true
		default:
		}
		// Read on when few deliveries are pending, or none is due: a
		// backlog is worked off a batch at a time rather than read
		// whole while its first deliveries wait.
		if s.more && s.pending < d.opt.MaxPending && (s.pending < d.opt.Batch || s.due() == nil) {
			if err := s.ingest(ctx); err != nil {
				return err
			}
		}
		if q := s.due(); q != nil {
			if err := s.attempt(ctx, q); err != nil {
				return err
			}
		}
		if len(s.dirty) >= flushCount || (len(s.dirty) > 0 && time.Since(s.dirtyAt) >= flushAfter) {
			if err := s.flush(ctx); err != nil {
				return err
			}
		}
		if s.due() != nil {
			continue
		}
		if err := s.saveCursor(ctx, false); err != nil {
			return err
		}
		if s.more && s.pending < d.opt.MaxPending {
			continue // a full batch was read: read on
		}
		// Idle: results wait up to flushAfter to be written with the
		// next ones (a crash meanwhile delivers them again).
		var flushed <-chan time.Time
		if len(s.dirty) > 0 {
			flushed = time.After(flushAfter - time.Since(s.dirtyAt))
		}
		poll.Reset(d.opt.Poll - time.Since(s.refreshed))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-flushed:
		case <-s.wake:
			s.more = true
		case <-s.wait():
		case <-poll.C: // refreshed at the top of the loop
		}
	}
}

// refresh reads the subscription again, takes up the pending deliveries
// it does not hold (replays), reads on in the log (another process's
// events wake nothing here) and prunes, now and then.
func (s *session) refresh(ctx context.Context) error {
	s.refreshed = time.Now()
	s.more = true
	if err := s.reload(ctx); err != nil {
		return err
	}
	if err := s.rescan(ctx); err != nil {
		return err
	}
	return s.prune(ctx)
}

// renew renews the lease when it is due; it fails with errStop once the
// lease is lost.
func (s *session) renew(ctx context.Context) error {
	d := s.w.d
	now := d.now()
	if now.Before(s.renewAt) {
		return nil
	}
	_, err := d.store.AcquireLease(ctx, s.w.stream, d.opt.Holder, now, now.Add(d.opt.LeaseTTL))
	switch {
	case err == nil:
		s.renewAt, s.leaseUntil = now.Add(d.opt.LeaseTTL/3), now.Add(d.opt.LeaseTTL)
		return nil
	case errors.Is(err, porting.ErrLeaseHeld):
		return errStop
	case errors.Is(err, porting.ErrNotFound):
		return err
	}
	if now.Before(s.leaseUntil) {
		d.opt.Logger.Warn("webhook: renewing a lease", "stream", s.w.stream, "err", err)
		return nil // try again while it lasts
	}
	return errStop
}

// reload reads the subscription again (its URL, secret and filters may
// have changed).
func (s *session) reload(ctx context.Context) error {
	if s.w.handoff {
		return nil
	}
	sub, err := s.w.d.store.Subscription(ctx, s.w.stream)
	if err != nil {
		return err
	}
	if !sub.Enabled {
		return errDisabled
	}
	s.sub = sub
	return nil
}

// rescan reads the stream's pending deliveries from the store and takes
// up those it does not hold (replays): what it holds is flushed first,
// so nothing it has settled looks pending.
func (s *session) rescan(ctx context.Context) error {
	if err := s.flush(ctx); err != nil {
		return err
	}
	held := map[uint64]bool{}
	for _, q := range s.queues {
		for _, d := range q.ds {
			held[d.Seq] = true
		}
	}
	var after uint64
	for {
		ds, err := s.w.d.store.PendingDeliveries(ctx, s.w.stream, after, 1000)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return nil
		}
		for _, d := range ds {
			if !held[d.Seq] {
				s.add(d)
			}
			after = d.Seq
		}
	}
}

// add puts a pending delivery in its request's queue, in Seq order.
func (s *session) add(d *porting.Delivery) {
	s.pending++
	q, ok := s.queues[d.RequestID]
	if !ok {
		q = &queue{ds: []*porting.Delivery{d}}
		s.queues[d.RequestID] = q
		heap.Push(&s.heads, q)
		return
	}
	i := sort.Search(len(q.ds), func(i int) bool { return q.ds[i].Seq > d.Seq })
	q.ds = append(q.ds, nil)
	copy(q.ds[i+1:], q.ds[i:])
	q.ds[i] = d
	if i == 0 {
		heap.Fix(&s.heads, q.index)
	}
}

// due returns the queue whose head is due, if any.
func (s *session) due() *queue {
	if len(s.heads) == 0 {
		return nil
	}
	q := s.heads[0]
	if q.ds[0].NextAttempt.After(s.w.d.now()) {
		return nil
	}
	return q
}

// wait returns a channel that receives when the next pending delivery
// falls due (never, without one), reusing the clock's timer while the
// deadline stays.
func (s *session) wait() <-chan time.Time {
	if len(s.heads) == 0 {
		return nil
	}
	at := s.heads[0].ds[0].NextAttempt
	if s.timer == nil || !at.Equal(s.timerAt) {
		s.timerAt, s.timer = at, porting.After(s.w.d.opt.Clock, at.Sub(s.w.d.now()))
	}
	return s.timer
}

// ingest reads the next batch of events and enqueues the deliveries the
// stream wants, moving the cursor. The stream's wishes are the
// subscription's when the events are read.
func (s *session) ingest(ctx context.Context) error {
	d := s.w.d
	s.wake = d.svc.Written() // before reading: a write after the read closes it
	events, err := d.svc.Events(ctx, s.cursor, d.opt.Batch)
	if err != nil {
		return err
	}
	s.more = len(events) == d.opt.Batch
	if len(events) == 0 {
		return nil
	}
	// The subscription as it is now, read after the events: a change
	// committed before one of them was written applies to it (with the
	// filter of the last reload, an event it now wants would be passed
	// over for good).
	if err := s.reload(ctx); err != nil {
		return err
	}
	var ds []*porting.Delivery
	for _, e := range events {
		dl, ok, err := s.build(ctx, e)
		if err != nil {
			return err
		}
		if ok {
			ds = append(ds, dl)
		}
	}
	last := events[len(events)-1].Seq
	if len(ds) == 0 {
		s.cursor = last
		return s.saveCursor(ctx, false)
	}
	return s.enqueue(ctx, ds, last)
}

// A store's write has a size limit (Badger's batch: about 2 MB with its
// default memtable), which a batch of events with large messages
// (requests of many numbers) exceeds, as do their results: deliveries
// are enqueued and their results written in several writes of at most
// writeBytes, counting a delivery's payload and deliveryOverhead for the
// rest of it.
const (
	writeBytes       = 512 << 10
	deliveryOverhead = 1 << 10
)

// enqueue stores ds, the deliveries of the events read up to last, in as
// many writes as their size needs, each moving the cursor to its last
// delivery (the last write to last): the stream makes progress whatever
// the size of its messages. A write the store refuses as too large is
// tried again with half as many deliveries; a single delivery too large
// for a write is passed over (and logged), or it would stall the stream
// for good.
func (s *session) enqueue(ctx context.Context, ds []*porting.Delivery, last uint64) error {
	d := s.w.d
	most := len(ds) // deliveries in one write
	for len(ds) > 0 {
		n := fitting(ds, writeBytes, most)
		to := last
		if n < len(ds) {
			to = ds[n-1].Seq
		}
		err := d.store.Enqueue(ctx, s.w.stream, s.stored, to, ds[:n])
		if errors.Is(err, porting.ErrTooLarge) {
			if n > 1 {
				most = n / 2
				continue
			}
			d.opt.Logger.Error("webhook: a message too large to store is not delivered", "stream", s.w.stream,
				"seq", ds[0].Seq, "id", ds[0].ID, "type", ds[0].EventType, "bytes", len(ds[0].Payload), "err", err)
			err = d.store.Enqueue(ctx, s.w.stream, s.stored, to, nil)
			n = 0 // enqueued none of them
			ds = ds[1:]
		}
		if errors.Is(err, porting.ErrConflict) {
			return errStop // another process moved the cursor: the lease is lost
		}
		if err != nil {
			return err
		}
		s.stored, s.cursor = to, to
		for _, dl := range ds[:n] {
			s.add(dl)
		}
		ds = ds[n:]
	}
	return nil
}

// fitting returns how many of ds, at most most and at least one, make
// up to limit bytes.
func fitting(ds []*porting.Delivery, limit, most int) int {
	n, size := 0, 0
	for _, dl := range ds[:min(most, len(ds))] {
		size += len(dl.Payload) + deliveryOverhead
		if n > 0 && size > limit {
			break
		}
		n++
	}
	return max(n, 1)
}

// saveCursor writes the cursor when it has run far enough ahead over
// events the stream does not want (or always, with force): those are
// read again after a crash, which is harmless.
func (s *session) saveCursor(ctx context.Context, force bool) error {
	if s.cursor == s.stored || (!force && s.cursor-s.stored < cursorEvery && s.more) {
		return nil
	}
	if err := s.w.d.store.Enqueue(ctx, s.w.stream, s.stored, s.cursor, nil); err != nil {
		if errors.Is(err, porting.ErrConflict) {
			return errStop
		}
		return err
	}
	s.stored = s.cursor
	return nil
}

// build returns the delivery of e to the stream, if it wants e.
func (s *session) build(ctx context.Context, e porting.Event) (*porting.Delivery, bool, error) {
	if s.w.handoff {
		return s.w.d.handOffDelivery(ctx, e)
	}
	sub := s.sub
	if len(e.AccountPath) > 0 && !sub.Wants(e.Type, e.AccountPath) {
		return nil, false, nil
	}
	payload, path, ok, err := s.w.d.message(ctx, sub.AccountID, e)
	if err != nil || !ok || !sub.Wants(e.Type, path) {
		return nil, false, err
	}
	now := s.w.d.now()
	return &porting.Delivery{
		Stream: s.w.stream, Seq: e.Seq, ID: e.ID, EventType: e.Type, RequestID: e.RequestID,
		Payload: payload, NextAttempt: now, Created: now, Updated: now,
	}, true, nil
}

// attempt makes one attempt of the head of q and settles its result: on
// success, or once the schedule is over, the delivery leaves the queue
// and the next one of the request becomes its head.
func (s *session) attempt(ctx context.Context, q *queue) error {
	d := s.w.d
	dl := q.ds[0]
	var a porting.Attempt
	var skip bool
	if s.w.handoff {
		a, skip = d.handOffAttempt(ctx, dl)
	} else {
		h, err := Sign(s.sub.Secret, dl.ID, d.now(), dl.Payload)
		if err != nil {
			a = porting.Attempt{At: d.now(), Error: err.Error()}
		} else {
			a = d.post(ctx, s.sub.URL, h, "application/json", dl.Payload)
		}
	}
	if ctx.Err() != nil && a.Error != "" {
		return ctx.Err() // cut short by shutting down: not an attempt
	}
	now := d.now()
	if !skip {
		dl.AddAttempt(a)
	}
	dl.Updated = now
	switch wait, again := retryAfter(d.opt.Schedule, dl.Tries, d.opt.Jitter, d.rand()); {
	case a.Error == "" || skip:
		dl.Status = porting.DeliveryDelivered
	case again:
		dl.NextAttempt = now.Add(wait)
	default:
		dl.Status = porting.DeliveryFailed
	}
	if dl.Status != porting.DeliveryPending {
		q.ds = q.ds[1:]
		s.pending--
		if len(q.ds) == 0 {
			heap.Remove(&s.heads, q.index)
			delete(s.queues, dl.RequestID)
		} else {
			heap.Fix(&s.heads, q.index)
		}
	} else {
		heap.Fix(&s.heads, q.index)
	}
	if len(s.dirty) == 0 {
		s.dirtyAt = time.Now()
	}
	s.dirty[dl.Seq] = dl
	return nil
}

// flush writes the results waiting to be written, in as many writes as
// their size needs (see writeBytes), oldest first.
func (s *session) flush(ctx context.Context) error {
	if len(s.dirty) == 0 {
		return nil
	}
	ds := make([]*porting.Delivery, 0, len(s.dirty))
	for _, dl := range s.dirty {
		ds = append(ds, dl)
	}
	slices.SortFunc(ds, func(a, b *porting.Delivery) int { return cmp.Compare(a.Seq, b.Seq) })
	most := len(ds)
	for len(ds) > 0 {
		n := fitting(ds, writeBytes, most)
		err := s.w.d.store.UpdateDeliveries(ctx, ds[:n])
		switch {
		case err == nil:
		case errors.Is(err, porting.ErrTooLarge) && n > 1:
			most = n / 2
			continue
		case errors.Is(err, porting.ErrConflict):
			return errStop // another process wrote them: start over from the store
		default:
			return err
		}
		for _, dl := range ds[:n] {
			delete(s.dirty, dl.Seq)
		}
		ds = ds[n:]
	}
	return nil
}

// prune deletes the deliveries that have been over for longer than the
// retention, now and then.
func (s *session) prune(ctx context.Context) error {
	d := s.w.d
	now := d.now()
	if now.Sub(s.pruned) < pruneEvery {
		return nil
	}
	s.pruned = now
	for {
		n, err := d.store.PruneDeliveries(ctx, s.w.stream, now.Add(-d.opt.Retention), 1000)
		if err != nil || n < 1000 {
			return err
		}
	}
}
