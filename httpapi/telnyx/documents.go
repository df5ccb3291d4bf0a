package telnyx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// wireDocument is a supporting document. body is the file's name;
// content_type and size are portkit extensions.
type wireDocument struct {
	ID           string `json:"id"`
	Body         string `json:"body"`
	DocumentType string `json:"document_type"`
	CreatedAt    string `json:"created_at"`
	ContentType  string `json:"content_type"`
	Size         int64  `json:"size"`
}

// renderDocument renders an attachment as a supporting document.
func renderDocument(a porting.Attachment) wireDocument {
	return wireDocument{ID: a.ID, Body: a.Name, DocumentType: a.DocumentType, CreatedAt: isoTime(a.Created),
		ContentType: a.ContentType, Size: a.Length}
}

// documentOf finds the supporting document the path names ({doc},
// by ID) on req.
func documentOf(r *http.Request, req *porting.PortRequest) (porting.Attachment, error) {
	docID := r.PathValue("doc")
	for _, a := range req.Attachments {
		if a.ID == docID {
			return a, nil
		}
	}
	return porting.Attachment{}, fmt.Errorf("supporting document %s: %w", docID, porting.ErrNotFound)
}

// listDocuments serves GET port_requests/{id}/supporting_documents: every
// attachment of the request (Kazoo uploads too), oldest first.
func (h *handler) listDocuments(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	atts := req.Attachments
	sort.SliceStable(atts, func(i, j int) bool { return atts[i].Created.Before(atts[j].Created) })
	httpjson.Write(w, http.StatusOK, httpjson.List(atts, renderDocument))
}

// getDocument serves GET port_requests/{id}/supporting_documents/{doc}.
func (h *handler) getDocument(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	a, err := documentOf(r, req)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	httpjson.Write(w, http.StatusOK, renderDocument(a))
}

// upload is a parsed supporting document upload.
type upload struct {
	documentType string
	hasFile      bool
	name         string
	contentType  string
	data         []byte
}

// uploadDocument serves POST port_requests/{id}/supporting_documents, a
// multipart/form-data body with the fields document_type (loa, invoice,
// csr, other; required) and file (a PDF or an image). The file's type is
// its part's Content-Type, or sniffed when that is missing or
// application/octet-stream. An loa upload without a file attaches the
// letter Options.LOA renders, as "loa.pdf". 201 with the document;
// 413 over the Service's MaxAttachmentSize; 415 for other types.
func (h *handler) uploadDocument(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	up, err := h.readUpload(w, r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	switch {
	case up.documentType == "":
		err = invalidField("document_type", "", "required", "document_type is required (loa, invoice, csr or other)")
	case !up.hasFile && (up.documentType != porting.DocumentLOA || h.opt.LOA == nil):
		err = invalidField("file", "", "required", "file is required")
	case !up.hasFile:
		var buf bytes.Buffer
		if err = h.opt.LOA(&buf, req); err != nil {
			err = fmt.Errorf("rendering the LOA of %s: %w", req.ID, err)
		}
		up.name, up.contentType, up.data = "loa.pdf", "application/pdf", buf.Bytes()
	}
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	if up.name == "" {
		up.name = defaultName(up.documentType, up.contentType)
	}
	att, _, err := h.svc.PutAttachment(r.Context(), req.ID, 0, porting.AttachmentInput{
		Name: up.name, ContentType: up.contentType, DocumentType: up.documentType,
		Body: bytes.NewReader(up.data), Mode: porting.AttachNew,
	})
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	httpjson.Write(w, http.StatusCreated, renderDocument(att))
}

// readUpload streams the multipart body, whole body bounded by
// MaxAttachmentSize + 1 MiB and the file by MaxAttachmentSize, so an
// oversized upload is refused without being buffered, and one declared
// oversized without being read at all.
func (h *handler) readUpload(w http.ResponseWriter, r *http.Request) (upload, error) {
	var up upload
	limit := h.svc.Options().MaxAttachmentSize
	tooLarge := &porting.TooLargeError{What: "supporting document", Limit: limit}
	if r.ContentLength > limit+1<<20 {
		return up, tooLarge // refused unread
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return up, &porting.MediaTypeError{ContentType: r.Header.Get("Content-Type"), Accepted: []string{"multipart/form-data"}}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, nil
		}
		if err != nil {
			return up, multipartError(err, tooLarge)
		}
		switch part.FormName() {
		case "document_type":
			v, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return up, multipartError(err, tooLarge)
			}
			up.documentType = strings.TrimSpace(string(v))
		case "file":
			if up.hasFile {
				return up, invalidField("file", "", "maxItems", "Only one file may be uploaded at a time")
			}
			up.data, err = io.ReadAll(io.LimitReader(part, limit+1))
			if err != nil {
				return up, multipartError(err, tooLarge)
			}
			if int64(len(up.data)) > limit {
				return up, tooLarge
			}
			up.hasFile = true
			if up.name, err = partFileName(part); err != nil {
				return up, err
			}
			if up.contentType, err = sniffType(part.Header.Get("Content-Type"), up.data); err != nil {
				return up, err
			}
		default:
			if _, err := io.Copy(io.Discard, part); err != nil {
				return up, multipartError(err, tooLarge)
			}
		}
	}
}

// partFileName is the file name of a part as the client sent it.
// (*multipart.Part).FileName keeps only the last element of a path, which
// would store "../../etc/passwd" as "passwd"; porting refuses such a name
// instead, so that the client learns what it sent was wrong.
// A Content-Disposition that cannot be read is malformed input.
func partFileName(part *multipart.Part) (string, error) {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return "", &httpjson.SyntaxError{Msg: fmt.Sprintf("the file part's Content-Disposition cannot be read (%v)", err)}
	}
	return params["filename"], nil
}

// multipartError classifies a failure to read the multipart body:
// over the size bound is 413, anything else malformed input (400).
func multipartError(err, tooLarge error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge
	}
	return &httpjson.SyntaxError{Msg: "malformed multipart/form-data body: " + err.Error()}
}

// sniffType returns a file's media type: its part's header, or
// sniffed when there is none or it is application/octet-stream. A
// supporting document is a PDF or an image (415 otherwise); porting then
// checks its own list.
func sniffType(header string, data []byte) (string, error) {
	mt, _, err := mime.ParseMediaType(header)
	if header == "" || err != nil || mt == "application/octet-stream" {
		mt, _, _ = mime.ParseMediaType(http.DetectContentType(data))
	}
	if mt == "application/pdf" || mt == "application/x-pdf" || strings.HasPrefix(mt, "image/") {
		return mt, nil
	}
	if mt == "" {
		mt = header
	}
	return "", &porting.MediaTypeError{ContentType: mt, Accepted: []string{"application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff"}}
}

// defaultName names a file uploaded without a name.
func defaultName(docType, contentType string) string {
	ext := map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/tiff": ".tiff"}[contentType]
	if ext == "" {
		ext = ".pdf"
	}
	if docType == "" {
		docType = porting.DocumentOther
	}
	return docType + ext
}
