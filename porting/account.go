package porting

import (
	"context"
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
