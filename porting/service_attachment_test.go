package porting_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

func TestServiceAttachmentName(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"loa":              "loa.pdf",
		"loa.pdf":          "loa.pdf",
		"invoice.PNG":      "invoice.PNG",
		"  spaced name  ":  "spaced name.pdf",
		"trailing.":        "trailing.pdf",
		"bill 2026.03.pdf": "bill 2026.03.pdf",
		"..pdf":            "..pdf",
		"über.pdf":         "über.pdf",
	}
	for in, want := range ok {
		got, err := porting.AttachmentName(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	refused := map[string]string{
		"":                     "required",
		"   ":                  "required",
		".":                    "required",
		"..":                   "required",
		"a/..":                 "format",
		"/":                    "format",
		"../../etc/passwd":     "format",
		"a/b/../c.PDF":         "format",
		`C:\Users\me\x.pdf`:    "format",
		"/etc/passwd":          "format",
		"dir/":                 "format",
		"bad\xffname.pdf":      "format",
		"invoice\u202efdp.exe": "format",
		"\ufeffbom.pdf":        "format",
		"bad\x00name.pdf":      "format",
		"bad\nname.pdf":        "format",
		"bell\a.pdf":           "format",
		"del\x7f.pdf":          "format",
		strings.Repeat("a", porting.MaxAttachmentNameLength) + ".pdf": "maxLength",
	}
	for in, code := range refused {
		got, err := porting.AttachmentName(in)
		require.Empty(t, got, "%q", in)
		fe := svOnlyField(t, err)
		require.Equal(t, "filename", fe.Field, "%q", in)
		require.Equal(t, code, fe.Code, "%q", in)
	}
}

func TestServicePutAttachmentRoundTrip(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	body := []byte("%PDF-1.4\n\x00\xffbinary")

	att, got, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "Letter of Authorization", ContentType: "application/pdf; charset=binary",
		DocumentType: porting.DocumentLOA, Body: bytes.NewReader(body),
	})
	require.NoError(t, err)
	require.Regexp(t, svID, att.ID)
	require.Equal(t, "Letter of Authorization.pdf", att.Name)
	require.Equal(t, "application/pdf", att.ContentType, "parameters are dropped")
	require.EqualValues(t, len(body), att.Length)
	require.Equal(t, porting.DocumentLOA, att.DocumentType)
	require.Equal(t, f.Clock.Now(), att.Created)
	require.NotEmpty(t, att.ContentID)
	require.Equal(t, []porting.Attachment{att}, got.Attachments)
	require.Equal(t, got, svGet(t, f, r.ID))

	for _, key := range []string{att.Name, att.ID} {
		a, data, err := f.Service.Attachment(f.AsCustomer(), r.ID, key)
		require.NoError(t, err)
		require.Equal(t, att, a)
		require.Equal(t, body, data)
	}
	_, _, err = f.Service.Attachment(f.AsCustomer(), r.ID, "other.pdf")
	require.ErrorIs(t, err, porting.ErrNotFound)

	// Attachments are listed by name; the default document type is "other".
	att2, got, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "bill.png", ContentType: "image/png", Body: svBody("png"),
	})
	require.NoError(t, err)
	require.Equal(t, porting.DocumentOther, att2.DocumentType)
	require.Equal(t, []string{"Letter of Authorization.pdf", "bill.png"}, []string{got.Attachments[0].Name, got.Attachments[1].Name})
}

func TestServicePutAttachmentContentTypes(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	for i, ct := range []string{"application/pdf", "application/pdf; charset=x", "APPLICATION/PDF", "application/x-pdf",
		"image/png", "image/jpeg", "application/octet-stream", "text/plain"} {
		_, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
			Name: "f" + string(rune('a'+i)), ContentType: ct, Body: svBody("x"),
		})
		require.NoError(t, err, ct)
	}
	for _, ct := range []string{"application/zip", "", "text/html", "pdf"} {
		_, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
			Name: "bad", ContentType: ct, Body: svBody("x"),
		})
		require.ErrorIs(t, err, porting.ErrUnsupportedMediaType, ct)
		var me *porting.MediaTypeError
		require.ErrorAs(t, err, &me, ct)
		require.Equal(t, ct, me.ContentType)
		require.Contains(t, me.Accepted, "application/pdf")
	}
	require.Len(t, svGet(t, f, r.ID).Attachments, 8)
}

func TestServicePutAttachmentSize(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)

	big := bytes.Repeat([]byte{'x'}, porting.DefaultMaxAttachmentSize)
	att, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "max.pdf", ContentType: "application/pdf", Body: bytes.NewReader(big),
	})
	require.NoError(t, err)
	require.EqualValues(t, 8_000_000, att.Length)

	_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "over.pdf", ContentType: "application/pdf", Body: bytes.NewReader(append(big, 'y')),
	})
	require.ErrorIs(t, err, porting.ErrTooLarge)
	var tl *porting.TooLargeError
	require.ErrorAs(t, err, &tl)
	require.EqualValues(t, 8_000_000, tl.Limit)

	for _, body := range []*strings.Reader{strings.NewReader(""), nil} {
		in := porting.AttachmentInput{Name: "empty.pdf", ContentType: "application/pdf"}
		if body != nil {
			in.Body = body
		}
		_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, in)
		fe := svOnlyField(t, err)
		require.Equal(t, "file", fe.Field)
		require.Equal(t, "required", fe.Code)
	}

	_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "x.pdf", ContentType: "application/pdf", DocumentType: "passport", Body: svBody("x"),
	})
	require.Equal(t, "document_type", svOnlyField(t, err).Field)

	got := svGet(t, f, r.ID)
	require.Len(t, got.Attachments, 1)
	require.Equal(t, "max.pdf", got.Attachments[0].Name)
}

func TestServicePutAttachmentSizeOption(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t, func(o *porting.Options) { o.MaxAttachmentSize = 4 })
	r := f.Create(t, svOther1)
	_, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{Name: "a", ContentType: "text/plain", Body: svBody("1234")})
	require.NoError(t, err)
	_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{Name: "b", ContentType: "text/plain", Body: svBody("12345")})
	require.ErrorIs(t, err, porting.ErrTooLarge)
}

func TestServicePutAttachmentModes(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	put := func(mode porting.AttachMode, name, body, docType string) (porting.Attachment, *porting.PortRequest, error) {
		return f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
			Name: name, ContentType: "application/pdf", Body: svBody(body), Mode: mode, DocumentType: docType,
		})
	}

	// Replace needs an existing attachment.
	_, _, err := put(porting.AttachReplace, "x.pdf", "v0", "")
	require.ErrorIs(t, err, porting.ErrNotFound)

	first, _, err := put(porting.AttachUpsert, "x.pdf", "v1", porting.DocumentLOA)
	require.NoError(t, err)

	// Upsert of the same name replaces: same ID, new content, old bytes gone.
	second, got, err := put(porting.AttachUpsert, "x.pdf", "version 2", "")
	require.NoError(t, err)
	require.Equal(t, first.ID, second.ID)
	require.NotEqual(t, first.ContentID, second.ContentID)
	require.EqualValues(t, len("version 2"), second.Length)
	require.Equal(t, porting.DocumentLOA, second.DocumentType, "the document type stays unless given")
	require.Len(t, got.Attachments, 1)
	_, data, err := f.Service.Attachment(f.AsCustomer(), r.ID, "x.pdf")
	require.NoError(t, err)
	require.Equal(t, "version 2", string(data))
	_, err = f.Store.Content(t.Context(), r.ID, first.ContentID)
	require.ErrorIs(t, err, porting.ErrNotFound, "the old bytes are gone")

	// Replace of an existing one works the same way.
	third, _, err := put(porting.AttachReplace, "x", "v3", porting.DocumentInvoice)
	require.NoError(t, err)
	require.Equal(t, first.ID, third.ID)
	require.Equal(t, porting.DocumentInvoice, third.DocumentType)
	_, err = f.Store.Content(t.Context(), r.ID, second.ContentID)
	require.ErrorIs(t, err, porting.ErrNotFound)

	// New never replaces: it renames.
	n2, _, err := put(porting.AttachNew, "x.pdf", "new", "")
	require.NoError(t, err)
	require.Equal(t, "x (2).pdf", n2.Name)
	require.NotEqual(t, first.ID, n2.ID)
	n3, _, err := put(porting.AttachNew, "x.pdf", "newer", "")
	require.NoError(t, err)
	require.Equal(t, "x (3).pdf", n3.Name)
	fresh, got, err := put(porting.AttachNew, "y.pdf", "y", "")
	require.NoError(t, err)
	require.Equal(t, "y.pdf", fresh.Name)
	var names []string
	for _, a := range got.Attachments {
		names = append(names, a.Name)
	}
	require.Equal(t, []string{"x (2).pdf", "x (3).pdf", "x.pdf", "y.pdf"}, names)

	_, data, err = f.Service.Attachment(f.AsCustomer(), r.ID, "x.pdf")
	require.NoError(t, err)
	require.Equal(t, "v3", string(data))
	_, data, err = f.Service.Attachment(f.AsCustomer(), r.ID, n2.ID)
	require.NoError(t, err)
	require.Equal(t, "new", string(data))
}

func TestServiceAttachmentsByState(t *testing.T) {
	t.Parallel()
	deletable := svIn(porting.StateUnconfirmed, porting.StateRejected, porting.StateCanceled)
	addable := svIn(porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending, porting.StateScheduled, porting.StateRejected)
	for _, st := range svRequestStates {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := f.Create(t, svOther1)
			att, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
				Name: "loa.pdf", ContentType: "application/pdf", Body: svBody("loa"),
			})
			require.NoError(t, err)
			r.ID = svReachFrom(t, f, r.ID, st).ID
			before := svGet(t, f, r.ID)

			_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
				Name: "more.pdf", ContentType: "application/pdf", Body: svBody("more"),
			})
			if addable[st] {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, porting.ErrNotAllowedInState)
				var se *porting.StateError
				require.ErrorAs(t, err, &se)
				require.Equal(t, st, se.State)
				require.Equal(t, before, svGet(t, f, r.ID))
			}

			before = svGet(t, f, r.ID)
			got, err := f.Service.DeleteAttachment(f.AsCustomer(), r.ID, "loa.pdf", 0)
			if deletable[st] {
				require.NoError(t, err)
				_, ok := got.Attachment("loa.pdf")
				require.False(t, ok)
				_, _, err = f.Service.Attachment(f.AsCustomer(), r.ID, "loa.pdf")
				require.ErrorIs(t, err, porting.ErrNotFound)
				_, err = f.Store.Content(t.Context(), r.ID, att.ContentID)
				require.ErrorIs(t, err, porting.ErrNotFound, "bytes deleted")
				_, err = f.Service.DeleteAttachment(f.AsCustomer(), r.ID, "loa.pdf", 0)
				require.ErrorIs(t, err, porting.ErrNotFound)
				return
			}
			require.ErrorIs(t, err, porting.ErrNotAllowedInState)
			var se *porting.StateError
			require.ErrorAs(t, err, &se)
			require.Equal(t, st, se.State)
			require.Equal(t, before, svGet(t, f, r.ID))
			_, data, err := f.Service.Attachment(f.AsCustomer(), r.ID, att.ID)
			require.NoError(t, err)
			require.Equal(t, "loa", string(data))
		})
	}
}

func TestServiceAttachmentAccess(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	stranger := svStranger(t, f)
	r := f.Create(t, svOther1)
	_, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{Name: "a", ContentType: "text/plain", Body: svBody("a")})
	require.NoError(t, err)

	_, _, err = f.Service.PutAttachment(stranger, r.ID, 0, porting.AttachmentInput{Name: "b", ContentType: "text/plain", Body: svBody("b")})
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, _, err = f.Service.Attachment(stranger, r.ID, "a.pdf")
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = f.Service.DeleteAttachment(stranger, r.ID, "a.pdf", 0)
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, data, err := f.Service.Attachment(f.AsAuthority(), r.ID, "a.pdf")
	require.NoError(t, err)
	require.Equal(t, "a", string(data))
}

// Attachment writes check the revision the caller read.
func TestServiceAttachmentWritesCheckRevision(t *testing.T) {
	f := portingtest.New(t)
	r := f.Create(t, "+12025550100")
	put := func(rev int64) error {
		_, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, rev, porting.AttachmentInput{
			Name: "a.pdf", ContentType: "application/pdf", Body: strings.NewReader("%PDF")})
		return err
	}
	require.ErrorIs(t, put(r.Revision+1), porting.ErrConflict)
	require.NoError(t, put(r.Revision))
	_, err := f.Service.DeleteAttachment(f.AsCustomer(), r.ID, "a.pdf", r.Revision)
	require.ErrorIs(t, err, porting.ErrConflict, "the upload moved the revision on")
	_, err = f.Service.DeleteAttachment(f.AsCustomer(), r.ID, "a.pdf", r.Revision+1)
	require.NoError(t, err)
}

// streamingStore lends the memory store's bytes as a stream, counting the
// streams it opens: the optional porting.ContentOpener.
type streamingStore struct {
	porting.Store
	opened int
}

func (s *streamingStore) OpenContent(ctx context.Context, requestID, contentID string) (io.ReadCloser, error) {
	data, err := s.Content(ctx, requestID, contentID)
	if err != nil {
		return nil, err
	}
	s.opened++
	return io.NopCloser(iotest.HalfReader(bytes.NewReader(data))), nil
}

// OpenAttachment streams from a store that is a ContentOpener and reads
// the bytes whole from one that is not; either way the caller gets the
// attachment's bytes, by name or ID, and what Attachment says is missing
// or out of reach is so here too.
func TestServiceOpenAttachment(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	body := bytes.Repeat([]byte("%PDF\x00\xff"), 1000)
	att, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "loa.pdf", ContentType: "application/pdf", Body: bytes.NewReader(body)})
	require.NoError(t, err)
	streaming := &streamingStore{Store: f.Store}
	for name, svc := range map[string]*porting.Service{
		"whole":    f.Service,
		"streamed": porting.NewService(streaming, f.Service.Options()),
	} {
		for _, key := range []string{att.Name, att.ID} {
			a, rc, err := svc.OpenAttachment(f.AsCustomer(), r.ID, key)
			require.NoError(t, err, name)
			require.Equal(t, att, a, name)
			got, err := io.ReadAll(rc)
			require.NoError(t, err, name)
			require.NoError(t, rc.Close())
			require.Equal(t, body, got, name)
		}
		_, _, err = svc.OpenAttachment(f.AsCustomer(), r.ID, "other.pdf")
		require.ErrorIs(t, err, porting.ErrNotFound, name)
		_, _, err = svc.OpenAttachment(svStranger(t, f), r.ID, att.Name)
		require.ErrorIs(t, err, porting.ErrNotFound, name)
	}
	require.Equal(t, 2, streaming.opened, "the store's streams were used")
}
