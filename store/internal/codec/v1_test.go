package codec

import (
	"encoding/binary"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// The version 1 encoder, as it was when it was retired, for tests alone:
// fuzz seeds, the decode-v1 benchmark and the tests of the v1 decoder.
// Production code never writes version 1.

// v1Encoder appends the values of a version 1 document to a byte slice.
type v1Encoder struct{ b []byte }

// uint appends a uvarint.
func (e *v1Encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }

// int appends a zigzag varint.
func (e *v1Encoder) int(v int64) { e.b = binary.AppendVarint(e.b, v) }

// str appends a length-prefixed string.
func (e *v1Encoder) str(s string) { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

// raw appends a JSON raw value, nil apart from empty.
func (e *v1Encoder) raw(b []byte) { e.len(len(b), b == nil); e.b = append(e.b, b...) }

// float appends a float64, 8 bytes little-endian.
func (e *v1Encoder) float(f float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f))
}

// bool appends a one-byte bool.
func (e *v1Encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// time stores a presence flag, then Unix seconds and nanoseconds (times
// are stored in UTC).
func (e *v1Encoder) time(t time.Time) {
	e.bool(!t.IsZero())
	if !t.IsZero() {
		e.int(t.Unix())
		e.uint(uint64(t.Nanosecond()))
	}
}

// len stores a slice or map length, keeping nil apart from empty: 0 is
// nil, n+1 is length n.
func (e *v1Encoder) len(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

// strs appends a slice of strings, nil apart from empty.
func (e *v1Encoder) strs(ss []string) {
	e.len(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

// rawMap stores a map in key order, so equal documents encode alike.
func (e *v1Encoder) rawMap(m map[string]json.RawMessage) {
	e.len(len(m), m == nil)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.str(k)
		e.raw(m[k])
	}
}

// encodeRequestV1 encodes a request document in version 1, with the
// comments and transitions version 1 held inline (the legacy timeline) and
// its request-level scheduled date (zero for none). Version 1 had no
// comment count: r.CommentCount is not written.
func encodeRequestV1(r *porting.PortRequest, legacy legacyTimeline, scheduled time.Time) []byte {
	e := &v1Encoder{b: make([]byte, 0, 512+160*len(r.Numbers))}
	e.b = append(e.b, 1)
	e.str(r.ID)
	e.str(r.AccountID)
	e.strs(r.AccountPath)
	e.str(r.SupportKey)
	e.str(r.Name)
	e.str(string(r.State))
	e.len(len(r.Numbers), r.Numbers == nil)
	for _, n := range r.Numbers {
		e.str(n.Raw)
		e.str(n.E164)
		e.bool(n.Valid)
		e.str(n.Region)
		e.str(string(n.Type))
		e.str(string(n.Coverage))
		e.str(n.Carrier)
		e.str(string(n.PortabilityStatus))
		e.str(n.SubRequestID)
		e.raw(n.Details)
	}
	b := r.Bill
	for _, s := range [...]string{b.Name, b.StreetNumber, b.StreetPreDir, b.StreetAddress, b.StreetType,
		b.StreetPostDir, b.ExtendedAddress, b.Locality, b.Region, b.PostalCode, b.Country,
		b.AccountNumber, b.PIN, b.BTN, b.Carrier} {
		e.str(s)
	}
	e.rawMap(b.Extra)
	e.str(r.Carrier)
	e.str(r.WinningCarrier)
	e.str(r.ReferenceNumber)
	e.time(r.TransferDate)
	e.time(scheduled)
	e.str(r.SigneeName)
	e.time(r.SigningDate)
	e.strs(r.Notifications.EmailSendTo)
	e.bool(r.Quote != nil)
	if r.Quote != nil {
		e.float(r.Quote.ActivationCharges)
		e.float(r.Quote.PerNumber)
		e.int(int64(r.Quote.Numbers))
	}
	e.bool(r.Sent)
	e.rawMap(r.Extra)
	e.len(len(r.SubRequests), r.SubRequests == nil)
	for i := range r.SubRequests {
		v1EncodeSubRequest(e, &r.SubRequests[i])
	}
	e.len(len(r.Attachments), r.Attachments == nil)
	for _, a := range r.Attachments {
		e.str(a.ID)
		e.str(a.Name)
		e.str(a.ContentType)
		e.int(a.Length)
		e.str(a.DocumentType)
		e.time(a.Created)
		e.str(a.ContentID)
	}
	e.len(len(legacy.comments), legacy.comments == nil)
	for _, c := range legacy.comments {
		e.str(c.ID)
		e.str(c.Body)
		e.str(c.Author)
		e.str(c.AccountID)
		e.str(c.UserID)
		e.str(c.SubRequestID)
		e.bool(c.Private)
		e.bool(c.ActionRequired)
		e.time(c.Created)
	}
	e.len(len(legacy.transitions), legacy.transitions == nil)
	for _, t := range legacy.transitions {
		e.time(t.At)
		e.str(t.SubRequestID)
		e.str(string(t.From))
		e.str(string(t.To))
		e.str(t.Reason)
		v1EncodeActor(e, t.Actor)
	}
	e.time(r.Created)
	e.time(r.Updated)
	e.int(r.Revision)
	return e.b
}

// v1EncodeSubRequest appends one sub request.
func v1EncodeSubRequest(e *v1Encoder, s *porting.SubRequest) {
	e.str(s.ID)
	e.str(s.SupportKey)
	e.str(string(s.State))
	e.str(string(s.ResumeState))
	e.str(s.Carrier)
	e.time(s.FOCDateRequested)
	e.time(s.FOCDate)
	for _, v := range [...]string{s.PersonOrCompanyName, s.AuthPersonName, s.BillingPhoneNumber,
		s.StreetAddress, s.ExtendedAddress, s.Locality, s.AdministrativeArea, s.PostalCode,
		s.CountryCode, s.DefaultConnectionID, s.DefaultMessageProfileID, s.PIN, s.AccountNumber,
		s.Description, s.TaxIdentifier, s.BusinessIdentifier, s.CustomerRatingComment} {
		e.str(v)
	}
	e.bool(s.PortingOption != nil)
	if po := s.PortingOption; po != nil {
		e.str(po.Type)
		e.str(po.RemainingNumbersAction)
		e.str(po.NewBillingPhoneNumber)
		e.strs(po.RemainingNumbers)
	}
	e.bool(s.CustomerRating != nil)
	if s.CustomerRating != nil {
		e.int(int64(*s.CustomerRating))
	}
	e.time(s.Created)
	e.time(s.Updated)
}

// v1EncodeActor appends the actor of a transition.
func v1EncodeActor(e *v1Encoder, a porting.Actor) {
	e.str(a.AccountID)
	e.str(a.UserID)
	e.str(a.Name)
	e.bool(a.Admin)
}

// TestDecodeV1RoundTripsEveryField decodes a version 1 document with every
// field set: the frozen decoder reads what the retired encoder wrote, the
// inline comments and transitions as the legacy timeline, and counts the
// comments (version 1 had no count).
func TestDecodeV1RoundTripsEveryField(t *testing.T) {
	r, legacy := filled(), filledLegacy()
	got, gotLegacy, err := decodeDocument(encodeRequestV1(r, legacy, time.Time{}))
	require.NoError(t, err)
	r.CommentCount = len(legacy.comments)
	require.Equal(t, r, got)
	require.Equal(t, legacy, gotLegacy)
}

// TestDecodeV1KeepsTheLegacyTimelineApartFromNil decodes a version 1
// document without comments or transitions, nil and empty alike: the
// legacy timeline is empty and the count 0.
func TestDecodeV1KeepsTheLegacyTimelineApartFromNil(t *testing.T) {
	for _, legacy := range []legacyTimeline{{}, {comments: []porting.Comment{}, transitions: []porting.Transition{}}} {
		r := &porting.PortRequest{ID: "x"}
		got, gotLegacy, err := decodeDocument(encodeRequestV1(r, legacy, time.Time{}))
		require.NoError(t, err)
		require.Equal(t, r, got)
		require.Equal(t, legacy, gotLegacy)
		require.Empty(t, gotLegacy.entries())
	}
}

// TestDecodeV1MovesTheScheduledDate gives version 1's request-level
// scheduled date to the open sub requests that have no FOC date of their
// own, and to no other.
func TestDecodeV1MovesTheScheduledDate(t *testing.T) {
	scheduled := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	own := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	r := &porting.PortRequest{ID: "x", SubRequests: []porting.SubRequest{
		{ID: "open", State: porting.StatePending},
		{ID: "own", State: porting.StatePending, FOCDate: own},
		{ID: "done", State: porting.StateCompleted},
	}}
	got, err := decodeRequest(encodeRequestV1(r, legacyTimeline{}, scheduled))
	require.NoError(t, err)
	require.Equal(t, scheduled, got.SubRequests[0].FOCDate)
	require.Equal(t, own, got.SubRequests[1].FOCDate)
	require.True(t, got.SubRequests[2].FOCDate.IsZero())
	// Encoded again, it is version 2, with the dates where they now live.
	again, err := decodeRequest(encodeRequest(got))
	require.NoError(t, err)
	require.Equal(t, got, again)
}
