package httpapi

import (
	"net/http"

	"github.com/portkit/portkit/porting"
)

// kazooTimelineEntry is one line of GET port_requests/{id}/timeline.
type kazooTimelineEntry struct {
	Authorization *kazooAuthorization `json:"authorization,omitempty"`
	Comment       *kazooComment       `json:"comment,omitempty"`
	Reason        string              `json:"reason,omitempty"`
	SubRequestID  string              `json:"sub_request_id,omitempty"`
	Timestamp     int64               `json:"timestamp"`
	Transition    *kazooStateChange   `json:"transition,omitempty"`
	Type          string              `json:"type"`
}

// kazooStateChange is the transition of a timeline entry.
type kazooStateChange struct {
	New      porting.State `json:"new"`
	Previous porting.State `json:"previous"`
}

// kazooAuthorization says who made a transition.
type kazooAuthorization struct {
	Account *kazooNamed `json:"account,omitempty"`
	User    *kazooNamed `json:"user,omitempty"`
}

// kazooNamed is an ID with a display name.
type kazooNamed struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// timeline: GET port_requests/{id}/timeline, the transitions and the
// comments the caller may see, sorted by time.
func (k *kazooHandler) timeline(c *kazooCall) {
	r, ok := c.request()
	if !ok {
		return
	}
	entries, err := k.svc.Timeline(c.ctx, r.ID)
	if err != nil {
		c.fail(err)
		return
	}
	names := map[string]string{}
	out := make([]kazooTimelineEntry, 0, len(entries))
	for _, e := range entries {
		te := kazooTimelineEntry{Timestamp: kazooGregorian(e.At)}
		switch {
		case e.Transition != nil:
			t := e.Transition
			te.Type = "transition"
			te.Transition = &kazooStateChange{New: t.To, Previous: t.From}
			te.Reason, te.SubRequestID = t.Reason, t.SubRequestID
			te.Authorization = k.authorization(c, t.Actor, names)
		case e.Comment != nil:
			cm := kazooCommentOf(*e.Comment)
			te.Type, te.Comment = "comment", &cm
		default:
			continue
		}
		out = append(out, te)
	}
	c.replyData(http.StatusOK, out, kazooTailOf(r))
}

// authorization describes the actor of a transition. An account's name is
// given only when the caller can reach that account.
func (k *kazooHandler) authorization(c *kazooCall, a porting.Actor, names map[string]string) *kazooAuthorization {
	var auth kazooAuthorization
	if a.AccountID != "" {
		name, ok := names[a.AccountID]
		if !ok {
			if acct, err := k.svc.Account(c.ctx, a.AccountID); err == nil {
				name = acct.Name
			}
			names[a.AccountID] = name
		}
		auth.Account = &kazooNamed{ID: a.AccountID, Name: name}
	}
	if a.UserID != "" || a.Name != "" {
		auth.User = &kazooNamed{ID: a.UserID, Name: a.Name}
	}
	return &auth
}
