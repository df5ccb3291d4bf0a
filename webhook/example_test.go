package webhook_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/portkit/portkit/webhook"
)

// A receiver checks each delivery with the subscription's secret before
// it trusts the body.
func ExampleVerify() {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	body := []byte(`{"id":"0f3a","type":"port_request.transitioned","timestamp":"2026-03-02T14:00:00Z","data":{}}`)
	h, _ := webhook.Sign(secret, "0f3a", time.Now(), body) // what the dispatcher sends

	fmt.Println(webhook.Verify(secret, h, body))
	fmt.Println(webhook.Verify(secret, h, []byte(`{"forged":true}`)))
	fmt.Println(webhook.Verify(secret, http.Header{}, body))
	// Output:
	// <nil>
	// webhook: no matching signature
	// webhook: missing webhook-id, webhook-timestamp or webhook-signature
}

// The headers of a delivery: the message ID, the time of the attempt and
// the signature, as the Standard Webhooks convention has them.
func ExampleSign() {
	h, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		panic(err)
	}
	for _, k := range []string{"webhook-id", "webhook-timestamp", "webhook-signature"} {
		fmt.Printf("%s: %s\n", k, h.Get(k))
	}
	// Output:
	// webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek
	// webhook-timestamp: 1614265330
	// webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
}
