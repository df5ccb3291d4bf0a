package telnyx

import (
	"time"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// Representations of the Telnyx v1 objects. Every key of the document is
// always present; a value portkit does not have is null. Times are ISO
// 8601 in UTC with second precision ("2026-03-02T14:00:00Z").

// wirePhoneNumber is a PortRequestPhoneNumber, or (without
// sub_request_status) a DraftPortRequestPhoneNumber.
type wirePhoneNumber struct {
	PhoneNumber       string  `json:"phone_number"`
	SVType            string  `json:"svtype"`
	CarrierName       *string `json:"carrier_name"`
	CoverageCategory  string  `json:"coverage_category"`
	SubRequestID      string  `json:"sub_request_id"`
	SubRequestStatus  string  `json:"sub_request_status,omitempty"`
	PortabilityStatus string  `json:"portability_status"`
}

// wirePortingOption is a PortingOption. remaining_numbers is a portkit
// extension: the numbers that stay with the losing carrier.
type wirePortingOption struct {
	Type                   *string  `json:"type"`
	RemainingNumbersAction *string  `json:"remaining_numbers_action"`
	NewBillingPhoneNumber  *string  `json:"new_billing_phone_number"`
	RemainingNumbers       []string `json:"remaining_numbers,omitempty"`
}

// subRequestFields are the editable fields a sub request and a draft
// sub request share.
type subRequestFields struct {
	FOCDateRequestedByUser  *string            `json:"foc_date_requested_by_user"`
	PersonOrCompanyName     *string            `json:"person_or_company_name"`
	AuthPersonName          *string            `json:"auth_person_name"`
	BillingPhoneNumber      *string            `json:"billing_phone_number"`
	StreetAddress           *string            `json:"street_address"`
	ExtendedAddress         *string            `json:"extended_address"`
	Locality                *string            `json:"locality"`
	AdministrativeArea      *string            `json:"administrative_area"`
	PostalCode              *string            `json:"postal_code"`
	CountryCode             *string            `json:"country_code"`
	DefaultConnectionID     *string            `json:"default_connection_id"`
	DefaultMessageProfileID *string            `json:"default_message_profile_id"`
	PortingOption           *wirePortingOption `json:"porting_option"`
	PinPasscode             *string            `json:"pin_passcode"`
	AccountNumber           *string            `json:"account_number"`
	Description             *string            `json:"description"`
	TaxIdentifier           *string            `json:"tax_identifier"`
	BusinessIdentifier      *string            `json:"business_identifier"`
}

// wireSubRequest is a SubRequest of a port request.
type wireSubRequest struct {
	ID                     string            `json:"id"`
	PhoneNumbers           []wirePhoneNumber `json:"phone_numbers"`
	FOCDate                *string           `json:"foc_date"`
	Status                 string            `json:"status"`
	SupportKey             string            `json:"support_key"`
	PhoneNumberCount       int               `json:"phone_number_count"`
	UnderlyingCarrierNames []string          `json:"underlying_carrier_names"`
	CreatedAt              string            `json:"created_at"`
	UpdatedAt              string            `json:"updated_at"`
	CustomerRating         *int              `json:"customer_rating"`
	CustomerRatingComment  *string           `json:"customer_rating_comment"`
	subRequestFields
}

// wireDraftSubRequest is a DraftSubRequest.
type wireDraftSubRequest struct {
	ID                     string            `json:"id"`
	Complete               bool              `json:"complete"`
	PhoneNumbers           []wirePhoneNumber `json:"phone_numbers"`
	PhoneNumberCount       int               `json:"phone_number_count"`
	UnderlyingCarrierNames []string          `json:"underlying_carrier_names"`
	CreatedAt              string            `json:"created_at"`
	subRequestFields
}

// statusCount is a PhoneNumberCountAndStatus.
type statusCount struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// wirePortRequest is a PortRequest. phone_numbers and sub_requests are
// left out when the listing's include_* parameters say so.
type wirePortRequest struct {
	ID                        string            `json:"id"`
	PhoneNumbers              []wirePhoneNumber `json:"phone_numbers,omitempty"`
	SupportKey                string            `json:"support_key"`
	CreatedAt                 string            `json:"created_at"`
	UpdatedAt                 string            `json:"updated_at"`
	PhoneNumberCountsByStatus []statusCount     `json:"phone_number_counts_by_status"`
	SubRequests               []wireSubRequest  `json:"sub_requests,omitempty"`
}

// wireDraft is a DraftPortRequest.
type wireDraft struct {
	ID               string                `json:"id"`
	CreatedAt        string                `json:"created_at"`
	Status           string                `json:"status"`
	PhoneNumberCount int                   `json:"phone_number_count"`
	PhoneNumbers     []wirePhoneNumber     `json:"phone_numbers,omitempty"`
	SubRequests      []wireDraftSubRequest `json:"sub_requests,omitempty"`
	PortRequestID    *string               `json:"port_request_id"`
}

// Draft port request statuses.
const (
	draftPending   = "pending"
	draftSubmitted = "submitted"
)

// isoTime formats a time for the wire.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// optTime formats a time, or null for the zero time.
func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := isoTime(t)
	return &s
}

// nullable returns p, or nil (JSON null) when *p is empty.
func nullable(p *string) *string {
	if *p == "" {
		return nil
	}
	return p
}

// view renders one request: it indexes the numbers by sub request
// once.
type view struct {
	r     *porting.PortRequest
	all   []wirePhoneNumber
	bySub map[string][]wirePhoneNumber
}

// newView indexes r. With status, numbers carry their sub request's
// Telnyx status (port requests); without, they are draft numbers.
func newView(r *porting.PortRequest, status bool) *view {
	v := &view{r: r, all: make([]wirePhoneNumber, len(r.Numbers)), bySub: make(map[string][]wirePhoneNumber, len(r.SubRequests))}
	states := make(map[string]string, len(r.SubRequests))
	counts := make(map[string]int, len(r.SubRequests))
	for _, sr := range r.SubRequests {
		states[sr.ID] = statusOf(sr.State)
	}
	for i := range r.Numbers {
		n := &r.Numbers[i]
		counts[n.SubRequestID]++
		pn := wirePhoneNumber{
			PhoneNumber: n.E164, SVType: n.SVType(), CarrierName: nullable(&n.Carrier),
			CoverageCategory: string(n.Coverage), SubRequestID: n.SubRequestID,
			PortabilityStatus: string(n.PortabilityStatus),
		}
		if pn.PortabilityStatus == "" {
			pn.PortabilityStatus = string(porting.PortabilityPending)
		}
		if status {
			pn.SubRequestStatus = states[n.SubRequestID]
		}
		v.all[i] = pn
	}
	for id, c := range counts {
		v.bySub[id] = make([]wirePhoneNumber, 0, c)
	}
	for _, pn := range v.all {
		v.bySub[pn.SubRequestID] = append(v.bySub[pn.SubRequestID], pn)
	}
	return v
}

// subNumbers returns a sub request's numbers, never nil.
func (v *view) subNumbers(id string) []wirePhoneNumber {
	if ns := v.bySub[id]; ns != nil {
		return ns
	}
	return []wirePhoneNumber{}
}

// fields renders the editable fields of a sub request, effective values
// (the request's Kazoo fields fill the empty ones).
func (v *view) fields(sr porting.SubRequest) (porting.SubRequest, subRequestFields) {
	e := v.r.Effective(sr)
	f := subRequestFields{
		FOCDateRequestedByUser: optTime(e.FOCDateRequested),
		PersonOrCompanyName:    nullable(&e.PersonOrCompanyName), AuthPersonName: nullable(&e.AuthPersonName),
		BillingPhoneNumber: nullable(&e.BillingPhoneNumber), StreetAddress: nullable(&e.StreetAddress),
		ExtendedAddress: nullable(&e.ExtendedAddress), Locality: nullable(&e.Locality),
		AdministrativeArea: nullable(&e.AdministrativeArea), PostalCode: nullable(&e.PostalCode),
		CountryCode: nullable(&e.CountryCode), DefaultConnectionID: nullable(&e.DefaultConnectionID),
		DefaultMessageProfileID: nullable(&e.DefaultMessageProfileID), PinPasscode: nullable(&e.PIN),
		AccountNumber: nullable(&e.AccountNumber), Description: nullable(&e.Description),
		TaxIdentifier: nullable(&e.TaxIdentifier), BusinessIdentifier: nullable(&e.BusinessIdentifier),
	}
	if po := e.PortingOption; po != nil {
		f.PortingOption = &wirePortingOption{
			Type: nullable(&po.Type), RemainingNumbersAction: nullable(&po.RemainingNumbersAction),
			NewBillingPhoneNumber: nullable(&po.NewBillingPhoneNumber), RemainingNumbers: po.RemainingNumbers,
		}
	}
	return e, f
}

// subRequest renders a sub request of a port request.
func (v *view) subRequest(sr porting.SubRequest) wireSubRequest {
	e, f := v.fields(sr)
	ns := v.subNumbers(sr.ID)
	return wireSubRequest{
		ID: sr.ID, PhoneNumbers: ns, FOCDate: optTime(e.FOCDate), Status: statusOf(sr.State),
		SupportKey: sr.SupportKey, PhoneNumberCount: len(ns), UnderlyingCarrierNames: nonNilNames(v.r.UnderlyingCarriers(sr.ID)),
		CreatedAt: isoTime(sr.Created), UpdatedAt: isoTime(sr.Updated),
		CustomerRating: e.CustomerRating, CustomerRatingComment: nullable(&e.CustomerRatingComment),
		subRequestFields: f,
	}
}

// draftSubRequest renders a sub request of a draft.
func (v *view) draftSubRequest(sr porting.SubRequest) wireDraftSubRequest {
	_, f := v.fields(sr)
	ns := v.subNumbers(sr.ID)
	return wireDraftSubRequest{
		ID: sr.ID, Complete: v.r.Complete(sr), PhoneNumbers: ns, PhoneNumberCount: len(ns),
		UnderlyingCarrierNames: nonNilNames(v.r.UnderlyingCarriers(sr.ID)), CreatedAt: isoTime(sr.Created),
		subRequestFields: f,
	}
}

// nonNilNames returns names, never nil.
func nonNilNames(names []string) []string {
	if names == nil {
		return []string{}
	}
	return names
}

// portRequest renders the request as a port request.
func (v *view) portRequest(numbers, subs bool) wirePortRequest {
	r := v.r
	out := wirePortRequest{
		ID: r.ID, SupportKey: r.SupportKey, CreatedAt: isoTime(r.Created), UpdatedAt: isoTime(r.Updated),
		PhoneNumberCountsByStatus: []statusCount{},
	}
	counts := r.NumberCounts()
	for _, st := range porting.SubRequestStates() {
		if c := counts[st]; c > 0 {
			out.PhoneNumberCountsByStatus = append(out.PhoneNumberCountsByStatus, statusCount{Status: statusOf(st), Count: c})
		}
	}
	if numbers {
		out.PhoneNumbers = v.all
	}
	if subs {
		out.SubRequests = httpjson.List(r.SubRequests, v.subRequest)
	}
	return out
}

// draft renders the request as a draft port request.
func (v *view) draft(numbers, subs bool) wireDraft {
	r := v.r
	out := wireDraft{ID: r.ID, CreatedAt: isoTime(r.Created), Status: draftPending, PhoneNumberCount: len(r.Numbers)}
	if !r.Draft() {
		out.Status, out.PortRequestID = draftSubmitted, &r.ID
	}
	if numbers {
		out.PhoneNumbers = v.all
	}
	if subs {
		out.SubRequests = httpjson.List(r.SubRequests, v.draftSubRequest)
	}
	return out
}
