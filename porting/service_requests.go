package porting

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
)

// maxAccountDepth bounds the account tree, and so the walk up from an
// account to its root.
const maxAccountDepth = 32

// PutAccount creates or replaces an account. Only a system admin may.
// Accounts do not move: a parent, once set, stays.
func (s *Service) PutAccount(ctx context.Context, acct Account) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.Admin {
		return fmt.Errorf("put account: %w", ErrForbidden)
	}
	var fe fieldErrors
	if !validAccountID(acct.ID) {
		fe.add("id", acct.ID, "format", "Account ID must be 1 to 64 lowercase letters, digits, '-' or '_'")
	}
	if acct.ParentID == acct.ID && acct.ID != "" {
		fe.add("parent_id", acct.ParentID, "format", "An account cannot be its own parent")
	}
	if acct.SubmissionURL != "" {
		if msg := checkURL(acct.SubmissionURL); msg != "" {
			fe.add("submission_url", acct.SubmissionURL, urlCode(acct.SubmissionURL), msg)
		}
	}
	if acct.Email != "" {
		if _, err := mail.ParseAddress(acct.Email); err != nil {
			fe.add("email", acct.Email, "format", "Not a valid email address")
		}
	}
	if err := fe.err(); err != nil {
		return err
	}
	if old, err := s.store.Account(ctx, acct.ID); err == nil && old.ParentID != acct.ParentID {
		return invalid("parent_id", acct.ParentID, "forbidden", "An account's parent cannot change")
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if acct.ParentID != "" {
		path, err := s.accountPath(ctx, acct.ParentID)
		if errors.Is(err, ErrNotFound) {
			return invalid("parent_id", acct.ParentID, "format", "Parent account does not exist")
		}
		if err != nil {
			return err
		}
		if len(path) >= maxAccountDepth {
			return invalid("parent_id", acct.ParentID, "maximum", "Account tree is too deep")
		}
	}
	return s.store.PutAccount(ctx, acct)
}

func validAccountID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Account returns an account the actor can reach: ErrNotFound when it does
// not exist, ErrForbidden when it is outside the actor's tree.
func (s *Service) Account(ctx context.Context, id string) (Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return Account{}, err
	}
	path, err := s.accountPath(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if !a.reaches(path) {
		return Account{}, fmt.Errorf("account %s: %w", id, ErrForbidden)
	}
	return s.store.Account(ctx, id)
}

// IsAuthority reports whether the context's actor is a port authority over
// the account: an admin, or a port-authority account at or above it.
func (s *Service) IsAuthority(ctx context.Context, accountID string) (bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return false, err
	}
	path, err := s.accountPath(ctx, accountID)
	if err != nil {
		return false, err
	}
	return s.isAuthority(ctx, a, path)
}

// PortAuthority returns the port authority of an account's requests: the
// nearest account marked PortAuthority at or above it, the one that
// processes them (an authority above it does too, but that one is
// theirs). The actor must reach the account (ErrForbidden otherwise, as
// Account); the authority may be above what the actor reaches, since a
// customer is told who processes its requests. ErrNotFound when no account
// at or above it is an authority: then only system administrators
// process its requests.
func (s *Service) PortAuthority(ctx context.Context, accountID string) (Account, error) {
	a, err := actor(ctx)
	if err != nil {
		return Account{}, err
	}
	chain, err := s.accountChain(ctx, accountID)
	if err != nil {
		return Account{}, err
	}
	if !a.Admin && !slices.ContainsFunc(chain, func(acct Account) bool { return acct.ID == a.AccountID }) {
		return Account{}, fmt.Errorf("account %s: %w", accountID, ErrForbidden)
	}
	for _, acct := range chain {
		if acct.PortAuthority {
			return acct, nil
		}
	}
	return Account{}, fmt.Errorf("no port authority at or above account %s: %w", accountID, ErrNotFound)
}

// accountPath returns the IDs from the root down to the account.
func (s *Service) accountPath(ctx context.Context, id string) ([]string, error) {
	chain, err := s.accountChain(ctx, id)
	if err != nil {
		return nil, err
	}
	path := make([]string, len(chain))
	for i, acct := range chain {
		path[len(chain)-1-i] = acct.ID
	}
	return path, nil
}

// accountChain returns an account and its ancestors, the account first,
// in one call of a store that is an AccountChainer, else one Account call
// a level. A missing account is ErrNotFound naming it; a tree deeper than
// maxAccountDepth (a cycle, say) is an error.
func (s *Service) accountChain(ctx context.Context, id string) ([]Account, error) {
	var chain []Account
	if c, ok := s.store.(AccountChainer); ok {
		var err error
		if chain, err = c.AccountChain(ctx, id, maxAccountDepth+1); err != nil {
			return nil, err
		}
	} else {
		for cur := id; cur != "" && len(chain) <= maxAccountDepth; {
			acct, err := s.store.Account(ctx, cur)
			if err != nil {
				return nil, fmt.Errorf("account %s: %w", cur, err)
			}
			chain = append(chain, acct)
			cur = acct.ParentID
		}
	}
	if len(chain) > maxAccountDepth {
		return nil, fmt.Errorf("account %s: tree deeper than %d", id, maxAccountDepth)
	}
	return chain, nil
}

// Create makes a new port request for an account, in state unconfirmed
// (a Telnyx draft). Its numbers are split into sub requests by losing
// carrier. Numbers already on an active request, or already the
// platform's, are refused.
func (s *Service) Create(ctx context.Context, accountID string, in RequestInput) (*PortRequest, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	path, err := s.accountPath(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if !a.reaches(path) {
		return nil, fmt.Errorf("account %s: %w", accountID, ErrForbidden)
	}
	numbers, err := s.validate(&in)
	if err != nil {
		return nil, err
	}
	if err := s.checkOwned(ctx, numbers, func(string) bool { return false }); err != nil {
		return nil, err
	}
	var r *PortRequest
	err = s.retry(ctx, 0, func() (int64, error) {
		now := s.now()
		r = &PortRequest{
			ID: s.opt.IDs.NewID(), AccountID: accountID, AccountPath: path,
			SupportKey: s.opt.IDs.NewSupportKey("pr_"), Created: now, Updated: now,
		}
		if err := s.assignNumbers(ctx, r, numbers, StateUnconfirmed, now); err != nil {
			return 0, permanent{err}
		}
		applyInput(r, in)
		r.State = DeriveState(r.SubRequests)
		c := &change{r: r, actor: a, now: now}
		s.event(c, EventCreated, Event{State: r.State})
		if err := s.store.CreateRequest(ctx, r, c.w); err != nil {
			return 0, s.numberErrors(ctx, a, r, err)
		}
		return 0, nil
	})
	if err != nil {
		return nil, err
	}
	s.notify()
	return r, nil
}

// CreateDraft makes a new port request from numbers alone, as a Telnyx
// draft port request is made: it is named after its numbers.
func (s *Service) CreateDraft(ctx context.Context, accountID string, numbers []string) (*PortRequest, error) {
	in := RequestInput{Numbers: make([]NumberInput, len(numbers))}
	for i, n := range numbers {
		in.Numbers[i] = NumberInput{Raw: n}
	}
	in.Name = draftName(s.opt.Numbers, numbers)
	return s.Create(ctx, accountID, in)
}

func draftName(p NumberParser, numbers []string) string {
	switch len(numbers) {
	case 0:
		return "Port request"
	case 1:
		return "Port of " + displayNumber(p, numbers[0])
	}
	return fmt.Sprintf("Port of %s and %d more", displayNumber(p, numbers[0]), len(numbers)-1)
}

func displayNumber(p NumberParser, raw string) string {
	if n := p.Parse(raw); n.E164 != "" {
		return n.E164
	}
	if len(raw) > 32 {
		return raw[:32]
	}
	return raw
}

// Get returns a request the actor can reach.
func (s *Service) Get(ctx context.Context, id string) (*PortRequest, error) {
	r, _, err := s.load(ctx, id)
	return r, err
}

// View calls fn with a request the actor can reach, as Get returns it, but
// without copying it when the store can lend it (see RequestViewer): for
// read paths that only render the request. fn must not modify r, nor keep
// it past its return.
func (s *Service) View(ctx context.Context, id string, fn func(r *PortRequest) error) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	var r *PortRequest
	if v, ok := s.store.(RequestViewer); ok {
		r, err = v.ViewRequest(ctx, id)
	} else {
		r, err = s.store.Request(ctx, id)
	}
	if err != nil {
		return err
	}
	if !a.reaches(r.AccountPath) {
		return fmt.Errorf("port request %s: %w", id, ErrNotFound)
	}
	return fn(r)
}

// Update replaces the writable fields of a request. Only unconfirmed and
// rejected requests may be edited. rev is the revision the caller read (0:
// any).
func (s *Service) Update(ctx context.Context, id string, rev int64, in RequestInput) (*PortRequest, error) {
	numbers, err := s.validate(&in)
	if err != nil {
		return nil, err
	}
	return s.mutate(ctx, id, rev, func(c *change) error {
		if !c.r.State.Editable() {
			return notEditable(c.r.State)
		}
		if err := s.setFields(ctx, c, in, numbers); err != nil {
			return err
		}
		s.event(c, EventUpdated, Event{})
		return nil
	})
}

// Edit changes some of a request's writable fields, as a partial update
// (Kazoo's PATCH): merge gets the fields as stored and returns them as they
// should be, and the result is validated and stored as Update would. With
// rev 0 (no revision named) a write that lost a race is merged again on
// the request as it now is, so a partial edit never fails for a change it
// did not touch; with a revision, a stale one is ErrConflict.
func (s *Service) Edit(ctx context.Context, id string, rev int64, merge func(RequestInput) (RequestInput, error)) (*PortRequest, error) {
	return s.mutate(ctx, id, rev, func(c *change) error {
		in, err := merge(c.r.Input())
		if err != nil {
			return err
		}
		numbers, err := s.validate(&in)
		if err != nil {
			return err
		}
		if !c.r.State.Editable() {
			return notEditable(c.r.State)
		}
		if err := s.setFields(ctx, c, in, numbers); err != nil {
			return err
		}
		s.event(c, EventUpdated, Event{})
		return nil
	})
}

func notEditable(st State) error {
	return &ValidationError{Fields: []FieldError{{
		Field: "port_state", Value: string(st), Index: -1, Code: "type",
		Message: fmt.Sprintf("A port request can be edited only while unconfirmed or rejected, not while %s", st),
		Err:     &StateError{Op: "edit", State: st},
	}}}
}

// setFields applies validated input to the request in c, checking the
// numbers that are new to it.
func (s *Service) setFields(ctx context.Context, c *change, in RequestInput, numbers []parsedNumber) error {
	r := c.r
	if err := s.checkOwned(ctx, numbers, func(e164 string) bool { _, ok := r.Number(e164); return ok }); err != nil {
		return err
	}
	state := r.State
	if !state.Editable() {
		state = StateUnconfirmed
	}
	if err := s.assignNumbers(ctx, r, numbers, state, c.now); err != nil {
		return err
	}
	applyInput(r, in)
	return nil
}

// Delete deletes a request. Only unconfirmed, rejected and canceled
// requests may be deleted (*StateError otherwise). rev is the revision the
// caller read (0: any). It returns the request as it was.
func (s *Service) Delete(ctx context.Context, id string, rev int64) (*PortRequest, error) {
	c, err := s.write(ctx, id, rev, func(c *change) error {
		r := c.r
		if !r.State.Deletable() {
			return &StateError{Op: "delete", State: r.State}
		}
		if len(r.CompletedNumbers()) > 0 {
			// Part of it was ported: it is the record of those numbers.
			return &StateError{Op: "delete", State: StateCompleted}
		}
		s.event(c, EventDeleted, Event{State: r.State})
		return nil
	}, func(c *change) error { return s.store.DeleteRequest(ctx, c.r, c.w) })
	if err != nil {
		return nil, err
	}
	return c.r, nil
}

// List returns one page of the requests matching q. q.AccountID must be
// an account the actor reaches; an empty AccountID (every account) is for
// admins. Listed requests carry no PINs and no private comments.
func (s *Service) List(ctx context.Context, q Query) (Page, error) {
	a, err := actor(ctx)
	if err != nil {
		return Page{}, err
	}
	if q.AccountID == "" {
		if !a.Admin {
			return Page{}, fmt.Errorf("listing every account: %w", ErrForbidden)
		}
	} else if _, err := s.Account(ctx, q.AccountID); err != nil {
		return Page{}, err
	}
	for _, st := range q.States {
		if !st.Valid() || st == StateCancelPending {
			return Page{}, invalid("state", string(st), "enum", fmt.Sprintf("Unknown port state %q", st))
		}
	}
	if q.Number != "" {
		n := s.opt.Numbers.Parse(q.Number)
		if n.E164 == "" {
			return Page{}, invalid("number", q.Number, "format", "Not a phone number")
		}
		q.Number = n.E164
	}
	q.NumberContains = digits(q.NumberContains)
	page, err := s.store.FindRequests(ctx, q)
	if err != nil {
		return Page{}, err
	}
	for _, r := range page.Requests {
		r.redact() // the page is ours: the store returns copies
	}
	return page, nil
}

func digits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}
