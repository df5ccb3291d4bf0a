package porting

// State is the lifecycle state of a port request or of one of its sub
// requests. The names are those of the lifecycle table (see the package
// documentation); a dialect that calls them otherwise renders its own.
type State string

// The lifecycle states. StateCancelPending exists only on sub requests: a
// cancellation was asked for and awaits the port authority's decision.
const (
	StateUnconfirmed   State = "unconfirmed"
	StateSubmitted     State = "submitted"
	StatePending       State = "pending"
	StateScheduled     State = "scheduled"
	StateCompleted     State = "completed"
	StateRejected      State = "rejected"
	StateCanceled      State = "canceled"
	StateCancelPending State = "cancel-pending"
)

// requestStates are the port request states in lifecycle order.
var requestStates = [...]State{
	StateUnconfirmed, StateSubmitted, StatePending, StateScheduled,
	StateCompleted, StateRejected, StateCanceled,
}

// States returns the port request states in lifecycle order. It does not
// include StateCancelPending, which only a sub request can be in. The
// slice is the caller's.
func States() []State { return append([]State(nil), requestStates[:]...) }

// SubRequestStates returns every state a sub request can be in: States
// and then StateCancelPending.
func SubRequestStates() []State { return append(States(), StateCancelPending) }

// StatesWhere returns the port request states (of States, in that order)
// for which keep is true: StatesWhere(State.Terminal) is completed and
// canceled.
func StatesWhere(keep func(State) bool) []State {
	var out []State
	for _, s := range requestStates {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// Who says which kind of account may perform a transition.
type Who int

const (
	// Nobody: the transition is not allowed.
	Nobody Who = iota
	// Anyone who can reach the request (its account or an ancestor).
	Anyone
	// Authority: only a port authority over the request, or a system admin.
	Authority
)

// transitions is the lifecycle: transitions[to][from] says who may move a
// sub request from `from` to `to`. A missing entry means the move is not
// allowed. The package documentation shows it as a table, which
// TestLifecycleTableIsDocumented keeps in step with this one.
//
// A sub request in cancel-pending may also move wherever its resume state
// (the state it was in when cancellation was asked) may move, which
// withdraws the cancellation, or back to the resume state itself, which
// refuses it; both are for the authority.
var transitions = map[State]map[State]Who{
	StateSubmitted: {StateUnconfirmed: Anyone, StateRejected: Anyone},
	StatePending:   {StateSubmitted: Authority},
	StateScheduled: {StatePending: Authority},
	StateCompleted: {StatePending: Authority, StateScheduled: Authority, StateRejected: Authority},
	StateRejected:  {StateSubmitted: Authority, StatePending: Authority, StateScheduled: Authority},
	StateCanceled: {
		StateUnconfirmed: Anyone, StateSubmitted: Authority, StatePending: Authority,
		StateScheduled: Authority, StateRejected: Authority, StateCancelPending: Authority,
	},
	StateCancelPending: {
		StateSubmitted: Anyone, StatePending: Anyone, StateScheduled: Anyone, StateRejected: Anyone,
	},
}

// Lifecycle answers questions about the transition table. The zero value
// is Kazoo's lifecycle; SkipPending additionally allows submitted ->
// scheduled, for countries without a pending step.
type Lifecycle struct {
	SkipPending bool
}

// Who reports who may move a sub request from `from` to `to`. It returns
// Nobody when the move is not allowed, including every move of a state to
// itself and every move out of a terminal state. resume is the state a
// cancel-pending sub request was in before cancellation was asked; it is
// ignored for other states.
func (l Lifecycle) Who(from, to State, resume State) Who {
	if from == to {
		return Nobody
	}
	if l.SkipPending && from == StateSubmitted && to == StateScheduled {
		return Authority
	}
	if w, ok := transitions[to][from]; ok {
		return w
	}
	if from == StateCancelPending && resume != "" && resume != StateCancelPending {
		if to == resume {
			return Authority
		}
		if l.Who(resume, to, "") != Nobody && to != StateCancelPending {
			return Authority
		}
	}
	return Nobody
}

// Valid reports whether s is one of the known states.
func (s State) Valid() bool {
	switch s {
	case StateUnconfirmed, StateSubmitted, StatePending, StateScheduled,
		StateCompleted, StateRejected, StateCanceled, StateCancelPending:
		return true
	}
	return false
}

// Terminal reports whether s is completed or canceled: nothing moves out of it.
func (s State) Terminal() bool { return s == StateCompleted || s == StateCanceled }

// Active reports whether a request in state s still claims its numbers:
// every state but completed and canceled. At most one active request may
// hold a number.
func (s State) Active() bool { return s.Valid() && !s.Terminal() }

// Editable reports whether the request's fields may be edited in state s
// (unconfirmed and rejected).
func (s State) Editable() bool { return s == StateUnconfirmed || s == StateRejected }

// Deletable reports whether a request, or one of its attachments, may be
// deleted in state s (unconfirmed, rejected and canceled).
func (s State) Deletable() bool {
	return s == StateUnconfirmed || s == StateRejected || s == StateCanceled
}

// rank orders the open states from least to most advanced, for DeriveState.
var rank = map[State]int{
	StateUnconfirmed: 0, StateSubmitted: 2, StatePending: 3, StateScheduled: 4,
}

// DeriveState computes a port request's state from its sub requests' states.
// The rule, in order:
//
//  1. No sub requests: unconfirmed.
//  2. Every sub request canceled: canceled.
//  3. Every sub request completed or canceled: completed.
//  4. Otherwise only the open sub requests count, a cancel-pending one as
//     the state it was in before (the cancellation is not decided yet):
//     rejected if any is rejected (the request needs the customer's
//     attention), else the least advanced of them.
//
// A whole-request transition moves every open sub request to one state, so
// in the common case all sub requests agree and the request shows that state.
func DeriveState(subs []SubRequest) State {
	if len(subs) == 0 {
		return StateUnconfirmed
	}
	canceled, terminal := 0, 0
	best := State("")
	for _, sr := range subs {
		s := sr.State
		switch {
		case s == StateCanceled:
			canceled++
			terminal++
			continue
		case s == StateCompleted:
			terminal++
			continue
		case s == StateCancelPending:
			s = sr.ResumeState
		}
		if s == StateRejected {
			best = StateRejected
			continue
		}
		if best == StateRejected {
			continue
		}
		if r, ok := rank[s]; ok && (best == "" || r < rank[best]) {
			best = s
		}
	}
	switch {
	case canceled == len(subs):
		return StateCanceled
	case terminal == len(subs):
		return StateCompleted
	case best == "":
		return StateUnconfirmed
	}
	return best
}
