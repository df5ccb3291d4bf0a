// Package billing is an example of a billing system's side of portkit: a
// Ledger that prices ports and invoices them when they complete. Its test
// shows how such a system unit-tests its charge handling with
// porting/portingtest, without a server or a database.
package billing

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/portkit/portkit/porting"
)

// ErrDeclined is returned when the payment processor declines an account.
var ErrDeclined = errors.New("billing: payment declined")

// Invoice is one charge for ported numbers.
type Invoice struct {
	Key       string // portkit's idempotency key for the completion
	AccountID string
	RequestID string
	Numbers   []string
	Amount    float64
}

// Ledger is a porting.Charges and a porting.ChargeAuthorizer: it quotes
// PricePerNumber for every number of a request, refuses a completion of
// an account whose payments are declined (before portkit stores it), and
// invoices each committed completion once, however often portkit settles
// it again.
type Ledger struct {
	PricePerNumber float64

	mu       sync.Mutex
	invoices []Invoice
	byKey    map[string]bool
	declined map[string]bool
}

var (
	_ porting.Charges          = (*Ledger)(nil)
	_ porting.ChargeAuthorizer = (*Ledger)(nil)
)

// Quote implements porting.Charges.
func (l *Ledger) Quote(_ context.Context, _ *porting.PortRequest, numbers []string) (porting.Quote, error) {
	n := len(numbers)
	return porting.Quote{ActivationCharges: l.PricePerNumber * float64(n), PerNumber: l.PricePerNumber, Numbers: n}, nil
}

// Authorize implements porting.ChargeAuthorizer: a declined account's
// port does not complete.
func (l *Ledger) Authorize(_ context.Context, c porting.Completion) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.declined[c.AccountID] {
		return fmt.Errorf("account %s: %w", c.AccountID, ErrDeclined)
	}
	return nil
}

// Release implements porting.ChargeAuthorizer: a ledger that holds
// nothing has nothing to release.
func (l *Ledger) Release(context.Context, porting.Completion) error { return nil }

// Charge implements porting.Charges. It bills the price the customer
// accepted (the quote), not today's price, once per completion key.
func (l *Ledger) Charge(_ context.Context, c porting.Completion) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byKey[c.Key] {
		return nil // already invoiced: portkit settled it again
	}
	if l.byKey == nil {
		l.byKey = make(map[string]bool)
	}
	l.byKey[c.Key] = true
	l.invoices = append(l.invoices, Invoice{
		Key: c.Key, AccountID: c.AccountID, RequestID: c.RequestID,
		Numbers: append([]string(nil), c.Numbers...), Amount: c.Quote.PerNumber * float64(len(c.Numbers)),
	})
	return nil
}

// Decline makes every further completion of the account's ports refused
// (or accepted again, with false).
func (l *Ledger) Decline(accountID string, declined bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.declined == nil {
		l.declined = make(map[string]bool)
	}
	l.declined[accountID] = declined
}

// Invoices returns the invoices so far.
func (l *Ledger) Invoices() []Invoice {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Invoice(nil), l.invoices...)
}
