package telnyx_test

import (
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
)

// pngBytes sniffs as a PNG image.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

func TestSupportingDocuments(t *testing.T) {
	var loaFor string
	e := telnyxtest.Setup(t, func(o *telnyx.Options) {
		o.LOA = func(w io.Writer, r *porting.PortRequest) error {
			loaFor = r.ID
			_, err := io.WriteString(w, "%PDF-1.4 stub")
			return err
		}
	})
	r := e.Submitted(t, "+12025550101")

	// A PDF, typed by its part.
	rec := e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("invoice"), telnyxtest.Part{Name: "file", Filename: "bill.pdf", ContentType: "application/pdf", Data: telnyxtest.PDF})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	telnyxtest.RequireShape(t, telnyxtest.DocSupportingDocument, rec.Body.Bytes())
	pdf := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	require.Equal(t, "bill.pdf", pdf["body"])
	require.Equal(t, "invoice", pdf["document_type"])
	require.Equal(t, "application/pdf", pdf["content_type"])
	require.EqualValues(t, len(telnyxtest.PDF), pdf["size"])
	require.Equal(t, "2026-03-02T14:00:00Z", pdf["created_at"])

	// A PNG sent as octet-stream, without a name, the file before the type: sniffed.
	rec = e.Upload(r.ID, apitest.CustomerToken, telnyxtest.Part{Name: "file", Filename: "", ContentType: "application/octet-stream", Data: pngBytes}, telnyxtest.DocType("csr"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	png := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	require.Equal(t, "image/png", png["content_type"])
	require.Equal(t, "csr", png["document_type"])
	require.Equal(t, "csr.png", png["body"])

	// The same name again is kept apart.
	rec = e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("other"), telnyxtest.Part{Name: "file", Filename: "bill.pdf", Data: telnyxtest.PDF})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.Equal(t, "bill (2).pdf", telnyxtest.Decode[telnyxtest.Obj](t, rec)["body"])

	// An LOA without a file is generated.
	rec = e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("loa"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	loa := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	require.Equal(t, "loa.pdf", loa["body"])
	require.Equal(t, "loa", loa["document_type"])
	require.Equal(t, "application/pdf", loa["content_type"])
	require.Equal(t, r.ID, loaFor)
	_, data, err := e.F.Service.Attachment(e.F.AsCustomer(), r.ID, loa["id"].(string))
	require.NoError(t, err)
	require.Equal(t, "%PDF-1.4 stub", string(data))

	// List and get.
	rec = e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/supporting_documents", apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocSupportingDocuments, rec.Body.Bytes())
	list := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Len(t, list, 4)
	rec = e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/supporting_documents/"+pdf["id"].(string), apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocSupportingDocument, rec.Body.Bytes())
	require.Equal(t, pdf, telnyxtest.Decode[telnyxtest.Obj](t, rec))
	telnyxtest.RequireError(t, e.Do("GET", "/port_requests/"+r.ID+"/supporting_documents/nope", apitest.CustomerToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("GET", "/port_requests/"+r.ID+"/supporting_documents/bill.pdf", apitest.CustomerToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("GET", "/port_requests/"+r.ID+"/supporting_documents", apitest.OtherToken, nil), http.StatusNotFound)

	// Refusals.
	limit := e.F.Service.Options().MaxAttachmentSize
	big := append([]byte("%PDF-1.4\n"), make([]byte, limit)...)
	body := telnyxtest.RequireError(t, e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("invoice"), telnyxtest.Part{Name: "file", Filename: "big.pdf", ContentType: "application/pdf", Data: big}), http.StatusRequestEntityTooLarge)
	require.Contains(t, body["message"], "8000000")
	e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/supporting_documents", apitest.CustomerToken, nil)

	telnyxtest.RequireError(t, e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("invoice"), telnyxtest.Part{Name: "file", Filename: "a.txt", ContentType: "text/plain", Data: []byte("hello")}), http.StatusUnsupportedMediaType)
	telnyxtest.RequireError(t, e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("invoice"), telnyxtest.Part{Name: "file", Filename: "a.bin", ContentType: "application/octet-stream", Data: []byte("hello, plain text")}), http.StatusUnsupportedMediaType)
	telnyxtest.RequireError(t, e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("invoice"), telnyxtest.Part{Name: "file", Filename: "a.doc", ContentType: "application/msword", Data: telnyxtest.PDF}), http.StatusUnsupportedMediaType)

	for _, c := range []struct {
		parts   []telnyxtest.Part
		pointer string
	}{
		{[]telnyxtest.Part{{Name: "file", Filename: "a.pdf", Data: telnyxtest.PDF}}, "/document_type"},
		{[]telnyxtest.Part{telnyxtest.DocType("passport"), {Name: "file", Filename: "a.pdf", Data: telnyxtest.PDF}}, "/document_type"},
		{[]telnyxtest.Part{telnyxtest.DocType("invoice")}, "/file"},
		{[]telnyxtest.Part{telnyxtest.DocType("invoice"), {Name: "file", Filename: "empty.pdf", ContentType: "application/pdf"}}, "/file"},
		{[]telnyxtest.Part{telnyxtest.DocType("invoice"), {Name: "file", Filename: "a.pdf", Data: telnyxtest.PDF}, {Name: "file", Filename: "b.pdf", Data: telnyxtest.PDF}}, "/file"},
	} {
		rec := e.Upload(r.ID, apitest.CustomerToken, c.parts...)
		telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
		require.Equal(t, []string{c.pointer}, telnyxtest.Pointers(t, rec))
	}

	// Not multipart at all.
	req := httptest.NewRequest("POST", e.Prefix+"/port_requests/"+r.ID+"/supporting_documents", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Token "+apitest.CustomerToken)
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	e.H.ServeHTTP(rec, req)
	telnyxtest.RequireError(t, rec, http.StatusUnsupportedMediaType)

	// A draft has no supporting documents in this dialect.
	d := e.F.Create(t, "+14155550155")
	telnyxtest.RequireError(t, e.Upload(d.ID, apitest.CustomerToken, telnyxtest.DocType("loa")), http.StatusNotFound)
}

func TestSupportingDocumentLOAUnset(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+12025550101")
	rec := e.Upload(r.ID, apitest.CustomerToken, telnyxtest.DocType("loa"))
	body := telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, "file is required", body["message"])
	require.Equal(t, []string{"/file"}, telnyxtest.Pointers(t, rec))
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// A huge upload is refused after reading little more than the limit.
func TestSupportingDocumentHugeUpload(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+12025550101")
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		huge := make([]byte, 64<<20)
		copy(huge, "%PDF-1.4\n")
		_ = pw.CloseWithError(telnyxtest.WriteParts(mw, telnyxtest.DocType("invoice"), telnyxtest.Part{Name: "file", Filename: "huge.pdf", ContentType: "application/pdf", Data: huge}))
	}()
	counter := &countingReader{r: pr}
	req := httptest.NewRequest("POST", e.Prefix+"/port_requests/"+r.ID+"/supporting_documents", counter)
	req.Header.Set("Authorization", "Token "+apitest.CustomerToken)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	e.H.ServeHTTP(rec, req)
	_ = pr.Close()
	telnyxtest.RequireError(t, rec, http.StatusRequestEntityTooLarge)
	limit := e.F.Service.Options().MaxAttachmentSize
	require.Less(t, counter.n.Load(), limit+(2<<20), "read %d bytes", counter.n.Load())
}
