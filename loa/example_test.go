package loa_test

import (
	"bytes"
	"fmt"

	"github.com/portkit/portkit/loa"
	"github.com/portkit/portkit/porting"
)

func ExampleRender() {
	r := &porting.PortRequest{
		ID:   "pr_1",
		Name: "Head office",
		Bill: porting.Bill{
			Name:          "Example Widgets LLC",
			StreetAddress: "1 Main Street",
			Locality:      "Springfield",
			Region:        "IL",
			PostalCode:    "62701",
			Country:       "US",
			BTN:           "+12175550100",
		},
		SubRequests: []porting.SubRequest{
			{ID: "sr_1", Carrier: "Verizon", AccountNumber: "VZ-100"},
			{ID: "sr_2", Carrier: "AT&T", AccountNumber: "ATT-200"},
		},
		Numbers: []porting.PortNumber{
			{Number: porting.Number{E164: "+12175550100", Valid: true, Region: "US"}, SubRequestID: "sr_1"},
			{Number: porting.Number{E164: "+12175550101", Valid: true, Region: "US"}, SubRequestID: "sr_1"},
			{Number: porting.Number{E164: "+12175550199", Valid: true, Region: "US"}, SubRequestID: "sr_2"},
		},
	}
	var buf bytes.Buffer
	err := loa.Render(&buf, r, loa.Options{
		Branding: loa.Branding{Name: "Acme Telecom Inc.", Address: []string{"100 Main Street", "Springfield, IL 62701"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("PDF:", bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
	// Two sub requests, two letters of two pages each: the letter and its
	// Attachment A.
	fmt.Println("pages:", bytes.Count(buf.Bytes(), []byte("<</Type /Page\n")))
	// Output:
	// PDF: true
	// pages: 4
}
