package porting_test

import (
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

func TestServiceUpdateRevision(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	require.EqualValues(t, 1, r.Revision)

	in := r.Input()
	in.Name = "renamed"
	f.Clock.Advance(time.Minute)
	r2, err := f.Service.Update(f.AsCustomer(), r.ID, 1, in)
	require.NoError(t, err)
	require.EqualValues(t, 2, r2.Revision)
	require.Equal(t, "renamed", r2.Name)
	require.Equal(t, portingtest.Epoch.Add(time.Minute), r2.Updated)
	require.Equal(t, portingtest.Epoch, r2.Created)

	// A write based on revision 1 is stale now.
	in.Name = "stale"
	_, err = f.Service.Update(f.AsCustomer(), r.ID, 1, in)
	require.ErrorIs(t, err, porting.ErrConflict)
	got := svGet(t, f, r.ID)
	require.Equal(t, "renamed", got.Name)
	require.EqualValues(t, 2, got.Revision)

	// Revision 0 means "the current one".
	in.Name = "latest"
	r3, err := f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	require.NoError(t, err)
	require.EqualValues(t, 3, r3.Revision)
	require.Equal(t, "latest", r3.Name)
	require.Equal(t, r3, svGet(t, f, r.ID))
}

func TestServiceUpdateReplacesFields(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	in := portingtest.Input("new name", "202 555 0301")
	in.Bill = porting.Bill{Name: "Acme", BTN: "2025550301", Locality: "Washington"}
	in.ReferenceNumber = "ref-1"
	in.SigneeName = "Jane Doe"
	r, err := f.Service.Update(f.AsCustomer(), r.ID, r.Revision, in)
	require.NoError(t, err)
	require.Equal(t, "new name", r.Name)
	require.Equal(t, []string{svOther2}, r.E164s())
	require.Equal(t, "202 555 0301", r.Numbers[0].Raw)
	require.Equal(t, porting.Bill{Name: "Acme", BTN: svOther2, Locality: "Washington"}, r.Bill)
	require.Equal(t, "ref-1", r.ReferenceNumber)
	require.Equal(t, "Jane Doe", r.SigneeName)

	// The old number is free again.
	svRequireFree(t, f, svOther1)
}

func TestServiceUpdateValidates(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	in := r.Input()
	in.Name = ""
	in.Numbers = nil
	_, err := f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	fields := svValidation(t, err)
	require.Len(t, fields, 2)
	svField(t, err, "name", "required")
	svField(t, err, "numbers", "minProperties")
	require.Equal(t, r, svGet(t, f, r.ID))
}

func TestServiceUpdateOnlyWhileEditable(t *testing.T) {
	t.Parallel()
	editable := svIn(porting.StateUnconfirmed, porting.StateRejected)
	for _, st := range svRequestStates {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := svReach(t, f, st, svOther1)
			in := r.Input()
			in.Name = "edited"
			got, err := f.Service.Update(f.AsCustomer(), r.ID, r.Revision, in)
			if editable[st] {
				require.NoError(t, err)
				require.Equal(t, "edited", got.Name)
				require.Equal(t, st, got.State)
				return
			}
			require.Nil(t, got)
			fe := svOnlyField(t, err)
			require.Equal(t, "port_state", fe.Field)
			require.Equal(t, string(st), fe.Value)
			require.Equal(t, "type", fe.Code)
			require.ErrorIs(t, err, porting.ErrNotAllowedInState)
			var se *porting.StateError
			require.ErrorAs(t, err, &se)
			require.Equal(t, st, se.State)
			require.Equal(t, r, svGet(t, f, r.ID), "nothing changed")
		})
	}
}

func TestServiceUpdateRegroupsDraftSubRequests(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svCarriers(f)
	r := f.Create(t, svAlpha1)
	require.Len(t, r.SubRequests, 1)
	alpha := svSub(t, r, "Alpha")

	// A field set on the Alpha sub request survives regrouping.
	r, err := f.Service.UpdateDraftSubRequest(f.AsCustomer(), r.ID, alpha.ID, 0, porting.SubRequestPatch{
		AuthPersonName: svStr("Jane Doe"), Description: svStr("main office"),
	})
	require.NoError(t, err)

	// Adding a number of the same carrier and one of a new carrier.
	in := r.Input()
	in.Numbers = append(in.Numbers, porting.NumberInput{Raw: svAlpha2}, porting.NumberInput{Raw: svBeta1})
	r, err = f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	require.NoError(t, err)
	require.Len(t, r.SubRequests, 2)
	a := svSub(t, r, "Alpha")
	require.Equal(t, alpha.ID, a.ID)
	require.Equal(t, alpha.SupportKey, a.SupportKey)
	require.Equal(t, "Jane Doe", a.AuthPersonName)
	require.Equal(t, "main office", a.Description)
	require.Equal(t, []porting.PortNumber{svNumber(t, r, svAlpha1), svNumber(t, r, svAlpha2)}, r.SubRequestNumbers(a.ID))
	beta := svSub(t, r, "Beta")
	require.NotEqual(t, alpha.ID, beta.ID)
	require.Regexp(t, svSubKey, beta.SupportKey)
	require.Equal(t, porting.StateUnconfirmed, beta.State)
	require.Empty(t, beta.AuthPersonName)
	require.Equal(t, []string{svBeta1}, svE164s(r.SubRequestNumbers(beta.ID)))

	// Removing every number of a carrier drops its sub request.
	in = r.Input()
	in.Numbers = []porting.NumberInput{{Raw: svAlpha2}}
	r, err = f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	require.NoError(t, err)
	require.Len(t, r.SubRequests, 1)
	require.Equal(t, alpha.ID, r.SubRequests[0].ID)
	require.Equal(t, "Jane Doe", r.SubRequests[0].AuthPersonName)

	// Replacing the last carrier's numbers by another carrier's: a new sub
	// request, the old one gone.
	in = r.Input()
	in.Numbers = []porting.NumberInput{{Raw: svOther1}}
	r, err = f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	require.NoError(t, err)
	require.Len(t, r.SubRequests, 1)
	require.NotEqual(t, alpha.ID, r.SubRequests[0].ID)
	require.Equal(t, "", r.SubRequests[0].Carrier)
	require.Nil(t, r.SubRequest(alpha.ID))
	require.Equal(t, r, svGet(t, f, r.ID))
}

func TestServiceUpdateRejectedRequest(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	svCarriers(f)
	r := svReach(t, f, porting.StateRejected, svAlpha1)
	in := r.Input()
	in.Numbers = append(in.Numbers, porting.NumberInput{Raw: svBeta1})
	r, err := f.Service.Update(f.AsCustomer(), r.ID, 0, in)
	require.NoError(t, err)
	require.Equal(t, porting.StateRejected, r.State)
	require.Equal(t, map[string]porting.State{"Alpha": porting.StateRejected, "Beta": porting.StateRejected}, svSubStates(r))

	// Resubmitting moves both.
	r = f.Move(t, r.ID, porting.StateSubmitted)
	require.Equal(t, map[string]porting.State{"Alpha": porting.StateSubmitted, "Beta": porting.StateSubmitted}, svSubStates(r))
}

func TestServiceDelete(t *testing.T) {
	t.Parallel()
	deletable := svIn(porting.StateUnconfirmed, porting.StateRejected, porting.StateCanceled)
	for _, st := range svRequestStates {
		t.Run(string(st), func(t *testing.T) {
			t.Parallel()
			f := portingtest.New(t)
			r := svReach(t, f, st, svOther1)
			got, err := f.Service.Delete(f.AsCustomer(), r.ID, r.Revision)
			if !deletable[st] {
				require.Nil(t, got)
				require.ErrorIs(t, err, porting.ErrNotAllowedInState)
				var se *porting.StateError
				require.ErrorAs(t, err, &se)
				require.Equal(t, st, se.State)
				require.Equal(t, "delete", se.Op)
				require.Equal(t, r, svGet(t, f, r.ID))
				return
			}
			require.NoError(t, err)
			require.Equal(t, r.ID, got.ID)
			_, err = f.Service.Get(f.AsAuthority(), r.ID)
			require.ErrorIs(t, err, porting.ErrNotFound)
			_, err = f.Service.Delete(f.AsCustomer(), r.ID, 0)
			require.ErrorIs(t, err, porting.ErrNotFound)
			_, err = f.Service.Update(f.AsCustomer(), r.ID, 0, r.Input())
			require.ErrorIs(t, err, porting.ErrNotFound)

			// The numbers are free again.
			svRequireFree(t, f, svOther1)
			page, err := f.Service.List(f.AsAuthority(), porting.Query{AccountID: f.Customer.ID, Number: svOther1})
			require.NoError(t, err)
			require.Len(t, page.Requests, 1, "the deleted request is gone from the number index")
		})
	}
}

func TestServiceDeleteRevisionAndAttachments(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	r := f.Create(t, svOther1)
	att, r, err := f.Service.PutAttachment(f.AsCustomer(), r.ID, 0, porting.AttachmentInput{
		Name: "loa.pdf", ContentType: "application/pdf", Body: svBody("%PDF-1.4"),
	})
	require.NoError(t, err)

	_, err = f.Service.Delete(f.AsCustomer(), r.ID, 1)
	require.ErrorIs(t, err, porting.ErrConflict)
	svGet(t, f, r.ID)

	_, err = f.Service.Delete(f.AsCustomer(), r.ID, r.Revision)
	require.NoError(t, err)
	_, err = f.Store.Content(t.Context(), r.ID, att.ContentID)
	require.ErrorIs(t, err, porting.ErrNotFound, "the attachment's bytes are gone")
}

// A request that is partly ported is the record of the numbers that
// moved: it cannot be deleted, even when its other part was rejected.
func TestServiceDeleteRefusesPartlyPortedRequest(t *testing.T) {
	f := portingtest.New(t)
	f.Carriers.Add("+1202555", "Carrier A")
	f.Carriers.Add("+1303555", "Carrier B")
	r := f.Create(t, "+12025550100", "+13035550100")
	require.Len(t, r.SubRequests, 2)
	f.Move(t, r.ID, porting.StateSubmitted)
	f.Move(t, r.ID, porting.StatePending)
	auth := f.AsAuthority()
	_, err := f.Service.TransitionSubRequest(auth, r.ID, r.SubRequests[0].ID, 0, porting.StateCompleted, porting.TransitionOptions{})
	require.NoError(t, err)
	r, err = f.Service.TransitionSubRequest(auth, r.ID, r.SubRequests[1].ID, 0, porting.StateRejected, porting.TransitionOptions{})
	require.NoError(t, err)
	require.Equal(t, porting.StateRejected, r.State)

	_, err = f.Service.Delete(f.AsCustomer(), r.ID, 0)
	require.ErrorIs(t, err, porting.ErrNotAllowedInState)
	got, err := f.Service.Get(auth, r.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"+12025550100"}, got.CompletedNumbers())
}
