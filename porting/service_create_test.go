package porting_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

var (
	svRequestKey = regexp.MustCompile(`^pr_[0-9a-f]{6}$`)
	svSubKey     = regexp.MustCompile(`^sr_[0-9a-f]{6}$`)
	svID         = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

func TestServiceCreateValidation(t *testing.T) {
	t.Parallel()
	numbers := func(raws ...string) []porting.NumberInput {
		out := make([]porting.NumberInput, len(raws))
		for i, r := range raws {
			out[i] = porting.NumberInput{Raw: r}
		}
		return out
	}
	tests := []struct {
		name  string
		in    porting.RequestInput
		field string
		code  string
		value string
		index int
	}{
		{name: "name missing", in: porting.RequestInput{Numbers: numbers(svOther1)},
			field: "name", code: "required", index: -1},
		{name: "name too long", in: porting.RequestInput{Name: strings.Repeat("é", porting.MaxNameLength+1), Numbers: numbers(svOther1)},
			field: "name", code: "maxLength", index: -1},
		{name: "no numbers", in: porting.RequestInput{Name: "x"},
			field: "numbers", code: "minProperties", index: -1},
		{name: "invalid number", in: porting.RequestInput{Name: "x", Numbers: numbers(svOther1, "555-CALL-NOW")},
			field: "numbers", code: "type", value: "555-CALL-NOW", index: 1},
		{name: "duplicate after normalisation", in: porting.RequestInput{Name: "x", Numbers: numbers("2025550100", "+1 202 555 0100")},
			field: "numbers", code: "unique", value: "+1 202 555 0100", index: 1},
		{name: "details not an object", in: porting.RequestInput{Name: "x", Numbers: []porting.NumberInput{
			{Raw: svOther1, Details: json.RawMessage(`["a"]`)}}},
			field: "numbers", code: "type", value: svOther1, index: 0},
		{name: "details not JSON", in: porting.RequestInput{Name: "x", Numbers: []porting.NumberInput{
			{Raw: svOther1, Details: json.RawMessage(`{"a":`)}}},
			field: "numbers", code: "type", value: svOther1, index: 0},
		{name: "invalid btn", in: porting.RequestInput{Name: "x", Numbers: numbers(svOther1), Bill: porting.Bill{BTN: "12345"}},
			field: "bill.btn", code: "format", value: "12345", index: -1},
		{name: "invalid email", in: porting.RequestInput{Name: "x", Numbers: numbers(svOther1),
			Notifications: porting.Notifications{EmailSendTo: []string{"ok@example.com", "not an email"}}},
			field: "notifications.email.send_to", code: "format", value: "not an email", index: -1},
		{name: "bill field too long", in: porting.RequestInput{Name: "x", Numbers: numbers(svOther1),
			Bill: porting.Bill{Locality: strings.Repeat("a", porting.MaxFieldLength+1)}},
			field: "bill.locality", code: "maxLength", index: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, tt.in)
			require.Nil(t, r)
			fe := svOnlyField(t, err)
			require.Equal(t, tt.field, fe.Field)
			require.Equal(t, tt.code, fe.Code)
			require.Equal(t, tt.value, fe.Value)
			require.Equal(t, tt.index, fe.Index)
			require.NotEmpty(t, fe.Message)

			page, err := f.Service.List(porting.AsSystem(t.Context()), porting.Query{})
			require.NoError(t, err)
			require.Empty(t, page.Requests, "nothing is stored")
		})
	}
}

func TestServiceCreateNameLengthLimitIsInclusive(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	name := strings.Repeat("é", porting.MaxNameLength) // runes, not bytes
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input(name, svOther1))
	require.NoError(t, err)
	require.Equal(t, name, r.Name)
}

func TestServiceCreateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	in := portingtest.Input("", svOther1, "bogus", "2025550300", "also bogus")
	in.Bill.BTN = "nope"
	in.Notifications.EmailSendTo = []string{"@"}
	_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	fields := svValidation(t, err)
	require.Len(t, fields, 6, "%v", err)

	require.Equal(t, "", svField(t, err, "name", "required").Value)
	require.Equal(t, "nope", svField(t, err, "bill.btn", "format").Value)
	require.Equal(t, "@", svField(t, err, "notifications.email.send_to", "format").Value)
	dup := svField(t, err, "numbers", "unique")
	require.Equal(t, "2025550300", dup.Value)
	require.Equal(t, 2, dup.Index)
	var invalid []porting.FieldError
	for _, fe := range fields {
		if fe.Field == "numbers" && fe.Code == "type" {
			invalid = append(invalid, fe)
		}
	}
	require.Len(t, invalid, 2)
	require.ElementsMatch(t, []string{"bogus", "also bogus"}, []string{invalid[0].Value, invalid[1].Value})
	require.ElementsMatch(t, []int{1, 3}, []int{invalid[0].Index, invalid[1].Index})
}

func TestServiceCreateMaxNumbers(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t, func(o *porting.Options) { o.MaxNumbers = 3 })

	_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID,
		portingtest.Input("too many", svAlpha1, svAlpha2, svAlpha3, svOther1))
	fe := svOnlyField(t, err)
	require.Equal(t, "numbers", fe.Field)
	require.Equal(t, "maxProperties", fe.Code)
	var tl *porting.TooLargeError
	require.ErrorAs(t, err, &tl)
	require.EqualValues(t, 3, tl.Limit)
	require.ErrorIs(t, err, porting.ErrTooLarge)

	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("at the limit", svAlpha1, svAlpha2, svAlpha3))
	require.NoError(t, err)
	require.Len(t, r.Numbers, 3)
}

func TestServiceCreateRequest(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svCarriers(f)
	in := porting.RequestInput{
		Name: "Acme move",
		Numbers: []porting.NumberInput{
			{Raw: "(202) 555-0300"},
			{Raw: "202.555.0200", Details: json.RawMessage(`{"e911": true}`)},
			{Raw: "+1 202 555 0101"},
			{Raw: "2025550100", Details: json.RawMessage(`{}`)},
		},
		Bill:          porting.Bill{Name: "Acme", BTN: "(202) 555-0100", PIN: "1234"},
		Notifications: porting.Notifications{EmailSendTo: []string{"ops@example.com"}},
	}
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	require.NoError(t, err)

	require.Regexp(t, svID, r.ID)
	require.Equal(t, porting.StateUnconfirmed, r.State)
	require.True(t, r.Draft())
	require.Regexp(t, svRequestKey, r.SupportKey)
	require.EqualValues(t, 1, r.Revision)
	require.Equal(t, f.Customer.ID, r.AccountID)
	require.Equal(t, []string{f.Authority.ID, f.Customer.ID}, r.AccountPath)
	require.Equal(t, portingtest.Epoch, r.Created)
	require.Equal(t, portingtest.Epoch, r.Updated)
	require.Equal(t, "Acme move", r.Name)
	require.Equal(t, "+12025550100", r.Bill.BTN, "the BTN is stored in E.164")
	require.Equal(t, "1234", r.Bill.PIN)
	require.Empty(t, svTransitions(t, f, r.ID))

	// Numbers: sorted by E.164, raw input kept, details kept ("{}" is none).
	require.Equal(t, []string{"+12025550100", "+12025550101", "+12025550200", "+12025550300"}, r.E164s())
	raws := map[string]string{}
	for _, n := range r.Numbers {
		raws[n.E164] = n.Raw
		require.True(t, n.Valid)
	}
	require.Equal(t, map[string]string{
		"+12025550100": "2025550100", "+12025550101": "+1 202 555 0101",
		"+12025550200": "202.555.0200", "+12025550300": "(202) 555-0300",
	}, raws)
	n, ok := r.Number("+12025550200")
	require.True(t, ok)
	require.JSONEq(t, `{"e911": true}`, string(n.Details))
	n, ok = r.Number("+12025550100")
	require.True(t, ok)
	require.Empty(t, n.Details)

	// Sub requests: one per losing carrier, numbers of no known carrier in
	// a group of their own.
	require.Len(t, r.SubRequests, 3)
	keys := map[string]bool{}
	for _, sr := range r.SubRequests {
		require.Regexp(t, svID, sr.ID)
		require.Regexp(t, svSubKey, sr.SupportKey)
		require.False(t, keys[sr.SupportKey], "support keys are unique")
		keys[sr.SupportKey] = true
		require.Equal(t, porting.StateUnconfirmed, sr.State)
	}
	groups := map[string][]string{}
	for _, n := range r.Numbers {
		sr := r.SubRequest(n.SubRequestID)
		require.NotNil(t, sr, "number %s has a sub request", n.E164)
		require.Equal(t, n.Carrier, sr.Carrier)
		groups[sr.Carrier] = append(groups[sr.Carrier], n.E164)
	}
	require.Equal(t, map[string][]string{
		"Alpha": {"+12025550100", "+12025550101"},
		"Beta":  {"+12025550200"},
		"":      {"+12025550300"},
	}, groups)
	alpha, _ := r.Number("+12025550100")
	require.Equal(t, porting.PortabilityConfirmed, alpha.PortabilityStatus)
	other, _ := r.Number("+12025550300")
	require.Equal(t, porting.PortabilityPending, other.PortabilityStatus)

	// What Create returned is what is stored.
	got := svGet(t, f, r.ID)
	require.Equal(t, r, got)
}

func TestServiceCreateAccess(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	sys := porting.AsSystem(t.Context())
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "stranger", Name: "Another tree"}))

	// The customer cannot create for its parent, nor for another tree.
	_, err := f.Service.Create(f.AsCustomer(), f.Authority.ID, portingtest.Input("x", svOther1))
	require.ErrorIs(t, err, porting.ErrForbidden)
	_, err = f.Service.Create(f.AsCustomer(), "stranger", portingtest.Input("x", svOther1))
	require.ErrorIs(t, err, porting.ErrForbidden)
	// Nobody can create for an account that does not exist.
	_, err = f.Service.Create(f.AsCustomer(), "nobody", portingtest.Input("x", svOther1))
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = f.Service.Create(sys, "nobody", portingtest.Input("x", svOther1))
	require.ErrorIs(t, err, porting.ErrNotFound)

	// The authority reaches its sub-account; the system reaches any.
	r, err := f.Service.Create(f.AsAuthority(), f.Customer.ID, portingtest.Input("x", svOther1))
	require.NoError(t, err)
	require.Equal(t, f.Customer.ID, r.AccountID)
	r, err = f.Service.Create(sys, "stranger", portingtest.Input("x", svOther2))
	require.NoError(t, err)
	require.Equal(t, []string{"stranger"}, r.AccountPath)
}

func TestServiceCreateDraftIsNamedAfterItsNumbers(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r, err := f.Service.CreateDraft(f.AsCustomer(), f.Customer.ID, []string{"2025550300", svOther2})
	require.NoError(t, err)
	require.Equal(t, "Port of +12025550300 and 1 more", r.Name)
	require.Equal(t, porting.StateUnconfirmed, r.State)
}

// svNumberField asserts err is a ValidationError with one field, on
// numbers, carrying a domain error, and returns it.
func svNumberField(t *testing.T, err error) porting.FieldError {
	t.Helper()
	fe := svOnlyField(t, err)
	require.Equal(t, "numbers", fe.Field)
	require.Error(t, fe.Err)
	return fe
}

func TestServiceDuplicateNumberOnActiveRequest(t *testing.T) {
	t.Parallel()
	for _, st := range []porting.State{porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending,
		porting.StateScheduled, porting.StateRejected} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			first := svReach(t, f, st, svOther1)

			_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("second", svOther2, "(202) 555-0300"))
			fe := svNumberField(t, err)
			require.Equal(t, "(202) 555-0300", fe.Value, "keyed by the number as sent")
			require.ErrorIs(t, err, porting.ErrNumberOnRequest)
			var nore *porting.NumberOnRequestError
			require.ErrorAs(t, err, &nore, "errors.As reaches the field's error through the ValidationError")
			require.Equal(t, first.ID, nore.RequestID)
			require.Equal(t, svOther1, nore.Number.E164)
			require.Equal(t, "(202) 555-0300", nore.Number.Raw)
			require.Contains(t, nore.Error(), first.ID, "the error names the holding request")
			require.Same(t, nore, fe.Err)

			// Nothing was created: the other number is still free.
			svRequireFree(t, f, svOther2)
		})
	}
}

func TestServiceDuplicateNumberOnCompletedRequest(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	done := f.Create(t, svOther1)
	f.Complete(t, done.ID)

	for _, as := range []string{"customer", "authority"} {
		ctx := f.AsCustomer()
		if as == "authority" {
			ctx = f.AsAuthority()
		}
		_, err := f.Service.Create(ctx, f.Customer.ID, portingtest.Input("again", "202-555-0300"))
		fe := svNumberField(t, err)
		require.Equal(t, "202-555-0300", fe.Value)
		require.Equal(t, "type", fe.Code)
		require.ErrorIs(t, err, porting.ErrNumberOwned)
		var owned *porting.NumberOwnedError
		require.ErrorAs(t, err, &owned)
		require.Equal(t, svOther1, owned.Number.E164)
		require.False(t, errors.Is(err, porting.ErrNumberOnRequest))
	}
}

func TestServiceDuplicateNumberInInventory(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	require.NoError(t, f.Inventory.Activate(t.Context(), "someone", []string{svOther1}))

	_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("x", svOther2, "2025550300"))
	fe := svNumberField(t, err)
	require.Equal(t, "2025550300", fe.Value)
	require.Equal(t, 1, fe.Index)
	var owned *porting.NumberOwnedError
	require.ErrorAs(t, err, &owned)
	require.Equal(t, "someone", owned.AccountID)
	require.Contains(t, owned.Error(), svOther1, "the error names the number")
}

func TestServiceCanceledRequestReleasesItsNumbers(t *testing.T) {
	t.Parallel()
	for _, st := range []porting.State{porting.StateUnconfirmed, porting.StatePending} {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := svReach(t, f, st, svOther1)
			_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("x", svOther1))
			require.ErrorIs(t, err, porting.ErrNumberOnRequest)

			f.Move(t, r.ID, porting.StateCanceled)
			again, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("x", svOther1))
			require.NoError(t, err)
			require.NotEqual(t, r.ID, again.ID)
		})
	}
}

func TestServiceUpdateRefusesClaimedNumbers(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	holder := f.Create(t, svOther1)
	done := f.Create(t, svAlpha1)
	f.Complete(t, done.ID)
	r := f.Create(t, svOther2)

	in := r.Input()
	in.Numbers = append(in.Numbers, porting.NumberInput{Raw: "(202) 555-0300"})
	_, err := f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	fe := svNumberField(t, err)
	require.Equal(t, "(202) 555-0300", fe.Value)
	var nore *porting.NumberOnRequestError
	require.ErrorAs(t, err, &nore)
	require.Equal(t, holder.ID, nore.RequestID)

	in = r.Input()
	in.Numbers = append(in.Numbers, porting.NumberInput{Raw: "202 555 0100"})
	_, err = f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	fe = svNumberField(t, err)
	require.Equal(t, "202 555 0100", fe.Value)
	require.ErrorIs(t, err, porting.ErrNumberOwned)

	got := svGet(t, f, r.ID)
	require.Equal(t, []string{svOther2}, got.E164s())
	require.EqualValues(t, 1, got.Revision)
}

func TestServiceCreateBlankNameIsMissing(t *testing.T) {
	f := portingtest.New(t)
	_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input(" \t ", "+12025550100"))
	var ve *porting.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "name", ve.Fields[0].Field)
	require.Equal(t, "required", ve.Fields[0].Code)
}

// The same bad input gets the same list of problems, in the documented
// order, however often it is sent (the field checks once ranged over maps).
func TestServiceCreateFieldErrorsComeInOneOrder(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	long := strings.Repeat("x", porting.MaxFieldLength+1)
	in := porting.RequestInput{
		Name: " ", Carrier: long, WinningCarrier: long, ReferenceNumber: long, SigneeName: long,
		Bill: porting.Bill{Name: long, StreetNumber: long, StreetPreDir: long, StreetAddress: long, StreetType: long,
			StreetPostDir: long, ExtendedAddress: long, Locality: long, Region: long, PostalCode: long, Country: long,
			AccountNumber: long, PIN: long, BTN: "12", Carrier: long},
		Notifications: porting.Notifications{EmailSendTo: []string{"not an address", "nor this"}},
		TransferDate:  time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), ScheduledDate: time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC),
		SigningDate: time.Date(1902, 1, 1, 0, 0, 0, 0, time.UTC),
		Numbers:     []porting.NumberInput{{Raw: "nope"}, {Raw: "+12025550100"}, {Raw: "(202) 555-0100"}, {Raw: "12"}},
	}
	fields := func() []string {
		_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
		var out []string
		for _, fe := range svValidation(t, err) {
			out = append(out, fe.Field+"="+fe.Value)
		}
		return out
	}
	want := []string{"name=", "carrier=", "winning_carrier=", "reference_number=", "signee_name=",
		"bill.name=", "bill.street_number=", "bill.street_pre_dir=", "bill.street_address=", "bill.street_type=",
		"bill.street_post_dir=", "bill.extended_address=", "bill.locality=", "bill.region=", "bill.postal_code=",
		"bill.country=", "bill.account_number=", "bill.pin=", "bill.carrier=", "bill.btn=12",
		"notifications.email.send_to=not an address", "notifications.email.send_to=nor this",
		"transfer_date=1900-01-01 00:00:00 +0000 UTC", "scheduled_date=1901-01-01 00:00:00 +0000 UTC",
		"signing_date=1902-01-01 00:00:00 +0000 UTC",
		"numbers=nope", "numbers=(202) 555-0100", "numbers=12"}
	for range 50 {
		require.Equal(t, want, fields())
	}
}
