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

// AddComment appends a comment to a request, in any state. Comments are
// append-only. The comment is also an event.
func (s *Service) AddComment(ctx context.Context, id string, in CommentInput) (Comment, error) {
	body := strings.TrimSpace(in.Body)
	switch {
	case body == "":
		return Comment{}, invalid("body", "", "required", "Comment body is required")
	case utf8.RuneCountInString(body) > MaxCommentLength:
		return Comment{}, invalid("body", "", "maxLength", fmt.Sprintf("Comment must not be more than %d characters", MaxCommentLength))
	}
	var added Comment
	_, err := s.mutate(ctx, id, 0, func(c *change) error {
		if in.SubRequestID != "" && c.r.SubRequest(in.SubRequestID) == nil {
			return invalid("sub_request_id", in.SubRequestID, "format", "Sub request does not belong to this port request")
		}
		if in.Private {
			ok, err := s.isAuthority(ctx, c.actor, c.r.AccountPath)
			if err != nil {
				return err
			}
			if !ok {
				return invalid("is_private", "true", "forbidden", "Only the port authority may write private comments")
			}
		}
		added = Comment{
			ID: s.opt.IDs.NewID(), Body: body, Author: c.actor.Name, AccountID: c.actor.AccountID,
			UserID: c.actor.UserID, SubRequestID: in.SubRequestID, Private: in.Private,
			ActionRequired: in.ActionRequired, Created: c.now,
		}
		c.r.Comments = append(c.r.Comments, added)
		cm := added
		s.event(c, EventCommentAdded, Event{SubRequestID: in.SubRequestID, Comment: &cm})
		return nil
	})
	return added, err
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
