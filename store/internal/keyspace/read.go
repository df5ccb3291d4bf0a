package keyspace

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/portkit/portkit/porting"
)

// Claimed reports who holds each number: see porting.Store.ClaimedNumbers.
func Claimed(rd Reader, numbers []string) (map[string]porting.Claim, error) {
	out := make(map[string]porting.Claim)
	for _, n := range numbers {
		if id, ok, err := rd.Get(claimKey(n)); err != nil {
			return nil, err
		} else if ok {
			out[n] = porting.Claim{RequestID: string(id)}
			continue
		}
		if id, ok, err := rd.Get(doneKey(n)); err != nil {
			return nil, err
		} else if ok {
			out[n] = porting.Claim{RequestID: string(id), Completed: true}
		}
	}
	return out, nil
}

// PutAccount writes an account.
func PutAccount(tx Txn, a porting.Account) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return tx.Set(AccountKey(a.ID), b)
}

// GetAccount reads an account, or porting.ErrNotFound.
func GetAccount(rd Reader, id string) (porting.Account, error) {
	b, ok, err := rd.Get(AccountKey(id))
	if err != nil {
		return porting.Account{}, err
	}
	if !ok {
		return porting.Account{}, fmt.Errorf("account %s: %w", id, porting.ErrNotFound)
	}
	var a porting.Account
	if err := json.Unmarshal(b, &a); err != nil {
		return porting.Account{}, fmt.Errorf("account %s: %w", id, err)
	}
	return a, nil
}

// Events reads up to limit events with after < Seq <= upTo.
func Events(rd Reader, after, upTo uint64, limit int) ([]porting.Event, error) {
	if limit <= 0 {
		limit = 100
	}
	if after >= upTo {
		return nil, nil // also keeps after+1 from wrapping to 0
	}
	it := rd.Iterate(PrefixEvent, EventKey(after+1))
	defer it.Close()
	var out []porting.Event
	for ; it.Valid() && len(out) < limit; it.Next() {
		seq, err := EventSeq(it.Key())
		if err != nil {
			return nil, fmt.Errorf("event key %q: %w", it.Key(), err)
		}
		if seq > upTo {
			break
		}
		b, err := it.Value()
		if err != nil {
			return nil, err
		}
		var e porting.Event
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("event %d: %w", seq, err)
		}
		e.Seq = seq
		out = append(out, e)
	}
	return out, nil
}

// EncodeEvent encodes an event for its key.
func EncodeEvent(e porting.Event) ([]byte, error) { return json.Marshal(e) }

// GetCursor reads a consumer's event cursor (0 if none).
func GetCursor(rd Reader, consumer string) (uint64, error) {
	b, ok, err := rd.Get(CursorKey(consumer))
	if err != nil || !ok {
		return 0, err
	}
	return strconv.ParseUint(string(b), 10, 64)
}

// SetCursor writes a consumer's event cursor.
func SetCursor(tx Txn, consumer string, seq uint64) error {
	return tx.Set(CursorKey(consumer), []byte(strconv.FormatUint(seq, 10)))
}
