package porting

import (
	"context"
	"strings"
)

// The privacy rule, in one place: a private comment is seen only by a
// port authority over its request (an admin, or a port-authority account
// on the request's account path). Every read the Service answers goes
// through a viewer.

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

// show returns r as the actor may see it: r itself when nothing is
// hidden from it, else a shallow copy without the private comments. r is
// never modified, so a request the store lends may be passed.
func (v *viewer) show(r *PortRequest) (*PortRequest, error) {
	if !hasPrivate(r.Comments) {
		return r, nil
	}
	ok, err := v.seesPrivate(r.AccountPath)
	if err != nil || ok {
		return r, err
	}
	shallow := *r
	shallow.Comments = publicComments(r.Comments)
	return &shallow, nil
}

// request is show for the answer of a write, which has committed: if the
// authority cannot be told, the private comments are hidden rather than
// the write reported as failed.
func (v *viewer) request(r *PortRequest) *PortRequest {
	out, err := v.show(r)
	if err != nil {
		shallow := *r
		shallow.Comments = publicComments(r.Comments)
		return &shallow
	}
	return out
}

func hasPrivate(cs []Comment) bool {
	for _, c := range cs {
		if c.Private {
			return true
		}
	}
	return false
}

func publicComments(cs []Comment) []Comment {
	out := make([]Comment, 0, len(cs))
	for _, c := range cs {
		if !c.Private {
			out = append(out, c)
		}
	}
	return out
}
