package porting

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"time"
)

// PortRequest is a request to move numbers from their losing carriers into
// the platform. It carries every field of both the Kazoo and the Telnyx
// documents: the Kazoo fields at the top, the Telnyx per-carrier fields on
// its SubRequests. Its State is derived from the sub requests (see
// DeriveState).
//
// A PortRequest returned by the Service or a Store is the caller's own copy.
type PortRequest struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	// AccountPath lists the account's ancestors, root first, ending with
	// AccountID itself. It is fixed when the request is created.
	AccountPath []string `json:"account_path"`
	// SupportKey is "pr_" and 6 hex digits, for humans talking to support.
	SupportKey string `json:"support_key"`
	Name       string `json:"name"`
	// State is derived from the sub requests' states on every change.
	State State `json:"state"`
	// Numbers are the numbers to port, sorted by E.164.
	Numbers []PortNumber `json:"numbers"`
	Bill    Bill         `json:"bill,omitzero"`
	// Carrier is the losing carrier as the customer named it (Kazoo's
	// "carrier"); the per-number carrier comes from the CarrierLookup.
	Carrier         string        `json:"carrier,omitempty"`
	WinningCarrier  string        `json:"winning_carrier,omitempty"`
	ReferenceNumber string        `json:"reference_number,omitempty"`
	TransferDate    time.Time     `json:"transfer_date,omitzero"` // requested by the customer
	SigneeName      string        `json:"signee_name,omitempty"`
	SigningDate     time.Time     `json:"signing_date,omitzero"`
	Notifications   Notifications `json:"notifications,omitzero"`
	// Quote is the charge the customer accepted on submission, if the
	// port was not free.
	Quote *Quote `json:"quote,omitempty"`
	// Sent reports whether the submitted request has been handed to the
	// party that processes it (see Service.MarkSent).
	Sent bool `json:"sent,omitempty"`
	// Extra keeps the fields a client sent that portkit does not know, so
	// they round-trip.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`

	SubRequests []SubRequest `json:"sub_requests"`
	// Attachments are sorted by name.
	Attachments []Attachment `json:"attachments,omitempty"`
	// CommentCount is how many comments the request has. The comments
	// themselves, and the transitions, are kept apart from the request, in
	// its timeline (Service.Timeline), so that adding one costs the same
	// however many there are.
	CommentCount int `json:"comment_count,omitempty"`

	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Revision counts the writes of the request, from 1. A write that
	// names a revision other than the stored one fails with ErrConflict.
	Revision int64 `json:"revision"`
}

// PortabilityStatus says how sure portkit is of a number's losing carrier.
type PortabilityStatus string

// Portability statuses: confirmed when the carrier came from an
// authoritative source (a loaded table, an LNP dip), provisional when it was
// inferred from the numbering plan's range holder, pending when unknown.
const (
	PortabilityPending     PortabilityStatus = "pending"
	PortabilityConfirmed   PortabilityStatus = "confirmed"
	PortabilityProvisional PortabilityStatus = "provisional"
)

// PortNumber is one number on a port request.
type PortNumber struct {
	Number
	// Carrier is the losing carrier of this number ("" when unknown).
	Carrier           string            `json:"carrier,omitempty"`
	PortabilityStatus PortabilityStatus `json:"portability_status,omitempty"`
	// SubRequestID is the sub request the number belongs to.
	SubRequestID string `json:"sub_request_id,omitempty"`
	// Details is the free per-number object of the Kazoo document (a JSON
	// object), kept as sent.
	Details json.RawMessage `json:"details,omitempty"`
}

// Bill is the billing identity of the end customer at the losing carrier
// (Kazoo's "bill"). It must match the carrier's customer service record.
type Bill struct {
	Name            string `json:"name,omitempty"`
	StreetNumber    string `json:"street_number,omitempty"`
	StreetPreDir    string `json:"street_pre_dir,omitempty"`
	StreetAddress   string `json:"street_address,omitempty"`
	StreetType      string `json:"street_type,omitempty"`
	StreetPostDir   string `json:"street_post_dir,omitempty"`
	ExtendedAddress string `json:"extended_address,omitempty"`
	Locality        string `json:"locality,omitempty"`
	Region          string `json:"region,omitempty"`
	PostalCode      string `json:"postal_code,omitempty"`
	Country         string `json:"country,omitempty"`
	AccountNumber   string `json:"account_number,omitempty"`
	PIN             string `json:"pin,omitempty"`
	BTN             string `json:"btn,omitempty"`
	Carrier         string `json:"carrier,omitempty"`
	// Extra keeps unknown bill fields (older clients send "address").
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// Street returns the first address line assembled from its parts:
// number, pre-direction, street, type, post-direction.
func (b Bill) Street() string {
	return joinNonEmpty(" ", b.StreetNumber, b.StreetPreDir, b.StreetAddress, b.StreetType, b.StreetPostDir)
}

// Notifications says who hears about the request.
type Notifications struct {
	EmailSendTo []string `json:"email_send_to,omitempty"`
}

// Document types of attachments (Telnyx supporting documents).
const (
	DocumentLOA     = "loa"
	DocumentInvoice = "invoice"
	DocumentCSR     = "csr"
	DocumentOther   = "other"
)

// Attachment describes a file attached to a request (Kazoo "uploads",
// Telnyx "supporting documents"). The bytes live in the Store.
type Attachment struct {
	// ID identifies the attachment across renames (the Telnyx document id).
	ID string `json:"id"`
	// Name is unique within the request (the Kazoo attachment id).
	Name         string    `json:"name"`
	ContentType  string    `json:"content_type"`
	Length       int64     `json:"length"`
	DocumentType string    `json:"document_type"`
	Created      time.Time `json:"created"`
	// ContentID names this version of the bytes in the Store; it changes
	// whenever the content is replaced.
	ContentID string `json:"content_id"`
}

// Comment is a note on a request, append-only.
type Comment struct {
	ID        string `json:"id"`
	Body      string `json:"body"`
	Author    string `json:"author,omitempty"`
	AccountID string `json:"account_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	// SubRequestID is set when the comment is about one sub request.
	SubRequestID string `json:"sub_request_id,omitempty"`
	// Private comments are seen only by port authorities.
	Private        bool      `json:"private,omitempty"`
	ActionRequired bool      `json:"action_required,omitempty"`
	Created        time.Time `json:"created"`
}

// Transition records one state change.
type Transition struct {
	At time.Time `json:"at"`
	// SubRequestID is empty for a whole-request transition.
	SubRequestID string `json:"sub_request_id,omitempty"`
	From         State  `json:"from"`
	To           State  `json:"to"`
	Reason       string `json:"reason,omitempty"`
	Actor        Actor  `json:"actor"`
}

// Number returns the port number with the given E.164 form.
func (r *PortRequest) Number(e164 string) (*PortNumber, bool) {
	i, ok := sort.Find(len(r.Numbers), func(i int) int { return cmpString(e164, r.Numbers[i].E164) })
	if !ok {
		return nil, false
	}
	return &r.Numbers[i], true
}

// E164s returns the request's numbers in E.164 form, sorted.
func (r *PortRequest) E164s() []string {
	out := make([]string, len(r.Numbers))
	for i, n := range r.Numbers {
		out[i] = n.E164
	}
	return out
}

// ScheduledDate returns the request's confirmed FOC date (Kazoo's
// scheduled_date). The sub requests hold the FOC dates, one per losing
// carrier (SubRequest.FOCDate); the request's is the latest of them, the
// day by which every number will have moved. It is zero while no sub
// request has one.
func (r *PortRequest) ScheduledDate() time.Time {
	var latest time.Time
	for _, sr := range r.SubRequests {
		if sr.FOCDate.After(latest) {
			latest = sr.FOCDate
		}
	}
	return latest
}

// setScheduledDate gives every open sub request the FOC date t (zero
// clears it), when t is not already the request's.
func (r *PortRequest) setScheduledDate(t time.Time) {
	if t.Equal(r.ScheduledDate()) {
		return // unchanged: sub requests keep their own dates
	}
	for i := range r.SubRequests {
		if sr := &r.SubRequests[i]; !sr.State.Terminal() {
			sr.FOCDate = t
		}
	}
}

// ActiveNumbers returns the numbers this request still claims: those whose
// sub request is in an active state. A Store guarantees that no two
// requests claim the same number.
func (r *PortRequest) ActiveNumbers() []string {
	out := make([]string, 0, len(r.Numbers))
	for _, n := range r.Numbers {
		if sr := r.SubRequest(n.SubRequestID); sr == nil || sr.State.Active() {
			out = append(out, n.E164)
		}
	}
	return out
}

// CompletedNumbers returns the numbers this request brought in: those
// whose sub request has completed.
func (r *PortRequest) CompletedNumbers() []string {
	var out []string
	for _, n := range r.Numbers {
		if sr := r.SubRequest(n.SubRequestID); sr != nil && sr.State == StateCompleted {
			out = append(out, n.E164)
		}
	}
	return out
}

// NumberCounts returns how many of the request's numbers are in each state:
// the state of the sub request each belongs to (Telnyx's
// phone_number_counts_by_status).
func (r *PortRequest) NumberCounts() map[State]int {
	counts := make(map[State]int, len(r.SubRequests))
	for _, n := range r.Numbers {
		if sr := r.SubRequest(n.SubRequestID); sr != nil {
			counts[sr.State]++
		}
	}
	return counts
}

// SubRequest returns the sub request with the given ID, or nil.
func (r *PortRequest) SubRequest(id string) *SubRequest {
	for i := range r.SubRequests {
		if r.SubRequests[i].ID == id {
			return &r.SubRequests[i]
		}
	}
	return nil
}

// SubRequestNumbers returns the numbers of one sub request.
func (r *PortRequest) SubRequestNumbers(id string) []PortNumber {
	var out []PortNumber
	for _, n := range r.Numbers {
		if n.SubRequestID == id {
			out = append(out, n)
		}
	}
	return out
}

// Attachment returns the attachment with the given name or ID.
func (r *PortRequest) Attachment(nameOrID string) (*Attachment, bool) {
	for i := range r.Attachments {
		if r.Attachments[i].Name == nameOrID || r.Attachments[i].ID == nameOrID {
			return &r.Attachments[i], true
		}
	}
	return nil, false
}

// Draft reports whether the request has never been submitted: a Telnyx
// draft port request.
func (r *PortRequest) Draft() bool { return r.State == StateUnconfirmed }

// Clone returns a deep copy of r.
func (r *PortRequest) Clone() *PortRequest {
	if r == nil {
		return nil
	}
	c := *r
	c.AccountPath = slices.Clone(r.AccountPath)
	c.Numbers = slices.Clone(r.Numbers)
	for i := range c.Numbers {
		c.Numbers[i].Details = slices.Clone(c.Numbers[i].Details)
	}
	c.Bill.Extra = cloneRaw(r.Bill.Extra)
	c.Notifications.EmailSendTo = slices.Clone(r.Notifications.EmailSendTo)
	c.Extra = cloneRaw(r.Extra)
	c.SubRequests = slices.Clone(r.SubRequests)
	for i := range c.SubRequests {
		c.SubRequests[i] = c.SubRequests[i].clone()
	}
	c.Attachments = slices.Clone(r.Attachments)
	if r.Quote != nil {
		q := *r.Quote
		c.Quote = &q
	}
	return &c
}

// Redacted returns a copy of r without secrets (PINs and the account
// numbers at the losing carrier), for listings: they are never shown in a
// list, only in a single request's representation.
func (r *PortRequest) Redacted() *PortRequest {
	c := r.Clone()
	c.redact()
	return c
}

// redact blanks the secrets of r itself.
func (r *PortRequest) redact() {
	r.Bill.PIN, r.Bill.AccountNumber = "", ""
	for i := range r.SubRequests {
		r.SubRequests[i].PIN, r.SubRequests[i].AccountNumber = "", ""
	}
}

func cloneRaw(m map[string]json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		return nil
	}
	c := maps.Clone(m)
	for k, v := range c {
		c[k] = slices.Clone(v)
	}
	return c
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
