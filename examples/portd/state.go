package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
)

// state is what portd keeps beside its store: the master account it made
// and the key that signs download links, so both survive a restart. On
// Badger it is portd.json in the data directory; on PostgreSQL, which
// several portd share, it is settings in the database (sharedState).
type state struct {
	MasterAccountID string `json:"master_account_id,omitempty"`
	LinkKey         string `json:"link_key"`
	// Token is the master account's token every portd of a shared
	// database uses; empty where each start draws a fresh one.
	Token string `json:"-"`
	// StoreID names the store this file goes with: portd marks the store
	// with it on first start, and refuses a store without the mark, which
	// is one that was lost or replaced (an empty store would otherwise
	// start afresh beside the old state).
	StoreID string `json:"store_id,omitempty"`
	// InstanceID names this portd in the leases of the webhook streams it
	// delivers. Kept in portd.json, so that after a restart it takes its
	// own leases back at once instead of waiting for them to run out; on
	// a shared database each process draws its own at start.
	InstanceID string `json:"instance_id,omitempty"`
}

// storeMark is the event cursor under which portd marks its store with
// the state file's StoreID (set to 1).
func storeMark(id string) string { return "portd/store/" + id }

// checkStore makes sure store is the one the state describes: a store
// portd made since the state file was, marked with its StoreID. A new
// state marks a new store. Otherwise a store without the mark is refused
// with one line saying what to do.
func (s *state) checkStore(ctx context.Context, dir string, store porting.Store) error {
	if s.StoreID == "" {
		// The store first, then the file: a kill in between leaves a
		// stray mark, never a file naming a mark the store lacks.
		id := randomHex(16)
		if err := store.SetEventCursor(ctx, storeMark(id), 1); err != nil {
			return err
		}
		s.StoreID = id
		return s.save(dir)
	}
	mark, err := store.EventCursor(ctx, storeMark(s.StoreID))
	if err != nil {
		return err
	}
	if mark != 1 {
		return fmt.Errorf("the store in %s is not the one %s was written with (it is empty or was replaced): "+
			"restore the data directory from a backup, or remove %s to start afresh", dir, statePath(dir), statePath(dir))
	}
	return nil
}

// storeExpected reports whether the state in dir says a store existed.
func storeExpected(dir string) bool {
	b, err := os.ReadFile(statePath(dir))
	if err != nil {
		return false
	}
	var s state
	return json.Unmarshal(b, &s) == nil && s.StoreID != ""
}

func statePath(dir string) string { return filepath.Join(dir, "portd.json") }

// loadState reads the state file in dir, creating it when missing. An
// empty dir (memory store) keeps the state in memory only.
func loadState(dir string) (*state, error) {
	s := &state{}
	if dir != "" {
		b, err := os.ReadFile(statePath(dir))
		switch {
		case err == nil:
			if err := json.Unmarshal(b, s); err != nil {
				return nil, fmt.Errorf("%s: %w", statePath(dir), err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	if s.LinkKey == "" || s.InstanceID == "" {
		if s.LinkKey == "" {
			s.LinkKey = randomHex(32)
		}
		if s.InstanceID == "" {
			s.InstanceID = "portd-" + randomHex(8)
		}
		if err := s.save(dir); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// save writes the state durably: a temporary file, synced, renamed over
// the old one, and the directory synced, so that a crash leaves either the
// old state or the new one.
func (s *state) save(dir string) error {
	if dir == "" {
		return nil
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := statePath(dir) + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, statePath(dir)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// settingStore is a store several portd share (store/postgres): it keeps
// the settings they must agree on, the first value written under a key
// staying for good.
type settingStore interface {
	Setting(ctx context.Context, key, value string) (string, error)
}

// The settings of portd's shared state.
const (
	settingMasterAccount = "portd/master_account_id"
	settingMasterToken   = "portd/master_token"
	settingLinkKey       = "portd/link_key"
)

// sharedState reads the state from a shared store's settings, the first
// portd to start writing each: every portd of the database gets the same
// master account, token and link key, however many start at once.
func sharedState(ctx context.Context, store settingStore) (*state, error) {
	s := &state{}
	for _, f := range []struct {
		key   string
		dst   *string
		bytes int
	}{{settingMasterAccount, &s.MasterAccountID, 16}, {settingMasterToken, &s.Token, 32}, {settingLinkKey, &s.LinkKey, 32}} {
		v, err := store.Setting(ctx, f.key, randomHex(f.bytes))
		if err != nil {
			return nil, fmt.Errorf("reading the shared setting %s: %w", f.key, err)
		}
		*f.dst = v
	}
	// Each process delivers under a name of its own: a lease names one
	// holder. A restarted portd waits for the leases it held to run out.
	s.InstanceID = "portd-" + randomHex(8)
	return s, nil
}

// ensureMaster creates the master account once (a root that is its own
// port authority) and registers a fresh token for it. The account's ID is
// saved before the account is stored, so a crash in between cannot leave
// an account the state does not name: the next start stores it again
// under the same ID (as it does when the store was wiped). Several portd
// sharing a database may store it at once: the same account, harmlessly.
func (s *state) ensureMaster(ctx context.Context, dir string, svc *porting.Service, tokens *httpapi.Tokens) (id, token string, err error) {
	sys := porting.AsSystem(ctx)
	if s.MasterAccountID == "" {
		s.MasterAccountID = randomHex(16)
		if err := s.save(dir); err != nil {
			return "", "", err
		}
	}
	if _, err := svc.Account(sys, s.MasterAccountID); errors.Is(err, porting.ErrNotFound) {
		if err := svc.PutAccount(sys, porting.Account{ID: s.MasterAccountID, Name: "Master", PortAuthority: true}); err != nil {
			return "", "", err
		}
	} else if err != nil {
		return "", "", err
	}
	token = s.Token
	if token == "" {
		token = randomHex(32)
	}
	tokens.Add(token, porting.Actor{AccountID: s.MasterAccountID, Name: "Master"})
	return s.MasterAccountID, token, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
