package storetest

import (
	"slices"
	"strings"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/store/internal/keyspace"
)

// indexKeys lists the store's keys, sorted, when it is an IndexLister.
func (h *harness) indexKeys() ([]string, bool) {
	h.Helper()
	l, ok := h.s.(IndexLister)
	if !ok {
		return nil, false
	}
	keys, err := l.IndexKeys(h.ctx)
	require.NoError(h, err, "IndexKeys")
	slices.Sort(keys)
	return keys, true
}

// keysWith returns the keys that contain every one of parts.
func keysWith(keys []string, parts ...string) []string {
	var out []string
outer:
	for _, k := range keys {
		for _, p := range parts {
			if !strings.Contains(k, p) {
				continue outer
			}
		}
		out = append(out, k)
	}
	return out
}

// requireNoKey checks that no key mentions any of the given strings (a
// request ID, a number, a content ID).
func (h *harness) requireNoKey(mentions ...string) {
	h.Helper()
	keys, ok := h.indexKeys()
	if !ok {
		return
	}
	for _, m := range mentions {
		require.Empty(h, keysWith(keys, m), "keys left behind that mention %q", m)
	}
}

// requireNoKeys checks that the store keeps no key at all for requests.
func (h *harness) requireNoKeys() {
	h.Helper()
	if keys, ok := h.indexKeys(); ok {
		require.Empty(h, keys, "keys left behind")
	}
}

// requireSomeKey checks that some key mentions s.
func (h *harness) requireSomeKey(s string) {
	h.Helper()
	if keys, ok := h.indexKeys(); ok {
		require.NotEmpty(h, keysWith(keys, s), "no key mentions %q", s)
	}
}

// keyspaceKeys lists the store's keys when it uses the keyspace layout
// (recognised by the document key of request id).
func (h *harness) keyspaceKeys(id string) ([]string, bool) {
	h.Helper()
	keys, ok := h.indexKeys()
	if !ok || !slices.Contains(keys, keyspace.RequestKey(id)) {
		return nil, false
	}
	return keys, true
}

// requireClaimKeys checks, for a store in the keyspace layout, whether
// the active claim key and the completed-port key of number exist.
func (h *harness) requireClaimKeys(id, number string, claim, done bool) {
	h.Helper()
	keys, ok := h.keyspaceKeys(id)
	if !ok {
		return
	}
	require.Equal(h, claim, slices.Contains(keys, keyspace.PrefixClaim+number), "claim key of %s", number)
	require.Equal(h, done, slices.Contains(keys, keyspace.PrefixDone+number), "completed key of %s", number)
}

// keyCount returns how many keys mention s (-1 without an IndexLister).
func (h *harness) keyCount(s string) int {
	h.Helper()
	keys, ok := h.indexKeys()
	if !ok {
		return -1
	}
	return len(keysWith(keys, s))
}
