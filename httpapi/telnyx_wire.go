package httpapi

import (
	"time"

	"github.com/portkit/portkit/porting"
)

// Representations of the Telnyx v1 objects. Every key of the document is
// always present; a value portkit does not have is null. Times are ISO
// 8601 in UTC with second precision ("2026-03-02T14:00:00Z").

// telnyxPhoneNumber is a PortRequestPhoneNumber, or (without
// sub_request_status) a DraftPortRequestPhoneNumber.
type telnyxPhoneNumber struct {
	PhoneNumber       string  `json:"phone_number"`
	SVType            string  `json:"svtype"`
	CarrierName       *string `json:"carrier_name"`
	CoverageCategory  string  `json:"coverage_category"`
	SubRequestID      string  `json:"sub_request_id"`
	SubRequestStatus  string  `json:"sub_request_status,omitempty"`
	PortabilityStatus string  `json:"portability_status"`
}

// telnyxPortingOption is a PortingOption. remaining_numbers is a portkit
// extension: the numbers that stay with the losing carrier.
type telnyxPortingOption struct {
	Type                   *string  `json:"type"`
	RemainingNumbersAction *string  `json:"remaining_numbers_action"`
	NewBillingPhoneNumber  *string  `json:"new_billing_phone_number"`
	RemainingNumbers       []string `json:"remaining_numbers,omitempty"`
}

// telnyxSubRequestFields are the editable fields a sub request and a draft
// sub request share.
type telnyxSubRequestFields struct {
	FOCDateRequestedByUser  *string              `json:"foc_date_requested_by_user"`
	PersonOrCompanyName     *string              `json:"person_or_company_name"`
	AuthPersonName          *string              `json:"auth_person_name"`
	BillingPhoneNumber      *string              `json:"billing_phone_number"`
	StreetAddress           *string              `json:"street_address"`
	ExtendedAddress         *string              `json:"extended_address"`
	Locality                *string              `json:"locality"`
	AdministrativeArea      *string              `json:"administrative_area"`
	PostalCode              *string              `json:"postal_code"`
	CountryCode             *string              `json:"country_code"`
	DefaultConnectionID     *string              `json:"default_connection_id"`
	DefaultMessageProfileID *string              `json:"default_message_profile_id"`
	PortingOption           *telnyxPortingOption `json:"porting_option"`
	PinPasscode             *string              `json:"pin_passcode"`
	AccountNumber           *string              `json:"account_number"`
	Description             *string              `json:"description"`
	TaxIdentifier           *string              `json:"tax_identifier"`
	BusinessIdentifier      *string              `json:"business_identifier"`
}

// telnyxSubRequest is a SubRequest of a port request.
type telnyxSubRequest struct {
	ID                     string              `json:"id"`
	PhoneNumbers           []telnyxPhoneNumber `json:"phone_numbers"`
	FOCDate                *string             `json:"foc_date"`
	Status                 string              `json:"status"`
	SupportKey             string              `json:"support_key"`
	PhoneNumberCount       int                 `json:"phone_number_count"`
	UnderlyingCarrierNames []string            `json:"underlying_carrier_names"`
	CreatedAt              string              `json:"created_at"`
	UpdatedAt              string              `json:"updated_at"`
	CustomerRating         *int                `json:"customer_rating"`
	CustomerRatingComment  *string             `json:"customer_rating_comment"`
	telnyxSubRequestFields
}

// telnyxDraftSubRequest is a DraftSubRequest.
type telnyxDraftSubRequest struct {
	ID                     string              `json:"id"`
	Complete               bool                `json:"complete"`
	PhoneNumbers           []telnyxPhoneNumber `json:"phone_numbers"`
	PhoneNumberCount       int                 `json:"phone_number_count"`
	UnderlyingCarrierNames []string            `json:"underlying_carrier_names"`
	CreatedAt              string              `json:"created_at"`
	telnyxSubRequestFields
}

// telnyxStatusCount is a PhoneNumberCountAndStatus.
type telnyxStatusCount struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// telnyxPortRequest is a PortRequest. phone_numbers and sub_requests are
// left out when the listing's include_* parameters say so.
type telnyxPortRequest struct {
	ID                        string              `json:"id"`
	PhoneNumbers              []telnyxPhoneNumber `json:"phone_numbers,omitempty"`
	SupportKey                string              `json:"support_key"`
	CreatedAt                 string              `json:"created_at"`
	UpdatedAt                 string              `json:"updated_at"`
	PhoneNumberCountsByStatus []telnyxStatusCount `json:"phone_number_counts_by_status"`
	SubRequests               []telnyxSubRequest  `json:"sub_requests,omitempty"`
}

// telnyxDraft is a DraftPortRequest.
type telnyxDraft struct {
	ID               string                  `json:"id"`
	CreatedAt        string                  `json:"created_at"`
	Status           string                  `json:"status"`
	PhoneNumberCount int                     `json:"phone_number_count"`
	PhoneNumbers     []telnyxPhoneNumber     `json:"phone_numbers,omitempty"`
	SubRequests      []telnyxDraftSubRequest `json:"sub_requests,omitempty"`
	PortRequestID    *string                 `json:"port_request_id"`
}

// Draft port request statuses.
const (
	telnyxDraftPending   = "pending"
	telnyxDraftSubmitted = "submitted"
)

// telnyxTime formats a time for the wire.
func telnyxTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// telnyxOptTime formats a time, or null for the zero time.
func telnyxOptTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := telnyxTime(t)
	return &s
}

// telnyxNull returns p, or nil (JSON null) when *p is empty.
func telnyxNull(p *string) *string {
	if *p == "" {
		return nil
	}
	return p
}

// telnyxView renders one request: it indexes the numbers by sub request
// once.
type telnyxView struct {
	r     *porting.PortRequest
	all   []telnyxPhoneNumber
	bySub map[string][]telnyxPhoneNumber
}

// telnyxNewView indexes r. With status, numbers carry their sub request's
// Telnyx status (port requests); without, they are draft numbers.
func telnyxNewView(r *porting.PortRequest, status bool) *telnyxView {
	v := &telnyxView{r: r, all: make([]telnyxPhoneNumber, len(r.Numbers)), bySub: make(map[string][]telnyxPhoneNumber, len(r.SubRequests))}
	states := make(map[string]string, len(r.SubRequests))
	counts := make(map[string]int, len(r.SubRequests))
	for _, sr := range r.SubRequests {
		states[sr.ID] = telnyxStatusOf(sr.State)
	}
	for i := range r.Numbers {
		n := &r.Numbers[i]
		counts[n.SubRequestID]++
		pn := telnyxPhoneNumber{
			PhoneNumber: n.E164, SVType: n.SVType(), CarrierName: telnyxNull(&n.Carrier),
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
		v.bySub[id] = make([]telnyxPhoneNumber, 0, c)
	}
	for _, pn := range v.all {
		v.bySub[pn.SubRequestID] = append(v.bySub[pn.SubRequestID], pn)
	}
	return v
}

// subNumbers returns a sub request's numbers, never nil.
func (v *telnyxView) subNumbers(id string) []telnyxPhoneNumber {
	if ns := v.bySub[id]; ns != nil {
		return ns
	}
	return []telnyxPhoneNumber{}
}

// fields renders the editable fields of a sub request, effective values
// (the request's Kazoo fields fill the empty ones).
func (v *telnyxView) fields(sr porting.SubRequest) (porting.SubRequest, telnyxSubRequestFields) {
	e := v.r.Effective(sr)
	f := telnyxSubRequestFields{
		FOCDateRequestedByUser: telnyxOptTime(e.FOCDateRequested),
		PersonOrCompanyName:    telnyxNull(&e.PersonOrCompanyName), AuthPersonName: telnyxNull(&e.AuthPersonName),
		BillingPhoneNumber: telnyxNull(&e.BillingPhoneNumber), StreetAddress: telnyxNull(&e.StreetAddress),
		ExtendedAddress: telnyxNull(&e.ExtendedAddress), Locality: telnyxNull(&e.Locality),
		AdministrativeArea: telnyxNull(&e.AdministrativeArea), PostalCode: telnyxNull(&e.PostalCode),
		CountryCode: telnyxNull(&e.CountryCode), DefaultConnectionID: telnyxNull(&e.DefaultConnectionID),
		DefaultMessageProfileID: telnyxNull(&e.DefaultMessageProfileID), PinPasscode: telnyxNull(&e.PIN),
		AccountNumber: telnyxNull(&e.AccountNumber), Description: telnyxNull(&e.Description),
		TaxIdentifier: telnyxNull(&e.TaxIdentifier), BusinessIdentifier: telnyxNull(&e.BusinessIdentifier),
	}
	if po := e.PortingOption; po != nil {
		f.PortingOption = &telnyxPortingOption{
			Type: telnyxNull(&po.Type), RemainingNumbersAction: telnyxNull(&po.RemainingNumbersAction),
			NewBillingPhoneNumber: telnyxNull(&po.NewBillingPhoneNumber), RemainingNumbers: po.RemainingNumbers,
		}
	}
	return e, f
}

// subRequest renders a sub request of a port request.
func (v *telnyxView) subRequest(sr porting.SubRequest) telnyxSubRequest {
	e, f := v.fields(sr)
	ns := v.subNumbers(sr.ID)
	return telnyxSubRequest{
		ID: sr.ID, PhoneNumbers: ns, FOCDate: telnyxOptTime(e.FOCDate), Status: telnyxStatusOf(sr.State),
		SupportKey: sr.SupportKey, PhoneNumberCount: len(ns), UnderlyingCarrierNames: telnyxNames(v.r.UnderlyingCarriers(sr.ID)),
		CreatedAt: telnyxTime(sr.Created), UpdatedAt: telnyxTime(sr.Updated),
		CustomerRating: e.CustomerRating, CustomerRatingComment: telnyxNull(&e.CustomerRatingComment),
		telnyxSubRequestFields: f,
	}
}

// draftSubRequest renders a sub request of a draft.
func (v *telnyxView) draftSubRequest(sr porting.SubRequest) telnyxDraftSubRequest {
	_, f := v.fields(sr)
	ns := v.subNumbers(sr.ID)
	return telnyxDraftSubRequest{
		ID: sr.ID, Complete: v.r.Complete(sr), PhoneNumbers: ns, PhoneNumberCount: len(ns),
		UnderlyingCarrierNames: telnyxNames(v.r.UnderlyingCarriers(sr.ID)), CreatedAt: telnyxTime(sr.Created),
		telnyxSubRequestFields: f,
	}
}

// telnyxNames returns names, never nil.
func telnyxNames(names []string) []string {
	if names == nil {
		return []string{}
	}
	return names
}

// portRequest renders the request as a port request.
func (v *telnyxView) portRequest(numbers, subs bool) telnyxPortRequest {
	r := v.r
	out := telnyxPortRequest{
		ID: r.ID, SupportKey: r.SupportKey, CreatedAt: telnyxTime(r.Created), UpdatedAt: telnyxTime(r.Updated),
		PhoneNumberCountsByStatus: []telnyxStatusCount{},
	}
	counts := r.NumberCounts()
	for _, st := range porting.SubRequestStates() {
		if c := counts[st]; c > 0 {
			out.PhoneNumberCountsByStatus = append(out.PhoneNumberCountsByStatus, telnyxStatusCount{Status: telnyxStatusOf(st), Count: c})
		}
	}
	if numbers {
		out.PhoneNumbers = v.all
	}
	if subs {
		out.SubRequests = renderAll(r.SubRequests, v.subRequest)
	}
	return out
}

// draft renders the request as a draft port request.
func (v *telnyxView) draft(numbers, subs bool) telnyxDraft {
	r := v.r
	out := telnyxDraft{ID: r.ID, CreatedAt: telnyxTime(r.Created), Status: telnyxDraftPending, PhoneNumberCount: len(r.Numbers)}
	if !r.Draft() {
		out.Status, out.PortRequestID = telnyxDraftSubmitted, &r.ID
	}
	if numbers {
		out.PhoneNumbers = v.all
	}
	if subs {
		out.SubRequests = renderAll(r.SubRequests, v.draftSubRequest)
	}
	return out
}
