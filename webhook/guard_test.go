package webhook_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// Without AllowPrivate, nothing is delivered to loopback: neither to its
// address nor to a name that resolves to it; the attempt says why.
func TestGuardRefusesLoopback(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t)
	_, port, err := net.SplitHostPort(strings.TrimPrefix(rc.srv.URL, "http://"))
	require.NoError(t, err)
	d := webhook.New(w.f.Service, w.f.Store, webhook.Options{Logger: quiet})
	for _, host := range []string{"127.0.0.1", "localhost"} {
		sub := w.subscribe(w.f.Customer.ID, rc, func(in *porting.SubscriptionInput) { in.URL = "http://" + host + ":" + port + "/hook" })
		a, err := d.Test(context.Background(), sub)
		require.NoError(t, err)
		require.Zero(t, a.StatusCode, host)
		require.Contains(t, a.Error, "loopback", host)
	}
	require.Zero(t, rc.count(), "the receiver got nothing")

	allowed := webhook.New(w.f.Service, w.f.Store, webhook.Options{Logger: quiet, AllowPrivate: true})
	sub := w.subscribe(w.f.Customer.ID, rc, func(in *porting.SubscriptionInput) { in.URL = "http://localhost:" + port + "/hook" })
	a, err := allowed.Test(context.Background(), sub)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, a.StatusCode, "%+v", a)
}
