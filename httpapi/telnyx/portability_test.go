package telnyx_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

func TestPortabilityCheck(t *testing.T) {
	e := telnyxtest.Setup(t)
	rec := e.Must(t, http.StatusOK, "POST", "/portability_checks", apitest.CustomerToken, telnyxtest.DocPortabilityCheckRequest)
	telnyxtest.RequireShape(t, telnyxtest.DocPortabilityCheckResponse, rec.Body.Bytes())
	out := telnyxtest.Decode[[]telnyxtest.Obj](t, rec)
	require.Len(t, out, 1, "an array holding one object")
	results := telnyxtest.List(out[0]["phone_numbers"].([]any))
	require.Len(t, results, 2)
	for i, want := range []string{"+13125354200", "+13125354500"} {
		r := results[i]
		require.Equal(t, want, r["raw_number"])
		require.Equal(t, want, r["e164_number"])
		require.Equal(t, true, r["portable"])
		require.Equal(t, "confirmed", r["portability_status"])
		require.Equal(t, "Carrier B", r["carrier_name"])
		require.Equal(t, "nanp_generic", r["coverage_category"])
		require.Contains(t, r, "non_portable_reason")
		require.Nil(t, r["non_portable_reason"], "null when portable")
	}
}

func TestPortabilityCheckReasons(t *testing.T) {
	e := telnyxtest.Setup(t)
	e.F.Create(t, "+12025550100") // on a request already
	require.NoError(t, e.F.Inventory.Activate(context.Background(), e.F.Customer.ID, []string{"+12025550101"}))
	raws := []string{"(202) 555-0100", "+12025550101", "not a number", "+18005550100", "+13055550100", "+442079460000"}
	rec := e.Must(t, http.StatusOK, "POST", "/portability_checks", apitest.CustomerToken, telnyxtest.Numbers(raws...))
	results := telnyxtest.List(telnyxtest.Decode[[]telnyxtest.Obj](t, rec)[0]["phone_numbers"].([]any))
	require.Len(t, results, len(raws))
	want := []struct {
		portable bool
		reason   any
		coverage string
	}{
		{false, "already_being_ported", "nanp_generic"},
		{false, "telnyx_number", "nanp_generic"},
		{false, "invalid_phone_number", "invalid"},
		{true, nil, "nanp_toll_free"},
		{true, nil, "nanp_generic"},
		{true, nil, "international"},
	}
	for i, w := range want {
		r := results[i]
		require.Equal(t, raws[i], r["raw_number"], "in input order")
		require.Equal(t, w.portable, r["portable"], raws[i])
		require.Equal(t, w.reason, r["non_portable_reason"], raws[i])
		require.Equal(t, w.coverage, r["coverage_category"], raws[i])
	}
	require.Equal(t, "+12025550100", results[0]["e164_number"])
	require.Nil(t, results[2]["e164_number"])
	require.Nil(t, results[4]["carrier_name"], "no carrier known")
	require.Equal(t, "pending", results[4]["portability_status"])
}

func TestPortabilityCheckLimits(t *testing.T) {
	e := telnyxtest.Setup(t)
	n := porting.DefaultMaxNumbers + 1
	raws := make([]string, n)
	for i := range raws {
		raws[i] = "+12025550100"
	}
	body := telnyxtest.RequireError(t, e.Do("POST", "/portability_checks", apitest.CustomerToken, telnyxtest.Numbers(raws...)), http.StatusUnprocessableEntity)
	require.Contains(t, body["message"], "10000")
	item := body["errors"].([]any)[0].(telnyxtest.Obj)
	require.Equal(t, "maxItems", item["code"])
	require.Equal(t, "/phone_numbers", item["source"].(telnyxtest.Obj)["pointer"])

	// The limit itself is fine (a small one, to keep the test quick).
	small := telnyxtest.SetupService(t, []portingtest.Option{func(o *porting.Options) { o.MaxNumbers = 50 }})
	small.Must(t, http.StatusOK, "POST", "/portability_checks", apitest.CustomerToken, telnyxtest.Numbers(raws[:50]...))
	body = telnyxtest.RequireError(t, small.Do("POST", "/portability_checks", apitest.CustomerToken, telnyxtest.Numbers(raws[:51]...)), http.StatusUnprocessableEntity)
	require.Contains(t, body["message"], "At most 50 phone numbers")

	telnyxtest.RequireError(t, e.Do("POST", "/portability_checks", apitest.CustomerToken, `{"phone_numbers": []}`), http.StatusUnprocessableEntity)
	telnyxtest.RequireError(t, e.Do("POST", "/portability_checks", apitest.CustomerToken, `{}`), http.StatusUnprocessableEntity)
	telnyxtest.RequireError(t, e.Do("POST", "/portability_checks", apitest.CustomerToken, ``), http.StatusBadRequest)
	telnyxtest.RequireError(t, e.Do("POST", "/portability_checks", apitest.CustomerToken, strings.Repeat(" ", 4<<20)), http.StatusRequestEntityTooLarge)
}
