package kazoo

import (
	"errors"
	"net/http"

	"github.com/portkit/portkit/porting"
)

// mergeRetries bounds how often a merge made on a request that changed
// meanwhile is made again (only when the client named no revision).
const mergeRetries = 3

// create: PUT port_requests with {"data": {...}}. 201 and the new request.
func (k *handler) create(c *call) {
	in, ok := c.input()
	if !ok {
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
func (k *handler) get(c *call) {
	c.view(func(r *porting.PortRequest) {
		data, revision := k.reps.render(r)
		c.replyRaw(http.StatusOK, data, tail{revision: revision})
	})
}

// edit: POST port_requests/{id} replaces every writable field with the
// body's data.
func (k *handler) edit(c *call) {
	r, rev, ok := c.writable()
	if !ok {
		return
	}
	in, ok := c.input()
	if !ok {
		return
	}
	r, err := k.svc.Update(c.ctx, r.ID, rev, in)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyRequest(http.StatusOK, r)
}

// patch: PATCH port_requests/{id} merges the body's data over the
// request's writable fields, then updates it. porting refuses the update
// outside unconfirmed and rejected.
func (k *handler) patch(c *call) {
	r, want, ok := c.writable()
	if !ok {
		return
	}
	members, ok := c.data()
	if !ok {
		return
	}
	c.mergeWrite(r, want, members, func(in porting.RequestInput, rev int64) (*porting.PortRequest, error) {
		return k.svc.Update(c.ctx, r.ID, rev, in)
	})
}

// mergeWrite merges members over r's input, writes the result with write
// on the revision the client named (want), else the one the merge was
// made on, and answers the request written. When the client named no
// revision and the request changed under the merge, the merge is made
// again on a fresh read (at most mergeRetries times), so that no
// concurrent change is lost.
func (c *call) mergeWrite(r *porting.PortRequest, want int64, members []member,
	write func(in porting.RequestInput, rev int64) (*porting.PortRequest, error)) {
	for attempt := 0; ; attempt++ {
		in, err := c.k.mergeInput(r.Input(), members)
		if err != nil {
			c.fail(err)
			return
		}
		rev := want
		if rev == 0 {
			rev = r.Revision
		}
		out, err := write(in, rev)
		if want == 0 && errors.Is(err, porting.ErrConflict) && attempt < mergeRetries {
			var ok bool
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

// delete: DELETE port_requests/{id} answers the deleted request.
func (k *handler) delete(c *call) {
	r, rev, ok := c.writable()
	if !ok {
		return
	}
	r, err := k.svc.Delete(c.ctx, r.ID, rev)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyRequest(http.StatusOK, r)
}
