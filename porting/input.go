package porting

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// RequestInput is everything a client may set on a port request: the
// Kazoo document's writable fields. Create and Update take it whole; a
// partial edit starts from PortRequest.Input.
type RequestInput struct {
	Name            string
	Numbers         []NumberInput
	Bill            Bill
	Carrier         string
	WinningCarrier  string
	ReferenceNumber string
	TransferDate    time.Time
	ScheduledDate   time.Time
	SigneeName      string
	SigningDate     time.Time
	Notifications   Notifications
	// Extra holds unknown fields, kept as sent.
	Extra map[string]json.RawMessage
}

// NumberInput is one number as the client sent it, with its free
// per-number object (a JSON object, or empty).
type NumberInput struct {
	Raw     string
	Details json.RawMessage
}

// Limits on request fields.
const (
	MaxNameLength  = 128
	MaxFieldLength = 256
)

// Input returns the request's writable fields, for a partial edit.
func (r *PortRequest) Input() RequestInput {
	c := r.Clone()
	in := RequestInput{
		Name: c.Name, Bill: c.Bill, Carrier: c.Carrier, WinningCarrier: c.WinningCarrier,
		ReferenceNumber: c.ReferenceNumber, TransferDate: c.TransferDate, ScheduledDate: c.ScheduledDate(),
		SigneeName: c.SigneeName, SigningDate: c.SigningDate, Notifications: c.Notifications, Extra: c.Extra,
	}
	in.Numbers = make([]NumberInput, len(c.Numbers))
	for i, n := range c.Numbers {
		in.Numbers[i] = NumberInput{Raw: n.E164, Details: n.Details}
	}
	return in
}

// parsedNumber is a NumberInput after parsing.
type parsedNumber struct {
	Number
	details json.RawMessage
}

// validate checks the input and normalises it: numbers are parsed, the BTN
// is put in E.164. Every problem is reported, not only the first, and
// always in the same order: name; carrier, winning_carrier,
// reference_number and signee_name; the bill's fields in the order Bill
// declares them, bill.btn last; the notification addresses in the order
// sent; transfer_date, scheduled_date, signing_date; and last the numbers,
// in the order sent.
func (s *Service) validate(in *RequestInput) ([]parsedNumber, error) {
	var fe fieldErrors
	switch n := utf8.RuneCountInString(in.Name); {
	case strings.TrimSpace(in.Name) == "":
		fe.add("name", "", "required", "A port request needs a name")
	case n > MaxNameLength:
		fe.tooLong("name", MaxNameLength)
	}
	for _, f := range [...]struct{ field, v string }{
		{"carrier", in.Carrier}, {"winning_carrier", in.WinningCarrier}, {"reference_number", in.ReferenceNumber},
		{"signee_name", in.SigneeName}, {"bill.name", in.Bill.Name}, {"bill.street_number", in.Bill.StreetNumber},
		{"bill.street_pre_dir", in.Bill.StreetPreDir}, {"bill.street_address", in.Bill.StreetAddress},
		{"bill.street_type", in.Bill.StreetType}, {"bill.street_post_dir", in.Bill.StreetPostDir},
		{"bill.extended_address", in.Bill.ExtendedAddress}, {"bill.locality", in.Bill.Locality},
		{"bill.region", in.Bill.Region}, {"bill.postal_code", in.Bill.PostalCode}, {"bill.country", in.Bill.Country},
		{"bill.account_number", in.Bill.AccountNumber}, {"bill.pin", in.Bill.PIN}, {"bill.carrier", in.Bill.Carrier},
	} {
		if utf8.RuneCountInString(f.v) > MaxFieldLength {
			fe.tooLong(f.field, MaxFieldLength)
		}
	}
	if in.Bill.BTN != "" {
		if n := s.opt.Numbers.Parse(in.Bill.BTN); n.Valid {
			in.Bill.BTN = n.E164
		} else {
			fe.add("bill.btn", in.Bill.BTN, "format", "Billing telephone number is not a valid phone number")
		}
	}
	for _, addr := range in.Notifications.EmailSendTo {
		if _, err := mail.ParseAddress(addr); err != nil {
			fe.add("notifications.email.send_to", addr, "format", "Not a valid email address")
		}
	}
	for _, f := range [...]struct {
		field string
		t     time.Time
	}{{"transfer_date", in.TransferDate}, {"scheduled_date", in.ScheduledDate}, {"signing_date", in.SigningDate}} {
		if !f.t.IsZero() && !DateInRange(f.t) {
			fe.add(f.field, f.t.String(), "format", "Date out of range")
		}
	}
	numbers := s.parseNumbers(in.Numbers, &fe)
	if len(in.Numbers) == 0 {
		fe.add("numbers", "", "minProperties", "Port request must have at least one number")
	}
	return numbers, fe.err()
}

// parseNumbers parses and checks number inputs: each must be a valid
// number, appear once and come with an object (or nothing) as details.
func (s *Service) parseNumbers(ins []NumberInput, fe *fieldErrors) []parsedNumber {
	if len(ins) > s.opt.MaxNumbers {
		*fe = append(*fe, FieldError{Field: "numbers", Index: -1, Code: "maxProperties",
			Message: fmt.Sprintf("A port request may hold at most %d numbers", s.opt.MaxNumbers),
			Err:     &TooLargeError{What: "numbers", Limit: int64(s.opt.MaxNumbers)}})
		return nil
	}
	out := make([]parsedNumber, 0, len(ins))
	seen := make(map[string]int, len(ins))
	for i, in := range ins {
		n := s.opt.Numbers.Parse(in.Raw)
		if !n.Valid {
			*fe = append(*fe, FieldError{Field: "numbers", Value: in.Raw, Index: i, Code: "type",
				Message: "Not a valid phone number"})
			continue
		}
		if j, dup := seen[n.E164]; dup {
			*fe = append(*fe, FieldError{Field: "numbers", Value: in.Raw, Index: i, Code: "unique",
				Message: fmt.Sprintf("Number is listed twice (also as %q)", ins[j].Raw)})
			continue
		}
		seen[n.E164] = i
		details := bytes.TrimSpace(in.Details)
		if len(details) > 0 && (details[0] != '{' || !json.Valid(details)) {
			*fe = append(*fe, FieldError{Field: "numbers", Value: in.Raw, Index: i, Code: "type",
				Message: "Number details must be a JSON object"})
			continue
		}
		if bytes.Equal(details, []byte("{}")) {
			details = nil
		}
		out = append(out, parsedNumber{Number: n, details: slices.Clone(details)})
	}
	return out
}

// checkOwned reports numbers the platform already owns: in its inventory,
// or brought in by a completed port.
func (s *Service) checkOwned(ctx context.Context, numbers []parsedNumber, skip func(e164 string) bool) error {
	e164s := make([]string, 0, len(numbers))
	for _, n := range numbers {
		if !skip(n.E164) {
			e164s = append(e164s, n.E164)
		}
	}
	if len(e164s) == 0 {
		return nil
	}
	claims, err := s.store.ClaimedNumbers(ctx, e164s)
	if err != nil {
		return err
	}
	var fe fieldErrors
	for i, n := range numbers {
		if skip(n.E164) {
			continue
		}
		if c, ok := claims[n.E164]; ok && c.Completed {
			oe := &NumberOwnedError{Number: n.Number}
			fe = append(fe, FieldError{Field: "numbers", Value: rawOr(n.Number), Index: i, Code: "type", Message: oe.Error(), Err: oe})
			continue
		}
		acct, owned, err := s.opt.Inventory.Owner(ctx, n.E164)
		if err != nil {
			return err
		}
		if owned {
			oe := &NumberOwnedError{Number: n.Number, AccountID: acct}
			fe = append(fe, FieldError{Field: "numbers", Value: rawOr(n.Number), Index: i, Code: "type", Message: oe.Error(), Err: oe})
		}
	}
	return fe.err()
}

// applyInput copies the input's fields (all but the numbers) onto r,
// after assignNumbers: the scheduled date goes to the sub requests.
func applyInput(r *PortRequest, in RequestInput) {
	r.Name = in.Name
	r.Bill = in.Bill
	r.Carrier = in.Carrier
	r.WinningCarrier = in.WinningCarrier
	r.ReferenceNumber = in.ReferenceNumber
	r.TransferDate = in.TransferDate.UTC()
	r.SigneeName = in.SigneeName
	r.SigningDate = in.SigningDate.UTC()
	r.Notifications = in.Notifications
	r.Extra = in.Extra
	if in.TransferDate.IsZero() {
		r.TransferDate = time.Time{}
	}
	scheduled := in.ScheduledDate.UTC()
	if in.ScheduledDate.IsZero() {
		scheduled = time.Time{}
	}
	r.setScheduledDate(scheduled)
	if in.SigningDate.IsZero() {
		r.SigningDate = time.Time{}
	}
}

// transitionFields are the fields a state transition may change in any
// state (Kazoo merges the body of a transition first): the rest may only
// change while the request is editable.
var transitionFields = map[string]bool{
	"winning_carrier": true, "reference_number": true, "scheduled_date": true,
	"transfer_date": true, "notifications": true,
}

// changedFields names the top-level fields in which in differs from r.
func (s *Service) changedFields(r *PortRequest, in RequestInput) []string {
	cur := r.Input()
	var out []string
	diff := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	diff("name", cur.Name != in.Name)
	diff("numbers", !s.sameNumbers(cur.Numbers, in.Numbers))
	diff("bill", !jsonEqual(cur.Bill, in.Bill))
	diff("carrier", cur.Carrier != in.Carrier)
	diff("winning_carrier", cur.WinningCarrier != in.WinningCarrier)
	diff("reference_number", cur.ReferenceNumber != in.ReferenceNumber)
	diff("transfer_date", !cur.TransferDate.Equal(in.TransferDate))
	diff("scheduled_date", !cur.ScheduledDate.Equal(in.ScheduledDate))
	diff("signee_name", cur.SigneeName != in.SigneeName)
	diff("signing_date", !cur.SigningDate.Equal(in.SigningDate))
	diff("notifications", !jsonEqual(cur.Notifications, in.Notifications))
	diff("extra", !jsonEqual(cur.Extra, in.Extra))
	return out
}

// sameNumbers compares number lists by E.164 form and details, in any order.
func (s *Service) sameNumbers(cur, in []NumberInput) bool {
	if len(cur) != len(in) {
		return false
	}
	byE164 := make(map[string]json.RawMessage, len(cur))
	for _, n := range cur {
		byE164[n.Raw] = n.Details
	}
	for _, n := range in {
		d, ok := byE164[s.opt.Numbers.Parse(n.Raw).E164]
		details := bytes.TrimSpace(n.Details)
		if bytes.Equal(details, []byte("{}")) {
			details = nil
		}
		if !ok || !bytes.Equal(d, details) {
			return false
		}
	}
	return true
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// DateInRange reports whether a date a client gives is within the years
// 1970 to 9999, the range every date of a port request keeps to. The
// Service refuses any other; a dialect whose wire form could turn such a
// date into the zero time ("no date") checks it while parsing.
func DateInRange(t time.Time) bool { return t.Year() >= 1970 && t.Year() <= 9999 }
