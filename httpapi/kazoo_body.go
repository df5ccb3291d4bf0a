package httpapi

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Kazoo request bodies are {"data": {...}}; the data object is read as a
// list of members, in the order sent, whose values are decoded one by one
// (see kazooInputDecoder), so that a null can be told from a missing key
// and unknown keys kept as sent.

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

// data reads a JSON body {"data": {...}} and returns the members of its
// data object; on failure it answers and reports false.
func (c *kazooCall) data() ([]kazooMember, bool) {
	_, members, ok := c.envelope(true)
	return members, ok
}

// envelope reads a JSON body (at most MaxJSONBody) and decodes it. An
// empty body is no envelope when data is not required.
func (c *kazooCall) envelope(required bool) (kazooEnvelopeIn, []kazooMember, bool) {
	body, err := readBody(c.r, MaxJSONBody)
	if err != nil {
		c.fail(err)
		return kazooEnvelopeIn{}, nil, false
	}
	if !required && len(trimJSONSpace(body)) == 0 {
		return kazooEnvelopeIn{}, nil, true
	}
	env, members, err := kazooDecodeEnvelope(body, required)
	if err != nil {
		c.fail(err)
		return env, nil, false
	}
	return env, members, true
}

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
