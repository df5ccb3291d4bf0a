package porting

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// assignNumbers sets the request's numbers and splits them into sub
// requests, one per losing carrier. Numbers already on the request keep
// their carrier; new ones are looked up. A group whose carrier already has
// an editable sub request joins it, keeping its ID, support key and fields;
// new groups get new sub requests in state `state`; editable sub requests
// left without numbers are dropped. Numbers of sub requests that can no
// longer be edited may not be removed.
func (s *Service) assignNumbers(ctx context.Context, r *PortRequest, numbers []parsedNumber, state State, now time.Time) error {
	old := make(map[string]PortNumber, len(r.Numbers))
	for _, n := range r.Numbers {
		old[n.E164] = n
	}
	editable := func(subID string) bool {
		sr := r.SubRequest(subID)
		return sr == nil || sr.State.Editable()
	}
	next := make([]PortNumber, 0, len(numbers))
	kept := make(map[string]bool, len(numbers))
	for _, n := range numbers {
		kept[n.E164] = true
		if pn, ok := old[n.E164]; ok {
			pn.Raw = n.Raw
			pn.Details = n.details
			next = append(next, pn)
			continue
		}
		c, err := s.opt.Carriers.LookupCarrier(ctx, n.Number)
		if err != nil {
			return fmt.Errorf("carrier lookup for %s: %w", n.E164, err)
		}
		if c.Status == "" {
			c.Status = PortabilityPending
		}
		next = append(next, PortNumber{Number: n.Number, Carrier: c.Name, PortabilityStatus: c.Status, Details: n.details})
	}
	var fe fieldErrors
	for _, pn := range r.Numbers { // sorted, so errors come in one order
		if e164 := pn.E164; !kept[e164] && !editable(pn.SubRequestID) {
			sr := r.SubRequest(pn.SubRequestID)
			fe = append(fe, FieldError{Field: "numbers", Value: e164, Index: -1, Code: "forbidden",
				Message: fmt.Sprintf("Number cannot be removed: its sub request %s is %s", sr.SupportKey, sr.State)})
		}
	}
	if err := fe.err(); err != nil {
		return err
	}
	sort.Slice(next, func(i, j int) bool { return next[i].E164 < next[j].E164 })

	// Regroup the numbers of editable sub requests (and new numbers) by
	// carrier; sub requests that can no longer be edited keep theirs.
	byCarrier := make(map[string]string) // carrier -> editable sub request ID
	for _, sr := range r.SubRequests {
		if sr.State.Editable() {
			if _, dup := byCarrier[sr.Carrier]; !dup {
				byCarrier[sr.Carrier] = sr.ID
			}
		}
	}
	used := make(map[string]bool)
	for i := range next {
		pn := &next[i]
		if pn.SubRequestID != "" && !editable(pn.SubRequestID) {
			used[pn.SubRequestID] = true
			continue
		}
		id, ok := byCarrier[pn.Carrier]
		if !ok {
			sr := SubRequest{
				ID: s.opt.IDs.NewID(), SupportKey: s.opt.IDs.NewSupportKey("sr_"),
				State: state, Carrier: pn.Carrier, Created: now, Updated: now,
			}
			r.SubRequests = append(r.SubRequests, sr)
			id = sr.ID
			byCarrier[pn.Carrier] = id
		}
		pn.SubRequestID = id
		used[id] = true
	}
	subs := r.SubRequests[:0]
	for _, sr := range r.SubRequests {
		if used[sr.ID] || !sr.State.Editable() {
			subs = append(subs, sr)
		}
	}
	r.SubRequests = subs
	sort.SliceStable(r.SubRequests, func(i, j int) bool { return r.SubRequests[i].Carrier < r.SubRequests[j].Carrier })
	r.Numbers = next
	return nil
}
