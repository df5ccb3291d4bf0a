package kazoo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	badgerstore "github.com/portkit/portkit/store/badger"
)

// BenchmarkGet compares GET port_requests/{id} through the Kazoo
// handler (memory store) with a bare handler writing the same bytes and
// headers: the cost of the dialect and the Service over the cost of
// answering at all.
func BenchmarkGet(b *testing.B) {
	f := portingtest.New(b)
	tokens := &httpapi.Tokens{}
	tokens.Add("t", porting.Actor{AccountID: f.Customer.ID, UserID: "u", Name: "U"})
	h := kazoo.New(f.Service, tokens, kazoo.Options{})
	in := portingtest.Input("Porting 202.555.9000", "+12025559000", "+12025559001")
	in.Bill = porting.Bill{Name: "John Doe", StreetAddress: "Natoma", StreetNumber: "116", Locality: "San Francisco",
		Region: "CA", PostalCode: "95109", BTN: "+12025559000"}
	in.Carrier, in.TransferDate = "PACIFIC BELL", portingtest.Epoch.Add(10*24*time.Hour)
	in.Notifications.EmailSendTo = []string{"someone@example.com"}
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/v2/accounts/customer/port_requests/"+r.ID, nil)
	req.Header.Set("X-Auth-Token", "t")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%d %s", rec.Code, rec.Body)
	}
	body, header := rec.Body.Bytes(), rec.Header().Clone()
	bare := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	serve := func(b *testing.B, h http.Handler) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"kazoo", h}, {"bare", bare}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				serve(b, bc.h)
			}
		})
	}
	// paired serves both in every iteration, in alternating order, so
	// that both see the same machine: kazoo/bare is the handler's share of
	// the bare throughput.
	b.Run("paired", func(b *testing.B) {
		var kazoo, plain time.Duration
		timed := func(h http.Handler) time.Duration { t := time.Now(); serve(b, h); return time.Since(t) }
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 {
				kazoo += timed(h)
				plain += timed(bare)
			} else {
				plain += timed(bare)
				kazoo += timed(h)
			}
		}
		b.ReportMetric(float64(kazoo.Nanoseconds())/float64(b.N), "kazoo-ns/op")
		b.ReportMetric(float64(plain.Nanoseconds())/float64(b.N), "bare-ns/op")
		b.ReportMetric(float64(plain)/float64(kazoo), "kazoo/bare")
	})
}

// BenchmarkCreate: PUT create of a 10-number request through the
// Kazoo handler on the Badger store, on disk with SyncWrites on, as portd
// runs it.
func BenchmarkCreate(b *testing.B) {
	store, err := badgerstore.Open(badgerstore.Options{Dir: b.TempDir(), GCInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc := porting.NewService(store, porting.Options{})
	sys := porting.AsSystem(context.Background())
	if err := svc.PutAccount(sys, porting.Account{ID: "acct", Name: "Acct", PortAuthority: true}); err != nil {
		b.Fatal(err)
	}
	tokens := &httpapi.Tokens{}
	tokens.Add("t", porting.Actor{AccountID: "acct", Name: "A"})
	h := kazoo.New(svc, tokens, kazoo.Options{})
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		var body strings.Builder
		body.WriteString(`{"data":{"name":"bench","numbers":{`)
		for j := range 10 {
			if j > 0 {
				body.WriteByte(',')
			}
			fmt.Fprintf(&body, `"+1202%03d%04d":{}`, 200+n/10000, n%10000)
			n++
		}
		body.WriteString(`}}}`)
		req := httptest.NewRequest("PUT", "/v2/accounts/acct/port_requests", strings.NewReader(body.String()))
		req.Header.Set("X-Auth-Token", "t")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}
