package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Setting returns the value stored under key, storing value there first
// if there is none: the first process to ask sets it, and every process
// reads that one, however many ask at once. It is for the settings that
// the programs sharing a database must agree on, such as portd's master
// account and the key that signs its download links.
func (s *Store) Setting(ctx context.Context, key, value string) (string, error) {
	var got string
	err := s.read(ctx, "reading setting "+key, func() error {
		err := s.pool.QueryRow(ctx, `WITH ins AS (
			INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value)
			SELECT value FROM ins UNION ALL SELECT value FROM settings WHERE key = $1 LIMIT 1`, key, value).Scan(&got)
		if errors.Is(err, pgx.ErrNoRows) {
			// Another process's insert committed after this statement's
			// snapshot was taken: the next statement sees it.
			err = s.pool.QueryRow(ctx, "SELECT value FROM settings WHERE key = $1", key).Scan(&got)
		}
		return err
	})
	return got, err
}
