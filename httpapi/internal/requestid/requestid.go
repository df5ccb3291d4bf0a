// Package requestid makes the IDs that answers carry in X-Request-Id.
package requestid

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync/atomic"
)

// requestIDPrefix makes this process's request IDs unlike any other's.
var (
	requestIDPrefix = func() [8]byte {
		var b [8]byte
		_, _ = rand.Read(b[:])
		return b
	}()
	requestIDCount atomic.Uint64
)

// New returns a request ID: 32 hex digits, a random prefix drawn
// once per process and a counter, so IDs are unique without drawing
// random bytes for every request.
func New() string {
	var b [16]byte
	copy(b[:8], requestIDPrefix[:])
	binary.BigEndian.PutUint64(b[8:], requestIDCount.Add(1))
	return hex.EncodeToString(b[:])
}
