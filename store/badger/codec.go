package badger

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/portkit/portkit/porting"
)

// Request documents are stored in a compact binary form: decoding JSON
// costs ten times a Badger read, the binary form about as much as one.
// The first byte is the format version; codecVersion is the only one.
const codecVersion = 1

var errCorrupt = errors.New("corrupt request document")

// encoder appends values to a byte slice.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) raw(b []byte)  { e.len(len(b), b == nil); e.b = append(e.b, b...) }
func (e *encoder) float(f float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f))
}

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// time stores a presence flag, then Unix seconds and nanoseconds (times
// are stored in UTC).
func (e *encoder) time(t time.Time) {
	e.bool(!t.IsZero())
	if !t.IsZero() {
		e.int(t.Unix())
		e.uint(uint64(t.Nanosecond()))
	}
}

// len stores a slice or map length, keeping nil apart from empty: 0 is
// nil, n+1 is length n.
func (e *encoder) len(n int, isNil bool) {
	if isNil {
		e.uint(0)
		return
	}
	e.uint(uint64(n) + 1)
}

func (e *encoder) strs(ss []string) {
	e.len(len(ss), ss == nil)
	for _, s := range ss {
		e.str(s)
	}
}

// rawMap stores a map in key order, so equal documents encode alike.
func (e *encoder) rawMap(m map[string]json.RawMessage) {
	e.len(len(m), m == nil)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.str(k)
		e.raw(m[k])
	}
}

// decoder reads what an encoder wrote; the first error sticks. It reads
// from one string holding the whole document, so every decoded string
// shares that one allocation.
type decoder struct {
	s   string
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.s = ""
}

func (d *decoder) uint() uint64 {
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

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

func (d *decoder) raw() json.RawMessage {
	n, isNil := d.len()
	if isNil {
		return nil
	}
	v := json.RawMessage(d.s[:n])
	d.s = d.s[n:]
	return v
}

func (d *decoder) float() float64 {
	if len(d.s) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64([]byte(d.s[:8])))
	d.s = d.s[8:]
	return v
}

func (d *decoder) bool() bool {
	if len(d.s) < 1 {
		d.fail()
		return false
	}
	v := d.s[0] != 0
	d.s = d.s[1:]
	return v
}

func (d *decoder) time() time.Time {
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

// len reads what encoder.len wrote. A length is checked against what is
// left (every element takes at least one byte), so corrupt input cannot
// ask for huge slices.
func (d *decoder) len() (n int, isNil bool) {
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

func (d *decoder) strs() []string {
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

func (d *decoder) rawMap() map[string]json.RawMessage {
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

// encodeRequest encodes a request document.
func encodeRequest(r *porting.PortRequest) []byte {
	e := &encoder{b: make([]byte, 0, 512+160*len(r.Numbers))}
	e.b = append(e.b, codecVersion)
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
	e.time(time.Time{}) // v1's request-level scheduled date: on the sub requests now
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
		encodeSubRequest(e, &r.SubRequests[i])
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
	e.len(len(r.Comments), r.Comments == nil)
	for _, c := range r.Comments {
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
	e.len(len(r.Transitions), r.Transitions == nil)
	for _, t := range r.Transitions {
		e.time(t.At)
		e.str(t.SubRequestID)
		e.str(string(t.From))
		e.str(string(t.To))
		e.str(t.Reason)
		encodeActor(e, t.Actor)
	}
	e.time(r.Created)
	e.time(r.Updated)
	e.int(r.Revision)
	return e.b
}

func encodeSubRequest(e *encoder, s *porting.SubRequest) {
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

func encodeActor(e *encoder, a porting.Actor) {
	e.str(a.AccountID)
	e.str(a.UserID)
	e.str(a.Name)
	e.bool(a.Admin)
}

// decodeRequest decodes a request document.
func decodeRequest(b []byte) (*porting.PortRequest, error) {
	if len(b) == 0 || b[0] != codecVersion {
		return nil, fmt.Errorf("%w: unknown format", errCorrupt)
	}
	d := &decoder{s: string(b[1:])}
	r := &porting.PortRequest{}
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
			decodeSubRequest(d, &r.SubRequests[i])
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
		r.Comments = make([]porting.Comment, n)
		for i := range r.Comments {
			c := &r.Comments[i]
			c.ID, c.Body, c.Author, c.AccountID, c.UserID, c.SubRequestID = d.str(), d.str(), d.str(), d.str(), d.str(), d.str()
			c.Private = d.bool()
			c.ActionRequired = d.bool()
			c.Created = d.time()
		}
	}
	if n, isNil := d.len(); !isNil {
		r.Transitions = make([]porting.Transition, n)
		for i := range r.Transitions {
			t := &r.Transitions[i]
			t.At = d.time()
			t.SubRequestID = d.str()
			t.From = porting.State(d.str())
			t.To = porting.State(d.str())
			t.Reason = d.str()
			t.Actor = decodeActor(d)
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
		return nil, d.err
	}
	return r, nil
}

func decodeSubRequest(d *decoder, s *porting.SubRequest) {
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

func decodeActor(d *decoder) porting.Actor {
	return porting.Actor{AccountID: d.str(), UserID: d.str(), Name: d.str(), Admin: d.bool()}
}
