package porting

import (
	"context"
	"strings"
)

// The privacy rule, in one place: a private comment is seen only by a
// port authority over its request (an admin, or a port-authority account
// on the request's account path). Every read of comments the Service
// answers (Timeline) goes through a viewer.

// viewer shows requests to one actor. It remembers, per account path,
// whether the actor is an authority there, so a listing asks the store
// once per account rather than once per request.
type viewer struct {
	s    *Service
	ctx  context.Context
	a    Actor
	auth map[string]bool
}

// visible returns a viewer for the actor.
func (s *Service) visible(ctx context.Context, a Actor) *viewer {
	return &viewer{s: s, ctx: ctx, a: a}
}

// seesPrivate reports whether the actor may see the private comments of
// a request on path.
func (v *viewer) seesPrivate(path []string) (bool, error) {
	if v.a.Admin {
		return true, nil
	}
	key := strings.Join(path, "/")
	if ok, known := v.auth[key]; known {
		return ok, nil
	}
	ok, err := v.s.isAuthority(v.ctx, v.a, path)
	if err != nil {
		return false, err
	}
	if v.auth == nil {
		v.auth = make(map[string]bool)
	}
	v.auth[key] = ok
	return ok, nil
}
