package webhook

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Which addresses the guard refuses, by kind; public ones pass.
func TestForbiddenAddresses(t *testing.T) {
	for addr, kind := range map[string]string{
		"127.0.0.1": "loopback", "127.8.9.10": "loopback", "::1": "loopback", "::ffff:127.0.0.1": "loopback",
		"169.254.169.254": "link-local", "fe80::1": "link-local", "ff02::1": "link-local",
		"0.0.0.0": "unspecified", "::": "unspecified", "0.1.2.3": "unspecified",
		"224.0.0.1": "link-local", "230.1.2.3": "multicast", "239.1.2.3": "multicast", "ff05::2": "multicast", "255.255.255.255": "multicast",
		"10.0.0.1": "private", "172.16.5.4": "private", "192.168.1.1": "private", "fd00::1": "private",
		"100.64.0.1": "private", "::ffff:10.1.2.3": "private",
		"8.8.8.8": "", "1.1.1.1": "", "2606:4700:4700::1111": "", "172.32.0.1": "", "100.128.0.1": "",
	} {
		require.Equal(t, kind, forbidden(netip.MustParseAddr(addr)), addr)
	}
	require.Error(t, guardControl("tcp4", "10.0.0.1:443", nil))
	require.NoError(t, guardControl("tcp4", "8.8.8.8:443", nil))
	require.Error(t, guardControl("tcp4", "not an address", nil))
}

// The schedule's waits, spread by the jitter, and its end.
func TestRetryAfter(t *testing.T) {
	s := []time.Duration{time.Minute, 10 * time.Minute}
	d, ok := retryAfter(s, 1, 0, 0.7)
	require.True(t, ok)
	require.Equal(t, time.Minute, d)
	d, _ = retryAfter(s, 2, 0.2, 0)
	require.Equal(t, 8*time.Minute, d, "the low end of the jitter")
	d, _ = retryAfter(s, 2, 0.2, 0.5)
	require.Equal(t, 10*time.Minute, d)
	d, _ = retryAfter(s, 2, 0.2, 0.999999)
	require.InDelta(t, float64(12*time.Minute), float64(d), float64(time.Millisecond), "the high end")
	_, ok = retryAfter(s, 3, 0.2, 0.5)
	require.False(t, ok, "the schedule is over")
	_, ok = retryAfter(s, 0, 0.2, 0.5)
	require.False(t, ok)

	require.Equal(t, []time.Duration{time.Second, 4 * time.Second, 16 * time.Second, 30 * time.Second},
		Exponential(time.Second, 4, 30*time.Second, 4))
	total := time.Duration(0)
	for _, d := range DefaultSchedule {
		total += d
	}
	require.Greater(t, total, 20*time.Hour, "the default schedule runs over hours")
}
