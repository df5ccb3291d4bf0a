package codec

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// fill sets every field reachable from v to a distinct non-zero value, so
// a field the codec forgets shows up as a difference.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d-ünï", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Slice:
		if v.Type() == reflect.TypeOf(json.RawMessage(nil)) {
			v.SetBytes([]byte(fmt.Sprintf(`{"k":%d}`, *n)))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fill(v.Index(i), n)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := 0; i < 2; i++ {
			k := reflect.New(v.Type().Key()).Elem()
			fill(k, n)
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, n)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, *n, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	default:
		panic("codec test: unhandled kind " + v.Kind().String())
	}
}

// TestCodecRoundTripsEveryField fills every field, so that one the codec
// forgets shows up.
func TestCodecRoundTripsEveryField(t *testing.T) {
	var r porting.PortRequest
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	got, err := decodeRequest(encodeRequest(&r))
	require.NoError(t, err)
	require.Equal(t, &r, got)
	_, legacy, err := decodeDocument(encodeRequest(&r))
	require.NoError(t, err)
	require.Equal(t, legacyTimeline{}, legacy, "a document written now has no inline timeline")
}

// filledLegacy returns a legacy timeline with every field of its comments
// and transitions set (see fill), none at the time of another.
func filledLegacy() legacyTimeline {
	var l legacyTimeline
	n := 1000
	fill(reflect.ValueOf(&l.comments).Elem(), &n)
	fill(reflect.ValueOf(&l.transitions).Elem(), &n)
	return l
}

// encodeLegacyV2 is EncodeLegacyV2 of a legacy timeline.
func encodeLegacyV2(r *porting.PortRequest, legacy legacyTimeline) []byte {
	return EncodeLegacyV2(r, legacy.comments, legacy.transitions)
}

// TestCodecReadsTheLegacyTimeline decodes a version 2 document holding
// comments and transitions inline (retired fields 21 and 22) into the
// request and its legacy timeline. Without a comment count, the request
// counts the legacy comments; with one, the count stands. Encoded again,
// the inline timeline is gone.
func TestCodecReadsTheLegacyTimeline(t *testing.T) {
	legacy := filledLegacy()
	for name, count := range map[string]int{"without a count": 0, "with a count": 7} {
		r := filled()
		r.CommentCount = count
		got, gotLegacy, err := decodeDocument(encodeLegacyV2(r, legacy))
		require.NoError(t, err, name)
		require.Equal(t, legacy, gotLegacy, name)
		want := filled()
		want.CommentCount = count
		if count == 0 {
			want.CommentCount = len(legacy.comments)
		}
		require.Equal(t, want, got, name)
		got2, err := decodeRequest(encodeLegacyV2(r, legacy))
		require.NoError(t, err, name)
		require.Equal(t, want, got2, name)

		again, againLegacy, err := decodeDocument(encodeRequest(got))
		require.NoError(t, err, name)
		require.Equal(t, want, again, name)
		require.Equal(t, legacyTimeline{}, againLegacy, name)
	}
	// Empty, non-nil, the legacy slices were written as "empty" fields: they
	// are no timeline now, and the document has no comment.
	r := &porting.PortRequest{ID: "x"}
	got, gotLegacy, err := decodeDocument(encodeLegacyV2(r, legacyTimeline{comments: []porting.Comment{}, transitions: []porting.Transition{}}))
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.Empty(t, gotLegacy.entries())
}

// TestLegacyTimelineEntries orders the legacy timeline by time, transitions
// first at equal times, each kind in its stored order at equal times.
func TestLegacyTimelineEntries(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 3, 2, 14, m, 0, 0, time.UTC) }
	l := legacyTimeline{
		comments: []porting.Comment{{ID: "c3", Created: at(3)}, {ID: "c1a", Created: at(1)}, {ID: "c1b", Created: at(1)}},
		transitions: []porting.Transition{{Reason: "t2", At: at(2)}, {Reason: "t1a", At: at(1)},
			{Reason: "t1b", At: at(1)}, {Reason: "t4", At: at(4)}},
	}
	var got []string
	for _, e := range l.entries() {
		switch {
		case e.Comment != nil:
			require.Nil(t, e.Transition)
			require.Equal(t, e.Comment.Created, e.At)
			got = append(got, e.Comment.ID)
		case e.Transition != nil:
			require.Equal(t, e.Transition.At, e.At)
			got = append(got, e.Transition.Reason)
		}
	}
	require.Equal(t, []string{"t1a", "t1b", "c1a", "c1b", "t2", "c3", "t4"}, got)
	require.Empty(t, legacyTimeline{}.entries())
}

// TestCodecIsDeterministic encodes a request with maps many times: map
// entries are written in key order, so the bytes never change.
func TestCodecIsDeterministic(t *testing.T) {
	var r porting.PortRequest
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	first := encodeRequest(&r)
	for range 20 {
		require.Equal(t, first, encodeRequest(&r))
	}
}

// TestCodecKeepsNilApartFromEmpty round-trips an empty slice, an empty JSON
// raw value and a nil slice.
func TestCodecKeepsNilApartFromEmpty(t *testing.T) {
	r := &porting.PortRequest{ID: "x", AccountPath: []string{}, Numbers: []porting.PortNumber{{Details: json.RawMessage{}}}}
	got, err := decodeRequest(encodeRequest(r))
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.NotNil(t, got.AccountPath)
	require.Nil(t, got.SubRequests)
}

// TestCodecTimesOutsideNanosecondRange round-trips times that UnixNano
// cannot hold.
func TestCodecTimesOutsideNanosecondRange(t *testing.T) {
	r := &porting.PortRequest{TransferDate: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), SigningDate: time.Date(1601, 1, 1, 0, 0, 0, 5, time.UTC)}
	got, err := decodeRequest(encodeRequest(r))
	require.NoError(t, err)
	require.Equal(t, r, got)
}

// filled returns a request with every field set (see fill).
func filled() *porting.PortRequest {
	var r porting.PortRequest
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	return &r
}

// fillEmpty sets every slice and map reachable from v to a non-nil value
// with no element, and every pointer to a zero value. With deep, a slice of
// structs gets one element instead, filled in the same way, and a map one
// entry with an empty value, so the empty slices inside are reached too.
func fillEmpty(v reflect.Value, deep bool) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillEmpty(v.Elem(), deep)
	case reflect.Slice:
		n := 0
		if deep && v.Type().Elem().Kind() == reflect.Struct {
			n = 1
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			fillEmpty(v.Index(i), deep)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		if deep {
			v.SetMapIndex(reflect.ValueOf(""), reflect.ValueOf(json.RawMessage{}))
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillEmpty(v.Field(i), deep)
			}
		}
	}
}

// TestCodecKeepsEverySliceApartFromNil round-trips every slice and map of
// the model empty but non-nil, and every pointer to a zero value, at every
// level: the "empty" fields and the presence of pointers and raw values
// keep them apart from nil.
func TestCodecKeepsEverySliceApartFromNil(t *testing.T) {
	for _, deep := range []bool{false, true} {
		var r porting.PortRequest
		fillEmpty(reflect.ValueOf(&r).Elem(), deep)
		got, err := decodeRequest(encodeRequest(&r))
		require.NoError(t, err)
		require.Equal(t, &r, got, "deep %v", deep)
	}
	r := &porting.PortRequest{Extra: map[string]json.RawMessage{"nil": nil, "empty": {}}}
	got, err := decodeRequest(encodeRequest(r))
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.Nil(t, got.Extra["nil"])
	require.NotNil(t, got.Extra["empty"])
}

// TestCodecKeepsTheEpochApartFromZero round-trips the Unix epoch, whose time
// message has no field (it is present, and empty), and a negative zero.
func TestCodecKeepsTheEpochApartFromZero(t *testing.T) {
	r := &porting.PortRequest{Created: time.Unix(0, 0).UTC(), Quote: &porting.Quote{PerNumber: math.Copysign(0, -1)}}
	got, err := decodeRequest(encodeRequest(r))
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.False(t, got.Created.IsZero())
	require.True(t, math.Signbit(got.Quote.PerNumber))
}

// document returns a version 2 document of the fields build writes.
func document(build func(e *encoder)) []byte {
	e := &encoder{b: []byte{codecVersion}}
	build(e)
	return e.b
}

// corruptions lists documents that must not decode, by what is wrong with
// them. In a tagged format a document cut at a field boundary is a valid
// document lacking the fields after the cut, so a cut must fall inside a
// field; and trailing bytes are read as fields, so they are corrupt when
// they do not make whole fields.
func corruptions() []struct {
	name string
	b    []byte
} {
	full := encodeRequest(filled())
	legacy := encodeLegacyV2(filled(), filledLegacy())
	v1 := encodeRequestV1(filled(), filledLegacy(), time.Time{})
	str := func(num uint64, s string) func(e *encoder) { return func(e *encoder) { e.strAlways(num, s) } }
	return []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"version 0", []byte{0}},
		{"version 1, no body", []byte{1}},
		{"cut in the last field", full[:len(full)-1]},
		{"cut in the middle", full[:len(full)/2]},
		{"trailing byte 0: field number 0", append(slices.Clip(full), 0)},
		{"trailing key without its value", document(func(e *encoder) { e.key(reqName, wireBytes) })},
		{"unknown wire type", document(func(e *encoder) { e.key(1000, 3); e.uvarint(1) })},
		{"known field of the wrong wire type", document(func(e *encoder) { e.key(reqName, wireVarint); e.uvarint(1) })},
		{"varint past 64 bits", document(func(e *encoder) {
			e.key(reqRevision, wireVarint)
			e.b = append(e.b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)
		})},
		{"cut varint", document(func(e *encoder) { e.key(reqRevision, wireVarint); e.b = append(e.b, 0xff) })},
		{"cut fixed64", document(func(e *encoder) { e.key(1000, wireFixed64); e.b = append(e.b, 1, 2, 3) })},
		{"length past the end", document(func(e *encoder) { e.key(reqName, wireBytes); e.uvarint(5); e.b = append(e.b, 'a') })},
		{"huge length", document(func(e *encoder) { e.key(reqNumbers, wireBytes); e.uvarint(math.MaxUint64) })},
		{"length past the end of the enclosing message", document(func(e *encoder) {
			// The sub request's ID claims 5 bytes: the document has them,
			// the sub request does not.
			at := e.begin(reqSubRequests)
			e.key(subID, wireBytes)
			e.uvarint(5)
			e.end(at)
			str(reqName, "abcdef")(e)
		})},
		{"nanoseconds past a second", document(func(e *encoder) {
			at := e.begin(reqCreated)
			e.uint(tmNanos, 1e9)
			e.end(at)
		})},
		{"legacy comment of the wrong wire type", document(func(e *encoder) { e.key(reqComments, wireVarint); e.uvarint(1) })},
		{"legacy transition of the wrong wire type", document(func(e *encoder) { e.key(reqTransitions, wireFixed64); e.b = append(e.b, 1, 2, 3, 4, 5, 6, 7, 8) })},
		{"known field of a legacy comment of the wrong wire type", document(func(e *encoder) {
			at := e.begin(reqComments)
			e.key(cmtBody, wireVarint)
			e.uvarint(1)
			e.end(at)
		})},
		{"nanoseconds past a second in a legacy transition", document(func(e *encoder) {
			at := e.begin(reqTransitions)
			at2 := e.begin(trnAt)
			e.uint(tmNanos, 1e9)
			e.end(at2)
			e.end(at)
		})},
		{"cut in a legacy transition", legacy[:len(legacy)-1]},
		{"comment count of the wrong wire type", document(func(e *encoder) { str(reqCommentCount, "2")(e) })},
		{"version 1 cut", v1[:len(v1)-1]},
		{"version 1 with a trailing byte", append(slices.Clip(v1), 0)},
	}
}

// TestCodecRefusesCorruptInput decodes every corruption to errCorrupt.
func TestCodecRefusesCorruptInput(t *testing.T) {
	for _, c := range corruptions() {
		_, err := decodeRequest(c.b)
		require.ErrorIs(t, err, errCorrupt, c.name)
	}
	// Cut anywhere, a document is corrupt or a valid shorter document.
	for _, full := range [][]byte{encodeRequest(filled()), encodeLegacyV2(filled(), filledLegacy())} {
		for i := range full {
			if _, _, err := decodeDocument(full[:i]); err != nil {
				require.ErrorIs(t, err, errCorrupt, "cut at %d", i)
			}
		}
	}
}

// TestCodecRefusesUnknownVersions says which version it does not read.
func TestCodecRefusesUnknownVersions(t *testing.T) {
	_, err := decodeRequest([]byte{7, 0x0a, 1, 'x'})
	require.ErrorIs(t, err, errCorrupt)
	require.ErrorContains(t, err, "codec version 7 is newer than this build reads")
	_, err = decodeRequest([]byte{0})
	require.ErrorIs(t, err, errCorrupt)
	require.ErrorContains(t, err, "unknown codec version 0")
}

// TestCodecBoundsNesting refuses messages nested deeper than maxDepth. The
// model nests 3 deep and unknown messages are skipped, not entered, so no
// document reaches the bound today: the test starts the decoder deep.
func TestCodecBoundsNesting(t *testing.T) {
	d := &decoder{s: string(encodeLegacyV2(goldenV1())[1:]), depth: maxDepth}
	d.request(&porting.PortRequest{})
	require.ErrorIs(t, d.err, errCorrupt)
	require.ErrorContains(t, d.err, "nested too deep")
}

// hasNaN reports whether r holds a NaN, which no value equals, not even
// itself.
func hasNaN(r *porting.PortRequest) bool {
	return r.Quote != nil && (math.IsNaN(r.Quote.ActivationCharges) || math.IsNaN(r.Quote.PerNumber))
}

// FuzzDecodeRequest decodes anything without panicking: it is a request
// and a legacy timeline that survive another round trip unchanged (the
// request as a document of today, which has no legacy timeline; both as a
// version 2 document holding the timeline inline), or errCorrupt.
func FuzzDecodeRequest(f *testing.F) {
	scheduled := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	golden, goldenLegacy := goldenV1()
	f.Add(encodeRequest(filled()))
	f.Add(encodeRequest(&porting.PortRequest{ID: "a"}))
	f.Add(encodeRequest(golden))
	f.Add(encodeLegacyV2(filled(), filledLegacy()))
	f.Add(encodeLegacyV2(&porting.PortRequest{ID: "a"}, legacyTimeline{comments: []porting.Comment{{ID: "c"}}}))
	f.Add(encodeRequestV1(filled(), filledLegacy(), scheduled))
	f.Add(encodeRequestV1(&porting.PortRequest{ID: "a"}, legacyTimeline{}, time.Time{}))
	f.Add(withUnknownFields(f, encodeRequest(golden)))
	f.Add(withUnknownFields(f, encodeLegacyV2(golden, goldenLegacy)))
	for _, name := range []string{"testdata/request.v1.bin", "testdata/request.v2.bin"} {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
	for _, c := range corruptions() {
		f.Add(c.b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, legacy, err := decodeDocument(b)
		if err != nil {
			require.ErrorIs(t, err, errCorrupt)
			_, err = decodeRequest(b)
			require.ErrorIs(t, err, errCorrupt)
			return
		}
		r, err := decodeRequest(b)
		require.NoError(t, err)
		if !hasNaN(got) {
			require.Equal(t, got, r)
		}
		if got.CommentCount == 0 {
			require.Empty(t, legacy.comments, "legacy comments are counted")
		}

		enc := encodeRequest(got)
		again, againLegacy, err := decodeDocument(enc)
		require.NoError(t, err)
		require.Empty(t, againLegacy.entries(), "a document of today holds no timeline")
		require.Equal(t, enc, encodeRequest(again))
		if !hasNaN(got) {
			require.Equal(t, got, again)
		}

		old := encodeLegacyV2(got, legacy)
		again, againLegacy, err = decodeDocument(old)
		require.NoError(t, err)
		require.Equal(t, legacy.entries(), againLegacy.entries())
		require.Equal(t, enc, encodeRequest(again))
		if !hasNaN(got) {
			require.Equal(t, got, again)
		}
	})
}

// BenchmarkCodec compares encoding, decoding version 2, decoding version 1
// and decoding JSON, of one request.
func BenchmarkCodec(b *testing.B) {
	r := &porting.PortRequest{ID: "0123456789abcdef0123456789abcdef", AccountID: "acct", AccountPath: []string{"root", "acct"},
		SupportKey: "pr_abcdef", Name: "Porting 202.555.9000", State: porting.StateUnconfirmed,
		Created: time.Now().UTC(), Updated: time.Now().UTC(), Revision: 3,
		SubRequests: []porting.SubRequest{{ID: "fedcba9876543210fedcba9876543210", SupportKey: "sr_abcdef", State: porting.StateUnconfirmed, Created: time.Now().UTC(), Updated: time.Now().UTC()}},
	}
	for i := 0; i < 10; i++ {
		e := fmt.Sprintf("+1202555%04d", i)
		r.Numbers = append(r.Numbers, porting.PortNumber{Number: porting.Number{Raw: e, E164: e, Valid: true, Region: "US",
			Type: porting.NumberTypeFixedLineOrMobile, Coverage: porting.CoverageNANPGeneric},
			PortabilityStatus: porting.PortabilityPending, SubRequestID: r.SubRequests[0].ID})
	}
	data := encodeRequest(r)
	v1 := encodeRequestV1(r, legacyTimeline{}, time.Time{})
	js, _ := json.Marshal(r)
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			encodeRequest(r)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _ = decodeRequest(data)
		}
	})
	b.Run("decode-v1", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _ = decodeRequest(v1)
		}
	})
	b.Run("json-decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var x porting.PortRequest
			_ = json.Unmarshal(js, &x)
		}
	})
}
