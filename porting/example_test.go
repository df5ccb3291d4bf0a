package porting_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/portkit/portkit/store/memory"
)

// A port request goes from draft to completed: the customer creates and
// submits it (accepting the charges), its port authority sends it to the
// losing carrier, schedules it on the confirmed FOC date and completes it.
func Example() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	ctx := context.Background()
	store := memory.New()
	defer store.Close()

	// A fixed clock and counting IDs make the run repeatable.
	now := time.Date(2026, time.March, 2, 14, 0, 0, 0, time.UTC)
	inventory := &porting.MemoryInventory{}
	svc := porting.NewService(store, porting.Options{
		Clock:     porting.ClockFunc(func() time.Time { return now }),
		IDs:       &portingtest.IDs{},
		Inventory: inventory,
		Charges:   porting.FlatCharges{PerNumber: 1.50},
	})

	// Accounts: a port authority and its customer.
	sys := porting.AsSystem(ctx)
	must(svc.PutAccount(sys, porting.Account{ID: "telco", Name: "Telco", PortAuthority: true}))
	must(svc.PutAccount(sys, porting.Account{ID: "acme", Name: "Acme", ParentID: "telco"}))
	customer := porting.WithActor(ctx, porting.Actor{AccountID: "acme", UserID: "alice", Name: "Alice"})
	authority := porting.WithActor(ctx, porting.Actor{AccountID: "telco", UserID: "bob", Name: "Bob"})

	r, err := svc.Create(customer, "acme", porting.RequestInput{
		Name:    "Acme HQ",
		Numbers: []porting.NumberInput{{Raw: "(202) 555-0101"}, {Raw: "202-555-0100"}},
	})
	must(err)
	fmt.Println(r.SupportKey, r.State, r.E164s())

	// Submitting costs money: the first try gets a quote.
	_, err = svc.Transition(customer, r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	var charges *porting.ChargesError
	if errors.As(err, &charges) {
		fmt.Printf("accept charges: %.2f\n", charges.Quote.ActivationCharges)
	}
	step := func(ctx context.Context, to porting.State, opt porting.TransitionOptions) {
		now = now.Add(time.Hour)
		r, err = svc.Transition(ctx, r.ID, 0, to, opt)
		must(err)
		fmt.Println(r.State)
	}
	step(customer, porting.StateSubmitted, porting.TransitionOptions{AcceptCharges: true})
	step(authority, porting.StatePending, porting.TransitionOptions{Reason: "sent to the losing carrier"})
	foc := time.Date(2026, time.March, 6, 16, 0, 0, 0, time.UTC)
	step(authority, porting.StateScheduled, porting.TransitionOptions{ScheduledDate: foc})
	now = foc.Add(-time.Hour) // the port goes live on the FOC date
	step(authority, porting.StateCompleted, porting.TransitionOptions{})

	owner, owned, _ := inventory.Owner(ctx, "+12025550100")
	fmt.Println("+12025550100 active:", owned, "for", owner)

	timeline, err := svc.Timeline(customer, r.ID, porting.TimelineQuery{Kind: porting.TimelineTransitions})
	must(err)
	for _, e := range timeline.Entries {
		if t := e.Transition; t != nil {
			fmt.Printf("%s %s -> %s by %s", t.At.Format(time.RFC3339), t.From, t.To, t.Actor.Name)
			if t.Reason != "" {
				fmt.Printf(" (%s)", t.Reason)
			}
			fmt.Println()
		}
	}
	// Output:
	// pr_000001 unconfirmed [+12025550100 +12025550101]
	// accept charges: 3.00
	// submitted
	// pending
	// scheduled
	// completed
	// +12025550100 active: true for acme
	// 2026-03-02T15:00:00Z unconfirmed -> submitted by Alice
	// 2026-03-02T16:00:00Z submitted -> pending by Bob (sent to the losing carrier)
	// 2026-03-02T17:00:00Z pending -> scheduled by Bob
	// 2026-03-06T16:00:00Z scheduled -> completed by Bob
}

// CheckPortability says, number by number and in the order given,
// whether a number can be ported in, and why not.
func ExampleService_CheckPortability() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	ctx := context.Background()
	store := memory.New()
	defer store.Close()

	carriers := &porting.CarrierTable{}
	carriers.Add("+1202555", "Capitol Telephone")
	inventory := &porting.MemoryInventory{}
	must(inventory.Activate(ctx, "acme", []string{"+12025550199"}))
	svc := porting.NewService(store, porting.Options{
		IDs:         &portingtest.IDs{},
		Carriers:    carriers,
		Inventory:   inventory,
		ServiceArea: porting.Regions{"US"},
	})
	sys := porting.AsSystem(ctx)
	must(svc.PutAccount(sys, porting.Account{ID: "acme"}))
	r, err := svc.Create(sys, "acme", porting.RequestInput{
		Name: "Acme", Numbers: []porting.NumberInput{{Raw: "+1 202 555 0142"}},
	})
	must(err)

	results, err := svc.CheckPortability(sys, []string{
		"(202) 555-0100", "+1 303 555 0100", "+44 20 7946 0958", "555", "202-555-0142", "2025550199",
	})
	must(err)
	for _, res := range results {
		switch {
		case res.Portable:
			fmt.Printf("%-17s portable (%s, %s)\n", res.Number.Raw, res.CarrierName, res.Status)
		case res.RequestID != "":
			fmt.Printf("%-17s %s (%t)\n", res.Number.Raw, res.Reason, res.RequestID == r.ID)
		default:
			fmt.Printf("%-17s %s\n", res.Number.Raw, res.Reason)
		}
	}
	// Output:
	// (202) 555-0100    portable (Capitol Telephone, confirmed)
	// +1 303 555 0100   portable (, pending)
	// +44 20 7946 0958  no_coverage
	// 555               invalid_phone_number
	// 202-555-0142      already_being_ported (true)
	// 2025550199        owned
}
