package postgrestest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// startTimeout bounds how long a cluster may take to accept connections,
// crash recovery included.
const startTimeout = 60 * time.Second

// ClusterOptions configure a cluster of one's own.
type ClusterOptions struct {
	// Fsync turns fsync on, for benchmarks that measure durable writes as
	// a production server makes them. Tests leave it off: a test cluster
	// need only survive the crash of a process, and the operating system
	// keeps what a crashed process wrote.
	Fsync bool
}

// Cluster is a throwaway PostgreSQL cluster: a data directory in a
// temporary directory and the postmaster serving it, a child of the test
// binary. Its methods are safe for concurrent use.
type Cluster struct {
	bin  string // the directory of initdb and postgres
	dir  string // the temporary directory: data/, sock/, postgres.log
	port int
	opt  ClusterOptions
	as   *credential // the unprivileged user it runs as, when the tests run as root

	mu   sync.Mutex
	proc *process // the running postmaster; nil while stopped
}

// StartCluster starts a cluster of the test's own, stopped and removed
// when tb ends. It skips tb (fails it, under PORTKIT_REQUIRE_POSTGRES=1)
// when the machine has no PostgreSQL binaries. Tests that only need a
// database use NewDatabase, on the shared server; a cluster of one's own
// is for a test that stops the server (see Stop).
func StartCluster(tb testing.TB, opt ClusterOptions) *Cluster {
	tb.Helper()
	c, err := startCluster(opt)
	if err != nil {
		unavailable(tb, err)
	}
	tb.Cleanup(func() {
		if err := c.remove(); err != nil {
			tb.Errorf("postgrestest: removing the cluster: %v", err)
		}
	})
	return c
}

// startCluster runs initdb in a new temporary directory and starts the
// postmaster.
func startCluster(opt ClusterOptions) (*Cluster, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	as, err := unprivileged()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "portkit-postgres-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir, opt: opt, as: as}
	if err := c.init(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	// A free port, found by listening on it; another process may take it
	// before the postmaster does, so a start that fails is tried again on
	// another port.
	for attempt := 0; ; attempt++ {
		if c.port, err = freePort(); err == nil {
			if err = c.Start(); err == nil {
				return c, nil
			}
		}
		if attempt == 3 {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}
}

// init makes the data directory with initdb, as the unprivileged user
// when there is one.
func (c *Cluster) init() error {
	for _, d := range []string{c.dir, filepath.Join(c.dir, "sock")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if err := chownTo(c.as, d); err != nil {
			return err
		}
	}
	cmd := c.command("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale",
		"--no-sync", "--no-instructions")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	return nil
}

func (c *Cluster) data() string    { return filepath.Join(c.dir, "data") }
func (c *Cluster) sock() string    { return filepath.Join(c.dir, "sock") }
func (c *Cluster) logPath() string { return filepath.Join(c.dir, "postgres.log") }

// command prepares one of the cluster's binaries, as its user.
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = cleanEnv()
	cmd.SysProcAttr = procAttrFor(c.as)
	return cmd
}

// Port is the TCP port the cluster listens on, on 127.0.0.1. It stays
// the same across Stop and Start.
func (c *Cluster) Port() int { return c.port }

// PID is the process ID of the running postmaster (0 while stopped):
// the parent of every server process of the cluster, for a benchmark that
// measures the CPU they take.
func (c *Cluster) PID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return 0
	}
	return c.proc.cmd.Process.Pid
}

// URL is the URL of a database of the cluster, as its superuser
// "postgres" (trust authentication: the cluster listens on 127.0.0.1 and
// its own socket only).
func (c *Cluster) URL(database string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// StopMode is how Stop stops the server, as pg_ctl stop -m names it.
type StopMode int

// Stop modes.
const (
	// Fast rolls back open transactions, disconnects the clients and
	// shuts down cleanly (SIGINT to the postmaster).
	Fast StopMode = iota
	// Immediate stops every server process at once, without a
	// checkpoint, as a crash would (SIGQUIT to the postmaster): the next
	// start runs crash recovery. What was committed survives it.
	Immediate
)

// Stop stops the server as pg_ctl stop -m mode does, by the same signal to
// the postmaster, and waits until it has exited. Stopping a stopped
// cluster does nothing.
func (c *Cluster) Stop(mode StopMode) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.proc
	if p == nil {
		return nil
	}
	sig := syscall.SIGINT
	if mode == Immediate {
		sig = syscall.SIGQUIT
	}
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.done:
	case <-time.After(startTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("the postmaster did not stop within %v (killed)", startTimeout)
	}
	c.proc = nil
	return nil
}

// Start starts the server of a stopped cluster, on its port, and waits
// until it accepts connections (after crash recovery, if it was stopped
// with Immediate). Starting a running cluster does nothing.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc != nil {
		return nil
	}
	fsync := "off"
	if c.opt.Fsync {
		fsync = "on"
	}
	log, err := os.OpenFile(c.logPath(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer log.Close() // the child has its own descriptor
	cmd := c.command("postgres", "-D", c.data(), "-p", strconv.Itoa(c.port), "-k", c.sock(),
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync="+fsync, "-c", "full_page_writes="+fsync,
		"-c", "max_connections=300", "-c", "log_min_messages=warning", "-c", "log_connections=off")
	cmd.Stdout, cmd.Stderr = log, log
	p, err := spawn(cmd)
	if err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	if err := c.waitReady(p); err != nil {
		_ = p.cmd.Process.Kill()
		<-p.done
		return err
	}
	c.proc = p
	return nil
}

// SetXIDEpoch sets the epoch of the cluster's transaction IDs
// (pg_resetwal -e), as about 4 billion transactions, or a pg_upgrade of an
// old cluster, leave it: 64-bit transaction IDs (pg_current_xact_id) then
// pass 2^32, while pg_locks still names 32-bit ones. The cluster must be
// stopped (with Fast).
func (c *Cluster) SetXIDEpoch(epoch uint32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc != nil {
		return errors.New("postgrestest: SetXIDEpoch needs a stopped cluster")
	}
	cmd := c.command("pg_resetwal", "-e", strconv.FormatUint(uint64(epoch), 10), c.data())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_resetwal: %w\n%s", err, out)
	}
	return nil
}

// waitReady waits until the server accepts connections, or exits.
func (c *Cluster) waitReady(p *process) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		// Over the cluster's own socket: another cluster that took the
		// port meanwhile would answer on TCP.
		conn, err := pgconn.Connect(ctx, fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable connect_timeout=5", c.sock(), c.port))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-p.done:
			return fmt.Errorf("postgres exited while starting: %v\n%s", p.err, c.logTail())
		case <-ctx.Done():
			return fmt.Errorf("postgres did not accept connections within %v: %v\n%s", startTimeout, err, c.logTail())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// logTail returns the end of the server's log, for error messages.
func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(c.logPath())
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return strings.TrimSpace(string(b))
}

// remove stops the server and removes the cluster's directory.
func (c *Cluster) remove() error {
	err := c.Stop(Fast)
	if rerr := os.RemoveAll(c.dir); err == nil {
		err = rerr
	}
	return err
}

// process is a running child: the postmaster.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once it has exited
	err  error         // cmd.Wait's, once done is closed
}

// spawn starts cmd from a goroutine locked to its OS thread, which waits
// for it: the parent-death signal (set where the platform has one) is
// sent when the thread that started the child ends, so the thread must
// live exactly as long as the child, and a test binary that dies takes
// its postmaster with it.
func spawn(cmd *exec.Cmd) (*process, error) {
	p := &process{cmd: cmd, done: make(chan struct{})}
	setParentDeathSignal(cmd.SysProcAttr)
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the child
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// freePort returns a TCP port of 127.0.0.1 that nothing listens on now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// cleanEnv is the environment of the cluster's commands: the tests' own,
// without the libpq variables that would point them elsewhere.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return append(env, "LC_ALL=C")
}
