package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting/portingtest"
)

// dialectsMux mounts both dialects on one mux over one Service, as portd
// does, with the tests' tokens (see apitest.Tokens).
func dialectsMux(t *testing.T) (*portingtest.Fixture, *http.ServeMux) {
	f := portingtest.New(t)
	f.Carriers.Add("+1202555", "Carrier A")
	f.Carriers.Add("+1312535", "Carrier B")
	tokens := apitest.Tokens(f)
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(f.Service, tokens, kazoo.Options{}))
	mux.Handle("/origination/porting/", telnyx.New(f.Service, tokens, telnyx.Options{LinkKey: []byte("k")}))
	return f, mux
}

// dialectsDo makes one call; token goes in the dialect's own header.
func dialectsDo(t *testing.T, mux http.Handler, method, path, token, contentType string, body []byte) (int, []byte) {
	t.Helper()
	rec := apitest.Serve(mux, method, path, token, contentType, body)
	return rec.Code, rec.Body.Bytes()
}

func dialectsJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	if arr, ok := v.([]any); ok { // Telnyx answers some single objects as a one-element array
		require.Len(t, arr, 1)
		v = arr[0]
	}
	return v.(map[string]any)
}

// A request made through Kazoo round-trips through Telnyx and back, under
// one ID: Kazoo's bill fills the Telnyx sub requests, Telnyx edits and the
// draft submission show in Kazoo, Kazoo's transitions show as Telnyx
// statuses, and comments and documents are shared.
func TestDialectsRoundTrip(t *testing.T) {
	_, mux := dialectsMux(t)
	kz := "/v2/accounts/customer/port_requests"
	tx := "/origination/porting"

	// Created through Kazoo: two numbers of two losing carriers.
	code, body := dialectsDo(t, mux, "PUT", kz, apitest.CustomerToken, "application/json", []byte(`{"data":{
		"name":"Acme","numbers":{"+12025550100":{},"+13125354200":{}},
		"bill":{"name":"Acme Inc","street_number":"1","street_address":"Main","street_type":"St",
		        "locality":"Washington","region":"dc","postal_code":"20001","country":"US","btn":"+12025550100"},
		"signee_name":"Jane Doe"}}`))
	require.Equal(t, http.StatusCreated, code, string(body))
	id := dialectsJSON(t, body)["data"].(map[string]any)["id"].(string)

	// Through Telnyx it is a draft with one sub request per carrier, whose
	// address comes from Kazoo's bill.
	code, body = dialectsDo(t, mux, "GET", tx+"/draft_port_requests/"+id+"?include_sub_requests=true", apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	draft := dialectsJSON(t, body)
	require.Equal(t, "pending", draft["status"])
	subs := draft["sub_requests"].([]any)
	require.Len(t, subs, 2)
	for _, s := range subs {
		sr := s.(map[string]any)
		require.Equal(t, "1 Main St", sr["street_address"])
		require.Equal(t, "DC", sr["administrative_area"])
		require.Equal(t, "Jane Doe", sr["auth_person_name"])
		require.Equal(t, false, sr["complete"])
	}

	// Filled in and submitted through Telnyx.
	for _, s := range subs {
		sid := s.(map[string]any)["id"].(string)
		code, body = dialectsDo(t, mux, "PUT", tx+"/draft_port_requests/"+id+"/sub_requests/"+sid, apitest.CustomerToken, "application/json",
			[]byte(`{"foc_date_requested_by_user":"2026-03-05T16:00:00Z","default_connection_id":"c1","default_message_profile_id":"m1"}`))
		require.Equal(t, http.StatusOK, code, string(body))
		require.Equal(t, true, dialectsJSON(t, body)["complete"])
	}
	code, body = dialectsDo(t, mux, "POST", tx+"/draft_port_requests/"+id+"/submit", apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusCreated, code, string(body))
	require.Equal(t, id, dialectsJSON(t, body)["port_request_id"])

	// Kazoo sees it submitted, with the Telnyx-side FOC request as its
	// transfer_date untouched (the sub requests carry their own).
	code, body = dialectsDo(t, mux, "GET", kz+"/"+id, apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	data := dialectsJSON(t, body)["data"].(map[string]any)
	require.Equal(t, "submitted", data["port_state"])
	require.NotContains(t, data, "transfer_date")

	// The port authority moves it on through Kazoo; Telnyx shows the
	// statuses of its own vocabulary.
	code, body = dialectsDo(t, mux, "PATCH", kz+"/"+id+"/pending", apitest.AuthorityToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	code, body = dialectsDo(t, mux, "GET", tx+"/port_requests/"+id+"/sub_requests", apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	var list []map[string]any
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list, 2)
	for _, sr := range list {
		require.Equal(t, "submitted", sr["status"], "Kazoo pending is Telnyx submitted")
	}

	// A comment made in one dialect is read in the other.
	code, body = dialectsDo(t, mux, "POST", tx+"/port_requests/"+id+"/comments", apitest.CustomerToken, "application/json", []byte(`{"body":"from Telnyx"}`))
	require.Equal(t, http.StatusCreated, code, string(body))
	code, body = dialectsDo(t, mux, "PUT", kz+"/"+id+"/comments", apitest.CustomerToken, "application/json", []byte(`{"data":{"content":"from Kazoo"}}`))
	require.Equal(t, http.StatusCreated, code, string(body))
	code, body = dialectsDo(t, mux, "GET", tx+"/port_requests/"+id+"/comments", apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	require.Contains(t, string(body), "from Telnyx")
	require.Contains(t, string(body), "from Kazoo")

	// A document uploaded through Telnyx is one of Kazoo's uploads.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	require.NoError(t, mw.WriteField("document_type", "invoice"))
	fw, err := mw.CreateFormFile("file", "bill.pdf")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("%PDF-1.4 a bill"))
	require.NoError(t, mw.Close())
	code, body = dialectsDo(t, mux, "POST", tx+"/port_requests/"+id+"/supporting_documents", apitest.CustomerToken, mw.FormDataContentType(), form.Bytes())
	require.Equal(t, http.StatusCreated, code, string(body))
	code, body = dialectsDo(t, mux, "GET", kz+"/"+id+"/attachments/bill.pdf", apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	require.Equal(t, "%PDF-1.4 a bill", string(body))

	// Completed through Kazoo: ported, for Telnyx.
	for _, to := range []string{"scheduled", "completed"} {
		payload := []byte(nil)
		if to == "scheduled" {
			payload = []byte(`{"data":{"scheduled_date":63916520400}}`)
		}
		code, body = dialectsDo(t, mux, "PATCH", kz+"/"+id+"/"+to, apitest.AuthorityToken, "application/json", payload)
		require.Equal(t, http.StatusOK, code, string(body))
	}
	code, body = dialectsDo(t, mux, "GET", tx+"/port_requests/"+id, apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	pr := dialectsJSON(t, body)
	counts := pr["phone_number_counts_by_status"].([]any)
	require.Len(t, counts, 1)
	require.Equal(t, map[string]any{"status": "ported", "count": float64(2)}, counts[0])
}

// A draft made through Telnyx is a Kazoo unconfirmed request, which
// Kazoo edits.
func TestDialectsTelnyxDraftInKazoo(t *testing.T) {
	_, mux := dialectsMux(t)
	code, body := dialectsDo(t, mux, "POST", "/origination/porting/draft_port_requests", apitest.CustomerToken, "application/json",
		[]byte(`{"phone_numbers":[{"phone_number":"+13125354200"},{"phone_number":"+13125354500"}]}`))
	require.Equal(t, http.StatusCreated, code, string(body))
	id := dialectsJSON(t, body)["id"].(string)

	code, body = dialectsDo(t, mux, "GET", "/v2/accounts/customer/port_requests/"+id, apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	data := dialectsJSON(t, body)["data"].(map[string]any)
	require.Equal(t, "unconfirmed", data["port_state"])
	require.Contains(t, data["numbers"], "+13125354200")

	code, body = dialectsDo(t, mux, "PATCH", "/v2/accounts/customer/port_requests/"+id, apitest.CustomerToken, "application/json",
		[]byte(`{"data":{"numbers":{"+13125354500":null,"+12025550100":{}}}}`))
	require.Equal(t, http.StatusOK, code, string(body))
	code, body = dialectsDo(t, mux, "GET", "/origination/porting/draft_port_requests/"+id+"?include_sub_requests=true", apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, code, string(body))
	draft := dialectsJSON(t, body)
	require.Equal(t, float64(2), draft["phone_number_count"])
	require.Len(t, draft["sub_requests"], 2, "the Kazoo edit added a second carrier")
}
