// Package notify emails the people a port request concerns, as Kazoo
// does: on each change of its state (port_request when it is submitted,
// port_pending, port_scheduled, port_rejected, port_cancel, and ported
// when it completes) and on each public comment (port_comment), to the
// request's notifications.email.send_to and to its port authority's
// address (porting.Account.Email), through an SMTP relay, with a plain
// text and an HTML body from templates.
//
// A Mailer is a porting.EventHandler: run it under its consumer with
// porting.Service.WatchEvents, which hands it every event at least once
// and backs off while the relay fails:
//
//	m, _ := notify.New(svc, notify.Options{Relay: "mail.example.net:25", From: "ports@example.net"})
//	go svc.WatchEvents(porting.AsSystem(ctx), notify.Consumer, m, time.Minute)
//
// An email carries no PIN, no account number and no private comment.
// Its Message-ID derives from the event, so the copies that a crash makes
// (at least once) can be told apart by mail clients.
package notify
