package telnyx

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// listParams are a listing's query parameters.
type listParams struct {
	page, perPage int
	search        string
	status        string
	numbers, subs bool
}

// parseList reads page (from 1), per_page (default 20, at most
// MaxPerPage), search, status,
// include_phone_numbers (default true) and include_sub_requests (default
// false).
func parseList(v url.Values) (listParams, error) {
	p := listParams{page: 1, perPage: DefaultPerPage, search: v.Get("search"), status: v.Get("status"), numbers: true}
	var err error
	if p.page, err = intParam(v, "page", 1); err != nil {
		return p, err
	}
	if p.perPage, err = intParam(v, "per_page", DefaultPerPage); err != nil {
		return p, err
	}
	if p.perPage > MaxPerPage {
		return p, &paramError{"per_page", v.Get("per_page"), fmt.Sprintf("Must be at most %d", MaxPerPage)}
	}
	if p.page > math.MaxInt32/MaxPerPage { // the offset fits in any int
		return p, &paramError{"page", v.Get("page"), "Page number is too large"}
	}
	if p.numbers, err = boolParam(v, "include_phone_numbers", true); err != nil {
		return p, err
	}
	if p.subs, err = boolParam(v, "include_sub_requests", false); err != nil {
		return p, err
	}
	return p, nil
}

// intParam reads a whole number of at least 1.
func intParam(v url.Values, name string, def int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, &paramError{name, s, "Must be a whole number of at least 1"}
	}
	return n, nil
}

// boolParam reads a boolean, as strconv.ParseBool does.
func boolParam(v url.Values, name string, def bool) (bool, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, &paramError{name, s, "Must be true or false"}
	}
	return b, nil
}

// statusFilter is what the status parameter of a listing may say.
type statusFilter struct {
	// states are the states listed, by status; "" is the listing without
	// a status.
	states map[string][]porting.State
	// invalid is the message of any other status.
	invalid string
}

// serveList serves a listing: a page of the actor's account's
// requests in the states the status parameter names, each rendered by
// render, and the Total and Total-Pages headers.
func serveList[T any](h *handler, w http.ResponseWriter, r *http.Request, a porting.Actor,
	filter statusFilter, render func(req *porting.PortRequest, p listParams) T) {
	p, err := parseList(r.URL.Query())
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	states, ok := filter.states[p.status]
	if !ok {
		h.fail(w, r, &paramError{"status", p.status, filter.invalid}, nil)
		return
	}
	q := porting.Query{
		AccountID: listedAccount(a), States: states,
		Offset: (p.page - 1) * p.perPage, Limit: p.perPage, WithTotal: true,
	}
	parseSearch(&q, p.search)
	page, err := h.svc.List(r.Context(), q)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	setTotals(w, page.Total, p.perPage)
	httpjson.Write(w, http.StatusOK, httpjson.List(page.Requests, func(req *porting.PortRequest) T { return render(req, p) }))
}

// submittedStates are the states of a request once its draft was
// submitted: those of a port request.
var submittedStates = porting.StatesWhere(func(s porting.State) bool { return s != porting.StateUnconfirmed })

// portFilter: port requests are every request but a draft; the
// complete ones are completed or canceled (terminal), the others
// incomplete.
var portFilter = statusFilter{
	states: map[string][]porting.State{
		"": submittedStates,
		"incomplete": porting.StatesWhere(func(s porting.State) bool {
			return s != porting.StateUnconfirmed && !s.Terminal()
		}),
		"complete": porting.StatesWhere(porting.State.Terminal),
	},
	invalid: "Status must be incomplete or complete",
}

// listPortRequests serves GET port_requests: the actor's account's
// requests that are not drafts, newest first.
func (h *handler) listPortRequests(w http.ResponseWriter, r *http.Request, a porting.Actor) {
	serveList(h, w, r, a, portFilter, func(req *porting.PortRequest, p listParams) wirePortRequest {
		return newView(req, true).portRequest(p.numbers, p.subs)
	})
}

// portRequest loads a port request: a draft that was never submitted is
// not one, and is not found.
func (h *handler) portRequest(ctx context.Context, id string) (*porting.PortRequest, error) {
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
func (h *handler) getPortRequest(w http.ResponseWriter, r *http.Request, req *porting.PortRequest) {
	httpjson.Write(w, http.StatusOK, newView(req, true).portRequest(true, true))
}

// setTotals sets the Total and Total-Pages headers of a listing.
func setTotals(w http.ResponseWriter, total, perPage int) {
	w.Header().Set("Total", strconv.Itoa(total))
	w.Header().Set("Total-Pages", strconv.Itoa((total+perPage-1)/perPage))
}
