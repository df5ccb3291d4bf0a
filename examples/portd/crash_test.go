package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portkit/portkit/internal/backends"

	"github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
)

// The crash test's knobs.
const (
	crashWorkers       = 8 // concurrent clients; the last crashTelnyxWorkers also speak Telnyx
	crashTelnyxWorkers = 3
	crashCycles        = 12 // kills and restarts (10 in -short mode)
	crashShortCycles   = 10
	crashMinLoad       = 150 * time.Millisecond // load before a kill: uniform in [min, max)
	crashMaxLoad       = 600 * time.Millisecond
	crashMaxActive     = 12 // a worker's requests not yet completed or canceled, at most
	crashMaxCompleted  = 5  // a worker's completed requests, at most
	crashMaxDeleted    = 40 // deleted requests a worker keeps checking
	crashAttachNames   = 3  // a request's attachments are named a1.pdf .. a3.pdf
)

// TestCrashRecovery runs portd as a process of its own (this test binary,
// see TestMain) on a data directory, drives it
// with concurrent clients over both dialects (creates, edits,
// transitions, comments, attachments, deletes, and creates and edits that
// must be refused because another request holds a number), and kills it
// with SIGKILL at random moments, restarting it on the same directory
// each time. After every restart it checks over HTTP that every write the
// server acknowledged is there (attachments byte for byte), that a write
// whose answer was lost in the kill is either wholly there or wholly
// absent, that every request is whole (its listing, state, timeline,
// attachments and number index agree), that no number is on two active
// requests, and that every acknowledged transition is in the timeline.
// At the end it opens the store in-process and checks the event log
// against the same record.
//
// PORTD_CRASH_SEED=N replays a run's choices (the seed is logged; the
// interleaving of the clients and the moments of the kills differ).
func TestCrashRecovery(t *testing.T) {
	for _, be := range backends.Durable() {
		t.Run(be.Name, func(t *testing.T) { testCrashRecovery(t, be.Durable(t)) })
	}
}

func testCrashRecovery(t *testing.T, place backends.Place) {
	started := time.Now()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PORTD_CRASH_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "PORTD_CRASH_SEED")
	}
	t.Logf("crash: seed=%d (PORTD_CRASH_SEED=%d replays it)", seed, seed)
	cycles := crashCycles
	if testing.Short() {
		cycles = crashShortCycles
	}

	bin := portdBinary(t)
	h := &crashHarness{t: t, seed: seed, rng: mrand.New(mrand.NewPCG(seed, 0)),
		anchors: map[int]crashAnchor{}, stats: map[string]int{}}
	for i := range crashWorkers {
		h.workers = append(h.workers, &crashWorker{h: h, id: i, telnyx: i >= crashWorkers-crashTelnyxWorkers,
			reqs: map[string]*crashReq{}})
	}

	p := startPortd(t, bin, place.Flags)
	account := p.account
	require.NotEmpty(t, account, "portd prints the master account")
	h.verify(p, 0) // an empty store is consistent too

	for cycle := 1; cycle <= cycles; cycle++ {
		load := crashMinLoad + time.Duration(h.rng.Int64N(int64(crashMaxLoad-crashMinLoad)))
		h.runLoad(p, cycle, load)
		require.True(t, p.killedBySignal(), "portd was killed by SIGKILL, not gone before: %v\n%s", p.waitErr, p.logs)

		p = startPortd(t, bin, place.Flags)
		require.Equal(t, account, p.account, "the master account survives a kill")
		h.verify(p, cycle)
	}

	// The last check is in-process: the event log, on the store itself.
	require.NoError(t, p.kill())
	h.checkEvents(place)

	h.report(cycles, time.Since(started))
}

// crashAnchor is a worker's anchor request: a request that stays active
// with fixed numbers, which other workers try to claim and must be
// refused.
type crashAnchor struct {
	id     string
	number string
}

// crashHarness is the test's state across kills: the workers' records of
// what portd acknowledged, and the figures.
type crashHarness struct {
	t       *testing.T
	seed    uint64
	rng     *mrand.Rand // the kill moments; only the test goroutine uses it
	workers []*crashWorker

	mu       sync.Mutex
	anchors  map[int]crashAnchor // by worker; read by the others
	failures []string            // failures the workers saw during a load

	killed atomic.Bool // set just before a SIGKILL: later transport errors are expected

	stats map[string]int // merged figures
}

// fail records a failure seen by a worker during a load.
func (h *crashHarness) fail(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures = append(h.failures, fmt.Sprintf(format, args...))
}

// anchorOf returns another worker's anchor, if it has one yet.
func (h *crashHarness) anchorOf(rng *mrand.Rand, notWorker int) (crashAnchor, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ids []int
	for w := range h.anchors {
		if w != notWorker {
			ids = append(ids, w)
		}
	}
	if len(ids) == 0 {
		return crashAnchor{}, false
	}
	slices.Sort(ids)
	return h.anchors[ids[rng.IntN(len(ids))]], true
}

// setAnchor publishes a worker's anchor once portd has acknowledged it.
func (h *crashHarness) setAnchor(worker int, m *crashReq) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.anchors[worker] = crashAnchor{id: m.ID, number: m.Numbers[0]}
}

// runLoad runs the workers against p for about load, then kills p with
// SIGKILL while they are busy, and waits for them to notice.
func (h *crashHarness) runLoad(p *portdProc, cycle int, load time.Duration) {
	t := h.t
	h.killed.Store(false)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, w := range h.workers {
		w.rng = mrand.New(mrand.NewPCG(h.seed, uint64(cycle*1000+w.id+1)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(p, stop)
		}()
	}
	time.Sleep(load)
	h.killed.Store(true)
	close(stop)
	require.NoError(t, p.kill())
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		t.Fatal("the clients did not stop after portd was killed")
	}
	h.mu.Lock()
	probs := crashProblems{items: h.failures}
	h.failures = nil
	h.mu.Unlock()
	probs.requireNone(t, fmt.Sprintf("cycle %d (seed %d): portd answered wrongly while running", cycle, h.seed), p.logs)
	h.stats["cycles"]++
}

// verify checks portd, freshly restarted after a kill, against what the
// workers were told: it settles the writes in doubt, then checks every
// request and the listings.
func (h *crashHarness) verify(p *portdProc, cycle int) {
	t := h.t
	t.Helper()
	start := time.Now()
	res, err := p.do("GET", "/readyz", nil, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.status, "readyz after restart: %s", res)

	h.settleDoubts(p, cycle)
	all, reps, gone := h.checkRequests(p, cycle)
	numbers := h.checkListings(p, cycle, all, reps)

	transitions, comments, attachments := 0, 0, 0
	for _, m := range all {
		transitions += len(m.Transitions)
		comments += len(m.Comments)
		attachments += len(m.Attachments)
	}
	h.stats["checked_requests"] += len(all)
	h.stats["checked_deleted"] += len(gone)
	h.stats["checked_attachments"] += attachments
	h.stats["checked_numbers"] += numbers
	h.stats["checked_transitions"] += transitions
	h.stats["checked_comments"] += comments
	t.Logf("crash: cycle %d verified in %v: %d requests (%d transitions, %d comments, %d attachments), %d deleted, %d numbers",
		cycle, time.Since(start).Round(time.Millisecond), len(all), transitions, comments, attachments, len(gone), numbers)
}

// settleDoubts settles the writes whose answers were lost in the kill:
// each must be wholly done or wholly undone, and the record then follows
// the server.
func (h *crashHarness) settleDoubts(p *portdProc, cycle int) {
	t := h.t
	var probs crashProblems
	// Creates in doubt: found by their (fresh) first number, or nowhere.
	for _, w := range h.workers {
		m := w.pendingCreate
		if m == nil {
			continue
		}
		w.pendingCreate = nil
		rs, err := crashByNumber(p, m.Numbers[0])
		require.NoError(t, err)
		switch len(rs) {
		case 0:
			h.stats["doubt_not_applied"]++
		case 1:
			m.ID = rs[0].ID
			got, _, problems, err := crashFetch(p, m.ID)
			require.NoError(t, err)
			if d := append(problems, m.diff(got)...); len(d) > 0 {
				probs.addf("create in doubt of worker %d, found as %s, is not what was sent:\n    %s", w.id, m.ID, strings.Join(d, "\n    "))
				continue
			}
			w.adopt(m)
			h.stats["doubt_applied"]++
		default:
			probs.addf("create in doubt of worker %d: %d requests hold its fresh number %s", w.id, len(rs), m.Numbers[0])
		}
	}
	// Other writes in doubt: the request is as before, or as after.
	for _, w := range h.workers {
		for _, m := range slices.Collect(maps.Values(w.reqs)) {
			pw := m.pending
			if pw == nil {
				continue
			}
			m.pending = nil
			got, _, problems, err := crashFetch(p, m.ID)
			require.NoError(t, err)
			after := m.clone()
			pw.apply(after)
			before, done := m.diff(got), after.diff(got)
			switch {
			case len(problems) > 0:
				probs.addf("request %s, with a %s in doubt, is inconsistent:\n    %s", m.ID, pw.kind, strings.Join(problems, "\n    "))
			case len(before) == 0:
				h.stats["doubt_not_applied"]++
			case len(done) == 0:
				pw.apply(m)
				h.stats["doubt_applied"]++
				if m.Deleted {
					w.forget(m)
				}
			default:
				probs.addf("request %s, with a %s in doubt, is neither as before nor as after it:\n    before: %s\n    after: %s",
					m.ID, pw.kind, strings.Join(before, "; "), strings.Join(done, "; "))
			}
		}
	}
	probs.requireNone(t, fmt.Sprintf("cycle %d (seed %d): writes in doubt", cycle, h.seed), p.logs)
}

// checkRequests reads back every request the workers follow: each must be
// exactly as acknowledged (its timeline holding every acknowledged
// crashTransition and comment, its attachments byte for byte) and whole, the
// same through the Telnyx dialect, and every deleted one gone. It
// returns the requests, their Kazoo representations, and the deleted.
func (h *crashHarness) checkRequests(p *portdProc, cycle int) (all []*crashReq, reps []crashRep, gone []*crashReq) {
	var probs crashProblems
	for _, w := range h.workers {
		for _, id := range slices.Sorted(maps.Keys(w.reqs)) {
			all = append(all, w.reqs[id])
		}
		gone = append(gone, w.deleted...)
	}
	reps = make([]crashRep, len(all))
	crashParallel(len(all), 6, func(i int) {
		m := all[i]
		got, rep, problems, err := crashFetch(p, m.ID)
		if err != nil {
			probs.addf("request %s: %v", m.ID, err)
			return
		}
		reps[i] = rep
		for _, d := range append(problems, m.diff(got)...) {
			probs.addf("request %s (worker %d): %s", m.ID, m.Owner, d)
		}
		if rep.AccountID != p.account {
			probs.addf("request %s: account %q, not the master's", m.ID, rep.AccountID)
		}
		if msg, err := crashTelnyxCheck(p, m); err != nil || msg != "" {
			probs.addf("request %s: %s %v", m.ID, msg, err)
		}
	})
	crashParallel(len(gone), 6, func(i int) {
		res, err := p.kazoo("GET", "/"+gone[i].ID, 0, "", nil)
		if err != nil || res.status != http.StatusNotFound {
			probs.addf("deleted request %s: GET answers %s %v", gone[i].ID, res, err)
		}
	})
	probs.requireNone(h.t, fmt.Sprintf("cycle %d (seed %d): requests after the restart", cycle, h.seed), p.logs)
	return all, reps, gone
}

// checkListings checks that the listings agree with the requests (all,
// with their representations reps): the listing of every request holds
// them and nothing else, each state's listing holds those in the state,
// no number is on two active requests, and the number index names
// exactly the request that holds each number any worker ever sent. It
// returns how many numbers it looked up.
func (h *crashHarness) checkListings(p *portdProc, cycle int, all []*crashReq, reps []crashRep) int {
	t := h.t
	var probs crashProblems
	want := map[string]string{}   // id -> state
	holder := map[string]string{} // number -> the request that holds it
	for _, m := range all {
		want[m.ID] = m.State
		for _, n := range m.Numbers {
			require.NotContains(t, holder, n, "test bug: %s is on two requests of the record", n)
			holder[n] = m.ID
		}
	}

	listed := h.listing(p, "?by_types=all")
	require.Len(t, listed, len(want), "cycle %d: the listing of every request against the record", cycle)
	for i, m := range all {
		l, ok := listed[m.ID]
		if !ok {
			probs.addf("request %s is not in the listing of every request", m.ID)
			continue
		}
		r := reps[i]
		if l.State != r.State || !slices.Equal(l.numbers(), r.numbers()) || l.fields() != r.fields() || !maps.Equal(l.Uploads, r.Uploads) {
			probs.addf("request %s is listed as %s %v %+v %v, its GET says %s %v %+v %v", m.ID,
				l.State, l.numbers(), l.fields(), l.Uploads, r.State, r.numbers(), r.fields(), r.Uploads)
		}
	}
	active := map[string][]string{} // number -> active requests holding it
	for id, l := range listed {
		if _, ok := want[id]; !ok {
			probs.addf("request %s (%s, %v) is listed but was never acknowledged nor in doubt", id, l.State, l.numbers())
		}
		if l.State != "completed" && l.State != "canceled" {
			for _, n := range l.numbers() {
				active[n] = append(active[n], id)
			}
		}
	}
	for n, ids := range active {
		if len(ids) > 1 {
			probs.addf("number %s is on %d active requests: %v", n, len(ids), ids)
		}
	}
	for _, st := range porting.States() {
		// port_requests/{state}; completed and canceled are paged (and
		// ranged over the last 31 days, which covers the run).
		inState := h.listing(p, "/"+string(st)+"?page_size=1000")
		for id := range inState {
			if want[id] != string(st) {
				probs.addf("request %s is listed as %s, but is %q", id, st, want[id])
			}
		}
		for id, s := range want {
			if _, ok := inState[id]; s == string(st) && !ok {
				probs.addf("request %s (%s) is missing from the %s listing", id, s, st)
			}
		}
	}

	var used []string
	for _, w := range h.workers {
		used = append(used, w.used...)
	}
	crashParallel(len(used), 6, func(i int) {
		n := used[i]
		rs, err := crashByNumber(p, n)
		if err != nil {
			probs.addf("%v", err)
			return
		}
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		var wantIDs []string
		if id, ok := holder[n]; ok {
			wantIDs = []string{id}
		}
		if !slices.Equal(ids, wantIDs) {
			probs.addf("by_number %s lists %v, expected %v", n, ids, wantIDs)
		}
	})
	probs.requireNone(t, fmt.Sprintf("cycle %d (seed %d): listings after the restart", cycle, h.seed), p.logs)
	return len(used)
}

// crashByNumber lists the requests holding a number (GET ?by_number=), by ID.
func crashByNumber(p *portdProc, number string) ([]crashRep, error) {
	res, err := p.kazoo("GET", "?by_number="+url.QueryEscape(number), 0, "", nil)
	if err != nil {
		return nil, err
	}
	if res.status != http.StatusOK {
		return nil, fmt.Errorf("by_number %s: %s", number, res)
	}
	var rs []crashRep
	if _, err := crashDecode(res, &rs); err != nil {
		return nil, err
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs, nil
}

// listing returns a grouped listing of the master account's requests
// (path under port_requests: "?by_types=all", "/submitted"...), by ID.
func (h *crashHarness) listing(p *portdProc, path string) map[string]crashRep {
	h.t.Helper()
	out := map[string]crashRep{}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for page, start := 0, ""; ; page++ {
		require.Less(h.t, page, 1000, "listing %s never ends", path)
		q := path
		if start != "" {
			q += sep + "start_key=" + url.QueryEscape(start)
		}
		res, err := p.kazoo("GET", q, 0, "", nil)
		require.NoError(h.t, err)
		require.Equal(h.t, http.StatusOK, res.status, "listing %s: %s", q, res)
		var env crashEnvelope
		require.NoError(h.t, json.Unmarshal(res.body, &env))
		var groups []crashGroup
		require.NoError(h.t, json.Unmarshal(env.Data, &groups))
		for _, g := range groups {
			require.Equal(h.t, p.account, g.AccountID, "listing %s: group of another account", path)
			for _, r := range g.PortRequests {
				_, dup := out[r.ID]
				require.False(h.t, dup, "listing %s lists %s twice", path, r.ID)
				out[r.ID] = r
			}
		}
		if start = env.NextStartKey; start == "" {
			return out
		}
	}
}

// checkEvents opens the store of the killed portd in-process and checks
// its event log against the record: every acknowledged transition has
// its event, in order, and so has every create, comment, attachment
// write and delete; no event is about a request nobody acknowledged; the
// sequence numbers increase.
func (h *crashHarness) checkEvents(place backends.Place) {
	t := h.t
	store, err := place.Open()
	require.NoError(t, err, "reopening the store after the last kill")
	defer func() { require.NoError(t, store.Close()) }()
	svc := porting.NewService(store, porting.Options{})
	ctx := porting.AsSystem(context.Background())

	var events []porting.Event
	for after := uint64(0); ; {
		es, err := svc.Events(ctx, after, 1000)
		require.NoError(t, err)
		if len(es) == 0 {
			break
		}
		events = append(events, es...)
		after = es[len(es)-1].Seq
	}
	gaps := 0
	for i := 1; i < len(events); i++ {
		require.Greater(t, events[i].Seq, events[i-1].Seq, "event sequence numbers increase")
		if events[i].Seq != events[i-1].Seq+1 {
			gaps++ // allowed: a transaction that lost a race, or that a kill cut short, gives up its number
		}
	}

	type seen struct {
		created, deleted, uploads, uploadDeletes int
		transitions                              []crashTransition
		comments                                 []string
	}
	byReq := map[string]*seen{}
	for _, e := range events {
		s := byReq[e.RequestID]
		if s == nil {
			s = &seen{}
			byReq[e.RequestID] = s
		}
		switch e.Type {
		case porting.EventCreated:
			s.created++
		case porting.EventDeleted:
			s.deleted++
		case porting.EventTransitioned:
			require.NotNil(t, e.Transition, "event %d", e.Seq)
			require.Equal(t, e.Transition.To, e.State, "event %d: the state after a transition is its target", e.Seq)
			s.transitions = append(s.transitions, crashTransition{string(e.Transition.From), string(e.Transition.To)})
		case porting.EventCommentAdded:
			require.NotNil(t, e.Comment, "event %d", e.Seq)
			s.comments = append(s.comments, e.Comment.Body)
		case porting.EventAttachmentAdded:
			s.uploads++
		case porting.EventAttachmentDeleted:
			s.uploadDeletes++
		}
	}

	known := map[string]bool{}
	checked := 0
	for _, w := range h.workers {
		for _, m := range append(slices.Collect(maps.Values(w.reqs)), w.deleted...) {
			known[m.ID] = true
			s := byReq[m.ID]
			require.NotNil(t, s, "request %s has no events", m.ID)
			require.Equal(t, 1, s.created, "request %s: created events", m.ID)
			require.Equal(t, m.Transitions, s.transitions, "request %s: every acknowledged transition has its event, in order", m.ID)
			require.Equal(t, m.Comments, s.comments, "request %s: comment events", m.ID)
			require.Equal(t, m.Uploads, s.uploads, "request %s: attachment events", m.ID)
			require.Equal(t, m.UploadDeletes, s.uploadDeletes, "request %s: attachment deletion events", m.ID)
			wantDeleted := 0
			if m.Deleted {
				wantDeleted = 1
			}
			require.Equal(t, wantDeleted, s.deleted, "request %s: deletion events", m.ID)
			checked += len(s.transitions)
		}
	}
	// Requests deleted long ago are no longer followed; any other event is
	// about a request some worker wrote.
	forgotten := 0
	for id, s := range byReq {
		if !known[id] {
			require.Equal(t, 1, s.deleted, "events about request %s, which no worker acknowledged: %+v", id, s)
			forgotten++
		}
	}
	if bs, ok := store.(*badgerstore.Store); ok {
		h.countOrphans(bs, svc)
	}
	h.stats["events"] = len(events)
	h.stats["event_gaps"] = gaps
	h.stats["checked_transition_events"] = checked
	t.Logf("crash: event log: %d events, %d sequence gaps, %d transition events matched, %d requests deleted earlier",
		len(events), gaps, checked, forgotten)
}

// countOrphans counts the attachment bytes in the store that no request
// references (keys "b/{request}/{content}/{chunk}", see
// store/badger/content.go): the Badger store writes them before the
// transaction that references them, drops them when that transaction
// fails, and, when a kill came in between, drops them on the next Open.
// So there must be none.
func (h *crashHarness) countOrphans(store *badgerstore.Store, svc *porting.Service) {
	t := h.t
	ctx := porting.AsSystem(context.Background())
	type content struct{ request, id string }
	sizes := map[content]int{}
	err := store.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("b/")})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			parts := strings.Split(string(it.Item().Key()), "/")
			require.Len(t, parts, 4, "attachment chunk key %q", it.Item().Key())
			sizes[content{parts[1], parts[2]}] += int(it.Item().ValueSize())
		}
		return nil
	})
	require.NoError(t, err)
	attached := map[string]map[string]bool{} // request -> its content IDs; nil once deleted
	orphans, orphanBytes := 0, 0
	for c, n := range sizes {
		ids, ok := attached[c.request]
		if !ok {
			r, err := svc.Get(ctx, c.request)
			if !errors.Is(err, porting.ErrNotFound) {
				require.NoError(t, err)
				ids = map[string]bool{}
				for _, a := range r.Attachments {
					ids[a.ContentID] = true
				}
			}
			attached[c.request] = ids
		}
		if !ids[c.id] {
			orphans++
			orphanBytes += n
		}
	}
	h.stats["orphan_contents"] = orphans
	h.stats["orphan_bytes"] = orphanBytes
	// Bytes of an upload the kill interrupted are dropped when the store
	// opens: none may be left behind.
	require.Zero(t, orphans, "attachment contents (%d bytes) that no request references", orphanBytes)
}

// report logs the figures of the run.
func (h *crashHarness) report(cycles int, total time.Duration) {
	merged := map[string]int{}
	for _, w := range h.workers {
		for k, v := range w.stats {
			merged[k] += v
		}
	}
	sum := func(prefix string) (int, string) {
		n := 0
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(merged)) {
			if kind, ok := strings.CutPrefix(k, prefix); ok {
				n += merged[k]
				parts = append(parts, fmt.Sprintf("%s=%d", kind, merged[k]))
			}
		}
		return n, strings.Join(parts, " ")
	}
	ops, opsBy := sum("op:")
	acks, acksBy := sum("ack:")
	refusals, refusedBy := sum("refused:")
	doubts, doubtBy := sum("doubt:")
	s := h.stats
	h.t.Logf("crash: ops by kind: %s", opsBy)
	h.t.Logf("crash: acknowledged by kind: %s", acksBy)
	h.t.Logf("crash: refused as expected: %s; in doubt: %s", refusedBy, doubtBy)
	h.t.Logf("crash: cycles=%d ops=%d acked=%d refused=%d in_doubt=%d (applied=%d not_applied=%d refusals=%d) "+
		"checked: requests=%d deleted=%d attachments=%d transitions=%d comments=%d numbers=%d events=%d transition_events=%d "+
		"orphan_contents=%d total=%v seed=%d",
		cycles, ops, acks, refusals, doubts, s["doubt_applied"], s["doubt_not_applied"],
		doubts-s["doubt_applied"]-s["doubt_not_applied"],
		s["checked_requests"], s["checked_deleted"], s["checked_attachments"], s["checked_transitions"],
		s["checked_comments"], s["checked_numbers"], s["events"], s["checked_transition_events"],
		s["orphan_contents"], total.Round(time.Millisecond), h.seed)
	require.Equal(h.t, cycles, s["cycles"])
	require.Positive(h.t, acks, "the clients got writes acknowledged")
	require.Positive(h.t, s["checked_transition_events"], "some transitions were made and checked")
}
