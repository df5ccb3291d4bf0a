package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/loa"
	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
	"github.com/portkit/portkit/store/memory"
	"github.com/portkit/portkit/store/postgres"
)

// Server timeouts, the defaults of the -*-timeout flags: no slow client
// holds a connection for long (a slowloris trickling its headers is cut
// off after readHeaderTimeout, one that never reads its response after
// writeTimeout), and an 8 MB attachment still has time to arrive. Each
// connection has its own goroutine, so a stuck one starves no other.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 2 * time.Minute
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 30 * time.Second
)

// run starts portd and serves until ctx ends, then drains in-flight
// requests and closes the store. listening, when set, is told the address
// once the server accepts connections (tests listen on port 0).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, listening func(addr string)) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if cfg.logJSON {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)
	setMemoryLimit(cfg.memoryLimitMB, log)
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	store, dir, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing store", "err", err)
		}
		log.Info("store closed")
	}()

	var ten *tenants
	if cfg.tenants != "" {
		if ten, err = readTenants(cfg.tenants); err != nil {
			return err
		}
	}
	carriers := &porting.CarrierTable{}
	if cfg.carriers != "" {
		f, err := os.Open(cfg.carriers)
		if err != nil {
			return err
		}
		err = carriers.Load(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	inventory := &porting.MemoryInventory{}
	var charges porting.Charges = porting.NoCharges{}
	if ten != nil && ten.ActivationCharge > 0 {
		charges = loggedCharges{FlatCharges: porting.FlatCharges{PerNumber: ten.ActivationCharge}, log: log}
	}
	svc := porting.NewService(store, porting.Options{
		Carriers: carriers, Inventory: inventory, Charges: charges, Logger: log,
	})

	var st *state
	if shared, ok := store.(settingStore); ok {
		st, err = sharedState(ctx, shared)
	} else {
		st, err = loadState(dir)
		if err == nil && dir != "" {
			err = st.checkStore(ctx, dir, store)
		}
	}
	if err != nil {
		return err
	}
	tokens := &httpapi.Tokens{}
	if ten != nil {
		if err := ten.apply(ctx, svc, tokens, inventory); err != nil {
			return err
		}
		log.Info("tenants loaded", "accounts", len(ten.Accounts), "owned_numbers", len(ten.OwnedNumbers))
	} else {
		id, token, err := st.ensureMaster(ctx, dir, svc, tokens)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "portd: master account %s\nportd: token %s\n", id, token)
		fmt.Fprintf(stdout, "export ACCOUNT_ID=%s AUTH_TOKEN=%s\n", id, token)
	}

	branding := ten.branding()
	renderLOA := func(w io.Writer, r *porting.PortRequest) error {
		return loa.Render(w, r, loa.Options{Branding: branding})
	}
	linkKey, err := hex.DecodeString(st.LinkKey)
	if err != nil {
		return fmt.Errorf("the link key of the state is not hex: %w", err)
	}

	// Log every event (transitions, comments...) as it is written, and
	// settle from the event log every completion whose billing and
	// activation a crash or a failure interrupted, each in one portd of
	// those sharing the store at a time; deliver webhooks, hand-offs and
	// emails (delivery.go).
	var watchers sync.WaitGroup
	evCtx, stopEvents := context.WithCancel(context.WithoutCancel(ctx))
	defer func() { stopEvents(); watchers.Wait() }()
	for consumer, h := range map[string]porting.EventHandler{
		"portd-log": logEvents(log), porting.SettlementConsumer: svc.Settlements(),
	} {
		watchers.Add(1)
		go func() {
			defer watchers.Done()
			exclusive(evCtx, store, porting.SystemStream(consumer), st.InstanceID, cfg.delivery.lease, log, func(ctx context.Context) {
				_ = svc.WatchEvents(porting.AsSystem(ctx), consumer, h, 5*time.Second)
			})
		}()
	}
	webhooks, err := startDelivery(evCtx, cfg.delivery, svc, store, st.InstanceID, branding.Name, log, &watchers)
	if err != nil {
		return err
	}

	cors := httpapi.CORS{Origins: cfg.corsOrigins}
	mux := http.NewServeMux()
	mux.Handle("/v2/", kazoo.New(svc, tokens, kazoo.Options{LOA: renderLOA, Logger: log, CORS: cors,
		CarrierName: branding.Name, InvoiceCharges: cfg.kazooCharges == "invoices", Webhooks: webhooks}))
	mux.Handle("/origination/porting/", telnyx.New(svc, tokens, telnyx.Options{LOA: renderLOA, LinkKey: linkKey, Logger: log, CORS: cors}))
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /readyz", readyz(store))

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           logRequests(log, httpapi.CleanPaths(mux)), // no redirect for //origination/...
		ReadHeaderTimeout: cfg.readHeaderTimeout,
		ReadTimeout:       cfg.readTimeout,
		WriteTimeout:      cfg.writeTimeout,
		IdleTimeout:       cfg.idleTimeout,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("portd listening", "addr", ln.Addr().String(), "store", cfg.store, "data", dir)
	if listening != nil {
		listening(ln.Addr().String())
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// defaultMemoryLimitMB is the default of -memory-limit-mb. portd's live
// heap is small (Badger's caches are 80 MiB, its memtables 48 MiB); what
// swells it is garbage: Badger's compactions build tables in buffers of
// many MiB at once, and without a limit the garbage collector lets the
// heap double before it collects them.
const defaultMemoryLimitMB = 512

// setMemoryLimit sets the Go runtime's soft memory limit, unless
// GOMEMLIMIT already did.
func setMemoryLimit(mb int64, log *slog.Logger) {
	if mb == 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(mb << 20)
	log.Debug("memory limit set", "mib", mb)
}

// openStore opens the configured store and returns the directory for
// portd's own state ("" for the memory store and PostgreSQL, which keeps
// it in the database).
func openStore(ctx context.Context, cfg config, log *slog.Logger) (porting.Store, string, error) {
	switch cfg.store {
	case "memory":
		return memory.New(), "", nil
	case "postgres":
		s, err := postgres.Open(ctx, postgres.Options{URL: cfg.postgresURL, Logger: log})
		return s, "", err
	}
	if err := os.MkdirAll(cfg.data, 0o700); err != nil {
		return nil, "", err
	}
	badgerDir := filepath.Join(cfg.data, "badger")
	if _, err := os.Stat(badgerDir); os.IsNotExist(err) && storeExpected(cfg.data) {
		return nil, "", fmt.Errorf("the store %s is missing but %s says it held data: "+
			"restore it from a backup, or remove %s to start afresh", badgerDir, statePath(cfg.data), statePath(cfg.data))
	}
	s, err := badgerstore.Open(badgerstore.Options{Dir: badgerDir, Logger: log,
		MemTableSize: cfg.memtableMB << 20, MinFree: cfg.minFreeMB << 20})
	if err != nil {
		return nil, "", err
	}
	return s, cfg.data, nil
}

// healthz answers 200 while the process serves: it is alive.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"status\":\"ok\"}\n")
}

// readyTimeout bounds how long /readyz waits for the store.
const readyTimeout = 2 * time.Second

// readyz answers 200 while the store answers, and 503 with what is wrong
// while it does not (PostgreSQL down or restarting): a load balancer
// sends such a portd nothing until it is ready again, which it becomes by
// itself once the database is back.
func readyz(store porting.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		_, err := store.EventCursor(ctx, "readyz")
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "error": "the store does not answer: " + err.Error()})
			return
		}
		fmt.Fprintf(w, "{\"status\":\"ready\"}\n")
	}
}

// logRequests logs each request once it is answered.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)), slog.String("remote", r.RemoteAddr))
	})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logEvents logs each porting event.
func logEvents(log *slog.Logger) porting.EventHandler {
	return porting.EventHandlerFunc(func(ctx context.Context, e porting.Event) error {
		attrs := []slog.Attr{slog.Uint64("seq", e.Seq), slog.String("type", string(e.Type)),
			slog.String("request", e.RequestID), slog.String("state", string(e.State))}
		if e.Transition != nil {
			attrs = append(attrs, slog.String("from", string(e.Transition.From)), slog.String("to", string(e.Transition.To)))
		}
		log.LogAttrs(ctx, slog.LevelInfo, "event", attrs...)
		return nil
	})
}

// loggedCharges prices ports per number and logs each charge.
type loggedCharges struct {
	porting.FlatCharges
	log *slog.Logger
}

// Charge implements porting.Charges: it logs the amount due for a
// committed completion, at the accepted quote's price. (A completion is
// settled again from the event log after a crash; the key tells the
// repeats apart.)
func (c loggedCharges) Charge(_ context.Context, cp porting.Completion) error {
	amount := fmt.Sprintf("%.2f", cp.Quote.PerNumber*float64(len(cp.Numbers)))
	c.log.Info("charge", "account", cp.AccountID, "request", cp.RequestID, "numbers", len(cp.Numbers), "amount", amount, "key", cp.Key)
	return nil
}
