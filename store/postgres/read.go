package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
)

// read runs a read, and runs it once more when it failed on a lost
// connection: the pool may hand out a connection the database dropped
// while it restarted, and a read may be repeated.
func (s *Store) read(ctx context.Context, op string, f func() error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	err := f()
	if err != nil && lostConnection(err) && ctx.Err() == nil && !s.closed.Load() {
		err = f()
	}
	if err != nil {
		return s.fail(op, err)
	}
	return nil
}

// PutAccount implements porting.Store.
func (s *Store) PutAccount(ctx context.Context, a porting.Account) error {
	doc, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if err := s.check(ctx); err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO accounts (id, doc) VALUES ($1, $2::json)
		ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`, a.ID, string(doc))
	if err != nil {
		return s.fail("storing account "+a.ID, err)
	}
	return nil
}

// Account implements porting.Store.
func (s *Store) Account(ctx context.Context, id string) (porting.Account, error) {
	var a porting.Account
	err := s.read(ctx, "reading account "+id, func() error {
		var doc []byte
		err := s.pool.QueryRow(ctx, "SELECT doc::text FROM accounts WHERE id = $1", id).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("account %s: %w", id, porting.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(doc, &a)
	})
	return a, err
}

// Request implements porting.Store.
func (s *Store) Request(ctx context.Context, id string) (*porting.PortRequest, error) {
	var r *porting.PortRequest
	err := s.read(ctx, "reading port request "+id, func() error {
		var doc []byte
		err := s.pool.QueryRow(ctx, "SELECT doc FROM requests WHERE id = $1", id).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("port request %s: %w", id, porting.ErrNotFound)
		}
		if err != nil {
			return err
		}
		r, err = codec.Decode(doc)
		return err
	})
	return r, err
}

// ClaimedNumbers implements porting.Store.
func (s *Store) ClaimedNumbers(ctx context.Context, numbers []string) (map[string]porting.Claim, error) {
	out := make(map[string]porting.Claim)
	err := s.read(ctx, "reading claims", func() error {
		clear(out)
		rows, err := s.pool.Query(ctx, `SELECT e164, request_id, hold FROM request_numbers
			WHERE e164 = ANY($1::text[]) AND hold IS NOT NULL`, numbers)
		if err != nil {
			return err
		}
		var e164, id, hold string
		_, err = pgx.ForEachRow(rows, []any{&e164, &id, &hold}, func() error {
			out[e164] = porting.Claim{RequestID: id, Completed: hold == holdCompleted}
			return nil
		})
		return err
	})
	return out, err
}

// Content implements porting.Store.
func (s *Store) Content(ctx context.Context, requestID, contentID string) ([]byte, error) {
	var data []byte
	err := s.read(ctx, "reading content "+contentID+" of "+requestID, func() error {
		err := s.pool.QueryRow(ctx, "SELECT data FROM contents WHERE request_id = $1 AND content_id = $2",
			requestID, contentID).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("content %s of %s: %w", contentID, requestID, porting.ErrNotFound)
		}
		return err
	})
	return data, err
}

// Timeline implements porting.Store. A cursor is the last entry's number
// in 16 hex digits.
func (s *Store) Timeline(ctx context.Context, requestID string, q porting.TimelineQuery) (porting.TimelinePage, error) {
	var after uint64
	if q.Cursor != "" {
		var err error
		if after, err = strconv.ParseUint(q.Cursor, 16, 31); err != nil || len(q.Cursor) != 16 {
			return porting.TimelinePage{}, &porting.ValidationError{Fields: []porting.FieldError{{
				Field: "cursor", Value: q.Cursor, Index: -1, Code: "format", Message: "Not a cursor of this timeline",
			}}}
		}
	}
	match := "kind IS NOT NULL"
	switch q.Kind {
	case porting.TimelineComments:
		match = "kind = 'comment'"
	case porting.TimelineTransitions:
		match = "kind = 'transition'"
	}
	if q.Public {
		match += " AND NOT (kind = 'comment' AND private)"
	}
	limit := q.PageSize()
	var page porting.TimelinePage
	err := s.read(ctx, "reading the timeline of "+requestID, func() error {
		page = porting.TimelinePage{}
		rows, err := s.pool.Query(ctx, `SELECT seq, entry::text FROM timeline WHERE request_id = $1 AND seq > $2 AND `+match+`
			ORDER BY seq OFFSET $3 LIMIT $4`, requestID, after, max(q.Offset, 0), limit+1)
		if err != nil {
			return err
		}
		var seq int64
		var entry []byte
		last := int64(0)
		_, err = pgx.ForEachRow(rows, []any{&seq, &entry}, func() error {
			if len(page.Entries) == limit {
				page.Next = fmt.Sprintf("%016x", last)
				return nil
			}
			var e porting.TimelineEntry
			if err := json.Unmarshal(entry, &e); err != nil {
				return fmt.Errorf("timeline entry %d: %w", seq, err)
			}
			page.Entries = append(page.Entries, e)
			last = seq
			return nil
		})
		if err != nil || !q.WithTotal {
			return err
		}
		return s.pool.QueryRow(ctx, `SELECT count(*) FROM timeline WHERE request_id = $1 AND seq > $2 AND `+match,
			requestID, after).Scan(&page.Total)
	})
	return page, err
}

// AccountChain implements porting.AccountChainer: the account and its
// ancestors in one recursive query, where the Service would read one
// account a level.
func (s *Store) AccountChain(ctx context.Context, id string, limit int) ([]porting.Account, error) {
	var chain []porting.Account
	err := s.read(ctx, "reading the accounts above "+id, func() error {
		chain = chain[:0]
		rows, err := s.pool.Query(ctx, `WITH RECURSIVE chain (depth, id, doc) AS (
				SELECT 1, id, doc FROM accounts WHERE id = $1
				UNION ALL
				SELECT c.depth + 1, a.id, a.doc FROM chain c JOIN accounts a ON a.id = c.doc->>'parent_id' WHERE c.depth < $2)
			SELECT doc::text FROM chain ORDER BY depth`, id, limit)
		if err != nil {
			return err
		}
		var doc []byte
		_, err = pgx.ForEachRow(rows, []any{&doc}, func() error {
			var a porting.Account
			if err := json.Unmarshal(doc, &a); err != nil {
				return fmt.Errorf("account: %w", err)
			}
			chain = append(chain, a)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case len(chain) == 0:
		return nil, fmt.Errorf("account %s: %w", id, porting.ErrNotFound)
	case len(chain) < limit && chain[len(chain)-1].ParentID != "":
		missing := chain[len(chain)-1].ParentID
		return nil, fmt.Errorf("account %s: %w", missing, porting.ErrNotFound)
	}
	return chain, nil
}
