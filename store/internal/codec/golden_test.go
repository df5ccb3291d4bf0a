package codec

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// goldenV1 is what testdata/request.v1.bin holds: the bytes were written
// once, by codec version 1, and are never written again. Every later
// version of the codec must decode them to this request and this legacy
// timeline (as the model of the day has it). The samples were written when
// a request held its comments and transitions inline: today they are the
// legacy timeline, which a store moves to the request's timeline, and the
// request counts the comments (2).
func goldenV1() (*porting.PortRequest, legacyTimeline) {
	at := func(h int) time.Time { return time.Date(2026, 3, 2, 14+h, 0, 0, 0, time.UTC) }
	rating := 5
	r := &porting.PortRequest{
		ID: "0123456789abcdef0123456789abcdef", AccountID: "customer", AccountPath: []string{"authority", "customer"},
		SupportKey: "pr_1a2b3c", Name: "Main lines", State: porting.StateScheduled,
		Numbers: []porting.PortNumber{
			{Number: porting.Number{Raw: "(202) 555-0100", E164: "+12025550100", Valid: true, Region: "US", Type: porting.NumberTypeFixedLineOrMobile, Coverage: porting.CoverageNANPGeneric},
				Carrier: "PACIFIC BELL", PortabilityStatus: porting.PortabilityConfirmed, SubRequestID: "sub-a", Details: json.RawMessage(`{"label":"front desk"}`)},
			{Number: porting.Number{Raw: "+44 20 7946 0018", E164: "+442079460018", Valid: true, Region: "GB", Type: porting.NumberTypeFixedLine, Coverage: porting.CoverageInternational},
				PortabilityStatus: porting.PortabilityPending, SubRequestID: "sub-b"},
		},
		Bill: porting.Bill{Name: "John Doe", StreetNumber: "116", StreetPreDir: "N", StreetAddress: "Natoma", StreetType: "St", StreetPostDir: "W",
			ExtendedAddress: "Suite 4", Locality: "San Francisco", Region: "CA", PostalCode: "94105", Country: "US",
			AccountNumber: "8675309", PIN: "1234", BTN: "+12025550100", Carrier: "PACIFIC BELL",
			Extra: map[string]json.RawMessage{"address": json.RawMessage(`"116 Natoma St"`)}},
		Carrier: "PACIFIC BELL", WinningCarrier: "portkit", ReferenceNumber: "PB-1234",
		TransferDate: at(48), SigneeName: "John Doe", SigningDate: at(1),
		Notifications: porting.Notifications{EmailSendTo: []string{"ops@example.com", "jane@example.com"}},
		Quote:         &porting.Quote{ActivationCharges: 3, PerNumber: 1.5, Numbers: 2},
		Sent:          true,
		Extra:         map[string]json.RawMessage{"ui_metadata": json.RawMessage(`{"origin":"monster"}`)},
		SubRequests: []porting.SubRequest{
			{ID: "sub-a", SupportKey: "sr_aaaaaa", State: porting.StateScheduled, Carrier: "PACIFIC BELL",
				FOCDateRequested: at(70), FOCDate: at(72), PersonOrCompanyName: "Acme Inc", AuthPersonName: "Jane Roe",
				BillingPhoneNumber: "+12025550100", StreetAddress: "1 Main St", ExtendedAddress: "Floor 2", Locality: "Washington",
				AdministrativeArea: "DC", PostalCode: "20001", CountryCode: "US", DefaultConnectionID: "conn-1",
				DefaultMessageProfileID: "msg-1", PortingOption: &porting.PortingOption{Type: porting.PortPartial,
					RemainingNumbersAction: porting.RemainingKeep, NewBillingPhoneNumber: "+12025550199", RemainingNumbers: []string{"+12025550199"}},
				PIN: "9876", AccountNumber: "ACC-1", Description: "front desk lines", TaxIdentifier: "TAX-1", BusinessIdentifier: "BIZ-1",
				Created: at(0), Updated: at(3)},
			// Version 1 kept the request's scheduled date (at(72)) apart; it is
			// the FOC date of the open sub request that had none.
			{ID: "sub-b", SupportKey: "sr_bbbbbb", State: porting.StateCancelPending, ResumeState: porting.StateScheduled,
				FOCDate: at(72), CustomerRating: &rating, CustomerRatingComment: "quick", Created: at(0), Updated: at(4)},
		},
		Attachments: []porting.Attachment{{ID: "att-1", Name: "bill.pdf", ContentType: "application/pdf", Length: 1234,
			DocumentType: porting.DocumentInvoice, Created: at(1), ContentID: "content-1"}},
		CommentCount: 2,
		Created:      at(0), Updated: at(4), Revision: 7,
	}
	legacy := legacyTimeline{
		comments: []porting.Comment{
			{ID: "cm-1", Body: "Please hurry", Author: "Customer User", AccountID: "customer", UserID: "u1", Created: at(2)},
			{ID: "cm-2", Body: "CSR mismatch", Author: "Authority User", AccountID: "authority", UserID: "u2", SubRequestID: "sub-a",
				Private: true, ActionRequired: true, Created: at(2)},
		},
		transitions: []porting.Transition{
			{At: at(1), From: porting.StateUnconfirmed, To: porting.StateSubmitted, Actor: porting.Actor{AccountID: "customer", UserID: "u1", Name: "Customer User"}},
			{At: at(3), SubRequestID: "sub-a", From: porting.StatePending, To: porting.StateScheduled, Reason: "FOC confirmed", Actor: porting.Actor{Name: "system", Admin: true}},
		},
	}
	return r, legacy
}

// goldenV1Entries is the golden legacy timeline as timeline entries, in
// the order a store migrates them: by time, transitions first at equal
// times, comments in their order.
func goldenV1Entries() []porting.TimelineEntry {
	_, l := goldenV1()
	return []porting.TimelineEntry{
		{At: l.transitions[0].At, Transition: &l.transitions[0]},
		{At: l.comments[0].Created, Comment: &l.comments[0]},
		{At: l.comments[1].Created, Comment: &l.comments[1]},
		{At: l.transitions[1].At, Transition: &l.transitions[1]},
	}
}

// TestDecodeGoldenV1 decodes the version 1 sample, forever: stored data
// stays readable whatever the codec becomes.
func TestDecodeGoldenV1(t *testing.T) {
	b, err := os.ReadFile("testdata/request.v1.bin")
	require.NoError(t, err)
	require.Equal(t, byte(1), b[0], "the sample is of codec version 1")
	requireGolden(t, b)
}

// TestDecodeGoldenV2 decodes the version 2 sample, forever. The bytes of
// testdata/request.v2.bin were written once, by codec version 2 encoding
// the golden request with its comments and transitions inline (fields 21
// and 22, retired since), and are never written again: whatever fields
// are added later, they must decode to this request and legacy timeline.
func TestDecodeGoldenV2(t *testing.T) {
	b, err := os.ReadFile("testdata/request.v2.bin")
	require.NoError(t, err)
	require.Equal(t, byte(2), b[0], "the sample is of codec version 2")
	fields := map[uint64]int{}
	for _, f := range splitFields(t, b[1:]) {
		fields[f.num]++
	}
	require.Equal(t, 2, fields[reqComments], "the sample holds its comments inline")
	require.Equal(t, 2, fields[reqTransitions], "the sample holds its transitions inline")
	require.Zero(t, fields[reqCommentCount], "the sample predates the comment count")
	requireGolden(t, b)
}

// requireGolden requires a golden sample to decode to goldenV1, its
// legacy timeline in order, and to encode now as the golden request does.
func requireGolden(t *testing.T, b []byte) {
	t.Helper()
	want, wantLegacy := goldenV1()
	got, err := decodeRequest(b)
	require.NoError(t, err)
	require.Equal(t, want, got)
	got, legacy, err := decodeDocument(b)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, wantLegacy, legacy)
	require.Equal(t, goldenV1Entries(), legacy.entries())
	require.Equal(t, encodeRequest(want), encodeRequest(got))
}

// TestGoldenEncodesWithoutInlineTimeline is the check of today's era: the
// golden request, encoded now, carries its comment count and no field 21
// or 22 (their numbers are retired), and round-trips with no legacy
// timeline.
func TestGoldenEncodesWithoutInlineTimeline(t *testing.T) {
	r, _ := goldenV1()
	b := encodeRequest(r)
	require.Equal(t, byte(codecVersion), b[0])
	var count []wireField
	for _, f := range splitFields(t, b[1:]) {
		require.NotEqual(t, uint64(reqComments), f.num, "retired field 21 (comments) written")
		require.NotEqual(t, uint64(reqTransitions), f.num, "retired field 22 (transitions) written")
		require.LessOrEqual(t, f.num, uint64(reqMaxField))
		if f.num == reqCommentCount {
			count = append(count, f)
		}
	}
	require.Equal(t, []wireField{{num: reqCommentCount, wt: wireVarint, val: []byte{2}}}, count)
	got, legacy, err := decodeDocument(b)
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.Equal(t, legacyTimeline{}, legacy)
	require.Empty(t, legacy.entries())
}

// NeedsMigration picks out exactly the documents a store must rewrite:
// the golden samples (version 1, and version 2 with the inline timeline),
// not what Encode writes now; DecodeDocument hands over their timeline.
func TestNeedsMigration(t *testing.T) {
	for _, name := range []string{"testdata/request.v1.bin", "testdata/request.v2.bin"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		require.True(t, NeedsMigration(b), name)
		r, entries, err := DecodeDocument(b)
		require.NoError(t, err)
		require.Equal(t, goldenV1Entries(), entries, name)
		require.False(t, NeedsMigration(Encode(r)), "%s, encoded again", name)
		_, entries, err = DecodeDocument(Encode(r))
		require.NoError(t, err)
		require.Empty(t, entries)
	}
	require.False(t, NeedsMigration(nil))
}
