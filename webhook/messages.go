package webhook

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/portkit/portkit/porting"
)

// message returns the payload of e for a subscriber acting as account
// viewer, and e's account path; ok is false when viewer may not receive
// it. A message's content does not depend on who sees it
// (porting.Service.MessageFor), so it is built once, for the first
// stream that wants it, and the others only ask whether they see it.
func (d *Dispatcher) message(ctx context.Context, viewer string, e porting.Event) (payload []byte, path []string, ok bool, err error) {
	if m, hit := d.msgs.get(e.Seq, e.ID); hit {
		ok, err := d.svc.Sees(ctx, viewer, e)
		if err != nil || !ok {
			return nil, nil, false, err
		}
		return m.payload, m.path, true, nil
	}
	msg, ok, err := d.svc.MessageFor(ctx, viewer, e)
	if err != nil || !ok {
		return nil, nil, false, err
	}
	payload, err = json.Marshal(msg)
	if err != nil {
		return nil, nil, false, err
	}
	d.msgs.put(e.Seq, e.ID, cachedMessage{payload: payload, path: msg.Data.AccountPath})
	return payload, msg.Data.AccountPath, true, nil
}

// cachedMessage is a message built for the streams that see it.
type cachedMessage struct {
	payload []byte
	path    []string
}

// messageCache keeps the messages of the latest events, by Seq: the
// streams read the log at about the same place.
type messageCache struct {
	mu   sync.Mutex
	max  int
	m    map[uint64]cachedEntry
	ring []uint64
	next int
}

type cachedEntry struct {
	id  string
	msg cachedMessage
}

func newMessageCache(max int) *messageCache {
	return &messageCache{max: max, m: make(map[uint64]cachedEntry, max), ring: make([]uint64, 0, max)}
}

func (c *messageCache) get(seq uint64, id string) (cachedMessage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[seq]
	if !ok || e.id != id {
		return cachedMessage{}, false
	}
	return e.msg, true
}

func (c *messageCache) put(seq uint64, id string, msg cachedMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[seq]; ok {
		return
	}
	if len(c.ring) < c.max {
		c.ring = append(c.ring, seq)
	} else {
		delete(c.m, c.ring[c.next])
		c.ring[c.next] = seq
		c.next = (c.next + 1) % c.max
	}
	c.m[seq] = cachedEntry{id: id, msg: msg}
}
