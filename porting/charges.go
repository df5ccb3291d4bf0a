package porting

import "context"

// Quote is what submitting a port request will cost.
type Quote struct {
	// ActivationCharges is the total one-off charge for the numbers.
	ActivationCharges float64 `json:"activation_charges"`
	// PerNumber is the charge for each number, when the price is per number.
	PerNumber float64 `json:"per_number,omitempty"`
	// Numbers is how many numbers the quote covers.
	Numbers int `json:"numbers,omitempty"`
}

// Free reports whether the quote costs nothing.
func (q Quote) Free() bool { return q.ActivationCharges == 0 }

// Charges prices and bills ports. On submission the Service asks for a
// Quote; a non-free quote must be accepted by the caller (Kazoo's 402
// "accept charges"), and the accepted quote is kept on the request. When a
// sub request completes, the Service calls Charge for its numbers.
type Charges interface {
	// Quote prices the submission of numbers, the numbers of r whose sub
	// requests are being submitted (a resubmission after a partial
	// completion does not price again what was ported).
	Quote(ctx context.Context, r *PortRequest, numbers []string) (Quote, error)
	// Charge bills the account for the completed port of one sub
	// request: numbers are that sub request's, q the quote the customer
	// accepted for the whole request. key identifies the sub request's
	// completion and is the same on every retry, so an implementation can
	// make repeated calls idempotent. The Service calls Charge before the
	// completion is stored (and before the numbers are activated): an
	// error fails the transition, which changes nothing and may be tried
	// again.
	Charge(ctx context.Context, r *PortRequest, numbers []string, q Quote, key string) error
}

// NoCharges is the default Charges: ports are free.
type NoCharges struct{}

// Quote implements Charges.
func (NoCharges) Quote(context.Context, *PortRequest, []string) (Quote, error) {
	return Quote{}, nil
}

// Charge implements Charges.
func (NoCharges) Charge(context.Context, *PortRequest, []string, Quote, string) error { return nil }

// FlatCharges prices every ported number the same.
type FlatCharges struct {
	PerNumber float64
}

// Quote implements Charges.
func (f FlatCharges) Quote(_ context.Context, _ *PortRequest, numbers []string) (Quote, error) {
	n := len(numbers)
	return Quote{ActivationCharges: f.PerNumber * float64(n), PerNumber: f.PerNumber, Numbers: n}, nil
}

// Charge implements Charges; it bills nothing itself.
func (FlatCharges) Charge(context.Context, *PortRequest, []string, Quote, string) error { return nil }
