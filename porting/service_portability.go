package porting

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// NonPortableReason says why a number cannot be ported in.
type NonPortableReason string

// Reasons a number is not portable.
const (
	ReasonInvalidNumber      NonPortableReason = "invalid_phone_number"
	ReasonLRNNotFound        NonPortableReason = "lrn_data_not_found"
	ReasonNoCoverage         NonPortableReason = "no_coverage"
	ReasonAlreadyBeingPorted NonPortableReason = "already_being_ported"
	// ReasonOwned: the platform already has the number.
	ReasonOwned NonPortableReason = "owned"
)

// PortabilityResult is the verdict on one number.
type PortabilityResult struct {
	Number      Number
	Portable    bool
	Status      PortabilityStatus
	CarrierName string
	// Reason is empty when the number is portable.
	Reason NonPortableReason
	// RequestID is the request already porting the number, for
	// already_being_ported, when the actor can reach that request (the
	// IDs of other accounts' requests are not shown).
	RequestID string
}

// checkChunk is how many numbers one worker of a portability check takes
// at a time.
const checkChunk = 256

// CheckPortability says, for each number in order, whether it can be
// ported in: it must be valid, in the platform's service area, on no active
// port request and not the platform's already. Up to MaxNumbers numbers per
// call; the work is spread over every CPU.
func (s *Service) CheckPortability(ctx context.Context, raws []string) ([]PortabilityResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if len(raws) == 0 {
		return nil, invalid("phone_numbers", "", "minItems", "At least one phone number is required")
	}
	if len(raws) > s.opt.MaxNumbers {
		return nil, &ValidationError{Fields: []FieldError{{
			Field: "phone_numbers", Index: -1, Code: "maxItems",
			Message: fmt.Sprintf("At most %d phone numbers may be checked at once", s.opt.MaxNumbers),
			Err:     &TooLargeError{What: "phone_numbers", Limit: int64(s.opt.MaxNumbers)},
		}}}
	}
	out := make([]PortabilityResult, len(raws))
	if err := s.parallel(ctx, len(raws), func(lo, hi int) error {
		return s.checkRange(ctx, a, raws[lo:hi], out[lo:hi])
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// checkRange checks a slice of numbers into out.
func (s *Service) checkRange(ctx context.Context, a Actor, raws []string, out []PortabilityResult) error {
	e164s := make([]string, 0, len(raws))
	for i, raw := range raws {
		res := &out[i]
		res.Number = s.opt.Numbers.Parse(raw)
		res.Status = PortabilityPending
		switch {
		case !res.Number.Valid:
			res.Reason = ReasonInvalidNumber
			continue
		case !s.opt.ServiceArea.Serves(res.Number):
			res.Reason = ReasonNoCoverage
			continue
		}
		c, err := s.opt.Carriers.LookupCarrier(ctx, res.Number)
		if err != nil {
			return fmt.Errorf("carrier lookup for %s: %w", res.Number.E164, err)
		}
		res.CarrierName = c.Name
		if c.Status != "" {
			res.Status = c.Status
		}
		e164s = append(e164s, res.Number.E164)
	}
	claims, err := s.store.ClaimedNumbers(ctx, e164s)
	if err != nil {
		return err
	}
	visible := make(map[string]bool) // request ID -> the actor reaches it
	for i := range out {
		res := &out[i]
		if res.Reason != "" {
			continue
		}
		if c, ok := claims[res.Number.E164]; ok {
			if c.Completed {
				res.Reason = ReasonOwned
				continue
			}
			res.Reason = ReasonAlreadyBeingPorted
			see, known := visible[c.RequestID]
			if !known {
				see = a.Admin
				if !see {
					r, err := s.store.Request(ctx, c.RequestID)
					if err != nil && !errors.Is(err, ErrNotFound) {
						return err
					}
					see = err == nil && a.reaches(r.AccountPath)
				}
				visible[c.RequestID] = see
			}
			if see {
				res.RequestID = c.RequestID
			}
			continue
		}
		_, owned, err := s.opt.Inventory.Owner(ctx, res.Number.E164)
		if err != nil {
			return err
		}
		if owned {
			res.Reason = ReasonOwned
			continue
		}
		res.Portable = true
	}
	return nil
}

// parallel runs work over [0, n) in chunks, on up to GOMAXPROCS
// goroutines, and returns the first error.
func (s *Service) parallel(ctx context.Context, n int, work func(lo, hi int) error) error {
	workers := min(runtime.GOMAXPROCS(0), (n+checkChunk-1)/checkChunk)
	if workers <= 1 {
		return work(0, n)
	}
	var (
		mu       sync.Mutex
		next     int
		firstErr error
		wg       sync.WaitGroup
	)
	take := func() (int, int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= n || firstErr != nil || ctx.Err() != nil {
			return 0, 0, false
		}
		lo := next
		next = min(n, next+checkChunk)
		return lo, next, true
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo, hi, ok := take()
				if !ok {
					return
				}
				if err := work(lo, hi); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
