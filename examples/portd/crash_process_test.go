package main

// Helpers of TestCrashRecovery (crash_test.go): running portd as a child
// process, reading what it prints, and killing it.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/internal/backends"
)

// crashStartTimeout bounds how long portd may take to print its
// credentials and start listening.
const crashStartTimeout = 15 * time.Second

var (
	crashExportRE    = regexp.MustCompile(`export ACCOUNT_ID=([0-9a-f]+) AUTH_TOKEN=([0-9a-f]+)`)
	crashListeningRE = regexp.MustCompile(`msg="portd listening" addr=(\S+)`)
)

// portdAsServer, set in a process's environment, makes this test binary
// run as portd (see TestMain).
const portdAsServer = "PORTD_AS_SERVER"

// TestMain lets the test binary stand in for the portd binary: started
// with PORTD_AS_SERVER=1 it runs main, and is portd, package main and
// all. The crash test kills and restarts that process, so it needs no
// separate go build (which on a fresh CI machine would compile Badger a
// second time, without -race) and runs what the tests were built from.
func TestMain(m *testing.M) {
	if os.Getenv(portdAsServer) == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	backends.Cleanup() // the PostgreSQL server the tests on every backend start
	os.Exit(code)
}

// portdBinary returns the path of a binary that runs as portd: this very
// test binary (see TestMain).
func portdBinary(t testing.TB) string {
	t.Helper()
	bin, err := os.Executable()
	require.NoError(t, err)
	return bin
}

// crashTail keeps the last lines a process wrote, for failure messages.
type crashTail struct {
	mu    sync.Mutex
	lines []string
	max   int
	// warnings are the WARN lines, all of them, kept apart from the tail.
	warnings []string
}

// add appends a line, dropping the oldest beyond max.
func (l *crashTail) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if strings.Contains(line, "level=WARN") {
		l.warnings = append(l.warnings, line)
	}
	l.lines = append(l.lines, line)
	if len(l.lines) > l.max {
		l.lines = slices.Delete(l.lines, 0, len(l.lines)-l.max)
	}
}

// warned reports whether a warning containing s was logged.
func (l *crashTail) warned(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.warnings, func(w string) bool { return strings.Contains(w, s) })
}

// String returns the lines kept, one per line.
func (l *crashTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// portdProc is one run of the portd binary.
type portdProc struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:PORT
	account string // the master account, from the export line
	token   string // this run's token
	client  *http.Client
	logs    *crashTail
	exited  chan struct{} // closed once the process is waited for
	waitErr error         // cmd.Wait's error, once exited is closed
}

// startPortd runs the binary on the store the flags name (see
// backends.Place), and returns once it has printed its credentials on stdout and
// logged that it listens (on a port of its choosing) on stderr. The
// process is killed when the test ends, if it is still running.
func startPortd(t testing.TB, bin string, storeFlags []string) *portdProc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, storeFlags...)...)
	cmd.Env = append(os.Environ(), portdAsServer+"=1")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &portdProc{cmd: cmd, logs: &crashTail{max: 60}, exited: make(chan struct{})}
	t.Cleanup(func() { _ = p.kill() })

	creds := make(chan []string, 1)
	addr := make(chan string, 1)
	var readers sync.WaitGroup
	scan := func(r io.Reader, prefix string, re *regexp.Regexp, found func(m []string)) {
		defer readers.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		matched := false
		for sc.Scan() {
			line := sc.Text()
			p.logs.add(prefix + line)
			if !matched {
				if m := re.FindStringSubmatch(line); m != nil {
					matched = true
					found(m)
				}
			}
		}
		_, _ = io.Copy(io.Discard, r) // a line too long for the scanner: keep draining
	}
	readers.Add(2)
	go scan(stdout, "stdout: ", crashExportRE, func(m []string) { creds <- m[1:] })
	go scan(stderr, "stderr: ", crashListeningRE, func(m []string) { addr <- m[1] })
	go func() {
		readers.Wait() // Wait must not run before the pipes are drained
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()

	timeout := time.NewTimer(crashStartTimeout)
	defer timeout.Stop()
	for p.base == "" || p.token == "" {
		select {
		case c := <-creds:
			p.account, p.token = c[0], c[1]
		case a := <-addr:
			p.base = "http://" + a
		case <-p.exited:
			t.Fatalf("portd exited while starting: %v\n%s", p.waitErr, p.logs)
		case <-timeout.C:
			_ = p.kill()
			t.Fatalf("portd did not start within %v\n%s", crashStartTimeout, p.logs)
		}
	}
	p.client = &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: 32,
			DisableCompression:  true,
		},
	}
	return p
}

// kill sends SIGKILL (no draining, no Close of the store) and waits for
// the process to be gone. Killing a process that has exited does nothing.
func (p *portdProc) kill() error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("portd (pid %d) still running 10s after SIGKILL", p.cmd.Process.Pid)
	}
	if p.client != nil {
		p.client.CloseIdleConnections()
	}
	return nil
}

// killedBySignal reports whether the process ended by SIGKILL, as kill
// makes it (and not, say, by crashing on its own first).
func (p *portdProc) killedBySignal() bool {
	var ee *exec.ExitError
	if !errors.As(p.waitErr, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}
