package telnyx_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/porting"
)

func TestComments(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+12025550101", "+13125354200")
	other := e.Submitted(t, "+14155550101")
	path := "/port_requests/" + r.ID + "/comments"

	// The document's body: a comment on the whole request.
	rec := e.Must(t, http.StatusCreated, "POST", path, apitest.CustomerToken, telnyxtest.DocCommentCreate)
	telnyxtest.RequireShape(t, telnyxtest.DocComment, rec.Body.Bytes())
	c := telnyxtest.Decode[telnyxtest.Obj](t, rec)
	require.Equal(t, "string", c["body"])
	require.Nil(t, c["sub_request_id"])
	require.Equal(t, "customer-user", c["user_id"])
	require.Equal(t, "2026-03-02T14:00:00Z", c["created_at"])

	e.F.Clock.Advance(time.Minute)
	sid := r.SubRequests[1].ID
	c = telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusCreated, "POST", path, apitest.AuthorityToken,
		map[string]any{"body": "  LOA needs a signature  ", "sub_request_id": sid}))
	require.Equal(t, "LOA needs a signature", c["body"])
	require.Equal(t, sid, c["sub_request_id"])
	require.Equal(t, "authority-user", c["user_id"])

	// A private comment (Kazoo) is the port authority's alone.
	_, err := apitest.AddComment(e.F.Service, e.F.AsAuthority(), r.ID, porting.CommentInput{Body: "internal", Private: true})
	require.NoError(t, err)

	rec = e.Must(t, http.StatusOK, "GET", path, apitest.CustomerToken, nil)
	telnyxtest.RequireShape(t, telnyxtest.DocComments, rec.Body.Bytes())
	list := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Len(t, list, 2)
	require.Equal(t, "string", list[0]["body"], "oldest first")
	require.Equal(t, sid, list[1]["sub_request_id"])
	require.Len(t, telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", path, apitest.AuthorityToken, nil)), 3)

	// A sub request of another request does not belong.
	rec = e.Do("POST", path, apitest.CustomerToken, map[string]any{"body": "x", "sub_request_id": other.SubRequests[0].ID})
	telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/sub_request_id"}, telnyxtest.Pointers(t, rec))
	rec = e.Do("POST", path, apitest.CustomerToken, `{"body": "   "}`)
	telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/body"}, telnyxtest.Pointers(t, rec))
	// JSON of the wrong shape is 422 naming the field; bytes that are not
	// JSON are 400.
	rec = e.Do("POST", path, apitest.CustomerToken, `{"body": 7}`)
	body := telnyxtest.RequireError(t, rec, http.StatusUnprocessableEntity)
	require.Equal(t, []string{"/body"}, telnyxtest.Pointers(t, rec))
	require.Equal(t, "body must be a string, not number", body["message"])
	telnyxtest.RequireError(t, e.Do("POST", path, apitest.CustomerToken, `{"body": 7`), http.StatusBadRequest)
	telnyxtest.RequireError(t, e.Do("POST", path, apitest.OtherToken, `{"body": "hi"}`), http.StatusNotFound)
	telnyxtest.RequireError(t, e.Do("GET", path, apitest.OtherToken, nil), http.StatusNotFound)

	// A draft has no comments through this dialect.
	d := e.F.Create(t, "+14155550155")
	telnyxtest.RequireError(t, e.Do("POST", "/port_requests/"+d.ID+"/comments", apitest.CustomerToken, `{"body": "hi"}`), http.StatusNotFound)
}

// Comments are paged as the listings are.
func TestCommentsPaged(t *testing.T) {
	e := telnyxtest.Setup(t)
	r := e.Submitted(t, "+13125350001")
	for i := range 5 {
		e.Must(t, http.StatusCreated, "POST", "/port_requests/"+r.ID+"/comments", apitest.CustomerToken, fmt.Sprintf(`{"body": "comment %d"}`, i))
	}
	rec := e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID+"/comments?per_page=2&page=3", apitest.CustomerToken, nil)
	list := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Len(t, list, 1)
	require.Equal(t, "comment 4", list[0]["body"])
	require.Equal(t, "5", rec.Header().Get("Total"))
	require.Equal(t, "3", rec.Header().Get("Total-Pages"))
}
