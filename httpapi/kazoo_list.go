package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// kazooTypes are Kazoo's by_types groups of states: active (not
// terminal), progressing (active and no longer editable: submitted,
// pending, scheduled), suspended (editable: unconfirmed, rejected) and
// completed (terminal).
var kazooTypes = map[string][]porting.State{
	"all":         porting.States(),
	"active":      porting.StatesWhere(porting.State.Active),
	"progressing": porting.StatesWhere(func(s porting.State) bool { return s.Active() && !s.Editable() }),
	"suspended":   porting.StatesWhere(porting.State.Editable),
	"completed":   porting.StatesWhere(porting.State.Terminal),
}

// kazooQueryFields renames porting's query fields to the listings' query
// parameters, in validation errors.
var kazooQueryFields = map[string]string{"number": "by_number", "cursor": "start_key"}

// kazooDefaultTypes is the group listed when by_types is not given.
const kazooDefaultTypes = "active"

// kazooWindow is the default range of the completed and canceled listings.
const kazooWindow = 31 * 24 * time.Hour

// kazooByTypes returns the states of a by_types value: a group, or a
// comma list of states ("completed" alone is the group of completed and
// canceled; in a list it is the state).
func kazooByTypes(v string) ([]porting.State, error) {
	if group, ok := kazooTypes[strings.TrimSpace(v)]; ok {
		return group, nil
	}
	var out []porting.State
	for _, t := range strings.Split(v, ",") {
		t = strings.TrimSpace(t)
		st, ok := kazooStateOf(t)
		if !ok {
			return nil, kazooProblem("by_types", "enum", t, fmt.Sprintf(
				"by_types %q is neither a state nor one of all, active, progressing, suspended, completed", t))
		}
		out = append(out, st)
	}
	return out, nil
}

// list: GET port_requests, grouped by account; ?by_number= gives a flat
// list; ?by_types= chooses the states.
func (k *kazooHandler) list(c *kazooCall) { k.listing(c, false) }

// listDescendants: GET descendants/port_requests, the same over the
// account and its sub-accounts at any depth.
func (k *kazooHandler) listDescendants(c *kazooCall) { k.listing(c, true) }

func (k *kazooHandler) listing(c *kazooCall, descendants bool) {
	qs := c.r.URL.Query()
	q := porting.Query{AccountID: c.account.ID, Descendants: descendants}
	types := qs.Get("by_types")
	if types == "" && !qs.Has("by_number") {
		types = kazooDefaultTypes
	}
	var err error
	if types != "" {
		if q.States, err = kazooByTypes(types); err != nil {
			c.fail(err)
			return
		}
	}
	if err := kazooRange(&q, qs, time.Time{}); err != nil {
		c.fail(err)
		return
	}
	if qs.Has("by_number") {
		if q.Number = qs.Get("by_number"); q.Number == "" {
			c.fail(kazooProblem("by_number", "required", "", "by_number must be a phone number"))
			return
		}
	}
	rs, err := k.walk(c, q)
	if err != nil {
		c.failRenamed(err, kazooQueryFields)
		return
	}
	if q.Number != "" {
		bp := c.start()
		*bp = kazooAppendRequests(*bp, rs)
		c.finish(bp, http.StatusOK, kazooTail{paged: true, pageSize: len(rs)})
		return
	}
	k.replyGrouped(c, rs, kazooTail{})
}

// listState: GET port_requests/{state}. completed and canceled are ranged
// by time (the last 31 days by default) and paginated; the others list
// every request in the state.
func (k *kazooHandler) listState(st porting.State) func(*kazooCall) {
	return func(c *kazooCall) {
		qs := c.r.URL.Query()
		q := porting.Query{AccountID: c.account.ID, States: []porting.State{st}}
		if !st.Terminal() {
			if err := kazooRange(&q, qs, time.Time{}); err != nil {
				c.fail(err)
				return
			}
			rs, err := k.walk(c, q)
			if err != nil {
				c.fail(err)
				return
			}
			k.replyGrouped(c, rs, kazooTail{paged: true, pageSize: len(rs)})
			return
		}
		if err := kazooRange(&q, qs, k.now()); err != nil {
			c.fail(err)
			return
		}
		if v := qs.Get("page_size"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				c.fail(kazooProblem("page_size", "minimum", v, fmt.Sprintf("page_size %q must be a positive integer", v)))
				return
			}
			if n > porting.MaxPageSize {
				c.fail(kazooProblem("page_size", "maximum", v, fmt.Sprintf("page_size %q must be at most %d", v, porting.MaxPageSize)))
				return
			}
			q.Limit = n
		}
		q.Cursor = qs.Get("start_key")
		page, err := k.svc.List(c.ctx, q)
		if err != nil {
			c.failRenamed(err, kazooQueryFields)
			return
		}
		k.replyGrouped(c, page.Requests, kazooTail{
			paged: true, pageSize: len(page.Requests), startKey: q.Cursor, nextStartKey: page.Next,
		})
	}
}

// walk returns every request matching q, page after page.
func (k *kazooHandler) walk(c *kazooCall, q porting.Query) ([]*porting.PortRequest, error) {
	q.Limit = porting.MaxPageSize
	var out []*porting.PortRequest
	for {
		page, err := k.svc.List(c.ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Requests...)
		if page.Next == "" {
			return out, nil
		}
		q.Cursor = page.Next
	}
}

// replyGrouped answers requests grouped by account:
// [{account_id, account_name, port_requests: [...]}], the groups in the
// order their first request comes.
func (k *kazooHandler) replyGrouped(c *kazooCall, rs []*porting.PortRequest, t kazooTail) {
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
		o := kazooOpen(b)
		o.str(kazooKeyAccountID, id)
		o.str(kazooKeyAccountName, names[id])
		o.field(kazooKeyPortReqs)
		o.b = kazooAppendRequests(o.b, groups[id])
		b = o.close()
	}
	*bp = append(b, ']')
	c.finish(bp, http.StatusOK, t)
}

// kazooRange reads created_from/created_to and modified_from/modified_to
// (Gregorian seconds) into q. With now set, a query without a created
// or modified range gets the default window: the 31 days to now.
func kazooRange(q *porting.Query, qs url.Values, now time.Time) error {
	var errs kazooInvalid
	get := func(name string, dst *time.Time) {
		v := qs.Get(name)
		if v == "" {
			return
		}
		g, err := strconv.ParseInt(v, 10, 64)
		if err != nil || g < kazooGregorianOffset || g > kazooMaxGregorian {
			errs.add(name, "format", v, fmt.Sprintf("%s %q must be a date in Gregorian seconds", name, v))
			return
		}
		*dst = kazooFromGregorian(g)
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
			*from = to.Add(-kazooWindow)
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
			return kazooProblem(r[0].name, "maximum", qs.Get(r[0].name),
				fmt.Sprintf("%s must not be after %s", r[0].name, r[1].name))
		}
	}
	return nil
}
