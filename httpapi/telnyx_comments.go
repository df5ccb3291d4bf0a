package httpapi

import (
	"net/http"

	"github.com/portkit/portkit/porting"
)

// telnyxComment is a Comment. sub_request_id is null for a comment on the
// whole request, user_id when the author has no user.
type telnyxComment struct {
	ID           string  `json:"id"`
	Body         string  `json:"body"`
	SubRequestID *string `json:"sub_request_id"`
	UserID       *string `json:"user_id"`
	CreatedAt    string  `json:"created_at"`
}

// telnyxRenderComment renders a comment.
func telnyxRenderComment(c porting.Comment) telnyxComment {
	return telnyxComment{
		ID: c.ID, Body: c.Body, SubRequestID: telnyxNull(&c.SubRequestID),
		UserID: telnyxNull(&c.UserID), CreatedAt: telnyxTime(c.Created),
	}
}

// listComments serves GET port_requests/{id}/comments, oldest first;
// private comments only for the port authority.
func (h *telnyxHandler) listComments(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	writeJSON(w, http.StatusOK, renderAll(req.Comments, telnyxRenderComment))
}

// addComment serves POST port_requests/{id}/comments with {"body": "...",
// "sub_request_id": null | "<id>"}: 201 with the comment; a sub request
// of another request is 422.
func (h *telnyxHandler) addComment(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	var body struct {
		Body         string  `json:"body"`
		SubRequestID *string `json:"sub_request_id"`
	}
	if err := readJSON(r, MaxJSONBody, &body); err != nil {
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
	writeJSON(w, http.StatusCreated, telnyxRenderComment(added[0]))
}
