package kazoo

import (
	"net/http"

	"github.com/portkit/portkit/porting"
)

// lastSubmission is one line of last_submitted: a request and its last
// transition to submitted, as a timeline entry.
type lastSubmission struct {
	ID         string        `json:"id"`
	Transition timelineEntry `json:"transition"`
}

// lastSubmitted: GET port_requests/last_submitted, the account's requests
// that have been submitted, each with its last transition to submitted
// ([{id, transition: {authorization: {account, user: {first_name,
// last_name}}, reason, timestamp, transition: {new, previous}, type}}]),
// newest request first, paged as the listings are (paginate=false: the
// largest page). Monster UI's detail view reads the submitter and the
// time from it.
func (k *handler) lastSubmitted(c *call) {
	q := porting.Query{AccountID: c.account.ID,
		States: porting.StatesWhere(func(s porting.State) bool { return s != porting.StateUnconfirmed })}
	var err error
	if q.Limit, q.Cursor, err = pageOf(c.r.URL.Query(), listingPage); err != nil {
		c.fail(err)
		return
	}
	page, err := k.svc.List(c.ctx, q)
	if err != nil {
		c.failRenamed(err, queryFields)
		return
	}
	names := accountNames{c.account.ID: c.account.Name}
	out := make([]lastSubmission, 0, len(page.Requests))
	for _, r := range page.Requests {
		t, ok, err := k.lastTransitionTo(c, r.ID, porting.StateSubmitted)
		if err != nil {
			c.fail(err)
			return
		}
		if ok {
			out = append(out, lastSubmission{ID: r.ID, Transition: k.transitionEntry(c, t, names)})
		}
	}
	c.replyData(http.StatusOK, out, tail{paged: true, pageSize: len(out), startKey: q.Cursor, nextStartKey: page.Next})
}

// lastTransitionTo returns a request's last transition to state to, of
// the request or of one of its sub requests.
func (k *handler) lastTransitionTo(c *call, id string, to porting.State) (porting.Transition, bool, error) {
	var last porting.Transition
	found := false
	q := porting.TimelineQuery{Kind: porting.TimelineTransitions, Limit: porting.MaxPageSize}
	for {
		page, err := k.svc.Timeline(c.ctx, id, q)
		if err != nil {
			return last, false, err
		}
		for _, e := range page.Entries {
			if e.Transition != nil && e.Transition.To == to {
				last, found = *e.Transition, true
			}
		}
		if page.Next == "" {
			return last, found, nil
		}
		q.Cursor = page.Next
	}
}
