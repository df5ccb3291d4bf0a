package badger

import (
	"sync"

	"github.com/portkit/portkit/porting"
)

// docCache keeps decoded request documents by the Badger version of their
// key. Entries are never mutated (callers get clones); a new version of a
// document simply misses. When full, an arbitrary entry is evicted (Go's
// map iteration order is random enough for that).
type docCache struct {
	mu   sync.Mutex
	max  int
	docs map[string]cachedDoc
}

type cachedDoc struct {
	version uint64
	r       *porting.PortRequest
}

func newDocCache(size int) *docCache {
	if size < 0 {
		size = 0
	}
	return &docCache{max: size, docs: make(map[string]cachedDoc, min(size, 1024))}
}

func (c *docCache) get(id string, version uint64) *porting.PortRequest {
	if c.max == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.docs[id]; ok && d.version == version {
		return d.r
	}
	return nil
}

func (c *docCache) put(id string, version uint64, r *porting.PortRequest) {
	if c.max == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.docs[id]; ok && d.version > version {
		return // a newer version is cached already
	}
	if _, ok := c.docs[id]; !ok && len(c.docs) >= c.max {
		for k := range c.docs {
			delete(c.docs, k)
			break
		}
	}
	c.docs[id] = cachedDoc{version: version, r: r}
}

func (c *docCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.docs, id)
}
