package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/notify"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// deliveryConfig is the part of the command line about events leaving
// the process: webhooks and the hand-off (package webhook), and email
// notifications (package notify).
type deliveryConfig struct {
	webhooks     bool
	allowPrivate bool
	scheduleFlag string
	schedule     []time.Duration
	poll         time.Duration
	lease        time.Duration
	smtpRelay    string
	smtpFrom     string
	smtpUser     string
}

func (c *deliveryConfig) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.webhooks, "webhooks", true, "deliver webhooks, and hand submitted requests off to their account's submission_url")
	fs.BoolVar(&c.allowPrivate, "webhooks-allow-private", false, "allow webhooks to loopback, link-local and private addresses (tests, on-premise endpoints)")
	fs.StringVar(&c.scheduleFlag, "webhook-schedule", "", "webhook retry schedule: the waits after each failed attempt, comma-separated (default 5s,30s,2m,10m,30m,1h,2h,4h,8h,8h)")
	fs.DurationVar(&c.poll, "webhook-poll", webhook.DefaultPoll, "how often webhook delivery looks for other processes' writes and replays, and renews its leases")
	fs.DurationVar(&c.lease, "webhook-lease", webhook.DefaultLeaseTTL, "how long a portd's hold on a delivery stream lasts unless renewed: on a shared database, how soon another portd takes over the webhooks and emails of one that died")
	fs.StringVar(&c.smtpRelay, "smtp-relay", "", "SMTP relay (host:port) for email notifications; none: no email")
	fs.StringVar(&c.smtpFrom, "smtp-from", "", "sender of email notifications (with -smtp-relay)")
	fs.StringVar(&c.smtpUser, "smtp-user", "", "SMTP user name; the password is read from $PORTD_SMTP_PASSWORD")
}

// check validates the flags.
func (c *deliveryConfig) check() error {
	if c.scheduleFlag != "" {
		for _, part := range strings.Split(c.scheduleFlag, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(part))
			if err != nil || d <= 0 {
				return fmt.Errorf("-webhook-schedule: %q is not a positive duration", part)
			}
			c.schedule = append(c.schedule, d)
		}
	}
	if c.poll <= 0 {
		return fmt.Errorf("-webhook-poll must be positive, not %v", c.poll)
	}
	if c.lease <= 0 {
		return fmt.Errorf("-webhook-lease must be positive, not %v", c.lease)
	}
	if c.smtpRelay != "" && c.smtpFrom == "" {
		return errors.New("-smtp-relay needs -smtp-from")
	}
	return nil
}

// startDelivery starts what delivers events (each goroutine counted in
// wg, until ctx ends): the webhook dispatcher, which holds its streams'
// leases as holder, and the email notifier. It returns what sends the
// test deliveries of port_webhooks (nil when webhooks are off).
func startDelivery(ctx context.Context, c deliveryConfig, svc *porting.Service, store porting.Store, holder, platform string,
	log *slog.Logger, wg *sync.WaitGroup) (kazoo.WebhookTester, error) {
	var tester kazoo.WebhookTester
	if ss, ok := store.(porting.SubscriptionStore); ok && c.webhooks {
		d := webhook.New(svc, ss, webhook.Options{Holder: holder, AllowPrivate: c.allowPrivate, Schedule: c.schedule,
			Poll: c.poll, LeaseTTL: c.lease, HandOff: true, HandOffBody: kazoo.Document, Logger: log})
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = d.Run(ctx)
		}()
		tester = d
		log.Info("webhooks on", "holder", holder, "allow_private", c.allowPrivate)
	}
	if c.smtpRelay != "" {
		m, err := notify.New(svc, notify.Options{Relay: c.smtpRelay, From: c.smtpFrom, Username: c.smtpUser,
			Password: os.Getenv("PORTD_SMTP_PASSWORD"), Platform: platform, Logger: log})
		if err != nil {
			return nil, err
		}
		watch := func(ctx context.Context) {
			_ = svc.WatchEvents(porting.AsSystem(ctx), notify.Consumer, m, 5*time.Second)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Several portd may share the store: one sends the mail.
			exclusive(ctx, store, porting.SystemStream(notify.Consumer), holder, c.lease, log, watch)
		}()
		log.Info("email notifications on", "relay", c.smtpRelay)
	}
	return tester, nil
}

// exclusive runs f as the one process of those sharing store that runs
// it (under the lease of stream, see leased), or simply runs it on a
// store that keeps no leases.
func exclusive(ctx context.Context, store porting.Store, stream, holder string, ttl time.Duration, log *slog.Logger, f func(context.Context)) {
	if ss, ok := store.(porting.SubscriptionStore); ok {
		leased(ctx, ss, stream, holder, ttl, log, f)
		return
	}
	f(ctx)
}

// leased runs f while holder holds the lease of stream, until ctx ends:
// of the processes sharing a store, one at a time runs f, and another
// takes over within a lease's time when that one dies. f's context ends a
// margin before the lease would run out unless it was renewed, so a
// renewal the store does not answer (the database stalled) stops f
// before another process may take over; and f is started again once the
// lease is taken again.
func leased(ctx context.Context, ss porting.SubscriptionStore, stream, holder string, ttl time.Duration, log *slog.Logger, f func(context.Context)) {
	margin := ttl / 6
	for ctx.Err() == nil {
		now := time.Now()
		if _, err := ss.AcquireLease(ctx, stream, holder, now, now.Add(ttl)); err != nil {
			if !errors.Is(err, porting.ErrLeaseHeld) && ctx.Err() == nil {
				log.Error("taking a lease", "stream", stream, "err", err)
			}
			sleep(ctx, ttl/3)
			continue
		}
		expires := now.Add(ttl)
		run, stop := context.WithCancel(ctx)
		cutoff := time.AfterFunc(time.Until(expires)-margin, stop)
		done := make(chan struct{})
		go func() {
			defer close(done)
			f(run)
		}()
	renew:
		for {
			select {
			case <-run.Done():
				break renew
			case <-done:
				break renew
			case <-time.After(ttl / 3):
			}
			now := time.Now()
			rctx, cancel := context.WithDeadline(ctx, expires.Add(-margin))
			_, err := ss.AcquireLease(rctx, stream, holder, now, now.Add(ttl))
			cancel()
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("lost a lease", "stream", stream, "err", err)
				}
				break
			}
			expires = now.Add(ttl)
			cutoff.Reset(time.Until(expires) - margin)
		}
		cutoff.Stop()
		stop()
		<-done
		if ctx.Err() != nil {
			// Another takes over at once; a store that does not answer
			// within a few seconds has the lease run out instead.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
			_ = ss.ReleaseLease(rctx, stream, holder)
			cancel()
			return
		}
		sleep(ctx, ttl/3) // f ended, or the lease was lost: not at once again
	}
}

// releaseTimeout bounds the release of a lease on the way out.
const releaseTimeout = 5 * time.Second

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
