package porting

import (
	"context"
	"fmt"
	"time"
)

// eventBatch is how many events DeliverEvents reads at a time.
const eventBatch = 256

// Events returns up to limit events after seq, for system admins.
func (s *Service) Events(ctx context.Context, after uint64, limit int) ([]Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Admin {
		return nil, fmt.Errorf("reading the event log: %w", ErrForbidden)
	}
	return s.store.Events(ctx, after, limit)
}

// DeliverEvents hands every event after the consumer's saved cursor to h,
// in order, saving the cursor after each one h accepts. It returns how
// many were delivered, and stops at the first error. Delivery is at least
// once: an event whose cursor was not saved (the process died, or h
// failed) is delivered again next time. It is for system admins.
func (s *Service) DeliverEvents(ctx context.Context, consumer string, h EventHandler) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if !a.Admin {
		return 0, fmt.Errorf("delivering events: %w", ErrForbidden)
	}
	cursor, err := s.store.EventCursor(ctx, consumer)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		events, err := s.store.Events(ctx, cursor, eventBatch)
		if err != nil || len(events) == 0 {
			return n, err
		}
		for _, e := range events {
			if err := h.HandleEvent(ctx, e); err != nil {
				return n, fmt.Errorf("event %d (%s): %w", e.Seq, e.Type, err)
			}
			cursor = e.Seq
			if err := s.store.SetEventCursor(ctx, consumer, cursor); err != nil {
				return n, err
			}
			n++
		}
	}
}

// WatchEvents delivers events to h as they are written, until ctx ends.
// It wakes on every write of this Service, on every notification of a
// store that is an EventNotifier (writes of other processes), and at least
// every poll (for writes it did not see). A handler error is logged and
// delivery retried after a backoff (Options.WatchBackoff, on the Clock),
// during which writes do not wake it: a handler that keeps failing is not
// called on every write and every poll. The first success resets the
// backoff.
func (s *Service) WatchEvents(ctx context.Context, consumer string, h EventHandler, poll time.Duration) error {
	// Refuse at once rather than log the same refusal at every wake.
	if a, err := actor(ctx); err != nil {
		return err
	} else if !a.Admin {
		return fmt.Errorf("watching events: %w", ErrForbidden)
	}
	if poll <= 0 {
		poll = time.Second
	}
	t := time.NewTicker(poll) // real time: it is for writes of other processes
	defer t.Stop()
	var written <-chan struct{} // nil, never ready, without a notifier
	if n, ok := s.store.(EventNotifier); ok {
		written = n.NotifyEvents(ctx)
	}
	failures := 0
	for {
		wake := s.woken()
		_, err := s.DeliverEvents(ctx, consumer, h)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failures++
			delay := s.opt.WatchBackoff.Delay(failures)
			s.opt.Logger.Error("delivering events", "consumer", consumer, "err", err, "failures", failures, "retry_in", delay)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-After(s.opt.Clock, delay):
			}
			continue
		}
		failures = 0
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		case <-written:
		case <-t.C:
		}
	}
}
