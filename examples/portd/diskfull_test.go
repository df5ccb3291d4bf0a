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
	disk := smallDisk(t, 48<<20)
	ballast := filepath.Join(disk, "ballast")
	require.NoError(t, os.WriteFile(ballast, make([]byte, 8<<20), 0o600))
	data := filepath.Join(disk, "data")
	bin := portdBinary(t)
	flags := []string{"-store", "badger", "-data", data, "-memtable-mb", "4", "-min-free-mb", "12"}
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
	var refused crashResult
	for i := 0; ; i++ {
		require.Less(t, i, 200, "the disk never filled")
		body := make([]byte, 512<<10) // random: Badger compresses
		_, _ = rand.Read(body)
		name := fmt.Sprintf("f%03d.pdf", i)
		res, err := p.kazoo("PUT", "/"+id+"/attachments?filename="+name, 0, "application/pdf", body)
		require.NoError(t, err, "portd went away while the disk filled:\n%s", p.logs)
		if res.status == 507 {
			refused = res
			break
		}
		require.Equal(t, 201, res.status, res)
		acked[name] = body
	}
	require.NotEmpty(t, acked)
	t.Logf("disk full: %d attachments of 512 KB acknowledged, then %s", len(acked), refused)
	require.Contains(t, string(refused.body), "insufficient storage", refused)
	logs := p.logs.String()
	warn := strings.Index(logs, "the disk is nearly full")
	require.GreaterOrEqual(t, warn, 0, "a low-space warning is logged:\n%s", logs)

	// Leave less than the reserve free: every kind of write is refused the
	// same way, in each dialect's body.
	var st syscall.Statfs_t
	require.NoError(t, syscall.Statfs(disk, &st))
	free := int64(st.Bavail) * st.Bsize
	ballast2 := filepath.Join(disk, "ballast2")
	require.NoError(t, os.WriteFile(ballast2, make([]byte, max(0, free-12<<20+64<<10)), 0o600))
	res, err = p.kazoo("PUT", "/"+id+"/comments", 0, "", []byte(`{"data":{"comments":[{"content":"still there?"}]}}`))
	require.NoError(t, err)
	require.Equal(t, 507, res.status, res)
	res, err = p.telnyx("POST", "/draft_port_requests", []byte(`{"phone_numbers":[{"phone_number":"+12025551299"}]}`))
	require.NoError(t, err)
	require.Equal(t, 507, res.status, res)
	require.Contains(t, string(res.body), `"insufficient_storage"`, res)

	// Reads are served, every acknowledged byte is there, and the process
	// is alive.
	requireAttachments := func(p *portdProc) {
		t.Helper()
		for name, want := range acked {
			res, err := p.kazoo("GET", "/"+id+"/attachments/"+name, 0, "", nil)
			require.NoError(t, err)
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
	require.NoError(t, os.Remove(ballast2))
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
