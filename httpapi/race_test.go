package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/internal/backends"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// Concurrency over real HTTP, both dialects at once, on both stores: many
// clients race for the same numbers and the same request. Every outcome
// must be one the rules allow, every refusal a clean 4xx, no update lost,
// and the indexes must agree with the requests afterwards.

// raceEnv is both dialects served over loopback on one store.
type raceEnv struct {
	f      *portingtest.Fixture // its Service is over the store under test
	srv    *httptest.Server
	client *http.Client
}

// raceSetup serves both dialects over a Service on store.
func raceSetup(t *testing.T, store porting.Store) *raceEnv {
	t.Helper()
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	f := &portingtest.Fixture{
		Clock: portingtest.NewClock(portingtest.Epoch), IDs: &portingtest.IDs{},
		Inventory: &porting.MemoryInventory{}, Charges: &portingtest.Charges{}, Carriers: &porting.CarrierTable{},
		Authority: porting.Account{ID: "authority", Name: "Port Authority", PortAuthority: true},
		Customer:  porting.Account{ID: "customer", Name: "Customer", ParentID: "authority"},
	}
	f.Carriers.Add("+1202555", "Carrier A")
	f.Carriers.Add("+1415555", "Carrier B")
	f.Service = porting.NewService(store, porting.Options{Clock: f.Clock, IDs: f.IDs, Inventory: f.Inventory, Charges: f.Charges, Carriers: f.Carriers})
	for _, a := range []porting.Account{f.Authority, f.Customer} {
		require.NoError(t, f.Service.PutAccount(porting.AsSystem(context.Background()), a))
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tokens := apitest.Tokens(f)
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(f.Service, tokens, kazoo.Options{Logger: quiet}))
	mux.Handle("/origination/porting/", telnyx.New(f.Service, tokens, telnyx.Options{Logger: quiet}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &raceEnv{f: f, srv: srv, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

// raceResult is one answer.
type raceResult struct {
	code int
	body []byte
	err  error
}

// call sends a request as token over either dialect (both credentials
// headers are set; each dialect reads its own). It is safe to call from
// any goroutine: it asserts nothing.
func (e *raceEnv) call(method, path, token string, header map[string]string, body string) raceResult {
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return raceResult{err: err}
	}
	req.Header.Set("X-Auth-Token", token)
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return raceResult{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return raceResult{code: resp.StatusCode, body: b, err: err}
}

// requireClean requires every answer to be a success or a 4xx among
// refusals, never a 5xx or a broken connection, and returns whether each
// succeeded.
func requireClean(t *testing.T, results []raceResult, refusals ...int) []bool {
	t.Helper()
	ok := make([]bool, len(results))
	for i, r := range results {
		require.NoError(t, r.err, "client %d", i)
		ok[i] = r.code >= 200 && r.code < 300
		if !ok[i] {
			require.Contains(t, refusals, r.code, "client %d: %s", i, r.body)
			require.True(t, json.Valid(r.body), "client %d: the refusal is JSON: %s", i, r.body)
		}
	}
	return ok
}

// customerRequests is the Kazoo path of the customer account's port requests, and rest.
func customerRequests(rest string) string { return "/v2/accounts/customer/port_requests" + rest }

// portingPath is a Telnyx path, under its default prefix.
func portingPath(rest string) string { return "/origination/porting" + rest }

// envelopeData decodes a Kazoo answer's data object, its revision at
// "_revision".
func envelopeData(t *testing.T, r raceResult) map[string]any {
	t.Helper()
	var env struct {
		Data     map[string]any `json:"data"`
		Revision string         `json:"revision"`
	}
	require.NoError(t, json.Unmarshal(r.body, &env), "%s", r.body)
	if env.Data != nil {
		env.Data["_revision"] = env.Revision
	}
	return env.Data
}

func TestRaceOverHTTP(t *testing.T) {
	for _, be := range backends.All() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			e := raceSetup(t, be.Open(t))
			t.Run("64 creators, overlapping numbers", e.testOverlappingCreates)
			t.Run("32 submitters of one draft", e.testSubmitRace)
			t.Run("32 movers of one request", e.testMoveRace)
			t.Run("32 editors, no update lost", e.testEditRace)
			t.Run("32 PATCHes without If-Match while comments land", e.testUncheckedPatchRace)
			t.Run("completions with If-Match while comments land: charges = completions", e.testCompletionChargeRace)
			t.Run("32 writers on one stale revision", e.testStaleRevisionRace)
			t.Run("indexes agree with requests", e.testIndexesAgree)
		})
	}
}

// raceNumber is the i-th number of the contested pool.
func raceNumber(i int) string { return fmt.Sprintf("+1202555%04d", 100+i) }

// 64 clients, half Kazoo and half Telnyx, each create a request for two
// numbers of a pool of 24: every number ends on at most one request, and
// every refused create wanted a number an accepted one holds.
func (e *raceEnv) testOverlappingCreates(t *testing.T) {
	const clients, pool = 64, 24
	want := make([][]string, clients)
	for i := range want {
		want[i] = []string{raceNumber(i % pool), raceNumber((i*7 + 3) % pool)}
		if want[i][0] == want[i][1] {
			want[i] = want[i][:1]
		}
	}
	results := portingtest.Race(clients, func(i int) raceResult {
		if i%2 == 0 {
			nums := map[string]any{}
			for _, n := range want[i] {
				nums[n] = map[string]any{}
			}
			b, _ := json.Marshal(map[string]any{"data": map[string]any{"name": "client " + strconv.Itoa(i), "numbers": nums}})
			return e.call("PUT", customerRequests(""), apitest.CustomerToken, nil, string(b))
		}
		b, _ := json.Marshal(telnyxtest.Numbers(want[i]...))
		return e.call("POST", portingPath("/draft_port_requests"), apitest.CustomerToken, nil, string(b))
	})
	ok := requireClean(t, results, http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity)
	portingtest.RequireClaims(t, want, ok)
	accepted := 0
	for i, won := range ok {
		if won {
			accepted++
		} else {
			require.Contains(t, string(results[i].body), "Number is on a port request already", "client %d", i)
		}
	}
	require.Positive(t, accepted)
	t.Logf("creates: %d accepted, %d refused", accepted, clients-accepted)
}

// raceDraft makes a filled-in draft of the customer's.
func (e *raceEnv) raceDraft(t *testing.T, numbers ...string) *porting.PortRequest {
	t.Helper()
	r, err := e.f.Service.Create(e.f.AsCustomer(), e.f.Customer.ID, portingtest.Input("race", numbers...))
	require.NoError(t, err)
	return e.f.FillSubRequests(t, r.ID)
}

// transitions returns the transitions recorded for a request, in order.
func (e *raceEnv) transitions(t *testing.T, id string) []porting.Transition {
	t.Helper()
	events, err := e.f.Service.Events(porting.AsSystem(context.Background()), 0, 100_000)
	require.NoError(t, err)
	var out []porting.Transition
	for _, ev := range events {
		if ev.RequestID == id && ev.Type == porting.EventTransitioned && ev.SubRequestID == "" {
			out = append(out, *ev.Transition)
		}
	}
	return out
}

// 32 clients submit one draft at once, half with Telnyx's submit, half
// with Kazoo's PATCH submitted: exactly one succeeds, and the request has
// exactly one submission.
func (e *raceEnv) testSubmitRace(t *testing.T) {
	r := e.raceDraft(t, "+14155550100", "+12025550900")
	results := portingtest.Race(32, func(i int) raceResult {
		if i%2 == 0 {
			return e.call("POST", portingPath("/draft_port_requests/"+r.ID+"/submit"), apitest.CustomerToken, nil, "")
		}
		return e.call("PATCH", customerRequests("/"+r.ID+"/submitted"), apitest.CustomerToken, nil, "")
	})
	ok := requireClean(t, results, http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity)
	require.Equal(t, 1, countTrue(ok), "exactly one submission wins")
	require.Equal(t, []porting.Transition{{From: porting.StateUnconfirmed, To: porting.StateSubmitted}},
		transitionPairs(e.transitions(t, r.ID)))
}

// 32 clients move one submitted request at once, four moves each: the
// authority through Kazoo, the owner through Telnyx's
// request_cancellation.
// The transitions recorded form one chain from submitted, one per
// success, and the request ends in the chain's last state.
func (e *raceEnv) testMoveRace(t *testing.T) {
	r0 := e.raceDraft(t, "+12025550901")
	_, err := e.f.Service.SubmitDraft(e.f.AsCustomer(), r0.ID, 0, true)
	require.NoError(t, err)
	// Four moves a client, around the submitted/pending/rejected cycle so
	// that many succeed; one client ends with completed, one with canceled.
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
	cancels := func(i, k int) bool { return i%8 == 7 && k == 0 } // client i's k-th move
	perClient := portingtest.Race(32, func(i int) []raceResult {
		out := make([]raceResult, rounds)
		for k := range out {
			if cancels(i, k) {
				out[k] = e.call("POST", portingPath("/port_requests/"+r0.ID+"/sub_requests/"+r0.SubRequests[0].ID+"/request_cancellation"), apitest.CustomerToken, nil, "")
			} else {
				out[k] = e.call("PATCH", customerRequests("/"+r0.ID+"/"+target(i, k)), apitest.AuthorityToken, nil, `{"data":{"reason":"race `+strconv.Itoa(i)+`"}}`)
			}
		}
		return out
	})
	results := slices.Concat(perClient...) // client i's k-th move at i*rounds+k
	ok := requireClean(t, results, http.StatusBadRequest, http.StatusConflict, http.StatusMethodNotAllowed, http.StatusUnprocessableEntity)
	wholeMoves, cancellations := 0, 0
	for i, won := range ok {
		switch {
		case won && cancels(i/rounds, i%rounds):
			cancellations++
		case won:
			wholeMoves++
		}
	}
	// Replay the recorded transitions: whole-request ones form one chain,
	// each allowed by the table; a sub request's request_cancellation
	// puts it in cancel-pending, and the only whole-request move from a
	// state to itself is the authority refusing such a cancellation.
	events, err := e.f.Service.Events(porting.AsSystem(context.Background()), 0, 100_000)
	require.NoError(t, err)
	history := e.allTransitions(t, r0.ID)
	var chain []porting.Transition
	cancelPending, subMoves := false, 0
	for _, ev := range events {
		if ev.RequestID != r0.ID || ev.Transition == nil {
			continue
		}
		tr := *ev.Transition
		if ev.SubRequestID != "" {
			require.Equal(t, porting.StateCancelPending, tr.To, "%v", history)
			cancelPending, subMoves = true, subMoves+1
			continue
		}
		if len(chain) > 0 {
			require.Equal(t, chain[len(chain)-1].To, tr.From, "a chain: %v", history)
		}
		if tr.From == tr.To {
			require.True(t, cancelPending, "%s -> %s refuses a cancellation: %v", tr.From, tr.To, history)
		} else {
			require.NotEqual(t, porting.Nobody, porting.Lifecycle{}.Who(tr.From, tr.To, ""), "%s -> %s is allowed: %v", tr.From, tr.To, history)
		}
		cancelPending = false
		chain = append(chain, tr)
	}
	require.Len(t, chain, wholeMoves+1, "one transition per successful move, after the submission: %v", history)
	require.Equal(t, cancellations, subMoves, "one cancel-pending per successful request_cancellation: %v", history)
	got, err := e.f.Service.Get(porting.AsSystem(context.Background()), r0.ID)
	require.NoError(t, err)
	require.Equal(t, chain[len(chain)-1].To, got.State)
	t.Logf("moves: %d of %d succeeded; %v", countTrue(ok), len(ok), history)
}

// allTransitions lists every transition event of a request, sub
// requests' included, for failure messages.
func (e *raceEnv) allTransitions(t *testing.T, id string) []string {
	t.Helper()
	events, err := e.f.Service.Events(porting.AsSystem(context.Background()), 0, 100_000)
	require.NoError(t, err)
	var out []string
	for _, ev := range events {
		if ev.RequestID == id && ev.Transition != nil {
			out = append(out, fmt.Sprintf("%s[%s]:%s->%s", ev.Type, ev.SubRequestID, ev.Transition.From, ev.Transition.To))
		}
	}
	return out
}

// 16 Kazoo clients each add their own key to one request with If-Match,
// reading again after each 409, while 16 Telnyx clients set the same
// sub request's description without a revision: every key survives, and
// the description is one of those written.
func (e *raceEnv) testEditRace(t *testing.T) {
	r := e.raceDraft(t, "+12025550902")
	path := customerRequests("/" + r.ID)
	results := portingtest.Race(32, func(i int) raceResult {
		if i%2 == 1 {
			body := fmt.Sprintf(`{"description":"written by %d"}`, i)
			return e.call("PUT", portingPath("/draft_port_requests/"+r.ID+"/sub_requests/"+r.SubRequests[0].ID), apitest.CustomerToken, nil, body)
		}
		for attempt := 0; ; attempt++ {
			read := e.call("GET", path, apitest.CustomerToken, nil, "")
			if read.err != nil || read.code != http.StatusOK {
				return read
			}
			if attempt == 200 {
				return raceResult{err: fmt.Errorf("client %d: still conflicting after %d attempts", i, attempt)}
			}
			var env struct{ Revision string }
			_ = json.Unmarshal(read.body, &env)
			body := fmt.Sprintf(`{"data":{"k%d":%d}}`, i, i)
			w := e.call("PATCH", path, apitest.CustomerToken, map[string]string{"If-Match": env.Revision}, body)
			if w.code != http.StatusConflict {
				return w
			}
		}
	})
	ok := requireClean(t, results)
	require.Equal(t, 32, countTrue(ok))
	d := envelopeData(t, e.call("GET", path, apitest.CustomerToken, nil, ""))
	for i := 0; i < 32; i += 2 {
		require.Equal(t, float64(i), d["k"+strconv.Itoa(i)], "k%d was lost", i)
	}
	got, err := e.f.Service.Get(e.f.AsCustomer(), r.ID)
	require.NoError(t, err)
	require.Regexp(t, `^written by \d+$`, got.SubRequests[0].Description)
	n, _ := strconv.Atoi(strings.TrimPrefix(got.SubRequests[0].Description, "written by "))
	require.Equal(t, 1, n%2, "written by a Telnyx client")
}

// 32 clients PATCH one request without If-Match, each its own key, while
// 32 others add comments: a client that named no revision asked for no
// check, so every PATCH succeeds (none is 409) and every key survives.
func (e *raceEnv) testUncheckedPatchRace(t *testing.T) {
	r := e.raceDraft(t, "+12025550904")
	path := customerRequests("/" + r.ID)
	results := portingtest.Race(64, func(i int) raceResult {
		if i%2 == 1 {
			return e.call("PUT", path+"/comments", apitest.CustomerToken, nil, fmt.Sprintf(`{"data":{"comments":[{"content":"comment %d"}]}}`, i))
		}
		return e.call("PATCH", path, apitest.CustomerToken, nil, fmt.Sprintf(`{"data":{"p%d":%d}}`, i, i))
	})
	ok := requireClean(t, results)
	require.Equal(t, 64, countTrue(ok), "no write that named no revision is refused")
	d := envelopeData(t, e.call("GET", path, apitest.CustomerToken, nil, ""))
	for i := 0; i < 64; i += 2 {
		require.Equal(t, float64(i), d["p"+strconv.Itoa(i)], "p%d was lost", i)
	}
}

// The port authority completes a request with If-Match while eight
// customers add comments, 40 times over. A completion either commits or
// is 409; money is taken and numbers activated for exactly the committed
// ones: the charges equal the completed sub requests, no hold is left,
// and a request that did not complete keeps its numbers unowned.
func (e *raceEnv) testCompletionChargeRace(t *testing.T) {
	charges := e.f.Charges
	before := len(charges.Charged())
	completed, refused := 0, 0
	var pending []*porting.PortRequest
	for round := range 40 {
		r := e.raceDraft(t, fmt.Sprintf("+1202555%04d", 7000+round))
		path, _ := portingtest.PathTo(porting.StateScheduled)
		for _, to := range path {
			r = e.f.Move(t, r.ID, to)
		}
		rev := envelopeData(t, e.call("GET", customerRequests("/"+r.ID), apitest.AuthorityToken, nil, ""))["_revision"].(string)
		results := portingtest.Race(9, func(i int) raceResult {
			if i == 0 {
				return e.call("PATCH", customerRequests("/"+r.ID+"/completed"), apitest.AuthorityToken, map[string]string{"If-Match": rev}, "")
			}
			return e.call("PUT", customerRequests("/"+r.ID+"/comments"), apitest.CustomerToken, nil,
				fmt.Sprintf(`{"data":{"comments":[{"content":"round %d comment %d"}]}}`, round, i))
		})
		ok := requireClean(t, results, http.StatusConflict)
		got, err := e.f.Service.Get(e.f.AsAuthority(), r.ID)
		require.NoError(t, err)
		require.Equal(t, ok[0], got.State == porting.StateCompleted, "round %d: the answer says what happened", round)
		if ok[0] {
			completed++
		} else {
			refused++
			pending = append(pending, got)
		}
	}
	t.Logf("completions: %d committed, %d refused on a moved revision", completed, refused)
	require.Equal(t, completed, len(charges.Charged())-before, "one charge per completed sub request, and none for the others")
	require.Empty(t, charges.Held(), "no hold is left behind")
	for _, r := range pending {
		_, owned, err := e.f.Inventory.Owner(t.Context(), r.Numbers[0].E164)
		require.NoError(t, err)
		require.False(t, owned, "%s did not complete: its number is not activated", r.ID)
	}
}

// 32 clients write one request on the same revision, through Kazoo's
// POST, PATCH, DELETE and comments PUT: exactly one succeeds, the rest
// are 409 (or 404 for a DELETE after the request is gone).
func (e *raceEnv) testStaleRevisionRace(t *testing.T) {
	r := e.raceDraft(t, "+12025550903")
	path := customerRequests("/" + r.ID)
	rev := envelopeData(t, e.call("GET", path, apitest.CustomerToken, nil, ""))["_revision"].(string)
	results := portingtest.Race(32, func(i int) raceResult {
		h := map[string]string{"If-Match": rev}
		switch i % 4 {
		case 0:
			return e.call("POST", path, apitest.CustomerToken, h, fmt.Sprintf(`{"data":{"name":"post %d","numbers":{"+12025550903":{}}}}`, i))
		case 1:
			return e.call("DELETE", path, apitest.CustomerToken, h, "")
		case 2:
			return e.call("PUT", path+"/comments", apitest.CustomerToken, h, fmt.Sprintf(`{"data":{"comments":[{"content":"comment %d"}]}}`, i))
		}
		return e.call("PATCH", path, apitest.CustomerToken, h, fmt.Sprintf(`{"data":{"name":"patch %d"}}`, i))
	})
	ok := requireClean(t, results, http.StatusConflict, http.StatusNotFound)
	require.Equal(t, 1, countTrue(ok), "exactly one write on the revision wins")
	deleted := slices.ContainsFunc([]int{1, 5, 9, 13, 17, 21, 25, 29}, func(i int) bool { return ok[i] })
	for i, won := range ok {
		if !won && !deleted {
			require.Equal(t, http.StatusConflict, results[i].code, "client %d: %s", i, results[i].body)
		}
	}
}

// After the races, every index agrees with the requests themselves: by
// state, by number and by search, through the Service and through both
// dialects.
func (e *raceEnv) testIndexesAgree(t *testing.T) {
	ctx := porting.AsSystem(context.Background())
	var all []*porting.PortRequest
	q := porting.Query{Limit: porting.MaxPageSize}
	for {
		page, err := e.f.Service.List(ctx, q)
		require.NoError(t, err)
		all = append(all, page.Requests...)
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	require.NotEmpty(t, all)
	byState := map[porting.State][]string{}
	byNumber := map[string][]string{}
	for _, r := range all {
		byState[r.State] = append(byState[r.State], r.ID)
		for _, n := range r.Numbers {
			byNumber[n.E164] = append(byNumber[n.E164], r.ID)
		}
	}
	ids := func(rs []*porting.PortRequest) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = r.ID
		}
		return out
	}
	for _, st := range porting.States() {
		page, err := e.f.Service.List(ctx, porting.Query{States: []porting.State{st}, Limit: porting.MaxPageSize})
		require.NoError(t, err)
		require.ElementsMatch(t, byState[st], ids(page.Requests), "state %s", st)
	}
	for n, want := range byNumber {
		page, err := e.f.Service.List(ctx, porting.Query{Number: n, Limit: porting.MaxPageSize})
		require.NoError(t, err)
		require.ElementsMatch(t, want, ids(page.Requests), "number %s", n)

		r := e.call("GET", customerRequests("?by_number="+strings.Replace(n, "+", "%2B", 1)), apitest.CustomerToken, nil, "")
		require.Equal(t, http.StatusOK, r.code, "%s", r.body)
		var kz struct{ Data []map[string]any }
		require.NoError(t, json.Unmarshal(r.body, &kz))
		require.ElementsMatch(t, want, apitest.StringsAt(kz.Data, "id"), "Kazoo by_number %s", n)

		r = e.call("GET", portingPath("/port_requests?per_page=250&search="+strings.TrimPrefix(n, "+")), apitest.CustomerToken, nil, "")
		require.Equal(t, http.StatusOK, r.code, "%s", r.body)
		var tx []map[string]any
		require.NoError(t, json.Unmarshal(r.body, &tx))
		var submitted []string
		for _, id := range want {
			if i := slices.IndexFunc(all, func(r *porting.PortRequest) bool { return r.ID == id }); !all[i].Draft() {
				submitted = append(submitted, id)
			}
		}
		require.ElementsMatch(t, submitted, apitest.StringsAt(tx, "id"), "Telnyx search %s", n)
	}
	// No number is on two active requests.
	for n, holders := range byNumber {
		active := 0
		for _, id := range holders {
			i := slices.IndexFunc(all, func(r *porting.PortRequest) bool { return r.ID == id })
			if !all[i].State.Terminal() {
				active++
			}
		}
		require.LessOrEqual(t, active, 1, "%s is on %d active requests", n, active)
	}
}

// countTrue counts the true values.
func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// transitionPairs keeps only each transition's states.
func transitionPairs(ts []porting.Transition) []porting.Transition {
	out := make([]porting.Transition, len(ts))
	for i, tr := range ts {
		out[i] = porting.Transition{From: tr.From, To: tr.To}
	}
	return out
}
