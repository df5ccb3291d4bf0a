package kazoo

import "github.com/portkit/portkit/porting"

// Document renders a request as the dialect's GET port_requests/{id}
// answers it in data: Kazoo's port request document, PIN and account
// number included. portd hands submitted requests off in this form (as
// Kazoo posts them to submitted_port_requests_url).
func Document(r *porting.PortRequest) ([]byte, error) {
	return appendRequest(nil, r), nil
}
