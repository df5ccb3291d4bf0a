package billing_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/examples/billing"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// newFixture is a portkit Service whose charges go to ledger.
func newFixture(t *testing.T, ledger *billing.Ledger) *portingtest.Fixture {
	return portingtest.New(t, func(o *porting.Options) { o.Charges = ledger })
}

func TestSubmissionNeedsTheQuoteAccepted(t *testing.T) {
	ledger := &billing.Ledger{PricePerNumber: 2.5}
	f := newFixture(t, ledger)
	r := f.Create(t, "+12025550100", "+12025550101")

	_, err := f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
	var quote *porting.ChargesError
	require.ErrorAs(t, err, &quote)
	require.Equal(t, 5.0, quote.Quote.ActivationCharges)

	r, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{AcceptCharges: true})
	require.NoError(t, err)
	require.Equal(t, 5.0, r.Quote.ActivationCharges, "the accepted quote stays on the request")
	require.Empty(t, ledger.Invoices(), "nothing is billed before the port completes")
}

func TestCompletionIsInvoicedOnceAtTheAcceptedPrice(t *testing.T) {
	ledger := &billing.Ledger{PricePerNumber: 2.5}
	f := newFixture(t, ledger)
	r := f.Create(t, "+12025550100", "+12025550101")
	f.Move(t, r.ID, porting.StateSubmitted)
	ledger.PricePerNumber = 99 // a price rise after the customer accepted
	for _, to := range []porting.State{porting.StatePending, porting.StateScheduled, porting.StateCompleted} {
		f.Move(t, r.ID, to)
	}

	invoices := ledger.Invoices()
	require.Len(t, invoices, 1)
	require.Equal(t, f.Customer.ID, invoices[0].AccountID)
	require.Equal(t, []string{"+12025550100", "+12025550101"}, invoices[0].Numbers)
	require.Equal(t, 5.0, invoices[0].Amount)
}

func TestEachCarriersPartIsInvoicedWhenItCompletes(t *testing.T) {
	ledger := &billing.Ledger{PricePerNumber: 1}
	f := newFixture(t, ledger)
	f.Carriers.Add("+1202555", "Old Telco")
	f.Carriers.Add("+1303555", "Other Telco")
	r := f.Create(t, "+12025550100", "+13035550100", "+13035550101")
	require.Len(t, r.SubRequests, 2)
	f.Move(t, r.ID, porting.StateSubmitted)
	f.Move(t, r.ID, porting.StatePending)

	first, second := r.SubRequests[0], r.SubRequests[1]
	_, err := f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, first.ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Len(t, ledger.Invoices(), 1)
	require.Equal(t, r.SubRequestNumbers(first.ID)[0].E164, ledger.Invoices()[0].Numbers[0])

	f.Move(t, r.ID, porting.StateCompleted) // the rest
	invoices := ledger.Invoices()
	require.Len(t, invoices, 2)
	require.Len(t, invoices[1].Numbers, len(r.SubRequestNumbers(second.ID)))
	require.Equal(t, 3.0, invoices[0].Amount+invoices[1].Amount)
}

func TestADeclinedChargeKeepsThePortFromCompleting(t *testing.T) {
	ledger := &billing.Ledger{PricePerNumber: 1}
	f := newFixture(t, ledger)
	r := f.Create(t, "+12025550100")
	for _, to := range []porting.State{porting.StateSubmitted, porting.StatePending, porting.StateScheduled} {
		f.Move(t, r.ID, to)
	}
	ledger.Decline(f.Customer.ID, true)

	_, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.ErrorIs(t, err, billing.ErrDeclined)
	got, err := f.Service.Get(f.AsAuthority(), r.ID)
	require.NoError(t, err)
	require.Equal(t, porting.StateScheduled, got.State, "nothing changed")
	_, owned, err := f.Inventory.Owner(t.Context(), "+12025550100")
	require.NoError(t, err)
	require.False(t, owned, "the number was not activated")

	ledger.Decline(f.Customer.ID, false)
	f.Move(t, r.ID, porting.StateCompleted)
	require.Len(t, ledger.Invoices(), 1)
}

func TestACanceledPortCostsNothing(t *testing.T) {
	ledger := &billing.Ledger{PricePerNumber: 1}
	f := newFixture(t, ledger)
	r := f.Create(t, "+12025550100")
	f.Move(t, r.ID, porting.StateSubmitted)
	f.Move(t, r.ID, porting.StateCanceled)
	require.Empty(t, ledger.Invoices())
}

// portkit may settle a completion again (after a crash, from the event
// log); the key makes the second charge a no-op.
func TestASettledAgainCompletionIsNotBilledTwice(t *testing.T) {
	ledger := &billing.Ledger{PricePerNumber: 1}
	f := newFixture(t, ledger)
	r := f.Complete(t, f.Create(t, "+12025550100").ID)
	require.Len(t, ledger.Invoices(), 1)

	// Replay the whole event log through the settlement handler, as a
	// restarted program does.
	n, err := f.Service.DeliverEvents(porting.AsSystem(t.Context()), porting.SettlementConsumer, f.Service.Settlements())
	require.NoError(t, err)
	require.Positive(t, n)
	require.Len(t, ledger.Invoices(), 1, "completion of %s settled again, billed once", r.ID)
}
