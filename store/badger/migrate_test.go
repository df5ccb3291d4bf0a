package badger

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	bdg "github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// The migration of documents of older codec versions, and of documents
// that hold the timeline inline, when a store opens (migrate.go). Each test
// writes a directory as an older build left it, with Badger alone, before
// any store ever opened it.

// The golden samples of the codec (store/internal/codec/testdata): version
// 1, and version 2 of before the timeline was kept apart. Both hold the
// same request and inline timeline; the codec's tests pin what they
// decode to.
const (
	goldenV1Path = "../internal/codec/testdata/request.v1.bin"
	goldenV2Path = "../internal/codec/testdata/request.v2.bin"
)

// golden returns the request the golden samples hold, and their inline
// timeline as entries.
func golden(t *testing.T) (*porting.PortRequest, []porting.TimelineEntry) {
	t.Helper()
	b, err := os.ReadFile(goldenV1Path)
	require.NoError(t, err)
	r, entries, err := codec.DecodeDocument(b)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	return r, entries
}

// inlineTimeline is the comments and transitions a document of before
// the timeline was kept apart held inline.
type inlineTimeline struct {
	comments    []porting.Comment
	transitions []porting.Transition
}

// legacyV2ID is the request of legacyV2Request.
const legacyV2ID = "fedcba9876543210fedcba9876543210"

// legacyV2Request is a request as a version 2 build of before the timeline
// stored it: no comment count, its comments and transitions inline. Some
// are at the same time, to pin the order of the migrated timeline.
func legacyV2Request() (*porting.PortRequest, inlineTimeline) {
	at := func(m int) time.Time { return time.Date(2026, 2, 1, 9, m, 0, 0, time.UTC) }
	r := &porting.PortRequest{
		ID: legacyV2ID, AccountID: "customer", AccountPath: []string{"authority", "customer"},
		SupportKey: "pr_4d5e6f", Name: "Branch office", State: porting.StateSubmitted,
		Numbers: []porting.PortNumber{{Number: porting.Number{Raw: "+1 303 555 0142", E164: "+13035550142", Valid: true, Region: "US",
			Type: porting.NumberTypeFixedLineOrMobile, Coverage: porting.CoverageNANPGeneric}, SubRequestID: "sub-c"}},
		SubRequests: []porting.SubRequest{{ID: "sub-c", SupportKey: "sr_cccccc", State: porting.StateSubmitted, Created: at(0), Updated: at(3)}},
		Created:     at(0), Updated: at(3), Revision: 3,
	}
	legacy := inlineTimeline{
		comments: []porting.Comment{
			{ID: "cm-a", Body: "before anything", Author: "Customer User", AccountID: "customer", UserID: "u1", Created: at(0)},
			{ID: "cm-b", Body: "with the submission", Author: "Customer User", AccountID: "customer", UserID: "u1", Created: at(1)},
			{ID: "cm-c", Body: "internal note", Author: "Authority User", AccountID: "authority", UserID: "u2", SubRequestID: "sub-c",
				Private: true, Created: at(2)},
		},
		transitions: []porting.Transition{
			{At: at(1), From: porting.StateUnconfirmed, To: porting.StateSubmitted, Actor: porting.Actor{AccountID: "customer", UserID: "u1"}},
			{At: at(3), SubRequestID: "sub-c", From: porting.StateUnconfirmed, To: porting.StateSubmitted, Actor: porting.Actor{Name: "system", Admin: true}},
		},
	}
	return r, legacy
}

// legacyV2Entries is the timeline legacyV2Request migrates to.
func legacyV2Entries() []porting.TimelineEntry {
	_, l := legacyV2Request()
	return []porting.TimelineEntry{
		{At: l.comments[0].Created, Comment: &l.comments[0]},
		{At: l.transitions[0].At, Transition: &l.transitions[0]}, // before the comment of its time
		{At: l.comments[1].Created, Comment: &l.comments[1]},
		{At: l.comments[2].Created, Comment: &l.comments[2]},
		{At: l.transitions[1].At, Transition: &l.transitions[1]},
	}
}

// currentRequest is a request written by this build, with a timeline of
// its own: migration leaves it alone.
func currentRequest() (*porting.PortRequest, []porting.TimelineEntry) {
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	r := &porting.PortRequest{ID: "00000000000000000000000000000abc", AccountID: "customer", AccountPath: []string{"customer"},
		SupportKey: "pr_777777", Name: "Current", State: porting.StateUnconfirmed, CommentCount: 1, Created: at, Updated: at, Revision: 1}
	return r, []porting.TimelineEntry{{At: at, Comment: &porting.Comment{ID: "cm-now", Body: "new style", Created: at}}}
}

// writeOldStore writes, with Badger alone, each document under its
// request's key (the request it decodes to also gets its index keys), and
// the timelines given.
func writeOldStore(t *testing.T, dir string, docs [][]byte, timelines map[string][]porting.TimelineEntry) {
	t.Helper()
	db, err := bdg.Open(bdg.DefaultOptions(dir).WithLogger(nil))
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	require.NoError(t, db.Update(func(txn *bdg.Txn) error {
		for _, b := range docs {
			r, err := codec.Decode(b)
			require.NoError(t, err)
			require.NoError(t, txn.Set([]byte(keyspace.RequestKey(r.ID)), b))
			for k, v := range keyspace.Entries(r) {
				require.NoError(t, txn.Set([]byte(k), []byte(v)))
			}
		}
		for id, entries := range timelines {
			require.NoError(t, keyspace.AppendTimeline(&tx{txn: txn}, id, entries))
		}
		return nil
	}))
}

// rawDocument reads the stored bytes of a request's document.
func rawDocument(t *testing.T, s *Store, id string) []byte {
	t.Helper()
	var b []byte
	require.NoError(t, s.DB().View(func(txn *bdg.Txn) error {
		item, err := txn.Get([]byte(keyspace.RequestKey(id)))
		if err != nil {
			return err
		}
		b, err = item.ValueCopy(nil)
		return err
	}))
	return b
}

// requireCurrentDocument requires b to be a document of this build: of
// codecVersion, without the retired fields 21 and 22, decoding to want and
// no legacy timeline.
func requireCurrentDocument(t *testing.T, b []byte, want *porting.PortRequest) {
	t.Helper()
	require.Equal(t, byte(codec.Version), b[0])
	require.False(t, codec.NeedsMigration(b), "the retired fields 21 and 22 (the inline timeline) left in the document")
	got, legacy, err := codec.DecodeDocument(b)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Empty(t, legacy)
}

// timeline reads the whole timeline of a request, requiring it in one page.
func timeline(t *testing.T, s *Store, id string) []porting.TimelineEntry {
	t.Helper()
	page, err := s.Timeline(context.Background(), id, porting.TimelineQuery{WithTotal: true})
	require.NoError(t, err)
	require.Empty(t, page.Next)
	require.Len(t, page.Entries, page.Total)
	return page.Entries
}

// logBuffer collects a store's log lines; Badger logs from its goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// openLogged opens a store on dir, logging into the buffer returned.
func openLogged(t *testing.T, dir string) (*Store, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	s, err := Open(Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	require.NoError(t, err)
	return s, logs
}

// TestMigrateV1 opens a store on a directory holding the golden version 1
// document: Open rewrites it in the current version, its comments and
// transitions moved to the timeline in order; a second Open migrates
// nothing more and duplicates nothing; an update appends after the
// migrated entries.
func TestMigrateV1(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v1, err := os.ReadFile(goldenV1Path)
	require.NoError(t, err)
	require.Equal(t, byte(1), v1[0])
	cur, curTimeline := currentRequest()
	curDoc := codec.Encode(cur)
	writeOldStore(t, dir, [][]byte{v1, curDoc}, map[string][]porting.TimelineEntry{cur.ID: curTimeline})

	want, wantEntries := golden(t)
	s, logs := openLogged(t, dir)
	require.Contains(t, logs.String(), "migrated documents to the current codec")
	require.Contains(t, logs.String(), "documents=1")
	got, err := s.Request(ctx, want.ID)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, 2, got.CommentCount)
	require.Equal(t, wantEntries, timeline(t, s, want.ID))
	migrated := rawDocument(t, s, want.ID)
	requireCurrentDocument(t, migrated, want)
	// The current document and its timeline are as they were.
	require.Equal(t, curDoc, rawDocument(t, s, cur.ID))
	require.Equal(t, curTimeline, timeline(t, s, cur.ID))
	// The migrated request is found through its indexes as before.
	page, err := s.FindRequests(ctx, porting.Query{AccountID: "customer", Limit: 10})
	require.NoError(t, err)
	require.Len(t, page.Requests, 2)
	n, err := s.migrate()
	require.NoError(t, err)
	require.Zero(t, n, "nothing is left to migrate")
	require.NoError(t, s.Close())

	// Opened again, nothing migrates, nothing is appended twice.
	s, logs = openLogged(t, dir)
	defer s.Close()
	require.NotContains(t, logs.String(), "migrated documents")
	require.Equal(t, migrated, rawDocument(t, s, want.ID))
	require.Equal(t, wantEntries, timeline(t, s, want.ID))
	require.Equal(t, curTimeline, timeline(t, s, cur.ID))

	// An update appends its entries after the migrated ones.
	requireUpdateAppends(t, s, want.ID, wantEntries)
}

// requireUpdateAppends updates a migrated request with a comment and a
// transition: the timeline is the migrated entries, then these.
func requireUpdateAppends(t *testing.T, s *Store, id string, migrated []porting.TimelineEntry) {
	t.Helper()
	ctx := context.Background()
	r, err := s.Request(ctx, id)
	require.NoError(t, err)
	at := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	c := porting.Comment{ID: "cm-new", Body: "after the migration", AccountID: "customer", Created: at}
	tr := porting.Transition{At: at, From: r.State, To: porting.StateCancelPending, Actor: porting.Actor{Name: "system", Admin: true}}
	r.Name = "renamed"
	r.CommentCount++
	r.Updated = at
	require.NoError(t, s.UpdateRequest(ctx, r, porting.Write{Timeline: []porting.TimelineEntry{
		{At: at, Comment: &c}, {At: at, Transition: &tr},
	}}))
	got, err := s.Request(ctx, id)
	require.NoError(t, err)
	require.Equal(t, r, got)
	want := append(migrated[:len(migrated):len(migrated)], porting.TimelineEntry{At: at, Comment: &c}, porting.TimelineEntry{At: at, Transition: &tr})
	require.Equal(t, want, timeline(t, s, id))

	// Paged, filtered: the migrated entries are entries like the others.
	var paged []porting.TimelineEntry
	q := porting.TimelineQuery{Limit: 2}
	for {
		page, err := s.Timeline(ctx, id, q)
		require.NoError(t, err)
		paged = append(paged, page.Entries...)
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	require.Equal(t, want, paged)
	page, err := s.Timeline(ctx, id, porting.TimelineQuery{Kind: porting.TimelineComments, WithTotal: true})
	require.NoError(t, err)
	require.Equal(t, got.CommentCount, page.Total, "the count counts the migrated comments")
}

// TestMigrateV2InlineTimeline opens a store on a directory holding version 2
// documents of before the timeline was kept apart (the golden sample, and
// one built with the encoder's comment and transition writers): Open must
// move their comments and transitions to the timeline and rewrite them
// without fields 21 and 22 (codecVersion is 2 still: the version byte does
// not tell these documents apart). Otherwise Request drops the inline
// timeline, Timeline is empty, and the next update loses it for good.
func TestMigrateV2InlineTimeline(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v2, err := os.ReadFile(goldenV2Path)
	require.NoError(t, err)
	require.Equal(t, byte(2), v2[0])
	legacyReq, legacy := legacyV2Request()
	require.Zero(t, legacyReq.CommentCount, "documents of the day had no count")
	legacyDoc := codec.EncodeLegacyV2(legacyReq, legacy.comments, legacy.transitions)
	cur, curTimeline := currentRequest()
	curDoc := codec.Encode(cur)
	writeOldStore(t, dir, [][]byte{v2, legacyDoc, curDoc}, map[string][]porting.TimelineEntry{cur.ID: curTimeline})

	wantGolden, goldenEntries := golden(t)
	wantLegacy := *legacyReq
	wantLegacy.CommentCount = len(legacy.comments)
	s, _ := openLogged(t, dir)
	for _, c := range []struct {
		r       *porting.PortRequest
		entries []porting.TimelineEntry
	}{{wantGolden, goldenEntries}, {&wantLegacy, legacyV2Entries()}} {
		got, err := s.Request(ctx, c.r.ID)
		require.NoError(t, err)
		require.Equal(t, c.r, got)
		require.Equal(t, c.entries, timeline(t, s, c.r.ID), "request %s: the inline timeline moved to the timeline", c.r.ID)
		requireCurrentDocument(t, rawDocument(t, s, c.r.ID), c.r)
	}
	require.Equal(t, curDoc, rawDocument(t, s, cur.ID))
	require.Equal(t, curTimeline, timeline(t, s, cur.ID))
	n, err := s.migrate()
	require.NoError(t, err)
	require.Zero(t, n, "nothing is left to migrate")
	migrated := rawDocument(t, s, legacyV2ID)
	require.NoError(t, s.Close())

	s, logs := openLogged(t, dir)
	defer s.Close()
	require.NotContains(t, logs.String(), "migrated documents")
	require.Equal(t, migrated, rawDocument(t, s, legacyV2ID))
	require.Equal(t, legacyV2Entries(), timeline(t, s, legacyV2ID))
	require.Equal(t, goldenEntries, timeline(t, s, wantGolden.ID))
	requireUpdateAppends(t, s, legacyV2ID, legacyV2Entries())
}

// TestMigrateRefusesCorruptDocuments fails Open on an old document that
// does not decode, naming it, and leaves it as it was.
func TestMigrateRefusesCorruptDocuments(t *testing.T) {
	dir := t.TempDir()
	v1, err := os.ReadFile(goldenV1Path)
	require.NoError(t, err)
	cut := v1[:len(v1)-1]
	db, err := bdg.Open(bdg.DefaultOptions(dir).WithLogger(nil))
	require.NoError(t, err)
	require.NoError(t, db.Update(func(txn *bdg.Txn) error { return txn.Set([]byte(keyspace.RequestKey("broken")), cut) }))
	require.NoError(t, db.Close())

	_, err = Open(Options{Dir: dir, Logger: slog.New(slog.NewTextHandler(&logBuffer{}, nil))})
	require.ErrorIs(t, err, codec.ErrCorrupt)
	require.ErrorContains(t, err, "migrating port request broken")

	db, err = bdg.Open(bdg.DefaultOptions(dir).WithLogger(nil))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.View(func(txn *bdg.Txn) error {
		item, err := txn.Get([]byte(keyspace.RequestKey("broken")))
		require.NoError(t, err)
		b, err := item.ValueCopy(nil)
		require.Equal(t, cut, b)
		return err
	}))
}
