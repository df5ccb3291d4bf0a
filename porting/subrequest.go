package porting

import (
	"slices"
	"strings"
	"time"
)

// SubRequest is the part of a port request that goes to one losing carrier:
// each carrier needs its own LOA, FOC date and order. Its fields are the
// Telnyx sub request's. Empty identity and address fields fall back to the
// request's Kazoo fields (see PortRequest.Effective).
type SubRequest struct {
	ID string `json:"id"`
	// SupportKey is "sr_" and 6 hex digits.
	SupportKey string `json:"support_key"`
	State      State  `json:"state"`
	// ResumeState is the state a cancel-pending sub request was in when
	// cancellation was asked; empty otherwise.
	ResumeState State `json:"resume_state,omitempty"`
	// Carrier is the losing carrier this sub request groups; empty for the
	// group of numbers whose carrier is unknown.
	Carrier string `json:"carrier,omitempty"`

	// FOCDateRequested is the FOC date the customer asks for
	// (foc_date_requested_by_user).
	FOCDateRequested time.Time `json:"foc_date_requested,omitzero"`
	// FOCDate is the FOC date the losing carrier confirmed: the one place
	// a FOC date is kept (PortRequest.ScheduledDate derives from it).
	FOCDate time.Time `json:"foc_date,omitzero"`

	PersonOrCompanyName string `json:"person_or_company_name,omitempty"`
	AuthPersonName      string `json:"auth_person_name,omitempty"`
	// BillingPhoneNumber is the BTN, in E.164.
	BillingPhoneNumber      string         `json:"billing_phone_number,omitempty"`
	StreetAddress           string         `json:"street_address,omitempty"`
	ExtendedAddress         string         `json:"extended_address,omitempty"`
	Locality                string         `json:"locality,omitempty"`
	AdministrativeArea      string         `json:"administrative_area,omitempty"`
	PostalCode              string         `json:"postal_code,omitempty"`
	CountryCode             string         `json:"country_code,omitempty"`
	DefaultConnectionID     string         `json:"default_connection_id,omitempty"`
	DefaultMessageProfileID string         `json:"default_message_profile_id,omitempty"`
	PortingOption           *PortingOption `json:"porting_option,omitempty"`
	// PIN is the wireless account's PIN or passcode: a secret of the end
	// customer, never printed on an LOA nor shown in a list.
	PIN                   string `json:"pin,omitempty"`
	AccountNumber         string `json:"account_number,omitempty"`
	Description           string `json:"description,omitempty"`
	TaxIdentifier         string `json:"tax_identifier,omitempty"`
	BusinessIdentifier    string `json:"business_identifier,omitempty"`
	CustomerRating        *int   `json:"customer_rating,omitempty"`
	CustomerRatingComment string `json:"customer_rating_comment,omitempty"`

	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Porting option types and remaining-number actions.
const (
	PortFull      = "full"
	PortPartial   = "partial"
	RemainingKeep = "keep"
	RemainingDrop = "disconnect"
)

// PortingOption says whether all of the customer's numbers at the losing
// carrier leave (full) or only some (partial), and what happens to the rest.
type PortingOption struct {
	Type                   string `json:"type,omitempty"`
	RemainingNumbersAction string `json:"remaining_numbers_action,omitempty"`
	// NewBillingPhoneNumber is the BTN of the numbers that stay, required
	// for a partial port that keeps them. E.164.
	NewBillingPhoneNumber string `json:"new_billing_phone_number,omitempty"`
	// RemainingNumbers lists the numbers that stay with the losing carrier
	// in a partial port (E.164), for the LOA. A portkit extension.
	RemainingNumbers []string `json:"remaining_numbers,omitempty"`
}

func (s SubRequest) clone() SubRequest {
	if s.PortingOption != nil {
		po := *s.PortingOption
		po.RemainingNumbers = slices.Clone(po.RemainingNumbers)
		s.PortingOption = &po
	}
	if s.CustomerRating != nil {
		v := *s.CustomerRating
		s.CustomerRating = &v
	}
	return s
}

// Effective returns the sub request as a carrier sees it: every empty
// identity, address or account field takes the request's value (Kazoo's
// bill, signee_name and transfer_date), so a request filled in through
// either dialect reads the same through the other.
func (r *PortRequest) Effective(sr SubRequest) SubRequest {
	sr = sr.clone()
	b := r.Bill
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&sr.PersonOrCompanyName, b.Name)
	fill(&sr.AuthPersonName, r.SigneeName)
	fill(&sr.BillingPhoneNumber, b.BTN)
	fill(&sr.StreetAddress, b.Street())
	fill(&sr.ExtendedAddress, b.ExtendedAddress)
	fill(&sr.Locality, b.Locality)
	fill(&sr.AdministrativeArea, strings.ToUpper(b.Region))
	fill(&sr.PostalCode, b.PostalCode)
	fill(&sr.CountryCode, strings.ToUpper(b.Country))
	fill(&sr.AccountNumber, b.AccountNumber)
	fill(&sr.PIN, b.PIN)
	fill(&sr.Carrier, r.Carrier)
	if sr.FOCDateRequested.IsZero() {
		sr.FOCDateRequested = r.TransferDate
	}
	return sr
}

// MissingFields lists the fields that keep a sub request from being
// complete, by their Telnyx names, in the document's order. It looks at the
// effective values (see Effective). A field that is set but malformed (an
// administrative_area that is not two letters) counts as missing.
func (r *PortRequest) MissingFields(sr SubRequest) []string {
	e := r.Effective(sr)
	var missing []string
	need := func(name string, ok bool) {
		if !ok {
			missing = append(missing, name)
		}
	}
	need("foc_date_requested_by_user", !e.FOCDateRequested.IsZero())
	need("auth_person_name", e.AuthPersonName != "")
	need("billing_phone_number", e.BillingPhoneNumber != "")
	need("street_address", e.StreetAddress != "")
	need("locality", e.Locality != "")
	need("administrative_area", isAlpha2(e.AdministrativeArea))
	need("postal_code", e.PostalCode != "")
	need("country_code", isAlpha2(e.CountryCode))
	need("default_connection_id", e.DefaultConnectionID != "")
	need("default_message_profile_id", e.DefaultMessageProfileID != "")
	if e.PortingOption != nil {
		need("porting_option.type", e.PortingOption.Type != "")
		if e.PortingOption.Type == PortPartial && e.PortingOption.RemainingNumbersAction == RemainingKeep {
			need("porting_option.new_billing_phone_number", e.PortingOption.NewBillingPhoneNumber != "")
		}
	}
	return missing
}

// Complete reports whether a sub request has every field a submission
// needs (see MissingFields).
func (r *PortRequest) Complete(sr SubRequest) bool { return len(r.MissingFields(sr)) == 0 }

// UnderlyingCarriers returns the distinct losing carriers of a sub
// request's numbers, sorted.
func (r *PortRequest) UnderlyingCarriers(subID string) []string {
	var names []string
	for _, n := range r.Numbers {
		if n.SubRequestID == subID && n.Carrier != "" && !slices.Contains(names, n.Carrier) {
			names = append(names, n.Carrier)
		}
	}
	if len(names) == 0 && r.Carrier != "" {
		names = append(names, r.Carrier)
	}
	slices.Sort(names)
	return names
}

func isAlpha2(s string) bool {
	return len(s) == 2 && isUpperLetter(s[0]) && isUpperLetter(s[1])
}

func isUpperLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
