package status_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/status"
	"github.com/portkit/portkit/porting"
)

// A store that cannot serve now (closed, or its database unreachable) is
// 503, whatever wraps the sentinel: a retry may succeed. An error of no
// known kind is 500.
func TestUnavailableStores(t *testing.T) {
	for _, err := range []error{porting.ErrClosed, porting.ErrUnavailable,
		fmt.Errorf("postgres store: reading port request x: %w: dial tcp: connection refused", porting.ErrUnavailable)} {
		require.Equal(t, http.StatusServiceUnavailable, status.Of(err, http.StatusBadRequest), "%v", err)
	}
	require.Equal(t, http.StatusInternalServerError, status.Of(errors.New("boom"), http.StatusBadRequest))
}
