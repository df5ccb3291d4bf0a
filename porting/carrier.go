package porting

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers/v2"
	"github.com/nyaruka/phonenumbers/v2/carrier"
)

// Carrier is what a CarrierLookup knows of a number's current carrier.
type Carrier struct {
	// Name is the carrier's name; empty when unknown.
	Name string
	// Status is how sure the lookup is: confirmed for an authoritative
	// source, provisional for an inference from the numbering plan,
	// pending when nothing is known.
	Status PortabilityStatus
}

// CarrierLookup finds the losing carrier of a number. Port requests are
// split into one sub request per losing carrier. The default is a
// CarrierTable over libphonenumber's range-holder data.
type CarrierLookup interface {
	// LookupCarrier returns what is known of the number's current
	// carrier; an unknown carrier is not an error (Carrier{Status:
	// PortabilityPending}).
	LookupCarrier(ctx context.Context, n Number) (Carrier, error)
}

// CarrierTable is the default CarrierLookup: a table of E.164 prefixes (or
// whole numbers) and their carriers, which the platform loads from its LNP
// data, over libphonenumber's range-holder data. The longest matching
// prefix wins and is "confirmed"; a range holder is only "provisional",
// since the number may have been ported away from it since; a number found
// in neither is "pending". Safe for concurrent use; the zero value is an
// empty table that still consults the range holders.
type CarrierTable struct {
	// NoRangeHolders turns off the libphonenumber fallback.
	NoRangeHolders bool

	mu       sync.RWMutex
	prefixes map[string]string
	longest  int
}

// Add maps a prefix of E.164 numbers ("+1202555", or a whole number) to a
// carrier name.
func (t *CarrierTable) Add(prefix, carrierName string) {
	prefix = "+" + strings.TrimLeft(prefix, "+")
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.prefixes == nil {
		t.prefixes = make(map[string]string)
	}
	t.prefixes[prefix] = carrierName
	t.longest = max(t.longest, len(prefix))
}

// Load reads "prefix,carrier" lines (CSV, "#" comments) into the table.
func (t *CarrierTable) Load(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 2
	cr.TrimLeadingSpace = true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("carrier table: %w", err)
		}
		prefix := strings.TrimLeft(strings.TrimSpace(rec[0]), "+")
		if prefix == "" || strings.Trim(prefix, "0123456789") != "" {
			line, _ := cr.FieldPos(0)
			return fmt.Errorf("carrier table: line %d: prefix %q is not digits", line, rec[0])
		}
		t.Add(prefix, strings.TrimSpace(rec[1]))
	}
}

// LookupCarrier implements CarrierLookup.
func (t *CarrierTable) LookupCarrier(_ context.Context, n Number) (Carrier, error) {
	if !n.Valid {
		return Carrier{Status: PortabilityPending}, nil
	}
	t.mu.RLock()
	for l := min(t.longest, len(n.E164)); l > 1; l-- {
		if name, ok := t.prefixes[n.E164[:l]]; ok {
			t.mu.RUnlock()
			return Carrier{Name: name, Status: PortabilityConfirmed}, nil
		}
	}
	t.mu.RUnlock()
	// In the NANP numbers have been portable for decades, so a range
	// holder says little about the current carrier (libphonenumber has
	// range holders for a few Caribbean NANP countries only): not used.
	if t.NoRangeHolders || n.NANP() {
		return Carrier{Status: PortabilityPending}, nil
	}
	pn := phoneNumberOf(n.E164)
	if pn == nil {
		return Carrier{Status: PortabilityPending}, nil
	}
	name, err := carrier.GetNameForValidNumber(pn, "en")
	if err != nil || name == "" {
		return Carrier{Status: PortabilityPending}, nil
	}
	return Carrier{Name: name, Status: PortabilityProvisional}, nil
}

// phoneNumberOf rebuilds libphonenumber's form of an E.164 number without
// parsing it again (parsing costs as much as the whole lookup): the
// country code is the one prefix of the digits that is a country code,
// the rest is the national significant number with its leading zeros.
func phoneNumberOf(e164 string) *phonenumbers.PhoneNumber {
	digits := strings.TrimPrefix(e164, "+")
	for l := 1; l <= 3 && l < len(digits); l++ {
		cc, err := strconv.Atoi(digits[:l])
		if err != nil || phonenumbers.GetRegionCodeForCountryCode(cc) == "ZZ" {
			continue
		}
		nsn := digits[l:]
		national, err := strconv.ParseUint(nsn, 10, 64)
		if err != nil {
			return nil
		}
		code := int32(cc)
		pn := &phonenumbers.PhoneNumber{CountryCode: &code, NationalNumber: &national}
		if zeros := int32(len(nsn) - len(strings.TrimLeft(nsn, "0"))); zeros > 0 && national != 0 {
			leading := true
			pn.ItalianLeadingZero = &leading
			pn.NumberOfLeadingZeros = &zeros
		}
		return pn
	}
	return nil
}
