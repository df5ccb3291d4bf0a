package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/portkit/portkit/porting"
)

// contentPiece is how many bytes of an attachment one query of
// OpenContent's reader fetches. The bytes are stored uncompressed and out
// of line (STORAGE EXTERNAL), so PostgreSQL reads only the TOAST chunks
// of the piece asked for.
const contentPiece = 256 << 10

// sqlContentPiece reads a piece of attachment bytes ($3 is 1-based) and
// their whole length; no row when they are gone.
const sqlContentPiece = `SELECT substring(data FROM $3 FOR $4), octet_length(data) FROM contents
	WHERE request_id = $1 AND content_id = $2`

// OpenContent implements porting.ContentOpener: the bytes are read a
// piece at a time, each piece a query of its own, so a slow client holds
// neither the whole attachment nor a connection of the pool.
func (s *Store) OpenContent(ctx context.Context, requestID, contentID string) (io.ReadCloser, error) {
	r := &contentReader{s: s, ctx: ctx, requestID: requestID, contentID: contentID}
	if err := r.fetch(); err != nil {
		return nil, err
	}
	return r, nil
}

// contentReader streams the bytes of one content ID.
type contentReader struct {
	s                    *Store
	ctx                  context.Context
	requestID, contentID string
	off, size            int64  // where the next piece starts; the whole length
	buf                  []byte // what is left of the piece read last
}

// fetch reads the next piece into buf.
func (r *contentReader) fetch() error {
	var piece []byte
	op := fmt.Sprintf("reading content %s of %s at %d", r.contentID, r.requestID, r.off)
	err := r.s.read(r.ctx, op, func() error {
		err := r.s.pool.QueryRow(r.ctx, sqlContentPiece, r.requestID, r.contentID, r.off+1, contentPiece).Scan(&piece, &r.size)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("content %s of %s: %w", r.contentID, r.requestID, porting.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(piece) == 0 && r.off < r.size {
		return fmt.Errorf("content %s of %s: no bytes at %d of %d: %w", r.contentID, r.requestID, r.off, r.size, io.ErrUnexpectedEOF)
	}
	r.off += int64(len(piece))
	r.buf = piece
	return nil
}

// Read implements io.Reader.
func (r *contentReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.off >= r.size {
			return 0, io.EOF
		}
		if err := r.fetch(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// Close implements io.Closer.
func (r *contentReader) Close() error { return nil }
