package keyspace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// Subscriptions and their delivery state (porting.SubscriptionStore):
//
//	s/{id}                       subscription (JSON)
//	sa/{account}/{id}            the subscriptions of an account
//	sn/{account}      -> count   how many
//	l/{stream}                   lease (JSON)
//	y/{stream}       -> seq      delivery cursor
//	w/{stream}/{inv seq}         delivery (JSON), newest first
//	wp/{stream}/{seq}            a pending delivery, oldest first
//	wd/{stream}/{seq}            a delivery that is over, oldest first
//	wi/{stream}/{id}  -> seq     a delivery by its ID
//	wx/{stream}                  the deliveries of a deleted subscription, to purge
//
// {stream} is the stream's name with '/' written ':' (system streams
// have one), so that it is one key segment.
//
// A subscription is deleted in one write (with its cursor and lease) that
// marks its deliveries for purging; they are then deleted a bounded batch
// at a time (a dead endpoint's backlog is more than one write holds), and
// the mark with the last of them. Meanwhile the stream's deliveries are
// not read. A purge cut short is finished by the next delete, by a
// create under the same ID, or when a persistent store opens
// (PurgeDeleted).

// Key prefixes of subscriptions and deliveries.
const (
	PrefixSubscription = "s/"
	prefixSubsOf       = "sa/"
	prefixSubsCount    = "sn/"
	PrefixLease        = "l/"
	PrefixStreamCursor = "y/"
	PrefixDelivery     = "w/"
	prefixPending      = "wp/"
	prefixOver         = "wd/"
	prefixDeliveryID   = "wi/"
	prefixPurge        = "wx/"
)

// IsSubscriptionKey reports whether a key belongs to subscriptions and
// their deliveries (not to requests).
func IsSubscriptionKey(key string) bool {
	for _, p := range [...]string{PrefixSubscription, prefixSubsOf, prefixSubsCount, PrefixLease, PrefixStreamCursor,
		PrefixDelivery, prefixPending, prefixOver, prefixDeliveryID, prefixPurge} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

func streamSeg(stream string) string               { return strings.ReplaceAll(stream, "/", ":") }
func subscriptionKey(id string) string             { return PrefixSubscription + id }
func subsOfPrefix(account string) string           { return prefixSubsOf + account + "/" }
func subsCountKey(account string) string           { return prefixSubsCount + account }
func leaseKey(stream string) string                { return PrefixLease + streamSeg(stream) }
func streamCursorKey(stream string) string         { return PrefixStreamCursor + streamSeg(stream) }
func deliveryPrefix(stream string) string          { return PrefixDelivery + streamSeg(stream) + "/" }
func pendingPrefix(stream string) string           { return prefixPending + streamSeg(stream) + "/" }
func overPrefix(stream string) string              { return prefixOver + streamSeg(stream) + "/" }
func deliveryIDPrefix(stream string) string        { return prefixDeliveryID + streamSeg(stream) + "/" }
func purgeKey(stream string) string                { return prefixPurge + streamSeg(stream) }
func invSeq(seq uint64) string                     { return hex16(math.MaxUint64 - seq) }
func deliveryKey(stream string, seq uint64) string { return deliveryPrefix(stream) + invSeq(seq) }

// The functions that write leave their arguments alone: a backend that
// runs a transaction again after a conflict runs them again on the same
// arguments. Each returns what to do to its arguments once the
// transaction has committed (set the revisions the contract promises).

// CreateSubscription stores a new subscription (Revision 1) with its
// cursor at lastSeq: see porting.SubscriptionStore.
func CreateSubscription(tx Txn, s *porting.Subscription, limit int, lastSeq uint64) (committed func(), err error) {
	if _, ok, err := tx.Get(subscriptionKey(s.ID)); err != nil {
		return nil, err
	} else if ok {
		return nil, fmt.Errorf("webhook %s: %w", s.ID, porting.ErrConflict)
	}
	if p, err := Purging(tx, s.ID); err != nil {
		return nil, err
	} else if p {
		return nil, fmt.Errorf("webhook %s: the deliveries of a deleted one under this ID are being purged: %w", s.ID, porting.ErrConflict)
	}
	// The count is a key of its own, read and written by every create
	// and delete of the account's: a scan of sa/ would not conflict with
	// a racing create (a backend's transactions see the keys they read,
	// not the keys that appear in a range).
	n, err := subscriptionCount(tx, s.AccountID)
	if err != nil {
		return nil, err
	}
	if limit > 0 && n >= uint64(limit) {
		return nil, &porting.TooLargeError{What: "webhooks of an account", Limit: int64(limit)}
	}
	if err := tx.Set(subsCountKey(s.AccountID), []byte(strconv.FormatUint(n+1, 10))); err != nil {
		return nil, err
	}
	c := s.Clone()
	c.Revision = 1
	if err := putSubscription(tx, c); err != nil {
		return nil, err
	}
	if err := tx.Set(subsOfPrefix(s.AccountID)+s.ID, nil); err != nil {
		return nil, err
	}
	if err := tx.Set(streamCursorKey(s.ID), []byte(strconv.FormatUint(lastSeq, 10))); err != nil {
		return nil, err
	}
	return func() { s.Revision = 1 }, nil
}

// subscriptionCount reads how many subscriptions an account has.
func subscriptionCount(rd Reader, account string) (uint64, error) {
	b, ok, err := rd.Get(subsCountKey(account))
	if err != nil || !ok {
		return 0, err
	}
	return strconv.ParseUint(string(b), 10, 64)
}

func putSubscription(tx Txn, s *porting.Subscription) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return tx.Set(subscriptionKey(s.ID), b)
}

// GetSubscription reads a subscription, or porting.ErrNotFound.
func GetSubscription(rd Reader, id string) (*porting.Subscription, error) {
	b, ok, err := rd.Get(subscriptionKey(id))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("webhook %s: %w", id, porting.ErrNotFound)
	}
	var s porting.Subscription
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("webhook %s: %w", id, err)
	}
	return &s, nil
}

// ListSubscriptions reads the subscriptions of an account (every one for
// ""), by ID.
func ListSubscriptions(rd Reader, account string) ([]*porting.Subscription, error) {
	var ids []string
	if account == "" {
		it := rd.Iterate(PrefixSubscription, PrefixSubscription)
		for ; it.Valid(); it.Next() {
			ids = append(ids, strings.TrimPrefix(it.Key(), PrefixSubscription))
		}
		it.Close()
	} else {
		p := subsOfPrefix(account)
		it := rd.Iterate(p, p)
		for ; it.Valid(); it.Next() {
			ids = append(ids, strings.TrimPrefix(it.Key(), p))
		}
		it.Close()
	}
	out := make([]*porting.Subscription, 0, len(ids))
	for _, id := range ids {
		s, err := GetSubscription(rd, id)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// checkSubscription reads the stored subscription and checks s's revision
// against it.
func checkSubscription(rd Reader, s *porting.Subscription) (*porting.Subscription, error) {
	old, err := GetSubscription(rd, s.ID)
	if err != nil {
		return nil, err
	}
	if old.Revision != s.Revision {
		return nil, fmt.Errorf("webhook %s at revision %d, not %d: %w", s.ID, old.Revision, s.Revision, porting.ErrConflict)
	}
	return old, nil
}

// UpdateSubscription replaces a subscription at its stored revision.
func UpdateSubscription(tx Txn, s *porting.Subscription) (committed func(), err error) {
	old, err := checkSubscription(tx, s)
	if err != nil {
		return nil, err
	}
	c := s.Clone()
	c.AccountID = old.AccountID // the owner never changes
	c.Revision++
	if err := putSubscription(tx, c); err != nil {
		return nil, err
	}
	return func() { s.AccountID, s.Revision = c.AccountID, c.Revision }, nil
}

// DeleteSubscription deletes a subscription at its stored revision, with
// its cursor and lease, and marks its deliveries for purging
// (PurgeDeliveriesOf deletes them).
func DeleteSubscription(tx Txn, s *porting.Subscription) error {
	old, err := checkSubscription(tx, s)
	if err != nil {
		return err
	}
	// Read the cursor, which every Enqueue writes: an Enqueue that
	// commits first makes this transaction conflict, rather than add
	// deliveries after the mark. (One that comes later finds no
	// subscription.)
	if _, _, err := tx.Get(streamCursorKey(s.ID)); err != nil {
		return err
	}
	n, err := subscriptionCount(tx, old.AccountID)
	if err != nil {
		return err
	}
	for _, k := range [...]string{subscriptionKey(s.ID), subsOfPrefix(old.AccountID) + s.ID, streamCursorKey(s.ID), leaseKey(s.ID)} {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	if err := tx.Set(purgeKey(s.ID), nil); err != nil {
		return err
	}
	if n <= 1 {
		return tx.Delete(subsCountKey(old.AccountID))
	}
	return tx.Set(subsCountKey(old.AccountID), []byte(strconv.FormatUint(n-1, 10)))
}

// PurgeBatch is how many keys one write of a purge deletes: a few hundred
// kB, well within a Badger batch (in memory too).
const PurgeBatch = 4000

// Purging reports whether a stream's deliveries are marked for purging.
func Purging(rd Reader, stream string) (bool, error) {
	_, ok, err := rd.Get(purgeKey(stream))
	return ok, err
}

// PurgeDeliveriesOf deletes up to limit keys of the deliveries of a
// stream marked for purging, and the mark once none is left: done
// reports that. A stream not marked is left alone (done).
func PurgeDeliveriesOf(tx Txn, stream string, limit int) (done bool, err error) {
	if p, err := Purging(tx, stream); err != nil || !p {
		return true, err
	}
	var keys []string
	for _, p := range [...]string{deliveryPrefix(stream), pendingPrefix(stream), overPrefix(stream), deliveryIDPrefix(stream)} {
		it := tx.Iterate(p, p)
		for ; it.Valid() && len(keys) < limit; it.Next() {
			keys = append(keys, it.Key())
		}
		it.Close()
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return false, err
		}
	}
	if len(keys) == limit {
		return false, nil // maybe more
	}
	return true, tx.Delete(purgeKey(stream))
}

// StreamsToPurge lists the streams whose deliveries are marked for
// purging.
func StreamsToPurge(rd Reader) []string {
	var out []string
	it := rd.Iterate(prefixPurge, prefixPurge)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		out = append(out, strings.ReplaceAll(strings.TrimPrefix(it.Key(), prefixPurge), ":", "/"))
	}
	return out
}

// streamExists fails with porting.ErrNotFound for a subscription's
// stream whose subscription does not exist.
func streamExists(rd Reader, stream string) error {
	if porting.IsSystemStream(stream) {
		return nil
	}
	_, ok, err := rd.Get(subscriptionKey(stream))
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("webhook %s: %w", stream, porting.ErrNotFound)
	}
	return nil
}

// AcquireLease takes or renews a stream's lease: see
// porting.SubscriptionStore.
func AcquireLease(tx Txn, stream, holder string, now, until time.Time) (porting.Lease, error) {
	if err := streamExists(tx, stream); err != nil {
		return porting.Lease{}, err
	}
	cur, ok, err := getLease(tx, stream)
	if err != nil {
		return porting.Lease{}, err
	}
	if ok && cur.Holder != holder && cur.Expires.After(now) {
		return cur, fmt.Errorf("stream %s: held by %s until %s: %w", stream, cur.Holder, cur.Expires.Format(time.RFC3339Nano), porting.ErrLeaseHeld)
	}
	l := porting.Lease{Stream: stream, Holder: holder, Expires: until.UTC()}
	b, err := json.Marshal(l)
	if err != nil {
		return porting.Lease{}, err
	}
	return l, tx.Set(leaseKey(stream), b)
}

func getLease(rd Reader, stream string) (porting.Lease, bool, error) {
	b, ok, err := rd.Get(leaseKey(stream))
	if err != nil || !ok {
		return porting.Lease{}, false, err
	}
	var l porting.Lease
	if err := json.Unmarshal(b, &l); err != nil {
		return porting.Lease{}, false, fmt.Errorf("lease of %s: %w", stream, err)
	}
	return l, true, nil
}

// ReleaseLease drops a lease its holder gives up.
func ReleaseLease(tx Txn, stream, holder string) error {
	cur, ok, err := getLease(tx, stream)
	if err != nil || !ok || cur.Holder != holder {
		return err
	}
	return tx.Delete(leaseKey(stream))
}

// DeliveryCursor reads a stream's cursor.
func DeliveryCursor(rd Reader, stream string) (uint64, error) {
	if err := streamExists(rd, stream); err != nil {
		return 0, err
	}
	b, ok, err := rd.Get(streamCursorKey(stream))
	if err != nil || !ok {
		return 0, err
	}
	return strconv.ParseUint(string(b), 10, 64)
}

// Enqueue stores new deliveries and moves the cursor from `from` to `to`:
// see porting.SubscriptionStore.
func Enqueue(tx Txn, stream string, from, to uint64, ds []*porting.Delivery) (committed func(), err error) {
	cur, err := DeliveryCursor(tx, stream)
	if err != nil {
		return nil, err
	}
	if cur != from {
		return nil, fmt.Errorf("stream %s: cursor at %d, not %d: %w", stream, cur, from, porting.ErrConflict)
	}
	if to < from {
		return nil, fmt.Errorf("stream %s: cursor cannot move back from %d to %d", stream, from, to)
	}
	seen := make(map[string]bool, len(ds))
	for _, d := range ds {
		if d.Stream != stream || d.Seq <= from || d.Seq > to || d.ID == "" || seen[d.ID] {
			return nil, fmt.Errorf("stream %s: delivery %q (stream %q, seq %d) outside (%d, %d] or given twice", stream, d.ID, d.Stream, d.Seq, from, to)
		}
		seen[d.ID] = true
		if _, ok, err := tx.Get(deliveryIDPrefix(stream) + d.ID); err != nil {
			return nil, err
		} else if ok {
			return nil, fmt.Errorf("stream %s: delivery %s exists: %w", stream, d.ID, porting.ErrConflict)
		}
	}
	for _, d := range ds {
		c := d.Clone()
		c.Status, c.Revision = porting.DeliveryPending, 1
		if err := putDelivery(tx, c, nil); err != nil {
			return nil, err
		}
		if err := tx.Set(deliveryIDPrefix(stream)+d.ID, []byte(hex16(d.Seq))); err != nil {
			return nil, err
		}
	}
	if err := tx.Set(streamCursorKey(stream), []byte(strconv.FormatUint(to, 10))); err != nil {
		return nil, err
	}
	return func() {
		for _, d := range ds {
			d.Status, d.Revision = porting.DeliveryPending, 1
		}
	}, nil
}

// A delivery is stored as its JSON without the payload, a newline, and
// the payload's bytes as they are: the payload is JSON already, and
// embedding it would have every write of the delivery validate and
// compact it again. (JSON holds no raw newline, so the first one ends
// it.)

// encodeDelivery encodes a delivery for its key.
func encodeDelivery(d *porting.Delivery) ([]byte, error) {
	meta := *d
	meta.Payload = nil
	b, err := json.Marshal(&meta)
	if err != nil {
		return nil, err
	}
	b = append(b, '\n')
	return append(b, d.Payload...), nil
}

// decodeDelivery decodes what encodeDelivery wrote.
func decodeDelivery(b []byte) (*porting.Delivery, error) {
	meta, payload, _ := bytes.Cut(b, []byte{'\n'})
	var d porting.Delivery
	if err := json.Unmarshal(meta, &d); err != nil {
		return nil, err
	}
	if len(payload) > 0 {
		d.Payload = bytes.Clone(payload)
	}
	return &d, nil
}

// putDelivery writes a delivery and its status index, replacing old.
func putDelivery(tx Txn, d, old *porting.Delivery) error {
	b, err := encodeDelivery(d)
	if err != nil {
		return err
	}
	if err := tx.Set(deliveryKey(d.Stream, d.Seq), b); err != nil {
		return err
	}
	if old != nil && old.Status != d.Status {
		if err := tx.Delete(statusKey(old)); err != nil {
			return err
		}
	}
	if old == nil || old.Status != d.Status {
		return tx.Set(statusKey(d), nil)
	}
	return nil
}

// statusKey is the status index key of a delivery.
func statusKey(d *porting.Delivery) string {
	if d.Status == porting.DeliveryPending {
		return pendingPrefix(d.Stream) + hex16(d.Seq)
	}
	return overPrefix(d.Stream) + hex16(d.Seq)
}

// getDeliveryBySeq reads a delivery by its stream and Seq.
func getDeliveryBySeq(rd Reader, stream string, seq uint64) (*porting.Delivery, bool, error) {
	b, ok, err := rd.Get(deliveryKey(stream, seq))
	if err != nil || !ok {
		return nil, false, err
	}
	d, err := decodeDelivery(b)
	if err != nil {
		return nil, false, fmt.Errorf("delivery %d of %s: %w", seq, stream, err)
	}
	return d, true, nil
}

// GetDelivery reads a delivery by its ID, or porting.ErrNotFound.
func GetDelivery(rd Reader, stream, id string) (*porting.Delivery, error) {
	purging, err := Purging(rd, stream)
	if err != nil {
		return nil, err
	}
	b, ok, err := rd.Get(deliveryIDPrefix(stream) + id)
	if err != nil {
		return nil, err
	}
	if ok && !purging {
		seq, perr := strconv.ParseUint(string(b), 16, 64)
		if perr != nil {
			return nil, fmt.Errorf("delivery %s of %s: %w", id, stream, perr)
		}
		d, found, err := getDeliveryBySeq(rd, stream, seq)
		if err != nil || found {
			return d, err
		}
	}
	return nil, fmt.Errorf("delivery %s of %s: %w", id, stream, porting.ErrNotFound)
}

// UpdateDeliveries replaces deliveries at their stored revisions, all or
// none.
func UpdateDeliveries(tx Txn, ds []*porting.Delivery) (committed func(), err error) {
	olds := make([]*porting.Delivery, len(ds))
	for i, d := range ds {
		old, ok, err := getDeliveryBySeq(tx, d.Stream, d.Seq)
		if err != nil {
			return nil, err
		}
		if !ok || old.ID != d.ID {
			return nil, fmt.Errorf("delivery %s of %s: %w", d.ID, d.Stream, porting.ErrNotFound)
		}
		if old.Revision != d.Revision {
			return nil, fmt.Errorf("delivery %s of %s at revision %d, not %d: %w", d.ID, d.Stream, old.Revision, d.Revision, porting.ErrConflict)
		}
		if !d.Status.Valid() {
			return nil, fmt.Errorf("delivery %s of %s: unknown status %q", d.ID, d.Stream, d.Status)
		}
		olds[i] = old
	}
	for i, d := range ds {
		c := d.Clone()
		c.Revision++
		if err := putDelivery(tx, c, olds[i]); err != nil {
			return nil, err
		}
		olds[i] = c
	}
	return func() {
		for _, d := range ds {
			d.Revision++
		}
	}, nil
}

// ListDeliveries reads one page of a stream's deliveries, newest first.
func ListDeliveries(rd Reader, stream string, q porting.DeliveryQuery) (porting.DeliveryPage, error) {
	p := deliveryPrefix(stream)
	start := p
	if q.Cursor != "" {
		seq, err := strconv.ParseUint(q.Cursor, 16, 64)
		if err != nil || len(q.Cursor) != timestampWidth || seq == 0 {
			return porting.DeliveryPage{}, &porting.ValidationError{Fields: []porting.FieldError{{
				Field: "cursor", Value: q.Cursor, Index: -1, Code: "format", Message: "Malformed cursor"}}}
		}
		start = p + invSeq(seq-1) // the next older one
	}
	size := q.PageSize()
	var page porting.DeliveryPage
	if purging, err := Purging(rd, stream); err != nil || purging {
		return page, err
	}
	it := rd.Iterate(p, start)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if len(page.Deliveries) == size {
			last := page.Deliveries[size-1]
			page.Next = hex16(last.Seq)
			break
		}
		b, err := it.Value()
		if err != nil {
			return porting.DeliveryPage{}, err
		}
		d, err := decodeDelivery(b)
		if err != nil {
			return porting.DeliveryPage{}, fmt.Errorf("delivery %s: %w", it.Key(), err)
		}
		if q.Status == "" || d.Status == q.Status {
			page.Deliveries = append(page.Deliveries, d)
		}
	}
	return page, nil
}

// PendingDeliveries reads a stream's pending deliveries after a Seq,
// oldest first.
func PendingDeliveries(rd Reader, stream string, after uint64, limit int) ([]*porting.Delivery, error) {
	if limit <= 0 {
		limit = porting.DefaultPageSize
	}
	if purging, err := Purging(rd, stream); err != nil || purging || after == math.MaxUint64 {
		return nil, err
	}
	p := pendingPrefix(stream)
	var out []*porting.Delivery
	it := rd.Iterate(p, p+hex16(after+1))
	defer it.Close()
	for ; it.Valid() && len(out) < limit; it.Next() {
		seq, err := strconv.ParseUint(strings.TrimPrefix(it.Key(), p), 16, 64)
		if err != nil {
			return nil, fmt.Errorf("pending key %q: %w", it.Key(), err)
		}
		d, ok, err := getDeliveryBySeq(rd, stream, seq)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// PruneDeliveries deletes up to limit deliveries that are over and were
// last updated before `before`, oldest first.
func PruneDeliveries(tx Txn, stream string, before time.Time, limit int) (int, error) {
	p := overPrefix(stream)
	var drop []*porting.Delivery
	it := tx.Iterate(p, p)
	for ; it.Valid() && len(drop) < limit; it.Next() {
		seq, err := strconv.ParseUint(strings.TrimPrefix(it.Key(), p), 16, 64)
		if err != nil {
			it.Close()
			return 0, fmt.Errorf("delivery key %q: %w", it.Key(), err)
		}
		d, ok, err := getDeliveryBySeq(tx, stream, seq)
		if err != nil {
			it.Close()
			return 0, err
		}
		if !ok {
			continue
		}
		if !d.Updated.Before(before) {
			break // newer ones follow, by and large
		}
		drop = append(drop, d)
	}
	it.Close()
	for _, d := range drop {
		for _, k := range []string{deliveryKey(stream, d.Seq), statusKey(d), deliveryIDPrefix(stream) + d.ID} {
			if err := tx.Delete(k); err != nil {
				return 0, err
			}
		}
	}
	return len(drop), nil
}
