// Package webhook delivers portkit's event log to HTTP endpoints, signed
// as the Standard Webhooks convention has it, at least once, and hands
// submitted port requests off to the party that processes them (Kazoo's
// submitted_port_requests_url).
//
// # Subscriptions
//
// A subscription (porting.Subscription, managed through the
// porting.Service by the account that owns it) names a URL, the account
// whose requests it follows (with its sub-accounts or not), the event
// types it wants, a secret and whether it is enabled. What it receives is
// porting's to decide (porting.Service.MessageFor): the events of the
// requests its account reaches, private comments only when that account
// is their port authority, and never a PIN or an account number.
//
// # Delivery
//
// A Dispatcher runs in every process that shares the store. For each
// subscription it runs a worker, which delivers only while it holds the
// subscription's lease (porting.SubscriptionStore): one process at a
// time delivers a subscription, and another takes over when that one
// dies and its lease runs out. A worker reads the event log after the
// subscription's cursor and, for each event the subscription wants,
// stores a delivery and moves the cursor in one write. Then it POSTs
// each delivery, signed:
//
//	webhook-id: <the event's ID, the same on every attempt>
//	webhook-timestamp: <Unix seconds of the attempt>
//	webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">
//
// with a porting.Message as its JSON body. A 2xx answer delivers it;
// anything else (an error, a timeout, a redirect, which is not followed)
// is tried again after the next wait of the retry schedule (Options.
// Schedule, with jitter, over a day by default), and after the last the
// delivery is kept as failed, visible with its attempts and replayable
// (porting.Service.Redeliver). Within a subscription a request's messages
// go in order: its next one waits until the one before is over; other
// requests' are not held up. Each subscription has its own worker, so a
// slow or dead endpoint delays no other. A crash loses no event: what was
// not recorded as delivered is delivered again, with the same webhook-id,
// which receivers use to drop duplicates.
//
// A change of a subscription applies at once to the events read after it
// (the worker reads the subscription with each batch of events), and its
// URL and secret to the next attempts within Options.Poll, backlog or
// not. A message too large for one write of the store (Badger holds about
// 2 MB) cannot be kept: it is logged and passed over, so that the
// subscription's other messages go on.
//
// # Safety
//
// Connections time out (Options.ConnectTimeout), and so does each whole
// attempt (Options.Timeout); at most Options.MaxResponse bytes of an
// answer are read. Deliveries go only to public addresses: loopback,
// link-local, private, unspecified, multicast, documentation and IANA's
// other special-purpose addresses (in IPv6, anything outside global
// unicast) are refused when the connection is made, on the address the
// name resolved to; an IPv6 address that reaches an IPv4 one (NAT64's
// 64:ff9b::/96, 6to4) is judged by that one, and other tunnels' are
// refused (Options.AllowPrivate lifts this, for tests and on-premise
// endpoints).
//
// # Receivers
//
// A receiver checks each delivery with Verify and the subscription's
// secret, then drops a webhook-id it has handled already; see
// examples/webhookreceiver.
package webhook
