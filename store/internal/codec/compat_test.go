package codec

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// wireField is one field of an encoded message, as the tests take
// documents apart: its number, its wire type and its value (the varint's
// bytes, the 8 bytes, or a length-delimited value without its length).
type wireField struct {
	num, wt uint64
	val     []byte
}

// shape names the fields of a message that hold nested messages the
// tests look into, each with the shape of its own.
type shape map[uint64]shape

// requestShape is the request message's shape, down to the messages the
// tests look into: the numbers, the bill, the quote, the sub requests with
// their porting options and times, and, in documents holding the legacy
// timeline inline (encodeLegacyV2), the comments with their times and the
// transitions with their actors and times.
var requestShape = shape{
	reqNumbers:     nil,
	reqBill:        nil,
	reqQuote:       nil,
	reqSubRequests: {subPortingOption: nil, subFOCDate: nil, subCreated: nil},
	reqComments:    {cmtCreated: nil},
	reqTransitions: {trnActor: nil, trnAt: nil},
}

// splitFields takes a message apart into its fields.
func splitFields(t testing.TB, msg []byte) []wireField {
	t.Helper()
	var out []wireField
	for len(msg) > 0 {
		k, n := binary.Uvarint(msg)
		require.Positive(t, n, "key")
		msg = msg[n:]
		f := wireField{num: k >> 3, wt: k & 7}
		switch f.wt {
		case wireVarint:
			_, n = binary.Uvarint(msg)
			require.Positive(t, n, "varint")
		case wireFixed64:
			n = 8
		case wireBytes:
			l, m := binary.Uvarint(msg)
			require.Positive(t, m, "length")
			msg, n = msg[m:], int(l)
		default:
			t.Fatalf("wire type %d", f.wt)
		}
		require.LessOrEqual(t, n, len(msg))
		f.val, msg = msg[:n], msg[n:]
		out = append(out, f)
	}
	return out
}

// joinFields puts fields back together into a message.
func joinFields(fs []wireField) []byte {
	var b []byte
	for _, f := range fs {
		b = binary.AppendUvarint(b, f.num<<3|f.wt)
		if f.wt == wireBytes {
			b = binary.AppendUvarint(b, uint64(len(f.val)))
		}
		b = append(b, f.val...)
	}
	return b
}

// rewrite takes the message msg of shape sh apart and puts it back
// together, first rewriting the nested messages sh names, then putting in
// the place of every field what edit returns for it. Edit is given the
// numbers of the fields that hold the message, outermost first.
func rewrite(t testing.TB, msg []byte, sh shape, edit func(path []uint64, f wireField) []wireField) []byte {
	t.Helper()
	return rewriteAt(t, msg, sh, nil, edit)
}

// rewriteAt is rewrite of the message at path.
func rewriteAt(t testing.TB, msg []byte, sh shape, path []uint64, edit func(path []uint64, f wireField) []wireField) []byte {
	t.Helper()
	var out []wireField
	for _, f := range splitFields(t, msg) {
		if inner, ok := sh[f.num]; ok {
			f.val = rewriteAt(t, f.val, inner, append(slices.Clip(path), f.num), edit)
		}
		out = append(out, edit(path, f)...)
	}
	return joinFields(out)
}

// unknownFields are fields no message of the model knows, one of each wire
// type: a varint, a fixed64, bytes that are no message, and a nested
// message whose own fields are unknown too.
func unknownFields() []wireField {
	nested := joinFields([]wireField{
		{num: 1, wt: wireBytes, val: []byte("not what field 1 holds")},
		{num: 7, wt: wireFixed64, val: []byte{1, 2, 3, 4, 5, 6, 7, 8}},
	})
	return []wireField{
		{num: 1000, wt: wireVarint, val: binary.AppendUvarint(nil, 1<<40)},
		{num: 1001, wt: wireFixed64, val: []byte{0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0}},
		{num: 1002, wt: wireBytes, val: []byte{0xff, 0xff, 0xff}},
		{num: 1 << 28, wt: wireBytes, val: nested},
		{num: 1003, wt: wireBytes, val: nil},
	}
}

// withUnknownFields returns doc, a version 2 document, with unknown fields
// at its start and after every field, at the top level and in every
// nested message of requestShape.
func withUnknownFields(t testing.TB, doc []byte) []byte {
	t.Helper()
	body := rewrite(t, doc[1:], requestShape, func(_ []uint64, f wireField) []wireField {
		return append([]wireField{f}, unknownFields()...)
	})
	return append(append([]byte{doc[0]}, joinFields(unknownFields())...), body...)
}

// TestCodecSkipsUnknownFields proves forward compatibility: a document
// written by a newer build, with fields this build does not know of every
// wire type, at the top level and inside nested messages (a sub request,
// its porting option, a time, a legacy comment or transition and its
// actor), decodes to the request and legacy timeline without them.
func TestCodecSkipsUnknownFields(t *testing.T) {
	golden, goldenLegacy := goldenV1()
	for name, c := range map[string]struct {
		r      *porting.PortRequest
		legacy legacyTimeline
	}{
		"golden":          {golden, legacyTimeline{}},
		"filled":          {filled(), legacyTimeline{}},
		"golden, legacy":  {golden, goldenLegacy},
		"filled, legacy":  {filled(), filledLegacy()},
		"legacy, counted": {&porting.PortRequest{ID: "x"}, filledLegacy()},
	} {
		doc := encodeLegacyV2(c.r, c.legacy)
		newer := withUnknownFields(t, doc)
		require.Greater(t, len(newer), 2*len(doc), name)
		got, legacy, err := decodeDocument(newer)
		require.NoError(t, err, name)
		want := *c.r
		if want.CommentCount == 0 {
			want.CommentCount = len(c.legacy.comments)
		}
		require.Equal(t, &want, got, name)
		require.Equal(t, c.legacy, legacy, name)
		require.Equal(t, encodeLegacyV2(&want, c.legacy), encodeLegacyV2(got, legacy), name)
	}
}

// TestCodecReadsDocumentsLackingFields proves backward compatibility: a
// document written by an older build, before a field existed, decodes
// with that field zero.
func TestCodecReadsDocumentsLackingFields(t *testing.T) {
	drop := map[string]bool{}
	for _, p := range [][]uint64{{reqName}, {reqQuote}, {reqRevision}, {reqSubRequests, subFOCDate}, {reqSubRequests, subPortingOption}} {
		drop[pathString(p)] = true
	}
	dropped := 0
	golden, _ := goldenV1()
	older := rewrite(t, encodeRequest(golden)[1:], requestShape, func(path []uint64, f wireField) []wireField {
		if drop[pathString(append(slices.Clip(path), f.num))] {
			dropped++
			return nil
		}
		return []wireField{f}
	})
	require.Equal(t, 6, dropped, "name, quote, revision, 2 FOC dates, 1 porting option")
	got, err := decodeRequest(append([]byte{codecVersion}, older...))
	require.NoError(t, err)
	want, _ := goldenV1()
	want.Name, want.Quote, want.Revision = "", nil, 0
	for i := range want.SubRequests {
		want.SubRequests[i].FOCDate, want.SubRequests[i].PortingOption = time.Time{}, nil
	}
	require.Equal(t, want, got)
}

// TestCodecReadsDocumentsLackingAnyField drops each field of a filled
// document in turn, at the top level and in the nested messages of
// requestShape: every such document decodes, to a request that encodes
// back to exactly that document, so nothing but the dropped field changed.
// The same holds of a document holding a legacy timeline inline, encoded
// back with it, but for the comment count: dropped, the legacy comments
// count in its place.
func TestCodecReadsDocumentsLackingAnyField(t *testing.T) {
	for name, legacy := range map[string]legacyTimeline{"today": {}, "legacy": filledLegacy()} {
		doc := encodeLegacyV2(filled(), legacy)[1:]
		fields := 0
		rewrite(t, doc, requestShape, func(_ []uint64, f wireField) []wireField { fields++; return []wireField{f} })
		require.Greater(t, fields, 100, name)
		for i := range fields {
			n := 0
			var dropped []uint64
			older := rewrite(t, doc, requestShape, func(path []uint64, f wireField) []wireField {
				if n++; n-1 == i {
					dropped = append(slices.Clip(path), f.num)
					return nil
				}
				return []wireField{f}
			})
			older = append([]byte{codecVersion}, older...)
			got, gotLegacy, err := decodeDocument(older)
			require.NoError(t, err, "%s: without field %d", name, i)
			if slices.Equal(dropped, []uint64{reqCommentCount}) {
				require.Equal(t, len(legacy.comments), got.CommentCount, "%s: without the count", name)
				continue
			}
			require.Equal(t, older, encodeLegacyV2(got, gotLegacy), "%s: without field %d", name, i)
		}
	}
}

// pathString writes a path of field numbers as "/19/7" ("" for the top).
func pathString(path []uint64) string {
	s := ""
	for _, n := range path {
		s += fmt.Sprint("/", n)
	}
	return s
}
