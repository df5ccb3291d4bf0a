package storetest

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// The optional porting.SubscriptionStore: subscriptions, the delivery
// streams' cursors and deliveries, and the leases that make one process
// at a time deliver a stream. Every compare-and-swap of the contract is
// raced as well as tried alone.

func subscriptionCases() []testCase {
	return []testCase{
		{"CreateGetList", testSubscriptionCreateGetList},
		{"Limit", testSubscriptionLimit},
		{"CursorStartsAtLastEvent", testSubscriptionCursorStartsAtLastEvent},
		{"Update", testSubscriptionUpdate},
		{"DeleteTakesEverything", testSubscriptionDelete},
		{"DeleteManyDeliveries", testSubscriptionDeleteMany},
		{"Lease", testSubscriptionLease},
		{"LeaseRace", testSubscriptionLeaseRace},
		{"Enqueue", testSubscriptionEnqueue},
		{"EnqueueRace", testSubscriptionEnqueueRace},
		{"UpdateDeliveries", testSubscriptionUpdateDeliveries},
		{"UpdateDeliveriesRace", testSubscriptionUpdateDeliveriesRace},
		{"DeliveriesPaging", testSubscriptionDeliveriesPaging},
		{"Prune", testSubscriptionPrune},
		{"SystemStream", testSubscriptionSystemStream},
	}
}

// subs returns the store's SubscriptionStore, or skips: the capability
// is optional.
func (h *harness) subs() porting.SubscriptionStore {
	ss, ok := h.s.(porting.SubscriptionStore)
	if !ok {
		h.Skip("the store does not implement porting.SubscriptionStore")
	}
	return ss
}

// newSubscription builds a subscription of account with a fresh ID.
func (h *harness) newSubscription(account string) *porting.Subscription {
	now := h.tick()
	return &porting.Subscription{
		ID: fmt.Sprintf("sub-%04d", h.ids.Add(1)), AccountID: account, Descendants: true,
		URL: "https://hooks.example.net/" + account, EventTypes: []porting.EventType{porting.EventTransitioned},
		Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Enabled: true, Description: "for " + account,
		Created: now, Updated: now,
	}
}

// createSub stores a subscription, failing the test on error.
func (h *harness) createSub(account string) *porting.Subscription {
	h.Helper()
	s := h.newSubscription(account)
	require.NoError(h, h.subs().CreateSubscription(h.ctx, s, 0))
	require.EqualValues(h, 1, s.Revision)
	return s
}

// newDelivery builds a delivery of stream for event seq.
func (h *harness) newDelivery(stream string, seq uint64) *porting.Delivery {
	now := h.tick()
	return &porting.Delivery{
		Stream: stream, Seq: seq, ID: fmt.Sprintf("msg-%s-%d", stream, seq), EventType: porting.EventTransitioned,
		RequestID: "req-x", Payload: []byte(fmt.Sprintf(`{"seq":%d}`, seq)), NextAttempt: now, Created: now, Updated: now,
	}
}

// enqueue enqueues deliveries for the given seqs and moves the cursor to
// to, failing the test on error.
func (h *harness) enqueue(stream string, from, to uint64, seqs ...uint64) []*porting.Delivery {
	h.Helper()
	var ds []*porting.Delivery
	for _, seq := range seqs {
		ds = append(ds, h.newDelivery(stream, seq))
	}
	require.NoError(h, h.subs().Enqueue(h.ctx, stream, from, to, ds))
	for _, d := range ds {
		require.Equal(h, porting.DeliveryPending, d.Status)
		require.EqualValues(h, 1, d.Revision)
	}
	return ds
}

// cursorOf reads a stream's cursor, failing the test on error.
func (h *harness) cursorOf(stream string) uint64 {
	h.Helper()
	seq, err := h.subs().DeliveryCursor(h.ctx, stream)
	require.NoError(h, err)
	return seq
}

// pending returns the Seqs of a stream's pending deliveries.
func (h *harness) pending(stream string) []uint64 {
	h.Helper()
	ds, err := h.subs().PendingDeliveries(h.ctx, stream, 0, 1000)
	require.NoError(h, err)
	var out []uint64
	for _, d := range ds {
		out = append(out, d.Seq)
	}
	return out
}

func testSubscriptionCreateGetList(h *harness) {
	ss := h.subs()
	a := h.createSub("acct-a")
	b := h.createSub("acct-b")
	a2 := h.createSub("acct-a")

	got, err := ss.Subscription(h.ctx, a.ID)
	require.NoError(h, err)
	require.Equal(h, a, got)
	got.EventTypes[0] = porting.EventDeleted
	got.URL = "changed"
	again, err := ss.Subscription(h.ctx, a.ID)
	require.NoError(h, err)
	require.Equal(h, a, again, "a returned subscription is the caller's copy")
	a.EventTypes = append(a.EventTypes, porting.EventCreated)
	again, err = ss.Subscription(h.ctx, a.ID)
	require.NoError(h, err)
	require.Len(h, again.EventTypes, 1, "a subscription passed in is not retained")
	a.EventTypes = a.EventTypes[:1]

	list, err := ss.Subscriptions(h.ctx, "acct-a")
	require.NoError(h, err)
	require.Equal(h, []*porting.Subscription{a, a2}, list, "by ID")
	list, err = ss.Subscriptions(h.ctx, "")
	require.NoError(h, err)
	require.Equal(h, []*porting.Subscription{a, b, a2}, list, "every account's, by ID")
	list, err = ss.Subscriptions(h.ctx, "acct-none")
	require.NoError(h, err)
	require.Empty(h, list)

	dup := h.newSubscription("acct-c")
	dup.ID = a.ID
	require.ErrorIs(h, ss.CreateSubscription(h.ctx, dup, 0), porting.ErrConflict)
	got, err = ss.Subscription(h.ctx, a.ID)
	require.NoError(h, err)
	require.Equal(h, a, got, "a refused create changes nothing")

	_, err = ss.Subscription(h.ctx, "sub-missing")
	require.ErrorIs(h, err, porting.ErrNotFound)
}

func testSubscriptionLimit(h *harness) {
	ss := h.subs()
	for range 3 {
		require.NoError(h, ss.CreateSubscription(h.ctx, h.newSubscription("acct-a"), 3))
	}
	err := ss.CreateSubscription(h.ctx, h.newSubscription("acct-a"), 3)
	var tl *porting.TooLargeError
	require.ErrorAs(h, err, &tl)
	require.EqualValues(h, 3, tl.Limit)
	require.NoError(h, ss.CreateSubscription(h.ctx, h.newSubscription("acct-b"), 3), "the limit is per account")
	list, err := ss.Subscriptions(h.ctx, "acct-a")
	require.NoError(h, err)
	require.Len(h, list, 3)

	// Racing creates of one account stop at the limit.
	subs := make([]*porting.Subscription, 16)
	for i := range subs {
		subs[i] = h.newSubscription("acct-c")
	}
	errs := portingtest.Race(len(subs), func(i int) error { return ss.CreateSubscription(h.ctx, subs[i], 5) })
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			require.ErrorAs(h, err, &tl)
		}
	}
	require.Equal(h, 5, ok, "%v", errs)
	list, err = ss.Subscriptions(h.ctx, "acct-c")
	require.NoError(h, err)
	require.Len(h, list, 5)
}

func testSubscriptionCursorStartsAtLastEvent(h *harness) {
	early := h.createSub("acct-a")
	require.Zero(h, h.cursorOf(early.ID), "no event yet")
	for range 3 {
		r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
		h.create(r, events(h.newEvent(r, porting.EventCreated)))
	}
	all := h.allEvents()
	late := h.createSub("acct-a")
	require.Equal(h, all[len(all)-1].Seq, h.cursorOf(late.ID), "a new subscription receives what is written after it")
	require.Zero(h, h.cursorOf(early.ID), "the cursor moves only by Enqueue")
	_, err := h.subs().DeliveryCursor(h.ctx, "sub-missing")
	require.ErrorIs(h, err, porting.ErrNotFound)
}

func testSubscriptionUpdate(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	s.URL = "https://elsewhere.example.net/hook"
	s.Enabled = false
	s.EventTypes = nil
	s.AccountID = "acct-thief"
	require.NoError(h, ss.UpdateSubscription(h.ctx, s))
	require.EqualValues(h, 2, s.Revision)
	require.Equal(h, "acct-a", s.AccountID, "the owner never changes")
	got, err := ss.Subscription(h.ctx, s.ID)
	require.NoError(h, err)
	require.Equal(h, s, got)
	list, err := ss.Subscriptions(h.ctx, "acct-thief")
	require.NoError(h, err)
	require.Empty(h, list)

	stale := s.Clone()
	stale.Revision = 1
	stale.URL = "https://stale.example.net"
	require.ErrorIs(h, ss.UpdateSubscription(h.ctx, stale), porting.ErrConflict)
	got, err = ss.Subscription(h.ctx, s.ID)
	require.NoError(h, err)
	require.Equal(h, s, got, "a stale update changes nothing")

	missing := h.newSubscription("acct-a")
	missing.Revision = 1
	require.ErrorIs(h, ss.UpdateSubscription(h.ctx, missing), porting.ErrNotFound)

	// Racing updates of one revision: one wins.
	racers := make([]*porting.Subscription, 16)
	for i := range racers {
		racers[i] = s.Clone()
		racers[i].Description = fmt.Sprintf("racer %d", i)
	}
	errs := portingtest.Race(len(racers), func(i int) error { return ss.UpdateSubscription(h.ctx, racers[i]) })
	win := h.winner(errs)
	for i, err := range errs {
		if i != win {
			require.ErrorIs(h, err, porting.ErrConflict)
		}
	}
	got, err = ss.Subscription(h.ctx, s.ID)
	require.NoError(h, err)
	require.Equal(h, racers[win], got)
}

func testSubscriptionDelete(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	other := h.createSub("acct-a")
	h.enqueue(s.ID, 0, 3, 1, 3)
	h.enqueue(other.ID, 0, 2, 2)
	_, err := ss.AcquireLease(h.ctx, s.ID, "proc-1", h.tick(), h.tick().Add(time.Hour))
	require.NoError(h, err)

	stale := s.Clone()
	stale.Revision = 7
	require.ErrorIs(h, ss.DeleteSubscription(h.ctx, stale), porting.ErrConflict)
	require.Len(h, h.pending(s.ID), 2, "a stale delete changes nothing")

	require.NoError(h, ss.DeleteSubscription(h.ctx, s))
	_, err = ss.Subscription(h.ctx, s.ID)
	require.ErrorIs(h, err, porting.ErrNotFound)
	_, err = ss.DeliveryCursor(h.ctx, s.ID)
	require.ErrorIs(h, err, porting.ErrNotFound)
	_, err = ss.Delivery(h.ctx, s.ID, fmt.Sprintf("msg-%s-%d", s.ID, 1))
	require.ErrorIs(h, err, porting.ErrNotFound)
	page, err := ss.Deliveries(h.ctx, s.ID, porting.DeliveryQuery{})
	require.NoError(h, err)
	require.Empty(h, page.Deliveries)
	require.Empty(h, h.pending(s.ID))
	require.ErrorIs(h, ss.Enqueue(h.ctx, s.ID, 3, 4, nil), porting.ErrNotFound, "a deleted subscription takes no more")
	_, err = ss.AcquireLease(h.ctx, s.ID, "proc-2", h.tick(), h.tick().Add(time.Hour))
	require.ErrorIs(h, err, porting.ErrNotFound, "nor a lease")
	list, err := ss.Subscriptions(h.ctx, "acct-a")
	require.NoError(h, err)
	require.Equal(h, []*porting.Subscription{other}, list)
	require.Equal(h, []uint64{2}, h.pending(other.ID), "the other subscription keeps its deliveries")
	require.ErrorIs(h, ss.DeleteSubscription(h.ctx, s), porting.ErrNotFound)

	// A subscription made again under the ID starts afresh.
	again := h.newSubscription("acct-a")
	again.ID = s.ID
	require.NoError(h, ss.CreateSubscription(h.ctx, again, 0))
	require.Empty(h, h.pending(s.ID))
}

// A subscription with more deliveries than one write of a key-value
// store holds (a dead endpoint's backlog) is deleted all the same, with
// every one of them.
func testSubscriptionDeleteMany(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	other := h.createSub("acct-a")
	h.enqueue(other.ID, 0, 2, 2)
	const n, per = 10_000, 500
	var first, last *porting.Delivery
	for from := uint64(0); from < n; from += per {
		ds := make([]*porting.Delivery, 0, per)
		for seq := from + 1; seq <= from+per; seq++ {
			ds = append(ds, h.newDelivery(s.ID, seq))
		}
		require.NoError(h, ss.Enqueue(h.ctx, s.ID, from, from+per, ds))
		for _, d := range ds[:per/2] { // half of them over, half pending
			d.Status, d.Updated = porting.DeliveryDelivered, h.tick()
		}
		require.NoError(h, ss.UpdateDeliveries(h.ctx, ds[:per/2]))
		if first == nil {
			first = ds[0]
		}
		last = ds[per-1]
	}
	require.Len(h, h.pending(s.ID), 1000, "the first thousand of the pending ones")

	require.NoError(h, ss.DeleteSubscription(h.ctx, s))
	_, err := ss.Subscription(h.ctx, s.ID)
	require.ErrorIs(h, err, porting.ErrNotFound)
	_, err = ss.DeliveryCursor(h.ctx, s.ID)
	require.ErrorIs(h, err, porting.ErrNotFound)
	for _, d := range []*porting.Delivery{first, last} {
		_, err = ss.Delivery(h.ctx, s.ID, d.ID)
		require.ErrorIs(h, err, porting.ErrNotFound)
	}
	page, err := ss.Deliveries(h.ctx, s.ID, porting.DeliveryQuery{})
	require.NoError(h, err)
	require.Empty(h, page.Deliveries)
	require.Empty(h, h.pending(s.ID))
	list, err := ss.Subscriptions(h.ctx, "acct-a")
	require.NoError(h, err)
	require.Equal(h, []*porting.Subscription{other}, list)
	require.Equal(h, []uint64{2}, h.pending(other.ID), "the other subscription keeps its deliveries")

	again := h.newSubscription("acct-a")
	again.ID = s.ID
	require.NoError(h, ss.CreateSubscription(h.ctx, again, 0))
	require.Empty(h, h.pending(s.ID), "a subscription made again under the ID starts afresh")
	page, err = ss.Deliveries(h.ctx, s.ID, porting.DeliveryQuery{})
	require.NoError(h, err)
	require.Empty(h, page.Deliveries)
	_, err = ss.Delivery(h.ctx, s.ID, last.ID)
	require.ErrorIs(h, err, porting.ErrNotFound)
}

func testSubscriptionLease(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	t0 := h.tick()
	l, err := ss.AcquireLease(h.ctx, s.ID, "proc-1", t0, t0.Add(30*time.Second))
	require.NoError(h, err)
	require.Equal(h, porting.Lease{Stream: s.ID, Holder: "proc-1", Expires: t0.Add(30 * time.Second)}, l)

	held, err := ss.AcquireLease(h.ctx, s.ID, "proc-2", t0.Add(10*time.Second), t0.Add(40*time.Second))
	require.ErrorIs(h, err, porting.ErrLeaseHeld)
	require.Equal(h, l, held, "the refusal says who holds it until when")

	l, err = ss.AcquireLease(h.ctx, s.ID, "proc-1", t0.Add(20*time.Second), t0.Add(50*time.Second))
	require.NoError(h, err, "the holder renews")
	require.Equal(h, t0.Add(50*time.Second), l.Expires)
	_, err = ss.AcquireLease(h.ctx, s.ID, "proc-2", t0.Add(49*time.Second), t0.Add(80*time.Second))
	require.ErrorIs(h, err, porting.ErrLeaseHeld, "a renewed lease holds past its first expiry")

	l, err = ss.AcquireLease(h.ctx, s.ID, "proc-2", t0.Add(50*time.Second), t0.Add(80*time.Second))
	require.NoError(h, err, "an expired lease is taken over")
	require.Equal(h, "proc-2", l.Holder)
	_, err = ss.AcquireLease(h.ctx, s.ID, "proc-1", t0.Add(51*time.Second), t0.Add(90*time.Second))
	require.ErrorIs(h, err, porting.ErrLeaseHeld, "the old holder has lost it")

	require.NoError(h, ss.ReleaseLease(h.ctx, s.ID, "proc-1"), "releasing a lease one does not hold does nothing")
	_, err = ss.AcquireLease(h.ctx, s.ID, "proc-3", t0.Add(52*time.Second), t0.Add(90*time.Second))
	require.ErrorIs(h, err, porting.ErrLeaseHeld)
	require.NoError(h, ss.ReleaseLease(h.ctx, s.ID, "proc-2"))
	l, err = ss.AcquireLease(h.ctx, s.ID, "proc-3", t0.Add(53*time.Second), t0.Add(90*time.Second))
	require.NoError(h, err, "a released lease is free")
	require.Equal(h, "proc-3", l.Holder)

	other := h.createSub("acct-a")
	_, err = ss.AcquireLease(h.ctx, other.ID, "proc-1", t0.Add(53*time.Second), t0.Add(90*time.Second))
	require.NoError(h, err, "leases are per stream")
	_, err = ss.AcquireLease(h.ctx, "sub-missing", "proc-1", t0, t0.Add(time.Minute))
	require.ErrorIs(h, err, porting.ErrNotFound)
}

func testSubscriptionLeaseRace(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	t0 := h.tick()
	for round, at := range []time.Time{t0, t0.Add(time.Minute)} { // the second round: after the first lease expired
		errs := portingtest.Race(32, func(i int) error {
			_, err := ss.AcquireLease(h.ctx, s.ID, fmt.Sprintf("proc-%d-%d", round, i), at, at.Add(30*time.Second))
			return err
		})
		win := h.winner(errs)
		for i, err := range errs {
			if i != win {
				require.ErrorIs(h, err, porting.ErrLeaseHeld, "round %d", round)
			}
		}
		_, err := ss.AcquireLease(h.ctx, s.ID, fmt.Sprintf("proc-%d-%d", round, win), at.Add(time.Second), at.Add(40*time.Second))
		require.NoError(h, err, "the winner holds it")
	}
}

func testSubscriptionEnqueue(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	ds := h.enqueue(s.ID, 0, 5, 2, 4)
	require.EqualValues(h, 5, h.cursorOf(s.ID))
	got, err := ss.Delivery(h.ctx, s.ID, ds[1].ID)
	require.NoError(h, err)
	require.Equal(h, ds[1], got)
	got.Payload[0] = 'X'
	again, err := ss.Delivery(h.ctx, s.ID, ds[1].ID)
	require.NoError(h, err)
	require.Equal(h, ds[1], again, "a returned delivery is the caller's copy")

	// Passing the cursor over events without deliveries.
	h.enqueue(s.ID, 5, 9)
	require.EqualValues(h, 9, h.cursorOf(s.ID))
	h.enqueue(s.ID, 9, 12, 10, 11, 12)
	require.Equal(h, []uint64{2, 4, 10, 11, 12}, h.pending(s.ID))
	after, err := ss.PendingDeliveries(h.ctx, s.ID, 4, 2)
	require.NoError(h, err)
	require.Len(h, after, 2)
	require.Equal(h, []uint64{10, 11}, []uint64{after[0].Seq, after[1].Seq}, "after is exclusive; limit holds")

	refuse := func(what string, from, to uint64, ds ...*porting.Delivery) {
		h.Helper()
		require.Error(h, ss.Enqueue(h.ctx, s.ID, from, to, ds), what)
		require.EqualValues(h, 12, h.cursorOf(s.ID), "%s moved the cursor", what)
		require.Equal(h, []uint64{2, 4, 10, 11, 12}, h.pending(s.ID), "%s wrote a delivery", what)
	}
	require.ErrorIs(h, ss.Enqueue(h.ctx, s.ID, 9, 13, []*porting.Delivery{h.newDelivery(s.ID, 13)}), porting.ErrConflict)
	refuse("a stale cursor", 9, 13, h.newDelivery(s.ID, 13))
	refuse("a delivery at the cursor", 12, 14, h.newDelivery(s.ID, 12))
	refuse("a delivery past to", 12, 14, h.newDelivery(s.ID, 13), h.newDelivery(s.ID, 15))
	refuse("a cursor moving back", 12, 11)
	wrong := h.newDelivery(s.ID, 13)
	wrong.Stream = "sub-other"
	refuse("a delivery of another stream", 12, 14, wrong)
	dupID := h.newDelivery(s.ID, 13)
	dupID.ID = ds[0].ID
	refuse("a delivery ID the stream has", 12, 14, dupID)
	a, b := h.newDelivery(s.ID, 13), h.newDelivery(s.ID, 14)
	b.ID = a.ID
	refuse("one ID twice", 12, 14, a, b)
	require.ErrorIs(h, ss.Enqueue(h.ctx, "sub-missing", 0, 1, nil), porting.ErrNotFound)
	_, err = ss.Delivery(h.ctx, s.ID, "msg-missing")
	require.ErrorIs(h, err, porting.ErrNotFound)
}

func testSubscriptionEnqueueRace(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	errs := portingtest.Race(16, func(i int) error {
		d := h.newDelivery(s.ID, 3)
		d.Payload = []byte(fmt.Sprintf(`{"racer":%d}`, i))
		return ss.Enqueue(h.ctx, s.ID, 0, 3, []*porting.Delivery{d})
	})
	win := h.winner(errs)
	for i, err := range errs {
		if i != win {
			require.ErrorIs(h, err, porting.ErrConflict)
		}
	}
	require.Equal(h, []uint64{3}, h.pending(s.ID), "one enqueue, one delivery")
	got, err := ss.Delivery(h.ctx, s.ID, fmt.Sprintf("msg-%s-3", s.ID))
	require.NoError(h, err)
	require.JSONEq(h, fmt.Sprintf(`{"racer":%d}`, win), string(got.Payload))
}

func testSubscriptionUpdateDeliveries(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	ds := h.enqueue(s.ID, 0, 3, 1, 2, 3)
	now := h.tick()
	ds[0].Status = porting.DeliveryDelivered
	ds[0].AddAttempt(porting.Attempt{At: now, Duration: 12 * time.Millisecond, StatusCode: 204})
	ds[1].AddAttempt(porting.Attempt{At: now, Duration: time.Second, Error: "connection refused"})
	ds[1].NextAttempt = now.Add(5 * time.Second)
	require.NoError(h, ss.UpdateDeliveries(h.ctx, ds[:2]))
	require.EqualValues(h, 2, ds[0].Revision)
	require.EqualValues(h, 2, ds[1].Revision)
	for _, d := range ds {
		got, err := ss.Delivery(h.ctx, s.ID, d.ID)
		require.NoError(h, err)
		require.Equal(h, d, got)
	}
	require.Equal(h, []uint64{2, 3}, h.pending(s.ID), "a delivered one is no longer pending")

	// All or none: one stale revision fails the batch.
	ds[1].Status = porting.DeliveryFailed
	stale := ds[2].Clone()
	stale.Revision = 5
	stale.Status = porting.DeliveryDelivered
	require.ErrorIs(h, ss.UpdateDeliveries(h.ctx, []*porting.Delivery{ds[1], stale}), porting.ErrConflict)
	require.EqualValues(h, 2, ds[1].Revision, "a failed update leaves the revisions")
	require.Equal(h, []uint64{2, 3}, h.pending(s.ID), "a failed batch changes nothing")
	got, err := ss.Delivery(h.ctx, s.ID, ds[1].ID)
	require.NoError(h, err)
	require.Equal(h, porting.DeliveryPending, got.Status)

	require.NoError(h, ss.UpdateDeliveries(h.ctx, []*porting.Delivery{ds[1]}))
	require.Equal(h, []uint64{3}, h.pending(s.ID))
	// Back to pending (a replay).
	ds[1].Status = porting.DeliveryPending
	ds[1].Tries = 0
	require.NoError(h, ss.UpdateDeliveries(h.ctx, []*porting.Delivery{ds[1]}))
	require.Equal(h, []uint64{2, 3}, h.pending(s.ID))
	failed, err := ss.Deliveries(h.ctx, s.ID, porting.DeliveryQuery{Status: porting.DeliveryFailed})
	require.NoError(h, err)
	require.Empty(h, failed.Deliveries, "the failed index follows the status")

	gone := h.newDelivery(s.ID, 99)
	gone.Revision = 1
	require.ErrorIs(h, ss.UpdateDeliveries(h.ctx, []*porting.Delivery{gone}), porting.ErrNotFound)
	require.NoError(h, ss.UpdateDeliveries(h.ctx, nil))
}

func testSubscriptionUpdateDeliveriesRace(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	d := h.enqueue(s.ID, 0, 1, 1)[0]
	racers := make([]*porting.Delivery, 16)
	for i := range racers {
		racers[i] = d.Clone()
		racers[i].AddAttempt(porting.Attempt{At: h.tick(), StatusCode: 500 + i})
	}
	errs := portingtest.Race(len(racers), func(i int) error { return ss.UpdateDeliveries(h.ctx, racers[i:i+1]) })
	win := h.winner(errs)
	for i, err := range errs {
		if i != win {
			require.ErrorIs(h, err, porting.ErrConflict)
		}
	}
	got, err := ss.Delivery(h.ctx, s.ID, d.ID)
	require.NoError(h, err)
	require.Equal(h, racers[win], got)
}

func testSubscriptionDeliveriesPaging(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	var seqs []uint64
	for i := uint64(1); i <= 9; i++ {
		seqs = append(seqs, 2*i)
	}
	ds := h.enqueue(s.ID, 0, 20, seqs...)
	for _, i := range []int{1, 4, 7} {
		ds[i].Status = porting.DeliveryFailed
	}
	require.NoError(h, ss.UpdateDeliveries(h.ctx, []*porting.Delivery{ds[1], ds[4], ds[7]}))

	walk := func(q porting.DeliveryQuery) []uint64 {
		h.Helper()
		var out []uint64
		for page := 0; ; page++ {
			require.Less(h, page, 50)
			p, err := ss.Deliveries(h.ctx, s.ID, q)
			require.NoError(h, err)
			require.LessOrEqual(h, len(p.Deliveries), q.PageSize())
			for _, d := range p.Deliveries {
				out = append(out, d.Seq)
			}
			if p.Next == "" {
				return out
			}
			q.Cursor = p.Next
		}
	}
	newest := slices.Clone(seqs)
	slices.Reverse(newest)
	for _, limit := range []int{1, 2, 4, 9, 100} {
		require.Equal(h, newest, walk(porting.DeliveryQuery{Limit: limit}), "newest first, by %d", limit)
		require.Equal(h, []uint64{16, 10, 4}, walk(porting.DeliveryQuery{Limit: limit, Status: porting.DeliveryFailed}), "failed ones, by %d", limit)
	}
	for _, bad := range []string{"x", "zz", "00000000000000000", "0000000000000000"} {
		_, err := ss.Deliveries(h.ctx, s.ID, porting.DeliveryQuery{Cursor: bad})
		var ve *porting.ValidationError
		require.ErrorAs(h, err, &ve, "cursor %q", bad)
		require.Equal(h, "cursor", ve.Fields[0].Field)
	}
}

func testSubscriptionPrune(h *harness) {
	ss := h.subs()
	s := h.createSub("acct-a")
	ds := h.enqueue(s.ID, 0, 6, 1, 2, 3, 4, 5, 6)
	old := h.tick()
	for _, i := range []int{0, 1, 2} {
		ds[i].Status, ds[i].Updated = porting.DeliveryDelivered, old
	}
	ds[3].Status, ds[3].Updated = porting.DeliveryFailed, old
	cut := h.tick()
	ds[4].Status, ds[4].Updated = porting.DeliveryDelivered, h.tick() // over, but recent
	require.NoError(h, ss.UpdateDeliveries(h.ctx, ds[:5]))            // ds[5] stays pending

	n, err := ss.PruneDeliveries(h.ctx, s.ID, cut, 2)
	require.NoError(h, err)
	require.Equal(h, 2, n, "the limit holds")
	n, err = ss.PruneDeliveries(h.ctx, s.ID, cut, 100)
	require.NoError(h, err)
	require.Equal(h, 2, n)
	n, err = ss.PruneDeliveries(h.ctx, s.ID, cut, 100)
	require.NoError(h, err)
	require.Zero(h, n)
	for i, d := range ds {
		_, err := ss.Delivery(h.ctx, s.ID, d.ID)
		if i < 4 {
			require.ErrorIs(h, err, porting.ErrNotFound, "delivery %d", i)
		} else {
			require.NoError(h, err, "delivery %d", i)
		}
	}
	page, err := ss.Deliveries(h.ctx, s.ID, porting.DeliveryQuery{})
	require.NoError(h, err)
	require.Len(h, page.Deliveries, 2)
	require.Equal(h, []uint64{6}, h.pending(s.ID))
}

func testSubscriptionSystemStream(h *harness) {
	ss := h.subs()
	stream := porting.SystemStream("handoff")
	require.Zero(h, h.cursorOf(stream), "a system stream needs no subscription")
	ds := h.enqueue(stream, 0, 4, 2, 4)
	require.Equal(h, []uint64{2, 4}, h.pending(stream))
	got, err := ss.Delivery(h.ctx, stream, ds[0].ID)
	require.NoError(h, err)
	require.Equal(h, ds[0], got)
	t0 := h.tick()
	_, err = ss.AcquireLease(h.ctx, stream, "proc-1", t0, t0.Add(time.Minute))
	require.NoError(h, err)
	_, err = ss.AcquireLease(h.ctx, stream, "proc-2", t0, t0.Add(time.Minute))
	require.ErrorIs(h, err, porting.ErrLeaseHeld)
	list, err := ss.Subscriptions(h.ctx, "")
	require.NoError(h, err)
	require.Empty(h, list, "a system stream is no subscription")
	require.False(h, errors.Is(err, porting.ErrNotFound))
}
