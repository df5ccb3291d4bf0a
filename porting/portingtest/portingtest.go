// Package portingtest gives users of portkit a ready Service for their own
// unit tests: an in-memory store, a clock that moves only when told, IDs
// that count, recorded charges and a small account tree, plus builders for
// requests and a helper that walks a request through its lifecycle.
//
//	f := portingtest.New(t)
//	r := f.Create(t, "+12025550100", "+12025550101")
//	f.Complete(t, r.ID)
//	require.Len(t, f.Charges.Charged(), 1)
package portingtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/memory"
)

// Epoch is where a fixture's clock starts: Monday 2 March 2026, 14:00 UTC.
var Epoch = time.Date(2026, time.March, 2, 14, 0, 0, 0, time.UTC)

// Clock is a porting.Clock that moves only when told. It is a
// porting.Timer too: a wait on it (WatchEvents' backoff, a webhook's
// retry schedule) ends when Set or Advance moves the clock past its end.
// Safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	t      time.Time
	timers []clockTimer
}

// clockTimer is one wait on the clock.
type clockTimer struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t.UTC()} }

// Now implements porting.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t.UTC()
	c.fire()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.fire()
}

// After implements porting.Timer: the channel receives the clock's time
// once the clock has been moved d past now (at once when d <= 0).
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.t
		return ch
	}
	c.timers = append(c.timers, clockTimer{at: c.t.Add(d), ch: ch})
	return ch
}

// Waiting returns how many waits (After) have not ended yet: a test
// moves the clock once the code under test is waiting on it. A wait whose
// waiter gave up (its context ended) counts until the clock passes it.
func (c *Clock) Waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// NextWait returns when the earliest wait ends, if one is pending.
func (c *Clock) NextWait() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var next time.Time
	for _, tm := range c.timers {
		if next.IsZero() || tm.at.Before(next) {
			next = tm.at
		}
	}
	return next, !next.IsZero()
}

// fire ends the waits the clock has reached; c.mu is held.
func (c *Clock) fire() {
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(c.t) {
			kept = append(kept, tm)
			continue
		}
		tm.ch <- c.t
	}
	clear(c.timers[len(kept):])
	c.timers = kept
}

var _ porting.Timer = (*Clock)(nil)

// IDs is a porting.IDSource that counts: IDs are 32 hex digits ending in
// the count ("000…001"), support keys the prefix and 6 ("pr_000001").
// Safe for concurrent use.
type IDs struct {
	mu        sync.Mutex
	ids, keys uint64
}

// NewID implements porting.IDSource.
func (g *IDs) NewID() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ids++
	return fmt.Sprintf("%032x", g.ids)
}

// NewSupportKey implements porting.IDSource.
func (g *IDs) NewSupportKey(prefix string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.keys++
	return fmt.Sprintf("%s%06x", prefix, g.keys)
}

// Charge is one charge Charges billed.
type Charge struct {
	RequestID string
	AccountID string
	Numbers   []string
	Quote     porting.Quote
	Key       string
}

// Charges is a porting.Charges and porting.ChargeAuthorizer that quotes
// PerNumber for each number, holds each completion's charge before it is
// stored, and bills it once per key after it committed. Safe for
// concurrent use.
type Charges struct {
	PerNumber float64
	// Fail, when set, refuses every completion (Authorize returns it):
	// the transition fails and nothing changes.
	Fail error

	mu       sync.Mutex
	charged  []Charge
	held     map[string]bool
	released []string
}

var (
	_ porting.Charges          = (*Charges)(nil)
	_ porting.ChargeAuthorizer = (*Charges)(nil)
)

// Quote implements porting.Charges.
func (c *Charges) Quote(ctx context.Context, r *porting.PortRequest, numbers []string) (porting.Quote, error) {
	return porting.FlatCharges{PerNumber: c.PerNumber}.Quote(ctx, r, numbers)
}

// Authorize implements porting.ChargeAuthorizer.
func (c *Charges) Authorize(_ context.Context, cp porting.Completion) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Fail != nil {
		return c.Fail
	}
	if c.held == nil {
		c.held = make(map[string]bool)
	}
	c.held[cp.Key] = true
	return nil
}

// Release implements porting.ChargeAuthorizer.
func (c *Charges) Release(_ context.Context, cp porting.Completion) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held[cp.Key] {
		delete(c.held, cp.Key)
		c.released = append(c.released, cp.Key)
	}
	return nil
}

// Charge implements porting.Charges: it bills a key once.
func (c *Charges) Charge(_ context.Context, cp porting.Completion) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.charged {
		if ch.Key == cp.Key {
			return nil
		}
	}
	delete(c.held, cp.Key)
	c.charged = append(c.charged, Charge{RequestID: cp.RequestID, AccountID: cp.AccountID,
		Numbers: slices.Clone(cp.Numbers), Quote: cp.Quote, Key: cp.Key})
	return nil
}

// Charged returns the charges billed so far.
func (c *Charges) Charged() []Charge {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.charged)
}

// Held returns the keys of the charges held and neither billed nor
// released: completions still being stored, or whose settlement failed.
func (c *Charges) Held() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Sorted(maps.Keys(c.held))
}

// Released returns the keys of the holds dropped because their completion
// did not commit.
func (c *Charges) Released() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.released)
}

// Fixture is a ready Service and everything behind it.
type Fixture struct {
	Service   *porting.Service
	Store     *memory.Store
	Clock     *Clock
	IDs       *IDs
	Inventory *porting.MemoryInventory
	Charges   *Charges
	Carriers  *porting.CarrierTable
	// Authority is a root account that is a port authority; Customer is
	// its sub-account, which makes the requests.
	Authority, Customer porting.Account
}

// Option adjusts the Service options of a fixture.
type Option func(*porting.Options)

// New returns a fixture. The Service uses the fixture's clock, IDs,
// inventory, charges (free unless Charges.PerNumber is set) and carrier
// table; options may replace any of them.
func New(t testing.TB, opts ...Option) *Fixture {
	t.Helper()
	f := &Fixture{
		Store:     memory.New(),
		Clock:     NewClock(Epoch),
		IDs:       &IDs{},
		Inventory: &porting.MemoryInventory{},
		Charges:   &Charges{},
		Carriers:  &porting.CarrierTable{},
		Authority: porting.Account{ID: "authority", Name: "Port Authority", PortAuthority: true},
		Customer:  porting.Account{ID: "customer", Name: "Customer", ParentID: "authority"},
	}
	o := porting.Options{Clock: f.Clock, IDs: f.IDs, Inventory: f.Inventory, Charges: f.Charges, Carriers: f.Carriers}
	for _, opt := range opts {
		opt(&o)
	}
	f.Service = porting.NewService(f.Store, o)
	ctx := porting.AsSystem(context.Background())
	for _, a := range []porting.Account{f.Authority, f.Customer} {
		if err := f.Service.PutAccount(ctx, a); err != nil {
			t.Fatalf("portingtest: %v", err)
		}
	}
	t.Cleanup(func() { _ = f.Store.Close() })
	return f
}

// AsCustomer returns a context acting as a user of the customer account.
func (f *Fixture) AsCustomer() context.Context {
	return porting.WithActor(context.Background(), porting.Actor{AccountID: f.Customer.ID, UserID: "customer-user", Name: "Customer User"})
}

// AsAuthority returns a context acting as a user of the port authority.
func (f *Fixture) AsAuthority() context.Context {
	return porting.WithActor(context.Background(), porting.Actor{AccountID: f.Authority.ID, UserID: "authority-user", Name: "Authority User"})
}

// Input returns a request input named name with the given numbers.
func Input(name string, numbers ...string) porting.RequestInput {
	in := porting.RequestInput{Name: name, Numbers: make([]porting.NumberInput, len(numbers))}
	for i, n := range numbers {
		in.Numbers[i] = porting.NumberInput{Raw: n}
	}
	return in
}

// Create makes a request for the customer account, or fails the test.
func (f *Fixture) Create(t testing.TB, numbers ...string) *porting.PortRequest {
	t.Helper()
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, Input("Port request", numbers...))
	if err != nil {
		t.Fatalf("portingtest: create: %v", err)
	}
	return r
}

// Move makes one transition as the port authority (accepting charges), or
// fails the test.
func (f *Fixture) Move(t testing.TB, id string, to porting.State) *porting.PortRequest {
	t.Helper()
	opt := porting.TransitionOptions{AcceptCharges: true}
	if to == porting.StateScheduled {
		opt.ScheduledDate = f.Clock.Now().Add(72 * time.Hour)
	}
	r, err := f.Service.Transition(f.AsAuthority(), id, 0, to, opt)
	if err != nil {
		t.Fatalf("portingtest: move %s to %s: %v", id, to, err)
	}
	return r
}

// PathTo is the shortest way from unconfirmed to st, as the port
// authority moves a request: the states to move to, in order (none for
// unconfirmed). cancel-pending is a sub request's state, not one a whole
// request is moved to, so it has no path and ok is false.
func PathTo(st porting.State) (path []porting.State, ok bool) {
	path, ok = paths[st]
	return slices.Clone(path), ok
}

var paths = map[porting.State][]porting.State{
	porting.StateUnconfirmed: nil,
	porting.StateSubmitted:   {porting.StateSubmitted},
	porting.StatePending:     {porting.StateSubmitted, porting.StatePending},
	porting.StateScheduled:   {porting.StateSubmitted, porting.StatePending, porting.StateScheduled},
	porting.StateCompleted:   {porting.StateSubmitted, porting.StatePending, porting.StateScheduled, porting.StateCompleted},
	porting.StateRejected:    {porting.StateSubmitted, porting.StateRejected},
	porting.StateCanceled:    {porting.StateCanceled},
}

// Complete walks a request from unconfirmed through submitted, pending and
// scheduled to completed, advancing the clock an hour between steps.
func (f *Fixture) Complete(t testing.TB, id string) *porting.PortRequest {
	t.Helper()
	var r *porting.PortRequest
	path, _ := PathTo(porting.StateCompleted)
	for _, to := range path {
		f.Clock.Advance(time.Hour)
		r = f.Move(t, id, to)
	}
	return r
}

// FillSubRequests sets every field a submission needs on each open sub
// request of a draft (cancelled ones are left as they are), so SubmitDraft
// succeeds.
func (f *Fixture) FillSubRequests(t testing.TB, id string) *porting.PortRequest {
	t.Helper()
	r, err := f.Service.Get(f.AsCustomer(), id)
	if err != nil {
		t.Fatalf("portingtest: %v", err)
	}
	foc := f.Service.Options().FOC.Windows(f.Clock.Now(), f.Service.Options().Calendar)[0].Start.Add(time.Hour)
	str := func(s string) *string { return &s }
	for _, sr := range r.SubRequests {
		if sr.State.Terminal() {
			continue
		}
		r, err = f.Service.UpdateDraftSubRequest(f.AsCustomer(), id, sr.ID, 0, porting.SubRequestPatch{
			FOCDateRequested: &foc, AuthPersonName: str("Jane Doe"), PersonOrCompanyName: str("Acme Inc"),
			BillingPhoneNumber: str(r.Numbers[0].E164), StreetAddress: str("1 Main St"), Locality: str("Washington"),
			AdministrativeArea: str("DC"), PostalCode: str("20001"), CountryCode: str("US"),
			DefaultConnectionID: str("conn-1"), DefaultMessageProfileID: str("msg-1"),
		})
		if err != nil {
			t.Fatalf("portingtest: fill sub request %s: %v", sr.ID, err)
		}
	}
	return r
}
