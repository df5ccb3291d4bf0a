package porting

import (
	"testing"

	"github.com/nyaruka/phonenumbers/v2"
	"github.com/stretchr/testify/require"
)

// phoneNumberOf rebuilds exactly the number libphonenumber parses, leading
// zeros included (Italy), for every region's example numbers.
func TestPhoneNumberOfRoundTrips(t *testing.T) {
	n := 0
	for region := range phonenumbers.GetSupportedRegions() {
		for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE} {
			pn := phonenumbers.GetExampleNumberForTypeInRegion(region, typ)
			if pn == nil {
				continue
			}
			e164 := phonenumbers.Format(pn, phonenumbers.E164)
			got := phoneNumberOf(e164)
			require.NotNil(t, got, e164)
			require.Equal(t, e164, phonenumbers.Format(got, phonenumbers.E164), region)
			require.Equal(t, pn.GetCountryCode(), got.GetCountryCode(), e164)
			n++
		}
	}
	require.Greater(t, n, 500)
	require.Nil(t, phoneNumberOf("+"))
	require.Nil(t, phoneNumberOf("+999"))
}
