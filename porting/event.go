package porting

import (
	"context"
	"time"
)

// EventType names what happened.
type EventType string

// Event types. Every state change and every comment is an event; so are the
// other writes, for subscribers that mirror requests elsewhere.
const (
	EventCreated           EventType = "port_request.created"
	EventUpdated           EventType = "port_request.updated"
	EventDeleted           EventType = "port_request.deleted"
	EventTransitioned      EventType = "port_request.transitioned"
	EventSent              EventType = "port_request.sent"
	EventSubRequestUpdated EventType = "sub_request.updated"
	EventCommentAdded      EventType = "comment.added"
	EventAttachmentAdded   EventType = "attachment.added"
	EventAttachmentDeleted EventType = "attachment.deleted"
)

// Event is one thing that happened to a port request. Events are written
// by the Store in the same transaction as the change they describe, so none
// is lost when the process dies; handlers receive them at least once, in
// order (see Service.DeliverEvents).
type Event struct {
	// Seq orders events; the Store assigns it, increasing in commit order.
	// Gaps are allowed.
	Seq       uint64    `json:"seq"`
	ID        string    `json:"id"`
	Type      EventType `json:"type"`
	At        time.Time `json:"at"`
	RequestID string    `json:"request_id"`
	AccountID string    `json:"account_id"`
	// AccountPath is the request's account path: its account's ancestors,
	// root first, ending with AccountID (PortRequest.AccountPath), so a
	// subscriber can tell the tenant without a second call. Events
	// written before it was recorded lack it.
	AccountPath  []string `json:"account_path,omitempty"`
	SubRequestID string   `json:"sub_request_id,omitempty"`
	Actor        Actor    `json:"actor"`
	// PreviousState is the request's state before the change; empty for
	// a creation.
	PreviousState State `json:"previous_state,omitempty"`
	// State is the request's state after the change.
	State State `json:"state,omitempty"`
	// Revision is the request's revision once the change is written (of
	// a deletion: the revision it would have had).
	Revision   int64       `json:"revision,omitempty"`
	Transition *Transition `json:"transition,omitempty"`
	Comment    *Comment    `json:"comment,omitempty"`
	// Attachment names the attachment of attachment events.
	Attachment string `json:"attachment,omitempty"`
	// Numbers lists the numbers a completion activated.
	Numbers []string `json:"numbers,omitempty"`
	// Completions are the sub requests a transition completed: what the
	// platform bills and activates for them (see Service.Settlements).
	Completions []Completion `json:"completions,omitempty"`
}

// EventHandler receives events. Returning an error stops delivery; the
// event is delivered again next time.
type EventHandler interface {
	// HandleEvent handles one event; an error stops delivery.
	HandleEvent(ctx context.Context, e Event) error
}

// EventHandlerFunc adapts a function to EventHandler.
type EventHandlerFunc func(ctx context.Context, e Event) error

// HandleEvent calls f.
func (f EventHandlerFunc) HandleEvent(ctx context.Context, e Event) error { return f(ctx, e) }
