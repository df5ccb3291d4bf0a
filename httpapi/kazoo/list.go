package kazoo

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// typeGroups are Kazoo's by_types groups of states: active (not
// terminal), progressing (active and no longer editable: submitted,
// pending, scheduled), suspended (editable: unconfirmed, rejected) and
// completed (terminal).
var typeGroups = map[string][]porting.State{
	"all":         porting.States(),
	"active":      porting.StatesWhere(porting.State.Active),
	"progressing": porting.StatesWhere(func(s porting.State) bool { return s.Active() && !s.Editable() }),
	"suspended":   porting.StatesWhere(porting.State.Editable),
	"completed":   porting.StatesWhere(porting.State.Terminal),
}

// queryFields renames porting's query fields to the listings' query
// parameters, in validation errors.
var queryFields = map[string]string{"number": "by_number", "cursor": "start_key"}

// defaultTypes is the group listed when by_types is not given.
const defaultTypes = "active"

// defaultWindow is the default range of the completed and canceled listings.
const defaultWindow = 31 * 24 * time.Hour

// byTypes returns the states of a by_types value: a group, or a
// comma list of states ("completed" alone is the group of completed and
// canceled; in a list it is the state).
func byTypes(v string) ([]porting.State, error) {
	if group, ok := typeGroups[strings.TrimSpace(v)]; ok {
		return group, nil
	}
	var out []porting.State
	for _, t := range strings.Split(v, ",") {
		t = strings.TrimSpace(t)
		st, ok := stateOf(t)
		if !ok {
			return nil, problem("by_types", "enum", t, fmt.Sprintf(
				"by_types %q is neither a state nor one of all, active, progressing, suspended, completed", t))
		}
		out = append(out, st)
	}
	return out, nil
}

// list: GET port_requests, grouped by account; ?by_number= gives a flat
// list; ?by_types= chooses the states.
func (k *handler) list(c *call) { k.listingOf(c, porting.Query{AccountID: c.account.ID}, true) }

// listDescendants: GET descendants/port_requests, the same over the
// account and its sub-accounts at any depth.
func (k *handler) listDescendants(c *call) {
	k.listingOf(c, porting.Query{AccountID: c.account.ID, Descendants: true}, true)
}

// listingOf answers a listing of q's accounts as the query parameters
// narrow it; when run is false the parameters are checked and the list
// is empty (an account that manages no request).
func (k *handler) listingOf(c *call, q porting.Query, run bool) {
	qs := c.r.URL.Query()
	types := qs.Get("by_types")
	if types == "" && !qs.Has("by_number") {
		types = defaultTypes
	}
	var err error
	if types != "" {
		if q.States, err = byTypes(types); err != nil {
			c.fail(err)
			return
		}
	}
	if err := parseRange(&q, qs, time.Time{}); err != nil {
		c.fail(err)
		return
	}
	if qs.Has("by_number") {
		if q.Number = qs.Get("by_number"); q.Number == "" {
			c.fail(problem("by_number", "required", "", "by_number must be a phone number"))
			return
		}
	}
	if q.Limit, q.Cursor, err = pageOf(qs, listingPage); err != nil {
		c.fail(err)
		return
	}
	var page porting.Page
	if run {
		if page, err = k.svc.List(c.ctx, q); err != nil {
			c.failRenamed(err, queryFields)
			return
		}
	}
	t := tail{paged: true, pageSize: len(page.Requests), startKey: q.Cursor, nextStartKey: page.Next}
	if q.Number == "" && page.Next == "" && q.Cursor == "" && !qs.Has("page_size") && !qs.Has("paginate") {
		t.paged = false // all of it in one page, as the document shows it
	}
	if q.Number != "" {
		bp := c.start()
		*bp = appendRequests(*bp, page.Requests)
		c.finish(bp, http.StatusOK, t)
		return
	}
	k.replyGrouped(c, page.Requests, t)
}

// listState: GET port_requests/{state}, paged; with descendants, GET
// descendants/port_requests/{state}, over the sub-accounts too. completed
// and canceled are ranged by time (the last 31 days by default).
func (k *handler) listState(st porting.State, descendants bool) func(*call) {
	return func(c *call) {
		qs := c.r.URL.Query()
		q := porting.Query{AccountID: c.account.ID, Descendants: descendants, States: []porting.State{st}}
		now := k.now() // completed and canceled default to the last 31 days
		if !st.Terminal() {
			now = time.Time{}
		}
		if err := parseRange(&q, qs, now); err != nil {
			c.fail(err)
			return
		}
		var err error
		if q.Limit, q.Cursor, err = pageOf(qs, porting.DefaultPageSize); err != nil {
			c.fail(err)
			return
		}
		page, err := k.svc.List(c.ctx, q)
		if err != nil {
			c.failRenamed(err, queryFields)
			return
		}
		k.replyGrouped(c, page.Requests, tail{
			paged: true, pageSize: len(page.Requests), startKey: q.Cursor, nextStartKey: page.Next,
		})
	}
}

// Pages. Every list answers one page, of page_size items (listingPage
// unless the client names one, at most porting.MaxPageSize), and
// next_start_key when there are more: a client that asks for
// paginate=false gets the largest page, never an unbounded answer.
const listingPage = porting.DefaultPageSize

// pageOf reads page_size, paginate and start_key.
func pageOf(qs url.Values, def int) (limit int, cursor string, err error) {
	limit = def
	if v := qs.Get("paginate"); v != "" {
		if p, perr := strconv.ParseBool(v); perr != nil {
			return 0, "", problem("paginate", "type", v, fmt.Sprintf("paginate %q must be true or false", v))
		} else if !p {
			limit = porting.MaxPageSize
		}
	}
	if v := qs.Get("page_size"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 {
			return 0, "", problem("page_size", "minimum", v, fmt.Sprintf("page_size %q must be a positive integer", v))
		}
		if n > porting.MaxPageSize {
			return 0, "", problem("page_size", "maximum", v, fmt.Sprintf("page_size %q must be at most %d", v, porting.MaxPageSize))
		}
		limit = n
	}
	return limit, qs.Get("start_key"), nil
}

// replyGrouped answers requests grouped by account:
// [{account_id, account_name, port_requests: [...]}], the groups in the
// order their first request comes.
func (k *handler) replyGrouped(c *call, rs []*porting.PortRequest, t tail) {
	var order []string
	groups := map[string][]*porting.PortRequest{}
	for _, r := range rs {
		if groups[r.AccountID] == nil {
			order = append(order, r.AccountID)
		}
		groups[r.AccountID] = append(groups[r.AccountID], r)
	}
	names := map[string]string{c.account.ID: c.account.Name}
	for _, id := range order {
		if _, ok := names[id]; ok {
			continue
		}
		acct, err := k.svc.Account(c.ctx, id)
		if err != nil {
			c.fail(err)
			return
		}
		names[id] = acct.Name
	}
	bp := c.start()
	b := append(*bp, '[')
	for i, id := range order {
		if i > 0 {
			b = append(b, ',')
		}
		o := openObject(b)
		o.str(keyAccountID, id)
		o.str(keyAccountName, names[id])
		o.field(keyPortRequests)
		o.b = appendRequests(o.b, groups[id])
		b = o.close()
	}
	*bp = append(b, ']')
	c.finish(bp, http.StatusOK, t)
}

// parseRange reads created_from/created_to and modified_from/modified_to
// (Gregorian seconds) into q. With now set, a query without a created
// or modified range gets the default window: the 31 days to now.
func parseRange(q *porting.Query, qs url.Values, now time.Time) error {
	var errs invalidInput
	get := func(name string, dst *time.Time) {
		v := qs.Get(name)
		if v == "" {
			return
		}
		g, err := strconv.ParseInt(v, 10, 64)
		if err != nil || g < gregorianOffset || g > maxGregorian {
			errs.add(name, "format", v, fmt.Sprintf("%s %q must be a date in Gregorian seconds", name, v))
			return
		}
		*dst = fromGregorian(g)
	}
	get("created_from", &q.CreatedFrom)
	get("created_to", &q.CreatedTo)
	get("modified_from", &q.UpdatedFrom)
	get("modified_to", &q.UpdatedTo)
	if err := errs.err(); err != nil {
		return err
	}
	if !now.IsZero() {
		from, to := &q.CreatedFrom, &q.CreatedTo
		if q.OrderByUpdated() {
			from, to = &q.UpdatedFrom, &q.UpdatedTo
		}
		if to.IsZero() {
			*to = now
		}
		if from.IsZero() {
			*from = to.Add(-defaultWindow)
		}
	}
	for _, r := range [][2]struct {
		name string
		t    time.Time
	}{
		{{"created_from", q.CreatedFrom}, {"created_to", q.CreatedTo}},
		{{"modified_from", q.UpdatedFrom}, {"modified_to", q.UpdatedTo}},
	} {
		if !r[0].t.IsZero() && !r[1].t.IsZero() && r[0].t.After(r[1].t) {
			return problem(r[0].name, "maximum", qs.Get(r[0].name),
				fmt.Sprintf("%s must not be after %s", r[0].name, r[1].name))
		}
	}
	return nil
}
