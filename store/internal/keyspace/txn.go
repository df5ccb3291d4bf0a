package keyspace

import "github.com/portkit/portkit/porting"

// Reader reads a consistent view of the key space.
type Reader interface {
	// Get returns a key's value; ok is false when the key is absent.
	Get(key string) (val []byte, ok bool, err error)
	// Iterate returns an iterator over the keys with prefix, from the
	// first key >= start (start "" means the beginning of the prefix).
	Iterate(prefix, start string) Iterator
	// LoadRequest returns a request document, or porting.ErrNotFound.
	// The result may be the backend's own copy: nobody may modify it, and
	// a Store copies it before handing it out.
	LoadRequest(id string) (*porting.PortRequest, error)
}

// Iterator walks keys in order.
type Iterator interface {
	// Valid reports whether the iterator is on a key with the prefix.
	Valid() bool
	// Key returns the current key.
	Key() string
	// Value returns a copy of the current key's value.
	Value() ([]byte, error)
	// Next moves to the next key.
	Next()
	// Close releases the iterator.
	Close()
}

// Txn is a read-write transaction. The functions of this package do every
// check before their first write, so a backend whose writes cannot fail
// needs no rollback; a backend whose writes can fail must discard the
// transaction on error.
type Txn interface {
	Reader
	// Set writes a key.
	Set(key string, val []byte) error
	// Delete removes a key; removing an absent key is not an error.
	Delete(key string) error
	// StoreRequest writes a request document (the backend keeps its own
	// copy).
	StoreRequest(r *porting.PortRequest) error
	// DeleteRequestDoc removes a request document.
	DeleteRequestDoc(id string) error
	// PutContent writes attachment bytes under a fresh content ID.
	PutContent(requestID, contentID string, data []byte) error
	// DeleteContent removes attachment bytes.
	DeleteContent(requestID, contentID string) error
	// AppendEvents writes events, assigning their Seq.
	AppendEvents(events []porting.Event) error
}
