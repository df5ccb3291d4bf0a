package porting

import (
	"context"
	"fmt"
	"time"
)

// TransitionOptions go with a state change.
type TransitionOptions struct {
	// Reason is free text recorded with the transition.
	Reason string
	// AcceptCharges accepts the quote of a submission.
	AcceptCharges bool
	// ScheduledDate is the confirmed FOC date, for scheduled.
	ScheduledDate time.Time
	// Input, when set, is merged into the request before it moves (Kazoo
	// merges the body of a transition first). While the request cannot be
	// edited only winning_carrier, reference_number, scheduled_date,
	// transfer_date and notifications may change.
	Input *RequestInput
	// Merge, when set, computes the fields to merge from the request as
	// it is, as Service.Edit does: with rev 0 a transition that lost a race
	// merges again on fresh data. It takes the place of Input.
	Merge func(RequestInput) (RequestInput, error)
}

// Transition moves every open sub request of a request to state `to`,
// atomically: if any open sub request cannot make the move, nothing moves
// and the error is a ValidationError on port_state wrapping a
// *TransitionError. Sub requests already in `to` stay; a request whose
// open sub requests are all there already cannot move (a state never moves
// to itself). Moving to submitted asks Charges for a quote, which the
// caller must accept; scheduled needs a date; completed activates the
// numbers and bills the account. rev is the revision the caller read (0:
// any).
func (s *Service) Transition(ctx context.Context, id string, rev int64, to State, opt TransitionOptions) (*PortRequest, error) {
	return s.transition(ctx, id, "", rev, to, opt, nil)
}

// TransitionSubRequest moves one sub request. The request's state follows
// by DeriveState.
func (s *Service) TransitionSubRequest(ctx context.Context, id, subID string, rev int64, to State, opt TransitionOptions) (*PortRequest, error) {
	if subID == "" {
		return nil, invalid("sub_request_id", "", "required", "Sub request ID is required")
	}
	return s.transition(ctx, id, subID, rev, to, opt, nil)
}

// SubmitDraft submits a draft (unconfirmed) request as Telnyx does: every
// sub request it submits must be complete, else a ValidationError lists
// each incomplete sub request's missing fields (Field
// "sub_requests.<field>", Value the sub request's ID). Sub requests that
// are over (cancelled while the request was a draft) are not submitted,
// so not checked. Charges follow the rule of Transition. rev is the
// revision the caller read (0: any).
func (s *Service) SubmitDraft(ctx context.Context, id string, rev int64, acceptCharges bool) (*PortRequest, error) {
	check := func(r *PortRequest) error {
		if !r.Draft() {
			return invalid("status", string(r.State), "enum", "Draft port request has already been submitted")
		}
		var fe fieldErrors
		for _, sr := range r.SubRequests {
			if sr.State.Terminal() {
				continue
			}
			for _, f := range r.MissingFields(sr) {
				fe = append(fe, FieldError{Field: "sub_requests." + f, Value: sr.ID, Index: -1, Code: "required",
					Message: fmt.Sprintf("Sub request %s is missing %s", sr.SupportKey, f)})
			}
		}
		return fe.err()
	}
	return s.transition(ctx, id, "", rev, StateSubmitted, TransitionOptions{AcceptCharges: acceptCharges}, check)
}

func (s *Service) transition(ctx context.Context, id, subID string, rev int64, to State, opt TransitionOptions, check func(*PortRequest) error) (*PortRequest, error) {
	if !to.Valid() || to == StateCancelPending {
		return nil, invalid("port_state", string(to), "enum", fmt.Sprintf("Unknown port state %q", to))
	}
	var (
		moved     []string
		completed []Completion          // of the attempt that committed
		held      map[string]Completion // every hold any attempt took
	)
	r, err := s.mutate(ctx, id, rev, func(c *change) error {
		completed = nil
		r := c.r
		if check != nil {
			if err := check(r); err != nil {
				return err
			}
		}
		switch {
		case opt.Merge != nil:
			in, err := opt.Merge(r.Input())
			if err != nil {
				return err
			}
			if err := s.mergeForTransition(ctx, c, in); err != nil {
				return err
			}
		case opt.Input != nil:
			if err := s.mergeForTransition(ctx, c, *opt.Input); err != nil {
				return err
			}
		}
		from := r.State
		if subID != "" {
			sr := r.SubRequest(subID)
			if sr == nil {
				return fmt.Errorf("sub request %s: %w", subID, ErrNotFound)
			}
			from = sr.State
		}
		var err error
		moved, err = s.move(ctx, c, subID, to)
		if err != nil {
			return err
		}
		if err := s.onEnter(ctx, c, to, moved, opt); err != nil {
			return err
		}
		var activated []string
		if to == StateCompleted {
			if completed, err = s.authorize(ctx, c.r, moved, &held); err != nil {
				return err
			}
			for _, cp := range completed {
				activated = append(activated, cp.Numbers...)
			}
		}
		t := Transition{At: c.now, SubRequestID: subID, From: from, To: to, Reason: opt.Reason, Actor: c.actor}
		c.w.Timeline = append(c.w.Timeline, TimelineEntry{At: t.At, Transition: &t})
		s.event(c, EventTransitioned, Event{SubRequestID: subID, Transition: &t, Numbers: activated, Completions: completed})
		return nil
	})
	if err != nil {
		completed = nil
	}
	s.release(ctx, held, completed)
	if err != nil {
		return nil, err
	}
	s.settle(ctx, completed)
	return r, nil
}

// authorize builds the completions of the sub requests that moved to
// completed and, when Charges is a ChargeAuthorizer, holds their charges
// (adding them to held): a refusal fails the transition.
func (s *Service) authorize(ctx context.Context, r *PortRequest, moved []string, held *map[string]Completion) ([]Completion, error) {
	q := Quote{}
	if r.Quote != nil {
		q = *r.Quote
	}
	out := make([]Completion, 0, len(moved))
	for _, id := range moved {
		cp := Completion{
			// A sub request completes once, so its key is the same on every
			// attempt, whichever other sub requests complete with it.
			Key: r.ID + "/completed/" + id, RequestID: r.ID, AccountID: r.AccountID, SubRequestID: id, Quote: q,
		}
		for _, n := range r.SubRequestNumbers(id) {
			cp.Numbers = append(cp.Numbers, n.E164)
		}
		out = append(out, cp)
	}
	auth, ok := s.opt.Charges.(ChargeAuthorizer)
	if !ok {
		return out, nil
	}
	for _, cp := range out {
		if err := auth.Authorize(ctx, cp); err != nil {
			return nil, fmt.Errorf("charging for port: %w", err)
		}
		if *held == nil {
			*held = make(map[string]Completion)
		}
		(*held)[cp.Key] = cp
	}
	return out, nil
}

// release drops the holds no committed completion took up.
func (s *Service) release(ctx context.Context, held map[string]Completion, committed []Completion) {
	auth, ok := s.opt.Charges.(ChargeAuthorizer)
	if !ok || len(held) == 0 {
		return
	}
	for _, cp := range committed {
		delete(held, cp.Key)
	}
	for _, cp := range held {
		if err := auth.Release(context.WithoutCancel(ctx), cp); err != nil {
			s.opt.Logger.Error("releasing the charge of a completion that did not commit", "key", cp.Key, "err", err)
		}
	}
}

// move moves the open sub requests (or the one named) to `to`, checking the
// lifecycle and who may do it, and returns the IDs of those that moved.
func (s *Service) move(ctx context.Context, c *change, subID string, to State) ([]string, error) {
	r := c.r
	var moved []string
	needAuthority := false
	for i := range r.SubRequests {
		sr := &r.SubRequests[i]
		if subID != "" && sr.ID != subID {
			continue
		}
		if subID == "" && (sr.State.Terminal() || sr.State == to) {
			continue
		}
		who := s.opt.Lifecycle.Who(sr.State, to, sr.ResumeState)
		if who == Nobody {
			from := sr.State
			if subID == "" {
				from = r.State
			}
			return nil, transitionError(r.ID, subID, from, to)
		}
		needAuthority = needAuthority || who == Authority
		moved = append(moved, sr.ID)
	}
	if len(moved) == 0 {
		return nil, transitionError(r.ID, subID, r.State, to)
	}
	if needAuthority {
		ok, err := s.isAuthority(ctx, c.actor, r.AccountPath)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("moving port request %s to %s is for its port authority: %w", r.ID, to, ErrForbidden)
		}
	}
	for _, id := range moved {
		sr := r.SubRequest(id)
		sr.State, sr.ResumeState, sr.Updated = to, "", c.now
	}
	return moved, nil
}

// transitionError is the ValidationError on port_state, keyed by the
// target state, that a refused move answers with.
func transitionError(id, subID string, from, to State) error {
	te := &TransitionError{RequestID: id, SubRequestID: subID, From: from, To: to}
	return &ValidationError{Fields: []FieldError{{
		Field: "port_state", Value: string(to), Index: -1, Code: "enum", Message: te.Error(), Err: te,
	}}}
}

// onEnter applies the rules of entering a state to the sub requests that
// moved. (Completion's, billing and activation, follow the commit: see
// authorize and settle.)
func (s *Service) onEnter(ctx context.Context, c *change, to State, moved []string, opt TransitionOptions) error {
	r := c.r
	switch to {
	case StateSubmitted:
		var numbers []string
		for _, id := range moved {
			for _, n := range r.SubRequestNumbers(id) {
				numbers = append(numbers, n.E164)
			}
		}
		q, err := s.opt.Charges.Quote(ctx, r, numbers)
		if err != nil {
			return fmt.Errorf("quote: %w", err)
		}
		if !q.Free() && !opt.AcceptCharges {
			return &ChargesError{Quote: q}
		}
		r.Sent = false
		r.Quote = nil // the quote of this submission replaces any earlier one
		if !q.Free() {
			r.Quote = &q
		}
	case StateScheduled:
		date := opt.ScheduledDate
		if !date.IsZero() && !DateInRange(date) {
			return invalid("scheduled_date", date.String(), "format", "Date out of range")
		}
		if date.IsZero() {
			date = r.ScheduledDate()
		}
		for _, id := range moved {
			sr := r.SubRequest(id)
			switch {
			case !opt.ScheduledDate.IsZero():
				sr.FOCDate = opt.ScheduledDate.UTC()
			case sr.FOCDate.IsZero() && !date.IsZero():
				sr.FOCDate = date.UTC()
			case sr.FOCDate.IsZero():
				return invalid("scheduled_date", "", "required", "Scheduling a port needs a scheduled_date (the confirmed FOC date)")
			}
		}
	case StateRejected:
		// The losing carrier refused: the FOC date it had confirmed no
		// longer holds (and no longer bars a cancellation).
		for _, id := range moved {
			r.SubRequest(id).FOCDate = time.Time{}
		}
	}
	return nil
}

// mergeForTransition merges a transition's fields into the request.
func (s *Service) mergeForTransition(ctx context.Context, c *change, in RequestInput) error {
	// Validate (which normalises the BTN) before comparing, so a field
	// sent in another form than the stored one does not count as changed.
	numbers, err := s.validate(&in)
	if err != nil {
		return err
	}
	changed := s.changedFields(c.r, in)
	if len(changed) == 0 {
		return nil
	}
	if !c.r.State.Editable() {
		for _, f := range changed {
			if !transitionFields[f] {
				return notEditable(c.r.State)
			}
		}
	}
	if err := s.setFields(ctx, c, in, numbers); err != nil {
		return err
	}
	s.event(c, EventUpdated, Event{})
	return nil
}

// RequestCancellation asks for a sub request (or, with subID empty, every
// open sub request) to be cancelled. An unconfirmed one is cancelled at
// once; one that was submitted becomes cancel-pending until its port
// authority confirms (Transition to canceled) or refuses (back to the
// state it was in). Cancellation cannot be asked within CancelCutoff of a
// confirmed FOC date. rev is the revision the caller read (0: any).
func (s *Service) RequestCancellation(ctx context.Context, id, subID string, rev int64, reason string) (*PortRequest, error) {
	return s.mutate(ctx, id, rev, func(c *change) error {
		r := c.r
		var targets []*SubRequest
		for i := range r.SubRequests {
			sr := &r.SubRequests[i]
			if subID == "" && !sr.State.Terminal() && sr.State != StateCancelPending || sr.ID == subID {
				targets = append(targets, sr)
			}
		}
		if subID != "" && len(targets) == 0 {
			return fmt.Errorf("sub request %s: %w", subID, ErrNotFound)
		}
		if len(targets) == 0 {
			return transitionError(r.ID, "", r.State, StateCancelPending)
		}
		for _, sr := range targets {
			to := StateCancelPending
			if sr.State == StateUnconfirmed {
				to = StateCanceled
			}
			if s.opt.Lifecycle.Who(sr.State, to, sr.ResumeState) != Anyone {
				return transitionError(r.ID, sr.ID, sr.State, StateCancelPending)
			}
			foc := r.Effective(*sr).FOCDate
			if !foc.IsZero() && c.now.After(foc.Add(-s.opt.CancelCutoff)) {
				return invalid("foc_date", foc.Format(time.RFC3339), "forbidden",
					fmt.Sprintf("Cancellation cannot be requested within %s of the FOC date", s.opt.CancelCutoff))
			}
			t := Transition{At: c.now, SubRequestID: sr.ID, From: sr.State, To: to, Reason: reason, Actor: c.actor}
			if to == StateCancelPending {
				sr.ResumeState = sr.State
			}
			sr.State, sr.Updated = to, c.now
			c.w.Timeline = append(c.w.Timeline, TimelineEntry{At: t.At, Transition: &t})
			s.event(c, EventTransitioned, Event{SubRequestID: sr.ID, Transition: &t})
		}
		return nil
	})
}

// MarkSent records that a submitted request has been handed to the party
// that processes it (Kazoo's "sent"). It is for the port authority. rev
// is the revision the caller read (0: any).
func (s *Service) MarkSent(ctx context.Context, id string, rev int64) (*PortRequest, error) {
	return s.mutate(ctx, id, rev, func(c *change) error {
		ok, err := s.isAuthority(ctx, c.actor, c.r.AccountPath)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("marking port request %s sent: %w", id, ErrForbidden)
		}
		if c.r.State != StateSubmitted {
			return invalid("sent", string(c.r.State), "forbidden", "Only a submitted port request can be sent")
		}
		c.r.Sent = true
		s.event(c, EventSent, Event{})
		return nil
	})
}
