package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// What an attacker or a broken client sends, to both dialects: each case
// must get the 4xx it names, with a body that names the problem, and
// must leave the store as it was.

// badEnv is both dialects over one fixture, with a request of the
// customer's to aim at: a draft (Kazoo unconfirmed) with one attachment.
type badEnv struct {
	f     *portingtest.Fixture
	h     http.Handler
	id    string // the draft
	subID string // its sub request
	pid   string // the submitted request
}

// badSetup builds the environment.
func badSetup(t *testing.T) *badEnv {
	t.Helper()
	f := portingtest.New(t)
	tokens := apitest.Tokens(f)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(f.Service, tokens, kazoo.Options{Logger: quiet}))
	mux.Handle("/origination/porting/", telnyx.New(f.Service, tokens, telnyx.Options{Logger: quiet}))
	r := f.Create(t, "+12025550100")
	_, r, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "bill.pdf", ContentType: "application/pdf", Body: strings.NewReader("%PDF-1.4 bill"),
	})
	require.NoError(t, err)
	p := f.Create(t, "+12025550101")
	f.FillSubRequests(t, p.ID)
	p = f.Move(t, p.ID, porting.StateSubmitted)
	return &badEnv{f: f, h: mux, id: r.ID, subID: r.SubRequests[0].ID, pid: p.ID}
}

// snapshot is everything the store holds that a request could change:
// every request, in full, and the event log.
func (e *badEnv) snapshot(t *testing.T) string {
	t.Helper()
	ctx := porting.AsSystem(context.Background())
	page, err := e.f.Service.List(ctx, porting.Query{Limit: porting.MaxPageSize})
	require.NoError(t, err)
	events, err := e.f.Service.Events(ctx, 0, 10_000)
	require.NoError(t, err)
	b, err := json.Marshal(map[string]any{"requests": page.Requests, "events": events})
	require.NoError(t, err)
	return string(b)
}

// badCase is one hostile request and what it must get.
type badCase struct {
	name        string
	method      string
	path        string // {id} and {sid} are the request's and its sub request's
	contentType string // "" sends none
	body        []byte
	status      int
	says        string // in the response body
}

// send performs a case as the customer, over the dialect its path names.
func (e *badEnv) send(c badCase) *httptest.ResponseRecorder {
	path := strings.NewReplacer("{id}", e.id, "{sid}", e.subID, "{pid}", e.pid).Replace(c.path)
	return apitest.Serve(e.h, c.method, path, apitest.CustomerToken, c.contentType, c.body)
}

// Building blocks of hostile bodies.
var (
	badNUL         = `na\u0000me`
	badInvalidUTF8 = "na\xff\xfeme"
	badNested      = strings.Repeat("[", 100) + strings.Repeat("]", 100)
	badTenMB       = strings.Repeat("A", 10<<20)
)

// badNumbers returns n distinct NANP numbers as JSON strings.
func badNumbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(`"+1202%07d"`, i)
	}
	return out
}

// envelopeBody is a Kazoo create/edit body around raw JSON members of data.
func envelopeBody(members string) []byte { return []byte(`{"data":{` + members + `}}`) }

// numbersObject is a Kazoo numbers object of the given JSON keys.
func numbersObject(keys []string) string {
	return `"numbers":{` + strings.Join(keys, ":{},") + `:{}}`
}

// phoneNumbersBody is a Telnyx draft body with the given phone number strings.
func phoneNumbersBody(numbers []string) []byte {
	items := make([]string, len(numbers))
	for i, n := range numbers {
		items[i] = `{"phone_number":` + n + `}`
	}
	return []byte(`{"phone_numbers":[` + strings.Join(items, ",") + `]}`)
}

// multipartBody is a supporting document upload of one LOA file.
func multipartBody(filename, contentType string, data []byte) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := telnyxtest.WriteParts(mw, telnyxtest.DocType("loa"), telnyxtest.Part{Name: "file", Filename: filename, ContentType: contentType, Data: data}); err != nil {
		panic(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// rawMultipart is an upload of one LOA file whose part has the given
// Content-Disposition, byte for byte.
func rawMultipart(disposition string, data []byte) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := telnyxtest.WriteParts(mw, telnyxtest.DocType("loa")); err != nil {
		panic(err)
	}
	buf.Truncate(buf.Len() - len("\r\n--"+mw.Boundary()+"--\r\n")) // reopen it
	fmt.Fprintf(&buf, "\r\n--%s\r\nContent-Disposition: %s\r\nContent-Type: application/pdf\r\n\r\n%s\r\n--%s--\r\n",
		mw.Boundary(), disposition, data, mw.Boundary())
	return buf.Bytes(), mw.FormDataContentType()
}

func badCases() []badCase {
	const (
		kCreate  = "/v2/accounts/customer/port_requests"
		kReq     = "/v2/accounts/customer/port_requests/{id}"
		kList    = "/v2/accounts/customer/port_requests"
		tDrafts  = "/origination/porting/draft_port_requests"
		tDraftSR = "/origination/porting/draft_port_requests/{id}/sub_requests/{sid}"
		tPort    = "/origination/porting/port_requests"
		tChecks  = "/origination/porting/portability_checks"
		json     = "application/json"
	)
	one := numbersObject([]string{`"+12025550199"`})
	hundredK := badNumbers(100_000)
	shortHundredK := make([]string, 100_000) // fits in 1 MiB: the numbers cap answers
	for i := range shortHundredK {
		shortHundredK[i] = `{"phone_number":"1"}`
	}
	upload, uploadType := multipartBody("../../etc/passwd", "application/pdf", []byte("%PDF-1.4"))
	uploadCtl, uploadCtlType := rawMultipart(`form-data; name="file"; filename="loa`+"\u0085"+`.pdf"`, []byte("%PDF-1.4"))
	uploadNUL, uploadNULType := rawMultipart(`form-data; name="file"; filename="loa`+"\x00"+`.pdf"`, []byte("%PDF-1.4"))
	uploadEncoded, uploadEncodedType := rawMultipart(`form-data; name="file"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd`, []byte("%PDF-1.4"))
	uploadHTML, uploadHTMLType := multipartBody("page.html", "text/html", []byte("<html><script>alert(1)</script>"))

	return []badCase{
		// Kazoo: malformed and truncated JSON, wrong types.
		{"kazoo/malformed JSON", "PUT", kCreate, json, []byte(`{"data":{"name":}}`), 400, "malformed JSON"},
		{"kazoo/truncated JSON", "PUT", kCreate, json, envelopeBody(`"name":"x",` + one)[:30], 400, "unexpected end"},
		{"kazoo/empty body", "PUT", kCreate, json, nil, 400, "empty"},
		{"kazoo/two values", "PUT", kCreate, json, []byte(`{"data":{}} {"data":{}}`), 400, "the body must be one JSON value"},
		{"kazoo/huge number in unknown key", "PATCH", kReq, json, envelopeBody(`"x_custom":1` + strings.Repeat("0", 400)), 400, "number out of range"},
		{"kazoo/vertical tab after body", "PATCH", kReq, json, []byte("{\"data\":{\"name\":\"x\"}}\v"), 400, "after the value"},
		{"kazoo/stray closer", "PATCH", kReq, json, []byte(`{"data":{"name":"x"}}}`), 400, "after the value"},
		{"kazoo/not an object", "PUT", kCreate, json, []byte(`[1,2,3]`), 400, "must be"},
		{"kazoo/data not an object", "PUT", kCreate, json, []byte(`{"data":"x"}`), 400, "data"},
		{"kazoo/name a number", "PUT", kCreate, json, envelopeBody(`"name":42,` + one), 400, "name"},
		{"kazoo/numbers a string", "PUT", kCreate, json, envelopeBody(`"name":"x","numbers":"+12025550199"`), 400, "numbers"},
		{"kazoo/bad number", "PUT", kCreate, json, envelopeBody(`"name":"x",` + numbersObject([]string{`"not a number"`})), 400, "not a number"},
		// Size: 100,000 numbers, 10 MB names.
		{"kazoo/100k numbers", "PUT", kCreate, json, envelopeBody(`"name":"x",` + numbersObject(hundredK)), 413, "request body"},
		{"kazoo/10 MB name", "PUT", kCreate, json, envelopeBody(`"name":"` + badTenMB + `",` + one), 413, "request body"},
		{"kazoo/long name", "PUT", kCreate, json, envelopeBody(`"name":"` + strings.Repeat("n", 200) + `",` + one), 400, "name"},
		// Nesting, NUL, invalid UTF-8.
		{"kazoo/deeply nested", "PUT", kCreate, json, envelopeBody(`"name":"x",` + one + `,"extra":` + badNested), 400, "nests deeper than 32"},
		{"kazoo/escaped NUL", "PUT", kCreate, json, envelopeBody(`"name":"` + badNUL + `",` + one), 400, "NUL"},
		{"kazoo/lone surrogate", "PUT", kCreate, json, envelopeBody(`"name":"na\ud800me",` + one), 400, "lone surrogate"},
		{"kazoo/low surrogate first", "PUT", kCreate, json, envelopeBody(`"name":"\udc00\ud800",` + one), 400, "lone surrogate"},
		{"kazoo/escaped non-ASCII", "PUT", kCreate, json, envelopeBody(`"name":"\é",` + one), 400, "invalid character"},
		{"kazoo/raw NUL", "PUT", kCreate, json, envelopeBody("\"name\":\"na\x00me\"," + one), 400, "malformed JSON"},
		{"kazoo/invalid UTF-8", "PUT", kCreate, json, envelopeBody(`"name":"` + badInvalidUTF8 + `",` + one), 400, "UTF-8"},
		{"kazoo/edit wrong type", "POST", kReq, json, envelopeBody(`"name":["x"]`), 400, "name"},
		{"kazoo/patch NUL", "PATCH", kReq, json, envelopeBody(`"name":"` + badNUL + `"`), 400, "NUL"},
		{"kazoo/comment wrong type", "PUT", kReq + "/comments", json, []byte(`{"data":{"comments":[{"content":7}]}}`), 400, "content"},
		{"kazoo/comment invalid UTF-8", "PUT", kReq + "/comments", json, []byte(`{"data":{"comments":[{"content":"` + badInvalidUTF8 + `"}]}}`), 400, "UTF-8"},
		{"kazoo/schedule_on before 1970", "PATCH", kReq + "/scheduled", json, []byte(`{"data":{"schedule_on":{"date_time":"1900-01-01 00:00","timezone":"Asia/Kolkata"}}}`), 400, "out of range"},
		{"kazoo/schedule_on year zero", "PATCH", kReq + "/scheduled", json, []byte(`{"data":{"schedule_on":{"date_time":"0001-01-01 00:00","timezone":"UTC"}}}`), 400, "out of range"},
		{"kazoo/schedule_on path as zone", "PATCH", kReq + "/scheduled", json, []byte(`{"data":{"schedule_on":{"date_time":"2026-12-01 10:00","timezone":"../../etc/passwd"}}}`), 400, "not an IANA time zone"},
		{"kazoo/transition bad body", "PATCH", kReq + "/submitted", json, []byte(`{"data":`), 400, "malformed JSON"},
		// Content types.
		{"kazoo/XML body", "PUT", kCreate, "application/xml", []byte(`<data><name>x</name></data>`), 415, "application/xml"},
		{"kazoo/multipart body", "POST", kReq, "multipart/form-data; boundary=x", []byte("--x--"), 415, "multipart/form-data"},
		{"kazoo/garbled content type", "PUT", kCreate, "application/json; charset", envelopeBody(`"name":"x",` + one), 415, "content type"},
		// Attachments: path traversal, NUL, unknown types.
		{"kazoo/attachment traversal", "PUT", kReq + "/attachments?filename=../../etc/passwd", "application/pdf", []byte("%PDF-1.4"), 400, "filename"},
		{"kazoo/attachment encoded traversal", "PUT", kReq + "/attachments?filename=..%2F..%2Fetc%2Fpasswd", "application/pdf", []byte("%PDF-1.4"), 400, "directory"},
		{"kazoo/attachment backslash", "PUT", kReq + "/attachments?filename=..%5C..%5Cwin.ini", "application/pdf", []byte("%PDF-1.4"), 400, "directory"},
		{"kazoo/attachment right-to-left override", "PUT", kReq + "/attachments?filename=invoice%E2%80%AEfdp.exe", "application/pdf", []byte("%PDF-1.4"), 400, "invisible"},
		{"kazoo/attachment dot-dot", "PUT", kReq + "/attachments?filename=..", "application/pdf", []byte("%PDF-1.4"), 400, "filename"},
		{"kazoo/attachment NUL name", "PUT", kReq + "/attachments?filename=loa%00.pdf", "application/pdf", []byte("%PDF-1.4"), 400, "control characters"},
		{"kazoo/attachment invalid UTF-8 name", "PUT", kReq + "/attachments?filename=loa%FF.pdf", "application/pdf", []byte("%PDF-1.4"), 400, "UTF-8"},
		{"kazoo/attachment path in URL", "POST", kReq + "/attachments/..%2F..%2Fetc%2Fpasswd", "application/pdf", []byte("%PDF-1.4"), 400, "directory"},
		{"kazoo/attachment HTML", "PUT", kReq + "/attachments?filename=x.html", "text/html", []byte("<html>"), 415, "text/html"},
		{"kazoo/attachment no type", "PUT", kReq + "/attachments?filename=x.pdf", "", []byte("%PDF-1.4"), 415, "content type"},
		// Listing parameters.
		{"kazoo/negative page_size", "GET", kList + "/completed?page_size=-1", "", nil, 400, "page_size"},
		{"kazoo/absurd page_size", "GET", kList + "/completed?page_size=1000000000", "", nil, 400, "page_size"},
		{"kazoo/overflowing page_size", "GET", kList + "/completed?page_size=1e309", "", nil, 400, "page_size"},
		{"kazoo/garbage start_key", "GET", kList + "/completed?start_key=%00%FF", "", nil, 400, "start_key"},
		{"kazoo/bad created_from", "GET", kList + "/completed?created_from=yesterday", "", nil, 400, "created_from"},
		{"kazoo/NUL by_number", "GET", kList + "?by_number=%2B1202%00", "", nil, 400, "by_number"},
		// The routes Monster UI adds: lnp_lookup, last_submitted, the
		// descendants' state listings, the port authority's listing.
		{"kazoo/lnp_lookup numbers a string", "POST", kList + "/lnp_lookup", json, envelopeBody(`"numbers":"+12025550199"`), 400, "numbers"},
		{"kazoo/lnp_lookup no numbers", "POST", kList + "/lnp_lookup", json, envelopeBody(``), 400, "numbers is required"},
		{"kazoo/lnp_lookup empty list", "POST", kList + "/lnp_lookup", json, envelopeBody(`"numbers":[]`), 400, "non-empty list"},
		{"kazoo/lnp_lookup a number as a number", "POST", kList + "/lnp_lookup", json, envelopeBody(`"numbers":[12025550199]`), 400, "numbers[0] must be a string"},
		{"kazoo/lnp_lookup too many", "POST", kList + "/lnp_lookup", json, envelopeBody(`"numbers":[` + strings.Join(badNumbers(10_001), ",") + `]`), 400, "numbers"},
		{"kazoo/lnp_lookup malformed", "POST", kList + "/lnp_lookup", json, []byte(`{"data":{"numbers":[`), 400, "malformed JSON"},
		{"kazoo/last_submitted negative page_size", "GET", kList + "/last_submitted?page_size=-1", "", nil, 400, "page_size"},
		{"kazoo/last_submitted bad paginate", "GET", kList + "/last_submitted?paginate=maybe", "", nil, 400, "paginate"},
		{"kazoo/descendants state bad created_from", "GET", "/v2/accounts/customer/descendants/port_requests/completed?created_from=yesterday", "", nil, 400, "created_from"},
		{"kazoo/authority listing bad by_types", "GET", "/v2/port_requests?by_types=nonsense", "", nil, 400, "by_types"},
		{"kazoo/comment author too long", "PUT", kReq + "/comments", json, []byte(`{"data":{"content":"x","author":"` + strings.Repeat("a", 200) + `"}}`), 400, "author"},
		{"kazoo/comment timestamp a string", "PUT", kReq + "/comments", json, []byte(`{"data":{"content":"x","timestamp":"now"}}`), 400, "timestamp"},

		// Telnyx: the same attacks on its bodies.
		{"telnyx/malformed JSON", "POST", tDrafts, json, []byte(`{"phone_numbers":[{]}`), 400, "malformed JSON"},
		{"telnyx/truncated JSON", "POST", tDrafts, json, phoneNumbersBody([]string{`"+12025550199"`})[:25], 400, "unexpected end"},
		// JSON of the wrong shape is 422 naming the field (the document's
		// error list); bytes that are not JSON are 400.
		{"telnyx/phone_numbers a string", "POST", tDrafts, json, []byte(`{"phone_numbers":"+12025550199"}`), 422, "phone_numbers must be an array"},
		{"telnyx/phone_number a number", "POST", tDrafts, json, []byte(`{"phone_numbers":[{"phone_number":12025550199}]}`), 422, "phone_number must be a string"},
		{"telnyx/portability phone_numbers a string", "POST", tChecks, json, []byte(`{"phone_numbers":"oops"}`), 422, "phone_numbers must be an array"},
		{"telnyx/portability v2-style list", "POST", tChecks, json, []byte(`["+12025550199"]`), 422, "the body must be an object"},
		{"telnyx/wrong shape then garbage", "POST", tChecks, json, []byte(`{"phone_numbers":"oops"} x`), 400, "after the value"},
		{"telnyx/100k numbers", "POST", tDrafts, json, phoneNumbersBody(hundredK), 413, "request body"},
		{"telnyx/50k short numbers", "POST", tDrafts, json, []byte(`{"phone_numbers":[` + strings.Repeat(`{"phone_number":"1"},`, 49_999) + `{"phone_number":"1"}]}`), 422, "at most 10000 numbers"},
		{"telnyx/portability 100k", "POST", tChecks, json, []byte(`{"phone_numbers":[` + strings.Join(shortHundredK, ",") + `]}`), 413, "request body"},
		{"telnyx/deeply nested", "POST", tDrafts, json, []byte(`{"phone_numbers":[{"phone_number":"+12025550199"}],"x":` + badNested + `}`), 400, "nests deeper than 32"},
		{"telnyx/escaped NUL", "POST", tDrafts, json, phoneNumbersBody([]string{`"+1202555` + `\u0000` + `0199"`}), 400, "NUL"},
		{"telnyx/invalid UTF-8", "POST", tDrafts, json, phoneNumbersBody([]string{`"+1202555` + "\xff" + `0199"`}), 400, "UTF-8"},
		{"telnyx/stray closer", "POST", tPort + "/{pid}/comments", json, []byte(`{"body":"hello"}]`), 400, "after the value"},
		{"telnyx/XML body", "POST", tDrafts, "text/xml", []byte(`<x/>`), 415, "text/xml"},
		{"telnyx/sub request wrong types", "PUT", tDraftSR, json, []byte(`{"foc_date_requested_by_user":true}`), 422, "foc_date_requested_by_user"},
		{"telnyx/sub request 10 MB", "PUT", tDraftSR, json, []byte(`{"description":"` + badTenMB + `"}`), 413, "request body"},
		{"telnyx/sub request NUL", "PUT", tDraftSR, json, []byte(`{"description":"` + badNUL + `"}`), 400, "NUL"},
		{"telnyx/sub request long field", "PUT", tDraftSR, json, []byte(`{"description":"` + strings.Repeat("r", 300) + `"}`), 422, "description"},
		{"telnyx/draft list negative per_page", "GET", tDrafts + "?per_page=-5", "", nil, 422, "per_page"},
		{"telnyx/list absurd per_page", "GET", tPort + "?per_page=99999999", "", nil, 422, "per_page"},
		{"telnyx/list overflowing page", "GET", tPort + "?page=99999999999999999999999", "", nil, 422, "page"},
		{"telnyx/list bad status", "GET", tPort + "?status=%00", "", nil, 422, "status"},
		// Supporting documents: path traversal, NUL, unknown types.
		{"telnyx/document traversal", "POST", tPort + "/{pid}/supporting_documents", uploadType, upload, 422, "must not contain a directory"},
		{"telnyx/document encoded traversal", "POST", tPort + "/{pid}/supporting_documents", uploadEncodedType, uploadEncoded, 422, "must not contain a directory"},
		{"telnyx/document control characters", "POST", tPort + "/{pid}/supporting_documents", uploadCtlType, uploadCtl, 422, "control characters"},
		{"telnyx/document NUL name", "POST", tPort + "/{pid}/supporting_documents", uploadNULType, uploadNUL, 400, "Content-Disposition"},
		{"telnyx/document HTML", "POST", tPort + "/{pid}/supporting_documents", uploadHTMLType, uploadHTML, 415, "text/html"},
		{"telnyx/document JSON body", "POST", tPort + "/{pid}/supporting_documents", json, []byte(`{"file":"x"}`), 415, "multipart/form-data"},
	}
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	t.Parallel()
	e := badSetup(t)
	for _, c := range badCases() {
		t.Run(c.name, func(t *testing.T) {
			before := e.snapshot(t)
			rec := e.send(c)
			require.Equal(t, c.status, rec.Code, "body: %.500s", rec.Body.String())
			require.True(t, json.Valid(rec.Body.Bytes()), "the error is JSON: %.500s", rec.Body.String())
			require.Contains(t, rec.Body.String(), c.says, "the error names the problem")
			require.Equal(t, before, e.snapshot(t), "the store is unchanged")
		})
	}
}

// What looks like the refused forms but is not passes: a surrogate pair,
// an escaped backslash before "u0000", a number that fits a float.
func TestBadInputGuardAcceptsValidLookalikes(t *testing.T) {
	t.Parallel()
	e := badSetup(t)
	rec := e.send(badCase{method: "PUT", path: "/v2/accounts/customer/port_requests", contentType: "application/json",
		body: []byte(`{"data":{"name":"\ud83d\ude00 \\u0000 \u00e9","x_big":1e308,"x_small":-1e-400,"numbers":{"+12025550177":{}}}}`)})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var env struct{ Data map[string]any }
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &env))
	require.Equal(t, "😀 \\u0000 é", env.Data["name"])
	require.Equal(t, 1e308, env.Data["x_big"])
}
