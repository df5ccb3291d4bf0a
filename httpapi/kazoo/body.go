package kazoo

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/httpjson"
)

// Kazoo request bodies are {"data": {...}}; the data object is read as a
// list of members, in the order sent, whose values are decoded one by one
// (see inputDecoder), so that a null can be told from a missing key
// and unknown keys kept as sent.

// member is one member of a JSON object, in the order sent.
type member struct {
	key string
	val json.RawMessage
}

func (m member) null() bool { return string(m.val) == "null" }

// membersOf returns the members of a JSON object, in order; ok is false
// when raw is not an object. raw must be valid JSON (httpjson.Decode checked
// it), so the only failure is a value of another kind.
func membersOf(raw json.RawMessage) (members []member, ok bool) {
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
		members = append(members, member{key: key, val: v})
	}
	return members, true
}

// envelopeIn is a request body: {"data": {...}} and, for a
// transition, accept_charges beside data.
type envelopeIn struct {
	Data          json.RawMessage `json:"data"`
	AcceptCharges json.RawMessage `json:"accept_charges"`
}

// decodeEnvelope decodes a body and returns the members of its data
// object. A missing or null data is an error when required.
func decodeEnvelope(body []byte, required bool) (envelopeIn, []member, error) {
	var env envelopeIn
	if err := httpjson.Decode(body, &env); err != nil {
		return env, nil, err
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		if required {
			return env, nil, problem("data", "required", "", `request body must be {"data": {...}}`)
		}
		return env, nil, nil
	}
	members, ok := membersOf(env.Data)
	if !ok {
		return env, nil, problem("data", "type", "", "data must be an object")
	}
	return env, members, nil
}

// data reads a JSON body {"data": {...}} and returns the members of its
// data object; on failure it answers and reports false.
func (c *call) data() ([]member, bool) {
	_, members, ok := c.envelope(true)
	return members, ok
}

// envelope reads a JSON body (at most httpapi.MaxJSONBody) and decodes it. An
// empty body is no envelope when data is not required.
func (c *call) envelope(required bool) (envelopeIn, []member, bool) {
	body, err := httpjson.ReadBody(c.r, httpapi.MaxJSONBody)
	if err != nil {
		c.fail(err)
		return envelopeIn{}, nil, false
	}
	if !required && len(httpjson.TrimSpace(body)) == 0 {
		return envelopeIn{}, nil, true
	}
	env, members, err := decodeEnvelope(body, required)
	if err != nil {
		c.fail(err)
		return env, nil, false
	}
	return env, members, true
}

// without returns the members but those named.
func without(members []member, names ...string) []member {
	out := make([]member, 0, len(members))
	for _, m := range members {
		if !slices.Contains(names, m.key) {
			out = append(out, m)
		}
	}
	return out
}

// find returns the member named key.
func find(members []member, key string) (member, bool) {
	for _, m := range members {
		if m.key == key {
			return m, true
		}
	}
	return member{}, false
}

// arrayItems returns the items of a JSON array; ok is false for another
// kind of value.
func arrayItems(v json.RawMessage) (items []json.RawMessage, ok bool) {
	if len(v) == 0 || v[0] != '[' {
		return nil, false
	}
	return items, json.Unmarshal(v, &items) == nil
}
