package kazoo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/portkit/portkit/porting"
)

// port_webhooks is a portkit extension of the Kazoo dialect: an account's
// subscriptions to its port requests' events (package webhook delivers
// them), managed by the account and those above it:
//
//	GET    port_webhooks                                   list (no secrets)
//	PUT    port_webhooks                                   create: 201, with the secret
//	GET    port_webhooks/{webhook}                         one, with its secret
//	POST   port_webhooks/{webhook}                         replace
//	PATCH  port_webhooks/{webhook}                         merge
//	DELETE port_webhooks/{webhook}
//	POST   port_webhooks/{webhook}/test                    send a test message now
//	GET    port_webhooks/{webhook}/deliveries              deliveries and their attempts, newest first
//	POST   port_webhooks/{webhook}/deliveries/{delivery}/replay
//
// A webhook is addressed under its own account: under another, it is
// not found.

// WebhookTester sends a subscription a test message now and returns the
// attempt: webhook.Dispatcher is one.
type WebhookTester interface {
	Test(ctx context.Context, sub *porting.Subscription) (porting.Attempt, error)
}

// wireWebhook is a subscription on the wire.
type wireWebhook struct {
	AccountID   string   `json:"account_id"`
	Created     int64    `json:"created"`
	Descendants bool     `json:"descendants"`
	Description string   `json:"description,omitempty"`
	Enabled     bool     `json:"enabled"`
	EventTypes  []string `json:"event_types"`
	ID          string   `json:"id"`
	Secret      string   `json:"secret,omitempty"`
	Updated     int64    `json:"updated"`
	URL         string   `json:"url"`
}

func webhookOf(s *porting.Subscription) wireWebhook {
	types := make([]string, 0, len(s.EventTypes))
	for _, t := range s.EventTypes {
		types = append(types, string(t))
	}
	return wireWebhook{AccountID: s.AccountID, Created: gregorian(s.Created), Descendants: s.Descendants,
		Description: s.Description, Enabled: s.Enabled, EventTypes: types, ID: s.ID, Secret: s.Secret,
		Updated: gregorian(s.Updated), URL: s.URL}
}

// wireAttempt is one attempt of a delivery.
type wireAttempt struct {
	DurationMS float64 `json:"duration_ms"`
	Error      string  `json:"error,omitempty"`
	Response   string  `json:"response,omitempty"`
	StatusCode int     `json:"status_code,omitempty"`
	Timestamp  int64   `json:"timestamp"`
}

func attemptOf(a porting.Attempt) wireAttempt {
	return wireAttempt{DurationMS: float64(a.Duration.Microseconds()) / 1000, Error: a.Error, Response: a.Response,
		StatusCode: a.StatusCode, Timestamp: gregorian(a.At)}
}

// wireDelivery is a delivery on the wire.
type wireDelivery struct {
	AttemptCount int             `json:"attempt_count"`
	Attempts     []wireAttempt   `json:"attempts"`
	Created      int64           `json:"created"`
	EventType    string          `json:"event_type"`
	ID           string          `json:"id"`
	NextAttempt  int64           `json:"next_attempt,omitempty"`
	Payload      json.RawMessage `json:"payload,omitempty"`
	RequestID    string          `json:"request_id"`
	Seq          uint64          `json:"seq"`
	Status       string          `json:"status"`
	Updated      int64           `json:"updated"`
}

func deliveryOf(d *porting.Delivery) wireDelivery {
	out := wireDelivery{AttemptCount: d.AttemptCount, Attempts: make([]wireAttempt, 0, len(d.Attempts)),
		Created: gregorian(d.Created), EventType: string(d.EventType), ID: d.ID, Payload: d.Payload,
		RequestID: d.RequestID, Seq: d.Seq, Status: string(d.Status), Updated: gregorian(d.Updated)}
	for _, a := range d.Attempts {
		out.Attempts = append(out.Attempts, attemptOf(a))
	}
	if d.Status == porting.DeliveryPending && !d.NextAttempt.IsZero() {
		out.NextAttempt = gregorian(d.NextAttempt)
	}
	return out
}

// webhookTail is the tail of an answer about a subscription.
func webhookTail(s *porting.Subscription) tail { return tail{revision: revisionOf(s.ID, s.Revision)} }

// listWebhooks: GET port_webhooks.
func (k *handler) listWebhooks(c *call) {
	subs, err := k.svc.Subscriptions(c.ctx, c.account.ID)
	if err != nil {
		c.fail(err)
		return
	}
	out := make([]wireWebhook, 0, len(subs))
	for _, s := range subs {
		out = append(out, webhookOf(s))
	}
	c.replyData(http.StatusOK, out, tail{})
}

// createWebhook: PUT port_webhooks with {"data": {...}}.
func (k *handler) createWebhook(c *call) {
	members, ok := c.data()
	if !ok {
		return
	}
	in, err := webhookInput(porting.SubscriptionInput{Enabled: true}, members)
	if err != nil {
		c.fail(err)
		return
	}
	s, err := k.svc.CreateSubscription(c.ctx, c.account.ID, in)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyData(http.StatusCreated, webhookOf(s), webhookTail(s))
}

// webhook loads the URL's subscription, which must be the URL account's
// own; on failure it answers and reports false.
func (c *call) webhook() (*porting.Subscription, bool) {
	s, err := c.k.svc.Subscription(c.ctx, c.r.PathValue("webhook"))
	if err == nil && s.AccountID != c.account.ID {
		err = fmt.Errorf("webhook %s is not account %s's: %w", s.ID, c.account.ID, porting.ErrNotFound)
	}
	if err != nil {
		c.fail(err)
		return nil, false
	}
	return s, true
}

// getWebhook: GET port_webhooks/{webhook}.
func (k *handler) getWebhook(c *call) {
	if s, ok := c.webhook(); ok {
		c.replyData(http.StatusOK, webhookOf(s), webhookTail(s))
	}
}

// editWebhook: POST port_webhooks/{webhook} replaces the writable fields
// (enabled is true unless sent; an absent secret is kept).
func (k *handler) editWebhook(c *call) {
	k.writeWebhook(c, func(*porting.Subscription) porting.SubscriptionInput {
		return porting.SubscriptionInput{Enabled: true}
	})
}

// patchWebhook: PATCH port_webhooks/{webhook} merges the data over the
// subscription.
func (k *handler) patchWebhook(c *call) {
	k.writeWebhook(c, func(s *porting.Subscription) porting.SubscriptionInput {
		in := s.Input()
		in.Secret = "" // kept unless sent
		return in
	})
}

// mergeTries bounds how often a write without If-Match is merged again
// over fresh data after another write came first.
const mergeTries = 10

// writeWebhook updates the URL's subscription from the body's data over
// base, at the revision the client read (If-Match). Without If-Match,
// the data is merged over the subscription as the write finds it: the
// write is made at the revision merged over, and merged again over fresh
// data when another write came first (a PATCH of another field is never
// undone by a merge over a stale read).
func (k *handler) writeWebhook(c *call, base func(*porting.Subscription) porting.SubscriptionInput) {
	s, ok := c.webhook()
	if !ok {
		return
	}
	rev, err := c.ifMatch(s.ID)
	if err != nil {
		c.fail(err)
		return
	}
	members, ok := c.data()
	if !ok {
		return
	}
	for try := 1; ; try++ {
		if rev != 0 && s.Revision != rev {
			c.fail(fmt.Errorf("webhook %s at revision %d, not %d: %w", s.ID, s.Revision, rev, porting.ErrConflict))
			return
		}
		in, err := webhookInput(base(s), members)
		if err != nil {
			c.fail(err)
			return
		}
		out, err := k.svc.UpdateSubscription(c.ctx, s.ID, s.Revision, in)
		if rev == 0 && errors.Is(err, porting.ErrConflict) && try < mergeTries {
			if s, ok = c.webhook(); !ok {
				return
			}
			continue
		}
		if err != nil {
			c.fail(err)
			return
		}
		c.replyData(http.StatusOK, webhookOf(out), webhookTail(out))
		return
	}
}

// deleteWebhook: DELETE port_webhooks/{webhook} answers the deleted
// subscription (without its secret).
func (k *handler) deleteWebhook(c *call) {
	s, ok := c.webhook()
	if !ok {
		return
	}
	rev, err := c.ifMatch(s.ID)
	if err != nil {
		c.fail(err)
		return
	}
	s, err = k.svc.DeleteSubscription(c.ctx, s.ID, rev)
	if err != nil {
		c.fail(err)
		return
	}
	s.Secret = ""
	c.replyData(http.StatusOK, webhookOf(s), tail{})
}

// testWebhook: POST port_webhooks/{webhook}/test sends a test message and
// answers the attempt: 200 whatever the endpoint answered (delivered
// says whether it accepted it); 501 when no tester is configured.
func (k *handler) testWebhook(c *call) {
	s, ok := c.webhook()
	if !ok {
		return
	}
	if k.webhooks == nil {
		c.failWith(http.StatusNotImplemented, "webhook deliveries are not configured", nil)
		return
	}
	a, err := k.webhooks.Test(c.ctx, s)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyData(http.StatusOK, struct {
		Attempt   wireAttempt `json:"attempt"`
		Delivered bool        `json:"delivered"`
	}{attemptOf(a), a.Error == ""}, tail{})
}

// webhookDeliveries: GET port_webhooks/{webhook}/deliveries, newest
// first, paged (page_size, start_key), ?status= pending, delivered or
// failed.
func (k *handler) webhookDeliveries(c *call) {
	s, ok := c.webhook()
	if !ok {
		return
	}
	qs := c.r.URL.Query()
	limit, cursor, err := pageOf(qs, porting.DefaultPageSize)
	if err != nil {
		c.fail(err)
		return
	}
	page, err := k.svc.SubscriptionDeliveries(c.ctx, s.ID, porting.DeliveryQuery{
		Status: porting.DeliveryStatus(qs.Get("status")), Cursor: cursor, Limit: limit})
	if err != nil {
		c.failRenamed(err, queryFields)
		return
	}
	out := make([]wireDelivery, 0, len(page.Deliveries))
	for _, d := range page.Deliveries {
		out = append(out, deliveryOf(d))
	}
	c.replyData(http.StatusOK, out, tail{paged: true, pageSize: len(out), startKey: cursor, nextStartKey: page.Next})
}

// replayDelivery: POST port_webhooks/{webhook}/deliveries/{delivery}/replay
// makes a delivery that is over pending again, with its message ID.
func (k *handler) replayDelivery(c *call) {
	s, ok := c.webhook()
	if !ok {
		return
	}
	d, err := k.svc.Redeliver(c.ctx, s.ID, c.r.PathValue("delivery"))
	if err != nil {
		c.fail(err)
		return
	}
	c.replyData(http.StatusOK, deliveryOf(d), tail{})
}

// webhookInput applies the data's members over in. Read-only and
// unknown keys are ignored.
func webhookInput(in porting.SubscriptionInput, members []member) (porting.SubscriptionInput, error) {
	var d inputDecoder
	for _, m := range members {
		switch m.key {
		case "url":
			d.str(m.key, m.val, &in.URL)
		case "description":
			d.str(m.key, m.val, &in.Description)
		case "secret":
			d.str(m.key, m.val, &in.Secret)
		case "descendants":
			in.Descendants = d.bool(m.key, m.val)
		case "enabled":
			in.Enabled = m.null() || d.bool(m.key, m.val)
		case "event_types":
			in.EventTypes = nil
			if m.null() {
				continue
			}
			var types []string
			if len(m.val) == 0 || m.val[0] != '[' || json.Unmarshal(m.val, &types) != nil {
				d.errs.add("event_types", "type", "", "event_types must be a list of strings")
				continue
			}
			for _, t := range types {
				in.EventTypes = append(in.EventTypes, porting.EventType(t))
			}
		}
	}
	return in, d.errs.err()
}
