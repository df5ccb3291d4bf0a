package porting_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

// svOps calls every Service method that reads an actor, on a request r
// (a complete draft with an attachment "a.pdf"). prep, when set, readies
// the request first (as the authority).
var svOps = []struct {
	name string
	prep func(t *testing.T, f *portingtest.Fixture, r *porting.PortRequest)
	op   func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error
}{
	{name: "PutAccount", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		return f.Service.PutAccount(ctx, porting.Account{ID: "new", ParentID: f.Customer.ID})
	}},
	{name: "Account", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.Account(ctx, f.Customer.ID)
		return err
	}},
	{name: "IsAuthority", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		ok, err := f.Service.IsAuthority(ctx, f.Customer.ID)
		if err == nil && !ok {
			return porting.ErrForbidden
		}
		return err
	}},
	{name: "PortAuthority", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.PortAuthority(ctx, f.Customer.ID)
		return err
	}},
	{name: "Create", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.Create(ctx, f.Customer.ID, portingtest.Input("x", svOther2))
		return err
	}},
	{name: "CreateDraft", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.CreateDraft(ctx, f.Customer.ID, []string{svOther2})
		return err
	}},
	{name: "Get", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.Get(ctx, r.ID)
		return err
	}},
	{name: "Update", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		in := r.Input()
		in.Name = "renamed"
		_, err := f.Service.Update(ctx, r.ID, 0, in)
		return err
	}},
	{name: "Delete", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.Delete(ctx, r.ID, 0)
		return err
	}},
	{name: "List", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.List(ctx, porting.Query{AccountID: f.Customer.ID})
		return err
	}},
	{name: "Transition", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.Transition(ctx, r.ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
		return err
	}},
	{name: "TransitionSubRequest", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.TransitionSubRequest(ctx, r.ID, r.SubRequests[0].ID, 0, porting.StateSubmitted, porting.TransitionOptions{})
		return err
	}},
	{name: "SubmitDraft", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.SubmitDraft(ctx, r.ID, 0, false)
		return err
	}},
	{name: "RequestCancellation", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.RequestCancellation(ctx, r.ID, "", 0, "")
		return err
	}},
	{name: "MarkSent", prep: func(t *testing.T, f *portingtest.Fixture, r *porting.PortRequest) {
		f.Move(t, r.ID, porting.StateSubmitted)
	}, op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.MarkSent(ctx, r.ID, 0)
		return err
	}},
	{name: "UpdateSubRequest", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.UpdateSubRequest(ctx, r.ID, r.SubRequests[0].ID, 0, porting.SubRequestPatch{Description: svStr("x")})
		return err
	}},
	{name: "UpdateDraftSubRequest", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.UpdateDraftSubRequest(ctx, r.ID, r.SubRequests[0].ID, 0, porting.SubRequestPatch{Description: svStr("x")})
		return err
	}},
	{name: "AllowedFOCDates", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.AllowedFOCDates(ctx, r.ID, r.SubRequests[0].ID)
		return err
	}},
	{name: "AddComment", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := addComment(f.Service, ctx, r.ID, porting.CommentInput{Body: "x", Private: true})
		return err
	}},
	{name: "Comments", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.Timeline(ctx, r.ID, porting.TimelineQuery{Kind: porting.TimelineComments})
		return err
	}},
	{name: "Timeline", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.Timeline(ctx, r.ID, porting.TimelineQuery{})
		return err
	}},
	{name: "PutAttachment", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, _, err := f.Service.PutAttachment(ctx, r.ID, 0, porting.AttachmentInput{Name: "b", ContentType: "application/pdf", Body: svBody("b")})
		return err
	}},
	{name: "Attachment", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, _, err := f.Service.Attachment(ctx, r.ID, "a.pdf")
		return err
	}},
	{name: "DeleteAttachment", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.DeleteAttachment(ctx, r.ID, "a.pdf", 0)
		return err
	}},
	{name: "CheckPortability", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.CheckPortability(ctx, []string{svOther2})
		return err
	}},
	{name: "Events", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.Events(ctx, 0, 10)
		return err
	}},
	{name: "DeliverEvents", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		_, err := f.Service.DeliverEvents(ctx, "c", porting.EventHandlerFunc(func(context.Context, porting.Event) error { return nil }))
		return err
	}},
	{name: "WatchEvents", op: func(ctx context.Context, f *portingtest.Fixture, r *porting.PortRequest) error {
		// Watch until the first delivery, then stop.
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		err := f.Service.WatchEvents(ctx, "w", porting.EventHandlerFunc(func(context.Context, porting.Event) error {
			cancel()
			return nil
		}), time.Hour)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}},
}

func svActorFixture(t *testing.T) (*portingtest.Fixture, *porting.PortRequest) {
	t.Helper()
	f := portingtest.New(t, func(o *porting.Options) { o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
	r := f.Create(t, svOther1)
	f.FillSubRequests(t, r.ID)
	_, r, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "a.pdf", ContentType: "application/pdf", Body: svBody("a"),
	})
	require.NoError(t, err)
	return f, r
}

func TestServiceNoActorIsForbidden(t *testing.T) {
	t.Parallel()
	for _, o := range svOps {
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			f, r := svActorFixture(t)
			if o.prep != nil {
				o.prep(t, f, r)
			}
			before := svGet(t, f, r.ID)
			events, err := f.Service.Events(porting.AsSystem(t.Context()), 0, 1000)
			require.NoError(t, err)

			for name, ctx := range map[string]context.Context{
				"no actor":    t.Context(),
				"empty actor": porting.WithActor(t.Context(), porting.Actor{Name: "nobody", UserID: "u"}),
			} {
				err := o.op(ctx, f, before)
				require.ErrorIs(t, err, porting.ErrForbidden, name)
			}
			require.Equal(t, before, svGet(t, f, r.ID), "nothing changed")
			after, err := f.Service.Events(porting.AsSystem(t.Context()), 0, 1000)
			require.NoError(t, err)
			require.Equal(t, events, after, "no event")
		})
	}
}

func TestServiceSystemMayDoAnything(t *testing.T) {
	t.Parallel()
	for _, o := range svOps {
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			f, r := svActorFixture(t)
			if o.prep != nil {
				o.prep(t, f, r)
			}
			r = svGet(t, f, r.ID)
			require.NoError(t, o.op(porting.AsSystem(t.Context()), f, r))
		})
	}
}

// An account's port authority is the nearest authority at or above it;
// its users learn it even when it is above what they reach; others are
// refused; without one it is not found.
func TestServicePortAuthority(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	sys := porting.AsSystem(t.Context())
	for _, a := range []porting.Account{
		{ID: "reseller", Name: "Reseller", ParentID: "customer", PortAuthority: true},
		{ID: "shop", Name: "Shop", ParentID: "reseller"},
		{ID: "lonely", Name: "Lonely root"},
	} {
		require.NoError(t, f.Service.PutAccount(sys, a))
	}
	as := func(acct string) context.Context {
		return porting.WithActor(t.Context(), porting.Actor{AccountID: acct, UserID: "u"})
	}
	for _, tc := range []struct {
		ctx           context.Context
		account, want string
	}{
		{f.AsCustomer(), "customer", "authority"},
		{f.AsAuthority(), "customer", "authority"},
		{f.AsAuthority(), "authority", "authority"},
		{as("shop"), "shop", "reseller"},
		{f.AsCustomer(), "shop", "reseller"},
		{as("reseller"), "reseller", "reseller"},
		{sys, "shop", "reseller"},
	} {
		got, err := f.Service.PortAuthority(tc.ctx, tc.account)
		require.NoError(t, err, tc.account)
		require.Equal(t, tc.want, got.ID, tc.account)
	}
	got, err := f.Service.PortAuthority(as("shop"), "shop")
	require.NoError(t, err)
	require.Equal(t, porting.Account{ID: "reseller", Name: "Reseller", ParentID: "customer", PortAuthority: true}, got)

	_, err = f.Service.PortAuthority(as("lonely"), "lonely")
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = f.Service.PortAuthority(as("lonely"), "customer")
	require.ErrorIs(t, err, porting.ErrForbidden)
	_, err = f.Service.PortAuthority(as("shop"), "customer")
	require.ErrorIs(t, err, porting.ErrForbidden, "an account above the actor's")
	_, err = f.Service.PortAuthority(f.AsCustomer(), "nobody")
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = f.Service.PortAuthority(t.Context(), "customer")
	require.ErrorIs(t, err, porting.ErrForbidden, "no actor")
}

// chainingStore reads account chains itself, as a database would in one
// query, counting the chains it reads: the optional porting.AccountChainer.
type chainingStore struct {
	porting.Store
	chains int
}

func (s *chainingStore) AccountChain(ctx context.Context, id string, limit int) ([]porting.Account, error) {
	s.chains++
	var chain []porting.Account
	for cur := id; cur != "" && len(chain) < limit; {
		a, err := s.Account(ctx, cur)
		if err != nil {
			return nil, err
		}
		chain = append(chain, a)
		cur = a.ParentID
	}
	return chain, nil
}

// A Service over an AccountChainer reads an account's ancestors in one
// call, and finds the same: the same port authority, the same refusals,
// and a tree too deep (here a cycle) is an error either way.
func TestServiceAccountChainer(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	chaining := &chainingStore{Store: f.Store}
	svc := porting.NewService(chaining, f.Service.Options())
	sys := porting.AsSystem(t.Context())
	require.NoError(t, svc.PutAccount(sys, porting.Account{ID: "shop", Name: "Shop", ParentID: "customer"}))
	for _, s := range []*porting.Service{f.Service, svc} {
		got, err := s.PortAuthority(f.AsCustomer(), "shop")
		require.NoError(t, err)
		require.Equal(t, "authority", got.ID)
		_, err = s.PortAuthority(f.AsCustomer(), "nobody")
		require.ErrorIs(t, err, porting.ErrNotFound)
		ok, err := s.IsAuthority(f.AsAuthority(), "shop")
		require.NoError(t, err)
		require.True(t, ok)
	}
	require.Positive(t, chaining.chains, "the store's chains were read")

	// A cycle (which PutAccount never makes) is cut at the depth bound.
	require.NoError(t, f.Store.PutAccount(t.Context(), porting.Account{ID: "loop-a", Name: "A", ParentID: "loop-b"}))
	require.NoError(t, f.Store.PutAccount(t.Context(), porting.Account{ID: "loop-b", Name: "B", ParentID: "loop-a"}))
	for _, s := range []*porting.Service{f.Service, svc} {
		_, err := s.PortAuthority(sys, "loop-a")
		require.ErrorContains(t, err, "tree deeper than")
	}
}
