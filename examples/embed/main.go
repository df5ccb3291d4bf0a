// Command embed uses portkit in-process, without HTTP: it makes a port
// request, walks it from draft to completed, and prints the request's
// timeline and the events the store recorded along the way.
//
//	go run ./examples/embed
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/memory"
)

func main() {
	if err := run(context.Background(), os.Stdout, porting.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// run does the walk-through with the given Service options (tests fix the
// clock and the IDs).
func run(ctx context.Context, w io.Writer, opt porting.Options) error {
	store := memory.New()
	defer store.Close()
	opt.Charges = porting.FlatCharges{PerNumber: 1.50}
	svc := porting.NewService(store, opt)

	// The platform's accounts: a reseller that processes ports for its
	// customers (a port authority), and one customer.
	sys := porting.AsSystem(ctx)
	if err := svc.PutAccount(sys, porting.Account{ID: "reseller", Name: "Reseller", PortAuthority: true}); err != nil {
		return err
	}
	if err := svc.PutAccount(sys, porting.Account{ID: "acme", Name: "Acme Inc", ParentID: "reseller"}); err != nil {
		return err
	}
	customer := porting.WithActor(ctx, porting.Actor{AccountID: "acme", UserID: "jane", Name: "Jane Doe"})
	reseller := porting.WithActor(ctx, porting.Actor{AccountID: "reseller", UserID: "ops", Name: "Porting desk"})

	// The customer asks to port two numbers.
	r, err := svc.Create(customer, "acme", porting.RequestInput{
		Name:    "Acme main lines",
		Numbers: []porting.NumberInput{{Raw: "(202) 555-0100"}, {Raw: "202.555.0101"}},
		Bill: porting.Bill{Name: "Acme Inc", StreetAddress: "1 Main St", Locality: "Washington",
			Region: "DC", PostalCode: "20001", Country: "US", BTN: "2025550100"},
		Carrier: "Old Telco",
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "created %s (%s): %s, numbers %v\n", r.SupportKey, r.Name, r.State, r.E164s())

	// Submitting costs money: the first try says how much.
	_, err = svc.Transition(customer, r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	var charges *porting.ChargesError
	if !errors.As(err, &charges) {
		return fmt.Errorf("expected a quote, got %v", err)
	}
	fmt.Fprintf(w, "submitting costs %.2f: accepting\n", charges.Quote.ActivationCharges)
	if r, err = svc.Transition(customer, r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{AcceptCharges: true, Reason: "signed LOA attached"}); err != nil {
		return err
	}
	if _, _, err := svc.AddComments(customer, r.ID, 0, []porting.CommentInput{{Body: "Please port before the end of the month."}}); err != nil {
		return err
	}

	// The reseller's porting desk takes it from there.
	foc := svc.Options().Clock.Now().Add(72 * time.Hour).Truncate(time.Hour)
	steps := []struct {
		to  porting.State
		opt porting.TransitionOptions
	}{
		{porting.StatePending, porting.TransitionOptions{Reason: "sent to Old Telco"}},
		{porting.StateScheduled, porting.TransitionOptions{ScheduledDate: foc, Reason: "FOC confirmed"}},
		{porting.StateCompleted, porting.TransitionOptions{Reason: "numbers live"}},
	}
	for _, step := range steps {
		if r, err = svc.Transition(reseller, r.ID, 0, step.to, step.opt); err != nil {
			return err
		}
		fmt.Fprintf(w, "moved to %s\n", r.State)
	}

	timeline, err := svc.Timeline(reseller, r.ID, porting.TimelineQuery{})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "timeline:")
	for _, e := range timeline.Entries {
		switch {
		case e.Transition != nil:
			fmt.Fprintf(w, "  %s  %s -> %s by %s: %s\n", e.At.Format(time.RFC3339), e.Transition.From, e.Transition.To, e.Transition.Actor.Name, e.Transition.Reason)
		case e.Comment != nil:
			fmt.Fprintf(w, "  %s  comment by %s: %s\n", e.At.Format(time.RFC3339), e.Comment.Author, e.Comment.Body)
		}
	}

	// Every change was recorded as an event in the same write; a
	// subscriber reads them at least once, in order, from its cursor.
	fmt.Fprintln(w, "events:")
	n, err := svc.DeliverEvents(sys, "printer", porting.EventHandlerFunc(func(_ context.Context, e porting.Event) error {
		fmt.Fprintf(w, "  #%d %s (%s)\n", e.Seq, e.Type, e.State)
		return nil
	}))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d events delivered\n", n)
	return nil
}
