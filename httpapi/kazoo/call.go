package kazoo

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
)

// call is one request being served.
type call struct {
	k     *handler
	w     http.ResponseWriter
	r     *http.Request
	ctx   context.Context // carries the actor
	token string
	reqID string
	actor porting.Actor
	// account is the URL's account, which the actor reaches.
	account porting.Account
}

// handle authenticates the caller and checks the URL's account before
// serve runs. The routes of one request (byRequest: serve starts with
// call.request, view or writable) leave the check to those, which
// make it from the
// request's account path and so spares a walk up the account tree on
// every read.
func (k *handler) handle(serve func(*call), byRequest bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{k: k, w: w, r: r, token: tokenOf(r)}
		actor, err := k.auth.Authenticate(r.Context(), httpapi.Credentials{Token: c.token})
		if err != nil {
			c.fail(err)
			return
		}
		c.actor = actor
		c.ctx = porting.WithActor(r.Context(), actor)
		if id := r.PathValue("account"); id != "" {
			if byRequest {
				c.account.ID = id // checked by request
			} else if c.account, err = k.svc.Account(c.ctx, id); err != nil {
				c.fail(err)
				return
			}
		}
		serve(c)
	})
}

// tokenOf returns the caller's token: X-Auth-Token, or the auth_token
// query parameter.
func tokenOf(r *http.Request) string {
	if t := r.Header.Get("X-Auth-Token"); t != "" {
		return t
	}
	if strings.Contains(r.URL.RawQuery, "auth_token") {
		return r.URL.Query().Get("auth_token")
	}
	return ""
}

// view calls fn with the request named in the path, lent by the Service
// without a copy (see porting.Service.View): for routes that only render
// it. Failures are answered as request's are.
func (c *call) view(fn func(r *porting.PortRequest)) {
	err := c.k.svc.View(c.ctx, c.r.PathValue("id"), func(r *porting.PortRequest) error {
		if !c.reaches(r) {
			return errNotUnderAccount
		}
		fn(r)
		return nil
	})
	if err != nil {
		c.failRequest(err)
	}
}

// request loads the request of the URL. As on every route, the URL's
// account must exist and be one the caller reaches (404, 403); the
// request must be in that account's tree (404, as for a request that does
// not exist).
//
// The common case is settled from the request alone (see reaches);
// otherwise Service.Account tells which error it is.
func (c *call) request() (*porting.PortRequest, bool) {
	r, err := c.k.svc.Get(c.ctx, c.r.PathValue("id"))
	if err == nil && c.reaches(r) {
		return r, true
	}
	c.failRequest(err)
	return nil, false
}

// writable loads the URL's request, as request does, for a write, with
// the revision the client read (If-Match; 0: any). On failure it answers
// and reports false.
func (c *call) writable() (*porting.PortRequest, int64, bool) {
	r, ok := c.request()
	if !ok {
		return nil, 0, false
	}
	rev, err := c.ifMatch(r.ID)
	if err != nil {
		c.fail(err)
		return nil, 0, false
	}
	return r, rev, true
}

// reaches reports whether r is in the tree of the URL's account, and the
// caller reaches that account: accounts never move, so the URL's account
// is on r's account path exactly when r is in its tree, and the path down
// to it is that account's own path, which the caller reaches when its
// account is on it.
func (c *call) reaches(r *porting.PortRequest) bool {
	i := slices.Index(r.AccountPath, c.account.ID)
	return i >= 0 && (c.actor.Admin || slices.Contains(r.AccountPath[:i+1], c.actor.AccountID))
}

// failRequest answers the failure to load the URL's request: the URL
// account's own error (404, 403) when it has one, else err, or 404 when
// err is nil (the request is outside the account's tree).
func (c *call) failRequest(err error) {
	if _, aerr := c.k.svc.Account(c.ctx, c.account.ID); aerr != nil {
		err = aerr
	} else if err == nil {
		err = errNotUnderAccount
	}
	c.fail(err)
}
