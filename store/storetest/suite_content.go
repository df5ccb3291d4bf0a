package storetest

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func contentCases() []testCase {
	return []testCase{
		{"RoundTrip", testContentRoundTrip},
		{"Large", testContentLarge},
		{"AddedOnUpdate", testContentAddedOnUpdate},
		{"DroppedOnUpdate", testContentDroppedOnUpdate},
		{"DeletedWithRequest", testContentDeletedWithRequest},
		{"Unreferenced", testContentUnreferenced},
		{"PerRequest", testContentPerRequest},
		{"Copies", testContentCopies},
		{"FailedWrite", testContentFailedWrite},
		{"Missing", testContentMissing},
		{"StreamOutlivedByItsBytes", testContentStreamOutlivedByItsBytes},
	}
}

// attach adds an attachment to r and returns the Write carrying its bytes.
func (h *harness) attach(r *porting.PortRequest, w porting.Write, name string, data []byte) (porting.Write, string) {
	cid := h.newContentID()
	r.Attachments = append(r.Attachments, porting.Attachment{
		ID: "att-" + cid, Name: name, ContentType: "application/pdf", Length: int64(len(data)),
		DocumentType: porting.DocumentOther, Created: r.Updated, ContentID: cid,
	})
	if w.Content == nil {
		w.Content = map[string][]byte{}
	}
	w.Content[cid] = data
	return w, cid
}

// requireContent checks that the bytes under a content ID are data.
func (h *harness) requireContent(requestID, contentID string, data []byte) {
	h.Helper()
	got, err := h.s.Content(h.ctx, requestID, contentID)
	require.NoError(h, err, "Content(%s, %s)", requestID, contentID)
	require.Equal(h, len(data), len(got), "length of content %s", contentID)
	require.True(h, bytes.Equal(data, got), "content %s differs from what was written", contentID)
	if o, ok := h.s.(porting.ContentOpener); ok {
		rc, err := o.OpenContent(h.ctx, requestID, contentID)
		require.NoError(h, err, "OpenContent(%s, %s)", requestID, contentID)
		got, err := io.ReadAll(iotest.OneByteReader(io.LimitReader(rc, 3)))
		require.NoError(h, err, "reading a few bytes of content %s one at a time", contentID)
		rest, err := io.ReadAll(rc)
		require.NoError(h, err, "reading content %s", contentID)
		require.NoError(h, rc.Close())
		got = append(got, rest...)
		require.Equal(h, len(data), len(got), "length of content %s, streamed", contentID)
		require.True(h, bytes.Equal(data, got), "content %s streamed differs from what was written", contentID)
	}
}

// requireNoContent checks that a content ID has no bytes.
func (h *harness) requireNoContent(requestID, contentID string) {
	h.Helper()
	_, err := h.s.Content(h.ctx, requestID, contentID)
	require.ErrorIs(h, err, porting.ErrNotFound, "Content(%s, %s)", requestID, contentID)
	if o, ok := h.s.(porting.ContentOpener); ok {
		_, err := o.OpenContent(h.ctx, requestID, contentID)
		require.ErrorIs(h, err, porting.ErrNotFound, "OpenContent(%s, %s)", requestID, contentID)
	}
}

// blob returns n pseudo-random bytes, the same for the same seed.
func blob(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func testContentRoundTrip(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	pdf := []byte("%PDF-1.7\n\x00\x01\x02\xff binary \r\n")
	w, c1 := h.attach(r, porting.Write{}, "loa.pdf", pdf)
	w, c2 := h.attach(r, w, "invoice.pdf", blob(1, 70_000))
	w, c3 := h.attach(r, w, "empty.pdf", []byte{})
	h.create(r, w)
	h.requireContent(r.ID, c1, pdf)
	h.requireContent(r.ID, c2, blob(1, 70_000))
	h.requireContent(r.ID, c3, nil)
	h.requireSomeKey(c1)
}

func testContentLarge(h *harness) {
	const size = 8_000_000
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	big := blob(2, size)
	w, c1 := h.attach(r, porting.Write{}, "big.pdf", big)
	h.create(r, w)
	h.requireContent(r.ID, c1, big)

	// Replacing it with a smaller one leaves nothing of the big one.
	r.Attachments = nil
	smaller := blob(3, size/2+1)
	w, c2 := h.attach(r, porting.Write{}, "big.pdf", smaller)
	h.update(r, w)
	h.requireContent(r.ID, c2, smaller)
	h.requireNoContent(r.ID, c1)
	h.requireNoKey(c1)

	h.remove(r)
	h.requireNoContent(r.ID, c2)
	h.requireNoKeys()
}

func testContentAddedOnUpdate(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	w, c1 := h.attach(r, porting.Write{}, "a.pdf", []byte("first"))
	h.create(r, w)
	r.Updated = h.tick()
	w, c2 := h.attach(r, porting.Write{}, "b.pdf", []byte("second"))
	h.update(r, w)
	h.requireContent(r.ID, c1, []byte("first"))
	h.requireContent(r.ID, c2, []byte("second"))

	// An update that writes no content keeps what is still referenced.
	r.Name = "renamed"
	h.update(r)
	h.requireContent(r.ID, c1, []byte("first"))
	h.requireContent(r.ID, c2, []byte("second"))
}

func testContentDroppedOnUpdate(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	w, c1 := h.attach(r, porting.Write{}, "a.pdf", []byte("first"))
	w, c2 := h.attach(r, w, "b.pdf", []byte("second"))
	w, c3 := h.attach(r, w, "c.pdf", []byte("third"))
	h.create(r, w)

	// Drop a.pdf.
	r.Attachments = r.Attachments[1:]
	h.update(r)
	h.requireNoContent(r.ID, c1)
	h.requireNoKey(c1)
	h.requireContent(r.ID, c2, []byte("second"))

	// Replace b.pdf's bytes: the old content ID goes.
	b, ok := r.Attachment("b.pdf")
	require.True(h, ok)
	c4 := h.newContentID()
	b.ContentID = c4
	h.update(r, porting.Write{Content: map[string][]byte{c4: []byte("second, v2")}})
	h.requireNoContent(r.ID, c2)
	h.requireNoKey(c2)
	h.requireContent(r.ID, c4, []byte("second, v2"))
	h.requireContent(r.ID, c3, []byte("third"))

	// Drop them all.
	r.Attachments = nil
	h.update(r)
	h.requireNoContent(r.ID, c3)
	h.requireNoContent(r.ID, c4)
	h.requireNoKey(c3, c4)
}

func testContentDeletedWithRequest(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	w, c1 := h.attach(r, porting.Write{}, "a.pdf", []byte("first"))
	w, c2 := h.attach(r, w, "b.pdf", blob(4, 300_000))
	h.create(r, w)
	h.remove(r)
	h.requireNoContent(r.ID, c1)
	h.requireNoContent(r.ID, c2)
	h.requireNoKey(c1, c2, r.ID)
}

// testContentUnreferenced writes bytes that no attachment references:
// whether or not the store keeps them meanwhile, they may not outlive the
// request.
func testContentUnreferenced(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	w, c1 := h.attach(r, porting.Write{}, "a.pdf", []byte("referenced"))
	orphan1, orphan2 := h.newContentID(), h.newContentID()
	w.Content[orphan1] = []byte("never referenced")
	h.create(r, w)
	h.requireContent(r.ID, c1, []byte("referenced"))
	r.Updated = h.tick()
	h.update(r, porting.Write{Content: map[string][]byte{orphan2: []byte("never referenced either")}})
	h.requireContent(r.ID, c1, []byte("referenced"))

	h.remove(r)
	for _, cid := range []string{c1, orphan1, orphan2} {
		h.requireNoContent(r.ID, cid)
	}
	h.requireNoKeys()
}

func testContentPerRequest(h *harness) {
	a := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	b := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	for _, r := range []*porting.PortRequest{a, b} {
		r.Attachments = []porting.Attachment{{ID: "att-1", Name: "loa.pdf", ContentID: "same"}}
		h.create(r, porting.Write{Content: map[string][]byte{"same": []byte("bytes of " + r.ID)}})
	}
	h.requireContent(a.ID, "same", []byte("bytes of "+a.ID))
	h.requireContent(b.ID, "same", []byte("bytes of "+b.ID))
	h.requireNoContent("req-none", "same")

	h.remove(a)
	h.requireNoContent(a.ID, "same")
	h.requireContent(b.ID, "same", []byte("bytes of "+b.ID))
}

func testContentCopies(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	data := []byte("original bytes")
	w, cid := h.attach(r, porting.Write{}, "a.pdf", data)
	h.create(r, w)
	data[0] = 'X'
	h.requireContent(r.ID, cid, []byte("original bytes"))

	got, err := h.s.Content(h.ctx, r.ID, cid)
	require.NoError(h, err)
	got[0] = 'Y'
	h.requireContent(r.ID, cid, []byte("original bytes"))
}

func testContentFailedWrite(h *harness) {
	n := h.newNumber()
	a := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, n))

	// A create that fails on a claim stores no bytes.
	b := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, n)
	w, cb := h.attach(b, porting.Write{}, "b.pdf", []byte("b"))
	require.Error(h, h.s.CreateRequest(h.ctx, b, w))
	h.requireNoContent(b.ID, cb)
	h.requireNoKey(cb)

	// An update that fails on its revision stores no bytes and drops none.
	wa, ca := h.attach(a, porting.Write{}, "a.pdf", []byte("a"))
	h.update(a, wa)
	stale := a.Clone()
	stale.Revision = 1
	stale.Attachments = nil
	w, cs := h.attach(stale, porting.Write{}, "s.pdf", []byte("stale"))
	require.ErrorIs(h, h.s.UpdateRequest(h.ctx, stale, w), porting.ErrConflict)
	h.requireNoContent(a.ID, cs)
	h.requireContent(a.ID, ca, []byte("a"))
}

func testContentMissing(h *harness) {
	h.requireNoContent("req-none", "cnt-none")
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	w, cid := h.attach(r, porting.Write{}, "a.pdf", []byte("a"))
	h.create(r, w)
	h.requireNoContent(r.ID, "cnt-none")
	h.requireNoContent(r.ID, cid[:len(cid)-1])
	h.requireNoContent(r.ID, "")
	h.requireNoContent(r.ID[:len(r.ID)-1], cid)
	h.requireContent(r.ID, cid, []byte("a"))
}

// A porting.ContentOpener's reader of bytes deleted while it reads fails
// with ErrNotFound: it never returns other bytes, nor ends early as if
// the bytes were shorter.
func testContentStreamOutlivedByItsBytes(h *harness) {
	o, ok := h.s.(porting.ContentOpener)
	if !ok {
		h.Skip("the store does not implement porting.ContentOpener")
	}
	const size = 3_000_000
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	w, cid := h.attach(r, porting.Write{}, "big.pdf", blob(4, size))
	h.create(r, w)
	rc, err := o.OpenContent(h.ctx, r.ID, cid)
	require.NoError(h, err)
	defer rc.Close()
	head := make([]byte, 10)
	_, err = io.ReadFull(rc, head)
	require.NoError(h, err)
	require.Equal(h, blob(4, size)[:10], head)
	h.remove(r)
	n, err := io.Copy(io.Discard, rc)
	require.ErrorIs(h, err, porting.ErrNotFound, "the bytes went while %d more were read", n)
	require.Less(h, n, int64(size-10))
}
