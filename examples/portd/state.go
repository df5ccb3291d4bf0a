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
// and the key that signs download links, so both survive a restart.
type state struct {
	MasterAccountID string `json:"master_account_id,omitempty"`
	LinkKey         string `json:"link_key"`
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
	if s.LinkKey == "" {
		s.LinkKey = randomHex(32)
		if err := s.save(dir); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *state) save(dir string) error {
	if dir == "" {
		return nil
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := statePath(dir) + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, statePath(dir))
}

// ensureMaster creates the master account once (a root that is its own
// port authority) and registers a fresh token for it.
func (s *state) ensureMaster(ctx context.Context, dir string, svc *porting.Service, tokens *httpapi.Tokens) (id, token string, err error) {
	sys := porting.AsSystem(ctx)
	if s.MasterAccountID != "" {
		if _, err := svc.Account(sys, s.MasterAccountID); err != nil && !errors.Is(err, porting.ErrNotFound) {
			return "", "", err
		} else if err != nil {
			s.MasterAccountID = "" // the store was wiped: make a new one
		}
	}
	if s.MasterAccountID == "" {
		acct := porting.Account{ID: randomHex(16), Name: "Master", PortAuthority: true}
		if err := svc.PutAccount(sys, acct); err != nil {
			return "", "", err
		}
		s.MasterAccountID = acct.ID
		if err := s.save(dir); err != nil {
			return "", "", err
		}
	}
	token = randomHex(32)
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
