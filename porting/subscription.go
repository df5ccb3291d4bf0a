package porting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Subscriptions deliver the event log out of the process: each names an
// HTTP endpoint (package webhook delivers to it) and which events of
// which accounts it wants. Subscriptions and the state of their delivery
// (a cursor in the event log, the deliveries with their attempts, a lease
// naming the one process that delivers) are stored by the Store when it
// implements SubscriptionStore. The Service manages them for the account
// that owns them (Service.CreateSubscription...) and decides, through the
// one privacy rule (Service.MessageFor), what each may receive.

// ErrLeaseHeld: another holder has the lease on a delivery stream (see
// SubscriptionStore.AcquireLease).
var ErrLeaseHeld = errors.New("lease held by another")

// ErrUnsupported: the Store lacks an optional capability the operation
// needs (SubscriptionStore). Dialects answer 501.
var ErrUnsupported = errors.New("not supported by the store")

// Subscription is one endpoint's wish to receive events.
type Subscription struct {
	ID string `json:"id"`
	// AccountID is the account that owns the subscription: it receives
	// the events of that account's requests, and of its sub-accounts'
	// with Descendants, as that account may see them (MessageFor).
	AccountID   string `json:"account_id"`
	Descendants bool   `json:"descendants,omitempty"`
	// URL is where deliveries are POSTed.
	URL string `json:"url"`
	// EventTypes limits the subscription to these types; empty means
	// every type.
	EventTypes []EventType `json:"event_types,omitempty"`
	// Secret signs deliveries: "whsec_" and the base64 of 24 to 64
	// random bytes, as the Standard Webhooks convention has it.
	Secret string `json:"secret,omitempty"`
	// Enabled subscriptions are delivered to; a disabled one is paused:
	// its events wait, and are delivered once it is enabled again.
	Enabled     bool   `json:"enabled"`
	Description string `json:"description,omitempty"`

	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Revision counts the writes of the subscription, from 1.
	Revision int64 `json:"revision"`
}

// Wants reports whether the subscription wants an event of type t about
// a request of an account whose path (root first, the account last) is
// path. It is the subscription's own filter; what the account may see
// is MessageFor's to decide.
func (s *Subscription) Wants(t EventType, path []string) bool {
	if len(s.EventTypes) > 0 && !slices.Contains(s.EventTypes, t) {
		return false
	}
	if len(path) == 0 {
		return false
	}
	if s.Descendants {
		return slices.Contains(path, s.AccountID)
	}
	return path[len(path)-1] == s.AccountID
}

// Clone returns a deep copy of s.
func (s *Subscription) Clone() *Subscription {
	if s == nil {
		return nil
	}
	c := *s
	c.EventTypes = slices.Clone(s.EventTypes)
	return &c
}

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

// Delivery statuses.
const (
	// DeliveryPending: not delivered yet; attempted at NextAttempt.
	DeliveryPending DeliveryStatus = "pending"
	// DeliveryDelivered: the endpoint answered 2xx.
	DeliveryDelivered DeliveryStatus = "delivered"
	// DeliveryFailed: every attempt of the retry schedule failed. It is
	// kept, and may be replayed (Service.Redeliver).
	DeliveryFailed DeliveryStatus = "failed"
)

// Valid reports whether s is a known status.
func (s DeliveryStatus) Valid() bool {
	return s == DeliveryPending || s == DeliveryDelivered || s == DeliveryFailed
}

// MaxDeliveryAttempts is how many attempts a Delivery keeps (the most
// recent); Delivery.AttemptCount counts them all.
const MaxDeliveryAttempts = 20

// Delivery is one message of a delivery stream (a subscription) and what
// became of it. Its ID is the message's, the same on every attempt, so
// receivers can drop duplicates.
type Delivery struct {
	// Stream is the subscription's ID (or a system stream's name, see
	// SystemStream).
	Stream string `json:"stream"`
	// Seq is the event's, in the event log.
	Seq uint64 `json:"seq"`
	// ID identifies the message: the event's ID.
	ID        string         `json:"id"`
	EventType EventType      `json:"event_type"`
	RequestID string         `json:"request_id"`
	Status    DeliveryStatus `json:"status"`
	// Payload is the body delivered, built once, so that every attempt
	// sends the same bytes. A system stream may leave it empty and build
	// its body at each attempt.
	Payload json.RawMessage `json:"payload,omitempty"`
	// Attempts are the most recent attempts, oldest first (at most
	// MaxDeliveryAttempts); AttemptCount counts every one.
	Attempts     []Attempt `json:"attempts,omitempty"`
	AttemptCount int       `json:"attempt_count,omitempty"`
	// Tries counts the attempts since the delivery was enqueued or last
	// replayed: the position in the retry schedule.
	Tries int `json:"tries,omitempty"`
	// NextAttempt is when a pending delivery is attempted next.
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	// Revision counts the writes of the delivery, from 1.
	Revision int64 `json:"revision"`
}

// AddAttempt records an attempt, keeping the most recent
// MaxDeliveryAttempts.
func (d *Delivery) AddAttempt(a Attempt) {
	d.Attempts = append(d.Attempts, a)
	if n := len(d.Attempts) - MaxDeliveryAttempts; n > 0 {
		d.Attempts = slices.Delete(d.Attempts, 0, n)
	}
	d.AttemptCount++
	d.Tries++
}

// Clone returns a deep copy of d.
func (d *Delivery) Clone() *Delivery {
	if d == nil {
		return nil
	}
	c := *d
	c.Payload = slices.Clone(d.Payload)
	c.Attempts = slices.Clone(d.Attempts)
	return &c
}

// Attempt is one try of a delivery.
type Attempt struct {
	At time.Time `json:"at"`
	// Duration is how long the attempt took.
	Duration time.Duration `json:"duration"`
	// StatusCode is the endpoint's answer; 0 when there was none (the
	// connection failed or timed out).
	StatusCode int `json:"status_code,omitempty"`
	// Error says why the attempt failed; empty on success.
	Error string `json:"error,omitempty"`
	// Response is the start of the endpoint's answer (a few hundred
	// bytes at most), for diagnosis.
	Response string `json:"response,omitempty"`
}

// Lease says which process delivers a stream, until when.
type Lease struct {
	Stream  string    `json:"stream"`
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
}

// DeliveryQuery selects deliveries of a stream, newest first.
type DeliveryQuery struct {
	// Status limits the results to one status; empty means any.
	Status DeliveryStatus
	// Cursor continues from the Next of a previous page of the same
	// query.
	Cursor string
	// Limit is the page size; 0 means DefaultPageSize, at most
	// MaxPageSize.
	Limit int
}

// PageSize returns the effective page size.
func (q DeliveryQuery) PageSize() int { return Query{Limit: q.Limit}.PageSize() }

// DeliveryPage is one page of deliveries.
type DeliveryPage struct {
	Deliveries []*Delivery
	// Next is the cursor of the next page, empty on the last.
	Next string
}

// SystemStream names a delivery stream that belongs to the platform and
// not to a subscription, such as webhook's hand-off of submitted requests:
// "system/" and name.
func SystemStream(name string) string { return systemStreamPrefix + name }

const systemStreamPrefix = "system/"

// IsSystemStream reports whether stream is a system stream.
func IsSystemStream(stream string) bool { return strings.HasPrefix(stream, systemStreamPrefix) }

// SubscriptionStore is an optional Store capability, in the manner of
// database/sql/driver's optional interfaces: a Store that implements it
// keeps subscriptions and the state of their delivery, and the Service's
// subscription methods and package webhook work on it (without it they
// fail with ErrUnsupported). store/memory and store/badger implement it;
// the conformance suite (store/storetest) checks any that does.
//
// A delivery stream is a subscription's ID, or a system stream
// (SystemStream). Each has a cursor in the event log, its deliveries and
// a lease. Like the Store, it keeps its invariants atomically, however
// many processes share it:
//
//   - Moving a cursor is a compare-and-swap (Enqueue), in the same
//     transaction as the deliveries it enqueues: two deliverers racing on
//     one stream cannot both enqueue the same events.
//   - A delivery, a subscription and a lease change only as their
//     compare-and-swap rules say (Revision, or the lease's holder and
//     expiry).
//   - One holder at a time has a stream's lease; another takes it over
//     once it has expired (AcquireLease). A single-process store keeps
//     this trivially; a shared one (PostgreSQL) must lock the lease's row.
//
// Times are the caller's (its Clock): the store compares them, it does
// not read a clock of its own.
type SubscriptionStore interface {
	// CreateSubscription stores a new subscription with Revision 1 and
	// starts its cursor at the last event committed: it receives the
	// events written after it. It fails with ErrConflict if the ID exists,
	// and with a *TooLargeError when the account has limit subscriptions
	// already (limit <= 0: no limit).
	CreateSubscription(ctx context.Context, s *Subscription, limit int) error
	// Subscription returns a subscription, or ErrNotFound.
	Subscription(ctx context.Context, id string) (*Subscription, error)
	// Subscriptions returns the subscriptions of an account (every
	// account's for ""), ordered by ID.
	Subscriptions(ctx context.Context, accountID string) ([]*Subscription, error)
	// UpdateSubscription replaces a subscription. s.Revision must be the
	// stored revision, else ErrConflict (ErrNotFound when it is gone); on
	// success it is incremented. The owning account cannot change.
	UpdateSubscription(ctx context.Context, s *Subscription) error
	// DeleteSubscription deletes a subscription with its cursor, its
	// deliveries and its lease. s.Revision must be the stored revision.
	DeleteSubscription(ctx context.Context, s *Subscription) error

	// AcquireLease gives holder the stream's lease until `until`, when
	// nobody holds it, its lease expired before now, or holder holds it
	// already (a renewal). Otherwise it fails with ErrLeaseHeld and
	// returns the lease as it stands. A subscription's stream has a
	// lease only while the subscription exists (ErrNotFound otherwise).
	AcquireLease(ctx context.Context, stream, holder string, now, until time.Time) (Lease, error)
	// ReleaseLease gives a lease up, if holder holds it (else it does
	// nothing).
	ReleaseLease(ctx context.Context, stream, holder string) error

	// DeliveryCursor returns a stream's position in the event log: the
	// Seq of the last event it has enqueued or passed over (0 if none).
	// A subscription that does not exist is ErrNotFound.
	DeliveryCursor(ctx context.Context, stream string) (uint64, error)
	// Enqueue stores new deliveries (Status pending; Revision set to 1)
	// and moves the stream's cursor from `from` to `to`, atomically: if
	// the cursor is not at from, it fails with ErrConflict and writes
	// nothing. Each delivery's Stream must be stream and its Seq in
	// (from, to]. A subscription that does not exist is ErrNotFound.
	Enqueue(ctx context.Context, stream string, from, to uint64, ds []*Delivery) error
	// UpdateDeliveries replaces deliveries, all or none: each one's
	// Revision must be the stored one, else ErrConflict (ErrNotFound for
	// one that is gone); on success each Revision is incremented.
	UpdateDeliveries(ctx context.Context, ds []*Delivery) error
	// Delivery returns a delivery of a stream by its ID, or ErrNotFound.
	Delivery(ctx context.Context, stream, id string) (*Delivery, error)
	// Deliveries returns one page of a stream's deliveries, newest (by
	// Seq) first. A malformed q.Cursor is a *ValidationError on the field
	// "cursor".
	Deliveries(ctx context.Context, stream string, q DeliveryQuery) (DeliveryPage, error)
	// PendingDeliveries returns up to limit pending deliveries of a
	// stream with Seq > after, oldest first.
	PendingDeliveries(ctx context.Context, stream string, after uint64, limit int) ([]*Delivery, error)
	// PruneDeliveries deletes up to limit of a stream's deliveries that
	// are over (delivered or failed) and were last updated before
	// `before`, oldest first, and returns how many it deleted.
	PruneDeliveries(ctx context.Context, stream string, before time.Time, limit int) (int, error)
}

// subscriptions returns the Store's SubscriptionStore, or ErrUnsupported.
func (s *Service) subscriptions() (SubscriptionStore, error) {
	ss, ok := s.store.(SubscriptionStore)
	if !ok {
		return nil, fmt.Errorf("subscriptions: %w", ErrUnsupported)
	}
	return ss, nil
}
