package main

import (
	"fmt"
	mrand "math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/internal/backends"
)

// soakDuration is how long TestSoakMemoryIsFlat runs; PORTD_SOAK (a Go
// duration) sets another, e.g. PORTD_SOAK=5m.
const soakDuration = 20 * time.Second

// rss reads one of a process's resident set sizes, in bytes, from /proc:
// "VmRSS" (all of it), "RssAnon" (the memory it allocated) or "RssFile"
// (the pages of files it maps: Badger's tables and logs, which the kernel
// may drop at will).
func rss(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc status", field)
	return 0
}

// Under a mixed load (creates, edits, many comments on few requests,
// transitions, listings, reads), portd's memory levels off: comments are
// appended without rewriting the ones before, listings and reads are
// bounded, and Badger's caches are bounded. The test samples the RSS
// every second and requires the floor of the last third of the run to
// stay within a margin of the middle third's, and every peak below half as
// much again as portd's memory limit.
func TestSoakMemoryIsFlat(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("reading a process's memory needs /proc")
	}
	d := soakDuration
	if v := os.Getenv("PORTD_SOAK"); v != "" {
		var err error
		d, err = time.ParseDuration(v)
		require.NoError(t, err)
	}
	place := backends.Durable()[0].Durable(t)
	p := startPortd(t, portdBinary(t), place.Flags)
	pid := p.cmd.Process.Pid

	var ops, fails atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(w), 9))
			var mine []string // a few requests, commented on heavily
			n := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				n++
				var res crashResult
				var err error
				switch k := rng.IntN(20); {
				case len(mine) < 3 || k == 0:
					res, err = p.kazoo("PUT", "", 0, "", fmt.Appendf(nil, `{"data":{"name":"soak %d %d","numbers":{"+1%03d555%04d":{}}}}`, w, n, 202+w, n%10000))
					if err == nil && res.status == 201 {
						var created struct{ ID string }
						_, _ = crashDecode(res, &created)
						mine = append(mine, created.ID)
						if len(mine) > 4 {
							mine = mine[1:] // a request full of comments is left behind
						}
					}
				case k < 12:
					res, err = p.kazoo("PUT", "/"+mine[rng.IntN(len(mine))]+"/comments", 0, "",
						fmt.Appendf(nil, `{"data":{"content":"comment %d of worker %d: %s"}}`, n, w, strings.Repeat("x", 200)))
				case k < 14:
					res, err = p.kazoo("GET", "/"+mine[rng.IntN(len(mine))]+"/comments", 0, "", nil)
				case k < 15:
					res, err = p.kazoo("GET", "/"+mine[rng.IntN(len(mine))]+"/timeline", 0, "", nil)
				case k < 17:
					res, err = p.kazoo("GET", "?by_types=all", 0, "", nil)
				case k < 18:
					res, err = p.kazoo("PATCH", "/"+mine[rng.IntN(len(mine))], 0, "", fmt.Appendf(nil, `{"data":{"k%d":%d}}`, n%50, n))
				default:
					res, err = p.kazoo("GET", "/"+mine[rng.IntN(len(mine))], 0, "", nil)
				}
				ops.Add(1)
				if err != nil || res.status >= 500 {
					fails.Add(1)
				}
			}
		}()
	}

	var samples, rates, files []int64
	started := time.Now()
	for last := int64(0); time.Since(started) < d; {
		time.Sleep(time.Second)
		samples = append(samples, rss(t, pid, "RssAnon"))
		files = append(files, rss(t, pid, "RssFile"))
		n := ops.Load()
		rates = append(rates, n-last)
		last = n
	}
	t.Logf("soak: calls a second: %v", rates)
	t.Logf("soak: anonymous RSS, MiB: %v", mib(samples))

	close(stop)
	wg.Wait()
	require.Zero(t, fails.Load(), "no call failed or answered 5xx:\n%s", p.logs)

	if raceDetector {
		t.Log("soak: memory is not asserted under the race detector, whose own memory grows with every goroutine it has seen; .ci/run runs this test without it too")
		return
	}
	// The RSS saws: Badger's compactions build tables in buffers of many
	// MiB, garbage a moment later. What must not grow is the floor the
	// saw comes back down to, which is the memory portd keeps (a leak, or
	// a cost that grows with the comments, raises it); and the peaks must
	// stay near the memory limit portd sets itself.
	third := len(samples) / 3
	middle, late := slices.Min(samples[third:2*third]), slices.Min(samples[2*third:])
	peak := slices.Max(samples)
	t.Logf("soak: %v, %d calls; anonymous RSS %d MiB at start, floor %d MiB in the middle third, %d MiB in the last, peak %d MiB, %d MiB at the end; file-backed RSS (mapped tables) %d MiB at the end",
		d, ops.Load(), samples[0]>>20, middle>>20, late>>20, peak>>20, samples[len(samples)-1]>>20, files[len(files)-1]>>20)
	require.LessOrEqual(t, late, middle+32<<20, "the memory portd keeps grows: %v MiB", mib(samples))
	require.LessOrEqual(t, peak, int64(defaultMemoryLimitMB+defaultMemoryLimitMB/2)<<20, "the peaks pass the memory limit: %v MiB", mib(samples))
}

func mib(s []int64) []int64 {
	out := make([]int64, len(s))
	for i, v := range s {
		out[i] = v >> 20
	}
	return out
}
