package httpapi

import (
	"context"
	"errors"
	"sync"

	"github.com/portkit/portkit/porting"
)

// ErrUnauthenticated is what an Authenticator returns for missing or
// unknown credentials; the dialects answer 401.
var ErrUnauthenticated = errors.New("unauthenticated")

// Credentials are what a client presented: Kazoo's X-Auth-Token, Telnyx's
// "Authorization: Token <t>" or "Bearer <t>", or x-api-user with
// x-api-token.
type Credentials struct {
	// Token is the token or API key.
	Token string
	// User is x-api-user, when the client sent it.
	User string
}

// Authenticator turns credentials into the actor that performs the request.
type Authenticator interface {
	// Authenticate returns the actor c names, or an error: one matching
	// ErrUnauthenticated for missing or unknown credentials, which the
	// dialects answer 401; an error of no kind they know is 500.
	Authenticate(ctx context.Context, c Credentials) (porting.Actor, error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(ctx context.Context, c Credentials) (porting.Actor, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, c Credentials) (porting.Actor, error) {
	return f(ctx, c)
}

// Tokens is an Authenticator over a table of bearer tokens, safe for
// concurrent use. The zero value is empty and ready.
type Tokens struct {
	mu     sync.RWMutex
	actors map[string]porting.Actor
}

// Add makes token authenticate as actor.
func (t *Tokens) Add(token string, actor porting.Actor) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.actors == nil {
		t.actors = make(map[string]porting.Actor)
	}
	t.actors[token] = actor
}

// Revoke forgets a token.
func (t *Tokens) Revoke(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.actors, token)
}

// Authenticate implements Authenticator. With x-api-user, the user becomes
// the actor's UserID when the token has none.
func (t *Tokens) Authenticate(_ context.Context, c Credentials) (porting.Actor, error) {
	if c.Token == "" {
		return porting.Actor{}, ErrUnauthenticated
	}
	t.mu.RLock()
	a, ok := t.actors[c.Token]
	t.mu.RUnlock()
	if !ok {
		return porting.Actor{}, ErrUnauthenticated
	}
	if a.UserID == "" {
		a.UserID = c.User
	}
	return a, nil
}

// Route is one route a dialect serves: a method and a path under the
// dialect's base, with wildcards as http.ServeMux writes them.
type Route struct {
	Method, Path string
}
