package postgres

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// IndexKeys implements storetest.IndexLister: it names every row the
// store keeps for requests, as keys in the vocabulary of portkit's
// key-value stores, so that the conformance suite finds any row a write
// should have removed:
//
//	r/{id}                        the request
//	n/{e164}/{id}                 each of its numbers
//	c/{e164}, d/{e164}            a number it holds: claimed (active), completed
//	k/{key}                       each support key
//	i/t/{account}/{state}/{id}    each account on its path
//	h/{id}/{seq}                  each timeline entry
//	content:{id}/{content id}     each attachment's bytes
func (s *Store) IndexKeys(ctx context.Context) ([]string, error) {
	var keys []string
	err := s.read(ctx, "listing keys", func() error {
		keys = keys[:0]
		rows, err := s.pool.Query(ctx, `
			SELECT 'r/' || id FROM requests
			UNION ALL SELECT 'n/' || e164 || '/' || request_id FROM request_numbers
			UNION ALL SELECT CASE hold WHEN 'active' THEN 'c/' ELSE 'd/' END || e164 FROM request_numbers WHERE hold IS NOT NULL
			UNION ALL SELECT 'k/' || key FROM support_keys
			UNION ALL SELECT 'i/t/' || account_id || '/' || state || '/' || request_id FROM request_ancestors
			UNION ALL SELECT 'h/' || request_id || '/' || seq FROM timeline
			UNION ALL SELECT 'content:' || request_id || '/' || content_id FROM contents`)
		if err != nil {
			return err
		}
		var k string
		_, err = pgx.ForEachRow(rows, []any{&k}, func() error {
			keys = append(keys, k)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	sort.Strings(keys)
	return keys, nil
}
