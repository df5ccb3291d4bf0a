package keyspace

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// Find runs a query: see porting.Store.FindRequests. A support key or a
// number narrows the candidates through their own index; otherwise the
// listing index of the query's scope, state(s) and order is scanned, one
// range per state merged newest first, so a page costs the same however
// many requests are stored. Only NumberContains, and a creation range on a
// query ordered by update, need the documents to decide.
func Find(rd Reader, q porting.Query) (porting.Page, error) {
	var start cursor
	if q.Cursor != "" {
		c, err := parseCursor(q.Cursor)
		if err != nil {
			return porting.Page{}, &porting.ValidationError{Fields: []porting.FieldError{{
				Field: "cursor", Value: q.Cursor, Index: -1, Code: "format", Message: "Not a cursor of this listing",
			}}}
		}
		start = c
	}
	if q.SupportKey != "" || q.Number != "" {
		return findCandidates(rd, q, start)
	}
	return findIndexed(rd, q, start)
}

// entry is one listing position.
type entry struct {
	ts, id string
}

func (e entry) key() string { return e.ts + "/" + e.id }

func (e entry) after(c cursor) bool {
	return c.ts == "" || e.ts > c.ts || (e.ts == c.ts && e.id > c.id)
}

// pager collects a page from entries offered in order. Entries up to
// the cursor (start) only count toward the total.
type pager struct {
	rd     Reader
	q      porting.Query
	start  cursor
	skip   int
	limit  int
	page   porting.Page
	last   entry
	full   bool // the page is full; looking for one more match, or counting
	filter func(*porting.PortRequest) bool
}

func newPager(rd Reader, q porting.Query, start cursor, filter func(*porting.PortRequest) bool) *pager {
	return &pager{rd: rd, q: q, start: start, skip: q.Offset, limit: q.PageSize(), filter: filter}
}

// offer considers an entry (and its document, if already loaded) and
// reports whether the scan should go on.
func (p *pager) offer(e entry, doc *porting.PortRequest) (bool, error) {
	counting := !e.after(p.start)
	if counting && !p.q.WithTotal {
		return true, nil
	}
	if p.filter != nil || (!counting && !p.full && p.skip == 0) {
		if doc == nil {
			var err error
			if doc, err = p.rd.LoadRequest(e.id); errors.Is(err, porting.ErrNotFound) {
				return true, nil // deleted since the index was read
			} else if err != nil {
				return false, err
			}
		}
		if p.filter != nil && !p.filter(doc) {
			return true, nil
		}
	}
	p.page.Total++
	switch {
	case counting:
	case p.skip > 0:
		p.skip--
	case p.full:
		p.page.Next = cursor{ts: p.last.ts, id: p.last.id}.String()
		return p.q.WithTotal, nil
	default:
		p.page.Requests = append(p.page.Requests, doc)
		p.last = e
		p.full = len(p.page.Requests) == p.limit
	}
	return true, nil
}

func (p *pager) result() porting.Page {
	if !p.q.WithTotal {
		p.page.Total = 0
	}
	return p.page
}

func findIndexed(rd Reader, q porting.Query, start cursor) (porting.Page, error) {
	scope, acct := scopeGlobal, globalAccount
	switch {
	case q.AccountID != "" && q.Descendants:
		scope, acct = scopeTree, q.AccountID
	case q.AccountID != "":
		scope, acct = scopeOwn, q.AccountID
	}
	order, from, to := orderCreated, q.CreatedFrom, q.CreatedTo
	var filters []func(*porting.PortRequest) bool
	if q.OrderByUpdated() {
		order, from, to = orderUpdated, q.UpdatedFrom, q.UpdatedTo
		if !q.CreatedFrom.IsZero() || !q.CreatedTo.IsZero() {
			filters = append(filters, func(r *porting.PortRequest) bool { return within(r.Created, q.CreatedFrom, q.CreatedTo) })
		}
	}
	if q.NumberContains != "" {
		filters = append(filters, func(r *porting.PortRequest) bool { return containsDigits(r, q.NumberContains) })
	}
	states := []string{allStates}
	if len(q.States) > 0 {
		states = states[:0]
		for _, s := range q.States {
			if !slices.Contains(states, string(s)) {
				states = append(states, string(s))
			}
		}
	}
	lo := ""
	if !to.IsZero() {
		lo = invTime(to)
	}
	hi := ""
	if !from.IsZero() {
		hi = invTime(from)
	}
	// Without a total to count, the scan starts after the cursor.
	if start.ts != "" && !q.WithTotal && start.ts+"/"+start.id+"\x00" > lo {
		lo = start.ts + "/" + start.id + "\x00"
	}
	its := make([]Iterator, len(states))
	for i, st := range states {
		prefix := indexPrefix(scope, acct, st, order)
		its[i] = rd.Iterate(prefix, prefix+lo)
	}
	defer func() {
		for _, it := range its {
			it.Close()
		}
	}()
	p := newPager(rd, q, start, all(filters))
	for {
		// Take the smallest key among the iterators (newest first).
		best := -1
		var bestEntry entry
		for i, it := range its {
			if !it.Valid() {
				continue
			}
			e, ok := parseEntry(it.Key())
			if !ok {
				it.Next()
				continue
			}
			if best < 0 || e.key() < bestEntry.key() {
				best, bestEntry = i, e
			}
		}
		if best < 0 || (hi != "" && bestEntry.ts > hi) {
			break
		}
		its[best].Next()
		more, err := p.offer(bestEntry, nil)
		if err != nil {
			return porting.Page{}, err
		}
		if !more {
			break
		}
	}
	return p.result(), nil
}

// findCandidates answers queries narrowed by a support key or a number:
// few requests, read whole and sorted like a listing.
func findCandidates(rd Reader, q porting.Query, start cursor) (porting.Page, error) {
	var ids []string
	if q.SupportKey != "" {
		id, ok, err := rd.Get(supportKey(q.SupportKey))
		if err != nil {
			return porting.Page{}, err
		}
		if ok {
			ids = append(ids, string(id))
		}
	} else {
		prefix := PrefixNumber + q.Number + "/"
		it := rd.Iterate(prefix, prefix)
		for ; it.Valid(); it.Next() {
			ids = append(ids, it.Key()[len(prefix):])
		}
		it.Close()
	}
	byUpdated := q.OrderByUpdated()
	type cand struct {
		e   entry
		doc *porting.PortRequest
	}
	var cands []cand
	for _, id := range ids {
		doc, err := rd.LoadRequest(id)
		if errors.Is(err, porting.ErrNotFound) {
			continue
		}
		if err != nil {
			return porting.Page{}, err
		}
		if !matches(doc, q) {
			continue
		}
		t := doc.Created
		if byUpdated {
			t = doc.Updated
		}
		cands = append(cands, cand{entry{ts: invTime(t), id: doc.ID}, doc})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].e.key() < cands[j].e.key() })
	p := newPager(rd, q, start, nil)
	for _, c := range cands {
		if more, err := p.offer(c.e, c.doc); err != nil || !more {
			if err != nil {
				return porting.Page{}, err
			}
			break
		}
	}
	return p.result(), nil
}

// matches applies every criterion of q to a request.
func matches(r *porting.PortRequest, q porting.Query) bool {
	switch {
	case q.AccountID != "" && q.Descendants && !slices.Contains(r.AccountPath, q.AccountID):
		return false
	case q.AccountID != "" && !q.Descendants && r.AccountID != q.AccountID:
		return false
	case len(q.States) > 0 && !slices.Contains(q.States, r.State):
		return false
	case q.Number != "":
		if _, ok := r.Number(q.Number); !ok {
			return false
		}
	}
	if q.SupportKey != "" && r.SupportKey != q.SupportKey {
		found := false
		for _, sr := range r.SubRequests {
			found = found || sr.SupportKey == q.SupportKey
		}
		if !found {
			return false
		}
	}
	return within(r.Created, q.CreatedFrom, q.CreatedTo) &&
		within(r.Updated, q.UpdatedFrom, q.UpdatedTo) &&
		(q.NumberContains == "" || containsDigits(r, q.NumberContains))
}

func within(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
}

func containsDigits(r *porting.PortRequest, digits string) bool {
	for _, n := range r.Numbers {
		if strings.Contains(n.E164, digits) {
			return true
		}
	}
	return false
}

func all(fs []func(*porting.PortRequest) bool) func(*porting.PortRequest) bool {
	if len(fs) == 0 {
		return nil
	}
	return func(r *porting.PortRequest) bool {
		for _, f := range fs {
			if !f(r) {
				return false
			}
		}
		return true
	}
}

// parseEntry reads the "{ts}/{id}" tail of a listing key.
func parseEntry(key string) (entry, bool) {
	i := strings.LastIndexByte(key, '/')
	if i < timestampWidth {
		return entry{}, false
	}
	return entry{ts: key[i-timestampWidth : i], id: key[i+1:]}, true
}
