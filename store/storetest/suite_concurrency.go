package storetest

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

func concurrentCases() []testCase {
	return []testCase{
		{"ClaimSameNumber", testConcurrentClaimSameNumber},
		{"UpdateSameRevision", testConcurrentUpdateSameRevision},
		{"DistinctNumbers", testConcurrentDistinctNumbers},
		{"SameSupportKey", testConcurrentSameSupportKey},
		{"EventsInOrder", testConcurrentEventsInOrder},
		{"ReadsWhileWriting", testConcurrentReadsWhileWriting},
	}
}

// winner returns the index of the only nil error.
func (h *harness) winner(errs []error) int {
	h.Helper()
	win := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(h, -1, win, "more than one concurrent write succeeded")
			win = i
		}
	}
	require.NotEqual(h, -1, win, "no concurrent write succeeded: %v", errors.Join(errs...))
	return win
}

func testConcurrentClaimSameNumber(h *harness) {
	const n = 64
	x := h.newNumber()
	rs := make([]*porting.PortRequest, n)
	for i := range rs {
		rs[i] = h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, x)
	}
	errs := portingtest.Race(n, func(i int) error {
		return h.s.CreateRequest(h.ctx, rs[i], events(h.newEvent(rs[i], porting.EventCreated)))
	})
	win := rs[h.winner(errs)]
	for i, err := range errs {
		if rs[i] != win {
			h.requireOnRequest(err, numberClaim{x, win.ID})
		}
	}
	require.Equal(h, map[string]porting.Claim{x: claimOf(win.ID)}, h.claims(x))
	require.Equal(h, []string{win.ID}, h.findIDs(porting.Query{Number: x}))
	require.Equal(h, []string{win.ID}, h.findIDs(porting.Query{}))
	es := h.allEvents()
	require.Len(h, es, 1, "failed creates stored events")
	require.Equal(h, win.ID, es[0].RequestID)
	keys, ok := h.indexKeys()
	for _, r := range rs {
		if r != win {
			h.requireGone(r.ID)
			if ok {
				require.Empty(h, keysWith(keys, r.ID), "a failed create left keys behind")
			}
		}
	}
}

func testConcurrentUpdateSameRevision(h *harness) {
	const n = 32
	base := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber()))
	rs := make([]*porting.PortRequest, n)
	for i := range rs {
		rs[i] = base.Clone()
		rs[i].Name = fmt.Sprintf("writer %d", i)
		h.setNumbers(rs[i], h.newNumber())
	}
	errs := portingtest.Race(n, func(i int) error {
		return h.s.UpdateRequest(h.ctx, rs[i], events(h.newEvent(rs[i], porting.EventUpdated)))
	})
	wi := h.winner(errs)
	win := rs[wi]
	for i, err := range errs {
		if i != wi {
			require.ErrorIs(h, err, porting.ErrConflict, "writer %d", i)
			require.EqualValues(h, 1, rs[i].Revision, "writer %d", i)
			require.Empty(h, h.claims(rs[i].E164s()...), "a failed update claimed a number")
		}
	}
	require.EqualValues(h, 2, win.Revision)
	require.Equal(h, win, h.get(base.ID))
	require.Equal(h, map[string]porting.Claim{win.Numbers[0].E164: claimOf(base.ID)}, h.claims(win.E164s()...))
	require.Empty(h, h.claims(base.E164s()...))
	require.Len(h, h.allEvents(), 1, "failed updates stored events")
	require.Equal(h, []string{base.ID}, h.findIDs(porting.Query{Number: win.Numbers[0].E164}))
}

func testConcurrentDistinctNumbers(h *harness) {
	const n = 64
	rs := make([]*porting.PortRequest, n)
	for i := range rs {
		rs[i] = h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumbers(2)...)
	}
	errs := portingtest.Race(n, func(i int) error {
		return h.s.CreateRequest(h.ctx, rs[i], events(h.newEvent(rs[i], porting.EventCreated)))
	})
	require.NoError(h, errors.Join(errs...))

	p := h.find(porting.Query{Limit: porting.MaxPageSize, WithTotal: true})
	require.Equal(h, n, p.Total)
	require.ElementsMatch(h, ids(rs), ids(p.Requests))
	var all []string
	for _, r := range rs {
		require.Equal(h, []string{r.ID}, h.findIDs(porting.Query{Number: r.Numbers[1].E164}))
		require.Equal(h, []string{r.ID}, h.findIDs(porting.Query{SupportKey: r.SupportKey}))
		all = append(all, r.E164s()...)
	}
	claims := h.claims(all...)
	require.Len(h, claims, 2*n)
	for _, r := range rs {
		require.Equal(h, claimOf(r.ID), claims[r.Numbers[0].E164])
	}
	es := h.allEvents()
	require.Len(h, es, n)
	for i := 1; i < len(es); i++ {
		require.Greater(h, es[i].Seq, es[i-1].Seq)
	}
}

func testConcurrentSameSupportKey(h *harness) {
	const n = 32
	rs := make([]*porting.PortRequest, n)
	for i := range rs {
		rs[i] = h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber())
		rs[i].SupportKey = "pr_c0ffee"
	}
	errs := portingtest.Race(n, func(i int) error { return h.s.CreateRequest(h.ctx, rs[i], porting.Write{}) })
	win := rs[h.winner(errs)]
	for i, err := range errs {
		if rs[i] != win {
			require.ErrorIs(h, err, porting.ErrSupportKeyTaken)
			require.Empty(h, h.claims(rs[i].E164s()...))
			h.requireGone(rs[i].ID)
		}
	}
	require.Equal(h, []string{win.ID}, h.findIDs(porting.Query{SupportKey: "pr_c0ffee"}))
	require.Equal(h, []string{win.ID}, h.findIDs(porting.Query{}))
}

// testConcurrentEventsInOrder polls the event log while writers append to
// it: a reader that always asks for what follows the last Seq it saw must
// see every event exactly once, in order, so an event may not become
// visible before one with a smaller Seq.
func testConcurrentEventsInOrder(h *harness) {
	const writers, writes = 8, 20
	var written atomic.Int64
	var done atomic.Bool

	var seen []porting.Event
	var problems []string
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		var after uint64
		for {
			finished := done.Load()
			es, err := h.s.Events(h.ctx, after, 7)
			if err != nil {
				problems = append(problems, err.Error())
				return
			}
			for _, e := range es {
				if e.Seq <= after {
					problems = append(problems, fmt.Sprintf("Events(%d) returned Seq %d", after, e.Seq))
				}
				after = e.Seq
			}
			seen = append(seen, es...)
			if len(es) == 0 {
				if finished {
					return
				}
				runtime.Gosched()
			}
		}
	}()

	errs := portingtest.Race(writers, func(w int) error {
		r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
		for i := range writes {
			var es []porting.Event
			for range i%3 + 1 {
				es = append(es, h.newEvent(r, porting.EventUpdated))
			}
			var err error
			if i == 0 {
				err = h.s.CreateRequest(h.ctx, r, events(es...))
			} else {
				r.Updated = h.tick()
				err = h.s.UpdateRequest(h.ctx, r, events(es...))
			}
			if err != nil {
				return err
			}
			written.Add(int64(len(es)))
		}
		return nil
	})
	done.Store(true)
	<-readerDone
	require.NoError(h, errors.Join(errs...))
	require.Empty(h, problems)

	all := h.allEvents()
	require.Len(h, all, int(written.Load()))
	require.Equal(h, all, seen, "the polling reader missed or repeated events")
	byID := map[string]bool{}
	for _, e := range all {
		require.False(h, byID[e.ID], "event %s stored twice", e.ID)
		byID[e.ID] = true
	}
	require.True(h, slices.IsSortedFunc(all, func(a, b porting.Event) int { return cmp.Compare(a.Seq, b.Seq) }))
}

// testConcurrentReadsWhileWriting checks that readers never see a
// half-written request: its name always matches its revision.
func testConcurrentReadsWhileWriting(h *harness) {
	const updates, readers = 60, 4
	x := h.newNumber()
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, x)
	r.Name = "rev 1"
	h.create(r)
	var done atomic.Bool
	var mu sync.Mutex
	var problems []string
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	check := func(got *porting.PortRequest) {
		if want := fmt.Sprint("rev ", got.Revision); got.Name != want {
			report("read revision %d named %q", got.Revision, got.Name)
		}
	}
	var wg sync.WaitGroup
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				got, err := h.s.Request(h.ctx, r.ID)
				if err != nil {
					report("Request: %v", err)
					return
				}
				check(got)
				p, err := h.s.FindRequests(h.ctx, porting.Query{Number: x})
				if err != nil || len(p.Requests) != 1 {
					report("FindRequests: %v, %d results", err, len(p.Requests))
					return
				}
				check(p.Requests[0])
				runtime.Gosched()
			}
		}()
	}
	for range updates {
		r.Name = fmt.Sprint("rev ", r.Revision+1)
		r.Updated = h.tick()
		if err := h.s.UpdateRequest(h.ctx, r, porting.Write{}); err != nil {
			report("UpdateRequest: %v", err)
			break
		}
	}
	done.Store(true)
	wg.Wait()
	require.Empty(h, problems)
	require.EqualValues(h, updates+1, h.get(r.ID).Revision)
}
