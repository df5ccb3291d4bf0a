package kazoo

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// DefaultCarrierName is the winning carrier lnp_lookup offers when
// Options.CarrierName is empty.
const DefaultCarrierName = "portkit"

// lnpNumber is one number's answer of lnp_lookup, in the shape Monster
// UI's port wizard reads (numbers[n].losing_carrier.name, carriers[] with
// name and portability), with the portability check's verdict beside it.
type lnpNumber struct {
	E164              string      `json:"e164,omitempty"`
	LosingCarrier     *lnpCarrier `json:"losing_carrier,omitempty"`
	Carriers          []lnpOffer  `json:"carriers"`
	Portable          bool        `json:"portable"`
	NonPortableReason string      `json:"non_portable_reason,omitempty"`
	PortRequestID     string      `json:"port_request_id,omitempty"`
}

// lnpCarrier is a number's losing carrier, and how sure the lookup is
// of it (confirmed, provisional).
type lnpCarrier struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

// lnpOffer is a carrier the number can be ported to: this platform.
type lnpOffer struct {
	Name        string `json:"name"`
	Portability bool   `json:"portability"`
}

// lnpLookup: POST port_requests/lnp_lookup with {"data": {"numbers":
// [...]}}, the port wizard's carrier step. Data is {"numbers": {number as
// sent: {...}}}: each number's losing carrier (left out when it is not
// known, which the wizard shows as "Unknown") and the carriers it can be
// ported to, this platform alone, portable or not as the portability
// check says (porting.Service.CheckPortability).
func (k *handler) lnpLookup(c *call) {
	members, ok := c.data()
	if !ok {
		return
	}
	raws, err := lnpNumbers(members)
	if err != nil {
		c.fail(err)
		return
	}
	res, err := k.svc.CheckPortability(c.ctx, raws)
	if err != nil {
		c.fail(err)
		return
	}
	out := make(map[string]lnpNumber, len(res))
	for i, p := range res {
		n := lnpNumber{E164: p.Number.E164, Portable: p.Portable, NonPortableReason: string(p.Reason), PortRequestID: p.RequestID,
			Carriers: []lnpOffer{{Name: k.carrierName, Portability: p.Portable}}}
		if p.CarrierName != "" {
			n.LosingCarrier = &lnpCarrier{Name: p.CarrierName, Status: string(p.Status)}
		}
		out[raws[i]] = n
	}
	c.replyData(http.StatusOK, struct {
		Numbers map[string]lnpNumber `json:"numbers"`
	}{out}, tail{})
}

// lnpNumbers reads data.numbers, a non-empty list of strings.
func lnpNumbers(members []member) ([]string, error) {
	m, ok := find(members, "numbers")
	if !ok {
		return nil, problem("numbers", "required", "", "numbers is required: a list of phone numbers")
	}
	var raws []string
	if items, ok := arrayItems(m.val); ok && len(items) > 0 {
		for i, item := range items {
			var s string
			if json.Unmarshal(item, &s) != nil || len(item) == 0 || item[0] != '"' {
				return nil, problem("numbers", "type", "", fmt.Sprintf("numbers[%d] must be a string", i))
			}
			raws = append(raws, s)
		}
		return raws, nil
	}
	return nil, problem("numbers", "type", "", "numbers must be a non-empty list of phone numbers")
}
