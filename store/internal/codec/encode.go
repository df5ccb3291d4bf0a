package codec

import (
	"encoding/binary"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/portkit/portkit/porting"
)

// encoder appends the fields of a version 2 document to a byte slice (see
// codec.go). Its field writers leave out zero values; those whose name ends
// in "Always" write them too.
type encoder struct{ b []byte }

// encodedSizeHint guesses the encoded size of r, for the first allocation.
func encodedSizeHint(r *porting.PortRequest) int {
	return 256 + 96*len(r.Numbers) + 256*len(r.SubRequests) + 96*len(r.Attachments)
}

// uvarint appends v as a uvarint.
func (e *encoder) uvarint(v uint64) {
	if v < 0x80 {
		e.b = append(e.b, byte(v))
		return
	}
	e.b = binary.AppendUvarint(e.b, v)
}

// key appends the key of field num, of wire type wt.
func (e *encoder) key(num, wt uint64) { e.uvarint(num<<3 | wt) }

// uint writes an unsigned integer field.
func (e *encoder) uint(num, v uint64) {
	if v != 0 {
		e.key(num, wireVarint)
		e.uvarint(v)
	}
}

// int writes a signed integer field, zigzag-encoded.
func (e *encoder) int(num uint64, v int64) {
	if v != 0 {
		e.intAlways(num, v)
	}
}

// intAlways writes a signed integer field, even 0.
func (e *encoder) intAlways(num uint64, v int64) {
	e.key(num, wireVarint)
	e.uvarint(uint64(v<<1) ^ uint64(v>>63))
}

// bool writes a bool field.
func (e *encoder) bool(num uint64, v bool) {
	if v {
		e.key(num, wireVarint)
		e.b = append(e.b, 1)
	}
}

// float writes a float64 field. Only +0 is left out: -0 is written, so it
// comes back with its sign.
func (e *encoder) float(num uint64, f float64) {
	if bits := math.Float64bits(f); bits != 0 {
		e.key(num, wireFixed64)
		e.b = binary.LittleEndian.AppendUint64(e.b, bits)
	}
}

// str writes a string field.
func (e *encoder) str(num uint64, s string) {
	if s != "" {
		e.strAlways(num, s)
	}
}

// strAlways writes a string field, even "".
func (e *encoder) strAlways(num uint64, s string) {
	e.key(num, wireBytes)
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// strs writes a repeated string field, one field per element.
func (e *encoder) strs(num uint64, ss []string) {
	for _, s := range ss {
		e.strAlways(num, s)
	}
}

// raw writes a JSON raw value when it is non-nil, even when empty.
func (e *encoder) raw(num uint64, b json.RawMessage) {
	if b != nil {
		e.key(num, wireBytes)
		e.uvarint(uint64(len(b)))
		e.b = append(e.b, b...)
	}
}

// empty writes field num into the message's "empty" field emptyNum when a
// slice or map of n elements is non-nil but empty.
func (e *encoder) empty(emptyNum, num uint64, n int, isNil bool) {
	if n == 0 && !isNil {
		e.key(emptyNum, wireVarint)
		e.uvarint(num)
	}
}

// rawMap writes a map as a repeated entry field, in key order.
func (e *encoder) rawMap(num uint64, m map[string]json.RawMessage) {
	if len(m) == 0 {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		at := e.begin(num)
		e.str(entKey, k)
		e.raw(entValue, m[k])
		e.end(at)
	}
}

// time writes a time field, as a time message; the zero time is left out.
func (e *encoder) time(num uint64, t time.Time) {
	if t.IsZero() {
		return
	}
	at := e.begin(num)
	e.int(tmSeconds, t.Unix())
	e.uint(tmNanos, uint64(t.Nanosecond()))
	e.end(at)
}

// mark is where a nested message began: its key and its body.
type mark struct{ key, body int }

// begin starts a nested message in field num; the caller writes its
// fields, then calls end or endOmitEmpty. The length is given one byte,
// which end widens if the body needs more.
func (e *encoder) begin(num uint64) mark {
	key := len(e.b)
	e.key(num, wireBytes)
	e.b = append(e.b, 0)
	return mark{key, len(e.b)}
}

// end finishes the nested message begun at m, writing its length.
func (e *encoder) end(m mark) {
	n := len(e.b) - m.body
	if n < 0x80 {
		e.b[m.body-1] = byte(n)
		return
	}
	var buf [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(buf[:], uint64(n))
	e.b = append(e.b, buf[:k-1]...)
	copy(e.b[m.body+k-1:], e.b[m.body:m.body+n])
	copy(e.b[m.body-1:], buf[:k])
}

// endOmitEmpty is end, but leaves the whole field out when the message
// has no field (its struct is zero).
func (e *encoder) endOmitEmpty(m mark) {
	if len(e.b) == m.body {
		e.b = e.b[:m.key]
		return
	}
	e.end(m)
}

// request writes the fields of the request message.
func (e *encoder) request(r *porting.PortRequest) {
	e.str(reqID, r.ID)
	e.str(reqAccountID, r.AccountID)
	e.strs(reqAccountPath, r.AccountPath)
	e.empty(reqEmpty, reqAccountPath, len(r.AccountPath), r.AccountPath == nil)
	e.str(reqSupportKey, r.SupportKey)
	e.str(reqName, r.Name)
	e.str(reqState, string(r.State))
	for i := range r.Numbers {
		at := e.begin(reqNumbers)
		e.number(&r.Numbers[i])
		e.end(at)
	}
	e.empty(reqEmpty, reqNumbers, len(r.Numbers), r.Numbers == nil)
	at := e.begin(reqBill)
	e.bill(&r.Bill)
	e.endOmitEmpty(at)
	e.str(reqCarrier, r.Carrier)
	e.str(reqWinningCarrier, r.WinningCarrier)
	e.str(reqReferenceNumber, r.ReferenceNumber)
	e.time(reqTransferDate, r.TransferDate)
	e.str(reqSigneeName, r.SigneeName)
	e.time(reqSigningDate, r.SigningDate)
	at = e.begin(reqNotifications)
	e.strs(ntfEmailSendTo, r.Notifications.EmailSendTo)
	e.empty(ntfEmpty, ntfEmailSendTo, len(r.Notifications.EmailSendTo), r.Notifications.EmailSendTo == nil)
	e.endOmitEmpty(at)
	if q := r.Quote; q != nil {
		at := e.begin(reqQuote)
		e.float(qtActivationCharges, q.ActivationCharges)
		e.float(qtPerNumber, q.PerNumber)
		e.int(qtNumbers, int64(q.Numbers))
		e.end(at)
	}
	e.bool(reqSent, r.Sent)
	e.rawMap(reqExtra, r.Extra)
	e.empty(reqEmpty, reqExtra, len(r.Extra), r.Extra == nil)
	for i := range r.SubRequests {
		at := e.begin(reqSubRequests)
		e.subRequest(&r.SubRequests[i])
		e.end(at)
	}
	e.empty(reqEmpty, reqSubRequests, len(r.SubRequests), r.SubRequests == nil)
	for i := range r.Attachments {
		at := e.begin(reqAttachments)
		e.attachment(&r.Attachments[i])
		e.end(at)
	}
	e.empty(reqEmpty, reqAttachments, len(r.Attachments), r.Attachments == nil)
	e.time(reqCreated, r.Created)
	e.time(reqUpdated, r.Updated)
	e.int(reqRevision, r.Revision)
	e.uint(reqCommentCount, uint64(r.CommentCount))
}

// number writes the fields of the port number message.
func (e *encoder) number(n *porting.PortNumber) {
	e.str(pnRaw, n.Raw)
	e.str(pnE164, n.E164)
	e.bool(pnValid, n.Valid)
	e.str(pnRegion, n.Region)
	e.str(pnType, string(n.Type))
	e.str(pnCoverage, string(n.Coverage))
	e.str(pnCarrier, n.Carrier)
	e.str(pnPortabilityStatus, string(n.PortabilityStatus))
	e.str(pnSubRequestID, n.SubRequestID)
	e.raw(pnDetails, n.Details)
}

// bill writes the fields of the bill message.
func (e *encoder) bill(b *porting.Bill) {
	e.str(billName, b.Name)
	e.str(billStreetNumber, b.StreetNumber)
	e.str(billStreetPreDir, b.StreetPreDir)
	e.str(billStreetAddress, b.StreetAddress)
	e.str(billStreetType, b.StreetType)
	e.str(billStreetPostDir, b.StreetPostDir)
	e.str(billExtendedAddress, b.ExtendedAddress)
	e.str(billLocality, b.Locality)
	e.str(billRegion, b.Region)
	e.str(billPostalCode, b.PostalCode)
	e.str(billCountry, b.Country)
	e.str(billAccountNumber, b.AccountNumber)
	e.str(billPIN, b.PIN)
	e.str(billBTN, b.BTN)
	e.str(billCarrier, b.Carrier)
	e.rawMap(billExtra, b.Extra)
	e.empty(billEmpty, billExtra, len(b.Extra), b.Extra == nil)
}

// subRequest writes the fields of the sub request message.
func (e *encoder) subRequest(s *porting.SubRequest) {
	e.str(subID, s.ID)
	e.str(subSupportKey, s.SupportKey)
	e.str(subState, string(s.State))
	e.str(subResumeState, string(s.ResumeState))
	e.str(subCarrier, s.Carrier)
	e.time(subFOCDateRequested, s.FOCDateRequested)
	e.time(subFOCDate, s.FOCDate)
	e.str(subPersonOrCompanyName, s.PersonOrCompanyName)
	e.str(subAuthPersonName, s.AuthPersonName)
	e.str(subBillingPhoneNumber, s.BillingPhoneNumber)
	e.str(subStreetAddress, s.StreetAddress)
	e.str(subExtendedAddress, s.ExtendedAddress)
	e.str(subLocality, s.Locality)
	e.str(subAdministrativeArea, s.AdministrativeArea)
	e.str(subPostalCode, s.PostalCode)
	e.str(subCountryCode, s.CountryCode)
	e.str(subDefaultConnectionID, s.DefaultConnectionID)
	e.str(subDefaultMessageProfileID, s.DefaultMessageProfileID)
	if po := s.PortingOption; po != nil {
		at := e.begin(subPortingOption)
		e.str(optType, po.Type)
		e.str(optRemainingNumbersAction, po.RemainingNumbersAction)
		e.str(optNewBillingPhoneNumber, po.NewBillingPhoneNumber)
		e.strs(optRemainingNumbers, po.RemainingNumbers)
		e.empty(optEmpty, optRemainingNumbers, len(po.RemainingNumbers), po.RemainingNumbers == nil)
		e.end(at)
	}
	e.str(subPIN, s.PIN)
	e.str(subAccountNumber, s.AccountNumber)
	e.str(subDescription, s.Description)
	e.str(subTaxIdentifier, s.TaxIdentifier)
	e.str(subBusinessIdentifier, s.BusinessIdentifier)
	if s.CustomerRating != nil {
		e.intAlways(subCustomerRating, int64(*s.CustomerRating))
	}
	e.str(subCustomerRatingComment, s.CustomerRatingComment)
	e.time(subCreated, s.Created)
	e.time(subUpdated, s.Updated)
}

// attachment writes the fields of the attachment message.
func (e *encoder) attachment(a *porting.Attachment) {
	e.str(attID, a.ID)
	e.str(attName, a.Name)
	e.str(attContentType, a.ContentType)
	e.int(attLength, a.Length)
	e.str(attDocumentType, a.DocumentType)
	e.time(attCreated, a.Created)
	e.str(attContentID, a.ContentID)
}

// comment writes the fields of the comment message.
func (e *encoder) comment(c *porting.Comment) {
	e.str(cmtID, c.ID)
	e.str(cmtBody, c.Body)
	e.str(cmtAuthor, c.Author)
	e.str(cmtAccountID, c.AccountID)
	e.str(cmtUserID, c.UserID)
	e.str(cmtSubRequestID, c.SubRequestID)
	e.bool(cmtPrivate, c.Private)
	e.bool(cmtActionRequired, c.ActionRequired)
	e.time(cmtCreated, c.Created)
}

// transition writes the fields of the transition message.
func (e *encoder) transition(t *porting.Transition) {
	e.time(trnAt, t.At)
	e.str(trnSubRequestID, t.SubRequestID)
	e.str(trnFrom, string(t.From))
	e.str(trnTo, string(t.To))
	e.str(trnReason, t.Reason)
	at := e.begin(trnActor)
	e.str(actAccountID, t.Actor.AccountID)
	e.str(actUserID, t.Actor.UserID)
	e.str(actName, t.Actor.Name)
	e.bool(actAdmin, t.Actor.Admin)
	e.endOmitEmpty(at)
}
