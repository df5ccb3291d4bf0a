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

func TestPortRequestList(t *testing.T) {
	e := telnyxtest.Setup(t)
	draft := e.F.Create(t, "+12025550100")
	a := e.Submitted(t, "+12025550110", "+13125354200")
	e.F.Clock.Advance(time.Minute)
	b := e.Submitted(t, "+14155550120")
	e.F.Clock.Advance(time.Minute)
	c := e.Submitted(t, "+14155550130")
	for _, st := range []porting.State{porting.StatePending, porting.StateScheduled, porting.StateCompleted} {
		e.F.Move(t, c.ID, st)
	}
	_ = submittedAs(t, e, "other", "+14155550140")

	// Drafts are not port requests; the newest come first.
	rec := e.Must(t, http.StatusOK, "GET", "/port_requests?include_sub_requests=true", apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocPortRequestList, rec.Body.Bytes())
	list := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Equal(t, []string{c.ID, b.ID, a.ID}, apitest.StringsAt(list, "id"))
	require.NotContains(t, apitest.StringsAt(list, "id"), draft.ID)
	require.Equal(t, "3", rec.Header().Get("Total"))
	require.Equal(t, "1", rec.Header().Get("Total-Pages"))

	// Counts by status, and the sub requests' fields.
	ra := list[2]
	require.Equal(t, a.SupportKey, ra["support_key"])
	require.Equal(t, []any{telnyxtest.Obj{"status": "in-process", "count": 2.0}}, ra["phone_number_counts_by_status"])
	subs := telnyxtest.Subs(ra)
	require.Len(t, subs, 2, "one sub request per carrier")
	for _, sr := range subs {
		require.Equal(t, "in-process", sr["status"])
		require.Nil(t, sr["pin_passcode"], "no PIN in a list")
		require.Equal(t, telnyxtest.FOC, sr["foc_date_requested_by_user"])
		require.Nil(t, sr["foc_date"])
	}
	require.Equal(t, []any{telnyxtest.Obj{"status": "ported", "count": 1.0}}, list[0]["phone_number_counts_by_status"])
	numbers := telnyxtest.List(ra["phone_numbers"].([]any))
	require.Equal(t, "+12025550110", numbers[0]["phone_number"])
	require.Equal(t, "Carrier A", numbers[0]["carrier_name"])
	require.Equal(t, "in-process", numbers[0]["sub_request_status"])
	require.Equal(t, "0", numbers[0]["svtype"])
	require.Equal(t, "confirmed", numbers[0]["portability_status"])

	// Defaults: phone numbers yes, sub requests no.
	list = telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/port_requests", apitest.CustomerToken, nil))
	require.Contains(t, list[0], "phone_numbers")
	require.NotContains(t, list[0], "sub_requests")
	list = telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/port_requests?include_phone_numbers=false", apitest.CustomerToken, nil))
	require.NotContains(t, list[0], "phone_numbers")
	require.Contains(t, list[0], "phone_number_counts_by_status")

	// Paging.
	rec = e.Must(t, http.StatusOK, "GET", "/port_requests?per_page=2&page=2", apitest.CustomerToken, nil)
	require.Equal(t, []string{a.ID}, apitest.StringsAt(telnyxtest.Decode[[]telnyxtest.Obj](t, rec), "id"))
	require.Equal(t, "3", rec.Header().Get("Total"))
	require.Equal(t, "2", rec.Header().Get("Total-Pages"))
	rec = e.Must(t, http.StatusOK, "GET", "/port_requests?page=9", apitest.CustomerToken, nil)
	require.Equal(t, "[]\n", rec.Body.String())
	rec = e.Must(t, http.StatusOK, "GET", "/port_requests?per_page=250", apitest.CustomerToken, nil)
	require.Len(t, telnyxtest.Decode[[]telnyxtest.Obj](t, rec), 3)

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
		rec := e.Must(t, http.StatusOK, "GET", "/port_requests?"+q, apitest.CustomerToken, nil)
		require.Equal(t, want, apitest.StringsAt(telnyxtest.Decode[[]telnyxtest.Obj](t, rec), "id"), q)
	}

	// Bad parameters are 422, naming the parameter.
	for _, q := range []string{"status=pending", "page=0", "per_page=x", "include_sub_requests=maybe", "page=99999999999", "per_page=251", "per_page=-1"} {
		body := telnyxtest.RequireError(t, e.Do("GET", "/port_requests?"+q, apitest.CustomerToken, nil), http.StatusUnprocessableEntity)
		require.NotEmpty(t, body["errors"].([]any)[0].(telnyxtest.Obj)["source"].(telnyxtest.Obj)["parameter"], q)
	}

	// An admin lists every account.
	rec = e.Must(t, http.StatusOK, "GET", "/port_requests", telnyxtest.Admin, nil)
	require.Equal(t, "4", rec.Header().Get("Total"))
	// The other account sees its own only.
	rec = e.Must(t, http.StatusOK, "GET", "/port_requests", apitest.OtherToken, nil)
	require.Equal(t, "1", rec.Header().Get("Total"))
}

// submittedAs makes and submits a request for another account.
func submittedAs(t testing.TB, e *telnyxtest.Env, account string, numbers ...string) *porting.PortRequest {
	t.Helper()
	ctx := porting.AsSystem(t.Context())
	in := porting.RequestInput{Name: "Other port"}
	for _, n := range numbers {
		in.Numbers = append(in.Numbers, porting.NumberInput{Raw: n})
	}
	r, err := e.F.Service.Create(ctx, account, in)
	require.NoError(t, err)
	telnyxtest.Fill(t, e.F, ctx, r)
	r, err = e.F.Service.SubmitDraft(ctx, r.ID, 0, true)
	require.NoError(t, err)
	return r
}

func TestPortRequestGet(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+12025550110", "+13125354200", "+13125354500")
	e.F.Clock.Advance(time.Hour)
	e.F.Move(t, r.ID, porting.StatePending)

	rec := e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID, apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocPortRequest, rec.Body.Bytes())
	got := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	require.Equal(t, r.ID, got["id"])
	require.Equal(t, "2026-03-02T14:00:00Z", got["created_at"])
	require.Equal(t, "2026-03-02T15:00:00Z", got["updated_at"])
	require.Equal(t, []any{telnyxtest.Obj{"status": "submitted", "count": 3.0}}, got["phone_number_counts_by_status"])
	subs := telnyxtest.Subs(got)
	require.Len(t, subs, 2)
	byCarrier := map[string]telnyxtest.Obj{}
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
	draft := e.F.Create(t, "+14155550100")
	body := telnyxtest.RequireError(t, e.Do("GET", "/port_requests/"+draft.ID, apitest.CustomerToken, nil), http.StatusNotFound)
	require.Contains(t, body["message"], "draft")
	for _, p := range []string{"/sub_requests", "/comments", "/supporting_documents", "/sub_requests/" + draft.SubRequests[0].ID} {
		telnyxtest.RequireError(t, e.Do("GET", "/port_requests/"+draft.ID+p, apitest.CustomerToken, nil), http.StatusNotFound)
	}
	// Unknown, and another account's, are 404 alike.
	telnyxtest.RequireError(t, e.Do("GET", "/port_requests/nope", apitest.CustomerToken, nil), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("GET", "/port_requests/"+r.ID, apitest.OtherToken, nil), http.StatusNotFound)
	// The port authority above the account sees it.
	e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID, apitest.AuthorityToken, nil)
}
