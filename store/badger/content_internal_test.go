package badger

import (
	"context"
	"strings"
	"testing"

	bdg "github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// keysWith lists the store's keys under prefix.
func keysWith(t *testing.T, s *Store, prefix string) []string {
	t.Helper()
	var keys []string
	require.NoError(t, s.db.View(func(txn *bdg.Txn) error {
		it := txn.NewIterator(bdg.IteratorOptions{Prefix: []byte(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			keys = append(keys, string(it.Item().Key()))
		}
		return nil
	}))
	return keys
}

// A process killed between writing an upload's chunks and committing the
// transaction that references them leaves the chunks and the upload's
// marker; the next Open drops both, and nothing else.
func TestOpenDropsUploadsThatNeverCommitted(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	ctx := context.Background()
	svc := porting.NewService(s, porting.Options{})
	sys := porting.AsSystem(ctx)
	require.NoError(t, svc.PutAccount(sys, porting.Account{ID: "acct", Name: "Acct", PortAuthority: true}))
	r, err := svc.Create(sys, "acct", porting.RequestInput{Name: "r", Numbers: []porting.NumberInput{{Raw: "+12025550100"}}})
	require.NoError(t, err)
	att, _, err := svc.PutAttachment(sys, r.ID, 0, porting.AttachmentInput{Name: "kept.pdf", ContentType: "application/pdf", Body: strings.NewReader("%PDF kept")})
	require.NoError(t, err)
	require.Empty(t, keysWith(t, s, uploadPrefix), "a committed upload leaves no marker")

	// What a kill after PutContent's batch and before the commit leaves.
	require.NoError(t, s.db.Update(func(txn *bdg.Txn) error {
		if err := txn.Set(uploadKey(r.ID, "lost"), nil); err != nil {
			return err
		}
		for i := range 3 {
			if err := txn.Set(chunkKey(r.ID, "lost", i), []byte("orphan bytes")); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, s.Close())

	s, err = Open(Options{Dir: dir})
	require.NoError(t, err)
	defer s.Close()
	require.Empty(t, keysWith(t, s, uploadPrefix))
	require.Equal(t, []string{contentPrefix(r.ID, att.ContentID) + "000000"}, keysWith(t, s, "b/"), "only the committed upload's bytes remain")
	_, data, err := porting.NewService(s, porting.Options{}).Attachment(sys, r.ID, "kept.pdf")
	require.NoError(t, err)
	require.Equal(t, "%PDF kept", string(data))
}
