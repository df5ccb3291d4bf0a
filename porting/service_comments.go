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

// CommentClockSkew is how far ahead of the Service's clock a comment's
// own time may be and still be kept (see CommentInput.Created): a
// browser's clock is seldom exact.
const CommentClockSkew = 5 * time.Minute

// CommentInput is a new comment.
type CommentInput struct {
	Body string
	// SubRequestID, when set, must name a sub request of the request.
	SubRequestID string
	// Private comments are seen only by port authorities; only a port
	// authority may write one.
	Private        bool
	ActionRequired bool
	// Author is the name to show with the comment, as the client wrote it
	// (Monster UI sends the user's full name); empty: the actor's name. At
	// most MaxNameLength characters, surrounding spaces trimmed.
	Author string
	// Created is when the client says the comment was written (Monster UI
	// sends its own clock); zero: now. It is kept when it is plausible: not
	// before the request was created, nor more than CommentClockSkew after
	// now. Otherwise the comment is dated now, as one without a time is:
	// the timeline never holds a comment from before its request, or from
	// the future.
	Created time.Time
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
	authors := make([]string, len(ins))
	for i, in := range ins {
		body := strings.TrimSpace(in.Body)
		switch {
		case body == "":
			return nil, nil, invalidAt("body", i, "required", "Comment body is required")
		case utf8.RuneCountInString(body) > MaxCommentLength:
			return nil, nil, invalidAt("body", i, "maxLength", fmt.Sprintf("Comment must not be more than %d characters", MaxCommentLength))
		}
		bodies[i] = body
		authors[i] = strings.TrimSpace(in.Author)
		if utf8.RuneCountInString(authors[i]) > MaxNameLength {
			return nil, nil, &ValidationError{Fields: []FieldError{{Field: "author", Index: i, Code: "maxLength",
				Limit: MaxNameLength, Message: fmt.Sprintf("Author must not be more than %d characters", MaxNameLength)}}}
		}
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
			author := authors[i]
			if author == "" {
				author = c.actor.Name
			}
			cm := Comment{
				ID: s.opt.IDs.NewID(), Body: bodies[i], Author: author, AccountID: c.actor.AccountID,
				UserID: c.actor.UserID, SubRequestID: in.SubRequestID, Private: in.Private,
				ActionRequired: in.ActionRequired, Created: commentTime(in.Created, c.r.Created, c.now),
			}
			added = append(added, cm)
			c.r.CommentCount++
			c.w.Timeline = append(c.w.Timeline, TimelineEntry{At: c.now, Comment: &cm})
			s.event(c, EventCommentAdded, Event{SubRequestID: in.SubRequestID, Comment: &cm})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return added, r, nil
}

// commentTime is the time a new comment is dated: the client's, when it
// is plausible (see CommentInput.Created), else now; in UTC, as every
// time the Service keeps.
func commentTime(client, requestCreated, now time.Time) time.Time {
	if client.IsZero() || client.Before(requestCreated) || client.After(now.Add(CommentClockSkew)) {
		return now
	}
	return client.UTC()
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
