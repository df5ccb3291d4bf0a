// Package porting is portkit's domain: everything a platform needs to move
// telephone numbers in from their losing carriers, with every rule of
// number porting in one place. The dialects in httpapi translate wire
// formats to and from this package and decide nothing themselves; a
// program that embeds portkit calls the same Service they do.
//
// # Accounts and port authorities
//
// Accounts form a tree (Account.ParentID). A request belongs to one
// account, and is reached by that account and by every account above it.
// An account marked PortAuthority processes the port requests of its own
// account and of every account below it: it moves them through the
// lifecycle, reads their private comments, and is the only one but a
// system administrator (Actor.Admin) who may; the nearest one at or above
// an account is the one its customers are shown (Service.PortAuthority).
// Every Service method acts
// for an Actor carried by the context (WithActor, AsSystem); a request an
// actor cannot reach is reported as not found, so IDs do not leak.
//
// # Requests and sub requests
//
// A PortRequest asks to move a set of numbers. Numbers are normalised to
// E.164 (NumberParser) and split into SubRequests, one per losing carrier
// (CarrierLookup), since each carrier needs its own Letter of
// Authorization, FOC date and order. A sub request carries the
// per-carrier fields (billing identity, address, PIN, porting option);
// where it leaves one empty, the request's field stands in
// (PortRequest.Effective). The request's own state is derived from its sub
// requests' (DeriveState); a whole-request transition moves every open
// sub request at once, atomically.
//
// A number is claimed by at most one active request at a time, and a
// number a completed port brought in is the platform's: the Store enforces
// both atomically, however many callers race.
//
// # The lifecycle
//
// States and who may make each move (Lifecycle.Who):
//
//	to              from                                          who
//	submitted       unconfirmed, rejected                         anyone
//	pending         submitted                                     authority
//	scheduled       pending (submitted with SkipPending)          authority
//	completed       pending, scheduled, rejected                  authority
//	rejected        submitted, pending, scheduled                 authority
//	canceled        unconfirmed                                   anyone
//	canceled        submitted, pending, scheduled, rejected,
//	                cancel-pending                                authority
//	cancel-pending  submitted, pending, scheduled, rejected       anyone
//
// "Anyone" is any actor who reaches the request; "authority" its port
// authority or a system administrator. A state never moves to itself, and
// nothing leaves completed or canceled. cancel-pending exists only on sub
// requests: a cancellation was asked for (RequestCancellation) and awaits
// the authority, who confirms it (canceled), refuses it (back to the state
// it was in) or moves on as that state would. Any other move is a
// *ValidationError on the field "port_state" wrapping a *TransitionError.
//
// Entering a state applies its rules: submitted asks Charges for a quote,
// which the caller must accept (*ChargesError); scheduled needs the
// confirmed FOC date, which the sub requests hold (SubRequest.FOCDate;
// PortRequest.ScheduledDate derives from them); rejected drops the FOC
// date; completed bills the port and activates the numbers in the
// platform's Inventory. Fields may be edited only while a request is
// unconfirmed or rejected (State.Editable); a transition may carry the few
// fields that change in any state (winning carrier, reference number,
// dates, notifications).
//
// # Writes, revisions and errors
//
// Every write takes the revision the caller read right after the IDs it
// names (rev); a stale one fails with ErrConflict and changes nothing.
// rev 0 asks for no check: the Service then retries a write that lost a
// race on fresh data, checking every rule again. Errors match the
// sentinels of this package with errors.Is (ErrNotFound, ErrConflict,
// ErrForbidden, ErrValidation...) and carry details in typed errors
// reached with errors.As (*ValidationError, *TransitionError,
// *NumberOnRequestError, *ChargesError...). A *ValidationError lists every
// problem of one input, in a fixed order, each with a field, a code and
// porting's own message; a dialect renders its own words from those.
//
// # Events
//
// Every change is also an Event, written by the Store in the same
// transaction as the change: creations, edits, transitions, comments,
// attachments, deletions. Events are numbered in commit order; a reader
// that follows the last number it saw never misses one (Store.Events).
// DeliverEvents and WatchEvents hand them to an EventHandler at least
// once, with a durable cursor per consumer; WatchEvents backs off while its
// handler fails.
//
// Events leave the process by the privacy rule of the API (MessageFor): a
// subscriber acting as an account receives the events of the requests that
// account reaches, private comments only as their port authority, and
// never a PIN. Subscriptions (webhooks) and the state of their delivery
// are kept by a Store that implements the optional SubscriptionStore;
// package webhook delivers them, and package notify emails.
//
// # Hooks
//
// The Service's surroundings are injected through Options: the Clock and
// the IDSource (so tests are deterministic), the NumberParser, the
// CarrierLookup, the Inventory, Charges, the ServiceArea, the business-day
// Calendar and the FOCPolicy. Each has a working default. Storage is a
// Store: store/memory and store/badger implement it, and the conformance
// suite in store/storetest proves any other.
package porting
