package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// telnyxRealistic are values for every field of the document's sub
// request edit body ("string" in the document).
var telnyxRealistic = map[string]any{
	"foc_date_requested_by_user": telnyxFOC,
	"person_or_company_name":     "Acme Widgets LLC",
	"auth_person_name":           "John Smith",
	"billing_phone_number":       "(312) 535-4200",
	"street_address":             "311 W Superior St",
	"extended_address":           "Suite 504",
	"locality":                   "Chicago",
	"administrative_area":        "il",
	"postal_code":                "60654",
	"country_code":               "us",
	"default_connection_id":      "1293384261075731499",
	"default_message_profile_id": "400174a4-3a3c-4c55-9a1f-3f4ea0d0e8b1",
	"porting_option":             map[string]any{"type": "partial", "remaining_numbers_action": "keep", "new_billing_phone_number": "+13125354999"},
	"pin_passcode":               "1234",
	"account_number":             "ACC-42",
	"description":                "Chicago office",
	"tax_identifier":             "DE123456789",
	"business_identifier":        "HRB 12345",
	"customer_rating":            4,
	"customer_rating_comment":    "Quick and painless",
}

// telnyxBodyFrom fills the keys of a document example body with
// realistic values, leaving out the keys in skip.
func telnyxBodyFrom(t testing.TB, doc string, skip ...string) map[string]any {
	t.Helper()
	var keys map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc), &keys))
	out := map[string]any{}
	for k := range keys {
		v, ok := telnyxRealistic[k]
		require.True(t, ok, "no value for %q", k)
		out[k] = v
	}
	for _, k := range skip {
		delete(out, k)
	}
	return out
}

func TestTelnyxSubRequests(t *testing.T) {
	e := telnyxSetup(t)
	r := e.submitted(t, "+12025550110", "+13125354200", "+13125354500")
	base := "/port_requests/" + r.ID + "/sub_requests"
	srB := r.SubRequests[1] // Carrier B's (sorted by carrier)
	require.Equal(t, "Carrier B", srB.Carrier)

	rec := e.must(t, http.StatusOK, "GET", base, customerToken, nil)
	telnyxRequireShape(t, telnyxDocSubRequestList, rec.Body.Bytes())
	list := telnyxDecode[[]telnyxObj](t, rec)
	require.Len(t, list, 2)
	require.Nil(t, list[0]["pin_passcode"], "no PIN in a list")

	// One sub request: an array holding it, as the document shows.
	rec = e.must(t, http.StatusOK, "GET", base+"/"+srB.ID, customerToken, nil)
	telnyxRequireShape(t, telnyxDocSubRequestGet, rec.Body.Bytes())
	one := telnyxDecode[[]telnyxObj](t, rec)
	require.Len(t, one, 1)
	require.Equal(t, srB.ID, one[0]["id"])
	require.Equal(t, "in-process", one[0]["status"])
	require.Equal(t, []any{"Carrier B"}, one[0]["underlying_carrier_names"])
	telnyxRequireError(t, e.do("GET", base+"/nope", customerToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("GET", base+"/"+srB.ID, otherToken, nil), http.StatusNotFound)

	// Submitted: identity fields are frozen, the connection is not.
	rec = e.do("PUT", base+"/"+srB.ID, customerToken, `{"auth_person_name": "X", "locality": "Y"}`)
	body := telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/auth_person_name", "/locality"}, telnyxPointers(t, rec))
	require.Equal(t, "forbidden", body["errors"].([]any)[0].(telnyxObj)["code"])
	require.Contains(t, body["message"], "auth_person_name")
	rec = e.must(t, http.StatusOK, "PUT", base+"/"+srB.ID, customerToken, `{"default_connection_id": "conn-2", "description": "HQ"}`)
	got := telnyxDecode[[]telnyxObj](t, rec)[0]
	require.Equal(t, "conn-2", got["default_connection_id"])
	require.Equal(t, "HQ", got["description"])

	// Rejected: the document's whole edit body applies.
	e.f.Move(t, r.ID, porting.StatePending)
	e.f.Move(t, r.ID, porting.StateRejected)
	put := telnyxBodyFrom(t, telnyxDocSubRequestUpdate, "customer_rating", "customer_rating_comment")
	rec = e.must(t, http.StatusOK, "PUT", base+"/"+srB.ID, customerToken, put)
	telnyxRequireShape(t, telnyxDocSubRequestUpdated, rec.Body.Bytes())
	got = telnyxDecode[[]telnyxObj](t, rec)[0]
	require.Equal(t, "exception", got["status"])
	for k, want := range map[string]any{
		"foc_date_requested_by_user": telnyxFOC, "person_or_company_name": "Acme Widgets LLC",
		"auth_person_name": "John Smith", "billing_phone_number": "+13125354200",
		"street_address": "311 W Superior St", "extended_address": "Suite 504", "locality": "Chicago",
		"administrative_area": "IL", "postal_code": "60654", "country_code": "US",
		"default_connection_id": "1293384261075731499", "pin_passcode": "1234", "account_number": "ACC-42",
		"tax_identifier": "DE123456789", "business_identifier": "HRB 12345", "description": "HQ",
		"porting_option": telnyxObj{"type": "partial", "remaining_numbers_action": "keep", "new_billing_phone_number": "+13125354999"},
	} {
		require.Equal(t, want, got[k], k)
	}
	stored, err := e.f.Service.Get(e.f.AsCustomer(), r.ID)
	require.NoError(t, err)
	require.Equal(t, "John Smith", stored.SubRequest(srB.ID).AuthPersonName)

	// null or "" clears a string; a bare date is the start of that day's window.
	got = telnyxDecode[[]telnyxObj](t, e.must(t, http.StatusOK, "PUT", base+"/"+srB.ID, customerToken,
		`{"description": null, "extended_address": "", "foc_date_requested_by_user": "2026-03-06"}`))[0]
	require.Nil(t, got["description"])
	require.Nil(t, got["extended_address"])
	require.Equal(t, "2026-03-06T15:00:00Z", got["foc_date_requested_by_user"])
	require.Equal(t, "John Smith", got["auth_person_name"], "keys not sent stay")

	// Bad values.
	for body, pointer := range map[string]string{
		`{"porting_option": null}`:                               "/porting_option",
		`{"customer_rating": null}`:                              "/customer_rating",
		`{"foc_date_requested_by_user": "next tuesday"}`:         "/foc_date_requested_by_user",
		`{"foc_date_requested_by_user": "2026-03-07T16:00:00Z"}`: "/foc_date_requested_by_user", // a Saturday
		`{"administrative_area": "Illinois"}`:                    "/administrative_area",
		`{"porting_option": {"type": "most"}}`:                   "/porting_option/type",
		`{"billing_phone_number": "12"}`:                         "/billing_phone_number",
		`{"customer_rating": 3}`:                                 "/customer_rating", // not yet
	} {
		rec := e.do("PUT", base+"/"+srB.ID, customerToken, body)
		telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
		require.Equal(t, []string{pointer}, telnyxPointers(t, rec), body)
	}
	for _, body := range []string{`{"auth_person_name": 5}`, `{"porting_option": "full"}`, `{"customer_rating": "great"}`, `{"customer_rating": "3"}`, `[]`, ``} {
		telnyxRequireError(t, e.do("PUT", base+"/"+srB.ID, customerToken, body), http.StatusBadRequest)
	}

	// The single GET shows the PIN.
	one = telnyxDecode[[]telnyxObj](t, e.must(t, http.StatusOK, "GET", base+"/"+srB.ID, customerToken, nil))
	require.Equal(t, "1234", one[0]["pin_passcode"])
}

func TestTelnyxAllowedFOCDates(t *testing.T) {
	e := telnyxSetup(t)
	r := e.submitted(t, "+12025550110")
	rec := e.must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/sub_requests/"+r.SubRequests[0].ID+"/allowed_foc_dates", customerToken, nil)
	telnyxRequireShape(t, telnyxDocAllowedFOCDates, rec.Body.Bytes())
	ws := telnyxDecode[[]telnyxObj](t, rec)
	require.Len(t, ws, 20)
	require.Equal(t, telnyxObj{"start": "2026-03-05T15:00:00Z", "end": "2026-03-05T23:00:00Z"}, ws[0])
	require.Equal(t, telnyxObj{"start": "2026-03-06T15:00:00Z", "end": "2026-03-06T23:00:00Z"}, ws[1])
	require.Equal(t, "2026-03-09T15:00:00Z", ws[2]["start"], "no weekends")
	telnyxRequireError(t, e.do("GET", "/port_requests/"+r.ID+"/sub_requests/nope/allowed_foc_dates", customerToken, nil), http.StatusNotFound)
}

func TestTelnyxRequestCancellation(t *testing.T) {
	e := telnyxSetup(t)
	r := e.submitted(t, "+12025550110", "+13125354200")
	path := "/port_requests/" + r.ID + "/sub_requests/" + r.SubRequests[0].ID
	rec := e.must(t, http.StatusOK, "POST", path+"/request_cancellation", customerToken, nil)
	telnyxRequireShape(t, telnyxDocSubRequestCancellation, rec.Body.Bytes())
	got := telnyxDecode[telnyxObj](t, rec)
	require.Equal(t, "cancel-pending", got["status"])
	require.Equal(t, r.SubRequests[0].ID, got["id"])
	stored, err := e.f.Service.Get(e.f.AsCustomer(), r.ID)
	require.NoError(t, err)
	require.Equal(t, porting.StateCancelPending, stored.SubRequests[0].State)
	require.Equal(t, porting.StateSubmitted, stored.SubRequests[1].State)

	// Twice is refused; the other sub request is untouched.
	rec = e.do("POST", path+"/request_cancellation", customerToken, `{"reason": "again"}`)
	telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/status"}, telnyxPointers(t, rec))

	// Once cancellation was asked, the customer may rate.
	got = telnyxDecode[[]telnyxObj](t, e.must(t, http.StatusOK, "PUT", path, customerToken, `{"customer_rating": 4, "customer_rating_comment": "Quick"}`))[0]
	require.EqualValues(t, 4, got["customer_rating"])
	require.Equal(t, "Quick", got["customer_rating_comment"])
	for _, body := range []string{`{"customer_rating": 9}`, `{"customer_rating": 4.5}`} {
		rec := e.do("PUT", path, customerToken, body)
		telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
		require.Equal(t, []string{"/customer_rating"}, telnyxPointers(t, rec))
	}

	// Within 48 hours of a confirmed FOC it is refused.
	s := e.submitted(t, "+14155550100")
	e.f.Move(t, s.ID, porting.StatePending)
	e.f.Move(t, s.ID, porting.StateScheduled) // FOC: now + 72h
	e.f.Clock.Advance(25 * time.Hour)
	rec = e.do("POST", "/port_requests/"+s.ID+"/sub_requests/"+s.SubRequests[0].ID+"/request_cancellation", customerToken, nil)
	body := telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Contains(t, body["message"], "48h")
	require.Equal(t, []string{"/foc_date"}, telnyxPointers(t, rec))

	telnyxRequireError(t, e.do("POST", "/port_requests/"+s.ID+"/sub_requests/nope/request_cancellation", customerToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("POST", path+"/request_cancellation", customerToken, `{"reason": `), http.StatusBadRequest)
}
