package postgres

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/portkit/portkit/porting"
)

// SQLSTATEs the store raises itself (portkit_conflict, in the schema).
const (
	codeConflict = "PK409" // the request is at another revision
	codeNotFound = "PK404" // the request does not exist
)

// classify returns the porting sentinel an error of the database
// stands for, or nil:
//   - the store's own PK409 and PK404: ErrConflict and ErrNotFound;
//   - a server that cannot serve (class 08, connection exception; 57P01
//     to 57P03, shutting down or starting; class 53, out of resources such
//     as connections; 25006, a read-only server, such as a standby after a
//     failover) and every error that is not the server's (a refused
//     or lost connection, a broken pipe): ErrUnavailable.
func classify(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == codeConflict:
			return porting.ErrConflict
		case pe.Code == codeNotFound:
			return porting.ErrNotFound
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"),
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03",
			pe.Code == "25006": // a read-only server: a standby the URL reached after a failover
			return porting.ErrUnavailable
		}
		return nil
	}
	if lostConnection(err) {
		return porting.ErrUnavailable
	}
	return nil
}

// lostConnection reports whether err is the connection's, not the
// server's nor the store's: the database could not be reached, or the
// connection broke.
func lostConnection(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}

// retryable reports whether a write that failed with err may be tried
// again as it was: a serialization failure or a deadlock (the database
// rolled it back, and another attempt may win), or a failure before
// anything was sent.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return pgconn.SafeToRetry(err)
}

// maxAttempts bounds the attempts of one write or read.
const maxAttempts = 8

// backoff sleeps before attempt n (from 1) of a retry, a random while
// that grows with n, or until ctx ends.
func backoff(ctx context.Context, n int) error {
	d := time.Duration(rand.Int64N(int64(time.Millisecond) << min(n, 6)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
