package porting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The privacy rule, in one place: a private comment is seen only by a
// port authority over its request (an admin, or a port-authority account
// on the request's account path). Every read of comments the Service
// answers (Timeline) goes through a viewer.

// viewer shows requests to one actor. It remembers, per account path,
// whether the actor is an authority there, so a listing asks the store
// once per account rather than once per request.
type viewer struct {
	s    *Service
	ctx  context.Context
	a    Actor
	auth map[string]bool
}

// visible returns a viewer for the actor.
func (s *Service) visible(ctx context.Context, a Actor) *viewer {
	return &viewer{s: s, ctx: ctx, a: a}
}

// seesPrivate reports whether the actor may see the private comments of
// a request on path.
func (v *viewer) seesPrivate(path []string) (bool, error) {
	if v.a.Admin {
		return true, nil
	}
	key := strings.Join(path, "/")
	if ok, known := v.auth[key]; known {
		return ok, nil
	}
	ok, err := v.s.isAuthority(v.ctx, v.a, path)
	if err != nil {
		return false, err
	}
	if v.auth == nil {
		v.auth = make(map[string]bool)
	}
	v.auth[key] = ok
	return ok, nil
}

// Events leave the process by the same rule. A subscriber acts as its
// account: it receives an event only when that account reaches the
// event's request (the account, or one above it, owns it), and an event
// of a private comment only when that account is a port authority over
// the request. The request it carries is as a listing shows it: without
// PINs or account numbers, to anyone, since a message is pushed to an
// endpoint and kept there, like a list printed.

// Message is an event as it leaves the process: what a receiver needs
// without a second call. Its JSON is the body of a webhook, in the shape
// the Standard Webhooks convention suggests ({"type", "timestamp",
// "data"}).
type Message struct {
	// ID is the event's ID: the message's (webhook-id), the same on
	// every attempt and replay.
	ID        string      `json:"id"`
	Type      EventType   `json:"type"`
	Timestamp time.Time   `json:"timestamp"`
	Data      MessageData `json:"data"`
}

// MessageData is a message's event.
type MessageData struct {
	// Seq is the event's place in the event log.
	Seq       uint64 `json:"seq"`
	RequestID string `json:"request_id"`
	AccountID string `json:"account_id"`
	// AccountPath is the request's account and its ancestors, root first.
	AccountPath   []string `json:"account_path"`
	SubRequestID  string   `json:"sub_request_id,omitempty"`
	Actor         Actor    `json:"actor"`
	PreviousState State    `json:"previous_state,omitempty"`
	State         State    `json:"state,omitempty"`
	// Revision is the request's revision once the change was written.
	Revision    int64        `json:"revision,omitempty"`
	Transition  *Transition  `json:"transition,omitempty"`
	Comment     *Comment     `json:"comment,omitempty"`
	Attachment  string       `json:"attachment,omitempty"`
	Numbers     []string     `json:"numbers,omitempty"`
	Completions []Completion `json:"completions,omitempty"`
	// Request is the request as it stood when the message was built
	// (its Revision may be past the event's), without PINs or account
	// numbers; nil once the request is deleted. (Comments are not part of
	// a request: Comment carries a comment's.)
	Request *PortRequest `json:"request,omitempty"`
}

// Sees reports whether a subscriber acting as account viewer may receive
// e: viewer reaches the event's request, and the event is not a private
// comment unless viewer is a port authority over the request. It is for
// system admins (the deliverer).
func (s *Service) Sees(ctx context.Context, viewer string, e Event) (bool, error) {
	_, ok, err := s.eventPath(ctx, viewer, e)
	return ok, err
}

// eventPath returns the event's account path, and whether viewer sees e.
func (s *Service) eventPath(ctx context.Context, viewer string, e Event) ([]string, bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	if !a.Admin {
		return nil, false, fmt.Errorf("reading events: %w", ErrForbidden)
	}
	path := e.AccountPath
	if len(path) == 0 { // an event written before paths were recorded
		if path, err = s.accountPath(ctx, e.AccountID); errors.Is(err, ErrNotFound) {
			return nil, false, nil
		} else if err != nil {
			return nil, false, err
		}
	}
	as := Actor{AccountID: viewer}
	if viewer == "" || !as.reaches(path) {
		return path, false, nil
	}
	if e.Comment != nil && e.Comment.Private {
		ok, err := s.isAuthority(ctx, as, path)
		return path, ok, err
	}
	return path, true, nil
}

// MessageFor returns e as a subscriber acting as account viewer receives
// it, and false when it may not receive it (see Sees). Whoever may
// receive a message receives the same one: its content does not depend on
// the viewer, so a deliverer may build it once for every subscriber that
// Sees it. It is for system admins.
func (s *Service) MessageFor(ctx context.Context, viewer string, e Event) (Message, bool, error) {
	path, ok, err := s.eventPath(ctx, viewer, e)
	if err != nil || !ok {
		return Message{}, false, err
	}
	m := Message{ID: e.ID, Type: e.Type, Timestamp: e.At, Data: MessageData{
		Seq: e.Seq, RequestID: e.RequestID, AccountID: e.AccountID, AccountPath: path, SubRequestID: e.SubRequestID,
		Actor: e.Actor, PreviousState: e.PreviousState, State: e.State, Revision: e.Revision, Transition: e.Transition,
		Comment: e.Comment, Attachment: e.Attachment, Numbers: e.Numbers, Completions: e.Completions,
	}}
	r, err := s.store.Request(ctx, e.RequestID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return Message{}, false, err
	default:
		r.redact()
		m.Data.Request = r
	}
	return m, true, nil
}
