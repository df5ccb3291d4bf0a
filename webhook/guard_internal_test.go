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

		// IPv6 addresses that embed an IPv4 one: NAT64's well-known
		// prefix and 6to4 reach the IPv4 address, which must be public.
		"64:ff9b::7f00:1": "loopback", "64:ff9b::10.1.2.3": "private", "64:ff9b::169.254.169.254": "link-local",
		"64:ff9b::192.0.0.170": "special-purpose", "64:ff9b::8.8.8.8": "",
		"2002:7f00:1::": "loopback", "2002:a9fe:a9fe::1": "link-local", "2002:c0a8:101:1::1": "private",
		"2002:0:1::": "unspecified", "2002:808:808::1": "",
		// ... the others are refused whatever they embed.
		"64:ff9b:1::808:808": "tunnel", "64:ff9b:1:ffff::1": "tunnel",
		"::8.8.8.8": "tunnel", "::10.0.0.1": "tunnel", "::0.0.0.2": "tunnel",
		"2001:0:4136:e378:8000:63bf:3fff:fdd2": "tunnel",
		// IANA's special-purpose ranges.
		"192.0.0.1": "special-purpose", "192.0.0.255": "special-purpose",
		"198.18.0.1": "special-purpose", "198.19.255.254": "special-purpose",
		"240.0.0.1": "special-purpose", "254.255.255.255": "special-purpose",
		"fec0::1": "special-purpose", "feff::1": "special-purpose",
		"100::1": "special-purpose", "100::ffff:ffff:ffff:ffff": "special-purpose",
		"2001:db8::1": "documentation", "2001:db8:ffff::1": "documentation",
		"192.0.2.1": "documentation", "198.51.100.7": "documentation", "203.0.113.200": "documentation",
		"::ffff:198.18.0.1": "special-purpose",
		"2001:1::1":         "special-purpose", "2001:2::1": "special-purpose", "2001:1ff::1": "special-purpose",
		"3fff::1": "documentation",
		// IPv6 outside global unicast (2000::/3) is reserved.
		"64:ff9b:2::1": "special-purpose", "100:0:0:1::1": "special-purpose", "fe00::1": "special-purpose",
		"::1:0:0:1": "special-purpose", "4000::1": "special-purpose", "5f00::1": "special-purpose",
		// Their public neighbours pass.
		"192.0.1.255": "", "192.0.3.1": "", "198.17.255.255": "", "198.20.0.1": "", "239.255.255.255": "multicast",
		"2001:200::1": "", "2003::1": "", "2001:db9::1": "", "3fff:1000::1": "", "2a00:1450:4001::200e": "",
	} {
		require.Equal(t, kind, forbidden(netip.MustParseAddr(addr)), addr)
	}
	require.Error(t, guardControl("tcp4", "10.0.0.1:443", nil))
	require.Error(t, guardControl("tcp6", "[64:ff9b::a00:1]:443", nil))
	require.NoError(t, guardControl("tcp6", "[64:ff9b::808:808]:443", nil))
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
