// Package status maps porting's errors to HTTP statuses, the one place
// both dialects take them from; each dialect renders the body.
package status

import (
	"context"
	"errors"
	"net/http"

	"github.com/portkit/portkit/httpapi"
	"github.com/portkit/portkit/porting"
)

// Of maps an error to an HTTP status. A validation failure is
// validation (the dialect picks 400 or 422); a state that forbids the
// operation is 405; a store out of room is 507; a closed or unreachable
// store or a canceled request is 503, since a retry may succeed; a
// capability the store lacks is 501; an error of no known kind is 500.
func Of(err error, validation int) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, httpapi.ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, porting.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, porting.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, porting.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, porting.ErrChargesNotAccepted):
		return http.StatusPaymentRequired
	case errors.Is(err, porting.ErrTooLarge) && !errors.Is(err, porting.ErrValidation):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, porting.ErrUnsupportedMediaType):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, porting.ErrNotAllowedInState) && !errors.Is(err, porting.ErrValidation):
		return http.StatusMethodNotAllowed
	case errors.Is(err, porting.ErrValidation):
		return validation
	case errors.Is(err, porting.ErrInsufficientStorage):
		return http.StatusInsufficientStorage
	case errors.Is(err, porting.ErrUnsupported):
		return http.StatusNotImplemented
	case errors.Is(err, porting.ErrClosed), errors.Is(err, porting.ErrUnavailable),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
