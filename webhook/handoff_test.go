package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// A request submitted under an account with a submission URL is POSTed
// there whole (PIN included: the processor needs it), with its
// attachments, and marked sent once every POST is accepted; a failure is
// retried on the schedule; a resubmission is handed off again.
func TestHandOff(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t)
	sys := porting.AsSystem(context.Background())
	require.NoError(t, w.f.Service.PutAccount(sys, porting.Account{ID: w.f.Customer.ID, Name: "Customer",
		ParentID: w.f.Authority.ID, SubmissionURL: rc.srv.URL + "/ports/"}))
	secret := porting.NewSecret()
	rc.mu.Lock()
	rc.secret, rc.now = secret, w.f.Clock.Now
	rc.mu.Unlock()
	rc.setAnswer(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	w.run(webhook.Options{HandOff: true, HandOffSecret: secret, Schedule: []time.Duration{time.Minute}, Jitter: -1})

	in := portingInput("+12025550101")
	in.Bill = porting.Bill{Name: "Acme", PIN: "2468"}
	r, err := w.f.Service.Create(w.f.AsCustomer(), w.f.Customer.ID, in)
	require.NoError(t, err)
	_, _, err = w.f.Service.PutAttachment(w.f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "loa.pdf", ContentType: "application/pdf", Body: bytes.NewReader([]byte("%PDF-1.4 loa"))})
	require.NoError(t, err)
	other := w.f.Create(t, "+12025550102") // never submitted: never handed off
	_ = other
	w.f.Move(t, r.ID, porting.StateSubmitted)

	waitFor(t, "the first attempt", func() bool { return rc.count() == 1 })
	got, err := w.f.Service.Get(sys, r.ID)
	require.NoError(t, err)
	require.False(t, got.Sent, "not sent while the processor refuses it")

	rc.setAnswer(nil)
	// The retry is due a minute after the attempt, on the clock: move it
	// there once the worker waits for it.
	waitFor(t, "the retry's wait", func() bool { return w.f.Clock.Waiting() > 0 })
	next, _ := w.f.Clock.NextWait()
	require.Equal(t, time.Minute, next.Sub(w.f.Clock.Now()))
	w.f.Clock.Set(next)
	waitFor(t, "marked sent", func() bool {
		got, err := w.f.Service.Get(sys, r.ID)
		return err == nil && got.Sent
	})
	posts := rc.received()
	require.Len(t, posts, 3, "the failed attempt, then the request and its attachment")
	require.Equal(t, "/ports/"+r.ID, posts[1].Path)
	require.True(t, posts[1].Verified)
	var sent porting.PortRequest
	require.NoError(t, json.Unmarshal(posts[1].Body, &sent))
	require.Equal(t, r.ID, sent.ID)
	require.Equal(t, "2468", sent.Bill.PIN, "the processor gets the whole request")
	require.Equal(t, "/ports/"+r.ID+"/loa.pdf", posts[2].Path)
	require.Equal(t, "%PDF-1.4 loa", string(posts[2].Body))
	require.Equal(t, "application/pdf", posts[2].Header.Get("Content-Type"))
	require.True(t, posts[2].Verified)

	// Rejected and submitted again: sent is false again, and it is
	// handed off again.
	w.f.Move(t, r.ID, porting.StateRejected)
	f := w.f
	_, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	require.NoError(t, err)
	waitFor(t, "handed off again", func() bool { return rc.count() == 5 })
	waitFor(t, "sent again", func() bool {
		got, err := w.f.Service.Get(sys, r.ID)
		return err == nil && got.Sent && got.State == porting.StateSubmitted
	})
	for _, p := range rc.received() {
		require.NotContains(t, p.Path, other.ID)
	}
	waitFor(t, "both hand-offs recorded as delivered", func() bool {
		page, err := w.f.Store.Deliveries(context.Background(), webhook.HandOffStream, porting.DeliveryQuery{Status: porting.DeliveryDelivered})
		return err == nil && len(page.Deliveries) == 2
	})
}
