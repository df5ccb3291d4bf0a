package httpapi

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/portkit/portkit/porting"
)

// kazooReadOnly are the keys of the representation a client cannot set:
// they are ignored on input, never kept as unknown fields. Keys starting
// with "pvt_" or "_" (Kazoo's private and CouchDB's keys) are read-only too.
// "comments" are read and written through their own route.
var kazooReadOnly = map[string]bool{
	"id": true, "account_id": true, "created": true, "updated": true,
	"port_state": true, "sent": true, "uploads": true, "comments": true,
}

// kazooWritable are the known writable keys of the representation.
var kazooWritable = map[string]bool{
	"name": true, "numbers": true, "bill": true, "carrier": true, "winning_carrier": true,
	"reference_number": true, "transfer_date": true, "scheduled_date": true,
	"signee_name": true, "signing_date": true, "notifications": true,
}

// kazooIsReadOnly reports whether an input key is ignored.
func kazooIsReadOnly(key string) bool {
	return kazooReadOnly[key] || strings.HasPrefix(key, "pvt_") || strings.HasPrefix(key, "_")
}

// kazooKnown reports whether a key is one the representation emits
// itself, so an unknown field of that name cannot shadow it.
func kazooKnown(key string) bool { return kazooWritable[key] || kazooIsReadOnly(key) }

// kazooField is a known key of the representation, encoded.
type kazooField struct {
	name string
	k    kazooKey
}

// kazooFields encodes known keys.
func kazooFields(names ...string) []kazooField {
	out := make([]kazooField, len(names))
	for i, n := range names {
		out[i] = kazooField{n, kazooK(n)}
	}
	return out
}

// kazooRequestKeys are the representation's own keys, sorted: the
// encoder merges them with the request's unknown keys in this order.
var kazooRequestKeys = kazooFields(
	"account_id", "bill", "carrier", "created", "id", "name", "notifications", "numbers",
	"port_state", "reference_number", "scheduled_date", "sent", "signee_name", "signing_date",
	"transfer_date", "updated", "uploads", "winning_carrier",
)

// kazooBillKeys are the known keys of a bill, sorted.
var kazooBillKeys = kazooFields(
	"account_number", "btn", "carrier", "country", "extended_address", "locality", "name", "pin",
	"postal_code", "region", "street_address", "street_number", "street_post_dir", "street_pre_dir",
	"street_type",
)

// Keys of the smaller objects.
var (
	kazooKeyContentType = kazooK("content_type")
	kazooKeyLength      = kazooK("length")
	kazooKeyAccountID   = kazooK("account_id")
	kazooKeyAccountName = kazooK("account_name")
	kazooKeyPortReqs    = kazooK("port_requests")
)

// kazooBillField returns a pointer to the bill field of a known key.
func kazooBillField(b *porting.Bill, key string) *string {
	switch key {
	case "account_number":
		return &b.AccountNumber
	case "btn":
		return &b.BTN
	case "carrier":
		return &b.Carrier
	case "country":
		return &b.Country
	case "extended_address":
		return &b.ExtendedAddress
	case "locality":
		return &b.Locality
	case "name":
		return &b.Name
	case "pin":
		return &b.PIN
	case "postal_code":
		return &b.PostalCode
	case "region":
		return &b.Region
	case "street_address":
		return &b.StreetAddress
	case "street_number":
		return &b.StreetNumber
	case "street_post_dir":
		return &b.StreetPostDir
	case "street_pre_dir":
		return &b.StreetPreDir
	case "street_type":
		return &b.StreetType
	}
	return nil
}

// kazooSortedKeys returns the keys of m that pass keep, sorted.
func kazooSortedKeys(m map[string]json.RawMessage, keep func(string) bool) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if keep(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// kazooAppendMerged appends an object of known fields and unknown keys,
// all sorted: field writes each known one (if set), in the order of
// known, which is sorted; the keys of extra that unknown accepts are
// merged in between as stored. (field takes and returns the object by
// value so that it stays on the stack.)
func kazooAppendMerged(b []byte, known []kazooField, field func(kazooObject, kazooField) kazooObject,
	extra map[string]json.RawMessage, unknown func(key string) bool) []byte {
	o := kazooOpen(b)
	keys := kazooSortedKeys(extra, unknown)
	i := 0
	for _, f := range known {
		for ; i < len(keys) && keys[i] < f.name; i++ {
			o.raw(keys[i], extra[keys[i]])
		}
		o = field(o, f)
	}
	for ; i < len(keys); i++ {
		o.raw(keys[i], extra[keys[i]])
	}
	return o.close()
}

// kazooAppendRequest appends the Kazoo representation of a port request.
func kazooAppendRequest(b []byte, r *porting.PortRequest) []byte {
	return kazooAppendMerged(b, kazooRequestKeys, func(o kazooObject, f kazooField) kazooObject {
		kazooAppendField(&o, r, f)
		return o
	}, r.Extra, func(k string) bool { return !kazooKnown(k) })
}

// kazooAppendField appends one known member of the representation, if it
// is set.
func kazooAppendField(o *kazooObject, r *porting.PortRequest, f kazooField) {
	k := f.k
	switch f.name {
	case "account_id":
		o.str(k, r.AccountID)
	case "bill":
		if !kazooBillEmpty(r.Bill) {
			o.field(k)
			o.b = kazooAppendBill(o.b, r.Bill)
		}
	case "carrier":
		o.strNonEmpty(k, r.Carrier)
	case "created":
		o.int(k, kazooGregorian(r.Created))
	case "id":
		o.str(k, r.ID)
	case "name":
		o.str(k, r.Name)
	case "notifications":
		if len(r.Notifications.EmailSendTo) > 0 {
			o.field(k)
			o.b = kazooAppendNotifications(o.b, r.Notifications)
		}
	case "numbers":
		o.field(k)
		o.b = kazooAppendNumbers(o.b, r.Numbers)
	case "port_state":
		o.str(k, string(r.State))
	case "reference_number":
		o.strNonEmpty(k, r.ReferenceNumber)
	case "scheduled_date":
		o.date(k, r.ScheduledDate())
	case "sent":
		o.bool(k, r.Sent)
	case "signee_name":
		o.strNonEmpty(k, r.SigneeName)
	case "signing_date":
		o.date(k, r.SigningDate)
	case "transfer_date":
		o.date(k, r.TransferDate)
	case "updated":
		o.int(k, kazooGregorian(r.Updated))
	case "uploads":
		o.field(k)
		o.b = kazooAppendUploads(o.b, r.Attachments)
	case "winning_carrier":
		o.strNonEmpty(k, r.WinningCarrier)
	}
}

// kazooBillEmpty reports whether a bill has nothing to show.
func kazooBillEmpty(b porting.Bill) bool {
	if len(b.Extra) > 0 {
		return false
	}
	for _, f := range kazooBillKeys {
		if *kazooBillField(&b, f.name) != "" {
			return false
		}
	}
	return true
}

// kazooAppendBill appends a bill: its set fields and its unknown keys.
func kazooAppendBill(b []byte, bill porting.Bill) []byte {
	return kazooAppendMerged(b, kazooBillKeys, func(o kazooObject, f kazooField) kazooObject {
		o.strNonEmpty(f.k, *kazooBillField(&bill, f.name))
		return o
	}, bill.Extra, func(k string) bool { return kazooBillField(&bill, k) == nil })
}

// kazooAppendNotifications appends {"email": {"send_to": ...}}: a string
// for one address, a list for several.
func kazooAppendNotifications(b []byte, n porting.Notifications) []byte {
	b = append(b, `{"email":{"send_to":`...)
	if len(n.EmailSendTo) == 1 {
		b = kazooAppendString(b, n.EmailSendTo[0])
	} else {
		b = append(b, '[')
		for i, a := range n.EmailSendTo {
			if i > 0 {
				b = append(b, ',')
			}
			b = kazooAppendString(b, a)
		}
		b = append(b, ']')
	}
	return append(b, "}}"...)
}

// kazooAppendNumbers appends the numbers keyed by E.164 (sorted, as the
// request keeps them), each with its details object.
func kazooAppendNumbers(b []byte, numbers []porting.PortNumber) []byte {
	o := kazooOpen(b)
	for _, n := range numbers {
		if len(n.Details) == 0 {
			o.key(n.E164)
			o.b = append(o.b, "{}"...)
			continue
		}
		o.raw(n.E164, n.Details)
	}
	return o.close()
}

// kazooAppendUploads appends the attachments as {name: {content_type, length}}.
func kazooAppendUploads(b []byte, atts []porting.Attachment) []byte {
	o := kazooOpen(b)
	for _, a := range atts {
		o.key(a.Name)
		u := kazooOpen(o.b)
		u.str(kazooKeyContentType, a.ContentType)
		u.int(kazooKeyLength, a.Length)
		o.b = u.close()
	}
	return o.close()
}

// kazooAppendRequests appends a flat list of representations.
func kazooAppendRequests(b []byte, rs []*porting.PortRequest) []byte {
	b = append(b, '[')
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = kazooAppendRequest(b, r)
	}
	return append(b, ']')
}
