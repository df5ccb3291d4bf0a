package postgres

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
)

// A listing is newest first, by creation (or last update) time, ties by
// ID, and continues from a cursor: the last position returned, so that
// requests added meanwhile neither repeat nor hide results (keyset
// paging). Each listing is an ordered index scan that stops once the page
// is full:
//
//   - every account: requests_created (or _updated);
//   - one account: requests_account_created;
//   - an account and its descendants at any depth: request_ancestors
//     (account_id, created_ns), one row per request below the account,
//     joined to requests by primary key for the documents;
//   - with states: the same with the state after the account, one scan
//     per state, merged (a UNION ALL of ordered, limited scans, which
//     PostgreSQL merges without sorting more than it read);
//   - a number or a support key: its own index, then the few requests
//     it finds, filtered and sorted.
//
// Offset skips results after the cursor; Total counts the whole query.

// position is a cursor: the time (Unix nanoseconds) and ID of the last
// result of a page. It reads as the other stores' cursors do: the time
// inverted (later first) in 16 hex digits, a dot, the ID.
type position struct {
	ns int64
	id string
}

func (p position) String() string {
	return fmt.Sprintf("%016x.%s", math.MaxUint64-uint64(p.ns), p.id)
}

func parsePosition(s string) (position, bool) {
	if len(s) < 18 || s[16] != '.' {
		return position{}, false
	}
	v, err := strconv.ParseUint(s[:16], 16, 64)
	if err != nil {
		return position{}, false
	}
	return position{ns: int64(math.MaxUint64 - v), id: s[17:]}, true
}

// FindRequests implements porting.Store.
func (s *Store) FindRequests(ctx context.Context, q porting.Query) (porting.Page, error) {
	var after *position
	if q.Cursor != "" {
		p, ok := parsePosition(q.Cursor)
		if !ok {
			return porting.Page{}, &porting.ValidationError{Fields: []porting.FieldError{{
				Field: "cursor", Value: q.Cursor, Index: -1, Code: "format", Message: "Not a cursor of this listing",
			}}}
		}
		after = &p
	}
	l := newListing(q)
	pageSQL, pageArgs := l.page(after)
	limit := q.PageSize()
	var page porting.Page
	err := s.read(ctx, "listing port requests", func() error {
		page = porting.Page{}
		rows, err := s.pool.Query(ctx, pageSQL, pageArgs...)
		if err != nil {
			return err
		}
		var doc []byte
		var at position
		seen := 0
		_, err = pgx.ForEachRow(rows, []any{&doc, &at.ns, &at.id}, func() error {
			if seen++; seen > limit {
				return nil // one more than the page: there is a next one
			}
			r, err := codec.Decode(doc)
			if err != nil {
				return fmt.Errorf("port request %s: %w", at.id, err)
			}
			page.Requests = append(page.Requests, r)
			if seen == limit {
				page.Next = at.String()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if seen <= limit {
			page.Next = ""
		}
		if q.WithTotal {
			countSQL, countArgs := l.count()
			return s.pool.QueryRow(ctx, countSQL, countArgs...).Scan(&page.Total)
		}
		return nil
	})
	return page, err
}

// listing is a query as SQL.
type listing struct {
	q porting.Query
	// order is the time column the listing orders by.
	order string
	// states are the query's states, each once.
	states []string
	// candidates: a number or a support key narrows the query to a few
	// requests, which every other criterion filters.
	candidates bool
	// t is the alias of the table scanned, id its request ID column,
	// from what the page reads (the documents' table joined) and
	// countFrom what the count reads.
	t, id, from, countFrom string
}

func newListing(q porting.Query) listing {
	l := listing{q: q, order: "created_ns", candidates: q.Number != "" || q.SupportKey != "",
		t: "r", id: "r.id", from: "requests r", countFrom: "requests r"}
	if q.OrderByUpdated() {
		l.order = "updated_ns"
	}
	for _, st := range q.States {
		if !slices.Contains(l.states, string(st)) {
			l.states = append(l.states, string(st))
		}
	}
	if !l.candidates && q.AccountID != "" && q.Descendants {
		l.t, l.id = "a", "a.request_id"
		l.from, l.countFrom = "request_ancestors a JOIN requests r ON r.id = a.request_id", "request_ancestors a"
	}
	return l
}

// args collects positional parameters.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// conds returns the conditions every result meets, but its state.
func (l listing) conds(a *args) []string {
	q := l.q
	var c []string
	add := func(format string, vs ...any) {
		ps := make([]any, len(vs))
		for i, v := range vs {
			ps[i] = a.add(v)
		}
		c = append(c, fmt.Sprintf(format, ps...))
	}
	switch {
	case l.candidates:
		if q.Number != "" {
			add("r.id IN (SELECT request_id FROM request_numbers WHERE e164 = %s)", q.Number)
		}
		if q.SupportKey != "" {
			add("r.id IN (SELECT request_id FROM support_keys WHERE key = %s)", q.SupportKey)
		}
		if q.AccountID != "" && q.Descendants {
			add("EXISTS (SELECT 1 FROM request_ancestors x WHERE x.request_id = r.id AND x.account_id = %s)", q.AccountID)
		} else if q.AccountID != "" {
			add("r.account_id = %s", q.AccountID)
		}
	case l.t == "a":
		add("a.account_id = %s", q.AccountID)
	case q.AccountID != "":
		add("r.account_id = %s", q.AccountID)
	}
	// Without an Updated range, the order is by creation and the Updated
	// bounds are zero; with one, a Created range filters.
	if !q.CreatedFrom.IsZero() {
		add(l.t+".created_ns >= %s", q.CreatedFrom.UnixNano())
	}
	if !q.CreatedTo.IsZero() {
		add(l.t+".created_ns <= %s", q.CreatedTo.UnixNano())
	}
	if !q.UpdatedFrom.IsZero() {
		add(l.t+".updated_ns >= %s", q.UpdatedFrom.UnixNano())
	}
	if !q.UpdatedTo.IsZero() {
		add(l.t+".updated_ns <= %s", q.UpdatedTo.UnixNano())
	}
	if q.NumberContains != "" {
		add("EXISTS (SELECT 1 FROM request_numbers n WHERE n.request_id = "+l.id+" AND strpos(n.e164, %s) > 0)", q.NumberContains)
	}
	return c
}

// page returns the SQL of a page: up to limit + 1 rows of document, time
// and ID, after the cursor and the offset.
func (l listing) page(after *position) (string, []any) {
	var a args
	limit, offset := l.q.PageSize(), max(l.q.Offset, 0)
	col := l.t + "." + l.order
	scan := func(state string) string {
		c := l.conds(&a)
		switch {
		case state != "":
			c = append(c, l.t+".state = "+a.add(state))
		case len(l.states) > 0:
			c = append(c, l.t+".state = ANY("+a.add(l.states)+"::text[])")
		}
		if after != nil {
			ns, id := a.add(after.ns), a.add(after.id)
			c = append(c, fmt.Sprintf("%s <= %s AND (%s < %s OR %s > %s)", col, ns, col, ns, l.id, id))
		}
		return fmt.Sprintf("SELECT r.doc, %s AS o, %s AS id FROM %s%s ORDER BY %s DESC, %s", col, l.id, l.from, where(c), col, l.id)
	}
	if l.candidates || len(l.states) <= 1 {
		state := ""
		if !l.candidates && len(l.states) == 1 {
			state = l.states[0]
		}
		sql := scan(state)
		return sql + " OFFSET " + a.add(offset) + " LIMIT " + a.add(limit+1), a
	}
	// One ordered scan per state, each as long as the page could need,
	// merged.
	parts := make([]string, len(l.states))
	for i, st := range l.states {
		parts[i] = "(" + scan(st) + " LIMIT " + a.add(offset+limit+1) + ")"
	}
	return "SELECT doc, o, id FROM (" + strings.Join(parts, " UNION ALL ") + ") u ORDER BY o DESC, id OFFSET " +
		a.add(offset) + " LIMIT " + a.add(limit+1), a
}

// count returns the SQL of the number of results of the whole query.
func (l listing) count() (string, []any) {
	var a args
	c := l.conds(&a)
	if len(l.states) > 0 {
		c = append(c, l.t+".state = ANY("+a.add(l.states)+"::text[])")
	}
	return "SELECT count(*) FROM " + l.countFrom + where(c), a
}

func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
