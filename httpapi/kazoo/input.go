package kazoo

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/portkit/portkit/porting"
)

// inputDecoder turns the data of a body into a porting.RequestInput.
type inputDecoder struct {
	// merge applies the members over the input's current values, as PATCH
	// and transitions do: a null removes a number, a bill key or an
	// unknown key. Otherwise the input starts empty and a number with a
	// null value is a number without details.
	merge bool
	// e164 normalises a number, to match a merged number with one the
	// request has.
	e164 func(raw string) string
	errs invalidInput
}

// apply applies the members of a data object to in. Read-only keys are
// ignored, unknown keys are kept in in.Extra.
func (d *inputDecoder) apply(in *porting.RequestInput, members []member) error {
	in.Extra = maps.Clone(in.Extra) // the caller's map stays as it was
	for _, m := range members {
		switch {
		case isReadOnly(m.key):
		case m.key == "name":
			d.str(m.key, m.val, &in.Name)
		case m.key == "carrier":
			d.str(m.key, m.val, &in.Carrier)
		case m.key == "winning_carrier":
			d.str(m.key, m.val, &in.WinningCarrier)
		case m.key == "reference_number":
			d.str(m.key, m.val, &in.ReferenceNumber)
		case m.key == "signee_name":
			d.str(m.key, m.val, &in.SigneeName)
		case m.key == "transfer_date":
			d.date(m.key, m.val, &in.TransferDate)
		case m.key == "scheduled_date":
			d.date(m.key, m.val, &in.ScheduledDate)
		case m.key == "signing_date":
			d.date(m.key, m.val, &in.SigningDate)
		case m.key == "numbers":
			d.numbers(in, m)
		case m.key == "bill":
			d.bill(in, m)
		case m.key == "notifications":
			d.notifications(in, m)
		default:
			in.Extra = setRaw(in.Extra, m)
		}
	}
	if len(in.Extra) == 0 {
		in.Extra = nil
	}
	return d.errs.err()
}

// setRaw sets an unknown key in m, or deletes it for null.
func setRaw(m map[string]json.RawMessage, member member) map[string]json.RawMessage {
	if member.null() {
		delete(m, member.key)
		return m
	}
	if m == nil {
		m = make(map[string]json.RawMessage)
	}
	m[member.key] = member.val
	return m
}

// str decodes a string; null is the empty string.
func (d *inputDecoder) str(path string, v json.RawMessage, dst *string) {
	if string(v) == "null" {
		*dst = ""
		return
	}
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, dst) != nil {
		d.errs.add(path, "type", "", path+" must be a string")
	}
}

// bool decodes a JSON boolean (null is false).
func (d *inputDecoder) bool(path string, v json.RawMessage) bool {
	switch string(v) {
	case "true":
		return true
	case "false", "null":
		return false
	}
	d.errs.add(path, "type", "", path+" must be a boolean")
	return false
}

// object returns the members of a JSON object; a value of another kind
// is a problem: "{path} must be {what}".
func (d *inputDecoder) object(path string, v json.RawMessage, what string) ([]member, bool) {
	members, ok := membersOf(v)
	if !ok {
		d.errs.add(path, "type", "", path+" must be "+what)
	}
	return members, ok
}

// date decodes Gregorian seconds; null unsets the date.
func (d *inputDecoder) date(path string, v json.RawMessage, dst *time.Time) {
	t, err := parseDate(path, v)
	if err != nil {
		d.errs.addErr(err)
		return
	}
	*dst = t
}

// maxGregorian bounds the dates a client may send (year 9999 is
// about 3.2e11), so that no conversion overflows.
const maxGregorian = 1e13

// parseDate decodes a date in Gregorian seconds (a JSON number; a
// fraction is dropped). null is the zero time.
func parseDate(path string, v json.RawMessage) (time.Time, error) {
	s := string(v)
	if s == "null" {
		return time.Time{}, nil
	}
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return time.Time{}, problem(path, "type", "", path+" must be a number of Gregorian seconds")
	}
	g, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(g) || math.Abs(g) > maxGregorian {
		return time.Time{}, problem(path, "format", s, path+" is out of range")
	}
	return fromGregorian(int64(math.Floor(g))), nil
}

// numbers decodes the numbers object: keys are numbers as the client
// writes them, values their details.
func (d *inputDecoder) numbers(in *porting.RequestInput, m member) {
	if m.null() {
		in.Numbers = nil
		return
	}
	members, ok := d.object("numbers", m.val, "an object keyed by phone number")
	if !ok {
		return
	}
	if !d.merge {
		out := make([]porting.NumberInput, 0, len(members))
		for _, n := range members {
			var details json.RawMessage
			if !n.null() {
				details = n.val
			}
			out = append(out, porting.NumberInput{Raw: n.key, Details: details})
		}
		in.Numbers = out
		return
	}
	cur := slices.Clone(in.Numbers)
	at := make(map[string]int, len(cur))
	for i, n := range cur {
		if e := d.e164(n.Raw); e != "" {
			at[e] = i
		}
	}
	removed := make(map[int]bool)
	for _, n := range members {
		i, found := -1, false
		if e := d.e164(n.key); e != "" {
			i, found = at[e]
		}
		switch {
		case found && n.null():
			removed[i] = true
		case found:
			cur[i] = porting.NumberInput{Raw: n.key, Details: n.val}
			delete(removed, i)
		case !n.null():
			cur = append(cur, porting.NumberInput{Raw: n.key, Details: n.val})
		}
	}
	out := cur[:0]
	for i, n := range cur {
		if !removed[i] {
			out = append(out, n)
		}
	}
	in.Numbers = out
}

// bill decodes the bill: its known keys, and its unknown ones kept.
func (d *inputDecoder) bill(in *porting.RequestInput, m member) {
	if m.null() {
		in.Bill = porting.Bill{}
		return
	}
	members, ok := d.object("bill", m.val, "an object")
	if !ok {
		return
	}
	b := in.Bill
	b.Extra = maps.Clone(b.Extra)
	for _, bm := range members {
		if f := billField(&b, bm.key); f != nil {
			d.str("bill."+bm.key, bm.val, f)
			continue
		}
		b.Extra = setRaw(b.Extra, bm)
	}
	if len(b.Extra) == 0 {
		b.Extra = nil
	}
	in.Bill = b
}

// notifications decodes {"email": {"send_to": string or list}}. Other
// kinds of notification have no place in the domain and are dropped.
func (d *inputDecoder) notifications(in *porting.RequestInput, m member) {
	if m.null() {
		in.Notifications = porting.Notifications{}
		return
	}
	members, ok := d.object("notifications", m.val, "an object")
	if !ok {
		return
	}
	for _, nm := range members {
		if nm.key != "email" {
			continue
		}
		if nm.null() {
			in.Notifications.EmailSendTo = nil
			continue
		}
		email, ok := d.object("notifications.email", nm.val, "an object")
		if !ok {
			continue
		}
		for _, em := range email {
			if em.key != "send_to" {
				continue
			}
			to, ok := sendTo(em.val)
			if !ok {
				d.errs.add("notifications.email.send_to", "type", "",
					"notifications.email.send_to must be a string or a list of strings")
				continue
			}
			in.Notifications.EmailSendTo = to
		}
	}
}

// sendTo decodes send_to: null, a string or a list of strings.
func sendTo(v json.RawMessage) ([]string, bool) {
	switch {
	case string(v) == "null":
		return nil, true
	case len(v) > 0 && v[0] == '"':
		var s string
		if json.Unmarshal(v, &s) != nil {
			return nil, false
		}
		if s == "" {
			return nil, true
		}
		return []string{s}, true
	case len(v) > 0 && v[0] == '[':
		var list []string
		if json.Unmarshal(v, &list) != nil {
			return nil, false
		}
		out := list[:0]
		for _, s := range list {
			if s != "" {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil, true
		}
		return out, true
	}
	return nil, false
}

// input reads the body of a create or a full edit and decodes its data;
// on failure it answers and reports false.
func (c *call) input() (porting.RequestInput, bool) {
	var in porting.RequestInput
	members, ok := c.data()
	if !ok {
		return in, false
	}
	d := inputDecoder{e164: c.k.e164}
	if err := d.apply(&in, members); err != nil {
		c.fail(err)
		return in, false
	}
	return in, true
}

// mergeInput merges the data of a PATCH or a transition over cur.
func (k *handler) mergeInput(cur porting.RequestInput, members []member) (porting.RequestInput, error) {
	d := inputDecoder{merge: true, e164: k.e164}
	err := d.apply(&cur, members)
	return cur, err
}

// e164 normalises a number with the Service's parser ("" when it does not
// parse).
func (k *handler) e164(raw string) string { return k.svc.ParseNumber(raw).E164 }
