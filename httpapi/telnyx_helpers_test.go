package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// telnyxAdmin is the token of a system admin, of no account.
const telnyxAdmin = "admin-token"

// The test carriers, by prefix. The document's numbers (+1312535...) are
// Carrier B's.
var telnyxCarriers = [][2]string{
	{"+1202555", "Carrier A"},
	{"+1312535", "Carrier B"},
	{"+1415555", "Carrier C"},
}

// telnyxFOC is an allowed FOC date as of the fixture's epoch (Monday 2
// March 2026, 14:00 UTC): the first window is Thursday 15:00-23:00 UTC.
const telnyxFOC = "2026-03-05T16:00:00Z"

// telnyxEnv is a Telnyx handler over a portingtest fixture.
type telnyxEnv struct {
	f      *portingtest.Fixture
	h      http.Handler
	prefix string
}

// telnyxSetup builds the environment: the fixture's accounts plus
// "other" (a sibling of customer), a token per caller (see testTokens and
// telnyxAdmin), the test carriers loaded.
func telnyxSetup(t testing.TB, opts ...func(*httpapi.TelnyxOptions)) *telnyxEnv {
	t.Helper()
	return telnyxSetupService(t, nil, opts...)
}

// telnyxSetupService is telnyxSetup with Service options.
func telnyxSetupService(t testing.TB, svcOpts []portingtest.Option, opts ...func(*httpapi.TelnyxOptions)) *telnyxEnv {
	t.Helper()
	f := portingtest.New(t, svcOpts...)
	require.NoError(t, f.Service.PutAccount(porting.AsSystem(context.Background()),
		porting.Account{ID: "other", Name: "Other", ParentID: f.Authority.ID}))
	for _, c := range telnyxCarriers {
		f.Carriers.Add(c[0], c[1])
	}
	tokens := testTokens(f)
	tokens.Add(telnyxAdmin, porting.Actor{Admin: true, Name: "Admin"})
	opt := httpapi.TelnyxOptions{LinkKey: []byte("telnyx test link key"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(&opt)
	}
	prefix := strings.TrimRight(opt.Prefix, "/")
	if opt.Prefix == "" {
		prefix = httpapi.DefaultTelnyxPrefix
	}
	return &telnyxEnv{f: f, h: httpapi.NewTelnyx(f.Service, tokens, opt), prefix: prefix}
}

// do sends a request as token (none when empty), with a body (see
// bodyReader).
func (e *telnyxEnv) do(method, path, token string, body any) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, e.prefix+path, bodyReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// must sends a request and requires the status.
func (e *telnyxEnv) must(t testing.TB, want int, method, path, token string, body any) *httptest.ResponseRecorder {
	t.Helper()
	rec := e.do(method, path, token, body)
	require.Equal(t, want, rec.Code, "%s %s: %s", method, path, rec.Body.String())
	return rec
}

// telnyxDecode decodes a response body.
func telnyxDecode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	return v
}

// telnyxObj is a decoded JSON object.
type telnyxObj = map[string]any

// telnyxRequireShape checks that got has every key of the document's
// example doc, recursively (each array element against the example's
// first; an array the example fills must not be empty), with values of
// the example's JSON type or null.
func telnyxRequireShape(t testing.TB, doc string, got []byte) {
	t.Helper()
	var d, g any
	require.NoError(t, json.Unmarshal([]byte(doc), &d))
	require.NoError(t, json.Unmarshal(got, &g), string(got))
	telnyxShape(t, "", d, g)
}

func telnyxShape(t testing.TB, path string, doc, got any) {
	t.Helper()
	switch d := doc.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		require.True(t, ok, "%s: want an object, got %T", path, got)
		for k, dv := range d {
			gv, ok := g[k]
			require.True(t, ok, "%s: missing key %q", path, k)
			if gv != nil && dv != nil {
				telnyxShape(t, path+"/"+k, dv, gv)
			}
		}
	case []any:
		g, ok := got.([]any)
		require.True(t, ok, "%s: want an array, got %T", path, got)
		if len(d) > 0 {
			require.NotEmpty(t, g, "%s: an empty array shows no shape", path)
			for i, gv := range g {
				telnyxShape(t, fmt.Sprintf("%s/%d", path, i), d[0], gv)
			}
		}
	default:
		require.IsType(t, doc, got, "%s", path)
	}
}

// createDraft creates a draft over HTTP as the customer.
func (e *telnyxEnv) createDraft(t testing.TB, numbers ...string) telnyxObj {
	t.Helper()
	body := telnyxNumbers(numbers...)
	return telnyxDecode[telnyxObj](t, e.must(t, http.StatusCreated, "POST", "/draft_port_requests", customerToken, body))
}

// telnyxNumbers is a phone_numbers body.
func telnyxNumbers(numbers ...string) map[string]any {
	list := make([]map[string]string, len(numbers))
	for i, n := range numbers {
		list[i] = map[string]string{"phone_number": n}
	}
	return map[string]any{"phone_numbers": list}
}

// submitted makes a request through the Service and submits it (filled
// in first): a port request in state submitted (in-process).
func (e *telnyxEnv) submitted(t testing.TB, numbers ...string) *porting.PortRequest {
	t.Helper()
	r := e.f.Create(t, numbers...)
	e.f.FillSubRequests(t, r.ID)
	r, err := e.f.Service.SubmitDraft(e.f.AsCustomer(), r.ID, 0, true)
	require.NoError(t, err)
	return r
}

// telnyxPointers decodes an error body and returns its pointers.
func telnyxPointers(t testing.TB, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	body := telnyxDecode[struct {
		Message string `json:"message"`
		Errors  []struct {
			Source struct {
				Pointer string `json:"pointer"`
			} `json:"source"`
		} `json:"errors"`
	}](t, rec)
	require.NotEmpty(t, body.Message)
	out := make([]string, len(body.Errors))
	for i, e := range body.Errors {
		out[i] = e.Source.Pointer
	}
	return out
}

// telnyxRequireError checks an error response: status, JSON content
// type, a message, and at least one error entry with code and title.
func telnyxRequireError(t testing.TB, rec *httptest.ResponseRecorder, status int) telnyxObj {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	body := telnyxDecode[telnyxObj](t, rec)
	require.NotEmpty(t, body["message"])
	errs, ok := body["errors"].([]any)
	require.True(t, ok, rec.Body.String())
	require.NotEmpty(t, errs)
	for _, e := range errs {
		require.NotEmpty(t, e.(telnyxObj)["code"])
		require.NotEmpty(t, e.(telnyxObj)["title"])
	}
	return body
}

// telnyxSubs returns a decoded object's sub_requests.
func telnyxSubs(o telnyxObj) []telnyxObj {
	list, _ := o["sub_requests"].([]any)
	return telnyxList(list)
}

// telnyxList converts a decoded array of objects.
func telnyxList(v []any) []telnyxObj {
	out := make([]telnyxObj, len(v))
	for i, x := range v {
		out[i] = x.(telnyxObj)
	}
	return out
}

// telnyxFill fills in every sub request of a draft through the Service,
// as ctx's actor, as portingtest's FillSubRequests does for the customer.
func telnyxFill(t testing.TB, f *portingtest.Fixture, ctx context.Context, r *porting.PortRequest) {
	t.Helper()
	foc, err := time.Parse(time.RFC3339, telnyxFOC)
	require.NoError(t, err)
	str := func(s string) *string { return &s }
	for _, sr := range r.SubRequests {
		_, err := f.Service.UpdateDraftSubRequest(ctx, r.ID, sr.ID, 0, porting.SubRequestPatch{
			FOCDateRequested: &foc, AuthPersonName: str("Jane Doe"), PersonOrCompanyName: str("Acme Inc"),
			BillingPhoneNumber: str(r.Numbers[0].E164), StreetAddress: str("1 Main St"), Locality: str("Washington"),
			AdministrativeArea: str("DC"), PostalCode: str("20001"), CountryCode: str("US"),
			DefaultConnectionID: str("conn-1"), DefaultMessageProfileID: str("msg-1"),
		})
		require.NoError(t, err)
	}
}
