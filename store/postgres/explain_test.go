package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/postgres"
)

// explainRequests is how many requests TestListingsUseIndexes stores.
const explainRequests = 100_000

// explainEpoch is the creation time of the first of them; each is a
// second newer than the one before, and updated an hour after it was
// created.
var explainEpoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// bulkLoad stores n requests straight into the tables, with
// generate_series, as the store lays them out: ten accounts (acct0 ..
// acct9) under three middle accounts (mid0 .. mid2) under root, the
// states in turn, one number each (+12020000000 + i), a support key each.
// Their documents are empty (a version byte): the plans do not read them.
func bulkLoad(t *testing.T, s *postgres.Store, n int) (stateOf func(i int) porting.State) {
	t.Helper()
	ctx := context.Background()
	states := porting.States()
	var names []string
	for _, st := range states {
		if st != porting.StateCancelPending {
			names = append(names, string(st))
		}
	}
	// Each statement numbers the requests from 1 to $1 (i), as the first
	// lays them out: ID i in 32 hex digits, account acct{i mod 10}, state
	// $2[i mod len], created $3 + i seconds.
	const id, account, state = "lpad(to_hex(i), 32, '0')", "'acct' || (i % 10)", "($2::text[])[1 + i % cardinality($2::text[])]"
	const created = "($3::bigint + i::bigint * 1000000000)"
	batch := []string{
		`INSERT INTO requests (id, account_id, state, created_ns, updated_ns, revision, timeline_len, doc)
		SELECT ` + id + `, ` + account + `, ` + state + `, ` + created + `, ` + created + ` + 3600000000000, 1, 0, '\x02'::bytea
		FROM generate_series(1, $1::integer) AS i`,
		`INSERT INTO request_ancestors (request_id, account_id, state, created_ns, updated_ns)
		SELECT ` + id + `, a, ` + state + `, ` + created + `, ` + created + ` + 3600000000000
		FROM generate_series(1, $1::integer) AS i, unnest(ARRAY['root', 'mid' || (i % 10 % 3), ` + account + `]) AS a`,
		`INSERT INTO request_numbers (request_id, e164, hold)
		SELECT ` + id + `, '+1202' || lpad(i::text, 7, '0'),
			CASE WHEN ` + state + ` IN ('completed', 'canceled') THEN NULL ELSE 'active' END
		FROM generate_series(1, $1::integer) AS i`,
		`INSERT INTO support_keys (key, request_id) SELECT 'pr_' || lpad(to_hex(i), 6, '0'), ` + id + `
		FROM generate_series(1, $1::integer) AS i`,
	}
	for _, sql := range batch {
		args := []any{n, names, explainEpoch.UnixNano()}
		if !strings.Contains(sql, "$3") {
			args = args[:2]
		}
		if !strings.Contains(sql, "$2") {
			args = args[:1]
		}
		_, err := s.Pool().Exec(ctx, sql, args...)
		require.NoError(t, err, sql)
	}
	_, err := s.Pool().Exec(ctx, "ANALYZE")
	require.NoError(t, err)
	return func(i int) porting.State { return porting.State(names[i%len(names)]) }
}

// planNodes returns the node types of an EXPLAIN (FORMAT JSON) plan, depth
// first, each with the relation or index it reads.
func planNodes(t *testing.T, plan []byte) []string {
	t.Helper()
	type node struct {
		Type     string `json:"Node Type"`
		Relation string `json:"Relation Name"`
		Index    string `json:"Index Name"`
		Plans    []node `json:"Plans"`
	}
	var root []struct{ Plan node }
	require.NoError(t, json.Unmarshal(plan, &root))
	var out []string
	var walk func(n node)
	walk = func(n node) {
		out = append(out, fmt.Sprintf("%s(%s%s)", n.Type, n.Relation, n.Index))
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(root[0].Plan)
	return out
}

// Every listing, at 100,000 requests, is an index scan: EXPLAIN of each
// query shape (every account, one account, an account's tree, with one or
// several states, by creation or by update, a number, a support key, a
// range, a filter), first page and after a cursor, shows no sequential
// scan.
func TestListingsUseIndexes(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	stateOf := bulkLoad(t, s, explainRequests)

	mid := explainEpoch.Add(explainRequests / 2 * time.Second)
	states := func(ss ...porting.State) []porting.State { return ss }
	queries := []porting.Query{
		{},
		{UpdatedFrom: explainEpoch},
		{AccountID: "acct3"},
		{AccountID: "acct3", UpdatedTo: mid},
		{AccountID: "root", Descendants: true},
		{AccountID: "mid1", Descendants: true, UpdatedFrom: explainEpoch},
		{States: states(porting.StateSubmitted)},
		{States: states(porting.StateCompleted, porting.StateCanceled)},
		{States: states(porting.StateCompleted, porting.StateCanceled), UpdatedFrom: explainEpoch},
		{AccountID: "acct3", States: states(porting.StateSubmitted)},
		{AccountID: "acct3", States: states(porting.StateSubmitted, porting.StatePending), UpdatedFrom: explainEpoch},
		{AccountID: "root", Descendants: true, States: states(porting.StateUnconfirmed)},
		{AccountID: "root", Descendants: true, States: states(porting.StateCompleted, porting.StateCanceled, porting.StateRejected)},
		{CreatedFrom: explainEpoch.Add(time.Hour), CreatedTo: mid},
		{AccountID: "acct3", CreatedFrom: explainEpoch.Add(time.Hour), CreatedTo: mid},
		{UpdatedFrom: explainEpoch, CreatedTo: mid},
		{NumberContains: "0000"},
		{AccountID: "acct3", NumberContains: "12020"},
		{Number: "+12020012345"},
		{Number: "+12020012345", AccountID: "root", Descendants: true},
		{Number: "+12020012345", States: states(stateOf(12345))},
		{SupportKey: "pr_003039"},
		{SupportKey: "pr_003039", AccountID: "acct5"}, // request 12345 (0x3039)
	}
	// A cursor halfway: request 50,000's position.
	half := explainRequests / 2
	cursor := fmt.Sprintf("%016x.%032x", math.MaxUint64-uint64(explainEpoch.Add(time.Duration(half)*time.Second).UnixNano()), half)
	for _, q := range queries {
		q.Limit = 50
		first, firstArgs, _, _ := postgres.FindSQL(q)
		next, nextArgs := postgres.FindSQLAfter(q, cursor)
		for _, c := range []struct {
			sql  string
			args []any
		}{{first, firstArgs}, {next, nextArgs}} {
			var plan []byte
			require.NoError(t, s.Pool().QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+c.sql, c.args...).Scan(&plan), c.sql)
			nodes := planNodes(t, plan)
			index := false
			for _, n := range nodes {
				require.NotContains(t, n, "Seq Scan", "%+v scans a table: %v\n%s", q, nodes, c.sql)
				index = index || n[:min(len(n), 5)] == "Index" || n[:min(len(n), 12)] == "Bitmap Index"
			}
			require.True(t, index, "%+v uses no index: %v", q, nodes)
		}
		// And the store answers it (the documents are empty ones).
		p, err := s.FindRequests(ctx, q)
		require.NoError(t, err)
		require.NotEmpty(t, p.Requests, "%+v", q)
	}
}
