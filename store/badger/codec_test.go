package badger

import (
	"encoding/json"
	"fmt"
	"reflect"
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

func TestCodecRoundTripsEveryField(t *testing.T) {
	var r porting.PortRequest
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	got, err := decodeRequest(encodeRequest(&r))
	require.NoError(t, err)
	require.Equal(t, &r, got)
}

func TestCodecIsDeterministic(t *testing.T) {
	var r porting.PortRequest
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	first := encodeRequest(&r)
	for range 20 {
		require.Equal(t, first, encodeRequest(&r))
	}
}

func TestCodecKeepsNilApartFromEmpty(t *testing.T) {
	r := &porting.PortRequest{ID: "x", AccountPath: []string{}, Numbers: []porting.PortNumber{{Details: json.RawMessage{}}}}
	got, err := decodeRequest(encodeRequest(r))
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.NotNil(t, got.AccountPath)
	require.Nil(t, got.SubRequests)
}

func TestCodecTimesOutsideNanosecondRange(t *testing.T) {
	r := &porting.PortRequest{TransferDate: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), SigningDate: time.Date(1601, 1, 1, 0, 0, 0, 5, time.UTC)}
	got, err := decodeRequest(encodeRequest(r))
	require.NoError(t, err)
	require.Equal(t, r, got)
}

func TestCodecRefusesCorruptInput(t *testing.T) {
	var r porting.PortRequest
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	b := encodeRequest(&r)
	for _, bad := range [][]byte{nil, {2}, b[:len(b)-1], append(append([]byte{}, b...), 0)} {
		_, err := decodeRequest(bad)
		require.ErrorIs(t, err, errCorrupt)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	var r porting.PortRequest
	n := 0
	fill(reflect.ValueOf(&r).Elem(), &n)
	full := encodeRequest(&r)
	f.Add(full)
	f.Add(encodeRequest(&porting.PortRequest{ID: "a"}))
	// Corruptions: empty, a version byte alone, truncated, one byte too
	// many, a length prefix claiming far more than there is.
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add(full[:len(full)/2])
	f.Add(append(append([]byte{}, full...), 0))
	f.Add(append([]byte{full[0]}, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeRequest(b)
		if err != nil {
			return
		}
		// Whatever decodes must survive another round trip unchanged.
		again, err := decodeRequest(encodeRequest(got))
		require.NoError(t, err)
		require.Equal(t, got, again)
	})
}

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
	b.Run("json-decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var x porting.PortRequest
			_ = json.Unmarshal(js, &x)
		}
	})
}
