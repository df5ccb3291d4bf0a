package telnyx

import (
	"net/http"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// wireComment is a Comment. sub_request_id is null for a comment on the
// whole request, user_id when the author has no user.
type wireComment struct {
	ID           string  `json:"id"`
	Body         string  `json:"body"`
	SubRequestID *string `json:"sub_request_id"`
	UserID       *string `json:"user_id"`
	CreatedAt    string  `json:"created_at"`
}

// renderComment renders a comment.
func renderComment(c porting.Comment) wireComment {
	return wireComment{
		ID: c.ID, Body: c.Body, SubRequestID: nullable(&c.SubRequestID),
		UserID: nullable(&c.UserID), CreatedAt: isoTime(c.Created),
	}
}

// listComments serves GET port_requests/{id}/comments, oldest first,
// paged as the listings are (page, per_page, Total and Total-Pages);
// private comments only for the port authority.
func (h *handler) listComments(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	p, err := parseList(r.URL.Query())
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	page, err := h.svc.Timeline(r.Context(), req.ID, porting.TimelineQuery{
		Kind: porting.TimelineComments, Offset: (p.page - 1) * p.perPage, Limit: p.perPage, WithTotal: true,
	})
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	setTotals(w, page.Total, p.perPage)
	httpjson.Write(w, http.StatusOK, httpjson.List(page.Entries, func(e porting.TimelineEntry) wireComment {
		return renderComment(*e.Comment)
	}))
}

// addComment serves POST port_requests/{id}/comments with {"body": "...",
// "sub_request_id": null | "<id>"}: 201 with the comment; a sub request
// of another request is 422.
func (h *handler) addComment(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	var body struct {
		Body         string  `json:"body"`
		SubRequestID *string `json:"sub_request_id"`
	}
	if err := httpjson.Read(r, httpapi.MaxJSONBody, &body); err != nil {
		h.fail(w, r, err, nil)
		return
	}
	in := porting.CommentInput{Body: body.Body}
	if body.SubRequestID != nil {
		in.SubRequestID = *body.SubRequestID
	}
	added, _, err := h.svc.AddComments(r.Context(), req.ID, 0, []porting.CommentInput{in})
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	httpjson.Write(w, http.StatusCreated, renderComment(added[0]))
}
