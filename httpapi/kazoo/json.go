package kazoo

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

// gregorianOffset is the number of seconds from 0000-01-01 (Kazoo's
// Gregorian epoch) to the Unix epoch.
const gregorianOffset = 62167219200

// gregorian returns t in Gregorian seconds.
func gregorian(t time.Time) int64 { return t.Unix() + gregorianOffset }

// fromGregorian returns the time of g Gregorian seconds.
func fromGregorian(g int64) time.Time {
	return time.Unix(g-gregorianOffset, 0).UTC()
}

const hexDigits = "0123456789abcdef"

// plainByte marks the ASCII bytes a JSON string holds as they are.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends s as a JSON string, escaping as encoding/json
// does with HTML escaping off: invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	i := 0
	for i < len(s) && plainByte[s[i]] {
		i++
	}
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if plainByte[c] {
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
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
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
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendRaw appends a stored JSON value, compacted; a value that is
// not valid JSON (which a Store should never hold) becomes null, so the
// response stays valid.
func appendRaw(b []byte, raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return append(b, "null"...)
	}
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, raw); err != nil {
		return append(b, "null"...)
	}
	return buf.Bytes()
}

// jsonKey is an object key encoded with its colon, `"name":`, so that
// the known keys are escaped once, not on every answer.
type jsonKey string

// keyOf encodes a key.
func keyOf(name string) jsonKey { return jsonKey(appendString(nil, name)) + ":" }

// object writes the members of a JSON object, putting the commas.
type object struct {
	b []byte
	n int
}

func openObject(b []byte) object { return object{b: append(b, '{')} }

// field starts a member with a known key.
func (o *object) field(k jsonKey) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = append(o.b, k...)
}

// key starts a member with a key known only at run time.
func (o *object) key(name string) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	o.b = appendString(o.b, name)
	o.b = append(o.b, ':')
}

func (o *object) str(k jsonKey, v string) {
	o.field(k)
	o.b = appendString(o.b, v)
}

// strNonEmpty writes k only when v is set.
func (o *object) strNonEmpty(k jsonKey, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *object) int(k jsonKey, v int64) {
	o.field(k)
	o.b = strconv.AppendInt(o.b, v, 10)
}

func (o *object) bool(k jsonKey, v bool) {
	o.field(k)
	o.b = strconv.AppendBool(o.b, v)
}

// date writes a time in Gregorian seconds, when it is set.
func (o *object) date(k jsonKey, t time.Time) {
	if !t.IsZero() {
		o.int(k, gregorian(t))
	}
}

// raw writes a stored JSON value under a run-time key.
func (o *object) raw(name string, v json.RawMessage) {
	o.key(name)
	o.b = appendRaw(o.b, v)
}

func (o *object) close() []byte { return append(o.b, '}') }

// marshal encodes v with encoding/json, HTML escaping off, for the
// bodies that are not on a hot path.
func marshal(b []byte, v any) []byte {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(b, "null"...)
	}
	out := buf.Bytes()
	return out[:len(out)-1] // Encode's newline
}

// buffers recycles response buffers.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxPooled is the largest buffer put back in the pool.
const maxPooled = 64 << 10

func getBuffer() *[]byte { return buffers.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	buffers.Put(b)
}
