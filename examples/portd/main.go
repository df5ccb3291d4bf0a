// Command portd is portkit's server: the Kazoo port_requests API and the
// Telnyx v1 porting API on one http.ServeMux, over one porting.Service on
// an embedded Badger store, or on PostgreSQL, which several portd can
// share.
//
//	go run ./examples/portd                       # ./portd-data, 127.0.0.1:8000
//	go run ./examples/portd -store memory
//	go run ./examples/portd -store postgres -postgres-url postgres://portkit@db/portkit
//	go run ./examples/portd -tenants tenants.json -carriers carriers.csv
//
// Without -tenants it creates, once, a master account that is its own port
// authority, and prints that account's ID and a token on every start: a
// fresh token on Badger and in memory; on PostgreSQL the one token every
// portd of the database shares, since a client behind a load balancer
// reaches any of them. On PostgreSQL the master account, its token and the
// key that signs download links live in the database (settings the first
// portd writes), not in a portd.json: nothing one portd must share with
// the others lives only in its memory.
// The tenants file sets up accounts, their tokens, the numbers the platform
// owns and the activation charge:
//
//	{"accounts": [{"id": "<32 hex>", "name": "...", "parent_id": "", "port_authority": true, "tokens": ["..."],
//	               "email": "ports@...", "submission_url": "https://...",
//	               "webhooks": [{"url": "https://...", "descendants": true, "event_types": ["..."], "secret": "whsec_..."}]}],
//	 "owned_numbers": {"+12025550100": "<account id>"},
//	 "activation_charge": 10.0,
//	 "provider": {"name": "...", "address": ["..."], "phone": "...", "email": "..."}}
//
// Events leave the process (see delivery.go): webhooks (managed under
// /v2/accounts/{ACCOUNT_ID}/port_webhooks, or declared in the tenants
// file), the hand-off of submitted requests to their account's
// submission_url, and, with -smtp-relay, email notifications.
//
// Routes: /v2/accounts/{ACCOUNT_ID}/port_requests... and port_webhooks...,
// and /v2/port_requests (Kazoo), /origination/porting/... (Telnyx), GET
// /healthz (the process serves) and GET /readyz (and its store answers:
// 503 while its database is down). A browser app of another origin
// (Monster UI) is let in with -cors-origins; Kazoo's 402 is the
// document's body, or with -kazoo-charges invoices the list of invoices
// current Monster UI reads.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // schedule_on time zones work without the system's zoneinfo

	"github.com/portkit/portkit/httpapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "portd:", err)
		os.Exit(1)
	}
}

// postgresURLEnv is the environment variable -postgres-url defaults to.
const postgresURLEnv = "PORTKIT_POSTGRES_URL"

// config is portd's command line.
type config struct {
	addr  string
	store string
	data  string
	// postgresURL is the database of the postgres store.
	postgresURL string
	tenants     string
	carriers    string
	logJSON     bool
	// cpuProfile is where to write a CPU profile until portd stops.
	cpuProfile string
	// Badger's memtable size and the free disk space kept in reserve, in
	// MiB (0: the store's defaults).
	memtableMB, minFreeMB int64
	// memoryLimitMB is the Go runtime's soft memory limit, in MiB (0:
	// none, or GOMEMLIMIT's when set).
	memoryLimitMB int64
	// Connection timeouts (see server.go for the defaults).
	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout time.Duration
	// corsOrigins are the browser origins allowed to call both APIs.
	corsOrigins []string
	// kazooCharges is the body of Kazoo's 402: "document" or "invoices".
	kazooCharges string
	// Event delivery (see delivery.go).
	delivery deliveryConfig
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("portd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8000", "listen address")
	fs.StringVar(&c.store, "store", "badger", "store: badger (on disk, in -data), postgres (-postgres-url) or memory")
	fs.StringVar(&c.data, "data", "./portd-data", "data directory of the badger store")
	fs.StringVar(&c.postgresURL, "postgres-url", os.Getenv(postgresURLEnv),
		"postgres store: the database's URL (postgres://user:password@host:5432/db; default $"+postgresURLEnv+")")
	fs.StringVar(&c.tenants, "tenants", "", "tenants file (JSON): accounts, tokens, owned numbers, charges")
	fs.StringVar(&c.carriers, "carriers", "", "carrier table (CSV of prefix,carrier) for splitting requests by losing carrier")
	fs.BoolVar(&c.logJSON, "log-json", false, "log in JSON instead of text")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile to this file until portd stops (for go tool pprof)")
	fs.Int64Var(&c.memtableMB, "memtable-mb", 0, "badger store: memtable size in MiB (default 16)")
	fs.Int64Var(&c.minFreeMB, "min-free-mb", 0, "badger store: free disk space kept in reserve, in MiB; writes are refused (507) below it (default 12 memtables + 4, what Badger writes on its own)")
	fs.Int64Var(&c.memoryLimitMB, "memory-limit-mb", defaultMemoryLimitMB, "soft limit of the memory portd's Go runtime holds, in MiB: the garbage collector works harder near it, so Badger's compaction bursts do not swell the process (0: none; GOMEMLIMIT, when set, wins)")
	fs.DurationVar(&c.readHeaderTimeout, "read-header-timeout", readHeaderTimeout, "time a client has to send a request's headers")
	fs.DurationVar(&c.readTimeout, "read-timeout", readTimeout, "time a client has to send a whole request, body included")
	fs.DurationVar(&c.writeTimeout, "write-timeout", writeTimeout, "time a client has to take a whole response")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", idleTimeout, "how long an idle keep-alive connection stays open")
	cors := fs.String("cors-origins", "", "browser origins allowed to call the APIs (CORS), comma-separated scheme://host[:port], "+
		"e.g. http://localhost:3000 for a Monster UI served there; * for any (default: none)")
	fs.StringVar(&c.kazooCharges, "kazoo-charges", "document", "body of Kazoo's 402 accept-charges answer: "+
		"document ({activation_charges, number_services}, as the reference document) or invoices (the list of invoices current Monster UI reads)")
	c.delivery.flags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.corsOrigins, err = httpapi.ParseOrigins(*cors); err != nil {
		return c, fmt.Errorf("-cors-origins: %w", err)
	}
	if err := c.delivery.check(); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	for _, d := range []time.Duration{c.readHeaderTimeout, c.readTimeout, c.writeTimeout, c.idleTimeout} {
		if d <= 0 {
			return c, fmt.Errorf("timeouts must be positive, not %v", d)
		}
	}
	if c.memoryLimitMB < 0 {
		return c, fmt.Errorf("-memory-limit-mb must not be negative, not %d", c.memoryLimitMB)
	}
	if c.kazooCharges != "document" && c.kazooCharges != "invoices" {
		return c, fmt.Errorf("-kazoo-charges must be document or invoices, not %q", c.kazooCharges)
	}
	switch c.store {
	case "badger", "memory":
	case "postgres":
		if c.postgresURL == "" {
			return c, fmt.Errorf("-store postgres needs -postgres-url (or $%s)", postgresURLEnv)
		}
	default:
		return c, fmt.Errorf("-store must be badger, postgres or memory, not %q", c.store)
	}
	return c, nil
}
