package loa

import (
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers/v2"

	"github.com/portkit/portkit/porting"
)

// nationalFormat returns an E.164 number in its country's national format,
// as people write it ("(202) 555-0100", "020 7183 8750"), or "" when the
// number does not parse.
//
// phonenumbers.Parse costs about 10µs a number (regular expressions over
// the input), which for a 1,000-number letter would be a large share of
// the render. A NANP number in E.164 has no ambiguity to resolve, so it is
// built directly and only formatted by phonenumbers (about 1.5µs); every
// other number goes through Parse.
func nationalFormat(e164 string) string {
	if pn, ok := nanpNumber(e164); ok {
		return phonenumbers.Format(pn, phonenumbers.NATIONAL)
	}
	pn, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return ""
	}
	return phonenumbers.Format(pn, phonenumbers.NATIONAL)
}

// nanpNumber returns the parsed form of a NANP number written "+1" and ten
// digits whose area code starts with 2-9. Such a number carries no
// national prefix or leading zero for phonenumbers.Parse to strip, so the
// result equals what Parse would return.
func nanpNumber(e164 string) (*phonenumbers.PhoneNumber, bool) {
	if len(e164) != 12 || e164[0] != '+' || e164[1] != '1' || e164[2] < '2' || e164[2] > '9' {
		return nil, false
	}
	var n uint64
	for i := 2; i < len(e164); i++ {
		c := e164[i]
		if c < '0' || c > '9' {
			return nil, false
		}
		n = n*10 + uint64(c-'0')
	}
	cc := int32(1)
	return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}, true
}

// phoneWithE164 writes a number for humans and for systems:
// "(202) 555-0100 (+12025550100)". A number that does not parse is
// printed as given.
func phoneWithE164(e164 string) string {
	if e164 == "" {
		return ""
	}
	nat := nationalFormat(e164)
	if nat == "" || nat == e164 {
		return e164
	}
	return nat + "  (" + e164 + ")"
}

// nanpCountry reports whether an ISO 3166-1 alpha-2 country is in the
// North American Numbering Plan (US, CA, PR and the Caribbean members).
// An empty country counts as NANP: portkit's default region is US.
func nanpCountry(country string) bool {
	if country == "" {
		return true
	}
	return phonenumbers.GetCountryCodeForRegion(strings.ToUpper(country)) == 1
}

// formatDate writes a date the way the letter's readers do: "March 2,
// 2026" in NANP countries, "2 March 2026" elsewhere. The date is the one
// of t's own location.
func formatDate(t time.Time, nanp bool) string {
	if nanp {
		return t.Format("January 2, 2006")
	}
	return t.Format("2 January 2006")
}

// numberTypeLabel names a line type for the Attachment A table.
func numberTypeLabel(t porting.NumberType) string {
	switch t {
	case porting.NumberTypeFixedLine:
		return "Fixed line"
	case porting.NumberTypeMobile:
		return "Mobile"
	case porting.NumberTypeFixedLineOrMobile:
		return "Fixed or mobile"
	case porting.NumberTypeTollFree:
		return "Toll-free"
	case porting.NumberTypePremiumRate:
		return "Premium rate"
	case porting.NumberTypeSharedCost:
		return "Shared cost"
	case porting.NumberTypeVoIP:
		return "VoIP"
	case porting.NumberTypePersonal:
		return "Personal"
	case porting.NumberTypePager:
		return "Pager"
	case porting.NumberTypeUAN:
		return "UAN"
	case porting.NumberTypeVoicemail:
		return "Voicemail"
	}
	return ""
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.String()
}
