package porting

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// acceptedContentTypes are the attachment types a request takes.
var acceptedContentTypes = [...]string{
	"application/pdf", "application/x-pdf", "application/octet-stream", "text/plain",
	"image/png", "image/jpeg", "image/gif", "image/tiff",
}

// AcceptedContentTypes returns the media types an attachment may have:
// PDFs, octet-stream and plain text (which Kazoo takes), and images. The
// slice is the caller's.
func AcceptedContentTypes() []string { return append([]string(nil), acceptedContentTypes[:]...) }

// documentTypes are the kinds of document an attachment may be.
var documentTypes = [...]string{DocumentLOA, DocumentInvoice, DocumentCSR, DocumentOther}

// DocumentTypes returns the kinds of document an attachment may be: loa,
// invoice, csr and other. The slice is the caller's.
func DocumentTypes() []string { return append([]string(nil), documentTypes[:]...) }

// AttachMode says what PutAttachment does about an existing attachment of
// the same name.
type AttachMode int

const (
	// AttachUpsert adds the attachment or replaces the one of that name
	// (Kazoo PUT).
	AttachUpsert AttachMode = iota
	// AttachReplace replaces an existing attachment; ErrNotFound if there
	// is none (Kazoo POST).
	AttachReplace
	// AttachNew always adds, renaming "file.pdf" to "file (2).pdf" and so
	// on if the name is taken (Telnyx supporting documents).
	AttachNew
)

// AttachmentInput is a file to attach.
type AttachmentInput struct {
	// Name is the file name; ".pdf" is appended when it has no extension.
	Name        string
	ContentType string
	// DocumentType is a Telnyx document type; default "other".
	DocumentType string
	// Body is read up to the size limit.
	Body io.Reader
	Mode AttachMode
}

// MaxAttachmentNameLength caps an attachment name, in bytes.
const MaxAttachmentNameLength = 255

// AttachmentName applies the naming rule to a client's file name: it must
// be a bare file name of valid UTF-8, at most MaxAttachmentNameLength
// bytes, without a directory part (no "/" or "\\", not "." or ".."), and
// without control or invisible formatting characters; surrounding spaces
// are trimmed and ".pdf" is appended when it has no extension. A name
// that breaks the rule is a ValidationError on "filename" rather than
// being cleaned up, so that what is stored is what the client sent.
func AttachmentName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case len(name) > MaxAttachmentNameLength:
		return "", invalid("filename", excerpt(name), "maxLength", fmt.Sprintf("Attachment file name must not be more than %d bytes", MaxAttachmentNameLength))
	case name == "" || name == "." || name == "..":
		return "", invalid("filename", name, "required", "Attachment file name is required")
	case !utf8.ValidString(name):
		return "", invalid("filename", strings.ToValidUTF8(name, "\ufffd"), "format", "Attachment file name is not valid UTF-8")
	case strings.ContainsAny(name, "/\\"):
		return "", invalid("filename", name, "format", "Attachment file name must not contain a directory (/ or \\)")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", invalid("filename", strconv.QuoteToASCII(name), "format", "Attachment file name has control characters")
	case strings.IndexFunc(name, isFormatChar) >= 0:
		return "", invalid("filename", strconv.QuoteToASCII(name), "format", "Attachment file name has invisible formatting characters")
	}
	if path.Ext(name) == "" || strings.HasSuffix(name, ".") {
		name = strings.TrimSuffix(name, ".") + ".pdf"
	}
	if len(name) > MaxAttachmentNameLength {
		return "", invalid("filename", excerpt(name), "maxLength", fmt.Sprintf("Attachment file name must not be more than %d bytes", MaxAttachmentNameLength))
	}
	return name, nil
}

// isFormatChar reports invisible formatting characters (Unicode Cf) and
// line and paragraph separators (Zl, Zp): a right-to-left override makes
// "invoice\u202Efdp.exe" read as "invoiceexe.pdf", and a separator breaks
// a name across lines.
func isFormatChar(r rune) bool { return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) }

// excerpt shortens a long value for an error message: its first 32 bytes
// of valid UTF-8 and an ellipsis.
func excerpt(s string) string {
	if len(s) <= 32 {
		return s
	}
	return strings.ToValidUTF8(s[:32], "") + "..."
}

// checkContentType normalises a media type and checks it is accepted.
func checkContentType(ct string) (string, error) {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !slices.Contains(acceptedContentTypes[:], mt) {
		return "", &MediaTypeError{ContentType: ct, Accepted: AcceptedContentTypes()}
	}
	return mt, nil
}

// PutAttachment stores a file on a request. Attachments may be added to
// a request in any state but completed and canceled. rev is the revision
// the caller read (0: any). It returns the attachment and the request
// after the write.
func (s *Service) PutAttachment(ctx context.Context, id string, rev int64, in AttachmentInput) (Attachment, *PortRequest, error) {
	name, err := AttachmentName(in.Name)
	if err != nil {
		return Attachment{}, nil, err
	}
	ct, err := checkContentType(in.ContentType)
	if err != nil {
		return Attachment{}, nil, err
	}
	docType := in.DocumentType
	if docType == "" {
		docType = DocumentOther
	}
	if !slices.Contains(documentTypes[:], docType) {
		return Attachment{}, nil, invalid("document_type", docType, "enum", "Document type must be one of loa, invoice, csr, other")
	}
	if in.Body == nil {
		return Attachment{}, nil, invalid("file", name, "required", "Attachment is empty")
	}
	data, err := io.ReadAll(io.LimitReader(in.Body, s.opt.MaxAttachmentSize+1))
	if err != nil {
		return Attachment{}, nil, fmt.Errorf("reading attachment: %w", err)
	}
	if int64(len(data)) > s.opt.MaxAttachmentSize {
		return Attachment{}, nil, &TooLargeError{What: "attachment", Limit: s.opt.MaxAttachmentSize}
	}
	if len(data) == 0 {
		return Attachment{}, nil, invalid("file", name, "required", "Attachment is empty")
	}
	var out Attachment
	r, err := s.mutate(ctx, id, rev, func(c *change) error {
		r := c.r
		if r.State.Terminal() {
			return &StateError{Op: "add attachment", State: r.State}
		}
		contentID := s.opt.IDs.NewID()
		c.w.Content = map[string][]byte{contentID: data}
		att := Attachment{Name: name, ContentType: ct, Length: int64(len(data)), DocumentType: docType, Created: c.now, ContentID: contentID}
		existing, found := r.Attachment(name)
		switch {
		case in.Mode == AttachReplace && !found:
			return fmt.Errorf("attachment %s: %w", name, ErrNotFound)
		case in.Mode == AttachNew && found:
			att.Name = freeName(r, name)
			found = false
		}
		if !found && len(r.Attachments) >= s.opt.MaxAttachments {
			return &ValidationError{Fields: []FieldError{{Field: "attachments", Index: -1, Code: "maxItems",
				Limit: int64(s.opt.MaxAttachments), Err: &TooLargeError{What: "attachments", Limit: int64(s.opt.MaxAttachments)},
				Message: fmt.Sprintf("A port request holds at most %d attachments", s.opt.MaxAttachments)}}}
		}
		if found {
			att.ID = existing.ID
			if in.DocumentType == "" {
				att.DocumentType = existing.DocumentType
			}
			*existing = att
		} else {
			att.ID = s.opt.IDs.NewID()
			r.Attachments = append(r.Attachments, att)
			sort.Slice(r.Attachments, func(i, j int) bool { return r.Attachments[i].Name < r.Attachments[j].Name })
		}
		out = att
		s.event(c, EventAttachmentAdded, Event{Attachment: att.Name})
		return nil
	})
	return out, r, err
}

// freeName finds "name (2).ext", "name (3).ext"... not yet on the request.
func freeName(r *PortRequest, name string) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s (%d)%s", base, i, ext)
		if _, taken := r.Attachment(n); !taken {
			return n
		}
	}
}

// Attachment returns an attachment, by name or ID, with its bytes.
func (s *Service) Attachment(ctx context.Context, id, nameOrID string) (Attachment, []byte, error) {
	requestID, att, err := s.findAttachment(ctx, id, nameOrID)
	if err != nil {
		return Attachment{}, nil, err
	}
	data, err := s.store.Content(ctx, requestID, att.ContentID)
	if err != nil {
		return Attachment{}, nil, err
	}
	return att, data, nil
}

// findAttachment finds an attachment of a request the actor reaches, by
// name or ID.
func (s *Service) findAttachment(ctx context.Context, id, nameOrID string) (requestID string, _ Attachment, _ error) {
	r, _, err := s.load(ctx, id)
	if err != nil {
		return "", Attachment{}, err
	}
	att, ok := r.Attachment(nameOrID)
	if !ok {
		return "", Attachment{}, fmt.Errorf("attachment %s: %w", nameOrID, ErrNotFound)
	}
	return r.ID, *att, nil
}

// OpenAttachment returns an attachment, by name or ID, and a reader of its
// bytes, which the caller closes. The bytes are streamed from a store that
// is a ContentOpener, read whole otherwise.
func (s *Service) OpenAttachment(ctx context.Context, id, nameOrID string) (Attachment, io.ReadCloser, error) {
	requestID, att, err := s.findAttachment(ctx, id, nameOrID)
	if err != nil {
		return Attachment{}, nil, err
	}
	if o, ok := s.store.(ContentOpener); ok {
		rc, err := o.OpenContent(ctx, requestID, att.ContentID)
		if err != nil {
			return Attachment{}, nil, err
		}
		return att, rc, nil
	}
	data, err := s.store.Content(ctx, requestID, att.ContentID)
	if err != nil {
		return Attachment{}, nil, err
	}
	return att, io.NopCloser(bytes.NewReader(data)), nil
}

// DeleteAttachment removes an attachment. Like the request itself, an
// attachment may be deleted only in unconfirmed, rejected and canceled.
// rev is the revision the caller read (0: any).
func (s *Service) DeleteAttachment(ctx context.Context, id, nameOrID string, rev int64) (*PortRequest, error) {
	return s.mutate(ctx, id, rev, func(c *change) error {
		r := c.r
		att, ok := r.Attachment(nameOrID)
		if !ok {
			return fmt.Errorf("attachment %s: %w", nameOrID, ErrNotFound)
		}
		if !r.State.Deletable() {
			return &StateError{Op: "delete attachment", State: r.State}
		}
		name := att.Name
		r.Attachments = slices.DeleteFunc(r.Attachments, func(a Attachment) bool { return a.Name == name })
		s.event(c, EventAttachmentDeleted, Event{Attachment: name})
		return nil
	})
}
