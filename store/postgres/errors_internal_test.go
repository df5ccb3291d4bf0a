package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// What the database says maps to porting's sentinels, and only the
// failures another attempt may cure are tried again.
func TestClassify(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("batch: %w", &pgconn.PgError{Code: code}) }
	for _, c := range []struct {
		err       error
		sentinel  error
		retryable bool
	}{
		{pg(codeConflict), porting.ErrConflict, false},
		{pg(codeNotFound), porting.ErrNotFound, false},
		{pg("57P01"), porting.ErrUnavailable, false}, // admin shutdown
		{pg("25006"), porting.ErrUnavailable, false}, // a read-only standby
		{pg("57P03"), porting.ErrUnavailable, false}, // starting up
		{pg("08006"), porting.ErrUnavailable, false}, // connection failure
		{pg("53300"), porting.ErrUnavailable, false}, // too many connections
		{pg("40001"), nil, true},                     // serialization failure
		{pg("40P01"), nil, true},                     // deadlock
		{pg("23505"), nil, false},
		{pg("22P02"), nil, false},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, porting.ErrUnavailable, false},
		{fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), porting.ErrUnavailable, false},
		{pgconn.ErrConnClosed, porting.ErrUnavailable, false},
		{errors.New("a bug"), nil, false},
	} {
		require.Equal(t, c.sentinel, classify(c.err), "%v", c.err)
		require.Equal(t, c.retryable, retryable(c.err), "%v", c.err)
	}
}
