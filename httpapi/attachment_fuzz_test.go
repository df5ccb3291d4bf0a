package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// attachmentWorld is both dialects over one fixture, with the customer's
// draft (holding the attachment "existing.pdf") for Kazoo and a submitted
// request for Telnyx's supporting documents.
type attachmentWorld struct {
	f           *portingtest.Fixture
	byURL       http.Handler    // Kazoo: names in the URL
	byForm      *telnyxtest.Env // Telnyx: names in a multipart form
	draft, port string
	snap        fuzzSnapshot
}

// fuzzPDF is what FuzzAttachmentName uploads; fuzzExistingPDF is the
// draft's attachment, of another length.
var (
	fuzzPDF         = []byte("%PDF-1.4 fuzzed upload")
	fuzzExistingPDF = []byte("%PDF-1.4 existing")
)

// newAttachmentWorld builds an attachmentWorld.
func newAttachmentWorld(tb testing.TB) *attachmentWorld {
	tb.Helper()
	e := telnyxtest.Setup(tb)
	draft := e.F.Create(tb, "+12025559000")
	_, _, err := e.F.Service.PutAttachment(e.F.AsCustomer(), draft.ID, 0, porting.AttachmentInput{
		Name: "existing.pdf", ContentType: "application/pdf", Body: bytes.NewReader(fuzzExistingPDF),
	})
	require.NoError(tb, err)
	port := e.Submitted(tb, "+13125354200")
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(e.F.Service, apitest.Tokens(e.F), kazoo.Options{}))
	return &attachmentWorld{f: e.F, byURL: mux, byForm: e, draft: draft.ID, port: port.ID,
		snap: fuzzTake(tb, e.F, draft.ID, port.ID)}
}

// fuzzPlainName is a name every dialect must take: letters, digits, and
// a few punctuation marks, no "..".
var fuzzPlainName = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9 _().-]{0,99}$`)

// requireStoredName checks the name an accepted upload of sent was stored
// under: safe (valid UTF-8, no directory, no control character, at most
// porting.MaxAttachmentNameLength bytes) and the name sent as it was but
// for the naming rule's normalisation (surrounding white space trimmed,
// ".pdf" added to a name without an extension).
func requireStoredName(tb testing.TB, sent, stored, what string) {
	tb.Helper()
	require.True(tb, utf8.ValidString(stored), "%s: stored as %q, not UTF-8", what, stored)
	require.False(tb, strings.ContainsAny(stored, "/\\"), "%s: stored as %q, with a directory", what, stored)
	require.Equal(tb, -1, strings.IndexFunc(stored, unicode.IsControl), "%s: stored as %q, with a control character", what, stored)
	require.NotContains(tb, []string{"", ".", ".."}, stored, what)
	require.LessOrEqual(tb, len(stored), porting.MaxAttachmentNameLength, "%s: stored as %q", what, stored)
	trimmed := strings.TrimSpace(sent)
	require.Contains(tb, []string{trimmed, strings.TrimSuffix(trimmed, ".") + ".pdf"}, stored,
		"%s: %q stored as %q", what, sent, stored)
}

// attachmentRoutes name FuzzAttachmentName's ways in, by its route byte.
var attachmentRoutes = []string{
	"kazoo PUT attachments?filename=", "kazoo POST attachments/{name}", "telnyx multipart filename", "Service.PutAttachment",
}

// FuzzAttachmentName attaches a file under an arbitrary name: through
// Kazoo's PUT attachments?filename= and POST attachments/{name}
// (replacing "existing.pdf"), through a Telnyx supporting document's
// multipart filename, and through porting.Service.PutAttachment. Never a
// 5xx nor a panic; a refusal is a 4xx (an error of porting's, for the
// Service) with a message, and leaves the store as it was; an accepted
// name is stored as it was sent (see requireStoredName) and the file
// reads back under it; a plain name is accepted.
func FuzzAttachmentName(f *testing.F) {
	for _, name := range []string{
		"bill.pdf", "bill", "bill.", "bill..", " bill.pdf ", "my \"quoted\" bill.pdf", "Rechnung für März.pdf",
		"名前.pdf", "existing", "existing.pdf", " existing. ", "a.b.c", ".hidden", "...", "..", ".", "", " ",
		"../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "a/b.pdf", "a\\b.pdf", "%2e%2e%2fetc",
		"bill\x00.pdf", "\x00", "bill\n.pdf", "bill\r\nContent-Type: text/html", "bill\t.pdf", "\u202ebill.pdf",
		"\u0085bill.pdf", "\xff\xfe.pdf", "bill\xc3.pdf", "\ufeffbill.pdf", "bill;.pdf", "bill=1.pdf",
		"bill%00.pdf", "con.pdf", "bill.pdf?x=1", "bill.pdf#frag", "a b", strings.Repeat("a", 251),
		strings.Repeat("a", 252), strings.Repeat("a", 255) + ".pdf", strings.Repeat("é", 127), strings.Repeat("é", 128),
	} {
		for route := range attachmentRoutes {
			f.Add(uint8(route), name)
		}
	}
	bed := newFuzzBed(f, newAttachmentWorld)
	f.Fuzz(func(t *testing.T, route uint8, name string) {
		w := bed.get(t)
		how := attachmentRoutes[int(route)%len(attachmentRoutes)]
		what := fmt.Sprintf("%s %q", how, name)
		var stored string
		var ok bool
		switch int(route) % len(attachmentRoutes) {
		case 0:
			stored, ok = w.attachByURL(t, "PUT", "?"+url.Values{"filename": {name}}.Encode(), name, what)
		case 1:
			stored, ok = w.attachByURL(t, "POST", "/"+url.PathEscape(name), name, what)
		case 2:
			stored, ok = w.attachByForm(t, name, what)
		default:
			stored, ok = w.serviceAttach(t, name, what)
		}
		if !ok {
			w.snap.requireUnchanged(t, w.f, what)
			if fuzzPlainName.MatchString(name) && !strings.Contains(name, "..") && how != attachmentRoutes[1] {
				t.Fatalf("%s: a plain name refused", what)
			}
			return
		}
		bed.changed()
		if how == attachmentRoutes[2] && name == "" {
			require.Equal(t, "other.pdf", stored, what) // named after its type
		} else {
			requireStoredName(t, name, stored, what)
		}
		att, data, err := w.f.Service.Attachment(w.f.AsCustomer(), w.requestOf(how), stored)
		require.NoError(t, err, what)
		require.Equal(t, stored, att.Name, what)
		require.Equal(t, fuzzPDF, data, "%s: the file reads back otherwise", what)
	})
}

// requestOf returns the request a way in attaches to.
func (w *attachmentWorld) requestOf(how string) string {
	if how == attachmentRoutes[2] {
		return w.port
	}
	return w.draft
}

// attachByURL uploads fuzzPDF through Kazoo: method PUT (rest is the
// query) or POST (rest is the escaped name). It returns the name stored
// under, read from the listing, and whether the upload was accepted; an
// accepted one is fetched back by that name.
func (w *attachmentWorld) attachByURL(t *testing.T, method, rest, name, what string) (string, bool) {
	t.Helper()
	base := kazootest.URL("customer", "port_requests/"+w.draft+"/attachments")
	p, query, _ := strings.Cut(base+rest, "?")
	hdr := http.Header{"X-Auth-Token": {apitest.CustomerToken}, "Content-Type": {"application/pdf"}}
	rec := fuzzServe(w.byURL, method, p, query, hdr, bytes.NewReader(fuzzPDF))
	if unescaped, err := url.PathUnescape(p); err == nil && fuzzIsRedirect(rec, unescaped) {
		return "", false
	}
	a := kazootest.CheckAnswer(t, rec, what)
	if a.Code >= http.StatusBadRequest {
		return "", false
	}
	list := kazootest.CheckAnswer(t, fuzzServe(w.byURL, "GET", base, "", http.Header{"X-Auth-Token": {apitest.CustomerToken}}, nil), what+": list")
	require.Equal(t, http.StatusOK, list.Code, what)
	var uploads map[string]struct {
		ContentType string `json:"content_type"`
		Length      int    `json:"length"`
	}
	require.NoError(t, json.Unmarshal(list.Env.Data, &uploads), what)
	var stored []string
	for n, u := range uploads {
		if u.Length == len(fuzzPDF) {
			stored = append(stored, n)
			require.Equal(t, "application/pdf", u.ContentType, what)
		}
	}
	require.Len(t, stored, 1, "%s: listed %v", what, uploads)
	got := fuzzServe(w.byURL, "GET", base+"/"+url.PathEscape(stored[0]), "", http.Header{"X-Auth-Token": {apitest.CustomerToken}}, nil)
	require.Equal(t, http.StatusOK, got.Code, "%s: fetching %q: %s", what, stored[0], got.Body)
	require.Equal(t, fuzzPDF, got.Body.Bytes(), what)
	if _, params, err := mime.ParseMediaType(got.Header().Get("Content-Disposition")); err == nil && params["filename"] != "" {
		require.Equal(t, stored[0], params["filename"], "%s: Content-Disposition %q", what, got.Header().Get("Content-Disposition"))
	}
	return stored[0], true
}

// attachByForm uploads fuzzPDF as a Telnyx supporting document named name
// (RFC 2231-encoded where a quoted string cannot carry it). It returns
// the name stored under and whether the upload was accepted; an accepted
// one reads back by its ID.
func (w *attachmentWorld) attachByForm(t *testing.T, name, what string) (string, bool) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("document_type", "other"))
	cd := mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": name})
	if cd == "" {
		cd = `form-data; name="file"; filename="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	part, err := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {cd}, "Content-Type": {"application/pdf"}})
	require.NoError(t, err)
	_, err = part.Write(fuzzPDF)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	p := w.byForm.Prefix + "/port_requests/" + w.port + "/supporting_documents"
	hdr := http.Header{"Authorization": {"Token " + apitest.CustomerToken}, "Content-Type": {mw.FormDataContentType()}}
	rec := fuzzServe(w.byForm.H, "POST", p, "", hdr, &buf)
	telnyxtest.CheckAnswer(t, rec, what)
	if rec.Code >= http.StatusBadRequest {
		return "", false
	}
	require.Equal(t, http.StatusCreated, rec.Code, "%s: %s", what, rec.Body)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc), what)
	_, params, err := mime.ParseMediaType(cd)
	require.NoError(t, err, "%s: accepted a Content-Disposition that does not parse: %q", what, cd)
	require.Equal(t, name, params["filename"], "%s: the test's own encoding", what)
	back := fuzzServe(w.byForm.H, "GET", p+"/"+fmt.Sprint(doc["id"]), "", http.Header{"Authorization": {"Token " + apitest.CustomerToken}}, nil)
	telnyxtest.CheckAnswer(t, back, what+": read back")
	require.Equal(t, http.StatusOK, back.Code, what)
	require.JSONEq(t, rec.Body.String(), back.Body.String(), "%s: read back otherwise than answered", what)
	stored, _ := doc["body"].(string)
	return stored, true
}

// serviceAttach attaches fuzzPDF through porting.Service.PutAttachment.
// A refusal must be one of porting's errors with a message.
func (w *attachmentWorld) serviceAttach(t *testing.T, name, what string) (string, bool) {
	t.Helper()
	att, r, err := w.f.Service.PutAttachment(w.f.AsCustomer(), w.draft, 0, porting.AttachmentInput{
		Name: name, ContentType: "application/pdf", Body: bytes.NewReader(fuzzPDF),
	})
	if err != nil {
		require.True(t, errors.Is(err, porting.ErrValidation) || errors.Is(err, porting.ErrTooLarge),
			"%s: refused with %T %v", what, err, err)
		require.NotEmpty(t, strings.TrimSpace(err.Error()), what)
		return "", false
	}
	got, ok := r.Attachment(att.Name)
	require.True(t, ok, "%s: %q not on the request returned", what, att.Name)
	require.Equal(t, att, *got, what)
	return att.Name, true
}
