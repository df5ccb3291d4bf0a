package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/internal/backends"
)

// restartKills is how many times TestRestartAfterKillDuringLargeUploads
// kills portd.
const restartKills = 40

// A restart after SIGKILL always works, however the kill falls: portd is
// killed 40 times at random moments while four clients upload
// attachments of 1 to 8 MB, and every restart must start on the first try
// and keep every acknowledged upload. (A kill between Badger's creating a
// memtable log and sizing it used to make the next start fail.)
func TestRestartAfterKillDuringLargeUploads(t *testing.T) {
	for _, be := range backends.Durable() {
		t.Run(be.Name, func(t *testing.T) { testRestartAfterKills(t, be.Durable(t)) })
	}
}

func testRestartAfterKills(t *testing.T, place backends.Place) {
	bin := portdBinary(t)
	rng := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), 7))
	p := startPortd(t, bin, place.Flags)
	res, err := p.kazoo("PUT", "", 0, "", []byte(`{"data":{"name":"uploads","numbers":{"+12025553333":{}}}}`))
	require.NoError(t, err)
	require.Equal(t, 201, res.status, res)
	var env crashEnvelope
	require.NoError(t, json.Unmarshal(res.body, &env))
	var created struct{ ID string }
	require.NoError(t, json.Unmarshal(env.Data, &created))

	var mu sync.Mutex
	acked := map[string]int{} // attachment -> length
	uploads := 0
	started := time.Now()
	for kill := range restartKills {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					size := 1<<20 + mrand.IntN(7_000_000)
					body := make([]byte, size)
					_, _ = rand.Read(body)
					name := fmt.Sprintf("k%02d-w%d-%d.pdf", kill, w, i)
					res, err := p.kazoo("PUT", "/"+created.ID+"/attachments?filename="+name, 0, "application/pdf", body)
					if err != nil {
						return // the kill
					}
					if res.status == 201 {
						mu.Lock()
						acked[name] = size
						uploads++
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		require.NoError(t, p.kill())
		close(stop)
		wg.Wait()
		p = startPortd(t, bin, place.Flags) // fails the test if it does not start
	}

	// Every acknowledged upload is there, whole.
	res, err = p.kazoo("GET", "/"+created.ID+"/attachments", 0, "", nil)
	require.NoError(t, err)
	require.Equal(t, 200, res.status, res)
	require.NoError(t, json.Unmarshal(res.body, &env))
	var listed map[string]struct{ Length int }
	require.NoError(t, json.Unmarshal(env.Data, &listed))
	for name, size := range acked {
		require.Contains(t, listed, name)
		require.Equal(t, size, listed[name].Length, name)
	}
	t.Logf("restarts: %d kills during uploads, %d restarts, 0 failed; %d uploads of 1-8 MB acknowledged, all there; %v",
		restartKills, restartKills, uploads, time.Since(started).Round(time.Millisecond))
}
