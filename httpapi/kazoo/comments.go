package kazoo

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/portkit/portkit/porting"
)

// wireComment is a comment on the wire. A client sets content,
// is_private, action_required, and may set author and timestamp (which
// porting keeps when they are plausible, see porting.CommentInput); the
// rest is set by porting.
type wireComment struct {
	AccountID      string `json:"account_id,omitempty"`
	ActionRequired bool   `json:"action_required"`
	Author         string `json:"author,omitempty"`
	Content        string `json:"content"`
	ID             string `json:"id"`
	IsPrivate      bool   `json:"is_private"`
	SubRequestID   string `json:"sub_request_id,omitempty"`
	Timestamp      int64  `json:"timestamp"`
	UserID         string `json:"user_id,omitempty"`
}

// commentOf renders a comment.
func commentOf(cm porting.Comment) wireComment {
	return wireComment{
		AccountID: cm.AccountID, ActionRequired: cm.ActionRequired, Author: cm.Author, Content: cm.Body,
		ID: cm.ID, IsPrivate: cm.Private, SubRequestID: cm.SubRequestID, Timestamp: gregorian(cm.Created),
		UserID: cm.UserID,
	}
}

// commentFields renames porting's comment fields to Kazoo's.
var commentFields = map[string]string{"body": "content"}

// listComments: GET port_requests/{id}/comments, oldest first; private
// comments only for a port authority (porting hides them).
func (k *handler) listComments(c *call) {
	r, ok := c.request()
	if !ok {
		return
	}
	k.replyComments(c, r, http.StatusOK)
}

// replyComments answers a page of the comments of r the caller may see.
func (k *handler) replyComments(c *call, r *porting.PortRequest, status int) {
	page, t, ok := k.timelinePage(c, r, porting.TimelineComments)
	if !ok {
		return
	}
	out := make([]wireComment, 0, len(page.Entries))
	for _, e := range page.Entries {
		out = append(out, commentOf(*e.Comment))
	}
	c.replyData(status, out, t)
}

// timelinePage reads the page of r's timeline the query asks for (a
// thousand entries unless page_size says less), and the envelope's tail
// for it; on failure it answers and reports false.
func (k *handler) timelinePage(c *call, r *porting.PortRequest, kind porting.TimelineKind) (porting.TimelinePage, tail, bool) {
	limit, cursor, err := pageOf(c.r.URL.Query(), porting.MaxPageSize)
	if err != nil {
		c.fail(err)
		return porting.TimelinePage{}, tail{}, false
	}
	page, err := k.svc.Timeline(c.ctx, r.ID, porting.TimelineQuery{Kind: kind, Cursor: cursor, Limit: limit})
	if err != nil {
		c.failRenamed(err, queryFields)
		return porting.TimelinePage{}, tail{}, false
	}
	t := tailOf(r)
	t.paged, t.pageSize, t.startKey, t.nextStartKey = true, len(page.Entries), cursor, page.Next
	return page, t, true
}

// addComments: PUT port_requests/{id}/comments with data {"comments":
// [...]} or one comment object. The comments are added in one write, all
// or none; the answer is {"comments": [...]}, the latest page of the
// request's comments the caller may see, oldest first, so that it ends
// with those just added (Monster UI shows the last one).
func (k *handler) addComments(c *call) {
	r, rev, ok := c.writable()
	if !ok {
		return
	}
	members, ok := c.data()
	if !ok {
		return
	}
	ins, err := commentInputs(members)
	if err != nil {
		c.fail(err)
		return
	}
	_, r, err = k.svc.AddComments(c.ctx, r.ID, rev, ins)
	if err != nil {
		c.failRenamed(err, commentFields)
		return
	}
	latest, err := k.latestComments(c, r.ID)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyData(http.StatusCreated, struct {
		Comments []wireComment `json:"comments"`
	}{latest}, tailOf(r))
}

// latestComments returns the last page of a request's comments the caller
// may see, oldest first.
func (k *handler) latestComments(c *call, id string) ([]wireComment, error) {
	count, err := k.svc.Timeline(c.ctx, id, porting.TimelineQuery{Kind: porting.TimelineComments, Limit: 1, WithTotal: true})
	if err != nil {
		return nil, err
	}
	page, err := k.svc.Timeline(c.ctx, id, porting.TimelineQuery{Kind: porting.TimelineComments,
		Offset: max(0, count.Total-porting.MaxPageSize), Limit: porting.MaxPageSize})
	if err != nil {
		return nil, err
	}
	out := make([]wireComment, 0, len(page.Entries))
	for _, e := range page.Entries {
		out = append(out, commentOf(*e.Comment))
	}
	return out, nil
}

// commentInputs decodes {"comments": [...]} or a single comment.
func commentInputs(members []member) ([]porting.CommentInput, error) {
	list, ok := find(members, "comments")
	if !ok {
		in, err := commentInput("", members)
		return []porting.CommentInput{in}, err
	}
	items, ok := arrayItems(list.val)
	if !ok || len(items) == 0 {
		return nil, problem("comments", "type", "", "comments must be a non-empty list of comment objects")
	}
	var d inputDecoder
	ins := make([]porting.CommentInput, 0, len(items))
	for i, item := range items {
		path := fmt.Sprintf("comments[%d]", i)
		cm, ok := d.object(path, item, "an object")
		if !ok {
			continue
		}
		in, err := commentInput(path+".", cm)
		if err != nil {
			d.errs.addErr(err)
		}
		ins = append(ins, in)
	}
	return ins, d.errs.err()
}

// commentInput decodes one comment: content, is_private,
// action_required, author and timestamp (Gregorian seconds); the other
// keys (id, account_id, user_id...) are porting's and ignored.
func commentInput(path string, members []member) (porting.CommentInput, error) {
	var in porting.CommentInput
	d := inputDecoder{}
	for _, m := range members {
		switch m.key {
		case "content":
			d.str(path+"content", m.val, &in.Body)
		case "is_private":
			in.Private = d.bool(path+"is_private", m.val)
		case "action_required":
			in.ActionRequired = d.bool(path+"action_required", m.val)
		case "author":
			d.str(path+"author", m.val, &in.Author)
		case "timestamp":
			d.date(path+"timestamp", m.val, &in.Created)
		}
	}
	if err := d.errs.err(); err != nil {
		return in, err
	}
	if strings.TrimSpace(in.Body) == "" {
		return in, problem(path+"content", "required", "", path+"content is required")
	}
	return in, nil
}
