package telnyx_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/porting"
)

// sevenNumbers are 7 numbers over the 3 test carriers: 3 of A, 2 of B, 2 of C.
var sevenNumbers = []string{
	"+12025550101", "+12025550102", "+12025550103",
	"+13125354200", "+13125354500",
	"+14155550101", "+14155550102",
}

// requiredFields are the fields a draft sub request needs.
var requiredFields = []string{
	"foc_date_requested_by_user", "auth_person_name", "billing_phone_number", "street_address", "locality",
	"administrative_area", "postal_code", "country_code", "default_connection_id", "default_message_profile_id",
}

func TestDraftFlow(t *testing.T) {
	e := telnyxtest.Setup(t)

	// Create: split into one draft sub request per carrier at once.
	rec := e.Must(t, http.StatusCreated, "POST", "/draft_port_requests", apitest.CustomerToken, telnyxtest.Numbers(sevenNumbers...))
	telnyxtest.RequireShape(t, telnyxtest.DocDraftCreated, rec.Body.Bytes())
	d := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	id := d["id"].(string)
	require.Equal(t, "pending", d["status"])
	require.EqualValues(t, 7, d["phone_number_count"])
	require.Contains(t, d, "port_request_id")
	require.Nil(t, d["port_request_id"])
	require.Equal(t, "2026-03-02T14:00:00Z", d["created_at"])
	numbers := telnyxtest.List(d["phone_numbers"].([]any))
	require.Len(t, numbers, 7)
	require.NotContains(t, numbers[0], "sub_request_status", "draft numbers have no status")
	subs := telnyxtest.Subs(d)
	require.Len(t, subs, 3)
	subIDs := map[string]string{} // carrier -> sub request ID
	for _, sr := range subs {
		require.Equal(t, false, sr["complete"])
		require.NotContains(t, sr, "status")
		require.NotContains(t, sr, "support_key")
		subIDs[sr["underlying_carrier_names"].([]any)[0].(string)] = sr["id"].(string)
	}
	require.EqualValues(t, 3, telnyxtest.SubByID(subs, subIDs["Carrier A"])["phone_number_count"])
	require.EqualValues(t, 2, telnyxtest.SubByID(subs, subIDs["Carrier B"])["phone_number_count"])
	require.EqualValues(t, 2, telnyxtest.SubByID(subs, subIDs["Carrier C"])["phone_number_count"])

	// The same request through the Service: unconfirmed, 3 sub requests.
	stored, err := e.F.Service.Get(e.F.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, porting.StateUnconfirmed, stored.State)
	require.Len(t, stored.SubRequests, 3)

	// Submitting now lists every incomplete sub request and its fields.
	rec = e.Do("POST", "/draft_port_requests/"+id+"/submit", apitest.CustomerToken, nil)
	body := telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, "Draft port request is incomplete: 3 sub request(s) miss 30 required field(s), listed in errors", body["message"])
	pointers := telnyxtest.Pointers(t, rec)
	require.Len(t, pointers, 3*len(requiredFields))
	for _, sid := range subIDs {
		for _, f := range requiredFields {
			require.Contains(t, pointers, "/sub_requests/"+sid+"/"+f)
		}
	}

	// Fill them in: a partial update first, then the document's body.
	path := "/draft_port_requests/" + id + "/sub_requests/"
	got := telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusOK, "PUT", path+subIDs["Carrier A"], apitest.CustomerToken, `{"auth_person_name": "John Smith"}`))
	require.Equal(t, false, got["complete"])
	require.Equal(t, "John Smith", got["auth_person_name"])
	put := telnyxtest.BodyFrom(t, telnyxtest.DocDraftSubRequestUpdate)
	for _, carrier := range []string{"Carrier A", "Carrier B", "Carrier C"} {
		rec := e.Must(t, http.StatusOK, "PUT", path+subIDs[carrier], apitest.CustomerToken, put)
		telnyxtest.RequireShape(t, telnyxtest.DocDraftSubRequest, rec.Body.Bytes())
		got := telnyxtest.Decode[telnyxtest.Obj](t, rec)
		require.Equal(t, true, got["complete"], carrier)
		require.Equal(t, "1234", got["pin_passcode"])
		require.Equal(t, "IL", got["administrative_area"])
	}
	rec = e.Must(t, http.StatusOK, "GET", strings.TrimSuffix(path, "/"), apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocDraftSubRequestList, rec.Body.Bytes())
	for _, sr := range telnyxtest.Decode[[]telnyxtest.Obj](t, rec) {
		require.Equal(t, true, sr["complete"])
		require.Nil(t, sr["pin_passcode"], "no PIN in a list")
	}
	rec = e.Must(t, http.StatusOK, "GET", path+subIDs["Carrier B"], apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocDraftSubRequest, rec.Body.Bytes())
	require.Equal(t, "1234", telnyxtest.Decode[telnyxtest.Obj](t, rec)["pin_passcode"])
	rec = e.Must(t, http.StatusOK, "GET", path+subIDs["Carrier B"]+"/allowed_foc_dates", apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocAllowedFOCDates, rec.Body.Bytes())

	// Submit: 201, the draft is submitted and names its port request.
	e.F.Clock.Advance(time.Minute)
	rec = e.Must(t, http.StatusCreated, "POST", "/draft_port_requests/"+id+"/submit", apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocDraftSubmitted, rec.Body.Bytes())
	d = telnyxtest.Decode[telnyxtest.Obj](t, rec)
	require.Equal(t, "submitted", d["status"])
	require.Equal(t, id, d["port_request_id"])
	stored, err = e.F.Service.Get(e.F.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, stored.State)

	// Read-only from now on.
	rec = e.Do("PUT", path+subIDs["Carrier A"], apitest.CustomerToken, `{"description": "late"}`)
	telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/status"}, telnyxtest.Pointers(t, rec))
	telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests/"+id+"/submit", apitest.CustomerToken, nil), http.StatusUnprocessableEntity)
	d = telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/draft_port_requests/"+id, apitest.CustomerToken, nil))
	require.Equal(t, "submitted", d["status"])

	// It is a port request now, with the same ID.
	rec = e.Must(t, http.StatusOK, "GET", "/port_requests?include_sub_requests=true", apitest.CustomerToken, nil)
	list := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Len(t, list, 1)
	pr := list[0]
	require.Equal(t, id, pr["id"])
	require.Equal(t, "2026-03-02T14:01:00Z", pr["updated_at"])
	require.Equal(t, []any{telnyxtest.Obj{"status": "in-process", "count": 7.0}}, pr["phone_number_counts_by_status"])
	prSubs := telnyxtest.Subs(pr)
	require.Len(t, prSubs, 3)
	for _, sr := range prSubs {
		require.Equal(t, "in-process", sr["status"])
		require.Regexp(t, `^sr_[0-9a-f]{6}$`, sr["support_key"])
	}
	// Its numbers: per sub request status once the authority moves one on.
	e.F.Move(t, id, porting.StatePending)
	_, err = e.F.Service.TransitionSubRequest(e.F.AsAuthority(), id, subIDs["Carrier B"], 0, porting.StateScheduled,
		porting.TransitionOptions{ScheduledDate: e.F.Clock.Now().Add(96 * time.Hour)})
	require.NoError(t, err)
	pr = telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/port_requests/"+id, apitest.CustomerToken, nil))
	require.Equal(t, []any{
		telnyxtest.Obj{"status": "submitted", "count": 5.0},
		telnyxtest.Obj{"status": "foc-date-confirmed", "count": 2.0},
	}, pr["phone_number_counts_by_status"])
	b := telnyxtest.SubByID(telnyxtest.Subs(pr), subIDs["Carrier B"])
	require.Equal(t, "2026-03-06T14:01:00Z", b["foc_date"])
}

func TestDraftList(t *testing.T) {
	e := telnyxtest.Setup(t)
	a := e.CreateDraft(t, "+12025550101")["id"].(string)
	e.F.Clock.Advance(time.Minute)
	b := e.CreateDraft(t, "+13125354200", "+14155550101")["id"].(string)
	e.F.Clock.Advance(time.Minute)
	c := e.Submitted(t, "+14155550199").ID

	rec := e.Must(t, http.StatusOK, "GET", "/draft_port_requests?include_sub_requests=true", apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocDraftList, rec.Body.Bytes())
	list := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Equal(t, []string{c, b, a}, apitest.StringsAt(list, "id"), "every request started as a draft")
	require.Equal(t, "3", rec.Header().Get("Total"))
	require.Equal(t, "submitted", list[0]["status"])
	require.Equal(t, c, list[0]["port_request_id"])
	require.Len(t, telnyxtest.Subs(list[1]), 2)
	require.Nil(t, telnyxtest.Subs(list[1])[0]["pin_passcode"])

	for q, want := range map[string][]string{
		"status=pending":            {b, a},
		"status=submitted":          {c},
		"search=4155550101":         {b},
		"search=415":                {c, b},
		"per_page=1&page=2":         {b},
		"status=pending&per_page=1": {b},
	} {
		rec := e.Must(t, http.StatusOK, "GET", "/draft_port_requests?"+q, apitest.CustomerToken, nil)
		require.Equal(t, want, apitest.StringsAt(telnyxtest.Decode[[]telnyxtest.Obj](t, rec), "id"), q)
	}
	rec = e.Must(t, http.StatusOK, "GET", "/draft_port_requests?per_page=2", apitest.CustomerToken, nil)
	require.Equal(t, "3", rec.Header().Get("Total"))
	require.Equal(t, "2", rec.Header().Get("Total-Pages"))
	list = telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Contains(t, list[0], "phone_numbers")
	require.NotContains(t, list[0], "sub_requests")
	list = telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/draft_port_requests?include_phone_numbers=0", apitest.CustomerToken, nil))
	require.NotContains(t, list[0], "phone_numbers")
	require.EqualValues(t, 1, list[0]["phone_number_count"])

	rec = e.Do("GET", "/draft_port_requests?status=complete", apitest.CustomerToken, nil)
	telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, "status", telnyxtest.Decode[telnyxtest.Obj](t, rec)["errors"].([]any)[0].(telnyxtest.Obj)["source"].(telnyxtest.Obj)["parameter"])

	// Single drafts: shape, and other accounts' are not found.
	rec = e.Must(t, http.StatusOK, "GET", "/draft_port_requests/"+b, apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocDraft, rec.Body.Bytes())
	telnyxtest.RequireError(t, e.Do("GET", "/draft_port_requests/"+b, apitest.OtherToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("GET", "/draft_port_requests/"+b+"/sub_requests", apitest.OtherToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("GET", "/draft_port_requests/"+b+"/sub_requests/nope", apitest.CustomerToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("PUT", "/draft_port_requests/"+b+"/sub_requests/nope", apitest.CustomerToken, `{}`), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("GET", "/draft_port_requests/nope", apitest.CustomerToken, nil), http.StatusNotFound)
}

func TestDraftCreateErrors(t *testing.T) {
	e := telnyxtest.Setup(t)
	// The document's example body, verbatim: "string" is no phone number.
	rec := e.Do("POST", "/draft_port_requests", apitest.CustomerToken, telnyxtest.DocDraftCreate)
	telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/0/phone_number"}, telnyxtest.Pointers(t, rec))

	rec = e.Do("POST", "/draft_port_requests", apitest.CustomerToken, telnyxtest.Numbers("+12025550100", "12", "202-555-0100"))
	body := telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/1/phone_number", "/phone_numbers/2/phone_number"}, telnyxtest.Pointers(t, rec))
	require.Contains(t, body["message"], "12: Not a valid phone number")

	e.CreateDraft(t, "+14155550100")
	rec = e.Do("POST", "/draft_port_requests", apitest.CustomerToken, telnyxtest.Numbers("+12025550100", "+1 415 555 0100"))
	body = telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/1/phone_number"}, telnyxtest.Pointers(t, rec))
	require.Contains(t, body["message"], "Number is on a port request already")

	require.NoError(t, e.F.Inventory.Activate(t.Context(), "customer", []string{"+12025550199"}))
	rec = e.Do("POST", "/draft_port_requests", apitest.CustomerToken, telnyxtest.Numbers("+12025550199"))
	telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/0/phone_number"}, telnyxtest.Pointers(t, rec))

	rec = e.Do("POST", "/draft_port_requests", apitest.CustomerToken, `{"phone_numbers": []}`)
	telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers"}, telnyxtest.Pointers(t, rec))

	// 10,001 numbers: 422 naming the limit, not 413.
	many := make([]string, porting.DefaultMaxNumbers+1)
	for i := range many {
		many[i] = "+12025550100"
	}
	body = telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests", apitest.CustomerToken, telnyxtest.Numbers(many...)), http.StatusUnprocessableEntity)
	require.Contains(t, body["message"], "10000")

	rec = e.Do("POST", "/draft_port_requests", apitest.CustomerToken, `{"phone_numbers": [{"phone_number": 12025550100}]}`)
	body = telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/phone_numbers/phone_number"}, telnyxtest.Pointers(t, rec))
	require.Contains(t, body["message"], "phone_numbers.phone_number must be a string")
	telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests", apitest.CustomerToken, `nope`), http.StatusBadRequest)
	// An admin acting for no account has nowhere to put a draft.
	telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests", telnyxtest.Admin, telnyxtest.Numbers("+12025550177")), http.StatusForbidden)
}

func TestDraftSubmitCharges(t *testing.T) {
	e := telnyxtest.Setup(t)
	e.F.Charges.PerNumber = 5
	draft := func(numbers ...string) string {
		r := e.F.Create(t, numbers...)
		e.F.FillSubRequests(t, r.ID)
		return r.ID
	}
	id := draft("+12025550101", "+13125354200")
	rec := e.Do("POST", "/draft_port_requests/"+id+"/submit", apitest.CustomerToken, nil)
	body := telnyxtest.RequireError(t, rec, http.StatusPaymentRequired)
	require.Equal(t, "accept charges", body["message"])
	require.EqualValues(t, 10, body["activation_charges"])
	require.Contains(t, body["errors"].([]any)[0].(telnyxtest.Obj)["detail"], "10.00")
	stored, err := e.F.Service.Get(e.F.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, porting.StateUnconfirmed, stored.State)

	telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests/"+id+"/submit", apitest.CustomerToken, `{"accept_charges": false}`), http.StatusPaymentRequired)
	telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests/"+id+"/submit?accept_charges=yes", apitest.CustomerToken, nil), http.StatusUnprocessableEntity)
	e.Must(t, http.StatusCreated, "POST", "/draft_port_requests/"+id+"/submit?accept_charges=true", apitest.CustomerToken, nil)

	id = draft("+14155550101")
	e.Must(t, http.StatusCreated, "POST", "/draft_port_requests/"+id+"/submit", apitest.CustomerToken, `{"accept_charges": true}`)
	stored, err = e.F.Service.Get(e.F.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, 5.0, stored.Quote.ActivationCharges)

	telnyxtest.RequireError(t, e.Do("POST", "/draft_port_requests/"+id+"/submit", apitest.CustomerToken, `{"accept_charges": `), http.StatusBadRequest)
	rec = e.Do("POST", "/draft_port_requests/nope/submit", apitest.CustomerToken, nil)
	telnyxtest.RequireError(t, rec, http.StatusNotFound)
	require.True(t, strings.HasPrefix(rec.Body.String(), `{"message":`), "message comes first")
}

// The same bad draft, posted again and again, gets the same errors byte
// for byte: porting reports a request's field errors in a fixed order
// (the numbers' in the order sent), and the dialect keeps it.
func TestDraftCreateErrorsStable(t *testing.T) {
	e := telnyxtest.Setup(t)
	body := telnyxtest.Numbers("12", "+12025550100", "not a number", "+12025550100", "(202) 555-0100",
		"999", "+13125354200", "+1 312 535 4200", "+14155550100")
	var first string
	for i := range 50 {
		rec := e.Do("POST", "/draft_port_requests", apitest.CustomerToken, body)
		telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
		errs := telnyxtest.Decode[struct {
			Errors json.RawMessage `json:"errors"`
		}](t, rec).Errors
		if i == 0 {
			first = string(errs)
			require.Equal(t, []string{
				"/phone_numbers/0/phone_number", "/phone_numbers/2/phone_number", "/phone_numbers/3/phone_number",
				"/phone_numbers/4/phone_number", "/phone_numbers/5/phone_number", "/phone_numbers/7/phone_number",
			}, telnyxtest.Pointers(t, rec), "the invalid numbers and the repeated ones, in the order sent")
			continue
		}
		require.Equal(t, first, string(errs), "post %d", i+1)
	}
}
