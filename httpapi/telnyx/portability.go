package telnyx

import (
	"net/http"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/httpapi/internal/httpjson"
	"github.com/portkit/portkit/porting"
)

// numbersBody is the body of portability_checks and of a new draft
// port request.
type numbersBody struct {
	PhoneNumbers []struct {
		PhoneNumber string `json:"phone_number"`
	} `json:"phone_numbers"`
}

// raws lists the numbers as sent.
func (b numbersBody) raws() []string {
	out := make([]string, len(b.PhoneNumbers))
	for i, n := range b.PhoneNumbers {
		out[i] = n.PhoneNumber
	}
	return out
}

// readNumbers reads a phone_numbers body. Its size limit grows with the
// Service's MaxNumbers (128 bytes a number, at least httpapi.MaxJSONBody), so
// that a list that is too long is refused by the Service's own rule (422)
// rather than by the size of its body.
func (h *handler) readNumbers(r *http.Request) ([]string, error) {
	limit := max(int64(httpapi.MaxJSONBody), int64(h.svc.Options().MaxNumbers+1)*128)
	var body numbersBody
	if err := httpjson.Read(r, limit, &body); err != nil {
		return nil, err
	}
	return body.raws(), nil
}

// portabilityResult is one number's verdict. non_portable_reason
// is null for a portable number; e164_number is null when the input
// could not be read as a number, carrier_name when the carrier is unknown.
type portabilityResult struct {
	RawNumber         string  `json:"raw_number"`
	E164Number        *string `json:"e164_number"`
	Portable          bool    `json:"portable"`
	PortabilityStatus string  `json:"portability_status"`
	CarrierName       *string `json:"carrier_name"`
	CoverageCategory  string  `json:"coverage_category"`
	NonPortableReason *string `json:"non_portable_reason"`
}

// portabilityCheck is the one element of the response array.
type portabilityCheck struct {
	PhoneNumbers []portabilityResult `json:"phone_numbers"`
}

// checkPortability serves POST portability_checks: 200 with an array
// holding one object, whose phone_numbers has one result per input
// number, in order.
func (h *handler) checkPortability(w http.ResponseWriter, r *http.Request, _ porting.Actor) {
	raws, err := h.readNumbers(r)
	if err != nil {
		h.fail(w, r, err, nil)
		return
	}
	res, err := h.svc.CheckPortability(r.Context(), raws)
	if err != nil {
		h.fail(w, r, err, raws)
		return
	}
	out := make([]portabilityResult, len(res))
	for i := range res {
		p := &res[i]
		out[i] = portabilityResult{
			RawNumber: raws[i], E164Number: nullable(&p.Number.E164), Portable: p.Portable,
			PortabilityStatus: string(p.Status), CarrierName: nullable(&p.CarrierName),
			CoverageCategory: string(p.Number.Coverage),
		}
		if p.Reason != "" {
			reason := reasonOf(p.Reason)
			out[i].NonPortableReason = &reason
		}
	}
	httpjson.Write(w, http.StatusOK, []portabilityCheck{{PhoneNumbers: out}})
}
