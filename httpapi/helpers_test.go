package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// Helpers both dialects' tests use.

// Tokens of the tests' callers: the fixture's customer and its port
// authority, and a user of the account "other", which each dialect's
// setup makes.
const (
	customerToken  = "customer-token"
	authorityToken = "authority-token"
	otherToken     = "other-token"
)

// testTokens authenticates the tests' callers.
func testTokens(f *portingtest.Fixture) *httpapi.Tokens {
	tokens := &httpapi.Tokens{}
	tokens.Add(customerToken, porting.Actor{AccountID: f.Customer.ID, UserID: "customer-user", Name: "Customer User"})
	tokens.Add(authorityToken, porting.Actor{AccountID: f.Authority.ID, UserID: "authority-user", Name: "Authority User"})
	tokens.Add(otherToken, porting.Actor{AccountID: "other", UserID: "other-user", Name: "Other User"})
	return tokens
}

// bodyReader returns a request body: none for nil, a string or []byte as
// it is, any other value as its JSON.
func bodyReader(body any) io.Reader {
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		return strings.NewReader(b)
	case []byte:
		return bytes.NewReader(b)
	}
	j, err := json.Marshal(body)
	if err != nil {
		panic(err) // a test's own value
	}
	return bytes.NewReader(j)
}

// stringsAt returns the string at key of each decoded object.
func stringsAt(list []map[string]any, key string) []string {
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = o[key].(string)
	}
	return out
}

// serveDialect sends one request to h, as token (none when empty) in the
// header of the path's dialect: X-Auth-Token for Kazoo (/v2/),
// "Authorization: Token" for Telnyx. It asserts nothing, so any goroutine
// may call it.
func serveDialect(h http.Handler, method, path, token, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if token != "" {
		if strings.HasPrefix(path, "/v2/") {
			req.Header.Set("X-Auth-Token", token)
		} else {
			req.Header.Set("Authorization", "Token "+token)
		}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// addComment adds one comment at any revision.
func addComment(svc *porting.Service, ctx context.Context, id string, in porting.CommentInput) (porting.Comment, error) {
	added, _, err := svc.AddComments(ctx, id, 0, []porting.CommentInput{in})
	if err != nil {
		return porting.Comment{}, err
	}
	return added[0], nil
}
