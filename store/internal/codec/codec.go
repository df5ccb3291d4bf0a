package codec

import (
	"errors"
	"fmt"
	"sort"

	"github.com/portkit/portkit/porting"
)

// The request document codec.
//
// Request documents are stored in a compact binary form: decoding JSON
// costs ten times a Badger read, the binary form about as much as one
// (and a seventh of what JSON costs beside a PostgreSQL round trip). A
// document is one version byte, then the body that version defines.
// Version 1 (v1.go) was positional, every field in a fixed order, so
// no field could be added or removed without making stored documents
// unreadable; it is still decoded, never written. Version 2, written since,
// is tagged:
//
//	document = version message      version is the byte 2
//	message  = *field
//	field    = key value            key is uvarint(number<<3 | wire type)
//
// Wire types (the wire* constants): 0 is a uvarint (bools are 0 or 1,
// signed integers are zigzag-encoded, enum-like strings stay strings); 1 is
// 64 bits little-endian (float64); 2 is a uvarint length and that many
// bytes (strings, JSON raw values, nested messages). A nested struct is a
// nested message; a slice is its field repeated once per element, in
// order; a map is a repeated message {1: key, 2: value} in key order, so
// that encoding is deterministic; a time is a message {1: Unix seconds
// (zigzag), 2: nanoseconds}, read back in UTC.
//
// A field holding its zero value is left out, and a missing field decodes
// as its zero value, except where nil must stay apart from empty:
//   - a pointer (quote, porting option, customer rating) is written
//     whenever it is non-nil, even when it points to a zero value;
//   - a JSON raw value (number details, map values) is written whenever it
//     is non-nil, even when empty;
//   - a slice or map that is non-nil but empty writes its field number in
//     its message's "empty" field (a repeated uvarint);
//   - an element of a slice is always written, even when it is zero.
//
// The decoder skips, by its wire type, every field whose number it does
// not know, at every level: a document written by a newer build decodes
// without the fields this build does not know, and one written by an older
// build decodes with the fields it lacked zero. Field number 0, an unknown
// wire type, a known field with the wrong wire type, a varint past 64
// bits, a length past the end of its message, nanoseconds past a second
// and nesting deeper than maxDepth make a document corrupt.
//
// # How to add a field
//
//  1. Give it the next unused number of its message in the tables below:
//     the number is its name on disk, forever. Never renumber a field,
//     never reuse a number, not even a retired one.
//  2. Write it in the message's encoder (encode.go), omitting its
//     zero value, and read it in the message's decoder (decode.go);
//     a slice or a map also gets a line in the message's "empty" case. A
//     new struct is a new message, with a table of its own.
//  3. Removing a field retires its number: move it to its table's retired
//     list, saying what it held, and drop it from the encoder (the decoder
//     may go on reading it, to migrate its value). Changing a field's type or
//     meaning is removing it and adding a new one.
//  4. A change that new fields cannot express (a new wire type, another
//     layout of times or maps) bumps codecVersion: the old decoder moves,
//     frozen, to vN.go, decodeRequest goes on dispatching to it, and
//     a golden sample of the new version joins testdata.

// codecVersion is the version encodeRequest writes.
const codecVersion = 2

// maxDepth bounds the nesting of messages the decoder enters. The model
// nests three levels deep, the request's included (a sub request's porting
// option, a transition's time), and the decoder skips unknown messages
// without entering them, so no document reaches the bound today: it guards
// a model that would nest deeper, or recursively.
const maxDepth = 16

// Wire types, the low 3 bits of a key.
const (
	wireVarint  = 0 // a uvarint
	wireFixed64 = 1 // 8 bytes, little-endian
	wireBytes   = 2 // a uvarint length, then that many bytes
)

// Field numbers of the request message, the top level of a document.
// Retired: none. (Version 1's request-level scheduled date was removed
// before version 2 existed, and has no number.)
const (
	reqID              = 1  // string
	reqAccountID       = 2  // string
	reqAccountPath     = 3  // repeated string
	reqSupportKey      = 4  // string
	reqName            = 5  // string
	reqState           = 6  // string
	reqNumbers         = 7  // repeated port number message
	reqBill            = 8  // bill message
	reqCarrier         = 9  // string
	reqWinningCarrier  = 10 // string
	reqReferenceNumber = 11 // string
	reqTransferDate    = 12 // time message
	reqSigneeName      = 13 // string
	reqSigningDate     = 14 // time message
	reqNotifications   = 15 // notifications message
	reqQuote           = 16 // quote message, present when non-nil
	reqSent            = 17 // bool
	reqExtra           = 18 // repeated entry message
	reqSubRequests     = 19 // repeated sub request message
	reqAttachments     = 20 // repeated attachment message
	reqComments        = 21 // retired: repeated comment message (in the timeline since); read to migrate
	reqTransitions     = 22 // retired: repeated transition message (in the timeline since); read to migrate
	reqCreated         = 23 // time message
	reqUpdated         = 24 // time message
	reqRevision        = 25 // zigzag
	reqEmpty           = 26 // repeated uvarint: a non-nil, empty slice or map
	reqCommentCount    = 27 // uvarint
	reqMaxField        = 27 // the highest number in use
)

// Field numbers of the port number message. Retired: none.
const (
	pnRaw               = 1  // string
	pnE164              = 2  // string
	pnValid             = 3  // bool
	pnRegion            = 4  // string
	pnType              = 5  // string
	pnCoverage          = 6  // string
	pnCarrier           = 7  // string
	pnPortabilityStatus = 8  // string
	pnSubRequestID      = 9  // string
	pnDetails           = 10 // bytes, present when non-nil
)

// Field numbers of the bill message. Retired: none.
const (
	billName            = 1  // string
	billStreetNumber    = 2  // string
	billStreetPreDir    = 3  // string
	billStreetAddress   = 4  // string
	billStreetType      = 5  // string
	billStreetPostDir   = 6  // string
	billExtendedAddress = 7  // string
	billLocality        = 8  // string
	billRegion          = 9  // string
	billPostalCode      = 10 // string
	billCountry         = 11 // string
	billAccountNumber   = 12 // string
	billPIN             = 13 // string
	billBTN             = 14 // string
	billCarrier         = 15 // string
	billExtra           = 16 // repeated entry message
	billEmpty           = 17 // repeated uvarint: a non-nil, empty slice or map
)

// Field numbers of the entry message, one entry of a map. Retired: none.
const (
	entKey   = 1 // string
	entValue = 2 // bytes, present when non-nil
)

// Field numbers of the notifications message. Retired: none.
const (
	ntfEmailSendTo = 1 // repeated string
	ntfEmpty       = 2 // repeated uvarint: a non-nil, empty slice or map
)

// Field numbers of the quote message. Retired: none.
const (
	qtActivationCharges = 1 // float64
	qtPerNumber         = 2 // float64
	qtNumbers           = 3 // zigzag
)

// Field numbers of the sub request message. Retired: none.
const (
	subID                      = 1  // string
	subSupportKey              = 2  // string
	subState                   = 3  // string
	subResumeState             = 4  // string
	subCarrier                 = 5  // string
	subFOCDateRequested        = 6  // time message
	subFOCDate                 = 7  // time message
	subPersonOrCompanyName     = 8  // string
	subAuthPersonName          = 9  // string
	subBillingPhoneNumber      = 10 // string
	subStreetAddress           = 11 // string
	subExtendedAddress         = 12 // string
	subLocality                = 13 // string
	subAdministrativeArea      = 14 // string
	subPostalCode              = 15 // string
	subCountryCode             = 16 // string
	subDefaultConnectionID     = 17 // string
	subDefaultMessageProfileID = 18 // string
	subPortingOption           = 19 // porting option message, present when non-nil
	subPIN                     = 20 // string
	subAccountNumber           = 21 // string
	subDescription             = 22 // string
	subTaxIdentifier           = 23 // string
	subBusinessIdentifier      = 24 // string
	subCustomerRating          = 25 // zigzag, present when non-nil
	subCustomerRatingComment   = 26 // string
	subCreated                 = 27 // time message
	subUpdated                 = 28 // time message
)

// Field numbers of the porting option message. Retired: none.
const (
	optType                   = 1 // string
	optRemainingNumbersAction = 2 // string
	optNewBillingPhoneNumber  = 3 // string
	optRemainingNumbers       = 4 // repeated string
	optEmpty                  = 5 // repeated uvarint: a non-nil, empty slice or map
)

// Field numbers of the attachment message. Retired: none.
const (
	attID           = 1 // string
	attName         = 2 // string
	attContentType  = 3 // string
	attLength       = 4 // zigzag
	attDocumentType = 5 // string
	attCreated      = 6 // time message
	attContentID    = 7 // string
)

// Field numbers of the comment message. Retired: none.
const (
	cmtID             = 1 // string
	cmtBody           = 2 // string
	cmtAuthor         = 3 // string
	cmtAccountID      = 4 // string
	cmtUserID         = 5 // string
	cmtSubRequestID   = 6 // string
	cmtPrivate        = 7 // bool
	cmtActionRequired = 8 // bool
	cmtCreated        = 9 // time message
)

// Field numbers of the transition message. Retired: none.
const (
	trnAt           = 1 // time message
	trnSubRequestID = 2 // string
	trnFrom         = 3 // string
	trnTo           = 4 // string
	trnReason       = 5 // string
	trnActor        = 6 // actor message
)

// Field numbers of the actor message. Retired: none.
const (
	actAccountID = 1 // string
	actUserID    = 2 // string
	actName      = 3 // string
	actAdmin     = 4 // bool
)

// Field numbers of the time message. Retired: none.
const (
	tmSeconds = 1 // zigzag: Unix seconds
	tmNanos   = 2 // uvarint: nanoseconds within the second, below 1e9
)

// errCorrupt is the error, wrapped, of every document that does not decode.
var errCorrupt = errors.New("corrupt request document")

// encodeRequest encodes a request document, in version codecVersion.
func encodeRequest(r *porting.PortRequest) []byte {
	e := &encoder{b: make([]byte, 0, encodedSizeHint(r))}
	e.b = append(e.b, codecVersion)
	e.request(r)
	return e.b
}

// legacyTimeline is what documents written before the timeline was kept
// apart from the request held inline: its comments and transitions. A
// store that finds some moves them to the timeline (see NeedsMigration).
type legacyTimeline struct {
	comments    []porting.Comment
	transitions []porting.Transition
}

// entries returns the legacy timeline as entries, in time order (at equal
// times transitions first, as the timeline was read then).
func (l legacyTimeline) entries() []porting.TimelineEntry {
	out := make([]porting.TimelineEntry, 0, len(l.comments)+len(l.transitions))
	for i := range l.transitions {
		out = append(out, porting.TimelineEntry{At: l.transitions[i].At, Transition: &l.transitions[i]})
	}
	for i := range l.comments {
		out = append(out, porting.TimelineEntry{At: l.comments[i].Created, Comment: &l.comments[i]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// decodeRequest decodes a request document of any version this build
// reads.
func decodeRequest(b []byte) (*porting.PortRequest, error) {
	r, _, err := decodeDocument(b)
	return r, err
}

// decodeDocument decodes a request document, and the timeline that
// documents of old versions held inline.
func decodeDocument(b []byte) (*porting.PortRequest, legacyTimeline, error) {
	if len(b) == 0 {
		return nil, legacyTimeline{}, fmt.Errorf("%w: empty", errCorrupt)
	}
	var (
		r      *porting.PortRequest
		legacy legacyTimeline
		err    error
	)
	switch v := b[0]; {
	case v == 1:
		r, legacy, err = decodeRequestV1(b)
	case v == 2:
		r, legacy, err = decodeRequestV2(b)
	case v > codecVersion:
		return nil, legacy, fmt.Errorf("%w: codec version %d is newer than this build reads", errCorrupt, v)
	default:
		return nil, legacy, fmt.Errorf("%w: unknown codec version %d", errCorrupt, v)
	}
	if err != nil {
		return nil, legacyTimeline{}, err
	}
	if r.CommentCount == 0 {
		r.CommentCount = len(legacy.comments)
	}
	return r, legacy, nil
}
