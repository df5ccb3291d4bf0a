package porting_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"testing"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

func TestServiceConcurrentCreatesOfOneNumber(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	ids := make([]string, 64)
	errs := portingtest.Race(64, func(i int) error {
		// Each request also has a number of its own, which must stay free
		// when the request is refused.
		r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID,
			portingtest.Input(fmt.Sprint("racer ", i), "(202) 555-0300", fmt.Sprintf("+1202555%04d", 1000+i)))
		if err == nil {
			ids[i] = r.ID
		}
		return err
	})
	winner := ""
	for i, err := range errs {
		if err == nil {
			require.Empty(t, winner, "only one create may win")
			winner = ids[i]
		}
	}
	require.NotEmpty(t, winner)
	for i, err := range errs {
		if err == nil {
			continue
		}
		var nore *porting.NumberOnRequestError
		require.ErrorAs(t, err, &nore, "racer %d", i)
		require.Equal(t, winner, nore.RequestID)
		fe := svNumberField(t, err)
		require.Equal(t, "(202) 555-0300", fe.Value)
	}

	page, err := f.Service.List(f.AsCustomer(), porting.Query{AccountID: f.Customer.ID})
	require.NoError(t, err)
	require.Equal(t, []string{winner}, svIDs(page.Requests...))
	own := make([]string, 64)
	for i := range own {
		own[i] = fmt.Sprintf("+1202555%04d", 1000+i)
	}
	res, err := f.Service.CheckPortability(f.AsCustomer(), own)
	require.NoError(t, err)
	for i, r := range res {
		if ids[i] == winner {
			require.Equal(t, porting.ReasonAlreadyBeingPorted, r.Reason)
			require.Equal(t, winner, r.RequestID)
			continue
		}
		require.True(t, r.Portable, "the losers' own numbers are free: %s", own[i])
	}
}

func TestServiceConcurrentUpdatesWithOneRevision(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	errs := portingtest.Race(32, func(i int) error {
		in := r.Input()
		in.Name = fmt.Sprint("writer ", i)
		_, err := f.Service.Update(f.AsCustomer(), r.ID, r.Revision, in)
		return err
	})
	won := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, won, "only one update may win")
			won = i
			continue
		}
		require.ErrorIs(t, err, porting.ErrConflict, "writer %d", i)
	}
	require.NotEqual(t, -1, won)
	got := svGet(t, f, r.ID)
	require.Equal(t, fmt.Sprint("writer ", won), got.Name)
	require.Equal(t, r.Revision+1, got.Revision)
}

func TestServiceConcurrentCommentsAllLand(t *testing.T) {
	t.Parallel()
	// Several rounds, as losing a race many times in a row is what a
	// bounded retry gets wrong, and one round may not show it.
	for round := range 8 {
		f := portingtest.New(t)
		r := f.Create(t, svOther1)
		sys := porting.AsSystem(t.Context())
		events, err := f.Service.Events(sys, 0, 1000)
		require.NoError(t, err)
		last := events[len(events)-1].Seq

		errs := portingtest.Race(32, func(i int) error {
			ctx := f.AsCustomer()
			if i%2 == 1 {
				ctx = f.AsAuthority()
			}
			_, err := addComment(f.Service, ctx, r.ID, porting.CommentInput{Body: fmt.Sprint("comment ", i)})
			return err
		})
		for i, err := range errs {
			require.NoError(t, err, "round %d, comment %d", round, i)
		}
		got := svGet(t, f, r.ID)
		cs := svComments(t, f, f.AsAuthority(), r.ID)
		require.Len(t, cs, 32)
		require.Equal(t, 32, got.CommentCount)
		bodies := map[string]bool{}
		for _, c := range cs {
			bodies[c.Body] = true
		}
		require.Len(t, bodies, 32, "no comment lost or doubled")
		require.Equal(t, r.Revision+32, got.Revision)
		events, err = f.Service.Events(sys, last, 1000)
		require.NoError(t, err)
		require.Len(t, events, 32)
	}
}

func TestServiceConcurrentMixedWrites(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	sub := r.SubRequests[0].ID
	errs := portingtest.Race(30, func(i int) error {
		var err error
		switch i % 3 {
		case 0:
			_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "c"})
		case 1:
			_, err = f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{Description: svStr(fmt.Sprint(i))})
		case 2:
			_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
				Name: fmt.Sprint("doc", i), ContentType: "text/plain", Body: svBody(fmt.Sprint(i)), Mode: porting.AttachNew,
			})
		}
		return err
	})
	require.NoError(t, errors.Join(errs...))
	got := svGet(t, f, r.ID)
	require.Len(t, svComments(t, f, f.AsCustomer(), r.ID), 10)
	require.Len(t, got.Attachments, 10)
	for _, a := range got.Attachments {
		_, data, err := f.Service.Attachment(f.AsCustomer(), r.ID, a.ID)
		require.NoError(t, err)
		require.Equal(t, a.Name, "doc"+string(data)+".pdf")
	}
	require.Equal(t, r.Revision+30, got.Revision)
}

func TestServiceConcurrentTransitions(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := svReach(t, f, porting.StateSubmitted, svOther1)
	before := len(svTransitions(t, f, r.ID))
	errs := portingtest.Race(32, func(int) error {
		_, err := f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StatePending, porting.TransitionOptions{})
		return err
	})
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		var te *porting.TransitionError
		require.ErrorAs(t, err, &te)
		require.Equal(t, porting.StatePending, te.From, "the losers found it moved already")
		require.Equal(t, porting.StatePending, te.To)
	}
	require.Equal(t, 1, wins)
	got := svGet(t, f, r.ID)
	require.Equal(t, porting.StatePending, got.State)
	require.Len(t, svTransitions(t, f, r.ID), before+1, "the state moved once")
	require.Equal(t, r.Revision+1, got.Revision)
}

// Edit with no revision named merges again on fresh data when it loses a
// race: concurrent partial edits of one request all succeed, and none is
// lost, while other writes land in between.
func TestServiceEditMergesAgainOnFreshData(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	errs := portingtest.Race(48, func(i int) error {
		if i%3 == 2 {
			_, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: fmt.Sprint("between ", i)})
			return err
		}
		_, err := f.Service.Edit(f.AsCustomer(), r.ID, 0, func(in porting.RequestInput) (porting.RequestInput, error) {
			in.Extra = maps.Clone(in.Extra)
			if in.Extra == nil {
				in.Extra = map[string]json.RawMessage{}
			}
			in.Extra[fmt.Sprint("k", i)] = json.RawMessage(fmt.Sprint(i))
			return in, nil
		})
		return err
	})
	for i, err := range errs {
		require.NoError(t, err, "writer %d", i)
	}
	got := svGet(t, f, r.ID)
	for i := range 48 {
		if i%3 != 2 {
			require.Equal(t, fmt.Sprint(i), string(got.Extra[fmt.Sprint("k", i)]), "k%d was lost", i)
		}
	}
	// With a revision named, a stale one is a conflict.
	_, err := f.Service.Edit(f.AsCustomer(), r.ID, r.Revision, func(in porting.RequestInput) (porting.RequestInput, error) { return in, nil })
	require.ErrorIs(t, err, porting.ErrConflict)
}
