package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func TestTelnyxComments(t *testing.T) {
	e := telnyxSetup(t)
	r := e.submitted(t, "+12025550101", "+13125354200")
	other := e.submitted(t, "+14155550101")
	path := "/port_requests/" + r.ID + "/comments"

	// The document's body: a comment on the whole request.
	rec := e.must(t, http.StatusCreated, "POST", path, customerToken, telnyxDocCommentCreate)
	telnyxRequireShape(t, telnyxDocComment, rec.Body.Bytes())
	c := telnyxDecode[telnyxObj](t, rec)
	require.Equal(t, "string", c["body"])
	require.Nil(t, c["sub_request_id"])
	require.Equal(t, "customer-user", c["user_id"])
	require.Equal(t, "2026-03-02T14:00:00Z", c["created_at"])

	e.f.Clock.Advance(time.Minute)
	sid := r.SubRequests[1].ID
	c = telnyxDecode[telnyxObj](t, e.must(t, http.StatusCreated, "POST", path, authorityToken,
		map[string]any{"body": "  LOA needs a signature  ", "sub_request_id": sid}))
	require.Equal(t, "LOA needs a signature", c["body"])
	require.Equal(t, sid, c["sub_request_id"])
	require.Equal(t, "authority-user", c["user_id"])

	// A private comment (Kazoo) is the port authority's alone.
	_, err := addComment(e.f.Service, e.f.AsAuthority(), r.ID, porting.CommentInput{Body: "internal", Private: true})
	require.NoError(t, err)

	rec = e.must(t, http.StatusOK, "GET", path, customerToken, nil)
	telnyxRequireShape(t, telnyxDocComments, rec.Body.Bytes())
	list := telnyxDecode[[]telnyxObj](t, rec)
	require.Len(t, list, 2)
	require.Equal(t, "string", list[0]["body"], "oldest first")
	require.Equal(t, sid, list[1]["sub_request_id"])
	require.Len(t, telnyxDecode[[]telnyxObj](t, e.must(t, http.StatusOK, "GET", path, authorityToken, nil)), 3)

	// A sub request of another request does not belong.
	rec = e.do("POST", path, customerToken, map[string]any{"body": "x", "sub_request_id": other.SubRequests[0].ID})
	telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/sub_request_id"}, telnyxPointers(t, rec))
	rec = e.do("POST", path, customerToken, `{"body": "   "}`)
	telnyxRequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/body"}, telnyxPointers(t, rec))
	telnyxRequireError(t, e.do("POST", path, customerToken, `{"body": 7}`), http.StatusBadRequest)
	telnyxRequireError(t, e.do("POST", path, otherToken, `{"body": "hi"}`), http.StatusNotFound)
	telnyxRequireError(t, e.do("GET", path, otherToken, nil), http.StatusNotFound)

	// A draft has no comments through this dialect.
	d := e.f.Create(t, "+14155550155")
	telnyxRequireError(t, e.do("POST", "/port_requests/"+d.ID+"/comments", customerToken, `{"body": "hi"}`), http.StatusNotFound)
}
