package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/loa"
	"github.com/portkit/portkit/porting"
)

// tenants is the tenants file.
type tenants struct {
	Accounts []struct {
		ID            string   `json:"id"`
		Name          string   `json:"name"`
		ParentID      string   `json:"parent_id"`
		PortAuthority bool     `json:"port_authority"`
		Tokens        []string `json:"tokens"`
	} `json:"accounts"`
	OwnedNumbers     map[string]string `json:"owned_numbers"`
	ActivationCharge float64           `json:"activation_charge"`
	Provider         *struct {
		Name    string   `json:"name"`
		Address []string `json:"address"`
		Phone   string   `json:"phone"`
		Email   string   `json:"email"`
		Website string   `json:"website"`
	} `json:"provider"`
}

func readTenants(path string) (*tenants, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t tenants
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("tenants file %s: %w", path, err)
	}
	if len(t.Accounts) == 0 {
		return nil, fmt.Errorf("tenants file %s: no accounts", path)
	}
	return &t, nil
}

// apply creates the accounts (parents first, in file order), registers
// their tokens and loads the owned numbers.
func (t *tenants) apply(ctx context.Context, svc *porting.Service, tokens *httpapi.Tokens, inv *porting.MemoryInventory) error {
	sys := porting.AsSystem(ctx)
	for _, a := range t.Accounts {
		acct := porting.Account{ID: a.ID, Name: a.Name, ParentID: a.ParentID, PortAuthority: a.PortAuthority}
		if err := svc.PutAccount(sys, acct); err != nil {
			return fmt.Errorf("account %s: %w", a.ID, err)
		}
		for _, tok := range a.Tokens {
			tokens.Add(tok, porting.Actor{AccountID: a.ID, Name: a.Name})
		}
	}
	for number, acct := range t.OwnedNumbers {
		n := svc.ParseNumber(number)
		if !n.Valid {
			return fmt.Errorf("owned number %q is not a valid number", number)
		}
		if err := inv.Activate(ctx, acct, []string{n.E164}); err != nil {
			return err
		}
	}
	return nil
}

// branding returns the LOA's gaining provider.
func (t *tenants) branding() loa.Branding {
	if t == nil || t.Provider == nil || t.Provider.Name == "" {
		return defaultBranding
	}
	p := t.Provider
	return loa.Branding{Name: p.Name, Address: p.Address, Phone: p.Phone, Email: p.Email, Website: p.Website}
}

var defaultBranding = loa.Branding{
	Name:    "portkit demo carrier",
	Address: []string{"1 Example Plaza", "Washington, DC 20001"},
	Email:   "porting@example.net",
}
