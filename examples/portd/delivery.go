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
	smtpRelay    string
	smtpFrom     string
	smtpUser     string
}

func (c *deliveryConfig) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.webhooks, "webhooks", true, "deliver webhooks, and hand submitted requests off to their account's submission_url")
	fs.BoolVar(&c.allowPrivate, "webhooks-allow-private", false, "allow webhooks to loopback, link-local and private addresses (tests, on-premise endpoints)")
	fs.StringVar(&c.scheduleFlag, "webhook-schedule", "", "webhook retry schedule: the waits after each failed attempt, comma-separated (default 5s,30s,2m,10m,30m,1h,2h,4h,8h,8h)")
	fs.DurationVar(&c.poll, "webhook-poll", webhook.DefaultPoll, "how often webhook delivery looks for other processes' writes and replays, and renews its leases")
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
			Poll: c.poll, HandOff: true, HandOffBody: kazoo.Document, Logger: log})
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = svc.WatchEvents(porting.AsSystem(ctx), notify.Consumer, m, 5*time.Second)
		}()
		log.Info("email notifications on", "relay", c.smtpRelay)
	}
	return tester, nil
}
