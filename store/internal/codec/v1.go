package codec

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/portkit/portkit/porting"
)

// Version 1 of the request document codec, frozen: documents of version 1
// are decoded, never written. Version 1 is positional: every field, in a
// fixed order, with no tags, so it could not grow. Nothing here changes
// but to follow a change of the model (the decoder then migrates the old
// field, as it does the request-level scheduled date).
//
// A string is a uvarint length and its bytes; an int a zigzag varint; a
// float64 8 bytes little-endian; a bool one byte; a time a presence bool,
// then Unix seconds (zigzag) and nanoseconds (uvarint); a slice or a map a
// uvarint 0 for nil or n+1 for n elements, then its elements (a map's in
// key order, each a key and a value).

// v1Decoder reads what the version 1 encoder wrote; the first error
// sticks. It reads from one string holding the whole document, so every
// decoded string shares that one allocation.
type v1Decoder struct {
	s   string
	err error
}

// fail records that the document is corrupt and stops reading.
func (d *v1Decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.s = ""
}

// uint reads a uvarint.
func (d *v1Decoder) uint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break // overflows 64 bits
			}
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail()
	return 0
}

// int reads a zigzag varint.
func (d *v1Decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// str reads a length-prefixed string.
func (d *v1Decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

// raw reads a JSON raw value, nil apart from empty.
func (d *v1Decoder) raw() json.RawMessage {
	n, isNil := d.len()
	if isNil {
		return nil
	}
	v := json.RawMessage(d.s[:n])
	d.s = d.s[n:]
	return v
}

// float reads a float64, 8 bytes little-endian.
func (d *v1Decoder) float() float64 {
	if len(d.s) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64([]byte(d.s[:8])))
	d.s = d.s[8:]
	return v
}

// bool reads a one-byte bool.
func (d *v1Decoder) bool() bool {
	if len(d.s) < 1 {
		d.fail()
		return false
	}
	v := d.s[0] != 0
	d.s = d.s[1:]
	return v
}

// time reads a presence flag, then Unix seconds and nanoseconds, in UTC.
func (d *v1Decoder) time() time.Time {
	if !d.bool() {
		return time.Time{}
	}
	sec := d.int()
	nsec := d.uint()
	if nsec >= 1e9 {
		d.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

// len reads a slice or map length: 0 is nil, n+1 is length n. A length
// is checked against what is left (every element takes at least one
// byte), so corrupt input cannot ask for huge slices.
func (d *v1Decoder) len() (n int, isNil bool) {
	v := d.uint()
	if v == 0 {
		return 0, true
	}
	if v-1 > uint64(len(d.s)) {
		d.fail()
		return 0, true
	}
	return int(v - 1), false
}

// strs reads a slice of strings, nil apart from empty.
func (d *v1Decoder) strs() []string {
	n, isNil := d.len()
	if isNil {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

// rawMap reads a map of JSON raw values, nil apart from empty.
func (d *v1Decoder) rawMap() map[string]json.RawMessage {
	n, isNil := d.len()
	if isNil {
		return nil
	}
	m := make(map[string]json.RawMessage, n)
	for range n {
		k := d.str()
		m[k] = d.raw()
	}
	return m
}

// decodeRequestV1 decodes a request document of version 1.
func decodeRequestV1(b []byte) (*porting.PortRequest, legacyTimeline, error) {
	if len(b) == 0 || b[0] != 1 {
		return nil, legacyTimeline{}, fmt.Errorf("%w: not of codec version 1", errCorrupt)
	}
	d := &v1Decoder{s: string(b[1:])}
	r := &porting.PortRequest{}
	var legacy legacyTimeline
	r.ID = d.str()
	r.AccountID = d.str()
	r.AccountPath = d.strs()
	r.SupportKey = d.str()
	r.Name = d.str()
	r.State = porting.State(d.str())
	if n, isNil := d.len(); !isNil {
		r.Numbers = make([]porting.PortNumber, n)
		for i := range r.Numbers {
			p := &r.Numbers[i]
			p.Raw = d.str()
			p.E164 = d.str()
			p.Valid = d.bool()
			p.Region = d.str()
			p.Type = porting.NumberType(d.str())
			p.Coverage = porting.CoverageCategory(d.str())
			p.Carrier = d.str()
			p.PortabilityStatus = porting.PortabilityStatus(d.str())
			p.SubRequestID = d.str()
			p.Details = d.raw()
		}
	}
	bl := &r.Bill
	for _, p := range [...]*string{&bl.Name, &bl.StreetNumber, &bl.StreetPreDir, &bl.StreetAddress,
		&bl.StreetType, &bl.StreetPostDir, &bl.ExtendedAddress, &bl.Locality, &bl.Region,
		&bl.PostalCode, &bl.Country, &bl.AccountNumber, &bl.PIN, &bl.BTN, &bl.Carrier} {
		*p = d.str()
	}
	bl.Extra = d.rawMap()
	r.Carrier = d.str()
	r.WinningCarrier = d.str()
	r.ReferenceNumber = d.str()
	r.TransferDate = d.time()
	scheduled := d.time()
	r.SigneeName = d.str()
	r.SigningDate = d.time()
	r.Notifications.EmailSendTo = d.strs()
	if d.bool() {
		r.Quote = &porting.Quote{ActivationCharges: d.float(), PerNumber: d.float(), Numbers: int(d.int())}
	}
	r.Sent = d.bool()
	r.Extra = d.rawMap()
	if n, isNil := d.len(); !isNil {
		r.SubRequests = make([]porting.SubRequest, n)
		for i := range r.SubRequests {
			v1DecodeSubRequest(d, &r.SubRequests[i])
		}
	}
	if n, isNil := d.len(); !isNil {
		r.Attachments = make([]porting.Attachment, n)
		for i := range r.Attachments {
			a := &r.Attachments[i]
			a.ID, a.Name, a.ContentType = d.str(), d.str(), d.str()
			a.Length = d.int()
			a.DocumentType = d.str()
			a.Created = d.time()
			a.ContentID = d.str()
		}
	}
	if n, isNil := d.len(); !isNil {
		legacy.comments = make([]porting.Comment, n)
		for i := range legacy.comments {
			c := &legacy.comments[i]
			c.ID, c.Body, c.Author, c.AccountID, c.UserID, c.SubRequestID = d.str(), d.str(), d.str(), d.str(), d.str(), d.str()
			c.Private = d.bool()
			c.ActionRequired = d.bool()
			c.Created = d.time()
		}
	}
	if n, isNil := d.len(); !isNil {
		legacy.transitions = make([]porting.Transition, n)
		for i := range legacy.transitions {
			t := &legacy.transitions[i]
			t.At = d.time()
			t.SubRequestID = d.str()
			t.From = porting.State(d.str())
			t.To = porting.State(d.str())
			t.Reason = d.str()
			t.Actor = v1DecodeActor(d)
		}
	}
	r.Created = d.time()
	r.Updated = d.time()
	r.Revision = d.int()
	if !scheduled.IsZero() {
		// Documents of version 1 kept the request's scheduled date apart:
		// it is the FOC date of every open sub request that has none.
		for i := range r.SubRequests {
			if sr := &r.SubRequests[i]; sr.FOCDate.IsZero() && !sr.State.Terminal() {
				sr.FOCDate = scheduled
			}
		}
	}
	if d.err == nil && len(d.s) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.s))
	}
	if d.err != nil {
		return nil, legacyTimeline{}, d.err
	}
	return r, legacy, nil
}

// v1DecodeSubRequest reads one sub request.
func v1DecodeSubRequest(d *v1Decoder, s *porting.SubRequest) {
	s.ID = d.str()
	s.SupportKey = d.str()
	s.State = porting.State(d.str())
	s.ResumeState = porting.State(d.str())
	s.Carrier = d.str()
	s.FOCDateRequested = d.time()
	s.FOCDate = d.time()
	for _, p := range [...]*string{&s.PersonOrCompanyName, &s.AuthPersonName, &s.BillingPhoneNumber,
		&s.StreetAddress, &s.ExtendedAddress, &s.Locality, &s.AdministrativeArea, &s.PostalCode,
		&s.CountryCode, &s.DefaultConnectionID, &s.DefaultMessageProfileID, &s.PIN, &s.AccountNumber,
		&s.Description, &s.TaxIdentifier, &s.BusinessIdentifier, &s.CustomerRatingComment} {
		*p = d.str()
	}
	if d.bool() {
		s.PortingOption = &porting.PortingOption{Type: d.str(), RemainingNumbersAction: d.str(),
			NewBillingPhoneNumber: d.str(), RemainingNumbers: d.strs()}
	}
	if d.bool() {
		v := int(d.int())
		s.CustomerRating = &v
	}
	s.Created = d.time()
	s.Updated = d.time()
}

// v1DecodeActor reads the actor of a transition.
func v1DecodeActor(d *v1Decoder) porting.Actor {
	return porting.Actor{AccountID: d.str(), UserID: d.str(), Name: d.str(), Admin: d.bool()}
}
