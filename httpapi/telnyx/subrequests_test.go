package telnyx_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/porting"
)

func TestSubRequests(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+12025550110", "+13125354200", "+13125354500")
	base := "/port_requests/" + r.ID + "/sub_requests"
	srB := r.SubRequests[1] // Carrier B's (sorted by carrier)
	require.Equal(t, "Carrier B", srB.Carrier)

	rec := e.Must(t, http.StatusOK, "GET", base, apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocSubRequestList, rec.Body.Bytes())
	list := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Len(t, list, 2)
	require.Nil(t, list[0]["pin_passcode"], "no PIN in a list")

	// One sub request: an array holding it, as the document shows.
	rec = e.Must(t, http.StatusOK, "GET", base+"/"+srB.ID, apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocSubRequestGet, rec.Body.Bytes())
	one := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Len(t, one, 1)
	require.Equal(t, srB.ID, one[0]["id"])
	require.Equal(t, "in-process", one[0]["status"])
	require.Equal(t, []any{"Carrier B"}, one[0]["underlying_carrier_names"])
	telnyxtest.RequireError(t, e.Do("GET", base+"/nope", apitest.CustomerToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("GET", base+"/"+srB.ID, apitest.OtherToken, nil), http.StatusNotFound)

	// Submitted: identity fields are frozen, the connection is not.
	rec = e.Do("PUT", base+"/"+srB.ID, apitest.CustomerToken, `{"auth_person_name": "X", "locality": "Y"}`)
	body := telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/auth_person_name", "/locality"}, telnyxtest.Pointers(t, rec))
	require.Equal(t, "forbidden", body["errors"].([]any)[0].(telnyxtest.Obj)["code"])
	require.Contains(t, body["message"], "auth_person_name")
	rec = e.Must(t, http.StatusOK, "PUT", base+"/"+srB.ID, apitest.CustomerToken, `{"default_connection_id": "conn-2", "description": "HQ"}`)
	got := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)[0]
	require.Equal(t, "conn-2", got["default_connection_id"])
	require.Equal(t, "HQ", got["description"])

	// Rejected: the document's whole edit body applies.
	e.F.Move(t, r.ID, porting.StatePending)
	e.F.Move(t, r.ID, porting.StateRejected)
	put := telnyxtest.BodyFrom(t, telnyxtest.DocSubRequestUpdate, "customer_rating", "customer_rating_comment")
	rec = e.Must(t, http.StatusOK, "PUT", base+"/"+srB.ID, apitest.CustomerToken, put)
	telnyxtest.RequireShape(t, telnyxtest.DocSubRequestUpdated, rec.Body.Bytes())
	got = telnyxtest.Decode[[]telnyxtest.Obj](t, rec)[0]
	require.Equal(t, "exception", got["status"])
	for k, want := range map[string]any{
		"foc_date_requested_by_user": telnyxtest.FOC, "person_or_company_name": "Acme Widgets LLC",
		"auth_person_name": "John Smith", "billing_phone_number": "+13125354200",
		"street_address": "311 W Superior St", "extended_address": "Suite 504", "locality": "Chicago",
		"administrative_area": "IL", "postal_code": "60654", "country_code": "US",
		"default_connection_id": "1293384261075731499", "pin_passcode": "1234", "account_number": "ACC-42",
		"tax_identifier": "DE123456789", "business_identifier": "HRB 12345", "description": "HQ",
		"porting_option": telnyxtest.Obj{"type": "partial", "remaining_numbers_action": "keep", "new_billing_phone_number": "+13125354999"},
	} {
		require.Equal(t, want, got[k], k)
	}
	stored, err := e.F.Service.Get(e.F.AsCustomer(), r.ID)
	require.NoError(t, err)
	require.Equal(t, "John Smith", stored.SubRequest(srB.ID).AuthPersonName)

	// null or "" clears a string; a bare date is the start of that day's window.
	got = telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "PUT", base+"/"+srB.ID, apitest.CustomerToken,
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
		rec := e.Do("PUT", base+"/"+srB.ID, apitest.CustomerToken, body)
		telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
		require.Equal(t, []string{pointer}, telnyxtest.Pointers(t, rec), body)
	}
	// JSON of the wrong shape is 422 naming the field; bytes that are not
	// JSON are 400.
	for body, pointer := range map[string]string{
		`{"auth_person_name": 5}`: "/auth_person_name", `{"porting_option": "full"}`: "/porting_option",
		`{"customer_rating": "great"}`: "/customer_rating", `{"customer_rating": "3"}`: "/customer_rating",
	} {
		rec := e.Do("PUT", base+"/"+srB.ID, apitest.CustomerToken, body)
		telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
		require.Equal(t, []string{pointer}, telnyxtest.Pointers(t, rec), body)
	}
	body = telnyxtest.RequireError(t, e.Do("PUT", base+"/"+srB.ID, apitest.CustomerToken, `[]`), http.StatusUnprocessableEntity)
	require.Equal(t, "the body must be an object, not array", body["message"])
	for _, body := range []string{``, `{"auth_person_name": `, `{"auth_person_name": 5}}`} {
		telnyxtest.RequireError(t, e.Do("PUT", base+"/"+srB.ID, apitest.CustomerToken, body), http.StatusBadRequest)
	}

	// The single GET shows the PIN.
	one = telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", base+"/"+srB.ID, apitest.CustomerToken, nil))
	require.Equal(t, "1234", one[0]["pin_passcode"])
}

func TestAllowedFOCDates(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+12025550110")
	rec := e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/sub_requests/"+r.SubRequests[0].ID+"/allowed_foc_dates", apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocAllowedFOCDates, rec.Body.Bytes())
	ws := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Len(t, ws, 20)
	require.Equal(t, telnyxtest.Obj{"start": "2026-03-05T15:00:00Z", "end": "2026-03-05T23:00:00Z"}, ws[0])
	require.Equal(t, telnyxtest.Obj{"start": "2026-03-06T15:00:00Z", "end": "2026-03-06T23:00:00Z"}, ws[1])
	require.Equal(t, "2026-03-09T15:00:00Z", ws[2]["start"], "no weekends")
	telnyxtest.RequireError(t, e.Do("GET", "/port_requests/"+r.ID+"/sub_requests/nope/allowed_foc_dates", apitest.CustomerToken, nil), http.StatusNotFound)
}

func TestRequestCancellation(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+12025550110", "+13125354200")
	path := "/port_requests/" + r.ID + "/sub_requests/" + r.SubRequests[0].ID
	rec := e.Must(t, http.StatusOK, "POST", path+"/request_cancellation", apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocSubRequestCancellation, rec.Body.Bytes())
	got := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	require.Equal(t, "cancel-pending", got["status"])
	require.Equal(t, r.SubRequests[0].ID, got["id"])
	stored, err := e.F.Service.Get(e.F.AsCustomer(), r.ID)
	require.NoError(t, err)
	require.Equal(t, porting.StateCancelPending, stored.SubRequests[0].State)
	require.Equal(t, porting.StateSubmitted, stored.SubRequests[1].State)

	// Twice is refused; the other sub request is untouched.
	rec = e.Do("POST", path+"/request_cancellation", apitest.CustomerToken, `{"reason": "again"}`)
	telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/status"}, telnyxtest.Pointers(t, rec))

	// Once cancellation was asked, the customer may rate.
	got = telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "PUT", path, apitest.CustomerToken, `{"customer_rating": 4, "customer_rating_comment": "Quick"}`))[0]
	require.EqualValues(t, 4, got["customer_rating"])
	require.Equal(t, "Quick", got["customer_rating_comment"])
	for _, body := range []string{`{"customer_rating": 9}`, `{"customer_rating": 4.5}`} {
		rec := e.Do("PUT", path, apitest.CustomerToken, body)
		telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
		require.Equal(t, []string{"/customer_rating"}, telnyxtest.Pointers(t, rec))
	}

	// Within 48 hours of a confirmed FOC it is refused.
	s := e.Submitted(t, "+14155550100")
	e.F.Move(t, s.ID, porting.StatePending)
	e.F.Move(t, s.ID, porting.StateScheduled) // FOC: now + 72h
	e.F.Clock.Advance(25 * time.Hour)
	rec = e.Do("POST", "/port_requests/"+s.ID+"/sub_requests/"+s.SubRequests[0].ID+"/request_cancellation", apitest.CustomerToken, nil)
	body := telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Contains(t, body["message"], "48h")
	require.Equal(t, []string{"/foc_date"}, telnyxtest.Pointers(t, rec))

	telnyxtest.RequireError(t, e.Do("POST", "/port_requests/"+s.ID+"/sub_requests/nope/request_cancellation", apitest.CustomerToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("POST", path+"/request_cancellation", apitest.CustomerToken, `{"reason": `), http.StatusBadRequest)
}
