package badger

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
	v1 := encodeRequestV1(filled(), time.Time{})
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
	full := encodeRequest(filled())
	for i := range full {
		if _, err := decodeRequest(full[:i]); err != nil {
			require.ErrorIs(t, err, errCorrupt, "cut at %d", i)
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
	d := &decoder{s: string(encodeRequest(goldenV1())[1:]), depth: maxDepth}
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
// that survives another round trip unchanged, or errCorrupt.
func FuzzDecodeRequest(f *testing.F) {
	scheduled := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	f.Add(encodeRequest(filled()))
	f.Add(encodeRequest(&porting.PortRequest{ID: "a"}))
	f.Add(encodeRequest(goldenV1()))
	f.Add(encodeRequestV1(filled(), scheduled))
	f.Add(encodeRequestV1(&porting.PortRequest{ID: "a"}, time.Time{}))
	f.Add(withUnknownFields(f, encodeRequest(goldenV1())))
	for _, name := range []string{"testdata/request.v1.bin", "testdata/request.v2.bin"} {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
	for _, c := range corruptions() {
		f.Add(c.b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeRequest(b)
		if err != nil {
			require.ErrorIs(t, err, errCorrupt)
			return
		}
		enc := encodeRequest(got)
		again, err := decodeRequest(enc)
		require.NoError(t, err)
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
		Comments:    []porting.Comment{{ID: "c", Body: "hello", Created: time.Now().UTC()}},
	}
	for i := 0; i < 10; i++ {
		e := fmt.Sprintf("+1202555%04d", i)
		r.Numbers = append(r.Numbers, porting.PortNumber{Number: porting.Number{Raw: e, E164: e, Valid: true, Region: "US",
			Type: porting.NumberTypeFixedLineOrMobile, Coverage: porting.CoverageNANPGeneric},
			PortabilityStatus: porting.PortabilityPending, SubRequestID: r.SubRequests[0].ID})
	}
	data := encodeRequest(r)
	v1 := encodeRequestV1(r, time.Time{})
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
