package porting

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// Clock tells the time. The default is the system clock; tests inject a
// fixed one (see portingtest).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now().UTC() }

// IDSource makes identifiers. The default draws from crypto/rand; tests
// inject a counting one (see portingtest).
type IDSource interface {
	// NewID returns a new identifier: 32 lowercase hex digits, as Kazoo's.
	NewID() string
	// NewSupportKey returns prefix ("pr_" or "sr_") followed by 6
	// lowercase hex digits. Keys are short, so they collide; the Service
	// draws again when the Store reports ErrSupportKeyTaken.
	NewSupportKey(prefix string) string
}

type randomIDs struct{}

func (randomIDs) NewID() string { return randomHex(16) }

func (randomIDs) NewSupportKey(prefix string) string { return prefix + randomHex(3) }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("porting: crypto/rand: %v", err))
	}
	return hex.EncodeToString(b)
}

// Carrier is what a CarrierLookup knows of a number's current carrier.
type Carrier struct {
	// Name is the carrier's name; empty when unknown.
	Name string
	// Status is how sure the lookup is: confirmed for an authoritative
	// source, provisional for an inference from the numbering plan,
	// pending when nothing is known.
	Status PortabilityStatus
}

// CarrierLookup finds the losing carrier of a number. Port requests are
// split into one sub request per losing carrier. The default is a
// CarrierTable over libphonenumber's range-holder data.
type CarrierLookup interface {
	// LookupCarrier returns what is known of the number's current
	// carrier; an unknown carrier is not an error (Carrier{Status:
	// PortabilityPending}).
	LookupCarrier(ctx context.Context, n Number) (Carrier, error)
}

// Inventory is the platform's own number inventory.
type Inventory interface {
	// Owner reports whether the platform owns the number (E.164), and
	// which account holds it.
	Owner(ctx context.Context, e164 string) (accountID string, owned bool, err error)
	// Activate makes ported numbers live for an account. The Service
	// calls it when a sub request completes.
	Activate(ctx context.Context, accountID string, numbers []string) error
}

// MemoryInventory is an Inventory in memory, safe for concurrent use. The
// zero value is empty and ready.
type MemoryInventory struct {
	mu     sync.RWMutex
	owners map[string]string
}

// Owner implements Inventory.
func (m *MemoryInventory) Owner(_ context.Context, e164 string) (string, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	acct, ok := m.owners[e164]
	return acct, ok, nil
}

// Activate implements Inventory.
func (m *MemoryInventory) Activate(_ context.Context, accountID string, numbers []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.owners == nil {
		m.owners = make(map[string]string)
	}
	for _, n := range numbers {
		m.owners[n] = accountID
	}
	return nil
}

// Quote is what submitting a port request will cost.
type Quote struct {
	// ActivationCharges is the total one-off charge for the numbers.
	ActivationCharges float64 `json:"activation_charges"`
	// PerNumber is the charge for each number, when the price is per number.
	PerNumber float64 `json:"per_number,omitempty"`
	// Numbers is how many numbers the quote covers.
	Numbers int `json:"numbers,omitempty"`
}

// Free reports whether the quote costs nothing.
func (q Quote) Free() bool { return q.ActivationCharges == 0 }

// Charges prices and bills ports. On submission the Service asks for a
// Quote; a non-free quote must be accepted by the caller (Kazoo's 402
// "accept charges"), and the accepted quote is kept on the request. When a
// sub request completes, the Service calls Charge for its numbers.
type Charges interface {
	// Quote prices the submission of numbers, the numbers of r whose sub
	// requests are being submitted (a resubmission after a partial
	// completion does not price again what was ported).
	Quote(ctx context.Context, r *PortRequest, numbers []string) (Quote, error)
	// Charge bills the account for the completed port of one sub
	// request: numbers are that sub request's, q the quote the customer
	// accepted for the whole request. key identifies the sub request's
	// completion and is the same on every retry, so an implementation can
	// make repeated calls idempotent. The Service calls Charge before the
	// completion is stored (and before the numbers are activated): an
	// error fails the transition, which changes nothing and may be tried
	// again.
	Charge(ctx context.Context, r *PortRequest, numbers []string, q Quote, key string) error
}

// NoCharges is the default Charges: ports are free.
type NoCharges struct{}

// Quote implements Charges.
func (NoCharges) Quote(context.Context, *PortRequest, []string) (Quote, error) {
	return Quote{}, nil
}

// Charge implements Charges.
func (NoCharges) Charge(context.Context, *PortRequest, []string, Quote, string) error { return nil }

// FlatCharges prices every ported number the same.
type FlatCharges struct {
	PerNumber float64
}

// Quote implements Charges.
func (f FlatCharges) Quote(_ context.Context, _ *PortRequest, numbers []string) (Quote, error) {
	n := len(numbers)
	return Quote{ActivationCharges: f.PerNumber * float64(n), PerNumber: f.PerNumber, Numbers: n}, nil
}

// Charge implements Charges; it bills nothing itself.
func (FlatCharges) Charge(context.Context, *PortRequest, []string, Quote, string) error { return nil }

// ServiceArea says which numbers the platform can serve; a portability
// check reports the others as no_coverage. The default serves every valid
// number.
type ServiceArea interface {
	// Serves reports whether the platform can serve the (valid) number.
	Serves(n Number) bool
}

// ServiceAreaFunc adapts a function to ServiceArea.
type ServiceAreaFunc func(Number) bool

// Serves calls f.
func (f ServiceAreaFunc) Serves(n Number) bool { return f(n) }

// Regions is a ServiceArea of whole regions ("US", "CA", "GB").
type Regions []string

// Serves implements ServiceArea.
func (r Regions) Serves(n Number) bool {
	for _, region := range r {
		if n.Region == region {
			return true
		}
	}
	return false
}

type everywhere struct{}

func (everywhere) Serves(n Number) bool { return n.Valid }
