package kazoo

import (
	"sync"

	"github.com/portkit/portkit/porting"
)

// repCacheSize bounds the representation cache, in requests.
const repCacheSize = 4096

// repCache keeps the rendered representation of recently read
// requests, by ID and revision: a request at a given revision never
// changes, so neither does its rendering, and a GET of a request nobody
// wrote to since is answered without rendering it again. Only unredacted
// requests (single GETs) go through it. When full, an arbitrary entry
// makes room. The zero value is ready.
type repCache struct {
	mu   sync.Mutex
	reps map[string]rendering
}

type rendering struct {
	rev      int64
	data     []byte // immutable once stored
	revision string // the envelope's revision
}

// render returns r's representation and envelope revision.
func (c *repCache) render(r *porting.PortRequest) (data []byte, revision string) {
	c.mu.Lock()
	rep, ok := c.reps[r.ID]
	c.mu.Unlock()
	if ok && rep.rev == r.Revision {
		return rep.data, rep.revision
	}
	rep = rendering{rev: r.Revision, data: appendRequest(nil, r), revision: revisionOf(r.ID, r.Revision)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reps == nil {
		c.reps = make(map[string]rendering)
	}
	if old, ok := c.reps[r.ID]; ok && old.rev > rep.rev {
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
