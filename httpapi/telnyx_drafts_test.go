package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// telnyxSeven are 7 numbers over the 3 test carriers: 3 of A, 2 of B, 2 of C.
var telnyxSeven = []string{
	"+12025550101", "+12025550102", "+12025550103",
	"+13125354200", "+13125354500",
	"+14155550101", "+14155550102",
}

// telnyxRequired are the fields a draft sub request needs.
var telnyxRequired = []string{
	"foc_date_requested_by_user", "auth_person_name", "billing_phone_number", "street_address", "locality",
	"administrative_area", "postal_code", "country_code", "default_connection_id", "default_message_profile_id",
}

func TestTelnyxDraftFlow(t *testing.T) {
	e := telnyxSetup(t)

	// Create: split into one draft sub request per carrier at once.
	rec := e.must(t, http.StatusCreated, "POST", "/draft_port_requests", customerToken, telnyxNumbers(telnyxSeven...))
	telnyxRequireShape(t, telnyxDocDraftCreated, rec.Body.Bytes())
	d := telnyxDecode[telnyxObj](t, rec)
	id := d["id"].(string)
	require.Equal(t, "pending", d["status"])
	require.EqualValues(t, 7, d["phone_number_count"])
	require.Contains(t, d, "port_request_id")
	require.Nil(t, d["port_request_id"])
	require.Equal(t, "2026-03-02T14:00:00Z", d["created_at"])
	numbers := telnyxList(d["phone_numbers"].([]any))
	require.Len(t, numbers, 7)
	require.NotContains(t, numbers[0], "sub_request_status", "draft numbers have no status")
	subs := telnyxSubs(d)
	require.Len(t, subs, 3)
	subIDs := map[string]string{} // carrier -> sub request ID
	for _, sr := range subs {
		require.Equal(t, false, sr["complete"])
		require.NotContains(t, sr, "status")
		require.NotContains(t, sr, "support_key")
		subIDs[sr["underlying_carrier_names"].([]any)[0].(string)] = sr["id"].(string)
	}
	require.EqualValues(t, 3, telnyxSubByID(subs, subIDs["Carrier A"])["phone_number_count"])
	require.EqualValues(t, 2, telnyxSubByID(subs, subIDs["Carrier B"])["phone_number_count"])
	require.EqualValues(t, 2, telnyxSubByID(subs, subIDs["Carrier C"])["phone_number_count"])

	// The same request through the Service: unconfirmed, 3 sub requests.
	stored, err := e.f.Service.Get(e.f.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, porting.StateUnconfirmed, stored.State)
	require.Len(t, stored.SubRequests, 3)

	// Submitting now lists every incomplete sub request and its fields.
	rec = e.do("POST", "/draft_port_requests/"+id+"/submit", customerToken, nil)
	body := telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, "Draft port request is incomplete: 3 sub request(s) miss 30 required field(s), listed in errors", body["message"])
	pointers := telnyxPointers(t, rec)
	require.Len(t, pointers, 3*len(telnyxRequired))
	for _, sid := range subIDs {
		for _, f := range telnyxRequired {
			require.Contains(t, pointers, "/sub_requests/"+sid+"/"+f)
		}
	}

	// Fill them in: a partial update first, then the document's body.
	path := "/draft_port_requests/" + id + "/sub_requests/"
	got := telnyxDecode[telnyxObj](t, e.must(t, http.StatusOK, "PUT", path+subIDs["Carrier A"], customerToken, `{"auth_person_name": "John Smith"}`))
	require.Equal(t, false, got["complete"])
	require.Equal(t, "John Smith", got["auth_person_name"])
	put := telnyxBodyFrom(t, telnyxDocDraftSubRequestUpdate)
	for _, carrier := range []string{"Carrier A", "Carrier B", "Carrier C"} {
		rec := e.must(t, http.StatusOK, "PUT", path+subIDs[carrier], customerToken, put)
		telnyxRequireShape(t, telnyxDocDraftSubRequest, rec.Body.Bytes())
		got := telnyxDecode[telnyxObj](t, rec)
		require.Equal(t, true, got["complete"], carrier)
		require.Equal(t, "1234", got["pin_passcode"])
		require.Equal(t, "IL", got["administrative_area"])
	}
	rec = e.must(t, http.StatusOK, "GET", strings.TrimSuffix(path, "/"), customerToken, nil)
	telnyxRequireShape(t, telnyxDocDraftSubRequestList, rec.Body.Bytes())
	for _, sr := range telnyxDecode[[]telnyxObj](t, rec) {
		require.Equal(t, true, sr["complete"])
		require.Nil(t, sr["pin_passcode"], "no PIN in a list")
	}
	rec = e.must(t, http.StatusOK, "GET", path+subIDs["Carrier B"], customerToken, nil)
	telnyxRequireShape(t, telnyxDocDraftSubRequest, rec.Body.Bytes())
	require.Equal(t, "1234", telnyxDecode[telnyxObj](t, rec)["pin_passcode"])
	rec = e.must(t, http.StatusOK, "GET", path+subIDs["Carrier B"]+"/allowed_foc_dates", customerToken, nil)
	telnyxRequireShape(t, telnyxDocAllowedFOCDates, rec.Body.Bytes())

	// Submit: 201, the draft is submitted and names its port request.
	e.f.Clock.Advance(time.Minute)
	rec = e.must(t, http.StatusCreated, "POST", "/draft_port_requests/"+id+"/submit", customerToken, nil)
	telnyxRequireShape(t, telnyxDocDraftSubmitted, rec.Body.Bytes())
	d = telnyxDecode[telnyxObj](t, rec)
	require.Equal(t, "submitted", d["status"])
	require.Equal(t, id, d["port_request_id"])
	stored, err = e.f.Service.Get(e.f.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, stored.State)

	// Read-only from now on.
	rec = e.do("PUT", path+subIDs["Carrier A"], customerToken, `{"description": "late"}`)
	telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/status"}, telnyxPointers(t, rec))
	telnyxRequireError(t, e.do("POST", "/draft_port_requests/"+id+"/submit", customerToken, nil), http.StatusUnprocessableEntity)
	d = telnyxDecode[telnyxObj](t, e.must(t, http.StatusOK, "GET", "/draft_port_requests/"+id, customerToken, nil))
	require.Equal(t, "submitted", d["status"])

	// It is a port request now, with the same ID.
	rec = e.must(t, http.StatusOK, "GET", "/port_requests?include_sub_requests=true", customerToken, nil)
	list := telnyxDecode[[]telnyxObj](t, rec)
	require.Len(t, list, 1)
	pr := list[0]
	require.Equal(t, id, pr["id"])
	require.Equal(t, "2026-03-02T14:01:00Z", pr["updated_at"])
	require.Equal(t, []any{telnyxObj{"status": "in-process", "count": 7.0}}, pr["phone_number_counts_by_status"])
	prSubs := telnyxSubs(pr)
	require.Len(t, prSubs, 3)
	for _, sr := range prSubs {
		require.Equal(t, "in-process", sr["status"])
		require.Regexp(t, `^sr_[0-9a-f]{6}$`, sr["support_key"])
	}
	// Its numbers: per sub request status once the authority moves one on.
	e.f.Move(t, id, porting.StatePending)
	_, err = e.f.Service.TransitionSubRequest(e.f.AsAuthority(), id, subIDs["Carrier B"], 0, porting.StateScheduled,
		porting.TransitionOptions{ScheduledDate: e.f.Clock.Now().Add(96 * time.Hour)})
	require.NoError(t, err)
	pr = telnyxDecode[telnyxObj](t, e.must(t, http.StatusOK, "GET", "/port_requests/"+id, customerToken, nil))
	require.Equal(t, []any{
		telnyxObj{"status": "submitted", "count": 5.0},
		telnyxObj{"status": "foc-date-confirmed", "count": 2.0},
	}, pr["phone_number_counts_by_status"])
	b := telnyxSubByID(telnyxSubs(pr), subIDs["Carrier B"])
	require.Equal(t, "2026-03-06T14:01:00Z", b["foc_date"])
}

// telnyxSubByID finds a sub request by ID.
func telnyxSubByID(subs []telnyxObj, id string) telnyxObj {
	i := slices.IndexFunc(subs, func(o telnyxObj) bool { return o["id"] == id })
	if i < 0 {
		return nil
	}
	return subs[i]
}

func TestTelnyxDraftList(t *testing.T) {
	e := telnyxSetup(t)
	a := e.createDraft(t, "+12025550101")["id"].(string)
	e.f.Clock.Advance(time.Minute)
	b := e.createDraft(t, "+13125354200", "+14155550101")["id"].(string)
	e.f.Clock.Advance(time.Minute)
	c := e.submitted(t, "+14155550199").ID

	rec := e.must(t, http.StatusOK, "GET", "/draft_port_requests?include_sub_requests=true", customerToken, nil)
	telnyxRequireShape(t, telnyxDocDraftList, rec.Body.Bytes())
	list := telnyxDecode[[]telnyxObj](t, rec)
	require.Equal(t, []string{c, b, a}, stringsAt(list, "id"), "every request started as a draft")
	require.Equal(t, "3", rec.Header().Get("Total"))
	require.Equal(t, "submitted", list[0]["status"])
	require.Equal(t, c, list[0]["port_request_id"])
	require.Len(t, telnyxSubs(list[1]), 2)
	require.Nil(t, telnyxSubs(list[1])[0]["pin_passcode"])

	for q, want := range map[string][]string{
		"status=pending":            {b, a},
		"status=submitted":          {c},
		"search=4155550101":         {b},
		"search=415":                {c, b},
		"per_page=1&page=2":         {b},
		"status=pending&per_page=1": {b},
	} {
		rec := e.must(t, http.StatusOK, "GET", "/draft_port_requests?"+q, customerToken, nil)
		require.Equal(t, want, stringsAt(telnyxDecode[[]telnyxObj](t, rec), "id"), q)
	}
	rec = e.must(t, http.StatusOK, "GET", "/draft_port_requests?per_page=2", customerToken, nil)
	require.Equal(t, "3", rec.Header().Get("Total"))
	require.Equal(t, "2", rec.Header().Get("Total-Pages"))
	list = telnyxDecode[[]telnyxObj](t, rec)
	require.Contains(t, list[0], "phone_numbers")
	require.NotContains(t, list[0], "sub_requests")
	list = telnyxDecode[[]telnyxObj](t, e.must(t, http.StatusOK, "GET", "/draft_port_requests?include_phone_numbers=0", customerToken, nil))
	require.NotContains(t, list[0], "phone_numbers")
	require.EqualValues(t, 1, list[0]["phone_number_count"])

	rec = e.do("GET", "/draft_port_requests?status=complete", customerToken, nil)
	telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, "status", telnyxDecode[telnyxObj](t, rec)["errors"].([]any)[0].(telnyxObj)["source"].(telnyxObj)["parameter"])

	// Single drafts: shape, and other accounts' are not found.
	rec = e.must(t, http.StatusOK, "GET", "/draft_port_requests/"+b, customerToken, nil)
	telnyxRequireShape(t, telnyxDocDraft, rec.Body.Bytes())
	telnyxRequireError(t, e.do("GET", "/draft_port_requests/"+b, otherToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("GET", "/draft_port_requests/"+b+"/sub_requests", otherToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("GET", "/draft_port_requests/"+b+"/sub_requests/nope", customerToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("PUT", "/draft_port_requests/"+b+"/sub_requests/nope", customerToken, `{}`), http.StatusNotFound)
	telnyxRequireError(t, e.do("GET", "/draft_port_requests/nope", customerToken, nil), http.StatusNotFound)
}

func TestTelnyxDraftCreateErrors(t *testing.T) {
	e := telnyxSetup(t)
	// The document's example body, verbatim: "string" is no phone number.
	rec := e.do("POST", "/draft_port_requests", customerToken, telnyxDocDraftCreate)
	telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/0/phone_number"}, telnyxPointers(t, rec))

	rec = e.do("POST", "/draft_port_requests", customerToken, telnyxNumbers("+12025550100", "12", "202-555-0100"))
	body := telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/1/phone_number", "/phone_numbers/2/phone_number"}, telnyxPointers(t, rec))
	require.Contains(t, body["message"], "12: Not a valid phone number")

	e.createDraft(t, "+14155550100")
	rec = e.do("POST", "/draft_port_requests", customerToken, telnyxNumbers("+12025550100", "+1 415 555 0100"))
	body = telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/1/phone_number"}, telnyxPointers(t, rec))
	require.Contains(t, body["message"], "Number is on a port request already")

	require.NoError(t, e.f.Inventory.Activate(t.Context(), "customer", []string{"+12025550199"}))
	rec = e.do("POST", "/draft_port_requests", customerToken, telnyxNumbers("+12025550199"))
	telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/0/phone_number"}, telnyxPointers(t, rec))

	rec = e.do("POST", "/draft_port_requests", customerToken, `{"phone_numbers": []}`)
	telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers"}, telnyxPointers(t, rec))

	// 10,001 numbers: 422 naming the limit, not 413.
	many := make([]string, porting.DefaultMaxNumbers+1)
	for i := range many {
		many[i] = "+12025550100"
	}
	body = telnyxRequireError(t, e.do("POST", "/draft_port_requests", customerToken, telnyxNumbers(many...)), http.StatusUnprocessableEntity)
	require.Contains(t, body["message"], "10000")

	telnyxRequireError(t, e.do("POST", "/draft_port_requests", customerToken, `{"phone_numbers": [{"phone_number": 12025550100}]}`), http.StatusBadRequest)
	telnyxRequireError(t, e.do("POST", "/draft_port_requests", customerToken, `nope`), http.StatusBadRequest)
	// An admin acting for no account has nowhere to put a draft.
	telnyxRequireError(t, e.do("POST", "/draft_port_requests", telnyxAdmin, telnyxNumbers("+12025550177")), http.StatusForbidden)
}

func TestTelnyxDraftSubmitCharges(t *testing.T) {
	e := telnyxSetup(t)
	e.f.Charges.PerNumber = 5
	draft := func(numbers ...string) string {
		r := e.f.Create(t, numbers...)
		e.f.FillSubRequests(t, r.ID)
		return r.ID
	}
	id := draft("+12025550101", "+13125354200")
	rec := e.do("POST", "/draft_port_requests/"+id+"/submit", customerToken, nil)
	body := telnyxRequireError(t, rec, http.StatusPaymentRequired)
	require.Equal(t, "accept charges", body["message"])
	require.EqualValues(t, 10, body["activation_charges"])
	require.Contains(t, body["errors"].([]any)[0].(telnyxObj)["detail"], "10.00")
	stored, err := e.f.Service.Get(e.f.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, porting.StateUnconfirmed, stored.State)

	telnyxRequireError(t, e.do("POST", "/draft_port_requests/"+id+"/submit", customerToken, `{"accept_charges": false}`), http.StatusPaymentRequired)
	telnyxRequireError(t, e.do("POST", "/draft_port_requests/"+id+"/submit?accept_charges=yes", customerToken, nil), http.StatusUnprocessableEntity)
	e.must(t, http.StatusCreated, "POST", "/draft_port_requests/"+id+"/submit?accept_charges=true", customerToken, nil)

	id = draft("+14155550101")
	e.must(t, http.StatusCreated, "POST", "/draft_port_requests/"+id+"/submit", customerToken, `{"accept_charges": true}`)
	stored, err = e.f.Service.Get(e.f.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, 5.0, stored.Quote.ActivationCharges)

	telnyxRequireError(t, e.do("POST", "/draft_port_requests/"+id+"/submit", customerToken, `{"accept_charges": `), http.StatusBadRequest)
	rec = e.do("POST", "/draft_port_requests/nope/submit", customerToken, nil)
	telnyxRequireError(t, rec, http.StatusNotFound)
	require.True(t, strings.HasPrefix(rec.Body.String(), `{"message":`), "message comes first")
}
