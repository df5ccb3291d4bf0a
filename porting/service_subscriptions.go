package porting

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on subscriptions.
const (
	// DefaultMaxSubscriptions caps the subscriptions of one account
	// (Options.MaxSubscriptions).
	DefaultMaxSubscriptions = 25
	// MaxURLLength caps a subscription's or a submission URL.
	MaxURLLength = 2048
	// MaxDescriptionLength caps a subscription's description.
	MaxDescriptionLength = 256
)

// Secrets are "whsec_" and the standard base64 of 24 to 64 random bytes,
// as the Standard Webhooks convention has them.
const (
	secretPrefix   = "whsec_"
	minSecretBytes = 24
	maxSecretBytes = 64
)

// NewSecret returns a new subscription secret: "whsec_" and the base64 of
// 24 random bytes.
func NewSecret() string {
	b := make([]byte, minSecretBytes)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("porting: crypto/rand: %v", err))
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

// SecretKey returns the signing key of a secret: the bytes its base64
// encodes, after the "whsec_" prefix (which may be left out).
func SecretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return nil, fmt.Errorf("secret is not base64 after %q: %w", secretPrefix, err)
	}
	if len(key) < minSecretBytes || len(key) > maxSecretBytes {
		return nil, fmt.Errorf("secret holds %d bytes, not %d to %d", len(key), minSecretBytes, maxSecretBytes)
	}
	return key, nil
}

// EventTypes returns every event type, for validating subscriptions and
// documenting them. The slice is the caller's.
func EventTypes() []EventType {
	return []EventType{EventCreated, EventUpdated, EventDeleted, EventTransitioned, EventSent,
		EventSubRequestUpdated, EventCommentAdded, EventAttachmentAdded, EventAttachmentDeleted}
}

// SubscriptionInput is what a client sets on a subscription.
type SubscriptionInput struct {
	URL         string
	Descendants bool
	EventTypes  []EventType
	// Secret is the signing secret; empty draws a new one on creation and
	// keeps the current one on update.
	Secret      string
	Enabled     bool
	Description string
}

// Input returns the subscription's writable fields, for a partial edit
// (its secret included).
func (s *Subscription) Input() SubscriptionInput {
	return SubscriptionInput{URL: s.URL, Descendants: s.Descendants, EventTypes: slices.Clone(s.EventTypes),
		Secret: s.Secret, Enabled: s.Enabled, Description: s.Description}
}

// validateSubscription checks a subscription's input, fields in the
// order url, event_types, secret, description.
func validateSubscription(in *SubscriptionInput) error {
	var fe fieldErrors
	if msg := checkURL(in.URL); msg != "" {
		fe.add("url", in.URL, urlCode(in.URL), msg)
	}
	known := EventTypes()
	seen := map[EventType]bool{}
	var types []EventType
	for i, t := range in.EventTypes {
		if !slices.Contains(known, t) {
			fe = append(fe, FieldError{Field: "event_types", Value: string(t), Index: i, Code: "enum",
				Message: fmt.Sprintf("Unknown event type %q", t)})
			continue
		}
		if !seen[t] {
			seen[t] = true
			types = append(types, t)
		}
	}
	in.EventTypes = types
	if in.Secret != "" {
		if !strings.HasPrefix(in.Secret, secretPrefix) {
			fe.add("secret", "", "format", "A secret starts with "+secretPrefix+" and the base64 of 24 to 64 random bytes")
		} else if _, err := SecretKey(in.Secret); err != nil {
			fe.add("secret", "", "format", "A secret starts with "+secretPrefix+" and the base64 of 24 to 64 random bytes")
		}
	}
	if utf8.RuneCountInString(in.Description) > MaxDescriptionLength {
		fe.tooLong("description", MaxDescriptionLength)
	}
	return fe.err()
}

// checkURL returns what is wrong with an endpoint URL, or "": it must be
// an absolute http or https URL with a host, without credentials or a
// fragment, of at most MaxURLLength bytes. (Where it may point is checked
// when a delivery connects, on the address it resolves to.)
func checkURL(raw string) string {
	if raw == "" {
		return "URL is required"
	}
	if len(raw) > MaxURLLength {
		return fmt.Sprintf("URL must be at most %d bytes", MaxURLLength)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "Not a valid URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "URL must be http or https"
	case u.Host == "" || u.Hostname() == "":
		return "URL must name a host"
	case u.User != nil:
		return "URL must not carry credentials"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "URL must not have a fragment"
	case strings.ContainsAny(raw, " \t\r\n"):
		return "Not a valid URL"
	}
	return ""
}

func urlCode(raw string) string {
	switch {
	case raw == "":
		return "required"
	case len(raw) > MaxURLLength:
		return "maxLength"
	}
	return "format"
}

// managesSubscriptions reports whether the actor may manage the
// subscriptions of an account: create them, read their secrets and
// deliveries, point them elsewhere. A subscription receives what its
// account may see (MessageFor), so the actor must see at least as much:
// it reaches the account and, when that account is a port authority
// (whose subscriptions receive private comments), it is an authority over
// it too. An account above a port authority that is none itself would
// otherwise read, through the authority's webhooks, the private comments
// the API hides from it. ErrNotFound when the account does not exist.
func (s *Service) managesSubscriptions(ctx context.Context, a Actor, accountID string) (bool, error) {
	chain, err := s.accountChain(ctx, accountID)
	if err != nil {
		return false, err
	}
	path := make([]string, len(chain))
	for i, acct := range chain {
		path[len(chain)-1-i] = acct.ID
	}
	if !a.reaches(path) {
		return false, nil
	}
	if !chain[0].PortAuthority {
		return true, nil
	}
	return s.isAuthority(ctx, a, path)
}

// CreateSubscription makes a subscription of an account the actor manages
// (the account itself or an ancestor of it; see managesSubscriptions), at most
// Options.MaxSubscriptions per account. It receives the events written
// from now on. An empty Secret draws one; the answer holds it.
func (s *Service) CreateSubscription(ctx context.Context, accountID string, in SubscriptionInput) (*Subscription, error) {
	ss, err := s.subscriptions()
	if err != nil {
		return nil, err
	}
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	switch ok, err := s.managesSubscriptions(ctx, a, accountID); {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("webhooks of account %s: %w", accountID, ErrForbidden)
	}
	if err := validateSubscription(&in); err != nil {
		return nil, err
	}
	if in.Secret == "" {
		in.Secret = NewSecret()
	}
	now := s.now()
	sub := &Subscription{ID: s.opt.IDs.NewID(), AccountID: accountID, Created: now}
	applySubscription(sub, in, now)
	if err := ss.CreateSubscription(ctx, sub, s.opt.MaxSubscriptions); err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return nil, &ValidationError{Fields: []FieldError{{Field: "subscriptions", Index: -1, Code: "maxItems",
				Limit: tl.Limit, Err: tl, Message: fmt.Sprintf("An account holds at most %d webhooks", tl.Limit)}}}
		}
		return nil, err
	}
	s.notify()
	return sub, nil
}

func applySubscription(sub *Subscription, in SubscriptionInput, now time.Time) {
	sub.URL, sub.Descendants, sub.EventTypes = in.URL, in.Descendants, in.EventTypes
	sub.Enabled, sub.Description = in.Enabled, in.Description
	if in.Secret != "" {
		sub.Secret = in.Secret
	}
	sub.Updated = now
}

// Subscription returns a subscription the actor reaches, its secret
// included; ErrNotFound for one it does not.
func (s *Service) Subscription(ctx context.Context, id string) (*Subscription, error) {
	sub, _, err := s.loadSubscription(ctx, id)
	return sub, err
}

// loadSubscription returns a subscription the actor may manage (see
// managesSubscriptions); ErrNotFound for any other.
func (s *Service) loadSubscription(ctx context.Context, id string) (*Subscription, SubscriptionStore, error) {
	ss, err := s.subscriptions()
	if err != nil {
		return nil, nil, err
	}
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	sub, err := ss.Subscription(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	ok, err := s.managesSubscriptions(ctx, a, sub.AccountID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	if err != nil || !ok {
		return nil, nil, fmt.Errorf("webhook %s: %w", id, ErrNotFound)
	}
	return sub, ss, nil
}

// Subscriptions lists the subscriptions of an account the actor manages,
// by ID, without their secrets. A system admin may list every account's
// with accountID "".
func (s *Service) Subscriptions(ctx context.Context, accountID string) ([]*Subscription, error) {
	ss, err := s.subscriptions()
	if err != nil {
		return nil, err
	}
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if accountID == "" {
		if !a.Admin {
			return nil, fmt.Errorf("listing every account's webhooks: %w", ErrForbidden)
		}
	} else if ok, err := s.managesSubscriptions(ctx, a, accountID); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("webhooks of account %s: %w", accountID, ErrForbidden)
	}
	subs, err := ss.Subscriptions(ctx, accountID)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		sub.Secret = ""
	}
	return subs, nil
}

// UpdateSubscription replaces a subscription's writable fields (an empty
// Secret keeps the current one). rev is the revision the caller read (0:
// any).
func (s *Service) UpdateSubscription(ctx context.Context, id string, rev int64, in SubscriptionInput) (*Subscription, error) {
	if err := validateSubscription(&in); err != nil {
		return nil, err
	}
	var out *Subscription
	err := s.retry(ctx, rev, func() (int64, error) {
		sub, ss, err := s.loadSubscription(ctx, id)
		if err != nil {
			return 0, permanent{err}
		}
		if rev != 0 && sub.Revision != rev {
			return sub.Revision, fmt.Errorf("webhook %s at revision %d, not %d: %w", id, sub.Revision, rev, ErrConflict)
		}
		seen := sub.Revision
		applySubscription(sub, in, s.now())
		if err := ss.UpdateSubscription(ctx, sub); err != nil {
			return seen, err
		}
		out = sub
		return seen, nil
	})
	if err != nil {
		return nil, err
	}
	s.notify()
	return out, nil
}

// DeleteSubscription deletes a subscription with its deliveries. rev is
// the revision the caller read (0: any). It returns the subscription as
// it was.
func (s *Service) DeleteSubscription(ctx context.Context, id string, rev int64) (*Subscription, error) {
	var out *Subscription
	err := s.retry(ctx, rev, func() (int64, error) {
		sub, ss, err := s.loadSubscription(ctx, id)
		if err != nil {
			return 0, permanent{err}
		}
		if rev != 0 && sub.Revision != rev {
			return sub.Revision, fmt.Errorf("webhook %s at revision %d, not %d: %w", id, sub.Revision, rev, ErrConflict)
		}
		if err := ss.DeleteSubscription(ctx, sub); err != nil {
			return sub.Revision, err
		}
		out = sub
		return sub.Revision, nil
	})
	if err != nil {
		return nil, err
	}
	s.notify()
	return out, nil
}

// SubscriptionDeliveries returns one page of a subscription's deliveries,
// newest first, with their attempts.
func (s *Service) SubscriptionDeliveries(ctx context.Context, id string, q DeliveryQuery) (DeliveryPage, error) {
	if q.Status != "" && !q.Status.Valid() {
		return DeliveryPage{}, invalid("status", string(q.Status), "enum", fmt.Sprintf("Unknown delivery status %q", q.Status))
	}
	sub, ss, err := s.loadSubscription(ctx, id)
	if err != nil {
		return DeliveryPage{}, err
	}
	return ss.Deliveries(ctx, sub.ID, q)
}

// Redeliver replays a delivery of a subscription that is over (failed, or
// delivered): it is pending again, attempted at once with the same
// message ID, and the retry schedule starts over. A pending delivery
// cannot be replayed (ErrNotAllowedInState, in a *ValidationError on
// "status").
func (s *Service) Redeliver(ctx context.Context, id, deliveryID string) (*Delivery, error) {
	var out *Delivery
	err := s.retry(ctx, 0, func() (int64, error) {
		sub, ss, err := s.loadSubscription(ctx, id)
		if err != nil {
			return 0, permanent{err}
		}
		d, err := ss.Delivery(ctx, sub.ID, deliveryID)
		if err != nil {
			return 0, permanent{err}
		}
		if d.Status == DeliveryPending {
			return d.Revision, permanent{invalid("status", string(d.Status), "enum", "Only a delivery that is over (failed or delivered) can be replayed")}
		}
		seen, now := d.Revision, s.now()
		d.Status, d.Tries, d.NextAttempt, d.Updated = DeliveryPending, 0, now, now
		if err := ss.UpdateDeliveries(ctx, []*Delivery{d}); err != nil {
			return seen, err
		}
		out = d
		return seen, nil
	})
	if err != nil {
		return nil, err
	}
	s.notify()
	return out, nil
}
