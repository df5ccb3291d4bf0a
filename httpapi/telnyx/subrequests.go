package telnyx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// subRequestOf finds a sub request of a loaded request.
func subRequestOf(req *porting.PortRequest, sid string) (porting.SubRequest, error) {
	if sr := req.SubRequest(sid); sr != nil {
		return *sr, nil
	}
	return porting.SubRequest{}, fmt.Errorf("sub request %s: %w", sid, porting.ErrNotFound)
}

// listSubRequests serves GET port_requests/{id}/sub_requests. Like every
// listing it shows no PIN.
func (h *handler) listSubRequests(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	req = req.Redacted()
	httpjson.Write(w, http.StatusOK, httpjson.List(req.SubRequests, newView(req, true).subRequest))
}

// getSubRequest serves GET port_requests/{id}/sub_requests/{sid}: as the
// document shows, an array holding the one sub request.
func (h *handler) getSubRequest(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	h.writeSubRequest(w, r, req, true)
}

// writeSubRequest writes the path's sub request of req, alone or (as
// array) in a one-element array.
func (h *handler) writeSubRequest(w http.ResponseWriter, r *http.Request, req *porting.PortRequest, array bool) {
	sr, err := subRequestOf(req, r.PathValue("sid"))
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	out := newView(req, true).subRequest(sr)
	if array {
		httpjson.Write(w, http.StatusOK, []wireSubRequest{out})
		return
	}
	httpjson.Write(w, http.StatusOK, out)
}

// updateSubRequest serves PUT port_requests/{id}/sub_requests/{sid}: a
// partial edit (see readPatch); each field may change only in the
// states porting allows. The answer is the document's: an array holding
// the sub request.
func (h *handler) updateSubRequest(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	p, err := h.readPatch(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	req, err = h.svc.UpdateSubRequest(r.Context(), req.ID, r.PathValue("sid"), 0, p)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	h.writeSubRequest(w, r, req, true)
}

// focWindow is one allowed FOC window.
type focWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// allowedFOCDates serves GET port_requests/{id}/sub_requests/{sid}/allowed_foc_dates.
func (h *handler) allowedFOCDates(w http.ResponseWriter, r *http.Request, _ *porting.PortRequest) {
	h.writeFOCDates(w, r)
}

// draftAllowedFOCDates serves GET draft_port_requests/{id}/sub_requests/{sid}/allowed_foc_dates.
func (h *handler) draftAllowedFOCDates(w http.ResponseWriter, r *http.Request, _ porting.Actor) {
	h.writeFOCDates(w, r)
}

// writeFOCDates writes the allowed FOC windows of the path's sub request.
func (h *handler) writeFOCDates(w http.ResponseWriter, r *http.Request) {
	ws, err := h.svc.AllowedFOCDates(r.Context(), r.PathValue("id"), r.PathValue("sid"))
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	httpjson.Write(w, http.StatusOK, httpjson.List(ws, func(win porting.FOCWindow) focWindow {
		return focWindow{Start: isoTime(win.Start), End: isoTime(win.End)}
	}))
}

// requestCancellation serves POST .../sub_requests/{sid}/request_cancellation:
// the sub request becomes cancel-pending until its port authority decides.
// The body is optional: {"reason": "..."}.
func (h *handler) requestCancellation(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := optionalBody(r, &body); err != nil {
		h.fail(w, r, err, nil)
		return
	}
	req, err := h.svc.RequestCancellation(r.Context(), req.ID, r.PathValue("sid"), 0, body.Reason)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	h.writeSubRequest(w, r, req, false)
}

// optionalBody decodes a JSON body into v when there is one.
func optionalBody(r *http.Request, v any) error {
	b, err := httpjson.ReadBody(r, httpapi.MaxJSONBody)
	if err != nil || len(httpjson.TrimSpace(b)) == 0 {
		return err
	}
	return httpjson.Decode(b, v)
}

// readPatch reads a sub request edit. Only the keys present change:
//
//   - a string field set to null or "" is cleared;
//   - foc_date_requested_by_user is ISO 8601 (RFC 3339; without a zone it
//     is UTC); a bare date means the start of that day's FOC window;
//   - porting_option replaces the whole option; it cannot be cleared
//     (null is 422);
//   - customer_rating is a whole number; it cannot be cleared (null is
//     422);
//   - read-only and unknown keys are ignored, so a client may send back
//     an object it read.
//
// A value of the wrong JSON type is 422 naming the field (bytes that are
// not JSON are 400).
func (h *handler) readPatch(r *http.Request) (porting.SubRequestPatch, error) {
	var p porting.SubRequestPatch
	var m map[string]json.RawMessage
	if err := httpjson.Read(r, httpapi.MaxJSONBody, &m); err != nil {
		return p, err
	}
	strs := []struct {
		key string
		dst **string
	}{
		{"person_or_company_name", &p.PersonOrCompanyName}, {"auth_person_name", &p.AuthPersonName},
		{"billing_phone_number", &p.BillingPhoneNumber}, {"street_address", &p.StreetAddress},
		{"extended_address", &p.ExtendedAddress}, {"locality", &p.Locality},
		{"administrative_area", &p.AdministrativeArea}, {"postal_code", &p.PostalCode},
		{"country_code", &p.CountryCode}, {"default_connection_id", &p.DefaultConnectionID},
		{"default_message_profile_id", &p.DefaultMessageProfileID}, {"pin_passcode", &p.PIN},
		{"account_number", &p.AccountNumber}, {"description", &p.Description},
		{"tax_identifier", &p.TaxIdentifier}, {"business_identifier", &p.BusinessIdentifier},
		{"customer_rating_comment", &p.CustomerRatingComment},
	}
	for _, s := range strs {
		if raw, ok := m[s.key]; ok {
			v, err := stringField(s.key, raw)
			if err != nil {
				return p, err
			}
			*s.dst = &v
		}
	}
	var fe []porting.FieldError
	bad := func(field, value, code, msg string) {
		fe = append(fe, porting.FieldError{Field: field, Value: value, Index: -1, Code: code, Message: msg})
	}
	if raw, ok := m["foc_date_requested_by_user"]; ok {
		v, err := stringField("foc_date_requested_by_user", raw)
		if err != nil {
			return p, err
		}
		if t, ok := h.parseFOCDate(v); ok {
			p.FOCDateRequested = &t
		} else {
			bad("foc_date_requested_by_user", v, "format", "Must be an ISO 8601 date and time, such as 2026-03-05T16:00:00Z")
		}
	}
	if raw, ok := m["porting_option"]; ok {
		var po struct {
			Type                   string   `json:"type"`
			RemainingNumbersAction string   `json:"remaining_numbers_action"`
			NewBillingPhoneNumber  string   `json:"new_billing_phone_number"`
			RemainingNumbers       []string `json:"remaining_numbers"`
		}
		switch {
		case isNull(raw):
			bad("porting_option", "", "type", "porting_option cannot be cleared; send an object with its type")
		case json.Unmarshal(raw, &po) != nil:
			return p, &httpjson.TypeError{Field: "porting_option", Want: "an object of strings (remaining_numbers: an array of strings)", Got: jsonKindOf(raw)}
		default:
			p.PortingOption = &porting.PortingOption{Type: po.Type, RemainingNumbersAction: po.RemainingNumbersAction,
				NewBillingPhoneNumber: po.NewBillingPhoneNumber, RemainingNumbers: po.RemainingNumbers}
		}
	}
	if raw, ok := m["customer_rating"]; ok {
		var n json.Number
		switch {
		case isNull(raw):
			bad("customer_rating", "", "type", "customer_rating cannot be cleared")
		case bytes.HasPrefix(bytes.TrimSpace(raw), []byte(`"`)) || json.Unmarshal(raw, &n) != nil:
			// json.Number would take a string of digits too.
			return p, &httpjson.TypeError{Field: "customer_rating", Want: "a number", Got: jsonKindOf(raw)}
		default:
			if v, err := strconv.Atoi(n.String()); err != nil {
				bad("customer_rating", n.String(), "type", "Customer rating must be a whole number")
			} else {
				p.CustomerRating = &v
			}
		}
	}
	if len(fe) > 0 {
		return p, &porting.ValidationError{Fields: fe}
	}
	return p, nil
}

// stringField decodes a string field; null is "".
func stringField(key string, raw json.RawMessage) (string, error) {
	var s string
	if isNull(raw) {
		return "", nil
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &httpjson.TypeError{Field: key, Want: "a string", Got: jsonKindOf(raw)}
	}
	return s, nil
}

// jsonKindOf names the kind of a JSON value, as a TypeError says what
// it got.
func jsonKindOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// isNull reports whether a value is JSON null.
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// timeLayouts are the ISO 8601 forms accepted for a date and time;
// those without a zone are UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04"}

// parseFOCDate reads a requested FOC date; "" is the zero time (clear).
// A bare date is the start of that day's FOC window.
func (h *handler) parseFOCDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Add(h.svc.Options().FOC.WindowStart), true
	}
	return time.Time{}, false
}
