package porting

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// IDSource makes identifiers. The default draws from crypto/rand; tests
// inject a counting one (see portingtest).
type IDSource interface {
	// NewID returns a new identifier: 32 lowercase hex digits, as Kazoo's.
	NewID() string
	// NewSupportKey returns prefix ("pr_" or "sr_") followed by 6
	// lowercase hex digits. Keys are short, so they collide; the Service
	// draws again when the Store reports ErrSupportKeyTaken.
	NewSupportKey(prefix string) string
}

type randomIDs struct{}

func (randomIDs) NewID() string { return randomHex(16) }

func (randomIDs) NewSupportKey(prefix string) string { return prefix + randomHex(3) }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("porting: crypto/rand: %v", err))
	}
	return hex.EncodeToString(b)
}
