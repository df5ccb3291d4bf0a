package memory

import "math/rand/v2"

// maxLevel bounds a skip list's height: enough for billions of keys.
const maxLevel = 24

// skiplist is an ordered set of string keys. The Store keeps one per scan
// prefix, most of them tiny (the requests of one number), so an empty one
// is small: its head grows with its height. It is not safe for concurrent
// use; the Store's lock guards it.
type skiplist struct {
	head node
	len  int
}

type node struct {
	key  string
	next []*node
}

func newSkiplist() *skiplist { return &skiplist{head: node{next: make([]*node, 1)}} }

func (l *skiplist) level() int { return len(l.head.next) }

// seek fills prev (when given) with the last node before key on every
// level and returns the first node >= key.
func (l *skiplist) seek(key string, prev *[maxLevel]*node) *node {
	x := &l.head
	for i := l.level() - 1; i >= 0; i-- {
		for x.next[i] != nil && x.next[i].key < key {
			x = x.next[i]
		}
		if prev != nil {
			prev[i] = x
		}
	}
	return x.next[0]
}

// insert adds key, drawing its height from rng.
func (l *skiplist) insert(key string, rng *rand.Rand) {
	var prev [maxLevel]*node
	if n := l.seek(key, &prev); n != nil && n.key == key {
		return
	}
	lvl := 1
	for lvl < maxLevel && rng.Uint32()&3 == 0 {
		lvl++
	}
	for i := l.level(); i < lvl; i++ {
		l.head.next = append(l.head.next, nil)
		prev[i] = &l.head
	}
	n := &node{key: key, next: make([]*node, lvl)}
	for i := range lvl {
		n.next[i] = prev[i].next[i]
		prev[i].next[i] = n
	}
	l.len++
}

func (l *skiplist) delete(key string) {
	var prev [maxLevel]*node
	n := l.seek(key, &prev)
	if n == nil || n.key != key {
		return
	}
	for i := range len(n.next) {
		prev[i].next[i] = n.next[i]
	}
	for len(l.head.next) > 1 && l.head.next[len(l.head.next)-1] == nil {
		l.head.next = l.head.next[:len(l.head.next)-1]
	}
	l.len--
}

// iterator walks keys with a prefix in order; values come from the
// Store's map. The zero iterator is empty.
type iterator struct {
	n      *node
	prefix string
	vals   map[string][]byte
}

func (l *skiplist) iterate(prefix, start string, vals map[string][]byte) *iterator {
	if start < prefix {
		start = prefix
	}
	return &iterator{n: l.seek(start, nil), prefix: prefix, vals: vals}
}

func (it *iterator) Valid() bool {
	return it.n != nil && len(it.n.key) >= len(it.prefix) && it.n.key[:len(it.prefix)] == it.prefix
}
func (it *iterator) Key() string            { return it.n.key }
func (it *iterator) Value() ([]byte, error) { return it.vals[it.n.key], nil }
func (it *iterator) Next()                  { it.n = it.n.next[0] }
func (it *iterator) Close()                 {}
