package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
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

// fuzzRequireStatus fails unless an answer is a success (2xx) or a
// refusal (4xx): never a 5xx, nor a redirect or another status.
func fuzzRequireStatus(tb testing.TB, rec *httptest.ResponseRecorder, what string) {
	tb.Helper()
	ok := rec.Code >= http.StatusOK && rec.Code < http.StatusMultipleChoices ||
		rec.Code >= http.StatusBadRequest && rec.Code < http.StatusInternalServerError
	require.True(tb, ok, "%s: status %d: %s", what, rec.Code, rec.Body)
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

// kazooFuzzAnswer is a Kazoo answer as a fuzz target checks it.
type kazooFuzzAnswer struct {
	Code int
	Env  kazooEnvelope
}

// kazooFuzzCheck checks any Kazoo answer: no 5xx; JSON in the envelope;
// a refusal is a 4xx with status "error", the code in error and a
// message; a success has status "success" and a revision. It returns the
// decoded envelope.
func kazooFuzzCheck(tb testing.TB, rec *httptest.ResponseRecorder, what string) kazooFuzzAnswer {
	tb.Helper()
	fuzzRequireStatus(tb, rec, what)
	require.Equal(tb, "application/json", rec.Header().Get("Content-Type"), "%s: %s", what, rec.Body)
	a := kazooFuzzAnswer{Code: rec.Code}
	require.NoError(tb, json.Unmarshal(rec.Body.Bytes(), &a.Env), "%s: answer is not JSON: %q", what, rec.Body)
	if rec.Code >= http.StatusBadRequest {
		require.Equal(tb, "error", a.Env.Status, "%s: %s", what, rec.Body)
		require.Equal(tb, strconv.Itoa(rec.Code), a.Env.Error, "%s: %s", what, rec.Body)
		require.NotEmpty(tb, strings.TrimSpace(a.Env.Message), "%s: a refusal without a message: %s", what, rec.Body)
		return a
	}
	require.Equal(tb, "success", a.Env.Status, "%s: %s", what, rec.Body)
	require.NotNil(tb, a.Env.Revision, "%s: %s", what, rec.Body)
	return a
}

// telnyxFuzzCheck checks any Telnyx answer: no 5xx; JSON; a refusal is a
// 4xx with a message and error entries each with a code and a title.
func telnyxFuzzCheck(tb testing.TB, rec *httptest.ResponseRecorder, what string) {
	tb.Helper()
	fuzzRequireStatus(tb, rec, what)
	require.Equal(tb, "application/json", rec.Header().Get("Content-Type"), "%s: %s", what, rec.Body)
	require.True(tb, json.Valid(rec.Body.Bytes()), "%s: answer is not JSON: %q", what, rec.Body)
	if rec.Code < http.StatusBadRequest {
		return
	}
	var body struct {
		Message string `json:"message"`
		Errors  []struct {
			Code  string `json:"code"`
			Title string `json:"title"`
		} `json:"errors"`
	}
	require.NoError(tb, json.Unmarshal(rec.Body.Bytes(), &body), "%s: %s", what, rec.Body)
	require.NotEmpty(tb, strings.TrimSpace(body.Message), "%s: a refusal without a message: %s", what, rec.Body)
	require.NotEmpty(tb, body.Errors, "%s: a refusal without errors: %s", what, rec.Body)
	for _, e := range body.Errors {
		require.NotEmpty(tb, e.Code, "%s: an error without a code: %s", what, rec.Body)
		require.NotEmpty(tb, e.Title, "%s: an error without a title: %s", what, rec.Body)
	}
}

// kazooFuzzSetup builds a Kazoo handler over a new fixture, as kazooSetup
// does (the account "other" and testTokens), for any testing.TB.
func kazooFuzzSetup(tb testing.TB) (*portingtest.Fixture, http.Handler) {
	tb.Helper()
	f := portingtest.New(tb)
	require.NoError(tb, f.Service.PutAccount(porting.AsSystem(context.Background()),
		porting.Account{ID: "other", Name: "Other Root"}))
	mux := http.NewServeMux()
	mux.Handle("/v2/", httpapi.NewKazoo(f.Service, testTokens(f), httpapi.KazooOptions{}))
	return f, mux
}
