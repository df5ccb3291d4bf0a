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

// Ledger is a porting.Charges: it quotes PricePerNumber for every number
// of a request and invoices each completed sub request once, whatever how
// often portkit retries.
type Ledger struct {
	PricePerNumber float64

	mu       sync.Mutex
	invoices []Invoice
	byKey    map[string]bool
	declined map[string]bool
}

var _ porting.Charges = (*Ledger)(nil)

// Quote implements porting.Charges.
func (l *Ledger) Quote(_ context.Context, _ *porting.PortRequest, numbers []string) (porting.Quote, error) {
	n := len(numbers)
	return porting.Quote{ActivationCharges: l.PricePerNumber * float64(n), PerNumber: l.PricePerNumber, Numbers: n}, nil
}

// Charge implements porting.Charges. It bills the price the customer
// accepted (the quote), not today's price.
func (l *Ledger) Charge(_ context.Context, r *porting.PortRequest, numbers []string, q porting.Quote, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byKey[key] {
		return nil // already invoiced: portkit retried
	}
	if l.declined[r.AccountID] {
		return fmt.Errorf("account %s: %w", r.AccountID, ErrDeclined)
	}
	if l.byKey == nil {
		l.byKey = make(map[string]bool)
	}
	l.byKey[key] = true
	l.invoices = append(l.invoices, Invoice{
		Key: key, AccountID: r.AccountID, RequestID: r.ID,
		Numbers: append([]string(nil), numbers...), Amount: q.PerNumber * float64(len(numbers)),
	})
	return nil
}

// Decline makes every further charge to the account fail (or succeed
// again, with false).
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
