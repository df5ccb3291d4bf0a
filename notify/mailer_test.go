package notify_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/internal/smtptest"
	"github.com/portkit/portkit/notify"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// email is a message as a mail client reads it.
type email struct {
	To, From        []string
	Subject, Kind   string
	Request         string
	MessageID       string
	Text, HTML      string
	ContentTypeBase string
}

// readEmail parses a message the server accepted: headers, and the two
// alternatives, decoded.
func readEmail(t *testing.T, m smtptest.Message) email {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	require.NoError(t, err)
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	require.NoError(t, err)
	e := email{To: m.To, From: []string{m.From}, Subject: subject, Kind: msg.Header.Get("X-Portkit-Notification"),
		Request: msg.Header.Get("X-Portkit-Request"), MessageID: msg.Header.Get("Message-ID")}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	e.ContentTypeBase = mt
	require.Equal(t, 2, bytes.Count(m.Data, []byte("Content-Transfer-Encoding: quoted-printable")))
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(p) // the reader decodes quoted-printable itself
		require.NoError(t, err)
		switch ct := p.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/plain"):
			e.Text = string(b)
		case strings.HasPrefix(ct, "text/html"):
			e.HTML = string(b)
		}
	}
	return e
}

// mailWorld is a fixture whose port authority has an address, a relay,
// and a Mailer watching the event log.
func mailWorld(t *testing.T) (*portingtest.Fixture, *smtptest.Server) {
	f := portingtest.New(t, func(o *porting.Options) { o.Logger = quiet })
	sys := porting.AsSystem(context.Background())
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: f.Authority.ID, Name: "Port Authority",
		PortAuthority: true, Email: "ports@authority.example.net"}))
	relay := smtptest.Start(t)
	m, err := notify.New(f.Service, notify.Options{Relay: relay.Addr, From: "Porting <noreply@example.net>",
		Platform: "Example Telecom", Logger: quiet})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(porting.AsSystem(context.Background()))
	done := make(chan struct{})
	go func() { _ = f.Service.WatchEvents(ctx, notify.Consumer, m, 20*time.Millisecond); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return f, relay
}

// waitMessages waits until the relay holds n messages.
func waitMessages(t *testing.T, relay *smtptest.Server, n int) []smtptest.Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(relay.Messages()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d messages, not %d", len(relay.Messages()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(30 * time.Millisecond) // and no more
	msgs := relay.Messages()
	require.Len(t, msgs, n)
	return msgs
}

// Each change of a request's state, and each public comment, is an email
// to its notification addresses and its port authority, with a text and
// an HTML body; a private comment and the other events are not; no email
// shows the PIN or the account number.
func TestNotifications(t *testing.T) {
	f, relay := mailWorld(t)
	in := portingtest.Input("Acme <main> line", "+12025550100", "+12025550101")
	in.Bill = porting.Bill{Name: "Acme", PIN: "8642", AccountNumber: "ACCT-5150"}
	in.Notifications.EmailSendTo = []string{"alice@customer.example.net", "Bob <bob@customer.example.net>", "PORTS@authority.example.net"}
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	require.NoError(t, err)
	_, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{Reason: "all set"})
	require.NoError(t, err)
	f.Move(t, r.ID, porting.StatePending)
	_, _, err = f.Service.AddComments(f.AsAuthority(), r.ID, 0, []porting.CommentInput{
		{Body: "Internal: the CSR looks off", Private: true}, {Body: "Please confirm the service address."}})
	require.NoError(t, err)
	f.Move(t, r.ID, porting.StateScheduled)
	f.Move(t, r.ID, porting.StateCompleted)

	msgs := waitMessages(t, relay, 5)
	var kinds []string
	for _, m := range msgs {
		e := readEmail(t, m)
		kinds = append(kinds, e.Kind)
		require.Equal(t, "noreply@example.net", m.From)
		require.ElementsMatch(t, []string{"alice@customer.example.net", "bob@customer.example.net", "PORTS@authority.example.net"}, m.To,
			"the request's addresses and the authority's, once each")
		require.Equal(t, r.ID, e.Request)
		require.Equal(t, "multipart/alternative", e.ContentTypeBase)
		require.Contains(t, e.Subject, "Acme <main> line")
		require.Regexp(t, `^<[0-9a-f]{32}\.`+e.Kind+`@example\.net>$`, e.MessageID)
		for _, body := range []string{e.Text, e.HTML} {
			require.Contains(t, body, r.ID)
			require.Contains(t, body, "12025550101")
			require.Contains(t, body, "Example Telecom")
			require.NotContains(t, body, "8642", "no PIN in an email")
			require.NotContains(t, body, "ACCT-5150", "no account number in an email")
			require.NotContains(t, body, "CSR looks off", "no private comment in an email")
		}
		require.Contains(t, e.HTML, "Acme &lt;main&gt; line", "the HTML escapes what the customer wrote")
		require.Contains(t, e.Text, "Acme <main> line")
		switch e.Kind {
		case notify.KindRequest:
			require.Contains(t, e.Text, "was submitted")
			require.Contains(t, e.Text, "all set", "the reason")
		case notify.KindComment:
			require.Contains(t, e.Text, "Please confirm the service address.")
			require.Contains(t, e.Text, "Authority User wrote:")
		case notify.KindScheduled:
			require.Contains(t, e.Text, "Scheduled:")
		}
	}
	require.Equal(t, []string{notify.KindRequest, notify.KindPending, notify.KindComment, notify.KindScheduled, notify.KindPorted}, kinds)

	// Rejected and canceled too.
	r2 := f.Create(t, "+12025550102")
	f.Move(t, r2.ID, porting.StateSubmitted)
	f.Move(t, r2.ID, porting.StateRejected)
	f.Move(t, r2.ID, porting.StateCanceled)
	msgs = waitMessages(t, relay, 8)
	kinds = nil
	for _, m := range msgs[5:] {
		e := readEmail(t, m)
		kinds = append(kinds, e.Kind)
		require.Equal(t, []string{"ports@authority.example.net"}, m.To, "only the authority: the request names no address")
	}
	require.Equal(t, []string{notify.KindRequest, notify.KindRejected, notify.KindCancel}, kinds)
}

// A recipient the relay refuses for good is left out; one it refuses for
// now fails the send, which is tried again (WatchEvents); a relay that
// is down is an error too.
func TestNotificationRefusals(t *testing.T) {
	f := portingtest.New(t, func(o *porting.Options) { o.Logger = quiet })
	relay := smtptest.Start(t)
	m, err := notify.New(f.Service, notify.Options{Relay: relay.Addr, From: "noreply@example.net", Logger: quiet})
	require.NoError(t, err)
	in := portingtest.Input("x", "+12025550100")
	in.Notifications.EmailSendTo = []string{"gone@example.net", "ok@example.net"}
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	require.NoError(t, err)
	f.Move(t, r.ID, porting.StateSubmitted)
	es, err := f.Service.Events(porting.AsSystem(t.Context()), 0, 10)
	require.NoError(t, err)
	submitted := es[len(es)-1]

	relay.Refuse("gone@example.net", 550)
	require.NoError(t, m.HandleEvent(t.Context(), submitted))
	msgs := relay.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, []string{"ok@example.net"}, msgs[0].To)

	relay.Refuse("ok@example.net", 451)
	require.Error(t, m.HandleEvent(t.Context(), submitted), "a refusal for now is tried again")
	require.Len(t, relay.Messages(), 1)

	relay.Refuse("ok@example.net", 550)
	require.NoError(t, m.HandleEvent(t.Context(), submitted), "everyone refused for good: nothing to retry")
	require.Len(t, relay.Messages(), 1)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	down := ln.Addr().String()
	require.NoError(t, ln.Close())
	m2, err := notify.New(f.Service, notify.Options{Relay: down, From: "noreply@example.net", Logger: quiet, Timeout: time.Second})
	require.NoError(t, err)
	require.Error(t, m2.HandleEvent(t.Context(), submitted))

	_, err = notify.New(f.Service, notify.Options{Relay: "no-port", From: "noreply@example.net"})
	require.Error(t, err)
	_, err = notify.New(f.Service, notify.Options{Relay: relay.Addr, From: "not an address"})
	require.Error(t, err)
}
