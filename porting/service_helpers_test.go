package porting_test

// Helpers shared by the service_*_test.go files. Every name starts with
// "sv" so it cannot collide with the helpers of the package's other tests.

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

// Numbers used across the service tests. svAlpha* and svBeta* belong to
// two carriers once svCarriers has been called; svOther* to no carrier of
// the table.
const (
	svAlpha1 = "+12025550100"
	svAlpha2 = "+12025550101"
	svAlpha3 = "+12025550102"
	svBeta1  = "+12025550200"
	svBeta2  = "+12025550201"
	svOther1 = "+12025550300"
	svOther2 = "+12025550301"
)

// svCarriers maps svAlpha* numbers to carrier "Alpha" and svBeta* numbers
// to carrier "Beta" in the fixture's carrier table.
func svCarriers(f *portingtest.Fixture) {
	f.Carriers.Add("+1202555010", "Alpha")
	f.Carriers.Add("+1202555020", "Beta")
}

func svStr(s string) *string { return &s }

func svInt(i int) *int { return &i }

func svTime(t time.Time) *time.Time { return &t }

// svValidation asserts err is a *porting.ValidationError and returns its
// fields.
func svValidation(t *testing.T, err error) []porting.FieldError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, porting.ErrValidation)
	var ve *porting.ValidationError
	require.True(t, errors.As(err, &ve), "want *porting.ValidationError, got %T: %v", err, err)
	require.NotEmpty(t, ve.Fields)
	return ve.Fields
}

// svOnlyField asserts err is a ValidationError with exactly one field and
// returns it.
func svOnlyField(t *testing.T, err error) porting.FieldError {
	t.Helper()
	fields := svValidation(t, err)
	require.Len(t, fields, 1, "fields: %+v", fields)
	return fields[0]
}

// svField returns the field error with the given field name and code.
func svField(t *testing.T, err error, field, code string) porting.FieldError {
	t.Helper()
	for _, fe := range svValidation(t, err) {
		if fe.Field == field && fe.Code == code {
			return fe
		}
	}
	require.Failf(t, "field error not found", "no %s error on %q in %v", code, field, err)
	return porting.FieldError{}
}

// svStranger adds the account "stranger", the root of a tree of its own,
// and returns a context acting as it.
func svStranger(t *testing.T, f *portingtest.Fixture) context.Context {
	t.Helper()
	require.NoError(t, f.Service.PutAccount(porting.AsSystem(t.Context()), porting.Account{ID: "stranger"}))
	return porting.WithActor(t.Context(), porting.Actor{AccountID: "stranger"})
}

// svRequireFree checks that the numbers are free: the customer can put
// them on a new request.
func svRequireFree(t *testing.T, f *portingtest.Fixture, numbers ...string) {
	t.Helper()
	_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("free", numbers...))
	require.NoError(t, err, "numbers %v are free", numbers)
}

// svGet reads a request as the port authority.
func svGet(t *testing.T, f *portingtest.Fixture, id string) *porting.PortRequest {
	t.Helper()
	r, err := f.Service.Get(f.AsAuthority(), id)
	require.NoError(t, err)
	return r
}

// svSub returns the sub request of r for a carrier.
func svSub(t *testing.T, r *porting.PortRequest, carrier string) porting.SubRequest {
	t.Helper()
	for _, sr := range r.SubRequests {
		if sr.Carrier == carrier {
			return sr
		}
	}
	require.Failf(t, "no sub request", "no sub request for carrier %q in %+v", carrier, r.SubRequests)
	return porting.SubRequest{}
}

// svSubStates maps each sub request's carrier to its state.
func svSubStates(r *porting.PortRequest) map[string]porting.State {
	out := make(map[string]porting.State, len(r.SubRequests))
	for _, sr := range r.SubRequests {
		out[sr.Carrier] = sr.State
	}
	return out
}

// svReach moves a fresh request of the given numbers (default svOther1) to
// state st along portingtest.PathTo.
func svReach(t *testing.T, f *portingtest.Fixture, st porting.State, numbers ...string) *porting.PortRequest {
	t.Helper()
	if len(numbers) == 0 {
		numbers = []string{svOther1}
	}
	return svReachFrom(t, f, f.Create(t, numbers...).ID, st)
}

// svReachFrom moves an existing unconfirmed request to st along
// portingtest.PathTo.
func svReachFrom(t *testing.T, f *portingtest.Fixture, id string, st porting.State) *porting.PortRequest {
	t.Helper()
	path, ok := portingtest.PathTo(st)
	require.True(t, ok, "no path to state %s", st)
	r := svGet(t, f, id)
	for _, to := range path {
		r = f.Move(t, id, to)
	}
	require.Equal(t, st, r.State)
	return r
}

// svIn is the set of the given states.
func svIn(states ...porting.State) map[porting.State]bool {
	set := make(map[porting.State]bool, len(states))
	for _, st := range states {
		set[st] = true
	}
	return set
}

// svTypes lists the types of events.
func svTypes(es []porting.Event) []porting.EventType {
	out := make([]porting.EventType, len(es))
	for i, e := range es {
		out[i] = e.Type
	}
	return out
}

// svNumber returns the number of r with the given E.164 form.
func svNumber(t *testing.T, r *porting.PortRequest, e164 string) porting.PortNumber {
	t.Helper()
	n, ok := r.Number(e164)
	require.True(t, ok, "number %s on request", e164)
	return *n
}

// svE164s lists the E.164 forms of numbers.
func svE164s(ns []porting.PortNumber) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.E164
	}
	return out
}

// svBody is an attachment body.
func svBody(s string) io.Reader { return strings.NewReader(s) }

// addComment adds one comment at any revision.
func addComment(svc *porting.Service, ctx context.Context, id string, in porting.CommentInput) (porting.Comment, error) {
	added, _, err := svc.AddComments(ctx, id, 0, []porting.CommentInput{in})
	if err != nil {
		return porting.Comment{}, err
	}
	return added[0], nil
}

// svTimeline reads a request's whole timeline as ctx's actor.
func svTimeline(t *testing.T, f *portingtest.Fixture, ctx context.Context, id string, kind porting.TimelineKind) []porting.TimelineEntry {
	t.Helper()
	var out []porting.TimelineEntry
	q := porting.TimelineQuery{Kind: kind}
	for {
		page, err := f.Service.Timeline(ctx, id, q)
		require.NoError(t, err)
		out = append(out, page.Entries...)
		if page.Next == "" {
			return out
		}
		q.Cursor = page.Next
	}
}

// svComments returns the comments of a request ctx's actor may see.
func svComments(t *testing.T, f *portingtest.Fixture, ctx context.Context, id string) []porting.Comment {
	t.Helper()
	var out []porting.Comment
	for _, e := range svTimeline(t, f, ctx, id, porting.TimelineComments) {
		out = append(out, *e.Comment)
	}
	return out
}

// svTransitions returns the transitions of a request.
func svTransitions(t *testing.T, f *portingtest.Fixture, id string) []porting.Transition {
	t.Helper()
	var out []porting.Transition
	for _, e := range svTimeline(t, f, f.AsAuthority(), id, porting.TimelineTransitions) {
		out = append(out, *e.Transition)
	}
	return out
}
