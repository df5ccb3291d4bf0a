package keyspace

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/portkit/portkit/porting"
)

// A request's timeline is one key per entry, h/{id}/{seq}, and its length
// under hn/{id}: appending an entry writes two keys whatever the length,
// and a page reads only its own entries (and those it skips).

// AppendTimeline writes entries after the request's last one.
func AppendTimeline(tx Txn, id string, entries []porting.TimelineEntry) error {
	if len(entries) == 0 {
		return nil
	}
	n, err := timelineLen(tx, id)
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		n++
		if err := tx.Set(timelineKey(id, n), b); err != nil {
			return err
		}
	}
	return tx.Set(timelineLenKey(id), []byte(strconv.FormatUint(n, 10)))
}

// timelineLen reads how many entries a request's timeline has.
func timelineLen(rd Reader, id string) (uint64, error) {
	b, ok, err := rd.Get(timelineLenKey(id))
	if err != nil || !ok {
		return 0, err
	}
	return strconv.ParseUint(string(b), 10, 64)
}

// deleteTimeline removes a request's timeline.
func deleteTimeline(tx Txn, id string) error {
	prefix := timelinePrefix(id)
	var keys []string
	it := tx.Iterate(prefix, prefix)
	for ; it.Valid(); it.Next() {
		keys = append(keys, it.Key())
	}
	it.Close()
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	return tx.Delete(timelineLenKey(id))
}

// Timeline reads one page of a request's timeline: see
// porting.Store.Timeline.
func Timeline(rd Reader, id string, q porting.TimelineQuery) (porting.TimelinePage, error) {
	prefix := timelinePrefix(id)
	start := prefix
	if q.Cursor != "" {
		seq, err := strconv.ParseUint(q.Cursor, 16, 64)
		if err != nil || len(q.Cursor) != timestampWidth {
			return porting.TimelinePage{}, &porting.ValidationError{Fields: []porting.FieldError{{
				Field: "cursor", Value: q.Cursor, Index: -1, Code: "format", Message: "Not a cursor of this timeline",
			}}}
		}
		start = timelineKey(id, seq+1)
	}
	var page porting.TimelinePage
	skip, limit := q.Offset, q.PageSize()
	last := "" // the key of the page's last entry
	it := rd.Iterate(prefix, start)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		b, err := it.Value()
		if err != nil {
			return porting.TimelinePage{}, err
		}
		var e porting.TimelineEntry
		if err := json.Unmarshal(b, &e); err != nil {
			return porting.TimelinePage{}, fmt.Errorf("timeline entry %s: %w", it.Key(), err)
		}
		if !q.Matches(e) {
			continue
		}
		page.Total++
		switch {
		case skip > 0:
			skip--
		case len(page.Entries) < limit:
			page.Entries = append(page.Entries, e)
			last = it.Key()
		default: // one more after a full page: there is a next page
			page.Next = last[len(prefix):]
			if !q.WithTotal {
				return page, nil
			}
		}
	}
	if !q.WithTotal {
		page.Total = 0
	}
	return page, nil
}
