package porting_test

import (
	"strings"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

// svTwoCarrierRequest makes a request with an Alpha and a Beta sub request
// and moves it (both sub requests) to st.
func svTwoCarrierRequest(t *testing.T, f *portingtest.Fixture, st porting.State) (r *porting.PortRequest, alpha, beta string) {
	t.Helper()
	svCarriers(f)
	r = svReach(t, f, st, svAlpha1, svAlpha2, svBeta1)
	require.Len(t, r.SubRequests, 2)
	return r, svSub(t, r, "Alpha").ID, svSub(t, r, "Beta").ID
}

func TestServiceTransitionSubRequestDerivesRequestState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		from        porting.State
		alpha       []porting.State // moves of the Alpha sub request
		beta        []porting.State // then of the Beta one
		wantAlpha   porting.State
		wantBeta    porting.State
		wantRequest porting.State
	}{
		{"one scheduled, one pending", porting.StatePending, []porting.State{porting.StateScheduled}, nil,
			porting.StateScheduled, porting.StatePending, porting.StatePending},
		{"one rejected", porting.StateScheduled, nil, []porting.State{porting.StateRejected},
			porting.StateScheduled, porting.StateRejected, porting.StateRejected},
		{"one completed, one canceled", porting.StateScheduled, []porting.State{porting.StateCompleted}, []porting.State{porting.StateCanceled},
			porting.StateCompleted, porting.StateCanceled, porting.StateCompleted},
		{"both canceled", porting.StatePending, []porting.State{porting.StateCanceled}, []porting.State{porting.StateCanceled},
			porting.StateCanceled, porting.StateCanceled, porting.StateCanceled},
		{"one completed, one open", porting.StatePending, []porting.State{porting.StateCompleted}, nil,
			porting.StateCompleted, porting.StatePending, porting.StatePending},
		{"one submitted, one unconfirmed", porting.StateUnconfirmed, []porting.State{porting.StateSubmitted}, nil,
			porting.StateSubmitted, porting.StateUnconfirmed, porting.StateUnconfirmed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r, alpha, beta := svTwoCarrierRequest(t, f, tt.from)
			var err error
			for _, to := range tt.alpha {
				r, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, alpha, 0, to, svMoveOptions(f, to))
				require.NoError(t, err)
			}
			for _, to := range tt.beta {
				r, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, beta, 0, to, svMoveOptions(f, to))
				require.NoError(t, err)
			}
			require.Equal(t, tt.wantAlpha, r.SubRequest(alpha).State)
			require.Equal(t, tt.wantBeta, r.SubRequest(beta).State)
			require.Equal(t, tt.wantRequest, r.State)
			require.Equal(t, porting.DeriveState(r.SubRequests), r.State)
			require.Equal(t, r, svGet(t, f, r.ID))
		})
	}
}

func TestServiceTransitionSubRequestRecordsAndChecks(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r, alpha, beta := svTwoCarrierRequest(t, f, porting.StatePending)

	r, err := f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, alpha, 0, porting.StateRejected,
		porting.TransitionOptions{Reason: "PIN mismatch"})
	require.NoError(t, err)
	ts := svTransitions(t, f, r.ID)
	last := ts[len(ts)-1]
	require.Equal(t, alpha, last.SubRequestID)
	require.Equal(t, porting.StatePending, last.From)
	require.Equal(t, porting.StateRejected, last.To)
	require.Equal(t, "PIN mismatch", last.Reason)
	require.Equal(t, f.Clock.Now(), last.At)

	// A move the lifecycle does not allow, for this sub request.
	_, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, alpha, 0, porting.StateScheduled, svMoveOptions(f, porting.StateScheduled))
	svRequireTransitionError(t, err, r.ID, porting.StateRejected, porting.StateScheduled)
	var te *porting.TransitionError
	require.ErrorAs(t, err, &te)
	require.Equal(t, alpha, te.SubRequestID)

	// The customer may resubmit its own sub request, not process one.
	_, err = f.Service.TransitionSubRequest(f.AsCustomer(), r.ID, beta, 0, porting.StateScheduled, svMoveOptions(f, porting.StateScheduled))
	require.ErrorIs(t, err, porting.ErrForbidden)
	r, err = f.Service.TransitionSubRequest(f.AsCustomer(), r.ID, alpha, 0, porting.StateSubmitted, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, r.SubRequest(alpha).State)
	require.Equal(t, porting.StateSubmitted, r.State)

	_, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, "nope", 0, porting.StatePending, porting.TransitionOptions{})
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, "", 0, porting.StatePending, porting.TransitionOptions{})
	require.Equal(t, "sub_request_id", svOnlyField(t, err).Field)
}

func TestServiceWholeRequestTransitionIsAtomic(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r, alpha, beta := svTwoCarrierRequest(t, f, porting.StateSubmitted)
	r, err := f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, alpha, 0, porting.StatePending, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, r.State)

	// Alpha could be scheduled, Beta (submitted) cannot: nothing moves.
	_, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateScheduled, svMoveOptions(f, porting.StateScheduled))
	svRequireTransitionError(t, err, r.ID, porting.StateSubmitted, porting.StateScheduled)
	got := svGet(t, f, r.ID)
	require.Equal(t, r, got)
	require.Equal(t, porting.StatePending, got.SubRequest(alpha).State)
	require.True(t, got.SubRequest(alpha).FOCDate.IsZero())

	// A whole-request move skips the sub requests already there.
	r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StatePending, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StatePending, r.SubRequest(beta).State)
	require.Equal(t, porting.StatePending, r.State)
	r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateScheduled, svMoveOptions(f, porting.StateScheduled))
	require.NoError(t, err)
	require.Equal(t, map[string]porting.State{"Alpha": porting.StateScheduled, "Beta": porting.StateScheduled}, svSubStates(r))

	// Terminal sub requests stay where they are.
	r, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, alpha, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.NoError(t, err)
	r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateRejected, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, map[string]porting.State{"Alpha": porting.StateCompleted, "Beta": porting.StateRejected}, svSubStates(r))
	require.Equal(t, porting.StateRejected, r.State)
}

func TestServiceRequestCancellationOfDraftIsImmediate(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r, alpha, beta := svTwoCarrierRequest(t, f, porting.StateUnconfirmed)
	r, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "changed my mind")
	require.NoError(t, err)
	require.Equal(t, porting.StateCanceled, r.State)
	require.Equal(t, porting.StateCanceled, r.SubRequest(alpha).State)
	require.Equal(t, porting.StateCanceled, r.SubRequest(beta).State)
	ts := svTransitions(t, f, r.ID)
	require.Len(t, ts, 2)
	for _, tr := range ts {
		require.Equal(t, porting.StateUnconfirmed, tr.From)
		require.Equal(t, porting.StateCanceled, tr.To)
		require.Equal(t, "changed my mind", tr.Reason)
		require.NotEmpty(t, tr.SubRequestID)
	}
	// The numbers are free.
	svRequireFree(t, f, svAlpha1)
}

func TestServiceRequestCancellationNeedsConfirmation(t *testing.T) {
	t.Parallel()
	for _, st := range []porting.State{porting.StateSubmitted, porting.StatePending, porting.StateScheduled, porting.StateRejected} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := svReach(t, f, st, svOther1)
			sub := r.SubRequests[0].ID

			r, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "")
			require.NoError(t, err)
			sr := r.SubRequest(sub)
			require.Equal(t, porting.StateCancelPending, sr.State)
			require.Equal(t, st, sr.ResumeState)
			require.Equal(t, st, r.State, "the request shows the state it was in until the authority decides")
			ts := svTransitions(t, f, r.ID)
			last := ts[len(ts)-1]
			require.Equal(t, porting.Transition{At: f.Clock.Now(), SubRequestID: sub, From: st, To: porting.StateCancelPending,
				Actor: porting.Actor{AccountID: f.Customer.ID, UserID: "customer-user", Name: "Customer User"}}, last)

			// Asking twice is refused.
			_, err = f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "")
			require.ErrorIs(t, err, porting.ErrInvalidTransition)
			// The customer cannot decide.
			_, err = f.Service.Transition(f.AsCustomer(), r.ID, 0, porting.StateCanceled, porting.TransitionOptions{})
			require.ErrorIs(t, err, porting.ErrForbidden)

			// The authority confirms.
			r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, porting.StateCanceled, porting.TransitionOptions{})
			require.NoError(t, err)
			require.Equal(t, porting.StateCanceled, r.State)
			require.Empty(t, r.SubRequest(sub).ResumeState)
			_, err = f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("x", svOther1))
			require.NoError(t, err, "numbers released")
		})
	}
}

func TestServiceRequestCancellationRefused(t *testing.T) {
	t.Parallel()
	for _, st := range []porting.State{porting.StateSubmitted, porting.StatePending, porting.StateScheduled} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := svReach(t, f, st, svOther1)
			sub := r.SubRequests[0].ID
			r, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, sub, 0, "")
			require.NoError(t, err)

			// The authority refuses: back to where it was.
			r, err = f.Service.Transition(f.AsAuthority(), r.ID, 0, st, porting.TransitionOptions{Reason: "too late"})
			require.NoError(t, err)
			sr := r.SubRequest(sub)
			require.Equal(t, st, sr.State)
			require.Empty(t, sr.ResumeState)
			require.Equal(t, st, r.State)
			_, err = f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("x", svOther1))
			require.ErrorIs(t, err, porting.ErrNumberOnRequest, "the number is still claimed")
		})
	}
}

func TestServiceRequestCancellationOfOneSubRequest(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r, alpha, beta := svTwoCarrierRequest(t, f, porting.StatePending)
	r, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, beta, 0, "")
	require.NoError(t, err)
	require.Equal(t, porting.StatePending, r.SubRequest(alpha).State)
	require.Equal(t, porting.StateCancelPending, r.SubRequest(beta).State)
	r, err = f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, beta, 0, porting.StateCanceled, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StatePending, r.State)
	// Beta's number is free; Alpha's are not.
	svRequireFree(t, f, svBeta1)
	_, err = f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("y", svAlpha1))
	require.ErrorIs(t, err, porting.ErrNumberOnRequest)

	_, err = f.Service.RequestCancellation(f.AsCustomer(), r.ID, "nope", 0, "")
	require.ErrorIs(t, err, porting.ErrNotFound)
}

func TestServiceRequestCancellationCutoff(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*portingtest.Fixture, *porting.PortRequest) {
		f := portingtest.New(t)
		r := svReach(t, f, porting.StateScheduled, svOther1) // FOC: now + 72h
		require.Equal(t, f.Clock.Now().Add(72*time.Hour), r.SubRequests[0].FOCDate)
		return f, r
	}
	t.Run("48h before the FOC", func(t *testing.T) {
		t.Parallel()
		f, r := setup(t)
		f.Clock.Advance(24 * time.Hour)
		r, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "")
		require.NoError(t, err)
		require.Equal(t, porting.StateCancelPending, r.SubRequests[0].State)
	})
	t.Run("less than 48h before the FOC", func(t *testing.T) {
		t.Parallel()
		f, r := setup(t)
		f.Clock.Advance(24*time.Hour + time.Second)
		_, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "")
		fe := svOnlyField(t, err)
		require.Equal(t, "foc_date", fe.Field)
		require.Equal(t, "forbidden", fe.Code)
		require.Equal(t, r, svGet(t, f, r.ID))
	})
	t.Run("after the FOC", func(t *testing.T) {
		t.Parallel()
		f, r := setup(t)
		f.Clock.Advance(100 * time.Hour)
		_, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "")
		require.Equal(t, "foc_date", svOnlyField(t, err).Field)
	})
}

func TestServiceRequestCancellationOfSettledRequest(t *testing.T) {
	t.Parallel()
	for _, st := range []porting.State{porting.StateCompleted, porting.StateCanceled} {
		f := portingtest.New(t)
		r := svReach(t, f, st, svOther1)
		_, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "")
		require.ErrorIs(t, err, porting.ErrInvalidTransition, st)
		_, err = f.Service.RequestCancellation(f.AsCustomer(), r.ID, r.SubRequests[0].ID, 0, "")
		require.ErrorIs(t, err, porting.ErrInvalidTransition, st)
		require.Equal(t, r, svGet(t, f, r.ID))
	}
}

// svSubStatesAll lists the sub request states, cancel-pending included.
var svSubStatesAll = []porting.State{
	porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending, porting.StateScheduled,
	porting.StateCompleted, porting.StateRejected, porting.StateCanceled, porting.StateCancelPending,
}

// svReachSub makes a request with one sub request in state st.
func svReachSub(t *testing.T, f *portingtest.Fixture, st porting.State) *porting.PortRequest {
	t.Helper()
	if st != porting.StateCancelPending {
		return svReach(t, f, st, svOther1)
	}
	r := svReach(t, f, porting.StatePending, svOther1)
	r, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, "", 0, "")
	require.NoError(t, err)
	require.Equal(t, porting.StateCancelPending, r.SubRequests[0].State)
	return r
}

func TestServiceUpdateSubRequestFieldTable(t *testing.T) {
	t.Parallel()
	editable := svIn(porting.StateUnconfirmed, porting.StateRejected)
	open := svIn(porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending,
		porting.StateScheduled, porting.StateRejected, porting.StateCancelPending)
	settled := svIn(porting.StateCompleted, porting.StateCancelPending, porting.StateCanceled)
	fields := []struct {
		field string
		patch porting.SubRequestPatch
		when  map[porting.State]bool
		check func(t *testing.T, sr porting.SubRequest)
	}{
		{"street_address", porting.SubRequestPatch{StreetAddress: svStr("1 Main St")}, editable,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "1 Main St", sr.StreetAddress) }},
		{"locality", porting.SubRequestPatch{Locality: svStr("Washington")}, editable,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "Washington", sr.Locality) }},
		{"postal_code", porting.SubRequestPatch{PostalCode: svStr("20001")}, editable,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "20001", sr.PostalCode) }},
		{"auth_person_name", porting.SubRequestPatch{AuthPersonName: svStr("Jane")}, editable,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "Jane", sr.AuthPersonName) }},
		{"pin_passcode", porting.SubRequestPatch{PIN: svStr("9876")}, editable,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "9876", sr.PIN) }},
		{"porting_option", porting.SubRequestPatch{PortingOption: &porting.PortingOption{Type: porting.PortFull}}, editable,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, porting.PortFull, sr.PortingOption.Type) }},
		{"description", porting.SubRequestPatch{Description: svStr("HQ lines")}, open,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "HQ lines", sr.Description) }},
		{"default_connection_id", porting.SubRequestPatch{DefaultConnectionID: svStr("conn-9")}, open,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "conn-9", sr.DefaultConnectionID) }},
		{"default_message_profile_id", porting.SubRequestPatch{DefaultMessageProfileID: svStr("msg-9")}, open,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "msg-9", sr.DefaultMessageProfileID) }},
		{"customer_rating", porting.SubRequestPatch{CustomerRating: svInt(4)}, settled,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, 4, *sr.CustomerRating) }},
		{"customer_rating_comment", porting.SubRequestPatch{CustomerRatingComment: svStr("smooth")}, settled,
			func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "smooth", sr.CustomerRatingComment) }},
	}
	for _, st := range svSubStatesAll {
		for _, fl := range fields {
			t.Run(string(st)+"/"+fl.field, func(t *testing.T) {
				t.Parallel()
				f := portingtest.New(t)
				r := svReachSub(t, f, st)
				sub := r.SubRequests[0].ID
				got, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, r.Revision, fl.patch)
				if fl.when[st] {
					require.NoError(t, err)
					sr := *got.SubRequest(sub)
					fl.check(t, sr)
					require.Equal(t, st, sr.State)
					require.Equal(t, f.Clock.Now(), sr.Updated)
					require.Equal(t, r.Revision+1, got.Revision)
					return
				}
				fe := svOnlyField(t, err)
				require.Equal(t, fl.field, fe.Field)
				require.Equal(t, "forbidden", fe.Code)
				require.Equal(t, r, svGet(t, f, r.ID))
			})
		}
	}
}

func TestServiceUpdateSubRequestValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		patch porting.SubRequestPatch
		field string // "" when the patch is accepted
		code  string
		check func(t *testing.T, sr porting.SubRequest)
	}{
		{name: "administrative area upper-cased", patch: porting.SubRequestPatch{AdministrativeArea: svStr("dc")},
			check: func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "DC", sr.AdministrativeArea) }},
		{name: "administrative area of three letters", patch: porting.SubRequestPatch{AdministrativeArea: svStr("DCX")},
			field: "administrative_area", code: "format"},
		{name: "administrative area with a digit", patch: porting.SubRequestPatch{AdministrativeArea: svStr("D1")},
			field: "administrative_area", code: "format"},
		{name: "country code upper-cased", patch: porting.SubRequestPatch{CountryCode: svStr("us")},
			check: func(t *testing.T, sr porting.SubRequest) { require.Equal(t, "US", sr.CountryCode) }},
		{name: "country code not ISO", patch: porting.SubRequestPatch{CountryCode: svStr("XX")},
			field: "country_code", code: "format"},
		{name: "country code alpha-3", patch: porting.SubRequestPatch{CountryCode: svStr("USA")},
			field: "country_code", code: "format"},
		{name: "billing phone number normalised", patch: porting.SubRequestPatch{BillingPhoneNumber: svStr("(202) 555-0300")},
			check: func(t *testing.T, sr porting.SubRequest) { require.Equal(t, svOther1, sr.BillingPhoneNumber) }},
		{name: "billing phone number invalid", patch: porting.SubRequestPatch{BillingPhoneNumber: svStr("123")},
			field: "billing_phone_number", code: "format"},
		{name: "field too long", patch: porting.SubRequestPatch{StreetAddress: svStr(strings.Repeat("a", porting.MaxFieldLength+1))},
			field: "street_address", code: "maxLength"},
		{name: "porting option type", patch: porting.SubRequestPatch{PortingOption: &porting.PortingOption{Type: "some"}},
			field: "porting_option.type", code: "enum"},
		{name: "remaining numbers action", patch: porting.SubRequestPatch{PortingOption: &porting.PortingOption{
			Type: porting.PortPartial, RemainingNumbersAction: "sell"}},
			field: "porting_option.remaining_numbers_action", code: "enum"},
		{name: "new BTN is a ported number", patch: porting.SubRequestPatch{PortingOption: &porting.PortingOption{
			Type: porting.PortPartial, RemainingNumbersAction: porting.RemainingKeep, NewBillingPhoneNumber: "(202) 555-0300"}},
			field: "porting_option.new_billing_phone_number", code: "format"},
		{name: "new BTN not among the remaining numbers", patch: porting.SubRequestPatch{PortingOption: &porting.PortingOption{
			Type: porting.PortPartial, RemainingNumbersAction: porting.RemainingKeep,
			NewBillingPhoneNumber: "2025559998", RemainingNumbers: []string{"2025559999"}}},
			field: "porting_option.new_billing_phone_number", code: "format"},
		{name: "remaining number that is ported", patch: porting.SubRequestPatch{PortingOption: &porting.PortingOption{
			Type: porting.PortPartial, RemainingNumbers: []string{svOther1}}},
			field: "porting_option.remaining_numbers", code: "format"},
		{name: "partial port keeping a new BTN", patch: porting.SubRequestPatch{PortingOption: &porting.PortingOption{
			Type: porting.PortPartial, RemainingNumbersAction: porting.RemainingKeep,
			NewBillingPhoneNumber: "(202) 555-9999", RemainingNumbers: []string{"202-555-9998", "2025559999"}}},
			check: func(t *testing.T, sr porting.SubRequest) {
				require.Equal(t, "+12025559999", sr.PortingOption.NewBillingPhoneNumber)
				require.Equal(t, []string{"+12025559998", "+12025559999"}, sr.PortingOption.RemainingNumbers)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := f.Create(t, svOther1)
			sub := r.SubRequests[0].ID
			got, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, tt.patch)
			if tt.field == "" {
				require.NoError(t, err)
				tt.check(t, *got.SubRequest(sub))
				return
			}
			fe := svOnlyField(t, err)
			require.Equal(t, tt.field, fe.Field)
			require.Equal(t, tt.code, fe.Code)
			require.Equal(t, r, svGet(t, f, r.ID))
		})
	}
}

func TestServiceUpdateSubRequestReportsEveryProblemAndChangesNothing(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	sub := r.SubRequests[0].ID
	_, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{
		Locality: svStr("fine"), AdministrativeArea: svStr("nowhere"), CountryCode: svStr("ZZ"), CustomerRating: svInt(3),
	})
	fields := svValidation(t, err)
	require.Len(t, fields, 3, "%v", err)
	svField(t, err, "administrative_area", "format")
	svField(t, err, "country_code", "format")
	svField(t, err, "customer_rating", "forbidden")
	require.Equal(t, r, svGet(t, f, r.ID), "the valid field was not applied either")
}

func TestServiceCustomerRating(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := svReach(t, f, porting.StateCompleted, svOther1)
	sub := r.SubRequests[0].ID
	for v, code := range map[int]string{0: "minimum", -1: "minimum", 6: "maximum"} {
		_, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{CustomerRating: svInt(v)})
		fe := svOnlyField(t, err)
		require.Equal(t, "customer_rating", fe.Field, v)
		require.Equal(t, code, fe.Code, v)
	}
	require.Equal(t, r, svGet(t, f, r.ID))
	for _, v := range []int{1, 5} {
		got, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{
			CustomerRating: svInt(v), CustomerRatingComment: svStr("ok"),
		})
		require.NoError(t, err)
		require.Equal(t, v, *got.SubRequest(sub).CustomerRating)
	}
}

func TestServiceUpdateSubRequestRevisionAndUnknownSub(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	sub := r.SubRequests[0].ID
	_, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, r.Revision+1, porting.SubRequestPatch{Description: svStr("x")})
	require.ErrorIs(t, err, porting.ErrConflict)
	_, err = f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, "nope", 0, porting.SubRequestPatch{Description: svStr("x")})
	require.ErrorIs(t, err, porting.ErrNotFound)
	got, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, r.Revision, porting.SubRequestPatch{Description: svStr("x")})
	require.NoError(t, err)
	require.Equal(t, "x", got.SubRequest(sub).Description)
}

func TestServiceFOCDateRequested(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	sub := r.SubRequests[0].ID

	windows, err := f.Service.AllowedFOCDates(f.AsCustomer(), r.ID, sub)
	require.NoError(t, err)
	require.Len(t, windows, 20)
	// Monday 2 March 2026 + 3 business days: Thursday 5 March, 15:00-23:00 UTC.
	require.Equal(t, porting.FOCWindow{
		Start: time.Date(2026, time.March, 5, 15, 0, 0, 0, time.UTC),
		End:   time.Date(2026, time.March, 5, 23, 0, 0, 0, time.UTC),
	}, windows[0])
	for _, w := range windows {
		require.NotContains(t, []time.Weekday{time.Saturday, time.Sunday}, w.Start.Weekday())
	}

	refused := map[string]time.Time{
		"a Saturday":             time.Date(2026, time.March, 7, 16, 0, 0, 0, time.UTC),
		"before the lead time":   time.Date(2026, time.March, 4, 16, 0, 0, 0, time.UTC),
		"outside the window":     time.Date(2026, time.March, 5, 10, 0, 0, 0, time.UTC),
		"a federal holiday":      time.Date(2026, time.May, 25, 16, 0, 0, 0, time.UTC), // Memorial Day
		"in the past":            time.Date(2026, time.February, 27, 16, 0, 0, 0, time.UTC),
		"window end, one second": windows[0].End.Add(time.Second),
	}
	for name, at := range refused {
		_, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{FOCDateRequested: svTime(at)})
		fe := svOnlyField(t, err)
		require.Equal(t, "foc_date_requested_by_user", fe.Field, name)
		require.Equal(t, "format", fe.Code, name)
	}

	at := windows[1].Start.Add(time.Hour).In(time.FixedZone("EST", -5*3600))
	got, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{FOCDateRequested: svTime(at)})
	require.NoError(t, err)
	require.Equal(t, at.UTC(), got.SubRequest(sub).FOCDateRequested)
	require.Equal(t, time.UTC, got.SubRequest(sub).FOCDateRequested.Location())
	got, err = f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{FOCDateRequested: svTime(windows[0].End)})
	require.NoError(t, err, "window ends are inclusive")
	require.Equal(t, windows[0].End, got.SubRequest(sub).FOCDateRequested)

	_, err = f.Service.AllowedFOCDates(f.AsCustomer(), r.ID, "nope")
	require.ErrorIs(t, err, porting.ErrNotFound)
}

func TestServiceUpdateDraftSubRequestOnlyBeforeSubmission(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	sub := r.SubRequests[0].ID
	r, err := f.Service.UpdateDraftSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{Description: svStr("draft")})
	require.NoError(t, err)
	require.Equal(t, "draft", r.SubRequests[0].Description)

	r = f.Move(t, r.ID, porting.StateSubmitted)
	_, err = f.Service.UpdateDraftSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{Description: svStr("later")})
	fe := svOnlyField(t, err)
	require.Equal(t, "status", fe.Field)
	require.Equal(t, "forbidden", fe.Code)
	// The Telnyx port request (not draft) edit still may.
	got, err := f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, sub, 0, porting.SubRequestPatch{Description: svStr("later")})
	require.NoError(t, err)
	require.Equal(t, "later", got.SubRequests[0].Description)
}

func TestServiceSubmitDraftListsEveryMissingField(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r, alpha, beta := svTwoCarrierRequest(t, f, porting.StateUnconfirmed)
	foc := f.Service.Options().FOC.Windows(f.Clock.Now(), f.Service.Options().Calendar)[0].Start
	_, err := f.Service.UpdateDraftSubRequest(f.AsCustomer(), r.ID, alpha, 0, porting.SubRequestPatch{
		FOCDateRequested: &foc, AuthPersonName: svStr("Jane"), BillingPhoneNumber: svStr(svAlpha1),
		StreetAddress: svStr("1 Main St"), Locality: svStr("Washington"), AdministrativeArea: svStr("DC"),
		PostalCode: svStr("20001"), CountryCode: svStr("US"), DefaultConnectionID: svStr("c"),
		PortingOption: &porting.PortingOption{Type: porting.PortPartial, RemainingNumbersAction: porting.RemainingKeep},
	})
	require.NoError(t, err)
	r = svGet(t, f, r.ID)

	_, err = f.Service.SubmitDraft(f.AsCustomer(), r.ID, 0, false)
	fields := svValidation(t, err)
	missing := map[string][]string{}
	for _, fe := range fields {
		require.Equal(t, "required", fe.Code)
		missing[fe.Value] = append(missing[fe.Value], fe.Field)
	}
	require.Equal(t, map[string][]string{
		alpha: {"sub_requests.default_message_profile_id", "sub_requests.porting_option.new_billing_phone_number"},
		beta: {"sub_requests.foc_date_requested_by_user", "sub_requests.auth_person_name",
			"sub_requests.billing_phone_number", "sub_requests.street_address", "sub_requests.locality",
			"sub_requests.administrative_area", "sub_requests.postal_code", "sub_requests.country_code",
			"sub_requests.default_connection_id", "sub_requests.default_message_profile_id"},
	}, missing)
	require.Equal(t, []string{"default_message_profile_id", "porting_option.new_billing_phone_number"},
		r.MissingFields(*r.SubRequest(alpha)))
	require.False(t, r.Complete(*r.SubRequest(alpha)))
	require.Equal(t, r, svGet(t, f, r.ID))
}

func TestServiceSubmitDraft(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	f.Charges.PerNumber = 2
	r, _, _ := svTwoCarrierRequest(t, f, porting.StateUnconfirmed)
	r = f.FillSubRequests(t, r.ID)
	for _, sr := range r.SubRequests {
		require.Empty(t, r.MissingFields(sr))
		require.True(t, r.Complete(sr))
	}

	_, err := f.Service.SubmitDraft(f.AsCustomer(), r.ID, 0, false)
	var ce *porting.ChargesError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 6.0, ce.Quote.ActivationCharges)

	r, err = f.Service.SubmitDraft(f.AsCustomer(), r.ID, 0, true)
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, r.State)
	require.False(t, r.Draft())
	require.Equal(t, map[string]porting.State{"Alpha": porting.StateSubmitted, "Beta": porting.StateSubmitted}, svSubStates(r))

	_, err = f.Service.SubmitDraft(f.AsCustomer(), r.ID, 0, true)
	require.Equal(t, "status", svOnlyField(t, err).Field)
}

// A sub request cancelled while the request was a draft is over: its
// missing fields, which can no longer be set, do not hold up the others.
func TestServiceSubmitDraftSkipsCancelledSubRequests(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r, alpha, beta := svTwoCarrierRequest(t, f, porting.StateUnconfirmed)
	r, err := f.Service.RequestCancellation(f.AsCustomer(), r.ID, beta, 0, "not porting these")
	require.NoError(t, err)
	require.Equal(t, porting.StateCanceled, r.SubRequest(beta).State)
	require.True(t, r.Draft())

	r = f.FillSubRequests(t, r.ID)
	require.True(t, r.Complete(*r.SubRequest(alpha)))
	require.False(t, r.Complete(*r.SubRequest(beta)), "left as it was")

	r, err = f.Service.SubmitDraft(f.AsCustomer(), r.ID, 0, true)
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, r.State)
	require.Equal(t, map[string]porting.State{"Alpha": porting.StateSubmitted, "Beta": porting.StateCanceled}, svSubStates(r))
}

func TestServiceEffectiveTakesKazooFieldsAsFallback(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	in := portingtest.Input("Kazoo style", svOther1)
	in.Bill = porting.Bill{
		Name: "Acme Inc", StreetNumber: "1600", StreetAddress: "Pennsylvania", StreetType: "Ave", StreetPostDir: "NW",
		Locality: "Washington", Region: "dc", PostalCode: "20500", Country: "us", BTN: "(202) 555-0300",
		AccountNumber: "acct-1", PIN: "0000",
	}
	in.SigneeName = "Jane Doe"
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	require.NoError(t, err)
	sr := r.SubRequests[0]

	require.Equal(t, []string{"foc_date_requested_by_user", "default_connection_id", "default_message_profile_id"},
		r.MissingFields(sr), "only the Telnyx-specific fields are missing")
	e := r.Effective(sr)
	require.Equal(t, "Acme Inc", e.PersonOrCompanyName)
	require.Equal(t, "Jane Doe", e.AuthPersonName)
	require.Equal(t, svOther1, e.BillingPhoneNumber)
	require.Equal(t, "1600 Pennsylvania Ave NW", e.StreetAddress)
	require.Equal(t, "Washington", e.Locality)
	require.Equal(t, "DC", e.AdministrativeArea)
	require.Equal(t, "20500", e.PostalCode)
	require.Equal(t, "US", e.CountryCode)
	require.Equal(t, "acct-1", e.AccountNumber)
	require.Equal(t, "0000", e.PIN)
	require.Empty(t, sr.StreetAddress, "Effective does not change the stored sub request")

	// The sub request's own values win over the bill; the Kazoo
	// transfer_date stands in for the requested FOC date.
	windows, err := f.Service.AllowedFOCDates(f.AsCustomer(), r.ID, sr.ID)
	require.NoError(t, err)
	in = r.Input()
	in.TransferDate = windows[0].Start
	_, err = f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	require.NoError(t, err)
	r, err = f.Service.UpdateDraftSubRequest(f.AsCustomer(), r.ID, sr.ID, 0, porting.SubRequestPatch{
		Locality: svStr("Arlington"), AdministrativeArea: svStr("va"),
		DefaultConnectionID: svStr("c"), DefaultMessageProfileID: svStr("m"),
	})
	require.NoError(t, err)
	sr = r.SubRequests[0]
	e = r.Effective(sr)
	require.Equal(t, "Arlington", e.Locality)
	require.Equal(t, "VA", e.AdministrativeArea)
	require.Equal(t, windows[0].Start, e.FOCDateRequested)
	require.Empty(t, r.MissingFields(sr))

	r, err = f.Service.SubmitDraft(f.AsCustomer(), r.ID, 0, false)
	require.NoError(t, err)
	require.Equal(t, porting.StateSubmitted, r.State)
}

// NumberCounts counts the numbers by the state of their sub request.
func TestServiceNumberCounts(t *testing.T) {
	f := portingtest.New(t)
	f.Carriers.Add("+1202555", "Carrier A")
	f.Carriers.Add("+1303555", "Carrier B")
	r := f.Create(t, "+12025550100", "+13035550100", "+13035550101")
	require.Equal(t, map[porting.State]int{porting.StateUnconfirmed: 3}, r.NumberCounts())
	f.Move(t, r.ID, porting.StateSubmitted)
	r, err := f.Service.TransitionSubRequest(f.AsAuthority(), r.ID, r.SubRequests[1].ID, 0, porting.StatePending, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, map[porting.State]int{porting.StateSubmitted: 1, porting.StatePending: 2}, r.NumberCounts())
}
