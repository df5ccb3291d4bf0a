package codec

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/portkit/portkit/porting"
)

// decoder reads the fields of a version 2 document (see codec.go); the
// first error sticks and ends every loop. It reads from one string holding
// the whole document, so every decoded string shares that one allocation.
//
// A message decoder loops over next, switching on the field number num,
// calling a reader of the field's type (which checks the wire type wt) or
// skip for a number it does not know. A nested message is read between
// enter, which narrows s to the message, and leave.
type decoder struct {
	s     string // what is left of the message being read
	num   uint64 // the number of the field next reads
	wt    uint64 // its wire type
	depth int    // how many messages enclose the one being read
	err   error
	// legacy collects the retired inline timeline of the request read.
	legacy legacyTimeline
}

// decodeRequestV2 decodes a request document of version 2.
func decodeRequestV2(b []byte) (*porting.PortRequest, legacyTimeline, error) {
	if len(b) == 0 || b[0] != 2 {
		return nil, legacyTimeline{}, fmt.Errorf("%w: not of codec version 2", errCorrupt)
	}
	d := &decoder{s: string(b[1:])}
	r := &porting.PortRequest{}
	d.request(r)
	if d.err != nil {
		return nil, legacyTimeline{}, d.err
	}
	return r, d.legacy, nil
}

// fail records that the document is corrupt, and why, and stops reading.
func (d *decoder) fail(why string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", errCorrupt, why)
	}
	d.s = ""
}

// failWire records a known field of the wrong wire type.
func (d *decoder) failWire() {
	d.fail(fmt.Sprintf("field %d has wire type %d", d.num, d.wt))
}

// next reads the key of the next field of the message, reporting false at
// its end or on error.
func (d *decoder) next() bool {
	if len(d.s) == 0 {
		return false
	}
	k := uint64(d.s[0])
	if k < 0x80 {
		d.s = d.s[1:]
	} else {
		k = d.varintLong()
	}
	if k < 1<<3 {
		d.fail("field number 0") // or a bad varint, which failed already
		return false
	}
	d.num, d.wt = k>>3, k&7
	return true
}

// varint reads a uvarint, whatever the wire type.
func (d *decoder) varint() uint64 {
	if len(d.s) > 0 && d.s[0] < 0x80 {
		v := uint64(d.s[0])
		d.s = d.s[1:]
		return v
	}
	return d.varintLong()
}

// varintLong is varint for a uvarint of more than one byte.
func (d *decoder) varintLong() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < 10; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if i == 9 && c > 1 {
				break // overflows 64 bits
			}
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail("bad varint")
	return 0
}

// bytes reads a length-delimited value, whatever the wire type. The length
// is checked against what is left of the message.
func (d *decoder) bytes() string {
	var n uint64
	if len(d.s) > 0 && d.s[0] < 0x80 {
		n, d.s = uint64(d.s[0]), d.s[1:]
	} else {
		n = d.varintLong()
	}
	if n > uint64(len(d.s)) {
		d.fail("length past the end")
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

// skip reads past a field this build does not know, by its wire type.
func (d *decoder) skip() {
	switch d.wt {
	case wireVarint:
		d.varint()
	case wireFixed64:
		if len(d.s) < 8 {
			d.fail("truncated fixed64")
			return
		}
		d.s = d.s[8:]
	case wireBytes:
		d.bytes()
	default:
		d.fail(fmt.Sprintf("field %d has unknown wire type %d", d.num, d.wt))
	}
}

// uint reads a uvarint field.
func (d *decoder) uint() uint64 {
	if d.wt != wireVarint {
		d.failWire()
		return 0
	}
	return d.varint()
}

// int reads a zigzag field.
func (d *decoder) int() int64 {
	u := d.uint()
	return int64(u>>1) ^ -int64(u&1)
}

// bool reads a bool field: any value but 0 is true.
func (d *decoder) bool() bool { return d.uint() != 0 }

// float reads a float64 field.
func (d *decoder) float() float64 {
	if d.wt != wireFixed64 {
		d.failWire()
		return 0
	}
	if len(d.s) < 8 {
		d.fail("truncated fixed64")
		return 0
	}
	s := d.s
	v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	d.s = d.s[8:]
	return math.Float64frombits(v)
}

// str reads a string field.
func (d *decoder) str() string {
	if d.wt != wireBytes {
		d.failWire()
		return ""
	}
	return d.bytes()
}

// raw reads a JSON raw value field: present is non-nil, even when empty.
func (d *decoder) raw() json.RawMessage {
	s := d.str()
	if d.err != nil {
		return nil
	}
	return json.RawMessage(s)
}

// enter narrows the decoder to the nested message of the current field,
// returning what follows it in the enclosing message, for leave.
func (d *decoder) enter() (rest string) {
	body := d.str()
	if d.depth++; d.depth > maxDepth {
		d.fail("messages nested too deep")
	}
	rest, d.s = d.s, body
	if d.err != nil {
		d.s = ""
	}
	return rest
}

// leave returns from a nested message to the rest of its enclosing one.
func (d *decoder) leave(rest string) {
	d.depth--
	if d.err == nil {
		d.s = rest
	}
}

// time reads a time message, in UTC.
func (d *decoder) time() time.Time {
	var sec int64
	var nsec uint64
	rest := d.enter()
	for d.next() {
		switch d.num {
		case tmSeconds:
			sec = d.int()
		case tmNanos:
			nsec = d.uint()
		default:
			d.skip()
		}
	}
	d.leave(rest)
	if nsec >= 1e9 {
		d.fail("nanoseconds past a second")
	}
	if d.err != nil {
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

// strs reads one element of a repeated string field onto ss.
func (d *decoder) strs(ss []string) []string { return append(ss, d.str()) }

// entry reads one entry message of a map field into *m, making the map.
func (d *decoder) entry(m *map[string]json.RawMessage, size int) {
	var k string
	var v json.RawMessage
	rest := d.enter()
	for d.next() {
		switch d.num {
		case entKey:
			k = d.str()
		case entValue:
			v = d.raw()
		default:
			d.skip()
		}
	}
	d.leave(rest)
	if *m == nil {
		*m = make(map[string]json.RawMessage, size)
	}
	(*m)[k] = v
}

// nonNil returns s, or an empty slice for nil: an "empty" field names a
// slice that is non-nil even with no element.
func nonNil[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

// nonNilMap returns m, or an empty map for nil.
func nonNilMap(m map[string]json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		return map[string]json.RawMessage{}
	}
	return m
}

// count counts the fields of each number below len(n) left in the message,
// without reading them, so repeated fields get their slices in one
// allocation. Each field takes two bytes at least, so no count exceeds
// half the message.
func (d *decoder) count(n []int) {
	c := decoder{s: d.s}
	for c.next() {
		if c.num < uint64(len(n)) {
			n[c.num]++
		}
		c.skip()
	}
}

// request reads the fields of the request message.
func (d *decoder) request(r *porting.PortRequest) {
	var n [reqMaxField + 1]int
	d.count(n[:])
	if n[reqAccountPath] > 0 {
		r.AccountPath = make([]string, 0, n[reqAccountPath])
	}
	if n[reqNumbers] > 0 {
		r.Numbers = make([]porting.PortNumber, 0, n[reqNumbers])
	}
	if n[reqSubRequests] > 0 {
		r.SubRequests = make([]porting.SubRequest, 0, n[reqSubRequests])
	}
	if n[reqAttachments] > 0 {
		r.Attachments = make([]porting.Attachment, 0, n[reqAttachments])
	}

	for d.next() {
		switch d.num {
		case reqID:
			r.ID = d.str()
		case reqAccountID:
			r.AccountID = d.str()
		case reqAccountPath:
			r.AccountPath = d.strs(r.AccountPath)
		case reqSupportKey:
			r.SupportKey = d.str()
		case reqName:
			r.Name = d.str()
		case reqState:
			r.State = porting.State(d.str())
		case reqNumbers:
			r.Numbers = append(r.Numbers, porting.PortNumber{})
			d.number(&r.Numbers[len(r.Numbers)-1])
		case reqBill:
			d.bill(&r.Bill)
		case reqCarrier:
			r.Carrier = d.str()
		case reqWinningCarrier:
			r.WinningCarrier = d.str()
		case reqReferenceNumber:
			r.ReferenceNumber = d.str()
		case reqTransferDate:
			r.TransferDate = d.time()
		case reqSigneeName:
			r.SigneeName = d.str()
		case reqSigningDate:
			r.SigningDate = d.time()
		case reqNotifications:
			d.notifications(&r.Notifications)
		case reqQuote:
			r.Quote = &porting.Quote{}
			d.quote(r.Quote)
		case reqSent:
			r.Sent = d.bool()
		case reqExtra:
			d.entry(&r.Extra, n[reqExtra])
		case reqSubRequests:
			r.SubRequests = append(r.SubRequests, porting.SubRequest{})
			d.subRequest(&r.SubRequests[len(r.SubRequests)-1])
		case reqAttachments:
			r.Attachments = append(r.Attachments, porting.Attachment{})
			d.attachment(&r.Attachments[len(r.Attachments)-1])
		case reqComments:
			d.legacy.comments = append(d.legacy.comments, porting.Comment{})
			d.comment(&d.legacy.comments[len(d.legacy.comments)-1])
		case reqTransitions:
			d.legacy.transitions = append(d.legacy.transitions, porting.Transition{})
			d.transition(&d.legacy.transitions[len(d.legacy.transitions)-1])
		case reqCommentCount:
			r.CommentCount = int(d.uint())
		case reqCreated:
			r.Created = d.time()
		case reqUpdated:
			r.Updated = d.time()
		case reqRevision:
			r.Revision = d.int()
		case reqEmpty:
			switch d.uint() {
			case reqAccountPath:
				r.AccountPath = nonNil(r.AccountPath)
			case reqNumbers:
				r.Numbers = nonNil(r.Numbers)
			case reqExtra:
				r.Extra = nonNilMap(r.Extra)
			case reqSubRequests:
				r.SubRequests = nonNil(r.SubRequests)
			case reqAttachments:
				r.Attachments = nonNil(r.Attachments)
			}
		default:
			d.skip()
		}
	}
}

// number reads a port number message.
func (d *decoder) number(p *porting.PortNumber) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case pnRaw:
			p.Raw = d.str()
		case pnE164:
			p.E164 = d.str()
		case pnValid:
			p.Valid = d.bool()
		case pnRegion:
			p.Region = d.str()
		case pnType:
			p.Type = porting.NumberType(d.str())
		case pnCoverage:
			p.Coverage = porting.CoverageCategory(d.str())
		case pnCarrier:
			p.Carrier = d.str()
		case pnPortabilityStatus:
			p.PortabilityStatus = porting.PortabilityStatus(d.str())
		case pnSubRequestID:
			p.SubRequestID = d.str()
		case pnDetails:
			p.Details = d.raw()
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// bill reads a bill message.
func (d *decoder) bill(b *porting.Bill) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case billName:
			b.Name = d.str()
		case billStreetNumber:
			b.StreetNumber = d.str()
		case billStreetPreDir:
			b.StreetPreDir = d.str()
		case billStreetAddress:
			b.StreetAddress = d.str()
		case billStreetType:
			b.StreetType = d.str()
		case billStreetPostDir:
			b.StreetPostDir = d.str()
		case billExtendedAddress:
			b.ExtendedAddress = d.str()
		case billLocality:
			b.Locality = d.str()
		case billRegion:
			b.Region = d.str()
		case billPostalCode:
			b.PostalCode = d.str()
		case billCountry:
			b.Country = d.str()
		case billAccountNumber:
			b.AccountNumber = d.str()
		case billPIN:
			b.PIN = d.str()
		case billBTN:
			b.BTN = d.str()
		case billCarrier:
			b.Carrier = d.str()
		case billExtra:
			d.entry(&b.Extra, 0)
		case billEmpty:
			switch d.uint() {
			case billExtra:
				b.Extra = nonNilMap(b.Extra)
			}
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// notifications reads a notifications message.
func (d *decoder) notifications(n *porting.Notifications) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case ntfEmailSendTo:
			n.EmailSendTo = d.strs(n.EmailSendTo)
		case ntfEmpty:
			switch d.uint() {
			case ntfEmailSendTo:
				n.EmailSendTo = nonNil(n.EmailSendTo)
			}
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// quote reads a quote message.
func (d *decoder) quote(q *porting.Quote) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case qtActivationCharges:
			q.ActivationCharges = d.float()
		case qtPerNumber:
			q.PerNumber = d.float()
		case qtNumbers:
			q.Numbers = int(d.int())
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// subRequest reads a sub request message.
func (d *decoder) subRequest(s *porting.SubRequest) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case subID:
			s.ID = d.str()
		case subSupportKey:
			s.SupportKey = d.str()
		case subState:
			s.State = porting.State(d.str())
		case subResumeState:
			s.ResumeState = porting.State(d.str())
		case subCarrier:
			s.Carrier = d.str()
		case subFOCDateRequested:
			s.FOCDateRequested = d.time()
		case subFOCDate:
			s.FOCDate = d.time()
		case subPersonOrCompanyName:
			s.PersonOrCompanyName = d.str()
		case subAuthPersonName:
			s.AuthPersonName = d.str()
		case subBillingPhoneNumber:
			s.BillingPhoneNumber = d.str()
		case subStreetAddress:
			s.StreetAddress = d.str()
		case subExtendedAddress:
			s.ExtendedAddress = d.str()
		case subLocality:
			s.Locality = d.str()
		case subAdministrativeArea:
			s.AdministrativeArea = d.str()
		case subPostalCode:
			s.PostalCode = d.str()
		case subCountryCode:
			s.CountryCode = d.str()
		case subDefaultConnectionID:
			s.DefaultConnectionID = d.str()
		case subDefaultMessageProfileID:
			s.DefaultMessageProfileID = d.str()
		case subPortingOption:
			s.PortingOption = &porting.PortingOption{}
			d.portingOption(s.PortingOption)
		case subPIN:
			s.PIN = d.str()
		case subAccountNumber:
			s.AccountNumber = d.str()
		case subDescription:
			s.Description = d.str()
		case subTaxIdentifier:
			s.TaxIdentifier = d.str()
		case subBusinessIdentifier:
			s.BusinessIdentifier = d.str()
		case subCustomerRating:
			v := int(d.int())
			s.CustomerRating = &v
		case subCustomerRatingComment:
			s.CustomerRatingComment = d.str()
		case subCreated:
			s.Created = d.time()
		case subUpdated:
			s.Updated = d.time()
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// portingOption reads a porting option message.
func (d *decoder) portingOption(o *porting.PortingOption) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case optType:
			o.Type = d.str()
		case optRemainingNumbersAction:
			o.RemainingNumbersAction = d.str()
		case optNewBillingPhoneNumber:
			o.NewBillingPhoneNumber = d.str()
		case optRemainingNumbers:
			o.RemainingNumbers = d.strs(o.RemainingNumbers)
		case optEmpty:
			switch d.uint() {
			case optRemainingNumbers:
				o.RemainingNumbers = nonNil(o.RemainingNumbers)
			}
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// attachment reads an attachment message.
func (d *decoder) attachment(a *porting.Attachment) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case attID:
			a.ID = d.str()
		case attName:
			a.Name = d.str()
		case attContentType:
			a.ContentType = d.str()
		case attLength:
			a.Length = d.int()
		case attDocumentType:
			a.DocumentType = d.str()
		case attCreated:
			a.Created = d.time()
		case attContentID:
			a.ContentID = d.str()
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// comment reads a comment message.
func (d *decoder) comment(c *porting.Comment) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case cmtID:
			c.ID = d.str()
		case cmtBody:
			c.Body = d.str()
		case cmtAuthor:
			c.Author = d.str()
		case cmtAccountID:
			c.AccountID = d.str()
		case cmtUserID:
			c.UserID = d.str()
		case cmtSubRequestID:
			c.SubRequestID = d.str()
		case cmtPrivate:
			c.Private = d.bool()
		case cmtActionRequired:
			c.ActionRequired = d.bool()
		case cmtCreated:
			c.Created = d.time()
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// transition reads a transition message.
func (d *decoder) transition(t *porting.Transition) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case trnAt:
			t.At = d.time()
		case trnSubRequestID:
			t.SubRequestID = d.str()
		case trnFrom:
			t.From = porting.State(d.str())
		case trnTo:
			t.To = porting.State(d.str())
		case trnReason:
			t.Reason = d.str()
		case trnActor:
			d.actor(&t.Actor)
		default:
			d.skip()
		}
	}
	d.leave(rest)
}

// actor reads an actor message.
func (d *decoder) actor(a *porting.Actor) {
	rest := d.enter()
	for d.next() {
		switch d.num {
		case actAccountID:
			a.AccountID = d.str()
		case actUserID:
			a.UserID = d.str()
		case actName:
			a.Name = d.str()
		case actAdmin:
			a.Admin = d.bool()
		default:
			d.skip()
		}
	}
	d.leave(rest)
}
