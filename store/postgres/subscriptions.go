package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/portkit/portkit/porting"
)

// Subscriptions and the state of their delivery: porting.SubscriptionStore
// (schema version 2). Every compare-and-swap of the contract is a
// condition of an UPDATE or DELETE, which PostgreSQL evaluates again on
// the row's latest version when another transaction changed it meanwhile,
// so several processes sharing the database never both win:
//
//   - a lease is taken under the lock of the stream's row (SELECT FOR
//     UPDATE) when it is free, expired or the taker's own;
//   - a cursor moves by the UPDATE that finds it where the caller read
//     it, in the transaction that inserts the deliveries it enqueues;
//   - a subscription and a delivery change at the revision their caller
//     read;
//   - an account's subscriptions are counted under an advisory lock on
//     the account, which its creates and deletes take.

// sqlAccountLock takes the transaction's advisory lock on an account's
// subscriptions ($1 the account).
const sqlAccountLock = `SELECT pg_advisory_xact_lock(hashtextextended('s:' || $1, 0))`

// tx runs f in a READ COMMITTED transaction (its statements see what
// committed before each: a count taken after a lock sees the writes of
// whoever held it), again (up to maxAttempts) after a serialization
// failure or a deadlock. An error of f that is not the
// database's (a porting sentinel it found) is returned as it is.
func (s *Store) tx(ctx context.Context, op string, f func(tx pgx.Tx) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, f)
		if err == nil {
			return nil
		}
		var found *foundError
		if errors.As(err, &found) {
			return found.err
		}
		if !retryable(err) || attempt == maxAttempts || ctx.Err() != nil {
			return s.fail(op, err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return s.fail(op, err)
		}
	}
}

// foundError carries what a transaction found (a conflict, a missing
// row...) out of it, apart from the database's own errors.
type foundError struct{ err error }

func (f *foundError) Error() string { return f.err.Error() }

func found(format string, args ...any) error { return &foundError{fmt.Errorf(format, args...)} }

// CreateSubscription implements porting.SubscriptionStore. The cursor
// starts at the last event a reader of the log can see: every event
// committed before is passed over, every one of a write still in flight
// is delivered.
func (s *Store) CreateSubscription(ctx context.Context, sub *porting.Subscription, limit int) error {
	c := sub.Clone()
	c.Revision = 1
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "creating webhook "+sub.ID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlAccountLock, sub.AccountID); err != nil {
			return err
		}
		if limit > 0 {
			var n int
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM subscriptions WHERE account_id = $1", sub.AccountID).Scan(&n); err != nil {
				return err
			}
			if n >= limit {
				return &foundError{&porting.TooLargeError{What: "webhooks of an account", Limit: int64(limit)}}
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO subscriptions (id, account_id, revision, doc) VALUES ($1, $2, 1, $3::json)
			ON CONFLICT (id) DO NOTHING`, sub.ID, sub.AccountID, string(doc))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return found("webhook %s: %w", sub.ID, porting.ErrConflict)
		}
		if _, err := tx.Exec(ctx, sqlEventHorizon); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO delivery_streams (stream, subscription_id, cursor)
			VALUES ($1, $1, (SELECT coalesce(max(seq), 0) FROM events WHERE seq < current_setting('portkit.event_horizon')::bigint))`, sub.ID)
		return err
	})
	if err == nil {
		sub.Revision = 1
	}
	return err
}

// Subscription implements porting.SubscriptionStore.
func (s *Store) Subscription(ctx context.Context, id string) (*porting.Subscription, error) {
	var sub *porting.Subscription
	err := s.read(ctx, "reading webhook "+id, func() error {
		var doc []byte
		err := s.pool.QueryRow(ctx, "SELECT doc::text FROM subscriptions WHERE id = $1", id).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("webhook %s: %w", id, porting.ErrNotFound)
		}
		if err != nil {
			return err
		}
		sub, err = decodeSubscription(doc)
		return err
	})
	return sub, err
}

func decodeSubscription(doc []byte) (*porting.Subscription, error) {
	var sub porting.Subscription
	if err := json.Unmarshal(doc, &sub); err != nil {
		return nil, fmt.Errorf("decoding a webhook: %w", err)
	}
	return &sub, nil
}

// Subscriptions implements porting.SubscriptionStore.
func (s *Store) Subscriptions(ctx context.Context, accountID string) ([]*porting.Subscription, error) {
	var out []*porting.Subscription
	err := s.read(ctx, "listing webhooks", func() error {
		out = out[:0]
		rows, err := s.pool.Query(ctx, `SELECT doc::text FROM subscriptions WHERE $1 = '' OR account_id = $1 ORDER BY id`, accountID)
		if err != nil {
			return err
		}
		var doc []byte
		_, err = pgx.ForEachRow(rows, []any{&doc}, func() error {
			sub, err := decodeSubscription(doc)
			out = append(out, sub)
			return err
		})
		return err
	})
	return out, err
}

// lockSubscription reads the owner and revision of a subscription, locking
// its row, and checks the revision sub names.
func lockSubscription(ctx context.Context, tx pgx.Tx, sub *porting.Subscription) (account string, err error) {
	var rev int64
	err = tx.QueryRow(ctx, "SELECT account_id, revision FROM subscriptions WHERE id = $1 FOR UPDATE", sub.ID).Scan(&account, &rev)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", found("webhook %s: %w", sub.ID, porting.ErrNotFound)
	}
	if err != nil {
		return "", err
	}
	if rev != sub.Revision {
		return "", found("webhook %s at revision %d, not %d: %w", sub.ID, rev, sub.Revision, porting.ErrConflict)
	}
	return account, nil
}

// UpdateSubscription implements porting.SubscriptionStore.
func (s *Store) UpdateSubscription(ctx context.Context, sub *porting.Subscription) error {
	var c *porting.Subscription
	err := s.tx(ctx, "updating webhook "+sub.ID, func(tx pgx.Tx) error {
		account, err := lockSubscription(ctx, tx, sub)
		if err != nil {
			return err
		}
		c = sub.Clone()
		c.AccountID = account // the owner never changes
		c.Revision++
		doc, err := json.Marshal(c)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE subscriptions SET revision = $2, doc = $3::json WHERE id = $1", sub.ID, c.Revision, string(doc))
		return err
	})
	if err == nil {
		sub.AccountID, sub.Revision = c.AccountID, c.Revision
	}
	return err
}

// DeleteSubscription implements porting.SubscriptionStore: the stream's
// row, and with it the cursor, the lease and the deliveries, go with the
// subscription (ON DELETE CASCADE).
func (s *Store) DeleteSubscription(ctx context.Context, sub *porting.Subscription) error {
	return s.tx(ctx, "deleting webhook "+sub.ID, func(tx pgx.Tx) error {
		account, err := lockSubscription(ctx, tx, sub)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlAccountLock, account); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "DELETE FROM subscriptions WHERE id = $1", sub.ID)
		return err
	})
}

// ensureStream makes the row of a system stream, which needs no
// subscription, on its first use.
func ensureStream(ctx context.Context, tx pgx.Tx, stream string) error {
	if !porting.IsSystemStream(stream) {
		return nil
	}
	_, err := tx.Exec(ctx, "INSERT INTO delivery_streams (stream, cursor) VALUES ($1, 0) ON CONFLICT (stream) DO NOTHING", stream)
	return err
}

// AcquireLease implements porting.SubscriptionStore.
func (s *Store) AcquireLease(ctx context.Context, stream, holder string, now, until time.Time) (porting.Lease, error) {
	var cur porting.Lease
	err := s.tx(ctx, "taking the lease of "+stream, func(tx pgx.Tx) error {
		if err := ensureStream(ctx, tx, stream); err != nil {
			return err
		}
		// The stream's row, locked: whoever takes or lets go of the lease
		// meanwhile waits for this transaction.
		var h *string
		var exp *int64
		err := tx.QueryRow(ctx, "SELECT lease_holder, lease_expires_ns FROM delivery_streams WHERE stream = $1 FOR UPDATE",
			stream).Scan(&h, &exp)
		if errors.Is(err, pgx.ErrNoRows) {
			return found("webhook %s: %w", stream, porting.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if h != nil && exp != nil && *h != holder && *exp > now.UnixNano() {
			cur = porting.Lease{Stream: stream, Holder: *h, Expires: time.Unix(0, *exp).UTC()}
			return found("stream %s: held by %s until %s: %w", stream, cur.Holder, cur.Expires.Format(time.RFC3339Nano), porting.ErrLeaseHeld)
		}
		if _, err := tx.Exec(ctx, "UPDATE delivery_streams SET lease_holder = $2, lease_expires_ns = $3 WHERE stream = $1",
			stream, holder, until.UnixNano()); err != nil {
			return err
		}
		cur = porting.Lease{Stream: stream, Holder: holder, Expires: until.UTC()}
		return nil
	})
	return cur, err
}

// ReleaseLease implements porting.SubscriptionStore.
func (s *Store) ReleaseLease(ctx context.Context, stream, holder string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `UPDATE delivery_streams SET lease_holder = NULL, lease_expires_ns = NULL
		WHERE stream = $1 AND lease_holder = $2`, stream, holder)
	if err != nil {
		return s.fail("letting the lease of "+stream+" go", err)
	}
	return nil
}

// DeliveryCursor implements porting.SubscriptionStore.
func (s *Store) DeliveryCursor(ctx context.Context, stream string) (uint64, error) {
	var seq int64
	err := s.read(ctx, "reading the cursor of "+stream, func() error {
		err := s.pool.QueryRow(ctx, "SELECT cursor FROM delivery_streams WHERE stream = $1", stream).Scan(&seq)
		if errors.Is(err, pgx.ErrNoRows) {
			seq = 0
			if porting.IsSystemStream(stream) {
				return nil
			}
			return fmt.Errorf("webhook %s: %w", stream, porting.ErrNotFound)
		}
		return err
	})
	return uint64(seq), err
}

// deliveryRows are deliveries as the columns of their table.
type deliveryRows struct {
	streams, ids, statuses, docs []string
	seqs, revisions, updated     []int64
	payloads                     [][]byte
}

// add adds d as it is to be stored.
func (r *deliveryRows) add(d *porting.Delivery) error {
	meta := *d
	meta.Payload = nil
	doc, err := json.Marshal(&meta)
	if err != nil {
		return err
	}
	var payload []byte
	if len(d.Payload) > 0 {
		payload = d.Payload
	}
	r.streams, r.ids, r.statuses, r.docs = append(r.streams, d.Stream), append(r.ids, d.ID), append(r.statuses, string(d.Status)), append(r.docs, string(doc))
	r.seqs, r.revisions, r.updated = append(r.seqs, int64(d.Seq)), append(r.revisions, d.Revision), append(r.updated, d.Updated.UnixNano())
	r.payloads = append(r.payloads, payload)
	return nil
}

// Enqueue implements porting.SubscriptionStore.
func (s *Store) Enqueue(ctx context.Context, stream string, from, to uint64, ds []*porting.Delivery) error {
	if to < from {
		return fmt.Errorf("postgres store: stream %s: cursor cannot move back from %d to %d", stream, from, to)
	}
	if to > math.MaxInt64 {
		return fmt.Errorf("postgres store: stream %s: cursor %d past the largest sequence number", stream, to)
	}
	var rows deliveryRows
	seen := make(map[string]bool, len(ds))
	for _, d := range ds {
		if d.Stream != stream || d.Seq <= from || d.Seq > to || d.ID == "" || seen[d.ID] {
			return fmt.Errorf("postgres store: stream %s: delivery %q (stream %q, seq %d) outside (%d, %d] or given twice", stream, d.ID, d.Stream, d.Seq, from, to)
		}
		seen[d.ID] = true
		c := d.Clone()
		c.Status, c.Revision = porting.DeliveryPending, 1
		if err := rows.add(c); err != nil {
			return err
		}
	}
	err := s.tx(ctx, "enqueueing deliveries of "+stream, func(tx pgx.Tx) error {
		if err := ensureStream(ctx, tx, stream); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, "UPDATE delivery_streams SET cursor = $3 WHERE stream = $1 AND cursor = $2", stream, int64(from), int64(to))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var cur int64
			err := tx.QueryRow(ctx, "SELECT cursor FROM delivery_streams WHERE stream = $1", stream).Scan(&cur)
			if errors.Is(err, pgx.ErrNoRows) {
				return found("webhook %s: %w", stream, porting.ErrNotFound)
			}
			if err != nil {
				return err
			}
			return found("stream %s: cursor at %d, not %d: %w", stream, uint64(cur), from, porting.ErrConflict)
		}
		if len(ds) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO deliveries (stream, seq, id, status, revision, updated_ns, doc, payload)
			SELECT $1, t.seq, t.id, 'pending', 1, t.updated, t.doc::json, t.payload
			FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::bytea[]) AS t(seq, id, updated, doc, payload)`,
			stream, rows.seqs, rows.ids, rows.updated, rows.docs, rows.payloads)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return found("stream %s: a delivery exists: %s: %w", stream, pe.Detail, porting.ErrConflict)
		}
		return err
	})
	if err == nil {
		for _, d := range ds {
			d.Status, d.Revision = porting.DeliveryPending, 1
		}
	}
	return err
}

// UpdateDeliveries implements porting.SubscriptionStore.
func (s *Store) UpdateDeliveries(ctx context.Context, ds []*porting.Delivery) error {
	if len(ds) == 0 {
		return s.check(ctx)
	}
	var rows deliveryRows
	for _, d := range ds {
		c := d.Clone()
		c.Revision++
		if err := rows.add(c); err != nil {
			return err
		}
	}
	err := s.tx(ctx, "updating deliveries", func(tx pgx.Tx) error {
		var updated int
		err := tx.QueryRow(ctx, `WITH t AS (
				SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::text[], $8::bytea[])
				AS t(stream, seq, id, revision, status, updated, doc, payload)),
			u AS (UPDATE deliveries d SET status = t.status, revision = t.revision, updated_ns = t.updated, doc = t.doc::json, payload = t.payload
				FROM t WHERE d.stream = t.stream AND d.seq = t.seq AND d.id = t.id AND d.revision = t.revision - 1 RETURNING 1)
			SELECT count(*) FROM u`,
			rows.streams, rows.seqs, rows.ids, rows.revisions, rows.statuses, rows.updated, rows.docs, rows.payloads).Scan(&updated)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23514" { // the status's CHECK
			return found("deliveries: a status is none of %q, %q, %q", porting.DeliveryPending, porting.DeliveryDelivered, porting.DeliveryFailed)
		}
		if err != nil || updated == len(ds) {
			return err
		}
		// Not all were at the revision named: say which, and roll back.
		for _, d := range ds {
			var id string
			var rev int64
			err := tx.QueryRow(ctx, "SELECT id, revision FROM deliveries WHERE stream = $1 AND seq = $2", d.Stream, int64(d.Seq)).Scan(&id, &rev)
			switch {
			case errors.Is(err, pgx.ErrNoRows) || (err == nil && id != d.ID):
				return found("delivery %s of %s: %w", d.ID, d.Stream, porting.ErrNotFound)
			case err != nil:
				return err
			case rev != d.Revision+1: // the rows updated above are at d.Revision+1
				return found("delivery %s of %s at revision %d, not %d: %w", d.ID, d.Stream, rev, d.Revision, porting.ErrConflict)
			}
		}
		return found("deliveries: %d of %d updated: %w", updated, len(ds), porting.ErrConflict) // a delivery named twice
	})
	if err == nil {
		for _, d := range ds {
			d.Revision++
		}
	}
	return err
}

// sqlDeliveryColumns are what decodeDelivery reads.
const sqlDeliveryColumns = "doc::text, payload"

// decodeDelivery decodes a delivery's row.
func decodeDelivery(doc, payload []byte) (*porting.Delivery, error) {
	var d porting.Delivery
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decoding a delivery: %w", err)
	}
	if len(payload) > 0 {
		d.Payload = payload
	}
	return &d, nil
}

// queryDeliveries runs a query of sqlDeliveryColumns.
func (s *Store) queryDeliveries(ctx context.Context, op, sql string, args ...any) ([]*porting.Delivery, error) {
	var out []*porting.Delivery
	err := s.read(ctx, op, func() error {
		out = out[:0]
		rows, err := s.pool.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		var doc, payload []byte
		_, err = pgx.ForEachRow(rows, []any{&doc, &payload}, func() error {
			d, err := decodeDelivery(doc, payload)
			out = append(out, d)
			return err
		})
		return err
	})
	return out, err
}

// Delivery implements porting.SubscriptionStore.
func (s *Store) Delivery(ctx context.Context, stream, id string) (*porting.Delivery, error) {
	ds, err := s.queryDeliveries(ctx, "reading delivery "+id+" of "+stream,
		"SELECT "+sqlDeliveryColumns+" FROM deliveries WHERE stream = $1 AND id = $2", stream, id)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("delivery %s of %s: %w", id, stream, porting.ErrNotFound)
	}
	return ds[0], nil
}

// Deliveries implements porting.SubscriptionStore. A cursor is the Seq of
// the page's last delivery, in 16 hex digits.
func (s *Store) Deliveries(ctx context.Context, stream string, q porting.DeliveryQuery) (porting.DeliveryPage, error) {
	before := int64(math.MaxInt64)
	if q.Cursor != "" {
		seq, err := strconv.ParseUint(q.Cursor, 16, 64)
		if err != nil || len(q.Cursor) != 16 || seq == 0 || seq > math.MaxInt64 {
			return porting.DeliveryPage{}, &porting.ValidationError{Fields: []porting.FieldError{{
				Field: "cursor", Value: q.Cursor, Index: -1, Code: "format", Message: "Malformed cursor"}}}
		}
		before = int64(seq)
	}
	size := q.PageSize()
	ds, err := s.queryDeliveries(ctx, "listing deliveries of "+stream,
		"SELECT "+sqlDeliveryColumns+` FROM deliveries WHERE stream = $1 AND seq < $2 AND ($3 = '' OR status = $3)
		ORDER BY seq DESC LIMIT $4`, stream, before, string(q.Status), size+1)
	if err != nil {
		return porting.DeliveryPage{}, err
	}
	var page porting.DeliveryPage
	if len(ds) > size {
		ds = ds[:size]
		page.Next = fmt.Sprintf("%016x", ds[size-1].Seq)
	}
	page.Deliveries = ds
	return page, nil
}

// PendingDeliveries implements porting.SubscriptionStore.
func (s *Store) PendingDeliveries(ctx context.Context, stream string, after uint64, limit int) ([]*porting.Delivery, error) {
	if limit <= 0 {
		limit = porting.DefaultPageSize
	}
	if after >= math.MaxInt64 {
		return nil, s.check(ctx) // no sequence number is that large
	}
	ds, err := s.queryDeliveries(ctx, "reading the pending deliveries of "+stream,
		"SELECT "+sqlDeliveryColumns+` FROM deliveries WHERE stream = $1 AND status = 'pending' AND seq > $2
		ORDER BY seq LIMIT $3`, stream, int64(after), limit)
	if len(ds) == 0 {
		ds = nil
	}
	return ds, err
}

// PruneDeliveries implements porting.SubscriptionStore.
func (s *Store) PruneDeliveries(ctx context.Context, stream string, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, s.check(ctx)
	}
	var n int64
	err := s.tx(ctx, "pruning deliveries of "+stream, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM deliveries WHERE (stream, seq) IN (
			SELECT stream, seq FROM deliveries WHERE stream = $1 AND status <> 'pending' AND updated_ns < $2
			ORDER BY updated_ns, seq LIMIT $3)`, stream, before.UnixNano(), limit)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}
