package porting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Options configure a Service. The zero value of every field selects its
// default, so Options{} is a working configuration.
type Options struct {
	// Clock tells the time. Default: the system clock, in UTC.
	Clock Clock
	// IDs makes identifiers and support keys. Default: crypto/rand.
	IDs IDSource
	// Numbers parses numbers; its DefaultRegion applies to numbers
	// written without a country code. Default region: "US".
	Numbers NumberParser
	// Carriers finds each number's losing carrier. Default: an empty
	// CarrierTable (libphonenumber's range holders).
	Carriers CarrierLookup
	// Inventory is the platform's number inventory. Default: an empty
	// MemoryInventory.
	Inventory Inventory
	// Charges prices and bills ports. Default: NoCharges.
	Charges Charges
	// ServiceArea says which numbers the platform serves. Default: every
	// valid number.
	ServiceArea ServiceArea
	// Calendar says which days are business days. Default: USFederal.
	Calendar Calendar
	// FOC says which FOC dates a customer may ask for.
	FOC FOCPolicy
	// Lifecycle tunes the transition table (see Lifecycle).
	Lifecycle Lifecycle
	// MaxAttachmentSize caps an attachment, in bytes. Default 8,000,000.
	MaxAttachmentSize int64
	// MaxNumbers caps the numbers of one request, and of one portability
	// check. Default 10,000.
	MaxNumbers int
	// MaxComments caps the comments of one request. Default 2,000.
	MaxComments int
	// MaxAttachments caps the attachments (Telnyx's supporting documents)
	// of one request. Default 100.
	MaxAttachments int
	// MaxSubscriptions caps the subscriptions (webhooks) of one account.
	// Default 25.
	MaxSubscriptions int
	// CancelCutoff is how close to a confirmed FOC a cancellation may no
	// longer be asked for. Default 48 hours.
	CancelCutoff time.Duration
	// Logger receives the Service's own log lines. Default: slog.Default().
	Logger *slog.Logger
	// WatchBackoff is how long WatchEvents waits after its handler
	// failed, on the Clock: Min after the first failure in a row, doubling
	// up to Max. Default 1 second to 5 minutes.
	WatchBackoff Backoff
}

// Defaults for Options.
const (
	DefaultMaxAttachmentSize = 8_000_000
	DefaultMaxNumbers        = 10_000
	DefaultCancelCutoff      = 48 * time.Hour
	DefaultMaxComments       = 2_000
	DefaultMaxAttachments    = 100
	DefaultWatchBackoffMin   = time.Second
	DefaultWatchBackoffMax   = 5 * time.Minute
)

// maxRetries bounds how often a write that lost a race is retried.
const maxRetries = 8

// Service is portkit's one entry point: every rule of number porting is
// enforced here, whichever dialect or program calls it. It is safe for
// concurrent use. Every method reads the acting account from the context
// (see WithActor and AsSystem).
type Service struct {
	store Store
	opt   Options

	mu   sync.Mutex
	wake chan struct{} // closed and replaced after every write
}

// NewService returns a Service over store.
func NewService(store Store, opt Options) *Service {
	if opt.Clock == nil {
		opt.Clock = systemClock{}
	}
	if opt.IDs == nil {
		opt.IDs = randomIDs{}
	}
	if opt.Carriers == nil {
		opt.Carriers = &CarrierTable{}
	}
	if opt.Inventory == nil {
		opt.Inventory = &MemoryInventory{}
	}
	if opt.Charges == nil {
		opt.Charges = NoCharges{}
	}
	if opt.ServiceArea == nil {
		opt.ServiceArea = everywhere{}
	}
	if opt.Calendar == nil {
		opt.Calendar = USFederal{}
	}
	opt.FOC = opt.FOC.withDefaults()
	if opt.MaxAttachmentSize <= 0 {
		opt.MaxAttachmentSize = DefaultMaxAttachmentSize
	}
	if opt.MaxNumbers <= 0 {
		opt.MaxNumbers = DefaultMaxNumbers
	}
	if opt.MaxComments <= 0 {
		opt.MaxComments = DefaultMaxComments
	}
	if opt.MaxAttachments <= 0 {
		opt.MaxAttachments = DefaultMaxAttachments
	}
	if opt.MaxSubscriptions <= 0 {
		opt.MaxSubscriptions = DefaultMaxSubscriptions
	}
	if opt.CancelCutoff <= 0 {
		opt.CancelCutoff = DefaultCancelCutoff
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.WatchBackoff.Min <= 0 {
		opt.WatchBackoff.Min = DefaultWatchBackoffMin
	}
	if opt.WatchBackoff.Max < opt.WatchBackoff.Min {
		opt.WatchBackoff.Max = max(DefaultWatchBackoffMax, opt.WatchBackoff.Min)
	}
	return &Service{store: store, opt: opt, wake: make(chan struct{})}
}

// Options returns the Service's options, defaults filled in.
func (s *Service) Options() Options { return s.opt }

// ParseNumber normalises and classifies a number with the Service's
// default region.
func (s *Service) ParseNumber(raw string) Number { return s.opt.Numbers.Parse(raw) }

func (s *Service) now() time.Time { return s.opt.Clock.Now().UTC() }

// actor returns the context's actor, or ErrForbidden.
func actor(ctx context.Context) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok || (!a.Admin && a.AccountID == "") {
		return Actor{}, fmt.Errorf("no actor in context: %w", ErrForbidden)
	}
	return a, nil
}

// load returns a request the actor can reach. A request the actor cannot
// reach is reported as not found, so IDs do not leak.
func (s *Service) load(ctx context.Context, id string) (*PortRequest, Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, a, err
	}
	r, err := s.store.Request(ctx, id)
	if err != nil {
		return nil, a, err
	}
	if !a.reaches(r.AccountPath) {
		return nil, a, fmt.Errorf("port request %s: %w", id, ErrNotFound)
	}
	return r, a, nil
}

// isAuthority reports whether the actor is a port authority over r: a
// system admin, or a port-authority account on r's account path.
func (s *Service) isAuthority(ctx context.Context, a Actor, path []string) (bool, error) {
	if a.Admin {
		return true, nil
	}
	if !a.reaches(path) {
		return false, nil
	}
	acct, err := s.store.Account(ctx, a.AccountID)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return acct.PortAuthority, nil
}

// change is one mutation of one request, built by an edit function and
// written by mutate.
type change struct {
	r     *PortRequest
	actor Actor
	now   time.Time
	w     Write
	// before is the request's state before the change ("" for a new one).
	before State
}

// event appends an event about the request to the write.
func (s *Service) event(c *change, t EventType, e Event) {
	e.ID = s.opt.IDs.NewID()
	e.Type = t
	e.At = c.now
	e.RequestID = c.r.ID
	e.AccountID = c.r.AccountID
	e.AccountPath = c.r.AccountPath
	e.Actor = c.actor
	e.PreviousState = c.before
	e.Revision = c.r.Revision + 1
	c.w.Events = append(c.w.Events, e)
}

// mutate loads a request, applies edit and stores the result. rev is the
// revision the caller read, or 0 for "the current one": then a write that
// loses a race is retried on fresh data, with every rule checked again.
func (s *Service) mutate(ctx context.Context, id string, rev int64, edit func(c *change) error) (*PortRequest, error) {
	c, err := s.write(ctx, id, rev, edit, func(c *change) error {
		c.r.State = DeriveState(c.r.SubRequests)
		c.r.Updated = c.now
		for i := range c.w.Events {
			c.w.Events[i].State = c.r.State
		}
		return s.store.UpdateRequest(ctx, c.r, c.w)
	})
	if err != nil {
		return nil, err
	}
	return c.r, nil
}

// write runs one change of one request: it loads the request the actor
// reaches, checks the revision the caller read (rev; 0: any), lets edit
// build the change and hands it to store. A write that lost a race is
// tried again on fresh data (see retry).
func (s *Service) write(ctx context.Context, id string, rev int64, edit func(c *change) error, store func(c *change) error) (*change, error) {
	var c *change
	err := s.retry(ctx, rev, func() (int64, error) {
		r, a, err := s.load(ctx, id)
		if err != nil {
			return 0, err
		}
		if rev != 0 && r.Revision != rev {
			return r.Revision, fmt.Errorf("port request %s at revision %d, not %d: %w", id, r.Revision, rev, ErrConflict)
		}
		c = &change{r: r, actor: a, now: s.now(), before: r.State}
		if err := edit(c); err != nil {
			return r.Revision, permanent{err}
		}
		if err := store(c); err != nil {
			return r.Revision, s.numberErrors(ctx, a, c.r, err)
		}
		return r.Revision, nil
	})
	if err != nil {
		return nil, err
	}
	s.notify()
	return c, nil
}

// permanent marks an error that another attempt would not cure.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// retry is the one retry loop of the Service's writes. try makes one
// attempt and reports the revision of the request it found (0 when there
// is none). A write is tried again when it lost a race that another
// attempt can win: a support key drawn twice, or, when the caller named
// no revision (rev 0), a revision that moved on under it. Losing to a
// write that committed is progress, not a failed attempt: only attempts
// that found the request where the last one left it count against
// maxRetries, so many concurrent writers of one request all get through.
// It never retries past ctx.
func (s *Service) retry(ctx context.Context, rev int64, try func() (seen int64, err error)) error {
	var last int64
	for attempt := 0; ; attempt++ {
		seen, err := try()
		var p permanent
		if errors.As(err, &p) {
			return p.error
		}
		if seen != last {
			attempt, last = 0, seen
		}
		again := errors.Is(err, ErrSupportKeyTaken) || (rev == 0 && errors.Is(err, ErrConflict))
		if !again || attempt >= maxRetries || ctx.Err() != nil {
			return err
		}
	}
}

// notify wakes every WatchEvents loop.
func (s *Service) notify() {
	s.mu.Lock()
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
}

func (s *Service) woken() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wake
}

// Written returns a channel that is closed once this Service has written
// again: a consumer of the event log (package webhook) waits on it
// instead of polling. Writes of other processes on the same store are not
// seen: such a consumer polls as well.
func (s *Service) Written() <-chan struct{} { return s.woken() }

// numberErrors turns a Store's *NumberOnRequestError and *NumberOwnedError
// values into a ValidationError keyed by the numbers as the client sent
// them. The holding request is named only to an actor who reaches it:
// anyone else learns that the number is taken, not which request of
// which account holds it.
func (s *Service) numberErrors(ctx context.Context, a Actor, r *PortRequest, err error) error {
	var fe fieldErrors
	visible := map[string]bool{} // holding request ID -> a reaches it
	walkErrors(err, func(e error) {
		var n *Number
		switch t := e.(type) {
		case *NumberOnRequestError:
			see, known := visible[t.RequestID]
			if !known {
				h, herr := s.store.Request(ctx, t.RequestID)
				see = herr == nil && a.reaches(h.AccountPath)
				visible[t.RequestID] = see
			}
			if !see {
				t = &NumberOnRequestError{Number: t.Number}
				e = t
			}
			n = &t.Number
		case *NumberOwnedError:
			n = &t.Number
		default:
			return
		}
		if pn, ok := r.Number(n.E164); ok {
			*n = pn.Number
		}
		fe = append(fe, FieldError{Field: "numbers", Value: rawOr(*n), Index: -1, Code: "type", Message: e.Error(), Err: e})
	})
	if len(fe) == 0 {
		return err
	}
	return fe.err()
}

// walkErrors calls f for err and every error it wraps.
func walkErrors(err error, f func(error)) {
	if err == nil {
		return
	}
	f(err)
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkErrors(e, f)
		}
	case interface{ Unwrap() error }:
		walkErrors(u.Unwrap(), f)
	}
}

func rawOr(n Number) string {
	if n.Raw != "" {
		return n.Raw
	}
	return n.E164
}
