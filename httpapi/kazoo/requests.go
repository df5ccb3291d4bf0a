package kazoo

import (
	"net/http"

	"github.com/portkit/portkit/porting"
)

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

// get: GET port_requests/{id}: the cached representation, with its
// _read_only.
func (k *handler) get(c *call) {
	c.view(func(r *porting.PortRequest) {
		data, revision := k.reps.render(r)
		bp := c.start()
		b := append(*bp, '{')
		b, err := c.appendReadOnly(b, r.AccountID)
		*bp = append(b, data[1:]...)
		if err != nil {
			putBuffer(bp)
			c.fail(err)
			return
		}
		c.finish(bp, http.StatusOK, tail{revision: revision})
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
	out, err := k.svc.Edit(c.ctx, r.ID, want, func(cur porting.RequestInput) (porting.RequestInput, error) {
		return k.mergeInput(cur, members)
	})
	if err != nil {
		c.fail(err)
		return
	}
	c.replyRequest(http.StatusOK, out)
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
