package httpapi

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/portkit/portkit/porting"
)

// kazooRetries bounds how often a merge made on a request that changed
// meanwhile is made again (only when the client named no revision).
const kazooRetries = 3

// create: PUT port_requests with {"data": {...}}. 201 and the new request.
func (k *kazooHandler) create(c *kazooCall) {
	members, ok := c.data(true)
	if !ok {
		return
	}
	in, err := k.decodeInput(members)
	if err != nil {
		c.fail(err)
		return
	}
	r, err := k.svc.Create(c.ctx, c.account.ID, in)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyRequest(http.StatusCreated, r)
}

// get: GET port_requests/{id}.
func (k *kazooHandler) get(c *kazooCall) {
	c.view(func(r *porting.PortRequest) {
		data, revision := k.reps.render(r)
		bp := c.start()
		*bp = append(*bp, data...)
		c.finish(bp, http.StatusOK, kazooTail{revision: revision})
	})
}

// edit: POST port_requests/{id} replaces every writable field with the
// body's data.
func (k *kazooHandler) edit(c *kazooCall) {
	r, ok := c.request()
	if !ok {
		return
	}
	rev, err := c.ifMatch(r.ID)
	if err != nil {
		c.fail(err)
		return
	}
	members, ok := c.data(true)
	if !ok {
		return
	}
	in, err := k.decodeInput(members)
	if err != nil {
		c.fail(err)
		return
	}
	if r, err = k.svc.Update(c.ctx, r.ID, rev, in); err != nil {
		c.fail(err)
		return
	}
	c.replyRequest(http.StatusOK, r)
}

// patch: PATCH port_requests/{id} merges the body's data over the
// request's writable fields, then updates it. porting refuses the update
// outside unconfirmed and rejected.
func (k *kazooHandler) patch(c *kazooCall) {
	r, ok := c.request()
	if !ok {
		return
	}
	want, err := c.ifMatch(r.ID)
	if err != nil {
		c.fail(err)
		return
	}
	members, ok := c.data(true)
	if !ok {
		return
	}
	for attempt := 0; ; attempt++ {
		in, err := k.mergeInput(r.Input(), members)
		if err != nil {
			c.fail(err)
			return
		}
		out, err := k.svc.Update(c.ctx, r.ID, kazooRev(want, r), in)
		if kazooAgain(want, err, attempt) {
			if r, ok = c.request(); !ok {
				return
			}
			continue
		}
		if err != nil {
			c.fail(err)
			return
		}
		c.replyRequest(http.StatusOK, out)
		return
	}
}

// kazooRev is the revision a merge writes on: the client's, else the
// one the merge was made on, so that no concurrent change is lost.
func kazooRev(want int64, r *porting.PortRequest) int64 {
	if want != 0 {
		return want
	}
	return r.Revision
}

// kazooAgain reports whether a merge lost a race it should run again: the
// client named no revision, and the request changed under the merge.
func kazooAgain(want int64, err error, attempt int) bool {
	return want == 0 && errors.Is(err, porting.ErrConflict) && attempt < kazooRetries
}

// delete: DELETE port_requests/{id} answers the deleted request.
func (k *kazooHandler) delete(c *kazooCall) {
	r, ok := c.request()
	if !ok {
		return
	}
	rev, err := c.ifMatch(r.ID)
	if err != nil {
		c.fail(err)
		return
	}
	if r, err = k.svc.Delete(c.ctx, r.ID, rev); err != nil {
		c.fail(err)
		return
	}
	c.replyRequest(http.StatusOK, r)
}

// data reads a JSON body and returns the members of its data object; on
// failure it answers and reports false.
func (c *kazooCall) data(required bool) ([]kazooMember, bool) {
	_, members, ok := c.envelope(required)
	return members, ok
}

// envelope reads a JSON body (at most MaxJSONBody) and decodes it. An
// empty body is no envelope when data is not required.
func (c *kazooCall) envelope(required bool) (kazooEnvelopeIn, []kazooMember, bool) {
	body, err := readBody(c.r, MaxJSONBody)
	if err != nil {
		c.fail(err)
		return kazooEnvelopeIn{}, nil, false
	}
	if !required && len(bytes.TrimSpace(body)) == 0 {
		return kazooEnvelopeIn{}, nil, true
	}
	env, members, err := kazooDecodeEnvelope(body, required)
	if err != nil {
		c.fail(err)
		return env, nil, false
	}
	return env, members, true
}
