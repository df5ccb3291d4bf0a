package telnyx

import (
	"fmt"
	"net/http"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// draftFilter: every request started as a draft, pending while the
// request is unconfirmed, submitted afterwards.
var draftFilter = statusFilter{
	states: map[string][]porting.State{
		"":             nil,
		draftPending:   {porting.StateUnconfirmed},
		draftSubmitted: submittedStates,
	},
	invalid: "Status must be pending or submitted",
}

// createDraft serves POST draft_port_requests: a new request for the
// actor's account, split at once into one draft sub request per losing
// carrier. 201 with the draft.
func (h *handler) createDraft(w http.ResponseWriter, r *http.Request, a porting.Actor) {
	raws, err := h.readNumbers(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	if a.AccountID == "" {
		h.fail(w, r, fmt.Errorf("a draft port request belongs to an account, and the caller has none: %w", porting.ErrForbidden), nil)
		return
	}
	req, err := h.svc.CreateDraft(r.Context(), a.AccountID, raws)
	if err != nil {
		h.fail(w, r, err, raws)
		return
	}
	httpjson.Write(w, http.StatusCreated, newView(req, false).draft(true, true))
}

// listDrafts serves GET draft_port_requests: every request of the actor's
// account, as drafts; status pending or submitted filters them.
func (h *handler) listDrafts(w http.ResponseWriter, r *http.Request, a porting.Actor) {
	serveList(h, w, r, a, draftFilter, func(req *porting.PortRequest, p listParams) wireDraft {
		return newView(req, false).draft(p.numbers, p.subs)
	})
}

// getDraft serves GET draft_port_requests/{id}, submitted or not.
func (h *handler) getDraft(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	httpjson.Write(w, http.StatusOK, newView(req, false).draft(true, true))
}

// listDraftSubRequests serves GET draft_port_requests/{id}/sub_requests,
// without PINs as every listing.
func (h *handler) listDraftSubRequests(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	req = req.Redacted()
	httpjson.Write(w, http.StatusOK, httpjson.List(req.SubRequests, newView(req, false).draftSubRequest))
}

// getDraftSubRequest serves GET draft_port_requests/{id}/sub_requests/{sid}.
func (h *handler) getDraftSubRequest(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	h.writeDraftSubRequest(w, r, req)
}

// writeDraftSubRequest writes the path's sub request of req as a draft
// sub request.
func (h *handler) writeDraftSubRequest(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	sr, err := subRequestOf(req, r.PathValue("sid"))
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	httpjson.Write(w, http.StatusOK, newView(req, false).draftSubRequest(sr))
}

// updateDraftSubRequest serves PUT draft_port_requests/{id}/sub_requests/{sid}:
// a partial edit (see readPatch), refused (422) once the draft has been
// submitted. 200 with the draft sub request, complete recomputed.
func (h *handler) updateDraftSubRequest(w http.ResponseWriter, r *http.Request, _ porting.Actor) {
	p, err := h.readPatch(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	req, err := h.svc.UpdateDraftSubRequest(r.Context(), r.PathValue("id"), r.PathValue("sid"), 0, p)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	h.writeDraftSubRequest(w, r, req)
}

// submitDraft serves POST draft_port_requests/{id}/submit. It needs no
// body; charges are accepted with the query parameter accept_charges=true
// or the body {"accept_charges": true}. 201 with the draft (status
// submitted, port_request_id set); 422 listing every missing field of
// every incomplete sub request; 402 with the quote when the port costs
// money and the charges were not accepted.
func (h *handler) submitDraft(w http.ResponseWriter, r *http.Request, _ porting.Actor) {
	accept, err := boolParam(r.URL.Query(), "accept_charges", false)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	var body struct {
		AcceptCharges bool `json:"accept_charges"`
	}
	if err := optionalBody(r, &body); err != nil {
		h.fail(w, r, err, nil)
		return
	}
	req, err := h.svc.SubmitDraft(r.Context(), r.PathValue("id"), 0, accept || body.AcceptCharges)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	httpjson.Write(w, http.StatusCreated, newView(req, false).draft(true, true))
}
