package kazoo

import (
	"net/http"

	"github.com/portkit/portkit/porting"
)

// timelineEntry is one line of GET port_requests/{id}/timeline.
type timelineEntry struct {
	Authorization *authorizationBody `json:"authorization,omitempty"`
	Comment       *wireComment       `json:"comment,omitempty"`
	Reason        string             `json:"reason,omitempty"`
	SubRequestID  string             `json:"sub_request_id,omitempty"`
	Timestamp     int64              `json:"timestamp"`
	Transition    *stateChange       `json:"transition,omitempty"`
	Type          string             `json:"type"`
}

// stateChange is the transition of a timeline entry.
type stateChange struct {
	New      porting.State `json:"new"`
	Previous porting.State `json:"previous"`
}

// authorizationBody says who made a transition.
type authorizationBody struct {
	Account *named `json:"account,omitempty"`
	User    *named `json:"user,omitempty"`
}

// named is an ID with a display name.
type named struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// timeline: GET port_requests/{id}/timeline, the transitions and the
// comments the caller may see, in the order they happened, paged.
func (k *handler) timeline(c *call) {
	r, ok := c.request()
	if !ok {
		return
	}
	page, t, ok := k.timelinePage(c, r, porting.TimelineAll)
	if !ok {
		return
	}
	names := map[string]string{}
	out := make([]timelineEntry, 0, len(page.Entries))
	for _, e := range page.Entries {
		te := timelineEntry{Timestamp: gregorian(e.At)}
		switch {
		case e.Transition != nil:
			t := e.Transition
			te.Type = "transition"
			te.Transition = &stateChange{New: t.To, Previous: t.From}
			te.Reason, te.SubRequestID = t.Reason, t.SubRequestID
			te.Authorization = k.authorization(c, t.Actor, names)
		case e.Comment != nil:
			cm := commentOf(*e.Comment)
			te.Type, te.Comment = "comment", &cm
		default:
			continue
		}
		out = append(out, te)
	}
	c.replyData(http.StatusOK, out, t)
}

// authorization describes the actor of a transition. An account's name is
// given only when the caller can reach that account.
func (k *handler) authorization(c *call, a porting.Actor, names map[string]string) *authorizationBody {
	var auth authorizationBody
	if a.AccountID != "" {
		name, ok := names[a.AccountID]
		if !ok {
			if acct, err := k.svc.Account(c.ctx, a.AccountID); err == nil {
				name = acct.Name
			}
			names[a.AccountID] = name
		}
		auth.Account = &named{ID: a.AccountID, Name: name}
	}
	if a.UserID != "" || a.Name != "" {
		auth.User = &named{ID: a.UserID, Name: a.Name}
	}
	return &auth
}
