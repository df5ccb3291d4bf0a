package memory

import (
	"context"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// The store keeps subscriptions and their delivery state (the
// porting.SubscriptionStore capability) in the same key space as the
// rest, under its lock: a lease is trivially one holder's at a time.

var _ porting.SubscriptionStore = (*Store)(nil)

// CreateSubscription implements porting.SubscriptionStore.
func (s *Store) CreateSubscription(ctx context.Context, sub *porting.Subscription, limit int) error {
	var done func()
	return committing(s.write(ctx, func(tx keyspace.Txn) (err error) {
		done, err = keyspace.CreateSubscription(tx, sub, limit, s.seq)
		return err
	}), &done)
}

// Subscription implements porting.SubscriptionStore.
func (s *Store) Subscription(ctx context.Context, id string) (sub *porting.Subscription, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		sub, err = keyspace.GetSubscription(rd, id)
		return err
	})
	return sub, err
}

// Subscriptions implements porting.SubscriptionStore.
func (s *Store) Subscriptions(ctx context.Context, accountID string) (subs []*porting.Subscription, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		subs, err = keyspace.ListSubscriptions(rd, accountID)
		return err
	})
	return subs, err
}

// UpdateSubscription implements porting.SubscriptionStore.
func (s *Store) UpdateSubscription(ctx context.Context, sub *porting.Subscription) error {
	var done func()
	return committing(s.write(ctx, func(tx keyspace.Txn) (err error) {
		done, err = keyspace.UpdateSubscription(tx, sub)
		return err
	}), &done)
}

// DeleteSubscription implements porting.SubscriptionStore.
func (s *Store) DeleteSubscription(ctx context.Context, sub *porting.Subscription) error {
	return s.write(ctx, func(tx keyspace.Txn) error { return keyspace.DeleteSubscription(tx, sub) })
}

// AcquireLease implements porting.SubscriptionStore.
func (s *Store) AcquireLease(ctx context.Context, stream, holder string, now, until time.Time) (l porting.Lease, err error) {
	err = s.write(ctx, func(tx keyspace.Txn) error {
		l, err = keyspace.AcquireLease(tx, stream, holder, now, until)
		return err
	})
	return l, err
}

// ReleaseLease implements porting.SubscriptionStore.
func (s *Store) ReleaseLease(ctx context.Context, stream, holder string) error {
	return s.write(ctx, func(tx keyspace.Txn) error { return keyspace.ReleaseLease(tx, stream, holder) })
}

// DeliveryCursor implements porting.SubscriptionStore.
func (s *Store) DeliveryCursor(ctx context.Context, stream string) (seq uint64, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		seq, err = keyspace.DeliveryCursor(rd, stream)
		return err
	})
	return seq, err
}

// Enqueue implements porting.SubscriptionStore.
func (s *Store) Enqueue(ctx context.Context, stream string, from, to uint64, ds []*porting.Delivery) error {
	var done func()
	return committing(s.write(ctx, func(tx keyspace.Txn) (err error) {
		done, err = keyspace.Enqueue(tx, stream, from, to, ds)
		return err
	}), &done)
}

// UpdateDeliveries implements porting.SubscriptionStore.
func (s *Store) UpdateDeliveries(ctx context.Context, ds []*porting.Delivery) error {
	var done func()
	return committing(s.write(ctx, func(tx keyspace.Txn) (err error) {
		done, err = keyspace.UpdateDeliveries(tx, ds)
		return err
	}), &done)
}

// Delivery implements porting.SubscriptionStore.
func (s *Store) Delivery(ctx context.Context, stream, id string) (d *porting.Delivery, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		d, err = keyspace.GetDelivery(rd, stream, id)
		return err
	})
	return d, err
}

// Deliveries implements porting.SubscriptionStore.
func (s *Store) Deliveries(ctx context.Context, stream string, q porting.DeliveryQuery) (p porting.DeliveryPage, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		p, err = keyspace.ListDeliveries(rd, stream, q)
		return err
	})
	return p, err
}

// PendingDeliveries implements porting.SubscriptionStore.
func (s *Store) PendingDeliveries(ctx context.Context, stream string, after uint64, limit int) (ds []*porting.Delivery, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		ds, err = keyspace.PendingDeliveries(rd, stream, after, limit)
		return err
	})
	return ds, err
}

// PruneDeliveries implements porting.SubscriptionStore.
func (s *Store) PruneDeliveries(ctx context.Context, stream string, before time.Time, limit int) (n int, err error) {
	err = s.write(ctx, func(tx keyspace.Txn) error {
		n, err = keyspace.PruneDeliveries(tx, stream, before, limit)
		return err
	})
	return n, err
}

// committing runs what a keyspace write returned for after its commit
// once the write has succeeded, and returns its error.
func committing(err error, done *func()) error {
	if err == nil && *done != nil {
		(*done)()
	}
	return err
}
