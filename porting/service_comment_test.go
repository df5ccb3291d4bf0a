package porting_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

func TestServiceAddComment(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	sub := r.SubRequests[0].ID
	f.Clock.Advance(time.Minute)

	c, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{
		Body: "  \n Please port on a Friday.\t ", SubRequestID: sub, ActionRequired: true,
	})
	require.NoError(t, err)
	require.Regexp(t, svID, c.ID)
	require.Equal(t, porting.Comment{
		ID: c.ID, Body: "Please port on a Friday.", Author: "Customer User", AccountID: f.Customer.ID,
		UserID: "customer-user", SubRequestID: sub, ActionRequired: true, Created: portingtest.Epoch.Add(time.Minute),
	}, c)

	got := svGet(t, f, r.ID)
	require.Equal(t, []porting.Comment{c}, svComments(t, f, f.AsCustomer(), r.ID))
	require.Equal(t, 1, got.CommentCount)
	require.Equal(t, r.Revision+1, got.Revision)
	require.Equal(t, portingtest.Epoch.Add(time.Minute), got.Updated)
}

func TestServiceAddCommentValidation(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	tests := []struct {
		name  string
		in    porting.CommentInput
		field string
		code  string
	}{
		{"empty", porting.CommentInput{}, "body", "required"},
		{"blank", porting.CommentInput{Body: " \n\t "}, "body", "required"},
		{"too long", porting.CommentInput{Body: strings.Repeat("é", porting.MaxCommentLength+1)}, "body", "maxLength"},
		{"foreign sub request", porting.CommentInput{Body: "x", SubRequestID: "not-mine"}, "sub_request_id", "format"},
	}
	for _, tt := range tests {
		_, err := addComment(f.Service, f.AsCustomer(), r.ID, tt.in)
		fe := svOnlyField(t, err)
		require.Equal(t, tt.field, fe.Field, tt.name)
		require.Equal(t, tt.code, fe.Code, tt.name)
	}
	// Another request's sub request does not belong either.
	other := f.Create(t, svOther2)
	_, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "x", SubRequestID: other.SubRequests[0].ID})
	require.Equal(t, "sub_request_id", svOnlyField(t, err).Field)
	require.Equal(t, r, svGet(t, f, r.ID))

	// The limit itself is fine (characters, not bytes), once trimmed.
	c, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: " " + strings.Repeat("é", porting.MaxCommentLength) + " "})
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("é", porting.MaxCommentLength), c.Body)
}

func TestServiceCommentsInEveryState(t *testing.T) {
	t.Parallel()
	for _, st := range svSubStatesAll {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := svReachSub(t, f, st)
			_, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "hello"})
			require.NoError(t, err)
			_, err = addComment(f.Service, f.AsAuthority(), r.ID, porting.CommentInput{Body: "internal", Private: true})
			require.NoError(t, err)
			got := svGet(t, f, r.ID)
			require.Len(t, svComments(t, f, f.AsAuthority(), r.ID), 2)
			require.Equal(t, 2, got.CommentCount)
			require.Equal(t, r.State, got.State, "a comment does not move the request")
		})
	}
}

func TestServicePrivateComments(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)

	_, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "secret", Private: true})
	fe := svOnlyField(t, err)
	require.Equal(t, "is_private", fe.Field)
	require.Equal(t, "forbidden", fe.Code)

	public, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "public"})
	require.NoError(t, err)
	private, err := addComment(f.Service, f.AsAuthority(), r.ID, porting.CommentInput{Body: "CSR name differs", Private: true})
	require.NoError(t, err)
	require.True(t, private.Private)
	system, err := addComment(f.Service, porting.AsSystem(t.Context()), r.ID, porting.CommentInput{Body: "by the system", Private: true})
	require.NoError(t, err)
	require.Equal(t, "system", system.Author)

	// The authority sees everything; the customer only the public one.
	require.Equal(t, []porting.Comment{public, private, system}, svComments(t, f, f.AsAuthority(), r.ID))
	require.Equal(t, []porting.Comment{public}, svComments(t, f, f.AsCustomer(), r.ID))
	tl := svTimeline(t, f, f.AsCustomer(), r.ID, porting.TimelineAll)
	require.Len(t, tl, 1)
	require.Equal(t, public, *tl[0].Comment)
	// A customer cannot ask for the private ones either.
	page, err := f.Service.Timeline(f.AsCustomer(), r.ID, porting.TimelineQuery{Public: false, WithTotal: true})
	require.NoError(t, err)
	require.Equal(t, 1, page.Total)
	// The request itself carries only the count, for everyone.
	got, err := f.Service.Get(f.AsCustomer(), r.ID)
	require.NoError(t, err)
	require.Equal(t, 3, got.CommentCount)
}

func TestServiceTimeline(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	step := func() { f.Clock.Advance(time.Minute) }

	step()
	c1, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "first"})
	require.NoError(t, err)
	step()
	f.Move(t, r.ID, porting.StateSubmitted)
	// A comment at the same time as the next transition, written before it.
	step()
	c2, err := addComment(f.Service, f.AsAuthority(), r.ID, porting.CommentInput{Body: "same minute", Private: true})
	require.NoError(t, err)
	f.Move(t, r.ID, porting.StatePending)
	step()
	c3, err := addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "last"})
	require.NoError(t, err)

	tl := svTimeline(t, f, f.AsAuthority(), r.ID, porting.TimelineAll)
	type line struct {
		at   time.Time
		what string
	}
	var got []line
	for _, e := range tl {
		switch {
		case e.Transition != nil:
			require.Nil(t, e.Comment)
			require.Equal(t, e.Transition.At, e.At)
			got = append(got, line{e.At, string(e.Transition.From) + "->" + string(e.Transition.To)})
		default:
			require.Equal(t, e.Comment.Created, e.At)
			got = append(got, line{e.At, e.Comment.Body})
		}
	}
	at := func(m int) time.Time { return portingtest.Epoch.Add(time.Duration(m) * time.Minute) }
	require.Equal(t, []line{
		{at(1), c1.Body},
		{at(2), "unconfirmed->submitted"},
		{at(3), c2.Body}, // in the order written, at equal times too
		{at(3), "submitted->pending"},
		{at(4), c3.Body},
	}, got)

	require.Len(t, svTimeline(t, f, f.AsCustomer(), r.ID, porting.TimelineAll), 4, "the private comment is left out")
}

func TestServiceCommentsOfUnreachableRequest(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	stranger := svStranger(t, f)
	r := f.Create(t, svOther1)

	_, err := addComment(f.Service, stranger, r.ID, porting.CommentInput{Body: "hi"})
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = f.Service.Timeline(stranger, r.ID, porting.TimelineQuery{})
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = addComment(f.Service, f.AsCustomer(), "0123", porting.CommentInput{Body: "hi"})
	require.ErrorIs(t, err, porting.ErrNotFound)
	require.Empty(t, svComments(t, f, f.AsAuthority(), r.ID))
}

// Several comments are added in one write: all, or none when one is
// refused; a stale revision refuses them all.
func TestServiceAddCommentsIsAtomic(t *testing.T) {
	f := portingtest.New(t)
	r := f.Create(t, "+12025550100")
	_, _, err := f.Service.AddComments(f.AsCustomer(), r.ID, 0, []porting.CommentInput{
		{Body: "fine"}, {Body: "secret", Private: true},
	})
	var ve *porting.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "is_private", ve.Fields[0].Field)
	require.Equal(t, 1, ve.Fields[0].Index, "the second comment is at fault")
	require.Empty(t, svComments(t, f, f.AsCustomer(), r.ID), "nothing was added")

	_, _, err = f.Service.AddComments(f.AsCustomer(), r.ID, r.Revision+1, []porting.CommentInput{{Body: "late"}})
	require.ErrorIs(t, err, porting.ErrConflict)

	added, after, err := f.Service.AddComments(f.AsCustomer(), r.ID, r.Revision, []porting.CommentInput{{Body: "one"}, {Body: "two"}})
	require.NoError(t, err)
	require.Len(t, added, 2)
	require.Equal(t, r.Revision+1, after.Revision, "one write")
	cs := svComments(t, f, f.AsCustomer(), r.ID)
	require.Equal(t, []string{"one", "two"}, []string{cs[0].Body, cs[1].Body})
	require.Equal(t, 2, after.CommentCount)
}

// A request holds at most MaxComments comments, and at most
// MaxAttachments attachments: more is a validation error naming the field,
// which changes nothing.
func TestServiceCommentAndAttachmentCaps(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t, func(o *porting.Options) { o.MaxComments, o.MaxAttachments = 5, 3 })
	r := f.Create(t, svOther1)
	_, _, err := f.Service.AddComments(f.AsCustomer(), r.ID, 0, []porting.CommentInput{{Body: "1"}, {Body: "2"}, {Body: "3"}, {Body: "4"}})
	require.NoError(t, err)
	_, _, err = f.Service.AddComments(f.AsCustomer(), r.ID, 0, []porting.CommentInput{{Body: "5"}, {Body: "6"}})
	fe := svOnlyField(t, err)
	require.Equal(t, "comments", fe.Field)
	require.Equal(t, "maxItems", fe.Code)
	require.EqualValues(t, 5, fe.Limit)
	require.ErrorIs(t, err, porting.ErrTooLarge)
	require.Len(t, svComments(t, f, f.AsCustomer(), r.ID), 4, "neither was added")
	_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "5"})
	require.NoError(t, err, "up to the cap")

	for i := range 3 {
		_, _, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{Name: fmt.Sprint("a", i), ContentType: "application/pdf", Body: svBody("x"), Mode: porting.AttachNew})
		require.NoError(t, err)
	}
	_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{Name: "a3", ContentType: "application/pdf", Body: svBody("x"), Mode: porting.AttachNew})
	fe = svOnlyField(t, err)
	require.Equal(t, "attachments", fe.Field)
	require.Equal(t, "maxItems", fe.Code)
	_, _, err = f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{Name: "a0.pdf", ContentType: "application/pdf", Body: svBody("y")})
	require.NoError(t, err, "replacing one is no more")
}

// A client's author and time are kept; what it leaves out is filled in;
// a time from before the request or from the future is not kept (the
// comment is dated now), nor is a name longer than a request's.
func TestServiceCommentAuthorAndTime(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	f.Clock.Advance(time.Hour)
	r := f.Create(t, svOther1) // created at Epoch+1h
	f.Clock.Advance(time.Hour)
	now := portingtest.Epoch.Add(2 * time.Hour)
	tests := []struct {
		name        string
		in          porting.CommentInput
		author      string
		created     time.Time
		wantCreated time.Time
	}{
		{"neither given", porting.CommentInput{}, "Customer User", time.Time{}, now},
		{"both given", porting.CommentInput{Author: "  Jane Doe "}, "Jane Doe", now.Add(-30 * time.Minute), now.Add(-30 * time.Minute)},
		{"the request's own time", porting.CommentInput{}, "Customer User", r.Created, r.Created},
		{"a little ahead of the clock", porting.CommentInput{}, "Customer User", now.Add(porting.CommentClockSkew), now.Add(porting.CommentClockSkew)},
		{"in another zone", porting.CommentInput{}, "Customer User", now.Add(-time.Minute).In(time.FixedZone("X", 3600)), now.Add(-time.Minute)},
		{"far in the future", porting.CommentInput{}, "Customer User", now.Add(porting.CommentClockSkew + time.Second), now},
		{"before the request", porting.CommentInput{}, "Customer User", r.Created.Add(-time.Second), now},
		{"year one", porting.CommentInput{}, "Customer User", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), now},
	}
	for _, tt := range tests {
		in := tt.in
		in.Body, in.Created = "hello", tt.created
		c, err := addComment(f.Service, f.AsCustomer(), r.ID, in)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.author, c.Author, tt.name)
		require.Equal(t, tt.wantCreated.UTC(), c.Created, tt.name)
		require.Equal(t, time.UTC, c.Created.Location(), tt.name)
	}
	// The timeline keeps the order comments were written in, whatever
	// their own times.
	page, err := f.Service.Timeline(f.AsCustomer(), r.ID, porting.TimelineQuery{Kind: porting.TimelineComments})
	require.NoError(t, err)
	require.Len(t, page.Entries, len(tests))
	for i, e := range page.Entries {
		require.Equal(t, now, e.At, tests[i].name)
	}

	_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "x", Author: strings.Repeat("é", porting.MaxNameLength+1)})
	fe := svOnlyField(t, err)
	require.Equal(t, "author", fe.Field)
	require.Equal(t, "maxLength", fe.Code)
	require.EqualValues(t, porting.MaxNameLength, fe.Limit)
	_, err = addComment(f.Service, f.AsCustomer(), r.ID, porting.CommentInput{Body: "x", Author: strings.Repeat("é", porting.MaxNameLength)})
	require.NoError(t, err, "the limit itself is fine")
}
