package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/store/postgres/postgrestest"
)

// portd rides out a restart of its database: PostgreSQL is stopped at
// once (pg_ctl stop -m immediate: a crash, without a checkpoint) while
// eight clients create requests and comment on them over both dialects,
// and started again a second later. Meanwhile portd answers 503 (its APIs
// and /readyz, with a JSON body saying what is wrong) and no other 5xx;
// once the database is back it serves again by itself, the same process;
// and every write it acknowledged, before, during or after, is there.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	c := postgrestest.StartCluster(t, postgrestest.ClusterOptions{})
	p := startPortd(t, portdBinary(t), []string{"-store", "postgres", "-postgres-url", c.URL("postgres")})
	pid := p.cmd.Process.Pid

	type acked struct {
		id, number string
		comments   []string
	}
	var (
		mu        sync.Mutex
		requests  []*acked
		problems  []string
		answers   = map[int]int{} // status -> count
		fresh     atomic.Int64
		down      atomic.Bool // the database is stopped
		whileDown = map[int]int{}
	)
	record := func(status int) {
		mu.Lock()
		defer mu.Unlock()
		answers[status]++
		if down.Load() {
			whileDown[status]++
		}
		if status >= 500 && status != http.StatusServiceUnavailable {
			problems = append(problems, fmt.Sprintf("answer %d", status))
		}
	}
	client := func(w int, stop <-chan struct{}) {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			n := fmt.Sprintf("+1415555%04d", fresh.Add(1))
			var res crashResult
			var err error
			if w%2 == 0 {
				res, err = p.kazoo("PUT", "", 0, "application/json", fmt.Appendf(nil, `{"data":{"name":"w%d-%d","numbers":{%q:{}}}}`, w, i, n))
			} else {
				res, err = p.telnyx("POST", "/draft_port_requests", fmt.Appendf(nil, `{"phone_numbers":[{"phone_number":%q}]}`, n))
			}
			if err != nil {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("client %d: %v", w, err))
				mu.Unlock()
				return
			}
			record(res.status)
			if res.status != http.StatusCreated {
				continue
			}
			id, err := requestID(res, w%2 == 0)
			if err != nil {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("client %d: %v", w, err))
				mu.Unlock()
				return
			}
			a := &acked{id: id, number: n}
			mu.Lock()
			requests = append(requests, a)
			mu.Unlock()
			body := fmt.Sprintf("comment w%d-%d", w, i)
			res, err = p.kazoo("PUT", "/"+a.id+"/comments", 0, "application/json",
				fmt.Appendf(nil, `{"data":{"comments":[{"content":%q}]}}`, body))
			if err != nil {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("client %d: %v", w, err))
				mu.Unlock()
				return
			}
			record(res.status)
			if res.status == http.StatusCreated {
				mu.Lock()
				a.comments = append(a.comments, body)
				mu.Unlock()
			}
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); client(w, stop) }()
	}
	readyz := func() (int, map[string]string) {
		res, err := p.do("GET", "/readyz", nil, nil)
		require.NoError(t, err)
		var body map[string]string
		require.NoError(t, json.Unmarshal(res.body, &body), "%s", res)
		return res.status, body
	}

	time.Sleep(400 * time.Millisecond)
	require.NoError(t, c.Stop(postgrestest.Immediate))
	down.Store(true)
	code, body := readyz()
	require.Equal(t, http.StatusServiceUnavailable, code, "readyz while the database is down: %v", body)
	require.Equal(t, "unavailable", body["status"])
	require.Contains(t, body["error"], "store")
	time.Sleep(time.Second)
	down.Store(false)
	require.NoError(t, c.Start())
	require.Eventually(t, func() bool { code, _ := readyz(); return code == http.StatusOK }, 20*time.Second, 50*time.Millisecond,
		"portd is ready again by itself once the database is back")
	mu.Lock()
	before := len(requests)
	mu.Unlock()
	time.Sleep(600 * time.Millisecond)
	close(stop)
	wg.Wait()

	require.Empty(t, problems, "no 5xx but 503, no broken connection")
	require.Positive(t, whileDown[http.StatusServiceUnavailable], "503 while the database is down: %v", whileDown)
	for status := range whileDown {
		require.Equal(t, http.StatusServiceUnavailable, status, "while down: %v", whileDown)
	}
	require.Greater(t, len(requests), before, "writes acknowledged after the restart")
	require.Equal(t, pid, p.cmd.Process.Pid)
	select {
	case <-p.exited:
		t.Fatalf("portd exited: %v\n%s", p.waitErr, p.logs)
	default:
	}

	// Every acknowledged write is there.
	for _, a := range requests {
		res, err := p.kazoo("GET", "/"+a.id, 0, "", nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.status, "acknowledged request %s: %s", a.id, res)
		require.Contains(t, string(res.body), a.number)
		res, err = p.kazoo("GET", "/"+a.id+"/timeline", 0, "", nil)
		require.NoError(t, err)
		for _, c := range a.comments {
			require.Contains(t, string(res.body), c, "acknowledged comment of %s", a.id)
		}
	}
	t.Logf("answers %v (while down %v); %d requests acknowledged, %d after the restart", answers, whileDown, len(requests), len(requests)-before)
}

// requestID reads the ID of a created request out of either dialect's
// answer: Kazoo's envelope, or Telnyx v1's bare object.
func requestID(res crashResult, kazoo bool) (string, error) {
	var v struct {
		ID   string `json:"id"`
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(res.body, &v); err != nil {
		return "", err
	}
	id := v.ID
	if kazoo {
		id = v.Data.ID
	}
	if id == "" {
		return "", fmt.Errorf("no ID in %s", res)
	}
	return id, nil
}
