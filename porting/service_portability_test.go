package porting_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

func svUSOnly(o *porting.Options) { o.ServiceArea = porting.Regions{"US"} }

func TestServiceCheckPortability(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t, svUSOnly)
	svCarriers(f)
	porting1 := f.Create(t, svOther1)
	done := f.Create(t, svBeta1)
	f.Complete(t, done.ID)
	require.NoError(t, f.Inventory.Activate(t.Context(), "someone", []string{svBeta2}))

	raws := []string{
		"(202) 555-0101",   // Alpha: portable, confirmed
		"not a number",     // invalid
		"+44 20 7946 0958", // GB: outside the service area
		"202-555-0300",     // on an active request
		"+12025550200",     // ported in already
		"2025550201",       // in the inventory
		"+12025550301",     // portable, carrier unknown
		"+1 613 555 0100",  // CA: outside the service area
		"12345",            // invalid
	}
	res, err := f.Service.CheckPortability(f.AsCustomer(), raws)
	require.NoError(t, err)
	require.Len(t, res, len(raws))
	for i, r := range res {
		require.Equal(t, raws[i], r.Number.Raw, "results are in input order")
	}
	type verdict struct {
		E164      string
		Portable  bool
		Status    porting.PortabilityStatus
		Carrier   string
		Reason    porting.NonPortableReason
		RequestID string
	}
	var got []verdict
	for _, r := range res {
		got = append(got, verdict{r.Number.E164, r.Portable, r.Status, r.CarrierName, r.Reason, r.RequestID})
	}
	require.Equal(t, []verdict{
		{svAlpha2, true, porting.PortabilityConfirmed, "Alpha", "", ""},
		{"", false, porting.PortabilityPending, "", porting.ReasonInvalidNumber, ""},
		{"+442079460958", false, porting.PortabilityPending, "", porting.ReasonNoCoverage, ""},
		{svOther1, false, porting.PortabilityPending, "", porting.ReasonAlreadyBeingPorted, porting1.ID},
		{svBeta1, false, porting.PortabilityConfirmed, "Beta", porting.ReasonOwned, ""},
		{svBeta2, false, porting.PortabilityConfirmed, "Beta", porting.ReasonOwned, ""},
		{svOther2, true, porting.PortabilityPending, "", "", ""},
		{"+16135550100", false, porting.PortabilityPending, "", porting.ReasonNoCoverage, ""},
		{f.Service.ParseNumber("12345").E164, false, porting.PortabilityPending, "", porting.ReasonInvalidNumber, ""},
	}, got)
	require.Equal(t, porting.ReasonOwned, porting.NonPortableReason("owned"))

	// A canceled request lets its numbers go.
	f.Move(t, porting1.ID, porting.StateCanceled)
	res, err = f.Service.CheckPortability(f.AsCustomer(), []string{svOther1})
	require.NoError(t, err)
	require.True(t, res[0].Portable)
	require.Empty(t, res[0].RequestID)
}

func TestServiceCheckPortabilityHidesOtherAccountsRequests(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	sys := porting.AsSystem(t.Context())
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "stranger"}))
	theirs, err := f.Service.Create(sys, "stranger", portingtest.Input("theirs", svOther1))
	require.NoError(t, err)
	ours := f.Create(t, svOther2)

	check := func(ctx context.Context) []string {
		t.Helper()
		res, err := f.Service.CheckPortability(ctx, []string{svOther1, svOther2})
		require.NoError(t, err)
		ids := make([]string, len(res))
		for i, r := range res {
			require.Equal(t, porting.ReasonAlreadyBeingPorted, r.Reason)
			require.False(t, r.Portable)
			ids[i] = r.RequestID
		}
		return ids
	}
	require.Equal(t, []string{"", ours.ID}, check(f.AsCustomer()), "another tree's request ID does not leak")
	require.Equal(t, []string{"", ours.ID}, check(f.AsAuthority()))
	require.Equal(t, []string{theirs.ID, ours.ID}, check(sys))
	require.Equal(t, []string{theirs.ID, ""}, check(porting.WithActor(t.Context(), porting.Actor{AccountID: "stranger"})))
}

func TestServiceCheckPortabilityDefaultServiceArea(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	res, err := f.Service.CheckPortability(f.AsCustomer(), []string{"+44 20 7946 0958", "+1 613 555 0100"})
	require.NoError(t, err)
	for _, r := range res {
		require.True(t, r.Portable, r.Number.Raw)
	}
}

func TestServiceCheckPortabilityLimits(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	_, err := f.Service.CheckPortability(f.AsCustomer(), nil)
	fe := svOnlyField(t, err)
	require.Equal(t, "phone_numbers", fe.Field)
	require.Equal(t, "minItems", fe.Code)

	_, err = f.Service.CheckPortability(f.AsCustomer(), make([]string, porting.DefaultMaxNumbers+1))
	fe = svOnlyField(t, err)
	require.Equal(t, "phone_numbers", fe.Field)
	require.Equal(t, "maxItems", fe.Code)
	var tl *porting.TooLargeError
	require.ErrorAs(t, err, &tl)
	require.EqualValues(t, 10_000, tl.Limit)

	small := portingtest.New(t, func(o *porting.Options) { o.MaxNumbers = 3 })
	res, err := small.Service.CheckPortability(small.AsCustomer(), []string{svOther1, svOther2, svAlpha1})
	require.NoError(t, err)
	require.Len(t, res, 3)
	_, err = small.Service.CheckPortability(small.AsCustomer(), []string{svOther1, svOther2, svAlpha1, svAlpha2})
	require.Equal(t, "maxItems", svOnlyField(t, err).Code)

	_, err = f.Service.CheckPortability(t.Context(), []string{svOther1})
	require.ErrorIs(t, err, porting.ErrForbidden)
}

// TestServiceCheckPortabilityParallel checks a batch big enough to be
// spread over several workers gives the same answer on one CPU and two.
// It is not parallel with other tests: it changes GOMAXPROCS.
func TestServiceCheckPortabilityParallel(t *testing.T) {
	f := portingtest.New(t, svUSOnly)
	f.Carriers.Add("+1202555", "Metro")
	f.Carriers.Add("+12025551", "Metro East")

	// Numbers on an active request, on a completed one and in the inventory,
	// spread over the batch.
	active := f.Create(t, "+12025550017", "+12025551500", "+12025552999")
	done := f.Create(t, "+12025550018", "+12025552000")
	f.Complete(t, done.ID)
	require.NoError(t, f.Inventory.Activate(t.Context(), "other", []string{"+12025550019", "+12025552500"}))

	raws := make([]string, 3000)
	for i := range raws {
		switch {
		case i%97 == 5:
			raws[i] = fmt.Sprintf("bogus %d", i)
		case i%89 == 7:
			raws[i] = fmt.Sprintf("+44 20 7946 %04d", i)
		default:
			raws[i] = fmt.Sprintf("(202) 555-%04d", i)
		}
	}

	check := func(procs int) []porting.PortabilityResult {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		res, err := f.Service.CheckPortability(f.AsCustomer(), raws)
		require.NoError(t, err)
		return res
	}
	one := check(1)
	two := check(2)
	require.Equal(t, one, two)

	require.Len(t, one, len(raws))
	counts := map[porting.NonPortableReason]int{}
	for i, r := range one {
		require.Equal(t, raws[i], r.Number.Raw)
		counts[r.Reason]++
	}
	require.Equal(t, "Metro", one[17].CarrierName)
	require.Equal(t, "Metro East", one[1017].CarrierName)
	require.Equal(t, porting.ReasonAlreadyBeingPorted, one[1500].Reason)
	require.Equal(t, active.ID, one[2999].RequestID)
	require.Equal(t, porting.ReasonOwned, one[2000].Reason)
	require.Equal(t, porting.ReasonOwned, one[2500].Reason)
	require.Equal(t, 3, counts[porting.ReasonAlreadyBeingPorted])
	require.Equal(t, 4, counts[porting.ReasonOwned])
	require.Positive(t, counts[porting.ReasonInvalidNumber])
	require.Positive(t, counts[porting.ReasonNoCoverage])
	require.Positive(t, counts[""])
}
