package httpapi

import (
	"sync"

	"github.com/portkit/portkit/porting"
)

// kazooRepCacheSize bounds the representation cache, in requests.
const kazooRepCacheSize = 4096

// kazooRepCache keeps the rendered representation of recently read
// requests, by ID and revision: a request at a given revision never
// changes, so neither does its rendering, and a GET of a request nobody
// wrote to since is answered without rendering it again. Only unredacted
// requests (single GETs) go through it. When full, an arbitrary entry
// makes room. The zero value is ready.
type kazooRepCache struct {
	mu   sync.Mutex
	reps map[string]kazooRep
}

type kazooRep struct {
	rev      int64
	data     []byte // immutable once stored
	revision string // the envelope's revision
}

// render returns r's representation and envelope revision.
func (c *kazooRepCache) render(r *porting.PortRequest) (data []byte, revision string) {
	c.mu.Lock()
	rep, ok := c.reps[r.ID]
	c.mu.Unlock()
	if ok && rep.rev == r.Revision {
		return rep.data, rep.revision
	}
	rep = kazooRep{rev: r.Revision, data: kazooAppendRequest(nil, r), revision: kazooRevision(r.ID, r.Revision)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reps == nil {
		c.reps = make(map[string]kazooRep)
	}
	if old, ok := c.reps[r.ID]; ok && old.rev > rep.rev {
		return rep.data, rep.revision // a newer one is cached already
	}
	if _, ok := c.reps[r.ID]; !ok && len(c.reps) >= kazooRepCacheSize {
		for id := range c.reps {
			delete(c.reps, id)
			break
		}
	}
	c.reps[r.ID] = rep
	return rep.data, rep.revision
}
