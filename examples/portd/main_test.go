package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// server is a running portd.
type server struct {
	base    string // http://host:port
	account string
	token   string
	stop    func() error
}

// lockedBuffer is a bytes.Buffer for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var exportLine = regexp.MustCompile(`export ACCOUNT_ID=(\w+) AUTH_TOKEN=(\w+)`)

// start runs portd with args (and -addr on a free port) until the test
// ends or stop is called.
func start(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &stdout, &stderr, func(a string) { addr <- a })
	}()
	s := &server{}
	select {
	case a := <-addr:
		s.base = "http://" + a
	case err := <-done:
		cancel()
		t.Fatalf("portd exited: %v\n%s", err, stderr.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("portd did not start")
	}
	if m := exportLine.FindStringSubmatch(stdout.String()); m != nil {
		s.account, s.token = m[1], m[2]
	}
	stopped := false
	s.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return context.DeadlineExceeded
		}
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("portd: %v\n%s", err, stderr.String())
		}
	})
	return s
}

// call makes one HTTP call and decodes the JSON answer (when there is one).
func (s *server) call(t *testing.T, method, path string, headers map[string]string, body string) (int, map[string]any, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &out)
	}
	return resp.StatusCode, out, raw
}

// kazoo calls the Kazoo API as the master account.
func (s *server) kazoo(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	code, out, raw := s.call(t, method, "/v2/accounts/"+s.account+"/port_requests"+path, map[string]string{"X-Auth-Token": s.token}, body)
	require.NotNil(t, out, "not JSON: %s", raw)
	return code, out
}

func data(m map[string]any) map[string]any { d, _ := m["data"].(map[string]any); return d }

// TestWalkthrough is README.md's curl walk-through, step by step, on the
// default (Badger) store.
func TestWalkthrough(t *testing.T) {
	s := start(t, "-data", t.TempDir())
	require.NotEmpty(t, s.account, "portd prints the master account and a token")

	code, out, _ := s.call(t, "GET", "/healthz", nil, "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok", out["status"])
	code, out, _ = s.call(t, "GET", "/readyz", nil, "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ready", out["status"])

	code, out = s.kazoo(t, "PUT", "", `{"data":{"numbers":{"+12025559000":{}}, "name":"Porting 202.555.9000"}}`)
	require.Equal(t, http.StatusCreated, code, out)
	require.Equal(t, "unconfirmed", data(out)["port_state"])
	id := data(out)["id"].(string)

	code, out = s.kazoo(t, "PATCH", "/"+id, `{"data":{"bill":{"name":"John Doe","street_number":"116","street_address":"Natoma","street_type":"St","locality":"San Francisco","region":"CA","postal_code":"94105","country":"US","btn":"+12025559000","account_number":"8675309"},"carrier":"PACIFIC BELL","signee_name":"John Doe"}}`)
	require.Equal(t, http.StatusOK, code, out)

	code, out = s.kazoo(t, "PATCH", "/"+id+"/submitted", "")
	require.Equal(t, http.StatusOK, code, out)
	require.Equal(t, "submitted", data(out)["port_state"])

	code, out = s.kazoo(t, "PATCH", "/"+id+"/pending", `{"data":{"reference_number":"PB-1234"}}`)
	require.Equal(t, http.StatusOK, code, out)
	require.Equal(t, "PB-1234", data(out)["reference_number"])

	code, out = s.kazoo(t, "PATCH", "/"+id+"/scheduled", `{"data":{"schedule_on":{"date_time":"2026-12-01 10:00","timezone":"America/New_York"}}}`)
	require.Equal(t, http.StatusOK, code, out)
	require.Equal(t, float64(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC).Unix()+62167219200), data(out)["scheduled_date"])

	code, out = s.kazoo(t, "PATCH", "/"+id+"/completed", "")
	require.Equal(t, http.StatusOK, code, out)
	require.Equal(t, "completed", data(out)["port_state"])

	code, out = s.kazoo(t, "GET", "/"+id+"/timeline", "")
	require.Equal(t, http.StatusOK, code, out)
	require.Len(t, out["data"], 4, "four transitions")

	code, out = s.kazoo(t, "GET", "?by_number=%2B12025559000", "")
	require.Equal(t, http.StatusOK, code, out)
	require.Len(t, out["data"], 1, "the completed request is found by its number")

	code, _, pdf := s.call(t, "GET", "/v2/accounts/"+s.account+"/port_requests/"+id+"/loa",
		map[string]string{"X-Auth-Token": s.token, "Accept": "application/x-pdf"}, "")
	require.Equal(t, http.StatusOK, code)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")), "an LOA PDF")

	// The same request through the Telnyx dialect.
	code, out, raw := s.call(t, "GET", "/origination/porting/port_requests/"+id, map[string]string{"Authorization": "Token " + s.token}, "")
	require.Equal(t, http.StatusOK, code, string(raw))
	require.Equal(t, id, out["id"])

	// A number the platform now owns cannot be ported in again.
	code, out = s.kazoo(t, "PUT", "", `{"data":{"numbers":{"202-555-9000":{}}, "name":"again"}}`)
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, string(mustJSON(t, out["data"])), "Number exists on the system already")
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// The master account is created once: a restart keeps it, with a new
// token, and every request written before.
func TestRestartKeepsMasterAccountAndData(t *testing.T) {
	dir := t.TempDir()
	s := start(t, "-data", dir)
	code, out := s.kazoo(t, "PUT", "", `{"data":{"numbers":{"+12025559001":{}}, "name":"before restart"}}`)
	require.Equal(t, http.StatusCreated, code, out)
	id := data(out)["id"].(string)
	require.NoError(t, s.stop())

	s2 := start(t, "-data", dir)
	require.Equal(t, s.account, s2.account)
	require.NotEqual(t, s.token, s2.token, "a fresh token on every start")
	code, out = s2.kazoo(t, "GET", "/"+id, "")
	require.Equal(t, http.StatusOK, code, out)
	require.Equal(t, "before restart", data(out)["name"])
	code, _, _ = s2.call(t, "GET", "/v2/accounts/"+s.account+"/port_requests/"+id, map[string]string{"X-Auth-Token": s.token}, "")
	require.Equal(t, http.StatusUnauthorized, code, "the old token died with the old process")
}

// A tenants file sets up accounts, tokens, owned numbers and charges.
func TestTenantsFile(t *testing.T) {
	const (
		reseller = "0123456789abcdef0123456789abcdef"
		customer = "fedcba9876543210fedcba9876543210"
	)
	tenants := `{"accounts":[
	  {"id":"` + reseller + `","name":"Reseller","port_authority":true,"tokens":["reseller-token"]},
	  {"id":"` + customer + `","name":"Customer","parent_id":"` + reseller + `","tokens":["customer-token"]}],
	 "owned_numbers":{"+12025550100":"` + reseller + `"},
	 "activation_charge":10.0}`
	path := filepath.Join(t.TempDir(), "tenants.json")
	require.NoError(t, os.WriteFile(path, []byte(tenants), 0o600))
	s := start(t, "-store", "memory", "-tenants", path)
	require.Empty(t, s.account, "no master account with a tenants file")
	s.account, s.token = customer, "customer-token"

	code, out := s.kazoo(t, "PUT", "", `{"data":{"numbers":{"+12025550100":{}}, "name":"owned"}}`)
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, string(mustJSON(t, out["data"])), "Number exists on the system already")

	code, out = s.kazoo(t, "PUT", "", `{"data":{"numbers":{"+12025550101":{}}, "name":"priced"}}`)
	require.Equal(t, http.StatusCreated, code, out)
	id := data(out)["id"].(string)
	code, out = s.kazoo(t, "PATCH", "/"+id+"/submitted", "")
	require.Equal(t, http.StatusPaymentRequired, code, out)
	require.Equal(t, 10.0, data(out)["activation_charges"])
	code, out = s.kazoo(t, "PATCH", "/"+id+"/submitted?accept_charges=true", "")
	require.Equal(t, http.StatusOK, code, out)

	code, out = s.kazoo(t, "PATCH", "/"+id+"/pending", "")
	require.Equal(t, http.StatusForbidden, code, "only the port authority moves it on: %v", out)
	s.token = "reseller-token" // the reseller reaches its customer's account
	code, out = s.kazoo(t, "PATCH", "/"+id+"/pending", "")
	require.Equal(t, http.StatusOK, code, out)

	// With -kazoo-charges invoices, the 402 is the list of invoices
	// current Monster UI reads.
	require.NoError(t, s.stop())
	s = start(t, "-store", "memory", "-tenants", path, "-kazoo-charges", "invoices")
	s.account, s.token = customer, "customer-token"
	code, out = s.kazoo(t, "PUT", "", `{"data":{"numbers":{"+12025550102":{},"+12025550103":{}}, "name":"invoiced"}}`)
	require.Equal(t, http.StatusCreated, code, out)
	code, out = s.kazoo(t, "PATCH", "/"+data(out)["id"].(string)+"/submitted", "")
	require.Equal(t, http.StatusPaymentRequired, code, out)
	require.JSONEq(t, `[{"bookkeeper":{"type":"default"},"items":[{"category":"number_services","item":"port",
		"quantity":2,"rate":10,"discount":0,"total":20}]}]`, string(mustJSON(t, out["data"])))
}

func TestFlags(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-store", "mysql"}, io.Discard, &stderr, nil)
	require.ErrorContains(t, err, "-store must be badger, postgres or memory")
	t.Setenv(postgresURLEnv, "")
	err = run(context.Background(), []string{"-store", "postgres"}, io.Discard, &stderr, nil)
	require.ErrorContains(t, err, "-store postgres needs -postgres-url")
	err = run(context.Background(), []string{"extra"}, io.Discard, &stderr, nil)
	require.ErrorContains(t, err, "unexpected arguments")
	err = run(context.Background(), []string{"-write-timeout", "0s"}, io.Discard, &stderr, nil)
	require.ErrorContains(t, err, "timeouts must be positive")
	err = run(context.Background(), []string{"-cors-origins", "monster.example.com"}, io.Discard, &stderr, nil)
	require.ErrorContains(t, err, "-cors-origins")
	err = run(context.Background(), []string{"-kazoo-charges", "xml"}, io.Discard, &stderr, nil)
	require.ErrorContains(t, err, "-kazoo-charges must be document or invoices")
}

// With -cors-origins, a browser app of that origin calls both APIs: its
// preflight is answered before authentication, its calls carry the CORS
// headers; another origin gets none. A doubled slash in the path (a
// base URL ending in "/") is served, not redirected.
func TestCORSAndPaths(t *testing.T) {
	s := start(t, "-store", "memory", "-cors-origins", "http://localhost:3000")
	for _, path := range []string{"/v2/accounts/" + s.account + "/port_requests", "/origination/porting/port_requests"} {
		code, _, raw := s.call(t, "OPTIONS", path, map[string]string{"Origin": "http://localhost:3000",
			"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type,x-auth-token"}, "")
		require.Equal(t, http.StatusNoContent, code, "%s: %s", path, raw)
	}
	req, err := http.NewRequest("GET", s.base+"/v2/accounts/"+s.account+"/port_requests/", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("X-Auth-Token", s.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "http://localhost:3000", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id")

	req.Header.Set("Origin", "http://evil.example.com")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))

	// No redirect is followed here: a doubled slash must be served as is.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err = http.NewRequest("POST", s.base+"//origination/porting//portability_checks",
		strings.NewReader(`{"phone_numbers":[{"phone_number":"+12025550100"}]}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Token "+s.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err = noRedirect.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", raw)
	require.Contains(t, string(raw), `"portable":true`)
}

// A store lost or replaced under an existing portd.json is refused with
// one line saying what to do; nothing of the old state is overwritten.
func TestRefusesLostOrReplacedStore(t *testing.T) {
	for name, lose := range map[string]func(t *testing.T, dir string){
		"deleted": func(t *testing.T, dir string) { require.NoError(t, os.RemoveAll(filepath.Join(dir, "badger"))) },
		"emptied": func(t *testing.T, dir string) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "badger")))
			require.NoError(t, os.Mkdir(filepath.Join(dir, "badger"), 0o700))
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s := start(t, "-data", dir)
			require.NoError(t, s.stop())
			before, err := os.ReadFile(filepath.Join(dir, "portd.json"))
			require.NoError(t, err)
			lose(t, dir)

			var stdout, stderr bytes.Buffer
			err = run(t.Context(), []string{"-addr", "127.0.0.1:0", "-data", dir}, &stdout, &stderr, nil)
			require.Error(t, err)
			require.Contains(t, err.Error(), "portd.json")
			require.Contains(t, err.Error(), "restore")
			require.NotContains(t, err.Error(), "\n")
			after, err := os.ReadFile(filepath.Join(dir, "portd.json"))
			require.NoError(t, err)
			require.Equal(t, string(before), string(after), "the state file is left as it was")
		})
	}
}
