package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/portkit/portkit/porting"
)

// Consumer is the event cursor a Mailer runs under.
const Consumer = "notify/email"

// Kinds of notification, Kazoo's template names.
const (
	KindRequest   = "port_request"
	KindPending   = "port_pending"
	KindScheduled = "port_scheduled"
	KindRejected  = "port_rejected"
	KindCancel    = "port_cancel"
	KindPorted    = "ported"
	KindComment   = "port_comment"
)

// Options configure a Mailer.
type Options struct {
	// Relay is the SMTP relay, host:port. Required.
	Relay string
	// From is the sender's address ("Ports <ports@example.net>").
	// Required.
	From string
	// Username and Password, when set, authenticate to the relay (PLAIN,
	// which net/smtp sends only over TLS or to localhost).
	Username, Password string
	// NoStartTLS does not upgrade the connection when the relay offers
	// STARTTLS.
	NoStartTLS bool
	// Platform names the sender in the emails' signature. Default
	// "portkit".
	Platform string
	// Timeout bounds one email, from connecting to QUIT. Default 30
	// seconds.
	Timeout time.Duration
	// MaxNumbers caps the numbers listed in an email. Default 50.
	MaxNumbers int
	// Logger receives the recipients the relay refused for good.
	// Default slog.Default().
	Logger *slog.Logger
}

// Mailer emails notifications of port requests' events.
type Mailer struct {
	svc  *porting.Service
	opt  Options
	from *mail.Address
	text *texttemplate.Template
	html *htmltemplate.Template
}

//go:embed templates
var templates embed.FS

// New returns a Mailer over svc.
func New(svc *porting.Service, opt Options) (*Mailer, error) {
	if opt.Relay == "" {
		return nil, errors.New("notify: Options.Relay is required")
	}
	if _, _, err := net.SplitHostPort(opt.Relay); err != nil {
		return nil, fmt.Errorf("notify: relay %q is not host:port: %w", opt.Relay, err)
	}
	from, err := mail.ParseAddress(opt.From)
	if err != nil {
		return nil, fmt.Errorf("notify: From %q: %w", opt.From, err)
	}
	if opt.Platform == "" {
		opt.Platform = "portkit"
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.MaxNumbers <= 0 {
		opt.MaxNumbers = 50
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	text, err := texttemplate.ParseFS(templates, "templates/email.txt")
	if err != nil {
		return nil, err
	}
	html, err := htmltemplate.ParseFS(templates, "templates/email.html")
	if err != nil {
		return nil, err
	}
	return &Mailer{svc: svc, opt: opt, from: from, text: text, html: html}, nil
}

// kindOf returns the notification an event calls for, if any: a change of
// the request's state, or a public comment.
func kindOf(e porting.Event) string {
	switch e.Type {
	case porting.EventCommentAdded:
		if e.Comment != nil && !e.Comment.Private {
			return KindComment
		}
	case porting.EventTransitioned:
		if e.State == e.PreviousState {
			return "" // a sub request moved; the request did not
		}
		switch e.State {
		case porting.StateSubmitted:
			return KindRequest
		case porting.StatePending:
			return KindPending
		case porting.StateScheduled:
			return KindScheduled
		case porting.StateRejected:
			return KindRejected
		case porting.StateCanceled:
			return KindCancel
		case porting.StateCompleted:
			return KindPorted
		}
	}
	return ""
}

// data is what the templates render.
type data struct {
	Kind, Subject, Intro                string
	Name, RequestID, AccountName, State string
	ScheduledDate, Reason               string
	Comment                             *porting.Comment
	Numbers                             []string
	NumberCount, More                   int
	Platform                            string
}

// HandleEvent implements porting.EventHandler: it emails the
// notification e calls for, if any, to whoever it concerns. An error
// (the relay is down, or refused the message for now) makes
// WatchEvents hand e over again; recipients the relay refuses for good
// are logged and left out.
func (m *Mailer) HandleEvent(ctx context.Context, e porting.Event) error {
	kind := kindOf(e)
	if kind == "" {
		return nil
	}
	ctx = porting.AsSystem(ctx)
	r, err := m.svc.Get(ctx, e.RequestID)
	if errors.Is(err, porting.ErrNotFound) {
		return nil // deleted since: nobody left to tell about it
	}
	if err != nil {
		return err
	}
	to, err := m.recipients(ctx, r)
	if err != nil || len(to) == 0 {
		return err
	}
	d := m.dataOf(ctx, kind, e, r)
	msg, err := m.compose(e, d, to)
	if err != nil {
		return err
	}
	return m.send(ctx, to, msg)
}

// recipients are the request's notification addresses and its port
// authority's, each once.
func (m *Mailer) recipients(ctx context.Context, r *porting.PortRequest) ([]*mail.Address, error) {
	addrs := slices.Clone(r.Notifications.EmailSendTo)
	auth, ok, err := m.svc.PortAuthorityOf(ctx, r.AccountPath)
	if err != nil {
		return nil, err
	}
	if ok && auth.Email != "" {
		addrs = append(addrs, auth.Email)
	}
	var out []*mail.Address
	seen := map[string]bool{}
	for _, a := range addrs {
		p, err := mail.ParseAddress(a)
		if err != nil {
			m.opt.Logger.Warn("notify: skipping an address that does not parse", "address", a, "err", err)
			continue
		}
		key := strings.ToLower(p.Address)
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// intros say what happened, by kind.
var intros = map[string]string{
	KindRequest:   "Port request %q was submitted.",
	KindPending:   "Port request %q was sent to the losing carrier and awaits its answer.",
	KindScheduled: "Port request %q is scheduled: the losing carrier confirmed the date.",
	KindRejected:  "Port request %q was rejected. It can be corrected and submitted again.",
	KindCancel:    "Port request %q was canceled.",
	KindPorted:    "Port request %q is complete: its numbers are active.",
	KindComment:   "A comment was added to port request %q.",
}

// subjects are the emails' subjects, by kind.
var subjects = map[string]string{
	KindRequest:   "Port request submitted: %s",
	KindPending:   "Port request pending: %s",
	KindScheduled: "Port request scheduled: %s",
	KindRejected:  "Port request rejected: %s",
	KindCancel:    "Port request canceled: %s",
	KindPorted:    "Port request completed: %s",
	KindComment:   "New comment on port request: %s",
}

// dataOf gathers what the templates show of the event and the request
// (no PIN, no account number: they are not shown).
func (m *Mailer) dataOf(ctx context.Context, kind string, e porting.Event, r *porting.PortRequest) data {
	d := data{
		Kind: kind, Subject: fmt.Sprintf(subjects[kind], oneLine(r.Name)), Intro: fmt.Sprintf(intros[kind], r.Name),
		Name: r.Name, RequestID: r.ID, AccountName: r.AccountID, State: string(e.State), Platform: m.opt.Platform,
		NumberCount: len(r.Numbers),
	}
	if acct, err := m.svc.Account(ctx, r.AccountID); err == nil && acct.Name != "" {
		d.AccountName = acct.Name
	}
	if kind == KindComment {
		d.State = string(r.State)
		d.Comment = e.Comment
	}
	if e.Transition != nil {
		d.Reason = e.Transition.Reason
	}
	if kind == KindScheduled {
		if t := r.ScheduledDate(); !t.IsZero() {
			d.ScheduledDate = t.Format("Monday 2 January 2006")
		}
	}
	for i, n := range r.Numbers {
		if i == m.opt.MaxNumbers {
			d.More = len(r.Numbers) - i
			break
		}
		d.Numbers = append(d.Numbers, n.E164)
	}
	return d
}

// oneLine keeps a header value on one line.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

// send hands the message to the relay: a refused recipient is logged
// (5xx: for good) or fails the send (4xx: try again later).
func (m *Mailer) send(ctx context.Context, to []*mail.Address, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, m.opt.Timeout)
	defer cancel()
	host, _, _ := net.SplitHostPort(m.opt.Relay)
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", m.opt.Relay)
	if err != nil {
		return fmt.Errorf("notify: connecting to %s: %w", m.opt.Relay, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("notify: %s: %w", m.opt.Relay, err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !m.opt.NoStartTLS {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("notify: STARTTLS with %s: %w", m.opt.Relay, err)
		}
	}
	if m.opt.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.opt.Username, m.opt.Password, host)); err != nil {
			return fmt.Errorf("notify: authenticating to %s: %w", m.opt.Relay, err)
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return fmt.Errorf("notify: MAIL FROM: %w", err)
	}
	accepted := 0
	for _, a := range to {
		err := c.Rcpt(a.Address)
		var te *textproto.Error
		switch {
		case err == nil:
			accepted++
		case errors.As(err, &te) && te.Code >= 500:
			m.opt.Logger.Warn("notify: the relay refused a recipient", "address", a.Address, "err", err)
		default:
			return fmt.Errorf("notify: RCPT TO %s: %w", a.Address, err)
		}
	}
	if accepted == 0 {
		return c.Quit() // nobody to send it to, ever
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("notify: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("notify: writing the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("notify: the relay did not take the message: %w", err)
	}
	return c.Quit()
}

// render executes the text and HTML bodies.
func (m *Mailer) render(d data) (text, html []byte, err error) {
	var tb, hb bytes.Buffer
	if err := m.text.ExecuteTemplate(&tb, "body", d); err != nil {
		return nil, nil, err
	}
	if err := m.html.ExecuteTemplate(&hb, "body", d); err != nil {
		return nil, nil, err
	}
	return tb.Bytes(), hb.Bytes(), nil
}
