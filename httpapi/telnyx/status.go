package telnyx

import (
	"strings"

	"github.com/portkit/portkit/porting"
)

// statusOf returns the Telnyx v1 sub request status of a state:
//
//	unconfirmed    unassigned
//	submitted      in-process
//	pending        submitted
//	scheduled      foc-date-confirmed
//	completed      ported
//	rejected       exception
//	canceled       cancelled
//	cancel-pending cancel-pending
func statusOf(s porting.State) string {
	switch s {
	case porting.StateUnconfirmed:
		return "unassigned"
	case porting.StateSubmitted:
		return "in-process"
	case porting.StatePending:
		return "submitted"
	case porting.StateScheduled:
		return "foc-date-confirmed"
	case porting.StateCompleted:
		return "ported"
	case porting.StateRejected:
		return "exception"
	case porting.StateCanceled:
		return "cancelled"
	case porting.StateCancelPending:
		return "cancel-pending"
	}
	return ""
}

// reasonOf returns the Telnyx non_portable_reason of a porting reason.
func reasonOf(r porting.NonPortableReason) string {
	if r == porting.ReasonOwned {
		return "telnyx_number" // the platform's own number
	}
	return string(r)
}

// parseSearch interprets a listing's search term: a support key ("pr_…",
// "sr_…") or a partial phone number.
func parseSearch(q *porting.Query, term string) {
	term = strings.TrimSpace(term)
	switch {
	case term == "":
	case len(term) > 3 && (strings.EqualFold(term[:3], "pr_") || strings.EqualFold(term[:3], "sr_")):
		q.SupportKey = strings.ToLower(term)
	default:
		q.NumberContains = digits(term)
		if q.NumberContains == "" {
			q.SupportKey = term // neither a key nor digits: matches nothing
		}
	}
}

// digits keeps the digits of s.
func digits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}
