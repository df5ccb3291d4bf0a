package main

// Helpers of TestCrashRecovery (crash_test.go): the clients (crashWorker)
// that load portd with every kind of write, and keep the model of what it
// acknowledged.

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// crashWorker is one client. It alone writes the requests it created, so
// its record of each is exact: every write names the revision it
// expects, and a refusal the worker did not provoke is a failure.
type crashWorker struct {
	h      *crashHarness
	id     int
	telnyx bool // creates drafts and comments through the Telnyx dialect too
	rng    *mrand.Rand
	p      *portdProc // the current run

	reqs    map[string]*crashReq // requests it owns, not deleted
	deleted []*crashReq          // requests it deleted (the last crashMaxDeleted)
	anchor  *crashReq
	next    int      // next fresh number of its range
	used    []string // every number of its range it sent to portd
	// pendingCreate is a create whose answer was lost in a kill.
	pendingCreate *crashReq

	stats map[string]int // "op:<kind>", "ack:<kind>", "refused:<kind>", "doubt:<kind>"
}

// freshNumber returns a number of the worker's own range not used before:
// +1 202 55W NNNN for worker W.
func (w *crashWorker) freshNumber() string {
	n := fmt.Sprintf("+1202%03d%04d", 550+w.id, w.next)
	w.next++
	w.used = append(w.used, n)
	return n
}

// count adds one to a figure.
func (w *crashWorker) count(key string) {
	if w.stats == nil {
		w.stats = map[string]int{}
	}
	w.stats[key]++
}

// run issues operations against p until stop is closed or portd goes
// away.
func (w *crashWorker) run(p *portdProc, stop <-chan struct{}) {
	w.p = p
	for {
		select {
		case <-stop:
			return
		default:
		}
		if !w.step() {
			return
		}
	}
}

// crashOutcome is what became of a write.
type crashOutcome int

const (
	outAcked   crashOutcome = iota // 2xx received in full
	outRefused                     // an expected refusal: nothing was written
	outDoubt                       // no answer (portd was killed): written or not
	outFailed                      // anything else; recorded as a failure
)

// send makes one call and sorts out its outcome. ok lists the statuses of
// success, refuse those of an expected refusal. A transport error is a
// failure unless portd is being killed.
func (w *crashWorker) send(kind string, call func() (crashResult, error), ok []int, refuse ...int) (crashResult, crashOutcome) {
	w.count("op:" + kind)
	res, err := call()
	switch {
	case err != nil && w.h.killed.Load():
		w.count("doubt:" + kind)
		return res, outDoubt
	case err != nil:
		w.h.fail("worker %d: %s: no answer while portd was running: %v", w.id, kind, err)
		return res, outFailed
	case slices.Contains(ok, res.status):
		w.count("ack:" + kind)
		return res, outAcked
	case slices.Contains(refuse, res.status):
		w.count("refused:" + kind)
		return res, outRefused
	}
	w.h.fail("worker %d: %s: unexpected answer %s", w.id, kind, res)
	return res, outFailed
}

// write sends a write on request m. On success apply is applied to m and
// the answer's revision (when it has one) must be m's new revision; when
// the answer is lost, apply is kept as m's pending write. It reports
// whether the worker may go on.
func (w *crashWorker) write(m *crashReq, kind string, call func() (crashResult, error), status int, apply func(*crashReq)) bool {
	res, out := w.send(kind, call, []int{status})
	switch out {
	case outAcked:
		apply(m)
		rev, err := crashDecode(res, nil)
		if err != nil {
			w.h.fail("worker %d: %s on %s: %v", w.id, kind, m.ID, err)
			return false
		}
		if rev != 0 && rev != m.Revision {
			w.h.fail("worker %d: %s on %s: answer at revision %d, expected %d", w.id, kind, m.ID, rev, m.Revision)
			return false
		}
		return true
	case outDoubt:
		m.pending = &crashPending{kind: kind, apply: apply}
	}
	return false
}

// step does one random operation and reports whether to go on.
func (w *crashWorker) step() bool {
	r := w.rng.Float64()
	active, completed := 0, 0
	for _, m := range w.reqs {
		switch m.State {
		case "completed":
			completed++
		case "canceled":
		default:
			active++
		}
	}
	switch {
	case w.anchor == nil:
		return w.create(true)
	case r < 0.05:
		return w.collideCreate()
	case active < 3 || (r < 0.22 && active < crashMaxActive):
		return w.create(false)
	}
	ids := slices.Sorted(maps.Keys(w.reqs))
	m := w.reqs[ids[w.rng.IntN(len(ids))]]
	return w.operate(m, completed)
}

// crashOp is an operation and how often to pick it.
type crashOp struct {
	weight float64
	op     func() bool
}

// pick chooses one of ops by weight and runs it.
func (w *crashWorker) pick(ops []crashOp) bool {
	total := 0.0
	for _, o := range ops {
		total += o.weight
	}
	x := w.rng.Float64() * total
	for _, o := range ops {
		if x < o.weight {
			return o.op()
		}
		x -= o.weight
	}
	return ops[len(ops)-1].op()
}

// crashMoves is the lifecycle the workers walk: the targets allowed from
// each state.
var crashMoves = map[string][]string{
	"unconfirmed": {"submitted", "canceled"},
	"submitted":   {"pending", "rejected", "canceled"},
	"pending":     {"scheduled", "completed", "rejected", "canceled"},
	"scheduled":   {"completed", "rejected", "canceled"},
	"rejected":    {"submitted", "completed", "canceled"},
	"completed":   nil,
	"canceled":    nil,
}

// operate does a random operation on m that its state allows (or, now
// and then, one it refuses).
func (w *crashWorker) operate(m *crashReq, completed int) bool {
	editable := m.State == "unconfirmed" || m.State == "rejected"
	terminal := m.State == "completed" || m.State == "canceled"
	ops := []crashOp{
		{3, func() bool { return w.comment(m) }},
		{1, func() bool { return w.read(m) }},
	}
	if !terminal {
		ops = append(ops, crashOp{2.5, func() bool { return w.attach(m) }})
	}
	if editable {
		ops = append(ops,
			crashOp{2, func() bool { return w.edit(m) }},
			crashOp{1, func() bool { return w.patch(m) }},
			crashOp{0.4, func() bool { return w.collideEdit(m) }})
	}
	if (editable || m.State == "canceled") && len(m.Attachments) > 0 {
		ops = append(ops, crashOp{0.5, func() bool { return w.detach(m) }})
	}
	if (editable && !m.Anchor) || m.State == "canceled" {
		ops = append(ops, crashOp{0.5, func() bool { return w.remove(m) }})
	}
	var targets []string
	for _, to := range crashMoves[m.State] {
		if (to == "completed" && completed >= crashMaxCompleted) ||
			(m.Anchor && (to == "completed" || to == "canceled")) {
			continue
		}
		targets = append(targets, to)
	}
	if len(targets) > 0 {
		ops = append(ops, crashOp{4, func() bool { return w.move(m, targets[w.rng.IntN(len(targets))]) }})
	}
	ops = append(ops, crashOp{0.3, func() bool { return w.badMove(m) }})
	return w.pick(ops)
}

// randomName returns a request name.
func (w *crashWorker) randomName() string {
	return fmt.Sprintf("crash w%d %08x", w.id, w.rng.Uint32())
}

// crashKazooBody encodes a create or full update: every followed field
// and the numbers.
func crashKazooBody(f crashFields, numbers []string) []byte {
	d := map[string]any{"name": f.Name}
	nums := map[string]any{}
	for _, n := range numbers {
		nums[n] = map[string]any{}
	}
	d["numbers"] = nums
	for k, v := range map[string]string{"carrier": f.Carrier, "signee_name": f.Signee,
		"reference_number": f.Ref, "x_note": f.Note} {
		if v != "" {
			d[k] = v
		}
	}
	b, _ := json.Marshal(map[string]any{"data": d})
	return b
}

// create makes a new request with fresh numbers: over the Kazoo dialect
// (anchors always), or as a Telnyx draft.
func (w *crashWorker) create(anchor bool) bool {
	numbers := []string{w.freshNumber()}
	if w.rng.IntN(3) == 0 {
		numbers = append(numbers, w.freshNumber())
	}
	slices.Sort(numbers)
	m := &crashReq{Owner: w.id, Anchor: anchor, State: "unconfirmed", Revision: 1, Numbers: numbers,
		Attachments: map[string][]byte{}}
	var res crashResult
	var out crashOutcome
	if w.telnyx && !anchor && w.rng.IntN(2) == 0 {
		// A Telnyx draft is named after its (first) number.
		m.Fields.Name = "Port of " + numbers[0]
		if len(numbers) > 1 {
			m.Fields.Name = fmt.Sprintf("Port of %s and %d more", numbers[0], len(numbers)-1)
		}
		var pn []map[string]string
		for _, n := range numbers {
			pn = append(pn, map[string]string{"phone_number": n})
		}
		body, _ := json.Marshal(map[string]any{"phone_numbers": pn})
		res, out = w.send("create_telnyx", func() (crashResult, error) {
			return w.p.telnyx("POST", "/draft_port_requests", body)
		}, []int{http.StatusCreated})
		if out == outAcked {
			var d struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			}
			if err := json.Unmarshal(res.body, &d); err != nil || d.ID == "" || d.Status != "pending" {
				w.h.fail("worker %d: Telnyx draft create: answer %s", w.id, res)
				return false
			}
			m.ID = d.ID
		}
	} else {
		m.Fields = crashFields{Name: w.randomName(), Note: fmt.Sprintf("note-%x", w.rng.Uint32())}
		if w.rng.IntN(2) == 0 {
			m.Fields.Carrier = "CARRIER " + strconv.Itoa(w.rng.IntN(5))
		}
		body := crashKazooBody(m.Fields, numbers)
		res, out = w.send("create", func() (crashResult, error) {
			return w.p.kazoo("PUT", "", 0, "application/json", body)
		}, []int{http.StatusCreated})
		if out == outAcked {
			var rep crashRep
			rev, err := crashDecode(res, &rep)
			if err != nil || rep.ID == "" {
				w.h.fail("worker %d: create: answer %s", w.id, res)
				return false
			}
			m.ID = rep.ID
			if rev != 1 || rep.State != "unconfirmed" || rep.fields() != m.Fields || !slices.Equal(rep.numbers(), numbers) {
				w.h.fail("worker %d: create answered %s, sent %+v %v", w.id, res, m.Fields, numbers)
				return false
			}
		}
	}
	switch out {
	case outAcked:
		w.adopt(m)
		return true
	case outDoubt:
		w.pendingCreate = m
	}
	return false
}

// adopt records a request the worker created.
func (w *crashWorker) adopt(m *crashReq) {
	w.reqs[m.ID] = m
	if m.Anchor {
		w.anchor = m
		w.h.setAnchor(w.id, m)
	}
}

// collideCreate tries to create a request with a fresh number and another
// worker's anchor's number, through either dialect: it must be refused as
// a whole, the fresh number left unclaimed.
func (w *crashWorker) collideCreate() bool {
	a, ok := w.h.anchorOf(w.rng, w.id)
	if !ok {
		return true
	}
	fresh := w.freshNumber()
	var res crashResult
	var out crashOutcome
	if w.telnyx && w.rng.IntN(2) == 0 {
		body := fmt.Sprintf(`{"phone_numbers":[{"phone_number":%q},{"phone_number":%q}]}`, fresh, a.number)
		res, out = w.send("collide_create", func() (crashResult, error) {
			return w.p.telnyx("POST", "/draft_port_requests", []byte(body))
		}, nil, http.StatusUnprocessableEntity)
	} else {
		body := crashKazooBody(crashFields{Name: w.randomName()}, []string{fresh, a.number})
		res, out = w.send("collide_create", func() (crashResult, error) {
			return w.p.kazoo("PUT", "", 0, "application/json", body)
		}, nil, http.StatusBadRequest)
	}
	switch out {
	case outRefused:
		if !strings.Contains(string(res.body), "already") || !strings.Contains(string(res.body), a.id) {
			w.h.fail("worker %d: create with %s (on anchor %s) refused without naming it: %s", w.id, a.number, a.id, res)
			return false
		}
		return true
	case outDoubt:
		// Nothing to record: the fresh number must be free either way.
	case outAcked, outFailed:
		w.h.fail("worker %d: a create claimed %s, held by active request %s: %s", w.id, a.number, a.id, res)
	}
	return false
}

// edit replaces m's writable fields (POST): a new name and, except for
// anchors, now and then a number more or one less.
func (w *crashWorker) edit(m *crashReq) bool {
	f := m.Fields
	f.Name = w.randomName()
	f.Note = fmt.Sprintf("note-%x", w.rng.Uint32())
	if w.rng.IntN(3) == 0 {
		f.Carrier = ""
	}
	numbers := slices.Clone(m.Numbers)
	if !m.Anchor {
		switch {
		case len(numbers) > 1 && w.rng.IntN(3) == 0:
			numbers = slices.Delete(numbers, 0, 1) // released: nobody holds it after
		case len(numbers) < 3 && w.rng.IntN(3) == 0:
			numbers = append(numbers, w.freshNumber())
			slices.Sort(numbers)
		}
	}
	body := crashKazooBody(f, numbers)
	return w.write(m, "edit", func() (crashResult, error) {
		return w.p.kazoo("POST", "/"+m.ID, m.Revision, "application/json", body)
	}, http.StatusOK, func(m *crashReq) {
		m.Fields, m.Numbers = f, numbers
		m.Revision++
	})
}

// patch merges new values of two fields into m (PATCH).
func (w *crashWorker) patch(m *crashReq) bool {
	signee := fmt.Sprintf("Signee %x", w.rng.Uint32())
	carrier := "CARRIER " + strconv.Itoa(w.rng.IntN(5))
	body := fmt.Appendf(nil, `{"data":{"signee_name":%q,"carrier":%q}}`, signee, carrier)
	return w.write(m, "patch", func() (crashResult, error) {
		return w.p.kazoo("PATCH", "/"+m.ID, m.Revision, "application/json", body)
	}, http.StatusOK, func(m *crashReq) {
		m.Fields.Signee, m.Fields.Carrier = signee, carrier
		m.Revision++
	})
}

// collideEdit tries to add another worker's anchor's number to m: it must
// be refused and change nothing.
func (w *crashWorker) collideEdit(m *crashReq) bool {
	a, ok := w.h.anchorOf(w.rng, w.id)
	if !ok {
		return true
	}
	body := crashKazooBody(m.Fields, append(slices.Clone(m.Numbers), a.number))
	res, out := w.send("collide_edit", func() (crashResult, error) {
		return w.p.kazoo("POST", "/"+m.ID, m.Revision, "application/json", body)
	}, nil, http.StatusBadRequest)
	switch out {
	case outRefused:
		if !strings.Contains(string(res.body), "Number is on a port request already: "+a.id) {
			w.h.fail("worker %d: edit of %s adding %s refused for another reason: %s", w.id, m.ID, a.number, res)
			return false
		}
		return true
	case outDoubt:
		// A refused write: m stays as it is either way.
	case outAcked, outFailed:
		w.h.fail("worker %d: an edit of %s claimed %s, held by active request %s: %s", w.id, m.ID, a.number, a.id, res)
	}
	return false
}

// move walks m to state to (PATCH port_requests/{id}/{to}), with the
// fields a move may carry.
func (w *crashWorker) move(m *crashReq, to string) bool {
	var body []byte
	ref := ""
	switch to {
	case "pending":
		ref = fmt.Sprintf("REF-%x", w.rng.Uint32())
		body = fmt.Appendf(nil, `{"data":{"reference_number":%q}}`, ref)
	case "scheduled":
		day := time.Now().AddDate(0, 0, 20+w.rng.IntN(30)).Format("2006-01-02")
		body = fmt.Appendf(nil, `{"data":{"schedule_on":{"date_time":"%s 10:00","timezone":"America/New_York"}}}`, day)
	}
	from := m.State
	return w.write(m, "transition", func() (crashResult, error) {
		return w.p.kazoo("PATCH", "/"+m.ID+"/"+to, m.Revision, "application/json", body)
	}, http.StatusOK, func(m *crashReq) {
		m.State = to
		m.Transitions = append(m.Transitions, crashTransition{from, to})
		if ref != "" {
			m.Fields.Ref = ref
		}
		m.Revision++
	})
}

// badMove asks for a move the lifecycle forbids: it must be refused and
// leave no trace (no transition, no event).
func (w *crashWorker) badMove(m *crashReq) bool {
	var bad []string
	for _, st := range porting.States() {
		if string(st) != m.State && !slices.Contains(crashMoves[m.State], string(st)) {
			bad = append(bad, string(st))
		}
	}
	to := bad[w.rng.IntN(len(bad))]
	res, out := w.send("bad_transition", func() (crashResult, error) {
		return w.p.kazoo("PATCH", "/"+m.ID+"/"+to, m.Revision, "", nil)
	}, nil, http.StatusBadRequest)
	switch out {
	case outRefused:
		if !strings.Contains(string(res.body), "Cannot move to new state from current state") {
			w.h.fail("worker %d: move of %s %s->%s refused for another reason: %s", w.id, m.ID, m.State, to, res)
			return false
		}
		return true
	case outAcked:
		w.h.fail("worker %d: forbidden move of %s %s->%s done: %s", w.id, m.ID, m.State, to, res)
	}
	return false
}

// comment adds one or two comments to m, over Kazoo (both in one write)
// or, on a submitted request, Telnyx.
func (w *crashWorker) comment(m *crashReq) bool {
	body := fmt.Sprintf("comment w%d %x", w.id, w.rng.Uint64())
	if w.telnyx && m.State != "unconfirmed" && w.rng.IntN(2) == 0 {
		payload := fmt.Appendf(nil, `{"body":%q}`, body)
		return w.write(m, "comment_telnyx", func() (crashResult, error) {
			return w.p.telnyx("POST", "/port_requests/"+m.ID+"/comments", payload)
		}, http.StatusCreated, func(m *crashReq) {
			m.Comments = append(m.Comments, body)
			m.Revision++
		})
	}
	bodies := []string{body}
	if w.rng.IntN(4) == 0 {
		bodies = append(bodies, body+" (2)")
	}
	var items []map[string]any
	for _, b := range bodies {
		items = append(items, map[string]any{"content": b, "is_private": w.rng.IntN(4) == 0})
	}
	payload, _ := json.Marshal(map[string]any{"data": map[string]any{"comments": items}})
	return w.write(m, "comment", func() (crashResult, error) {
		return w.p.kazoo("PUT", "/"+m.ID+"/comments", m.Revision, "application/json", payload)
	}, http.StatusCreated, func(m *crashReq) {
		m.Comments = append(m.Comments, bodies...)
		m.Revision++
	})
}

// attach uploads random bytes as one of m's attachments, adding it or
// replacing the one of that name. Most are small; some span several of
// the Badger store's 256 KiB chunks.
func (w *crashWorker) attach(m *crashReq) bool {
	name := fmt.Sprintf("a%d.pdf", 1+w.rng.IntN(crashAttachNames))
	size := 200 + w.rng.IntN(20_000)
	if w.rng.IntN(12) == 0 {
		size = 256<<10 + w.rng.IntN(400<<10)
	}
	data := make([]byte, size)
	_, _ = rand.Read(data)
	return w.write(m, "attachment", func() (crashResult, error) {
		return w.p.kazoo("PUT", "/"+m.ID+"/attachments?filename="+url.QueryEscape(name), m.Revision, "application/pdf", data)
	}, http.StatusCreated, func(m *crashReq) {
		m.Attachments[name] = data
		m.Uploads++
		m.Revision++
	})
}

// detach deletes one of m's attachments.
func (w *crashWorker) detach(m *crashReq) bool {
	names := slices.Sorted(maps.Keys(m.Attachments))
	name := names[w.rng.IntN(len(names))]
	return w.write(m, "attachment_delete", func() (crashResult, error) {
		return w.p.kazoo("DELETE", "/"+m.ID+"/attachments/"+name, m.Revision, "", nil)
	}, http.StatusOK, func(m *crashReq) {
		delete(m.Attachments, name)
		m.UploadDeletes++
		m.Revision++
	})
}

// remove deletes m.
func (w *crashWorker) remove(m *crashReq) bool {
	ok := w.write(m, "delete", func() (crashResult, error) {
		return w.p.kazoo("DELETE", "/"+m.ID, m.Revision, "", nil)
	}, http.StatusOK, func(m *crashReq) { m.Deleted = true })
	if m.Deleted {
		w.forget(m)
	}
	return ok
}

// forget moves a deleted request to the deleted list.
func (w *crashWorker) forget(m *crashReq) {
	delete(w.reqs, m.ID)
	w.deleted = append(w.deleted, m)
	if len(w.deleted) > crashMaxDeleted {
		w.deleted = w.deleted[1:]
	}
}

// read reads m back while portd runs: it must be exactly as acknowledged.
// Now and then it reads it through the Telnyx dialect as well.
func (w *crashWorker) read(m *crashReq) bool {
	w.count("op:read")
	got, _, problems, err := crashFetch(w.p, m.ID)
	if err != nil {
		if !w.h.killed.Load() {
			w.h.fail("worker %d: reading %s: %v", w.id, m.ID, err)
		}
		return false
	}
	problems = append(problems, m.diff(got)...)
	if len(problems) > 0 {
		w.h.fail("worker %d: request %s read back while portd runs:\n  %s", w.id, m.ID, strings.Join(problems, "\n  "))
		return false
	}
	if w.telnyx {
		if msg, err := crashTelnyxCheck(w.p, m); err != nil {
			if !w.h.killed.Load() {
				w.h.fail("worker %d: reading %s through Telnyx: %v", w.id, m.ID, err)
			}
			return false
		} else if msg != "" {
			w.h.fail("worker %d: %s", w.id, msg)
			return false
		}
	}
	return true
}

// crashTelnyxCheck reads m through the Telnyx dialect (as a draft while it is
// unconfirmed, else as a port request) and compares its numbers. It
// returns a problem, or an error when the exchange failed.
func crashTelnyxCheck(p *portdProc, m *crashReq) (string, error) {
	path := "/port_requests/" + m.ID
	if m.State == "unconfirmed" {
		path = "/draft_port_requests/" + m.ID
	}
	res, err := p.telnyx("GET", path, nil)
	if err != nil {
		return "", err
	}
	var d struct {
		ID           string `json:"id"`
		PhoneNumbers []struct {
			PhoneNumber string `json:"phone_number"`
		} `json:"phone_numbers"`
	}
	if res.status != http.StatusOK || json.Unmarshal(res.body, &d) != nil {
		return fmt.Sprintf("Telnyx GET %s: %s", path, res), nil
	}
	var numbers []string
	for _, n := range d.PhoneNumbers {
		numbers = append(numbers, n.PhoneNumber)
	}
	slices.Sort(numbers)
	if d.ID != m.ID || !slices.Equal(numbers, m.Numbers) {
		return fmt.Sprintf("Telnyx GET %s: id %s numbers %v, acknowledged %v", path, d.ID, numbers, m.Numbers), nil
	}
	return "", nil
}
