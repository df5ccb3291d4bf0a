package keyspace

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// Key prefixes.
const (
	PrefixAccount  = "a/"
	PrefixRequest  = "r/"
	PrefixNumber   = "n/"
	PrefixClaim    = "c/"
	PrefixDone     = "d/"
	PrefixKey      = "k/"
	PrefixIndex    = "i/"
	PrefixEvent    = "e/"
	PrefixCursor   = "x/"
	PrefixTimeline = "h/"
	prefixTimeLen  = "hn/"
	allStates      = "*"
	globalAccount  = "-"
	orderCreated   = "c"
	orderUpdated   = "u"
	scopeOwn       = "o"
	scopeTree      = "t"
	scopeGlobal    = "g"
	timestampWidth = 16
)

// ScanPrefix returns the prefix under which a key is scanned in order, or
// "" for a key that is only ever read by itself. Reader.Iterate is only
// ever called with such a prefix: "e/" for events, "n/{e164}/" for the
// requests of a number, "i/{scope}/{account}/{state}/{order}/" for one
// listing, "h/{id}/" for a timeline, "s/" for every subscription,
// "sa/{account}/" for an account's, and "w/{stream}/" (and wp/, wd/,
// wi/) for a stream's deliveries. A backend whose key space is a hash map needs an ordered
// structure for these keys only, and one per prefix will do.
func ScanPrefix(key string) string {
	switch {
	case strings.HasPrefix(key, PrefixEvent):
		return PrefixEvent
	case strings.HasPrefix(key, PrefixNumber):
		return prefixOfSegments(key, 2)
	case strings.HasPrefix(key, PrefixIndex):
		return prefixOfSegments(key, 5)
	case strings.HasPrefix(key, PrefixTimeline):
		return prefixOfSegments(key, 2)
	case strings.HasPrefix(key, PrefixSubscription):
		return PrefixSubscription
	case strings.HasPrefix(key, prefixSubsOf), strings.HasPrefix(key, PrefixDelivery), strings.HasPrefix(key, prefixPending),
		strings.HasPrefix(key, prefixOver), strings.HasPrefix(key, prefixDeliveryID):
		return prefixOfSegments(key, 2)
	}
	return ""
}

// prefixOfSegments returns key up to and including its n-th '/'.
func prefixOfSegments(key string, n int) string {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			if n--; n == 0 {
				return key[:i+1]
			}
		}
	}
	return ""
}

// AccountKey is the key of an account.
func AccountKey(id string) string { return PrefixAccount + id }

// RequestKey is the key of a request document.
func RequestKey(id string) string { return PrefixRequest + id }

// EventKey is the key of an event.
func EventKey(seq uint64) string { return PrefixEvent + hex16(seq) }

// EventSeq parses the sequence number out of an event key.
func EventSeq(key string) (uint64, error) {
	return strconv.ParseUint(key[len(PrefixEvent):], 16, 64)
}

// CursorKey is the key of a consumer's event cursor.
func CursorKey(consumer string) string { return PrefixCursor + consumer }

func timelinePrefix(id string) string          { return PrefixTimeline + id + "/" }
func timelineKey(id string, seq uint64) string { return timelinePrefix(id) + hex16(seq) }
func timelineLenKey(id string) string          { return prefixTimeLen + id }

func numberKey(e164, id string) string { return PrefixNumber + e164 + "/" + id }
func claimKey(e164 string) string      { return PrefixClaim + e164 }
func doneKey(e164 string) string       { return PrefixDone + e164 }
func supportKey(k string) string       { return PrefixKey + k }

func hex16(v uint64) string {
	const digits = "0123456789abcdef"
	var b [timestampWidth]byte
	for i := timestampWidth - 1; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b[:])
}

// invTime encodes t so that later times sort first.
func invTime(t time.Time) string { return hex16(math.MaxUint64 - uint64(t.UnixNano())) }

// indexPrefix is the prefix of one listing: scope, account, state, order.
func indexPrefix(scope, acct, state, order string) string {
	return PrefixIndex + scope + "/" + acct + "/" + state + "/" + order + "/"
}

// indexEntries returns the listing index keys of a request.
func indexEntries(r *porting.PortRequest, add func(key, val string)) {
	type sc struct{ scope, acct string }
	scopes := make([]sc, 0, len(r.AccountPath)+2)
	scopes = append(scopes, sc{scopeOwn, r.AccountID}, sc{scopeGlobal, globalAccount})
	for _, a := range r.AccountPath {
		scopes = append(scopes, sc{scopeTree, a})
	}
	created, updated := invTime(r.Created)+"/"+r.ID, invTime(r.Updated)+"/"+r.ID
	for _, s := range scopes {
		for _, st := range [2]string{string(r.State), allStates} {
			add(indexPrefix(s.scope, s.acct, st, orderCreated)+created, "")
			add(indexPrefix(s.scope, s.acct, st, orderUpdated)+updated, "")
		}
	}
}

// Entries returns every key a request owns besides its document, with
// values.
func Entries(r *porting.PortRequest) map[string]string {
	m := make(map[string]string, 2*len(r.Numbers)+len(r.SubRequests)+8+4*len(r.AccountPath))
	add := func(k, v string) { m[k] = v }
	for _, n := range r.Numbers {
		add(numberKey(n.E164, r.ID), "")
	}
	for _, e := range r.ActiveNumbers() {
		add(claimKey(e), r.ID)
	}
	for _, e := range r.CompletedNumbers() {
		add(doneKey(e), r.ID)
	}
	add(supportKey(r.SupportKey), r.ID)
	for _, sr := range r.SubRequests {
		add(supportKey(sr.SupportKey), r.ID)
	}
	indexEntries(r, add)
	return m
}

// cursor is a position in a listing: the last entry returned.
type cursor struct {
	ts, id string
}

func (c cursor) String() string { return c.ts + "." + c.id }

func parseCursor(s string) (cursor, error) {
	if len(s) < timestampWidth+2 || s[timestampWidth] != '.' {
		return cursor{}, fmt.Errorf("malformed cursor %q", s)
	}
	if _, err := strconv.ParseUint(s[:timestampWidth], 16, 64); err != nil {
		return cursor{}, fmt.Errorf("malformed cursor %q", s)
	}
	return cursor{ts: s[:timestampWidth], id: s[timestampWidth+1:]}, nil
}
