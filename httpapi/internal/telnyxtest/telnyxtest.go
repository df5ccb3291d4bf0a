// Package telnyxtest is the Telnyx dialect's test environment: a handler
// over a portingtest fixture with the test carriers, requests in Telnyx's
// header, its error bodies checked, answers compared with the Telnyx
// document's example bodies (see the Doc constants), and multipart
// uploads of supporting documents.
package telnyxtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// Admin is the token of a system admin, of no account.
const Admin = "admin-token"

// LinkKey is the key Setup signs download links with.
const LinkKey = "telnyx test link key"

// carriers are the test carriers, by prefix. The document's numbers
// (+1312535...) are Carrier B's.
var carriers = [][2]string{
	{"+1202555", "Carrier A"},
	{"+1312535", "Carrier B"},
	{"+1415555", "Carrier C"},
}

// FOC is an allowed FOC date as of the fixture's epoch (Monday 2 March
// 2026, 14:00 UTC): the first window is Thursday 15:00-23:00 UTC.
const FOC = "2026-03-05T16:00:00Z"

// Env is a Telnyx handler over a portingtest fixture.
type Env struct {
	// F is the fixture the handler serves.
	F *portingtest.Fixture
	// H is the handler.
	H http.Handler
	// Prefix is the handler's prefix, without a trailing slash.
	Prefix string
}

// Setup builds the environment: the fixture's accounts plus "other" (a
// sibling of customer), a token per caller (see apitest.Tokens and
// Admin), the test carriers loaded (+1202555 Carrier A, +1312535 Carrier
// B, +1415555 Carrier C), links signed with LinkKey, nothing logged. opts
// adjust the handler's options.
func Setup(t testing.TB, opts ...func(*telnyx.Options)) *Env {
	t.Helper()
	return SetupService(t, nil, opts...)
}

// SetupService is Setup with Service options.
func SetupService(t testing.TB, svcOpts []portingtest.Option, opts ...func(*telnyx.Options)) *Env {
	t.Helper()
	f := portingtest.New(t, svcOpts...)
	require.NoError(t, f.Service.PutAccount(porting.AsSystem(context.Background()),
		porting.Account{ID: "other", Name: "Other", ParentID: f.Authority.ID}))
	for _, c := range carriers {
		f.Carriers.Add(c[0], c[1])
	}
	tokens := apitest.Tokens(f)
	tokens.Add(Admin, porting.Actor{Admin: true, Name: "Admin"})
	opt := telnyx.Options{LinkKey: []byte(LinkKey), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(&opt)
	}
	prefix := strings.TrimRight(opt.Prefix, "/")
	if opt.Prefix == "" {
		prefix = telnyx.DefaultPrefix
	}
	return &Env{F: f, H: telnyx.New(f.Service, tokens, opt), Prefix: prefix}
}

// Do sends a request to a path under the prefix as token (none when
// empty), with a body (see apitest.BodyReader).
func (e *Env) Do(method, path, token string, body any) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, e.Prefix+path, apitest.BodyReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.H.ServeHTTP(rec, req)
	return rec
}

// Must sends a request and requires the status.
func (e *Env) Must(t testing.TB, want int, method, path, token string, body any) *httptest.ResponseRecorder {
	t.Helper()
	rec := e.Do(method, path, token, body)
	require.Equal(t, want, rec.Code, "%s %s: %s", method, path, rec.Body.String())
	return rec
}

// Decode decodes a response body.
func Decode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	return v
}

// Obj is a decoded JSON object.
type Obj = map[string]any

// RequireShape checks that got has every key of the document's example
// doc, recursively (each array element against the example's first; an
// array the example fills must not be empty), with values of the
// example's JSON type or null.
func RequireShape(t testing.TB, doc string, got []byte) {
	t.Helper()
	var d, g any
	require.NoError(t, json.Unmarshal([]byte(doc), &d))
	require.NoError(t, json.Unmarshal(got, &g), string(got))
	requireShape(t, "", d, g)
}

func requireShape(t testing.TB, path string, doc, got any) {
	t.Helper()
	switch d := doc.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		require.True(t, ok, "%s: want an object, got %T", path, got)
		for k, dv := range d {
			gv, ok := g[k]
			require.True(t, ok, "%s: missing key %q", path, k)
			if gv != nil && dv != nil {
				requireShape(t, path+"/"+k, dv, gv)
			}
		}
	case []any:
		g, ok := got.([]any)
		require.True(t, ok, "%s: want an array, got %T", path, got)
		if len(d) > 0 {
			require.NotEmpty(t, g, "%s: an empty array shows no shape", path)
			for i, gv := range g {
				requireShape(t, fmt.Sprintf("%s/%d", path, i), d[0], gv)
			}
		}
	default:
		require.IsType(t, doc, got, "%s", path)
	}
}

// CreateDraft creates a draft over HTTP as the customer.
func (e *Env) CreateDraft(t testing.TB, numbers ...string) Obj {
	t.Helper()
	return Decode[Obj](t, e.Must(t, http.StatusCreated, "POST", "/draft_port_requests", apitest.CustomerToken, Numbers(numbers...)))
}

// Numbers is a phone_numbers body.
func Numbers(numbers ...string) map[string]any {
	list := make([]map[string]string, len(numbers))
	for i, n := range numbers {
		list[i] = map[string]string{"phone_number": n}
	}
	return map[string]any{"phone_numbers": list}
}

// Submitted makes a request through the Service and submits it (filled
// in first): a port request in state submitted (in-process).
func (e *Env) Submitted(t testing.TB, numbers ...string) *porting.PortRequest {
	t.Helper()
	r := e.F.Create(t, numbers...)
	e.F.FillSubRequests(t, r.ID)
	r, err := e.F.Service.SubmitDraft(e.F.AsCustomer(), r.ID, 0, true)
	require.NoError(t, err)
	return r
}

// Pointers decodes an error body and returns its pointers.
func Pointers(t testing.TB, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	body := Decode[struct {
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

// RequireError checks an error response: status, JSON content type, a
// message, and at least one error entry with code and title. It returns
// the decoded body.
func RequireError(t testing.TB, rec *httptest.ResponseRecorder, status int) Obj {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	body := Decode[Obj](t, rec)
	require.NotEmpty(t, body["message"])
	errs, ok := body["errors"].([]any)
	require.True(t, ok, rec.Body.String())
	require.NotEmpty(t, errs)
	for _, e := range errs {
		require.NotEmpty(t, e.(Obj)["code"])
		require.NotEmpty(t, e.(Obj)["title"])
	}
	return body
}

// CheckAnswer checks any Telnyx answer: no 5xx; JSON; a refusal is a 4xx
// with a message and error entries each with a code and a title.
func CheckAnswer(tb testing.TB, rec *httptest.ResponseRecorder, what string) {
	tb.Helper()
	apitest.RequireSuccessOrRefusal(tb, rec, what)
	require.Equal(tb, "application/json", rec.Header().Get("Content-Type"), "%s: %s", what, rec.Body)
	require.True(tb, json.Valid(rec.Body.Bytes()), "%s: answer is not JSON: %q", what, rec.Body)
	if rec.Code < http.StatusBadRequest {
		return
	}
	var body struct {
		Message string `json:"message"`
		Errors  []struct {
			Code  string `json:"code"`
			Title string `json:"title"`
		} `json:"errors"`
	}
	require.NoError(tb, json.Unmarshal(rec.Body.Bytes(), &body), "%s: %s", what, rec.Body)
	require.NotEmpty(tb, strings.TrimSpace(body.Message), "%s: a refusal without a message: %s", what, rec.Body)
	require.NotEmpty(tb, body.Errors, "%s: a refusal without errors: %s", what, rec.Body)
	for _, e := range body.Errors {
		require.NotEmpty(tb, e.Code, "%s: an error without a code: %s", what, rec.Body)
		require.NotEmpty(tb, e.Title, "%s: an error without a title: %s", what, rec.Body)
	}
}

// Subs returns a decoded object's sub_requests.
func Subs(o Obj) []Obj {
	list, _ := o["sub_requests"].([]any)
	return List(list)
}

// List converts a decoded array of objects.
func List(v []any) []Obj {
	out := make([]Obj, len(v))
	for i, x := range v {
		out[i] = x.(Obj)
	}
	return out
}

// SubByID finds a sub request by ID; nil when none has it.
func SubByID(subs []Obj, id string) Obj {
	i := slices.IndexFunc(subs, func(o Obj) bool { return o["id"] == id })
	if i < 0 {
		return nil
	}
	return subs[i]
}

// Fill fills in every sub request of a draft through the Service, as
// ctx's actor, as portingtest's FillSubRequests does for the customer.
func Fill(t testing.TB, f *portingtest.Fixture, ctx context.Context, r *porting.PortRequest) {
	t.Helper()
	foc, err := time.Parse(time.RFC3339, FOC)
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

// Realistic are values for every field of the document's sub request
// edit body ("string" in the document).
var Realistic = map[string]any{
	"foc_date_requested_by_user": FOC,
	"person_or_company_name":     "Acme Widgets LLC",
	"auth_person_name":           "John Smith",
	"billing_phone_number":       "(312) 535-4200",
	"street_address":             "311 W Superior St",
	"extended_address":           "Suite 504",
	"locality":                   "Chicago",
	"administrative_area":        "il",
	"postal_code":                "60654",
	"country_code":               "us",
	"default_connection_id":      "1293384261075731499",
	"default_message_profile_id": "400174a4-3a3c-4c55-9a1f-3f4ea0d0e8b1",
	"porting_option":             map[string]any{"type": "partial", "remaining_numbers_action": "keep", "new_billing_phone_number": "+13125354999"},
	"pin_passcode":               "1234",
	"account_number":             "ACC-42",
	"description":                "Chicago office",
	"tax_identifier":             "DE123456789",
	"business_identifier":        "HRB 12345",
	"customer_rating":            4,
	"customer_rating_comment":    "Quick and painless",
}

// BodyFrom fills the keys of a document example body with Realistic
// values, leaving out the keys in skip.
func BodyFrom(t testing.TB, doc string, skip ...string) map[string]any {
	t.Helper()
	var keys map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc), &keys))
	out := map[string]any{}
	for k := range keys {
		v, ok := Realistic[k]
		require.True(t, ok, "no value for %q", k)
		out[k] = v
	}
	for _, k := range skip {
		delete(out, k)
	}
	return out
}

// PDF is a small file that sniffs as a PDF.
var PDF = []byte("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")

// Part is one part of a multipart upload: a form field when Filename
// and ContentType are empty.
type Part struct {
	Name, Filename, ContentType string
	Data                        []byte
}

// DocType is the document_type field of an upload.
func DocType(v string) Part { return Part{Name: "document_type", Data: []byte(v)} }

// WriteParts writes parts to mw and closes it.
func WriteParts(mw *multipart.Writer, parts ...Part) error {
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := fmt.Sprintf(`form-data; name=%q`, p.Name)
		if p.Filename != "" {
			cd += fmt.Sprintf(`; filename=%q`, p.Filename)
		}
		h.Set("Content-Disposition", cd)
		if p.ContentType != "" {
			h.Set("Content-Type", p.ContentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(p.Data); err != nil {
			return err
		}
	}
	return mw.Close()
}

// Upload posts a multipart body of parts to a request's supporting
// documents as token.
func (e *Env) Upload(id, token string, parts ...Part) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := WriteParts(mw, parts...); err != nil {
		panic(err)
	}
	req := httptest.NewRequest("POST", e.Prefix+"/port_requests/"+id+"/supporting_documents", &buf)
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	e.H.ServeHTTP(rec, req)
	return rec
}
