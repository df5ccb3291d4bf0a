package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// Helpers of the fuzz targets (the *_fuzz_test.go files).

// fuzzBed holds the fixture a fuzz target's iterations share. Building one
// costs far more than an iteration, so it is built once and reused while
// iterations leave it as it was; after an iteration that changed it (an
// accepted write), it is built anew. Every iteration so starts from the
// same state, and an input the fuzzer reports fails again alone.
type fuzzBed[W any] struct {
	build func(tb testing.TB) W
	w     W
	dirty bool
}

// newFuzzBed builds the first world with f (whose cleanups close it).
func newFuzzBed[W any](f *testing.F, build func(tb testing.TB) W) *fuzzBed[W] {
	f.Helper()
	return &fuzzBed[W]{build: build, w: build(f)}
}

// get returns the world, built anew first when the last iteration
// changed it.
func (b *fuzzBed[W]) get(t *testing.T) W {
	t.Helper()
	if b.dirty {
		b.w = b.build(fuzzTB{t})
		b.dirty = false
	}
	return b.w
}

// changed marks the world as changed by this iteration: the next one gets
// a new world.
func (b *fuzzBed[W]) changed() { b.dirty = true }

// fuzzTB is the testing.TB a world is rebuilt with inside an iteration:
// failures are the iteration's, but cleanups are dropped, since the world
// outlives the iteration (a memory store needs no closing).
type fuzzTB struct{ testing.TB }

// Cleanup drops f.
func (fuzzTB) Cleanup(func()) {}

// fuzzSnapshot is what an iteration must leave as it was unless it made
// an accepted write: the stored documents of the fixture's requests, the
// store's index keys and its event log.
type fuzzSnapshot struct {
	docs map[string]*porting.PortRequest
	keys []string
	seq  uint64
}

// fuzzTake takes a snapshot of the requests ids of f.
func fuzzTake(tb testing.TB, f *portingtest.Fixture, ids ...string) fuzzSnapshot {
	tb.Helper()
	ctx := context.Background()
	s := fuzzSnapshot{docs: map[string]*porting.PortRequest{}}
	for _, id := range ids {
		r, err := f.Store.Request(ctx, id)
		require.NoError(tb, err)
		s.docs[id] = r
	}
	var err error
	s.keys, err = f.Store.IndexKeys(ctx)
	require.NoError(tb, err)
	for {
		es, err := f.Store.Events(ctx, s.seq, 100)
		require.NoError(tb, err)
		if len(es) == 0 {
			return s
		}
		s.seq = es[len(es)-1].Seq
	}
}

// requireUnchanged fails unless the store is as it was at the snapshot.
func (s fuzzSnapshot) requireUnchanged(tb testing.TB, f *portingtest.Fixture, what string) {
	tb.Helper()
	ctx := context.Background()
	es, err := f.Store.Events(ctx, s.seq, 10)
	require.NoError(tb, err)
	require.Empty(tb, es, "%s: events were logged", what)
	for id, want := range s.docs {
		got, err := f.Store.Request(ctx, id)
		require.NoError(tb, err, "%s: request %s", what, id)
		require.Equal(tb, want, got, "%s: request %s changed", what, id)
	}
	keys, err := f.Store.IndexKeys(ctx)
	require.NoError(tb, err)
	require.Equal(tb, s.keys, keys, "%s: the store's index changed", what)
}

// fuzzServe sends a request built without parsing a URL (a fuzzed path or
// query may be no valid URL, which httptest.NewRequest refuses): rawPath
// is the escaped path, rawQuery the query as sent. header is set on it.
func fuzzServe(h http.Handler, method, rawPath, rawQuery string, header http.Header, body io.Reader) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/", body)
	p, err := url.PathUnescape(rawPath)
	if err != nil {
		p = rawPath
	}
	req.URL.Path, req.URL.RawPath, req.URL.RawQuery = p, "", rawQuery
	if p != rawPath {
		req.URL.RawPath = rawPath
	}
	req.RequestURI = rawPath
	if rawQuery != "" {
		req.RequestURI += "?" + rawQuery
	}
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// fuzzIsRedirect reports whether rec is the ServeMux's redirect of an
// unclean path p (unescaped) to its clean form: the only answer that is
// neither a success nor a refusal in the dialect's shape.
func fuzzIsRedirect(rec *httptest.ResponseRecorder, p string) bool {
	switch rec.Code {
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean != p
}

// The fuzz targets read what they sent with encoding/json, as any client
// would, not as the dialects read it: an object decodes into a map (of a
// key sent twice, the last value), and where a key is sent twice the
// targets compare nothing exact for it, since which value counts is the
// dialect's choice.

// fuzzObject decodes a JSON object, reporting false for any other value.
func fuzzObject(raw []byte) (map[string]json.RawMessage, bool) {
	raw = bytes.TrimSpace(raw)
	var m map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	return m, true
}

// fuzzString decodes a JSON string value, reporting false for any other
// value.
func fuzzString(raw json.RawMessage) (string, bool) {
	var s string
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// fuzzSentOnce reports whether key, a key of m (obj, a JSON object,
// decoded by fuzzObject), is the key of exactly one member of obj. It
// counts spellings of the key in the compact object, less those inside
// the values m holds: what is left are the spellings among obj's own keys
// (and inside the values of members a later one of the same key hid from
// m, so that it errs towards false). It is false as well when a \u
// escape of one of key's characters is left, which could spell key
// otherwise.
func fuzzSentOnce(obj []byte, m map[string]json.RawMessage, key string) bool {
	own := func(needle []byte, fold bool) int {
		count := func(raw []byte) int {
			var b bytes.Buffer
			if json.Compact(&b, raw) != nil {
				return 1 << 20 // not JSON: never once
			}
			if fold {
				return bytes.Count(bytes.ToLower(b.Bytes()), needle)
			}
			return bytes.Count(b.Bytes(), needle)
		}
		n := count(obj)
		for _, v := range m {
			n -= count(v)
		}
		return n
	}
	for _, r := range key {
		if own(fmt.Appendf(nil, `\u%04x`, r), true) > 0 {
			return false
		}
	}
	quoted, err := json.Marshal(key)
	if err != nil {
		return false
	}
	return own(append(quoted, ':'), false) == 1
}

// fuzzStrings returns every string of a JSON value, keys included.
func fuzzStrings(raw []byte) map[string]bool {
	out := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		if s, ok := tok.(string); ok {
			out[s] = true
		}
	}
}
