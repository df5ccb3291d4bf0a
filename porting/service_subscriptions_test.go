package porting_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// svSubInput is a valid subscription input.
func svSubInput() porting.SubscriptionInput {
	return porting.SubscriptionInput{URL: "https://hooks.example.net/port", Enabled: true}
}

// svAs acts as a user of account.
func svAs(account string) context.Context {
	return porting.WithActor(context.Background(), porting.Actor{AccountID: account, UserID: account + "-user"})
}

// svTree adds "sub", a sub-account of the customer, and "other", an
// unrelated root, to the fixture.
func svTree(t *testing.T, f *portingtest.Fixture) {
	t.Helper()
	sys := porting.AsSystem(context.Background())
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "sub", Name: "Sub", ParentID: f.Customer.ID}))
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "other", Name: "Other"}))
}

func TestServiceSubscriptionCRUD(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svTree(t, f)
	in := svSubInput()
	in.EventTypes = []porting.EventType{porting.EventTransitioned, porting.EventCommentAdded, porting.EventTransitioned}
	in.Descendants = true
	in.Description = "billing"
	s, err := f.Service.CreateSubscription(f.AsCustomer(), f.Customer.ID, in)
	require.NoError(t, err)
	require.Regexp(t, svID, s.ID)
	require.Equal(t, f.Customer.ID, s.AccountID)
	require.Equal(t, []porting.EventType{porting.EventTransitioned, porting.EventCommentAdded}, s.EventTypes, "duplicates dropped")
	require.True(t, strings.HasPrefix(s.Secret, "whsec_"), s.Secret)
	key, err := porting.SecretKey(s.Secret)
	require.NoError(t, err)
	require.Len(t, key, 24)
	require.EqualValues(t, 1, s.Revision)
	require.Equal(t, portingtest.Epoch, s.Created)

	// The owner and the accounts above it reach it; the others do not
	// know it exists.
	for _, ctx := range []context.Context{f.AsCustomer(), f.AsAuthority(), porting.AsSystem(context.Background())} {
		got, err := f.Service.Subscription(ctx, s.ID)
		require.NoError(t, err)
		require.Equal(t, s, got, "with its secret")
	}
	for _, acct := range []string{"sub", "other"} {
		_, err := f.Service.Subscription(svAs(acct), s.ID)
		require.ErrorIs(t, err, porting.ErrNotFound, acct)
		_, err = f.Service.UpdateSubscription(svAs(acct), s.ID, 0, in)
		require.ErrorIs(t, err, porting.ErrNotFound, acct)
		_, err = f.Service.DeleteSubscription(svAs(acct), s.ID, 0)
		require.ErrorIs(t, err, porting.ErrNotFound, acct)
		_, err = f.Service.SubscriptionDeliveries(svAs(acct), s.ID, porting.DeliveryQuery{})
		require.ErrorIs(t, err, porting.ErrNotFound, acct)
		_, err = f.Service.Subscriptions(svAs(acct), f.Customer.ID)
		require.ErrorIs(t, err, porting.ErrForbidden, acct)
		_, err = f.Service.CreateSubscription(svAs(acct), f.Customer.ID, in)
		require.ErrorIs(t, err, porting.ErrForbidden, acct)
	}
	list, err := f.Service.Subscriptions(f.AsCustomer(), f.Customer.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Empty(t, list[0].Secret, "a listing shows no secret")
	_, err = f.Service.Subscriptions(f.AsAuthority(), "")
	require.ErrorIs(t, err, porting.ErrForbidden, "every account's is for the system")

	// Update: an empty secret keeps it; a stale revision conflicts.
	f.Clock.Advance(time.Minute)
	up := s.Input()
	up.Secret, up.Enabled, up.URL = "", false, "https://hooks.example.net/v2"
	got, err := f.Service.UpdateSubscription(f.AsAuthority(), s.ID, s.Revision, up)
	require.NoError(t, err)
	require.Equal(t, s.Secret, got.Secret)
	require.False(t, got.Enabled)
	require.Equal(t, "https://hooks.example.net/v2", got.URL)
	require.EqualValues(t, 2, got.Revision)
	require.Equal(t, portingtest.Epoch.Add(time.Minute), got.Updated)
	_, err = f.Service.UpdateSubscription(f.AsCustomer(), s.ID, 1, up)
	require.ErrorIs(t, err, porting.ErrConflict)
	fresh := porting.NewSecret()
	up.Secret = fresh
	got, err = f.Service.UpdateSubscription(f.AsCustomer(), s.ID, 0, up)
	require.NoError(t, err)
	require.Equal(t, fresh, got.Secret, "a new secret rotates it")

	_, err = f.Service.DeleteSubscription(f.AsCustomer(), s.ID, 1)
	require.ErrorIs(t, err, porting.ErrConflict)
	gone, err := f.Service.DeleteSubscription(f.AsCustomer(), s.ID, 0)
	require.NoError(t, err)
	require.Equal(t, s.ID, gone.ID)
	_, err = f.Service.Subscription(f.AsCustomer(), s.ID)
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = f.Service.CreateSubscription(f.AsCustomer(), "no-such-account", in)
	require.ErrorIs(t, err, porting.ErrNotFound)
}

func TestServiceSubscriptionValidation(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t, func(o *porting.Options) { o.MaxSubscriptions = 2 })
	short := "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 8))
	cases := []struct {
		name  string
		edit  func(*porting.SubscriptionInput)
		field string
		code  string
	}{
		{"no url", func(in *porting.SubscriptionInput) { in.URL = "" }, "url", "required"},
		{"relative url", func(in *porting.SubscriptionInput) { in.URL = "/hook" }, "url", "format"},
		{"ftp url", func(in *porting.SubscriptionInput) { in.URL = "ftp://example.net/x" }, "url", "format"},
		{"credentials", func(in *porting.SubscriptionInput) { in.URL = "https://u:p@example.net/x" }, "url", "format"},
		{"fragment", func(in *porting.SubscriptionInput) { in.URL = "https://example.net/x#y" }, "url", "format"},
		{"no host", func(in *porting.SubscriptionInput) { in.URL = "https:///x" }, "url", "format"},
		{"long url", func(in *porting.SubscriptionInput) { in.URL = "https://example.net/" + strings.Repeat("a", 2048) }, "url", "maxLength"},
		{"unknown type", func(in *porting.SubscriptionInput) { in.EventTypes = []porting.EventType{"port_request.eaten"} }, "event_types", "enum"},
		{"secret without prefix", func(in *porting.SubscriptionInput) { in.Secret = "c2VjcmV0" }, "secret", "format"},
		{"short secret", func(in *porting.SubscriptionInput) { in.Secret = short }, "secret", "format"},
		{"secret not base64", func(in *porting.SubscriptionInput) { in.Secret = "whsec_!!!" }, "secret", "format"},
		{"long description", func(in *porting.SubscriptionInput) { in.Description = strings.Repeat("d", 257) }, "description", "maxLength"},
	}
	for _, c := range cases {
		in := svSubInput()
		c.edit(&in)
		_, err := f.Service.CreateSubscription(f.AsCustomer(), f.Customer.ID, in)
		fe := svValidation(t, err)
		require.Len(t, fe, 1, c.name)
		require.Equal(t, c.field, fe[0].Field, c.name)
		require.Equal(t, c.code, fe[0].Code, c.name)
	}
	list, err := f.Service.Subscriptions(f.AsCustomer(), f.Customer.ID)
	require.NoError(t, err)
	require.Empty(t, list, "bad input stores nothing")

	for range 2 {
		_, err := f.Service.CreateSubscription(f.AsCustomer(), f.Customer.ID, svSubInput())
		require.NoError(t, err)
	}
	_, err = f.Service.CreateSubscription(f.AsCustomer(), f.Customer.ID, svSubInput())
	fe := svValidation(t, err)
	require.Equal(t, "subscriptions", fe[0].Field)
	require.Equal(t, "maxItems", fe[0].Code)
	require.EqualValues(t, 2, fe[0].Limit)
	require.ErrorIs(t, err, porting.ErrTooLarge)
}

// A Service over a store without the capability says so.
func TestServiceSubscriptionsUnsupported(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svc := porting.NewService(struct{ porting.Store }{f.Store}, porting.Options{})
	_, err := svc.CreateSubscription(porting.AsSystem(t.Context()), f.Customer.ID, svSubInput())
	require.ErrorIs(t, err, porting.ErrUnsupported)
	_, err = svc.Subscriptions(porting.AsSystem(t.Context()), "")
	require.ErrorIs(t, err, porting.ErrUnsupported)
}

func TestServiceRedeliver(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	s, err := f.Service.CreateSubscription(f.AsCustomer(), f.Customer.ID, svSubInput())
	require.NoError(t, err)
	d := &porting.Delivery{Stream: s.ID, Seq: 1, ID: "msg-1", EventType: porting.EventCreated, Created: f.Clock.Now(), Updated: f.Clock.Now()}
	require.NoError(t, f.Store.Enqueue(t.Context(), s.ID, 0, 1, []*porting.Delivery{d}))

	_, err = f.Service.Redeliver(f.AsCustomer(), s.ID, "msg-1")
	require.Equal(t, "status", svValidation(t, err)[0].Field, "a pending delivery is not replayed")

	d.Status, d.Tries = porting.DeliveryFailed, 7
	d.AddAttempt(porting.Attempt{At: f.Clock.Now(), StatusCode: 500})
	require.NoError(t, f.Store.UpdateDeliveries(t.Context(), []*porting.Delivery{d}))
	f.Clock.Advance(time.Hour)
	got, err := f.Service.Redeliver(f.AsCustomer(), s.ID, "msg-1")
	require.NoError(t, err)
	require.Equal(t, porting.DeliveryPending, got.Status)
	require.Zero(t, got.Tries, "the schedule starts over")
	require.Equal(t, 1, got.AttemptCount, "the attempts are kept")
	require.Equal(t, f.Clock.Now(), got.NextAttempt)
	page, err := f.Service.SubscriptionDeliveries(f.AsCustomer(), s.ID, porting.DeliveryQuery{})
	require.NoError(t, err)
	require.Equal(t, []*porting.Delivery{got}, page.Deliveries)
	_, err = f.Service.SubscriptionDeliveries(f.AsCustomer(), s.ID, porting.DeliveryQuery{Status: "lost"})
	require.Equal(t, "status", svValidation(t, err)[0].Field)
	_, err = f.Service.Redeliver(f.AsCustomer(), s.ID, "msg-none")
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = f.Service.Redeliver(svAs("other"), s.ID, "msg-1")
	require.ErrorIs(t, err, porting.ErrNotFound)
}

// The privacy rule for events leaving the process: a subscriber acting
// as an account gets the events of the requests that account reaches,
// private comments only when it is a port authority over them, and the
// request without its PIN or account number, whoever it is.
func TestServiceMessageFor(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svTree(t, f)
	sys := porting.AsSystem(context.Background())
	log := &svEventLog{t: t, f: f}

	in := portingtest.Input("Secretive", svOther1)
	in.Bill = porting.Bill{Name: "Acme", PIN: "4321", AccountNumber: "ACCT-77"}
	r, err := f.Service.Create(svAs("sub"), "sub", in)
	require.NoError(t, err)
	_, err = addComment(f.Service, f.AsAuthority(), r.ID, porting.CommentInput{Body: "private note", Private: true})
	require.NoError(t, err)
	_, err = addComment(f.Service, svAs("sub"), r.ID, porting.CommentInput{Body: "public note"})
	require.NoError(t, err)
	es := log.next()
	require.Len(t, es, 3)
	created, private, public := es[0], es[1], es[2]

	sees := map[string][3]bool{ // created, private, public
		f.Authority.ID: {true, true, true},
		f.Customer.ID:  {true, false, true},
		"sub":          {true, false, true},
		"other":        {false, false, false},
		"":             {false, false, false},
	}
	for viewer, want := range sees {
		for i, e := range []porting.Event{created, private, public} {
			m, ok, err := f.Service.MessageFor(sys, viewer, e)
			require.NoError(t, err)
			require.Equal(t, want[i], ok, "viewer %q, event %s", viewer, e.Type)
			ok2, err := f.Service.Sees(sys, viewer, e)
			require.NoError(t, err)
			require.Equal(t, ok, ok2)
			if !ok {
				require.Zero(t, m)
				continue
			}
			require.Equal(t, e.ID, m.ID)
			require.Equal(t, e.Type, m.Type)
			require.Equal(t, e.At, m.Timestamp)
			require.Equal(t, []string{f.Authority.ID, f.Customer.ID, "sub"}, m.Data.AccountPath)
			require.NotNil(t, m.Data.Request)
			require.Equal(t, r.ID, m.Data.Request.ID)
			require.Empty(t, m.Data.Request.Bill.PIN, "no PIN leaves the process")
			require.Empty(t, m.Data.Request.Bill.AccountNumber)
			for _, sr := range m.Data.Request.SubRequests {
				require.Empty(t, sr.PIN)
				require.Empty(t, sr.AccountNumber)
			}
		}
	}
	// The same message for whoever sees it.
	a, _, err := f.Service.MessageFor(sys, f.Authority.ID, public)
	require.NoError(t, err)
	b, _, err := f.Service.MessageFor(sys, "sub", public)
	require.NoError(t, err)
	require.Equal(t, a, b)

	// A deleted request's events carry no request; an event without a
	// path (written before paths were) gets its account's.
	f.Move(t, r.ID, porting.StateCanceled)
	_, err = f.Service.Delete(svAs("sub"), r.ID, 0)
	require.NoError(t, err)
	old := created
	old.AccountPath = nil
	m, ok, err := f.Service.MessageFor(sys, f.Customer.ID, old)
	require.NoError(t, err)
	require.True(t, ok)
	require.Nil(t, m.Data.Request)
	require.Equal(t, []string{f.Authority.ID, f.Customer.ID, "sub"}, m.Data.AccountPath)

	_, _, err = f.Service.MessageFor(f.AsAuthority(), f.Authority.ID, created)
	require.ErrorIs(t, err, porting.ErrForbidden, "building messages is for the system")
}

func TestSubscriptionWants(t *testing.T) {
	t.Parallel()
	path := []string{"root", "mid", "leaf"}
	s := &porting.Subscription{AccountID: "mid"}
	require.False(t, s.Wants(porting.EventCreated, path), "a sub-account's request, without Descendants")
	require.True(t, s.Wants(porting.EventCreated, []string{"root", "mid"}))
	s.Descendants = true
	require.True(t, s.Wants(porting.EventCreated, path))
	require.False(t, s.Wants(porting.EventCreated, []string{"root", "other"}))
	require.False(t, s.Wants(porting.EventCreated, nil))
	s.EventTypes = []porting.EventType{porting.EventTransitioned}
	require.False(t, s.Wants(porting.EventCreated, path))
	require.True(t, s.Wants(porting.EventTransitioned, path))
}

func TestServiceAccountSettings(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	sys := porting.AsSystem(context.Background())
	err := f.Service.PutAccount(sys, porting.Account{ID: "bad", SubmissionURL: "ftp://x", Email: "not an address"})
	fe := svValidation(t, err)
	require.Len(t, fe, 2)
	require.Equal(t, "submission_url", fe[0].Field)
	require.Equal(t, "email", fe[1].Field)

	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "authority", Name: "Port Authority", PortAuthority: true,
		SubmissionURL: "https://carrier.example.net/ports", Email: "ports@authority.example.net"}))
	svTree(t, f)
	r, err := f.Service.Create(svAs("sub"), "sub", portingtest.Input("x", svOther1))
	require.NoError(t, err)
	url, err := f.Service.HandOffURL(sys, r)
	require.NoError(t, err)
	require.Equal(t, "https://carrier.example.net/ports", url, "the nearest account naming one")
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "customer", Name: "Customer", ParentID: "authority",
		SubmissionURL: "https://customer.example.net/ports"}))
	url, err = f.Service.HandOffURL(sys, r)
	require.NoError(t, err)
	require.Equal(t, "https://customer.example.net/ports", url)
	acct, ok, err := f.Service.PortAuthorityOf(sys, r.AccountPath)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "ports@authority.example.net", acct.Email)
	_, ok, err = f.Service.PortAuthorityOf(sys, []string{"other"})
	require.NoError(t, err)
	require.False(t, ok)
	_, err = f.Service.HandOffURL(f.AsAuthority(), r)
	require.ErrorIs(t, err, porting.ErrForbidden)
}

// A subscription receives what its account may see, so only an actor who
// sees as much manages it. Under "top" (no authority) is "auth2", a port
// authority, whose webhooks receive the private comments of its tree:
// "top" reaches auth2 but cannot read those comments through the API, so
// it may not create, read, list, change or replay auth2's webhooks (it
// would read the comments in their deliveries, or point them at its own
// endpoint). auth2 itself, an authority above it, and an admin may; and
// top keeps managing the webhooks of an account that is no authority.
func TestServiceSubscriptionsOfAnAuthority(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	sys := porting.AsSystem(context.Background())
	for _, a := range []porting.Account{
		{ID: "top", Name: "Top"},
		{ID: "auth2", Name: "Authority 2", ParentID: "top", PortAuthority: true},
		{ID: "cust2", Name: "Customer 2", ParentID: "auth2"},
		{ID: "plain", Name: "Plain", ParentID: "top"},
		{ID: "super", Name: "Super authority", PortAuthority: true},
		{ID: "auth3", Name: "Authority 3", ParentID: "super", PortAuthority: true},
	} {
		require.NoError(t, f.Service.PutAccount(sys, a))
	}
	top := svAs("top")
	_, err := f.Service.CreateSubscription(top, "auth2", svSubInput())
	require.ErrorIs(t, err, porting.ErrForbidden, "top may not subscribe to what auth2 sees")
	_, err = f.Service.Subscriptions(top, "auth2")
	require.ErrorIs(t, err, porting.ErrForbidden)

	s, err := f.Service.CreateSubscription(svAs("auth2"), "auth2", svSubInput())
	require.NoError(t, err)
	_, err = f.Service.Subscription(top, s.ID)
	require.ErrorIs(t, err, porting.ErrNotFound, "top cannot read its secret")
	_, err = f.Service.SubscriptionDeliveries(top, s.ID, porting.DeliveryQuery{})
	require.ErrorIs(t, err, porting.ErrNotFound, "nor its deliveries")
	in := svSubInput()
	in.URL = "https://top.example.net/steal"
	_, err = f.Service.UpdateSubscription(top, s.ID, 0, in)
	require.ErrorIs(t, err, porting.ErrNotFound, "nor point it elsewhere")
	_, err = f.Service.DeleteSubscription(top, s.ID, 0)
	require.ErrorIs(t, err, porting.ErrNotFound)
	for _, ctx := range []context.Context{svAs("auth2"), sys} {
		_, err := f.Service.Subscription(ctx, s.ID)
		require.NoError(t, err)
	}

	// An authority above an authority manages its webhooks.
	s3, err := f.Service.CreateSubscription(svAs("super"), "auth3", svSubInput())
	require.NoError(t, err)
	_, err = f.Service.Subscription(svAs("auth3"), s3.ID)
	require.NoError(t, err)

	// Below an account that is no authority, top manages as before.
	sp, err := f.Service.CreateSubscription(top, "plain", svSubInput())
	require.NoError(t, err)
	_, err = f.Service.Subscription(top, sp.ID)
	require.NoError(t, err)
	list, err := f.Service.Subscriptions(top, "plain")
	require.NoError(t, err)
	require.Len(t, list, 1)
}
