package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// The document's "Create a new port request", success and both failures.
func TestKazooCreate(t *testing.T) {
	e := kazooSetup(t)
	body := `{"data":{"numbers":{"` + kazooPhone + `":{}}, "name":"Porting 202.555.9000"}}`
	r := e.do("PUT", customerToken, kazooURL("customer", "port_requests"), body)
	r.ok(http.StatusCreated, customerToken)
	d := r.obj()
	require.Regexp(t, kazooHex32, d["id"])
	require.Equal(t, "Porting 202.555.9000", d["name"])
	require.Equal(t, map[string]any{kazooPhone: map[string]any{}}, d["numbers"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, "customer", d["account_id"])
	require.Equal(t, false, d["sent"])
	require.Equal(t, kazooG(kazooEpoch), d["created"])
	require.Equal(t, map[string]any{}, d["uploads"])
	require.Regexp(t, `^1-[0-9a-f]{32}$`, r.revision())
	id := d["id"].(string)

	t.Run("a port already exists for this number", func(t *testing.T) {
		r := e.do("PUT", customerToken, kazooURL("customer", "port_requests"), body)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{kazooPhone: map[string]any{"type": map[string]any{
			"cause": kazooPhone, "message": "Number is on a port request already: " + id,
		}}}, r.obj())
		require.Nil(t, r.Env.Revision)
	})
	t.Run("keyed by the number as sent", func(t *testing.T) {
		r := e.do("PUT", customerToken, kazooURL("customer", "port_requests"),
			`{"data":{"numbers":{"(202) 555-9000":{}}, "name":"again"}}`)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"(202) 555-9000": map[string]any{"type": map[string]any{
			"cause": "(202) 555-9000", "message": "Number is on a port request already: " + id,
		}}}, r.obj())
	})
	t.Run("an account already owns this number", func(t *testing.T) {
		require.NoError(t, e.f.Inventory.Activate(context.Background(), "authority", []string{"+12025559001"}))
		r := e.do("PUT", customerToken, kazooURL("customer", "port_requests"),
			`{"data":{"numbers":{"+12025559001":{}}, "name":"owned"}}`)
		r.failed(http.StatusBadRequest, "invalid request")
		require.Equal(t, map[string]any{"+12025559001": map[string]any{"type": map[string]any{
			"cause": "+12025559001", "message": "Number exists on the system already",
		}}}, r.obj())
	})
	t.Run("numbers are E.164 in the answer", func(t *testing.T) {
		r := e.do("PUT", customerToken, kazooURL("customer", "port_requests"),
			`{"data":{"numbers":{"(202) 555-9042":{"state":"DC"}}, "name":"raw"}}`)
		r.ok(http.StatusCreated, customerToken)
		require.Equal(t, map[string]any{"+12025559042": map[string]any{"state": "DC"}}, r.obj()["numbers"])
	})
	t.Run("validation", func(t *testing.T) {
		r := e.do("PUT", customerToken, kazooURL("customer", "port_requests"),
			`{"data":{"numbers":{"12":{}}, "name":"", "bill":{"btn":"nope"}}}`)
		r.failed(http.StatusBadRequest, "invalid request")
		d := r.obj()
		require.Contains(t, d, "12")
		require.Contains(t, d["name"], "required")
		require.Contains(t, d["bill.btn"], "format")
	})
}

// The document's "List port request details", "Edit a port request" and
// "DELETE a port request", in that order.
func TestKazooGetEditDelete(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	path := kazooURL("customer", "port_requests/"+id)

	r := e.do("GET", customerToken, path, nil)
	r.ok(http.StatusOK, customerToken)
	d := r.obj()
	require.Equal(t, id, d["id"])
	require.Equal(t, "Porting 202.555.9000", d["name"])
	require.Equal(t, map[string]any{kazooPhone: map[string]any{}}, d["numbers"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, false, d["sent"])
	require.Equal(t, d["created"], d["updated"])
	require.Equal(t, map[string]any{}, d["uploads"])
	rev1 := r.revision()
	require.Regexp(t, `^1-[0-9a-f]{32}$`, rev1)
	require.Equal(t, rev1, e.do("GET", customerToken, path, nil).revision(), "stable revision")

	e.f.Clock.Advance(time.Hour)
	r = e.do("POST", customerToken, path,
		`{"data":{"numbers":{"`+kazooPhone+`":{"state":"NY"}}, "name": "My port request"}}`)
	r.ok(http.StatusOK, customerToken)
	d = r.obj()
	require.Equal(t, "My port request", d["name"])
	require.Equal(t, map[string]any{kazooPhone: map[string]any{"state": "NY"}}, d["numbers"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, d["created"].(float64)+3600, d["updated"])
	rev2 := r.revision()
	require.Regexp(t, `^2-[0-9a-f]{32}$`, rev2)
	require.NotEqual(t, rev1[2:], rev2[2:])

	r = e.do("DELETE", customerToken, path, nil)
	r.ok(http.StatusOK, customerToken)
	d = r.obj()
	require.Equal(t, id, d["id"])
	require.Equal(t, "My port request", d["name"])
	require.Equal(t, map[string]any{kazooPhone: map[string]any{"state": "NY"}}, d["numbers"])
	require.Equal(t, "unconfirmed", d["port_state"])
	require.Equal(t, rev2, r.revision())

	e.do("GET", customerToken, path, nil).failed(http.StatusNotFound, "bad identifier")
}

// Every field of the representation, in and out; read-only keys are
// ignored and unknown keys kept.
func TestKazooRepresentation(t *testing.T) {
	e := kazooSetup(t)
	transfer := kazooG(kazooEpoch.Add(10 * 24 * time.Hour))
	signing := kazooG(kazooEpoch.Add(-24 * time.Hour))
	r := e.do("PUT", customerToken, kazooURL("customer", "port_requests"), map[string]any{"data": map[string]any{
		"name": "Port request test", "numbers": map[string]any{kazooPhone: map[string]any{}},
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
		"uploads": map[string]any{"x.pdf": map[string]any{"length": 1}},
	}})
	r.ok(http.StatusCreated, customerToken)
	d := r.obj()
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
		"account_number": "1234", "pin": "9876", "btn": kazooPhone, "carrier": "PACIFIC BELL",
	}, d["bill"])
	require.Equal(t, "PACIFIC BELL", d["carrier"])
	require.Equal(t, "Us", d["winning_carrier"])
	require.Equal(t, "ref-1", d["reference_number"])
	require.Equal(t, transfer, d["transfer_date"])
	require.Equal(t, signing, d["signing_date"])
	require.Equal(t, "John Doe", d["signee_name"])
	require.NotContains(t, d, "scheduled_date")
	require.Equal(t, map[string]any{"email": map[string]any{"send_to": "someone@2600hz.com"}}, d["notifications"])
	id := d["id"].(string)
	got, err := e.f.Service.Get(e.f.AsCustomer(), id)
	require.NoError(t, err)
	require.Equal(t, []string{"ui_metadata"}, kazooKeys(got.Extra), "read-only keys are not kept")

	// The list shows no PIN.
	l := e.do("GET", customerToken, kazooURL("customer", "port_requests"), nil)
	l.ok(http.StatusOK, customerToken)
	listed := l.list()[0]["port_requests"].([]any)[0].(map[string]any)
	require.NotContains(t, listed["bill"], "pin")

	// send_to: a list of several; the keys are sorted as Kazoo sorts them.
	r = e.do("PATCH", customerToken, kazooURL("customer", "port_requests/"+id),
		`{"data":{"notifications":{"email":{"send_to":["a@example.com","b@example.com"]}}}}`)
	r.ok(http.StatusOK, customerToken)
	require.Equal(t, map[string]any{"email": map[string]any{"send_to": []any{"a@example.com", "b@example.com"}}},
		r.obj()["notifications"])
	require.Regexp(t, `^\{"account_id":.*"bill":\{"account_number":.*"address":.*\},"carrier":.*"created":.*"id":.*"name":.*"notifications":.*"numbers":.*"port_state":.*"reference_number":.*"sent":.*"signee_name":.*"signing_date":.*"transfer_date":.*"ui_metadata":.*"updated":.*"uploads":.*"winning_carrier":"Us"\}$`,
		string(r.Env.Data))

	t.Run("a date that is not a number", func(t *testing.T) {
		r := e.do("POST", customerToken, kazooURL("customer", "port_requests/"+id),
			`{"data":{"name":"x","numbers":{"+12025559000":{}},"transfer_date":"tomorrow"}}`)
		r.failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "transfer_date")
		require.Contains(t, r.obj(), "transfer_date")
	})
	t.Run("a field of the wrong type", func(t *testing.T) {
		r := e.do("POST", customerToken, kazooURL("customer", "port_requests/"+id),
			`{"data":{"name":7,"numbers":{"+12025559000":{}}}}`)
		r.failed(http.StatusBadRequest, "name must be a string")
	})
	t.Run("POST replaces every writable field", func(t *testing.T) {
		r := e.do("POST", customerToken, kazooURL("customer", "port_requests/"+id),
			`{"data":{"name":"bare","numbers":{"+12025559000":{}}}}`)
		r.ok(http.StatusOK, customerToken)
		d := r.obj()
		for _, k := range []string{"bill", "carrier", "transfer_date", "notifications", "ui_metadata"} {
			require.NotContains(t, d, k)
		}
	})
}

// PATCH merges: fields not sent stay, bill keys merge, null removes.
func TestKazooPatchMerge(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Merge me", kazooPhone)
	path := kazooURL("customer", "port_requests/"+id)
	r := e.do("PATCH", customerToken, path, `{"data":{"carrier":"PACIFIC BELL","bill":{"name":"John Doe"},"custom":1}}`)
	r.ok(http.StatusOK, customerToken)
	r = e.do("PATCH", customerToken, path, `{"data":{"bill":{"locality":"San Francisco"},"numbers":{"(202) 555-9001":{}}}}`)
	r.ok(http.StatusOK, customerToken)
	d := r.obj()
	require.Equal(t, "Merge me", d["name"])
	require.Equal(t, "PACIFIC BELL", d["carrier"])
	require.Equal(t, map[string]any{"name": "John Doe", "locality": "San Francisco"}, d["bill"])
	require.Equal(t, float64(1), d["custom"])
	require.ElementsMatch(t, []string{kazooPhone, "+12025559001"}, kazooKeys(d["numbers"].(map[string]any)))

	r = e.do("PATCH", customerToken, path, `{"data":{"carrier":null,"custom":null,"numbers":{"(202) 555-9001":null}}}`)
	r.ok(http.StatusOK, customerToken)
	d = r.obj()
	require.NotContains(t, d, "carrier")
	require.NotContains(t, d, "custom")
	require.Equal(t, map[string]any{kazooPhone: map[string]any{}}, d["numbers"])
	require.Regexp(t, `^4-`, r.revision())
}

// Strings are escaped as encoding/json escapes them (HTML characters
// left alone), invalid UTF-8 replaced.
func TestKazooStringEscaping(t *testing.T) {
	e := kazooSetup(t)
	name := "a\"b\\c\n\r\t\x01\x1f <>& \u2028\u2029 é 😀 \xff end"
	r, err := e.f.Service.Create(e.f.AsCustomer(), "customer", porting.RequestInput{
		Name: name, Numbers: []porting.NumberInput{{Raw: kazooPhone, Details: []byte(`{ "k" : "\u00e9" }`)}},
		Extra: map[string]json.RawMessage{"x\ty": []byte(`[1, 2]`)},
	})
	require.NoError(t, err)
	resp := e.do("GET", customerToken, kazooURL("customer", "port_requests/"+r.ID), nil)
	resp.ok(http.StatusOK, customerToken)
	require.True(t, json.Valid(resp.Body))
	d := resp.obj()
	require.Equal(t, strings.ToValidUTF8(name, "\ufffd"), d["name"])
	require.Contains(t, string(resp.Body), `<>&`)
	require.Contains(t, string(resp.Body), `\u2028\u2029`)
	require.Contains(t, string(resp.Body), `"x\ty":[1,2]`)
	require.Contains(t, string(resp.Body), `"+12025559000":{"k":"\u00e9"}`)
}

// Concurrent PATCHes without If-Match: a merge never loses another's
// change (each is made on the revision it read, again on a conflict).
func TestKazooPatchConcurrent(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("Porting 202.555.9000", kazooPhone)
	path := kazooURL("customer", "port_requests/"+id)
	const n = 8
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := `{"data":{"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i) + `}}`
			req := httptest.NewRequest("PATCH", path, strings.NewReader(body))
			req.Header.Set("X-Auth-Token", customerToken)
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req) // no require outside the test's goroutine
			codes[i] = rec.Code
		}()
	}
	wg.Wait()
	require.Contains(t, codes, http.StatusOK, "some merge always wins")
	d := e.do("GET", customerToken, path, nil).obj()
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
func TestKazooGetRouting(t *testing.T) {
	e := kazooSetup(t)
	id := e.create("fast", kazooPhone)
	base := "/v2/accounts/" + e.f.Customer.ID + "/port_requests"

	r := e.do("GET", customerToken, base+"/"+id, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Body))
	require.Contains(t, string(r.Env.Data), `"id":"`+id+`"`)

	r = e.do("GET", customerToken, base+"/unconfirmed", nil)
	require.Equal(t, http.StatusOK, r.Code, "a state name is the state listing")
	require.Contains(t, string(r.Env.Data), `"port_requests"`)

	for path, code := range map[string]int{
		base + "/ABC" + id:                         http.StatusNotFound, // not a plain ID: the ServeMux answers
		base + "/0000000000000000000000000000dead": http.StatusNotFound,
		"/v2/accounts/other/port_requests/" + id:   http.StatusForbidden,
		"/v2/accounts/nobody/port_requests/" + id:  http.StatusNotFound,
		base + "/" + id + "/":                      http.StatusNotFound,
	} {
		e.do("GET", customerToken, path, nil).failed(code, "")
	}
	r = e.do("GET", customerToken, base+"/"+id+"/timeline", nil)
	require.Equal(t, http.StatusOK, r.Code, "deeper paths are the ServeMux's")
	r = e.do("GET", "", base+"/"+id, nil)
	require.Equal(t, http.StatusUnauthorized, r.Code, "the fast path authenticates too")
}
