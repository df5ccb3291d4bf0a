package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portkit/portkit/porting"
)

// The headers of the Standard Webhooks convention.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// DefaultTolerance is how far a delivery's timestamp may be from the
// receiver's clock, either way, before Verify refuses it (a replayed
// capture, or a clock far off).
const DefaultTolerance = 5 * time.Minute

// Errors of Verify.
var (
	// ErrMissingHeaders: a webhook header is absent or empty.
	ErrMissingHeaders = errors.New("webhook: missing webhook-id, webhook-timestamp or webhook-signature")
	// ErrTimestamp: the timestamp is malformed or outside the tolerance.
	ErrTimestamp = errors.New("webhook: timestamp outside the tolerance")
	// ErrSignature: no signature matches the body.
	ErrSignature = errors.New("webhook: no matching signature")
)

// Sign returns the headers that sign a delivery of body with message ID
// id at time at, under secret ("whsec_" and base64): webhook-id,
// webhook-timestamp (Unix seconds) and webhook-signature, "v1," and the
// base64 of the HMAC-SHA256 of "{id}.{timestamp}.{body}".
func Sign(secret, id string, at time.Time, body []byte) (http.Header, error) {
	key, err := porting.SecretKey(secret)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	h := http.Header{}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, "v1,"+signature(key, id, ts, body))
	return h, nil
}

// signature is the base64 HMAC-SHA256 of "{id}.{ts}.{body}".
func signature(key []byte, id, ts string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery as a receiver gets it, with the secret the
// subscription was given: the headers must sign body, with a timestamp
// within DefaultTolerance of the receiver's clock. It returns nil, or an
// error matching ErrMissingHeaders, ErrTimestamp or ErrSignature.
// Receivers should then drop a webhook-id they have handled already:
// delivery is at least once.
func Verify(secret string, h http.Header, body []byte) error {
	return Verifier{Secret: secret}.Verify(h, body)
}

// Verifier checks deliveries with settings of its own.
type Verifier struct {
	// Secret is the subscription's secret.
	Secret string
	// Tolerance is how far the timestamp may be from Now, either way.
	// Default DefaultTolerance.
	Tolerance time.Duration
	// Now tells the receiver's time. Default time.Now.
	Now func() time.Time
}

// Verify checks a delivery: see the package function Verify.
func (v Verifier) Verify(h http.Header, body []byte) error {
	key, err := porting.SecretKey(v.Secret)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	id, ts, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingHeaders
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not Unix seconds", ErrTimestamp, ts)
	}
	tol := v.Tolerance
	if tol <= 0 {
		tol = DefaultTolerance
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if d := now().Sub(time.Unix(sec, 0)); d > tol || d < -tol {
		return fmt.Errorf("%w: %s away from now", ErrTimestamp, d.Round(time.Second))
	}
	want := []byte(signature(key, id, ts, body))
	// The header lists signatures separated by spaces ("v1,<a> v1,<b>"
	// while a secret is rotated); any v1 one that matches will do.
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		if ok && version == "v1" && hmac.Equal([]byte(sig), want) {
			return nil
		}
	}
	return ErrSignature
}
