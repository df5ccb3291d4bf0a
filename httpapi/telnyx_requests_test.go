package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func TestTelnyxPortRequestList(t *testing.T) {
	e := telnyxSetup(t)
	draft := e.f.Create(t, "+12025550100")
	a := e.submitted(t, "+12025550110", "+13125354200")
	e.f.Clock.Advance(time.Minute)
	b := e.submitted(t, "+14155550120")
	e.f.Clock.Advance(time.Minute)
	c := e.submitted(t, "+14155550130")
	for _, st := range []porting.State{porting.StatePending, porting.StateScheduled, porting.StateCompleted} {
		e.f.Move(t, c.ID, st)
	}
	_ = e.submittedAs(t, "other", "+14155550140")

	// Drafts are not port requests; the newest come first.
	rec := e.must(t, http.StatusOK, "GET", "/port_requests?include_sub_requests=true", customerToken, nil)
	telnyxRequireShape(t, telnyxDocPortRequestList, rec.Body.Bytes())
	list := telnyxDecode[[]telnyxObj](t, rec)
	require.Equal(t, []string{c.ID, b.ID, a.ID}, stringsAt(list, "id"))
	require.NotContains(t, stringsAt(list, "id"), draft.ID)
	require.Equal(t, "3", rec.Header().Get("Total"))
	require.Equal(t, "1", rec.Header().Get("Total-Pages"))

	// Counts by status, and the sub requests' fields.
	ra := list[2]
	require.Equal(t, a.SupportKey, ra["support_key"])
	require.Equal(t, []any{telnyxObj{"status": "in-process", "count": 2.0}}, ra["phone_number_counts_by_status"])
	subs := telnyxSubs(ra)
	require.Len(t, subs, 2, "one sub request per carrier")
	for _, sr := range subs {
		require.Equal(t, "in-process", sr["status"])
		require.Nil(t, sr["pin_passcode"], "no PIN in a list")
		require.Equal(t, telnyxFOC, sr["foc_date_requested_by_user"])
		require.Nil(t, sr["foc_date"])
	}
	require.Equal(t, []any{telnyxObj{"status": "ported", "count": 1.0}}, list[0]["phone_number_counts_by_status"])
	numbers := telnyxList(ra["phone_numbers"].([]any))
	require.Equal(t, "+12025550110", numbers[0]["phone_number"])
	require.Equal(t, "Carrier A", numbers[0]["carrier_name"])
	require.Equal(t, "in-process", numbers[0]["sub_request_status"])
	require.Equal(t, "0", numbers[0]["svtype"])
	require.Equal(t, "confirmed", numbers[0]["portability_status"])

	// Defaults: phone numbers yes, sub requests no.
	list = telnyxDecode[[]telnyxObj](t, e.must(t, http.StatusOK, "GET", "/port_requests", customerToken, nil))
	require.Contains(t, list[0], "phone_numbers")
	require.NotContains(t, list[0], "sub_requests")
	list = telnyxDecode[[]telnyxObj](t, e.must(t, http.StatusOK, "GET", "/port_requests?include_phone_numbers=false", customerToken, nil))
	require.NotContains(t, list[0], "phone_numbers")
	require.Contains(t, list[0], "phone_number_counts_by_status")

	// Paging.
	rec = e.must(t, http.StatusOK, "GET", "/port_requests?per_page=2&page=2", customerToken, nil)
	require.Equal(t, []string{a.ID}, stringsAt(telnyxDecode[[]telnyxObj](t, rec), "id"))
	require.Equal(t, "3", rec.Header().Get("Total"))
	require.Equal(t, "2", rec.Header().Get("Total-Pages"))
	rec = e.must(t, http.StatusOK, "GET", "/port_requests?page=9", customerToken, nil)
	require.Equal(t, "[]\n", rec.Body.String())
	rec = e.must(t, http.StatusOK, "GET", "/port_requests?per_page=250", customerToken, nil)
	require.Len(t, telnyxDecode[[]telnyxObj](t, rec), 3)

	// Status filter.
	for q, want := range map[string][]string{
		"status=incomplete":                     {b.ID, a.ID},
		"status=complete":                       {c.ID},
		"search=" + a.SupportKey:                {a.ID},
		"search=" + a.SubRequests[1].SupportKey: {a.ID},
		"search=0120":                           {b.ID},
		"search=415555":                         {c.ID, b.ID},
		"search=nothing":                        {},
		"search=0100":                           {}, // the draft's
	} {
		rec := e.must(t, http.StatusOK, "GET", "/port_requests?"+q, customerToken, nil)
		require.Equal(t, want, stringsAt(telnyxDecode[[]telnyxObj](t, rec), "id"), q)
	}

	// Bad parameters are 422, naming the parameter.
	for _, q := range []string{"status=pending", "page=0", "per_page=x", "include_sub_requests=maybe", "page=99999999999", "per_page=251", "per_page=-1"} {
		body := telnyxRequireError(t, e.do("GET", "/port_requests?"+q, customerToken, nil), http.StatusUnprocessableEntity)
		require.NotEmpty(t, body["errors"].([]any)[0].(telnyxObj)["source"].(telnyxObj)["parameter"], q)
	}

	// An admin lists every account.
	rec = e.must(t, http.StatusOK, "GET", "/port_requests", telnyxAdmin, nil)
	require.Equal(t, "4", rec.Header().Get("Total"))
	// The other account sees its own only.
	rec = e.must(t, http.StatusOK, "GET", "/port_requests", otherToken, nil)
	require.Equal(t, "1", rec.Header().Get("Total"))
}

// submittedAs makes and submits a request for another account.
func (e *telnyxEnv) submittedAs(t testing.TB, account string, numbers ...string) *porting.PortRequest {
	t.Helper()
	ctx := porting.AsSystem(t.Context())
	in := porting.RequestInput{Name: "Other port"}
	for _, n := range numbers {
		in.Numbers = append(in.Numbers, porting.NumberInput{Raw: n})
	}
	r, err := e.f.Service.Create(ctx, account, in)
	require.NoError(t, err)
	telnyxFill(t, e.f, ctx, r)
	r, err = e.f.Service.SubmitDraft(ctx, r.ID, 0, true)
	require.NoError(t, err)
	return r
}

func TestTelnyxPortRequestGet(t *testing.T) {
	e := telnyxSetup(t)
	r := e.submitted(t, "+12025550110", "+13125354200", "+13125354500")
	e.f.Clock.Advance(time.Hour)
	e.f.Move(t, r.ID, porting.StatePending)

	rec := e.must(t, http.StatusOK, "GET", "/port_requests/"+r.ID, customerToken, nil)
	telnyxRequireShape(t, telnyxDocPortRequest, rec.Body.Bytes())
	got := telnyxDecode[telnyxObj](t, rec)
	require.Equal(t, r.ID, got["id"])
	require.Equal(t, "2026-03-02T14:00:00Z", got["created_at"])
	require.Equal(t, "2026-03-02T15:00:00Z", got["updated_at"])
	require.Equal(t, []any{telnyxObj{"status": "submitted", "count": 3.0}}, got["phone_number_counts_by_status"])
	subs := telnyxSubs(got)
	require.Len(t, subs, 2)
	byCarrier := map[string]telnyxObj{}
	for _, sr := range subs {
		byCarrier[sr["underlying_carrier_names"].([]any)[0].(string)] = sr
	}
	b := byCarrier["Carrier B"]
	require.EqualValues(t, 2, b["phone_number_count"])
	require.Len(t, b["phone_numbers"], 2)
	require.Equal(t, "submitted", b["status"])
	require.Regexp(t, `^sr_[0-9a-f]{6}$`, b["support_key"])
	require.Equal(t, "Jane Doe", b["auth_person_name"])
	require.Equal(t, "DC", b["administrative_area"])
	require.Nil(t, b["porting_option"])
	require.Nil(t, b["customer_rating"])

	// A draft that was never submitted is not a port request.
	draft := e.f.Create(t, "+14155550100")
	body := telnyxRequireError(t, e.do("GET", "/port_requests/"+draft.ID, customerToken, nil), http.StatusNotFound)
	require.Contains(t, body["message"], "draft")
	for _, p := range []string{"/sub_requests", "/comments", "/supporting_documents", "/sub_requests/" + draft.SubRequests[0].ID} {
		telnyxRequireError(t, e.do("GET", "/port_requests/"+draft.ID+p, customerToken, nil), http.StatusNotFound)
	}
	// Unknown, and another account's, are 404 alike.
	telnyxRequireError(t, e.do("GET", "/port_requests/nope", customerToken, nil), http.StatusNotFound)
	telnyxRequireError(t, e.do("GET", "/port_requests/"+r.ID, otherToken, nil), http.StatusNotFound)
	// The port authority above the account sees it.
	e.must(t, http.StatusOK, "GET", "/port_requests/"+r.ID, authorityToken, nil)
}
