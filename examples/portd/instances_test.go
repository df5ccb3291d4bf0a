package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/internal/backends"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// Two portd processes on one PostgreSQL database, as behind a load
// balancer: clients split across both race for numbers and for one
// request over both dialects, and the rules hold across the processes as
// within one: exactly one winner per number, every refusal a clean 4xx,
// one chain of allowed transitions in the event log, and a read through
// one right after a write through the other sees the write.
func TestTwoPortdOnOneDatabase(t *testing.T) {
	place := postgresPlace(t)
	bin := portdBinary(t)
	a := startPortd(t, bin, place.Flags)
	b := startPortd(t, bin, place.Flags)
	require.Equal(t, a.account, b.account, "one master account in the database")
	require.Equal(t, a.token, b.token, "one master token, so a client may reach either")
	both := []*portdProc{a, b}

	t.Run("64 creators of overlapping numbers", func(t *testing.T) { testInstancesCreate(t, both) })
	t.Run("32 movers of one request", func(t *testing.T) { testInstancesMove(t, both, place) })
	t.Run("read after write", func(t *testing.T) { testInstancesReadAfterWrite(t, both) })
}

// postgresPlace returns a fresh database for portd (skipping without
// PostgreSQL; see postgrestest).
func postgresPlace(t *testing.T) backends.Place {
	for _, be := range backends.Durable() {
		if be.Name == "postgres" {
			return be.Durable(t)
		}
	}
	t.Fatal("no postgres backend")
	return backends.Place{}
}

// requireCleanRefusals requires every answer to be a success or one of
// the refusals, in JSON, and returns which succeeded.
func requireCleanRefusals(t *testing.T, results []crashResult, errs []error, refusals ...int) []bool {
	t.Helper()
	ok := make([]bool, len(results))
	for i, r := range results {
		require.NoError(t, errs[i], "client %d", i)
		ok[i] = r.status >= 200 && r.status < 300
		if !ok[i] {
			require.Contains(t, refusals, r.status, "client %d: %s", i, r)
			require.True(t, json.Valid(r.body), "client %d: the refusal is JSON: %s", i, r)
		}
	}
	return ok
}

func testInstancesCreate(t *testing.T, both []*portdProc) {
	const clients, pool = 64, 24
	number := func(i int) string { return fmt.Sprintf("+1202555%04d", 7000+i) }
	want := make([][]string, clients)
	for i := range want {
		want[i] = []string{number(i % pool), number((i*7 + 3) % pool)}
		if want[i][0] == want[i][1] {
			want[i] = want[i][:1]
		}
		slices.Sort(want[i])
	}
	type answer struct {
		res crashResult
		err error
	}
	answers := portingtest.Race(clients, func(i int) answer {
		p := both[i%2]
		if i/2%2 == 0 {
			nums := map[string]any{}
			for _, n := range want[i] {
				nums[n] = map[string]any{}
			}
			body, _ := json.Marshal(map[string]any{"data": map[string]any{"name": fmt.Sprint("client ", i), "numbers": nums}})
			res, err := p.kazoo("PUT", "", 0, "application/json", body)
			return answer{res, err}
		}
		var list []map[string]string
		for _, n := range want[i] {
			list = append(list, map[string]string{"phone_number": n})
		}
		body, _ := json.Marshal(map[string]any{"phone_numbers": list})
		res, err := p.telnyx("POST", "/draft_port_requests", body)
		return answer{res, err}
	})
	results, errs := make([]crashResult, clients), make([]error, clients)
	for i, a := range answers {
		results[i], errs[i] = a.res, a.err
	}
	ok := requireCleanRefusals(t, results, errs, http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity)
	holder := portingtest.RequireClaims(t, want, ok)
	accepted := 0
	for i, won := range ok {
		if won {
			accepted++
		} else {
			require.Contains(t, string(results[i].body), "Number is on a port request already", "client %d", i)
		}
	}
	// Each instance's number index agrees: one active request per number
	// held, none for the others.
	for n := range pool {
		for _, p := range both {
			res, err := p.kazoo("GET", "?by_number="+strings.ReplaceAll(number(n), "+", "%2B"), 0, "", nil)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.status, "%s", res)
			var env struct{ Data []json.RawMessage }
			require.NoError(t, json.Unmarshal(res.body, &env), "%s", res)
			_, held := holder[number(n)]
			require.Equal(t, held, len(env.Data) == 1, "%s through %s: %s", number(n), p.base, res)
			require.LessOrEqual(t, len(env.Data), 1, "%s through %s: %s", number(n), p.base, res)
		}
	}
	require.NotEmpty(t, holder)
	t.Logf("creates: %d accepted of %d, holding %d numbers", accepted, clients, len(holder))
}

func testInstancesMove(t *testing.T, both []*portdProc, place backends.Place) {
	a := both[0]
	res, err := a.kazoo("PUT", "", 0, "application/json", []byte(`{"data":{"name":"moved","numbers":{"+12025558800":{}}}}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, res.status, "%s", res)
	var env crashEnvelope
	require.NoError(t, json.Unmarshal(res.body, &env))
	var created struct{ ID string }
	require.NoError(t, json.Unmarshal(env.Data, &created))
	id := created.ID
	res, err = a.kazoo("PATCH", "/"+id+"/submitted", 0, "", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.status, "%s", res)

	// Four moves a client, through either portd in turn, around the
	// submitted/pending/rejected cycle so that many succeed; one client
	// ends with completed, one with canceled.
	const rounds = 4
	targets := []string{"pending", "rejected", "submitted", "unconfirmed", "pending", "rejected", "submitted"}
	target := func(i, k int) string {
		switch {
		case k == rounds-1 && i == 30:
			return "completed"
		case k == rounds-1 && i == 31:
			return "canceled"
		}
		return targets[(i+k)%len(targets)]
	}
	type answer struct {
		res crashResult
		err error
	}
	perClient := portingtest.Race(32, func(i int) []answer {
		out := make([]answer, rounds)
		for k := range out {
			body := fmt.Appendf(nil, `{"data":{"reason":"race %d"}}`, i)
			res, err := both[(i+k)%2].kazoo("PATCH", "/"+id+"/"+target(i, k), 0, "application/json", body)
			out[k] = answer{res, err}
		}
		return out
	})
	var results []crashResult
	var errs []error
	for _, c := range perClient {
		for _, a := range c {
			results, errs = append(results, a.res), append(errs, a.err)
		}
	}
	ok := requireCleanRefusals(t, results, errs, http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity)
	moves := 0
	for _, won := range ok {
		if won {
			moves++
		}
	}

	// The event log, read from the database: the request's transitions
	// form one chain, each allowed by the lifecycle, one per successful
	// move after the submission.
	store, err := place.Open()
	require.NoError(t, err)
	defer store.Close()
	var chain []porting.Transition
	for after := uint64(0); ; {
		es, err := store.Events(context.Background(), after, 1000)
		require.NoError(t, err)
		if len(es) == 0 {
			break
		}
		after = es[len(es)-1].Seq
		for _, e := range es {
			if e.RequestID != id || e.Transition == nil {
				continue
			}
			tr := *e.Transition
			if len(chain) > 0 {
				require.Equal(t, chain[len(chain)-1].To, tr.From, "a chain: %v then %s -> %s", chain, tr.From, tr.To)
			}
			require.NotEqual(t, porting.Nobody, porting.Lifecycle{}.Who(tr.From, tr.To, ""), "%s -> %s is allowed", tr.From, tr.To)
			chain = append(chain, tr)
		}
	}
	require.NotEmpty(t, chain)
	require.Equal(t, porting.StateSubmitted, chain[0].To, "the submission first")
	require.Len(t, chain, moves+1, "one transition per successful move, after the submission")
	for _, p := range both {
		res, err := p.kazoo("GET", "/"+id, 0, "", nil)
		require.NoError(t, err)
		require.Contains(t, string(res.body), `"port_state":"`+string(chain[len(chain)-1].To)+`"`, "through %s", p.base)
	}
	t.Logf("moves: %d of %d succeeded", moves, len(ok))
}

func testInstancesReadAfterWrite(t *testing.T, both []*portdProc) {
	res, err := both[0].kazoo("PUT", "", 0, "application/json", []byte(`{"data":{"name":"v0","numbers":{"+12025558900":{}}}}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, res.status, "%s", res)
	var env crashEnvelope
	require.NoError(t, json.Unmarshal(res.body, &env))
	var created struct{ ID string }
	require.NoError(t, json.Unmarshal(env.Data, &created))
	for i := 1; i <= 20; i++ {
		writer, reader := both[i%2], both[(i+1)%2]
		// The reader has the previous version cached.
		res, err = reader.kazoo("GET", "/"+created.ID, 0, "", nil)
		require.NoError(t, err)
		require.Contains(t, string(res.body), fmt.Sprintf(`"name":"v%d"`, i-1))
		res, err = writer.kazoo("PATCH", "/"+created.ID, 0, "application/json", fmt.Appendf(nil, `{"data":{"name":"v%d"}}`, i))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.status, "%s", res)
		var wrote crashEnvelope
		require.NoError(t, json.Unmarshal(res.body, &wrote))
		res, err = reader.kazoo("GET", "/"+created.ID, 0, "", nil)
		require.NoError(t, err)
		var read crashEnvelope
		require.NoError(t, json.Unmarshal(res.body, &read))
		require.Equal(t, wrote.Revision, read.Revision, "a read through one portd right after a write through the other")
		require.Contains(t, string(res.body), fmt.Sprintf(`"name":"v%d"`, i))
	}
}
