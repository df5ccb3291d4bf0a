package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FuzzTelnyxDraftCreate posts arbitrary bodies to POST draft_port_requests:
// the answer is never a 5xx nor a panic, and always JSON.
func FuzzTelnyxDraftCreate(f *testing.F) {
	for _, seed := range []string{
		telnyxDocDraftCreate,
		telnyxDocPortabilityCheckRequest,
		`{"phone_numbers":[{"phone_number":"+12025550100"},{"phone_number":"(202) 555-0100"}]}`,
		`{"phone_numbers":[{"phone_number":"011 44 20 7946 0000"},{"phone_number":"+999999999999999999999"}]}`,
		`{"phone_numbers":[null, {}, {"phone_number": null}]}`,
		`{"phone_numbers":null}`, `{"phone_numbers":{}}`, `{"phone_numbers":[1]}`,
		``, `null`, `[]`, `"x"`, `{`, "\x00\xff", `{"phone_numbers":[]} {}`,
	} {
		f.Add(seed)
	}
	e := telnyxSetup(f)
	f.Fuzz(func(t *testing.T, body string) {
		rec := e.do("POST", "/draft_port_requests", customerToken, body)
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
