package badger

import (
	"context"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// The store keeps subscriptions and their delivery state (the
// porting.SubscriptionStore capability) in the same key space as the
// rest, with the key-value stores' one implementation
// (keyspace.SubscriptionStore): every compare-and-swap of the contract is
// a Badger transaction, which conflicts with any other that read what it
// writes, so a lease is one holder's at a time within this process (a
// Badger directory has one process).

var _ porting.SubscriptionStore = (*Store)(nil)

// subscriptions is embedded in Store, lending it SubscriptionStore's
// methods.
type subscriptions = keyspace.SubscriptionStore

// backend lends the store's transactions to keyspace.SubscriptionStore.
type backend struct{ s *Store }

func (b backend) View(ctx context.Context, f func(keyspace.Reader) error) error {
	return b.s.view(ctx, f)
}
func (b backend) Update(ctx context.Context, f func(keyspace.Txn) error) error {
	return b.s.update(ctx, f)
}

// SettledSeq is the sequencer's: every event up to it has committed.
func (b backend) SettledSeq() uint64 { return b.s.seq.settled() }
