package loa

import (
	"strings"

	"github.com/portkit/portkit/porting"
)

// letter is everything one letter prints, resolved from an effective sub
// request and formatted for humans. Fields left empty print as blank
// lines for the customer to fill in.
type letter struct {
	// ref identifies the letter: the sub request's support key, or its ID.
	ref         string
	requestName string
	pageSize    PageSize
	provider    string

	customer string
	address  []string
	contact  string
	email    string

	carrier string
	account string
	btn     string

	// portDate is the requested FOC date, "" when none was asked for.
	portDate string
	// signee and signedOn are set only when the request is signed.
	signee   string
	signedOn string

	numbers []numberRow
	// partial is set for a partial port.
	partial *partialPort
}

// numberRow is one line of the Attachment A table.
type numberRow struct {
	national, e164, carrier, kind string
}

// partialPort describes what stays with the losing carrier in a partial
// port.
type partialPort struct {
	// action is the porting option's remaining-numbers action:
	// porting.RemainingKeep, porting.RemainingDrop or "".
	action    string
	remaining []numberRow
	// newBTN is the billing number of the numbers that stay, formatted;
	// "" when not given.
	newBTN string
}

// newLetter resolves the letter of sr, an effective sub request of r (see
// porting.PortRequest.Effective). The PIN is deliberately not read. Every
// string is made printable in the letter's fonts.
func newLetter(r *porting.PortRequest, sr porting.SubRequest, opt Options) *letter {
	nanp := nanpCountry(sr.CountryCode)
	ref := sr.SupportKey
	if ref == "" {
		ref = sr.ID
	}
	l := &letter{
		ref:         printable(ref),
		requestName: printable(r.Name),
		pageSize:    opt.PageSize,
		provider:    printable(opt.Branding.Name),
		customer:    printable(sr.PersonOrCompanyName),
		contact:     printable(sr.AuthPersonName),
		account:     printable(sr.AccountNumber),
		btn:         printable(phoneWithE164(sr.BillingPhoneNumber)),
		carrier:     printable(sr.Carrier),
	}
	if l.pageSize == PageSizeAuto {
		l.pageSize = A4
		if nanp {
			l.pageSize = Letter
		}
	}
	if l.carrier == "" {
		l.carrier = printable(strings.Join(r.UnderlyingCarriers(sr.ID), ", "))
	}
	l.address = addressLines(sr)
	if len(r.Notifications.EmailSendTo) > 0 {
		l.email = printable(r.Notifications.EmailSendTo[0])
	}
	if !sr.FOCDateRequested.IsZero() {
		l.portDate = formatDate(sr.FOCDateRequested, nanp)
	}
	if r.SigneeName != "" && !r.SigningDate.IsZero() {
		l.signee = printable(r.SigneeName)
		l.signedOn = formatDate(r.SigningDate, nanp)
	}

	numbers := r.SubRequestNumbers(sr.ID)
	l.numbers = make([]numberRow, len(numbers))
	for i, n := range numbers {
		carrier := l.carrier
		if n.Carrier != "" {
			carrier = printable(n.Carrier)
		}
		l.numbers[i] = newNumberRow(n.E164)
		l.numbers[i].carrier = carrier
		l.numbers[i].kind = numberTypeLabel(n.Type)
	}

	if po := sr.PortingOption; po != nil && po.Type == porting.PortPartial {
		p := &partialPort{
			action:    po.RemainingNumbersAction,
			remaining: make([]numberRow, len(po.RemainingNumbers)),
			newBTN:    printable(phoneWithE164(po.NewBillingPhoneNumber)),
		}
		for i, e164 := range po.RemainingNumbers {
			p.remaining[i] = newNumberRow(e164)
		}
		l.partial = p
	}
	return l
}

// newNumberRow returns the row of a number, with its national format.
func newNumberRow(e164 string) numberRow {
	e164 = printable(e164)
	return numberRow{national: nationalFormat(e164), e164: e164}
}

// addressLines writes the service address on up to four lines: street,
// extended address, "Locality, AREA POSTCODE" and the country code.
func addressLines(sr porting.SubRequest) []string {
	var lines []string
	for _, s := range []string{
		sr.StreetAddress,
		sr.ExtendedAddress,
		joinNonEmpty(", ", sr.Locality, joinNonEmpty(" ", sr.AdministrativeArea, sr.PostalCode)),
		sr.CountryCode,
	} {
		if s != "" {
			lines = append(lines, printable(s))
		}
	}
	return lines
}
