package main

// Helpers of TestCrashRecovery (crash_test.go): talking to portd over
// loopback, and the client-side model of what it acknowledged.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// crashResult is a response received in full.
type crashResult struct {
	status int
	header http.Header
	body   []byte
}

// String shows the status and the start of the body, for messages.
func (r crashResult) String() string {
	b := r.body
	if len(b) > 600 {
		b = b[:600]
	}
	return fmt.Sprintf("%d %s", r.status, bytes.TrimSpace(b))
}

// do makes one call. A non-nil error means the response did not arrive in
// full (the connection broke, or was refused): for a write, the server may
// or may not have done it.
func (p *portdProc) do(method, path string, header map[string]string, body []byte) (crashResult, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, p.base+path, rd)
	if err != nil {
		return crashResult{}, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return crashResult{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return crashResult{}, err
	}
	return crashResult{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// kazoo calls the Kazoo dialect as the master account: path is under
// /v2/accounts/{ACCOUNT_ID}/port_requests. rev, when positive, is sent as
// If-Match, so that a write on another revision than the one the client
// was told is refused (409).
func (p *portdProc) kazoo(method, path string, rev int64, contentType string, body []byte) (crashResult, error) {
	h := map[string]string{"X-Auth-Token": p.token}
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	if rev > 0 {
		h["If-Match"] = strconv.FormatInt(rev, 10)
	}
	return p.do(method, "/v2/accounts/"+p.account+"/port_requests"+path, h, body)
}

// telnyx calls the Telnyx v1 dialect (path under /origination/porting)
// with a bearer token.
func (p *portdProc) telnyx(method, path string, body []byte) (crashResult, error) {
	h := map[string]string{"Authorization": "Bearer " + p.token}
	if body != nil {
		h["Content-Type"] = "application/json"
	}
	return p.do(method, "/origination/porting"+path, h, body)
}

// crashEnvelope is Kazoo's answer envelope.
type crashEnvelope struct {
	Data     json.RawMessage `json:"data"`
	Revision string          `json:"revision"`
	Status   string          `json:"status"`
	Message  string          `json:"message"`
	// NextStartKey continues a paged listing.
	NextStartKey string `json:"next_start_key"`
}

// crashUpload is one entry of a request's uploads.
type crashUpload struct {
	ContentType string `json:"content_type"`
	Length      int64  `json:"length"`
}

// crashRep is the part of Kazoo's port request representation the test
// follows.
type crashRep struct {
	ID              string                     `json:"id"`
	AccountID       string                     `json:"account_id"`
	Name            string                     `json:"name"`
	State           string                     `json:"port_state"`
	Numbers         map[string]json.RawMessage `json:"numbers"`
	Carrier         string                     `json:"carrier"`
	SigneeName      string                     `json:"signee_name"`
	ReferenceNumber string                     `json:"reference_number"`
	Note            string                     `json:"x_note"`
	Uploads         map[string]crashUpload     `json:"uploads"`
}

// fields returns the followed fields of the representation.
func (r crashRep) fields() crashFields {
	return crashFields{Name: r.Name, Carrier: r.Carrier, Signee: r.SigneeName, Ref: r.ReferenceNumber, Note: r.Note}
}

// numbers returns the request's numbers, sorted.
func (r crashRep) numbers() []string { return slices.Sorted(maps.Keys(r.Numbers)) }

// crashTimelineEntry is one entry of GET port_requests/{id}/timeline.
type crashTimelineEntry struct {
	Type       string `json:"type"`
	Transition *struct {
		New      string `json:"new"`
		Previous string `json:"previous"`
	} `json:"transition"`
	Comment *struct {
		Content string `json:"content"`
	} `json:"comment"`
}

// crashGroup is one account's group of a grouped listing.
type crashGroup struct {
	AccountID    string     `json:"account_id"`
	PortRequests []crashRep `json:"port_requests"`
}

// crashDecode decodes an envelope and, when data is given, its data. It
// returns the envelope's revision number (0 when it has none).
func crashDecode(res crashResult, data any) (int64, error) {
	var env crashEnvelope
	if err := json.Unmarshal(res.body, &env); err != nil {
		return 0, fmt.Errorf("answer is not a Kazoo envelope: %w: %s", err, res)
	}
	if data != nil {
		if err := json.Unmarshal(env.Data, data); err != nil {
			return 0, fmt.Errorf("data of the answer: %w: %s", err, res)
		}
	}
	return crashRevision(env.Revision), nil
}

// crashRevision reads N out of a Kazoo revision "N-hash" (0 if none).
func crashRevision(rev string) int64 {
	num, _, _ := strings.Cut(rev, "-")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// crashFields are the scalar fields of a request the test writes and
// follows. Empty means absent.
type crashFields struct {
	Name, Carrier, Signee, Ref, Note string
}

// crashTransition is one state change.
type crashTransition struct{ From, To string }

// crashReq is a port request as the client knows it from acknowledged
// writes alone; and, built by crashFetch, as the server shows it.
type crashReq struct {
	ID          string
	Owner       int  // the worker that writes it
	Anchor      bool // never leaves the active states nor changes numbers
	Deleted     bool
	State       string
	Revision    int64
	Fields      crashFields
	Numbers     []string // E.164, sorted
	Attachments map[string][]byte
	Comments    []string          // bodies, in order
	Transitions []crashTransition // in order
	// Uploads and UploadDeletes count attachment writes, for the event
	// check (each is one attachment event).
	Uploads, UploadDeletes int
	// pending is the write whose answer was lost when portd was killed:
	// applying it to a copy gives the other state the server may be in.
	pending *crashPending
}

// crashPending is a write in doubt.
type crashPending struct {
	kind  string
	apply func(*crashReq)
}

// clone returns a deep copy (without the pending write).
func (m *crashReq) clone() *crashReq {
	c := *m
	c.Numbers = slices.Clone(m.Numbers)
	c.Comments = slices.Clone(m.Comments)
	c.Transitions = slices.Clone(m.Transitions)
	c.Attachments = make(map[string][]byte, len(m.Attachments))
	for k, v := range m.Attachments {
		c.Attachments[k] = v // bytes are never modified in place
	}
	c.pending = nil
	return &c
}

// diff lists how the server's version of a request (got, from
// crashFetch) differs from the client's (m). Nothing means the server
// has exactly what m says.
func (m *crashReq) diff(got *crashReq) []string {
	if m.Deleted || got.Deleted {
		if m.Deleted != got.Deleted {
			return []string{fmt.Sprintf("deleted: server %v, acknowledged %v", got.Deleted, m.Deleted)}
		}
		return nil
	}
	var out []string
	add := func(what string, g, w any) {
		out = append(out, fmt.Sprintf("%s: server %v, acknowledged %v", what, g, w))
	}
	if got.State != m.State {
		add("port_state", got.State, m.State)
	}
	if got.Revision != m.Revision {
		add("revision", got.Revision, m.Revision)
	}
	if got.Fields != m.Fields {
		add("fields", fmt.Sprintf("%+v", got.Fields), fmt.Sprintf("%+v", m.Fields))
	}
	if !slices.Equal(got.Numbers, m.Numbers) {
		add("numbers", got.Numbers, m.Numbers)
	}
	if !slices.Equal(got.Comments, m.Comments) {
		add("comments", got.Comments, m.Comments)
	}
	if !slices.Equal(got.Transitions, m.Transitions) {
		add("transitions", got.Transitions, m.Transitions)
	}
	names := slices.Sorted(maps.Keys(m.Attachments))
	if gotNames := slices.Sorted(maps.Keys(got.Attachments)); !slices.Equal(gotNames, names) {
		add("attachments", gotNames, names)
	}
	for _, n := range names {
		g, ok := got.Attachments[n]
		if ok && !bytes.Equal(g, m.Attachments[n]) {
			out = append(out, fmt.Sprintf("attachment %s: server has %d bytes that differ from the %d acknowledged",
				n, len(g), len(m.Attachments[n])))
		}
	}
	return out
}

// crashFetch reads a request back over the Kazoo dialect: the request,
// its timeline and every attachment's bytes, as a crashReq (Deleted when
// the request is not found). problems lists what is inconsistent within
// the server's own answers (a half-written request); err is a failed
// exchange or an answer that cannot be read.
func crashFetch(p *portdProc, id string) (got *crashReq, rep crashRep, problems []string, err error) {
	res, err := p.kazoo("GET", "/"+id, 0, "", nil)
	if err != nil {
		return nil, rep, nil, err
	}
	if res.status == http.StatusNotFound {
		return &crashReq{ID: id, Deleted: true}, rep, nil, nil
	}
	if res.status != http.StatusOK {
		return nil, rep, nil, fmt.Errorf("GET %s: %s", id, res)
	}
	rev, err := crashDecode(res, &rep)
	if err != nil {
		return nil, rep, nil, err
	}
	got = &crashReq{ID: id, State: rep.State, Revision: rev, Fields: rep.fields(), Numbers: rep.numbers(),
		Attachments: map[string][]byte{}}
	if rep.ID != id {
		problems = append(problems, fmt.Sprintf("GET %s answers request %q", id, rep.ID))
	}

	res, err = p.kazoo("GET", "/"+id+"/timeline", 0, "", nil)
	if err != nil {
		return nil, rep, nil, err
	}
	if res.status != http.StatusOK {
		return nil, rep, nil, fmt.Errorf("GET %s/timeline: %s", id, res)
	}
	var timeline []crashTimelineEntry
	if _, err := crashDecode(res, &timeline); err != nil {
		return nil, rep, nil, err
	}
	for _, e := range timeline {
		switch {
		case e.Type == "transition" && e.Transition != nil:
			got.Transitions = append(got.Transitions, crashTransition{e.Transition.Previous, e.Transition.New})
		case e.Type == "comment" && e.Comment != nil:
			got.Comments = append(got.Comments, e.Comment.Content)
		default:
			problems = append(problems, fmt.Sprintf("request %s: timeline entry of type %q without its object", id, e.Type))
		}
	}
	// The transitions chain from unconfirmed to the request's state.
	state := "unconfirmed"
	for i, tr := range got.Transitions {
		if tr.From != state {
			problems = append(problems, fmt.Sprintf("request %s: transition %d is %s->%s, after reaching %s",
				id, i, tr.From, tr.To, state))
		}
		state = tr.To
	}
	if state != got.State {
		problems = append(problems, fmt.Sprintf("request %s: port_state %s, but its transitions end in %s", id, got.State, state))
	}

	for _, name := range slices.Sorted(maps.Keys(rep.Uploads)) {
		up := rep.Uploads[name]
		res, err := p.kazoo("GET", "/"+id+"/attachments/"+name, 0, "", nil)
		if err != nil {
			return nil, rep, nil, err
		}
		if res.status != http.StatusOK {
			problems = append(problems, fmt.Sprintf("request %s lists attachment %s, whose GET answers %s", id, name, res))
			continue
		}
		got.Attachments[name] = res.body
		if int64(len(res.body)) != up.Length {
			problems = append(problems, fmt.Sprintf("request %s: attachment %s is listed with %d bytes, its GET has %d",
				id, name, up.Length, len(res.body)))
		}
		if up.ContentType != "application/pdf" || res.header.Get("Content-Type") != "application/pdf" {
			problems = append(problems, fmt.Sprintf("request %s: attachment %s has type %q (listed %q), not application/pdf",
				id, name, res.header.Get("Content-Type"), up.ContentType))
		}
	}
	return got, rep, problems, nil
}

// crashParallel calls f(i) for every i in [0, n), on up to workers goroutines.
func crashParallel(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(n, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// crashProblems collects problems from concurrent checkers.
type crashProblems struct {
	mu    sync.Mutex
	items []string
}

// addf records one problem.
func (l *crashProblems) addf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, fmt.Sprintf(format, args...))
}

// requireNone fails the test, listing the problems one per line and
// portd's last output, if any problem was recorded.
func (l *crashProblems) requireNone(t *testing.T, what string, logs *crashTail) {
	t.Helper()
	if items := l.list(30); len(items) > 0 {
		require.FailNow(t, fmt.Sprintf("%s:\n  %s\nportd's last output:\n%s", what, strings.Join(items, "\n  "), logs))
	}
}

// list returns the problems recorded, at most max of them and a count
// of the rest.
func (l *crashProblems) list(max int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.items) <= max {
		return slices.Clone(l.items)
	}
	return append(slices.Clone(l.items[:max]), fmt.Sprintf("... and %d more", len(l.items)-max))
}
