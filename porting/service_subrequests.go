package porting

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers/v2"
)

// SubRequestPatch is a partial edit of a sub request: nil fields stay as
// they are. Field names in errors are the Telnyx ones.
type SubRequestPatch struct {
	FOCDateRequested        *time.Time
	PersonOrCompanyName     *string
	AuthPersonName          *string
	BillingPhoneNumber      *string
	StreetAddress           *string
	ExtendedAddress         *string
	Locality                *string
	AdministrativeArea      *string
	PostalCode              *string
	CountryCode             *string
	DefaultConnectionID     *string
	DefaultMessageProfileID *string
	PortingOption           *PortingOption
	PIN                     *string
	AccountNumber           *string
	Description             *string
	TaxIdentifier           *string
	BusinessIdentifier      *string
	CustomerRating          *int
	CustomerRatingComment   *string
}

// When a sub request field may change, by the sub request's state:
//
//	field                                  may change in
//	foc_date_requested_by_user, identity,
//	  address, porting_option, PIN,
//	  account number, EU identifiers       unconfirmed, rejected
//	description, default_connection_id,
//	  default_message_profile_id           any state but completed, canceled
//	customer_rating, customer_rating_comment
//	                                       completed, cancel-pending, canceled
var (
	whileEditable = State.Editable
	whileOpen     = func(s State) bool { return !s.Terminal() }
	onceSettled   = func(s State) bool {
		return s == StateCompleted || s == StateCancelPending || s == StateCanceled
	}
)

// Rating bounds.
const (
	MinCustomerRating = 1
	MaxCustomerRating = 5
)

// UpdateSubRequest edits a sub request. Each field may change only in the
// states the table above allows; a field that may not is a ValidationError
// naming it (code "forbidden"). rev is the revision the caller read (0:
// any).
func (s *Service) UpdateSubRequest(ctx context.Context, id, subID string, rev int64, p SubRequestPatch) (*PortRequest, error) {
	return s.updateSubRequest(ctx, id, subID, rev, p, false)
}

// UpdateDraftSubRequest edits a sub request of a draft: the request must
// not have been submitted (a draft is read-only afterwards).
func (s *Service) UpdateDraftSubRequest(ctx context.Context, id, subID string, rev int64, p SubRequestPatch) (*PortRequest, error) {
	return s.updateSubRequest(ctx, id, subID, rev, p, true)
}

func (s *Service) updateSubRequest(ctx context.Context, id, subID string, rev int64, p SubRequestPatch, draft bool) (*PortRequest, error) {
	return s.mutate(ctx, id, rev, func(c *change) error {
		r := c.r
		if draft && !r.Draft() {
			return invalid("status", string(r.State), "forbidden", "Draft port request has been submitted and can no longer change")
		}
		sr := r.SubRequest(subID)
		if sr == nil {
			return fmt.Errorf("sub request %s: %w", subID, ErrNotFound)
		}
		if err := s.applySubRequestPatch(r, sr, p, c.now); err != nil {
			return err
		}
		sr.Updated = c.now
		s.event(c, EventSubRequestUpdated, Event{SubRequestID: subID})
		return nil
	})
}

func (s *Service) applySubRequestPatch(r *PortRequest, sr *SubRequest, p SubRequestPatch, now time.Time) error {
	var fe fieldErrors
	allowed := func(field string, when func(State) bool) bool {
		if when(sr.State) {
			return true
		}
		fe.add(field, "", "forbidden", fmt.Sprintf("%s cannot change while the sub request is %s", field, sr.State))
		return false
	}
	str := func(field string, when func(State) bool, src *string, dst *string, check func(string) (string, string)) {
		if src == nil || !allowed(field, when) {
			return
		}
		v := *src
		if utf8.RuneCountInString(v) > MaxFieldLength {
			fe.tooLong(field, MaxFieldLength)
			return
		}
		if check != nil && v != "" {
			var msg string
			if v, msg = check(v); msg != "" {
				fe.add(field, *src, "format", msg)
				return
			}
		}
		*dst = v
	}
	str("person_or_company_name", whileEditable, p.PersonOrCompanyName, &sr.PersonOrCompanyName, nil)
	str("auth_person_name", whileEditable, p.AuthPersonName, &sr.AuthPersonName, nil)
	str("billing_phone_number", whileEditable, p.BillingPhoneNumber, &sr.BillingPhoneNumber, s.checkPhone)
	str("street_address", whileEditable, p.StreetAddress, &sr.StreetAddress, nil)
	str("extended_address", whileEditable, p.ExtendedAddress, &sr.ExtendedAddress, nil)
	str("locality", whileEditable, p.Locality, &sr.Locality, nil)
	str("administrative_area", whileEditable, p.AdministrativeArea, &sr.AdministrativeArea, checkAlpha2("a two-letter state or province abbreviation"))
	str("postal_code", whileEditable, p.PostalCode, &sr.PostalCode, nil)
	str("country_code", whileEditable, p.CountryCode, &sr.CountryCode, checkCountry)
	str("pin_passcode", whileEditable, p.PIN, &sr.PIN, nil)
	str("account_number", whileEditable, p.AccountNumber, &sr.AccountNumber, nil)
	str("tax_identifier", whileEditable, p.TaxIdentifier, &sr.TaxIdentifier, nil)
	str("business_identifier", whileEditable, p.BusinessIdentifier, &sr.BusinessIdentifier, nil)
	str("description", whileOpen, p.Description, &sr.Description, nil)
	str("default_connection_id", whileOpen, p.DefaultConnectionID, &sr.DefaultConnectionID, nil)
	str("default_message_profile_id", whileOpen, p.DefaultMessageProfileID, &sr.DefaultMessageProfileID, nil)
	str("customer_rating_comment", onceSettled, p.CustomerRatingComment, &sr.CustomerRatingComment, nil)

	if p.FOCDateRequested != nil && allowed("foc_date_requested_by_user", whileEditable) {
		t := p.FOCDateRequested.UTC()
		if !t.IsZero() && !s.opt.FOC.Allows(t, now, s.opt.Calendar) {
			fe.add("foc_date_requested_by_user", t.Format(time.RFC3339), "format",
				"Requested FOC date is not in an allowed FOC window (see allowed_foc_dates)")
		} else {
			sr.FOCDateRequested = t
		}
	}
	if p.CustomerRating != nil && allowed("customer_rating", onceSettled) {
		if v := *p.CustomerRating; v < MinCustomerRating || v > MaxCustomerRating {
			code := "maximum"
			if v < MinCustomerRating {
				code = "minimum"
			}
			fe.add("customer_rating", fmt.Sprint(v), code,
				fmt.Sprintf("Customer rating must be from %d to %d", MinCustomerRating, MaxCustomerRating))
		} else {
			sr.CustomerRating = &v
		}
	}
	if p.PortingOption != nil && allowed("porting_option", whileEditable) {
		if po, ok := s.checkPortingOption(r, *p.PortingOption, &fe); ok {
			sr.PortingOption = po
		}
	}
	return fe.err()
}

// checkPortingOption validates a porting option: a known type and action,
// and for a partial port a new BTN that stays behind.
func (s *Service) checkPortingOption(r *PortRequest, po PortingOption, fe *fieldErrors) (*PortingOption, bool) {
	n := len(*fe)
	switch po.Type {
	case "", PortFull, PortPartial:
	default:
		fe.add("porting_option.type", po.Type, "enum", "Porting option type must be full or partial")
	}
	switch po.RemainingNumbersAction {
	case "", RemainingKeep, RemainingDrop:
	default:
		fe.add("porting_option.remaining_numbers_action", po.RemainingNumbersAction, "enum",
			"Remaining numbers action must be keep or disconnect")
	}
	remaining := make([]string, 0, len(po.RemainingNumbers))
	for _, raw := range po.RemainingNumbers {
		num := s.opt.Numbers.Parse(raw)
		switch _, ported := r.Number(num.E164); {
		case !num.Valid:
			fe.add("porting_option.remaining_numbers", raw, "format", "Not a valid phone number")
		case ported:
			fe.add("porting_option.remaining_numbers", raw, "format", "A number that stays cannot also be ported")
		default:
			remaining = append(remaining, num.E164)
		}
	}
	po.RemainingNumbers = remaining
	if raw := po.NewBillingPhoneNumber; raw != "" {
		num := s.opt.Numbers.Parse(raw)
		_, ported := r.Number(num.E164)
		switch {
		case !num.Valid:
			fe.add("porting_option.new_billing_phone_number", raw, "format", "Not a valid phone number")
		case ported:
			fe.add("porting_option.new_billing_phone_number", raw, "format",
				"The new billing number must be one of the numbers that stay, not one being ported")
		case len(remaining) > 0 && !slices.Contains(remaining, num.E164):
			fe.add("porting_option.new_billing_phone_number", raw, "format",
				"The new billing number must be one of the remaining numbers")
		default:
			po.NewBillingPhoneNumber = num.E164
		}
	}
	return &po, len(*fe) == n
}

func (s *Service) checkPhone(v string) (string, string) {
	n := s.opt.Numbers.Parse(v)
	if !n.Valid {
		return v, "Not a valid phone number"
	}
	return n.E164, ""
}

func checkAlpha2(what string) func(string) (string, string) {
	return func(v string) (string, string) {
		u := upperASCII(v)
		if !isAlpha2(u) {
			return v, "Must be " + what
		}
		return u, ""
	}
}

func checkCountry(v string) (string, string) {
	u := upperASCII(v)
	if !isAlpha2(u) || !phonenumbers.GetSupportedRegions()[u] {
		return v, "Must be an ISO 3166-1 alpha-2 country code"
	}
	return u, ""
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// AllowedFOCDates lists the windows in which a sub request's FOC may be
// requested, as of now.
func (s *Service) AllowedFOCDates(ctx context.Context, id, subID string) ([]FOCWindow, error) {
	r, _, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.SubRequest(subID) == nil {
		return nil, fmt.Errorf("sub request %s: %w", subID, ErrNotFound)
	}
	return s.opt.FOC.Windows(s.now(), s.opt.Calendar), nil
}
