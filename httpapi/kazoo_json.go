package httpapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// The Kazoo dialect writes its JSON by hand, with keys sorted as Kazoo
// sorts them: the representation of a port request is on the hot path of
// every read, and encoding/json spends most of its time on reflection and
// on merging the unknown keys of a request into the known ones.

// kazooGregorianOffset is the number of seconds from 0000-01-01 (Kazoo's
// Gregorian epoch) to the Unix epoch.
const kazooGregorianOffset = 62167219200

// kazooGregorian returns t in Gregorian seconds.
func kazooGregorian(t time.Time) int64 { return t.Unix() + kazooGregorianOffset }

// kazooFromGregorian returns the time of g Gregorian seconds.
func kazooFromGregorian(g int64) time.Time {
	return time.Unix(g-kazooGregorianOffset, 0).UTC()
}

const kazooHex = "0123456789abcdef"

// kazooPlain marks the ASCII bytes a JSON string holds as they are.
var kazooPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// kazooAppendString appends s as a JSON string, escaping as encoding/json
// does with HTML escaping off: invalid UTF-8 becomes U+FFFD.
func kazooAppendString(b []byte, s string) []byte {
	b = append(b, '"')
	i := 0
	for i < len(s) && kazooPlain[s[i]] {
		i++
	}
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if kazooPlain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', kazooHex[c>>4], kazooHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', kazooHex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// kazooAppendRaw appends a stored JSON value, compacted; a value that is
// not valid JSON (which a Store should never hold) becomes null, so the
// response stays valid.
func kazooAppendRaw(b []byte, raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return append(b, "null"...)
	}
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, raw); err != nil {
		return append(b, "null"...)
	}
	return buf.Bytes()
}

// kazooKey is an object key encoded with its colon, `"name":`, so that
// the known keys are escaped once, not on every answer.
type kazooKey string

// kazooK encodes a key.
func kazooK(name string) kazooKey { return kazooKey(kazooAppendString(nil, name)) + ":" }

// kazooObject writes the members of a JSON object, putting the commas.
type kazooObject struct {
	b []byte
	n int
}

func kazooOpen(b []byte) kazooObject { return kazooObject{b: append(b, '{')} }

// field starts a member with a known key.
func (o *kazooObject) field(k kazooKey) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, k...)
}

// key starts a member with a key known only at run time.
func (o *kazooObject) key(name string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = kazooAppendString(o.b, name)
	o.b = append(o.b, ':')
}

func (o *kazooObject) str(k kazooKey, v string) {
	o.field(k)
	o.b = kazooAppendString(o.b, v)
}

// strNonEmpty writes k only when v is set.
func (o *kazooObject) strNonEmpty(k kazooKey, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *kazooObject) int(k kazooKey, v int64) {
	o.field(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *kazooObject) bool(k kazooKey, v bool) {
	o.field(k)
	o.b = strconv.AppendBool(o.b, v)
}

// date writes a time in Gregorian seconds, when it is set.
func (o *kazooObject) date(k kazooKey, t time.Time) {
	if !t.IsZero() {
		o.int(k, kazooGregorian(t))
	}
}

// raw writes a stored JSON value under a run-time key.
func (o *kazooObject) raw(name string, v json.RawMessage) {
	o.key(name)
	o.b = kazooAppendRaw(o.b, v)
}

func (o *kazooObject) close() []byte { return append(o.b, '}') }

// kazooMarshal encodes v with encoding/json, HTML escaping off, for the
// bodies that are not on a hot path.
func kazooMarshal(b []byte, v any) []byte {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(b, "null"...)
	}
	out := buf.Bytes()
	return out[:len(out)-1] // Encode's newline
}

// kazooBuffers recycles response buffers.
var kazooBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// kazooMaxPooled is the largest buffer put back in the pool.
const kazooMaxPooled = 64 << 10

func kazooGetBuffer() *[]byte { return kazooBuffers.Get().(*[]byte) }

func kazooPutBuffer(b *[]byte) {
	if cap(*b) > kazooMaxPooled {
		return
	}
	*b = (*b)[:0]
	kazooBuffers.Put(b)
}
