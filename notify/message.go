package notify

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"

	"github.com/portkit/portkit/porting"
)

// compose builds the email: headers, then a multipart/alternative body
// with the plain text first and the HTML after it, each quoted-printable.
func (m *Mailer) compose(e porting.Event, d data, to []*mail.Address) ([]byte, error) {
	text, html, err := m.render(d)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, part := range []struct {
		typ  string
		data []byte
	}{{"text/plain; charset=utf-8", text}, {"text/html; charset=utf-8", html}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", part.typ)
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := mw.CreatePart(h)
		if err != nil {
			return nil, err
		}
		qw := quotedprintable.NewWriter(pw)
		if _, err := qw.Write(part.data); err != nil {
			return nil, err
		}
		if err := qw.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}

	recipients := make([]string, len(to))
	for i, a := range to {
		recipients[i] = a.String()
	}
	domain := "portkit.invalid"
	if _, host, ok := strings.Cut(m.from.Address, "@"); ok && host != "" {
		domain = host
	}
	var msg bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&msg, "%s: %s\r\n", k, v) }
	header("From", m.from.String())
	header("To", strings.Join(recipients, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(d.Subject)))
	header("Date", e.At.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	header("Message-ID", fmt.Sprintf("<%s.%s@%s>", e.ID, d.Kind, domain))
	header("MIME-Version", "1.0")
	header("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	header("X-Portkit-Notification", d.Kind)
	header("X-Portkit-Request", e.RequestID)
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}
