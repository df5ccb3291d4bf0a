package codec

import "github.com/portkit/portkit/porting"

// Version is the codec version Encode writes.
const Version = codecVersion

// ErrCorrupt is the error, wrapped, of every document that does not
// decode.
var ErrCorrupt = errCorrupt

// Encode encodes a request document, in version Version.
func Encode(r *porting.PortRequest) []byte { return encodeRequest(r) }

// Decode decodes a request document of any version this build reads. A
// document that does not decode is an error matching ErrCorrupt.
func Decode(b []byte) (*porting.PortRequest, error) { return decodeRequest(b) }

// DecodeDocument decodes a request document, and the comments and
// transitions that documents of old builds held inline, as timeline
// entries in time order (none for a current document).
func DecodeDocument(b []byte) (*porting.PortRequest, []porting.TimelineEntry, error) {
	r, legacy, err := decodeDocument(b)
	if err != nil {
		return nil, nil, err
	}
	return r, legacy.entries(), nil
}

// NeedsMigration reports whether a stored document is of an older codec
// version, or of this one but still holding the retired inline timeline
// (fields reqComments and reqTransitions): the version byte alone does not
// tell those apart from current documents. A store rewrites such a
// document (DecodeDocument, then Encode), moving its inline timeline to
// the request's timeline.
func NeedsMigration(b []byte) bool {
	if len(b) == 0 {
		return false // the decoder refuses it
	}
	if b[0] != codecVersion {
		return true
	}
	var n [reqMaxField + 1]int
	(&decoder{s: string(b[1:])}).count(n[:])
	return n[reqComments] > 0 || n[reqTransitions] > 0
}

// EncodeLegacyV2 encodes r as a version 2 document of before the timeline
// was kept apart: with comments and transitions inline, as the retired
// fields 21 and 22, written by the encoder's comment and transition
// writers as the version 2 encoder did (an empty, non-nil slice in the
// "empty" field). They are written last, where the encoder of the day put
// them before the times and the revision: the order of fields does not
// matter to the decoder. Documents of the day had no comment count: pass
// an r without one to build one as it was. No store writes such
// documents; the tests of the stores' migrations do.
func EncodeLegacyV2(r *porting.PortRequest, comments []porting.Comment, transitions []porting.Transition) []byte {
	e := &encoder{b: encodeRequest(r)}
	for i := range comments {
		at := e.begin(reqComments)
		e.comment(&comments[i])
		e.end(at)
	}
	e.empty(reqEmpty, reqComments, len(comments), comments == nil)
	for i := range transitions {
		at := e.begin(reqTransitions)
		e.transition(&transitions[i])
		e.end(at)
	}
	e.empty(reqEmpty, reqTransitions, len(transitions), transitions == nil)
	return e.b
}
