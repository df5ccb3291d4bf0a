package storetest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// epoch is where a harness's fake clock starts.
var epoch = time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC)

// harness is one subtest's store and the counters that make its fixtures
// unique and its times deterministic. Its helpers fail the test on error;
// they are for the test's own goroutine only, apart from the newX
// constructors, which are safe for concurrent use.
type harness struct {
	*testing.T
	ctx    context.Context
	s      porting.Store
	closed bool

	clock, ids, keys, numbers, contents, events atomic.Int64
}

func newHarness(t *testing.T, open func(t *testing.T) porting.Store) *harness {
	s := open(t)
	require.NotNil(t, s, "open returned a nil Store")
	h := &harness{T: t, ctx: t.Context(), s: s}
	t.Cleanup(func() {
		if !h.closed {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		}
	})
	return h
}

// tick returns the next fake time, one second after the previous one.
func (h *harness) tick() time.Time {
	return epoch.Add(time.Duration(h.clock.Add(1)) * time.Second)
}

// at returns the fake time of tick n.
func at(n int) time.Time { return epoch.Add(time.Duration(n) * time.Second) }

// newID returns a fresh request ID. IDs have a fixed width, so none is a
// substring of another.
func (h *harness) newID() string { return fmt.Sprintf("req-%04d", h.ids.Add(1)) }

// newKey returns a fresh support key with the given prefix ("pr_", "sr_").
func (h *harness) newKey(prefix string) string {
	return fmt.Sprintf("%s%06x", prefix, h.keys.Add(1))
}

// newNumbers returns n fresh E.164 numbers of the same length, so none is
// a substring of another.
func (h *harness) newNumbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("+1202555%04d", h.numbers.Add(1))
	}
	return out
}

// newNumber returns one fresh E.164 number.
func (h *harness) newNumber() string { return h.newNumbers(1)[0] }

// newContentID returns a fresh attachment content ID.
func (h *harness) newContentID() string { return fmt.Sprintf("cnt-%04d", h.contents.Add(1)) }

// newRequest builds a request of the account at the end of path, with one
// sub request in state holding every number. Created and Updated are the
// next tick, so requests built later are newer.
func (h *harness) newRequest(id string, path []string, state porting.State, numbers ...string) *porting.PortRequest {
	now := h.tick()
	r := &porting.PortRequest{
		ID:          id,
		AccountID:   path[len(path)-1],
		AccountPath: slices.Clone(path),
		SupportKey:  h.newKey("pr_"),
		Name:        "Port " + id,
		Created:     now,
		Updated:     now,
	}
	h.addSubRequest(r, state, numbers...)
	r.Updated = now
	r.SubRequests[0].Updated = now
	return r
}

// addSubRequest adds a sub request in state holding the given numbers,
// keeps Numbers sorted and derives the request's state again.
func (h *harness) addSubRequest(r *porting.PortRequest, state porting.State, numbers ...string) *porting.SubRequest {
	sr := porting.SubRequest{
		ID:         fmt.Sprintf("sub-%s-%d", r.ID, len(r.SubRequests)+1),
		SupportKey: h.newKey("sr_"),
		Created:    r.Created,
		Updated:    r.Created,
	}
	setSubState(&sr, state)
	r.SubRequests = append(r.SubRequests, sr)
	for _, n := range numbers {
		r.Numbers = append(r.Numbers, porting.PortNumber{
			Number:       porting.Number{Raw: n, E164: n, Valid: true},
			SubRequestID: sr.ID,
		})
	}
	sort.Slice(r.Numbers, func(i, j int) bool { return r.Numbers[i].E164 < r.Numbers[j].E164 })
	r.State = porting.DeriveState(r.SubRequests)
	return &r.SubRequests[len(r.SubRequests)-1]
}

func setSubState(sr *porting.SubRequest, state porting.State) {
	sr.State, sr.ResumeState = state, ""
	if state == porting.StateCancelPending {
		sr.ResumeState = porting.StateSubmitted
	}
}

// setState moves every sub request of r to state and touches r.
func (h *harness) setState(r *porting.PortRequest, state porting.State) {
	now := h.tick()
	for i := range r.SubRequests {
		setSubState(&r.SubRequests[i], state)
		r.SubRequests[i].Updated = now
	}
	r.State = porting.DeriveState(r.SubRequests)
	r.Updated = now
}

// setNumbers replaces r's numbers; they all go to its first sub request.
func (h *harness) setNumbers(r *porting.PortRequest, numbers ...string) {
	r.Numbers = nil
	for _, n := range numbers {
		r.Numbers = append(r.Numbers, porting.PortNumber{
			Number:       porting.Number{Raw: n, E164: n, Valid: true},
			SubRequestID: r.SubRequests[0].ID,
		})
	}
	sort.Slice(r.Numbers, func(i, j int) bool { return r.Numbers[i].E164 < r.Numbers[j].E164 })
	r.Updated = h.tick()
}

// newEvent returns an event about r.
func (h *harness) newEvent(r *porting.PortRequest, typ porting.EventType) porting.Event {
	n := h.events.Add(1)
	return porting.Event{
		ID:        fmt.Sprintf("ev-%04d", n),
		Type:      typ,
		At:        h.tick(),
		RequestID: r.ID,
		AccountID: r.AccountID,
		Actor:     porting.Actor{AccountID: r.AccountID, UserID: "user-1"},
		State:     r.State,
	}
}

// events makes a Write carrying the given events.
func events(es ...porting.Event) porting.Write { return porting.Write{Events: es} }

// create stores r, failing the test on error.
func (h *harness) create(r *porting.PortRequest, w ...porting.Write) *porting.PortRequest {
	h.Helper()
	require.NoError(h, h.s.CreateRequest(h.ctx, r, one(w)), "CreateRequest %s", r.ID)
	return r
}

// update writes r, failing the test on error.
func (h *harness) update(r *porting.PortRequest, w ...porting.Write) {
	h.Helper()
	require.NoError(h, h.s.UpdateRequest(h.ctx, r, one(w)), "UpdateRequest %s", r.ID)
}

// remove deletes r, failing the test on error.
func (h *harness) remove(r *porting.PortRequest, w ...porting.Write) {
	h.Helper()
	require.NoError(h, h.s.DeleteRequest(h.ctx, r, one(w)), "DeleteRequest %s", r.ID)
}

func one(w []porting.Write) porting.Write {
	if len(w) == 0 {
		return porting.Write{}
	}
	return w[0]
}

// get reads a request, failing the test on error.
func (h *harness) get(id string) *porting.PortRequest {
	h.Helper()
	r, err := h.s.Request(h.ctx, id)
	require.NoError(h, err, "Request %s", id)
	require.NotNil(h, r)
	return r
}

// requireGone checks that a request does not exist.
func (h *harness) requireGone(id string) {
	h.Helper()
	_, err := h.s.Request(h.ctx, id)
	require.ErrorIs(h, err, porting.ErrNotFound, "Request %s", id)
}

// find runs a query, failing the test on error.
func (h *harness) find(q porting.Query) porting.Page {
	h.Helper()
	p, err := h.s.FindRequests(h.ctx, q)
	require.NoError(h, err, "FindRequests %+v", q)
	return p
}

// findIDs returns the IDs of one page of q.
func (h *harness) findIDs(q porting.Query) []string {
	h.Helper()
	return ids(h.find(q).Requests)
}

// ids returns the IDs of requests, in order.
func ids(rs []*porting.PortRequest) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// claims calls ClaimedNumbers, failing the test on error.
func (h *harness) claims(numbers ...string) map[string]porting.Claim {
	h.Helper()
	m, err := h.s.ClaimedNumbers(h.ctx, numbers)
	require.NoError(h, err)
	return m
}

// allEvents reads the whole event log in pages.
func (h *harness) allEvents() []porting.Event {
	h.Helper()
	var out []porting.Event
	var after uint64
	for {
		es, err := h.s.Events(h.ctx, after, 100)
		require.NoError(h, err)
		if len(es) == 0 {
			return out
		}
		out = append(out, es...)
		after = es[len(es)-1].Seq
		require.Less(h, after, uint64(math.MaxUint64))
	}
}

// snapshot is everything a failed write must leave as it was.
type snapshot struct {
	Requests []*porting.PortRequest
	Claims   map[string]porting.Claim
	Events   []porting.Event
	Keys     []string
}

// snapshot reads every request, the claims on numbers, the event log and,
// when the store lists them, its index keys.
func (h *harness) snapshot(numbers ...string) snapshot {
	h.Helper()
	keys, _ := h.indexKeys()
	return snapshot{
		Requests: h.find(porting.Query{Limit: porting.MaxPageSize}).Requests,
		Claims:   h.claims(numbers...),
		Events:   h.allEvents(),
		Keys:     keys,
	}
}

// requireUnchanged checks that the store is as it was at before.
func (h *harness) requireUnchanged(before snapshot, numbers ...string) {
	h.Helper()
	require.Equal(h, before, h.snapshot(numbers...), "a failed write changed the store")
}
