package kazoo

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// listAttachments: GET port_requests/{id}/attachments answers
// {name: {content_type, length}}.
func (k *handler) listAttachments(c *call) {
	r, ok := c.request()
	if !ok {
		return
	}
	bp := c.start()
	*bp = appendUploads(*bp, r.Attachments)
	c.finish(bp, http.StatusOK, tailOf(r))
}

// putAttachment: PUT port_requests/{id}/attachments?filename=NAME with the
// raw bytes adds the file, or replaces the one of that name.
func (k *handler) putAttachment(c *call) {
	k.attach(c, c.r.URL.Query().Get("filename"), porting.AttachUpsert, http.StatusCreated)
}

// replaceAttachment: POST port_requests/{id}/attachments/{name} replaces
// an existing file.
func (k *handler) replaceAttachment(c *call) {
	k.attach(c, c.r.PathValue("name"), porting.AttachReplace, http.StatusOK)
}

// attach stores the body as an attachment. The Service reads the body up
// to its size limit; a declared length over it is refused unread.
func (k *handler) attach(c *call, name string, mode porting.AttachMode, status int) {
	r, rev, ok := c.writable()
	if !ok {
		return
	}
	if limit := k.svc.Options().MaxAttachmentSize; c.r.ContentLength > limit {
		c.fail(&porting.TooLargeError{What: "attachment", Limit: limit})
		return
	}
	_, r, err := k.svc.PutAttachment(c.ctx, r.ID, rev, porting.AttachmentInput{
		Name: name, ContentType: c.r.Header.Get("Content-Type"), Body: httpjson.ClientBody{R: c.r.Body}, Mode: mode})
	if err != nil {
		c.failRenamed(err, map[string]string{"file": "filename"})
		return
	}
	c.replyRaw(status, emptyObject, tailOf(r))
}

// getAttachment: GET port_requests/{id}/attachments/{name} streams the
// file with its type, length and a Content-Disposition.
func (k *handler) getAttachment(c *call) {
	r, ok := c.request()
	if !ok {
		return
	}
	att, body, err := k.svc.OpenAttachment(c.ctx, r.ID, c.r.PathValue("name"))
	if err != nil {
		c.fail(err)
		return
	}
	defer body.Close()
	sendFile(c.w, att.ContentType, att.Name, att.Length, body)
}

// deleteAttachment: DELETE port_requests/{id}/attachments/{name}; 405 in
// a state that forbids it.
func (k *handler) deleteAttachment(c *call) {
	r, rev, ok := c.writable()
	if !ok {
		return
	}
	if _, err := k.svc.DeleteAttachment(c.ctx, r.ID, c.r.PathValue("name"), rev); err != nil {
		c.fail(err)
		return
	}
	// The document's answer has no revision, though the request has a new one.
	c.replyRaw(http.StatusOK, emptyObject, tail{})
}

// sendFile writes a file as a download.
func sendFile(w http.ResponseWriter, contentType, filename string, length int64, body io.Reader) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	h.Set("Content-Disposition", disposition(filename))
	w.WriteHeader(http.StatusOK)
	// A body that breaks off (its attachment deleted meanwhile, the store
	// gone) leaves the answer short of its Content-Length: the client
	// sees it cut, and the connection is not reused.
	_, _ = io.Copy(w, body)
}

// disposition returns `attachment; filename="..."`, quoted and, for
// a name outside ASCII, encoded as RFC 2231 says.
func disposition(filename string) string {
	if d := mime.FormatMediaType("attachment", map[string]string{"filename": filename}); d != "" {
		return d
	}
	return "attachment"
}

// getLOA: GET port_requests/{id}/loa streams the Letter of Authorization,
// as application/pdf or, when the client asks for it alone,
// application/x-pdf. 501 while no renderer is configured.
func (k *handler) getLOA(c *call) {
	r, ok := c.request()
	if !ok {
		return
	}
	if k.loa == nil {
		c.failWith(http.StatusNotImplemented, "LOA rendering is not configured", nil)
		return
	}
	bp := getBuffer()
	defer putBuffer(bp)
	w := bufferWriter{bp}
	if err := k.loa(w, r); err != nil {
		c.fail(fmt.Errorf("rendering the LOA of %s: %w", r.ID, err))
		return
	}
	sendFile(c.w, pdfType(c.r.Header.Values("Accept")), r.ID+"-loa.pdf", int64(len(*bp)), bytes.NewReader(*bp))
}

// bufferWriter appends to a pooled buffer.
type bufferWriter struct{ b *[]byte }

// Write appends p.
func (w bufferWriter) Write(p []byte) (int, error) {
	*w.b = append(*w.b, p...)
	return len(p), nil
}

// pdfType returns application/x-pdf when the Accept header asks for
// it and not for application/pdf, else application/pdf.
func pdfType(accept []string) string {
	pdf, xpdf := false, false
	for _, line := range accept {
		for _, part := range strings.Split(line, ",") {
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			if q, err := strconv.ParseFloat(params["q"], 64); err == nil && q <= 0 {
				continue
			}
			switch mt {
			case "application/pdf":
				pdf = true
			case "application/x-pdf":
				xpdf = true
			}
		}
	}
	if xpdf && !pdf {
		return "application/x-pdf"
	}
	return "application/pdf"
}
