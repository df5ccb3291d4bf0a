package porting_test

import (
	"fmt"

	"github.com/portkit/portkit/porting"
)

func ExampleNumberParser_Parse() {
	var p porting.NumberParser // default region US
	for _, raw := range []string{
		"(202) 555-0100",
		"800-555-0199",
		"011 44 20 7946 0958",
		"+44 7400 123456",
		"not a number",
	} {
		n := p.Parse(raw)
		fmt.Printf("%q: e164=%q coverage=%s svtype=%s\n", n.Raw, n.E164, n.Coverage, n.SVType())
	}

	uk := porting.NumberParser{DefaultRegion: "GB"}
	n := uk.Parse("020 7946 0958")
	fmt.Printf("%q: e164=%q coverage=%s svtype=%s\n", n.Raw, n.E164, n.Coverage, n.SVType())
	// Output:
	// "(202) 555-0100": e164="+12025550100" coverage=nanp_generic svtype=0
	// "800-555-0199": e164="+18005550199" coverage=nanp_toll_free svtype=0
	// "011 44 20 7946 0958": e164="+442079460958" coverage=international svtype=0
	// "+44 7400 123456": e164="+447400123456" coverage=international svtype=1
	// "not a number": e164="" coverage=invalid svtype=0
	// "020 7946 0958": e164="+442079460958" coverage=international svtype=0
}
