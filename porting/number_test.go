package porting_test

import (
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers/v2"
	"github.com/portkit/portkit/porting"
	"github.com/stretchr/testify/require"
)

func TestNumberParserParse(t *testing.T) {
	type want struct {
		e164     string
		valid    bool
		region   string
		typ      porting.NumberType
		coverage porting.CoverageCategory
		svtype   string
		nanp     bool
	}
	usGeneric := want{"+12025550100", true, "US", porting.NumberTypeFixedLineOrMobile, porting.CoverageNANPGeneric, porting.SVTypeWireline, true}
	gbLondon := want{"+442079460958", true, "GB", porting.NumberTypeFixedLine, porting.CoverageInternational, porting.SVTypeWireline, false}
	gbMobile := want{"+447400123456", true, "GB", porting.NumberTypeMobile, porting.CoverageInternational, porting.SVTypeWireless, false}
	deBerlin := want{"+4930123456", true, "DE", porting.NumberTypeFixedLine, porting.CoverageInternational, porting.SVTypeWireline, false}
	deMobile := want{"+4915123456789", true, "DE", porting.NumberTypeMobile, porting.CoverageInternational, porting.SVTypeWireless, false}

	tests := []struct {
		region string // DefaultRegion; "" is the zero value (US)
		in     string
		want   want
	}{
		// NANP, the default region.
		{"", "(202) 555-0100", usGeneric},
		{"", "202.555.0100", usGeneric},
		{"", "2025550100", usGeneric},
		{"", "12025550100", usGeneric},
		{"", "+1 202 555 0100", usGeneric},
		{"", "+12025550100", usGeneric},
		{"", "  +1 202 555 0100  ", usGeneric},
		{"US", "202-555-0100", usGeneric},
		{"GB", "+1 (202) 555-0100", usGeneric},
		// NANP toll free.
		{"", "800-555-0199", want{"+18005550199", true, "US", porting.NumberTypeTollFree, porting.CoverageNANPTollFree, porting.SVTypeWireline, true}},
		{"", "+18885550100", want{"+18885550100", true, "US", porting.NumberTypeTollFree, porting.CoverageNANPTollFree, porting.SVTypeWireline, true}},
		// International prefixes 011 and 00.
		{"", "011 44 20 7946 0958", gbLondon},
		{"", "0044 20 7946 0958", gbLondon},
		{"", "+44 20 7946 0958", gbLondon},
		{"", "011-44-20-7946-0958", gbLondon},
		// UK mobile (libphonenumber's GB example mobile number).
		{"", "+44 7400 123456", gbMobile},
		{"", "+447400123456", gbMobile},
		{"", "011 44 7400 123456", gbMobile},
		{"GB", "07400 123456", gbMobile},
		// Germany.
		{"", "+49 30 123456", deBerlin},
		{"", "0049 30 123456", deBerlin},
		{"DE", "030 123456", deBerlin},
		{"", "+49 151 23456789", deMobile},
		{"DE", "0151 23456789", deMobile},
		// Default region GB for a national number.
		{"GB", "020 7946 0958", gbLondon},
		{"GB", "0044 20 7946 0958", gbLondon},
		// A number that parses but is not valid keeps its E164 and is invalid.
		{"", "+447700900123", want{"+447700900123", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
		{"", "+1 555", want{"+1555", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, true}},
		{"", "12345", want{"+112345", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, true}},
		// Inputs that do not parse at all.
		{"", "", want{"", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
		{"", "   ", want{"", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
		{"", "abc", want{"", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
		{"", "not a number", want{"", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
		{"", "+", want{"", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
		{"", "011", want{"", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
		{"", strings.Repeat("1234567890", 7), want{"", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
		{"", "+1202555010" + strings.Repeat("0", 60), want{"", false, "", porting.NumberTypeUnknown, porting.CoverageInvalid, porting.SVTypeWireline, false}},
	}
	for _, tc := range tests {
		t.Run(tc.region+"/"+tc.in, func(t *testing.T) {
			n := porting.NumberParser{DefaultRegion: tc.region}.Parse(tc.in)
			require.Equal(t, tc.in, n.Raw, "Raw must be the input exactly")
			require.Equal(t, tc.want.e164, n.E164, "E164")
			require.Equal(t, tc.want.valid, n.Valid, "Valid")
			require.Equal(t, tc.want.region, n.Region, "Region")
			require.Equal(t, tc.want.typ, n.Type, "Type")
			require.Equal(t, tc.want.coverage, n.Coverage, "Coverage")
			require.Equal(t, tc.want.svtype, n.SVType(), "SVType")
			require.Equal(t, tc.want.nanp, n.NANP(), "NANP")
		})
	}
}

// TestNumberParserExampleNumbers checks every libphonenumber example number
// of a few regions and types: valid, in E.164, with the right type,
// coverage and svtype.
func TestNumberParserExampleNumbers(t *testing.T) {
	types := map[phonenumbers.PhoneNumberType]porting.NumberType{
		phonenumbers.FIXED_LINE:           porting.NumberTypeFixedLine,
		phonenumbers.MOBILE:               porting.NumberTypeMobile,
		phonenumbers.FIXED_LINE_OR_MOBILE: porting.NumberTypeFixedLineOrMobile,
		phonenumbers.TOLL_FREE:            porting.NumberTypeTollFree,
		phonenumbers.PREMIUM_RATE:         porting.NumberTypePremiumRate,
		phonenumbers.SHARED_COST:          porting.NumberTypeSharedCost,
		phonenumbers.VOIP:                 porting.NumberTypeVoIP,
		phonenumbers.PERSONAL_NUMBER:      porting.NumberTypePersonal,
		phonenumbers.PAGER:                porting.NumberTypePager,
		phonenumbers.UAN:                  porting.NumberTypeUAN,
		phonenumbers.VOICEMAIL:            porting.NumberTypeVoicemail,
	}
	svtypes := map[porting.NumberType]string{
		porting.NumberTypeMobile: porting.SVTypeWireless,
		porting.NumberTypeVoIP:   porting.SVTypeVoIP,
	}
	checked := 0
	for _, region := range []string{"US", "CA", "GB", "DE", "FR", "NL", "AU", "JP"} {
		for lpType := range types {
			ex := phonenumbers.GetExampleNumberForTypeInRegion(region, lpType)
			if ex == nil {
				continue
			}
			e164 := phonenumbers.Format(ex, phonenumbers.E164)
			n := porting.NumberParser{}.Parse(e164)
			require.True(t, n.Valid, "%s %v example %s", region, lpType, e164)
			require.Equal(t, e164, n.E164)
			// NANP-wide examples (toll free, premium rate) belong to US.
			require.Equal(t, phonenumbers.GetRegionCodeForNumber(ex), n.Region)
			// The type is libphonenumber's answer for the number, which
			// for an example of one type may be another (NANP fixed line
			// examples are fixed_line_or_mobile).
			wantType := types[phonenumbers.GetNumberType(ex)]
			require.Equal(t, wantType, n.Type, "%s %v example %s", region, lpType, e164)
			wantSV := svtypes[wantType]
			if wantSV == "" {
				wantSV = porting.SVTypeWireline
			}
			require.Equal(t, wantSV, n.SVType())
			switch {
			case region != "US" && region != "CA":
				require.Equal(t, porting.CoverageInternational, n.Coverage)
			case wantType == porting.NumberTypeTollFree:
				require.Equal(t, porting.CoverageNANPTollFree, n.Coverage)
			default:
				require.Equal(t, porting.CoverageNANPGeneric, n.Coverage)
			}
			checked++
		}
	}
	require.Greater(t, checked, 20)
}

func TestNumberParserRawKeptForInvalid(t *testing.T) {
	for _, in := range []string{"", "abc", "+1 555", "12345", strings.Repeat("x", 70), " 202 555 0100 ", "\t+44\n"} {
		n := porting.NumberParser{}.Parse(in)
		require.Equal(t, in, n.Raw)
		if !n.Valid {
			require.Equal(t, porting.CoverageInvalid, n.Coverage, "%q", in)
			require.Equal(t, porting.NumberTypeUnknown, n.Type, "%q", in)
		}
	}
}

func TestNumberSVType(t *testing.T) {
	tests := map[porting.NumberType]string{
		porting.NumberTypeMobile:            "1",
		porting.NumberTypeVoIP:              "2",
		porting.NumberTypeFixedLine:         "0",
		porting.NumberTypeFixedLineOrMobile: "0",
		porting.NumberTypeTollFree:          "0",
		porting.NumberTypeUnknown:           "0",
		"":                                  "0",
	}
	for typ, want := range tests {
		require.Equal(t, want, porting.Number{Type: typ}.SVType(), "type %q", typ)
	}
}

// TestNumberParserInternationalPrefixOtherRegions documents a bug: Parse
// rewrites a leading "011" or "00" to "+" whatever the default region, so
// national numbers of regions whose area codes, after the trunk 0, begin
// with 11 (UK 0113..0118, Sweden 011) are mangled, and so is Australia's
// international prefix 0011 (read as "00" then "11...").
func TestNumberParserInternationalPrefixOtherRegions(t *testing.T) {
	tests := []struct{ region, in, want string }{
		{"GB", "0117 496 0123", "+441174960123"},
		{"GB", "0113 496 0000", "+441134960000"},
		{"SE", "011-123 45 67", "+46111234567"},
		{"AU", "0011 44 20 7946 0958", "+442079460958"},
	}
	for _, tc := range tests {
		n := porting.NumberParser{DefaultRegion: tc.region}.Parse(tc.in)
		require.True(t, n.Valid, "%s %q: %+v", tc.region, tc.in, n)
		require.Equal(t, tc.want, n.E164)
	}
}

// TestNumberParserE164Length: libphonenumber accepts German national
// numbers of up to 15 digits, longer than E.164's 15 digits in all, and
// 4-digit German pager and Iranian UAN numbers; such numbers are not valid
// for porting (found by FuzzParseNumber).
func TestNumberParserE164Length(t *testing.T) {
	tests := []struct {
		region, in, e164 string
		valid            bool
	}{
		{"", "+49 201 0000000000", "+492010000000000", true},      // 15 digits
		{"", "+49 201 00000000000", "+4920100000000000", false},   // 16 digits
		{"", "+49 30 1234567890123", "+49301234567890123", false}, // 17 digits
		{"DE", "0201 000000000000", "+49201000000000000", false},
		{"DE", "2010000A0000A0000", "+49201000000000000", false},
		{"DE", "16XX80", "+491680", false},        // 6 digits
		{"", "+49 1680", "+491680", false},        // 6 digits
		{"", "+98 9601", "+989601", false},        // 6 digits
		{"", "+49 16412345", "+4916412345", true}, // DE pager example
		{"", "+690 3101", "+6903101", true},       // Tokelau fixed line example, 7 digits
		{"", "+683 7012", "+6837012", true},       // Niue fixed line example, 7 digits
	}
	for _, tc := range tests {
		n := porting.NumberParser{DefaultRegion: tc.region}.Parse(tc.in)
		require.Equal(t, tc.in, n.Raw)
		require.Equal(t, tc.e164, n.E164, "%q", tc.in)
		require.Equal(t, tc.valid, n.Valid, "%q", tc.in)
		if tc.valid {
			require.Equal(t, porting.CoverageInternational, n.Coverage)
		} else {
			require.Equal(t, porting.CoverageInvalid, n.Coverage)
		}
	}
}
