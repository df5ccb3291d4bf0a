package keyspace

import (
	"errors"
	"fmt"

	"github.com/portkit/portkit/porting"
)

// Create stores a new request: see porting.Store.CreateRequest.
func Create(tx Txn, r *porting.PortRequest, w porting.Write) error {
	if _, ok, err := tx.Get(RequestKey(r.ID)); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("port request %s exists: %w", r.ID, porting.ErrConflict)
	}
	return apply(tx, nil, r, w)
}

// Update replaces a request: see porting.Store.UpdateRequest.
func Update(tx Txn, r *porting.PortRequest, w porting.Write) error {
	old, err := loadAtRevision(tx, r)
	if err != nil {
		return err
	}
	return apply(tx, old, r, w)
}

// Delete removes a request and everything it owns: see
// porting.Store.DeleteRequest.
func Delete(tx Txn, r *porting.PortRequest, w porting.Write) error {
	old, err := loadAtRevision(tx, r)
	if err != nil {
		return err
	}
	for k := range Entries(old) {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	for _, a := range old.Attachments {
		if err := tx.DeleteContent(old.ID, a.ContentID); err != nil {
			return err
		}
	}
	if err := tx.DeleteRequestDoc(old.ID); err != nil {
		return err
	}
	if err := deleteTimeline(tx, old.ID); err != nil {
		return err
	}
	return tx.AppendEvents(w.Events)
}

// loadAtRevision loads the stored version of r, which must be at the
// revision r was read at: porting.ErrConflict otherwise.
func loadAtRevision(tx Txn, r *porting.PortRequest) (*porting.PortRequest, error) {
	old, err := tx.LoadRequest(r.ID)
	if err != nil {
		return nil, err
	}
	if old.Revision != r.Revision {
		return nil, fmt.Errorf("port request %s is at revision %d, not %d: %w", r.ID, old.Revision, r.Revision, porting.ErrConflict)
	}
	return old, nil
}

// apply checks the invariants for moving a request from old (nil for a
// new one) to r, then writes the difference. r.Revision is the revision
// read; it is incremented before the write.
func apply(tx Txn, old, r *porting.PortRequest, w porting.Write) error {
	var before map[string]string
	if old != nil {
		before = Entries(old)
	}
	after := Entries(r)
	if err := checkClaims(tx, r, before, after); err != nil {
		return err
	}

	// Every check passed: write.
	for k := range before {
		if _, keep := after[k]; !keep {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
	}
	for k, v := range after {
		if old, had := before[k]; !had || old != v {
			if err := tx.Set(k, []byte(v)); err != nil {
				return err
			}
		}
	}
	if old != nil {
		r.Revision++
	} else {
		r.Revision = 1
	}
	if err := tx.StoreRequest(r); err != nil {
		return err
	}
	if err := AppendTimeline(tx, r.ID, w.Timeline); err != nil {
		return err
	}
	for id, data := range w.Content {
		if !references(r, id) {
			continue // bytes no attachment references would never be deleted
		}
		if err := tx.PutContent(r.ID, id, data); err != nil {
			return err
		}
	}
	if old != nil {
		for _, a := range old.Attachments {
			if !references(r, a.ContentID) {
				if err := tx.DeleteContent(r.ID, a.ContentID); err != nil {
					return err
				}
			}
		}
	}
	return tx.AppendEvents(w.Events)
}

// checkClaims checks the keys r takes that it did not hold before: a
// number claim another request holds, a number a completed port brought
// in, a support key in use.
func checkClaims(tx Txn, r *porting.PortRequest, before, after map[string]string) error {
	keys := map[string]bool{r.SupportKey: true}
	for _, sr := range r.SubRequests {
		if keys[sr.SupportKey] {
			return fmt.Errorf("%s used twice: %w", sr.SupportKey, porting.ErrSupportKeyTaken)
		}
		keys[sr.SupportKey] = true
	}
	var errs []error
	for k := range after {
		if _, had := before[k]; had {
			continue
		}
		switch {
		case hasPrefix(k, PrefixClaim):
			e164 := k[len(PrefixClaim):]
			if holder, ok, err := tx.Get(k); err != nil {
				return err
			} else if ok && string(holder) != r.ID {
				errs = append(errs, &porting.NumberOnRequestError{Number: porting.Number{E164: e164}, RequestID: string(holder)})
				continue
			}
			if holder, ok, err := tx.Get(doneKey(e164)); err != nil {
				return err
			} else if ok && string(holder) != r.ID {
				errs = append(errs, &porting.NumberOwnedError{Number: porting.Number{E164: e164}})
			}
		case hasPrefix(k, PrefixKey):
			if holder, ok, err := tx.Get(k); err != nil {
				return err
			} else if ok && string(holder) != r.ID {
				return fmt.Errorf("%s: %w", k[len(PrefixKey):], porting.ErrSupportKeyTaken)
			}
		}
	}
	return errors.Join(errs...)
}

func references(r *porting.PortRequest, contentID string) bool {
	for _, a := range r.Attachments {
		if a.ContentID == contentID {
			return true
		}
	}
	return false
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
