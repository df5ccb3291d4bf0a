package kazoo

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// wireComment is a comment on the wire. Only content, is_private and
// action_required are read from a client; the rest is set by porting.
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
	c.replyComments(http.StatusOK, r)
}

// addComments: PUT port_requests/{id}/comments with data {"comments":
// [...]} or one comment object. The comments are added in one write, all
// or none; the answer is the request's comments.
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
	if _, r, err = k.svc.AddComments(c.ctx, r.ID, rev, ins); err != nil {
		c.failRenamed(err, commentFields)
		return
	}
	c.replyComments(http.StatusCreated, r)
}

// replyComments answers the comments of r the caller may see.
func (c *call) replyComments(status int, r *porting.PortRequest) {
	c.replyData(status, httpjson.List(r.Comments, commentOf), tailOf(r))
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

// commentInput decodes one comment; read-only keys are ignored.
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
