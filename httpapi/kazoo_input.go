package httpapi

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/portkit/portkit/porting"
)

// kazooMember is one member of a JSON object, in the order sent.
type kazooMember struct {
	key string
	val json.RawMessage
}

func (m kazooMember) null() bool { return string(m.val) == "null" }

// kazooMembers returns the members of a JSON object, in order; ok is false
// when raw is not an object. raw must be valid JSON (decodeJSON checked
// it), so the only failure is a value of another kind.
func kazooMembers(raw json.RawMessage) (members []kazooMember, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		members = append(members, kazooMember{key: key, val: v})
	}
	return members, true
}

// kazooEnvelopeIn is a request body: {"data": {...}} and, for a
// transition, accept_charges beside data.
type kazooEnvelopeIn struct {
	Data          json.RawMessage `json:"data"`
	AcceptCharges json.RawMessage `json:"accept_charges"`
}

// kazooDecodeEnvelope decodes a body and returns the members of its data
// object. A missing or null data is an error when required.
func kazooDecodeEnvelope(body []byte, required bool) (kazooEnvelopeIn, []kazooMember, error) {
	var env kazooEnvelopeIn
	if err := decodeJSON(body, &env); err != nil {
		return env, nil, err
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		if required {
			return env, nil, kazooProblem("data", "required", "", `request body must be {"data": {...}}`)
		}
		return env, nil, nil
	}
	members, ok := kazooMembers(env.Data)
	if !ok {
		return env, nil, kazooProblem("data", "type", "", "data must be an object")
	}
	return env, members, nil
}

// kazooInputDecoder turns the data of a body into a porting.RequestInput.
type kazooInputDecoder struct {
	// merge applies the members over the input's current values, as PATCH
	// and transitions do: a null removes a number, a bill key or an
	// unknown key. Otherwise the input starts empty and a number with a
	// null value is a number without details.
	merge bool
	// e164 normalises a number, to match a merged number with one the
	// request has.
	e164 func(raw string) string
	errs kazooInvalid
}

// apply applies the members of a data object to in. Read-only keys are
// ignored, unknown keys are kept in in.Extra.
func (d *kazooInputDecoder) apply(in *porting.RequestInput, members []kazooMember) error {
	in.Extra = maps.Clone(in.Extra) // the caller's map stays as it was
	for _, m := range members {
		switch {
		case kazooIsReadOnly(m.key):
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
			in.Extra = kazooSetRaw(in.Extra, m)
		}
	}
	if len(in.Extra) == 0 {
		in.Extra = nil
	}
	return d.errs.err()
}

// kazooSetRaw sets an unknown key in m, or deletes it for null.
func kazooSetRaw(m map[string]json.RawMessage, member kazooMember) map[string]json.RawMessage {
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
func (d *kazooInputDecoder) str(path string, v json.RawMessage, dst *string) {
	if string(v) == "null" {
		*dst = ""
		return
	}
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, dst) != nil {
		d.errs.add(path, "type", "", path+" must be a string")
	}
}

// date decodes Gregorian seconds; null unsets the date.
func (d *kazooInputDecoder) date(path string, v json.RawMessage, dst *time.Time) {
	t, err := kazooParseDate(path, v)
	if err != nil {
		d.errs.addErr(err)
		return
	}
	*dst = t
}

// kazooMaxGregorian bounds the dates a client may send (year 9999 is
// about 3.2e11), so that no conversion overflows.
const kazooMaxGregorian = 1e13

// kazooParseDate decodes a date in Gregorian seconds (a JSON number; a
// fraction is dropped). null is the zero time.
func kazooParseDate(path string, v json.RawMessage) (time.Time, error) {
	s := string(v)
	if s == "null" {
		return time.Time{}, nil
	}
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return time.Time{}, kazooProblem(path, "type", "", path+" must be a number of Gregorian seconds")
	}
	g, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(g) || math.Abs(g) > kazooMaxGregorian {
		return time.Time{}, kazooProblem(path, "format", s, path+" is out of range")
	}
	return kazooFromGregorian(int64(math.Floor(g))), nil
}

// numbers decodes the numbers object: keys are numbers as the client
// writes them, values their details.
func (d *kazooInputDecoder) numbers(in *porting.RequestInput, m kazooMember) {
	if m.null() {
		in.Numbers = nil
		return
	}
	members, ok := kazooMembers(m.val)
	if !ok {
		d.errs.add("numbers", "type", "", "numbers must be an object keyed by phone number")
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
func (d *kazooInputDecoder) bill(in *porting.RequestInput, m kazooMember) {
	if m.null() {
		in.Bill = porting.Bill{}
		return
	}
	members, ok := kazooMembers(m.val)
	if !ok {
		d.errs.add("bill", "type", "", "bill must be an object")
		return
	}
	b := in.Bill
	b.Extra = maps.Clone(b.Extra)
	for _, bm := range members {
		if f := kazooBillField(&b, bm.key); f != nil {
			d.str("bill."+bm.key, bm.val, f)
			continue
		}
		b.Extra = kazooSetRaw(b.Extra, bm)
	}
	if len(b.Extra) == 0 {
		b.Extra = nil
	}
	in.Bill = b
}

// notifications decodes {"email": {"send_to": string or list}}. Other
// kinds of notification have no place in the domain and are dropped.
func (d *kazooInputDecoder) notifications(in *porting.RequestInput, m kazooMember) {
	if m.null() {
		in.Notifications = porting.Notifications{}
		return
	}
	members, ok := kazooMembers(m.val)
	if !ok {
		d.errs.add("notifications", "type", "", "notifications must be an object")
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
		email, ok := kazooMembers(nm.val)
		if !ok {
			d.errs.add("notifications.email", "type", "", "notifications.email must be an object")
			continue
		}
		for _, em := range email {
			if em.key != "send_to" {
				continue
			}
			to, ok := kazooSendTo(em.val)
			if !ok {
				d.errs.add("notifications.email.send_to", "type", "",
					"notifications.email.send_to must be a string or a list of strings")
				continue
			}
			in.Notifications.EmailSendTo = to
		}
	}
}

// kazooSendTo decodes send_to: null, a string or a list of strings.
func kazooSendTo(v json.RawMessage) ([]string, bool) {
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

// decodeInput decodes the data of a create or a full edit.
func (k *kazooHandler) decodeInput(members []kazooMember) (porting.RequestInput, error) {
	var in porting.RequestInput
	d := kazooInputDecoder{e164: k.e164}
	err := d.apply(&in, members)
	return in, err
}

// mergeInput merges the data of a PATCH or a transition over cur.
func (k *kazooHandler) mergeInput(cur porting.RequestInput, members []kazooMember) (porting.RequestInput, error) {
	d := kazooInputDecoder{merge: true, e164: k.e164}
	err := d.apply(&cur, members)
	return cur, err
}

// e164 normalises a number with the Service's parser ("" when it does not
// parse).
func (k *kazooHandler) e164(raw string) string { return k.svc.ParseNumber(raw).E164 }

// kazooWithout returns the members but those named.
func kazooWithout(members []kazooMember, names ...string) []kazooMember {
	out := make([]kazooMember, 0, len(members))
	for _, m := range members {
		if !slices.Contains(names, m.key) {
			out = append(out, m)
		}
	}
	return out
}

// kazooFind returns the member named key.
func kazooFind(members []kazooMember, key string) (kazooMember, bool) {
	for _, m := range members {
		if m.key == key {
			return m, true
		}
	}
	return kazooMember{}, false
}

// kazooArray returns the items of a JSON array; ok is false for another
// kind of value.
func kazooArray(v json.RawMessage) (items []json.RawMessage, ok bool) {
	if len(v) == 0 || v[0] != '[' {
		return nil, false
	}
	return items, json.Unmarshal(v, &items) == nil
}
