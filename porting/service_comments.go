package porting

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxCommentLength caps a comment's body, in characters.
const MaxCommentLength = 10_000

// CommentInput is a new comment.
type CommentInput struct {
	Body string
	// SubRequestID, when set, must name a sub request of the request.
	SubRequestID string
	// Private comments are seen only by port authorities; only a port
	// authority may write one.
	Private        bool
	ActionRequired bool
}

// AddComments appends comments to a request, in any state, in one write:
// all of them, or none if any is refused. Comments are append-only, and
// each is also an event. rev is the revision the caller read (0:
// any). It returns the comments added and the request after the write.
func (s *Service) AddComments(ctx context.Context, id string, rev int64, ins []CommentInput) ([]Comment, *PortRequest, error) {
	if len(ins) == 0 {
		return nil, nil, invalid("comments", "", "minItems", "At least one comment is required")
	}
	bodies := make([]string, len(ins))
	for i, in := range ins {
		body := strings.TrimSpace(in.Body)
		switch {
		case body == "":
			return nil, nil, invalidAt("body", i, "required", "Comment body is required")
		case utf8.RuneCountInString(body) > MaxCommentLength:
			return nil, nil, invalidAt("body", i, "maxLength", fmt.Sprintf("Comment must not be more than %d characters", MaxCommentLength))
		}
		bodies[i] = body
	}
	var added []Comment
	r, err := s.mutate(ctx, id, rev, func(c *change) error {
		added = added[:0]
		if n := c.r.CommentCount + len(ins); n > s.opt.MaxComments {
			return &ValidationError{Fields: []FieldError{{Field: "comments", Index: -1, Code: "maxItems",
				Limit: int64(s.opt.MaxComments), Err: &TooLargeError{What: "comments", Limit: int64(s.opt.MaxComments)},
				Message: fmt.Sprintf("A port request holds at most %d comments; it has %d", s.opt.MaxComments, c.r.CommentCount)}}}
		}
		for i, in := range ins {
			if in.SubRequestID != "" && c.r.SubRequest(in.SubRequestID) == nil {
				return invalidAt("sub_request_id", i, "format", "Sub request does not belong to this port request")
			}
			if in.Private {
				ok, err := s.isAuthority(ctx, c.actor, c.r.AccountPath)
				if err != nil {
					return err
				}
				if !ok {
					return invalidAt("is_private", i, "forbidden", "Only the port authority may write private comments")
				}
			}
			cm := Comment{
				ID: s.opt.IDs.NewID(), Body: bodies[i], Author: c.actor.Name, AccountID: c.actor.AccountID,
				UserID: c.actor.UserID, SubRequestID: in.SubRequestID, Private: in.Private,
				ActionRequired: in.ActionRequired, Created: c.now,
			}
			added = append(added, cm)
			c.r.CommentCount++
			c.w.Timeline = append(c.w.Timeline, TimelineEntry{At: cm.Created, Comment: &cm})
			s.event(c, EventCommentAdded, Event{SubRequestID: in.SubRequestID, Comment: &cm})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return added, r, nil
}

// invalidAt is invalid for the i-th item of a list input.
func invalidAt(field string, i int, code, msg string) error {
	return &ValidationError{Fields: []FieldError{{Field: field, Index: i, Code: code, Message: msg}}}
}

// TimelineEntry is one line of a request's history: a transition or a
// comment.
type TimelineEntry struct {
	At         time.Time   `json:"at"`
	Transition *Transition `json:"transition,omitempty"`
	Comment    *Comment    `json:"comment,omitempty"`
}

// Timeline returns one page of a request's transitions and comments (q.Kind
// chooses), oldest first. Private comments are left out unless the actor
// is a port authority over the request (q.Public is set for others).
func (s *Service) Timeline(ctx context.Context, id string, q TimelineQuery) (TimelinePage, error) {
	r, a, err := s.load(ctx, id)
	if err != nil {
		return TimelinePage{}, err
	}
	sees, err := s.visible(ctx, a).seesPrivate(r.AccountPath)
	if err != nil {
		return TimelinePage{}, err
	}
	q.Public = q.Public || !sees
	return s.store.Timeline(ctx, r.ID, q)
}
