package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/portkit/portkit/webhook"
)

// Helpers of the access tests (access_test.go): one Service with both
// dialects mounted, five callers, and requests built in any state with
// secrets, comments and a document on them.

// subToken is the token of a user of "sub", a sub-account of the
// customer that is no port authority.
const subToken = "sub-token"

// Distinctive values planted on every request the access tests build, so
// that a response can be searched for them byte for byte.
const (
	accessPIN           = "73915"
	accessAccountNumber = "ACCT-SECRET-8812"
	accessPrivateBody   = "PRIVATE-NOTE-5521 for the port authority only"
	accessPublicBody    = "public note 4406 for everyone"
	accessDocName       = "evidence.pdf"
)

// accessMissingID is a well-formed request ID no request has (the
// fixture's IDs count up from 1).
const accessMissingID = "ffffffffffffffffffffffffffffffff"

// accessLinkKey signs the Telnyx download links of the access tests.
var accessLinkKey = []byte("access test link key")

// accessRole is a kind of caller.
type accessRole string

// The callers: the request's owner (the customer), its port authority,
// a sub-account of the owner, an unrelated root account, and no token.
const (
	roleOwner     accessRole = "owner"
	roleAuthority accessRole = "authority"
	roleSub       accessRole = "sub"
	roleOther     accessRole = "other"
	roleNone      accessRole = "none"
)

// accessRoles lists every role, in the order the matrix runs them.
var accessRoles = []accessRole{roleOwner, roleAuthority, roleSub, roleOther, roleNone}

// token returns the role's token; "" for roleNone.
func (r accessRole) token() string {
	switch r {
	case roleOwner:
		return apitest.CustomerToken
	case roleAuthority:
		return apitest.AuthorityToken
	case roleSub:
		return subToken
	case roleOther:
		return apitest.OtherToken
	}
	return ""
}

// account returns the ID of the role's own account; "" for roleNone.
func (r accessRole) account() string {
	switch r {
	case roleOwner:
		return "customer"
	case roleAuthority:
		return "authority"
	case roleSub:
		return "sub"
	case roleOther:
		return "other"
	}
	return ""
}

// reaches reports whether the role can reach a request of the customer:
// the customer itself and its port authority (an ancestor).
func (r accessRole) reaches() bool { return r == roleOwner || r == roleAuthority }

// accessWorld is one Service (portingtest fixture: memory store, clock
// that moves only when told) with the Kazoo and Telnyx dialects mounted
// on one mux as portd mounts them, and the accounts authority (port
// authority, root), customer (its child, the owner), sub (the
// customer's child) and other (an unrelated root).
type accessWorld struct {
	f        *portingtest.Fixture
	h        http.Handler
	seq      int
	eventSeq uint64 // the newest event lastEvent saw
}

// newAccessWorld builds the world. Kazoo's LOA renderer is a stub that
// writes a PDF-looking line naming the request, so that loa answers 200.
func newAccessWorld(t testing.TB) *accessWorld {
	t.Helper()
	f := portingtest.New(t, func(o *porting.Options) { o.MaxSubscriptions = 10_000 }) // a webhook per cell
	sys := porting.AsSystem(context.Background())
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "sub", Name: "Sub", ParentID: f.Customer.ID}))
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "other", Name: "Other Root"}))
	tokens := apitest.Tokens(f)
	tokens.Add(subToken, porting.Actor{AccountID: "sub", UserID: "sub-user", Name: "Sub User"})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	loa := func(w io.Writer, r *porting.PortRequest) error {
		_, err := fmt.Fprintf(w, "%%PDF-1.4 LOA of %s\n", r.ID)
		return err
	}
	// Test deliveries go through a dispatcher whose transport answers
	// 204 without a network.
	hooks := webhook.New(f.Service, f.Store, webhook.Options{Logger: quiet, Transport: accessNoContent{}})
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(f.Service, tokens, kazoo.Options{LOA: loa, Logger: quiet, Webhooks: hooks}))
	mux.Handle("/origination/porting/", telnyx.New(f.Service, tokens,
		telnyx.Options{LinkKey: accessLinkKey, Logger: quiet}))
	return &accessWorld{f: f, h: mux, seq: 1000}
}

// number returns a phone number no request of the world has had yet.
func (w *accessWorld) number() string {
	w.seq++
	return fmt.Sprintf("+1202555%04d", w.seq)
}

// accessActor returns a context acting as a user of account.
func accessActor(account string) context.Context {
	return porting.WithActor(context.Background(), porting.Actor{AccountID: account, UserID: account + "-user", Name: account + " user"})
}

// accessTarget is a request built for one test cell, and what is on it.
type accessTarget struct {
	ID, Account, Number, SubID, DocID string
	// DocBytes are the bytes of the document named accessDocName.
	DocBytes []byte
	// WebhookID is a webhook of the customer with one failed delivery,
	// DeliveryID, for the rows of port_webhooks (see addWebhook).
	WebhookID, DeliveryID string
}

// accessNoContent is a transport that answers every request 204.
type accessNoContent struct{}

func (accessNoContent) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
}

// addWebhook gives tg a webhook of the customer and a failed delivery of
// it.
func (w *accessWorld) addWebhook(t testing.TB, tg *accessTarget) {
	t.Helper()
	s, err := w.f.Service.CreateSubscription(w.f.AsCustomer(), "customer", porting.SubscriptionInput{
		URL: "https://hooks.example.net/" + tg.ID, Enabled: true, Descendants: true})
	require.NoError(t, err)
	now := w.f.Clock.Now()
	from, err := w.f.Store.DeliveryCursor(context.Background(), s.ID)
	require.NoError(t, err)
	d := &porting.Delivery{Stream: s.ID, Seq: from + 1, ID: "msg-" + tg.ID, EventType: porting.EventCreated, RequestID: tg.ID,
		Payload: []byte(`{}`), Created: now, Updated: now}
	require.NoError(t, w.f.Store.Enqueue(context.Background(), s.ID, from, from+1, []*porting.Delivery{d}))
	d.Status = porting.DeliveryFailed
	d.AddAttempt(porting.Attempt{At: now, StatusCode: http.StatusInternalServerError, Error: "HTTP 500"})
	require.NoError(t, w.f.Store.UpdateDeliveries(context.Background(), []*porting.Delivery{d}))
	tg.WebhookID, tg.DeliveryID = s.ID, d.ID
}

// webhookState is what a refused call must leave of tg's webhook: its
// revision (0: gone) and its delivery's.
func (w *accessWorld) webhookState(t testing.TB, tg accessTarget) [2]int64 {
	t.Helper()
	if tg.WebhookID == "" {
		return [2]int64{}
	}
	s, err := w.f.Store.Subscription(context.Background(), tg.WebhookID)
	if errors.Is(err, porting.ErrNotFound) {
		return [2]int64{}
	}
	require.NoError(t, err)
	d, err := w.f.Store.Delivery(context.Background(), tg.WebhookID, tg.DeliveryID)
	require.NoError(t, err)
	return [2]int64{s.Revision, d.Revision}
}

// target builds a request of the customer in state st; see targetOf.
func (w *accessWorld) target(t testing.TB, st porting.State) accessTarget {
	t.Helper()
	return w.targetOf(t, "customer", st)
}

// targetOf builds a request of account in state st (as its own users;
// the moves only the port authority may make are made as the system):
// one fresh number, the bill's and the sub request's PIN and account
// number set to accessPIN and accessAccountNumber, every field a
// submission needs, a private comment of the port authority (when the
// account has one), a public comment of the account, and a document
// accessDocName.
func (w *accessWorld) targetOf(t testing.TB, account string, st porting.State) accessTarget {
	t.Helper()
	svc := w.f.Service
	as := accessActor(account)
	n := w.number()
	in := portingtest.Input("Access "+n, n)
	in.Bill = porting.Bill{Name: "Acme Inc", AccountNumber: accessAccountNumber, PIN: accessPIN}
	r, err := svc.Create(as, account, in)
	require.NoError(t, err)
	require.Len(t, r.SubRequests, 1)
	tg := accessTarget{ID: r.ID, Account: account, Number: n, SubID: r.SubRequests[0].ID}

	pin, acct := accessPIN, accessAccountNumber
	_, err = svc.UpdateDraftSubRequest(as, r.ID, tg.SubID, 0, porting.SubRequestPatch{PIN: &pin, AccountNumber: &acct})
	require.NoError(t, err)
	telnyxtest.Fill(t, w.f, as, r)

	sys := porting.AsSystem(context.Background())
	if account != "other" {
		_, err = apitest.AddComment(svc, w.f.AsAuthority(), r.ID, porting.CommentInput{Body: accessPrivateBody, Private: true})
	} else {
		_, err = apitest.AddComment(svc, sys, r.ID, porting.CommentInput{Body: accessPrivateBody, Private: true})
	}
	require.NoError(t, err)
	_, err = apitest.AddComment(svc, as, r.ID, porting.CommentInput{Body: accessPublicBody})
	require.NoError(t, err)

	tg.DocBytes = []byte("%PDF-1.4 evidence for " + n)
	att, _, err := svc.PutAttachment(as, r.ID, 0, porting.AttachmentInput{
		Name: accessDocName, ContentType: "application/pdf", DocumentType: porting.DocumentInvoice,
		Body: bytes.NewReader(tg.DocBytes),
	})
	require.NoError(t, err)
	tg.DocID = att.ID

	move := func(ctx context.Context, to porting.State) {
		t.Helper()
		opt := porting.TransitionOptions{AcceptCharges: true}
		if to == porting.StateScheduled {
			opt.ScheduledDate = w.f.Clock.Now().Add(72 * time.Hour)
		}
		_, err := svc.Transition(ctx, r.ID, 0, to, opt)
		require.NoError(t, err, "moving %s to %s", r.ID, to)
	}
	steps, ok := portingtest.PathTo(st)
	require.True(t, ok, "no way to state %q", st)
	for _, to := range steps {
		ctx := sys
		if to == porting.StateSubmitted || to == porting.StateCanceled {
			ctx = as // anyone may: the account's own user does it
		}
		move(ctx, to)
	}
	got, err := svc.Get(sys, r.ID)
	require.NoError(t, err)
	require.Equal(t, st, got.State)
	return tg
}

// accessResp is an answer.
type accessResp struct {
	Code   int
	Header http.Header
	Body   []byte
}

// call sends a request through the mux as token (none when empty), in
// the header of the path's dialect: X-Auth-Token for Kazoo (/v2/),
// "Authorization: Token" for Telnyx.
func (w *accessWorld) call(method, path, token, contentType string, body []byte) accessResp {
	rec := apitest.Serve(w.h, method, path, token, contentType, body)
	return accessResp{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// link asks for a Telnyx download link of a document as token and
// returns the link's path and token.
func (w *accessWorld) link(t testing.TB, token, id, docID string) (path, tok string) {
	t.Helper()
	res := w.call("POST", "/origination/porting/port_requests/"+id+"/supporting_documents/"+docID+"/download_links", token, "", nil)
	require.Equal(t, http.StatusOK, res.Code, string(res.Body))
	var out struct {
		URL string `json:"url"`
	}
	require.NoError(t, json.Unmarshal(res.Body, &out), string(res.Body))
	url := out.URL
	_, tok, ok := strings.Cut(url, "/downloads/")
	require.True(t, ok, url)
	return "/origination/porting/downloads/" + tok, tok
}

// accessMultipart returns a multipart/form-data body with document_type
// and a file part: its content type and bytes.
func accessMultipart(docType, filename, contentType string, data []byte) (string, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("document_type", docType)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", contentType)
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(data)
	_ = mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// envelopeRequestID matches the envelope's request_id, which differs
// on every call.
var envelopeRequestID = regexp.MustCompile(`"request_id":"[^"]*"`)

// accessNormalize returns an answer's body with each of ids replaced by
// "{id}" and Kazoo's per-call request_id blanked, for comparing two
// answers that differ only in the ID they were about.
func accessNormalize(body []byte, ids ...string) string {
	s := envelopeRequestID.ReplaceAllString(string(body), `"request_id":"-"`)
	for _, id := range ids {
		if id != "" {
			s = strings.ReplaceAll(s, id, "{id}")
		}
	}
	return s
}

// accessRequireAbsent fails when body holds s, quoting only the part of
// body around it (answers are long).
func accessRequireAbsent(t testing.TB, body, s, what string) {
	t.Helper()
	i := strings.Index(body, s)
	if i < 0 {
		return
	}
	from, to := max(0, i-80), min(len(body), i+len(s)+40)
	require.Failf(t, what, "%q found in the answer (%d bytes): ...%s...", s, len(body), body[from:to])
}
