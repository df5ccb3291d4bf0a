package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portkit/portkit/store/postgres/postgrestest"
)

// BenchmarkKazooCreates measures Kazoo creates per second, 64 clients at
// once, against one portd on Badger, one portd on PostgreSQL, and two
// portd on the same PostgreSQL (the clients split between them), in one
// run, each on a fresh store:
//
//	go test -run '^$' -bench KazooCreates -benchtime 3000x ./examples/portd/
//
// Badger syncs every commit, and the PostgreSQL cluster fsyncs, as in
// production. Beside creates/s it reports where the CPU went: the CPU
// seconds per 1,000 creates of portd (all instances) and of PostgreSQL
// (every process of the cluster), and PostgreSQL's share of the two.
// PORTD_CPUPROFILE=DIR writes each portd's CPU profile to DIR, for
// go tool pprof -top DIR/<name>.pprof. On Linux only (it reads /proc).
func BenchmarkKazooCreates(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads CPU times from /proc")
	}
	cluster := postgrestest.StartCluster(b, postgrestest.ClusterOptions{Fsync: true})
	bin := portdBinary(b)
	for _, c := range []struct {
		name      string
		store     string
		instances int
	}{{"badger", "badger", 1}, {"postgres", "postgres", 1}, {"postgres-x2", "postgres", 2}} {
		b.Run(c.name, func(b *testing.B) {
			var flags []string
			if c.store == "badger" {
				flags = []string{"-store", "badger", "-data", b.TempDir()}
			} else {
				flags = []string{"-store", "postgres", "-postgres-url", benchDatabase(b, cluster)}
			}
			procs := make([]*portdProc, c.instances)
			for i := range procs {
				f := flags
				if dir := os.Getenv("PORTD_CPUPROFILE"); dir != "" {
					f = append(f, "-cpuprofile", filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", c.name, i)))
				}
				procs[i] = startPortd(b, bin, f)
			}
			portdBefore, pgBefore := cpuOf(b, procs...), clusterCPU(b, cluster.PID())
			b.ResetTimer()
			start := time.Now()
			creates(b, procs, b.N)
			elapsed := time.Since(start)
			b.StopTimer()
			portdCPU, pgCPU := cpuOf(b, procs...)-portdBefore, clusterCPU(b, cluster.PID())-pgBefore
			for _, p := range procs {
				if err := p.stop(); err != nil {
					b.Error(err)
				}
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "creates/s")
			b.ReportMetric(portdCPU.Seconds()*1000/float64(b.N), "portd-cpu-s/1k")
			b.ReportMetric(pgCPU.Seconds()*1000/float64(b.N), "pg-cpu-s/1k")
			if portdCPU+pgCPU > 0 {
				b.ReportMetric(float64(pgCPU)/float64(portdCPU+pgCPU), "pg-cpu-share")
			}
		})
	}
}

// creates makes n Kazoo creates with 64 clients, client i on procs[i mod
// len(procs)], each request with a number of its own.
func creates(b *testing.B, procs []*portdProc, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for c := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := procs[c%len(procs)]
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				body := fmt.Appendf(nil, `{"data":{"name":"bench %d","numbers":{"+1303%03d%04d":{}}}}`, i, 200+i/10_000, i%10_000)
				res, err := p.kazoo("PUT", "", 0, "application/json", body)
				if err != nil || res.status != http.StatusCreated {
					b.Errorf("create %d: %v %s", i, err, res)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// benchDatabase creates a database on the cluster for one benchmark.
func benchDatabase(b *testing.B, c *postgrestest.Cluster) string {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("bench_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		b.Fatal(err)
	}
	return c.URL(name)
}

// stop ends portd as SIGTERM does (draining, closing the store, writing
// its CPU profile) and waits for it.
func (p *portdProc) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(30 * time.Second):
		return fmt.Errorf("portd (pid %d) still running 30s after SIGTERM", p.cmd.Process.Pid)
	}
}

// clockTick is the unit of /proc's CPU times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// procStat reads a process's parent and CPU times (user, system, and its
// reaped children's) from /proc/PID/stat.
func procStat(pid int) (ppid int, own, children time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	// The fields after the command, which is in parentheses and may hold
	// spaces: state ppid ... utime(14) stime(15) cutime(16) cstime(17).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	num := func(i int) int64 { v, _ := strconv.ParseInt(f[i-3], 10, 64); return v }
	return int(num(4)), time.Duration(num(14)+num(15)) * clockTick, time.Duration(num(16)+num(17)) * clockTick, nil
}

// cpuOf returns the CPU time the processes took so far.
func cpuOf(b *testing.B, procs ...*portdProc) time.Duration {
	var sum time.Duration
	for _, p := range procs {
		_, own, _, err := procStat(p.cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		sum += own
	}
	return sum
}

// clusterCPU returns the CPU time a PostgreSQL cluster took so far: its
// postmaster's, its server processes' (the postmaster's children), and
// that of the children that have exited.
func clusterCPU(b *testing.B, postmaster int) time.Duration {
	_, own, children, err := procStat(postmaster)
	if err != nil {
		b.Fatal(err)
	}
	sum := own + children
	entries, err := os.ReadDir("/proc")
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, own, _, err := procStat(pid); err == nil && ppid == postmaster {
			sum += own
		}
	}
	return sum
}
