package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Resource limits: a client that is slow or stuck on purpose holds one
// connection, never the server, and a body is bounded before it is read.

// hostOf is the host:port of a server.
func (s *server) hostOf() string { return strings.TrimPrefix(s.base, "http://") }

// dial opens a raw connection to the server, with a receive buffer of
// rcvbuf bytes when positive (set before connecting, so the window the
// server sees is small from the start).
func (s *server) dial(t *testing.T, rcvbuf int) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if rcvbuf > 0 {
		d.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
			})
			return errors.Join(err, serr)
		}
	}
	c, err := d.Dial("tcp", s.hostOf())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// promptly is how soon each call of requireServesPromptly must be
// answered: generous, for a loaded CI machine running -race.
const promptly = 3 * time.Second

// requireServesPromptly makes n health checks and Kazoo listings, one
// after another on fresh connections, each answered within promptly,
// and returns when the last was answered.
func (s *server) requireServesPromptly(t *testing.T, n int) time.Time {
	t.Helper()
	client := &http.Client{Timeout: promptly, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range n {
		path, hdr := "/healthz", ""
		if i%2 == 1 {
			path, hdr = "/v2/accounts/"+s.account+"/port_requests", s.token
		}
		req, err := http.NewRequest("GET", s.base+path, nil)
		require.NoError(t, err)
		req.Header.Set("X-Auth-Token", hdr)
		start := time.Now()
		resp, err := client.Do(req)
		require.NoError(t, err, "call %d (%s) while the bad clients hold their connections", i, path)
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Less(t, time.Since(start), promptly)
	}
	return time.Now()
}

// maxSendBuffer is the most a TCP socket's send buffer grows to on Linux
// (the last field of net.ipv4.tcp_wmem), or 0 when unknown.
func maxSendBuffer() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/tcp_wmem")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return 0
	}
	n, _ := strconv.Atoi(f[2])
	return n
}

// trickle writes data to c a byte at a time, one every interval, until
// it is all sent, the server hangs up, or stop is closed.
func trickle(c net.Conn, data []byte, every time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for _, b := range data {
		if _, err := c.Write([]byte{b}); err != nil {
			return
		}
		select {
		case <-tick.C:
		case <-stop:
			return
		}
	}
}

// requireClosedBy requires the server to close c (with EOF or a reset)
// before the deadline, and returns what it sent first.
func requireClosedBy(t *testing.T, c net.Conn, deadline time.Time) []byte {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(deadline))
	got, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open past %v (read %d bytes)", deadline.Format(time.TimeOnly), len(got))
	}
	return got
}

// A slowloris sends its headers one byte a second. Fifty of them hold
// fifty connections; everyone else is served meanwhile, and each of them
// is cut off once -read-header-timeout (5s by default) has passed.
func TestSlowlorisIsCutOffAndStarvesNoOne(t *testing.T) {
	t.Parallel()
	s := start(t, "-store", "memory")
	const slow = 50
	header := "GET /healthz HTTP/1.1\r\nHost: portd\r\nX-Padding: " + strings.Repeat("a", 64) + "\r\n\r\n"
	conns := make([]net.Conn, slow)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	opened := time.Now() // before the first dial: the earliest is cut off first
	for i := range conns {
		conns[i] = s.dial(t, 0)
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			trickle(c, []byte(header), time.Second, stop)
		}(conns[i])
	}
	served := s.requireServesPromptly(t, 10)
	require.True(t, served.Before(opened.Add(readHeaderTimeout)), "served while the slow clients were connected")

	for i, c := range conns {
		got := requireClosedBy(t, c, opened.Add(readHeaderTimeout+5*time.Second))
		if len(got) > 0 {
			require.Regexp(t, `^HTTP/1.1 40[08] `, string(got), "slow client %d", i)
		}
	}
	close(stop)
	wg.Wait()
	s.requireServesPromptly(t, 4)
}

// A client that asks for a large attachment and stops reading it after
// the status line holds a connection until -write-timeout; the others
// are served meanwhile.
func TestClientThatNeverReadsIsCutOff(t *testing.T) {
	t.Parallel()
	// The upload gets the default write timeout: reading 8 MB and
	// storing it may take longer than the short one under test.
	dir := t.TempDir()
	s := start(t, "-data", dir)
	code, out := s.kazoo(t, "PUT", "", `{"data":{"numbers":{"+12025559100":{}}, "name":"large attachment"}}`)
	require.Equal(t, http.StatusCreated, code, out)
	id := data(out)["id"].(string)
	attachment := bytes.Repeat([]byte("%PDF-1.4 large attachment "), 7_900_000/26)
	if sndbuf := maxSendBuffer(); sndbuf >= len(attachment) {
		t.Skipf("the kernel's send buffer (up to %d bytes) takes the whole attachment: no write would block", sndbuf)
	}
	req, err := http.NewRequest("PUT", s.base+"/v2/accounts/"+s.account+"/port_requests/"+id+"/attachments?filename=big.pdf", bytes.NewReader(attachment))
	require.NoError(t, err)
	req.Header.Set("X-Auth-Token", s.token)
	req.Header.Set("Content-Type", "application/pdf")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.NoError(t, s.stop())
	const writeTimeout = 8 * time.Second
	s = start(t, "-data", dir, "-write-timeout", writeTimeout.String())

	const stuck = 4
	get := fmt.Sprintf("GET /v2/accounts/%s/port_requests/%s/attachments/big.pdf HTTP/1.1\r\nHost: portd\r\nX-Auth-Token: %s\r\n\r\n", s.account, id, s.token)
	conns := make([]net.Conn, stuck)
	for i := range conns {
		conns[i] = s.dial(t, 4096)
		_, err := io.WriteString(conns[i], get)
		require.NoError(t, err)
	}
	// Each handler has read the attachment and is blocked writing it once
	// its status line arrives; the clients read nothing more from then on.
	for i, c := range conns {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(30*time.Second)))
		status := make([]byte, len("HTTP/1.1 200"))
		_, err := io.ReadFull(c, status)
		require.NoError(t, err, "stuck client %d", i)
		require.Equal(t, "HTTP/1.1 200", string(status))
	}
	asked := time.Now()
	served := s.requireServesPromptly(t, 10)
	require.True(t, served.Before(asked.Add(writeTimeout)), "served while the stuck clients were connected")

	time.Sleep(time.Until(asked.Add(writeTimeout + time.Second))) // past -write-timeout
	for i, c := range conns {
		got := requireClosedBy(t, c, time.Now().Add(10*time.Second))
		require.Less(t, len(got), len(attachment), "stuck client %d: the server gave up before sending it all", i)
	}
	s.requireServesPromptly(t, 4)
}

// A body declared larger than its route takes is refused before a byte of
// it is read; one that streams on without a length is cut off at the
// limit, not read to the end.
func TestBodiesAreBoundedBeforeTheyAreRead(t *testing.T) {
	t.Parallel()
	s := start(t, "-store", "memory")
	code, out := s.kazoo(t, "PUT", "", `{"data":{"numbers":{"+12025559200":{}}, "name":"bounded bodies"}}`)
	require.Equal(t, http.StatusCreated, code, out)
	id := data(out)["id"].(string)
	code, out = s.kazoo(t, "PATCH", "/"+id, `{"data":{"bill":{"name":"John Doe","street_number":"116","street_address":"Natoma","street_type":"St","locality":"San Francisco","region":"CA","postal_code":"94105","country":"US","btn":"+12025559200","account_number":"8675309"},"carrier":"PACIFIC BELL","signee_name":"John Doe"}}`)
	require.Equal(t, http.StatusOK, code, out)
	code, out = s.kazoo(t, "PATCH", "/"+id+"/submitted", "")
	require.Equal(t, http.StatusOK, code, out) // a port request to Telnyx, not a draft
	kazoo := "/v2/accounts/" + s.account + "/port_requests"
	routes := []struct{ name, method, path, contentType string }{
		{"kazoo create", "PUT", kazoo, "application/json"},
		{"kazoo edit", "PATCH", kazoo + "/" + id, "application/json"},
		{"kazoo comments", "PUT", kazoo + "/" + id + "/comments", "application/json"},
		{"kazoo attachment", "PUT", kazoo + "/" + id + "/attachments?filename=x.pdf", "application/pdf"},
		{"telnyx draft", "POST", "/origination/porting/draft_port_requests", "application/json"},
		{"telnyx portability", "POST", "/origination/porting/portability_checks", "application/json"},
		{"telnyx document", "POST", "/origination/porting/port_requests/" + id + "/supporting_documents", "multipart/form-data; boundary=x"},
	}
	for _, rt := range routes {
		t.Run(rt.name+"/declared 10 GB", func(t *testing.T) {
			c := s.dial(t, 0)
			fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: portd\r\nX-Auth-Token: %s\r\nAuthorization: Token %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
				rt.method, rt.path, s.token, s.token, rt.contentType, int64(10)<<30)
			require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			require.NoError(t, err, "answered without the body being sent")
			defer resp.Body.Close()
			require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		})
	}
	for _, rt := range routes {
		t.Run(rt.name+"/endless chunked", func(t *testing.T) {
			c := s.dial(t, 0)
			fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: portd\r\nX-Auth-Token: %s\r\nAuthorization: Token %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n",
				rt.method, rt.path, s.token, s.token, rt.contentType)
			var sent int64
			done := make(chan struct{})
			go func() { // 64 KiB chunks until the server stops taking them
				defer close(done)
				if strings.HasPrefix(rt.contentType, "multipart/") { // an endless file part
					part := "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n"
					fmt.Fprintf(c, "%x\r\n%s\r\n", len(part), part)
				}
				chunk := fmt.Sprintf("10000\r\n%s\r\n", strings.Repeat(" ", 0x10000))
				for sent < 64<<20 {
					if _, err := io.WriteString(c, chunk); err != nil {
						return
					}
					sent += 0x10000
				}
			}()
			require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			c.Close()
			<-done
			require.Less(t, sent, int64(32<<20), "the server stopped reading near the 1 MiB limit")
		})
	}
}

// A client that sends its headers at once and then its body a byte at a
// time is cut off at -read-timeout, answered 400 if at all, while the
// others are served.
func TestSlowBodyIsCutOff(t *testing.T) {
	t.Parallel()
	const readTimeout = 4 * time.Second
	s := start(t, "-store", "memory", "-read-timeout", readTimeout.String())
	code, out := s.kazoo(t, "PUT", "", `{"data":{"numbers":{"+12025559300":{}}, "name":"slow body"}}`)
	require.Equal(t, http.StatusCreated, code, out)
	id := data(out)["id"].(string)
	paths := []string{
		"/v2/accounts/" + s.account + "/port_requests/" + id,
		"/v2/accounts/" + s.account + "/port_requests/" + id + "/attachments?filename=slow.pdf",
	}
	const slow = 10
	opened := time.Now()
	conns := make([]net.Conn, slow)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range conns {
		conns[i] = s.dial(t, 0)
		method, ct := "PATCH", "application/json"
		if i%2 == 1 {
			method, ct = "PUT", "application/pdf"
		}
		fmt.Fprintf(conns[i], "%s %s HTTP/1.1\r\nHost: portd\r\nX-Auth-Token: %s\r\nContent-Type: %s\r\nContent-Length: 1000\r\n\r\n",
			method, paths[i%2], s.token, ct)
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			trickle(c, bytes.Repeat([]byte{' '}, 1000), 500*time.Millisecond, stop)
		}(conns[i])
	}
	served := s.requireServesPromptly(t, 10)
	require.True(t, served.Before(opened.Add(readTimeout)), "served while the slow clients were sending")
	for i, c := range conns {
		got := requireClosedBy(t, c, opened.Add(readTimeout+5*time.Second))
		if len(got) > 0 {
			require.Regexp(t, `^HTTP/1.1 400 `, string(got), "slow client %d", i)
		}
	}
	close(stop)
	wg.Wait()
	code, out = s.kazoo(t, "GET", "/"+id, "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "slow body", data(out)["name"], "no half-read body was applied")
	require.Empty(t, data(out)["uploads"])
}
