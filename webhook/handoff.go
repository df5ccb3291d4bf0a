package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/portkit/portkit/porting"
)

// The hand-off, as Kazoo does it: when a request is submitted and its
// account (or the nearest account above it) names a submission URL, the
// request is POSTed to {url}/{id}, and each of its attachments to
// {url}/{id}/{name}; once every one is accepted (2xx) the request is
// marked sent (porting.Service.MarkSent). Resubmitting it sets sent back
// to false (porting's rule), and it is handed off again. It is one more
// delivery stream (HandOffStream), with the same cursor, lease, retry
// schedule and record of attempts as a subscription's; its body is
// built at each attempt from the request as it stands, and an attempt
// that finds the request no longer waiting (sent already, moved on,
// deleted) ends the delivery without sending.

// handOffDelivery returns the hand-off delivery of e, if e submitted a
// request whose account has a submission URL.
func (d *Dispatcher) handOffDelivery(ctx context.Context, e porting.Event) (*porting.Delivery, bool, error) {
	if e.Type != porting.EventTransitioned || e.State != porting.StateSubmitted || e.PreviousState == porting.StateSubmitted {
		return nil, false, nil
	}
	r, err := d.svc.Get(ctx, e.RequestID)
	if errors.Is(err, porting.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	u, err := d.svc.HandOffURL(ctx, r)
	if err != nil || u == "" {
		return nil, false, err
	}
	now := d.now()
	return &porting.Delivery{
		Stream: HandOffStream, Seq: e.Seq, ID: e.ID, EventType: e.Type, RequestID: e.RequestID,
		NextAttempt: now, Created: now, Updated: now,
	}, true, nil
}

// handOffAttempt hands a submitted request off. skip is true when there
// was nothing to send (the attempt's Response says why).
func (d *Dispatcher) handOffAttempt(ctx context.Context, dl *porting.Delivery) (a porting.Attempt, skip bool) {
	nothing := func(why string) (porting.Attempt, bool) {
		return porting.Attempt{At: d.now(), Response: "not handed off: " + why}, true
	}
	fail := func(err error) (porting.Attempt, bool) {
		return porting.Attempt{At: d.now(), Error: err.Error()}, false
	}
	r, err := d.svc.Get(ctx, dl.RequestID)
	switch {
	case errors.Is(err, porting.ErrNotFound):
		return nothing("the request was deleted")
	case err != nil:
		return fail(err)
	case r.State != porting.StateSubmitted:
		return nothing("the request is " + string(r.State) + " now")
	case r.Sent:
		return nothing("the request was sent already")
	}
	base, err := d.svc.HandOffURL(ctx, r)
	if err != nil {
		return fail(err)
	}
	if base == "" {
		return nothing("no account names a submission URL any more")
	}
	base = strings.TrimRight(base, "/") + "/" + url.PathEscape(r.ID)
	body, err := d.opt.HandOffBody(r)
	if err != nil {
		return fail(fmt.Errorf("rendering the request: %w", err))
	}
	a = d.post(ctx, base, d.handOffHeaders(dl.ID, body), "application/json", body)
	if a.Error != "" {
		return a, false
	}
	for _, att := range r.Attachments {
		_, data, err := d.svc.Attachment(ctx, r.ID, att.ID)
		if err != nil {
			a.Error = fmt.Sprintf("reading attachment %s: %v", att.Name, err)
			return a, false
		}
		aa := d.post(ctx, base+"/"+url.PathEscape(att.Name), d.handOffHeaders(dl.ID+"/"+att.ID, data), att.ContentType, data)
		if aa.Error != "" {
			aa.Error = "attachment " + att.Name + ": " + aa.Error
			aa.At = a.At
			return aa, false
		}
	}
	if _, err := d.svc.MarkSent(ctx, r.ID, 0); err != nil && !errors.Is(err, porting.ErrValidation) {
		// (A validation error: the request moved on meanwhile.)
		a.Error = "marking the request sent: " + err.Error()
	}
	return a, false
}

// handOffHeaders identifies (and, with a secret, signs) one POST of a
// hand-off.
func (d *Dispatcher) handOffHeaders(id string, body []byte) http.Header {
	if d.opt.HandOffSecret != "" {
		if h, err := Sign(d.opt.HandOffSecret, id, d.now(), body); err == nil {
			return h
		}
	}
	h := http.Header{}
	h.Set(HeaderID, id)
	return h
}
