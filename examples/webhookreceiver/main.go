// Command webhookreceiver is an example endpoint for portkit's webhooks:
// it checks each delivery's signature with the subscription's secret
// (webhook.Verify), drops a message it has handled already (delivery is
// at least once: a retry, or a redelivery after a crash, carries the same
// webhook-id), and prints one line per event.
//
//	WEBHOOK_SECRET=whsec_... go run ./examples/webhookreceiver -addr 127.0.0.1:9000
//
// Then subscribe it (as an account of portd):
//
//	curl -X PUT -H "X-Auth-Token: $AUTH_TOKEN" \
//	  -d '{"data":{"url":"http://127.0.0.1:9000/","secret":"'$WEBHOOK_SECRET'"}}' \
//	  http://127.0.0.1:8000/v2/accounts/$ACCOUNT_ID/port_webhooks
//
// (portd delivers to loopback only with -webhooks-allow-private.)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "webhookreceiver:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. listening, when set, is told the address.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, listening func(addr string)) error {
	fs := flag.NewFlagSet("webhookreceiver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9000", "listen address")
	secret := fs.String("secret", os.Getenv("WEBHOOK_SECRET"), "the subscription's secret (default $WEBHOOK_SECRET)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := porting.SecretKey(*secret); err != nil {
		return fmt.Errorf("-secret: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newReceiver(*secret, stdout), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second}
	if listening != nil {
		listening(ln.Addr().String())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// maxBody bounds a delivery's body.
const maxBody = 1 << 20

// receiver handles deliveries.
type receiver struct {
	verifier webhook.Verifier
	out      io.Writer

	mu   sync.Mutex
	seen *seenIDs
}

func newReceiver(secret string, out io.Writer) *receiver {
	return &receiver{verifier: webhook.Verifier{Secret: secret}, out: out, seen: newSeenIDs(100_000)}
}

// ServeHTTP checks a delivery and handles it once: 204 for one handled
// (now or before), 401 for a bad signature or timestamp (the sender
// retries, and a forger learns nothing), 400 for a body that is not a
// message.
func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := rc.verifier.Verify(r.Header, body); err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var m porting.Message
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, "not a message", http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.seen.add(r.Header.Get(webhook.HeaderID)) {
		rc.handle(m)
	}
	w.WriteHeader(http.StatusNoContent)
}

// handle handles one message: here, a line on the output.
func (rc *receiver) handle(m porting.Message) {
	line := fmt.Sprintf("%s %s request=%s account=%s", m.Timestamp.Format(time.RFC3339), m.Type, m.Data.RequestID, m.Data.AccountID)
	if m.Data.PreviousState != m.Data.State && m.Data.State != "" {
		line += fmt.Sprintf(" state=%s->%s", m.Data.PreviousState, m.Data.State)
	}
	if m.Data.Comment != nil {
		line += fmt.Sprintf(" comment=%q", m.Data.Comment.Body)
	}
	fmt.Fprintln(rc.out, line)
}

// seenIDs remembers the last max webhook-ids.
type seenIDs struct {
	max  int
	set  map[string]bool
	ring []string
	next int
}

func newSeenIDs(max int) *seenIDs { return &seenIDs{max: max, set: map[string]bool{}} }

// add records id and reports whether it is new.
func (s *seenIDs) add(id string) bool {
	if s.set[id] {
		return false
	}
	if len(s.ring) < s.max {
		s.ring = append(s.ring, id)
	} else {
		delete(s.set, s.ring[s.next])
		s.ring[s.next] = id
		s.next = (s.next + 1) % s.max
	}
	s.set[id] = true
	return true
}
