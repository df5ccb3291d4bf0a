package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// post makes one attempt: it POSTs body to url with the given headers,
// within the delivery timeout, follows no redirect, and reads at most
// MaxResponse bytes of the answer. Only a 2xx answer succeeds.
func (d *Dispatcher) post(ctx context.Context, url string, h http.Header, contentType string, body []byte) (a porting.Attempt) {
	a.At = d.now()
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, d.opt.Timeout)
	defer cancel()
	// a is the named result: the deferred call sets the Duration of what
	// the caller gets (the answer's body read and closed included).
	defer func() { a.Duration = time.Since(start) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", d.opt.UserAgent)
	res, err := d.client.Do(req)
	if err != nil {
		a.Error = attemptError(err)
		return a
	}
	defer res.Body.Close()
	a.StatusCode = res.StatusCode
	// A 2xx is the endpoint's acceptance, whatever becomes of its body.
	head, _ := io.ReadAll(io.LimitReader(res.Body, d.opt.MaxResponse))
	a.Response = printable(head)
	switch {
	case res.StatusCode >= 300 && res.StatusCode < 400:
		a.Error = fmt.Sprintf("HTTP %d: redirect to %q not followed", res.StatusCode, res.Header.Get("Location"))
	case res.StatusCode < 200 || res.StatusCode >= 300:
		a.Error = fmt.Sprintf("HTTP %d", res.StatusCode)
	}
	return a
}

// attemptError says why a request got no answer, without the URL (which
// the delivery shows already).
func attemptError(err error) string {
	var fe *ForbiddenAddressError
	switch {
	case errors.As(err, &fe):
		return fe.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner.Error()
		}
	}
	return err.Error()
}

// maxResponseShown bounds the answer kept in an attempt.
const maxResponseShown = 256

// printable returns the start of an answer as valid UTF-8 text.
func printable(b []byte) string {
	if len(b) > maxResponseShown {
		b = b[:maxResponseShown]
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
