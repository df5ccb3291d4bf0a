package porting

import (
	"context"
	"sync"
)

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
