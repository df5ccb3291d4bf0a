package memory

import (
	"context"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// The store keeps subscriptions and their delivery state (the
// porting.SubscriptionStore capability) in the same key space as the
// rest, under its lock, with the key-value stores' one implementation
// (keyspace.SubscriptionStore): a lease is trivially one holder's at a
// time.

var _ porting.SubscriptionStore = (*Store)(nil)

// subscriptions is embedded in Store, lending it SubscriptionStore's
// methods.
type subscriptions = keyspace.SubscriptionStore

// backend lends the store's transactions to keyspace.SubscriptionStore.
type backend struct{ s *Store }

func (b backend) View(ctx context.Context, f func(keyspace.Reader) error) error {
	return b.s.read(ctx, f)
}
func (b backend) Update(ctx context.Context, f func(keyspace.Txn) error) error {
	return b.s.write(ctx, f)
}

// SettledSeq is the last event's: writes hold the lock (and SettledSeq
// is called under it).
func (b backend) SettledSeq() uint64 { return b.s.seq }
