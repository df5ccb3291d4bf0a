package httpapi_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/porting"
)

// TestDialectsThroughService checks that one request reads the same through
// the Service (as the Kazoo dialect uses it) and through the Telnyx
// dialect: a Kazoo unconfirmed request is a Telnyx draft, a submitted one
// a Telnyx port request with the same ID.
func TestDialectsThroughService(t *testing.T) {
	e := telnyxtest.Setup(t)
	svc, ctx := e.F.Service, e.F.AsCustomer()
	foc, err := time.Parse(time.RFC3339, telnyxtest.FOC)
	require.NoError(t, err)

	t.Run("kazoo request reads as a telnyx draft", func(t *testing.T) {
		in := porting.RequestInput{
			Name:    "Kazoo port",
			Numbers: []porting.NumberInput{{Raw: "2025550141"}, {Raw: "+1 (312) 535-4241"}},
			Bill: porting.Bill{
				Name: "Acme Inc", StreetNumber: "1600", StreetAddress: "Pennsylvania", StreetType: "Ave",
				StreetPostDir: "NW", ExtendedAddress: "Suite 1", Locality: "Washington", Region: "dc",
				PostalCode: "20500", Country: "us", AccountNumber: "ACC-9", PIN: "4321", BTN: "202 555 0141",
			},
			SigneeName:   "Jane Doe",
			TransferDate: foc,
		}
		r, err := svc.Create(ctx, e.F.Customer.ID, in)
		require.NoError(t, err)

		d := telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/draft_port_requests/"+r.ID, apitest.CustomerToken, nil))
		require.Equal(t, "pending", d["status"])
		require.EqualValues(t, 2, d["phone_number_count"])
		subs := telnyxtest.Subs(d)
		require.Len(t, subs, 2, "one per carrier")
		for _, sr := range subs {
			for k, want := range map[string]any{
				"person_or_company_name": "Acme Inc", "auth_person_name": "Jane Doe", "billing_phone_number": "+12025550141",
				"street_address": "1600 Pennsylvania Ave NW", "extended_address": "Suite 1", "locality": "Washington",
				"administrative_area": "DC", "postal_code": "20500", "country_code": "US", "account_number": "ACC-9",
				"pin_passcode": "4321", "foc_date_requested_by_user": telnyxtest.FOC, "default_connection_id": nil,
			} {
				require.Equal(t, want, sr[k], k)
			}
			require.Equal(t, false, sr["complete"], "the connection and messaging profile are Telnyx-only")
		}
		// A Telnyx listing shows no PIN.
		list := telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/draft_port_requests/"+r.ID+"/sub_requests", apitest.CustomerToken, nil))
		require.Nil(t, list[0]["pin_passcode"])

		// Completed through Telnyx, submitted through Telnyx.
		for _, sr := range subs {
			got := telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusOK, "PUT", "/draft_port_requests/"+r.ID+"/sub_requests/"+sr["id"].(string),
				apitest.CustomerToken, `{"default_connection_id": "conn-1", "default_message_profile_id": "msg-1"}`))
			require.Equal(t, true, got["complete"])
		}
		e.Must(t, http.StatusCreated, "POST", "/draft_port_requests/"+r.ID+"/submit", apitest.CustomerToken, nil)
		got, err := svc.Get(ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, porting.StateSubmitted, got.State)
		require.Equal(t, "conn-1", got.SubRequests[0].DefaultConnectionID)
		require.Empty(t, got.SubRequests[0].AuthPersonName, "the Kazoo fields stay where they were")
		pr := telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID, apitest.CustomerToken, nil))
		require.Equal(t, r.SupportKey, pr["support_key"])
		require.Equal(t, "4321", telnyxtest.Subs(pr)[0]["pin_passcode"], "a single GET shows the PIN")

		// Kazoo states read as Telnyx statuses.
		for _, step := range []struct {
			to     porting.State
			status string
		}{
			{porting.StatePending, "submitted"},
			{porting.StateRejected, "exception"},
			{porting.StateSubmitted, "in-process"},
			{porting.StatePending, "submitted"},
			{porting.StateScheduled, "foc-date-confirmed"},
			{porting.StateCompleted, "ported"},
		} {
			e.F.Move(t, r.ID, step.to)
			pr := telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/port_requests/"+r.ID, apitest.CustomerToken, nil))
			for _, sr := range telnyxtest.Subs(pr) {
				require.Equal(t, step.status, sr["status"], step.to)
			}
			require.Equal(t, []any{telnyxtest.Obj{"status": step.status, "count": 2.0}}, pr["phone_number_counts_by_status"])
		}
		rec := e.Must(t, http.StatusOK, "GET", "/port_requests?status=complete", apitest.CustomerToken, nil)
		require.Equal(t, []string{r.ID}, apitest.StringsAt(telnyxtest.Decode[[]telnyxtest.Obj](t, rec), "id"))
	})

	t.Run("telnyx draft reads as a kazoo request", func(t *testing.T) {
		d := e.CreateDraft(t, "+12025550151", "+13125354251", "+14155550151")
		id := d["id"].(string)
		r, err := svc.Get(ctx, id)
		require.NoError(t, err)
		require.Equal(t, porting.StateUnconfirmed, r.State)
		require.Equal(t, []string{"+12025550151", "+13125354251", "+14155550151"}, r.E164s())
		require.Len(t, r.SubRequests, 3)
		require.Equal(t, "Port of +12025550151 and 2 more", r.Name)
		for _, sr := range r.SubRequests {
			require.Equal(t, porting.StateUnconfirmed, sr.State)
		}

		// A Telnyx edit is the Service's sub request.
		sid := r.SubRequests[0].ID
		e.Must(t, http.StatusOK, "PUT", "/draft_port_requests/"+id+"/sub_requests/"+sid, apitest.CustomerToken,
			`{"auth_person_name": "John Smith", "porting_option": {"type": "full"}}`)
		r, err = svc.Get(ctx, id)
		require.NoError(t, err)
		require.Equal(t, "John Smith", r.SubRequest(sid).AuthPersonName)
		require.Equal(t, porting.PortFull, r.SubRequest(sid).PortingOption.Type)

		// A Kazoo edit (numbers added) shows in the draft, in its carrier's sub request.
		in := r.Input()
		in.Numbers = append(in.Numbers, porting.NumberInput{Raw: "+12025550152"})
		_, err = svc.Update(ctx, id, 0, in)
		require.NoError(t, err)
		d = telnyxtest.Decode[telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/draft_port_requests/"+id, apitest.CustomerToken, nil))
		require.EqualValues(t, 4, d["phone_number_count"])
		a := telnyxtest.SubByID(telnyxtest.Subs(d), sid)
		require.EqualValues(t, 2, a["phone_number_count"])
		require.Equal(t, "John Smith", a["auth_person_name"])

		// Comments and documents go both ways once it is submitted.
		e.F.FillSubRequests(t, id)
		_, err = svc.SubmitDraft(ctx, id, 0, false)
		require.NoError(t, err)
		_, err = apitest.AddComment(svc, ctx, id, porting.CommentInput{Body: "from kazoo"})
		require.NoError(t, err)
		e.Must(t, http.StatusCreated, "POST", "/port_requests/"+id+"/comments", apitest.CustomerToken, `{"body": "from telnyx"}`)
		comments, err := svc.Timeline(ctx, id, porting.TimelineQuery{Kind: porting.TimelineComments})
		require.NoError(t, err)
		require.Len(t, comments.Entries, 2)
		require.Equal(t, "from telnyx", comments.Entries[1].Comment.Body)
		list := telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/port_requests/"+id+"/comments", apitest.CustomerToken, nil))
		require.Equal(t, "from kazoo", list[0]["body"])

		_, _, err = svc.PutAttachment(ctx, id, 0, porting.AttachmentInput{Name: "form", ContentType: "application/pdf", Body: bytes.NewReader(telnyxtest.PDF)})
		require.NoError(t, err)
		rec := e.Upload(id, apitest.CustomerToken, telnyxtest.DocType("loa"), telnyxtest.Part{Name: "file", Filename: "signed-loa.pdf", ContentType: "application/pdf", Data: telnyxtest.PDF})
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		docs := telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/port_requests/"+id+"/supporting_documents", apitest.CustomerToken, nil))
		require.Len(t, docs, 2)
		require.Equal(t, "form.pdf", docs[0]["body"])
		require.Equal(t, "other", docs[0]["document_type"])
		att, data, err := svc.Attachment(ctx, id, "signed-loa.pdf")
		require.NoError(t, err)
		require.Equal(t, "loa", att.DocumentType)
		require.Equal(t, telnyxtest.PDF, data)

		// A Telnyx cancellation request is the Service's cancel-pending,
		// and the authority's Kazoo cancel ends it.
		e.Must(t, http.StatusOK, "POST", "/port_requests/"+id+"/sub_requests/"+sid+"/request_cancellation", apitest.CustomerToken, nil)
		r, err = svc.Get(ctx, id)
		require.NoError(t, err)
		require.Equal(t, porting.StateCancelPending, r.SubRequest(sid).State)
		_, err = svc.TransitionSubRequest(e.F.AsAuthority(), id, sid, 0, porting.StateCanceled, porting.TransitionOptions{})
		require.NoError(t, err)
		one := telnyxtest.Decode[[]telnyxtest.Obj](t, e.Must(t, http.StatusOK, "GET", "/port_requests/"+id+"/sub_requests/"+sid, apitest.CustomerToken, nil))
		require.Equal(t, "cancelled", one[0]["status"])
	})
}
