package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// smallDisk mounts a file system of size bytes on a new directory for the
// test (a tmpfs: as root, or in a user namespace that maps the test's user
// to root where the kernel allows it), unmounted when the test ends.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	opts := fmt.Sprintf("size=%d,mode=0700", size)
	if os.Geteuid() == 0 {
		require.NoError(t, syscall.Mount("tmpfs", dir, "tmpfs", 0, opts), "mounting a tmpfs")
		t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
		return dir
	}
	t.Skip("the disk-full test mounts a small tmpfs, which needs root (CI runs as root)")
	return ""
}

// A full disk refuses writes with a clear 507 in each dialect, before the
// disk is so full that Badger's memory-mapped files would kill the
// process (SIGBUS); reads go on; nothing acknowledged is lost; writes work
// again once room is made, without a restart; a warning comes first; and
// a restart on the nearly full disk works.
func TestDiskFull(t *testing.T) {
	disk := smallDisk(t, 64<<20)
	ballast := filepath.Join(disk, "ballast")
	require.NoError(t, os.WriteFile(ballast, make([]byte, 8<<20), 0o600))
	data := filepath.Join(disk, "data")
	bin := portdBinary(t)
	flags := []string{"-store", "badger", "-data", data, "-memtable-mb", "2"} // a reserve of 28 MiB
	p := startPortd(t, bin, flags)

	res, err := p.kazoo("PUT", "", 0, "", []byte(`{"data":{"name":"disk full","numbers":{"+12025551234":{}}}}`))
	require.NoError(t, err)
	require.Equal(t, 201, res.status, res)
	var env crashEnvelope
	require.NoError(t, json.Unmarshal(res.body, &env))
	var created struct{ ID string }
	require.NoError(t, json.Unmarshal(env.Data, &created))
	id := created.ID

	// Fill the disk with 512 KB attachments until a write is refused.
	acked := map[string][]byte{}
	attach := func() crashResult {
		t.Helper()
		body := make([]byte, 512<<10) // random: Badger compresses
		_, _ = rand.Read(body)
		name := fmt.Sprintf("f%03d.pdf", len(acked))
		res, err := p.kazoo("PUT", "/"+id+"/attachments?filename="+name, 0, "application/pdf", body)
		require.NoError(t, err, "portd went away while the disk filled:\n%s", p.logs)
		if res.status != 507 {
			require.Equal(t, 201, res.status, res)
			acked[name] = body
		}
		return res
	}
	fill := func() crashResult {
		t.Helper()
		for range 200 {
			if res := attach(); res.status == 507 {
				return res
			}
		}
		t.Fatal("the disk never filled")
		return crashResult{}
	}
	refused := fill()
	require.NotEmpty(t, acked)
	t.Logf("disk full: %d attachments of 512 KB acknowledged, then %s", len(acked), refused)
	require.Contains(t, string(refused.body), "insufficient storage", refused)
	require.True(t, p.logs.warned("the disk is nearly full"), "a low-space warning is logged first")

	// A write as large in the other dialect is refused in its own body: a
	// draft of 4,000 numbers. (Badger frees room as it flushes and
	// compacts, so the disk is filled again before each try.)
	res = crashResult{}
	for try := range 10 {
		var err error
		numbers := make([]string, 1000)
		for i := range numbers {
			numbers[i] = fmt.Sprintf(`{"phone_number":"+1%03d555%04d"}`, 303+try, i)
		}
		res, err = p.telnyx("POST", "/draft_port_requests", []byte(`{"phone_numbers":[`+strings.Join(numbers, ",")+`]}`))
		require.NoError(t, err, "%s", p.logs)
		if res.status == 507 {
			break
		}
		require.Equal(t, 201, res.status, res)
		fill()
	}
	require.Equal(t, 507, res.status, "a large Telnyx write on a full disk")
	require.Contains(t, string(res.body), `"insufficient_storage"`, res)

	// Reads are served, every acknowledged byte is there, and the process
	// is alive.
	requireAttachments := func(p *portdProc) {
		t.Helper()
		for name, want := range acked {
			res, err := p.kazoo("GET", "/"+id+"/attachments/"+name, 0, "", nil)
			require.NoError(t, err, "%s", p.logs)
			require.Equal(t, 200, res.status, "%s: %s", name, res)
			require.Equal(t, want, res.body, name)
		}
	}
	requireAttachments(p)

	// A kill on the full disk, and a restart: it opens and serves.
	require.NoError(t, p.kill())
	require.True(t, p.killedBySignal(), "killed by our SIGKILL, not by SIGBUS: %v", p.waitErr)
	p = startPortd(t, bin, flags)
	requireAttachments(p)

	// Room again: writes work, with no restart.
	require.NoError(t, os.Remove(ballast))
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err = p.kazoo("PUT", "/"+id+"/comments", 0, "", []byte(`{"data":{"comments":[{"content":"room again"}]}}`))
		require.NoError(t, err)
		if res.status == 201 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, 201, res.status, res)
	requireAttachments(p)
	select {
	case <-p.exited:
		t.Fatalf("portd exited: %v\n%s", p.waitErr, p.logs)
	default:
	}
}
