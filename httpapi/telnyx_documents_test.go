package httpapi_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
)

// telnyxPart is one part of a multipart upload: a form field when
// filename and contentType are empty.
type telnyxPart struct {
	name, filename, contentType string
	data                        []byte
}

// telnyxWriteParts writes parts to mw.
func telnyxWriteParts(mw *multipart.Writer, parts ...telnyxPart) error {
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := fmt.Sprintf(`form-data; name=%q`, p.name)
		if p.filename != "" {
			cd += fmt.Sprintf(`; filename=%q`, p.filename)
		}
		h.Set("Content-Disposition", cd)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(p.data); err != nil {
			return err
		}
	}
	return mw.Close()
}

// upload posts a multipart body to a request's supporting documents.
func (e *telnyxEnv) upload(id, token string, parts ...telnyxPart) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := telnyxWriteParts(mw, parts...); err != nil {
		panic(err)
	}
	req := httptest.NewRequest("POST", e.prefix+"/port_requests/"+id+"/supporting_documents", &buf)
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

var (
	telnyxPDF = []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
	telnyxPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
)

func telnyxDocType(v string) telnyxPart { return telnyxPart{name: "document_type", data: []byte(v)} }

func TestTelnyxSupportingDocuments(t *testing.T) {
	var loaFor string
	e := telnyxSetup(t, func(o *httpapi.TelnyxOptions) {
		o.LOA = func(w io.Writer, r *porting.PortRequest) error {
			loaFor = r.ID
			_, err := io.WriteString(w, "%PDF-1.4 stub")
			return err
		}
	})
	r := e.submitted(t, "+12025550101")

	// A PDF, typed by its part.
	rec := e.upload(r.ID, customerToken, telnyxDocType("invoice"), telnyxPart{name: "file", filename: "bill.pdf", contentType: "application/pdf", data: telnyxPDF})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	telnyxRequireShape(t, telnyxDocSupportingDocument, rec.Body.Bytes())
	pdf := telnyxDecode[telnyxObj](t, rec)
	require.Equal(t, "bill.pdf", pdf["body"])
	require.Equal(t, "invoice", pdf["document_type"])
	require.Equal(t, "application/pdf", pdf["content_type"])
	require.EqualValues(t, len(telnyxPDF), pdf["size"])
	require.Equal(t, "2026-03-02T14:00:00Z", pdf["created_at"])

	// A PNG sent as octet-stream, without a name, the file before the type: sniffed.
	rec = e.upload(r.ID, customerToken, telnyxPart{name: "file", filename: "", contentType: "application/octet-stream", data: telnyxPNG}, telnyxDocType("csr"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	png := telnyxDecode[telnyxObj](t, rec)
	require.Equal(t, "image/png", png["content_type"])
	require.Equal(t, "csr", png["document_type"])
	require.Equal(t, "csr.png", png["body"])

	// The same name again is kept apart.
	rec = e.upload(r.ID, customerToken, telnyxDocType("other"), telnyxPart{name: "file", filename: "bill.pdf", data: telnyxPDF})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.Equal(t, "bill (2).pdf", telnyxDecode[telnyxObj](t, rec)["body"])

	// An LOA without a file is generated.
	rec = e.upload(r.ID, customerToken, telnyxDocType("loa"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	loa := telnyxDecode[telnyxObj](t, rec)
	require.Equal(t, "loa.pdf", loa["body"])
	require.Equal(t, "loa", loa["document_type"])
	require.Equal(t, "application/pdf", loa["content_type"])
	require.Equal(t, r.ID, loaFor)
	_, data, err := e.f.Service.Attachment(e.f.AsCustomer(), r.ID, loa["id"].(string))
	require.NoError(t, err)
	require.Equal(t, "%PDF-1.4 stub", string(data))

	// List and get.
	rec = e.must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/supporting_documents", customerToken, nil)
	telnyxRequireShape(t, telnyxDocSupportingDocuments, rec.Body.Bytes())
	list := telnyxDecode[[]telnyxObj](t, rec)
	require.Len(t, list, 4)
	rec = e.must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/supporting_documents/"+pdf["id"].(string), customerToken, nil)
	telnyxRequireShape(t, telnyxDocSupportingDocument, rec.Body.Bytes())
	require.Equal(t, pdf, telnyxDecode[telnyxObj](t, rec))
	telnyxRequireError(t, e.do("GET", "/port_requests/"+r.ID+"/supporting_documents/nope", customerToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("GET", "/port_requests/"+r.ID+"/supporting_documents/bill.pdf", customerToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("GET", "/port_requests/"+r.ID+"/supporting_documents", otherToken, nil), http.StatusNotFound)

	// Refusals.
	limit := e.f.Service.Options().MaxAttachmentSize
	big := append([]byte("%PDF-1.4\n"), make([]byte, limit)...)
	body := telnyxRequireError(t, e.upload(r.ID, customerToken, telnyxDocType("invoice"), telnyxPart{name: "file", filename: "big.pdf", contentType: "application/pdf", data: big}), http.StatusRequestEntityTooLarge)
	require.Contains(t, body["message"], "8000000")
	e.must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/supporting_documents", customerToken, nil)

	telnyxRequireError(t, e.upload(r.ID, customerToken, telnyxDocType("invoice"), telnyxPart{name: "file", filename: "a.txt", contentType: "text/plain", data: []byte("hello")}), http.StatusUnsupportedMediaType)
	telnyxRequireError(t, e.upload(r.ID, customerToken, telnyxDocType("invoice"), telnyxPart{name: "file", filename: "a.bin", contentType: "application/octet-stream", data: []byte("hello, plain text")}), http.StatusUnsupportedMediaType)
	telnyxRequireError(t, e.upload(r.ID, customerToken, telnyxDocType("invoice"), telnyxPart{name: "file", filename: "a.doc", contentType: "application/msword", data: telnyxPDF}), http.StatusUnsupportedMediaType)

	for _, c := range []struct {
		parts   []telnyxPart
		pointer string
	}{
		{[]telnyxPart{{name: "file", filename: "a.pdf", data: telnyxPDF}}, "/document_type"},
		{[]telnyxPart{telnyxDocType("passport"), {name: "file", filename: "a.pdf", data: telnyxPDF}}, "/document_type"},
		{[]telnyxPart{telnyxDocType("invoice")}, "/file"},
		{[]telnyxPart{telnyxDocType("invoice"), {name: "file", filename: "empty.pdf", contentType: "application/pdf"}}, "/file"},
		{[]telnyxPart{telnyxDocType("invoice"), {name: "file", filename: "a.pdf", data: telnyxPDF}, {name: "file", filename: "b.pdf", data: telnyxPDF}}, "/file"},
	} {
		rec := e.upload(r.ID, customerToken, c.parts...)
		telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
		require.Equal(t, []string{c.pointer}, telnyxPointers(t, rec))
	}

	// Not multipart at all.
	req := httptest.NewRequest("POST", e.prefix+"/port_requests/"+r.ID+"/supporting_documents", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Token "+customerToken)
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	telnyxRequireError(t, rec, http.StatusUnsupportedMediaType)

	// A draft has no supporting documents in this dialect.
	d := e.f.Create(t, "+14155550155")
	telnyxRequireError(t, e.upload(d.ID, customerToken, telnyxDocType("loa")), http.StatusNotFound)
}

func TestTelnyxSupportingDocumentLOAUnset(t *testing.T) {
	e := telnyxSetup(t)
	r := e.submitted(t, "+12025550101")
	rec := e.upload(r.ID, customerToken, telnyxDocType("loa"))
	body := telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, "file is required", body["message"])
	require.Equal(t, []string{"/file"}, telnyxPointers(t, rec))
}

// telnyxCounter counts the bytes read through it.
type telnyxCounter struct {
	r io.Reader
	n atomic.Int64
}

func (c *telnyxCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// A huge upload is refused after reading little more than the limit.
func TestTelnyxSupportingDocumentHugeUpload(t *testing.T) {
	e := telnyxSetup(t)
	r := e.submitted(t, "+12025550101")
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		huge := make([]byte, 64<<20)
		copy(huge, "%PDF-1.4\n")
		_ = pw.CloseWithError(telnyxWriteParts(mw, telnyxDocType("invoice"), telnyxPart{name: "file", filename: "huge.pdf", contentType: "application/pdf", data: huge}))
	}()
	counter := &telnyxCounter{r: pr}
	req := httptest.NewRequest("POST", e.prefix+"/port_requests/"+r.ID+"/supporting_documents", counter)
	req.Header.Set("Authorization", "Token "+customerToken)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	_ = pr.Close()
	telnyxRequireError(t, rec, http.StatusRequestEntityTooLarge)
	limit := e.f.Service.Options().MaxAttachmentSize
	require.Less(t, counter.n.Load(), limit+(2<<20), "read %d bytes", counter.n.Load())
}
