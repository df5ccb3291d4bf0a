// Package apitest holds what the tests of both dialects share: the
// tokens of the tests' callers, request bodies, serving a request in the
// header of its dialect, and checks that hold for any answer. The
// dialects' own test environments are kazootest and telnyxtest.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// Tokens of the tests' callers: the fixture's customer and its port
// authority, and a user of the account "other", which each dialect's
// setup makes.
const (
	CustomerToken  = "customer-token"
	AuthorityToken = "authority-token"
	OtherToken     = "other-token"
)

// Tokens authenticates the tests' callers: CustomerToken as
// "customer-user" of the fixture's customer, AuthorityToken as
// "authority-user" of its port authority, OtherToken as "other-user" of
// the account "other".
func Tokens(f *portingtest.Fixture) *httpapi.Tokens {
	tokens := &httpapi.Tokens{}
	tokens.Add(CustomerToken, porting.Actor{AccountID: f.Customer.ID, UserID: "customer-user", Name: "Customer User"})
	tokens.Add(AuthorityToken, porting.Actor{AccountID: f.Authority.ID, UserID: "authority-user", Name: "Authority User"})
	tokens.Add(OtherToken, porting.Actor{AccountID: "other", UserID: "other-user", Name: "Other User"})
	return tokens
}

// BodyReader returns a request body: none for nil, a string or []byte as
// it is, any other value as its JSON.
func BodyReader(body any) io.Reader {
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

// StringsAt returns the string at key of each decoded object.
func StringsAt(list []map[string]any, key string) []string {
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = o[key].(string)
	}
	return out
}

// Serve sends one request to h, as token (none when empty) in the header
// of the path's dialect: X-Auth-Token for Kazoo (/v2/), "Authorization:
// Token" for Telnyx. It asserts nothing, so any goroutine may call it.
func Serve(h http.Handler, method, path, token, contentType string, body []byte) *httptest.ResponseRecorder {
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

// AddComment adds one comment at any revision.
func AddComment(svc *porting.Service, ctx context.Context, id string, in porting.CommentInput) (porting.Comment, error) {
	added, _, err := svc.AddComments(ctx, id, 0, []porting.CommentInput{in})
	if err != nil {
		return porting.Comment{}, err
	}
	return added[0], nil
}

// RequireSuccessOrRefusal fails unless an answer is a success (2xx) or a
// refusal (4xx): never a 5xx, nor a redirect or another status.
func RequireSuccessOrRefusal(tb testing.TB, rec *httptest.ResponseRecorder, what string) {
	tb.Helper()
	ok := rec.Code >= http.StatusOK && rec.Code < http.StatusMultipleChoices ||
		rec.Code >= http.StatusBadRequest && rec.Code < http.StatusInternalServerError
	require.True(tb, ok, "%s: status %d: %s", what, rec.Code, rec.Body)
}
