package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// The fuzz targets of the creates: Kazoo's PUT port_requests and
// Telnyx's POST draft_port_requests.

// FuzzKazooCreate posts arbitrary bodies to PUT port_requests: never a
// 5xx nor a panic, and the request already stored stays as it was.
func FuzzKazooCreate(f *testing.F) {
	for _, seed := range []string{
		`{"data":{"numbers":{"+12025559000":{}},"name":"Porting 202.555.9000"}}`,
		`{"data":{"numbers":{"(202) 555-9001":{"state":"NY"}},"name":"x","bill":{"btn":"2025559001","address":"1 Main"},` +
			`"transfer_date":63900000000,"notifications":{"email":{"send_to":["a@example.com"]}},"ui":{"a":[1,2]}}}`,
		`{"data":{"numbers":{"+12025559099":null},"name":"n","signing_date":-1e300}}`,
		`{"data":{"numbers":{"":{},"+1":"x"},"name":"` + "\xff\u2028" + `"}}`,
		`{"data":{"numbers":{"+12025559099":{}},"name":"n","scheduled_date":99999999999999}}`,
		`{"data":{"numbers":{"+12025559099":{}},"name":"n","id":"x","pvt_a":1,"_id":2,"comments":[]}}`,
		`{"data":[]}`, `{"data":null}`, `[]`, `null`, `{}`, ``, `{"data":{"bill":null,"notifications":{"email":null}}}`,
	} {
		f.Add([]byte(seed))
	}
	fx := portingtest.New(f)
	tokens := &httpapi.Tokens{}
	tokens.Add("t", porting.Actor{AccountID: fx.Customer.ID, UserID: "u", Name: "U"})
	h := kazoo.New(fx.Service, tokens, kazoo.Options{})
	existing, err := fx.Service.Create(fx.AsCustomer(), fx.Customer.ID, porting.RequestInput{
		Name: "existing", Numbers: []porting.NumberInput{{Raw: "+12025559000", Details: []byte(`{"state":"NY"}`)}},
	})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("PUT", "/v2/accounts/customer/port_requests", bytes.NewReader(body))
		req.Header.Set("X-Auth-Token", "t")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Less(t, rec.Code, http.StatusInternalServerError, "%s", rec.Body)
		require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		require.True(t, json.Valid(rec.Body.Bytes()), "%s", rec.Body)
		got, err := fx.Service.Get(fx.AsCustomer(), existing.ID)
		require.NoError(t, err)
		require.Equal(t, existing, got)
	})
}

// FuzzTelnyxDraftCreate posts arbitrary bodies to POST draft_port_requests:
// the answer is never a 5xx nor a panic, and always JSON.
func FuzzTelnyxDraftCreate(f *testing.F) {
	for _, seed := range []string{
		telnyxtest.DocDraftCreate,
		telnyxtest.DocPortabilityCheckRequest,
		`{"phone_numbers":[{"phone_number":"+12025550100"},{"phone_number":"(202) 555-0100"}]}`,
		`{"phone_numbers":[{"phone_number":"011 44 20 7946 0000"},{"phone_number":"+999999999999999999999"}]}`,
		`{"phone_numbers":[null, {}, {"phone_number": null}]}`,
		`{"phone_numbers":null}`, `{"phone_numbers":{}}`, `{"phone_numbers":[1]}`,
		``, `null`, `[]`, `"x"`, `{`, "\x00\xff", `{"phone_numbers":[]} {}`,
	} {
		f.Add(seed)
	}
	e := telnyxtest.Setup(f)
	f.Fuzz(func(t *testing.T, body string) {
		rec := e.Do("POST", "/draft_port_requests", apitest.CustomerToken, body)
		switch rec.Code {
		case http.StatusCreated, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("body %q: status %d: %s", body, rec.Code, rec.Body.String())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("body %q: answer is not JSON: %s", body, rec.Body.String())
		}
	})
}
