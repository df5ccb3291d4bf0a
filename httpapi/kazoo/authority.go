package kazoo

import (
	"errors"
	"slices"

	"github.com/portkit/portkit/porting"
)

// The port authority's views: every single request's representation
// names the authority that processes it in _read_only (Monster UI shows
// that authority's users the controls to move the request along), and
// GET {prefix}/port_requests lists the requests the caller's account
// manages as an authority.

// Keys of _read_only.
var (
	keyReadOnly          = keyOf("_read_only")
	keyPortAuthority     = keyOf("port_authority")
	keyPortAuthorityName = keyOf("port_authority_name")
)

// appendReadOnly appends the member "_read_only": {port_authority,
// port_authority_name} and a comma, for a request of the account: its
// port authority (porting.Service.PortAuthority, remembered for
// authorityTTL). A request no authority processes has no such member.
// The caller has checked that the actor reaches the request.
func (c *call) appendReadOnly(b []byte, accountID string) ([]byte, error) {
	now := c.k.now()
	auth, ok, fresh := c.k.auths.get(accountID, now)
	if !fresh {
		var err error
		auth, err = c.k.svc.PortAuthority(c.ctx, accountID)
		switch {
		case errors.Is(err, porting.ErrNotFound):
			ok = false
		case err != nil:
			return b, err
		default:
			ok = true
		}
		c.k.auths.put(accountID, auth, ok, now)
	}
	if !ok {
		return b, nil
	}
	b = append(b, keyReadOnly...)
	o := openObject(b)
	o.str(keyPortAuthority, auth.ID)
	o.str(keyPortAuthorityName, auth.Name)
	return append(o.close(), ','), nil
}

// withReadOnly inserts _read_only into the representation of a request
// that starts at b[at] (its opening brace): _read_only sorts before
// every other key.
func (c *call) withReadOnly(b []byte, at int, accountID string) ([]byte, error) {
	member, err := c.appendReadOnly(nil, accountID)
	if err != nil || len(member) == 0 {
		return b, err
	}
	return slices.Insert(b, at+1, member...), nil
}

// listManaged: GET port_requests at the prefix's root, the requests the
// caller's account manages as a port authority: its own and those of every
// account below it, grouped by account, with the account listing's
// by_types, by_number and paging. An account that is no port authority
// manages none: its list is empty. A system admin manages them all.
func (k *handler) listManaged(c *call) {
	manages := true
	if !c.actor.Admin {
		acct, err := k.svc.Account(c.ctx, c.actor.AccountID)
		if err != nil {
			c.fail(err)
			return
		}
		c.account = acct
		if manages, err = k.svc.IsAuthority(c.ctx, acct.ID); err != nil {
			c.fail(err)
			return
		}
	}
	k.listingOf(c, porting.Query{AccountID: c.account.ID, Descendants: true}, manages)
}
