package storetest

import (
	"encoding/json"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func requestCases() []testCase {
	return []testCase{
		{"CreateSetsRevision", testCreateSetsRevision},
		{"RoundTrip", testRequestRoundTrip},
		{"CopyOnWrite", testRequestCopyOnWrite},
		{"CopyOnRead", testRequestCopyOnRead},
		{"DuplicateID", testCreateDuplicateID},
		{"Missing", testRequestMissing},
	}
}

// fullRequest builds a request with every kind of field set, two sub
// requests and an attachment whose bytes go in the returned Write.
func (h *harness) fullRequest(id string, path []string) (*porting.PortRequest, porting.Write) {
	nums := h.newNumbers(3)
	r := h.newRequest(id, path, porting.StateSubmitted, nums[:2]...)
	sr2 := h.addSubRequest(r, porting.StateCancelPending, nums[2])
	sr2.Carrier = "Verizon"
	sr2.PortingOption = &porting.PortingOption{
		Type: porting.PortPartial, RemainingNumbersAction: porting.RemainingKeep,
		NewBillingPhoneNumber: "+12025550000", RemainingNumbers: []string{"+12025550001", "+12025550002"},
	}
	rating := 4
	sr2.CustomerRating = &rating
	sr2.PIN = "1234"
	sr2.FOCDate = at(100).Add(123456789 * time.Nanosecond)

	r.Carrier = "AT&T"
	r.WinningCarrier = "portkit"
	r.ReferenceNumber = "REF-42"
	r.TransferDate = at(50)
	r.SigneeName = "Ada Lovelace"
	r.SigningDate = at(40).Add(987654321 * time.Nanosecond)
	r.Bill = porting.Bill{
		Name: "Ada Lovelace", StreetNumber: "1", StreetAddress: "Main", StreetType: "St",
		Locality: "Washington", Region: "DC", PostalCode: "20001", Country: "US", PIN: "9999",
		Extra: map[string]json.RawMessage{"address": json.RawMessage(`"1 Main St"`)},
	}
	r.Notifications.EmailSendTo = []string{"ada@example.com", "ops@example.com"}
	r.Quote = &porting.Quote{ActivationCharges: 12.5, PerNumber: 2.5, Numbers: 3}
	r.Sent = true
	r.Extra = map[string]json.RawMessage{"custom": json.RawMessage(`{"a":[1,2,3]}`)}
	r.Numbers[0].Details = json.RawMessage(`{"label":"main"}`)
	r.Numbers[0].Region = "US"
	r.Numbers[0].Type = porting.NumberTypeMobile
	r.Numbers[0].Carrier = "AT&T Mobility"
	r.Numbers[0].PortabilityStatus = porting.PortabilityConfirmed
	cid := h.newContentID()
	r.Attachments = []porting.Attachment{{
		ID: "att-1", Name: "loa.pdf", ContentType: "application/pdf", Length: 5,
		DocumentType: porting.DocumentLOA, Created: at(30), ContentID: cid,
	}}
	r.CommentCount = 7
	r.State = porting.DeriveState(r.SubRequests)
	return r, porting.Write{Content: map[string][]byte{cid: []byte("%PDF-")}}
}

func testCreateSetsRevision(h *harness) {
	r := h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber())
	h.create(r)
	require.EqualValues(h, 1, r.Revision, "CreateRequest sets r.Revision")
	require.EqualValues(h, 1, h.get(r.ID).Revision)

	r2 := h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber())
	r2.Revision = 42
	h.create(r2)
	require.EqualValues(h, 1, r2.Revision, "CreateRequest sets r.Revision to 1 whatever it was")
	require.EqualValues(h, 1, h.get(r2.ID).Revision)
}

func testRequestRoundTrip(h *harness) {
	r, w := h.fullRequest(h.newID(), []string{"acct-root", "acct-mid", "acct-leaf"})
	require.Equal(h, porting.StateSubmitted, r.State)
	want := r.Clone()
	h.create(r, w)
	want.Revision = 1
	require.Equal(h, want, r)
	require.Equal(h, want, h.get(r.ID))

	// An empty request (no numbers, no sub requests) round-trips too.
	e := &porting.PortRequest{ID: h.newID(), AccountID: "acct-1", AccountPath: []string{"acct-1"},
		SupportKey: h.newKey("pr_"), State: porting.StateUnconfirmed, Created: h.tick()}
	e.Updated = e.Created
	wantE := e.Clone()
	h.create(e)
	wantE.Revision = 1
	require.Equal(h, wantE, h.get(e.ID))
}

// mutate changes every reference field of r in place.
func mutate(r *porting.PortRequest) {
	r.Name = "mutated"
	r.AccountPath[0] = "mutated"
	r.Numbers[0].E164 = "+19999999999"
	r.Numbers[0].Details[0] = 'X'
	r.Bill.Extra["address"][0] = 'X'
	r.Extra["custom"][0] = 'X'
	r.Notifications.EmailSendTo[0] = "mutated"
	r.Quote.ActivationCharges = 1e6
	r.SubRequests[0].State = porting.StateCanceled
	r.SubRequests[1].PortingOption.RemainingNumbers[0] = "mutated"
	*r.SubRequests[1].CustomerRating = 1
	r.Attachments[0].ContentID = "mutated"
	r.CommentCount = 1e6
}

func testRequestCopyOnWrite(h *harness) {
	r, w := h.fullRequest(h.newID(), []string{"acct-1"})
	h.create(r, w)
	want := r.Clone()
	mutate(r)
	require.Equal(h, want, h.get(want.ID), "the store kept a reference to the request passed to CreateRequest")

	r = want.Clone()
	r.Name = "renamed"
	h.update(r)
	want = r.Clone()
	mutate(r)
	require.Equal(h, want, h.get(want.ID), "the store kept a reference to the request passed to UpdateRequest")
}

func testRequestCopyOnRead(h *harness) {
	r, w := h.fullRequest(h.newID(), []string{"acct-1"})
	h.create(r, w)
	want := r.Clone()

	mutate(h.get(r.ID))
	require.Equal(h, want, h.get(r.ID), "mutating a request returned by Request changed the store")

	p := h.find(porting.Query{})
	require.Len(h, p.Requests, 1)
	mutate(p.Requests[0])
	require.Equal(h, want, h.get(r.ID), "mutating a request returned by FindRequests changed the store")
	require.Equal(h, want, h.find(porting.Query{}).Requests[0])
}

func testCreateDuplicateID(h *harness) {
	n := h.newNumber()
	r := h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, n)
	h.create(r, events(h.newEvent(r, porting.EventCreated)))
	want := h.get(r.ID)

	// Same ID, different everything else: nothing of it is stored.
	other := h.newNumber()
	dup := h.newRequest(r.ID, []string{"acct-2"}, porting.StateUnconfirmed, other)
	before := h.snapshot(n, other)
	err := h.s.CreateRequest(h.ctx, dup, events(h.newEvent(dup, porting.EventCreated)))
	require.ErrorIs(h, err, porting.ErrConflict)
	h.requireUnchanged(before, n, other)
	require.Equal(h, want, h.get(r.ID))
	require.Empty(h, h.claims(other))
	require.Empty(h, h.findIDs(porting.Query{SupportKey: dup.SupportKey}))
}

func testRequestMissing(h *harness) {
	_, err := h.s.Request(h.ctx, "req-missing")
	require.ErrorIs(h, err, porting.ErrNotFound)

	r := h.create(h.newRequest("req-0001", []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber()))
	for _, id := range []string{"req-000", "req-00010", "req-0002", ""} {
		_, err := h.s.Request(h.ctx, id)
		require.ErrorIs(h, err, porting.ErrNotFound, "Request(%q)", id)
	}
	h.get(r.ID)
}
