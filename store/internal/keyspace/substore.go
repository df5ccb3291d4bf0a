package keyspace

import (
	"context"
	"time"

	"github.com/portkit/portkit/porting"
)

// Backend is what a key-value store lends SubscriptionStore: transactions
// over its key space, and where its event log stands.
type Backend interface {
	// View runs f in a read transaction.
	View(ctx context.Context, f func(Reader) error) error
	// Update runs f in a write transaction, committed when f returns nil;
	// a backend may run f again after a conflict.
	Update(ctx context.Context, f func(Txn) error) error
	// SettledSeq returns the Seq of the last event up to which every
	// event has committed. It is called within Update's f.
	SettledSeq() uint64
}

// SubscriptionStore implements porting.SubscriptionStore over a
// Backend with the functions of subscriptions.go: the key-value stores
// embed it.
type SubscriptionStore struct{ Backend Backend }

var _ porting.SubscriptionStore = SubscriptionStore{}

// committing runs what a write's function returned for after its commit
// once the write has succeeded, and returns its error.
func committing(err error, done *func()) error {
	if err == nil && *done != nil {
		(*done)()
	}
	return err
}

// CreateSubscription implements porting.SubscriptionStore. The
// deliveries of a deleted subscription under the same ID whose purge was
// cut short are purged first.
func (s SubscriptionStore) CreateSubscription(ctx context.Context, sub *porting.Subscription, limit int) error {
	if err := s.purge(ctx, sub.ID); err != nil {
		return err
	}
	var done func()
	return committing(s.Backend.Update(ctx, func(tx Txn) (err error) {
		done, err = CreateSubscription(tx, sub, limit, s.Backend.SettledSeq())
		return err
	}), &done)
}

// Subscription implements porting.SubscriptionStore.
func (s SubscriptionStore) Subscription(ctx context.Context, id string) (sub *porting.Subscription, err error) {
	err = s.Backend.View(ctx, func(rd Reader) error {
		sub, err = GetSubscription(rd, id)
		return err
	})
	return sub, err
}

// Subscriptions implements porting.SubscriptionStore.
func (s SubscriptionStore) Subscriptions(ctx context.Context, accountID string) (subs []*porting.Subscription, err error) {
	err = s.Backend.View(ctx, func(rd Reader) error {
		subs, err = ListSubscriptions(rd, accountID)
		return err
	})
	return subs, err
}

// UpdateSubscription implements porting.SubscriptionStore.
func (s SubscriptionStore) UpdateSubscription(ctx context.Context, sub *porting.Subscription) error {
	var done func()
	return committing(s.Backend.Update(ctx, func(tx Txn) (err error) {
		done, err = UpdateSubscription(tx, sub)
		return err
	}), &done)
}

// DeleteSubscription implements porting.SubscriptionStore: one write
// deletes the subscription, its cursor and its lease (from then on its
// deliveries are not read either), then its deliveries are purged a
// batch at a time, with those of any other deleted subscription whose
// purge was cut short. The subscription is deleted once the first write
// has committed: a purge that fails then is finished later (PurgeDeleted)
// and is not this call's error.
func (s SubscriptionStore) DeleteSubscription(ctx context.Context, sub *porting.Subscription) error {
	if err := s.Backend.Update(ctx, func(tx Txn) error { return DeleteSubscription(tx, sub) }); err != nil {
		return err
	}
	_ = s.PurgeDeleted(context.WithoutCancel(ctx))
	return nil
}

// PurgeDeleted deletes the deliveries of the deleted subscriptions whose
// purge was cut short (a crash, a store closed meanwhile): a persistent
// store calls it when it opens.
func (s SubscriptionStore) PurgeDeleted(ctx context.Context) error {
	var streams []string
	if err := s.Backend.View(ctx, func(rd Reader) error {
		streams = StreamsToPurge(rd)
		return nil
	}); err != nil {
		return err
	}
	for _, stream := range streams {
		if err := s.purge(ctx, stream); err != nil {
			return err
		}
	}
	return nil
}

// purge deletes the deliveries of a stream marked for purging, a batch
// per write.
func (s SubscriptionStore) purge(ctx context.Context, stream string) error {
	var marked bool
	if err := s.Backend.View(ctx, func(rd Reader) (err error) {
		marked, err = Purging(rd, stream)
		return err
	}); err != nil || !marked {
		return err
	}
	for done := false; !done; {
		if err := s.Backend.Update(ctx, func(tx Txn) (err error) {
			done, err = PurgeDeliveriesOf(tx, stream, PurgeBatch)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// AcquireLease implements porting.SubscriptionStore.
func (s SubscriptionStore) AcquireLease(ctx context.Context, stream, holder string, now, until time.Time) (l porting.Lease, err error) {
	err = s.Backend.Update(ctx, func(tx Txn) error {
		l, err = AcquireLease(tx, stream, holder, now, until)
		return err
	})
	return l, err
}

// ReleaseLease implements porting.SubscriptionStore.
func (s SubscriptionStore) ReleaseLease(ctx context.Context, stream, holder string) error {
	return s.Backend.Update(ctx, func(tx Txn) error { return ReleaseLease(tx, stream, holder) })
}

// DeliveryCursor implements porting.SubscriptionStore.
func (s SubscriptionStore) DeliveryCursor(ctx context.Context, stream string) (seq uint64, err error) {
	err = s.Backend.View(ctx, func(rd Reader) error {
		seq, err = DeliveryCursor(rd, stream)
		return err
	})
	return seq, err
}

// Enqueue implements porting.SubscriptionStore.
func (s SubscriptionStore) Enqueue(ctx context.Context, stream string, from, to uint64, ds []*porting.Delivery) error {
	var done func()
	return committing(s.Backend.Update(ctx, func(tx Txn) (err error) {
		done, err = Enqueue(tx, stream, from, to, ds)
		return err
	}), &done)
}

// UpdateDeliveries implements porting.SubscriptionStore.
func (s SubscriptionStore) UpdateDeliveries(ctx context.Context, ds []*porting.Delivery) error {
	var done func()
	return committing(s.Backend.Update(ctx, func(tx Txn) (err error) {
		done, err = UpdateDeliveries(tx, ds)
		return err
	}), &done)
}

// Delivery implements porting.SubscriptionStore.
func (s SubscriptionStore) Delivery(ctx context.Context, stream, id string) (d *porting.Delivery, err error) {
	err = s.Backend.View(ctx, func(rd Reader) error {
		d, err = GetDelivery(rd, stream, id)
		return err
	})
	return d, err
}

// Deliveries implements porting.SubscriptionStore.
func (s SubscriptionStore) Deliveries(ctx context.Context, stream string, q porting.DeliveryQuery) (p porting.DeliveryPage, err error) {
	err = s.Backend.View(ctx, func(rd Reader) error {
		p, err = ListDeliveries(rd, stream, q)
		return err
	})
	return p, err
}

// PendingDeliveries implements porting.SubscriptionStore.
func (s SubscriptionStore) PendingDeliveries(ctx context.Context, stream string, after uint64, limit int) (ds []*porting.Delivery, err error) {
	err = s.Backend.View(ctx, func(rd Reader) error {
		ds, err = PendingDeliveries(rd, stream, after, limit)
		return err
	})
	return ds, err
}

// PruneDeliveries implements porting.SubscriptionStore.
func (s SubscriptionStore) PruneDeliveries(ctx context.Context, stream string, before time.Time, limit int) (n int, err error) {
	err = s.Backend.Update(ctx, func(tx Txn) error {
		n, err = PruneDeliveries(tx, stream, before, limit)
		return err
	})
	return n, err
}
