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

// Address ranges refused besides those netip names: "this network"
// (0.0.0.0/8), carrier-grade NAT (100.64.0.0/10, private in practice)
// and the limited broadcast address.
var (
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	sharedNAT   = netip.MustParsePrefix("100.64.0.0/10")
	broadcast   = netip.MustParseAddr("255.255.255.255")
)

// forbidden returns what kind of non-public address a is, or "".
func forbidden(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "link-local"
	case a.IsUnspecified(), thisNetwork.Contains(a):
		return "unspecified"
	case a.IsMulticast(), a.IsInterfaceLocalMulticast(), a == broadcast:
		return "multicast"
	case a.IsPrivate(), sharedNAT.Contains(a):
		return "private"
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
