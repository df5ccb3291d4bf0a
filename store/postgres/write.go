package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
)

// A write is one batch of statements sent in one round trip and run by
// the server as one implicit transaction: it commits as a whole or not at
// all, and an error in any statement rolls back the others. The
// invariants are the database's: the primary key of requests (an ID used
// twice), the unique index of held numbers (a claim another request
// holds), the primary key of support keys, and the revision named in the
// UPDATE or DELETE of the request (portkit_conflict raises PK409 or PK404
// when it does not match). The write's statements never read what they
// check first, so no check can go stale before the write.
//
// Each write first takes transaction-scoped advisory locks on its
// request and on the numbers it holds before and after (up to
// maxLockedNumbers of each): writes that touch the same request or the
// same claimed number wait for each other before they write anything, so
// the one that waited gets the later transaction ID, and the event
// sequence numbers, which follow transaction IDs (see events.go), follow
// the order in which such writes commit.

// maxLockedNumbers bounds the numbers a write locks: a request holding
// more (up to porting's 10,000) locks only itself, and its events are
// ordered against those of other requests' claims by transaction ID alone.
const maxLockedNumbers = 64

// maxEventsPerWrite is how many events one write may carry: their
// sequence numbers are the transaction's ID shifted by eventBits, plus
// their position in the write, from 1.
const (
	eventBits         = 20
	maxEventsPerWrite = 1<<eventBits - 1
)

// Holds of a number (request_numbers.hold; "" stores NULL).
const (
	holdActive    = "active"
	holdCompleted = "completed"
)

// layout is what a request puts in the tables besides its document.
type layout struct {
	numbers, holds []string // each number once, sorted, and its hold
	keys           []string // the request's and its sub requests' support keys
	path           []string // the accounts on its path, each once
	locks          []string // names of the advisory locks it takes
}

func layoutOf(r *porting.PortRequest) (layout, error) {
	var l layout
	holds := make(map[string]string, len(r.Numbers))
	for _, e := range r.ActiveNumbers() {
		holds[e] = holdActive
	}
	for _, e := range r.CompletedNumbers() {
		holds[e] = holdCompleted
	}
	var held []string
	for _, n := range r.Numbers {
		if len(l.numbers) > 0 && l.numbers[len(l.numbers)-1] == n.E164 {
			continue
		}
		hold := holds[n.E164]
		l.numbers = append(l.numbers, n.E164)
		l.holds = append(l.holds, hold)
		if hold != "" {
			held = append(held, n.E164)
		}
	}
	l.keys = append(l.keys, r.SupportKey)
	for _, sr := range r.SubRequests {
		if slices.Contains(l.keys, sr.SupportKey) {
			return l, fmt.Errorf("postgres store: support key %s used twice in port request %s: %w", sr.SupportKey, r.ID, porting.ErrSupportKeyTaken)
		}
		l.keys = append(l.keys, sr.SupportKey)
	}
	for _, a := range r.AccountPath {
		if !slices.Contains(l.path, a) {
			l.path = append(l.path, a)
		}
	}
	l.locks = append(l.locks, "r:"+r.ID)
	if len(held) <= maxLockedNumbers {
		for _, e := range held {
			l.locks = append(l.locks, "n:"+e)
		}
	}
	return l, nil
}

// Statements of the writes. Parameters are positional; each statement
// says what they are.
const (
	// $1 id, $2 account, $3 state, $4 created, $5 updated, $6 timeline
	// length, $7 document.
	sqlInsertRequest = `INSERT INTO requests (id, account_id, state, created_ns, updated_ns, revision, timeline_len, doc)
		VALUES ($1, $2, $3, $4, $5, 1, $6, $7)`

	// $1 id, $2 revision read, $3 account, $4 state, $5 created,
	// $6 updated, $7 entries appended, $8 document.
	sqlUpdateRequest = `WITH u AS (
		UPDATE requests SET account_id = $3, state = $4, created_ns = $5, updated_ns = $6, revision = revision + 1,
			timeline_len = timeline_len + $7, doc = $8
		WHERE id = $1 AND revision = $2 RETURNING 1)
	SELECT CASE WHEN EXISTS (SELECT 1 FROM u) THEN 0 ELSE portkit_conflict($1, $2) END`

	// $1 id, $2 revision read.
	sqlDeleteRequest = `WITH d AS (DELETE FROM requests WHERE id = $1 AND revision = $2 RETURNING 1)
	SELECT CASE WHEN EXISTS (SELECT 1 FROM d) THEN 0 ELSE portkit_conflict($1, $2) END`

	// $1 id, $2 numbers, $3 holds. The first drops the rows that are
	// gone or whose hold changed, the second adds the new ones: a claim
	// another request holds is a unique violation of
	// request_numbers_held.
	sqlDropNumbers = `DELETE FROM request_numbers o WHERE o.request_id = $1 AND NOT EXISTS (
		SELECT 1 FROM unnest($2::text[], $3::text[]) AS n(e164, hold)
		WHERE n.e164 = o.e164 AND NULLIF(n.hold, '') IS NOT DISTINCT FROM o.hold)`
	sqlAddNumbers = `INSERT INTO request_numbers (request_id, e164, hold)
		SELECT $1, n.e164, NULLIF(n.hold, '') FROM unnest($2::text[], $3::text[]) AS n(e164, hold)
		ON CONFLICT (request_id, e164) DO NOTHING`

	// $1 id, $2 keys. A key another request holds is a unique violation
	// of support_keys_pkey.
	sqlDropKeys = `DELETE FROM support_keys WHERE request_id = $1 AND key <> ALL($2::text[])`
	sqlAddKeys  = `INSERT INTO support_keys (key, request_id)
		SELECT k, $1 FROM unnest($2::text[]) AS k
		WHERE NOT EXISTS (SELECT 1 FROM support_keys s WHERE s.key = k AND s.request_id = $1)`

	// $1 id, $2 accounts, $3 state, $4 created, $5 updated.
	sqlDropAncestors = `DELETE FROM request_ancestors WHERE request_id = $1 AND account_id <> ALL($2::text[])`
	sqlSetAncestors  = `INSERT INTO request_ancestors (request_id, account_id, state, created_ns, updated_ns)
		SELECT $1, a, $3, $4, $5 FROM unnest($2::text[]) AS a
		ON CONFLICT (request_id, account_id) DO UPDATE
		SET state = excluded.state, created_ns = excluded.created_ns, updated_ns = excluded.updated_ns`

	// $1 id, $2 kinds, $3 private flags, $4 entries (JSON): appended
	// after the request's timeline_len, which the write has raised by
	// their number already.
	sqlAppendTimeline = `INSERT INTO timeline (request_id, seq, kind, private, entry)
		SELECT $1, r.timeline_len - cardinality($4::text[]) + t.n, NULLIF(t.kind, ''), t.private, t.entry::json
		FROM requests r, unnest($2::text[], $3::boolean[], $4::text[]) WITH ORDINALITY AS t(kind, private, entry, n)
		WHERE r.id = $1`

	// $1 id, $2 content ID, $3 bytes.
	sqlPutContent = `INSERT INTO contents (request_id, content_id, data) VALUES ($1, $2, $3)
		ON CONFLICT (request_id, content_id) DO UPDATE SET data = excluded.data`
	// $1 id, $2 the content IDs its attachments reference.
	sqlDropContents = `DELETE FROM contents WHERE request_id = $1 AND content_id <> ALL($2::text[])`
)

// Statements built from the constants above.
var (
	// $1 lock names; $2 the request, whose held numbers are locked too
	// (up to maxLockedNumbers), in the order of their keys.
	sqlLock = fmt.Sprintf(`WITH old AS (
		SELECT 'n:' || e164 AS name FROM request_numbers WHERE request_id = $2 AND hold IS NOT NULL LIMIT %[1]d + 1),
	names AS (
		SELECT unnest($1::text[]) AS name
		UNION ALL SELECT name FROM old WHERE (SELECT count(*) FROM old) <= %[1]d)
	SELECT count(pg_advisory_xact_lock(k)) FROM (
		SELECT DISTINCT hashtextextended(name, 0) AS k FROM names ORDER BY k OFFSET 0) l`, maxLockedNumbers)

	// $1 events (JSON).
	sqlAppendEvents = fmt.Sprintf(`INSERT INTO events (seq, body)
		SELECT (pg_current_xact_id()::text::bigint << %d) + e.n, e.body::json
		FROM unnest($1::text[]) WITH ORDINALITY AS e(body, n)`, eventBits)
)

// CreateRequest implements porting.Store.
func (s *Store) CreateRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	l, err := layoutOf(r)
	if err != nil {
		return err
	}
	rev := r.Revision
	r.Revision = 1
	doc := codec.Encode(r)
	r.Revision = rev
	entries, events, err := encodeWrite(w)
	if err != nil {
		return err
	}
	err = s.write(ctx, "creating port request "+r.ID, r, func(b *pgx.Batch) {
		b.Queue(sqlEventWriter)
		b.Queue(sqlLock, l.locks, r.ID)
		b.Queue(sqlInsertRequest, r.ID, r.AccountID, string(r.State), r.Created.UnixNano(), r.Updated.UnixNano(),
			len(w.Timeline), doc)
		if len(l.numbers) > 0 {
			b.Queue(sqlAddNumbers, r.ID, l.numbers, l.holds)
		}
		b.Queue(sqlAddKeys, r.ID, l.keys)
		if len(l.path) > 0 {
			b.Queue(sqlSetAncestors, r.ID, l.path, string(r.State), r.Created.UnixNano(), r.Updated.UnixNano())
		}
		entries.queue(b, r.ID)
		queueContent(b, r, w)
		events.queue(b)
	})
	if err == nil {
		r.Revision = 1
		s.written(len(w.Events))
	}
	return err
}

// UpdateRequest implements porting.Store.
func (s *Store) UpdateRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	l, err := layoutOf(r)
	if err != nil {
		return err
	}
	rev := r.Revision
	r.Revision = rev + 1
	doc := codec.Encode(r)
	r.Revision = rev
	entries, events, err := encodeWrite(w)
	if err != nil {
		return err
	}
	err = s.write(ctx, "updating port request "+r.ID, r, func(b *pgx.Batch) {
		b.Queue(sqlEventWriter)
		b.Queue(sqlLock, l.locks, r.ID)
		b.Queue(sqlUpdateRequest, r.ID, rev, r.AccountID, string(r.State), r.Created.UnixNano(), r.Updated.UnixNano(),
			len(w.Timeline), doc)
		b.Queue(sqlDropNumbers, r.ID, l.numbers, l.holds)
		b.Queue(sqlAddNumbers, r.ID, l.numbers, l.holds)
		b.Queue(sqlDropKeys, r.ID, l.keys)
		b.Queue(sqlAddKeys, r.ID, l.keys)
		b.Queue(sqlDropAncestors, r.ID, l.path)
		b.Queue(sqlSetAncestors, r.ID, l.path, string(r.State), r.Created.UnixNano(), r.Updated.UnixNano())
		entries.queue(b, r.ID)
		queueContent(b, r, w)
		referenced := make([]string, len(r.Attachments))
		for i, a := range r.Attachments {
			referenced[i] = a.ContentID
		}
		b.Queue(sqlDropContents, r.ID, referenced)
		events.queue(b)
	})
	if err == nil {
		r.Revision = rev + 1
		s.written(len(w.Events))
	}
	return err
}

// DeleteRequest implements porting.Store. The request's numbers, support
// keys, ancestors, timeline and attachment bytes go with it (ON DELETE
// CASCADE).
func (s *Store) DeleteRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	_, events, err := encodeWrite(porting.Write{Events: w.Events})
	if err != nil {
		return err
	}
	err = s.write(ctx, "deleting port request "+r.ID, r, func(b *pgx.Batch) {
		b.Queue(sqlEventWriter)
		b.Queue(sqlLock, []string{"r:" + r.ID}, r.ID)
		b.Queue(sqlDeleteRequest, r.ID, r.Revision)
		events.queue(b)
	})
	if err == nil {
		s.written(len(w.Events))
	}
	return err
}

// queueContent stores the attachment bytes of w that r references (bytes
// nothing references would never be deleted).
func queueContent(b *pgx.Batch, r *porting.PortRequest, w porting.Write) {
	for _, a := range r.Attachments {
		if data, ok := w.Content[a.ContentID]; ok {
			if data == nil {
				data = []byte{} // bytea NOT NULL: empty bytes are bytes
			}
			b.Queue(sqlPutContent, r.ID, a.ContentID, data)
		}
	}
}

// timelineRows are a write's timeline entries, as columns.
type timelineRows struct {
	kinds, entries []string
	private        []bool
}

func (t timelineRows) queue(b *pgx.Batch, id string) {
	if len(t.entries) > 0 {
		b.Queue(sqlAppendTimeline, id, t.kinds, t.private, t.entries)
	}
}

// eventRows are a write's events, as JSON.
type eventRows []string

func (e eventRows) queue(b *pgx.Batch) {
	if len(e) > 0 {
		b.Queue(sqlAppendEvents, []string(e))
	}
}

// encodeWrite encodes the timeline entries and events of a write.
func encodeWrite(w porting.Write) (timelineRows, eventRows, error) {
	var t timelineRows
	for _, e := range w.Timeline {
		j, err := json.Marshal(e)
		if err != nil {
			return t, nil, fmt.Errorf("postgres store: encoding a timeline entry: %w", err)
		}
		kind, private := "", false
		switch {
		case e.Comment != nil:
			kind, private = "comment", e.Comment.Private
		case e.Transition != nil:
			kind = "transition"
		}
		t.kinds, t.private, t.entries = append(t.kinds, kind), append(t.private, private), append(t.entries, string(j))
	}
	if len(w.Events) > maxEventsPerWrite {
		return t, nil, fmt.Errorf("postgres store: %d events in one write, more than %d", len(w.Events), maxEventsPerWrite)
	}
	ev := make(eventRows, len(w.Events))
	for i, e := range w.Events {
		e.Seq = 0 // assigned by the database, read from its column
		j, err := json.Marshal(e)
		if err != nil {
			return t, nil, fmt.Errorf("postgres store: encoding an event: %w", err)
		}
		ev[i] = string(j)
	}
	return t, ev, nil
}

// write runs one write, built afresh for each attempt: a serialization
// failure, a deadlock or a failure before anything was sent is tried
// again, up to maxAttempts times and never past ctx. A claim on a number
// another request holds becomes one *porting.NumberOnRequestError or
// *porting.NumberOwnedError per number.
func (s *Store) write(ctx context.Context, op string, r *porting.PortRequest, build func(b *pgx.Batch)) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		b := &pgx.Batch{}
		build(b)
		err := s.pool.SendBatch(ctx, b).Close()
		if err == nil {
			return nil
		}
		again := retryable(err)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			switch pe.ConstraintName {
			case "requests_pkey":
				return fmt.Errorf("postgres store: port request %s exists: %w", r.ID, porting.ErrConflict)
			case "support_keys_pkey":
				return fmt.Errorf("postgres store: %s: %s: %w", op, pe.Detail, porting.ErrSupportKeyTaken)
			case "request_numbers_held":
				claims, cerr := s.claims(ctx, r)
				if cerr != nil {
					return s.fail(op, cerr)
				}
				if len(claims) > 0 {
					return errors.Join(claims...)
				}
				again = true // the holder let go since: the claim may succeed now
			}
		}
		if !again || attempt == maxAttempts || ctx.Err() != nil {
			return s.fail(op, err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return s.fail(op, err)
		}
	}
}

// claims returns the errors of the numbers r holds that another request
// holds: a *porting.NumberOnRequestError for an active claim, a
// *porting.NumberOwnedError for a completed port; none if there is none
// (any more).
func (s *Store) claims(ctx context.Context, r *porting.PortRequest) ([]error, error) {
	l, err := layoutOf(r)
	if err != nil {
		return nil, err
	}
	var held []string
	for i, h := range l.holds {
		if h != "" {
			held = append(held, l.numbers[i])
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT e164, request_id, hold FROM request_numbers
		WHERE e164 = ANY($1::text[]) AND hold IS NOT NULL AND request_id <> $2 ORDER BY e164`, held, r.ID)
	if err != nil {
		return nil, err
	}
	var errs []error
	var e164, holder, hold string
	_, err = pgx.ForEachRow(rows, []any{&e164, &holder, &hold}, func() error {
		if hold == holdCompleted {
			errs = append(errs, &porting.NumberOwnedError{Number: porting.Number{E164: e164}})
		} else {
			errs = append(errs, &porting.NumberOnRequestError{Number: porting.Number{E164: e164}, RequestID: holder})
		}
		return nil
	})
	return errs, err
}
