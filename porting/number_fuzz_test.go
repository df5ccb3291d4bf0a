package porting_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/portkit/portkit/porting"
)

func FuzzParseNumber(f *testing.F) {
	for _, seed := range []string{
		"(202) 555-0100",
		"202.555.0100",
		"2025550100",
		"12025550100",
		"+1 202 555 0100",
		"011 44 20 7946 0958",
		"0044 20 7946 0958",
		"800-555-0199",
		"+18885550100",
		"+447400123456",
		"+447700900123",
		"07400 123456",
		"020 7946 0958",
		"+49 30 123456",
		"+49 151 23456789",
		"+6837012",
		"+49 30 1234567890123",
		"1-800-FLOWERS",
		"+1 202 555 0100 ext 5",
		"",
		"abc",
		"+1 555",
		"12345",
		"+",
		"011",
		"00",
		strings.Repeat("1234567890", 7),
		"+1202\x005550100",
		"+1202555\xff0100",
		"+1 202 555 0100\n",
	} {
		f.Add(seed)
	}
	parsers := []porting.NumberParser{{}, {DefaultRegion: "GB"}, {DefaultRegion: "DE"}}
	f.Fuzz(func(t *testing.T, in string) {
		for _, p := range parsers {
			n := p.Parse(in)
			if n.Raw != in {
				t.Fatalf("region %q: Raw = %q, want the input %q", p.DefaultRegion, n.Raw, in)
			}
			if s := strings.TrimSpace(in); n.E164 != "" && (!utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0) {
				t.Fatalf("region %q: %q has control characters or bytes that are not UTF-8, yet reads as %q", p.DefaultRegion, in, n.E164)
			}
			if !n.Valid {
				if n.Coverage != porting.CoverageInvalid {
					t.Fatalf("region %q: %q: not valid but Coverage = %q", p.DefaultRegion, in, n.Coverage)
				}
				continue
			}
			if n.Coverage == porting.CoverageInvalid || n.Coverage == "" {
				t.Fatalf("region %q: %q: valid but Coverage = %q", p.DefaultRegion, in, n.Coverage)
			}
			if len(n.E164) < 8 || len(n.E164) > 16 {
				t.Fatalf("region %q: %q: E164 %q has %d chars, want 8..16", p.DefaultRegion, in, n.E164, len(n.E164))
			}
			if n.E164[0] != '+' || strings.Trim(n.E164[1:], "0123456789") != "" {
				t.Fatalf("region %q: %q: E164 %q is not + and digits", p.DefaultRegion, in, n.E164)
			}
			if (n.Coverage == porting.CoverageNANPGeneric || n.Coverage == porting.CoverageNANPTollFree) != n.NANP() {
				t.Fatalf("region %q: %q: Coverage %q but NANP() = %v (E164 %q)", p.DefaultRegion, in, n.Coverage, n.NANP(), n.E164)
			}
			again := p.Parse(n.E164)
			if again.E164 != n.E164 || !again.Valid {
				t.Fatalf("region %q: %q -> %q, re-parsed to %q (valid %v)", p.DefaultRegion, in, n.E164, again.E164, again.Valid)
			}
		}
	})
}
