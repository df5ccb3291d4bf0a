package porting

import (
	"context"
	"fmt"
	"sort"
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
			c.r.Comments = append(c.r.Comments, cm)
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

// Comments returns a request's comments, oldest first, without the private
// ones unless the actor is a port authority over the request.
func (s *Service) Comments(ctx context.Context, id string) ([]Comment, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.Comments, nil
}

// TimelineEntry is one line of a request's history: a transition or a
// comment.
type TimelineEntry struct {
	At         time.Time
	Transition *Transition
	Comment    *Comment
}

// Timeline returns a request's transitions and comments (the ones the
// actor may see), sorted by time; at equal times transitions come first.
func (s *Service) Timeline(ctx context.Context, id string) ([]TimelineEntry, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]TimelineEntry, 0, len(r.Transitions)+len(r.Comments))
	for i := range r.Transitions {
		out = append(out, TimelineEntry{At: r.Transitions[i].At, Transition: &r.Transitions[i]})
	}
	for i := range r.Comments {
		out = append(out, TimelineEntry{At: r.Comments[i].Created, Comment: &r.Comments[i]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
