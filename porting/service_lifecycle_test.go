package porting_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

// svAllowed is domain-facts §2, written out: svAllowed[to] lists the
// states a request may move to `to` from.
var svAllowed = map[porting.State][]porting.State{
	porting.StateSubmitted: {porting.StateUnconfirmed, porting.StateRejected},
	porting.StatePending:   {porting.StateSubmitted},
	porting.StateScheduled: {porting.StatePending},
	porting.StateCompleted: {porting.StatePending, porting.StateScheduled, porting.StateRejected},
	porting.StateRejected:  {porting.StateSubmitted, porting.StatePending, porting.StateScheduled},
	porting.StateCanceled: {porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending,
		porting.StateScheduled, porting.StateRejected},
}

var svRequestStates = []porting.State{
	porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending, porting.StateScheduled,
	porting.StateCompleted, porting.StateRejected, porting.StateCanceled,
}

func svIsAllowed(from, to porting.State) bool {
	for _, s := range svAllowed[to] {
		if s == from {
			return true
		}
	}
	return false
}

// svMoveOptions are the options a move to `to` needs.
func svMoveOptions(f *portingtest.Fixture, to porting.State) porting.TransitionOptions {
	opt := porting.TransitionOptions{AcceptCharges: true, Reason: "because"}
	if to == porting.StateScheduled {
		opt.ScheduledDate = f.Clock.Now().Add(72 * time.Hour)
	}
	return opt
}

// svRequireTransitionError asserts err is the port_state error for a move
// from `from` to `to`.
func svRequireTransitionError(t *testing.T, err error, id string, from, to porting.State) {
	t.Helper()
	fe := svOnlyField(t, err)
	require.Equal(t, "port_state", fe.Field)
	require.Equal(t, string(to), fe.Value)
	require.Equal(t, "enum", fe.Code)
	require.ErrorIs(t, err, porting.ErrInvalidTransition)
	var te *porting.TransitionError
	require.ErrorAs(t, err, &te)
	require.Equal(t, id, te.RequestID)
	require.Equal(t, from, te.From)
	require.Equal(t, to, te.To)
}

func TestServiceLifecycleTable(t *testing.T) {
	t.Parallel()
	for _, from := range svRequestStates {
		for _, to := range svRequestStates {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				t.Parallel()
				f := portingtest.New(t)
				r := svReach(t, f, from, svOther1)
				before := len(svTransitions(t, f, r.ID))
				f.Clock.Advance(time.Hour)
				got, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, to, svMoveOptions(f, to))
				if !svIsAllowed(from, to) {
					require.Nil(t, got)
					svRequireTransitionError(t, err, r.ID, from, to)
					require.Equal(t, r, svGet(t, f, r.ID), "nothing changed")
					return
				}
				require.NoError(t, err)
				require.Equal(t, to, got.State)
				for _, sr := range got.SubRequests {
					require.Equal(t, to, sr.State)
				}
				require.Equal(t, r.Revision+1, got.Revision)
				ts := svTransitions(t, f, r.ID)
				require.Len(t, ts, before+1)
				require.Equal(t, porting.Transition{
					At: f.Clock.Now(), From: from, To: to, Reason: "because",
					Actor: porting.Actor{AccountID: f.Authority.ID, UserID: "authority-user", Name: "Authority User"},
				}, ts[len(ts)-1])
				require.Equal(t, got, svGet(t, f, r.ID))
			})
		}
	}
}

func TestServiceLifecycleNoStateMovesToItself(t *testing.T) {
	t.Parallel()
	for _, st := range svRequestStates {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := svReach(t, f, st, svOther1)
			_, err := f.Service.Transition(porting.AsSystem(t.Context()), r.ID, 0, st, svMoveOptions(f, st))
			svRequireTransitionError(t, err, r.ID, st, st)
			require.Equal(t, r, svGet(t, f, r.ID))
		})
	}
}

func TestServiceLifecycleUnknownTarget(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	for _, to := range []porting.State{"bogus", "", porting.StateCancelPending} {
		_, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, to, porting.TransitionOptions{})
		fe := svOnlyField(t, err)
		require.Equal(t, "port_state", fe.Field)
		require.Equal(t, "enum", fe.Code)
		require.Equal(t, string(to), fe.Value)
	}
	require.Equal(t, r, svGet(t, f, r.ID))
}

func TestServiceLifecycleWhoMayMove(t *testing.T) {
	t.Parallel()
	customerMay := map[[2]porting.State]bool{
		{porting.StateUnconfirmed, porting.StateSubmitted}: true,
		{porting.StateRejected, porting.StateSubmitted}:    true,
		{porting.StateUnconfirmed, porting.StateCanceled}:  true,
	}
	for to, froms := range svAllowed {
		for _, from := range froms {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				t.Parallel()
				f := portingtest.New(t)
				r := svReach(t, f, from, svOther1)
				got, err := f.Service.Transition(f.AsCustomer(), r.ID, 0, to, svMoveOptions(f, to))
				if customerMay[[2]porting.State{from, to}] {
					require.NoError(t, err)
					require.Equal(t, to, got.State)
					ts := svTransitions(t, f, r.ID)
					require.Equal(t, f.Customer.ID, ts[len(ts)-1].Actor.AccountID)
					return
				}
				require.ErrorIs(t, err, porting.ErrForbidden)
				require.Nil(t, got)
				require.Equal(t, r, svGet(t, f, r.ID), "nothing changed")
				// The authority may.
				got, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, to, svMoveOptions(f, to))
				require.NoError(t, err)
				require.Equal(t, to, got.State)
			})
		}
	}
}

func TestServiceLifecycleNonAuthorityAncestorIsNotAnAuthority(t *testing.T) {
	t.Parallel()
	// A parent account that is not a port authority may submit for its
	// child but not process the port.
	f := portingtest.New(t)
	sys := porting.AsSystem(t.Context())
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "reseller", ParentID: f.Authority.ID}))
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "end-user", ParentID: "reseller"}))
	reseller := porting.WithActor(t.Context(), porting.Actor{AccountID: "reseller"})
	r, err := f.Service.Create(reseller, "end-user", portingtest.Input("x", svOther1))
	require.NoError(t, err)
	_, err = f.Service.Transition(reseller, r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	require.NoError(t, err)
	_, err = f.Service.Transition(reseller, r.ID, 0, porting.StatePending, porting.TransitionOptions{})
	require.ErrorIs(t, err, porting.ErrForbidden)
	r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StatePending, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StatePending, r.State)
}

func TestServiceLifecycleSkipPending(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t, func(o *porting.Options) { o.Lifecycle = porting.Lifecycle{SkipPending: true} })
	r := svReach(t, f, porting.StateSubmitted, svOther1)
	date := portingtest.Epoch.Add(96 * time.Hour)
	_, err := f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateScheduled, porting.TransitionOptions{ScheduledDate: date})
	require.ErrorIs(t, err, porting.ErrForbidden, "still the authority's move")
	r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateScheduled, porting.TransitionOptions{ScheduledDate: date})
	require.NoError(t, err)
	require.Equal(t, porting.StateScheduled, r.State)
	require.Equal(t, date, r.ScheduledDate())

	// Without the option the move is refused (see the table test), and
	// the option adds nothing else.
	f2 := portingtest.New(t, func(o *porting.Options) { o.Lifecycle = porting.Lifecycle{SkipPending: true} })
	r2 := svReach(t, f2, porting.StateUnconfirmed, svOther1)
	_, err = f2.Service.Transition(f2.AsAuthority(), r2.ID, 0, porting.StateScheduled, porting.TransitionOptions{ScheduledDate: date})
	svRequireTransitionError(t, err, r2.ID, porting.StateUnconfirmed, porting.StateScheduled)
}

func TestServiceSubmitCharges(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	f.Charges.PerNumber = 10
	r := f.Create(t, svOther1, svOther2, svAlpha1)

	got, err := f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	require.Nil(t, got)
	require.ErrorIs(t, err, porting.ErrChargesNotAccepted)
	var ce *porting.ChargesError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, porting.Quote{ActivationCharges: 30, PerNumber: 10, Numbers: 3}, ce.Quote)
	require.Equal(t, r, svGet(t, f, r.ID), "nothing changed")

	got, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{AcceptCharges: true})
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, got.State)
	require.NotNil(t, got.Quote)
	require.Equal(t, porting.Quote{ActivationCharges: 30, PerNumber: 10, Numbers: 3}, *got.Quote)
	require.Equal(t, got, svGet(t, f, r.ID))
}

func TestServiceSubmitFreePortNeedsNoAcceptance(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	r, err := f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, r.State)
	require.Nil(t, r.Quote)
}

func TestServiceScheduleNeedsDate(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svCarriers(f)
	r := svReach(t, f, porting.StatePending, svAlpha1, svBeta1)

	_, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateScheduled, porting.TransitionOptions{})
	fe := svOnlyField(t, err)
	require.Equal(t, "scheduled_date", fe.Field)
	require.Equal(t, "required", fe.Code)
	require.Equal(t, r, svGet(t, f, r.ID))

	date := time.Date(2026, time.March, 10, 16, 0, 0, 0, time.FixedZone("EST", -5*3600))
	r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateScheduled, porting.TransitionOptions{ScheduledDate: date})
	require.NoError(t, err)
	require.Equal(t, porting.StateScheduled, r.State)
	require.Equal(t, date.UTC(), r.ScheduledDate())
	require.Equal(t, time.UTC, r.ScheduledDate().Location())
	for _, sr := range r.SubRequests {
		require.Equal(t, date.UTC(), sr.FOCDate, "sub request %s", sr.Carrier)
		require.Equal(t, date.UTC(), r.Effective(sr).FOCDate)
	}
}

func TestServiceScheduleDateFromMergedInput(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := svReach(t, f, porting.StatePending, svOther1)
	date := portingtest.Epoch.Add(100 * time.Hour)
	in := r.Input()
	in.ScheduledDate = date
	r, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateScheduled, porting.TransitionOptions{Input: &in})
	require.NoError(t, err)
	require.Equal(t, date, r.ScheduledDate())
	require.Equal(t, date, r.SubRequests[0].FOCDate)
}

func TestServiceCompleteActivatesAndChargesPerSubRequest(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svCarriers(f)
	f.Charges.PerNumber = 10
	r := f.Create(t, svAlpha1, svAlpha2, svBeta1)
	r = f.Complete(t, r.ID)
	require.Equal(t, porting.StateCompleted, r.State)

	for _, n := range []string{svAlpha1, svAlpha2, svBeta1} {
		acct, owned, err := f.Inventory.Owner(t.Context(), n)
		require.NoError(t, err)
		require.True(t, owned, n)
		require.Equal(t, f.Customer.ID, acct)
	}
	charged := f.Charges.Charged()
	require.Len(t, charged, 2, "one charge per sub request")
	quote := porting.Quote{ActivationCharges: 30, PerNumber: 10, Numbers: 3}
	byNumbers := map[string]portingtest.Charge{}
	for _, c := range charged {
		require.Equal(t, r.ID, c.RequestID)
		require.Equal(t, f.Customer.ID, c.AccountID)
		require.Equal(t, quote, c.Quote)
		require.NotEmpty(t, c.Key)
		byNumbers[c.Numbers[0]] = c
	}
	require.Equal(t, []string{svAlpha1, svAlpha2}, byNumbers[svAlpha1].Numbers)
	require.Equal(t, []string{svBeta1}, byNumbers[svBeta1].Numbers)
	require.NotEqual(t, byNumbers[svAlpha1].Key, byNumbers[svBeta1].Key)

	// The completed request keeps its numbers, and they are the platform's.
	require.Equal(t, []string{svAlpha1, svAlpha2, svBeta1}, r.CompletedNumbers())
	page, err := f.Service.List(f.AsAuthority(), porting.Query{AccountID: f.Customer.ID, Number: svBeta1})
	require.NoError(t, err)
	require.Len(t, page.Requests, 1)
}

// svRecordingCharges records every Charge call, failing the first
// failFirst of them.
type svRecordingCharges struct {
	mu        sync.Mutex
	failFirst int
	keys      []string
}

func (c *svRecordingCharges) Quote(context.Context, *porting.PortRequest, []string) (porting.Quote, error) {
	return porting.Quote{}, nil
}

func (c *svRecordingCharges) Charge(_ context.Context, cp porting.Completion) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keys = append(c.keys, cp.Key)
	if len(c.keys) <= c.failFirst {
		return errors.New("billing is down")
	}
	return nil
}

// A charge that fails after the completion committed does not undo it:
// the completion is settled again from the event log, under the same key,
// and its numbers are activated only once it is billed.
func TestServiceCompleteChargeKeyIsStable(t *testing.T) {
	t.Parallel()
	charges := &svRecordingCharges{failFirst: 1}
	f := portingtest.New(t, func(o *porting.Options) { o.Charges = charges })
	svCarriers(f)
	r := svReach(t, f, porting.StateScheduled, svAlpha1, svBeta1)
	alpha := svSub(t, r, "Alpha")
	sys := porting.AsSystem(t.Context())

	// Alpha completes; billing is down: committed, not yet billed nor active.
	r, err := f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, alpha.ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StateCompleted, svSub(t, r, "Alpha").State)
	require.Len(t, charges.keys, 1)
	_, owned, err := f.Inventory.Owner(t.Context(), svAlpha1)
	require.NoError(t, err)
	require.False(t, owned, "not activated before it is billed")

	// The settlement from the event log bills it, under the same key.
	_, err = f.Service.DeliverEvents(sys, porting.SettlementConsumer, f.Service.Settlements())
	require.NoError(t, err)
	require.Len(t, charges.keys, 2)
	require.Equal(t, charges.keys[0], charges.keys[1])
	_, owned, err = f.Inventory.Owner(t.Context(), svAlpha1)
	require.NoError(t, err)
	require.True(t, owned, "activated once billed")

	// Beta completes with the rest of the request: its own key.
	r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StateCompleted, r.State)
	require.Len(t, charges.keys, 3, "the completed Alpha is not charged again")
	require.NotEqual(t, charges.keys[0], charges.keys[2])
}

func TestServiceCompleteChargeFailureChangesNothing(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := svReach(t, f, porting.StateScheduled, svOther1)
	events, err := f.Service.Events(porting.AsSystem(t.Context()), 0, 1000)
	require.NoError(t, err)
	f.Charges.Fail = errors.New("card declined")

	_, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.ErrorIs(t, err, f.Charges.Fail)
	require.Equal(t, r, svGet(t, f, r.ID), "the request did not change")
	_, owned, err := f.Inventory.Owner(t.Context(), svOther1)
	require.NoError(t, err)
	require.False(t, owned, "the number was not activated")
	require.Empty(t, f.Charges.Charged())
	after, err := f.Service.Events(porting.AsSystem(t.Context()), 0, 1000)
	require.NoError(t, err)
	require.Equal(t, events, after, "no event was written")

	// Once billing works, the completion goes through.
	f.Charges.Fail = nil
	r = f.Move(t, r.ID, porting.StateCompleted)
	require.Equal(t, porting.StateCompleted, r.State)
	require.Len(t, f.Charges.Charged(), 1)
	_, owned, err = f.Inventory.Owner(t.Context(), svOther1)
	require.NoError(t, err)
	require.True(t, owned)
}

func TestServiceTransitionsAreRecorded(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	start := f.Clock.Now()
	customer := porting.Actor{AccountID: f.Customer.ID, UserID: "customer-user", Name: "Customer User"}
	authority := porting.Actor{AccountID: f.Authority.ID, UserID: "authority-user", Name: "Authority User"}

	f.Clock.Advance(time.Hour)
	_, err := f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{Reason: "ready"})
	require.NoError(t, err)
	f.Clock.Advance(time.Hour)
	_, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateRejected, porting.TransitionOptions{Reason: "name does not match the CSR"})
	require.NoError(t, err)
	f.Clock.Advance(time.Hour)
	r, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	require.NoError(t, err)

	require.Equal(t, []porting.Transition{
		{At: start.Add(time.Hour), From: porting.StateUnconfirmed, To: porting.StateSubmitted, Reason: "ready", Actor: customer},
		{At: start.Add(2 * time.Hour), From: porting.StateSubmitted, To: porting.StateRejected, Reason: "name does not match the CSR", Actor: authority},
		{At: start.Add(3 * time.Hour), From: porting.StateRejected, To: porting.StateSubmitted, Actor: customer},
	}, svTransitions(t, f, r.ID))
	require.Equal(t, start.Add(3*time.Hour), r.Updated)
}

func TestServiceTransitionRevision(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	_, err := f.Service.Transition(f.AsCustomer(), r.ID, r.Revision+1, porting.StateSubmitted, porting.TransitionOptions{})
	require.ErrorIs(t, err, porting.ErrConflict)
	got, err := f.Service.Transition(f.AsCustomer(), r.ID, r.Revision, porting.StateSubmitted, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, got.State)
}

func TestServiceTransitionMergesInput(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := svReach(t, f, porting.StatePending, svOther1)

	// Only some fields may change with a transition once the request is
	// no longer editable.
	in := r.Input()
	in.Name = "renamed"
	in.WinningCarrier = "Us"
	_, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateScheduled, porting.TransitionOptions{
		Input: &in, ScheduledDate: portingtest.Epoch.Add(72 * time.Hour),
	})
	fe := svOnlyField(t, err)
	require.Equal(t, "port_state", fe.Field)
	require.Equal(t, string(porting.StatePending), fe.Value)
	require.ErrorIs(t, err, porting.ErrNotAllowedInState)
	require.Equal(t, r, svGet(t, f, r.ID), "nothing changed, not even the allowed field")

	in = r.Input()
	in.WinningCarrier = "Us"
	in.ReferenceNumber = "LSR-42"
	got, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateScheduled, porting.TransitionOptions{
		Input: &in, ScheduledDate: portingtest.Epoch.Add(72 * time.Hour),
	})
	require.NoError(t, err)
	require.Equal(t, porting.StateScheduled, got.State)
	require.Equal(t, "Us", got.WinningCarrier)
	require.Equal(t, "LSR-42", got.ReferenceNumber)
	require.Equal(t, r.Name, got.Name)

	// Sending the whole document back unchanged is fine in any state.
	r = got
	in = r.Input()
	_, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateCompleted, porting.TransitionOptions{Input: &in})
	require.NoError(t, err)
}

func TestServiceTransitionMergeComparesNormalisedBTN(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	in := portingtest.Input("x", svOther1)
	in.Bill.BTN = svOther1
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	require.NoError(t, err)
	r = f.Move(t, r.ID, porting.StateSubmitted)

	in = r.Input()
	in.Bill.BTN = "(202) 555-0300" // the stored BTN, as a client may write it
	in.ReferenceNumber = "LSR-1"
	r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StatePending, porting.TransitionOptions{Input: &in})
	require.NoError(t, err)
	require.Equal(t, porting.StatePending, r.State)
	require.Equal(t, svOther1, r.Bill.BTN)
	require.Equal(t, "LSR-1", r.ReferenceNumber)
}

func TestServiceTransitionMergeWhileEditable(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svCarriers(f)
	r := f.Create(t, svAlpha1)
	in := r.Input()
	in.Name = "final name"
	in.Numbers = append(in.Numbers, porting.NumberInput{Raw: svBeta1})
	r, err := f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{Input: &in})
	require.NoError(t, err)
	require.Equal(t, "final name", r.Name)
	require.Equal(t, map[string]porting.State{"Alpha": porting.StateSubmitted, "Beta": porting.StateSubmitted}, svSubStates(r))
}

func TestServiceMarkSent(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	_, err := f.Service.MarkSent(f.AsAuthority(), r.ID, 0)
	svField(t, err, "sent", "forbidden")

	r = f.Move(t, r.ID, porting.StateSubmitted)
	require.False(t, r.Sent)
	_, err = f.Service.MarkSent(f.AsCustomer(), r.ID, 0)
	require.ErrorIs(t, err, porting.ErrForbidden)
	r, err = f.Service.MarkSent(f.AsAuthority(), r.ID, 0)
	require.NoError(t, err)
	require.True(t, r.Sent)

	// A resubmission is not sent yet.
	r = f.Move(t, r.ID, porting.StateRejected)
	r = f.Move(t, r.ID, porting.StateSubmitted)
	require.False(t, r.Sent)
}

// A rejection voids the FOC date the carrier had confirmed: it no longer
// bars a cancellation.
func TestServiceRejectionClearsConfirmedFOC(t *testing.T) {
	f := portingtest.New(t)
	r := f.Create(t, "+12025550100")
	f.Move(t, r.ID, porting.StateSubmitted)
	f.Move(t, r.ID, porting.StatePending)
	r = f.Move(t, r.ID, porting.StateScheduled) // FOC in 72 hours
	require.False(t, r.SubRequests[0].FOCDate.IsZero())
	f.Clock.Advance(48 * time.Hour) // now inside the 48-hour cutoff
	r = f.Move(t, r.ID, porting.StateRejected)
	require.True(t, r.SubRequests[0].FOCDate.IsZero())
	r, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "changed our mind")
	require.NoError(t, err)
	require.Equal(t, porting.StateCancelPending, r.SubRequests[0].State)
}

// Resubmitting a request that is now free drops the earlier paid quote, so
// the completion does not bill it.
func TestServiceResubmissionReplacesQuote(t *testing.T) {
	f := portingtest.New(t)
	f.Charges.PerNumber = 10
	r := f.Create(t, "+12025550100")
	r = f.Move(t, r.ID, porting.StateSubmitted)
	require.NotNil(t, r.Quote)
	f.Move(t, r.ID, porting.StateRejected)
	f.Charges.PerNumber = 0
	r = f.Move(t, r.ID, porting.StateSubmitted)
	require.Nil(t, r.Quote)
	f.Move(t, r.ID, porting.StatePending)
	f.Move(t, r.ID, porting.StateCompleted)
	charged := f.Charges.Charged()
	require.Len(t, charged, 1)
	require.True(t, charged[0].Quote.Free())
}

// A resubmission after part of a request was ported prices only the part
// that is submitted again.
func TestServiceResubmissionQuotesOnlyWhatIsSubmitted(t *testing.T) {
	f := portingtest.New(t)
	f.Charges.PerNumber = 10
	f.Carriers.Add("+1202555", "Carrier A")
	f.Carriers.Add("+1303555", "Carrier B")
	r := f.Create(t, "+12025550100", "+13035550100", "+13035550101")
	r = f.Move(t, r.ID, porting.StateSubmitted)
	require.Equal(t, 30.0, r.Quote.ActivationCharges)
	f.Move(t, r.ID, porting.StatePending)
	auth := f.AsAuthority()
	a, b := r.SubRequests[0], r.SubRequests[1] // sorted by carrier: A, B
	_, err := f.Service.TransitionSubRequest(auth, r.ID, a.ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.NoError(t, err)
	_, err = f.Service.TransitionSubRequest(auth, r.ID, b.ID, 0, porting.StateRejected, porting.TransitionOptions{})
	require.NoError(t, err)

	_, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	var charges *porting.ChargesError
	require.ErrorAs(t, err, &charges)
	require.Equal(t, 20.0, charges.Quote.ActivationCharges, "only Carrier B's two numbers")
	require.Equal(t, 2, charges.Quote.Numbers)
}

// The FOC date lives on the sub requests alone: the request's scheduled
// date is derived from them, and setting it sets theirs.
func TestServiceScheduledDateIsTheSubRequestsFOC(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svCarriers(f)
	day := func(d int) time.Time { return portingtest.Epoch.Add(time.Duration(d) * 24 * time.Hour) }

	in := portingtest.Input("Two carriers", svAlpha1, svBeta1)
	in.ScheduledDate = day(5)
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	require.NoError(t, err)
	require.Len(t, r.SubRequests, 2)
	for _, sr := range r.SubRequests {
		require.Equal(t, day(5), sr.FOCDate, "a scheduled date sent with the request is every sub request's FOC")
	}
	require.Equal(t, day(5), r.ScheduledDate())

	r = svReachFrom(t, f, r.ID, porting.StatePending)
	alpha, beta := svSub(t, r, "Alpha"), svSub(t, r, "Beta")
	r, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, alpha.ID, 0, porting.StateScheduled,
		porting.TransitionOptions{ScheduledDate: day(7)})
	require.NoError(t, err)
	require.Equal(t, day(7), svSub(t, r, "Alpha").FOCDate)
	require.Equal(t, day(5), svSub(t, r, "Beta").FOCDate, "one carrier's FOC leaves the other's")
	require.Equal(t, day(7), r.ScheduledDate(), "the request's date is the latest FOC")

	// A merge that leaves scheduled_date as read keeps each sub request's own.
	cur := r.Input()
	cur.WinningCarrier = "portkit"
	r, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, beta.ID, 0, porting.StateScheduled,
		porting.TransitionOptions{Input: &cur})
	require.NoError(t, err)
	require.Equal(t, day(7), svSub(t, r, "Alpha").FOCDate)
	require.Equal(t, day(5), svSub(t, r, "Beta").FOCDate, "scheduled without a new date: its own FOC")

	// The rejection of one sub request drops its FOC, and so the request's
	// date follows the other.
	r, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, alpha.ID, 0, porting.StateRejected, porting.TransitionOptions{})
	require.NoError(t, err)
	require.True(t, svSub(t, r, "Alpha").FOCDate.IsZero())
	require.Equal(t, day(5), r.ScheduledDate())
}

// svLosingStore loses the commit of every write that completes something:
// it answers ErrConflict, as when another writer got in first, and
// stores nothing.
type svLosingStore struct {
	porting.Store
	lost atomic.Int64
}

func (s *svLosingStore) UpdateRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	for _, e := range w.Events {
		if len(e.Completions) > 0 {
			s.lost.Add(1)
			return fmt.Errorf("lost the race: %w", porting.ErrConflict)
		}
	}
	return s.Store.UpdateRequest(ctx, r, w)
}

// A completion whose write does not commit takes no money and activates
// no number: its hold is released, and the number stays portable.
func TestServiceCompletionThatDoesNotCommitChargesNothing(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t, func(o *porting.Options) { o.Charges = &portingtest.Charges{PerNumber: 5} })
	r := svReach(t, f, porting.StateScheduled, svOther1)
	losing := &svLosingStore{Store: f.Store}
	svc := porting.NewService(losing, f.Service.Options())

	_, err := svc.Transition(f.AsAuthority(), r.ID, r.Revision, porting.StateCompleted, porting.TransitionOptions{})
	require.ErrorIs(t, err, porting.ErrConflict)
	charges := f.Service.Options().Charges.(*portingtest.Charges)
	require.Empty(t, charges.Charged(), "no charge for a completion that did not commit")
	require.Empty(t, charges.Held(), "its hold was released")
	require.Equal(t, []string{r.ID + "/completed/" + r.SubRequests[0].ID}, charges.Released())
	_, owned, err := f.Inventory.Owner(t.Context(), svOther1)
	require.NoError(t, err)
	require.False(t, owned, "no number activated")
	require.Equal(t, porting.StateScheduled, svGet(t, f, r.ID).State)

	// With no revision named the Service tries again, losing each time.
	_, err = svc.Transition(f.AsAuthority(), r.ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.ErrorIs(t, err, porting.ErrConflict)
	require.Greater(t, losing.lost.Load(), int64(2))
	require.Empty(t, charges.Charged())
	require.Empty(t, charges.Held())

	// Once a write commits, it is billed once.
	done, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StateCompleted, done.State)
	require.Len(t, charges.Charged(), 1)
	require.Empty(t, charges.Held())
}
