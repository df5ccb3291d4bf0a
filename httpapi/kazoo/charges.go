package kazoo

import "github.com/portkit/portkit/porting"

// The data of a 402, the charges a submission asks the client to
// accept: the reference document's body by default, the newer Kazoo
// body (a list of invoices) with Options.InvoiceCharges.

// quoteData is the document's body: {activation_charges,
// number_services: {port: {activation_charges}}}.
type quoteData struct {
	ActivationCharges float64 `json:"activation_charges"`
	NumberServices    struct {
		Port struct {
			ActivationCharges float64 `json:"activation_charges"`
		} `json:"port"`
	} `json:"number_services"`
}

// invoice is one invoice of the newer body, as current Monster UI's
// charges dialog reads it: the bookkeeper's type, and items of a
// quantity at a rate.
type invoice struct {
	Bookkeeper struct {
		Type string `json:"type"`
	} `json:"bookkeeper"`
	Items []invoiceItem `json:"items"`
}

// invoiceItem is one line of an invoice.
type invoiceItem struct {
	Category string  `json:"category"`
	Item     string  `json:"item"`
	Quantity int     `json:"quantity"`
	Rate     float64 `json:"rate"`
	Discount float64 `json:"discount"`
	Total    float64 `json:"total"`
}

// invoiceBookkeeper is the bookkeeper type of the invoice.
const invoiceBookkeeper = "default"

// chargesData returns the data of a 402 for a quote.
func (k *handler) chargesData(q porting.Quote) any {
	if !k.invoices {
		var d quoteData
		d.ActivationCharges = q.ActivationCharges
		d.NumberServices.Port.ActivationCharges = q.ActivationCharges
		return d
	}
	qty, rate := q.Numbers, q.PerNumber
	if qty <= 0 || rate == 0 {
		qty, rate = 1, q.ActivationCharges // a price for the whole request
	}
	inv := invoice{Items: []invoiceItem{{Category: "number_services", Item: "port", Quantity: qty, Rate: rate,
		Total: q.ActivationCharges}}}
	inv.Bookkeeper.Type = invoiceBookkeeper
	return []invoice{inv}
}
