package porting

import (
	"context"
	"io"
	"time"
)

// Store persists port requests, their attachments' bytes, accounts and the
// event log. Implementations live in subpackages of store/ and all pass
// the conformance suite in package store.
//
// A Store enforces these invariants itself, atomically, whatever the
// number of concurrent callers:
//
//   - At most one request claims a number: a number is claimed by a request
//     while its sub request is in an active state (PortRequest.ActiveNumbers).
//   - A write names the revision it read; if the stored revision differs,
//     the write fails with ErrConflict and changes nothing.
//   - Support keys (of requests and sub requests) are unique.
//   - Events are written in the same transaction as the change.
//
// Requests passed in are not retained; requests returned are the caller's.
// Every error matches a porting sentinel with errors.Is where one applies.
type Store interface {
	// PutAccount creates or replaces an account.
	PutAccount(ctx context.Context, a Account) error
	// Account returns an account, or ErrNotFound.
	Account(ctx context.Context, id string) (Account, error)

	// CreateRequest stores a new request and sets r.Revision to 1. It
	// fails with ErrConflict if the ID exists, ErrSupportKeyTaken if a
	// support key is in use, and a *NumberOnRequestError for each claimed
	// number another active request holds (joined with errors.Join).
	CreateRequest(ctx context.Context, r *PortRequest, w Write) error
	// Request returns the request with the given ID, or ErrNotFound.
	Request(ctx context.Context, id string) (*PortRequest, error)
	// UpdateRequest replaces a request. r.Revision must be the stored
	// revision, else ErrConflict; on success r.Revision is incremented.
	// The number and support key rules are those of CreateRequest.
	// Attachment bytes no longer referenced by r are deleted.
	UpdateRequest(ctx context.Context, r *PortRequest, w Write) error
	// DeleteRequest deletes a request, its index entries and its
	// attachments' bytes. r.Revision must be the stored revision.
	DeleteRequest(ctx context.Context, r *PortRequest, w Write) error
	// FindRequests returns one page of the requests matching q. A
	// malformed q.Cursor is a *ValidationError on the field "cursor".
	FindRequests(ctx context.Context, q Query) (Page, error)
	// ClaimedNumbers reports who holds each of the given E.164 numbers: the
	// active request that claims it or, failing that, the completed
	// request that brought it in. Numbers nobody holds are absent. One
	// call serves a batch.
	ClaimedNumbers(ctx context.Context, numbers []string) (map[string]Claim, error)

	// Timeline returns one page of a request's timeline: the entries
	// written with it (Write.Timeline), in the order written. A request
	// without any, or one that does not exist, has an empty timeline.
	// Deleting the request deletes its timeline. A malformed q.Cursor is a
	// *ValidationError on the field "cursor".
	Timeline(ctx context.Context, requestID string, q TimelineQuery) (TimelinePage, error)

	// Content returns the bytes stored under an attachment's content ID.
	Content(ctx context.Context, requestID, contentID string) ([]byte, error)

	// Events returns up to limit events with Seq > after, in Seq order.
	// An event is returned only once every event with a smaller Seq that
	// will ever commit has committed, so a reader that advances its
	// cursor to the last Seq it saw never skips one.
	Events(ctx context.Context, after uint64, limit int) ([]Event, error)
	// EventCursor returns a consumer's saved position (0 if none).
	EventCursor(ctx context.Context, consumer string) (uint64, error)
	// SetEventCursor saves a consumer's position.
	SetEventCursor(ctx context.Context, consumer string, seq uint64) error

	// Close releases the store. Acknowledged writes survive it.
	Close() error
}

// RequestViewer is an optional Store capability, in the manner of
// database/sql/driver's optional interfaces: a store whose documents are
// immutable once stored (the memory store) lends one without copying it.
// Service.View uses it when the store has it.
type RequestViewer interface {
	// ViewRequest returns the stored request itself, or ErrNotFound. The
	// caller must not modify it.
	ViewRequest(ctx context.Context, id string) (*PortRequest, error)
}

// EventNotifier is an optional Store capability: a store that several
// processes share (store/postgres) tells each of them when events have
// been written, by any of them, so that Service.WatchEvents delivers them
// at once rather than at its next poll. (The Service wakes its own
// watchers after its own writes without it.)
type EventNotifier interface {
	// NotifyEvents returns a channel that receives a value soon after
	// events are written, until ctx ends. Notifications coalesce: one
	// value may stand for many writes, and one may come when nothing new
	// is readable; a reader reads the log to know.
	NotifyEvents(ctx context.Context) <-chan struct{}
}

// ContentOpener is an optional Store capability: a store that can read
// attachment bytes a piece at a time lends them as a stream, so that
// serving an 8 MB attachment never holds all of it in memory.
// Service.OpenAttachment uses it when the store has it, and reads
// Store.Content otherwise.
type ContentOpener interface {
	// OpenContent returns a reader of the bytes stored under a content
	// ID, or ErrNotFound. The bytes of a content ID never change, but they
	// may be deleted (with their request, or when the attachment is
	// replaced) while the reader is open: a read then fails with an error
	// matching ErrNotFound rather than returning other bytes. The caller
	// closes the reader.
	OpenContent(ctx context.Context, requestID, contentID string) (io.ReadCloser, error)
}

// AccountChainer is an optional Store capability: a store that can read
// an account and its ancestors at once (a database, in one query) lends
// the chain whole, where the Service would otherwise call Account once per
// level of the tree.
type AccountChainer interface {
	// AccountChain returns the account with the given ID and its
	// ancestors, following ParentID: the account first, the root last, at
	// most limit accounts (a chain cut at limit has a last account whose
	// ParentID is not empty). An account of the chain that does not exist
	// is an error matching ErrNotFound that names it.
	AccountChain(ctx context.Context, id string, limit int) ([]Account, error)
}

// Claim says which request holds a number.
type Claim struct {
	RequestID string
	// Completed is true when the request has completed: the number is
	// the platform's now. Otherwise the request is active.
	Completed bool
}

// Write is what goes with a request in one store transaction.
type Write struct {
	// Events to append; the Store assigns their Seq.
	Events []Event
	// Timeline is the request's timeline entries to append (comments and
	// transitions), in order: a write appends them whatever the length of
	// the timeline already stored.
	Timeline []TimelineEntry
	// Content is attachment bytes to store, keyed by content ID. A content
	// ID names one version of the bytes and is never reused: the Service
	// draws a fresh one for every upload, and a Store may rely on that
	// (the Badger store writes the bytes before the transaction that
	// references them commits).
	Content map[string][]byte
}

// Query selects port requests. Results are ordered newest first: by
// creation time, or by last update when an Updated range is given.
type Query struct {
	// AccountID limits results to one account; empty means every account.
	AccountID string
	// Descendants widens AccountID to its sub-accounts at any depth.
	Descendants bool
	// States limits results to these states; empty means all.
	States []State
	// Number limits results to requests holding this E.164 number, in any
	// state (completed ones included).
	Number string
	// SupportKey limits results to the request with this support key, or
	// holding the sub request with it.
	SupportKey string
	// NumberContains limits results to requests with a number containing
	// these digits. It is a filter over the other criteria, not an index.
	NumberContains string
	// CreatedFrom and CreatedTo bound the creation time, inclusive; zero
	// means unbounded.
	CreatedFrom, CreatedTo time.Time
	// UpdatedFrom and UpdatedTo bound the last update time, inclusive.
	UpdatedFrom, UpdatedTo time.Time
	// Cursor continues from the Next of a previous page with the same
	// query. Pages stay correct while requests are added.
	Cursor string
	// Offset skips this many results (for page-numbered APIs).
	Offset int
	// Limit is the page size; 0 means DefaultPageSize, at most MaxPageSize.
	Limit int
	// WithTotal asks for Page.Total, the number of results of the whole
	// query. It costs a walk of the index.
	WithTotal bool
}

// TimelineKind selects the entries of a timeline query.
type TimelineKind int

// Timeline kinds.
const (
	// TimelineAll is comments and transitions.
	TimelineAll TimelineKind = iota
	// TimelineComments is comments only.
	TimelineComments
	// TimelineTransitions is transitions only.
	TimelineTransitions
)

// TimelineQuery selects entries of a request's timeline, oldest first.
type TimelineQuery struct {
	Kind TimelineKind
	// Public leaves private comments out.
	Public bool
	// Cursor continues from the Next of a previous page of the same query.
	Cursor string
	// Offset skips this many matching entries (for page-numbered APIs).
	Offset int
	// Limit is the page size; 0 means DefaultPageSize, at most MaxPageSize.
	Limit int
	// WithTotal asks for TimelinePage.Total: the matching entries after
	// the cursor (all of them, without one).
	WithTotal bool
}

// PageSize returns the effective page size.
func (q TimelineQuery) PageSize() int { return Query{Limit: q.Limit}.PageSize() }

// Matches reports whether an entry is one the query selects.
func (q TimelineQuery) Matches(e TimelineEntry) bool {
	switch {
	case e.Comment != nil:
		return q.Kind != TimelineTransitions && !(q.Public && e.Comment.Private)
	case e.Transition != nil:
		return q.Kind != TimelineComments
	}
	return false
}

// TimelinePage is one page of a timeline.
type TimelinePage struct {
	Entries []TimelineEntry
	// Next is the cursor of the next page, empty on the last.
	Next string
	// Total is the number of matching entries, when asked.
	Total int
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// OrderByUpdated reports whether results are ordered by update time.
func (q Query) OrderByUpdated() bool { return !q.UpdatedFrom.IsZero() || !q.UpdatedTo.IsZero() }

// PageSize returns the effective page size.
func (q Query) PageSize() int {
	switch {
	case q.Limit <= 0:
		return DefaultPageSize
	case q.Limit > MaxPageSize:
		return MaxPageSize
	}
	return q.Limit
}

// Page is one page of query results.
type Page struct {
	Requests []*PortRequest
	// Next is the cursor of the next page, empty on the last.
	Next string
	// Total is the number of results of the whole query, when asked.
	Total int
}
