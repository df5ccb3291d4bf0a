package porting

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Account is a tenant of the platform. Accounts form a tree: every account
// but a root has a parent. A port authority processes the port requests of
// its own account and of every account below it.
type Account struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ParentID string `json:"parent_id,omitempty"`
	// PortAuthority reports whether this account processes port requests
	// for its sub-accounts (and for itself).
	PortAuthority bool `json:"port_authority,omitempty"`
	// SubmissionURL receives the account's port requests when they are
	// submitted (Kazoo's submitted_port_requests_url): the platform POSTs
	// each there and, once it is accepted, marks it sent (see
	// Service.HandOffURL and package webhook). It applies to the
	// account's sub-accounts that name none of their own.
	SubmissionURL string `json:"submission_url,omitempty"`
	// Email is the account's contact address. A port authority's hears
	// of the port requests it processes (see package notify).
	Email string `json:"email,omitempty"`
}

// Actor is who performs an operation: an account, optionally a user of it.
// The Service reads it from the context (see WithActor).
type Actor struct {
	AccountID string `json:"account_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	// Name is a display name for comments and the timeline.
	Name string `json:"name,omitempty"`
	// Admin marks a system administrator: it reaches every account and
	// is a port authority everywhere.
	Admin bool `json:"admin,omitempty"`
}

type actorKey struct{}

// WithActor returns a context carrying the actor. Every Service method
// reads its actor from the context; without one it refuses with
// ErrForbidden.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// AsSystem returns a context whose actor is a system administrator, for
// trusted in-process callers (jobs, migrations, event handlers).
func AsSystem(ctx context.Context) context.Context {
	return WithActor(ctx, Actor{Name: "system", Admin: true})
}

// ActorFrom returns the actor in ctx, if any.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// reaches reports whether the actor can see and act on something owned by
// an account whose path (root first, the account itself last) is path.
func (a Actor) reaches(path []string) bool {
	return a.Admin || (a.AccountID != "" && slices.Contains(path, a.AccountID))
}

// HandOffURL returns where a submitted request is handed off: the
// SubmissionURL of the nearest account on its path, its own account
// first; "" when none names one. It is for system admins (the hand-off
// runs as the system).
func (s *Service) HandOffURL(ctx context.Context, r *PortRequest) (string, error) {
	acct, ok, err := s.nearest(ctx, r.AccountPath, func(a Account) bool { return a.SubmissionURL != "" })
	if err != nil || !ok {
		return "", err
	}
	return acct.SubmissionURL, nil
}

// PortAuthorityOf returns the port authority that processes the requests
// of an account whose path (root first) is path: the nearest port
// authority account on it, the account itself first. ok is false when
// none is (a system admin processes those). It is for system admins.
func (s *Service) PortAuthorityOf(ctx context.Context, path []string) (acct Account, ok bool, err error) {
	return s.nearest(ctx, path, func(a Account) bool { return a.PortAuthority })
}

// nearest returns the first account of path, walking up from its end,
// that has the property; for system admins.
func (s *Service) nearest(ctx context.Context, path []string, has func(Account) bool) (Account, bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return Account{}, false, err
	}
	if !a.Admin {
		return Account{}, false, fmt.Errorf("reading account settings: %w", ErrForbidden)
	}
	for i := len(path) - 1; i >= 0; i-- {
		acct, err := s.store.Account(ctx, path[i])
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Account{}, false, err
		}
		if has(acct) {
			return acct, true, nil
		}
	}
	return Account{}, false, nil
}
