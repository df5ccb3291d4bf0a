package kazoo_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

// Comments: one or several at once, private ones for the port authority.
func TestComments(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	path := func(acct string) string { return kazootest.URL(acct, "port_requests/"+id+"/comments") }

	r := e.Do("GET", apitest.CustomerToken, path("customer"), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.JSONEq(t, `[]`, string(r.Env.Data))

	// The client's author is kept; a time before the request is not (see
	// porting.CommentInput).
	e.F.Clock.Advance(time.Minute)
	r = e.Do("PUT", apitest.CustomerToken, path("customer"), `{"data":{"content":"Is the bill attached?","action_required":true,"author":"Jane Doe","timestamp":1,"id":"forged","account_id":"forged"}}`)
	r.OK(http.StatusCreated, apitest.CustomerToken)
	cs := comments(t, r)
	require.Len(t, cs, 1)
	require.Regexp(t, kazootest.Hex32, cs[0]["id"])
	delete(cs[0], "id")
	require.Equal(t, map[string]any{
		"author": "Jane Doe", "content": "Is the bill attached?", "timestamp": kazootest.Gregorian(portingtest.Epoch.Add(time.Minute)),
		"account_id": "customer", "user_id": "customer-user", "is_private": false, "action_required": true,
	}, cs[0])
	require.Regexp(t, `^2-`, r.Revision())

	e.F.Clock.Advance(time.Minute)
	written := kazootest.Gregorian(portingtest.Epoch.Add(30 * time.Second))
	r = e.Do("PUT", apitest.AuthorityToken, path("authority"), fmt.Sprintf(`{"data":{"comments":[
		{"content":"CSR name differs","is_private":true},
		{"content":"We will check the name","timestamp":%d}]}}`, int64(written)))
	r.OK(http.StatusCreated, apitest.AuthorityToken)
	cs = comments(t, r)
	require.Equal(t, []string{"Is the bill attached?", "CSR name differs", "We will check the name"}, apitest.StringsAt(cs, "content"))
	require.Equal(t, true, cs[1]["is_private"])
	require.Equal(t, "Authority User", cs[1]["author"], "no author: the actor's name")
	require.Equal(t, kazootest.Gregorian(portingtest.Epoch.Add(2*time.Minute)), cs[1]["timestamp"], "no time: now")
	require.Equal(t, written, cs[2]["timestamp"], "the client's time, after the request's creation")

	t.Run("private comments hidden from the customer", func(t *testing.T) {
		r := e.Do("GET", apitest.CustomerToken, path("customer"), nil)
		r.OK(http.StatusOK, apitest.CustomerToken)
		require.Equal(t, []string{"Is the bill attached?", "We will check the name"}, apitest.StringsAt(r.List(), "content"))
		r = e.Do("GET", apitest.AuthorityToken, path("customer"), nil)
		require.Equal(t, []string{"Is the bill attached?", "CSR name differs", "We will check the name"}, apitest.StringsAt(r.List(), "content"))
	})
	t.Run("only the authority writes private comments", func(t *testing.T) {
		r := e.Do("PUT", apitest.CustomerToken, path("customer"), `{"data":{"content":"psst","is_private":true}}`)
		r.Failed(http.StatusBadRequest, "invalid request")
		require.Contains(t, r.Obj(), "is_private")
	})
	t.Run("wrong types", func(t *testing.T) {
		r := e.Do("PUT", apitest.CustomerToken, path("customer"), `{"data":{"content":"x","author":5}}`)
		r.Failed(http.StatusBadRequest, "author must be a string")
		r = e.Do("PUT", apitest.CustomerToken, path("customer"), `{"data":{"content":"x","timestamp":"now"}}`)
		r.Failed(http.StatusBadRequest, "timestamp must be a number of Gregorian seconds")
	})
	t.Run("content is required", func(t *testing.T) {
		r := e.Do("PUT", apitest.CustomerToken, path("customer"), `{"data":{"comments":[{"content":"ok"},{"content":"  "}]}}`)
		r.Failed(http.StatusBadRequest, "comments[1].content is required")
		r = e.Do("PUT", apitest.CustomerToken, path("customer"), `{"data":{"comments":[]}}`)
		r.Failed(http.StatusBadRequest, "")
		r = e.Do("PUT", apitest.CustomerToken, path("customer"), `{"data":{"content":"x","is_private":"yes"}}`)
		r.Failed(http.StatusBadRequest, "is_private must be a boolean")
		got, err := e.F.Service.Timeline(e.F.AsAuthority(), id, porting.TimelineQuery{Kind: porting.TimelineComments})
		require.NoError(t, err)
		require.Len(t, got.Entries, 3, "nothing added")
	})
}

// comments returns the comments of a PUT's answer, data.comments.
func comments(t *testing.T, r *kazootest.Resp) []map[string]any {
	t.Helper()
	var d struct {
		Comments []map[string]any `json:"comments"`
	}
	require.NoError(t, json.Unmarshal(r.Env.Data, &d), "%s", r.Env.Data)
	require.NotNil(t, d.Comments, "data.comments: %s", r.Env.Data)
	return d.Comments
}

// The timeline: transitions and comments sorted by time.
func TestTimeline(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	url := func(acct, rest string) string { return kazootest.URL(acct, "port_requests/"+id+rest) }
	step := func(token, acct, method, rest, body string) {
		e.F.Clock.Advance(time.Minute)
		r := e.Do(method, token, url(acct, rest), body)
		require.Less(t, r.Code, 300, "%s", r.Body)
	}
	step(apitest.CustomerToken, "customer", "PUT", "/comments", `{"data":{"content":"ready"}}`)
	step(apitest.CustomerToken, "customer", "PATCH", "/submitted?reason=go", "")
	step(apitest.AuthorityToken, "authority", "PUT", "/comments", `{"data":{"content":"internal","is_private":true}}`)
	step(apitest.AuthorityToken, "authority", "PATCH", "/pending", `{"data":{"reason":"sent to the carrier"}}`)

	r := e.Do("GET", apitest.AuthorityToken, url("authority", "/timeline"), nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	tl := r.List()
	require.Len(t, tl, 4)
	g := func(m int) float64 { return kazootest.Gregorian(portingtest.Epoch.Add(time.Duration(m) * time.Minute)) }
	require.Equal(t, "comment", tl[0]["type"])
	require.Equal(t, g(1), tl[0]["timestamp"])
	require.Equal(t, "ready", tl[0]["comment"].(map[string]any)["content"])
	// A comment's fields are at the top level too, as Kazoo's timeline has
	// them: Monster UI tells a comment by its author.
	for _, k := range []string{"content", "author", "timestamp", "is_private", "account_id", "user_id", "id", "action_required"} {
		require.Equal(t, tl[0]["comment"].(map[string]any)[k], tl[0][k], k)
	}
	require.Equal(t, "Customer User", tl[0]["author"])
	for _, i := range []int{1, 3} {
		require.NotContains(t, tl[i], "author", "a transition has no author")
	}
	require.Equal(t, map[string]any{
		"timestamp": g(2), "type": "transition", "reason": "go",
		"transition": map[string]any{"previous": "unconfirmed", "new": "submitted"},
		"authorization": map[string]any{
			"account": map[string]any{"id": "customer", "name": "Customer"},
			"user":    map[string]any{"id": "customer-user", "name": "Customer User", "first_name": "Customer", "last_name": "User"},
		},
	}, tl[1])
	require.Equal(t, "internal", tl[2]["comment"].(map[string]any)["content"])
	require.Equal(t, map[string]any{"previous": "submitted", "new": "pending"}, tl[3]["transition"])
	require.Equal(t, "sent to the carrier", tl[3]["reason"])
	require.Equal(t, map[string]any{"id": "authority", "name": "Port Authority"},
		tl[3]["authorization"].(map[string]any)["account"])

	r = e.Do("GET", apitest.CustomerToken, url("customer", "/timeline"), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	tl = r.List()
	require.Len(t, tl, 3, "no private comment")
	require.Equal(t, []any{"comment", "transition", "transition"}, []any{tl[0]["type"], tl[1]["type"], tl[2]["type"]})
	require.Equal(t, map[string]any{"id": "authority"}, tl[2]["authorization"].(map[string]any)["account"],
		"the name of an account the caller cannot reach is not shown")
}

// Comments and the timeline are paged with page_size and start_key.
func TestCommentsAndTimelinePaged(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	for i := range 5 {
		e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+"/comments"),
			fmt.Sprintf(`{"data":{"content":"comment %d"}}`, i)).OK(http.StatusCreated, apitest.CustomerToken)
	}
	for _, rest := range []string{"/comments", "/timeline"} {
		var got []string
		start := ""
		for pages := 1; ; pages++ {
			q := "?page_size=2"
			if start != "" {
				q += "&start_key=" + start
			}
			r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+rest+q), nil)
			r.OK(http.StatusOK, apitest.CustomerToken)
			for _, c := range r.List() {
				content, _ := c["content"].(string)
				if inner, ok := c["comment"].(map[string]any); ok {
					content, _ = inner["content"].(string)
				}
				got = append(got, content)
			}
			require.LessOrEqual(t, pages, 3, rest)
			if r.Env.NextStartKey == nil {
				break
			}
			start = *r.Env.NextStartKey
		}
		require.Equal(t, []string{"comment 0", "comment 1", "comment 2", "comment 3", "comment 4"}, got, rest)
	}
	e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+"/comments?start_key=nope"), nil).
		Failed(http.StatusBadRequest, "")
}

// A comment without an author (its writer had no name, and sent none)
// shows its account's name in the timeline, which Monster UI tells
// comments by.
func TestTimelineCommentWithoutAuthor(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	nameless := porting.WithActor(t.Context(), porting.Actor{AccountID: "customer", UserID: "robot"})
	_, err := apitest.AddComment(e.F.Service, nameless, id, porting.CommentInput{Body: "from a script"})
	require.NoError(t, err)
	r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+"/timeline"), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	tl := r.List()
	require.Len(t, tl, 1)
	require.Equal(t, "Customer", tl[0]["author"])
	require.Equal(t, "from a script", tl[0]["content"])
	r = e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+id+"/comments"), nil)
	require.NotContains(t, r.List()[0], "author", "the comment itself has none")
}
