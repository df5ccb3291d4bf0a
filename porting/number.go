package porting

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers/v2"
)

// NumberType is what kind of line a number is, from the numbering plan.
type NumberType string

// Number types, after libphonenumber's.
const (
	NumberTypeFixedLine         NumberType = "fixed_line"
	NumberTypeMobile            NumberType = "mobile"
	NumberTypeFixedLineOrMobile NumberType = "fixed_line_or_mobile"
	NumberTypeTollFree          NumberType = "toll_free"
	NumberTypePremiumRate       NumberType = "premium_rate"
	NumberTypeSharedCost        NumberType = "shared_cost"
	NumberTypeVoIP              NumberType = "voip"
	NumberTypePersonal          NumberType = "personal_number"
	NumberTypePager             NumberType = "pager"
	NumberTypeUAN               NumberType = "uan"
	NumberTypeVoicemail         NumberType = "voicemail"
	NumberTypeUnknown           NumberType = "unknown"
)

// CoverageCategory is the coverage class of a number: NANP geographic,
// NANP toll-free, international, or invalid.
type CoverageCategory string

// Coverage categories.
const (
	CoverageNANPGeneric   CoverageCategory = "nanp_generic"
	CoverageNANPTollFree  CoverageCategory = "nanp_toll_free"
	CoverageInternational CoverageCategory = "international"
	CoverageInvalid       CoverageCategory = "invalid"
)

// Service types (NPAC's SV type): what kind of service a number is on.
const (
	SVTypeWireline = "0"
	SVTypeWireless = "1"
	SVTypeVoIP     = "2"
)

// Number is a telephone number as a client sent it and as portkit
// understands it.
type Number struct {
	// Raw is the number exactly as the client sent it; error messages
	// and error keys use it.
	Raw string `json:"raw,omitempty"`
	// E164 is the normalised form, "+" and digits. It is set whenever the
	// input parsed, even when the number is not valid.
	E164 string `json:"e164"`
	// Valid reports whether the number is a valid number of its
	// numbering plan.
	Valid bool `json:"valid"`
	// Region is the ISO 3166-1 alpha-2 region of the number ("US", "GB"),
	// "001" for non-geographic numbers, empty when unknown.
	Region string `json:"region,omitempty"`
	// Type is the line type from the numbering plan.
	Type NumberType `json:"type,omitempty"`
	// Coverage is the number's coverage class.
	Coverage CoverageCategory `json:"coverage_category,omitempty"`
}

// SVType returns the NPAC service type of the number: "1" for mobile, "2" for
// VoIP, "0" (wireline) otherwise.
func (n Number) SVType() string {
	switch n.Type {
	case NumberTypeMobile:
		return SVTypeWireless
	case NumberTypeVoIP:
		return SVTypeVoIP
	}
	return SVTypeWireline
}

// NANP reports whether the number is in the North American Numbering Plan.
func (n Number) NANP() bool { return strings.HasPrefix(n.E164, "+1") }

// NumberParser normalises and classifies numbers. The zero value parses
// with default region "US".
type NumberParser struct {
	// DefaultRegion is the ISO region used for numbers written without a
	// country code; "US" when empty.
	DefaultRegion string
}

// Parse normalises raw to E.164 and classifies it. Formatting characters
// are ignored; a national number (such as a 10-digit NANP number) takes the
// default region's country code. With a NANP default region, a leading
// "011" (the NANP's international prefix) or "00" (everybody else's, which
// no NANP number starts with) becomes "+"; other regions' international
// prefixes ("00" in Europe, "0011" in Australia) are the region's own, as
// libphonenumber knows them. Control characters (NUL among them) and
// bytes that are not UTF-8 make the number invalid rather than being
// skipped. Parse never fails: a number that cannot be understood comes
// back with Valid false and Coverage invalid.
func (p NumberParser) Parse(raw string) Number {
	n := Number{Raw: raw, Coverage: CoverageInvalid, Type: NumberTypeUnknown}
	s := strings.TrimSpace(raw)
	if s == "" || len(s) > 64 || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return n // libphonenumber would skip a NUL or a stray byte and read on
	}
	region := p.DefaultRegion
	if region == "" {
		region = "US"
	}
	if s[0] != '+' && phonenumbers.GetCountryCodeForRegion(region) == 1 {
		if d := leadingDigits(s); strings.HasPrefix(d, "011") {
			s = "+" + d[3:]
		} else if strings.HasPrefix(d, "00") {
			s = "+" + d[2:]
		}
	}
	pn, err := phonenumbers.Parse(s, region)
	if err != nil {
		return n
	}
	n.E164 = phonenumbers.Format(pn, phonenumbers.E164)
	n.Region = phonenumbers.GetRegionCodeForNumber(pn)
	t := phonenumbers.GetNumberType(pn)
	n.Type = numberType(t)
	// GetNumberType is UNKNOWN exactly when IsValidNumber is false; asking
	// once saves a second walk of the metadata. libphonenumber accepts some
	// numbers of more than E.164's 15 digits (DE, ID, KR, UY) and some
	// 4-digit short numbers (DE pagers, IR UANs): not valid here.
	n.Valid = t != phonenumbers.UNKNOWN && len(n.E164) >= 8 && len(n.E164) <= 16
	switch {
	case !n.Valid:
		n.Coverage = CoverageInvalid
	case pn.GetCountryCode() == 1 && t == phonenumbers.TOLL_FREE:
		n.Coverage = CoverageNANPTollFree
	case pn.GetCountryCode() == 1:
		n.Coverage = CoverageNANPGeneric
	default:
		n.Coverage = CoverageInternational
	}
	return n
}

// leadingDigits returns the digits of s, ignoring formatting characters, up
// to the first character that is neither (so letters stop it).
func leadingDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/':
		default:
			return b.String()
		}
	}
	return b.String()
}

func numberType(t phonenumbers.PhoneNumberType) NumberType {
	switch t {
	case phonenumbers.FIXED_LINE:
		return NumberTypeFixedLine
	case phonenumbers.MOBILE:
		return NumberTypeMobile
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return NumberTypeFixedLineOrMobile
	case phonenumbers.TOLL_FREE:
		return NumberTypeTollFree
	case phonenumbers.PREMIUM_RATE:
		return NumberTypePremiumRate
	case phonenumbers.SHARED_COST:
		return NumberTypeSharedCost
	case phonenumbers.VOIP:
		return NumberTypeVoIP
	case phonenumbers.PERSONAL_NUMBER:
		return NumberTypePersonal
	case phonenumbers.PAGER:
		return NumberTypePager
	case phonenumbers.UAN:
		return NumberTypeUAN
	case phonenumbers.VOICEMAIL:
		return NumberTypeVoicemail
	}
	return NumberTypeUnknown
}
