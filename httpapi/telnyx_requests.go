package httpapi

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/portkit/portkit/porting"
)

// telnyxListParams are a listing's query parameters.
type telnyxListParams struct {
	page, perPage int
	search        string
	status        string
	numbers, subs bool
}

// telnyxParseList reads page (from 1), per_page (default 20, at most
// TelnyxMaxPerPage), search, status,
// include_phone_numbers (default true) and include_sub_requests (default
// false).
func telnyxParseList(v url.Values) (telnyxListParams, error) {
	p := telnyxListParams{page: 1, perPage: TelnyxDefaultPerPage, search: v.Get("search"), status: v.Get("status"), numbers: true}
	var err error
	if p.page, err = telnyxIntParam(v, "page", 1); err != nil {
		return p, err
	}
	if p.perPage, err = telnyxIntParam(v, "per_page", TelnyxDefaultPerPage); err != nil {
		return p, err
	}
	if p.perPage > TelnyxMaxPerPage {
		return p, &telnyxParamError{"per_page", v.Get("per_page"), fmt.Sprintf("Must be at most %d", TelnyxMaxPerPage)}
	}
	if p.page > math.MaxInt32/TelnyxMaxPerPage { // the offset fits in any int
		return p, &telnyxParamError{"page", v.Get("page"), "Page number is too large"}
	}
	if p.numbers, err = telnyxBoolParam(v, "include_phone_numbers", true); err != nil {
		return p, err
	}
	if p.subs, err = telnyxBoolParam(v, "include_sub_requests", false); err != nil {
		return p, err
	}
	return p, nil
}

// telnyxIntParam reads a whole number of at least 1.
func telnyxIntParam(v url.Values, name string, def int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, &telnyxParamError{name, s, "Must be a whole number of at least 1"}
	}
	return n, nil
}

// telnyxBoolParam reads a boolean, as strconv.ParseBool does.
func telnyxBoolParam(v url.Values, name string, def bool) (bool, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, &telnyxParamError{name, s, "Must be true or false"}
	}
	return b, nil
}

// telnyxStatusFilter is what the status parameter of a listing may say.
type telnyxStatusFilter struct {
	// states are the states listed, by status; "" is the listing without
	// a status.
	states map[string][]porting.State
	// invalid is the message of any other status.
	invalid string
}

// telnyxServeList serves a listing: a page of the actor's account's
// requests in the states the status parameter names, each rendered by
// render, and the Total and Total-Pages headers.
func telnyxServeList[T any](h *telnyxHandler, w http.ResponseWriter, r *http.Request, a porting.Actor,
	filter telnyxStatusFilter, render func(req *porting.PortRequest, p telnyxListParams) T) {
	p, err := telnyxParseList(r.URL.Query())
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	states, ok := filter.states[p.status]
	if !ok {
		h.fail(w, r, &telnyxParamError{"status", p.status, filter.invalid}, nil)
		return
	}
	q := porting.Query{
		AccountID: telnyxAccount(a), States: states,
		Offset: (p.page - 1) * p.perPage, Limit: p.perPage, WithTotal: true,
	}
	telnyxSearch(&q, p.search)
	page, err := h.svc.List(r.Context(), q)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	w.Header().Set("Total", strconv.Itoa(page.Total))
	w.Header().Set("Total-Pages", strconv.Itoa((page.Total+p.perPage-1)/p.perPage))
	writeJSON(w, http.StatusOK, renderAll(page.Requests, func(req *porting.PortRequest) T { return render(req, p) }))
}

// telnyxSubmittedStates are the states of a request once its draft was
// submitted: those of a port request.
var telnyxSubmittedStates = porting.StatesWhere(func(s porting.State) bool { return s != porting.StateUnconfirmed })

// telnyxPortFilter: port requests are every request but a draft; the
// complete ones are completed or canceled (terminal), the others
// incomplete.
var telnyxPortFilter = telnyxStatusFilter{
	states: map[string][]porting.State{
		"": telnyxSubmittedStates,
		"incomplete": porting.StatesWhere(func(s porting.State) bool {
			return s != porting.StateUnconfirmed && !s.Terminal()
		}),
		"complete": porting.StatesWhere(porting.State.Terminal),
	},
	invalid: "Status must be incomplete or complete",
}

// listPortRequests serves GET port_requests: the actor's account's
// requests that are not drafts, newest first.
func (h *telnyxHandler) listPortRequests(w http.ResponseWriter, r *http.Request, a porting.Actor) {
	telnyxServeList(h, w, r, a, telnyxPortFilter, func(req *porting.PortRequest, p telnyxListParams) telnyxPortRequest {
		return telnyxNewView(req, true).portRequest(p.numbers, p.subs)
	})
}

// portRequest loads a port request: a draft that was never submitted is
// not one, and is not found.
func (h *telnyxHandler) portRequest(ctx context.Context, id string) (*porting.PortRequest, error) {
	req, err := h.svc.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if req.Draft() {
		return nil, fmt.Errorf("port request %s: %w (it is a draft port request until submitted)", id, porting.ErrNotFound)
	}
	return req, nil
}

// getPortRequest serves GET port_requests/{id}, with its phone numbers and
// sub requests.
func (h *telnyxHandler) getPortRequest(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	writeJSON(w, http.StatusOK, telnyxNewView(req, true).portRequest(true, true))
}
