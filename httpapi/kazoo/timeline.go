package kazoo

import (
	"net/http"
	"strings"

	"github.com/portkit/portkit/porting"
)

// timelineEntry is one line of GET port_requests/{id}/timeline. A
// comment's own fields are at the top level beside its type, as Kazoo's
// timeline has them (Monster UI tells comments from transitions by their
// author), and under "comment" too.
type timelineEntry struct {
	*wireComment
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
	Account *named   `json:"account,omitempty"`
	User    *userRef `json:"user,omitempty"`
}

// named is an ID with a display name.
type named struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// userRef is the user who made a transition, with the first and last
// names Kazoo's users have (Monster UI shows "first_name last_name").
type userRef struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name,omitempty"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
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
	names := accountNames{}
	out := make([]timelineEntry, 0, len(page.Entries))
	for _, e := range page.Entries {
		switch {
		case e.Transition != nil:
			out = append(out, k.transitionEntry(c, *e.Transition, names))
		case e.Comment != nil:
			cm := commentOf(*e.Comment)
			if cm.Author == "" {
				cm.Author = names.of(c, e.Comment.AccountID) // a comment shows who wrote it
			}
			out = append(out, timelineEntry{wireComment: &cm, Comment: &cm, Type: "comment",
				Timestamp: cm.Timestamp, SubRequestID: cm.SubRequestID})
		}
	}
	c.replyData(http.StatusOK, out, t)
}

// transitionEntry renders a transition as a timeline entry.
func (k *handler) transitionEntry(c *call, t porting.Transition, names accountNames) timelineEntry {
	return timelineEntry{
		Type: "transition", Timestamp: gregorian(t.At), Transition: &stateChange{New: t.To, Previous: t.From},
		Reason: t.Reason, SubRequestID: t.SubRequestID, Authorization: authorization(c, t.Actor, names),
	}
}

// accountNames remembers the names of the accounts an answer mentions:
// an account's name is given only when the caller can reach that account.
type accountNames map[string]string

// of returns the name of an account ("" when the caller cannot reach it).
func (n accountNames) of(c *call, id string) string {
	if id == "" {
		return ""
	}
	name, ok := n[id]
	if !ok {
		if acct, err := c.k.svc.Account(c.ctx, id); err == nil {
			name = acct.Name
		}
		n[id] = name
	}
	return name
}

// authorization describes the actor of a transition: its account and its
// user, whose first and last names are its display name's first word and
// the rest (its user ID, or its account's name, when it has no name).
func authorization(c *call, a porting.Actor, names accountNames) *authorizationBody {
	var auth authorizationBody
	account := names.of(c, a.AccountID)
	if a.AccountID != "" {
		auth.Account = &named{ID: a.AccountID, Name: account}
	}
	display := a.Name
	if display == "" {
		display = a.UserID
	}
	if display == "" {
		display = account
	}
	first, last, _ := strings.Cut(strings.TrimSpace(display), " ")
	auth.User = &userRef{ID: a.UserID, Name: a.Name, FirstName: first, LastName: strings.TrimSpace(last)}
	return &auth
}
