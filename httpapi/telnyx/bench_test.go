package telnyx_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// BenchmarkDraftCreate posts a draft of 1,000 numbers over 5
// carriers through the handler, on the memory store: parsing, carrier
// lookup, the split into sub requests, the store's number claims and the
// response. The draft is deleted after each iteration, outside the timer,
// so the numbers are free again.
func BenchmarkDraftCreate(b *testing.B) {
	f := portingtest.New(b)
	npas := []string{"+1202", "+1312", "+1415", "+1646", "+1718"}
	for i, p := range npas {
		f.Carriers.Add(p, fmt.Sprintf("Carrier %d", i+1))
	}
	tokens := &httpapi.Tokens{}
	tokens.Add(apitest.CustomerToken, porting.Actor{AccountID: f.Customer.ID, UserID: "customer-user"})
	h := telnyx.New(f.Service, tokens, telnyx.Options{LinkKey: []byte("bench")})

	numbers := make([]string, 1000)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("%s555%04d", npas[i%len(npas)], 1000+i/len(npas))
	}
	body, err := json.Marshal(telnyxtest.Numbers(numbers...))
	if err != nil {
		b.Fatal(err)
	}
	var created struct {
		ID          string `json:"id"`
		Count       int    `json:"phone_number_count"`
		SubRequests []any  `json:"sub_requests"`
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/origination/porting/draft_port_requests", bytes.NewReader(body))
		req.Header.Set("Authorization", "Token "+apitest.CustomerToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		b.StopTimer()
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
			b.Fatal(err)
		}
		if created.Count != len(numbers) || len(created.SubRequests) != len(npas) {
			b.Fatalf("%d numbers in %d sub requests", created.Count, len(created.SubRequests))
		}
		if _, err := f.Service.Delete(f.AsCustomer(), created.ID, 0); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(numbers)), "ns/number")
}
