package porting_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

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

// BenchmarkPortabilitySpeedup checks the same 10,000 numbers on one core
// and on two, alternating in every iteration so that both see the same
// machine, and reports the speed-up of spreading them over both cores.
func BenchmarkPortabilitySpeedup(b *testing.B) {
	if runtime.NumCPU() < 2 {
		b.Skip("needs two CPUs")
	}
	numbers := mixedNumbers(10_000)
	svc := porting.NewService(memory.New(), porting.Options{})
	ctx := porting.AsSystem(context.Background())
	check := func(procs int) time.Duration {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		runtime.GC()
		start := time.Now()
		if _, err := svc.CheckPortability(ctx, numbers); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	// The ceiling: raw libphonenumber on the same numbers, split in two
	// halves on two goroutines, against one goroutine.
	raw := func(procs int) time.Duration {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		runtime.GC()
		start := time.Now()
		var wg sync.WaitGroup
		for half := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, n := range numbers[half*len(numbers)/procs : (half+1)*len(numbers)/procs] {
					if pn, err := phonenumbers.Parse(n, "US"); err == nil && phonenumbers.IsValidNumber(pn) {
						_ = phonenumbers.GetNumberType(pn)
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	var one, two, rawOne, rawTwo time.Duration
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			one += check(1)
			two += check(2)
			rawOne += raw(1)
			rawTwo += raw(2)
		} else {
			two += check(2)
			one += check(1)
			rawTwo += raw(2)
			rawOne += raw(1)
		}
	}
	per := float64(b.N * len(numbers))
	b.ReportMetric(float64(one.Nanoseconds())/per, "ns/number-1cpu")
	b.ReportMetric(float64(two.Nanoseconds())/per, "ns/number-2cpu")
	b.ReportMetric(float64(one)/float64(two), "speedup")
	b.ReportMetric(float64(rawOne)/float64(rawTwo), "raw-speedup")
}
