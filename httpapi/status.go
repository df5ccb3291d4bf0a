package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/portkit/portkit/porting"
)

// status maps a porting error to an HTTP status. Validation failures are
// validation (the dialect picks 400 or 422); a state that forbids the
// operation is 405.
func status(err error, validation int) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrUnauthenticated):
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
	case errors.Is(err, porting.ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
