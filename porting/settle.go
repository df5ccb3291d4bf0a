package porting

import (
	"context"
	"errors"
	"fmt"
)

// Money and numbers move only for committed completions. A completion is
// stored first, with an event that carries what it settles (its
// Completions); the Service then bills each one (Charges.Charge) and
// activates its numbers (Inventory.Activate), right after the commit. A
// completion whose settlement did not run or failed (the process died in
// between, billing was down) is settled again from the event log by the
// handler Settlements returns, which a program runs with WatchEvents or
// DeliverEvents. Settling is at least once, and both hooks are
// idempotent by the completion's key, so every committed completion is
// billed exactly once, and no other.

// SettlementConsumer is the event cursor Settlements is meant to run
// under.
const SettlementConsumer = "porting/settlement"

// settle bills and activates committed completions. A failure is logged:
// the completion is settled again from the event log.
func (s *Service) settle(ctx context.Context, cs []Completion) {
	if err := s.settleAll(context.WithoutCancel(ctx), cs); err != nil {
		s.opt.Logger.Error("settling a completion (it will be settled again from the event log)", "err", err)
	}
}

func (s *Service) settleAll(ctx context.Context, cs []Completion) error {
	var errs []error
	for _, c := range cs {
		if err := s.opt.Charges.Charge(ctx, c); err != nil {
			errs = append(errs, fmt.Errorf("charging %s: %w", c.Key, err))
			continue // not activated before it is billed
		}
		if err := s.opt.Inventory.Activate(ctx, c.AccountID, c.Numbers); err != nil {
			errs = append(errs, fmt.Errorf("activating the numbers of %s: %w", c.Key, err))
		}
	}
	return errors.Join(errs...)
}

// Settlements returns the handler that settles, from the event log, every
// completion an event carries: run it under SettlementConsumer, e.g.
//
//	go svc.WatchEvents(porting.AsSystem(ctx), porting.SettlementConsumer, svc.Settlements(), time.Minute)
//
// so that a completion whose settlement a crash or a failure interrupted
// is billed and activated after all. A failure stops delivery; the event
// is settled again at the next try.
func (s *Service) Settlements() EventHandler {
	return EventHandlerFunc(func(ctx context.Context, e Event) error {
		return s.settleAll(ctx, e.Completions)
	})
}
