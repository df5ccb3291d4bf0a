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

// Completion is one sub request's completed port: what the platform bills
// and activates. The Service settles it (Charges.Charge, then
// Inventory.Activate) only once the completion has committed, and the
// completion's event carries it, so that what a crash interrupts is
// settled again from the event log (see Service.Settlements).
type Completion struct {
	// Key identifies the completion: the same on every attempt and every
	// settlement of it, so that settling it again bills nothing twice.
	Key          string   `json:"key"`
	RequestID    string   `json:"request_id"`
	AccountID    string   `json:"account_id"`
	SubRequestID string   `json:"sub_request_id"`
	Numbers      []string `json:"numbers"`
	// Quote is what the customer accepted for the whole request.
	Quote Quote `json:"quote"`
}

// Charges prices and bills ports. On submission the Service asks for a
// Quote; a non-free quote must be accepted by the caller (Kazoo's 402
// "accept charges"), and the accepted quote is kept on the request. Once
// a sub request's completion has committed, the Service calls Charge for
// it: never for a completion that did not commit, and again (with the
// same key) when a crash or a failure may have kept the first call from
// taking effect, so Charge must be idempotent by Completion.Key. A
// Charges that must be able to refuse a completion before it is stored
// implements ChargeAuthorizer too.
type Charges interface {
	// Quote prices the submission of numbers, the numbers of r whose sub
	// requests are being submitted (a resubmission after a partial
	// completion does not price again what was ported).
	Quote(ctx context.Context, r *PortRequest, numbers []string) (Quote, error)
	// Charge bills a committed completion, once per Completion.Key.
	Charge(ctx context.Context, c Completion) error
}

// ChargeAuthorizer is an optional capability of a Charges, in the manner of
// database/sql/driver's optional interfaces: it holds a completion's
// charge before the completion is stored, and may refuse it. A refusal
// fails the transition, which then changes nothing; a hold whose
// completion did not commit (it lost a race, or another rule refused it)
// is released. Both are idempotent by Completion.Key: a retried
// transition authorizes the same key again.
type ChargeAuthorizer interface {
	// Authorize holds the charge of a completion about to be stored, or
	// refuses it with an error.
	Authorize(ctx context.Context, c Completion) error
	// Release drops the hold of a completion that did not commit.
	Release(ctx context.Context, c Completion) error
}

// NoCharges is the default Charges: ports are free.
type NoCharges struct{}

// Quote implements Charges.
func (NoCharges) Quote(context.Context, *PortRequest, []string) (Quote, error) {
	return Quote{}, nil
}

// Charge implements Charges.
func (NoCharges) Charge(context.Context, Completion) error { return nil }

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
func (FlatCharges) Charge(context.Context, Completion) error { return nil }
