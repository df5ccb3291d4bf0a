package webhook

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// The SSRF guard: a delivery connects only to public addresses. The
// check runs in the dialer's Control function, on the address the
// connection is about to be made to, after DNS resolution: a name that
// resolves to a private address (or is re-pointed at one between two
// lookups) is refused all the same. Options.AllowPrivate turns it off
// (tests, and endpoints on a private network of one's own).

// ForbiddenAddressError says a delivery was refused a connection to a
// non-public address.
type ForbiddenAddressError struct {
	Addr netip.Addr
	// Kind says what sort of address it is: "loopback", "private"...
	Kind string
}

// Error names the address.
func (e *ForbiddenAddressError) Error() string {
	return fmt.Sprintf("refused to connect to %s address %s (webhooks go to public addresses unless private ones are allowed)", e.Kind, e.Addr)
}

// Address ranges refused besides those netip names, with their kind:
// "this network" (0.0.0.0/8), carrier-grade NAT (100.64.0.0/10, private
// in practice), tunnels whose address embeds an IPv4 one we do not
// unwrap, documentation and IANA's other special-purpose ranges (none of
// them a public endpoint's). In IPv6 only global unicast (2000::/3) is
// public: the rest is reserved.
var (
	broadcast     = netip.MustParseAddr("255.255.255.255")
	globalUnicast = netip.MustParsePrefix("2000::/3")
	refused       = []struct {
		prefix netip.Prefix
		kind   string
	}{
		{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"},
		{netip.MustParsePrefix("100.64.0.0/10"), "private"},
		{netip.MustParsePrefix("::/96"), "tunnel"},          // IPv4-compatible ::a.b.c.d (deprecated)
		{netip.MustParsePrefix("64:ff9b:1::/48"), "tunnel"}, // NAT64 for local use
		{netip.MustParsePrefix("2001::/32"), "tunnel"},      // Teredo
		{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
		{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
		{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
		{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
		{netip.MustParsePrefix("3fff::/20"), "documentation"},
		{netip.MustParsePrefix("192.0.0.0/24"), "special-purpose"},  // IETF protocol assignments
		{netip.MustParsePrefix("198.18.0.0/15"), "special-purpose"}, // benchmarking
		{netip.MustParsePrefix("240.0.0.0/4"), "special-purpose"},   // reserved
		{netip.MustParsePrefix("2001::/23"), "special-purpose"},     // IETF protocol assignments
		{netip.MustParsePrefix("fec0::/10"), "special-purpose"},     // site-local (deprecated)
		{netip.MustParsePrefix("100::/64"), "special-purpose"},      // discard
	}
	// IPv6 prefixes that reach the IPv4 address they embed: NAT64's
	// well-known prefix (the last 32 bits) and 6to4 (the 32 bits after
	// 2002::/16).
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// forbidden returns what kind of non-public address a is, or "". An
// address that embeds an IPv4 one to reach is the kind of that one.
func forbidden(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "link-local"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsMulticast(), a.IsInterfaceLocalMulticast(), a == broadcast:
		return "multicast"
	case a.IsPrivate():
		return "private"
	case nat64.Contains(a):
		b := a.As16()
		return forbidden(netip.AddrFrom4([4]byte(b[12:16])))
	case sixTo4.Contains(a):
		b := a.As16()
		return forbidden(netip.AddrFrom4([4]byte(b[2:6])))
	}
	for _, r := range refused {
		if r.prefix.Contains(a) {
			return r.kind
		}
	}
	if a.Is6() && !globalUnicast.Contains(a) {
		return "special-purpose"
	}
	return ""
}

// guardControl is the net.Dialer Control function of the guard.
func guardControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: connecting to %q: %w", address, err)
	}
	if kind := forbidden(ap.Addr()); kind != "" {
		return &ForbiddenAddressError{Addr: ap.Addr().Unmap(), Kind: kind}
	}
	return nil
}

// newTransport returns the transport of deliveries: connections time out
// after connect (TCP and TLS each), go through no proxy (the guard checks
// the address connected to, which would be the proxy's) and, unless
// allowPrivate, only to public addresses.
func newTransport(connect time.Duration, allowPrivate bool) *http.Transport {
	d := &net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = guardControl
	}
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   connect,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		ResponseHeaderTimeout: 0, // the delivery's own timeout bounds it
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
}
