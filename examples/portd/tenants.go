package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

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
		// Email and SubmissionURL are porting.Account's.
		Email         string `json:"email"`
		SubmissionURL string `json:"submission_url"`
		// Webhooks are the account's subscriptions, kept as declared
		// (see applyWebhooks).
		Webhooks []tenantWebhook `json:"webhooks"`
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
		acct := porting.Account{ID: a.ID, Name: a.Name, ParentID: a.ParentID, PortAuthority: a.PortAuthority,
			Email: a.Email, SubmissionURL: a.SubmissionURL}
		if err := svc.PutAccount(sys, acct); err != nil {
			return fmt.Errorf("account %s: %w", a.ID, err)
		}
		for _, tok := range a.Tokens {
			tokens.Add(tok, porting.Actor{AccountID: a.ID, Name: a.Name})
		}
	}
	for _, a := range t.Accounts {
		if err := applyWebhooks(sys, svc, a.ID, a.Webhooks); err != nil {
			return err
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

// tenantWebhook is a webhook the tenants file declares.
type tenantWebhook struct {
	URL         string              `json:"url"`
	Descendants bool                `json:"descendants"`
	EventTypes  []porting.EventType `json:"event_types"`
	// Secret signs the deliveries; empty draws one when the webhook is
	// made (GET port_webhooks/{id} shows it).
	Secret      string `json:"secret"`
	Description string `json:"description"`
	// Disabled pauses it.
	Disabled bool `json:"disabled"`
}

// applyWebhooks makes the account's webhooks as the tenants file
// declares them, on every start: a webhook of the account with the same
// URL is updated to match (its secret kept unless one is declared), a
// missing one is made. Webhooks made over HTTP are left alone.
func applyWebhooks(ctx context.Context, svc *porting.Service, account string, declared []tenantWebhook) error {
	if len(declared) == 0 {
		return nil
	}
	have, err := svc.Subscriptions(ctx, account)
	if errors.Is(err, porting.ErrUnsupported) {
		return fmt.Errorf("account %s declares webhooks, but the store does not keep them: %w", account, err)
	}
	if err != nil {
		return err
	}
	byURL := map[string]*porting.Subscription{}
	for _, s := range have {
		byURL[s.URL] = s
	}
	for _, w := range declared {
		in := porting.SubscriptionInput{URL: w.URL, Descendants: w.Descendants, EventTypes: w.EventTypes,
			Secret: w.Secret, Enabled: !w.Disabled, Description: w.Description}
		if s, ok := byURL[w.URL]; ok {
			if w.Secret == "" && s.Descendants == in.Descendants && slices.Equal(s.EventTypes, in.EventTypes) &&
				s.Enabled == in.Enabled && s.Description == in.Description {
				continue // as declared already
			}
			_, err = svc.UpdateSubscription(ctx, s.ID, 0, in)
		} else {
			_, err = svc.CreateSubscription(ctx, account, in)
		}
		if err != nil {
			return fmt.Errorf("webhook %s of account %s: %w", w.URL, account, err)
		}
	}
	return nil
}
