package loa

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
)

// The letters are set in DejaVu Sans Condensed, a free Unicode TrueType
// font (licence in fonts/LICENSE), regular and bold.
//
// Cost. fpdf parses a TrueType font anew for every document and, when it
// writes the PDF, parses it again to cut and embed the subset of glyphs
// the document uses. With the full font files (about 670 KB a face) an
// fpdf document in these two faces costs about 19ms before it holds any
// text (BenchmarkFonts, 2-core Xeon): more than a whole letter with 10
// numbers takes now. fpdf keeps the parsed font in unexported state that
// it also mutates while cutting the subset, so parsed data cannot be
// shared between documents, not even behind a sync.Once. What can be
// shared is a smaller font: on first use the package cuts each face down
// to the repertoire below, once, with fpdf.UTF8CutFont (about 10ms a
// face), and every render then parses the smaller font, which brings the
// cost down to about 13ms. The rest is fixed by fpdf whatever the font's
// size (it hashes a 65,536-entry width table and embeds a 128 KB glyph map
// for every face) and is the same for any fpdf document in these fonts;
// it is most of the time of a short letter.
//
// The repertoire covers Latin with all its diacritics (Vietnamese
// included), Greek, Cyrillic, Armenian and Georgian, punctuation,
// currency, letterlike and mathematical symbols, and ballot boxes and
// check marks. Characters outside it print as "?" (see printable). Of
// what DejaVu has
// beyond it, fpdf could not set Hebrew or Arabic correctly anyway (it does
// no bidirectional layout or shaping); CJK and Indic scripts are not in
// DejaVu at all.
var repertoire = []struct{ lo, hi rune }{
	{0x0020, 0x058F}, // Basic Latin to Armenian: Latin-1, Latin Extended-A and -B, IPA, diacritics, Greek, Cyrillic
	{0x10A0, 0x10FF}, // Georgian
	{0x1D00, 0x1DBF}, // Phonetic Extensions
	{0x1E00, 0x1FFF}, // Latin Extended Additional (Vietnamese), Greek Extended
	{0x2000, 0x22FF}, // punctuation, currency, letterlike symbols, number forms, arrows, mathematical operators
	{0x25A0, 0x25FF}, // geometric shapes
	{0x2610, 0x2612}, // ballot boxes
	{0x2713, 0x2718}, // check marks and crosses
	{0x2C60, 0x2C7F}, // Latin Extended-C
	{0xA720, 0xA7FF}, // Latin Extended-D
	{0xFB00, 0xFB06}, // Latin ligatures
}

//go:embed fonts/DejaVuSansCondensed.ttf
var fontRegularFull []byte

//go:embed fonts/DejaVuSansCondensed-Bold.ttf
var fontBoldFull []byte

// fontFamily is the family name the fonts are registered under.
const fontFamily = "DejaVuSansCondensed"

// fonts returns the regular and bold faces cut to the repertoire. The
// first call cuts them (about 10ms a face); later calls share the result,
// which is never modified.
var fonts = sync.OnceValues(func() (regular, bold []byte) {
	var b strings.Builder
	for _, r := range repertoire {
		for c := r.lo; c <= r.hi; c++ {
			if unicode.IsGraphic(c) {
				b.WriteRune(c)
			}
		}
	}
	set := b.String()
	return fpdf.UTF8CutFont(fontRegularFull, set), fpdf.UTF8CutFont(fontBoldFull, set)
})

// addFonts registers the regular and bold faces with pdf.
func addFonts(pdf *fpdf.Fpdf) {
	regular, bold := fonts()
	pdf.AddUTF8FontFromBytes(fontFamily, "", regular)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", bold)
}

// printable returns s with every character outside the repertoire
// replaced by "?" and control characters other than newline by spaces.
// Without it a single emoji in a customer's name would fail the render:
// fpdf refuses characters beyond U+FFFF. s itself is returned when it
// needs no change, which is the common case.
func printable(s string) string {
	for _, c := range s {
		if !inRepertoire(c) {
			return strings.Map(func(c rune) rune {
				switch {
				case inRepertoire(c):
					return c
				case c < 0x20:
					return ' '
				}
				return '?'
			}, s)
		}
	}
	return s
}

// inRepertoire reports whether the letters' fonts can print c.
func inRepertoire(c rune) bool {
	if c < 0x80 {
		return c >= 0x20 && c != 0x7F || c == '\n'
	}
	for _, r := range repertoire {
		if c >= r.lo && c <= r.hi {
			return true
		}
	}
	return false
}
