package kazoo

import (
	"sync"
	"time"

	"github.com/portkit/portkit/porting"
)

// repCacheSize bounds the representation cache, in requests.
const repCacheSize = 4096

// repCache keeps the rendered representation of recently read
// requests, by ID, revision and creation time: a request at a given
// revision never changes, so neither does its rendering, and a GET of a
// request nobody wrote to since is answered without rendering it again.
// The request is always read from the store first; only its rendering is
// reused, and only for that very version: a write made through another
// process sharing the store is a new revision, and a request deleted and
// made again under its ID starts at revision 1 again but with another
// creation time. So no process ever serves a stale body from it. Only
// unredacted requests (single GETs) go through it. When full, an
// arbitrary entry makes room. The zero value is ready.
type repCache struct {
	mu   sync.Mutex
	reps map[string]rendering
}

type rendering struct {
	rev      int64
	created  time.Time
	data     []byte // immutable once stored
	revision string // the envelope's revision
}

// render returns r's representation and envelope revision.
func (c *repCache) render(r *porting.PortRequest) (data []byte, revision string) {
	c.mu.Lock()
	rep, ok := c.reps[r.ID]
	c.mu.Unlock()
	if ok && rep.rev == r.Revision && rep.created.Equal(r.Created) {
		return rep.data, rep.revision
	}
	rep = rendering{rev: r.Revision, created: r.Created, data: appendRequest(nil, r), revision: revisionOf(r.ID, r.Revision)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reps == nil {
		c.reps = make(map[string]rendering)
	}
	if old, ok := c.reps[r.ID]; ok && old.created.Equal(rep.created) && old.rev > rep.rev {
		return rep.data, rep.revision // a newer one is cached already
	}
	if _, ok := c.reps[r.ID]; !ok && len(c.reps) >= repCacheSize {
		for id := range c.reps {
			delete(c.reps, id)
			break
		}
	}
	c.reps[r.ID] = rep
	return rep.data, rep.revision
}

// authorityTTL is how long authCache remembers an account's port
// authority: a change of authority (an admin's PutAccount) shows in
// _read_only within it.
const authorityTTL = 30 * time.Second

// authCache remembers the port authority of recently read requests'
// accounts, so that a GET does not walk up the account tree each time
// (porting.Service.PortAuthority reads each account on the way). When
// full, an arbitrary entry makes room. The zero value is ready.
type authCache struct {
	mu      sync.Mutex
	entries map[string]authEntry
}

type authEntry struct {
	auth    porting.Account
	ok      bool // there is an authority
	expires time.Time
}

// get returns the remembered authority of an account, if it is fresh.
func (c *authCache) get(accountID string, now time.Time) (porting.Account, bool, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, found := c.entries[accountID]
	if !found || now.After(e.expires) {
		return porting.Account{}, false, false
	}
	return e.auth, e.ok, true
}

// put remembers an account's authority (ok false: it has none).
func (c *authCache) put(accountID string, auth porting.Account, ok bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]authEntry)
	}
	if _, found := c.entries[accountID]; !found && len(c.entries) >= repCacheSize {
		for id := range c.entries {
			delete(c.entries, id)
			break
		}
	}
	c.entries[accountID] = authEntry{auth: auth, ok: ok, expires: now.Add(authorityTTL)}
}
