package porting_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/nyaruka/phonenumbers/v2"
	"github.com/nyaruka/phonenumbers/v2/carrier"
	"github.com/portkit/portkit/porting"
	"github.com/stretchr/testify/require"
)

func lookup(t *testing.T, tbl *porting.CarrierTable, raw string) porting.Carrier {
	t.Helper()
	c, err := tbl.LookupCarrier(context.Background(), porting.NumberParser{}.Parse(raw))
	require.NoError(t, err)
	return c
}

func confirmed(name string) porting.Carrier {
	return porting.Carrier{Name: name, Status: porting.PortabilityConfirmed}
}

var pendingCarrier = porting.Carrier{Status: porting.PortabilityPending}

func TestCarrierTableAddLongestPrefix(t *testing.T) {
	var tbl porting.CarrierTable
	tbl.Add("+1202", "Area 202 Telco")
	tbl.Add("1202555", "Exchange 555 Telco") // without "+"
	tbl.Add("+12025550100", "Whole Number Telco")
	tbl.Add("+1", "NANP Default")

	tests := []struct {
		number string
		want   porting.Carrier
	}{
		{"+12025550100", confirmed("Whole Number Telco")},
		{"(202) 555-0100", confirmed("Whole Number Telco")},
		{"+12025550199", confirmed("Exchange 555 Telco")},
		{"+12024561111", confirmed("Area 202 Telco")},
		{"+13125550100", confirmed("NANP Default")},
		{"+18005550199", confirmed("NANP Default")},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, lookup(t, &tbl, tc.number), tc.number)
	}

	// Adding a prefix again replaces its carrier.
	tbl.Add("+1202555", "Replacement Telco")
	require.Equal(t, confirmed("Replacement Telco"), lookup(t, &tbl, "+12025550199"))
	require.Equal(t, confirmed("Whole Number Telco"), lookup(t, &tbl, "+12025550100"))

	// A longer prefix added later wins over a shorter one added earlier,
	// whatever the order.
	var tbl2 porting.CarrierTable
	tbl2.Add("+120255501", "Long")
	tbl2.Add("+12", "Short")
	require.Equal(t, confirmed("Long"), lookup(t, &tbl2, "+12025550100"))
	require.Equal(t, confirmed("Short"), lookup(t, &tbl2, "+12024561111"))
}

func TestCarrierTablePrefixLongerThanNumber(t *testing.T) {
	var tbl porting.CarrierTable
	tbl.Add("+120255501001234", "Too Long")
	tbl.Add("+1202", "Short")
	require.Equal(t, confirmed("Short"), lookup(t, &tbl, "+12025550100"))
}

func TestCarrierTableOverridesRangeHolder(t *testing.T) {
	var tbl porting.CarrierTable
	tbl.Add("+4474", "Ported Carrier")
	require.Equal(t, confirmed("Ported Carrier"), lookup(t, &tbl, "+447400123456"))
}

func TestCarrierTableLoad(t *testing.T) {
	csv := `# prefix,carrier
+1202,Area 202 Telco
1312, Chicago Telco
# a comment in the middle
+1202555,"Exchange, Inc."
  +12025550100 , Whole Number Telco  
+44740,UK Range Telco
`
	var tbl porting.CarrierTable
	require.NoError(t, tbl.Load(strings.NewReader(csv)))
	tests := []struct {
		number string
		want   porting.Carrier
	}{
		{"+12024561111", confirmed("Area 202 Telco")},
		{"+13125550100", confirmed("Chicago Telco")},
		{"+12025550199", confirmed("Exchange, Inc.")},
		{"+12025550100", confirmed("Whole Number Telco")},
		{"+447400123456", confirmed("UK Range Telco")},
		{"+14155550100", pendingCarrier},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, lookup(t, &tbl, tc.number), tc.number)
	}

	// Load adds to what is there.
	require.NoError(t, tbl.Load(strings.NewReader("1415,Bay Telco\n")))
	require.Equal(t, confirmed("Bay Telco"), lookup(t, &tbl, "+14155550100"))
	require.Equal(t, confirmed("Chicago Telco"), lookup(t, &tbl, "+13125550100"))

	// An empty input is fine.
	require.NoError(t, new(porting.CarrierTable).Load(strings.NewReader("")))
	require.NoError(t, new(porting.CarrierTable).Load(strings.NewReader("# only a comment\n")))
}

func TestCarrierTableLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		contains []string
	}{
		{"letter in prefix", "# header\n+1202,Good\n12a4,Bad\n", []string{"line 3", `"12a4"`, "not digits"}},
		{"empty prefix", "1202,Good\n,Bad\n", []string{"line 2", "not digits"}},
		{"only plus", "+,Bad\n", []string{"line 1", `"+"`}},
		{"dash in prefix", "1202,Good\n\n# c\n+1-202,Bad\n", []string{"line 4", `"+1-202"`}},
		{"wrong field count", "1202,Good\n1312\n", []string{"carrier table"}},
		{"too many fields", "1202,Good,Extra\n", []string{"carrier table"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := new(porting.CarrierTable).Load(strings.NewReader(tc.csv))
			require.Error(t, err)
			for _, s := range tc.contains {
				require.Contains(t, err.Error(), s)
			}
		})
	}

	// Lines before the bad one are loaded.
	var tbl porting.CarrierTable
	require.Error(t, tbl.Load(strings.NewReader("1202,Good\nxx,Bad\n")))
	require.Equal(t, confirmed("Good"), lookup(t, &tbl, "+12025550100"))
}

func TestCarrierTableNANPNotInTable(t *testing.T) {
	var tbl porting.CarrierTable
	tbl.Add("+1312", "Chicago Telco")
	for _, n := range []string{"+12025550100", "+18005550199", "2024561111"} {
		require.Equal(t, pendingCarrier, lookup(t, &tbl, n), n)
	}
	// The zero value too.
	require.Equal(t, pendingCarrier, lookup(t, new(porting.CarrierTable), "+12025550100"))

	// libphonenumber does hold range-holder data for some NANP countries
	// (Jamaica's example mobile is "Cable & Wireless"), but NANP numbers
	// have been portable for decades, so the table does not use it.
	jm := phonenumbers.GetExampleNumberForTypeInRegion("JM", phonenumbers.MOBILE)
	name, err := carrier.GetNameForValidNumber(jm, "en")
	require.NoError(t, err)
	require.NotEmpty(t, name, "precondition: libphonenumber has a range holder for %v", jm)
	jmE164 := phonenumbers.Format(jm, phonenumbers.E164)
	require.True(t, porting.NumberParser{}.Parse(jmE164).Valid)
	require.Equal(t, pendingCarrier, lookup(t, &tbl, jmE164))
}

func TestCarrierTableRangeHolders(t *testing.T) {
	// libphonenumber's example mobile numbers and their range holders.
	gb := phonenumbers.Format(phonenumbers.GetExampleNumberForTypeInRegion("GB", phonenumbers.MOBILE), phonenumbers.E164)
	de := phonenumbers.Format(phonenumbers.GetExampleNumberForTypeInRegion("DE", phonenumbers.MOBILE), phonenumbers.E164)
	require.Equal(t, "+447400123456", gb)
	require.Equal(t, "+4915123456789", de)

	tests := []struct {
		number string
		want   porting.Carrier
	}{
		{gb, porting.Carrier{Name: "Three", Status: porting.PortabilityProvisional}},
		{"+44 7400 123456", porting.Carrier{Name: "Three", Status: porting.PortabilityProvisional}},
		{de, porting.Carrier{Name: "T-Mobile", Status: porting.PortabilityProvisional}},
		{"+33612345678", porting.Carrier{Name: "SFR", Status: porting.PortabilityProvisional}},
		// Valid numbers without range-holder data (fixed lines) are pending.
		{"+442079460958", pendingCarrier},
		{"+4930123456", pendingCarrier},
	}
	var zero porting.CarrierTable
	for _, tc := range tests {
		require.Equal(t, tc.want, lookup(t, &zero, tc.number), tc.number)
	}

	off := porting.CarrierTable{NoRangeHolders: true}
	for _, tc := range tests {
		require.Equal(t, pendingCarrier, lookup(t, &off, tc.number), "NoRangeHolders: %s", tc.number)
	}
	// NoRangeHolders does not turn off the table.
	off.Add("+4915", "Table Carrier")
	require.Equal(t, confirmed("Table Carrier"), lookup(t, &off, de))
}

func TestCarrierTableInvalidNumbers(t *testing.T) {
	var tbl porting.CarrierTable
	tbl.Add("+1555", "Would Match The E164")
	tbl.Add("+1", "NANP")
	tbl.Add("+44", "UK")
	for _, raw := range []string{"+1 555", "12345", "", "abc", "+447700900123"} {
		n := porting.NumberParser{}.Parse(raw)
		require.False(t, n.Valid, raw)
		require.Equal(t, pendingCarrier, lookup(t, &tbl, raw), "%q", raw)
	}
	// A Number that claims to be invalid is pending, whatever its E164.
	c, err := tbl.LookupCarrier(context.Background(), porting.Number{E164: "+12025550100"})
	require.NoError(t, err)
	require.Equal(t, pendingCarrier, c)
}

func TestCarrierTableConcurrent(t *testing.T) {
	var tbl porting.CarrierTable
	ctx := context.Background()
	numbers := []porting.Number{
		porting.NumberParser{}.Parse("+12025550100"),
		porting.NumberParser{}.Parse("+447400123456"),
		porting.NumberParser{}.Parse("+4915123456789"),
	}
	const writers, readers, perWorker = 8, 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				tbl.Add(fmt.Sprintf("+1%03d%04d", w, i), fmt.Sprintf("carrier-%d-%d", w, i))
			}
			if w == 0 {
				if err := tbl.Load(strings.NewReader("+1202,Loaded\n")); err != nil {
					t.Errorf("Load: %v", err)
				}
			}
		}()
	}
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				c, err := tbl.LookupCarrier(ctx, numbers[i%len(numbers)])
				if err != nil {
					t.Errorf("LookupCarrier: %v", err)
					return
				}
				if c.Status == "" {
					t.Errorf("empty status for %s", numbers[i%len(numbers)].E164)
					return
				}
			}
		}()
	}
	wg.Wait()

	require.Equal(t, confirmed("Loaded"), lookup(t, &tbl, "+12025550100"))
	for w := range writers {
		for _, i := range []int{0, perWorker - 1} {
			prefix := fmt.Sprintf("+1%03d%04d", w, i)
			n := porting.Number{E164: prefix + "000", Valid: true}
			c, err := tbl.LookupCarrier(ctx, n)
			require.NoError(t, err)
			require.Equal(t, confirmed(fmt.Sprintf("carrier-%d-%d", w, i)), c, prefix)
		}
	}
}

// The range-holder lookup gives the same carrier as libphonenumber's own
// parse-then-look-up, for mobile numbers of many regions.
func TestCarrierTableRangeHoldersMatchLibphonenumber(t *testing.T) {
	table := &porting.CarrierTable{}
	p := porting.NumberParser{}
	for _, region := range []string{"GB", "DE", "FR", "IT", "ES", "NL", "BR", "IN", "AU", "JP", "ZA", "MX", "CH", "SE"} {
		for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.MOBILE, phonenumbers.FIXED_LINE} {
			pn := phonenumbers.GetExampleNumberForTypeInRegion(region, typ)
			if pn == nil {
				continue
			}
			e164 := phonenumbers.Format(pn, phonenumbers.E164)
			want, err := carrier.GetNameForValidNumber(pn, "en")
			require.NoError(t, err)
			got, err := table.LookupCarrier(context.Background(), p.Parse(e164))
			require.NoError(t, err)
			require.Equal(t, want, got.Name, "%s %s", region, e164)
		}
	}
}
