package kazoo

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/portkit/portkit/porting"
)

// readOnlyKeys are the keys of the representation a client cannot set:
// they are ignored on input, never kept as unknown fields. Keys starting
// with "pvt_" or "_" (Kazoo's private and CouchDB's keys) are read-only too.
// "comments" are read and written through their own route;
// carrier_reference_number is reference_number again, under the name
// Monster UI's listing reads.
var readOnlyKeys = map[string]bool{
	"id": true, "account_id": true, "created": true, "updated": true,
	"port_state": true, "sent": true, "uploads": true, "comments": true,
	"carrier_reference_number": true,
}

// writableKeys are the known writable keys of the representation.
var writableKeys = map[string]bool{
	"name": true, "numbers": true, "bill": true, "carrier": true, "winning_carrier": true,
	"reference_number": true, "transfer_date": true, "scheduled_date": true,
	"signee_name": true, "signing_date": true, "notifications": true,
}

// isReadOnly reports whether an input key is ignored.
func isReadOnly(key string) bool {
	return readOnlyKeys[key] || strings.HasPrefix(key, "pvt_") || strings.HasPrefix(key, "_")
}

// isKnown reports whether a key is one the representation emits
// itself, so an unknown field of that name cannot shadow it.
func isKnown(key string) bool { return writableKeys[key] || isReadOnly(key) }

// knownKey is a known key of the representation, encoded.
type knownKey struct {
	name string
	k    jsonKey
}

// knownKeys encodes known keys.
func knownKeys(names ...string) []knownKey {
	out := make([]knownKey, len(names))
	for i, n := range names {
		out[i] = knownKey{n, keyOf(n)}
	}
	return out
}

// requestKeys are the representation's own keys, sorted: the
// encoder merges them with the request's unknown keys in this order.
var requestKeys = knownKeys(
	"account_id", "bill", "carrier", "carrier_reference_number", "created", "id", "name", "notifications", "numbers",
	"port_state", "reference_number", "scheduled_date", "sent", "signee_name", "signing_date",
	"transfer_date", "updated", "uploads", "winning_carrier",
)

// billKeys are the known keys of a bill, sorted.
var billKeys = knownKeys(
	"account_number", "btn", "carrier", "country", "extended_address", "locality", "name", "pin",
	"postal_code", "region", "street_address", "street_number", "street_post_dir", "street_pre_dir",
	"street_type",
)

// Keys of the smaller objects.
var (
	keyContentType  = keyOf("content_type")
	keyLength       = keyOf("length")
	keyAccountID    = keyOf("account_id")
	keyAccountName  = keyOf("account_name")
	keyPortRequests = keyOf("port_requests")
)

// billField returns a pointer to the bill field of a known key.
func billField(b *porting.Bill, key string) *string {
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

// sortedKeys returns the keys of m that pass keep, sorted.
func sortedKeys(m map[string]json.RawMessage, keep func(string) bool) []string {
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

// appendMerged appends an object of known fields and unknown keys,
// all sorted: field writes each known one (if set), in the order of
// known, which is sorted; the keys of extra that unknown accepts are
// merged in between as stored. (field takes and returns the object by
// value so that it stays on the stack.)
func appendMerged(b []byte, known []knownKey, field func(object, knownKey) object,
	extra map[string]json.RawMessage, unknown func(key string) bool) []byte {
	o := openObject(b)
	keys := sortedKeys(extra, unknown)
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

// appendRequest appends the Kazoo representation of a port request.
func appendRequest(b []byte, r *porting.PortRequest) []byte {
	return appendMerged(b, requestKeys, func(o object, f knownKey) object {
		appendField(&o, r, f)
		return o
	}, r.Extra, func(k string) bool { return !isKnown(k) })
}

// appendField appends one known member of the representation, if it
// is set.
func appendField(o *object, r *porting.PortRequest, f knownKey) {
	k := f.k
	switch f.name {
	case "account_id":
		o.str(k, r.AccountID)
	case "bill":
		if !billEmpty(r.Bill) {
			o.field(k)
			o.b = appendBill(o.b, r.Bill)
		}
	case "carrier":
		o.strNonEmpty(k, r.Carrier)
	case "carrier_reference_number":
		o.strNonEmpty(k, r.ReferenceNumber)
	case "created":
		o.int(k, gregorian(r.Created))
	case "id":
		o.str(k, r.ID)
	case "name":
		o.str(k, r.Name)
	case "notifications":
		if len(r.Notifications.EmailSendTo) > 0 {
			o.field(k)
			o.b = appendNotifications(o.b, r.Notifications)
		}
	case "numbers":
		o.field(k)
		o.b = appendNumbers(o.b, r.Numbers)
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
		o.int(k, gregorian(r.Updated))
	case "uploads":
		o.field(k)
		o.b = appendUploads(o.b, r.Attachments)
	case "winning_carrier":
		o.strNonEmpty(k, r.WinningCarrier)
	}
}

// billEmpty reports whether a bill has nothing to show.
func billEmpty(b porting.Bill) bool {
	if len(b.Extra) > 0 {
		return false
	}
	for _, f := range billKeys {
		if *billField(&b, f.name) != "" {
			return false
		}
	}
	return true
}

// appendBill appends a bill: its set fields and its unknown keys.
func appendBill(b []byte, bill porting.Bill) []byte {
	return appendMerged(b, billKeys, func(o object, f knownKey) object {
		o.strNonEmpty(f.k, *billField(&bill, f.name))
		return o
	}, bill.Extra, func(k string) bool { return billField(&bill, k) == nil })
}

// appendNotifications appends {"email": {"send_to": ...}}: a string
// for one address, a list for several.
func appendNotifications(b []byte, n porting.Notifications) []byte {
	b = append(b, `{"email":{"send_to":`...)
	if len(n.EmailSendTo) == 1 {
		b = appendString(b, n.EmailSendTo[0])
	} else {
		b = append(b, '[')
		for i, a := range n.EmailSendTo {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, a)
		}
		b = append(b, ']')
	}
	return append(b, "}}"...)
}

// appendNumbers appends the numbers keyed by E.164 (sorted, as the
// request keeps them), each with its details object.
func appendNumbers(b []byte, numbers []porting.PortNumber) []byte {
	o := openObject(b)
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

// appendUploads appends the attachments as {name: {content_type, length}}.
func appendUploads(b []byte, atts []porting.Attachment) []byte {
	o := openObject(b)
	for _, a := range atts {
		o.key(a.Name)
		u := openObject(o.b)
		u.str(keyContentType, a.ContentType)
		u.int(keyLength, a.Length)
		o.b = u.close()
	}
	return o.close()
}

// appendRequests appends a flat list of representations.
func appendRequests(b []byte, rs []*porting.PortRequest) []byte {
	b = append(b, '[')
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRequest(b, r)
	}
	return append(b, ']')
}
