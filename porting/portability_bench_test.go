package porting_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nyaruka/phonenumbers/v2"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/memory"
)

// The portability benchmarks: one check of 10,000 mixed numbers (NANP
// local, NANP toll-free, UK, German, invalid) through the Service, against
// raw libphonenumber doing Parse + IsValidNumber + GetNumberType on the same
// numbers. Run with -cpu 1,2 for the speed-up over both cores:
//
//	go test -run '^$' -bench Portability -cpu 1,2 ./porting/
//
// ns/number is the cost of one number; compare check with raw at -cpu 1,
// and check at -cpu 1 with -cpu 2.

// mixedNumbers returns n numbers, a fifth of each kind.
func mixedNumbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		switch i % 5 {
		case 0:
			out[i] = fmt.Sprintf("(202) %03d-%04d", 200+i/10000%800, i%10000) // NANP local
		case 1:
			out[i] = fmt.Sprintf("+1 888 %03d %04d", 200+i/10000%800, i%10000) // NANP toll-free
		case 2:
			out[i] = fmt.Sprintf("+44 20 7946 %04d", i%10000) // UK London
		case 3:
			out[i] = fmt.Sprintf("+49 30 %08d", 10000000+i) // Germany Berlin
		default:
			out[i] = fmt.Sprintf("+1 555 01%d", i%10) // invalid
		}
	}
	return out
}

func BenchmarkPortability(b *testing.B) {
	numbers := mixedNumbers(10_000)
	b.Run("raw-libphonenumber", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, n := range numbers {
				pn, err := phonenumbers.Parse(n, "US")
				if err != nil {
					continue
				}
				if phonenumbers.IsValidNumber(pn) {
					_ = phonenumbers.GetNumberType(pn)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(numbers)), "ns/number")
	})
	b.Run("check", func(b *testing.B) {
		svc := porting.NewService(memory.New(), porting.Options{})
		ctx := porting.AsSystem(context.Background())
		b.ReportAllocs()
		for b.Loop() {
			res, err := svc.CheckPortability(ctx, numbers)
			if err != nil || len(res) != len(numbers) {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(numbers)), "ns/number")
	})
}
