package kazoo_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// The document's "Create a new port request", success and both failures.
func TestCreate(t *testing.T) {
	e := kazootest.Setup(t)
	body := `{"data":{"numbers":{"` + kazootest.Phone + `":{}}, "name":"Porting 202.555.9000"}}`
	r := e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests"), body)
	r.OK(http.StatusCreated, apitest.CustomerToken)
	d := r.Obj()
	require.Regexp(t, kazootest.Hex32, d["id"])
	require.Equal(t, "Porting 202.555.9000", d["name"])
	require.Equal(t, map[string]any{kazootest.Phone: map[string]any{}}, d["numbers"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, "customer", d["account_id"])
	require.Equal(t, false, d["sent"])
	require.Equal(t, kazootest.Gregorian(portingtest.Epoch), d["created"])
	require.Equal(t, map[string]any{}, d["uploads"])
	require.Regexp(t, `^1-[0-9a-f]{32}$`, r.Revision())
	id := d["id"].(string)

	t.Run("a port already exists for this number", func(t *testing.T) {
		r := e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests"), body)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{kazootest.Phone: map[string]any{"type": map[string]any{
			"cause": kazootest.Phone, "message": "Number is on a port request already: " + id,
		}}}, r.Obj())
		require.Nil(t, r.Env.Revision)
	})
	t.Run("keyed by the number as sent", func(t *testing.T) {
		r := e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests"),
			`{"data":{"numbers":{"(202) 555-9000":{}}, "name":"again"}}`)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"(202) 555-9000": map[string]any{"type": map[string]any{
			"cause": "(202) 555-9000", "message": "Number is on a port request already: " + id,
		}}}, r.Obj())
	})
	t.Run("an account already owns this number", func(t *testing.T) {
		require.NoError(t, e.F.Inventory.Activate(context.Background(), "authority", []string{"+12025559001"}))
		r := e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests"),
			`{"data":{"numbers":{"+12025559001":{}}, "name":"owned"}}`)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"+12025559001": map[string]any{"type": map[string]any{
			"cause": "+12025559001", "message": "Number exists on the system already",
		}}}, r.Obj())
	})
	t.Run("numbers are E.164 in the answer", func(t *testing.T) {
		r := e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests"),
			`{"data":{"numbers":{"(202) 555-9042":{"state":"DC"}}, "name":"raw"}}`)
		r.OK(http.StatusCreated, apitest.CustomerToken)
		require.Equal(t, map[string]any{"+12025559042": map[string]any{"state": "DC"}}, r.Obj()["numbers"])
	})
	t.Run("validation", func(t *testing.T) {
		r := e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests"),
			`{"data":{"numbers":{"12":{}}, "name":"", "bill":{"btn":"nope"}}}`)
		r.Failed(http.StatusBadRequest, "invalid request")
		d := r.Obj()
		require.Contains(t, d, "12")
		require.Contains(t, d["name"], "required")
		require.Contains(t, d["bill.btn"], "format")
	})
}

// The document's "List port request details", "Edit a port request" and
// "DELETE a port request", in that order.
func TestGetEditDelete(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	path := kazootest.URL("customer", "port_requests/"+id)

	r := e.Do("GET", apitest.CustomerToken, path, nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	d := r.Obj()
	require.Equal(t, id, d["id"])
	require.Equal(t, "Porting 202.555.9000", d["name"])
	require.Equal(t, map[string]any{kazootest.Phone: map[string]any{}}, d["numbers"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, false, d["sent"])
	require.Equal(t, d["created"], d["updated"])
	require.Equal(t, map[string]any{}, d["uploads"])
	rev1 := r.Revision()
	require.Regexp(t, `^1-[0-9a-f]{32}$`, rev1)
	require.Equal(t, rev1, e.Do("GET", apitest.CustomerToken, path, nil).Revision(), "stable revision")

	e.F.Clock.Advance(time.Hour)
	r = e.Do("POST", apitest.CustomerToken, path,
		`{"data":{"numbers":{"`+kazootest.Phone+`":{"state":"NY"}}, "name": "My port request"}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	d = r.Obj()
	require.Equal(t, "My port request", d["name"])
	require.Equal(t, map[string]any{kazootest.Phone: map[string]any{"state": "NY"}}, d["numbers"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, d["created"].(float64)+3600, d["updated"])
	rev2 := r.Revision()
	require.Regexp(t, `^2-[0-9a-f]{32}$`, rev2)
	require.NotEqual(t, rev1[2:], rev2[2:])

	r = e.Do("DELETE", apitest.CustomerToken, path, nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	d = r.Obj()
	require.Equal(t, id, d["id"])
	require.Equal(t, "My port request", d["name"])
	require.Equal(t, map[string]any{kazootest.Phone: map[string]any{"state": "NY"}}, d["numbers"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, rev2, r.Revision())

	e.Do("GET", apitest.CustomerToken, path, nil).Failed(http.StatusNotFound, "bad identifier")
}

// Every field of the representation, in and out; read-only keys are
// ignored and unknown keys kept.
func TestRepresentation(t *testing.T) {
	e := kazootest.Setup(t)
	transfer := kazootest.Gregorian(portingtest.Epoch.Add(10 * 24 * time.Hour))
	signing := kazootest.Gregorian(portingtest.Epoch.Add(-24 * time.Hour))
	r := e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests"), map[string]any{"data": map[string]any{
		"name": "Port request test", "numbers": map[string]any{kazootest.Phone: map[string]any{}},
		"bill": map[string]any{
			"name": "John Doe", "address": "116, natoma street", "street_address": "Natoma", "street_number": "116",
			"street_pre_dir": "N", "street_post_dir": "W", "street_type": "St", "extended_address": "Suite 1",
			"locality": "San Francisco", "region": "Ca", "postal_code": "95109", "country": "US",
			"account_number": "1234", "pin": "9876", "btn": "(202) 555-9000", "carrier": "PACIFIC BELL",
		},
		"carrier": "PACIFIC BELL", "winning_carrier": "Us", "reference_number": "ref-1",
		"transfer_date": transfer, "signee_name": "John Doe", "signing_date": signing,
		"notifications": map[string]any{"email": map[string]any{"send_to": "someone@2600hz.com"}},
		"ui_metadata":   map[string]any{"origin": "test"},
		"id":            "forged", "port_state": "completed", "created": 5, "sent": true, "pvt_secret": 1, "_rev": "9-x",
		"uploads": map[string]any{"x.pdf": map[string]any{"length": 1}}, "carrier_reference_number": "forged",
		"_read_only": map[string]any{"port_authority": "forged"},
	}})
	r.OK(http.StatusCreated, apitest.CustomerToken)
	d := r.Obj()
	require.NotEqual(t, "forged", d["id"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, false, d["sent"])
	require.Equal(t, map[string]any{}, d["uploads"])
	require.NotContains(t, d, "pvt_secret")
	require.NotContains(t, d, "_rev")
	require.Equal(t, map[string]any{"origin": "test"}, d["ui_metadata"])
	require.Equal(t, map[string]any{
		"name": "John Doe", "address": "116, natoma street", "street_address": "Natoma", "street_number": "116",
		"street_pre_dir": "N", "street_post_dir": "W", "street_type": "St", "extended_address": "Suite 1",
		"locality": "San Francisco", "region": "Ca", "postal_code": "95109", "country": "US",
		"account_number": "1234", "pin": "9876", "btn": kazootest.Phone, "carrier": "PACIFIC BELL",
	}, d["bill"])
	require.Equal(t, "PACIFIC BELL", d["carrier"])
	require.Equal(t, "Us", d["winning_carrier"])
	require.Equal(t, "ref-1", d["reference_number"])
	require.Equal(t, "ref-1", d["carrier_reference_number"], "under the name Monster UI's listing reads too")
	require.Equal(t, transfer, d["transfer_date"])
	require.Equal(t, signing, d["signing_date"])
	require.Equal(t, "John Doe", d["signee_name"])
	require.NotContains(t, d, "scheduled_date")
	require.Equal(t, map[string]any{"email": map[string]any{"send_to": "someone@2600hz.com"}}, d["notifications"])
	id := d["id"].(string)
	got, err := e.F.Service.Get(e.F.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, []string{"ui_metadata"}, slices.Collect(maps.Keys(got.Extra)), "read-only keys are not kept")

	// The list shows no PIN.
	l := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests"), nil)
	l.OK(http.StatusOK, apitest.CustomerToken)
	listed := l.List()[0]["port_requests"].([]any)[0].(map[string]any)
	require.NotContains(t, listed["bill"], "pin")

	// send_to: a list of several; the keys are sorted as Kazoo sorts them.
	r = e.Do("PATCH", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id),
		`{"data":{"notifications":{"email":{"send_to":["a@example.com","b@example.com"]}}}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, map[string]any{"email": map[string]any{"send_to": []any{"a@example.com", "b@example.com"}}},
		r.Obj()["notifications"])
	require.Regexp(t, `^\{"_read_only":\{"port_authority":"authority","port_authority_name":"Port Authority"\},"account_id":.*"bill":\{"account_number":.*"address":.*\},"carrier":.*"created":.*"id":.*"name":.*"notifications":.*"numbers":.*"port_state":.*"reference_number":.*"sent":.*"signee_name":.*"signing_date":.*"transfer_date":.*"ui_metadata":.*"updated":.*"uploads":.*"winning_carrier":"Us"\}$`,
		string(r.Env.Data))

	t.Run("a date that is not a number", func(t *testing.T) {
		r := e.Do("POST", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id),
			`{"data":{"name":"x","numbers":{"+12025559000":{}},"transfer_date":"tomorrow"}}`)
		r.Failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "transfer_date")
		require.Contains(t, r.Obj(), "transfer_date")
	})
	t.Run("a field of the wrong type", func(t *testing.T) {
		r := e.Do("POST", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id),
			`{"data":{"name":7,"numbers":{"+12025559000":{}}}}`)
		r.Failed(http.StatusBadRequest, "name must be a string")
	})
	t.Run("POST replaces every writable field", func(t *testing.T) {
		r := e.Do("POST", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id),
			`{"data":{"name":"bare","numbers":{"+12025559000":{}}}}`)
		r.OK(http.StatusOK, apitest.CustomerToken)
		d := r.Obj()
		for _, k := range []string{"bill", "carrier", "transfer_date", "notifications", "ui_metadata"} {
			require.NotContains(t, d, k)
		}
	})
}

// PATCH merges: fields not sent stay, bill keys merge, null removes.
func TestPatchMerge(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Merge me", kazootest.Phone)
	path := kazootest.URL("customer", "port_requests/"+id)
	r := e.Do("PATCH", apitest.CustomerToken, path, `{"data":{"carrier":"PACIFIC BELL","bill":{"name":"John Doe"},"custom":1}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	r = e.Do("PATCH", apitest.CustomerToken, path, `{"data":{"bill":{"locality":"San Francisco"},"numbers":{"(202) 555-9001":{}}}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	d := r.Obj()
	require.Equal(t, "Merge me", d["name"])
	require.Equal(t, "PACIFIC BELL", d["carrier"])
	require.Equal(t, map[string]any{"name": "John Doe", "locality": "San Francisco"}, d["bill"])
	require.Equal(t, float64(1), d["custom"])
	require.ElementsMatch(t, []string{kazootest.Phone, "+12025559001"}, slices.Collect(maps.Keys(d["numbers"].(map[string]any))))

	r = e.Do("PATCH", apitest.CustomerToken, path, `{"data":{"carrier":null,"custom":null,"numbers":{"(202) 555-9001":null}}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	d = r.Obj()
	require.NotContains(t, d, "carrier")
	require.NotContains(t, d, "custom")
	require.Equal(t, map[string]any{kazootest.Phone: map[string]any{}}, d["numbers"])
	require.Regexp(t, `^4-`, r.Revision())
}

// Strings are escaped as encoding/json escapes them (HTML characters
// left alone), invalid UTF-8 replaced.
func TestStringEscaping(t *testing.T) {
	e := kazootest.Setup(t)
	name := "a\"b\\c\n\r\t\x01\x1f <>& \u2028\u2029 é 😀 \xff end"
	r, err := e.F.Service.Create(e.F.AsCustomer(), "customer", porting.RequestInput{
		Name: name, Numbers: []porting.NumberInput{{Raw: kazootest.Phone, Details: []byte(`{ "k" : "\u00e9" }`)}},
		Extra: map[string]json.RawMessage{"x\ty": []byte(`[1, 2]`)},
	})
	require.NoError(t, err)
	resp := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+r.ID), nil)
	resp.OK(http.StatusOK, apitest.CustomerToken)
	require.True(t, json.Valid(resp.Body))
	d := resp.Obj()
	require.Equal(t, strings.ToValidUTF8(name, "\ufffd"), d["name"])
	require.Contains(t, string(resp.Body), `<>&`)
	require.Contains(t, string(resp.Body), `\u2028\u2029`)
	require.Contains(t, string(resp.Body), `"x\ty":[1,2]`)
	require.Contains(t, string(resp.Body), `"+12025559000":{"k":"\u00e9"}`)
}

// Concurrent PATCHes without If-Match: a merge never loses another's
// change (each is made on the revision it read, again on a conflict).
func TestPatchConcurrent(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	path := kazootest.URL("customer", "port_requests/"+id)
	const n = 8
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := `{"data":{"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i) + `}}`
			req := httptest.NewRequest("PATCH", path, strings.NewReader(body))
			req.Header.Set("X-Auth-Token", apitest.CustomerToken)
			rec := httptest.NewRecorder()
			e.H.ServeHTTP(rec, req) // no require outside the test's goroutine
			codes[i] = rec.Code
		}()
	}
	wg.Wait()
	require.Contains(t, codes, http.StatusOK, "some merge always wins")
	d := e.Do("GET", apitest.CustomerToken, path, nil).Obj()
	for i, code := range codes {
		require.Contains(t, []int{http.StatusOK, http.StatusConflict}, code)
		if code == http.StatusOK {
			require.Equal(t, float64(i), d["k"+strconv.Itoa(i)], "k%d lost", i)
		}
	}
}

// GET of one request is routed without the ServeMux when its path is
// plain; every other shape still reaches the ServeMux's routes, with the
// same answers.
func TestGetRouting(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("fast", kazootest.Phone)
	base := "/v2/accounts/" + e.F.Customer.ID + "/port_requests"

	r := e.Do("GET", apitest.CustomerToken, base+"/"+id, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Body))
	require.Contains(t, string(r.Env.Data), `"id":"`+id+`"`)

	r = e.Do("GET", apitest.CustomerToken, base+"/unconfirmed", nil)
	require.Equal(t, http.StatusOK, r.Code, "a state name is the state listing")
	require.Contains(t, string(r.Env.Data), `"port_requests"`)

	for path, code := range map[string]int{
		base + "/ABC" + id:                         http.StatusNotFound, // not a plain ID: the ServeMux answers
		base + "/0000000000000000000000000000dead": http.StatusNotFound,
		"/v2/accounts/other/port_requests/" + id:   http.StatusForbidden,
		"/v2/accounts/nobody/port_requests/" + id:  http.StatusNotFound,
	} {
		e.Do("GET", apitest.CustomerToken, path, nil).Failed(code, "")
	}
	r = e.Do("GET", apitest.CustomerToken, base+"/"+id+"/", nil)
	require.Equal(t, http.StatusOK, r.Code, "a trailing slash is the same path")
	require.Contains(t, string(r.Env.Data), `"id":"`+id+`"`)
	// The handler itself routes doubled slashes (a ServeMux in front of it
	// would redirect them: see httpapi.CleanPaths).
	h := kazoo.New(e.F.Service, apitest.Tokens(e.F), kazoo.Options{})
	rec := apitest.Serve(h, "GET", "/v2//accounts/customer//port_requests/"+id, apitest.CustomerToken, "", nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Contains(t, rec.Body.String(), `"id":"`+id+`"`)
	r = e.Do("GET", apitest.CustomerToken, base+"/"+id+"/timeline", nil)
	require.Equal(t, http.StatusOK, r.Code, "deeper paths are the ServeMux's")
	r = e.Do("GET", "", base+"/"+id, nil)
	require.Equal(t, http.StatusUnauthorized, r.Code, "the fast path authenticates too")
}
