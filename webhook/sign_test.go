package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/webhook"
)

// The example secret and signature of the Standard Webhooks
// specification's test vectors.
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specBody      = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignMatchesTheSpecification(t *testing.T) {
	h, err := webhook.Sign(specSecret, specID, time.Unix(specTimestamp, 0), []byte(specBody))
	require.NoError(t, err)
	require.Equal(t, specID, h.Get("webhook-id"))
	require.Equal(t, strconv.Itoa(specTimestamp), h.Get("webhook-timestamp"))
	require.Equal(t, specSignature, h.Get("webhook-signature"))
}

func TestVerify(t *testing.T) {
	at := time.Unix(specTimestamp, 0)
	v := webhook.Verifier{Secret: specSecret, Now: func() time.Time { return at.Add(time.Minute) }}
	headers := func() http.Header {
		h, err := webhook.Sign(specSecret, specID, at, []byte(specBody))
		require.NoError(t, err)
		return h
	}
	require.NoError(t, v.Verify(headers(), []byte(specBody)))
	require.NoError(t, webhook.Verifier{Secret: specSecret[len("whsec_"):], Now: v.Now}.Verify(headers(), []byte(specBody)),
		"the secret without its prefix")

	h := headers()
	h.Set("webhook-signature", "v1,bm90IGl0 v2,abc "+h.Get("webhook-signature"))
	require.NoError(t, v.Verify(h, []byte(specBody)), "any matching v1 signature of the list")

	require.ErrorIs(t, v.Verify(headers(), []byte(specBody+" ")), webhook.ErrSignature, "a changed body")
	for _, name := range []string{"webhook-id", "webhook-timestamp", "webhook-signature"} {
		h := headers()
		h.Del(name)
		require.ErrorIs(t, v.Verify(h, []byte(specBody)), webhook.ErrMissingHeaders, name)
	}
	h = headers()
	h.Set("webhook-id", "msg_other")
	require.ErrorIs(t, v.Verify(h, []byte(specBody)), webhook.ErrSignature, "the ID is signed")
	h = headers()
	h.Set("webhook-timestamp", strconv.Itoa(specTimestamp+1))
	require.ErrorIs(t, v.Verify(h, []byte(specBody)), webhook.ErrSignature, "the timestamp is signed")
	h = headers()
	h.Set("webhook-signature", "v2,"+h.Get("webhook-signature")[3:])
	require.ErrorIs(t, v.Verify(h, []byte(specBody)), webhook.ErrSignature, "only v1")
	h = headers()
	h.Set("webhook-timestamp", "yesterday")
	require.ErrorIs(t, v.Verify(h, []byte(specBody)), webhook.ErrTimestamp)

	for _, skew := range []time.Duration{6 * time.Minute, -6 * time.Minute} {
		late := webhook.Verifier{Secret: specSecret, Now: func() time.Time { return at.Add(skew) }}
		require.ErrorIs(t, late.Verify(headers(), []byte(specBody)), webhook.ErrTimestamp, "skew %v", skew)
	}
	wide := webhook.Verifier{Secret: specSecret, Tolerance: time.Hour, Now: func() time.Time { return at.Add(30 * time.Minute) }}
	require.NoError(t, wide.Verify(headers(), []byte(specBody)))

	other := "whsec_" + base64.StdEncoding.EncodeToString([]byte("another secret of 24 bytes!"))
	require.ErrorIs(t, webhook.Verifier{Secret: other, Now: v.Now}.Verify(headers(), []byte(specBody)), webhook.ErrSignature)
	require.Error(t, webhook.Verifier{Secret: "whsec_short", Now: v.Now}.Verify(headers(), []byte(specBody)))
}

// The signature is what the convention says, computed here by hand.
func TestSignIsHMACOfIDTimestampBody(t *testing.T) {
	secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijklmnopqrstuv"))
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	h, err := webhook.Sign(secret, "abc", at, []byte("{}"))
	require.NoError(t, err)
	m := hmac.New(sha256.New, []byte("0123456789abcdefghijklmnopqrstuv"))
	m.Write([]byte("abc." + strconv.FormatInt(at.Unix(), 10) + ".{}"))
	require.Equal(t, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)), h.Get("webhook-signature"))
	_, err = webhook.Sign("whsec_!!", "abc", at, nil)
	require.Error(t, err)
}
